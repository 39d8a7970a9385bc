//! Hostile HTML: every page here must finish in bounded time and memory, without
//! a panic, and say what was odd in a diagnostic (or return a clear error when no
//! text is left). Timings are generous bounds against hangs, not benchmarks.

use std::time::{Duration, Instant};

use dossier_core::html::parse_html;
use dossier_core::{DiagnosticCode, Document, ParseError};
use proptest::prelude::*;

/// Far above what any case takes even in a debug build on a busy machine; a
/// quadratic or unbounded path takes minutes.
const BOUND: Duration = Duration::from_secs(60);

fn timed(bytes: &[u8]) -> Result<Document, ParseError> {
    let start = Instant::now();
    let result = parse_html(bytes, None);
    assert!(start.elapsed() < BOUND, "took {:?}", start.elapsed());
    result
}

fn has(document: &Document, code: DiagnosticCode) -> bool {
    document.diagnostics.iter().any(|diagnostic| diagnostic.code == code)
}

#[test]
fn a_hundred_thousand_nested_elements_are_read_flat() {
    let mut page = String::from("<html><body>");
    for _ in 0..100_000 {
        page.push_str("<div>");
    }
    page.push_str("Deep inside the nesting there is still a sentence worth reading.");
    for _ in 0..100_000 {
        page.push_str("</div>");
    }
    let document = timed(page.as_bytes()).expect("the sentence is text");
    assert!(has(&document, DiagnosticCode::Malformed), "{:?}", document.diagnostics);
    assert!(dossier_core::render::to_text(&document).contains("still a sentence worth reading"));
}

#[test]
fn deep_inline_nesting_is_bounded_too() {
    let page = format!("<p>{}Bold words at the bottom of the pile.", "<b><i><span>".repeat(40_000));
    let document = timed(page.as_bytes()).expect("there is text");
    assert!(has(&document, DiagnosticCode::Malformed));
}

#[test]
fn a_fifty_megabyte_page_is_cut_with_a_diagnostic() {
    let paragraph =
        "<p>Line after line of a very long page that someone saved whole, with nothing else in it.</p>\n";
    let page = paragraph.repeat(50 * 1024 * 1024 / paragraph.len() + 1);
    assert!(page.len() > 50 * 1024 * 1024);
    let document = timed(page.as_bytes()).expect("the page has text");
    assert!(has(&document, DiagnosticCode::Truncated), "{:?}", document.diagnostics);
}

#[test]
fn binary_garbage_gives_an_error_or_a_diagnostic() {
    // A fixed xorshift sequence: the same garbage on every run.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let bytes: Vec<u8> = (0..1_000_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    match timed(&bytes) {
        Ok(document) => assert!(has(&document, DiagnosticCode::InvalidBytes), "{:?}", document.diagnostics),
        Err(error) => assert_eq!(error, ParseError::NoText),
    }
}

#[test]
fn a_page_that_closes_nothing_still_yields_its_text() {
    let mut page = String::from("<html><head><meta charset=utf-8><body><div><section><span>");
    for index in 0..20_000 {
        page.push_str(&format!(
            "<p>Paragraph {index} of a page that never closes a tag<li>item<td>cell<a href=x>link"
        ));
    }
    let document = timed(page.as_bytes()).expect("there is text");
    assert!(!document.blocks.is_empty());
}

#[test]
fn huge_attribute_values_are_survived() {
    let page = format!(
        "<html><body><div class=\"{}\" data-x='{}'><p>The article text sits next to a very large attribute value.</p></div></body></html>",
        "c ".repeat(2_000_000),
        "x".repeat(10_000_000)
    );
    let document = timed(page.as_bytes()).expect("there is text");
    assert!(dossier_core::render::to_text(&document).contains("very large attribute value"));
}

#[test]
fn an_entity_expansion_bomb_expands_nothing() {
    // HTML has no entity definitions: a DTD's entities stay literal text and the
    // output stays the size of the input.
    let mut page = String::from("<!DOCTYPE html [<!ENTITY lol \"lol\">");
    for level in 1..10 {
        page.push_str(&format!("<!ENTITY lol{level} \"{}\">", format!("&lol{};", level - 1).repeat(10)));
    }
    page.push_str("]><html><body><p>&lol9; &lol9; &amp;&amp;&amp; &#x1F600; &#99999999; &notanentity;</p>");
    page.push_str(&"&amp;".repeat(1_000_000));
    page.push_str("</body></html>");
    let document = timed(page.as_bytes()).expect("there is text");
    let text = dossier_core::render::to_text(&document);
    assert!(text.len() < page.len(), "the output ({}) outgrew the input ({})", text.len(), page.len());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(256)
    ))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = parse_html(&bytes, None);
    }

    #[test]
    fn any_byline_gives_names_with_letters(words in proptest::collection::vec(prop_oneof![
        Just("Posted"), Just("by"), Just("von"), Just("am"), Just("on"), Just("18."), Just("Oktober"), Just("2019,"),
        Just("13:36"), Just("Uhr"), Just("2:54pm"), Just("Fr,"), Just("Mai"), Just("de"), Just("·"), Just("•"), Just("|"),
        Just("/"), Just("-"), Just("//"), Just("»"), Just("Author:"), Just("Stand:"), Just("Jörn"), Just("Mecher"),
        Just("ImhofQuelle:"), Just("Collignon22."), Just("SauerDo"), Just("user5105"), Just("é"), Just("\u{301}"),
        Just(":"), Just(","), Just("and"), Just("Ωμέγα"), Just("日本"),
    ], 0..16), glue in proptest::collection::vec(any::<bool>(), 16)) {
        let mut byline = String::new();
        for (index, word) in words.iter().enumerate() {
            if index > 0 && !glue[index] {
                byline.push(' ');
            }
            byline.push_str(word);
        }
        let page = format!(
            "<html><body><article><h1>Harbour</h1><p class=byline>{byline}</p><p>The harbour reopened on \
             Thursday after a week of repairs to the sea wall.</p></article></body></html>"
        );
        let document = parse_html(page.as_bytes(), None).expect("parses");
        for author in &document.authors {
            prop_assert!(author.chars().any(char::is_alphabetic), "{:?} from {:?}", author, byline);
            prop_assert_eq!(author.trim(), author.as_str());
        }
    }

    #[test]
    fn arbitrary_tag_soup_never_panics(pieces in proptest::collection::vec(prop_oneof![
        Just("<div>"), Just("</div>"), Just("<p>"), Just("</p>"), Just("<ul><li>"), Just("</li></ul>"),
        Just("<table><tr><td>"), Just("<blockquote>"), Just("<pre><code class=language-rs>"), Just("<figure><img src=a.jpg><figcaption>"),
        Just("<h1>"), Just("<h3>"), Just("<br>"), Just("<hr>"), Just("<a href=x>"), Just("</a>"), Just("<script>"), Just("</script>"),
        Just("<!--"), Just("-->"), Just("<meta charset=latin1>"), Just("<script type=application/ld+json>{\"@type\":\"NewsArticle\",\"author\":[{\"name\":1}]}</script>"),
        Just("text "), Just("café "), Just("&amp; "), Just("&#0; "), Just("\u{0} "), Just("<div class=comments>"), Just("<nav>"),
    ], 0..200)) {
        let page: String = pieces.concat();
        if let Ok(document) = parse_html(page.as_bytes(), Some("https://example.org/a")) {
            let json = serde_json::to_string(&document).expect("serialises");
            let back: Document = serde_json::from_str(&json).expect("reads back");
            prop_assert_eq!(back, document);
        }
    }
}
