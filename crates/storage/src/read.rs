//! Reading the archive back: the library listing, one document with its sources,
//! and the original bytes behind a source.

use dossier_core::Document;

use crate::import::{decode_model, decompress};
use crate::{Error, Result, Store};

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

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    title: String,
    published: Option<String>,
    site: Option<String>,
    first_location: Option<String>,
    excerpt: String,
    word_count: i64,
    added_at: String,
}

impl Store {
    /// Documents, most recently added first.
    pub async fn list_documents(&self, limit: u32, offset: u32) -> Result<Vec<DocumentSummary>> {
        let rows: Vec<SummaryRow> = sqlx::query_as(
            "SELECT d.id, d.title, d.published, d.site, d.excerpt, d.word_count, d.added_at,
                    (SELECT s.location FROM sources s WHERE s.document_id = d.id ORDER BY s.id LIMIT 1) AS first_location
             FROM documents d
             ORDER BY d.added_at DESC, d.id DESC
             LIMIT ? OFFSET ?",
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| DocumentSummary {
                id: row.id,
                title: row.title,
                published: row.published,
                site: row.site,
                first_location: row.first_location,
                excerpt: row.excerpt,
                word_count: row.word_count,
                added_at: row.added_at,
            })
            .collect())
    }

    pub async fn count_documents(&self) -> Result<i64> {
        let (count,): (i64,) = sqlx::query_as("SELECT count(*) FROM documents").fetch_one(&self.pool).await?;
        Ok(count)
    }

    /// One document with its sources; `Error::NotFound` when there is none.
    pub async fn document(&self, id: i64) -> Result<StoredDocument> {
        let row: Option<(Vec<u8>, String, i64)> =
            sqlx::query_as("SELECT model, added_at, story_id FROM documents WHERE id = ?")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        let (model, added_at, story) = row.ok_or(Error::NotFound(id))?;
        let document: Document = decode_model(id, &model)?;
        let sources: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT location, format, original_sha256, imported_at FROM sources WHERE document_id = ? ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(StoredDocument {
            id,
            story,
            document,
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

    /// The ids of a story's documents, oldest first.
    pub async fn story_members(&self, story: i64) -> Result<Vec<i64>> {
        let rows: Vec<(i64,)> = sqlx::query_as("SELECT id FROM documents WHERE story_id = ? ORDER BY id")
            .bind(story)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Earlier versions of a document, oldest first.
    pub async fn revisions(&self, id: i64) -> Result<Vec<Revision>> {
        let rows: Vec<(Vec<u8>, String)> =
            sqlx::query_as("SELECT model, superseded_at FROM revisions WHERE document_id = ? ORDER BY id")
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter()
            .map(|(model, superseded_at)| {
                let document = decode_model(id, &model)?;
                Ok(Revision { document, superseded_at })
            })
            .collect()
    }

    /// The original bytes stored under a content hash, as they were imported.
    pub async fn original(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        let row: Option<(Vec<u8>, i64)> =
            sqlx::query_as("SELECT data, byte_length FROM originals WHERE sha256 = ?")
                .bind(sha256)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(data, byte_length)| {
            decompress(&data, byte_length as usize)
                .map_err(|error| Error::Database(sqlx::Error::Decode(Box::new(error))))
        })
        .transpose()
    }
}
