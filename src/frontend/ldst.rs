//! (to be filled)

use super::{Ctx, TResult, Undefined};
use crate::arm64::encodings::ldst::Op;
use crate::arm64::Fields;

pub fn translate(_cx: &mut Ctx, op: Op, _f: &Fields) -> TResult {
    #[allow(unreachable_code, clippy::match_single_binding)]
    match op {
        _ => Err(Undefined),
    }
}
