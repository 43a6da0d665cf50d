//! Advanced SIMD three different (long, wide and narrowing-high forms),
//! vector and scalar: one row per instruction form (suffix `_v` vector,
//! `_s` scalar; `PMULL_1q` is PMULL on 64-bit elements, FEAT_PMULL).
//!
//! Fields: Q = 128-bit (the "2" forms), s = size, m = Rm, n = Rn, d = Rd.
//! The element sizes a form allows beyond its pattern are checked by the
//! frontend.

encodings! {
    // Vector.
    SADDL_v = "0Q001110ss1mmmmm000000nnnnnddddd",
    UADDL_v = "0Q101110ss1mmmmm000000nnnnnddddd",
    SADDW_v = "0Q001110ss1mmmmm000100nnnnnddddd",
    UADDW_v = "0Q101110ss1mmmmm000100nnnnnddddd",
    SSUBL_v = "0Q001110ss1mmmmm001000nnnnnddddd",
    USUBL_v = "0Q101110ss1mmmmm001000nnnnnddddd",
    SSUBW_v = "0Q001110ss1mmmmm001100nnnnnddddd",
    USUBW_v = "0Q101110ss1mmmmm001100nnnnnddddd",
    ADDHN_v = "0Q001110ss1mmmmm010000nnnnnddddd",
    RADDHN_v = "0Q101110ss1mmmmm010000nnnnnddddd",
    SABAL_v = "0Q001110ss1mmmmm010100nnnnnddddd",
    UABAL_v = "0Q101110ss1mmmmm010100nnnnnddddd",
    SUBHN_v = "0Q001110ss1mmmmm011000nnnnnddddd",
    RSUBHN_v = "0Q101110ss1mmmmm011000nnnnnddddd",
    SABDL_v = "0Q001110ss1mmmmm011100nnnnnddddd",
    UABDL_v = "0Q101110ss1mmmmm011100nnnnnddddd",
    SMLAL_v = "0Q001110ss1mmmmm100000nnnnnddddd",
    UMLAL_v = "0Q101110ss1mmmmm100000nnnnnddddd",
    SQDMLAL_v = "0Q001110ss1mmmmm100100nnnnnddddd",
    SMLSL_v = "0Q001110ss1mmmmm101000nnnnnddddd",
    UMLSL_v = "0Q101110ss1mmmmm101000nnnnnddddd",
    SQDMLSL_v = "0Q001110ss1mmmmm101100nnnnnddddd",
    SMULL_v = "0Q001110ss1mmmmm110000nnnnnddddd",
    UMULL_v = "0Q101110ss1mmmmm110000nnnnnddddd",
    SQDMULL_v = "0Q001110ss1mmmmm110100nnnnnddddd",
    PMULL_v = "0Q001110001mmmmm111000nnnnnddddd",
    PMULL_1q = "0Q001110111mmmmm111000nnnnnddddd",
    // Scalar.
    SQDMLAL_s = "01011110ss1mmmmm100100nnnnnddddd",
    SQDMLSL_s = "01011110ss1mmmmm101100nnnnnddddd",
    SQDMULL_s = "01011110ss1mmmmm110100nnnnnddddd",
}
