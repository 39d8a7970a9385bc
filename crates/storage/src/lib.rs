//! dossier-storage: the archive on disk. Opens (and migrates) the SQLite database,
//! stores parsed documents with their sources and original bytes, records every
//! import run, and reads documents back for the CLI and the web reader.
//!
//! Architecture Invariant: all SQL of the project lives in this crate. Its public
//! functions take and return dossier-core types or the plain structs defined here;
//! row types stay private.

mod import;
mod pipeline;
pub mod query;
mod read;
mod reparse;
mod search;
pub mod similarity;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub use import::{Change, ImportItem, ItemOutcome, ItemResult, StoredRef};
pub use pipeline::BATCH_SIZE;
pub use read::{DocumentSummary, Revision, SourceRecord, StoredDocument};
pub use reparse::ReparseReport;
pub use search::{Facets, Hit, RANKING_WINDOW, SearchRequest, SearchResults, Snippet, SortOrder};

/// The schema, embedded at build time from `migrations/sqlite/`.
pub static MIGRATOR: Migrator = sqlx::migrate!("../../migrations/sqlite");

/// How long a connection waits for another writer's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no document with id {0}")]
    NotFound(i64),
    #[error("cannot open the database at {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("invalid query: {0}")]
    InvalidQuery(String),
    #[error("a stored document is corrupt (id {id}): {message}")]
    Corrupt { id: i64, message: String },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A handle on one archive. Cheap to clone: clones share the connection pool.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    /// See `search`: the most matches a relevance-ranked search scores.
    ranking_window: i64,
    /// Estimated Jaccard similarity above which documents join one story.
    story_threshold: f64,
}

impl Store {
    /// Opens the SQLite database at `path`, creating it (and its parent folder's
    /// file) if needed, and applies any pending migration.
    pub async fn open(path: &Path) -> Result<Store> {
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
            .pragma("temp_store", "memory");
        let pool =
            SqlitePoolOptions::new().max_connections(8).connect_with(options).await.map_err(open_error)?;
        MIGRATOR.run(&pool).await?;
        Ok(Store { pool, ranking_window: RANKING_WINDOW, story_threshold: similarity::DEFAULT_THRESHOLD })
    }

    /// Changes how many matches a relevance-ranked search scores before it ranks
    /// only the most recent documents (default `RANKING_WINDOW`).
    pub fn with_ranking_window(mut self, matches: i64) -> Store {
        self.ranking_window = matches.max(1);
        self
    }

    /// Changes the similarity (an estimated Jaccard index of word pairs, 0 to 1)
    /// above which an imported document joins a stored document's story.
    pub fn with_story_threshold(mut self, threshold: f64) -> Store {
        self.story_threshold = threshold.clamp(0.0, 1.0);
        self
    }

    /// Closes every connection, checkpointing the write-ahead log.
    pub async fn close(self) {
        self.pool.close().await;
    }
}
