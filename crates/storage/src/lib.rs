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
use std::sync::LazyLock;

use sqlx::SqlStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

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
pub static MIGRATOR: LazyLock<Migrator> = LazyLock::new(|| migrator(SQLITE_MIGRATIONS));
/// The PostgreSQL schema, embedded at build time from `migrations/postgres/`.
pub static POSTGRES_MIGRATOR: LazyLock<Migrator> = LazyLock::new(|| migrator(POSTGRES_MIGRATIONS));

/// The files of a folder of `migrations/`, named and embedded one by one. sqlx's
/// `migrate!` would list the folder itself, but it is a procedural macro that
/// builds sqlx's SQLite and PostgreSQL drivers, with SQLite's C source, a second
/// time for the compiler (ARCHITECTURE.md, "Build time"); a test checks that this
/// list is the folder's and reads as sqlx reads it.
macro_rules! migrations {
    ($folder:literal: $($file:literal),+ $(,)?) => {
        &[$(($file, include_str!(concat!("../../../migrations/", $folder, "/", $file)))),+]
    };
}

const SQLITE_MIGRATIONS: &[(&str, &str)] = migrations!("sqlite":
    "0001_initial.sql",
    "0002_reading.sql",
    "0003_source_sets_text.sql",
    "0004_highlights.sql",
    "0005_story.sql",
    "0006_images.sql",
    "0007_document_filters.sql",
    "0008_fts_hashsize.sql",
    "0009_recent_sketch_keys.sql",
    "0010_library_counts.sql",
    "0011_unused_indexes.sql",
    "0012_language_in_order.sql",
    "0013_fts_automerge.sql",
    "0014_search_file.sql",
    "0015_model_original.sql",
);

const POSTGRES_MIGRATIONS: &[(&str, &str)] = migrations!("postgres":
    "0001_initial.sql",
    "0002_reading.sql",
    "0003_source_sets_text.sql",
    "0004_highlights.sql",
    "0005_story.sql",
    "0006_images.sql",
    "0007_model_original.sql",
);

/// Migrations as sqlx names them from their files: `0001_initial.sql` is version 1,
/// "initial", a simple (not reversible) migration, in a transaction unless its
/// first line is `-- no-transaction`, with the SHA-384 of its text as checksum.
fn migrator(files: &'static [(&'static str, &'static str)]) -> Migrator {
    Migrator::with_migrations(
        files
            .iter()
            .map(|&(file, sql)| {
                let (version, rest) = file.split_once('_').expect("migration files are named NNNN_name.sql");
                let description =
                    rest.strip_suffix(".sql").expect("migration files end in .sql").replace('_', " ");
                Migration::new(
                    version.parse().expect("migration files start with their version"),
                    description.into(),
                    MigrationType::Simple,
                    SqlStr::from_static(sql),
                    sql.starts_with("-- no-transaction"),
                )
            })
            .collect(),
    )
}

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

    /// The embedded lists are the folders' files, read as sqlx's own resolver reads
    /// them: an archive migrated by an earlier build (whose checksums sqlx stored)
    /// opens, and a migration added to a folder but not to its list fails here.
    #[tokio::test]
    async fn embedded_migrations_are_the_folders_as_sqlx_reads_them() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
        for (folder, embedded) in [("sqlite", &*super::MIGRATOR), ("postgres", &*super::POSTGRES_MIGRATOR)] {
            let resolved = sqlx::migrate::Migrator::new(root.join(folder)).await.unwrap();
            let describe = |migrator: &sqlx::migrate::Migrator| -> Vec<_> {
                migrator
                    .iter()
                    .map(|migration| {
                        (
                            migration.version,
                            migration.description.to_string(),
                            migration.migration_type,
                            migration.checksum.to_vec(),
                            migration.no_tx,
                        )
                    })
                    .collect()
            };
            assert!(resolved.iter().count() >= 6, "{folder}");
            assert_eq!(describe(embedded), describe(&resolved), "{folder}");
        }
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

    /// The SQLite pool of a SQLite store, for the backend's unit tests.
    #[cfg(test)]
    pub(crate) fn sqlite_pool(&self) -> &sqlx::SqlitePool {
        match &self.backend {
            Backend::Sqlite(pool) => pool,
            Backend::Postgres(_) => unreachable!("a SQLite store"),
        }
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
