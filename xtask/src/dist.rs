//! `cargo xtask dist`: builds `dossier` in release mode and packs it, with the
//! README and architecture notes, into `dist/dossier-VERSION-TARGET.tar.gz`
//! beside a `.sha256` file that `sha256sum -c` accepts.

use std::path::Path;
use std::process::Command;

use anyhow::Context;
use sha2::{Digest, Sha256};

use crate::project_root;

pub fn run(args: &[String]) -> anyhow::Result<()> {
    anyhow::ensure!(args.is_empty(), "usage: cargo xtask dist");
    let root = project_root();
    let status = crate::cargo()
        .args(["build", "--release", "--locked", "--package", "dossier-cli", "--bin", "dossier"])
        .status()
        .context("running cargo build")?;
    anyhow::ensure!(status.success(), "cargo build --release failed");

    let target = host_target()?;
    let version = env!("CARGO_PKG_VERSION");
    let name = format!("dossier-{version}-{target}");
    let dist = root.join("dist");
    let staging = dist.join(&name);
    if staging.exists() {
        std::fs::remove_dir_all(&staging).with_context(|| format!("clearing {}", staging.display()))?;
    }
    std::fs::create_dir_all(&staging)?;
    copy(&root.join("target/release/dossier"), &staging.join("dossier"))?;
    for document in ["README.md", "ARCHITECTURE.md"] {
        copy(&root.join(document), &staging.join(document))?;
    }

    let archive_name = format!("{name}.tar.gz");
    let status = Command::new("tar")
        .args(["--create", "--gzip", "--owner=0", "--group=0", "--file", &archive_name, &name])
        .current_dir(&dist)
        .status()
        .context("running tar")?;
    anyhow::ensure!(status.success(), "tar failed");
    std::fs::remove_dir_all(&staging)?;

    let archive = dist.join(&archive_name);
    let bytes = std::fs::read(&archive).with_context(|| format!("reading {}", archive.display()))?;
    let digest: String = Sha256::digest(&bytes).iter().map(|byte| format!("{byte:02x}")).collect();
    let checksum = dist.join(format!("{archive_name}.sha256"));
    std::fs::write(&checksum, format!("{digest}  {archive_name}\n"))?;
    println!("{}\n{}", archive.display(), checksum.display());
    Ok(())
}

fn copy(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::copy(from, to).with_context(|| format!("copying {} to {}", from.display(), to.display()))?;
    Ok(())
}

/// The host's target triple, as rustc names it.
fn host_target() -> anyhow::Result<String> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let output = Command::new(rustc).arg("-vV").output().context("running rustc -vV")?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(str::to_owned)
        .context("rustc -vV printed no host line")
}
