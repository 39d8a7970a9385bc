//! Reading a PostgreSQL archive back: the library listing, one document with its
//! sources, and the original bytes behind a source.

use sqlx::PgPool;

use crate::read::{self as shared, DocumentSummary, Revision, SourceRow, StoredDocument};
use crate::{Error, Result};

/// Documents, most recently added first.
pub(crate) async fn list_documents(pool: &PgPool, limit: u32, offset: u32) -> Result<Vec<DocumentSummary>> {
    let rows: Vec<shared::SummaryRow> = sqlx::query_as(
        "SELECT d.id, d.title, d.published, d.site, d.excerpt, d.word_count, d.added_at,
                (SELECT s.location FROM sources s WHERE s.document_id = d.id ORDER BY s.id LIMIT 1) AS first_location
         FROM documents d
         ORDER BY d.added_at DESC, d.id DESC
         LIMIT $1 OFFSET $2",
    )
    .bind(i64::from(limit))
    .bind(i64::from(offset))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(shared::summary).collect())
}

pub(crate) async fn count_documents(pool: &PgPool) -> Result<i64> {
    let (count,): (i64,) = sqlx::query_as("SELECT count(*) FROM documents").fetch_one(pool).await?;
    Ok(count)
}

/// One document with its sources; `Error::NotFound` when there is none.
pub(crate) async fn document(pool: &PgPool, id: i64) -> Result<StoredDocument> {
    let row: Option<shared::DocumentRow> = sqlx::query_as(
        "SELECT d.model, o.data, d.added_at, d.story_id
         FROM documents d LEFT JOIN originals o ON o.sha256 = d.model_original WHERE d.id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    let row = row.ok_or(Error::NotFound(id))?;
    let sources: Vec<SourceRow> = sqlx::query_as(
        "SELECT location, format, original_sha256, imported_at FROM sources WHERE document_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    shared::stored_document(id, row, sources)
}

/// The ids of a story's documents, oldest first.
pub(crate) async fn story_members(pool: &PgPool, story: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as("SELECT id FROM documents WHERE story_id = $1 ORDER BY id")
        .bind(story)
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Earlier versions of a document, oldest first.
pub(crate) async fn revisions(pool: &PgPool, id: i64) -> Result<Vec<Revision>> {
    let rows: Vec<shared::RevisionRow> = sqlx::query_as(
        "SELECT r.model, o.data, r.superseded_at
         FROM revisions r LEFT JOIN originals o ON o.sha256 = r.model_original
         WHERE r.document_id = $1 ORDER BY r.id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    shared::revisions(id, rows)
}

/// The original bytes stored under a content hash, as they were imported.
pub(crate) async fn original(pool: &PgPool, sha256: &str) -> Result<Option<Vec<u8>>> {
    let row: Option<(Vec<u8>, i64)> =
        sqlx::query_as("SELECT data, byte_length FROM originals WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(pool)
            .await?;
    row.map(shared::original).transpose()
}
