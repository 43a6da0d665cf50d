//! NZCV in the CPU state. A flag-setting operation whose NZCV is only
//! stored (and perhaps chosen between by a `Select`, as CCMP does) keeps
//! the host flags in their x86 form: `lahf` and `seto al` leave SF, ZF,
//! CF and OF in AX, stored zero-extended in [`CpuState::nzcv_host`]
//! (three host instructions and a store instead of building the
//! architectural layout through a table). That field, when non-zero,
//! overrides [`CpuState::nzcv`]; translated code converts it where it
//! reads NZCV, and the trampoline folds it into `nzcv` whenever translated
//! code leaves (faults and signals included), so Rust code only ever sees
//! the architectural layout.
//!
//! Host form: AH bit 7 = N (bit 15 of AX), bit 6 = Z (14), bit 0 = NOT
//! the arm64 C (8: x86 CF after a subtraction or a logical `test`, so the
//! commonest flag writers, CMP, SUBS, TST and ANDS, store their flags with
//! no `cmc`; an addition's CF is complemented first), bit 1 always set (9:
//! the value is never zero), AL bit 0 = V (0). Bits 16 and up are
//! whatever rax held before (`lahf` and `seto` write AH and AL only):
//! every reader masks them off.

use super::emit::Emitter;
use crate::cpu::state::CpuState;
use crate::ir::passes::refill;
use crate::ir::{Block, FlagsOp, Op, PollNzcv, Val};
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};
use std::mem::offset_of;

pub(super) const OFF_NZCV: i32 = offset_of!(CpuState, nzcv) as i32;
pub(super) const OFF_NZCV_HOST: i32 = offset_of!(CpuState, nzcv_host) as i32;

/// The bits of a host-form NZCV that carry N, Z, C and V.
pub(super) const HOST_BITS: i32 = 0xc101;
/// `(host & HOST_BITS) * HOST_SPREAD` has N, Z, C, V in bits 31..28 (the
/// partial products of distinct bits do not overlap below bit 32).
pub(super) const HOST_SPREAD: i32 = 0x1021_0000;
/// Bits 31..28.
pub(super) const ARCH_BITS: i32 = 0xf000_0000_u32 as i32;

/// The host form's C bit (bit 8, NOT the arm64 C): what a reader flips
/// before converting.
pub(super) const HOST_NOT_C: i32 = 0x100;

/// The host form of an architectural NZCV value (bits 31..28 only).
pub(super) const fn host_form(k: u64) -> u64 {
    (k >> 31 & 1) << 15 | (!k >> 29 & 1) << 8 | (k >> 30 & 1) << 14 | (k >> 28 & 1) | 0x200
}

/// The host form of each NZCV nibble.
static HOST_FORMS: [u16; 16] = {
    let mut t = [0u16; 16];
    let mut k = 0;
    while k < 16 {
        t[k] = host_form((k as u64) << 28) as u16;
        k += 1;
    }
    t
};

/// The architectural NZCV a host form stands for (what the trampoline and
/// `Emitter::load_nzcv` compute).
#[cfg(test)]
fn arch_form(h: u64) -> u64 {
    (((h ^ HOST_NOT_C as u64) & HOST_BITS as u64) * HOST_SPREAD as u64) & 0xf000_0000
}

/// Which values of `block` are computed in host form: results of `Flags`
/// whose every use is a store to NZCV, a poll exit's store, or an operand
/// of a `Select` computed in host form, whose other operand is in host
/// form too or a constant NZCV. `extra` are values the terminal's code
/// reads; they stay architectural.
pub(super) fn host_form_values(block: &Block, extra: &[Val], host: &mut Vec<bool>) {
    SCRATCH.with(|s| host_form_with(block, extra, host, &mut s.borrow_mut()));
}

/// The working buffers of [`host_form_values`] and [`state_cond_loads`],
/// kept per thread so that each block reuses the previous one's memory.
#[derive(Default)]
struct Scratch {
    konst: Vec<Option<u64>>,
    open: Vec<Val>,
    bad: Vec<bool>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = Default::default();
}

fn host_form_with(block: &Block, extra: &[Val], host: &mut Vec<bool>, s: &mut Scratch) {
    let n = block.n_vals as usize;
    refill(host, n, false);
    let konst = &mut s.konst;
    refill(konst, n, None);
    let (mut any, mut selects) = (false, false);
    for op in &block.ops {
        match *op {
            Op::Flags { dst, .. } | Op::Select { dst, .. } => {
                host[dst.0 as usize] = true;
                any = true;
                selects |= matches!(op, Op::Select { .. });
            }
            Op::Const { dst, imm } => konst[dst.0 as usize] = Some(imm),
            _ => {}
        }
    }
    if !any {
        return;
    }
    let nzcv = OFF_NZCV as u32;
    // Shrinks the set until every member's uses and operands allow it.
    loop {
        let mut changed = false;
        let mut drop = |host: &mut Vec<bool>, v: Val| {
            if host[v.0 as usize] {
                host[v.0 as usize] = false;
                changed = true;
            }
        };
        for op in &block.ops {
            match *op {
                Op::StoreState { offset, .. } if offset == nzcv => {}
                Op::Poll {
                    nzcv: PollNzcv::Value(_),
                    ..
                } => {}
                Op::Select { dst, c, a, b } => {
                    drop(host, c);
                    let arch_const =
                        |v: Val| konst[v.0 as usize].is_some_and(|k| k & !0xf000_0000 == 0);
                    let ok = |v: Val, host: &Vec<bool>| host[v.0 as usize] || arch_const(v);
                    if host[dst.0 as usize] && !(ok(a, host) && ok(b, host)) {
                        drop(host, dst);
                    }
                    if !host[dst.0 as usize] {
                        drop(host, a);
                        drop(host, b);
                    }
                }
                _ => op.for_each_use(|v| drop(host, v)),
            }
        }
        block.term.for_each_use(|v| drop(host, v));
        for &v in extra {
            drop(host, v);
        }
        // Without selects, what a pass drops does not depend on the set:
        // the next pass would change nothing.
        if !changed || !selects {
            break;
        }
    }
    // A select none of whose operands is a flags result gains nothing.
    for op in &block.ops {
        if let Op::Select { dst, a, b, .. } = *op {
            if host[dst.0 as usize] && !host[a.0 as usize] && !host[b.0 as usize] {
                host[dst.0 as usize] = false;
            }
        }
    }
}

/// The loads of NZCV from the CPU state that only conditions read, with
/// no write of NZCV or helper call between the load and them: each
/// condition reads the state itself ([`Emitter::cond_state`]) and the load
/// emits nothing.
pub(super) fn state_cond_loads(block: &Block, extra: &[Val], deferred: &mut Vec<bool>) {
    SCRATCH.with(|s| state_cond_with(block, extra, deferred, &mut s.borrow_mut()));
}

fn state_cond_with(block: &Block, extra: &[Val], deferred: &mut Vec<bool>, s: &mut Scratch) {
    let n = block.n_vals as usize;
    refill(deferred, n, false);
    let nzcv = OFF_NZCV as u32;
    // The loads whose value is still valid (no write or call since).
    let open = &mut s.open;
    open.clear();
    let loads = |op: &Op| matches!(*op, Op::LoadState { offset, .. } if offset == nzcv);
    if !block.ops.iter().any(loads) {
        return;
    }
    let bad = &mut s.bad;
    refill(bad, n, false);
    for op in &block.ops {
        match *op {
            Op::LoadState { dst, offset } if offset == nzcv => {
                deferred[dst.0 as usize] = true;
                open.push(dst);
            }
            Op::Cond { nzcv: v, .. } if deferred[v.0 as usize] && !open.contains(&v) => {
                bad[v.0 as usize] = true;
            }
            Op::StoreState { offset, .. } if offset == nzcv => open.clear(),
            Op::Call { .. } => open.clear(),
            _ => {}
        }
        if !matches!(op, Op::Cond { .. }) {
            op.for_each_use(|v| bad[v.0 as usize] = true);
        }
    }
    block.term.for_each_use(|v| bad[v.0 as usize] = true);
    for &v in extra {
        bad[v.0 as usize] = true;
    }
    for (d, &b) in deferred.iter_mut().zip(bad.iter()) {
        *d &= !b;
    }
}

/// The x86 condition testing arm64 `cond` after
/// [`Emitter::restore_state_flags`] (which leaves CF = NOT C, as a
/// subtraction does); `None` for AL and NV, which always hold.
pub(super) fn state_cc(cond: u8) -> Option<u8> {
    super::emit_alu::cc_after_sub(cond)
}

impl Emitter {
    /// Sets the host flags to the NZCV in the CPU state: SF, ZF, CF (NOT
    /// the arm64 C, as after a subtraction) and OF, from the host form (the
    /// architectural field converted through a table when that is zero):
    /// `add al, 0x7f` sets OF from AL bit 0, then `sahf` SF, ZF and CF
    /// from AH. Clobbers rax and rcx.
    pub(super) fn restore_state_flags(&mut self) {
        let have = self.a.new_dynamic_label();
        let table = HOST_FORMS.as_ptr() as i64;
        dynasm!(self.a ; .arch x64
            ; mov rax, QWORD [r15 + OFF_NZCV_HOST]
            ; test eax, eax
            ; jnz =>have
            ; mov eax, DWORD [r15 + OFF_NZCV]
            ; shr eax, 28
            ; mov rcx, QWORD table
            ; movzx eax, WORD [rcx + rax * 2]
            ; =>have
            ; add al, 0x7f
            ; sahf
        );
    }

    /// 1 if `cond` holds for the NZCV in the CPU state.
    pub(super) fn cond_state(&mut self, dst: Val, cond: u8) {
        match state_cc(cond) {
            Some(cc) => {
                self.restore_state_flags();
                self.setcc(cc);
                dynasm!(self.a ; .arch x64 ; movzx eax, al);
            }
            None => dynasm!(self.a ; .arch x64 ; mov eax, 1),
        }
        self.store(dst, 0);
    }

    /// Whether `v` is computed in host form.
    pub(super) fn is_host_nzcv(&self, v: Val) -> bool {
        self.host_nzcv.get(v.0 as usize).copied().unwrap_or(false)
    }

    /// rax = the host form of the flags `op` just set on the host. After a
    /// subtraction or a logical `test` the host flags stay as they were
    /// (says so: a branch on the same compare need not issue it again);
    /// after an addition CF is complemented.
    pub(super) fn host_flags_to_rax(&mut self, op: FlagsOp) -> bool {
        match op {
            FlagsOp::Sub => dynasm!(self.a ; .arch x64 ; lahf ; seto al),
            // `test` clears CF: bit 8 is 0, and NOT C is 1. `lea` keeps the flags.
            FlagsOp::Logic => {
                dynasm!(self.a ; .arch x64 ; lahf ; seto al ; lea eax, [rax + HOST_NOT_C])
            }
            FlagsOp::Add => dynasm!(self.a ; .arch x64 ; cmc ; lahf ; seto al),
        }
        op != FlagsOp::Add
    }

    /// Stores the NZCV value `v` in the CPU state.
    pub(super) fn store_nzcv_val(&mut self, v: Val) {
        if self.is_host_nzcv(v) {
            let r = self.reg_of(v).unwrap_or_else(|| {
                self.load(0, v);
                0
            });
            dynasm!(self.a ; .arch x64 ; mov QWORD [r15 + OFF_NZCV_HOST], Rq(r));
        } else {
            self.store_state_raw(OFF_NZCV, v);
            dynasm!(self.a ; .arch x64 ; mov QWORD [r15 + OFF_NZCV_HOST], 0);
        }
    }

    /// Loads the architectural NZCV into `dst`.
    pub(super) fn load_nzcv(&mut self, dst: Val) {
        let d = self.dreg(dst);
        let arch = self.a.new_dynamic_label();
        let done = self.a.new_dynamic_label();
        dynasm!(self.a ; .arch x64
            ; mov Rq(d), QWORD [r15 + OFF_NZCV_HOST]
            ; test Rq(d), Rq(d)
            ; jz =>arch
            ; xor Rd(d), HOST_NOT_C
            ; and Rd(d), HOST_BITS
            ; imul Rd(d), Rd(d), HOST_SPREAD
            ; and Rd(d), ARCH_BITS
            ; jmp =>done
            ; =>arch
            ; mov Rq(d), QWORD [r15 + OFF_NZCV]
            ; =>done
        );
        self.store(dst, d);
    }

    /// `Select` of NZCV values in host form; constant operands are
    /// architectural and converted here.
    pub(super) fn select_host(&mut self, dst: Val, c: Val, a: Val, b: Val) {
        for (r, v) in [(0u8, a), (1u8, b)] {
            match self.is_host_nzcv(v) {
                true => self.load(r, v),
                false => {
                    let Some(k) = self.imm_of(v) else {
                        unreachable!("host-form select of a non-constant")
                    };
                    dynasm!(self.a ; .arch x64 ; mov Rd(r), host_form(k) as i32);
                }
            }
        }
        self.load(2, c);
        dynasm!(self.a ; .arch x64 ; test rdx, rdx ; cmovz rax, rcx);
        self.store(dst, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_form_round_trips() {
        for (k, &h) in HOST_FORMS.iter().enumerate() {
            assert_eq!(arch_form(h as u64), (k as u64) << 28);
        }
        for k in 0..16u64 {
            assert_eq!(arch_form(host_form(k << 28)), k << 28);
        }
        // Every AX after lahf/seto, under any upper bits: bits other than
        // N, Z, NOT C and V are ignored.
        for ax in 0..0x10000u64 {
            let want =
                (ax >> 15 & 1) << 31 | (ax >> 14 & 1) << 30 | (!ax >> 8 & 1) << 29 | (ax & 1) << 28;
            for high in [0, 0xdead_0000, 0xffff_ffff_ffff_0000] {
                assert_eq!(arch_form(ax | high), want, "{ax:#x} {high:#x}");
            }
        }
    }
}
