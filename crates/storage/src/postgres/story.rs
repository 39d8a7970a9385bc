//! Entities, quotes and dated events in PostgreSQL (see `crate::story`; the
//! SQLite module says the same in SQLite's words).

use std::collections::HashMap;

use sqlx::{AssertSqlSafe, PgPool};

use super::write::{Transaction, begin_writing};
use dossier_core::Document;

use crate::story::{
    self, DocumentRow, ENTITY_DOCUMENTS, EntityPage, EntitySummary, EventSelect, QuoteGroup, QuoteSelect,
    RELATED_ENTITIES, RelatedRow, StoryRows, SummaryRow, TIMELINE_LIMIT, TimelineEvent,
};
use crate::{Error, Result};

/// Indexes the entities, quotes and events of `written` documents, first
/// deleting the rows of the `replaced` ones, inside the batch's transaction
/// (which holds the writer lock).
pub(crate) async fn index(
    transaction: &mut Transaction<'_>,
    written: &[(i64, &Document)],
    replaced: &[i64],
) -> Result<()> {
    if written.is_empty() {
        return Ok(());
    }
    let wanted = story::names_wanted(written);
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT n.kind, n.key, n.entity_id FROM unnest($1::text[], $2::text[]) AS w (kind, key)
         JOIN entity_names n ON n.kind = w.kind AND n.key = w.key",
    )
    .bind(wanted.iter().map(|(kind, _)| *kind).collect::<Vec<_>>())
    .bind(wanted.iter().map(|(_, key)| key.as_str()).collect::<Vec<_>>())
    .fetch_all(&mut **transaction)
    .await?;
    let known: HashMap<(String, String), i64> =
        rows.into_iter().map(|(kind, key, id)| ((kind, key), id)).collect();
    let (next_id,): (i64,) =
        sqlx::query_as("SELECT coalesce(max(id), 0) + 1 FROM entities").fetch_one(&mut **transaction).await?;
    let rows = StoryRows::new(written, known, next_id);
    if !replaced.is_empty() {
        for table in ["document_entities", "quotes", "events"] {
            sqlx::query(AssertSqlSafe(format!("DELETE FROM {table} WHERE document_id = ANY($1)")))
                .bind(replaced)
                .execute(&mut **transaction)
                .await?;
        }
    }
    if !rows.entities.is_empty() {
        sqlx::query(
            "INSERT INTO entities (id, kind, name) SELECT * FROM unnest($1::int8[], $2::text[], $3::text[])",
        )
        .bind(rows.entities.iter().map(|(id, _, _)| *id).collect::<Vec<_>>())
        .bind(rows.entities.iter().map(|(_, kind, _)| *kind).collect::<Vec<_>>())
        .bind(rows.entities.iter().map(|(_, _, name)| *name).collect::<Vec<_>>())
        .execute(&mut **transaction)
        .await?;
    }
    if !rows.names.is_empty() {
        sqlx::query(
            "INSERT INTO entity_names (kind, key, name, entity_id)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[])
             ON CONFLICT (kind, key) DO NOTHING",
        )
        .bind(rows.names.iter().map(|(kind, _, _, _)| *kind).collect::<Vec<_>>())
        .bind(rows.names.iter().map(|(_, key, _, _)| key.as_str()).collect::<Vec<_>>())
        .bind(rows.names.iter().map(|(_, _, name, _)| *name).collect::<Vec<_>>())
        .bind(rows.names.iter().map(|(_, _, _, id)| *id).collect::<Vec<_>>())
        .execute(&mut **transaction)
        .await?;
    }
    if !rows.mentions.is_empty() {
        sqlx::query(
            "INSERT INTO document_entities (entity_id, document_id, position, mentions)
             SELECT * FROM unnest($1::int8[], $2::int8[], $3::int4[], $4::int4[])
             ON CONFLICT DO NOTHING",
        )
        .bind(rows.mentions.iter().map(|row| row.0).collect::<Vec<_>>())
        .bind(rows.mentions.iter().map(|row| row.1).collect::<Vec<_>>())
        .bind(rows.mentions.iter().map(|row| row.2 as i32).collect::<Vec<_>>())
        .bind(rows.mentions.iter().map(|row| row.3.min(i64::from(i32::MAX)) as i32).collect::<Vec<_>>())
        .execute(&mut **transaction)
        .await?;
    }
    if !rows.quotes.is_empty() {
        sqlx::query(
            "INSERT INTO quotes (document_id, position, text, speaker, entity_id, digest)
             SELECT * FROM unnest($1::int8[], $2::int4[], $3::text[], $4::text[], $5::int8[], $6::text[])",
        )
        .bind(rows.quotes.iter().map(|quote| quote.document_id).collect::<Vec<_>>())
        .bind(rows.quotes.iter().map(|quote| quote.position as i32).collect::<Vec<_>>())
        .bind(rows.quotes.iter().map(|quote| quote.text).collect::<Vec<_>>())
        .bind(rows.quotes.iter().map(|quote| quote.speaker).collect::<Vec<_>>())
        .bind(rows.quotes.iter().map(|quote| quote.entity_id).collect::<Vec<_>>())
        .bind(rows.quotes.iter().map(|quote| quote.digest.as_str()).collect::<Vec<_>>())
        .execute(&mut **transaction)
        .await?;
    }
    if !rows.events.is_empty() {
        sqlx::query(
            "INSERT INTO events (document_id, position, date, approximate, text)
             SELECT * FROM unnest($1::int8[], $2::int4[], $3::text[], $4::bool[], $5::text[])",
        )
        .bind(rows.events.iter().map(|event| event.document_id).collect::<Vec<_>>())
        .bind(rows.events.iter().map(|event| event.position as i32).collect::<Vec<_>>())
        .bind(rows.events.iter().map(|event| event.date).collect::<Vec<_>>())
        .bind(rows.events.iter().map(|event| event.approximate).collect::<Vec<_>>())
        .bind(rows.events.iter().map(|event| event.text).collect::<Vec<_>>())
        .execute(&mut **transaction)
        .await?;
    }
    Ok(())
}

const SUMMARY: &str = "e.id, e.kind, e.name,
    (SELECT count(DISTINCT document_id) FROM document_entities WHERE entity_id = e.id),
    (SELECT count(*) FROM quotes WHERE entity_id = e.id)";

pub(crate) async fn entities(
    pool: &PgPool,
    kind: Option<&str>,
    prefix: Option<&str>,
    limit: i64,
) -> Result<Vec<EntitySummary>> {
    let rows: Vec<SummaryRow> = sqlx::query_as(
        "WITH counted AS (
             SELECT entity_id, count(DISTINCT document_id) AS documents FROM document_entities GROUP BY entity_id
         )
         SELECT e.id, e.kind, e.name, c.documents,
                (SELECT count(*) FROM quotes WHERE entity_id = e.id)
         FROM counted c JOIN entities e ON e.id = c.entity_id
         WHERE ($1::text IS NULL OR e.kind = $1)
           AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM entity_names n WHERE n.entity_id = e.id
                                            AND starts_with(n.key, $2)))
         ORDER BY c.documents DESC, e.name, e.id LIMIT $3",
    )
    .bind(kind)
    .bind(prefix)
    .bind(limit.max(0))
    .fetch_all(pool)
    .await?;
    story::summaries(rows)
}

pub(crate) async fn entity_by_key(pool: &PgPool, key: &str) -> Result<Vec<EntitySummary>> {
    let rows: Vec<SummaryRow> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT {SUMMARY} FROM entities e WHERE e.id IN (SELECT entity_id FROM entity_names
                       WHERE kind IN ('person', 'organization', 'place') AND key = $1)
         ORDER BY e.id"
    )))
    .bind(key)
    .fetch_all(pool)
    .await?;
    story::summaries(rows)
}

pub(crate) async fn entity(pool: &PgPool, id: i64) -> Result<Option<EntityPage>> {
    let Some(row): Option<SummaryRow> =
        sqlx::query_as(AssertSqlSafe(format!("SELECT {SUMMARY} FROM entities e WHERE e.id = $1")))
            .bind(id)
            .fetch_optional(pool)
            .await?
    else {
        return Ok(None);
    };
    let entity = story::summary(row)?;
    let names: Vec<(String,)> =
        sqlx::query_as("SELECT name FROM entity_names WHERE entity_id = $1 ORDER BY length(name) DESC, name")
            .bind(id)
            .fetch_all(pool)
            .await?;
    let aliases = story::aliases(&entity, names);
    let documents: Vec<DocumentRow> = sqlx::query_as(
        "SELECT d.id, d.title, d.site, d.published FROM documents d
         WHERE d.id IN (SELECT document_id FROM document_entities WHERE entity_id = $1)
         ORDER BY d.published DESC NULLS LAST, d.id DESC LIMIT $2",
    )
    .bind(id)
    .bind(ENTITY_DOCUMENTS)
    .fetch_all(pool)
    .await?;
    let quotes: Vec<QuoteSelect> = sqlx::query_as(
        "SELECT q.text, q.speaker, q.entity_id, e.name, q.digest, d.id, d.title, d.site, d.published
         FROM quotes q JOIN documents d ON d.id = q.document_id LEFT JOIN entities e ON e.id = q.entity_id
         WHERE q.entity_id = $1 ORDER BY d.published NULLS LAST, d.id, q.position",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    let related: Vec<RelatedRow> = sqlx::query_as(AssertSqlSafe(format!(
        "WITH together AS (
             SELECT other.entity_id, count(DISTINCT other.document_id) AS shared
             FROM document_entities mine JOIN document_entities other
               ON other.document_id = mine.document_id AND other.entity_id != mine.entity_id
             WHERE mine.entity_id = $1 GROUP BY other.entity_id
         )
         SELECT {SUMMARY}, t.shared FROM together t JOIN entities e ON e.id = t.entity_id
         ORDER BY t.shared DESC, e.name LIMIT {RELATED_ENTITIES}"
    )))
    .bind(id)
    .fetch_all(pool)
    .await?;
    let names = story::lowercase_names(&entity, &aliases);
    let events: Vec<EventSelect> = sqlx::query_as(
        "SELECT v.date, v.approximate, v.text, d.id, d.title, d.site, d.published
         FROM events v JOIN documents d ON d.id = v.document_id
         WHERE v.document_id IN (SELECT document_id FROM document_entities WHERE entity_id = $1)
           AND EXISTS (SELECT 1 FROM unnest($2::text[]) n WHERE strpos(lower(v.text), n) > 0)
         ORDER BY v.date, d.published NULLS LAST, d.id, v.position LIMIT $3",
    )
    .bind(id)
    .bind(names)
    .bind((TIMELINE_LIMIT * 4) as i64)
    .fetch_all(pool)
    .await?;
    story::entity_page(entity, aliases, documents, quotes, related, events).map(Some)
}

pub(crate) async fn timeline(pool: &PgPool, ids: Option<&[i64]>) -> Result<Vec<TimelineEvent>> {
    let rows: Vec<EventSelect> = sqlx::query_as(
        "SELECT v.date, v.approximate, v.text, d.id, d.title, d.site, d.published
         FROM events v JOIN documents d ON d.id = v.document_id
         WHERE $1::int8[] IS NULL OR v.document_id = ANY($1)
         ORDER BY v.date, d.published NULLS LAST, d.id, v.position LIMIT $2",
    )
    .bind(ids)
    .bind((TIMELINE_LIMIT * 4) as i64)
    .fetch_all(pool)
    .await?;
    Ok(story::group_events(rows))
}

pub(crate) async fn quotes(pool: &PgPool, ids: Option<&[i64]>) -> Result<Vec<QuoteGroup>> {
    let rows: Vec<QuoteSelect> = sqlx::query_as(
        "WITH chosen AS (
             SELECT DISTINCT digest FROM quotes WHERE $1::int8[] IS NULL OR document_id = ANY($1) LIMIT $2
         )
         SELECT q.text, q.speaker, q.entity_id, e.name, q.digest, d.id, d.title, d.site, d.published
         FROM quotes q JOIN documents d ON d.id = q.document_id LEFT JOIN entities e ON e.id = q.entity_id
         WHERE q.digest IN (SELECT digest FROM chosen)
         ORDER BY d.published NULLS LAST, d.id, q.position",
    )
    .bind(ids)
    .bind((TIMELINE_LIMIT * 4) as i64)
    .fetch_all(pool)
    .await?;
    Ok(story::group_quotes(rows))
}

pub(crate) async fn document_entity_ids(pool: &PgPool, document_id: i64) -> Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as("SELECT position::int8, entity_id FROM document_entities WHERE document_id = $1")
        .bind(document_id)
        .fetch_all(pool)
        .await?)
}

pub(crate) async fn merge(pool: &PgPool, merged: &[i64], into: i64) -> Result<u64> {
    let mut transaction = begin_writing(pool).await?;
    let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM entities WHERE id = $1")
        .bind(into)
        .fetch_optional(&mut *transaction)
        .await?;
    if exists.is_none() {
        return Err(Error::InvalidEntity(format!("there is no entity {into}")));
    }
    for statement in [
        "UPDATE entity_names SET entity_id = $2 WHERE entity_id = ANY($1)",
        "UPDATE document_entities SET entity_id = $2 WHERE entity_id = ANY($1)",
        "UPDATE quotes SET entity_id = $2 WHERE entity_id = ANY($1)",
    ] {
        sqlx::query(statement).bind(merged).bind(into).execute(&mut *transaction).await?;
    }
    let done = sqlx::query("DELETE FROM entities WHERE id = ANY($1)")
        .bind(merged)
        .execute(&mut *transaction)
        .await?
        .rows_affected();
    transaction.commit().await?;
    Ok(done)
}

pub(crate) async fn rename(pool: &PgPool, id: i64, name: &str, key: &str) -> Result<()> {
    let mut transaction = begin_writing(pool).await?;
    let kind: Option<(String,)> = sqlx::query_as("SELECT kind FROM entities WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *transaction)
        .await?;
    let Some((kind,)) = kind else {
        return Err(Error::InvalidEntity(format!("there is no entity {id}")));
    };
    sqlx::query("UPDATE entities SET name = $2 WHERE id = $1")
        .bind(id)
        .bind(name)
        .execute(&mut *transaction)
        .await?;
    sqlx::query(
        "INSERT INTO entity_names (kind, key, name, entity_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (kind, key) DO NOTHING",
    )
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
pub(crate) async fn index_backlog(pool: &PgPool) -> Result<u64> {
    let mut indexed = 0;
    loop {
        // Asked first outside a writing transaction: an archive with no backlog
        // (every one but once) opens without waiting for a writer.
        let (pending,): (bool,) =
            sqlx::query_as("SELECT EXISTS (SELECT 1 FROM story_backlog)").fetch_one(pool).await?;
        if !pending {
            return Ok(indexed);
        }
        let mut transaction = begin_writing(pool).await?;
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
        sqlx::query("DELETE FROM story_backlog WHERE document_id = ANY($1)")
            .bind(&ids)
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        indexed += ids.len() as u64;
    }
}
