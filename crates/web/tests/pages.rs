//! The reader's pages, driven through the router without a socket, over a real
//! SQLite archive.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use dossier_storage::{ImportItem, Store};
use dossier_web::{AppState, app};
use tower::ServiceExt;

#[path = "../../../tests/support/html.rs"]
mod html;

use html::unescape;

struct Page {
    status: StatusCode,
    content_security_policy: String,
    body: String,
}

async fn get(store: &Store, uri: &str) -> Page {
    let response = app(AppState::new(store.clone()))
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let content_security_policy = response
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = axum::body::to_bytes(response.into_body(), 10 << 20).await.unwrap();
    Page { status, content_security_policy, body: String::from_utf8(bytes.to_vec()).unwrap() }
}

async fn archive_with(text: &str) -> (tempfile::TempDir, Store, i64) {
    let folder = tempfile::tempdir().unwrap();
    let store = Store::open(&folder.path().join("archive.db")).await.unwrap();
    let item = ImportItem::parse("hostile.txt".into(), Some("hostile.txt"), text.as_bytes().to_vec());
    let results = store.import_batch(None, vec![item]).await.unwrap();
    assert_eq!(results[0].outcome.as_str(), "imported", "{results:?}");
    (folder, store, results[0].outcome.ids()[0])
}

const HOSTILE: &str = "title: <script>alert('title')</script> & friends\n\n\
    A first paragraph with <img src=https://tracker.example/p.gif onerror=alert(1)> inside.\n\n\
    <b>Bold claims</b> in a heading\n\n\
    And a closing paragraph that says <iframe src=\"https://evil.example\"></iframe> plainly.\n";

#[tokio::test]
async fn imported_markup_is_shown_as_text_never_run() {
    let (_folder, store, id) = archive_with(HOSTILE).await;
    for uri in ["/".to_owned(), format!("/documents/{id}")] {
        let page = get(&store, &uri).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        assert!(
            unescape(&page.body).contains("<script>alert('title')</script> & friends"),
            "{uri}: the title is shown as text\n{}",
            page.body
        );
        for raw in ["<img", "<iframe", "<b>"] {
            assert!(!page.body.contains(raw), "{uri}: {raw} reached the page\n{}", page.body);
        }
        // The one script is the reader's own file.
        assert_eq!(page.body.matches("<script").count(), 1, "{uri}\n{}", page.body);
        assert!(page.body.contains("<script src=\"/static/reader.js\" defer></script>"), "{uri}");
    }
}

#[tokio::test]
async fn every_page_forbids_scripts_and_other_hosts() {
    let (_folder, store, id) = archive_with(HOSTILE).await;
    for uri in
        ["/".to_owned(), format!("/documents/{id}"), "/documents/999".into(), "/static/style.css".into()]
    {
        let policy = get(&store, &uri).await.content_security_policy;
        assert!(policy.starts_with("default-src 'none'"), "{uri}: {policy}");
        assert!(policy.contains("script-src 'self';"), "only the reader's own script: {policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{uri}: {policy}");
        assert!(!policy.contains("unsafe"), "{uri}: {policy}");
        assert!(!policy.contains("http") && !policy.contains('*'), "{uri}: {policy}");
    }
}

#[tokio::test]
async fn unknown_documents_get_a_real_not_found_page() {
    let (_folder, store, _) = archive_with(HOSTILE).await;
    for uri in ["/documents/999", "/documents/not-a-number", "/no/such/page"] {
        let page = get(&store, uri).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(page.body.contains("<h1>Not found</h1>"), "{uri}: {}", page.body);
        assert!(page.body.contains("href=\"/\""), "{uri}: a way back to the library");
    }
}

#[tokio::test]
async fn the_library_pages_by_keyset() {
    let folder = tempfile::tempdir().unwrap();
    let store = Store::open(&folder.path().join("archive.db")).await.unwrap();
    let items = (0..60)
        .map(|number| {
            let text = format!("Story number {number} of the series\n\nThe body of story {number}, which differs from the others.\n");
            ImportItem::parse(format!("{number}.txt"), None, text.into_bytes())
        })
        .collect();
    store.import_batch(None, items).await.unwrap();

    let first = get(&store, "/").await;
    assert!(first.body.contains("60 documents, 60 unread"), "{}", first.body);
    assert_eq!(first.body.matches("<li class=\"entry unread\"").count(), 50);
    let next = link(&first.body, "rel=\"next\" href=\"").expect("a next page");
    assert!(next.starts_with("/?after="), "{next}");
    let second = get(&store, &next).await;
    assert_eq!(second.body.matches("<li class=\"entry unread\"").count(), 10);
    assert!(second.body.contains(">Story number 0 of the series</a>"), "the oldest comes last");
    assert!(second.body.contains("<a href=\"/\">First page</a>"), "{}", second.body);
    assert!(!second.body.contains("rel=\"next\""));
}

/// The (unescaped) value that follows `marker` in `body`, up to the next quote.
fn link(body: &str, marker: &str) -> Option<String> {
    let start = body.find(marker)? + marker.len();
    Some(unescape(&body[start..start + body[start..].find('"')?]))
}

/// An archive of the given (file name, text) articles.
async fn archive_of(articles: &[(&str, String)]) -> (tempfile::TempDir, Store, Vec<i64>) {
    let folder = tempfile::tempdir().unwrap();
    let store = Store::open(&folder.path().join("archive.db")).await.unwrap();
    let items = articles
        .iter()
        .map(|(name, text)| ImportItem::parse(name.to_string(), Some(name), text.as_bytes().to_vec()))
        .collect();
    let results = store.import_batch(None, items).await.unwrap();
    let ids = results.iter().map(|result| result.outcome.ids()[0]).collect();
    (folder, store, ids)
}

fn seed_text() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../seeds/000_b389a61e5b667c13.txt"))
        .unwrap()
}

#[tokio::test]
async fn search_marks_matches_links_facets_and_explains_bad_queries() {
    let other = "title: Streaming prices rise\nsite: The Guardian\ndate: 2023-01-05\n\nNetflix raised prices again.\n";
    let (_folder, store, _) = archive_of(&[("seed.txt", seed_text()), ("other.txt", other.to_owned())]).await;

    let page = get(&store, "/search?q=zuckerberg").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<mark>Zuckerberg</mark>"), "{}", page.body);
    assert!(page.body.contains("1–1 of 1 document"), "{}", page.body);

    let page = get(&store, "/search?q=netflix").await;
    let body = unescape(&page.body);
    assert!(body.contains("1–2 of 2 documents"), "{body}");
    // Facets narrow the search: a link that adds the filter.
    assert!(body.contains("href=\"/search?q=netflix+site%3A%22The+Guardian%22\""), "{body}");
    assert!(body.contains("href=\"/search?q=netflix+after%3A2024+before%3A2025\""), "{body}");
    assert!(body.contains("href=\"/search.atom?q=netflix\""), "a feed for the search: {body}");

    let page = get(&store, "/search?q=before%3Asoon").await;
    assert_eq!(page.status, StatusCode::OK, "a query mistake is the reader's to fix");
    assert!(page.body.contains("role=\"alert\""), "{}", page.body);
    assert!(unescape(&page.body).contains("before:soon is not a date"), "{}", page.body);

    let page = get(&store, "/search?q=%3Cscript%3E").await;
    assert!(!page.body.contains("<script>"), "the query is echoed escaped");
}

#[tokio::test]
async fn any_search_has_an_atom_feed() {
    let (_folder, store, ids) = archive_of(&[("seed.txt", seed_text())]).await;
    let response = app(AppState::new(store.clone()))
        .oneshot(Request::get("/search.atom?q=netflix").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/atom+xml; charset=utf-8");
    let body = String::from_utf8(axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap().to_vec())
        .unwrap();
    assert!(body.starts_with(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"
    ));
    assert_eq!(body.matches("<entry>").count(), 1);
    assert!(
        body.contains(&format!(
            "<link rel=\"alternate\" type=\"text/html\" href=\"/documents/{}\"/>",
            ids[0]
        ))
    );
    assert!(body.contains("<updated>2024-04-02T00:00:00Z</updated>"), "{body}");
    assert!(unescape(&body).contains("<title>According to a lawsuit, Facebook allowed Netflix"), "{body}");
}

#[tokio::test]
async fn the_json_api_serves_the_document_model() {
    let (_folder, store, ids) = archive_of(&[("seed.txt", seed_text())]).await;
    let json = |page: Page| serde_json::from_str::<serde_json::Value>(&page.body).unwrap();

    let list = json(get(&store, "/api/v1/documents").await);
    assert_eq!(list["total"], 1);
    assert_eq!(list["documents"][0]["id"], ids[0]);

    let document = json(get(&store, &format!("/api/v1/documents/{}", ids[0])).await);
    assert_eq!(document["published"], "2024-04-02");
    assert_eq!(document["story"], ids[0]);
    assert_eq!(document["sources"][0]["location"], "seed.txt");
    let spokesperson =
        document["quotes"].as_array().unwrap().iter().find(|quote| quote["speaker"] == "Meta spokesperson");
    assert!(spokesperson.is_some(), "{document}");

    let search = json(get(&store, "/api/v1/search?q=zuckerberg").await);
    assert_eq!(search["total"], 1);
    assert_eq!(search["hits"][0]["id"], ids[0]);
    assert!(search["hits"][0]["score"].as_f64().unwrap() > 0.0);
    assert_eq!(search["facets"]["language"][0]["value"], "en");

    let missing = get(&store, "/api/v1/documents/999").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(json(missing)["error"], "no such document");
    assert_eq!(get(&store, "/api/v1/search?q=after:never").await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_reading_view_shows_quotes_contents_and_other_coverage() {
    let mut generator = dossier_synth::Generator::new(5, 3);
    let original = generator.article(0, 600);
    let rewrite = generator.rewrite(&original, 0, 0.15);
    let long = "title: A long piece\n\nIntro paragraph.\n\nFirst part\n\nText one.\n\nSecond part\n\nText two.\n\nThird part\n\nText three.\n";
    let (_folder, store, ids) = archive_of(&[
        ("seed.txt", seed_text()),
        ("original.txt", original.to_text()),
        ("rewrite.txt", rewrite.to_text()),
        ("long.txt", long.to_owned()),
    ])
    .await;

    let seed = unescape(&get(&store, &format!("/documents/{}", ids[0])).await.body);
    assert!(seed.contains("“Meta did not share people's private messages"), "{seed}");
    // The speaker's organisation is an entity: the attribution links to its page.
    let meta = link(&seed, "<footer>— <a href=\"").expect("a linked speaker");
    assert!(seed.contains(&format!("<footer>— <a href=\"{meta}\">Meta spokesperson</a></footer>")), "{seed}");
    assert!(unescape(&get(&store, &meta).await.body).contains("<h1>Meta</h1>"));
    assert!(!seed.contains("Also covered by"), "a story of one");
    assert!(!seed.contains("aria-label=\"Contents\""), "one sub-heading needs no contents");

    let original_page = unescape(&get(&store, &format!("/documents/{}", ids[1])).await.body);
    assert!(original_page.contains("Also covered by"), "{original_page}");
    assert!(
        original_page.contains(&format!("<a href=\"/documents/{}\">{}</a>", ids[2], rewrite.title)),
        "{original_page}"
    );

    let long_page = get(&store, &format!("/documents/{}", ids[3])).await.body;
    assert!(long_page.contains("aria-label=\"Contents\""), "{long_page}");
    assert!(long_page.contains("<a href=\"#section-1\">First part</a>"), "{long_page}");
    assert!(long_page.contains("<h2 id=\"section-1\">First part</h2>"), "{long_page}");
}

#[tokio::test]
async fn every_kind_of_block_has_its_markup_in_the_reading_view() {
    let json = serde_json::json!({
        "title": "Blocks",
        "blocks": [
            {"type": "paragraph", "text": "An opening <paragraph>."},
            {"type": "heading", "level": 1, "text": "A part"},
            {"type": "quote", "text": "Said <loudly>.", "cite": "A <source> & co"},
            {"type": "list", "ordered": true, "items": ["one", "two <2>"]},
            {"type": "image", "src": "https://images.example/a.png", "alt": "What it shows", "caption": "A caption"},
            {"type": "image", "src": "https://images.example/b.png", "alt": "Only alternative text"},
            {"type": "code", "language": "rust", "text": "fn main() {\n    <x>\n}"},
            {"type": "rule"}
        ]
    });
    let (_folder, store, ids) = archive_of(&[("blocks.json", json.to_string())]).await;
    let page = get(&store, &format!("/documents/{}", ids[0])).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = page.body;
    for expected in [
        "<p>An opening &#60;paragraph&#62;.</p>",
        "<h2 id=\"section-1\">A part</h2>",
        "<blockquote><p>Said &#60;loudly&#62;.</p><footer>— A &#60;source&#62; &#38; co</footer></blockquote>",
        "<ol><li>one</li><li>two &#60;2&#62;</li></ol>",
        // No local copy: the caption, else the alternative text, stands in.
        "<figure><figcaption>A caption</figcaption></figure>",
        "<figure><figcaption>Only alternative text</figcaption></figure>",
        "<pre><code>fn main() {\n    &#60;x&#62;\n}</code></pre>",
        "<hr>",
    ] {
        assert!(body.contains(expected), "{expected}\n{body}");
    }
    assert!(!body.contains("images.example"), "no image is hot-linked");
}

/// The colours one theme block of the stylesheet sets: `--name: #rrggbb`.
fn theme_colours(stylesheet: &str, selector: &str) -> Vec<(String, [f64; 3])> {
    let start = stylesheet.find(selector).unwrap_or_else(|| panic!("no {selector} in the stylesheet"));
    let block = &stylesheet[start..];
    let block = &block[block.find('{').unwrap() + 1..block.find('}').unwrap()];
    block
        .split(';')
        .filter_map(|declaration| {
            let (name, value) = declaration.trim().split_once(':')?;
            let hex = value.trim().strip_prefix('#').filter(|hex| hex.len() == 6)?;
            let channel = |at: usize| f64::from(u8::from_str_radix(&hex[at..at + 2], 16).unwrap()) / 255.0;
            Some((name.trim().to_owned(), [channel(0), channel(2), channel(4)]))
        })
        .collect()
}

/// WCAG 2 contrast ratio of two sRGB colours.
fn contrast(a: [f64; 3], b: [f64; 3]) -> f64 {
    let luminance = |[r, g, b]: [f64; 3]| {
        let linear = |c: f64| if c <= 0.039_28 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) };
        0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    };
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

#[tokio::test]
async fn every_theme_meets_wcag_aa_contrast() {
    let (_folder, store, _) = archive_with(HOSTILE).await;
    let stylesheet = get(&store, "/static/style.css").await.body;
    let light = theme_colours(&stylesheet, ":root {");
    for selector in [":root {", ":root.theme-auto {", ":root.theme-dark {", ":root.theme-sepia {"] {
        // A theme block sets what it changes; the rest is the light theme's.
        let mut colours = light.clone();
        for (name, value) in theme_colours(&stylesheet, selector) {
            colours.retain(|(kept, _)| *kept != name);
            colours.push((name, value));
        }
        let colour = |name: &str| colours.iter().find(|(kept, _)| kept == name).unwrap().1;
        for (foreground, background) in [
            ("--text", "--background"),
            ("--muted", "--background"),
            ("--link", "--background"),
            ("--error", "--background"),
            ("--text", "--mark"),
        ] {
            let ratio = contrast(colour(foreground), colour(background));
            assert!(ratio >= 4.5, "{selector} {foreground} on {background}: {ratio:.2} is below 4.5:1");
        }
    }
}

/// The seed told again by a second outlet a day later, printing Meta's statement.
fn second_outlet() -> String {
    "title: Netflix read Facebook messages, lawsuit says\nsite: Second Outlet\ndate: 2024-04-03\n\n\
     Mark Zuckerberg and Reed Hastings face questions after a class action filed in California.\n\n\
     \"Meta did not share people's private messages with the service. As the document says, the agreement \
     allowed people to message their friends on Facebook about what they were watching on the platform, \
     directly from the Netflix app. These types of agreements are common in the sector. We trust that the \
     facts demonstrate that this complaint is unfounded,\" a Meta spokesperson said.\n"
        .to_owned()
}

#[tokio::test]
async fn entity_pages_timelines_and_quotes_follow_the_story() {
    let (_folder, store, ids) =
        archive_of(&[("seed.txt", seed_text()), ("second.txt", second_outlet())]).await;

    // The reading view links names to their entity's page.
    let seed = unescape(&get(&store, &format!("/documents/{}", ids[0])).await.body);
    let href = link(&seed, "<a class=\"entity\" href=\"").expect("a linked name");
    assert!(href.starts_with("/entities/"), "{href}");
    let zuckerberg = link(&seed, "Facebook founder <a class=\"entity\" href=\"").expect("Zuckerberg's link");
    assert!(
        seed.contains(&format!("<a class=\"entity\" href=\"{zuckerberg}\">Mark Zuckerberg</a>")),
        "{seed}"
    );

    // The list, by kind.
    let people = unescape(&get(&store, "/entities?kind=person").await.body);
    assert!(people.contains(&format!("<a href=\"{zuckerberg}\">Mark Zuckerberg</a>")), "{people}");
    assert!(people.contains("2 documents"), "{people}");
    assert!(!people.contains(">Netflix</a>"), "{people}");
    assert!(unescape(&get(&store, "/entities?name=reed").await.body).contains(">Reed Hastings</a>"));
    assert_eq!(get(&store, "/entities?kind=planet").await.status, StatusCode::BAD_REQUEST);

    // One entity's page: documents, the entities named with it, its timeline.
    let page = get(&store, &zuckerberg).await;
    assert_eq!(page.status, StatusCode::OK);
    let page = unescape(&page.body);
    assert!(page.contains("<h1>Mark Zuckerberg</h1>"), "{page}");
    assert!(page.contains("Netflix read Facebook messages, lawsuit says"), "{page}");
    assert!(page.contains(">Reed Hastings</a>"), "named with: {page}");
    assert!(page.contains("<time datetime=\"2011\">2011</time>"), "its timeline: {page}");
    assert_eq!(get(&store, "/entities/999999").await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&store, "/entities/x").await.status, StatusCode::NOT_FOUND);

    // The archive's timeline, in date order; a search narrows it.
    let timeline = unescape(&get(&store, "/timeline").await.body);
    let order: Vec<usize> =
        ["datetime=\"2011\"", "datetime=\"2018\"", "datetime=\"2021-10\"", "datetime=\"2024-03-23\""]
            .iter()
            .map(|date| timeline.find(date).unwrap_or_else(|| panic!("{date} in {timeline}")))
            .collect();
    assert!(order.windows(2).all(|pair| pair[0] < pair[1]), "{order:?}");
    assert!(timeline.contains("October 2021"));
    let narrowed = unescape(&get(&store, "/timeline?q=site%3Anowhere").await.body);
    assert!(narrowed.contains("No dated events in the documents this search matches."), "{narrowed}");
    let bad = get(&store, "/timeline?q=before%3Asoon").await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.body.contains("role=\"alert\""));

    // One quote, printed by both outlets: the seed (dated a day earlier) first.
    let quotes = unescape(&get(&store, "/quotes").await.body);
    let statement = quotes.find("“Meta did not share").expect("the statement");
    let printed = &quotes[statement..];
    let first = printed.find("First printed by").unwrap();
    let also = printed.find("also by").expect("a second printing");
    assert!(printed[first..also].contains(&format!("/documents/{}", ids[0])), "{printed}");
    assert!(printed[also..].starts_with(&format!("also by <a href=\"/documents/{}\"", ids[1])), "{printed}");
    assert_eq!(quotes.matches("“Meta did not share").count(), 1, "one quote, however often printed");

    // Every one of these pages keeps the policy.
    for uri in ["/entities", zuckerberg.as_str(), "/timeline", "/quotes"] {
        assert!(get(&store, uri).await.content_security_policy.contains("default-src 'none'"), "{uri}");
    }
}
