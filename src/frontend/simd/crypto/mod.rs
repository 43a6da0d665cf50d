//! The cryptographic extension: FEAT_AES, FEAT_SHA1, FEAT_SHA256,
//! FEAT_SHA512, FEAT_SHA3, FEAT_SM3 and FEAT_SM4 (the encodings are
//! [`crate::arm64::encodings::crypto`]; PMULL .1Q is in the three-different
//! class and uses [`clmul64`]). Every instruction is one helper call that
//! reads Vd, Vn, Vm (and Va) and writes the whole of Vd.

use super::{call, Args};
use crate::arm64::encodings::crypto::{Op, TABLE};
use crate::arm64::Fields;
use crate::cpu::CpuState;
use crate::frontend::{Ctx, TResult};

mod aes;
mod sha;
mod sm;

pub use aes::clmul64;

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    let kind = TABLE
        .iter()
        .position(|&(o, _, _)| o == op)
        .expect("op comes from the table") as u32;
    let field = |c| if f.has(c) { f.u(c) } else { 0 };
    // Ra of the four-register forms, or imm2 / imm6.
    let imm = field('a') | field('i');
    let args = Args {
        kind,
        d: f.u('d'),
        n: f.u('n'),
        m: field('m'),
        imm,
        ..Args::default()
    };
    call(cx, helper, args, &[]);
    Ok(())
}

/// Executes the instruction packed in `p` on the state `cpu`.
unsafe extern "C" fn helper(cpu: *mut CpuState, p: u64, _: u64, _: u64, _: u64) -> u64 {
    let a = Args::unpack(p);
    let op = TABLE[a.kind as usize].0;
    // SAFETY: called by translated code with its own state.
    let cpu = unsafe { super::cpu(cpu) };
    let v = |r: u32| cpu.v[r as usize];
    let imm = match op {
        Op::EOR3 | Op::BCAX | Op::SM3SS1 => v(a.imm),
        _ => a.imm as u128,
    };
    cpu.v[a.d as usize] = compute(op, v(a.d), v(a.n), v(a.m), imm);
    0
}

/// Per 64-bit lane of two vectors.
fn lanes64(a: u128, b: u128, f: impl Fn(u64, u64) -> u64) -> u128 {
    (f((a >> 64) as u64, (b >> 64) as u64) as u128) << 64 | f(a as u64, b as u64) as u128
}

/// The new Vd of instruction `op` from the old Vd, Vn, Vm and `imm` (Va's
/// value for the four-register forms, else the immediate).
pub fn compute(op: Op, d: u128, n: u128, m: u128, imm: u128) -> u128 {
    use sha::Sha1;
    use sm::Tt;
    match op {
        Op::AESE => aes::aese(d, n),
        Op::AESD => aes::aesd(d, n),
        Op::AESMC => aes::aesmc(n),
        Op::AESIMC => aes::aesimc(n),
        Op::SHA1C => sha::sha1_hash(Sha1::C, d, n, m),
        Op::SHA1P => sha::sha1_hash(Sha1::P, d, n, m),
        Op::SHA1M => sha::sha1_hash(Sha1::M, d, n, m),
        Op::SHA1SU0 => sha::sha1su0(d, n, m),
        Op::SHA256H => sha::sha256_hash(d, n, m, true),
        Op::SHA256H2 => sha::sha256_hash(n, d, m, false),
        Op::SHA256SU1 => sha::sha256su1(d, n, m),
        Op::SHA1H => sha::sha1h(n),
        Op::SHA1SU1 => sha::sha1su1(d, n),
        Op::SHA256SU0 => sha::sha256su0(d, n),
        Op::SHA512H => sha::sha512h(d, n, m),
        Op::SHA512H2 => sha::sha512h2(d, n, m),
        Op::SHA512SU1 => sha::sha512su1(d, n, m),
        Op::SHA512SU0 => sha::sha512su0(d, n),
        Op::RAX1 => lanes64(n, m, |x, y| x ^ y.rotate_left(1)),
        Op::EOR3 => n ^ m ^ imm,
        Op::BCAX => n ^ (m & !imm),
        Op::XAR => lanes64(n, m, |x, y| (x ^ y).rotate_right(imm as u32)),
        Op::SM3PARTW1 => sm::sm3partw1(d, n, m),
        Op::SM3PARTW2 => sm::sm3partw2(d, n, m),
        Op::SM3SS1 => sm::sm3ss1(n, m, imm),
        Op::SM3TT1A => sm::sm3tt(Tt::T1A, d, n, m, imm as u32),
        Op::SM3TT1B => sm::sm3tt(Tt::T1B, d, n, m, imm as u32),
        Op::SM3TT2A => sm::sm3tt(Tt::T2A, d, n, m, imm as u32),
        Op::SM3TT2B => sm::sm3tt(Tt::T2B, d, n, m, imm as u32),
        Op::SM4E => sm::sm4e(d, n),
        Op::SM4EKEY => sm::sm4ekey(n, m),
    }
}
