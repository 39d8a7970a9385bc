//! `cargo xtask bench web`: requests per second and latency of the reader's pages
//! on a generated archive (the storage benchmark's corpus and import), beside a
//! bare axum hello-world handler measured in the same run on the same machine.
//!
//! Both servers run in this process on loopback ports: `dossier_web::app` as
//! `dossier serve` builds it, and a router with one handler that returns a
//! constant string. The load generator is our own, below: `connections` closed-loop
//! HTTP/1.1 keep-alive clients on one thread, each sending a request, reading the
//! whole response (Content-Length or chunked) and timing it, then sending the
//! next. Ours rather than wrk or oha: neither comes with the Rust toolchain,
//! installing one is a build or download of its own, and the few hundred lines below keep
//! every request's latency (so p99 is exact, and can be split by query class),
//! keep the form-token cookie the reader sets as a browser would, and check every
//! status. Targets (the reader page at ≥ 25 % of hello-world's requests/s with p99
//! < 10 ms; the search page at p99 < 50 ms) are checked and reported, not
//! enforced: the figures are relative, since client and servers share the cores.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::Router;
use axum::routing::get;
use dossier_storage::Store;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::bench::{Spread, quantile};
use crate::bench_storage::{self, Corpus, PeerSearch};

/// The reader page: at least this share of hello-world's requests per second…
const READER_SHARE_TARGET: f64 = 0.25;
/// …with a p99 below this many milliseconds.
const READER_P99_TARGET_MS: f64 = 10.0;
const SEARCH_P99_TARGET_MS: f64 = 50.0;
/// Reading views measured: this many ids spread evenly over the archive.
const READER_IDS: usize = 256;
/// The pages `--pages` chooses among; hello-world is always measured.
const PAGES: [&str; 3] = ["reader", "library", "search"];
/// Passes over the reading views measured without HTTP, the first a warm-up.
const READING_VIEW_PASSES: usize = 8;
/// Requests a connection sends at least before a page is measured.
const WARM_UP_REQUESTS: usize = 10;

struct Options {
    command: String,
    documents: usize,
    connections: usize,
    /// How long each page is measured in each round, after a warm-up.
    seconds: f64,
    /// Rounds: each measures every page in turn, so that a burst of load on the
    /// shared machine falls on one round of each page rather than on one page.
    rounds: usize,
    report: PathBuf,
    folder: Option<PathBuf>,
    /// The pages measured besides hello-world; all when empty.
    pages: Vec<String>,
}

fn options(args: &[String]) -> anyhow::Result<Options> {
    let mut options = Options {
        command: format!("bench web {}", args.join(" ")),
        documents: 100_000,
        connections: 4,
        seconds: 5.0,
        rounds: 3,
        report: PathBuf::new(),
        folder: None,
        pages: Vec::new(),
    };
    let (mut quick, mut report) = (false, None);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => {
                quick = true;
                options.documents = 2_000;
                options.seconds = 1.0;
                options.rounds = 2;
            }
            "--rounds" => {
                options.rounds = args.next().context("--rounds takes a number")?.parse()?;
                anyhow::ensure!(options.rounds > 0, "--rounds takes a positive number");
            }
            "--docs" => {
                options.documents = args.next().context("--docs takes a number")?.replace('_', "").parse()?;
            }
            "--connections" => {
                options.connections = args.next().context("--connections takes a number")?.parse()?;
                anyhow::ensure!(options.connections > 0, "--connections takes a positive number");
            }
            "--seconds" => options.seconds = args.next().context("--seconds takes a number")?.parse()?,
            "--report" => report = Some(PathBuf::from(args.next().context("--report takes a path")?)),
            "--dir" => options.folder = Some(PathBuf::from(args.next().context("--dir takes a folder")?)),
            "--pages" => {
                let pages = args.next().context("--pages takes a list: reader,library,search")?;
                options.pages = pages.split(',').map(str::to_owned).collect();
                if let Some(unknown) = options.pages.iter().find(|page| !PAGES.contains(&page.as_str())) {
                    anyhow::bail!("unknown page {unknown:?}: choose among {}", PAGES.join(", "));
                }
            }
            other => anyhow::bail!("unknown option {other:?}"),
        }
    }
    options.report = report.unwrap_or_else(|| crate::bench::report_path("web", quick));
    Ok(options)
}

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let options = options(args)?;
    // The servers get a runtime of their own, as in `dossier serve`; the load
    // generator runs on a thread of its own (see `measure`).
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(bench(options))
}

async fn bench(options: Options) -> anyhow::Result<()> {
    let scratch = crate::bench::Scratch::new("web")?;
    let folder = options.folder.clone().unwrap_or_else(|| scratch.path().to_owned());
    std::fs::create_dir_all(&folder)?;
    let db = folder.join("archive.db");
    println!("web benchmark: {} documents, in {}", options.documents, folder.display());

    // The query mix is drawn from the corpus: a kept archive's was saved beside it.
    let kept = bench_storage::kept_archive(&db, options.documents).await?;
    let Corpus { texts, words } =
        if kept { Corpus::kept(&folder, options.documents)? } else { Corpus::generated(options.documents) };
    let store = Store::open(&db).await?;
    if kept {
        // Texts generated again for a kept archive without `corpus.json` are not
        // held while the pages are measured.
        drop(texts);
        println!(
            "the archive at {} already holds {} documents: import skipped",
            db.display(),
            options.documents
        );
    } else {
        let started = Instant::now();
        bench_storage::import(&store, texts).await?;
        words.save(&folder)?;
        println!("imported {} documents in {:.1} s", options.documents, started.elapsed().as_secs_f64());
    }
    let peer = PeerSearch::open(&db).await?;
    let classes = bench_storage::query_classes(&peer, &words).await?;
    peer.close().await;

    // A fixed spread of documents over the archive, newest to oldest.
    let total = store.count_documents().await?;
    let mut reader_ids = Vec::new();
    for index in 0..READER_IDS.min(total as usize) {
        let offset = (index as i64 * total / READER_IDS as i64) as u32;
        if let Some(summary) = store.list_documents(1, offset).await?.first() {
            reader_ids.push(summary.id);
        }
    }
    let reader_paths: Vec<String> = reader_ids.iter().map(|id| format!("/documents/{id}")).collect();
    let mut search_paths = Vec::new();
    let mut search_classes = Vec::new();
    for (class, queries) in &classes {
        for query in queries {
            search_paths.push(format!("/search?{}", query_pair(query)));
            search_classes.push(*class);
        }
    }

    let app = dossier_web::app(dossier_web::AppState::new(store.clone()));
    let reads = reading_view_costs(&store, &app, &reader_ids).await?;
    let mix: Vec<String> =
        classes.iter().map(|(class, queries)| format!("{} {class}", queries.len())).collect();
    println!(
        "paths: the reading view of {} documents spread over the archive; the library's first page; \
         {} searches ({})",
        reader_paths.len(),
        search_paths.len(),
        mix.join(", ")
    );

    let hello = serve(Router::new().route("/", get(|| async { "Hello, world!" }))).await?;
    let reader = serve(app).await?;
    println!(
        "load: {} keep-alive connections for {} s a page in each of {} rounds (after a warm-up that requests \
         each path), closed loop, one client thread; the client and the servers share this machine's {} cores, so the figures are relative: \
         compare the ratios",
        options.connections,
        options.seconds,
        options.rounds,
        std::thread::available_parallelism().map_or(1, usize::from),
    );

    let pages: Vec<(&str, SocketAddr, Arc<[String]>)> = [
        ("hello-world", hello, vec!["/".to_owned()]),
        ("reader", reader, reader_paths),
        ("library", reader, vec!["/".to_owned()]),
        ("search", reader, search_paths),
    ]
    .into_iter()
    .filter(|(name, _, _)| {
        *name == "hello-world" || options.pages.is_empty() || options.pages.iter().any(|page| page == name)
    })
    .map(|(name, address, paths)| (name, address, paths.into()))
    .collect();
    // outcomes[page][round]
    let mut outcomes: Vec<Vec<Outcome>> = pages.iter().map(|_| Vec::new()).collect();
    for round in 1..=options.rounds {
        let mut rates = Vec::new();
        for ((name, address, paths), outcomes) in pages.iter().zip(&mut outcomes) {
            let outcome = measure(*address, paths.clone(), options.connections, options.seconds).await?;
            if let Some(failure) = &outcome.first_failure {
                anyhow::bail!(
                    "{name}: {} of {} requests failed; first: {failure}",
                    outcome.failures,
                    outcome.requests
                );
            }
            rates.push(format!("{name} {:.0}/s", outcome.latencies.len() as f64 / outcome.seconds));
            outcomes.push(outcome);
        }
        println!("round {round} of {}: {}", options.rounds, rates.join(", "));
    }

    println!(
        "{:<18} {:>9} {:>10} {:>9} {:>9} {:>16} {:>14}",
        "page", "requests", "requests/s", "p50 ms", "p99 ms", "% of hello-world", "(rounds)"
    );
    let hello_rates: Vec<f64> =
        outcomes[0].iter().map(|outcome| outcome.latencies.len() as f64 / outcome.seconds).collect();
    let mut rows = Vec::new();
    for ((name, _, paths), outcomes) in pages.iter().zip(&outcomes) {
        let row = Row::new((*name).to_owned(), outcomes, &hello_rates, |_| true);
        row.print();
        rows.push(row);
        if *name == "search" {
            for (class, _) in &classes {
                let row = Row::new(format!("search {class}"), outcomes, &hello_rates, |index| {
                    search_classes[index] == *class
                });
                row.print();
                rows.push(row);
            }
            if let Some(last) = outcomes.last() {
                print_slowest(last, paths);
            }
        }
    }
    store.close().await;

    let find = |name: &str| rows.iter().find(|row| row.name == name);
    let verdict = |met: bool| if met { "met" } else { "missed" };
    let mut targets = serde_json::Map::new();
    if let Some(reader) = find("reader") {
        let share = reader.share.median;
        let met = share >= READER_SHARE_TARGET && reader.p99 < READER_P99_TARGET_MS;
        println!(
            "target: reader page ≥ {:.0} % of hello-world's requests/s with p99 < {READER_P99_TARGET_MS} ms: {:.1} %, p99 {:.2} ms — {}",
            READER_SHARE_TARGET * 100.0,
            share * 100.0,
            reader.p99,
            verdict(met)
        );
        targets.insert(
            "reader".to_owned(),
            serde_json::json!({ "share_of_hello_world": share, "p99_ms": reader.p99, "met": met,
                "share_target": READER_SHARE_TARGET, "p99_target_ms": READER_P99_TARGET_MS }),
        );
    }
    if let Some(search) = find("search") {
        let met = search.p99 < SEARCH_P99_TARGET_MS;
        println!(
            "target: search page p99 < {SEARCH_P99_TARGET_MS} ms: p99 {:.2} ms — {}",
            search.p99,
            verdict(met)
        );
        targets.insert(
            "search".to_owned(),
            serde_json::json!({ "p99_ms": search.p99, "met": met, "p99_target_ms": SEARCH_P99_TARGET_MS }),
        );
    }

    let report = serde_json::json!({
        "documents": total,
        "connections": options.connections,
        "seconds_per_page": options.seconds,
        "rounds": options.rounds,
        "cores": std::thread::available_parallelism().map_or(1, usize::from),
        "pages": rows.iter().map(|row| serde_json::json!({
            "page": row.name,
            "requests": row.requests,
            "requests_per_second": row.rate,
            "p50_ms": row.p50,
            "p99_ms": row.p99,
            "ratio_to_hello_world": row.share.to_json(),
        })).collect::<Vec<_>>(),
        "targets": targets,
        "reading_view_microseconds": reads.iter().map(|(name, median)| (name.to_string(), serde_json::json!(median))).collect::<serde_json::Map<_, _>>(),
    });
    crate::bench::write_report(&options.report, &options.command, report)
}

/// Where a reading view's time goes on the server, one page at a time with
/// nothing else running, over the same documents (the median of the passes
/// after the first): the one storage statement with the model decoded
/// (`Reader::reading_page`), and the whole page through the router without a
/// socket (read, decode, render, headers). The rest of a request's cost is HTTP and loopback TCP, which
/// hello-world pays too. Returns (part, median microseconds a page).
async fn reading_view_costs(
    store: &Store,
    router: &Router,
    ids: &[i64],
) -> anyhow::Result<Vec<(&'static str, f64)>> {
    use tower::ServiceExt;
    let reader = store.reader();
    // A browser's cookie, so that no page mints a token.
    let cookie = format!("{}={}", dossier_web::CSRF_COOKIE, "0".repeat(64));
    // Each part over every document in turn, so that no measurement finds the
    // document in the processor's caches from the one before; the first pass
    // warms the archive's pages, the median of the others is kept.
    let mut passes: [Vec<f64>; 2] = Default::default();
    for pass in 0..READING_VIEW_PASSES {
        let started = Instant::now();
        for &id in ids {
            std::hint::black_box(reader.reading_page(id, dossier_web::COVERAGE_SHOWN).await?);
        }
        let statement = started.elapsed().as_secs_f64() * 1e6 / ids.len() as f64;
        let started = Instant::now();
        for &id in ids {
            let request = axum::http::Request::get(format!("/documents/{id}"))
                .header(axum::http::header::COOKIE, &cookie)
                .body(axum::body::Body::empty())?;
            let response = router.clone().oneshot(request).await?;
            anyhow::ensure!(response.status().is_success(), "/documents/{id}: {}", response.status());
            std::hint::black_box(axum::body::to_bytes(response.into_body(), usize::MAX).await?);
        }
        let page = started.elapsed().as_secs_f64() * 1e6 / ids.len() as f64;
        if pass > 0 {
            passes[0].push(statement);
            passes[1].push(page);
        }
    }
    let parts: Vec<(&'static str, f64)> = ["storage statement and decoding", "whole page without HTTP"]
        .into_iter()
        .zip(passes.map(|values| quantile(&values, 0.5)))
        .collect();
    println!(
        "a reading view on the server, one at a time on an idle archive (median of {} passes): {}",
        READING_VIEW_PASSES - 1,
        parts.iter().map(|(name, median)| format!("{name} {median:.0} µs")).collect::<Vec<_>>().join(", ")
    );
    Ok(parts)
}

/// The paths whose slowest request took longest, to find what makes a p99.
fn print_slowest(outcome: &Outcome, paths: &[String]) {
    let mut slowest = vec![0.0f64; paths.len()];
    for (path, milliseconds) in &outcome.latencies {
        let slowest = &mut slowest[*path as usize];
        *slowest = slowest.max(*milliseconds);
    }
    let mut order: Vec<usize> = (0..paths.len()).collect();
    order.sort_by(|a, b| slowest[*b].total_cmp(&slowest[*a]));
    let listed: Vec<String> =
        order.iter().take(8).map(|index| format!("{} {:.0} ms", paths[*index], slowest[*index])).collect();
    println!("slowest requests: {}", listed.join(", "));
}

/// `q=…`, percent-encoded for a query string.
fn query_pair(query: &str) -> String {
    let mut encoded = String::from("q=");
    for byte in query.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// Serves `router` on a free loopback port until the process ends.
async fn serve(router: Router) -> anyhow::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(address)
}

/// One page's figures over every round, from all of its requests or those whose
/// path is selected; its share of hello-world's requests/s is taken round by round.
struct Row {
    name: String,
    requests: usize,
    rate: f64,
    p50: f64,
    p99: f64,
    share: Spread,
}

impl Row {
    fn new(name: String, rounds: &[Outcome], hello_rates: &[f64], selected: impl Fn(usize) -> bool) -> Row {
        let mut latencies = Vec::new();
        let mut shares = Vec::new();
        let mut seconds = 0.0;
        for (outcome, hello_rate) in rounds.iter().zip(hello_rates) {
            let before = latencies.len();
            latencies.extend(
                outcome.latencies.iter().filter(|(path, _)| selected(*path as usize)).map(|(_, ms)| *ms),
            );
            shares.push((latencies.len() - before) as f64 / outcome.seconds / hello_rate);
            seconds += outcome.seconds;
        }
        Row {
            name,
            requests: latencies.len(),
            rate: latencies.len() as f64 / seconds,
            p50: quantile(&latencies, 0.5),
            p99: quantile(&latencies, 0.99),
            share: Spread::of(&shares),
        }
    }

    fn print(&self) {
        println!(
            "{:<18} {:>9} {:>10.0} {:>9.2} {:>9.2} {:>14.1} % {:>6.1}–{:.1} %",
            self.name,
            self.requests,
            self.rate,
            self.p50,
            self.p99,
            100.0 * self.share.median,
            100.0 * self.share.min,
            100.0 * self.share.max,
        );
    }
}

/// A warm-up that requests every path at least once (and checks it), then
/// `seconds` measured; on a thread of its own with a single-threaded runtime, as
/// wrk runs one thread of clients.
async fn measure(
    address: SocketAddr,
    paths: Arc<[String]>,
    connections: usize,
    seconds: f64,
) -> anyhow::Result<Outcome> {
    tokio::task::spawn_blocking(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        runtime.block_on(async {
            let warm_up = Stop::Requests(paths.len().div_ceil(connections).max(WARM_UP_REQUESTS));
            let outcome = drive(address, paths.clone(), connections, warm_up).await?;
            if outcome.first_failure.is_some() {
                return Ok(outcome);
            }
            drive(address, paths, connections, Stop::After(Duration::from_secs_f64(seconds))).await
        })
    })
    .await?
}

/// When each connection stops sending requests.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Stop {
    After(Duration),
    /// After this many requests, for tests.
    Requests(usize),
}

/// What a run of the load generator saw.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    /// Responses read whole, whatever their status.
    pub(crate) requests: usize,
    /// (index of the path, milliseconds from sending the request to the end of
    /// its response) of every request with status 200.
    pub(crate) latencies: Vec<(u32, f64)>,
    /// Responses with another status.
    pub(crate) failures: usize,
    pub(crate) first_failure: Option<String>,
    /// Bytes of the responses' bodies, after chunked decoding.
    pub(crate) body_bytes: u64,
    /// TCP connections opened: `connections` while the servers keep them alive.
    pub(crate) connections_opened: usize,
    pub(crate) seconds: f64,
}

/// Sends GET requests for `paths` over `connections` keep-alive connections,
/// each starting at its own place in `paths` and taking them in turn.
/// A network or protocol error ends the run with an error; a status other than
/// 200 is counted in `failures`.
pub(crate) async fn drive(
    address: SocketAddr,
    paths: Arc<[String]>,
    connections: usize,
    stop: Stop,
) -> anyhow::Result<Outcome> {
    anyhow::ensure!(!paths.is_empty(), "no paths to request");
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for connection in 0..connections {
        let paths = paths.clone();
        tasks.spawn(async move {
            let mut client = Client::new(address);
            let mut outcome = Outcome::default();
            let mut next = connection * paths.len() / connections;
            loop {
                let done = match stop {
                    Stop::After(duration) => started.elapsed() >= duration,
                    Stop::Requests(requests) => outcome.requests >= requests,
                };
                if done {
                    break;
                }
                let path = &paths[next];
                let sent = Instant::now();
                let response = client.get(path).await.with_context(|| format!("GET {path}"))?;
                let milliseconds = sent.elapsed().as_secs_f64() * 1e3;
                outcome.requests += 1;
                outcome.body_bytes += response.body_bytes as u64;
                if response.status == 200 {
                    outcome.latencies.push((next as u32, milliseconds));
                } else {
                    outcome.failures += 1;
                    outcome
                        .first_failure
                        .get_or_insert_with(|| format!("GET {path}: status {}", response.status));
                }
                next = (next + 1) % paths.len();
            }
            outcome.connections_opened = client.opened;
            anyhow::Ok(outcome)
        });
    }
    let mut total = Outcome::default();
    while let Some(outcome) = tasks.join_next().await {
        let outcome = outcome??;
        total.requests += outcome.requests;
        total.latencies.extend(outcome.latencies);
        total.failures += outcome.failures;
        total.first_failure = total.first_failure.or(outcome.first_failure);
        total.body_bytes += outcome.body_bytes;
        total.connections_opened += outcome.connections_opened;
    }
    total.seconds = started.elapsed().as_secs_f64();
    Ok(total)
}

/// One HTTP/1.1 connection, opened again when the server closes it, with the
/// cookies the server set, sent back as a browser would.
struct Client {
    address: SocketAddr,
    stream: Option<TcpStream>,
    /// Bytes read past the last response (none while requests are not pipelined).
    buffer: Vec<u8>,
    /// (name, value) of each cookie set.
    cookies: Vec<(String, String)>,
    opened: usize,
}

impl Client {
    fn new(address: SocketAddr) -> Client {
        Client { address, stream: None, buffer: Vec::with_capacity(64 << 10), cookies: Vec::new(), opened: 0 }
    }

    async fn get(&mut self, path: &str) -> anyhow::Result<Response> {
        if self.stream.is_none() {
            let stream = TcpStream::connect(self.address).await.context("connecting")?;
            stream.set_nodelay(true)?;
            self.stream = Some(stream);
            self.buffer.clear();
            self.opened += 1;
        }
        let stream = self.stream.as_mut().expect("connected above");
        let mut request = format!("GET {path} HTTP/1.1\r\nHost: {}\r\n", self.address);
        if !self.cookies.is_empty() {
            let pairs: Vec<String> =
                self.cookies.iter().map(|(name, value)| format!("{name}={value}")).collect();
            request.push_str(&format!("Cookie: {}\r\n", pairs.join("; ")));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).await.context("sending the request")?;
        let response = read_response(stream, &mut self.buffer).await?;
        for (name, value) in &response.cookies {
            match self.cookies.iter_mut().find(|(known, _)| known == name) {
                Some(cookie) => cookie.1.clone_from(value),
                None => self.cookies.push((name.clone(), value.clone())),
            }
        }
        if response.close {
            self.stream = None;
        }
        Ok(response)
    }
}

#[derive(Debug, PartialEq, Eq)]
struct Response {
    status: u16,
    body_bytes: usize,
    /// The server will close the connection after it.
    close: bool,
    /// (name, value) of each `Set-Cookie`.
    cookies: Vec<(String, String)>,
}

/// Reads one response from `reader`, with `buffer` holding what was read before
/// and keeping what is read past it. The body is read whole and counted, not kept.
async fn read_response<R: AsyncRead + Unpin>(
    reader: &mut R,
    buffer: &mut Vec<u8>,
) -> anyhow::Result<Response> {
    let head_end = loop {
        if let Some(at) = find(buffer, b"\r\n\r\n", 0) {
            break at + 4;
        }
        fill(reader, buffer).await?;
    };
    let head = std::str::from_utf8(&buffer[..head_end]).context("the response head is not UTF-8")?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.split(' ');
    let version = parts.next().unwrap_or_default();
    anyhow::ensure!(version.starts_with("HTTP/1."), "not an HTTP/1 response: {status_line:?}");
    let status: u16 = parts.next().and_then(|code| code.parse().ok()).context("no status code")?;
    let mut response = Response { status, body_bytes: 0, close: version == "HTTP/1.0", cookies: Vec::new() };
    let mut content_length = None;
    let mut chunked = false;
    for line in lines.filter(|line| !line.is_empty()) {
        let (name, value) =
            line.split_once(':').with_context(|| format!("a header without a colon: {line:?}"))?;
        let value = value.trim();
        match name.to_ascii_lowercase().as_str() {
            "content-length" => content_length = Some(value.parse::<usize>().context("Content-Length")?),
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            "connection" => response.close = value.eq_ignore_ascii_case("close"),
            "set-cookie" => {
                let pair = value.split(';').next().unwrap_or_default();
                if let Some((name, value)) = pair.split_once('=') {
                    response.cookies.push((name.trim().to_owned(), value.trim().to_owned()));
                }
            }
            _ => {}
        }
    }
    let end = if matches!(status, 100..=199 | 204 | 304) {
        head_end
    } else if chunked {
        let mut at = head_end;
        loop {
            let line_end = loop {
                if let Some(line_end) = find(buffer, b"\r\n", at) {
                    break line_end;
                }
                fill(reader, buffer).await?;
            };
            let line = std::str::from_utf8(&buffer[at..line_end]).context("a chunk size is not UTF-8")?;
            let size_text = line.split(';').next().unwrap_or_default().trim();
            let size =
                usize::from_str_radix(size_text, 16).with_context(|| format!("chunk size {line:?}"))?;
            at = line_end + 2;
            if size == 0 {
                // Trailers, if any, end with an empty line.
                loop {
                    let line_end = loop {
                        if let Some(line_end) = find(buffer, b"\r\n", at) {
                            break line_end;
                        }
                        fill(reader, buffer).await?;
                    };
                    let empty = line_end == at;
                    at = line_end + 2;
                    if empty {
                        break;
                    }
                }
                break at;
            }
            while buffer.len() < at + size + 2 {
                fill(reader, buffer).await?;
            }
            anyhow::ensure!(&buffer[at + size..at + size + 2] == b"\r\n", "a chunk does not end its line");
            response.body_bytes += size;
            at += size + 2;
        }
    } else if let Some(length) = content_length {
        while buffer.len() < head_end + length {
            fill(reader, buffer).await?;
        }
        response.body_bytes = length;
        head_end + length
    } else {
        // No length: the body runs to the end of the connection.
        while reader.read_buf(buffer).await? > 0 {}
        response.body_bytes = buffer.len() - head_end;
        response.close = true;
        buffer.len()
    };
    buffer.drain(..end);
    Ok(response)
}

/// Reads more into `buffer`; the connection ending here ends a response early.
async fn fill<R: AsyncRead + Unpin>(reader: &mut R, buffer: &mut Vec<u8>) -> anyhow::Result<()> {
    buffer.reserve(16 << 10);
    let read = reader.read_buf(buffer).await.context("reading the response")?;
    anyhow::ensure!(read > 0, "the connection closed in the middle of a response");
    Ok(())
}

/// Where `needle` first occurs in `haystack` from `from` on.
fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack.get(from..)?.windows(needle.len()).position(|window| window == needle).map(|at| at + from)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::Router;
    use axum::routing::get;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::{Response, Stop, drive, read_response};

    #[tokio::test]
    async fn responses_are_read_whole_with_a_length_chunked_or_to_the_end() {
        let input = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nSet-Cookie: token=abc; HttpOnly\r\n\r\nhello\
            HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3;name=x\r\nabc\r\nA\r\n0123456789\r\n0\r\nTrailer: 1\r\n\r\n\
            HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n\
            HTTP/1.0 200 OK\r\n\r\nto the end";
        let mut reader = &input[..];
        let mut buffer = Vec::new();
        let mut responses = Vec::new();
        for _ in 0..4 {
            responses.push(read_response(&mut reader, &mut buffer).await.unwrap());
        }
        let response = |status, body_bytes, close, cookies: &[(&str, &str)]| Response {
            status,
            body_bytes,
            close,
            cookies: cookies.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())).collect(),
        };
        assert_eq!(
            responses,
            [
                response(200, 5, false, &[("token", "abc")]),
                response(404, 13, false, &[]),
                response(204, 0, true, &[]),
                response(200, 10, true, &[]),
            ]
        );
        // A response cut short is an error, not a short body.
        let mut reader = &b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nhello"[..];
        assert!(read_response(&mut reader, &mut Vec::new()).await.is_err());
    }

    #[tokio::test]
    async fn every_request_is_answered_on_connections_kept_alive() {
        let served = Arc::new(AtomicUsize::new(0));
        let counter = served.clone();
        let router = Router::new()
            .route(
                "/count",
                get(move || async move {
                    counter.fetch_add(1, Ordering::Relaxed);
                    "counted"
                }),
            )
            .route("/missing", get(|| async { (axum::http::StatusCode::NOT_FOUND, "no") }));
        let address = super::serve(router).await.unwrap();
        let paths: Arc<[String]> =
            vec!["/count".to_owned(), "/count".to_owned(), "/missing".to_owned()].into();
        let outcome = drive(address, paths, 3, Stop::Requests(30)).await.unwrap();
        assert_eq!(outcome.requests, 90);
        assert_eq!(served.load(Ordering::Relaxed), 60);
        assert_eq!(outcome.latencies.len(), 60);
        assert_eq!(outcome.failures, 30);
        assert!(outcome.first_failure.unwrap().contains("/missing: status 404"));
        assert_eq!(outcome.body_bytes, 60 * 7 + 30 * 2);
        assert_eq!(outcome.connections_opened, 3, "one connection each, kept alive");
    }

    /// A server of our own, to send chunks split across writes and to close the
    /// connection after each response, which axum never does unasked.
    #[tokio::test]
    async fn chunked_bodies_split_across_writes_and_closed_connections_are_handled() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = accepted.clone();
        tokio::spawn(async move {
            loop {
                let (mut stream, _) = listener.accept().await.unwrap();
                counter.fetch_add(1, Ordering::Relaxed);
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    while !request.ends_with(b"\r\n\r\n") {
                        let mut byte = [0];
                        if stream.read(&mut byte).await.unwrap() == 0 {
                            return;
                        }
                        request.push(byte[0]);
                    }
                    assert!(request.starts_with(b"GET /chunks HTTP/1.1\r\n"));
                    for piece in [
                        &b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n4\r"[..],
                        b"\nabcd\r\n1",
                        b"0\r\n0123456789abcdef\r\n0\r\n",
                        b"\r\n",
                    ] {
                        stream.write_all(piece).await.unwrap();
                        stream.flush().await.unwrap();
                        tokio::task::yield_now().await;
                    }
                });
            }
        });
        let outcome = drive(address, vec!["/chunks".to_owned()].into(), 2, Stop::Requests(5)).await.unwrap();
        assert_eq!(outcome.requests, 10);
        assert_eq!(outcome.latencies.len(), 10);
        assert_eq!(outcome.body_bytes, 10 * 20);
        assert_eq!(outcome.connections_opened, 10, "a new connection after each close");
        assert_eq!(accepted.load(Ordering::Relaxed), 10);
    }
}
