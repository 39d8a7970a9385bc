//! Pocket's exports. The CSV (`title,url,time_added,tags,status`; tags joined by
//! `|`, status `unread` or `archive`) and the older HTML `ril_export.html` (an
//! `<h1>Unread</h1>` list and an `<h1>Read Archive</h1>` list of `<a href
//! time_added tags>` links). Neither carries the articles' text: each link becomes a
//! document with an empty body, its tags, the time it was saved, and whether it was
//! archived (read).

use crate::entry::{Body, Entry, unix_date};
use crate::exports::bookmarks::{self, Token, attribute};
use crate::{Collection, ParseError, decode};

const ORIGIN: &str = "pocket";

/// The CSV export: one document per row.
pub fn parse_csv(bytes: &[u8]) -> Result<Collection, ParseError> {
    super::read_csv(bytes, |field, _line| {
        let Some(url) = field("url") else {
            return Err("the row has no url; nothing to import".into());
        };
        let status = field("status").map(|status| status.to_lowercase());
        Entry {
            title: field("title"),
            url: Some(url),
            saved: field("time_added").and_then(|seconds| unix_date(&seconds)),
            tags: field("tags")
                .map(|tags| tags.split(['|', ',']).map(str::to_owned).collect())
                .unwrap_or_default(),
            read: match status.as_deref() {
                Some("archive" | "archived" | "read") => Some(true),
                Some("unread") => Some(false),
                _ => None,
            },
            body: Body::None,
            ..Entry::default()
        }
        .into_item(ORIGIN)
    })
}

/// The HTML export: one document per link, read when it is under "Read Archive".
pub fn parse_html(bytes: &[u8]) -> Result<Collection, ParseError> {
    let (input, diagnostics) = decode::decode(bytes);
    let mut heading: Option<String> = None;
    let mut read = None;
    let mut link: Option<(Vec<(String, String)>, String)> = None;
    let mut entries = Vec::new();
    let mut ignored = 0;
    let error = bookmarks::tokens(&input, |token| match token {
        Token::Start { name, attributes } if name == "a" => link = Some((attributes, String::new())),
        Token::Start { name, .. } if name == "h1" => heading = Some(String::new()),
        Token::End { name } if name == "h1" => {
            if let Some(text) = heading.take() {
                let text = text.trim().to_lowercase();
                read = if text.contains("archive") || text.starts_with("read") {
                    Some(true)
                } else if text.contains("unread") {
                    Some(false)
                } else {
                    None
                };
            }
        }
        Token::End { name } if name == "a" => {
            if let Some((attributes, title)) = link.take() {
                let Some(url) = attribute(&attributes, "href").filter(|url| bookmarks::is_web_address(url))
                else {
                    ignored += 1;
                    return;
                };
                entries.push(Entry {
                    title: Some(title).filter(|title| !title.trim().is_empty()),
                    url: Some(url.trim().to_owned()),
                    saved: attribute(&attributes, "time_added").and_then(unix_date),
                    tags: attribute(&attributes, "tags")
                        .map(|tags| tags.split([',', '|']).map(str::to_owned).collect())
                        .unwrap_or_default(),
                    read,
                    body: Body::None,
                    ..Entry::default()
                });
            }
        }
        Token::Text(text) => {
            if let Some((_, title)) = &mut link {
                title.push_str(&text);
            } else if let Some(heading) = &mut heading {
                heading.push_str(&text);
            }
        }
        _ => {}
    });
    bookmarks::links(entries, ORIGIN, ignored, error).finish(diagnostics, "the Pocket export holds no links")
}
