//! Reading the archive back: the library listing, one document with its sources,
//! and the original bytes behind a source.

use dossier_core::Document;

use crate::{Backend, Result, Store, postgres, sqlite};

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
