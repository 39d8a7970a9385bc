//! Wallabag v2's JSON export: an array of entries with `title`, `url`, `content`
//! (the article as HTML), `tags`, `is_archived`, `is_starred`, `created_at` (when it
//! was saved), `published_at`, `published_by` (authors), `language`,
//! `preview_picture` and `annotations` (highlights: `quote` is the
//! highlighted text, `text` the reader's note).

use serde_json::Value;

use crate::entry::{Body, Entry};
use crate::{Collection, Highlight, ParseError, Skipped, decode};

const ORIGIN: &str = "wallabag";

/// Whether a JSON array's start (`head`, lowercased) reads like a Wallabag export.
pub(crate) fn looks_like(head: &[u8]) -> bool {
    let contains = |needle: &[u8]| head.windows(needle.len()).any(|window| window == needle);
    contains(b"\"is_archived\"") && (contains(b"\"content\"") || contains(b"\"url\""))
}

/// One document per entry.
pub fn parse(bytes: &[u8]) -> Result<Collection, ParseError> {
    let (input, diagnostics) = decode::decode(bytes);
    let value: Value = serde_json::from_str(&input).map_err(|error| ParseError::Json {
        line: error.line(),
        column: error.column(),
        message: error.to_string(),
    })?;
    let Value::Array(entries) = value else {
        return Err(ParseError::Invalid("not a Wallabag export: it is not an array of entries".into()));
    };
    let mut collection = Collection::default();
    for (index, value) in entries.iter().enumerate() {
        match entry(value).and_then(|entry| entry.into_item(ORIGIN)) {
            Ok(item) => collection.items.push(item),
            Err(reason) => collection.skipped.push(Skipped::at_entry(index + 1, reason)),
        }
    }
    collection.finish(diagnostics, "the Wallabag export holds no entries")
}

fn entry(value: &Value) -> Result<Entry, String> {
    if !value.is_object() {
        return Err("the entry is not a JSON object".into());
    }
    let string = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
    let flag = |key: &str| match value.get(key) {
        Some(Value::Bool(flag)) => Some(*flag),
        Some(Value::Number(number)) => number.as_i64().map(|number| number != 0),
        _ => None,
    };
    let strings = |key: &str| -> Vec<String> {
        match value.get(key) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|item| match item {
                    Value::String(text) => Some(text.clone()),
                    other => other.get("label").and_then(Value::as_str).map(str::to_owned),
                })
                .collect(),
            Some(Value::String(text)) => vec![text.clone()],
            _ => Vec::new(),
        }
    };
    let highlights = match value.get("annotations") {
        Some(Value::Array(annotations)) => annotations
            .iter()
            .map(|annotation| {
                let text = |key: &str| {
                    annotation.get(key).and_then(Value::as_str).map(str::trim).filter(|text| !text.is_empty())
                };
                Highlight {
                    text: text("quote").map(str::to_owned),
                    note: text("text").map(str::to_owned),
                    created: text("created_at").and_then(crate::entry::normalize_date),
                }
            })
            .filter(|highlight| highlight.text.is_some() || highlight.note.is_some())
            .collect(),
        _ => Vec::new(),
    };
    Ok(Entry {
        title: string("title"),
        url: string("url").or_else(|| string("given_url")),
        authors: strings("published_by"),
        published: string("published_at"),
        saved: string("created_at"),
        language: string("language")
            .map(|language| language.split(['-', '_']).next().unwrap_or_default().to_owned()),
        image: string("preview_picture"),
        tags: strings("tags"),
        body: string("content").filter(|content| !content.trim().is_empty()).map_or(Body::None, Body::Html),
        read: flag("is_archived"),
        highlights,
        ..Entry::default()
    })
}
