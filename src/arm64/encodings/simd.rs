//! Advanced SIMD: vector and "Advanced SIMD scalar" data processing, and the
//! Advanced SIMD load/store structure classes (Arm ARM C4.1.x).
//!
//! Fields: Q = 128-bit, U = unsigned/second opcode bit, s = size, o = opcode,
//! d = Rd (Rt), n = Rn, m = Rm, i/j = immediates (imm5/imm4, abc:defgh,
//! imm4 of EXT), p = op / post-index, c = cmode, z = o2, h = immh, b = immb,
//! l = len, x = TBX, L = load / L of the indexed forms, R = R (LD2..LD4
//! single), S = S, M = M, H = H, a = a (second opcode bit of the FP16
//! classes).

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
    // Three registers of the same type.
    THREE_SAME = "0QU01110ss1mmmmmooooo1nnnnnddddd",
    STHREE_SAME = "01U11110ss1mmmmmooooo1nnnnnddddd",
    // Three same (FP16) and scalar three same FP16 (FEAT_FP16).
    THREE_SAME_H = "0QU01110a10mmmmm00ooo1nnnnnddddd",
    STHREE_SAME_H = "01U11110a10mmmmm00ooo1nnnnnddddd",
    // Three registers of different types (long, wide, narrow).
    THREE_DIFF = "0QU01110ss1mmmmmoooo00nnnnnddddd",
    STHREE_DIFF = "01U11110ss1mmmmmoooo00nnnnnddddd",
    // Two-register miscellaneous.
    TWO_MISC = "0QU01110ss10000ooooo10nnnnnddddd",
    STWO_MISC = "01U11110ss10000ooooo10nnnnnddddd",
    // Two-register miscellaneous (FP16) and its scalar form (FEAT_FP16).
    TWO_MISC_H = "0QU01110a111100ooooo10nnnnnddddd",
    STWO_MISC_H = "01U11110a111100ooooo10nnnnnddddd",
    // Across lanes and scalar pairwise.
    ACROSS = "0QU01110ss11000ooooo10nnnnnddddd",
    SPAIR = "01U11110ss11000ooooo10nnnnnddddd",
    // Modified immediate (before SHIFT_IMM: immh == 0000 selects it).
    MODIMM = "0Qp0111100000iiicccco1iiiiiddddd",
    // Shift by immediate.
    SHIFT_IMM = "0QU011110hhhhbbbooooo1nnnnnddddd",
    SSHIFT_IMM = "01U111110hhhhbbbooooo1nnnnnddddd",
    // Vector and scalar by indexed element.
    INDEXED = "0QU01111ssLMmmmmooooH0nnnnnddddd",
    SINDEXED = "01U11111ssLMmmmmooooH0nnnnnddddd",
}
