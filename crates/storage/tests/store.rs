//! Storage tests on real databases: a SQLite file in a temporary folder, and a
//! PostgreSQL database when `DOSSIER_TEST_POSTGRES` names a server (see `support`).

#[macro_use]
mod support;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use dossier_core::Highlight;
use dossier_storage::{ImportItem, ItemOutcome, SearchRequest, Store};
use support::Archive;

on_every_backend!(
    the_seed_is_stored_and_read_back_whole,
    importing_the_same_file_twice_stores_it_once,
    the_same_text_from_another_place_is_one_document_with_two_sources,
    a_failed_item_is_recorded_and_the_batch_goes_on,
    unknown_ids_are_not_found,
    the_database_survives_reopening,
    reparse_brings_documents_stored_by_an_older_parser_up_to_date,
    reparse_stores_models_compressed_alone_against_their_originals,
    readers_keep_working_during_an_import,
    two_handles_import_and_search_at_once,
    an_exports_highlights_are_kept_once,
    a_second_export_of_a_stored_text_adds_its_highlights_to_it,
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

/// (text, note, created) of a highlight.
type Marked<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>);

/// An export holding one plain-text article and the highlights it carries for it,
/// as `dossier_core::parse_collection` would return it.
fn export_item(location: &str, text: &str, highlights: &[Marked]) -> ImportItem {
    let highlights: Vec<Highlight> = highlights
        .iter()
        .map(|(text, note, created)| Highlight {
            text: text.map(str::to_owned),
            note: note.map(str::to_owned),
            created: created.map(str::to_owned),
        })
        .collect();
    support::export_item(location, text, highlights)
}

/// A document's highlights as (text, note, created).
async fn highlights_of(store: &Store, id: i64) -> Vec<(Option<String>, Option<String>, Option<String>)> {
    let highlights = store.highlights(id).await.unwrap();
    assert!(highlights.iter().all(|highlight| highlight.imported_at.starts_with("20")), "{highlights:?}");
    highlights.into_iter().map(|highlight| (highlight.text, highlight.note, highlight.created)).collect()
}

fn owned(marked: &[Marked]) -> Vec<(Option<String>, Option<String>, Option<String>)> {
    marked
        .iter()
        .map(|(text, note, created)| {
            (text.map(str::to_owned), note.map(str::to_owned), created.map(str::to_owned))
        })
        .collect()
}

const HARBOUR: &str = "The harbour works run late\n\n\
    The council said the harbour works would take another year. The costs rose by a third.\n";
/// The same text as another export lays it out.
const HARBOUR_AGAIN: &str = "The harbour works run late\r\n\r\n\
    The council said the harbour works  would take another year.  The costs rose by a third.\r\n";

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
    // The model is compressed against those bytes, and its row names them.
    let named = archive.rows("SELECT model_original FROM documents").await;
    assert_eq!(named, [stored.sources[0].original_sha256.as_str()]);

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
        // The search index's settings are stored in the file: a batch is flushed
        // once (`hashsize`), and segments merge sixteen at a time (`automerge`).
        let settings = archive
            .rows("SELECT k || '=' || v FROM search.documents_fts_config WHERE k <> 'version' ORDER BY k")
            .await;
        assert_eq!(settings, ["automerge=16", "hashsize=33554432"]);
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
    assert_eq!((again.examined, again.changed, again.recompressed), (1, 0, 0));
    // The search index follows.
    let hits = store.search(&SearchRequest::new("decade")).await.unwrap().hits;
    assert_eq!(hits.len(), 1);
}

async fn reparse_stores_models_compressed_alone_against_their_originals(archive: Archive) {
    let store = archive.store.clone();
    let results = store.import_batch(None, vec![seed_item()]).await.unwrap();
    let id = ids(&results[0].outcome)[0];
    let stored = store.document(id).await.unwrap();
    // The same document as an archive made before models were compressed against
    // their originals holds it.
    let alone = zstd::bulk::compress(&serde_json::to_vec(&stored.document).unwrap(), 3).unwrap();
    archive.overwrite_document(id, alone.clone(), &stored.document.title).await;
    let length = || archive.rows("SELECT CAST(length(model) AS TEXT) FROM documents");
    assert_eq!(length().await, [alone.len().to_string()]);

    let report = store.reparse().await.unwrap();
    assert_eq!((report.changed, report.recompressed, report.failed.len()), (0, 1, 0), "{report:?}");
    let named = archive.rows("SELECT model_original FROM documents").await;
    assert_eq!(named, [stored.sources[0].original_sha256.as_str()]);
    let now: usize = length().await[0].parse().unwrap();
    assert!(now * 3 < alone.len() * 2, "{now} bytes against {} alone", alone.len());
    assert_eq!(store.document(id).await.unwrap().document, stored.document);
    let hits = store.search(&SearchRequest::new("decade")).await.unwrap().hits;
    assert_eq!(hits.len(), 1);
    assert!(hits[0].snippet.text.contains("decade"), "{:?}", hits[0].snippet);
    // Once is enough.
    let again = store.reparse().await.unwrap();
    assert_eq!((again.changed, again.recompressed), (0, 0));
}

async fn readers_keep_working_during_an_import(archive: Archive) {
    let store = archive.store.clone();
    let mut generator = dossier_synth::Generator::new(11, 20);
    // Three whole batches and part of a fourth.
    let total = 3 * dossier_storage::BATCH_SIZE + 288;
    let texts: Vec<String> = (0..total).map(|index| generator.article(index, 150).to_text()).collect();
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
        assert!(
            count % dossier_storage::BATCH_SIZE as i64 == 0 || count == total as i64,
            "a partial batch: {count}"
        );
        store.search(&SearchRequest::new("the")).await.expect("searching during an import");
        last_count = count;
        reads += 1;
        tokio::task::yield_now().await;
    }
    import.await.unwrap().unwrap();
    assert_eq!(store.count_documents().await.unwrap(), total as i64);
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

async fn an_exports_highlights_are_kept_once(archive: Archive) {
    let store = archive.store.clone();
    let marked: [Marked; 4] = [
        (
            Some("the harbour works would take another year"),
            Some("Ask about the costs"),
            Some("2024-03-04T10:00:00Z"),
        ),
        // A highlight with nothing in it is no highlight.
        (Some("  "), None, None),
        (None, Some("A note on the whole piece"), None),
        (Some("  The costs rose by a third.\n"), None, Some("2024-03-05")),
    ];
    let item = || export_item("omnivore.zip", HARBOUR, &marked);
    let first = store.import_batch(None, vec![item()]).await.unwrap();
    assert_eq!(first[0].outcome.as_str(), "imported", "{first:?}");
    let id = ids(&first[0].outcome)[0];
    let kept = owned(&[marked[0], marked[2], (Some("The costs rose by a third."), None, Some("2024-03-05"))]);
    assert_eq!(highlights_of(&store, id).await, kept);

    // The same export again adds nothing.
    let again = store.import_batch(None, vec![item()]).await.unwrap();
    assert_eq!(again[0].outcome.as_str(), "present", "{again:?}");
    assert_eq!(highlights_of(&store, id).await, kept);
    // Nor do two copies in one batch.
    store.import_batch(None, vec![item(), export_item("copy.zip", HARBOUR, &marked)]).await.unwrap();
    assert_eq!(highlights_of(&store, id).await, kept);
    assert!(store.highlights(id + 1).await.unwrap().is_empty());
    // The highlights are not part of the document's text.
    let stored = store.document(id).await.unwrap();
    assert!(!serde_json::to_string(&stored.document).unwrap().contains("Ask about the costs"));
}

/// Pocket first, then Omnivore: the second export's text is already stored, and
/// its highlights join that document (one it shares is not doubled, even laid out
/// otherwise).
async fn a_second_export_of_a_stored_text_adds_its_highlights_to_it(archive: Archive) {
    let store = archive.store.clone();
    let shared: Marked = (Some("would take another year"), Some("Since 2019"), None);
    let pocket = store.import_batch(None, vec![export_item("pocket.csv", HARBOUR, &[shared])]).await.unwrap();
    let id = ids(&pocket[0].outcome)[0];

    let rewrapped: Marked = (Some("would take\n  another year"), Some("Since  2019"), Some("2024-06-01"));
    let other: Marked = (Some("The costs rose by a third."), None, None);
    let omnivore = store
        .import_batch(None, vec![export_item("omnivore.zip", HARBOUR_AGAIN, &[rewrapped, other])])
        .await
        .unwrap();
    assert_eq!(omnivore[0].outcome.as_str(), "present", "{omnivore:?}");
    assert_eq!(ids(&omnivore[0].outcome), [id]);
    assert_eq!(store.count_documents().await.unwrap(), 1);
    assert_eq!(highlights_of(&store, id).await, owned(&[shared, other]));
    assert_eq!(store.document(id).await.unwrap().sources.len(), 2);
}
