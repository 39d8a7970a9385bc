//! Local copies of images, on every backend: kept once per content however many
//! documents show them, listed with the reading page by the block's `src`,
//! served by their hash, and refused when the bytes are not a raster image.

#[macro_use]
mod support;

use dossier_storage::ImportItem;
use dossier_synth::PNG_2X2;
use support::Archive;

on_every_backend!(an_image_is_kept_once_and_found_by_the_page_that_shows_it);

fn page(name: &str, title: &str) -> ImportItem {
    let html = format!(
        "<!doctype html><html lang=en><head><title>{title}</title></head><body><article><h1>{title}</h1>\
         <p>The crane over the northern quay was taken down on Tuesday after inspectors found cracked welds \
         in its boom, the harbour authority said, and work on the breakwater stopped for the week.</p>\
         <figure><img src='{title}_files/crane.png' alt='The crane, seen from the quay'>\
         <figcaption>The crane before it came down.</figcaption></figure>\
         <figure><img src='https://cdn.example/elsewhere.jpg' alt='Kept elsewhere'></figure>\
         <p>Dockworkers were moved to the southern quay while engineers decide whether it can be repaired \
         or must be replaced, which the authority expects to announce next month.</p></article></body></html>"
    );
    ImportItem::parse(name.to_owned(), Some(name), html.into_bytes())
}

async fn an_image_is_kept_once_and_found_by_the_page_that_shows_it(archive: Archive) {
    let store = archive.store.clone();
    let mut first = page("first.html", "First");
    let mut second = page("second.html", "Second");
    assert_eq!(first.image_sources(), ["First_files/crane.png", "https://cdn.example/elsewhere.jpg"]);
    first.add_image("First_files/crane.png", PNG_2X2.to_vec()).unwrap();
    second.add_image("Second_files/crane.png", PNG_2X2.to_vec()).unwrap();
    let refused = second.add_image("https://cdn.example/elsewhere.jpg", b"<svg onload=alert(1)/>".to_vec());
    assert!(refused.unwrap_err().contains("not a PNG"));
    assert!(second.add_image("not/shown.png", PNG_2X2.to_vec()).is_err(), "only what a block shows");

    let results = store.import_batch(None, vec![first, second]).await.unwrap();
    let ids: Vec<i64> = results.iter().flat_map(|result| result.outcome.ids()).collect();
    assert_eq!(ids.len(), 2, "{results:?}");
    let mut hashes = Vec::new();
    for (id, src) in ids.iter().zip(["First_files/crane.png", "Second_files/crane.png"]) {
        let page = store.reading_page(*id, 5).await.unwrap();
        assert_eq!(page.images.len(), 1, "only the local copy: {:?}", page.images);
        hashes.push(page.images[src].clone());
    }
    assert_eq!(hashes[0], hashes[1], "one image, stored once");
    let image = store.image(&hashes[0]).await.unwrap().expect("served by its hash");
    assert_eq!((image.media_type.as_str(), image.data.as_slice()), ("image/png", PNG_2X2));
    assert_eq!(store.image(&"0".repeat(64)).await.unwrap(), None);
    assert_eq!(store.image("../../etc/passwd").await.unwrap(), None);

    // Imported again, the page keeps its copy.
    let mut again = page("first.html", "First");
    again.add_image("First_files/crane.png", PNG_2X2.to_vec()).unwrap();
    store.import_batch(None, vec![again]).await.unwrap();
    assert_eq!(store.reading_page(ids[0], 5).await.unwrap().images.len(), 1);
}
