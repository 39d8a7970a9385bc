//! `cargo xtask seed`: loads every file in `seeds/` into a development database
//! through dossier-storage's public API. Documents are deduplicated by content, so
//! running it again changes nothing; it records no import run.

use std::path::{Path, PathBuf};

use anyhow::Context;
use dossier_storage::{ImportItem, Store};

use crate::project_root;

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let db = match args {
        [] => project_root().join("target/dev.db"),
        [flag, path] if flag == "--db" => PathBuf::from(path),
        _ => anyhow::bail!("usage: cargo xtask seed [--db PATH]"),
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let counts = runtime.block_on(seed(&db, &project_root().join("seeds")))?;
    println!(
        "{}: {} new, {} already present, {} documents",
        db.display(),
        counts.new,
        counts.present,
        counts.total
    );
    Ok(())
}

#[derive(Debug, PartialEq, Eq)]
struct Counts {
    new: usize,
    present: usize,
    total: i64,
}

/// Loads every file of `seeds` into the archive at `db`, creating it if needed.
async fn seed(db: &Path, seeds: &Path) -> anyhow::Result<Counts> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(seeds)
        .with_context(|| format!("reading {}", seeds.display()))?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<Result<_, _>>()?;
    paths.retain(|path| path.is_file());
    paths.sort();
    let mut items = Vec::with_capacity(paths.len());
    for path in &paths {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        items.push(ImportItem::parse(format!("seeds/{name}"), Some(&name), bytes));
    }

    if let Some(parent) = db.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    let store = Store::open(db).await.with_context(|| format!("opening {}", db.display()))?;
    let results = store.import_batch(None, items).await?;
    let mut counts = Counts { new: 0, present: 0, total: 0 };
    for result in &results {
        match result.outcome.as_str() {
            "failed" => anyhow::bail!("seed {} does not parse: {:?}", result.location, result.outcome),
            "present" => counts.present += 1,
            _ => counts.new += 1,
        }
    }
    counts.total = store.count_documents().await?;
    store.close().await;
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use dossier_storage::{Store, StoredDocument};

    use super::{Counts, seed};
    use crate::project_root;

    #[tokio::test]
    async fn seeding_twice_changes_nothing() {
        let folder = tempfile::tempdir().unwrap();
        let db = folder.path().join("dev.db");
        let seeds = project_root().join("seeds");
        let n_seeds = std::fs::read_dir(&seeds).unwrap().count();
        let first = seed(&db, &seeds).await.unwrap();
        assert_eq!(first, Counts { new: n_seeds, present: 0, total: n_seeds as i64 });
        let before = snapshot(&db).await;
        let second = seed(&db, &seeds).await.unwrap();
        assert_eq!(second, Counts { new: 0, present: n_seeds, total: n_seeds as i64 });
        assert_eq!(snapshot(&db).await, before);
    }

    /// Every stored document with its sources, as the public API reads them.
    async fn snapshot(db: &Path) -> Vec<StoredDocument> {
        let store = Store::open(db).await.unwrap();
        let mut documents = Vec::new();
        for summary in store.list_documents(1000, 0).await.unwrap() {
            documents.push(store.document(summary.id).await.unwrap());
        }
        store.close().await;
        documents
    }
}
