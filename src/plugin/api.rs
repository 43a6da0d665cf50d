//! The function table plugins call (`emu_api_t`).

use super::abi::{
    self, AtexitCb, BlockTransCb, ExecCb, MemCb, PluginId, SyscallCb, SyscallRetCb, VcpuCb,
};
use super::instrument::{with_block, with_insn};
use super::registry::{self, Udata};
use std::ffi::{c_char, c_void, CStr};
use std::sync::OnceLock;

/// The table given to every plugin.
pub static API: abi::Api = abi::Api {
    register_block_trans_cb,
    register_syscall_cb,
    register_syscall_ret_cb,
    register_thread_start_cb,
    register_thread_exit_cb,
    register_atexit_cb,
    block_exec_cb,
    block_exec_inline_add,
    insn_exec_cb,
    insn_exec_inline_add,
    insn_mem_cb,
    syscall_name,
    outs,
};

/// Reports a call the API cannot honour (the plugin's mistake).
fn misuse(what: &str) {
    eprintln!("emu-user: plugin: {what} ignored");
}

extern "C" fn register_block_trans_cb(id: PluginId, cb: Option<BlockTransCb>) {
    if let Some(cb) = cb {
        registry::callbacks().block_trans.push((id, cb));
        registry::set_instrumenting();
    }
}

extern "C" fn register_syscall_cb(id: PluginId, cb: Option<SyscallCb>) {
    if let Some(cb) = cb {
        registry::callbacks().syscall.push((id, cb));
    }
}

extern "C" fn register_syscall_ret_cb(id: PluginId, cb: Option<SyscallRetCb>) {
    if let Some(cb) = cb {
        registry::callbacks().syscall_ret.push((id, cb));
    }
}

extern "C" fn register_thread_start_cb(id: PluginId, cb: Option<VcpuCb>) {
    if let Some(cb) = cb {
        registry::callbacks().thread_start.push((id, cb));
    }
}

extern "C" fn register_thread_exit_cb(id: PluginId, cb: Option<VcpuCb>) {
    if let Some(cb) = cb {
        registry::callbacks().thread_exit.push((id, cb));
    }
}

extern "C" fn register_atexit_cb(id: PluginId, cb: Option<AtexitCb>, udata: *mut c_void) {
    if let Some(cb) = cb {
        registry::callbacks().atexit.push((id, cb, Udata(udata)));
    }
}

extern "C" fn block_exec_cb(block: *mut abi::Block, cb: Option<ExecCb>, udata: *mut c_void) {
    let Some(cb) = cb else { return };
    if !with_block(block, |w| w.add_exec(cb, Udata(udata))) {
        misuse("block_exec_cb outside the block's translation callback");
    }
}

extern "C" fn block_exec_inline_add(block: *mut abi::Block, counter: *mut u64, n: u64) {
    if counter.is_null() || !with_block(block, |w| w.add_inline(counter as u64, n)) {
        misuse("block_exec_inline_add outside the block's translation callback");
    }
}

extern "C" fn insn_exec_cb(insn: *mut abi::Insn, cb: Option<ExecCb>, udata: *mut c_void) {
    let Some(cb) = cb else { return };
    if !with_insn(insn, |w| w.add_exec(cb, Udata(udata))) {
        misuse("insn_exec_cb outside the instruction's translation callback");
    }
}

extern "C" fn insn_exec_inline_add(insn: *mut abi::Insn, counter: *mut u64, n: u64) {
    if counter.is_null() || !with_insn(insn, |w| w.add_inline(counter as u64, n)) {
        misuse("insn_exec_inline_add outside the instruction's translation callback");
    }
}

extern "C" fn insn_mem_cb(insn: *mut abi::Insn, cb: Option<MemCb>, rw: u32, udata: *mut c_void) {
    let Some(cb) = cb else { return };
    if !with_insn(insn, |w| w.add_mem(cb, rw, Udata(udata))) {
        misuse("insn_mem_cb outside the instruction's translation callback");
    }
}

/// Syscall names as C strings, made once.
fn names() -> &'static std::collections::HashMap<u64, std::ffi::CString> {
    static NAMES: OnceLock<std::collections::HashMap<u64, std::ffi::CString>> = OnceLock::new();
    NAMES.get_or_init(|| {
        (0..1024u64)
            .filter_map(|nr| {
                let name = emu_syscalls::name(nr)?;
                Some((nr, std::ffi::CString::new(name).ok()?))
            })
            .collect()
    })
}

extern "C" fn syscall_name(num: i64) -> *const c_char {
    match names().get(&(num as u64)) {
        Some(s) => s.as_ptr(),
        None => std::ptr::null(),
    }
}

extern "C" fn outs(text: *const c_char) {
    if text.is_null() {
        return;
    }
    // SAFETY: the plugin passes a NUL-terminated string.
    let bytes = unsafe { CStr::from_ptr(text) }.to_bytes();
    let mut rest = bytes;
    while !rest.is_empty() {
        // SAFETY: writes from a live slice to the standard error descriptor.
        let n = unsafe { libc::write(2, rest.as_ptr() as *const c_void, rest.len()) };
        if n <= 0 {
            break;
        }
        rest = &rest[n as usize..];
    }
}
