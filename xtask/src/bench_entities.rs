//! `cargo xtask bench entities`: what finding entities and dated events adds to
//! parsing plain text. Each round times parsing the texts as `dossier import`
//! does (`dossier_core::parse`) and parsing them without the stage — entities,
//! speakers linked to them, dated events
//! (`dossier_core::parse_without_entities_and_events`) — in alternating order;
//! the added cost is with / without − 1. The stage is also timed alone
//! (`find_entities_and_events` on parsed documents, without the speaker links),
//! as a cross-check: stage / (with − stage), and so is each of its three parts
//! (entities, speaker links, dated events), to show where a cut must come from.
//! The stage alone runs on one document after another, its code and word tables
//! kept warm; it is timed as well right after each text is parsed without it, as
//! parsing meets it, and the difference is what it pays for starting cold.
//! The texts are the annotated articles of `tests/entities/` (in the style of
//! the seed) and the seeds. Those were written to hold names and dates, more of
//! them than most articles do, so the added cost is also measured on real
//! articles: the text Dossier extracts from the pages of the readability corpus
//! (`../shared/corpus/readability-pages`; `--corpus DIR` or `$DOSSIER_CORPUS`
//! elsewhere), parsed again as plain text. Without the corpus that second
//! measurement is left out and the report says so.
//!
//! Options: `--rounds N` (default 15), `--quick` (5 rounds), `--corpus DIR`,
//! `--report PATH`.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use dossier_core::{Block, Document, Format};

use crate::bench::quantile;

/// The added cost the acceptance holds the stage to.
const TARGET: f64 = 0.30;
/// Each round parses the texts this many times, so a round lasts long enough
/// for the clock.
const PASSES: usize = 20;
/// The same for the real articles, each several times as long as an annotated text
/// (one pass with `--quick`, a smoke test).
const ARTICLE_PASSES: usize = 4;
/// Extracted texts shorter than this are a page's leftovers (an index, an error
/// page), not an article.
const MIN_ARTICLE_BYTES: usize = 500;

/// Milliseconds to parse every text `passes` times, with the entity and event
/// stage (`with`) or without it.
fn time_parsing(texts: &[Vec<u8>], passes: usize, with: bool) -> anyhow::Result<f64> {
    let started = Instant::now();
    for _ in 0..passes {
        for text in texts {
            let text = black_box(text.as_slice());
            if with {
                black_box(dossier_core::parse(text, Format::Text)?);
            } else {
                black_box(dossier_core::parse_without_entities_and_events(text, Format::Text)?);
            }
        }
    }
    Ok(started.elapsed().as_secs_f64() * 1000.0)
}

/// Parsing with the stage and without it, alternating which runs first from round
/// to round, so that neither always meets the machine warmer: each round's
/// (with, without) milliseconds.
fn alternate(texts: &[Vec<u8>], passes: usize, round: usize) -> anyhow::Result<(f64, f64)> {
    Ok(if round.is_multiple_of(2) {
        let with = time_parsing(texts, passes, true)?;
        (with, time_parsing(texts, passes, false)?)
    } else {
        let without = time_parsing(texts, passes, false)?;
        (time_parsing(texts, passes, true)?, without)
    })
}

/// The median and quartiles of a share measured once a round (0.5 is 50 %).
struct Quartiles {
    median: f64,
    p25: f64,
    p75: f64,
}

impl Quartiles {
    fn of(values: &[f64]) -> Quartiles {
        Quartiles { median: quantile(values, 0.5), p25: quantile(values, 0.25), p75: quantile(values, 0.75) }
    }

    /// `median 74.4 % (p25 66.7 %, p75 81.1 %)`
    fn percent(&self) -> String {
        format!(
            "median {:.1} % (p25 {:.1} %, p75 {:.1} %)",
            self.median * 100.0,
            self.p25 * 100.0,
            self.p75 * 100.0
        )
    }

    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "median": self.median, "p25": self.p25, "p75": self.p75 })
    }
}

/// Entity mentions and dated events a thousand words in `documents` (parsed with
/// the stage): how much the stage finds in them.
fn density(documents: &[Document]) -> (f64, f64) {
    let words: usize = documents.iter().map(|document| document.word_count).sum();
    let mentions: usize =
        documents.iter().flat_map(|document| &document.entities).map(|entity| entity.mentions.len()).sum();
    let events: usize = documents.iter().map(|document| document.events.len()).sum();
    let per_thousand = |count: usize| count as f64 * 1000.0 / words.max(1) as f64;
    (per_thousand(mentions), per_thousand(events))
}

/// Each text parsed as plain text, with the stage.
fn parse_all(texts: &[Vec<u8>]) -> anyhow::Result<Vec<Document>> {
    let mut documents = Vec::with_capacity(texts.len());
    for text in texts {
        documents.extend(dossier_core::parse(text, Format::Text)?);
    }
    Ok(documents)
}

/// The plain text of the readability corpus' pages as Dossier extracts them: the
/// title, then each block of prose (headings, paragraphs, quotations, lists; not
/// code or images), a blank line between them.
fn real_articles(corpus: &Path) -> anyhow::Result<Vec<Vec<u8>>> {
    let folder = corpus.join("readability-pages");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&folder)
        .map_err(|error| anyhow::anyhow!("{}: {error}", folder.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path().join("source.html"))
        .filter(|path| path.is_file())
        .collect();
    pages.sort();
    let mut texts = Vec::new();
    for page in pages {
        let html = std::fs::read(&page)?;
        // A page Dossier cannot read is the extraction benchmarks' business.
        let Ok(documents) = dossier_core::parse(&html, Format::Html) else {
            continue;
        };
        for document in documents {
            let mut text = document.title.clone();
            for block in &document.blocks {
                if matches!(block, Block::Code { .. } | Block::Image { .. } | Block::Rule) {
                    continue;
                }
                let block = block.text();
                if !block.trim().is_empty() {
                    text.push_str("\n\n");
                    text.push_str(&block);
                }
            }
            if text.len() >= MIN_ARTICLE_BYTES {
                texts.push(text.into_bytes());
            }
        }
    }
    anyhow::ensure!(!texts.is_empty(), "no article text in {}", folder.display());
    Ok(texts)
}

/// Milliseconds to run `work` on each parsed document, `PASSES` times over.
fn time_on_documents(documents: &mut [Document], mut work: impl FnMut(&mut Document)) -> f64 {
    let started = Instant::now();
    for _ in 0..PASSES {
        for document in documents.iter_mut() {
            work(black_box(document));
        }
    }
    started.elapsed().as_secs_f64() * 1000.0
}

/// Milliseconds the stage takes right after each text is parsed without it,
/// `PASSES` times over: only the stage is timed.
fn time_after_parsing(texts: &[Vec<u8>]) -> anyhow::Result<f64> {
    let mut elapsed = std::time::Duration::ZERO;
    for _ in 0..PASSES {
        for text in texts {
            let documents = dossier_core::parse_without_entities_and_events(black_box(text), Format::Text)?;
            let started = Instant::now();
            for document in &documents {
                black_box(dossier_core::find_entities_and_events(black_box(document)));
            }
            elapsed += started.elapsed();
        }
    }
    Ok(elapsed.as_secs_f64() * 1000.0)
}

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let command = format!("bench entities {}", args.join(" "));
    let mut rounds = 15;
    let mut quick = false;
    let mut report = None;
    let mut corpus: Option<PathBuf> = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rounds" => {
                rounds = args.next().ok_or_else(|| anyhow::anyhow!("--rounds needs a value"))?.parse()?
            }
            "--quick" => (quick, rounds) = (true, 5),
            "--corpus" => {
                corpus = Some(args.next().ok_or_else(|| anyhow::anyhow!("--corpus needs a folder"))?.into());
            }
            "--report" => {
                report = Some(args.next().ok_or_else(|| anyhow::anyhow!("--report needs a value"))?.into());
            }
            other => anyhow::bail!("unknown option {other:?}"),
        }
    }
    let report = report.unwrap_or_else(|| crate::bench::report_path("entities", quick));
    let root = crate::project_root();
    let mut texts = Vec::new();
    for folder in [root.join("tests/entities"), root.join("seeds")] {
        let mut paths: Vec<_> = std::fs::read_dir(&folder)?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|extension| extension == "txt"))
            .collect();
        paths.sort();
        for path in paths {
            texts.push(std::fs::read(&path)?);
        }
    }
    anyhow::ensure!(!texts.is_empty(), "no texts in tests/entities or seeds");
    let bytes: usize = texts.iter().map(Vec::len).sum();
    // Plain text is one document a text.
    let mut documents = parse_all(&texts)?;
    let (mentions, events) = density(&documents);
    println!(
        "{} texts ({} kB; {mentions:.0} entity mentions and {events:.1} dated events a thousand words), {rounds} rounds of {PASSES} passes",
        texts.len(),
        bytes / 1000
    );

    let (mut parse_ms, mut baseline_ms, mut stage_ms) = (Vec::new(), Vec::new(), Vec::new());
    let (mut added, mut estimated) = (Vec::new(), Vec::new());
    let (mut entities_ms, mut links_ms, mut events_ms) = (Vec::new(), Vec::new(), Vec::new());
    let mut after_parse_ms = Vec::new();
    for round in 0..rounds {
        let (parse, baseline) = alternate(&texts, PASSES, round)?;
        let stage = time_on_documents(&mut documents, |document| {
            black_box(dossier_core::find_entities_and_events(document));
        });
        entities_ms.push(time_on_documents(&mut documents, |document| {
            black_box(dossier_core::find_entities(document));
        }));
        links_ms.push(time_on_documents(&mut documents, dossier_core::link_quote_speakers));
        events_ms.push(time_on_documents(&mut documents, |document| {
            black_box(dossier_core::find_events(document));
        }));
        after_parse_ms.push(time_after_parsing(&texts)?);
        added.push(parse / baseline.max(f64::EPSILON) - 1.0);
        estimated.push(stage / (parse - stage).max(f64::EPSILON));
        parse_ms.push(parse);
        baseline_ms.push(baseline);
        stage_ms.push(stage);
    }
    let per_text = |ms: f64| ms * 1000.0 / (PASSES * texts.len()) as f64;
    let line = |what: &str, ms: &[f64]| {
        println!(
            "{what} median {:.1} µs a text (p25 {:.1}, p75 {:.1})",
            per_text(quantile(ms, 0.5)),
            per_text(quantile(ms, 0.25)),
            per_text(quantile(ms, 0.75))
        );
    };
    line("parse with entities and events:   ", &parse_ms);
    line("parse without them:               ", &baseline_ms);
    line("entities and events alone:        ", &stage_ms);
    line("  the same, right after parsing:  ", &after_parse_ms);
    line("  entities alone:                 ", &entities_ms);
    line("  speaker links alone:            ", &links_ms);
    line("  dated events alone:             ", &events_ms);
    let (added, estimated) = (Quartiles::of(&added), Quartiles::of(&estimated));
    println!(
        "added to parsing (with / without): {}; target at most {:.0} %: {}",
        added.percent(),
        TARGET * 100.0,
        if added.median <= TARGET { "met" } else { "NOT met" }
    );
    println!("the stage alone against parsing less it: {}", estimated.percent());
    // The same with and without, on real articles.
    let real = match crate::eval::resolve_corpus(corpus).and_then(|corpus| real_articles(&corpus)) {
        Ok(articles) => {
            let passes = if quick { 1 } else { ARTICLE_PASSES };
            let bytes: usize = articles.iter().map(Vec::len).sum();
            let (article_mentions, article_events) = density(&parse_all(&articles)?);
            println!(
                "real articles (readability-pages, the text Dossier extracts): {} texts ({} kB; {article_mentions:.0} entity mentions and {article_events:.1} dated events a thousand words), {rounds} rounds of {passes} pass{}",
                articles.len(),
                bytes / 1000,
                if passes == 1 { "" } else { "es" }
            );
            let (mut with_ms, mut without_ms, mut fractions) = (Vec::new(), Vec::new(), Vec::new());
            for round in 0..rounds {
                let (with, without) = alternate(&articles, passes, round)?;
                fractions.push(with / without.max(f64::EPSILON) - 1.0);
                with_ms.push(with);
                without_ms.push(without);
            }
            let per_article = |ms: f64| ms * 1000.0 / (passes * articles.len()) as f64;
            let added = Quartiles::of(&fractions);
            println!(
                "  parse with {:.1} µs an article, without {:.1} µs; added: {}",
                per_article(quantile(&with_ms, 0.5)),
                per_article(quantile(&without_ms, 0.5)),
                added.percent(),
            );
            serde_json::json!({
                "source": "readability-pages",
                "texts": articles.len(),
                "bytes": bytes,
                "mentions_per_thousand_words": article_mentions,
                "events_per_thousand_words": article_events,
                "parse_us_per_text": per_article(quantile(&with_ms, 0.5)),
                "baseline_us_per_text": per_article(quantile(&without_ms, 0.5)),
                "added_fraction": added.to_json(),
            })
        }
        Err(error) => {
            println!("real articles: not measured — {error:#}");
            serde_json::Value::Null
        }
    };
    let json = serde_json::json!({
        "texts": texts.len(),
        "mentions_per_thousand_words": mentions,
        "events_per_thousand_words": events,
        "rounds": rounds,
        "parse_us_per_text": per_text(quantile(&parse_ms, 0.5)),
        "baseline_us_per_text": per_text(quantile(&baseline_ms, 0.5)),
        "stage_us_per_text": per_text(quantile(&stage_ms, 0.5)),
        "stage_after_parse_us_per_text": per_text(quantile(&after_parse_ms, 0.5)),
        "parts_us_per_text": {
            "entities": per_text(quantile(&entities_ms, 0.5)),
            "speaker_links": per_text(quantile(&links_ms, 0.5)),
            "events": per_text(quantile(&events_ms, 0.5)),
        },
        "added_fraction": added.to_json(),
        "stage_alone_fraction": estimated.to_json(),
        "real_articles": real,
        "target": TARGET,
        "met": added.median <= TARGET,
    });
    crate::bench::write_report(&report, &command, json)
}
