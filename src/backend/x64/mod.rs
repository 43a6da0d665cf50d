//! x86-64 backend: register allocation and code emission with dynasmrt.

// dynasm!'s register operands expand to `.into()` calls on plain u8s.
#![allow(clippy::useless_conversion)]

mod addr_fold;
mod asm;
pub mod disasm;
mod emit;
mod emit_alu;
mod emit_bf16;
mod emit_bf16_dot;
mod emit_check;
mod emit_crc;
mod emit_crypto;
mod emit_dot;
mod emit_fcache;
mod emit_fp;
mod emit_fp_round;
mod emit_half;
mod emit_half_cvt;
mod emit_half_reduce;
mod emit_jscvt;
mod emit_loop;
mod emit_mem;
mod emit_mem_tlb;
mod emit_nzcv;
mod emit_qdmulh;
mod emit_qdmull;
mod emit_select;
mod emit_sm3;
mod emit_term;
mod emit_tier;
mod emit_vcache;
mod emit_vec;
mod emit_vec_avx;
mod emit_vec_est;
mod emit_vec_fixed;
mod emit_vec_fmulx;
mod emit_vec_fp;
mod emit_vec_imm;
mod emit_vec_misc;
mod emit_vec_perm;
mod emit_vec_round;
mod emit_vec_sat;
mod emit_vec_shl8;
mod emit_vec_struct;
mod emit_vec_widen;
mod emit_vloop;
pub mod regalloc;
pub mod trampoline;

pub use emit::{compile, Compiled, Env, Tier};
