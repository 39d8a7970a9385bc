//! ZIP archives, read from memory with bounds: an archive is hostile input like any
//! other, and a small one can claim to expand to terabytes. Members are read one at
//! a time (never all at once), each at most [`MAX_MEMBER_BYTES`], at most
//! [`MAX_TOTAL_BYTES`] in all, from archives of at most [`MAX_MEMBERS`] members;
//! past a limit the archive or the member is refused with a message naming it.
//!
//! Omnivore and Readeck exports are ZIP archives recognised by their members
//! (`exports::omnivore`, `exports::readeck`); any other archive is read member by
//! member, each in the format its name and content say ([`parse`]).

use std::io::{Cursor, Read};

use crate::{Collection, Format, ParseError, Skipped};

/// Members an archive may hold (files and folders).
pub const MAX_MEMBERS: usize = 20_000;
/// Bytes one member may expand to: the limit on a file given to `dossier import`.
pub const MAX_MEMBER_BYTES: u64 = 64 * 1024 * 1024;
/// Bytes all members read from one archive may expand to.
pub const MAX_TOTAL_BYTES: u64 = 1024 * 1024 * 1024;

/// Whether `bytes` start like a ZIP archive (a local file header, or the end record
/// of an empty archive).
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// Which kind of archive `bytes` are, from the names of their members.
pub(crate) fn detect(bytes: &[u8]) -> Format {
    let Ok(archive) = Archive::open(bytes) else {
        return Format::Zip;
    };
    let names = archive.file_names();
    if names.iter().any(|name| crate::exports::omnivore::is_metadata_name(name)) {
        Format::Omnivore
    } else if crate::exports::readeck::looks_like(&names) {
        Format::Readeck
    } else {
        Format::Zip
    }
}

/// The bounds an archive is read within.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub(crate) members: usize,
    pub(crate) member_bytes: u64,
    pub(crate) total_bytes: u64,
}

impl Limits {
    pub(crate) const DEFAULT: Limits =
        Limits { members: MAX_MEMBERS, member_bytes: MAX_MEMBER_BYTES, total_bytes: MAX_TOTAL_BYTES };
}

/// An archive open for reading, counting what its members expand to.
pub(crate) struct Archive<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    limits: Limits,
    expanded: u64,
}

/// Why a member could not be read: `fatal` when the whole archive is past its limit.
#[derive(Debug)]
pub(crate) struct MemberError {
    pub(crate) reason: String,
    pub(crate) fatal: bool,
}

impl<'a> Archive<'a> {
    pub(crate) fn open(bytes: &'a [u8]) -> Result<Archive<'a>, ParseError> {
        Archive::open_within(bytes, Limits::DEFAULT)
    }

    pub(crate) fn open_within(bytes: &'a [u8], limits: Limits) -> Result<Archive<'a>, ParseError> {
        let zip = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|error| ParseError::Archive(format!("not a readable ZIP archive: {error}")))?;
        if zip.len() > limits.members {
            return Err(ParseError::Archive(format!(
                "the archive holds {} members, over the limit of {}; extract it and import the folder",
                zip.len(),
                limits.members
            )));
        }
        Ok(Archive { zip, limits, expanded: 0 })
    }

    /// The names of the files (not folders), in the archive's order.
    pub(crate) fn file_names(&self) -> Vec<String> {
        self.zip
            .file_names()
            .filter_map(Result::ok)
            .filter(|name| !name.ends_with('/'))
            .map(std::borrow::Cow::into_owned)
            .collect()
    }

    /// One member's bytes, within the limits.
    pub(crate) fn read(&mut self, name: &str) -> Result<Vec<u8>, MemberError> {
        self.read_at_most(name, self.limits.member_bytes)
    }

    /// One member's bytes, within the limits and at most `limit` bytes.
    pub(crate) fn read_at_most(&mut self, name: &str, limit: u64) -> Result<Vec<u8>, MemberError> {
        let member_bytes = limit.min(self.limits.member_bytes);
        let total_bytes = self.limits.total_bytes;
        let member_error = |reason: String| MemberError { reason, fatal: false };
        let total_error = || MemberError {
            reason: format!(
                "the archive expands past {total_bytes} bytes in all; extract it and import the folder"
            ),
            fatal: true,
        };
        if self.expanded >= total_bytes {
            return Err(total_error());
        }
        let mut member =
            self.zip.by_name(name).map_err(|error| member_error(format!("cannot be read: {error}")))?;
        if member.size() > member_bytes {
            return Err(member_error(format!(
                "expands to {} bytes, over the {member_bytes}-byte limit for one member",
                member.size()
            )));
        }
        // The declared size may lie: read at most one byte past the limit to know.
        let allowed = member_bytes.min(total_bytes - self.expanded);
        let mut bytes = Vec::with_capacity(usize::try_from(member.size().min(allowed)).unwrap_or(0));
        let read = (&mut member).take(allowed + 1).read_to_end(&mut bytes);
        self.expanded += bytes.len() as u64;
        if let Err(error) = read {
            return Err(member_error(format!("cannot be read: {error}")));
        }
        if bytes.len() as u64 > allowed {
            return Err(if allowed < member_bytes {
                total_error()
            } else {
                member_error(format!("expands past the {member_bytes}-byte limit for one member"))
            });
        }
        Ok(bytes)
    }
}

/// File endings of members read from an archive of articles; others (images, style
/// sheets) are counted as ignored.
const ARTICLE_EXTENSIONS: &[&str] = &[
    "txt", "text", "md", "markdown", "json", "ndjson", "jsonl", "html", "htm", "xhtml", "shtml", "xml",
    "rss", "atom", "csv", "opml",
];

/// Whether a member is worth reading: not a folder, not hidden or macOS metadata,
/// and named like an article.
fn is_article_member(name: &str) -> bool {
    if name.starts_with("__MACOSX/") || name.split('/').any(|part| part.starts_with('.')) {
        return false;
    }
    let file = name.rsplit('/').next().unwrap_or(name);
    match file.rsplit_once('.') {
        None => true,
        Some((_, extension)) => ARTICLE_EXTENSIONS.contains(&extension.to_ascii_lowercase().as_str()),
    }
}

/// Any archive of articles: each member parsed in its own format. A member that
/// yields nothing is reported with its name; archives inside archives are not opened.
pub fn parse(bytes: &[u8]) -> Result<Collection, ParseError> {
    parse_within(bytes, Limits::DEFAULT)
}

fn parse_within(bytes: &[u8], limits: Limits) -> Result<Collection, ParseError> {
    let mut archive = Archive::open_within(bytes, limits)?;
    let mut collection = Collection::default();
    for name in archive.file_names() {
        if !is_article_member(&name) {
            collection.ignored += 1;
            continue;
        }
        let skip = |reason: String| Skipped { member: Some(name.clone()), line: None, entry: None, reason };
        let member = match archive.read(&name) {
            Ok(member) => member,
            Err(error) if error.fatal => return Err(ParseError::Archive(error.reason)),
            Err(error) => {
                collection.skipped.push(skip(error.reason));
                continue;
            }
        };
        let format = crate::detect_format(Some(&name), &member);
        if matches!(format, Format::Zip | Format::Omnivore | Format::Readeck) {
            collection.skipped.push(skip(
                "an archive inside the archive is not opened; extract it and import it on its own".into(),
            ));
            continue;
        }
        match crate::parse_collection(&member, format) {
            Ok(inner) => {
                collection.items.extend(inner.items.into_iter().map(|mut item| {
                    item.member = Some(name.clone());
                    item
                }));
                collection.skipped.extend(inner.skipped.into_iter().map(|mut skipped| {
                    skipped.member.get_or_insert_with(|| name.clone());
                    skipped
                }));
                collection.ignored += inner.ignored;
            }
            Err(ParseError::Empty) => collection.ignored += 1,
            Err(error) => collection.skipped.push(skip(error.to_string())),
        }
    }
    if collection.items.is_empty() && collection.skipped.is_empty() {
        return Err(ParseError::Archive("the archive holds no articles".into()));
    }
    Ok(collection)
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::Write;

    use super::*;

    /// A ZIP archive of `members`, deflated.
    pub(crate) fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options =
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in members {
            writer.start_file(*name, options).expect("member starts");
            writer.write_all(bytes).expect("member written");
        }
        writer.finish().expect("archive finished").into_inner()
    }

    #[test]
    fn reads_members_in_their_formats() {
        let archive = zip_of(&[
            ("notes/a.md", b"# First\n\nSome text here.\n"),
            ("notes/b.txt", b"Second\n\nMore text here.\n"),
            ("notes/picture.png", b"\x89PNG"),
            ("notes/bad.json", b"{ nope"),
        ]);
        assert_eq!(detect(&archive), Format::Zip);
        let collection = parse(&archive).expect("parsed");
        let titles: Vec<&str> = collection.items.iter().map(|item| item.document.title.as_str()).collect();
        assert_eq!(titles, ["First", "Second"]);
        assert_eq!(collection.items[1].member.as_deref(), Some("notes/b.txt"));
        assert_eq!(collection.ignored, 1);
        assert_eq!(collection.skipped.len(), 1);
        assert_eq!(collection.skipped[0].member.as_deref(), Some("notes/bad.json"));
    }

    #[test]
    fn a_member_past_the_limit_is_refused_not_read() {
        let big = vec![b'a'; (MAX_MEMBER_BYTES + 10) as usize];
        let archive = zip_of(&[("big.txt", &big), ("small.txt", b"Small\n\nText.\n")]);
        assert!(archive.len() < 1024 * 1024, "a zip bomb in miniature");
        let collection = parse(&archive).expect("parsed");
        assert_eq!(collection.items.len(), 1);
        assert!(collection.skipped[0].reason.contains("limit"), "{:?}", collection.skipped);
    }

    #[test]
    fn every_bound_is_enforced_with_a_clear_message() {
        let members: Vec<(String, Vec<u8>)> = (0..5)
            .map(|index| {
                (format!("note{index}.txt"), format!("Note {index}\n\n{}\n", "word ".repeat(40)).into_bytes())
            })
            .collect();
        let members: Vec<(&str, &[u8])> =
            members.iter().map(|(name, bytes)| (name.as_str(), bytes.as_slice())).collect();
        let archive = zip_of(&members);
        let limits = Limits { members: 4, ..Limits::DEFAULT };
        let error = parse_within(&archive, limits).expect_err("too many members");
        assert_eq!(
            error.to_string(),
            "the archive holds 5 members, over the limit of 4; extract it and import the folder"
        );
        // A member past the per-member bound is skipped; the archive goes on.
        let limits = Limits { member_bytes: 100, ..Limits::DEFAULT };
        let collection = parse_within(&archive, limits).expect("read");
        assert_eq!(collection.skipped.len(), 5);
        assert!(collection.skipped[0].reason.starts_with("expands to 209 bytes, over the 100-byte limit"));
        // Past the total, the whole archive is refused.
        let limits = Limits { total_bytes: 500, ..Limits::DEFAULT };
        let error = parse_within(&archive, limits).expect_err("too large in all");
        assert_eq!(
            error.to_string(),
            "the archive expands past 500 bytes in all; extract it and import the folder"
        );
        assert_eq!(parse_within(&archive, Limits::DEFAULT).expect("read").items.len(), 5);
    }

    #[test]
    fn garbage_is_an_archive_error() {
        assert!(matches!(parse(b"PK\x03\x04garbage"), Err(ParseError::Archive(_))));
    }
}
