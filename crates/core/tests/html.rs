//! HTML extraction as a reader sees it: a saved news page becomes its article —
//! headings, paragraphs, list, quote, figure with caption — without the navigation,
//! share bar, newsletter box, related stories, comments and cookie notice around
//! it, and with its metadata read from JSON-LD, OpenGraph and the markup.
//!
//! Fixtures live in `tests/html/`; the news page's JSON snapshot in `tests/html/snapshots/`.
//! Re-bless with `INSTA_UPDATE=always cargo test -p dossier-core --test html`.

use std::path::{Path, PathBuf};

use dossier_core::html::{looks_like_html, parse_html};
use dossier_core::{Block, Document, render};

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/html").join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
}

fn news_article() -> Document {
    parse_html(&fixture("news_article.html"), Some("https://ledger.example/tech/netflix"))
        .expect("the news page parses")
}

#[test]
fn news_page_keeps_the_article_and_drops_what_surrounds_it() {
    let document = news_article();
    let text = render::to_text(&document);
    for present in [
        "A lawsuit filed in California claims",
        "The judge has scheduled the next hearing",
        "What the filing says",
        "Netflix paid for advertising worth hundreds of millions of dollars.",
        "These claims have no merit",
        "The federal courthouse in San Francisco, where the case was filed.",
    ] {
        assert!(text.contains(present), "{present:?} is missing from:\n{text}");
    }
    for absent in [
        "cookies",
        "Home",
        "Share on Facebook",
        "Get the Ledger Tech newsletter",
        "Sign up for our daily briefing",
        "Related stories",
        "Meta fined over data transfers",
        "This is outrageous",
        "Comments (2)",
        "Ten gadgets for summer",
        "All rights reserved",
    ] {
        assert!(!text.contains(absent), "{absent:?} should not be in:\n{text}");
    }
}

#[test]
fn news_page_blocks_are_typed() {
    let blocks = news_article().blocks;
    assert!(blocks.contains(&Block::Heading { level: 2, text: "What the filing says".into() }));
    assert!(blocks.iter().any(|block| matches!(block,
        Block::List { ordered: false, items } if items.len() == 3 && items[0] == "Access began in 2013 and continued until 2020.")));
    assert!(blocks.iter().any(|block| matches!(block,
        Block::Quote { text, .. } if text == "These claims have no merit and we will defend ourselves vigorously.")));
    // Relative addresses are resolved against the page's URL.
    assert!(blocks.contains(&Block::Image {
        src: "https://ledger.example/img/courthouse.jpg".into(),
        alt: Some("The courthouse in San Francisco".into()),
        caption: Some("The federal courthouse in San Francisco, where the case was filed.".into()),
    }));
    assert!(
        !blocks
            .iter()
            .any(|block| matches!(block, Block::Heading { text, .. } if text.contains("Court hears"))),
        "the headline is the title, not a body heading"
    );
}

#[test]
fn news_page_metadata_comes_from_json_ld_opengraph_and_markup() {
    let document = news_article();
    assert_eq!(document.title, "Court hears Netflix inbox access claims");
    assert_eq!(document.authors, ["Jane Doe", "John Roe"]);
    assert_eq!(document.published.as_deref(), Some("2024-04-02T09:15:00+01:00"));
    assert_eq!(document.updated.as_deref(), Some("2024-04-03T10:00:00+01:00"));
    assert_eq!(document.site.as_deref(), Some("The Daily Ledger"));
    assert_eq!(document.language.as_deref(), Some("en"), "ISO 639-1: the page's en-GB gives en");
    assert_eq!(
        document.canonical_url.as_deref(),
        Some("https://ledger.example/tech/2024/04/02/netflix-inbox-claims")
    );
    assert_eq!(document.url.as_deref(), Some("https://ledger.example/tech/netflix"));
    assert_eq!(
        document.description.as_deref(),
        Some("A lawsuit says Facebook gave Netflix access to private messages.")
    );
    assert_eq!(document.image.as_deref(), Some("https://ledger.example/img/court.jpg"));
    let origin = |field: &str| document.metadata_sources.get(field).map(String::as_str);
    assert_eq!(origin("title"), Some("json-ld"));
    assert_eq!(origin("authors"), Some("json-ld"));
    assert_eq!(origin("published"), Some("json-ld"));
    assert_eq!(origin("site"), Some("json-ld"));
    assert_eq!(origin("language"), Some("html-lang"));
    assert_eq!(origin("canonical_url"), Some("canonical-link"));
    assert_eq!(origin("description"), Some("opengraph"));
    assert_eq!(origin("image"), Some("opengraph"));
    assert!(document.word_count > 150, "derived fields are filled: {}", document.word_count);
    assert!(!document.fingerprint.is_empty());
}

#[test]
fn plain_text_view_is_the_body_without_the_title_in_blank_line_separated_blocks() {
    let text = render::to_text(&news_article());
    assert!(text.starts_with("A lawsuit filed in California"), "{text}");
    assert!(text.contains("exposed.\n\nThe federal courthouse"), "{text}");
}

#[test]
fn metadata_without_json_ld_comes_from_meta_tags_time_and_byline() {
    let page = r#"<html lang="de"><head><title>Neue Radwege f&uuml;r die Stadt - Stadtblatt</title>
        <meta name="DC.creator" content="Erika Mustermann">
        <meta name="date" content="2023-05-17">
        <meta name="twitter:title" content="Neue Radwege für die Stadt">
        </head><body><article><h1>Neue Radwege für die Stadt</h1>
        <time datetime="2023-05-16T08:00:00Z">16. Mai</time>
        <p>Die Stadt baut in diesem Sommer zwölf Kilometer neue Radwege entlang der großen Ausfallstraßen, teilte das Bauamt mit.</p>
        <p>Die Arbeiten sollen im Juni beginnen und bis zum Herbst abgeschlossen sein, sagte eine Sprecherin am Mittwoch.</p>
        </article></body></html>"#;
    let document = parse_html(page.as_bytes(), None).expect("parses");
    assert_eq!(document.title, "Neue Radwege für die Stadt");
    assert_eq!(document.metadata_sources["title"], "twitter");
    assert_eq!(document.authors, ["Erika Mustermann"]);
    assert_eq!(document.metadata_sources["authors"], "dublin-core");
    assert_eq!(document.published.as_deref(), Some("2023-05-17"));
    assert_eq!(document.language.as_deref(), Some("de"));
}

#[test]
fn a_byline_in_the_text_and_a_time_element_are_used_when_the_head_has_none() {
    let page = br#"<html><head><title>Harbour reopens after storm</title></head><body>
        <div class="story"><h1>Harbour reopens after storm</h1>
        <span class="byline">By Sam Carter</span> <time datetime="2022-11-03">3 November 2022</time>
        <p>The harbour reopened on Thursday after a week of repairs to the sea wall that the storm had breached in two places.</p>
        <p>Fishing boats were the first to leave, followed by the ferry to the islands, which had been cancelled since Friday.</p>
        </div></body></html>"#;
    let document = parse_html(page, None).expect("parses");
    assert_eq!(document.authors, ["Sam Carter"]);
    assert_eq!(document.metadata_sources["authors"], "byline");
    assert_eq!(document.published.as_deref(), Some("2022-11-03"));
    assert_eq!(document.metadata_sources["published"], "time");
}

#[test]
fn a_bylines_date_and_labels_are_not_part_of_the_authors_names() {
    let page = |bylines: &str| {
        format!(
            r#"<html><head><title>Harbour reopens after storm</title></head><body>
            <div class="story"><h1>Harbour reopens after storm</h1>{bylines}
            <p>The harbour reopened on Thursday after a week of repairs to the sea wall that the storm had breached in two places.</p>
            <p>Fishing boats were the first to leave, followed by the ferry to the islands, which had been cancelled since Friday.</p>
            </div></body></html>"#
        )
    };
    let authors = |bylines: &str| parse_html(page(bylines).as_bytes(), None).expect("parses").authors;
    assert_eq!(
        authors(r#"<span class="byline">Jörn Mecher am 08.12.2022, 13:36 Uhr</span>"#),
        ["Jörn Mecher"]
    );
    assert_eq!(
        authors(r#"<p class="author">Posted on September 21, 2020 by Adi Tzlil · in Travel</p>"#),
        ["Adi Tzlil"]
    );
    // A byline element holding only a date names nobody: the next one is read.
    assert_eq!(
        authors(
            r#"<p class="byline-date">17 April 2012 • 2:54pm</p><p class="byline">By Sam Carter and Ana Ruiz</p>"#
        ),
        ["Sam Carter", "Ana Ruiz"]
    );
}

#[test]
fn a_byline_and_date_in_an_aside_or_footer_are_read_though_their_other_text_is_not() {
    // The parser is given these elements without their content (see `html::guard`),
    // but for the metadata in them.
    let page = br#"<html><head><title>Harbour reopens after storm</title></head><body>
        <nav><ul><li><a href="/">Home</a><li><a href="/news">News</a><li><a href="/weather">Weather</a></ul></nav>
        <article><h1>Harbour reopens after storm</h1>
        <p>The harbour reopened on Thursday after a week of repairs to the sea wall that the storm had breached in two places.</p>
        <p>Fishing boats were the first to leave, followed by the ferry to the islands, which had been cancelled since Friday.</p>
        <aside><p>Related: <a href="/storm">Storm breaches sea wall</a></p>
        <p><span class="article-author" itemprop="author"><span itemprop="name">Sam Carter</span></span>
        <time datetime="2022-11-03" itemprop="datePublished">3 November 2022</time></p></aside>
        <footer><p>Copyright Harbour Gazette</p>
        <script type="application/ld+json">{"@type": "NewsArticle", "publisher": {"name": "Harbour Gazette"}}</script>
        </footer></article></body></html>"#;
    let document = parse_html(page, None).expect("parses");
    assert_eq!(document.authors, ["Sam Carter"]);
    assert_eq!(document.metadata_sources["authors"], "byline");
    assert_eq!(document.published.as_deref(), Some("2022-11-03"));
    assert_eq!(document.site.as_deref(), Some("Harbour Gazette"));
    let text = render::to_text(&document);
    assert!(text.starts_with("The harbour reopened on Thursday"), "{text}");
    for absent in ["Home", "Weather", "Related", "Storm breaches", "Copyright", "Sam Carter"] {
        assert!(!text.contains(absent), "{absent:?} is in:\n{text}");
    }
}

#[test]
fn the_standfirst_under_the_headline_is_the_dek() {
    let page = br#"<html><head><title>Harbour reopens after storm</title></head><body>
        <header><h1>Harbour reopens after storm</h1>
        <figure class="lead-image"><img src="harbour.jpg"><figcaption>The harbour on Thursday.</figcaption></figure>
        <p class="c-article__standfirst">A week of repairs to the sea wall ends with the ferries running again.</p></header>
        <div class="story"><p>The harbour reopened on Thursday after a week of repairs to the sea wall that the storm had breached in two places.</p>
        <p>Fishing boats were the first to leave, followed by the ferry to the islands, which had been cancelled since Friday.</p>
        </div></body></html>"#;
    let document = parse_html(page, None).expect("parses");
    assert_eq!(
        document.dek.as_deref(),
        Some("A week of repairs to the sea wall ends with the ferries running again.")
    );
    assert_eq!(document.metadata_sources["dek"], "markup");
    // The plain text opens with the standfirst, then the body.
    let text = render::to_text(&document);
    assert!(
        text.starts_with(
            "A week of repairs to the sea wall ends with the ferries running again.\n\nThe harbour reopened"
        ),
        "{text}"
    );
}

#[test]
fn a_standfirst_the_body_opens_with_stays_a_paragraph() {
    let page = br#"<html><head><title>Harbour reopens after storm</title></head><body><article>
        <h1>Harbour reopens after storm</h1>
        <p class="lead">A week of repairs to the sea wall ends with the ferries running again.</p>
        <p>The harbour reopened on Thursday after a week of repairs to the sea wall that the storm had breached in two places.</p>
        <p>Fishing boats were the first to leave, followed by the ferry to the islands, which had been cancelled since Friday.</p>
        </article></body></html>"#;
    let document = parse_html(page, None).expect("parses");
    assert_eq!(document.dek, None);
    assert!(render::to_text(&document).starts_with("A week of repairs"));
}

#[test]
fn a_title_loses_a_trailing_site_name() {
    let page = br#"<html><head><title>Harbour reopens after storm | Coast News</title>
        <meta property="og:site_name" content="Coast News">
        <meta property="og:title" content="Harbour reopens after storm | Coast News"></head>
        <body><p>The harbour reopened on Thursday after a week of repairs to the sea wall that the storm had breached.</p></body></html>"#;
    assert_eq!(parse_html(page, None).expect("parses").title, "Harbour reopens after storm");
}

#[test]
fn the_declared_charset_decodes_the_page() {
    let page = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">\
        <title>Caf\xe9 society</title></head><body><p>The caf\xe9 on the corner served cr\xe8me br\xfbl\xe9e \
        to every customer who asked, and \x93nobody\x94 complained.</p></body></html>";
    let document = parse_html(page, None).expect("parses");
    assert_eq!(document.title, "Café society");
    assert!(render::to_text(&document).contains("crème brûlée"));
    assert!(render::to_text(&document).contains("“nobody”"));
    assert!(document.diagnostics.iter().any(|diagnostic| diagnostic.message.contains("windows-1252")));
}

#[test]
fn an_undeclared_legacy_charset_is_detected() {
    let page = b"<html><body><p>Die Stra\xdfe war gesperrt, weil ein L\xf6schzug der Feuerwehr \xfcber die Br\xfccke fahren musste.</p></body></html>";
    let text = render::to_text(&parse_html(page, None).expect("parses"));
    assert!(text.contains("Straße") && text.contains("Löschzug") && text.contains("Brücke"), "{text}");
}

#[test]
fn html_is_recognised_and_other_text_is_not() {
    assert!(looks_like_html(b"<!DOCTYPE html><html><body></body></html>"));
    assert!(looks_like_html(b"\xef\xbb\xbf\n  <html lang=en>"));
    assert!(looks_like_html(b"<meta charset=utf-8><title>x</title><p>Hello"));
    assert!(looks_like_html(b"<div class=story><p>Hello</p></div>"));
    assert!(!looks_like_html(b"# A Markdown title\n\nWith <b>inline</b> HTML."));
    assert!(!looks_like_html(b"Plain text that mentions <html> once."));
    assert!(!looks_like_html(b"{\"title\": \"<p>json</p>\"}"));
}

#[test]
fn empty_and_textless_pages_are_errors() {
    assert_eq!(parse_html(b"  \n ", None), Err(dossier_core::ParseError::Empty));
    assert_eq!(
        parse_html(b"<html><head><script>x()</script></head><body><div></div></body></html>", None),
        Err(dossier_core::ParseError::NoText)
    );
}

#[test]
fn news_article_snapshot() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/html/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::assert_snapshot!(
            "news_article",
            serde_json::to_string_pretty(&news_article()).expect("the document serialises")
        );
    });
}

/// The shared corpus, when it is there: `DOSSIER_CORPUS`, else `../shared/corpus`
/// beside the repository.
fn corpus() -> Option<PathBuf> {
    let path = std::env::var_os("DOSSIER_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"));
    path.join("readability-pages").is_dir().then_some(path)
}

#[test]
fn corpus_pages_with_a_title_and_body_extract_both() {
    let Some(corpus) = corpus() else {
        eprintln!("corpus absent (set DOSSIER_CORPUS or add ../shared/corpus): corpus check skipped");
        return;
    };
    let mut pages: Vec<PathBuf> = std::fs::read_dir(corpus.join("readability-pages"))
        .expect("readability-pages is readable")
        .filter_map(Result::ok)
        .map(|entry| entry.path().join("source.html"))
        .filter(|path| path.is_file())
        .collect();
    pages.sort();
    let mut with_text = 0;
    for page in pages.iter().step_by(4) {
        let bytes = std::fs::read(page).expect("page is readable");
        let document = parse_html(&bytes, None).unwrap_or_else(|error| panic!("{}: {error}", page.display()));
        if document.word_count > 50 {
            with_text += 1;
        }
    }
    let sampled = pages.iter().step_by(4).count();
    assert!(with_text * 10 >= sampled * 9, "only {with_text} of {sampled} corpus pages gave a body");
}
