//! Search on PostgreSQL: a weighted `tsvector` (title A, body B) with a GIN
//! index, ranked by `ts_rank_cd`.
//!
//! Every document is indexed with the text search configuration of its language,
//! so a query is built in each configuration the archive can use (from bound
//! tokens, never from the user's text spliced into SQL), and a document matches
//! when it matches the query of any of them. One combined `tsquery` keeps the
//! search a single GIN index scan.
//!
//! The ranking window: a probe reads the ids of at most `window + 1` documents,
//! newest first, that have every required word — the query with each phrase
//! loosened to its words, without exclusions or filters, as on SQLite. When there
//! are more of them than the window, only matches at least as new as the oldest of
//! them are ranked, and the total is extrapolated from how densely the matches
//! occur in the window (`search::extrapolate`).
//! Scoring every match of a common word is what the window avoids; finding the
//! newest ones needs no scoring, and term statistics (`ts_stat`) would cost a scan
//! of the whole archive.
//!
//! The probe leaves phrases and filters out because of how PostgreSQL finds the
//! newest matches: it walks documents newest first, checking each one's
//! `tsvector`, until it has enough. A phrase of common words or a filter that
//! few documents pass (`"people said"`, `was site:…`) made that walk reach the
//! oldest document — 26 s at a million documents. The words alone are found
//! within a few ten thousand documents, and the phrase or filter is then checked
//! only inside the window (1.4 s in all for that phrase).

use std::fmt::Write;

use sqlx::postgres::PgArguments;
use sqlx::{Arguments, AssertSqlSafe};

use super::Database;
use crate::query::{Query, Term};
use crate::search::{FacetGroup, HitRow, SearchRequest, SearchResults, SortOrder, TITLE_WEIGHT};
use crate::{Result, search};

pub(crate) async fn search(
    database: &Database,
    ranking_window: i64,
    query: &Query,
    request: &SearchRequest,
) -> Result<SearchResults> {
    let pool = &database.pool;
    let TsQueries { required, excluded, loose } = tsqueries(database, query).await?;
    if query.has_text() && required.is_none() {
        // Every word is a stop word in every configuration: nothing can match.
        return Ok(SearchResults {
            hits: Vec::new(),
            total: 0,
            exhaustive: true,
            facets: Default::default(),
        });
    }
    let mut filter = Filter { required, excluded, window_start: None };

    let mut newest_id = 0;
    if let Some(loose) = loose.filter(|_| request.sort == SortOrder::Relevance) {
        let mut sql = Sql::default();
        let loose = sql.bind(loose);
        let limit = sql.bind(ranking_window + 1);
        sql.text = format!(
            "SELECT count(*), min(id), (SELECT max(id) FROM documents) FROM
             (SELECT d.id FROM documents d WHERE d.search_vector @@ {loose}::tsquery
              ORDER BY d.id DESC LIMIT {limit}) newest"
        );
        let (matches, oldest, newest): (i64, Option<i64>, Option<i64>) =
            sqlx::query_as_with(AssertSqlSafe(sql.text), sql.arguments).fetch_one(pool).await?;
        if matches > ranking_window {
            newest_id = newest.unwrap_or(0);
            filter.window_start = Some(oldest.unwrap_or(0));
        }
    }

    let mut sql = Sql::default();
    let score = match &filter.required {
        Some(required) => {
            // Weights are {D, C, B, A}: the body (B) counts 1 / TITLE_WEIGHT of the title (A).
            let weights = sql.bind(vec![0.1f32, 0.1, (1.0 / TITLE_WEIGHT) as f32, 1.0]);
            let required = sql.bind(required.clone());
            format!("ts_rank_cd({weights}::float4[], d.search_vector, {required}::tsquery, 1)::float8")
        }
        None => "0.0::float8".to_owned(),
    };
    let condition = filter.condition(query, &mut sql);
    let order = match request.sort {
        SortOrder::Relevance if filter.required.is_some() => "score DESC, d.id DESC",
        SortOrder::Relevance | SortOrder::Added => "d.added_at DESC, d.id DESC",
        SortOrder::Published => "d.published IS NULL, d.published DESC, d.id DESC",
    };
    let limit = sql.bind(i64::from(request.limit.min(1000)));
    let offset = sql.bind(i64::from(request.offset));
    sql.text = format!(
        "SELECT d.id, d.title, d.site, d.published, d.language, d.model,
                (SELECT data FROM originals WHERE sha256 = d.model_original), {score} AS score
         FROM documents d WHERE {condition} ORDER BY {order} LIMIT {limit} OFFSET {offset}"
    );
    let rows: Vec<HitRow> =
        sqlx::query_as_with(AssertSqlSafe(sql.text), sql.arguments).fetch_all(pool).await?;
    let hits = search::hits(rows, query)?;

    let mut sql = Sql::default();
    let condition = filter.condition(query, &mut sql);
    sql.text = format!(
        "SELECT d.site, substr(d.published, 1, 4), d.language, count(*)
         FROM documents d WHERE {condition} GROUP BY 1, 2, 3"
    );
    let groups: Vec<FacetGroup> =
        sqlx::query_as_with(AssertSqlSafe(sql.text), sql.arguments).fetch_all(pool).await?;
    let (mut total, facets) = search::count_and_facets(groups);
    if let Some(start) = filter.window_start {
        total = search::extrapolate(total, start, newest_id);
    }
    Ok(SearchResults { hits, total, exhaustive: filter.window_start.is_none(), facets })
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

struct Filter {
    /// The `tsquery` (as text) every match must match.
    required: Option<String>,
    /// The `tsquery` (as text) no match may match.
    excluded: Option<String>,
    /// Rank only documents with at least this id (the most recent ones).
    window_start: Option<i64>,
}

impl Filter {
    /// The condition for the full-text match, the window and the query's filters.
    fn condition(&self, query: &Query, sql: &mut Sql) -> String {
        let mut condition = String::from("TRUE");
        if let Some(required) = &self.required {
            let _ = write!(condition, " AND d.search_vector @@ {}::tsquery", sql.bind(required.clone()));
        }
        if let Some(start) = self.window_start {
            let _ = write!(condition, " AND d.id >= {}", sql.bind(start));
        }
        if let Some(excluded) = &self.excluded {
            let _ =
                write!(condition, " AND NOT (d.search_vector @@ {}::tsquery)", sql.bind(excluded.clone()));
        }
        let filters = &query.filters;
        for site in &filters.sites {
            let _ = write!(condition, " AND lower(d.site) = lower({})", sql.bind(site.clone()));
        }
        for author in &filters.authors {
            let _ =
                write!(condition, " AND strpos(lower(d.authors), lower({})) > 0", sql.bind(author.clone()));
        }
        if let Some(language) = &filters.language {
            let _ = write!(condition, " AND d.language = {}", sql.bind(language.clone()));
        }
        for tag in &filters.tags {
            let _ = write!(
                condition,
                " AND EXISTS (SELECT 1 FROM document_tags dt JOIN tags t ON t.id = dt.tag_id
                              WHERE dt.document_id = d.id AND lower(t.name) = lower({}))",
                sql.bind(tag.clone())
            );
        }
        if let Some(before) = &filters.before {
            let _ = write!(condition, " AND d.published < {}", sql.bind(before.clone()));
        }
        if let Some(after) = &filters.after {
            let _ = write!(condition, " AND d.published >= {}", sql.bind(after.clone()));
        }
        if let Some(story) = filters.story {
            let _ = write!(condition, " AND d.story_id = {}", sql.bind(story));
        }
        match filters.read {
            Some(true) => condition.push_str(
                " AND EXISTS (SELECT 1 FROM reading_states r WHERE r.document_id = d.id AND r.read_at IS NOT NULL)",
            ),
            Some(false) => condition.push_str(
                " AND NOT EXISTS (SELECT 1 FROM reading_states r WHERE r.document_id = d.id AND r.read_at IS NOT NULL)",
            ),
            None => {}
        }
        condition
    }
}

/// Every document `query` matches, in id order: the matches `search` finds,
/// without its ranking window (what `dossier export --query` writes).
pub(crate) async fn matching_ids(database: &Database, query: &Query) -> Result<Vec<i64>> {
    let TsQueries { required, excluded, .. } = tsqueries(database, query).await?;
    if query.has_text() && required.is_none() {
        // Every word is a stop word in every configuration: nothing can match.
        return Ok(Vec::new());
    }
    let mut sql = Sql::default();
    let condition = Filter { required, excluded, window_start: None }.condition(query, &mut sql);
    sql.text = format!("SELECT d.id FROM documents d WHERE {condition} ORDER BY d.id");
    let rows: Vec<(i64,)> =
        sqlx::query_as_with(AssertSqlSafe(sql.text), sql.arguments).fetch_all(&database.pool).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// A query's parts as `tsquery` text, each the disjunction of the part built in
/// every text search configuration (those that leave no lexeme, e.g. only stop
/// words, drop out). PostgreSQL builds each from the bound tokens; its canonical
/// output is bound again as a `tsquery`.
#[derive(Default)]
struct TsQueries {
    /// What every match must match.
    required: Option<String>,
    /// What no match may match.
    excluded: Option<String>,
    /// `required` with each phrase loosened to its words: a superset of the
    /// matches, which the ranking window's probe looks for.
    loose: Option<String>,
}

async fn tsqueries(database: &Database, query: &Query) -> Result<TsQueries> {
    if !query.has_text() && query.excluded.is_empty() {
        return Ok(TsQueries::default());
    }
    let mut sql = Sql::default();
    let configs = sql.bind(database.configs().to_vec());
    let conjunction = |loose: bool, sql: &mut Sql| {
        let mut expression = String::new();
        for (index, clause) in query.required.iter().enumerate() {
            if index > 0 {
                expression.push_str(" && ");
            }
            expression.push('(');
            for (alternative, term) in clause.iter().enumerate() {
                if alternative > 0 {
                    expression.push_str(" || ");
                }
                expression.push_str(&term_sql(term, loose, sql));
            }
            expression.push(')');
        }
        if expression.is_empty() {
            expression.push_str("''::tsquery");
        }
        expression
    };
    let required = conjunction(false, &mut sql);
    let loose = conjunction(true, &mut sql);
    let mut excluded = String::new();
    for (index, term) in query.excluded.iter().enumerate() {
        if index > 0 {
            excluded.push_str(" || ");
        }
        excluded.push_str(&term_sql(term, false, &mut sql));
    }
    if excluded.is_empty() {
        excluded.push_str("''::tsquery");
    }
    sql.text = format!(
        "SELECT string_agg(DISTINCT '(' || required::text || ')', ' | ') FILTER (WHERE numnode(required) > 0),
                string_agg(DISTINCT '(' || excluded::text || ')', ' | ') FILTER (WHERE numnode(excluded) > 0),
                string_agg(DISTINCT '(' || loose::text || ')', ' | ') FILTER (WHERE numnode(loose) > 0)
         FROM unnest({configs}::text[]) AS c (name)
         CROSS JOIN LATERAL (SELECT {required} AS required, {excluded} AS excluded, {loose} AS loose
                             FROM (SELECT c.name::regconfig AS config) config) built"
    );
    let (required, excluded, loose): (Option<String>, Option<String>, Option<String>) =
        sqlx::query_as_with(AssertSqlSafe(sql.text), sql.arguments).fetch_one(&database.pool).await?;
    Ok(TsQueries { required, excluded, loose })
}

/// One term as a `tsquery` expression in the configuration `config.config`;
/// `loose`: a phrase as its words, in any order and place.
/// Tokens are alphanumeric runs (see `query::tokens`), so a prefix token with
/// `:*` appended holds no `tsquery` operator.
fn term_sql(term: &Term, loose: bool, sql: &mut Sql) -> String {
    match term {
        Term::Phrase(words) if words.len() == 1 || loose => {
            format!("plainto_tsquery(config.config, {})", sql.bind(words.join(" ")))
        }
        Term::Phrase(words) => format!("phraseto_tsquery(config.config, {})", sql.bind(words.join(" "))),
        Term::Prefix(prefix) => format!("to_tsquery(config.config, {})", sql.bind(format!("{prefix}:*"))),
    }
}
