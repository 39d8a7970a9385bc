//! `cargo xtask` as a developer runs it: the commands, their output and exit codes.
//! (Building this test also builds the `xtask` binary with the tests' features, so
//! CI runs the quick benchmarks with that binary instead of building it again.)

use std::path::Path;
use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().expect("xtask runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn seeding_a_development_archive_twice_adds_nothing_the_second_time() {
    let folder = tempfile::tempdir().unwrap();
    let db = folder.path().join("nested/dev.db");
    let seeds = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../seeds")).unwrap().count();

    let first = xtask(&["seed", "--db", db.to_str().unwrap()]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(
        stdout(&first).ends_with(&format!("{seeds} new, 0 already present, {seeds} documents\n")),
        "{}",
        stdout(&first)
    );

    let second = xtask(&["seed", "--db", db.to_str().unwrap()]);
    assert!(second.status.success());
    assert!(
        stdout(&second).ends_with(&format!("0 new, {seeds} already present, {seeds} documents\n")),
        "{}",
        stdout(&second)
    );
}

#[test]
fn an_absent_corpus_fails_the_evaluation_and_says_where_it_was_looked_for() {
    let folder = tempfile::tempdir().unwrap();
    let missing = folder.path().join("no-corpus-here");
    let output = xtask(&["eval", "--corpus", missing.to_str().unwrap()]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("corpus is absent") && stderr.contains("no-corpus-here"), "{stderr}");
}

#[test]
fn an_unknown_task_fails_with_the_list_of_tasks() {
    let output = xtask(&["sede"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown task \"sede\"") && stderr.contains("bench entities"), "{stderr}");
    assert!(stdout(&xtask(&["--help"])).contains("seed [--db PATH]"));
}
