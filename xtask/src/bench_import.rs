//! `cargo xtask bench import`: the resident memory of `dossier import` on a very
//! large NDJSON file and on a folder of very many files, sampled from
//! `/proc/PID/status` while the real binary runs (the release binary when xtask is a
//! release build), with its items/s.
//!
//! The limit that matters is the peak resident set (`VmHWM`). It is reported with
//! its two parts at their sampled peaks: anonymous memory (the heap: batches,
//! parse trees, SQLite's page cache) and file-backed memory (the binary, and the
//! archive's pages SQLite maps read-only, which the kernel drops first).
//!
//! Options: `--lines N` (default 1,000,000), `--files N` (default 200,000),
//! `--words N` mean words an article (default 150), `--quick` (4,000 lines,
//! 1,000 files), `--dir DIR` (default a scratch folder, `bench::Scratch`), `--report PATH`.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use dossier_synth::Generator;

struct Options {
    command: String,
    lines: usize,
    files: usize,
    words: usize,
    folder: Option<PathBuf>,
    report: PathBuf,
}

fn options(args: &[String]) -> anyhow::Result<Options> {
    let mut options = Options {
        command: format!("bench import {}", args.join(" ")),
        lines: 1_000_000,
        files: 200_000,
        words: 150,
        folder: None,
        report: PathBuf::new(),
    };
    let (mut quick, mut report) = (false, None);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value =
            |name: &str| args.next().ok_or_else(|| anyhow::anyhow!("{name} needs a value")).cloned();
        match arg.as_str() {
            "--lines" => options.lines = value("--lines")?.parse()?,
            "--files" => options.files = value("--files")?.parse()?,
            "--words" => options.words = value("--words")?.parse()?,
            "--quick" => (quick, options.lines, options.files) = (true, 4_000, 1_000),
            "--dir" => options.folder = Some(PathBuf::from(value("--dir")?)),
            "--report" => report = Some(PathBuf::from(value("--report")?)),
            other => anyhow::bail!("unknown option {other:?}"),
        }
    }
    options.report = report.unwrap_or_else(|| crate::bench::report_path("import", quick));
    Ok(options)
}

/// Peaks seen while one import ran.
#[derive(Debug, Default)]
struct Run {
    items: usize,
    seconds: f64,
    /// `VmHWM`, the kernel's own peak of the resident set, in KiB.
    peak_kib: u64,
    peak_anonymous_kib: u64,
    peak_file_kib: u64,
    /// The resident set at the last sample, a moment before the end.
    last_kib: u64,
}

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let options = options(args)?;
    let root = crate::project_root();
    // The binary of xtask's own profile: a release xtask measures the release
    // binary. A dev xtask (a smoke test, `cargo xtask bench --quick`) takes the dev
    // binary `cargo test --workspace` builds for the command-line tests: built
    // alone, `dossier` would resolve its dependencies' features without the tests'
    // (insta's and proptest's regex features) and rebuild a dozen crates twice.
    let (build, folder): (&[&str], _) = if cfg!(debug_assertions) {
        (&["test", "--workspace", "--no-run"], "debug")
    } else {
        (&["build", "--release", "-p", "dossier-cli", "--bin", "dossier"], "release")
    };
    println!("building the binary (cargo {})", build.join(" "));
    let status = crate::cargo().args(build).status()?;
    anyhow::ensure!(status.success(), "cargo {} failed", build.join(" "));
    let binary = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), PathBuf::from)
        .join(folder)
        .join("dossier");

    let scratch = crate::bench::Scratch::new("import")?;
    let folder = options.folder.clone().unwrap_or_else(|| scratch.path().to_owned());
    std::fs::create_dir_all(&folder)?;

    let ndjson = folder.join("articles.ndjson");
    let started = Instant::now();
    let bytes = write_ndjson(&ndjson, options.lines, options.words)?;
    println!(
        "wrote {} lines ({:.0} MB) in {:.1} s",
        options.lines,
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let lines = measure(&binary, &folder.join("lines.db"), &ndjson, options.lines)?;
    std::fs::remove_file(&ndjson)?;
    report("NDJSON lines", &lines);

    let files_folder = folder.join("files");
    let started = Instant::now();
    write_files(&files_folder, options.files, options.words)?;
    println!("wrote {} files in {:.1} s", options.files, started.elapsed().as_secs_f64());
    let files = measure(&binary, &folder.join("files.db"), &files_folder, options.files)?;
    report("files", &files);

    let json = serde_json::json!({
        "lines": as_json(&lines),
        "files": as_json(&files),
        "words_per_article": options.words,
    });
    crate::bench::write_report(&options.report, &options.command, json)
}

fn as_json(run: &Run) -> serde_json::Value {
    serde_json::json!({
        "items": run.items,
        "seconds": run.seconds,
        "items_per_second": run.items as f64 / run.seconds,
        "peak_resident_mib": run.peak_kib as f64 / 1024.0,
        "peak_anonymous_mib": run.peak_anonymous_kib as f64 / 1024.0,
        "peak_file_backed_mib": run.peak_file_kib as f64 / 1024.0,
    })
}

fn report(what: &str, run: &Run) {
    println!(
        "{what}: {} items in {:.1} s ({:.0} items/s); peak resident {:.0} MiB (anonymous {:.0} MiB, \
         file-backed {:.0} MiB at their peaks), {:.0} MiB at the end",
        run.items,
        run.seconds,
        run.items as f64 / run.seconds,
        run.peak_kib as f64 / 1024.0,
        run.peak_anonymous_kib as f64 / 1024.0,
        run.peak_file_kib as f64 / 1024.0,
        run.last_kib as f64 / 1024.0,
    );
}

fn article_json(generator: &mut Generator, number: usize, words: usize) -> serde_json::Value {
    let topic = number % generator.topic_count();
    let article = generator.article(topic, words);
    serde_json::json!({
        "title": article.title,
        "published": article.date,
        "site": article.site,
        "authors": [article.author],
        "url": format!("https://{}/{number}", article.site),
        "text": article.paragraphs.iter().map(|words| words.join(" ")).collect::<Vec<_>>().join("\n\n"),
    })
}

fn write_ndjson(path: &Path, lines: usize, words: usize) -> anyhow::Result<u64> {
    let mut generator = Generator::new(7, 40);
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    for number in 0..lines {
        serde_json::to_writer(&mut out, &article_json(&mut generator, number, words))?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

fn write_files(folder: &Path, files: usize, words: usize) -> anyhow::Result<()> {
    let mut generator = Generator::new(11, 40);
    for number in 0..files {
        // A thousand files a folder, as saved pages pile up in real folders.
        let sub = folder.join(format!("{:04}", number / 1000));
        if number % 1000 == 0 {
            std::fs::create_dir_all(&sub)?;
        }
        let topic = number % generator.topic_count();
        std::fs::write(sub.join(format!("{number}.txt")), generator.article(topic, words).to_text())?;
    }
    Ok(())
}

/// Runs `dossier import PATH` into a new archive, sampling its memory every 50 ms.
fn measure(binary: &Path, db: &Path, input: &Path, items: usize) -> anyhow::Result<Run> {
    let _ = std::fs::remove_file(db);
    let started = Instant::now();
    let mut child = Command::new(binary)
        .arg("--db")
        .arg(db)
        .arg("import")
        .arg("--no-fetch")
        .arg(input)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()?;
    let status_path = format!("/proc/{}/status", child.id());
    let mut run = Run { items, ..Run::default() };
    loop {
        if let Some(status) = child.try_wait()? {
            anyhow::ensure!(
                status.success() || status.code() == Some(1),
                "dossier import ended with {status}"
            );
            break;
        }
        if let Ok(status) = std::fs::read_to_string(&status_path) {
            let field = |name: &str| {
                status
                    .lines()
                    .find_map(|line| line.strip_prefix(name))
                    .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            };
            if let Some(peak) = field("VmHWM:") {
                run.peak_kib = run.peak_kib.max(peak);
            }
            run.peak_anonymous_kib = run.peak_anonymous_kib.max(field("RssAnon:").unwrap_or(0));
            run.peak_file_kib = run.peak_file_kib.max(field("RssFile:").unwrap_or(0));
            run.last_kib = field("VmRSS:").unwrap_or(run.last_kib);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    run.seconds = started.elapsed().as_secs_f64();
    Ok(run)
}
