//! dossier-storage: the archive. Opens (and migrates) the database — an embedded
//! SQLite file or a PostgreSQL server, chosen by the location given to
//! `Store::connect` — stores parsed documents with their sources and original
//! bytes, records every import run, and reads documents back for the CLI and the
//! web reader.
//!
//! Each backend is one module (`sqlite`, `postgres`) holding all of its SQL; the
//! modules at the top level hold the public API, which dispatches on `Backend`,
//! and everything that does not depend on the database: preparing documents off
//! the writer, the query syntax, snippets, story sketches.
//!
//! Architecture Invariant: all SQL of the project lives in this crate. Its public
//! functions take and return dossier-core types or the plain structs defined here;
//! row types stay private.

mod copy;
mod export;
mod images;
mod import;
mod library;
mod links;
mod pipeline;
mod plan;
mod postgres;
mod preview;
pub mod query;
mod read;
mod reading;
mod reparse;
mod search;
pub mod similarity;
mod sqlite;
mod story;

use std::path::{Path, PathBuf};

use sqlx::migrate::Migrator;

pub use copy::{CopyReport, TableCopy};
pub use export::ExportedDocument;
pub use images::{MAX_IMAGE_BYTES, MAX_IMAGES, StoredImage, sniff_image};
pub use import::{Change, ImportItem, ItemOutcome, ItemResult, StoredRef};
pub use library::{
    LibraryCursor, LibraryEntry, LibraryFilter, LibraryPage, LibraryRequest, LibrarySort, ReadingState,
    StoredHighlight, TAG_MAX_CHARS, tag_name,
};
pub use pipeline::{BATCH_SIZE, parallel_map};
pub use read::{DocumentSummary, Revision, SourceRecord, StoredDocument};
pub use reading::{Reader, ReadingPage, StoryMember};
pub use reparse::ReparseReport;
pub use search::{Facets, Hit, RANKING_WINDOW, SearchRequest, SearchResults, Snippet, SortOrder};
pub use story::{
    ENTITY_DOCUMENTS, EntityDocument, EntityPage, EntitySummary, QuoteGroup, RELATED_ENTITIES,
    TIMELINE_LIMIT, TimelineEvent,
};

/// The SQLite schema, embedded at build time from `migrations/sqlite/`.
pub static MIGRATOR: Migrator = sqlx::migrate!("../../migrations/sqlite");
/// The PostgreSQL schema, embedded at build time from `migrations/postgres/`.
pub static POSTGRES_MIGRATOR: Migrator = sqlx::migrate!("../../migrations/postgres");

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
    #[error("{0}")]
    InvalidEntity(String),
    #[error("invalid tag: {0}")]
    InvalidTag(String),
    #[error("cannot copy the archive: {0}")]
    Copy(String),
    #[error("a stored document is corrupt (id {id}): {message}")]
    Corrupt { id: i64, message: String },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// A read on the calling thread (the reading view's, see `Reader`) failed.
    #[error("cannot read the archive: {0}")]
    Read(#[from] rusqlite::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A database location fit to print or log: a password in a URL becomes `***`.
pub fn redacted_location(location: &str) -> String {
    let Some((scheme, rest)) = location.split_once("://") else { return location.to_owned() };
    let (authority, path) =
        rest.split_once('/').map_or((rest, None), |(authority, path)| (authority, Some(path)));
    let authority = match authority.rsplit_once('@') {
        Some((credentials, host)) => match credentials.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => authority.to_owned(),
        },
        None => authority.to_owned(),
    };
    match path {
        Some(path) => format!("{scheme}://{authority}/{path}"),
        None => format!("{scheme}://{authority}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_not_printed() {
        use super::redacted_location;
        assert_eq!(
            redacted_location("postgres://dossier:s3cret@db:5432/archive"),
            "postgres://dossier:***@db:5432/archive"
        );
        assert_eq!(
            redacted_location("postgres://dossier:p@ss@db/archive"),
            "postgres://dossier:***@db/archive"
        );
        assert_eq!(redacted_location("postgres://dossier@db/archive"), "postgres://dossier@db/archive");
        assert_eq!(redacted_location("/home/me/archive.db"), "/home/me/archive.db");
    }
}

/// A handle on one archive. Cheap to clone: clones share the connection pool.
#[derive(Debug, Clone)]
pub struct Store {
    backend: Backend,
    /// See `search`: the most matches a relevance-ranked search scores.
    ranking_window: i64,
    /// Estimated Jaccard similarity above which documents join one story.
    story_threshold: f64,
}

/// The database behind a `Store`. An enum rather than a trait object: there are
/// exactly two, every public method is one `match`, and the compiler checks that
/// each backend implements each operation.
#[derive(Debug, Clone)]
enum Backend {
    Sqlite(sqlx::SqlitePool),
    Postgres(postgres::Database),
}

impl Store {
    /// Opens the SQLite database at `path`, creating it (and its parent folder's
    /// file) if needed, and applies any pending migration.
    pub async fn open(path: &Path) -> Result<Store> {
        let pool = sqlite::open(path, true).await?;
        Ok(Store::with_backend(Backend::Sqlite(pool)))
    }

    /// As [`Store::connect`], for a batch job such as an import: a SQLite file is
    /// read through SQLite's page cache rather than mapped into memory, so that the
    /// process's resident memory stays its own work however large the archive is.
    pub async fn connect_for_batch(location: &str) -> Result<Store> {
        if is_postgres_url(location) {
            return Store::connect(location).await;
        }
        let path = location.strip_prefix("sqlite://").or_else(|| location.strip_prefix("sqlite:"));
        let pool = sqlite::open(Path::new(path.unwrap_or(location)), false).await?;
        Ok(Store::with_backend(Backend::Sqlite(pool)))
    }

    /// Opens the archive at `location`: a `postgres://` or `postgresql://` URL
    /// connects to PostgreSQL; `sqlite://PATH`, `sqlite:PATH` or a plain path opens
    /// (or creates) a SQLite file. Pending migrations of that backend are applied.
    pub async fn connect(location: &str) -> Result<Store> {
        if is_postgres_url(location) {
            let database = postgres::connect(location).await?;
            return Ok(Store::with_backend(Backend::Postgres(database)));
        }
        let path = location.strip_prefix("sqlite://").or_else(|| location.strip_prefix("sqlite:"));
        Store::open(Path::new(path.unwrap_or(location))).await
    }

    fn with_backend(backend: Backend) -> Store {
        Store { backend, ranking_window: RANKING_WINDOW, story_threshold: similarity::DEFAULT_THRESHOLD }
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

    /// Closes every connection (for SQLite, checkpointing the write-ahead log).
    pub async fn close(self) {
        match self.backend {
            Backend::Sqlite(pool) => pool.close().await,
            Backend::Postgres(database) => database.pool.close().await,
        }
    }
}

/// Whether `location` names a PostgreSQL server rather than a SQLite file.
pub fn is_postgres_url(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}
