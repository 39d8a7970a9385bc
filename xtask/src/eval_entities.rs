//! `cargo xtask eval entities`: scores the people, organisations, places, dated events and
//! quote speakers that `dossier-core` derives against the annotated set in `tests/entities/`.
//!
//! Each article `NNN.txt` has its annotation `NNN.json` beside it; `docs/entity-annotation.md`
//! is the annotation guide and states the matching rules implemented here. Scores are summed
//! over the set (micro-averaged) and printed beside the issue's targets; the JSON report keeps
//! every article's misses.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use dossier_core::{Entity, EntityKind, Event, Quote};
use serde_json::{Map, Value, json};

use crate::project_root;

const USAGE: &str = "usage: cargo xtask eval entities [--set DIR]… [--report PATH] [--verbose]

  --set DIR      an annotated set, repeatable (default: tests/entities, the set the rules
                 were written against, and tests/entities-heldout, which they never saw)
  --report PATH  where the JSON report goes (default: target/eval/entities.json)
  --verbose      list each article's misses and false positives";

/// The issue's targets (acceptance point 7). Places have none.
const PERSON_F1_TARGET: f64 = 0.85;
const ORGANIZATION_F1_TARGET: f64 = 0.85;
const SPEAKER_ACCURACY_TARGET: f64 = 0.85;
const DATES_F1_TARGET: f64 = 0.90;

const KINDS: [EntityKind; 3] = [EntityKind::Person, EntityKind::Organization, EntityKind::Place];

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let command = format!("eval entities {}", args.join(" "));
    let mut sets: Vec<PathBuf> = Vec::new();
    let mut report: Option<PathBuf> = None;
    let mut verbose = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value =
            |name: &str| args.next().cloned().with_context(|| format!("{name} needs a value\n\n{USAGE}"));
        match arg.as_str() {
            "--set" => sets.push(value("--set")?.into()),
            "--report" => report = Some(value("--report")?.into()),
            "--verbose" | "-v" => verbose = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => bail!("unknown argument {other:?}\n\n{USAGE}"),
        }
    }
    if sets.is_empty() {
        sets = vec![project_root().join("tests/entities"), project_root().join("tests/entities-heldout")];
    }
    let mut reports = Vec::new();
    for set in &sets {
        reports.push(score_set(set, verbose)?);
    }
    let report = report.unwrap_or_else(|| project_root().join("target/eval/entities.json"));
    println!();
    crate::bench::write_report(&report, &command, json!({ "sets": reports }))
}

/// Scores one annotated set, prints its table, and returns its part of the report.
fn score_set(set: &Path, verbose: bool) -> anyhow::Result<Value> {
    let articles = load_set(set)?;
    let problems: Vec<String> = articles.iter().flat_map(check_article).collect();
    if !problems.is_empty() {
        bail!("the annotated set {} is malformed:\n  {}", set.display(), problems.join("\n  "));
    }

    let scores: Vec<ArticleScore> = articles.iter().map(score_article).collect();
    let totals = Totals::sum(&scores);
    let mut out = String::new();
    write_table(&mut out, set, &totals);
    if verbose {
        write_misses(&mut out, &scores);
    }
    print!("{out}");
    let name =
        set.file_name().map_or_else(|| set.display().to_string(), |name| name.to_string_lossy().into_owned());
    Ok(json!({
        "set": name,
        "articles": scores.len(),
        "totals": totals.to_json(),
        "per_article": scores.iter().map(ArticleScore::to_json).collect::<Vec<_>>(),
    }))
}

// ---------------------------------------------------------------------------------------------
// The set: articles and their annotations

/// One article of the set: its text and what a person reading it found.
#[derive(Debug)]
struct Article {
    /// The file stem, `NNN`.
    id: String,
    path: PathBuf,
    bytes: Vec<u8>,
    text: String,
    annotation: Annotation,
}

#[derive(Debug, Default)]
struct Annotation {
    date: String,
    persons: Vec<AnnotatedEntity>,
    organizations: Vec<AnnotatedEntity>,
    places: Vec<AnnotatedEntity>,
    events: Vec<AnnotatedEvent>,
    quotes: Vec<AnnotatedQuote>,
}

impl Annotation {
    fn entities(&self, kind: EntityKind) -> &[AnnotatedEntity] {
        match kind {
            EntityKind::Person => &self.persons,
            EntityKind::Organization => &self.organizations,
            EntityKind::Place => &self.places,
        }
    }

    /// The annotated person or organisation a quote's `speaker` names.
    fn speaker(&self, name: &str) -> Option<&AnnotatedEntity> {
        self.persons.iter().chain(&self.organizations).find(|entity| entity.name == name)
    }
}

#[derive(Debug)]
struct AnnotatedEntity {
    name: String,
    aliases: Vec<String>,
}

impl AnnotatedEntity {
    fn forms(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

#[derive(Debug)]
struct AnnotatedEvent {
    date: String,
    expression: String,
    approximate: bool,
}

#[derive(Debug)]
struct AnnotatedQuote {
    text_start: String,
    speaker: Option<String>,
}

/// Reads every `NNN.txt` of `dir` with the `NNN.json` beside it, in name order.
fn load_set(dir: &Path) -> anyhow::Result<Vec<Article>> {
    if !dir.is_dir() {
        bail!(
            "the annotated set is absent: {} is not a folder; it should hold NNN.txt articles, each with its \
             NNN.json annotation (docs/entity-annotation.md); pass --set DIR to use another folder",
            dir.display()
        );
    }
    let mut texts = Vec::new();
    let mut jsons = BTreeSet::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry.with_context(|| format!("reading {}", dir.display()))?.path();
        match path.extension().and_then(|extension| extension.to_str()) {
            Some("txt") => texts.push(path),
            Some("json") => {
                jsons.insert(path);
            }
            _ => {}
        }
    }
    texts.sort();
    if texts.is_empty() {
        bail!("the annotated set {} holds no .txt article", dir.display());
    }
    let mut articles = Vec::new();
    for path in texts {
        let json_path = path.with_extension("json");
        if !jsons.remove(&json_path) {
            bail!("{} has no annotation: {} is missing", path.display(), json_path.display());
        }
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let text =
            String::from_utf8(bytes.clone()).with_context(|| format!("{} is not UTF-8", path.display()))?;
        let json = std::fs::read_to_string(&json_path)
            .with_context(|| format!("reading {}", json_path.display()))?;
        let value: Value =
            serde_json::from_str(&json).with_context(|| format!("{} is not JSON", json_path.display()))?;
        let annotation =
            parse_annotation(&value).with_context(|| format!("reading {}", json_path.display()))?;
        let id = path.file_stem().and_then(|stem| stem.to_str()).unwrap_or_default().to_owned();
        articles.push(Article { id, path, bytes, text, annotation });
    }
    if let Some(orphan) = jsons.first() {
        bail!("{} annotates no article: there is no .txt beside it", orphan.display());
    }
    Ok(articles)
}

/// Reads an annotation strictly: every key present, no unknown key, every value of its type.
fn parse_annotation(value: &Value) -> anyhow::Result<Annotation> {
    let object = strict_object(
        value,
        "the annotation",
        &["date", "persons", "organizations", "places", "events", "quotes"],
    )?;
    let entities = |key: &str| -> anyhow::Result<Vec<AnnotatedEntity>> {
        array(&object[key], key)?
            .iter()
            .enumerate()
            .map(|(index, value)| {
                let what = format!("{key}[{index}]");
                let entity = strict_object(value, &what, &["name", "aliases"])?;
                Ok(AnnotatedEntity {
                    name: string(&entity["name"], &format!("{what}.name"))?,
                    aliases: array(&entity["aliases"], &format!("{what}.aliases"))?
                        .iter()
                        .map(|alias| string(alias, &format!("{what}.aliases")))
                        .collect::<anyhow::Result<_>>()?,
                })
            })
            .collect()
    };
    let events = array(&object["events"], "events")?
        .iter()
        .enumerate()
        .map(|(index, value)| {
            let what = format!("events[{index}]");
            let event = strict_object(value, &what, &["date", "expression", "approximate"])?;
            Ok(AnnotatedEvent {
                date: string(&event["date"], &format!("{what}.date"))?,
                expression: string(&event["expression"], &format!("{what}.expression"))?,
                approximate: event["approximate"]
                    .as_bool()
                    .with_context(|| format!("{what}.approximate must be true or false"))?,
            })
        })
        .collect::<anyhow::Result<_>>()?;
    let quotes = array(&object["quotes"], "quotes")?
        .iter()
        .enumerate()
        .map(|(index, value)| {
            let what = format!("quotes[{index}]");
            let quote = strict_object(value, &what, &["text_start", "speaker"])?;
            Ok(AnnotatedQuote {
                text_start: string(&quote["text_start"], &format!("{what}.text_start"))?,
                speaker: match &quote["speaker"] {
                    Value::Null => None,
                    speaker => Some(string(speaker, &format!("{what}.speaker"))?),
                },
            })
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(Annotation {
        date: string(&object["date"], "date")?,
        persons: entities("persons")?,
        organizations: entities("organizations")?,
        places: entities("places")?,
        events,
        quotes,
    })
}

fn strict_object<'a>(value: &'a Value, what: &str, keys: &[&str]) -> anyhow::Result<&'a Map<String, Value>> {
    let object = value.as_object().with_context(|| format!("{what} must be an object"))?;
    if let Some(missing) = keys.iter().find(|key| !object.contains_key(**key)) {
        bail!("{what} lacks the key {missing:?}");
    }
    if let Some(unknown) = object.keys().find(|key| !keys.contains(&key.as_str())) {
        bail!("{what} has the unknown key {unknown:?} (expected {keys:?})");
    }
    Ok(object)
}

fn array<'a>(value: &'a Value, what: &str) -> anyhow::Result<&'a Vec<Value>> {
    value.as_array().with_context(|| format!("{what} must be an array"))
}

fn string(value: &Value, what: &str) -> anyhow::Result<String> {
    match value.as_str() {
        Some(text) if !text.trim().is_empty() => Ok(text.to_owned()),
        _ => bail!("{what} must be a non-empty string"),
    }
}

/// What is wrong with an article and its annotation, each problem a line naming the file.
fn check_article(article: &Article) -> Vec<String> {
    let mut problems = Vec::new();
    let file = article.path.display();
    let annotation = &article.annotation;
    match header_date(&article.text) {
        Some(date) if date == annotation.date => {}
        Some(date) => {
            problems.push(format!("{file}: the header says {date}, the annotation {}", annotation.date))
        }
        None => problems.push(format!("{file}: no ` date YYYY-MM-DD ` header line")),
    }
    if !is_calendar_date(&annotation.date, 3) {
        problems.push(format!("{file}: the annotation's date {:?} is not YYYY-MM-DD", annotation.date));
    }
    for kind in KINDS {
        let mut names = BTreeSet::new();
        for entity in annotation.entities(kind) {
            if !names.insert(entity.name.as_str()) {
                problems.push(format!("{file}: the {} {:?} is annotated twice", kind.as_str(), entity.name));
            }
            for form in entity.forms() {
                if !article.text.contains(form) {
                    problems.push(format!(
                        "{file}: the {} name {form:?} does not occur in the article",
                        kind.as_str()
                    ));
                }
            }
        }
    }
    for event in &annotation.events {
        if !is_calendar_date(&event.date, 1) {
            problems
                .push(format!("{file}: the event date {:?} is not YYYY, YYYY-MM or YYYY-MM-DD", event.date));
        }
        if !article.text.contains(&event.expression) {
            problems.push(format!(
                "{file}: the date expression {:?} does not occur in the article",
                event.expression
            ));
        }
    }
    for quote in &annotation.quotes {
        if !article.text.contains(&quote.text_start) {
            problems.push(format!(
                "{file}: the quote start {:?} does not occur in the article",
                quote.text_start
            ));
        }
        if let Some(speaker) = &quote.speaker
            && annotation.speaker(speaker).is_none()
        {
            problems
                .push(format!("{file}: the speaker {speaker:?} is not an annotated person or organisation"));
        }
    }
    problems
}

/// The value of the ` date YYYY-MM-DD ` header line: the first line that is not blank.
fn header_date(text: &str) -> Option<&str> {
    let line = text.lines().map(str::trim).find(|line| !line.is_empty())?;
    line.strip_prefix("date ").map(str::trim)
}

/// Whether `date` is `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (at least `min_parts` of them) and a
/// real calendar date.
fn is_calendar_date(date: &str, min_parts: usize) -> bool {
    let parts: Vec<&str> = date.split('-').collect();
    let widths_ok = parts.len() >= min_parts
        && parts.len() <= 3
        && parts
            .iter()
            .zip([4, 2, 2])
            .all(|(part, width)| part.len() == width && part.bytes().all(|byte| byte.is_ascii_digit()));
    if !widths_ok {
        return false;
    }
    let number = |index: usize| parts.get(index).map(|part| part.parse::<u32>().unwrap_or(0));
    let year = number(0).unwrap_or(0);
    match (number(1), number(2)) {
        (None, _) => true,
        (Some(month), None) => (1..=12).contains(&month),
        (Some(month), Some(day)) => {
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            let days = match month {
                1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
                4 | 6 | 9 | 11 => 30,
                2 if leap => 29,
                2 => 28,
                _ => return false,
            };
            (1..=days).contains(&day)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Matching and scoring

/// Lowercase, every run of characters that are not letters or digits one space, ends trimmed.
fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for word in text.split(|character: char| !character.is_alphanumeric()).filter(|word| !word.is_empty()) {
        if !folded.is_empty() {
            folded.push(' ');
        }
        folded.extend(word.chars().flat_map(char::to_lowercase));
    }
    folded
}

/// Whether folded `haystack` holds folded `needle` as a run of whole words.
fn contains_words(haystack: &str, needle: &str) -> bool {
    !needle.is_empty() && format!(" {haystack} ").contains(&format!(" {needle} "))
}

/// Whether folded `haystack` begins with folded `needle` as whole words.
fn starts_with_words(haystack: &str, needle: &str) -> bool {
    !needle.is_empty()
        && haystack.strip_prefix(needle).is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
}

/// True positives, false positives and false negatives.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Counts {
    matched: usize,
    false_positives: usize,
    missed: usize,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.matched += other.matched;
        self.false_positives += other.false_positives;
        self.missed += other.missed;
    }

    fn predicted(self) -> usize {
        self.matched + self.false_positives
    }

    fn annotated(self) -> usize {
        self.matched + self.missed
    }

    /// None when nothing was predicted.
    fn precision(self) -> Option<f64> {
        ratio(self.matched, self.predicted())
    }

    fn recall(self) -> Option<f64> {
        ratio(self.matched, self.annotated())
    }

    /// 0 when nothing matched (including when nothing was predicted).
    fn f1(self) -> f64 {
        ratio(2 * self.matched, 2 * self.matched + self.false_positives + self.missed).unwrap_or(0.0)
    }

    fn to_json(self) -> Value {
        json!({
            "matched": self.matched,
            "false_positives": self.false_positives,
            "missed": self.missed,
            "predicted": self.predicted(),
            "annotated": self.annotated(),
            "precision": self.precision(),
            "recall": self.recall(),
            "f1": self.f1(),
        })
    }
}

fn ratio(numerator: usize, denominator: usize) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

/// One article's scores, with what was missed and what was predicted wrongly.
#[derive(Debug, Default)]
struct ArticleScore {
    id: String,
    /// Set when parsing returned nothing: everything annotated counts as missed.
    parse_error: Option<String>,
    /// Persons, organisations, places, in `KINDS` order.
    entities: [Counts; 3],
    dates: Counts,
    /// Matched events whose `approximate` flag agrees with the annotation.
    approximate_agreeing: usize,
    quotes_annotated: usize,
    quotes_found: usize,
    speakers_right: usize,
    misses: Vec<String>,
    false_positives: Vec<String>,
}

impl ArticleScore {
    fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "parse_error": self.parse_error,
            "person": self.entities[0].to_json(),
            "organization": self.entities[1].to_json(),
            "place": self.entities[2].to_json(),
            "dates": self.dates.to_json(),
            "quotes": {
                "annotated": self.quotes_annotated,
                "found": self.quotes_found,
                "speaker_right": self.speakers_right,
            },
            "misses": self.misses,
            "false_positives": self.false_positives,
        })
    }
}

fn score_article(article: &Article) -> ArticleScore {
    let name = article.path.file_name().and_then(|name| name.to_str());
    let format = dossier_core::detect_format(name, &article.bytes);
    match dossier_core::parse(&article.bytes, format) {
        Ok(documents) if !documents.is_empty() => {
            let document = &documents[0];
            score(&article.id, &article.annotation, &document.entities, &document.events, &document.quotes)
        }
        Ok(_) => parse_failure(article, "parsing returned no document".to_owned()),
        Err(error) => parse_failure(article, error.to_string()),
    }
}

fn parse_failure(article: &Article, error: String) -> ArticleScore {
    let mut score = score(&article.id, &article.annotation, &[], &[], &[]);
    score.parse_error = Some(error);
    score
}

/// Scores what a document derived against an article's annotation
/// (`docs/entity-annotation.md`, "How `cargo xtask eval entities` scores").
fn score(
    id: &str,
    annotation: &Annotation,
    entities: &[Entity],
    events: &[Event],
    quotes: &[Quote],
) -> ArticleScore {
    let mut score = ArticleScore { id: id.to_owned(), ..ArticleScore::default() };
    for (slot, kind) in KINDS.into_iter().enumerate() {
        let predicted: Vec<&Entity> = entities.iter().filter(|entity| entity.kind == kind).collect();
        let counts = match_entities(kind, annotation.entities(kind), &predicted, &mut score);
        score.entities[slot] = counts;
    }
    match_events(annotation, events, &mut score);
    match_quotes(annotation, entities, quotes, &mut score);
    score
}

fn predicted_forms(entity: &Entity) -> BTreeSet<String> {
    std::iter::once(&entity.name)
        .chain(&entity.aliases)
        .map(|form| fold(form))
        .filter(|form| !form.is_empty())
        .collect()
}

fn annotated_forms(entity: &AnnotatedEntity) -> BTreeSet<String> {
    entity.forms().map(fold).collect()
}

/// Each predicted entity, in document order, takes the first unmatched annotated entity that
/// shares a folded form (name or alias) with it.
fn match_entities(
    kind: EntityKind,
    annotated: &[AnnotatedEntity],
    predicted: &[&Entity],
    score: &mut ArticleScore,
) -> Counts {
    let annotated_forms: Vec<BTreeSet<String>> = annotated.iter().map(annotated_forms).collect();
    let mut taken = vec![false; annotated.len()];
    let mut counts = Counts::default();
    for entity in predicted {
        let forms = predicted_forms(entity);
        let hit =
            (0..annotated.len()).find(|&index| !taken[index] && !annotated_forms[index].is_disjoint(&forms));
        match hit {
            Some(index) => {
                taken[index] = true;
                counts.matched += 1;
            }
            None => {
                counts.false_positives += 1;
                score.false_positives.push(format!("{}: {}", kind.as_str(), entity.name));
            }
        }
    }
    for (entity, _) in annotated.iter().zip(&taken).filter(|(_, taken)| !**taken) {
        counts.missed += 1;
        score.misses.push(format!("{}: {}", kind.as_str(), entity.name));
    }
    counts
}

/// A predicted event matches an unmatched annotated one with the same date whose expression
/// overlaps its own, or which its sentence contains.
fn match_events(annotation: &Annotation, events: &[Event], score: &mut ArticleScore) {
    let expressions: Vec<String> = annotation.events.iter().map(|event| fold(&event.expression)).collect();
    let mut taken = vec![false; annotation.events.len()];
    for event in events {
        let expression = fold(&event.expression);
        let sentence = fold(&event.text);
        let hit = annotation.events.iter().enumerate().position(|(index, annotated)| {
            !taken[index]
                && annotated.date == event.date
                && (contains_words(&expression, &expressions[index])
                    || contains_words(&expressions[index], &expression)
                    || contains_words(&sentence, &expressions[index]))
        });
        match hit {
            Some(index) => {
                taken[index] = true;
                score.dates.matched += 1;
                if annotation.events[index].approximate == event.approximate {
                    score.approximate_agreeing += 1;
                }
            }
            None => {
                score.dates.false_positives += 1;
                score.false_positives.push(format!("date: {} ({:?})", event.date, event.expression));
            }
        }
    }
    for (event, _) in annotation.events.iter().zip(&taken).filter(|(_, taken)| !**taken) {
        score.dates.missed += 1;
        score.misses.push(format!("date: {} ({:?})", event.date, event.expression));
    }
}

/// Each annotated quote takes the first unused predicted quote whose text starts with its
/// `text_start`, else the first that contains it; its speaker is then right or wrong.
fn match_quotes(annotation: &Annotation, entities: &[Entity], quotes: &[Quote], score: &mut ArticleScore) {
    let texts: Vec<String> = quotes.iter().map(|quote| fold(&quote.text)).collect();
    let mut used = vec![false; quotes.len()];
    // Every form of every annotated person and organisation: an annotated `null` is wrong
    // when the predicted speaker names one of them.
    let all_speaker_forms: Vec<String> =
        annotation.persons.iter().chain(&annotation.organizations).flat_map(annotated_forms).collect();
    for annotated in &annotation.quotes {
        score.quotes_annotated += 1;
        let start = fold(&annotated.text_start);
        let found = (0..quotes.len())
            .find(|&index| !used[index] && starts_with_words(&texts[index], &start))
            .or_else(|| {
                (0..quotes.len()).find(|&index| !used[index] && contains_words(&texts[index], &start))
            });
        let expected = annotated.speaker.as_deref().unwrap_or("null");
        let Some(index) = found else {
            score.misses.push(format!("quote not found: “{}…” (speaker {expected})", annotated.text_start));
            continue;
        };
        used[index] = true;
        score.quotes_found += 1;
        let quote = &quotes[index];
        let predicted_entity = quote.speaker_entity.and_then(|index| entities.get(index));
        let speaker_text = quote.speaker.as_deref().map(fold).unwrap_or_default();
        let right = match &annotated.speaker {
            Some(name) => {
                let forms: BTreeSet<String> = match annotation.speaker(name) {
                    Some(entity) => annotated_forms(entity),
                    None => BTreeSet::from([fold(name)]),
                };
                predicted_entity.is_some_and(|entity| !predicted_forms(entity).is_disjoint(&forms))
                    || forms.iter().any(|form| contains_words(&speaker_text, form))
            }
            None => {
                quote.speaker_entity.is_none()
                    && !all_speaker_forms.iter().any(|form| contains_words(&speaker_text, form))
            }
        };
        if right {
            score.speakers_right += 1;
        } else {
            let predicted = match (predicted_entity, &quote.speaker) {
                (Some(entity), _) => format!("entity {}", entity.name),
                (None, Some(speaker)) => format!("{speaker:?}"),
                (None, None) => "null".to_owned(),
            };
            score
                .misses
                .push(format!("speaker of “{}…”: {expected}, predicted {predicted}", annotated.text_start));
        }
    }
}

/// The set's scores summed over its articles.
#[derive(Debug, Default)]
struct Totals {
    articles: usize,
    parse_errors: usize,
    entities: [Counts; 3],
    dates: Counts,
    approximate_agreeing: usize,
    quotes_annotated: usize,
    quotes_found: usize,
    speakers_right: usize,
}

impl Totals {
    fn sum(scores: &[ArticleScore]) -> Totals {
        let mut totals = Totals { articles: scores.len(), ..Totals::default() };
        for score in scores {
            totals.parse_errors += usize::from(score.parse_error.is_some());
            for (total, counts) in totals.entities.iter_mut().zip(score.entities) {
                total.add(counts);
            }
            totals.dates.add(score.dates);
            totals.approximate_agreeing += score.approximate_agreeing;
            totals.quotes_annotated += score.quotes_annotated;
            totals.quotes_found += score.quotes_found;
            totals.speakers_right += score.speakers_right;
        }
        totals
    }

    fn speaker_accuracy(&self) -> f64 {
        ratio(self.speakers_right, self.quotes_annotated).unwrap_or(0.0)
    }

    fn to_json(&self) -> Value {
        let target =
            |value: f64, target: f64| json!({ "value": value, "target": target, "met": value >= target });
        json!({
            "articles": self.articles,
            "parse_errors": self.parse_errors,
            "person": self.entities[0].to_json(),
            "organization": self.entities[1].to_json(),
            "place": self.entities[2].to_json(),
            "dates": self.dates.to_json(),
            "approximate_agreeing": self.approximate_agreeing,
            "quote_speakers": {
                "annotated": self.quotes_annotated,
                "found": self.quotes_found,
                "right": self.speakers_right,
                "accuracy": self.speaker_accuracy(),
            },
            "targets": {
                "person_f1": target(self.entities[0].f1(), PERSON_F1_TARGET),
                "organization_f1": target(self.entities[1].f1(), ORGANIZATION_F1_TARGET),
                "quote_speaker_accuracy": target(self.speaker_accuracy(), SPEAKER_ACCURACY_TARGET),
                "dates_f1": target(self.dates.f1(), DATES_F1_TARGET),
            },
        })
    }
}

fn write_table(out: &mut String, set: &Path, totals: &Totals) {
    let optional = |value: Option<f64>| value.map_or_else(|| "—".to_owned(), |value| format!("{value:.3}"));
    let verdict = |value: f64, target: f64| if value >= target { "met" } else { "not met" };
    let _ = writeln!(
        out,
        "entities, dated events and quote speakers on {} ({} articles)",
        set.display(),
        totals.articles
    );
    if totals.parse_errors > 0 {
        let _ = writeln!(
            out,
            "{} articles could not be parsed (their annotations count as missed)",
            totals.parse_errors
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:<14} {:>9} {:>7} {:>6} {:>8} {:>10} {:>6} {:>5} {:>7}   target",
        "type", "precision", "recall", "F1", "matched", "predicted", "annot.", "FP", "missed"
    );
    let rows = [
        ("person", totals.entities[0], Some(PERSON_F1_TARGET)),
        ("organization", totals.entities[1], Some(ORGANIZATION_F1_TARGET)),
        ("place", totals.entities[2], None),
        ("dates", totals.dates, Some(DATES_F1_TARGET)),
    ];
    for (name, counts, target) in rows {
        let target = target.map_or_else(
            || "(none)".to_owned(),
            |target| format!("F1 ≥ {target:.2}  {}", verdict(counts.f1(), target)),
        );
        let _ = writeln!(
            out,
            "{:<14} {:>9} {:>7} {:>6.3} {:>8} {:>10} {:>6} {:>5} {:>7}   {target}",
            name,
            optional(counts.precision()),
            optional(counts.recall()),
            counts.f1(),
            counts.matched,
            counts.predicted(),
            counts.annotated(),
            counts.false_positives,
            counts.missed,
        );
    }
    let accuracy = totals.speaker_accuracy();
    let _ = writeln!(
        out,
        "\nquote speakers: accuracy {accuracy:.3} ({} of {} annotated quotes right; {} found)   target ≥ {SPEAKER_ACCURACY_TARGET:.2}  {}",
        totals.speakers_right,
        totals.quotes_annotated,
        totals.quotes_found,
        verdict(accuracy, SPEAKER_ACCURACY_TARGET),
    );
    let _ = writeln!(
        out,
        "approximate flag: agrees on {} of {} matched events",
        totals.approximate_agreeing, totals.dates.matched
    );
}

fn write_misses(out: &mut String, scores: &[ArticleScore]) {
    let _ = writeln!(out, "\nmisses and false positives per article:");
    for score in scores {
        if score.misses.is_empty() && score.false_positives.is_empty() && score.parse_error.is_none() {
            continue;
        }
        let _ = writeln!(out, "\n{}", score.id);
        if let Some(error) = &score.parse_error {
            let _ = writeln!(out, "  parse error: {error}");
        }
        for miss in &score.misses {
            let _ = writeln!(out, "  missed  {miss}");
        }
        for false_positive in &score.false_positives {
            let _ = writeln!(out, "  wrong   {false_positive}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set() -> Vec<Article> {
        load_set(&project_root().join("tests/entities")).expect("the annotated set loads")
    }

    /// The set is the ground truth of `cargo xtask eval entities`: every article has a
    /// well-formed annotation that agrees with its text.
    #[test]
    fn the_annotated_set_is_well_formed() {
        let articles = set();
        assert!(
            articles.len() >= 31,
            "the issue asks for at least 30 articles beside the seed, found {}",
            articles.len()
        );
        let problems: Vec<String> = articles.iter().flat_map(check_article).collect();
        assert!(problems.is_empty(), "the annotated set has problems:\n  {}", problems.join("\n  "));
        for article in &articles {
            let words = article.text.split_whitespace().count();
            assert!((250..=700).contains(&words), "{} has {words} words; articles are 250–700", article.id);
        }
    }

    /// The held-out set (never used to tune the recogniser) holds to the same rules.
    #[test]
    fn the_held_out_set_is_well_formed() {
        let articles =
            load_set(&project_root().join("tests/entities-heldout")).expect("the held-out set loads");
        assert!(articles.len() >= 12, "found {}", articles.len());
        let problems: Vec<String> = articles.iter().flat_map(check_article).collect();
        assert!(problems.is_empty(), "the held-out set has problems:\n  {}", problems.join("\n  "));
    }

    #[test]
    fn article_000_is_the_seed_annotated_as_the_issue_expects() {
        let articles = set();
        let seed = articles.iter().find(|article| article.id == "000").expect("000.txt is the seed");
        let original =
            std::fs::read(project_root().join("seeds/000_b389a61e5b667c13.txt")).expect("the seed");
        assert_eq!(seed.bytes, original, "tests/entities/000.txt is a copy of the seed");
        let names = |entities: &[AnnotatedEntity]| {
            entities.iter().map(|entity| entity.name.clone()).collect::<Vec<_>>()
        };
        let persons = names(&seed.annotation.persons);
        for person in ["Maximilian Klein", "Sarah Grabert", "Reed Hastings", "Mark Zuckerberg"] {
            assert!(persons.iter().any(|name| name == person), "{person} in {persons:?}");
        }
        let organizations = names(&seed.annotation.organizations);
        for organization in ["Facebook", "Netflix", "Meta", "Microsoft", "Amazon"] {
            assert!(
                organizations.iter().any(|name| name == organization),
                "{organization} in {organizations:?}"
            );
        }
        let dates: BTreeSet<&str> = seed.annotation.events.iter().map(|event| event.date.as_str()).collect();
        assert_eq!(dates, BTreeSet::from(["2011", "2018", "2021-10", "2024-03-23"]));
    }

    #[test]
    fn folding_and_word_matching() {
        assert_eq!(fold("  Meta Platforms, Inc. "), "meta platforms inc");
        assert_eq!(fold("Zuckerberg’s"), "zuckerberg s");
        assert!(contains_words("meta spokesperson", "meta"));
        assert!(!contains_words("metaverse spokesperson", "meta"));
        assert!(starts_with_words("we trust that the facts", "we trust"));
        assert!(!starts_with_words("we trusted", "we trust"));
        assert!(is_calendar_date("2024-02-29", 3) && !is_calendar_date("2023-02-29", 3));
        assert!(
            is_calendar_date("2021-10", 1) && !is_calendar_date("2021-13", 1) && !is_calendar_date("21", 1)
        );
    }

    fn annotation() -> Annotation {
        let value = json!({
            "date": "2024-04-02",
            "persons": [{ "name": "Reed Hastings", "aliases": ["Hastings"] }],
            "organizations": [{ "name": "Meta", "aliases": [] }, { "name": "Netflix", "aliases": [] }],
            "places": [],
            "events": [
                { "date": "2024-03-23", "expression": "March 23", "approximate": false },
                { "date": "2011", "expression": "2011", "approximate": false }
            ],
            "quotes": [
                { "text_start": "Meta did not share", "speaker": "Meta" },
                { "text_start": "enjoyed a special relationship", "speaker": null },
                { "text_start": "we will appeal", "speaker": "Reed Hastings" }
            ]
        });
        parse_annotation(&value).expect("a valid annotation")
    }

    fn entity(kind: EntityKind, name: &str, aliases: &[&str]) -> Entity {
        Entity {
            kind,
            name: name.to_owned(),
            aliases: aliases.iter().map(|alias| (*alias).to_owned()).collect(),
            mentions: Vec::new(),
        }
    }

    fn quote(text: &str, speaker: Option<&str>, speaker_entity: Option<usize>) -> Quote {
        Quote {
            text: text.to_owned(),
            speaker: speaker.map(str::to_owned),
            block: 0,
            attribution: None,
            speaker_entity,
        }
    }

    #[test]
    fn scoring_follows_the_guide() {
        let entities = vec![
            entity(EntityKind::Person, "Hastings", &[]),
            entity(EntityKind::Person, "Reed Hastings", &[]),
            entity(EntityKind::Organization, "META", &[]),
            entity(EntityKind::Place, "Netflix", &[]),
        ];
        let events = vec![
            Event {
                date: "2024-03-23".to_owned(),
                text: "Court documents, filed on March 23, claim …".to_owned(),
                block: 0,
                expression: "on March 23".to_owned(),
                approximate: false,
            },
            Event {
                date: "2012".to_owned(),
                text: "since at least 2011".to_owned(),
                block: 0,
                expression: "2011".to_owned(),
                approximate: false,
            },
        ];
        let quotes = vec![
            quote("Meta did not share people's private messages", Some("Meta spokesperson"), None),
            quote("enjoyed a special relationship", Some("class action lawsuit"), None),
            quote("and we will appeal", None, None),
        ];
        let score = score("test", &annotation(), &entities, &events, &quotes);
        // Hastings matches Reed Hastings by its alias; the second, unmerged entry is a false positive.
        assert_eq!(score.entities[0], Counts { matched: 1, false_positives: 1, missed: 0 });
        // Netflix predicted as a place is a miss for organisations and a false positive for places.
        assert_eq!(score.entities[1], Counts { matched: 1, false_positives: 0, missed: 1 });
        assert_eq!(score.entities[2], Counts { matched: 0, false_positives: 1, missed: 0 });
        // The wrong year is a false positive and a miss.
        assert_eq!(score.dates, Counts { matched: 1, false_positives: 1, missed: 1 });
        assert_eq!(score.approximate_agreeing, 1);
        // The third quote is found by containment but its speaker is null, not Reed Hastings.
        assert_eq!((score.quotes_annotated, score.quotes_found, score.speakers_right), (3, 3, 2));
    }

    #[test]
    fn a_null_speaker_is_wrong_when_the_prediction_names_an_annotated_entity() {
        let quotes = vec![
            quote("Meta did not share", None, None),
            quote("enjoyed a special relationship", Some("Netflix"), None),
            quote("we will appeal", Some("he"), Some(0)),
        ];
        let entities = vec![entity(EntityKind::Person, "Reed Hastings", &[])];
        let score = score("test", &annotation(), &entities, &[], &quotes);
        assert_eq!(score.speakers_right, 1, "{:?}", score.misses);
    }

    #[test]
    fn an_absent_set_is_named_clearly() {
        let error = load_set(Path::new("/nonexistent/entities")).unwrap_err().to_string();
        assert!(error.contains("the annotated set is absent"), "{error}");
    }

    #[test]
    fn annotations_are_read_strictly() {
        let unknown = json!({ "date": "2024-04-02", "persons": [], "organizations": [], "places": [],
            "events": [], "quotes": [], "people": [] });
        assert!(parse_annotation(&unknown).is_err());
        let missing =
            json!({ "date": "2024-04-02", "persons": [], "organizations": [], "places": [], "events": [] });
        assert!(parse_annotation(&missing).is_err());
        let bad_alias = json!({ "date": "2024-04-02", "persons": [{ "name": "A B", "aliases": [1] }],
            "organizations": [], "places": [], "events": [], "quotes": [] });
        assert!(parse_annotation(&bad_alias).is_err());
    }
}
