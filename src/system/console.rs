//! The host side of the serial console: a thread that reads the host's
//! stdin into a queue the UART receives from (ringing the CPU's doorbell at
//! each arrival), and, when stdin is a terminal, the terminal switched to
//! raw byte-at-a-time input for the run: no local echo (the guest echoes),
//! no signals from the keyboard (Ctrl-C, Ctrl-Z, Ctrl-\ reach the guest),
//! and the escape character Ctrl-A introducing emu-system's own keys
//! ([`Escape`]).

use super::console_monitor::MonitorFocus;
use super::doorbell::Doorbell;
use super::monitor::Control;
use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Arc, Mutex};

/// Bytes received from the host and not yet taken by the UART.
#[derive(Default)]
pub struct InputState {
    pub queue: VecDeque<u8>,
    /// False once the host's input has ended.
    pub open: bool,
}

pub type Input = Arc<Mutex<InputState>>;

/// Locks `input` (a poisoned lock still holds valid bytes).
pub fn lock(input: &Input) -> std::sync::MutexGuard<'_, InputState> {
    input.lock().unwrap_or_else(|e| e.into_inner())
}

/// The escape character: Ctrl-A.
pub const ESCAPE: u8 = 0x01;

/// The help `C-a h` prints (`monitor`: there is one on the console).
pub fn help(monitor: bool) -> String {
    let c = if monitor {
        "C-a c    switch between the console and the monitor\n"
    } else {
        ""
    };
    let unsupported = if monitor {
        "(C-a b, C-a s and C-a t are not supported: no break, no -snapshot, no\n\
         timestamps)\n"
    } else {
        "(C-a b, C-a c, C-a s and C-a t are not supported: no break, no monitor on\n\
         the console (see -qmp, -serial mon:stdio), no -snapshot, no timestamps)\n"
    };
    format!(
        "C-a h    print this help\n\
         C-a x    exit emu-system\n\
         {c}C-a C-a  send C-a to the guest\n\
         {unsupported}"
    )
}

/// What the console does with one byte typed on the terminal.
#[derive(Debug, PartialEq, Eq)]
pub enum Key {
    /// Pass this byte to the guest.
    Send(u8),
    /// Print [`help`].
    Help,
    /// Switch between the guest and the monitor (`C-a c`).
    Monitor,
    /// Leave emu-system.
    Exit,
    /// A command emu-system does not have (the letter typed after C-a).
    Unsupported(u8),
    /// Nothing (C-a, or an unknown key after it).
    Nothing,
}

/// The escape state: whether the last byte was [`ESCAPE`], and whether
/// `C-a c` has a monitor to switch to.
#[derive(Default)]
pub struct Escape {
    pending: bool,
    pub monitor: bool,
}

impl Escape {
    pub fn feed(&mut self, b: u8) -> Key {
        if !std::mem::take(&mut self.pending) {
            if b == ESCAPE {
                self.pending = true;
                return Key::Nothing;
            }
            return Key::Send(b);
        }
        match b {
            ESCAPE => Key::Send(ESCAPE),
            b'h' | b'?' => Key::Help,
            b'x' => Key::Exit,
            b'c' if self.monitor => Key::Monitor,
            b'b' | b'c' | b's' | b't' => Key::Unsupported(b),
            _ => Key::Nothing,
        }
    }
}

/// Acts on `key` from the terminal: queues a byte for the guest or gives
/// it to the monitor when it has the focus, or prints on stderr, or ends
/// emu-system ([`super::host_exit::exit`]).
fn act(key: Key, queue: &mut VecDeque<u8>, monitor: &mut Option<MonitorFocus>) {
    match key {
        Key::Send(b) => match monitor {
            Some(m) if m.active => m.key(b),
            _ => queue.push_back(b),
        },
        Key::Help => eprint!("{}", help(monitor.is_some())),
        Key::Monitor => {
            if let Some(m) = monitor {
                m.switch();
            }
        }
        Key::Exit => super::host_exit::exit("host-qmp-quit", "\nemu-system: terminated (C-a x)"),
        Key::Unsupported(c) => {
            eprintln!("\nemu-system: C-a {} is not supported", c as char)
        }
        Key::Nothing => {}
    }
}

/// Starts reading `src` into a new queue, ringing `bell` at each arrival;
/// with `escape` (stdin is a terminal, or multiplexed) the bytes go
/// through [`Escape`], and `C-a c` switches to `monitor` if there is one.
pub fn spawn_reader(
    mut src: impl Read + Send + 'static,
    bell: Doorbell,
    escape: bool,
    monitor: Option<Arc<Control>>,
) -> Input {
    let input: Input = Arc::new(Mutex::new(InputState {
        queue: VecDeque::new(),
        open: true,
    }));
    let q = input.clone();
    std::thread::spawn(move || {
        let mut keys = Escape {
            monitor: monitor.is_some(),
            ..Escape::default()
        };
        let mut monitor = monitor.map(MonitorFocus::new);
        let mut buf = [0u8; 256];
        loop {
            match src.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) if !escape => lock(&q).queue.extend(&buf[..n]),
                Ok(n) => {
                    for &b in &buf[..n] {
                        let key = keys.feed(b);
                        act(key, &mut lock(&q).queue, &mut monitor);
                    }
                }
            }
            bell.ring();
        }
        lock(&q).open = false;
        bell.ring();
    });
    input
}

/// The terminal attributes of stdin before [`RawTerminal`] changed them.
static SAVED: Mutex<Option<libc::termios>> = Mutex::new(None);

/// Puts back the attributes [`RawTerminal::new`] saved (once).
pub fn restore_terminal() {
    let saved = SAVED.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let Some(t) = saved {
        // SAFETY: restores the attributes read in `RawTerminal::new` on fd 0.
        unsafe { libc::tcsetattr(0, libc::TCSANOW, &t) };
    }
}

/// Puts the terminal on stdin (if it is one) in raw mode: byte-at-a-time
/// input, no echo, no CR-to-NL mapping, no signals or flow control from
/// the keyboard (output processing stays on); restores it when dropped.
pub struct RawTerminal(bool);

impl RawTerminal {
    pub fn new() -> RawTerminal {
        // SAFETY: isatty, tcgetattr and tcsetattr only read and write the
        // termios structures given, on fd 0.
        unsafe {
            if libc::isatty(0) == 0 {
                return RawTerminal(false);
            }
            let mut t: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(0, &mut t) != 0 {
                return RawTerminal(false);
            }
            *SAVED.lock().unwrap_or_else(|e| e.into_inner()) = Some(t);
            t.c_iflag &= !(libc::IGNBRK
                | libc::BRKINT
                | libc::PARMRK
                | libc::ISTRIP
                | libc::INLCR
                | libc::IGNCR
                | libc::ICRNL
                | libc::IXON);
            t.c_oflag |= libc::OPOST;
            t.c_lflag &= !(libc::ECHO | libc::ECHONL | libc::ICANON | libc::IEXTEN | libc::ISIG);
            t.c_cc[libc::VMIN] = 1;
            t.c_cc[libc::VTIME] = 0;
            libc::tcsetattr(0, libc::TCSANOW, &t);
            RawTerminal(true)
        }
    }

    /// Whether stdin is a terminal (now in raw mode).
    pub fn is_raw(&self) -> bool {
        self.0
    }
}

impl Default for RawTerminal {
    fn default() -> Self {
        RawTerminal::new()
    }
}

impl Drop for RawTerminal {
    fn drop(&mut self) {
        restore_terminal();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn reader_queues_bytes_and_sees_the_end() {
        let bell = Doorbell::new();
        let input = spawn_reader(&b"ls\x01x\n"[..], bell, false, None);
        let start = Instant::now();
        while lock(&input).open && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(1));
        }
        let st = lock(&input);
        assert!(!st.open);
        assert_eq!(st.queue, b"ls\x01x\n");
    }

    #[test]
    fn escape_keys() {
        let mut e = Escape::default();
        let keys: Vec<Key> = b"a\x03\x01\x01\x01h\x01?\x01c\x01z\x1a\x01x"
            .iter()
            .map(|&b| e.feed(b))
            .collect();
        use Key::*;
        assert_eq!(
            keys,
            [
                Send(b'a'),
                Send(0x03),
                Nothing,
                Send(0x01),
                Nothing,
                Help,
                Nothing,
                Help,
                Nothing,
                Unsupported(b'c'),
                Nothing,
                Nothing,
                Send(0x1a),
                Nothing,
                Exit
            ]
        );
        let mut e = Escape {
            monitor: true,
            ..Escape::default()
        };
        assert_eq!((e.feed(1), e.feed(b'c')), (Nothing, Monitor));
        assert!(help(true).contains("C-a c    switch"));
        assert!(!help(false).contains("C-a c    switch"));
    }
}
