//! Scalar floating point: the "Floating-point data-processing" and
//! "Conversion between floating-point and integer/fixed-point" classes
//! (op0 = x111, bits 28..24 = 1111x, bit 30 = 0).
//! Fields: t = ftype (00 S, 01 D, 11 H), n = Rn, d = Rd, m = Rm, a = Ra,
//! z = sf, r = rmode, o = opc (FCVT destination type), s = scale
//! (64 - fbits), i = imm8, c = cond, f = nzcv.

encodings! {
    // Conversion between floating-point and fixed-point.
    SCVTF_fix = "z0011110tt000010ssssssnnnnnddddd",
    UCVTF_fix = "z0011110tt000011ssssssnnnnnddddd",
    FCVTZS_fix = "z0011110tt011000ssssssnnnnnddddd",
    FCVTZU_fix = "z0011110tt011001ssssssnnnnnddddd",
    // Conversion between floating-point and integer.
    FCVTNS = "z0011110tt100000000000nnnnnddddd",
    FCVTNU = "z0011110tt100001000000nnnnnddddd",
    FCVTPS = "z0011110tt101000000000nnnnnddddd",
    FCVTPU = "z0011110tt101001000000nnnnnddddd",
    FCVTMS = "z0011110tt110000000000nnnnnddddd",
    FCVTMU = "z0011110tt110001000000nnnnnddddd",
    FCVTZS = "z0011110tt111000000000nnnnnddddd",
    FCVTZU = "z0011110tt111001000000nnnnnddddd",
    SCVTF = "z0011110tt100010000000nnnnnddddd",
    UCVTF = "z0011110tt100011000000nnnnnddddd",
    FCVTAS = "z0011110tt100100000000nnnnnddddd",
    FCVTAU = "z0011110tt100101000000nnnnnddddd",
    // FMOV (general): rmode 00, or 01 for the top half of V (sf=1, ftype=10).
    FMOV_to_gen = "z0011110tt1rr110000000nnnnnddddd",
    FMOV_from_gen = "z0011110tt1rr111000000nnnnnddddd",
    // Data-processing (1 source).
    FMOV_reg = "00011110tt100000010000nnnnnddddd",
    FABS = "00011110tt100000110000nnnnnddddd",
    FNEG = "00011110tt100001010000nnnnnddddd",
    FSQRT = "00011110tt100001110000nnnnnddddd",
    FCVT = "00011110tt10001oo10000nnnnnddddd",
    FRINTN = "00011110tt100100010000nnnnnddddd",
    FRINTP = "00011110tt100100110000nnnnnddddd",
    FRINTM = "00011110tt100101010000nnnnnddddd",
    FRINTZ = "00011110tt100101110000nnnnnddddd",
    FRINTA = "00011110tt100110010000nnnnnddddd",
    FRINTX = "00011110tt100111010000nnnnnddddd",
    FRINTI = "00011110tt100111110000nnnnnddddd",
    // Compare (the zero forms ignore the Rm field).
    FCMP = "00011110tt1mmmmm001000nnnnn00000",
    FCMP_zero = "00011110tt1-----001000nnnnn01000",
    FCMPE = "00011110tt1mmmmm001000nnnnn10000",
    FCMPE_zero = "00011110tt1-----001000nnnnn11000",
    // Immediate.
    FMOV_imm = "00011110tt1iiiiiiii10000000ddddd",
    // Conditional compare.
    FCCMP = "00011110tt1mmmmmcccc01nnnnn0ffff",
    FCCMPE = "00011110tt1mmmmmcccc01nnnnn1ffff",
    // Data-processing (2 source).
    FMUL = "00011110tt1mmmmm000010nnnnnddddd",
    FDIV = "00011110tt1mmmmm000110nnnnnddddd",
    FADD = "00011110tt1mmmmm001010nnnnnddddd",
    FSUB = "00011110tt1mmmmm001110nnnnnddddd",
    FMAX = "00011110tt1mmmmm010010nnnnnddddd",
    FMIN = "00011110tt1mmmmm010110nnnnnddddd",
    FMAXNM = "00011110tt1mmmmm011010nnnnnddddd",
    FMINNM = "00011110tt1mmmmm011110nnnnnddddd",
    FNMUL = "00011110tt1mmmmm100010nnnnnddddd",
    // Conditional select.
    FCSEL = "00011110tt1mmmmmcccc11nnnnnddddd",
    // Data-processing (3 source).
    FMADD = "00011111tt0mmmmm0aaaaannnnnddddd",
    FMSUB = "00011111tt0mmmmm1aaaaannnnnddddd",
    FNMADD = "00011111tt1mmmmm0aaaaannnnnddddd",
    FNMSUB = "00011111tt1mmmmm1aaaaannnnnddddd",
}
