//! An integration test: a child process of the test binary (itself, run
//! again under the same runner through execve).
use std::process::Command;

#[test]
fn child_exit_status() {
    if std::env::var_os("CROSSCHECK_CHILD").is_some() {
        std::process::exit(7);
    }
    let me = std::env::current_exe().unwrap();
    let st = Command::new(me)
        .args(["--exact", "child_exit_status", "--nocapture"])
        .env("CROSSCHECK_CHILD", "1")
        .status()
        .unwrap();
    assert_eq!(st.code(), Some(7));
}
