//! Exception generation, hints, barriers, PSTATE moves, system instructions
//! and system-register moves.
//! Fields: i = imm16; m = CRm; o = op2 (HINT) or op1 (MSR immediate, SYS);
//! p = op2 (MSR immediate, SYS); n = CRn; d = Rt; s = the 15-bit system
//! register key o0:op1:CRn:CRm:op2 (op0 = 2 + o0).

encodings! {
    SVC = "11010100000iiiiiiiiiiiiiiii00001",
    BRK = "11010100001iiiiiiiiiiiiiiii00000",
    HLT = "11010100010iiiiiiiiiiiiiiii00000",
    HINT = "11010101000000110010mmmmooo11111",
    CLREX = "11010101000000110011mmmm01011111",
    DSB = "11010101000000110011mmmm10011111",
    DMB = "11010101000000110011mmmm10111111",
    ISB = "11010101000000110011mmmm11011111",
    SB = "11010101000000110011000011111111",
    MSR_imm = "1101010100000ooo0100mmmmppp11111",
    SYS = "1101010100001ooonnnnmmmmpppddddd",
    MSR_reg = "110101010001sssssssssssssssddddd",
    MRS = "110101010011sssssssssssssssddddd",
}
