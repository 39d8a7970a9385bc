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
pub(crate) use reparse::{apply_reparse, reparse_page};
pub(crate) use search::{matching_ids, search};
pub(crate) use write::{begin_import, finish_import, import_batch};

use crate::{Error, MIGRATOR, Result};

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
        // the full-text index's newest segments); checkpointing every 8,192 pages
        // (128 MiB) rather than SQLite's 1,000 copies each of them once for several
        // batches instead of once for each.
        .pragma("wal_autocheckpoint", "8192")
        // Reads map the file rather than copy its pages (SQLite caps the map near 2 GiB).
        .pragma("mmap_size", if mapped { "2147418112" } else { "0" })
        // Keeps the query planner's statistics current, cheaply (`PRAGMA optimize`
        // reads at most 400 rows of an index), when a connection closes.
        .optimize_on_close(true, 400);
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        // A check before lending a connection is a round trip to its thread, and
        // finds nothing: the database is a file in this process, not a server
        // that may have gone away.
        .test_before_acquire(false)
        .after_connect(|connection, _| Box::pin(rank::register(connection)))
        .connect_with(options)
        .await
        .map_err(open_error)?;
    MIGRATOR.run(&pool).await?;
    let indexed = story::index_backlog(&pool).await?;
    if indexed > 0 {
        tracing::info!(documents = indexed, "indexed the entities, quotes and events of stored documents");
    }
    Ok(pool)
}
