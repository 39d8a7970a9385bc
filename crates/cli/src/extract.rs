//! `dossier extract` (parse without storing) and `dossier show` (print a stored document).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use dossier_core::{Document, render};

use crate::OutputFormat;

#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// The file to parse; `-` or nothing reads standard input
    file: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = OutputFormat::Json)]
    format: OutputFormat,
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The document's id, as `dossier import --json` and the reader show it
    id: i64,
    #[arg(long, value_enum, default_value_t = OutputFormat::Json)]
    format: OutputFormat,
}

pub fn extract(args: ExtractArgs) -> anyhow::Result<ExitCode> {
    let (name, bytes) = match args.file.as_deref().filter(|path| *path != Path::new("-")) {
        Some(path) => {
            let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            (path.display().to_string(), bytes)
        }
        None => {
            let mut bytes = Vec::new();
            std::io::stdin().read_to_end(&mut bytes).context("reading standard input")?;
            ("standard input".to_owned(), bytes)
        }
    };
    let format = dossier_core::detect_format(Some(&name), &bytes);
    let documents = dossier_core::parse(&bytes, format).with_context(|| format!("parsing {name}"))?;
    let mut out = std::io::stdout().lock();
    match (args.format, documents.as_slice()) {
        (OutputFormat::Json, [document]) => print_document(&mut out, document, OutputFormat::Json)?,
        // Several documents (NDJSON) print as one JSON array, or one after another.
        (OutputFormat::Json, documents) => writeln!(out, "{}", serde_json::to_string_pretty(documents)?)?,
        (format, documents) => {
            for document in documents {
                print_document(&mut out, document, format)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn show(db: &Path, args: ShowArgs) -> anyhow::Result<ExitCode> {
    let store = crate::open_store(db).await?;
    let stored = match store.document(args.id).await {
        Err(dossier_storage::Error::NotFound(id)) => {
            anyhow::bail!(
                "no document with id {id} in {}",
                dossier_storage::redacted_location(&db.to_string_lossy())
            )
        }
        other => other?,
    };
    let highlights = store.highlights(stored.id).await;
    store.close().await;
    let mut out = std::io::stdout().lock();
    if args.format == OutputFormat::Json {
        let json = dossier_web::document_with_highlights_json(&stored, &highlights?);
        writeln!(out, "{}", serde_json::to_string_pretty(&json)?)?;
    } else {
        print_document(&mut out, &stored.document, args.format)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print_document(out: &mut impl Write, document: &Document, format: OutputFormat) -> anyhow::Result<()> {
    match format {
        OutputFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(document)?)?,
        OutputFormat::Text => write!(out, "{}", render::to_text(document))?,
        OutputFormat::Markdown => write!(out, "{}", render::to_markdown(document))?,
    }
    Ok(())
}
