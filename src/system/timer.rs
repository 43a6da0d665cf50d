//! The generic timer's EL1 physical and virtual timers (CNTP_*, CNTV_*;
//! CNTVOFF is zero) on the system counter, and a host thread that rings the
//! CPU's doorbell at the next deadline.

use crate::system::doorbell::Doorbell;
use crate::system::sysinsn::counter;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// INTIDs of the timers' PPIs: EL1 physical 30, virtual 27.
pub const PHYS_IRQ: usize = 30;
pub const VIRT_IRQ: usize = 27;

const ENABLE: u64 = 1;
const IMASK: u64 = 2;
const ISTATUS: u64 = 4;

/// One timer: CTL (ENABLE, IMASK) and CVAL.
#[derive(Copy, Clone, Default, Debug)]
pub struct TimerRegs {
    pub ctl: u64,
    pub cval: u64,
}

impl TimerRegs {
    fn condition(&self, now: u64) -> bool {
        self.ctl & ENABLE != 0 && now >= self.cval
    }

    /// CTL as read: ISTATUS set when the condition holds.
    pub fn ctl_read(&self) -> u64 {
        self.ctl
            | if self.condition(counter()) {
                ISTATUS
            } else {
                0
            }
    }

    /// The interrupt output.
    pub fn line(&self, now: u64) -> bool {
        self.condition(now) && self.ctl & IMASK == 0
    }

    /// TVAL as read: CVAL - count, as a signed 32-bit value.
    pub fn tval(&self) -> u64 {
        self.cval.wrapping_sub(counter()) & 0xffff_ffff
    }

    pub fn set_tval(&mut self, v: u64) {
        self.cval = counter().wrapping_add(v as u32 as i32 as i64 as u64);
    }

    /// Counter value at which the output rises, if it can.
    fn deadline(&self) -> Option<u64> {
        (self.ctl & (ENABLE | IMASK) == ENABLE).then_some(self.cval)
    }
}

struct WakeState {
    deadline: Option<Instant>,
    stop: bool,
}

/// Rings the doorbell when the next deadline passes.
pub struct Waker {
    shared: Arc<(Mutex<WakeState>, Condvar)>,
    bell: Doorbell,
}

impl Waker {
    pub fn new(bell: Doorbell) -> Waker {
        let shared = Arc::new((
            Mutex::new(WakeState {
                deadline: None,
                stop: false,
            }),
            Condvar::new(),
        ));
        let (s, w) = (shared.clone(), bell.clone());
        std::thread::spawn(move || {
            let (m, cv) = &*s;
            let mut st = m.lock().unwrap_or_else(|e| e.into_inner());
            while !st.stop {
                match st.deadline {
                    None => st = cv.wait(st).unwrap_or_else(|e| e.into_inner()),
                    Some(d) if Instant::now() >= d => {
                        st.deadline = None;
                        w.ring();
                    }
                    Some(d) => {
                        let wait = d.saturating_duration_since(Instant::now());
                        st = cv
                            .wait_timeout(st, wait)
                            .unwrap_or_else(|e| e.into_inner())
                            .0;
                    }
                }
            }
        });
        Waker { shared, bell }
    }

    /// The earliest deadline of `timers`, as a host instant.
    pub fn next_instant(timers: &[TimerRegs]) -> Option<Instant> {
        let cval = timers.iter().filter_map(TimerRegs::deadline).min()?;
        let ticks = cval.saturating_sub(counter());
        let ns = ticks.saturating_mul(crate::arm64::sysreg::NS_PER_TICK);
        Some(Instant::now() + Duration::from_nanos(ns))
    }

    /// Arms (or disarms) the wake-up.
    pub fn set(&self, at: Option<Instant>) {
        let (m, cv) = &*self.shared;
        m.lock().unwrap_or_else(|e| e.into_inner()).deadline = at;
        cv.notify_all();
    }

    pub fn bell(&self) -> &Doorbell {
        &self.bell
    }
}

impl Drop for Waker {
    fn drop(&mut self) {
        let (m, cv) = &*self.shared;
        m.lock().unwrap_or_else(|e| e.into_inner()).stop = true;
        cv.notify_all();
    }
}
