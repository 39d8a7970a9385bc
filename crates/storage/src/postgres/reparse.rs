//! `dossier reparse` on PostgreSQL: pages through the documents, parses each page
//! again on every core, and updates the changed ones in one transaction a page.

use super::Database;
use super::write::{Transaction, assign_story, begin_writing, replace_document};
use crate::Result;
use crate::import::PreparedDocument;
use crate::pipeline::BATCH_SIZE;
use crate::reparse::{ReparseReport, Stored, Updated, parse_again, unchanged};

pub(crate) async fn reparse(database: &Database, story_threshold: f64) -> Result<ReparseReport> {
    let mut report = ReparseReport::default();
    let mut after = 0i64;
    loop {
        let rows: Vec<(i64, String, Vec<u8>, String, i64, String)> = sqlx::query_as(
            "SELECT d.id, d.fingerprint, d.model, s.format, s.position, s.original_sha256
             FROM documents d
             JOIN sources s ON s.id = (SELECT min(id) FROM sources WHERE document_id = d.id)
             WHERE d.id > $1 ORDER BY d.id LIMIT $2",
        )
        .bind(after)
        .bind(BATCH_SIZE as i64)
        .fetch_all(&database.pool)
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.0;
        let mut inputs = Vec::with_capacity(rows.len());
        for (id, fingerprint, model, format, position, sha256) in rows {
            let bytes = super::original(&database.pool, &sha256).await?.unwrap_or_default();
            inputs.push((Stored { id, fingerprint, model, format, position: position as usize }, bytes));
        }
        let parsed = parse_again(inputs);
        let mut transaction = begin_writing(&database.pool).await?;
        for (stored, parsed) in parsed {
            report.examined += 1;
            match parsed {
                Err(reason) => report.failed.push((stored.id, reason)),
                Ok(prepared) => {
                    let updated =
                        update(&mut transaction, database, &stored, &prepared, story_threshold).await?;
                    report.record(stored.id, updated);
                }
            }
        }
        transaction.commit().await?;
    }
    Ok(report)
}

async fn update(
    transaction: &mut Transaction<'_>,
    database: &Database,
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
            sqlx::query_as("SELECT id FROM documents WHERE fingerprint = $1 AND id != $2")
                .bind(&prepared.document.fingerprint)
                .bind(stored.id)
                .fetch_optional(&mut **transaction)
                .await?;
        if let Some((other,)) = other {
            return Ok(Updated::Collides(other));
        }
    }
    replace_document(transaction, database, stored.id, prepared).await?;
    if fingerprint_changed {
        assign_story(transaction, stored.id, prepared, story_threshold).await?;
    }
    Ok(Updated::Changed)
}
