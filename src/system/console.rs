//! The host side of the serial console: a thread that reads the host's
//! stdin into a queue the UART receives from (ringing the CPU's doorbell at
//! each arrival), and, when stdin is a terminal, the terminal switched to
//! byte-at-a-time input without local echo for the run (the guest echoes;
//! Ctrl-C still ends emu-system).

use super::doorbell::Doorbell;
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

/// Starts reading `src` into a new queue, ringing `bell` at each arrival.
pub fn spawn_reader(mut src: impl Read + Send + 'static, bell: Doorbell) -> Input {
    let input: Input = Arc::new(Mutex::new(InputState {
        queue: VecDeque::new(),
        open: true,
    }));
    let q = input.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 256];
        loop {
            match src.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => lock(&q).queue.extend(&buf[..n]),
            }
            bell.ring();
        }
        lock(&q).open = false;
        bell.ring();
    });
    input
}

/// Puts the terminal on stdin (if it is one) in non-canonical mode without
/// echo or CR-to-NL mapping; restores it when dropped.
pub struct RawTerminal(Option<libc::termios>);

impl RawTerminal {
    pub fn new() -> RawTerminal {
        // SAFETY: isatty, tcgetattr and tcsetattr only read and write the
        // termios structures given, on fd 0.
        unsafe {
            if libc::isatty(0) == 0 {
                return RawTerminal(None);
            }
            let mut t: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(0, &mut t) != 0 {
                return RawTerminal(None);
            }
            let saved = t;
            t.c_lflag &= !(libc::ICANON | libc::ECHO);
            t.c_iflag &= !libc::ICRNL;
            t.c_cc[libc::VMIN] = 1;
            t.c_cc[libc::VTIME] = 0;
            libc::tcsetattr(0, libc::TCSANOW, &t);
            RawTerminal(Some(saved))
        }
    }
}

impl Default for RawTerminal {
    fn default() -> Self {
        RawTerminal::new()
    }
}

impl Drop for RawTerminal {
    fn drop(&mut self) {
        if let Some(t) = &self.0 {
            // SAFETY: restores the attributes read in `new` on fd 0.
            unsafe { libc::tcsetattr(0, libc::TCSANOW, t) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn reader_queues_bytes_and_sees_the_end() {
        let bell = Doorbell::new();
        let input = spawn_reader(&b"ls\n"[..], bell);
        let start = Instant::now();
        while lock(&input).open && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(1));
        }
        let st = lock(&input);
        assert!(!st.open);
        assert_eq!(st.queue, b"ls\n");
    }
}
