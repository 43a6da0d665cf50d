//! The soft-TLB miss path: translated code calls [`slow_path`] when the
//! inline probe misses. It walks the page tables for the current exception
//! level, fills the entry for RAM pages, performs MMIO accesses on the bus,
//! and records aborts for the block to leave at the faulting instruction.

use super::exception::DFSC_EXTERNAL;
use super::mmu::Access;
use super::smp::lock;
use super::trace;
use super::vcpu::Vcpu;
use crate::cpu::CpuState;
use crate::runtime::soft_tlb::{info, TlbConfig};
use std::mem::offset_of;

/// The backend configuration of system mode.
pub fn tlb_config() -> TlbConfig {
    TlbConfig {
        table_ptr_offset: offset_of!(Vcpu, tlb_ptr) as i32,
        slow: slow_path,
    }
}

const PAGE: u64 = 4096;

/// [`crate::runtime::soft_tlb::SlowPath`] of system mode.
///
/// # Safety
/// Called by translated code with the `cpu` field of the running `Vcpu`.
unsafe extern "C" fn slow_path(cpu: *mut CpuState, va: u64, info: u64, value: u64) -> u64 {
    // SAFETY: the dispatcher runs translated code on a Vcpu's state and
    // holds no reference to the Vcpu meanwhile.
    let v = unsafe { Vcpu::from_cpu(cpu) };
    match v.access(va, info, value) {
        Ok(r) => r,
        Err((addr, dfsc)) => {
            let write = info & info::WRITE != 0;
            // `pc` is set by the block's fault exit; ELR is patched then.
            v.pending = Some(v.data_abort(0, addr, dfsc, write));
            v.cpu.exit_arg = addr;
            v.cpu.fault = 1;
            0
        }
    }
}

/// An access's abort: the faulting address and the DFSC.
type Abort = (u64, u64);

impl Vcpu {
    /// Translates `va` for a data access and fills the soft-TLB entry when
    /// the page is RAM. Returns the physical address.
    fn data_pa(&mut self, va: u64, write: bool) -> Result<u64, Abort> {
        let access = if write { Access::Write } else { Access::Read };
        // An unprivileged access (LDTR/STTR) is checked as EL0's would be.
        let el = if self.unprivileged { 0 } else { self.sys.el };
        let t = self
            .sys
            .regime
            .translate(&self.board.ram, va, access, el)
            .map_err(|f| (va, f.status()))?;
        let page = t.pa & !(PAGE - 1);
        if let Some(host) = self.board.ram.host(page, PAGE) {
            self.tlbs[usize::from(el)].fill(va, host, t.read, t.write, t.exec);
        }
        Ok(t.pa)
    }

    /// Starts (`on`) or ends the access of an LDTR/STTR-family instruction:
    /// at EL1 it uses EL0's soft-TLB and EL0's permissions (no PAN, UAO or
    /// EL2 to change that); at EL0 it is an ordinary access. An abort in
    /// between ends it too: exception entry sets the EL again.
    pub fn set_unprivileged(&mut self, on: bool) {
        let on = on && self.sys.el == 1;
        self.unprivileged = on;
        let el = if on { 0 } else { self.sys.el };
        self.tlb_ptr = self.tlbs[usize::from(el)].base();
    }

    fn access(&mut self, va: u64, info: u64, value: u64) -> Result<u64, Abort> {
        let size = info & info::SIZE_MASK;
        let write = info & info::WRITE != 0;
        let last = va.wrapping_add(size - 1);
        let crosses = (va ^ last) & !(PAGE - 1) != 0;
        if info & info::ACCESS == 0 {
            // The host address of the whole range, which must be RAM and
            // contiguous in the host.
            let pa = self.data_pa(va, write)?;
            let pa_last = if crosses {
                self.data_pa(last, write)?
            } else {
                pa + size - 1
            };
            let host = self.board.ram.host(pa, 1).ok_or((va, DFSC_EXTERNAL))?;
            let host_last = self
                .board
                .ram
                .host(pa_last, 1)
                .ok_or((last, DFSC_EXTERNAL))?;
            if host_last != host + size - 1 {
                // Across physically discontiguous pages: both pages side
                // by side in a window of host memory.
                let win = self
                    .board
                    .ram
                    .pair(self.me, pa & !(PAGE - 1), pa_last & !(PAGE - 1))
                    .ok_or((va, DFSC_EXTERNAL))?;
                return Ok(win + (pa & (PAGE - 1)));
            }
            return Ok(host);
        }
        if crosses {
            return self.split_access(va, size, write, info, value);
        }
        let pa = self.data_pa(va, write)?;
        let size8 = size as u8;
        if let Some(host) = self.board.ram.host(pa, size) {
            // SAFETY: `host..host + size` lies inside guest RAM (checked
            // above); unaligned accesses are fine on x86-64.
            unsafe {
                if write {
                    match size8 {
                        1 => *(host as *mut u8) = value as u8,
                        2 => (host as *mut u16).write_unaligned(value as u16),
                        4 => (host as *mut u32).write_unaligned(value as u32),
                        _ => (host as *mut u64).write_unaligned(value),
                    }
                    return Ok(0);
                }
                let raw = match size8 {
                    1 => u64::from(*(host as *const u8)),
                    2 => u64::from((host as *const u16).read_unaligned()),
                    4 => u64::from((host as *const u32).read_unaligned()),
                    _ => (host as *const u64).read_unaligned(),
                };
                return Ok(extend(raw, size, info));
            }
        }
        if trace::on(trace::Class::Mmio) {
            let what = if write { "write" } else { "read" };
            trace::line(format_args!(
                "mmio {what} {pa:#x} size {size}{}",
                if write {
                    format!(" value {value:#x}")
                } else {
                    String::new()
                }
            ));
        }
        // Device registers see the timer outputs as they are now (the GIC's
        // IAR and pending bits).
        drop(self.sync_irqs());
        let r = {
            let mut bus = lock(&self.board.bus);
            // GIC registers accessed through the bus are this CPU's
            // (banked); the bus lock keeps `current` for the access.
            lock(&self.board.gic).current = self.me;
            if write {
                bus.write(pa, size8, value).map(|()| 0)
            } else {
                bus.read(pa, size8).map(|raw| extend(raw, size, info))
            }
        };
        let r = r.ok_or((va, DFSC_EXTERNAL))?;
        if write {
            self.device_written();
        }
        Ok(r)
    }

    /// A load or store that crosses a page: both pages are checked before
    /// any byte is written, then the bytes go one by one.
    fn split_access(
        &mut self,
        va: u64,
        size: u64,
        write: bool,
        info: u64,
        value: u64,
    ) -> Result<u64, Abort> {
        let second = (va | (PAGE - 1)).wrapping_add(1);
        self.data_pa(va, write)?;
        self.data_pa(second, write)?;
        let mut raw = 0u64;
        for i in 0..size {
            let a = va.wrapping_add(i);
            let pa = self.data_pa(a, write)?;
            let host = self.board.ram.host(pa, 1).ok_or((a, DFSC_EXTERNAL))?;
            // SAFETY: `host` is one byte inside guest RAM.
            unsafe {
                if write {
                    *(host as *mut u8) = (value >> (8 * i)) as u8;
                } else {
                    raw |= u64::from(*(host as *const u8)) << (8 * i);
                }
            }
        }
        Ok(if write { 0 } else { extend(raw, size, info) })
    }
}

/// A loaded value of `size` bytes, sign-extended when `info` says so.
fn extend(raw: u64, size: u64, info: u64) -> u64 {
    if info & info::SIGNED == 0 || size == 8 {
        return raw;
    }
    let shift = 64 - 8 * size;
    (((raw << shift) as i64) >> shift) as u64
}
