//! The QMP monitor of `emu-system` (`-qmp`), driven as a client would:
//! `guest-bins/system/ticker.c` prints "tick N" every 20 ms until it is
//! stopped from outside, so progress (and its absence while paused) shows on
//! its UART. Over a unix socket with `server` (the machine waits for the
//! client), and over loopback TCP with `wait=off`.

mod common;

use common::guest_bins;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn skipped() -> bool {
    std::env::var("EMU_SKIP_GUEST_BINS").is_ok_and(|v| v == "1")
}

/// emu-system running ticker.elf with `-qmp qmp`; its stdout collected.
struct Machine {
    child: Child,
    out: Arc<Mutex<Vec<u8>>>,
}

impl Machine {
    fn start(qmp: &str) -> Machine {
        Machine::start_with(qmp, Stdio::null())
    }

    /// With `stdin` as the console's input.
    fn start_with(qmp: &str, stdin: Stdio) -> Machine {
        Machine::spawn(&["-nographic", "-qmp", qmp], stdin)
    }

    /// ticker.elf with options `args`.
    fn spawn(args: &[&str], stdin: Stdio) -> Machine {
        let elf = guest_bins().join("out/system/ticker.elf");
        assert!(
            elf.exists(),
            "{} missing: run guest-bins/build.sh",
            elf.display()
        );
        let mut child = Command::new(env!("CARGO_BIN_EXE_emu-system"))
            .arg("-kernel")
            .arg(&elf)
            .args(args)
            .stdin(stdin)
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn emu-system");
        let out = Arc::new(Mutex::new(Vec::new()));
        let mut pipe = child.stdout.take().unwrap();
        let sink = out.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Machine { child, out }
    }

    fn output(&self) -> String {
        String::from_utf8_lossy(&self.out.lock().unwrap()).into_owned()
    }

    /// Waits (at most 10 s) until the output satisfies `f`.
    fn wait_output(&self, what: &str, f: impl Fn(&str) -> bool) {
        let start = Instant::now();
        while !f(&self.output()) {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "timed out waiting for {what}; output:\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn ticks(&self) -> usize {
        self.output().matches("tick ").count()
    }

    /// The exit code (at most 10 s).
    fn exit_code(&mut self) -> Option<i32> {
        let start = Instant::now();
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s.code();
            }
            if start.elapsed() > Duration::from_secs(10) {
                let _ = self.child.kill();
                panic!("emu-system did not exit; output:\n{}", self.output());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Machine {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A QMP client: replies in order, events kept until asked for.
struct Client<S: Read + Write> {
    lines: BufReader<S>,
    events: Vec<Value>,
}

impl<S: Read + Write> Client<S> {
    fn new(stream: S) -> Client<S> {
        Client {
            lines: BufReader::new(stream),
            events: Vec::new(),
        }
    }

    fn read(&mut self) -> Value {
        let mut line = String::new();
        let n = self
            .lines
            .read_line(&mut line)
            .expect("read from the monitor");
        assert!(n > 0, "monitor closed the connection");
        assert!(line.ends_with("\r\n"), "{line:?}");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{line:?}: {e}"))
    }

    fn send_raw(&mut self, text: &str) -> Value {
        let s = self.lines.get_mut();
        s.write_all(text.as_bytes()).unwrap();
        s.write_all(b"\n").unwrap();
        loop {
            let v = self.read();
            if v.get("event").is_some() {
                self.events.push(v);
            } else {
                return v;
            }
        }
    }

    fn execute(&mut self, request: Value) -> Value {
        self.send_raw(&request.to_string())
    }

    /// The `return` of `name`, which must succeed.
    fn ok(&mut self, name: &str) -> Value {
        let r = self.execute(json!({"execute": name}));
        r.get("return")
            .unwrap_or_else(|| panic!("{name}: {r}"))
            .clone()
    }

    /// Waits for event `name` (already received or next to come).
    fn event(&mut self, name: &str) -> Value {
        loop {
            if let Some(i) = self.events.iter().position(|e| e["event"] == name) {
                let e = self.events.remove(i);
                let ts = &e["timestamp"];
                assert!(ts["seconds"].as_u64().unwrap() > 1_600_000_000, "{e}");
                assert!(ts["microseconds"].as_u64().unwrap() < 1_000_000, "{e}");
                return e;
            }
            let v = self.read();
            assert!(
                v.get("event").is_some(),
                "unexpected {v} waiting for {name}"
            );
            self.events.push(v);
        }
    }

    fn status(&mut self) -> (bool, String) {
        let r = self.ok("query-status");
        (
            r["running"].as_bool().unwrap(),
            r["status"].as_str().unwrap().to_owned(),
        )
    }
}

/// Greeting, negotiation, pause/resume, errors, query-cpus-fast and reset.
fn exercise<S: Read + Write>(m: &Machine, c: &mut Client<S>) {
    let greeting = c.read();
    assert_eq!(greeting["QMP"]["capabilities"], json!([]), "{greeting}");
    assert!(
        greeting["QMP"]["version"]["qemu"]["major"].is_u64(),
        "{greeting}"
    );

    let r = c.execute(json!({"execute": "query-status", "id": 1}));
    assert_eq!(r["error"]["class"], "CommandNotFound", "{r}");
    assert_eq!(r["id"], 1, "{r}");
    let r = c.execute(json!({"execute": "qmp_capabilities", "id": "neg"}));
    assert_eq!(r, json!({"return": {}, "id": "neg"}));
    assert_eq!(c.status(), (true, "running".into()));

    m.wait_output("ticks", |o| o.matches("tick ").count() >= 3);
    assert_eq!(c.ok("stop"), json!({}));
    c.event("STOP");
    assert_eq!(c.status(), (false, "paused".into()));
    let before = m.ticks();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(m.ticks(), before, "the guest ran while paused");
    assert_eq!(c.ok("cont"), json!({}));
    c.event("RESUME");
    assert_eq!(c.status(), (true, "running".into()));
    m.wait_output("ticks after cont", |o| {
        o.matches("tick ").count() > before + 2
    });

    let r = c.send_raw("{bad json");
    assert_eq!(r["error"]["class"], "GenericError", "{r}");
    let r = c.send_raw("[1, 2]");
    assert_eq!(r["error"]["class"], "GenericError", "{r}");
    let r = c.execute(json!({"execute": "no-such-command", "id": [7]}));
    assert_eq!(r["error"]["class"], "CommandNotFound", "{r}");
    assert_eq!(r["id"], json!([7]), "{r}");
    let r = c.execute(json!({"execute": "stop", "arguments": {"now": true}}));
    assert_eq!(r["error"]["class"], "GenericError", "{r}");
    assert_eq!(c.status(), (true, "running".into()));

    let cpus = c.ok("query-cpus-fast");
    assert_eq!(cpus.as_array().unwrap().len(), 1, "{cpus}");
    assert_eq!(cpus[0]["cpu-index"], 0, "{cpus}");
    assert_eq!(cpus[0]["target"], "aarch64", "{cpus}");
    assert!(cpus[0]["thread-id"].as_i64().unwrap() > 0, "{cpus}");

    // Reset: the program starts over (a second "tick 0").
    assert_eq!(c.ok("system_reset"), json!({}));
    let e = c.event("RESET");
    assert_eq!(
        e["data"],
        json!({"guest": false, "reason": "host-qmp-system-reset"})
    );
    m.wait_output("a restart", |o| o.matches("tick 0\n").count() == 2);
}

#[test]
fn unix_socket_waits_for_the_client() {
    if skipped() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("emu-qmp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sock = dir.join("qmp.sock");
    let mut m = Machine::start(&format!("unix:{},server", sock.display()));
    let start = Instant::now();
    let stream = loop {
        match std::os::unix::net::UnixStream::connect(&sock) {
            Ok(s) => break s,
            Err(_) if start.elapsed() < Duration::from_secs(10) => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => panic!("connect {}: {e}", sock.display()),
        }
    };
    // `server` without wait=off: nothing ran before the client came. (The
    // socket was bound then accept() blocked: give a started guest time to
    // print.)
    std::thread::sleep(Duration::from_millis(200));
    let mut c = Client::new(stream);
    exercise(&m, &mut c);
    assert!(m.output().starts_with("tick 0\n"), "{}", m.output());

    // The power button: PL061 line 3, which the program reports before
    // powering off through PSCI.
    // The POWERDOWN event comes before the command's reply, as from
    // qemu-system-aarch64 7.2.
    assert_eq!(c.events, Vec::<Value>::new());
    c.lines
        .get_mut()
        .write_all(b"{\"execute\": \"system_powerdown\"}\n")
        .unwrap();
    let first = c.read();
    assert_eq!(first["event"], "POWERDOWN", "{first}");
    assert_eq!(c.read(), json!({"return": {}}));
    let e = c.event("SHUTDOWN");
    assert_eq!(
        e["data"],
        json!({"guest": true, "reason": "guest-shutdown"})
    );
    assert_eq!(m.exit_code(), Some(0));
    assert!(m.output().ends_with("power button\n"), "{}", m.output());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A loopback TCP port nothing listens on (just now).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn tcp_loopback_without_waiting() {
    if skipped() {
        return;
    }
    let port = free_port();
    let mut m = Machine::start(&format!("tcp:127.0.0.1:{port},server,wait=off"));
    // wait=off: the guest runs with no client.
    m.wait_output("ticks before any client", |o| o.contains("tick 2\n"));
    let stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let mut c = Client::new(stream);
    exercise(&m, &mut c);
    assert_eq!(c.ok("quit"), json!({}));
    let e = c.event("SHUTDOWN");
    assert_eq!(
        e["data"],
        json!({"guest": false, "reason": "host-qmp-quit"})
    );
    assert_eq!(m.exit_code(), Some(0));
}

/// With two CPUs (the second stays off: ticker.c starts none), `stop`
/// parks both CPUs' threads, and `query-cpus-fast` names each CPU's own
/// host thread.
#[test]
fn two_cpus_pause_and_report_their_threads() {
    if skipped() {
        return;
    }
    let port = free_port();
    let qmp = format!("tcp:127.0.0.1:{port},server,wait=off");
    let mut m = Machine::spawn(&["-nographic", "-qmp", &qmp, "-smp", "2"], Stdio::null());
    m.wait_output("ticks before any client", |o| o.contains("tick 2\n"));
    let stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let mut c = Client::new(stream);
    assert!(c.read().get("QMP").is_some());
    assert_eq!(c.ok("qmp_capabilities"), json!({}));
    assert_eq!(c.ok("stop"), json!({}));
    c.event("STOP");
    let before = m.ticks();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(m.ticks(), before, "the guest ran while paused");
    let cpus = c.ok("query-cpus-fast");
    let cpus = cpus.as_array().unwrap();
    assert_eq!(cpus.len(), 2, "{cpus:?}");
    let tids: Vec<i64> = cpus
        .iter()
        .map(|c| c["thread-id"].as_i64().unwrap())
        .collect();
    assert!(
        tids.iter().all(|&t| t > 0) && tids[0] != tids[1],
        "{cpus:?}"
    );
    assert_eq!(c.ok("cont"), json!({}));
    c.event("RESUME");
    m.wait_output("ticks after cont", |o| {
        o.matches("tick ").count() > before + 2
    });
    assert_eq!(c.ok("quit"), json!({}));
    c.event("SHUTDOWN");
    assert_eq!(m.exit_code(), Some(0));
}

/// emu-system running with a client on a loopback port, after capabilities
/// negotiation and a few ticks.
fn negotiated(stdin: Stdio) -> (Machine, Client<std::net::TcpStream>) {
    let port = free_port();
    let m = Machine::start_with(&format!("tcp:127.0.0.1:{port},server"), stdin);
    let start = Instant::now();
    let stream = loop {
        match std::net::TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => break s,
            Err(_) if start.elapsed() < Duration::from_secs(10) => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => panic!("connect 127.0.0.1:{port}: {e}"),
        }
    };
    let mut c = Client::new(stream);
    assert!(c.read().get("QMP").is_some());
    assert_eq!(c.ok("qmp_capabilities"), json!({}));
    m.wait_output("ticks", |o| o.contains("tick 2\n"));
    (m, c)
}

/// SIGTERM, SIGINT and SIGHUP end the machine: SHUTDOWN with reason
/// host-signal reaches the client, and the exit status is 0.
#[test]
fn signals_send_shutdown() {
    if skipped() {
        return;
    }
    for sig in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP] {
        let (mut m, mut c) = negotiated(Stdio::null());
        // SAFETY: kill only sends `sig` to the child emu-system.
        assert_eq!(unsafe { libc::kill(m.child.id() as i32, sig) }, 0);
        let e = c.event("SHUTDOWN");
        assert_eq!(
            e["data"],
            json!({"guest": false, "reason": "host-signal"}),
            "signal {sig}"
        );
        assert_eq!(m.exit_code(), Some(0), "signal {sig}");
    }
}

/// `C-a x` typed on the console (a pseudo-terminal): SHUTDOWN with reason
/// host-qmp-quit, exit status 0.
#[test]
fn console_exit_key_sends_shutdown() {
    if skipped() {
        return;
    }
    let (master, slave) = common::openpty();
    let (mut m, mut c) = negotiated(Stdio::from(slave));
    let mut master = std::fs::File::from(master);
    master.write_all(b"\x01x").unwrap();
    let e = c.event("SHUTDOWN");
    assert_eq!(
        e["data"],
        json!({"guest": false, "reason": "host-qmp-quit"})
    );
    assert_eq!(m.exit_code(), Some(0));
}

/// The human monitor multiplexed with the serial console on stdio (here a
/// pipe: a multiplexed stdio takes the C-a keys from a pipe too): `C-a c`
/// switches to it; `info status`, `stop` (the ticks stop), `cont`, an
/// unknown command, `info status` typed with editing keys, from the
/// history and with Tab, `C-a c` back and forth, then `system_powerdown` (the
/// program powers off) or `quit`; status 0 either way.
#[test]
fn monitor_on_the_serial_console() {
    if skipped() {
        return;
    }
    let mux = [
        "-chardev",
        "stdio,id=c,mux=on",
        "-serial",
        "chardev:c",
        "-mon",
        "chardev=c,mode=readline",
    ];
    for (args, last) in [
        (&["-serial", "mon:stdio"][..], "system_powerdown"),
        (&mux[..], "quit"),
    ] {
        let mut m = Machine::spawn(args, Stdio::piped());
        let mut input = m.child.stdin.take().unwrap();
        let mut type_ = |text: &str| input.write_all(text.as_bytes()).unwrap();
        m.wait_output("ticks", |o| o.contains("tick 2\n"));
        type_("\x01c");
        m.wait_output("the banner", |o| {
            o.contains("emu-system monitor - type 'help' for more information\r\n(qemu) ")
        });
        // The guest keeps printing while the monitor has the focus, so its
        // bytes may fall between the echoed keys (as with qemu's mux); an
        // answer and the prompt after it are one write.
        type_("info status\r");
        m.wait_output("status", |o| o.contains("VM status: running\r\n(qemu) "));
        let prompts = m.output().matches("(qemu) ").count();
        type_("stop\r");
        m.wait_output("stop", |o| o.matches("(qemu) ").count() > prompts);
        let ticks = m.ticks();
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(m.ticks(), ticks, "paused");
        type_("info status\r");
        m.wait_output("paused", |o| o.contains("VM status: paused\r\n"));
        type_("cont\r");
        m.wait_output("ticks again", |o| o.matches("tick ").count() > ticks + 2);
        type_("frob\r");
        m.wait_output("error", |o| o.contains("unknown command: 'frob'\r\n"));
        // Line editing: Backspace, C-a C-a (a Ctrl-A for the monitor: the
        // start of the line), Ctrl-E, then Up (history) and Tab.
        let running = |o: &str| o.matches("VM status: running\r\n(qemu) ").count();
        type_("x\x7fnfo stat\x01\x01i\x05us\r");
        m.wait_output("edited line", |o| running(o) == 2);
        type_("\x1b[A\r");
        m.wait_output("recalled line", |o| running(o) == 3);
        type_("inf\tstatus\r");
        m.wait_output("completed line", |o| running(o) == 4);
        // Back to the guest and to the monitor: the prompt again.
        let prompts = m.output().matches("(qemu) ").count();
        type_("\x01c\x01c");
        m.wait_output("prompt", |o| o.matches("(qemu) ").count() > prompts);
        type_(&format!("{last}\r"));
        assert_eq!(m.exit_code(), Some(0), "{args:?}");
        if last == "system_powerdown" {
            // The guest's answer and the monitor's next prompt race.
            let out = m.output();
            let after = &out[out.rfind("system_powerdown").unwrap()..];
            assert!(after.contains("power button\n"), "{out}");
        }
    }
}
