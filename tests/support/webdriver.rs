//! A small blocking WebDriver client for the browser tests: chromedriver on a
//! loopback port driving a headless Chromium with a fresh profile. WebDriver is
//! JSON over HTTP, and the tests need a dozen of its commands, so a client of our
//! own over `std::net` keeps a whole asynchronous HTTP stack out of the build.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Chromium's flags for a test run: headless, no sandbox (CI runs as root), and
/// nothing that would reach the network on its own.
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--window-size=1000,800",
];

/// Chromium and chromedriver, when both are installed (`DOSSIER_CHROMIUM` and
/// `DOSSIER_CHROMEDRIVER` name others).
pub fn browser_binaries() -> Option<(PathBuf, PathBuf)> {
    let find = |variable: &str, candidates: &[&str]| {
        std::env::var_os(variable)
            .map(PathBuf::from)
            .or_else(|| candidates.iter().map(PathBuf::from).find(|path| path.exists()))
    };
    Some((
        find("DOSSIER_CHROMIUM", &["/usr/bin/chromium", "/usr/bin/chromium-browser"])?,
        find("DOSSIER_CHROMEDRIVER", &["/usr/bin/chromedriver"])?,
    ))
}

/// A chromedriver process and one browser session; both end when dropped.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
}

/// An element, by its WebDriver reference.
#[derive(Debug, Clone)]
pub struct Element(String);

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Browser {
    /// Starts chromedriver on a free loopback port and a session in a new
    /// profile under `profile`, recording the browser's console.
    pub fn start(chromium: &Path, chromedriver: &Path, profile: &Path) -> Browser {
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let mut driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        // chromedriver says when it listens; wait for that line, not for a time.
        let mut stdout = BufReader::new(driver.stdout.take().unwrap());
        let mut line = String::new();
        while !line.contains("started successfully") {
            line.clear();
            assert!(stdout.read_line(&mut line).unwrap() > 0, "chromedriver exited before it listened");
        }
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));

        let mut arguments: Vec<String> = CHROMIUM_FLAGS.iter().map(|flag| flag.to_string()).collect();
        arguments.push(format!("--user-data-dir={}", profile.display()));
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": { "binary": chromium, "args": arguments },
                    "goog:loggingPrefs": { "browser": "ALL" },
                }
            }
        });
        let mut browser = Browser { driver, port, session: String::new() };
        let created = browser.command("POST", "/session", &capabilities);
        browser.session = created["sessionId"].as_str().expect("a session id").to_owned();
        browser
    }

    /// One WebDriver command; panics, with the driver's message, on an error.
    fn command(&self, method: &str, path: &str, body: &Value) -> Value {
        self.try_command(method, path, body).unwrap_or_else(|error| panic!("{error}"))
    }

    /// One WebDriver command, or the driver's error (such as an element gone
    /// with the page it was on).
    fn try_command(&self, method: &str, path: &str, body: &Value) -> Result<Value, String> {
        let path = if path.starts_with("/session/") || path == "/session" {
            path.to_owned()
        } else {
            format!("/session/{}{path}", self.session)
        };
        let body = if method == "GET" || method == "DELETE" { String::new() } else { body.to_string() };
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("chromedriver listens");
        stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        )
        .unwrap();
        // chromedriver may keep the connection open: read the head, then exactly the body.
        let mut reader = BufReader::new(stream);
        let mut content_length = None;
        let mut chunked = false;
        loop {
            let mut line = String::new();
            assert!(reader.read_line(&mut line).expect("chromedriver answers") > 0, "chromedriver hung up");
            let line = line.trim_end().to_ascii_lowercase();
            if line.is_empty() {
                break;
            }
            if let Some(length) = line.strip_prefix("content-length:") {
                content_length = length.trim().parse::<usize>().ok();
            }
            chunked |= line.starts_with("transfer-encoding:") && line.contains("chunked");
        }
        let body = if chunked {
            read_chunked(&mut reader)
        } else {
            let mut body = vec![0; content_length.expect("a Content-Length")];
            reader.read_exact(&mut body).expect("chromedriver's whole answer");
            body
        };
        let body = String::from_utf8(body).expect("chromedriver speaks UTF-8");
        let value: Value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("{path}: not JSON: {body}"));
        let value = value.get("value").cloned().unwrap_or(Value::Null);
        if let Some(error) = value.get("error").filter(|_| value.get("message").is_some()) {
            return Err(format!("{method} {path}: {error}: {}", value["message"]));
        }
        Ok(value)
    }

    pub fn goto(&self, url: &str) {
        self.command("POST", "/url", &json!({ "url": url }));
    }

    pub fn url(&self) -> String {
        self.command("GET", "/url", &Value::Null).as_str().unwrap().to_owned()
    }

    pub fn find(&self, css: &str) -> Element {
        self.find_all(css).into_iter().next().unwrap_or_else(|| panic!("no element matches {css}"))
    }

    pub fn find_all(&self, css: &str) -> Vec<Element> {
        let found = self.command("POST", "/elements", &json!({ "using": "css selector", "value": css }));
        found
            .as_array()
            .unwrap()
            .iter()
            .map(|element| {
                let reference = element[ELEMENT_KEY].as_str();
                Element(reference.unwrap_or_else(|| panic!("not an element: {element}")).to_owned())
            })
            .collect()
    }

    /// The text of the element as a person sees it (hidden text excluded).
    pub fn text(&self, element: &Element) -> String {
        self.command("GET", &format!("/element/{}/text", element.0), &Value::Null)
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub fn click(&self, element: &Element) {
        self.command("POST", &format!("/element/{}/click", element.0), &json!({}));
    }

    /// Types into the element; `\u{E007}` is the Enter key.
    pub fn type_into(&self, element: &Element, text: &str) {
        self.command("POST", &format!("/element/{}/value", element.0), &json!({ "text": text }));
    }

    /// Presses keys with the focus where it is, as a person at the keyboard would.
    pub fn press(&self, keys: &str) {
        let mut actions = Vec::new();
        for key in keys.chars() {
            actions.push(json!({ "type": "keyDown", "value": key.to_string() }));
            actions.push(json!({ "type": "keyUp", "value": key.to_string() }));
        }
        self.command(
            "POST",
            "/actions",
            &json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] }),
        );
        self.command("DELETE", "/actions", &Value::Null);
    }

    /// Runs a script in the page (through WebDriver, which the page's policy does
    /// not govern) and returns what it returns.
    pub fn run(&self, script: &str) -> Value {
        self.try_run(script).unwrap_or_else(|error| panic!("{error}"))
    }

    /// Runs a script, or says why it could not (the page was being replaced).
    pub fn try_run(&self, script: &str) -> Result<Value, String> {
        self.try_command("POST", "/execute/sync", &json!({ "script": script, "args": [] }))
    }

    /// The text a person sees of each element matching `css`, read in one step
    /// (so that a page being replaced cannot leave the list half read).
    pub fn try_texts(&self, css: &str) -> Result<Vec<String>, String> {
        let script = format!(
            "return Array.prototype.map.call(document.querySelectorAll({}), \
             function (element) {{ return element.innerText.trim(); }});",
            Value::String(css.to_owned())
        );
        let texts = self.try_run(&script)?;
        Ok(texts
            .as_array()
            .into_iter()
            .flatten()
            .map(|text| text.as_str().unwrap_or_default().to_owned())
            .collect())
    }

    /// The console messages at level SEVERE since the last call.
    pub fn console_errors(&self) -> Vec<String> {
        let entries = self.command("POST", "/se/log", &json!({ "type": "browser" }));
        entries
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .filter(|entry| entry["level"] == "SEVERE")
                    .map(|entry| entry["message"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every address the page loaded, itself included.
    pub fn requested(&self) -> Vec<String> {
        let names = self.run(
            "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))\
             .map(function (entry) { return entry.name; });",
        );
        names.as_array().unwrap().iter().map(|name| name.as_str().unwrap().to_owned()).collect()
    }

    /// Saves a PNG of the window.
    pub fn screenshot(&self, path: &Path) {
        let encoded = self.command("GET", "/screenshot", &Value::Null);
        let png = decode_base64(encoded.as_str().unwrap());
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, png).unwrap();
    }

    /// Waits until `condition` holds, checking again after each `retry`, and
    /// panics naming `what` past the deadline.
    pub fn wait_until(
        &self,
        what: &str,
        mut condition: impl FnMut(&Browser) -> bool,
        retry: impl Fn(&Browser),
    ) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !condition(self) {
            if Instant::now() > deadline {
                let page = self.run("return location.href + '\\n' + document.body.innerText;");
                panic!("waited 20 s for {what}; the page: {}", page.as_str().unwrap_or_default());
            }
            retry(self);
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let session = format!("/session/{}", self.session);
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.command("DELETE", &session, &Value::Null)
            }));
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn read_chunked(reader: &mut impl BufRead) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let mut size = String::new();
        reader.read_line(&mut size).expect("a chunk's size");
        let size = usize::from_str_radix(size.trim(), 16).expect("a chunk's size in hexadecimal");
        let mut chunk = vec![0; size + 2];
        reader.read_exact(&mut chunk).expect("a chunk");
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&chunk[..size]);
    }
}

fn decode_base64(text: &str) -> Vec<u8> {
    let value = |byte: u8| match byte {
        b'A'..=b'Z' => byte - b'A',
        b'a'..=b'z' => byte - b'a' + 26,
        b'0'..=b'9' => byte - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {byte}"),
    };
    let digits: Vec<u8> = text.bytes().filter(|byte| *byte != b'=' && !byte.is_ascii_whitespace()).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let mut buffer = 0u32;
        for (index, digit) in chunk.iter().enumerate() {
            buffer |= u32::from(value(*digit)) << (18 - 6 * index);
        }
        for index in 0..chunk.len().saturating_sub(1) {
            out.push((buffer >> (16 - 8 * index)) as u8);
        }
    }
    out
}
