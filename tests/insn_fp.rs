//! Scalar floating-point instructions: decoding, and (through the JIT)
//! register, NZCV and FPSR results against the Arm ARM semantics.

use emu::arm64::decode;

/// Words from aarch64-linux-gnu-as, with their source and expected encoding.
const DECODE: &[(u32, &str)] = &[
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

#[test]
fn decodes_every_scalar_fp_form() {
    for &(word, name) in DECODE {
        let f = decode(word).unwrap_or_else(|| panic!("{word:#010x} ({name}) does not decode"));
        assert_eq!(f.entry.name, name, "{word:#010x}");
    }
}
