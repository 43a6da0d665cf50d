//! Arm PrimeCell UART (PL011), transmit side: bytes written to the data
//! register go to the host's stdout. The receive FIFO is always empty.
//! Registers per the PL011 Technical Reference Manual (DDI 0183).

use crate::system::bus::BusDevice;
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

/// FR: transmit FIFO empty (TXFE) and receive FIFO empty (RXFE).
const FR_TXFE: u64 = 1 << 7;
const FR_RXFE: u64 = 1 << 4;
/// RIS/MIS: transmit interrupt (the FIFO has room).
const INT_TX: u64 = 1 << 5;

pub struct Pl011 {
    out: Box<dyn Write>,
    ibrd: u64,
    fbrd: u64,
    lcr_h: u64,
    cr: u64,
    ifls: u64,
    imsc: u64,
    dmacr: u64,
}

impl Pl011 {
    /// A UART whose transmitted bytes go to `out`.
    pub fn new(out: Box<dyn Write>) -> Pl011 {
        Pl011 {
            out,
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

impl BusDevice for Pl011 {
    fn read(&mut self, offset: u64, _size: u8) -> u64 {
        match offset {
            DR | RSR => 0,
            FR => FR_TXFE | FR_RXFE,
            IBRD => self.ibrd,
            FBRD => self.fbrd,
            LCR_H => self.lcr_h,
            CR => self.cr,
            IFLS => self.ifls,
            IMSC => self.imsc,
            RIS => INT_TX,
            MIS => INT_TX & self.imsc,
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
            }
            IBRD => self.ibrd = value & 0xffff,
            FBRD => self.fbrd = value & 0x3f,
            LCR_H => self.lcr_h = value & 0xff,
            CR => self.cr = value & 0xffff,
            IFLS => self.ifls = value & 0x3f,
            IMSC => self.imsc = value & 0x7ff,
            DMACR => self.dmacr = value & 7,
            // Nothing is ever pending to clear; read-only registers ignore writes.
            RSR | ICR => {}
            _ => {}
        }
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
        let mut u = Pl011::new(Box::new(Sink(buf.clone())));
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
}
