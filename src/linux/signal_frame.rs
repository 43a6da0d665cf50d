//! Guest signal delivery as the arm64 kernel does it (arch/arm64/kernel/signal.c):
//! the rt_sigframe on the guest stack (or the alternate stack), the handler's entry
//! registers, and rt_sigreturn.

use crate::cpu::{CpuState, SP};
use emu_syscalls::abi::sigframe::{
    CtxHeader, EsrContext, FpsimdContext, FrameRecord, RtSigframe, ESR_MAGIC, FPSIMD_MAGIC,
};
use emu_syscalls::abi::signal::{
    sig_bit, Sigaction, Siginfo, StackT, SA_NODEFER, SA_ONSTACK, SA_RESETHAND, SA_RESTORER,
    SA_SIGINFO, SS_AUTODISARM, SS_DISABLE, SS_ONSTACK,
};
use emu_syscalls::{guest_mem, signal, Task};

/// NZCV bits of PSTATE.
const NZCV_MASK: u64 = 0xf000_0000;

/// SPSR bits rt_sigreturn clears before checking the rest (the kernel's
/// SPSR_EL1_AARCH64_RES0_BITS: 63:32, 27:26, 23:22, 20:13 and 5; DIT at 24
/// and SSBS at 12 stay).
const SPSR_RES0: u64 = 0xffff_ffff_0000_0000 | 0b11 << 26 | 0b11 << 22 | 0xff << 13 | 1 << 5;

/// SPSR bits that must be zero for a valid EL0 AArch64 PSTATE: M[4:0]
/// (EL0t, AArch64) and D, A, I, F (9..6).
const SPSR_NOT_EL0: u64 = 0x1f | 0xf << 6;

/// `sas_ss_flags`: how the alternate stack looks from stack pointer `sp`.
fn altstack_flags(task: &Task, sp: u64) -> i32 {
    let s = &task.altstack;
    if s.ss_size == 0 || s.ss_flags & SS_DISABLE != 0 {
        SS_DISABLE
    } else if task.on_altstack(sp) {
        SS_ONSTACK
    } else {
        0
    }
}

/// Builds the frame for `info` and points `cpu` at the handler of `act`. `esr` is the
/// syndrome of a fault. Returns false if the frame cannot be written (the kernel then
/// kills the thread with SIGSEGV).
pub fn setup(
    cpu: &mut CpuState,
    task: &mut Task,
    info: &Siginfo,
    act: &Sigaction,
    esr: Option<u64>,
    sigtramp: u64,
) -> bool {
    let sig = info.signo as u32;
    let sp0 = cpu.x[SP];
    let old_mask = task.saved_sigmask.take().unwrap_or(task.sigmask);
    let saved_stack = StackT {
        ss_sp: task.altstack.ss_sp,
        ss_flags: altstack_flags(task, sp0) | (task.altstack.ss_flags & SS_AUTODISARM),
        pad: 0,
        ss_size: task.altstack.ss_size,
    };
    let mut top = sp0;
    if act.flags & SA_ONSTACK != 0 && altstack_flags(task, sp0) == 0 {
        top = task.altstack.ss_sp + task.altstack.ss_size;
        if task.altstack.ss_flags & SS_AUTODISARM != 0 {
            task.altstack = StackT {
                ss_flags: SS_DISABLE,
                ..StackT::default()
            };
        }
    }
    let record_addr = (top.wrapping_sub(16)) & !15;
    let frame_addr = record_addr.wrapping_sub(std::mem::size_of::<RtSigframe>() as u64) & !15;

    let mut f = RtSigframe {
        info: *info,
        ..RtSigframe::default()
    };
    f.uc.stack = saved_stack;
    f.uc.sigmask = old_mask;
    let mc = &mut f.uc.mcontext;
    // Never tagged, whatever SA_EXPOSE_TAGBITS says.
    mc.fault_address = if esr.is_some() {
        crate::jit::tbi::untagged(info.fields[0])
    } else {
        0
    };
    mc.regs.copy_from_slice(&cpu.x[..31]);
    mc.sp = sp0;
    mc.pc = cpu.pc;
    // The handler runs with the interrupted PSTATE's DIT and SSBS
    // (setup_return changes only BTYPE and TCO, which emu lacks).
    mc.pstate = (cpu.nzcv & NZCV_MASK) | cpu.pstate;
    let fp = FpsimdContext {
        head: CtxHeader {
            magic: FPSIMD_MAGIC,
            size: std::mem::size_of::<FpsimdContext>() as u32,
        },
        fpsr: cpu.fpsr as u32,
        fpcr: cpu.fpcr as u32,
        vregs: cpu.v,
    };
    let mut at = put(&mut mc.reserved.0, 0, &fp);
    if let Some(esr) = esr {
        let e = EsrContext {
            head: CtxHeader {
                magic: ESR_MAGIC,
                size: std::mem::size_of::<EsrContext>() as u32,
            },
            esr,
        };
        at = put(&mut mc.reserved.0, at, &e);
    }
    put(&mut mc.reserved.0, at, &CtxHeader::default());

    let record = FrameRecord {
        fp: cpu.x[29],
        lr: cpu.x[30],
    };
    if guest_mem::write_val(frame_addr, &f).is_err()
        || guest_mem::write_val(record_addr, &record).is_err()
    {
        return false;
    }
    cpu.x[0] = sig as u64;
    if act.flags & SA_SIGINFO != 0 {
        // setup_rt_frame passes &info and &uc only to SA_SIGINFO handlers.
        cpu.x[1] = frame_addr + std::mem::offset_of!(RtSigframe, info) as u64;
        cpu.x[2] = frame_addr + std::mem::offset_of!(RtSigframe, uc) as u64;
    }
    cpu.x[SP] = frame_addr;
    cpu.x[29] = record_addr;
    cpu.x[30] = if act.flags & SA_RESTORER != 0 {
        act.restorer
    } else {
        sigtramp
    };
    cpu.pc = act.handler;
    cpu.excl_addr = u64::MAX;

    let mut mask = task.sigmask | act.mask;
    if act.flags & SA_NODEFER == 0 {
        mask |= sig_bit(sig);
    }
    task.set_sigmask(mask);
    if act.flags & SA_RESETHAND != 0 {
        signal::reset_action(task, sig);
    }
    true
}

/// Copies `v` into `buf` at `at`; returns the offset after it.
fn put<T: Copy>(buf: &mut [u8], at: usize, v: &T) -> usize {
    let n = std::mem::size_of::<T>();
    // SAFETY: T is a plain repr(C) record of integers; reading its bytes is sound.
    let bytes = unsafe { std::slice::from_raw_parts(v as *const T as *const u8, n) };
    buf[at..at + n].copy_from_slice(bytes);
    at + n
}

/// rt_sigreturn: restores the context saved at the guest stack pointer. Returns false
/// for a bad frame (the kernel then raises SIGSEGV): among others a saved PSTATE
/// that is not EL0 AArch64 with D, A, I and F clear (valid_user_regs). Of the PSTATE
/// bits besides NZCV, those in `pstate_mask` (the CPU's DIT and SSBS) come back.
pub fn restore(cpu: &mut CpuState, task: &mut Task, pstate_mask: u64) -> bool {
    let frame_addr = cpu.x[SP];
    if !frame_addr.is_multiple_of(16) {
        return false;
    }
    let Ok(f) = guest_mem::read_val::<RtSigframe>(frame_addr) else {
        return false;
    };
    let mc = &f.uc.mcontext;
    let pstate = mc.pstate & !SPSR_RES0;
    if pstate & SPSR_NOT_EL0 != 0 {
        return false;
    }
    // The first record must be the FP/SIMD state.
    // SAFETY: reserved is 4096 bytes, 16-aligned, so an FpsimdContext fits at 0.
    let fp: FpsimdContext = unsafe { std::ptr::read(mc.reserved.0.as_ptr() as *const _) };
    if fp.head.magic != FPSIMD_MAGIC
        || fp.head.size as usize != std::mem::size_of::<FpsimdContext>()
    {
        return false;
    }
    cpu.x[..31].copy_from_slice(&mc.regs);
    cpu.x[SP] = mc.sp;
    cpu.pc = mc.pc;
    cpu.nzcv = pstate & NZCV_MASK;
    cpu.pstate = pstate & pstate_mask;
    cpu.v = fp.vregs;
    cpu.fpsr = fp.fpsr as u64;
    cpu.fpcr = fp.fpcr as u64;
    cpu.excl_addr = u64::MAX;
    task.set_sigmask(f.uc.sigmask);
    // restore_altstack: as sigaltstack(&uc_stack), errors ignored.
    let ss = f.uc.stack;
    if !task.on_altstack(mc.sp) {
        let mode = ss.ss_flags & !SS_AUTODISARM;
        if mode == SS_DISABLE || ss.ss_size == 0 {
            task.altstack = StackT {
                ss_flags: SS_DISABLE,
                ..StackT::default()
            };
        } else if mode == 0 || mode == SS_ONSTACK {
            task.altstack = StackT {
                ss_flags: ss.ss_flags & SS_AUTODISARM,
                ..ss
            };
        }
    }
    true
}
