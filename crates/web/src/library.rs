//! The library (`/`) with its filters, counts and keyset pages; the tags
//! (`/tags`, a page and an Atom feed per tag); and the library's bulk actions
//! (`POST /library/bulk`: tag, untag, mark read or unread the selected documents).
//! Words in the library's form make it a search (`/search`, ranked by relevance)
//! with the library's filters written in the query syntax.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use dossier_core::model::WORDS_PER_MINUTE;
use dossier_storage::{LibraryCursor, LibraryEntry, LibraryFilter, LibraryRequest, LibrarySort};
use serde::Deserialize;

use crate::AppState;
use crate::error::{WebError, render};
use crate::page::{Form, Layout};
use crate::text::{file_name, human_date, query_string, tag_href};

const PAGE_SIZE: u32 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(library))
        .route("/library/bulk", post(bulk))
        .route("/tags", get(tags))
        .route("/tags/{name}", get(tag_page))
        .route("/tags/{name}/feed.atom", get(tag_feed))
}

/// The library's query string. Every field is optional; empty ones are ignored,
/// as a GET form sends them.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct LibraryParameters {
    site: Option<String>,
    tag: Option<String>,
    lang: Option<String>,
    from: Option<String>,
    until: Option<String>,
    unread: Option<String>,
    story: Option<String>,
    sort: Option<String>,
    after: Option<String>,
    /// Words to match: the library then hands over to the search page.
    q: Option<String>,
}

fn given(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|value| !value.is_empty()).map(str::to_owned)
}

impl LibraryParameters {
    fn filter(&self) -> Result<LibraryFilter, WebError> {
        Ok(LibraryFilter {
            site: given(&self.site),
            tag: given(&self.tag),
            language: given(&self.lang),
            published_from: given(&self.from),
            published_until: given(&self.until),
            unread: given(&self.unread).is_some(),
            story: match given(&self.story) {
                Some(story) => Some(story.parse().map_err(|_| WebError::BadRequest("story is a number"))?),
                None => None,
            },
        })
    }

    fn sort(&self) -> LibrarySort {
        match self.sort.as_deref() {
            Some("published") => LibrarySort::Published,
            _ => LibrarySort::Added,
        }
    }

    /// `base?query` for these parameters, without the page's cursor.
    fn href(&self, base: &str) -> String {
        let mut pairs = Vec::new();
        for (name, value) in [
            ("site", &self.site),
            ("tag", &self.tag),
            ("lang", &self.lang),
            ("from", &self.from),
            ("until", &self.until),
            ("story", &self.story),
        ] {
            if let Some(value) = given(value) {
                pairs.push((name, value));
            }
        }
        if given(&self.unread).is_some() {
            pairs.push(("unread", "1".to_owned()));
        }
        if self.sort() == LibrarySort::Published {
            pairs.push(("sort", "published".to_owned()));
        }
        if pairs.is_empty() { base.to_owned() } else { format!("{base}?{}", query_string(&pairs)) }
    }

    /// With words to match, the search page's address for them and these filters
    /// in the query syntax (`tag` is a tag page's own tag): ranking by relevance
    /// needs words, and the search page ranks, highlights and sorts them. A sort
    /// by publication date is kept; the default order becomes relevance. Unread only
    /// and a story have no equivalent in the query syntax and are not carried.
    fn search_href(&self, tag: Option<&str>) -> Option<String> {
        let words = given(&self.q)?;
        let quoted = |value: String| format!("\"{}\"", value.replace('"', ""));
        let mut query = vec![words];
        if let Some(site) = given(&self.site) {
            query.push(format!("site:{}", quoted(site)));
        }
        if let Some(tag) = tag.map(str::to_owned).or_else(|| given(&self.tag)) {
            query.push(format!("tag:{}", quoted(tag)));
        }
        if let Some(language) = given(&self.lang) {
            query.push(format!("lang:{}", quoted(language)));
        }
        if let Some(from) = given(&self.from) {
            query.push(format!("after:{from}"));
        }
        if let Some(until) = given(&self.until) {
            // `until` includes its whole period; `before:` excludes the one it names.
            query.push(format!("before:{}", period_after(&until).unwrap_or(until)));
        }
        let mut pairs = vec![("q", query.join(" "))];
        if self.sort() == LibrarySort::Published {
            pairs.push(("sort", "published".to_owned()));
        }
        Some(format!("/search?{}", query_string(&pairs)))
    }

    fn with(&self, change: impl FnOnce(&mut LibraryParameters)) -> LibraryParameters {
        let mut changed = self.clone();
        changed.after = None;
        change(&mut changed);
        changed
    }
}

#[derive(Template)]
#[template(path = "library.html")]
struct LibraryPage {
    layout: Layout,
    heading: String,
    /// The page's own address without a query (`/` or a tag's page).
    base: String,
    entries: Vec<EntryView>,
    total: i64,
    unread: i64,
    error: Option<String>,
    /// (label, address without it) of each filter in force.
    active: Vec<(String, String)>,
    facets: Vec<FacetView>,
    sorts: Vec<(&'static str, &'static str, String)>,
    sort: &'static str,
    next_href: Option<String>,
    first_href: Option<String>,
    feed_href: Option<String>,
    /// A tag page's timeline and quotes.
    story_hrefs: Option<(String, String)>,
    /// The filter form's current values.
    site: String,
    tag: String,
    lang: String,
    from: String,
    until: String,
    unread_only: bool,
    story: String,
    /// On a tag's page the tag is the page, not a field of the form.
    tag_in_form: bool,
}

pub(crate) struct EntryView {
    id: i64,
    title: String,
    date: Option<String>,
    published: String,
    source: Option<String>,
    language: Option<String>,
    reading_minutes: u64,
    excerpt: String,
    tags: Vec<(String, String)>,
    read: bool,
    story_size: i64,
    story_href: String,
}

impl EntryView {
    /// The entry's date in a feed: its publication date, else the feed's.
    fn atom_updated(&self, fallback: &str) -> String {
        if self.published.is_empty() { fallback.to_owned() } else { atom_date(&self.published) }
    }

    fn new(entry: LibraryEntry, parameters: &LibraryParameters, base: &str) -> EntryView {
        EntryView {
            id: entry.id,
            date: entry.published.as_deref().map(human_date),
            published: entry.published.unwrap_or_default(),
            source: entry.site.or_else(|| entry.first_location.as_deref().map(file_name)),
            language: entry.language,
            reading_minutes: (entry.word_count.max(0) as u64).div_ceil(WORDS_PER_MINUTE as u64),
            excerpt: entry.excerpt,
            tags: entry.tags.iter().map(|name| (name.clone(), tag_href(name))).collect(),
            read: entry.read,
            story_size: entry.story_size,
            story_href: parameters.with(|p| p.story = Some(entry.story.to_string())).href(base),
            title: entry.title,
        }
    }
}

pub(crate) struct FacetView {
    name: &'static str,
    values: Vec<(String, i64, String)>,
}

/// The period just after a date prefix: `2024` → `2025`, `2024-12` → `2025-01`,
/// `2024-02-29` → `2024-03-01`. None when it is not a date prefix.
fn period_after(date: &str) -> Option<String> {
    // Four digits, then two and two: the numbers stay small whatever the address holds.
    let digits =
        |part: &str, length: usize| part.len() == length && part.bytes().all(|byte| byte.is_ascii_digit());
    if !date.split('-').enumerate().all(|(index, part)| digits(part, if index == 0 { 4 } else { 2 })) {
        return None;
    }
    let parts: Vec<u32> = date.split('-').map(|part| part.parse().ok()).collect::<Option<_>>()?;
    match *parts.as_slice() {
        [year] => Some(format!("{:04}", year + 1)),
        [year, 12] => Some(format!("{:04}-01", year + 1)),
        [year, month] => Some(format!("{year:04}-{:02}", month + 1)),
        [year, month, day] => {
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
            let days = match month {
                2 if leap => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            Some(if day < days {
                format!("{year:04}-{month:02}-{:02}", day + 1)
            } else if month < 12 {
                format!("{year:04}-{:02}-01", month + 1)
            } else {
                format!("{:04}-01-01", year + 1)
            })
        }
        _ => None,
    }
}

async fn library(
    State(state): State<AppState>,
    layout: Layout,
    Query(parameters): Query<LibraryParameters>,
) -> Result<Response, WebError> {
    if let Some(href) = parameters.search_href(None) {
        return Ok(Redirect::to(&href).into_response());
    }
    let page = library_page(&state, layout, parameters, Context::library()).await?;
    Ok(render(&page)?.into_response())
}

/// Which library page is shown: the whole library, or a tag's page.
struct Context {
    base: String,
    heading: String,
    feed_href: Option<String>,
    /// The tag a tag's page shows, which is in its address rather than its query.
    tag: Option<String>,
}

impl Context {
    fn library() -> Context {
        Context { base: "/".to_owned(), heading: "Library".to_owned(), feed_href: None, tag: None }
    }
}

/// A library page, filtered by `parameters`.
async fn library_page(
    state: &AppState,
    layout: Layout,
    parameters: LibraryParameters,
    context: Context,
) -> Result<LibraryPage, WebError> {
    let base = context.base.as_str();
    let tag_in_form = context.tag.is_none();
    let mut filter = parameters.filter()?;
    if context.tag.is_some() {
        filter.tag = context.tag.clone();
    }
    let sort = parameters.sort();
    let request = LibraryRequest {
        filter,
        sort,
        after: parameters.after.as_deref().and_then(LibraryCursor::decode),
        limit: PAGE_SIZE,
    };
    let mut view = LibraryPage {
        layout,
        heading: context.heading.clone(),
        base: base.to_owned(),
        entries: Vec::new(),
        total: 0,
        unread: 0,
        error: None,
        active: Vec::new(),
        facets: Vec::new(),
        sorts: [("added", "Recently added"), ("published", "Newest published")]
            .into_iter()
            .map(|(name, label)| {
                (name, label, parameters.with(|p| p.sort = Some(name.to_owned())).href(base))
            })
            .collect(),
        sort: if sort == LibrarySort::Published { "published" } else { "added" },
        next_href: None,
        first_href: request.after.is_some().then(|| parameters.href(base)),
        feed_href: context.feed_href.clone(),
        story_hrefs: context.tag.as_deref().map(|name| {
            let q = format!("tag:\"{name}\"");
            (crate::story::timeline_href(&q), crate::story::quotes_href(&q))
        }),
        site: given(&parameters.site).unwrap_or_default(),
        tag: given(&parameters.tag).unwrap_or_default(),
        lang: given(&parameters.lang).unwrap_or_default(),
        from: given(&parameters.from).unwrap_or_default(),
        until: given(&parameters.until).unwrap_or_default(),
        unread_only: request.filter.unread,
        story: given(&parameters.story).unwrap_or_default(),
        tag_in_form,
    };
    for (label, value, clear) in [
        ("Site", &parameters.site, (|p| p.site = None) as fn(&mut LibraryParameters)),
        ("Tag", &parameters.tag, |p| p.tag = None),
        ("Language", &parameters.lang, |p| p.lang = None),
        ("From", &parameters.from, |p| p.from = None),
        ("Until", &parameters.until, |p| p.until = None),
        ("Story", &parameters.story, |p| p.story = None),
    ] {
        if let Some(value) = given(value) {
            view.active.push((format!("{label}: {value}"), parameters.with(clear).href(base)));
        }
    }
    if request.filter.unread {
        view.active.push(("Unread only".to_owned(), parameters.with(|p| p.unread = None).href(base)));
    }
    let page = match state.store.library(&request).await {
        Ok(page) => page,
        // A date the reader mistyped is theirs to fix, on the page itself.
        Err(dossier_storage::Error::InvalidQuery(message)) => {
            view.error = Some(message);
            return Ok(view);
        }
        Err(error) => return Err(error.into()),
    };
    view.total = page.total;
    view.unread = page.unread;
    view.next_href = page.next.map(|cursor| {
        let href = parameters.href(base);
        let separator = if href.contains('?') { '&' } else { '?' };
        format!("{href}{separator}{}", query_string(&[("after", cursor.encode())]))
    });
    view.entries = page.entries.into_iter().map(|entry| EntryView::new(entry, &parameters, base)).collect();
    let facet =
        |name: &'static str, values: Vec<(String, i64)>, set: fn(&mut LibraryParameters, String)| FacetView {
            name,
            values: values
                .into_iter()
                .map(|(value, count)| {
                    let href = parameters.with(|p| set(p, value.clone())).href(base);
                    (value, count, href)
                })
                .collect(),
        };
    let mut facets = vec![
        facet("Site", page.sites, |p, value| p.site = Some(value)),
        facet("Language", page.languages, |p, value| p.lang = Some(value)),
    ];
    if tag_in_form {
        facets.push(facet("Tag", page.tags, |p, value| p.tag = Some(value)));
    }
    facets.retain(|facet| !facet.values.is_empty());
    view.facets = facets;
    Ok(view)
}

async fn bulk(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Response, WebError> {
    let form = Form::parse(&body);
    form.verify(&headers)?;
    let ids: Vec<i64> = form.all("id").filter_map(|id| id.parse().ok()).collect();
    if !ids.is_empty() {
        match form.get("action") {
            Some("tag") => {
                state.store.add_tag(&ids, form.get("tag").unwrap_or_default()).await?;
            }
            Some("untag") => {
                state.store.remove_tag(&ids, form.get("tag").unwrap_or_default()).await?;
            }
            Some("read") => state.store.set_read(&ids, true).await?,
            Some("unread") => state.store.set_read(&ids, false).await?,
            _ => return Err(WebError::BadRequest("choose what to do with the selected documents")),
        }
    }
    Ok(form.return_to().into_response())
}

#[derive(Template)]
#[template(path = "tags.html")]
struct TagsPage {
    layout: Layout,
    /// (name, documents, address).
    tags: Vec<(String, i64, String)>,
}

async fn tags(State(state): State<AppState>, layout: Layout) -> Result<Html<String>, WebError> {
    let tags = state.store.tags().await?;
    render(&TagsPage {
        layout,
        tags: tags
            .into_iter()
            .map(|(name, count)| {
                let href = tag_href(&name);
                (name, count, href)
            })
            .collect(),
    })
}

async fn tag_page(
    State(state): State<AppState>,
    layout: Layout,
    Path(name): Path<String>,
    Query(mut parameters): Query<LibraryParameters>,
) -> Result<Response, WebError> {
    let known =
        state.store.tags().await?.into_iter().any(|(tag, _)| tag.to_lowercase() == name.to_lowercase());
    if !known {
        return Err(WebError::NotFound);
    }
    if let Some(href) = parameters.search_href(Some(&name)) {
        return Ok(Redirect::to(&href).into_response());
    }
    let base = tag_href(&name);
    // The tag is in the page's address; links on the page must not repeat it.
    parameters.tag = None;
    let context = Context {
        heading: format!("Tagged “{name}”"),
        feed_href: Some(format!("{base}/feed.atom")),
        base,
        tag: Some(name),
    };
    let page = library_page(&state, layout, parameters, context).await?;
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "tag.atom", escape = "html")]
struct TagFeed {
    name: String,
    self_href: String,
    alternate_href: String,
    updated: String,
    entries: Vec<EntryView>,
}

async fn tag_feed(State(state): State<AppState>, Path(name): Path<String>) -> Result<Response, WebError> {
    let filter = LibraryFilter { tag: Some(name.clone()), ..LibraryFilter::default() };
    let page = state.store.library(&LibraryRequest::new(filter)).await?;
    if page.total == 0 {
        return Err(WebError::NotFound);
    }
    let base = tag_href(&name);
    let parameters = LibraryParameters::default();
    let entries: Vec<EntryView> =
        page.entries.into_iter().map(|entry| EntryView::new(entry, &parameters, &base)).collect();
    let updated = entries
        .iter()
        .map(|entry| entry.published.clone())
        .filter(|date| !date.is_empty())
        .max()
        .map(|date| atom_date(&date))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned());
    let feed =
        TagFeed { self_href: format!("{base}/feed.atom"), alternate_href: base, name, updated, entries };
    let xml = feed.render().map_err(|error| WebError::Internal(format!("rendering the feed: {error}")))?;
    Ok(([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], xml).into_response())
}

/// An ISO date or date-time as Atom wants it: a full date-time.
fn atom_date(date: &str) -> String {
    if date.len() == 10 { format!("{date}T00:00:00Z") } else { date.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::period_after;

    #[test]
    fn the_period_after_a_date_prefix_rolls_over_months_and_years() {
        let after = |date| period_after(date).unwrap_or_default();
        assert_eq!(after("2024"), "2025");
        assert_eq!(after("2024-03"), "2024-04");
        assert_eq!(after("2024-12"), "2025-01");
        assert_eq!(after("2024-03-14"), "2024-03-15");
        assert_eq!(after("2024-02-28"), "2024-02-29");
        assert_eq!(after("2023-02-28"), "2023-03-01");
        assert_eq!(after("2024-04-30"), "2024-05-01");
        assert_eq!(after("2024-12-31"), "2025-01-01");
        assert_eq!(period_after("March"), None);
        assert_eq!(period_after("4294967295"), None);
        assert_eq!(period_after("+999"), None);
    }
}
