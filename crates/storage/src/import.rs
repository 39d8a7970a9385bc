//! Writing imports: each batch of parsed items lands in one transaction, so a
//! document is stored whole (with its source, original bytes, tags and search
//! entry) or not at all.
//!
//! Identity: a document is the same document when its fingerprint (normalised
//! text) matches a stored one or an earlier revision of one; when its URL matches
//! a stored document but the text differs, it becomes that document's new revision.

use std::io::Read;

use dossier_core::{Document, Format};
use sha2::{Digest, Sha256};

use crate::{Result, Store, similarity};

/// One input as the importer read and parsed it.
#[derive(Debug)]
pub struct ImportItem {
    /// A path or URL, as the user would recognise it.
    pub location: String,
    pub format: Format,
    /// The input's original bytes, kept so that it can be parsed again later.
    pub bytes: Vec<u8>,
    /// The documents parsed from it, or why none could be.
    pub parsed: Result<Vec<Document>, String>,
}

impl ImportItem {
    /// Detects the format of `bytes` (by `name`'s ending and the content) and parses them.
    pub fn parse(location: String, name: Option<&str>, bytes: Vec<u8>) -> ImportItem {
        let format = dossier_core::detect_format(name, &bytes);
        let parsed = dossier_core::parse(&bytes, format).map_err(|error| error.to_string());
        ImportItem { location, format, bytes, parsed }
    }

    /// An item that could not even be read.
    pub fn failed(location: String, reason: String) -> ImportItem {
        ImportItem { location, format: Format::Text, bytes: Vec::new(), parsed: Err(reason) }
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
        let mut results = Vec::with_capacity(items.len());
        for item in items {
            let outcome = match &item.parsed {
                Err(reason) => ItemOutcome::Failed(reason.clone()),
                Ok(documents) => {
                    let original_sha256 = store_original(&mut transaction, &item.bytes).await?;
                    let mut refs = Vec::with_capacity(documents.len());
                    for (position, document) in documents.iter().enumerate() {
                        let stored = store_document(&mut transaction, document).await?;
                        if stored.change != Change::Present {
                            assign_story(&mut transaction, stored.id, document, self.story_threshold).await?;
                        }
                        store_tags(&mut transaction, stored.id, &document.tags).await?;
                        sqlx::query(
                            "INSERT INTO sources (document_id, location, format, position, original_sha256) VALUES (?, ?, ?, ?, ?)
                             ON CONFLICT (document_id, location, original_sha256) DO NOTHING",
                        )
                        .bind(stored.id)
                        .bind(&item.location)
                        .bind(item.format.as_str())
                        .bind(position as i64)
                        .bind(&original_sha256)
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
        transaction.commit().await?;
        Ok(results)
    }
}

pub(crate) type Transaction<'a> = sqlx::Transaction<'a, sqlx::Sqlite>;

async fn store_original(transaction: &mut Transaction<'_>, bytes: &[u8]) -> Result<String> {
    let sha256 = sha256_hex(bytes);
    let exists: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM originals WHERE sha256 = ?")
        .bind(&sha256)
        .fetch_optional(&mut **transaction)
        .await?;
    if exists.is_none() {
        let compressed =
            zstd::bulk::compress(bytes, 9).map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
        sqlx::query(
            "INSERT INTO originals (sha256, byte_length, compression, data) VALUES (?, ?, 'zstd', ?)",
        )
        .bind(&sha256)
        .bind(bytes.len() as i64)
        .bind(compressed)
        .execute(&mut **transaction)
        .await?;
    }
    Ok(sha256)
}

async fn store_document(transaction: &mut Transaction<'_>, document: &Document) -> Result<StoredRef> {
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
    let model = serde_json::to_string(document).map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
    let url = document.canonical_url.as_ref().or(document.url.as_ref());
    let same_url: Option<(i64,)> = match url {
        Some(url) => {
            sqlx::query_as("SELECT id FROM documents WHERE url = ? ORDER BY id LIMIT 1")
                .bind(url)
                .fetch_optional(&mut **transaction)
                .await?
        }
        None => None,
    };
    if let Some((id,)) = same_url {
        sqlx::query("INSERT INTO revisions (document_id, fingerprint, model) SELECT id, fingerprint, model FROM documents WHERE id = ?")
            .bind(id)
            .execute(&mut **transaction)
            .await?;
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
        .bind(excerpt(document))
        .bind(document.word_count as i64)
        .bind(&model)
        .bind(id)
        .execute(&mut **transaction)
        .await?;
        sqlx::query("DELETE FROM documents_fts WHERE rowid = ?").bind(id).execute(&mut **transaction).await?;
        index_document(transaction, id, document).await?;
        return Ok(StoredRef { id, change: Change::Revised });
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO documents (fingerprint, title, published, site, language, url, authors, excerpt, word_count, model)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&document.fingerprint)
    .bind(&document.title)
    .bind(&document.published)
    .bind(&document.site)
    .bind(&document.language)
    .bind(url)
    .bind(document.authors.join("; "))
    .bind(excerpt(document))
    .bind(document.word_count as i64)
    .bind(model)
    .fetch_one(&mut **transaction)
    .await?;
    index_document(transaction, id, document).await?;
    Ok(StoredRef { id, change: Change::New })
}

/// Puts a new or revised document into the story of the stored documents it is
/// similar to, merging their stories if it bridges several, or starts its own.
pub(crate) async fn assign_story(
    transaction: &mut Transaction<'_>,
    id: i64,
    document: &Document,
    threshold: f64,
) -> Result<()> {
    let sketch = similarity::sketch(document);
    sqlx::query("DELETE FROM sketch_keys WHERE document_id = ?").bind(id).execute(&mut **transaction).await?;
    let mut stories: Vec<i64> = Vec::new();
    let mut examined: Vec<i64> = vec![id];
    for key in sketch.iter().take(similarity::KEYS) {
        let candidates: Vec<(i64, Vec<u8>, i64)> = sqlx::query_as(
            "SELECT k.document_id, s.sketch, d.story_id FROM sketch_keys k
             JOIN document_sketches s ON s.document_id = k.document_id
             JOIN documents d ON d.id = k.document_id
             WHERE k.key = ? ORDER BY k.document_id DESC LIMIT ?",
        )
        .bind(i64::from(*key))
        .bind(similarity::CANDIDATES_PER_KEY)
        .fetch_all(&mut **transaction)
        .await?;
        for (candidate, candidate_sketch, story) in candidates {
            if examined.contains(&candidate) {
                continue;
            }
            examined.push(candidate);
            if similarity::similarity(&sketch, &similarity::decode(&candidate_sketch)) >= threshold
                && !stories.contains(&story)
            {
                stories.push(story);
            }
        }
    }
    let current: (i64,) = sqlx::query_as("SELECT story_id FROM documents WHERE id = ?")
        .bind(id)
        .fetch_one(&mut **transaction)
        .await?;
    if current.0 != 0 && !stories.contains(&current.0) {
        stories.push(current.0);
    }
    let story = stories.iter().copied().min().unwrap_or(id);
    sqlx::query("UPDATE documents SET story_id = ? WHERE id = ?")
        .bind(story)
        .bind(id)
        .execute(&mut **transaction)
        .await?;
    for other in stories.iter().filter(|other| **other != story) {
        sqlx::query("UPDATE documents SET story_id = ? WHERE story_id = ?")
            .bind(story)
            .bind(other)
            .execute(&mut **transaction)
            .await?;
    }
    sqlx::query("INSERT OR REPLACE INTO document_sketches (document_id, sketch) VALUES (?, ?)")
        .bind(id)
        .bind(similarity::encode(&sketch))
        .execute(&mut **transaction)
        .await?;
    for key in sketch.iter().take(similarity::KEYS) {
        sqlx::query("INSERT OR IGNORE INTO sketch_keys (key, document_id) VALUES (?, ?)")
            .bind(i64::from(*key))
            .bind(id)
            .execute(&mut **transaction)
            .await?;
    }
    Ok(())
}

pub(crate) async fn index_document(
    transaction: &mut Transaction<'_>,
    id: i64,
    document: &Document,
) -> Result<()> {
    sqlx::query("INSERT INTO documents_fts (rowid, title, body) VALUES (?, ?, ?)")
        .bind(id)
        .bind(&document.title)
        .bind(searchable_body(document))
        .execute(&mut **transaction)
        .await?;
    Ok(())
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
pub(crate) fn excerpt(document: &Document) -> String {
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

/// Decompresses original bytes stored by `store_original`.
pub(crate) fn decompress(data: &[u8], byte_length: usize) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(byte_length);
    zstd::stream::read::Decoder::new(data)?.read_to_end(&mut out)?;
    Ok(out)
}
