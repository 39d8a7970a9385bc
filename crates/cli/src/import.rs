//! `dossier import PATH...`: reads files and folders (or standard input), parses
//! them on every core, and stores them batch by batch. A bad file, or a bad entry of
//! a feed or export, is reported with its path (and line, entry or archive member)
//! and the rest of the import goes on; each batch lands whole or not at all.
//!
//! What a feed or export says besides its documents travels beside the item, keyed
//! by its location: the entries that could not be read (reported as failures), the
//! read state (applied with `Store::set_read` once the documents are stored; an
//! import marks documents read, never unread) and the highlights (counted: the
//! archive has no place for them yet).

use std::collections::{HashMap, VecDeque};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use dossier_core::Skipped;
use dossier_storage::{ImportItem, ItemOutcome, ItemResult, Store};
use serde::Serialize;

/// Files larger than this are refused rather than read into memory.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// File endings taken when walking a folder; named files are always taken.
const IMPORTED_EXTENSIONS: &[&str] =
    &["txt", "text", "md", "markdown", "json", "ndjson", "jsonl", "html", "htm", "xhtml", "shtml"];
/// File endings taken when walking a folder only when their content is a feed, an
/// export or an archive: plenty of XML and CSV files are neither.
const COLLECTION_EXTENSIONS: &[&str] = &["xml", "rss", "atom", "opml", "csv", "zip"];
/// The path that names standard input.
const STDIN: &str = "-";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files and folders to import (folders are walked recursively), or `-` for
    /// standard input. Feeds (RSS, Atom, JSON Feed), exports (Pocket, Instapaper,
    /// Wallabag, Omnivore, Readeck), bookmark files and ZIP archives are recognised
    /// by their content
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
    /// Files and entries (of feeds and exports) that could not be imported.
    failed: usize,
    /// Files in folders, and members of archives, that are not in an article format.
    skipped: usize,
    /// Documents marked read because the export said they were read or archived.
    marked_read: usize,
    /// Highlights and notes in the input, which the archive cannot hold yet (the
    /// input's bytes are stored, so nothing is lost).
    highlights_not_kept: usize,
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
    /// The file (`archive.zip!/member` inside an archive).
    path: String,
    /// For people, with the line or entry in front where there is one (`entry 3: …`).
    reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entry: Option<usize>,
}

impl Failure {
    fn of_file(path: String, reason: String) -> Failure {
        Failure { path, reason, line: None, entry: None }
    }

    fn of_entry(location: &str, skipped: &Skipped) -> Failure {
        Failure {
            path: format!("{location}{}", skipped.location_suffix()),
            reason: skipped.describe(),
            line: skipped.line,
            entry: skipped.entry,
        }
    }
}

/// What parsing one input said besides its documents.
#[derive(Debug, Default)]
struct Extras {
    skipped: Vec<Skipped>,
    /// Per document, in order: whether the input says it was read.
    read: Vec<Option<bool>>,
    /// Per document, in order: the archive member it was read from.
    members: Vec<Option<String>>,
    highlights: usize,
    ignored: usize,
}

/// Extras by location, filled by the parsing workers and taken as results arrive;
/// a queue per location, since a path may be given twice.
type ExtrasByLocation = Arc<Mutex<HashMap<String, VecDeque<Extras>>>>;

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
        if summary.marked_read > 0 {
            writeln!(out, "marked {} read, as the export says", summary.marked_read)?;
        }
        if summary.highlights_not_kept > 0 {
            writeln!(
                out,
                "{} highlights and notes were not kept: the archive cannot hold them yet (the export itself is stored)",
                summary.highlights_not_kept
            )?;
        }
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
        summary.failures.push(Failure::of_file(path, reason));
    }
    let run = summary.run;
    let extras = ExtrasByLocation::default();
    let loader_extras = Arc::clone(&extras);
    let mut read_ids = Vec::new();
    store
        .import_all(
            Some(run),
            files,
            move |path| read_and_parse(&path, &loader_extras),
            |results| tally(&mut summary, &extras, &mut read_ids, results),
        )
        .await?;
    read_ids.sort_unstable();
    read_ids.dedup();
    if !read_ids.is_empty() {
        store.set_read(&read_ids, true).await?;
    }
    summary.marked_read = read_ids.len();
    store.finish_import(summary.run).await?;
    Ok(summary)
}

fn tally(
    summary: &mut Summary,
    extras: &ExtrasByLocation,
    read_ids: &mut Vec<i64>,
    results: Vec<ItemResult>,
) {
    for ItemResult { location, outcome } in results {
        let extra = extras
            .lock()
            .ok()
            .and_then(|mut extras| extras.get_mut(&location).and_then(VecDeque::pop_front))
            .unwrap_or_default();
        match outcome.as_str() {
            "imported" => summary.imported += 1,
            "revised" => summary.revised += 1,
            "present" => summary.present += 1,
            _ => summary.failed += 1,
        }
        summary.skipped += extra.ignored;
        summary.highlights_not_kept += extra.highlights;
        summary.failed += extra.skipped.len();
        match outcome {
            ItemOutcome::Stored(refs) => {
                for (position, stored) in refs.into_iter().enumerate() {
                    if extra.read.get(position) == Some(&Some(true)) {
                        read_ids.push(stored.id);
                    }
                    let path = match extra.members.get(position) {
                        Some(Some(member)) => format!("{location}!/{member}"),
                        _ => location.clone(),
                    };
                    summary.documents.push(DocumentEntry {
                        id: stored.id,
                        path,
                        outcome: stored.change.as_str(),
                    });
                }
            }
            ItemOutcome::Failed(reason) => summary.failures.push(Failure::of_file(location.clone(), reason)),
        }
        summary.failures.extend(extra.skipped.iter().map(|skipped| Failure::of_entry(&location, skipped)));
    }
}

/// Expands folders (in a stable order) into files. Returns the files, the paths
/// that could not be walked with why, and how many files were skipped for their type.
fn collect_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<(String, String)>, usize) {
    let mut files = Vec::new();
    let mut failures = Vec::new();
    let mut skipped = 0;
    for path in paths {
        if path.as_os_str() == STDIN || !path.is_dir() {
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
                    if has_article_extension(entry.path()) || holds_collection(entry.path()) {
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

/// Whether a file found in a folder with an XML, CSV or ZIP ending is a feed, an
/// export or an archive, from its first kilobytes.
fn holds_collection(path: &Path) -> bool {
    let Some(extension) = path.extension().map(|extension| extension.to_string_lossy().to_ascii_lowercase())
    else {
        return false;
    };
    if !COLLECTION_EXTENSIONS.contains(&extension.as_str()) {
        return false;
    }
    let mut head = Vec::with_capacity(4096);
    let Ok(file) = std::fs::File::open(path) else {
        // Taken, so that reading it reports why it cannot be read.
        return true;
    };
    if file.take(4096).read_to_end(&mut head).is_err() {
        return true;
    }
    dossier_core::archive::is_zip(&head) || dossier_core::detect_format(None, &head).is_collection()
}

fn read_and_parse(path: &Path, extras: &ExtrasByLocation) -> ImportItem {
    let from_stdin = path.as_os_str() == STDIN;
    let location = if from_stdin {
        STDIN.to_owned()
    } else {
        std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned()).display().to_string()
    };
    let name =
        if from_stdin { None } else { path.file_name().map(|name| name.to_string_lossy().into_owned()) };
    let record = |extra: Extras| {
        if let Ok(mut extras) = extras.lock() {
            extras.entry(location.clone()).or_default().push_back(extra);
        }
    };
    let failed = |reason: String| {
        record(Extras::default());
        ImportItem::failed(location.clone(), reason)
    };
    let bytes = if from_stdin {
        let mut bytes = Vec::new();
        match std::io::stdin().lock().take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes) {
            Ok(_) if bytes.len() as u64 > MAX_FILE_BYTES => {
                return failed(format!("standard input is over the {MAX_FILE_BYTES}-byte limit"));
            }
            Ok(_) => bytes,
            Err(error) => return failed(format!("cannot read standard input: {error}")),
        }
    } else {
        match std::fs::metadata(path) {
            Err(error) => return failed(format!("cannot read: {error}")),
            Ok(metadata) if metadata.len() > MAX_FILE_BYTES => {
                return failed(format!("{} bytes is over the {MAX_FILE_BYTES}-byte limit", metadata.len()));
            }
            Ok(_) => {}
        }
        match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(error) => return failed(format!("cannot read: {error}")),
        }
    };
    let format = dossier_core::detect_format(name.as_deref(), &bytes);
    let collection = match dossier_core::parse_collection(&bytes, format) {
        Ok(collection) => collection,
        Err(error) => {
            record(Extras::default());
            return ImportItem::from_parsed(location.clone(), format, &bytes, Err(error.to_string()));
        }
    };
    let extra = Extras {
        read: collection.items.iter().map(|item| item.read).collect(),
        members: collection.items.iter().map(|item| item.member.clone()).collect(),
        highlights: collection.items.iter().map(|item| item.highlights.len()).sum(),
        ignored: collection.ignored,
        skipped: collection.skipped,
    };
    let documents: Vec<_> = collection.items.into_iter().map(|item| item.document).collect();
    let parsed = if documents.is_empty() {
        Err(match extra.skipped.len() {
            0 => "it holds no documents".to_owned(),
            1 => "its only entry could not be imported".to_owned(),
            count => format!("none of its {count} entries could be imported"),
        })
    } else {
        Ok(documents)
    };
    record(extra);
    ImportItem::from_parsed(location.clone(), format, &bytes, parsed)
}
