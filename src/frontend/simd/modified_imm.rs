//! Advanced SIMD modified immediate: MOVI, MVNI, ORR, BIC (vector,
//! immediate) and FMOV (vector, immediate). The immediate is expanded at
//! translation time and the register written with plain state stores.

use crate::arm64::encodings::simd::Op;
use crate::arm64::Fields;
use crate::cpu::state::v_offset;
use crate::frontend::{Ctx, TResult, Undefined};
use crate::ir::Width;

/// Arm `AdvSIMDExpandImm(op, cmode, imm8)`: the 64-bit pattern.
pub fn expand_imm(op: bool, cmode: u32, imm8: u32) -> u64 {
    let i = imm8 as u64;
    let rep2 = |x: u64| x | x << 32;
    let rep4 = |x: u64| x | x << 16 | x << 32 | x << 48;
    match cmode >> 1 {
        0 => rep2(i),
        1 => rep2(i << 8),
        2 => rep2(i << 16),
        3 => rep2(i << 24),
        4 => rep4(i),
        5 => rep4(i << 8),
        6 if cmode & 1 == 0 => rep2(i << 8 | 0xff),
        6 => rep2(i << 16 | 0xffff),
        _ => match (cmode & 1, op) {
            (0, false) => i * 0x0101_0101_0101_0101,
            (0, true) => (0..8)
                .filter(|b| i >> b & 1 != 0)
                .fold(0, |acc, b| acc | 0xff << (8 * b)),
            (_, false) => {
                let b6 = i >> 6 & 1;
                let imm32 = (i >> 7) << 31 | (b6 ^ 1) << 30 | (b6 * 0x1f) << 25 | (i & 0x3f) << 19;
                rep2(imm32)
            }
            _ => {
                let b6 = i >> 6 & 1;
                (i >> 7) << 63 | (b6 ^ 1) << 62 | (b6 * 0xff) << 54 | (i & 0x3f) << 48
            }
        },
    }
}

enum Operation {
    Movi,
    Mvni,
    Orr,
    Bic,
}

/// The modified-immediate `form` of `f`.
pub fn translate(cx: &mut Ctx, form: Op, f: &Fields) -> TResult {
    let q = super::q_bit(f);
    // op (bit 29) and cmode (bits 15..12), which the forms fix in part.
    let op = super::u_bit(f);
    let cmode = f.word >> 12 & 0xf;
    if form == Op::FMOV_imm_vh {
        // FMOV (vector, immediate), half-precision (FEAT_FP16).
        let h = crate::frontend::fp::vfp_expand_imm(f.u('i'), crate::frontend::fp::float::H);
        let imm = h * 0x0001_0001_0001_0001;
        let d = f.u('d') as usize;
        let k = cx.k(imm);
        cx.b.store_state(v_offset(d), k);
        let hi = if q { k } else { cx.k(0) };
        cx.b.store_state(v_offset(d) + 8, hi);
        return Ok(());
    }
    let operation = match form {
        Op::MOVI_32
        | Op::MOVI_16
        | Op::MOVI_ones
        | Op::MOVI_8
        | Op::MOVI_64
        | Op::FMOV_imm_v
        | Op::FMOV_imm_vd => Operation::Movi,
        Op::MVNI_32 | Op::MVNI_16 | Op::MVNI_ones => Operation::Mvni,
        Op::ORR_imm_32 | Op::ORR_imm_16 => Operation::Orr,
        Op::BIC_imm_32 | Op::BIC_imm_16 => Operation::Bic,
        _ => return Err(Undefined),
    };
    let imm = expand_imm(op, cmode, f.u('i'));
    let d = f.u('d') as usize;
    let halves: &[usize] = if q { &[0, 8] } else { &[0] };
    for &h in halves {
        let off = v_offset(d) + h;
        let v = match operation {
            Operation::Movi => cx.k(imm),
            Operation::Mvni => cx.k(!imm),
            Operation::Orr | Operation::Bic => {
                let old = cx.b.load_state(off);
                if matches!(operation, Operation::Orr) {
                    let k = cx.k(imm);
                    cx.b.or(Width::W64, old, k)
                } else {
                    let k = cx.k(!imm);
                    cx.b.and(Width::W64, old, k)
                }
            }
        };
        cx.b.store_state(off, v);
    }
    if !q {
        let zero = cx.k(0);
        cx.b.store_state(v_offset(d) + 8, zero);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::expand_imm;

    #[test]
    fn expansions() {
        assert_eq!(expand_imm(false, 0b0010, 0xab), 0x0000_ab00_0000_ab00);
        assert_eq!(expand_imm(false, 0b1010, 0x12), 0x1200_1200_1200_1200);
        assert_eq!(expand_imm(false, 0b1101, 0x12), 0x0012_ffff_0012_ffff);
        assert_eq!(expand_imm(false, 0b1110, 0x5a), 0x5a5a_5a5a_5a5a_5a5a);
        assert_eq!(expand_imm(true, 0b1110, 0b1000_0001), 0xff00_0000_0000_00ff);
        // FMOV v.4s, #1.0 (imm8 = 0x70).
        assert_eq!(expand_imm(false, 0b1111, 0x70), 0x3f80_0000_3f80_0000);
        // FMOV v.2d, #-2.0 (imm8 = 0x80).
        assert_eq!(expand_imm(true, 0b1111, 0x80), 0xc000_0000_0000_0000);
    }
}
