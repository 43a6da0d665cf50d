//! Integer vector operations inline with SSE2/SSE4.1 on the V registers in
//! the CPU state. Shapes without a direct SSE form (8- and 64-bit
//! multiplies, by-element forms other than 32-bit lanes, or a host without
//! SSE4.1 for 32-bit multiplies and 64-bit CMEQ, 64-bit CMGT) call the exact
//! runtime helper instead.

use super::emit::Emitter;
use crate::ir::{HelperFn, PairOp, VOp};
use dynasmrt::{dynasm, DynasmApi};
use std::sync::OnceLock;

/// Emits into assembler `$a` the one of instructions `$b`, `$w`, `$d`, `$q`
/// (8-, 16-, 32-, 64-bit lanes) that `$esize` selects, on `$x, $y`.
macro_rules! by_lane_size {
    ($a:expr, $esize:expr, $b:ident, $w:ident, $d:ident, $q:ident, $x:ident, $y:ident) => {
        match $esize {
            8 => dynasm!($a ; .arch x64 ; $b $x, $y),
            16 => dynasm!($a ; .arch x64 ; $w $x, $y),
            32 => dynasm!($a ; .arch x64 ; $d $x, $y),
            _ => dynasm!($a ; .arch x64 ; $q $x, $y),
        }
    };
}
pub(super) use by_lane_size;

pub(super) fn has_sse41() -> bool {
    static SSE41: OnceLock<bool> = OnceLock::new();
    *SSE41.get_or_init(|| std::arch::is_x86_feature_detected!("sse4.1"))
}

pub(super) fn has_sse42() -> bool {
    static SSE42: OnceLock<bool> = OnceLock::new();
    *SSE42.get_or_init(|| std::arch::is_x86_feature_detected!("sse4.2"))
}

/// Whether `max_min` has a form for the lane size (SSE2 for unsigned
/// bytes and signed words, SSE4.1 for the others).
pub(super) fn minmax_ok(esize: u8, signed: bool) -> bool {
    match (esize, signed) {
        (8, false) | (16, true) => true,
        (8 | 16 | 32, _) => has_sse41(),
        _ => false,
    }
}

/// Whether the shape has an inline form.
pub(super) fn inline_ok(op: VOp, esize: u8, elem: Option<u8>) -> bool {
    let mul = matches!(op, VOp::Mul | VOp::Mla | VOp::Mls);
    if elem.is_some() && (esize != 32 || !mul) {
        return false;
    }
    let minmax = |signed: bool| minmax_ok(esize, signed);
    match op {
        // pcmpeqq is SSE4.1, pcmpgtq SSE4.2.
        VOp::Cmeq | VOp::Cmtst if esize == 64 => has_sse41(),
        VOp::Cmgt | VOp::Cmge | VOp::Cmhi | VOp::Cmhs if esize == 64 => has_sse42(),
        VOp::Max { signed } | VOp::Min { signed } => minmax(signed),
        VOp::Pairwise(PairOp::Max { signed } | PairOp::Min { signed }) => minmax(signed),
        _ if !mul => true,
        _ => match esize {
            16 => true,
            32 => has_sse41(),
            _ => false,
        },
    }
}

impl Emitter {
    /// Calls the exact helper `slow(cpu, arg, 0, 0, 0)` of a vector operation.
    pub(super) fn vec_slow(&mut self, slow: HelperFn, arg: u64) {
        self.pinned_out();
        dynasm!(self.a ; .arch x64
            ; mov rdi, r15
            ; mov rsi, QWORD arg as i64
            ; xor edx, edx
            ; xor ecx, ecx
            ; xor r8d, r8d
            ; mov rax, QWORD slow as usize as i64
            ; call rax);
        self.pinned_in();
    }

    /// xmm0 = the V register at `n`; xmm1 = the one at `m` or, with
    /// `elem`, its 32-bit lane `elem` in every lane.
    pub(super) fn load_operands(&mut self, n: i32, m: i32, elem: Option<u8>) {
        self.load_v(0, n);
        match elem {
            Some(i) => {
                let sel = ((i & 3) * 0x55) as i8;
                match self.vcached(m) {
                    Some(c) => dynasm!(self.a ; .arch x64 ; pshufd xmm1, Rx(c), sel),
                    None => dynasm!(self.a ; .arch x64 ; pshufd xmm1, [r15 + m], sel),
                }
            }
            None => self.load_v(1, m),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn vbin(
        &mut self,
        op: VOp,
        esize: u8,
        q: bool,
        (vd, vn, vm): (u8, u8, u8),
        elem: Option<u8>,
        slow: HelperFn,
        arg: u64,
    ) {
        if !inline_ok(op, esize, elem) {
            self.vec_slow(slow, arg);
            return;
        }
        let (d, n, m) = (Self::voff(vd), Self::voff(vn), Self::voff(vm));
        if elem.is_none() && self.vbin_avx(op, esize, q, (d, n, m)) {
            return;
        }
        self.load_operands(n, m, elem);
        macro_rules! by_size {
            ($($t:tt)*) => { by_lane_size!(self.a, esize, $($t)*) };
        }
        let mul = |e: &mut Emitter| {
            if esize == 16 {
                dynasm!(e.a ; .arch x64 ; pmullw xmm0, xmm1);
            } else {
                dynasm!(e.a ; .arch x64 ; pmulld xmm0, xmm1);
            }
        };
        match op {
            VOp::Add => by_size!(paddb, paddw, paddd, paddq, xmm0, xmm1),
            VOp::Sub => by_size!(psubb, psubw, psubd, psubq, xmm0, xmm1),
            VOp::And => dynasm!(self.a ; .arch x64 ; pand xmm0, xmm1),
            VOp::Orr => dynasm!(self.a ; .arch x64 ; por xmm0, xmm1),
            VOp::Eor => dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm1),
            // pandn: xmm1 = NOT xmm1 AND xmm0.
            VOp::Bic => dynasm!(self.a ; .arch x64 ; pandn xmm1, xmm0 ; movdqa xmm0, xmm1),
            VOp::Cmeq => by_size!(pcmpeqb, pcmpeqw, pcmpeqd, pcmpeqq, xmm0, xmm1),
            VOp::Cmgt => by_size!(pcmpgtb, pcmpgtw, pcmpgtd, pcmpgtq, xmm0, xmm1),
            VOp::Cmhi => {
                self.flip_signs(esize);
                by_size!(pcmpgtb, pcmpgtw, pcmpgtd, pcmpgtq, xmm0, xmm1);
            }
            VOp::Cmge | VOp::Cmhs => {
                // NOT (m > n).
                if op == VOp::Cmhs {
                    self.flip_signs(esize);
                }
                by_size!(pcmpgtb, pcmpgtw, pcmpgtd, pcmpgtq, xmm1, xmm0);
                dynasm!(self.a ; .arch x64 ; pcmpeqd xmm0, xmm0 ; pxor xmm0, xmm1);
            }
            VOp::Cmtst => {
                dynasm!(self.a ; .arch x64 ; pand xmm0, xmm1 ; pxor xmm1, xmm1);
                by_size!(pcmpeqb, pcmpeqw, pcmpeqd, pcmpeqq, xmm0, xmm1);
                dynasm!(self.a ; .arch x64 ; pcmpeqd xmm1, xmm1 ; pxor xmm0, xmm1);
            }
            VOp::Orn => dynasm!(self.a ; .arch x64
                ; pcmpeqd xmm2, xmm2 ; pxor xmm1, xmm2 ; por xmm0, xmm1),
            // With x = n EOR d (or m): BSL is ((x AND d) EOR m), BIT
            // ((x AND m) EOR d), BIF ((x AND NOT m) EOR d).
            VOp::Bsl => {
                self.load_v(2, d);
                dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm1 ; pand xmm0, xmm2 ; pxor xmm0, xmm1);
            }
            VOp::Bit => {
                self.load_v(2, d);
                dynasm!(self.a ; .arch x64 ; pxor xmm0, xmm2 ; pand xmm0, xmm1 ; pxor xmm0, xmm2);
            }
            VOp::Bif => {
                self.load_v(2, d);
                dynasm!(self.a ; .arch x64
                    ; pxor xmm0, xmm2 ; pandn xmm1, xmm0 ; pxor xmm1, xmm2 ; movdqa xmm0, xmm1);
            }
            VOp::Max { signed } => self.max_min(true, signed, esize, 0, 1),
            VOp::Min { signed } => self.max_min(false, signed, esize, 0, 1),
            VOp::Pairwise(p) => {
                if !q {
                    // The two 64-bit operands side by side: their pairs are
                    // the low 64 bits of the 128-bit form's result.
                    dynasm!(self.a ; .arch x64 ; punpcklqdq xmm0, xmm1 ; movdqa xmm1, xmm0);
                }
                self.split_pairs(esize);
                match p {
                    PairOp::Add => by_size!(paddb, paddw, paddd, paddq, xmm0, xmm3),
                    PairOp::Max { signed } => self.max_min(true, signed, esize, 0, 3),
                    PairOp::Min { signed } => self.max_min(false, signed, esize, 0, 3),
                }
            }
            VOp::Mul => mul(self),
            VOp::Mla | VOp::Mls => {
                mul(self);
                self.load_v(1, d);
                if op == VOp::Mla {
                    by_size!(paddb, paddw, paddd, paddq, xmm1, xmm0);
                } else {
                    by_size!(psubb, psubw, psubd, psubq, xmm1, xmm0);
                }
                dynasm!(self.a ; .arch x64 ; movdqa xmm0, xmm1);
            }
        }
        self.store_v(d, q);
    }

    /// Flips the sign bit of every `esize`-bit lane of xmm0 and xmm1, so
    /// that a signed compare orders them as unsigned.
    fn flip_signs(&mut self, esize: u8) {
        let sign = u64::MAX / ((1u128 << esize) - 1) as u64 * (1 << (esize - 1));
        dynasm!(self.a ; .arch x64
            ; mov rax, QWORD sign as i64
            ; movq xmm2, rax
            ; punpcklqdq xmm2, xmm2
            ; pxor xmm0, xmm2
            ; pxor xmm1, xmm2);
    }

    /// xmm`x` = the lane-wise maximum (or minimum) of xmm`x` and xmm`y`
    /// (a shape [`inline_ok`] accepts).
    pub(super) fn max_min(&mut self, max: bool, signed: bool, esize: u8, x: u8, y: u8) {
        match (max, signed, esize) {
            (true, false, 8) => dynasm!(self.a ; .arch x64 ; pmaxub Rx(x), Rx(y)),
            (true, false, 16) => dynasm!(self.a ; .arch x64 ; pmaxuw Rx(x), Rx(y)),
            (true, false, _) => dynasm!(self.a ; .arch x64 ; pmaxud Rx(x), Rx(y)),
            (true, true, 8) => dynasm!(self.a ; .arch x64 ; pmaxsb Rx(x), Rx(y)),
            (true, true, 16) => dynasm!(self.a ; .arch x64 ; pmaxsw Rx(x), Rx(y)),
            (true, true, _) => dynasm!(self.a ; .arch x64 ; pmaxsd Rx(x), Rx(y)),
            (false, false, 8) => dynasm!(self.a ; .arch x64 ; pminub Rx(x), Rx(y)),
            (false, false, 16) => dynasm!(self.a ; .arch x64 ; pminuw Rx(x), Rx(y)),
            (false, false, _) => dynasm!(self.a ; .arch x64 ; pminud Rx(x), Rx(y)),
            (false, true, 8) => dynasm!(self.a ; .arch x64 ; pminsb Rx(x), Rx(y)),
            (false, true, 16) => dynasm!(self.a ; .arch x64 ; pminsw Rx(x), Rx(y)),
            (false, true, _) => dynasm!(self.a ; .arch x64 ; pminsd Rx(x), Rx(y)),
        }
    }

    /// Splits the lanes of the concatenation xmm1:xmm0 into its even lanes
    /// (xmm3) and its odd lanes (xmm0), each in order: the lanes from xmm0
    /// in the low half, those from xmm1 in the high half.
    pub(super) fn split_pairs(&mut self, esize: u8) {
        match esize {
            8 => dynasm!(self.a ; .arch x64
                ; movdqa xmm3, xmm0
                ; movdqa xmm4, xmm1
                ; psrlw xmm0, 8
                ; psrlw xmm1, 8
                ; packuswb xmm0, xmm1
                ; pcmpeqd xmm2, xmm2
                ; psrlw xmm2, 8
                ; pand xmm3, xmm2
                ; pand xmm4, xmm2
                ; packuswb xmm3, xmm4),
            // Sign-extended halves make the signed saturating pack exact.
            16 => dynasm!(self.a ; .arch x64
                ; movdqa xmm3, xmm0
                ; movdqa xmm4, xmm1
                ; psrad xmm0, 16
                ; psrad xmm1, 16
                ; packssdw xmm0, xmm1
                ; pslld xmm3, 16
                ; psrad xmm3, 16
                ; pslld xmm4, 16
                ; psrad xmm4, 16
                ; packssdw xmm3, xmm4),
            32 => dynasm!(self.a ; .arch x64
                ; movdqa xmm3, xmm0
                ; shufps xmm3, xmm1, 0x88u8 as i8
                ; shufps xmm0, xmm1, 0xddu8 as i8),
            _ => dynasm!(self.a ; .arch x64
                ; movdqa xmm3, xmm0
                ; punpcklqdq xmm3, xmm1
                ; punpckhqdq xmm0, xmm1),
        }
    }
}
