//! What an export reads from a PostgreSQL archive: pages of documents by id with
//! their tags and read state, titles, and every id a search matches. Mirrors
//! `sqlite::export`.

use std::fmt::Write;

use sqlx::postgres::PgArguments;
use sqlx::{Arguments, AssertSqlSafe, PgPool};

use super::Database;
use crate::Result;
use crate::export::ExportRow;
use crate::query::{Filters, Query, Term};

/// Documents with the `tags` of each: (document id, name), in each document's
/// `document_tags` order.
type Exported = (Vec<ExportRow>, Vec<(i64, String)>);

pub(crate) async fn export_page(pool: &PgPool, after: i64, limit: u32) -> Result<Exported> {
    let rows: Vec<ExportRow> = sqlx::query_as(
        "SELECT d.id, d.model, r.read_at IS NOT NULL
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
        "SELECT d.id, d.model, r.read_at IS NOT NULL
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

/// Every document `query` matches, in id order: the matches `postgres::search`
/// finds (the same `tsquery` in every configuration, the same filters), without
/// its ranking window.
pub(crate) async fn matching_ids(database: &Database, query: &Query) -> Result<Vec<i64>> {
    let (required, excluded) = tsqueries(database, query).await?;
    if query.has_text() && required.is_none() {
        // Every word is a stop word in every configuration: nothing can match.
        return Ok(Vec::new());
    }
    let mut sql = Sql::default();
    let mut condition = String::from("TRUE");
    if let Some(required) = required {
        let _ = write!(condition, " AND d.search_vector @@ {}::tsquery", sql.bind(required));
    }
    if let Some(excluded) = excluded {
        let _ = write!(condition, " AND NOT (d.search_vector @@ {}::tsquery)", sql.bind(excluded));
    }
    push_filters(&mut condition, &mut sql, &query.filters);
    sql.text = format!("SELECT d.id FROM documents d WHERE {condition} ORDER BY d.id");
    let rows: Vec<(i64,)> =
        sqlx::query_as_with(AssertSqlSafe(sql.text), sql.arguments).fetch_all(&database.pool).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// SQL text with its arguments, numbered as they are bound.
#[derive(Default)]
struct Sql {
    text: String,
    arguments: PgArguments,
    count: usize,
}

impl Sql {
    /// Binds `value` and returns its placeholder.
    fn bind<T>(&mut self, value: T) -> String
    where
        T: for<'t> sqlx::Encode<'t, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> + Send,
    {
        self.arguments.add(value).expect("binding a plain value cannot fail");
        self.count += 1;
        format!("${}", self.count)
    }
}

/// ` AND …` for each filter, as `postgres::search` writes them. Destructured
/// whole, so that a filter added to the query syntax cannot be missed here.
fn push_filters(condition: &mut String, sql: &mut Sql, filters: &Filters) {
    let Filters { sites, authors, language, tags, before, after } = filters;
    for site in sites {
        let _ = write!(condition, " AND lower(d.site) = lower({})", sql.bind(site.clone()));
    }
    for author in authors {
        let _ = write!(condition, " AND strpos(lower(d.authors), lower({})) > 0", sql.bind(author.clone()));
    }
    if let Some(language) = language {
        let _ = write!(condition, " AND d.language = {}", sql.bind(language.clone()));
    }
    for tag in tags {
        let _ = write!(
            condition,
            " AND EXISTS (SELECT 1 FROM document_tags dt JOIN tags t ON t.id = dt.tag_id
                          WHERE dt.document_id = d.id AND lower(t.name) = lower({}))",
            sql.bind(tag.clone())
        );
    }
    if let Some(before) = before {
        let _ = write!(condition, " AND d.published < {}", sql.bind(before.clone()));
    }
    if let Some(after) = after {
        let _ = write!(condition, " AND d.published >= {}", sql.bind(after.clone()));
    }
}

/// The required and the excluded parts of `query` as `tsquery` text, built in every
/// text search configuration as `postgres::search` builds them (see there).
async fn tsqueries(database: &Database, query: &Query) -> Result<(Option<String>, Option<String>)> {
    if !query.has_text() && query.excluded.is_empty() {
        return Ok((None, None));
    }
    let mut sql = Sql::default();
    let configs = sql.bind(database.configs().to_vec());
    let mut required = String::new();
    for (index, clause) in query.required.iter().enumerate() {
        if index > 0 {
            required.push_str(" && ");
        }
        required.push('(');
        for (alternative, term) in clause.iter().enumerate() {
            if alternative > 0 {
                required.push_str(" || ");
            }
            required.push_str(&term_sql(term, &mut sql));
        }
        required.push(')');
    }
    if required.is_empty() {
        required.push_str("''::tsquery");
    }
    let mut excluded = String::new();
    for (index, term) in query.excluded.iter().enumerate() {
        if index > 0 {
            excluded.push_str(" || ");
        }
        excluded.push_str(&term_sql(term, &mut sql));
    }
    if excluded.is_empty() {
        excluded.push_str("''::tsquery");
    }
    sql.text = format!(
        "SELECT string_agg(DISTINCT '(' || required::text || ')', ' | ') FILTER (WHERE numnode(required) > 0),
                string_agg(DISTINCT '(' || excluded::text || ')', ' | ') FILTER (WHERE numnode(excluded) > 0)
         FROM unnest({configs}::text[]) AS c (name)
         CROSS JOIN LATERAL (SELECT {required} AS required, {excluded} AS excluded
                             FROM (SELECT c.name::regconfig AS config) config) built"
    );
    let row: (Option<String>, Option<String>) =
        sqlx::query_as_with(AssertSqlSafe(sql.text), sql.arguments).fetch_one(&database.pool).await?;
    Ok(row)
}

/// One term as a `tsquery` expression in the configuration `config.config`.
/// Tokens are alphanumeric runs (see `query::tokens`), so a prefix token with
/// `:*` appended holds no `tsquery` operator.
fn term_sql(term: &Term, sql: &mut Sql) -> String {
    match term {
        Term::Phrase(words) if words.len() == 1 => {
            format!("plainto_tsquery(config.config, {})", sql.bind(words[0].clone()))
        }
        Term::Phrase(words) => format!("phraseto_tsquery(config.config, {})", sql.bind(words.join(" "))),
        Term::Prefix(prefix) => format!("to_tsquery(config.config, {})", sql.bind(format!("{prefix}:*"))),
    }
}
