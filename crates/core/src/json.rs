//! JSON and NDJSON input in the documented schema (`docs/document-model.md`).
//!
//! Every field is optional except that a document needs a `title`, `blocks` or
//! `text`. Fields are read one by one, so a wrong field costs a diagnostic, not the
//! document. Derived fields (`word_count`, `reading_minutes`, `fingerprint`) are
//! always recomputed; `quotes` and `language` are kept when given.
//!
//! Beside the model's fields, an object may say whether it was read (`"read":
//! true`, as `dossier export` writes it): that belongs to the reader, not to the
//! document, so it travels on the collection's `Item` rather than in the model.

use serde_json::{Map, Value};

use crate::model::{Block, Diagnostic, DiagnosticCode, Document, Quote, SCHEMA_VERSION};
use crate::text::{self, Field};
use crate::{Collection, Item, ParseError, decode, derive};

/// A JSON file: one document object, or an array of them.
pub fn parse_json(bytes: &[u8]) -> Result<Vec<Document>, ParseError> {
    Ok(documents(parse_json_collection(bytes)?))
}

/// NDJSON: one document per non-empty line; a bad line becomes a diagnostic naming
/// its line number (on the first document), or the error when no line parses.
pub fn parse_ndjson(bytes: &[u8]) -> Result<Vec<Document>, ParseError> {
    Ok(documents(parse_ndjson_collection(bytes)?))
}

fn documents(collection: Collection) -> Vec<Document> {
    collection.items.into_iter().map(|item| item.document).collect()
}

/// As [`parse_json`], with each document's `read` state.
pub fn parse_json_collection(bytes: &[u8]) -> Result<Collection, ParseError> {
    let (input, decode_diagnostics) = decode::decode(bytes);
    let value: Value = serde_json::from_str(&input).map_err(|error| ParseError::Json {
        line: error.line(),
        column: error.column(),
        message: error.to_string(),
    })?;
    let mut items = Vec::new();
    let mut problems = Vec::new();
    match value {
        Value::Array(values) => {
            for (index, value) in values.into_iter().enumerate() {
                match item_from_value(value) {
                    Ok(item) => items.push(item),
                    Err(why) => problems.push(Diagnostic::new(
                        DiagnosticCode::Malformed,
                        format!("array element {index} was skipped: {why}"),
                    )),
                }
            }
        }
        other => match item_from_value(other) {
            Ok(item) => items.push(item),
            Err(why) => {
                return Err(ParseError::Json { line: 1, column: 1, message: why });
            }
        },
    }
    attach(&mut items, decode_diagnostics, problems)?;
    Ok(Collection { items, ..Collection::default() })
}

/// As [`parse_ndjson`], with each document's `read` state.
pub fn parse_ndjson_collection(bytes: &[u8]) -> Result<Collection, ParseError> {
    let (input, decode_diagnostics) = decode::decode(bytes);
    let mut items = Vec::new();
    let mut problems = Vec::new();
    let mut first_error = None;
    for (index, line) in decode::split_lines(&input).into_iter().enumerate() {
        let line_number = index + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let result = serde_json::from_str::<Value>(line)
            .map_err(|error| (error.column(), error.to_string()))
            .and_then(|value| item_from_value(value).map_err(|why| (1, why)));
        match result {
            Ok(item) => items.push(item),
            Err((column, message)) => {
                problems.push(
                    Diagnostic::new(
                        DiagnosticCode::Malformed,
                        format!("line {line_number} was skipped: {message}"),
                    )
                    .at_line(line_number),
                );
                first_error.get_or_insert(ParseError::Json { line: line_number, column, message });
            }
        }
    }
    if items.is_empty() {
        return Err(first_error.unwrap_or(ParseError::NoText));
    }
    attach(&mut items, decode_diagnostics, problems)?;
    Ok(Collection { items, ..Collection::default() })
}

/// Puts input-level diagnostics on the first document.
fn attach(
    items: &mut [Item],
    decode_diagnostics: Vec<Diagnostic>,
    problems: Vec<Diagnostic>,
) -> Result<(), ParseError> {
    let Some(first) = items.first_mut().map(|item| &mut item.document) else {
        return Err(ParseError::NoText);
    };
    let mut diagnostics = decode_diagnostics;
    diagnostics.append(&mut first.diagnostics);
    diagnostics.extend(problems);
    first.diagnostics = diagnostics;
    Ok(())
}

/// One document from a JSON object in the documented schema, with its `read` state.
fn item_from_value(value: Value) -> Result<Item, String> {
    let Value::Object(mut object) = value else {
        return Err("a document must be a JSON object".into());
    };
    let mut problems = Vec::new();
    let read = match object.remove("read") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(read)) => Some(read),
        Some(_) => {
            problems.push("`read` is not true or false; it was left out".to_owned());
            None
        }
    };
    let document = document_from_object(object, problems)?;
    Ok(Item { document, read, highlights: Vec::new(), member: None })
}

/// Builds one document from a JSON object in the documented schema; `problems`
/// already found in the object become `malformed` diagnostics.
fn document_from_object(
    mut object: Map<String, Value>,
    mut problems: Vec<String>,
) -> Result<Document, String> {
    let mut document = text::empty_document();

    // Diagnostics the input already carries come first: they describe its origin.
    if let Some(given) = object.remove("diagnostics") {
        match serde_json::from_value::<Vec<Diagnostic>>(given) {
            Ok(given) => document.diagnostics = given,
            Err(error) => problems.push(format!("`diagnostics` was not understood ({error})")),
        }
    }
    if let Some(version) = object.get("version").and_then(Value::as_u64)
        && version > u64::from(SCHEMA_VERSION)
    {
        problems.push(format!("written for schema version {version}; read as version {SCHEMA_VERSION}"));
    }

    let fields: [(&str, Field); 12] = [
        ("title", Field::Title),
        ("dek", Field::Dek),
        ("description", Field::Description),
        ("published", Field::Published),
        ("updated", Field::Updated),
        ("site", Field::Site),
        ("url", Field::Url),
        ("canonical_url", Field::CanonicalUrl),
        ("language", Field::Language),
        ("image", Field::Image),
        ("authors", Field::Authors),
        ("tags", Field::Tags),
    ];
    for (key, field) in fields {
        let value = object.remove(key).or_else(|| match key {
            "authors" => object.remove("author"),
            "title" => object.remove("headline"),
            "published" => object.remove("date"),
            _ => None,
        });
        match value {
            None | Some(Value::Null) => {}
            // The HTML reader keeps a page's canonical link and lead image as the page
            // wrote them, relative ones included (`story.html`); they are kept here
            // too, so that Dossier's own JSON reads back as the same document. A
            // value with spaces is no address at all.
            Some(Value::String(address))
                if matches!(field, Field::CanonicalUrl | Field::Image)
                    && !address.trim().is_empty()
                    && !address.trim().contains(char::is_whitespace) =>
            {
                let slot =
                    if field == Field::Image { &mut document.image } else { &mut document.canonical_url };
                *slot = Some(address.trim().to_owned());
                document.metadata_sources.insert(key.into(), "json".into());
            }
            Some(Value::String(text)) => text::apply_field(&mut document, field, &text, "json", None),
            Some(Value::Array(items)) if matches!(field, Field::Authors | Field::Tags) => {
                let strings: Vec<String> =
                    items.iter().filter_map(|item| item.as_str().map(str::to_owned)).collect();
                if strings.len() != items.len() {
                    problems.push(format!("`{key}` holds values that are not strings; they were skipped"));
                }
                if field == Field::Authors {
                    document.authors = strings;
                } else {
                    document.tags = strings;
                }
                document.metadata_sources.insert(key.into(), "json".into());
            }
            Some(_) => problems.push(format!("`{key}` has the wrong type; it was left out")),
        }
    }

    let has_blocks = match object.remove("blocks") {
        Some(Value::Array(items)) => {
            for (index, item) in items.into_iter().enumerate() {
                match serde_json::from_value::<Block>(item) {
                    Ok(Block::Heading { level, text }) if !(2..=6).contains(&level) => {
                        problems.push(format!(
                            "block {index} has heading level {level}; read as {}",
                            level.clamp(2, 6)
                        ));
                        document.blocks.push(Block::Heading { level: level.clamp(2, 6), text });
                    }
                    Ok(block) => document.blocks.push(block),
                    Err(error) => problems.push(format!("block {index} was skipped: {error}")),
                }
            }
            true
        }
        Some(_) => {
            problems.push("`blocks` is not an array; it was left out".into());
            false
        }
        None => false,
    };
    if !has_blocks && let Some(Value::String(body)) = object.get("text") {
        document.blocks = text::blocks_from_plain_body(body);
    }
    if document.title.is_empty() && document.blocks.is_empty() {
        return Err("the document has no `title`, `blocks` or `text`".into());
    }
    if document.title.is_empty() {
        text::derive_title(&mut document, None);
    }

    let given_quotes = match object.remove("quotes") {
        Some(given) => match serde_json::from_value::<Vec<Quote>>(given) {
            Ok(quotes) => Some(quotes),
            Err(error) => {
                problems.push(format!("`quotes` was not understood ({error}); they were extracted again"));
                None
            }
        },
        None => None,
    };
    if let Some(Value::Object(sources)) = object.remove("metadata_sources") {
        document.metadata_sources = string_map(sources);
    }
    for problem in problems {
        document.diagnostics.push(Diagnostic::new(DiagnosticCode::Malformed, problem));
    }
    let extract_quotes = given_quotes.is_none();
    if let Some(quotes) = given_quotes {
        document.quotes = quotes;
    }
    derive::finish_with(&mut document, extract_quotes);
    // As for a collection's saved link (`entry.rs`): with no body, the title alone
    // would make every link titled "Home" one document; the address tells them apart.
    if document.blocks.is_empty()
        && let Some(url) = &document.url
    {
        document.fingerprint = derive::fingerprint(&document.title, std::slice::from_ref(url));
    }
    Ok(document)
}

fn string_map(object: Map<String, Value>) -> std::collections::BTreeMap<String, String> {
    object
        .into_iter()
        .filter_map(|(key, value)| value.as_str().map(|value| (key, value.to_owned())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{parse_json_collection, parse_ndjson_collection};
    use crate::model::DiagnosticCode;

    #[test]
    fn read_state_travels_beside_the_document() {
        let input = br#"{"title": "Read", "text": "Body one.", "read": true}
{"title": "Unread", "text": "Body two.", "read": false}
{"title": "Unsaid", "text": "Body three."}
{"title": "Odd", "text": "Body four.", "read": "yes"}
"#;
        let collection = parse_ndjson_collection(input).expect("parses");
        let read: Vec<Option<bool>> = collection.items.iter().map(|item| item.read).collect();
        assert_eq!(read, [Some(true), Some(false), None, None]);
        let odd = &collection.items[3].document;
        assert!(
            odd.diagnostics
                .iter()
                .any(|d| d.code == DiagnosticCode::Malformed && d.message.contains("`read`")),
            "{:?}",
            odd.diagnostics
        );
        let array = parse_json_collection(br#"[{"title": "A", "text": "x", "read": true}]"#).expect("parses");
        assert_eq!(array.items[0].read, Some(true));
        assert!(array.items[0].document.diagnostics.is_empty());
    }

    #[test]
    fn relative_canonical_links_and_images_are_kept() {
        let input =
            br#"{"title": "T", "text": "Body.", "canonical_url": "story.html", "image": "img/lead.jpg",
                         "url": "not an address"}"#;
        let document = &parse_json_collection(input).expect("parses").items[0].document;
        assert_eq!(document.canonical_url.as_deref(), Some("story.html"));
        assert_eq!(document.image.as_deref(), Some("img/lead.jpg"));
        assert_eq!(document.url, None, "the page's own address still has to be one");
        let spaced = br#"{"title": "T", "text": "Body.", "canonical_url": "see the site"}"#;
        assert_eq!(parse_json_collection(spaced).expect("parses").items[0].document.canonical_url, None);
    }

    #[test]
    fn saved_links_are_told_apart_by_their_address() {
        let input = br#"{"title": "Home", "url": "https://a.example/"}
{"title": "Home", "url": "https://b.example/"}
"#;
        let collection = parse_ndjson_collection(input).expect("parses");
        assert_ne!(collection.items[0].document.fingerprint, collection.items[1].document.fingerprint);
    }
}
