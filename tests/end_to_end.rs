//! End-to-end tests: the real `dossier` binary on real files and a real SQLite
//! archive, then the reader over that archive, in-process and over a socket.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use dossier_storage::Store;
use dossier_web::{AppState, app};
use serde_json::Value;
use tower::ServiceExt;

#[path = "support/html.rs"]
mod html;
#[path = "support/process.rs"]
mod process;

use html::unescape;
use process::dossier;

const TITLE: &str =
    "According to a lawsuit, Facebook allowed Netflix to view users' text messages without their consent.";
const SUB_HEADING: &str = "For almost 10 years Netflix had access to Facebook users' messages";

fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds")
}

fn run(command: &mut Command) -> Output {
    let output = command.output().expect("dossier runs");
    assert!(
        output.status.code().is_some(),
        "dossier was killed by a signal\nstderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn json_of(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "not JSON ({error}):\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

async fn get(store: &Store, uri: &str) -> (StatusCode, String) {
    let response = app(AppState::new(store.clone()))
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 10 << 20).await.unwrap();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

#[tokio::test]
async fn the_imported_seed_reads_in_the_web_app() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("archive.db");
    let output = run(dossier(home.path()).arg("--db").arg(&db).args(["import", "--json"]).arg(seeds()));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let summary = json_of(&output);
    assert_eq!(summary["imported"], 1, "{summary}");
    assert_eq!(summary["failed"], 0, "{summary}");
    let id = summary["documents"][0]["id"].as_i64().expect("the stored document's id");

    let store = Store::open(&db).await.unwrap();
    let (status, library) = get(&store, "/").await;
    assert_eq!(status, StatusCode::OK);
    let library = unescape(&library);
    assert!(library.contains(TITLE), "{library}");
    assert!(library.contains(&format!("href=\"/documents/{id}\"")), "{library}");
    assert!(library.contains("2 April 2024"), "the date is shown: {library}");
    assert!(library.contains("Court documents, filed on March 23"), "the excerpt is shown: {library}");

    let (status, page) = get(&store, &format!("/documents/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let page = unescape(&page);
    assert!(page.contains(&format!("<h1>{TITLE}</h1>")), "{page}");
    assert_eq!(
        element_around(&page, SUB_HEADING).as_deref(),
        Some("h2"),
        "the sub-heading is a heading: {page}"
    );
    assert!(
        page.contains("<p>Court documents, filed on March 23, claim that "),
        "paragraphs are paragraphs: {page}"
    );
    let (status, _) = get(&store, &format!("/documents/{}", id + 1)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[test]
fn importing_the_same_file_twice_stores_it_once() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("archive.db");
    let seed = seeds().join("000_b389a61e5b667c13.txt");
    // --db before the subcommand, then after it, then through DOSSIER_DB.
    let first =
        json_of(&run(dossier(home.path()).arg("--db").arg(&db).args(["import", "--json"]).arg(&seed)));
    let second =
        json_of(&run(dossier(home.path()).args(["import", "--json"]).arg(&seed).arg("--db").arg(&db)));
    let third =
        json_of(&run(dossier(home.path()).env("DOSSIER_DB", &db).args(["import", "--json"]).arg(seeds())));
    assert_eq!((first["imported"].as_i64(), first["present"].as_i64()), (Some(1), Some(0)), "{first}");
    for later in [&second, &third] {
        assert_eq!((later["imported"].as_i64(), later["present"].as_i64()), (Some(0), Some(1)), "{later}");
        assert_eq!(later["documents"][0]["id"], first["documents"][0]["id"]);
    }
    let shown =
        json_of(&run(dossier(home.path()).arg("--db").arg(&db).args(["show", "1", "--format", "json"])));
    assert_eq!(shown["title"], TITLE);
    assert_eq!(shown["story"], shown["id"], "a story of its own");
    assert_eq!(shown["sources"].as_array().map(Vec::len), Some(1), "one source, however often imported");
}

#[test]
fn without_db_the_archive_is_in_the_users_data_folder() {
    let home = tempfile::tempdir().unwrap();
    let output = run(dossier(home.path()).args(["import"]).arg(seeds()));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(home.path().join(".local/share/dossier/archive.db").is_file());
    let data_home = home.path().join("data");
    run(dossier(home.path()).env("XDG_DATA_HOME", &data_home).args(["import"]).arg(seeds()));
    assert!(data_home.join("dossier/archive.db").is_file());
}

#[test]
fn bad_files_are_reported_by_path_and_the_rest_is_imported() {
    let home = tempfile::tempdir().unwrap();
    let folder = home.path().join("clippings");
    std::fs::create_dir_all(folder.join("nested")).unwrap();
    std::fs::write(folder.join("empty.txt"), "   \n\n").unwrap();
    std::fs::write(folder.join("good.txt"), "A first headline\n\nThe first story's only paragraph.\n")
        .unwrap();
    std::fs::write(folder.join("nested/other.txt"), "A second headline\n\nA different story entirely.\n")
        .unwrap();
    std::fs::write(folder.join("photo.jpg"), [0xff, 0xd8, 0xff, 0xe0]).unwrap();
    let missing = home.path().join("no-such-file.txt");
    let db = home.path().join("archive.db");

    let output =
        run(dossier(home.path()).arg("--db").arg(&db).args(["import", "--json"]).arg(&folder).arg(&missing));
    assert_eq!(output.status.code(), Some(1), "failures make the exit status 1");
    let summary = json_of(&output);
    assert_eq!(summary["imported"], 2, "{summary}");
    assert_eq!(summary["failed"], 2, "{summary}");
    assert_eq!(summary["skipped"], 1, "the photo is not an article: {summary}");
    let failures = summary["failures"].as_array().unwrap();
    let reason_for = |name: &str| {
        failures
            .iter()
            .find(|failure| failure["path"].as_str().unwrap().ends_with(name))
            .map(|failure| failure["reason"].as_str().unwrap().to_owned())
            .unwrap_or_else(|| panic!("no failure for {name}: {summary}"))
    };
    assert!(reason_for("empty.txt").contains("empty"));
    assert!(reason_for("no-such-file.txt").contains("No such file"));
    let stored: Vec<i64> =
        summary["documents"].as_array().unwrap().iter().map(|entry| entry["id"].as_i64().unwrap()).collect();
    assert_eq!(stored.len(), 2);

    // Without --json, each failure is named on standard error.
    let output = run(dossier(home.path()).arg("--db").arg(&db).arg("import").arg(&folder));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("empty.txt: the input is empty"), "{stderr}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("already present 2"));
}

#[test]
fn extract_prints_the_document_without_touching_a_database() {
    let home = tempfile::tempdir().unwrap();
    let seed = std::fs::read(seeds().join("000_b389a61e5b667c13.txt")).unwrap();
    let extract = |format: &str| {
        let mut child = dossier(home.path())
            .env("DOSSIER_DB", home.path().join("never.db"))
            .args(["extract", "-", "--format", format])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&seed).unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    let text = extract("text");
    assert!(text.starts_with("Court documents, filed on March 23"), "no title in the main text: {text}");
    assert!(text.contains(&format!("\n\n{SUB_HEADING}\n\n")), "blocks separated by blank lines: {text}");
    let markdown = extract("markdown");
    assert!(markdown.starts_with(&format!("# {TITLE}\n")), "{markdown}");
    assert!(markdown.contains(&format!("\n## {SUB_HEADING}\n")), "{markdown}");
    let json: Value = serde_json::from_str(&extract("json")).unwrap();
    assert_eq!(json["title"], TITLE);
    assert_eq!(json["published"], "2024-04-02");
    assert!(!home.path().join("never.db").exists());
    assert!(!home.path().join(".local").exists());
}

#[tokio::test]
async fn saved_web_pages_import_and_read_like_articles() {
    let home = tempfile::tempdir().unwrap();
    let folder = home.path().join("pages");
    std::fs::create_dir_all(&folder).unwrap();
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../crates/core/tests/html/news_article.html");
    std::fs::copy(&page, folder.join("ledger.html")).unwrap();
    let db = home.path().join("archive.db");
    let summary =
        json_of(&run(dossier(home.path()).arg("--db").arg(&db).args(["import", "--json"]).arg(&folder)));
    assert_eq!(summary["imported"], 1, "{summary}");
    let id = summary["documents"][0]["id"].as_i64().unwrap();

    let shown = json_of(&run(dossier(home.path()).arg("--db").arg(&db).args(["show", &id.to_string()])));
    assert_eq!(shown["title"], "Court hears Netflix inbox access claims");
    assert_eq!(shown["site"], "The Daily Ledger");
    assert_eq!(shown["authors"], serde_json::json!(["Jane Doe", "John Roe"]));
    assert_eq!(shown["language"], "en");
    assert_eq!(shown["sources"][0]["format"], "html");

    // Standard input is recognised as HTML by its content.
    let mut child = dossier(home.path())
        .args(["extract", "-", "--format", "text"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&std::fs::read(&page).unwrap()).unwrap();
    let text = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    assert!(!text.contains("Court hears Netflix inbox access claims"), "no title in the main text: {text}");
    assert!(!text.contains('<'), "no markup in the main text: {text}");

    let store = Store::open(&db).await.unwrap();
    let (status, page) = get(&store, &format!("/documents/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(unescape(&page).contains("By Jane Doe, John Roe"), "{page}");
}

#[tokio::test]
async fn a_saved_page_shows_its_images_from_local_copies_only() {
    let home = tempfile::tempdir().unwrap();
    let folder = home.path().join("pages");
    std::fs::create_dir_all(folder.join("story_files")).unwrap();
    std::fs::write(folder.join("story_files/crane.png"), dossier_synth::PNG_2X2).unwrap();
    std::fs::write(folder.join("story_files/fake.png"), "<svg onload=alert(1)></svg>").unwrap();
    std::fs::write(home.path().join("outside.png"), dossier_synth::PNG_2X2).unwrap();
    let figure = |src: &str, caption: &str| {
        format!(
            "<figure><img src=\"{src}\" alt=\"Alt of {caption}\"><figcaption>{caption}</figcaption></figure>"
        )
    };
    let html = format!(
        "<!doctype html><html lang=en><head><title>Crane removed</title></head><body><article>\
         <h1>Crane removed from the quay</h1><p>The crane over the northern quay was taken down on Tuesday \
         after inspectors found cracked welds in its boom, the harbour authority said.</p>{}{}{}{}\
         <p>Dockworkers moved to the southern quay while engineers decide whether it can be repaired.</p>\
         </article></body></html>",
        figure("story_files/crane.png", "Kept beside the page"),
        figure("story_files/fake.png", "Not an image"),
        figure("../outside.png", "Outside the folder"),
        figure("https://cdn.example/remote.jpg", "On another host"),
    );
    std::fs::write(folder.join("story.html"), html).unwrap();
    let db = home.path().join("archive.db");
    let summary =
        json_of(&run(dossier(home.path()).arg("--db").arg(&db).args(["import", "--json"]).arg(&folder)));
    assert_eq!(summary["imported"], 1, "{summary}");
    let id = summary["documents"][0]["id"].as_i64().unwrap();

    let store = Store::open(&db).await.unwrap();
    let (status, page) = get(&store, &format!("/documents/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let (src, image) = the_local_image(&page);
    assert!(image.contains("alt=\"Alt of Kept beside the page\""), "{image}");
    for caption in ["Kept beside the page", "Not an image", "Outside the folder", "On another host"] {
        assert!(page.contains(&format!("<figcaption>{caption}</figcaption>")), "{caption}: {page}");
    }
    assert!(!page.contains("cdn.example") && !page.contains("outside.png"), "{page}");

    let response = app(AppState::new(store.clone()))
        .oneshot(Request::get(src).body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    assert_eq!(&bytes[..], dossier_synth::PNG_2X2);
    let (status, _) = get(&store, &format!("/images/{}", "0".repeat(64))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[test]
fn serve_answers_over_http_and_stops_on_interrupt() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("archive.db");
    let mut child = dossier(home.path())
        .arg("--db")
        .arg(&db)
        .args(["serve", "--addr", "127.0.0.1:0", "--import"])
        .arg(seeds())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let address = process::served_address(&mut child);
    assert!(address.starts_with("127.0.0.1:"), "{address}");

    let (status, body) = http_get(&address, "/");
    assert_eq!(status, 200);
    assert!(unescape(&body).contains(TITLE));
    let (status, body) = http_get(&address, "/documents/12345");
    assert_eq!(status, 404);
    assert!(body.contains("Not found"));

    let interrupted = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(interrupted.success());
    let output = process::wait_with_deadline(child, Duration::from_secs(30), "serve after Ctrl-C");
    assert!(
        output.status.success(),
        "graceful shutdown exits 0: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The name of the element whose text is exactly `text` (`<h2 id="…">text</h2>` → `h2`).
fn element_around(html: &str, text: &str) -> Option<String> {
    let at = html.find(&format!(">{text}</"))?;
    let open = html[..at].rfind('<')?;
    let name: String = html[open + 1..].chars().take_while(char::is_ascii_alphanumeric).collect();
    html[at..].starts_with(&format!(">{text}</{name}>")).then_some(name)
}

/// A minimal HTTP/1.1 GET over loopback; returns the status code and body.
fn http_get(address: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head.split_whitespace().nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
    (status, body.to_owned())
}

/// The page's only `<img>` — a local copy, nothing else — as its `src`
/// (`/images/` and a SHA-256) and the rest of its tag.
fn the_local_image(page: &str) -> (&str, &str) {
    let images: Vec<&str> = page.split("<img ").skip(1).collect();
    assert_eq!(images.len(), 1, "one local copy, nothing else: {page}");
    let src = images[0].split('"').nth(1).unwrap();
    assert!(src.starts_with("/images/") && src.len() == "/images/".len() + 64, "{src}");
    (src, images[0])
}

fn collection_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../crates/core/tests/collections").join(name)
}

/// Every failure of an import summary as `path-ending | reason`, with the line or
/// entry number when the summary gives one.
fn failures_of(summary: &Value) -> Vec<String> {
    let mut failures: Vec<String> = summary["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|failure| {
            let path = failure["path"].as_str().unwrap();
            let name = path.rsplit_once("/feeds/").map_or(path, |(_, name)| name);
            format!("{name} | {}", failure["reason"].as_str().unwrap())
        })
        .collect();
    failures.sort();
    failures
}

#[tokio::test]
async fn feeds_exports_and_archives_import_by_content() {
    let home = tempfile::tempdir().unwrap();
    let folder = home.path().join("feeds");
    std::fs::create_dir_all(&folder).unwrap();
    // Names that say nothing: the content decides. The CSV and XML files that are
    // not exports are left alone like photos.
    for (fixture, name) in [
        ("rss.xml", "gazette.xml"),
        ("atom.xml", "courrier.atom"),
        ("feed.json", "quayside.json"),
        ("subscriptions.opml", "subscriptions.opml"),
        ("omnivore.zip", "omnivore-export.zip"),
        ("readeck.zip", "readeck-export.zip"),
        ("bookmarks.html", "bookmarks.html"),
    ] {
        std::fs::copy(collection_fixture(fixture), folder.join(name)).unwrap();
    }
    std::fs::write(folder.join("measurements.csv"), "station,level\nquay,3.2\n").unwrap();
    std::fs::write(folder.join("settings.xml"), "<settings><theme>dark</theme></settings>").unwrap();
    let db = home.path().join("archive.db");

    // Links stay links (--no-fetch): this test reads files only.
    let output =
        run(dossier(home.path()).arg("--db").arg(&db).args(["import", "--json", "--no-fetch"]).arg(&folder));
    assert_eq!(output.status.code(), Some(1), "entries that fail make the exit status 1");
    let summary = json_of(&output);
    assert_eq!(
        failures_of(&summary),
        [
            "gazette.xml | entry 4: it has no title, address or text",
            "omnivore-export.zip!/metadata_2_to_3.json | entry 1: it has no title, address or text",
            "readeck-export.zip!/bookmarks/broken/info.json | invalid JSON: key must be a string at line 1 column 3",
            "subscriptions.opml | an OPML feed list of 3 feeds (https://gazette.example/feed.xml, \
             https://courrier.example/atom.xml, https://quayside.example/feed.json), not fetched: --no-fetch was given",
        ]
    );
    let entry_failure = summary["failures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|failure| failure["entry"] == 4)
        .expect("entry 4");
    assert!(entry_failure["path"].as_str().unwrap().ends_with("gazette.xml"));
    assert_eq!(summary["failed"], 4, "{summary}");
    // The CSV and XML files that are not exports, and the bookmarklet.
    assert_eq!(summary["skipped"], 3, "{summary}");
    // The Omnivore and Readeck items that were archived.
    assert_eq!(summary["marked_read"], 2, "{summary}");
    assert_eq!(summary["highlights"], 4, "the Omnivore and Readeck highlights are kept: {summary}");

    let store = Store::open(&db).await.unwrap();
    let mut by_url = std::collections::HashMap::new();
    for entry in summary["documents"].as_array().unwrap() {
        let id = entry["id"].as_i64().unwrap();
        let stored = store.document(id).await.unwrap();
        by_url.insert(stored.document.url.clone().unwrap_or_default(), (id, stored));
    }
    // A feed item's summary is its body when it has no full content; the feed's
    // title is its site.
    let (_, ferry) = &by_url["https://gazette.example/2024/04/ferry"];
    assert_eq!(ferry.document.site.as_deref(), Some("The Harbour Gazette"));
    assert_eq!(
        ferry.document.blocks[0].text(),
        "Ferries will run every forty minutes from May, the operator said."
    );
    // One article saved in three places is one document: the bookmark, then the
    // feed's full text, then Omnivore's copy as revisions, with every source's tags.
    let (sea_wall, stored) = &by_url["https://gazette.example/2024/04/sea-wall"];
    assert_eq!(stored.document.title, "Council approves new sea wall after storm damage");
    assert_eq!(stored.document.blocks.len(), 2, "{:?}", stored.document.blocks);
    assert_eq!(store.revisions(*sea_wall).await.unwrap().len(), 2);
    let tags = store.document_tags(*sea_wall).await.unwrap();
    for tag in ["council", "storm", "weather"] {
        assert!(tags.iter().any(|stored| stored.eq_ignore_ascii_case(tag)), "{tag} in {tags:?}");
    }
    // Omnivore said it was archived: it is read in the archive.
    assert!(store.reading_state(*sea_wall).await.unwrap().read_at.is_some());
    // A feed item without text is kept with its address, marked as not fetched.
    let (_, photos) = &by_url["https://gazette.example/2024/04/lifeboat-photos"];
    assert!(photos.document.blocks.is_empty());
    assert!(
        photos
            .document
            .diagnostics
            .iter()
            .any(|diagnostic| diagnostic.code == dossier_core::DiagnosticCode::NotFetched)
    );
    let (status, _) =
        get(&store, &format!("/documents/{}", by_url["https://gazette.example/2024/04/lifeboat-photos"].0))
            .await;
    assert_eq!(status, StatusCode::OK, "a document without body still reads");
    // The Readeck bookmark not archived stays unread, and shows the image its
    // container carries from the local copy.
    let (tides, _) = &by_url["https://quayside.example/tides"];
    assert!(store.reading_state(*tides).await.unwrap().read_at.is_none());
    let (status, page) = get(&store, &format!("/documents/{tides}")).await;
    assert_eq!(status, StatusCode::OK);
    let (src, image) = the_local_image(&page);
    assert!(image.contains("alt=\"The quay at high water\""), "{image}");
    assert!(store.image(&src["/images/".len()..]).await.unwrap().is_some(), "{src} is stored");
    store.close().await;

    // Importing again stores nothing new and reports the same entries.
    let again = json_of(&run(dossier(home.path())
        .arg("--db")
        .arg(&db)
        .args(["import", "--json", "--no-fetch"])
        .arg(&folder)));
    assert_eq!(again["imported"], 0, "{again}");
    assert_eq!(failures_of(&again), failures_of(&summary));
}

#[test]
fn link_only_exports_import_and_full_text_later_revises_them() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("archive.db");
    let output = run(dossier(home.path())
        .arg("--db")
        .arg(&db)
        .args(["import", "--json", "--no-fetch"])
        .arg(collection_fixture("pocket.csv"))
        .arg(collection_fixture("instapaper.csv"))
        .arg(collection_fixture("ril_export.html")));
    let summary = json_of(&output);
    assert_eq!(
        failures_of(&summary)
            .iter()
            .map(|failure| failure.rsplit_once('/').map_or(failure.as_str(), |(_, end)| end))
            .collect::<Vec<_>>(),
        [
            "instapaper.csv | line 5: the row has no URL; nothing to import",
            "pocket.csv | line 5: the row has no url; nothing to import"
        ]
    );
    let failure = &summary["failures"].as_array().unwrap()[0];
    assert_eq!(failure["line"], 5, "{summary}");
    assert!(summary["imported"].as_u64().unwrap() >= 2, "{summary}");
    assert!(summary["marked_read"].as_u64().unwrap() >= 1, "{summary}");

    // The human summary names the failing row and says what was marked read.
    let output = run(dossier(home.path())
        .arg("--db")
        .arg(&db)
        .args(["import", "--no-fetch"])
        .arg(collection_fixture("pocket.csv")));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("pocket.csv: line 5: the row has no url; nothing to import"), "{stderr}");
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("marked 1 read"),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );

    // The Wallabag export carries the text: the link-only document gets it as a revision.
    let summary = json_of(&run(dossier(home.path())
        .arg("--db")
        .arg(&db)
        .args(["import", "--json"])
        .arg(collection_fixture("wallabag.json"))));
    let outcomes: Vec<&str> = summary["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes[0], "revised", "{summary}");
    assert_eq!(summary["highlights"], 1, "the export's highlight is kept: {summary}");
    let id = summary["documents"][0]["id"].as_i64().unwrap();
    let shown = json_of(&run(dossier(home.path()).arg("--db").arg(&db).args(["show", &id.to_string()])));
    assert_eq!(shown["title"], "Council approves new sea wall after storm damage");
    assert!(shown["blocks"].as_array().unwrap().len() == 2, "{shown}");
}

#[test]
fn standard_input_is_imported_by_its_content() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("archive.db");
    let mut child = dossier(home.path())
        .arg("--db")
        .arg(&db)
        .args(["import", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&std::fs::read(collection_fixture("feed.json")).unwrap()).unwrap();
    let output = child.wait_with_output().unwrap();
    let summary = json_of(&output);
    assert_eq!(summary["imported"], 1, "one input: {summary}");
    assert_eq!(summary["documents"].as_array().unwrap().len(), 3, "{summary}");
    assert_eq!(summary["documents"][0]["path"], "-");
    let id = summary["documents"][0]["id"].as_i64().unwrap();
    let shown = json_of(&run(dossier(home.path()).arg("--db").arg(&db).args(["show", &id.to_string()])));
    assert_eq!(shown["title"], "What the new fishing quotas mean");
    assert_eq!(shown["sources"][0]["format"], "json-feed");
}

#[test]
fn archive_members_are_named_in_the_summary() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("archive.db");
    let archive = home.path().join("clippings.zip");
    std::fs::copy(collection_fixture("articles.zip"), &archive).unwrap();
    let summary =
        json_of(&run(dossier(home.path()).arg("--db").arg(&db).args(["import", "--json"]).arg(&archive)));
    let paths: Vec<&str> = summary["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["path"].as_str().unwrap().rsplit_once("clippings.zip").unwrap().1)
        .collect();
    assert_eq!(
        paths,
        ["!/clippings/sea-wall.txt", "!/clippings/feed.xml", "!/clippings/feed.xml", "!/clippings/feed.xml"]
    );
    let failure = &summary["failures"][0];
    assert!(failure["path"].as_str().unwrap().ends_with("clippings.zip!/clippings/feed.xml"), "{summary}");
    assert_eq!(failure["reason"], "entry 4: it has no title, address or text");
    assert_eq!(failure["entry"], 4);
    // The picture and the blank file are not articles.
    assert_eq!(summary["skipped"], 2, "{summary}");

    // Each document parses again, from the stored archive, into what is stored.
    let reparsed = json_of(&run(dossier(home.path()).arg("--db").arg(&db).args(["reparse", "--json"])));
    assert_eq!(reparsed["examined"], 4, "{reparsed}");
    assert_eq!(reparsed["changed"], 0, "{reparsed}");
    assert_eq!(reparsed["recompressed"], 0, "models are stored compact at import: {reparsed}");
    assert_eq!(reparsed["failed"], 0, "{reparsed}");
}

/// A home folder holding an archive of the seeds, and `dossier --db ARCHIVE` for it.
struct SeededArchive {
    home: tempfile::TempDir,
    db: PathBuf,
}

impl SeededArchive {
    fn new() -> SeededArchive {
        let home = tempfile::tempdir().unwrap();
        let db = home.path().join("archive.db");
        let archive = SeededArchive { home, db };
        run(archive.cli().arg("import").arg(seeds()));
        archive
    }

    fn cli(&self) -> Command {
        let mut command = dossier(self.home.path());
        command.arg("--db").arg(&self.db);
        command
    }
}

/// The seed's people, organisations, quotes and events from the command line,
/// and corrections to its entities that outlive `dossier reparse`.
#[test]
fn entities_timeline_and_quotes_from_the_command_line() {
    let archive = SeededArchive::new();
    let cli = || archive.cli();

    let people = json_of(&run(cli().args(["entities", "--kind", "person", "--json"])));
    let mut names: Vec<&str> =
        people.as_array().unwrap().iter().map(|entity| entity["name"].as_str().unwrap()).collect();
    names.sort_unstable();
    assert_eq!(names, ["Mark Zuckerberg", "Maximilian Klein", "Reed Hastings", "Sarah Grabert"]);
    let organisations = json_of(&run(cli().args(["entities", "--kind", "organisation", "--json"])));
    for name in ["Facebook", "Netflix", "Meta", "Microsoft", "Amazon"] {
        assert!(
            organisations.as_array().unwrap().iter().any(|entity| entity["name"] == name),
            "{name}: {organisations}"
        );
    }
    let listed = String::from_utf8(run(cli().arg("entities")).stdout).unwrap();
    assert!(listed.lines().any(|line| line.contains("person") && line.contains("Reed Hastings")), "{listed}");

    let timeline = json_of(&run(cli().args(["timeline", "--json"])));
    let dates: Vec<&str> =
        timeline.as_array().unwrap().iter().map(|event| event["date"].as_str().unwrap()).collect();
    for date in ["2011", "2018", "2021-10", "2024-03-23"] {
        assert!(dates.contains(&date), "{date} in {dates:?}");
    }
    let mut sorted = dates.clone();
    sorted.sort_unstable();
    assert_eq!(dates, sorted);
    let filed = timeline.as_array().unwrap().iter().find(|event| event["date"] == "2024-03-23").unwrap();
    assert!(filed["text"].as_str().unwrap().contains("filed on March 23"), "{filed}");
    let none = String::from_utf8(run(cli().args(["timeline", "site:nowhere"])).stdout).unwrap();
    assert_eq!(none.trim(), "no dated events");

    let quotes = json_of(&run(cli().args(["quotes", "--json"])));
    let statement = quotes
        .as_array()
        .unwrap()
        .iter()
        .find(|quote| quote["text"].as_str().unwrap().starts_with("Meta did not share"))
        .expect("Meta's statement");
    assert_eq!(statement["entity"][1], "Meta");
    assert_eq!(statement["printings"][0]["id"], 1);

    // Facebook was renamed Meta: one entity, under the name the reader chooses.
    let merged = run(cli().args(["entities", "merge", "Facebook", "--into", "Meta"]));
    assert!(merged.status.success(), "{}", String::from_utf8_lossy(&merged.stderr));
    run(cli().args(["entities", "rename", "Meta", "Meta (Facebook)"]));
    run(cli().arg("reparse"));
    let shown = json_of(&run(cli().args(["entities", "show", "Facebook", "--json"])));
    assert_eq!(shown["entity"]["name"], "Meta (Facebook)");
    assert!(shown["aliases"].as_array().unwrap().iter().any(|alias| alias == "Facebook"), "{shown}");
    assert_eq!(shown["entity"]["documents"], 1);

    // Mistakes are usage errors a person can act on.
    let unknown = run(cli().args(["entities", "merge", "Nobody Atall", "--into", "Meta"]));
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no entity is called \"Nobody Atall\""));
    let bad_kind = run(cli().args(["entities", "--kind", "planet"]));
    assert_eq!(bad_kind.status.code(), Some(2));
}

/// Options go before a query: one written among its words would be searched for,
/// so it is refused as a usage error, and the same search with the option first
/// finds the seed.
#[test]
fn an_option_among_the_query_words_is_a_usage_error() {
    let archive = SeededArchive::new();
    let cli = || archive.cli();

    for (command, option) in
        [("search", "--limit"), ("search", "--json"), ("timeline", "--json"), ("quotes", "--db")]
    {
        let output = run(cli().args([command, "Netflix", option, "1"]));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{command} … {option}: {stderr}");
        assert!(stderr.contains(option) && stderr.contains("before the query"), "{stderr}");
        assert!(output.stdout.is_empty(), "nothing is searched: {}", String::from_utf8_lossy(&output.stdout));
    }
    let hits = json_of(&run(cli().args(["search", "--limit", "1", "--json", "Netflix", "-Amazon"])));
    assert_eq!(hits.as_array().map(Vec::len), Some(0), "-Amazon excludes the seed: {hits}");
    let hits = json_of(&run(cli().args(["search", "--limit", "1", "--json", "Netflix", "-Walmart"])));
    assert_eq!(hits[0]["title"], TITLE, "{hits}");
}
