//! The PostgreSQL writer: each batch of prepared items lands in one transaction.
//! See `crate::import` for the identity rules and what is prepared off the writer.
//!
//! Writers take turns: every writing transaction first takes one transaction-level
//! advisory lock, so two processes importing at once cannot both decide that a
//! document is new, or merge stories past each other. Readers never wait for it.
//! Documents are written one at a time, since whether one is new, a revision or
//! part of a story depends on the documents before it, even in the same batch;
//! everything else a batch writes (originals, sources, tags, import history) goes
//! in one multi-row statement per table at the end of the batch.

use sqlx::PgPool;

use super::Database;
use crate::import::{Change, ImportItem, ItemOutcome, ItemResult, PreparedDocument, StoredRef};
use crate::{Result, similarity};

pub(crate) type Transaction<'a> = sqlx::Transaction<'a, sqlx::Postgres>;

/// The advisory lock key that serialises writers across processes ("dossier" in ASCII).
const WRITER_LOCK: i64 = 0x0064_6f73_7369_6572;

/// Bodies longer than this are indexed up to here: a `tsvector` holds at most
/// 1 MiB of lexemes and positions, and a longer body would fail the whole batch.
const MAX_INDEXED_BODY: usize = 512 * 1024;

/// Starts an import run; items are recorded against it.
pub(crate) async fn begin_import(database: &Database) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as("INSERT INTO import_runs DEFAULT VALUES RETURNING id")
        .fetch_one(&database.pool)
        .await?;
    Ok(id)
}

/// Marks an import run finished.
pub(crate) async fn finish_import(database: &Database, run_id: i64) -> Result<()> {
    sqlx::query(
        "UPDATE import_runs SET finished_at = to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')
         WHERE id = $1",
    )
    .bind(run_id)
    .execute(&database.pool)
    .await?;
    Ok(())
}

/// Begins a writing transaction, waiting for other writers' turns to end.
pub(crate) async fn begin_writing(pool: &PgPool) -> Result<Transaction<'static>> {
    let mut transaction = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(WRITER_LOCK).execute(&mut *transaction).await?;
    Ok(transaction)
}

/// Rows a batch writes at its end, one statement per table, as columns (each
/// bound as one array and unnested).
#[derive(Default)]
struct PendingRows {
    original_sha256: Vec<String>,
    original_length: Vec<i64>,
    original_data: Vec<Vec<u8>>,
    source_document: Vec<i64>,
    source_location: Vec<String>,
    source_format: Vec<String>,
    source_position: Vec<i64>,
    source_sha256: Vec<String>,
    tag_document: Vec<i64>,
    tag_name: Vec<String>,
    item_location: Vec<String>,
    item_outcome: Vec<String>,
    item_document: Vec<Option<i64>>,
    item_error: Vec<Option<String>>,
}

/// Stores a batch of items in one transaction and reports each one's outcome.
pub(crate) async fn import_batch(
    database: &Database,
    story_threshold: f64,
    run_id: Option<i64>,
    items: Vec<ImportItem>,
) -> Result<Vec<ItemResult>> {
    let mut transaction = begin_writing(&database.pool).await?;
    let mut pending = PendingRows::default();
    let mut results = Vec::with_capacity(items.len());
    for item in items {
        let outcome = match &item.prepared {
            Err(reason) => ItemOutcome::Failed(reason.clone()),
            Ok(prepared) => {
                pending.original_sha256.push(prepared.original_sha256.clone());
                pending.original_length.push(prepared.original_length as i64);
                pending.original_data.push(prepared.original_compressed.clone());
                let mut refs = Vec::with_capacity(prepared.documents.len());
                for (position, document) in prepared.documents.iter().enumerate() {
                    let stored =
                        store_document(&mut transaction, database, document, story_threshold).await?;
                    for tag in
                        document.document.tags.iter().map(|tag| tag.trim()).filter(|tag| !tag.is_empty())
                    {
                        pending.tag_document.push(stored.id);
                        pending.tag_name.push(tag.to_owned());
                    }
                    pending.source_document.push(stored.id);
                    pending.source_location.push(item.location.clone());
                    pending.source_format.push(item.format.as_str().to_owned());
                    pending.source_position.push(position as i64);
                    pending.source_sha256.push(prepared.original_sha256.clone());
                    refs.push(stored);
                }
                ItemOutcome::Stored(refs)
            }
        };
        if run_id.is_some() {
            pending.item_location.push(item.location.clone());
            pending.item_outcome.push(outcome.as_str().to_owned());
            pending.item_document.push(outcome.ids().first().copied());
            pending.item_error.push(match &outcome {
                ItemOutcome::Failed(reason) => Some(reason.clone()),
                ItemOutcome::Stored(_) => None,
            });
        }
        results.push(ItemResult { location: item.location, outcome });
    }
    write_pending(&mut transaction, run_id, pending).await?;
    transaction.commit().await?;
    Ok(results)
}

async fn write_pending(
    transaction: &mut Transaction<'_>,
    run_id: Option<i64>,
    pending: PendingRows,
) -> Result<()> {
    if !pending.original_sha256.is_empty() {
        sqlx::query(
            "INSERT INTO originals (sha256, byte_length, compression, data)
             SELECT sha256, byte_length, 'zstd', data FROM unnest($1::text[], $2::int8[], $3::bytea[])
                 AS o (sha256, byte_length, data)
             ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(pending.original_sha256)
        .bind(pending.original_length)
        .bind(pending.original_data)
        .execute(&mut **transaction)
        .await?;
    }
    if !pending.tag_document.is_empty() {
        sqlx::query(
            "INSERT INTO tags (name) SELECT DISTINCT ON (lower(name)) name FROM unnest($1::text[]) AS t (name)
             ON CONFLICT ((lower(name))) DO NOTHING",
        )
        .bind(&pending.tag_name)
        .execute(&mut **transaction)
        .await?;
        sqlx::query(
            "INSERT INTO document_tags (document_id, tag_id)
             SELECT n.document_id, t.id FROM unnest($1::int8[], $2::text[]) AS n (document_id, name)
             JOIN tags t ON lower(t.name) = lower(n.name)
             ON CONFLICT DO NOTHING",
        )
        .bind(pending.tag_document)
        .bind(pending.tag_name)
        .execute(&mut **transaction)
        .await?;
    }
    if !pending.source_document.is_empty() {
        // In input order, so that source ids (which order a document's sources) follow it.
        sqlx::query(
            "INSERT INTO sources (document_id, location, format, position, original_sha256)
             SELECT document_id, location, format, position, sha256
             FROM unnest($1::int8[], $2::text[], $3::text[], $4::int8[], $5::text[])
                 WITH ORDINALITY AS s (document_id, location, format, position, sha256, ordinal)
             ORDER BY ordinal
             ON CONFLICT (document_id, location, original_sha256) DO NOTHING",
        )
        .bind(pending.source_document)
        .bind(pending.source_location)
        .bind(pending.source_format)
        .bind(pending.source_position)
        .bind(pending.source_sha256)
        .execute(&mut **transaction)
        .await?;
    }
    if let Some(run_id) = run_id.filter(|_| !pending.item_location.is_empty()) {
        sqlx::query(
            "INSERT INTO import_items (run_id, location, outcome, document_id, error)
             SELECT $1, location, outcome, document_id, error
             FROM unnest($2::text[], $3::text[], $4::int8[], $5::text[])
                 WITH ORDINALITY AS i (location, outcome, document_id, error, ordinal)
             ORDER BY ordinal",
        )
        .bind(run_id)
        .bind(pending.item_location)
        .bind(pending.item_outcome)
        .bind(pending.item_document)
        .bind(pending.item_error)
        .execute(&mut **transaction)
        .await?;
    }
    Ok(())
}

async fn store_document(
    transaction: &mut Transaction<'_>,
    database: &Database,
    prepared: &PreparedDocument,
    story_threshold: f64,
) -> Result<StoredRef> {
    let document = &prepared.document;
    // A known text (current or an earlier revision), else a document at the same URL.
    let known: Option<(i64, bool)> = sqlx::query_as(
        "(SELECT id, true FROM documents WHERE fingerprint = $1
          UNION ALL
          SELECT document_id, true FROM revisions WHERE fingerprint = $1
          LIMIT 1)
         UNION ALL
         (SELECT id, false FROM documents WHERE $2::text IS NOT NULL AND url = $2 ORDER BY id LIMIT 1)
         ORDER BY 2 DESC
         LIMIT 1",
    )
    .bind(&document.fingerprint)
    .bind(prepared.url())
    .fetch_optional(&mut **transaction)
    .await?;
    match known {
        Some((id, true)) => return Ok(StoredRef { id, change: Change::Present }),
        Some((id, false)) => {
            sqlx::query(
                "INSERT INTO revisions (document_id, fingerprint, model)
                 SELECT id, fingerprint, model FROM documents WHERE id = $1",
            )
            .bind(id)
            .execute(&mut **transaction)
            .await?;
            replace_document(transaction, database, id, prepared).await?;
            assign_story(transaction, id, prepared, story_threshold).await?;
            return Ok(StoredRef { id, change: Change::Revised });
        }
        None => {}
    }
    let stories = similar_stories(transaction, None, &prepared.sketch, story_threshold).await?;
    let config = database.config_for(document.language.as_deref());
    // The id is drawn first so that a document in a story of its own gets its own
    // id as its story in the same write.
    let (id,): (i64,) = sqlx::query_as(
        "WITH next AS (SELECT nextval(pg_get_serial_sequence('documents', 'id')) AS id)
         INSERT INTO documents (id, fingerprint, title, published, site, language, url, authors, excerpt,
                                word_count, story_id, model, search_config, search_vector)
         SELECT next.id, $1, $2, $3, $4, $5, $6, $7, $8, $9, coalesce($10, next.id), $11, $12,
                setweight(to_tsvector($12::regconfig, $2), 'A') || setweight(to_tsvector($12::regconfig, $13), 'B')
         FROM next
         RETURNING id",
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
    .bind(stories.iter().copied().min())
    .bind(&prepared.model)
    .bind(config)
    .bind(indexed_body(&prepared.body))
    .fetch_one(&mut **transaction)
    .await?;
    merge_stories(transaction, &stories).await?;
    store_sketch(transaction, id, &prepared.sketch, false).await?;
    Ok(StoredRef { id, change: Change::New })
}

pub(crate) fn indexed_body(body: &str) -> &str {
    if body.len() <= MAX_INDEXED_BODY {
        return body;
    }
    let mut end = MAX_INDEXED_BODY;
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    &body[..end]
}

/// Overwrites a stored document's current version (a revision, or a reparse),
/// with its search entry.
pub(crate) async fn replace_document(
    transaction: &mut Transaction<'_>,
    database: &Database,
    id: i64,
    prepared: &PreparedDocument,
) -> Result<()> {
    let document = &prepared.document;
    sqlx::query(
        "UPDATE documents SET fingerprint = $1, title = $2, published = $3, site = $4, language = $5, authors = $6,
                excerpt = $7, word_count = $8, model = $9, search_config = $10,
                search_vector = setweight(to_tsvector($10::regconfig, $2), 'A')
                             || setweight(to_tsvector($10::regconfig, $11), 'B')
         WHERE id = $12",
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
    .bind(database.config_for(document.language.as_deref()))
    .bind(indexed_body(&prepared.body))
    .bind(id)
    .execute(&mut **transaction)
    .await?;
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
    let (current,): (i64,) = sqlx::query_as("SELECT story_id FROM documents WHERE id = $1")
        .bind(id)
        .fetch_one(&mut **transaction)
        .await?;
    if current != 0 && !stories.contains(&current) {
        stories.push(current);
    }
    let story = stories.iter().copied().min().unwrap_or(id);
    sqlx::query("UPDATE documents SET story_id = $1 WHERE id = $2 AND story_id != $1")
        .bind(story)
        .bind(id)
        .execute(&mut **transaction)
        .await?;
    merge_stories(transaction, &stories).await?;
    store_sketch(transaction, id, &prepared.sketch, true).await
}

/// Merges `stories` into the smallest of them: a document that bridges stories
/// joins them.
async fn merge_stories(transaction: &mut Transaction<'_>, stories: &[i64]) -> Result<()> {
    let Some(story) = stories.iter().copied().min() else { return Ok(()) };
    let others: Vec<i64> = stories.iter().copied().filter(|other| *other != story).collect();
    if !others.is_empty() {
        sqlx::query("UPDATE documents SET story_id = $1 WHERE story_id = ANY($2)")
            .bind(story)
            .bind(others)
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
    let keys: Vec<i64> = sketch.iter().take(similarity::KEYS).map(|key| i64::from(*key)).collect();
    let candidates: Vec<(i64, Vec<u8>, i64)> = sqlx::query_as(
        "SELECT c.document_id, s.sketch, d.story_id
         FROM (SELECT DISTINCT per_key.document_id
               FROM unnest($1::int8[]) AS k (key)
               CROSS JOIN LATERAL (SELECT document_id FROM sketch_keys WHERE key = k.key
                                   ORDER BY document_id DESC LIMIT $2) per_key) c
         JOIN document_sketches s ON s.document_id = c.document_id
         JOIN documents d ON d.id = c.document_id",
    )
    .bind(keys)
    .bind(similarity::CANDIDATES_PER_KEY)
    .fetch_all(&mut **transaction)
    .await?;
    let mut stories = Vec::new();
    for (candidate, candidate_sketch, story) in candidates {
        if Some(candidate) != except
            && !stories.contains(&story)
            && similarity::similarity(sketch, &similarity::decode(&candidate_sketch)) >= threshold
        {
            stories.push(story);
        }
    }
    Ok(stories)
}

/// Stores a document's sketch and lookup keys, replacing any it had.
async fn store_sketch(
    transaction: &mut Transaction<'_>,
    id: i64,
    sketch: &[u32],
    replacing: bool,
) -> Result<()> {
    if replacing {
        let old: Option<(Vec<u8>,)> =
            sqlx::query_as("SELECT sketch FROM document_sketches WHERE document_id = $1")
                .bind(id)
                .fetch_optional(&mut **transaction)
                .await?;
        if let Some((old,)) = old {
            let old_keys: Vec<i64> =
                similarity::decode(&old).iter().take(similarity::KEYS).map(|key| i64::from(*key)).collect();
            sqlx::query("DELETE FROM sketch_keys WHERE key = ANY($1) AND document_id = $2")
                .bind(old_keys)
                .bind(id)
                .execute(&mut **transaction)
                .await?;
        }
    }
    let keys: Vec<i64> = sketch.iter().take(similarity::KEYS).map(|key| i64::from(*key)).collect();
    sqlx::query(
        "WITH sketch AS (
             INSERT INTO document_sketches (document_id, sketch) VALUES ($1, $2)
             ON CONFLICT (document_id) DO UPDATE SET sketch = excluded.sketch
         )
         INSERT INTO sketch_keys (key, document_id) SELECT key, $1 FROM unnest($3::int8[]) AS k (key)
         ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(similarity::encode(sketch))
    .bind(keys)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}
