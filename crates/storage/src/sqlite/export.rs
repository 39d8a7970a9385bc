//! What an export reads from a SQLite archive: pages of documents by id with
//! their tags and read state, titles, and every id a search matches.

use std::fmt::Write;

use sqlx::{Arguments, AssertSqlSafe, SqlitePool, sqlite::SqliteArguments};

use crate::Result;
use crate::export::ExportRow;
use crate::query::{Filters, Query, Term};

/// Documents with the `tags` of each: (document id, name), in each document's
/// `document_tags` order.
type Exported = (Vec<ExportRow>, Vec<(i64, String)>);

const DOCUMENT_COLUMNS: &str = "SELECT d.id, d.model, r.read_at IS NOT NULL
     FROM documents d LEFT JOIN reading_states r ON r.document_id = d.id";

pub(crate) async fn export_page(pool: &SqlitePool, after: i64, limit: u32) -> Result<Exported> {
    let rows: Vec<ExportRow> =
        sqlx::query_as(AssertSqlSafe(format!("{DOCUMENT_COLUMNS} WHERE d.id > ? ORDER BY d.id LIMIT ?")))
            .bind(after)
            .bind(i64::from(limit))
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

/// Every document `query` matches, in id order: the matches `sqlite::search`
/// finds (the same full-text expression and filters), without its ranking window.
pub(crate) async fn matching_ids(pool: &SqlitePool, query: &Query) -> Result<Vec<i64>> {
    let mut arguments = SqliteArguments::default();
    let mut sql = String::new();
    match match_expression(query) {
        Some(expression) => {
            // The full-text match is the narrower start (see `sqlite::search`).
            sql.push_str(
                "SELECT d.id FROM documents_fts CROSS JOIN documents d ON d.id = documents_fts.rowid
                 WHERE documents_fts MATCH ?",
            );
            add(&mut arguments, expression);
        }
        None => {
            sql.push_str("SELECT d.id FROM documents d WHERE 1");
            if let Some(excluded) = excluded(query) {
                sql.push_str(
                    " AND d.id NOT IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)",
                );
                add(&mut arguments, excluded);
            }
        }
    }
    push_filters(&mut sql, &mut arguments, &query.filters);
    sql.push_str(" ORDER BY d.id");
    let rows: Vec<(i64,)> = sqlx::query_as_with(AssertSqlSafe(sql), arguments).fetch_all(pool).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

fn add<T>(arguments: &mut SqliteArguments, value: T)
where
    T: for<'t> sqlx::Encode<'t, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    arguments.add(value).expect("binding a plain value cannot fail");
}

/// ` AND …` for each filter, as `sqlite::search` writes them. Destructured whole,
/// so that a filter added to the query syntax cannot be missed here.
fn push_filters(sql: &mut String, arguments: &mut SqliteArguments, filters: &Filters) {
    let Filters { sites, authors, language, tags, before, after } = filters;
    for site in sites {
        sql.push_str(" AND d.site = ? COLLATE NOCASE");
        add(arguments, site.clone());
    }
    for author in authors {
        sql.push_str(" AND d.authors LIKE '%' || ? || '%'");
        add(arguments, author.clone());
    }
    if let Some(language) = language {
        sql.push_str(" AND d.language = ?");
        add(arguments, language.clone());
    }
    for tag in tags {
        sql.push_str(
            " AND EXISTS (SELECT 1 FROM document_tags dt JOIN tags t ON t.id = dt.tag_id
                          WHERE dt.document_id = d.id AND t.name = ?)",
        );
        add(arguments, tag.clone());
    }
    if let Some(before) = before {
        sql.push_str(" AND d.published < ?");
        add(arguments, before.clone());
    }
    if let Some(after) = after {
        sql.push_str(" AND d.published >= ?");
        add(arguments, after.clone());
    }
}

/// The FTS5 expression for the required clauses, minus the excluded terms.
fn match_expression(query: &Query) -> Option<String> {
    if !query.has_text() {
        return None;
    }
    let mut expression = String::new();
    for (index, clause) in query.required.iter().enumerate() {
        if index > 0 {
            expression.push_str(" AND ");
        }
        expression.push('(');
        for (alternative, term) in clause.iter().enumerate() {
            if alternative > 0 {
                expression.push_str(" OR ");
            }
            push_term(&mut expression, term);
        }
        expression.push(')');
    }
    if let Some(excluded) = excluded(query) {
        let _ = write!(expression, " NOT ({excluded})");
    }
    Some(expression)
}

fn excluded(query: &Query) -> Option<String> {
    if query.excluded.is_empty() {
        return None;
    }
    let mut expression = String::new();
    for (index, term) in query.excluded.iter().enumerate() {
        if index > 0 {
            expression.push_str(" OR ");
        }
        push_term(&mut expression, term);
    }
    Some(expression)
}

/// Tokens are alphanumeric runs, so quoting them is enough to keep FTS5 syntax out.
fn push_term(expression: &mut String, term: &Term) {
    match term {
        Term::Phrase(words) => {
            let _ = write!(expression, "\"{}\"", words.join(" "));
        }
        Term::Prefix(prefix) => {
            let _ = write!(expression, "\"{prefix}\" *");
        }
    }
}
