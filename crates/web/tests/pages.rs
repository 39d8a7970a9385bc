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
        for raw in ["<script", "<img", "<iframe", "<b>"] {
            assert!(!page.body.contains(raw), "{uri}: {raw} reached the page\n{}", page.body);
        }
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
        assert!(!policy.contains("script-src"), "{uri}: {policy}");
        assert!(!policy.contains("http"), "{uri}: {policy}");
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
async fn the_library_paginates() {
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
    assert!(first.body.contains("60 documents"));
    assert_eq!(first.body.matches("<li>").count(), 50);
    assert!(first.body.contains("href=\"/?page=2\""));
    let second = get(&store, "/?page=2").await;
    assert_eq!(second.body.matches("<li>").count(), 10);
    assert!(second.body.contains("href=\"/?page=1\""));
    assert!(!second.body.contains("href=\"/?page=3\""));
}
