//! virtio-mmio devices under `emu-system`, seen from Debian's arm64 kernel:
//! a busybox initramfs whose `/init` loads the kernel's virtio modules
//! (Debian builds them as modules), uses the devices, prints what it found
//! and powers off. The images come from `scripts/fetch-system-images.sh`
//! (`target/system-images/`, or `EMU_SYSTEM_IMAGES`), including
//! `modules/`; without them each Linux test says it is skipped and passes.
//!
//! - `blk_disks`: three disks — vda, a raw image read (sector contents,
//!   md5 of the whole disk, size, serial) and written (found in the file
//!   after power-off); vdb, a `readonly=on` image the guest cannot write;
//!   vdc, an ext2 image made on the host with mke2fs, attached by
//!   `if=none` + `-device virtio-blk-device` (so after the `if=virtio`
//!   drives), mounted, read and written (checked with debugfs), a program
//!   on it run; the kernel negotiated VIRTIO_F_RING_EVENT_IDX (sysfs).
//! - `rng`: `-device virtio-rng-device` becomes the kernel's hwrng and
//!   hands out distinct random bytes; without it there is none.
//! - `console_hvc0`: `-device virtio-serial-device` with a `virtconsole`
//!   on stdio and a named `virtserialport` on a file, `console=hvc0`, the
//!   PL011 on a file (`-serial file:`): the guest finds hvc0 as its kernel
//!   console and the named port, `/init`'s output arrives on stdout through
//!   hvc0 (none on the PL011), what the test types reaches the shell on
//!   hvc0, what the guest writes to the port lands in its file.
//! - `bad_drive_options`: the CLI's answers to a missing image and an
//!   unsupported format; `bad_console_options`: to stdio taken twice (the
//!   serial line holds it), a port without a virtio-serial-device, an
//!   unknown chardev, an unsupported backend.

mod common;

use common::linux::{check_clean, emu_system, feature_bits, module_init_cpio, ConsoleLog};
use common::{repo_root, run_with_timeout, Status};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Boot, run and power-off limit (a few seconds; slack for a loaded
/// machine).
const LIMIT: Duration = Duration::from_secs(180);
const MODULES: &str = "virtio_ring virtio virtio_mmio virtio_blk virtio-rng virtio_console";

fn images() -> Option<PathBuf> {
    common::linux::images(&["Image", "busybox", "modules/virtio_mmio.ko"])
}

fn tmp(name: &str) -> PathBuf {
    let d = repo_root().join("target/tmp/system_virtio").join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Writes `work/init.cpio` with the virtio modules and an `/init` that
/// mounts proc, sysfs and devtmpfs, loads the modules and runs `script`.
fn init_cpio(dir: &Path, work: &Path, script: &str) -> PathBuf {
    module_init_cpio(dir, work, MODULES, script)
}

/// Boots with an `/init` that loads the virtio modules and runs `script`,
/// with `args` added to the command line; returns the console output after
/// checking a clean power-off.
fn boot(dir: &Path, work: &Path, script: &str, args: &[&str]) -> String {
    let cpio = init_cpio(dir, work, &format!("{script}poweroff -f\n"));
    let mut emu = emu_system(dir, &cpio);
    emu.args(args);
    let out = run_with_timeout(emu, LIMIT).expect("spawn emu-system");
    let console = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status,
        Some(Status::Exit(0)),
        "console:\n{console}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    check_clean(&console);
    assert!(console.contains("reboot: Power down"), "{console}");
    console
}

fn expect(console: &str, line: &str) {
    assert!(
        console.lines().any(|l| l.trim_end() == line),
        "no line {line:?} in:\n{console}"
    );
}

fn md5(path: &Path) -> String {
    let out = Command::new("md5sum").arg(path).output().expect("md5sum");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

fn mke2fs() -> Option<PathBuf> {
    ["/usr/sbin/mke2fs", "/sbin/mke2fs"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

#[test]
fn blk_disks() {
    let Some(dir) = images() else { return };
    let work = tmp("blk");
    // 1 MiB raw disk: every sector starts with its number.
    let raw = work.join("raw.img");
    let mut data = vec![0u8; 1 << 20];
    for (n, s) in data.chunks_mut(512).enumerate() {
        let tag = format!("sector {n:04}");
        s[..tag.len()].copy_from_slice(tag.as_bytes());
        s[511] = n as u8;
    }
    std::fs::write(&raw, &data).unwrap();
    let raw_md5 = md5(&raw);
    // A read-only disk.
    let ro = work.join("ro.img");
    std::fs::write(&ro, vec![0x5a; 64 << 10]).unwrap();
    // An ext2 file system with one file.
    let mke2fs = mke2fs().expect("mke2fs (e2fsprogs) for the ext2 image");
    let tree = work.join("tree");
    std::fs::create_dir(&tree).unwrap();
    std::fs::write(tree.join("hello.txt"), "hello from the host\n").unwrap();
    // A program to run from the disk (its pages come in by DMA).
    std::fs::copy(dir.join("busybox"), tree.join("busybox")).unwrap();
    let fs = work.join("fs.img");
    let st = Command::new(&mke2fs)
        .args(["-q", "-F", "-t", "ext2", "-d"])
        .arg(&tree)
        .arg(&fs)
        .arg("8M")
        .status()
        .unwrap();
    assert!(st.success(), "mke2fs");

    let script = "\
echo \"vda size $(cat /sys/block/vda/size)\"
echo \"vda serial $(cat /sys/block/vda/serial)\"
echo \"vda features $(cat /sys/block/vda/device/features)\"
echo \"vda $(dd if=/dev/vda bs=512 skip=7 count=1 2>/dev/null | head -c 11)\"
echo \"vda md5 $(md5sum /dev/vda)\"
echo guest-wrote-sector-9 | dd of=/dev/vda bs=512 seek=9 conv=sync 2>/dev/null
echo \"vda write $?\"
mkdir /mnt
mount -t ext2 /dev/vdc /mnt && echo \"vdc file: $(cat /mnt/hello.txt)\"
/mnt/busybox sh -c 'echo vdc runs $((6 * 7))'
echo written-in-the-guest > /mnt/new.txt
umount /mnt && echo \"vdc unmounted\"
echo \"vdb ro $(cat /sys/block/vdb/ro) size $(cat /sys/block/vdb/size)\"
dd if=/dev/zero of=/dev/vdb bs=512 count=1 2>/dev/null
echo \"vdb write $?\"
sync
";
    let drive = |f: &Path, extra: &str| format!("file={}{extra}", f.display());
    let console = boot(
        &dir,
        &work,
        script,
        &[
            "-drive",
            &drive(&raw, ",format=raw"),
            "-drive",
            &drive(&fs, ",if=none,id=fs"),
            "-device",
            "virtio-blk-device,drive=fs",
            "-drive",
            &drive(&ro, ",format=raw,readonly=on"),
        ],
    );
    expect(&console, "vda size 2048");
    expect(&console, "vda serial emu-disk0");
    // Negotiated: SEG_MAX (2), FLUSH (9), INDIRECT_DESC (28), EVENT_IDX
    // (29), VERSION_1 (32); one character per bit from bit 0.
    let bits = feature_bits(&[2, 9, 28, 29, 32]);
    expect(&console, &format!("vda features {bits}"));
    expect(&console, "vda sector 0007");
    expect(&console, &format!("vda md5 {raw_md5}  /dev/vda"));
    expect(&console, "vda write 0");
    expect(&console, "vdc file: hello from the host");
    expect(&console, "vdc runs 42");
    expect(&console, "vdc unmounted");
    expect(&console, "vdb ro 1 size 128");
    assert!(
        !console.contains("vdb write 0"),
        "a read-only disk took a write:\n{console}"
    );

    let after = std::fs::read(&raw).unwrap();
    let line = b"guest-wrote-sector-9\n";
    assert_eq!(&after[9 * 512..9 * 512 + line.len()], line);
    assert!(after[9 * 512 + line.len()..10 * 512]
        .iter()
        .all(|&b| b == 0));
    assert_eq!(after[..9 * 512], data[..9 * 512], "sectors before 9");
    assert_eq!(after[10 * 512..], data[10 * 512..], "sectors after 9");
    assert!(std::fs::read(&ro).unwrap().iter().all(|&b| b == 0x5a));
    let debugfs = mke2fs.with_file_name("debugfs");
    let out = Command::new(debugfs)
        .args(["-R", "cat /new.txt"])
        .arg(&fs)
        .output()
        .expect("debugfs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "written-in-the-guest\n"
    );
}

#[test]
fn rng() {
    let Some(dir) = images() else { return };
    let work = tmp("rng");
    let script = "\
echo \"rng current $(cat /sys/class/misc/hw_random/rng_current)\"
a=$(head -c 65536 /dev/hwrng | md5sum)
b=$(head -c 65536 /dev/hwrng | md5sum)
[ \"$a\" != \"$b\" ] && echo \"rng reads differ\"
echo \"rng values $(head -c 65536 /dev/hwrng | od -An -v -tu1 | tr -s ' ' '\\n' | grep . | sort -u | wc -l)\"
";
    let console = boot(&dir, &work, script, &["-device", "virtio-rng-device"]);
    expect(&console, "rng current virtio_rng.0");
    expect(&console, "rng reads differ");
    expect(&console, "rng values 256");
    // Without the device the kernel has no hardware RNG.
    let console = boot(
        &dir,
        &work,
        "echo \"rng current $(cat /sys/class/misc/hw_random/rng_current)\"\n",
        &[],
    );
    expect(&console, "rng current none");
}

#[test]
fn console_hvc0() {
    let Some(dir) = images() else { return };
    let work = tmp("hvc");
    // hvc0's device node appears a moment after insmod.
    let script = "\
n=0; while [ ! -e /dev/hvc0 ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n+1)); done
exec </dev/hvc0 >/dev/hvc0 2>&1
echo \"init: on $(readlink /proc/$$/fd/1) sum $((6 * 7))\"
cat /proc/consoles
d=/sys/bus/virtio/devices/virtio0
echo \"device $(cat $d/device) features $(cat $d/features)\"
for p in /sys/class/virtio-ports/*; do echo \"port ${p##*/} $(cat $p/name 2>&1)\"; done
echo port-data > /dev/vport0p1
exec sh
";
    let cpio = init_cpio(&dir, &work, script);
    let (port_file, serial_file) = (work.join("port.out"), work.join("serial.out"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_emu-system"));
    cmd.arg("-kernel")
        .arg(dir.join("Image"))
        .arg("-initrd")
        .arg(&cpio)
        .args(["-m", "256M", "-append", "console=hvc0 loglevel=4 panic=-1"])
        .arg("-serial")
        .arg(format!("file:{}", serial_file.display()))
        .args(["-device", "virtio-serial-device"])
        .args([
            "-chardev",
            "stdio,id=con",
            "-device",
            "virtconsole,chardev=con",
        ])
        .arg("-chardev")
        .arg(format!("file,id=log,path={}", port_file.display()))
        .args(["-device", "virtserialport,chardev=log,name=org.emu.log"]);
    let (mut child, mut stdin, mut console) = ConsoleLog::spawn(cmd, LIMIT);
    console.wait_for("/ # ", &mut child);
    stdin.write_all(b"echo typed-$((6*7)); dmesg\n").unwrap();
    console.wait_for("typed-42", &mut child);
    console.wait_for("printk: console [hvc0] enabled", &mut child);
    stdin.write_all(b"poweroff -f\n").unwrap();
    let status = child.wait().unwrap();
    let console = console.text();
    assert_eq!(status.code(), Some(0), "{console}");
    check_clean(&console);
    expect(&console, "init: on /dev/hvc0 sum 42");
    assert!(
        console
            .lines()
            .any(|l| l.starts_with("hvc0 ") && l.contains("(EC p")),
        "hvc0 is not the kernel console:\n{console}"
    );
    assert!(
        console.contains("device 0x0003 features 01"),
        "not a MULTIPORT console:\n{console}"
    );
    expect(&console, "port vport0p1 org.emu.log");
    // Port 0, the console, has no name.
    assert!(console.contains("port vport0p0 cat: "), "{console}");
    assert_eq!(std::fs::read_to_string(&port_file).unwrap(), "port-data\n");
    // The PL011 is not the console: nothing of /init on it.
    let serial = std::fs::read_to_string(&serial_file).unwrap();
    assert!(!serial.contains("init:"), "{serial}");
}

#[test]
fn bad_drive_options() {
    let work = tmp("cli");
    let kernel = work.join("no-kernel-needed");
    for (drive, want) in [
        ("file=/nonexistent/disk.img", "/nonexistent/disk.img: "),
        ("file=x.qcow2,format=qcow2", "only raw images"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_emu-system"))
            .arg("-kernel")
            .arg(&kernel)
            .args(["-drive", drive])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{drive}");
        assert!(err.contains(want), "{drive}: {err}");
    }
}

#[test]
fn bad_console_options() {
    let work = tmp("cli-console");
    let kernel = work.join("no-kernel-needed");
    let bus = "virtio-serial-device";
    for (args, want) in [
        (
            &[
                "-chardev",
                "stdio,id=c",
                "-device",
                bus,
                "-device",
                "virtconsole,chardev=c",
            ][..],
            "cannot use stdio by multiple character devices",
        ),
        (
            &["-serial", "none", "-device", "virtconsole,chardev=c"],
            "needs a -device virtio-serial-device",
        ),
        (
            &["-device", bus, "-device", "virtconsole,chardev=x"],
            "chardev 'x' not found",
        ),
        (&["-chardev", "pty,id=p"], "unsupported backend"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_emu-system"))
            .arg("-kernel")
            .arg(&kernel)
            .args(args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
}
