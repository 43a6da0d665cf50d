//! Advanced SIMD table lookup, permute, extract, copy and modified
//! immediate: one row per instruction form (Arm ARM C4.1.x). The other
//! Advanced SIMD classes have their own per-form tables
//! ([`super::simd_same`], [`super::simd_misc`], [`super::simd_across`],
//! [`super::simd_shift`], [`super::simd_elem`], [`super::simd_diff`],
//! [`super::simd_ldst`]).
//!
//! Fields: Q = 128-bit, s = size, d = Rd, n = Rn, m = Rm, i/j = immediates
//! (imm5/imm4 of copy, a:b:c:d:e:f:g:h of modified immediate, imm4 of EXT),
//! c = the cmode bits a modified-immediate form leaves open, l = len.

encodings! {
    // Table lookup (l = number of table registers - 1).
    TBL = "0Q001110000mmmmm0ll000nnnnnddddd",
    TBX = "0Q001110000mmmmm0ll100nnnnnddddd",
    // Permute.
    UZP1 = "0Q001110ss0mmmmm000110nnnnnddddd",
    TRN1 = "0Q001110ss0mmmmm001010nnnnnddddd",
    ZIP1 = "0Q001110ss0mmmmm001110nnnnnddddd",
    UZP2 = "0Q001110ss0mmmmm010110nnnnnddddd",
    TRN2 = "0Q001110ss0mmmmm011010nnnnnddddd",
    ZIP2 = "0Q001110ss0mmmmm011110nnnnnddddd",
    // Extract.
    EXT = "0Q101110000mmmmm0iiii0nnnnnddddd",
    // Copy (i = imm5, j = imm4), and the scalar DUP (element).
    DUP_elem = "0Q001110000iiiii000001nnnnnddddd",
    DUP_gen = "0Q001110000iiiii000011nnnnnddddd",
    SMOV = "0Q001110000iiiii001011nnnnnddddd",
    UMOV = "0Q001110000iiiii001111nnnnnddddd",
    INS_gen = "01001110000iiiii000111nnnnnddddd",
    INS_elem = "01101110000iiiii0jjjj1nnnnnddddd",
    DUP_elem_s = "01011110000iiiii000001nnnnnddddd",
    // Modified immediate (immh == 0000 of shift by immediate, whose table
    // comes after this one): i = a:b:c:d:e:f:g:h, c = the cmode bits a form
    // leaves open.
    MOVI_32 = "0Q00111100000iii0cc001iiiiiddddd",
    ORR_imm_32 = "0Q00111100000iii0cc101iiiiiddddd",
    MOVI_16 = "0Q00111100000iii10c001iiiiiddddd",
    ORR_imm_16 = "0Q00111100000iii10c101iiiiiddddd",
    MOVI_ones = "0Q00111100000iii110c01iiiiiddddd",
    MOVI_8 = "0Q00111100000iii111001iiiiiddddd",
    FMOV_imm_v = "0Q00111100000iii111101iiiiiddddd",
    FMOV_imm_vh = "0Q00111100000iii111111iiiiiddddd",
    MVNI_32 = "0Q10111100000iii0cc001iiiiiddddd",
    BIC_imm_32 = "0Q10111100000iii0cc101iiiiiddddd",
    MVNI_16 = "0Q10111100000iii10c001iiiiiddddd",
    BIC_imm_16 = "0Q10111100000iii10c101iiiiiddddd",
    MVNI_ones = "0Q10111100000iii110c01iiiiiddddd",
    MOVI_64 = "0Q10111100000iii111001iiiiiddddd",
    FMOV_imm_vd = "0110111100000iii111101iiiiiddddd",
}
