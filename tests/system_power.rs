//! The power button (PL061 line 3, `gpio-keys` KEY_POWER in the device
//! tree) pressed by QMP `system_powerdown`, seen by Debian's kernel:
//!
//! - `busybox_initramfs_powers_off`: the default initramfs of
//!   `scripts/lib/initramfs.py` on the cloud kernel (no gpio-keys driver):
//!   its watcher sees the line's interrupt and powers off; the client
//!   gets POWERDOWN and SHUTDOWN (guest-shutdown), status 0.
//! - `power_key_input_event`: with `linux-image-arm64` images
//!   (`EMU_LINUX_PACKAGE=linux-image-arm64 scripts/fetch-system-images.sh
//!   target/system-images-arm64`, or `EMU_SYSTEM_IMAGES_ARM64`; skipped
//!   without them), whose gpio_keys and evdev modules make an input
//!   device: /proc/bus/input/devices lists gpio-keys with KEY_POWER, and
//!   /dev/input/event0 delivers the press and the release 100 ms later.

mod common;

use common::linux::{check_clean, emu_system, initramfs, ConsoleLog};
use common::repo_root;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(240);

fn work(name: &str) -> PathBuf {
    let d = repo_root().join("target/tmp/system_power").join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A QMP connection after negotiation; events are read as they come.
struct Qmp(BufReader<UnixStream>);

impl Qmp {
    fn connect(sock: &Path) -> Qmp {
        let mut q = Qmp(BufReader::new(UnixStream::connect(sock).unwrap()));
        q.0.get_mut()
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        assert!(q.read().get("QMP").is_some());
        q.send("qmp_capabilities");
        assert_eq!(q.read(), json!({"return": {}}));
        q
    }

    fn read(&mut self) -> Value {
        let mut line = String::new();
        self.0.read_line(&mut line).unwrap();
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{line:?}: {e}"))
    }

    fn send(&mut self, cmd: &str) {
        let s = self.0.get_mut();
        writeln!(s, "{}", json!({ "execute": cmd })).unwrap();
    }

    /// Every line up to and including event `name`.
    fn until(&mut self, name: &str) -> Vec<Value> {
        let mut seen = Vec::new();
        loop {
            let v = self.read();
            let done = v["event"] == name;
            seen.push(v);
            if done {
                return seen;
            }
        }
    }
}

/// An emu-system child killed if the test ends (or fails) before it
/// exits.
struct Reap(std::process::Child);

impl Reap {
    /// Its exit status, waited for at most `limit`.
    fn wait(&mut self, limit: Duration) -> std::process::ExitStatus {
        let end = std::time::Instant::now() + limit;
        loop {
            if let Some(s) = self.0.try_wait().unwrap() {
                return s;
            }
            assert!(std::time::Instant::now() < end, "emu-system did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Reap {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Boots `cpio` on the kernel of `dir` with a QMP socket; presses the
/// power button once `ready` shows on the console; the console after the
/// power-off and the QMP lines up to SHUTDOWN.
fn press_when(dir: &Path, cpio: &Path, work: &Path, ready: &str) -> (String, Vec<Value>) {
    let sock = work.join("qmp.sock");
    let mut emu = emu_system(dir, cpio);
    emu.args(["-qmp", &format!("unix:{},server,wait=off", sock.display())]);
    let (child, stdin, mut log) = ConsoleLog::spawn(emu, LIMIT);
    let mut child = Reap(child);
    log.wait_for(ready, &mut child.0);
    let mut q = Qmp::connect(&sock);
    q.send("system_powerdown");
    let lines = q.until("SHUTDOWN");
    log.wait_for("reboot: Power down", &mut child.0);
    let status = child.wait(Duration::from_secs(60));
    drop(stdin);
    let console = log.text();
    assert!(status.success(), "{status:?}\n{console}");
    check_clean(&console);
    (console, lines)
}

#[test]
fn busybox_initramfs_powers_off() {
    let Some(dir) = common::linux::images(&["Image", "busybox"]) else {
        return;
    };
    let work = work("busybox");
    let cpio = work.join("initramfs.cpio");
    let modules: Vec<PathBuf> = std::fs::read_dir(dir.join("modules"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    initramfs(&dir, &cpio, Path::new("-"), &modules);
    let (console, lines) = press_when(
        &dir,
        &cpio,
        &work,
        "power button: line 3 of 9030000.pl061 powers off",
    );
    assert!(
        lines.contains(&json!({"return": {}})),
        "system_powerdown: {lines:?}"
    );
    assert!(lines.iter().any(|l| l["event"] == "POWERDOWN"), "{lines:?}");
    assert_eq!(
        lines.last().unwrap()["data"],
        json!({"guest": true, "reason": "guest-shutdown"})
    );
    assert!(
        console.contains("power button pressed: powering off"),
        "{console}"
    );
}

#[test]
fn power_key_input_event() {
    let dir = std::env::var_os("EMU_SYSTEM_IMAGES_ARM64")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/system-images-arm64"));
    let files = [
        "Image",
        "busybox",
        "modules/evdev.ko",
        "modules/gpio_keys.ko",
    ];
    if !files.iter().all(|f| dir.join(f).is_file()) {
        eprintln!(
            "skipped: no {files:?} in {} (EMU_LINUX_PACKAGE=linux-image-arm64 \
             scripts/fetch-system-images.sh target/system-images-arm64)",
            dir.display()
        );
        return;
    }
    let work = work("event");
    let init = work.join("init");
    // Four input events of 24 bytes (struct input_event on arm64: a
    // timeval, type, code, value): the key down, a SYN_REPORT, the key up,
    // a SYN_REPORT.
    std::fs::write(
        &init,
        "#!/bin/sh\n\
         mount -t proc proc /proc\n\
         mount -t sysfs sysfs /sys\n\
         mount -t devtmpfs devtmpfs /dev\n\
         insmod /lib/modules/evdev.ko\n\
         insmod /lib/modules/gpio_keys.ko\n\
         while [ ! -e /dev/input/event0 ]; do sleep 0.1; done\n\
         cat /proc/bus/input/devices\n\
         dd if=/dev/input/event0 of=/tmp/ev bs=24 count=4 2>/dev/null &\n\
         sleep 1\n\
         echo press-now\n\
         wait\n\
         hexdump -v -e '\"event \" 2/2 \"%04x \" 1/4 \" %d\" \"\\n\"' -s 16 -n 8 /tmp/ev\n\
         hexdump -v -e '\"event \" 2/2 \"%04x \" 1/4 \" %d\" \"\\n\"' -s 40 -n 8 /tmp/ev\n\
         hexdump -v -e '\"event \" 2/2 \"%04x \" 1/4 \" %d\" \"\\n\"' -s 64 -n 8 /tmp/ev\n\
         hexdump -v -e '\"event \" 2/2 \"%04x \" 1/4 \" %d\" \"\\n\"' -s 88 -n 8 /tmp/ev\n\
         t() { hexdump -e '1/4 \"%d\"' -s $1 -n 4 /tmp/ev; }\n\
         echo \"held $(( ($(t 48) - $(t 0)) * 1000000 + $(t 56) - $(t 8) )) us\"\n\
         poweroff -f\n",
    )
    .unwrap();
    let cpio = work.join("init.cpio");
    initramfs(
        &dir,
        &cpio,
        &init,
        &[
            dir.join("modules/evdev.ko"),
            dir.join("modules/gpio_keys.ko"),
        ],
    );
    let (console, lines) = press_when(&dir, &cpio, &work, "press-now");
    assert!(lines.iter().any(|l| l["event"] == "POWERDOWN"), "{lines:?}");
    assert!(console.contains("N: Name=\"gpio-keys\""), "{console}");
    // EV_SYN and EV_KEY; KEY_POWER (116) is bit 52 of the second word.
    assert!(console.contains("B: EV=3\r\n") || console.contains("B: EV=3\n"));
    assert!(console.contains("B: KEY=10000000000000 0"), "{console}");
    let events: Vec<&str> = console
        .lines()
        .filter_map(|l| l.trim_end().strip_prefix("event "))
        .collect();
    assert_eq!(
        events,
        ["0001 0074 1", "0000 0000 0", "0001 0074 0", "0000 0000 0"],
        "{console}"
    );
    // The button is held 100 ms of host time; the guest's timestamps
    // are taken when it handles the interrupts.
    let held: u64 = console
        .lines()
        .find_map(|l| l.strip_prefix("held "))
        .and_then(|l| l.trim_end().strip_suffix(" us")?.parse().ok())
        .unwrap_or_else(|| panic!("{console}"));
    assert!((20_000..2_000_000).contains(&held), "held {held} us");
}
