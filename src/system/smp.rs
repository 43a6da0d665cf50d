//! More than one CPU (`-smp N`): each CPU runs on its own host thread, with
//! its own [`Vcpu`] (registers, soft-TLBs, EL1 system registers, generic
//! timers, doorbell and interrupt word). What the CPUs share is the
//! [`super::vcpu::Board`]: RAM (one mapping every thread accesses
//! directly), the bus and its devices and the GIC (each behind a mutex),
//! the code cache (`run.rs`), and what this module holds — each CPU's
//! [`CpuLink`] (what other threads may ask of it), the PSCI power states
//! and the machine's stop.
//!
//! **TLB maintenance.** A TLBI of the Inner Shareable domain must have
//! removed the old translation from every CPU before the TLBI (with the
//! DSB after it) completes. Each CPU only ever touches its own soft-TLBs,
//! so the issuer posts a request in every other CPU's [`CpuLink::requests`]
//! and rings its interrupt word, then waits: a CPU acknowledges by clearing
//! the request after flushing, at its dispatcher's next turn (translated
//! code comes back there at the next block entry or loop back edge, since
//! the word is set); a CPU that is not awake (sleeping in WFI, off, parked
//! by the monitor) uses no translation and acknowledges when it wakes,
//! before it runs translated code again. The accesses the other CPU made
//! with the old translation meanwhile are ordered before the TLBI
//! completes, which the architecture allows. The issuer's `awake` test and
//! the target's `requests` test are both sequentially consistent, so
//! either the issuer sees the target awake (and waits for it), or the
//! target sees the request when it wakes. While waiting the issuer serves
//! its own requests, so two CPUs broadcasting at once do not deadlock.
//! The same request carries dropped translations (IC IVAU on a page with
//! code): the other CPUs forget them from their block lookup caches.
//!
//! **Exclusive monitors** are value-based, as in user mode: LDXR records
//! address and value, STXR is one host compare-and-swap against that
//! value, so it fails when another CPU changed the granule and is atomic
//! with respect to every other CPU's accesses (a store of the same value
//! in between goes unnoticed: ABA). LSE atomics and CAS are host atomic
//! instructions on the translated address, LDAR/STLR and DMB/DSB are
//! ordered by x86-64's TSO model and the fences the backend emits, as for
//! user-mode threads.

use super::doorbell::Doorbell;
use super::vcpu::Stop;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard};

/// The most CPUs (a GICv2 serves eight).
pub const MAX_CPUS: usize = super::devices::gic::MAX_CPUS;

/// Requests (bits of [`CpuLink::requests`]).
pub const FLUSH_TLB: u32 = 1;
pub const DROP_CODE: u32 = 2;

/// A CPU's PSCI power state.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Power {
    Off,
    /// CPU_ON accepted: starts at `entry` with x0 = `arg` when its thread
    /// next runs (AFFINITY_INFO says ON_PENDING until then).
    Starting {
        entry: u64,
        arg: u64,
    },
    On,
}

/// What the other host threads reach of one CPU.
pub struct CpuLink {
    /// Rung to get the CPU's attention (its interrupt word) or wake it.
    pub bell: Doorbell,
    /// The event register (WFE, SEV).
    pub event: AtomicBool,
    /// Requests of other CPUs ([`FLUSH_TLB`], [`DROP_CODE`]), cleared
    /// when served.
    pub requests: AtomicU32,
    /// The thread runs its dispatcher or translated code (not asleep).
    pub awake: AtomicBool,
    /// Translations other CPUs dropped: (virtual pc, physical page).
    pub dropped: Mutex<Vec<(u64, u64)>>,
}

/// The CPUs of the machine.
pub struct Smp {
    pub cpus: Vec<CpuLink>,
    pub power: Mutex<Vec<Power>>,
    /// Set once the machine stops: every thread returns.
    stopping: AtomicBool,
    stop: Mutex<Option<Result<Stop, String>>>,
}

pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Smp {
    /// CPUs with doorbells `bells`, CPU 0 on, the others off.
    pub fn new(bells: Vec<Doorbell>) -> Smp {
        let mut power = vec![Power::Off; bells.len()];
        power[0] = Power::On;
        Smp {
            cpus: bells
                .into_iter()
                .map(|bell| CpuLink {
                    bell,
                    event: AtomicBool::new(false),
                    requests: AtomicU32::new(0),
                    awake: AtomicBool::new(true),
                    dropped: Mutex::new(Vec::new()),
                })
                .collect(),
            power: Mutex::new(power),
            stopping: AtomicBool::new(false),
            stop: Mutex::new(None),
        }
    }

    pub fn count(&self) -> usize {
        self.cpus.len()
    }

    /// The CPU with MPIDR affinity `mpidr` (Aff0 = index, the other
    /// affinity fields zero), if there is one.
    pub fn by_mpidr(&self, mpidr: u64) -> Option<usize> {
        let i = (mpidr & 0xff) as usize;
        (mpidr & 0xff_00ff_ff00 == 0 && i < self.count()).then_some(i)
    }

    /// Stops the machine (the first reason given wins) and wakes every CPU.
    pub fn stop(&self, why: Result<Stop, String>) {
        let mut s = lock(&self.stop);
        if s.is_none() {
            *s = Some(why);
        }
        drop(s);
        self.stopping.store(true, Ordering::SeqCst);
        for c in &self.cpus {
            c.bell.ring();
        }
    }

    pub fn stopping(&self) -> bool {
        self.stopping.load(Ordering::Relaxed)
    }

    /// Why the machine stopped.
    pub fn stopped(&self) -> Result<Stop, String> {
        lock(&self.stop).clone().unwrap_or(Ok(Stop::Quit))
    }

    /// SEV from CPU `me`: every CPU's event register is set, and the
    /// others are rung (one may sleep in WFE).
    pub fn send_event(&self, me: usize) {
        for (i, c) in self.cpus.iter().enumerate() {
            c.event.store(true, Ordering::SeqCst);
            if i != me {
                c.bell.ring();
            }
        }
    }

    /// Posts `request` to every CPU but `me` and waits until each has
    /// served it or is asleep (see the module comment); `serve` handles
    /// `me`'s own requests meanwhile.
    pub fn broadcast(&self, me: usize, request: u32, mut serve: impl FnMut()) {
        for (i, c) in self.cpus.iter().enumerate() {
            if i != me {
                c.requests.fetch_or(request, Ordering::SeqCst);
                c.bell.word().store(1, Ordering::SeqCst);
            }
        }
        for (i, c) in self.cpus.iter().enumerate() {
            if i == me {
                continue;
            }
            let mut spins = 0u32;
            while c.requests.load(Ordering::SeqCst) & request != 0
                && c.awake.load(Ordering::SeqCst)
                && !self.stopping()
            {
                serve();
                spins += 1;
                if spins > 64 {
                    std::thread::yield_now();
                } else {
                    std::hint::spin_loop();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU64;
    use std::sync::Arc;

    #[test]
    fn broadcast_waits_for_an_awake_cpu_and_not_for_a_sleeping_one() {
        let smp = Arc::new(Smp::new(vec![Doorbell::new(), Doorbell::new()]));
        // CPU 1 asleep: the request stays posted for when it wakes.
        smp.cpus[1].awake.store(false, Ordering::SeqCst);
        smp.broadcast(0, FLUSH_TLB, || {});
        assert_eq!(smp.cpus[1].requests.load(Ordering::SeqCst), FLUSH_TLB);
        assert_eq!(smp.cpus[1].bell.word().load(Ordering::SeqCst), 1);
        smp.cpus[1].requests.store(0, Ordering::SeqCst);
        // CPU 1 awake: served before broadcast returns.
        smp.cpus[1].awake.store(true, Ordering::SeqCst);
        let served = Arc::new(AtomicU64::new(0));
        let (s, n) = (smp.clone(), served.clone());
        let cpu1 = std::thread::spawn(move || {
            while !s.stopping() {
                if s.cpus[1].requests.load(Ordering::SeqCst) & FLUSH_TLB != 0 {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    n.fetch_add(1, Ordering::SeqCst);
                    s.cpus[1].requests.fetch_and(!FLUSH_TLB, Ordering::SeqCst);
                }
                std::hint::spin_loop();
            }
        });
        smp.broadcast(0, FLUSH_TLB, || {});
        assert_eq!(served.load(Ordering::SeqCst), 1);
        smp.stop(Ok(Stop::PowerOff));
        cpu1.join().unwrap();
        assert_eq!(smp.stopped(), Ok(Stop::PowerOff));
    }

    #[test]
    fn two_cpus_broadcasting_at_once_serve_each_other() {
        let smp = Arc::new(Smp::new(vec![Doorbell::new(), Doorbell::new()]));
        let threads: Vec<_> = (0..2)
            .map(|me| {
                let s = smp.clone();
                std::thread::spawn(move || {
                    for _ in 0..1000 {
                        s.broadcast(me, FLUSH_TLB, || {
                            s.cpus[me].requests.swap(0, Ordering::SeqCst);
                        });
                    }
                    // Done: it serves no more (asleep, for the other).
                    s.cpus[me].awake.store(false, Ordering::SeqCst);
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
    }
}
