//! What an export reads from a PostgreSQL archive: pages of documents by id with
//! their tags and read state, and titles (every id a search matches is
//! `search::matching_ids`). Mirrors `sqlite::export`.

use sqlx::PgPool;

use crate::Result;
use crate::export::ExportRow;

/// Documents with the `tags` of each: (document id, name), in each document's
/// `document_tags` order.
type Exported = (Vec<ExportRow>, Vec<(i64, String)>);

pub(crate) async fn export_page(pool: &PgPool, after: i64, limit: u32) -> Result<Exported> {
    let rows: Vec<ExportRow> = sqlx::query_as(
        "SELECT d.id, d.model, (SELECT data FROM originals WHERE sha256 = d.model_original), r.read_at IS NOT NULL
         FROM documents d LEFT JOIN reading_states r ON r.document_id = d.id
         WHERE d.id > $1 ORDER BY d.id LIMIT $2",
    )
    .bind(after)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    let tags = tags(pool, &rows).await?;
    Ok((rows, tags))
}

pub(crate) async fn export_documents(pool: &PgPool, ids: &[i64]) -> Result<Exported> {
    let rows: Vec<ExportRow> = sqlx::query_as(
        "SELECT d.id, d.model, (SELECT data FROM originals WHERE sha256 = d.model_original), r.read_at IS NOT NULL
         FROM documents d LEFT JOIN reading_states r ON r.document_id = d.id
         WHERE d.id = ANY($1::int8[]) ORDER BY d.id",
    )
    .bind(ids)
    .fetch_all(pool)
    .await?;
    let tags = tags(pool, &rows).await?;
    Ok((rows, tags))
}

async fn tags(pool: &PgPool, rows: &[ExportRow]) -> Result<Vec<(i64, String)>> {
    let ids: Vec<i64> = rows.iter().map(|(id, ..)| *id).collect();
    Ok(sqlx::query_as(
        "SELECT dt.document_id, t.name FROM document_tags dt JOIN tags t ON t.id = dt.tag_id
         WHERE dt.document_id = ANY($1::int8[]) ORDER BY dt.document_id, lower(t.name)",
    )
    .bind(ids)
    .fetch_all(pool)
    .await?)
}

pub(crate) async fn document_titles(pool: &PgPool, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as("SELECT id, title FROM documents WHERE id = ANY($1::int8[]) ORDER BY id")
        .bind(ids)
        .fetch_all(pool)
        .await?)
}
