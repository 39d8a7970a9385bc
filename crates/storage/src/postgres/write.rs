//! The PostgreSQL writer: each batch of prepared items lands in one transaction.
//! See `crate::import` for the identity rules and what is prepared off the writer.
//!
//! Writers take turns: every writing transaction first takes one transaction-level
//! advisory lock, so two processes importing at once cannot both decide that a
//! document is new, or merge stories past each other. Readers never wait for it.
//! What a batch becomes is decided in memory (`crate::plan`) and written with one
//! statement per table. `dossier reparse` writes its changes the same way.

use std::collections::HashMap;

use sqlx::PgPool;

use super::Database;
use crate::import::{ImportItem, ItemOutcome, ItemResult, PreparedDocument};
use crate::plan::{Answers, Plan, Questions, Row, lookup_keys};
use crate::{Result, similarity};

pub(crate) type Transaction<'a> = sqlx::Transaction<'a, sqlx::Postgres>;

/// The advisory lock key that serialises writers across processes ("dossier" in ASCII).
const WRITER_LOCK: i64 = 0x0064_6f73_7369_6572;

/// Bodies longer than this are indexed up to here: a `tsvector` holds at most
/// 1 MiB of lexemes and positions, and a longer body would fail the whole batch.
const MAX_INDEXED_BODY: usize = 512 * 1024;

/// Starts an import run; items are recorded against it.
pub(crate) async fn begin_import(database: &Database) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as("INSERT INTO import_runs DEFAULT VALUES RETURNING id")
        .fetch_one(&database.pool)
        .await?;
    Ok(id)
}

/// Marks an import run finished.
pub(crate) async fn finish_import(database: &Database, run_id: i64) -> Result<()> {
    sqlx::query(
        "UPDATE import_runs SET finished_at = to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')
         WHERE id = $1",
    )
    .bind(run_id)
    .execute(&database.pool)
    .await?;
    Ok(())
}

/// Begins a writing transaction, waiting for other writers' turns to end.
pub(crate) async fn begin_writing(pool: &PgPool) -> Result<Transaction<'static>> {
    let mut transaction = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(WRITER_LOCK).execute(&mut *transaction).await?;
    Ok(transaction)
}

/// Stores a batch of items in one transaction and reports each one's outcome:
/// planned in memory (`crate::plan`) from a few questions asked under the writer
/// lock, then written with one statement per table, each row column bound as one
/// array and unnested.
pub(crate) async fn import_batch(
    database: &Database,
    story_threshold: f64,
    run_id: Option<i64>,
    items: Vec<ImportItem>,
) -> Result<Vec<ItemResult>> {
    let mut transaction = begin_writing(&database.pool).await?;
    let answers = ask(&mut transaction, &Questions::of(&items), story_threshold).await?;
    let plan = Plan::new(&items, answers, story_threshold);
    write(&mut transaction, database, &plan, run_id).await?;
    transaction.commit().await?;
    Ok(plan.results)
}

/// The archive's answers to a batch's questions; `threshold` is the story
/// similarity the plan will be made with.
pub(crate) async fn ask(
    transaction: &mut Transaction<'_>,
    questions: &Questions<'_>,
    threshold: f64,
) -> Result<Answers> {
    let mut answers = Answers::default();
    if !questions.fingerprints.is_empty() {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT fingerprint, id FROM documents WHERE fingerprint = ANY($1)
             UNION ALL
             SELECT fingerprint, document_id FROM revisions WHERE fingerprint = ANY($1)",
        )
        .bind(&questions.fingerprints)
        .fetch_all(&mut **transaction)
        .await?;
        for (fingerprint, id) in rows {
            answers.fingerprints.entry(fingerprint).or_insert(id);
        }
    }
    if !questions.urls.is_empty() {
        let rows: Vec<(String, i64, i64, i32)> =
            // A document's stored address first, then the addresses its pages
            // were fetched from (see the SQLite writer).
            sqlx::query_as(
                "(SELECT url, id, story_id, 0 AS rank FROM documents WHERE url = ANY($1))
                 UNION ALL
                 (SELECT s.location, d.id, d.story_id, 1 FROM sources s JOIN documents d ON d.id = s.document_id
                  WHERE s.location = ANY($1))
                 ORDER BY rank, id",
            )
                .bind(&questions.urls)
                .fetch_all(&mut **transaction)
                .await?;
        for (url, id, story, _) in rows {
            answers.urls.entry(url).or_insert((id, story));
        }
    }
    if !questions.keys.is_empty() {
        let rows: Vec<(i64, Vec<i64>)> = sqlx::query_as(
            "SELECT k.key, array(SELECT document_id FROM sketch_keys WHERE key = k.key
                                 ORDER BY document_id DESC LIMIT $2)
             FROM unnest($1::int8[]) AS k (key)",
        )
        .bind(&questions.keys)
        .bind(similarity::CANDIDATES_PER_KEY)
        .fetch_all(&mut **transaction)
        .await?;
        answers.keys = rows.into_iter().filter(|(_, ids)| !ids.is_empty()).collect();
        let candidates = questions.candidate_ids(&answers.keys);
        if !candidates.is_empty() {
            let rows: Vec<(i64, Vec<u8>)> = sqlx::query_as(
                "SELECT document_id, sketch FROM document_sketches WHERE document_id = ANY($1)",
            )
            .bind(candidates)
            .fetch_all(&mut **transaction)
            .await?;
            let mut sketches: HashMap<i64, Vec<u32>> =
                rows.into_iter().map(|(id, sketch)| (id, similarity::decode(&sketch))).collect();
            let similar = questions.similar_candidates(&answers.keys, &sketches, threshold);
            if !similar.is_empty() {
                let rows: Vec<(i64, i64)> =
                    sqlx::query_as("SELECT id, story_id FROM documents WHERE id = ANY($1)")
                        .bind(similar)
                        .fetch_all(&mut **transaction)
                        .await?;
                for (id, story) in rows {
                    if let Some(sketch) = sketches.remove(&id) {
                        answers.candidates.insert(id, (sketch, story));
                    }
                }
            }
        }
    }
    let (next_id,): (i64,) = sqlx::query_as("SELECT coalesce(max(id), 0) + 1 FROM documents")
        .fetch_one(&mut **transaction)
        .await?;
    answers.next_id = next_id;
    Ok(answers)
}

/// Writes a batch's plan: one statement per table, but for the rare revisions and
/// story merges.
pub(crate) async fn write(
    transaction: &mut Transaction<'_>,
    database: &Database,
    plan: &Plan<'_>,
    run_id: Option<i64>,
) -> Result<()> {
    if !plan.originals.is_empty() {
        sqlx::query(
            "INSERT INTO originals (sha256, byte_length, compression, data)
             SELECT sha256, byte_length, 'zstd', data FROM unnest($1::text[], $2::int8[], $3::bytea[])
                 AS o (sha256, byte_length, data)
             ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(plan.originals.iter().map(|original| original.original_sha256.as_str()).collect::<Vec<_>>())
        .bind(plan.originals.iter().map(|original| original.original_length as i64).collect::<Vec<_>>())
        .bind(
            plan.originals.iter().map(|original| original.original_compressed.as_slice()).collect::<Vec<_>>(),
        )
        .execute(&mut **transaction)
        .await?;
    }
    if let Some(last) = plan.inserts.last() {
        insert_documents(transaction, database, &plan.inserts).await?;
        // The ids were drawn here rather than from the sequence: move it past them.
        sqlx::query("SELECT setval(pg_get_serial_sequence('documents', 'id'), $1)")
            .bind(last.id)
            .execute(&mut **transaction)
            .await?;
    }
    if !plan.revised.is_empty() {
        sqlx::query(
            "INSERT INTO revisions (document_id, fingerprint, model, model_original)
             SELECT id, fingerprint, model, model_original FROM documents WHERE id = ANY($1) ORDER BY id",
        )
        .bind(&plan.revised)
        .execute(&mut **transaction)
        .await?;
    }
    if !plan.passing.is_empty() {
        sqlx::query(
            "INSERT INTO revisions (document_id, fingerprint, model, model_original)
             SELECT document_id, fingerprint, model, model_original
             FROM unnest($1::int8[], $2::text[], $3::bytea[], $4::text[])
                 WITH ORDINALITY AS r (document_id, fingerprint, model, model_original, ordinal)
             ORDER BY ordinal",
        )
        .bind(plan.passing.iter().map(|(id, _)| *id).collect::<Vec<_>>())
        .bind(
            plan.passing
                .iter()
                .map(|(_, prepared)| prepared.document.fingerprint.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(plan.passing.iter().map(|(_, prepared)| prepared.model.as_slice()).collect::<Vec<_>>())
        .bind(plan.passing.iter().map(|(_, prepared)| prepared.model_original.as_deref()).collect::<Vec<_>>())
        .execute(&mut **transaction)
        .await?;
    }
    for row in &plan.updates {
        replace_document(transaction, database, row.id, row.prepared).await?;
        sqlx::query("UPDATE documents SET story_id = $1 WHERE id = $2")
            .bind(row.story)
            .bind(row.id)
            .execute(&mut **transaction)
            .await?;
        forget_sketch_keys(transaction, row.id).await?;
    }
    for (story, joined) in &plan.merges {
        sqlx::query("UPDATE documents SET story_id = $1 WHERE story_id = $2")
            .bind(joined)
            .bind(story)
            .execute(&mut **transaction)
            .await?;
    }
    let sketched: Vec<&Row> = plan.inserts.iter().chain(&plan.updates).collect();
    if !sketched.is_empty() {
        let (key_values, key_documents): (Vec<i64>, Vec<i64>) = sketched
            .iter()
            .flat_map(|row| lookup_keys(&row.prepared.sketch).map(|key| (key, row.id)))
            .unzip();
        sqlx::query(
            "WITH sketches AS (
                 INSERT INTO document_sketches (document_id, sketch)
                 SELECT * FROM unnest($1::int8[], $2::bytea[])
                 ON CONFLICT (document_id) DO UPDATE SET sketch = excluded.sketch
             )
             INSERT INTO sketch_keys (key, document_id) SELECT * FROM unnest($3::int8[], $4::int8[])
             ON CONFLICT DO NOTHING",
        )
        .bind(sketched.iter().map(|row| row.id).collect::<Vec<_>>())
        .bind(sketched.iter().map(|row| similarity::encode(&row.prepared.sketch)).collect::<Vec<_>>())
        .bind(key_values)
        .bind(key_documents)
        .execute(&mut **transaction)
        .await?;
    }
    if !plan.tags.is_empty() {
        let (tag_documents, tag_names): (Vec<i64>, Vec<&str>) = plan.tags.iter().copied().unzip();
        sqlx::query(
            "INSERT INTO tags (name) SELECT DISTINCT ON (lower(name)) name FROM unnest($1::text[]) AS t (name)
             ON CONFLICT ((lower(name))) DO NOTHING",
        )
        .bind(&tag_names)
        .execute(&mut **transaction)
        .await?;
        sqlx::query(
            "INSERT INTO document_tags (document_id, tag_id)
             SELECT n.document_id, t.id FROM unnest($1::int8[], $2::text[]) AS n (document_id, name)
             JOIN tags t ON lower(t.name) = lower(n.name)
             ON CONFLICT DO NOTHING",
        )
        .bind(tag_documents)
        .bind(tag_names)
        .execute(&mut **transaction)
        .await?;
    }
    if !plan.sources.is_empty() {
        // In input order, so that source ids (which order a document's sources) follow it.
        sqlx::query(
            "INSERT INTO sources (document_id, location, format, position, original_sha256, sets_text)
             SELECT document_id, location, format, position, sha256, sets_text
             FROM unnest($1::int8[], $2::text[], $3::text[], $4::int8[], $5::text[], $6::bool[])
                 WITH ORDINALITY AS s (document_id, location, format, position, sha256, sets_text, ordinal)
             ORDER BY ordinal
             ON CONFLICT (document_id, location, original_sha256) DO NOTHING",
        )
        .bind(plan.sources.iter().map(|source| source.document_id).collect::<Vec<_>>())
        .bind(plan.sources.iter().map(|source| source.location).collect::<Vec<_>>())
        .bind(plan.sources.iter().map(|source| source.format).collect::<Vec<_>>())
        .bind(plan.sources.iter().map(|source| source.position).collect::<Vec<_>>())
        .bind(plan.sources.iter().map(|source| source.original_sha256).collect::<Vec<_>>())
        .bind(plan.sources.iter().map(|source| source.sets_text).collect::<Vec<_>>())
        .execute(&mut **transaction)
        .await?;
    }
    if !plan.highlights.is_empty() {
        // In input order, so that highlight ids (which order a document's highlights) follow it.
        let highlights = || plan.highlights.iter().map(|row| row.highlight);
        sqlx::query(
            "INSERT INTO highlights (document_id, text, note, created, digest, original_sha256)
             SELECT document_id, text, note, created, digest, sha256
             FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
                 WITH ORDINALITY AS h (document_id, text, note, created, digest, sha256, ordinal)
             ORDER BY ordinal
             ON CONFLICT (document_id, digest) DO NOTHING",
        )
        .bind(plan.highlights.iter().map(|row| row.document_id).collect::<Vec<_>>())
        .bind(highlights().map(|highlight| highlight.text.as_deref()).collect::<Vec<_>>())
        .bind(highlights().map(|highlight| highlight.note.as_deref()).collect::<Vec<_>>())
        .bind(highlights().map(|highlight| highlight.created.as_deref()).collect::<Vec<_>>())
        .bind(highlights().map(|highlight| highlight.digest.as_str()).collect::<Vec<_>>())
        .bind(plan.highlights.iter().map(|row| row.original_sha256).collect::<Vec<_>>())
        .execute(&mut **transaction)
        .await?;
    }
    if !plan.images.is_empty() {
        let images = || plan.images.iter().map(|(_, image)| image);
        sqlx::query(
            "INSERT INTO images (sha256, media_type, byte_length, data)
             SELECT * FROM unnest($1::text[], $2::text[], $3::int8[], $4::bytea[])
             ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(images().map(|image| image.sha256.as_str()).collect::<Vec<_>>())
        .bind(images().map(|image| image.media_type).collect::<Vec<_>>())
        .bind(images().map(|image| image.data.len() as i64).collect::<Vec<_>>())
        .bind(images().map(|image| image.data.as_slice()).collect::<Vec<_>>())
        .execute(&mut **transaction)
        .await?;
        // One row a (document, src): the batch's last copy of it, as on SQLite.
        sqlx::query(
            "INSERT INTO document_images (document_id, src, image_sha256)
             SELECT DISTINCT ON (document_id, src) document_id, src, sha256
             FROM unnest($1::int8[], $2::text[], $3::text[]) WITH ORDINALITY AS i (document_id, src, sha256, ordinal)
             ORDER BY document_id, src, ordinal DESC
             ON CONFLICT (document_id, src) DO UPDATE SET image_sha256 = excluded.image_sha256",
        )
        .bind(plan.images.iter().map(|(document_id, _)| *document_id).collect::<Vec<_>>())
        .bind(images().map(|image| image.src.as_str()).collect::<Vec<_>>())
        .bind(images().map(|image| image.sha256.as_str()).collect::<Vec<_>>())
        .execute(&mut **transaction)
        .await?;
    }
    if let Some(run_id) = run_id.filter(|_| !plan.results.is_empty()) {
        sqlx::query(
            "INSERT INTO import_items (run_id, location, outcome, document_id, error)
             SELECT $1, location, outcome, document_id, error
             FROM unnest($2::text[], $3::text[], $4::int8[], $5::text[])
                 WITH ORDINALITY AS i (location, outcome, document_id, error, ordinal)
             ORDER BY ordinal",
        )
        .bind(run_id)
        .bind(plan.results.iter().map(|result| result.location.as_str()).collect::<Vec<_>>())
        .bind(plan.results.iter().map(|result| result.outcome.as_str()).collect::<Vec<_>>())
        .bind(plan.results.iter().map(|result| result.outcome.ids().first().copied()).collect::<Vec<_>>())
        .bind(
            plan.results
                .iter()
                .map(|result| match &result.outcome {
                    ItemOutcome::Failed(reason) => Some(reason.as_str()),
                    ItemOutcome::Stored(_) => None,
                })
                .collect::<Vec<_>>(),
        )
        .execute(&mut **transaction)
        .await?;
    }
    let (written, replaced) = crate::story::written(plan);
    super::story::index(transaction, &written, &replaced).await
}

/// Inserts new documents with their search vectors, weighted title above body and
/// built with the text search configuration of each one's language.
async fn insert_documents(
    transaction: &mut Transaction<'_>,
    database: &Database,
    rows: &[Row<'_>],
) -> Result<()> {
    let documents = || rows.iter().map(|row| &row.prepared.document);
    sqlx::query(
        "INSERT INTO documents (id, fingerprint, title, published, site, language, url, authors, excerpt,
                                word_count, story_id, model, model_original, search_config, search_vector)
         SELECT id, fingerprint, title, published, site, language, url, authors, excerpt, word_count, story_id,
                model, model_original, config,
                setweight(to_tsvector(config::regconfig, title), 'A')
                    || setweight(to_tsvector(config::regconfig, body), 'B')
         FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                     $8::text[], $9::text[], $10::int8[], $11::int8[], $12::bytea[], $13::text[], $14::text[],
                     $15::text[])
             AS d (id, fingerprint, title, published, site, language, url, authors, excerpt, word_count,
                   story_id, model, config, body, model_original)",
    )
    .bind(rows.iter().map(|row| row.id).collect::<Vec<_>>())
    .bind(documents().map(|document| document.fingerprint.as_str()).collect::<Vec<_>>())
    .bind(documents().map(|document| document.title.as_str()).collect::<Vec<_>>())
    .bind(documents().map(|document| document.published.as_deref()).collect::<Vec<_>>())
    .bind(documents().map(|document| document.site.as_deref()).collect::<Vec<_>>())
    .bind(documents().map(|document| document.language.as_deref()).collect::<Vec<_>>())
    .bind(rows.iter().map(|row| row.prepared.url().map(String::as_str)).collect::<Vec<_>>())
    .bind(documents().map(|document| document.authors.join("; ")).collect::<Vec<_>>())
    .bind(rows.iter().map(|row| row.prepared.excerpt.as_str()).collect::<Vec<_>>())
    .bind(documents().map(|document| document.word_count as i64).collect::<Vec<_>>())
    .bind(rows.iter().map(|row| row.story).collect::<Vec<_>>())
    .bind(rows.iter().map(|row| row.prepared.model.as_slice()).collect::<Vec<_>>())
    .bind(documents().map(|document| database.config_for(document.language.as_deref())).collect::<Vec<_>>())
    .bind(rows.iter().map(|row| indexed_body(&row.prepared.body)).collect::<Vec<_>>())
    .bind(rows.iter().map(|row| row.prepared.model_original.as_deref()).collect::<Vec<_>>())
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

/// Deletes a document's sketch lookup keys, found from its stored sketch.
async fn forget_sketch_keys(transaction: &mut Transaction<'_>, id: i64) -> Result<()> {
    let old: Option<(Vec<u8>,)> =
        sqlx::query_as("SELECT sketch FROM document_sketches WHERE document_id = $1")
            .bind(id)
            .fetch_optional(&mut **transaction)
            .await?;
    if let Some((old,)) = old {
        let old_keys: Vec<i64> = lookup_keys(&similarity::decode(&old)).collect();
        sqlx::query("DELETE FROM sketch_keys WHERE key = ANY($1) AND document_id = $2")
            .bind(old_keys)
            .bind(id)
            .execute(&mut **transaction)
            .await?;
    }
    Ok(())
}

pub(crate) fn indexed_body(body: &str) -> &str {
    if body.len() <= MAX_INDEXED_BODY {
        return body;
    }
    let mut end = MAX_INDEXED_BODY;
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    &body[..end]
}

/// Overwrites a stored document's current version (a revision, or a reparse),
/// with its search entry.
pub(crate) async fn replace_document(
    transaction: &mut Transaction<'_>,
    database: &Database,
    id: i64,
    prepared: &PreparedDocument,
) -> Result<()> {
    let document = &prepared.document;
    sqlx::query(
        "UPDATE documents SET fingerprint = $1, title = $2, published = $3, site = $4, language = $5, authors = $6,
                excerpt = $7, word_count = $8, model = $9, search_config = $10,
                search_vector = setweight(to_tsvector($10::regconfig, $2), 'A')
                             || setweight(to_tsvector($10::regconfig, $11), 'B'),
                model_original = $13
         WHERE id = $12",
    )
    .bind(&document.fingerprint)
    .bind(&document.title)
    .bind(&document.published)
    .bind(&document.site)
    .bind(&document.language)
    .bind(document.authors.join("; "))
    .bind(&prepared.excerpt)
    .bind(document.word_count as i64)
    .bind(&prepared.model)
    .bind(database.config_for(document.language.as_deref()))
    .bind(indexed_body(&prepared.body))
    .bind(id)
    .bind(&prepared.model_original)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}
