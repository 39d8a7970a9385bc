//! The SQLite backend: one file, opened in WAL mode with one writer at a time.
//! All of the backend's SQL lives in this module and its children.
//!
//! `LIMIT` and `OFFSET` values are written into statements as integer literals,
//! never bound: SQLite lets a bound `LIMIT ?` shape the plan, so every new
//! binding expires the prepared statement, which is then parsed and planned
//! again on every execution (a quarter of the reading view's time, measured
//! with `perf`). A statement per distinct limit stays in the connection's
//! statement cache instead.

mod export;
mod library;
mod links;
mod rank;
mod read;
mod reading;
mod reparse;
mod search;
pub(crate) mod search_index;
pub(crate) mod story;
mod write;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub(crate) use export::{document_titles, export_documents, export_page};
pub(crate) use library::*;
pub(crate) use links::{failed_fetches, preview_answers, urls_with_text};
pub(crate) use read::*;
pub(crate) use reading::{direct_reading_row, image, is_busy, open_direct, reading_row};
pub(crate) use reparse::{apply_reparse, recompress, reparse_page};
pub(crate) use search::{matching_ids, search};
pub(crate) use write::{begin_import, finish_import, import_batch};

use crate::{Error, MIGRATOR, Result};

/// How much of a database file a serving connection maps: all of it. Pages read
/// through the map are the operating system's, shared by every connection; past
/// the map, each connection copies the pages it reads into a page cache of its
/// own, and a query that lands on a connection that has not read them yet pays
/// for that (at a million documents, an 8.7 GB file: 20 ms against 55–65 ms for
/// the facets of `zopool site:"…"` on a fresh connection, 6 ms on one that has).
/// SQLite caps the map at its build's `SQLITE_MAX_MMAP_SIZE`, 2 GiB by default on
/// Linux; `.cargo/config.toml` builds it with 1 TiB, and this asks for as much.
pub(crate) const MAPPED_BYTES: i64 = 1 << 40;

/// How long a connection waits for another writer's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Opens the SQLite database at `path`, creating it if needed, and applies any
/// pending migration. `mapped`: reads map the file (for serving); a batch job
/// (an import) reads through SQLite's own page cache instead, so that its
/// resident memory is its work, not the archive's pages.
pub(crate) async fn open(path: &Path, mapped: bool) -> Result<SqlitePool> {
    let open_error = |source| Error::Open { path: path.to_owned(), source };
    let options = SqliteConnectOptions::from_str("sqlite:")
        .map_err(open_error)?
        .filename(path)
        .create_if_missing(true)
        // Rows of a few kilobytes (compressed models) pack well in 16 KiB pages;
        // in 4 KiB pages most would sit one to a page. Applies to new files only.
        .page_size(16384)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT)
        // 64 MiB of page cache a connection (negative: KiB), temporary tables in memory.
        .pragma("cache_size", "-65536")
        .pragma("temp_store", "memory")
        // A checkpoint copies the pages the log holds back into the file. Each batch
        // of an import rewrites many of the same pages (index pages of random keys,
        // the full-text index's newest segments); checkpointing every 32,768 pages
        // (512 MiB) rather than SQLite's 1,000 copies each of them once for several
        // batches instead of once for each (at a million documents, 70 rather than
        // 83 KB written a document than with 8,192, and imports 7–13 % faster).
        .pragma("wal_autocheckpoint", "32768")
        // Reads map the file rather than copy its pages (see `MAPPED_BYTES`).
        .pragma("mmap_size", if mapped { MAPPED_BYTES.to_string() } else { "0".to_owned() })
        // Keeps the query planner's statistics current, cheaply (`PRAGMA optimize`
        // reads at most 400 rows of an index), when a connection closes.
        .optimize_on_close(true, 400);
    // The full-text index's file (see `search_index`), made before any connection
    // attaches it.
    let mut index = search_index::prepare(&options).await?;
    let index_path = std::sync::Arc::new(search_index::path_of(path));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        // A check before lending a connection is a round trip to its thread, and
        // finds nothing: the database is a file in this process, not a server
        // that may have gone away.
        .test_before_acquire(false)
        .after_connect(move |connection, _| {
            let index_path = index_path.clone();
            Box::pin(async move {
                search_index::attach(connection, &index_path, mapped).await?;
                rank::register(connection).await
            })
        })
        .connect_with(options)
        .await
        .map_err(open_error)?;
    MIGRATOR.run(&pool).await?;
    let caught_up = search_index::catch_up(&pool, &mut index).await?;
    search_index::close(index).await;
    if caught_up > 0 {
        tracing::info!(documents = caught_up, "brought the search index up to date");
    }
    let indexed = story::index_backlog(&pool).await?;
    if indexed > 0 {
        tracing::info!(documents = indexed, "indexed the entities, quotes and events of stored documents");
    }
    Ok(pool)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A serving connection maps the whole file, and the build lets it: a SQLite
    /// built without `.cargo/config.toml`'s flag quietly caps the map at 2 GiB.
    #[tokio::test]
    async fn serving_connections_map_the_whole_file_and_batch_jobs_none_of_it() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("archive.db");
        for (mapped, expected) in [(true, MAPPED_BYTES), (false, 0)] {
            let pool = open(&path, mapped).await.unwrap();
            let (bytes,): (i64,) = sqlx::query_as("PRAGMA mmap_size").fetch_one(&pool).await.unwrap();
            assert_eq!(bytes, expected, "mapped: {mapped}");
            pool.close().await;
        }
        let direct = open_direct(&open(&path, true).await.unwrap()).unwrap().unwrap();
        let bytes: i64 = direct.pragma_query_value(None, "mmap_size", |row| row.get(0)).unwrap();
        assert_eq!(bytes, MAPPED_BYTES);
    }

    /// The build's SQLite takes no process-wide lock for each allocation and each
    /// page fetched (`.cargo/config.toml`): a build without the flags still works,
    /// only slower, so nothing else would notice it.
    #[tokio::test]
    async fn sqlite_is_built_without_process_wide_memory_locks() {
        let folder = tempfile::tempdir().unwrap();
        let pool = open(&folder.path().join("archive.db"), false).await.unwrap();
        let options: Vec<String> =
            sqlx::query_scalar("PRAGMA compile_options").fetch_all(&pool).await.unwrap();
        assert!(options.iter().any(|option| option == "DEFAULT_MEMSTATUS=0"), "{options:?}");
        assert!(!options.iter().any(|option| option == "ENABLE_MEMORY_MANAGEMENT"), "{options:?}");
        pool.close().await;
    }
}
