//! Data processing — register.
//! Fields: z = sf, o = op/opc, S = S (set flags), h = shift type, N = N
//! (invert the second operand), m = Rm, i = imm6 / imm3 / imm5, x = option
//! (extend type), n = Rn, d = Rd, a = Ra, c = cond, f = nzcv, p = op2<0>
//! (conditional select), u = U (unsigned, widening multiplies), C = C
//! (CRC32C), s = sz (CRC32 operand size).

encodings! {
    LOGIC_shift = "zoo01010hhNmmmmmiiiiiinnnnnddddd",
    ADDSUB_shift = "zoS01011hh0mmmmmiiiiiinnnnnddddd",
    ADDSUB_ext = "zoS01011001mmmmmxxxiiinnnnnddddd",
    ADC = "zoS11010000mmmmm000000nnnnnddddd",
    CCMP_reg = "zo111010010mmmmmcccc00nnnnn0ffff",
    CCMP_imm = "zo111010010iiiiicccc10nnnnn0ffff",
    CSEL = "zo011010100mmmmmcccc0pnnnnnddddd",
    DIV = "z0011010110mmmmm00001onnnnnddddd",
    SHIFTV = "z0011010110mmmmm0010oonnnnnddddd",
    CRC32 = "z0011010110mmmmm010Cssnnnnnddddd",
    DP1 = "z101101011000000000ooonnnnnddddd",
    MADD = "z0011011000mmmmmoaaaaannnnnddddd",
    MADDL = "10011011u01mmmmmoaaaaannnnnddddd",
    MULH = "10011011u10mmmmm0-----nnnnnddddd",
}
