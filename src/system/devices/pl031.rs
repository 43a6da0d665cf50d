//! Arm PrimeCell real-time clock (PL031, DDI 0224): a seconds counter that
//! starts at the host's wall-clock time (UTC) and runs with it; writing the
//! load register sets it. The match register raises the interrupt when the
//! counter reaches it (latched in RIS until cleared through ICR).

use crate::system::bus::BusDevice;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const DR: u64 = 0x000;
const MR: u64 = 0x004;
const LR: u64 = 0x008;
const CR: u64 = 0x00c;
const IMSC: u64 = 0x010;
const RIS: u64 = 0x014;
const MIS: u64 = 0x018;
const ICR: u64 = 0x01c;
/// PeriphID0..3 (part 0x031, designer 0x41) then PCellID0..3, one byte per
/// word from 0xFE0.
const ID: [u8; 8] = [0x31, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1];

pub struct Pl031 {
    /// Counter value minus the host's seconds since the epoch.
    offset: i64,
    mr: u32,
    lr: u32,
    imsc: u32,
    ris: bool,
    /// The counter value up to which matches have been looked for.
    seen: u32,
}

fn host_seconds() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

impl Pl031 {
    pub fn new() -> Pl031 {
        let mut r = Pl031 {
            offset: 0,
            mr: 0,
            lr: 0,
            imsc: 0,
            ris: false,
            seen: 0,
        };
        r.seen = r.count();
        r
    }

    fn count(&self) -> u32 {
        host_seconds().wrapping_add(self.offset) as u32
    }

    /// Latches RIS if the counter has passed MR since the last look.
    fn update(&mut self) {
        let now = self.count();
        // Values in (seen, now], modulo 2^32.
        let passed = self.mr.wrapping_sub(self.seen).wrapping_sub(1) < now.wrapping_sub(self.seen);
        if passed {
            self.ris = true;
        }
        self.seen = now;
    }
}

impl Default for Pl031 {
    fn default() -> Self {
        Pl031::new()
    }
}

impl BusDevice for Pl031 {
    fn read(&mut self, offset: u64, _size: u8) -> u64 {
        self.update();
        match offset {
            DR => u64::from(self.count()),
            MR => u64::from(self.mr),
            LR => u64::from(self.lr),
            // The clock runs from reset; RTCCR.RTCStart reads 1.
            CR => 1,
            IMSC => u64::from(self.imsc),
            RIS => u64::from(self.ris),
            MIS => u64::from(self.ris && self.imsc & 1 != 0),
            0xfe0..=0xffc if offset.is_multiple_of(4) => {
                u64::from(ID[(offset - 0xfe0) as usize / 4])
            }
            _ => 0,
        }
    }

    fn write(&mut self, offset: u64, _size: u8, value: u64) {
        self.update();
        let v = value as u32;
        match offset {
            MR => self.mr = v,
            LR => {
                self.lr = v;
                self.offset = i64::from(v) - host_seconds();
                self.seen = v;
            }
            IMSC => self.imsc = v & 1,
            ICR if v & 1 != 0 => self.ris = false,
            _ => {}
        }
    }

    fn irq_level(&mut self) -> bool {
        // Masked, the line stays low without a look at the host clock (the
        // dispatcher asks often); the next register access or the unmasking
        // write latches RIS for the whole interval since the last look.
        if self.imsc & 1 == 0 {
            return false;
        }
        self.update();
        self.ris && self.imsc & 1 != 0
    }

    fn deadline(&self) -> Option<Instant> {
        if self.imsc & 1 == 0 || self.ris {
            return None;
        }
        let ahead = self.mr.wrapping_sub(self.count());
        Some(Instant::now() + Duration::from_secs(u64::from(ahead)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_host_seconds_loads_and_matches() {
        let mut r = Pl031::new();
        let now = host_seconds() as u64;
        let dr = r.read(DR, 4);
        assert!(dr.abs_diff(now) <= 1, "{dr} vs {now}");
        let id = (0..4).fold(0, |a, i| a | r.read(0xfe0 + 4 * i, 4) << (8 * i));
        assert_eq!(id & 0xf_ffff, 0x4_1031);
        r.write(LR, 4, 1000);
        assert!((1000..=1001).contains(&r.read(DR, 4)));
        // A match in the past does not fire; one reached does.
        r.write(MR, 4, 900);
        r.write(IMSC, 4, 1);
        assert!(!r.irq_level());
        assert!(r.deadline().is_some());
        r.write(MR, 4, 1000);
        r.write(LR, 4, 999);
        r.offset += 1; // one second passes
        assert!(r.irq_level());
        assert_eq!(r.read(MIS, 4), 1);
        r.write(ICR, 4, 1);
        assert!(!r.irq_level());
        // Masked, a match passed meanwhile still shows in RIS, and the line
        // rises when it is unmasked.
        r.write(IMSC, 4, 0);
        let next = r.read(DR, 4) + 1;
        r.write(MR, 4, next);
        r.offset += 2;
        assert!(!r.irq_level());
        assert_eq!(r.read(RIS, 4), 1);
        r.write(IMSC, 4, 1);
        assert!(r.irq_level());
    }
}
