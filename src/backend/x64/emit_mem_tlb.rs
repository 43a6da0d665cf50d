//! Guest memory accesses through the soft-TLB (system mode, chosen when the
//! backend is configured with a [`TlbConfig`]; user mode never emits this).
//!
//! Hot path, with the guest virtual address in rdx:
//!
//! ```text
//! mov rax, rdx ; shr rax, 7 ; and eax, mask<<5 ; add rax, [r15 + table]
//! lea rcx, [rdx + size-1] ; and rcx, -4096 ; cmp rcx, [rax + tag]
//! jne slow ; add rdx, [rax + addend] ; <the access on [rdx]>
//! ```
//!
//! Comparing the page of the *last* byte with the entry of the first sends
//! page-crossing accesses to the slow path. The slow path is out of line,
//! after the block: it saves the caller-saved registers that may hold IR
//! values, calls the [`SlowPath`] (which fills the entry, or performs a
//! load/store itself, MMIO included), and on a recorded fault leaves the
//! block through the fault exit of the instruction being emitted, whose
//! guest registers are exact there (memory accesses are observation points
//! for the IR passes). The operation itself (its IR) is the same as in user
//! mode; only the address it touches goes through the table.
//!
//! [`SlowPath`]: crate::runtime::soft_tlb::SlowPath

use super::emit::{Emitter, Src, OFF_FAULT};
use super::emit_check::ColdExit;
use super::regalloc::Loc;
use crate::ir::{Op, Val, Width};
use crate::runtime::soft_tlb::{info, TlbConfig, ENTRY_BITS, PAGE_BITS, TLB_ENTRIES};
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi};

const TAG_READ: i32 = 0;
const TAG_WRITE: i32 = 8;
const ADDEND: i32 = 24;

/// What the slow path does after its call.
#[derive(Copy, Clone, Debug)]
enum After {
    /// A load: the value returned goes to `dst` (host register `d`).
    Load { dst: Val, d: u8 },
    /// A store: nothing.
    Store,
    /// Address translation: the host address returned goes to rdx.
    Translate,
}

/// An out-of-line miss path, emitted after the block's terminal.
#[derive(Copy, Clone, Debug)]
pub(super) struct TlbSlow {
    label: DynamicLabel,
    resume: DynamicLabel,
    info: u64,
    /// A store's value.
    src: Option<Val>,
    after: After,
    pc: u64,
}

impl Emitter {
    fn tlb(&self) -> TlbConfig {
        self.env.tlb.expect("soft-TLB configured")
    }

    /// Emits `op` through the soft-TLB if it accesses guest memory; false
    /// for any other operation.
    pub(super) fn tlb_op(&mut self, op: &Op) -> bool {
        match *op {
            Op::Load {
                w,
                signed,
                dst,
                addr,
            } => self.tlb_load(w, signed, dst, addr),
            Op::Store { w, addr, src } => self.tlb_store(w, addr, src),
            Op::LoadVec { bytes, addr, .. } => self.tlb_translated(op, addr, bytes, false),
            Op::StoreVec { bytes, addr, .. } => self.tlb_translated(op, addr, bytes, true),
            Op::Rmw { w, addr, .. } | Op::Cas { w, addr, .. } => {
                self.tlb_translated(op, addr, w.bits() as u8 / 8, true)
            }
            Op::Structs {
                load,
                q,
                esize,
                regs,
                lane,
                addr,
                ..
            } => {
                let bytes = Op::structs_bytes(q, esize, regs, lane);
                self.tlb_translated(op, addr, bytes, !load)
            }
            _ => return false,
        }
        true
    }

    /// The inline probe: guest address in rdx, host address in rdx on a
    /// hit, a jump to `slow` on a miss.
    fn tlb_probe(&mut self, addr: Val, bytes: u8, tag: i32, slow: DynamicLabel) {
        let cfg = self.tlb();
        let table = cfg.table_ptr_offset;
        let mask = ((TLB_ENTRIES - 1) << ENTRY_BITS) as i32;
        let shift = (PAGE_BITS - ENTRY_BITS) as i8;
        let last = i32::from(bytes) - 1;
        self.load(2, addr);
        dynasm!(self.a
            ; .arch x64
            ; mov rax, rdx
            ; shr rax, shift
            ; and eax, mask
            ; add rax, QWORD [r15 + table]
            ; lea rcx, [rdx + last]
            ; and rcx, -(1 << PAGE_BITS)
            ; cmp rcx, QWORD [rax + tag]
            ; jne =>slow
            ; add rdx, QWORD [rax + ADDEND]
        );
    }

    fn tlb_load(&mut self, w: Width, signed: bool, dst: Val, addr: Val) {
        let (slow, resume) = (self.a.new_dynamic_label(), self.a.new_dynamic_label());
        let bytes = w.bits() as u8 / 8;
        self.tlb_probe(addr, bytes, TAG_READ, slow);
        let d = self.dreg(dst);
        match (w, signed) {
            (Width::W8, false) => dynasm!(self.a ; .arch x64 ; movzx Rd(d), BYTE [rdx]),
            (Width::W8, true) => dynasm!(self.a ; .arch x64 ; movsx Rq(d), BYTE [rdx]),
            (Width::W16, false) => dynasm!(self.a ; .arch x64 ; movzx Rd(d), WORD [rdx]),
            (Width::W16, true) => dynasm!(self.a ; .arch x64 ; movsx Rq(d), WORD [rdx]),
            (Width::W32, false) => dynasm!(self.a ; .arch x64 ; mov Rd(d), DWORD [rdx]),
            (Width::W32, true) => dynasm!(self.a ; .arch x64 ; movsxd Rq(d), DWORD [rdx]),
            (Width::W64, _) => dynasm!(self.a ; .arch x64 ; mov Rq(d), QWORD [rdx]),
        }
        self.store(dst, d);
        dynasm!(self.a ; .arch x64 ; =>resume);
        let sign = if signed { info::SIGNED } else { 0 };
        self.push_tlb_slow(TlbSlow {
            label: slow,
            resume,
            info: u64::from(bytes) | info::READ | info::ACCESS | sign,
            src: None,
            after: After::Load { dst, d },
            pc: self.insn_pc,
        });
    }

    fn tlb_store(&mut self, w: Width, addr: Val, src: Val) {
        let (slow, resume) = (self.a.new_dynamic_label(), self.a.new_dynamic_label());
        let bytes = w.bits() as u8 / 8;
        self.tlb_probe(addr, bytes, TAG_WRITE, slow);
        match (self.src(src, w == Width::W64, 1), w) {
            (Src::R(r), Width::W8) => dynasm!(self.a ; .arch x64 ; mov BYTE [rdx], Rb(r)),
            (Src::R(r), Width::W16) => dynasm!(self.a ; .arch x64 ; mov WORD [rdx], Rw(r)),
            (Src::R(r), Width::W32) => dynasm!(self.a ; .arch x64 ; mov DWORD [rdx], Rd(r)),
            (Src::R(r), Width::W64) => dynasm!(self.a ; .arch x64 ; mov QWORD [rdx], Rq(r)),
            (Src::I(i), Width::W8) => dynasm!(self.a ; .arch x64 ; mov BYTE [rdx], i as i8),
            (Src::I(i), Width::W16) => dynasm!(self.a ; .arch x64 ; mov WORD [rdx], i as i16),
            (Src::I(i), Width::W32) => dynasm!(self.a ; .arch x64 ; mov DWORD [rdx], i),
            (Src::I(i), Width::W64) => dynasm!(self.a ; .arch x64 ; mov QWORD [rdx], i),
            (Src::M(m), _) => {
                dynasm!(self.a ; .arch x64 ; mov rcx, QWORD [r15 + m]);
                match w {
                    Width::W8 => dynasm!(self.a ; .arch x64 ; mov BYTE [rdx], cl),
                    Width::W16 => dynasm!(self.a ; .arch x64 ; mov WORD [rdx], cx),
                    Width::W32 => dynasm!(self.a ; .arch x64 ; mov DWORD [rdx], ecx),
                    Width::W64 => dynasm!(self.a ; .arch x64 ; mov QWORD [rdx], rcx),
                }
            }
        }
        dynasm!(self.a ; .arch x64 ; =>resume);
        self.push_tlb_slow(TlbSlow {
            label: slow,
            resume,
            info: u64::from(bytes) | info::WRITE | info::ACCESS,
            src: Some(src),
            after: After::Store,
            pc: self.insn_pc,
        });
    }

    /// The host address of `bytes` bytes at `addr` in rdx (the slow path
    /// returns it, RAM only).
    fn tlb_translate(&mut self, addr: Val, bytes: u8, write: bool) {
        let (slow, resume) = (self.a.new_dynamic_label(), self.a.new_dynamic_label());
        let tag = if write { TAG_WRITE } else { TAG_READ };
        self.tlb_probe(addr, bytes, tag, slow);
        dynasm!(self.a ; .arch x64 ; =>resume);
        let kind = if write {
            info::READ | info::WRITE
        } else {
            info::READ
        };
        self.push_tlb_slow(TlbSlow {
            label: slow,
            resume,
            info: u64::from(bytes) | kind,
            src: None,
            after: After::Translate,
            pc: self.insn_pc,
        });
    }

    /// Any other access: the address is translated, then the operation's
    /// user-mode code runs on the host address, given to it as a value
    /// living in rdx.
    fn tlb_translated(&mut self, op: &Op, addr: Val, bytes: u8, write: bool) {
        self.tlb_translate(addr, bytes, write);
        let host = Val(self.locs.len() as u32);
        self.locs.push(Loc::Reg(2));
        let op = with_addr(op, host);
        self.op_direct(&op);
        self.locs.pop();
    }

    fn push_tlb_slow(&mut self, s: TlbSlow) {
        self.tlb_cold.push(s);
    }

    /// Emits every pending miss path (before the cold exits, to which they
    /// add their fault exits).
    pub(super) fn tlb_slow_paths(&mut self) {
        let slow_fn = match self.env.tlb {
            Some(cfg) => cfg.slow,
            None => return,
        };
        for s in std::mem::take(&mut self.tlb_cold) {
            dynasm!(self.a ; .arch x64 ; =>s.label);
            if let Some(src) = s.src {
                self.load(1, src);
            }
            let fault = self.a.new_dynamic_label();
            // Six pushes keep rsp 16-byte aligned for the call, as it is in
            // translated code.
            dynasm!(self.a
                ; .arch x64
                ; push rsi ; push rdi ; push r8 ; push r9 ; push r10 ; push r11
                ; mov rsi, rdx
                ; mov edx, s.info as i32
                ; mov rdi, r15
                ; mov rax, QWORD slow_fn as usize as i64
                ; call rax
                ; pop r11 ; pop r10 ; pop r9 ; pop r8 ; pop rdi ; pop rsi
                ; cmp QWORD [r15 + OFF_FAULT], 0
                ; jne =>fault
            );
            self.cold.push(ColdExit::Fault {
                label: fault,
                pc: s.pc,
            });
            match s.after {
                After::Load { dst, d } => {
                    if d != 0 {
                        dynasm!(self.a ; .arch x64 ; mov Rq(d), rax);
                    }
                    self.store(dst, d);
                }
                After::Store => {}
                After::Translate => dynasm!(self.a ; .arch x64 ; mov rdx, rax),
            }
            dynasm!(self.a ; .arch x64 ; jmp =>s.resume);
        }
    }
}

/// `op` accessing `addr` instead of its own address.
fn with_addr(op: &Op, addr: Val) -> Op {
    let mut op = *op;
    match &mut op {
        Op::LoadVec { addr: a, .. }
        | Op::StoreVec { addr: a, .. }
        | Op::Rmw { addr: a, .. }
        | Op::Cas { addr: a, .. }
        | Op::Structs { addr: a, .. } => *a = addr,
        _ => unreachable!("not a translated access: {op:?}"),
    }
    op
}

#[cfg(test)]
mod tests {
    use super::super::disasm::host_disasm;
    use super::super::emit::{compile, Env};
    use crate::cpu::{CpuState, ExitReason};
    use crate::ir::{Builder, Width};
    use crate::runtime::soft_tlb::TlbConfig;

    unsafe extern "C" fn never(_: *mut CpuState, _: u64, _: u64, _: u64) -> u64 {
        unreachable!("code is only disassembled")
    }

    /// A block `x1 = [x0]; [x0 + 8] = x1` compiled with and without a
    /// soft-TLB.
    fn load_store(tlb: Option<TlbConfig>) -> String {
        let mut b = Builder::new(0x1000);
        b.insn_start(0x1000);
        let a = b.get_reg(0);
        let v = b.load(Width::W64, false, a);
        b.set_reg(1, v);
        b.insn_start(0x1004);
        let a8 = b.add_imm(a, 8);
        b.store(Width::W64, a8, v);
        b.exit(ExitReason::Udf, 0x1008, 0);
        let block = b.finish(0x1008);
        let env = Env {
            exit: 0x9000,
            tlb,
            tier: crate::backend::x64::Tier::Full,
        };
        let c = compile(&block, 0x10_0000, &env);
        host_disasm(&c.code, 0x10_0000)
    }

    #[test]
    fn user_mode_accesses_are_single_instructions() {
        let text = load_store(None);
        assert!(!text.contains("call"), "{text}");
        assert!(!text.contains("cmp"), "{text}");
    }

    #[test]
    fn hot_path_is_inline_and_miss_path_out_of_line() {
        let text = load_store(Some(TlbConfig {
            table_ptr_offset: 0x1234,
            slow: never,
        }));
        let lines: Vec<&str> = text.lines().collect();
        let probe = lines
            .iter()
            .position(|l| l.contains("shr rax,7"))
            .expect(&text);
        // shr, and, add table, lea, and page, cmp tag, jne slow, add addend,
        // then the load itself.
        let hot = &lines[probe..probe + 9];
        let want = [
            "shr rax,7",
            "and eax,1FE0h",
            "add rax,[r15+1234h]",
            "lea rcx,[rdx+7]",
        ];
        for (l, w) in hot.iter().zip(want) {
            assert!(l.contains(w), "{l} !~ {w}\n{text}");
        }
        assert!(
            hot[5].contains("cmp rcx,[rax]") && hot[6].contains("jne"),
            "{text}"
        );
        assert!(
            hot[7].contains("add rdx,[rax+18h]") && hot[8].contains("[rdx]"),
            "{text}"
        );
        // The store compares the write tag; both miss paths come after the
        // block's exit, each with one call.
        assert!(text.contains("cmp rcx,[rax+8]"), "{text}");
        let exit = lines
            .iter()
            .position(|l| l.contains("jmp") && l.contains("9000h"));
        let first_call = lines.iter().position(|l| l.contains("call"));
        assert!(first_call > exit, "{text}");
        assert_eq!(text.matches("call rax").count(), 2, "{text}");
    }
}
