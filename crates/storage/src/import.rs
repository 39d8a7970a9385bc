//! Writing imports: each batch of parsed items lands in one transaction, so a
//! document is stored whole (with its source and original bytes) or not at all.

use std::io::Read;

use dossier_core::{Document, Format};
use sha2::{Digest, Sha256};

use crate::{Result, Store};

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
    /// New documents were stored; their ids.
    Imported(Vec<i64>),
    /// Every document was already in the archive (by fingerprint); their ids.
    Present(Vec<i64>),
    Failed(String),
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
                    let mut new_ids = Vec::new();
                    let mut present_ids = Vec::new();
                    for document in documents {
                        let (id, is_new) = store_document(&mut transaction, document).await?;
                        if is_new {
                            new_ids.push(id);
                        } else {
                            present_ids.push(id);
                        }
                        sqlx::query(
                            "INSERT INTO sources (document_id, location, format, original_sha256) VALUES (?, ?, ?, ?)
                             ON CONFLICT (document_id, location, original_sha256) DO NOTHING",
                        )
                        .bind(id)
                        .bind(&item.location)
                        .bind(item.format.as_str())
                        .bind(&original_sha256)
                        .execute(&mut *transaction)
                        .await?;
                    }
                    if new_ids.is_empty() {
                        ItemOutcome::Present(present_ids)
                    } else {
                        new_ids.extend(present_ids);
                        ItemOutcome::Imported(new_ids)
                    }
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

type Transaction<'a> = sqlx::Transaction<'a, sqlx::Sqlite>;

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

/// Returns the document's id and whether it is new to the archive.
async fn store_document(transaction: &mut Transaction<'_>, document: &Document) -> Result<(i64, bool)> {
    let existing: Option<(i64,)> = sqlx::query_as("SELECT id FROM documents WHERE fingerprint = ?")
        .bind(&document.fingerprint)
        .fetch_optional(&mut **transaction)
        .await?;
    if let Some((id,)) = existing {
        return Ok((id, false));
    }
    let model = serde_json::to_string(document).map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO documents (fingerprint, title, published, site, language, url, excerpt, word_count, model)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&document.fingerprint)
    .bind(&document.title)
    .bind(&document.published)
    .bind(&document.site)
    .bind(&document.language)
    .bind(document.canonical_url.as_ref().or(document.url.as_ref()))
    .bind(excerpt(document))
    .bind(document.word_count as i64)
    .bind(model)
    .fetch_one(&mut **transaction)
    .await?;
    Ok((id, true))
}

async fn record_item(
    transaction: &mut Transaction<'_>,
    run_id: i64,
    location: &str,
    outcome: &ItemOutcome,
) -> Result<()> {
    let (name, document_id, error) = match outcome {
        ItemOutcome::Imported(ids) => ("imported", ids.first().copied(), None),
        ItemOutcome::Present(ids) => ("present", ids.first().copied(), None),
        ItemOutcome::Failed(reason) => ("failed", None, Some(reason.as_str())),
    };
    sqlx::query(
        "INSERT INTO import_items (run_id, location, outcome, document_id, error) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(run_id)
    .bind(location)
    .bind(name)
    .bind(document_id)
    .bind(error)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

/// The first paragraph (or the description), cut at a word boundary near 280 characters.
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

/// Decompresses original bytes stored by `store_original`.
pub(crate) fn decompress(data: &[u8], byte_length: usize) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(byte_length);
    zstd::stream::read::Decoder::new(data)?.read_to_end(&mut out)?;
    Ok(out)
}
