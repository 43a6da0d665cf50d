//! Top-byte-ignore: accesses through tagged addresses reach the untagged
//! address (after the dispatcher retranslates the code with tag clearing),
//! writeback keeps the tag, a branch to a tagged address continues at the
//! untagged one, and a fault reports the full tagged address.

use super::*;
use emu::jit::testing::run_code_in;
use emu::jit::Jit;
use emu::linux::host_signals;

/// si_code SEGV_MAPERR.
const SEGV_MAPERR: u64 = 1;

fn tagged(addr: u64, tag: u64) -> u64 {
    addr | tag << 56
}

/// A translator whose code region the host fault handler knows, so a
/// fault in translated code (not only in a helper) becomes a guest fault.
/// The handler knows one region per process: every case runs in the one
/// test below, on this translator.
fn jit() -> Jit {
    host_signals::install();
    let jit = Jit::new().expect("code cache");
    let region: &'static _ = Box::leak(Box::new(jit.region().clone()));
    host_signals::set_region(region);
    jit
}

fn run_in(jit: &mut Jit, words: &[u32], c: &mut CpuState) {
    let exit = run_code_in(jit, words, c);
    assert_eq!(exit, ExitReason::Lookup, "exit at pc {:#x}", c.pc);
}

#[test]
fn top_byte_ignore() {
    let mut jit = jit();
    accesses_through_tagged_pointers(&mut jit);
    tagged_stack_pointer(&mut jit);
    // Unmapped after untagging (the host reports the page fault).
    faults_at(&mut jit, tagged(0x1000, 0x77));
    // Beyond the host's address space even untagged (bit 55 set).
    faults_at(&mut jit, tagged(0x0080_0000_0000_1000, 0x12));
    misaligned_exclusive(&mut jit);
    // Not about tags: the one test of this binary with the code region
    // known to the fault handler also covers STXR, which is inline.
    store_exclusive_faults_inline(&mut jit);
    exclusive_loop_faults_as_its_first_pass(&mut jit);
}

/// `adr x28, .; ldxr x3, [x1]; add x3, x3, x0; stxr w4, x3, [x1]; cbnz w4`
/// (one atomic add in translated code) at the second page of a mapping
/// with protection `prot`: the exit and the registers it leaves.
fn run_loop_on_page(jit: &mut Jit, prot: i32) -> (ExitReason, CpuState, CpuState, u64) {
    let rw = libc::PROT_READ | libc::PROT_WRITE;
    let anon = libc::MAP_PRIVATE | libc::MAP_ANONYMOUS;
    // SAFETY: a fresh private anonymous mapping of two pages, the second
    // re-protected; unmapped below.
    let p = unsafe { libc::mmap(std::ptr::null_mut(), 8192, rw, anon, -1, 0) };
    assert_ne!(p, libc::MAP_FAILED);
    let page = p as u64 + 4096;
    // SAFETY: the second page of that mapping.
    let r = unsafe { libc::mprotect(page as *mut libc::c_void, 4096, prot) };
    assert_eq!(r, 0);
    let mut c0 = cpu();
    c0.x[1] = page;
    c0.excl_addr = 0x1000;
    c0.excl_size = 8;
    let mut c = c0.clone();
    let words = [0x1000001c, 0xc85f7c23, 0x8b000063, 0xc8047c23, 0x35ffffa4];
    let exit = run_code_in(jit, &words, &mut c);
    // SAFETY: unmapping the mapping made above.
    unsafe { libc::munmap(p, 8192) };
    (exit, c0, c, page)
}

/// A load-exclusive loop faults where its first pass would: on a page it
/// cannot read at the LDXR, a read, with no register written; on a page it
/// can read but not write at the STXR, a write, with Xt (the page's zero
/// plus x0) written but not Ws, and the monitor cleared.
fn exclusive_loop_faults_as_its_first_pass(jit: &mut Jit) {
    let accerr = libc::SIGSEGV as u64 | 2 << 8;
    let (exit, c0, c, page) = run_loop_on_page(jit, libc::PROT_NONE);
    assert_eq!(exit, ExitReason::Fault, "exit at {:#x}", c.pc);
    assert_eq!((c.pc, c.exit_arg), (c.x[28] + 4, page), "pc, address");
    assert_eq!(c.fault, accerr, "SEGV_ACCERR, a read");
    assert_eq!(c.x[..28], c0.x[..28], "registers changed");
    let (exit, c0, c, page) = run_loop_on_page(jit, libc::PROT_READ);
    assert_eq!(exit, ExitReason::Fault, "exit at {:#x}", c.pc);
    assert_eq!((c.pc, c.exit_arg), (c.x[28] + 12, page), "pc, address");
    assert_eq!(
        c.fault,
        accerr | host_signals::FAULT_WRITE,
        "SEGV_ACCERR, a write"
    );
    let mut want = c0.x;
    want[3] = c0.x[0];
    want[28] = c.x[28];
    assert_eq!(c.x, want, "registers");
    assert_eq!((c.excl_addr, c.excl_size), (u64::MAX, 0), "monitor");
}

/// STXR whose monitor lets the store go ahead on a read-only page: the
/// inline `lock cmpxchg` faults at the page, a write, before the status
/// register is written.
fn store_exclusive_faults_inline(jit: &mut Jit) {
    let rw = libc::PROT_READ | libc::PROT_WRITE;
    let anon = libc::MAP_PRIVATE | libc::MAP_ANONYMOUS;
    // SAFETY: a fresh private anonymous mapping of two pages, the second
    // made read-only; unmapped at the end.
    let p = unsafe { libc::mmap(std::ptr::null_mut(), 8192, rw, anon, -1, 0) };
    assert_ne!(p, libc::MAP_FAILED);
    let page = p as u64 + 4096;
    // SAFETY: the second page of that mapping.
    let r = unsafe { libc::mprotect(page as *mut libc::c_void, 4096, libc::PROT_READ) };
    assert_eq!(r, 0);
    let mut c0 = cpu();
    c0.x[1] = page;
    c0.x[2] = 0x5a5a;
    c0.excl_addr = page;
    c0.excl_size = 8;
    c0.excl_val = 0;
    let mut c = c0.clone();
    let exit = run_code_in(jit, &[0xc8027c20 /* stxr w2, x0, [x1] */], &mut c);
    assert_eq!(exit, ExitReason::Fault, "exit at {:#x}", c.pc);
    assert_eq!(c.exit_arg, page, "fault address");
    assert_eq!(
        c.fault & 0xffff,
        libc::SIGSEGV as u64 | 2 << 8,
        "SEGV_ACCERR"
    );
    assert_ne!(c.fault & host_signals::FAULT_WRITE, 0, "a write");
    assert_eq!(c.x, c0.x, "registers changed");
    // SAFETY: unmapping the mapping made above.
    unsafe { libc::munmap(p, 8192) };
}

/// A misaligned exclusive in code that clears tags reports the tagged
/// address (the kernel's FAR) in its alignment fault.
fn misaligned_exclusive(jit: &mut Jit) {
    let mut m = Mem::pattern();
    let mut c = cpu();
    c.x[1] = tagged(m.addr(0), 0x0f);
    c.x[3] = tagged(m.addr(9), 0x0e);
    // ldr x2, [x1] (puts the code in untag mode); ldxr x0, [x3]
    let exit = run_code_in(jit, &[0xf9400022, 0xc85f7c60], &mut c);
    assert_eq!(exit, ExitReason::Alignment);
    assert_eq!(c.exit_arg, c.x[3]);
    assert_eq!(c.x[2], m.u64(0));
}

fn accesses_through_tagged_pointers(jit: &mut Jit) {
    let mut m = Mem::pattern();
    let base = m.addr(64);
    let mut c = cpu();
    c.x[1] = tagged(base, 0x5a);
    c.x[5] = 1;
    c.x[8] = 5;
    c.x[10] = m.u64(64 + 8).wrapping_add(5);
    c.x[11] = 0x1122_3344_5566_7788;
    c.v[4] = 0x0f0e_0d0c_0b0a_0908_0706_0504_0302_0100;
    let before = |off: usize| m.u64(64 + off);
    let (w0, w8, w24) = (before(0), before(8), before(24));
    run_in(
        jit,
        &[
            0xf9400420, // ldr x0, [x1, #8]
            0xf9000820, // str x0, [x1, #16]
            0xa8c10c22, // ldp x2, x3, [x1], #16
            0xf8657824, // ldr x4, [x1, x5, lsl #3]
            0xc85f7c26, // ldxr x6, [x1]
            0xc8077c26, // stxr w7, x6, [x1]
            0xf8280029, // ldadd x8, x9, [x1]
            0xc8aa7c2b, // cas x10, x11, [x1]
            0x4cdf0820, // ld4 {v0.4s-v3.4s}, [x1], #64
            0x4c007024, // st1 {v4.16b}, [x1]
        ],
        &mut c,
    );
    assert_eq!(c.x[0], w8);
    assert_eq!((c.x[2], c.x[3]), (w0, w8), "ldp");
    assert_eq!(c.x[4], w24);
    assert_eq!(c.x[6], w8, "ldxr at base + 16");
    assert_eq!(c.x[7], 0, "stxr succeeds");
    assert_eq!(c.x[9], w8, "ldadd old value");
    assert_eq!(c.x[10], w8.wrapping_add(5), "cas old value");
    assert_eq!(m.u64(64 + 16), 0x1122_3344_5566_7788);
    // The writebacks keep the tag.
    assert_eq!(c.x[1], tagged(base + 16 + 64, 0x5a));
    assert_eq!(m.get(64 + 16 + 64, 16), c.v[4]);
}

/// An rsp- or rbp-based host access raises #SS (SIGBUS), not #GP.
fn tagged_stack_pointer(jit: &mut Jit) {
    let mut m = Mem::pattern();
    let mut c = cpu();
    c.x[31] = tagged(m.addr(128), 0x33);
    run_in(jit, &[0x394023e0 /* ldrb w0, [sp, #8] */], &mut c);
    assert_eq!(c.x[0], m.u8(136));
}

#[test]
fn branch_to_tagged_address() {
    let mut c = cpu();
    // adr x1, .+12; movk x1, #0x5a00, lsl #48; br x1: lands on the end.
    run(&[0x10000061, 0xf2eb4001, 0xd61f0020], &mut c);
    assert_eq!(c.x[1] >> 56, 0x5a, "the register keeps its tag");
}

/// Runs `ldr x0, [x1]` with x1 = `addr`: it must fault with SEGV_MAPERR
/// at the full `addr`.
fn faults_at(jit: &mut Jit, addr: u64) {
    let mut c = cpu();
    c.x[1] = addr;
    let exit = run_code_in(jit, &[0xf9400020 /* ldr x0, [x1] */], &mut c);
    assert_eq!(exit, ExitReason::Fault, "{addr:#x}");
    assert_eq!(c.exit_arg, addr, "fault address");
    assert_eq!(c.fault & 0xffff, libc::SIGSEGV as u64 | SEGV_MAPERR << 8);
    assert_eq!(c.x[0], 0xdead_beef_0000_0000, "x0 untouched");
}
