//! Which plugin's code the calling thread runs, so that a host fault there
//! (SIGSEGV, SIGBUS, ...) is reported as that plugin's crash rather than
//! taken for the guest's: every call into a plugin (its install function,
//! each callback) is bracketed by [`InPlugin`], and the host fault handler
//! asks [`running`].

use std::cell::Cell;
use std::sync::Mutex;

thread_local! {
    /// The name of the plugin whose code this thread is running, if any.
    static IN_PLUGIN: Cell<Option<&'static str>> = const { Cell::new(None) };
}

/// The plugins' names (their files as given), by id.
static NAMES: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

/// Records the name of plugin `id` (ids are given in load order).
pub(super) fn set_name(id: u64, name: &str) {
    let mut names = NAMES.lock().unwrap_or_else(|e| e.into_inner());
    if names.len() <= id as usize {
        names.resize(id as usize + 1, "?");
    }
    // Leaked: plugins stay loaded for the life of the process.
    names[id as usize] = Box::leak(name.to_owned().into_boxed_str());
}

/// The name of plugin `id`.
pub(super) fn name(id: u64) -> &'static str {
    let names = NAMES.lock().unwrap_or_else(|e| e.into_inner());
    names.get(id as usize).copied().unwrap_or("?")
}

/// The plugin whose callback is being registered or run on this thread.
pub(super) fn current() -> &'static str {
    IN_PLUGIN.with(|p| p.get()).unwrap_or("?")
}

/// While alive, this thread runs code of one plugin.
pub(super) struct InPlugin(Option<&'static str>);

impl InPlugin {
    pub(super) fn enter(name: &'static str) -> InPlugin {
        InPlugin(IN_PLUGIN.with(|p| p.replace(Some(name))))
    }
}

impl Drop for InPlugin {
    fn drop(&mut self) {
        IN_PLUGIN.with(|p| p.set(self.0));
    }
}

/// The plugin whose code this thread is running, if any. Async-signal-safe
/// (a constant-initialised thread-local), for the host fault handler.
pub fn running() -> Option<&'static str> {
    IN_PLUGIN.try_with(|p| p.get()).ok().flatten()
}

/// Ends the process for a fault (host signal `sig` at host address `addr`)
/// in the code of plugin `name`: one line on stderr, exit status
/// [`CRASH_STATUS`], nothing delivered to the guest. Async-signal-safe.
pub fn die_of_plugin_crash(name: &str, sig: i32, addr: u64) -> ! {
    let mut buf = [0u8; 512];
    let mut n = 0;
    let mut put = |b: &[u8]| {
        let k = b.len().min(buf.len() - n);
        buf[n..n + k].copy_from_slice(&b[..k]);
        n += k;
    };
    put(b"emu-user: plugin ");
    put(name.as_bytes());
    put(b" crashed: ");
    put(match sig {
        libc::SIGSEGV => b"SIGSEGV".as_slice(),
        libc::SIGBUS => b"SIGBUS",
        libc::SIGFPE => b"SIGFPE",
        libc::SIGILL => b"SIGILL",
        libc::SIGTRAP => b"SIGTRAP",
        _ => b"a signal",
    });
    put(b" at address 0x");
    let mut hex = [0u8; 16];
    for (i, h) in hex.iter_mut().enumerate() {
        *h = b"0123456789abcdef"[(addr >> (60 - 4 * i) & 0xf) as usize];
    }
    let first = hex.iter().position(|&h| h != b'0').unwrap_or(15);
    put(&hex[first..]);
    put(b"\n");
    // SAFETY: write(2) and _exit(2) are async-signal-safe; the buffer is valid.
    unsafe {
        libc::write(2, buf.as_ptr() as *const libc::c_void, n);
        libc::_exit(CRASH_STATUS)
    }
}

/// The exit status of a process whose plugin crashed (EX_SOFTWARE).
pub const CRASH_STATUS: i32 = 70;
