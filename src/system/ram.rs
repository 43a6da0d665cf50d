//! Guest RAM: one anonymous host mapping at a fixed guest physical base.

use memmap2::MmapMut;

pub struct Ram {
    base: u64,
    mem: MmapMut,
}

impl Ram {
    pub fn new(base: u64, size: u64) -> std::io::Result<Ram> {
        let mem = MmapMut::map_anon(size as usize)?;
        Ok(Ram { base, mem })
    }

    pub fn base(&self) -> u64 {
        self.base
    }

    pub fn size(&self) -> u64 {
        self.mem.len() as u64
    }

    /// Host address of `[pa, pa + len)` when it lies inside RAM.
    pub fn host(&self, pa: u64, len: u64) -> Option<u64> {
        let off = pa.checked_sub(self.base)?;
        if off.checked_add(len)? > self.size() {
            return None;
        }
        Some(self.mem.as_ptr() as u64 + off)
    }

    /// The physical address of host address `host` inside RAM.
    pub fn pa_of_host(&self, host: u64) -> Option<u64> {
        let off = host.checked_sub(self.mem.as_ptr() as u64)?;
        (off < self.size()).then_some(self.base + off)
    }

    /// Copies `data` to physical address `pa`.
    pub fn write(&mut self, pa: u64, data: &[u8]) -> Option<()> {
        let off = (pa.checked_sub(self.base)?) as usize;
        self.mem
            .get_mut(off..off.checked_add(data.len())?)?
            .copy_from_slice(data);
        Some(())
    }

    /// The little-endian 64-bit word at `pa` (a page-table descriptor).
    pub fn read_u64(&self, pa: u64) -> Option<u64> {
        let off = (pa.checked_sub(self.base)?) as usize;
        let b = self.mem.get(off..off.checked_add(8)?)?;
        Some(u64::from_le_bytes(b.try_into().ok()?))
    }

    /// The little-endian 32-bit word at `pa` (an instruction).
    pub fn read_u32(&self, pa: u64) -> Option<u32> {
        let off = (pa.checked_sub(self.base)?) as usize;
        let b = self.mem.get(off..off.checked_add(4)?)?;
        Some(u32::from_le_bytes(b.try_into().ok()?))
    }
}
