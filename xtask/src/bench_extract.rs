//! `cargo xtask bench extract [--peers]`: extraction speed on the trafilatura-eval
//! pages, one thread, and with `--peers` the Python extractors timed on the same
//! pages in the same run: trafilatura (the issue's peer), readability-lxml and
//! resiliparse, pinned, installed with pip into a virtual environment under
//! `target/bench-extract/`. A peer that cannot be installed is skipped with the
//! reason; the others are still measured.
//!
//! The run is made of rounds; each round times Dossier and then every peer on all
//! the pages, so a burst of load on the shared machine falls on one round of each
//! rather than on one extractor. Reported per extractor: MB/s as the median of
//! the rounds with their minimum and maximum, and milliseconds a page over every
//! page of every round; the ratios to each peer are taken round by round and
//! reported the same way. Only the extraction call is timed on either side: files
//! are read first, and Python's interpreter start and imports are outside the clock.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};
use serde_json::{Value, json};

use crate::bench::{Spread, quantile};
use crate::eval::resolve_corpus;
use crate::project_root;

const USAGE: &str = "usage: cargo xtask bench extract [--peers] [--quick] [--rounds N] [--corpus DIR] [--limit N] [--report PATH]";

/// The issue's target: Dossier's MB/s at least this many times trafilatura's.
pub const RATIO_TARGET: f64 = 10.0;

/// A Python extractor: how to install it (pinned, so that figures are comparable
/// between runs) and the call that is timed on each page's bytes.
struct Peer {
    name: &'static str,
    /// The distribution whose version is reported.
    distribution: &'static str,
    packages: &'static [&'static str],
    imports: &'static str,
    call: &'static str,
}

const PEERS: [Peer; 3] = [
    Peer {
        name: "trafilatura",
        distribution: "trafilatura",
        // lxml 6 moved the cleaner that trafilatura's justext fallback imports into its own package.
        packages: &["trafilatura==2.3.1", "lxml_html_clean==0.4.6"],
        imports: "import trafilatura",
        call: "trafilatura.extract(page, include_comments=False)",
    },
    Peer {
        name: "readability-lxml",
        distribution: "readability-lxml",
        packages: &["readability-lxml==0.9", "lxml_html_clean==0.4.6"],
        imports: "from readability import Document",
        call: "Document(page).summary()",
    },
    Peer {
        name: "resiliparse",
        distribution: "resiliparse",
        packages: &["resiliparse==2.0.1"],
        imports: "from resiliparse.parse.html import HTMLTree\nfrom resiliparse.extract.html2text import extract_plain_text",
        call: "extract_plain_text(HTMLTree.parse_from_bytes(page), main_content=True)",
    },
];

/// Times the peer's call per page on the files listed in argv[1]; prints JSON.
fn python_runner(peer: &Peer) -> String {
    format!(
        r#"import json, sys, time
from importlib.metadata import version
{imports}
paths = [line.rstrip("\n") for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
pages = [open(path, "rb").read() for path in paths]
timings = []
for page in pages:
    start = time.perf_counter()
    {call}
    timings.append(time.perf_counter() - start)
print(json.dumps({{"version": version("{distribution}"), "seconds": timings}}))
"#,
        imports = peer.imports,
        call = peer.call,
        distribution = peer.distribution
    )
}

struct Options {
    peers: bool,
    corpus: Option<PathBuf>,
    limit: usize,
    rounds: usize,
    report: PathBuf,
}

fn options(args: &[String]) -> anyhow::Result<Option<Options>> {
    let mut options = Options {
        peers: false,
        corpus: None,
        limit: usize::MAX,
        rounds: 5,
        report: crate::bench::report_path("extract", false),
    };
    let mut report = None;
    let mut quick = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value =
            |name: &str| args.next().cloned().with_context(|| format!("{name} needs a value\n\n{USAGE}"));
        match arg.as_str() {
            "--peers" => options.peers = true,
            "--quick" => {
                quick = true;
                (options.limit, options.rounds) = (50, 2);
            }
            "--corpus" => options.corpus = Some(PathBuf::from(value("--corpus")?)),
            "--limit" => options.limit = value("--limit")?.parse().context("--limit takes a number")?,
            "--rounds" => {
                options.rounds = value("--rounds")?.parse().context("--rounds takes a number")?;
                anyhow::ensure!(options.rounds > 0, "--rounds takes a positive number");
            }
            "--report" => report = Some(PathBuf::from(value("--report")?)),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            other => bail!("unknown argument {other:?}\n\n{USAGE}"),
        }
    }
    options.report = report.unwrap_or_else(|| crate::bench::report_path("extract", quick));
    Ok(Some(options))
}

/// One extractor's timings: seconds a page, one list a round.
struct Timed {
    name: String,
    version: String,
    rounds: Vec<Vec<f64>>,
}

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let Some(options) = options(args)? else { return Ok(()) };
    if cfg!(debug_assertions) {
        println!(
            "note: a debug build of xtask; quote figures from `cargo run --release -p xtask -- bench extract`"
        );
    }
    let corpus = resolve_corpus(options.corpus.clone())?;
    let pages = page_paths(&corpus.join("trafilatura-eval/html"), options.limit)?;
    let contents: Vec<Vec<u8>> = pages
        .iter()
        .map(|path| std::fs::read(path).with_context(|| format!("reading {}", path.display())))
        .collect::<anyhow::Result<_>>()?;
    let bytes: usize = contents.iter().map(Vec::len).sum();

    let mut skipped = Vec::new();
    // (peer, its Python, its runner script)
    let mut peers = Vec::new();
    let folder = project_root().join("target/bench-extract");
    let list = folder.join("pages.txt");
    if options.peers {
        std::fs::create_dir_all(&folder).with_context(|| format!("creating {}", folder.display()))?;
        let listing: String = pages.iter().map(|path| format!("{}\n", path.display())).collect();
        std::fs::write(&list, listing).with_context(|| format!("writing {}", list.display()))?;
        for peer in &PEERS {
            match install(&folder, peer) {
                Ok(python) => {
                    let script = folder.join(format!("run_{}.py", peer.name.replace('-', "_")));
                    std::fs::write(&script, python_runner(peer))
                        .with_context(|| format!("writing {}", script.display()))?;
                    peers.push((peer, python, script));
                }
                Err(error) => {
                    println!("skipping {}: {error:#}", peer.name);
                    skipped.push(json!({ "extractor": peer.name, "reason": format!("{error:#}") }));
                }
            }
        }
    }

    let mut timed = vec![Timed {
        name: "dossier".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        rounds: Vec::new(),
    }];
    timed.extend(peers.iter().map(|(peer, ..)| Timed {
        name: format!("{} (Python)", peer.name),
        version: String::new(),
        rounds: Vec::new(),
    }));
    for round in 1..=options.rounds {
        println!("round {round} of {}: {} pages", options.rounds, contents.len());
        let mut seconds = Vec::with_capacity(contents.len());
        for page in &contents {
            let start = Instant::now();
            let _ = std::hint::black_box(dossier_core::html::parse_html(page, None));
            seconds.push(start.elapsed().as_secs_f64());
        }
        timed[0].rounds.push(seconds);
        for (index, (peer, python, script)) in peers.iter().enumerate() {
            let (version, seconds) = time_peer(python, script, peer.name, &list)?;
            timed[index + 1].version = version;
            timed[index + 1].rounds.push(seconds);
        }
    }

    println!(
        "\n{} pages of trafilatura-eval, {:.1} MB, one thread, {} rounds\n",
        contents.len(),
        bytes as f64 / 1e6,
        options.rounds
    );
    println!(
        "| extractor | version | ms/page (median) | ms/page (mean) | ms/page (p95) | MB/s (median of rounds) | MB/s (min–max) |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    let megabytes = bytes as f64 / 1e6;
    let round_rates = |timed: &Timed| -> Vec<f64> {
        timed.rounds.iter().map(|round| megabytes / round.iter().sum::<f64>()).collect()
    };
    let mut rows = Vec::new();
    for extractor in &timed {
        let milliseconds: Vec<f64> =
            extractor.rounds.iter().flatten().map(|seconds| seconds * 1000.0).collect();
        let (median, p95) = (quantile(&milliseconds, 0.5), quantile(&milliseconds, 0.95));
        let mean = milliseconds.iter().sum::<f64>() / milliseconds.len().max(1) as f64;
        let rates = round_rates(extractor);
        let spread = Spread::of(&rates);
        println!(
            "| {} | {} | {median:.2} | {mean:.2} | {p95:.2} | {:.1} | {:.1}–{:.1} |",
            extractor.name, extractor.version, spread.median, spread.min, spread.max
        );
        rows.push(json!({
            "extractor": extractor.name, "version": extractor.version, "median_ms": median, "mean_ms": mean,
            "p95_ms": p95, "megabytes_per_second": spread.to_json(),
        }));
    }
    let mut ratios = Vec::new();
    let ours = round_rates(&timed[0]);
    for peer in &timed[1..] {
        let per_round: Vec<f64> =
            ours.iter().zip(round_rates(peer)).map(|(ours, theirs)| ours / theirs).collect();
        let spread = Spread::of(&per_round);
        println!(
            "\nDossier extracts {:.1}× the MB/s of {} (rounds: {:.1}–{:.1}×)",
            spread.median, peer.name, spread.min, spread.max
        );
        ratios.push(json!({ "peer": peer.name, "ratio": spread.to_json() }));
    }
    let report = json!({
        "pages": contents.len(), "bytes": bytes, "rounds": options.rounds, "rows": rows, "ratios": ratios,
        "skipped": skipped, "ratio_target": RATIO_TARGET,
    });
    crate::bench::write_report(&options.report, &format!("bench extract {}", args.join(" ")), report)
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

/// Makes sure the peer is installed, at its pinned version, in `folder/venv`;
/// returns the virtual environment's Python.
fn install(folder: &Path, peer: &Peer) -> anyhow::Result<PathBuf> {
    let venv = folder.join("venv");
    let python = venv.join("bin/python");
    if !python.is_file() {
        println!("creating a Python virtual environment in {}", venv.display());
        let output = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .output()
            .context("running python3 -m venv (is python3 installed?)")?;
        if !output.status.success() {
            bail!(
                "python3 -m venv {} failed: {}",
                venv.display(),
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
    }
    let pinned = peer.packages[0].split_once("==").map_or("", |(_, version)| version);
    let check = format!(
        "from importlib.metadata import version\n{}\nassert version('{}') == '{pinned}'",
        peer.imports, peer.distribution
    );
    let installed = |python: &Path| {
        Command::new(python).args(["-c", &check]).output().is_ok_and(|out| out.status.success())
    };
    if installed(&python) {
        return Ok(python);
    }
    println!("installing {} into {} with pip …", peer.packages.join(" "), venv.display());
    let log = folder.join(format!("pip-{}.log", peer.name));
    let output = Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
        .args(peer.packages)
        .output()
        .context("running pip")?;
    std::fs::write(&log, [output.stdout.as_slice(), output.stderr.as_slice()].concat())
        .with_context(|| format!("writing {}", log.display()))?;
    if !output.status.success() || !installed(&python) {
        bail!("pip install {} failed (its output: {})", peer.packages.join(" "), log.display());
    }
    Ok(python)
}

/// Times one peer on the listed pages in a fresh interpreter, with its runner
/// `script`; returns its version and seconds a page.
fn time_peer(python: &Path, script: &Path, name: &str, list: &Path) -> anyhow::Result<(String, Vec<f64>)> {
    let output =
        Command::new(python).arg(script).arg(list).output().with_context(|| format!("running {name}"))?;
    if !output.status.success() {
        bail!("{name} failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    let result: Value =
        serde_json::from_slice(&output.stdout).with_context(|| format!("reading {name}'s timings"))?;
    let version = result["version"].as_str().unwrap_or("?").to_owned();
    let seconds = result["seconds"]
        .as_array()
        .with_context(|| format!("{name}'s timings are not a list"))?
        .iter()
        .filter_map(Value::as_f64)
        .collect();
    Ok((version, seconds))
}
