//! Arm PrimeCell GPIO (PL061, DDI 0190): eight lines whose inputs the board
//! drives; edge (either or both) or level interrupts per line, latched in
//! RIS until cleared through GPIOIC. The board wires line 3 to the power
//! button (`gpio-keys`, KEY_POWER) that the monitor's `system_powerdown`
//! presses.

use crate::system::bus::BusDevice;
use crate::system::doorbell::Doorbell;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

const DIR: u64 = 0x400;
const IS: u64 = 0x404;
const IBE: u64 = 0x408;
const IEV: u64 = 0x40c;
const IE: u64 = 0x410;
const RIS: u64 = 0x414;
const MIS: u64 = 0x418;
const IC: u64 = 0x41c;
const AFSEL: u64 = 0x420;
/// PeriphID0..3 (part 0x061, designer 0x41) then PCellID0..3.
const ID: [u8; 8] = [0x61, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1];

/// The GPIO line of the power button.
pub const POWER_LINE: u8 = 3;

/// The input levels of the lines, set from any thread.
#[derive(Clone)]
pub struct Inputs {
    levels: Arc<AtomicU8>,
    bell: Doorbell,
}

impl Inputs {
    pub fn new(bell: Doorbell) -> Inputs {
        Inputs {
            levels: Arc::new(AtomicU8::new(0)),
            bell,
        }
    }

    pub fn set(&self, line: u8, high: bool) {
        if high {
            self.levels.fetch_or(1 << line, Ordering::SeqCst);
        } else {
            self.levels.fetch_and(!(1 << line), Ordering::SeqCst);
        }
        self.bell.ring();
    }

    /// A button press on `line`: high now, low `held` later.
    pub fn pulse(&self, line: u8, held: Duration) {
        self.set(line, true);
        let me = self.clone();
        std::thread::spawn(move || {
            std::thread::sleep(held);
            me.set(line, false);
        });
    }
}

pub struct Pl061 {
    inputs: Inputs,
    /// The input levels when the device last looked.
    seen: u8,
    out: u8,
    dir: u8,
    is: u8,
    ibe: u8,
    iev: u8,
    ie: u8,
    /// Latched edge interrupts.
    edges: u8,
    afsel: u8,
}

impl Pl061 {
    pub fn new(inputs: Inputs) -> Pl061 {
        Pl061 {
            inputs,
            seen: 0,
            out: 0,
            dir: 0,
            is: 0,
            ibe: 0,
            iev: 0,
            ie: 0,
            edges: 0,
            afsel: 0,
        }
    }

    /// Pin levels: outputs drive their pins, inputs follow the board.
    fn pins(&self) -> u8 {
        (self.out & self.dir) | (self.inputs.levels.load(Ordering::SeqCst) & !self.dir)
    }

    /// Latches the edges seen since the last look; returns RIS.
    fn ris(&mut self) -> u8 {
        let pins = self.pins();
        let changed = pins ^ self.seen;
        self.seen = pins;
        let rising = changed & pins;
        let falling = changed & !pins;
        let edge =
            (self.ibe & changed) | (!self.ibe & ((self.iev & rising) | (!self.iev & falling)));
        self.edges |= edge & !self.is;
        let level = self.is & !(pins ^ self.iev);
        (self.edges & !self.is) | level
    }
}

impl BusDevice for Pl061 {
    fn read(&mut self, offset: u64, _size: u8) -> u64 {
        let v = match offset {
            0..=0x3fc => self.pins() & (offset >> 2) as u8,
            DIR => self.dir,
            IS => self.is,
            IBE => self.ibe,
            IEV => self.iev,
            IE => self.ie,
            RIS => self.ris(),
            MIS => self.ris() & self.ie,
            AFSEL => self.afsel,
            0xfe0..=0xffc => ID[((offset - 0xfe0) / 4) as usize],
            _ => 0,
        };
        u64::from(v)
    }

    fn write(&mut self, offset: u64, _size: u8, value: u64) {
        self.ris();
        let v = value as u8;
        match offset {
            0..=0x3fc => {
                let mask = (offset >> 2) as u8 & self.dir;
                self.out = (self.out & !mask) | (v & mask);
            }
            DIR => self.dir = v,
            IS => self.is = v,
            IBE => self.ibe = v,
            IEV => self.iev = v,
            IE => self.ie = v,
            IC => self.edges &= !v,
            AFSEL => self.afsel = v,
            _ => {}
        }
    }

    fn irq_level(&mut self) -> bool {
        self.ris() & self.ie != 0
    }

    fn may_interrupt(&self) -> bool {
        self.ie & !self.dir != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_latch_until_cleared() {
        let inputs = Inputs::new(Doorbell::new());
        let mut g = Pl061::new(inputs.clone());
        assert_eq!(g.read(0xfe0, 4), 0x61);
        g.write(IEV, 4, 1 << 3); // rising
        g.write(IE, 4, 1 << 3);
        assert!(!g.irq_level());
        inputs.set(3, true);
        assert!(g.irq_level());
        assert_eq!(g.read(0x3fc, 4), 1 << 3, "DATA with every line in the mask");
        assert_eq!(g.read(0x3fc - (1 << 5), 4), 0, "line 3 masked out");
        inputs.set(3, false);
        assert!(g.irq_level(), "latched");
        g.write(IC, 4, 1 << 3);
        assert!(!g.irq_level());
        g.write(IBE, 4, 1 << 3); // both edges
        inputs.set(3, true);
        g.write(IC, 4, 1 << 3);
        inputs.set(3, false);
        assert!(g.irq_level(), "falling edge with IBE");
        // Level-high interrupt: follows the pin.
        g.write(IC, 4, 0xff);
        g.write(IS, 4, 1 << 3);
        assert!(!g.irq_level());
        inputs.set(3, true);
        assert!(g.irq_level());
        inputs.set(3, false);
        assert!(!g.irq_level());
    }
}
