//! dossier-core: the document model and every parser that turns input bytes into it.
//!
//! Architecture Invariant: this crate does no I/O and knows nothing of databases,
//! HTTP or the command line. It takes bytes or text and returns documents with
//! their diagnostics; callers decide where bytes come from and where documents go.

mod abbreviation;
pub mod archive;
mod artifacts;
pub mod date;
pub mod decode;
mod derive;
mod entities;
mod entry;
mod events;
pub mod exports;
mod fast_map;
pub mod feeds;
mod front_matter;
pub mod html;
pub mod json;
mod language;
pub mod markdown;
pub mod model;
mod quotes;
pub mod render;
pub mod text;
mod word_key;
mod xml;

pub use model::{
    Block, Diagnostic, DiagnosticCode, Document, Entity, EntityKind, Event, Format, Mention, Quote,
    SCHEMA_VERSION,
};

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
    /// The input is in a collection format (a feed, an export, a bookmark file) but
    /// not readable as one; the message says why, and where when it can.
    #[error("{0}")]
    Invalid(String),
    /// A ZIP archive that could not be opened, or is past the limits that guard
    /// against archives that expand without bound.
    #[error("{0}")]
    Archive(String),
    /// An OPML file: it lists feeds, which parsing does not fetch (`dossier
    /// import` does).
    #[error("{}", feed_list_message(.feeds))]
    FeedList { feeds: Vec<String> },
}

fn feed_list_message(feeds: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut listed = feeds.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", ");
    if feeds.len() > SHOWN {
        listed.push_str(&format!(" and {} more", feeds.len() - SHOWN));
    }
    match feeds.len() {
        0 => "an OPML feed list with no feed addresses; nothing to import".to_owned(),
        count => format!(
            "an OPML feed list of {count} feed{} ({listed}); `dossier import` fetches its feeds",
            if count == 1 { "" } else { "s" }
        ),
    }
}

/// The largest image a document keeps a copy of.
pub const MAX_IMAGE_BYTES: usize = 10 * 1024 * 1024;

/// What one input holds: its documents, each with what the source says about
/// reading it, and the entries that could not be read, with why.
#[derive(Debug, Default)]
pub struct Collection {
    pub items: Vec<Item>,
    pub skipped: Vec<Skipped>,
    /// Archive members that are not articles (images, style sheets), left out.
    pub ignored: usize,
    /// Images an archive carries for its documents (a Readeck export's
    /// `_resources/`): each with the `src` an image block of a document names it
    /// by, which is the member's name in the archive. The bytes are not checked
    /// here; whoever stores them keeps only real images.
    pub images: Vec<(String, Vec<u8>)>,
}

/// One document and what the source says about its reading, which belongs to the
/// reader rather than to the document (and so is not part of the model).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub document: Document,
    /// Read or archived (`Some(true)`), unread (`Some(false)`), or not said.
    pub read: Option<bool>,
    /// Passages the reader highlighted, with their notes.
    pub highlights: Vec<Highlight>,
    /// The member of a ZIP archive the document was read from, when it is a file
    /// of its own there (`clippings/story.txt`).
    pub member: Option<String>,
}

/// A highlighted passage and the reader's note on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Highlight {
    pub text: Option<String>,
    pub note: Option<String>,
    /// ISO 8601, when the export says.
    pub created: Option<String>,
}

/// An entry of a collection that yielded no document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The member of a ZIP archive the entry is in (`content/a.md`).
    pub member: Option<String>,
    /// 1-based line in the input, for line-based formats (CSV).
    pub line: Option<usize>,
    /// 1-based position among the input's entries, for the others.
    pub entry: Option<usize>,
    /// For people: what was wrong and, where it helps, what to do.
    pub reason: String,
}

impl Skipped {
    pub(crate) fn at_entry(entry: usize, reason: impl Into<String>) -> Skipped {
        Skipped { member: None, line: None, entry: Some(entry), reason: reason.into() }
    }

    pub(crate) fn at_line(line: usize, reason: impl Into<String>) -> Skipped {
        Skipped { member: None, line: Some(line), entry: None, reason: reason.into() }
    }

    /// Where it is inside its source, `!/member: line 17` style: the source's name
    /// goes in front.
    pub fn location_suffix(&self) -> String {
        let mut suffix = String::new();
        if let Some(member) = &self.member {
            suffix.push_str("!/");
            suffix.push_str(member);
        }
        suffix
    }

    /// The reason with the line or entry in front (`entry 3: …`).
    pub fn describe(&self) -> String {
        match (self.line, self.entry) {
            (Some(line), _) => format!("line {line}: {}", self.reason),
            (None, Some(entry)) => format!("entry {entry}: {}", self.reason),
            (None, None) => self.reason.clone(),
        }
    }
}

impl Collection {
    /// Puts the input's decoding diagnostics on its first document; a collection
    /// with neither documents nor skipped entries is `ParseError::Invalid(empty)`.
    pub(crate) fn finish(
        mut self,
        diagnostics: Vec<Diagnostic>,
        empty: &str,
    ) -> Result<Collection, ParseError> {
        if self.items.is_empty() && self.skipped.is_empty() {
            return Err(ParseError::Invalid(empty.to_owned()));
        }
        if let Some(first) = self.items.first_mut() {
            let mut all = diagnostics;
            all.append(&mut first.document.diagnostics);
            first.document.diagnostics = all;
        }
        Ok(self)
    }

    fn of_documents(documents: Vec<Document>) -> Collection {
        Collection {
            items: documents
                .into_iter()
                .map(|document| Item { document, read: None, highlights: Vec::new(), member: None })
                .collect(),
            ..Collection::default()
        }
    }
}

/// Guesses the format from a file name (when there is one) and the content.
///
/// Collection formats are recognised by their content first, whatever the name:
/// a ZIP archive (Omnivore and Readeck exports by their members), a feed or OPML
/// file by its root element, a Netscape bookmark file by its doctype, Pocket's HTML
/// export by its title, a JSON Feed by its `version`, a Wallabag export by its
/// entries' keys, Pocket and Instapaper CSV by their header lines. Then the
/// extension decides when it is known (`.md`/`.markdown`, `.json`,
/// `.ndjson`/`.jsonl`, `.txt`, `.html`); otherwise the content: front matter or a
/// leading `# ` heading is Markdown, `{` is JSON (NDJSON when a second line also
/// starts an object), `[` followed by `{` is a JSON array, and anything else is
/// plain text.
pub fn detect_format(name: Option<&str>, bytes: &[u8]) -> Format {
    if let Some(format) = detect_collection(bytes) {
        return format;
    }
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

/// The collection format `bytes` are in, from their content alone.
fn detect_collection(bytes: &[u8]) -> Option<Format> {
    if archive::is_zip(bytes) {
        return Some(archive::detect(bytes));
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|byte| !byte.is_ascii_whitespace())
        .map(|position| &bytes[position..])
        .unwrap_or_default();
    let head: Vec<u8> = start.iter().take(4096).map(u8::to_ascii_lowercase).collect();
    if head.starts_with(b"<") {
        if let Some(format) = feeds::detect_xml(&head) {
            return Some(format);
        }
        return exports::detect_html(&head);
    }
    if head.starts_with(b"{") {
        return feeds::is_json_feed(&head).then_some(Format::JsonFeed);
    }
    if head.starts_with(b"[") {
        return exports::wallabag::looks_like(&head).then_some(Format::Wallabag);
    }
    exports::detect_csv(&head)
}

/// The entities and dated events of a parsed document, as parsing fills
/// `Document::entities` and `Document::events` (and the quotes' speakers' entities).
/// Public so that benchmarks can time this stage on its own.
pub fn find_entities_and_events(document: &Document) -> (Vec<Entity>, Vec<Event>) {
    (find_entities(document), find_events(document))
}

/// The stage's first part: the named entities of a parsed document, as parsing
/// fills `Document::entities`. Public so that benchmarks can time each part.
#[doc(hidden)]
pub fn find_entities(document: &Document) -> Vec<Entity> {
    entities::find(document)
}

/// The stage's last part: the dated events of a parsed document, as parsing fills
/// `Document::events`.
#[doc(hidden)]
pub fn find_events(document: &Document) -> Vec<Event> {
    events::find(document)
}

/// The stage's middle part: links each quote of `document` to its speaker among
/// `document.entities`, as parsing does (`Quote::speaker_entity`, and the
/// speaker's name for a pronoun). Linking a parsed document again gives the same
/// links.
#[doc(hidden)]
pub fn link_quote_speakers(document: &mut Document) {
    entities::link_speakers(&mut document.quotes, &document.entities, &document.title, &document.blocks);
}

/// As [`parse`], without entities, speakers linked to them, or dated events: the
/// baseline `cargo xtask bench entities` measures what that stage adds against.
#[doc(hidden)]
pub fn parse_without_entities_and_events(bytes: &[u8], format: Format) -> Result<Vec<Document>, ParseError> {
    derive::without_entities_and_events(|| parse(bytes, format))
}

/// Parses one input into the documents it holds (one, except for NDJSON, JSON
/// arrays and collections: feeds, exports, bookmark files, archives).
///
/// Odd input yields documents with diagnostics; an error means there was nothing to
/// return. Never panics, and runs in time linear in the input's size.
pub fn parse(bytes: &[u8], format: Format) -> Result<Vec<Document>, ParseError> {
    parse_collection(bytes, format)
        .map(|collection| collection.items.into_iter().map(|item| item.document).collect())
}

/// As [`parse`], with what a collection says besides its documents: read state and
/// highlights per document, and the entries that could not be read, with where and
/// why. The documents are those `parse` returns, in the same order.
pub fn parse_collection(bytes: &[u8], format: Format) -> Result<Collection, ParseError> {
    if bytes.iter().all(|byte| byte.is_ascii_whitespace()) {
        return Err(ParseError::Empty);
    }
    match format {
        Format::Text => Ok(Collection::of_documents(vec![text::parse_bytes(bytes)?])),
        Format::Markdown => Ok(Collection::of_documents(vec![markdown::parse_bytes(bytes)?])),
        Format::Json => json::parse_json_collection(bytes),
        Format::Ndjson => json::parse_ndjson_collection(bytes),
        Format::Html => Ok(Collection::of_documents(vec![html::parse_html(bytes, None)?])),
        Format::Rss | Format::Atom => feeds::parse_xml_feed(bytes),
        Format::JsonFeed => feeds::parse_json_feed(bytes),
        Format::Opml => Err(ParseError::FeedList {
            feeds: feeds::parse_opml(bytes)?.into_iter().map(|outline| outline.feed_url).collect(),
        }),
        Format::PocketCsv => exports::pocket::parse_csv(bytes),
        Format::PocketHtml => exports::pocket::parse_html(bytes),
        Format::InstapaperCsv => exports::instapaper::parse(bytes),
        Format::Wallabag => exports::wallabag::parse(bytes),
        Format::Bookmarks => exports::bookmarks::parse(bytes),
        Format::Omnivore => exports::omnivore::parse(bytes),
        Format::Readeck => exports::readeck::parse(bytes),
        Format::Zip => archive::parse(bytes),
    }
}
