//! The reader's library on every backend: filters, keyset pages and counts, tags,
//! read state, reading positions and the neighbours of a document.

#[macro_use]
mod support;

use std::collections::HashSet;

use dossier_storage::{
    Error, ImportItem, LibraryCursor, LibraryFilter, LibraryPage, LibraryRequest, LibrarySort, SearchRequest,
    Store,
};
use support::Archive;

on_every_backend!(
    filters_narrow_the_library_and_counts_follow_them,
    keyset_pages_list_every_document_once_in_order,
    pages_do_not_shift_when_documents_are_added,
    tags_are_added_and_removed_on_one_document_or_many,
    read_state_and_reading_position_are_kept,
    neighbours_follow_the_library_order,
    the_whole_librarys_counts_follow_imports_reads_and_revisions,
);

/// Imports (file name, text) articles in one batch and returns their ids in order.
async fn import(store: &Store, articles: &[(String, String)]) -> Vec<i64> {
    let items = articles
        .iter()
        .map(|(name, text)| ImportItem::parse(name.clone(), Some(name), text.as_bytes().to_vec()))
        .collect();
    let results = store.import_batch(None, items).await.unwrap();
    results
        .iter()
        .map(|result| {
            assert_eq!(result.outcome.as_str(), "imported", "{result:?}");
            result.outcome.ids()[0]
        })
        .collect()
}

fn article(number: usize, site: &str, date: Option<&str>) -> (String, String) {
    let date = date.map(|date| format!("date: {date}\n")).unwrap_or_default();
    (
        format!("{number}.txt"),
        format!(
            "title: Report number {number} on the harbour works\nsite: {site}\n{date}\n\
             The council published report {number} about the harbour works, with figures of its own.\n"
        ),
    )
}

async fn page(store: &Store, filter: LibraryFilter) -> LibraryPage {
    store.library(&LibraryRequest::new(filter)).await.unwrap()
}

fn ids_of(page: &LibraryPage) -> Vec<i64> {
    page.entries.iter().map(|entry| entry.id).collect()
}

async fn filters_narrow_the_library_and_counts_follow_them(archive: Archive) {
    let store = &archive.store;
    let mut generator = dossier_synth::Generator::new(11, 3);
    let original = generator.article(0, 500);
    let rewrite = generator.rewrite(&original, 0, 0.1);
    let german = (
        "german.txt".to_owned(),
        "title: Bericht über den Hafen\nsite: Tagesblatt\ndate: 2023-06-01\n\n\
         Der Stadtrat hat heute den Bericht über die Bauarbeiten im Hafen veröffentlicht. \
         Die Arbeiten dauern länger als geplant, und die Kosten steigen weiter.\n"
            .to_owned(),
    );
    let ids = import(
        store,
        &[
            article(1, "The Courier", Some("2024-03-31")),
            article(2, "the courier", Some("2024-04-01")),
            article(3, "Harbour Weekly", Some("2023-12-31")),
            article(4, "Harbour Weekly", None),
            german,
            ("original.txt".to_owned(), original.to_text()),
            ("rewrite.txt".to_owned(), rewrite.to_text()),
        ],
    )
    .await;

    let everything = page(store, LibraryFilter::default()).await;
    assert_eq!(everything.total, 7);
    assert_eq!(everything.unread, 7);
    assert_eq!(everything.entries.len(), 7);
    assert!(everything.next.is_none());
    // Most recently added first.
    assert_eq!(ids_of(&everything), ids.iter().rev().copied().collect::<Vec<_>>());

    // The site, without regard to case.
    let courier = page(store, LibraryFilter { site: Some("THE COURIER".into()), ..Default::default() }).await;
    assert_eq!(courier.total, 2);
    assert_eq!(ids_of(&courier), [ids[1], ids[0]]);

    // Dates: `until` takes in the whole of the period it names.
    let march = LibraryFilter {
        published_from: Some("2024-03".into()),
        published_until: Some("2024-03".into()),
        ..Default::default()
    };
    assert_eq!(ids_of(&page(store, march).await), [ids[0]]);
    let year = LibraryFilter {
        published_from: Some("2023".into()),
        published_until: Some("2023".into()),
        ..Default::default()
    };
    assert_eq!(ids_of(&page(store, year).await), [ids[4], ids[2]], "1 June and 31 December 2023");
    let bad = store
        .library(&LibraryRequest::new(LibraryFilter {
            published_from: Some("soon".into()),
            ..Default::default()
        }))
        .await;
    assert!(matches!(bad, Err(Error::InvalidQuery(message)) if message.contains("soon")));

    let german = page(store, LibraryFilter { language: Some("de".into()), ..Default::default() }).await;
    assert_eq!(ids_of(&german), [ids[4]]);

    // The story cluster: the rewrite joined the original's story.
    let entry = everything.entries.iter().find(|entry| entry.id == ids[6]).unwrap();
    assert_eq!(entry.story_size, 2, "{entry:?}");
    let story = page(store, LibraryFilter { story: Some(entry.story), ..Default::default() }).await;
    assert_eq!(ids_of(&story), [ids[6], ids[5]]);

    // Counts: sites and languages of the matches, most first.
    let weekly = everything.sites.iter().find(|(site, _)| site == "Harbour Weekly");
    assert_eq!(weekly, Some(&("Harbour Weekly".to_owned(), 2)), "{:?}", everything.sites);
    assert_eq!(everything.languages[0], ("en".to_owned(), 6), "{:?}", everything.languages);

    // Filters combine.
    store.set_read(&[ids[2]], true).await.unwrap();
    let unread_weekly = page(
        store,
        LibraryFilter { site: Some("Harbour Weekly".into()), unread: true, ..Default::default() },
    )
    .await;
    assert_eq!(ids_of(&unread_weekly), [ids[3]]);
    assert_eq!((unread_weekly.total, unread_weekly.unread), (1, 1));
}

async fn keyset_pages_list_every_document_once_in_order(archive: Archive) {
    let store = &archive.store;
    // Some undated, some sharing a date, so that the id breaks ties.
    let published: Vec<Option<String>> = (0..23)
        .map(|number| match number % 4 {
            0 => None,
            1 => Some("2024-05-05".to_owned()),
            _ => Some(format!("2024-01-{:02}", number + 1)),
        })
        .collect();
    let articles: Vec<(String, String)> = published
        .iter()
        .enumerate()
        .map(|(number, date)| article(number, "The Courier", date.as_deref()))
        .collect();
    let ids = import(store, &articles).await;

    for sort in [LibrarySort::Added, LibrarySort::Published] {
        let mut seen = Vec::new();
        let mut after: Option<LibraryCursor> = None;
        let mut pages = 0;
        loop {
            let request =
                LibraryRequest { filter: LibraryFilter::default(), sort, after: after.clone(), limit: 5 };
            let page = store.library(&request).await.unwrap();
            assert_eq!(page.total, 23, "counts are of every match, not of the page");
            seen.extend(ids_of(&page));
            pages += 1;
            match page.next {
                // Cursors travel through a query string.
                Some(next) => after = LibraryCursor::decode(&next.encode()),
                None => break,
            }
        }
        assert_eq!(pages, 5, "{sort:?}");
        assert_eq!(seen.len(), 23, "{sort:?}: {seen:?}");
        assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 23, "{sort:?}: no document twice");

        let mut expected: Vec<(Option<String>, i64)> =
            ids.iter().zip(&published).map(|(id, date)| (date.clone(), *id)).collect();
        match sort {
            LibrarySort::Added => expected.sort_by_key(|entry| std::cmp::Reverse(entry.1)),
            // Newest first, undated last, ties newest id first.
            LibrarySort::Published => expected.sort_by(|a, b| match (&a.0, &b.0) {
                (Some(x), Some(y)) => y.cmp(x).then(b.1.cmp(&a.1)),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => b.1.cmp(&a.1),
            }),
        }
        assert_eq!(seen, expected.into_iter().map(|(_, id)| id).collect::<Vec<_>>(), "{sort:?}");
    }
}

async fn pages_do_not_shift_when_documents_are_added(archive: Archive) {
    let store = &archive.store;
    let ids =
        import(store, &(0..6).map(|number| article(number, "The Courier", None)).collect::<Vec<_>>()).await;
    let request = LibraryRequest { limit: 3, ..LibraryRequest::new(LibraryFilter::default()) };
    let first = store.library(&request).await.unwrap();
    assert_eq!(ids_of(&first), [ids[5], ids[4], ids[3]]);

    // A new document arrives while the reader is on the first page.
    import(store, &[article(99, "The Courier", None)]).await;
    let second =
        store.library(&LibraryRequest { after: first.next.clone(), ..request.clone() }).await.unwrap();
    assert_eq!(ids_of(&second), [ids[2], ids[1], ids[0]], "the next page goes on where the first ended");
    assert_eq!(second.total, 7);
    assert!(second.next.is_none());
}

async fn tags_are_added_and_removed_on_one_document_or_many(archive: Archive) {
    let store = &archive.store;
    let ids =
        import(store, &(0..4).map(|number| article(number, "The Courier", None)).collect::<Vec<_>>()).await;

    assert_eq!(store.add_tag(&[ids[0]], " Harbour ").await.unwrap(), 1);
    assert_eq!(store.document_tags(ids[0]).await.unwrap(), ["Harbour"]);
    // In bulk; the tag is the same whatever the case; unknown ids are passed over.
    assert_eq!(store.add_tag(&[ids[0], ids[1], ids[2], 9999], "harbour").await.unwrap(), 2);
    assert_eq!(store.add_tag(&[ids[1]], "council").await.unwrap(), 1);
    assert_eq!(store.document_tags(ids[1]).await.unwrap(), ["council", "Harbour"]);
    assert_eq!(store.tags().await.unwrap(), [("council".to_owned(), 1), ("Harbour".to_owned(), 3)]);

    // The library filters by tag and shows each entry's tags.
    let tagged = page(store, LibraryFilter { tag: Some("HARBOUR".into()), ..Default::default() }).await;
    assert_eq!(ids_of(&tagged), [ids[2], ids[1], ids[0]]);
    assert_eq!(tagged.entries[1].tags, ["council", "Harbour"]);
    assert_eq!(tagged.tags, [("Harbour".to_owned(), 3), ("council".to_owned(), 1)]);
    // So does search.
    let found = store.search(&SearchRequest::new("tag:harbour")).await.unwrap();
    assert_eq!(found.total, 3);

    assert_eq!(store.remove_tag(&[ids[0], ids[1]], "HARBOUR").await.unwrap(), 2);
    assert_eq!(store.document_tags(ids[0]).await.unwrap(), Vec::<String>::new());
    assert_eq!(store.remove_tag(&[ids[2]], "harbour").await.unwrap(), 1);
    assert_eq!(store.remove_tag(&[ids[2]], "never-there").await.unwrap(), 0);
    // A tag on no document is gone; tagging nothing leaves none behind.
    assert_eq!(store.add_tag(&[9999], "ghost").await.unwrap(), 0);
    assert_eq!(store.tags().await.unwrap(), [("council".to_owned(), 1)]);

    for name in ["", "   ", "a\nb", &"x".repeat(65)] {
        assert!(matches!(store.add_tag(&[ids[0]], name).await, Err(Error::InvalidTag(_))), "{name:?}");
    }
    // Markup in a name is only text.
    store.add_tag(&[ids[3]], "<b>bold</b>").await.unwrap();
    assert_eq!(store.document_tags(ids[3]).await.unwrap(), ["<b>bold</b>"]);
}

async fn read_state_and_reading_position_are_kept(archive: Archive) {
    let store = &archive.store;
    let ids =
        import(store, &(0..3).map(|number| article(number, "The Courier", None)).collect::<Vec<_>>()).await;
    assert_eq!(store.reading_state(ids[0]).await.unwrap().read_at, None);

    store.set_read(&[ids[0], ids[1], 9999], true).await.unwrap();
    let first_read_at = store.reading_state(ids[0]).await.unwrap().read_at.expect("marked read");
    assert!(first_read_at.starts_with("20") && first_read_at.ends_with('Z'), "{first_read_at}");
    // Marking it read again keeps when it was first read.
    store.set_read(&[ids[0]], true).await.unwrap();
    assert_eq!(store.reading_state(ids[0]).await.unwrap().read_at, Some(first_read_at));

    let unread = page(store, LibraryFilter { unread: true, ..Default::default() }).await;
    assert_eq!(ids_of(&unread), [ids[2]]);
    let all = page(store, LibraryFilter::default()).await;
    assert_eq!((all.total, all.unread), (3, 1));
    assert_eq!(all.entries.iter().map(|entry| entry.read).collect::<Vec<_>>(), [false, true, true]);

    store.set_read(&[ids[1]], false).await.unwrap();
    assert_eq!(page(store, LibraryFilter { unread: true, ..Default::default() }).await.total, 2);

    // The position is kept apart from the read state, and across handles.
    store.set_reading_position(ids[2], 7).await.unwrap();
    store.set_reading_position(ids[2], 12).await.unwrap();
    store.set_reading_position(9999, 3).await.unwrap();
    let other = archive.reopen().await;
    let state = other.reading_state(ids[2]).await.unwrap();
    assert_eq!((state.position, state.read_at), (12, None));
    assert_eq!(other.reading_state(ids[0]).await.unwrap().position, 0);
}

async fn neighbours_follow_the_library_order(archive: Archive) {
    let store = &archive.store;
    let ids = import(
        store,
        &[
            article(0, "The Courier", Some("2024-02-01")),
            article(1, "Harbour Weekly", Some("2024-03-01")),
            article(2, "The Courier", None),
            article(3, "The Courier", Some("2024-01-01")),
        ],
    )
    .await;
    let all = LibraryFilter::default();
    // Added: 3, 2, 1, 0.
    assert_eq!(store.neighbours(&all, LibrarySort::Added, ids[3]).await.unwrap(), (None, Some(ids[2])));
    assert_eq!(
        store.neighbours(&all, LibrarySort::Added, ids[1]).await.unwrap(),
        (Some(ids[2]), Some(ids[0]))
    );
    assert_eq!(store.neighbours(&all, LibrarySort::Added, ids[0]).await.unwrap(), (Some(ids[1]), None));
    // Published: 1, 0, 3, then the undated 2.
    let published = LibrarySort::Published;
    assert_eq!(store.neighbours(&all, published, ids[1]).await.unwrap(), (None, Some(ids[0])));
    assert_eq!(store.neighbours(&all, published, ids[3]).await.unwrap(), (Some(ids[0]), Some(ids[2])));
    assert_eq!(store.neighbours(&all, published, ids[2]).await.unwrap(), (Some(ids[3]), None));
    // Within a filter: the Courier's documents only.
    let courier = LibraryFilter { site: Some("The Courier".into()), ..Default::default() };
    assert_eq!(
        store.neighbours(&courier, LibrarySort::Added, ids[2]).await.unwrap(),
        (Some(ids[3]), Some(ids[0]))
    );
    assert!(matches!(store.neighbours(&all, LibrarySort::Added, 9999).await, Err(Error::NotFound(9999))));
}

/// The library with no filter, or only "unread", reads counts kept as the
/// archive changes (on SQLite); they must be what counting would give.
async fn the_whole_librarys_counts_follow_imports_reads_and_revisions(archive: Archive) {
    let store = &archive.store;
    let version = |number: usize, site: Option<&str>, language: &str| {
        let site = site.map(|site| format!("site: {site}\n")).unwrap_or_default();
        let text = format!(
            "title: Harbour works {number}\nurl: https://news.example/harbour/{number}\n{site}\
             language: {language}\n\nThe breakwater works at the harbour began, report {number} says. {site}\n"
        );
        ImportItem::parse(format!("{number}.txt"), Some(&format!("{number}.txt")), text.into_bytes())
    };
    let counts = |page: &LibraryPage| (page.total, page.unread, page.sites.clone(), page.languages.clone());
    let pair = |name: &str, count: i64| (name.to_owned(), count);
    let items = vec![
        version(0, Some("The Courier"), "en"),
        version(1, Some("The Courier"), "en"),
        version(2, Some("Harbour Weekly"), "de"),
        version(3, None, "en"),
    ];
    let results = store.import_batch(None, items).await.unwrap();
    let ids: Vec<i64> = results.iter().map(|result| result.outcome.ids()[0]).collect();
    assert_eq!(
        counts(&page(store, LibraryFilter::default()).await),
        (4, 4, vec![pair("The Courier", 2), pair("Harbour Weekly", 1)], vec![pair("en", 3), pair("de", 1)])
    );

    store.set_read(&[ids[0], ids[2], ids[3]], true).await.unwrap();
    store.set_read(&[ids[3]], false).await.unwrap();
    let everything = page(store, LibraryFilter::default()).await;
    assert_eq!((everything.total, everything.unread), (4, 2));
    let unread = page(store, LibraryFilter { unread: true, ..Default::default() }).await;
    assert_eq!(counts(&unread), (2, 2, vec![pair("The Courier", 1)], vec![pair("en", 2)]));

    // A revision moves the read document of Harbour Weekly to The Courier, in
    // English: Harbour Weekly has nothing left, and nothing unread moved.
    let revised = store.import_batch(None, vec![version(2, Some("The Courier"), "en")]).await.unwrap();
    assert_eq!(revised[0].outcome.as_str(), "revised", "{revised:?}");
    assert_eq!(
        counts(&page(store, LibraryFilter::default()).await),
        (4, 2, vec![pair("The Courier", 3)], vec![pair("en", 4)])
    );
    store.set_read(&[ids[2]], false).await.unwrap();
    let unread = page(store, LibraryFilter { unread: true, ..Default::default() }).await;
    assert_eq!(counts(&unread), (3, 3, vec![pair("The Courier", 2)], vec![pair("en", 3)]));
    // A site or a language is read from the same counts, compared as the
    // filters compare; with any other filter the library counts its matches,
    // and both agree.
    let courier = LibraryFilter { site: Some("the COURIER".into()), ..Default::default() };
    assert_eq!(
        counts(&page(store, courier.clone()).await),
        (3, 2, vec![pair("The Courier", 3)], vec![pair("en", 3)])
    );
    let english = LibraryFilter { language: Some("en".into()), unread: true, ..Default::default() };
    assert_eq!(
        counts(&page(store, english.clone()).await),
        (3, 3, vec![pair("The Courier", 2)], vec![pair("en", 3)])
    );
    let german = LibraryFilter { language: Some("de".into()), ..Default::default() };
    assert_eq!(counts(&page(store, german).await), (0, 0, vec![], vec![]));
    store.add_tag(&ids, "harbour").await.unwrap();
    let tagged = |filter: LibraryFilter| LibraryFilter { tag: Some("harbour".into()), ..filter };
    assert_eq!(counts(&page(store, tagged(courier.clone())).await), counts(&page(store, courier).await));
    assert_eq!(counts(&page(store, tagged(english.clone())).await), counts(&page(store, english).await));
}
