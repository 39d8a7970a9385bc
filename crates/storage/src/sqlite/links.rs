//! SQLite queries behind `crate::links`.

use std::collections::HashSet;

use sqlx::SqlitePool;

use crate::Result;

pub(crate) async fn urls_with_text(pool: &SqlitePool, urls: &[String]) -> Result<HashSet<String>> {
    let list = serde_json::to_string(urls).expect("a list of strings serialises");
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT url FROM documents WHERE url IN (SELECT value FROM json_each(?1)) AND word_count > 0
         UNION
         SELECT s.location FROM sources s JOIN documents d ON d.id = s.document_id
         WHERE s.location IN (SELECT value FROM json_each(?1)) AND d.word_count > 0",
    )
    .bind(list)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(url,)| url).collect())
}

/// Web addresses whose latest outcome is a failure: one pass over the import
/// history, grouped by address.
pub(crate) async fn failed_fetches(pool: &SqlitePool) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT location FROM import_items
         WHERE location LIKE 'http://%' OR location LIKE 'https://%'
         GROUP BY location
         HAVING max(CASE WHEN outcome = 'failed' THEN id END)
                > coalesce(max(CASE WHEN outcome <> 'failed' THEN id END), 0)
         ORDER BY min(id)",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(url,)| url).collect())
}

/// The answers an import batch is planned from, asked in a read transaction
/// that is rolled back (`dossier import --dry-run`).
pub(crate) async fn preview_answers(
    pool: &SqlitePool,
    questions: &crate::plan::Questions<'_>,
    threshold: f64,
) -> Result<crate::plan::Answers> {
    let mut transaction = pool.begin().await?;
    let answers = super::write::ask(&mut transaction, questions, threshold).await?;
    transaction.rollback().await?;
    Ok(answers)
}
