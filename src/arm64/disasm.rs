//! A short textual form of an instruction word for traces and
//! unimplemented-instruction messages: the encoding-table name followed by
//! each field of its pattern, e.g. `ADDSUB_imm z=1 o=0 S=0 h=0 i=0x10 n=1 d=0`.

use super::decode::decode;
use std::fmt::Write;

/// The table name of `word` and its fields (fields up to five bits wide in
/// decimal, wider ones in hex), or `UNDEFINED 0x…` when no encoding matches.
pub fn name(word: u32) -> String {
    let Some(f) = decode(word) else {
        return format!("UNDEFINED {word:#010x}");
    };
    let mut s = String::from(f.entry.name());
    for (letter, bits) in &f.entry.fields() {
        let c = *letter as char;
        let v = f.u(c);
        if bits.len() <= 5 {
            let _ = write!(s, " {c}={v}");
        } else {
            let _ = write!(s, " {c}={v:#x}");
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_immediate() {
        // add x0, x1, #16 = 0x91004020.
        assert_eq!(
            name(0x9100_4020),
            "ADDSUB_imm z=1 o=0 S=0 h=0 i=0x10 n=1 d=0"
        );
    }

    #[test]
    fn advanced_simd_forms() {
        // add v0.4s, v1.4s, v2.4s / fcvtzs h0, h1 / ld1 {v0.4s, v1.4s}, [x1], #32.
        assert_eq!(name(0x4ea2_8420), "ADD_v Q=1 s=2 m=2 n=1 d=0");
        assert_eq!(name(0x5ef9_b820), "FCVTZS_sh n=1 d=0");
        assert_eq!(name(0x4cdf_a820), "LD1_mult2_post Q=1 m=31 s=2 n=1 d=0");
    }

    #[test]
    fn undefined_word() {
        // op1 = 0b0001 (bits 28:25) is unallocated in the A64 top-level map.
        assert_eq!(name(0x0200_0000), "UNDEFINED 0x02000000");
    }
}
