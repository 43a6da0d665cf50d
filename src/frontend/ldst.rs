//! (to be filled)

use super::{Ctx, TResult};
use crate::arm64::encodings::ldst::Op;
use crate::arm64::Fields;

pub fn translate(_cx: &mut Ctx, op: Op, _f: &Fields) -> TResult {
    match op {}
}
