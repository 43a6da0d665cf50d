//! Advanced SIMD across lanes (ADDV, SADDLV/UADDLV, SMAXV.., FMAXV..) and
//! scalar pairwise (ADDP, FADDP, FMAXP.. on two elements of Vn).

use super::fpu::{self, Env, FBin};
use super::lanes::{get, sx};
use super::{call, kinds, Args};
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::{Ctx, TResult, Undefined};

kinds!(K {
    Addlv,
    Maxv,
    Minv,
    Addv,
    Fmaxnm,
    Fminnm,
    Fmax,
    Fmin,
    Fadd
});

fn decode(u: bool, size: u32, opc: u32, q: bool, pair: bool) -> Option<(K, u32)> {
    use K::*;
    let a = size >> 1 != 0;
    let fp = |k: K| Some((k, 2 + (size & 1)));
    // The half-precision forms (FEAT_FP16): U = 0, size<0> = 0.
    let half = |k: K| (size & 1 == 0).then_some((k, 1));
    if pair {
        return match (u, opc) {
            (false, 0b11011) if size == 3 => Some((Addv, 3)),
            (false, 0b01100) => half(if a { Fminnm } else { Fmaxnm }),
            (false, 0b01101) if !a => half(Fadd),
            (false, 0b01111) => half(if a { Fmin } else { Fmax }),
            (true, 0b01100) => fp(if a { Fminnm } else { Fmaxnm }),
            (true, 0b01101) if !a => fp(Fadd),
            (true, 0b01111) => fp(if a { Fmin } else { Fmax }),
            _ => None,
        };
    }
    let int_ok = size < 2 || (size == 2 && q);
    match (u, opc) {
        (_, 0b00011) if int_ok => Some((Addlv, size)),
        (_, 0b01010) if int_ok => Some((Maxv, size)),
        (_, 0b11010) if int_ok => Some((Minv, size)),
        (false, 0b11011) if int_ok => Some((Addv, size)),
        (false, 0b01100) => half(if a { Fminnm } else { Fmaxnm }),
        (false, 0b01111) => half(if a { Fmin } else { Fmax }),
        (true, 0b01100) if q && size & 1 == 0 => fp(if a { Fminnm } else { Fmaxnm }),
        (true, 0b01111) if q && size & 1 == 0 => fp(if a { Fmin } else { Fmax }),
        _ => None,
    }
}

pub fn translate(cx: &mut Ctx, f: &Fields, pair: bool) -> TResult {
    let u = f.b('U');
    let q = pair || f.b('Q');
    let (kind, size) = decode(u, f.u('s'), f.u('o'), q, pair).ok_or(Undefined)?;
    let args = Args {
        d: f.u('d'),
        n: f.u('n'),
        size,
        q,
        scalar: pair,
        kind: kind as u32,
        imm: u as u32,
        ..Args::default()
    };
    call(cx, helper, args, &[]);
    Ok(())
}

unsafe extern "C" fn helper(cpu: *mut CpuState, p: u64, _: u64, _: u64, _: u64) -> u64 {
    // SAFETY: called by translated code with its own state.
    let cpu = unsafe { super::cpu(cpu) };
    run(cpu, &Args::unpack(p));
    0
}

/// Arm `Reduce`: combines the two halves of `e` recursively.
fn reduce(e: &[u64], f: &mut impl FnMut(u64, u64) -> u64) -> u64 {
    if e.len() == 1 {
        e[0]
    } else {
        let (lo, hi) = e.split_at(e.len() / 2);
        let (l, h) = (reduce(lo, f), reduce(hi, f));
        f(l, h)
    }
}

/// Executes one across-lanes or scalar pairwise instruction.
pub fn run(cpu: &mut CpuState, a: &Args) {
    use K::*;
    let es = a.esize();
    let count = if a.scalar {
        2
    } else {
        (if a.q { 128 } else { 64 } / es) as usize
    };
    let n = cpu.v[a.n as usize];
    let e: Vec<u64> = (0..count).map(|i| get(n, es, i)).collect();
    let signed = a.imm == 0;
    let val = |x: u64| -> i128 {
        if signed {
            sx(x, es) as i128
        } else {
            x as i128
        }
    };
    let scope = crate::cpu::fpenv::HelperScope::enter();
    let mut env = Env::new(cpu.fpcr);
    let mut fb = |op: FBin| reduce(&e, &mut |x, y| fpu::bin(&mut env, es, op, x, y));
    let (r, bits) = match K::from_u32(a.kind) {
        Addlv => (e.iter().map(|&x| val(x)).sum::<i128>() as u64, 2 * es),
        Addv => (e.iter().fold(0u64, |s, &x| s.wrapping_add(x)), es),
        Maxv => (e.iter().copied().max_by_key(|&x| val(x)).unwrap_or(0), es),
        Minv => (e.iter().copied().min_by_key(|&x| val(x)).unwrap_or(0), es),
        Fmaxnm => (fb(FBin::MaxNm), es),
        Fminnm => (fb(FBin::MinNm), es),
        Fmax => (fb(FBin::Max), es),
        Fmin => (fb(FBin::Min), es),
        Fadd => (fb(FBin::Add), es),
    };
    cpu.v[a.d as usize] = super::lanes::trunc(r as u128, bits);
    cpu.fpsr |= u64::from(env.flags);
    scope.finish(u64::from(env.flags));
}
