//! dossier-cli: the `dossier` command. Parses arguments with clap and hands each
//! subcommand to its module; every module reaches the archive through
//! dossier-storage and parses through dossier-core.

mod entities;
mod export;
mod extract;
mod fetch;
mod images;
mod import;
mod migrate;
mod reparse;
mod search;
mod serve;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

/// Dossier: a self-hosted archive and reader for the news you follow.
#[derive(Debug, Parser)]
#[command(name = "dossier", version, about, long_about = None)]
pub struct Cli {
    /// The archive: a SQLite file (a path or sqlite://PATH) or a PostgreSQL
    /// database (postgres://USER@HOST/NAME; give the password in PGPASSWORD or
    /// ~/.pgpass) [default: $XDG_DATA_HOME/dossier/archive.db, else
    /// ~/.local/share/dossier/archive.db]
    #[arg(long, global = true, env = "DOSSIER_DB", value_name = "PATH|URL")]
    db: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Import files and folders (recursively) into the archive
    Import(import::Args),
    /// Parse a file (or standard input) and print the document; touches no database
    Extract(extract::ExtractArgs),
    /// Print a stored document
    Show(extract::ShowArgs),
    /// Parse every stored document again from its original bytes with this version's parsers
    Reparse(reparse::Args),
    /// Search the archive
    Search(search::Args),
    /// Write the archive, or a search's matches, as NDJSON, JSON, Markdown, HTML or EPUB
    Export(export::Args),
    /// List the people, organisations and places the archive names; show, merge or rename one
    Entities(entities::Args),
    /// The dated events of the archive or of a search, in date order
    Timeline(entities::TimelineArgs),
    /// The quotes of the archive or of a search, each with who printed it first
    Quotes(entities::QuotesArgs),
    /// Copy a whole SQLite archive into PostgreSQL, resumably, and verify the copy
    MigrateDb(migrate::Args),
    /// Serve the reader over HTTP
    Serve(serve::Args),
}

/// How `extract` and `show` print a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// The document model's JSON (see docs/document-model.md)
    Json,
    /// The main text alone: body blocks separated by blank lines, no title
    Text,
    /// Markdown, starting with the title as a heading
    Markdown,
}

/// Runs the command line and turns errors into a message and exit status 1.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    match run(cli) {
        Ok(code) => code,
        // A reader that stops early (`dossier extract … | head`) is not an error.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("dossier: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let db = cli.db;
    match cli.command {
        Command::Extract(args) => extract::extract(args),
        Command::Show(args) => runtime.block_on(extract::show(&database_path(db)?, args)),
        Command::Import(args) => runtime.block_on(import::run(&database_path(db)?, args)),
        Command::Reparse(args) => runtime.block_on(reparse::run(&database_path(db)?, args)),
        Command::Search(args) => runtime.block_on(search::run(&database_path(db)?, args)),
        Command::Export(args) => runtime.block_on(export::run(&database_path(db)?, args)),
        Command::Entities(args) => runtime.block_on(entities::run(&database_path(db)?, args)),
        Command::Timeline(args) => runtime.block_on(entities::timeline(&database_path(db)?, args)),
        Command::Quotes(args) => runtime.block_on(entities::quotes(&database_path(db)?, args)),
        Command::MigrateDb(args) => runtime.block_on(migrate::run(args)),
        Command::Serve(args) => runtime.block_on(serve::run(&database_path(db)?, args)),
    }
}

/// `--db`/`DOSSIER_DB`, else the documented default under the user's data folder.
fn database_path(explicit: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    if let Some(path) = explicit {
        return Ok(path);
    }
    let data_home = std::env::var_os("XDG_DATA_HOME")
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share")))
        .context("no --db given and neither XDG_DATA_HOME nor HOME is set")?;
    let folder = data_home.join("dossier");
    std::fs::create_dir_all(&folder).with_context(|| format!("creating {}", folder.display()))?;
    Ok(folder.join("archive.db"))
}

/// Refuses a command's own option written among its query words. A query takes
/// every word after its first (so that `-word` can exclude a word), so in
/// `dossier search people --limit 3` the option would be searched for, silently;
/// it is a usage error instead (exit status 2), saying where options go.
fn misplaced_option(command: &str, query: &[String], options: &[&str]) -> Option<ExitCode> {
    let option = query.iter().find(|word| {
        let name = word.split_once('=').map_or(word.as_str(), |(name, _)| name);
        options.contains(&name) || name == "--db"
    })?;
    eprintln!(
        "dossier {command}: {option} is among the query's words, where it would be searched for; \
         write options before the query: dossier {command} {option} … QUERY"
    );
    Some(ExitCode::from(2))
}

/// Opens the archive `--db` names: a PostgreSQL URL (see `Store::connect`), or a
/// SQLite file, whose folder is created if needed.
async fn open_store(path: &std::path::Path) -> anyhow::Result<dossier_storage::Store> {
    open_store_as(path, false).await
}

/// As [`open_store`], for a batch job (`Store::connect_for_batch`).
async fn open_store_for_batch(path: &std::path::Path) -> anyhow::Result<dossier_storage::Store> {
    open_store_as(path, true).await
}

async fn open_store_as(path: &std::path::Path, batch: bool) -> anyhow::Result<dossier_storage::Store> {
    let location = path.to_string_lossy();
    if dossier_storage::is_postgres_url(&location) {
        return dossier_storage::Store::connect(&location).await.context("opening the PostgreSQL archive");
    }
    let path = match location.strip_prefix("sqlite://").or_else(|| location.strip_prefix("sqlite:")) {
        Some(file) => std::path::Path::new(file),
        None => path,
    };
    if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    let opened = if batch {
        dossier_storage::Store::connect_for_batch(&path.to_string_lossy()).await
    } else {
        dossier_storage::Store::open(path).await
    };
    opened.with_context(|| format!("opening the archive {}", path.display()))
}
