//! `dossier migrate-db --from sqlite://archive.db --to postgres://…`: copies a whole
//! archive into PostgreSQL, resumably, and verifies the copy.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The archive to copy: a SQLite file (`sqlite://PATH` or a path)
    #[arg(long, value_name = "DATABASE")]
    from: String,
    /// The PostgreSQL archive to copy into (`postgres://…`), empty or holding an interrupted copy
    #[arg(long, value_name = "URL")]
    to: String,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(dossier_storage::is_postgres_url(&args.to), "--to must be a postgres:// URL");
    let source = crate::open_store_for_batch(Path::new(&args.from)).await?;
    let target = crate::open_store(Path::new(&args.to)).await?;
    let mut last_table = String::new();
    let report = source
        .copy_into(&target, |table, rows| {
            if table != last_table {
                eprintln!("copying {table}");
                last_table = table.to_owned();
            }
            tracing::debug!(table, rows, "copied");
        })
        .await?;
    source.close().await;
    target.close().await;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{:<16} {:>12} {:>12}  content", "table", "source rows", "target rows")?;
    for table in &report.tables {
        let content = if table.checksums_match { "same" } else { "DIFFERENT" };
        writeln!(out, "{:<16} {:>12} {:>12}  {content}", table.table, table.source_rows, table.target_rows)?;
    }
    if report.verified() {
        writeln!(
            out,
            "copied {} rows into {}; verified",
            report.rows_copied,
            dossier_storage::redacted_location(&args.to)
        )?;
        Ok(ExitCode::SUCCESS)
    } else {
        writeln!(
            out,
            "the copy differs from the source: stop imports into the source and run the command again"
        )?;
        Ok(ExitCode::FAILURE)
    }
}
