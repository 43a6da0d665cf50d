//! Where emu and qemu-aarch64 -cpu max may differ by design, and where
//! QEMU 7.2 departs from the Arm ARM pseudocode.
//!
//! Expected differences (run, compared, counted, never failures): QEMU max
//! implements FEAT_PAuth (the non-HINT PAC instructions; the HINT-space
//! ones execute as NOPs on both) and FEAT_MTE, which emu does not announce,
//! so emu raises SIGILL where QEMU executes. SVE and SME words
//! are never drawn (gen::excluded). The disassembly (binutils objdump) names
//! the instruction.

use crate::gen::Case;
use std::path::Path;
use std::process::Command;

/// The reason a difference is expected, from the instruction's
/// disassembly.
pub fn expected(word: u32, disasm: &str) -> Option<&'static str> {
    let mut parts = disasm.split_whitespace();
    let m = parts.next().unwrap_or("");
    let ops = parts.collect::<Vec<_>>().join(" ");
    const PAC: [&str; 14] = [
        "braa", "brab", "blraa", "blrab", "braaz", "brabz", "blraaz", "blrabz", "retaa", "retab",
        "eretaa", "eretab", "ldraa", "ldrab",
    ];
    if m.starts_with("pac") || m.starts_with("aut") || m.starts_with("xpac") || PAC.contains(&m) {
        return Some("PAC (FEAT_PAuth, not announced by emu)");
    }
    const MTE: [&str; 16] = [
        "irg", "gmi", "subp", "subps", "addg", "subg", "stg", "st2g", "stzg", "stz2g", "stgp",
        "ldg", "stgm", "stzgm", "ldgm", "cmpp",
    ];
    // DC GVA/GZVA/CG*: the tag cache operations; MSR TCO, #imm (objdump names it by its generic form for imm > 1).
    // The tag maintenance DC operations are the ones with a G in the name
    // (GVA, GZVA, CGVAC, CIGDVAC, ...).
    let tag_dc = m == "dc" && ops.split(',').next().is_some_and(|op| op.contains('g'));
    if MTE.contains(&m) || tag_dc || word & 0xffff_f0ff == 0xd503_409f {
        return Some("MTE (FEAT_MTE, not announced by emu)");
    }
    // FPSR bits 31:28 are the AArch32 comparison flags: QEMU max keeps what
    // MSR FPSR writes there; emu, without AArch32, treats them as RES0.
    if m == "msr" && ops.starts_with("fpsr") {
        return Some("FPSR.NZCV (AArch32 only; RES0 on emu)");
    }
    // The DC ZVA block size is IMPLEMENTATION DEFINED: 64 bytes on emu
    // (DCZID_EL0.BS = 4), 512 on QEMU max (BS = 7).
    if (m == "dc" && ops.starts_with("zva")) || ops.ends_with("dczid_el0") {
        return Some("DC ZVA block size (DCZID_EL0, IMPLEMENTATION DEFINED)");
    }
    // Cache geometry (CTR_EL0) is IMPLEMENTATION DEFINED.
    if ops.ends_with("ctr_el0") {
        return Some("CTR_EL0 (cache geometry, IMPLEMENTATION DEFINED)");
    }
    None
}

/// Inputs on which QEMU 7.2 deviates from the Arm ARM pseudocode; such
/// cases are left out (emu follows the pseudocode, tested in tests/insn_*).
pub fn qemu_deviates(c: &Case) -> bool {
    use crate::layout::{u64_at, R_FPCR, R_SP, R_X};
    let (name, word, input) = (c.name, c.word, &c.rec[..]);
    let fpcr = u64_at(input, R_FPCR);
    let v_lo = |r: u32| {
        let at = r as usize * 16;
        u64::from_le_bytes(input[at..at + 8].try_into().unwrap())
    };
    // FJCVTZS of a denormal flushed by FPCR.FZ: FPToFixedJS clears Z for a
    // negative sign and for "sign == '0' && value == 0.0 &&
    // !IsZero(op<51:0>)"; QEMU 7.2 sets Z unless the input is exactly -0.0.
    if name == "FJCVTZS" && fpcr & (1 << 24) != 0 {
        let x = v_lo(word >> 5 & 31);
        return x & 0x7ff0_0000_0000_0000 == 0 && x & 0x000f_ffff_ffff_ffff != 0;
    }
    // FP16 pairwise and across-lanes forms (FMAXNMP/FADDP/FMAXP/FMINNMP/
    // FMINP scalar, FMAXNMV/FMAXV/FMINNMV/FMINV) with size<0> = 1: the
    // Arm ARM encodings of the half-precision forms fix bit 22 at 0 (C7.2,
    // e.g. "FMAXNMP (scalar), Half-precision": 0101 1110 0011 0000 1100
    // 10), so the word is unallocated; QEMU 7.2 (disas_simd_scalar_pairwise,
    // disas_simd_across_lanes) ignores bit 22 when U = 0 and executes it.
    let fp16_op = |op: u32| matches!(op, 0b01100 | 0b01101 | 0b01111);
    if word & 0xff7e_0c00 == 0x5e70_0800 && fp16_op(word >> 12 & 31) {
        return true;
    }
    if word & 0xbf7e_0c00 == 0x0e70_0800 && matches!(word >> 12 & 31, 0b01100 | 0b01111) {
        return true;
    }
    // Unallocated FP16 two-register-misc forms QEMU 7.2 executes or aborts
    // on (g_assert_not_reached, SIGABRT, ending the batch): the vector form
    // of FRECPX (U = 0, a = 1, opcode 11111; FRECPX is scalar only) and the
    // scalar forms with a = 1 and opcode x1111 (FABS, FNEG, FSQRT: vector
    // only in the Advanced SIMD scalar two-register-misc FP16 table, C4.1).
    if word & 0xbfff_fc00 == 0x0ef9_f800 || word & 0xdffe_fc00 == 0x5ef8_f800 {
        return true;
    }
    // Scalar FCVTZS (vector, fixed-point), half precision (Advanced SIMD
    // scalar shift by immediate, U = 0, immh = 001x, opcode 11111): the
    // pseudocode writes V[d] = result with datasize = esize = 16, so the
    // 16-bit integer is zero-extended into the register; QEMU 7.2 writes
    // it sign-extended to 32 bits (0xfffffff8 for -8).
    if word & 0xfff0_fc00 == 0x5f10_fc00 {
        return true;
    }
    // Advanced SIMD modified immediate with op = 1 and o2 = 1: o2 = 1 is
    // allocated only for op = 0, cmode = 1111 (FMOV, half-precision), so
    // the Arm ARM decode table leaves this unallocated; QEMU 7.2 executes
    // it as FMOV (vector, immediate, double).
    if word & 0xbff8_0c00 == 0x2f00_0c00 {
        return true;
    }
    let base_of = |n: usize| {
        if n == 31 {
            u64_at(input, R_SP)
        } else if n == 30 {
            c.x30
        } else {
            u64_at(input, R_X + 8 * n)
        }
    };
    // LDAPR (FEAT_LRCPC) of an unaligned address: AccType_ORDERED, so
    // AArch64.CheckAlignment raises an alignment fault for any unaligned
    // address (without FEAT_LSE2; emu: SIGBUS/BUS_ADRALN). QEMU 7.2 loads
    // it without an alignment check.
    if name == "LDAPR" {
        return base_of((word >> 5 & 31) as usize) % (1 << (word >> 30)) != 0;
    }
    // Store-exclusive to an unaligned address (the monitor is always clear:
    // the driver runs CLREX before each case). AArch64.ExclusiveMonitorsPass
    // calls AArch64.CheckAlignment before the monitor check, so the Arm ARM
    // pseudocode raises the alignment fault (SIGBUS/BUS_ADRALN, what emu
    // does); its comment makes the order of "memory aborts" and the monitor
    // check IMPLEMENTATION DEFINED, and QEMU 7.2 checks the monitor first
    // (gen_store_exclusive), failing the store with status 1 and no fault.
    if name == "STXR" || name == "STXP" {
        let base = base_of((word >> 5 & 31) as usize);
        let size = if name == "STXR" {
            1 << (word >> 30)
        } else {
            8 << (word >> 30 & 1)
        };
        return base % size != 0;
    }
    false
}

/// Why emu may execute what QEMU rejects: a feature emu announces and
/// qemu-aarch64 7.2's max CPU lacks. Only these are excused in that direction.
pub fn emu_only(disasm: &str) -> Option<&'static str> {
    let mut parts = disasm.split_whitespace();
    let (m, ops) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    // DC CVAP/CVADP: emu announces FEAT_DPB/DPB2 (ID_AA64ISAR1.DPB = 2,
    // HWCAP_DCPOP, HWCAP2_DCPODP; no-ops on ordinary memory).
    if m == "dc" && (ops.starts_with("cvap,") || ops.starts_with("cvadp,")) {
        return Some("DC CVAP/CVADP (FEAT_DPB/DPB2: announced by emu, not by qemu 7.2)");
    }
    None
}

/// binutils' disassembly of each word ("mnemonic operands").
pub fn disassemble(dir: &Path, tag: &str, words: &[u32]) -> Vec<String> {
    if words.is_empty() {
        return Vec::new();
    }
    let bin = dir.join(format!("{tag}.dis"));
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    std::fs::write(&bin, bytes).unwrap();
    let out = Command::new("aarch64-linux-gnu-objdump")
        .args(["-D", "-b", "binary", "-m", "aarch64"])
        .arg(&bin)
        .output();
    let _ = std::fs::remove_file(&bin);
    let text = out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    let mut res = vec![String::from("?"); words.len()];
    for line in text.unwrap_or_default().lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        let Some(addr) = cols.first().and_then(|a| a.trim().strip_suffix(':')) else {
            continue;
        };
        let Ok(addr) = usize::from_str_radix(addr, 16) else {
            continue;
        };
        if cols.len() >= 3 && addr % 4 == 0 && addr / 4 < words.len() {
            res[addr / 4] = cols[2..].join(" ").trim().to_string();
        }
    }
    res
}

/// Brings QEMU's record to what Linux reports where QEMU's linux-user
/// departs from the kernel's signal ABI: an undefined instruction is
/// SIGILL/ILL_ILLOPC (1) on Linux (arch/arm64/kernel/traps.c,
/// do_el0_undef: force_signal_inject(SIGILL, ILL_ILLOPC, ...)); QEMU 7.2
/// linux-user/aarch64/cpu_loop.c reports EXCP_UDEF as ILL_ILLOPN (2).
pub fn normalize_qemu(out: &mut [u8]) {
    use crate::layout::{put_u64, u64_at, O_CODE, O_SIGNO};
    if u64_at(out, O_SIGNO) == 4 && u64_at(out, O_CODE) == 2 {
        put_u64(out, O_CODE, 1);
    }
}
