//! Data processing — immediate.
//! Fields: z = sf, o = op/opc, s = S (set flags), h = shift/hw, i = imm,
//! N = N, r = immr, s = imms (bitfield/logical), n = Rn, d = Rd, m = Rm, l = immlo.

encodings! {
    ADR = "0ll10000iiiiiiiiiiiiiiiiiiiddddd",
    ADRP = "1ll10000iiiiiiiiiiiiiiiiiiiddddd",
    ADDSUB_imm = "zoS100010hiiiiiiiiiiiinnnnnddddd",
    LOGIC_imm = "zoo100100Nrrrrrrssssssnnnnnddddd",
    MOVW = "zoo100101hhiiiiiiiiiiiiiiiiddddd",
    BITFIELD = "zoo100110Nrrrrrrssssssnnnnnddddd",
    EXTR = "z00100111N0mmmmmssssssnnnnnddddd",
}
