//! The cryptographic extension (Arm ARM C4.1: "Cryptographic AES",
//! "Cryptographic three-register SHA", "Cryptographic two-register SHA",
//! "Cryptographic three-register, imm2", "Cryptographic three-register
//! SHA 512", "Cryptographic four-register", "XAR", "Cryptographic
//! two-register SHA 512"): one entry per instruction.
//!
//! Fields: d = Rd, n = Rn, m = Rm, a = Ra, i = imm2 (SM3TT*) or imm6 (XAR).

encodings! {
    // FEAT_AES.
    AESE = "0100111000101000010010nnnnnddddd",
    AESD = "0100111000101000010110nnnnnddddd",
    AESMC = "0100111000101000011010nnnnnddddd",
    AESIMC = "0100111000101000011110nnnnnddddd",
    // FEAT_SHA1 and FEAT_SHA256: three registers.
    SHA1C = "01011110000mmmmm000000nnnnnddddd",
    SHA1P = "01011110000mmmmm000100nnnnnddddd",
    SHA1M = "01011110000mmmmm001000nnnnnddddd",
    SHA1SU0 = "01011110000mmmmm001100nnnnnddddd",
    SHA256H = "01011110000mmmmm010000nnnnnddddd",
    SHA256H2 = "01011110000mmmmm010100nnnnnddddd",
    SHA256SU1 = "01011110000mmmmm011000nnnnnddddd",
    // FEAT_SHA1 and FEAT_SHA256: two registers.
    SHA1H = "0101111000101000000010nnnnnddddd",
    SHA1SU1 = "0101111000101000000110nnnnnddddd",
    SHA256SU0 = "0101111000101000001010nnnnnddddd",
    // FEAT_SHA512, FEAT_SHA3 (RAX1), FEAT_SM3 and FEAT_SM4: three registers.
    SHA512H = "11001110011mmmmm100000nnnnnddddd",
    SHA512H2 = "11001110011mmmmm100001nnnnnddddd",
    SHA512SU1 = "11001110011mmmmm100010nnnnnddddd",
    RAX1 = "11001110011mmmmm100011nnnnnddddd",
    SM3PARTW1 = "11001110011mmmmm110000nnnnnddddd",
    SM3PARTW2 = "11001110011mmmmm110001nnnnnddddd",
    SM4EKEY = "11001110011mmmmm110010nnnnnddddd",
    // FEAT_SHA512 and FEAT_SM4: two registers.
    SHA512SU0 = "1100111011000000100000nnnnnddddd",
    SM4E = "1100111011000000100001nnnnnddddd",
    // FEAT_SHA3 and FEAT_SM3: four registers.
    EOR3 = "11001110000mmmmm0aaaaannnnnddddd",
    BCAX = "11001110001mmmmm0aaaaannnnnddddd",
    SM3SS1 = "11001110010mmmmm0aaaaannnnnddddd",
    // FEAT_SHA3: exclusive-or and rotate.
    XAR = "11001110100mmmmmiiiiiinnnnnddddd",
    // FEAT_SM3: three registers and a lane index.
    SM3TT1A = "11001110010mmmmm10ii00nnnnnddddd",
    SM3TT1B = "11001110010mmmmm10ii01nnnnnddddd",
    SM3TT2A = "11001110010mmmmm10ii10nnnnnddddd",
    SM3TT2B = "11001110010mmmmm10ii11nnnnnddddd",
}
