//! The SQLite writer: each batch of prepared items lands in one transaction. See
//! `crate::import` for the identity rules and what is prepared off the writer.

use std::sync::OnceLock;

use sqlx::{AssertSqlSafe, SqlitePool};

use crate::import::{Change, ImportItem, ItemOutcome, ItemResult, Prepared, PreparedDocument, StoredRef};
use crate::{Result, similarity};

/// Starts an import run; items are recorded against it.
pub(crate) async fn begin_import(pool: &SqlitePool) -> Result<i64> {
    let (id,): (i64,) =
        sqlx::query_as("INSERT INTO import_runs DEFAULT VALUES RETURNING id").fetch_one(pool).await?;
    Ok(id)
}

/// Marks an import run finished.
pub(crate) async fn finish_import(pool: &SqlitePool, run_id: i64) -> Result<()> {
    sqlx::query("UPDATE import_runs SET finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?")
        .bind(run_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Stores a batch of items in one transaction and reports each one's outcome.
pub(crate) async fn import_batch(
    pool: &SqlitePool,
    story_threshold: f64,
    run_id: Option<i64>,
    items: Vec<ImportItem>,
) -> Result<Vec<ItemResult>> {
    let mut transaction = pool.begin().await?;
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
                        store_document(&mut transaction, &mut index, document, story_threshold).await?;
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
