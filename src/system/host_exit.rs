//! How emu-system ends from the host side while the machine runs: `C-a x`
//! on the console, or SIGINT, SIGTERM or SIGHUP sent to the process. Both
//! restore the terminal, tell the monitor's client (a SHUTDOWN event with
//! `guest: false` and the cause: `host-qmp-quit` for `C-a x`, `host-signal`
//! for a signal), and exit with status 0.

use std::sync::Mutex;

/// Told the cause before the process exits (the monitor's SHUTDOWN event).
type Hook = Box<dyn Fn(&str) + Send>;

static HOOK: Mutex<Option<Hook>> = Mutex::new(None);

/// Sets (or clears) what [`exit`] tells before the process ends.
pub fn set_hook(hook: Option<Hook>) {
    *HOOK.lock().unwrap_or_else(|e| e.into_inner()) = hook;
}

/// Restores the terminal, prints `message` on stderr, runs the hook with
/// `reason` (its writes are complete when it returns) and exits with
/// status 0.
pub fn exit(reason: &str, message: &str) -> ! {
    super::console::restore_terminal();
    eprintln!("{message}");
    if let Some(h) = HOOK.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
        h(reason);
    }
    std::process::exit(0)
}

/// Catches SIGINT, SIGTERM and SIGHUP: blocks them in the calling thread
/// (and so in every thread it starts later; call it before starting any)
/// and starts a thread that waits for one and calls [`exit`].
pub fn catch_signals() -> Result<(), String> {
    use nix::sys::signal::{SigSet, Signal};
    let mut set = SigSet::empty();
    for s in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
        set.add(s);
    }
    set.thread_block()
        .map_err(|e| format!("sigprocmask: {e}"))?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Ok(sig) = set.wait() {
                exit(
                    "host-signal",
                    &format!("emu-system: terminating on signal {}", sig as i32),
                );
            }
        })
        .map_err(|e| format!("signal thread: {e}"))?;
    Ok(())
}
