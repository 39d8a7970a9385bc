//! Storage tests on real databases: a SQLite file in a temporary folder, and a
//! PostgreSQL database when `DOSSIER_TEST_POSTGRES` names a server (see `support`).

#[macro_use]
mod support;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use dossier_storage::{ImportItem, ItemOutcome, SearchRequest};
use support::Archive;

on_every_backend!(
    the_seed_is_stored_and_read_back_whole,
    importing_the_same_file_twice_stores_it_once,
    the_same_text_from_another_place_is_one_document_with_two_sources,
    a_failed_item_is_recorded_and_the_batch_goes_on,
    unknown_ids_are_not_found,
    the_database_survives_reopening,
    reparse_brings_documents_stored_by_an_older_parser_up_to_date,
    readers_keep_working_during_an_import,
    two_handles_import_and_search_at_once,
);

const SEED: &str = "000_b389a61e5b667c13.txt";

fn seed_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds").join(SEED)
}

fn seed_item() -> ImportItem {
    let bytes = std::fs::read(seed_path()).expect("the seed is in the repository");
    ImportItem::parse(format!("seeds/{SEED}"), Some(SEED), bytes)
}

fn text_item(location: &str, text: &str) -> ImportItem {
    ImportItem::parse(location.to_owned(), Some(location), text.as_bytes().to_vec())
}

fn ids(outcome: &ItemOutcome) -> Vec<i64> {
    assert_ne!(outcome.as_str(), "failed", "{outcome:?}");
    outcome.ids()
}

async fn the_seed_is_stored_and_read_back_whole(archive: Archive) {
    let store = archive.store.clone();
    let run = store.begin_import().await.unwrap();
    let results = store.import_batch(Some(run), vec![seed_item()]).await.unwrap();
    assert_eq!(results[0].outcome.as_str(), "imported", "{results:?}");
    let id = ids(&results[0].outcome)[0];

    let stored = store.document(id).await.unwrap();
    assert!(stored.document.title.starts_with("According to a lawsuit, Facebook allowed Netflix"));
    assert_eq!(stored.document.published.as_deref(), Some("2024-04-02"));
    assert_eq!(stored.sources.len(), 1);
    assert_eq!(stored.sources[0].location, format!("seeds/{SEED}"));

    // The original bytes come back exactly, so the document can be parsed again.
    let original = store.original(&stored.sources[0].original_sha256).await.unwrap().unwrap();
    assert_eq!(original, std::fs::read(seed_path()).unwrap());

    let listed = store.list_documents(10, 0).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, id);
    assert!(listed[0].excerpt.starts_with("Court documents, filed on March 23"));
    assert_eq!(listed[0].first_location.as_deref(), Some(format!("seeds/{SEED}").as_str()));
}

async fn importing_the_same_file_twice_stores_it_once(archive: Archive) {
    let store = archive.store.clone();
    let first = store.import_batch(None, vec![seed_item()]).await.unwrap();
    let second = store.import_batch(None, vec![seed_item()]).await.unwrap();
    assert_eq!(second[0].outcome.as_str(), "present", "{second:?}");
    assert_eq!(ids(&first[0].outcome), ids(&second[0].outcome));
    assert_eq!(store.count_documents().await.unwrap(), 1);
    assert_eq!(store.document(ids(&first[0].outcome)[0]).await.unwrap().sources.len(), 1);
}

async fn the_same_text_from_another_place_is_one_document_with_two_sources(archive: Archive) {
    let store = archive.store.clone();
    let text = "A title that reads like one\n\nA first paragraph of the story, told plainly.\n";
    let layout_only =
        "A title that reads like one\r\n\r\nA first   paragraph of the story, told plainly.\r\n";
    let results = store
        .import_batch(None, vec![text_item("a.txt", text), text_item("b.txt", layout_only)])
        .await
        .unwrap();
    assert_eq!(ids(&results[0].outcome), ids(&results[1].outcome));
    let stored = store.document(ids(&results[0].outcome)[0]).await.unwrap();
    let locations: Vec<&str> = stored.sources.iter().map(|source| source.location.as_str()).collect();
    assert_eq!(locations, ["a.txt", "b.txt"]);
}

async fn a_failed_item_is_recorded_and_the_batch_goes_on(archive: Archive) {
    let store = archive.store.clone();
    let run = store.begin_import().await.unwrap();
    let results = store
        .import_batch(
            Some(run),
            vec![
                text_item("empty.txt", "  \n\n"),
                seed_item(),
                ImportItem::failed("gone.txt".into(), "cannot read".into()),
            ],
        )
        .await
        .unwrap();
    assert!(
        matches!(&results[0].outcome, ItemOutcome::Failed(reason) if reason.contains("empty")),
        "{results:?}"
    );
    assert_eq!(results[1].outcome.as_str(), "imported");
    assert!(matches!(&results[2].outcome, ItemOutcome::Failed(reason) if reason == "cannot read"));
    store.finish_import(run).await.unwrap();
    assert_eq!(store.count_documents().await.unwrap(), 1);
    store.close().await;

    // The import history is in the database: read it with the database itself.
    let history = archive.rows("SELECT location || ':' || outcome FROM import_items ORDER BY id").await;
    assert_eq!(history, ["empty.txt:failed", format!("seeds/{SEED}:imported").as_str(), "gone.txt:failed"]);
}

async fn unknown_ids_are_not_found(archive: Archive) {
    let store = archive.store.clone();
    assert!(matches!(store.document(42).await, Err(dossier_storage::Error::NotFound(42))));
}

async fn the_database_survives_reopening(archive: Archive) {
    let store = archive.store.clone();
    store.import_batch(None, vec![seed_item()]).await.unwrap();
    store.close().await;

    if archive.is_sqlite() {
        assert_eq!(archive.rows("PRAGMA journal_mode").await, ["wal"]);
    }
    let reopened = archive.reopen().await;
    assert_eq!(reopened.count_documents().await.unwrap(), 1);
    let applied = archive.rows("SELECT CAST(version AS TEXT) FROM _sqlx_migrations").await;
    assert_eq!(applied.len(), archive.migrations());
}

async fn reparse_brings_documents_stored_by_an_older_parser_up_to_date(archive: Archive) {
    let store = archive.store.clone();
    let results = store.import_batch(None, vec![seed_item()]).await.unwrap();
    let id = ids(&results[0].outcome)[0];
    let current = store.document(id).await.unwrap().document;

    // What an older parser might have stored: no sub-heading, another title.
    let mut older = current.clone();
    older.title = "Untitled".into();
    older.blocks.retain(|block| !matches!(block, dossier_core::Block::Heading { .. }));
    let model = zstd::bulk::compress(&serde_json::to_vec(&older).unwrap(), 3).unwrap();
    archive.overwrite_document(id, model, "Untitled").await;
    assert_eq!(store.document(id).await.unwrap().document.title, "Untitled");

    let report = store.reparse().await.unwrap();
    assert_eq!((report.examined, report.changed, report.failed.len()), (1, 1, 0), "{report:?}");
    assert_eq!(store.document(id).await.unwrap().document, current);
    assert_eq!(store.list_documents(1, 0).await.unwrap()[0].title, current.title);
    // Running it again changes nothing.
    let again = store.reparse().await.unwrap();
    assert_eq!((again.examined, again.changed), (1, 0));
    // The search index follows.
    let hits = store.search(&SearchRequest::new("decade")).await.unwrap().hits;
    assert_eq!(hits.len(), 1);
}

async fn readers_keep_working_during_an_import(archive: Archive) {
    let store = archive.store.clone();
    let mut generator = dossier_synth::Generator::new(11, 20);
    let texts: Vec<String> = (0..800).map(|index| generator.article(index, 150).to_text()).collect();
    let writer = store.clone();
    let import = tokio::spawn(async move {
        writer
            .import_all(
                None,
                texts.into_iter().enumerate(),
                |(index, text)| ImportItem::parse(format!("{index}.txt"), None, text.into_bytes()),
                |_| {},
            )
            .await
    });
    // Read while the import runs: every read succeeds and sees whole batches only.
    let mut reads = 0;
    let mut last_count = 0;
    while !import.is_finished() {
        let count = store.count_documents().await.expect("reading during an import");
        assert!(count >= last_count, "the archive never shrinks");
        assert!(count % dossier_storage::BATCH_SIZE as i64 == 0 || count == 800, "a partial batch: {count}");
        store.search(&SearchRequest::new("the")).await.expect("searching during an import");
        last_count = count;
        reads += 1;
        tokio::task::yield_now().await;
    }
    import.await.unwrap().unwrap();
    assert_eq!(store.count_documents().await.unwrap(), 800);
    assert!(reads > 1, "the reads overlapped the import ({reads})");
}

/// Two handles with pools of their own — as two processes would have — import
/// overlapping inputs and search at the same time: every text is stored once,
/// and every document is searchable.
async fn two_handles_import_and_search_at_once(archive: Archive) {
    let first = archive.store.clone();
    let second = archive.reopen().await;
    let mut generator = dossier_synth::Generator::new(7, 20);
    let texts: Vec<String> = (0..600).map(|index| generator.article(index, 120).to_text()).collect();
    // Each handle imports two thirds of the texts; the middle third is imported by both.
    let imports = [(first.clone(), texts[..400].to_vec()), (second.clone(), texts[200..].to_vec())].map(
        |(store, texts)| {
            tokio::spawn(async move {
                store
                    .import_all(
                        None,
                        texts.into_iter().enumerate(),
                        |(index, text)| ImportItem::parse(format!("{index}.txt"), None, text.into_bytes()),
                        |_| {},
                    )
                    .await
            })
        },
    );
    let searches = [first.clone(), second.clone()].map(|store| {
        tokio::spawn(async move {
            for _ in 0..20 {
                store.search(&SearchRequest::new("the")).await.expect("searching during imports");
                tokio::task::yield_now().await;
            }
        })
    });
    for import in imports {
        import.await.unwrap().unwrap();
    }
    for search in searches {
        search.await.unwrap();
    }
    let distinct: HashSet<&String> = texts.iter().collect();
    assert_eq!(first.count_documents().await.unwrap(), distinct.len() as i64);
    assert_eq!(second.count_documents().await.unwrap(), distinct.len() as i64);
    let listed = second.list_documents(1000, 0).await.unwrap();
    let ids: HashSet<i64> = listed.iter().map(|summary| summary.id).collect();
    assert_eq!(ids.len(), distinct.len(), "no document is listed twice");
    // Every document one handle stored is found by the other through its title's words.
    for summary in listed.iter().take(20) {
        let results = first.search(&SearchRequest::new(format!("\"{}\"", summary.title))).await.unwrap();
        assert!(results.hits.iter().any(|hit| hit.id == summary.id), "{:?}", summary.title);
    }
}
