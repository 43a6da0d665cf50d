//! The fixed-point conversions FCVTZS/FCVTZU and SCVTF/UCVTF #fbits on
//! single and double lanes (vector and scalar SIMD), which run inline as a
//! `VecOp::Fp` (`emit_vec_fixed`): every arrangement, the smallest, a
//! middle and the largest fraction-bit count, with the destination apart
//! from and equal to the source, each translated without a helper call
//! and run alone from 400 random states, then in random blocks with other
//! instructions between, under the interpreter (the exact helper) and as
//! x86-64 code before and after the passes, with the lanes (integers at
//! the limits among them), FPCR, FPSR and NZCV of `vec_round`.

use super::vec_round::{check, fp_words_inline};

/// From aarch64-linux-gnu-as.
const WORDS: [u32; 52] = [
    0x0f3ffc41, // fcvtzs v1.2s, v2.2s, #1
    0x0f20fc42, // fcvtzs v2.2s, v2.2s, #32
    0x4f39fc41, // fcvtzs v1.4s, v2.4s, #7
    0x4f21fc42, // fcvtzs v2.4s, v2.4s, #31
    0x4f7ffc41, // fcvtzs v1.2d, v2.2d, #1
    0x4f40fc42, // fcvtzs v2.2d, v2.2d, #64
    0x4f5ffc41, // fcvtzs v1.2d, v2.2d, #33
    0x5f3ffc41, // fcvtzs s1, s2, #1
    0x5f20fc42, // fcvtzs s2, s2, #32
    0x5f30fc41, // fcvtzs s1, s2, #16
    0x5f7ffc41, // fcvtzs d1, d2, #1
    0x5f40fc42, // fcvtzs d2, d2, #64
    0x5f6cfc41, // fcvtzs d1, d2, #20
    0x2f3ffc41, // fcvtzu v1.2s, v2.2s, #1
    0x2f20fc42, // fcvtzu v2.2s, v2.2s, #32
    0x6f39fc41, // fcvtzu v1.4s, v2.4s, #7
    0x6f21fc42, // fcvtzu v2.4s, v2.4s, #31
    0x6f7ffc41, // fcvtzu v1.2d, v2.2d, #1
    0x6f40fc42, // fcvtzu v2.2d, v2.2d, #64
    0x6f5ffc41, // fcvtzu v1.2d, v2.2d, #33
    0x7f3ffc41, // fcvtzu s1, s2, #1
    0x7f20fc42, // fcvtzu s2, s2, #32
    0x7f30fc41, // fcvtzu s1, s2, #16
    0x7f7ffc41, // fcvtzu d1, d2, #1
    0x7f40fc42, // fcvtzu d2, d2, #64
    0x7f6cfc41, // fcvtzu d1, d2, #20
    0x0f3fe441, // scvtf v1.2s, v2.2s, #1
    0x0f20e442, // scvtf v2.2s, v2.2s, #32
    0x4f39e441, // scvtf v1.4s, v2.4s, #7
    0x4f21e442, // scvtf v2.4s, v2.4s, #31
    0x4f7fe441, // scvtf v1.2d, v2.2d, #1
    0x4f40e442, // scvtf v2.2d, v2.2d, #64
    0x4f5fe441, // scvtf v1.2d, v2.2d, #33
    0x5f3fe441, // scvtf s1, s2, #1
    0x5f20e442, // scvtf s2, s2, #32
    0x5f30e441, // scvtf s1, s2, #16
    0x5f7fe441, // scvtf d1, d2, #1
    0x5f40e442, // scvtf d2, d2, #64
    0x5f6ce441, // scvtf d1, d2, #20
    0x2f3fe441, // ucvtf v1.2s, v2.2s, #1
    0x2f20e442, // ucvtf v2.2s, v2.2s, #32
    0x6f39e441, // ucvtf v1.4s, v2.4s, #7
    0x6f21e442, // ucvtf v2.4s, v2.4s, #31
    0x6f7fe441, // ucvtf v1.2d, v2.2d, #1
    0x6f40e442, // ucvtf v2.2d, v2.2d, #64
    0x6f5fe441, // ucvtf v1.2d, v2.2d, #33
    0x7f3fe441, // ucvtf s1, s2, #1
    0x7f20e442, // ucvtf s2, s2, #32
    0x7f30e441, // ucvtf s1, s2, #16
    0x7f7fe441, // ucvtf d1, d2, #1
    0x7f40e442, // ucvtf d2, d2, #64
    0x7f6ce441, // ucvtf d1, d2, #20
];

#[test]
fn fixed_point_conversions_run_inline_and_match_the_helpers() {
    fp_words_inline(0xf7, &WORDS, 400, check);
}
