//! What an export reads from a SQLite archive: pages of documents by id with
//! their tags and read state, and titles (every id a search matches is
//! `search::matching_ids`).

use sqlx::{AssertSqlSafe, SqlitePool};

use crate::Result;
use crate::export::ExportRow;

/// Documents with the `tags` of each: (document id, name), in each document's
/// `document_tags` order.
type Exported = (Vec<ExportRow>, Vec<(i64, String)>);

const DOCUMENT_COLUMNS: &str = "SELECT d.id, d.model, (SELECT data FROM originals WHERE sha256 = d.model_original), r.read_at IS NOT NULL
     FROM documents d LEFT JOIN reading_states r ON r.document_id = d.id";

pub(crate) async fn export_page(pool: &SqlitePool, after: i64, limit: u32) -> Result<Exported> {
    let rows: Vec<ExportRow> =
        // The limit is written into the statement: see the module documentation of `sqlite`.
        sqlx::query_as(AssertSqlSafe(format!("{DOCUMENT_COLUMNS} WHERE d.id > ? ORDER BY d.id LIMIT {limit}")))
            .bind(after)
            .fetch_all(pool)
            .await?;
    let tags = tags(pool, &rows).await?;
    Ok((rows, tags))
}

pub(crate) async fn export_documents(pool: &SqlitePool, ids: &[i64]) -> Result<Exported> {
    let rows: Vec<ExportRow> = sqlx::query_as(AssertSqlSafe(format!(
        "{DOCUMENT_COLUMNS} WHERE d.id IN (SELECT value FROM json_each(?)) ORDER BY d.id"
    )))
    .bind(ids_json(ids))
    .fetch_all(pool)
    .await?;
    let tags = tags(pool, &rows).await?;
    Ok((rows, tags))
}

async fn tags(pool: &SqlitePool, rows: &[ExportRow]) -> Result<Vec<(i64, String)>> {
    let ids: Vec<i64> = rows.iter().map(|(id, ..)| *id).collect();
    // `tags.name` is `COLLATE NOCASE`: ordered as `document_tags` orders them.
    Ok(sqlx::query_as(
        "SELECT dt.document_id, t.name FROM document_tags dt JOIN tags t ON t.id = dt.tag_id
         WHERE dt.document_id IN (SELECT value FROM json_each(?)) ORDER BY dt.document_id, t.name",
    )
    .bind(ids_json(&ids))
    .fetch_all(pool)
    .await?)
}

pub(crate) async fn document_titles(pool: &SqlitePool, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, title FROM documents WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
    )
    .bind(ids_json(ids))
    .fetch_all(pool)
    .await?)
}

fn ids_json(ids: &[i64]) -> String {
    serde_json::to_string(ids).expect("a list of numbers is JSON")
}
