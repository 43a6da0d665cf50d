//! The Armv8.1–8.6 extension instructions of
//! [`crate::arm64::encodings::ext`], each sent to the file of its feature.

use super::{Ctx, TResult};
use crate::arm64::encodings::ext::Op;
use crate::arm64::Fields;

pub fn translate(cx: &mut Ctx, op: Op, f: &Fields) -> TResult {
    use super::simd;
    use Op::*;
    match op {
        SDOT_vec | UDOT_vec | USDOT_vec | SMMLA | UMMLA | USMMLA | SDOT_elem | UDOT_elem
        | USDOT_elem | SUDOT_elem => simd::dot::translate(cx, op, f),
        SQRDMLAH_vec | SQRDMLSH_vec | SQRDMLAH_s | SQRDMLSH_s | SQRDMLAH_elem | SQRDMLSH_elem
        | SQRDMLAH_selem | SQRDMLSH_selem => simd::rdm::translate(cx, op, f),
        FCMLA_vec | FCADD | FCMLA_elem => simd::complex::translate(cx, op, f),
        FMLAL_vec | FMLSL_vec | FMLAL2_vec | FMLSL2_vec | FMLAL_elem | FMLSL_elem | FMLAL2_elem
        | FMLSL2_elem => simd::fhm::translate(cx, op, f),
        BFDOT_vec | BFMLAL_vec | BFMMLA | BFDOT_elem | BFMLAL_elem | BFCVTN | BFCVT => {
            simd::bf16::translate(cx, op, f)
        }
        FRINT32Z | FRINT32X | FRINT64Z | FRINT64X | FRINT32Z_vec | FRINT32X_vec | FRINT64Z_vec
        | FRINT64X_vec => simd::frintts::translate(cx, op, f),
        FJCVTZS => simd::frintts::translate_jscvt(cx, f),
        CFINV | XAFLAG | AXFLAG | RMIF | SETF8 | SETF16 => super::flagm::translate(cx, op, f),
    }
}
