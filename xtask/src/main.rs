//! Development chores for Dossier, run as `cargo xtask TASK`.
//!
//! - `seed [--db PATH]`: create or refresh a development database from `seeds/`.
//! - `dist`: build the release binary and pack it with a SHA-256 checksum.
//! - `eval`: score HTML extraction on the corpora in `../shared/corpus`.
//! - `eval entities`: score entities, dated events and quote speakers on `tests/entities/`
//!   and `tests/entities-heldout/`.
//! - `bench [NAME]`: the benchmarks, and `BENCHMARKS.md` from their reports.

mod bench;
mod bench_entities;
mod bench_extract;
mod bench_import;
mod bench_report;
mod bench_storage;
mod bench_web;
mod dist;
mod eval;
mod eval_entities;
mod seed;

use std::path::{Path, PathBuf};

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  seed [--db PATH]   create or refresh a development database from seeds/
                     (default: target/dev.db)
  bench [--quick] [--db postgres://…] [--skip NAME,…] [--out PATH]
                     every benchmark below, with the extraction and entity evaluations,
                     at the sizes the issues name (--quick: small), then BENCHMARKS.md
                     (--quick: target/bench/quick/BENCHMARKS.md); `bench report` rewrites it
  bench storage [--docs N] [--quick] [--dir DIR] [--db postgres://…] [--report PATH]
                     import, size, search and story-cluster figures on a generated
                     corpus beside plain SQLite and bare FTS5 (default 100,000 documents;
                     --dir keeps the archive, and a later run there measures all but the import)
  bench web [--docs N] [--quick] [--rounds N] [--dir DIR] [--connections C] [--seconds D] [--report PATH]
                     requests/s and p50/p99 of the reader, library and search pages on a
                     generated archive beside a bare axum hello-world in the same run
                     (default 100,000 documents; --dir keeps the archive for the next run)
  bench import [--lines N] [--files N] [--words N] [--quick] [--dir DIR]
                     peak resident memory and items/s of `dossier import` on a
                     1,000,000-line NDJSON file and a folder of 200,000 files
  bench extract [--peers] [--quick] [--rounds N] [--corpus DIR] [--limit N]
                     HTML extraction speed on trafilatura-eval; --peers times Python
                     trafilatura, readability-lxml and resiliparse (pinned, pip, in
                     target/bench-extract/venv) on the same pages, round by round
  bench entities [--rounds N] [--quick]
                     what entities and dated events add to parsing plain text
  dist               build the release binary into dist/ as a .tar.gz with a .sha256
  eval [--corpus DIR] [--engine NAME] [--report PATH]
                     score HTML extraction on ../shared/corpus (trafilatura-eval,
                     readability-pages); run it as `cargo run --release -p xtask -- eval`
  eval entities [--set DIR]… [--report PATH] [--verbose]
                     persons, organisations, places and dates (precision, recall, F1) and
                     quote-speaker accuracy on the annotated sets (default: tests/entities/
                     and the held-out tests/entities-heldout/)";

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let task = args.next();
    let rest: Vec<String> = args.collect();
    if matches!(task.as_deref(), Some("bench" | "eval")) {
        bench::note_commit();
    }
    match task.as_deref() {
        Some("seed") => seed::run(&rest),
        Some("dist") => dist::run(&rest),
        Some("bench") => bench::run(&rest),
        Some("eval") => eval::run(&rest),
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => anyhow::bail!("unknown task {other:?}\n\n{USAGE}"),
    }
}

/// The workspace root: xtask lives one level below it.
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits inside the workspace").to_owned()
}

/// `cargo` run from the project's root, without the variables `cargo run` set for
/// xtask itself (`CARGO_MANIFEST_DIR`, `CARGO_PKG_…`): cargo records what a build
/// script's compilation read of them, and ring's reads `CARGO_MANIFEST_DIR`, so
/// an inherited value would make ring and everything above it build again here and
/// once more at the next `cargo test` from the shell.
fn cargo() -> std::process::Command {
    let mut command = std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("CARGO_PKG_")
            || matches!(
                &*name,
                "CARGO_MANIFEST_DIR"
                    | "CARGO_MANIFEST_PATH"
                    | "CARGO_MANIFEST_LINKS"
                    | "CARGO_CRATE_NAME"
                    | "CARGO_BIN_NAME"
                    | "CARGO_PRIMARY_PACKAGE"
            )
        {
            command.env_remove(&*name);
        }
    }
    command.current_dir(project_root());
    command
}
