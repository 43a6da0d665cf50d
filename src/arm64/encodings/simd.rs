//! Advanced SIMD: vector and "Advanced SIMD scalar" data processing, and the
//! Advanced SIMD load/store structure classes (Arm ARM C4.1.x), as class
//! rows; the classes with one row per instruction form have their own
//! tables ([`super::simd_same`], [`super::simd_misc`],
//! [`super::simd_across`], [`super::simd_shift`], [`super::simd_elem`]).
//!
//! Fields: Q = 128-bit, U = unsigned/second opcode bit, s = size, o = opcode,
//! d = Rd (Rt), n = Rn, m = Rm, i/j = immediates (imm5/imm4, abc:defgh,
//! imm4 of EXT), p = op / post-index, c = cmode, z = o2, h = immh, b = immb,
//! l = len, x = TBX, L = load / L of the indexed forms, R = R (LD2..LD4
//! single), S = S, M = M, H = H.

encodings! {
    // Load/store multiple structures (p = post-indexed; m must be 0 unless p).
    LDST_MULT = "0Q001100pL0mmmmmoooossnnnnnddddd",
    // Load/store single structure and LDnR.
    LDST_SINGLE = "0Q001101pLRmmmmmoooSssnnnnnddddd",
    // Table lookup.
    TBL = "0Q001110000mmmmm0llx00nnnnnddddd",
    // Permute: UZP1/2, TRN1/2, ZIP1/2.
    PERM = "0Q001110ss0mmmmm0ooo10nnnnnddddd",
    // Extract.
    EXT = "0Q101110000mmmmm0iiii0nnnnnddddd",
    // Copy: DUP (element, general), INS (general, element), SMOV, UMOV.
    COPY = "0Qp01110000iiiii0jjjj1nnnnnddddd",
    // Scalar copy: DUP (element) into a scalar.
    SCOPY = "01p11110000iiiii0jjjj1nnnnnddddd",
    // Three registers of different types (long, wide, narrow).
    THREE_DIFF = "0QU01110ss1mmmmmoooo00nnnnnddddd",
    STHREE_DIFF = "01U11110ss1mmmmmoooo00nnnnnddddd",
    // Modified immediate (immh == 0000 of shift by immediate, whose table
    // comes after this one).
    MODIMM = "0Qp0111100000iiicccco1iiiiiddddd",
}
