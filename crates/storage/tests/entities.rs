//! Entities, quotes and timelines across the archive, on every backend: one
//! real-world entity however each document names it, one quote however many
//! outlets print it (and who printed it first), corrections that outlive
//! parsing again, and archives stored before the index existed.

#[macro_use]
mod support;

use dossier_core::EntityKind;
use dossier_storage::{ImportItem, Store};
use support::Archive;

on_every_backend!(
    one_entity_across_documents,
    one_quote_across_outlets_first_printing_first,
    corrections_survive_parsing_again,
    a_timeline_in_date_order_each_sentence_once,
    documents_stored_before_the_index_are_indexed_on_open,
);

fn item(name: &str, text: &str) -> ImportItem {
    ImportItem::parse(name.to_owned(), Some(name), text.as_bytes().to_vec())
}

const FIRST: &str = "title: Meta faces questions over messaging data\nsite: Outlet A\ndate: 2024-04-03\n\n\
    Mark Zuckerberg, the chief executive of Meta Platforms, defended the company's data deals on Monday. \
    \"We never sold anyone's private messages,\" Zuckerberg said in a statement.\n\n\
    Meta changed its name from Facebook in October 2021, after years of scrutiny.\n";

const SECOND: &str = "title: Zuckerberg defends data deals\nsite: Outlet B\ndate: 2024-04-02\n\n\
    Facebook founder Mark Zuckerberg spoke to investors in California on Tuesday. \
    \"We never sold anyone's private messages\", said Mark Zuckerberg.\n\n\
    Meta changed its name from Facebook in October 2021, after years of scrutiny.\n";

const THIRD: &str = "title: Regulators widen inquiry\nsite: Outlet C\ndate: 2024-04-05\n\n\
    Sarah Grabert, a lawyer for the plaintiffs, said the case would go ahead in San Francisco. \
    Meta Platforms declined to comment on Thursday.\n";

async fn fill(store: &Store) -> Vec<i64> {
    let items = vec![item("first.txt", FIRST), item("second.txt", SECOND), item("third.txt", THIRD)];
    let mut ids = Vec::new();
    for result in store.import_batch(None, items).await.unwrap() {
        ids.extend(result.outcome.ids());
    }
    assert_eq!(ids.len(), 3);
    ids
}

async fn named(store: &Store, name: &str) -> dossier_storage::EntitySummary {
    let found = store.entity_by_name(name).await.unwrap();
    assert_eq!(found.len(), 1, "{name:?} should mean exactly one entity: {found:?}");
    found.into_iter().next().unwrap()
}

async fn one_entity_across_documents(archive: Archive) {
    let store = archive.store.clone();
    let ids = fill(&store).await;
    let zuckerberg = named(&store, "Mark Zuckerberg").await;
    assert_eq!(zuckerberg.kind, EntityKind::Person);
    assert_eq!(zuckerberg.documents, 2);
    // "Meta Platforms" (first and third) and "Meta" (the second's name for it) are one.
    let meta = named(&store, "Meta").await;
    assert_eq!(named(&store, "Meta Platforms").await.id, meta.id);
    assert_eq!(meta.documents, 3, "{meta:?}");
    // A surname alone names a person within one document only.
    assert!(store.entity_by_name("Zuckerberg").await.unwrap().is_empty());

    let people = store.entities(Some(EntityKind::Person), None, 50).await.unwrap();
    assert_eq!(people[0].name, "Mark Zuckerberg", "most documents first: {people:?}");
    assert!(people.iter().all(|entity| entity.kind == EntityKind::Person));
    let prefixed = store.entities(None, Some("sarah"), 50).await.unwrap();
    assert_eq!(prefixed.iter().map(|entity| entity.name.as_str()).collect::<Vec<_>>(), ["Sarah Grabert"]);

    let page = store.entity(zuckerberg.id).await.unwrap().expect("the entity's page");
    let documents: Vec<i64> = page.documents.iter().map(|document| document.id).collect();
    assert_eq!(documents, [ids[0], ids[1]], "most recently published first");
    assert!(
        page.related.iter().any(|(entity, shared)| entity.id == meta.id && *shared == 2),
        "{:?}",
        page.related
    );
    assert_eq!(page.quotes.len(), 1, "{:?}", page.quotes);
    assert!(store.entity(i64::MAX).await.unwrap().is_none());

    // The reading view's links: each of a document's entities by position.
    let stored = store.document(ids[0]).await.unwrap();
    let positions = store.document_entity_ids(ids[0]).await.unwrap();
    let position =
        stored.document.entities.iter().position(|entity| entity.name == "Mark Zuckerberg").unwrap();
    assert_eq!(positions.get(&position), Some(&zuckerberg.id));
}

async fn one_quote_across_outlets_first_printing_first(archive: Archive) {
    let store = archive.store.clone();
    let ids = fill(&store).await;
    let quotes = store.quotes("").await.unwrap();
    let printed = quotes.iter().find(|quote| quote.text.contains("never sold")).expect("the quote");
    let printings: Vec<i64> = printed.printings.iter().map(|document| document.id).collect();
    // The second document is dated a day earlier: it printed the quote first.
    assert_eq!(printings, [ids[1], ids[0]]);
    let zuckerberg = named(&store, "Mark Zuckerberg").await;
    assert_eq!(printed.entity.as_ref().map(|(id, _)| *id), Some(zuckerberg.id));
    assert_eq!(quotes[0], *printed, "the quote printed most often comes first");
    // A search narrows the quotes to its documents', each with all its printings.
    let narrowed = store.quotes("site:\"Outlet A\"").await.unwrap();
    assert_eq!(narrowed.len(), 1);
    assert_eq!(narrowed[0].printings.len(), 2);
    assert!(
        store
            .quotes("site:\"Outlet C\"")
            .await
            .unwrap()
            .iter()
            .all(|quote| !quote.text.contains("never sold"))
    );
}

async fn corrections_survive_parsing_again(archive: Archive) {
    let store = archive.store.clone();
    let ids = fill(&store).await;
    let facebook = named(&store, "Facebook").await;
    let meta = named(&store, "Meta").await;
    assert_eq!(store.merge_entities(&[facebook.id], meta.id).await.unwrap(), 1);
    store.rename_entity(meta.id, "Meta (Facebook)").await.unwrap();
    assert!(store.entity(facebook.id).await.unwrap().is_none());
    let merged = store.entity(meta.id).await.unwrap().unwrap();
    assert_eq!(merged.entity.name, "Meta (Facebook)");
    assert!(merged.aliases.iter().any(|alias| alias == "Facebook"), "{:?}", merged.aliases);
    assert!(store.rename_entity(meta.id, " . ").await.is_err());
    assert!(store.merge_entities(&[meta.id], i64::MAX).await.is_err());

    // A document parsed again — its stored model was an older parser's — is
    // indexed anew, through the corrections.
    let older = store.document(ids[2]).await.unwrap();
    let mut stale = older.document.clone();
    stale.entities.clear();
    archive
        .overwrite_document(
            ids[1],
            zstd::encode_all(&serde_json::to_vec(&stale).unwrap()[..], 3).unwrap(),
            "x",
        )
        .await;
    let report = store.reparse().await.unwrap();
    assert!(report.changed >= 1, "{report:?}");
    let positions = store.document_entity_ids(ids[1]).await.unwrap();
    let second = store.document(ids[1]).await.unwrap().document;
    let facebook_position = second.entities.iter().position(|entity| entity.name == "Facebook").unwrap();
    assert_eq!(positions.get(&facebook_position), Some(&meta.id), "Facebook resolves to the merged entity");
    assert_eq!(store.entity(meta.id).await.unwrap().unwrap().entity.name, "Meta (Facebook)");

    // So is a document imported after the correction.
    let later =
        "title: Facebook and regulators\nsite: Outlet D\n\nFacebook answered the regulators on Friday.\n";
    let results = store.import_batch(None, vec![item("later.txt", later)]).await.unwrap();
    let later_id = results[0].outcome.ids()[0];
    let later_positions = store.document_entity_ids(later_id).await.unwrap();
    assert!(later_positions.values().any(|id| *id == meta.id), "{later_positions:?}");
    assert!(store.entity_by_name("Facebook").await.unwrap().iter().all(|entity| entity.id == meta.id));
}

async fn a_timeline_in_date_order_each_sentence_once(archive: Archive) {
    let store = archive.store.clone();
    let ids = fill(&store).await;
    let timeline = store.timeline("").await.unwrap();
    let dates: Vec<&str> = timeline.iter().map(|event| event.date.as_str()).collect();
    let mut sorted = dates.clone();
    sorted.sort_unstable();
    assert_eq!(dates, sorted, "date order");
    let renamed: Vec<_> = timeline.iter().filter(|event| event.text.contains("changed its name")).collect();
    assert_eq!(renamed.len(), 1, "both outlets' identical sentence is one event: {timeline:#?}");
    assert_eq!(renamed[0].date, "2021-10");
    assert_eq!(renamed[0].documents.len(), 2);
    // Relative dates resolve against each document's own date.
    assert!(
        timeline.iter().any(|event| event.date == "2024-04-01" && event.documents[0].id == ids[0]),
        "{timeline:#?}"
    );
    let narrowed = store.timeline("site:\"Outlet C\"").await.unwrap();
    assert!(narrowed.iter().all(|event| event.documents.iter().all(|document| document.id == ids[2])));
    assert!(!narrowed.is_empty());
    let zuckerberg = named(&store, "Mark Zuckerberg").await;
    let page = store.entity(zuckerberg.id).await.unwrap().unwrap();
    assert!(page.timeline.iter().all(|event| event.text.contains("Zuckerberg")), "{:#?}", page.timeline);
}

async fn documents_stored_before_the_index_are_indexed_on_open(archive: Archive) {
    let store = archive.store.clone();
    fill(&store).await;
    let before = store.entities(None, None, 100).await.unwrap();
    let quotes = store.quotes("").await.unwrap();
    // As the migration leaves an archive stored before it: no index, a backlog.
    archive.execute("DELETE FROM document_entities").await;
    archive.execute("DELETE FROM quotes").await;
    archive.execute("DELETE FROM events").await;
    archive.execute("INSERT INTO story_backlog (document_id) SELECT id FROM documents").await;
    assert!(store.entities(None, None, 100).await.unwrap().is_empty());
    let reopened = archive.reopen().await;
    assert_eq!(reopened.entities(None, None, 100).await.unwrap(), before);
    assert_eq!(reopened.quotes("").await.unwrap(), quotes);
    assert!(archive.rows("SELECT CAST(document_id AS TEXT) FROM story_backlog").await.is_empty());
}
