//! Readeck's export: a ZIP archive with a folder per bookmark holding `info.json`
//! (the bookmark's metadata) and `index.html` (the article Readeck extracted), with
//! the article's images beside them.
//!
//! `info.json` is read with the field names of Readeck's bookmark API, which the
//! export follows: `title`, `url`, `site_name`, `authors`, `published`, `created`
//! (when it was saved), `lang`, `description`, `labels`, `is_archived`,
//! `read_progress`, and `highlights`/`annotations` (`text`, `note`, `created`).
//! Fields that are missing or named otherwise are left out, never guessed.

use serde_json::Value;

use crate::archive::Archive;
use crate::entry::{Body, Entry};
use crate::{Collection, Highlight, ParseError, Skipped};

const ORIGIN: &str = "readeck";

/// Whether an archive's file names look like a Readeck export: some folder holds
/// both `info.json` and `index.html`.
pub(crate) fn looks_like(names: &[String]) -> bool {
    names.iter().filter_map(|name| name.strip_suffix("info.json")).any(|folder| {
        (folder.is_empty() || folder.ends_with('/'))
            && names.iter().any(|other| *other == format!("{folder}index.html"))
    })
}

/// One document per bookmark folder.
pub fn parse(bytes: &[u8]) -> Result<Collection, ParseError> {
    let mut archive = Archive::open(bytes)?;
    let names = archive.file_names();
    let mut collection = Collection::default();
    let infos: Vec<&String> =
        names.iter().filter(|name| name.ends_with("/info.json") || name.as_str() == "info.json").collect();
    for info_name in infos {
        let folder = info_name.trim_end_matches("info.json");
        let skip =
            |reason: String| Skipped { member: Some(info_name.clone()), line: None, entry: None, reason };
        let info = match archive.read(info_name) {
            Ok(info) => info,
            Err(error) if error.fatal => return Err(ParseError::Archive(error.reason)),
            Err(error) => {
                collection.skipped.push(skip(error.reason));
                continue;
            }
        };
        let info = match serde_json::from_slice::<Value>(&info) {
            Ok(info @ Value::Object(_)) => info,
            Ok(_) => {
                collection.skipped.push(skip("not a JSON object".into()));
                continue;
            }
            Err(error) => {
                collection.skipped.push(skip(format!("invalid JSON: {error}")));
                continue;
            }
        };
        let index_name = format!("{folder}index.html");
        let body = if names.contains(&index_name) {
            match archive.read(&index_name) {
                Ok(html) => Body::Html(crate::decode::decode(&html).0),
                Err(error) if error.fatal => return Err(ParseError::Archive(error.reason)),
                Err(error) => {
                    collection.skipped.push(Skipped {
                        member: Some(index_name),
                        line: None,
                        entry: None,
                        reason: error.reason,
                    });
                    continue;
                }
            }
        } else {
            Body::None
        };
        match entry(&info, body).into_item(ORIGIN) {
            Ok(item) => collection.items.push(item),
            Err(reason) => collection.skipped.push(skip(reason)),
        }
    }
    collection.finish(Vec::new(), "not a Readeck export: no bookmark folder with an info.json")
}

fn entry(info: &Value, body: Body) -> Entry {
    let string = |key: &str| info.get(key).and_then(Value::as_str).map(str::to_owned);
    let strings = |key: &str| -> Vec<String> {
        info.get(key)
            .and_then(Value::as_array)
            .map(|items| items.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default()
    };
    let archived = info.get("is_archived").and_then(Value::as_bool).unwrap_or(false);
    let finished =
        info.get("read_progress").and_then(Value::as_f64).is_some_and(|progress| progress >= 100.0);
    let highlights = info
        .get("highlights")
        .or_else(|| info.get("annotations"))
        .and_then(Value::as_array)
        .map(|highlights| {
            highlights
                .iter()
                .map(|highlight| {
                    let text = |key: &str| {
                        highlight
                            .get(key)
                            .and_then(Value::as_str)
                            .map(str::trim)
                            .filter(|text| !text.is_empty())
                    };
                    Highlight {
                        text: text("text").map(str::to_owned),
                        note: text("note").map(str::to_owned),
                        created: text("created").and_then(crate::entry::normalize_date),
                    }
                })
                .filter(|highlight| highlight.text.is_some() || highlight.note.is_some())
                .collect()
        })
        .unwrap_or_default();
    Entry {
        title: string("title"),
        url: string("url"),
        authors: strings("authors"),
        published: string("published"),
        saved: string("created"),
        site: string("site_name"),
        language: string("lang"),
        description: string("description"),
        tags: strings("labels"),
        body,
        read: Some(archived || finished),
        highlights,
        ..Entry::default()
    }
}
