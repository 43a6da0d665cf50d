//! [`VecOp::Crypto`](crate::ir::VecOp::Crypto) inline: the cryptographic
//! extension with the host's AES-NI, PCLMULQDQ and SHA extensions, each
//! checked once (other hosts call the exact helpers, which also define the
//! operations for the interpreter). All of it is integer arithmetic: the
//! host instructions compute the same functions, and only the layouts
//! differ. Byte `i` of a V register is byte `i` of an xmm register, so a
//! 32-bit element `e` of Arm is dword `e` of x86.
//!
//! * AESE is SubBytes(ShiftRows(Vd EOR Vn)) (the two commute): the XOR,
//!   then AESENCLAST (ShiftRows, SubBytes, then the round-key XOR) with a
//!   zero key; AESD likewise with AESDECLAST. AESMC is MixColumns alone:
//!   AESDECLAST with a zero key undoes the ShiftRows and SubBytes AESENC
//!   then applies before its MixColumns. AESIMC is AESIMC. An AESMC
//!   (AESIMC) of the register the operation just before it wrote by AESE
//!   (AESD) is one AESENC (AESDEC) with a zero key on the XOR that AESE
//!   left in xmm4 (compilers keep these pairs adjacent, as Arm cores fuse
//!   them); the AESE's own result is still written.
//! * PMULL/PMULL2 .1Q: PCLMULQDQ of the low (or high) quadwords.
//! * SHA1C/SHA1P/SHA1M: SHA1RNDS4 does the same four rounds with hash A in
//!   dword 3 (Arm: a in element 0) and the words in reverse order; it adds
//!   the round constant itself, which Arm leaves to the program (Vm holds
//!   W + K), so the constant of the function chosen is subtracted from the
//!   words first (modulo 2^32, where the sums are). E (Sn) is added to the
//!   first word as SHA1RNDS4 expects.
//! * SHA1SU1 is SHA1MSG2 on the reversed operands; SHA1SU0 and SHA1H are
//!   plain SSE2.
//! * SHA256H/SHA256H2: SHA256RNDS2 does two rounds on the state as ABEF and
//!   CDGH (A in dword 3, F in dword 0; Arm: abcd and efgh with a and e in
//!   element 0) with the words plus constants in the low quadword of xmm0;
//!   two of them make Arm's four rounds, and the result is shuffled back
//!   to abcd (SHA256H) or efgh (SHA256H2). SHA256SU0 is SHA256MSG1;
//!   SHA256SU1 is SHA256MSG2 with the sum of Vd and the words it needs
//!   from Vn and Vm added first.
//! * EOR3, BCAX, RAX1 and XAR (SHA3) are SSE2 bit operations and 64-bit
//!   shifts. Every x86-64 host has them.
//! * SHA512H/SHA512H2 are two dependent rounds on 64-bit words: general
//!   registers, where a rotation is one `ror` (each big sigma is three
//!   rotations and two XORs, `ROR14(x ^ ROR4(x ^ ROR23(x)))` for sigma1),
//!   Choose as `c ^ (a & (b ^ c))` and Majority as
//!   `(a & (b ^ c)) ^ (b & c)`. SHA512SU0/SHA512SU1 are lane-wise: each
//!   small sigma is the XOR of the right and left shifts that make its
//!   rotations and its shift (a rotation's two halves do not overlap),
//!   with SSE2 64-bit shifts.
//! * PMULL/PMULL2 .8B/.16B: the bytes widened to 16-bit lanes; for each
//!   bit of Vm's bytes, from the top, the product so far is doubled and
//!   Vn's lane, masked by that bit (`psraw` of the bit moved to the sign),
//!   added by XOR (SSE2; no host instruction multiplies bytes carry-less).
//! * SM3PARTW1/SM3PARTW2: SSSE3 lane-wise rotations and XORs (`emit_sm3`).
//!
//! Scratch: `xmm0`–`xmm4`, `rax`, `rcx`, `rdx`.

use super::emit::Emitter;
use crate::ir::{CryptoOp, HelperFn};
use dynasmrt::{dynasm, DynasmApi};
use std::sync::OnceLock;

/// The host features the inline forms need.
struct Host {
    aes: bool,
    pclmul: bool,
    sha: bool,
}

/// The host's features (checked once).
fn host() -> &'static Host {
    static HOST: OnceLock<Host> = OnceLock::new();
    HOST.get_or_init(|| Host {
        aes: std::arch::is_x86_feature_detected!("aes"),
        pclmul: std::arch::is_x86_feature_detected!("pclmulqdq"),
        // PALIGNR (SSSE3) too; every host with SHA has it.
        sha: std::arch::is_x86_feature_detected!("sha")
            && std::arch::is_x86_feature_detected!("ssse3"),
    })
}

/// Whether `op` has an inline form on this host (else it calls its exact
/// helper).
pub(super) fn inline_ok(op: CryptoOp) -> bool {
    use CryptoOp::*;
    match op {
        Aese | Aesd | Aesmc | Aesimc => host().aes,
        Pmull { .. } => host().pclmul,
        Sha1c | Sha1p | Sha1m | Sha1su1 | Sha256h | Sha256h2 | Sha256su0 | Sha256su1 => host().sha,
        Sha1h | Sha1su0 | Eor3 { .. } | Bcax { .. } | Rax1 | Xar { .. } => true,
        Sha512h | Sha512h2 | Sha512su0 | Sha512su1 | Pmull8 { .. } => true,
        Sm3partw1 | Sm3partw2 => super::emit_sm3::inline_ok(),
    }
}

/// The SHA1RNDS4 function selector and its round constant for SHA1C (Choose),
/// SHA1P (Parity) and SHA1M (Majority).
fn sha1_function(op: CryptoOp) -> (i8, u32) {
    match op {
        CryptoOp::Sha1c => (0, 0x5A82_7999),
        CryptoOp::Sha1p => (1, 0x6ED9_EBA1),
        _ => (2, 0x8F1B_BCDC),
    }
}

/// PSHUFD selector reversing the four dwords.
const REVERSE: i8 = 0x1B;
/// PSHUFD selector swapping the dwords of each quadword.
const SWAP_PAIRS: i8 = 0xB1u8 as i8;

impl Emitter {
    pub(super) fn vec_crypto(
        &mut self,
        op: CryptoOp,
        (vd, vn, vm): (u8, u8, u8),
        slow: HelperFn,
        arg: u64,
    ) {
        if !inline_ok(op) {
            self.vec_slow(slow, arg);
            return;
        }
        let (d, n, m) = (Self::voff(vd), Self::voff(vn), Self::voff(vm));
        use CryptoOp::*;
        match op {
            Aese | Aesd => {
                self.load_v(0, d);
                self.load_v(1, n);
                dynasm!(self.a ; .arch x64
                    ; pxor xmm0, xmm1
                    ; movdqa xmm4, xmm0
                    ; pxor xmm1, xmm1);
                if op == Aese {
                    dynasm!(self.a ; .arch x64 ; aesenclast xmm0, xmm1);
                } else {
                    dynasm!(self.a ; .arch x64 ; aesdeclast xmm0, xmm1);
                }
                self.aes_left = Some((vd, op == Aesd));
            }
            Aesmc | Aesimc if self.aes_before == Some((vn, op == Aesimc)) => {
                // Of the AESE (AESD) just before: one AESENC (AESDEC) with
                // a zero key on the XOR it left in xmm4.
                dynasm!(self.a ; .arch x64 ; pxor xmm1, xmm1 ; movdqa xmm0, xmm4);
                if op == Aesmc {
                    dynasm!(self.a ; .arch x64 ; aesenc xmm0, xmm1);
                } else {
                    dynasm!(self.a ; .arch x64 ; aesdec xmm0, xmm1);
                }
            }
            Aesmc => {
                self.load_v(0, n);
                dynasm!(self.a ; .arch x64
                    ; pxor xmm1, xmm1
                    ; aesdeclast xmm0, xmm1
                    ; aesenc xmm0, xmm1);
            }
            Aesimc => {
                self.load_v(0, n);
                dynasm!(self.a ; .arch x64 ; aesimc xmm0, xmm0);
            }
            Pmull { upper } => {
                self.load_v(0, n);
                self.load_v(1, m);
                let sel = if upper { 0x11 } else { 0x00 };
                dynasm!(self.a ; .arch x64 ; pclmulqdq xmm0, xmm1, sel);
            }
            Sha1c | Sha1p | Sha1m => self.sha1_rounds(op, (d, n, m)),
            Sha1h => {
                self.load_v(0, n);
                dynasm!(self.a ; .arch x64
                    ; movd eax, xmm0
                    ; rol eax, 30
                    ; movd xmm0, eax);
            }
            Sha1su0 => {
                // (Vn<63:0> : Vd<127:64>) EOR Vd EOR Vm.
                self.load_v(0, d);
                self.load_v(1, n);
                dynasm!(self.a ; .arch x64
                    ; movdqa xmm2, xmm0
                    ; shufpd xmm2, xmm1, 1
                    ; pxor xmm0, xmm2);
                self.load_v(1, m);
                dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm1);
            }
            Sha1su1 => {
                self.load_v(0, d);
                self.load_v(1, n);
                dynasm!(self.a ; .arch x64
                    ; pshufd xmm0, xmm0, REVERSE
                    ; pshufd xmm1, xmm1, REVERSE
                    ; sha1msg2 xmm0, xmm1
                    ; pshufd xmm0, xmm0, REVERSE);
            }
            Sha256h => self.sha256_rounds((d, n, m), true),
            Sha256h2 => self.sha256_rounds((n, d, m), false),
            Sha256su0 => {
                self.load_v(0, d);
                self.load_v(1, n);
                dynasm!(self.a ; .arch x64 ; sha256msg1 xmm0, xmm1);
            }
            Sha256su1 => {
                // SHA256MSG2(Vd + (Vm<31:0> : Vn<127:32>), Vm).
                self.load_v(1, m);
                self.load_v(2, n);
                self.load_v(0, d);
                dynasm!(self.a ; .arch x64
                    ; movdqa xmm3, xmm1
                    ; palignr xmm3, xmm2, 4
                    ; paddd xmm0, xmm3
                    ; sha256msg2 xmm0, xmm1);
            }
            Eor3 { va } => {
                self.load_v(0, n);
                self.load_v(1, m);
                dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm1);
                self.load_v(1, Self::voff(va));
                dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm1);
            }
            Bcax { va } => {
                self.load_v(1, Self::voff(va));
                self.load_v(2, m);
                self.load_v(0, n);
                dynasm!(self.a ; .arch x64
                    ; pandn xmm1, xmm2
                    ; pxor xmm0, xmm1);
            }
            Rax1 => {
                self.load_v(1, m);
                self.load_v(0, n);
                dynasm!(self.a ; .arch x64
                    ; movdqa xmm2, xmm1
                    ; psllq xmm1, 1
                    ; psrlq xmm2, 63
                    ; por xmm1, xmm2
                    ; pxor xmm0, xmm1);
            }
            Xar { imm } => {
                // A shift by 64 gives zero, so XAR #0 is the XOR.
                let imm = (imm & 63) as i8;
                self.load_v(0, n);
                self.load_v(1, m);
                dynasm!(self.a ; .arch x64
                    ; pxor xmm0, xmm1
                    ; movdqa xmm1, xmm0
                    ; psrlq xmm0, imm
                    ; psllq xmm1, 64 - imm
                    ; por xmm0, xmm1);
            }
            Sha512h => self.sha512h((d, n, m)),
            Sha512h2 => self.sha512h2((d, n, m)),
            Sha512su0 => {
                // x = Vn<63:0> : Vd<127:64>; Vd + sigma0(x) per lane.
                self.load_v(0, d);
                self.load_v(1, n);
                dynasm!(self.a ; .arch x64
                    ; movdqa xmm2, xmm0
                    ; shufpd xmm2, xmm1, 1);
                self.xor_of_shifts(&[1, 7, 8], &[63, 56]);
                dynasm!(self.a ; .arch x64 ; paddq xmm0, xmm1);
            }
            Sha512su1 => {
                // Vd + sigma1(Vn) + Vm per lane.
                self.load_v(2, n);
                self.xor_of_shifts(&[19, 61, 6], &[45, 3]);
                self.load_v(0, d);
                self.load_v(2, m);
                dynasm!(self.a ; .arch x64
                    ; paddq xmm0, xmm1
                    ; paddq xmm0, xmm2);
            }
            Pmull8 { upper } => self.pmull8((n, m), upper),
            Sm3partw1 => self.sm3partw1((d, n, m)),
            Sm3partw2 => self.sm3partw2((d, n, m)),
        }
        self.store_v(d, true);
    }

    /// xmm1 = the XOR of xmm2's 64-bit lanes shifted right by each of
    /// `right` and left by each of `left` (xmm2 and xmm3 clobbered).
    fn xor_of_shifts(&mut self, right: &[i8], left: &[i8]) {
        dynasm!(self.a ; .arch x64 ; pxor xmm1, xmm1);
        for &r in right {
            dynasm!(self.a ; .arch x64
                ; movdqa xmm3, xmm2
                ; psrlq xmm3, r
                ; pxor xmm1, xmm3);
        }
        for &l in left {
            dynasm!(self.a ; .arch x64
                ; movdqa xmm3, xmm2
                ; psllq xmm3, l
                ; pxor xmm1, xmm3);
        }
    }

    /// `rdx` = SHA-512's Sigma1 (`sigma0` false) or Sigma0 of `reg` (rax
    /// or rcx, which is kept): `ROR14(x ^ ROR4(x ^ ROR23(x)))` and
    /// `ROR28(x ^ ROR6(x ^ ROR5(x)))`.
    fn big_sigma(&mut self, reg: u8, sigma0: bool) {
        let [a, b, c] = if sigma0 { [5i8, 6, 28] } else { [23, 4, 14] };
        dynasm!(self.a ; .arch x64
            ; mov rdx, Rq(reg)
            ; ror rdx, a
            ; xor rdx, Rq(reg)
            ; ror rdx, b
            ; xor rdx, Rq(reg)
            ; ror rdx, c);
    }

    /// The second round of SHA512H/SHA512H2: rcx holds the function of
    /// the first round's result (in rax) plus W0; adds the big sigma of
    /// rax and forms xmm0 from that and the first result in xmm1.
    fn sha512_second_round(&mut self, sigma0: bool) {
        self.big_sigma(0, sigma0);
        dynasm!(self.a ; .arch x64
            ; add rcx, rdx
            ; movq xmm0, rcx
            ; punpcklqdq xmm0, xmm1);
    }

    /// SHA512H into xmm0: W at `d`, X at `n`, Y at `m` (Arm ARM
    /// `SHA512H`): hi = Ch(Y1, X0, X1) + Sigma1(Y1) + W1; then with
    /// t = hi + Y0, lo = Ch(t, Y1, X0) + Sigma1(t) + W0.
    fn sha512h(&mut self, (d, n, m): (i32, i32, i32)) {
        dynasm!(self.a ; .arch x64
            ; mov rcx, [r15 + m + 8]
            ; mov rax, [r15 + n]
            ; mov rdx, [r15 + n + 8]
            ; xor rax, rdx
            ; and rax, rcx
            ; xor rax, rdx);
        self.big_sigma(1, false);
        dynasm!(self.a ; .arch x64
            ; add rax, rdx
            ; add rax, [r15 + d + 8]
            ; movq xmm1, rax
            ; add rax, [r15 + m]
            ; mov rcx, [r15 + m + 8]
            ; mov rdx, [r15 + n]
            ; xor rcx, rdx
            ; and rcx, rax
            ; xor rcx, rdx
            ; add rcx, [r15 + d]);
        self.sha512_second_round(false);
    }

    /// SHA512H2 into xmm0 (as [`Self::sha512h`]): hi = Maj(X0, Y1, Y0) +
    /// Sigma0(Y0) + W1; lo = Maj(hi, Y0, Y1) + Sigma0(hi) + W0.
    fn sha512h2(&mut self, (d, n, m): (i32, i32, i32)) {
        dynasm!(self.a ; .arch x64
            ; mov rax, [r15 + m + 8]
            ; mov rcx, [r15 + m]
            ; mov rdx, rax
            ; xor rdx, rcx
            ; and rdx, [r15 + n]
            ; and rax, rcx
            ; xor rax, rdx);
        self.big_sigma(1, true);
        dynasm!(self.a ; .arch x64
            ; add rax, rdx
            ; add rax, [r15 + d + 8]
            ; movq xmm1, rax
            ; mov rcx, [r15 + m]
            ; xor rcx, [r15 + m + 8]
            ; and rcx, rax
            ; mov rdx, [r15 + m]
            ; and rdx, [r15 + m + 8]
            ; xor rcx, rdx
            ; add rcx, [r15 + d]);
        self.sha512_second_round(true);
    }

    /// PMULL/PMULL2 .8B into xmm0 from the 64-bit halves at `n` and `m`
    /// (the high ones with `upper`).
    fn pmull8(&mut self, (n, m): (i32, i32), upper: bool) {
        let half = if upper { 8 } else { 0 };
        dynasm!(self.a ; .arch x64
            ; movq xmm1, QWORD [r15 + n + half]
            ; movq xmm3, QWORD [r15 + m + half]
            ; pxor xmm0, xmm0
            ; pxor xmm2, xmm2
            // Vn's bytes as 16-bit lanes; Vm's in the high byte of each.
            ; punpcklbw xmm1, xmm0
            ; punpcklbw xmm2, xmm3);
        for bit in (0..8).rev() {
            dynasm!(self.a ; .arch x64
                ; paddw xmm0, xmm0
                ; movdqa xmm3, xmm2
                ; psraw xmm3, 15
                ; pand xmm3, xmm1
                ; pxor xmm0, xmm3);
            if bit > 0 {
                dynasm!(self.a ; .arch x64 ; paddw xmm2, xmm2);
            }
        }
    }

    /// SHA1C/SHA1P/SHA1M into xmm0: hash abcd at `d`, e in the low 32
    /// bits at `n`, words plus constants at `m`.
    fn sha1_rounds(&mut self, op: CryptoOp, (d, n, m): (i32, i32, i32)) {
        let (function, k) = sha1_function(op);
        self.load_v(0, d);
        self.load_v(1, m);
        self.load_v(2, n);
        dynasm!(self.a ; .arch x64
            ; pshufd xmm0, xmm0, REVERSE
            ; mov eax, k as i32
            ; movd xmm3, eax
            ; pshufd xmm3, xmm3, 0
            ; psubd xmm1, xmm3
            ; pshufd xmm1, xmm1, REVERSE
            // e alone, in dword 3 (with W0).
            ; pslldq xmm2, 12
            ; paddd xmm1, xmm2
            ; sha1rnds4 xmm0, xmm1, function
            ; pshufd xmm0, xmm0, REVERSE);
    }

    /// SHA256H (`part1`, the new X) or SHA256H2 (the new Y) into xmm0: four
    /// rounds on X = abcd at `x`, Y = efgh at `y`, words plus constants at
    /// `w`.
    fn sha256_rounds(&mut self, (x, y, w): (i32, i32, i32), part1: bool) {
        self.load_v(1, x);
        self.load_v(2, y);
        dynasm!(self.a ; .arch x64
            ; pshufd xmm1, xmm1, SWAP_PAIRS // b a d c
            ; pshufd xmm2, xmm2, SWAP_PAIRS // f e h g
            ; movdqa xmm3, xmm2
            ; punpcklqdq xmm3, xmm1 // ABEF: f e b a
            ; punpckhqdq xmm2, xmm1 // CDGH: h g d c
        );
        self.load_v(0, w);
        dynasm!(self.a ; .arch x64
            ; sha256rnds2 xmm2, xmm3 // ABEF after two rounds; CDGH is xmm3
            ; pshufd xmm0, xmm0, 0x0E
            ; sha256rnds2 xmm3, xmm2 // ABEF after four; CDGH is xmm2
            ; movdqa xmm0, xmm3);
        if part1 {
            dynasm!(self.a ; .arch x64 ; punpckhqdq xmm0, xmm2);
        } else {
            dynasm!(self.a ; .arch x64 ; punpcklqdq xmm0, xmm2);
        }
        dynasm!(self.a ; .arch x64 ; pshufd xmm0, xmm0, SWAP_PAIRS);
    }
}
