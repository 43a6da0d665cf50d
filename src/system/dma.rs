//! Device access to guest RAM ("DMA"): a second shared mapping of RAM's
//! memory object, owned by the handle, so a device can hold it for as long
//! as it lives without borrowing the [`super::ram::Ram`]. Accesses are
//! bounds-checked byte copies by guest physical address; no Rust reference
//! into guest memory is ever handed out (the guest may change it at any
//! time).

use memmap2::{MmapOptions, MmapRaw};
use std::fs::File;
use std::sync::Arc;

/// A cheap, cloneable handle to all of guest RAM.
#[derive(Clone)]
pub struct Dma {
    base: u64,
    map: Arc<MmapRaw>,
}

impl Dma {
    /// Maps `size` bytes of `file` (RAM's memory object), which the guest
    /// sees at physical address `base`.
    pub(super) fn new(file: &File, base: u64, size: u64) -> std::io::Result<Dma> {
        let map = MmapOptions::new().len(size as usize).map_raw(file)?;
        Ok(Dma {
            base,
            map: Arc::new(map),
        })
    }

    /// The host pointer of `[pa, pa + len)` when it lies inside RAM.
    fn ptr(&self, pa: u64, len: usize) -> Option<*mut u8> {
        let off = pa.checked_sub(self.base)?;
        let end = off.checked_add(len as u64)?;
        if end > self.map.len() as u64 {
            return None;
        }
        // SAFETY: `off + len` is within the mapping, checked above.
        Some(unsafe { self.map.as_mut_ptr().add(off as usize) })
    }

    /// Whether `[pa, pa + len)` lies inside RAM.
    pub fn contains(&self, pa: u64, len: u64) -> bool {
        usize::try_from(len).is_ok_and(|n| self.ptr(pa, n).is_some())
    }

    /// Fills `buf` from guest physical address `pa`; `None` (nothing read)
    /// when the range is not all RAM.
    pub fn read(&self, pa: u64, buf: &mut [u8]) -> Option<()> {
        let p = self.ptr(pa, buf.len())?;
        // SAFETY: `p` covers `buf.len()` bytes of the live mapping, which
        // never overlaps a Rust buffer.
        unsafe { std::ptr::copy_nonoverlapping(p, buf.as_mut_ptr(), buf.len()) };
        Some(())
    }

    /// Copies `data` to guest physical address `pa`; `None` (nothing
    /// written) when the range is not all RAM.
    pub fn write(&self, pa: u64, data: &[u8]) -> Option<()> {
        let p = self.ptr(pa, data.len())?;
        // SAFETY: as in `read`; the mapping is writable and shared.
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), p, data.len()) };
        Some(())
    }

    pub fn read_u16(&self, pa: u64) -> Option<u16> {
        let mut b = [0; 2];
        self.read(pa, &mut b)?;
        Some(u16::from_le_bytes(b))
    }

    pub fn read_u32(&self, pa: u64) -> Option<u32> {
        let mut b = [0; 4];
        self.read(pa, &mut b)?;
        Some(u32::from_le_bytes(b))
    }

    pub fn read_u64(&self, pa: u64) -> Option<u64> {
        let mut b = [0; 8];
        self.read(pa, &mut b)?;
        Some(u64::from_le_bytes(b))
    }

    pub fn write_u16(&self, pa: u64, v: u16) -> Option<()> {
        self.write(pa, &v.to_le_bytes())
    }

    pub fn write_u32(&self, pa: u64, v: u32) -> Option<()> {
        self.write(pa, &v.to_le_bytes())
    }
}

#[cfg(test)]
mod tests {
    use crate::system::ram::Ram;

    #[test]
    fn sees_and_changes_ram() {
        let mut ram = Ram::new(0x4000_0000, 1 << 16).unwrap();
        let dma = ram.dma().unwrap();
        ram.write(0x4000_1000, b"abcdefgh").unwrap();
        assert_eq!(
            dma.read_u32(0x4000_1004),
            Some(u32::from_le_bytes(*b"efgh"))
        );
        dma.write(0x4000_1002, b"XY").unwrap();
        assert_eq!(
            ram.read_u32(0x4000_1000),
            Some(u32::from_le_bytes(*b"abXY"))
        );
        assert!(dma.read_u32(0x4000_fffe).is_none(), "crosses the end");
        assert!(dma.read_u16(0x3fff_ffff).is_none(), "below RAM");
        assert!(dma.write(0x4001_0000, b"z").is_none());
    }
}
