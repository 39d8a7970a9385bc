//! What imports that fetch web addresses rely on, on every backend: a page
//! fetched for a link becomes that link's text even when it names another
//! canonical address; which addresses have a page stored; which fetches failed
//! and were never made good; and `--dry-run`'s planning, which writes nothing.

#[macro_use]
mod support;

use dossier_core::{Document, Format};
use dossier_storage::{ImportItem, ItemOutcome, ItemResult, Store};
use support::Archive;

on_every_backend!(
    a_page_fetched_for_a_link_becomes_its_text_under_another_canonical_address,
    addresses_with_a_page_and_failed_fetches_are_known,
    a_preview_plans_like_an_import_and_writes_nothing,
);

const LINK: &str = "https://news.example/story?utm_source=pocket";
const CANONICAL: &str = "https://news.example/story";

/// A link an export carried without its text.
fn link(location: &str) -> ImportItem {
    let csv = format!("title,url,time_added,tags,status\nSaved story,{LINK},1700000000,council,unread\n");
    let collection = dossier_core::parse_collection(csv.as_bytes(), Format::PocketCsv).unwrap();
    ImportItem::from_parsed_items(
        location.to_owned(),
        Format::PocketCsv,
        csv.as_bytes(),
        Ok(collection.items),
    )
}

/// The page fetched for the link: its address is the link's, and it names its own canonical one.
fn page(text: &str) -> ImportItem {
    let mut document: Document =
        dossier_core::parse(format!("The story\n\n{text}\n").as_bytes(), Format::Text).unwrap().remove(0);
    document.url = Some(LINK.to_owned());
    document.canonical_url = Some(CANONICAL.to_owned());
    ImportItem::from_parsed(LINK.to_owned(), Format::Html, text.as_bytes(), Ok(vec![document]))
}

fn ids(results: &[ItemResult]) -> Vec<(i64, &'static str)> {
    results
        .iter()
        .flat_map(|result| match &result.outcome {
            ItemOutcome::Stored(refs) => {
                refs.iter().map(|stored| (stored.id, stored.change.as_str())).collect()
            }
            ItemOutcome::Failed(_) => vec![(0, "failed")],
        })
        .collect()
}

async fn a_page_fetched_for_a_link_becomes_its_text_under_another_canonical_address(archive: Archive) {
    let store = archive.store.clone();
    let linked = store.import_batch(None, vec![link("pocket.csv")]).await.unwrap();
    assert_eq!(ids(&linked), [(1, "imported")]);
    let fetched = store
        .import_batch(None, vec![page("The council met on Tuesday and passed the budget.")])
        .await
        .unwrap();
    assert_eq!(ids(&fetched), [(1, "revised")], "the page is the link's text");
    assert_eq!(store.count_documents().await.unwrap(), 1);
    assert_eq!(store.document_tags(1).await.unwrap(), ["council"], "the export's tag stays");

    // The export imported again finds the page by the address it was fetched from.
    let again = store.import_batch(None, vec![link("pocket-again.csv")]).await.unwrap();
    assert_eq!(ids(&again), [(1, "present")]);
    assert_eq!(store.count_documents().await.unwrap(), 1);
    store.close().await;
}

async fn addresses_with_a_page_and_failed_fetches_are_known(archive: Archive) {
    let store = archive.store.clone();
    let run = store.begin_import().await.unwrap();
    let gone = "https://news.example/gone";
    store
        .import_batch(
            Some(run),
            vec![
                link("pocket.csv"),
                ImportItem::failed(gone.to_owned(), "the server answered 404".to_owned()),
            ],
        )
        .await
        .unwrap();
    let asked = [LINK.to_owned(), CANONICAL.to_owned(), gone.to_owned()];
    assert!(store.urls_with_text(&asked).await.unwrap().is_empty(), "a bare link is not a page");
    assert_eq!(store.failed_fetches().await.unwrap(), [gone]);

    store.import_batch(Some(run), vec![page("The council met on Tuesday.")]).await.unwrap();
    // The document keeps the address it was first stored under (the link's): a
    // revision changes its text, not its identity.
    let with_text: Vec<String> = store.urls_with_text(&asked).await.unwrap().into_iter().collect();
    assert_eq!(with_text, [LINK]);

    // A later success at the same address makes the failure good.
    let mut back: Document =
        dossier_core::parse(b"Back again\n\nThe page is back online.\n", Format::Text).unwrap().remove(0);
    back.url = Some(gone.to_owned());
    let item = ImportItem::from_parsed(gone.to_owned(), Format::Html, b"back", Ok(vec![back]));
    store.import_batch(Some(run), vec![item]).await.unwrap();
    assert!(store.failed_fetches().await.unwrap().is_empty());
    store.close().await;
}

fn text(location: &str, body: &str) -> ImportItem {
    ImportItem::parse(location.to_owned(), Some(location), body.as_bytes().to_vec())
}

async fn a_preview_plans_like_an_import_and_writes_nothing(archive: Archive) {
    let store: Store = archive.store.clone();
    store
        .import_batch(None, vec![text("stored.txt", "Stored\n\nA story already in the archive.\n")])
        .await
        .unwrap();
    let batches = vec![
        vec![
            text("a.txt", "Stored\n\nA story already in the archive.\n"),
            text("b.txt", "New one\n\nA story the archive has not seen.\n"),
        ],
        // The same new story again, in a later batch: present, as importing would say.
        vec![
            text("c.txt", "New one\n\nA story the archive has not seen.\n"),
            ImportItem::failed("d.txt".into(), "unreadable".into()),
        ],
    ];
    let mut outcomes = Vec::new();
    store.preview_batches(batches.into_iter(), |results| outcomes.extend(ids(&results))).await.unwrap();
    assert_eq!(outcomes, [(1, "present"), (2, "imported"), (2, "present"), (0, "failed")]);
    assert_eq!(store.count_documents().await.unwrap(), 1, "nothing was written");
    let history = archive.rows("SELECT location FROM import_items").await;
    assert!(history.is_empty(), "{history:?}");
    store.close().await;
}
