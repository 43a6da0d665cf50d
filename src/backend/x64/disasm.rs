//! Disassembly of generated host code, for logs and tests.

use std::fmt::Write as _;

/// Intel-syntax disassembly of host code placed at `addr`.
pub fn host_disasm(code: &[u8], addr: u64) -> String {
    use iced_x86::{Decoder, DecoderOptions, Formatter, IntelFormatter};
    let mut decoder = Decoder::with_ip(64, code, addr, DecoderOptions::NONE);
    let mut fmt = IntelFormatter::new();
    let mut out = String::new();
    let mut text = String::new();
    while decoder.can_decode() {
        let insn = decoder.decode();
        text.clear();
        fmt.format(&insn, &mut text);
        let _ = writeln!(out, "0x{:016x}:  {text}", insn.ip());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disassembles_host_code() {
        // mov rax, rbx ; ret
        let text = host_disasm(&[0x48, 0x89, 0xd8, 0xc3], 0x1000);
        assert!(text.contains("mov rax,rbx"), "{text}");
        assert!(text.contains("ret"), "{text}");
    }
}
