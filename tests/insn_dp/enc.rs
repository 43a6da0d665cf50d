//! A tiny A64 encoder for the instructions under test, written from the
//! encoding diagrams of the Arm ARM (cross-checked against GNU as).

#![allow(clippy::too_many_arguments, dead_code)]

fn b(v: bool) -> u32 {
    u32::from(v)
}

// ---- Data processing — register ----

/// ADD/ADDS/SUB/SUBS (shifted register).
pub fn addsub_shift(
    sf: bool,
    sub: bool,
    s: bool,
    shift: u32,
    m: u32,
    imm6: u32,
    n: u32,
    d: u32,
) -> u32 {
    b(sf) << 31
        | b(sub) << 30
        | b(s) << 29
        | 0b01011 << 24
        | shift << 22
        | m << 16
        | imm6 << 10
        | n << 5
        | d
}

/// ADD/ADDS/SUB/SUBS (extended register).
pub fn addsub_ext(
    sf: bool,
    sub: bool,
    s: bool,
    m: u32,
    option: u32,
    imm3: u32,
    n: u32,
    d: u32,
) -> u32 {
    b(sf) << 31
        | b(sub) << 30
        | b(s) << 29
        | 0b01011 << 24
        | 1 << 21
        | m << 16
        | option << 13
        | imm3 << 10
        | n << 5
        | d
}

/// ADC/ADCS/SBC/SBCS.
pub fn adc(sf: bool, sub: bool, s: bool, m: u32, n: u32, d: u32) -> u32 {
    b(sf) << 31 | b(sub) << 30 | b(s) << 29 | 0b1101_0000 << 21 | m << 16 | n << 5 | d
}

/// Logical (shifted register); opc 0 AND, 1 ORR, 2 EOR, 3 ANDS; `inv` = N.
pub fn logical(
    sf: bool,
    opc: u32,
    shift: u32,
    inv: bool,
    m: u32,
    imm6: u32,
    n: u32,
    d: u32,
) -> u32 {
    b(sf) << 31
        | opc << 29
        | 0b01010 << 24
        | shift << 22
        | b(inv) << 21
        | m << 16
        | imm6 << 10
        | n << 5
        | d
}

/// CCMN (`cmp` false) / CCMP (`cmp` true), register form.
pub fn ccmp_reg(sf: bool, cmp: bool, m: u32, cond: u32, n: u32, nzcv: u32) -> u32 {
    b(sf) << 31 | b(cmp) << 30 | 1 << 29 | 0b1101_0010 << 21 | m << 16 | cond << 12 | n << 5 | nzcv
}

/// CCMN / CCMP, immediate form.
pub fn ccmp_imm(sf: bool, cmp: bool, imm5: u32, cond: u32, n: u32, nzcv: u32) -> u32 {
    b(sf) << 31
        | b(cmp) << 30
        | 1 << 29
        | 0b1101_0010 << 21
        | imm5 << 16
        | cond << 12
        | 1 << 11
        | n << 5
        | nzcv
}

/// CSEL (op 0, o2 0), CSINC (0, 1), CSINV (1, 0), CSNEG (1, 1).
pub fn csel(sf: bool, op: bool, o2: bool, m: u32, cond: u32, n: u32, d: u32) -> u32 {
    b(sf) << 31 | b(op) << 30 | 0b1101_0100 << 21 | m << 16 | cond << 12 | b(o2) << 10 | n << 5 | d
}

/// Data-processing (2 source) with the 6-bit `opcode`.
pub fn dp2(sf: bool, opcode: u32, m: u32, n: u32, d: u32) -> u32 {
    b(sf) << 31 | 0b1101_0110 << 21 | m << 16 | opcode << 10 | n << 5 | d
}

pub const UDIV: u32 = 0b000010;
pub const SDIV: u32 = 0b000011;
pub const LSLV: u32 = 0b001000;
pub const LSRV: u32 = 0b001001;
pub const ASRV: u32 = 0b001010;
pub const RORV: u32 = 0b001011;
/// CRC32{B,H,W,X} = CRC32 + sz; CRC32C{B,H,W,X} = CRC32C + sz.
pub const CRC32: u32 = 0b010000;
pub const CRC32C: u32 = 0b010100;

/// Data-processing (1 source) with the 6-bit `opcode`.
pub fn dp1(sf: bool, opcode: u32, n: u32, d: u32) -> u32 {
    b(sf) << 31 | 1 << 30 | 0b1101_0110 << 21 | opcode << 10 | n << 5 | d
}

pub const RBIT: u32 = 0;
pub const REV16: u32 = 1;
/// REV (32-bit) or REV32 (64-bit).
pub const REV32: u32 = 2;
/// REV (64-bit).
pub const REV64: u32 = 3;
pub const CLZ: u32 = 4;
pub const CLS: u32 = 5;

/// Data-processing (3 source).
pub fn dp3(sf: bool, op31: u32, o0: bool, m: u32, a: u32, n: u32, d: u32) -> u32 {
    b(sf) << 31 | 0b11011 << 24 | op31 << 21 | m << 16 | b(o0) << 15 | a << 10 | n << 5 | d
}

// ---- Data processing — immediate ----

/// ADD/ADDS/SUB/SUBS (immediate), `sh` = LSL #12.
pub fn addsub_imm(sf: bool, sub: bool, s: bool, sh: bool, imm12: u32, n: u32, d: u32) -> u32 {
    b(sf) << 31
        | b(sub) << 30
        | b(s) << 29
        | 0b100010 << 23
        | b(sh) << 22
        | imm12 << 10
        | n << 5
        | d
}

/// Logical (immediate): opc 0 AND, 1 ORR, 2 EOR, 3 ANDS.
pub fn logical_imm(sf: bool, opc: u32, nbit: u32, immr: u32, imms: u32, n: u32, d: u32) -> u32 {
    b(sf) << 31 | opc << 29 | 0b100100 << 23 | nbit << 22 | immr << 16 | imms << 10 | n << 5 | d
}

/// Move wide: opc 0 MOVN, 2 MOVZ, 3 MOVK.
pub fn movw(sf: bool, opc: u32, hw: u32, imm16: u32, d: u32) -> u32 {
    b(sf) << 31 | opc << 29 | 0b100101 << 23 | hw << 21 | imm16 << 5 | d
}

/// MOVZ Xd, #imm16.
pub fn movz(d: u32, imm16: u32) -> u32 {
    movw(true, 2, 0, imm16, d)
}

/// Bitfield: opc 0 SBFM, 1 BFM, 2 UBFM; N = sf.
pub fn bitfield(sf: bool, opc: u32, immr: u32, imms: u32, n: u32, d: u32) -> u32 {
    b(sf) << 31 | opc << 29 | 0b100110 << 23 | b(sf) << 22 | immr << 16 | imms << 10 | n << 5 | d
}

pub const SBFM: u32 = 0;
pub const BFM: u32 = 1;
pub const UBFM: u32 = 2;

/// EXTR (N = sf).
pub fn extr(sf: bool, m: u32, lsb: u32, n: u32, d: u32) -> u32 {
    b(sf) << 31 | 0b0010_0111 << 23 | b(sf) << 22 | m << 16 | lsb << 10 | n << 5 | d
}

/// ADR (`page` false) / ADRP (`page` true) with a 21-bit immediate.
pub fn adr(page: bool, imm21: i64, d: u32) -> u32 {
    let imm = imm21 as u32 & 0x1f_ffff;
    b(page) << 31 | (imm & 3) << 29 | 0b10000 << 24 | (imm >> 2) << 5 | d
}

// ---- Branches ----

/// B with an offset in instructions.
pub fn b_imm(words: i32) -> u32 {
    0b000101 << 26 | (words as u32 & 0x3ff_ffff)
}

/// BL with an offset in instructions.
pub fn bl(words: i32) -> u32 {
    0b100101 << 26 | (words as u32 & 0x3ff_ffff)
}

/// B.cond with an offset in instructions.
pub fn b_cond(cond: u32, words: i32) -> u32 {
    0b0101_0100 << 24 | (words as u32 & 0x7ffff) << 5 | cond
}

/// CBZ (`nz` false) / CBNZ with an offset in instructions.
pub fn cbz(sf: bool, nz: bool, t: u32, words: i32) -> u32 {
    b(sf) << 31 | 0b011010 << 25 | b(nz) << 24 | (words as u32 & 0x7ffff) << 5 | t
}

/// TBZ (`nz` false) / TBNZ on bit `bit` with an offset in instructions.
pub fn tbz(bit: u32, nz: bool, t: u32, words: i32) -> u32 {
    (bit >> 5) << 31
        | 0b011011 << 25
        | b(nz) << 24
        | (bit & 31) << 19
        | (words as u32 & 0x3fff) << 5
        | t
}

pub fn br(n: u32) -> u32 {
    0xd61f_0000 | n << 5
}

pub fn blr(n: u32) -> u32 {
    0xd63f_0000 | n << 5
}

pub fn ret(n: u32) -> u32 {
    0xd65f_0000 | n << 5
}
