//! The floating-point forms the frontend builds from one scalar `Op::FBin`
//! or `Op::FMulAdd` per result lane (`frontend/simd/fp_pairs.rs`): vector
//! FADDP (2S, 4S, 2D), the scalar pairwise FADDP/FMAXP/FMINP/FMAXNMP/
//! FMINNMP (S and D), FMAXV/FMINV/FMAXNMV/FMINNMV (4S), FMUL by element
//! (2S, 4S, 2D, every index) and the scalar FMUL/FMLA/FMLS by element (S
//! and D, every index), FCVTL/FCVTL2 and FCVTN/FCVTN2 (half and single,
//! single and double), with the destination apart from and equal to the
//! sources. Each must translate without a helper call; from random states
//! (lanes biased to ±0, denormals, the smallest and largest normals,
//! infinities, quiet and signalling NaNs with payloads, values at the
//! edges of the narrower format and halfway between two of its values;
//! FPCR with every rounding mode, FZ, FZ16, DN and AHP; FPSR with random
//! cumulative flags) the interpreter must give, lane by lane, what the
//! scalar instruction (FADD, FMAX, FMUL, FMADD, FCVT, ...) gives on the
//! lanes the Arm ARM pseudo-code selects (the union of their FPSR flags),
//! and the x86-64 code, before and after the passes, the interpreter's
//! whole state. Then random blocks of these with other instructions.

use super::vec_ops::{block_of, interp_vs_jit, mixed_seq};
use super::*;
use emu::ir::Op;
use std::collections::HashMap;

/// A scalar operation: its single- and double-precision words (`s0 = s1
/// op s2`), from aarch64-linux-gnu-as.
type Scalar = [u32; 2];
const FADD: Scalar = [0x1e222820, 0x1e622820];
const FMAX: Scalar = [0x1e224820, 0x1e624820];
const FMIN: Scalar = [0x1e225820, 0x1e625820];
const FMAXNM: Scalar = [0x1e226820, 0x1e626820];
const FMINNM: Scalar = [0x1e227820, 0x1e627820];
const FMUL: Scalar = [0x1e220820, 0x1e620820];
/// fmadd and fmsub s0/d0 = s3 ± s1 * s2.
const FMADD: Scalar = [0x1f020c20, 0x1f420c20];
const FMSUB: Scalar = [0x1f028c20, 0x1f428c20];
/// fcvt s0, h1; fcvt d0, s1 (widening from the smaller size).
const FCVT_UP: Scalar = [0x1ee24020, 0x1e22c020];
/// fcvt h0, s1; fcvt s0, d1 (narrowing to the smaller size).
const FCVT_DOWN: Scalar = [0x1e23c020, 0x1e624020];

/// What one form computes; `es` is the element size of its operands
/// (Widen: of the narrow source, Narrow: of the narrow result).
#[derive(Copy, Clone, Debug)]
enum Kind {
    /// Vector FADDP: es, q.
    Pair(u32, bool),
    /// Reduction by a scalar operation: op, es, element count.
    Reduce(Scalar, u32, u32),
    /// Vector FMUL by element: es, q, index.
    MulElem(u32, bool, u32),
    /// Scalar FMUL (None), FMLA (Some(false)), FMLS by element: es, index.
    ScalarElem(Option<bool>, u32, u32),
    /// FCVTL (es, upper).
    Widen(u32, bool),
    /// FCVTN (es, upper).
    Narrow(u32, bool),
    /// FCVTXN (upper, scalar), double to single.
    Odd(bool, bool),
}
use Kind::*;

/// From aarch64-linux-gnu-as.
const FORMS: [(u32, Kind); 192] = [
    (0x2e23d441, Pair(32, false)),         // faddp v1.2s, v2.2s, v3.2s
    (0x2e23d442, Pair(32, false)),         // faddp v2.2s, v2.2s, v3.2s
    (0x2e23d443, Pair(32, false)),         // faddp v3.2s, v2.2s, v3.2s
    (0x2e22d442, Pair(32, false)),         // faddp v2.2s, v2.2s, v2.2s
    (0x6e23d441, Pair(32, true)),          // faddp v1.4s, v2.4s, v3.4s
    (0x6e23d442, Pair(32, true)),          // faddp v2.4s, v2.4s, v3.4s
    (0x6e23d443, Pair(32, true)),          // faddp v3.4s, v2.4s, v3.4s
    (0x6e22d442, Pair(32, true)),          // faddp v2.4s, v2.4s, v2.4s
    (0x6e63d441, Pair(64, true)),          // faddp v1.2d, v2.2d, v3.2d
    (0x6e63d442, Pair(64, true)),          // faddp v2.2d, v2.2d, v3.2d
    (0x6e63d443, Pair(64, true)),          // faddp v3.2d, v2.2d, v3.2d
    (0x6e62d442, Pair(64, true)),          // faddp v2.2d, v2.2d, v2.2d
    (0x7e30d841, Reduce(FADD, 32, 2)),     // faddp s1, v2.2s
    (0x7e30d842, Reduce(FADD, 32, 2)),     // faddp s2, v2.2s
    (0x7e70d841, Reduce(FADD, 64, 2)),     // faddp d1, v2.2d
    (0x7e70d842, Reduce(FADD, 64, 2)),     // faddp d2, v2.2d
    (0x7e30f841, Reduce(FMAX, 32, 2)),     // fmaxp s1, v2.2s
    (0x7e30f842, Reduce(FMAX, 32, 2)),     // fmaxp s2, v2.2s
    (0x7e70f841, Reduce(FMAX, 64, 2)),     // fmaxp d1, v2.2d
    (0x7e70f842, Reduce(FMAX, 64, 2)),     // fmaxp d2, v2.2d
    (0x7eb0f841, Reduce(FMIN, 32, 2)),     // fminp s1, v2.2s
    (0x7eb0f842, Reduce(FMIN, 32, 2)),     // fminp s2, v2.2s
    (0x7ef0f841, Reduce(FMIN, 64, 2)),     // fminp d1, v2.2d
    (0x7ef0f842, Reduce(FMIN, 64, 2)),     // fminp d2, v2.2d
    (0x7e30c841, Reduce(FMAXNM, 32, 2)),   // fmaxnmp s1, v2.2s
    (0x7e30c842, Reduce(FMAXNM, 32, 2)),   // fmaxnmp s2, v2.2s
    (0x7e70c841, Reduce(FMAXNM, 64, 2)),   // fmaxnmp d1, v2.2d
    (0x7e70c842, Reduce(FMAXNM, 64, 2)),   // fmaxnmp d2, v2.2d
    (0x7eb0c841, Reduce(FMINNM, 32, 2)),   // fminnmp s1, v2.2s
    (0x7eb0c842, Reduce(FMINNM, 32, 2)),   // fminnmp s2, v2.2s
    (0x7ef0c841, Reduce(FMINNM, 64, 2)),   // fminnmp d1, v2.2d
    (0x7ef0c842, Reduce(FMINNM, 64, 2)),   // fminnmp d2, v2.2d
    (0x6e30f841, Reduce(FMAX, 32, 4)),     // fmaxv s1, v2.4s
    (0x6e30f842, Reduce(FMAX, 32, 4)),     // fmaxv s2, v2.4s
    (0x6eb0f841, Reduce(FMIN, 32, 4)),     // fminv s1, v2.4s
    (0x6eb0f842, Reduce(FMIN, 32, 4)),     // fminv s2, v2.4s
    (0x6e30c841, Reduce(FMAXNM, 32, 4)),   // fmaxnmv s1, v2.4s
    (0x6e30c842, Reduce(FMAXNM, 32, 4)),   // fmaxnmv s2, v2.4s
    (0x6eb0c841, Reduce(FMINNM, 32, 4)),   // fminnmv s1, v2.4s
    (0x6eb0c842, Reduce(FMINNM, 32, 4)),   // fminnmv s2, v2.4s
    (0x0f839041, MulElem(32, false, 0)),   // fmul v1.2s, v2.2s, v3.s[0]
    (0x0f839042, MulElem(32, false, 0)),   // fmul v2.2s, v2.2s, v3.s[0]
    (0x0f839043, MulElem(32, false, 0)),   // fmul v3.2s, v2.2s, v3.s[0]
    (0x0f939041, MulElem(32, false, 0)),   // fmul v1.2s, v2.2s, v19.s[0]
    (0x0fa39041, MulElem(32, false, 1)),   // fmul v1.2s, v2.2s, v3.s[1]
    (0x0fa39042, MulElem(32, false, 1)),   // fmul v2.2s, v2.2s, v3.s[1]
    (0x0fa39043, MulElem(32, false, 1)),   // fmul v3.2s, v2.2s, v3.s[1]
    (0x0fb39041, MulElem(32, false, 1)),   // fmul v1.2s, v2.2s, v19.s[1]
    (0x0f839841, MulElem(32, false, 2)),   // fmul v1.2s, v2.2s, v3.s[2]
    (0x0f839842, MulElem(32, false, 2)),   // fmul v2.2s, v2.2s, v3.s[2]
    (0x0f839843, MulElem(32, false, 2)),   // fmul v3.2s, v2.2s, v3.s[2]
    (0x0f939841, MulElem(32, false, 2)),   // fmul v1.2s, v2.2s, v19.s[2]
    (0x0fa39841, MulElem(32, false, 3)),   // fmul v1.2s, v2.2s, v3.s[3]
    (0x0fa39842, MulElem(32, false, 3)),   // fmul v2.2s, v2.2s, v3.s[3]
    (0x0fa39843, MulElem(32, false, 3)),   // fmul v3.2s, v2.2s, v3.s[3]
    (0x0fb39841, MulElem(32, false, 3)),   // fmul v1.2s, v2.2s, v19.s[3]
    (0x4f839041, MulElem(32, true, 0)),    // fmul v1.4s, v2.4s, v3.s[0]
    (0x4f839042, MulElem(32, true, 0)),    // fmul v2.4s, v2.4s, v3.s[0]
    (0x4f839043, MulElem(32, true, 0)),    // fmul v3.4s, v2.4s, v3.s[0]
    (0x4f939041, MulElem(32, true, 0)),    // fmul v1.4s, v2.4s, v19.s[0]
    (0x4fa39041, MulElem(32, true, 1)),    // fmul v1.4s, v2.4s, v3.s[1]
    (0x4fa39042, MulElem(32, true, 1)),    // fmul v2.4s, v2.4s, v3.s[1]
    (0x4fa39043, MulElem(32, true, 1)),    // fmul v3.4s, v2.4s, v3.s[1]
    (0x4fb39041, MulElem(32, true, 1)),    // fmul v1.4s, v2.4s, v19.s[1]
    (0x4f839841, MulElem(32, true, 2)),    // fmul v1.4s, v2.4s, v3.s[2]
    (0x4f839842, MulElem(32, true, 2)),    // fmul v2.4s, v2.4s, v3.s[2]
    (0x4f839843, MulElem(32, true, 2)),    // fmul v3.4s, v2.4s, v3.s[2]
    (0x4f939841, MulElem(32, true, 2)),    // fmul v1.4s, v2.4s, v19.s[2]
    (0x4fa39841, MulElem(32, true, 3)),    // fmul v1.4s, v2.4s, v3.s[3]
    (0x4fa39842, MulElem(32, true, 3)),    // fmul v2.4s, v2.4s, v3.s[3]
    (0x4fa39843, MulElem(32, true, 3)),    // fmul v3.4s, v2.4s, v3.s[3]
    (0x4fb39841, MulElem(32, true, 3)),    // fmul v1.4s, v2.4s, v19.s[3]
    (0x4fc39041, MulElem(64, true, 0)),    // fmul v1.2d, v2.2d, v3.d[0]
    (0x4fc39042, MulElem(64, true, 0)),    // fmul v2.2d, v2.2d, v3.d[0]
    (0x4fc39043, MulElem(64, true, 0)),    // fmul v3.2d, v2.2d, v3.d[0]
    (0x4fd39041, MulElem(64, true, 0)),    // fmul v1.2d, v2.2d, v19.d[0]
    (0x4fc39841, MulElem(64, true, 1)),    // fmul v1.2d, v2.2d, v3.d[1]
    (0x4fc39842, MulElem(64, true, 1)),    // fmul v2.2d, v2.2d, v3.d[1]
    (0x4fc39843, MulElem(64, true, 1)),    // fmul v3.2d, v2.2d, v3.d[1]
    (0x4fd39841, MulElem(64, true, 1)),    // fmul v1.2d, v2.2d, v19.d[1]
    (0x5f839041, ScalarElem(None, 32, 0)), // fmul s1, s2, v3.s[0]
    (0x5f839042, ScalarElem(None, 32, 0)), // fmul s2, s2, v3.s[0]
    (0x5f839043, ScalarElem(None, 32, 0)), // fmul s3, s2, v3.s[0]
    (0x5f939041, ScalarElem(None, 32, 0)), // fmul s1, s2, v19.s[0]
    (0x5f829042, ScalarElem(None, 32, 0)), // fmul s2, s2, v2.s[0]
    (0x5fa39041, ScalarElem(None, 32, 1)), // fmul s1, s2, v3.s[1]
    (0x5fa39042, ScalarElem(None, 32, 1)), // fmul s2, s2, v3.s[1]
    (0x5fa39043, ScalarElem(None, 32, 1)), // fmul s3, s2, v3.s[1]
    (0x5fb39041, ScalarElem(None, 32, 1)), // fmul s1, s2, v19.s[1]
    (0x5fa29042, ScalarElem(None, 32, 1)), // fmul s2, s2, v2.s[1]
    (0x5f839841, ScalarElem(None, 32, 2)), // fmul s1, s2, v3.s[2]
    (0x5f839842, ScalarElem(None, 32, 2)), // fmul s2, s2, v3.s[2]
    (0x5f839843, ScalarElem(None, 32, 2)), // fmul s3, s2, v3.s[2]
    (0x5f939841, ScalarElem(None, 32, 2)), // fmul s1, s2, v19.s[2]
    (0x5f829842, ScalarElem(None, 32, 2)), // fmul s2, s2, v2.s[2]
    (0x5fa39841, ScalarElem(None, 32, 3)), // fmul s1, s2, v3.s[3]
    (0x5fa39842, ScalarElem(None, 32, 3)), // fmul s2, s2, v3.s[3]
    (0x5fa39843, ScalarElem(None, 32, 3)), // fmul s3, s2, v3.s[3]
    (0x5fb39841, ScalarElem(None, 32, 3)), // fmul s1, s2, v19.s[3]
    (0x5fa29842, ScalarElem(None, 32, 3)), // fmul s2, s2, v2.s[3]
    (0x5fc39041, ScalarElem(None, 64, 0)), // fmul d1, d2, v3.d[0]
    (0x5fc39042, ScalarElem(None, 64, 0)), // fmul d2, d2, v3.d[0]
    (0x5fc39043, ScalarElem(None, 64, 0)), // fmul d3, d2, v3.d[0]
    (0x5fd39041, ScalarElem(None, 64, 0)), // fmul d1, d2, v19.d[0]
    (0x5fc29042, ScalarElem(None, 64, 0)), // fmul d2, d2, v2.d[0]
    (0x5fc39841, ScalarElem(None, 64, 1)), // fmul d1, d2, v3.d[1]
    (0x5fc39842, ScalarElem(None, 64, 1)), // fmul d2, d2, v3.d[1]
    (0x5fc39843, ScalarElem(None, 64, 1)), // fmul d3, d2, v3.d[1]
    (0x5fd39841, ScalarElem(None, 64, 1)), // fmul d1, d2, v19.d[1]
    (0x5fc29842, ScalarElem(None, 64, 1)), // fmul d2, d2, v2.d[1]
    (0x5f831041, ScalarElem(Some(false), 32, 0)), // fmla s1, s2, v3.s[0]
    (0x5f831042, ScalarElem(Some(false), 32, 0)), // fmla s2, s2, v3.s[0]
    (0x5f831043, ScalarElem(Some(false), 32, 0)), // fmla s3, s2, v3.s[0]
    (0x5f931041, ScalarElem(Some(false), 32, 0)), // fmla s1, s2, v19.s[0]
    (0x5f821042, ScalarElem(Some(false), 32, 0)), // fmla s2, s2, v2.s[0]
    (0x5fa31041, ScalarElem(Some(false), 32, 1)), // fmla s1, s2, v3.s[1]
    (0x5fa31042, ScalarElem(Some(false), 32, 1)), // fmla s2, s2, v3.s[1]
    (0x5fa31043, ScalarElem(Some(false), 32, 1)), // fmla s3, s2, v3.s[1]
    (0x5fb31041, ScalarElem(Some(false), 32, 1)), // fmla s1, s2, v19.s[1]
    (0x5fa21042, ScalarElem(Some(false), 32, 1)), // fmla s2, s2, v2.s[1]
    (0x5f831841, ScalarElem(Some(false), 32, 2)), // fmla s1, s2, v3.s[2]
    (0x5f831842, ScalarElem(Some(false), 32, 2)), // fmla s2, s2, v3.s[2]
    (0x5f831843, ScalarElem(Some(false), 32, 2)), // fmla s3, s2, v3.s[2]
    (0x5f931841, ScalarElem(Some(false), 32, 2)), // fmla s1, s2, v19.s[2]
    (0x5f821842, ScalarElem(Some(false), 32, 2)), // fmla s2, s2, v2.s[2]
    (0x5fa31841, ScalarElem(Some(false), 32, 3)), // fmla s1, s2, v3.s[3]
    (0x5fa31842, ScalarElem(Some(false), 32, 3)), // fmla s2, s2, v3.s[3]
    (0x5fa31843, ScalarElem(Some(false), 32, 3)), // fmla s3, s2, v3.s[3]
    (0x5fb31841, ScalarElem(Some(false), 32, 3)), // fmla s1, s2, v19.s[3]
    (0x5fa21842, ScalarElem(Some(false), 32, 3)), // fmla s2, s2, v2.s[3]
    (0x5fc31041, ScalarElem(Some(false), 64, 0)), // fmla d1, d2, v3.d[0]
    (0x5fc31042, ScalarElem(Some(false), 64, 0)), // fmla d2, d2, v3.d[0]
    (0x5fc31043, ScalarElem(Some(false), 64, 0)), // fmla d3, d2, v3.d[0]
    (0x5fd31041, ScalarElem(Some(false), 64, 0)), // fmla d1, d2, v19.d[0]
    (0x5fc21042, ScalarElem(Some(false), 64, 0)), // fmla d2, d2, v2.d[0]
    (0x5fc31841, ScalarElem(Some(false), 64, 1)), // fmla d1, d2, v3.d[1]
    (0x5fc31842, ScalarElem(Some(false), 64, 1)), // fmla d2, d2, v3.d[1]
    (0x5fc31843, ScalarElem(Some(false), 64, 1)), // fmla d3, d2, v3.d[1]
    (0x5fd31841, ScalarElem(Some(false), 64, 1)), // fmla d1, d2, v19.d[1]
    (0x5fc21842, ScalarElem(Some(false), 64, 1)), // fmla d2, d2, v2.d[1]
    (0x5f835041, ScalarElem(Some(true), 32, 0)), // fmls s1, s2, v3.s[0]
    (0x5f835042, ScalarElem(Some(true), 32, 0)), // fmls s2, s2, v3.s[0]
    (0x5f835043, ScalarElem(Some(true), 32, 0)), // fmls s3, s2, v3.s[0]
    (0x5f935041, ScalarElem(Some(true), 32, 0)), // fmls s1, s2, v19.s[0]
    (0x5f825042, ScalarElem(Some(true), 32, 0)), // fmls s2, s2, v2.s[0]
    (0x5fa35041, ScalarElem(Some(true), 32, 1)), // fmls s1, s2, v3.s[1]
    (0x5fa35042, ScalarElem(Some(true), 32, 1)), // fmls s2, s2, v3.s[1]
    (0x5fa35043, ScalarElem(Some(true), 32, 1)), // fmls s3, s2, v3.s[1]
    (0x5fb35041, ScalarElem(Some(true), 32, 1)), // fmls s1, s2, v19.s[1]
    (0x5fa25042, ScalarElem(Some(true), 32, 1)), // fmls s2, s2, v2.s[1]
    (0x5f835841, ScalarElem(Some(true), 32, 2)), // fmls s1, s2, v3.s[2]
    (0x5f835842, ScalarElem(Some(true), 32, 2)), // fmls s2, s2, v3.s[2]
    (0x5f835843, ScalarElem(Some(true), 32, 2)), // fmls s3, s2, v3.s[2]
    (0x5f935841, ScalarElem(Some(true), 32, 2)), // fmls s1, s2, v19.s[2]
    (0x5f825842, ScalarElem(Some(true), 32, 2)), // fmls s2, s2, v2.s[2]
    (0x5fa35841, ScalarElem(Some(true), 32, 3)), // fmls s1, s2, v3.s[3]
    (0x5fa35842, ScalarElem(Some(true), 32, 3)), // fmls s2, s2, v3.s[3]
    (0x5fa35843, ScalarElem(Some(true), 32, 3)), // fmls s3, s2, v3.s[3]
    (0x5fb35841, ScalarElem(Some(true), 32, 3)), // fmls s1, s2, v19.s[3]
    (0x5fa25842, ScalarElem(Some(true), 32, 3)), // fmls s2, s2, v2.s[3]
    (0x5fc35041, ScalarElem(Some(true), 64, 0)), // fmls d1, d2, v3.d[0]
    (0x5fc35042, ScalarElem(Some(true), 64, 0)), // fmls d2, d2, v3.d[0]
    (0x5fc35043, ScalarElem(Some(true), 64, 0)), // fmls d3, d2, v3.d[0]
    (0x5fd35041, ScalarElem(Some(true), 64, 0)), // fmls d1, d2, v19.d[0]
    (0x5fc25042, ScalarElem(Some(true), 64, 0)), // fmls d2, d2, v2.d[0]
    (0x5fc35841, ScalarElem(Some(true), 64, 1)), // fmls d1, d2, v3.d[1]
    (0x5fc35842, ScalarElem(Some(true), 64, 1)), // fmls d2, d2, v3.d[1]
    (0x5fc35843, ScalarElem(Some(true), 64, 1)), // fmls d3, d2, v3.d[1]
    (0x5fd35841, ScalarElem(Some(true), 64, 1)), // fmls d1, d2, v19.d[1]
    (0x5fc25842, ScalarElem(Some(true), 64, 1)), // fmls d2, d2, v2.d[1]
    (0x0e217841, Widen(16, false)),        // fcvtl v1.4s, v2.4h
    (0x0e217842, Widen(16, false)),        // fcvtl v2.4s, v2.4h
    (0x4e217841, Widen(16, true)),         // fcvtl2 v1.4s, v2.8h
    (0x4e217842, Widen(16, true)),         // fcvtl2 v2.4s, v2.8h
    (0x0e617841, Widen(32, false)),        // fcvtl v1.2d, v2.2s
    (0x0e617842, Widen(32, false)),        // fcvtl v2.2d, v2.2s
    (0x4e617841, Widen(32, true)),         // fcvtl2 v1.2d, v2.4s
    (0x4e617842, Widen(32, true)),         // fcvtl2 v2.2d, v2.4s
    (0x0e216841, Narrow(16, false)),       // fcvtn v1.4h, v2.4s
    (0x0e216842, Narrow(16, false)),       // fcvtn v2.4h, v2.4s
    (0x4e216841, Narrow(16, true)),        // fcvtn2 v1.8h, v2.4s
    (0x4e216842, Narrow(16, true)),        // fcvtn2 v2.8h, v2.4s
    (0x0e616841, Narrow(32, false)),       // fcvtn v1.2s, v2.2d
    (0x0e616842, Narrow(32, false)),       // fcvtn v2.2s, v2.2d
    (0x4e616841, Narrow(32, true)),        // fcvtn2 v1.4s, v2.2d
    (0x4e616842, Narrow(32, true)),        // fcvtn2 v2.4s, v2.2d
    (0x2e616841, Odd(false, false)),       // fcvtxn v1.2s, v2.2d
    (0x2e616842, Odd(false, false)),       // fcvtxn v2.2s, v2.2d
    (0x6e616841, Odd(true, false)),        // fcvtxn2 v1.4s, v2.2d
    (0x6e616842, Odd(true, false)),        // fcvtxn2 v2.4s, v2.2d
    (0x7e616841, Odd(false, true)),        // fcvtxn s1, d2
    (0x7e616842, Odd(false, true)),        // fcvtxn s2, d2
];

/// The element size of the source lanes of `k`.
fn source_es(k: Kind) -> u32 {
    match k {
        Pair(es, _) | Reduce(_, es, _) | MulElem(es, ..) => es,
        ScalarElem(_, es, _) | Widen(es, _) => es,
        Narrow(es, _) => 2 * es,
        Odd(..) => 64,
    }
}

/// One `es`-bit lane (16, 32 or 64) of profile `p`.
fn lane(rng: &mut Rng, es: u32, p: u64) -> u64 {
    let (ebits, fbits) = match es {
        16 => (5, 10),
        32 => (8, 23),
        _ => (11, 52),
    };
    let emax = (1u64 << ebits) - 1;
    let bias = emax >> 1;
    let sign = rng.below(2) << (es - 1);
    let fmask = (1u64 << fbits) - 1;
    let exp = match p {
        0 => 0,                       // ±0 and denormals
        1 => emax,                    // infinities and NaNs
        2 => 1 + rng.below(3),        // the smallest normals
        3 => emax - 1 - rng.below(3), // the largest finite
        4 => return rng.next() & (u64::MAX >> (64 - es)),
        // The edges of the next smaller format (its denormals, smallest
        // normals and overflow threshold).
        5 if es > 16 => {
            let (small, big) = if es == 64 {
                ([150, 149, 127, 126, 125], [127, 128, 129])
            } else {
                ([25, 24, 15, 14, 13], [15, 16, 17])
            };
            if rng.chance(2) {
                bias - rng.pick(&small)
            } else {
                bias + rng.pick(&big)
            }
        }
        _ => bias - 2 + rng.below(5), // near 1
    };
    // The fraction bits below the next smaller format's (29 for doubles,
    // 13 for singles) exactly halfway, or clear, or random.
    let low = if es == 64 { 29 } else { 13 };
    let frac = rng.next() & fmask;
    let frac = match rng.below(6) {
        0 => 0,
        1 => frac & !((1 << low) - 1) | 1 << (low - 1),
        2 => frac & !((1 << low) - 1),
        3 => frac & !(fmask >> 1), // a NaN's quiet bit and a short payload
        _ => frac,
    };
    sign | exp << fbits | frac
}

/// A register of `es`-bit lanes of one profile or mixed; sometimes every
/// lane a copy of the first.
fn vector(rng: &mut Rng, es: u32) -> u128 {
    let p = rng.below(8);
    let same = rng.chance(5);
    let q = if p == 7 { rng.below(7) } else { p };
    let first = lane(rng, es, q);
    (0..128 / es).fold(0u128, |v, i| {
        let l = if same {
            first
        } else {
            let q = if p == 7 { rng.below(7) } else { p };
            lane(rng, es, q)
        };
        v | (l as u128) << (es * i)
    })
}

/// FPCR: the default half the time, else random rounding mode, FZ, FZ16,
/// DN and AHP.
fn fpcr(rng: &mut Rng) -> u64 {
    if rng.chance(2) {
        return 0;
    }
    let mut c = rng.below(4) << 22;
    for bit in [24, 19, 25, 26] {
        if rng.chance(4) {
            c |= 1 << bit;
        }
    }
    c
}

fn state(rng: &mut Rng, es: u32) -> CpuState {
    let mut cpu = CpuState::default();
    for v in cpu.v.iter_mut() {
        *v = vector(rng, es);
    }
    if rng.chance(3) {
        // Equal lanes and zeros of both signs for the maxima and minima.
        cpu.v[3] = cpu.v[2];
        if rng.chance(2) {
            cpu.v[2] ^= 1 << (es - 1);
        }
    }
    cpu.fpcr = fpcr(rng);
    if rng.chance(2) {
        cpu.fpsr = rng.next() & (0x9f | 1 << 27);
    }
    cpu
}

/// Runs the scalar instructions of the reference under the interpreter.
struct Reference {
    blocks: HashMap<u32, Block>,
    buf: Box<Scratch>,
    mem0: Vec<u8>,
}

impl Reference {
    /// `word` on s1/d1 = `a`, s2/d2 = `b`, s3/d3 = `c` under `cpu0`'s
    /// FPCR and FPSR: its result (masked to `out` bits), its FPSR ORed
    /// into `fpsr`.
    #[allow(clippy::too_many_arguments)]
    fn run(&mut self, cpu0: &CpuState, fpsr: &mut u64, word: u32, abc: [u64; 3], out: u32) -> u64 {
        let block = self.blocks.entry(word).or_insert_with(|| block_of(&[word]));
        let mut s = CpuState {
            fpcr: cpu0.fpcr,
            fpsr: cpu0.fpsr,
            ..Default::default()
        };
        for (i, x) in abc.into_iter().enumerate() {
            s.v[1 + i] = u128::from(x);
        }
        let r = run_interp(block, &s, &mut *self.buf, &self.mem0).cpu;
        *fpsr |= r.fpsr;
        (r.v[0] as u64) & (u64::MAX >> (64 - out))
    }

    fn tree(&mut self, cpu0: &CpuState, fpsr: &mut u64, w: u32, es: u32, e: &[u64]) -> u64 {
        if e.len() == 1 {
            return e[0];
        }
        let (lo, hi) = e.split_at(e.len() / 2);
        let l = self.tree(cpu0, fpsr, w, es, lo);
        let h = self.tree(cpu0, fpsr, w, es, hi);
        self.run(cpu0, fpsr, w, [l, h, 0], es)
    }

    /// V[d] and FPSR after form `k` (registers from `word`).
    fn expect(&mut self, word: u32, k: Kind, cpu0: &CpuState) -> (u128, u64) {
        let (d, n, m) = (word & 31, word >> 5 & 31, word >> 16 & 31);
        let v = |r: u32| cpu0.v[r as usize];
        let at = |x: u128, es: u32, i: u32| (x >> (es * i)) as u64 & (u64::MAX >> (64 - es));
        let pack = |lanes: &[u64], es: u32| {
            (lanes.iter().enumerate())
                .fold(0u128, |r, (i, &x)| r | u128::from(x) << (es * i as u32))
        };
        let dbl = |es: u32| usize::from(es == 64);
        let mut fpsr = cpu0.fpsr;
        let f = &mut fpsr;
        let r = match k {
            Pair(es, q) => {
                let cnt = if q { 128 } else { 64 } / es;
                let c: Vec<u64> = (0..cnt)
                    .map(|i| at(v(n), es, i))
                    .chain((0..cnt).map(|i| at(v(m), es, i)))
                    .collect();
                let r: Vec<u64> = (c.chunks(2))
                    .map(|p| self.run(cpu0, f, FADD[dbl(es)], [p[0], p[1], 0], es))
                    .collect();
                pack(&r, es)
            }
            Reduce(op, es, count) => {
                let e: Vec<u64> = (0..count).map(|i| at(v(n), es, i)).collect();
                u128::from(self.tree(cpu0, f, op[dbl(es)], es, &e))
            }
            MulElem(es, q, index) => {
                let cnt = if q { 128 } else { 64 } / es;
                let b = at(v(m), es, index);
                let r: Vec<u64> = (0..cnt)
                    .map(|i| self.run(cpu0, f, FMUL[dbl(es)], [at(v(n), es, i), b, 0], es))
                    .collect();
                pack(&r, es)
            }
            ScalarElem(fmla, es, index) => {
                let w = match fmla {
                    None => FMUL,
                    Some(false) => FMADD,
                    Some(true) => FMSUB,
                };
                let abc = [at(v(n), es, 0), at(v(m), es, index), at(v(d), es, 0)];
                u128::from(self.run(cpu0, f, w[dbl(es)], abc, es))
            }
            Widen(es, upper) => {
                let src = if upper { v(n) >> 64 } else { v(n) };
                let r: Vec<u64> = (0..64 / es)
                    .map(|i| {
                        self.run(
                            cpu0,
                            f,
                            FCVT_UP[dbl(2 * es)],
                            [at(src, es, i), 0, 0],
                            2 * es,
                        )
                    })
                    .collect();
                pack(&r, 2 * es)
            }
            Narrow(es, upper) => {
                let r: Vec<u64> = (0..64 / es)
                    .map(|i| {
                        self.run(
                            cpu0,
                            f,
                            FCVT_DOWN[dbl(2 * es)],
                            [at(v(n), 2 * es, i), 0, 0],
                            es,
                        )
                    })
                    .collect();
                let r = pack(&r, es);
                if upper {
                    v(d) & u128::from(u64::MAX) | r << 64
                } else {
                    r
                }
            }
            Odd(upper, scalar) => {
                // FCVT toward zero, the lowest bit set when inexact.
                let rz = CpuState {
                    fpcr: cpu0.fpcr & !(3 << 22) | 3 << 22,
                    fpsr: 0,
                    ..Default::default()
                };
                let cnt = if scalar { 1 } else { 2 };
                let r: Vec<u64> = (0..cnt)
                    .map(|i| {
                        let mut flags = 0;
                        let x =
                            self.run(&rz, &mut flags, FCVT_DOWN[1], [at(v(n), 64, i), 0, 0], 32);
                        *f |= flags;
                        let nan = x & 0x7fff_ffff > 0x7f80_0000;
                        x | u64::from(flags & 1 << 4 != 0 && !nan)
                    })
                    .collect();
                let r = pack(&r, 32);
                if upper {
                    v(d) & u128::from(u64::MAX) | r << 64
                } else {
                    r
                }
            }
        };
        (r, fpsr)
    }
}

/// Each form alone: no helper call, the interpreter against the scalar
/// instructions lane by lane, the x86-64 code against the interpreter.
#[test]
fn fp_pair_forms_match_the_scalar_operations() {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0xF9A1));
    let mut jit = Jit::new();
    let mut r = Reference {
        blocks: HashMap::new(),
        buf: Box::new(Scratch([0; BUF_LEN])),
        mem0: vec![0u8; BUF_LEN],
    };
    let mut buf = Box::new(Scratch([0; BUF_LEN]));
    let mem0 = [0u8; BUF_LEN];
    let iters = env_u64("EMU_FP_PAIRS_ITERS", 300);
    for (w, k) in FORMS {
        let block = block_of(&[w]);
        assert!(
            !(block.ops.iter()).any(|o| matches!(o, Op::Call { .. })),
            "{w:#010x} ({k:?}) calls a helper"
        );
        for _ in 0..iters {
            let cpu0 = state(&mut rng, source_es(k));
            let want = r.expect(w, k, &cpu0);
            let got = run_interp(&block, &cpu0, &mut *buf, &mem0).cpu;
            let d = (w & 31) as usize;
            assert_eq!(
                (got.v[d], got.fpsr),
                want,
                "{w:#010x} ({k:?}) fpcr {:#x} fpsr {:#x}: v1..v4 {:#034x?} v19 {:#034x}",
                cpu0.fpcr,
                cpu0.fpsr,
                &cpu0.v[1..5],
                cpu0.v[19]
            );
            if let Err(e) = interp_vs_jit(&mut jit, &mut *buf, &block, &cpu0, &mem0) {
                panic!("{w:#010x} ({k:?}) fpcr {:#x}: {e}", cpu0.fpcr);
            }
        }
    }
}

/// Blocks of two to eleven of these forms and other instructions, the
/// whole state compared between the interpreter and the x86-64 code.
#[test]
fn fp_pair_sequences_in_one_block() {
    let mut rng = Rng(env_u64("EMU_IR_FUZZ_SEED", 0xF9A2));
    let mut jit = Jit::new();
    let mut buf = Box::new(Scratch([0; BUF_LEN]));
    let mem0 = [0u8; BUF_LEN];
    for _ in 0..env_u64("EMU_FP_PAIRS_ITERS", 300) * 4 {
        let words = mixed_seq(&mut rng, 10, 4, |r| r.pick(&FORMS).0);
        let block = block_of(&words);
        let es = rng.pick(&[16, 32, 64]);
        let mut cpu0 = state(&mut rng, es);
        cpu0.x[1] = &*buf as *const Scratch as u64;
        if let Err(e) = interp_vs_jit(&mut jit, &mut *buf, &block, &cpu0, &mem0) {
            panic!("{words:#010x?} fpcr {:#x}: {e}", cpu0.fpcr);
        }
    }
}
