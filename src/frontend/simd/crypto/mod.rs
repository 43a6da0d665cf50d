//! The cryptographic extension: FEAT_AES, FEAT_SHA1, FEAT_SHA256,
//! FEAT_SHA512, FEAT_SHA3, FEAT_SM3 and FEAT_SM4 (the encodings are
//! [`crate::arm64::encodings::crypto`]; PMULL .1Q is in the three-different
//! class and uses [`clmul64`]). Every instruction has a helper of its own,
//! which reads Vd, Vn, Vm (or Va, or the immediate) and writes the whole of
//! Vd; AES, SHA1, SHA256, SHA512, the SHA3 forms and SM3PARTW1/2 are
//! [`VecOp::Crypto`]s, which the backend may run inline with that helper as
//! the exact fallback.

use super::{call, Args};
use crate::arm64::encodings::crypto::Op;
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::{Ctx, TResult};
use crate::ir::{CryptoOp, HelperFn, VecOp};

mod aes;
mod sha;
mod sm;

pub use aes::clmul64;

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    let field = |c| if f.has(c) { f.u(c) } else { 0 };
    let args = Args {
        d: f.u('d'),
        n: f.u('n'),
        m: field('m'),
        // Ra of the four-register forms, or imm2 / imm6.
        imm: field('a') | field('i'),
        ..Args::default()
    };
    match inline_form(op, &args) {
        Some(c) => {
            let vop = VecOp::Crypto {
                op: c,
                vm: args.m as u8,
            };
            super::vec_op(cx, vop, &args, helper_for(op));
        }
        None => {
            call(cx, helper_for(op), args, &[]);
        }
    }
    Ok(())
}

/// The [`CryptoOp`] of the instructions the backend may run inline (its
/// helper stays the exact definition); SM3SS1, SM3TT* and SM4 always call
/// it.
fn inline_form(op: Op, a: &Args) -> Option<CryptoOp> {
    Some(match op {
        Op::AESE => CryptoOp::Aese,
        Op::AESD => CryptoOp::Aesd,
        Op::AESMC => CryptoOp::Aesmc,
        Op::AESIMC => CryptoOp::Aesimc,
        Op::SHA1C => CryptoOp::Sha1c,
        Op::SHA1P => CryptoOp::Sha1p,
        Op::SHA1M => CryptoOp::Sha1m,
        Op::SHA1H => CryptoOp::Sha1h,
        Op::SHA1SU0 => CryptoOp::Sha1su0,
        Op::SHA1SU1 => CryptoOp::Sha1su1,
        Op::SHA256H => CryptoOp::Sha256h,
        Op::SHA256H2 => CryptoOp::Sha256h2,
        Op::SHA256SU0 => CryptoOp::Sha256su0,
        Op::SHA256SU1 => CryptoOp::Sha256su1,
        Op::EOR3 => CryptoOp::Eor3 { va: a.imm as u8 },
        Op::BCAX => CryptoOp::Bcax { va: a.imm as u8 },
        Op::RAX1 => CryptoOp::Rax1,
        Op::XAR => CryptoOp::Xar { imm: a.imm as u8 },
        Op::SHA512H => CryptoOp::Sha512h,
        Op::SHA512H2 => CryptoOp::Sha512h2,
        Op::SHA512SU0 => CryptoOp::Sha512su0,
        Op::SHA512SU1 => CryptoOp::Sha512su1,
        Op::SM3PARTW1 => CryptoOp::Sm3partw1,
        Op::SM3PARTW2 => CryptoOp::Sm3partw2,
        _ => return None,
    })
}

/// Whether the fourth operand is the register Va (else the immediate).
const fn reads_va(op: Op) -> bool {
    matches!(op, Op::EOR3 | Op::BCAX | Op::SM3SS1)
}

/// Per 64-bit lane of two vectors.
fn lanes64(a: u128, b: u128, f: impl Fn(u64, u64) -> u64) -> u128 {
    (f((a >> 64) as u64, (b >> 64) as u64) as u128) << 64 | f(a as u64, b as u64) as u128
}

/// Declares each instruction's new Vd as an expression of the old Vd, Vn,
/// Vm and `x` (Va's value for the four-register forms, else the
/// immediate), and makes one helper per instruction from it
/// ([`helper_for`]).
macro_rules! crypto_ops {
    (($d:ident, $n:ident, $m:ident, $x:ident) $($op:ident => $e:expr;)*) => {
        /// The helper of `op`: its arguments packed by [`translate`].
        fn helper_for(op: Op) -> HelperFn {
            match op {
                $(Op::$op => {
                    #[allow(unused_variables)]
                    unsafe extern "C" fn h(cpu: *mut CpuState, p: u64, _: u64, _: u64, _: u64) -> u64 {
                        let a = Args::unpack(p);
                        // SAFETY: called by translated code with its own state.
                        let cpu = unsafe { super::cpu(cpu) };
                        let v = &mut cpu.v;
                        let $x = if reads_va(Op::$op) { v[a.imm as usize] } else { a.imm as u128 };
                        let ($d, $n, $m) = (v[a.d as usize], v[a.n as usize], v[a.m as usize]);
                        v[a.d as usize] = $e;
                        0
                    }
                    h
                })*
            }
        }
    };
}

crypto_ops! {
    (d, n, m, x)
    AESE => aes::aese(d, n);
    AESD => aes::aesd(d, n);
    AESMC => aes::aesmc(n);
    AESIMC => aes::aesimc(n);
    SHA1C => sha::sha1_hash(sha::Sha1::C, d, n, m);
    SHA1P => sha::sha1_hash(sha::Sha1::P, d, n, m);
    SHA1M => sha::sha1_hash(sha::Sha1::M, d, n, m);
    SHA1SU0 => sha::sha1su0(d, n, m);
    SHA1H => sha::sha1h(n);
    SHA1SU1 => sha::sha1su1(d, n);
    SHA256H => sha::sha256_hash(d, n, m, true);
    SHA256H2 => sha::sha256_hash(n, d, m, false);
    SHA256SU0 => sha::sha256su0(d, n);
    SHA256SU1 => sha::sha256su1(d, n, m);
    SHA512H => sha::sha512h(d, n, m);
    SHA512H2 => sha::sha512h2(d, n, m);
    SHA512SU0 => sha::sha512su0(d, n);
    SHA512SU1 => sha::sha512su1(d, n, m);
    EOR3 => n ^ m ^ x;
    BCAX => n ^ (m & !x);
    RAX1 => lanes64(n, m, |a, b| a ^ b.rotate_left(1));
    XAR => lanes64(n, m, |a, b| (a ^ b).rotate_right(x as u32));
    SM3SS1 => sm::sm3ss1(n, m, x);
    SM3TT1A => sm::sm3tt(sm::Tt::T1A, d, n, m, x as u32);
    SM3TT1B => sm::sm3tt(sm::Tt::T1B, d, n, m, x as u32);
    SM3TT2A => sm::sm3tt(sm::Tt::T2A, d, n, m, x as u32);
    SM3TT2B => sm::sm3tt(sm::Tt::T2B, d, n, m, x as u32);
    SM3PARTW1 => sm::sm3partw1(d, n, m);
    SM3PARTW2 => sm::sm3partw2(d, n, m);
    SM4E => sm::sm4e(d, n);
    SM4EKEY => sm::sm4ekey(n, m);
}
