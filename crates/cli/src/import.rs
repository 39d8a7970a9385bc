//! `dossier import PATH|URL|- ...`: reads files and folders, standard input and
//! web addresses, parses them on every core, and stores them batch by batch.
//!
//! - A bad file, line, entry or fetch is reported with where it was (the path,
//!   with the line, entry or archive member; the address) and the rest goes on;
//!   each batch lands whole or not at all, so an interrupted import loses nothing
//!   committed, and running the same command again stores only what is missing.
//! - NDJSON is streamed: each line is an item of its own (`file.ndjson:17`), so a
//!   file of a million lines takes no more memory than a batch of them.
//! - Web addresses are fetched (see `crate::fetch`): those given on the command
//!   line, the links that exports and bookmark files carry without their text
//!   (stored first as links, so a failed fetch loses nothing), and the feeds an
//!   OPML file lists. An address whose page is stored already is not fetched
//!   again, and `--retry-failed` fetches those whose last try failed.
//! - What a feed or export says besides its documents (read state, entries that
//!   could not be read, links to fetch) travels beside each batch in input order
//!   and is applied or reported as its results arrive.

use std::collections::{HashSet, VecDeque};
use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dossier_core::{Format, Skipped};
use dossier_storage::{BATCH_SIZE, ImportItem, ItemOutcome, ItemResult, Store};
use serde::Serialize;

use crate::fetch::{self, Fetcher};

/// Files (and lines of NDJSON) larger than this are refused rather than read
/// into memory.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// File endings taken when walking a folder; named files are always taken.
const IMPORTED_EXTENSIONS: &[&str] =
    &["txt", "text", "md", "markdown", "json", "ndjson", "jsonl", "html", "htm", "xhtml", "shtml"];
/// File endings taken when walking a folder only when their content is a feed, an
/// export or an archive: plenty of XML and CSV files are neither.
const COLLECTION_EXTENSIONS: &[&str] = &["xml", "rss", "atom", "opml", "csv", "zip"];
/// File endings whose content is sniffed for NDJSON, to stream it line by line.
const STREAMED_EXTENSIONS: &[&str] = &["ndjson", "jsonl"];
/// The path that names standard input.
const STDIN: &str = "-";
/// How often a progress line is logged when standard error is not a terminal.
const LOG_EVERY: Duration = Duration::from_secs(5);

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files and folders to import (folders are walked recursively), web
    /// addresses (http:// or https://) to fetch, or `-` for standard input.
    /// Feeds (RSS, Atom, JSON Feed), OPML feed lists, exports (Pocket, Instapaper,
    /// Wallabag, Omnivore, Readeck), bookmark files and ZIP archives are
    /// recognised by their content
    #[arg(value_name = "PATH|URL", required_unless_present = "retry_failed")]
    paths: Vec<PathBuf>,
    /// Print a machine-readable summary on standard output: the counts, every
    /// failure with where and why, and the id of every stored document
    #[arg(long)]
    json: bool,
    /// How similar (0–1, an estimated Jaccard index of word pairs) a document must be
    /// to a stored one to join its story
    #[arg(long, value_name = "SIMILARITY", default_value_t = dossier_storage::similarity::DEFAULT_THRESHOLD)]
    story_threshold: f64,
    /// Read, fetch and parse everything and report what would be imported,
    /// without changing the archive
    #[arg(long)]
    dry_run: bool,
    /// Parse on N threads [default: one per core]
    #[arg(long, value_name = "N")]
    jobs: Option<NonZeroUsize>,
    /// Fetch nothing: keep the links of exports and bookmark files as links, and
    /// refuse web addresses and OPML feed lists
    #[arg(long, conflicts_with_all = ["allow_private", "retry_failed"])]
    no_fetch: bool,
    /// Also fetch from loopback, private, link-local and other non-public
    /// addresses, which are refused by default (also after a redirect, and when a
    /// name resolves to one); `--allow-private=ADDRESS,...` allows only those
    #[arg(long, value_name = "ADDRESS", num_args = 0.., require_equals = true, value_delimiter = ',')]
    allow_private: Option<Vec<std::net::IpAddr>>,
    /// Seconds a fetch may take, body included, before it is tried again
    #[arg(long, value_name = "SECONDS", default_value_t = 45)]
    fetch_timeout: u64,
    /// Fetch again every web address whose last import failed and that has no
    /// page stored since
    #[arg(long)]
    retry_failed: bool,
}

impl Args {
    /// Arguments for importing `paths` with the human summary, as `serve --import` does.
    pub fn quiet(paths: Vec<PathBuf>) -> Args {
        Args {
            paths,
            json: false,
            story_threshold: dossier_storage::similarity::DEFAULT_THRESHOLD,
            dry_run: false,
            jobs: None,
            no_fetch: false,
            allow_private: None,
            fetch_timeout: 45,
            retry_failed: false,
        }
    }
}

/// The `--json` summary.
#[derive(Debug, Default, Serialize)]
struct Summary {
    /// The import run recorded in the archive (none for a dry run).
    run: Option<i64>,
    dry_run: bool,
    imported: usize,
    /// Items that brought a new revision of a document already stored (same URL).
    revised: usize,
    present: usize,
    /// Files, lines, entries (of feeds and exports) and fetches that failed.
    failed: usize,
    /// Files in folders, and members of archives, that are not in an article format.
    skipped: usize,
    /// Web addresses fetched, successfully or not.
    fetched: usize,
    /// Web addresses not fetched because their page is stored already.
    already_fetched: usize,
    /// Documents marked read because the export said they were read or archived.
    marked_read: usize,
    /// Highlights and notes the inputs carried, kept with their documents.
    highlights: usize,
    /// Every stored document, new or already present, in input order.
    documents: Vec<DocumentEntry>,
    failures: Vec<Failure>,
}

#[derive(Debug, Serialize)]
struct DocumentEntry {
    id: i64,
    /// The file, the archive member (`archive.zip!/member`) or the address.
    path: Arc<str>,
    /// The line of an NDJSON file.
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    outcome: &'static str,
}

#[derive(Debug, Serialize)]
struct Failure {
    /// The file (`archive.zip!/member` inside an archive), or the web address.
    path: String,
    /// For people, with the line or entry in front where there is one (`entry 3: …`).
    reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entry: Option<usize>,
}

impl Failure {
    fn of_entry(location: &str, skipped: &Skipped) -> Failure {
        Failure {
            path: format!("{location}{}", skipped.location_suffix()),
            reason: skipped.describe(),
            line: skipped.line,
            entry: skipped.entry,
        }
    }
}

pub async fn run(db: &Path, args: Args) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        (0.0..=1.0).contains(&args.story_threshold),
        "--story-threshold takes a number from 0 to 1, not {}",
        args.story_threshold
    );
    let store = crate::open_store_for_batch(db).await?.with_story_threshold(args.story_threshold);
    let result = import(&store, &args).await;
    store.close().await;
    let summary = result?;

    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        // Written as it is serialised: a summary of a million documents never
        // sits in memory as one string.
        serde_json::to_writer_pretty(&mut out, &summary)?;
        writeln!(out)?;
    } else {
        for failure in &summary.failures {
            eprintln!("dossier: {}: {}", failure.path, failure.reason);
        }
        let mut counts = format!(
            "{} {}, revised {}, already present {}, failed {}",
            if summary.dry_run { "would import" } else { "imported" },
            summary.imported,
            summary.revised,
            summary.present,
            summary.failed,
        );
        if summary.skipped > 0 {
            counts.push_str(&format!(", skipped {} (not an article format)", summary.skipped));
        }
        if summary.fetched + summary.already_fetched > 0 {
            counts.push_str(&format!(", fetched {}", summary.fetched));
        }
        if summary.already_fetched > 0 {
            counts.push_str(&format!(
                " ({} addresses already stored, not fetched again)",
                summary.already_fetched
            ));
        }
        let archive = dossier_storage::redacted_location(&db.to_string_lossy());
        writeln!(out, "{counts} {} {archive}", if summary.dry_run { "in" } else { "into" })?;
        if summary.marked_read > 0 {
            writeln!(out, "marked {} read, as the export says", summary.marked_read)?;
        }
        if summary.dry_run {
            writeln!(out, "dry run: nothing was written")?;
        }
    }
    out.flush()?;
    Ok(if summary.failed > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// Imports everything `args` names into `store`.
async fn import(store: &Store, args: &Args) -> anyhow::Result<Summary> {
    let fetcher = if args.no_fetch {
        None
    } else {
        let private = match &args.allow_private {
            None => fetch::Private::Refused,
            Some(addresses) if addresses.is_empty() => fetch::Private::Allowed,
            Some(addresses) => fetch::Private::Only(addresses.clone()),
        };
        let options = fetch::Options {
            private,
            timeout: Duration::from_secs(args.fetch_timeout.max(1)),
            ..fetch::Options::default()
        };
        Some(Arc::new(Fetcher::new(options)?))
    };
    let mut summary = Summary { dry_run: args.dry_run, ..Summary::default() };
    let mut files = Vec::new();
    let mut addresses = Vec::new();
    for path in &args.paths {
        match path.to_str().filter(|path| is_web_address(path)) {
            Some(address) if fetcher.is_none() => summary.failures.push(Failure {
                path: address.to_owned(),
                reason: "not fetched: --no-fetch was given".to_owned(),
                line: None,
                entry: None,
            }),
            Some(address) => addresses.push(address.to_owned()),
            None => files.push(path.clone()),
        }
    }
    if args.retry_failed {
        addresses.extend(store.failed_fetches().await?);
    }
    let (files, walk_failures, skipped) = collect_files(&files);
    summary.skipped = skipped;
    summary.failures.extend(walk_failures.into_iter().map(|(path, reason)| Failure {
        path,
        reason,
        line: None,
        entry: None,
    }));
    summary.failed = summary.failures.len();

    let shared = Arc::new(Shared::default());
    shared.total.store(files.len() + addresses.len(), Ordering::Relaxed);
    let producer = Producer {
        files: files.into_iter(),
        lines: None,
        addresses: addresses.iter().map(|address| Queued { address: address.clone() }).collect(),
        seen: addresses.into_iter().collect(),
        fetch: fetcher.map(|fetcher| Fetching {
            fetcher,
            handle: tokio::runtime::Handle::current(),
            store: store.clone(),
        }),
        jobs: args.jobs.map_or_else(
            || std::thread::available_parallelism().map_or(1, NonZeroUsize::get),
            NonZeroUsize::get,
        ),
        shared: Arc::clone(&shared),
    };

    let mut progress = Progress::new(Arc::clone(&shared), !args.json && std::io::stderr().is_terminal());
    let mut read_ids = Vec::new();
    let keep_documents = args.json;
    let on_results = |results: Vec<ItemResult>| {
        let results_len = results.len();
        let extras = shared.extras.lock().ok().and_then(|mut queue| queue.pop_front()).unwrap_or_default();
        tally(&mut summary, extras, &mut read_ids, results, keep_documents);
        progress.update(results_len, summary.failed);
    };
    if args.dry_run {
        store.preview_batches(producer, on_results).await?;
    } else {
        let run = store.begin_import().await?;
        store.import_batches(Some(run), producer, on_results).await?;
        read_ids.sort_unstable();
        read_ids.dedup();
        if !read_ids.is_empty() {
            store.set_read(&read_ids, true).await?;
        }
        store.finish_import(run).await?;
        summary.run = Some(run);
    }
    progress.finish(summary.failed);
    summary.marked_read = read_ids.len();
    summary.fetched = shared.fetched.load(Ordering::Relaxed);
    summary.already_fetched = shared.already_fetched.load(Ordering::Relaxed);
    summary.skipped += shared.ignored.load(Ordering::Relaxed);
    let late =
        std::mem::take(&mut *shared.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    summary.failed += late.len();
    summary.failures.extend(late);
    Ok(summary)
}

fn is_web_address(text: &str) -> bool {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// What the producer of batches and the writer's side share.
#[derive(Debug, Default)]
struct Shared {
    /// Per batch, in order: each item's extras, in the batch's order.
    extras: Mutex<VecDeque<Vec<Extras>>>,
    /// Inputs known so far: files, addresses, streamed lines read.
    total: AtomicUsize,
    fetched: AtomicUsize,
    already_fetched: AtomicUsize,
    /// Inputs done without an item to store (addresses stored already, feed lists).
    done: AtomicUsize,
    /// Archive members that are not articles, in inputs without an item.
    ignored: AtomicUsize,
    /// Failures that yield no item (an OPML file whose feeds cannot be fetched).
    failures: Mutex<Vec<Failure>>,
}

/// What parsing one input said besides its documents.
#[derive(Debug, Default)]
struct Extras {
    location: Arc<str>,
    line: Option<usize>,
    skipped: Vec<Skipped>,
    /// Per document, in order: whether the input says it was read.
    read: Vec<Option<bool>>,
    /// Per document, in order: the archive member it was read from.
    members: Vec<Option<String>>,
    highlights: usize,
    ignored: usize,
    /// The address a fetched page came from in the end, which its images'
    /// relative addresses are relative to.
    base: Option<String>,
}

fn tally(
    summary: &mut Summary,
    extras: Vec<Extras>,
    read_ids: &mut Vec<i64>,
    results: Vec<ItemResult>,
    keep_documents: bool,
) {
    let mut extras = extras.into_iter();
    for ItemResult { location, outcome } in results {
        let extra = extras.next().unwrap_or_default();
        match outcome.as_str() {
            "imported" => summary.imported += 1,
            "revised" => summary.revised += 1,
            "present" => summary.present += 1,
            _ => summary.failed += 1,
        }
        summary.skipped += extra.ignored;
        summary.failed += extra.skipped.len();
        if matches!(outcome, ItemOutcome::Stored(_)) {
            summary.highlights += extra.highlights;
        }
        let path: Arc<str> =
            if extra.location.is_empty() { Arc::from(location.as_str()) } else { extra.location };
        match outcome {
            ItemOutcome::Stored(refs) => {
                for (position, stored) in refs.into_iter().enumerate() {
                    if extra.read.get(position) == Some(&Some(true)) {
                        read_ids.push(stored.id);
                    }
                    if !keep_documents {
                        continue;
                    }
                    let path = match extra.members.get(position) {
                        Some(Some(member)) => Arc::from(format!("{path}!/{member}")),
                        _ => Arc::clone(&path),
                    };
                    summary.documents.push(DocumentEntry {
                        id: stored.id,
                        path,
                        line: extra.line,
                        outcome: stored.change.as_str(),
                    });
                }
            }
            ItemOutcome::Failed(reason) => summary.failures.push(Failure {
                path: path.to_string(),
                reason: match extra.line {
                    Some(line) => format!("line {line}: {reason}"),
                    None => reason,
                },
                line: extra.line,
                entry: None,
            }),
        }
        summary.failures.extend(extra.skipped.iter().map(|skipped| Failure::of_entry(&path, skipped)));
    }
}

/// A web address waiting to be fetched.
#[derive(Debug)]
struct Queued {
    address: String,
}

/// What fetching needs on the producer's thread.
#[derive(Debug)]
struct Fetching {
    fetcher: Arc<Fetcher>,
    handle: tokio::runtime::Handle,
    store: Store,
}

/// Makes the import's batches, one at a time, on the pipeline's blocking thread:
/// takes the next inputs (streamed lines first, then addresses waiting to be
/// fetched, then files), fetches the batch's addresses concurrently, parses
/// everything on `jobs` threads, and queues the links the batch listed.
struct Producer {
    files: std::vec::IntoIter<PathBuf>,
    /// The NDJSON input being streamed.
    lines: Option<Lines>,
    addresses: VecDeque<Queued>,
    /// Every address queued in this import, so that each is fetched once.
    seen: HashSet<String>,
    fetch: Option<Fetching>,
    jobs: usize,
    shared: Arc<Shared>,
}

/// One input of a batch, ready to parse.
enum Unit {
    /// A file, read when it is parsed.
    File(PathBuf),
    /// Bytes already read: standard input, or a line of an NDJSON input.
    Bytes { location: Arc<str>, line: Option<usize>, bytes: Result<Vec<u8>, String> },
    /// A fetched (or failed) web address.
    Fetched { queued: Queued, page: Result<fetch::Page, fetch::FetchError> },
}

impl Iterator for Producer {
    type Item = Vec<ImportItem>;

    fn next(&mut self) -> Option<Vec<ImportItem>> {
        loop {
            let mut units = Vec::new();
            let mut addresses = Vec::new();
            while units.len() + addresses.len() < BATCH_SIZE {
                if let Some(lines) = &mut self.lines {
                    match lines.next() {
                        Some(unit) => {
                            self.shared.total.fetch_add(1, Ordering::Relaxed);
                            units.push(unit);
                            continue;
                        }
                        None => {
                            self.lines = None;
                            // The stream counted as one input until its lines did.
                            self.shared.total.fetch_sub(1, Ordering::Relaxed);
                        }
                    }
                }
                if let Some(queued) = self.addresses.pop_front() {
                    addresses.push(queued);
                    continue;
                }
                let Some(path) = self.files.next() else { break };
                match open(path) {
                    Opened::Lines(lines) => self.lines = Some(lines),
                    Opened::Unit(unit) => units.push(unit),
                }
            }
            if units.is_empty() && addresses.is_empty() {
                return None;
            }
            units.extend(self.fetch_all(addresses));
            if units.is_empty() {
                continue; // every address was stored already
            }
            let mut parsed = dossier_storage::parallel_map(units, self.jobs, &parse_unit);
            self.fetch_images(&mut parsed);
            let mut items = Vec::with_capacity(parsed.len());
            let mut extras = Vec::with_capacity(parsed.len());
            for parsed in parsed {
                match parsed.item {
                    Some(item) => {
                        items.push(item);
                        extras.push(parsed.extras);
                    }
                    None => self.listed(&parsed.extras.location, &parsed.links),
                }
                self.queue(parsed.links);
            }
            if items.is_empty() {
                continue;
            }
            self.shared.extras.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push_back(extras);
            return Some(items);
        }
    }
}

impl Producer {
    /// Queues links to fetch, each address once per import; without fetching,
    /// links stay the bare links their export stored.
    fn queue(&mut self, links: Vec<String>) {
        if self.fetch.is_none() {
            return;
        }
        for address in links {
            if self.seen.insert(address.clone()) {
                self.shared.total.fetch_add(1, Ordering::Relaxed);
                self.addresses.push_back(Queued { address });
            }
        }
    }

    /// Accounts for an input that only lists addresses (an OPML feed list): it
    /// is done once its feeds are queued, and failed when they cannot be fetched.
    fn listed(&mut self, location: &str, feeds: &[String]) {
        self.shared.done.fetch_add(1, Ordering::Relaxed);
        let reason = match feeds.len() {
            0 => "an OPML feed list with no feed addresses; nothing to import".to_owned(),
            count if self.fetch.is_none() => {
                let mut listed = feeds.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
                if count > 5 {
                    listed.push_str(&format!(" and {} more", count - 5));
                }
                format!("an OPML feed list of {count} feeds ({listed}), not fetched: --no-fetch was given")
            }
            _ => return,
        };
        let failure = Failure { path: location.to_owned(), reason, line: None, entry: None };
        self.shared.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(failure);
    }

    /// Fetches the images of the batch's fetched pages, to keep local copies of
    /// them (`crate::images`); an image that cannot be fetched or kept leaves its
    /// caption in its place and does not fail the page.
    fn fetch_images(&self, parsed: &mut [Parsed]) {
        let Some(fetching) = &self.fetch else {
            return;
        };
        let mut wanted = Vec::new();
        for (index, parsed) in parsed.iter().enumerate() {
            if let (Some(item), Some(base)) = (&parsed.item, &parsed.extras.base) {
                let addresses = crate::images::web_addresses(base, item.image_sources());
                wanted.extend(addresses.into_iter().map(|(src, address)| (index, src, address)));
            }
        }
        if wanted.is_empty() {
            return;
        }
        let fetched = fetching.concurrently(wanted.into_iter().map(|(index, src, address)| {
            let fetcher = Arc::clone(&fetching.fetcher);
            async move {
                let image = fetcher.fetch_image(&address).await;
                (index, src, address, image)
            }
        }));
        for (index, src, address, image) in fetched {
            let Some(item) = &mut parsed[index].item else { continue };
            let kept = image.map_err(|error| error.reason).and_then(|bytes| item.add_image(&src, bytes));
            if let Err(reason) = kept {
                tracing::debug!(page = %item.location, image = %address, %reason, "an image was not kept");
            }
        }
    }

    /// Fetches a batch's addresses concurrently (within the fetcher's limits),
    /// leaving out those whose page the archive holds already.
    fn fetch_all(&mut self, addresses: Vec<Queued>) -> Vec<Unit> {
        let Some(fetching) = &self.fetch else {
            return Vec::new();
        };
        if addresses.is_empty() {
            return Vec::new();
        }
        let wanted: Vec<String> = addresses.iter().map(|queued| queued.address.clone()).collect();
        let stored = fetching.handle.block_on(fetching.store.urls_with_text(&wanted)).unwrap_or_default();
        let (stored, to_fetch): (Vec<Queued>, Vec<Queued>) =
            addresses.into_iter().partition(|queued| stored.contains(&queued.address));
        self.shared.already_fetched.fetch_add(stored.len(), Ordering::Relaxed);
        self.shared.done.fetch_add(stored.len(), Ordering::Relaxed);
        self.shared.fetched.fetch_add(to_fetch.len(), Ordering::Relaxed);
        fetching.concurrently(to_fetch.into_iter().map(|queued| {
            let fetcher = Arc::clone(&fetching.fetcher);
            async move {
                let page = fetcher.fetch(&queued.address).await;
                Unit::Fetched { queued, page }
            }
        }))
    }
}

impl Fetching {
    /// Runs `fetches` at once (the fetcher keeps them within its limits), waiting
    /// for all of them; their results in the order given. A fetch that panicked
    /// passes its panic on.
    fn concurrently<Fetch>(&self, fetches: impl Iterator<Item = Fetch>) -> Vec<Fetch::Output>
    where
        Fetch: Future + Send + 'static,
        Fetch::Output: Send + 'static,
    {
        self.handle.block_on(async {
            let mut tasks = tokio::task::JoinSet::new();
            for (index, fetch) in fetches.enumerate() {
                tasks.spawn(async move { (index, fetch.await) });
            }
            let mut done = Vec::with_capacity(tasks.len());
            while let Some(result) = tasks.join_next().await {
                match result {
                    Ok(fetched) => done.push(fetched),
                    Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
                    Err(_) => {}
                }
            }
            done.sort_by_key(|(index, _)| *index);
            done.into_iter().map(|(_, fetched)| fetched).collect()
        })
    }
}

/// A file opened for the batch: streamed line by line, or a unit of its own.
enum Opened {
    Lines(Lines),
    Unit(Unit),
}

/// Opens standard input, and files that may be NDJSON, far enough to tell
/// whether they are; other files are read when they are parsed.
fn open(path: PathBuf) -> Opened {
    if path.as_os_str() == STDIN {
        let mut reader = BufReader::with_capacity(64 * 1024, std::io::stdin());
        let ndjson = reader.fill_buf().map(|head| dossier_core::detect_format(None, head) == Format::Ndjson);
        return match ndjson {
            Err(error) => Opened::Unit(Unit::Bytes {
                location: Arc::from(STDIN),
                line: None,
                bytes: Err(format!("cannot read standard input: {error}")),
            }),
            Ok(true) => Opened::Lines(Lines::new(Arc::from(STDIN), Box::new(reader))),
            Ok(false) => {
                let mut bytes = Vec::new();
                let bytes = match reader.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes) {
                    Ok(_) if bytes.len() as u64 > MAX_FILE_BYTES => {
                        Err(format!("standard input is over the {MAX_FILE_BYTES}-byte limit"))
                    }
                    Ok(_) => Ok(bytes),
                    Err(error) => Err(format!("cannot read standard input: {error}")),
                };
                Opened::Unit(Unit::Bytes { location: Arc::from(STDIN), line: None, bytes })
            }
        };
    }
    let extension = path.extension().map(|extension| extension.to_string_lossy().to_ascii_lowercase());
    if !extension.as_deref().is_some_and(|extension| STREAMED_EXTENSIONS.contains(&extension)) {
        return Opened::Unit(Unit::File(path));
    }
    let Ok(file) = std::fs::File::open(&path) else {
        return Opened::Unit(Unit::File(path)); // reading it reports why it cannot be read
    };
    let mut reader = BufReader::with_capacity(64 * 1024, file);
    let name = path.file_name().map(|name| name.to_string_lossy().into_owned());
    let ndjson = reader
        .fill_buf()
        .is_ok_and(|head| dossier_core::detect_format(name.as_deref(), head) == Format::Ndjson);
    if ndjson {
        Opened::Lines(Lines::new(Arc::from(location_of(&path).as_str()), Box::new(reader)))
    } else {
        Opened::Unit(Unit::File(path))
    }
}

/// The lines of an NDJSON input, each a unit of its own; blank lines are passed over.
struct Lines {
    location: Arc<str>,
    reader: Box<dyn BufRead + Send>,
    number: usize,
    ended: bool,
}

impl Lines {
    fn new(location: Arc<str>, reader: Box<dyn BufRead + Send>) -> Lines {
        Lines { location, reader, number: 0, ended: false }
    }
}

impl Iterator for Lines {
    type Item = Unit;

    fn next(&mut self) -> Option<Unit> {
        while !self.ended {
            self.number += 1;
            let mut line = Vec::new();
            let read = self.reader.by_ref().take(MAX_FILE_BYTES).read_until(b'\n', &mut line);
            let unit =
                |bytes| Unit::Bytes { location: Arc::clone(&self.location), line: Some(self.number), bytes };
            match read {
                Err(error) => {
                    self.ended = true;
                    return Some(unit(Err(format!("cannot read: {error}"))));
                }
                Ok(0) => self.ended = true,
                Ok(_) if line.len() as u64 >= MAX_FILE_BYTES && !line.ends_with(b"\n") => {
                    // Pass over the rest of the overlong line.
                    let mut rest = Vec::new();
                    loop {
                        rest.clear();
                        match self.reader.by_ref().take(1 << 20).read_until(b'\n', &mut rest) {
                            Ok(0) | Err(_) => break,
                            Ok(_) if rest.ends_with(b"\n") => break,
                            Ok(_) => {}
                        }
                    }
                    return Some(unit(Err(format!("the line is over the {MAX_FILE_BYTES}-byte limit"))));
                }
                Ok(_) if line.trim_ascii().is_empty() => {}
                Ok(_) => return Some(unit(Ok(line))),
            }
        }
        None
    }
}

/// An input, parsed.
struct Parsed {
    /// What the archive stores; none for an input that only lists addresses.
    item: Option<ImportItem>,
    extras: Extras,
    /// Addresses the input lists to fetch: links without text, feeds of a list.
    links: Vec<String>,
}

fn parse_unit(unit: Unit) -> Parsed {
    match unit {
        Unit::File(path) => {
            let location = location_of(&path);
            let name = path.file_name().map(|name| name.to_string_lossy().into_owned());
            let bytes = read_file(&path);
            let mut parsed = parse_bytes(Arc::from(location.as_str()), None, name.as_deref(), bytes, true);
            if let Some(item) = &mut parsed.item {
                crate::images::keep_local_images(item, &path);
            }
            parsed
        }
        Unit::Bytes { location, line, bytes } => {
            let format_hint = line.map(|_| "line.ndjson");
            parse_bytes(location, line, format_hint, bytes, line.is_none())
        }
        Unit::Fetched { queued, page } => {
            let location: Arc<str> = Arc::from(queued.address.as_str());
            match page {
                Err(error) => Parsed {
                    item: Some(ImportItem::failed(queued.address, error.reason)),
                    extras: Extras { location, ..Extras::default() },
                    links: Vec::new(),
                },
                Ok(page) => parse_page(location, &queued.address, page),
            }
        }
    }
}

/// A fetched page: HTML is read with its address; a feed, feed list or export
/// as if it were a file (the links a fetched feed carries are kept as links, not
/// fetched in turn, except the feeds of a feed list).
fn parse_page(location: Arc<str>, address: &str, page: fetch::Page) -> Parsed {
    let name = page.final_url.rsplit('/').next().filter(|name| name.contains('.')).map(str::to_owned);
    let format = dossier_core::detect_format(name.as_deref(), &page.bytes);
    if format != Format::Html {
        return parse_bytes(location, None, name.as_deref(), Ok(page.bytes), false);
    }
    let parsed = dossier_core::html::parse_html(&page.bytes, Some(&page.final_url)).map(|mut document| {
        // The address asked for is the document's identity, so that the page
        // becomes the text of the link that listed it; where it ended up after
        // redirects stands as the canonical address when the page names none.
        if document.canonical_url.is_none() && page.final_url != address {
            document.canonical_url = Some(page.final_url.clone());
        }
        document.url = Some(address.to_owned());
        vec![document]
    });
    let item = ImportItem::from_parsed(
        location.to_string(),
        format,
        &page.bytes,
        parsed.map_err(|error| error.to_string()),
    );
    Parsed {
        item: Some(item),
        extras: Extras { location, base: Some(page.final_url), ..Extras::default() },
        links: Vec::new(),
    }
}

/// Parses one input's bytes. `fetch_links`: the bare links it carries are to be
/// fetched (an export read from a file), as opposed to kept as they are.
fn parse_bytes(
    location: Arc<str>,
    line: Option<usize>,
    name: Option<&str>,
    bytes: Result<Vec<u8>, String>,
    fetch_links: bool,
) -> Parsed {
    let failed = |reason: String| Parsed {
        item: Some(ImportItem::failed(location.to_string(), reason)),
        extras: Extras { location: Arc::clone(&location), line, ..Extras::default() },
        links: Vec::new(),
    };
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(reason) => return failed(reason),
    };
    let format = dossier_core::detect_format(name, &bytes);
    if format == Format::Opml {
        return match dossier_core::feeds::parse_opml(&bytes) {
            Err(error) => failed(error.to_string()),
            Ok(outlines) => Parsed {
                item: None,
                extras: Extras { location: Arc::clone(&location), ..Extras::default() },
                links: outlines.into_iter().map(|outline| outline.feed_url).collect(),
            },
        };
    }
    let collection = match dossier_core::parse_collection(&bytes, format) {
        Ok(collection) => collection,
        Err(error) => {
            let reason = match (line, error) {
                // A line is a JSON document of its own: its own line 1 is the file's line.
                (Some(_), dossier_core::ParseError::Json { column, message, .. }) => {
                    format!("invalid JSON at column {column}: {}", strip_position(&message))
                }
                (_, error) => error.to_string(),
            };
            return Parsed {
                item: Some(ImportItem::from_parsed(location.to_string(), format, &bytes, Err(reason))),
                extras: Extras { location: Arc::clone(&location), line, ..Extras::default() },
                links: Vec::new(),
            };
        }
    };
    // Links are fetched for what people saved to read later (exports, bookmark
    // files, archives of them); a feed's entries without text and Dossier's own
    // JSON (an export of an archive, restored as it was) stay as they are.
    let fetch_links = fetch_links
        && format.is_collection()
        && !matches!(format, Format::Rss | Format::Atom | Format::JsonFeed | Format::Opml);
    let links = if fetch_links {
        collection
            .items
            .iter()
            .filter(|item| item.document.blocks.is_empty())
            .filter_map(|item| item.document.url.clone())
            .filter(|url| is_web_address(url))
            .collect()
    } else {
        Vec::new()
    };
    let extras = Extras {
        location: Arc::clone(&location),
        line,
        read: collection.items.iter().map(|item| item.read).collect(),
        members: collection.items.iter().map(|item| item.member.clone()).collect(),
        highlights: collection.items.iter().map(|item| item.highlights.len()).sum(),
        ignored: collection.ignored,
        skipped: collection.skipped,
        base: None,
    };
    let parsed = if collection.items.is_empty() {
        Err(match extras.skipped.len() {
            0 => "it holds no documents".to_owned(),
            1 => "its only entry could not be imported".to_owned(),
            count => format!("none of its {count} entries could be imported"),
        })
    } else {
        Ok(collection.items)
    };
    let mut item = ImportItem::from_parsed_items(location.to_string(), format, &bytes, parsed);
    // The images an export carries (Readeck's), kept as the documents' local copies.
    for (src, bytes) in collection.images {
        if let Err(reason) = item.add_image(&src, bytes) {
            tracing::warn!(file = %location, image = %src, %reason, "an image was not kept");
        }
    }
    Parsed { item: Some(item), extras, links }
}

/// serde_json's message without its " at line 1 column 7" ending.
fn strip_position(message: &str) -> &str {
    message.rsplit_once(" at line ").map_or(message, |(message, _)| message)
}

/// The name a file is recorded under: its canonical path.
fn location_of(path: &Path) -> String {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned()).display().to_string()
}

fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    match std::fs::metadata(path) {
        Err(error) => return Err(format!("cannot read: {error}")),
        Ok(metadata) if metadata.len() > MAX_FILE_BYTES => {
            return Err(format!("{} bytes is over the {MAX_FILE_BYTES}-byte limit", metadata.len()));
        }
        Ok(_) => {}
    }
    std::fs::read(path).map_err(|error| format!("cannot read: {error}"))
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

/// Progress on standard error: a bar on a terminal, a line every few seconds
/// otherwise (a log, a CI job).
struct Progress {
    shared: Arc<Shared>,
    bar: Option<indicatif::ProgressBar>,
    started: Instant,
    logged: Instant,
    /// Items the writer reported.
    items: usize,
    /// Those and the inputs done without an item.
    done: usize,
}

impl Progress {
    fn new(shared: Arc<Shared>, terminal: bool) -> Progress {
        let bar = terminal.then(|| {
            let bar = indicatif::ProgressBar::with_draw_target(
                Some(shared.total.load(Ordering::Relaxed) as u64),
                indicatif::ProgressDrawTarget::stderr(),
            );
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:30} {pos}/{len} items  {per_sec}  ETA {eta}  {msg}",
                )
                .expect("the template is valid"),
            );
            bar
        });
        let now = Instant::now();
        Progress { shared, bar, started: now, logged: now, items: 0, done: 0 }
    }

    fn update(&mut self, stored: usize, failed: usize) {
        self.items += stored;
        self.done = self.items + self.shared.done.load(Ordering::Relaxed);
        let total = self.shared.total.load(Ordering::Relaxed).max(self.done);
        if let Some(bar) = &self.bar {
            bar.set_length(total as u64);
            bar.set_position(self.done as u64);
            bar.set_message(if failed > 0 { format!("{failed} failed") } else { String::new() });
        } else if self.logged.elapsed() >= LOG_EVERY {
            self.logged = Instant::now();
            self.log(total, failed);
        }
    }

    fn finish(&mut self, failed: usize) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        } else if self.started.elapsed() >= LOG_EVERY {
            self.log(self.done, failed);
        }
    }

    fn log(&self, total: usize, failed: usize) {
        let seconds = self.started.elapsed().as_secs_f64().max(1e-3);
        tracing::info!(
            "{} of {total} items, {:.0}/s, {failed} failed",
            self.done,
            self.done as f64 / seconds
        );
    }
}
