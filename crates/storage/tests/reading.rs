//! The reading view's one query, on every backend: it must say exactly what the
//! separate reads say (document and sources, read state, tags, highlights,
//! neighbours in the library, the other documents of the story).

#[macro_use]
mod support;

use dossier_core::Highlight;
use dossier_storage::{Error, ImportItem, LibraryFilter, LibrarySort, Store, StoryMember};
use support::Archive;

on_every_backend!(the_reading_page_agrees_with_the_separate_reads);

fn item(name: &str, text: &str) -> ImportItem {
    ImportItem::parse(name.to_owned(), Some(name), text.as_bytes().to_vec())
}

/// An export of `text` carrying the highlights `passages`, in that order.
fn annotated(name: &str, text: &str, passages: &[&str]) -> ImportItem {
    let highlights: Vec<Highlight> = passages
        .iter()
        .map(|passage| Highlight { text: Some((*passage).to_owned()), note: None, created: None })
        .collect();
    support::export_item(name, text, highlights)
}

const STORY: &str = "The harbour authority confirmed on Tuesday that the northern breakwater will be rebuilt \
                     after the winter storms, at a cost the council put at forty million, with work starting \
                     in spring and lasting two years, while fishing boats move to the southern quay.";

/// Item `position` of batch `batch`: the first of each batch tells the story.
fn text(name: &str, batch: usize, position: usize) -> String {
    if position == 0 {
        format!(
            "title: Breakwater to be rebuilt ({name})\nsite: Outlet {name}\n\n{STORY} Reported by {name}.\n"
        )
    } else {
        format!(
            "title: Unrelated report {name}\nsite: Outlet {name}\n\nReport {name} of batch {batch} \
             tells of something else entirely, with its own words {name}{batch} and figures.\n"
        )
    }
}

/// A story told by three outlets, and unrelated articles, over three batches
/// (so that several documents share an added time and ties are broken by id).
async fn fill(store: &Store) -> Vec<i64> {
    let mut ids = Vec::new();
    for (batch, names) in [["a", "b", "c"], ["d", "e", "f"], ["g", "h", "i"]].iter().enumerate() {
        let items = names
            .iter()
            .enumerate()
            .map(|(position, name)| item(&format!("{name}.txt"), &text(name, batch, position)))
            .collect();
        for result in store.import_batch(None, items).await.unwrap() {
            ids.extend(result.outcome.ids());
        }
    }
    ids
}

async fn the_reading_page_agrees_with_the_separate_reads(archive: Archive) {
    let store = archive.store.clone();
    let ids = fill(&store).await;
    // A second source of the first document, named to sort before its first.
    let again = store.import_batch(None, vec![item("0-again.txt", &text("a", 0, 0))]).await.unwrap();
    assert_eq!(again[0].outcome.ids(), [ids[0]], "{again:?}");
    // Highlights whose passages sort otherwise than the order they were made in.
    let passages = ["Zebra crossing moved", "Harbour wall", "Anchor fees"];
    let marked =
        store.import_batch(None, vec![annotated("marked.json", &text("a", 0, 0), &passages)]).await.unwrap();
    assert_eq!(marked[0].outcome.ids(), [ids[0]], "{marked:?}");
    store.add_tag(&[ids[0], ids[4]], "harbour").await.unwrap();
    store.add_tag(&[ids[0]], "council").await.unwrap();
    store.set_read(&[ids[0]], true).await.unwrap();
    store.set_reading_position(ids[0], 3).await.unwrap();
    let whole = LibraryFilter::default();
    let reader = store.reader();
    for &id in &ids {
        let page = store.reading_page(id, 5).await.unwrap();
        // The reading view's own connections read the same page (twice: the
        // second time through a connection kept from the first).
        assert_eq!(reader.reading_page(id, 5).await.unwrap(), page, "document {id}");
        assert_eq!(reader.clone().reading_page(id, 5).await.unwrap(), page, "document {id}");
        let stored = store.document(id).await.unwrap();
        assert_eq!(page.document, stored.document, "document {id}");
        assert_eq!(page.story, stored.story, "document {id}");
        let locations: Vec<String> = stored.sources.into_iter().map(|source| source.location).collect();
        assert_eq!(page.sources, locations, "document {id}");
        assert_eq!(page.state, store.reading_state(id).await.unwrap());
        assert_eq!(page.tags, store.document_tags(id).await.unwrap());
        assert_eq!(page.highlights, store.highlights(id).await.unwrap());
        assert_eq!(page.entities, store.document_entity_ids(id).await.unwrap());
        let neighbours = store.neighbours(&whole, LibrarySort::Added, id).await.unwrap();
        assert_eq!((page.previous, page.next), neighbours, "document {id}");
        let mut members = Vec::new();
        for member in
            store.story_members(page.story).await.unwrap().into_iter().filter(|member| *member != id)
        {
            let document = store.document(member).await.unwrap().document;
            members.push(StoryMember {
                id: member,
                title: document.title,
                site: document.site,
                published: document.published,
            });
        }
        assert_eq!(page.coverage, members, "document {id}");
    }
    // The story's three reports see each other, at most as many as asked for.
    let first = store.reading_page(ids[0], 5).await.unwrap();
    assert_eq!(first.coverage.iter().map(|member| member.id).collect::<Vec<_>>(), [ids[3], ids[6]]);
    assert_eq!(store.reading_page(ids[0], 1).await.unwrap().coverage.len(), 1);
    assert_eq!(first.tags, ["council", "harbour"]);
    assert_eq!(
        first.sources,
        ["a.txt", "0-again.txt", "marked.json"],
        "sources in the order they were imported"
    );
    let shown: Vec<&str> =
        first.highlights.iter().filter_map(|highlight| highlight.text.as_deref()).collect();
    assert_eq!(shown, passages, "highlights in the order they were made");
    assert!(first.state.read_at.is_some() && first.state.position == 3);
    assert!(matches!(store.reading_page(9_999, 5).await, Err(Error::NotFound(9_999))));
    assert!(matches!(reader.reading_page(9_999, 5).await, Err(Error::NotFound(9_999))));
    store.close().await;
}
