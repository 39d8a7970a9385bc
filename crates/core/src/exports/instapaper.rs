//! Instapaper's CSV export: `URL,Title,Selection,Folder,Timestamp`. `Selection` is
//! the text the reader selected when saving (kept as the description); `Folder` is
//! `Unread`, `Archive`, `Starred` or a folder of the reader's own, which becomes a
//! tag; `Timestamp` is when it was saved, in Unix seconds. Newer exports add a
//! `Tags` column (a JSON array of names, or names separated by commas). The export
//! carries no article text: each row becomes a document with an empty body.

use crate::entry::{Body, Entry, unix_date};
use crate::{Collection, ParseError};

const ORIGIN: &str = "instapaper";

/// One document per row.
pub fn parse(bytes: &[u8]) -> Result<Collection, ParseError> {
    super::read_csv(bytes, |field, _line| {
        let Some(url) = field("url") else {
            return Err("the row has no URL; nothing to import".into());
        };
        let folder = field("folder");
        let (read, mut tags) = match folder.as_deref().map(str::to_lowercase).as_deref() {
            Some("archive") => (Some(true), Vec::new()),
            Some("unread") => (Some(false), Vec::new()),
            Some("starred") | None => (None, Vec::new()),
            Some(_) => (None, folder.into_iter().collect()),
        };
        if let Some(given) = field("tags") {
            match serde_json::from_str::<Vec<String>>(&given) {
                Ok(names) => tags.extend(names),
                Err(_) => tags.extend(given.split(',').map(str::to_owned)),
            }
        }
        Entry {
            title: field("title"),
            url: Some(url),
            description: field("selection"),
            saved: field("timestamp").and_then(|seconds| unix_date(&seconds)),
            tags,
            read,
            body: Body::None,
            ..Entry::default()
        }
        .into_item(ORIGIN)
    })
}
