//! Instructions of the Armv8.1–8.6 extensions: FEAT_DotProd, FEAT_I8MM,
//! FEAT_RDM, FEAT_FCMA, FEAT_FHM, FEAT_BF16, FEAT_FRINTTS, FEAT_JSCVT and
//! FEAT_FlagM/FlagM2. Most of them sit inside the broader class patterns of
//! [`super::simd`], [`super::fp`], [`super::system`] and [`super::dp_reg`];
//! this table comes first in decode order and each pattern is strictly more
//! specific than the class pattern it overrides.
//!
//! Fields: Q = 128-bit (B/T selector of BFMLAL), s = size, m = Rm, n = Rn,
//! d = Rd, H/L/M = index bits (M is Rm<4> where the index does not use it),
//! r = rot, z = sz, t = ftype<0>, i = imm6, k = mask.

encodings! {
    // FEAT_DotProd, FEAT_I8MM (Advanced SIMD three same extra, by element).
    SDOT_vec = "0Q001110100mmmmm100101nnnnnddddd",
    UDOT_vec = "0Q101110100mmmmm100101nnnnnddddd",
    USDOT_vec = "0Q001110100mmmmm100111nnnnnddddd",
    SMMLA = "01001110100mmmmm101001nnnnnddddd",
    UMMLA = "01101110100mmmmm101001nnnnnddddd",
    USMMLA = "01001110100mmmmm101011nnnnnddddd",
    SDOT_elem = "0Q00111110LMmmmm1110H0nnnnnddddd",
    UDOT_elem = "0Q10111110LMmmmm1110H0nnnnnddddd",
    USDOT_elem = "0Q00111110LMmmmm1111H0nnnnnddddd",
    SUDOT_elem = "0Q00111100LMmmmm1111H0nnnnnddddd",
    // FEAT_RDM.
    SQRDMLAH_vec = "0Q101110ss0mmmmm100001nnnnnddddd",
    SQRDMLSH_vec = "0Q101110ss0mmmmm100011nnnnnddddd",
    SQRDMLAH_s = "01111110ss0mmmmm100001nnnnnddddd",
    SQRDMLSH_s = "01111110ss0mmmmm100011nnnnnddddd",
    SQRDMLAH_elem = "0Q101111ssLMmmmm1101H0nnnnnddddd",
    SQRDMLSH_elem = "0Q101111ssLMmmmm1111H0nnnnnddddd",
    SQRDMLAH_selem = "01111111ssLMmmmm1101H0nnnnnddddd",
    SQRDMLSH_selem = "01111111ssLMmmmm1111H0nnnnnddddd",
    // FEAT_FCMA.
    FCMLA_vec = "0Q101110ss0mmmmm110rr1nnnnnddddd",
    FCADD = "0Q101110ss0mmmmm111r01nnnnnddddd",
    FCMLA_elem = "0Q101111ssLMmmmm0rr1H0nnnnnddddd",
    // FEAT_FHM.
    FMLAL_vec = "0Q001110001mmmmm111011nnnnnddddd",
    FMLSL_vec = "0Q001110101mmmmm111011nnnnnddddd",
    FMLAL2_vec = "0Q101110001mmmmm110011nnnnnddddd",
    FMLSL2_vec = "0Q101110101mmmmm110011nnnnnddddd",
    FMLAL_elem = "0Q00111110LMmmmm0000H0nnnnnddddd",
    FMLSL_elem = "0Q00111110LMmmmm0100H0nnnnnddddd",
    FMLAL2_elem = "0Q10111110LMmmmm1000H0nnnnnddddd",
    FMLSL2_elem = "0Q10111110LMmmmm1100H0nnnnnddddd",
    // FEAT_BF16.
    BFDOT_vec = "0Q101110010mmmmm111111nnnnnddddd",
    BFMLAL_vec = "0Q101110110mmmmm111111nnnnnddddd",
    BFMMLA = "01101110010mmmmm111011nnnnnddddd",
    BFDOT_elem = "0Q00111101LMmmmm1111H0nnnnnddddd",
    BFMLAL_elem = "0Q00111111LMmmmm1111H0nnnnnddddd",
    BFCVTN = "0Q00111010100001011010nnnnnddddd",
    BFCVT = "0001111001100011010000nnnnnddddd",
    // FEAT_FRINTTS.
    FRINT32Z = "000111100t101000010000nnnnnddddd",
    FRINT32X = "000111100t101000110000nnnnnddddd",
    FRINT64Z = "000111100t101001010000nnnnnddddd",
    FRINT64X = "000111100t101001110000nnnnnddddd",
    FRINT32Z_vec = "0Q0011100z100001111010nnnnnddddd",
    FRINT32X_vec = "0Q1011100z100001111010nnnnnddddd",
    FRINT64Z_vec = "0Q0011100z100001111110nnnnnddddd",
    FRINT64X_vec = "0Q1011100z100001111110nnnnnddddd",
    // FEAT_JSCVT.
    FJCVTZS = "0001111001111110000000nnnnnddddd",
    // FEAT_FlagM, FEAT_FlagM2.
    CFINV = "11010101000000000100000000011111",
    XAFLAG = "11010101000000000100000000111111",
    AXFLAG = "11010101000000000100000001011111",
    RMIF = "10111010000iiiiii00001nnnnn0kkkk",
    SETF8 = "0011101000000000000010nnnnn01101",
    SETF16 = "0011101000000000010010nnnnn01101",
}
