//! `dossier reparse` on SQLite: a page of stored documents with their first
//! source's original bytes, and writing the changed ones (see `crate::reparse`).

use sqlx::{AssertSqlSafe, SqlitePool};

use super::search_index;
use super::write::{ask, write};
use crate::Result;
use crate::plan::{Plan, Questions};
use crate::reparse::{Change, Recompression, Stored, StoredRow, Updated};

/// Up to `limit` documents after id `after`, in id order.
pub(crate) async fn reparse_page(pool: &SqlitePool, after: i64, limit: i64) -> Result<Vec<Stored>> {
    let rows: Vec<StoredRow> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT d.id, d.fingerprint, d.story_id, d.model,
                d.model_original,
                CASE WHEN d.model_original <> s.original_sha256
                     THEN (SELECT data FROM originals WHERE sha256 = d.model_original) END,
                s.format, s.position, s.original_sha256, o.data, o.byte_length
         FROM documents d
         JOIN sources s ON s.id = coalesce(
             (SELECT max(id) FROM sources WHERE document_id = d.id AND sets_text),
             (SELECT min(id) FROM sources WHERE document_id = d.id))
         LEFT JOIN originals o ON o.sha256 = s.original_sha256
         WHERE d.id > ? ORDER BY d.id LIMIT {limit}"
    )))
    .bind(after)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Stored::from).collect())
}

/// Writes the changed documents of one page in one transaction.
pub(crate) async fn apply_reparse(
    pool: &SqlitePool,
    changes: &[Change],
    story_threshold: f64,
) -> Result<Vec<(i64, Updated)>> {
    let mut transaction = pool.begin_with("BEGIN IMMEDIATE").await?;
    let answers = ask(&mut transaction, &Questions::of_changes(changes), story_threshold).await?;
    let (plan, outcomes) = Plan::reparse(changes, answers, story_threshold);
    let rows = write(&mut transaction, &plan, None).await?;
    transaction.commit().await?;
    // The page's search rows, written before the next page is read.
    search_index::index_now(&mut *pool.acquire().await?, &rows).await?;
    Ok(outcomes)
}

/// Writes the models of one page compressed against their originals, in one
/// transaction; returns how many documents still held the model that was read.
pub(crate) async fn recompress(pool: &SqlitePool, models: &[Recompression]) -> Result<usize> {
    let mut transaction = pool.begin_with("BEGIN IMMEDIATE").await?;
    let mut written = 0;
    for model in models {
        written += sqlx::query(
            "UPDATE documents SET model = ?1, model_original = ?2
             WHERE id = ?3 AND model = ?4 AND model_original IS NULL",
        )
        .bind(&model.model)
        .bind(&model.original)
        .bind(model.id)
        .bind(&model.stored)
        .execute(&mut *transaction)
        .await?
        .rows_affected() as usize;
    }
    transaction.commit().await?;
    Ok(written)
}
