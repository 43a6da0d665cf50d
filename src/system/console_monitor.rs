//! The monitor's side of a multiplexed console (`-serial mon:stdio`):
//! while it has the focus (`C-a c`), typed bytes make a command line —
//! echoed, DEL or Backspace erasing, Enter running it in the human monitor
//! ([`super::monitor::hmp`]) — and its answers and prompt go to stdout
//! with the guest's output.

use super::monitor::{hmp, Control};
use std::io::Write;
use std::sync::Arc;

/// The prompt, spelled as qemu-system's for scripts that wait for it.
pub const PROMPT: &str = "(qemu) ";

pub struct MonitorFocus {
    ctl: Arc<Control>,
    /// The monitor has the focus.
    pub active: bool,
    line: Vec<u8>,
    greeted: bool,
}

fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

impl MonitorFocus {
    pub fn new(ctl: Arc<Control>) -> MonitorFocus {
        MonitorFocus {
            ctl,
            active: false,
            line: Vec::new(),
            greeted: false,
        }
    }

    /// `C-a c`: the focus goes to the monitor (a banner the first time,
    /// then the prompt with the line typed so far) or back to the guest.
    pub fn switch(&mut self) {
        self.active = !self.active;
        if !self.active {
            return;
        }
        let mut text = String::from("\r\n");
        if !std::mem::replace(&mut self.greeted, true) {
            text += "emu-system monitor - type 'help' for more information\r\n";
        }
        text += PROMPT;
        text += &String::from_utf8_lossy(&self.line);
        print(&text);
    }

    /// A byte typed while the monitor has the focus.
    pub fn key(&mut self, b: u8) {
        match b {
            b'\r' | b'\n' => {
                let line = String::from_utf8_lossy(&std::mem::take(&mut self.line)).into_owned();
                print("\r\n");
                let answer = hmp::command(&self.ctl, &line);
                print(&format!("{answer}{PROMPT}"));
            }
            0x7f | 0x08 if self.line.pop().is_some() => print("\x08 \x08"),
            0x20..=0x7e => {
                self.line.push(b);
                print(&(b as char).to_string());
            }
            _ => {}
        }
    }
}
