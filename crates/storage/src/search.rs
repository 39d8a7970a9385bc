//! Full-text search over the archive, with filters, facets and highlighted
//! snippets. The query syntax (`crate::query`), snippets and facet counting are
//! shared; each backend translates a `Query` into its own full-text index (SQLite
//! FTS5 in `sqlite::search`, PostgreSQL `tsvector` in `postgres::search`).
//!
//! Ranking weights the title above the body. Scoring every match of a very common
//! term would cost time in proportion to the archive, so both backends follow
//! one rule: when a relevance-ranked query is expected to match more documents
//! than the ranking window (`RANKING_WINDOW` by default), only the most recent
//! documents, about that many matches, are ranked. Such results say so
//! (`SearchResults::exhaustive == false`); for rarer queries ranking is exact.

use std::collections::HashMap;
use std::ops::Range;

use dossier_core::Document;

use crate::import::decode_model;
use crate::query::{self, Query};
use crate::{Backend, Result, Store, postgres, sqlite};

/// The most matches ranked exactly; beyond it, the most recent documents are
/// ranked. 4,000: in an archive of a million articles every query matching
/// fewer than 0.4 % of them is ranked exactly, and the window's cost is what the
/// slowest searches are made of: scoring a word in every document takes about
/// 0.7 µs a document of the window, besides 5 ms a word at 100,000 documents
/// that `bm25()` spends counting the word's documents, whatever the window
/// (`cargo xtask bench web` at 100,000 documents, search page p99 on a quiet
/// machine: 66 ms with a window of 10,000, 40 ms with 4,000, 29 ms with 2,000).
pub const RANKING_WINDOW: i64 = 4_000;
/// Title matches count this many times a body match.
pub(crate) const TITLE_WEIGHT: f64 = 4.0;
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
    /// Matching documents: exact when `exhaustive`, else an estimate extrapolated
    /// from the matches in the ranking window (`extrapolate`).
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
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::search(pool, self.ranking_window, &query, request).await,
            Backend::Postgres(database) => {
                postgres::search(database, self.ranking_window, &query, request).await
            }
        }
    }
}

/// One row of a backend's result page: id, title, site, published, language,
/// the compressed model, the original it was compressed against and the score.
pub(crate) type HitRow =
    (i64, String, Option<String>, Option<String>, Option<String>, Vec<u8>, Option<Vec<u8>>, f64);

/// Hits with snippets cut from each document's model.
pub(crate) fn hits(rows: Vec<HitRow>, query: &Query) -> Result<Vec<Hit>> {
    let highlight = query.highlight_tokens();
    let mut hits = Vec::with_capacity(rows.len());
    for (id, title, site, published, language, model, original, score) in rows {
        let document: Document = decode_model(id, &model, original.as_deref())?;
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
    Ok(hits)
}

/// One group of matches: site, year, language and how many.
pub(crate) type FacetGroup = (Option<String>, Option<String>, Option<String>, i64);

/// The number of matches of a windowed query, from those counted in its window
/// (documents `window_start..=newest`): as if they occurred as densely among the
/// older documents. Never fewer than were counted. An estimate from the window's
/// matches rather than from its words, so that a phrase or a filter that keeps a
/// few of them is not reported as matching as often as its words.
pub(crate) fn extrapolate(in_window: i64, window_start: i64, newest: i64) -> i64 {
    let span = (newest - window_start + 1).max(1);
    ((in_window as f64 * newest as f64 / span as f64).ceil() as i64).max(in_window)
}

/// The number of matches and the facets, from the matches counted by site, year
/// and language.
pub(crate) fn count_and_facets(groups: Vec<FacetGroup>) -> (i64, Facets) {
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
    (total, Facets { sites: top(sites), years: top(years), languages: top(languages) })
}

/// The 20 values with the most documents, most first (ties by value).
fn top(counts: HashMap<String, i64>) -> Vec<(String, i64)> {
    let mut counts: Vec<(String, i64)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counts.truncate(20);
    counts
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

#[cfg(test)]
mod tests {
    use super::extrapolate;

    #[test]
    fn a_windowed_total_follows_the_density_of_the_matches_in_the_window() {
        // 51 matches in documents 350..=400: as dense among the older ones.
        assert_eq!(extrapolate(51, 350, 400), 400);
        // A phrase that keeps 5 of them: about 40, not 400.
        assert_eq!(extrapolate(5, 350, 400), 40);
        // None in the window: none estimated.
        assert_eq!(extrapolate(0, 350, 400), 0);
        // Never fewer than were counted, whatever the ids.
        assert_eq!(extrapolate(7, 0, 0), 7);
    }
}
