//! `dossier import` beyond files: web addresses fetched from a loopback HTTP
//! server (each refusal of a non-public address, redirects, retries, limits),
//! links from exports and feeds from OPML lists, `--retry-failed`, `--dry-run`,
//! streamed NDJSON, and an import killed part-way and run again.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

#[path = "support/process.rs"]
mod process;

use process::dossier;

fn import(home: &Path, db: &Path, args: &[&str]) -> (Output, Value) {
    let output = dossier(home).arg("--db").arg(db).args(["import", "--json"]).args(args).output().unwrap();
    let summary = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "not JSON ({error}):\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output, summary)
}

fn reasons(summary: &Value) -> Vec<String> {
    summary["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|failure| {
            format!("{}: {}", failure["path"].as_str().unwrap(), failure["reason"].as_str().unwrap())
        })
        .collect()
}

fn show(home: &Path, db: &Path, id: i64) -> Value {
    let output = dossier(home)
        .arg("--db")
        .arg(db)
        .args(["show", &id.to_string(), "--format", "json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// An answer of the test server.
#[derive(Clone)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Waits this long before answering.
    delay: Duration,
    /// Sends no Content-Length and closes the connection to end the body.
    unframed: bool,
}

impl Reply {
    fn page(body: &str) -> Reply {
        Reply::with_type(200, "text/html; charset=utf-8", body.as_bytes().to_vec())
    }

    fn with_type(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
            delay: Duration::ZERO,
            unframed: false,
        }
    }

    fn redirect(to: &str) -> Reply {
        Reply {
            status: 302,
            headers: vec![("Location".into(), to.into())],
            body: Vec::new(),
            delay: Duration::ZERO,
            unframed: false,
        }
    }
}

type Routes = dyn Fn(&str, usize) -> Reply + Send + Sync;

/// A loopback HTTP/1.1 server: `routes` answers each path, given how many times
/// that path was asked for before. Counts requests, and the most it served at once.
struct Server {
    address: String,
    requests: Arc<Mutex<HashMap<String, usize>>>,
    most_at_once: Arc<AtomicUsize>,
}

impl Server {
    fn start(routes: impl Fn(&str, usize) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let requests = Arc::new(Mutex::new(HashMap::new()));
        let most_at_once = Arc::new(AtomicUsize::new(0));
        let routes: Arc<Routes> = Arc::new(routes);
        let (counts, most) = (Arc::clone(&requests), Arc::clone(&most_at_once));
        std::thread::spawn(move || {
            let serving = Arc::new(AtomicUsize::new(0));
            for stream in listener.incoming().flatten() {
                let (routes, counts, most, serving) =
                    (Arc::clone(&routes), Arc::clone(&counts), Arc::clone(&most), Arc::clone(&serving));
                std::thread::spawn(move || serve(stream, &*routes, &counts, &most, &serving));
            }
        });
        Server { address, requests, most_at_once }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    fn asked(&self, path: &str) -> usize {
        self.requests.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    fn total_asked(&self) -> usize {
        self.requests.lock().unwrap().values().sum()
    }
}

fn serve(
    stream: TcpStream,
    routes: &Routes,
    counts: &Mutex<HashMap<String, usize>>,
    most: &AtomicUsize,
    serving: &AtomicUsize,
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
                break;
            }
        }
        let path = request_line.split_whitespace().nth(1).unwrap_or("/").to_owned();
        let seen = {
            let mut counts = counts.lock().unwrap();
            let count = counts.entry(path.clone()).or_insert(0);
            *count += 1;
            *count - 1
        };
        let now = serving.fetch_add(1, Ordering::SeqCst) + 1;
        most.fetch_max(now, Ordering::SeqCst);
        let reply = routes(&path, seen);
        std::thread::sleep(reply.delay);
        let mut head = format!("HTTP/1.1 {} X\r\n", reply.status);
        for (name, value) in &reply.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if reply.unframed {
            head.push_str("Connection: close\r\n\r\n");
        } else {
            head.push_str(&format!("Content-Length: {}\r\n\r\n", reply.body.len()));
        }
        // Done serving before the reply goes out: once the client has read it, it may
        // send its next request at once, and that one must not find this one still counted.
        serving.fetch_sub(1, Ordering::SeqCst);
        let written = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(&reply.body));
        if written.is_err() || reply.unframed {
            return;
        }
    }
}

fn article(title: &str, sentence: &str) -> String {
    format!(
        "<!doctype html><html lang=en><head><title>{title}</title></head><body><nav><a href=/>Home</a></nav>\
         <article><h1>{title}</h1><p>{sentence} The council met on Tuesday evening and argued for hours.</p>\
         <p>Residents who attended said the decision would change how the district pays for its schools.</p>\
         </article></body></html>"
    )
}

#[test]
fn a_web_address_is_fetched_extracted_and_stored_under_its_address() {
    let server = Server::start(|path, _| match path {
        "/story" => Reply::page(&article("Council approves the budget", "The budget passed by one vote.")),
        _ => Reply::with_type(404, "text/plain", b"no".to_vec()),
    });
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("archive.db");
    let url = server.url("/story");
    let (output, summary) = import(home.path(), &db, &["--allow-private", &url]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(summary["imported"], 1, "{summary}");
    assert_eq!(summary["fetched"], 1);
    let id = summary["documents"][0]["id"].as_i64().unwrap();
    let shown = show(home.path(), &db, id);
    assert_eq!(shown["title"], "Council approves the budget", "{shown}");
    assert_eq!(shown["url"], url.as_str());
    let text = shown["blocks"].to_string();
    assert!(text.contains("The budget passed by one vote."), "{text}");
    assert!(!text.contains("Home"), "navigation is left out: {text}");
    assert_eq!(shown["sources"][0]["location"], url.as_str());

    // Running the same command again fetches nothing.
    let (output, again) = import(home.path(), &db, &["--allow-private", &url]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(again["already_fetched"], 1, "{again}");
    assert_eq!(again["fetched"], 0);
    assert_eq!(server.asked("/story"), 1);
}

#[test]
fn non_public_addresses_are_refused_literal_resolved_or_redirected() {
    let server = Server::start(|path, _| match path {
        "/page" => Reply::page(&article("A page", "Fine.")),
        "/to-metadata" => Reply::redirect("http://169.254.169.254/latest/meta-data/"),
        "/to-private" => Reply::redirect("http://10.0.0.1/admin"),
        "/to-other-loopback" => Reply::redirect("http://127.0.0.2/"),
        "/to-ipv6-loopback" => Reply::redirect("http://[::1]/"),
        "/to-file" => Reply::redirect("file:///etc/passwd"),
        _ => Reply::with_type(404, "text/plain", Vec::new()),
    });
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("archive.db");
    let port = server.address.rsplit(':').next().unwrap().to_owned();

    // Without --allow-private: every spelling of a loopback address, and a name
    // that resolves to one, is refused before any request is made.
    let refused = [
        server.url("/page"),
        format!("http://localhost:{port}/page"),
        format!("http://[::1]:{port}/page"),
        format!("http://2130706433:{port}/page"),
        format!("http://[::ffff:127.0.0.1]:{port}/page"),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://10.1.2.3/".to_owned(),
        "http://[fe80::1]/".to_owned(),
        "http://224.0.0.1/".to_owned(),
    ];
    let args: Vec<&str> = refused.iter().map(String::as_str).collect();
    let (output, summary) = import(home.path(), &db, &args);
    assert_eq!(output.status.code(), Some(1), "some items failed");
    assert_eq!(summary["failed"], refused.len(), "{summary}");
    for reason in reasons(&summary) {
        assert!(reason.contains("not a public address") && reason.contains("--allow-private"), "{reason}");
    }
    assert!(reasons(&summary).iter().any(|reason| reason.contains("localhost resolves to")), "{summary}");
    assert_eq!(server.total_asked(), 0, "no request reached the server");

    // Allowed to reach this server only: its redirects into other private
    // addresses, or to another scheme, are refused at the redirect.
    let allow = "--allow-private=127.0.0.1";
    for (path, target) in [
        ("/to-metadata", "169.254.169.254"),
        ("/to-private", "10.0.0.1"),
        ("/to-other-loopback", "127.0.0.2"),
        ("/to-ipv6-loopback", "::1"),
        ("/to-file", "file"),
    ] {
        let (output, summary) = import(home.path(), &db, &[allow, &server.url(path)]);
        assert_eq!(output.status.code(), Some(1), "{path}: {summary}");
        let reasons = reasons(&summary);
        assert!(reasons[0].contains("redirected to") && reasons[0].contains(target), "{path}: {reasons:?}");
        assert_eq!(server.asked(path), 1, "{path} was asked once, and not retried");
    }
    let (output, summary) = import(home.path(), &db, &[allow, &server.url("/page")]);
    assert_eq!(output.status.code(), Some(0), "{summary}");
    assert_eq!(summary["imported"], 1);
}

#[test]
fn redirects_retries_and_limits() {
    let big = vec![b'a'; 17 * 1024 * 1024];
    let server = Server::start(move |path, seen| match path {
        "/moved" => Reply::redirect("/story"),
        "/story" => Reply::page(&article("The story", "It moved.")),
        path if path.starts_with("/loop") => {
            let hop: usize = path[5..].parse().unwrap_or(0);
            Reply::redirect(&format!("/loop{}", hop + 1))
        }
        "/flaky" if seen == 0 => Reply::with_type(503, "text/plain", b"busy".to_vec()),
        "/flaky" => Reply::page(&article("Flaky but fine", "It came back.")),
        "/slow-down" if seen == 0 => {
            let mut reply = Reply::with_type(429, "text/plain", Vec::new());
            reply.headers.push(("Retry-After".into(), "1".into()));
            reply
        }
        "/slow-down" => Reply::page(&article("Patience", "It waited.")),
        "/broken" => Reply::with_type(500, "text/plain", b"broken".to_vec()),
        "/gone" => Reply::with_type(404, "text/plain", Vec::new()),
        "/huge" => {
            let mut reply = Reply::with_type(200, "text/html", big.clone());
            reply.unframed = true;
            reply
        }
        "/image" => Reply::with_type(200, "image/png", b"\x89PNG\r\n".to_vec()),
        "/latin" => Reply::with_type(
            200,
            "text/html; charset=windows-1252",
            b"<html><head><title>Caf\xe9 society</title></head><body><article><p>The caf\xe9 on the corner \
              reopened on Monday after a long renovation, its owner said.</p><p>Regulars queued \
              from seven in the morning to see the new room.</p></article></body></html>"
                .to_vec(),
        ),
        _ => Reply::with_type(404, "text/plain", Vec::new()),
    });
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("archive.db");
    let urls: Vec<String> =
        ["/moved", "/loop0", "/flaky", "/slow-down", "/broken", "/gone", "/huge", "/image", "/latin"]
            .iter()
            .map(|path| server.url(path))
            .collect();
    let mut args = vec!["--allow-private"];
    args.extend(urls.iter().map(String::as_str));
    let (output, summary) = import(home.path(), &db, &args);
    assert_eq!(output.status.code(), Some(1), "{summary}");
    let failures: HashMap<String, String> = summary["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|failure| {
            let path = failure["path"].as_str().unwrap();
            (path.rsplit('/').next().unwrap().to_owned(), failure["reason"].as_str().unwrap().to_owned())
        })
        .collect();
    assert_eq!(failures.len(), 5, "{failures:?}");
    assert!(failures["loop0"].contains("more than 5 redirects"), "{failures:?}");
    assert_eq!(server.asked("/loop5"), 1, "five redirects were followed");
    assert_eq!(server.asked("/loop6"), 0, "and not a sixth");
    assert!(
        failures["broken"].contains("500") && failures["broken"].contains("after 3 tries"),
        "{failures:?}"
    );
    assert_eq!(server.asked("/broken"), 3);
    assert!(failures["gone"].contains("404"), "{failures:?}");
    assert_eq!(server.asked("/gone"), 1, "a 404 is not retried");
    assert!(failures["huge"].contains("limit"), "{failures:?}");
    assert!(failures["image"].contains("image/png"), "{failures:?}");

    assert_eq!(summary["imported"], 4, "{summary}");
    assert_eq!(server.asked("/flaky"), 2);
    assert_eq!(server.asked("/slow-down"), 2);
    let titles: Vec<String> = summary["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| show(home.path(), &db, entry["id"].as_i64().unwrap())["title"].to_string())
        .collect();
    assert!(titles.contains(&"\"Café society\"".to_owned()), "the server's charset is honoured: {titles:?}");
    let moved = show(home.path(), &db, summary["documents"][0]["id"].as_i64().unwrap());
    assert_eq!(moved["url"], server.url("/moved").as_str(), "the address asked for is kept");
    assert_eq!(moved["canonical_url"], server.url("/story").as_str(), "and where it led");
}

#[test]
fn a_fetched_pages_images_are_kept_as_local_copies() {
    let page = article("Crane removed from the quay", "The crane came down on Tuesday.").replace(
        "</article>",
        "<figure><img src=\"pics/crane.png\" alt=\"The crane\"><figcaption>Kept</figcaption></figure>\
         <figure><img src=\"/pics/fake.png\"><figcaption>Script posing as an image</figcaption></figure>\
         <figure><img src=\"/pics/page.png\"><figcaption>A page posing as an image</figcaption></figure>\
         </article>",
    );
    let server = Server::start(move |path, _| match path {
        "/news/story" => Reply::page(&page),
        "/news/pics/crane.png" => Reply::with_type(200, "image/png", dossier_synth::PNG_2X2.to_vec()),
        "/pics/fake.png" => Reply::with_type(200, "image/png", b"<svg onload=\"alert(1)\"/>".to_vec()),
        "/pics/page.png" => Reply::page("<html><body>not an image</body></html>"),
        _ => Reply::with_type(404, "text/plain", Vec::new()),
    });
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("archive.db");
    let (output, summary) = import(home.path(), &db, &["--allow-private", &server.url("/news/story")]);
    assert_eq!(output.status.code(), Some(0), "{summary}");
    assert_eq!(summary["imported"], 1, "{summary}");
    for path in ["/news/pics/crane.png", "/pics/fake.png", "/pics/page.png"] {
        assert_eq!(server.asked(path), 1, "{path} is fetched once, with the page");
    }
    let id = summary["documents"][0]["id"].as_i64().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    // The model holds the page's image addresses resolved against the page's.
    let crane = server.url("/news/pics/crane.png");
    runtime.block_on(async {
        let store = dossier_storage::Store::open(&db).await.unwrap();
        let images = store.reading_page(id, 5).await.unwrap().images;
        assert_eq!(images.keys().collect::<Vec<_>>(), [&crane], "only the real image is kept");
        let image = store.image(&images[&crane]).await.unwrap().unwrap();
        assert_eq!((image.media_type.as_str(), image.data.as_slice()), ("image/png", dossier_synth::PNG_2X2));
    });
}

#[test]
fn one_host_is_asked_at_most_twice_at_once() {
    let server = Server::start(|path, _| {
        let mut reply = Reply::page(&article(&format!("Page {path}"), &format!("This is {path}.")));
        reply.delay = Duration::from_millis(150);
        reply
    });
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("archive.db");
    let urls: Vec<String> = (0..8).map(|number| server.url(&format!("/p{number}"))).collect();
    let mut args = vec!["--allow-private"];
    args.extend(urls.iter().map(String::as_str));
    let (output, summary) = import(home.path(), &db, &args);
    assert_eq!(output.status.code(), Some(0), "{summary}");
    assert_eq!(summary["imported"], 8);
    assert_eq!(server.most_at_once.load(Ordering::SeqCst), 2, "two requests at a time to one host");
}

#[test]
fn export_links_are_fetched_and_failed_ones_retried_later() {
    let broken = Arc::new(AtomicUsize::new(1));
    let still_broken = Arc::clone(&broken);
    let server = Server::start(move |path, _| match path {
        "/first" => Reply::page(
            &article("The first story", "It was saved in Pocket.")
                .replace("<head>", "<head><link rel=canonical href=\"https://news.example/first\">"),
        ),
        "/second" if still_broken.load(Ordering::SeqCst) == 1 => {
            Reply::with_type(500, "text/plain", Vec::new())
        }
        "/second" => Reply::page(&article("The second story", "It was down for a while.")),
        _ => Reply::with_type(404, "text/plain", Vec::new()),
    });
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("archive.db");
    let export = home.path().join("pocket.csv");
    std::fs::write(
        &export,
        format!(
            "title,url,time_added,tags,status\n\
             Saved first,{},1700000000,council|budget,archive\n\
             Saved second,{},1700000100,,unread\n",
            server.url("/first"),
            server.url("/second")
        ),
    )
    .unwrap();
    let (output, summary) =
        import(home.path(), &db, &["--allow-private=127.0.0.1", export.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{summary}");
    assert_eq!(summary["fetched"], 2, "{summary}");
    assert_eq!(
        reasons(&summary),
        vec![format!(
            "{}: the server answered 500 Internal Server Error (after 3 tries)",
            server.url("/second")
        )]
    );
    // The links, then the first page as the text of its link: one document each.
    let ids: Vec<i64> =
        summary["documents"].as_array().unwrap().iter().map(|entry| entry["id"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), 3, "{summary}");
    let first = show(home.path(), &db, ids[0]);
    assert_eq!(ids[2], ids[0], "the page became the text of the link: {summary}");
    assert_eq!(first["title"], "The first story");
    assert!(first["blocks"].to_string().contains("It was saved in Pocket."));
    let library =
        dossier(home.path()).arg("--db").arg(&db).args(["search", "--json", "tag:council"]).output().unwrap();
    let hits: Value = serde_json::from_slice(&library.stdout).unwrap();
    assert_eq!(hits.as_array().unwrap().len(), 1, "the export's tags stay on the page: {hits}");

    // The server recovers; --retry-failed fetches only what failed.
    broken.store(0, Ordering::SeqCst);
    let asked_first = server.asked("/first");
    let (output, retried) = import(home.path(), &db, &["--allow-private=127.0.0.1", "--retry-failed"]);
    assert_eq!(output.status.code(), Some(0), "{retried}");
    assert_eq!(retried["fetched"], 1, "{retried}");
    assert_eq!(retried["revised"], 1, "the page revises the stored link: {retried}");
    assert_eq!(retried["documents"][0]["id"].as_i64().unwrap(), ids[1]);
    assert_eq!(server.asked("/first"), asked_first);
    let (_, nothing) = import(home.path(), &db, &["--allow-private=127.0.0.1", "--retry-failed"]);
    assert_eq!(nothing["fetched"], 0, "nothing is left to retry: {nothing}");
}

#[test]
fn an_opml_list_imports_its_feeds() {
    let server = Arc::new(Mutex::new(String::new()));
    let base = Arc::clone(&server);
    let feeds = Server::start(move |path, _| {
        let base = base.lock().unwrap().clone();
        match path {
            "/world.xml" => Reply::with_type(
                200,
                "application/rss+xml",
                format!(
                    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>World</title><link>{base}/</link>\
                     <item><title>Floods in the north</title><link>{base}/floods</link>\
                     <description>Rivers rose overnight across the northern valleys, and roads were closed.</description></item>\
                     <item><title>Talks resume</title><link>{base}/talks</link>\
                     <description>Negotiators met again on Monday after a week without progress.</description></item>\
                     </channel></rss>"
                )
                .into_bytes(),
            ),
            _ => Reply::with_type(404, "text/plain", Vec::new()),
        }
    });
    *server.lock().unwrap() = feeds.url("");
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("archive.db");
    let list = home.path().join("feeds.opml");
    std::fs::write(
        &list,
        format!(
            "<?xml version=\"1.0\"?><opml version=\"2.0\"><head><title>Mine</title></head><body>\
             <outline text=\"News\"><outline type=\"rss\" text=\"World\" xmlUrl=\"{}\"/></outline>\
             </body></opml>",
            feeds.url("/world.xml")
        ),
    )
    .unwrap();
    let (output, summary) = import(home.path(), &db, &["--allow-private", list.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{summary}");
    assert_eq!(summary["documents"].as_array().unwrap().len(), 2, "{summary}");
    assert_eq!(feeds.asked("/floods") + feeds.asked("/talks"), 0, "entries with text are not fetched");

    let (output, refused) = import(home.path(), &db, &["--no-fetch", list.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(reasons(&refused)[0].contains("--no-fetch"), "{refused}");
}

#[test]
fn a_dry_run_reports_what_would_happen_and_writes_nothing() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("archive.db");
    let folder = home.path().join("in");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("a.txt"), "First headline\n\nThe first story's text, long enough to read.\n")
        .unwrap();
    std::fs::write(folder.join("b.txt"), "First headline\n\nThe first story's text, long enough to read.\n")
        .unwrap();
    std::fs::write(folder.join("c.txt"), "").unwrap();
    let (output, summary) = import(home.path(), &db, &["--dry-run", folder.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "c.txt fails");
    assert_eq!((summary["imported"].as_i64(), summary["present"].as_i64()), (Some(1), Some(1)), "{summary}");
    assert_eq!(summary["failed"], 1);
    assert_eq!(summary["dry_run"], true);
    assert!(summary["run"].is_null());
    let first = dossier(home.path()).arg("--db").arg(&db).args(["show", "1"]).output().unwrap();
    assert!(!first.status.success(), "nothing was stored");
    let (_, real) = import(home.path(), &db, &[folder.to_str().unwrap()]);
    assert_eq!((real["imported"].as_i64(), real["present"].as_i64()), (Some(1), Some(1)), "{real}");
    let (_, again) = import(home.path(), &db, &["--dry-run", folder.to_str().unwrap()]);
    assert_eq!((again["imported"].as_i64(), again["present"].as_i64()), (Some(0), Some(2)), "{again}");
}

/// Writes `count` NDJSON documents, distinct and long enough to be articles.
fn write_ndjson(path: &Path, count: usize, bad_line: Option<usize>) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for number in 1..=count {
        if Some(number) == bad_line {
            writeln!(file, "{{\"title\": \"broken").unwrap();
            continue;
        }
        writeln!(
            file,
            "{{\"title\":\"Report number {number}\",\"url\":\"https://news.example/{number}\",\
             \"text\":\"Report {number} opens with the {number}th finding of the inquiry. Witness {number} \
             told the panel what they saw, and the panel asked for record {number} in reply.\"}}"
        )
        .unwrap();
    }
}

#[test]
fn ndjson_streams_line_by_line_naming_bad_lines() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("archive.db");
    let input = home.path().join("many.ndjson");
    write_ndjson(&input, 600, Some(300));
    let (output, summary) = import(home.path(), &db, &["--jobs", "1", input.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(summary["imported"], 599, "{}", summary["failures"]);
    assert_eq!(summary["failures"][0]["line"], 300);
    assert!(summary["failures"][0]["reason"].as_str().unwrap().contains("invalid JSON"), "{summary}");
    assert_eq!(summary["documents"][299]["line"], 301);
    let stdin = dossier(home.path())
        .arg("--db")
        .arg(&db)
        .args(["import", "--json", "-"])
        .stdin(std::fs::File::open(&input).unwrap())
        .output()
        .unwrap();
    let summary: Value = serde_json::from_slice(&stdin.stdout).unwrap();
    assert_eq!(summary["present"], 599, "{}", summary["failures"]);
    assert_eq!(summary["failures"][0]["path"], "-");
    assert_eq!(summary["failures"][0]["line"], 300);
}

#[test]
fn an_import_killed_part_way_keeps_what_it_committed_and_a_rerun_finishes() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("archive.db");
    let input = home.path().join("large.ndjson");
    // The write-ahead log passes 4 MiB after about 800 documents; the rest are the
    // margin by which the kill comes before the end.
    let total = 8_000;
    write_ndjson(&input, total, None);
    let mut child = dossier(home.path())
        .arg("--db")
        .arg(&db)
        .args(["import", "--json"])
        .arg(&input)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once some batches are committed (the write-ahead log has grown),
    // long before it can be done.
    let wal = home.path().join("archive.db-wal");
    let deadline = Instant::now() + Duration::from_secs(120);
    while std::fs::metadata(&wal).map_or(0, |metadata| metadata.len()) < 4 * 1024 * 1024 {
        assert!(Instant::now() < deadline, "the import wrote nothing in two minutes");
        assert!(child.try_wait().unwrap().is_none(), "the import ended before it could be killed");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let (output, rerun) = import(home.path(), &db, &[input.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let (present, imported) = (rerun["present"].as_u64().unwrap(), rerun["imported"].as_u64().unwrap());
    assert!(
        present > 0 && imported > 0,
        "some were stored before the kill, the rest after: {present} + {imported}"
    );
    assert_eq!(present + imported, total as u64);
    // Every document is whole: the rerun found each stored line present, and the
    // archive holds exactly one document per line.
    let ids: std::collections::HashSet<i64> =
        rerun["documents"].as_array().unwrap().iter().map(|entry| entry["id"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), total);
    let last = show(home.path(), &db, *ids.iter().max().unwrap());
    assert!(last["title"].as_str().unwrap().starts_with("Report number"), "{last}");
}
