//! Key sequences in, entered lines and echo out. The expected echoes of
//! qemu's keys are what qemu-system-aarch64 7.2's monitor wrote on a
//! pseudo-terminal for the same keys (its CR LF after Enter appears there
//! as CR CR LF, the terminal's output processing adding a CR).

use super::*;

fn editor() -> LineEditor {
    LineEditor::new("(qemu) ", super::super::hmp::command_names())
}

/// Feeds `keys`; the lines entered and the echo of the last key group.
fn feed(e: &mut LineEditor, keys: &[u8]) -> (Vec<String>, String) {
    let mut out = Vec::new();
    let mut lines = Vec::new();
    for &b in keys {
        if let Some(l) = e.key(b, &mut out) {
            lines.push(l);
            e.show_prompt(&mut out);
        }
    }
    (lines, String::from_utf8_lossy(&out).into_owned())
}

/// The echo of `keys`, one group after another, on one editor.
fn echoes(groups: &[&str]) -> Vec<String> {
    let mut e = editor();
    groups
        .iter()
        .map(|g| feed(&mut e, g.as_bytes()).1)
        .collect()
}

#[test]
fn typing_and_erasing() {
    assert_eq!(
        echoes(&["ab", "c", "\x7f", "\x08", "\x08", "\x7f"]),
        [
            "a\x1b[K\x1b[Dab\x1b[K",
            "\x1b[D\x1b[Dabc\x1b[K",
            "\x1b[D\x1b[D\x1b[Dab\x1b[K",
            "\x1b[D\x1b[Da\x1b[K",
            "\x1b[D\x1b[K",
            "",
        ]
    );
}

#[test]
fn moving_and_inserting() {
    let e = echoes(&[
        "abc", "\x1b[D", "\x1b[D", "X", "\x1b[C", "\x1bOH", "\x1bOF", "\x1b[1~", "\x1b[4~", "\x01",
        "\x05", "\x1b[3~", "\x1b[C",
    ]);
    assert_eq!(
        &e[1..],
        [
            "\x1b[D",
            "\x1b[D",
            "\x1b[DaXbc\x1b[K\x1b[D\x1b[D",
            "\x1b[C",
            "\x1b[D\x1b[D\x1b[D",
            "\x1b[C\x1b[C\x1b[C\x1b[C",
            "\x1b[D\x1b[D\x1b[D\x1b[D",
            "\x1b[C\x1b[C\x1b[C\x1b[C",
            "\x1b[D\x1b[D\x1b[D\x1b[D",
            "\x1b[C\x1b[C\x1b[C\x1b[C",
            "",
            "",
        ]
    );
    // The additions: ESC [ H / F and the 7~ / 8~ spellings.
    let e = echoes(&["ab", "\x1b[H", "\x1b[F", "\x1b[7~", "\x1b[8~"]);
    assert_eq!(
        &e[1..],
        [
            "\x1b[D\x1b[D",
            "\x1b[C\x1b[C",
            "\x1b[D\x1b[D",
            "\x1b[C\x1b[C"
        ]
    );
}

#[test]
fn deleting_at_the_cursor_and_words() {
    let mut e = editor();
    feed(&mut e, b"info st\x1b[D\x1b[D");
    let (_, echo) = feed(&mut e, b"\x1b[3~");
    assert_eq!(echo, "\x1b[D\x1b[D\x1b[D\x1b[D\x1b[Dinfo t\x1b[K\x1b[D");
    let (_, echo) = feed(&mut e, b"\x17");
    assert_eq!(echo, "\x1b[D\x1b[D\x1b[D\x1b[D\x1b[Dt\x1b[K\x1b[D");
    let (_, echo) = feed(&mut e, b"\x04");
    assert_eq!(echo, "\x1b[K");
    let (lines, echo) = feed(&mut e, b"foo bar\x17\r");
    assert_eq!(lines, ["foo "]);
    assert!(
        echo.ends_with(
            "foo bar\x1b[K\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[Dfoo \x1b[K\r\n(qemu) "
        ),
        "{echo:?}"
    );
}

#[test]
fn kill_before_and_after_the_cursor() {
    let mut e = editor();
    feed(&mut e, b"stop now\x1b[D\x1b[D\x1b[D");
    let (_, echo) = feed(&mut e, b"\x0b");
    assert_eq!(echo, "\x1b[D\x1b[D\x1b[D\x1b[D\x1b[Dstop \x1b[K");
    feed(&mut e, b"\x1b[D");
    let (_, echo) = feed(&mut e, b"\x15");
    assert_eq!(echo, "\x1b[D\x1b[D\x1b[D\x1b[D \x1b[K\x1b[D");
    let (lines, _) = feed(&mut e, b"\x05x\r");
    assert_eq!(lines, [" x"]);
}

#[test]
fn history() {
    let mut e = editor();
    let (lines, _) = feed(&mut e, b"foo \r\r");
    assert_eq!(lines, ["foo ", ""], "an empty line is not kept");
    assert_eq!(
        echoes_after(&mut e, &["\x1b[A", "\x1b[A", "\x1b[B", "\x1b[B"]),
        ["foo \x1b[K", "", "\x1b[D\x1b[D\x1b[D\x1b[D\x1b[K", ""]
    );
    feed(&mut e, b"info status\rstop\rfoo \r");
    // Newest first; "foo " moved to the newest place.
    let (lines, _) = feed(&mut e, b"\x1b[A\x1b[A\x1b[A\x1b[A\x1b[B\r");
    assert_eq!(lines, ["stop"]);
}

fn echoes_after(e: &mut LineEditor, groups: &[&str]) -> Vec<String> {
    groups.iter().map(|g| feed(e, g.as_bytes()).1).collect()
}

#[test]
fn completion() {
    let mut e = editor();
    feed(&mut e, b"qu");
    assert_eq!(feed(&mut e, b"\t").1, "\x1b[D\x1b[Dquit \x1b[K");
    feed(&mut e, b"\x01\x0bs");
    assert_eq!(
        feed(&mut e, b"\t").1,
        "\r\nstop              system_powerdown  system_reset      \r\n(qemu) s\x1b[K"
    );
    feed(&mut e, b"\x15sy");
    // Extended to the common prefix, then listed.
    assert_eq!(
        feed(&mut e, b"\t").1,
        "\r\nsystem_powerdown  system_reset      \r\n(qemu) system_\x1b[K"
    );
    let (lines, _) = feed(&mut e, b"p\t\r");
    assert_eq!(lines, ["system_powerdown "]);
    // Arguments are not completed; an unknown start does nothing.
    feed(&mut e, b"info \t");
    feed(&mut e, b"\x15zz");
    assert_eq!(feed(&mut e, b"\t").1, "");
}

#[test]
fn completion_list_wraps_at_80_columns() {
    let mut out = Vec::new();
    let names = ["a".repeat(30), "b".repeat(3), "c".repeat(5)];
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    list_in_columns(&names, &mut out);
    let text = String::from_utf8(out).unwrap();
    let rows: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(rows.len(), 4, "{text:?}");
    assert_eq!(rows[1].len(), 64);
    assert_eq!(rows[2], format!("{:<32}", "ccccc"));
}

#[test]
fn escape_sequences_are_consumed() {
    let mut e = editor();
    // ESC and an unknown byte: both dropped (as qemu does).
    assert_eq!(feed(&mut e, b"\x1bxy").1, "y\x1b[K");
    // An unknown CSI sequence and SS3 key.
    assert_eq!(feed(&mut e, b"\x1b[5~\x1bOP\x1b[Z").1, "");
    // A line too long keeps its first MAX_LINE bytes.
    let long = vec![b'z'; MAX_LINE + 10];
    let mut out = Vec::new();
    for &b in &long {
        e.key(b, &mut out);
    }
    assert_eq!(e.line.len(), MAX_LINE);
}

#[test]
fn the_prompt_shows_the_line_so_far() {
    let mut e = editor();
    feed(&mut e, b"info\x1b[D");
    let mut out = Vec::new();
    e.show_prompt(&mut out);
    assert_eq!(String::from_utf8(out).unwrap(), "(qemu) info\x1b[K\x1b[D");
}
