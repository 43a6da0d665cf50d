//! FMULX by element on single and double lanes (vector and scalar), which
//! runs inline as a `VecOp::Fp` (`emit_vec_fmulx`): every arrangement and
//! element index, with the destination apart from and equal to the
//! sources, each translated without a helper call and run alone from 2000
//! random states, then in random blocks with other instructions between,
//! under the interpreter (the exact helper) and as x86-64 code before and
//! after the passes, with the lanes and FPCR of `vec_fp` (its V3 lanes
//! half the time near the inverses of V2's, so that products land at the
//! smallest normals and the overflow threshold).

use super::vec_fp::check;
use super::vec_round::fp_words_inline;

/// From aarch64-linux-gnu-as.
const WORDS: [u32; 24] = [
    0x2f839041, // fmulx v1.2s, v2.2s, v3.s[0]
    0x2fa39042, // fmulx v2.2s, v2.2s, v3.s[1]
    0x2f839843, // fmulx v3.2s, v2.2s, v3.s[2]
    0x2fa29842, // fmulx v2.2s, v2.2s, v2.s[3]
    0x6f839041, // fmulx v1.4s, v2.4s, v3.s[0]
    0x6fa39042, // fmulx v2.4s, v2.4s, v3.s[1]
    0x6f839843, // fmulx v3.4s, v2.4s, v3.s[2]
    0x6fa29842, // fmulx v2.4s, v2.4s, v2.s[3]
    0x6fb39841, // fmulx v1.4s, v2.4s, v19.s[3]
    0x6fc39041, // fmulx v1.2d, v2.2d, v3.d[0]
    0x6fc39842, // fmulx v2.2d, v2.2d, v3.d[1]
    0x6fc39043, // fmulx v3.2d, v2.2d, v3.d[0]
    0x6fc29842, // fmulx v2.2d, v2.2d, v2.d[1]
    0x6fd39841, // fmulx v1.2d, v2.2d, v19.d[1]
    0x7f839041, // fmulx s1, s2, v3.s[0]
    0x7fa39042, // fmulx s2, s2, v3.s[1]
    0x7f839843, // fmulx s3, s2, v3.s[2]
    0x7fa29842, // fmulx s2, s2, v2.s[3]
    0x7f939841, // fmulx s1, s2, v19.s[2]
    0x7fc39041, // fmulx d1, d2, v3.d[0]
    0x7fc39842, // fmulx d2, d2, v3.d[1]
    0x7fc39843, // fmulx d3, d2, v3.d[1]
    0x7fc29042, // fmulx d2, d2, v2.d[0]
    0x7fd39841, // fmulx d1, d2, v19.d[1]
];

#[test]
fn fmulx_by_element_runs_inline_and_matches_the_helper() {
    fp_words_inline(0xf6, &WORDS, 2000, check);
}
