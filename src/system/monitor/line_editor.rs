//! The human monitor's line editor on a terminal: keys in, the command
//! line and the bytes that show it out.
//!
//! After each key the terminal is brought up to date the way qemu-system's
//! monitor does it (observed on a pseudo-terminal with qemu-system-aarch64
//! 7.2), so a terminal shows the same bytes: when the line changed, the
//! cursor goes back to the line's start (`ESC [ D` per column), the whole
//! line is written and the rest of the screen line erased (`ESC [ K`);
//! then the cursor moves to its place with `ESC [ C` / `ESC [ D`.
//!
//! Keys (qemu's, unless marked as an addition):
//! - printable bytes insert at the cursor; Enter (CR or LF) ends the line;
//! - Backspace/DEL erase before the cursor, Ctrl-D and `ESC [ 3 ~` at it;
//! - Left/Right `ESC [ D` / `ESC [ C`; Home `ESC O H`, `ESC [ 1 ~`, Ctrl-A;
//!   End `ESC O F`, `ESC [ 4 ~`, Ctrl-E (addition: `ESC [ H`/`ESC [ F`,
//!   `ESC [ 7 ~`/`ESC [ 8 ~`);
//! - Ctrl-W erases the word before the cursor (and the spaces after it);
//!   addition: Ctrl-U erases before the cursor, Ctrl-K from it to the end;
//! - Up/Down `ESC [ A` / `ESC [ B` walk the history of entered lines (the
//!   last 64; Down past the newest gives an empty line);
//! - Tab completes the command name before the cursor: one candidate is
//!   written out followed by a space, several extend the line to their
//!   common prefix and are listed in columns, then the prompt and line.

/// Longest line kept (bytes past it are dropped).
const MAX_LINE: usize = 4095;
/// History entries kept.
const MAX_HISTORY: usize = 64;
/// The terminal width the completion list is laid out for.
const COLUMNS: usize = 80;

const LEFT: &[u8] = b"\x1b[D";
const RIGHT: &[u8] = b"\x1b[C";
const ERASE_TO_END: &[u8] = b"\x1b[K";

/// Where an escape sequence is.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Esc {
    None,
    /// After ESC.
    Start,
    /// After `ESC [` (or the one-byte CSI 0x9b), with the number so far.
    Csi(u32),
    /// After `ESC O`.
    Ss3,
}

pub struct LineEditor {
    prompt: &'static str,
    /// Command names Tab completes, sorted.
    names: Vec<&'static str>,
    line: Vec<u8>,
    cursor: usize,
    /// What the terminal shows after the prompt, and its cursor there.
    shown: Vec<u8>,
    shown_cursor: usize,
    history: Vec<Vec<u8>>,
    /// The history entry on the line (None: a new line).
    recalled: Option<usize>,
    esc: Esc,
}

impl LineEditor {
    pub fn new(prompt: &'static str, mut names: Vec<&'static str>) -> LineEditor {
        names.sort_unstable();
        names.dedup();
        LineEditor {
            prompt,
            names,
            line: Vec::new(),
            cursor: 0,
            shown: Vec::new(),
            shown_cursor: 0,
            history: Vec::new(),
            recalled: None,
            esc: Esc::None,
        }
    }

    /// Writes the prompt and the line being edited (a fresh screen line).
    pub fn show_prompt(&mut self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.prompt.as_bytes());
        self.shown.clear();
        self.shown_cursor = 0;
        self.refresh(out);
    }

    /// One typed byte: the echo goes to `out`; Enter returns the line
    /// (the caller runs it and then calls [`LineEditor::show_prompt`]).
    pub fn key(&mut self, b: u8, out: &mut Vec<u8>) -> Option<String> {
        let entered = match self.esc {
            Esc::None => self.plain(b, out),
            Esc::Start => {
                self.esc = match b {
                    b'[' => Esc::Csi(0),
                    b'O' => Esc::Ss3,
                    _ => Esc::None,
                };
                None
            }
            Esc::Csi(n) => {
                self.csi(n, b);
                None
            }
            Esc::Ss3 => {
                self.esc = Esc::None;
                match b {
                    b'H' => self.cursor = 0,
                    b'F' => self.cursor = self.line.len(),
                    _ => {}
                }
                None
            }
        };
        if entered.is_none() {
            self.refresh(out);
        }
        entered
    }

    fn plain(&mut self, b: u8, out: &mut Vec<u8>) -> Option<String> {
        match b {
            0x01 => self.cursor = 0,
            0x04 => self.delete_at_cursor(),
            0x05 => self.cursor = self.line.len(),
            0x08 | 0x7f if self.cursor > 0 => {
                self.cursor -= 1;
                self.line.remove(self.cursor);
            }
            b'\t' => self.complete(out),
            b'\r' | b'\n' => return Some(self.enter(out)),
            0x0b => self.line.truncate(self.cursor),
            0x15 => {
                self.line.drain(..self.cursor);
                self.cursor = 0;
            }
            0x17 => self.erase_word(),
            0x1b => self.esc = Esc::Start,
            0x9b => self.esc = Esc::Csi(0),
            0x20..=0x7e | 0x80..=0xff if self.line.len() < MAX_LINE => {
                self.line.insert(self.cursor, b);
                self.cursor += 1;
            }
            _ => {}
        }
        None
    }

    fn csi(&mut self, n: u32, b: u8) {
        self.esc = Esc::None;
        match b {
            b'0'..=b'9' => {
                let n = n.saturating_mul(10).saturating_add(u32::from(b - b'0'));
                self.esc = Esc::Csi(n);
            }
            b'A' => self.recall_older(),
            b'B' => self.recall_newer(),
            b'C' => self.cursor = (self.cursor + 1).min(self.line.len()),
            b'D' => self.cursor = self.cursor.saturating_sub(1),
            b'H' => self.cursor = 0,
            b'F' => self.cursor = self.line.len(),
            b'~' => match n {
                1 | 7 => self.cursor = 0,
                3 => self.delete_at_cursor(),
                4 | 8 => self.cursor = self.line.len(),
                _ => {}
            },
            _ => {}
        }
    }

    fn delete_at_cursor(&mut self) {
        if self.cursor < self.line.len() {
            self.line.remove(self.cursor);
        }
    }

    /// Ctrl-W: the spaces before the cursor, then the word before them.
    fn erase_word(&mut self) {
        let mut start = self.cursor;
        while start > 0 && self.line[start - 1] == b' ' {
            start -= 1;
        }
        while start > 0 && self.line[start - 1] != b' ' {
            start -= 1;
        }
        self.line.drain(start..self.cursor);
        self.cursor = start;
    }

    fn set_line(&mut self, line: Vec<u8>) {
        self.line = line;
        self.cursor = self.line.len();
    }

    fn recall_older(&mut self) {
        let i = match self.recalled {
            None if !self.history.is_empty() => self.history.len() - 1,
            Some(i) if i > 0 => i - 1,
            _ => return,
        };
        self.recalled = Some(i);
        self.set_line(self.history[i].clone());
    }

    fn recall_newer(&mut self) {
        let Some(i) = self.recalled else { return };
        if i + 1 < self.history.len() {
            self.recalled = Some(i + 1);
            self.set_line(self.history[i + 1].clone());
        } else {
            self.recalled = None;
            self.set_line(Vec::new());
        }
    }

    /// Enter: the line goes to the history (moved to the newest place if
    /// it was there) and is returned; the screen goes to a new line.
    fn enter(&mut self, out: &mut Vec<u8>) -> String {
        let line = std::mem::take(&mut self.line);
        self.cursor = 0;
        self.recalled = None;
        if !line.is_empty() {
            self.history.retain(|h| *h != line);
            if self.history.len() == MAX_HISTORY {
                self.history.remove(0);
            }
            self.history.push(line.clone());
        }
        out.extend_from_slice(b"\r\n");
        self.shown.clear();
        self.shown_cursor = 0;
        String::from_utf8_lossy(&line).into_owned()
    }

    /// Tab: completes the first word when the cursor is in it.
    fn complete(&mut self, out: &mut Vec<u8>) {
        let word = &self.line[..self.cursor];
        if word.contains(&b' ') {
            return;
        }
        let found: Vec<&str> = self
            .names
            .iter()
            .copied()
            .filter(|n| n.as_bytes().starts_with(word))
            .collect();
        let Some(first) = found.first() else { return };
        let common = found.iter().fold(first.len(), |len, n| {
            first
                .bytes()
                .zip(n.bytes())
                .take(len)
                .take_while(|(a, b)| a == b)
                .count()
        });
        let mut done = first.as_bytes()[..common].to_vec();
        if found.len() == 1 {
            done.push(b' ');
        }
        let rest = self.line.split_off(self.cursor);
        self.line = done;
        self.cursor = self.line.len();
        self.line.extend_from_slice(&rest);
        if found.len() > 1 {
            list_in_columns(&found, out);
            self.show_prompt(out);
        }
    }

    /// Brings the terminal's line up to date (see the module's comment).
    fn refresh(&mut self, out: &mut Vec<u8>) {
        if self.line != self.shown {
            out.extend(LEFT.repeat(self.shown_cursor));
            out.extend_from_slice(&self.line);
            out.extend_from_slice(ERASE_TO_END);
            self.shown.clone_from(&self.line);
            self.shown_cursor = self.line.len();
        }
        if self.cursor > self.shown_cursor {
            out.extend(RIGHT.repeat(self.cursor - self.shown_cursor));
        } else {
            out.extend(LEFT.repeat(self.shown_cursor - self.cursor));
        }
        self.shown_cursor = self.cursor;
    }
}

/// The candidates of a completion, left-aligned in columns two wider than
/// the longest, as many as fit in [`COLUMNS`], on a line of their own.
fn list_in_columns(names: &[&str], out: &mut Vec<u8>) {
    let width = names.iter().map(|n| n.len()).max().unwrap_or(0) + 2;
    let per_row = (COLUMNS / width).max(1);
    out.extend_from_slice(b"\r\n");
    for (i, n) in names.iter().enumerate() {
        out.extend_from_slice(format!("{n:<width$}").as_bytes());
        if (i + 1) % per_row == 0 || i + 1 == names.len() {
            out.extend_from_slice(b"\r\n");
        }
    }
}

#[cfg(test)]
#[path = "line_editor_tests.rs"]
mod tests;
