//! Writing imports: each batch of parsed items lands in one transaction, so a
//! document is stored whole (with its source, original bytes, tags, search entry
//! and story sketch) or not at all.
//!
//! Identity: a document is the same document when its fingerprint (normalised
//! text) matches a stored one or an earlier revision of one; when its URL matches
//! a stored document but the text differs, it becomes that document's new revision.
//!
//! Everything that costs CPU — hashing and compressing the original, serialising
//! and compressing the model, sketching, the excerpt — happens in `ImportItem::parse`,
//! which the pipeline runs on every core; the single writer only runs SQL.

use std::io::Read;
use std::sync::OnceLock;

use dossier_core::{Document, Format};
use sha2::{Digest, Sha256};
use sqlx::AssertSqlSafe;

use crate::{Error, Result, Store, similarity};

/// zstd level for originals and models: fast, and most of the gain of higher levels.
const COMPRESSION_LEVEL: i32 = 3;

/// One input, read, parsed and prepared for storing.
#[derive(Debug)]
pub struct ImportItem {
    /// A path or URL, as the user would recognise it.
    pub location: String,
    pub format: Format,
    prepared: Result<Prepared, String>,
}

#[derive(Debug)]
struct Prepared {
    original_sha256: String,
    original_length: usize,
    original_compressed: Vec<u8>,
    documents: Vec<PreparedDocument>,
}

/// A document with what storing it needs, computed off the writer.
#[derive(Debug)]
pub(crate) struct PreparedDocument {
    pub(crate) document: Document,
    pub(crate) model: Vec<u8>,
    pub(crate) sketch: Vec<u32>,
    pub(crate) body: String,
    pub(crate) excerpt: String,
}

impl PreparedDocument {
    pub(crate) fn new(document: Document) -> PreparedDocument {
        PreparedDocument {
            model: encode_model(&document),
            sketch: similarity::sketch(&document),
            body: searchable_body(&document),
            excerpt: excerpt(&document),
            document,
        }
    }

    fn url(&self) -> Option<&String> {
        self.document.canonical_url.as_ref().or(self.document.url.as_ref())
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
        let prepared = parsed.map(|documents| Prepared {
            original_sha256: sha256_hex(bytes),
            original_length: bytes.len(),
            original_compressed: compress(bytes),
            documents: documents.into_iter().map(PreparedDocument::new).collect(),
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
        let (id,): (i64,) = sqlx::query_as("INSERT INTO import_runs DEFAULT VALUES RETURNING id")
            .fetch_one(&self.pool)
            .await?;
        Ok(id)
    }

    /// Marks an import run finished.
    pub async fn finish_import(&self, run_id: i64) -> Result<()> {
        sqlx::query(
            "UPDATE import_runs SET finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
        )
        .bind(run_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Stores a batch of items in one transaction and reports each one's outcome.
    /// With a run, each item's outcome is recorded in the import history.
    pub async fn import_batch(&self, run_id: Option<i64>, items: Vec<ImportItem>) -> Result<Vec<ItemResult>> {
        let mut transaction = self.pool.begin().await?;
        let mut index = PendingIndex::default();
        let mut results = Vec::with_capacity(items.len());
        for item in items {
            let outcome = match &item.prepared {
                Err(reason) => ItemOutcome::Failed(reason.clone()),
                Ok(prepared) => {
                    store_original(&mut transaction, prepared).await?;
                    let mut refs = Vec::with_capacity(prepared.documents.len());
                    for (position, document) in prepared.documents.iter().enumerate() {
                        let stored =
                            store_document(&mut transaction, &mut index, document, self.story_threshold)
                                .await?;
                        store_tags(&mut transaction, stored.id, &document.document.tags).await?;
                        sqlx::query(
                            "INSERT INTO sources (document_id, location, format, position, original_sha256)
                             VALUES (?, ?, ?, ?, ?)
                             ON CONFLICT (document_id, location, original_sha256) DO NOTHING",
                        )
                        .bind(stored.id)
                        .bind(&item.location)
                        .bind(item.format.as_str())
                        .bind(position as i64)
                        .bind(&prepared.original_sha256)
                        .execute(&mut *transaction)
                        .await?;
                        refs.push(stored);
                    }
                    ItemOutcome::Stored(refs)
                }
            };
            if let Some(run_id) = run_id {
                record_item(&mut transaction, run_id, &item.location, &outcome).await?;
            }
            results.push(ItemResult { location: item.location, outcome });
        }
        index.write(&mut transaction).await?;
        transaction.commit().await?;
        Ok(results)
    }
}

pub(crate) type Transaction<'a> = sqlx::Transaction<'a, sqlx::Sqlite>;

async fn store_original(transaction: &mut Transaction<'_>, prepared: &Prepared) -> Result<()> {
    sqlx::query(
        "INSERT INTO originals (sha256, byte_length, compression, data) VALUES (?, ?, 'zstd', ?)
         ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(&prepared.original_sha256)
    .bind(prepared.original_length as i64)
    .bind(&prepared.original_compressed)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

async fn store_document(
    transaction: &mut Transaction<'_>,
    index: &mut PendingIndex,
    prepared: &PreparedDocument,
    story_threshold: f64,
) -> Result<StoredRef> {
    let document = &prepared.document;
    let known: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM documents WHERE fingerprint = ?1
         UNION ALL
         SELECT document_id FROM revisions WHERE fingerprint = ?1
         LIMIT 1",
    )
    .bind(&document.fingerprint)
    .fetch_optional(&mut **transaction)
    .await?;
    if let Some((id,)) = known {
        return Ok(StoredRef { id, change: Change::Present });
    }
    if let Some(url) = prepared.url() {
        let same_url: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM documents WHERE url = ? ORDER BY id LIMIT 1")
                .bind(url)
                .fetch_optional(&mut **transaction)
                .await?;
        if let Some((id,)) = same_url {
            sqlx::query(
                "INSERT INTO revisions (document_id, fingerprint, model)
                 SELECT id, fingerprint, model FROM documents WHERE id = ?",
            )
            .bind(id)
            .execute(&mut **transaction)
            .await?;
            replace_document(transaction, index, id, prepared).await?;
            assign_story(transaction, id, prepared, story_threshold).await?;
            return Ok(StoredRef { id, change: Change::Revised });
        }
    }
    let stories = similar_stories(transaction, None, &prepared.sketch, story_threshold).await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO documents (fingerprint, title, published, site, language, url, authors, excerpt, word_count,
                                story_id, model)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&document.fingerprint)
    .bind(&document.title)
    .bind(&document.published)
    .bind(&document.site)
    .bind(&document.language)
    .bind(prepared.url())
    .bind(document.authors.join("; "))
    .bind(&prepared.excerpt)
    .bind(document.word_count as i64)
    .bind(stories.iter().copied().min().unwrap_or(0))
    .bind(&prepared.model)
    .fetch_one(&mut **transaction)
    .await?;
    join_stories(transaction, id, &stories).await?;
    index.add(id, prepared);
    store_sketch(transaction, id, &prepared.sketch, false).await?;
    Ok(StoredRef { id, change: Change::New })
}

/// Overwrites a stored document's current version (a revision, or a reparse).
pub(crate) async fn replace_document(
    transaction: &mut Transaction<'_>,
    index: &mut PendingIndex,
    id: i64,
    prepared: &PreparedDocument,
) -> Result<()> {
    let document = &prepared.document;
    sqlx::query(
        "UPDATE documents SET fingerprint = ?, title = ?, published = ?, site = ?, language = ?, authors = ?,
                excerpt = ?, word_count = ?, model = ?
         WHERE id = ?",
    )
    .bind(&document.fingerprint)
    .bind(&document.title)
    .bind(&document.published)
    .bind(&document.site)
    .bind(&document.language)
    .bind(document.authors.join("; "))
    .bind(&prepared.excerpt)
    .bind(document.word_count as i64)
    .bind(&prepared.model)
    .bind(id)
    .execute(&mut **transaction)
    .await?;
    sqlx::query("DELETE FROM documents_fts WHERE rowid = ?").bind(id).execute(&mut **transaction).await?;
    index.add(id, prepared);
    Ok(())
}

/// Re-derives a stored document's story from its (new) sketch, keeping the
/// story it was in and joining any it is now similar to.
pub(crate) async fn assign_story(
    transaction: &mut Transaction<'_>,
    id: i64,
    prepared: &PreparedDocument,
    threshold: f64,
) -> Result<()> {
    let mut stories = similar_stories(transaction, Some(id), &prepared.sketch, threshold).await?;
    let (current,): (i64,) = sqlx::query_as("SELECT story_id FROM documents WHERE id = ?")
        .bind(id)
        .fetch_one(&mut **transaction)
        .await?;
    if current != 0 && !stories.contains(&current) {
        stories.push(current);
    }
    join_stories(transaction, id, &stories).await?;
    store_sketch(transaction, id, &prepared.sketch, true).await
}

/// Puts document `id` into the smallest of `stories` (or a story of its own) and
/// merges the others into it: a document that bridges stories joins them.
async fn join_stories(transaction: &mut Transaction<'_>, id: i64, stories: &[i64]) -> Result<()> {
    let story = stories.iter().copied().min().unwrap_or(id);
    sqlx::query("UPDATE documents SET story_id = ? WHERE id = ? AND story_id != ?")
        .bind(story)
        .bind(id)
        .bind(story)
        .execute(&mut **transaction)
        .await?;
    for other in stories.iter().filter(|other| **other != story) {
        sqlx::query("UPDATE documents SET story_id = ? WHERE story_id = ?")
            .bind(story)
            .bind(other)
            .execute(&mut **transaction)
            .await?;
    }
    Ok(())
}

/// The stories of stored documents whose sketches are at least `threshold`
/// similar to `sketch`, found through the sketch's smallest hashes in one query.
async fn similar_stories(
    transaction: &mut Transaction<'_>,
    except: Option<i64>,
    sketch: &[u32],
    threshold: f64,
) -> Result<Vec<i64>> {
    if sketch.is_empty() {
        return Ok(Vec::new());
    }
    static CANDIDATES: OnceLock<String> = OnceLock::new();
    let sql = CANDIDATES.get_or_init(|| {
        let per_key = format!(
            "SELECT document_id FROM (SELECT document_id FROM sketch_keys WHERE key = ? \
             ORDER BY document_id DESC LIMIT {})",
            similarity::CANDIDATES_PER_KEY
        );
        format!(
            "SELECT c.document_id, s.sketch, d.story_id FROM ({}) c
             JOIN document_sketches s ON s.document_id = c.document_id
             JOIN documents d ON d.id = c.document_id",
            vec![per_key; similarity::KEYS].join(" UNION ")
        )
    });
    let mut query = sqlx::query_as::<_, (i64, Vec<u8>, i64)>(AssertSqlSafe(sql.as_str()));
    for index in 0..similarity::KEYS {
        // Hashes are unsigned 32-bit: -1 is never a key, so it pads short sketches.
        query = query.bind(sketch.get(index).map_or(-1, |key| i64::from(*key)));
    }
    let mut stories = Vec::new();
    for (candidate, candidate_sketch, story) in query.fetch_all(&mut **transaction).await? {
        if Some(candidate) != except
            && !stories.contains(&story)
            && similarity::similarity(sketch, &similarity::decode(&candidate_sketch)) >= threshold
        {
            stories.push(story);
        }
    }
    Ok(stories)
}

/// Stores a document's sketch and lookup keys, replacing any it had. The keys'
/// primary key starts with the key, so old keys are deleted by value, from the
/// old sketch, rather than by a scan for the document.
async fn store_sketch(
    transaction: &mut Transaction<'_>,
    id: i64,
    sketch: &[u32],
    replacing: bool,
) -> Result<()> {
    if replacing {
        let old: Option<(Vec<u8>,)> =
            sqlx::query_as("SELECT sketch FROM document_sketches WHERE document_id = ?")
                .bind(id)
                .fetch_optional(&mut **transaction)
                .await?;
        if let Some((old,)) = old {
            for key in similarity::decode(&old).iter().take(similarity::KEYS) {
                sqlx::query("DELETE FROM sketch_keys WHERE key = ? AND document_id = ?")
                    .bind(i64::from(*key))
                    .bind(id)
                    .execute(&mut **transaction)
                    .await?;
            }
        }
    }
    sqlx::query("INSERT OR REPLACE INTO document_sketches (document_id, sketch) VALUES (?, ?)")
        .bind(id)
        .bind(similarity::encode(sketch))
        .execute(&mut **transaction)
        .await?;
    let keys = &sketch[..sketch.len().min(similarity::KEYS)];
    if keys.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT OR IGNORE INTO sketch_keys (key, document_id) VALUES {}",
        vec!["(?, ?)"; keys.len()].join(", ")
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for key in keys {
        query = query.bind(i64::from(*key)).bind(id);
    }
    query.execute(&mut **transaction).await?;
    Ok(())
}

/// Search-index rows waiting to be written. FTS5 flushes its in-memory index at
/// every statement savepoint, and every statement that may fail halfway opens
/// one; rows inserted one at a time between other statements would each become
/// a tiny index segment to merge later. So the rows of a batch are written at its
/// end, in one statement.
#[derive(Debug, Default)]
pub(crate) struct PendingIndex {
    rows: Vec<(i64, String, String)>,
}

impl PendingIndex {
    pub(crate) fn add(&mut self, id: i64, prepared: &PreparedDocument) {
        self.rows.push((id, prepared.document.title.clone(), prepared.body.clone()));
    }

    pub(crate) async fn write(self, transaction: &mut Transaction<'_>) -> Result<()> {
        // 3 parameters a row, well under SQLite's limit of 32,766 a statement.
        for rows in self.rows.chunks(1000) {
            let sql = format!(
                "INSERT INTO documents_fts (rowid, title, body) VALUES {}",
                vec!["(?, ?, ?)"; rows.len()].join(", ")
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for (id, title, body) in rows {
                query = query.bind(*id).bind(title.as_str()).bind(body.as_str());
            }
            query.execute(&mut **transaction).await?;
        }
        Ok(())
    }
}

/// The text the body column indexes: the dek and every block's text.
fn searchable_body(document: &Document) -> String {
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

async fn store_tags(transaction: &mut Transaction<'_>, document_id: i64, tags: &[String]) -> Result<()> {
    for tag in tags.iter().map(|tag| tag.trim()).filter(|tag| !tag.is_empty()) {
        sqlx::query("INSERT INTO tags (name) VALUES (?) ON CONFLICT (name) DO NOTHING")
            .bind(tag)
            .execute(&mut **transaction)
            .await?;
        sqlx::query(
            "INSERT INTO document_tags (document_id, tag_id) SELECT ?, id FROM tags WHERE name = ?
             ON CONFLICT DO NOTHING",
        )
        .bind(document_id)
        .bind(tag)
        .execute(&mut **transaction)
        .await?;
    }
    Ok(())
}

async fn record_item(
    transaction: &mut Transaction<'_>,
    run_id: i64,
    location: &str,
    outcome: &ItemOutcome,
) -> Result<()> {
    let error = match outcome {
        ItemOutcome::Failed(reason) => Some(reason.as_str()),
        ItemOutcome::Stored(_) => None,
    };
    sqlx::query(
        "INSERT INTO import_items (run_id, location, outcome, document_id, error) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(run_id)
    .bind(location)
    .bind(outcome.as_str())
    .bind(outcome.ids().first().copied())
    .bind(error)
    .execute(&mut **transaction)
    .await?;
    Ok(())
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

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The model as stored: JSON, zstd-compressed.
pub(crate) fn encode_model(document: &Document) -> Vec<u8> {
    let json = serde_json::to_vec(document).expect("a document always serialises");
    compress(&json)
}

/// zstd with one compression context per thread: creating a context costs more
/// than compressing a short article.
fn compress(bytes: &[u8]) -> Vec<u8> {
    thread_local! {
        static COMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> =
            const { std::cell::RefCell::new(None) };
    }
    COMPRESSOR.with_borrow_mut(|compressor| {
        if compressor.is_none() {
            *compressor = zstd::bulk::Compressor::new(COMPRESSION_LEVEL).ok();
        }
        compressor.as_mut().and_then(|compressor| compressor.compress(bytes).ok()).unwrap_or_else(|| {
            zstd::bulk::compress(bytes, COMPRESSION_LEVEL).expect("compressing into a Vec")
        })
    })
}

pub(crate) fn decode_model(id: i64, bytes: &[u8]) -> Result<Document> {
    let corrupt = |message: String| Error::Corrupt { id, message };
    let mut json = Vec::with_capacity(bytes.len() * 4);
    zstd::stream::read::Decoder::new(bytes)
        .and_then(|mut decoder| decoder.read_to_end(&mut json))
        .map_err(|error| corrupt(error.to_string()))?;
    serde_json::from_slice(&json).map_err(|error| corrupt(error.to_string()))
}

/// Decompresses original bytes stored by `store_original`.
pub(crate) fn decompress(data: &[u8], byte_length: usize) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(byte_length);
    zstd::stream::read::Decoder::new(data)?.read_to_end(&mut out)?;
    Ok(out)
}
