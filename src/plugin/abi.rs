//! The C types of `c/emu-plugin.h`, field for field (layout tests below).

use std::ffi::{c_char, c_int, c_void};

/// `EMU_PLUGIN_VERSION`: the ABI version plugins must be built against.
pub const VERSION: u32 = 1;

/// Name of the plugin's version symbol (`EMU_PLUGIN_EXPORT_VERSION`).
pub const VERSION_SYMBOL: &std::ffi::CStr = c"emu_plugin_version";
/// Name of the plugin's entry point.
pub const INSTALL_SYMBOL: &std::ffi::CStr = c"emu_plugin_install";

pub type PluginId = u64;

/// `emu_meminfo_t` bits.
pub const MEM_LOAD: u32 = 1 << 16;
pub const MEM_STORE: u32 = 1 << 17;
pub const MEM_SIGNED: u32 = 1 << 18;
pub const MEM_VECTOR: u32 = 1 << 19;

/// `enum emu_mem_rw`.
pub const MEM_R: u32 = 1;
pub const MEM_W: u32 = 2;

/// `emu_insn_t`.
#[repr(C)]
#[derive(Debug)]
pub struct Insn {
    pub pc: u64,
    pub encoding: u32,
    pub index: u32,
    pub disas: *const c_char,
}

/// `emu_block_t`.
#[repr(C)]
#[derive(Debug)]
pub struct Block {
    pub pc: u64,
    pub n_insns: u64,
    pub insns: *mut Insn,
}

/// `emu_info_t`.
#[repr(C)]
pub struct Info {
    pub version: u32,
    pub reserved: u32,
    pub api: *const Api,
    pub target: *const c_char,
    pub program: *const c_char,
}

pub type BlockTransCb = unsafe extern "C" fn(PluginId, *mut Block);
pub type ExecCb = unsafe extern "C" fn(u32, *mut c_void);
pub type MemCb = unsafe extern "C" fn(u32, u32, u64, *mut c_void);
pub type SyscallCb = unsafe extern "C" fn(PluginId, u32, i64, *const u64);
pub type SyscallRetCb = unsafe extern "C" fn(PluginId, u32, i64, i64);
pub type VcpuCb = unsafe extern "C" fn(PluginId, u32);
pub type AtexitCb = unsafe extern "C" fn(PluginId, c_int, *mut c_void);

/// `emu_plugin_install`.
pub type InstallFn =
    unsafe extern "C" fn(PluginId, *const Info, c_int, *const *const c_char) -> c_int;

/// `emu_api_t`: the function table handed to plugins.
#[repr(C)]
pub struct Api {
    pub register_block_trans_cb: extern "C" fn(PluginId, Option<BlockTransCb>),
    pub register_syscall_cb: extern "C" fn(PluginId, Option<SyscallCb>),
    pub register_syscall_ret_cb: extern "C" fn(PluginId, Option<SyscallRetCb>),
    pub register_thread_start_cb: extern "C" fn(PluginId, Option<VcpuCb>),
    pub register_thread_exit_cb: extern "C" fn(PluginId, Option<VcpuCb>),
    pub register_atexit_cb: extern "C" fn(PluginId, Option<AtexitCb>, *mut c_void),
    pub block_exec_cb: extern "C" fn(*mut Block, Option<ExecCb>, *mut c_void),
    pub block_exec_inline_add: extern "C" fn(*mut Block, *mut u64, u64),
    pub insn_exec_cb: extern "C" fn(*mut Insn, Option<ExecCb>, *mut c_void),
    pub insn_exec_inline_add: extern "C" fn(*mut Insn, *mut u64, u64),
    pub insn_mem_cb: extern "C" fn(*mut Insn, Option<MemCb>, u32, *mut c_void),
    pub syscall_name: extern "C" fn(i64) -> *const c_char,
    pub outs: extern "C" fn(*const c_char),
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{offset_of, size_of};

    #[test]
    fn layouts_match_the_header() {
        assert_eq!(size_of::<Insn>(), 24);
        assert_eq!(offset_of!(Insn, encoding), 8);
        assert_eq!(offset_of!(Insn, index), 12);
        assert_eq!(offset_of!(Insn, disas), 16);
        assert_eq!(size_of::<Block>(), 24);
        assert_eq!(offset_of!(Block, n_insns), 8);
        assert_eq!(offset_of!(Block, insns), 16);
        assert_eq!(size_of::<Info>(), 32);
        assert_eq!(offset_of!(Info, api), 8);
        assert_eq!(offset_of!(Info, target), 16);
        assert_eq!(offset_of!(Info, program), 24);
        assert_eq!(size_of::<Api>(), 13 * 8);
        assert_eq!(offset_of!(Api, block_exec_cb), 6 * 8);
        assert_eq!(offset_of!(Api, insn_mem_cb), 10 * 8);
        assert_eq!(offset_of!(Api, outs), 12 * 8);
    }
}
