//! `dossier reparse`: parses every stored document again from its original bytes
//! with the current parser, so that parser improvements reach the whole archive.
//! A document whose parse changes is updated in place (with its search entry and
//! story); this is not a new revision, since the source is the same.

use dossier_core::Format;

use crate::import::{PendingIndex, PreparedDocument, Transaction, assign_story, replace_document};
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
    model: Vec<u8>,
    format: String,
    position: usize,
}

impl Store {
    pub async fn reparse(&self) -> Result<ReparseReport> {
        let mut report = ReparseReport::default();
        let mut after = 0i64;
        loop {
            let rows: Vec<(i64, String, Vec<u8>, String, i64, String)> = sqlx::query_as(
                "SELECT d.id, d.fingerprint, d.model, s.format, s.position, s.original_sha256
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
            for (id, fingerprint, model, format, position, sha256) in rows {
                let bytes = self.original(&sha256).await?.unwrap_or_default();
                inputs.push((Stored { id, fingerprint, model, format, position: position as usize }, bytes));
            }
            let parsed = load_in_parallel(inputs, &|(stored, bytes): (Stored, Vec<u8>)| {
                let format = Format::from_name(&stored.format).unwrap_or(Format::Text);
                let parsed = match dossier_core::parse(&bytes, format) {
                    Err(error) => Err(error.to_string()),
                    Ok(mut documents) if stored.position < documents.len() => {
                        Ok(PreparedDocument::new(documents.swap_remove(stored.position)))
                    }
                    Ok(_) => Err("the original no longer yields this document".to_owned()),
                };
                (stored, parsed)
            });
            let mut transaction = self.pool.begin().await?;
            let mut index = PendingIndex::default();
            for (stored, parsed) in parsed {
                report.examined += 1;
                match parsed {
                    Err(reason) => report.failed.push((stored.id, reason)),
                    Ok(prepared) => {
                        match update(&mut transaction, &mut index, &stored, &prepared, self.story_threshold)
                            .await?
                        {
                            Updated::Changed => report.changed += 1,
                            Updated::Unchanged => {}
                            Updated::Collides(other) => report.failed.push((
                                stored.id,
                                format!("its new text is the same as document {other}'s; left unchanged"),
                            )),
                        }
                    }
                }
            }
            index.write(&mut transaction).await?;
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
    index: &mut PendingIndex,
    stored: &Stored,
    prepared: &PreparedDocument,
    story_threshold: f64,
) -> Result<Updated> {
    if crate::import::decode_model(stored.id, &stored.model).ok().as_ref() == Some(&prepared.document) {
        return Ok(Updated::Unchanged);
    }
    let fingerprint_changed = prepared.document.fingerprint != stored.fingerprint;
    if fingerprint_changed {
        let other: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM documents WHERE fingerprint = ? AND id != ?")
                .bind(&prepared.document.fingerprint)
                .bind(stored.id)
                .fetch_optional(&mut **transaction)
                .await?;
        if let Some((other,)) = other {
            return Ok(Updated::Collides(other));
        }
    }
    replace_document(transaction, index, stored.id, prepared).await?;
    if fingerprint_changed {
        assign_story(transaction, stored.id, prepared, story_threshold).await?;
    }
    Ok(Updated::Changed)
}
