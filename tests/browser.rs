//! The reader in a real headless Chromium: the pages a person opens render the
//! seed as a careful reader expects, with no script and nothing from another host.
//!
//! Runs when Chromium is installed (Debian's `chromium`, as `.ci/run` installs it;
//! `DOSSIER_CHROMIUM` names another binary). Without it the test says it was
//! skipped and how to run it, and passes: the rest of the suite needs no browser.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

#[path = "support/html.rs"]
mod html;
#[path = "support/process.rs"]
mod process;

const TITLE: &str =
    "According to a lawsuit, Facebook allowed Netflix to view users' text messages without their consent.";
const SUB_HEADING: &str = "For almost 10 years Netflix had access to Facebook users' messages";

fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("DOSSIER_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"].iter().map(PathBuf::from).find(|path| path.exists())
}

/// `dossier serve` on a free loopback port over a fresh archive of the seeds.
struct Server {
    child: Child,
    address: String,
}

impl Server {
    fn start(home: &Path) -> Server {
        let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds");
        let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
            .arg("--db")
            .arg(home.join("archive.db"))
            .args(["serve", "--addr", "127.0.0.1:0", "--import"])
            .arg(seeds)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let address = process::served_address(&mut child);
        Server { child, address }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Chromium's rendering of `url` as HTML (`--dump-dom`), after scripts would have run.
fn dump_dom(chromium: &Path, profile: &Path, url: &str) -> String {
    let mut command = Command::new(chromium);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--virtual-time-budget=2000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--dump-dom", url])
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    let child = command.stdout(Stdio::piped()).spawn().expect("chromium starts");
    let output = process::wait_with_deadline(child, Duration::from_secs(60), "chromium");
    assert!(output.status.success(), "chromium failed on {url}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn the_seed_reads_in_a_real_browser() {
    let Some(chromium) = chromium() else {
        eprintln!(
            "browser test skipped: no Chromium found. Install Debian's `chromium` (as .ci/run does) \
             or set DOSSIER_CHROMIUM to a Chromium binary to run it."
        );
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let server = Server::start(home.path());
    let profile = home.path().join("chromium-profile");

    let library = html::unescape(&dump_dom(&chromium, &profile, &format!("http://{}/", server.address)));
    assert!(library.contains(TITLE), "{library}");
    let link = library
        .split("href=\"/documents/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();

    let page = html::unescape(&dump_dom(
        &chromium,
        &profile,
        &format!("http://{}/documents/{link}", server.address),
    ));
    assert!(page.contains(&format!("<h1>{TITLE}</h1>")), "{page}");
    assert!(page.contains(&format!(">{SUB_HEADING}</h2>")), "{page}");
    assert!(page.contains("— Meta spokesperson"), "{page}");
    assert!(!page.contains("<script"), "no script on the page: {page}");

    let search =
        html::unescape(&dump_dom(&chromium, &profile, &format!("http://{}/search?q=inbox", server.address)));
    assert!(search.contains("<mark>inbox</mark>") || search.contains("<mark>inboxes</mark>"), "{search}");
}
