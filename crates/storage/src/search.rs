//! Full-text search over the archive (SQLite FTS5), with filters, facets and
//! highlighted snippets.
//!
//! Ranking is BM25 with the title weighted above the body. BM25 in FTS5 scores
//! every match before sorting, so a query whose rarest required term is in very
//! many documents would cost time in proportion to the archive. The planner reads
//! each term's document count first (the `documents_fts_terms` vocabulary) and,
//! when the estimate exceeds the ranking window (`RANKING_WINDOW` by default), ranks only the most recent documents
//! in which about that many matches are expected. Such results say so
//! (`SearchResults::exhaustive == false`); for rarer queries ranking is exact.

use std::collections::HashMap;
use std::fmt::Write;
use std::ops::Range;

use dossier_core::Document;
use sqlx::{Arguments, AssertSqlSafe, sqlite::SqliteArguments};

use crate::import::decode_model;
use crate::query::{self, Query, Term};
use crate::{Result, Store};

/// The most matches ranked exactly; beyond it, the most recent documents are ranked.
pub const RANKING_WINDOW: i64 = 20_000;
/// Title matches count this many times a body match.
const TITLE_WEIGHT: f64 = 4.0;
const SNIPPET_WORDS: usize = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    #[default]
    Relevance,
    /// Newest publication date first.
    Published,
    /// Most recently added first.
    Added,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRequest {
    pub query: String,
    pub sort: SortOrder,
    pub limit: u32,
    pub offset: u32,
}

impl SearchRequest {
    pub fn new(query: impl Into<String>) -> SearchRequest {
        SearchRequest { query: query.into(), sort: SortOrder::Relevance, limit: 20, offset: 0 }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    pub hits: Vec<Hit>,
    /// Matching documents: exact when `exhaustive`, else an upper-bound estimate.
    pub total: i64,
    /// Whether every match was considered for ranking and counting.
    pub exhaustive: bool,
    pub facets: Facets,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: i64,
    pub title: String,
    pub site: Option<String>,
    pub published: Option<String>,
    pub language: Option<String>,
    pub snippet: Snippet,
    /// Higher is better; comparable within one search.
    pub score: f64,
}

/// A passage of the document with the query's words marked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Snippet {
    pub text: String,
    /// Byte ranges of `text` that matched.
    pub highlights: Vec<Range<usize>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facets {
    pub sites: Vec<(String, i64)>,
    pub years: Vec<(String, i64)>,
    pub languages: Vec<(String, i64)>,
}

impl Store {
    /// Runs a search in the query syntax of `crate::query`.
    pub async fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let query = query::parse(&request.query)?;
        let plan = self.plan(&query, request.sort).await?;

        let mut arguments = SqliteArguments::default();
        let mut sql = String::from("SELECT d.id, d.title, d.site, d.published, d.language, d.model, ");
        sql.push_str(if plan.match_expression.is_some() {
            "-bm25(documents_fts, ?, 1.0) AS score FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid"
        } else {
            "0.0 AS score FROM documents d"
        });
        if plan.match_expression.is_some() {
            add(&mut arguments, TITLE_WEIGHT);
        }
        let where_clause = where_clause(&query, &plan, &mut arguments);
        sql.push_str(&where_clause);
        sql.push_str(match request.sort {
            SortOrder::Relevance if plan.match_expression.is_some() => " ORDER BY score DESC, d.id DESC",
            SortOrder::Relevance | SortOrder::Added => " ORDER BY d.added_at DESC, d.id DESC",
            SortOrder::Published => " ORDER BY d.published IS NULL, d.published DESC, d.id DESC",
        });
        sql.push_str(" LIMIT ? OFFSET ?");
        add(&mut arguments, i64::from(request.limit.min(1000)));
        add(&mut arguments, i64::from(request.offset));

        type Row = (i64, String, Option<String>, Option<String>, Option<String>, Vec<u8>, f64);
        let rows: Vec<Row> = sqlx::query_as_with(AssertSqlSafe(sql), arguments).fetch_all(&self.pool).await?;
        let highlight = query.highlight_tokens();
        let mut hits = Vec::with_capacity(rows.len());
        for (id, title, site, published, language, model, score) in rows {
            let document: Document = decode_model(id, &model)?;
            hits.push(Hit {
                id,
                title,
                site,
                published,
                language,
                snippet: snippet(&document, &highlight),
                score,
            });
        }

        let (total, facets) = self.count_and_facets(&query, &plan).await?;
        Ok(SearchResults { hits, total, exhaustive: plan.window_start.is_none(), facets })
    }

    async fn plan(&self, query: &Query, sort: SortOrder) -> Result<Plan> {
        let Some(match_expression) = match_expression(query) else {
            return Ok(Plan {
                match_expression: None,
                window_start: None,
                excluded_expression: excluded(query),
                estimate: 0,
            });
        };
        let estimate = self.estimate_matches(query).await?;
        // Sorting by date reads matches in index order and stops early; only
        // relevance ranking needs every match scored.
        let window_start = if estimate > self.ranking_window && sort == SortOrder::Relevance {
            let total = self.count_documents().await?.max(1);
            let documents_in_window =
                (self.ranking_window as f64 * total as f64 / estimate as f64).ceil() as i64;
            let start: Option<(i64,)> =
                sqlx::query_as("SELECT id FROM documents ORDER BY id DESC LIMIT 1 OFFSET ?")
                    .bind(documents_in_window)
                    .fetch_optional(&self.pool)
                    .await?;
            start.map(|(id,)| id)
        } else {
            None
        };
        Ok(Plan {
            match_expression: Some(match_expression),
            window_start,
            excluded_expression: None,
            estimate,
        })
    }

    /// An upper bound on the matches: the smallest document count of a required clause.
    async fn estimate_matches(&self, query: &Query) -> Result<i64> {
        let mut estimate = i64::MAX;
        for clause in &query.required {
            let mut clause_count = 0i64;
            for term in clause {
                clause_count = clause_count.saturating_add(self.term_count(term).await?);
            }
            estimate = estimate.min(clause_count);
        }
        Ok(estimate)
    }

    async fn term_count(&self, term: &Term) -> Result<i64> {
        let count: Option<(i64,)> = match term {
            Term::Phrase(words) => {
                let mut smallest: Option<(i64,)> = None;
                for word in words {
                    let count: (i64,) = sqlx::query_as(
                        "SELECT coalesce(max(doc), 0) FROM documents_fts_terms WHERE term = ?",
                    )
                    .bind(word)
                    .fetch_one(&self.pool)
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
                    .fetch_one(&self.pool)
                    .await?,
                )
            }
        };
        Ok(count.map_or(0, |(count,)| count))
    }

    /// The number of matches and the facets, in one pass over the matches (or over
    /// the ranking window, when the query has one; the total is then the estimate).
    async fn count_and_facets(&self, query: &Query, plan: &Plan) -> Result<(i64, Facets)> {
        let from = if plan.match_expression.is_some() {
            "FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid"
        } else {
            "FROM documents d"
        };
        let mut arguments = SqliteArguments::default();
        let sql = format!(
            "SELECT d.site, substr(d.published, 1, 4), d.language, count(*) {from}{} GROUP BY 1, 2, 3",
            where_clause(query, plan, &mut arguments)
        );
        type Group = (Option<String>, Option<String>, Option<String>, i64);
        let groups: Vec<Group> =
            sqlx::query_as_with(AssertSqlSafe(sql), arguments).fetch_all(&self.pool).await?;
        let mut total = 0;
        let mut sites = HashMap::new();
        let mut years = HashMap::new();
        let mut languages = HashMap::new();
        for (site, year, language, count) in groups {
            total += count;
            for (value, counts) in [(site, &mut sites), (year, &mut years), (language, &mut languages)] {
                if let Some(value) = value {
                    *counts.entry(value).or_insert(0) += count;
                }
            }
        }
        if plan.window_start.is_some() {
            total = total.max(plan.estimate);
        }
        Ok((total, Facets { sites: top(sites), years: top(years), languages: top(languages) }))
    }
}

/// The 20 values with the most documents, most first (ties by value).
fn top(counts: HashMap<String, i64>) -> Vec<(String, i64)> {
    let mut counts: Vec<(String, i64)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counts.truncate(20);
    counts
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

/// The passage of the body around the first match, or its beginning.
fn snippet(document: &Document, highlight: &[String]) -> Snippet {
    let matches = |word: &str| {
        let lower = word.to_lowercase();
        highlight.iter().any(|token| match token.strip_suffix('*') {
            Some(prefix) => lower.starts_with(prefix),
            None => lower == *token,
        })
    };
    let texts: Vec<String> =
        document.blocks.iter().map(|block| block.text()).filter(|text| !text.is_empty()).collect();
    let chosen = texts
        .iter()
        .find(|text| query::tokens(text).iter().any(|token| matches(token)))
        .or_else(|| texts.first())
        .cloned()
        .unwrap_or_default();
    let words: Vec<&str> = chosen.split_whitespace().collect();
    let first_match =
        words.iter().position(|word| query::tokens(word).iter().any(|token| matches(token))).unwrap_or(0);
    let start = first_match.saturating_sub(SNIPPET_WORDS / 3);
    let end = (start + SNIPPET_WORDS).min(words.len());
    let mut snippet = Snippet::default();
    if start > 0 {
        snippet.text.push_str("… ");
    }
    for (index, word) in words[start..end].iter().enumerate() {
        if index > 0 {
            snippet.text.push(' ');
        }
        let at = snippet.text.len();
        snippet.text.push_str(word);
        if query::tokens(word).iter().any(|token| matches(token)) {
            // Mark the word without the punctuation around it.
            let inner_start = word.find(char::is_alphanumeric).unwrap_or(0);
            let inner_end = word
                .rfind(char::is_alphanumeric)
                .map_or(word.len(), |last| last + word[last..].chars().next().map_or(1, char::len_utf8));
            snippet.highlights.push(at + inner_start..at + inner_end);
        }
    }
    if end < words.len() {
        snippet.text.push_str(" …");
    }
    snippet
}
