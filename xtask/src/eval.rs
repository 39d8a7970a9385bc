//! `cargo xtask eval`: scores HTML extraction on the public corpora in `../shared/corpus`.
//!
//! Two sets, each scored as the corpus README defines it:
//! - `trafilatura-eval`: snippet precision, recall and F1 over every page's `with` and
//!   `without` passages, matched with whitespace collapsed;
//! - `readability-pages`: bag-of-token F1 of the extracted body against the text of
//!   `expected.html`, averaged over pages, and exact agreement per metadata field.
//!
//! Extraction runs on one thread and only the extraction call is timed, so the
//! milliseconds a page are comparable with the README's anchors. Other engines
//! (dom_smoothie, legible, trafilatura-rs) are measured the same way when xtask is
//! built with `--features peers`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};

use crate::project_root;

const USAGE: &str = "usage: cargo xtask eval [--corpus DIR] [--engine NAME] [--set trafilatura|readability]
                         [--limit N] [--report PATH] [--show-failures N]

  --corpus DIR   the corpus folder (default: $DOSSIER_CORPUS, else ../shared/corpus)
  --engine NAME  dossier (default); with `--features peers`: dom_smoothie, legible, trafilatura-rs
  --report PATH  where the JSON report goes (default: target/eval/<engine>.json)";

/// Anchor figures from the corpus README (trafilatura-eval: precision, recall, F1, ms/page).
pub(crate) const TRAFILATURA_ANCHORS: &[(&str, f64, f64, f64, f64)] = &[
    ("trafilatura 2.3.1 (no comments)", 0.907, 0.946, 0.926, 21.5),
    ("trafilatura 2.3.1 (defaults)", 0.897, 0.947, 0.921, 20.6),
    ("dom_smoothie 0.19 (text_content)", 0.862, 0.919, 0.890, 2.3),
    ("Readability.js 0.6.0 + jsdom", 0.861, 0.919, 0.889, 175.0),
    ("legible 0.5.1 (text_content)", 0.862, 0.915, 0.888, 2.5),
    ("readability-lxml 0.9", 0.883, 0.859, 0.871, 21.1),
    ("resiliparse 2.0.1", 0.751, 0.959, 0.842, 1.6),
    ("all visible text", 0.537, 0.991, 0.697, 0.9),
];

/// Anchor body F1 on readability-pages, from the corpus README.
pub(crate) const READABILITY_ANCHORS: &[(&str, f64)] = &[
    ("legible", 0.990),
    ("dom_smoothie", 0.989),
    ("Readability.js", 0.985),
    ("readability-lxml", 0.965),
    ("resiliparse", 0.937),
    ("trafilatura", 0.932),
];

/// What an engine returns for one page: the main text and the metadata fields that
/// readability-pages judges.
#[derive(Debug, Default)]
pub(crate) struct Extracted {
    pub text: String,
    pub title: Option<String>,
    pub byline: Option<String>,
    pub lang: Option<String>,
    pub site_name: Option<String>,
    pub excerpt: Option<String>,
    pub published: Option<String>,
}

pub(crate) type Engine = fn(&[u8]) -> Extracted;

pub fn run(args: &[String]) -> anyhow::Result<()> {
    if let Some((set, rest)) = args.split_first()
        && set == "entities"
    {
        return crate::eval_entities::run(rest);
    }
    let mut corpus: Option<PathBuf> = None;
    let mut engine_name = "dossier".to_owned();
    let mut set: Option<String> = None;
    let mut limit = usize::MAX;
    let mut report: Option<PathBuf> = None;
    let mut show_failures = 0usize;
    let command = format!("eval {}", args.join(" "));
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value =
            |name: &str| args.next().cloned().with_context(|| format!("{name} needs a value\n\n{USAGE}"));
        match arg.as_str() {
            "--corpus" => corpus = Some(value("--corpus")?.into()),
            "--engine" => engine_name = value("--engine")?,
            "--set" => set = Some(value("--set")?),
            "--limit" => limit = value("--limit")?.parse().context("--limit takes a number")?,
            "--report" => report = Some(value("--report")?.into()),
            "--show-failures" => {
                show_failures = value("--show-failures")?.parse().context("--show-failures takes a number")?
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => bail!("unknown argument {other:?}\n\n{USAGE}"),
        }
    }
    let corpus = resolve_corpus(corpus)?;
    let engine = engine(&engine_name)?;
    if cfg!(debug_assertions) {
        println!(
            "note: xtask is a debug build; timings are only meaningful with `cargo run --release -p xtask -- eval`"
        );
    }

    let mut report_json = json!({
        "engine": engine_name,
        "corpus": corpus.display().to_string(),
        "debug_build": cfg!(debug_assertions),
    });
    let mut out = String::new();
    if set.as_deref().is_none_or(|set| set == "trafilatura") {
        let scores = trafilatura_eval(&corpus.join("trafilatura-eval"), engine, limit, show_failures)?;
        write_trafilatura_table(&mut out, &engine_name, &scores);
        report_json["trafilatura_eval"] = scores.to_json();
    }
    if set.as_deref().is_none_or(|set| set == "readability") {
        let scores = readability_pages(&corpus.join("readability-pages"), engine, limit, show_failures)?;
        write_readability_table(&mut out, &engine_name, &scores);
        report_json["readability_pages"] = scores.to_json();
    }
    print!("{out}");

    let report =
        report.unwrap_or_else(|| project_root().join("target/eval").join(format!("{engine_name}.json")));
    println!();
    crate::bench::write_report(&report, &command, report_json)
}

/// `--corpus DIR`, else `$DOSSIER_CORPUS`, else `../shared/corpus` beside the repository.
pub(crate) fn resolve_corpus(explicit: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    let (corpus, origin) = match (explicit, std::env::var_os("DOSSIER_CORPUS")) {
        (Some(path), _) => (path, "--corpus"),
        (None, Some(path)) => (PathBuf::from(path), "DOSSIER_CORPUS"),
        (None, None) => (project_root().join("../shared/corpus"), "the default location"),
    };
    if !corpus.join("trafilatura-eval/evaldata.json").is_file() && !corpus.join("readability-pages").is_dir()
    {
        bail!(
            "the extraction corpus is absent: {} (from {origin}) holds neither trafilatura-eval/evaldata.json \
             nor readability-pages/; pass --corpus DIR or set DOSSIER_CORPUS",
            corpus.display()
        );
    }
    Ok(corpus)
}

pub(crate) fn engine(name: &str) -> anyhow::Result<Engine> {
    Ok(match name {
        "dossier" => dossier_engine,
        #[cfg(feature = "peers")]
        "dom_smoothie" => peers::dom_smoothie_engine,
        #[cfg(feature = "peers")]
        "legible" => peers::legible_engine,
        #[cfg(feature = "peers")]
        "trafilatura-rs" => peers::trafilatura_engine,
        other if cfg!(feature = "peers") => bail!("unknown engine {other:?}\n\n{USAGE}"),
        other => bail!(
            "unknown engine {other:?}: other engines need `cargo run --release -p xtask --features peers -- eval --engine NAME`"
        ),
    })
}

fn dossier_engine(bytes: &[u8]) -> Extracted {
    match dossier_core::html::parse_html(bytes, None) {
        Ok(document) => Extracted {
            text: dossier_core::render::to_text(&document),
            title: Some(document.title.clone()),
            byline: (!document.authors.is_empty()).then(|| document.authors.join(", ")),
            lang: document.language.clone(),
            site_name: document.site.clone(),
            excerpt: document.description.clone(),
            published: document.published.clone(),
        },
        Err(_) => Extracted::default(),
    }
}

#[cfg(feature = "peers")]
mod peers {
    //! Other extractors, fed the text decoded as Dossier decodes it.

    use super::Extracted;

    fn decode(bytes: &[u8]) -> String {
        dossier_core::html::decode_html(bytes).0
    }

    pub(super) fn dom_smoothie_engine(bytes: &[u8]) -> Extracted {
        let html = decode(bytes);
        let Ok(mut readability) = dom_smoothie::Readability::new(html, None, None) else {
            return Extracted::default();
        };
        match readability.parse() {
            Ok(article) => Extracted {
                text: article.text_content.to_string(),
                title: Some(article.title),
                byline: article.byline,
                lang: article.lang,
                site_name: article.site_name,
                excerpt: article.excerpt,
                published: article.published_time,
            },
            Err(_) => Extracted::default(),
        }
    }

    pub(super) fn legible_engine(bytes: &[u8]) -> Extracted {
        let html = decode(bytes);
        match legible::parse(&html, None, None) {
            Ok(article) => Extracted {
                text: article.text_content,
                title: Some(article.title),
                byline: article.byline,
                lang: article.lang,
                site_name: article.site_name,
                excerpt: article.excerpt,
                published: article.published_time,
            },
            Err(_) => Extracted::default(),
        }
    }

    pub(super) fn trafilatura_engine(bytes: &[u8]) -> Extracted {
        let html = decode(bytes);
        let mut options = trafilatura::Options::default().with_fallback(true);
        options.exclude_comments = true;
        match trafilatura::extract(&html, &options) {
            Ok(result) => {
                let nonempty = |value: String| (!value.is_empty()).then_some(value);
                Extracted {
                    text: result.content_text,
                    title: nonempty(result.metadata.title),
                    byline: nonempty(result.metadata.author),
                    lang: nonempty(result.metadata.language),
                    site_name: nonempty(result.metadata.sitename),
                    excerpt: nonempty(result.metadata.description),
                    published: result.metadata.date.map(|date| date.to_string()),
                }
            }
            Err(_) => Extracted::default(),
        }
    }
}

/// Wall-clock time of every extraction call, and the bytes it read.
#[derive(Debug, Default)]
struct Timings {
    per_page: Vec<Duration>,
    bytes: u64,
}

impl Timings {
    fn time(&mut self, engine: Engine, bytes: &[u8]) -> Extracted {
        let start = Instant::now();
        let extracted = engine(bytes);
        self.per_page.push(start.elapsed());
        self.bytes += bytes.len() as u64;
        extracted
    }

    fn total(&self) -> Duration {
        self.per_page.iter().sum()
    }

    fn mean_ms(&self) -> f64 {
        if self.per_page.is_empty() {
            return 0.0;
        }
        self.total().as_secs_f64() * 1000.0 / self.per_page.len() as f64
    }

    fn median_ms(&self) -> f64 {
        let mut sorted = self.per_page.clone();
        sorted.sort();
        sorted.get(sorted.len() / 2).map_or(0.0, |duration| duration.as_secs_f64() * 1000.0)
    }

    fn max_ms(&self) -> f64 {
        self.per_page.iter().max().map_or(0.0, |duration| duration.as_secs_f64() * 1000.0)
    }

    fn megabytes_per_second(&self) -> f64 {
        let seconds = self.total().as_secs_f64();
        if seconds == 0.0 {
            return 0.0;
        }
        self.bytes as f64 / 1_000_000.0 / seconds
    }

    fn to_json(&self) -> Value {
        json!({
            "pages": self.per_page.len(),
            "bytes": self.bytes,
            "mean_ms": self.mean_ms(),
            "median_ms": self.median_ms(),
            "max_ms": self.max_ms(),
            "megabytes_per_second": self.megabytes_per_second(),
        })
    }
}

#[derive(Debug, Default)]
struct TrafilaturaScores {
    true_positives: usize,
    false_negatives: usize,
    false_positives: usize,
    true_negatives: usize,
    timings: Timings,
    /// Per page: (file, missed `with` passages, found `without` passages).
    failures: Vec<(String, Vec<String>, Vec<String>)>,
}

impl TrafilaturaScores {
    fn precision(&self) -> f64 {
        ratio(self.true_positives, self.true_positives + self.false_positives)
    }

    fn recall(&self) -> f64 {
        ratio(self.true_positives, self.true_positives + self.false_negatives)
    }

    fn f1(&self) -> f64 {
        let (precision, recall) = (self.precision(), self.recall());
        if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) }
    }

    fn to_json(&self) -> Value {
        json!({
            "precision": self.precision(),
            "recall": self.recall(),
            "f1": self.f1(),
            "true_positives": self.true_positives,
            "false_negatives": self.false_negatives,
            "false_positives": self.false_positives,
            "true_negatives": self.true_negatives,
            "timing": self.timings.to_json(),
            "pages_with_errors": self.failures.iter().map(|(file, missed, found)| json!({
                "file": file, "missed": missed, "wrongly_found": found,
            })).collect::<Vec<_>>(),
        })
    }
}

fn ratio(numerator: usize, denominator: usize) -> f64 {
    if denominator == 0 { 0.0 } else { numerator as f64 / denominator as f64 }
}

/// Every run of whitespace becomes one space; the ends are trimmed.
pub(crate) fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn trafilatura_eval(
    folder: &Path,
    engine: Engine,
    limit: usize,
    show_failures: usize,
) -> anyhow::Result<TrafilaturaScores> {
    let index_path = folder.join("evaldata.json");
    let index: BTreeMap<String, Value> = serde_json::from_slice(
        &std::fs::read(&index_path).with_context(|| format!("reading {}", index_path.display()))?,
    )
    .with_context(|| format!("parsing {}", index_path.display()))?;
    let mut scores = TrafilaturaScores::default();
    for entry in index.values().take(limit) {
        let file = entry["file"].as_str().context("an evaldata entry without a file")?;
        let path = folder.join("html").join(file);
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let extracted = scores.timings.time(engine, &bytes);
        let text = collapse_whitespace(&extracted.text);
        let passages = |key: &str| -> Vec<String> {
            entry[key]
                .as_array()
                .map(|values| values.iter().filter_map(Value::as_str).map(collapse_whitespace).collect())
                .unwrap_or_default()
        };
        let mut missed = Vec::new();
        let mut wrongly_found = Vec::new();
        for passage in passages("with") {
            if text.contains(&passage) {
                scores.true_positives += 1;
            } else {
                scores.false_negatives += 1;
                missed.push(passage);
            }
        }
        for passage in passages("without") {
            if text.contains(&passage) {
                scores.false_positives += 1;
                wrongly_found.push(passage);
            } else {
                scores.true_negatives += 1;
            }
        }
        if !missed.is_empty() || !wrongly_found.is_empty() {
            scores.failures.push((file.to_owned(), missed, wrongly_found));
        }
    }
    for (file, missed, found) in scores.failures.iter().take(show_failures) {
        println!("{file}\n  missed: {missed:?}\n  wrongly found: {found:?}");
    }
    Ok(scores)
}

fn write_trafilatura_table(out: &mut String, engine_name: &str, scores: &TrafilaturaScores) {
    let _ = writeln!(
        out,
        "\ntrafilatura-eval ({} pages, {} passages)\n",
        scores.timings.per_page.len(),
        scores.true_positives + scores.false_negatives + scores.false_positives + scores.true_negatives
    );
    let _ =
        writeln!(out, "| extractor | precision | recall | F1 | ms/page (mean) | ms/page (median) | MB/s |");
    let _ = writeln!(out, "| --- | --- | --- | --- | --- | --- | --- |");
    let _ = writeln!(
        out,
        "| **{engine_name} (this run)** | {:.3} | {:.3} | **{:.3}** | {:.2} | {:.2} | {:.1} |",
        scores.precision(),
        scores.recall(),
        scores.f1(),
        scores.timings.mean_ms(),
        scores.timings.median_ms(),
        scores.timings.megabytes_per_second()
    );
    for (name, precision, recall, f1, ms) in TRAFILATURA_ANCHORS {
        let _ = writeln!(out, "| {name} (README) | {precision:.3} | {recall:.3} | {f1:.3} | {ms:.1} | | |");
    }
}

#[derive(Debug, Default)]
struct ReadabilityScores {
    pages: usize,
    body_precision: f64,
    body_recall: f64,
    body_f1: f64,
    /// field → (agreeing pages, pages where the expected value is not null).
    fields: BTreeMap<&'static str, (usize, usize)>,
    /// As `fields`, after [`agrees_normalised`]'s normalisations.
    fields_normalised: BTreeMap<&'static str, (usize, usize)>,
    timings: Timings,
    /// Per page: folder, body F1, disagreeing fields.
    pages_detail: Vec<(String, f64, Vec<Disagreement>)>,
}

impl ReadabilityScores {
    fn to_json(&self) -> Value {
        let n = self.pages.max(1) as f64;
        json!({
            "pages": self.pages,
            "body_precision": self.body_precision / n,
            "body_recall": self.body_recall / n,
            "body_f1": self.body_f1 / n,
            "fields": self.fields.iter().map(|(field, (agree, total))| (field.to_string(), json!({
                "agree": agree, "total": total, "rate": ratio(*agree, *total),
            }))).collect::<serde_json::Map<_, _>>(),
            "fields_normalised": self.fields_normalised.iter().map(|(field, (agree, total))| (field.to_string(), json!({
                "agree": agree, "total": total, "rate": ratio(*agree, *total),
            }))).collect::<serde_json::Map<_, _>>(),
            "timing": self.timings.to_json(),
            "pages_detail": self.pages_detail.iter().map(|(page, f1, fields)| json!({
                "page": page, "body_f1": f1,
                "disagreements": fields.iter().map(|(field, expected, got)| json!({
                    "field": field, "expected": expected, "got": got,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })
    }
}

/// A metadata field where the engine and Readability differ: (field, expected, got).
type Disagreement = (String, String, String);

fn readability_pages(
    folder: &Path,
    engine: Engine,
    limit: usize,
    show_failures: usize,
) -> anyhow::Result<ReadabilityScores> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(folder)
        .with_context(|| format!("reading {}", folder.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.join("source.html").is_file())
        .collect();
    pages.sort();
    let mut scores = ReadabilityScores::default();
    let mut shown = 0;
    for page in pages.into_iter().take(limit) {
        let name = page.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let source = std::fs::read(page.join("source.html"))
            .with_context(|| format!("reading {}/source.html", page.display()))?;
        let expected_html = std::fs::read_to_string(page.join("expected.html"))
            .with_context(|| format!("reading {}/expected.html", page.display()))?;
        let metadata: Value = serde_json::from_slice(
            &std::fs::read(page.join("expected-metadata.json"))
                .with_context(|| format!("reading {}/expected-metadata.json", page.display()))?,
        )
        .with_context(|| format!("parsing {}/expected-metadata.json", page.display()))?;

        let extracted = scores.timings.time(engine, &source);
        let expected_text = html_text(&expected_html);
        let expected_tokens = tokens(&expected_text);
        let got_tokens = tokens(&extracted.text);
        let (precision, recall, f1) = bag_f1(&expected_tokens, &got_tokens);
        scores.pages += 1;
        scores.body_precision += precision;
        scores.body_recall += recall;
        scores.body_f1 += f1;

        let mut disagreements = Vec::new();
        for (field, key, got) in [
            ("title", "title", &extracted.title),
            ("byline", "byline", &extracted.byline),
            ("lang", "lang", &extracted.lang),
            ("site_name", "siteName", &extracted.site_name),
            ("excerpt", "excerpt", &extracted.excerpt),
            ("published", "publishedTime", &extracted.published),
        ] {
            let Some(expected) = metadata[key].as_str() else {
                continue;
            };
            let expected = collapse_whitespace(expected);
            let got = got.as_deref().map(collapse_whitespace).unwrap_or_default();
            let entry = scores.fields.entry(field).or_default();
            entry.1 += 1;
            if expected == got {
                entry.0 += 1;
            } else {
                disagreements.push((field.to_owned(), expected.clone(), got.clone()));
            }
            // The same comparison after the normalisations Dossier's model makes on
            // purpose: authors are names (no leading "By"), dates are ISO 8601, and a
            // title carries no trailing " | Site name".
            let normalised = scores.fields_normalised.entry(field).or_default();
            normalised.1 += 1;
            if agrees_normalised(field, &expected, &got, extracted.site_name.as_deref()) {
                normalised.0 += 1;
            }
        }
        if shown < show_failures && (f1 < 0.95 || !disagreements.is_empty()) {
            shown += 1;
            println!("{name}: body F1 {f1:.3}; {disagreements:?}");
        }
        scores.pages_detail.push((name, f1, disagreements));
    }
    Ok(scores)
}

fn write_readability_table(out: &mut String, engine_name: &str, scores: &ReadabilityScores) {
    let n = scores.pages.max(1) as f64;
    let _ = writeln!(out, "\nreadability-pages ({} pages)\n", scores.pages);
    let _ = writeln!(
        out,
        "| extractor | body precision | body recall | body F1 | ms/page (mean) | ms/page (median) |"
    );
    let _ = writeln!(out, "| --- | --- | --- | --- | --- | --- |");
    let _ = writeln!(
        out,
        "| **{engine_name} (this run)** | {:.3} | {:.3} | **{:.3}** | {:.2} | {:.2} |",
        scores.body_precision / n,
        scores.body_recall / n,
        scores.body_f1 / n,
        scores.timings.mean_ms(),
        scores.timings.median_ms()
    );
    for (name, f1) in READABILITY_ANCHORS {
        let _ = writeln!(out, "| {name} (README) | | | {f1:.3} | | |");
    }
    let _ = writeln!(out, "\n| field | agree | of | rate | normalised agree | rate |");
    let _ = writeln!(out, "| --- | --- | --- | --- | --- | --- |");
    for (field, (agree, total)) in &scores.fields {
        let normalised = scores.fields_normalised.get(field).map_or(0, |(agree, _)| *agree);
        let _ = writeln!(
            out,
            "| {field} | {agree} | {total} | {:.1} % | {normalised} | {:.1} % |",
            100.0 * ratio(*agree, *total),
            100.0 * ratio(normalised, *total)
        );
    }
    let _ = writeln!(
        out,
        "\nnormalised: a leading \"By\" and a date after the names dropped from bylines, and \", \"/\" and \" joining names alike; dates read as ISO 8601; \
         a trailing \" | <site name>\" dropped from titles; languages compared by their primary subtag (en-GB as en)"
    );
    let _ = writeln!(
        out,
        "\nREADME anchors: title dom_smoothie 127/127, Readability.js 125/127; byline Readability.js 76/76, dom_smoothie 74/76"
    );
}

/// Whether `got` agrees with `expected` once both are normalised the way Dossier's
/// model normalises on purpose.
fn agrees_normalised(field: &str, expected: &str, got: &str, site: Option<&str>) -> bool {
    match field {
        "byline" => {
            let strip = |text: &str| -> String {
                let text = text.trim();
                let lower = text.to_lowercase();
                let text = ["by ", "par ", "von ", "por "]
                    .iter()
                    .find(|prefix| lower.starts_with(*prefix))
                    .map_or(text, |prefix| &text[prefix.len()..]);
                text.replace(" and ", ", ").trim().to_owned()
            };
            strip(expected) == strip(got) || strip(without_date(expected)) == strip(got)
        }
        "published" => {
            let normalise =
                |text: &str| dossier_core::date::normalize(text).unwrap_or_else(|| text.to_owned());
            normalise(expected) == normalise(got)
        }
        "title" => {
            let strip = |text: &str| -> String {
                for separator in [" | ", " - ", " – ", " — ", " :: ", " · "] {
                    if let Some((head, tail)) = text.rsplit_once(separator)
                        && (site.is_some_and(|site| tail.trim() == site.trim())
                            || tail.split_whitespace().count() <= 3)
                    {
                        return head.trim().to_owned();
                    }
                }
                text.to_owned()
            };
            expected == got || strip(expected) == strip(got)
        }
        // The model keeps ISO 639-1 codes: `en-GB` agrees with `en`.
        "lang" => {
            let primary = |tag: &str| tag.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
            primary(expected) == primary(got)
        }
        _ => expected == got,
    }
}

/// The reference's byline without the date Readability keeps beside the name
/// (`By Nathan Willis March 25, 2015`, `Last Updated: January 7, 2025`): the
/// model's authors are names. The text is cut at its first digit, and the month or weekday names
/// and the words leading to a date (`Updated:`, `at`) left before it are dropped.
fn without_date(byline: &str) -> &str {
    const BEFORE_DATE: &[&str] = &[
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "updated",
        "last",
        "published",
        "posted",
        "on",
        "at",
    ];
    let mut text =
        &byline[..byline.find(|character: char| character.is_ascii_digit()).unwrap_or(byline.len())];
    loop {
        let trimmed = text.trim_end_matches(|character: char| {
            character.is_whitespace() || matches!(character, ',' | ':' | '|' | '-' | '·' | '•')
        });
        let (rest, last) = trimmed.rsplit_once(char::is_whitespace).unwrap_or(("", trimmed));
        if last.is_empty() || !BEFORE_DATE.contains(&last.to_lowercase().trim_end_matches('.')) {
            return trimmed;
        }
        text = rest;
    }
}

/// Tokens as the README defines them: runs of word characters (`\w+`), case kept.
pub(crate) fn tokens(text: &str) -> Vec<&str> {
    text.split(|character: char| !(character.is_alphanumeric() || character == '_'))
        .filter(|token| !token.is_empty())
        .collect()
}

/// Bag-of-token precision, recall and F1 of `got` against `expected`.
pub(crate) fn bag_f1(expected: &[&str], got: &[&str]) -> (f64, f64, f64) {
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for token in expected {
        counts.entry(token).or_default().0 += 1;
    }
    for token in got {
        counts.entry(token).or_default().1 += 1;
    }
    let common: usize = counts.values().map(|(e, g)| (*e).min(*g)).sum();
    if expected.is_empty() && got.is_empty() {
        return (1.0, 1.0, 1.0);
    }
    let precision = ratio(common, got.len());
    let recall = ratio(common, expected.len());
    let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
    (precision, recall, f1)
}

/// The text of an HTML fragment, with a space wherever a block element starts or
/// ends so that words in neighbouring blocks stay apart.
pub(crate) fn html_text(html: &str) -> String {
    let document = dom_query::Document::fragment(html);
    let mut out = String::new();
    let root = document.root();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.is_text() {
            out.push_str(&node.text());
            continue;
        }
        if node.is_element() {
            out.push(' ');
        }
        let children: Vec<_> = node.children();
        stack.extend(children.into_iter().rev());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_case_and_split_on_punctuation() {
        assert_eq!(tokens("Hello, wörld_1 — x!"), ["Hello", "wörld_1", "x"]);
    }

    #[test]
    fn bag_f1_counts_repeated_tokens_once_each() {
        let (precision, recall, f1) = bag_f1(&["a", "a", "b"], &["a", "b", "c"]);
        assert!((precision - 2.0 / 3.0).abs() < 1e-9);
        assert!((recall - 2.0 / 3.0).abs() < 1e-9);
        assert!((f1 - 2.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn html_text_keeps_words_of_neighbouring_blocks_apart() {
        let text = html_text("<p>one</p><p>two <b>three</b></p>");
        assert_eq!(tokens(&text), ["one", "two", "three"]);
    }

    #[test]
    fn bylines_agree_on_names_whatever_date_readability_kept_beside_them() {
        let agrees = |expected, got| agrees_normalised("byline", expected, got, None);
        assert!(agrees("By Nathan Willis\n  March 25, 2015", "Nathan Willis"));
        assert!(agrees("By GILLIAN MOHNEY March 11, 2015 3:46 PM", "GILLIAN MOHNEY"));
        assert!(agrees("Last Updated: January 7, 2025", ""));
        assert!(agrees("by Jane Doe and John Roe", "Jane Doe, John Roe"));
        // A date in the names, or another name, still disagrees.
        assert!(!agrees("By Nathan Willis March 25, 2015", "Nathan Willis March 25"));
        assert!(!agrees("By Nathan Willis", "Jonathan Corbet"));
    }

    #[test]
    fn an_absent_corpus_is_named_in_the_error() {
        let error = resolve_corpus(Some("/nonexistent/corpus".into())).unwrap_err();
        assert!(error.to_string().contains("corpus is absent"), "{error}");
        assert!(error.to_string().contains("/nonexistent/corpus"), "{error}");
    }
}
