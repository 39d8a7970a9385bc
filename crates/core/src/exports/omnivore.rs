//! Omnivore's export: a ZIP archive of `metadata_<from>_to_<to>.json` files (arrays
//! of saved items: `slug`, `title`, `description`, `author`, `url`, `state`,
//! `readingProgress`, `thumbnail`, `labels`, `savedAt`, `updatedAt`,
//! `publishedAt`), the articles' text as `content/<slug>.html` (or `.md`), and the
//! reader's highlights as `highlights/<slug>.md` (each a `> quote`, optionally
//! followed by `#label`s and a note).
//!
//! An item is read (`Some(true)`) when its `state` is archived or its reading
//! progress reached 100.

use serde_json::Value;

use crate::archive::Archive;
use crate::entry::{Body, Entry};
use crate::{Collection, Highlight, ParseError, Skipped};

const ORIGIN: &str = "omnivore";

/// Whether a member is one of the export's metadata files.
pub(crate) fn is_metadata_name(name: &str) -> bool {
    !name.contains('/') && name.starts_with("metadata_") && name.ends_with(".json")
}

/// The first number of `metadata_<from>_to_<to>.json`, to read the files in order.
fn metadata_start(name: &str) -> u64 {
    name.trim_start_matches("metadata_")
        .split('_')
        .next()
        .and_then(|start| start.parse().ok())
        .unwrap_or(u64::MAX)
}

/// One document per saved item.
pub fn parse(bytes: &[u8]) -> Result<Collection, ParseError> {
    let mut archive = Archive::open(bytes)?;
    let names = archive.file_names();
    let mut metadata_names: Vec<&String> = names.iter().filter(|name| is_metadata_name(name)).collect();
    metadata_names.sort_by_key(|name| (metadata_start(name), name.as_str()));
    if metadata_names.is_empty() {
        return Err(ParseError::Invalid("not an Omnivore export: no metadata_*.json file".into()));
    }
    let mut collection = Collection::default();
    for metadata_name in metadata_names {
        let skip = |entry: Option<usize>, reason: String| Skipped {
            member: Some(metadata_name.clone()),
            line: None,
            entry,
            reason,
        };
        let metadata = match archive.read(metadata_name) {
            Ok(metadata) => metadata,
            Err(error) if error.fatal => return Err(ParseError::Archive(error.reason)),
            Err(error) => {
                collection.skipped.push(skip(None, error.reason));
                continue;
            }
        };
        let items = match serde_json::from_slice::<Value>(&metadata) {
            Ok(Value::Array(items)) => items,
            Ok(_) => {
                collection.skipped.push(skip(None, "not an array of saved items".into()));
                continue;
            }
            Err(error) => {
                collection.skipped.push(skip(None, format!("invalid JSON: {error}")));
                continue;
            }
        };
        for (index, item) in items.iter().enumerate() {
            let result = entry(item, &names, &mut archive).and_then(|entry| entry.into_item(ORIGIN));
            match result {
                Ok(item) => collection.items.push(item),
                Err(reason) => collection.skipped.push(skip(Some(index + 1), reason)),
            }
        }
    }
    collection.finish(Vec::new(), "the Omnivore export holds no saved items")
}

fn entry(item: &Value, names: &[String], archive: &mut Archive<'_>) -> Result<Entry, String> {
    if !item.is_object() {
        return Err("the item is not a JSON object".into());
    }
    let string = |key: &str| item.get(key).and_then(Value::as_str).map(str::to_owned);
    let slug = string("slug").filter(|slug| !slug.is_empty() && !slug.contains(['/', '\\']));
    let mut read_member = |path: String| -> Result<Option<String>, String> {
        if !names.contains(&path) {
            return Ok(None);
        }
        match archive.read(&path) {
            Ok(bytes) => Ok(Some(crate::decode::decode(&bytes).0)),
            Err(error) if error.fatal => Err(error.reason),
            Err(error) => Err(format!("{path} {}", error.reason)),
        }
    };
    let (body, highlights) = match &slug {
        Some(slug) => {
            let body = match read_member(format!("content/{slug}.html"))? {
                Some(html) => Body::Html(html),
                None => read_member(format!("content/{slug}.md"))?.map_or(Body::None, Body::Markdown),
            };
            let highlights = read_member(format!("highlights/{slug}.md"))?
                .map(|markdown| highlights_of(&markdown))
                .unwrap_or_default();
            (body, highlights)
        }
        None => (Body::None, Vec::new()),
    };
    let archived = string("state").is_some_and(|state| state.eq_ignore_ascii_case("archived"));
    let finished =
        item.get("readingProgress").and_then(Value::as_f64).is_some_and(|progress| progress >= 100.0);
    Ok(Entry {
        title: string("title"),
        url: string("url"),
        authors: string("author").map(|author| crate::text::split_names(&author)).unwrap_or_default(),
        published: string("publishedAt"),
        saved: string("savedAt"),
        description: string("description"),
        image: string("thumbnail"),
        tags: item
            .get("labels")
            .and_then(Value::as_array)
            .map(|labels| labels.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default(),
        body,
        read: Some(archived || finished),
        highlights,
        ..Entry::default()
    })
}

/// Highlights written as Markdown: each starts with a `> quote` paragraph; the
/// paragraphs after it up to the next quote are its note, except a line of
/// `#labels`.
pub(crate) fn highlights_of(markdown: &str) -> Vec<Highlight> {
    let mut highlights: Vec<Highlight> = Vec::new();
    for paragraph in markdown.split("\n\n").map(str::trim).filter(|paragraph| !paragraph.is_empty()) {
        if paragraph.starts_with('>') {
            let quote: Vec<&str> = paragraph
                .lines()
                .map(|line| line.trim_start_matches('>').trim())
                .filter(|line| !line.is_empty())
                .collect();
            highlights.push(Highlight { text: Some(quote.join(" ")), note: None, created: None });
        } else if paragraph.split_whitespace().all(|word| word.starts_with('#')) {
            continue;
        } else if let Some(last) = highlights.last_mut() {
            match &mut last.note {
                Some(note) => {
                    note.push_str("\n\n");
                    note.push_str(paragraph);
                }
                None => last.note = Some(paragraph.to_owned()),
            }
        }
    }
    highlights
}
