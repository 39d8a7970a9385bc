//! `dossier reparse` on SQLite: pages through the documents, parses each page
//! again on every core, and updates the changed ones in one transaction a page.

use sqlx::SqlitePool;

use super::write::{PendingIndex, Transaction, assign_story, replace_document};
use crate::Result;
use crate::import::PreparedDocument;
use crate::pipeline::BATCH_SIZE;
use crate::reparse::{ReparseReport, Stored, Updated, parse_again, unchanged};

pub(crate) async fn reparse(pool: &SqlitePool, story_threshold: f64) -> Result<ReparseReport> {
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
        .fetch_all(pool)
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.0;
        let mut inputs = Vec::with_capacity(rows.len());
        for (id, fingerprint, model, format, position, sha256) in rows {
            let bytes = super::original(pool, &sha256).await?.unwrap_or_default();
            inputs.push((Stored { id, fingerprint, model, format, position: position as usize }, bytes));
        }
        let parsed = parse_again(inputs);
        let mut transaction = pool.begin().await?;
        let mut index = PendingIndex::default();
        for (stored, parsed) in parsed {
            report.examined += 1;
            match parsed {
                Err(reason) => report.failed.push((stored.id, reason)),
                Ok(prepared) => {
                    let updated =
                        update(&mut transaction, &mut index, &stored, &prepared, story_threshold).await?;
                    report.record(stored.id, updated);
                }
            }
        }
        index.write(&mut transaction).await?;
        transaction.commit().await?;
    }
    Ok(report)
}

async fn update(
    transaction: &mut Transaction<'_>,
    index: &mut PendingIndex,
    stored: &Stored,
    prepared: &PreparedDocument,
    story_threshold: f64,
) -> Result<Updated> {
    if unchanged(stored, prepared) {
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
