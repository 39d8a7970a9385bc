//! `dossier serve`: the reader on an address, with graceful shutdown on Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use dossier_web::{AppState, app};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on; port 0 picks a free port
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Import these files and folders before serving
    #[arg(long, value_name = "PATH")]
    import: Vec<PathBuf>,
}

pub async fn run(db: &Path, args: Args) -> anyhow::Result<ExitCode> {
    if !args.import.is_empty() {
        let code = crate::import::run(db, crate::import::Args::quiet(args.import.clone())).await?;
        if code != ExitCode::SUCCESS {
            tracing::warn!("some items could not be imported; serving what was");
        }
    }
    let store = crate::open_store(db).await?;
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("listening on {}", args.addr))?;
    let address = listener.local_addr()?;
    // The one line a person (or a test) needs: where to point the browser.
    println!(
        "Dossier is serving {} at http://{address}/",
        dossier_storage::redacted_location(&db.to_string_lossy())
    );
    tracing::info!(%address, "serving");
    axum::serve(listener, app(AppState::new(store.clone())))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("serving")?;
    store.close().await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
