//! Arm PrimeCell UART (PL011, DDI 0183), revision r1p5 (16-byte FIFOs, as
//! Linux sizes them from the revision in PeriphID2). Bytes written to the
//! data register go to the host's stdout at once (the transmit FIFO is
//! always empty); received bytes come from the console's input queue, of
//! which the first 16 (1 with the FIFOs off) are the receive FIFO while the
//! UART and its receiver are enabled.
//!
//! Interrupts (one combined output): RX while the receive FIFO holds its
//! trigger level (IFLS), RT (receive timeout) while it holds anything —
//! bytes arrive in host-sized bursts, so the line has always been idle
//! long enough by the time the CPU looks — and TX, raised when a written
//! byte has left (the FIFO drained below its trigger level) and cleared by
//! ICR. Line errors, break and modem status are never signalled.

use crate::system::bus::BusDevice;
use crate::system::console::{lock, Input};
use std::io::Write;

const DR: u64 = 0x000;
const RSR: u64 = 0x004;
const FR: u64 = 0x018;
const IBRD: u64 = 0x024;
const FBRD: u64 = 0x028;
const LCR_H: u64 = 0x02c;
const CR: u64 = 0x030;
const IFLS: u64 = 0x034;
const IMSC: u64 = 0x038;
const RIS: u64 = 0x03c;
const MIS: u64 = 0x040;
const ICR: u64 = 0x044;
const DMACR: u64 = 0x048;
/// PeriphID0..3 then PCellID0..3, one byte per word from 0xFE0.
const ID: [u8; 8] = [0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1];

/// FR: transmit FIFO empty (TXFE), receive FIFO full (RXFF) and empty
/// (RXFE).
const FR_TXFE: u64 = 1 << 7;
const FR_RXFF: u64 = 1 << 6;
const FR_RXFE: u64 = 1 << 4;
/// Interrupt bits (RIS, MIS, IMSC, ICR): receive, transmit, receive
/// timeout.
const INT_RX: u64 = 1 << 4;
const INT_TX: u64 = 1 << 5;
const INT_RT: u64 = 1 << 6;
/// CR: UART enable, receive enable.
const CR_UARTEN: u64 = 1 << 0;
const CR_RXE: u64 = 1 << 9;
/// LCR_H: FIFOs enabled.
const LCR_H_FEN: u64 = 1 << 4;
const FIFO_DEPTH: usize = 16;

pub struct Pl011 {
    out: Box<dyn Write + Send>,
    /// The host's input, when the UART has one.
    input: Option<Input>,
    /// Latched transmit interrupt.
    tx_int: bool,
    ibrd: u64,
    fbrd: u64,
    lcr_h: u64,
    cr: u64,
    ifls: u64,
    imsc: u64,
    dmacr: u64,
}

impl Pl011 {
    /// A UART whose transmitted bytes go to `out` and that receives from
    /// `input`.
    pub fn new(out: Box<dyn Write + Send>, input: Option<Input>) -> Pl011 {
        Pl011 {
            out,
            input,
            tx_int: false,
            ibrd: 0,
            fbrd: 0,
            lcr_h: 0,
            // Reset: TXE and RXE set, UART disabled.
            cr: 0x300,
            ifls: 0x12,
            imsc: 0,
            dmacr: 0,
        }
    }
}

impl Pl011 {
    fn fifo_depth(&self) -> usize {
        if self.lcr_h & LCR_H_FEN != 0 {
            FIFO_DEPTH
        } else {
            1
        }
    }

    /// Bytes in the receive FIFO.
    fn rx_count(&self) -> usize {
        if self.cr & (CR_UARTEN | CR_RXE) != CR_UARTEN | CR_RXE {
            return 0;
        }
        self.input
            .as_ref()
            .map_or(0, |i| lock(i).queue.len().min(self.fifo_depth()))
    }

    /// The receive interrupt's trigger level: 1/8, 1/4, 1/2, 3/4 or 7/8 of
    /// the FIFO (IFLS.RXIFLSEL), or one byte with the FIFOs off.
    fn rx_trigger(&self) -> usize {
        if self.lcr_h & LCR_H_FEN == 0 {
            return 1;
        }
        let eighths = [1, 2, 4, 6, 7][((self.ifls >> 3) & 7).min(4) as usize];
        FIFO_DEPTH * eighths / 8
    }

    fn ris(&self) -> u64 {
        let n = self.rx_count();
        let mut r = 0;
        if n >= self.rx_trigger() {
            r |= INT_RX;
        }
        if n > 0 {
            r |= INT_RT;
        }
        if self.tx_int {
            r |= INT_TX;
        }
        r
    }

    fn read_dr(&mut self) -> u64 {
        if self.rx_count() == 0 {
            return 0;
        }
        let input = self.input.as_ref().expect("bytes come from the input");
        u64::from(lock(input).queue.pop_front().unwrap_or(0))
    }
}

impl BusDevice for Pl011 {
    fn read(&mut self, offset: u64, _size: u8) -> u64 {
        match offset {
            DR => self.read_dr(),
            RSR => 0,
            FR => {
                let n = self.rx_count();
                let mut fr = FR_TXFE;
                if n == 0 {
                    fr |= FR_RXFE;
                }
                if n >= self.fifo_depth() {
                    fr |= FR_RXFF;
                }
                fr
            }
            IBRD => self.ibrd,
            FBRD => self.fbrd,
            LCR_H => self.lcr_h,
            CR => self.cr,
            IFLS => self.ifls,
            IMSC => self.imsc,
            RIS => self.ris(),
            MIS => self.ris() & self.imsc,
            DMACR => self.dmacr,
            0xfe0..=0xffc if offset.is_multiple_of(4) => {
                u64::from(ID[(offset - 0xfe0) as usize / 4])
            }
            _ => 0,
        }
    }

    fn write(&mut self, offset: u64, _size: u8, value: u64) {
        match offset {
            DR => {
                // Output is best effort, as a serial line is.
                let _ = self.out.write_all(&[value as u8]);
                if value as u8 == b'\n' {
                    let _ = self.out.flush();
                }
                self.tx_int = true;
            }
            ICR if value & INT_TX != 0 => self.tx_int = false,
            IBRD => self.ibrd = value & 0xffff,
            FBRD => self.fbrd = value & 0x3f,
            LCR_H => self.lcr_h = value & 0xff,
            CR => self.cr = value & 0xffff,
            IFLS => self.ifls = value & 0x3f,
            IMSC => self.imsc = value & 0x7ff,
            DMACR => self.dmacr = value & 7,
            // RX and RT follow the FIFO; read-only registers ignore writes.
            RSR => {}
            _ => {}
        }
    }

    fn irq_level(&mut self) -> bool {
        self.ris() & self.imsc != 0
    }

    fn may_interrupt(&self) -> bool {
        self.input.as_ref().is_some_and(|i| lock(i).open) && self.imsc & (INT_RX | INT_RT) != 0
    }

    fn idle(&mut self) {
        let _ = self.out.flush();
    }
}

impl Drop for Pl011 {
    fn drop(&mut self) {
        let _ = self.out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl Write for Sink {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn transmits_and_identifies() {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let mut u = Pl011::new(Box::new(Sink(buf.clone())), None);
        u.write(DR, 4, b'h' as u64);
        u.write(DR, 1, b'i' as u64);
        assert_eq!(&*buf.lock().unwrap(), b"hi");
        assert_eq!(u.read(FR, 4) & (1 << 5), 0, "TX FIFO never full");
        let mut id = |o| u.read(o, 4);
        let periph = (0..4).fold(0, |a, i| a | id(0xfe0 + 4 * i) << (8 * i));
        let cell = (0..4).fold(0, |a, i| a | id(0xff0 + 4 * i) << (8 * i));
        // Part 0x011, designer 0x41 (Arm), revision 1; Linux matches the
        // low 20 bits.
        assert_eq!((periph & 0xf_ffff, cell), (0x0004_1011, 0xb105_f00d));
    }

    #[test]
    fn receives_with_fifo_interrupts() {
        use crate::system::console::InputState;
        let input: Input = Arc::new(Mutex::new(InputState {
            queue: b"abc".iter().copied().collect(),
            open: true,
        }));
        let mut u = Pl011::new(Box::new(std::io::sink()), Some(input.clone()));
        // Disabled: nothing received yet.
        assert_ne!(u.read(FR, 4) & FR_RXFE, 0);
        u.write(CR, 4, CR_UARTEN | CR_RXE | 1 << 8);
        u.write(LCR_H, 4, LCR_H_FEN);
        u.write(IMSC, 4, INT_RX | INT_RT);
        assert!(u.may_interrupt());
        // 3 bytes: below the 1/2 trigger (8), so only the timeout.
        assert_eq!(u.read(FR, 4) & FR_RXFE, 0);
        assert_eq!(u.read(MIS, 4), INT_RT);
        assert!(u.irq_level());
        assert_eq!([u.read(DR, 4), u.read(DR, 4), u.read(DR, 4)], [97, 98, 99]);
        assert!(!u.irq_level());
        lock(&input).queue.extend([b'x'; 20]);
        assert_eq!(u.read(MIS, 4), INT_RX | INT_RT);
        assert_ne!(u.read(FR, 4) & FR_RXFF, 0, "16 of 20 bytes fill the FIFO");
        // Transmit interrupt: raised by a write, cleared by ICR.
        u.write(IMSC, 4, INT_TX);
        assert!(!u.irq_level());
        u.write(DR, 4, u64::from(b'z'));
        assert!(u.irq_level());
        u.write(ICR, 4, INT_TX);
        assert!(!u.irq_level());
        lock(&input).open = false;
        assert!(!u.may_interrupt());
    }
}
