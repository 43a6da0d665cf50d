//! FEAT_DotProd and FEAT_I8MM: SDOT/UDOT (vector, by element), USDOT
//! (vector, by element), SUDOT (by element), SMMLA/UMMLA/USMMLA. Each 32-bit
//! lane accumulates four (dot) or, for the 2x2 matrix forms, eight byte
//! products, wrapping (Arm ARM `SDOT`, `MatMulAdd`).
//!
//! Each has one runtime helper; the dot products are [`VecOp::Dot`]s and
//! the matrix forms [`VecOp::Mmla`]s, which the backend may run inline.

use super::lanes::{get, set, sx, trunc, width};
use super::{kind_bits, Args};
use crate::arm64::encodings::ext::Op;
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::{Ctx, TResult};
use crate::ir::VecOp;

/// [`Args::kind`] bits.
const N_UNSIGNED: u32 = 1;
const M_UNSIGNED: u32 = 2;
const BY_ELEMENT: u32 = 4;
const MATRIX: u32 = 8;

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    use Op::*;
    let (nu, mu) = match op {
        SDOT_vec | SDOT_elem | SMMLA => (false, false),
        UDOT_vec | UDOT_elem | UMMLA => (true, true),
        USDOT_vec | USDOT_elem | USMMLA => (true, false),
        _ => (false, true), // SUDOT
    };
    let elem = f.has('H');
    let matrix = matches!(op, SMMLA | UMMLA | USMMLA);
    let kind = kind_bits(&[
        (nu, N_UNSIGNED),
        (mu, M_UNSIGNED),
        (elem, BY_ELEMENT),
        (matrix, MATRIX),
    ]);
    let (m, index) = if elem {
        (f.u('M') << 4 | f.u('m'), f.u('H') << 1 | f.u('L'))
    } else {
        (f.u('m'), 0)
    };
    let args = Args {
        d: f.u('d'),
        n: f.u('n'),
        m,
        size: 2,
        q: matrix || f.b('Q'),
        scalar: false,
        kind,
        imm: index,
    };
    if matrix {
        let op = VecOp::Mmla {
            n_unsigned: nu,
            m_unsigned: mu,
            vm: m as u8,
        };
        super::vec_op(cx, op, &args, helper);
    } else {
        let op = VecOp::Dot {
            n_unsigned: nu,
            m_unsigned: mu,
            q: args.q,
            vm: m as u8,
            elem: elem.then_some(index as u8),
        };
        super::vec_op(cx, op, &args, helper);
    }
    Ok(())
}

super::args_helper!();

/// Executes one dot-product or matrix multiply-accumulate instruction.
pub fn run(cpu: &mut CpuState, a: &Args) {
    let (n, m, d) = (
        cpu.v[a.n as usize],
        cpu.v[a.m as usize],
        cpu.v[a.d as usize],
    );
    let byte = |v: u128, i: usize, unsigned: bool| -> i64 {
        let x = get(v, 8, i);
        if unsigned {
            x as i64
        } else {
            sx(x, 8)
        }
    };
    let (nu, mu) = (a.kind & N_UNSIGNED != 0, a.kind & M_UNSIGNED != 0);
    // Sum of `len` products of bytes of Vn from `i` and of Vm from `j`,
    // added to lane `e` of Vd, modulo 2^32.
    let dot = |e: usize, i: usize, j: usize, len: usize| -> u64 {
        let acc = get(d, 32, e) as i64;
        let s = (0..len).fold(acc, |s, k| s + byte(n, i + k, nu) * byte(m, j + k, mu));
        s as u64 & 0xffff_ffff
    };
    let mut r = 0u128;
    if a.kind & MATRIX != 0 {
        // Vn and Vm are 2x8 row-major matrices: Vd(2x2) += Vn * Vm^T.
        for i in 0..2 {
            for j in 0..2 {
                set(&mut r, 32, 2 * i + j, dot(2 * i + j, 8 * i, 8 * j, 8));
            }
        }
    } else {
        for e in 0..a.elements() {
            let j = if a.kind & BY_ELEMENT != 0 {
                4 * a.imm as usize
            } else {
                4 * e
            };
            set(&mut r, 32, e, dot(e, 4 * e, j, 4));
        }
    }
    cpu.v[a.d as usize] = trunc(r, width(a));
}
