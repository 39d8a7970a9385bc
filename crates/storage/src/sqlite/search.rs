//! Search on SQLite: FTS5 with BM25, the title weighted above the body.
//!
//! BM25 in FTS5 scores every match before sorting, so a query whose rarest
//! required term is in very many documents would cost time in proportion to the
//! archive. The planner reads each term's document count first (the
//! `documents_fts_terms` vocabulary) and, when the estimate exceeds the ranking
//! window, ranks only the most recent documents in which about that many matches
//! are expected.

use std::fmt::Write;

use sqlx::{Arguments, AssertSqlSafe, SqlitePool, sqlite::SqliteArguments};

use crate::query::{Query, Term};
use crate::search::{FacetGroup, HitRow, SearchRequest, SearchResults, SortOrder, TITLE_WEIGHT};
use crate::{Result, search};

pub(crate) async fn search(
    pool: &SqlitePool,
    ranking_window: i64,
    query: &Query,
    request: &SearchRequest,
) -> Result<SearchResults> {
    let plan = plan(pool, ranking_window, query, request.sort).await?;

    // The page is chosen first, from ids and scores alone, and only its rows are
    // read whole: the sorter never carries the stored models of every match.
    let mut arguments = SqliteArguments::default();
    let mut sql =
        String::from("SELECT d.id, d.title, d.site, d.published, d.language, d.model, page.score FROM (");
    if plan.match_expression.is_some() {
        sql.push_str(
            "SELECT documents_fts.rowid AS id, -bm25(documents_fts, ?, 1.0) AS score FROM documents_fts",
        );
        add(&mut arguments, TITLE_WEIGHT);
        if query.filters.is_empty() && request.sort == SortOrder::Relevance {
            sql.push_str(&where_clause(query, &plan, &mut arguments));
            sql.push_str(" ORDER BY score DESC, documents_fts.rowid DESC");
        } else {
            sql.push_str(FROM_MATCHES_TO_DOCUMENTS);
            sql.push_str(&where_clause(query, &plan, &mut arguments));
            sql.push_str(order(request.sort, true));
        }
    } else {
        sql.push_str("SELECT d.id AS id, 0.0 AS score FROM documents d");
        sql.push_str(&where_clause(query, &plan, &mut arguments));
        sql.push_str(order(request.sort, false));
    }
    // Written into the statement, not bound: see the module documentation of `sqlite`.
    sql.push_str(&format!(
        " LIMIT {} OFFSET {}) page JOIN documents d ON d.id = page.id",
        request.limit.min(1000),
        request.offset
    ));
    sql.push_str(
        order(request.sort, plan.match_expression.is_some()).replace("score", "page.score").as_str(),
    );

    let rows: Vec<HitRow> = sqlx::query_as_with(AssertSqlSafe(sql), arguments).fetch_all(pool).await?;
    let hits = search::hits(rows, query)?;

    let (total, facets) = count_and_facets(pool, query, &plan).await?;
    Ok(SearchResults { hits, total, exhaustive: plan.window_start.is_none(), facets })
}

/// The matches, then what filters, sorts and counts read of their documents
/// (`document_filters`: narrow rows, where `documents` rows carry the model), in
/// that order. A CROSS JOIN keeps SQLite from starting at a filter's index (say,
/// every English document) and probing the full-text index once for each row:
/// the full-text match is always the narrower start.
const FROM_MATCHES: &str = "FROM documents_fts CROSS JOIN document_filters d ON d.id = documents_fts.rowid";
const FROM_MATCHES_TO_DOCUMENTS: &str = " CROSS JOIN document_filters d ON d.id = documents_fts.rowid";

/// ` ORDER BY …` for `sort`; relevance means the score only when there is one.
fn order(sort: SortOrder, scored: bool) -> &'static str {
    match sort {
        SortOrder::Relevance if scored => " ORDER BY score DESC, d.id DESC",
        SortOrder::Relevance | SortOrder::Added => " ORDER BY d.added_at DESC, d.id DESC",
        SortOrder::Published => " ORDER BY d.published IS NULL, d.published DESC, d.id DESC",
    }
}

async fn plan(pool: &SqlitePool, ranking_window: i64, query: &Query, sort: SortOrder) -> Result<Plan> {
    let Some(match_expression) = match_expression(query) else {
        return Ok(Plan {
            match_expression: None,
            window_start: None,
            excluded_expression: excluded(query),
            estimate: 0,
        });
    };
    let estimate = estimate_matches(pool, query).await?;
    // Sorting by date reads matches in index order and stops early; only
    // relevance ranking needs every match scored.
    let window_start = if estimate > ranking_window && sort == SortOrder::Relevance {
        let total = super::count_documents(pool).await?.max(1);
        let documents_in_window = (ranking_window as f64 * total as f64 / estimate as f64).ceil() as i64;
        let start: Option<(i64,)> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT id FROM documents ORDER BY id DESC LIMIT 1 OFFSET {documents_in_window}"
        )))
        .fetch_optional(pool)
        .await?;
        start.map(|(id,)| id)
    } else {
        None
    };
    Ok(Plan { match_expression: Some(match_expression), window_start, excluded_expression: None, estimate })
}

/// An upper bound on the matches: the smallest document count of a required clause.
async fn estimate_matches(pool: &SqlitePool, query: &Query) -> Result<i64> {
    let mut estimate = i64::MAX;
    for clause in &query.required {
        let mut clause_count = 0i64;
        for term in clause {
            clause_count = clause_count.saturating_add(term_count(pool, term).await?);
        }
        estimate = estimate.min(clause_count);
    }
    Ok(estimate)
}

async fn term_count(pool: &SqlitePool, term: &Term) -> Result<i64> {
    let count: Option<(i64,)> = match term {
        Term::Phrase(words) => {
            let mut smallest: Option<(i64,)> = None;
            for word in words {
                let count: (i64,) =
                    sqlx::query_as("SELECT coalesce(max(doc), 0) FROM documents_fts_terms WHERE term = ?")
                        .bind(word)
                        .fetch_one(pool)
                        .await?;
                smallest = Some(smallest.map_or(count, |current| (current.0.min(count.0),)));
            }
            smallest
        }
        Term::Prefix(prefix) => {
            // Range scan over the vocabulary: terms in [prefix, prefix + U+10FFFF).
            let upper = format!("{prefix}\u{10FFFF}");
            Some(
                sqlx::query_as(
                    "SELECT coalesce(sum(doc), 0) FROM documents_fts_terms WHERE term >= ? AND term < ?",
                )
                .bind(prefix)
                .bind(upper)
                .fetch_one(pool)
                .await?,
            )
        }
    };
    Ok(count.map_or(0, |(count,)| count))
}

/// Every document `query` matches, in id order: the matches `search` finds,
/// without its ranking window (what `dossier export --query` writes).
pub(crate) async fn matching_ids(pool: &SqlitePool, query: &Query) -> Result<Vec<i64>> {
    let match_expression = match_expression(query);
    let from = if match_expression.is_some() { FROM_MATCHES } else { "FROM documents d" };
    let excluded_expression = if match_expression.is_none() { excluded(query) } else { None };
    let plan = Plan { match_expression, window_start: None, excluded_expression, estimate: 0 };
    let mut arguments = SqliteArguments::default();
    let sql = format!("SELECT d.id {from}{} ORDER BY d.id", where_clause(query, &plan, &mut arguments));
    let rows: Vec<(i64,)> = sqlx::query_as_with(AssertSqlSafe(sql), arguments).fetch_all(pool).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The number of matches and the facets, in one pass over the matches (or over
/// the ranking window, when the query has one; the total is then the estimate).
async fn count_and_facets(pool: &SqlitePool, query: &Query, plan: &Plan) -> Result<(i64, search::Facets)> {
    let from = if plan.match_expression.is_some() { FROM_MATCHES } else { "FROM documents d" };
    let mut arguments = SqliteArguments::default();
    let sql = format!(
        "SELECT d.site, substr(d.published, 1, 4), d.language, count(*) {from}{} GROUP BY 1, 2, 3",
        where_clause(query, plan, &mut arguments)
    );
    let groups: Vec<FacetGroup> = sqlx::query_as_with(AssertSqlSafe(sql), arguments).fetch_all(pool).await?;
    let (mut total, facets) = search::count_and_facets(groups);
    if plan.window_start.is_some() {
        total = total.max(plan.estimate);
    }
    Ok((total, facets))
}

struct Plan {
    /// The FTS5 expression for the required and excluded terms, if any are required.
    match_expression: Option<String>,
    /// Rank only documents with at least this id (the most recent ones).
    window_start: Option<i64>,
    /// With no required term: an FTS5 expression for documents to leave out.
    excluded_expression: Option<String>,
    /// The estimated number of matches (an upper bound), when there is a match.
    estimate: i64,
}

fn add<T>(arguments: &mut SqliteArguments, value: T)
where
    T: for<'t> sqlx::Encode<'t, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    arguments.add(value).expect("binding a plain value cannot fail");
}

/// ` WHERE …` for the plan's match, window and the query's filters (always non-empty).
fn where_clause(query: &Query, plan: &Plan, arguments: &mut SqliteArguments) -> String {
    let mut sql = String::from(" WHERE 1");
    if let Some(expression) = &plan.match_expression {
        sql.push_str(" AND documents_fts MATCH ?");
        add(arguments, expression.clone());
    }
    if let Some(start) = plan.window_start {
        sql.push_str(" AND documents_fts.rowid >= ?");
        add(arguments, start);
    }
    if let Some(expression) = &plan.excluded_expression {
        sql.push_str(" AND d.id NOT IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)");
        add(arguments, expression.clone());
    }
    let filters = &query.filters;
    for site in &filters.sites {
        sql.push_str(" AND d.site = ? COLLATE NOCASE");
        add(arguments, site.clone());
    }
    for author in &filters.authors {
        sql.push_str(" AND d.authors LIKE '%' || ? || '%'");
        add(arguments, author.clone());
    }
    if let Some(language) = &filters.language {
        sql.push_str(" AND d.language = ?");
        add(arguments, language.clone());
    }
    for tag in &filters.tags {
        sql.push_str(
            " AND EXISTS (SELECT 1 FROM document_tags dt JOIN tags t ON t.id = dt.tag_id
                          WHERE dt.document_id = d.id AND t.name = ?)",
        );
        add(arguments, tag.clone());
    }
    if let Some(before) = &filters.before {
        sql.push_str(" AND d.published < ?");
        add(arguments, before.clone());
    }
    if let Some(after) = &filters.after {
        sql.push_str(" AND d.published >= ?");
        add(arguments, after.clone());
    }
    if let Some(story) = filters.story {
        sql.push_str(" AND d.story_id = ?");
        add(arguments, story);
    }
    match filters.read {
        Some(true) => sql.push_str(
            " AND EXISTS (SELECT 1 FROM reading_states r WHERE r.document_id = d.id AND r.read_at IS NOT NULL)",
        ),
        Some(false) => sql.push_str(
            " AND NOT EXISTS (SELECT 1 FROM reading_states r WHERE r.document_id = d.id AND r.read_at IS NOT NULL)",
        ),
        None => {}
    }
    sql
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
