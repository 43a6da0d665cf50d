//! Instruction encoders for the scalar floating-point tests, from the Arm
//! ARM encoding diagrams of each class, and assembler-produced words.

/// Words from aarch64-linux-gnu-as, with their source and expected encoding.
pub const DECODE: &[(u32, &str)] = &[
    (0x9e42f441, "SCVTF_fix"),     // scvtf d1, x2, #3
    (0x1e03ec41, "UCVTF_fix"),     // ucvtf s1, w2, #5
    (0x9e58d841, "FCVTZS_fix"),    // fcvtzs x1, d2, #10
    (0x1e19fc41, "FCVTZU_fix"),    // fcvtzu w1, s2, #1
    (0x9e600041, "FCVTNS"),        // fcvtns x1, d2
    (0x1e210041, "FCVTNU"),        // fcvtnu w1, s2
    (0x9e680041, "FCVTPS"),        // fcvtps x1, d2
    (0x9e290041, "FCVTPU"),        // fcvtpu x1, s2
    (0x1e700041, "FCVTMS"),        // fcvtms w1, d2
    (0x9e710041, "FCVTMU"),        // fcvtmu x1, d2
    (0x9e780041, "FCVTZS"),        // fcvtzs x1, d2
    (0x1e790041, "FCVTZU"),        // fcvtzu w1, d2
    (0x9e620041, "SCVTF"),         // scvtf d1, x2
    (0x1e230041, "UCVTF"),         // ucvtf s1, w2
    (0x9e640041, "FCVTAS"),        // fcvtas x1, d2
    (0x1e250041, "FCVTAU"),        // fcvtau w1, s2
    (0x1e260041, "FMOV_to_gen"),   // fmov w1, s2
    (0x9e660041, "FMOV_to_gen"),   // fmov x1, d2
    (0x9eae0041, "FMOV_to_gen"),   // fmov x1, v2.d[1]
    (0x1e270041, "FMOV_from_gen"), // fmov s1, w2
    (0x9e670041, "FMOV_from_gen"), // fmov d1, x2
    (0x9eaf0041, "FMOV_from_gen"), // fmov v1.d[1], x2
    (0x1e604041, "FMOV_reg"),      // fmov d1, d2
    (0x1e20c041, "FABS"),          // fabs s1, s2
    (0x1e614041, "FNEG"),          // fneg d1, d2
    (0x1e61c041, "FSQRT"),         // fsqrt d1, d2
    (0x1e624041, "FCVT"),          // fcvt s1, d2
    (0x1e22c041, "FCVT"),          // fcvt d1, s2
    (0x1e63c041, "FCVT"),          // fcvt h1, d2
    (0x1ee2c041, "FCVT"),          // fcvt d1, h2
    (0x1e644041, "FRINTN"),        // frintn d1, d2
    (0x1e64c041, "FRINTP"),        // frintp d1, d2
    (0x1e654041, "FRINTM"),        // frintm d1, d2
    (0x1e65c041, "FRINTZ"),        // frintz d1, d2
    (0x1e664041, "FRINTA"),        // frinta d1, d2
    (0x1e674041, "FRINTX"),        // frintx d1, d2
    (0x1e67c041, "FRINTI"),        // frinti d1, d2
    (0x1e622020, "FCMP"),          // fcmp d1, d2
    (0x1e602028, "FCMP_zero"),     // fcmp d1, #0.0
    (0x1e222030, "FCMPE"),         // fcmpe s1, s2
    (0x1e202038, "FCMPE_zero"),    // fcmpe s1, #0.0
    (0x1e6e1001, "FMOV_imm"),      // fmov d1, #1.000000000000000000e+00
    (0x1e620424, "FCCMP"),         // fccmp d1, d2, #0x4, eq
    (0x1e22b43f, "FCCMPE"),        // fccmpe s1, s2, #0xf, lt
    (0x1e630841, "FMUL"),          // fmul d1, d2, d3
    (0x1e631841, "FDIV"),          // fdiv d1, d2, d3
    (0x1e632841, "FADD"),          // fadd d1, d2, d3
    (0x1e633841, "FSUB"),          // fsub d1, d2, d3
    (0x1e634841, "FMAX"),          // fmax d1, d2, d3
    (0x1e635841, "FMIN"),          // fmin d1, d2, d3
    (0x1e636841, "FMAXNM"),        // fmaxnm d1, d2, d3
    (0x1e637841, "FMINNM"),        // fminnm d1, d2, d3
    (0x1e638841, "FNMUL"),         // fnmul d1, d2, d3
    (0x1e631c41, "FCSEL"),         // fcsel d1, d2, d3, ne
    (0x1f431041, "FMADD"),         // fmadd d1, d2, d3, d4
    (0x1f439041, "FMSUB"),         // fmsub d1, d2, d3, d4
    (0x1f631041, "FNMADD"),        // fnmadd d1, d2, d3, d4
    (0x1f639041, "FNMSUB"),        // fnmsub d1, d2, d3, d4
];

/// ftype values.
pub const S: u32 = 0;
pub const D: u32 = 1;
pub const H: u32 = 3;

/// Floating-point data-processing (2 source): opcode 0 FMUL, 1 FDIV, 2 FADD,
/// 3 FSUB, 4 FMAX, 5 FMIN, 6 FMAXNM, 7 FMINNM, 8 FNMUL.
pub fn fp2(t: u32, opc: u32, d: u32, n: u32, m: u32) -> u32 {
    0x1E20_0800 | t << 22 | m << 16 | opc << 12 | n << 5 | d
}
pub const FMUL: u32 = 0;
pub const FDIV: u32 = 1;
pub const FADD: u32 = 2;
pub const FSUB: u32 = 3;
pub const FMAX: u32 = 4;
pub const FMIN: u32 = 5;
pub const FMAXNM: u32 = 6;
pub const FMINNM: u32 = 7;
pub const FNMUL: u32 = 8;

/// Floating-point data-processing (1 source): opcode 0 FMOV, 1 FABS, 2 FNEG,
/// 3 FSQRT, 4/5/7 FCVT to S/D/H, 8..15 FRINT N,P,M,Z,A,-,X,I.
pub fn fp1(t: u32, opc: u32, d: u32, n: u32) -> u32 {
    0x1E20_4000 | t << 22 | opc << 15 | n << 5 | d
}

/// Floating-point data-processing (3 source): (o1, o0) = (0,0) FMADD,
/// (0,1) FMSUB, (1,0) FNMADD, (1,1) FNMSUB.
pub fn fp3(t: u32, o1: u32, o0: u32, d: u32, n: u32, m: u32, a: u32) -> u32 {
    0x1F00_0000 | t << 22 | o1 << 21 | m << 16 | o0 << 15 | a << 10 | n << 5 | d
}

/// FCMP family: opc2 0 FCMP, 8 FCMP #0, 0x10 FCMPE, 0x18 FCMPE #0.
pub fn fcmp(t: u32, opc2: u32, n: u32, m: u32) -> u32 {
    0x1E20_2000 | t << 22 | m << 16 | n << 5 | opc2
}

/// FCCMP (e = 0) / FCCMPE (e = 1).
pub fn fccmp(t: u32, e: u32, n: u32, m: u32, cond: u32, nzcv: u32) -> u32 {
    0x1E20_0400 | t << 22 | m << 16 | cond << 12 | n << 5 | e << 4 | nzcv
}

pub fn fcsel(t: u32, d: u32, n: u32, m: u32, cond: u32) -> u32 {
    0x1E20_0C00 | t << 22 | m << 16 | cond << 12 | n << 5 | d
}

pub fn fmov_imm(t: u32, d: u32, imm8: u32) -> u32 {
    0x1E20_1000 | t << 22 | imm8 << 13 | d
}

/// Conversion between floating point and integer.
pub fn fcvt_int(sf: u32, t: u32, rmode: u32, opc: u32, d: u32, n: u32) -> u32 {
    sf << 31 | 0x1E20_0000 | t << 22 | rmode << 19 | opc << 16 | n << 5 | d
}

/// Conversion between floating point and fixed point (scale = 64 - fbits).
pub fn fcvt_fix(sf: u32, t: u32, rmode: u32, opc: u32, fbits: u32, d: u32, n: u32) -> u32 {
    sf << 31 | 0x1E00_0000 | t << 22 | rmode << 19 | opc << 16 | (64 - fbits) << 10 | n << 5 | d
}
