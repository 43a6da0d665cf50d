//! The single- and double-precision lane operations that run inline as a
//! `VecOp::Fp` (`emit_vec_fp`): FMAX, FMIN, FMAXNM, FMINNM, their pairwise
//! forms FMAXP, FMINP, FMAXNMP, FMINNMP, FABD, FCMEQ,
//! FCMGE, FCMGT, FACGE, FACGT (vector and scalar), the compares with zero,
//! FRINTN/P/M/Z/I/X, FCVTNS/NU/PS/PU/MS/MU/ZS/ZU (vector and scalar), SCVTF
//! and UCVTF, FMULX, FRECPS and FRSQRTS (vector and scalar): every arrangement, with the destination
//! apart from and equal to the sources, each translated without a helper
//! call and run alone from 300 random states, then in random blocks with
//! other instructions between, under the interpreter (the exact helpers)
//! and as x86-64 code before and after the passes. Lanes are biased to
//! what the inline forms must get right or hand over: ±0, subnormals, the
//! smallest and largest normals, infinities, quiet and signalling NaNs with
//! payloads, halfway values, integers at and beyond the 32- and 64-bit
//! limits; FPCR is random among the rounding modes, FZ and DN (default
//! half the time). Results, FPSR and FPCR must agree exactly.

use super::vec_ops::{block_of, run_vectors_with, MIXED};
use super::*;
use emu::ir::{Op, VecOp};

/// From aarch64-linux-gnu-as.
const WORDS: [u32; 402] = [
    0x0e23f441, // fmax v1.2s, v2.2s, v3.2s
    0x0e23f442, // fmax v2.2s, v2.2s, v3.2s
    0x0e23f443, // fmax v3.2s, v2.2s, v3.2s
    0x0e22f442, // fmax v2.2s, v2.2s, v2.2s
    0x4e23f441, // fmax v1.4s, v2.4s, v3.4s
    0x4e23f442, // fmax v2.4s, v2.4s, v3.4s
    0x4e23f443, // fmax v3.4s, v2.4s, v3.4s
    0x4e22f442, // fmax v2.4s, v2.4s, v2.4s
    0x4e63f441, // fmax v1.2d, v2.2d, v3.2d
    0x4e63f442, // fmax v2.2d, v2.2d, v3.2d
    0x4e63f443, // fmax v3.2d, v2.2d, v3.2d
    0x4e62f442, // fmax v2.2d, v2.2d, v2.2d
    0x0ea3f441, // fmin v1.2s, v2.2s, v3.2s
    0x0ea3f442, // fmin v2.2s, v2.2s, v3.2s
    0x0ea3f443, // fmin v3.2s, v2.2s, v3.2s
    0x0ea2f442, // fmin v2.2s, v2.2s, v2.2s
    0x4ea3f441, // fmin v1.4s, v2.4s, v3.4s
    0x4ea3f442, // fmin v2.4s, v2.4s, v3.4s
    0x4ea3f443, // fmin v3.4s, v2.4s, v3.4s
    0x4ea2f442, // fmin v2.4s, v2.4s, v2.4s
    0x4ee3f441, // fmin v1.2d, v2.2d, v3.2d
    0x4ee3f442, // fmin v2.2d, v2.2d, v3.2d
    0x4ee3f443, // fmin v3.2d, v2.2d, v3.2d
    0x4ee2f442, // fmin v2.2d, v2.2d, v2.2d
    0x0e23c441, // fmaxnm v1.2s, v2.2s, v3.2s
    0x0e23c442, // fmaxnm v2.2s, v2.2s, v3.2s
    0x0e23c443, // fmaxnm v3.2s, v2.2s, v3.2s
    0x0e22c442, // fmaxnm v2.2s, v2.2s, v2.2s
    0x4e23c441, // fmaxnm v1.4s, v2.4s, v3.4s
    0x4e23c442, // fmaxnm v2.4s, v2.4s, v3.4s
    0x4e23c443, // fmaxnm v3.4s, v2.4s, v3.4s
    0x4e22c442, // fmaxnm v2.4s, v2.4s, v2.4s
    0x4e63c441, // fmaxnm v1.2d, v2.2d, v3.2d
    0x4e63c442, // fmaxnm v2.2d, v2.2d, v3.2d
    0x4e63c443, // fmaxnm v3.2d, v2.2d, v3.2d
    0x4e62c442, // fmaxnm v2.2d, v2.2d, v2.2d
    0x0ea3c441, // fminnm v1.2s, v2.2s, v3.2s
    0x0ea3c442, // fminnm v2.2s, v2.2s, v3.2s
    0x0ea3c443, // fminnm v3.2s, v2.2s, v3.2s
    0x0ea2c442, // fminnm v2.2s, v2.2s, v2.2s
    0x4ea3c441, // fminnm v1.4s, v2.4s, v3.4s
    0x4ea3c442, // fminnm v2.4s, v2.4s, v3.4s
    0x4ea3c443, // fminnm v3.4s, v2.4s, v3.4s
    0x4ea2c442, // fminnm v2.4s, v2.4s, v2.4s
    0x4ee3c441, // fminnm v1.2d, v2.2d, v3.2d
    0x4ee3c442, // fminnm v2.2d, v2.2d, v3.2d
    0x4ee3c443, // fminnm v3.2d, v2.2d, v3.2d
    0x4ee2c442, // fminnm v2.2d, v2.2d, v2.2d
    0x2ea3d441, // fabd v1.2s, v2.2s, v3.2s
    0x2ea3d442, // fabd v2.2s, v2.2s, v3.2s
    0x2ea3d443, // fabd v3.2s, v2.2s, v3.2s
    0x2ea2d442, // fabd v2.2s, v2.2s, v2.2s
    0x6ea3d441, // fabd v1.4s, v2.4s, v3.4s
    0x6ea3d442, // fabd v2.4s, v2.4s, v3.4s
    0x6ea3d443, // fabd v3.4s, v2.4s, v3.4s
    0x6ea2d442, // fabd v2.4s, v2.4s, v2.4s
    0x6ee3d441, // fabd v1.2d, v2.2d, v3.2d
    0x6ee3d442, // fabd v2.2d, v2.2d, v3.2d
    0x6ee3d443, // fabd v3.2d, v2.2d, v3.2d
    0x6ee2d442, // fabd v2.2d, v2.2d, v2.2d
    0x0e23e441, // fcmeq v1.2s, v2.2s, v3.2s
    0x0e23e442, // fcmeq v2.2s, v2.2s, v3.2s
    0x0e23e443, // fcmeq v3.2s, v2.2s, v3.2s
    0x0e22e442, // fcmeq v2.2s, v2.2s, v2.2s
    0x4e23e441, // fcmeq v1.4s, v2.4s, v3.4s
    0x4e23e442, // fcmeq v2.4s, v2.4s, v3.4s
    0x4e23e443, // fcmeq v3.4s, v2.4s, v3.4s
    0x4e22e442, // fcmeq v2.4s, v2.4s, v2.4s
    0x4e63e441, // fcmeq v1.2d, v2.2d, v3.2d
    0x4e63e442, // fcmeq v2.2d, v2.2d, v3.2d
    0x4e63e443, // fcmeq v3.2d, v2.2d, v3.2d
    0x4e62e442, // fcmeq v2.2d, v2.2d, v2.2d
    0x2e23e441, // fcmge v1.2s, v2.2s, v3.2s
    0x2e23e442, // fcmge v2.2s, v2.2s, v3.2s
    0x2e23e443, // fcmge v3.2s, v2.2s, v3.2s
    0x2e22e442, // fcmge v2.2s, v2.2s, v2.2s
    0x6e23e441, // fcmge v1.4s, v2.4s, v3.4s
    0x6e23e442, // fcmge v2.4s, v2.4s, v3.4s
    0x6e23e443, // fcmge v3.4s, v2.4s, v3.4s
    0x6e22e442, // fcmge v2.4s, v2.4s, v2.4s
    0x6e63e441, // fcmge v1.2d, v2.2d, v3.2d
    0x6e63e442, // fcmge v2.2d, v2.2d, v3.2d
    0x6e63e443, // fcmge v3.2d, v2.2d, v3.2d
    0x6e62e442, // fcmge v2.2d, v2.2d, v2.2d
    0x2ea3e441, // fcmgt v1.2s, v2.2s, v3.2s
    0x2ea3e442, // fcmgt v2.2s, v2.2s, v3.2s
    0x2ea3e443, // fcmgt v3.2s, v2.2s, v3.2s
    0x2ea2e442, // fcmgt v2.2s, v2.2s, v2.2s
    0x6ea3e441, // fcmgt v1.4s, v2.4s, v3.4s
    0x6ea3e442, // fcmgt v2.4s, v2.4s, v3.4s
    0x6ea3e443, // fcmgt v3.4s, v2.4s, v3.4s
    0x6ea2e442, // fcmgt v2.4s, v2.4s, v2.4s
    0x6ee3e441, // fcmgt v1.2d, v2.2d, v3.2d
    0x6ee3e442, // fcmgt v2.2d, v2.2d, v3.2d
    0x6ee3e443, // fcmgt v3.2d, v2.2d, v3.2d
    0x6ee2e442, // fcmgt v2.2d, v2.2d, v2.2d
    0x2e23ec41, // facge v1.2s, v2.2s, v3.2s
    0x2e23ec42, // facge v2.2s, v2.2s, v3.2s
    0x2e23ec43, // facge v3.2s, v2.2s, v3.2s
    0x2e22ec42, // facge v2.2s, v2.2s, v2.2s
    0x6e23ec41, // facge v1.4s, v2.4s, v3.4s
    0x6e23ec42, // facge v2.4s, v2.4s, v3.4s
    0x6e23ec43, // facge v3.4s, v2.4s, v3.4s
    0x6e22ec42, // facge v2.4s, v2.4s, v2.4s
    0x6e63ec41, // facge v1.2d, v2.2d, v3.2d
    0x6e63ec42, // facge v2.2d, v2.2d, v3.2d
    0x6e63ec43, // facge v3.2d, v2.2d, v3.2d
    0x6e62ec42, // facge v2.2d, v2.2d, v2.2d
    0x2ea3ec41, // facgt v1.2s, v2.2s, v3.2s
    0x2ea3ec42, // facgt v2.2s, v2.2s, v3.2s
    0x2ea3ec43, // facgt v3.2s, v2.2s, v3.2s
    0x2ea2ec42, // facgt v2.2s, v2.2s, v2.2s
    0x6ea3ec41, // facgt v1.4s, v2.4s, v3.4s
    0x6ea3ec42, // facgt v2.4s, v2.4s, v3.4s
    0x6ea3ec43, // facgt v3.4s, v2.4s, v3.4s
    0x6ea2ec42, // facgt v2.4s, v2.4s, v2.4s
    0x6ee3ec41, // facgt v1.2d, v2.2d, v3.2d
    0x6ee3ec42, // facgt v2.2d, v2.2d, v3.2d
    0x6ee3ec43, // facgt v3.2d, v2.2d, v3.2d
    0x6ee2ec42, // facgt v2.2d, v2.2d, v2.2d
    0x7ea3d441, // fabd s1, s2, s3
    0x7ea3d442, // fabd s2, s2, s3
    0x7ea3d443, // fabd s3, s2, s3
    0x7ea2d442, // fabd s2, s2, s2
    0x7ee3d441, // fabd d1, d2, d3
    0x7ee3d442, // fabd d2, d2, d3
    0x7ee3d443, // fabd d3, d2, d3
    0x7ee2d442, // fabd d2, d2, d2
    0x5e23e441, // fcmeq s1, s2, s3
    0x5e23e442, // fcmeq s2, s2, s3
    0x5e23e443, // fcmeq s3, s2, s3
    0x5e22e442, // fcmeq s2, s2, s2
    0x5e63e441, // fcmeq d1, d2, d3
    0x5e63e442, // fcmeq d2, d2, d3
    0x5e63e443, // fcmeq d3, d2, d3
    0x5e62e442, // fcmeq d2, d2, d2
    0x7e23e441, // fcmge s1, s2, s3
    0x7e23e442, // fcmge s2, s2, s3
    0x7e23e443, // fcmge s3, s2, s3
    0x7e22e442, // fcmge s2, s2, s2
    0x7e63e441, // fcmge d1, d2, d3
    0x7e63e442, // fcmge d2, d2, d3
    0x7e63e443, // fcmge d3, d2, d3
    0x7e62e442, // fcmge d2, d2, d2
    0x7ea3e441, // fcmgt s1, s2, s3
    0x7ea3e442, // fcmgt s2, s2, s3
    0x7ea3e443, // fcmgt s3, s2, s3
    0x7ea2e442, // fcmgt s2, s2, s2
    0x7ee3e441, // fcmgt d1, d2, d3
    0x7ee3e442, // fcmgt d2, d2, d3
    0x7ee3e443, // fcmgt d3, d2, d3
    0x7ee2e442, // fcmgt d2, d2, d2
    0x7e23ec41, // facge s1, s2, s3
    0x7e23ec42, // facge s2, s2, s3
    0x7e23ec43, // facge s3, s2, s3
    0x7e22ec42, // facge s2, s2, s2
    0x7e63ec41, // facge d1, d2, d3
    0x7e63ec42, // facge d2, d2, d3
    0x7e63ec43, // facge d3, d2, d3
    0x7e62ec42, // facge d2, d2, d2
    0x7ea3ec41, // facgt s1, s2, s3
    0x7ea3ec42, // facgt s2, s2, s3
    0x7ea3ec43, // facgt s3, s2, s3
    0x7ea2ec42, // facgt s2, s2, s2
    0x7ee3ec41, // facgt d1, d2, d3
    0x7ee3ec42, // facgt d2, d2, d3
    0x7ee3ec43, // facgt d3, d2, d3
    0x7ee2ec42, // facgt d2, d2, d2
    0x0ea0d841, // fcmeq v1.2s, v2.2s, #0.0
    0x0ea0d842, // fcmeq v2.2s, v2.2s, #0.0
    0x4ea0d841, // fcmeq v1.4s, v2.4s, #0.0
    0x4ea0d842, // fcmeq v2.4s, v2.4s, #0.0
    0x4ee0d841, // fcmeq v1.2d, v2.2d, #0.0
    0x4ee0d842, // fcmeq v2.2d, v2.2d, #0.0
    0x5ea0d841, // fcmeq s1, s2, #0.0
    0x5ea0d842, // fcmeq s2, s2, #0.0
    0x5ee0d841, // fcmeq d1, d2, #0.0
    0x5ee0d842, // fcmeq d2, d2, #0.0
    0x2ea0c841, // fcmge v1.2s, v2.2s, #0.0
    0x2ea0c842, // fcmge v2.2s, v2.2s, #0.0
    0x6ea0c841, // fcmge v1.4s, v2.4s, #0.0
    0x6ea0c842, // fcmge v2.4s, v2.4s, #0.0
    0x6ee0c841, // fcmge v1.2d, v2.2d, #0.0
    0x6ee0c842, // fcmge v2.2d, v2.2d, #0.0
    0x7ea0c841, // fcmge s1, s2, #0.0
    0x7ea0c842, // fcmge s2, s2, #0.0
    0x7ee0c841, // fcmge d1, d2, #0.0
    0x7ee0c842, // fcmge d2, d2, #0.0
    0x0ea0c841, // fcmgt v1.2s, v2.2s, #0.0
    0x0ea0c842, // fcmgt v2.2s, v2.2s, #0.0
    0x4ea0c841, // fcmgt v1.4s, v2.4s, #0.0
    0x4ea0c842, // fcmgt v2.4s, v2.4s, #0.0
    0x4ee0c841, // fcmgt v1.2d, v2.2d, #0.0
    0x4ee0c842, // fcmgt v2.2d, v2.2d, #0.0
    0x5ea0c841, // fcmgt s1, s2, #0.0
    0x5ea0c842, // fcmgt s2, s2, #0.0
    0x5ee0c841, // fcmgt d1, d2, #0.0
    0x5ee0c842, // fcmgt d2, d2, #0.0
    0x2ea0d841, // fcmle v1.2s, v2.2s, #0.0
    0x2ea0d842, // fcmle v2.2s, v2.2s, #0.0
    0x6ea0d841, // fcmle v1.4s, v2.4s, #0.0
    0x6ea0d842, // fcmle v2.4s, v2.4s, #0.0
    0x6ee0d841, // fcmle v1.2d, v2.2d, #0.0
    0x6ee0d842, // fcmle v2.2d, v2.2d, #0.0
    0x7ea0d841, // fcmle s1, s2, #0.0
    0x7ea0d842, // fcmle s2, s2, #0.0
    0x7ee0d841, // fcmle d1, d2, #0.0
    0x7ee0d842, // fcmle d2, d2, #0.0
    0x0ea0e841, // fcmlt v1.2s, v2.2s, #0.0
    0x0ea0e842, // fcmlt v2.2s, v2.2s, #0.0
    0x4ea0e841, // fcmlt v1.4s, v2.4s, #0.0
    0x4ea0e842, // fcmlt v2.4s, v2.4s, #0.0
    0x4ee0e841, // fcmlt v1.2d, v2.2d, #0.0
    0x4ee0e842, // fcmlt v2.2d, v2.2d, #0.0
    0x5ea0e841, // fcmlt s1, s2, #0.0
    0x5ea0e842, // fcmlt s2, s2, #0.0
    0x5ee0e841, // fcmlt d1, d2, #0.0
    0x5ee0e842, // fcmlt d2, d2, #0.0
    0x0e218841, // frintn v1.2s, v2.2s
    0x0e218842, // frintn v2.2s, v2.2s
    0x4e218841, // frintn v1.4s, v2.4s
    0x4e218842, // frintn v2.4s, v2.4s
    0x4e618841, // frintn v1.2d, v2.2d
    0x4e618842, // frintn v2.2d, v2.2d
    0x0ea18841, // frintp v1.2s, v2.2s
    0x0ea18842, // frintp v2.2s, v2.2s
    0x4ea18841, // frintp v1.4s, v2.4s
    0x4ea18842, // frintp v2.4s, v2.4s
    0x4ee18841, // frintp v1.2d, v2.2d
    0x4ee18842, // frintp v2.2d, v2.2d
    0x0e219841, // frintm v1.2s, v2.2s
    0x0e219842, // frintm v2.2s, v2.2s
    0x4e219841, // frintm v1.4s, v2.4s
    0x4e219842, // frintm v2.4s, v2.4s
    0x4e619841, // frintm v1.2d, v2.2d
    0x4e619842, // frintm v2.2d, v2.2d
    0x0ea19841, // frintz v1.2s, v2.2s
    0x0ea19842, // frintz v2.2s, v2.2s
    0x4ea19841, // frintz v1.4s, v2.4s
    0x4ea19842, // frintz v2.4s, v2.4s
    0x4ee19841, // frintz v1.2d, v2.2d
    0x4ee19842, // frintz v2.2d, v2.2d
    0x2ea19841, // frinti v1.2s, v2.2s
    0x2ea19842, // frinti v2.2s, v2.2s
    0x6ea19841, // frinti v1.4s, v2.4s
    0x6ea19842, // frinti v2.4s, v2.4s
    0x6ee19841, // frinti v1.2d, v2.2d
    0x6ee19842, // frinti v2.2d, v2.2d
    0x2e219841, // frintx v1.2s, v2.2s
    0x2e219842, // frintx v2.2s, v2.2s
    0x6e219841, // frintx v1.4s, v2.4s
    0x6e219842, // frintx v2.4s, v2.4s
    0x6e619841, // frintx v1.2d, v2.2d
    0x6e619842, // frintx v2.2d, v2.2d
    0x0e21a841, // fcvtns v1.2s, v2.2s
    0x0e21a842, // fcvtns v2.2s, v2.2s
    0x4e21a841, // fcvtns v1.4s, v2.4s
    0x4e21a842, // fcvtns v2.4s, v2.4s
    0x4e61a841, // fcvtns v1.2d, v2.2d
    0x4e61a842, // fcvtns v2.2d, v2.2d
    0x5e21a841, // fcvtns s1, s2
    0x5e21a842, // fcvtns s2, s2
    0x5e61a841, // fcvtns d1, d2
    0x5e61a842, // fcvtns d2, d2
    0x2e21a841, // fcvtnu v1.2s, v2.2s
    0x2e21a842, // fcvtnu v2.2s, v2.2s
    0x6e21a841, // fcvtnu v1.4s, v2.4s
    0x6e21a842, // fcvtnu v2.4s, v2.4s
    0x6e61a841, // fcvtnu v1.2d, v2.2d
    0x6e61a842, // fcvtnu v2.2d, v2.2d
    0x7e21a841, // fcvtnu s1, s2
    0x7e21a842, // fcvtnu s2, s2
    0x7e61a841, // fcvtnu d1, d2
    0x7e61a842, // fcvtnu d2, d2
    0x0ea1a841, // fcvtps v1.2s, v2.2s
    0x0ea1a842, // fcvtps v2.2s, v2.2s
    0x4ea1a841, // fcvtps v1.4s, v2.4s
    0x4ea1a842, // fcvtps v2.4s, v2.4s
    0x4ee1a841, // fcvtps v1.2d, v2.2d
    0x4ee1a842, // fcvtps v2.2d, v2.2d
    0x5ea1a841, // fcvtps s1, s2
    0x5ea1a842, // fcvtps s2, s2
    0x5ee1a841, // fcvtps d1, d2
    0x5ee1a842, // fcvtps d2, d2
    0x2ea1a841, // fcvtpu v1.2s, v2.2s
    0x2ea1a842, // fcvtpu v2.2s, v2.2s
    0x6ea1a841, // fcvtpu v1.4s, v2.4s
    0x6ea1a842, // fcvtpu v2.4s, v2.4s
    0x6ee1a841, // fcvtpu v1.2d, v2.2d
    0x6ee1a842, // fcvtpu v2.2d, v2.2d
    0x7ea1a841, // fcvtpu s1, s2
    0x7ea1a842, // fcvtpu s2, s2
    0x7ee1a841, // fcvtpu d1, d2
    0x7ee1a842, // fcvtpu d2, d2
    0x0e21b841, // fcvtms v1.2s, v2.2s
    0x0e21b842, // fcvtms v2.2s, v2.2s
    0x4e21b841, // fcvtms v1.4s, v2.4s
    0x4e21b842, // fcvtms v2.4s, v2.4s
    0x4e61b841, // fcvtms v1.2d, v2.2d
    0x4e61b842, // fcvtms v2.2d, v2.2d
    0x5e21b841, // fcvtms s1, s2
    0x5e21b842, // fcvtms s2, s2
    0x5e61b841, // fcvtms d1, d2
    0x5e61b842, // fcvtms d2, d2
    0x2e21b841, // fcvtmu v1.2s, v2.2s
    0x2e21b842, // fcvtmu v2.2s, v2.2s
    0x6e21b841, // fcvtmu v1.4s, v2.4s
    0x6e21b842, // fcvtmu v2.4s, v2.4s
    0x6e61b841, // fcvtmu v1.2d, v2.2d
    0x6e61b842, // fcvtmu v2.2d, v2.2d
    0x7e21b841, // fcvtmu s1, s2
    0x7e21b842, // fcvtmu s2, s2
    0x7e61b841, // fcvtmu d1, d2
    0x7e61b842, // fcvtmu d2, d2
    0x0ea1b841, // fcvtzs v1.2s, v2.2s
    0x0ea1b842, // fcvtzs v2.2s, v2.2s
    0x4ea1b841, // fcvtzs v1.4s, v2.4s
    0x4ea1b842, // fcvtzs v2.4s, v2.4s
    0x4ee1b841, // fcvtzs v1.2d, v2.2d
    0x4ee1b842, // fcvtzs v2.2d, v2.2d
    0x5ea1b841, // fcvtzs s1, s2
    0x5ea1b842, // fcvtzs s2, s2
    0x5ee1b841, // fcvtzs d1, d2
    0x5ee1b842, // fcvtzs d2, d2
    0x2ea1b841, // fcvtzu v1.2s, v2.2s
    0x2ea1b842, // fcvtzu v2.2s, v2.2s
    0x6ea1b841, // fcvtzu v1.4s, v2.4s
    0x6ea1b842, // fcvtzu v2.4s, v2.4s
    0x6ee1b841, // fcvtzu v1.2d, v2.2d
    0x6ee1b842, // fcvtzu v2.2d, v2.2d
    0x7ea1b841, // fcvtzu s1, s2
    0x7ea1b842, // fcvtzu s2, s2
    0x7ee1b841, // fcvtzu d1, d2
    0x7ee1b842, // fcvtzu d2, d2
    0x0e21d841, // scvtf v1.2s, v2.2s
    0x0e21d842, // scvtf v2.2s, v2.2s
    0x4e21d841, // scvtf v1.4s, v2.4s
    0x4e21d842, // scvtf v2.4s, v2.4s
    0x4e61d841, // scvtf v1.2d, v2.2d
    0x4e61d842, // scvtf v2.2d, v2.2d
    0x5e21d841, // scvtf s1, s2
    0x5e21d842, // scvtf s2, s2
    0x5e61d841, // scvtf d1, d2
    0x5e61d842, // scvtf d2, d2
    0x2e21d841, // ucvtf v1.2s, v2.2s
    0x2e21d842, // ucvtf v2.2s, v2.2s
    0x6e21d841, // ucvtf v1.4s, v2.4s
    0x6e21d842, // ucvtf v2.4s, v2.4s
    0x6e61d841, // ucvtf v1.2d, v2.2d
    0x6e61d842, // ucvtf v2.2d, v2.2d
    0x7e21d841, // ucvtf s1, s2
    0x7e21d842, // ucvtf s2, s2
    0x7e61d841, // ucvtf d1, d2
    0x7e61d842, // ucvtf d2, d2
    0x2e23f441, // fmaxp v1.2s, v2.2s, v3.2s
    0x2e23f442, // fmaxp v2.2s, v2.2s, v3.2s
    0x2e23f443, // fmaxp v3.2s, v2.2s, v3.2s
    0x2e22f442, // fmaxp v2.2s, v2.2s, v2.2s
    0x6e23f441, // fmaxp v1.4s, v2.4s, v3.4s
    0x6e23f442, // fmaxp v2.4s, v2.4s, v3.4s
    0x6e23f443, // fmaxp v3.4s, v2.4s, v3.4s
    0x6e22f442, // fmaxp v2.4s, v2.4s, v2.4s
    0x6e63f441, // fmaxp v1.2d, v2.2d, v3.2d
    0x6e63f442, // fmaxp v2.2d, v2.2d, v3.2d
    0x6e63f443, // fmaxp v3.2d, v2.2d, v3.2d
    0x6e62f442, // fmaxp v2.2d, v2.2d, v2.2d
    0x2ea3f441, // fminp v1.2s, v2.2s, v3.2s
    0x2ea3f442, // fminp v2.2s, v2.2s, v3.2s
    0x2ea3f443, // fminp v3.2s, v2.2s, v3.2s
    0x2ea2f442, // fminp v2.2s, v2.2s, v2.2s
    0x6ea3f441, // fminp v1.4s, v2.4s, v3.4s
    0x6ea3f442, // fminp v2.4s, v2.4s, v3.4s
    0x6ea3f443, // fminp v3.4s, v2.4s, v3.4s
    0x6ea2f442, // fminp v2.4s, v2.4s, v2.4s
    0x6ee3f441, // fminp v1.2d, v2.2d, v3.2d
    0x6ee3f442, // fminp v2.2d, v2.2d, v3.2d
    0x6ee3f443, // fminp v3.2d, v2.2d, v3.2d
    0x6ee2f442, // fminp v2.2d, v2.2d, v2.2d
    0x2e23c441, // fmaxnmp v1.2s, v2.2s, v3.2s
    0x2e23c442, // fmaxnmp v2.2s, v2.2s, v3.2s
    0x2e23c443, // fmaxnmp v3.2s, v2.2s, v3.2s
    0x2e22c442, // fmaxnmp v2.2s, v2.2s, v2.2s
    0x6e23c441, // fmaxnmp v1.4s, v2.4s, v3.4s
    0x6e23c442, // fmaxnmp v2.4s, v2.4s, v3.4s
    0x6e23c443, // fmaxnmp v3.4s, v2.4s, v3.4s
    0x6e22c442, // fmaxnmp v2.4s, v2.4s, v2.4s
    0x6e63c441, // fmaxnmp v1.2d, v2.2d, v3.2d
    0x6e63c442, // fmaxnmp v2.2d, v2.2d, v3.2d
    0x6e63c443, // fmaxnmp v3.2d, v2.2d, v3.2d
    0x6e62c442, // fmaxnmp v2.2d, v2.2d, v2.2d
    0x2ea3c441, // fminnmp v1.2s, v2.2s, v3.2s
    0x2ea3c442, // fminnmp v2.2s, v2.2s, v3.2s
    0x2ea3c443, // fminnmp v3.2s, v2.2s, v3.2s
    0x2ea2c442, // fminnmp v2.2s, v2.2s, v2.2s
    0x6ea3c441, // fminnmp v1.4s, v2.4s, v3.4s
    0x6ea3c442, // fminnmp v2.4s, v2.4s, v3.4s
    0x6ea3c443, // fminnmp v3.4s, v2.4s, v3.4s
    0x6ea2c442, // fminnmp v2.4s, v2.4s, v2.4s
    0x6ee3c441, // fminnmp v1.2d, v2.2d, v3.2d
    0x6ee3c442, // fminnmp v2.2d, v2.2d, v3.2d
    0x6ee3c443, // fminnmp v3.2d, v2.2d, v3.2d
    0x6ee2c442, // fminnmp v2.2d, v2.2d, v2.2d
];

/// FMULX, FRECPS and FRSQRTS (2S, 4S, 2D, scalar S and D) with the
/// register fields zero, from aarch64-linux-gnu-as.
const STEP_OPS: [u32; 15] = [
    0x0e20dc00, 0x4e20dc00, 0x4e60dc00, 0x5e20dc00, 0x5e60dc00, // fmulx
    0x0e20fc00, 0x4e20fc00, 0x4e60fc00, 0x5e20fc00, 0x5e60fc00, // frecps
    0x0ea0fc00, 0x4ea0fc00, 0x4ee0fc00, 0x5ea0fc00, 0x5ee0fc00, // frsqrts
];

/// The words tested: [`WORDS`], then each of [`STEP_OPS`] with `d, n, m`
/// = 1, 2, 3; 2, 2, 3; 3, 2, 3; 2, 2, 2.
fn all_words() -> Vec<u32> {
    let regs = [(1, 2, 3), (2, 2, 3), (3, 2, 3), (2, 2, 2)];
    let steps = (STEP_OPS.iter())
        .flat_map(|&op| (regs.iter()).map(move |&(d, n, m)| op | m << 16 | n << 5 | d));
    WORDS.iter().copied().chain(steps).collect()
}

/// Singles the inline forms must treat with care.
const SPECIAL32: [u32; 30] = [
    0x0000_0000,
    0x8000_0000, // ±0
    0x0000_0001,
    0x8000_0001,
    0x007F_FFFF,
    0x0040_0000, // subnormals
    0x0080_0000,
    0x8080_0000, // smallest normals
    0x7F7F_FFFF,
    0xFF7F_FFFF, // largest normals
    0x7F80_0000,
    0xFF80_0000, // infinities
    0x7FC0_0000,
    0xFFC0_0001,
    0x7FFF_FFFF, // quiet NaNs
    0x7F80_0001,
    0xFFA0_0000,
    0x7FBF_FFFF, // signalling NaNs
    0x4F00_0000,
    0xCF00_0000,
    0x4EFF_FFFF,
    0xCF00_0001, // ±2^31 and neighbours
    0x4F80_0000,
    0x4F7F_FFFF, // 2^32 and below
    0x3F00_0000,
    0xBF00_0000,
    0x3FC0_0000,
    0xC020_0000, // ±0.5, 1.5, -2.5
    0x3F7F_FFFF,
    0xBF80_0000, // just below 1, -1
];

/// Doubles likewise.
const SPECIAL64: [u64; 28] = [
    0,
    1 << 63,
    1,
    0x800F_FFFF_FFFF_FFFF,
    0x0010_0000_0000_0000,
    0x7FEF_FFFF_FFFF_FFFF,
    0x7FF0_0000_0000_0000,
    0xFFF0_0000_0000_0000,
    0x7FF8_0000_0000_0000,
    0xFFF8_0000_0000_0001,
    0x7FF0_0000_0000_0001,
    0xFFF4_0000_0000_0000,
    0x43E0_0000_0000_0000, // 2^63
    0xC3E0_0000_0000_0000, // -2^63
    0x43DF_FFFF_FFFF_FFFF,
    0xC3E0_0000_0000_0001,
    0x43F0_0000_0000_0000, // 2^64
    0x43EF_FFFF_FFFF_FFFF,
    0x41E0_0000_0000_0000, // 2^31
    0x3FE0_0000_0000_0000, // 0.5
    0xBFE0_0000_0000_0000,
    0x3FF8_0000_0000_0000, // 1.5
    0xC004_0000_0000_0000, // -2.5
    0x4330_0000_0000_0001, // 2^52 + 1
    0x3FEF_FFFF_FFFF_FFFF,
    0xBFF0_0000_0000_0000,
    0x4340_0000_0000_0001, // 2^53 + 2
    0xC340_0000_0000_0000,
];

/// Integer lanes for the conversions from integers.
const INTS: [u64; 12] = [
    0,
    1,
    0x7FFF_FFFF,
    0x8000_0000,
    0xFFFF_FFFF,
    0x0100_0001, // 2^24 + 1: inexact in single
    0x0100_0003,
    0xFFFF_FFFF_FFFF_FFFF,
    0x8000_0000_0000_0000,
    0x7FFF_FFFF_FFFF_FFFF,
    0x0020_0000_0000_0001, // 2^53 + 1: inexact in double
    0x0000_0001_0000_0001,
];

/// One 32-bit lane of profile `p`.
fn lane32(rng: &mut Rng, p: u64) -> u32 {
    let finite = |rng: &mut Rng, lo: u64, hi: u64| {
        let e = lo + rng.below(hi - lo + 1);
        (rng.below(2) << 31 | e << 23 | rng.below(1 << 23)) as u32
    };
    match p {
        0 => rng.pick(&SPECIAL32),
        1 => finite(rng, 120, 160), // around the integers
        2 => finite(rng, 0, 254),
        3 => {
            // Integral or halfway values.
            let v = (rng.below(1 << 12) as f32) * 0.5 - 1024.0;
            v.to_bits()
        }
        4 => rng.pick(&INTS) as u32,
        5 => rng.next() as u32,
        _ => finite(rng, 0, 2),
    }
}

/// One 64-bit lane of profile `p`.
fn lane64(rng: &mut Rng, p: u64) -> u64 {
    let finite = |rng: &mut Rng, lo: u64, hi: u64| {
        let e = lo + rng.below(hi - lo + 1);
        rng.below(2) << 63 | e << 52 | rng.below(1 << 52)
    };
    match p {
        0 => rng.pick(&SPECIAL64),
        1 => finite(rng, 1000, 1090),
        2 => finite(rng, 0, 2046),
        3 => ((rng.below(1 << 12) as f64) * 0.5 - 1024.0).to_bits(),
        4 => rng.pick(&INTS),
        5 => rng.next(),
        _ => finite(rng, 0, 2),
    }
}

/// A register of single or double lanes of one profile, or mixed; a
/// quarter of the time every lane a copy of the first.
pub(super) fn vector(rng: &mut Rng) -> u128 {
    let p = rng.below(8);
    let prof = |rng: &mut Rng| if p == 7 { rng.below(7) } else { p };
    let same = rng.chance(4);
    let mut v = 0u128;
    if rng.chance(2) {
        let first = {
            let q = prof(rng);
            lane32(rng, q)
        };
        for i in 0..4 {
            let l = if same {
                first
            } else {
                {
                    let q = prof(rng);
                    lane32(rng, q)
                }
            };
            v |= (l as u128) << (32 * i);
        }
    } else {
        let first = {
            let q = prof(rng);
            lane64(rng, q)
        };
        for i in 0..2 {
            let l = if same {
                first
            } else {
                {
                    let q = prof(rng);
                    lane64(rng, q)
                }
            };
            v |= (l as u128) << (64 * i);
        }
    }
    v
}

/// FPCR: the default environment half the time, else a rounding mode, FZ
/// or DN.
pub(super) fn fpcr(rng: &mut Rng) -> u64 {
    const RMODES: [u64; 3] = [1 << 22, 2 << 22, 3 << 22];
    const FZ: u64 = 1 << 24;
    const DN: u64 = 1 << 25;
    match rng.below(10) {
        0 => rng.pick(&RMODES),
        1 => FZ,
        2 => DN,
        3 => rng.pick(&[FZ | DN, RMODES[1] | DN]),
        _ => 0,
    }
}

/// One case: `words` from a random state, interpreter against x86-64 code.
pub(super) fn check(jit: &mut Jit, rng: &mut Rng, words: &[u32]) {
    run_vectors_with(rng, jit, words, vector, |rng, cpu0| {
        if rng.chance(3) {
            // Equal lanes in n and m, and zeros of either sign, for the
            // compares and the maxima and minima.
            let bits = rng.next();
            let lanes32 = |b: u64| {
                (0..4)
                    .filter(|i| b >> i & 1 != 0)
                    .fold(0u128, |k, i| k | 0xFFFF_FFFF << (32 * i))
            };
            let keep = lanes32(bits);
            cpu0.v[3] = cpu0.v[2] & keep | cpu0.v[3] & !keep;
            let zero = lanes32(bits >> 8);
            let sign = lanes32(bits >> 16) & 0x8000_0000_8000_0000_8000_0000_8000_0000;
            // Single zeros, or (with the upper sign bits only) double ones.
            let sign = if rng.chance(2) {
                sign
            } else {
                sign & (1 << 127 | 1 << 63)
            };
            cpu0.v[2] = cpu0.v[2] & !zero | zero & sign;
            cpu0.v[3] = cpu0.v[3] & !zero | zero & sign.rotate_left(32);
        }
        if rng.chance(2) {
            near_inverse(rng, cpu0);
        }
        cpu0.fpcr = fpcr(rng);
    });
}

/// V3 lanes about `k / V2` (k = 1, 2 or 3, one lane size for all, a few
/// ulps off, half the time scaled by a power of two that puts the
/// products at the smallest normals or the overflow threshold), so that
/// FRECPS and FRSQRTS cancel and FMULX rounds where tininess and overflow
/// are decided.
fn near_inverse(rng: &mut Rng, cpu0: &mut CpuState) {
    let k = 1 + rng.below(3);
    let single = rng.chance(2);
    let s = if single {
        rng.pick(&[-128, -127, -126, -125, -124, 127, 128])
    } else {
        rng.pick(&[-1024, -1023, -1022, -1021, -1020, 1023, 1024])
    };
    // In two steps: 2^s itself may not be finite.
    let s = if rng.chance(2) {
        (s / 2, s - s / 2)
    } else {
        (0, 0)
    };
    let (bits, mask) = if single {
        (32, 0xFFFF_FFFF)
    } else {
        (64, u64::MAX)
    };
    let mut m = 0u128;
    for i in 0..128 / bits {
        let x = (cpu0.v[2] >> (bits * i)) as u64 & mask;
        let y = if single {
            let y = k as f32 / f32::from_bits(x as u32);
            (y * 2f32.powi(s.0) * 2f32.powi(s.1)).to_bits() as u64
        } else {
            let y = k as f64 / f64::from_bits(x);
            (y * 2f64.powi(s.0) * 2f64.powi(s.1)).to_bits()
        };
        let y = (y as i64 + rng.below(7) as i64 - 3) as u64 & mask;
        m |= (y as u128) << (bits * i);
    }
    cpu0.v[3] = m;
}

/// `w` translates to a `VecOp::Fp` without a helper call.
pub(super) fn assert_inline_fp(w: u32) {
    assert_inline_vec(w, "VecOp::Fp", |op| matches!(op, VecOp::Fp { .. }));
}

/// `w` translates to an `Op::Vec` whose operation is `what` (`is`), without
/// a helper call.
pub(super) fn assert_inline_vec(w: u32, what: &str, is: fn(&VecOp) -> bool) {
    let block = block_of(&[w]);
    assert!(
        !(block.ops.iter()).any(|o| matches!(o, Op::Call { .. })),
        "{w:#010x} calls a helper"
    );
    assert!(
        (block.ops.iter()).any(|o| matches!(o, Op::Vec { op, .. } if is(op))),
        "{w:#010x} is not a {what}"
    );
}

#[test]
fn vector_fp_lanes_run_inline_and_match_the_helpers() {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0xf9));
    let mut jit = Jit::new();
    let words = all_words();
    for (i, &w) in words.iter().enumerate() {
        assert_inline_fp(w);
        // FMULX, FRECPS, FRSQRTS get more: their results at the smallest
        // normals are rare.
        let runs = if i >= WORDS.len() { 3000 } else { 300 };
        for _ in 0..runs {
            check(&mut jit, &mut rng, &[w]);
        }
    }
    // Sequences in one block, with other vector instructions between: the
    // V-register cache must survive a slow path in the middle.
    mixed_blocks((&mut jit, &mut rng), &words, 2000, check);
}

/// `count` blocks of 2 to 9 instructions drawn from `words` and (a
/// quarter of them) [`MIXED`], each run by `check`.
pub(super) fn mixed_blocks(
    (jit, rng): (&mut Jit, &mut Rng),
    words: &[u32],
    count: usize,
    check: fn(&mut Jit, &mut Rng, &[u32]),
) {
    for _ in 0..count {
        let n = 2 + rng.below(8) as usize;
        let seq: Vec<u32> = (0..n)
            .map(|_| {
                if rng.chance(4) {
                    rng.pick(&MIXED)
                } else {
                    rng.pick(words)
                }
            })
            .collect();
        check(jit, rng, &seq);
    }
}
