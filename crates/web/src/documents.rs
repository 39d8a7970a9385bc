//! The library (`/`) and the reading view (`/documents/{id}`).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use axum::routing::get;
use dossier_core::Block;
use dossier_storage::{DocumentSummary, StoredDocument};
use serde::Deserialize;

use crate::AppState;
use crate::error::{WebError, render};

const PAGE_SIZE: u32 = 50;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(library)).route("/documents/{id}", get(reading_view))
}

#[derive(Debug, Deserialize)]
struct LibraryQuery {
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "library.html")]
struct LibraryPage {
    documents: Vec<SummaryView>,
    total: i64,
    page: u32,
    previous_page: Option<u32>,
    next_page: Option<u32>,
}

struct SummaryView {
    id: i64,
    title: String,
    date: Option<String>,
    source: Option<String>,
    excerpt: String,
}

impl From<DocumentSummary> for SummaryView {
    fn from(summary: DocumentSummary) -> SummaryView {
        SummaryView {
            id: summary.id,
            title: summary.title,
            date: summary.published.as_deref().map(human_date),
            source: summary.site.or_else(|| summary.first_location.as_deref().map(file_name)),
            excerpt: summary.excerpt,
        }
    }
}

async fn library(
    State(state): State<AppState>,
    Query(query): Query<LibraryQuery>,
) -> Result<Html<String>, WebError> {
    let page = query.page.unwrap_or(1).max(1);
    let offset = (page - 1).saturating_mul(PAGE_SIZE);
    let total = state.store.count_documents().await?;
    let documents = state.store.list_documents(PAGE_SIZE, offset).await?;
    let shown_until = i64::from(offset) + documents.len() as i64;
    render(&LibraryPage {
        documents: documents.into_iter().map(SummaryView::from).collect(),
        total,
        page,
        previous_page: (page > 1).then(|| page - 1),
        next_page: (shown_until < total).then(|| page + 1),
    })
}

#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage {
    title: String,
    dek: Option<String>,
    authors: String,
    date: Option<String>,
    published: Option<String>,
    site: Option<String>,
    original_url: Option<String>,
    reading_minutes: usize,
    blocks: Vec<BlockView>,
    sources: Vec<String>,
}

/// A block flattened for the template; `kind` picks the markup.
struct BlockView {
    kind: &'static str,
    level: u8,
    text: String,
    items: Vec<String>,
    ordered: bool,
}

impl From<&Block> for BlockView {
    fn from(block: &Block) -> BlockView {
        let mut view =
            BlockView { kind: "paragraph", level: 2, text: String::new(), items: Vec::new(), ordered: false };
        match block {
            Block::Heading { level, text } => {
                view.kind = "heading";
                view.level = (*level).clamp(2, 6);
                view.text = text.clone();
            }
            Block::Paragraph { text } => view.text = text.clone(),
            Block::Quote { text, cite } => {
                view.kind = "quote";
                view.text = text.clone();
                view.items = cite.iter().cloned().collect();
            }
            Block::List { ordered, items } => {
                view.kind = "list";
                view.ordered = *ordered;
                view.items = items.clone();
            }
            // Images are never hot-linked: until local copies exist, the caption stands in.
            Block::Image { .. } => {
                view.kind = "figure";
                view.text = block.text();
            }
            Block::Code { text, .. } => {
                view.kind = "code";
                view.text = text.clone();
            }
            Block::Rule => view.kind = "rule",
        }
        view
    }
}

async fn reading_view(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let StoredDocument { document, sources, .. } = state.store.document(id).await?;
    let original_url = document
        .canonical_url
        .clone()
        .or_else(|| document.url.clone())
        .filter(|url| url.starts_with("https://") || url.starts_with("http://"));
    render(&DocumentPage {
        date: document.published.as_deref().map(human_date),
        published: document.published.clone(),
        authors: document.authors.join(", "),
        reading_minutes: document.reading_minutes,
        blocks: document.blocks.iter().map(BlockView::from).collect(),
        sources: sources.into_iter().map(|source| source.location).collect(),
        title: document.title,
        dek: document.dek,
        site: document.site,
        original_url,
    })
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "2024-04-02" (or a date-time starting so) as "2 April 2024"; anything else as it is.
fn human_date(iso: &str) -> String {
    let date = iso.get(..10).unwrap_or(iso);
    let mut parts = date.splitn(3, '-').map(str::parse::<u32>);
    match (parts.next(), parts.next(), parts.next()) {
        (Some(Ok(year)), Some(Ok(month @ 1..=12)), Some(Ok(day @ 1..=31))) => {
            format!("{day} {} {year}", MONTHS[month as usize - 1])
        }
        (Some(Ok(year)), Some(Ok(month @ 1..=12)), None) => {
            format!("{} {year}", MONTHS[month as usize - 1])
        }
        _ => iso.to_owned(),
    }
}

/// The last component of a path or URL, for showing where a document came from.
fn file_name(location: &str) -> String {
    location.trim_end_matches('/').rsplit(['/', '\\']).next().unwrap_or(location).to_owned()
}

#[cfg(test)]
mod tests {
    use super::{file_name, human_date};

    #[test]
    fn dates_read_as_people_write_them() {
        assert_eq!(human_date("2024-04-02"), "2 April 2024");
        assert_eq!(human_date("2024-12-31T23:00:00Z"), "31 December 2024");
        assert_eq!(human_date("2024-13-01"), "2024-13-01");
        assert_eq!(human_date("yesterday"), "yesterday");
    }

    #[test]
    fn sources_show_their_file_name() {
        assert_eq!(file_name("/home/a/seeds/000.txt"), "000.txt");
        assert_eq!(file_name("https://example.org/story/"), "story");
    }
}
