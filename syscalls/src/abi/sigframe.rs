//! The arm64 signal frame (arch/arm64/include/uapi/asm/{sigcontext,ucontext}.h and
//! arch/arm64/kernel/signal.c): `struct rt_sigframe { siginfo; ucontext }`, with the
//! FP/SIMD state as a record in `sigcontext.__reserved`.

use super::guest_pod;
use super::signal::{Siginfo, StackT};

/// Bytes of `sigcontext.__reserved`.
pub const RESERVED_BYTES: usize = 4096;
/// Record magics.
pub const FPSIMD_MAGIC: u32 = 0x4650_8001;
pub const ESR_MAGIC: u32 = 0x4553_5201;

/// `struct sigcontext`.
#[repr(C, align(16))]
#[derive(Clone, Copy, Debug)]
pub struct Sigcontext {
    pub fault_address: u64,
    pub regs: [u64; 31],
    pub sp: u64,
    pub pc: u64,
    pub pstate: u64,
    pub reserved: Reserved,
}

/// `__reserved`: 16-byte aligned record space.
#[repr(C, align(16))]
#[derive(Clone, Copy, Debug)]
pub struct Reserved(pub [u8; RESERVED_BYTES]);

/// `struct ucontext` as arm64 lays it out (a 1024-bit sigset area).
#[repr(C, align(16))]
#[derive(Clone, Copy, Debug)]
pub struct Ucontext {
    pub flags: u64,
    pub link: u64,
    pub stack: StackT,
    pub sigmask: u64,
    pub unused: [u8; 120],
    pub mcontext: Sigcontext,
}

/// `struct rt_sigframe`.
#[repr(C, align(16))]
#[derive(Clone, Copy, Debug)]
pub struct RtSigframe {
    pub info: Siginfo,
    pub uc: Ucontext,
}

/// `struct _aarch64_ctx`: the header of each record.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct CtxHeader {
    pub magic: u32,
    pub size: u32,
}

/// `struct fpsimd_context`.
#[repr(C, align(16))]
#[derive(Clone, Copy, Debug)]
pub struct FpsimdContext {
    pub head: CtxHeader,
    pub fpsr: u32,
    pub fpcr: u32,
    pub vregs: [u128; 32],
}

/// `struct esr_context`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct EsrContext {
    pub head: CtxHeader,
    pub esr: u64,
}

/// `struct frame_record` the kernel pushes above the frame: x29, x30.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct FrameRecord {
    pub fp: u64,
    pub lr: u64,
}

macro_rules! zero_default {
    ($($t:ty),*) => {$(
        impl Default for $t {
            fn default() -> Self {
                // SAFETY: the type holds only integers and arrays of them, for which
                // all-zero bytes are a valid value.
                unsafe { std::mem::zeroed() }
            }
        }
    )*};
}
zero_default!(Sigcontext, Ucontext, RtSigframe, FpsimdContext);

guest_pod!(
    Sigcontext,
    Ucontext,
    RtSigframe,
    FpsimdContext,
    EsrContext,
    FrameRecord
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::assert_layout;

    #[test]
    fn frame_layout() {
        assert_layout!(Sigcontext, 4384, { fault_address: 0, regs: 8, sp: 256, pc: 264, pstate: 272, reserved: 288 });
        assert_layout!(Ucontext, 4560, { flags: 0, link: 8, stack: 16, sigmask: 40, mcontext: 176 });
        assert_layout!(RtSigframe, 4688, { info: 0, uc: 128 });
        assert_layout!(FpsimdContext, 528, { head: 0, fpsr: 8, fpcr: 12, vregs: 16 });
        assert_layout!(EsrContext, 16, { head: 0, esr: 8 });
    }
}
