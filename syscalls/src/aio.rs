//! Linux AIO contexts. The kernel maps each context's completion ring into the
//! process (the context id is the ring's address, which libaio reads directly), so
//! io_setup and io_destroy note it in the record of guest ranges like any mapping.
//! The other AIO calls pass through (`crate::pass_sys`).

use crate::guest_mem;
use crate::host::{check, ok};
use crate::procfs::maps::MapLine;
use crate::thread::Task;
use crate::SysResult;

/// The length of the host mapping that starts at `addr` (the AIO ring).
fn mapping_len_at(addr: u64) -> Option<u64> {
    let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
    maps.lines()
        .filter_map(MapLine::parse)
        .find(|m| m.start == addr)
        .map(|m| m.end - m.start)
}

/// io_setup(nr_events, ctx_idp): `aio_context_t` is an unsigned long on both.
pub fn io_setup(p: &mut Task, a: [u64; 6]) -> SysResult {
    // SAFETY: an integer and a guest pointer the kernel checks.
    check(unsafe {
        crate::host::raw(
            crate::host::nr::SYS_io_setup,
            [(a[0] as u32) as u64, a[1], 0, 0, 0, 0],
        )
    })?;
    let ctx: u64 = guest_mem::read_val(a[1])?;
    if let Some(len) = mapping_len_at(ctx) {
        p.guest_mapped(ctx, len);
    }
    ok(0)
}

/// io_destroy(ctx): the kernel unmaps the ring.
pub fn io_destroy(p: &mut Task, a: [u64; 6]) -> SysResult {
    let len = mapping_len_at(a[0]);
    // SAFETY: an integer context id.
    check(unsafe { crate::host::raw(crate::host::nr::SYS_io_destroy, [a[0], 0, 0, 0, 0, 0]) })?;
    if let Some(len) = len {
        p.guest_unmapped(a[0], len);
        p.invalidate(a[0], len);
    }
    ok(0)
}
