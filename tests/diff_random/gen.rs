//! Drawing cases: the instruction word (a table entry's random instance, a
//! uniformly random word, or a table pattern with fixed bits flipped) and
//! its inputs, set up by class: memory instructions get base registers
//! inside the scratch page, branches get targets on the slot's taken exit.

use crate::layout::*;
use crate::values::Rng;
use emu::arm64::decode::{decode, entries, Entry, Fields};
use emu::arm64::encodings::Insn;

#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Origin {
    Table,
    Random,
    Flip,
    Regress,
}

pub struct Case {
    pub word: u32,
    /// Seeds the inputs: (word, seed) replays the case.
    pub seed: u64,
    pub origin: Origin,
    pub class: &'static str,
    pub name: &'static str,
    pub x30: u64,
    pub rec: Vec<u8>,
}

pub const CLASSES: [&str; 10] = [
    "dp_imm", "dp_reg", "fp", "simd", "ext", "crypto", "ldst", "branch", "system", "undef",
];

/// The class of a table entry (SIMD structure loads/stores count as ldst).
pub fn class_of(e: &Entry) -> &'static str {
    match e.insn {
        Insn::DpImm(_) => "dp_imm",
        Insn::DpReg(_) => "dp_reg",
        Insn::Fp(_) => "fp",
        Insn::Simd(_)
        | Insn::SimdSame(_)
        | Insn::SimdMisc(_)
        | Insn::SimdAcross(_)
        | Insn::SimdShift(_)
        | Insn::SimdElem(_)
        | Insn::SimdDiff(_) => "simd",
        Insn::Ext(_) => "ext",
        Insn::Crypto(_) => "crypto",
        Insn::Ldst(_) | Insn::SimdLdst(_) => "ldst",
        Insn::Branch(_) => "branch",
        Insn::System(_) => "system",
    }
}

/// Words never run, with the reason: SVE and SME (documented: QEMU max
/// has them, emu does not), and instructions that would leave the case
/// (SVC), wait (WFE/WFI/WFET/WFIT), switch to streaming mode (SMSTART),
/// call QEMU's semihosting (HLT #0xf000), or read state that differs by
/// design (ID registers, timers, RNDR, PMU, debug, SME/MTE registers).
pub fn excluded(word: u32) -> Option<&'static str> {
    let op0 = (word >> 25) & 0xf;
    if op0 == 0b0010 {
        return Some("SVE");
    }
    if word >> 31 == 1 && op0 == 0 {
        return Some("SME");
    }
    if word & 0xffe0_001f == 0xd400_0001 {
        return Some("SVC");
    }
    if word == 0xd503_205f || word == 0xd503_207f || word & 0xffff_ffc0 == 0xd503_1000 {
        return Some("wait");
    }
    if word & 0xffff_f0ff == 0xd503_407f {
        return Some("SME");
    }
    // HLT #0xf000 is QEMU's A64 semihosting call: QEMU would perform a host
    // operation; Linux raises SIGILL.
    if word == 0xd45e_0000 {
        return Some("semihosting");
    }
    if word & 0xffd0_0000 == 0xd510_0000 {
        // MSR/MRS (register): op0 = 2 + o0.
        let (o0, op1) = ((word >> 19) & 1, (word >> 16) & 7);
        let (crn, crm, op2) = ((word >> 12) & 15, (word >> 8) & 15, (word >> 5) & 7);
        // o0 = 0: the debug registers (op0 = 2), whose EL0 access depends
        // on the kernel's MDSCR_EL1.TDCC (QEMU linux-user reads
        // MDCCSR_EL0 as 0; emu raises SIGILL).
        let denied = o0 == 0
            || (o0 == 1 && op1 == 0 && crn == 0)
            || crn == 14
            || (op1 == 3 && crn == 9)
            || (op1 == 3 && crn == 2 && crm == 4)
            || (op1 == 3 && crn == 4 && crm == 2 && (op2 == 2 || op2 == 7))
            || (op1 == 3 && crn == 13 && crm == 0 && op2 == 5);
        if denied {
            return Some("sysreg");
        }
    }
    None
}

/// The entries a run draws from: EMU_DIFF_CLASSES (comma list of CLASSES)
/// and EMU_DIFF_NAMES (entry names) narrow it. An entry appears
/// `round(24 / sqrt(n))` times (at least once), n being the number of
/// entries of its class, so a class is drawn in proportion to about
/// 24 * sqrt(n): Advanced SIMD's hundreds of form rows do not crowd out
/// the small classes, and each of its rows is still drawn thousands of
/// times in a long run.
pub fn pool() -> Vec<&'static Entry> {
    let names = std::env::var("EMU_DIFF_NAMES").ok();
    let chosen: Vec<&'static Entry> = entries()
        .iter()
        .filter(|e| want_class(class_of(e)))
        .filter(|e| {
            names
                .as_deref()
                .is_none_or(|l| l.split(',').any(|x| x.trim() == e.name()))
        })
        .collect();
    let per_class = |c: &str| chosen.iter().filter(|e| class_of(e) == c).count();
    let repeat: std::collections::HashMap<&str, usize> = CLASSES
        .iter()
        .map(|&c| {
            (
                c,
                ((24.0 / (per_class(c).max(1) as f64).sqrt()).round() as usize).max(1),
            )
        })
        .collect();
    chosen
        .iter()
        .flat_map(|&e| std::iter::repeat_n(e, repeat[class_of(e)]))
        .collect()
}

pub fn want_class(c: &str) -> bool {
    std::env::var("EMU_DIFF_CLASSES")
        .map(|l| l.split(',').any(|x| x.trim() == c))
        .unwrap_or(true)
}

/// A word to try: mostly a table entry's instance; with EMU_DIFF_CLASSES
/// including "undef" also uniformly random words and table patterns with
/// one to three fixed bits flipped.
pub fn draw_word(rng: &mut Rng, pool: &[&'static Entry], undef: bool) -> (u32, Origin) {
    let r = rng.below(100);
    if undef && r < 12 {
        return (rng.next() as u32, Origin::Random);
    }
    let e = rng.pick(pool);
    let mut word = e.instance(rng.next() as u32);
    if undef && r < 24 {
        for _ in 0..=rng.below(3) {
            let fixed: Vec<u32> = (0..32).filter(|b| e.mask >> b & 1 == 1).collect();
            word ^= 1 << rng.pick(&fixed);
        }
        return (word, Origin::Flip);
    }
    (word, Origin::Table)
}

fn set_field(e: &Entry, word: u32, letter: char, value: u64) -> u32 {
    let fields = e.fields();
    let Some((_, bits)) = fields.iter().find(|(l, _)| *l == letter as u8) else {
        return word;
    };
    let mut w = word;
    for (k, &b) in bits.iter().rev().enumerate() {
        w = (w & !(1 << b)) | (((value >> k) & 1) as u32) << b;
    }
    w
}

/// System registers EL0 may use, for MSR/MRS draws (the rest are random).
const fn sysreg(op1: u32, crn: u32, crm: u32, op2: u32) -> u32 {
    1 << 14 | op1 << 11 | crn << 7 | crm << 3 | op2
}
const EL0_SYSREGS: [u32; 7] = [
    sysreg(3, 4, 2, 0),  // NZCV
    sysreg(3, 4, 4, 0),  // FPCR
    sysreg(3, 4, 4, 1),  // FPSR
    sysreg(3, 13, 0, 2), // TPIDR_EL0
    sysreg(3, 13, 0, 3), // TPIDRRO_EL0
    sysreg(3, 4, 2, 5),  // DIT
    sysreg(3, 4, 2, 6),  // SSBS
];

/// Builds the case for `word` from `seed`; `None` when the word is
/// excluded or its inputs would be CONSTRAINED UNPREDICTABLE.
pub fn make_case(word: u32, seed: u64, origin: Origin, slot: u64) -> Option<Case> {
    let mut rng = Rng::new(seed ^ u64::from(word) << 32);
    let entry = decode(word).map(|f| f.entry);
    let mut word = word;
    let mut x = [0u64; 31];
    for r in x.iter_mut() {
        *r = if rng.below(6) == 0 {
            SCRATCH + rng.below(PAGE as u64)
        } else {
            rng.xval()
        };
    }
    let mut sp = if rng.below(4) == 0 {
        SCRATCH + rng.below(PAGE as u64)
    } else {
        rng.xval()
    } & !15;
    let mut mem = origin != Origin::Table;
    if let Some(e) = entry {
        match class_of(e) {
            "branch" => {
                word = set_field(e, word, 'i', 2);
                let f = Fields { word, entry: e };
                if f.has('n') && f.u('n') != 31 {
                    x[f.u('n') as usize] = taken_addr(slot);
                }
            }
            "system" => {
                // Table draws mostly name registers EL0 may use; replays
                // and random words keep their word.
                let el0 = rng.below(4) != 0 && origin == Origin::Table;
                if matches!(e.name(), "MRS" | "MSR_reg") && el0 {
                    word = set_field(e, word, 's', u64::from(rng.pick(&EL0_SYSREGS)));
                }
                mem = true;
            }
            "ldst" if e.name().contains("_lit") => {
                // Keep literal loads on the batch file (before it lie the
                // stubs and zeros; the signal stack is far away).
                let off = Fields { word, entry: e }.s('i');
                if off < 0 && (insn_addr(slot) as i64 + 4 * off) < FILE as i64 {
                    word = set_field(e, word, 'i', (-off) as u64);
                }
            }
            "ldst" => {
                mem_inputs(Fields { word, entry: e }, &mut x, &mut sp, &mut rng)?;
                mem = true;
            }
            _ => {}
        }
    }
    if excluded(word).is_some() {
        return None;
    }
    let mut rec = vec![0u8; REC];
    for i in 0..32 {
        rec[16 * i..16 * i + 16].copy_from_slice(&rng.vval().to_le_bytes());
    }
    // NZCV, and PSTATE.DIT (bit 24) and SSBS (bit 12), which the driver
    // sets where the CPU has them.
    let pstate = rng.below(16) << 28 | rng.below(2) << 24 | rng.below(2) << 12;
    put_u64(&mut rec, R_NZCV, pstate);
    put_u64(&mut rec, R_SP, sp);
    put_u64(&mut rec, R_FPCR, rng.fpcr());
    put_u64(&mut rec, R_FLAGS, if mem { F_MEM } else { 0 });
    for (i, v) in x.iter().take(30).enumerate() {
        put_u64(&mut rec, R_X + 8 * i, *v);
    }
    Some(Case {
        word,
        seed,
        origin,
        class: entry.map_or("undef", class_of),
        name: entry.map_or("-", |e| e.name()),
        x30: x[30],
        rec,
    })
}

/// Points the base register of a load/store into the scratch page: the
/// effective address lands at a random (often aligned) offset inside it,
/// whatever the immediate or index register adds. `None` for register
/// combinations the Arm ARM makes CONSTRAINED UNPREDICTABLE (writeback
/// into a transfer register, load pairs into one register, store-exclusive
/// status overlapping the data or base).
fn mem_inputs(f: Fields, x: &mut [u64; 31], sp: &mut u64, rng: &mut Rng) -> Option<()> {
    let name = f.entry.name();
    if !f.has('n') {
        return Some(()); // literal loads: PC-relative
    }
    let reg = |c: char| if f.has(c) { f.u(c) } else { 99 };
    let (n, t, u, s, m) = (f.u('n'), reg('t'), reg('u'), reg('s'), reg('m'));
    let fp = name.ends_with("_fp");
    // Advanced SIMD structure loads and stores.
    let simd = matches!(f.entry.insn, Insn::SimdLdst(_));
    let size = if f.has('z') { f.u('z') } else { 3 };
    let opc = if f.has('o') { f.u('o') } else { 0 };
    let simm = |bits: u32| (i64::from(f.u('i')) << (64 - bits)) >> (64 - bits);
    let single = if fp && size == 0 && opc & 2 != 0 {
        4
    } else {
        size
    };
    let pair_scale = if fp {
        2 + opc
    } else if opc == 2 {
        3
    } else {
        2
    };
    // (log2 of one element, elements, offset from the base, writeback)
    let (scale, elems, off, wb) = match name {
        "STXP" | "LDXP" | "CASP" => (2 + (size & 1), 2, 0, false),
        "LDAPUR" | "PRFUM" | "LDST_unpriv" => (size, 1, simm(9), false),
        nm if nm.starts_with("LDST_unscaled") => (single, 1, simm(9), false),
        nm if nm.starts_with("LDST_pre") => (single, 1, simm(9), true),
        nm if nm.starts_with("LDST_post") => (single, 1, 0, true),
        nm if nm.starts_with("LDSTP_post") => (pair_scale, 2, 0, true),
        nm if nm.starts_with("LDSTP_pre") => (pair_scale, 2, simm(7) << pair_scale, true),
        nm if nm.starts_with("LDSTP") || nm.starts_with("LDSTNP") => {
            (pair_scale, 2, simm(7) << pair_scale, false)
        }
        nm if nm.ends_with("_uimm") || nm.starts_with("LDST_uimm") => {
            (single, 1, i64::from(f.u('i')) << single, false)
        }
        nm if nm.ends_with("_reg") || nm.starts_with("LDST_reg") => {
            if m == n {
                return None;
            }
            let v = if m == 31 {
                0
            } else {
                x[m as usize] = (rng.below(128) as i64 - 64) as u64;
                x[m as usize]
            };
            let ext = match f.u('x') {
                0b010 => v as u32 as u64,
                0b110 => v as u32 as i32 as i64 as u64,
                _ => v,
            };
            let shift = if f.b('S') { single } else { 0 };
            (single, 1, (ext << shift) as i64, false)
        }
        _ if simd => (4, 4, 0, name.ends_with("_post")),
        _ => (size, 1, 0, false),
    };
    let gpr = !fp && !simd;
    if gpr && wb && n != 31 && (t == n || (elems == 2 && u == n)) {
        return None;
    }
    let load = f.has('L') && f.b('L') || name == "LDXP" || (simd && name.starts_with("LD"));
    if elems == 2 && load && t == u {
        return None;
    }
    if name.starts_with("STX") && (s == t || s == u || (s == n && n != 31)) {
        return None;
    }
    if wb && m == n && !gpr {
        return None;
    }
    let bytes = (1u64 << scale) * elems;
    let mut at = 64 + rng.below(PAGE as u64 - 192);
    if rng.below(3) != 0 {
        at &= !(bytes.next_power_of_two().min(16) - 1);
    }
    // Sometimes the access reaches into a guard page: at its end it crosses
    // into the page after (a GPR access only: structure loads may leave
    // some registers written, which the Arm ARM makes UNKNOWN), or it lies
    // wholly in the page before.
    match rng.below(32) {
        0 if gpr => at = PAGE as u64 + 1 - bytes + rng.below(bytes),
        1 => at = (rng.below(64) + bytes).wrapping_neg(),
        _ => {}
    }
    let base = (SCRATCH + at).wrapping_sub(off as u64);
    if n == 31 {
        *sp = base & !15;
    } else {
        x[n as usize] = base;
    }
    Some(())
}
