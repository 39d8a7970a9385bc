//! `cargo xtask bench extract [--peers]`: extraction speed on the trafilatura-eval
//! pages, one thread, and with `--peers` Python trafilatura timed on the same pages
//! in the same run (installed with pip into a virtual environment under
//! `target/bench-extract/`).
//!
//! Only the extraction call is timed on either side: files are read first, and
//! Python's interpreter start and imports are outside the clock.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};
use serde_json::{Value, json};

use crate::bench::quantile;
use crate::eval::resolve_corpus;
use crate::project_root;

const USAGE: &str = "usage: cargo xtask bench extract [--peers] [--corpus DIR] [--limit N] [--report PATH]";

/// The peer and its version, pinned so that figures are comparable between runs.
const TRAFILATURA: &str = "trafilatura==2.3.1";

/// Times `trafilatura.extract` per page on the files listed in argv[1]; prints JSON.
const PYTHON_RUNNER: &str = r#"
import json, sys, time
import trafilatura
paths = [line.rstrip("\n") for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
pages = [open(path, "rb").read() for path in paths]
timings = []
for page in pages:
    start = time.perf_counter()
    trafilatura.extract(page, include_comments=False)
    timings.append(time.perf_counter() - start)
print(json.dumps({"version": trafilatura.__version__, "seconds": timings}))
"#;

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let mut peers = false;
    let mut corpus = None;
    let mut limit = usize::MAX;
    let mut report = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value =
            |name: &str| args.next().cloned().with_context(|| format!("{name} needs a value\n\n{USAGE}"));
        match arg.as_str() {
            "--peers" => peers = true,
            "--corpus" => corpus = Some(PathBuf::from(value("--corpus")?)),
            "--limit" => limit = value("--limit")?.parse().context("--limit takes a number")?,
            "--report" => report = Some(PathBuf::from(value("--report")?)),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => bail!("unknown argument {other:?}\n\n{USAGE}"),
        }
    }
    if cfg!(debug_assertions) {
        println!(
            "note: a debug build of xtask; quote figures from `cargo run --release -p xtask -- bench extract`"
        );
    }
    let corpus = resolve_corpus(corpus)?;
    let pages = page_paths(&corpus.join("trafilatura-eval/html"), limit)?;
    let contents: Vec<Vec<u8>> = pages
        .iter()
        .map(|path| std::fs::read(path).with_context(|| format!("reading {}", path.display())))
        .collect::<anyhow::Result<_>>()?;
    let bytes: usize = contents.iter().map(Vec::len).sum();

    let mut dossier_seconds = Vec::with_capacity(contents.len());
    for page in &contents {
        let start = Instant::now();
        let _ = std::hint::black_box(dossier_core::html::parse_html(page, None));
        dossier_seconds.push(start.elapsed().as_secs_f64());
    }
    let mut rows = vec![("dossier".to_owned(), env!("CARGO_PKG_VERSION").to_owned(), dossier_seconds)];
    if peers {
        let (version, seconds) = time_trafilatura(&pages)?;
        rows.push(("trafilatura (Python)".to_owned(), version, seconds));
    }

    println!("\n{} pages of trafilatura-eval, {:.1} MB, one thread\n", contents.len(), bytes as f64 / 1e6);
    println!("| extractor | version | ms/page (median) | ms/page (mean) | ms/page (p95) | MB/s |");
    println!("| --- | --- | --- | --- | --- | --- |");
    let mut report_rows = Vec::new();
    for (name, version, seconds) in &rows {
        let total: f64 = seconds.iter().sum();
        let megabytes_per_second = bytes as f64 / 1e6 / total;
        let milliseconds: Vec<f64> = seconds.iter().map(|seconds| seconds * 1000.0).collect();
        let (median, p95) = (quantile(&milliseconds, 0.5), quantile(&milliseconds, 0.95));
        let mean = total * 1000.0 / seconds.len().max(1) as f64;
        println!("| {name} | {version} | {median:.2} | {mean:.2} | {p95:.2} | {megabytes_per_second:.1} |");
        report_rows.push(json!({
            "extractor": name, "version": version, "median_ms": median, "mean_ms": mean, "p95_ms": p95,
            "megabytes_per_second": megabytes_per_second,
        }));
    }
    if let [dossier, peer] = report_rows.as_slice() {
        let ratio = dossier["megabytes_per_second"].as_f64().unwrap_or_default()
            / peer["megabytes_per_second"].as_f64().unwrap_or(f64::NAN);
        println!("\nDossier extracts {ratio:.1}× the MB/s of trafilatura on the same pages in this run");
    }
    let report = report.unwrap_or_else(|| project_root().join("target/bench-extract/report.json"));
    if let Some(parent) = report.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    let report_json: Value = json!({ "pages": contents.len(), "bytes": bytes, "rows": report_rows });
    std::fs::write(&report, serde_json::to_string_pretty(&report_json)?)
        .with_context(|| format!("writing {}", report.display()))?;
    println!("report written to {}", report.display());
    Ok(())
}

fn page_paths(folder: &Path, limit: usize) -> anyhow::Result<Vec<PathBuf>> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(folder)
        .with_context(|| format!("reading {}", folder.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file())
        .collect();
    pages.sort();
    pages.truncate(limit);
    Ok(pages)
}

/// Installs trafilatura into `target/bench-extract/venv` when needed, then times it.
fn time_trafilatura(pages: &[PathBuf]) -> anyhow::Result<(String, Vec<f64>)> {
    let folder = project_root().join("target/bench-extract");
    std::fs::create_dir_all(&folder).with_context(|| format!("creating {}", folder.display()))?;
    let venv = folder.join("venv");
    let python = venv.join("bin/python");
    let installed = python.is_file()
        && Command::new(&python)
            .args(["-c", "import trafilatura"])
            .output()
            .is_ok_and(|out| out.status.success());
    if !installed {
        println!("installing {TRAFILATURA} into {} with pip …", venv.display());
        let status = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .context("running python3 -m venv (is python3 installed?)")?;
        if !status.success() {
            bail!("python3 -m venv {} failed", venv.display());
        }
        // lxml 6 moved the cleaner trafilatura's justext fallback imports into its own package.
        let status = Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", TRAFILATURA, "lxml_html_clean"])
            .status()
            .context("running pip")?;
        if !status.success() {
            bail!("pip install {TRAFILATURA} failed");
        }
    }
    let list = folder.join("pages.txt");
    let listing: String = pages.iter().map(|path| format!("{}\n", path.display())).collect();
    std::fs::write(&list, listing).with_context(|| format!("writing {}", list.display()))?;
    let script = folder.join("run_trafilatura.py");
    std::fs::write(&script, PYTHON_RUNNER).with_context(|| format!("writing {}", script.display()))?;
    println!("timing trafilatura on {} pages …", pages.len());
    let output = Command::new(&python).arg(&script).arg(&list).output().context("running trafilatura")?;
    if !output.status.success() {
        bail!("trafilatura run failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    let result: Value = serde_json::from_slice(&output.stdout).context("reading trafilatura's timings")?;
    let version = result["version"].as_str().unwrap_or("?").to_owned();
    let seconds = result["seconds"]
        .as_array()
        .context("trafilatura's timings are not a list")?
        .iter()
        .filter_map(Value::as_f64)
        .collect();
    Ok((version, seconds))
}
