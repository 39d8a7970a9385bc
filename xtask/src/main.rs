//! Development chores for Dossier, run as `cargo xtask TASK`.
//!
//! - `seed [--db PATH]`: create or refresh a development database from `seeds/`.
//! - `dist`: build the release binary and pack it with a SHA-256 checksum.

mod dist;
mod seed;

use std::path::{Path, PathBuf};

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  seed [--db PATH]   create or refresh a development database from seeds/
                     (default: target/dev.db)
  dist               build the release binary into dist/ as a .tar.gz with a .sha256";

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let task = args.next();
    let rest: Vec<String> = args.collect();
    match task.as_deref() {
        Some("seed") => seed::run(&rest),
        Some("dist") => dist::run(&rest),
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
