//! Character backends, spelled as qemu-system spells them: what a serial
//! line or a virtio console port is connected to.
//!
//! - `-chardev stdio,id=ID[,signal=on|off][,mux=on|off]`, `-chardev
//!   null,id=ID`, `-chardev file,id=ID,path=PATH` (output only, the file
//!   truncated at start).
//! - `-serial stdio|mon:stdio|null|none|file:PATH|chardev:ID` for the
//!   PL011 (default `stdio`; `none` and `null` leave the UART unconnected).
//! - `-mon chardev=ID[,mode=readline]`: the human monitor on a `mux=on`
//!   stdio chardev (`-serial mon:stdio` is both at once).
//!
//! stdio can serve one frontend only, and a `-chardev` one frontend; a
//! multiplexed stdio shares it with the monitor, `C-a c` switching
//! between them.

use std::path::PathBuf;

/// Where a frontend's bytes go and come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Backend {
    /// The host's stdin and stdout (the console).
    Stdio,
    /// Output dropped, no input.
    Null,
    /// Output appended to a file created at start, no input.
    File(PathBuf),
}

/// A `-chardev`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chardev {
    pub id: String,
    pub backend: Backend,
    /// `mux=on`: shared with the monitor.
    pub mux: bool,
}

/// Parses one `-chardev` argument.
pub fn parse_chardev(s: &str) -> Result<Chardev, String> {
    let mut items = s.split(',');
    let kind = items.next().unwrap_or_default();
    let (mut id, mut path, mut mux) = (None, None, false);
    for item in items {
        let (k, v) = item
            .split_once('=')
            .ok_or(format!("-chardev {s}: '{item}' is not KEY=VALUE"))?;
        match (k, kind) {
            ("id", _) => id = Some(v.to_owned()),
            ("path", "file") => path = Some(PathBuf::from(v)),
            // Ctrl-C reaches the guest either way on a raw terminal.
            ("signal", "stdio") if ["on", "off"].contains(&v) => {}
            ("mux", "stdio") if ["on", "off"].contains(&v) => mux = v == "on",
            _ => return Err(format!("-chardev {kind}: unsupported option {k}={v}")),
        }
    }
    let id = id.ok_or(format!("-chardev {s}: id= is missing"))?;
    let backend = match kind {
        "stdio" => Backend::Stdio,
        "null" => Backend::Null,
        "file" => Backend::File(path.ok_or(format!("-chardev {s}: path= is missing"))?),
        _ => {
            return Err(format!(
                "-chardev {kind}: unsupported backend (stdio, null or file)"
            ))
        }
    };
    Ok(Chardev { id, backend, mux })
}

/// The frontends' backends, each `-chardev` handed out once.
pub struct Chardevs {
    defs: Vec<(Chardev, bool)>,
    stdio_used: bool,
    /// The human monitor shares stdio (`mon:stdio`, `-mon`).
    pub stdio_monitor: bool,
    /// stdio is multiplexed: the C-a keys act even when it is not a
    /// terminal.
    pub stdio_mux: bool,
}

impl Chardevs {
    pub fn new(args: &[String]) -> Result<Chardevs, String> {
        let mut defs: Vec<(Chardev, bool)> = Vec::new();
        for a in args {
            let c = parse_chardev(a)?;
            if defs.iter().any(|(d, _)| d.id == c.id) {
                return Err(format!("-chardev: duplicate id {}", c.id));
            }
            defs.push((c, false));
        }
        Ok(Chardevs {
            defs,
            stdio_used: false,
            stdio_monitor: false,
            stdio_mux: false,
        })
    }

    /// `-mon chardev=ID[,mode=readline]`: the human monitor on `ID`, a
    /// multiplexed stdio chardev.
    pub fn monitor(&mut self, arg: &str) -> Result<(), String> {
        let mut id = None;
        for item in arg.split(',') {
            match item.split_once('=') {
                Some(("chardev", v)) => id = Some(v),
                Some(("mode", "readline")) => {}
                _ => return Err(format!("-mon {arg}: expected chardev=ID[,mode=readline]")),
            }
        }
        let id = id.ok_or(format!("-mon {arg}: chardev= is missing"))?;
        let c = self
            .defs
            .iter()
            .find(|(c, _)| c.id == id)
            .map(|(c, _)| c)
            .ok_or(format!("-mon: chardev '{id}' not found"))?;
        if c.backend != Backend::Stdio || !c.mux {
            return Err(format!(
                "-mon: chardev '{id}' must be stdio with mux=on (the monitor shares the console)"
            ));
        }
        self.stdio_monitor = true;
        self.stdio_mux = true;
        Ok(())
    }

    /// Claims `backend` for one frontend.
    fn claim(&mut self, backend: Backend) -> Result<Backend, String> {
        if backend == Backend::Stdio {
            if self.stdio_used {
                return Err("cannot use stdio by multiple character devices \
                            (the serial line uses it unless -serial none)"
                    .into());
            }
            self.stdio_used = true;
        }
        Ok(backend)
    }

    /// Claims the `-chardev` named `id` for `frontend`.
    pub fn take(&mut self, id: &str, frontend: &str) -> Result<Backend, String> {
        let (c, used) = self
            .defs
            .iter_mut()
            .find(|(c, _)| c.id == id)
            .ok_or(format!("{frontend}: chardev '{id}' not found"))?;
        if std::mem::replace(used, true) {
            return Err(format!("{frontend}: chardev '{id}' is already in use"));
        }
        let b = c.backend.clone();
        self.stdio_mux |= c.mux;
        self.claim(b)
    }

    /// The PL011's backend from `-serial` (None: unconnected).
    pub fn serial(&mut self, arg: Option<&str>) -> Result<Option<Backend>, String> {
        let arg = arg.unwrap_or("stdio");
        let b = match arg {
            "stdio" => Backend::Stdio,
            "mon:stdio" => {
                self.stdio_monitor = true;
                self.stdio_mux = true;
                Backend::Stdio
            }
            "none" | "null" => return Ok(None),
            _ => match arg.split_once(':') {
                Some(("file", p)) => Backend::File(PathBuf::from(p)),
                Some(("chardev", id)) => return self.take(id, "-serial").map(Some),
                _ => {
                    return Err(format!(
                        "-serial {arg}: expected stdio, none, null, file:PATH or chardev:ID"
                    ))
                }
            },
        };
        self.claim(b).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backends_and_their_users() {
        let defs = ["stdio,id=s,signal=off", "file,id=f,path=/x", "null,id=n"];
        let mut c = Chardevs::new(&defs.map(String::from)).unwrap();
        assert_eq!(c.serial(Some("none")).unwrap(), None);
        assert_eq!(c.take("f", "t").unwrap(), Backend::File("/x".into()));
        assert!(c.take("f", "t").is_err(), "one frontend per chardev");
        assert!(c.take("q", "t").is_err(), "unknown id");
        assert_eq!(c.take("s", "t").unwrap(), Backend::Stdio);
        assert!(c.serial(None).is_err(), "stdio twice");
        assert_eq!(c.take("n", "t").unwrap(), Backend::Null);
        let mut c = Chardevs::new(&[]).unwrap();
        assert_eq!(c.serial(None).unwrap(), Some(Backend::Stdio));
        let mut c = Chardevs::new(&[]).unwrap();
        assert_eq!(
            c.serial(Some("file:/tmp/o")).unwrap(),
            Some(Backend::File("/tmp/o".into()))
        );
        for bad in ["pty,id=p", "file,id=f", "stdio", "null,id=a,mux=on"] {
            assert!(parse_chardev(bad).is_err(), "{bad}");
        }
        assert!(Chardevs::new(&["null,id=a".into(), "null,id=a".into()]).is_err());
    }

    #[test]
    fn monitor_on_stdio() {
        let mut c = Chardevs::new(&[]).unwrap();
        assert!(!c.stdio_monitor && !c.stdio_mux);
        assert_eq!(c.serial(Some("mon:stdio")).unwrap(), Some(Backend::Stdio));
        assert!(c.stdio_monitor && c.stdio_mux);
        let defs = ["stdio,id=s,mux=on", "null,id=n", "stdio,id=t"];
        let mut c = Chardevs::new(&defs.map(String::from)).unwrap();
        assert_eq!(c.serial(Some("chardev:s")).unwrap(), Some(Backend::Stdio));
        assert!(c.stdio_mux && !c.stdio_monitor);
        c.monitor("chardev=s,mode=readline").unwrap();
        assert!(c.stdio_monitor);
        for bad in ["chardev=n", "chardev=t", "chardev=x", "mode=control", ""] {
            assert!(c.monitor(bad).is_err(), "{bad}");
        }
    }
}
