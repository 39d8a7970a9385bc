//! `cargo xtask bench storage`: import throughput, database size and search
//! latency on a generated corpus (dossier-synth), each beside a peer measured in
//! the same run on the same machine:
//!
//! - import: Dossier's whole pipeline (parse on every core, store documents,
//!   originals, search index and story sketches) against plain SQLite inserts of
//!   the same texts into a one-column table, in the same batch size;
//! - search: `Store::search` (ranking, filters, snippets, facets) against the bare
//!   FTS5 query `MATCH … ORDER BY rank LIMIT 20` on the same database;
//! - story clusters: pairwise precision and recall on a generated set of rewrites
//!   mixed with unrelated articles on the same topics;
//! - with `--db postgres://…` (an empty database): the same import and the same
//!   queries on PostgreSQL, beside the SQLite figures of the same run.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use dossier_storage::{BATCH_SIZE, ImportItem, SearchRequest, Store};
use dossier_synth::{Generator, Rng};

use crate::bench::quantile;

struct Options {
    command: String,
    documents: usize,
    /// Where the report goes; by default `target/bench/storage.json`, or
    /// `storage-search.json` for a run on a kept archive.
    report: Option<PathBuf>,
    quick: bool,
    folder: Option<PathBuf>,
    /// A PostgreSQL database to measure beside SQLite.
    postgres: Option<String>,
}

fn options(args: &[String]) -> anyhow::Result<Options> {
    let mut options = Options {
        command: format!("bench storage {}", args.join(" ")),
        documents: 100_000,
        report: None,
        quick: false,
        folder: None,
        postgres: None,
    };
    let (mut quick, mut report) = (false, None);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => (quick, options.documents) = (true, 3_000),
            "--docs" => {
                options.documents = args.next().context("--docs takes a number")?.replace('_', "").parse()?;
            }
            "--report" => report = Some(PathBuf::from(args.next().context("--report takes a path")?)),
            "--dir" => options.folder = Some(PathBuf::from(args.next().context("--dir takes a folder")?)),
            "--db" => {
                let url = args.next().context("--db takes a postgres:// URL")?;
                anyhow::ensure!(
                    dossier_storage::is_postgres_url(url),
                    "--db takes a postgres:// URL, not {url:?}"
                );
                options.postgres = Some(url.clone());
            }
            other => anyhow::bail!("unknown option {other:?}"),
        }
    }
    options.report = report;
    options.quick = quick;
    Ok(options)
}

/// Whether the archive at `db` is one an earlier run kept (`--dir`), with
/// `documents` documents. An archive with other documents is an error.
pub(crate) async fn kept_archive(db: &Path, documents: usize) -> anyhow::Result<bool> {
    if !db.exists() {
        return Ok(false);
    }
    let store = Store::open(db).await?;
    let stored = store.count_documents().await?;
    store.close().await;
    if stored == 0 {
        return Ok(false);
    }
    anyhow::ensure!(
        stored == documents as i64,
        "the archive at {} holds {stored} documents, not {documents}: remove it or choose another --dir",
        db.display()
    );
    Ok(true)
}

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let options = options(args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(bench(options))
}

async fn bench(options: Options) -> anyhow::Result<()> {
    let scratch = crate::bench::Scratch::new("storage")?;
    let folder = options.folder.clone().unwrap_or_else(|| scratch.path().to_owned());
    std::fs::create_dir_all(&folder)?;
    println!("storage benchmark: {} documents, in {}", options.documents, folder.display());

    let db = folder.join("archive.db");
    let kept = kept_archive(&db, options.documents).await?;
    let Corpus { texts, words } =
        if kept { Corpus::kept(&folder, options.documents)? } else { Corpus::generated(options.documents) };
    let raw_bytes = words.raw_text_bytes;
    // A run on a kept archive measures no import: its report is kept apart from
    // the full run's, which `BENCHMARKS.md` is written from.
    let report_path = options.report.clone().unwrap_or_else(|| {
        crate::bench::report_path(if kept { "storage-search" } else { "storage" }, options.quick)
    });
    let (import_report, sqlite_version) = if kept {
        drop(texts);
        println!(
            "the archive at {} already holds {} documents: the import is not measured, the search is",
            db.display(),
            options.documents
        );
        (serde_json::Value::Null, None)
    } else {
        // The import takes the texts, and they are gone before the queries are timed
        // (a PostgreSQL run generates them anew): the archive's pages get the memory.
        let (report, version) = measure_import(&folder, &db, texts).await?;
        words.save(&folder)?;
        (report, Some(version))
    };
    let store = Store::open(&db).await?;
    let database_bytes = file_size(&db);
    println!(
        "database {:.1} MB = {:.2}× the raw text",
        database_bytes as f64 / 1e6,
        database_bytes as f64 / raw_bytes as f64
    );

    // Search.
    let peer = PeerSearch::open(&db).await?;
    let classes = query_classes(&peer, &words).await?;
    // The whole mix once first: an archive in use has its connections open and
    // its pages read, and the first queries of a run would otherwise pay for that.
    for query in classes.iter().flat_map(|(_, queries)| queries) {
        store.search(&SearchRequest::new(query.as_str())).await?;
    }
    let mut search_rows = Vec::new();
    for (class, queries) in &classes {
        let mut ours = Vec::new();
        let mut theirs = Vec::new();
        let mut matches = Vec::new();
        let mut exhaustive = 0;
        for query in queries {
            // Each query twice, the second timed: the archive is warm, as it is in use.
            store.search(&SearchRequest::new(query.as_str())).await?;
            let started = Instant::now();
            let results = store.search(&SearchRequest::new(query.as_str())).await?;
            ours.push(started.elapsed().as_secs_f64() * 1e3);
            matches.push(results.total as f64);
            exhaustive += usize::from(results.exhaustive);
            if let Some(expression) = peer_expression(query) {
                peer.query(&expression).await?;
                let started = Instant::now();
                peer.query(&expression).await?;
                theirs.push(started.elapsed().as_secs_f64() * 1e3);
            }
        }
        let row = SearchRow {
            class,
            queries: queries.len(),
            median_matches: quantile(&matches, 0.5),
            exhaustive,
            p50: quantile(&ours, 0.5),
            p99: quantile(&ours, 0.99),
            peer_p50: quantile(&theirs, 0.5),
            peer_p99: quantile(&theirs, 0.99),
            slowest: slowest(queries, &ours),
        };
        println!(
            "search {:<8} {:>3} queries, median {:>8.0} matches ({} ranked exactly): p50 {:>7.2} ms, p99 {:>7.2} ms; bare FTS5 p50 {:>7.2} ms, p99 {:>7.2} ms",
            row.class,
            row.queries,
            row.median_matches,
            row.exhaustive,
            row.p50,
            row.p99,
            row.peer_p50,
            row.peer_p99
        );
        print_slowest("", row.class, &row.slowest);
        search_rows.push(row);
    }
    store.close().await;

    let postgres = match &options.postgres {
        Some(url) => Some(postgres(url, options.documents, &classes).await?),
        None => None,
    };

    // Story clusters.
    let (cluster_precision, cluster_recall, cluster_articles) = clusters(&folder).await?;
    println!(
        "story clusters on {cluster_articles} articles: precision {cluster_precision:.3}, recall {cluster_recall:.3}"
    );

    let report = serde_json::json!({
        "documents": words.documents,
        "raw_text_bytes": raw_bytes,
        "sqlite_version": sqlite_version,
        "import": import_report,
        "database_bytes": database_bytes,
        "database_to_raw_text": database_bytes as f64 / raw_bytes as f64,
        "search": search_rows.iter().map(|row| serde_json::json!({
            "class": row.class,
            "queries": row.queries,
            "median_matches": row.median_matches,
            "ranked_exactly": row.exhaustive,
            "p50_ms": row.p50,
            "p99_ms": row.p99,
            "peer_bare_fts5_p50_ms": row.peer_p50,
            "peer_bare_fts5_p99_ms": row.peer_p99,
            "slowest": slowest_json(&row.slowest),
        })).collect::<Vec<_>>(),
        "story_clusters": {
            "articles": cluster_articles,
            "precision": cluster_precision,
            "recall": cluster_recall,
        },
        "postgres": postgres,
    });
    crate::bench::write_report(&report_path, &options.command, report)?;
    peer.close().await;
    Ok(())
}

/// The import beside plain inserts of the same texts, and where its time goes;
/// returns the report's `import` part and SQLite's version.
async fn measure_import(
    folder: &Path,
    db: &Path,
    texts: Vec<String>,
) -> anyhow::Result<(serde_json::Value, String)> {
    // Peer: plain inserts of the same texts.
    let peer_path = folder.join("peer.db");
    let (peer_seconds, sqlite_version) = plain_inserts(&peer_path, &texts).await?;
    let peer_rate = texts.len() as f64 / peer_seconds;
    println!("peer: plain SQLite inserts: {peer_rate:.0} documents/s");

    // Where the time goes: parsing and preparing alone, on one core.
    let sample = texts.len().min(2000);
    let started = Instant::now();
    let cpu_started = cpu_seconds();
    let prepared: Vec<ImportItem> = texts[..sample]
        .iter()
        .enumerate()
        .map(|(index, text)| {
            ImportItem::parse(format!("sample/{index}.txt"), None, text.clone().into_bytes())
        })
        .collect();
    let prepare_rate = sample as f64 / started.elapsed().as_secs_f64();
    let prepare_cpu = (cpu_seconds() - cpu_started) / sample as f64;
    let sample_store = Store::open(&folder.join("sample.db")).await?;
    let started = Instant::now();
    let cpu_started = cpu_seconds();
    for batch in prepared
        .chunks(BATCH_SIZE)
        .map(|batch| batch.len())
        .collect::<Vec<_>>()
        .into_iter()
        .scan(prepared.into_iter(), |items, size| Some(items.by_ref().take(size).collect::<Vec<_>>()))
    {
        sample_store.import_batch(None, batch).await?;
    }
    let write_rate = sample as f64 / started.elapsed().as_secs_f64();
    let write_cpu = (cpu_seconds() - cpu_started) / sample as f64;
    sample_store.close().await;
    println!(
        "stages on {sample} documents: parse and prepare {prepare_rate:.0} documents/s on one core ({:.0} µs of CPU each); write {write_rate:.0} documents/s ({:.0} µs of CPU each)",
        prepare_cpu * 1e6,
        write_cpu * 1e6,
    );

    // Dossier: the whole import pipeline.
    let store = Store::open(db).await?;
    let started = Instant::now();
    let cpu_started = cpu_seconds();
    let written_before = bytes_written();
    let documents = texts.len();
    import(&store, texts).await?;
    let import_seconds = started.elapsed().as_secs_f64();
    let import_cpu = (cpu_seconds() - cpu_started) / documents as f64;
    let import_rate = documents as f64 / import_seconds;
    store.close().await;
    // Closing checkpoints the log, so the bytes include the last batches' copy into the file.
    let written = written_before.zip(bytes_written()).map(|(before, after)| after.saturating_sub(before));
    let written_per_document = written.map(|bytes| bytes as f64 / documents as f64);
    println!(
        "dossier: import {import_rate:.0} documents/s ({:.2}× the peer's rate; {:.0} µs of CPU a document, all threads); {}",
        import_rate / peer_rate,
        import_cpu * 1e6,
        match (written, written_per_document) {
            (Some(bytes), Some(per_document)) => format!(
                "{:.0} MiB written to storage, {:.0} KB a document",
                bytes as f64 / 1_048_576.0,
                per_document / 1000.0
            ),
            _ => "bytes written: not available (no /proc/self/io)".to_owned(),
        }
    );
    let report = serde_json::json!({
        "documents_per_second": import_rate,
        "peer_plain_inserts_per_second": peer_rate,
        "ratio_to_peer": import_rate / peer_rate,
        "cpu_microseconds_per_document": import_cpu * 1e6,
        "bytes_written_per_document": written_per_document,
        "stages": {
            "parse_and_prepare_cpu_microseconds_per_document": prepare_cpu * 1e6,
            "write_cpu_microseconds_per_document": write_cpu * 1e6,
        },
    });
    Ok((report, sqlite_version))
}

/// The same import and queries on PostgreSQL; returns the report's `postgres` part.
async fn postgres(
    url: &str,
    documents: usize,
    classes: &[(&'static str, Vec<String>)],
) -> anyhow::Result<serde_json::Value> {
    let store = Store::connect(url).await.context("connecting to --db")?;
    anyhow::ensure!(store.count_documents().await? == 0, "--db must name an empty database");
    let corpus = Corpus::generated(documents);
    let raw_bytes = corpus.words.raw_text_bytes;
    let started = Instant::now();
    import(&store, corpus.texts).await?;
    let import_rate = documents as f64 / started.elapsed().as_secs_f64();
    println!("postgres: import {import_rate:.0} documents/s");
    let mut rows = Vec::new();
    for (class, queries) in classes {
        let mut times = Vec::new();
        let mut matches = Vec::new();
        let mut exhaustive = 0;
        for query in queries {
            store.search(&SearchRequest::new(query.as_str())).await?;
            let started = Instant::now();
            let results = store.search(&SearchRequest::new(query.as_str())).await?;
            times.push(started.elapsed().as_secs_f64() * 1e3);
            matches.push(results.total as f64);
            exhaustive += usize::from(results.exhaustive);
        }
        let (p50, p99) = (quantile(&times, 0.5), quantile(&times, 0.99));
        println!(
            "postgres: search {class:<8} {:>3} queries, median {:>8.0} matches ({exhaustive} ranked exactly): p50 {p50:>7.2} ms, p99 {p99:>7.2} ms",
            queries.len(),
            quantile(&matches, 0.5),
        );
        let slowest = slowest(queries, &times);
        print_slowest("postgres: ", class, &slowest);
        rows.push(serde_json::json!({
            "class": class,
            "queries": queries.len(),
            "median_matches": quantile(&matches, 0.5),
            "ranked_exactly": exhaustive,
            "p50_ms": p50,
            "p99_ms": p99,
            "slowest": slowest_json(&slowest),
        }));
    }
    store.close().await;
    let (server_version, database_bytes): (String, i64) = {
        use sqlx::Connection;
        let mut connection = sqlx::PgConnection::connect(url).await?;
        let facts =
            sqlx::query_as("SELECT current_setting('server_version'), pg_database_size(current_database())")
                .fetch_one(&mut connection)
                .await?;
        connection.close().await?;
        facts
    };
    println!("postgres {server_version}: database {:.0} MB", database_bytes as f64 / 1e6);
    Ok(serde_json::json!({
        "server_version": server_version,
        "import": { "documents_per_second": import_rate },
        "database_bytes": database_bytes,
        "database_to_raw_text": database_bytes as f64 / raw_bytes as f64,
        "search": rows,
    }))
}

/// The `SLOWEST` slowest queries of a class with their milliseconds, slowest first:
/// the p99 is one query or two, and which ones says why.
fn slowest(queries: &[String], milliseconds: &[f64]) -> Vec<(String, f64)> {
    let mut timed: Vec<(String, f64)> = queries.iter().cloned().zip(milliseconds.iter().copied()).collect();
    timed.sort_by(|a, b| b.1.total_cmp(&a.1));
    timed.truncate(SLOWEST);
    timed
}

const SLOWEST: usize = 3;

fn slowest_json(slowest: &[(String, f64)]) -> serde_json::Value {
    slowest.iter().map(|(query, ms)| serde_json::json!({ "query": query, "ms": ms })).collect()
}

fn print_slowest(backend: &str, class: &str, slowest: &[(String, f64)]) {
    let listed: Vec<String> = slowest.iter().map(|(query, ms)| format!("{query} {ms:.0} ms")).collect();
    println!("{backend}slowest {class}: {}", listed.join(", "));
}

struct SearchRow {
    slowest: Vec<(String, f64)>,
    class: &'static str,
    queries: usize,
    median_matches: f64,
    exhaustive: usize,
    p50: f64,
    p99: f64,
    peer_p50: f64,
    peer_p99: f64,
}

/// The generated articles, and what the query mix and the report need of them.
/// Shared with `bench web`, which serves the same archive.
pub(crate) struct Corpus {
    /// Empty for an archive an earlier run kept: its words were saved beside it.
    pub(crate) texts: Vec<String>,
    pub(crate) words: CorpusWords,
}

/// Of a corpus, what a run on its kept archive needs: generating a million
/// articles again takes minutes, and holding their gigabytes while queries are
/// timed leaves the archive's pages less of the memory. Saved beside the archive
/// as `corpus.json`.
pub(crate) struct CorpusWords {
    documents: usize,
    raw_text_bytes: usize,
    /// Words known to be in the corpus, by how common they are.
    rare_words: Vec<String>,
    phrases: Vec<String>,
    sites: Vec<String>,
}

const CORPUS_WORDS: &str = "corpus.json";

impl Corpus {
    pub(crate) fn generated(documents: usize) -> Corpus {
        let started = Instant::now();
        let corpus = generate(documents);
        println!(
            "generated {} articles, {:.1} MB of text, in {:.1} s",
            corpus.texts.len(),
            corpus.words.raw_text_bytes as f64 / 1e6,
            started.elapsed().as_secs_f64()
        );
        corpus
    }

    /// The corpus of the archive an earlier run kept in `folder`: its saved words,
    /// or, for an archive kept without them, the corpus generated again and its
    /// words saved for the next run.
    pub(crate) fn kept(folder: &Path, documents: usize) -> anyhow::Result<Corpus> {
        if let Some(words) = CorpusWords::load(folder, documents)? {
            println!("the corpus's words are read from {}", folder.join(CORPUS_WORDS).display());
            return Ok(Corpus { texts: Vec::new(), words });
        }
        let corpus = Corpus::generated(documents);
        corpus.words.save(folder)?;
        Ok(corpus)
    }
}

impl CorpusWords {
    pub(crate) fn save(&self, folder: &Path) -> anyhow::Result<()> {
        let json = serde_json::json!({
            "documents": self.documents,
            "raw_text_bytes": self.raw_text_bytes,
            "rare_words": self.rare_words,
            "phrases": self.phrases,
            "sites": self.sites,
        });
        let path = folder.join(CORPUS_WORDS);
        std::fs::write(&path, serde_json::to_vec_pretty(&json)?)
            .with_context(|| format!("writing {}", path.display()))
    }

    /// The words saved in `folder`, if they are there and of a corpus of `documents`.
    fn load(folder: &Path, documents: usize) -> anyhow::Result<Option<CorpusWords>> {
        let path = folder.join(CORPUS_WORDS);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(error).with_context(|| format!("reading {}", path.display())),
        };
        let json: serde_json::Value =
            serde_json::from_slice(&bytes).with_context(|| format!("reading {}", path.display()))?;
        let number = |key: &str| {
            json[key].as_u64().map(|n| n as usize).with_context(|| format!("{}: no {key}", path.display()))
        };
        let strings = |key: &str| -> anyhow::Result<Vec<String>> {
            json[key]
                .as_array()
                .and_then(|values| values.iter().map(|value| value.as_str().map(str::to_owned)).collect())
                .with_context(|| format!("{}: no list of {key}", path.display()))
        };
        if number("documents")? != documents {
            return Ok(None);
        }
        Ok(Some(CorpusWords {
            documents,
            raw_text_bytes: number("raw_text_bytes")?,
            rare_words: strings("rare_words")?,
            phrases: strings("phrases")?,
            sites: strings("sites")?,
        }))
    }
}

/// Nine in ten articles are new stories; one in ten rewrites a recent one.
fn generate(documents: usize) -> Corpus {
    let topics = (documents / 250).max(8);
    let mut generator = Generator::new(42, topics);
    let mut rng = Rng::new(7);
    let mut texts = Vec::with_capacity(documents);
    let mut recent = Vec::new();
    let mut rare_words = Vec::new();
    let mut phrases = Vec::new();
    let mut sites = Vec::new();
    for index in 0..documents {
        let topic = rng.below(topics);
        let article = if index % 10 == 9 && !recent.is_empty() {
            let (original, topic) = &recent[rng.below(recent.len())];
            generator.rewrite(original, *topic, 0.1 + 0.2 * rng.unit())
        } else {
            let article = generator.article(topic, 600);
            if recent.len() >= 64 {
                recent.remove(0);
            }
            recent.push((article.clone(), topic));
            article
        };
        if index % (documents / 60).max(1) == 0 {
            // A word of the title (topic words are rare) and two adjacent body words.
            if let Some(word) = article.title.split_whitespace().last() {
                rare_words.push(word.to_lowercase());
            }
            if let Some(sentence) = article.paragraphs.first().and_then(|paragraph| paragraph.first()) {
                let words: Vec<&str> = sentence.trim_end_matches('.').split_whitespace().collect();
                if words.len() > 3 {
                    phrases.push(format!("\"{} {}\"", words[1], words[2]).to_lowercase());
                }
            }
            sites.push(article.site.clone());
        }
        texts.push(article.to_text());
    }
    let raw_text_bytes = texts.iter().map(String::len).sum();
    Corpus { texts, words: CorpusWords { documents, raw_text_bytes, rare_words, phrases, sites } }
}

/// Imports the corpus through Dossier's whole import pipeline, as `dossier import` does.
pub(crate) async fn import(store: &Store, texts: Vec<String>) -> anyhow::Result<()> {
    let mut failed = 0;
    store
        .import_all(
            None,
            texts.into_iter().enumerate(),
            |(index, text)| ImportItem::parse(format!("generated/{index}.txt"), None, text.into_bytes()),
            |results| failed += results.iter().filter(|result| result.outcome.as_str() == "failed").count(),
        )
        .await?;
    anyhow::ensure!(failed == 0, "{failed} generated documents failed to import");
    Ok(())
}

/// The query mix by class (rare terms, common terms, phrases, filters) on the
/// archive of `corpus`. Rare: in 0.05 % to 1 % of the documents; common: the terms
/// in the most documents.
pub(crate) async fn query_classes(
    peer: &PeerSearch,
    corpus: &CorpusWords,
) -> anyhow::Result<Vec<(&'static str, Vec<String>)>> {
    let documents = corpus.documents as i64;
    let rare = peer.terms(documents / 2000, documents / 100, 60).await?;
    let common = peer.terms(documents / 4, documents, 8).await?;
    Ok(query_mix(corpus, rare, common))
}

fn query_mix(
    corpus: &CorpusWords,
    rare: Vec<String>,
    common: Vec<String>,
) -> Vec<(&'static str, Vec<String>)> {
    let filtered: Vec<String> = corpus
        .sites
        .iter()
        .zip(&corpus.rare_words)
        .enumerate()
        .map(|(index, (site, word))| {
            if index % 2 == 0 {
                format!("{word} site:\"{site}\"")
            } else {
                format!("people after:2020 -{word}")
            }
        })
        .collect();
    vec![("rare", rare), ("common", common), ("phrase", corpus.phrases.clone()), ("filter", filtered)]
}

/// The bare FTS5 form of a query, where it has one (filters have none).
fn peer_expression(query: &str) -> Option<String> {
    if query.contains(':') || query.contains(" -") {
        return None;
    }
    if query.starts_with('"') {
        return Some(query.to_owned());
    }
    Some(query.split_whitespace().map(|word| format!("\"{word}\"")).collect::<Vec<_>>().join(" AND "))
}

/// The peer: one connection, bare FTS5 ranking.
pub(crate) struct PeerSearch {
    connection: tokio::sync::Mutex<sqlx::SqliteConnection>,
}

impl PeerSearch {
    pub(crate) async fn open(path: &Path) -> anyhow::Result<PeerSearch> {
        use sqlx::Connection;
        let connection =
            sqlx::SqliteConnection::connect(&format!("sqlite://{}-search?mode=ro", path.display())).await?;
        Ok(PeerSearch { connection: tokio::sync::Mutex::new(connection) })
    }

    /// Up to `limit` indexed terms found in `low..=high` documents, most common
    /// first when the range reaches the top, else in a fixed scrambled order.
    async fn terms(&self, low: i64, high: i64, limit: i64) -> anyhow::Result<Vec<String>> {
        let mut connection = self.connection.lock().await;
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT term FROM documents_fts_terms WHERE doc BETWEEN ? AND ? AND term GLOB '[a-z][a-z]*'
             ORDER BY CASE WHEN ? >= (SELECT max(doc) FROM documents_fts_terms) THEN -doc ELSE 0 END,
                      substr(term, 2) || term
             LIMIT ?",
        )
        .bind(low.max(1))
        .bind(high)
        .bind(high)
        .bind(limit)
        .fetch_all(&mut *connection)
        .await?;
        Ok(rows.into_iter().map(|(term,)| term).collect())
    }

    async fn query(&self, expression: &str) -> anyhow::Result<usize> {
        let mut connection = self.connection.lock().await;
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? ORDER BY bm25(documents_fts, 4.0, 1.0) LIMIT 20",
        )
        .bind(expression)
        .fetch_all(&mut *connection)
        .await?;
        Ok(rows.len())
    }

    pub(crate) async fn close(self) {
        use sqlx::Connection;
        let _ = self.connection.into_inner().close().await;
    }
}

/// Returns the seconds the inserts took and SQLite's version.
async fn plain_inserts(path: &Path, texts: &[String]) -> anyhow::Result<(f64, String)> {
    use sqlx::Connection;
    let mut connection =
        sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=rwc", path.display())).await?;
    sqlx::query("PRAGMA journal_mode = WAL").execute(&mut connection).await?;
    sqlx::query("PRAGMA synchronous = NORMAL").execute(&mut connection).await?;
    sqlx::query("CREATE TABLE IF NOT EXISTS texts (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
        .execute(&mut connection)
        .await?;
    let started = Instant::now();
    for batch in texts.chunks(BATCH_SIZE) {
        let mut transaction = connection.begin().await?;
        for text in batch {
            sqlx::query("INSERT INTO texts (text) VALUES (?)").bind(text).execute(&mut *transaction).await?;
        }
        transaction.commit().await?;
    }
    let seconds = started.elapsed().as_secs_f64();
    let version: String = sqlx::query_scalar("SELECT sqlite_version()").fetch_one(&mut connection).await?;
    connection.close().await?;
    Ok((seconds, version))
}

async fn clusters(folder: &Path) -> anyhow::Result<(f64, f64, usize)> {
    let set = dossier_synth::story_set(2025, 300, 600);
    let path = folder.join("stories.db");
    let store = Store::open(&path).await?;
    let mut ids = Vec::new();
    let texts: Vec<String> = set.iter().map(|article| article.text.clone()).collect();
    store
        .import_all(
            None,
            texts.into_iter().enumerate(),
            |(index, text)| ImportItem::parse(format!("{index}.txt"), None, text.into_bytes()),
            |results| ids.extend(results.iter().map(|result| result.outcome.ids()[0])),
        )
        .await?;
    let mut predicted = Vec::with_capacity(ids.len());
    for id in ids {
        predicted.push(store.document(id).await?.story);
    }
    store.close().await;
    let truth: Vec<usize> = set.iter().map(|article| article.story).collect();
    let (precision, recall) = dossier_synth::pair_precision_recall(&truth, &predicted);
    Ok((precision, recall, set.len()))
}

/// The database file and its write-ahead log.
/// CPU time this process has used, user and system, from `/proc/self/stat` (in
/// clock ticks of 10 ms): a stage's cost that other programs on a shared machine
/// do not inflate, as they inflate its wall time. 0 where `/proc` is absent.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    // The command name (field 2) is in parentheses and may hold spaces.
    let Some((_, fields)) = stat.rsplit_once(')') else { return 0.0 };
    let fields: Vec<&str> = fields.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 11 and 12 after the name.
    let ticks: f64 = [11, 12].iter().filter_map(|index| fields.get(*index)?.parse::<f64>().ok()).sum();
    ticks / 100.0
}

/// Bytes this process has caused to be written to storage (`write_bytes` of
/// `/proc/self/io`: the log, the file and the checkpoints' copies, each page as
/// often as it was written out), or `None` where the kernel does not say.
fn bytes_written() -> Option<u64> {
    let io = std::fs::read_to_string("/proc/self/io").ok()?;
    io.lines().find_map(|line| line.strip_prefix("write_bytes:")).and_then(|value| value.trim().parse().ok())
}

/// The archive's bytes: its file, its search index's (`PATH-search`), and their logs.
fn file_size(path: &Path) -> u64 {
    let file = |suffix: &str| PathBuf::from(format!("{}{suffix}", path.display()));
    [file(""), file("-wal"), file("-search"), file("-search-wal")]
        .iter()
        .filter_map(|path| std::fs::metadata(path).ok())
        .map(|metadata| metadata.len())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_archives_query_mix_is_read_back_as_it_was_drawn() {
        let folder = tempfile::tempdir().unwrap();
        let corpus = generate(300);
        corpus.words.save(folder.path()).unwrap();

        let kept = Corpus::kept(folder.path(), 300).unwrap();
        assert!(kept.texts.is_empty(), "the corpus was generated again instead of read");
        let common = vec!["the".to_owned()];
        assert_eq!(
            query_mix(&kept.words, Vec::new(), common.clone()),
            query_mix(&corpus.words, Vec::new(), common)
        );
        assert_eq!(kept.words.raw_text_bytes, corpus.texts.iter().map(String::len).sum::<usize>());
        assert!(!kept.words.phrases.is_empty() && !kept.words.sites.is_empty());

        // The words of another corpus size are not this archive's.
        assert!(CorpusWords::load(folder.path(), 301).unwrap().is_none());
        assert_eq!(Corpus::kept(folder.path(), 301).unwrap().texts.len(), 301);
    }
}
