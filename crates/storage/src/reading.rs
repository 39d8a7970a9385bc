//! Everything the reading view shows of one document, read in one query: the
//! document with its sources, the reader's state, tags and highlights, its
//! neighbours in the library, and the other documents of its story.
//!
//! The reading view is the page people open most. Asked one question at a time
//! it cost a round trip each (on SQLite, each to a connection's own thread) and
//! a whole decoded model per story member; asked as one statement of correlated
//! subqueries it costs one round trip and decodes one model.
//!
//! A `Reader` asks it on the calling thread, through read-only connections of
//! its own (rusqlite's, on the same bundled SQLite). Through sqlx, every
//! statement is sent to a thread that owns its connection and its row sent back:
//! two thread switches a page, and a connection lent by the pool cost two more
//! round trips (a check when lent, another when given back). The statement
//! takes some tens of microseconds, less than those switches, so it blocks its
//! task's thread no longer than rendering the page does. It never waits for a
//! lock there: a read that would (SQLite's busy handler) is asked through the
//! pool instead, whose connections wait with their busy timeout. Connections
//! are all a reader keeps: no answer outlives its request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use dossier_core::Document;
use serde::de::DeserializeOwned;

use crate::import::decode_model;
use crate::library::{HighlightRow, ReadingState, StoredHighlight};
use crate::{Backend, Error, Result, Store, postgres, sqlite};

/// What the reading view shows of one document.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadingPage {
    pub document: Document,
    /// Its story cluster (see `StoredDocument::story`).
    pub story: i64,
    /// Where it was imported from: each source's path or address, in the order
    /// they were imported. The page shows no more of a source, so no more is read.
    pub sources: Vec<String>,
    pub state: ReadingState,
    /// Its tags, by name.
    pub tags: Vec<String>,
    /// Its highlights, in the order they were imported.
    pub highlights: Vec<StoredHighlight>,
    /// The documents listed just before and just after it in the whole library,
    /// most recently added first (as `Store::neighbours` with no filter).
    pub previous: Option<i64>,
    pub next: Option<i64>,
    /// Other documents of its story, oldest first.
    pub coverage: Vec<StoryMember>,
    /// The archive's entity for each of the document's entities, by its
    /// position in the model's `entities` (see `Store::document_entity_ids`).
    pub entities: HashMap<usize, i64>,
    /// The local copy of each image it shows, by the image block's `src`: the
    /// SHA-256 it is served by (`Store::image`). An image without one is not shown.
    pub images: HashMap<String, String>,
}

/// Another document of a story, as the reading view lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct StoryMember {
    pub id: i64,
    pub title: String,
    pub site: Option<String>,
    pub published: Option<String>,
}

/// The row both backends select: the document's model, the original it was
/// compressed against and its story; its sources'
/// (id, location) pairs, tags, highlights (each with its id first) and story members as JSON
/// arrays; the read time and position; the previous and next ids; its entities
/// and images as JSON arrays.
pub(crate) type ReadingRow = (
    Vec<u8>,
    Option<Vec<u8>>,
    i64,
    String,
    String,
    String,
    Option<String>,
    i64,
    Option<i64>,
    Option<i64>,
    String,
    String,
    String,
);

impl Store {
    /// Everything the reading view shows of document `id`, with at most
    /// `coverage` other documents of its story; `Error::NotFound` when there is none.
    pub async fn reading_page(&self, id: i64, coverage: usize) -> Result<ReadingPage> {
        let coverage = i64::try_from(coverage).unwrap_or(i64::MAX);
        let row = match &self.backend {
            Backend::Sqlite(pool) => sqlite::reading_row(pool, id, coverage).await?,
            Backend::Postgres(database) => postgres::reading_row(&database.pool, id, coverage).await?,
        };
        let Some(row) = row else {
            return Err(Error::NotFound(id));
        };
        reading_page(id, row)
    }
}

/// The reading view's handle on the archive: `Store::reading_page` on the
/// calling thread, through connections it keeps between pages (see the module
/// documentation). Cheap to clone: clones share the connections.
#[derive(Debug, Clone)]
pub struct Reader {
    store: Store,
    /// Connections between two pages; at most `KEPT_CONNECTIONS`.
    idle: Arc<Mutex<Vec<rusqlite::Connection>>>,
}

/// Connections a `Reader` keeps at most: as many as pages are read at once.
const KEPT_CONNECTIONS: usize = 8;

impl Store {
    /// A handle for the reading view (see `Reader`).
    pub fn reader(&self) -> Reader {
        Reader { store: self.clone(), idle: Arc::default() }
    }
}

impl Reader {
    /// As `Store::reading_page`.
    pub async fn reading_page(&self, id: i64, coverage: usize) -> Result<ReadingPage> {
        let Backend::Sqlite(pool) = &self.store.backend else {
            return self.store.reading_page(id, coverage).await;
        };
        let kept = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).pop();
        let connection = match kept {
            Some(connection) => connection,
            None => match sqlite::open_direct(pool)? {
                Some(connection) => connection,
                None => return self.store.reading_page(id, coverage).await,
            },
        };
        let coverage_limit = i64::try_from(coverage).unwrap_or(i64::MAX);
        let row = match sqlite::direct_reading_row(&connection, id, coverage_limit) {
            Ok(row) => row,
            // A connection whose statement failed is closed rather than kept.
            Err(error) if sqlite::is_busy(&error) => return self.store.reading_page(id, coverage).await,
            Err(error) => return Err(error.into()),
        };
        {
            let mut idle = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if idle.len() < KEPT_CONNECTIONS {
                idle.push(connection);
            }
        }
        let Some(row) = row else {
            return Err(Error::NotFound(id));
        };
        reading_page(id, row)
    }
}

/// A highlight's id, then its row (text, note, created, imported at), as one JSON array.
type NumberedHighlight = (i64, Option<String>, Option<String>, Option<String>, String);

fn reading_page(id: i64, row: ReadingRow) -> Result<ReadingPage> {
    let (
        model,
        original,
        story,
        sources,
        tags,
        highlights,
        read_at,
        position,
        previous,
        next,
        coverage,
        entities,
        images,
    ) = row;
    let images: Vec<(String, String)> = from_json(id, &images)?;
    let entities: Vec<(usize, i64)> = from_json(id, &entities)?;
    // Sources and highlights come with their ids, in no particular order (see
    // `sqlite::reading`).
    let mut sources: Vec<(i64, String)> = from_json(id, &sources)?;
    sources.sort_unstable_by_key(|(source, _)| *source);
    let mut highlights: Vec<NumberedHighlight> = from_json(id, &highlights)?;
    highlights.sort_unstable_by_key(|highlight| highlight.0);
    Ok(ReadingPage {
        document: decode_model(id, &model, original.as_deref())?,
        story,
        sources: sources.into_iter().map(|(_, location)| location).collect(),
        state: ReadingState { read_at, position },
        tags: from_json(id, &tags)?,
        highlights: highlights
            .into_iter()
            .map(|(_, text, note, created, imported_at)| {
                let row: HighlightRow = (text, note, created, imported_at);
                StoredHighlight::from(row)
            })
            .collect(),
        previous,
        next,
        coverage: from_json(id, &coverage)?,
        entities: entities.into_iter().collect(),
        images: images.into_iter().collect(),
    })
}

/// An aggregate the database built as a JSON array.
fn from_json<T: DeserializeOwned>(id: i64, json: &str) -> Result<T> {
    serde_json::from_str(json)
        .map_err(|error| Error::Corrupt { id, message: format!("a JSON aggregate: {error}") })
}
