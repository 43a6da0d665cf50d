//! The monitor's socket: `-qmp unix:PATH,server[,wait=off]` or
//! `-qmp tcp:HOST:PORT,server[,wait=off]` (HOST must be a loopback
//! address). Like QEMU, `server` alone waits for the first client before
//! the machine starts; `wait=off` (or `nowait`) starts it at once. One
//! client at a time; the next is accepted when it disconnects.

use super::protocol::{self, Session};
use super::Control;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::os::unix::net::UnixListener;
use std::path::PathBuf;
use std::sync::Arc;

/// Where the monitor listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    Unix(PathBuf),
    Tcp(SocketAddr),
}

/// A parsed `-qmp` argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    pub endpoint: Endpoint,
    /// Wait for a client before the machine starts.
    pub wait: bool,
}

impl std::str::FromStr for Spec {
    type Err = String;
    fn from_str(s: &str) -> Result<Spec, String> {
        let mut parts = s.split(',');
        let addr = parts.next().unwrap_or("");
        let endpoint = if let Some(p) = addr.strip_prefix("unix:") {
            if p.is_empty() {
                return Err("-qmp unix: needs a path".into());
            }
            Endpoint::Unix(PathBuf::from(p))
        } else if let Some(a) = addr.strip_prefix("tcp:") {
            let a: SocketAddr = a
                .parse()
                .map_err(|_| format!("-qmp tcp:{a}: expected tcp:IP:PORT"))?;
            if !a.ip().is_loopback() {
                return Err(format!("-qmp tcp:{a}: only loopback addresses are served"));
            }
            Endpoint::Tcp(a)
        } else {
            return Err(format!(
                "-qmp {s}: expected unix:PATH,server or tcp:IP:PORT,server"
            ));
        };
        let (mut server, mut wait) = (false, true);
        for opt in parts {
            match opt {
                "server" | "server=on" => server = true,
                "nowait" | "wait=off" => wait = false,
                "wait=on" => wait = true,
                _ => return Err(format!("-qmp: unknown option '{opt}'")),
            }
        }
        if !server {
            return Err("-qmp: only server sockets are supported (add ',server')".into());
        }
        Ok(Spec { endpoint, wait })
    }
}

trait Stream: Read + Write + Send {
    fn split(&self) -> std::io::Result<Box<dyn Write + Send>>;
}

impl Stream for std::os::unix::net::UnixStream {
    fn split(&self) -> std::io::Result<Box<dyn Write + Send>> {
        Ok(Box::new(self.try_clone()?))
    }
}

impl Stream for std::net::TcpStream {
    fn split(&self) -> std::io::Result<Box<dyn Write + Send>> {
        Ok(Box::new(self.try_clone()?))
    }
}

enum Listener {
    Unix(UnixListener, PathBuf),
    Tcp(TcpListener),
}

impl Listener {
    fn accept(&self) -> std::io::Result<Box<dyn Stream>> {
        Ok(match self {
            Listener::Unix(l, _) => Box::new(l.accept()?.0),
            Listener::Tcp(l) => Box::new(l.accept()?.0),
        })
    }
}

/// Listens on `spec`'s endpoint and serves clients on a new thread; with
/// `wait`, returns once the first client has connected.
pub fn start(spec: &Spec, ctl: Arc<Control>) -> Result<(), String> {
    let listener = match &spec.endpoint {
        Endpoint::Unix(p) => {
            // A socket left by an earlier run would make bind fail.
            if std::fs::symlink_metadata(p)
                .is_ok_and(|m| std::os::unix::fs::FileTypeExt::is_socket(&m.file_type()))
            {
                let _ = std::fs::remove_file(p);
            }
            let l = UnixListener::bind(p).map_err(|e| format!("-qmp {}: {e}", p.display()))?;
            Listener::Unix(l, p.clone())
        }
        Endpoint::Tcp(a) => {
            Listener::Tcp(TcpListener::bind(a).map_err(|e| format!("-qmp {a}: {e}"))?)
        }
    };
    let first = if spec.wait {
        Some(
            listener
                .accept()
                .map_err(|e| format!("-qmp: accept: {e}"))?,
        )
    } else {
        None
    };
    std::thread::Builder::new()
        .name("qmp".into())
        .spawn(move || serve(listener, first, &ctl))
        .map_err(|e| format!("-qmp: {e}"))?;
    Ok(())
}

fn serve(listener: Listener, mut next: Option<Box<dyn Stream>>, ctl: &Control) {
    loop {
        let stream = match next.take() {
            Some(s) => s,
            None => match listener.accept() {
                Ok(s) => s,
                Err(_) => continue,
            },
        };
        if session(stream, ctl) {
            if let Listener::Unix(_, p) = &listener {
                let _ = std::fs::remove_file(p);
            }
            ctl.quit();
            return;
        }
    }
}

/// Serves one client; true if it asked to quit.
fn session(stream: Box<dyn Stream>, ctl: &Control) -> bool {
    let Ok(mut out) = stream.split() else {
        return false;
    };
    if ctl.reply(&mut out, &protocol::greeting()).is_err() {
        return false;
    }
    let mut s = Session::default();
    let mut lines = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        match lines.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        if line.trim().is_empty() {
            continue;
        }
        let was = s.negotiated;
        let reply = protocol::handle(&line, &mut s, ctl);
        if ctl.reply(&mut out, &reply).is_err() {
            break;
        }
        if s.negotiated && !was {
            if let Ok(w) = lines.get_ref().split() {
                ctl.set_sink(Some(w));
            }
        }
        if s.quit {
            // The SHUTDOWN event goes out before the process ends.
            ctl.host_stopped("host-qmp-quit");
            return true;
        }
    }
    ctl.set_sink(None);
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_qmp_options() {
        let s: Spec = "unix:/tmp/m.sock,server".parse().unwrap();
        assert_eq!(s.endpoint, Endpoint::Unix("/tmp/m.sock".into()));
        assert!(s.wait);
        let s: Spec = "tcp:127.0.0.1:4444,server,wait=off".parse().unwrap();
        assert_eq!(s.endpoint, Endpoint::Tcp("127.0.0.1:4444".parse().unwrap()));
        assert!(!s.wait);
        assert!(!"unix:/x,server,nowait".parse::<Spec>().unwrap().wait);
        assert!("tcp:0.0.0.0:1,server".parse::<Spec>().is_err());
        assert!("unix:/x".parse::<Spec>().is_err());
        assert!("stdio".parse::<Spec>().is_err());
    }
}
