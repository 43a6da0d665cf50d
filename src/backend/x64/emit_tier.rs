//! The entry and exit of a quick-tier block (see [`super::Tier::Quick`]).
//!
//! ```text
//!         jmp  next              ; rel32 4-byte aligned: promotion points
//!   next:                        ;   it at the full-tier block
//!         mov  rax, counter
//!         sub  dword [rax], 1
//!         jle  promote           ; out of line, after the block's other exits
//!         ...                    ; the block
//!   promote:
//!         pc = block start, reason = Promote, jump to the exit trampoline
//! ```
//!
//! rax is scratch at every block entry. The count is a plain (not locked)
//! subtraction: threads running the block at once may lose a decrement,
//! which only delays the promotion, and `jle` keeps asking for it once the
//! count is at or below zero, so a count no thread saw reach zero still
//! promotes. Once promoted, the first jump skips the count.

use super::emit::Emitter;
use crate::cpu::ExitReason;
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi};

impl Emitter {
    /// Emits the entry: the patchable jump and the count. Returns the
    /// offset of the end of the jump's rel32 (its link site) and the label
    /// of the promotion exit, which [`Emitter::promote_exit`] emits.
    pub(super) fn promote_prologue(&mut self, counter: u64) -> (u32, DynamicLabel) {
        let next = self.a.new_dynamic_label();
        let promote = self.a.new_dynamic_label();
        self.align_patch_site(1);
        dynasm!(self.a ; .arch x64 ; jmp =>next ; =>next);
        let site = self.a.offset().0 as u32;
        dynasm!(self.a
            ; .arch x64
            ; mov rax, QWORD counter as i64
            ; sub DWORD [rax], 1
            ; jle =>promote
        );
        (site, promote)
    }

    /// The promotion exit: the state is the block's entry state, so the
    /// dispatcher may run the block's full-tier translation from there.
    pub(super) fn promote_exit(&mut self, label: DynamicLabel, start_pc: u64) {
        dynasm!(self.a ; .arch x64 ; =>label);
        self.exit_with(ExitReason::Promote, start_pc);
    }
}
