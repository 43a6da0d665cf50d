//! How host threads (the timer's waker, the console's input reader) get a
//! CPU's attention: ringing sets the interrupt word translated code polls at
//! block entries and loop back edges, and wakes a CPU sleeping in WFI.
//! Each CPU has its own doorbell; the machine's (which devices, the
//! console and the monitor ring) also rings every CPU's ([`Doorbell::fan_out`]).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

#[derive(Clone)]
pub struct Doorbell {
    word: Arc<AtomicU32>,
    rung: Arc<(Mutex<bool>, Condvar)>,
    /// Rung with this one.
    also: Arc<Mutex<Vec<Doorbell>>>,
}

impl Doorbell {
    pub fn new() -> Doorbell {
        Doorbell {
            word: Arc::new(AtomicU32::new(0)),
            rung: Arc::new((Mutex::new(false), Condvar::new())),
            also: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// From now on ringing this doorbell also rings `bells` (instead of
    /// those given before).
    pub fn fan_out(&self, bells: Vec<Doorbell>) {
        *self.also.lock().unwrap_or_else(|e| e.into_inner()) = bells;
    }

    /// The word translated code polls.
    pub fn word(&self) -> &Arc<AtomicU32> {
        &self.word
    }

    pub fn ring(&self) {
        self.word.store(1, Ordering::SeqCst);
        let (m, cv) = &*self.rung;
        *m.lock().unwrap_or_else(|e| e.into_inner()) = true;
        cv.notify_all();
        for b in self.also.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            b.ring();
        }
    }

    /// Sleeps until the bell rings (or has rung since the last wait) or
    /// `until` passes.
    pub fn wait(&self, until: Option<Instant>) {
        let (m, cv) = &*self.rung;
        let mut rung = m.lock().unwrap_or_else(|e| e.into_inner());
        while !*rung {
            match until {
                None => rung = cv.wait(rung).unwrap_or_else(|e| e.into_inner()),
                Some(t) => {
                    let now = Instant::now();
                    if now >= t {
                        break;
                    }
                    rung = cv
                        .wait_timeout(rung, t - now)
                        .unwrap_or_else(|e| e.into_inner())
                        .0;
                }
            }
        }
        *rung = false;
    }
}

impl Default for Doorbell {
    fn default() -> Self {
        Doorbell::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn ring_wakes_a_waiter_and_sets_the_word() {
        let d = Doorbell::new();
        let d2 = d.clone();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            d2.ring();
        });
        let start = Instant::now();
        d.wait(Some(start + Duration::from_secs(10)));
        assert!(start.elapsed() < Duration::from_secs(5));
        assert_eq!(d.word().load(Ordering::SeqCst), 1);
        t.join().unwrap();
        // Not rung again: the deadline ends the wait.
        let start = Instant::now();
        d.wait(Some(start + Duration::from_millis(30)));
        assert!(start.elapsed() >= Duration::from_millis(30));
    }
}
