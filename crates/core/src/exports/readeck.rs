//! Readeck's export: the ZIP archive written by `readeck export FILE` (all users, or
//! `-user NAME`) and by the profile page's "Export" (one user). Its layout:
//!
//! - `data.json`: the instance's records (`Info`, `Users`, `Tokens`,
//!   `BookmarkCollections`, and `Bookmarks`, a list of `UID` and `UserID`), written
//!   last. Only its presence is used here, to recognise the archive.
//! - `bookmarks/<UID>/info.json`: one bookmark's record, as Go encodes Readeck's
//!   bookmark type, which has no JSON names of its own: the keys are its field
//!   names, capitalised (`Title`, `URL`, `InitialURL`, `SiteName`, `Site`, `Authors`,
//!   `Published`, `Created`, `Updated`, `Lang`, `Description`, `Text`, `Labels`,
//!   `IsArchived`, `IsMarked`, `ReadProgress` from 0 to 100, `Files`,
//!   `Annotations` …). Dates are RFC 3339 with the fraction of a second when there is
//!   one (`2024-04-02T10:00:00.481516Z`); `Published` is `null` when unknown, and
//!   empty lists are `null`. `Files` maps `article` to `{"name": "index.html"}`
//!   when the article was saved. Each of `Annotations` has, beside its position in
//!   the article, `text` (the highlighted passage), `note`, `color` and `created`.
//! - `bookmarks/<UID>/container/…`: a copy of the ZIP Readeck keeps for the bookmark:
//!   `index.html` (the article it extracted, a whole HTML document),
//!   `_resources/<id>.<ext>` (the article's images, linked from it as
//!   `./_resources/…`), `img/` (the page's icon, picture and thumbnail), `props.json`
//!   (the raw extraction) and `log`.
//!
//! The article's images in `_resources/` are handed on with the collection
//! (`Collection::images`), each under its member's name, which the image block's
//! `src` then carries: `./_resources/ID.jpg` is the same name in every bookmark's
//! container, the member's name is not. They are read after every article, so
//! that images never use up the archive's budget of expanded bytes before an
//! article is read.
//!
//! A bookmark is read when it is archived (Readeck's "unread" is "not archived") or
//! its reading progress is 100. `IsMarked` (a favourite) has no place in the model and
//! is not kept. When the container has no article, the record's `Text` (the
//! article's plain text) is the body.
//!
//! Sources (facts only): Readeck's `internal/portability/export.go`,
//! `internal/portability/portability.go` and `internal/portability/import.go` (the
//! archive), `internal/bookmarks/bookmarks.go` and `internal/bookmarks/annotations.go`
//! (the record and its annotations), `internal/bookmarks/container.go`,
//! `internal/bookmarks/archive.go` and `internal/bookmarks/tasks/tasks.go` (the
//! container), as mirrored on GitHub in `Bokovsky/readeck-mirror`; the container's
//! older form in `readeck/readeck` (`internal/bookmarks/jobs.go`, `zip.go`,
//! `models.go`); and two readers of real exports, `joecarpita/readeck-to-karakeep`
//! (`readeck_to_karakeep_import`) and `lilacpixel/readeck-backup-to-html`
//! (`readeck-backup-to-html.py`), which read the same capitalised keys.

use std::collections::{BTreeSet, HashSet};

use serde_json::Value;

use crate::archive::Archive;
use crate::entry::{Body, Entry};
use crate::{Block, Collection, Highlight, Item, ParseError, Skipped};

const ORIGIN: &str = "readeck";

/// The folder of a bookmark (`bookmarks/<UID>/`, possibly under a folder the archive
/// was re-packed in) when `name` is its `info.json`, with the folder holding
/// `bookmarks/`.
fn bookmark_folder(name: &str) -> Option<(&str, &str)> {
    let folder = name.strip_suffix("info.json")?;
    let inner = folder.strip_suffix('/')?;
    let (parent, uid) = inner.rsplit_once('/')?;
    let root = parent.strip_suffix("bookmarks")?;
    (!uid.is_empty() && (root.is_empty() || root.ends_with('/'))).then_some((root, folder))
}

/// Whether an archive's file names look like a Readeck export: a `data.json` with a
/// `bookmarks/<UID>/info.json` beside it.
pub(crate) fn looks_like(names: &[String]) -> bool {
    names
        .iter()
        .filter_map(|name| bookmark_folder(name))
        .any(|(root, _)| names.contains(&format!("{root}data.json")))
}

/// One document per bookmark, in the archive's order (Readeck writes them oldest
/// first).
pub fn parse(bytes: &[u8]) -> Result<Collection, ParseError> {
    let mut archive = Archive::open(bytes)?;
    let names = archive.file_names();
    let members: HashSet<&str> = names.iter().map(String::as_str).collect();
    let mut collection = Collection::default();
    // The containers' images the articles show, read once every article is: an
    // archive's budget of expanded bytes goes to articles first.
    let mut images = BTreeSet::new();
    for info_name in &names {
        let Some((_, folder)) = bookmark_folder(info_name) else {
            continue;
        };
        let skip =
            |reason: String| Skipped { member: Some(info_name.clone()), line: None, entry: None, reason };
        let info = match archive.read(info_name) {
            Ok(info) => info,
            Err(error) if error.fatal => return Err(ParseError::Archive(error.reason)),
            Err(error) => {
                collection.skipped.push(skip(error.reason));
                continue;
            }
        };
        let info = match serde_json::from_slice::<Value>(&info) {
            Ok(info @ Value::Object(_)) => info,
            Ok(_) => {
                collection.skipped.push(skip("not a JSON object".into()));
                continue;
            }
            Err(error) => {
                collection.skipped.push(skip(format!("invalid JSON: {error}")));
                continue;
            }
        };
        let article_name = format!("{folder}container/{}", article_member(&info));
        let body = if members.contains(article_name.as_str()) {
            match archive.read(&article_name) {
                Ok(html) => Body::Html(crate::decode::decode(&html).0),
                Err(error) if error.fatal => return Err(ParseError::Archive(error.reason)),
                Err(error) => {
                    collection.skipped.push(Skipped {
                        member: Some(article_name),
                        line: None,
                        entry: None,
                        reason: error.reason,
                    });
                    continue;
                }
            }
        } else {
            match info.get("Text").and_then(Value::as_str).map(str::trim) {
                Some(text) if !text.is_empty() => Body::Text(text.to_owned()),
                _ => Body::None,
            }
        };
        match entry(&info, body).into_item(ORIGIN) {
            Ok(mut item) => {
                name_images_by_member(&mut item, &format!("{folder}container/"), &members, &mut images);
                collection.items.push(item);
            }
            Err(reason) => collection.skipped.push(skip(reason)),
        }
    }
    for member in images {
        match archive.read_at_most(&member, crate::MAX_IMAGE_BYTES as u64) {
            Ok(bytes) => collection.images.push((member, bytes)),
            // Out of budget: the articles are read; their images stay captions.
            Err(error) if error.fatal => break,
            Err(_) => {}
        }
    }
    collection.finish(Vec::new(), "not a Readeck export: no bookmarks/<id>/info.json")
}

/// Points each image of `item` that its container holds (`./_resources/ID.jpg`,
/// relative to the article) at the archive member itself, which names it
/// uniquely across bookmarks, and adds the member to `images` to be read. An
/// address elsewhere, or a path leaving the container, is left as it is.
fn name_images_by_member(
    item: &mut Item,
    container: &str,
    members: &HashSet<&str>,
    images: &mut BTreeSet<String>,
) {
    for block in &mut item.document.blocks {
        let Block::Image { src, .. } = block else { continue };
        let relative = src.trim().trim_start_matches("./");
        let inside = !relative.is_empty()
            && !relative.contains([':', '?', '#', '\\'])
            && !relative.starts_with('/')
            && relative.split('/').all(|part| !part.is_empty() && part != "." && part != "..");
        if !inside {
            continue;
        }
        let member = format!("{container}{relative}");
        if members.contains(member.as_str()) {
            images.insert(member.clone());
            *src = member;
        }
    }
}

/// The article's name in the bookmark's container: what `Files.article.name` says,
/// else `index.html`, the only name Readeck gives it.
fn article_member(info: &Value) -> &str {
    info.pointer("/Files/article/name")
        .and_then(Value::as_str)
        .filter(|name| {
            !name.is_empty() && !name.starts_with('/') && !name.split('/').any(|part| part == "..")
        })
        .unwrap_or("index.html")
}

/// A date as Go writes it, or `None` for Go's zero time (`0001-01-01T00:00:00Z`),
/// which stands for "no date".
fn date(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|date| !date.is_empty() && !date.starts_with("0001-"))
        .map(str::to_owned)
}

fn entry(info: &Value, body: Body) -> Entry {
    let string = |key: &str| {
        info.get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
    };
    let strings = |key: &str| -> Vec<String> {
        info.get(key)
            .and_then(Value::as_array)
            .map(|items| items.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default()
    };
    let archived = info.get("IsArchived").and_then(Value::as_bool).unwrap_or(false);
    let finished = info.get("ReadProgress").and_then(Value::as_f64).is_some_and(|progress| progress >= 100.0);
    let highlights = info
        .get("Annotations")
        .and_then(Value::as_array)
        .map(|annotations| {
            annotations
                .iter()
                .map(|annotation| {
                    let text = |key: &str| {
                        annotation
                            .get(key)
                            .and_then(Value::as_str)
                            .map(str::trim)
                            .filter(|text| !text.is_empty())
                            .map(str::to_owned)
                    };
                    Highlight {
                        text: text("text"),
                        note: text("note"),
                        created: date(annotation.get("created"))
                            .and_then(|date| crate::entry::normalize_date(&date)),
                    }
                })
                .filter(|highlight| highlight.text.is_some() || highlight.note.is_some())
                .collect()
        })
        .unwrap_or_default();
    Entry {
        title: string("Title"),
        url: string("URL").or_else(|| string("InitialURL")),
        authors: strings("Authors"),
        published: date(info.get("Published")),
        saved: date(info.get("Created")),
        site: string("SiteName"),
        language: string("Lang"),
        description: string("Description"),
        tags: strings("Labels"),
        body,
        read: Some(archived || finished),
        highlights,
        ..Entry::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip_of(members: &[(&str, &str)]) -> Vec<u8> {
        let members: Vec<(&str, &[u8])> =
            members.iter().map(|(name, text)| (*name, text.as_bytes())).collect();
        crate::archive::tests::zip_of(&members)
    }

    fn names(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn recognised_by_data_json_beside_bookmark_folders() {
        assert!(looks_like(&names(&["bookmarks/6kFT/info.json", "data.json"])));
        assert!(looks_like(&names(&["export/bookmarks/6kFT/info.json", "export/data.json"])));
        // The layout guessed before, and bookmark folders without Readeck's data.json.
        assert!(!looks_like(&names(&["6kFT/info.json", "6kFT/index.html"])));
        assert!(!looks_like(&names(&["bookmarks/6kFT/info.json", "bookmarks/6kFT/index.html"])));
        assert!(!looks_like(&names(&["bookmarks/info.json", "data.json"])));
        assert!(!looks_like(&names(&["mybookmarks/6kFT/info.json", "data.json"])));
        assert!(!looks_like(&names(&["bookmarks/6kFT/container/info.json", "data.json"])));
    }

    #[test]
    fn without_a_saved_article_the_plain_text_is_the_body() {
        let bytes = zip_of(&[
            (
                "bookmarks/Ab1/info.json",
                r#"{"UID":"Ab1","Title":"Harbour notes","URL":"https://quay.example/notes","Text":"The quay reopens on Monday.","Published":null,"Labels":null,"Authors":null,"Annotations":[{"id":"x","text":"","note":"","created":"0001-01-01T00:00:00Z"}],"Created":"2024-04-06T09:15:02.25Z","IsArchived":false,"ReadProgress":100,"Files":{}}"#,
            ),
            ("data.json", "{}"),
        ]);
        let collection = parse(&bytes).expect("parsed");
        let item = &collection.items[0];
        assert_eq!(item.document.blocks[0].text(), "The quay reopens on Monday.");
        assert_eq!(item.document.published.as_deref(), Some("2024-04-06T09:15:02.25Z"));
        assert_eq!(item.read, Some(true), "a reading progress of 100 is read");
        assert!(item.highlights.is_empty(), "an annotation without text or note is no highlight");
    }

    #[test]
    fn the_containers_images_are_read_and_named_by_their_member() {
        let png: &[u8] = b"\x89PNG\r\n\x1a\n picture";
        let html = "<html><body><p>The quay reopens.</p>\
            <figure><img src='./_resources/q1.png'><figcaption>The quay</figcaption></figure>\
            <img src='_resources/missing.png'><img src='../../Cd2/container/_resources/c.png'>\
            <img src='https://quay.example/remote.png'></body></html>";
        let members: Vec<(&str, &[u8])> = vec![
            ("bookmarks/Ab1/info.json", br#"{"Title":"Harbour notes","URL":"https://quay.example/n"}"#),
            ("bookmarks/Ab1/container/index.html", html.as_bytes()),
            ("bookmarks/Ab1/container/_resources/q1.png", png),
            ("bookmarks/Cd2/container/_resources/c.png", png),
            ("data.json", b"{}"),
        ];
        let collection = parse(&crate::archive::tests::zip_of(&members)).expect("parsed");
        let sources: Vec<&str> = collection.items[0]
            .document
            .blocks
            .iter()
            .filter_map(|block| match block {
                Block::Image { src, .. } => Some(src.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(
            sources,
            [
                "bookmarks/Ab1/container/_resources/q1.png",
                "_resources/missing.png",
                "../../Cd2/container/_resources/c.png",
                "https://quay.example/remote.png"
            ]
        );
        assert_eq!(
            collection.images,
            [("bookmarks/Ab1/container/_resources/q1.png".to_owned(), png.to_vec())]
        );
    }

    #[test]
    fn the_article_is_found_by_the_name_the_record_gives() {
        let bytes = zip_of(&[
            (
                "bookmarks/Ab1/info.json",
                r#"{"Title":"Harbour notes","URL":"https://quay.example/notes","Files":{"article":{"name":"article.html","type":""}},"Text":"Plain."}"#,
            ),
            ("bookmarks/Ab1/container/article.html", "<html><body><p>From the archive.</p></body></html>"),
            (
                "bookmarks/Cd2/info.json",
                r#"{"Title":"Elsewhere","URL":"https://quay.example/else","Files":{"article":{"name":"../../Ab1/container/article.html"}}}"#,
            ),
            ("data.json", "{}"),
        ]);
        let collection = parse(&bytes).expect("parsed");
        assert_eq!(collection.items[0].document.blocks[0].text(), "From the archive.");
        assert!(
            collection.items[1].document.blocks.is_empty(),
            "a name leaving the container is not followed"
        );
    }
}
