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
use crate::text::{file_name, human_date};

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
    /// (anchor, text) of the sub-headings, for pieces long enough to want them.
    contents: Vec<(String, String)>,
    /// (text, speaker) of the statements quoted with a speaker.
    quotes: Vec<(String, String)>,
    /// (id, title, details) of the other documents of this story.
    coverage: Vec<(i64, String, String)>,
}

/// A block flattened for the template; `kind` picks the markup.
struct BlockView {
    kind: &'static str,
    /// The anchor of a heading, for the table of contents.
    anchor: String,
    level: u8,
    text: String,
    items: Vec<String>,
    ordered: bool,
}

impl From<&Block> for BlockView {
    fn from(block: &Block) -> BlockView {
        let mut view = BlockView {
            kind: "paragraph",
            anchor: String::new(),
            level: 2,
            text: String::new(),
            items: Vec::new(),
            ordered: false,
        };
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

/// A table of contents from this many sub-headings on.
const CONTENTS_FROM_HEADINGS: usize = 3;
/// Other documents of the story shown at most.
const COVERAGE_SHOWN: usize = 12;

async fn reading_view(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let StoredDocument { document, sources, story, .. } = state.store.document(id).await?;
    let original_url = document
        .canonical_url
        .clone()
        .or_else(|| document.url.clone())
        .filter(|url| url.starts_with("https://") || url.starts_with("http://"));
    let mut blocks: Vec<BlockView> = document.blocks.iter().map(BlockView::from).collect();
    let mut contents = Vec::new();
    for (index, block) in blocks.iter_mut().enumerate().filter(|(_, block)| block.kind == "heading") {
        block.anchor = format!("section-{index}");
        contents.push((block.anchor.clone(), block.text.clone()));
    }
    if contents.len() < CONTENTS_FROM_HEADINGS {
        contents.clear();
    }
    let quotes = document
        .quotes
        .iter()
        .filter_map(|quote| quote.speaker.as_ref().map(|speaker| (quote.text.clone(), speaker.clone())))
        .collect();
    let mut coverage = Vec::new();
    for member in state
        .store
        .story_members(story)
        .await?
        .into_iter()
        .filter(|member| *member != id)
        .take(COVERAGE_SHOWN)
    {
        let other = state.store.document(member).await?.document;
        let details: Vec<String> =
            [other.site.clone(), other.published.as_deref().map(human_date)].into_iter().flatten().collect();
        coverage.push((member, other.title, details.join(" · ")));
    }
    render(&DocumentPage {
        date: document.published.as_deref().map(human_date),
        published: document.published.clone(),
        authors: document.authors.join(", "),
        reading_minutes: document.reading_minutes,
        blocks,
        sources: sources.into_iter().map(|source| source.location).collect(),
        contents,
        quotes,
        coverage,
        title: document.title,
        dek: document.dek,
        site: document.site,
        original_url,
    })
}
