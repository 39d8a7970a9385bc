//! `dossier reparse`: parses every stored document again from its original bytes.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print a machine-readable summary
    #[arg(long)]
    json: bool,
}

pub async fn run(db: &Path, args: Args) -> anyhow::Result<ExitCode> {
    let store = crate::open_store_for_batch(db).await?;
    let report = store.reparse().await?;
    store.close().await;
    let mut out = std::io::stdout().lock();
    if args.json {
        let failures: Vec<serde_json::Value> = report
            .failed
            .iter()
            .map(|(id, reason)| serde_json::json!({ "id": id, "reason": reason }))
            .collect();
        let summary = serde_json::json!({
            "examined": report.examined,
            "changed": report.changed,
            "recompressed": report.recompressed,
            "failed": report.failed.len(),
            "failures": failures,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&summary)?)?;
    } else {
        for (id, reason) in &report.failed {
            eprintln!("dossier: document {id}: {reason}");
        }
        writeln!(
            out,
            "reparsed {} documents: {} changed, {} left as they were",
            report.examined,
            report.changed,
            report.failed.len()
        )?;
        if report.recompressed > 0 {
            writeln!(
                out,
                "{} unchanged documents stored more compactly (compressed against their originals)",
                report.recompressed
            )?;
        }
    }
    Ok(if report.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
