//! The half-precision reductions FMAXV, FMAXNMV, FMINV and FMINNMV inline
//! with F16C and AVX2 ([`crate::ir::HalfOp::MaxV`], `MinV`): the lanes are
//! converted to single precision (exactly), the two halves of the vector
//! combined until one lane is left, and that lane converted back, exactly.
//! Between numbers a maximum or minimum is one of its operands and raises
//! nothing, on either side, and it is associative and commutative (with +0
//! above -0), so the order of Arm's `Reduce` does not matter. NaN lanes
//! (where the four instructions differ, and x86 raises Invalid for other
//! NaNs than Arm) and FPCR.FZ16 (which flushes denormal lanes) take the
//! exact helper.

use super::emit::Emitter;
use super::emit_half::FZ16;
use crate::ir::HelperFn;
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};

impl Emitter {
    /// `V[vd]` = the largest (`max`) or smallest half lane of `V[vn]`
    /// (eight lanes with `q`, else four), the rest zeroed.
    pub(super) fn vec_half_reduce(
        &mut self,
        max: bool,
        q: bool,
        (vd, vn): (u8, u8),
        slow: HelperFn,
        arg: u64,
    ) {
        let (d, n) = (Self::voff(vd), Self::voff(vn));
        let slow_path = self.a.new_dynamic_label();
        self.check_fpcr(slow_path, FZ16);
        self.lanes_in(0, n, q);
        if q {
            dynasm!(self.a ; .arch x64
                ; vcmpps ymm3, ymm0, ymm0, 3
                ; vptest ymm3, ymm3
                ; jnz =>slow_path
                ; vextracti128 xmm1, ymm0, 1);
            self.half_combine(max);
        } else {
            dynasm!(self.a ; .arch x64
                ; vcmpps xmm3, xmm0, xmm0, 3
                ; vptest xmm3, xmm3
                ; jnz =>slow_path);
        }
        dynasm!(self.a ; .arch x64 ; vmovhlps xmm1, xmm0, xmm0);
        self.half_combine(max);
        dynasm!(self.a ; .arch x64 ; vmovshdup xmm1, xmm0);
        self.half_combine(max);
        dynasm!(self.a ; .arch x64 ; vcvtps2ph xmm0, xmm0, 0);
        self.word0(0, 0);
        dynasm!(self.a ; .arch x64 ; vzeroupper);
        self.store_v(d, true);
        self.vec_slow_path(slow_path, slow, arg).vzeroupper = true;
    }

    /// xmm0 = the lane-wise maximum (`max`) or minimum of xmm0 and xmm1.
    /// x86's `maxps`/`minps` return the second operand when the two are
    /// equal, +0 and -0 included; with the operands both ways round, AND
    /// (OR) gives +0 as the maximum (-0 as the minimum) and leaves other
    /// results alone.
    fn half_combine(&mut self, max: bool) {
        if max {
            dynasm!(self.a ; .arch x64
                ; vmaxps xmm4, xmm0, xmm1
                ; vmaxps xmm0, xmm1, xmm0
                ; vandps xmm0, xmm0, xmm4);
        } else {
            dynasm!(self.a ; .arch x64
                ; vminps xmm4, xmm0, xmm1
                ; vminps xmm0, xmm1, xmm0
                ; vorps xmm0, xmm0, xmm4);
        }
    }
}
