//! The document model: one `Document` per imported item, whatever its format.
//!
//! These types *are* the JSON contract described in `docs/document-model.md`;
//! every serde attribute here is a decision about that contract, so change
//! them only together with the document and the snapshot tests.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Version of the JSON shape. Bumped when a field changes meaning or is removed;
/// adding a field does not bump it.
pub const SCHEMA_VERSION: u32 = 1;

/// Words a minute used for `reading_minutes`; a common figure for adults reading
/// news prose on screen.
pub const WORDS_PER_MINUTE: usize = 230;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    #[serde(default = "schema_version")]
    pub version: u32,
    pub title: String,
    /// The standfirst or sub-title under the headline.
    #[serde(default)]
    pub dek: Option<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    /// ISO 8601: `YYYY-MM-DD` or an RFC 3339 date-time.
    #[serde(default)]
    pub published: Option<String>,
    #[serde(default)]
    pub updated: Option<String>,
    /// The outlet's name ("Daily Mail"), not its host.
    #[serde(default)]
    pub site: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub canonical_url: Option<String>,
    /// ISO 639-1 code.
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// The lead image's address, as the source gave it.
    #[serde(default)]
    pub image: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Where each metadata field came from: field name → origin
    /// (`header`, `front-matter`, `first-line`, `json-ld`, `opengraph`, `detected` …).
    #[serde(default)]
    pub metadata_sources: BTreeMap<String, String>,
    #[serde(default)]
    pub blocks: Vec<Block>,
    #[serde(default)]
    pub quotes: Vec<Quote>,
    /// The people, organisations and places the text names, each once with all
    /// its mentions.
    #[serde(default)]
    pub entities: Vec<Entity>,
    /// Dated events: each date expression of the body, resolved against the
    /// document's own date, with the sentence it came from.
    #[serde(default)]
    pub events: Vec<Event>,
    #[serde(default)]
    pub word_count: usize,
    #[serde(default)]
    pub reading_minutes: usize,
    /// Hex digest of the normalised title and body: equal for exact duplicates.
    #[serde(default)]
    pub fingerprint: String,
    #[serde(default)]
    pub diagnostics: Vec<Diagnostic>,
}

fn schema_version() -> u32 {
    SCHEMA_VERSION
}

/// One typed piece of the body, in reading order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", try_from = "BlockFields")]
pub enum Block {
    Heading {
        /// 2 to 6: level 1 is the document's title.
        level: u8,
        text: String,
    },
    Paragraph {
        text: String,
    },
    Quote {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cite: Option<String>,
    },
    List {
        #[serde(default)]
        ordered: bool,
        items: Vec<String>,
    },
    Image {
        src: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        alt: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caption: Option<String>,
    },
    Code {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        language: Option<String>,
    },
    Rule,
}

/// The kinds of `Block`, as its `type` field names them.
#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum BlockType {
    Heading,
    Paragraph,
    Quote,
    List,
    Image,
    Code,
    Rule,
}

/// A `Block` as read: the fields of every kind, in any order, then checked
/// against its type. What serde derives for a tagged enum reads each block whole
/// into a buffer first and then again from it, copying every text twice; stored
/// models are read on every page shown.
#[derive(Deserialize)]
struct BlockFields {
    #[serde(rename = "type")]
    kind: BlockType,
    level: Option<u8>,
    text: Option<String>,
    cite: Option<String>,
    #[serde(default)]
    ordered: bool,
    items: Option<Vec<String>>,
    src: Option<String>,
    alt: Option<String>,
    caption: Option<String>,
    language: Option<String>,
}

impl TryFrom<BlockFields> for Block {
    type Error = String;

    fn try_from(fields: BlockFields) -> Result<Block, String> {
        fn required<T>(value: Option<T>, name: &str) -> Result<T, String> {
            value.ok_or_else(|| format!("missing field `{name}`"))
        }
        let BlockFields { kind, level, text, cite, ordered, items, src, alt, caption, language } = fields;
        Ok(match kind {
            BlockType::Heading => {
                Block::Heading { level: required(level, "level")?, text: required(text, "text")? }
            }
            BlockType::Paragraph => Block::Paragraph { text: required(text, "text")? },
            BlockType::Quote => Block::Quote { text: required(text, "text")?, cite },
            BlockType::List => Block::List { ordered, items: required(items, "items")? },
            BlockType::Image => Block::Image { src: required(src, "src")?, alt, caption },
            BlockType::Code => Block::Code { text: required(text, "text")?, language },
            BlockType::Rule => Block::Rule,
        })
    }
}

impl Block {
    /// The block's readable text; list items joined by newlines.
    pub fn text(&self) -> String {
        self.text_borrowed().into_owned()
    }

    /// As [`Block::text`], borrowed but for a list's items, which are joined.
    pub fn text_borrowed(&self) -> Cow<'_, str> {
        match self {
            Block::Heading { text, .. }
            | Block::Paragraph { text }
            | Block::Quote { text, .. }
            | Block::Code { text, .. } => Cow::Borrowed(text),
            Block::List { items, .. } => Cow::Owned(items.join("\n")),
            Block::Image { caption, alt, .. } => {
                Cow::Borrowed(caption.as_deref().or(alt.as_deref()).unwrap_or_default())
            }
            Block::Rule => Cow::Borrowed(""),
        }
    }
}

/// A statement quoted in the text, with who said it when the text says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub text: String,
    /// Null when the text does not say who spoke.
    pub speaker: Option<String>,
    /// Index into `blocks` of the block the quote starts in.
    #[serde(default)]
    pub block: usize,
    /// The words that attribute it ("A Meta spokesperson told MailOnline").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
    /// Index into `entities` of the speaker, when the speaker is one of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker_entity: Option<usize>,
}

/// What kind of thing an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    Person,
    Organization,
    Place,
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Organization => "organization",
            EntityKind::Place => "place",
        }
    }
}

/// A person, organisation or place the text names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    pub kind: EntityKind,
    /// The fullest name the document uses ("Mark Zuckerberg", "Meta Platforms").
    pub name: String,
    /// The other names the document calls it by ("Zuckerberg", "Meta").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Every place the text names it, in reading order.
    #[serde(default)]
    pub mentions: Vec<Mention>,
}

/// Where a name stands: a byte range of one block's text (`Block::text`), or of
/// the title when `block` is `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<usize>,
    pub start: usize,
    pub end: usize,
}

/// A dated event: a date expression of the text, resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub date: String,
    /// The sentence the date came from.
    pub text: String,
    /// Index into `blocks` of the block the sentence is in.
    #[serde(default)]
    pub block: usize,
    /// The words that gave the date ("on Monday", "last year", "October 2021").
    pub expression: String,
    /// The date stands for a span around it ("a decade ago", "in the 1990s").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub approximate: bool,
}

/// Something odd the parser noticed, and what it did about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub code: DiagnosticCode,
    pub message: String,
    /// 1-based line in the decoded input, where it helps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Index into `blocks`, where the finding concerns one block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<usize>,
    /// The text as it was in the input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
    /// What the parser put in its place; absent when it only reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
}

impl Diagnostic {
    pub fn new(code: DiagnosticCode, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            message: message.into(),
            line: None,
            block: None,
            original: None,
            replacement: None,
        }
    }

    pub fn at_line(mut self, line: usize) -> Diagnostic {
        self.line = Some(line);
        self
    }

    pub fn in_block(mut self, block: usize) -> Diagnostic {
        self.block = Some(block);
        self
    }

    pub fn repaired(mut self, original: impl Into<String>, replacement: impl Into<String>) -> Diagnostic {
        self.original = Some(original.into());
        self.replacement = Some(replacement.into());
        self
    }

    pub fn found(mut self, original: impl Into<String>) -> Diagnostic {
        self.original = Some(original.into());
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DiagnosticCode {
    /// The bytes were not UTF-8; another encoding was used or guessed.
    Encoding,
    /// Bytes that no encoding explains were replaced with U+FFFD.
    InvalidBytes,
    /// Text decoded twice (`â€™`) was repaired.
    Mojibake,
    /// Two words glued across a lost link boundary (`dailymailMeta`).
    GluedWords,
    /// A fragment repeated at a paragraph's end (`users. users.`).
    RepeatedFragment,
    /// A header line that could not be read (an unparseable date, say).
    Header,
    /// No line read like a title; one was derived from the text.
    NoTitle,
    /// A quotation mark that is never closed.
    UnbalancedQuote,
    /// Front matter or JSON that was malformed but partly usable.
    Malformed,
    /// Input cut short by a size limit.
    Truncated,
    /// The input gave only the article's address (a bookmark, a feed item without
    /// text); the text was not fetched, so the body is empty.
    NotFetched,
}

/// The input formats dossier-core parses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    Text,
    Markdown,
    Json,
    Ndjson,
    Html,
    /// RSS 2.0 (also RSS 0.9x and RDF 1.0): each item a document.
    Rss,
    /// Atom 1.0: each entry a document.
    Atom,
    /// JSON Feed 1.0/1.1: each item a document.
    JsonFeed,
    /// OPML: a list of feeds, which are not fetched (see `feeds::parse_opml`).
    Opml,
    /// Pocket's CSV export (`title,url,time_added,tags,status`).
    PocketCsv,
    /// Pocket's older HTML export (`ril_export.html`).
    PocketHtml,
    /// Instapaper's CSV export (`URL,Title,Selection,Folder,Timestamp`).
    InstapaperCsv,
    /// Wallabag v2's JSON export.
    Wallabag,
    /// A Netscape bookmark file, as Chrome, Firefox and Safari export them.
    Bookmarks,
    /// Omnivore's export: a ZIP of `metadata_*.json` files and `content/*.md`.
    Omnivore,
    /// Readeck's export: a ZIP with `data.json` and a folder per bookmark
    /// (`bookmarks/<UID>/info.json`, the article in `container/index.html`).
    Readeck,
    /// Any other ZIP archive: each member parsed by its own format.
    Zip,
}

impl Format {
    /// Every format, in a stable order.
    pub const ALL: [Format; 17] = [
        Format::Text,
        Format::Markdown,
        Format::Json,
        Format::Ndjson,
        Format::Html,
        Format::Rss,
        Format::Atom,
        Format::JsonFeed,
        Format::Opml,
        Format::PocketCsv,
        Format::PocketHtml,
        Format::InstapaperCsv,
        Format::Wallabag,
        Format::Bookmarks,
        Format::Omnivore,
        Format::Readeck,
        Format::Zip,
    ];

    /// Whether the format is a feed, an export, a bookmark file or an archive: a
    /// collection of articles rather than an article (or our own JSON).
    pub fn is_collection(self) -> bool {
        !matches!(self, Format::Text | Format::Markdown | Format::Json | Format::Ndjson | Format::Html)
    }

    /// The format named by `as_str`, as storage records it.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|format| format.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
            Format::Html => "html",
            Format::Rss => "rss",
            Format::Atom => "atom",
            Format::JsonFeed => "json-feed",
            Format::Opml => "opml",
            Format::PocketCsv => "pocket-csv",
            Format::PocketHtml => "pocket-html",
            Format::InstapaperCsv => "instapaper-csv",
            Format::Wallabag => "wallabag",
            Format::Bookmarks => "bookmarks",
            Format::Omnivore => "omnivore",
            Format::Readeck => "readeck",
            Format::Zip => "zip",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Block;

    fn every_kind() -> Vec<Block> {
        vec![
            Block::Heading { level: 3, text: "Section".into() },
            Block::Paragraph { text: "A \"quoted\" word.".into() },
            Block::Quote { text: "Said so.".into(), cite: Some("A. Person".into()) },
            Block::Quote { text: "Said so.".into(), cite: None },
            Block::List { ordered: true, items: vec!["one".into(), "two".into()] },
            Block::Image { src: "a.png".into(), alt: Some("alt".into()), caption: None },
            Block::Code { text: "fn main() {}".into(), language: Some("rust".into()) },
            Block::Rule,
        ]
    }

    #[test]
    fn every_kind_of_block_reads_back_what_was_written() {
        for block in every_kind() {
            let json = serde_json::to_string(&block).unwrap();
            assert!(json.starts_with(r#"{"type":"#), "{json}");
            assert_eq!(serde_json::from_str::<Block>(&json).unwrap(), block, "{json}");
        }
    }

    #[test]
    fn a_block_is_read_whatever_the_order_of_its_fields() {
        let block: Block =
            serde_json::from_str(r#"{"text": "Late tag", "level": 2, "type": "heading"}"#).unwrap();
        assert_eq!(block, Block::Heading { level: 2, text: "Late tag".into() });
        let list: Block = serde_json::from_str(r#"{"items": ["a"], "type": "list", "extra": 1}"#).unwrap();
        assert_eq!(list, Block::List { ordered: false, items: vec!["a".into()] });
    }

    #[test]
    fn a_block_without_what_its_type_needs_is_an_error_naming_the_field() {
        let error = serde_json::from_str::<Block>(r#"{"type": "paragraph"}"#).unwrap_err().to_string();
        assert!(error.contains("missing field `text`"), "{error}");
        let error =
            serde_json::from_str::<Block>(r#"{"type": "image", "alt": "x"}"#).unwrap_err().to_string();
        assert!(error.contains("missing field `src`"), "{error}");
        let error =
            serde_json::from_str::<Block>(r#"{"type": "marquee", "text": "x"}"#).unwrap_err().to_string();
        assert!(error.contains("unknown variant `marquee`"), "{error}");
        assert!(serde_json::from_str::<Block>(r#"{"text": "no type"}"#).is_err());
    }
}
