//! Feeds: RSS 2.0 (and RSS 0.9x / RDF 1.0), Atom 1.0 and JSON Feed 1.0/1.1, each
//! entry a document; and OPML feed lists.
//!
//! An entry's body is its full content when the feed carries it (`content:encoded`,
//! Atom `content`, `content_html`/`content_text`), else its summary (`description`,
//! `summary`); HTML is read into typed blocks by [`html::fragment_blocks`]. An entry
//! with neither is kept with its title, address and dates and a `not-fetched`
//! diagnostic. The feed's title becomes each document's `site`. Every field an entry
//! gives is recorded in `metadata_sources` as `feed`.

use serde_json::Value;

use crate::entry::{Body, Entry};
use crate::xml::{self, Element};
use crate::{Collection, Format, ParseError, Skipped, decode, html};

/// The `metadata_sources` value of fields read from a feed.
const ORIGIN: &str = "feed";

/// The feed format of an XML document, from its root element (`head` is the input's
/// start, lowercased).
pub(crate) fn detect_xml(head: &[u8]) -> Option<Format> {
    let root = root_element(head)?;
    match root.as_slice() {
        b"rss" | b"rdf:rdf" => Some(Format::Rss),
        b"feed" => Some(Format::Atom),
        b"opml" => Some(Format::Opml),
        _ => None,
    }
}

/// The name of the first element, after the XML declaration, comments and doctype.
fn root_element(head: &[u8]) -> Option<Vec<u8>> {
    let mut rest = head;
    loop {
        rest = rest.trim_ascii_start();
        let skip_to = |rest: &[u8], end: &[u8]| -> Option<usize> {
            rest.windows(end.len()).position(|window| window == end).map(|position| position + end.len())
        };
        if rest.starts_with(b"<?") {
            rest = &rest[skip_to(rest, b"?>")?..];
        } else if rest.starts_with(b"<!--") {
            rest = &rest[skip_to(rest, b"-->")?..];
        } else if rest.starts_with(b"<!") {
            rest = &rest[skip_to(rest, b">")?..];
        } else {
            break;
        }
    }
    let name = rest.strip_prefix(b"<")?;
    let end = name.iter().position(|byte| byte.is_ascii_whitespace() || *byte == b'>' || *byte == b'/')?;
    Some(name[..end].to_vec())
}

/// Whether a JSON object's start (`head`, lowercased) declares a JSON Feed.
/// Only a `"version"` key whose value is the JSON Feed address counts: a document
/// that merely mentions the address is not a feed.
pub(crate) fn is_json_feed(head: &[u8]) -> bool {
    const KEY: &[u8] = b"\"version\"";
    let mut rest = head;
    while let Some(position) = rest.windows(KEY.len()).position(|window| window == KEY) {
        rest = &rest[position + KEY.len()..];
        let value = rest.trim_ascii_start();
        if let Some(value) = value.strip_prefix(b":") {
            let value = value.trim_ascii_start();
            if value.starts_with(b"\"https://jsonfeed.org/version/")
                || value.starts_with(b"\"http://jsonfeed.org/version/")
            {
                return true;
            }
        }
    }
    false
}

/// An RSS or Atom feed: one document per item or entry.
pub fn parse_xml_feed(bytes: &[u8]) -> Result<Collection, ParseError> {
    let (input, diagnostics) = decode::decode(bytes);
    let tree = xml::read(&input);
    // After a syntax error, the entry being read when it came is incomplete: it is
    // left out, and the error reported in its place.
    let whole = |entry: &&Element| entry.ended || tree.error.is_none();
    let (entries, site, language) = if let Some(rss) = tree.root.child("rss") {
        let channel = rss.child("channel");
        let items: Vec<&Element> =
            channel.map(|channel| channel.children_named("item").filter(whole).collect()).unwrap_or_default();
        (
            items.into_iter().map(rss_item).collect::<Vec<_>>(),
            channel.and_then(|channel| channel.child_text("title")),
            channel.and_then(|channel| channel.child_text("language")),
        )
    } else if let Some(rdf) = tree.root.child("rdf:rdf") {
        let channel = rdf.child("channel");
        (
            rdf.children_named("item").filter(whole).map(rss_item).collect(),
            channel.and_then(|channel| channel.child_text("title")),
            channel.and_then(|channel| channel.child_text("dc:language")),
        )
    } else if let Some(feed) = tree.root.child("feed") {
        let feed_authors = atom_authors(feed);
        (
            feed.children_named("entry")
                .filter(whole)
                .map(|entry| atom_entry(entry, &feed_authors))
                .collect(),
            feed.child("title").map(atom_text).filter(|title| !title.is_empty()),
            feed.attribute("xml:lang").map(str::to_owned),
        )
    } else {
        return Err(match tree.error {
            Some((line, error)) => ParseError::Invalid(format!("not a readable feed: line {line}: {error}")),
            None => ParseError::Invalid("not a feed: no <rss>, <rdf:RDF> or <feed> element".into()),
        });
    };
    let mut collection = collect(entries, site, language);
    if let Some((line, error)) = tree.error {
        collection.skipped.push(Skipped::at_line(
            line,
            format!("the feed is malformed here ({error}); entries after this point were not read"),
        ));
    }
    collection.finish(diagnostics, "the feed holds no entries")
}

fn collect(entries: Vec<Entry>, site: Option<String>, language: Option<String>) -> Collection {
    let mut collection = Collection::default();
    let language = language.and_then(|language| language.split(['-', '_']).next().map(str::to_owned));
    for (index, mut entry) in entries.into_iter().enumerate() {
        if entry.site.is_none() {
            entry.site.clone_from(&site);
        }
        if entry.language.is_none() {
            entry.language.clone_from(&language);
        }
        match entry.into_item(ORIGIN) {
            Ok(item) => collection.items.push(item),
            Err(reason) => collection.skipped.push(Skipped::at_entry(index + 1, reason)),
        }
    }
    collection
}

fn rss_item(item: &Element) -> Entry {
    let content = item.child_text("content:encoded");
    let summary = item.child_text("description");
    let link = item.child_text("link").or_else(|| {
        item.child("guid")
            .filter(|guid| guid.attribute("ispermalink") != Some("false"))
            .map(Element::text)
            .filter(|guid| guid.starts_with("http://") || guid.starts_with("https://"))
    });
    let authors = item
        .children_named("dc:creator")
        .chain(item.children_named("author"))
        .filter_map(|author| rss_author(&author.text()))
        .collect();
    let image = item
        .children_named("enclosure")
        .find(|enclosure| enclosure.attribute("type").is_some_and(|kind| kind.starts_with("image/")))
        .and_then(|enclosure| enclosure.attribute("url").map(str::to_owned));
    let (body, description) = match (content, summary) {
        (Some(content), summary) => (Body::Html(content), summary.map(|summary| plain_text(&summary))),
        (None, Some(summary)) => (Body::Html(summary), None),
        (None, None) => (Body::None, None),
    };
    Entry {
        title: item.child_text("title").map(|title| plain_text(&title)),
        url: link,
        authors,
        published: item.child_text("pubdate").or_else(|| item.child_text("dc:date")),
        description,
        image,
        tags: item
            .children_named("category")
            .chain(item.children_named("dc:subject"))
            .map(Element::text)
            .collect(),
        body,
        ..Entry::default()
    }
}

/// RSS's `<author>` is an e-mail address, often with the name in parentheses
/// (`jane@example.org (Jane Doe)`): the name when there is one; an address alone
/// names no one.
fn rss_author(text: &str) -> Option<String> {
    let text = text.trim();
    if let Some((_, rest)) = text.split_once('(')
        && let Some((name, _)) = rest.rsplit_once(')')
        && !name.trim().is_empty()
    {
        return Some(name.trim().to_owned());
    }
    (!text.is_empty() && !text.contains('@')).then(|| text.to_owned())
}

fn atom_entry(entry: &Element, feed_authors: &[String]) -> Entry {
    let link = entry
        .children_named("link")
        .find(|link| matches!(link.attribute("rel"), None | Some("alternate")))
        .and_then(|link| link.attribute("href").map(str::to_owned));
    let content =
        entry.child("content").filter(|content| content.attribute("src").is_none()).and_then(atom_body);
    let summary = entry.child("summary").and_then(atom_body);
    let (body, description) = match (content, summary) {
        (Some(content), summary) => (content, summary.map(|summary| body_text(&summary))),
        (None, Some(summary)) => (summary, None),
        (None, None) => (Body::None, None),
    };
    let mut authors = atom_authors(entry);
    if authors.is_empty() {
        authors = feed_authors.to_vec();
    }
    Entry {
        title: entry.child("title").map(atom_text).filter(|title| !title.is_empty()),
        url: link,
        authors,
        published: entry.child_text("published").or_else(|| entry.child_text("updated")),
        updated: entry.child_text("updated"),
        description,
        tags: entry
            .children_named("category")
            .filter_map(|category| {
                category.attribute("label").or(category.attribute("term")).map(str::to_owned)
            })
            .collect(),
        body,
        ..Entry::default()
    }
}

fn atom_authors(element: &Element) -> Vec<String> {
    element.children_named("author").filter_map(|author| author.child_text("name")).collect()
}

/// An Atom text construct's content as a body: `text` (the default), `html`
/// (escaped markup) or `xhtml` (inline markup).
fn atom_body(element: &Element) -> Option<Body> {
    let body = match element.attribute("type").unwrap_or("text") {
        "html" | "text/html" => Body::Html(element.text()),
        "xhtml" | "application/xhtml+xml" => Body::Html(element.inner_markup()),
        _ => Body::Text(element.text()),
    };
    match &body {
        Body::Html(text) | Body::Text(text) if text.trim().is_empty() => None,
        _ => Some(body),
    }
}

/// An Atom text construct as plain text (titles may be `type="html"`).
fn atom_text(element: &Element) -> String {
    match atom_body(element) {
        Some(body) => body_text(&body),
        None => String::new(),
    }
}

fn body_text(body: &Body) -> String {
    match body {
        Body::Html(markup) => plain_text(markup),
        Body::Text(text) | Body::Markdown(text) => crate::entry::collapse(text),
        Body::None => String::new(),
    }
}

/// HTML (or text that may hold entities and tags) as plain text on one line.
fn plain_text(markup: &str) -> String {
    if !markup.contains(['<', '&']) {
        return crate::entry::collapse(markup);
    }
    let blocks = html::fragment_blocks(markup);
    crate::entry::collapse(&blocks.iter().map(crate::Block::text).collect::<Vec<_>>().join(" "))
}

/// A JSON Feed (1.0 or 1.1): one document per item.
pub fn parse_json_feed(bytes: &[u8]) -> Result<Collection, ParseError> {
    let (input, diagnostics) = decode::decode(bytes);
    let feed: Value = serde_json::from_str(&input).map_err(|error| ParseError::Json {
        line: error.line(),
        column: error.column(),
        message: error.to_string(),
    })?;
    let Some(items) = feed.get("items").and_then(Value::as_array) else {
        return Err(ParseError::Invalid("not a JSON Feed: it has no `items` array".into()));
    };
    let string = |value: &Value, key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
    let site = string(&feed, "title");
    let language = string(&feed, "language");
    let feed_authors = json_authors(&feed);
    let mut entries = Vec::with_capacity(items.len());
    for item in items {
        let content = string(item, "content_html")
            .map(Body::Html)
            .or_else(|| string(item, "content_text").map(Body::Text))
            .filter(|body| !matches!(body, Body::Html(text) | Body::Text(text) if text.trim().is_empty()));
        let summary = string(item, "summary");
        let (body, description) = match (content, summary) {
            (Some(content), summary) => (content, summary),
            (None, Some(summary)) => (Body::Text(summary), None),
            (None, None) => (Body::None, None),
        };
        let mut authors = json_authors(item);
        if authors.is_empty() {
            authors.clone_from(&feed_authors);
        }
        entries.push(Entry {
            title: string(item, "title"),
            url: string(item, "url").or_else(|| string(item, "external_url")),
            authors,
            published: string(item, "date_published"),
            updated: string(item, "date_modified"),
            language: string(item, "language"),
            description,
            image: string(item, "image").or_else(|| string(item, "banner_image")),
            tags: item
                .get("tags")
                .and_then(Value::as_array)
                .map(|tags| tags.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                .unwrap_or_default(),
            body,
            ..Entry::default()
        });
    }
    collect(entries, site, language).finish(diagnostics, "the feed holds no items")
}

/// JSON Feed 1.1's `authors` array, or 1.0's `author` object.
fn json_authors(value: &Value) -> Vec<String> {
    let name = |author: &Value| author.get("name").and_then(Value::as_str).map(str::to_owned);
    match (value.get("authors").and_then(Value::as_array), value.get("author")) {
        (Some(authors), _) => authors.iter().filter_map(name).collect(),
        (None, Some(author)) => name(author).into_iter().collect(),
        (None, None) => Vec::new(),
    }
}

/// A feed listed in an OPML file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outline {
    /// The outline's `title` or `text`.
    pub title: Option<String>,
    /// `xmlUrl`: where the feed is.
    pub feed_url: String,
    /// `htmlUrl`: the site the feed belongs to.
    pub site_url: Option<String>,
    /// The folders it is in, outermost first.
    pub folders: Vec<String>,
}

/// The feeds an OPML file lists (outlines with an `xmlUrl`, in folders or not).
/// Fetching them is a later step: [`crate::parse`] reports an OPML file as
/// [`ParseError::FeedList`] naming them.
pub fn parse_opml(bytes: &[u8]) -> Result<Vec<Outline>, ParseError> {
    let (input, _) = decode::decode(bytes);
    let tree = xml::read(&input);
    let Some(body) = tree.root.child("opml").and_then(|opml| opml.child("body")) else {
        return Err(ParseError::Invalid(match tree.error {
            Some((line, error)) => format!("not a readable OPML file: line {line}: {error}"),
            None => "not an OPML file: no <opml><body> element".into(),
        }));
    };
    let mut outlines = Vec::new();
    let mut folders = Vec::new();
    gather_outlines(body, &mut folders, &mut outlines);
    Ok(outlines)
}

fn gather_outlines(element: &Element, folders: &mut Vec<String>, outlines: &mut Vec<Outline>) {
    for outline in element.children_named("outline") {
        let title = outline.attribute("title").or(outline.attribute("text")).map(str::to_owned);
        match outline.attribute("xmlurl").filter(|url| !url.trim().is_empty()) {
            Some(feed_url) => outlines.push(Outline {
                title,
                feed_url: feed_url.trim().to_owned(),
                site_url: outline.attribute("htmlurl").map(str::to_owned),
                folders: folders.clone(),
            }),
            None => {
                folders.push(title.unwrap_or_default());
                gather_outlines(outline, folders, outlines);
                folders.pop();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_feed_roots_after_the_prolog() {
        let detect = |text: &str| detect_xml(text.to_ascii_lowercase().as_bytes());
        assert_eq!(detect("<?xml version=\"1.0\"?>\n<!-- x --><rss version=\"2.0\">"), Some(Format::Rss));
        assert_eq!(detect("<feed xmlns=\"http://www.w3.org/2005/Atom\">"), Some(Format::Atom));
        assert_eq!(detect("<?xml version=\"1.0\"?><opml version=\"2.0\">"), Some(Format::Opml));
        assert_eq!(detect("<rdf:RDF xmlns:rdf=\"x\">"), Some(Format::Rss));
        assert_eq!(detect("<html><body>"), None);
        assert_eq!(detect("<?xml version=\"1.0\""), None);
    }

    #[test]
    fn rss_authors_are_names_not_addresses() {
        assert_eq!(rss_author("jane@example.org (Jane Doe)").as_deref(), Some("Jane Doe"));
        assert_eq!(rss_author("jane@example.org"), None);
        assert_eq!(rss_author("Jane Doe").as_deref(), Some("Jane Doe"));
    }

    #[test]
    fn only_a_json_feed_version_makes_a_json_feed() {
        assert!(is_json_feed(b"{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": []}"));
        assert!(!is_json_feed(b"{\"title\": \"t\", \"text\": \"see https://jsonfeed.org/version/1\"}"));
    }
}
