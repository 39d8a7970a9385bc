//! `dossier import PATH...`: reads files and folders, parses them on every core,
//! and stores them batch by batch. A bad file is reported with its path and the
//! rest of the import goes on; each batch lands whole or not at all.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dossier_storage::{ImportItem, ItemOutcome, ItemResult, Store};
use serde::Serialize;

/// Files larger than this are refused rather than read into memory.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// File endings taken when walking a folder; named files are always taken.
const IMPORTED_EXTENSIONS: &[&str] =
    &["txt", "text", "md", "markdown", "json", "ndjson", "jsonl", "html", "htm", "xhtml", "shtml"];

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files and folders to import; folders are walked recursively
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Print a machine-readable summary on standard output
    #[arg(long)]
    json: bool,
    /// How similar (0–1, an estimated Jaccard index of word pairs) a document must be
    /// to a stored one to join its story
    #[arg(long, value_name = "SIMILARITY", default_value_t = dossier_storage::similarity::DEFAULT_THRESHOLD)]
    story_threshold: f64,
}

/// The `--json` summary.
#[derive(Debug, Default, Serialize)]
struct Summary {
    run: i64,
    imported: usize,
    /// Items that brought a new revision of a document already stored (same URL).
    revised: usize,
    present: usize,
    failed: usize,
    skipped: usize,
    /// Every stored document, new or already present, in input order.
    documents: Vec<DocumentEntry>,
    failures: Vec<Failure>,
}

#[derive(Debug, Serialize)]
struct DocumentEntry {
    id: i64,
    path: String,
    outcome: &'static str,
}

#[derive(Debug, Serialize)]
struct Failure {
    path: String,
    reason: String,
}

impl Args {
    /// Arguments for importing `paths` with the human summary, as `serve --import` does.
    pub fn quiet(paths: Vec<PathBuf>) -> Args {
        Args { paths, json: false, story_threshold: dossier_storage::similarity::DEFAULT_THRESHOLD }
    }
}

pub async fn run(db: &Path, args: Args) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        (0.0..=1.0).contains(&args.story_threshold),
        "--story-threshold takes a number from 0 to 1, not {}",
        args.story_threshold
    );
    let store = crate::open_store(db).await?.with_story_threshold(args.story_threshold);
    let summary = import_paths(&store, &args.paths).await?;
    store.close().await;

    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&summary)?)?;
    } else {
        for failure in &summary.failures {
            eprintln!("dossier: {}: {}", failure.path, failure.reason);
        }
        writeln!(
            out,
            "imported {}, revised {}, already present {}, failed {}{} into {}",
            summary.imported,
            summary.revised,
            summary.present,
            summary.failed,
            if summary.skipped > 0 {
                format!(", skipped {} (not an article format)", summary.skipped)
            } else {
                String::new()
            },
            dossier_storage::redacted_location(&db.to_string_lossy())
        )?;
    }
    Ok(if summary.failed > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// Imports every file under `paths`; usable by any caller holding a store.
async fn import_paths(store: &Store, paths: &[PathBuf]) -> anyhow::Result<Summary> {
    let mut summary = Summary { run: store.begin_import().await?, ..Summary::default() };
    let (files, walk_failures, skipped) = collect_files(paths);
    summary.skipped = skipped;
    for (path, reason) in walk_failures {
        summary.failed += 1;
        summary.failures.push(Failure { path, reason });
    }
    let run = summary.run;
    store
        .import_all(Some(run), files, |path| read_and_parse(&path), |results| tally(&mut summary, results))
        .await?;
    store.finish_import(summary.run).await?;
    Ok(summary)
}

fn tally(summary: &mut Summary, results: Vec<ItemResult>) {
    for ItemResult { location, outcome } in results {
        match outcome.as_str() {
            "imported" => summary.imported += 1,
            "revised" => summary.revised += 1,
            "present" => summary.present += 1,
            _ => summary.failed += 1,
        }
        match outcome {
            ItemOutcome::Stored(refs) => {
                summary.documents.extend(refs.into_iter().map(|stored| DocumentEntry {
                    id: stored.id,
                    path: location.clone(),
                    outcome: stored.change.as_str(),
                }));
            }
            ItemOutcome::Failed(reason) => summary.failures.push(Failure { path: location, reason }),
        }
    }
}

/// Expands folders (in a stable order) into files. Returns the files, the paths
/// that could not be walked with why, and how many files were skipped for their type.
fn collect_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<(String, String)>, usize) {
    let mut files = Vec::new();
    let mut failures = Vec::new();
    let mut skipped = 0;
    for path in paths {
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        let walker = walkdir::WalkDir::new(path).sort_by_file_name().into_iter().filter_entry(|entry| {
            entry.depth() == 0 || !entry.file_name().to_string_lossy().starts_with('.')
        });
        for entry in walker {
            match entry {
                Ok(entry) if entry.file_type().is_dir() => {}
                Ok(entry) => {
                    if has_article_extension(entry.path()) {
                        files.push(entry.into_path());
                    } else {
                        skipped += 1;
                    }
                }
                Err(error) => {
                    let at = error.path().unwrap_or(path).display().to_string();
                    let reason = error.io_error().map_or_else(|| error.to_string(), ToString::to_string);
                    failures.push((at, reason));
                }
            }
        }
    }
    (files, failures, skipped)
}

fn has_article_extension(path: &Path) -> bool {
    match path.extension() {
        None => true,
        Some(extension) => {
            let extension = extension.to_string_lossy().to_ascii_lowercase();
            IMPORTED_EXTENSIONS.contains(&extension.as_str())
        }
    }
}

fn read_and_parse(path: &Path) -> ImportItem {
    let location = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned()).display().to_string();
    let name = path.file_name().map(|name| name.to_string_lossy().into_owned());
    let failed = |reason: String| ImportItem::failed(location.clone(), reason);
    match std::fs::metadata(path) {
        Err(error) => return failed(format!("cannot read: {error}")),
        Ok(metadata) if metadata.len() > MAX_FILE_BYTES => {
            return failed(format!("{} bytes is over the {MAX_FILE_BYTES}-byte limit", metadata.len()));
        }
        Ok(_) => {}
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => return failed(format!("cannot read: {error}")),
    };
    ImportItem::parse(location, name.as_deref(), bytes)
}
