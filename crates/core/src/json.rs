//! JSON and NDJSON input in the documented schema (`docs/document-model.md`).
//!
//! Every field is optional except that a document needs a `title`, `blocks` or
//! `text`. Fields are read one by one, so a wrong field costs a diagnostic, not the
//! document. Derived fields (`word_count`, `reading_minutes`, `fingerprint`) are
//! always recomputed; `quotes` and `language` are kept when given.

use serde_json::{Map, Value};

use crate::model::{Block, Diagnostic, DiagnosticCode, Document, Quote, SCHEMA_VERSION};
use crate::text::{self, Field};
use crate::{ParseError, decode, derive};

/// A JSON file: one document object, or an array of them.
pub fn parse_json(bytes: &[u8]) -> Result<Vec<Document>, ParseError> {
    let (input, decode_diagnostics) = decode::decode(bytes);
    let value: Value = serde_json::from_str(&input).map_err(|error| ParseError::Json {
        line: error.line(),
        column: error.column(),
        message: error.to_string(),
    })?;
    let mut documents = Vec::new();
    let mut problems = Vec::new();
    match value {
        Value::Array(items) => {
            for (index, item) in items.into_iter().enumerate() {
                match document_from_value(item) {
                    Ok(document) => documents.push(document),
                    Err(why) => problems.push(Diagnostic::new(
                        DiagnosticCode::Malformed,
                        format!("array element {index} was skipped: {why}"),
                    )),
                }
            }
        }
        other => match document_from_value(other) {
            Ok(document) => documents.push(document),
            Err(why) => {
                return Err(ParseError::Json { line: 1, column: 1, message: why });
            }
        },
    }
    attach(&mut documents, decode_diagnostics, problems)?;
    Ok(documents)
}

/// NDJSON: one document per non-empty line; a bad line becomes a diagnostic naming
/// its line number (on the first document), or the error when no line parses.
pub fn parse_ndjson(bytes: &[u8]) -> Result<Vec<Document>, ParseError> {
    let (input, decode_diagnostics) = decode::decode(bytes);
    let mut documents = Vec::new();
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
            .and_then(|value| document_from_value(value).map_err(|why| (1, why)));
        match result {
            Ok(document) => documents.push(document),
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
    if documents.is_empty() {
        return Err(first_error.unwrap_or(ParseError::NoText));
    }
    attach(&mut documents, decode_diagnostics, problems)?;
    Ok(documents)
}

/// Puts input-level diagnostics on the first document.
fn attach(
    documents: &mut [Document],
    decode_diagnostics: Vec<Diagnostic>,
    problems: Vec<Diagnostic>,
) -> Result<(), ParseError> {
    let Some(first) = documents.first_mut() else {
        return Err(ParseError::NoText);
    };
    let mut diagnostics = decode_diagnostics;
    diagnostics.append(&mut first.diagnostics);
    diagnostics.extend(problems);
    first.diagnostics = diagnostics;
    Ok(())
}

/// Builds one document from a JSON object in the documented schema.
pub(crate) fn document_from_value(value: Value) -> Result<Document, String> {
    let Value::Object(mut object) = value else {
        return Err("a document must be a JSON object".into());
    };
    let mut document = text::empty_document();
    let mut problems = Vec::new();

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
    Ok(document)
}

fn string_map(object: Map<String, Value>) -> std::collections::BTreeMap<String, String> {
    object
        .into_iter()
        .filter_map(|(key, value)| value.as_str().map(|value| (key, value.to_owned())))
        .collect()
}
