//! `dossier export`: the real binary on real archives. NDJSON and JSON exported
//! from one archive and imported into an empty one give the same documents, tags
//! and read state (on SQLite, and on PostgreSQL when `DOSSIER_TEST_POSTGRES` names
//! a server); `--query` exports exactly what the search matches; Markdown, HTML
//! and EPUB are complete, inert and well-formed; a failed export leaves nothing.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use quick_xml::events::Event;
use serde_json::{Value, json};

#[path = "support/process.rs"]
mod process;
#[path = "../crates/storage/tests/support/mod.rs"]
mod support;

use process::dossier;

use support::Archive;

/// More documents than one page of the export (256), so that paging is exercised.
const BULK_DOCUMENTS: usize = 300;
const HOSTILE_TITLE: &str = "<script>alert(1)</script> & \u{1} friends";

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(command: &mut Command) -> Output {
    let output = command.output().expect("dossier runs");
    assert!(
        output.status.code().is_some(),
        "killed by a signal: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn succeeded(command: &mut Command) -> Output {
    let output = run(command);
    assert!(
        output.status.success(),
        "{:?} failed\nstdout: {}\nstderr: {}",
        command,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Files of many kinds: the seed, the parser fixtures (text in several encodings,
/// Markdown, JSON, NDJSON), a saved page, feeds and read-it-later exports (with
/// read state and saved links), a hostile document and a page with relative
/// addresses; with `bulk`, enough small documents for several export pages.
fn corpus(folder: &Path, bulk: bool) -> Vec<PathBuf> {
    let root = repository();
    let mut paths = vec![
        root.join("seeds/000_b389a61e5b667c13.txt"),
        root.join("crates/core/tests/fixtures"),
        root.join("crates/core/tests/html/news_article.html"),
    ];
    for name in
        ["pocket.csv", "rss.xml", "atom.xml", "feed.json", "wallabag.json", "bookmarks.html", "readeck.zip"]
    {
        paths.push(root.join("crates/core/tests/collections").join(name));
    }
    let hostile = json!({
        "title": HOSTILE_TITLE,
        "dek": "<em>not emphasis</em>",
        "url": "https://hostile.example/a?b=1&c=<2>",
        "site": "\"Quoted\" <Site>",
        "blocks": [
            {"type": "paragraph", "text": "<img src=x onerror=alert(1)> and <a href=\"javascript:alert(1)\">a link</a>"},
            {"type": "heading", "level": 2, "text": "</h2><script>alert(2)</script>"},
            {"type": "image", "src": "javascript:alert(3)", "alt": "<b>alt</b>"},
            {"type": "image", "src": "https://tracker.example/pixel.gif", "caption": "a pixel"},
            {"type": "code", "text": "</code></pre><iframe src=\"https://evil.example\"></iframe>"},
            {"type": "quote", "text": "Line one\nLine <two>", "cite": "</blockquote>"},
            {"type": "list", "ordered": true, "items": ["<li>one", "two & three"]}
        ]
    });
    std::fs::write(folder.join("hostile.json"), hostile.to_string()).unwrap();
    std::fs::write(
        folder.join("relative.html"),
        r#"<!DOCTYPE html><html lang="en"><head><title>Harbour lights return to the old pier</title>
<link rel="canonical" href="harbour-lights.html"><meta property="og:image" content="img/pier.jpg"></head>
<body><article><h1>Harbour lights return to the old pier</h1>
<p>The lamps along the old pier were lit again on Friday after two years of repairs to the wiring.</p>
<p>Residents gathered at dusk to watch the first of the forty lamps come on, one after another.</p>
</article></body></html>"#,
    )
    .unwrap();
    paths.push(folder.join("hostile.json"));
    paths.push(folder.join("relative.html"));
    if bulk {
        let mut lines = String::new();
        for index in 0..BULK_DOCUMENTS {
            let read = if index % 7 == 0 { ", \"read\": true" } else { "" };
            lines.push_str(&format!(
                "{{\"title\": \"Ledger entry {index}\", \"site\": \"Ledger {site}\", \"text\": \"Entry {index} of the ledger records {kind} {word} for account {account}.\"{read}}}\n",
                site = index % 3,
                kind = if index % 2 == 0 { "item" } else { "payment" },
                word = index * 7919 % 10007,
                account = index * 104_729 % 1_000_003,
            ));
        }
        std::fs::write(folder.join("bulk.ndjson"), lines).unwrap();
        paths.push(folder.join("bulk.ndjson"));
    }
    paths
}

/// Imports `paths`, fetching nothing (saved links stay links). Some fixtures hold
/// entries that are broken on purpose, so failures are allowed; the rest is stored.
fn import(home: &Path, location: &str, paths: &[PathBuf]) {
    let output = run(dossier(home).args(["--db", location, "import", "--no-fetch", "--json"]).args(paths));
    let summary: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("{error}: {}", String::from_utf8_lossy(&output.stderr)));
    assert!(summary["imported"].as_u64().unwrap() > 20, "{summary}");
}

fn export(home: &Path, location: &str, arguments: &[&str]) -> Vec<u8> {
    succeeded(dossier(home).args(["--db", location, "export"]).args(arguments)).stdout
}

fn lines(ndjson: &[u8]) -> Vec<Value> {
    String::from_utf8(ndjson.to_vec())
        .expect("UTF-8")
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|error| panic!("{error}: {line}")))
        .collect()
}

/// Exported documents by fingerprint (ids differ between archives), each once.
fn by_fingerprint(documents: Vec<Value>) -> BTreeMap<String, Value> {
    let count = documents.len();
    let map: BTreeMap<String, Value> = documents
        .into_iter()
        .map(|document| (document["fingerprint"].as_str().expect("a fingerprint").to_owned(), document))
        .collect();
    assert_eq!(map.len(), count, "fingerprints are unique");
    map
}

/// Imports everything into `source`, tags and reads some documents there as a
/// reader would, exports it in `format`, imports that into the empty `target`,
/// and checks that the target exports the same documents.
async fn round_trip(source: Archive, target: Archive, format: &str) {
    let home = tempfile::tempdir().unwrap();
    let (from, to) = (source.location(), target.location());
    import(home.path(), &from, &corpus(home.path(), true));

    // What a reader does after importing: tags and read state in the archive.
    let store = &source.store;
    let seed = store.matching_ids("netflix lawsuit").await.unwrap();
    assert!(!seed.is_empty(), "the seed is found");
    store.add_tag(&seed, "Follow-up").await.unwrap();
    let ledgers = store.matching_ids("ledger site:\"Ledger 1\"").await.unwrap();
    assert_eq!(ledgers.len(), BULK_DOCUMENTS / 3);
    store.add_tag(&ledgers[..5], "Accounts").await.unwrap();
    store.set_read(&ledgers[5..9], true).await.unwrap();

    // The export is the stored model of each document, in id order, with the
    // archive's tags and its read state.
    let file = home.path().join(format!("archive.{format}"));
    let output =
        succeeded(dossier(home.path()).args(["--db", &from, "export", "--format", format, "-o"]).arg(&file));
    let all_ids = store.matching_ids("").await.unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        format!("exported {} documents to {}", all_ids.len(), file.display())
    );
    let exported: Vec<Value> = match format {
        "json" => serde_json::from_slice::<Vec<Value>>(&std::fs::read(&file).unwrap()).expect("a JSON array"),
        _ => lines(&std::fs::read(&file).unwrap()),
    };
    assert_eq!(exported.len(), all_ids.len());
    let mut read_count = 0;
    for (id, element) in all_ids.iter().zip(&exported) {
        let mut expected = serde_json::to_value(&store.document(*id).await.unwrap().document).unwrap();
        expected["tags"] = json!(store.document_tags(*id).await.unwrap());
        if store.reading_state(*id).await.unwrap().read_at.is_some() {
            expected["read"] = json!(true);
            read_count += 1;
        }
        assert_eq!(element, &expected, "document {id}");
    }
    assert!(read_count >= 4 + BULK_DOCUMENTS / 7, "read documents are exported as read: {read_count}");

    // Into an empty archive, and out again: the same documents.
    let output =
        succeeded(dossier(home.path()).args(["--db", &to, "import", "--no-fetch", "--json"]).arg(&file));
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["failed"], 0, "{summary}");
    let again = by_fingerprint(lines(&export(home.path(), &to, &[])));
    let first = by_fingerprint(exported);
    assert_eq!(first.keys().collect::<Vec<_>>(), again.keys().collect::<Vec<_>>(), "the same documents");
    for (fingerprint, document) in &first {
        assert_eq!(document, &again[fingerprint], "document {fingerprint} differs after the round trip");
    }

    // Tags added in the reader and read state are the target archive's own now.
    let target_store = &target.store;
    assert_eq!(
        target_store.matching_ids("tag:Follow-up").await.unwrap().len(),
        seed.len(),
        "a tag added in the reader"
    );
    assert_eq!(target_store.matching_ids("tag:Accounts").await.unwrap().len(), 5);
    let read_in_target =
        target_store.export_documents(&target_store.matching_ids("").await.unwrap()).await.unwrap();
    assert_eq!(read_in_target.iter().filter(|document| document.read).count(), read_count);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ndjson_round_trip_keeps_documents_tags_and_read_state() {
    round_trip(Archive::sqlite().await, Archive::sqlite().await, "ndjson").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ndjson_round_trip_on_postgres() {
    let (Some(source), Some(target)) = (Archive::postgres().await, Archive::postgres().await) else {
        println!("skipped: set {} to run the round trip on PostgreSQL", support::POSTGRES_VARIABLE);
        return;
    };
    round_trip(source, target, "ndjson").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_round_trip_keeps_documents_tags_and_read_state() {
    round_trip(Archive::sqlite().await, Archive::sqlite().await, "json").await;
}

/// An archive of the corpus without the bulk documents, for the other formats.
async fn small_archive(home: &Path) -> Archive {
    let archive = Archive::sqlite().await;
    import(home, &archive.location(), &corpus(home, false));
    archive
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_exports_every_match_and_only_matches() {
    query_exports(Archive::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_exports_every_match_on_postgres() {
    let Some(archive) = Archive::postgres().await else {
        println!("skipped: set {} to run the query export on PostgreSQL", support::POSTGRES_VARIABLE);
        return;
    };
    query_exports(archive).await;
}

/// `--query` exports exactly what `dossier search` (and `Store::matching_ids`)
/// finds, for every part of the query syntax, however many pages the matches fill.
async fn query_exports(archive: Archive) {
    let home = tempfile::tempdir().unwrap();
    let location = archive.location();
    import(home.path(), &location, &corpus(home.path(), true));
    archive.store.add_tag(&archive.store.matching_ids("netflix").await.unwrap(), "privacy").await.unwrap();

    let queries = [
        "ledger",
        "netflix",
        "\"harbour bridge\"",
        "ledger -payment",
        "wildfire OR ferry",
        "ledg*",
        "site:\"Ledger 2\"",
        "ledger site:\"ledger 0\" -item",
        "tag:privacy",
        "after:2024-04 before:2024-08",
        "lang:fr",
        "-ledger",
    ];
    for query in queries {
        let exported = lines(&export(home.path(), &location, &["--query", query]));
        let search = succeeded(
            dossier(home.path())
                .args(["--db", &location, "search", "--json", "--limit", "1000", "--", query]),
        );
        let hits: Vec<Value> = serde_json::from_slice(&search.stdout).unwrap();
        let mut search_titles: Vec<&str> = hits.iter().map(|hit| hit["title"].as_str().unwrap()).collect();
        let mut export_titles: Vec<&str> =
            exported.iter().map(|document| document["title"].as_str().unwrap()).collect();
        search_titles.sort_unstable();
        export_titles.sort_unstable();
        assert!(!export_titles.is_empty(), "{query} matches something");
        assert_eq!(export_titles, search_titles, "{query}: the export holds exactly the search's matches");
        let mut ids: Vec<i64> = hits.iter().map(|hit| hit["id"].as_i64().unwrap()).collect();
        ids.sort_unstable();
        assert_eq!(archive.store.matching_ids(query).await.unwrap(), ids, "{query}");
    }
    let ledgers = lines(&export(home.path(), &location, &["-q", "ledger"]));
    assert_eq!(ledgers.len(), BULK_DOCUMENTS, "every match, past the first page");

    let output = run(dossier(home.path()).args(["--db", &location, "export", "--query", "before:yesterday"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("before:yesterday is not a date"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markdown_holds_every_document_with_its_source() {
    let home = tempfile::tempdir().unwrap();
    let archive = small_archive(home.path()).await;
    let markdown =
        String::from_utf8(export(home.path(), &archive.location(), &["--format", "markdown"])).unwrap();
    let ids = archive.store.matching_ids("").await.unwrap();
    for id in &ids {
        let document = archive.store.document(*id).await.unwrap().document;
        let heading = format!("# {}", document.title.split_whitespace().collect::<Vec<_>>().join(" "));
        assert!(markdown.lines().any(|line| line == heading), "{heading} is in\n{markdown}");
    }
    assert!(markdown.matches("\n\n---\n\n# ").count() >= ids.len() - 1, "documents are set apart by rules");
    assert!(
        markdown.contains("\n<https://ledger.example/tech/2024/04/02/netflix-inbox-claims>\n"),
        "{markdown}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_is_one_inert_page_with_contents() {
    let home = tempfile::tempdir().unwrap();
    let archive = small_archive(home.path()).await;
    let html = String::from_utf8(export(home.path(), &archive.location(), &["--format", "html"])).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline';"),
        "{html}"
    );
    // Nothing from the documents is markup, and nothing is loaded.
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; \u{fffd} friends"),
        "the hostile title is text"
    );
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    for (name, attributes) in tags(&html) {
        assert!(ALLOWED_ELEMENTS.contains(&name.as_str()), "<{name}> in the page");
        for (attribute, value) in attributes {
            assert!(ALLOWED_ATTRIBUTES.contains(&attribute.as_str()), "{attribute}= on <{name}>");
            if attribute == "href" {
                assert!(
                    value.starts_with("#document-")
                        || value.starts_with("https://")
                        || value.starts_with("http://"),
                    "a link to {value}"
                );
            }
        }
    }
    assert_eq!(html.matches("<style>").count(), 1, "only the page's own style");
    assert!(!html.contains("url(") && !html.contains("@import"), "the style loads nothing");
    // The contents link to every document, each an article with that anchor.
    let ids = archive.store.matching_ids("").await.unwrap();
    for id in &ids {
        assert_eq!(
            html.matches(&format!("href=\"#document-{id}\"")).count(),
            1,
            "document {id} is in the contents"
        );
        assert_eq!(
            html.matches(&format!("<article id=\"document-{id}\"")).count(),
            1,
            "document {id} is on the page"
        );
    }
    assert!(html.contains(&format!("{} documents", ids.len())));
    assert!(html.contains(
        "<a href=\"https://ledger.example/tech/2024/04/02/netflix-inbox-claims\" rel=\"noreferrer\">"
    ));
}

const ALLOWED_ELEMENTS: &[&str] = &[
    "!DOCTYPE",
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "header",
    "nav",
    "main",
    "article",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "ol",
    "ul",
    "li",
    "a",
    "blockquote",
    "figure",
    "figcaption",
    "pre",
    "code",
    "hr",
];
const ALLOWED_ATTRIBUTES: &[&str] =
    &["charset", "http-equiv", "content", "name", "id", "lang", "class", "href", "rel"];

/// Every tag of `html` with its attributes. Document text is escaped, so each
/// `<` starts a tag the exporter wrote.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("a tag ends") + start;
        let tag = rest[start + 1..end].trim_end_matches('/');
        rest = &rest[end + 1..];
        if tag.starts_with(['/', '!']) {
            continue;
        }
        let (name, mut attributes_text) = tag.split_once(' ').unwrap_or((tag, ""));
        let mut attributes = Vec::new();
        while let Some((attribute, after)) = attributes_text.trim_start().split_once(['=', ' ']) {
            let after = after.trim_start();
            match after.strip_prefix('"') {
                Some(quoted) => {
                    let (value, remaining) = quoted.split_once('"').expect("a closing quote");
                    attributes.push((attribute.to_owned(), value.to_owned()));
                    attributes_text = remaining;
                }
                None => {
                    attributes.push((attribute.to_owned(), String::new()));
                    attributes_text = after;
                }
            }
        }
        if !attributes_text.trim().is_empty() {
            attributes.push((attributes_text.trim().to_owned(), String::new()));
        }
        found.push((name.to_owned(), attributes));
        // A style element's content is not markup.
        if name == "style" {
            rest = &rest[rest.find("</style>").expect("the style ends")..];
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn epub_is_a_well_formed_book() {
    let home = tempfile::tempdir().unwrap();
    let archive = small_archive(home.path()).await;
    let location = archive.location();
    let ids = archive.store.matching_ids("").await.unwrap();

    // To standard output (not a terminal here) and to a file: the same structure.
    let piped = export(home.path(), &location, &["--format", "epub"]);
    check_book(&piped, ids.len(), true);
    let file = home.path().join("archive.epub");
    succeeded(dossier(home.path()).args(["--db", &location, "export", "-f", "epub", "-o"]).arg(&file));
    let book = std::fs::read(&file).unwrap();
    check_book(&book, ids.len(), true);

    // A search's matches make a book of their own.
    let netflix = archive.store.matching_ids("netflix").await.unwrap();
    let searched = export(home.path(), &location, &["--format", "epub", "--query", "netflix"]);
    check_book(&searched, netflix.len(), false);
}

/// Checks an EPUB 3 container: `mimetype` first, stored, at its fixed offset;
/// the container names the package document; the package has the required
/// metadata; every manifest and spine item exists and is well-formed XML.
fn check_book(bytes: &[u8], documents: usize, with_hostile: bool) {
    // The local header of the first member: no data descriptor, no extra field,
    // the name and then the content at the offsets readers look at.
    assert_eq!(&bytes[..4], b"PK\x03\x04");
    assert_eq!(u16::from_le_bytes([bytes[6], bytes[7]]) & 0x8, 0, "no data descriptor");
    assert_eq!(u16::from_le_bytes([bytes[8], bytes[9]]), 0, "stored");
    assert_eq!(u16::from_le_bytes([bytes[26], bytes[27]]), 8);
    assert_eq!(u16::from_le_bytes([bytes[28], bytes[29]]), 0, "no extra field");
    assert_eq!(&bytes[30..58], b"mimetypeapplication/epub+zip");

    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a ZIP archive");
    {
        let first = zip.by_index(0).unwrap();
        assert_eq!(first.name().unwrap(), "mimetype");
        assert_eq!(first.compression(), zip::CompressionMethod::Stored);
    }
    let mut member = |name: &str| -> String {
        let mut text = String::new();
        zip.by_name(name)
            .unwrap_or_else(|error| panic!("{name}: {error}"))
            .read_to_string(&mut text)
            .unwrap();
        text
    };
    let container = member("META-INF/container.xml");
    let package_path = elements(&container)
        .into_iter()
        .find(|(name, _, _)| name == "rootfile")
        .and_then(|(_, attributes, _)| attributes.get("full-path").cloned())
        .expect("the container names the package");
    let package = member(&package_path);
    let folder = package_path.rsplit_once('/').map_or(String::new(), |(folder, _)| format!("{folder}/"));
    let package_elements = elements(&package);
    let text_of = |wanted: &str| {
        package_elements
            .iter()
            .find(|(name, _, _)| name == wanted)
            .map(|(_, _, text)| text.clone())
            .unwrap_or_else(|| panic!("{wanted} in the package"))
    };
    let unique = package_elements[0].1.get("unique-identifier").cloned().expect("unique-identifier");
    let identifier = package_elements
        .iter()
        .find(|(name, attributes, _)| name == "dc:identifier" && attributes.get("id") == Some(&unique))
        .expect("the unique identifier");
    assert!(identifier.2.starts_with("urn:uuid:"), "{}", identifier.2);
    assert!(!text_of("dc:title").is_empty());
    assert!(!text_of("dc:language").is_empty());
    let modified = package_elements
        .iter()
        .find(|(name, attributes, _)| {
            name == "meta" && attributes.get("property").map(String::as_str) == Some("dcterms:modified")
        })
        .expect("dcterms:modified");
    assert_eq!(modified.2.len(), 20, "CCYY-MM-DDThh:mm:ssZ: {}", modified.2);
    assert!(modified.2.ends_with('Z'));

    let manifest: BTreeMap<String, (String, Option<String>)> = package_elements
        .iter()
        .filter(|(name, _, _)| name == "item")
        .map(|(_, attributes, _)| {
            (attributes["id"].clone(), (attributes["href"].clone(), attributes.get("properties").cloned()))
        })
        .collect();
    assert_eq!(manifest.values().filter(|(_, properties)| properties.as_deref() == Some("nav")).count(), 1);
    let spine: Vec<String> = package_elements
        .iter()
        .filter(|(name, _, _)| name == "itemref")
        .map(|(_, attributes, _)| attributes["idref"].clone())
        .collect();
    assert_eq!(spine.len(), documents + 2, "the title page, the contents and a chapter per document");
    for (href, _) in manifest.values() {
        let content = member(&format!("{folder}{href}"));
        if href.ends_with(".xhtml") {
            elements(&content);
        }
    }
    for idref in &spine {
        assert!(manifest.contains_key(idref), "{idref} is in the manifest");
    }
    let nav_href = &manifest.values().find(|(_, properties)| properties.as_deref() == Some("nav")).unwrap().0;
    let nav = member(&format!("{folder}{nav_href}"));
    assert_eq!(elements(&nav).iter().filter(|(name, _, _)| name == "li").count(), documents + 1);
    let chapters: Vec<String> = manifest
        .values()
        .map(|(href, _)| href.clone())
        .filter(|href| href.starts_with("documents/"))
        .collect();
    assert_eq!(chapters.len(), documents);
    let all_chapters: String = chapters.iter().map(|href| member(&format!("{folder}{href}"))).collect();
    if with_hostile {
        assert!(all_chapters.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the hostile title is text");
    }
    assert!(!all_chapters.to_lowercase().contains("<script"));
}

/// Parses `xml` strictly (end tags must match, references must be defined by XML
/// or be characters, attributes unique) and returns every element's name,
/// attributes and text; panics on anything that is not well-formed.
fn elements(xml: &str) -> Vec<(String, BTreeMap<String, String>, String)> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut found: Vec<(String, BTreeMap<String, String>, String)> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut depth_seen = false;
    loop {
        match reader.read_event().unwrap_or_else(|error| panic!("not well-formed: {error}\n{xml}")) {
            event @ (Event::Start(_) | Event::Empty(_)) => {
                let (Event::Start(element) | Event::Empty(element)) = &event else { unreachable!() };
                let mut attributes = BTreeMap::new();
                for attribute in element.attributes() {
                    let attribute = attribute.unwrap_or_else(|error| panic!("bad attribute: {error}\n{xml}"));
                    attributes.insert(attribute.key.as_ref().to_owned(), attribute.value.to_string());
                }
                let name = element.name().as_ref().to_owned();
                found.push((name, attributes, String::new()));
                depth_seen = true;
                if matches!(event, Event::Start(_)) {
                    open.push(found.len() - 1);
                }
            }
            Event::End(_) => {
                open.pop();
            }
            Event::Text(text) => {
                if let Some(&index) = open.last() {
                    found[index].2.push_str(text.as_ref());
                }
            }
            Event::GeneralRef(reference) => {
                let known = matches!(reference.as_ref(), "lt" | "gt" | "amp" | "quot" | "apos");
                let character = reference.resolve_char_ref().unwrap_or_else(|error| panic!("{error}\n{xml}"));
                assert!(known || character.is_some(), "undefined entity {:?}", reference.as_ref());
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(depth_seen && open.is_empty(), "elements are closed\n{xml}");
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_export_leaves_nothing_behind() {
    let home = tempfile::tempdir().unwrap();
    let archive = small_archive(home.path()).await;
    let location = archive.location();

    // A folder that does not exist: named, and not created.
    let missing = home.path().join("missing");
    let output =
        run(dossier(home.path()).args(["--db", &location, "export", "-o"]).arg(missing.join("out.ndjson")));
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&missing.display().to_string()), "{stderr}");
    assert!(stderr.contains("does not exist"), "{stderr}");
    assert!(!missing.exists());

    // A document that cannot be read midway: the file keeps its old content and
    // no temporary file is left in the folder.
    let out = home.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let file = out.join("archive.ndjson");
    std::fs::write(&file, "old\n").unwrap();
    let last = *archive.store.matching_ids("").await.unwrap().last().unwrap();
    archive.overwrite_document(last, b"not zstd".to_vec(), "Corrupt").await;
    let output = run(dossier(home.path()).args(["--db", &location, "export", "-o"]).arg(&file));
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stderr).contains(&format!("corrupt (id {last})")));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "old\n");
    let left: Vec<_> = std::fs::read_dir(&out).unwrap().map(|entry| entry.unwrap().file_name()).collect();
    assert_eq!(left, [std::ffi::OsString::from("archive.ndjson")]);

    // Usage errors are clap's: status 2.
    let output = run(dossier(home.path()).args(["--db", &location, "export", "--format", "pdf"]));
    assert_eq!(output.status.code(), Some(2));
}
