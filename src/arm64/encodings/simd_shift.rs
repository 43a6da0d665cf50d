//! Advanced SIMD shift by immediate, vector and scalar: one row per
//! instruction form (suffix `_v` vector, `_s` scalar; `_imm` tells the
//! saturating shifts by immediate from those by register, `_fix` the
//! fixed-point conversions from the integer ones).
//!
//! Fields: Q = 128-bit, h = immh, b = immb, n = Rn, d = Rd. The element
//! sizes a form allows beyond its pattern are checked by the frontend.

encodings! {
    // Vector (immh = 0000 is modified immediate, decoded before).
    SSHR_v = "0Q0011110hhhhbbb000001nnnnnddddd",
    USHR_v = "0Q1011110hhhhbbb000001nnnnnddddd",
    SSRA_v = "0Q0011110hhhhbbb000101nnnnnddddd",
    USRA_v = "0Q1011110hhhhbbb000101nnnnnddddd",
    SRSHR_v = "0Q0011110hhhhbbb001001nnnnnddddd",
    URSHR_v = "0Q1011110hhhhbbb001001nnnnnddddd",
    SRSRA_v = "0Q0011110hhhhbbb001101nnnnnddddd",
    URSRA_v = "0Q1011110hhhhbbb001101nnnnnddddd",
    SRI_v = "0Q1011110hhhhbbb010001nnnnnddddd",
    SHL_v = "0Q0011110hhhhbbb010101nnnnnddddd",
    SLI_v = "0Q1011110hhhhbbb010101nnnnnddddd",
    SQSHLU_v = "0Q1011110hhhhbbb011001nnnnnddddd",
    SQSHL_imm_v = "0Q0011110hhhhbbb011101nnnnnddddd",
    UQSHL_imm_v = "0Q1011110hhhhbbb011101nnnnnddddd",
    SHRN_v = "0Q0011110hhhhbbb100001nnnnnddddd",
    SQSHRUN_v = "0Q1011110hhhhbbb100001nnnnnddddd",
    RSHRN_v = "0Q0011110hhhhbbb100011nnnnnddddd",
    SQRSHRUN_v = "0Q1011110hhhhbbb100011nnnnnddddd",
    SQSHRN_v = "0Q0011110hhhhbbb100101nnnnnddddd",
    UQSHRN_v = "0Q1011110hhhhbbb100101nnnnnddddd",
    SQRSHRN_v = "0Q0011110hhhhbbb100111nnnnnddddd",
    UQRSHRN_v = "0Q1011110hhhhbbb100111nnnnnddddd",
    SSHLL_v = "0Q0011110hhhhbbb101001nnnnnddddd",
    USHLL_v = "0Q1011110hhhhbbb101001nnnnnddddd",
    SCVTF_fix_v = "0Q0011110hhhhbbb111001nnnnnddddd",
    UCVTF_fix_v = "0Q1011110hhhhbbb111001nnnnnddddd",
    FCVTZS_fix_v = "0Q0011110hhhhbbb111111nnnnnddddd",
    FCVTZU_fix_v = "0Q1011110hhhhbbb111111nnnnnddddd",
    // Scalar.
    SSHR_s = "010111110hhhhbbb000001nnnnnddddd",
    USHR_s = "011111110hhhhbbb000001nnnnnddddd",
    SSRA_s = "010111110hhhhbbb000101nnnnnddddd",
    USRA_s = "011111110hhhhbbb000101nnnnnddddd",
    SRSHR_s = "010111110hhhhbbb001001nnnnnddddd",
    URSHR_s = "011111110hhhhbbb001001nnnnnddddd",
    SRSRA_s = "010111110hhhhbbb001101nnnnnddddd",
    URSRA_s = "011111110hhhhbbb001101nnnnnddddd",
    SRI_s = "011111110hhhhbbb010001nnnnnddddd",
    SHL_s = "010111110hhhhbbb010101nnnnnddddd",
    SLI_s = "011111110hhhhbbb010101nnnnnddddd",
    SQSHLU_s = "011111110hhhhbbb011001nnnnnddddd",
    SQSHL_imm_s = "010111110hhhhbbb011101nnnnnddddd",
    UQSHL_imm_s = "011111110hhhhbbb011101nnnnnddddd",
    SQSHRUN_s = "011111110hhhhbbb100001nnnnnddddd",
    SQRSHRUN_s = "011111110hhhhbbb100011nnnnnddddd",
    SQSHRN_s = "010111110hhhhbbb100101nnnnnddddd",
    UQSHRN_s = "011111110hhhhbbb100101nnnnnddddd",
    SQRSHRN_s = "010111110hhhhbbb100111nnnnnddddd",
    UQRSHRN_s = "011111110hhhhbbb100111nnnnnddddd",
    SCVTF_fix_s = "010111110hhhhbbb111001nnnnnddddd",
    UCVTF_fix_s = "011111110hhhhbbb111001nnnnnddddd",
    FCVTZS_fix_s = "010111110hhhhbbb111111nnnnnddddd",
    FCVTZU_fix_s = "011111110hhhhbbb111111nnnnnddddd",

}
