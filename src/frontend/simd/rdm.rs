//! FEAT_RDM: SQRDMLAH and SQRDMLSH (vector, scalar, by element, scalar by
//! element): `SignedSatQ(((d << esize) ± 2 * n * m + 2^(esize-1)) >> esize)`
//! per 16- or 32-bit lane, setting FPSR.QC on saturation (Arm ARM
//! `SQRDMLAH`). One runtime helper per instruction, the exact definition of
//! the [`VecOp::Qdmulh`] the backend may run inline.

use super::lanes::{get, map3, qc, sat_s, sx};
use super::{kind_bits, Args};
use crate::arm64::encodings::ext::Op;
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::{Ctx, TResult, Undefined};
use crate::ir::{LongAcc, VecOp};

/// [`Args::kind`] bits.
const SUB: u32 = 1;
const BY_ELEMENT: u32 = 2;

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    use Op::*;
    let size = f.u('s');
    if size != 1 && size != 2 {
        return Err(Undefined);
    }
    let sub = matches!(
        op,
        SQRDMLSH_vec | SQRDMLSH_s | SQRDMLSH_elem | SQRDMLSH_selem
    );
    let scalar = matches!(
        op,
        SQRDMLAH_s | SQRDMLSH_s | SQRDMLAH_selem | SQRDMLSH_selem
    );
    let elem = f.has('H');
    let (m, index) = match (elem, size) {
        (false, _) => (f.u('m'), 0),
        (true, 1) => (f.u('m'), f.u('H') << 2 | f.u('L') << 1 | f.u('M')),
        (true, _) => (f.u('M') << 4 | f.u('m'), f.u('H') << 1 | f.u('L')),
    };
    let args = Args {
        d: f.u('d'),
        n: f.u('n'),
        m,
        size,
        q: scalar || f.b('Q'),
        scalar,
        kind: kind_bits(&[(sub, SUB), (elem, BY_ELEMENT)]),
        imm: index,
    };
    let op = VecOp::Qdmulh {
        esize: args.esize() as u8,
        q: args.q,
        scalar,
        round: true,
        acc: if sub { LongAcc::Sub } else { LongAcc::Add },
        vm: m as u8,
        elem: elem.then_some(index as u8),
    };
    super::vec_op(cx, op, &args, helper);
    Ok(())
}

super::args_helper!();

/// One lane: `(d << es) ± 2 n m`, rounded, shifted down and saturated.
pub fn lane(es: u32, sub: bool, n: u64, m: u64, d: u64) -> (u64, bool) {
    let prod = 2 * i128::from(sx(n, es)) * i128::from(sx(m, es));
    let acc = (i128::from(sx(d, es)) << es) + if sub { -prod } else { prod };
    sat_s((acc + (1 << (es - 1))) >> es, es)
}

/// Executes one SQRDMLAH/SQRDMLSH.
pub fn run(cpu: &mut CpuState, a: &Args) {
    let es = a.esize();
    let mut mv = cpu.v[a.m as usize];
    if a.kind & BY_ELEMENT != 0 {
        mv = super::lanes::broadcast(get(mv, es, a.imm as usize), es);
    }
    let sub = a.kind & SUB != 0;
    let mut sat = false;
    map3(cpu, a, mv, |n, m, d| {
        let (v, s) = lane(es, sub, n, m, d);
        sat |= s;
        v
    });
    qc(cpu, sat);
}
