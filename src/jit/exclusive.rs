//! Running translated code versus emptying the code cache.
//!
//! Every thread counts itself in [`Exclusive::in_code`] while it runs
//! translated code (and the helpers it calls). Emptying the cache, or
//! anything else that must not overlap with running code, is done inside
//! [`Exclusive::run_alone`]: it raises `pending`, asks every running
//! thread to come back to its dispatcher (its interrupt word, tested at
//! each block entry and loop back edge), waits until none runs code, does
//! its work and lowers `pending`. Threads blocked in syscalls are not in
//! code and hold nothing up. A thread about to enter code while `pending`
//! is up waits for it to drop.
//!
//! Only atomics, no lock: a forked child, which has one thread, resets the
//! state with [`Exclusive::reset_after_fork`] whatever the other threads
//! were doing.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Weak};

#[derive(Default)]
pub struct Exclusive {
    in_code: AtomicUsize,
    pending: AtomicBool,
}

/// Value of an interrupt word asking its thread to return to the dispatcher.
pub const INTERRUPT: u32 = 1;

impl Exclusive {
    /// Counts the calling thread as running code; waits while an exclusive
    /// section is pending.
    pub fn enter(&self) {
        loop {
            self.in_code.fetch_add(1, Ordering::SeqCst);
            if !self.pending.load(Ordering::SeqCst) {
                return;
            }
            self.in_code.fetch_sub(1, Ordering::SeqCst);
            while self.pending.load(Ordering::SeqCst) {
                std::thread::yield_now();
            }
        }
    }

    /// The calling thread no longer runs code.
    pub fn leave(&self) {
        self.in_code.fetch_sub(1, Ordering::SeqCst);
    }

    /// Runs `f` while no thread runs translated code. `threads` are the
    /// interrupt words of every thread that might be running it. The caller
    /// must not itself be counted in code, and must hold the lock that
    /// serialises exclusive sections (the translator's).
    pub fn run_alone<R>(&self, threads: &[Weak<AtomicU32>], f: impl FnOnce() -> R) -> R {
        self.pending.store(true, Ordering::SeqCst);
        for t in threads.iter().filter_map(Weak::upgrade) {
            t.fetch_or(INTERRUPT, Ordering::SeqCst);
        }
        while self.in_code.load(Ordering::SeqCst) != 0 {
            std::thread::yield_now();
        }
        let r = f();
        self.pending.store(false, Ordering::SeqCst);
        r
    }

    /// In a forked child: the other threads are gone.
    pub fn reset_after_fork(&self) {
        self.in_code.store(0, Ordering::SeqCst);
        self.pending.store(false, Ordering::SeqCst);
    }
}

/// A thread's interrupt word, shared with whoever may interrupt it.
pub type InterruptWord = Arc<AtomicU32>;
