//! `dossier reparse`: parses every stored document again from its original bytes
//! with the current parser, so that parser improvements reach the whole archive.
//! A document whose parse changes is updated in place (with its search entry and
//! story); this is not a new revision, since the source is the same.

use dossier_core::{Document, Format};

use crate::import::{Transaction, assign_story, excerpt, index_document};
use crate::pipeline::{BATCH_SIZE, load_in_parallel};
use crate::{Result, Store};

/// What a reparse did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReparseReport {
    pub examined: usize,
    pub changed: usize,
    /// Documents left as they were, with why.
    pub failed: Vec<(i64, String)>,
}

struct Stored {
    id: i64,
    fingerprint: String,
    format: String,
    position: i64,
}

impl Store {
    pub async fn reparse(&self) -> Result<ReparseReport> {
        let mut report = ReparseReport::default();
        let mut after = 0i64;
        loop {
            let rows: Vec<(i64, String, String, i64, String)> = sqlx::query_as(
                "SELECT d.id, d.fingerprint, s.format, s.position, s.original_sha256
                 FROM documents d
                 JOIN sources s ON s.id = (SELECT min(id) FROM sources WHERE document_id = d.id)
                 WHERE d.id > ? ORDER BY d.id LIMIT ?",
            )
            .bind(after)
            .bind(BATCH_SIZE as i64)
            .fetch_all(&self.pool)
            .await?;
            let Some(last) = rows.last() else { break };
            after = last.0;
            let mut inputs = Vec::with_capacity(rows.len());
            for (id, fingerprint, format, position, sha256) in rows {
                let bytes = self.original(&sha256).await?.unwrap_or_default();
                inputs.push((Stored { id, fingerprint, format, position }, bytes));
            }
            let parsed = load_in_parallel(inputs, &|(stored, bytes): (Stored, Vec<u8>)| {
                let format = Format::from_name(&stored.format).unwrap_or(Format::Text);
                let parsed = dossier_core::parse(&bytes, format).map_err(|error| error.to_string());
                (stored, parsed)
            });
            let mut transaction = self.pool.begin().await?;
            for (stored, parsed) in parsed {
                report.examined += 1;
                let id = stored.id;
                let document = match parsed {
                    Err(reason) => {
                        report.failed.push((id, reason));
                        continue;
                    }
                    Ok(mut documents) if (stored.position as usize) < documents.len() => {
                        documents.swap_remove(stored.position as usize)
                    }
                    Ok(_) => {
                        report.failed.push((id, "the original no longer yields this document".into()));
                        continue;
                    }
                };
                let old_fingerprint = stored.fingerprint.as_str();
                match update(&mut transaction, id, old_fingerprint, &document, self.story_threshold).await? {
                    Updated::Changed => report.changed += 1,
                    Updated::Unchanged => {}
                    Updated::Collides(other) => report.failed.push((
                        id,
                        format!("its new text is the same as document {other}'s; left unchanged"),
                    )),
                }
            }
            transaction.commit().await?;
        }
        Ok(report)
    }
}

enum Updated {
    Changed,
    Unchanged,
    Collides(i64),
}

async fn update(
    transaction: &mut Transaction<'_>,
    id: i64,
    old_fingerprint: &str,
    document: &Document,
    story_threshold: f64,
) -> Result<Updated> {
    let model = serde_json::to_string(document).map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
    let (current,): (String,) = sqlx::query_as("SELECT model FROM documents WHERE id = ?")
        .bind(id)
        .fetch_one(&mut **transaction)
        .await?;
    if current == model {
        return Ok(Updated::Unchanged);
    }
    if document.fingerprint != old_fingerprint {
        let other: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM documents WHERE fingerprint = ? AND id != ?")
                .bind(&document.fingerprint)
                .bind(id)
                .fetch_optional(&mut **transaction)
                .await?;
        if let Some((other,)) = other {
            return Ok(Updated::Collides(other));
        }
    }
    sqlx::query(
        "UPDATE documents SET fingerprint = ?, title = ?, published = ?, site = ?, language = ?, authors = ?,
                excerpt = ?, word_count = ?, model = ?
         WHERE id = ?",
    )
    .bind(&document.fingerprint)
    .bind(&document.title)
    .bind(&document.published)
    .bind(&document.site)
    .bind(&document.language)
    .bind(document.authors.join("; "))
    .bind(excerpt(document))
    .bind(document.word_count as i64)
    .bind(&model)
    .bind(id)
    .execute(&mut **transaction)
    .await?;
    sqlx::query("DELETE FROM documents_fts WHERE rowid = ?").bind(id).execute(&mut **transaction).await?;
    index_document(transaction, id, document).await?;
    if document.fingerprint != old_fingerprint {
        assign_story(transaction, id, document, story_threshold).await?;
    }
    Ok(Updated::Changed)
}
