//! virtio-console's control protocol and data queues against rings built
//! by hand, the way Linux's virtio_console drives them.

use super::console::{Console, Port, F_MULTIPORT};
use super::queue::Queue;
use super::VirtioDevice;
use crate::system::console::{lock, Input, InputState};
use crate::system::dma::Dma;
use crate::system::ram::Ram;
use std::sync::{Arc, Mutex};

const BASE: u64 = 0x4000_0000;
const SIZE: u16 = 8;
/// Where the test's buffers live.
const DATA: u64 = BASE + 0x8_0000;

/// A driver's side of queue `n`: descriptors at its base, the available
/// ring 0x100 above, the used ring 0x200 above; one-buffer chains.
struct Ring {
    base: u64,
    next: u16,
}

impl Ring {
    fn new(n: u64) -> Ring {
        Ring {
            base: BASE + 0x1_0000 + n * 0x1000,
            next: 0,
        }
    }

    fn queue(&self) -> Queue {
        let mut q = Queue::default();
        q.size = SIZE;
        q.ready = true;
        q.desc = self.base;
        q.avail = self.base + 0x100;
        q.used = self.base + 0x200;
        q
    }

    /// Offers the buffer `[addr, addr + len)`.
    fn add(&mut self, m: &Dma, addr: u64, len: u32, write: bool) {
        let i = self.next % SIZE;
        let d = self.base + 16 * u64::from(i);
        m.write(d, &addr.to_le_bytes()).unwrap();
        m.write_u32(d + 8, len).unwrap();
        m.write_u16(d + 12, if write { 2 } else { 0 }).unwrap();
        m.write_u16(self.base + 0x104 + 2 * u64::from(i), i)
            .unwrap();
        self.next += 1;
        m.write_u16(self.base + 0x102, self.next).unwrap();
    }

    fn used_idx(&self, m: &Dma) -> u16 {
        m.read_u16(self.base + 0x202).unwrap()
    }

    /// The bytes the device returned in used element `n`.
    fn used(&self, m: &Dma, n: u16) -> Vec<u8> {
        let e = self.base + 0x204 + 8 * u64::from(n % SIZE);
        let id = m.read_u32(e).unwrap() as u64;
        let len = m.read_u32(e + 4).unwrap() as usize;
        let addr = m.read_u64(self.base + 16 * id).unwrap();
        let mut b = vec![0; len];
        m.read(addr, &mut b).unwrap();
        b
    }
}

/// An output that can be looked at after the device took it.
#[derive(Clone, Default)]
struct Out(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Out {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Host input holding `bytes`, still open.
fn host_input(bytes: &[u8]) -> Input {
    Arc::new(Mutex::new(InputState {
        queue: bytes.iter().copied().collect(),
        open: true,
    }))
}

fn msg(id: u32, event: u16, value: u16) -> Vec<u8> {
    let mut m = id.to_le_bytes().to_vec();
    m.extend(event.to_le_bytes());
    m.extend(value.to_le_bytes());
    m
}

#[test]
fn multiport_handshake_and_data() {
    let ram = Ram::new(BASE, 1 << 20).unwrap();
    let m = ram.dma().unwrap();
    let input = host_input(b"hi");
    let (out0, out1) = (Out::default(), Out::default());
    let ports = vec![
        Port {
            nr: 0,
            console: true,
            name: None,
            out: Box::new(out0.clone()),
            input: Some(input.clone()),
        },
        Port {
            nr: 1,
            console: false,
            name: Some("org.emu.x".into()),
            out: Box::new(out1.clone()),
            input: None,
        },
    ];
    let mut dev = Console::new(2, ports);
    assert_eq!((dev.device_id(), dev.queues()), (3, 6));
    assert_eq!(dev.config()[4..8], 2u32.to_le_bytes(), "max_nr_ports");
    let mut rings: Vec<Ring> = (0..6).map(Ring::new).collect();
    let mut qs: Vec<Queue> = rings.iter().map(Ring::queue).collect();
    dev.activate(F_MULTIPORT);
    // Receive buffers for port 0 and the control queue.
    rings[0].add(&m, DATA, 16, true);
    for i in 0..SIZE {
        rings[2].add(&m, DATA + 0x1000 + 0x40 * u64::from(i), 0x40, true);
    }
    assert!(!dev.poll(&mut qs, &m), "port 0 is not open yet");
    assert_eq!(rings[0].used_idx(&m), 0);

    // The driver's control messages, each in a buffer of its own.
    let mut ctrl_tx = Ring::new(3);
    let mut ctrl = |dev: &mut Console, qs: &mut [Queue], n: u64, bytes: Vec<u8>| {
        let at = DATA + 0x2000 + 0x10 * n;
        m.write(at, &bytes).unwrap();
        ctrl_tx.add(&m, at, 8, false);
        dev.process(3, qs, &m)
    };
    assert!(
        ctrl(&mut dev, &mut qs, 0, msg(u32::MAX, 0, 1)),
        "DEVICE_READY"
    );
    let got: Vec<Vec<u8>> = (0..rings[2].used_idx(&m))
        .map(|i| rings[2].used(&m, i))
        .collect();
    assert_eq!(got, [msg(0, 1, 1), msg(1, 1, 1)], "DEVICE_ADD 0 and 1");
    ctrl(&mut dev, &mut qs, 1, msg(0, 3, 1));
    ctrl(&mut dev, &mut qs, 2, msg(1, 3, 1));
    let got: Vec<Vec<u8>> = (2..rings[2].used_idx(&m))
        .map(|i| rings[2].used(&m, i))
        .collect();
    let mut name = msg(1, 7, 1);
    name.extend(b"org.emu.x");
    assert_eq!(
        got,
        [msg(0, 4, 1), msg(0, 6, 1), name, msg(1, 6, 1)],
        "CONSOLE_PORT 0, PORT_OPEN 0, PORT_NAME 1, PORT_OPEN 1"
    );
    // The guest opens port 0: the input waiting goes in.
    ctrl(&mut dev, &mut qs, 3, msg(0, 6, 1));
    assert_eq!(rings[0].used_idx(&m), 1);
    assert_eq!(rings[0].used(&m, 0), b"hi");
    assert!(lock(&input).queue.is_empty());
    // More input waits for a buffer.
    lock(&input).queue.extend(b"abc");
    assert!(!dev.poll(&mut qs, &m));
    rings[0].add(&m, DATA + 0x100, 2, true);
    assert!(dev.process(0, &mut qs, &m));
    assert_eq!(rings[0].used(&m, 1), b"ab");
    assert_eq!(lock(&input).queue, b"c");

    // Output on both ports.
    m.write(DATA + 0x3000, b"to port 0").unwrap();
    rings[1].add(&m, DATA + 0x3000, 9, false);
    assert!(dev.process(1, &mut qs, &m));
    m.write(DATA + 0x3100, b"to port 1").unwrap();
    rings[5].add(&m, DATA + 0x3100, 9, false);
    assert!(dev.process(5, &mut qs, &m));
    assert_eq!(*out0.0.lock().unwrap(), b"to port 0");
    assert_eq!(*out1.0.lock().unwrap(), b"to port 1");

    // After a reset, port 0 is closed again.
    dev.reset();
    dev.activate(F_MULTIPORT);
    rings[0].add(&m, DATA + 0x200, 8, true);
    assert!(!dev.poll(&mut qs, &m));
    assert_eq!(lock(&input).queue, b"c");
}

#[test]
fn without_multiport_port_0_is_the_console() {
    let ram = Ram::new(BASE, 1 << 20).unwrap();
    let m = ram.dma().unwrap();
    let input = host_input(b"x");
    let port = Port {
        nr: 0,
        console: true,
        name: None,
        out: Box::new(std::io::sink()),
        input: Some(input.clone()),
    };
    let mut dev = Console::new(1, vec![port]);
    let mut ring = Ring::new(0);
    let mut qs = vec![ring.queue(), Ring::new(1).queue()];
    dev.activate(0);
    ring.add(&m, DATA, 4, true);
    assert!(dev.poll(&mut qs, &m));
    assert_eq!(ring.used(&m, 0), b"x");
}
