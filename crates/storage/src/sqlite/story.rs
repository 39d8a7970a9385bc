//! Entities, quotes and dated events in SQLite (see `crate::story`).

use std::collections::HashMap;

use sqlx::{AssertSqlSafe, QueryBuilder, SqlitePool};

use super::write::{ROWS_PER_STATEMENT, Transaction, json_list};
use dossier_core::Document;

use crate::story::{
    self, DocumentRow, ENTITY_DOCUMENTS, EntityPage, EntitySummary, EventSelect, QuoteGroup, QuoteSelect,
    RELATED_ENTITIES, RelatedRow, StoryRows, SummaryRow, TIMELINE_LIMIT, TimelineEvent,
};
use crate::{Error, Result};

/// Indexes the entities, quotes and events of `written` documents, first
/// deleting the rows of the `replaced` ones: called inside the batch's
/// transaction, after the documents are written.
pub(crate) async fn index(
    transaction: &mut Transaction<'_>,
    written: &[(i64, &Document)],
    replaced: &[i64],
) -> Result<()> {
    if written.is_empty() {
        return Ok(());
    }
    let wanted = story::names_wanted(written);
    let mut known = HashMap::new();
    for chunk in wanted.chunks(ROWS_PER_STATEMENT * 10) {
        // One row for the whole chunk, a JSON array of the names found: each result
        // row crosses from the connection's thread to this one and wakes it, and a
        // batch knows thousands of its names already. With this and the sketch
        // keys' lookup in one row each, an import of 300,000 documents spent a
        // sixth less CPU a document (`cargo xtask bench storage --docs 300000`).
        let (rows,): (String,) = sqlx::query_as(
            "SELECT json_group_array(json_array(n.kind, n.key, n.entity_id)) FROM json_each(?1) w
             JOIN entity_names n ON n.kind = w.value ->> 0 AND n.key = w.value ->> 1",
        )
        .bind(json_list(chunk))
        .fetch_one(&mut **transaction)
        .await?;
        let rows: Vec<(String, String, i64)> =
            serde_json::from_str(&rows).map_err(|error| sqlx::Error::Decode(error.into()))?;
        known.extend(rows.into_iter().map(|(kind, key, id)| ((kind, key), id)));
    }
    let (next_id,): (i64,) =
        sqlx::query_as("SELECT coalesce(max(id), 0) + 1 FROM entities").fetch_one(&mut **transaction).await?;
    let rows = StoryRows::new(written, known, next_id);
    if !replaced.is_empty() {
        for table in ["document_entities", "quotes", "events"] {
            sqlx::query(AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE document_id IN (SELECT value FROM json_each(?1))"
            )))
            .bind(json_list(replaced))
            .execute(&mut **transaction)
            .await?;
        }
    }
    for chunk in rows.entities.chunks(ROWS_PER_STATEMENT) {
        QueryBuilder::new("INSERT INTO entities (id, kind, name) ")
            .push_values(chunk, |mut values, (id, kind, name)| {
                values.push_bind(*id).push_bind(*kind).push_bind(*name);
            })
            .build()
            .execute(&mut **transaction)
            .await?;
    }
    for chunk in rows.names.chunks(ROWS_PER_STATEMENT) {
        QueryBuilder::new("INSERT OR IGNORE INTO entity_names (kind, key, name, entity_id) ")
            .push_values(chunk, |mut values, (kind, key, name, id)| {
                values.push_bind(*kind).push_bind(key.as_str()).push_bind(*name).push_bind(*id);
            })
            .build()
            .execute(&mut **transaction)
            .await?;
    }
    for chunk in rows.mentions.chunks(ROWS_PER_STATEMENT) {
        QueryBuilder::new(
            "INSERT OR IGNORE INTO document_entities (entity_id, document_id, position, mentions) ",
        )
        .push_values(chunk, |mut values, (entity, document, position, mentions)| {
            values.push_bind(*entity).push_bind(*document).push_bind(*position).push_bind(*mentions);
        })
        .build()
        .execute(&mut **transaction)
        .await?;
    }
    for chunk in rows.quotes.chunks(ROWS_PER_STATEMENT) {
        QueryBuilder::new("INSERT INTO quotes (document_id, position, text, speaker, entity_id, digest) ")
            .push_values(chunk, |mut values, quote| {
                values
                    .push_bind(quote.document_id)
                    .push_bind(quote.position)
                    .push_bind(quote.text)
                    .push_bind(quote.speaker)
                    .push_bind(quote.entity_id)
                    .push_bind(quote.digest.as_str());
            })
            .build()
            .execute(&mut **transaction)
            .await?;
    }
    for chunk in rows.events.chunks(ROWS_PER_STATEMENT) {
        QueryBuilder::new("INSERT INTO events (document_id, position, date, approximate, text) ")
            .push_values(chunk, |mut values, event| {
                values
                    .push_bind(event.document_id)
                    .push_bind(event.position)
                    .push_bind(event.date)
                    .push_bind(event.approximate)
                    .push_bind(event.text);
            })
            .build()
            .execute(&mut **transaction)
            .await?;
    }
    Ok(())
}

const SUMMARY: &str = "e.id, e.kind, e.name,
    (SELECT count(DISTINCT document_id) FROM document_entities WHERE entity_id = e.id),
    (SELECT count(*) FROM quotes WHERE entity_id = e.id)";

pub(crate) async fn entities(
    pool: &SqlitePool,
    kind: Option<&str>,
    prefix: Option<&str>,
    limit: i64,
) -> Result<Vec<EntitySummary>> {
    // Counted in one pass over the mentions, then named.
    let rows: Vec<SummaryRow> = sqlx::query_as(AssertSqlSafe(format!(
        "WITH counted AS (
             SELECT entity_id, count(DISTINCT document_id) AS documents FROM document_entities GROUP BY entity_id
         )
         SELECT e.id, e.kind, e.name, c.documents,
                (SELECT count(*) FROM quotes WHERE entity_id = e.id)
         FROM counted c JOIN entities e ON e.id = c.entity_id
         WHERE (?1 IS NULL OR e.kind = ?1)
           AND (?2 IS NULL OR EXISTS (SELECT 1 FROM entity_names n WHERE n.entity_id = e.id
                                      AND n.key >= ?2 AND n.key < ?2 || char(1114111)))
         ORDER BY c.documents DESC, e.name, e.id LIMIT {}",
        limit.max(0)
    )))
    .bind(kind)
    .bind(prefix)
    .fetch_all(pool)
    .await?;
    story::summaries(rows)
}

pub(crate) async fn entity_by_key(pool: &SqlitePool, key: &str) -> Result<Vec<EntitySummary>> {
    let rows: Vec<SummaryRow> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT {SUMMARY} FROM entities e WHERE e.id IN (SELECT entity_id FROM entity_names
                       WHERE kind IN ('person', 'organization', 'place') AND key = ?1)
         ORDER BY e.id"
    )))
    .bind(key)
    .fetch_all(pool)
    .await?;
    story::summaries(rows)
}

pub(crate) async fn entity(pool: &SqlitePool, id: i64) -> Result<Option<EntityPage>> {
    let Some(row): Option<SummaryRow> =
        sqlx::query_as(AssertSqlSafe(format!("SELECT {SUMMARY} FROM entities e WHERE e.id = ?1")))
            .bind(id)
            .fetch_optional(pool)
            .await?
    else {
        return Ok(None);
    };
    let entity = story::summary(row)?;
    let names: Vec<(String,)> =
        sqlx::query_as("SELECT name FROM entity_names WHERE entity_id = ?1 ORDER BY length(name) DESC, name")
            .bind(id)
            .fetch_all(pool)
            .await?;
    let aliases = story::aliases(&entity, names);
    let documents: Vec<DocumentRow> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT d.id, d.title, d.site, d.published FROM documents d
         WHERE d.id IN (SELECT document_id FROM document_entities WHERE entity_id = ?1)
         ORDER BY d.published IS NULL, d.published DESC, d.id DESC LIMIT {ENTITY_DOCUMENTS}"
    )))
    .bind(id)
    .fetch_all(pool)
    .await?;
    let quotes: Vec<QuoteSelect> = sqlx::query_as(
        "SELECT q.text, q.speaker, q.entity_id, e.name, q.digest, d.id, d.title, d.site, d.published
         FROM quotes q JOIN documents d ON d.id = q.document_id LEFT JOIN entities e ON e.id = q.entity_id
         WHERE q.entity_id = ?1 ORDER BY d.published, d.id, q.position",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    let related: Vec<RelatedRow> = sqlx::query_as(AssertSqlSafe(format!(
        "WITH together AS (
             SELECT other.entity_id, count(DISTINCT other.document_id) AS shared
             FROM document_entities mine JOIN document_entities other
               ON other.document_id = mine.document_id AND other.entity_id != mine.entity_id
             WHERE mine.entity_id = ?1 GROUP BY other.entity_id
         )
         SELECT {SUMMARY}, t.shared FROM together t JOIN entities e ON e.id = t.entity_id
         ORDER BY t.shared DESC, e.name LIMIT {RELATED_ENTITIES}"
    )))
    .bind(id)
    .fetch_all(pool)
    .await?;
    // The events whose sentence names the entity by one of its names.
    let names = story::lowercase_names(&entity, &aliases);
    let events: Vec<EventSelect> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT v.date, v.approximate, v.text, d.id, d.title, d.site, d.published
         FROM events v JOIN documents d ON d.id = v.document_id
         WHERE v.document_id IN (SELECT document_id FROM document_entities WHERE entity_id = ?1)
           AND EXISTS (SELECT 1 FROM json_each(?2) n WHERE instr(lower(v.text), n.value) > 0)
         ORDER BY v.date, d.published, d.id, v.position LIMIT {}",
        TIMELINE_LIMIT * 4
    )))
    .bind(id)
    .bind(json_list(&names))
    .fetch_all(pool)
    .await?;
    story::entity_page(entity, aliases, documents, quotes, related, events).map(Some)
}

pub(crate) async fn timeline(pool: &SqlitePool, ids: Option<&[i64]>) -> Result<Vec<TimelineEvent>> {
    let rows: Vec<EventSelect> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT v.date, v.approximate, v.text, d.id, d.title, d.site, d.published
         FROM events v JOIN documents d ON d.id = v.document_id
         WHERE ?1 IS NULL OR v.document_id IN (SELECT value FROM json_each(?1))
         ORDER BY v.date, d.published, d.id, v.position LIMIT {}",
        TIMELINE_LIMIT * 4
    )))
    .bind(ids.map(json_list))
    .fetch_all(pool)
    .await?;
    Ok(story::group_events(rows))
}

pub(crate) async fn quotes(pool: &SqlitePool, ids: Option<&[i64]>) -> Result<Vec<QuoteGroup>> {
    // Every printing of the quotes the chosen documents print, wherever else
    // they were printed: the first printing may be outside the search.
    let rows: Vec<QuoteSelect> = sqlx::query_as(AssertSqlSafe(format!(
        "WITH chosen AS (
             SELECT DISTINCT digest FROM quotes
             WHERE ?1 IS NULL OR document_id IN (SELECT value FROM json_each(?1))
             LIMIT {}
         )
         SELECT q.text, q.speaker, q.entity_id, e.name, q.digest, d.id, d.title, d.site, d.published
         FROM quotes q JOIN documents d ON d.id = q.document_id LEFT JOIN entities e ON e.id = q.entity_id
         WHERE q.digest IN (SELECT digest FROM chosen)
         ORDER BY d.published, d.id, q.position",
        TIMELINE_LIMIT * 4
    )))
    .bind(ids.map(json_list))
    .fetch_all(pool)
    .await?;
    Ok(story::group_quotes(rows))
}

pub(crate) async fn document_entity_ids(pool: &SqlitePool, document_id: i64) -> Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as("SELECT position, entity_id FROM document_entities WHERE document_id = ?1")
        .bind(document_id)
        .fetch_all(pool)
        .await?)
}

pub(crate) async fn merge(pool: &SqlitePool, merged: &[i64], into: i64) -> Result<u64> {
    let mut transaction = pool.begin_with("BEGIN IMMEDIATE").await?;
    let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM entities WHERE id = ?1")
        .bind(into)
        .fetch_optional(&mut *transaction)
        .await?;
    if exists.is_none() {
        return Err(Error::InvalidEntity(format!("there is no entity {into}")));
    }
    let list = json_list(merged);
    for statement in [
        "UPDATE entity_names SET entity_id = ?2 WHERE entity_id IN (SELECT value FROM json_each(?1))",
        "UPDATE document_entities SET entity_id = ?2 WHERE entity_id IN (SELECT value FROM json_each(?1))",
        "UPDATE quotes SET entity_id = ?2 WHERE entity_id IN (SELECT value FROM json_each(?1))",
    ] {
        sqlx::query(statement).bind(&list).bind(into).execute(&mut *transaction).await?;
    }
    let done = sqlx::query("DELETE FROM entities WHERE id IN (SELECT value FROM json_each(?1))")
        .bind(&list)
        .execute(&mut *transaction)
        .await?
        .rows_affected();
    transaction.commit().await?;
    Ok(done)
}

pub(crate) async fn rename(pool: &SqlitePool, id: i64, name: &str, key: &str) -> Result<()> {
    let mut transaction = pool.begin_with("BEGIN IMMEDIATE").await?;
    let kind: Option<(String,)> = sqlx::query_as("SELECT kind FROM entities WHERE id = ?1")
        .bind(id)
        .fetch_optional(&mut *transaction)
        .await?;
    let Some((kind,)) = kind else {
        return Err(Error::InvalidEntity(format!("there is no entity {id}")));
    };
    sqlx::query("UPDATE entities SET name = ?2 WHERE id = ?1")
        .bind(id)
        .bind(name)
        .execute(&mut *transaction)
        .await?;
    sqlx::query("INSERT OR IGNORE INTO entity_names (kind, key, name, entity_id) VALUES (?1, ?2, ?3, ?4)")
        .bind(kind)
        .bind(key)
        .bind(name)
        .bind(id)
        .execute(&mut *transaction)
        .await?;
    transaction.commit().await?;
    Ok(())
}

/// Indexes the documents stored before the story tables existed, a page at a
/// time, each page in its own transaction; returns how many were indexed.
pub(crate) async fn index_backlog(pool: &SqlitePool) -> Result<u64> {
    let mut indexed = 0;
    loop {
        // Asked first outside a writing transaction: an archive with no backlog
        // (every one but once) opens without waiting for a writer.
        let (pending,): (bool,) =
            sqlx::query_as("SELECT EXISTS (SELECT 1 FROM story_backlog)").fetch_one(pool).await?;
        if !pending {
            return Ok(indexed);
        }
        let mut transaction = pool.begin_with("BEGIN IMMEDIATE").await?;
        let rows: Vec<(i64, Vec<u8>, Option<Vec<u8>>)> = sqlx::query_as(
            "SELECT d.id, d.model, (SELECT data FROM originals WHERE sha256 = d.model_original)
             FROM story_backlog b JOIN documents d ON d.id = b.document_id
             ORDER BY b.document_id LIMIT 500",
        )
        .fetch_all(&mut *transaction)
        .await?;
        if rows.is_empty() {
            return Ok(indexed);
        }
        let ids: Vec<i64> = rows.iter().map(|(id, ..)| *id).collect();
        let documents = story::decode_backlog(rows);
        let written: Vec<(i64, &Document)> = documents.iter().map(|(id, document)| (*id, document)).collect();
        index(&mut transaction, &written, &ids).await?;
        sqlx::query("DELETE FROM story_backlog WHERE document_id IN (SELECT value FROM json_each(?1))")
            .bind(json_list(&ids))
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        indexed += ids.len() as u64;
    }
}
