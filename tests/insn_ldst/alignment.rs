//! Alignment faults. emu announces neither FEAT_LSE2 nor HWCAP_USCAT, so
//! as on such arm64 hardware every exclusive, load-acquire/store-release
//! (LDAPR, LDAPUR/STLUR too) and LSE atomic must be aligned to its whole
//! access size (both registers of a pair): otherwise it raises an alignment
//! fault before any memory or register effect. The exit says which guest
//! instruction faulted (`pc`), the address (`exit_arg`) and whether the
//! access writes (`fault`), from which the Linux layer builds SIGBUS
//! BUS_ADRALN with a data-abort ESR.

use super::*;
use emu::cpu::state::{ALIGN_DATA, ALIGN_WRITE};

/// `adr x28, .`: records where the snippet starts.
const ADR_X28: u32 = 0x1000001c;

/// Runs `adr x28, .; word` with base registers `bases` (register, offset
/// into the buffer) and checks that `word` takes an alignment fault at
/// offset `at` with nothing else changed.
fn faults(word: u32, what: &str, bases: &[(usize, usize)], at: usize, write: bool) {
    let mut m = Mem::pattern();
    let mut c = cpu();
    for &(r, off) in bases {
        c.x[r] = m.addr(off);
    }
    let before = c.clone();
    let exit = run_code(&[ADR_X28, word], &mut c);
    assert_eq!(exit, ExitReason::Alignment, "{what}: exit at {:#x}", c.pc);
    assert_eq!(c.pc, c.x[28] + 4, "{what}: faulting pc");
    assert_eq!(c.exit_arg, m.addr(at), "{what}: fault address");
    let kind = ALIGN_DATA | if write { ALIGN_WRITE } else { 0 };
    assert_eq!(c.fault, kind, "{what}: access kind");
    assert!(m.0 == Mem::pattern().0, "{what}: memory changed");
    assert_eq!(c.x[..28], before.x[..28], "{what}: registers changed");
    assert_eq!(c.x[29..], before.x[29..], "{what}: registers changed");
    assert_eq!(c.v, before.v, "{what}: vector registers changed");
}

#[test]
fn misaligned_exclusives_fault() {
    faults(0xc85f7c20, "ldxr x0, [x1]", &[(1, 20)], 20, false);
    faults(0x885f7c20, "ldxr w0, [x1]", &[(1, 18)], 18, false);
    faults(0x485ffc83, "ldaxrh w3, [x4]", &[(4, 33)], 33, false);
    faults(0xc8027c20, "stxr w2, x0, [x1]", &[(1, 36)], 36, true);
    faults(0x4805fc86, "stlxrh w5, w6, [x4]", &[(4, 37)], 37, true);
    // Pairs: aligned to the pair's total size.
    faults(0xc87f0440, "ldxp x0, x1, [x2]", &[(2, 40)], 40, false);
    faults(0x887f8440, "ldaxp w0, w1, [x2]", &[(2, 44)], 44, false);
    faults(0xc8231444, "stxp w3, x4, x5, [x2]", &[(2, 56)], 56, true);
    faults(0x88239444, "stlxp w3, w4, w5, [x2]", &[(2, 60)], 60, true);
}

#[test]
fn misaligned_acquire_release_faults() {
    faults(0xc8dffc20, "ldar x0, [x1]", &[(1, 68)], 68, false);
    faults(0x48dffc20, "ldarh w0, [x1]", &[(1, 69)], 69, false);
    faults(0x889ffd8b, "stlr w11, [x12]", &[(12, 70)], 70, true);
    faults(0xc89ffd8b, "stlr x11, [x12]", &[(12, 76)], 76, true);
    faults(0xf8bfc02d, "ldapr x13, [x1]", &[(1, 84)], 84, false);
    faults(0xd95fd031, "ldapur x17, [x1, #-3]", &[(1, 200)], 197, false);
    faults(0x991ff2b4, "stlur w20, [x21, #-1]", &[(21, 48)], 47, true);
}

#[test]
fn misaligned_atomics_fault() {
    faults(0xb8210062, "ldadd w1, w2, [x3]", &[(3, 90)], 90, true);
    faults(0x782a117f, "stclrh w10, [x11]", &[(11, 91)], 91, true);
    faults(0xf86480c5, "swpl x4, x5, [x6]", &[(6, 100)], 100, true);
    faults(0x88a07c41, "cas w0, w1, [x2]", &[(2, 102)], 102, true);
    faults(0xc8e0fc41, "casal x0, x1, [x2]", &[(2, 108)], 108, true);
    faults(0x4872fed4, "caspal x18, .., [x22]", &[(22, 120)], 120, true);
    faults(0x08327ed4, "casp w18, .., [x22]", &[(22, 132)], 132, true);
}

#[test]
fn misaligned_store_exclusive_faults_even_with_the_monitor_set() {
    // The monitor would let this STXR succeed: it must fault, not store.
    let mut m = Mem::pattern();
    let mut c = cpu();
    c.x[1] = m.addr(36);
    c.excl_addr = c.x[1];
    c.excl_size = 8;
    c.excl_val = m.u64(36);
    let exit = run_code(&[0xc8027c20], &mut c); // stxr w2, x0, [x1]
    assert_eq!(exit, ExitReason::Alignment);
    assert_eq!(c.exit_arg, m.addr(36));
    assert_eq!(c.x[2], cpu().x[2], "status not written");
    assert!(m.0 == Mem::pattern().0, "memory changed");
}

#[test]
fn aligned_and_single_byte_forms_do_not_fault() {
    let mut m = Mem::pattern();
    let p = Mem::pattern();
    let mut c = cpu();
    c.x[1] = m.addr(33);
    c.x[2] = m.addr(48);
    c.x[3] = m.addr(35);
    c.x[22] = m.addr(64);
    c.x[18] = p.u64(64);
    c.x[19] = p.u64(72);
    c.x[20] = 1;
    c.x[21] = 2;
    run(
        &[
            0x08dffc20, // ldarb w0, [x1] (odd address: bytes are always aligned)
            0x38210067, // ldaddb w1, w7, [x3]
            0xc87f0440, // ldxp x0, x1, [x2] (16-aligned)
            0xc8231444, // stxp w3, x4, x5, [x2]
            0x4872fed4, // caspal x18, x19, x20, x21, [x22]
        ],
        &mut c,
    );
    assert_eq!(c.x[3], 0, "stxp succeeded");
    assert_eq!((m.u64(48), m.u64(56)), (c.x[4], c.x[5]));
    assert_eq!((m.u64(64), m.u64(72)), (1, 2));
    assert_eq!((c.x[18], c.x[19]), (p.u64(64), p.u64(72)));
    assert_eq!(c.x[7], p.u8(35));
}
