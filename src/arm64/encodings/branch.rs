//! Branches, exception generation excluded (see system.rs).
//! Fields: i = imm, c = cond, d = Rt, n = Rn, z = sf, b = bit number (b5:b40).

encodings! {
    B = "000101iiiiiiiiiiiiiiiiiiiiiiiiii",
    BL = "100101iiiiiiiiiiiiiiiiiiiiiiiiii",
    B_cond = "01010100iiiiiiiiiiiiiiiiiii0cccc",
    CBZ = "z0110100iiiiiiiiiiiiiiiiiiiddddd",
    CBNZ = "z0110101iiiiiiiiiiiiiiiiiiiddddd",
    TBZ = "b0110110bbbbbiiiiiiiiiiiiiiddddd",
    TBNZ = "b0110111bbbbbiiiiiiiiiiiiiiddddd",
    BR = "1101011000011111000000nnnnn00000",
    BLR = "1101011000111111000000nnnnn00000",
    RET = "1101011001011111000000nnnnn00000",
}
