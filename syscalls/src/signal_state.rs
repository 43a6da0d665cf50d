//! Signals the host delivered to a guest thread that the guest has not taken
//! yet.
//!
//! The host signal handler records a signal here on the thread it
//! interrupted and leaves every host signal blocked on that thread, so
//! further signals wait in the host kernel (real-time signals queued in
//! order) until the dispatcher has delivered this one to the guest and put
//! the host mask back to the guest's. One slot per signal number is
//! therefore enough, and the handler and the dispatcher never touch a slot
//! at the same time.

use crate::abi::signal::{sig_bit, Siginfo, NSIG};
use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

pub struct Pending {
    /// Bit `sig - 1` set: slot `sig - 1` holds that signal's siginfo.
    set: AtomicU64,
    /// Set when the handler records a signal, cleared by the dispatcher once it has
    /// looked at the pending set: blocking host calls return EINTR while it is set.
    fresh: AtomicU32,
    info: [UnsafeCell<Siginfo>; NSIG as usize],
}

// SAFETY: a slot is written only by the host signal handler of the owning
// thread before its bit is set, and read only by that thread's dispatcher
// after the bit is seen set, while host signals are blocked on the thread
// (see the module comment); other threads only read `set`.
unsafe impl Sync for Pending {}

impl Default for Pending {
    fn default() -> Pending {
        Pending {
            set: AtomicU64::new(0),
            fresh: AtomicU32::new(0),
            info: std::array::from_fn(|_| UnsafeCell::new(Siginfo::default())),
        }
    }
}

/// Signals the kernel delivers before any other (include/linux/signal.h
/// SYNCHRONOUS_MASK).
const SYNCHRONOUS: u64 = (1 << (4 - 1))
    | (1 << (5 - 1))
    | (1 << (7 - 1))
    | (1 << (8 - 1))
    | (1 << (11 - 1))
    | (1 << (31 - 1));

impl Pending {
    /// Records `info` for its signal. Async-signal-safe; only on the owning thread.
    pub fn record(&self, info: &Siginfo) {
        let sig = info.signo;
        if !(1..=NSIG as i32).contains(&sig) {
            return;
        }
        // SAFETY: only the owning thread's handler writes slots, and its
        // dispatcher reads this one only once the bit below is set.
        unsafe { *self.info[(sig - 1) as usize].get() = *info };
        self.set.fetch_or(sig_bit(sig as u32), Ordering::SeqCst);
        self.fresh.store(1, Ordering::SeqCst);
    }

    /// The word blocking host calls test (see [`crate::host::safe`]).
    pub fn fresh_word(&self) -> &AtomicU32 {
        &self.fresh
    }

    /// Whether a signal was recorded since the last [`Pending::clear_fresh`].
    pub fn is_fresh(&self) -> bool {
        self.fresh.load(Ordering::SeqCst) != 0
    }

    /// The dispatcher has seen what was recorded.
    pub fn clear_fresh(&self) {
        self.fresh.store(0, Ordering::SeqCst);
    }

    /// The pending set.
    pub fn bits(&self) -> u64 {
        self.set.load(Ordering::SeqCst)
    }

    /// Takes the signal the kernel would deliver next among those not in
    /// `blocked`: synchronous ones first, then the lowest number.
    pub fn take(&self, blocked: u64) -> Option<Siginfo> {
        let ready = self.bits() & !blocked;
        if ready == 0 {
            return None;
        }
        let pick = if ready & SYNCHRONOUS != 0 {
            ready & SYNCHRONOUS
        } else {
            ready
        };
        let sig = pick.trailing_zeros() + 1;
        self.set.fetch_and(!sig_bit(sig), Ordering::SeqCst);
        // SAFETY: the bit was set, so the slot is written; the handler
        // cannot run on this thread while it reads (host signals are blocked
        // between a record and the dispatcher's take).
        Some(unsafe { *self.info[(sig - 1) as usize].get() })
    }

    /// Drops a pending signal (its action became "ignore").
    pub fn discard(&self, sig: u32) {
        self.set.fetch_and(!sig_bit(sig), Ordering::SeqCst);
    }
}
