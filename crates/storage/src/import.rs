//! Writing imports: each batch of parsed items lands in one transaction, so a
//! document is stored whole (with its source, original bytes, tags, highlights,
//! search entry and story sketch) or not at all.
//!
//! Identity: a document is the same document when its fingerprint (normalised
//! text) matches a stored one or an earlier revision of one; when its URL matches
//! a stored document but the text differs, it becomes that document's new revision.
//!
//! Everything that costs CPU — hashing and compressing the original, serialising
//! and compressing the model, sketching, the excerpt — happens in `ImportItem::parse`,
//! which the pipeline runs on every core; the single writer only runs SQL.

use std::io::Read;

use dossier_core::{Document, Format, Highlight, Item};
use sha2::{Digest, Sha256};

use crate::{Backend, Error, Result, Store, postgres, similarity, sqlite};

/// zstd level for originals and models. On articles of a few KiB, level 1 compresses
/// in about two thirds of level 3's time to within 3 % of its size (BENCHMARKS.md).
const COMPRESSION_LEVEL: i32 = 1;

/// One input, read, parsed and prepared for storing.
#[derive(Debug)]
pub struct ImportItem {
    /// A path or URL, as the user would recognise it.
    pub location: String,
    pub format: Format,
    pub(crate) prepared: Result<Prepared, String>,
}

#[derive(Debug)]
pub(crate) struct Prepared {
    pub(crate) original_sha256: String,
    pub(crate) original_length: usize,
    pub(crate) original_compressed: Vec<u8>,
    pub(crate) documents: Vec<PreparedDocument>,
    /// Local copies of the images its documents show (`crate::images`).
    pub(crate) images: Vec<crate::images::PreparedImage>,
}

/// A document with what storing it needs, computed off the writer.
#[derive(Debug)]
pub(crate) struct PreparedDocument {
    pub(crate) document: Document,
    pub(crate) model: Vec<u8>,
    /// The SHA-256 of the original whose bytes `model` was compressed against
    /// (`encode_model`), if it was.
    pub(crate) model_original: Option<String>,
    pub(crate) sketch: Vec<u32>,
    pub(crate) body: String,
    pub(crate) excerpt: String,
    /// What the input says the reader highlighted in it (exports only).
    pub(crate) highlights: Vec<PreparedHighlight>,
}

/// A highlight trimmed, with the digest that makes importing it again a no-op.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PreparedHighlight {
    pub(crate) text: Option<String>,
    pub(crate) note: Option<String>,
    pub(crate) created: Option<String>,
    pub(crate) digest: String,
}

impl PreparedHighlight {
    /// `None` for a highlight with neither a passage nor a note.
    fn new(highlight: Highlight) -> Option<PreparedHighlight> {
        let kept =
            |text: Option<String>| text.map(|text| text.trim().to_owned()).filter(|text| !text.is_empty());
        let (text, note) = (kept(highlight.text), kept(highlight.note));
        if text.is_none() && note.is_none() {
            return None;
        }
        Some(PreparedHighlight {
            digest: highlight_digest(text.as_deref(), note.as_deref()),
            text,
            note,
            created: kept(highlight.created),
        })
    }
}

/// SHA-256 of a highlight's passage and note, each with its whitespace folded
/// (two exports of one highlight may wrap it differently) and length-prefixed
/// (so that no passage and note hash like another pair by where one ends).
fn highlight_digest(text: Option<&str>, note: Option<&str>) -> String {
    let mut bytes = Vec::new();
    for field in [text, note] {
        match field {
            Some(field) => {
                let folded = field.split_whitespace().collect::<Vec<_>>().join(" ");
                bytes.push(1);
                bytes.extend_from_slice(&(folded.len() as u64).to_le_bytes());
                bytes.extend_from_slice(folded.as_bytes());
            }
            None => bytes.push(0),
        }
    }
    sha256_hex(&bytes)
}

impl PreparedDocument {
    /// Prepares `document`, the only one its input gave when `original` is given:
    /// the input's bytes and their SHA-256.
    pub(crate) fn new(document: Document, original: Option<(&[u8], &str)>) -> PreparedDocument {
        let original = original.filter(|(bytes, _)| is_model_prefix(bytes));
        PreparedDocument {
            model: encode_model(&document, original.map(|(bytes, _)| bytes)),
            model_original: original.map(|(_, sha256)| sha256.to_owned()),
            sketch: similarity::sketch(&document),
            body: searchable_body(&document),
            excerpt: excerpt(&document),
            highlights: Vec::new(),
            document,
        }
    }

    pub(crate) fn url(&self) -> Option<&String> {
        self.document.canonical_url.as_ref().or(self.document.url.as_ref())
    }

    /// Whether one of its image blocks shows the image at `src`.
    pub(crate) fn shows_image(&self, src: &str) -> bool {
        self.document
            .blocks
            .iter()
            .any(|block| matches!(block, dossier_core::Block::Image { src: shown, .. } if shown == src))
    }
}

impl ImportItem {
    /// Detects the format of `bytes` (by `name`'s ending and the content), parses
    /// them, and prepares the documents for storing.
    pub fn parse(location: String, name: Option<&str>, bytes: Vec<u8>) -> ImportItem {
        let format = dossier_core::detect_format(name, &bytes);
        let parsed = dossier_core::parse(&bytes, format).map_err(|error| error.to_string());
        ImportItem::from_parsed(location, format, &bytes, parsed)
    }

    /// An input parsed elsewhere.
    pub fn from_parsed(
        location: String,
        format: Format,
        bytes: &[u8],
        parsed: Result<Vec<Document>, String>,
    ) -> ImportItem {
        let parsed =
            parsed.map(|documents| documents.into_iter().map(|document| (document, Vec::new())).collect());
        ImportItem::prepare(location, format, bytes, parsed)
    }

    /// A collection parsed elsewhere (`dossier_core::parse_collection`): each
    /// item's document with its highlights, which are stored with the document
    /// it becomes — also when that document was already in the archive. The
    /// items' read state and member names are the caller's to apply or report.
    pub fn from_parsed_items(
        location: String,
        format: Format,
        bytes: &[u8],
        parsed: Result<Vec<Item>, String>,
    ) -> ImportItem {
        let parsed =
            parsed.map(|items| items.into_iter().map(|item| (item.document, item.highlights)).collect());
        ImportItem::prepare(location, format, bytes, parsed)
    }

    fn prepare(
        location: String,
        format: Format,
        bytes: &[u8],
        documents: Result<Vec<(Document, Vec<Highlight>)>, String>,
    ) -> ImportItem {
        let prepared = documents.map(|documents| {
            let original_sha256 = sha256_hex(bytes);
            // The only document of its input is compressed against it (`encode_model`).
            let original = (documents.len() == 1).then_some((bytes, original_sha256.as_str()));
            let documents = documents
                .into_iter()
                .map(|(document, highlights)| PreparedDocument {
                    highlights: highlights.into_iter().filter_map(PreparedHighlight::new).collect(),
                    ..PreparedDocument::new(document, original)
                })
                .collect();
            Prepared {
                original_length: bytes.len(),
                original_compressed: compress(bytes, None),
                original_sha256,
                documents,
                images: Vec::new(),
            }
        });
        ImportItem { location, format, prepared }
    }

    /// An item that could not even be read.
    pub fn failed(location: String, reason: String) -> ImportItem {
        ImportItem { location, format: Format::Text, prepared: Err(reason) }
    }

    /// The parsed documents, or why there are none.
    pub fn documents(&self) -> Result<impl Iterator<Item = &Document>, &str> {
        match &self.prepared {
            Ok(prepared) => Ok(prepared.documents.iter().map(|prepared| &prepared.document)),
            Err(reason) => Err(reason.as_str()),
        }
    }
}

/// What became of one import item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemResult {
    pub location: String,
    pub outcome: ItemOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemOutcome {
    /// The item's documents, each with what storing it changed.
    Stored(Vec<StoredRef>),
    Failed(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredRef {
    pub id: i64,
    pub change: Change,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A document new to the archive.
    New,
    /// A new revision of a document with the same URL; the old text is kept.
    Revised,
    /// Already in the archive with this text; only the source was recorded.
    Present,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::New => "imported",
            Change::Revised => "revised",
            Change::Present => "present",
        }
    }
}

impl ItemOutcome {
    /// `imported` if anything new was stored, `revised` if only revisions were,
    /// `present` if nothing changed, or `failed`.
    pub fn as_str(&self) -> &'static str {
        match self {
            ItemOutcome::Failed(_) => "failed",
            ItemOutcome::Stored(refs) => {
                if refs.iter().any(|stored| stored.change == Change::New) {
                    "imported"
                } else if refs.iter().any(|stored| stored.change == Change::Revised) {
                    "revised"
                } else {
                    "present"
                }
            }
        }
    }

    /// The ids of the item's documents, whatever the change.
    pub fn ids(&self) -> Vec<i64> {
        match self {
            ItemOutcome::Stored(refs) => refs.iter().map(|stored| stored.id).collect(),
            ItemOutcome::Failed(_) => Vec::new(),
        }
    }
}

impl Store {
    /// Starts an import run; items are recorded against it.
    pub async fn begin_import(&self) -> Result<i64> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::begin_import(pool).await,
            Backend::Postgres(database) => postgres::begin_import(database).await,
        }
    }

    /// Marks an import run finished.
    pub async fn finish_import(&self, run_id: i64) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::finish_import(pool, run_id).await,
            Backend::Postgres(database) => postgres::finish_import(database, run_id).await,
        }
    }

    /// Stores a batch of items in one transaction and reports each one's outcome.
    /// With a run, each item's outcome is recorded in the import history.
    pub async fn import_batch(&self, run_id: Option<i64>, items: Vec<ImportItem>) -> Result<Vec<ItemResult>> {
        let mut writer = self.writer().await?;
        let results = self.write_batch(&mut writer, run_id, items).await?;
        writer.finish().await?;
        Ok(results)
    }

    /// What an import writes its batches through.
    pub(crate) async fn writer(&self) -> Result<Writer<'_>> {
        Ok(match &self.backend {
            Backend::Sqlite(pool) => {
                // A connection of its own, without the search index's file attached
                // (see `sqlite::search_index`), which a task of its own writes.
                let options = pool.connect_options();
                let connection = <sqlx::SqliteConnection as sqlx::Connection>::connect_with(&options).await?;
                Writer::Sqlite(connection, Box::new(sqlite::search_index::IndexWriter::new(&options)))
            }
            Backend::Postgres(database) => Writer::Postgres(database),
        })
    }

    /// As [`Store::import_batch`], through `writer`.
    pub(crate) async fn write_batch(
        &self,
        writer: &mut Writer<'_>,
        run_id: Option<i64>,
        items: Vec<ImportItem>,
    ) -> Result<Vec<ItemResult>> {
        match writer {
            Writer::Sqlite(connection, index) => {
                sqlite::import_batch(connection, index, self.story_threshold, run_id, items).await
            }
            Writer::Postgres(database) => {
                postgres::import_batch(database, self.story_threshold, run_id, items).await
            }
        }
    }
}

/// What an import writes through, batch after batch. On SQLite, one connection
/// of its own kept for the whole import (and the search index's writer): each connection has a page cache of its own, and
/// the pool hands its connections out in turn, so batches written through
/// whichever one was free would find the pages the last batch read and wrote in
/// another cache, and the import would hold several caches' worth of memory.
pub(crate) enum Writer<'a> {
    /// The connection, and the search index's writer (see `sqlite::search_index`).
    Sqlite(sqlx::SqliteConnection, Box<sqlite::search_index::IndexWriter>),
    Postgres(&'a postgres::Database),
}

impl Writer<'_> {
    /// Waits for what is still being written (on SQLite, the last batch's search
    /// rows). A writer dropped without it leaves that to the archive's next opening.
    pub(crate) async fn finish(self) -> Result<()> {
        if let Writer::Sqlite(mut connection, index) = self {
            index.finish(&mut connection).await?;
            sqlite::search_index::close(connection).await;
        }
        Ok(())
    }
}

/// The text the body column indexes: the dek and every block's text.
pub(crate) fn searchable_body(document: &Document) -> String {
    let mut body = document.dek.clone().unwrap_or_default();
    for block in &document.blocks {
        let text = block.text();
        if !text.is_empty() {
            if !body.is_empty() {
                body.push_str("\n\n");
            }
            body.push_str(&text);
        }
    }
    body
}

/// The description, or the first paragraph, cut at a word boundary near 280 characters.
fn excerpt(document: &Document) -> String {
    const LIMIT: usize = 280;
    let source = document.description.clone().or_else(|| {
        document.blocks.iter().find_map(|block| match block {
            dossier_core::Block::Paragraph { text } if !text.trim().is_empty() => Some(text.clone()),
            _ => None,
        })
    });
    let text = source.unwrap_or_default();
    if text.chars().count() <= LIMIT {
        return text;
    }
    let mut cut: String = text.chars().take(LIMIT).collect();
    if let Some(space) = cut.rfind(char::is_whitespace) {
        cut.truncate(space);
    }
    cut.truncate(cut.trim_end_matches(|c: char| !c.is_alphanumeric()).len());
    cut.push('…');
    cut
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The largest original a model is compressed against: zstd reads the whole
/// prefix for each model, and a reader decompresses it before the model.
const MAX_PREFIX_BYTES: usize = 64 * 1024;

/// zstd reads a dictionary that starts with these bytes as one of its own
/// format rather than as plain content.
const ZSTD_DICTIONARY_MAGIC: [u8; 4] = 0xEC30_A437_u32.to_le_bytes();

/// Whether a model is compressed against `original`, the bytes of the input it
/// was the only document of.
fn is_model_prefix(original: &[u8]) -> bool {
    !original.is_empty()
        && original.len() <= MAX_PREFIX_BYTES
        && !original.starts_with(&ZSTD_DICTIONARY_MAGIC)
}

/// The model as stored: JSON, zstd-compressed — against `prefix`, its input's
/// bytes, when given. Most of an article's model is its text, which its input
/// holds as well: on generated articles of 600 words the model takes 425 bytes
/// against 2,381 alone, and compresses in a third of the time (BENCHMARKS.md).
/// Reading it back needs that original (`decode_model`); originals are never
/// deleted.
pub(crate) fn encode_model(document: &Document, prefix: Option<&[u8]>) -> Vec<u8> {
    let json = serde_json::to_vec(document).expect("a document always serialises");
    compress(&json, prefix)
}

/// zstd with one compression context per thread: creating a context costs more
/// than compressing a short article.
fn compress(bytes: &[u8], prefix: Option<&[u8]>) -> Vec<u8> {
    thread_local! {
        static COMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> =
            const { std::cell::RefCell::new(None) };
    }
    COMPRESSOR
        .with_borrow_mut(|compressor| {
            if compressor.is_none() {
                *compressor = zstd::bulk::Compressor::new(COMPRESSION_LEVEL).ok();
            }
            let compressor = compressor.as_mut()?;
            match prefix {
                None => compressor.compress(bytes).ok(),
                Some(prefix) => {
                    let mut out = Vec::with_capacity(zstd::zstd_safe::compress_bound(bytes.len()));
                    compressor
                        .context_mut()
                        .compress_using_dict(&mut out, bytes, prefix, COMPRESSION_LEVEL)
                        .ok()
                        .map(|_| out)
                }
            }
        })
        .unwrap_or_else(|| match prefix {
            None => zstd::bulk::compress(bytes, COMPRESSION_LEVEL).expect("compressing into a Vec"),
            Some(prefix) => zstd::bulk::Compressor::with_dictionary(COMPRESSION_LEVEL, prefix)
                .and_then(|mut compressor| compressor.compress(bytes))
                .expect("compressing into a Vec"),
        })
}

/// Decodes a stored model; `original` is the compressed data of the original
/// it was compressed against (the row's `model_original`), if it was.
pub(crate) fn decode_model(id: i64, bytes: &[u8], original: Option<&[u8]>) -> Result<Document> {
    let prefix = original
        .map(|original| decompress(original, original.len() * 4))
        .transpose()
        .map_err(|error| Error::Corrupt { id, message: format!("its model cannot be read: {error}") })?;
    decode_model_against(id, bytes, prefix.as_deref())
}

/// Decodes a stored model given the original it was compressed against already
/// decompressed (`prefix`), if it was.
pub(crate) fn decode_model_against(id: i64, bytes: &[u8], prefix: Option<&[u8]>) -> Result<Document> {
    let corrupt = |message: String| Error::Corrupt { id, message };
    let json = match prefix {
        None => decompress(bytes, bytes.len() * 4),
        Some(prefix) => decompress_against(bytes, prefix),
    }
    .map_err(|error| corrupt(format!("its model cannot be read: {error}")))?;
    serde_json::from_slice(&json).map_err(|error| corrupt(error.to_string()))
}

/// Decompresses a model compressed against `prefix`, with the thread's context.
fn decompress_against(data: &[u8], prefix: &[u8]) -> std::io::Result<Vec<u8>> {
    thread_local! {
        static CONTEXT: std::cell::RefCell<zstd::zstd_safe::DCtx<'static>> =
            std::cell::RefCell::new(zstd::zstd_safe::DCtx::create());
    }
    let size = match zstd::zstd_safe::get_frame_content_size(data) {
        Ok(Some(size)) if size <= MAX_FRAME_BYTES => size as usize,
        _ => return Err(std::io::Error::other("not a model compressed against its original")),
    };
    let mut out = Vec::with_capacity(size);
    CONTEXT
        .with_borrow_mut(|context| context.decompress_using_dict(&mut out, data, prefix))
        .map_err(|code| std::io::Error::other(zstd::zstd_safe::get_error_name(code)))?;
    Ok(out)
}

/// The largest frame decompressed in one piece with the thread's reused
/// context; larger (or unlabelled) frames are streamed.
const MAX_FRAME_BYTES: u64 = 256 * 1024 * 1024;

/// Decompresses a zstd frame (a model, or original bytes stored by
/// `store_original`); `byte_length` is a capacity hint.
///
/// Frames written by `zstd::bulk` carry their size, so they are decompressed in
/// one call with a context kept per thread: creating a context allocates and
/// initialises some hundred kilobytes, which was a twentieth of the reading view's
/// time.
pub(crate) fn decompress(data: &[u8], byte_length: usize) -> std::io::Result<Vec<u8>> {
    thread_local! {
        static DECOMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Decompressor<'static>>> =
            const { std::cell::RefCell::new(None) };
    }
    if let Ok(Some(size)) = zstd::zstd_safe::get_frame_content_size(data)
        && size <= MAX_FRAME_BYTES
    {
        let reused = DECOMPRESSOR.with(|cell| {
            let mut decompressor = cell.borrow_mut();
            if decompressor.is_none() {
                *decompressor = zstd::bulk::Decompressor::new().ok();
            }
            decompressor.as_mut().map(|decompressor| decompressor.decompress(data, size as usize))
        });
        if let Some(result) = reused {
            return result;
        }
    }
    let mut out = Vec::with_capacity(byte_length);
    zstd::stream::read::Decoder::new(data)?.read_to_end(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use dossier_core::Format;

    use super::*;

    const SEED: &str = include_str!("../../../seeds/000_b389a61e5b667c13.txt");

    fn prepared(item: &ImportItem) -> &Prepared {
        item.prepared.as_ref().expect("the item parses")
    }

    #[test]
    fn a_model_is_compressed_against_its_original_and_reads_back_only_with_it() {
        let item = ImportItem::parse("seed.txt".into(), Some("seed.txt"), SEED.as_bytes().to_vec());
        let prepared = prepared(&item);
        let stored = &prepared.documents[0];
        assert_eq!(stored.model_original.as_deref(), Some(prepared.original_sha256.as_str()));
        let alone = encode_model(&stored.document, None);
        // The seed's model holds entities, quotes and events besides its text.
        assert!(
            stored.model.len() * 3 < alone.len() * 2,
            "{} against {} bytes",
            stored.model.len(),
            alone.len()
        );

        let document = decode_model(1, &stored.model, Some(&prepared.original_compressed)).unwrap();
        assert_eq!(document, stored.document);
        assert_eq!(decode_model(1, &alone, None).unwrap(), stored.document);
        // Without its original it is a clear error. (The schema names the original
        // by its SHA-256, so it cannot be read against another one.)
        let error = decode_model(7, &stored.model, None).unwrap_err();
        assert!(matches!(error, Error::Corrupt { id: 7, .. }), "{error:?}");
    }

    #[test]
    fn only_the_one_document_of_a_short_input_is_compressed_against_it() {
        let document = || dossier_core::parse(SEED.as_bytes(), Format::Text).unwrap().remove(0);
        let two = ImportItem::from_parsed(
            "two.txt".into(),
            Format::Text,
            SEED.as_bytes(),
            Ok(vec![document(), document()]),
        );
        assert!(prepared(&two).documents.iter().all(|stored| stored.model_original.is_none()));

        let long = format!(
            "{SEED}\n\n{}",
            "Another paragraph of the same article, said the lawyer.\n\n".repeat(1200)
        );
        assert!(long.len() > MAX_PREFIX_BYTES);
        let item = ImportItem::parse("long.txt".into(), Some("long.txt"), long.into_bytes());
        assert_eq!(prepared(&item).documents[0].model_original, None);

        // zstd would read these bytes as a dictionary of its own format.
        let mut magic = ZSTD_DICTIONARY_MAGIC.to_vec();
        magic.extend_from_slice(SEED.as_bytes());
        assert!(!is_model_prefix(&magic));
        assert!(is_model_prefix(SEED.as_bytes()));
        assert!(!is_model_prefix(b""));
    }
}
