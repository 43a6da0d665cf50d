//! IR interpreter: executes one IR block directly on a [`CpuState`].
//!
//! It is the reference semantics of the IR (see `crate::ir::ops`) against
//! which the x86-64 backend is tested, and a fallback executor. Like every
//! backend it sees only IR and CPU-state offsets, never guest encodings.
//!
//! Guest memory is identity-mapped (a guest address is the host address);
//! loads and stores go through the guest memory accessors
//! ([`crate::runtime::guest_mem`]), so a guest fault ends the block with a
//! fault exit at its instruction instead of crashing emu. The dispatcher
//! runs a block here the first few times it is reached (see
//! `jit::first_run`).

use crate::cpu::state::{ALIGN_DATA, ALIGN_WRITE};
use crate::cpu::{CpuState, ExitReason};
use crate::ir::eval::{add_with_carry, bin, cond_holds, flags, mask, sext, un};
use crate::ir::{Block, Op, PollNzcv, RmwOp, Terminal, Val, Width};
use crate::runtime::guest_mem::{self, GuestFault};
use crate::runtime::record_fault;
use std::sync::atomic::{self, Ordering};

/// Where execution continues after a block.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Next {
    /// Continue at this guest pc (a direct or indirect branch).
    Jump(u64),
    /// Leave to the dispatcher: reason, guest pc, exit argument.
    Exit(ExitReason, u64, u64),
}

/// Executes `block` on `cpu` and says where execution continues.
///
/// The CPU state afterwards is what translated code leaves behind: for a
/// branch, `pc` is the target and `exit_reason` is [`ExitReason::Lookup`];
/// for an exit, `pc`, `exit_reason` and `exit_arg` come from the terminal
/// (an `Invalidate` exit with argument 0 keeps the `exit_arg` the block
/// stored). A guest memory fault is a [`ExitReason::Fault`] exit at the
/// instruction that made the access, as from translated code. `link_site`
/// is always cleared.
pub fn run_block(block: &Block, cpu: &mut CpuState) -> Next {
    thread_local! {
        /// The value array of the last block run, reused by the next.
        static VALS: std::cell::Cell<Vec<u64>> = const { std::cell::Cell::new(Vec::new()) };
    }
    let mut vals = VALS.with(|v| v.take());
    vals.clear();
    vals.resize(block.n_vals as usize, 0);
    let next = run_with(block, cpu, &mut vals);
    VALS.with(|v| v.set(vals));
    next
}

/// [`run_block`] with `vals` (zeroed, one per value) for the block's values.
fn run_with(block: &Block, cpu: &mut CpuState, vals: &mut [u64]) -> Next {
    let mut insn = block.start_pc;
    for op in &block.ops {
        match *op {
            Op::InsnStart { pc } => insn = pc,
            Op::ExitIf { c, pc, .. } => {
                if vals[c.0 as usize] != 0 {
                    cpu.link_site = 0;
                    return branch_to(cpu, pc);
                }
            }
            Op::CheckAlign { .. } | Op::CheckFault { .. } | Op::Poll { .. } => {
                if let Some(next) = check(op, vals, cpu) {
                    cpu.link_site = 0;
                    return next;
                }
            }
            _ => {
                if let Err(f) = exec(op, vals, cpu) {
                    record_fault(cpu, f);
                    cpu.pc = insn;
                    cpu.exit_reason = ExitReason::Fault as u32;
                    cpu.link_site = 0;
                    return Next::Exit(ExitReason::Fault, insn, f.addr);
                }
            }
        }
    }
    let v = |x: Val| vals[x.0 as usize];
    cpu.link_site = 0;
    match block.term {
        Terminal::Jump { pc } => branch_to(cpu, pc),
        Terminal::Branch {
            c,
            taken,
            not_taken,
        } => branch_to(cpu, if v(c) != 0 { taken } else { not_taken }),
        Terminal::Indirect { target } => branch_to(cpu, v(target)),
        Terminal::Exit { reason, pc, arg } => {
            cpu.pc = pc;
            cpu.exit_reason = reason as u32;
            if !(reason == ExitReason::Invalidate && arg == 0) {
                cpu.exit_arg = arg;
            }
            Next::Exit(reason, pc, cpu.exit_arg)
        }
    }
}

/// The exit a check operation takes, if it does.
fn check(op: &Op, vals: &[u64], cpu: &mut CpuState) -> Option<Next> {
    let (reason, pc) = match *op {
        Op::CheckAlign {
            addr,
            bytes,
            write,
            pc,
        } if vals[addr.0 as usize] & (u64::from(bytes) - 1) != 0 => {
            cpu.exit_arg = vals[addr.0 as usize];
            cpu.fault = ALIGN_DATA | if write { ALIGN_WRITE } else { 0 };
            (ExitReason::Alignment, pc)
        }
        Op::CheckFault { pc } if cpu.fault != 0 => (ExitReason::Fault, pc),
        Op::Poll { pc, nzcv } if interrupted(cpu) => {
            let v = |x: Val| vals[x.0 as usize];
            match nzcv {
                PollNzcv::InState => {}
                PollNzcv::Flags { op, w, a, b, c } => cpu.nzcv = flags(op, w, v(a), v(b), c.map(v)),
                PollNzcv::Value(x) => cpu.nzcv = v(x),
            }
            (ExitReason::Interrupt, pc)
        }
        _ => return None,
    };
    cpu.pc = pc;
    cpu.exit_reason = reason as u32;
    Some(Next::Exit(reason, pc, cpu.exit_arg))
}

/// Whether the thread's interrupt word is set.
fn interrupted(cpu: &CpuState) -> bool {
    // SAFETY: `cpu.interrupt` points at the thread's live interrupt word
    // (see CpuState::interrupt).
    unsafe { (*(cpu.interrupt as *const atomic::AtomicU32)).load(Ordering::SeqCst) != 0 }
}

fn branch_to(cpu: &mut CpuState, pc: u64) -> Next {
    cpu.pc = pc;
    cpu.exit_reason = ExitReason::Lookup as u32;
    Next::Jump(pc)
}

/// Runs `op`; `Err` for a guest memory fault of its access.
fn exec(op: &Op, vals: &mut [u64], cpu: &mut CpuState) -> Result<(), GuestFault> {
    let v = |x: Val| vals[x.0 as usize];
    let r = match *op {
        Op::Nop
        | Op::InsnStart { .. }
        | Op::CheckAlign { .. }
        | Op::CheckFault { .. }
        | Op::Accessed { .. }
        | Op::ExitIf { .. }
        | Op::Poll { .. } => return Ok(()),
        Op::Fence { kind } => {
            if kind == crate::ir::Fence::Full {
                atomic::fence(Ordering::SeqCst);
            }
            return Ok(());
        }
        Op::Const { imm, .. } => imm,
        // The interpreter has no soft-TLB: guest addresses are host addresses.
        Op::GetReg { reg, .. } => cpu.x[reg as usize],
        Op::SetReg { reg, src } => {
            cpu.x[reg as usize] = v(src);
            return Ok(());
        }
        Op::LoadState { offset, .. } => load_state(cpu, offset),
        Op::StoreState { offset, src } => {
            store_state(cpu, offset, v(src));
            return Ok(());
        }
        Op::Bin { op, w, a, b, .. } => bin(op, w, v(a), v(b)),
        Op::Un { op, w, a, .. } => un(op, w, v(a)),
        Op::Carry { op, w, a, b, c, .. } => add_with_carry(op, w, v(a), v(b), v(c) >> 29 & 1).0,
        Op::Flags { op, w, a, b, c, .. } => flags(op, w, v(a), v(b), c.map(v)),
        Op::Cond { cond, nzcv, .. } => cond_holds(cond, v(nzcv)) as u64,
        Op::CondCmp {
            cond, op, w, a, b, ..
        } => cond_holds(cond, flags(op, w, v(a), v(b), None)) as u64,
        Op::Select { c, a, b, .. } => {
            if v(c) != 0 {
                v(a)
            } else {
                v(b)
            }
        }
        Op::Load {
            w, signed, addr, ..
        } => {
            let x = load(w, v(addr))?;
            if signed {
                sext(x, w.bits())
            } else {
                x
            }
        }
        Op::Store { w, addr, src } => return store(w, v(addr), v(src)),
        Op::LoadVec { bytes, vreg, addr } => {
            // SAFETY: a guest address (identity-mapped); faults are returned.
            cpu.v[vreg as usize] = unsafe {
                match bytes {
                    16.. => u128::from_le_bytes(guest_mem::load16(v(addr))?),
                    n => u128::from(guest_mem::load(v(addr), u64::from(n))?),
                }
            };
            return Ok(());
        }
        Op::StoreVec { bytes, vreg, addr } => {
            let x = cpu.v[vreg as usize];
            // SAFETY: a guest address (identity-mapped); faults are returned.
            return unsafe {
                match bytes {
                    16.. => guest_mem::store16(v(addr), x.to_le_bytes()),
                    n => guest_mem::store(v(addr), x as u64, u64::from(n)),
                }
            };
        }
        Op::Rmw {
            op, w, addr, src, ..
        } => {
            let s = v(src);
            atomic_update(w, v(addr), |old| Some(rmw(op, w, old, s)))?
        }
        Op::Cas {
            w,
            addr,
            expected,
            new,
            ..
        } => {
            let (e, n) = (v(expected) & mask(w), v(new));
            atomic_update(w, v(addr), |old| (old == e).then_some(n))?
        }
        Op::StoreExcl { w, addr, src, .. } => {
            let bytes = u64::from(w.bytes());
            // SAFETY: as for Call; `addr` is a guest address, aligned.
            unsafe {
                crate::runtime::exclusive::store_exclusive(
                    cpu as *mut CpuState,
                    v(addr),
                    v(src),
                    bytes,
                    0,
                )
            }
        }
        Op::Call { f, args, .. } => {
            let [a0, a1, a2, a3] = args.map(v);
            // SAFETY: helpers in the IR are called with the CPU state of the
            // running thread and four arguments, which is their contract
            // (see `crate::ir::HelperFn`); `cpu` is exclusively borrowed.
            unsafe { f(cpu as *mut CpuState, a0, a1, a2, a3) }
        }
        Op::Structs {
            addr, slow, arg, ..
        } => {
            // SAFETY: as for Call.
            unsafe { slow(cpu as *mut CpuState, arg, v(addr), 0, 0) };
            return Ok(());
        }
        Op::VBin { slow, arg, .. } | Op::Vec { slow, arg, .. } => {
            // SAFETY: as for Call.
            unsafe { slow(cpu as *mut CpuState, arg, 0, 0, 0) };
            return Ok(());
        }
        Op::FMulAdd {
            addend,
            op1,
            op2,
            slow,
            ctl,
            ..
        } => {
            // SAFETY: as for Call.
            unsafe { slow(cpu as *mut CpuState, v(addend), v(op1), v(op2), ctl) }
        }
        // The reference semantics are the slow path's.
        Op::FBin {
            a, b, slow, c0, c1, ..
        } => {
            // SAFETY: as for Call: the helper's contract is the CPU state of
            // the running thread and four arguments.
            unsafe { slow(cpu as *mut CpuState, v(a), v(b), c0, c1) }
        }
    };
    let dst = op.dst().expect("value-defining operation");
    vals[dst.0 as usize] = r;
    Ok(())
}

/// Checks that `offset` names a whole 64-bit field inside the CPU state.
fn state_ptr(cpu: &mut CpuState, offset: u32) -> *mut u8 {
    let off = offset as usize;
    assert!(
        off + 8 <= std::mem::size_of::<CpuState>(),
        "state offset {off} out of range"
    );
    // SAFETY: `off + 8` lies within the CpuState (checked above), so the
    // pointer stays inside the object `cpu` refers to.
    unsafe { (cpu as *mut CpuState as *mut u8).add(off) }
}

fn load_state(cpu: &mut CpuState, offset: u32) -> u64 {
    let p = state_ptr(cpu, offset);
    // SAFETY: `p` points at 8 bytes inside the exclusively borrowed CpuState
    // (checked by state_ptr); every CpuState byte is an initialised integer.
    unsafe { (p as *const u64).read_unaligned() }
}

fn store_state(cpu: &mut CpuState, offset: u32, x: u64) {
    let p = state_ptr(cpu, offset);
    // SAFETY: `p` points at 8 bytes inside the exclusively borrowed CpuState;
    // every field is a plain integer, so any bit pattern is valid.
    unsafe { (p as *mut u64).write_unaligned(x) }
}

/// Zero-extended `w`-byte load from guest (= host) address `addr`.
fn load(w: Width, addr: u64) -> Result<u64, GuestFault> {
    // SAFETY: a guest address (identity-mapped); faults are returned.
    unsafe { guest_mem::load(addr, u64::from(w.bytes())) }
}

/// Stores the low `w` bytes of `x` at guest (= host) address `addr`.
fn store(w: Width, addr: u64, x: u64) -> Result<(), GuestFault> {
    // SAFETY: a guest address (identity-mapped); faults are returned.
    unsafe { guest_mem::store(addr, x, u64::from(w.bytes())) }
}

/// Atomically replaces the `w`-byte value at `addr` by `f(old)` (when `f`
/// gives `Some`) and returns the old value, zero-extended. Misaligned
/// addresses fall back to a plain read-modify-write.
fn atomic_update(w: Width, addr: u64, f: impl Fn(u64) -> Option<u64>) -> Result<u64, GuestFault> {
    let bytes = u64::from(w.bytes());
    let mut old = load(w, addr)?;
    if !addr.is_multiple_of(bytes) {
        if let Some(n) = f(old) {
            store(w, addr, n)?;
        }
        return Ok(old);
    }
    loop {
        // A failed comparison still swaps in what is there (a locked
        // compare-exchange either way, as translated code's), so `f` sees
        // an atomic read of the value.
        let new = f(old).unwrap_or(old);
        // SAFETY: an aligned guest address; faults are returned.
        let seen = unsafe { guest_mem::cas(addr, bytes, old, new) }?;
        if seen == old {
            return Ok(old);
        }
        old = seen;
    }
}

/// The new memory value of an atomic read-modify-write (low `w` bits matter).
fn rmw(op: RmwOp, w: Width, old: u64, src: u64) -> u64 {
    let bits = w.bits();
    let (so, ss) = (sext(old, bits) as i64, sext(src, bits) as i64);
    let (uo, us) = (old & mask(w), src & mask(w));
    match op {
        RmwOp::Add => old.wrapping_add(src),
        RmwOp::Clr => old & !src,
        RmwOp::Eor => old ^ src,
        RmwOp::Set => old | src,
        RmwOp::Smax => so.max(ss) as u64,
        RmwOp::Smin => so.min(ss) as u64,
        RmwOp::Umax => uo.max(us),
        RmwOp::Umin => uo.min(us),
        RmwOp::Swp => src,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::FlagsOp;

    #[test]
    fn widths_and_masks() {
        assert_eq!(mask(Width::W8), 0xff);
        assert_eq!(mask(Width::W64), u64::MAX);
        assert_eq!(sext(0x80, 8), 0xffff_ffff_ffff_ff80);
        assert_eq!(sext(0x7f, 8), 0x7f);
    }

    #[test]
    fn depends_only_on_ir_and_cpu() {
        // The dependency rule: backends see IR and CPU state, never the guest
        // ISA or the frontend.
        let src = include_str!("interp.rs");
        for m in ["arm64", "frontend", "jit", "linux"] {
            assert!(!src.contains(&format!("crate::{m}")), "uses crate::{m}");
        }
    }

    #[test]
    fn a_side_exit_leaves_only_when_its_condition_holds() {
        // x1 = 5; exit to 0x40 if x0 != 0; x2 = 7; jump to 0x10.
        let block = |x0: u64| {
            let mut b = crate::ir::Builder::new(0);
            let five = b.konst(5);
            b.set_reg(1, five);
            let c = b.get_reg(0);
            b.exit_if(c, 0x40);
            let seven = b.konst(7);
            b.set_reg(2, seven);
            b.jump(0x10);
            let mut cpu = CpuState {
                link_site: 9,
                ..CpuState::default()
            };
            cpu.x[0] = x0;
            let next = run_block(&b.finish(0x10), &mut cpu);
            (next, cpu.x[1], cpu.x[2], cpu.pc, cpu.link_site)
        };
        assert_eq!(block(1), (Next::Jump(0x40), 5, 0, 0x40, 0));
        assert_eq!(block(0), (Next::Jump(0x10), 5, 7, 0x10, 0));
    }

    #[test]
    fn sub_carry_is_not_borrow() {
        // 0 - 0: Z and C (no borrow).
        assert_eq!(flags(FlagsOp::Sub, Width::W32, 0, 0, None), 0x6000_0000);
        // 0 - 1: N, borrow so C clear.
        assert_eq!(flags(FlagsOp::Sub, Width::W64, 0, 1, None), 0x8000_0000);
    }
}
