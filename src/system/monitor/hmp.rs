//! The human monitor on the console (`-serial mon:stdio`, `-mon`): one
//! command per line, answered in text, acting through the same
//! [`Control`] as QMP (and sending the same events to a QMP client).

use super::Control;

/// The commands and what they do, as `help` lists them.
const HELP: &str = "\
cont|c -- resume emulation
help|? -- show the help
info status -- show the current VM status (running|paused)
quit|q -- quit the emulator
stop -- stop emulation
system_powerdown -- send system power down event
system_reset -- reset the system
";

/// The command names, aliases included (for Tab completion), from
/// [`HELP`]'s table.
pub fn command_names() -> Vec<&'static str> {
    HELP.lines()
        .filter_map(|l| l.split_whitespace().next())
        .flat_map(|names| names.split('|'))
        .collect()
}

/// Runs one command line; the text to print (each line ending in CRLF
/// for the raw terminal).
pub fn command(ctl: &Control, line: &str) -> String {
    let words: Vec<&str> = line.split_whitespace().collect();
    let out = match words[..] {
        [] => String::new(),
        ["help" | "?"] => HELP.to_owned(),
        ["info", "status"] => format!(
            "VM status: {}\n",
            if ctl.paused() { "paused" } else { "running" }
        ),
        ["info"] | ["info", _] => "info status -- show the current VM status\n".to_owned(),
        ["stop"] => {
            if ctl.pause() {
                ctl.event("STOP", None);
            }
            String::new()
        }
        ["cont" | "c"] => {
            if ctl.resume() {
                ctl.event("RESUME", None);
            }
            String::new()
        }
        ["system_powerdown"] => {
            ctl.powerdown();
            String::new()
        }
        ["system_reset"] => {
            ctl.reset();
            String::new()
        }
        ["quit" | "q"] => {
            ctl.host_stopped("host-qmp-quit");
            ctl.quit();
            String::new()
        }
        [cmd, ..] => format!("unknown command: '{cmd}'\n"),
    };
    out.replace('\n', "\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::system::doorbell::Doorbell;

    #[test]
    fn commands() {
        let c = Control::new(Doorbell::new());
        assert_eq!(command(&c, "info status"), "VM status: running\r\n");
        assert!(command(&c, "help").contains("system_powerdown -- "));
        assert_eq!(command(&c, "  "), "");
        assert_eq!(command(&c, "frob 1"), "unknown command: 'frob'\r\n");
        let mut names = command_names();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "?",
                "c",
                "cont",
                "help",
                "info",
                "q",
                "quit",
                "stop",
                "system_powerdown",
                "system_reset"
            ]
        );
        // `stop` waits for the vCPU to park: a thread stands for it.
        let c = std::sync::Arc::new(c);
        let c2 = c.clone();
        let vcpu = std::thread::spawn(move || {
            while c2.requests() == 0 {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            c2.service(&mut || {})
        });
        assert_eq!(command(&c, "stop"), "");
        assert_eq!(command(&c, "info status"), "VM status: paused\r\n");
        assert_eq!(command(&c, "c"), "");
        assert_eq!(vcpu.join().unwrap(), super::super::Action::Continue);
        assert_eq!(command(&c, "info status"), "VM status: running\r\n");
        assert_eq!(command(&c, "q"), "");
        assert_eq!(c.service(&mut || {}), super::super::Action::Quit);
    }
}
