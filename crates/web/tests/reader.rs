//! What the reader does, through the router without a socket: filter the
//! library, mark documents read, tag them one at a time or in bulk, follow tags,
//! choose how pages look, and come back to where they stopped reading. Every
//! change is a POST form that only the reader's own pages can send.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use dossier_core::{Format, Highlight, Item};
use dossier_storage::{ImportItem, Store};
use dossier_web::{AppState, app};
use tower::ServiceExt;

#[path = "../../../tests/support/html.rs"]
mod html;

use html::unescape;

/// A browser of one: keeps the form-token cookie the pages set.
struct Reader {
    store: Store,
    cookies: Vec<String>,
    /// The form token of the last page read.
    token: String,
}

struct Response {
    status: StatusCode,
    location: Option<String>,
    set_cookies: Vec<String>,
    body: String,
}

impl Reader {
    fn new(store: &Store) -> Reader {
        Reader { store: store.clone(), cookies: Vec::new(), token: String::new() }
    }

    async fn send(&mut self, request: Request<Body>) -> Response {
        let response = app(AppState::new(self.store.clone())).oneshot(request).await.unwrap();
        let status = response.status();
        let location =
            response.headers().get(header::LOCATION).map(|value| value.to_str().unwrap().to_owned());
        let set_cookies: Vec<String> = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|value| value.to_str().unwrap().split(';').next().unwrap().to_owned())
            .collect();
        for cookie in &set_cookies {
            let name = cookie.split('=').next().unwrap();
            self.cookies.retain(|kept| kept.split('=').next() != Some(name));
            self.cookies.push(cookie.clone());
        }
        let bytes = axum::body::to_bytes(response.into_body(), 10 << 20).await.unwrap();
        let body = String::from_utf8(bytes.to_vec()).unwrap();
        if let Some(start) = body.find("name=\"csrf\" value=\"") {
            let rest = &body[start + 19..];
            self.token = rest[..rest.find('"').unwrap()].to_owned();
        }
        Response { status, location, set_cookies, body }
    }

    /// A GET that must succeed.
    async fn get(&mut self, uri: &str) -> Response {
        let response = self.fetch(uri).await;
        assert_eq!(response.status, StatusCode::OK, "{uri}: {}", response.body);
        response
    }

    async fn fetch(&mut self, uri: &str) -> Response {
        let request = Request::get(uri).header(header::COOKIE, self.cookies.join("; ")).body(Body::empty());
        self.send(request.unwrap()).await
    }

    /// Posts a form as the page would: the cookie, the token and same-origin headers.
    async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.token.clone();
        let mut pairs = vec![("csrf", token.as_str())];
        pairs.extend_from_slice(fields);
        self.post_raw(uri, &pairs, &[("origin", "http://127.0.0.1:8080"), ("sec-fetch-site", "same-origin")])
            .await
    }

    async fn post_raw(&mut self, uri: &str, fields: &[(&str, &str)], headers: &[(&str, &str)]) -> Response {
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        let mut request = Request::post(uri)
            .header(header::HOST, "127.0.0.1:8080")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, self.cookies.join("; "));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::from(body)).unwrap()).await
    }
}

async fn archive_of(articles: &[(&str, &str)]) -> (tempfile::TempDir, Store, Vec<i64>) {
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

const HARBOUR: &str = "title: The harbour works run late\nsite: The Courier\ndate: 2024-03-02\n\n\
    The council said the harbour works would take another year.\n\n\
    Costs\n\nThe costs rose by a third.\n\nWhat next\n\nA vote in May.\n";
const BRIDGE: &str = "title: A new bridge opens\nsite: Harbour Weekly\ndate: 2023-11-20\n\n\
    The bridge across the river opened on Monday after four years of work.\n";
const GERMAN: &str = "title: Der Hafen wird teurer\nsite: Tagesblatt\ndate: 2024-01-15\n\n\
    Der Stadtrat hat heute mitgeteilt, dass die Arbeiten im Hafen länger dauern und mehr kosten.\n";

#[tokio::test]
async fn state_changes_need_the_pages_token_and_origin() {
    let (_folder, store, ids) = archive_of(&[("harbour.txt", HARBOUR)]).await;
    let mut reader = Reader::new(&store);
    let page = reader.get("/").await;
    let cookie = page.set_cookies.iter().find(|cookie| cookie.starts_with("dossier_csrf=")).expect("a token");
    assert!(page.body.contains(&format!("value=\"{}\"", &cookie["dossier_csrf=".len()..])));
    let uri = format!("/documents/{}/read", ids[0]);

    let token = reader.token.clone();
    let wrong = "0".repeat(64);
    let same_origin = [("origin", "http://127.0.0.1:8080")];
    for (fields, headers, why) in [
        (vec![("read", "1")], same_origin.to_vec(), "no token"),
        (vec![("csrf", wrong.as_str()), ("read", "1")], same_origin.to_vec(), "a wrong token"),
        (
            vec![("csrf", token.as_str()), ("read", "1")],
            vec![("origin", "https://evil.example")],
            "another site",
        ),
        (
            vec![("csrf", token.as_str()), ("read", "1")],
            vec![("sec-fetch-site", "cross-site")],
            "a cross-site form",
        ),
    ] {
        let response = reader.post_raw(&uri, &fields, &headers).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{why}");
        assert!(response.body.contains("<h1>Not allowed</h1>"), "{why}: {}", response.body);
    }
    assert!(reader.get("/").await.body.contains("1 document, 1 unread"), "nothing changed");

    // Without the cookie the token alone is not enough.
    let mut stranger = Reader::new(&store);
    stranger.token = token;
    assert_eq!(stranger.post(&uri, &[("read", "1")]).await.status, StatusCode::FORBIDDEN);

    let response = reader.post(&uri, &[("read", "1"), ("return", "/")]).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(response.location.as_deref(), Some("/"));
    assert!(reader.get("/").await.body.contains("1 document, 0 unread"));
    // Forms only ever return to this site.
    let response = reader.post(&uri, &[("read", "0"), ("return", "//evil.example/")]).await;
    assert_eq!(response.location.as_deref(), Some("/"));
    // A GET never changes anything.
    assert_eq!(reader.fetch(&uri).await.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn the_reading_view_marks_read_tags_and_links_its_neighbours() {
    let (_folder, store, ids) =
        archive_of(&[("harbour.txt", HARBOUR), ("bridge.txt", BRIDGE), ("german.txt", GERMAN)]).await;
    let mut reader = Reader::new(&store);
    let here = format!("/documents/{}", ids[1]);
    let page = unescape(&reader.get(&here).await.body);
    assert!(page.contains("<span class=\"state\">Unread</span>"), "{page}");
    assert!(page.contains("<span class=\"none\">No tags</span>"));
    // Newer and older in the library's order (most recently added first).
    assert!(page.contains(&format!("<a rel=\"prev\" href=\"/documents/{}\"", ids[2])), "{page}");
    assert!(page.contains(&format!("<a rel=\"next\" href=\"/documents/{}\"", ids[0])), "{page}");
    assert!(page.contains("<label for=\"add-tag\">Add a tag</label>"));

    let response = reader.post(&format!("{here}/read"), &[("read", "1"), ("return", &here)]).await;
    assert_eq!(response.location.as_deref(), Some(here.as_str()));
    for name in ["Infrastructure", "river <crossings>"] {
        let response = reader.post(&format!("{here}/tags"), &[("tag", name), ("return", &here)]).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER);
    }
    let page = reader.get(&here).await.body;
    assert!(page.contains("<span class=\"state\">Read</span>"), "{page}");
    assert!(page.contains(">Mark unread</button>"));
    assert!(page.contains("<a href=\"/tags/Infrastructure\">Infrastructure</a>"), "{page}");
    assert!(
        page.contains("<a href=\"/tags/river%20%3Ccrossings%3E\">river &#60;crossings&#62;</a>")
            || page.contains("<a href=\"/tags/river%20%3Ccrossings%3E\">river &lt;crossings&gt;</a>"),
        "{page}"
    );
    assert!(!page.contains("<crossings>"), "a tag's markup is text");

    // A tag's page lists its documents and has a feed.
    let tag_page = unescape(&reader.get("/tags/infrastructure").await.body);
    assert!(tag_page.contains("<h1>Tagged “infrastructure”</h1>"), "{tag_page}");
    assert!(tag_page.contains(">A new bridge opens</a>"));
    assert!(!tag_page.contains(">The harbour works run late</a>"));
    assert!(tag_page.contains("href=\"/tags/infrastructure/feed.atom\""));
    let feed = reader.get("/tags/Infrastructure/feed.atom").await.body;
    assert!(feed.contains(&format!("href=\"/documents/{}\"", ids[1])), "{feed}");
    assert!(feed.contains("<updated>2023-11-20T00:00:00Z</updated>"), "{feed}");
    let tags = unescape(&reader.get("/tags").await.body);
    assert!(
        tags.contains(
            "<a href=\"/tags/Infrastructure\">Infrastructure</a> <span class=\"n\">1 document</span>"
        ),
        "{tags}"
    );

    let response = reader
        .post(&format!("{here}/tags"), &[("tag", "infrastructure"), ("action", "remove"), ("return", &here)])
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert!(!reader.get(&here).await.body.contains("/tags/Infrastructure"));
    let gone = reader.fetch("/tags/Infrastructure").await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND, "a tag on nothing has no page");

    let empty = reader.post(&format!("{here}/tags"), &[("tag", "  "), ("return", &here)]).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(empty.body.contains("a tag needs a name"), "{}", empty.body);
    let missing = reader.post("/documents/999/read", &[("read", "1")]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_library_filters_counts_and_acts_in_bulk() {
    let (_folder, store, ids) =
        archive_of(&[("harbour.txt", HARBOUR), ("bridge.txt", BRIDGE), ("german.txt", GERMAN)]).await;
    let mut reader = Reader::new(&store);
    let library = unescape(&reader.get("/").await.body);
    assert!(library.contains("3 documents, 3 unread"), "{library}");
    // Counts link to the filter.
    assert!(
        library.contains("<a href=\"/?site=Harbour+Weekly\">Harbour Weekly</a> <span class=\"n\">1</span>"),
        "{library}"
    );
    assert!(library.contains("<a href=\"/?lang=de\">de</a> <span class=\"n\">1</span>"), "{library}");
    assert!(library.contains("1 min read"));

    // Tag two and mark one read, in bulk.
    let (first, second) = (ids[0].to_string(), ids[1].to_string());
    let fields = [
        ("id", first.as_str()),
        ("id", second.as_str()),
        ("tag", "coast"),
        ("action", "tag"),
        ("return", "/?sort=published"),
    ];
    let response = reader.post("/library/bulk", &fields).await;
    assert_eq!(response.location.as_deref(), Some("/?sort=published"));
    reader.post("/library/bulk", &[("id", first.as_str()), ("action", "read"), ("return", "/")]).await;

    let library = unescape(&reader.get("/").await.body);
    assert!(library.contains("3 documents, 2 unread"), "{library}");
    assert!(library.contains("<a href=\"/?tag=coast\">coast</a> <span class=\"n\">2</span>"), "{library}");
    assert_eq!(library.matches("<a class=\"tag\" href=\"/tags/coast\">coast</a>").count(), 2);

    let unread = unescape(&reader.get("/?unread=1&tag=coast").await.body);
    assert!(unread.contains("1 document, 1 unread"), "{unread}");
    assert!(unread.contains(">A new bridge opens</a>"));
    // Each filter in force can be removed on its own.
    assert!(unread.contains("Tag: coast <a href=\"/?unread=1\""), "{unread}");
    assert!(unread.contains("Unread only <a href=\"/?tag=coast\""), "{unread}");

    let dated = unescape(&reader.get("/?from=2024&until=2024-02&sort=published").await.body);
    assert!(
        dated.contains("1 document, 1 unread") && dated.contains(">Der Hafen wird teurer</a>"),
        "{dated}"
    );
    assert!(dated.contains("<strong aria-current=\"true\">Newest published</strong>"));
    let bad = unescape(&reader.get("/?from=soon").await.body);
    assert!(bad.contains("role=\"alert\">from soon is not a date"), "{bad}");

    reader
        .post(
            "/library/bulk",
            &[("id", first.as_str()), ("id", second.as_str()), ("tag", "coast"), ("action", "untag")],
        )
        .await;
    assert!(!reader.get("/").await.body.contains("/tags/coast"));
    let nothing = reader.post("/library/bulk", &[("id", first.as_str()), ("action", "explode")]).await;
    assert_eq!(nothing.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn words_in_the_library_become_a_search_with_its_filters_ranked_by_relevance() {
    let (_folder, store, ids) =
        archive_of(&[("harbour.txt", HARBOUR), ("bridge.txt", BRIDGE), ("german.txt", GERMAN)]).await;
    let mut reader = Reader::new(&store);
    assert!(reader.get("/").await.body.contains("<input id=\"filter-q\" type=\"search\" name=\"q\""));

    // The form as a browser sends it, empty fields included. "Until" takes in its
    // whole month, which the query syntax says as "before" the next one.
    let response = reader.fetch("/?q=harbour&site=&tag=&lang=en&from=2024&until=2024-03").await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    let location = response.location.unwrap();
    assert_eq!(location, "/search?q=harbour+lang%3A%22en%22+after%3A2024+before%3A2024-04");
    let search = unescape(&reader.get(&location).await.body);
    assert!(search.contains("1–1 of 1 document"), "{search}");
    assert!(search.contains(">The harbour works run late</a>"), "{search}");
    assert!(search.contains("<strong aria-current=\"true\">Relevance</strong>"), "{search}");
    let response = reader.fetch("/?q=harbour&until=2024-02").await;
    let search = reader.get(&response.location.unwrap()).await.body;
    assert!(search.contains("No documents match."), "{search}");

    // A tag page searches its tag; a sort by publication date is kept.
    let first = ids[0].to_string();
    reader.post("/library/bulk", &[("id", first.as_str()), ("tag", "coast"), ("action", "tag")]).await;
    let response = reader.fetch("/tags/coast?q=council&site=The+Courier&sort=published").await;
    assert_eq!(
        response.location.as_deref(),
        Some("/search?q=council+site%3A%22The+Courier%22+tag%3A%22coast%22&sort=published")
    );
    let search = unescape(&reader.get(response.location.as_deref().unwrap()).await.body);
    assert!(search.contains(">The harbour works run late</a>"), "{search}");
    // Without words the library stays the library.
    assert_eq!(reader.fetch("/?q=+&site=The+Courier").await.status, StatusCode::OK);
}

#[tokio::test]
async fn display_preferences_are_a_cookie_set_by_a_form() {
    let (_folder, store, ids) = archive_of(&[("harbour.txt", HARBOUR)]).await;
    let mut reader = Reader::new(&store);
    let page = reader.get("/").await.body;
    assert!(page.contains("<html lang=\"en\" class=\"theme-auto size-normal font-serif\">"), "{page}");
    assert!(page.contains("<label for=\"display-theme\">Theme</label>"));

    let here = format!("/documents/{}", ids[0]);
    let response = reader
        .post("/preferences", &[("theme", "sepia"), ("size", "large"), ("font", "sans"), ("return", &here)])
        .await;
    assert_eq!(response.location.as_deref(), Some(here.as_str()));
    assert_eq!(response.set_cookies, ["dossier_display=sepia.large.sans"]);
    let page = reader.get(&here).await.body;
    assert!(page.contains("class=\"theme-sepia size-large font-sans\""), "{page}");
    assert!(page.contains("<option value=\"sepia\" selected>Sepia</option>"));

    // Only the known choices; the rest stays.
    reader.post("/preferences", &[("theme", "\"><script>"), ("size", "small")]).await;
    assert!(reader.get("/").await.body.contains("class=\"theme-sepia size-small font-sans\""));
}

#[tokio::test]
async fn the_reading_position_is_saved_and_offered_back() {
    let (_folder, store, ids) = archive_of(&[("harbour.txt", HARBOUR)]).await;
    let mut reader = Reader::new(&store);
    let here = format!("/documents/{}", ids[0]);
    let page = reader.get(&here).await.body;
    assert!(page.contains("data-position=\"0\""));
    assert!(!page.contains("Continue where you left off"));
    assert!(page.contains("<p>The council said"), "{page}");

    let response = reader.post(&format!("{here}/position"), &[("position", "2")]).await;
    assert_eq!(response.status, StatusCode::NO_CONTENT);
    let page = reader.get(&here).await.body;
    assert!(page.contains("data-position=\"2\""));
    assert!(page.contains("<a href=\"#resume\">Continue where you left off</a>"), "{page}");
    assert!(page.contains("<p id=\"resume\">The costs rose by a third.</p>"), "{page}");
    let bad = reader.post(&format!("{here}/position"), &[("position", "-1")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    let script = reader.fetch("/static/reader.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(script.body.contains("sendBeacon"));
}

#[tokio::test]
async fn the_reading_view_shows_an_exports_highlights_and_notes_as_text() {
    let (_folder, store, ids) = archive_of(&[("bridge.txt", BRIDGE)]).await;
    let document = dossier_core::parse(HARBOUR.as_bytes(), Format::Text).unwrap().remove(0);
    let highlights = vec![
        Highlight {
            text: Some("The costs rose by a third.".into()),
            note: Some("Check this against the budget".into()),
            created: Some("2024-03-04T09:30:00Z".into()),
        },
        Highlight {
            text: Some("<img src=x onerror=alert(1)>".into()),
            note: Some("<script>alert(2)</script>".into()),
            created: None,
        },
    ];
    let item = Item { document, read: None, highlights, member: None };
    let export = ImportItem::from_parsed_items(
        "omnivore.zip".into(),
        Format::Text,
        HARBOUR.as_bytes(),
        Ok(vec![item]),
    );
    let id = store.import_batch(None, vec![export]).await.unwrap()[0].outcome.ids()[0];

    let mut reader = Reader::new(&store);
    let page = reader.get(&format!("/documents/{id}")).await.body;
    let heading = page.find("<h2 id=\"highlights-heading\">Highlights</h2>").expect("a Highlights section");
    assert!(page.find("<div class=\"body\">").unwrap() < heading, "after the body");
    let text = unescape(&page);
    assert!(text.contains("<blockquote><p>The costs rose by a third.</p></blockquote>"), "{page}");
    assert!(text.contains("<p class=\"note\">Check this against the budget</p>"), "{page}");
    assert!(text.contains("<time datetime=\"2024-03-04T09:30:00Z\">4 March 2024</time>"), "{page}");
    // A hostile highlight is text on the page, not markup.
    assert!(text.contains("<blockquote><p><img src=x onerror=alert(1)></p></blockquote>"), "{page}");
    assert!(text.contains("<p class=\"note\"><script>alert(2)</script></p>"), "{page}");
    assert!(!page.contains("<img") && !page.contains("<script>alert"), "{page}");

    let json: serde_json::Value =
        serde_json::from_str(&reader.get(&format!("/api/v1/documents/{id}")).await.body).unwrap();
    assert_eq!(
        json["highlights"],
        serde_json::json!([
            {
                "text": "The costs rose by a third.",
                "note": "Check this against the budget",
                "created": "2024-03-04T09:30:00Z",
            },
            { "text": "<img src=x onerror=alert(1)>", "note": "<script>alert(2)</script>", "created": null },
        ])
    );

    // A document without highlights has no such section, and an empty list.
    let plain = reader.get(&format!("/documents/{}", ids[0])).await.body;
    assert!(!plain.contains("highlights-heading"), "{plain}");
    let json: serde_json::Value =
        serde_json::from_str(&reader.get(&format!("/api/v1/documents/{}", ids[0])).await.body).unwrap();
    assert_eq!(json["highlights"], serde_json::json!([]));
}
