//! For tests that boot Debian's kernel under `emu-system`: the images of
//! `scripts/fetch-system-images.sh`, the command line, the console checks.

use super::repo_root;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;

/// The kernel command line of the boot tests.
pub const APPEND: &str = "console=ttyAMA0 panic=-1";

/// The images directory (`target/system-images`, or `EMU_SYSTEM_IMAGES`)
/// when it holds every one of `files`; otherwise says the test is skipped.
pub fn images(files: &[&str]) -> Option<PathBuf> {
    let dir = std::env::var_os("EMU_SYSTEM_IMAGES")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/system-images"));
    if files.iter().all(|f| dir.join(f).is_file()) {
        return Some(dir);
    }
    eprintln!(
        "skipped: no {files:?} in {} (run scripts/fetch-system-images.sh)",
        dir.display()
    );
    None
}

/// `emu-system` booting the images' kernel with `initrd` and 256 MiB.
pub fn emu_system(dir: &Path, initrd: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_emu-system"));
    c.arg("-kernel")
        .arg(dir.join("Image"))
        .arg("-initrd")
        .arg(initrd)
        .args(["-m", "256M", "-append", APPEND]);
    c
}

/// Writes the busybox initramfs `cpio` with `/init` from the file `init`
/// and `modules` in /lib/modules.
pub fn initramfs(dir: &Path, cpio: &Path, init: &Path, modules: &[PathBuf]) {
    let st = Command::new("python3")
        .arg(repo_root().join("scripts/lib/initramfs.py"))
        .arg(dir.join("busybox"))
        .arg(cpio)
        .arg(init)
        .args(modules)
        .status()
        .expect("python3 (writes the initramfs)");
    assert!(st.success());
}

/// Writes `work/init.cpio` with the kernel modules `modules` (names
/// separated by spaces, from the images' `modules/`) and an `/init` that
/// mounts proc, sysfs and devtmpfs, loads the modules and runs `script`.
pub fn module_init_cpio(dir: &Path, work: &Path, modules: &str, script: &str) -> PathBuf {
    module_init_cpio_with(dir, work, modules, script, &[])
}

/// [`module_init_cpio`] with executables added: (path in the archive,
/// host file).
pub fn module_init_cpio_with(
    dir: &Path,
    work: &Path,
    modules: &str,
    script: &str,
    extra: &[(&str, PathBuf)],
) -> PathBuf {
    let init = work.join("init");
    std::fs::write(
        &init,
        format!(
            "#!/bin/sh\n\
             mount -t proc proc /proc\n\
             mount -t sysfs sysfs /sys\n\
             mount -t devtmpfs devtmpfs /dev\n\
             for m in {modules}; do insmod /lib/modules/$m.ko; done\n\
             {script}"
        ),
    )
    .unwrap();
    let cpio = work.join("init.cpio");
    let mut files: Vec<PathBuf> = modules
        .split(' ')
        .map(|m| dir.join(format!("modules/{m}.ko")))
        .collect();
    for (dest, src) in extra {
        let mut a = std::ffi::OsString::from(format!("{dest}="));
        a.push(src);
        files.push(a.into());
    }
    initramfs(dir, &cpio, &init, &files);
    cpio
}

/// A virtio feature word as guests print it from
/// `/sys/bus/virtio/devices/*/features`: one character per bit from bit
/// 0, `1` for the bits in `set`.
pub fn feature_bits(set: &[u32]) -> String {
    (0..64)
        .map(|b| if set.contains(&b) { '1' } else { '0' })
        .collect()
}

/// Kernel complaints that must not appear on the console.
pub fn check_clean(console: &str) {
    for bad in [
        "Oops",
        "WARNING:",
        "Kernel panic",
        "BUG:",
        "Unable to handle",
    ] {
        assert!(!console.contains(bad), "console shows {bad:?}:\n{console}");
    }
}

/// Reads `src` (a console) on a new thread, sending each chunk read.
pub fn read_chunks(mut src: impl Read + Send + 'static) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = src.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    rx
}

/// What a guest printed on a console read by [`read_chunks`], gathered
/// until a deadline.
pub struct ConsoleLog {
    rx: mpsc::Receiver<Vec<u8>>,
    bytes: Vec<u8>,
    deadline: std::time::Instant,
}

impl ConsoleLog {
    /// Spawns `cmd` with piped stdin and stdout (stderr inherited) and
    /// reads its console for at most `limit`: the child, its stdin and the
    /// console log.
    pub fn spawn(
        mut cmd: std::process::Command,
        limit: std::time::Duration,
    ) -> (std::process::Child, std::process::ChildStdin, ConsoleLog) {
        use std::process::Stdio;
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn emu-system");
        let stdin = child.stdin.take().unwrap();
        let console = ConsoleLog::new(child.stdout.take().unwrap(), limit);
        (child, stdin, console)
    }

    /// Reads `src` for at most `limit` from now.
    pub fn new(src: impl Read + Send + 'static, limit: std::time::Duration) -> ConsoleLog {
        ConsoleLog {
            rx: read_chunks(src),
            bytes: Vec::new(),
            deadline: std::time::Instant::now() + limit,
        }
    }

    /// Waits until `what` has been printed; past the deadline kills
    /// `child` and fails with what was printed.
    pub fn wait_for(&mut self, what: &str, child: &mut std::process::Child) {
        while !String::from_utf8_lossy(&self.bytes).contains(what) {
            let left = self
                .deadline
                .saturating_duration_since(std::time::Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(b) => self.bytes.extend(b),
                Err(_) => {
                    let _ = child.kill();
                    panic!("no {what:?} on the console:\n{}", self.text());
                }
            }
        }
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}
