//! Advanced SIMD across lanes and scalar pairwise: one row per instruction
//! form (`_h` half precision, FEAT_FP16; `_s`/`_sh` the scalar pairwise
//! forms).
//!
//! Fields: Q = 128-bit, s = size, z = sz (single/double), n = Rn, d = Rd.
//! The element sizes a form allows beyond its pattern are checked by the
//! frontend.

encodings! {
    // Across lanes, integer.
    SADDLV = "0Q001110ss110000001110nnnnnddddd",
    UADDLV = "0Q101110ss110000001110nnnnnddddd",
    SMAXV = "0Q001110ss110000101010nnnnnddddd",
    UMAXV = "0Q101110ss110000101010nnnnnddddd",
    SMINV = "0Q001110ss110001101010nnnnnddddd",
    UMINV = "0Q101110ss110001101010nnnnnddddd",
    ADDV = "0Q001110ss110001101110nnnnnddddd",
    // Across lanes, half precision (any Q) and single precision (Q = 1).
    FMAXNMV_h = "0Q00111000110000110010nnnnnddddd",
    FMINNMV_h = "0Q00111010110000110010nnnnnddddd",
    FMAXV_h = "0Q00111000110000111110nnnnnddddd",
    FMINV_h = "0Q00111010110000111110nnnnnddddd",
    FMAXNMV = "0110111000110000110010nnnnnddddd",
    FMINNMV = "0110111010110000110010nnnnnddddd",
    FMAXV = "0110111000110000111110nnnnnddddd",
    FMINV = "0110111010110000111110nnnnnddddd",
    // Scalar pairwise.
    ADDP_s = "0101111011110001101110nnnnnddddd",
    FMAXNMP_sh = "0101111000110000110010nnnnnddddd",
    FMINNMP_sh = "0101111010110000110010nnnnnddddd",
    FADDP_sh = "0101111000110000110110nnnnnddddd",
    FMAXP_sh = "0101111000110000111110nnnnnddddd",
    FMINP_sh = "0101111010110000111110nnnnnddddd",
    FMAXNMP_s = "011111100z110000110010nnnnnddddd",
    FMINNMP_s = "011111101z110000110010nnnnnddddd",
    FADDP_s = "011111100z110000110110nnnnnddddd",
    FMAXP_s = "011111100z110000111110nnnnnddddd",
    FMINP_s = "011111101z110000111110nnnnnddddd",
}
