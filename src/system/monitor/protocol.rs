//! QMP messages: the greeting, requests (one JSON object per line:
//! `{"execute": NAME, "arguments": {...}, "id": ANY}`), replies
//! (`{"return": ...}` or `{"error": {"class", "desc"}}`, with the request's
//! `id` echoed) and the commands emu implements.

use super::Control;
use serde_json::{json, Map, Value};
use std::io::Write;

/// The greeting: emu's version, no optional capabilities. The member that
/// holds the version numbers is named by the QMP wire format (management
/// clients look it up by that name); its numbers are emu's own.
pub fn greeting() -> Value {
    let v = env!("CARGO_PKG_VERSION");
    let mut n = v.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
    let (major, minor, micro) = (
        n.next().unwrap_or(0),
        n.next().unwrap_or(0),
        n.next().unwrap_or(0),
    );
    json!({"QMP": {
        "version": {"qemu": {"major": major, "minor": minor, "micro": micro},
                    "package": format!("emu {v}")},
        "capabilities": []}})
}

/// Writes `v` as one line, spaced as `{"key": value, ...}`.
pub fn send(w: &mut dyn Write, v: &Value) -> std::io::Result<()> {
    let mut text = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut text, Spaced);
    serde::Serialize::serialize(v, &mut ser).map_err(std::io::Error::other)?;
    text.extend_from_slice(b"\r\n");
    w.write_all(&text)?;
    w.flush()
}

/// `{"a": 1, "b": [1, 2]}` rather than serde_json's compact form.
struct Spaced;

impl serde_json::ser::Formatter for Spaced {
    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            w.write_all(b", ")
        }
    }
    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.begin_array_value(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }
}

fn error(class: &str, desc: impl Into<String>) -> Value {
    json!({"error": {"class": class, "desc": desc.into()}})
}

/// A session's state: whether capabilities were negotiated.
#[derive(Default)]
pub struct Session {
    pub negotiated: bool,
    /// `quit` was executed: the connection ends after the reply.
    pub quit: bool,
}

/// The reply to one request line.
pub fn handle(line: &str, session: &mut Session, ctl: &Control) -> Value {
    let req: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => return error("GenericError", format!("JSON parse error, {e}")),
    };
    let Value::Object(req) = req else {
        return error("GenericError", "QMP input must be a JSON object");
    };
    let id = req.get("id").cloned();
    let mut reply = execute(&req, session, ctl);
    if let (Some(id), Value::Object(m)) = (id, &mut reply) {
        m.insert("id".into(), id);
    }
    reply
}

fn execute(req: &Map<String, Value>, session: &mut Session, ctl: &Control) -> Value {
    for key in req.keys() {
        if !matches!(key.as_str(), "execute" | "arguments" | "id") {
            return error(
                "GenericError",
                format!("QMP input member '{key}' is unexpected"),
            );
        }
    }
    let name = match req.get("execute") {
        None => return error("GenericError", "QMP input lacks member 'execute'"),
        Some(Value::String(s)) => s.as_str(),
        Some(_) => {
            return error(
                "GenericError",
                "QMP input member 'execute' must be a string",
            )
        }
    };
    let empty = Map::new();
    let args = match req.get("arguments") {
        None => &empty,
        Some(Value::Object(m)) => m,
        Some(_) => {
            return error(
                "GenericError",
                "QMP input member 'arguments' must be an object",
            )
        }
    };
    if !session.negotiated && name != "qmp_capabilities" {
        return error(
            "CommandNotFound",
            "Expecting capabilities negotiation with 'qmp_capabilities'",
        );
    }
    let allowed: &[&str] = if name == "qmp_capabilities" {
        &["enable"]
    } else {
        &[]
    };
    if let Some(k) = args.keys().find(|k| !allowed.contains(&k.as_str())) {
        return error("GenericError", format!("Parameter '{k}' is unexpected"));
    }
    let ok = json!({"return": {}});
    match name {
        "qmp_capabilities" => {
            if session.negotiated {
                return error(
                    "CommandNotFound",
                    "Capabilities negotiation is already complete, command ignored",
                );
            }
            match args.get("enable") {
                None => {}
                Some(Value::Array(a)) if a.is_empty() => {}
                Some(Value::Array(a)) => {
                    return error(
                        "GenericError",
                        format!("Capability '{}' not available", a[0]),
                    )
                }
                Some(_) => return error("GenericError", "Parameter 'enable' expects array"),
            }
            session.negotiated = true;
            ok
        }
        "query-status" => {
            let paused = ctl.paused();
            json!({"return": {
                "status": if paused { "paused" } else { "running" },
                "running": !paused,
                "singlestep": false}})
        }
        "stop" => {
            if ctl.pause() {
                ctl.event("STOP", None);
            }
            ok
        }
        "cont" => {
            if ctl.resume() {
                ctl.event("RESUME", None);
            }
            ok
        }
        "quit" => {
            session.quit = true;
            ok
        }
        "system_reset" => {
            ctl.reset();
            ok
        }
        "system_powerdown" => {
            ctl.powerdown();
            ok
        }
        // One entry per CPU, each with the host thread that runs it.
        "query-cpus-fast" => json!({"return": (0..ctl.cpus()).map(|i| json!({
            "cpu-index": i,
            "qom-path": format!("/machine/unattached/device[{i}]"),
            "thread-id": ctl.vcpu_thread(i),
            "props": {"socket-id": 0, "cluster-id": 0, "core-id": i, "thread-id": 0},
            "target": "aarch64"})).collect::<Vec<_>>()}),
        _ => error(
            "CommandNotFound",
            format!("The command {name} has not been found"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::system::doorbell::Doorbell;

    fn text(v: &Value) -> String {
        let mut out = Vec::new();
        send(&mut out, v).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn requests_and_errors() {
        let ctl = Control::new(Doorbell::new());
        let mut s = Session::default();
        let mut ask = |l: &str| text(&handle(l, &mut s, &ctl));
        assert_eq!(
            ask(r#"{"execute": "query-status", "id": 1}"#),
            "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"Expecting capabilities \
             negotiation with 'qmp_capabilities'\"}, \"id\": 1}\r\n"
        );
        assert_eq!(
            ask(r#"{"execute": "qmp_capabilities"}"#),
            "{\"return\": {}}\r\n"
        );
        assert!(ask(r#"{"execute": "qmp_capabilities"}"#).contains("already complete"));
        assert_eq!(
            ask(r#"{"execute": "query-status", "id": "x"}"#),
            "{\"id\": \"x\", \"return\": {\"running\": true, \"singlestep\": false, \
             \"status\": \"running\"}}\r\n"
        );
        assert!(ask("{bad")
            .starts_with("{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error"));
        assert!(ask("[1]").contains("must be a JSON object"));
        assert!(ask(r#"{"id": 3}"#).contains("lacks member 'execute'"));
        assert!(ask(r#"{"execute": 3}"#).contains("'execute' must be a string"));
        assert!(ask(r#"{"execute": "stop", "x": 1}"#).contains("'x' is unexpected"));
        assert!(ask(r#"{"execute": "stop", "arguments": {"y": 1}}"#).contains("Parameter 'y'"));
        assert!(ask(r#"{"execute": "nope", "id": [1]}"#).contains(
            "\"CommandNotFound\", \"desc\": \"The command nope has not been found\"}, \"id\": [1]"
        ));
    }

    #[test]
    fn query_cpus_fast_lists_every_cpu() {
        let ctl = Control::new(Doorbell::new());
        ctl.set_cpus(3);
        let mut s = Session::default();
        handle(r#"{"execute": "qmp_capabilities"}"#, &mut s, &ctl);
        let r: serde_json::Value = serde_json::from_str(&text(&handle(
            r#"{"execute": "query-cpus-fast"}"#,
            &mut s,
            &ctl,
        )))
        .unwrap();
        let cpus = r["return"].as_array().unwrap();
        assert_eq!(cpus.len(), 3);
        assert_eq!(cpus[2]["cpu-index"], 2);
        assert_eq!(cpus[2]["props"]["core-id"], 2);
        assert_eq!(cpus[2]["qom-path"], "/machine/unattached/device[2]");
    }
}
