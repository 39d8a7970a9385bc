//! dossier-core: the document model and every parser that turns input bytes into it.
//!
//! Architecture Invariant: this crate does no I/O and knows nothing of databases,
//! HTTP or the command line. It takes bytes or text and returns documents with
//! their diagnostics; callers decide where bytes come from and where documents go.

mod artifacts;
pub mod date;
pub mod decode;
mod derive;
mod front_matter;
pub mod html;
pub mod json;
mod language;
pub mod markdown;
pub mod model;
mod quotes;
pub mod render;
pub mod text;

pub use model::{Block, Diagnostic, DiagnosticCode, Document, Format, Quote, SCHEMA_VERSION};

/// Why parsing produced nothing at all. Odd input is *not* an error: it yields a
/// document with diagnostics. These are the cases with nothing to return.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    #[error("the input is empty")]
    Empty,
    #[error("the input has no readable text")]
    NoText,
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Json { line: usize, column: usize, message: String },
}

/// Guesses the format from a file name (when there is one) and the content.
///
/// The extension decides when it is known (`.md`/`.markdown`, `.json`,
/// `.ndjson`/`.jsonl`, `.txt`); otherwise the content: front matter or a leading
/// `# ` heading is Markdown, `{` is JSON (NDJSON when a second line also starts an
/// object), `[` followed by `{` is a JSON array, and anything else is plain text.
pub fn detect_format(name: Option<&str>, bytes: &[u8]) -> Format {
    let extension =
        name.and_then(|name| name.rsplit_once('.')).map(|(_, extension)| extension.to_ascii_lowercase());
    match extension.as_deref() {
        Some("md" | "markdown" | "mdown" | "mkd") => return Format::Markdown,
        Some("json") => return Format::Json,
        Some("ndjson" | "jsonl") => return Format::Ndjson,
        Some("txt" | "text") => return Format::Text,
        Some("html" | "htm" | "xhtml" | "shtml") => return Format::Html,
        _ => {}
    }
    if html::looks_like_html(bytes) {
        return Format::Html;
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|byte| !byte.is_ascii_whitespace())
        .map(|position| &bytes[position..])
        .unwrap_or_default();
    if bytes.starts_with(b"---\n")
        || bytes.starts_with(b"---\r\n")
        || bytes.starts_with(b"+++\n")
        || bytes.starts_with(b"+++\r\n")
        || start.starts_with(b"# ")
    {
        return Format::Markdown;
    }
    if start.starts_with(b"{") {
        let objects_on_lines = start
            .split(|byte| *byte == b'\n')
            .filter(|line| !line.trim_ascii().is_empty())
            .take(3)
            .filter(|line| line.trim_ascii().starts_with(b"{") && line.trim_ascii().ends_with(b"}"))
            .count();
        return if objects_on_lines >= 2 { Format::Ndjson } else { Format::Json };
    }
    if start.starts_with(b"[") && start[1..].trim_ascii_start().starts_with(b"{") {
        return Format::Json;
    }
    Format::Text
}

/// Parses one input into the documents it holds (one, except for NDJSON and JSON arrays).
///
/// Odd input yields documents with diagnostics; an error means there was nothing to
/// return. Never panics, and runs in time linear in the input's size.
pub fn parse(bytes: &[u8], format: Format) -> Result<Vec<Document>, ParseError> {
    if bytes.iter().all(|byte| byte.is_ascii_whitespace()) {
        return Err(ParseError::Empty);
    }
    match format {
        Format::Text => Ok(vec![text::parse_bytes(bytes)?]),
        Format::Markdown => Ok(vec![markdown::parse_bytes(bytes)?]),
        Format::Json => json::parse_json(bytes),
        Format::Ndjson => json::parse_ndjson(bytes),
        Format::Html => Ok(vec![html::parse_html(bytes, None)?]),
    }
}
