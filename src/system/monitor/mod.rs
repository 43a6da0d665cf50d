//! The machine monitor: a QMP-compatible JSON protocol (`-qmp`) on a unix
//! socket or a loopback TCP port, served by its own host thread.
//!
//! The monitor thread never touches the machine. It records requests
//! (pause, resume, quit, reset, power button) in a [`Control`] shared with
//! the vCPU threads and rings the doorbell (every CPU's): translated code
//! leaves at the next block entry or loop back edge, a CPU in WFI wakes,
//! and each CPU's run loop calls [`Control::service`] at a block boundary.
//! A pause parks every vCPU thread there until `cont` (the generic timers'
//! counters keep following the host clock meanwhile).

pub mod hmp;
pub mod line_editor;
mod protocol;
mod server;

pub use server::{start, Endpoint, Spec};

use super::doorbell::Doorbell;
use serde_json::{json, Value};
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

/// What the monitor asks of the vCPU.
#[derive(Default)]
struct State {
    /// `stop` was asked and no `cont` since.
    paused: bool,
    /// The vCPU threads parked (that have seen `paused`).
    parked: usize,
    quit: bool,
    reset: bool,
    powerdown: bool,
}

/// Shared between the monitor thread and the vCPU threads.
pub struct Control {
    state: Mutex<State>,
    changed: Condvar,
    /// Counts the requests: each run loop's cheap test.
    requests: AtomicU64,
    bell: Doorbell,
    /// Where events go: the connected client after capabilities
    /// negotiation.
    events: Mutex<Option<Box<dyn Write + Send>>>,
    /// Host thread id of each vCPU (query-cpus-fast).
    vcpu_tid: Mutex<Vec<i64>>,
    /// Number of CPUs, each run by its own thread.
    cpus: std::sync::atomic::AtomicUsize,
}

/// What the run loop must do after [`Control::service`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Continue,
    Quit,
    Reset,
}

impl Control {
    pub fn new(bell: Doorbell) -> Control {
        Control {
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
            requests: AtomicU64::new(0),
            bell,
            events: Mutex::new(None),
            vcpu_tid: Mutex::new(vec![0]),
            cpus: std::sync::atomic::AtomicUsize::new(1),
        }
    }

    /// The machine has `n` CPUs.
    pub fn set_cpus(&self, n: usize) {
        self.cpus.store(n, Ordering::Relaxed);
        self.vcpu_tid
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .resize(n, 0);
    }

    fn cpus(&self) -> usize {
        self.cpus.load(Ordering::Relaxed)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The number of requests so far: a vCPU thread calls
    /// [`Control::service`] when it changed since its last call.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Acquire)
    }

    fn request(&self, f: impl FnOnce(&mut State)) {
        f(&mut self.lock());
        self.requests.fetch_add(1, Ordering::AcqRel);
        self.changed.notify_all();
        self.bell.ring();
    }

    /// Called by each vCPU thread between blocks. Parks while paused;
    /// returns what the run loop must do. `power_button` is pressed for a
    /// `system_powerdown` (by the first thread to see it; the monitor
    /// thread sent the POWERDOWN event).
    pub fn service(&self, power_button: &mut dyn FnMut()) -> Action {
        let mut s = self.lock();
        let mut parked = false;
        let action = loop {
            if s.quit {
                break Action::Quit;
            }
            if s.reset {
                s.reset = false;
                break Action::Reset;
            }
            if std::mem::take(&mut s.powerdown) {
                power_button();
            }
            if !s.paused {
                break Action::Continue;
            }
            if !parked {
                parked = true;
                s.parked += 1;
                self.changed.notify_all();
            }
            s = self.changed.wait(s).unwrap_or_else(|e| e.into_inner());
        };
        if parked {
            s.parked -= 1;
            self.changed.notify_all();
        }
        action
    }

    /// Records the calling thread as CPU `cpu`'s.
    pub fn set_vcpu_thread(&self, cpu: usize) {
        let mut t = self.vcpu_tid.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = t.get_mut(cpu) {
            *t = i64::from(nix::unistd::gettid().as_raw());
        }
    }

    fn vcpu_thread(&self, cpu: usize) -> i64 {
        let t = self.vcpu_tid.lock().unwrap_or_else(|e| e.into_inner());
        t.get(cpu).copied().unwrap_or(0)
    }

    /// `stop`: returns once every vCPU thread is parked (false if it was
    /// already paused).
    fn pause(&self) -> bool {
        let was = self.lock().paused;
        if was {
            return false;
        }
        self.request(|s| s.paused = true);
        let mut s = self.lock();
        while s.paused && s.parked < self.cpus() && !s.quit {
            s = self.changed.wait(s).unwrap_or_else(|e| e.into_inner());
        }
        true
    }

    /// `cont`: false if the machine was running.
    fn resume(&self) -> bool {
        let mut s = self.lock();
        let was = s.paused;
        s.paused = false;
        drop(s);
        self.changed.notify_all();
        was
    }

    fn paused(&self) -> bool {
        self.lock().paused
    }

    fn quit(&self) {
        self.request(|s| s.quit = true);
    }

    fn reset(&self) {
        self.request(|s| s.reset = true);
    }

    /// `system_powerdown`: the POWERDOWN event goes out at once, before
    /// the command's reply (as qemu-system orders them); a vCPU thread
    /// presses the button at its next block boundary.
    fn powerdown(&self) {
        self.event("POWERDOWN", None);
        self.request(|s| s.powerdown = true);
    }

    /// Sends event `name` with `data` (if any) to the client, if one has
    /// negotiated capabilities.
    pub fn event(&self, name: &str, data: Option<Value>) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let mut ev = json!({
            "event": name,
            "timestamp": {"seconds": now.as_secs(), "microseconds": now.subsec_micros()},
        });
        if let Some(d) = data {
            ev["data"] = d;
        }
        let mut sink = self.events.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(w) = sink.as_mut() {
            if protocol::send(w, &ev).is_err() {
                *sink = None;
            }
        }
    }

    /// Replies to the client through the event sink's lock, so replies and
    /// events never interleave.
    fn reply(&self, w: &mut dyn Write, v: &Value) -> std::io::Result<()> {
        let _order = self.events.lock().unwrap_or_else(|e| e.into_inner());
        protocol::send(w, v)
    }

    fn set_sink(&self, w: Option<Box<dyn Write + Send>>) {
        *self.events.lock().unwrap_or_else(|e| e.into_inner()) = w;
    }

    /// The SHUTDOWN event for a machine the host ends: `reason` is
    /// `host-qmp-quit` (`quit`, or `C-a x` on the console) or `host-signal`.
    pub fn host_stopped(&self, reason: &str) {
        self.event("SHUTDOWN", Some(json!({"guest": false, "reason": reason})));
    }

    /// The SHUTDOWN event for a machine that stopped by itself.
    pub fn guest_stopped(&self, reset: bool) {
        let reason = if reset {
            "guest-reset"
        } else {
            "guest-shutdown"
        };
        self.event("SHUTDOWN", Some(json!({"guest": true, "reason": reason})));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    #[test]
    fn pause_parks_the_vcpu_until_resume() {
        let c = Arc::new(Control::new(Doorbell::new()));
        let c2 = c.clone();
        let vcpu = std::thread::spawn(move || {
            let mut pressed = 0;
            while c2.requests() == 0 {
                std::thread::sleep(Duration::from_millis(1));
            }
            let a = c2.service(&mut || pressed += 1);
            (a, pressed)
        });
        assert!(c.pause());
        assert_eq!(c.lock().parked, 1);
        assert!(!c.pause(), "already paused");
        c.powerdown();
        assert!(c.resume());
        let (a, pressed) = vcpu.join().unwrap();
        assert_eq!(a, Action::Continue);
        assert_eq!(pressed, 1);
        c.quit();
        assert_eq!(c.service(&mut || {}), Action::Quit);
    }
}
