//! Copying a SQLite archive into PostgreSQL (`dossier migrate-db`): everything
//! arrives, the copy verifies, and a second run goes on where the first stopped.
//! Runs when `DOSSIER_TEST_POSTGRES` names a server (see `support`).

#[macro_use]
mod support;

use dossier_core::Highlight;
use dossier_storage::{ImportItem, SearchRequest, Store};
use support::Archive;

fn item(name: &str, text: &str) -> ImportItem {
    ImportItem::parse(name.to_owned(), Some(name), text.as_bytes().to_vec())
}

/// An export of one article with the highlights it carries, each (text, note).
fn export_item(name: &str, text: &str, highlights: &[(&str, &str)]) -> ImportItem {
    let highlights: Vec<Highlight> = highlights
        .iter()
        .map(|(text, note)| Highlight {
            text: Some((*text).to_owned()),
            note: Some((*note).to_owned()).filter(|note| !note.is_empty()),
            created: Some("2024-05-01T08:00:00Z".to_owned()),
        })
        .collect();
    support::export_item(name, text, highlights)
}

const ANNOTATED: &str = "Annotated\n\nA story the reader marked up as they read it.\n";

async fn fill(store: &Store, seed: u64, count: usize) {
    let run = store.begin_import().await.unwrap();
    let mut generator = dossier_synth::Generator::new(seed, 20);
    let mut items: Vec<ImportItem> = (0..count)
        .map(|index| {
            let text =
                format!("tags: batch{}, shared\n{}", index % 3, generator.article(index, 100).to_text());
            ImportItem::parse(format!("{seed}/{index}.txt"), None, text.into_bytes())
        })
        .collect();
    items.push(ImportItem::failed(format!("missing-{seed}.txt"), "cannot read".into()));
    store.import_batch(Some(run), items).await.unwrap();
    store.finish_import(run).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_archive_copies_into_postgres_whole_and_resumably() {
    let Some(target) = Archive::postgres().await else { return };
    let source = Archive::sqlite().await;
    let from = source.store.clone();
    fill(&from, 3, 700).await;
    // A revision, and the same text from a second place.
    let page = |body: &str| {
        item("page.html.txt", &format!("title: Breaking\nurl: https://news.example/a\n\n{body}\n"))
    };
    from.import_batch(None, vec![page("First account of the events.")]).await.unwrap();
    from.import_batch(None, vec![page("Second account, with corrections.")]).await.unwrap();
    // What the reader did travels with the documents.
    let listed = from.list_documents(3, 0).await.unwrap();
    from.set_read(&[listed[0].id, listed[1].id], true).await.unwrap();
    from.set_reading_position(listed[2].id, 7).await.unwrap();
    let annotated = from
        .import_batch(
            None,
            vec![export_item("omnivore.zip", ANNOTATED, &[("marked up", "a note"), ("read it", "")])],
        )
        .await
        .unwrap()[0]
        .outcome
        .ids()[0];

    // A page with the local copy of its image.
    let mut pictured = ImportItem::parse(
        "pictured.html".to_owned(),
        Some("pictured.html"),
        b"<html><body><article><h1>Pictured</h1><p>The new ferry arrived at the harbour on Monday,           two years late and over budget, and will carry its first passengers next week.</p>          <figure><img src=ferry.png><figcaption>The ferry</figcaption></figure></article></body></html>"
            .to_vec(),
    );
    pictured.add_image("ferry.png", dossier_synth::PNG_2X2.to_vec()).unwrap();
    let pictured = from.import_batch(None, vec![pictured]).await.unwrap()[0].outcome.ids()[0];

    let report = from.copy_into(&target.store, |_, _| {}).await.unwrap();
    assert!(report.verified(), "{report:#?}");
    assert!(
        report.tables.iter().any(|table| table.table == "images" && table.target_rows == 1),
        "{report:#?}"
    );
    assert!(report.rows_copied > 700, "{report:?}");

    // More imports into the source; the next run copies only what is new. (Only
    // new rows: a change to a copied row is not copied again, but verifying says so.)
    fill(&from, 4, 50).await;
    // A highlight that a second export adds to a document copied already.
    from.import_batch(None, vec![export_item("pocket.csv", ANNOTATED, &[("A story", "")])]).await.unwrap();
    let again = from.copy_into(&target.store, |_, _| {}).await.unwrap();
    assert!(again.verified(), "{again:#?}");
    assert!(again.rows_copied < 300, "resumed, not copied again: {again:?}");

    let to = target.store.clone();
    assert_eq!(to.count_documents().await.unwrap(), from.count_documents().await.unwrap());
    let highlights = from.highlights(annotated).await.unwrap();
    assert_eq!(highlights.len(), 3);
    assert_eq!(to.highlights(annotated).await.unwrap(), highlights);
    for summary in &listed {
        assert_eq!(
            to.reading_state(summary.id).await.unwrap(),
            from.reading_state(summary.id).await.unwrap(),
            "document {}",
            summary.id
        );
    }
    let newest = from.list_documents(5, 0).await.unwrap();
    assert_eq!(to.list_documents(5, 0).await.unwrap(), newest);
    for summary in &newest {
        let (left, right) =
            (from.document(summary.id).await.unwrap(), to.document(summary.id).await.unwrap());
        assert_eq!(left, right);
        let original = left.sources[0].original_sha256.as_str();
        assert_eq!(from.original(original).await.unwrap(), to.original(original).await.unwrap());
    }
    let images = from.reading_page(pictured, 5).await.unwrap().images;
    assert_eq!(to.reading_page(pictured, 5).await.unwrap().images, images);
    let image = to.image(&images["ferry.png"]).await.unwrap().expect("the image was copied");
    assert_eq!(image.data, dossier_synth::PNG_2X2);
    let revised = to.search(&SearchRequest::new("corrections")).await.unwrap();
    assert_eq!(revised.hits.len(), 1);
    assert_eq!(to.revisions(revised.hits[0].id).await.unwrap().len(), 1);
    let tagged =
        |store: Store| async move { store.search(&SearchRequest::new("tag:batch1")).await.unwrap().total };
    assert!(tagged(from.clone()).await > 0);
    assert_eq!(tagged(to.clone()).await, tagged(from.clone()).await);
    // New documents and highlights in the copy get new ids.
    let new = export_item("new.zip", "title: Something new\n\nA new story.\n", &[("A new story", "")]);
    let results = to.import_batch(None, vec![new]).await.unwrap();
    assert!(results[0].outcome.ids()[0] > from.count_documents().await.unwrap());
    assert_eq!(to.highlights(results[0].outcome.ids()[0]).await.unwrap().len(), 1);
}
