//! Loads and stores (the A64 "Loads and Stores" group), except the Advanced
//! SIMD structure loads/stores (LD1..LD4/ST1..ST4, see simd.rs).
//!
//! Fields: z = size, o = opc, i = imm (imm7/imm9/imm12/imm19), n = Rn,
//! t = Rt, u = Rt2, m = Rm, x = option (extend), S = S (scaled shift),
//! s = Rs, L = load (1) / store (0), A = acquire, R = release,
//! p = o0 (acquire/release ordering bit of exclusives).
//!
//! Rows ending in `_fp` are the SIMD&FP register forms (V = 1). Within one
//! addressing form, size and opc select the access (see
//! `frontend::ldst::single` for that table). Prefetches come before the
//! general rows of the same form because they reuse an otherwise unused
//! size/opc combination. Bits the Arm ARM marks "should be one" (Rs or Rt2
//! of exclusives that do not use them) are ignored (`-`).

encodings! {
    // Load/store exclusive register.
    STXR = "zz001000000sssssp-----nnnnnttttt",
    LDXR = "zz001000010-----p-----nnnnnttttt",
    // Load/store exclusive pair (W or X pair, z = sz).
    STXP = "1z001000001ssssspuuuuunnnnnttttt",
    LDXP = "1z001000011-----puuuuunnnnnttttt",
    // Compare and swap pair (FEAT_LSE), z = sz.
    CASP = "0z0010000A1sssssR11111nnnnnttttt",
    // Load-acquire / store-release register.
    STLR = "zz001000100-----1-----nnnnnttttt",
    LDAR = "zz001000110-----1-----nnnnnttttt",
    // LoadLOAcquire / StoreLORelease (FEAT_LOR): with no LORegions configured
    // (EL0 cannot configure any) they order as LDAR / STLR.
    STLLR = "zz001000100-----0-----nnnnnttttt",
    LDLAR = "zz001000110-----0-----nnnnnttttt",
    // Compare and swap (FEAT_LSE).
    CAS = "zz0010001A1sssssR11111nnnnnttttt",
    // LDAPUR* / STLUR* (FEAT_LRCPC2, unscaled immediate).
    LDAPUR = "zz011001oo0iiiiiiiii00nnnnnttttt",
    // Load register (literal).
    PRFM_lit = "11011000iiiiiiiiiiiiiiiiiiittttt",
    LDR_lit = "oo011000iiiiiiiiiiiiiiiiiiittttt",
    LDR_lit_fp = "oo011100iiiiiiiiiiiiiiiiiiittttt",
    // Load/store register pair: no-allocate, post-index, signed offset, pre-index.
    LDSTNP = "oo1010000Liiiiiiiuuuuunnnnnttttt",
    LDSTP_post = "oo1010001Liiiiiiiuuuuunnnnnttttt",
    LDSTP_off = "oo1010010Liiiiiiiuuuuunnnnnttttt",
    LDSTP_pre = "oo1010011Liiiiiiiuuuuunnnnnttttt",
    LDSTNP_fp = "oo1011000Liiiiiiiuuuuunnnnnttttt",
    LDSTP_post_fp = "oo1011001Liiiiiiiuuuuunnnnnttttt",
    LDSTP_off_fp = "oo1011010Liiiiiiiuuuuunnnnnttttt",
    LDSTP_pre_fp = "oo1011011Liiiiiiiuuuuunnnnnttttt",
    // Load/store register (unscaled immediate, LDUR/STUR; PRFUM).
    PRFUM = "11111000100iiiiiiiii00nnnnnttttt",
    LDST_unscaled = "zz111000oo0iiiiiiiii00nnnnnttttt",
    LDST_unscaled_fp = "zz111100oo0iiiiiiiii00nnnnnttttt",
    // Load/store register (immediate post-indexed).
    LDST_post = "zz111000oo0iiiiiiiii01nnnnnttttt",
    LDST_post_fp = "zz111100oo0iiiiiiiii01nnnnnttttt",
    // Load/store register (unprivileged, LDTR/STTR).
    LDST_unpriv = "zz111000oo0iiiiiiiii10nnnnnttttt",
    // Load/store register (immediate pre-indexed).
    LDST_pre = "zz111000oo0iiiiiiiii11nnnnnttttt",
    LDST_pre_fp = "zz111100oo0iiiiiiiii11nnnnnttttt",
    // Atomic memory operations (FEAT_LSE; LDAPR is FEAT_LRCPC).
    LDAPR = "zz11100010111111110000nnnnnttttt",
    LDOP = "zz111000AR1sssss0ooo00nnnnnttttt",
    SWP = "zz111000AR1sssss100000nnnnnttttt",
    // Load/store register (register offset).
    PRFM_reg = "11111000101mmmmmxxxS10nnnnnttttt",
    LDST_reg = "zz111000oo1mmmmmxxxS10nnnnnttttt",
    LDST_reg_fp = "zz111100oo1mmmmmxxxS10nnnnnttttt",
    // Load/store register (unsigned immediate).
    PRFM_uimm = "1111100110iiiiiiiiiiiinnnnnttttt",
    LDST_uimm = "zz111001ooiiiiiiiiiiiinnnnnttttt",
    LDST_uimm_fp = "zz111101ooiiiiiiiiiiiinnnnnttttt",
}
