//! The retransmission timeout of a TCP connection (RFC 6298): smoothed
//! round-trip time and its variation from samples (one timed segment at a
//! time, none from retransmitted data — Karn's rule), the timeout doubled
//! on each expiry, bounded below as Linux does (200 ms) and above by
//! 60 s.

use std::time::{Duration, Instant};

/// The timeout before any sample (RFC 6298 §2.1).
pub const INITIAL: Duration = Duration::from_secs(1);
const MIN: Duration = Duration::from_millis(200);
const MAX: Duration = Duration::from_secs(60);

pub struct Rto {
    srtt: Option<Duration>,
    rttvar: Duration,
    rto: Duration,
    /// The segment being timed: the sequence number that acknowledges it
    /// and when it was sent.
    timing: Option<(u32, Instant)>,
}

impl Default for Rto {
    fn default() -> Self {
        Rto {
            srtt: None,
            rttvar: Duration::ZERO,
            rto: INITIAL,
            timing: None,
        }
    }
}

impl Rto {
    /// The current timeout.
    pub fn get(&self) -> Duration {
        self.rto
    }

    /// New data up to `end` was sent at `now`: times it unless a segment
    /// is being timed.
    pub fn sent(&mut self, end: u32, now: Instant) {
        self.timing.get_or_insert((end, now));
    }

    /// The guest acknowledged up to `ack` at `now`: a sample when it
    /// covers the timed segment.
    pub fn acked(&mut self, ack: u32, now: Instant) {
        let Some((end, at)) = self.timing else { return };
        if !super::tcp::seq_le(end, ack) {
            return;
        }
        self.timing = None;
        let r = now.duration_since(at);
        match self.srtt {
            None => {
                self.srtt = Some(r);
                self.rttvar = r / 2;
            }
            Some(srtt) => {
                let err = srtt.abs_diff(r);
                self.rttvar = self.rttvar * 3 / 4 + err / 4;
                self.srtt = Some(srtt * 7 / 8 + r / 8);
            }
        }
        self.rto = (self.srtt.unwrap() + (self.rttvar * 4)).clamp(MIN, MAX);
    }

    /// The timer expired: the timeout doubles, and what was being timed
    /// will be sent again, so it gives no sample.
    pub fn backoff(&mut self) {
        self.rto = (self.rto * 2).min(MAX);
        self.timing = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_backoff_and_karn() {
        let mut r = Rto::default();
        assert_eq!(r.get(), INITIAL);
        let t0 = Instant::now();
        r.sent(100, t0);
        r.sent(200, t0 + Duration::from_millis(5));
        r.acked(50, t0 + Duration::from_millis(10));
        assert_eq!(r.get(), INITIAL, "the timed segment is not covered yet");
        r.acked(100, t0 + Duration::from_millis(400));
        // SRTT 400 ms, RTTVAR 200 ms: 1.2 s.
        assert_eq!(r.get(), Duration::from_millis(1200));
        r.sent(300, t0);
        r.backoff();
        assert_eq!(r.get(), Duration::from_millis(2400));
        r.acked(300, t0 + Duration::from_secs(5));
        assert_eq!(
            r.get(),
            Duration::from_millis(2400),
            "no sample after a retransmission"
        );
        for _ in 0..10 {
            r.backoff();
        }
        assert_eq!(r.get(), MAX);
        // Fast answers: the lower bound.
        let mut r = Rto::default();
        r.sent(1, t0);
        r.acked(1, t0 + Duration::from_micros(50));
        assert_eq!(r.get(), MIN);
    }
}
