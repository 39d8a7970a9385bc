//! Runs each storage test on every backend: always on a SQLite file in a
//! temporary folder, and on PostgreSQL when `DOSSIER_TEST_POSTGRES` names a server
//! (e.g. `postgres://postgres@127.0.0.1:5432/postgres`). Each PostgreSQL test gets
//! a database of its own, created for it and dropped afterwards, so tests run in
//! parallel as they do on SQLite.

// Each test binary uses only some of the helpers.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};

use dossier_core::{Format, Highlight, Item};
use dossier_storage::{ImportItem, Store};

/// The variable naming the PostgreSQL server the tests may create databases on.
pub const POSTGRES_VARIABLE: &str = "DOSSIER_TEST_POSTGRES";

/// `on_every_backend!(test_a, test_b)` turns each `async fn test_a(archive: Archive)`
/// into the tests `test_a::sqlite` and `test_a::postgres`.
#[allow(unused_macros)]
macro_rules! on_every_backend {
    ($($test:ident),* $(,)?) => {$(
        mod $test {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$test(crate::support::Archive::sqlite().await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(archive) = crate::support::Archive::postgres().await {
                    super::$test(archive).await;
                }
            }
        }
    )*};
}

/// A fresh, empty archive on one backend, removed when dropped.
pub struct Archive {
    pub store: Store,
    location: Location,
}

enum Location {
    Sqlite { _folder: tempfile::TempDir, path: PathBuf },
    Postgres { server: String, database: String, url: String },
}

impl Archive {
    pub async fn sqlite() -> Archive {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let path = folder.path().join("archive.db");
        let store = Store::open(&path).await.expect("the archive opens");
        Archive { store, location: Location::Sqlite { _folder: folder, path } }
    }

    /// A fresh database on the server `DOSSIER_TEST_POSTGRES` names, or `None`
    /// (saying so once) when it names none.
    pub async fn postgres() -> Option<Archive> {
        let Some(server) = std::env::var(POSTGRES_VARIABLE).ok().filter(|url| !url.is_empty()) else {
            static SKIPPED: Once = Once::new();
            SKIPPED.call_once(|| {
                // Straight to the process's stderr: the test harness captures `eprintln!`.
                let _ = writeln!(
                    std::io::stderr(),
                    "note: the PostgreSQL runs of the storage tests were skipped; set {POSTGRES_VARIABLE} \
                     to a server the tests may create databases on, e.g. \
                     {POSTGRES_VARIABLE}=postgres://postgres@127.0.0.1:5432/postgres cargo test -p dossier-storage"
                );
            });
            return None;
        };
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let database = format!(
            "dossier_test_{}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos()
        );
        admin(&server, &format!("CREATE DATABASE {database}")).await;
        let url = with_database(&server, &database);
        let store = Store::connect(&url).await.expect("the PostgreSQL archive opens");
        Some(Archive { store, location: Location::Postgres { server, database, url } })
    }

    pub fn is_sqlite(&self) -> bool {
        matches!(self.location, Location::Sqlite { .. })
    }

    /// Where the archive is, as `Store::connect` takes it.
    pub fn location(&self) -> String {
        match &self.location {
            Location::Sqlite { path, .. } => format!("sqlite://{}", path.display()),
            Location::Postgres { url, .. } => url.clone(),
        }
    }

    /// Another handle on the same archive, with a connection pool of its own
    /// (as another process would have).
    pub async fn reopen(&self) -> Store {
        Store::connect(&self.location()).await.expect("the archive opens again")
    }

    /// Runs a query returning one text column through a connection of its own,
    /// bypassing the store.
    pub async fn rows(&self, sql: &'static str) -> Vec<String> {
        use sqlx::Connection;
        match &self.location {
            Location::Sqlite { path, .. } => {
                let mut connection =
                    sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.unwrap();
                // The search index's file, as the store's connections see it.
                sqlx::query("ATTACH DATABASE ?1 AS search")
                    .bind(format!("{}-search", path.display()))
                    .execute(&mut connection)
                    .await
                    .unwrap();
                let rows: Vec<(String,)> = sqlx::query_as(sql).fetch_all(&mut connection).await.unwrap();
                rows.into_iter().map(|(value,)| value).collect()
            }
            Location::Postgres { url, .. } => {
                let mut connection = sqlx::PgConnection::connect(url).await.unwrap();
                let rows: Vec<(String,)> = sqlx::query_as(sql).fetch_all(&mut connection).await.unwrap();
                rows.into_iter().map(|(value,)| value).collect()
            }
        }
    }

    /// Runs a statement through a connection of its own, bypassing the store.
    pub async fn execute(&self, sql: &'static str) {
        use sqlx::Connection;
        match &self.location {
            Location::Sqlite { path, .. } => {
                let mut connection =
                    sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.unwrap();
                sqlx::query(sql).execute(&mut connection).await.unwrap();
            }
            Location::Postgres { url, .. } => {
                let mut connection = sqlx::PgConnection::connect(url).await.unwrap();
                sqlx::query(sql).execute(&mut connection).await.unwrap();
            }
        }
    }

    /// Overwrites a stored document's model (compressed alone) and title behind
    /// the store's back, as an older parser might have stored them.
    pub async fn overwrite_document(&self, id: i64, model: Vec<u8>, title: &str) {
        use sqlx::Connection;
        match &self.location {
            Location::Sqlite { path, .. } => {
                let mut connection =
                    sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.unwrap();
                sqlx::query("UPDATE documents SET model = ?, model_original = NULL, title = ? WHERE id = ?")
                    .bind(model)
                    .bind(title)
                    .bind(id)
                    .execute(&mut connection)
                    .await
                    .unwrap();
            }
            Location::Postgres { url, .. } => {
                let mut connection = sqlx::PgConnection::connect(url).await.unwrap();
                sqlx::query(
                    "UPDATE documents SET model = $1, model_original = NULL, title = $2 WHERE id = $3",
                )
                .bind(model)
                .bind(title)
                .bind(id)
                .execute(&mut connection)
                .await
                .unwrap();
            }
        }
    }

    /// The migrations the archive's backend has.
    pub fn migrations(&self) -> usize {
        match &self.location {
            Location::Sqlite { .. } => dossier_storage::MIGRATOR.iter().count(),
            Location::Postgres { .. } => dossier_storage::POSTGRES_MIGRATOR.iter().count(),
        }
    }
}

impl Drop for Archive {
    fn drop(&mut self) {
        if let Location::Postgres { server, database, .. } = &self.location {
            let (server, statement) =
                (server.clone(), format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"));
            // Drop runs inside the test's runtime, which cannot be blocked on: use a thread of its own.
            let dropped = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                runtime.block_on(admin(&server, &statement));
            });
            let _ = dropped.join();
        }
    }
}

/// Runs one statement on the server's maintenance database.
async fn admin(server: &str, statement: &str) {
    use sqlx::Connection;
    let mut connection = sqlx::PgConnection::connect(server)
        .await
        .unwrap_or_else(|error| panic!("cannot connect to {POSTGRES_VARIABLE}: {error}"));
    sqlx::raw_sql(sqlx::AssertSqlSafe(statement.to_owned()))
        .execute(&mut connection)
        .await
        .unwrap_or_else(|error| panic!("{statement}: {error}"));
}

/// The server's URL with another database name.
fn with_database(server: &str, database: &str) -> String {
    let (scheme, rest) = server.split_once("://").expect("a postgres:// URL");
    let (authority, query) = match rest.split_once('/') {
        Some((authority, path)) => (authority, path.split_once('?').map(|(_, query)| query)),
        None => (
            rest.split_once('?').map_or(rest, |(authority, _)| authority),
            rest.split_once('?').map(|(_, query)| query),
        ),
    };
    match query {
        Some(query) => format!("{scheme}://{authority}/{database}?{query}"),
        None => format!("{scheme}://{authority}/{database}"),
    }
}

/// An export holding one plain-text article and the highlights it carries for it,
/// as `dossier_core::parse_collection` would return it.
pub fn export_item(location: &str, text: &str, highlights: Vec<Highlight>) -> ImportItem {
    let parsed = dossier_core::parse(text.as_bytes(), Format::Text)
        .map(|documents| {
            documents
                .into_iter()
                .map(|document| Item { document, read: None, highlights: highlights.clone(), member: None })
                .collect()
        })
        .map_err(|error| error.to_string());
    ImportItem::from_parsed_items(location.to_owned(), Format::Text, text.as_bytes(), parsed)
}
