//! The monitor's side of a multiplexed console (`-serial mon:stdio`):
//! while it has the focus (`C-a c`), typed bytes go to a line editor
//! ([`super::monitor::line_editor`]) whose Enter runs the line in the human
//! monitor ([`super::monitor::hmp`]); its echo, answers and prompt go to
//! stdout with the guest's output.

use super::monitor::line_editor::LineEditor;
use super::monitor::{hmp, Control};
use std::io::Write;
use std::sync::Arc;

/// The prompt, spelled as qemu-system's for scripts that wait for it.
pub const PROMPT: &str = "(qemu) ";

pub struct MonitorFocus {
    ctl: Arc<Control>,
    /// The monitor has the focus.
    pub active: bool,
    editor: LineEditor,
    greeted: bool,
}

fn print(text: &[u8]) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text);
    let _ = out.flush();
}

impl MonitorFocus {
    pub fn new(ctl: Arc<Control>) -> MonitorFocus {
        MonitorFocus {
            ctl,
            active: false,
            editor: LineEditor::new(PROMPT, hmp::command_names()),
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
        let mut text = b"\r\n".to_vec();
        if !std::mem::replace(&mut self.greeted, true) {
            text.extend_from_slice(b"emu-system monitor - type 'help' for more information\r\n");
        }
        self.editor.show_prompt(&mut text);
        print(&text);
    }

    /// A byte typed while the monitor has the focus (`C-a C-a` gives a
    /// Ctrl-A: the start of the line).
    pub fn key(&mut self, b: u8) {
        let mut echo = Vec::new();
        let line = self.editor.key(b, &mut echo);
        print(&echo);
        if let Some(line) = line {
            let mut answer = hmp::command(&self.ctl, &line).into_bytes();
            self.editor.show_prompt(&mut answer);
            print(&answer);
        }
    }
}
