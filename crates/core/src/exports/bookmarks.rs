//! Netscape bookmark files, as Chrome, Firefox, Safari and Pinboard export them:
//! `<!DOCTYPE NETSCAPE-Bookmark-file-1>`, then nested `<DL>` lists of `<DT><A
//! HREF=… ADD_DATE=… TAGS=…>` links in `<DT><H3>` folders, a `<DD>` after a link
//! being its description.
//!
//! Each link becomes a document with an empty body (the file holds no text). Its
//! folders become tags, outermost first, except the browser's own root folders (the
//! bookmarks bar, unfiled bookmarks), which say nothing about the link; `TAGS` adds
//! its own. `ADD_DATE` is when it was saved. Links that are not web addresses
//! (`place:` queries, `javascript:` bookmarklets) are not articles and are ignored.

use quick_xml::events::{BytesStart, Event};

use crate::entry::{Body, Entry, unix_date};
use crate::{Collection, ParseError, Skipped, decode};

const ORIGIN: &str = "bookmarks";

/// A tag or text of an HTML-like file, read leniently.
pub(crate) enum Token {
    Start { name: String, attributes: Vec<(String, String)> },
    End { name: String },
    Text(String),
}

/// Reads `input` as a stream of tags and text with quick-xml, forgiving unclosed
/// and mismatched tags. Returns where reading stopped early (1-based line and why).
pub(crate) fn tokens(input: &str, mut visit: impl FnMut(Token)) -> Option<(usize, String)> {
    let mut reader = quick_xml::Reader::from_str(input);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.check_comments = false;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => return None,
            Ok(Event::Start(start) | Event::Empty(start)) => {
                visit(Token::Start {
                    name: start.name().as_ref().to_lowercase(),
                    attributes: attributes(&start),
                });
            }
            Ok(Event::End(end)) => visit(Token::End { name: end.name().as_ref().to_lowercase() }),
            Ok(Event::Text(text)) => visit(Token::Text(text.xml10_content().into_owned())),
            Ok(Event::CData(data)) => visit(Token::Text(data.xml10_content().into_owned())),
            Ok(Event::GeneralRef(reference)) => {
                let text = match reference.resolve_char_ref() {
                    Ok(Some(character)) => character.to_string(),
                    _ => decode_entity(&reference.xml10_content()),
                };
                visit(Token::Text(text));
            }
            Ok(_) => {}
            Err(error) => {
                let offset = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
                return Some((crate::xml::line_of(input, offset), error.to_string()));
            }
        }
    }
}

fn decode_entity(name: &str) -> String {
    match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => " ",
        other => return format!("&{other};"),
    }
    .to_owned()
}

fn attributes(start: &BytesStart<'_>) -> Vec<(String, String)> {
    start
        .html_attributes()
        .filter_map(Result::ok)
        .map(|attribute| {
            let key = attribute.key.as_ref().to_lowercase();
            let value = attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_or_else(|_| attribute.value.to_string(), std::borrow::Cow::into_owned);
            (key, value)
        })
        .collect()
}

pub(crate) fn attribute<'a>(attributes: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attributes.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
}

/// Whether an address is one a reader can open (not a `place:` query or a bookmarklet).
pub(crate) fn is_web_address(url: &str) -> bool {
    let url = url.trim().to_ascii_lowercase();
    url.starts_with("http://") || url.starts_with("https://")
}

/// A Netscape bookmark file: one document per web link.
pub fn parse(bytes: &[u8]) -> Result<Collection, ParseError> {
    let (input, diagnostics) = decode::decode(bytes);
    // Folder names of the open `<DL>` lists; `None` for lists that add no tag.
    let mut folders: Vec<Option<String>> = Vec::new();
    let mut pending_folder: Option<Option<String>> = None;
    let mut heading: Option<(String, bool)> = None;
    let mut link: Option<(Vec<(String, String)>, String)> = None;
    let mut description: Option<(usize, String)> = None;
    let mut entries: Vec<Entry> = Vec::new();
    let mut ignored = 0;

    let finish_description = |description: &mut Option<(usize, String)>, entries: &mut Vec<Entry>| {
        if let Some((index, text)) = description.take() {
            let text = crate::entry::collapse(&text);
            if !text.is_empty() {
                entries[index].description = Some(text);
            }
        }
    };
    let error = tokens(&input, |token| match token {
        Token::Start { name, attributes } => match name.as_str() {
            "dl" => {
                finish_description(&mut description, &mut entries);
                folders.push(pending_folder.take().flatten());
            }
            "h3" => {
                let root = attribute(&attributes, "personal_toolbar_folder").is_some()
                    || attribute(&attributes, "unfiled_bookmarks_folder").is_some();
                heading = Some((String::new(), root));
            }
            "a" => {
                finish_description(&mut description, &mut entries);
                link = Some((attributes, String::new()));
            }
            "dd" if !entries.is_empty() => description = Some((entries.len() - 1, String::new())),
            "dt" => finish_description(&mut description, &mut entries),
            _ => {}
        },
        Token::End { name } => match name.as_str() {
            "dl" => {
                finish_description(&mut description, &mut entries);
                folders.pop();
            }
            "h3" => {
                if let Some((name, root)) = heading.take() {
                    let name = crate::entry::collapse(&name);
                    pending_folder = Some((!root && !name.is_empty()).then_some(name));
                }
            }
            "a" => {
                if let Some((attributes, title)) = link.take() {
                    let Some(url) = attribute(&attributes, "href").filter(|url| is_web_address(url)) else {
                        ignored += 1;
                        return;
                    };
                    let mut tags: Vec<String> = folders.iter().flatten().cloned().collect();
                    if let Some(given) = attribute(&attributes, "tags") {
                        tags.extend(given.split(',').map(str::to_owned));
                    }
                    entries.push(Entry {
                        title: Some(title).filter(|title| !title.trim().is_empty()),
                        url: Some(url.trim().to_owned()),
                        saved: attribute(&attributes, "add_date").and_then(unix_date),
                        tags,
                        body: Body::None,
                        ..Entry::default()
                    });
                }
            }
            _ => {}
        },
        Token::Text(text) => {
            if let Some((_, title)) = &mut link {
                title.push_str(&text);
            } else if let Some((name, _)) = &mut heading {
                name.push_str(&text);
            } else if let Some((_, gathered)) = &mut description {
                gathered.push_str(&text);
            }
        }
    });
    finish_description(&mut description, &mut entries);

    links(entries, ORIGIN, ignored, error).finish(diagnostics, "the bookmark file holds no web links")
}

/// The links read from a bookmark file (or Pocket's, its kin), numbered from 1;
/// when the file broke off (`error`: its line and why), a skipped entry says so.
pub(crate) fn links(
    entries: Vec<Entry>,
    origin: &str,
    ignored: usize,
    error: Option<(usize, String)>,
) -> Collection {
    let mut collection = Collection { ignored, ..Collection::default() };
    for (index, entry) in entries.into_iter().enumerate() {
        match entry.into_item(origin) {
            Ok(item) => collection.items.push(item),
            Err(reason) => collection.skipped.push(Skipped::at_entry(index + 1, reason)),
        }
    }
    if let Some((line, error)) = error {
        collection.skipped.push(Skipped::at_line(
            line,
            format!("the file is malformed here ({error}); links after this point were not read"),
        ));
    }
    collection
}
