//! Fetching web addresses for `dossier import`: pages given on the command line,
//! links that exports and bookmark files carry without their text, and the feeds
//! an OPML file lists.
//!
//! Only public addresses are fetched unless `--allow-private` is given: an
//! archive imports what strangers wrote, and a link to `http://10.0.0.1/admin` or
//! to a cloud metadata address must not make Dossier reach into the network it
//! runs in. The address is checked where it is decided:
//! - a literal IP address in the URL, before the request and on every redirect;
//! - a name, by the resolver the client connects through, which refuses a name
//!   when any of its addresses is not public, so the client never connects to an
//!   address that was not checked (no second lookup to race).
//!
//! Each request has a connect timeout and an overall timeout, a size cap read as
//! the body streams, at most [`MAX_REDIRECTS`] redirects, no proxy, and at most
//! [`PER_HOST`] requests to one host at a time. Timeouts, refused connections,
//! 408, 429 and 5xx answers are retried with exponential backoff (a `Retry-After`
//! in seconds is honoured up to [`MAX_RETRY_AFTER`]).

use std::collections::HashMap;
use std::error::Error as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{ACCEPT, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use reqwest::{StatusCode, Url, redirect};
use tokio::sync::Semaphore;

/// Redirects followed before a fetch fails.
pub const MAX_REDIRECTS: usize = 5;
/// Requests to one host at a time.
pub const PER_HOST: usize = 2;
/// Requests at a time, all hosts together.
pub const CONCURRENT: usize = 16;
/// The longest `Retry-After` waited for; a server asking for more gets a failure
/// that `--retry-failed` can try again later.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// Which non-public addresses may be fetched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Private {
    /// None: only public addresses (the default).
    #[default]
    Refused,
    /// Every address: loopback, private, link-local and the rest.
    Allowed,
    /// These addresses, and no other that is not public.
    Only(Vec<IpAddr>),
}

impl Private {
    /// Whether `address` may be fetched.
    pub fn admits(&self, address: IpAddr) -> bool {
        match self {
            Private::Allowed => true,
            _ if is_public(address) => true,
            Private::Refused => false,
            Private::Only(allowed) => allowed.contains(&address),
        }
    }
}

/// How fetching behaves; `Default` is what `dossier import` uses.
#[derive(Debug, Clone)]
pub struct Options {
    /// Which loopback, private, link-local and other non-public addresses may be
    /// fetched.
    pub private: Private,
    /// The largest body read; a larger one fails the fetch.
    pub max_bytes: u64,
    /// Tries per address, the first included.
    pub attempts: u32,
    /// The wait before the first retry; it doubles with each retry.
    pub backoff: Duration,
    pub connect_timeout: Duration,
    /// For the whole request, body included, per try.
    pub timeout: Duration,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            private: Private::Refused,
            max_bytes: 16 * 1024 * 1024,
            attempts: 3,
            backoff: Duration::from_secs(1),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(45),
        }
    }
}

/// A fetched body and what the server said about it.
#[derive(Debug)]
pub struct Page {
    /// Where the body came from, after redirects.
    pub final_url: String,
    /// The body; when the server named a charset, decoded from it and re-encoded
    /// as UTF-8 behind a byte-order mark, which every parser honours first (see
    /// [`with_declared_charset`]).
    pub bytes: Vec<u8>,
}

/// What a fetch is for: a page (or feed, or export) to read, or an image it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wanted {
    Page,
    Image,
}

/// Why a fetch failed, for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchError {
    pub reason: String,
    /// Whether trying again later may help (a timeout, a 503), as opposed to a
    /// refusal or a 404.
    pub retryable: bool,
}

impl FetchError {
    fn permanent(reason: impl Into<String>) -> FetchError {
        FetchError { reason: reason.into(), retryable: false }
    }

    fn transient(reason: impl Into<String>) -> FetchError {
        FetchError { reason: reason.into(), retryable: true }
    }
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.reason)
    }
}

/// An address the policy refuses; travels through reqwest's error chain from the
/// resolver or the redirect policy so that the failure says why.
#[derive(Debug)]
struct Refused(String);

impl std::fmt::Display for Refused {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// Fetches web addresses under [`Options`]; shared by every fetch of an import.
#[derive(Debug)]
pub struct Fetcher {
    client: reqwest::Client,
    options: Options,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
    all: Arc<Semaphore>,
}

impl Fetcher {
    pub fn new(options: Options) -> anyhow::Result<Fetcher> {
        // reqwest is built without a crypto provider; ring is the one linked in.
        // An error means one is installed already, which is all that is needed.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let private = options.private.clone();
        let client = reqwest::Client::builder()
            .user_agent(concat!("Dossier/", env!("CARGO_PKG_VERSION"), " (self-hosted news archive)"))
            .no_proxy()
            .http1_only()
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            .dns_resolver(PublicResolver { private: Arc::new(private.clone()) })
            .redirect(redirect::Policy::custom(move |attempt| {
                // `previous` holds every address asked so far, the first included.
                if attempt.previous().len() > MAX_REDIRECTS {
                    let reason =
                        format!("more than {MAX_REDIRECTS} redirects (the last to {})", attempt.url());
                    return attempt.error(Refused(reason));
                }
                match check_url(attempt.url(), &private) {
                    Ok(()) => attempt.follow(),
                    Err(reason) => {
                        let reason = format!("redirected to {}: {reason}", attempt.url());
                        attempt.error(Refused(reason))
                    }
                }
            }))
            .build()?;
        Ok(Fetcher {
            client,
            options,
            hosts: Mutex::new(HashMap::new()),
            all: Arc::new(Semaphore::new(CONCURRENT)),
        })
    }

    /// Fetches `address`, retrying what may pass, waiting its turn behind the
    /// host's and the import's other requests.
    pub async fn fetch(&self, address: &str) -> Result<Page, FetchError> {
        self.get(address, Wanted::Page).await
    }

    /// Fetches the image at `address` as [`Fetcher::fetch`] fetches a page; the
    /// server must say it is an image (storage then checks that it is one).
    pub async fn fetch_image(&self, address: &str) -> Result<Vec<u8>, FetchError> {
        Ok(self.get(address, Wanted::Image).await?.bytes)
    }

    async fn get(&self, address: &str, wanted: Wanted) -> Result<Page, FetchError> {
        let url = Url::parse(address.trim())
            .map_err(|error| FetchError::permanent(format!("not a web address: {error}")))?;
        check_url(&url, &self.options.private).map_err(FetchError::permanent)?;
        let host = self.host_permits(url.host_str().unwrap_or_default());
        let _host = host.acquire_owned().await.expect("the semaphore is never closed");
        let _turn = Arc::clone(&self.all).acquire_owned().await.expect("the semaphore is never closed");
        let mut attempt = 1;
        loop {
            match self.try_once(&url, wanted).await {
                Ok(page) => return Ok(page),
                Err((error, _)) if !error.retryable || attempt >= self.options.attempts => {
                    return Err(if attempt > 1 {
                        FetchError { reason: format!("{} (after {attempt} tries)", error.reason), ..error }
                    } else {
                        error
                    });
                }
                Err((error, retry_after)) => {
                    let backoff = self.options.backoff * 2u32.saturating_pow(attempt - 1);
                    let wait = match retry_after {
                        Some(asked) if asked > MAX_RETRY_AFTER => return Err(error),
                        Some(asked) => asked.max(backoff),
                        None => backoff,
                    };
                    tracing::debug!(%url, reason = %error.reason, ?wait, "retrying");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
            }
        }
    }

    fn host_permits(&self, host: &str) -> Arc<Semaphore> {
        let mut hosts = self.hosts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(
            hosts.entry(host.to_ascii_lowercase()).or_insert_with(|| Arc::new(Semaphore::new(PER_HOST))),
        )
    }

    /// One request; an error comes with the wait the server asked for, if any.
    async fn try_once(&self, url: &Url, wanted: Wanted) -> Result<Page, (FetchError, Option<Duration>)> {
        let accept = match wanted {
            Wanted::Page => {
                "text/html,application/xhtml+xml,application/xml;q=0.9,application/json;q=0.8,text/*;q=0.7,*/*;q=0.1"
            }
            Wanted::Image => "image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9",
        };
        let request = self.client.get(url.clone()).header(ACCEPT, accept);
        let mut response = request.send().await.map_err(|error| (describe(&error), None))?;
        let status = response.status();
        if status.is_redirection() {
            // A redirect the client did not follow: to a scheme other than http(s),
            // or without a usable address.
            let reason = match response.headers().get(LOCATION).and_then(|value| value.to_str().ok()) {
                Some(location) => match url.join(location) {
                    Ok(target) => format!(
                        "redirected to {target}: {}",
                        check_url(&target, &self.options.private)
                            .err()
                            .unwrap_or_else(|| "not followed".to_owned())
                    ),
                    Err(error) => {
                        format!("redirected to an address that cannot be read ({location}): {error}")
                    }
                },
                None => format!("the server answered {} without saying where to", status_text(status)),
            };
            return Err((FetchError::permanent(reason), None));
        }
        if !status.is_success() {
            let retry_after = response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let reason = format!("the server answered {}", status_text(status));
            let retryable = status == StatusCode::REQUEST_TIMEOUT
                || status == StatusCode::TOO_MANY_REQUESTS
                || status.is_server_error();
            return Err((FetchError { reason, retryable }, retry_after));
        }
        let content_type =
            response.headers().get(CONTENT_TYPE).and_then(|value| value.to_str().ok()).map(str::to_owned);
        let media_type = content_type.as_deref().map(|kind| kind.split(';').next().unwrap_or(kind).trim());
        match wanted {
            Wanted::Page => {
                if let Some(kind) = media_type.filter(|kind| !is_readable(kind)) {
                    return Err((
                        FetchError::permanent(format!(
                            "it is {kind}, not a page, feed or export Dossier reads"
                        )),
                        None,
                    ));
                }
            }
            Wanted::Image => {
                if !media_type.is_some_and(|kind| kind.to_ascii_lowercase().starts_with("image/")) {
                    let kind = media_type.unwrap_or("of no stated type");
                    return Err((FetchError::permanent(format!("it is {kind}, not an image")), None));
                }
            }
        }
        let max = self.options.max_bytes;
        if let Some(length) = response.content_length().filter(|length| *length > max) {
            return Err((
                FetchError::permanent(format!("{length} bytes is over the {max}-byte limit")),
                None,
            ));
        }
        let final_url = response.url().to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|error| (describe(&error), None))? {
            if bytes.len() as u64 + chunk.len() as u64 > max {
                return Err((FetchError::permanent(format!("the body is over the {max}-byte limit")), None));
            }
            bytes.extend_from_slice(&chunk);
        }
        let bytes = match wanted {
            Wanted::Page => with_declared_charset(bytes, content_type.as_deref()),
            Wanted::Image => bytes,
        };
        Ok(Page { final_url, bytes })
    }
}

/// A failure of reqwest's, in words, with the policy's refusal when that was it.
fn describe(error: &reqwest::Error) -> FetchError {
    let mut source = error.source();
    while let Some(cause) = source {
        if let Some(refused) = cause.downcast_ref::<Refused>() {
            return FetchError::permanent(refused.0.clone());
        }
        source = cause.source();
    }
    if error.is_timeout() {
        return FetchError::transient("the server did not answer in time");
    }
    if error.is_connect() {
        let cause = error.source().and_then(|cause| cause.source()).map(ToString::to_string);
        return FetchError::transient(match cause {
            Some(cause) => format!("could not connect: {cause}"),
            None => "could not connect".to_owned(),
        });
    }
    if error.is_redirect() {
        return FetchError::permanent(format!("a redirect could not be followed: {error}"));
    }
    let mut reason = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        reason.push_str(": ");
        reason.push_str(&cause.to_string());
        source = cause.source();
    }
    FetchError::transient(reason)
}

fn status_text(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

/// Media types worth reading: text, markup, feeds, JSON, archives; and the
/// generic binary type, which servers use for anything (the content decides).
fn is_readable(content_type: &str) -> bool {
    let kind = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    kind.is_empty()
        || kind.starts_with("text/")
        || kind.ends_with("+xml")
        || kind.ends_with("+json")
        || matches!(
            kind.as_str(),
            "application/xml"
                | "application/json"
                | "application/x-ndjson"
                | "application/zip"
                | "application/x-zip-compressed"
                | "application/octet-stream"
        )
}

/// The body as the parsers should read it: the HTTP standards let the
/// `Content-Type` charset override what the body declares (a byte-order mark
/// aside), and the parsers know only the body. So a body whose server named a
/// charset is decoded with it and kept as UTF-8 behind a byte-order mark, which
/// every parser (and a later `dossier reparse`) honours before anything else.
pub fn with_declared_charset(bytes: Vec<u8>, content_type: Option<&str>) -> Vec<u8> {
    let Some(label) = content_type.and_then(charset_of) else {
        return bytes;
    };
    let Some(encoding) = encoding_rs::Encoding::for_label(label.as_bytes()) else {
        return bytes;
    };
    if encoding_rs::Encoding::for_bom(&bytes).is_some() {
        return bytes;
    }
    let (text, _) = encoding.decode_without_bom_handling(&bytes);
    let mut decoded = Vec::with_capacity(text.len() + 3);
    decoded.extend_from_slice(b"\xef\xbb\xbf");
    decoded.extend_from_slice(text.as_bytes());
    decoded
}

fn charset_of(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|parameter| {
        let (name, value) = parameter.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(['"', '\'']).to_owned())
            .filter(|value| !value.is_empty())
    })
}

/// Whether `url` may be fetched: http or https, and not a literal non-public
/// address unless those are allowed (names are checked by [`PublicResolver`]).
pub fn check_url(url: &Url, private: &Private) -> Result<(), String> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("only http and https addresses are fetched, not {}:", url.scheme()));
    }
    let Some(host) = url.host_str() else {
        return Err("the address has no host".to_owned());
    };
    // The URL parser has already turned every spelling of an IP address
    // (`2130706433`, `0x7f.1`) into its canonical form; IPv6 comes bracketed.
    let Ok(address) = host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() else {
        return Ok(()); // a name: see `PublicResolver`
    };
    if private.admits(address) {
        Ok(())
    } else {
        Err(format!("{address} is not a public address {ALLOW_HINT}"))
    }
}

const ALLOW_HINT: &str = "(give --allow-private to fetch from the local network)";

/// Resolves names as the system does and refuses a name that has any address
/// that is not public: a name pointing at both a public and a private address is
/// a trick, not an accident.
#[derive(Debug, Clone)]
struct PublicResolver {
    private: Arc<Private>,
}

impl Resolve for PublicResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let private = Arc::clone(&self.private);
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if let Some(address) = addresses.iter().find(|address| !private.admits(address.ip())) {
                let reason = format!(
                    "{host} resolves to {}, which is not a public address {ALLOW_HINT}",
                    address.ip()
                );
                return Err(Box::new(Refused(reason)) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(addresses.into_iter()) as Addrs)
        })
    }
}

/// Whether `address` is on the public internet: not loopback, private,
/// shared (carrier-grade NAT), link-local, multicast, documentation, benchmarking,
/// reserved or unspecified; IPv6 addresses that embed an IPv4 one (mapped,
/// NAT64, 6to4) are judged by it, and of the rest only global unicast passes.
pub fn is_public(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(address) => is_public_v4(address),
        IpAddr::V6(address) => is_public_v6(address),
    }
}

fn is_public_v4(address: Ipv4Addr) -> bool {
    let [a, b, c, _] = address.octets();
    !(a == 0                                   // "this network", 0.0.0.0/8
        || a == 10                             // private
        || a == 127                            // loopback
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 169 && b == 254)              // link-local, cloud metadata
        || (a == 172 && (16..32).contains(&b)) // private
        || (a == 192 && b == 0 && c == 0)      // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2)      // documentation
        || (a == 192 && b == 88 && c == 99)    // 6to4 relay anycast
        || (a == 192 && b == 168)              // private
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || (a == 198 && b == 51 && c == 100)   // documentation
        || (a == 203 && b == 0 && c == 113)    // documentation
        || a >= 224) // multicast, reserved, broadcast
}

fn is_public_v6(address: Ipv6Addr) -> bool {
    if let Some(embedded) = address.to_ipv4_mapped() {
        return is_public_v4(embedded);
    }
    let segments = address.segments();
    // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) reach the IPv4 address they carry.
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [a, b] = segments[6].to_be_bytes();
        let [c, d] = segments[7].to_be_bytes();
        return is_public_v4(Ipv4Addr::new(a, b, c, d));
    }
    if segments[0] == 0x2002 {
        let [a, b] = segments[1].to_be_bytes();
        let [c, d] = segments[2].to_be_bytes();
        return is_public_v4(Ipv4Addr::new(a, b, c, d));
    }
    let global_unicast = segments[0] & 0xe000 == 0x2000;
    let teredo = segments[0] == 0x2001 && segments[1] == 0;
    let documentation = segments[0] == 0x2001 && segments[1] == 0x0db8;
    let benchmarking = segments[0] == 0x2001 && segments[1] == 0x0002 && segments[2] == 0;
    global_unicast && !teredo && !documentation && !benchmarking
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(address: &str) -> bool {
        is_public(address.parse().unwrap())
    }

    #[test]
    fn only_public_addresses_pass() {
        for address in
            ["93.184.215.14", "1.1.1.1", "8.8.8.8", "2606:4700:4700::1111", "2a00:1450:4001:82b::200e"]
        {
            assert!(public(address), "{address} is public");
        }
        for address in [
            "0.0.0.0",
            "127.0.0.1",
            "127.255.0.9",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "192.0.2.1",
            "198.18.0.1",
            "224.0.0.251",
            "239.255.255.250",
            "255.255.255.255",
            "::",
            "::1",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "2002:a00:1::1",
            "2001:db8::1",
            "2001:0:4136:e378::1",
        ] {
            assert!(!public(address), "{address} is not public");
        }
        // An IPv4 address carried by NAT64 or 6to4 is judged by itself.
        assert!(public("64:ff9b::808:808"));
        assert!(public("2002:808:808::1"));
    }

    #[test]
    fn literal_addresses_are_checked_in_every_spelling() {
        for url in [
            "http://127.0.0.1/",
            "http://[::1]:8080/",
            "http://2130706433/",
            "http://0x7f.1/",
            "http://10.0.0.1/admin",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::ffff:7f00:1]/",
            "http://0/",
        ] {
            let url = Url::parse(url).unwrap();
            let refused = check_url(&url, &Private::Refused).unwrap_err();
            assert!(refused.contains("not a public address"), "{url}: {refused}");
            assert!(check_url(&url, &Private::Allowed).is_ok(), "{url} with --allow-private");
        }
        assert!(check_url(&Url::parse("https://example.org/a").unwrap(), &Private::Refused).is_ok());
        let ftp = check_url(&Url::parse("ftp://example.org/a").unwrap(), &Private::Allowed).unwrap_err();
        assert!(ftp.contains("only http and https"), "{ftp}");
        let file = check_url(&Url::parse("file:///etc/passwd").unwrap(), &Private::Allowed).unwrap_err();
        assert!(file.contains("only http and https"), "{file}");
    }

    #[test]
    fn an_allow_list_admits_only_its_own_private_addresses() {
        let only = Private::Only(vec!["127.0.0.1".parse().unwrap(), "192.168.1.5".parse().unwrap()]);
        let check = |url: &str| check_url(&Url::parse(url).unwrap(), &only);
        assert!(check("http://127.0.0.1:8080/").is_ok());
        assert!(check("http://192.168.1.5/").is_ok());
        assert!(check("https://93.184.215.14/").is_ok(), "public addresses stay allowed");
        for refused in
            ["http://127.0.0.2/", "http://192.168.1.6/", "http://[::1]/", "http://169.254.169.254/"]
        {
            assert!(check(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn a_declared_charset_is_honoured_through_a_byte_order_mark() {
        let latin1 = b"<p>caf\xe9</p>".to_vec();
        let bytes = with_declared_charset(latin1.clone(), Some("text/html; charset=ISO-8859-1"));
        assert_eq!(bytes, "\u{feff}<p>café</p>".as_bytes());
        assert_eq!(with_declared_charset(latin1.clone(), Some("text/html")), latin1);
        assert_eq!(with_declared_charset(latin1.clone(), None), latin1);
        assert_eq!(with_declared_charset(latin1.clone(), Some("text/html; charset=\"no-such\"")), latin1);
        let with_bom = "\u{feff}<p>café</p>".as_bytes().to_vec();
        assert_eq!(
            with_declared_charset(with_bom.clone(), Some("text/html; charset=windows-1252")),
            with_bom
        );
    }

    #[test]
    fn the_client_builds_with_its_tls_provider() {
        Fetcher::new(Options::default()).unwrap();
    }
}
