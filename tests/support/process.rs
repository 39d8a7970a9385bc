//! Test support for driving child processes: the real `dossier` binary isolated
//! from the developer's own archive and settings, the address `dossier serve`
//! prints, and waiting for a process with a deadline instead of a sleep.

// Each test binary that includes this module uses a part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

/// The real binary, with `home` as its home folder and no archive, proxy or log
/// settings inherited from the environment.
pub fn dossier(home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dossier"));
    command
        .env_remove("DOSSIER_DB")
        .env_remove("XDG_DATA_HOME")
        .env_remove("http_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("https_proxy")
        .env_remove("HTTPS_PROXY")
        .env("HOME", home)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null());
    command
}

/// Reads the child's standard output (piped) until `dossier serve` prints where it
/// listens, and returns `HOST:PORT`.
pub fn served_address(child: &mut Child) -> String {
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
    let mut line = String::new();
    // An import summary may come first, then the address.
    while !line.contains("http://") {
        line.clear();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "serve exited before printing its address");
    }
    line.split("http://").nth(1).unwrap().trim().trim_end_matches('/').to_owned()
}

/// Waits for the child to exit and returns its output; panics, naming `what`, past `deadline`.
pub fn wait_with_deadline(child: Child, deadline: Duration, what: &str) -> Output {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(child.wait_with_output());
    });
    receiver
        .recv_timeout(deadline)
        .unwrap_or_else(|_| panic!("{what} did not finish within {} s", deadline.as_secs()))
        .unwrap()
}
