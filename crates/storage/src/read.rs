//! Reading the archive back: the library listing, one document with its sources,
//! and the original bytes behind a source.

use dossier_core::Document;

use crate::import::{decode_model, decompress};
use crate::{Backend, Error, Result, Store, postgres, sqlite};

/// What the library page shows of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentSummary {
    pub id: i64,
    pub title: String,
    pub published: Option<String>,
    pub site: Option<String>,
    /// Where it was first imported from, for documents without a site name.
    pub first_location: Option<String>,
    pub excerpt: String,
    pub word_count: i64,
    pub added_at: String,
}

/// A stored document with every source recorded for it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDocument {
    pub id: i64,
    /// The story cluster it belongs to, shared by every rewrite of one story.
    pub story: i64,
    pub document: Document,
    pub added_at: String,
    pub sources: Vec<SourceRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRecord {
    pub location: String,
    pub format: String,
    pub original_sha256: String,
    pub imported_at: String,
}

/// An earlier version of a document, replaced when its URL was imported again
/// with changed text.
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    pub document: Document,
    pub superseded_at: String,
}

impl Store {
    /// Documents, most recently added first.
    pub async fn list_documents(&self, limit: u32, offset: u32) -> Result<Vec<DocumentSummary>> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::list_documents(pool, limit, offset).await,
            Backend::Postgres(database) => postgres::list_documents(&database.pool, limit, offset).await,
        }
    }

    pub async fn count_documents(&self) -> Result<i64> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::count_documents(pool).await,
            Backend::Postgres(database) => postgres::count_documents(&database.pool).await,
        }
    }

    /// One document with its sources; `Error::NotFound` when there is none.
    pub async fn document(&self, id: i64) -> Result<StoredDocument> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::document(pool, id).await,
            Backend::Postgres(database) => postgres::document(&database.pool, id).await,
        }
    }

    /// The ids of a story's documents, oldest first.
    pub async fn story_members(&self, story: i64) -> Result<Vec<i64>> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::story_members(pool, story).await,
            Backend::Postgres(database) => postgres::story_members(&database.pool, story).await,
        }
    }

    /// Earlier versions of a document, oldest first.
    pub async fn revisions(&self, id: i64) -> Result<Vec<Revision>> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::revisions(pool, id).await,
            Backend::Postgres(database) => postgres::revisions(&database.pool, id).await,
        }
    }

    /// The original bytes stored under a content hash, as they were imported.
    pub async fn original(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::original(pool, sha256).await,
            Backend::Postgres(database) => postgres::original(&database.pool, sha256).await,
        }
    }
}

/// A source as both backends select it: location, format, original's SHA-256, import time.
pub(crate) type SourceRow = (String, String, String, String);

/// A document row as both backends select it: model, the original it was
/// compressed against, added at, story.
pub(crate) type DocumentRow = (Vec<u8>, Option<Vec<u8>>, String, i64);

/// A document row and its source rows, as a `StoredDocument`.
pub(crate) fn stored_document(id: i64, row: DocumentRow, sources: Vec<SourceRow>) -> Result<StoredDocument> {
    let (model, original, added_at, story) = row;
    Ok(StoredDocument {
        id,
        story,
        document: decode_model(id, &model, original.as_deref())?,
        added_at,
        sources: sources
            .into_iter()
            .map(|(location, format, original_sha256, imported_at)| SourceRecord {
                location,
                format,
                original_sha256,
                imported_at,
            })
            .collect(),
    })
}

/// A revision row as both backends select it: model, the original it was
/// compressed against, superseded at.
pub(crate) type RevisionRow = (Vec<u8>, Option<Vec<u8>>, String);

/// Revision rows of document `id`.
pub(crate) fn revisions(id: i64, rows: Vec<RevisionRow>) -> Result<Vec<Revision>> {
    rows.into_iter()
        .map(|(model, original, superseded_at)| {
            Ok(Revision { document: decode_model(id, &model, original.as_deref())?, superseded_at })
        })
        .collect()
}

/// A library row, in the order of the listing's columns: id, title, published,
/// site, excerpt, word count, added at, first location.
pub(crate) type SummaryRow =
    (i64, String, Option<String>, Option<String>, String, i64, String, Option<String>);

pub(crate) fn summary(
    (id, title, published, site, excerpt, word_count, added_at, first_location): SummaryRow,
) -> DocumentSummary {
    DocumentSummary { id, title, published, site, first_location, excerpt, word_count, added_at }
}

/// An original row (compressed data, length) as the bytes that were imported.
pub(crate) fn original((data, byte_length): (Vec<u8>, i64)) -> Result<Vec<u8>> {
    decompress(&data, byte_length as usize)
        .map_err(|error| Error::Database(sqlx::Error::Decode(Box::new(error))))
}
