//! The reading view (`/documents/{id}`) and what the reader does there: mark
//! it read or unread, add and remove tags, and (from the page's script) save how
//! far they got. The highlights and notes an export carried are shown after the
//! body.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use std::collections::HashMap;

use dossier_core::{Block, Document};
use dossier_storage::{ReadingPage, StoredHighlight};

use crate::AppState;
use crate::error::{WebError, render};
use crate::page::{Form, Layout};
use crate::story::{entity_href, timeline_href};
use crate::text::{human_date, tag_href};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/documents/{id}", get(reading_view))
        .route("/documents/{id}/read", post(mark_read))
        .route("/documents/{id}/tags", post(change_tags))
        .route("/documents/{id}/position", post(save_position))
        .route("/images/{sha256}", get(image))
}

#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage<'a> {
    layout: Layout,
    id: i64,
    title: &'a str,
    read: bool,
    /// (name, address) of its tags.
    tags: Vec<(String, String)>,
    /// The neighbours in the library: the newer and the older document.
    previous: Option<i64>,
    next: Option<i64>,
    /// The anchor of the block the reader had reached, when past the beginning.
    resume: Option<String>,
    position: i64,
    dek: Option<&'a str>,
    authors: String,
    date: Option<String>,
    published: Option<String>,
    site: Option<&'a str>,
    original_url: Option<String>,
    reading_minutes: usize,
    blocks: Vec<BlockView<'a>>,
    sources: Vec<String>,
    /// (anchor, text) of the sub-headings, for pieces long enough to want them.
    contents: Vec<(String, String)>,
    /// (text, speaker, the speaker's entity page) of the statements quoted with a speaker.
    quotes: Vec<(String, String, Option<String>)>,
    /// (id, title, details) of the other documents of this story.
    coverage: Vec<(i64, String, String)>,
    /// The timeline of this document's story, when the story has other documents.
    story_timeline: Option<String>,
    highlights: Vec<HighlightView>,
}

/// A highlighted passage and the reader's note on it, as the page shows them.
struct HighlightView {
    text: Option<String>,
    note: Option<String>,
    /// When it was made, as ISO 8601 and as people write it, when the export said.
    created: Option<String>,
    date: Option<String>,
}

impl From<StoredHighlight> for HighlightView {
    fn from(highlight: StoredHighlight) -> HighlightView {
        HighlightView {
            date: highlight.created.as_deref().map(human_date),
            created: highlight.created,
            text: highlight.text,
            note: highlight.note,
        }
    }
}

/// A block flattened for the template; `kind` picks the markup. It borrows the
/// document's text: a page copies nothing it shows.
struct BlockView<'a> {
    kind: &'static str,
    /// Its anchor: `section-N` for a heading (the table of contents links
    /// there), `resume` for the block where the reader stopped; else none.
    anchor: String,
    level: u8,
    text: &'a str,
    items: &'a [String],
    /// A quote's source, shown under it.
    cite: Option<&'a str>,
    ordered: bool,
    /// The text cut where it names an entity: (text, the entity's page). Empty
    /// when nothing in the block is linked; `text` is shown then.
    segments: Vec<(&'a str, Option<String>)>,
    /// A figure's image, from its local copy (`/images/HASH`); empty when there
    /// is none, and the caption (or the alternative text) stands in.
    image: String,
    alt: &'a str,
}

impl<'a> From<&'a Block> for BlockView<'a> {
    fn from(block: &'a Block) -> BlockView<'a> {
        let mut view = BlockView {
            kind: "paragraph",
            anchor: String::new(),
            level: 2,
            text: "",
            items: &[],
            cite: None,
            ordered: false,
            segments: Vec::new(),
            image: String::new(),
            alt: "",
        };
        match block {
            Block::Heading { level, text } => {
                view.kind = "heading";
                view.level = (*level).clamp(2, 6);
                view.text = text;
            }
            Block::Paragraph { text } => view.text = text,
            Block::Quote { text, cite } => {
                view.kind = "quote";
                view.text = text;
                view.cite = cite.as_deref();
            }
            Block::List { ordered, items } => {
                view.kind = "list";
                view.ordered = *ordered;
                view.items = items;
            }
            // Images are never hot-linked: see `show_local_copy`. As `Block::text`:
            // the caption, else the alternative text.
            Block::Image { caption, alt, .. } => {
                view.kind = "figure";
                view.text = caption.as_deref().or(alt.as_deref()).unwrap_or_default();
            }
            Block::Code { text, .. } => {
                view.kind = "code";
                view.text = text;
            }
            Block::Rule => view.kind = "rule",
        }
        view
    }
}

/// Where the reading view links an entity's name to its page: the first
/// mention of each entity the archive knows, by block index, as (start, end,
/// address) byte ranges of the block's text in order.
fn entity_links(
    document: &Document,
    entities: &HashMap<usize, i64>,
) -> HashMap<usize, Vec<(usize, usize, String)>> {
    let mut links: HashMap<usize, Vec<(usize, usize, String)>> = HashMap::new();
    for (position, entity) in document.entities.iter().enumerate() {
        let Some(id) = entities.get(&position) else { continue };
        if let Some((block, mention)) =
            entity.mentions.iter().find_map(|mention| mention.block.map(|block| (block, mention)))
        {
            links.entry(block).or_default().push((mention.start, mention.end, entity_href(*id)));
        }
    }
    for ranges in links.values_mut() {
        ranges.sort_unstable();
    }
    links
}

/// `shown` cut into plain and linked pieces at `links`, when `shown` is the
/// block's text the mentions measure (`model_text`); ranges that overlap an
/// earlier one or do not fall on character boundaries are left plain.
fn linked_segments<'a>(
    model_text: &str,
    shown: &'a str,
    links: Vec<(usize, usize, String)>,
) -> Vec<(&'a str, Option<String>)> {
    if model_text != shown {
        return Vec::new();
    }
    let mut segments = Vec::new();
    let mut done = 0;
    for (start, end, href) in links {
        if start < done || start >= end || shown.get(start..end).is_none() {
            continue;
        }
        if start > done {
            segments.push((&shown[done..start], None));
        }
        segments.push((&shown[start..end], Some(href)));
        done = end;
    }
    if segments.is_empty() {
        return segments;
    }
    if done < shown.len() {
        segments.push((&shown[done..], None));
    }
    segments
}

/// A table of contents from this many sub-headings on.
const CONTENTS_FROM_HEADINGS: usize = 3;
/// Other documents of the story shown at most.
pub const COVERAGE_SHOWN: usize = 12;

/// Shows an image block's local copy, when the archive keeps one, with its
/// caption under it; an image without one is never fetched from where the page
/// found it (that would tell its host who reads what), and its caption or
/// alternative text stands in.
fn show_local_copy<'a>(view: &mut BlockView<'a>, block: &'a Block, images: &HashMap<String, String>) {
    if let Block::Image { src, alt, caption } = block
        && let Some(sha256) = images.get(src)
    {
        view.image = format!("/images/{sha256}");
        view.alt = alt.as_deref().unwrap_or_default();
        view.text = caption.as_deref().unwrap_or_default();
    }
}

/// A stored image, by its SHA-256: content-addressed, so cached for good.
async fn image(State(state): State<AppState>, Path(sha256): Path<String>) -> Result<Response, WebError> {
    let image = state.store.image(&sha256).await?.ok_or(WebError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, image.media_type),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable".to_owned()),
        ],
        image.data,
    )
        .into_response())
}

fn document_id(id: &str) -> Result<i64, WebError> {
    id.parse().map_err(|_| WebError::NotFound)
}

async fn reading_view(
    State(state): State<AppState>,
    layout: Layout,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    let id = document_id(&id)?;
    // One query: the document, the reader's state, tags, highlights, neighbours
    // and the story's other documents (see `Store::reading_page`).
    let ReadingPage {
        document,
        story,
        sources,
        state: reading,
        tags,
        highlights,
        previous,
        next,
        coverage,
        entities,
        images,
    } = state.reader.reading_page(id, COVERAGE_SHOWN).await?;
    let original_url = document
        .canonical_url
        .clone()
        .or_else(|| document.url.clone())
        .filter(|url| url.starts_with("https://") || url.starts_with("http://"));
    // Every block shown is one element of the body, so that the reading position
    // (saved by the page's script) is the index of an element among its siblings.
    let mut links = entity_links(&document, &entities);
    let mut blocks: Vec<BlockView> = document
        .blocks
        .iter()
        .enumerate()
        .map(|(index, block)| {
            let mut view = BlockView::from(block);
            if let Some(links) = links.remove(&index) {
                view.segments = linked_segments(&block.text(), view.text, links);
            }
            show_local_copy(&mut view, block, &images);
            view
        })
        .filter(|block| block.kind != "figure" || !block.text.is_empty() || !block.image.is_empty())
        .collect();
    let mut contents = Vec::new();
    for (index, block) in blocks.iter_mut().enumerate().filter(|(_, block)| block.kind == "heading") {
        block.anchor = format!("section-{index}");
        contents.push((block.anchor.clone(), block.text.to_owned()));
    }
    if contents.len() < CONTENTS_FROM_HEADINGS {
        contents.clear();
    }
    let quotes = document
        .quotes
        .iter()
        .filter_map(|quote| {
            let href =
                quote.speaker_entity.and_then(|position| entities.get(&position)).map(|id| entity_href(*id));
            quote.speaker.as_ref().map(|speaker| (quote.text.clone(), speaker.clone(), href))
        })
        .collect();
    let story_timeline = (!coverage.is_empty()).then(|| timeline_href(&format!("story:{story}")));
    let coverage = coverage
        .into_iter()
        .map(|member| {
            let details: Vec<String> =
                [member.site, member.published.as_deref().map(human_date)].into_iter().flatten().collect();
            (member.id, member.title, details.join(" · "))
        })
        .collect();
    // Where the reader stopped: a link there works without the script.
    let resume = usize::try_from(reading.position)
        .ok()
        .filter(|position| *position > 0)
        .and_then(|position| blocks.get_mut(position))
        .map(|block| {
            if block.anchor.is_empty() {
                block.anchor = "resume".to_owned();
            }
            block.anchor.clone()
        });
    render(&DocumentPage {
        layout,
        id,
        read: reading.read_at.is_some(),
        tags: tags.iter().map(|name| (name.clone(), tag_href(name))).collect(),
        previous,
        next,
        resume,
        position: reading.position,
        date: document.published.as_deref().map(human_date),
        published: document.published.clone(),
        authors: document.authors.join(", "),
        reading_minutes: document.reading_minutes,
        blocks,
        sources,
        contents,
        quotes,
        coverage,
        story_timeline,
        highlights: highlights.into_iter().map(HighlightView::from).collect(),
        title: &document.title,
        dek: document.dek.as_deref(),
        site: document.site.as_deref(),
        original_url,
    })
}

/// `read=1` marks the document read, `read=0` unread.
async fn mark_read(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let id = document_id(&id)?;
    let form = Form::parse(&body);
    form.verify(&headers)?;
    state.store.document(id).await?;
    state.store.set_read(&[id], form.get("read") != Some("0")).await?;
    Ok(form.return_to().into_response())
}

/// Adds the tag `tag`, or removes it when `action=remove`.
async fn change_tags(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let id = document_id(&id)?;
    let form = Form::parse(&body);
    form.verify(&headers)?;
    state.store.document(id).await?;
    let name = form.get("tag").unwrap_or_default();
    if form.get("action") == Some("remove") {
        state.store.remove_tag(&[id], name).await?;
    } else {
        state.store.add_tag(&[id], name).await?;
    }
    Ok(form.return_to().into_response())
}

/// The page's script reports the block the reader has reached; nothing to show.
async fn save_position(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let id = document_id(&id)?;
    let form = Form::parse(&body);
    form.verify(&headers)?;
    let position: u32 = form
        .get("position")
        .and_then(|value| value.parse().ok())
        .ok_or(WebError::BadRequest("position is a number"))?;
    state.store.set_reading_position(id, position).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
