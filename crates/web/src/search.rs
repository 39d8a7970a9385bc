//! Search: the page (`/search?q=…`), its Atom feed (`/search.atom?q=…`), and the
//! hits' highlighted snippets.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use dossier_storage::{Hit, SearchRequest, SearchResults, SortOrder};
use serde::Deserialize;

use crate::AppState;
use crate::error::{WebError, render};
use crate::page::Layout;
use crate::text::{human_date, query_string};

const PAGE_SIZE: u32 = 20;

pub fn router() -> Router<AppState> {
    Router::new().route("/search", get(search_page)).route("/search.atom", get(search_feed))
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct SearchParameters {
    #[serde(default)]
    pub(crate) q: String,
    pub(crate) sort: Option<String>,
    pub(crate) page: Option<u32>,
}

impl SearchParameters {
    fn sort(&self) -> SortOrder {
        match self.sort.as_deref() {
            Some("published") => SortOrder::Published,
            Some("added") => SortOrder::Added,
            _ => SortOrder::Relevance,
        }
    }

    fn sort_name(&self) -> &'static str {
        match self.sort() {
            SortOrder::Relevance => "relevance",
            SortOrder::Published => "published",
            SortOrder::Added => "added",
        }
    }

    /// This search's address with `changes` applied (`q`, `sort`, `page`).
    fn href(&self, path: &str, q: &str, sort: &str, page: u32) -> String {
        let mut pairs = vec![("q", q.to_owned())];
        if sort != "relevance" {
            pairs.push(("sort", sort.to_owned()));
        }
        if page > 1 {
            pairs.push(("page", page.to_string()));
        }
        format!("{path}?{}", query_string(&pairs))
    }
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    layout: Layout,
    q: String,
    sort: &'static str,
    hits: Vec<HitView>,
    total: i64,
    exhaustive: bool,
    error: Option<String>,
    facets: Vec<FacetView>,
    sorts: Vec<(&'static str, &'static str, String)>,
    previous_href: Option<String>,
    next_href: Option<String>,
    feed_href: String,
    timeline_href: String,
    quotes_href: String,
    first: u32,
    last: u32,
}

pub(crate) struct HitView {
    pub(crate) id: i64,
    pub(crate) title: String,
    pub(crate) details: String,
    /// The snippet in pieces; `true` marks the words that matched.
    pub(crate) snippet: Vec<(String, bool)>,
    pub(crate) published: Option<String>,
}

struct FacetView {
    name: &'static str,
    values: Vec<(String, i64, String)>,
}

impl From<&Hit> for HitView {
    fn from(hit: &Hit) -> HitView {
        let mut details = Vec::new();
        if let Some(site) = &hit.site {
            details.push(site.clone());
        }
        if let Some(published) = &hit.published {
            details.push(human_date(published));
        }
        let text = &hit.snippet.text;
        let mut snippet = Vec::new();
        let mut at = 0;
        for range in &hit.snippet.highlights {
            if range.start < at || range.end > text.len() {
                continue;
            }
            if range.start > at {
                snippet.push((text[at..range.start].to_owned(), false));
            }
            snippet.push((text[range.clone()].to_owned(), true));
            at = range.end;
        }
        snippet.push((text[at..].to_owned(), false));
        HitView {
            id: hit.id,
            title: hit.title.clone(),
            details: details.join(" · "),
            snippet,
            published: hit.published.clone(),
        }
    }
}

async fn run(
    state: &AppState,
    parameters: &SearchParameters,
) -> Result<Result<SearchResults, String>, WebError> {
    let page = parameters.page.unwrap_or(1).max(1);
    let request = SearchRequest {
        query: parameters.q.clone(),
        sort: parameters.sort(),
        limit: PAGE_SIZE,
        offset: (page - 1).saturating_mul(PAGE_SIZE),
    };
    match state.store.search(&request).await {
        Ok(results) => Ok(Ok(results)),
        // A query the syntax rejects is the reader's to fix, not a server error.
        Err(dossier_storage::Error::InvalidQuery(message)) => Ok(Err(message)),
        Err(error) => Err(error.into()),
    }
}

async fn search_page(
    State(state): State<AppState>,
    layout: Layout,
    Query(parameters): Query<SearchParameters>,
) -> Result<Html<String>, WebError> {
    let page = parameters.page.unwrap_or(1).max(1);
    let sort = parameters.sort_name();
    let (results, error) = match run(&state, &parameters).await? {
        Ok(results) => (Some(results), None),
        Err(message) => (None, Some(message)),
    };
    let q = parameters.q.trim().to_owned();
    let mut view = SearchPage {
        layout,
        sorts: [("relevance", "Relevance"), ("published", "Newest published"), ("added", "Recently added")]
            .into_iter()
            .map(|(name, label)| (name, label, parameters.href("/search", &q, name, 1)))
            .collect(),
        feed_href: parameters.href("/search.atom", &q, sort, 1),
        timeline_href: crate::story::timeline_href(&q),
        quotes_href: crate::story::quotes_href(&q),
        q,
        sort,
        hits: Vec::new(),
        total: 0,
        exhaustive: true,
        error,
        facets: Vec::new(),
        previous_href: None,
        next_href: None,
        first: 0,
        last: 0,
    };
    if let Some(results) = results {
        let offset = (page - 1) * PAGE_SIZE;
        view.first = offset + 1;
        view.last = offset + results.hits.len() as u32;
        view.hits = results.hits.iter().map(HitView::from).collect();
        view.total = results.total;
        view.exhaustive = results.exhaustive;
        view.previous_href = (page > 1).then(|| parameters.href("/search", &view.q, sort, page - 1));
        view.next_href = (i64::from(view.last) < results.total && !results.hits.is_empty())
            .then(|| parameters.href("/search", &view.q, sort, page + 1));
        let facet = |name: &'static str, key: &str, values: &[(String, i64)]| FacetView {
            name,
            values: values
                .iter()
                .map(|(value, count)| {
                    let filter = if value.contains(' ') {
                        format!("{key}:\"{value}\"")
                    } else {
                        format!("{key}:{value}")
                    };
                    let q = format!("{} {filter}", view.q).trim().to_owned();
                    (value.clone(), *count, parameters.href("/search", &q, sort, 1))
                })
                .collect(),
        };
        view.facets = vec![
            facet("Site", "site", &results.facets.sites),
            facet("Year", "after", &[]),
            facet("Language", "lang", &results.facets.languages),
        ];
        // Years filter as a range: after:YEAR before:YEAR+1.
        view.facets[1].values = results
            .facets
            .years
            .iter()
            .filter_map(|(year, count)| {
                let next: u32 = year.parse::<u32>().ok()? + 1;
                let q = format!("{} after:{year} before:{next}", view.q).trim().to_owned();
                Some((year.clone(), *count, parameters.href("/search", &q, sort, 1)))
            })
            .collect();
        view.facets.retain(|facet| !facet.values.is_empty());
    }
    render(&view)
}

#[derive(Template)]
#[template(path = "search.atom", escape = "html")]
struct SearchFeed {
    q: String,
    self_href: String,
    alternate_href: String,
    updated: String,
    entries: Vec<HitView>,
}

async fn search_feed(
    State(state): State<AppState>,
    Query(parameters): Query<SearchParameters>,
) -> Result<Response, WebError> {
    let results = match run(&state, &parameters).await? {
        Ok(results) => results,
        Err(_) => return Err(WebError::BadRequest("the query is not valid; see /search for the syntax")),
    };
    let q = parameters.q.trim().to_owned();
    let entries: Vec<HitView> = results.hits.iter().map(HitView::from).collect();
    let updated = entries
        .iter()
        .filter_map(|entry| entry.published.clone())
        .max()
        .map(|date| if date.len() == 10 { format!("{date}T00:00:00Z") } else { date })
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned());
    let feed = SearchFeed {
        self_href: parameters.href("/search.atom", &q, parameters.sort_name(), 1),
        alternate_href: parameters.href("/search", &q, parameters.sort_name(), 1),
        q,
        updated,
        entries,
    };
    let xml = feed.render().map_err(|error| WebError::Internal(format!("rendering the feed: {error}")))?;
    Ok(([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], xml).into_response())
}
