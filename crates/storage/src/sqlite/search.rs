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
//! The probe of a query of several words also leaves out the words most
//! documents hold (`probe_expression`; which they are is sampled first, see
//! below): read newest first, a document list is decoded a page at a time, and
//! seeking through `the`'s for each document with a rare word took 85 ms for
//! `"the seltrean"` at a million documents, against 0.4 ms for `seltrean` alone
//! (11 ms oldest first). Any subset of the required words is still a superset of
//! the matches; with a window, it is denser than the matches by about the
//! inverse of the share of documents holding the words left out (each over
//! half), and the window holds that much fewer of them.
//!
//! FTS5's `bm25()` first counts, for each phrase of the query, the documents of
//! the whole archive that contain it, whatever the window: for a phrase with a
//! common word that means checking word positions in every document that has
//! its other words (about 90 ms for `"the of"` at 100,000 documents; 14 ms for
//! `"the seltrean"` at a million, where matching it once takes 6 ms). So a
//! relevance-ranked query with a phrase is scored by BM25 over the phrase's
//! words, and the phrase itself only selects which documents are ranked.
//! Excluded terms are not written into the match (`excluding_expression`), so
//! they are not counted either: `bm25()` would count `the` of `people -the`
//! (70 ms at a million documents), though no match holds it. Even a
//! word's count reads its whole document list (`the`: 6 ms at 100,000 documents,
//! 70 ms at a million), and a word in more than half of the documents adds
//! nothing to a BM25 score (its inverse document frequency is negative, which
//! FTS5 raises to 10⁻⁶). So those words are left out of the scoring of a query
//! with a phrase, with several words, or with more matches than the window: how
//! many of the newest `SAMPLED_DOCUMENTS` documents hold each word is counted
//! first (each count reads the end of the word's list only, under a
//! millisecond), and a word in more than half of them is not scored — the
//! others rank the matches as they would with it (`said Zuckerberg` by
//! `Zuckerberg`), without counting it over the archive. When every word is such
//! a word (`"of the"`, or `the` at 100,000 documents), the matches are listed
//! newest first: their scores would all be nearly zero. (A query of such words
//! that is ranked exactly keeps BM25's order, by how often each document says
//! them: in a small archive about one story, `Zuckerberg` may be in most
//! documents and still rank them.) A query scored by fewer words than it
//! matches is matched once, and its documents' ids serve both the ranking and
//! the facets.
//!
//! The words that are scored are still counted over the archive by `bm25()`:
//! 23 ms for `people`, in a third of a million documents. So any query the
//! sample was taken for (a phrase, several words, or more matches than the
//! window) is scored by `rank::NAME` instead, BM25 itself with each
//! phrase's number of documents given: the sample's share for a phrase at least
//! `ESTIMATED_FROM` of its documents hold, and for a rarer one its count over the
//! archive, which its short document list makes cheap. Only a lone word or
//! prefix ranked exactly is left to `bm25()`: it matches at most the window.

use std::collections::{HashMap, HashSet};
use std::fmt::Write;

use sqlx::{Arguments, AssertSqlSafe, Row, SqliteConnection, SqlitePool, sqlite::SqliteArguments};

use super::rank;

use crate::query::{Query, Term};
use crate::search::{FacetGroup, HitRow, SearchRequest, SearchResults, SortOrder, TITLE_WEIGHT};
use crate::{Error, Result, search};

pub(crate) async fn search(
    pool: &SqlitePool,
    ranking_window: i64,
    query: &Query,
    request: &SearchRequest,
) -> Result<SearchResults> {
    // Every statement of a search on one connection: each reads pages the one
    // before it read (the page's and the facets' statements join the same rows
    // of `document_filters`), and each connection has a page cache of its own.
    // Statement by statement, the pool lends whichever connection is idle, often
    // one that has not read them (at a million documents, 55 ms against 6 ms for
    // the facets of `zopool site:"…"`).
    let mut connection = pool.acquire().await?;
    let connection = &mut *connection;
    let plan = plan(connection, ranking_window, query, request.sort).await?;
    let scoring = plan.scoring_plan();
    // A query scored by fewer words than it matches: its matches, found once for
    // both the ranking and the facets (each would match it again: at a million
    // documents, 6 ms for a phrase of a common word before a rare one).
    let matches = if scoring.is_some() { Some(plan_matches(connection, &plan).await?) } else { None };

    // The page is chosen first, from ids and scores alone, and only its rows are
    // read whole: the sorter never carries the stored models of every match.
    let mut arguments = SqliteArguments::default();
    let mut sql = String::from(
        "SELECT d.id, d.title, d.site, d.published, d.language, d.model,
                (SELECT data FROM originals WHERE sha256 = d.model_original), page.score FROM (",
    );
    if plan.match_expression.is_some() {
        if matches!(plan.scoring, Some(Scoring::Recency)) {
            sql.push_str("SELECT documents_fts.rowid AS id, 0.0 AS score FROM documents_fts");
        } else {
            // FTS5's own BM25 when no document counts are given (see the module documentation).
            let function = if plan.holding.is_empty() { "bm25" } else { rank::NAME };
            let _ = write!(
                sql,
                "SELECT documents_fts.rowid AS id, -{function}(documents_fts, ?, 1.0{}) AS score FROM documents_fts",
                ", ?".repeat(plan.holding.len())
            );
            add(&mut arguments, TITLE_WEIGHT);
            for holding in &plan.holding {
                match *holding {
                    Holding::Documents(documents) => add(&mut arguments, documents),
                    Holding::Share(share) => add(&mut arguments, share),
                }
            }
        }
        if query.filters.is_empty() && request.sort == SortOrder::Relevance {
            sql.push_str(&where_clause(query, scoring.as_ref().unwrap_or(&plan), &mut arguments));
        } else {
            sql.push_str(FROM_MATCHES_TO_DOCUMENTS);
            sql.push_str(&where_clause(query, scoring.as_ref().unwrap_or(&plan), &mut arguments));
        }
        if let Some(matches) = &matches {
            // The query's own matches among the documents scored. The `+` keeps
            // SQLite from looking each of them up in the index instead, which
            // would restart `bm25()`'s counting for each.
            sql.push_str(" AND +documents_fts.rowid IN (SELECT value FROM json_each(?))");
            add(&mut arguments, matches.clone());
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

    let rows: Vec<HitRow> =
        sqlx::query_as_with(AssertSqlSafe(sql), arguments).fetch_all(&mut *connection).await?;
    let hits = search::hits(rows, query)?;

    let (total, facets) = count_and_facets(connection, query, &plan, matches).await?;
    Ok(SearchResults { hits, total, exhaustive: plan.window_start.is_none(), facets })
}

/// The ids of the documents `plan` matches (in its window, when it has one), as a
/// JSON array: at most the window's size, since the probe found no more
/// documents with the phrase's words.
async fn plan_matches(connection: &mut SqliteConnection, plan: &Plan) -> Result<String> {
    let mut sql =
        String::from("SELECT json_group_array(rowid) FROM documents_fts WHERE documents_fts MATCH ?");
    let mut arguments = SqliteArguments::default();
    add(&mut arguments, plan.match_expression.clone());
    if let Some(start) = plan.window_start {
        sql.push_str(" AND rowid >= ?");
        add(&mut arguments, start);
    }
    sql.push_str(&excluding_clause(plan, &mut arguments));
    let (ids,): (String,) = sqlx::query_as_with(AssertSqlSafe(sql), arguments).fetch_one(connection).await?;
    Ok(ids)
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

async fn plan(
    connection: &mut SqliteConnection,
    ranking_window: i64,
    query: &Query,
    sort: SortOrder,
) -> Result<Plan> {
    let Some(match_expression) = match_expression(query) else {
        return Ok(Plan { excluded_expression: excluded(query), ..Plan::default() });
    };
    // Sorting by date reads matches in index order and stops early; only
    // relevance ranking needs every match scored.
    let excluding_expression = excluding_expression(query, &match_expression);
    let mut plan = Plan { match_expression: Some(match_expression), excluding_expression, ..Plan::default() };
    if sort != SortOrder::Relevance {
        return Ok(plan);
    }
    let loose = scoring_expression(query, &HashSet::new()).unwrap_or_default();
    let has_phrase =
        query.required.iter().flatten().any(|term| matches!(term, Term::Phrase(words) if words.len() > 1));
    let words = query_words(query);
    // A query of several words is sampled before the probe, which leaves out the
    // words most documents hold (see the module documentation).
    let sampled = if has_phrase || words.len() > 1 {
        Some(Sample::count(connection, &phrases(&loose)).await?)
    } else {
        None
    };
    let probe =
        probe_expression(query, &sampled.as_ref().map(|sample| sample.common(&words)).unwrap_or_default());
    // The window is written into the statement, not bound: see the module documentation of `sqlite`.
    let (matches, oldest, newest): (i64, Option<i64>, Option<i64>) = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT count(*), min(id), (SELECT max(id) FROM documents) FROM
         (SELECT rowid AS id FROM documents_fts WHERE documents_fts MATCH ? ORDER BY rowid DESC LIMIT {})",
        ranking_window.saturating_add(1)
    )))
    .bind(&probe)
    .fetch_one(&mut *connection)
    .await?;
    if matches > ranking_window {
        plan.newest = newest.unwrap_or(0);
        plan.window_start = Some(oldest.unwrap_or(0));
    }
    let windowed = plan.window_start.is_some();
    // A lone word of a query ranked exactly is scored as it is: its share of the
    // archive changes only the scores' scale, not their order.
    if has_phrase || windowed || words.len() > 1 {
        let sample = match sampled {
            Some(sample) => sample,
            None => Sample::count(connection, &phrases(&loose)).await?,
        };
        let common = sample.common(&words);
        let scored = match scoring_expression(query, &common) {
            // Scored as matched: no phrase loosened, no word left out.
            Some(expression) if Some(&expression) == plan.match_expression.as_ref() => Some(expression),
            Some(expression) => {
                plan.scoring = Some(Scoring::Words(expression.clone()));
                Some(expression)
            }
            // Only words most documents hold. Ranked exactly, they keep BM25's order
            // (by how often each document says them); in a window, the newest first.
            None if has_phrase || windowed => {
                plan.scoring = Some(Scoring::Recency);
                None
            }
            None => plan.match_expression.clone(),
        };
        if let Some(scored) = scored {
            plan.holding = sample.holding(connection, &phrases(&scored)).await?;
        }
    }
    Ok(plan)
}

/// The words of the query's required clauses (phrases' words one by one), each
/// once, at most `COUNTED_WORDS` of them: the words whose share of the sample
/// decides whether they are scored.
fn query_words(query: &Query) -> Vec<&str> {
    let mut words: Vec<&str> = Vec::new();
    for term in query.required.iter().flatten() {
        if let Term::Phrase(phrase) = term {
            for word in phrase {
                if words.len() < COUNTED_WORDS && !words.contains(&word.as_str()) {
                    words.push(word);
                }
            }
        }
    }
    words
}

/// How many of the newest `SAMPLED_DOCUMENTS` documents hold each phrase of a
/// query (see the module documentation).
struct Sample {
    /// The documents counted: `SAMPLED_DOCUMENTS`, or every one in a smaller archive.
    documents: i64,
    /// By phrase, as written in an FTS5 expression (`"word"`, `"prefix" *`).
    holding: HashMap<String, i64>,
}

impl Sample {
    /// Counts `phrases` (the first `COUNTED_WORDS` distinct ones) in the sample.
    async fn count(connection: &mut SqliteConnection, phrases: &[String]) -> Result<Sample> {
        let mut counted: Vec<&String> = Vec::new();
        for phrase in phrases {
            if counted.len() < COUNTED_WORDS && !counted.contains(&phrase) {
                counted.push(phrase);
            }
        }
        // The sample's size is written into the statement, not bound: see the module
        // documentation of `sqlite`.
        let mut sql = format!(
            "WITH sample AS (SELECT count(*) AS documents, min(id) AS start
                             FROM (SELECT id FROM document_filters ORDER BY id DESC LIMIT {SAMPLED_DOCUMENTS}))
             SELECT documents"
        );
        for index in 0..counted.len() {
            let _ = write!(
                sql,
                ", (SELECT count(*) FROM documents_fts
                    WHERE documents_fts MATCH ?{} AND rowid >= (SELECT start FROM sample))",
                index + 1
            );
        }
        sql.push_str(" FROM sample");
        let mut arguments = SqliteArguments::default();
        for phrase in &counted {
            add(&mut arguments, (*phrase).clone());
        }
        let row = sqlx::query_with(AssertSqlSafe(sql), arguments).fetch_one(connection).await?;
        let mut holding = HashMap::new();
        for (index, phrase) in counted.into_iter().enumerate() {
            holding.insert(phrase.clone(), row.try_get::<i64, _>(index + 1)?);
        }
        Ok(Sample { documents: row.try_get(0)?, holding })
    }

    /// Which of `words` more than half of the sample holds.
    fn common(&self, words: &[&str]) -> HashSet<String> {
        words
            .iter()
            .filter(|word| {
                self.holding.get(&format!("\"{word}\"")).is_some_and(|holding| holding * 2 > self.documents)
            })
            .map(|word| (*word).to_owned())
            .collect()
    }

    /// How many documents hold each of `phrases` (the phrases of a scored
    /// expression, in order), for `rank::NAME`: the sample's share for a phrase
    /// it holds often enough to tell, else counted over the archive, which is
    /// cheap for a phrase so rare.
    async fn holding(&self, connection: &mut SqliteConnection, phrases: &[String]) -> Result<Vec<Holding>> {
        let mut holding = Vec::with_capacity(phrases.len());
        let mut rare = Vec::new();
        for phrase in phrases {
            match self.holding.get(phrase) {
                Some(&sampled) if sampled >= ESTIMATED_FROM => {
                    holding.push(Holding::Share(sampled as f64 / self.documents as f64));
                }
                _ => {
                    rare.push((holding.len(), phrase));
                    holding.push(Holding::Documents(0));
                }
            }
        }
        if rare.is_empty() {
            return Ok(holding);
        }
        let mut sql = String::from("SELECT 0");
        let mut arguments = SqliteArguments::default();
        for (_, phrase) in &rare {
            sql.push_str(", (SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?)");
            add(&mut arguments, (*phrase).clone());
        }
        let row = sqlx::query_with(AssertSqlSafe(sql), arguments).fetch_one(connection).await?;
        for (column, (index, _)) in rare.into_iter().enumerate() {
            holding[index] = Holding::Documents(row.try_get(column + 1)?);
        }
        Ok(holding)
    }
}

/// The phrases of an FTS5 expression built here, in the order FTS5 numbers them:
/// each quoted string (tokens are alphanumeric runs, so none holds a quote), with
/// the ` *` that makes it a prefix.
fn phrases(expression: &str) -> Vec<String> {
    let mut phrases = Vec::new();
    let mut rest = expression;
    while let Some(open) = rest.find('"') {
        let Some(length) = rest[open + 1..].find('"') else { break };
        let close = open + 1 + length;
        let prefix = rest[close + 1..].starts_with(" *");
        let end = if prefix { close + 3 } else { close + 1 };
        phrases.push(rest[open..end].to_owned());
        rest = &rest[end..];
    }
    phrases
}

/// How many documents hold a phrase that `rank::NAME` scores.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Holding {
    /// Counted over the archive.
    Documents(i64),
    /// The share of the sample that holds it.
    Share(f64),
}

/// A phrase at least this many documents of the sample hold (1 %) is given to
/// the ranking by its share of the sample; a rarer one is counted.
const ESTIMATED_FROM: i64 = 20;

/// Phrases of a query counted at most by `Sample::count`: a query is
/// typed, so this bounds only a hostile one.
const COUNTED_WORDS: usize = 16;
/// The newest documents `Sample::count` counts phrases in: enough that a word's
/// share is known to a few points, few enough that counting costs little.
const SAMPLED_DOCUMENTS: i64 = 2_000;

/// Every document `query` matches, in id order: the matches `search` finds,
/// without its ranking window (what `dossier export --query` writes).
pub(crate) async fn matching_ids(pool: &SqlitePool, query: &Query) -> Result<Vec<i64>> {
    let match_expression = match_expression(query);
    let from = if match_expression.is_some() { FROM_MATCHES } else { "FROM documents d" };
    let excluded_expression = if match_expression.is_none() { excluded(query) } else { None };
    let excluding_expression =
        match_expression.as_ref().and_then(|required| excluding_expression(query, required));
    let plan = Plan { match_expression, excluded_expression, excluding_expression, ..Plan::default() };
    let mut arguments = SqliteArguments::default();
    let sql = format!("SELECT d.id {from}{} ORDER BY d.id", where_clause(query, &plan, &mut arguments));
    let rows: Vec<(i64,)> = sqlx::query_as_with(AssertSqlSafe(sql), arguments).fetch_all(pool).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The number of matches and the facets, in one pass over the matches (or over
/// the ranking window, when the query has one; the total is then the estimate).
async fn count_and_facets(
    connection: &mut SqliteConnection,
    query: &Query,
    plan: &Plan,
    matches: Option<String>,
) -> Result<(i64, search::Facets)> {
    let mut arguments = SqliteArguments::default();
    // The matches' values as one JSON array, counted here: grouping them in SQL
    // sorts every match (at 10,000 matches, 7 ms against 2 ms for the array).
    let values = "SELECT json_group_array(json_array(d.site, substr(d.published, 1, 4), d.language))";
    let sql = match matches {
        // Matches already found (a JSON array of ids): the filters only.
        Some(matches) => {
            let sql = format!(
                "{values} FROM document_filters d{} AND d.id IN (SELECT value FROM json_each(?))",
                where_clause(query, &Plan::default(), &mut arguments)
            );
            add(&mut arguments, matches);
            sql
        }
        None => {
            let from = if plan.match_expression.is_some() { FROM_MATCHES } else { "FROM documents d" };
            format!("{values} {from}{}", where_clause(query, plan, &mut arguments))
        }
    };
    let (values,): (String,) =
        sqlx::query_as_with(AssertSqlSafe(sql), arguments).fetch_one(connection).await?;
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

#[derive(Default)]
struct Plan {
    /// The FTS5 expression for the required terms, if there are any.
    match_expression: Option<String>,
    /// With required and excluded terms: the FTS5 expression for the matches that
    /// hold an excluded term, which are left out (`excluding_expression`).
    excluding_expression: Option<String>,
    /// When not the match expression (a phrase of several words, words most
    /// documents hold): what the matches are scored by.
    scoring: Option<Scoring>,
    /// Rank only documents with at least this id (the most recent ones).
    window_start: Option<i64>,
    /// With no required term: an FTS5 expression for documents to leave out.
    excluded_expression: Option<String>,
    /// With a window: the highest document id, to which the matches counted in
    /// the window are extrapolated.
    newest: i64,
    /// When not empty: the matches are scored by `rank::NAME` with these numbers of
    /// documents holding each phrase of the expression scored, not by `bm25()`.
    holding: Vec<Holding>,
}

/// How a query is scored when not by BM25 over its own expression (see the
/// module documentation).
enum Scoring {
    /// By BM25 over these words: the required clauses with each phrase loosened to
    /// its words, less the words most documents hold (`scoring_expression`).
    Words(String),
    /// Not at all: every word is in most documents; newest first.
    Recency,
}

impl Plan {
    /// The plan the page's statement scores by, when that is not this one: a
    /// query with a phrase of several words, or with words most documents hold,
    /// is scored by its other words (see the module documentation), and the query
    /// is matched on its own.
    fn scoring_plan(&self) -> Option<Plan> {
        let Some(Scoring::Words(words)) = &self.scoring else { return None };
        Some(Plan {
            match_expression: Some(words.clone()),
            window_start: self.window_start,
            newest: self.newest,
            ..Plan::default()
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
    sql.push_str(&excluding_clause(plan, arguments));
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

/// The FTS5 expression for the required clauses. The excluded terms are left out
/// by `excluding_expression`, not by FTS5's `NOT`.
fn match_expression(query: &Query) -> Option<String> {
    required_expression(query, |term| {
        let mut written = String::new();
        push_term(&mut written, term);
        Some(written)
    })
}

/// The FTS5 expression for the documents that match `required` (the match
/// expression) and hold an excluded term: those left out of its matches. FTS5's
/// own `NOT` finds its first match from the archive's first document, whatever
/// the window: when the newest documents with `people` all hold `the`, `people
/// NOT the` read both words' documents back to the oldest (67 ms at a million
/// documents), where `people AND the` in the window is found by seeking (1 ms).
fn excluding_expression(query: &Query, required: &str) -> Option<String> {
    excluded(query).map(|excluded| format!("({required}) AND ({excluded})"))
}

/// ` AND … NOT IN (…)` for the plan's excluded matches, in its window, if it has any.
fn excluding_clause(plan: &Plan, arguments: &mut SqliteArguments) -> String {
    let Some(expression) = &plan.excluding_expression else { return String::new() };
    let mut sql = String::from(
        " AND documents_fts.rowid NOT IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?",
    );
    add(arguments, expression.clone());
    if let Some(start) = plan.window_start {
        sql.push_str(" AND rowid >= ?");
        add(arguments, start);
    }
    sql.push(')');
    sql
}

/// What the probe reads: the scoring expression, a superset of the matches, less
/// the `common` words — or, when every clause is left out with them, the query
/// loosened with them kept, so that the window is still the newest documents
/// that could match.
fn probe_expression(query: &Query, common: &HashSet<String>) -> String {
    scoring_expression(query, common)
        .or_else(|| scoring_expression(query, &HashSet::new()))
        .unwrap_or_default()
}

/// The required clauses with each phrase of several words loosened to all of its
/// words, less the `common` ones, and nothing excluded: every match of the query
/// matches it, and FTS5 matches it from document lists alone, without reading
/// word positions. A word a phrase repeats is written once: `bm25()` counts each
/// word's documents over the whole archive, once for every time it is written.
/// A phrase left without words matches anything, and so does its clause, which
/// is left out; `None` when every clause is.
fn scoring_expression(query: &Query, common: &HashSet<String>) -> Option<String> {
    required_expression(query, |term| {
        let Term::Phrase(words) = term else {
            let mut written = String::new();
            push_term(&mut written, term);
            return Some(written);
        };
        let mut seen = HashSet::new();
        let words: Vec<String> = words
            .iter()
            .filter(|word| !common.contains(*word) && seen.insert(word.as_str()))
            .map(|word| format!("\"{word}\""))
            .collect();
        match words.len() {
            0 => None,
            1 => words.into_iter().next(),
            _ => Some(format!("({})", words.join(" AND "))),
        }
    })
}

/// The required clauses, ANDed, each an OR of its terms as `write` writes them.
/// A term `write` gives nothing for matches anything, and so does its clause,
/// which is left out; `None` when no clause is left.
fn required_expression(query: &Query, write: impl Fn(&Term) -> Option<String>) -> Option<String> {
    let clauses: Vec<String> = query
        .required
        .iter()
        .filter_map(|clause| {
            let alternatives: Option<Vec<String>> = clause.iter().map(&write).collect();
            Some(format!("({})", alternatives?.join(" OR ")))
        })
        .collect();
    (!clauses.is_empty()).then(|| clauses.join(" AND "))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn common(words: &[&str]) -> HashSet<String> {
        words.iter().map(|word| (*word).to_owned()).collect()
    }

    #[test]
    fn phrases_are_listed_in_the_order_fts5_numbers_them() {
        let query = crate::query::parse("the \"quick fox\" OR jumps* -lazy").unwrap();
        assert_eq!(phrases(&match_expression(&query).unwrap()), ["\"the\"", "\"quick fox\"", "\"jumps\" *"]);
        assert_eq!(
            excluding_expression(&query, &match_expression(&query).unwrap()).unwrap(),
            "((\"the\") AND (\"quick fox\" OR \"jumps\" *)) AND (\"lazy\")"
        );
        assert_eq!(
            phrases(&scoring_expression(&query, &common(&["the"])).unwrap()),
            ["\"quick\"", "\"fox\"", "\"jumps\" *"]
        );
        assert!(phrases("").is_empty());
    }

    #[test]
    fn words_most_documents_hold_are_left_out_of_the_scoring() {
        let query = crate::query::parse("the \"quick the quick fox\" OR jumps*").unwrap();
        assert_eq!(
            scoring_expression(&query, &common(&[])).unwrap(),
            "(\"the\") AND ((\"quick\" AND \"the\" AND \"fox\") OR \"jumps\" *)"
        );
        assert_eq!(
            scoring_expression(&query, &common(&["the"])).unwrap(),
            "((\"quick\" AND \"fox\") OR \"jumps\" *)"
        );
        assert_eq!(
            scoring_expression(&query, &common(&["the", "quick"])).unwrap(),
            "(\"fox\" OR \"jumps\" *)"
        );
        // A phrase of common words matches anything, and so does its clause.
        assert_eq!(scoring_expression(&query, &common(&["the", "quick", "fox"])), None);
        let query = crate::query::parse("\"of the\" report").unwrap();
        assert_eq!(scoring_expression(&query, &common(&["of", "the"])).unwrap(), "(\"report\")");
    }

    #[test]
    fn the_probe_reads_the_rarer_words_of_a_phrase_and_all_of_one_made_of_common_words() {
        let query = crate::query::parse("\"the seltrean\"").unwrap();
        assert_eq!(probe_expression(&query, &common(&["the"])), "(\"seltrean\")");
        assert_eq!(probe_expression(&query, &common(&[])), "((\"the\" AND \"seltrean\"))");
        // Without its rarer words the probe would match every document: it keeps them all.
        let query = crate::query::parse("\"of the\"").unwrap();
        assert_eq!(probe_expression(&query, &common(&["of", "the"])), "((\"of\" AND \"the\"))");
        // A clause of alternatives goes whole, or not at all.
        let query = crate::query::parse("people the OR seltrean").unwrap();
        assert_eq!(probe_expression(&query, &common(&["the"])), "(\"people\")");
    }
}
