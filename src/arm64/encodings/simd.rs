//! Advanced SIMD: the load/store structure classes (class rows), modified
//! immediate (a class row), and one row per instruction form of table
//! lookup, permute, extract and copy (Arm ARM C4.1.x). The other classes
//! have their own per-form tables ([`super::simd_same`], [`super::simd_misc`],
//! [`super::simd_across`], [`super::simd_shift`], [`super::simd_elem`],
//! [`super::simd_diff`]).
//!
//! Fields: Q = 128-bit, s = size, o = opcode (o2 of modified immediate),
//! d = Rd (Rt), n = Rn, m = Rm, i/j = immediates (imm5/imm4 of copy,
//! abc:defgh of modified immediate, imm4 of EXT), p = op of modified
//! immediate / post-index, c = cmode, l = len, L = load, R = R (LD2..LD4
//! single), S = S.

encodings! {
    // Load/store multiple structures (p = post-indexed; m must be 0 unless p).
    LDST_MULT = "0Q001100pL0mmmmmoooossnnnnnddddd",
    // Load/store single structure and LDnR.
    LDST_SINGLE = "0Q001101pLRmmmmmoooSssnnnnnddddd",
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
    // comes after this one).
    MODIMM = "0Qp0111100000iiicccco1iiiiiddddd",
}
