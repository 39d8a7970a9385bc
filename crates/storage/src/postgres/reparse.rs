//! `dossier reparse` on PostgreSQL: a page of stored documents with their first
//! source's original bytes, and writing the changed ones (see `crate::reparse`).

use super::Database;
use super::write::{ask, begin_writing, write};
use crate::Result;
use crate::plan::{Plan, Questions};
use crate::reparse::{Change, Recompression, Stored, StoredRow, Updated};

/// Up to `limit` documents after id `after`, in id order.
pub(crate) async fn reparse_page(database: &Database, after: i64, limit: i64) -> Result<Vec<Stored>> {
    let rows: Vec<StoredRow> = sqlx::query_as(
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
         WHERE d.id > $1 ORDER BY d.id LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(&database.pool)
    .await?;
    Ok(rows.into_iter().map(Stored::from).collect())
}

/// Writes the changed documents of one page in one transaction, under the writer lock.
pub(crate) async fn apply_reparse(
    database: &Database,
    changes: &[Change],
    story_threshold: f64,
) -> Result<Vec<(i64, Updated)>> {
    let mut transaction = begin_writing(&database.pool).await?;
    let answers = ask(&mut transaction, &Questions::of_changes(changes), story_threshold).await?;
    let (plan, outcomes) = Plan::reparse(changes, answers, story_threshold);
    write(&mut transaction, database, &plan, None).await?;
    transaction.commit().await?;
    Ok(outcomes)
}

/// Writes the models of one page compressed against their originals, in one
/// transaction; returns how many documents still held the model that was read.
pub(crate) async fn recompress(database: &Database, models: &[Recompression]) -> Result<usize> {
    let result = sqlx::query(
        "UPDATE documents d SET model = r.model, model_original = r.original
         FROM unnest($1::int8[], $2::bytea[], $3::text[], $4::bytea[]) AS r (id, model, original, stored)
         WHERE d.id = r.id AND d.model = r.stored AND d.model_original IS NULL",
    )
    .bind(models.iter().map(|model| model.id).collect::<Vec<_>>())
    .bind(models.iter().map(|model| model.model.as_slice()).collect::<Vec<_>>())
    .bind(models.iter().map(|model| model.original.as_str()).collect::<Vec<_>>())
    .bind(models.iter().map(|model| model.stored.as_slice()).collect::<Vec<_>>())
    .execute(&database.pool)
    .await?;
    Ok(result.rows_affected() as usize)
}
