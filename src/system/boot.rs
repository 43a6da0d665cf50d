//! Loading the guest: a bare-metal ELF (its PT_LOAD segments at their
//! physical addresses, entry at e_entry) or a raw arm64 Linux `Image`
//! (Documentation/arch/arm64/booting.rst: 64-byte header, magic "ARM\x64"
//! at 0x38, loaded `text_offset` bytes above a 2 MiB-aligned base), and the
//! device tree near the top of RAM. The CPU starts at the entry with x0 =
//! the DTB's physical address.

use super::board::{DTB_MAX, IMAGE_BASE};
use super::ram::Ram;
use goblin::elf::{program_header::PT_LOAD, Elf};

/// Where the guest starts.
pub struct Loaded {
    pub entry: u64,
    /// First byte after the loaded image (the DTB must not overlap it).
    pub end: u64,
}

/// Loads `image` into `ram`.
pub fn load_kernel(ram: &mut Ram, image: &[u8]) -> Result<Loaded, String> {
    if image.starts_with(b"\x7fELF") {
        return load_elf(ram, image);
    }
    if image.len() >= 64 && &image[0x38..0x3c] == b"ARM\x64" {
        let text_offset = u64::from_le_bytes(image[8..16].try_into().unwrap());
        let base = IMAGE_BASE + text_offset;
        ram.write(base, image)
            .ok_or_else(|| format!("Image of {} bytes does not fit in RAM", image.len()))?;
        let size = u64::from_le_bytes(image[16..24].try_into().unwrap()).max(image.len() as u64);
        return Ok(Loaded {
            entry: base,
            end: base + size,
        });
    }
    Err("not an ELF file or arm64 Image".into())
}

fn load_elf(ram: &mut Ram, image: &[u8]) -> Result<Loaded, String> {
    let elf = Elf::parse(image).map_err(|e| format!("bad ELF file: {e}"))?;
    if elf.header.e_machine != goblin::elf::header::EM_AARCH64 || !elf.is_64 {
        return Err("not an AArch64 ELF file".into());
    }
    let mut entry = elf.entry;
    let mut end = 0;
    for ph in elf.program_headers.iter().filter(|p| p.p_type == PT_LOAD) {
        let off = ph.p_offset as usize;
        let data = off
            .checked_add(ph.p_filesz as usize)
            .and_then(|e| image.get(off..e))
            .ok_or("bad ELF file: segment outside the file")?;
        ram.write(ph.p_paddr, data)
            .ok_or_else(|| format!("segment at {:#x} is outside RAM", ph.p_paddr))?;
        let zeros = vec![0; (ph.p_memsz.saturating_sub(ph.p_filesz)) as usize];
        ram.write(ph.p_paddr + ph.p_filesz, &zeros)
            .ok_or_else(|| format!("segment at {:#x} is outside RAM", ph.p_paddr))?;
        if (ph.p_vaddr..ph.p_vaddr + ph.p_memsz).contains(&elf.entry) {
            entry = elf.entry - ph.p_vaddr + ph.p_paddr;
        }
        end = end.max(ph.p_paddr + ph.p_memsz);
    }
    Ok(Loaded { entry, end })
}

/// Where the device tree goes: the highest 2 MiB-aligned address that
/// leaves room for the largest one.
fn dtb_addr(ram: &Ram) -> u64 {
    let top = ram.base() + ram.size();
    top.saturating_sub(DTB_MAX) & !(DTB_MAX - 1)
}

/// Places the initial ramdisk `initrd` page-aligned right below the device
/// tree's place, above the image (booting.rst: anywhere in RAM the kernel
/// does not occupy). Returns its physical start and end.
pub fn place_initrd(ram: &mut Ram, initrd: &[u8], image_end: u64) -> Result<(u64, u64), String> {
    let len = initrd.len() as u64;
    let start = dtb_addr(ram).saturating_sub(len) & !0xfff;
    if start < image_end.max(ram.base()) {
        return Err(format!(
            "RAM too small for the kernel, an initrd of {len} bytes and the device tree"
        ));
    }
    ram.write(start, initrd).ok_or("initrd outside RAM")?;
    Ok((start, start + len))
}

/// Places `dtb` at [`dtb_addr`], above the image. Returns its address.
pub fn place_dtb(ram: &mut Ram, dtb: &[u8], image_end: u64) -> Result<u64, String> {
    if dtb.len() as u64 > DTB_MAX {
        return Err(format!("device tree of {} bytes is over 2 MiB", dtb.len()));
    }
    let addr = dtb_addr(ram);
    if addr < image_end.max(ram.base()) {
        return Err("RAM too small for the kernel and the device tree".into());
    }
    ram.write(addr, dtb).ok_or("device tree outside RAM")?;
    Ok(addr)
}
