//! HTML pages: saved web pages, as browsers and scrapers leave them.
//!
//! The page is decoded ([`decode_html`]), parsed by html5ever (through `dom_query`),
//! its metadata read from every source the page offers ([`metadata`]), the boilerplate
//! around the article removed ([`boilerplate`]), the article found by dom_smoothie's
//! readability scoring, and the article's markup mapped to the document model's
//! typed blocks ([`blocks`]). `docs/extraction.md` records why this engine, with
//! the measurements.

mod blocks;
mod boilerplate;
mod byline;
mod decode;
mod guard;
mod metadata;
mod siblings;

use crate::model::{Block, Diagnostic, DiagnosticCode, Document};
use crate::{ParseError, derive, text};

pub use decode::decode_html;

/// Whether `bytes` look like an HTML page rather than text that mentions a tag:
/// after a BOM and whitespace they open with a doctype, `<html>`, `<head>`,
/// `<body>`, a comment or a `<meta>`, or start with a tag and hold `<html`,
/// `<body` or `<p>`-like structure within the first kilobytes.
pub fn looks_like_html(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|byte| !byte.is_ascii_whitespace())
        .map_or(&[][..], |position| &bytes[position..]);
    let head: Vec<u8> = start.iter().take(4096).map(u8::to_ascii_lowercase).collect();
    if !head.starts_with(b"<") {
        return false;
    }
    let opens = |prefix: &[u8]| head.starts_with(prefix);
    if opens(b"<!doctype html")
        || opens(b"<html")
        || opens(b"<head")
        || opens(b"<body")
        || opens(b"<meta")
        || opens(b"<?xml") && contains(&head, b"<html")
    {
        return true;
    }
    if opens(b"<!--") {
        return contains(&head, b"<html") || contains(&head, b"<body") || contains(&head, b"<div");
    }
    [&b"<html"[..], b"<body", b"<div", b"<p>", b"<article", b"<section", b"<title"]
        .iter()
        .any(|tag| contains(&head, tag))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// Parses an HTML page into a document: metadata with its origins, and the main
/// content as typed blocks without navigation, ads, comments and the like.
///
/// `url` is where the page was fetched from, when known; it fills `Document.url`.
/// Odd pages yield a document with diagnostics; an error means the page holds no
/// readable text at all. Never panics; time and memory are bounded by
/// [`guard`]'s limits whatever the input.
pub fn parse_html(bytes: &[u8], url: Option<&str>) -> Result<Document, ParseError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::Empty);
    }
    let (mut html, mut diagnostics) = decode_html(bytes);
    if html.len() > guard::MAX_HTML_BYTES {
        let mut cut = guard::MAX_HTML_BYTES;
        while !html.is_char_boundary(cut) {
            cut -= 1;
        }
        html.truncate(cut);
        diagnostics.push(Diagnostic::new(
            DiagnosticCode::Truncated,
            format!("the page was cut to its first {} bytes", guard::MAX_HTML_BYTES),
        ));
    }
    if let Some(diagnostic) = binary_content(&html) {
        diagnostics.push(diagnostic);
    }

    let mut document = text::empty_document();
    document.url = url.map(str::to_owned);
    let (shape, markup) = guard::scan_without_code(&html);
    if shape.max_depth > guard::MAX_NESTING || shape.elements > guard::MAX_ELEMENTS {
        diagnostics.push(Diagnostic::new(
            DiagnosticCode::Malformed,
            format!(
                "the page nests {} levels deep in {} elements (limits {} and {}); its text was read without structure",
                shape.max_depth,
                shape.elements,
                guard::MAX_NESTING,
                guard::MAX_ELEMENTS
            ),
        ));
        document.blocks =
            guard::flat_paragraphs(&html).into_iter().map(|text| Block::Paragraph { text }).collect();
    } else {
        let dom = dom_query::Document::from(markup.as_ref());
        let mut metadata = metadata::extract(&dom);
        let dek = metadata.dek.take();
        apply_metadata(&mut document, metadata);
        document.blocks =
            extract_blocks(&markup, dom, url, &document.title, &document.authors, &mut diagnostics);
        // The standfirst is the dek unless the body already opens with it.
        if let Some(dek) = dek.filter(|dek| !opens_the_body(&dek.value, &document.blocks)) {
            document.metadata_sources.insert("dek".to_owned(), dek.origin.to_owned());
            document.dek = Some(dek.value);
        }
    }

    if document.blocks.is_empty() && document.title.is_empty() {
        return Err(ParseError::NoText);
    }
    if document.title.is_empty() {
        text::derive_title(&mut document, None);
    }
    diagnostics.append(&mut document.diagnostics);
    document.diagnostics = diagnostics;
    derive::finish(&mut document);
    Ok(document)
}

/// The article's blocks: boilerplate removed, the article found by readability
/// scoring with the prose sections beside it ([`siblings`]), a heading that only
/// repeats the title dropped, and sections that point elsewhere or head nothing
/// dropped.
fn extract_blocks(
    html: &str,
    dom: dom_query::Document,
    url: Option<&str>,
    title: &str,
    authors: &[String],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Block> {
    boilerplate::remove(&dom);
    // The article is read from dom_smoothie's own tree rather than from the HTML it
    // serialises, which would only be parsed again.
    let article = readability(dom, url).and_then(|mut readability| {
        readability.parse()?;
        Ok(readability)
    });
    // Blocks from sections before the article container may precede the title's
    // heading.
    let mut leading = 0;
    let mut blocks = match article {
        Ok(readability) => {
            let content = readability.doc.select_single("#readability-page-1");
            match content.nodes().first() {
                Some(article) => {
                    let (mut blocks, mut after) = siblings::around(article, authors);
                    leading = blocks.len();
                    blocks.append(&mut blocks::blocks_of(article));
                    blocks.append(&mut after);
                    blocks
                }
                None => Vec::new(),
            }
        }
        Err(error) => {
            diagnostics.push(Diagnostic::new(
                DiagnosticCode::Malformed,
                format!("no article stood out ({error}); the whole page body was kept"),
            ));
            let dom = dom_query::Document::from(html);
            boilerplate::remove(&dom);
            dom.body().map(|body| blocks::blocks_of(&body)).unwrap_or_default()
        }
    };
    let title_key = metadata::collapse(title).to_lowercase();
    if let Some(position) = blocks.iter().take(leading + 3).position(|block| {
        matches!(block, Block::Heading { text, .. } if metadata::collapse(text).to_lowercase() == title_key)
    }) {
        blocks.remove(position);
    }
    blocks::drop_pointer_sections(&mut blocks);
    blocks::drop_empty_sections(&mut blocks);
    blocks
}

/// Whether `text` is among the first blocks (a standfirst the article container
/// held, which stays a paragraph).
fn opens_the_body(text: &str, blocks: &[Block]) -> bool {
    let key = metadata::collapse(text);
    blocks.iter().take(4).any(|block| metadata::collapse(&block.text()).contains(&key))
}

fn readability(
    dom: dom_query::Document,
    url: Option<&str>,
) -> Result<dom_smoothie::Readability, dom_smoothie::ReadabilityError> {
    let url = url.filter(|url| url.starts_with("http://") || url.starts_with("https://"));
    let config = || dom_smoothie::Config {
        max_elements_to_parse: guard::MAX_ELEMENTS,
        // Our own metadata pass reads JSON-LD with provenance.
        disable_json_ld: true,
        ..Default::default()
    };
    // An address dom_smoothie does not accept only costs relative links their base
    // (checked on an empty document: nothing to parse).
    let url = url.filter(|url| {
        dom_smoothie::Readability::with_document(dom_query::Document::default(), Some(url), None).is_ok()
    });
    dom_smoothie::Readability::with_document(dom, url, Some(config()))
}

fn apply_metadata(document: &mut Document, metadata: metadata::Metadata) {
    let mut record = |field: &str, origin: &'static str| {
        document.metadata_sources.insert(field.to_owned(), origin.to_owned());
    };
    if let Some(title) = metadata.title {
        record("title", title.origin);
        document.title = title.value;
    }
    if let Some(authors) = metadata.authors {
        record("authors", authors.origin);
        document.authors = authors.value;
    }
    if let Some(published) = metadata.published {
        record("published", published.origin);
        document.published = Some(published.value);
    }
    if let Some(updated) = metadata.updated {
        record("updated", updated.origin);
        document.updated = Some(updated.value);
    }
    if let Some(site) = metadata.site {
        record("site", site.origin);
        document.site = Some(site.value);
    }
    // The model's language is ISO 639-1: the page's tag (`en-GB`, `pt_BR`) gives
    // its primary subtag.
    if let Some(language) = metadata.language {
        let primary = language.value.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
        if primary.len() == 2 && primary.bytes().all(|byte| byte.is_ascii_lowercase()) {
            record("language", language.origin);
            document.language = Some(primary);
        }
    }
    if let Some(canonical_url) = metadata.canonical_url {
        record("canonical_url", canonical_url.origin);
        document.canonical_url = Some(canonical_url.value);
    }
    if let Some(description) = metadata.description {
        record("description", description.origin);
        document.description = Some(description.value);
    }
    if let Some(image) = metadata.image {
        record("image", image.origin);
        document.image = Some(image.value);
    }
}

/// A diagnostic when much of the decoded text is control characters: the input was
/// probably not a page at all.
fn binary_content(html: &str) -> Option<Diagnostic> {
    const SAMPLE: usize = 64 * 1024;
    let mut sampled = 0;
    let mut control = 0;
    let mut rest = html;
    while sampled < SAMPLE && !rest.is_empty() {
        // ASCII is judged a run of bytes at a time: its control characters that are
        // not whitespace are U+0000–U+0008, U+000E–U+001F and U+007F.
        let (ascii, ascii_control) = ascii_prefix(&rest.as_bytes()[..rest.len().min(SAMPLE - sampled)]);
        sampled += ascii;
        control += ascii_control;
        rest = &rest[ascii..];
        if sampled < SAMPLE
            && let Some(character) = rest.chars().next()
        {
            sampled += 1;
            if (character.is_control() && !character.is_whitespace()) || character == '\u{fffd}' {
                control += 1;
            }
            rest = &rest[character.len_utf8()..];
        }
    }
    (sampled > 0 && control * 20 > sampled).then(|| {
        Diagnostic::new(
            DiagnosticCode::InvalidBytes,
            format!(
                "{control} of the first {sampled} characters are control characters or undecodable bytes; the input may not be a page"
            ),
        )
    })
}

/// The length of the longest prefix of `bytes` that is ASCII, and how many of its
/// bytes are control characters other than whitespace (U+0000–U+0008,
/// U+000E–U+001F, U+007F). Eight bytes at a time: only a word holding a byte below
/// a space or a DEL is counted byte by byte.
fn ascii_prefix(bytes: &[u8]) -> (usize, usize) {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let is_control = |byte: &u8| matches!(byte, 0..=8 | 14..=31 | 127);
    let mut length = 0;
    let mut control = 0;
    for chunk in bytes.chunks_exact(8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_ne_bytes(word);
        if word & HIGHS != 0 {
            break;
        }
        // For ASCII bytes, the classic "has a byte less than n" and "has a zero
        // byte" tests: exact as to whether the word holds one.
        let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
        let delete = word ^ (ONES * 0x7f);
        let has_delete = delete.wrapping_sub(ONES) & !delete & HIGHS;
        if below_space | has_delete != 0 {
            control += chunk.iter().filter(|byte| is_control(byte)).count();
        }
        length += 8;
    }
    for byte in bytes[length..].iter().take_while(|byte| byte.is_ascii()) {
        length += 1;
        control += usize::from(is_control(byte));
    }
    (length, control)
}

/// The few entities that JSON-LD values carry escaped (`&amp;`, `&#39;`…).
pub(crate) fn decode_basic_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after.find(';').filter(|end| *end <= 10);
        let decoded = end.and_then(|end| {
            let entity = &after[1..end];
            match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| entity.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                    .and_then(char::from_u32),
            }
            .map(|character| (character, end))
        });
        match decoded {
            Some((character, end)) => {
                out.push(character);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Typed blocks of a fragment of article markup — a feed entry's content, an
/// article saved by a read-it-later service — read as it is, without looking for the
/// main content. Bounded like [`parse_html`]: past the nesting and element limits the
/// fragment is read as plain paragraphs.
pub fn fragment_blocks(markup: &str) -> Vec<Block> {
    let mut end = markup.len().min(guard::MAX_HTML_BYTES);
    while !markup.is_char_boundary(end) {
        end -= 1;
    }
    let markup = &markup[..end];
    let shape = guard::scan(markup);
    if shape.max_depth > guard::MAX_NESTING || shape.elements > guard::MAX_ELEMENTS {
        return guard::flat_paragraphs(markup).into_iter().map(|text| Block::Paragraph { text }).collect();
    }
    let fragment = dom_query::Document::fragment(markup);
    blocks::blocks_of(&fragment.root())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`binary_content`]'s count, one character at a time.
    fn counted_by_characters(html: &str) -> (usize, usize) {
        let mut sampled = 0;
        let mut control = 0;
        for character in html.chars().take(64 * 1024) {
            sampled += 1;
            if (character.is_control() && !character.is_whitespace()) || character == '\u{fffd}' {
                control += 1;
            }
        }
        (sampled, control)
    }

    #[test]
    fn control_characters_are_counted_as_one_character_at_a_time() {
        let mut pages = vec![
            String::new(),
            "plain text\twith\r\nwhitespace\x0b\x0c".to_owned(),
            "\x00\x01\x08\x0e\x1f\x7f\u{80}\u{9f}\u{85}\u{a0}\u{fffd}é中".to_owned(),
            "a\x7fb".repeat(5_000),
            "Grüße\x01, 中文\u{fffd}, ascii run of some length\n".repeat(3_000),
        ];
        let mut state = 12_345u32;
        pages.push(
            (0..200_000)
                .map(|_| {
                    state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    char::from_u32((state >> 16) % 0x250).unwrap_or('x')
                })
                .collect(),
        );
        for page in pages {
            let (sampled, control) = counted_by_characters(&page);
            let expected = sampled > 0 && control * 20 > sampled;
            assert_eq!(binary_content(&page).is_some(), expected);
            if let Some(diagnostic) = binary_content(&page) {
                assert!(diagnostic.message.starts_with(&format!("{control} of the first {sampled} ")));
            }
        }
    }
}
