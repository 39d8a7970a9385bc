//! The full-text index, in a file of its own beside the archive
//! (`ARCHIVE-search`), so that an import's writer stores one batch while a
//! connection of the index's own indexes the batch before it: SQLite lets one
//! connection at a time write a file, and inserting into FTS5 and merging its
//! segments was about half of the writer's time when both lived in one file.
//!
//! The index is derived data. Every change to a document's text lists the
//! document in the archive's `search_pending`, in the change's own transaction;
//! the entry goes once the index file has committed the document's rows. A
//! crash between the two leaves the entry, and opening the archive indexes
//! whatever is listed ([`catch_up`]). An index file that is missing, belongs to
//! another archive (`search_mark`), or holds documents newer than the archive's
//! (an archive restored from an older copy) is rebuilt from the stored
//! documents; one older than the archive has the newer documents listed.
//!
//! Every pooled connection attaches the file as `search`: statements name
//! `documents_fts` and `documents_fts_terms` without a schema, and SQLite finds
//! them there. The import's writer has a connection of its own without it, since
//! `BEGIN IMMEDIATE` would lock every attached file, the index's too.

use std::path::{Path, PathBuf};

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{Connection, SqlitePool};

use super::write::json_list;
use crate::import::{decode_model, searchable_body};
use crate::{Error, Result};

/// The index file of the archive at `archive`.
pub(crate) fn path_of(archive: &Path) -> PathBuf {
    let mut name = archive.as_os_str().to_owned();
    name.push("-search");
    PathBuf::from(name)
}

/// The index file's connection options: the archive's, for the index's file,
/// without `PRAGMA optimize` when closing (the index has no statistics to keep,
/// and it would wait for another writer's lock as the connection closes).
pub(crate) fn options_of(archive: &SqliteConnectOptions) -> SqliteConnectOptions {
    archive
        .clone()
        .filename(path_of(archive.get_filename()))
        .foreign_keys(false)
        .optimize_on_close(false, None)
}

/// The index's tables, made in a new file. `hashsize`: FTS5 keeps a batch's
/// postings in memory up to this many bytes and flushes them once, at the commit.
/// `automerge`: segments merge sixteen at a time rather than four, so a document's
/// postings are rewritten half as often (`cargo xtask bench storage --docs 300000`:
/// 97 → 83 KB written a document, imports about a tenth faster), and a search
/// reads at most fifteen segments a level.
const SCHEMA: &str = "
CREATE VIRTUAL TABLE documents_fts USING fts5 (
    title,
    body,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE documents_fts_terms USING fts5vocab (documents_fts, 'row');
INSERT INTO documents_fts (documents_fts, rank) VALUES ('hashsize', 33554432);
INSERT INTO documents_fts (documents_fts, rank) VALUES ('automerge', 16);
CREATE TABLE search_state (
    -- The archive's `search_mark`; none until the first catch-up.
    mark             INTEGER,
    -- The newest document id indexed: ids above it have no rows yet.
    indexed_through  INTEGER NOT NULL
);
INSERT INTO search_state (mark, indexed_through) VALUES (NULL, 0);
";

/// Opens the index file of the archive whose options are `archive`, creating it
/// and its tables if needed.
pub(crate) async fn prepare(archive: &SqliteConnectOptions) -> Result<SqliteConnection> {
    let path = path_of(archive.get_filename());
    let open_error = |source| Error::Open { path: path.clone(), source };
    let mut connection = SqliteConnection::connect_with(&options_of(archive)).await.map_err(open_error)?;
    let (exists,): (bool,) =
        sqlx::query_as("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'search_state')")
            .fetch_one(&mut connection)
            .await?;
    if !exists {
        let mut transaction = connection.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::raw_sql(SCHEMA).execute(&mut *transaction).await?;
        transaction.commit().await?;
    }
    Ok(connection)
}

/// Attaches the index file to a pooled connection (see the module's comment).
pub(crate) async fn attach(connection: &mut SqliteConnection, path: &Path, mapped: bool) -> sqlx::Result<()> {
    sqlx::query("ATTACH DATABASE ?1 AS search")
        .bind(path.to_string_lossy().into_owned())
        .execute(&mut *connection)
        .await?;
    // As the archive's own pages (see `sqlite::open`): a page cache of the same
    // size, and mapped when serving.
    let mapped_bytes = if mapped { super::MAPPED_BYTES } else { 0 };
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "PRAGMA search.cache_size = -65536; PRAGMA search.mmap_size = {mapped_bytes};"
    )))
    .execute(&mut *connection)
    .await?;
    Ok(())
}

/// One document's index rows: its id, title and searchable body, and whether it
/// may have rows already (a revision, a reparse) that go first.
#[derive(Debug)]
pub(crate) struct IndexRow {
    pub(crate) id: i64,
    pub(crate) title: String,
    pub(crate) body: String,
    pub(crate) replaces: bool,
}

/// The most index rows one statement inserts: three parameters a row, within
/// SQLite's 32,766 a statement. More than a batch (`BATCH_SIZE`), so that a
/// batch's rows make one segment rather than one for each statement; a second
/// statement for a batch's last 24 rows made a segment of its own every batch,
/// which the index then merged.
const ROWS_A_STATEMENT: usize = 10_000;
const _: () = assert!(ROWS_A_STATEMENT >= crate::BATCH_SIZE && 3 * ROWS_A_STATEMENT <= 32_766);

/// Writes `rows` into the index file in one transaction. A row whose document
/// may have been indexed already (a replacement, or an id at or below
/// `indexed_through`: another process caught it up first) loses its old rows first.
async fn write_rows(index: &mut SqliteConnection, rows: &[IndexRow]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut transaction = index.begin_with("BEGIN IMMEDIATE").await?;
    let (through,): (i64,) =
        sqlx::query_as("SELECT indexed_through FROM search_state").fetch_one(&mut *transaction).await?;
    let stale: Vec<i64> =
        rows.iter().filter(|row| row.replaces || row.id <= through).map(|row| row.id).collect();
    if !stale.is_empty() {
        sqlx::query("DELETE FROM documents_fts WHERE rowid IN (SELECT value FROM json_each(?1))")
            .bind(json_list(&stale))
            .execute(&mut *transaction)
            .await?;
    }
    // FTS5 flushes its in-memory postings at every statement savepoint, into a
    // segment of their own: a batch's rows go in one statement, so that its postings
    // make one segment (see `ROWS_A_STATEMENT`).
    for chunk in rows.chunks(ROWS_A_STATEMENT) {
        let sql = format!(
            "INSERT INTO documents_fts (rowid, title, body) VALUES {}",
            vec!["(?, ?, ?)"; chunk.len()].join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for row in chunk {
            query = query.bind(row.id).bind(row.title.as_str()).bind(row.body.as_str());
        }
        query.execute(&mut *transaction).await?;
    }
    let newest = rows.iter().map(|row| row.id).max().unwrap_or(0);
    sqlx::query("UPDATE search_state SET indexed_through = max(indexed_through, ?1)")
        .bind(newest)
        .execute(&mut *transaction)
        .await?;
    transaction.commit().await?;
    Ok(())
}

/// Indexes `rows` at once through `connection`, a pooled one (the index's file
/// attached), then takes them off `search_pending`: two transactions, in that
/// order, as an import's writer and its index task do.
pub(crate) async fn index_now(connection: &mut SqliteConnection, rows: &[IndexRow]) -> Result<()> {
    write_rows(connection, rows).await?;
    if !rows.is_empty() {
        let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
        forget_pending(&mut *connection, &ids).await?;
    }
    Ok(())
}

/// Takes documents off `search_pending` once their rows are committed.
async fn forget_pending<'c>(executor: impl sqlx::SqliteExecutor<'c>, ids: &[i64]) -> Result<()> {
    sqlx::query("DELETE FROM search_pending WHERE document_id IN (SELECT value FROM json_each(?1))")
        .bind(json_list(ids))
        .execute(executor)
        .await?;
    Ok(())
}

/// Documents read from the archive and indexed at a time when catching up.
const CATCH_UP_PAGE: i64 = 500;
/// Catching up on this many documents or more logs its progress, every as many.
const CATCH_UP_REPORT: i64 = 50_000;

/// A listed document's id, and its title, model and the original its model was
/// compressed against if it is still stored.
type CatchUpRow = (i64, Option<String>, Option<Vec<u8>>, Option<Vec<u8>>);

/// Brings the index file up to date with the archive: rebuilds it when it is not
/// this archive's (see the module's comment), then indexes every document listed
/// in `search_pending`. Returns how many documents it indexed.
pub(crate) async fn catch_up(pool: &SqlitePool, index: &mut SqliteConnection) -> Result<u64> {
    let (mark,): (i64,) = sqlx::query_as("SELECT mark FROM search_mark").fetch_one(pool).await?;
    let (own_mark, through): (Option<i64>, i64) =
        sqlx::query_as("SELECT mark, indexed_through FROM search_state").fetch_one(&mut *index).await?;
    let (newest,): (i64,) =
        sqlx::query_as("SELECT coalesce(max(id), 0) FROM documents").fetch_one(pool).await?;
    if own_mark != Some(mark) || through > newest {
        if own_mark.is_some() {
            tracing::warn!(
                index = %path_of(pool.connect_options().get_filename()).display(),
                "the search index is not this archive's; rebuilding it"
            );
        }
        let mut transaction = index.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("INSERT INTO documents_fts (documents_fts) VALUES ('delete-all')")
            .execute(&mut *transaction)
            .await?;
        sqlx::query("UPDATE search_state SET mark = ?1, indexed_through = 0")
            .bind(mark)
            .execute(&mut *transaction)
            .await?;
        sqlx::query("INSERT OR IGNORE INTO search_pending (document_id) SELECT id FROM documents")
            .execute(pool)
            .await?;
        transaction.commit().await?;
    } else if through < newest {
        // Documents newer than the index that nothing lists: an index file older
        // than the archive (the two restored from copies of different days).
        sqlx::query(
            "INSERT OR IGNORE INTO search_pending (document_id) SELECT id FROM documents WHERE id > ?1",
        )
        .bind(through)
        .execute(pool)
        .await?;
    }
    // What is listed now, and no more: an import running in another process lists
    // its batches as it goes, and indexes them itself.
    let (last,): (Option<i64>,) =
        sqlx::query_as("SELECT max(document_id) FROM search_pending").fetch_one(pool).await?;
    let Some(last) = last else {
        return Ok(0);
    };
    // A whole archive's index (the first opening after an upgrade, a deleted index
    // file) takes minutes at a million documents: say so, and how far it is.
    let (listed,): (i64,) = sqlx::query_as("SELECT count(*) FROM search_pending WHERE document_id <= ?1")
        .bind(last)
        .fetch_one(pool)
        .await?;
    let long = listed >= CATCH_UP_REPORT;
    if long {
        tracing::info!(documents = listed, "building the search index");
    }
    let mut indexed = 0;
    loop {
        let rows: Vec<CatchUpRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT p.document_id, d.title, d.model,
                    (SELECT data FROM originals WHERE sha256 = d.model_original)
             FROM search_pending p
             LEFT JOIN documents d ON d.id = p.document_id
             WHERE p.document_id <= ?1
             ORDER BY p.document_id LIMIT {CATCH_UP_PAGE}"
        )))
        .bind(last)
        .fetch_all(pool)
        .await?;
        if rows.is_empty() {
            return Ok(indexed);
        }
        let ids: Vec<i64> = rows.iter().map(|(id, ..)| *id).collect();
        let mut stale = Vec::new();
        let mut index_rows = Vec::new();
        for (id, title, model, original) in rows {
            let (Some(title), Some(model)) = (title, model) else {
                // Listed but not stored: nothing to find.
                stale.push(id);
                continue;
            };
            // A model this build cannot read is still found by its title.
            let body = match decode_model(id, &model, original.as_deref()) {
                Ok(document) => searchable_body(&document),
                Err(error) => {
                    tracing::warn!(document = id, %error, "indexing the title only");
                    String::new()
                }
            };
            index_rows.push(IndexRow { id, title, body, replaces: true });
        }
        if !stale.is_empty() {
            sqlx::query("DELETE FROM documents_fts WHERE rowid IN (SELECT value FROM json_each(?1))")
                .bind(json_list(&stale))
                .execute(&mut *index)
                .await?;
        }
        write_rows(index, &index_rows).await?;
        forget_pending(pool, &ids).await?;
        let before = indexed;
        indexed += index_rows.len() as u64;
        if long && before / CATCH_UP_REPORT as u64 != indexed / CATCH_UP_REPORT as u64 {
            tracing::info!(documents = indexed, of = listed, "building the search index");
        }
    }
}

/// Closes a connection whose work is committed: a failure to close (another
/// process holding a lock as the last connection tidies the log) loses nothing.
pub(crate) async fn close(connection: SqliteConnection) {
    if let Err(error) = connection.close().await {
        tracing::debug!(%error, "closing a connection");
    }
}

/// A batch being indexed: its task hands back the connection and the batch's ids.
type Indexing = tokio::task::JoinHandle<Result<(SqliteConnection, Vec<i64>)>>;

/// Indexes an import's batches on a task of its own, one batch behind the
/// writer: [`IndexWriter::start`] hands it a committed batch's rows, and the
/// writer's next transaction takes the ids it has indexed off `search_pending`
/// ([`IndexWriter::forget_indexed`]).
pub(crate) struct IndexWriter {
    options: SqliteConnectOptions,
    connection: Option<SqliteConnection>,
    running: Option<Indexing>,
    indexed: Vec<i64>,
}

impl IndexWriter {
    /// An index writer for the archive whose options are `archive`.
    pub(crate) fn new(archive: &SqliteConnectOptions) -> IndexWriter {
        IndexWriter { options: options_of(archive), connection: None, running: None, indexed: Vec::new() }
    }

    /// Starts indexing `rows`, once the batch before them is indexed.
    pub(crate) async fn start(&mut self, rows: Vec<IndexRow>) -> Result<()> {
        self.wait().await?;
        if rows.is_empty() {
            return Ok(());
        }
        let mut connection = match self.connection.take() {
            Some(connection) => connection,
            None => SqliteConnection::connect_with(&self.options).await?,
        };
        self.running = Some(tokio::spawn(async move {
            write_rows(&mut connection, &rows).await?;
            Ok((connection, rows.into_iter().map(|row| row.id).collect()))
        }));
        Ok(())
    }

    /// Waits for the batch being indexed, if any.
    async fn wait(&mut self) -> Result<()> {
        if let Some(running) = self.running.take() {
            let (connection, ids) = running
                .await
                .map_err(|error| Error::Database(sqlx::Error::Io(std::io::Error::other(error))))??;
            self.connection = Some(connection);
            self.indexed.extend(ids);
        }
        Ok(())
    }

    /// The documents indexed since last asked, to take off `search_pending`.
    fn take_indexed(&mut self) -> Vec<i64> {
        std::mem::take(&mut self.indexed)
    }

    /// Takes the indexed documents off `search_pending` in `transaction`.
    pub(crate) async fn forget_indexed(
        &mut self,
        transaction: &mut super::write::Transaction<'_>,
    ) -> Result<()> {
        let ids = self.take_indexed();
        if !ids.is_empty() {
            forget_pending(&mut **transaction, &ids).await?;
        }
        Ok(())
    }

    /// Waits for the last batch and takes every indexed document off
    /// `search_pending`, through `connection`.
    pub(crate) async fn finish(mut self, connection: &mut SqliteConnection) -> Result<()> {
        self.wait().await?;
        let ids = self.take_indexed();
        if !ids.is_empty() {
            let mut transaction = connection.begin_with("BEGIN IMMEDIATE").await?;
            forget_pending(&mut *transaction, &ids).await?;
            transaction.commit().await?;
        }
        if let Some(connection) = self.connection.take() {
            close(connection).await;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ImportItem, Store};

    fn pool(store: &Store) -> &SqlitePool {
        store.sqlite_pool()
    }

    /// An archive of three documents, each with a word of its own.
    async fn archive(path: &Path) -> Store {
        let store = Store::open(path).await.unwrap();
        let items = ["heron", "otter", "badger"]
            .iter()
            .map(|word| {
                let text =
                    format!("The {word} report\n\nA {word} was seen by the river on Monday morning.\n");
                ImportItem::parse(format!("{word}.txt"), None, text.into_bytes())
            })
            .collect();
        store.import_batch(None, items).await.unwrap();
        store
    }

    /// The documents a word finds, and those still listed to be indexed.
    async fn found(store: &Store, word: &str) -> (i64, i64) {
        sqlx::query_as(
            "SELECT (SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?1),
                    (SELECT count(*) FROM search_pending)",
        )
        .bind(word)
        .fetch_one(pool(store))
        .await
        .unwrap()
    }

    /// The segments of the index file's full-text index, read from FTS5's
    /// structure record (row 10 of `documents_fts_data`): a four-byte cookie, in
    /// newer files a four-byte marker, then the count of levels and of segments.
    async fn segments(index: &mut SqliteConnection) -> u64 {
        let (record,): (Vec<u8>,) = sqlx::query_as("SELECT block FROM documents_fts_data WHERE id = 10")
            .fetch_one(&mut *index)
            .await
            .unwrap();
        let mut at = if record[4..8] == [0xff, 0, 0, 1] { 8 } else { 4 };
        let mut varint = || {
            let mut value = 0u64;
            loop {
                let byte = record[at];
                at += 1;
                value = value << 7 | u64::from(byte & 0x7f);
                if byte & 0x80 == 0 {
                    return value;
                }
            }
        };
        let _levels = varint();
        varint()
    }

    #[tokio::test]
    async fn a_batch_of_index_rows_makes_one_segment() {
        let folder = tempfile::tempdir().unwrap();
        let options =
            SqliteConnectOptions::new().filename(folder.path().join("archive.db")).create_if_missing(true);
        let mut index = prepare(&options).await.unwrap();
        let rows: Vec<IndexRow> = (1..=crate::BATCH_SIZE as i64)
            .map(|id| IndexRow {
                id,
                title: format!("Report {id}"),
                body: format!("The heron number {id} was seen by the river."),
                replaces: false,
            })
            .collect();
        write_rows(&mut index, &rows).await.unwrap();
        assert_eq!(segments(&mut index).await, 1);
        let (river,): (i64,) =
            sqlx::query_as("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH 'river'")
                .fetch_one(&mut index)
                .await
                .unwrap();
        assert_eq!(river, crate::BATCH_SIZE as i64);
    }

    #[tokio::test]
    async fn an_import_leaves_every_document_indexed_and_nothing_listed() {
        let folder = tempfile::tempdir().unwrap();
        let store = archive(&folder.path().join("archive.db")).await;
        assert_eq!(found(&store, "otter").await, (1, 0));
        assert_eq!(found(&store, "river").await, (3, 0));
        assert!(folder.path().join("archive.db-search").exists());
    }

    #[tokio::test]
    async fn a_missing_index_file_is_rebuilt_when_the_archive_opens() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("archive.db");
        archive(&path).await.close().await;
        for suffix in ["-search", "-search-wal", "-search-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let store = Store::open(&path).await.unwrap();
        assert_eq!(found(&store, "badger").await, (1, 0));
        assert_eq!(found(&store, "river").await, (3, 0));
    }

    #[tokio::test]
    async fn another_archives_index_file_is_rebuilt() {
        let folder = tempfile::tempdir().unwrap();
        let (mine, theirs) = (folder.path().join("mine.db"), folder.path().join("theirs.db"));
        archive(&mine).await.close().await;
        let other = Store::open(&theirs).await.unwrap();
        let text = "Harbour news\n\nA seal slept on the harbour wall.\n".as_bytes().to_vec();
        other.import_batch(None, vec![ImportItem::parse("seal.txt".into(), None, text)]).await.unwrap();
        other.close().await;
        std::fs::copy(format!("{}-search", theirs.display()), format!("{}-search", mine.display())).unwrap();
        let store = Store::open(&mine).await.unwrap();
        assert_eq!(found(&store, "seal").await, (0, 0), "the other archive's words are gone");
        assert_eq!(found(&store, "heron").await, (1, 0));
    }

    #[tokio::test]
    async fn listed_documents_are_indexed_when_the_archive_opens() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("archive.db");
        let store = archive(&path).await;
        // As a writer killed after its commit and before the index's: the rows are
        // not there, and the document is listed.
        let (id,): (i64,) =
            sqlx::query_as("SELECT rowid FROM documents_fts WHERE documents_fts MATCH 'otter'")
                .fetch_one(pool(&store))
                .await
                .unwrap();
        sqlx::query("DELETE FROM documents_fts WHERE rowid = ?1")
            .bind(id)
            .execute(pool(&store))
            .await
            .unwrap();
        sqlx::query("INSERT INTO search_pending (document_id) VALUES (?1)")
            .bind(id)
            .execute(pool(&store))
            .await
            .unwrap();
        assert_eq!(found(&store, "otter").await, (0, 1));
        store.close().await;
        let store = Store::open(&path).await.unwrap();
        assert_eq!(found(&store, "otter").await, (1, 0));
        assert_eq!(found(&store, "river").await, (3, 0));
    }

    #[tokio::test]
    async fn an_index_file_older_than_the_archive_catches_up_on_the_newer_documents() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("archive.db");
        let store = Store::open(&path).await.unwrap();
        let first = "Morning\n\nA heron stood by the river.\n".as_bytes().to_vec();
        store.import_batch(None, vec![ImportItem::parse("a.txt".into(), None, first)]).await.unwrap();
        store.close().await;
        let index = format!("{}-search", path.display());
        let saved = folder.path().join("saved-search");
        std::fs::copy(&index, &saved).unwrap();
        let store = Store::open(&path).await.unwrap();
        let second = "Evening\n\nAn otter swam past the mill.\n".as_bytes().to_vec();
        store.import_batch(None, vec![ImportItem::parse("b.txt".into(), None, second)]).await.unwrap();
        store.close().await;
        let _ = std::fs::remove_file(format!("{index}-wal"));
        std::fs::copy(&saved, &index).unwrap();
        let store = Store::open(&path).await.unwrap();
        assert_eq!(found(&store, "otter").await, (1, 0));
        assert_eq!(found(&store, "heron").await, (1, 0));
    }
}
