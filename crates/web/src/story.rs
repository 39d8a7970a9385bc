//! Following a story: the people, organisations and places of the archive
//! (`/entities`), one entity's page (`/entities/{id}`: its documents, quotes,
//! the entities named with it and its timeline), the timeline of any search,
//! tag or story (`/timeline?q=…`), and the quotes (`/quotes?q=…`), each quote
//! once with the outlet that printed it first.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use axum::routing::get;
use dossier_core::EntityKind;
use dossier_storage::{EntityDocument, EntitySummary, QuoteGroup, TimelineEvent};
use serde::Deserialize;

use crate::AppState;
use crate::error::{WebError, render};
use crate::page::Layout;
use crate::text::{human_date, query_string};

/// Entities listed on `/entities` at most.
const ENTITIES_SHOWN: i64 = 300;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/entities", get(entities_page))
        .route("/entities/{id}", get(entity_page))
        .route("/timeline", get(timeline_page))
        .route("/quotes", get(quotes_page))
}

pub(crate) fn entity_href(id: i64) -> String {
    format!("/entities/{id}")
}

/// The timeline and quotes addresses of a search (`q` in the query syntax).
pub(crate) fn timeline_href(q: &str) -> String {
    format!("/timeline?{}", query_string(&[("q", q.to_owned())]))
}

pub(crate) fn quotes_href(q: &str) -> String {
    format!("/quotes?{}", query_string(&[("q", q.to_owned())]))
}

fn kind_label(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "Person",
        EntityKind::Organization => "Organisation",
        EntityKind::Place => "Place",
    }
}

const KINDS: [(&str, &str); 4] =
    [("", "All"), ("person", "People"), ("organization", "Organisations"), ("place", "Places")];

#[derive(Debug, Default, Deserialize)]
struct EntitiesParameters {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
}

/// An entity in a list.
struct EntityView {
    href: String,
    name: String,
    kind: &'static str,
    documents: i64,
    quotes: i64,
}

impl From<EntitySummary> for EntityView {
    fn from(entity: EntitySummary) -> EntityView {
        EntityView {
            href: entity_href(entity.id),
            kind: kind_label(entity.kind),
            name: entity.name,
            documents: entity.documents,
            quotes: entity.quotes,
        }
    }
}

#[derive(Template)]
#[template(path = "entities.html")]
struct EntitiesPage {
    layout: Layout,
    kind: String,
    name: String,
    /// (kind, label, address) of the kind filters.
    kinds: Vec<(&'static str, &'static str, String)>,
    entities: Vec<EntityView>,
    limit: i64,
}

async fn entities_page(
    State(state): State<AppState>,
    layout: Layout,
    Query(parameters): Query<EntitiesParameters>,
) -> Result<Html<String>, WebError> {
    let kind = match parameters.kind.as_str() {
        "" => None,
        "person" => Some(EntityKind::Person),
        "organization" => Some(EntityKind::Organization),
        "place" => Some(EntityKind::Place),
        _ => return Err(WebError::Invalid("kind is person, organization or place".into())),
    };
    let name = parameters.name.trim();
    let entities =
        state.store.entities(kind, Some(name).filter(|name| !name.is_empty()), ENTITIES_SHOWN).await?;
    let kinds = KINDS
        .iter()
        .map(|(kind, label)| {
            let mut pairs = Vec::new();
            if !kind.is_empty() {
                pairs.push(("kind", (*kind).to_owned()));
            }
            if !name.is_empty() {
                pairs.push(("name", name.to_owned()));
            }
            let query = query_string(&pairs);
            (
                *kind,
                *label,
                if query.is_empty() { "/entities".to_owned() } else { format!("/entities?{query}") },
            )
        })
        .collect();
    render(&EntitiesPage {
        layout,
        kind: parameters.kind.clone(),
        name: name.to_owned(),
        kinds,
        entities: entities.into_iter().map(EntityView::from).collect(),
        limit: ENTITIES_SHOWN,
    })
}

/// A document in a list: its address, title and "site · date".
struct DocumentView {
    id: i64,
    title: String,
    details: String,
}

impl From<&EntityDocument> for DocumentView {
    fn from(document: &EntityDocument) -> DocumentView {
        let details: Vec<String> = [document.site.clone(), document.published.as_deref().map(human_date)]
            .into_iter()
            .flatten()
            .collect();
        DocumentView { id: document.id, title: document.title.clone(), details: details.join(" · ") }
    }
}

struct QuoteView {
    text: String,
    speaker: Option<String>,
    speaker_href: Option<String>,
    first: DocumentView,
    others: Vec<DocumentView>,
}

impl From<QuoteGroup> for QuoteView {
    fn from(quote: QuoteGroup) -> QuoteView {
        let mut printings = quote.printings.iter().map(DocumentView::from);
        let first = printings.next().expect("a quote is printed at least once");
        QuoteView {
            speaker_href: quote.entity.as_ref().map(|(id, _)| entity_href(*id)),
            speaker: quote.entity.map(|(_, name)| name).or(quote.speaker),
            text: quote.text,
            first,
            others: printings.collect(),
        }
    }
}

struct EventView {
    date: String,
    /// The date as people write it, "about" when the text gave a span.
    when: String,
    text: String,
    documents: Vec<DocumentView>,
}

impl From<TimelineEvent> for EventView {
    fn from(event: TimelineEvent) -> EventView {
        let when = human_date(&event.date);
        EventView {
            when: if event.approximate { format!("About {when}") } else { when },
            date: event.date,
            text: event.text,
            documents: event.documents.iter().map(DocumentView::from).collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "entity.html")]
struct EntityPageView {
    layout: Layout,
    name: String,
    kind: &'static str,
    aliases: Vec<String>,
    document_count: i64,
    documents: Vec<DocumentView>,
    quotes: Vec<QuoteView>,
    /// (entity, documents shared).
    related: Vec<(EntityView, i64)>,
    timeline: Vec<EventView>,
}

async fn entity_page(
    State(state): State<AppState>,
    layout: Layout,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let page = state.store.entity(id).await?.ok_or(WebError::NotFound)?;
    render(&EntityPageView {
        layout,
        kind: kind_label(page.entity.kind),
        document_count: page.entity.documents,
        name: page.entity.name,
        aliases: page.aliases,
        documents: page.documents.iter().map(DocumentView::from).collect(),
        quotes: page.quotes.into_iter().map(QuoteView::from).collect(),
        related: page
            .related
            .into_iter()
            .map(|(entity, shared)| (EntityView::from(entity), shared))
            .collect(),
        timeline: page.timeline.into_iter().map(EventView::from).collect(),
    })
}

#[derive(Debug, Default, Deserialize)]
struct ScopeParameters {
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "timeline.html")]
struct TimelinePage {
    layout: Layout,
    q: String,
    events: Vec<EventView>,
    error: Option<String>,
    search_href: String,
    quotes_href: String,
}

async fn timeline_page(
    State(state): State<AppState>,
    layout: Layout,
    Query(parameters): Query<ScopeParameters>,
) -> Result<Html<String>, WebError> {
    let q = parameters.q.trim().to_owned();
    let (events, error) = match state.store.timeline(&q).await {
        Ok(events) => (events.into_iter().map(EventView::from).collect(), None),
        Err(dossier_storage::Error::InvalidQuery(message)) => (Vec::new(), Some(message)),
        Err(error) => return Err(error.into()),
    };
    render(&TimelinePage {
        layout,
        search_href: format!("/search?{}", query_string(&[("q", q.clone())])),
        quotes_href: quotes_href(&q),
        q,
        events,
        error,
    })
}

#[derive(Template)]
#[template(path = "quotes.html")]
struct QuotesPage {
    layout: Layout,
    q: String,
    quotes: Vec<QuoteView>,
    error: Option<String>,
    timeline_href: String,
}

async fn quotes_page(
    State(state): State<AppState>,
    layout: Layout,
    Query(parameters): Query<ScopeParameters>,
) -> Result<Html<String>, WebError> {
    let q = parameters.q.trim().to_owned();
    let (quotes, error) = match state.store.quotes(&q).await {
        Ok(quotes) => (quotes.into_iter().map(QuoteView::from).collect(), None),
        Err(dossier_storage::Error::InvalidQuery(message)) => (Vec::new(), Some(message)),
        Err(error) => return Err(error.into()),
    };
    render(&QuotesPage { layout, timeline_href: timeline_href(&q), q, quotes, error })
}
