//! The PostgreSQL backend, for an archive shared by several Dossier processes.
//! All of the backend's SQL lives in this module and its children.
//!
//! Nothing about the archive is kept in a process: ids come from identity
//! columns, duplicates are found by unique constraints, and the writers of all
//! processes take turns through one advisory lock (see `write`), so any number
//! of `dossier serve` and `dossier import` processes can share one database.

pub(crate) mod copy;
mod export;
mod library;
mod links;
mod read;
mod reading;
mod reparse;
mod search;
pub(crate) mod story;
mod write;

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

pub(crate) use export::{document_titles, export_documents, export_page};
pub(crate) use library::*;
pub(crate) use links::{failed_fetches, preview_answers, urls_with_text};
pub(crate) use read::*;
pub(crate) use reading::{image, reading_row};
pub(crate) use reparse::{apply_reparse, recompress, reparse_page};
pub(crate) use search::{matching_ids, search};
pub(crate) use write::{begin_import, finish_import, import_batch};

use crate::{Error, POSTGRES_MIGRATOR, Result};

/// A connection pool and what this server offers for full-text search.
#[derive(Debug, Clone)]
pub(crate) struct Database {
    pub(crate) pool: PgPool,
    /// The text search configurations a document can be indexed with: those of
    /// `LANGUAGES` that this server has, and `simple`. A query is built in each,
    /// since every document is indexed in the configuration of its language.
    configs: Arc<[String]>,
}

/// Document languages (ISO 639-1, as dossier-core detects them) and the
/// language of PostgreSQL's Snowball stemmer for them.
const LANGUAGES: &[(&str, &str)] = &[
    ("ar", "arabic"),
    ("ca", "catalan"),
    ("da", "danish"),
    ("de", "german"),
    ("el", "greek"),
    ("en", "english"),
    ("es", "spanish"),
    ("eu", "basque"),
    ("fi", "finnish"),
    ("fr", "french"),
    ("ga", "irish"),
    ("hi", "hindi"),
    ("hu", "hungarian"),
    ("hy", "armenian"),
    ("id", "indonesian"),
    ("it", "italian"),
    ("lt", "lithuanian"),
    ("nb", "norwegian"),
    ("ne", "nepali"),
    ("nl", "dutch"),
    ("nn", "norwegian"),
    ("no", "norwegian"),
    ("pt", "portuguese"),
    ("ro", "romanian"),
    ("ru", "russian"),
    ("sr", "serbian"),
    ("sv", "swedish"),
    ("ta", "tamil"),
    ("tr", "turkish"),
    ("yi", "yiddish"),
];

/// The configuration for text in no known language: lowercases, does not stem.
const SIMPLE: &str = "simple";

/// Dossier's configurations are PostgreSQL's with stop words kept (see the
/// migration): `dossier_english` for `english`.
const CONFIG_PREFIX: &str = "dossier_";

/// Connects to the PostgreSQL database at `url` and applies any pending
/// migration (sqlx holds an advisory lock while migrating, so processes starting
/// together do not race).
pub(crate) async fn connect(url: &str) -> Result<Database> {
    let open_error = |source| Error::Open { path: PathBuf::from(crate::redacted_location(url)), source };
    let options = PgConnectOptions::from_str(url)
        .map_err(open_error)?
        .application_name("dossier")
        // A search's best plan depends on its values: a rare word wants the GIN
        // index, a common one the newest rows by id. A prepared statement's generic
        // plan, which PostgreSQL may switch to after five runs, cannot know which.
        .options([("plan_cache_mode", "force_custom_plan")]);
    let pool = PgPoolOptions::new().max_connections(8).connect_with(options).await.map_err(open_error)?;
    POSTGRES_MIGRATOR.run(&pool).await?;
    let indexed = story::index_backlog(&pool).await?;
    if indexed > 0 {
        tracing::info!(documents = indexed, "indexed the entities, quotes and events of stored documents");
    }
    let available: Vec<(String,)> =
        sqlx::query_as("SELECT cfgname::text FROM pg_ts_config").fetch_all(&pool).await?;
    let mut configs: Vec<String> = LANGUAGES
        .iter()
        .map(|(_, language)| format!("{CONFIG_PREFIX}{language}"))
        .filter(|config| available.iter().any(|(name,)| name == config))
        .collect();
    configs.push(SIMPLE.to_owned());
    configs.sort();
    configs.dedup();
    Ok(Database { pool, configs: configs.into() })
}

impl Database {
    /// The text search configuration for a document in `language`.
    pub(crate) fn config_for(&self, language: Option<&str>) -> &str {
        let code = language
            .and_then(|language| language.split(['-', '_']).next())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        let Some((_, language)) = LANGUAGES.iter().find(|(known, _)| *known == code) else { return SIMPLE };
        self.configs
            .iter()
            .find(|config| config.strip_prefix(CONFIG_PREFIX) == Some(language))
            .map_or(SIMPLE, String::as_str)
    }

    pub(crate) fn configs(&self) -> &[String] {
        &self.configs
    }
}
