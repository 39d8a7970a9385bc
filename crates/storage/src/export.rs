//! What `dossier export` reads: documents a page at a time, in id order, with
//! their tags and read state; the titles of given documents; and the ids of every
//! document a search matches.
//!
//! A page starts after an id (keyset), so that the last page of a large archive
//! costs what the first does and memory stays flat however many documents are
//! written. A search's matches come back whole, as ids in id order, unranked:
//! an export wants every match, not the best twenty, and `Store::search` ranks and
//! pages (and past the ranking window considers only the newest documents).

use std::collections::HashMap;

use dossier_core::Document;

use crate::import::decode_model;
use crate::{Backend, Result, Store, postgres, query, sqlite};

/// One document as an export writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportedDocument {
    pub id: i64,
    /// Its current text; earlier revisions are not exported.
    pub document: Document,
    /// Its tags in the archive, by name, as `Store::document_tags` lists them: the
    /// source's tags and those added since in the reader (which the model's own
    /// `tags` do not hold).
    pub tags: Vec<String>,
    /// Whether it is marked read.
    pub read: bool,
}

impl Store {
    /// Up to `limit` documents with ids greater than `after`, in id order. The next
    /// page starts after the last id of this one; an empty page is the end.
    pub async fn export_page(&self, after: i64, limit: u32) -> Result<Vec<ExportedDocument>> {
        let (rows, tags) = match &self.backend {
            Backend::Sqlite(pool) => sqlite::export_page(pool, after, limit).await?,
            Backend::Postgres(database) => postgres::export_page(&database.pool, after, limit).await?,
        };
        exported(rows, tags)
    }

    /// The documents `ids` (a few hundred at a time), in id order; ids of no
    /// document are passed over.
    pub async fn export_documents(&self, ids: &[i64]) -> Result<Vec<ExportedDocument>> {
        let (rows, tags) = match &self.backend {
            Backend::Sqlite(pool) => sqlite::export_documents(pool, ids).await?,
            Backend::Postgres(database) => postgres::export_documents(&database.pool, ids).await?,
        };
        exported(rows, tags)
    }

    /// The titles of the documents `ids`, in id order; ids of no document are passed over.
    pub async fn document_titles(&self, ids: &[i64]) -> Result<Vec<(i64, String)>> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::document_titles(pool, ids).await,
            Backend::Postgres(database) => postgres::document_titles(&database.pool, ids).await,
        }
    }

    /// The id of every document that `query` (the syntax of `crate::query`, as
    /// `Store::search` takes it) matches, in id order; an empty query matches every
    /// document. Matching is `Store::search`'s, without ranking, paging or window.
    pub async fn matching_ids(&self, query: &str) -> Result<Vec<i64>> {
        let query = query::parse(query)?;
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::matching_ids(pool, &query).await,
            Backend::Postgres(database) => postgres::matching_ids(database, &query).await,
        }
    }
}

/// A backend's document row for an export: id, compressed model, the original
/// it was compressed against, whether read.
pub(crate) type ExportRow = (i64, Vec<u8>, Option<Vec<u8>>, bool);

/// The documents of `rows` with their `tags` (document id, tag name), each
/// document's tags in the order given.
fn exported(rows: Vec<ExportRow>, tags: Vec<(i64, String)>) -> Result<Vec<ExportedDocument>> {
    let mut tags_by_document: HashMap<i64, Vec<String>> = HashMap::new();
    for (id, name) in tags {
        tags_by_document.entry(id).or_default().push(name);
    }
    rows.into_iter()
        .map(|(id, model, original, read)| {
            Ok(ExportedDocument {
                id,
                document: decode_model(id, &model, original.as_deref())?,
                tags: tags_by_document.remove(&id).unwrap_or_default(),
                read,
            })
        })
        .collect()
}
