//! Semantic tests of the system instruction class: exception generation,
//! hints, barriers, CLREX, MRS/MSR, DC and IC. Words come from
//! aarch64-linux-gnu-as (the assembly is beside each one); expected values
//! from the Arm ARM and from Linux's EL0 view of the ID registers.

use emu::arm64::sysreg;
use emu::cpu::{CpuState, ExitReason};
use emu::jit::testing::run_code;

const ADR_X5_0: u32 = 0x1000_0005; // adr x5, .
const NOP: u32 = 0xd503_201f; // nop

/// Runs `words` and expects them to fall off the end.
fn run_ok(words: &[u32], cpu: &mut CpuState) {
    assert_eq!(run_code(words, cpu), ExitReason::Lookup);
}

/// Runs `adr x5, .; word` and expects an undefined-instruction exit at
/// `word`, naming it.
fn assert_undefined(word: u32) {
    let mut cpu = CpuState::default();
    let r = run_code(&[ADR_X5_0, word], &mut cpu);
    assert_eq!(r, ExitReason::Udf, "{word:#010x}");
    assert_eq!(cpu.pc, cpu.x[5] + 4, "{word:#010x}");
    assert_eq!(cpu.exit_arg, word as u64);
}

/// Reads one system register with `mrs x0, <reg>`.
fn mrs(word: u32) -> u64 {
    let mut cpu = CpuState::default();
    cpu.x[0] = 0xdead_beef;
    run_ok(&[word], &mut cpu);
    cpu.x[0]
}

#[test]
fn nzcv_moves_only_the_flag_bits() {
    let mut cpu = CpuState::default();
    cpu.x[0] = u64::MAX;
    // msr nzcv, x0; mrs x1, nzcv
    run_ok(&[0xd51b_4200, 0xd53b_4201], &mut cpu);
    assert_eq!(cpu.nzcv, 0xf000_0000);
    assert_eq!(cpu.x[1], 0xf000_0000);

    let mut cpu = CpuState::default();
    cpu.x[0] = 0x4000_0000; // Z
    cpu.nzcv = 0xa000_0000;
    run_ok(&[0xd51b_4200, 0xd53b_4201], &mut cpu);
    assert_eq!((cpu.nzcv, cpu.x[1]), (0x4000_0000, 0x4000_0000));
}

#[test]
fn nzcv_written_by_msr_drives_conditions() {
    // msr nzcv, x0; b.eq +8; movz x1, #5; (b.eq lands here)
    let code = [0xd51b_4200, 0x5400_0040, 0xd280_00a1];
    let mut cpu = CpuState::default();
    cpu.x[0] = 0x4000_0000;
    run_ok(&code, &mut cpu);
    assert_eq!(cpu.x[1], 0);
    let mut cpu = CpuState::default();
    run_ok(&code, &mut cpu);
    assert_eq!(cpu.x[1], 5);
}

#[test]
fn fpcr_and_fpsr_keep_defined_bits() {
    let mut cpu = CpuState::default();
    cpu.x[0] = u64::MAX;
    // msr fpcr, x0; mrs x1, fpcr; msr fpsr, x0; mrs x2, fpsr
    run_ok(
        &[0xd51b_4400, 0xd53b_4401, 0xd51b_4420, 0xd53b_4422],
        &mut cpu,
    );
    // FPCR: AHP, DN, FZ, RMode (bits 26..22) and FZ16 (19).
    assert_eq!(cpu.x[1], 0x07c8_0000);
    assert_eq!(cpu.fpcr, 0x07c8_0000);
    // FPSR: QC and the cumulative exception flags IDC, IXC, UFC, OFC, DZC, IOC.
    assert_eq!(cpu.x[2], 0x0800_009f);
    assert_eq!(cpu.fpsr, 0x0800_009f);

    // Round toward zero (RMode = 0b11) survives; trap enables do not.
    let mut cpu = CpuState::default();
    cpu.x[0] = (3 << 22) | (1 << 8);
    run_ok(&[0xd51b_4400, 0xd53b_4401], &mut cpu);
    assert_eq!(cpu.x[1], 3 << 22);
}

#[test]
fn thread_id_registers() {
    let mut cpu = CpuState::default();
    cpu.x[0] = 0x1234_5678_9abc_def0;
    cpu.tpidrro_el0 = 0x0fed_cba9_8765_4321;
    // msr tpidr_el0, x0; mrs x1, tpidr_el0; mrs x2, tpidrro_el0
    run_ok(&[0xd51b_d040, 0xd53b_d041, 0xd53b_d062], &mut cpu);
    assert_eq!(cpu.tpidr_el0, 0x1234_5678_9abc_def0);
    assert_eq!(cpu.x[1], 0x1234_5678_9abc_def0);
    assert_eq!(cpu.x[2], 0x0fed_cba9_8765_4321);

    // msr tpidr_el0, xzr clears it; mrs xzr, tpidr_el0 writes nothing.
    let mut cpu = CpuState {
        tpidr_el0: 77,
        ..Default::default()
    };
    run_ok(&[0xd53b_d05f, 0xd51b_d05f], &mut cpu);
    assert_eq!(cpu.tpidr_el0, 0);

    // TPIDRRO_EL0 is read-only at EL0.
    assert_undefined(0xd51b_d060); // msr tpidrro_el0, x0
}

#[test]
fn virtual_counter_is_monotonic_at_cntfrq() {
    // mrs x2, cntfrq_el0
    let mut cpu = CpuState::default();
    run_ok(&[0xd53b_e002], &mut cpu);
    assert_eq!(cpu.x[2], 62_500_000);
    let freq = cpu.x[2];

    // mrs x0, cntvct_el0; mrs x1, cntvct_el0
    let mut cpu = CpuState::default();
    run_ok(&[0xd53b_e040, 0xd53b_e041], &mut cpu);
    assert!(
        cpu.x[0] != 0 && cpu.x[1] >= cpu.x[0],
        "{:#x} {:#x}",
        cpu.x[0],
        cpu.x[1]
    );
    let first = cpu.x[1];

    std::thread::sleep(std::time::Duration::from_millis(50));
    let later = mrs(0xd53b_e040);
    let elapsed = (later - first) as f64 / freq as f64;
    assert!(
        (0.05..5.0).contains(&elapsed),
        "counter says {elapsed} s for a 50 ms sleep"
    );
}

#[test]
fn cache_geometry_registers() {
    // mrs x0, ctr_el0 — bit 31 RES1, DIC = IDC = 0, CWG = ERG = DminLine =
    // IminLine = 4 (64 bytes), L1Ip = PIPT.
    let ctr = mrs(0xd53b_0020);
    assert_eq!(ctr >> 31 & 1, 1);
    assert_eq!(ctr >> 28 & 3, 0, "IDC and DIC must be clear");
    assert_eq!(4u64 << (ctr >> 16 & 15), 64, "DminLine");
    assert_eq!(4u64 << (ctr & 15), 64, "IminLine");
    assert_eq!(ctr, 0x8444_c004);
    // mrs x0, dczid_el0 — DZP = 0, BS = 4: DC ZVA zeroes 64 bytes.
    let dczid = mrs(0xd53b_00e0);
    assert_eq!(dczid & 0x10, 0);
    assert_eq!(4u64 << (dczid & 15), 64);
}

#[test]
fn id_registers_announce_exactly_the_implemented_features() {
    let code = [
        0xd538_0000, // mrs x0, midr_el1
        0xd538_00a1, // mrs x1, mpidr_el1
        0xd538_00c2, // mrs x2, revidr_el1
        0xd538_0403, // mrs x3, id_aa64pfr0_el1
        0xd538_0424, // mrs x4, id_aa64pfr1_el1
        0xd538_0605, // mrs x5, id_aa64isar0_el1
        0xd538_0626, // mrs x6, id_aa64isar1_el1
        0xd538_0647, // mrs x7, id_aa64isar2_el1
        0xd538_0708, // mrs x8, id_aa64mmfr0_el1
        0xd538_0729, // mrs x9, id_aa64mmfr1_el1
        0xd538_074a, // mrs x10, id_aa64mmfr2_el1
        0xd538_050b, // mrs x11, id_aa64dfr0_el1
        0xd538_052c, // mrs x12, id_aa64dfr1_el1
        0xd538_048d, // mrs x13, id_aa64zfr0_el1
        0xd538_04ae, // mrs x14, id_aa64smfr0_el1
        0xd538_066f, // mrs x15, s3_0_c0_c6_3 (ID_AA64ISAR3_EL1, untracked)
    ];
    let mut cpu = CpuState::default();
    for r in 0..16 {
        cpu.x[r] = 0x5555_5555_5555_5555;
    }
    run_ok(&code, &mut cpu);
    let x = cpu.x;
    // MIDR: implementer 0 (software use), architecture 0xF.
    assert_eq!(x[0] >> 24 & 0xff, 0);
    assert_eq!(x[0] >> 16 & 0xf, 0xf);
    // MPIDR as Linux emulates it: RES1 bit 31 only.
    assert_eq!(x[1], 1 << 31);
    assert_eq!(x[2], 0);
    // PFR0: EL0 = EL1 = 1 (AArch64 only), FP = AdvSIMD = 1 (implemented,
    // with FP16), DIT (51:48) = 1; every other field (SVE, ...) 0.
    assert_eq!(x[3] & 0xf, 1);
    assert_eq!(x[3] >> 16 & 0xf, 1);
    assert_eq!(x[3] >> 20 & 0xf, 1);
    assert_eq!(x[3], 0x0001_0000_0011_0011);
    // PFR1: SSBS (7:4) = 2 (FEAT_SSBS2: the MRS/MSR SSBS register).
    assert_eq!(x[4], 0x20);
    // ISAR0: Atomic (bits 23:20) = 2, CRC32 (19:16) = 1, AES (7:4) = 2
    // (with PMULL), SHA1 (11:8) = 1, SHA2 (15:12) = 2 (with SHA512), SHA3
    // (35:32) = 1, SM3 (39:36) = 1, SM4 (43:40) = 1; nothing else (no RDM,
    // DotProd, FHM, TS, RNDR, ...).
    assert_eq!(x[5] >> 20 & 0xf, 2);
    assert_eq!(x[5] >> 16 & 0xf, 1);
    // The cryptographic extension: AES (7:4) = 2, SHA1 (11:8) = 1, SHA2
    // (15:12) = 2; SHA3 (35:32), SM3 (39:36), SM4 (43:40) = 1.
    assert_eq!(x[5] & 0xfff0, 0x2120);
    assert_eq!(x[5] >> 32 & 0xfff, 0x111);
    // The extension instructions: RDM (31:28) = 1, DP (47:44) = 1, FHM
    // (51:48) = 1 (with FEAT_FP16, as the Arm ARM requires), TS (55:52) = 2
    // (FlagM2).
    assert_eq!(x[5] >> 28 & 0xf, 1);
    assert_eq!(x[5] >> 44 & 0xf, 1);
    assert_eq!(x[5] >> 48 & 0xf, 1);
    assert_eq!(x[5] >> 52 & 0xf, 2);
    assert_eq!(
        x[5] & !(0xfff << 32 | 0xff << 16 | 0xfff0 | 0xf << 28 | 0xff << 44 | 0xf << 52),
        0
    );
    // ISAR1: DPB (3:0) = 2 (DC CVAP, DC CVADP), LRCPC (23:20) = 2 (LDAPR,
    // LDAPUR/STLUR); JSCVT (15:12), FCMA (19:16), FRINTTS (35:32), BF16
    // (47:44), I8MM (55:52) = 1.
    assert_eq!(
        x[6],
        2 | 2 << 20 | 1 << 12 | 1 << 16 | 1 << 32 | 1 << 44 | 1 << 52
    );
    // No PAC, BTI, MTE, SVE, SME, ...
    for (r, name) in [(7, "ISAR2"), (9, "MMFR1"), (10, "MMFR2")] {
        assert_eq!(x[r], 0, "ID_AA64{name}_EL1");
    }
    assert_eq!((x[12], x[13], x[14], x[15]), (0, 0, 0, 0));
    // MMFR0 and DFR0: Linux's safe values of hidden fields.
    assert_eq!(x[8], 0x0000_0111_ff00_0000);
    assert_eq!(x[11], 6);
}

/// The ID registers and AT_HWCAP must tell the same story, by the rules
/// Linux uses to derive HWCAPs from the registers.
#[test]
fn id_registers_agree_with_hwcap() {
    let pfr0 = mrs(0xd538_0400);
    let isar0 = mrs(0xd538_0600);
    let signed = |v: u64, shift: u32| ((v >> shift & 0xf) as i8) << 4 >> 4;
    let pfr1 = mrs(0xd538_0420);
    let mut hwcap = 1 << 11; // HWCAP_CPUID: MRS emulation is always there.
    if pfr0 >> 48 & 0xf >= 1 {
        hwcap |= 1 << 24; // HWCAP_DIT
    }
    if pfr1 >> 4 & 0xf >= 2 {
        hwcap |= 1 << 28; // HWCAP_SSBS
    }
    if signed(pfr0, 16) >= 0 {
        hwcap |= 1 << 0; // HWCAP_FP
    }
    if signed(pfr0, 20) >= 0 {
        hwcap |= 1 << 1; // HWCAP_ASIMD
    }
    if signed(pfr0, 16) >= 1 {
        hwcap |= 1 << 9; // HWCAP_FPHP
    }
    if signed(pfr0, 20) >= 1 {
        hwcap |= 1 << 10; // HWCAP_ASIMDHP
    }
    if isar0 >> 20 & 0xf >= 2 {
        hwcap |= 1 << 8; // HWCAP_ATOMICS
    }
    if isar0 >> 16 & 0xf >= 1 {
        hwcap |= 1 << 7; // HWCAP_CRC32
    }
    // AES, PMULL, SHA1, SHA2, SHA512, SHA3, SM3, SM4.
    for (shift, min, bit) in [
        (4, 1, 3),
        (4, 2, 4),
        (8, 1, 5),
        (12, 1, 6),
        (12, 2, 21),
        (32, 1, 17),
        (36, 1, 18),
        (40, 1, 19),
    ] {
        if isar0 >> shift & 0xf >= min {
            hwcap |= 1 << bit;
        }
    }
    let isar1 = mrs(0xd538_0620);
    if isar1 >> 20 & 0xf >= 1 {
        hwcap |= 1 << 15; // HWCAP_LRCPC
    }
    if isar1 >> 20 & 0xf >= 2 {
        hwcap |= 1 << 26; // HWCAP_ILRCPC
    }
    let mut hwcap2 = 0;
    for (reg, shift, min, cap, cap2) in [
        (isar1, 0, 1, 16, None),     // HWCAP_DCPOP
        (isar1, 0, 2, 0, Some(0)),   // HWCAP2_DCPODP
        (isar0, 28, 1, 12, None),    // HWCAP_ASIMDRDM
        (isar1, 12, 1, 13, None),    // HWCAP_JSCVT
        (isar1, 16, 1, 14, None),    // HWCAP_FCMA
        (isar0, 44, 1, 20, None),    // HWCAP_ASIMDDP
        (isar0, 48, 1, 23, None),    // HWCAP_ASIMDFHM
        (isar0, 52, 1, 27, None),    // HWCAP_FLAGM
        (isar0, 52, 2, 0, Some(7)),  // HWCAP2_FLAGM2
        (isar1, 32, 1, 0, Some(8)),  // HWCAP2_FRINT
        (isar1, 52, 1, 0, Some(13)), // HWCAP2_I8MM
        (isar1, 44, 1, 0, Some(14)), // HWCAP2_BF16
    ] {
        if reg >> shift & 0xf >= min {
            match cap2 {
                Some(b) => hwcap2 |= 1 << b,
                None => hwcap |= 1 << cap,
            }
        }
    }
    assert_eq!(hwcap, emu::linux::hwcap::HWCAP);
    assert_eq!(hwcap2, emu::linux::hwcap::HWCAP2);
}

#[test]
fn registers_outside_the_el0_view_are_undefined() {
    assert_undefined(0xd538_0100); // mrs x0, id_pfr0_el1 (CRm = 1 is not emulated)
    assert_undefined(0xd538_0020); // mrs x0, s3_0_c0_c0_1
    assert_undefined(0xd538_1000); // mrs x0, sctlr_el1
    assert_undefined(0xd53b_e020); // mrs x0, cntpct_el0
    assert_undefined(0xd518_0000); // msr midr_el1, x0
    assert_undefined(0xd518_0400); // msr id_aa64pfr0_el1, x0 (read-only)
    assert_undefined(0xd503_42df); // msr daifset, #2
    assert_undefined(0xd503_419f); // msr tco, #1 (MTE not announced)
                                   // cfinv (0xd500_401f) is FEAT_FlagM, announced: tests/insn_simd/ext_int.rs.
    assert_undefined(0xd500_407f); // msr uao, #0 (EL1 only)
    assert_undefined(0xd508_751f); // ic iallu
    assert_undefined(0xd508_7620); // dc ivac, x0 (EL1 only)
}

#[test]
fn dit_and_ssbs_are_pstate_bits() {
    let mut cpu = CpuState::default();
    cpu.x[0] = u64::MAX;
    cpu.nzcv = 0x6000_0000;
    let code = [
        0xd51b_42a0, // msr dit, x0: only bit 24 exists
        0xd53b_42a1, // mrs x1, dit
        0xd503_413f, // msr ssbs, #1
        0xd53b_42c2, // mrs x2, ssbs
        0xd503_405f, // msr dit, #0
        0xd53b_42a3, // mrs x3, dit
        0xd53b_42c4, // mrs x4, ssbs (DIT's write left it)
        0xd503_4e3f, // msr ssbs, #14: CRm<0> = 0
        0xd53b_42c5, // mrs x5, ssbs
        0xd503_435f, // msr dit, #3: CRm<0> = 1
        0xd53b_4206, // mrs x6, nzcv
    ];
    run_ok(&code, &mut cpu);
    let x = &cpu.x;
    assert_eq!(
        (x[1], x[2], x[3], x[4], x[5]),
        (1 << 24, 1 << 12, 0, 1 << 12, 0)
    );
    assert_eq!((cpu.pstate, x[6]), (1 << 24, 0x6000_0000));
}

#[test]
fn exception_generation_exits() {
    // adr x5, .; svc #0x1234: resumes after the SVC.
    let mut cpu = CpuState::default();
    assert_eq!(
        run_code(&[ADR_X5_0, 0xd402_4681], &mut cpu),
        ExitReason::Svc
    );
    assert_eq!(cpu.pc, cpu.x[5] + 8);
    assert_eq!(cpu.exit_arg, 0x1234);
    // adr x5, .; brk #7: pc is the BRK.
    let mut cpu = CpuState::default();
    assert_eq!(
        run_code(&[ADR_X5_0, 0xd420_00e0], &mut cpu),
        ExitReason::Brk
    );
    assert_eq!(cpu.pc, cpu.x[5] + 4);
    assert_eq!(cpu.exit_arg, 7);
    // adr x5, .; hlt #0x55: pc is the HLT.
    let mut cpu = CpuState::default();
    assert_eq!(
        run_code(&[ADR_X5_0, 0xd440_0aa0], &mut cpu),
        ExitReason::Hlt
    );
    assert_eq!(cpu.pc, cpu.x[5] + 4);
    assert_eq!(cpu.exit_arg, 0x55);
}

#[test]
fn hints_and_barriers_change_nothing() {
    let code = [
        NOP,
        0xd503_203f, // yield
        0xd503_205f, // wfe
        0xd503_209f, // sev
        0xd503_20bf, // sevl
        0xd503_3bbf, // dmb ish
        0xd503_39bf, // dmb ishld
        0xd503_3abf, // dmb ishst
        0xd503_3f9f, // dsb sy
        0xd503_3b9f, // dsb ish
        0xd503_3fdf, // isb
        0xd503_30ff, // sb
        0xd503_229f, // csdb
        0xd503_245f, // bti c
        0xd503_233f, // paciasp
        0xd503_23bf, // autiasp
        0xd503_20ff, // xpaclri
        0xd503_237f, // pacibsp
        0xd503_23ff, // autibsp
        0xd503_221f, // esb
        0xd50b_7b20, // dc cvau, x0
        0xd50b_7e20, // dc civac, x0
        0xd50b_7a20, // dc cvac, x0
    ];
    let mut cpu = CpuState::default();
    for r in 0..31 {
        cpu.x[r] = 0x1111 * r as u64 + 0xabc0_0000_0000;
    }
    cpu.x[31] = 0x7fff_0000;
    cpu.nzcv = 0x9000_0000;
    let before = cpu.clone();
    run_ok(&code, &mut cpu);
    assert_eq!(
        cpu.x, before.x,
        "PAC hints are NOPs without PAC: LR unchanged"
    );
    assert_eq!(cpu.nzcv, before.nzcv);
    assert_eq!(cpu.excl_addr, before.excl_addr);
}

#[test]
fn clrex_clears_the_monitor() {
    let mut cpu = CpuState {
        excl_addr: 0x1000,
        ..Default::default()
    };
    run_ok(&[0xd503_3f5f], &mut cpu); // clrex
    assert_eq!(cpu.excl_addr, u64::MAX);
}

#[test]
fn dc_zva_zeroes_exactly_one_aligned_block() {
    let mut buf = vec![0xaau8; 256];
    let base = buf.as_mut_ptr() as u64;
    let block = (base + 64 + 63) & !63;
    let mut cpu = CpuState::default();
    cpu.x[0] = block + 13; // any address inside the block
    run_ok(&[0xd50b_7420], &mut cpu); // dc zva, x0
    let lo = (block - base) as usize;
    for (i, &b) in buf.iter().enumerate() {
        let want = if (lo..lo + 64).contains(&i) { 0 } else { 0xaa };
        assert_eq!(b, want, "byte {i} (block at {lo})");
    }
    assert_eq!(cpu.x[0], block + 13);
    assert_eq!(sysreg::DC_ZVA_BYTES, 64);
}

#[test]
fn ic_ivau_continues_at_the_next_instruction() {
    let mut cpu = CpuState::default();
    cpu.x[0] = 0x1234;
    // ic ivau, x0; movz x1, #5
    run_ok(&[0xd50b_7520, 0xd280_00a1], &mut cpu);
    assert_eq!(cpu.x[1], 5);
}

/// Code that was translated and run once is overwritten (DC ZVA turns 16
/// NOPs into UDF #0) and announced with IC IVAU; the second pass through the
/// loop (a block start both times, so its translation is cached) must run
/// the new code, not the stale translation.
#[test]
fn ic_ivau_drops_stale_translations() {
    let mut code = vec![
        ADR_X5_0,    // 0x00: adr x5, start
        0xd280_0047, // 0x04: movz x7, #2
        0x1400_0001, // 0x08: b loop
    ];
    code.extend([NOP; 48]); // 0x0c: loop: 48 nops
    code.extend([
        0xf100_04e7, // 0xcc: subs x7, x7, #1
        0x5400_00a0, // 0xd0: b.eq done
        0x9101_a0a0, // 0xd4: add x0, x5, #104
        0xd50b_7420, // 0xd8: dc zva, x0
        0xd50b_7520, // 0xdc: ic ivau, x0
        0x17ff_ffcb, // 0xe0: b loop
    ]); // 0xe4: done
    let mut cpu = CpuState::default();
    assert_eq!(run_code(&code, &mut cpu), ExitReason::Udf);
    // The first zeroed word is the start of the 64-byte block holding x0.
    assert_eq!(cpu.pc, cpu.x[0] & !63);
    assert_eq!(cpu.exit_arg, 0);
    assert_eq!(cpu.x[7], 1);
}
