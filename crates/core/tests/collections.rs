//! Feeds, read-it-later exports, bookmark files and ZIP archives: each fixture in
//! `collections/` (written from the format's public documentation) is
//! recognised by its content and read into documents with their tags, dates, read
//! state and highlights; entries that cannot be read are reported with where and why.

use dossier_core::{Collection, DiagnosticCode, Format, ParseError};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/collections/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|error| panic!("reading {path}: {error}"))
}

/// Detects the fixture's format (by content: the name is withheld) and parses it.
fn read(name: &str, expected: Format) -> Collection {
    let bytes = fixture(name);
    assert_eq!(dossier_core::detect_format(None, &bytes), expected, "{name} by content");
    assert_eq!(dossier_core::detect_format(Some(name), &bytes), expected, "{name} with its name");
    let collection = dossier_core::parse_collection(&bytes, expected).expect("parsed");
    let documents = dossier_core::parse(&bytes, expected).expect("parsed");
    assert_eq!(documents.len(), collection.items.len(), "parse and parse_collection agree");
    collection
}

/// One line per document: what a reader would check first.
fn summary(collection: &Collection) -> Vec<String> {
    collection
        .items
        .iter()
        .map(|item| {
            let document = &item.document;
            format!(
                "{} | {} | {} | tags {:?} | authors {:?} | read {:?} | {} blocks{}",
                document.title,
                document.url.as_deref().unwrap_or("-"),
                document.published.as_deref().unwrap_or("-"),
                document.tags,
                document.authors,
                item.read,
                document.blocks.len(),
                if document.diagnostics.iter().any(|diagnostic| diagnostic.code == DiagnosticCode::NotFetched)
                {
                    " (not fetched)"
                } else {
                    ""
                }
            )
        })
        .collect()
}

fn skipped(collection: &Collection) -> Vec<String> {
    collection
        .skipped
        .iter()
        .map(|skipped| format!("{}: {}", skipped.location_suffix(), skipped.describe()))
        .collect()
}

#[test]
fn rss_items_keep_full_content_else_summary_else_address() {
    let feed = read("rss.xml", Format::Rss);
    assert_eq!(
        summary(&feed),
        [
            "Council approves new sea wall after storm damage | https://gazette.example/2024/04/sea-wall | 2024-04-02T10:30:00+01:00 | tags [\"Council\", \"Weather\"] | authors [\"Helen Marsh\"] | read None | 4 blocks",
            "Ferry timetable changes for the summer | https://gazette.example/2024/04/ferry | 2024-04-03T08:00:00+01:00 | tags [] | authors [] | read None | 1 blocks",
            "Photos: the lifeboat open day | https://gazette.example/2024/04/lifeboat-photos | 2024-04-04T12:00:00+01:00 | tags [] | authors [] | read None | 0 blocks (not fetched)",
        ]
    );
    assert_eq!(skipped(&feed), [": entry 4: it has no title, address or text"]);
    let first = &feed.items[0].document;
    assert_eq!(first.site.as_deref(), Some("The Harbour Gazette"));
    assert_eq!(first.language.as_deref(), Some("en"));
    // content:encoded is the body; the description becomes the summary.
    assert_eq!(first.description.as_deref(), Some("The council voted 9–2 for the wall."));
    assert_eq!(
        first.blocks[1],
        dossier_core::Block::Heading { level: 2, text: "What the wall will cost".into() }
    );
    assert_eq!(first.metadata_sources.get("title").map(String::as_str), Some("feed"));
    assert!(
        matches!(&first.blocks[3], dossier_core::Block::Quote { text, .. } if text.ends_with("said Mayor Linda Okafor."))
    );
    // A description holding escaped markup is read as HTML.
    assert_eq!(
        feed.items[1].document.blocks[0].text(),
        "Ferries will run every forty minutes from May, the operator said."
    );
}

#[test]
fn atom_entries_read_xhtml_content_and_html_titles() {
    let feed = read("atom.xml", Format::Atom);
    assert_eq!(
        summary(&feed),
        [
            "Le port rouvre après la tempête | https://courrier.example/port-rouvre | 2024-04-02T07:00:00+02:00 | tags [\"Port\"] | authors [\"Claire Dubois\"] | read None | 2 blocks",
            "Marché du samedi : les horaires changent | https://courrier.example/marche | 2024-04-03T08:00:00Z | tags [] | authors [\"Rédaction\"] | read None | 1 blocks",
        ]
    );
    let first = &feed.items[0].document;
    assert_eq!(first.updated.as_deref(), Some("2024-04-02T09:15:00+02:00"));
    assert_eq!(first.language.as_deref(), Some("fr"));
    assert_eq!(first.description.as_deref(), Some("Le port a rouvert mardi."));
    assert_eq!(first.blocks[1].text(), "« Les quais ont tenu », a déclaré la capitaine du port.");
}

#[test]
fn json_feed_items_prefer_html_then_text_then_the_address() {
    let feed = read("feed.json", Format::JsonFeed);
    assert_eq!(
        summary(&feed),
        [
            "What the new fishing quotas mean | https://quayside.example/fishing-quotas | 2024-04-01T18:00:00Z | tags [\"fishing\", \"policy\"] | authors [\"Sam Reyes\"] | read None | 2 blocks",
            "Spring tides this weekend | https://quayside.example/tides | 2024-04-05T07:30:00Z | tags [] | authors [\"Ana Lima\"] | read None | 2 blocks",
            "Worth reading: the coastal erosion report | https://elsewhere.example/report | - | tags [] | authors [\"Sam Reyes\"] | read None | 0 blocks (not fetched)",
        ]
    );
    assert_eq!(
        feed.items[0].document.blocks[1],
        dossier_core::Block::List {
            ordered: false,
            items: vec!["Cod: −20%".into(), "Haddock: unchanged".into()]
        }
    );
}

#[test]
fn opml_lists_its_feeds_and_says_they_are_not_fetched() {
    let bytes = fixture("subscriptions.opml");
    assert_eq!(dossier_core::detect_format(None, &bytes), Format::Opml);
    let outlines = dossier_core::feeds::parse_opml(&bytes).expect("read");
    let feeds: Vec<(&str, &[String])> =
        outlines.iter().map(|outline| (outline.feed_url.as_str(), outline.folders.as_slice())).collect();
    assert_eq!(
        feeds,
        [
            ("https://gazette.example/feed.xml", &["Local news".to_owned()][..]),
            ("https://courrier.example/atom.xml", &["Local news".to_owned()][..]),
            ("https://quayside.example/feed.json", &[][..]),
        ]
    );
    let error = dossier_core::parse(&bytes, Format::Opml).expect_err("nothing to import");
    assert!(matches!(error, ParseError::FeedList { ref feeds } if feeds.len() == 3));
    assert_eq!(
        error.to_string(),
        "an OPML feed list of 3 feeds (https://gazette.example/feed.xml, https://courrier.example/atom.xml, \
         https://quayside.example/feed.json); `dossier import` fetches its feeds"
    );
}

#[test]
fn pocket_csv_keeps_tags_save_time_and_archive_state() {
    let export = read("pocket.csv", Format::PocketCsv);
    assert_eq!(
        summary(&export),
        [
            "Council approves new sea wall | https://gazette.example/2024/04/sea-wall | 2024-04-02T09:30:00Z | tags [\"council\", \"weather\"] | authors [] | read Some(true) | 0 blocks (not fetched)",
            "Ferry timetable, summer edition | https://gazette.example/2024/04/ferry | 2024-04-03T08:00:00Z | tags [] | authors [] | read Some(false) | 0 blocks (not fetched)",
            "https://quayside.example/tides | https://quayside.example/tides | 2024-04-05T06:53:20Z | tags [\"tides\"] | authors [] | read Some(false) | 0 blocks (not fetched)",
        ]
    );
    assert_eq!(skipped(&export), [": line 5: the row has no url; nothing to import"]);
    // The time saved stands in for the publication date, and says so.
    assert_eq!(export.items[0].document.metadata_sources.get("published").map(String::as_str), Some("saved"));
}

#[test]
fn pocket_html_reads_state_from_its_sections() {
    let export = read("ril_export.html", Format::PocketHtml);
    assert_eq!(
        summary(&export),
        [
            "Ferry timetable changes for the summer | https://gazette.example/2024/04/ferry | 2024-04-03T08:00:00Z | tags [\"transport\"] | authors [] | read Some(false) | 0 blocks (not fetched)",
            "Spring tides this weekend | https://quayside.example/tides | 2024-04-05T06:53:20Z | tags [] | authors [] | read Some(false) | 0 blocks (not fetched)",
            "Council approves new sea wall after storm damage | https://gazette.example/2024/04/sea-wall | 2024-04-02T09:30:00Z | tags [\"council\", \"weather\"] | authors [] | read Some(true) | 0 blocks (not fetched)",
        ]
    );
}

#[test]
fn instapaper_folders_become_state_or_tags() {
    let export = read("instapaper.csv", Format::InstapaperCsv);
    assert_eq!(
        summary(&export),
        [
            "Council approves new sea wall after storm damage | https://gazette.example/2024/04/sea-wall | 2024-04-02T09:30:00Z | tags [] | authors [] | read Some(true) | 0 blocks (not fetched)",
            "What the new fishing quotas mean | https://quayside.example/fishing-quotas | 2024-04-01T19:33:20Z | tags [] | authors [] | read Some(false) | 0 blocks (not fetched)",
            "Le port rouvre après la tempête | https://courrier.example/port-rouvre | 2024-04-02T06:40:00Z | tags [\"Harbour\"] | authors [] | read None | 0 blocks (not fetched)",
        ]
    );
    assert_eq!(export.items[0].document.description.as_deref(), Some("The council voted 9-2 for the wall."));
    assert_eq!(skipped(&export), [": line 5: the row has no URL; nothing to import"]);
}

#[test]
fn wallabag_keeps_content_state_and_annotations() {
    let export = read("wallabag.json", Format::Wallabag);
    assert_eq!(
        summary(&export),
        [
            "Council approves new sea wall after storm damage | https://gazette.example/2024/04/sea-wall | 2024-04-02T10:30:00+01:00 | tags [\"council\", \"weather\"] | authors [\"Helen Marsh\"] | read Some(true) | 2 blocks",
            "Ferry timetable changes for the summer | https://gazette.example/2024/04/ferry | 2024-04-03T09:00:00+02:00 | tags [] | authors [] | read Some(false) | 0 blocks (not fetched)",
        ]
    );
    assert_eq!(
        export.items[0].highlights,
        [dossier_core::Highlight {
            text: Some("most of it from a national flood fund".into()),
            note: Some("Check the fund's rules".into()),
            created: Some("2024-04-02T12:05:00+02:00".into()),
        }]
    );
    assert_eq!(export.items[0].document.language.as_deref(), Some("en"));
    assert_eq!(skipped(&export), [": entry 3: the entry is not a JSON object"]);
}

#[test]
fn bookmark_folders_become_tags_and_bookmarklets_are_ignored() {
    let export = read("bookmarks.html", Format::Bookmarks);
    assert_eq!(
        summary(&export),
        [
            "Council approves new sea wall | https://gazette.example/2024/04/sea-wall | 2024-04-02T09:30:00Z | tags [\"council\", \"storm\"] | authors [] | read None | 0 blocks (not fetched)",
            "Spring tides this weekend | https://quayside.example/tides | 2024-04-05T06:53:20Z | tags [\"Harbour\"] | authors [] | read None | 0 blocks (not fetched)",
            "Le port rouvre & les quais tiennent | https://courrier.example/port-rouvre | 2024-04-02T06:40:00Z | tags [] | authors [] | read None | 0 blocks (not fetched)",
        ]
    );
    assert_eq!(export.items[0].document.description.as_deref(), Some("The vote and what the wall will cost"));
    assert_eq!(export.ignored, 1);
    assert!(export.skipped.is_empty());
}

#[test]
fn omnivore_archives_join_metadata_content_and_highlights() {
    let export = read("omnivore.zip", Format::Omnivore);
    assert_eq!(
        summary(&export),
        [
            "Council approves new sea wall after storm damage | https://gazette.example/2024/04/sea-wall | 2024-04-02T09:30:00.000Z | tags [\"council\", \"weather\"] | authors [\"Helen Marsh\"] | read Some(true) | 2 blocks",
            "Spring tides this weekend | https://quayside.example/tides | 2024-04-05T08:00:00.000Z | tags [] | authors [] | read Some(false) | 2 blocks",
        ]
    );
    let highlights = &export.items[0].highlights;
    assert_eq!(highlights.len(), 2);
    assert_eq!(highlights[0].note.as_deref(), Some("Ask the council for the fund's rules."));
    assert_eq!(highlights[1].text.as_deref(), Some("three months after storms flooded the harbour front"));
    assert_eq!(skipped(&export), ["!/metadata_2_to_3.json: entry 1: it has no title, address or text"]);
}

#[test]
fn readeck_exports_read_each_bookmark_folder() {
    // As `readeck export` writes it: `data.json`, then per bookmark
    // `bookmarks/<UID>/info.json` (Go's field names) and `container/index.html`.
    let export = read("readeck.zip", Format::Readeck);
    assert_eq!(
        summary(&export),
        [
            "Le port rouvre après la tempête | https://courrier.example/port-rouvre | 2024-04-02T07:00:00+02:00 | tags [\"port\", \"tempête\"] | authors [\"Claire Dubois\"] | read Some(true) | 2 blocks",
            "Spring tides this weekend | https://quayside.example/tides | 2024-04-05T08:00:00Z | tags [] | authors [] | read Some(false) | 2 blocks",
        ]
    );
    let port = &export.items[0].document;
    assert_eq!(port.site.as_deref(), Some("Le Courrier du Port"));
    assert_eq!(port.language.as_deref(), Some("fr"));
    assert_eq!(port.description.as_deref(), Some("Le port a rouvert mardi."));
    assert_eq!(port.metadata_sources.get("tags").map(String::as_str), Some("readeck"));
    // The article is the container's index.html, not the record's plain `Text`.
    assert_eq!(port.blocks[0].text(), "Le port a rouvert mardi matin, après trois jours de fermeture.");
    // The tides bookmark has no publication date: when it was saved stands in.
    let tides = &export.items[1].document;
    assert_eq!(tides.metadata_sources.get("published").map(String::as_str), Some("saved"));
    assert_eq!(tides.site, None, "an empty site name is no site");
    // The container's image is named by its member, and its bytes come along.
    let member = "bookmarks/Bx9ZpQf2mQhT4sVyWc3LdE/container/_resources/Tq7dw2.png";
    assert!(
        matches!(&tides.blocks[1], dossier_core::Block::Image { src, .. } if src == member),
        "{:?}",
        tides.blocks[1]
    );
    assert_eq!(export.images.len(), 1);
    assert_eq!(export.images[0].0, member);
    assert!(export.images[0].1.starts_with(b"\x89PNG"));
    let highlights = &export.items[0].highlights;
    assert_eq!(highlights.len(), 2);
    assert_eq!(highlights[0].text.as_deref(), Some("Le port a rouvert mardi matin"));
    assert_eq!(highlights[0].note, None);
    assert_eq!(highlights[0].created.as_deref(), Some("2024-04-02T19:41:07.203Z"));
    assert_eq!(highlights[1].text.as_deref(), Some("Les quais ont tenu"));
    assert_eq!(highlights[1].note.as_deref(), Some("Demander à la capitainerie combien de temps."));
    assert!(export.items[1].highlights.is_empty());
    assert_eq!(
        skipped(&export),
        ["!/bookmarks/broken/info.json: invalid JSON: key must be a string at line 1 column 3"]
    );
}

#[test]
fn other_archives_are_read_member_by_member() {
    let archive = read("articles.zip", Format::Zip);
    let titles: Vec<&str> = archive.items.iter().map(|item| item.document.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Council approves new sea wall",
            "Council approves new sea wall after storm damage",
            "Ferry timetable changes for the summer",
            "Photos: the lifeboat open day",
        ]
    );
    // The picture and the blank Markdown file are not articles.
    assert_eq!(archive.ignored, 2);
    assert_eq!(skipped(&archive), ["!/clippings/feed.xml: entry 4: it has no title, address or text"]);
}

#[test]
fn a_declared_format_that_does_not_fit_is_an_error_not_a_panic() {
    for format in
        [Format::Rss, Format::Atom, Format::Opml, Format::JsonFeed, Format::Wallabag, Format::Omnivore]
    {
        assert!(dossier_core::parse(b"plain words", format).is_err(), "{format:?}");
    }
    assert!(dossier_core::parse(b"title,url\n", Format::PocketCsv).is_err());
}

#[test]
fn extensions_no_longer_hide_collections() {
    // A feed saved as .txt or a Pocket export named .html is read for what it is.
    assert_eq!(dossier_core::detect_format(Some("saved.txt"), &fixture("rss.xml")), Format::Rss);
    assert_eq!(
        dossier_core::detect_format(Some("export.html"), &fixture("ril_export.html")),
        Format::PocketHtml
    );
    // Ordinary pages and JSON stay what they were.
    assert_eq!(
        dossier_core::detect_format(Some("a.html"), b"<html><body><p>x</p></body></html>"),
        Format::Html
    );
    assert_eq!(dossier_core::detect_format(None, b"[{\"title\": \"T\", \"text\": \"x\"}]"), Format::Json);
}

#[test]
fn a_feed_cut_short_keeps_the_entries_before_the_cut() {
    let feed = String::from_utf8(fixture("rss.xml")).unwrap();
    let cut = feed.find("<title>Photos").expect("third item");
    let mut truncated = feed[..cut].to_owned();
    truncated.push_str("<title>Photos: the lifeb</ti");
    let collection = dossier_core::parse_collection(truncated.as_bytes(), Format::Rss).expect("parsed");
    let titles: Vec<&str> = collection.items.iter().map(|item| item.document.title.as_str()).collect();
    assert_eq!(
        titles[..2],
        ["Council approves new sea wall after storm damage", "Ferry timetable changes for the summer"]
    );
    let problem = collection.skipped.last().expect("the cut is reported");
    assert_eq!(problem.line, Some(33));
    assert!(problem.reason.contains("entries after this point were not read"), "{problem:?}");
}

#[test]
fn newer_instapaper_exports_add_tags() {
    let csv = "URL,Title,Selection,Folder,Timestamp,Tags\n\
               https://a.example/x,A title,,Unread,1712050200,\"[\"\"ports\"\",\"\"storms\"\"]\"\n\
               https://a.example/y,Another,,Travel,1712050300,\"ferries, tides\"\n";
    assert_eq!(dossier_core::detect_format(None, csv.as_bytes()), Format::InstapaperCsv);
    let collection = dossier_core::parse_collection(csv.as_bytes(), Format::InstapaperCsv).expect("parsed");
    let tags: Vec<&[String]> = collection.items.iter().map(|item| item.document.tags.as_slice()).collect();
    assert_eq!(
        tags,
        [
            &["ports".to_owned(), "storms".to_owned()][..],
            &["Travel".to_owned(), "ferries".to_owned(), "tides".to_owned()][..]
        ]
    );
}
