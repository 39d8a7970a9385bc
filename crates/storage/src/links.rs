//! What an import that fetches web addresses asks the archive: which addresses
//! already have a page stored (so that a rerun fetches only the rest), and which
//! fetches failed and were never made good (`dossier import --retry-failed`).

use std::collections::HashSet;

use crate::{Backend, Result, Store, postgres, sqlite};

impl Store {
    /// The addresses among `urls` whose stored document has text: a page, not
    /// the bare link an export or a bookmark file left (nor nothing at all). An
    /// address counts as a document's when it is the document's own or one of its
    /// pages was fetched from it.
    pub async fn urls_with_text(&self, urls: &[String]) -> Result<HashSet<String>> {
        if urls.is_empty() {
            return Ok(HashSet::new());
        }
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::urls_with_text(pool, urls).await,
            Backend::Postgres(database) => postgres::urls_with_text(&database.pool, urls).await,
        }
    }

    /// Web addresses whose last import failed and that have no page stored since,
    /// in the order they first failed.
    pub async fn failed_fetches(&self) -> Result<Vec<String>> {
        let failed = match &self.backend {
            Backend::Sqlite(pool) => sqlite::failed_fetches(pool).await?,
            Backend::Postgres(database) => postgres::failed_fetches(&database.pool).await?,
        };
        let stored = self.urls_with_text(&failed).await?;
        Ok(failed.into_iter().filter(|url| !stored.contains(url)).collect())
    }
}
