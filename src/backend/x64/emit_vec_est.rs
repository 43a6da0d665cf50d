//! [`VecOp::Estimate`](crate::ir::VecOp::Estimate) inline with SSE4.1
//! (hosts without it call the exact helper): FRECPE, FRSQRTE and FRECPX on
//! half, single and double lanes, URECPE and URSQRTE on 32-bit lanes. Each
//! lane is taken into a general register (`pextr`), its result built there
//! from the frontend's table of 8-bit estimates and put into xmm1
//! (`pinsr`); V[vd] is written once all lanes are done, so a lane that
//! needs the helper jumps to it before anything is written.
//!
//! * FRECPE: a lane whose biased exponent `e` is in `1..=2 * bias - 2` has
//!   the result `sign | (2 * bias - 1 - e) << fbits | table[top 8 fraction
//!   bits] << (fbits - 8)` whatever FPCR holds, and raises nothing. Zeros,
//!   denormals (whose estimate may overflow), the largest exponents (whose
//!   estimate is denormal or flushed), infinities and NaNs take the helper.
//! * FRSQRTE: a positive normal lane has the exponent
//!   `(3 * bias - 1 - e) / 2` and the fraction `table[(e & 1) << 8 | top
//!   8 fraction bits] << (fbits - 8)`, and raises nothing; negative, zero,
//!   denormal, infinite and NaN lanes take the helper.
//! * FRECPX: a normal lane keeps its sign, inverts its exponent and clears
//!   its fraction, raising nothing; zeros, denormals (flushed or not),
//!   infinities and NaNs take the helper.
//! * URECPE/URSQRTE: no exception and no special case but the small
//!   lanes, which give all ones (a `cmov`).
//!
//! Scratch: `xmm0`, `xmm1`, `rax`, `rcx`, `rdx`.

use super::emit::Emitter;
use crate::ir::{EstOp, HelperFn, VecOp};
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi};

/// Whether [`VecOp::Estimate`] runs inline on this host (`pextrd`,
/// `pinsrd`, `pextrq` and `pinsrq` are SSE4.1).
pub(super) fn inline_ok() -> bool {
    super::emit_vec::has_sse41()
}

/// The floating-point format of `esize`-bit lanes: fraction bits, exponent
/// bits and bias.
fn format(esize: u8) -> (u8, u8, i32) {
    match esize {
        16 => (10, 5, 15),
        32 => (23, 8, 127),
        _ => (52, 11, 1023),
    }
}

impl Emitter {
    /// [`VecOp::Estimate`] (see the module docs).
    pub(super) fn vec_estimate(&mut self, op: VecOp, (vd, vn): (u8, u8), slow: HelperFn, arg: u64) {
        let VecOp::Estimate {
            op,
            esize,
            q,
            scalar,
            table,
        } = op
        else {
            unreachable!("not an Estimate: {op:?}")
        };
        if !inline_ok() {
            self.vec_slow(slow, arg);
            return;
        }
        let (d, n) = (Self::voff(vd), Self::voff(vn));
        let lanes = match (scalar, q) {
            (true, _) => 1,
            (false, false) => 64 / esize,
            (false, true) => 128 / esize,
        };
        let slow_path = self.a.new_dynamic_label();
        self.load_v(0, n);
        dynasm!(self.a ; .arch x64 ; pxor xmm1, xmm1);
        let table = table.0.as_ptr() as i64;
        for lane in 0..lanes {
            self.extract_lane(esize, lane);
            match op {
                EstOp::Recip => self.recip_lane(esize, table, slow_path),
                EstOp::Rsqrt => self.rsqrt_lane(esize, table, slow_path),
                EstOp::Recpx => self.recpx_lane(esize, slow_path),
                EstOp::URecip | EstOp::URsqrt => self.unsigned_lane(op, table),
            }
            self.insert_lane(esize, lane);
        }
        dynasm!(self.a ; .arch x64 ; movdqa xmm0, xmm1);
        self.store_v(d, true);
        // The unsigned forms never take the slow path.
        if !matches!(op, EstOp::URecip | EstOp::URsqrt) {
            self.vec_slow_path(slow_path, slow, arg);
        }
    }

    /// rax = lane `lane` of xmm0, zero-extended.
    fn extract_lane(&mut self, esize: u8, lane: u8) {
        let i = lane as i8;
        match esize {
            16 => dynasm!(self.a ; .arch x64 ; pextrw eax, xmm0, i),
            32 => dynasm!(self.a ; .arch x64 ; pextrd eax, xmm0, i),
            _ => dynasm!(self.a ; .arch x64 ; pextrq rax, xmm0, i),
        }
    }

    /// Lane `lane` of xmm1 = rax.
    fn insert_lane(&mut self, esize: u8, lane: u8) {
        let i = lane as i8;
        match esize {
            16 => dynasm!(self.a ; .arch x64 ; pinsrw xmm1, eax, i),
            32 => dynasm!(self.a ; .arch x64 ; pinsrd xmm1, eax, i),
            _ => dynasm!(self.a ; .arch x64 ; pinsrq xmm1, rax, i),
        }
    }

    /// rcx = `table[rdx]` shifted left by `sh` (clobbers rdx).
    fn lookup(&mut self, table: i64, sh: u8) {
        dynasm!(self.a ; .arch x64
            ; mov rcx, QWORD table
            ; movzx ecx, BYTE [rcx + rdx]
            ; shl rcx, sh as i8);
    }

    /// FRECPE of the lane in rax, into rax (see the module docs).
    fn recip_lane(&mut self, esize: u8, table: i64, slow_path: DynamicLabel) {
        let (fbits, ebits, bias) = format(esize);
        let emask = (1i32 << ebits) - 1;
        dynasm!(self.a ; .arch x64
            ; mov rdx, rax
            ; shr rdx, fbits as i8
            ; and edx, emask
            ; lea ecx, [rdx - 1]
            ; cmp ecx, 2 * bias - 3
            ; ja =>slow_path
            // rcx = the result's exponent field, rdx = the table index.
            ; mov ecx, 2 * bias - 1
            ; sub ecx, edx
            ; shl rcx, fbits as i8
            ; mov rdx, rax
            ; shr rdx, (fbits - 8) as i8
            ; and edx, 0xff
            // The sign alone, then the exponent.
            ; shr rax, (esize - 1) as i8
            ; shl rax, (esize - 1) as i8
            ; or rax, rcx
        );
        self.lookup(table, fbits - 8);
        dynasm!(self.a ; .arch x64 ; or rax, rcx);
    }

    /// FRSQRTE of the lane in rax, into rax (see the module docs).
    fn rsqrt_lane(&mut self, esize: u8, table: i64, slow_path: DynamicLabel) {
        let (fbits, ebits, bias) = format(esize);
        // The sign and exponent fields as one number: a positive normal
        // lane has it in 1..=emax - 1.
        dynasm!(self.a ; .arch x64
            ; mov rdx, rax
            ; shr rdx, fbits as i8
            ; lea ecx, [rdx - 1]
            ; cmp ecx, (1i32 << ebits) - 3
            ; ja =>slow_path
            ; mov ecx, 3 * bias - 1
            ; sub ecx, edx
            ; shr ecx, 1
            ; shl rcx, fbits as i8
            ; mov rdx, rax
            ; mov rax, rcx
        );
        // rdx = (e & 1) << 8 | top 8 fraction bits.
        dynasm!(self.a ; .arch x64 ; shr rdx, (fbits - 8) as i8 ; and edx, 0x1ff);
        self.lookup(table, fbits - 8);
        dynasm!(self.a ; .arch x64 ; or rax, rcx);
    }

    /// FRECPX of the lane in rax, into rax (see the module docs).
    fn recpx_lane(&mut self, esize: u8, slow_path: DynamicLabel) {
        let (fbits, ebits, _) = format(esize);
        let emask = (1i32 << ebits) - 1;
        dynasm!(self.a ; .arch x64
            ; mov rdx, rax
            ; shr rdx, fbits as i8
            ; and edx, emask
            ; lea ecx, [rdx - 1]
            ; cmp ecx, emask - 2
            ; ja =>slow_path
            // The sign, then the inverted exponent.
            ; shr rax, (esize - 1) as i8
            ; shl rax, (esize - 1) as i8
            ; xor edx, emask
            ; shl rdx, fbits as i8
            ; or rax, rdx
        );
    }

    /// URECPE or URSQRTE of the 32-bit lane in rax, into rax.
    fn unsigned_lane(&mut self, op: EstOp, table: i64) {
        let (index_mask, small) = match op {
            EstOp::URecip => (0xff, 0x8000_0000u32 as i32),
            _ => (0x1ff, 0x4000_0000),
        };
        dynasm!(self.a ; .arch x64
            ; mov edx, eax
            ; shr edx, 23
            ; and edx, index_mask
        );
        self.lookup(table, 23);
        dynasm!(self.a ; .arch x64
            ; or ecx, 0x8000_0000u32 as i32
            ; mov edx, -1
            ; cmp eax, small
            ; cmovb ecx, edx
            ; mov eax, ecx
        );
    }
}
