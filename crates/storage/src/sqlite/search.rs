//! Search on SQLite: FTS5 with BM25, the title weighted above the body.
//!
//! BM25 in FTS5 scores every match before sorting, so a query matching very many
//! documents would cost time in proportion to the archive. The planner first
//! probes the newest `window + 1` documents that have every required word (the
//! query with each phrase loosened to its words and exclusions left out: a
//! superset of its matches, read from the index's document lists without word
//! positions, and never further than `window + 1` of them). When there are fewer,
//! every match is ranked; otherwise only matches at least as new as the oldest
//! of them, and the total is extrapolated from how densely the query's matches
//! occur in that window (`search::extrapolate`), as on PostgreSQL. The term vocabulary (`documents_fts_terms`) is not read: it counts
//! a term's documents by reading its whole document list, 3 ms for a word in every
//! document of 100,000.
//!
//! FTS5's `bm25()` first counts, for each phrase of the query, the documents of
//! the whole archive that contain it, whatever the window: for a phrase of common
//! words that means checking word positions in nearly every document (about
//! 90 ms for `"the of"` at 100,000 documents). So a windowed query with a phrase
//! is scored by BM25 over the phrase's words, and the phrase itself only selects
//! which documents of the window are ranked.

use std::fmt::Write;

use sqlx::{Arguments, AssertSqlSafe, SqlitePool, sqlite::SqliteArguments};

use crate::query::{Query, Term};
use crate::search::{FacetGroup, HitRow, SearchRequest, SearchResults, SortOrder, TITLE_WEIGHT};
use crate::{Error, Result, search};

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
        let scoring = plan.scoring_plan();
        if query.filters.is_empty() && request.sort == SortOrder::Relevance {
            sql.push_str(&where_clause(query, scoring.as_ref().unwrap_or(&plan), &mut arguments));
        } else {
            sql.push_str(FROM_MATCHES_TO_DOCUMENTS);
            sql.push_str(&where_clause(query, scoring.as_ref().unwrap_or(&plan), &mut arguments));
        }
        if scoring.is_some() {
            // The query's own matches among the documents scored, read once into
            // a list. The `+` keeps SQLite from looking each of them up in the
            // index instead, which would restart `bm25()`'s counting for each.
            sql.push_str(
                " AND +documents_fts.rowid IN
                      (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? AND rowid >= ?)",
            );
            add(&mut arguments, plan.match_expression.clone());
            add(&mut arguments, plan.window_start);
        }
        if query.filters.is_empty() && request.sort == SortOrder::Relevance {
            sql.push_str(" ORDER BY score DESC, documents_fts.rowid DESC");
        } else {
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
            loose_expression: None,
            window_start: None,
            excluded_expression: excluded(query),
            newest: 0,
        });
    };
    // Sorting by date reads matches in index order and stops early; only
    // relevance ranking needs every match scored.
    let mut plan = Plan {
        match_expression: Some(match_expression),
        loose_expression: None,
        window_start: None,
        excluded_expression: None,
        newest: 0,
    };
    if sort != SortOrder::Relevance {
        return Ok(plan);
    }
    let loose = loose_expression(query);
    // The window is written into the statement, not bound: see the module documentation of `sqlite`.
    let (matches, oldest, newest): (i64, Option<i64>, Option<i64>) = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT count(*), min(id), (SELECT max(id) FROM documents) FROM
         (SELECT rowid AS id FROM documents_fts WHERE documents_fts MATCH ? ORDER BY rowid DESC LIMIT {})",
        ranking_window.saturating_add(1)
    )))
    .bind(&loose)
    .fetch_one(pool)
    .await?;
    if matches > ranking_window {
        plan.newest = newest.unwrap_or(0);
        plan.window_start = Some(oldest.unwrap_or(0));
        let has_phrase = query
            .required
            .iter()
            .flatten()
            .any(|term| matches!(term, Term::Phrase(words) if words.len() > 1));
        if has_phrase {
            plan.loose_expression = Some(loose);
        }
    }
    Ok(plan)
}

/// Every document `query` matches, in id order: the matches `search` finds,
/// without its ranking window (what `dossier export --query` writes).
pub(crate) async fn matching_ids(pool: &SqlitePool, query: &Query) -> Result<Vec<i64>> {
    let match_expression = match_expression(query);
    let from = if match_expression.is_some() { FROM_MATCHES } else { "FROM documents d" };
    let excluded_expression = if match_expression.is_none() { excluded(query) } else { None };
    let plan =
        Plan { match_expression, loose_expression: None, window_start: None, excluded_expression, newest: 0 };
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
    // The matches' values as one JSON array, counted here: grouping them in SQL
    // sorts every match (at 10,000 matches, 7 ms against 2 ms for the array).
    let sql = format!(
        "SELECT json_group_array(json_array(d.site, substr(d.published, 1, 4), d.language)) {from}{}",
        where_clause(query, plan, &mut arguments)
    );
    let (values,): (String,) = sqlx::query_as_with(AssertSqlSafe(sql), arguments).fetch_one(pool).await?;
    let values: Vec<(Option<String>, Option<String>, Option<String>)> = serde_json::from_str(&values)
        .map_err(|error| Error::Database(sqlx::Error::Decode(Box::new(error))))?;
    let groups: Vec<FacetGroup> =
        values.into_iter().map(|(site, year, language)| (site, year, language, 1)).collect();
    let (mut total, facets) = search::count_and_facets(groups);
    if let Some(start) = plan.window_start {
        total = search::extrapolate(total, start, plan.newest);
    }
    Ok((total, facets))
}

struct Plan {
    /// The FTS5 expression for the required and excluded terms, if any are required.
    match_expression: Option<String>,
    /// With a window and a phrase of several words: the required clauses with each
    /// phrase loosened to its words (see `loose_expression`), what it is scored by.
    loose_expression: Option<String>,
    /// Rank only documents with at least this id (the most recent ones).
    window_start: Option<i64>,
    /// With no required term: an FTS5 expression for documents to leave out.
    excluded_expression: Option<String>,
    /// With a window: the highest document id, to which the matches counted in
    /// the window are extrapolated.
    newest: i64,
}

impl Plan {
    /// The plan the page's statement scores by, when that is not this one: a
    /// windowed query with a phrase of several words is scored by its words (see
    /// the module documentation), and the phrase is matched on its own.
    fn scoring_plan(&self) -> Option<Plan> {
        let loose = self.loose_expression.as_ref()?;
        self.window_start?;
        Some(Plan {
            match_expression: Some(loose.clone()),
            loose_expression: None,
            window_start: self.window_start,
            excluded_expression: None,
            newest: self.newest,
        })
    }
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
    let mut expression = required_expression(query, push_term);
    if let Some(excluded) = excluded(query) {
        let _ = write!(expression, " NOT ({excluded})");
    }
    Some(expression)
}

/// The required clauses with each phrase of several words loosened to all of its
/// words, and nothing excluded: every match of the query matches it, and FTS5
/// matches it from document lists alone, without reading word positions. A word
/// a phrase repeats is written once: `bm25()` counts each word's documents over
/// the whole archive, once for every time it is written.
fn loose_expression(query: &Query) -> String {
    required_expression(query, |expression, term| match term {
        Term::Phrase(words) if words.len() > 1 => {
            let mut words: Vec<&String> = words.iter().collect();
            let mut seen = std::collections::HashSet::new();
            words.retain(|word| seen.insert(*word));
            let words: Vec<String> = words.iter().map(|word| format!("\"{word}\"")).collect();
            let _ = write!(expression, "({})", words.join(" AND "));
        }
        term => push_term(expression, term),
    })
}

/// The required clauses, ANDed, each an OR of its terms as `push` writes them.
fn required_expression(query: &Query, push: impl Fn(&mut String, &Term)) -> String {
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
            push(&mut expression, term);
        }
        expression.push(')');
    }
    expression
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
