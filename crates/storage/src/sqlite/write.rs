//! The SQLite writer: each batch of prepared items lands in one transaction,
//! planned in memory (`crate::plan`) and written with one multi-row statement per
//! table. See `crate::import` for the identity rules and what is prepared off the
//! writer. `dossier reparse` writes its changes the same way.

use std::collections::HashMap;

use sqlx::{AssertSqlSafe, Connection, QueryBuilder, SqliteConnection, SqlitePool};

use super::search_index::{IndexRow, IndexWriter};
use crate::import::{ImportItem, ItemOutcome, ItemResult, PreparedDocument};
use crate::plan::{Answers, Plan, Questions, Row, lookup_keys};
use crate::{Result, similarity};

/// Starts an import run; items are recorded against it.
pub(crate) async fn begin_import(pool: &SqlitePool) -> Result<i64> {
    let (id,): (i64,) =
        sqlx::query_as("INSERT INTO import_runs DEFAULT VALUES RETURNING id").fetch_one(pool).await?;
    Ok(id)
}

/// Marks an import run finished.
pub(crate) async fn finish_import(pool: &SqlitePool, run_id: i64) -> Result<()> {
    sqlx::query("UPDATE import_runs SET finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?")
        .bind(run_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Stores a batch of items in one transaction and reports each one's outcome.
/// The transaction takes the write lock when it begins, so that the answers the
/// plan is made from stay true until the commit (see `crate::plan`).
pub(crate) async fn import_batch(
    connection: &mut SqliteConnection,
    index: &mut IndexWriter,
    story_threshold: f64,
    run_id: Option<i64>,
    items: Vec<ImportItem>,
) -> Result<Vec<ItemResult>> {
    let mut transaction = connection.begin_with("BEGIN IMMEDIATE").await?;
    index.forget_indexed(&mut transaction).await?;
    let answers = ask(&mut transaction, &Questions::of(&items), story_threshold).await?;
    let plan = Plan::new(&items, answers, story_threshold);
    let rows = write(&mut transaction, &plan, run_id).await?;
    transaction.commit().await?;
    // Indexed while the next batch is stored (see `search_index`).
    index.start(rows).await?;
    Ok(plan.results)
}

pub(crate) type Transaction<'a> = sqlx::Transaction<'a, sqlx::Sqlite>;

/// Rows a multi-row statement writes at most: SQLite takes at most 32,766
/// parameters a statement, and the widest row here has 13.
pub(crate) const ROWS_PER_STATEMENT: usize = 1000;

/// A JSON array, bound as one parameter and read with `json_each`.
pub(crate) fn json_list<T: serde::Serialize>(values: &[T]) -> String {
    serde_json::to_string(values).expect("a list of strings or numbers serialises")
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
            "SELECT fingerprint, id FROM documents WHERE fingerprint IN (SELECT value FROM json_each(?1))
             UNION ALL
             SELECT fingerprint, document_id FROM revisions WHERE fingerprint IN (SELECT value FROM json_each(?1))",
        )
        .bind(json_list(&questions.fingerprints))
        .fetch_all(&mut **transaction)
        .await?;
        for (fingerprint, id) in rows {
            answers.fingerprints.entry(fingerprint).or_insert(id);
        }
    }
    if !questions.urls.is_empty() {
        let rows: Vec<(String, i64, i64, i32)> = sqlx::query_as(
            // A document's stored address first, then the addresses its pages
            // were fetched from (a page whose canonical address differs from the
            // link it was fetched for is found by the link's).
            "SELECT url, id, story_id, 0 AS rank FROM documents WHERE url IN (SELECT value FROM json_each(?1))
             UNION ALL
             SELECT s.location, d.id, d.story_id, 1 FROM sources s JOIN documents d ON d.id = s.document_id
             WHERE s.location IN (SELECT value FROM json_each(?1))
             ORDER BY rank, id",
        )
        .bind(json_list(&questions.urls))
        .fetch_all(&mut **transaction)
        .await?;
        for (url, id, story, _) in rows {
            answers.urls.entry(url).or_insert((id, story));
        }
    }
    if !questions.keys.is_empty() {
        // One row for all the keys, `key ids;key ids;…` (`key_lists`): each result
        // row crosses from the connection's thread to this one and wakes it, and a
        // batch's twelve thousand keys, a row each, kept both threads switching
        // rather than working (see `crate::sqlite::story::index`, which does the same).
        // A key no document has gives NULL, which `group_concat` leaves out.
        let (found,): (Option<String>,) = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT group_concat(k.value || ' ' ||
                        (SELECT group_concat(document_id) FROM
                             (SELECT document_id FROM sketch_keys WHERE key = k.value
                              UNION ALL
                              SELECT document_id FROM recent_sketch_keys WHERE key = k.value
                              ORDER BY document_id DESC LIMIT {})),
                        ';')
             FROM json_each(?1) k",
            similarity::CANDIDATES_PER_KEY
        )))
        .bind(json_list(&questions.keys))
        .fetch_one(&mut **transaction)
        .await?;
        answers.keys = key_lists(found.as_deref().unwrap_or_default());
        let candidates = questions.candidate_ids(&answers.keys);
        if !candidates.is_empty() {
            let rows: Vec<(i64, Vec<u8>)> = sqlx::query_as(
                "SELECT document_id, sketch FROM document_sketches
                 WHERE document_id IN (SELECT value FROM json_each(?1))",
            )
            .bind(json_list(&candidates))
            .fetch_all(&mut **transaction)
            .await?;
            let mut sketches: HashMap<i64, Vec<u32>> =
                rows.into_iter().map(|(id, sketch)| (id, similarity::decode(&sketch))).collect();
            let similar = questions.similar_candidates(&answers.keys, &sketches, threshold);
            if !similar.is_empty() {
                let rows: Vec<(i64, i64)> = sqlx::query_as(
                    "SELECT id, story_id FROM documents WHERE id IN (SELECT value FROM json_each(?1))",
                )
                .bind(json_list(&similar))
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

/// The stored documents behind each lookup key, from `key ids;key ids;…` (ids
/// comma-separated), newest first. Keys with no ids are left out.
fn key_lists(found: &str) -> HashMap<i64, Vec<i64>> {
    let mut keys = HashMap::new();
    for entry in found.split(';') {
        let Some((key, ids)) = entry.split_once(' ') else { continue };
        let Ok(key) = key.parse() else { continue };
        let mut ids: Vec<i64> = ids.split(',').filter_map(|id| id.parse().ok()).collect();
        if !ids.is_empty() {
            ids.sort_unstable_by(|left, right| right.cmp(left));
            keys.insert(key, ids);
        }
    }
    keys
}

/// Writes a batch's plan: one multi-row statement per table, but for the rare
/// revisions and story merges. Returns the search index's rows of the documents
/// whose text it wrote, which it lists in `search_pending` (see `search_index`).
pub(crate) async fn write(
    transaction: &mut Transaction<'_>,
    plan: &Plan<'_>,
    run_id: Option<i64>,
) -> Result<Vec<IndexRow>> {
    for originals in plan.originals.chunks(ROWS_PER_STATEMENT) {
        QueryBuilder::new("INSERT INTO originals (sha256, byte_length, compression, data) ")
            .push_values(originals, |mut row, original| {
                row.push_bind(&original.original_sha256)
                    .push_bind(original.original_length as i64)
                    .push_bind("zstd")
                    .push_bind(&original.original_compressed);
            })
            .push(" ON CONFLICT (sha256) DO NOTHING")
            .build()
            .execute(&mut **transaction)
            .await?;
    }
    for rows in plan.inserts.chunks(ROWS_PER_STATEMENT) {
        QueryBuilder::new(
            "INSERT INTO documents (id, fingerprint, title, published, site, language, url, authors, excerpt,
                                    word_count, story_id, model, model_original) ",
        )
        .push_values(rows, |mut values, row| {
            let document = &row.prepared.document;
            values
                .push_bind(row.id)
                .push_bind(&document.fingerprint)
                .push_bind(&document.title)
                .push_bind(&document.published)
                .push_bind(&document.site)
                .push_bind(&document.language)
                .push_bind(row.prepared.url())
                .push_bind(document.authors.join("; "))
                .push_bind(&row.prepared.excerpt)
                .push_bind(document.word_count as i64)
                .push_bind(row.story)
                .push_bind(&row.prepared.model)
                .push_bind(&row.prepared.model_original);
        })
        .build()
        .execute(&mut **transaction)
        .await?;
    }
    if !plan.revised.is_empty() {
        sqlx::query(
            "INSERT INTO revisions (document_id, fingerprint, model, model_original)
             SELECT id, fingerprint, model, model_original FROM documents
             WHERE id IN (SELECT value FROM json_each(?1))
             ORDER BY id",
        )
        .bind(json_list(&plan.revised))
        .execute(&mut **transaction)
        .await?;
    }
    for passing in plan.passing.chunks(ROWS_PER_STATEMENT) {
        QueryBuilder::new("INSERT INTO revisions (document_id, fingerprint, model, model_original) ")
            .push_values(passing, |mut row, (id, prepared)| {
                row.push_bind(*id)
                    .push_bind(&prepared.document.fingerprint)
                    .push_bind(&prepared.model)
                    .push_bind(&prepared.model_original);
            })
            .build()
            .execute(&mut **transaction)
            .await?;
    }
    let mut index = PendingIndex::default();
    for row in &plan.updates {
        replace_document(transaction, &mut index, row.id, row.prepared).await?;
        sqlx::query("UPDATE documents SET story_id = ? WHERE id = ?")
            .bind(row.story)
            .bind(row.id)
            .execute(&mut **transaction)
            .await?;
        forget_sketch_keys(transaction, row.id).await?;
    }
    for (story, joined) in &plan.merges {
        sqlx::query("UPDATE documents SET story_id = ? WHERE story_id = ?")
            .bind(joined)
            .bind(story)
            .execute(&mut **transaction)
            .await?;
    }
    let sketched: Vec<&Row> = plan.inserts.iter().chain(&plan.updates).collect();
    for rows in sketched.chunks(ROWS_PER_STATEMENT) {
        QueryBuilder::new("INSERT OR REPLACE INTO document_sketches (document_id, sketch) ")
            .push_values(rows, |mut values, row| {
                values.push_bind(row.id).push_bind(similarity::encode(&row.prepared.sketch));
            })
            .build()
            .execute(&mut **transaction)
            .await?;
    }
    let keys: Vec<(i64, i64)> =
        sketched.iter().flat_map(|row| lookup_keys(&row.prepared.sketch).map(|key| (key, row.id))).collect();
    for keys in keys.chunks(ROWS_PER_STATEMENT) {
        QueryBuilder::new("INSERT OR IGNORE INTO recent_sketch_keys (key, document_id) ")
            .push_values(keys, |mut values, (key, id)| {
                values.push_bind(*key).push_bind(*id);
            })
            .build()
            .execute(&mut **transaction)
            .await?;
    }
    if !keys.is_empty() {
        // Ids are given in order and never reused: the newest one counts the
        // archive's documents, deleted ones included.
        let newest = sketched.iter().map(|row| row.id).max().unwrap_or(0);
        move_recent_sketch_keys(transaction, recent_sketch_keys_limit(newest), KEYS_A_MOVE_STATEMENT).await?;
    }
    for sources in plan.sources.chunks(ROWS_PER_STATEMENT) {
        QueryBuilder::new(
            "INSERT INTO sources (document_id, location, format, position, original_sha256, sets_text) ",
        )
        .push_values(sources, |mut values, source| {
            values
                .push_bind(source.document_id)
                .push_bind(source.location)
                .push_bind(source.format)
                .push_bind(source.position)
                .push_bind(source.original_sha256)
                .push_bind(source.sets_text);
        })
        .push(" ON CONFLICT (document_id, location, original_sha256) DO NOTHING")
        .build()
        .execute(&mut **transaction)
        .await?;
    }
    for tags in plan.tags.chunks(ROWS_PER_STATEMENT) {
        QueryBuilder::new("INSERT INTO tags (name) ")
            .push_values(tags, |mut values, (_, name)| {
                values.push_bind(*name);
            })
            .push(" ON CONFLICT (name) DO NOTHING")
            .build()
            .execute(&mut **transaction)
            .await?;
        // The join compares with the column's collation: tag names match case-insensitively.
        let pairs: Vec<(i64, &str)> = tags.to_vec();
        sqlx::query(
            "INSERT OR IGNORE INTO document_tags (document_id, tag_id)
             SELECT p.value ->> 0, t.id FROM json_each(?1) p JOIN tags t ON t.name = p.value ->> 1",
        )
        .bind(json_list(&pairs))
        .execute(&mut **transaction)
        .await?;
    }
    for highlights in plan.highlights.chunks(ROWS_PER_STATEMENT) {
        QueryBuilder::new(
            "INSERT INTO highlights (document_id, text, note, created, digest, original_sha256) ",
        )
        .push_values(highlights, |mut values, row| {
            values
                .push_bind(row.document_id)
                .push_bind(row.highlight.text.as_deref())
                .push_bind(row.highlight.note.as_deref())
                .push_bind(row.highlight.created.as_deref())
                .push_bind(row.highlight.digest.as_str())
                .push_bind(row.original_sha256);
        })
        .push(" ON CONFLICT (document_id, digest) DO NOTHING")
        .build()
        .execute(&mut **transaction)
        .await?;
    }
    for images in plan.images.chunks(ROWS_PER_STATEMENT) {
        QueryBuilder::new("INSERT INTO images (sha256, media_type, byte_length, data) ")
            .push_values(images, |mut values, (_, image)| {
                values
                    .push_bind(&image.sha256)
                    .push_bind(image.media_type)
                    .push_bind(image.data.len() as i64)
                    .push_bind(&image.data);
            })
            .push(" ON CONFLICT (sha256) DO NOTHING")
            .build()
            .execute(&mut **transaction)
            .await?;
        QueryBuilder::new("INSERT INTO document_images (document_id, src, image_sha256) ")
            .push_values(images, |mut values, (document_id, image)| {
                values.push_bind(document_id).push_bind(&image.src).push_bind(&image.sha256);
            })
            .push(" ON CONFLICT (document_id, src) DO UPDATE SET image_sha256 = excluded.image_sha256")
            .build()
            .execute(&mut **transaction)
            .await?;
    }
    if let Some(run_id) = run_id {
        for results in plan.results.chunks(ROWS_PER_STATEMENT) {
            QueryBuilder::new("INSERT INTO import_items (run_id, location, outcome, document_id, error) ")
                .push_values(results, |mut values, result| {
                    let error = match &result.outcome {
                        ItemOutcome::Failed(reason) => Some(reason.as_str()),
                        ItemOutcome::Stored(_) => None,
                    };
                    values
                        .push_bind(run_id)
                        .push_bind(&result.location)
                        .push_bind(result.outcome.as_str())
                        .push_bind(result.outcome.ids().first().copied())
                        .push_bind(error);
                })
                .build()
                .execute(&mut **transaction)
                .await?;
        }
    }
    for row in &plan.inserts {
        index.add(row.id, row.prepared, false);
    }
    let rows = index.write(transaction).await?;
    let (written, replaced) = crate::story::written(plan);
    super::story::index(transaction, &written, &replaced).await?;
    Ok(rows)
}

/// The fewest lookup keys `recent_sketch_keys` holds before they are moved into
/// `sketch_keys` (see migration 0009): about 11,000 documents' keys, some 120
/// pages. A batch then changes at most those pages for its keys, and a move
/// rewrites the pages of `sketch_keys` once for ten batches.
pub(crate) const RECENT_SKETCH_KEYS: i64 = 131_072;

/// How many recent lookup keys move into `sketch_keys` at once in an archive of
/// `documents`: the number that writes the fewest pages a document.
///
/// A batch's keys (`KEYS` for each of `BATCH_SIZE` documents, some 12,000) land
/// on every page of the recent table, so a batch rewrites all of it: `r / p`
/// pages for `r` recent keys, `p` keys a page. A move rewrites every page of
/// `sketch_keys`, `KEYS · d / p` pages for `d` documents, once for every
/// `r / KEYS` documents. A document's share, `r / (p · BATCH_SIZE) + KEYS² · d /
/// (p · r)`, is least at `r = KEYS · √(d · BATCH_SIZE)`, where both halves are
/// equal. A fixed limit made the moves' half grow with the archive: at a million
/// documents (`p` is about 1,100 on 16 KiB pages) the fixed 131,072 keys cost 1.1
/// pages a document where this limit, 384,000, costs 0.7, and the gap widens as
/// the archive grows (the cost grows with `√d` rather than `d`). Below about
/// 120,000 documents the fixed minimum holds: there moves are cheap anyway.
pub(crate) fn recent_sketch_keys_limit(documents: i64) -> i64 {
    let keys = similarity::KEYS as f64;
    let optimum = keys * (documents.max(0) as f64 * crate::BATCH_SIZE as f64).sqrt();
    (optimum as i64).max(RECENT_SKETCH_KEYS)
}

/// Recent lookup keys moved by one statement. A statement inside a transaction
/// keeps the original of every page it changes until it ends, so that it can be
/// undone alone, and keeps it in memory (temporary storage is in memory): one
/// statement moving every recent key changed nearly every page of `sketch_keys`
/// and held a copy of the whole table — at a million documents an import's peak
/// memory went from 115 to 276 MiB (`cargo xtask bench import`). A range of this
/// many keys in key order changes about a sixteenth of its pages.
pub(crate) const KEYS_A_MOVE_STATEMENT: i64 = 8_192;

/// Moves the recent lookup keys into `sketch_keys` once there are at least
/// `limit`, in the transaction of the batch that wrote them, `chunk` keys a
/// statement. They are read in their primary key's order, so the move walks
/// `sketch_keys` from its first page to its last and changes each page once.
pub(crate) async fn move_recent_sketch_keys(
    transaction: &mut Transaction<'_>,
    limit: i64,
    chunk: i64,
) -> Result<()> {
    // Counting the small table reads its pages, which the batch has just written.
    let (recent,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM recent_sketch_keys").fetch_one(&mut **transaction).await?;
    if recent < limit {
        return Ok(());
    }
    // The last key of each whole chunk, in key order; the last chunk ends with the table.
    let ends: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT key, document_id FROM
             (SELECT key, document_id, row_number() OVER (ORDER BY key, document_id) AS n FROM recent_sketch_keys)
         WHERE n % ?1 = 0",
    )
    .bind(chunk.max(1))
    .fetch_all(&mut **transaction)
    .await?;
    let mut after = (i64::MIN, i64::MIN);
    for end in ends.into_iter().chain([(i64::MAX, i64::MAX)]) {
        sqlx::query(
            "INSERT OR IGNORE INTO sketch_keys (key, document_id)
             SELECT key, document_id FROM recent_sketch_keys
             WHERE (key, document_id) > (?1, ?2) AND (key, document_id) <= (?3, ?4)
             ORDER BY key, document_id",
        )
        .bind(after.0)
        .bind(after.1)
        .bind(end.0)
        .bind(end.1)
        .execute(&mut **transaction)
        .await?;
        after = end;
    }
    sqlx::query("DELETE FROM recent_sketch_keys").execute(&mut **transaction).await?;
    Ok(())
}

/// Deletes a document's sketch lookup keys, found from its stored sketch: the
/// keys' primary key starts with the key, so they are deleted by value rather
/// than by a scan for the document. They are in either table.
async fn forget_sketch_keys(transaction: &mut Transaction<'_>, id: i64) -> Result<()> {
    let old: Option<(Vec<u8>,)> =
        sqlx::query_as("SELECT sketch FROM document_sketches WHERE document_id = ?")
            .bind(id)
            .fetch_optional(&mut **transaction)
            .await?;
    if let Some((old,)) = old {
        let keys: Vec<i64> = lookup_keys(&similarity::decode(&old)).collect();
        let keys = json_list(&keys);
        for table in ["sketch_keys", "recent_sketch_keys"] {
            sqlx::query(AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE key IN (SELECT value FROM json_each(?1)) AND document_id = ?2"
            )))
            .bind(&keys)
            .bind(id)
            .execute(&mut **transaction)
            .await?;
        }
    }
    Ok(())
}

/// Overwrites a stored document's current version (a revision, or a reparse).
pub(crate) async fn replace_document(
    transaction: &mut Transaction<'_>,
    index: &mut PendingIndex,
    id: i64,
    prepared: &PreparedDocument,
) -> Result<()> {
    let document = &prepared.document;
    sqlx::query(
        "UPDATE documents SET fingerprint = ?, title = ?, published = ?, site = ?, language = ?, authors = ?,
                excerpt = ?, word_count = ?, model = ?, model_original = ?
         WHERE id = ?",
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
    .bind(&prepared.model_original)
    .bind(id)
    .execute(&mut **transaction)
    .await?;
    index.add(id, prepared, true);
    Ok(())
}

/// The search index's rows of a batch's documents, gathered as they are written.
#[derive(Debug, Default)]
pub(crate) struct PendingIndex {
    rows: Vec<IndexRow>,
}

impl PendingIndex {
    /// `replaces`: the document was stored before, and its old rows go.
    pub(crate) fn add(&mut self, id: i64, prepared: &PreparedDocument, replaces: bool) {
        let (title, body) = (prepared.document.title.clone(), prepared.body.clone());
        self.rows.push(IndexRow { id, title, body, replaces });
    }

    /// Lists the documents in `search_pending` and hands back their rows.
    pub(crate) async fn write(self, transaction: &mut Transaction<'_>) -> Result<Vec<IndexRow>> {
        if !self.rows.is_empty() {
            let ids: Vec<i64> = self.rows.iter().map(|row| row.id).collect();
            sqlx::query("INSERT OR IGNORE INTO search_pending (document_id) SELECT value FROM json_each(?1)")
                .bind(json_list(&ids))
                .execute(&mut **transaction)
                .await?;
        }
        Ok(self.rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    fn pool(store: &Store) -> &SqlitePool {
        store.sqlite_pool()
    }

    async fn keys_in(store: &Store, table: &str) -> i64 {
        let (count,): (i64,) = sqlx::query_as(AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
            .fetch_one(pool(store))
            .await
            .unwrap();
        count
    }

    async fn import(store: &Store, name: &str, text: String) -> i64 {
        let item = ImportItem::parse(name.to_owned(), Some(name), text.into_bytes());
        let results = store.import_batch(None, vec![item]).await.unwrap();
        match &results[0].outcome {
            ItemOutcome::Stored(documents) => documents[0].id,
            ItemOutcome::Failed(error) => panic!("{name} was not stored: {error}"),
        }
    }

    /// Moves the recent keys at `limit`, seven a statement: the moves below take
    /// several statements, each starting where the one before ended.
    async fn move_keys(store: &Store, limit: i64) {
        let mut transaction = pool(store).begin().await.unwrap();
        move_recent_sketch_keys(&mut transaction, limit, 7).await.unwrap();
        transaction.commit().await.unwrap();
    }

    /// Rewrites find the documents they rewrite whichever table holds their keys:
    /// the recent one, or `sketch_keys` after a move.
    #[tokio::test]
    async fn rewrites_find_their_story_before_and_after_the_keys_move() {
        let folder = tempfile::tempdir().unwrap();
        let store = Store::open(&folder.path().join("archive.db")).await.unwrap();
        let mut generator = dossier_synth::Generator::new(5, 2);
        let original = generator.article(0, 500);
        let first = import(&store, "original.txt", original.to_text()).await;
        import(&store, "unrelated.txt", generator.article(1, 500).to_text()).await;
        let keys = i64::try_from(similarity::KEYS).unwrap();
        let tables =
            async || (keys_in(&store, "recent_sketch_keys").await, keys_in(&store, "sketch_keys").await);
        assert_eq!(tables().await, (2 * keys, 0));
        let story = store.document(first).await.unwrap().story;

        // Found through the recent keys.
        let rewrite = import(&store, "rewrite.txt", generator.rewrite(&original, 0, 0.15).to_text()).await;
        assert_eq!(store.document(rewrite).await.unwrap().story, story);
        assert_eq!(tables().await, (3 * keys, 0));

        // Below the limit nothing moves; at it, every key does, and none is lost.
        move_keys(&store, 3 * keys + 1).await;
        assert_eq!(tables().await, (3 * keys, 0));
        move_keys(&store, 3 * keys).await;
        assert_eq!(tables().await, (0, 3 * keys));

        // Found through `sketch_keys`.
        let again = import(&store, "again.txt", generator.rewrite(&original, 1, 0.15).to_text()).await;
        assert_eq!(store.document(again).await.unwrap().story, story);
        assert_eq!(store.story_members(story).await.unwrap(), [first, rewrite, again]);
    }

    /// The one row of key lookups reads back as each key's documents, newest
    /// first; negative keys are keys, and a key without documents is none.
    #[test]
    fn key_lists_read_back_every_key_and_its_documents() {
        let keys = key_lists("-9223372036854775808 3,17,5;42 8;7 ;x 1;55");
        assert_eq!(keys.len(), 2, "{keys:?}");
        assert_eq!(keys[&i64::MIN], vec![17, 5, 3]);
        assert_eq!(keys[&42], vec![8]);
        assert!(key_lists("").is_empty());
    }

    /// The recent keys move at the size where a batch's rewrite of the recent
    /// table and its share of a move's rewrite of `sketch_keys` cost the same, never
    /// below the fixed minimum.
    #[test]
    fn recent_keys_move_at_the_size_that_writes_least() {
        assert_eq!(recent_sketch_keys_limit(0), RECENT_SKETCH_KEYS);
        assert_eq!(recent_sketch_keys_limit(10_000), RECENT_SKETCH_KEYS);
        let keys = similarity::KEYS as f64;
        // Keys rewritten a document (pages, times the keys a page holds).
        let rewritten = |documents: f64, recent: f64| {
            let batch = crate::BATCH_SIZE as f64;
            recent / batch + keys * keys * documents / recent
        };
        for documents in [1_000_000_i64, 5_000_000] {
            let limit = recent_sketch_keys_limit(documents);
            let best = rewritten(documents as f64, limit as f64);
            for other in [limit / 2, limit * 2, RECENT_SKETCH_KEYS] {
                assert!(rewritten(documents as f64, other as f64) > best, "{documents}: {other}");
            }
        }
        // A million documents: 12 keys each, √(1,000,000 · 1,024) = 32,000.
        assert_eq!(recent_sketch_keys_limit(1_000_000), 384_000);
    }

    /// A revised document's old keys are forgotten from whichever table holds them.
    #[tokio::test]
    async fn a_revision_replaces_its_keys_in_either_table() {
        let folder = tempfile::tempdir().unwrap();
        let store = Store::open(&folder.path().join("archive.db")).await.unwrap();
        let mut generator = dossier_synth::Generator::new(7, 2);
        let mut version = |number: usize| {
            let article = generator.article(number, 300);
            format!("url: https://news.example/story\n{}", article.to_text())
        };
        let (first, second, third) = (version(0), version(1), version(2));
        let keys = i64::try_from(similarity::KEYS).unwrap();
        let tables =
            async || (keys_in(&store, "recent_sketch_keys").await, keys_in(&store, "sketch_keys").await);
        let id = import(&store, "first.txt", first).await;
        move_keys(&store, 1).await;
        assert_eq!(tables().await, (0, keys));
        // The old keys leave `sketch_keys`, the new ones wait in the recent table…
        assert_eq!(import(&store, "second.txt", second).await, id);
        assert_eq!(tables().await, (keys, 0));
        // …and leave it in turn.
        assert_eq!(import(&store, "third.txt", third).await, id);
        assert_eq!(tables().await, (keys, 0));
    }
}
