//! Stage-1 translation of the EL1&0 regime: 4 KiB granule, up to 48-bit
//! virtual addresses in two halves (TTBR0_EL1 below, TTBR1_EL1 above),
//! blocks at levels 1 and 2, pages at level 3, AP/UXN/PXN with the
//! hierarchical APTable/UXNTable/PXNTable bits, the access flag (a clear
//! AF faults: no hardware update) and top-byte-ignore for data accesses.
//! Memory attributes are not modelled: what is RAM and what is a device is
//! decided by physical address.

use super::ram::Ram;

/// What an access does.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
    Fetch,
}

/// Kinds of fault, with their fault status code base (level added).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FaultKind {
    AddressSize,
    Translation,
    AccessFlag,
    Permission,
    /// Synchronous external abort on a table walk (descriptor outside RAM).
    WalkExternal,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    pub kind: FaultKind,
    pub level: u8,
}

impl Fault {
    /// The DFSC/IFSC value (ESR ISS bits 5:0).
    pub fn status(self) -> u64 {
        let base = match self.kind {
            FaultKind::AddressSize => 0b00_0000,
            FaultKind::Translation => 0b00_0100,
            FaultKind::AccessFlag => 0b00_1000,
            FaultKind::Permission => 0b00_1100,
            FaultKind::WalkExternal => 0b01_0100,
        };
        base | u64::from(self.level & 3)
    }
}

/// A successful translation: the physical address and what the current
/// exception level may do on the page.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Translation {
    pub pa: u64,
    pub read: bool,
    pub write: bool,
    pub exec: bool,
}

/// The registers a walk reads.
#[derive(Copy, Clone, Debug, Default)]
pub struct Regime {
    pub sctlr: u64,
    pub tcr: u64,
    pub ttbr0: u64,
    pub ttbr1: u64,
}

const SCTLR_M: u64 = 1 << 0;
const SCTLR_WXN: u64 = 1 << 19;
const TCR_EPD0: u64 = 1 << 7;
const TCR_EPD1: u64 = 1 << 23;
const TCR_TBI0: u64 = 1 << 37;
const TCR_TBI1: u64 = 1 << 38;
/// Output addresses: 48 bits.
const OA_MASK: u64 = 0x0000_ffff_ffff_f000;

impl Regime {
    /// The address the walk uses: with TBI for the half `va` is in, bits
    /// 63:56 are a copy of bit 55 (data accesses only).
    pub fn untag(&self, va: u64, access: Access) -> u64 {
        if access == Access::Fetch {
            return va;
        }
        let upper = va >> 55 & 1 == 1;
        let tbi = if upper { TCR_TBI1 } else { TCR_TBI0 };
        if self.tcr & tbi == 0 {
            return va;
        }
        if upper {
            va | 0xff00_0000_0000_0000
        } else {
            va & 0x00ff_ffff_ffff_ffff
        }
    }

    /// Translates `va` for `access` at exception level `el`.
    pub fn translate(
        &self,
        ram: &Ram,
        va: u64,
        access: Access,
        el: u8,
    ) -> Result<Translation, Fault> {
        let va = self.untag(va, access);
        if self.sctlr & SCTLR_M == 0 {
            // MMU off: flat, everything allowed (PA size 48 bits).
            if va >> 48 != 0 {
                return Err(Fault {
                    kind: FaultKind::AddressSize,
                    level: 0,
                });
            }
            return Ok(Translation {
                pa: va,
                read: true,
                write: true,
                exec: true,
            });
        }
        let upper = va >> 63 == 1;
        let (tsz, ttbr, epd) = if upper {
            (self.tcr >> 16 & 0x3f, self.ttbr1, TCR_EPD1)
        } else {
            (self.tcr & 0x3f, self.ttbr0, TCR_EPD0)
        };
        // T0SZ/T1SZ below 16 behave as 16 (48-bit VAs, no FEAT_LVA).
        let tsz = tsz.clamp(16, 39);
        let inputsize = 64 - tsz;
        let top = va >> inputsize;
        let fault = |kind, level| Fault { kind, level };
        let in_range = if upper {
            top == (u64::MAX >> inputsize)
        } else {
            top == 0
        };
        if !in_range || self.tcr & epd != 0 {
            return Err(fault(FaultKind::Translation, 0));
        }
        // Start level for a 4 KiB granule: 9 bits per level above bit 12.
        let mut level = 4 - (inputsize - 12).div_ceil(9) as u8;
        let mut table = ttbr & OA_MASK & !0xfff;
        let (mut ap_no_el0, mut ap_ro, mut uxn_t, mut pxn_t) = (false, false, false, false);
        loop {
            let shift = 12 + 9 * (3 - u32::from(level));
            let bits = if u64::from(shift) + 9 > inputsize {
                inputsize - u64::from(shift)
            } else {
                9
            };
            let index = (va >> shift) & ((1 << bits) - 1);
            let desc = ram
                .read_u64(table + 8 * index)
                .ok_or(fault(FaultKind::WalkExternal, level))?;
            if desc & 1 == 0 {
                return Err(fault(FaultKind::Translation, level));
            }
            let is_table = desc & 2 != 0 && level < 3;
            if is_table {
                ap_no_el0 |= desc >> 61 & 1 == 1;
                ap_ro |= desc >> 62 & 1 == 1;
                uxn_t |= desc >> 60 & 1 == 1;
                pxn_t |= desc >> 59 & 1 == 1;
                table = desc & OA_MASK;
                level += 1;
                continue;
            }
            // A block at level 0 and a level-3 descriptor with bit 1 clear are invalid.
            if level == 0 || (level == 3 && desc & 2 == 0) {
                return Err(fault(FaultKind::Translation, level));
            }
            if desc & (1 << 10) == 0 {
                return Err(fault(FaultKind::AccessFlag, level));
            }
            let size_mask = (1u64 << shift) - 1;
            let pa = (desc & OA_MASK & !size_mask) | (va & size_mask);
            let ap = desc >> 6 & 3;
            let el0_ok = ap & 1 == 1 && !ap_no_el0;
            let ro = ap & 2 != 0 || ap_ro;
            let (read, write) = if el == 0 {
                (el0_ok, el0_ok && !ro)
            } else {
                (true, !ro)
            };
            let el0_write = el0_ok && !ro;
            let uxn = desc >> 54 & 1 == 1 || uxn_t;
            let pxn = desc >> 53 & 1 == 1 || pxn_t;
            let mut exec = if el == 0 {
                el0_ok && !uxn
            } else {
                // EL0-writable memory is never privileged-executable.
                !pxn && !el0_write
            };
            if self.sctlr & SCTLR_WXN != 0 && write {
                exec = false;
            }
            let ok = match access {
                Access::Read => read,
                Access::Write => write,
                Access::Fetch => exec,
            };
            if !ok {
                return Err(fault(FaultKind::Permission, level));
            }
            return Ok(Translation {
                pa,
                read,
                write,
                exec,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: u64 = 0x4000_0000;
    /// AF | AP, as a level-3 page or level-1/2 block.
    fn leaf(pa: u64, ap: u64, page: bool) -> u64 {
        pa | (1 << 10) | (ap << 6) | if page { 3 } else { 1 }
    }

    fn setup() -> (Ram, Regime) {
        let mut ram = Ram::new(BASE, 1 << 20).unwrap();
        // L0 at BASE, L1 at +0x1000, L2 at +0x2000, L3 at +0x3000.
        let w = |ram: &mut Ram, pa: u64, v: u64| ram.write(pa, &v.to_le_bytes()).unwrap();
        w(&mut ram, BASE, (BASE + 0x1000) | 3);
        // L1[1]: a 1 GiB block mapping VA 0x4000_0000 to itself, EL1 RW.
        w(&mut ram, BASE + 0x1000 + 8, leaf(BASE, 0, false));
        // L1[0]: table → L2; L2[0]: table → L3; L3[1]: page at BASE+0x5000, EL0 RO.
        w(&mut ram, BASE + 0x1000, (BASE + 0x2000) | 3);
        w(&mut ram, BASE + 0x2000, (BASE + 0x3000) | 3);
        w(&mut ram, BASE + 0x3000 + 8, leaf(BASE + 0x5000, 3, true));
        // L3[2]: access flag clear.
        w(&mut ram, BASE + 0x3000 + 16, (BASE + 0x6000) | 3);
        let regime = Regime {
            sctlr: SCTLR_M,
            tcr: 16 | (16 << 16) | (2 << 30),
            ttbr0: BASE,
            ttbr1: 0,
        };
        (ram, regime)
    }

    #[test]
    fn walks_blocks_and_pages() {
        let (ram, r) = setup();
        let t = r.translate(&ram, 0x4012_3456, Access::Write, 1).unwrap();
        assert_eq!(t.pa, 0x4012_3456);
        assert!(t.exec && t.write);
        let t = r.translate(&ram, 0x1abc, Access::Read, 0).unwrap();
        assert_eq!((t.pa, t.write, t.exec), (BASE + 0x5abc, false, true));
        let e = r.translate(&ram, 0x1abc, Access::Write, 0).unwrap_err();
        assert_eq!(e.status(), 0b00_1111, "permission fault, level 3");
        let e = r.translate(&ram, 0x4012_3456, Access::Read, 0).unwrap_err();
        assert_eq!(
            e.status(),
            0b00_1101,
            "EL0 on an EL1-only block: permission, level 1"
        );
        let e = r.translate(&ram, 0x2000, Access::Read, 1).unwrap_err();
        assert_eq!(e.status(), 0b00_1011, "access flag, level 3");
        let e = r.translate(&ram, 0x3000, Access::Read, 1).unwrap_err();
        assert_eq!(e.status(), 0b00_0111, "translation, level 3");
        let e = r
            .translate(&ram, 0xffff_0000_0000_0000, Access::Read, 1)
            .unwrap_err();
        assert_eq!(e.kind, FaultKind::WalkExternal, "TTBR1 = 0 is outside RAM");
        let e = r
            .translate(&ram, 0x0001_0000_0000_0000, Access::Read, 1)
            .unwrap_err();
        assert_eq!(e.status(), 0b00_0100, "neither half: translation, level 0");
    }

    #[test]
    fn top_byte_ignored_for_data_only() {
        let (ram, mut r) = setup();
        assert!(r
            .translate(&ram, 0x5a00_0000_4000_0000, Access::Read, 1)
            .is_err());
        r.tcr |= TCR_TBI0;
        let t = r
            .translate(&ram, 0x5a00_0000_4000_0010, Access::Read, 1)
            .unwrap();
        assert_eq!(t.pa, 0x4000_0010);
        assert!(r
            .translate(&ram, 0x5a00_0000_4000_0000, Access::Fetch, 1)
            .is_err());
    }
}
