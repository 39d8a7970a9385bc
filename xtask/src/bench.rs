//! `cargo xtask bench [NAME]`: benchmarks that report medians and ratios against a
//! peer measured in the same run.
//!
//! Without a name every benchmark runs in turn (extraction accuracy and speed,
//! entities, storage, import, web) and `BENCHMARKS.md` is written from their JSON
//! reports (`bench_report`). `--quick` runs each at its small size, keeps its
//! reports apart (`target/bench/quick/`) and writes the Markdown report there too,
//! so a smoke test never overwrites the figures of a full run.
//!
//! Run them on a release build: `cargo xtask bench …` builds xtask in the dev
//! profile, whose dependencies are optimised but whose own code is not, so prefer
//! `cargo run --release -p xtask -- bench …` for figures worth quoting.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use anyhow::Context;
use serde_json::{Value, json};

use crate::{
    bench_entities, bench_extract, bench_import, bench_report, bench_storage, bench_web, project_root,
};

const USAGE: &str = "usage: cargo xtask bench [--quick] [--db postgres://…] [--skip NAME,…] [--out PATH]
       cargo xtask bench report [--quick] [--out PATH]
       cargo xtask bench storage [--docs N] [--quick] [--db postgres://…] [--report PATH]
       cargo xtask bench extract [--peers] [--quick] [--rounds N] [--corpus DIR] [--limit N] [--report PATH]
       cargo xtask bench web [--docs N] [--quick] [--rounds N] [--dir DIR] [--connections C] [--seconds D] [--report PATH]
       cargo xtask bench import [--lines N] [--files N] [--words N] [--quick] [--dir DIR] [--report PATH]
       cargo xtask bench entities [--rounds N] [--quick] [--corpus DIR] [--report PATH]

Without a name, every benchmark runs at the size its issue names (--quick: under a minute
each) and BENCHMARKS.md is written from the reports (--quick: target/bench/quick/BENCHMARKS.md).
`bench report` writes it again from the reports of the last runs.";

/// The steps of a whole run, in order: (name, what it measures).
pub const STEPS: [(&str, &str); 7] = [
    ("eval", "extraction accuracy on the corpora"),
    ("extract", "extraction speed beside the Python extractors"),
    ("eval-entities", "entities, dates and quote speakers on the annotated sets"),
    ("entities", "the cost of entities and dates in parsing"),
    ("storage", "import, size, search and story clusters"),
    ("import", "memory and items/s of `dossier import`"),
    ("web", "reader, library and search pages beside hello-world"),
];

pub fn run(args: &[String]) -> anyhow::Result<()> {
    // `bench storage --help` as well as `bench --help`; `bench extract` prints its own line.
    if args.first().is_none_or(|first| first != "extract")
        && args.iter().any(|arg| arg == "-h" || arg == "--help")
    {
        println!("{USAGE}");
        return Ok(());
    }
    match args.first().map(String::as_str) {
        Some("storage") => bench_storage::run(&args[1..]),
        Some("extract") => bench_extract::run(&args[1..]),
        Some("web") => bench_web::run(&args[1..]),
        Some("import") => bench_import::run(&args[1..]),
        Some("entities") => bench_entities::run(&args[1..]),
        Some("report") => {
            let options = options(&args[1..])?;
            let written = bench_report::write(options.quick, &options.out)?;
            println!("{} written", written.display());
            Ok(())
        }
        None => all(options(args)?),
        Some(first) if first.starts_with("--") => all(options(args)?),
        Some(other) => anyhow::bail!("unknown benchmark {other:?}\n\n{USAGE}"),
    }
}

struct Options {
    quick: bool,
    postgres: Option<String>,
    skip: Vec<String>,
    out: Option<PathBuf>,
}

fn options(args: &[String]) -> anyhow::Result<Options> {
    let mut options = Options { quick: false, postgres: None, skip: Vec::new(), out: None };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value =
            |name: &str| args.next().cloned().with_context(|| format!("{name} needs a value\n\n{USAGE}"));
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--db" => options.postgres = Some(value("--db")?),
            "--out" => options.out = Some(PathBuf::from(value("--out")?)),
            "--skip" => {
                options.skip = value("--skip")?.split(',').map(str::to_owned).collect();
                if let Some(unknown) =
                    options.skip.iter().find(|name| !STEPS.iter().any(|(step, _)| step == *name))
                {
                    let names: Vec<&str> = STEPS.iter().map(|(name, _)| *name).collect();
                    anyhow::bail!(
                        "unknown benchmark {unknown:?} in --skip: choose among {}",
                        names.join(", ")
                    );
                }
            }
            other => anyhow::bail!("unknown argument {other:?}\n\n{USAGE}"),
        }
    }
    Ok(options)
}

/// Runs every step, goes on past a failed one, then writes the Markdown report.
/// Fails at the end when a step failed, naming it.
fn all(options: Options) -> anyhow::Result<()> {
    let started = Instant::now();
    let quick = options.quick;
    let mut failed = Vec::new();
    for (name, what) in STEPS {
        let report = report_path(name, quick);
        if options.skip.iter().any(|skip| skip == name) {
            println!("\n== {name}: skipped (--skip); the report keeps its last figures, if any");
            continue;
        }
        println!("\n== {name}: {what}");
        let step_started = Instant::now();
        let outcome = step(name, quick, options.postgres.as_deref(), &report);
        match outcome {
            Ok(()) => println!("== {name}: done in {:.0} s", step_started.elapsed().as_secs_f64()),
            Err(error) => {
                println!("== {name}: FAILED: {error:#}");
                // A stale report from an earlier run must not pass for this one's.
                let _ = std::fs::remove_file(&report);
                failed.push(name);
            }
        }
    }
    let written = bench_report::write(quick, &options.out)?;
    println!("\n{} written after {:.0} s", written.display(), started.elapsed().as_secs_f64());
    anyhow::ensure!(failed.is_empty(), "benchmarks failed: {}", failed.join(", "));
    Ok(())
}

/// One step with the arguments of its size; its report goes to `report`.
fn step(name: &str, quick: bool, postgres: Option<&str>, report: &Path) -> anyhow::Result<()> {
    let mut args: Vec<String> = Vec::new();
    let mut push = |values: &[&str]| args.extend(values.iter().map(|value| (*value).to_owned()));
    match name {
        "eval" => {
            if quick {
                push(&["--limit", "150"]);
            }
        }
        "eval-entities" => {}
        "extract" => {
            push(&["--peers"]);
            if quick {
                push(&["--quick"]);
            }
        }
        "storage" => {
            push(if quick { &["--quick"] } else { &["--docs", "1000000"] });
            if let Some(url) = postgres {
                push(&["--db", url]);
            }
        }
        "entities" | "import" | "web" => {
            if quick {
                push(&["--quick"]);
            }
        }
        other => anyhow::bail!("no benchmark {other:?}"),
    }
    push(&["--report", &report.display().to_string()]);
    match name {
        "eval" => crate::eval::run(&args),
        "eval-entities" => crate::eval::run(&[&["entities".to_owned()], args.as_slice()].concat()),
        "extract" => bench_extract::run(&args),
        "entities" => bench_entities::run(&args),
        "storage" => bench_storage::run(&args),
        "import" => bench_import::run(&args),
        "web" => bench_web::run(&args),
        _ => unreachable!("checked above"),
    }
}

/// A benchmark run's working folder (archives, generated inputs: gigabytes at a
/// million documents), `target/bench/scratch/NAME-PID`, removed when the run
/// ends. A run stopped by a signal (Ctrl-C, `kill`) cannot remove its own, so each
/// run first removes the folders of runs whose process is gone.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new(name: &str) -> anyhow::Result<Scratch> {
        Scratch::within(&project_root().join("target/bench/scratch"), name)
    }

    fn within(parent: &Path, name: &str) -> anyhow::Result<Scratch> {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        remove_abandoned(parent);
        let path = parent.join(format!("{name}-{}", std::process::id()));
        // A folder of this name is an earlier process's that had the same id.
        if path.exists() {
            std::fs::remove_dir_all(&path).with_context(|| format!("removing {}", path.display()))?;
        }
        std::fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(Scratch(path))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Removes the scratch folders in `parent` whose process is gone.
fn remove_abandoned(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let process =
            name.to_str().and_then(|name| name.rsplit_once('-')).and_then(|(_, id)| id.parse().ok());
        if let Some(process) = process
            && process != std::process::id()
            && !is_running(process)
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether process `id` is running: on Linux, whether `/proc` lists it. Where
/// there is no `/proc`, every process counts as running, and nothing is removed.
fn is_running(id: u32) -> bool {
    !Path::new("/proc/self").exists() || Path::new("/proc").join(id.to_string()).exists()
}

/// Where a benchmark's JSON report goes unless `--report` says otherwise.
pub fn report_path(name: &str, quick: bool) -> PathBuf {
    let folder = project_root().join("target/bench");
    let folder = if quick { folder.join("quick") } else { folder };
    folder.join(format!("{name}.json"))
}

/// Writes a benchmark's JSON report with a `run` object added: when it finished,
/// the commit, the build profile, the command line and the load average, so that
/// `BENCHMARKS.md` can say where each figure came from.
pub fn write_report(path: &Path, command: &str, mut report: Value) -> anyhow::Result<()> {
    if let Some(object) = report.as_object_mut() {
        object.insert("run".to_owned(), run_facts(command.trim()));
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    std::fs::write(path, serde_json::to_string_pretty(&report)?)
        .with_context(|| format!("writing {}", path.display()))?;
    println!("report written to {}", path.display());
    Ok(())
}

/// The commit the working tree was at when the task started, with whether it had
/// uncommitted changes (`note_commit`).
static COMMIT: OnceLock<Option<String>> = OnceLock::new();

/// Notes the working tree's commit as a task starts: `cargo xtask` builds the task
/// from it just before, and a run may last an hour, during which what is
/// committed is not what is being measured.
pub fn note_commit() {
    COMMIT.get_or_init(working_tree_commit);
}

fn working_tree_commit() -> Option<String> {
    let commit = command_output("git", &["rev-parse", "--short=12", "HEAD"]);
    let dirty = command_output("git", &["status", "--porcelain", "--untracked-files=no"])
        .is_some_and(|status| !status.is_empty());
    commit.map(|commit| if dirty { format!("{commit} (with uncommitted changes)") } else { commit })
}

fn run_facts(command: &str) -> Value {
    json!({
        "finished": jiff::Timestamp::now().round(jiff::Unit::Second).map(|time| time.to_string()).ok(),
        "commit": COMMIT.get_or_init(working_tree_commit),
        "profile": if cfg!(debug_assertions) { "dev" } else { "release" },
        "command": format!("cargo xtask {command}"),
        "load_average": std::fs::read_to_string("/proc/loadavg").ok()
            .map(|text| text.split_whitespace().take(3).collect::<Vec<_>>().join(" ")),
        "machine": machine(),
        "rustc": command_output("rustc", &["-V"]),
    })
}

/// What the figures were measured on: processor, cores, memory and system.
fn machine() -> Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |text: &str, name: &str| {
        text.lines()
            .find_map(|line| line.split_once(':').filter(|(key, _)| key.trim() == name))
            .map(|(_, value)| value.trim().to_owned())
    };
    let memory_kib: Option<f64> = std::fs::read_to_string("/proc/meminfo").ok().and_then(|text| {
        field(&text, "MemTotal").and_then(|value| value.trim_end_matches("kB").trim().parse().ok())
    });
    let system = std::fs::read_to_string("/etc/os-release").ok().and_then(|text| {
        text.lines()
            .find_map(|line| line.strip_prefix("PRETTY_NAME="))
            .map(|name| name.trim_matches('"').to_owned())
    });
    let kernel =
        std::fs::read_to_string("/proc/sys/kernel/osrelease").ok().map(|text| text.trim().to_owned());
    json!({
        "cpu": field(&cpuinfo, "model name"),
        "cores": std::thread::available_parallelism().map_or(1, usize::from),
        "memory_gib": memory_kib.map(|kib| (kib / 1024.0 / 1024.0 * 10.0).round() / 10.0),
        "system": system,
        "kernel": kernel,
    })
}

/// The trimmed standard output of a command run in the project's root, when it succeeds.
pub fn command_output(program: &str, args: &[&str]) -> Option<String> {
    let output = std::process::Command::new(program).args(args).current_dir(project_root()).output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// The `q`-quantile (0–1) of `values` by nearest rank; `values` need not be sorted.
pub fn quantile(values: &[f64], q: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// The median of a few measurements with their extremes.
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    pub fn of(values: &[f64]) -> Spread {
        Spread {
            median: quantile(values, 0.5),
            min: values.iter().copied().fold(f64::INFINITY, f64::min),
            max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        }
    }

    pub fn to_json(&self) -> Value {
        json!({ "median": self.median, "min": self.min, "max": self.max })
    }
}

#[cfg(test)]
mod tests {
    use super::Scratch;

    /// A run's folder goes when the run ends; one left by a run that was killed
    /// goes when the next run starts; a running process's stays.
    #[test]
    fn scratch_folders_are_removed_by_their_run_or_the_next() {
        let parent = tempfile::tempdir().unwrap();
        // A process that has ended, and one that is still running.
        let mut ended = std::process::Command::new("true").spawn().unwrap();
        let ended_id = ended.id();
        ended.wait().unwrap();
        let mut running = std::process::Command::new("sleep").arg("30").spawn().unwrap();
        let abandoned = parent.path().join(format!("storage-{ended_id}"));
        let alive = parent.path().join(format!("storage-{}", running.id()));
        let unrelated = parent.path().join("notes");
        for folder in [&abandoned, &alive, &unrelated] {
            std::fs::create_dir_all(folder.join("inside")).unwrap();
        }

        let scratch = Scratch::within(parent.path(), "web").unwrap();
        let path = scratch.path().to_owned();
        assert!(path.is_dir());
        assert_eq!(path, parent.path().join(format!("web-{}", std::process::id())));
        assert!(!abandoned.exists(), "a killed run's folder is removed");
        assert!(alive.exists(), "a running process's folder is kept");
        assert!(unrelated.exists(), "a folder that is no run's is kept");
        std::fs::write(path.join("archive.db"), b"data").unwrap();
        drop(scratch);
        assert!(!path.exists(), "the run's own folder goes with it");
        running.kill().unwrap();
        running.wait().unwrap();
    }
}
