//! virtio-console (virtio 1.2 §5.3) with VIRTIO_CONSOLE_F_MULTIPORT: up to
//! `max_ports` ports, each a receive and a transmit queue, plus the control
//! queues through which the device announces its ports (DEVICE_ADD), marks
//! the console ports (CONSOLE_PORT, which Linux makes hvc consoles), names
//! the others (PORT_NAME) and says the host side is open (PORT_OPEN).
//!
//! Queue numbers: port 0 receive 0, transmit 1; control receive 2,
//! transmit 3; port n ≥ 1 receive 2 + 2n, transmit 3 + 2n. A driver that
//! declines MULTIPORT gets port 0 alone, as a console.
//!
//! What the guest transmits goes to the port's writer at once (flushed
//! after each batch); host input waits in the port's input queue until the
//! guest has opened the port and offered receive buffers.

use super::queue::Queue;
use super::VirtioDevice;
use crate::system::console::{lock, Input};
use crate::system::dma::Dma;
use std::collections::VecDeque;
use std::io::Write;

/// Device ID of a console.
const ID: u32 = 3;
/// Feature bit: several ports and the control queues.
pub const F_MULTIPORT: u64 = 1 << 1;
/// Control queue numbers.
const CTRL_RX: usize = 2;
const CTRL_TX: usize = 3;
/// Control events (`struct virtio_console_control.event`).
const DEVICE_READY: u16 = 0;
const DEVICE_ADD: u16 = 1;
const PORT_READY: u16 = 3;
const CONSOLE_PORT: u16 = 4;
const PORT_OPEN: u16 = 6;
const PORT_NAME: u16 = 7;
/// Size of `struct virtio_console_control` (le32 id, le16 event, le16
/// value).
const CONTROL_LEN: usize = 8;
/// Most bytes taken from one transmit chain.
const MAX_TX: u64 = 1 << 16;

/// One port and where its data goes and comes from.
pub struct Port {
    /// Port number (the `id` of control messages).
    pub nr: u32,
    /// A console port (`virtconsole`): Linux gives it an hvc device.
    pub console: bool,
    /// The name the guest sees in /sys/class/virtio-ports/*/name.
    pub name: Option<String>,
    pub out: Box<dyn Write + Send>,
    /// The host's input, when the port has one.
    pub input: Option<Input>,
}

struct PortState {
    port: Port,
    /// The guest has the port open (PORT_OPEN from the driver).
    open: bool,
}

pub struct Console {
    max_ports: u32,
    ports: Vec<PortState>,
    multiport: bool,
    /// Control messages waiting for a buffer in the control receive queue.
    control: VecDeque<Vec<u8>>,
}

impl Console {
    /// A device with room for `max_ports` ports (1 or more) and `ports`
    /// (distinct numbers below `max_ports`).
    pub fn new(max_ports: u32, ports: Vec<Port>) -> Console {
        Console {
            max_ports,
            ports: ports
                .into_iter()
                .map(|port| PortState { port, open: false })
                .collect(),
            multiport: false,
            control: VecDeque::new(),
        }
    }

    /// The receive queue of port `nr`.
    fn rx_queue(nr: u32) -> usize {
        if nr == 0 {
            0
        } else {
            2 + 2 * nr as usize
        }
    }

    /// The port a data queue belongs to, and whether it is its transmit
    /// queue.
    fn port_of(q: usize) -> Option<(u32, bool)> {
        match q {
            0 | 1 => Some((0, q == 1)),
            CTRL_RX | CTRL_TX => None,
            _ => Some(((q / 2 - 1) as u32, q % 2 == 1)),
        }
    }

    fn port(&mut self, nr: u32) -> Option<&mut PortState> {
        self.ports.iter_mut().find(|p| p.port.nr == nr)
    }

    /// Queues a control message for the driver.
    fn send(&mut self, id: u32, event: u16, value: u16, extra: &[u8]) {
        let mut m = Vec::with_capacity(CONTROL_LEN + extra.len());
        m.extend(id.to_le_bytes());
        m.extend(event.to_le_bytes());
        m.extend(value.to_le_bytes());
        m.extend(extra);
        self.control.push_back(m);
    }

    /// Acts on one control message from the driver.
    fn control_message(&mut self, msg: &[u8; CONTROL_LEN]) {
        let id = u32::from_le_bytes(msg[0..4].try_into().unwrap());
        let event = u16::from_le_bytes(msg[4..6].try_into().unwrap());
        let value = u16::from_le_bytes(msg[6..8].try_into().unwrap());
        match event {
            DEVICE_READY if value == 1 => {
                let nrs: Vec<u32> = self.ports.iter().map(|p| p.port.nr).collect();
                for nr in nrs {
                    self.send(nr, DEVICE_ADD, 1, &[]);
                }
            }
            PORT_READY if value == 1 => {
                let Some(p) = self.port(id) else { return };
                let (console, name) = (p.port.console, p.port.name.clone());
                if console {
                    self.send(id, CONSOLE_PORT, 1, &[]);
                }
                if let Some(name) = name {
                    self.send(id, PORT_NAME, 1, name.as_bytes());
                }
                // The host side of every port is connected.
                self.send(id, PORT_OPEN, 1, &[]);
            }
            PORT_OPEN => {
                if let Some(p) = self.port(id) {
                    p.open = value != 0;
                }
            }
            _ => {}
        }
    }

    /// Takes the driver's control messages.
    fn control_in(&mut self, queue: &mut Queue, mem: &Dma) -> bool {
        let mut irq = false;
        while let Some(chain) = queue.pop(mem) {
            let Ok(chain) = chain else { continue };
            let mut msg = [0u8; CONTROL_LEN];
            if chain.read_at(mem, 0, &mut msg) == CONTROL_LEN {
                self.control_message(&msg);
            }
            irq |= queue.push_used(mem, chain.head, 0);
        }
        irq
    }

    /// Hands queued control messages to the driver while it has buffers.
    fn control_out(&mut self, queue: &mut Queue, mem: &Dma) -> bool {
        let mut irq = false;
        while !self.control.is_empty() {
            let Some(chain) = queue.pop(mem) else { break };
            let msg = self.control.pop_front().expect("not empty");
            let Ok(chain) = chain else { continue };
            let n = chain.write_at(mem, 0, &msg);
            irq |= queue.push_used(mem, chain.head, n as u32);
        }
        irq
    }

    /// Writes what the guest transmitted on port `nr` to its writer.
    fn transmit(&mut self, nr: u32, queue: &mut Queue, mem: &Dma) -> bool {
        let mut irq = false;
        let mut port = self.ports.iter_mut().find(|p| p.port.nr == nr);
        while let Some(chain) = queue.pop(mem) {
            let Ok(chain) = chain else { continue };
            if let Some(p) = port.as_mut() {
                let mut buf = vec![0u8; chain.readable_len().min(MAX_TX) as usize];
                let n = chain.read_at(mem, 0, &mut buf);
                // Output is best effort, as a serial line is.
                let _ = p.port.out.write_all(&buf[..n]);
            }
            irq |= queue.push_used(mem, chain.head, 0);
        }
        if let Some(p) = port {
            let _ = p.port.out.flush();
        }
        irq
    }

    /// Moves host input of every open port into its receive buffers.
    fn receive(&mut self, queues: &mut [Queue], mem: &Dma) -> bool {
        let mut irq = false;
        let multiport = self.multiport;
        for p in &mut self.ports {
            let Some(input) = &p.port.input else { continue };
            if multiport && !p.open || !multiport && p.port.nr != 0 {
                continue;
            }
            let Some(queue) = queues.get_mut(Self::rx_queue(p.port.nr)) else {
                continue;
            };
            let mut input = lock(input);
            while !input.queue.is_empty() {
                let Some(chain) = queue.pop(mem) else { break };
                let Ok(chain) = chain else { continue };
                let n = (chain.writable_len() as usize).min(input.queue.len());
                let bytes: Vec<u8> = input.queue.drain(..n).collect();
                let n = chain.write_at(mem, 0, &bytes);
                irq |= queue.push_used(mem, chain.head, n as u32);
            }
        }
        irq
    }
}

impl VirtioDevice for Console {
    fn device_id(&self) -> u32 {
        ID
    }

    fn features(&self) -> u64 {
        F_MULTIPORT
    }

    fn queues(&self) -> usize {
        2 * (self.max_ports as usize + 1)
    }

    /// `struct virtio_console_config`: cols and rows (not offered: 0),
    /// max_nr_ports, emerg_wr (not offered: 0).
    fn config(&self) -> Vec<u8> {
        let mut c = vec![0u8; 4];
        c.extend(self.max_ports.to_le_bytes());
        c.extend(0u32.to_le_bytes());
        c
    }

    fn process(&mut self, q: usize, queues: &mut [Queue], mem: &Dma) -> bool {
        let mut irq = false;
        match Self::port_of(q) {
            Some((nr, true)) => irq |= self.transmit(nr, &mut queues[q], mem),
            Some((_, false)) => {}
            None if q == CTRL_TX && self.multiport => {
                irq |= self.control_in(&mut queues[q], mem);
            }
            None => {}
        }
        irq | self.poll(queues, mem)
    }

    fn poll(&mut self, queues: &mut [Queue], mem: &Dma) -> bool {
        let mut irq = false;
        if self.multiport && !self.control.is_empty() {
            irq |= self.control_out(&mut queues[CTRL_RX], mem);
        }
        irq | self.receive(queues, mem)
    }

    fn may_interrupt(&self) -> bool {
        self.ports
            .iter()
            .any(|p| p.port.input.as_ref().is_some_and(|i| lock(i).open))
    }

    fn idle(&mut self) {
        for p in &mut self.ports {
            let _ = p.port.out.flush();
        }
    }

    fn activate(&mut self, features: u64) {
        self.multiport = features & F_MULTIPORT != 0;
    }

    fn reset(&mut self) {
        self.multiport = false;
        self.control.clear();
        for p in &mut self.ports {
            p.open = false;
        }
    }
}
