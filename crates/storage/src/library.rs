//! The reader's library and what the reader does with documents: the filtered
//! listing with keyset pagination and counts, tags, highlights, read state and
//! the reading position. Each backend builds the SQL (`sqlite::library`, `postgres::library`);
//! the request types, their checks and the grouping of counts are shared here.

use std::collections::HashMap;

use crate::{Backend, Error, Result, Store, postgres, sqlite};

/// Which documents the library shows. Every field narrows; the default shows all.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LibraryFilter {
    /// The site name, without regard to case.
    pub site: Option<String>,
    /// A tag, without regard to case.
    pub tag: Option<String>,
    /// A language code as the document model has it (`en`).
    pub language: Option<String>,
    /// Published on or after this date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    pub published_from: Option<String>,
    /// Published on or before this date, the whole of it: `2024-03` includes 31 March.
    pub published_until: Option<String>,
    /// Only documents not marked read.
    pub unread: bool,
    /// Only the documents of this story cluster.
    pub story: Option<i64>,
}

impl LibraryFilter {
    /// Checks the dates; `Error::InvalidQuery` names the one that is not a date.
    pub(crate) fn check(&self) -> Result<()> {
        for (name, value) in [("from", &self.published_from), ("until", &self.published_until)] {
            if let Some(value) = value
                && !is_date_prefix(value)
            {
                return Err(Error::InvalidQuery(format!(
                    "{name} {value} is not a date; write YYYY, YYYY-MM or YYYY-MM-DD"
                )));
            }
        }
        Ok(())
    }
}

fn is_date_prefix(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    let number = |part: &str, length: usize, range: std::ops::RangeInclusive<u32>| {
        part.len() == length
            && part.bytes().all(|byte| byte.is_ascii_digit())
            && range.contains(&part.parse().unwrap_or(0))
    };
    match parts.as_slice() {
        [year] => number(year, 4, 0..=9999),
        [year, month] => number(year, 4, 0..=9999) && number(month, 2, 1..=12),
        [year, month, day] => number(year, 4, 0..=9999) && number(month, 2, 1..=12) && number(day, 2, 1..=31),
        _ => false,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LibrarySort {
    /// Most recently added first.
    #[default]
    Added,
    /// Newest publication date first; undated documents last.
    Published,
}

/// Where a page of the library starts: just after the entry with this sort key
/// and id. Pages stay stable while documents are added, unlike offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryCursor {
    /// The sort column's value (`added_at` or `published`; `None` for undated).
    pub key: Option<String>,
    pub id: i64,
}

impl LibraryCursor {
    /// `ID` or `ID~KEY`, fit for a query string.
    pub fn encode(&self) -> String {
        match &self.key {
            Some(key) => format!("{}~{key}", self.id),
            None => self.id.to_string(),
        }
    }

    pub fn decode(text: &str) -> Option<LibraryCursor> {
        let (id, key) = match text.split_once('~') {
            Some((id, key)) => (id, Some(key.to_owned())),
            None => (text, None),
        };
        Some(LibraryCursor { key, id: id.parse().ok()? })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryRequest {
    pub filter: LibraryFilter,
    pub sort: LibrarySort,
    pub after: Option<LibraryCursor>,
    pub limit: u32,
}

impl LibraryRequest {
    pub fn new(filter: LibraryFilter) -> LibraryRequest {
        LibraryRequest { filter, sort: LibrarySort::Added, after: None, limit: 50 }
    }
}

/// One document as the library lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryEntry {
    pub id: i64,
    pub title: String,
    pub published: Option<String>,
    pub site: Option<String>,
    pub language: Option<String>,
    /// Where it was first imported from, for documents without a site name.
    pub first_location: Option<String>,
    pub excerpt: String,
    pub word_count: i64,
    pub added_at: String,
    pub story: i64,
    /// How many documents its story has, itself included.
    pub story_size: i64,
    /// Its tags, by name.
    pub tags: Vec<String>,
    pub read: bool,
}

/// A page of the library with the counts of everything the filter matches.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LibraryPage {
    pub entries: Vec<LibraryEntry>,
    /// Where the next page starts, when there is one.
    pub next: Option<LibraryCursor>,
    /// Documents matching the filter, on every page.
    pub total: i64,
    /// Of those, how many are unread.
    pub unread: i64,
    /// The most frequent values among the matches, most first: (value, documents).
    pub sites: Vec<(String, i64)>,
    pub languages: Vec<(String, i64)>,
    pub tags: Vec<(String, i64)>,
}

/// How far the reader got in a document and whether it is read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReadingState {
    /// When it was marked read; `None` while unread.
    pub read_at: Option<String>,
    /// The body block the reader had reached (0: the beginning).
    pub position: i64,
}

/// A passage the reader highlighted in a document, with their note, as an
/// export carried it. Highlights belong to the reader, like tags, and are kept
/// beside the document rather than in its model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredHighlight {
    /// The passage; `None` for a note on the whole document.
    pub text: Option<String>,
    pub note: Option<String>,
    /// When it was made (ISO 8601), when the export said.
    pub created: Option<String>,
    pub imported_at: String,
}

/// A highlight as both backends select it: text, note, created, imported at.
pub(crate) type HighlightRow = (Option<String>, Option<String>, Option<String>, String);

impl From<HighlightRow> for StoredHighlight {
    fn from((text, note, created, imported_at): HighlightRow) -> StoredHighlight {
        StoredHighlight { text, note, created, imported_at }
    }
}

/// The longest tag name, in characters.
pub const TAG_MAX_CHARS: usize = 64;
/// Values of each count shown at most.
const COUNTED_VALUES: usize = 20;

/// A tag name trimmed and checked: not empty, not too long, no control characters.
pub fn tag_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::InvalidTag("a tag needs a name".into()));
    }
    if name.chars().count() > TAG_MAX_CHARS {
        return Err(Error::InvalidTag(format!("a tag name has at most {TAG_MAX_CHARS} characters")));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::InvalidTag("a tag name cannot hold control characters".into()));
    }
    Ok(name.to_owned())
}

impl Store {
    /// A page of the library: the documents the filter matches in the requested
    /// order, starting after the cursor, with the counts of all the matches.
    pub async fn library(&self, request: &LibraryRequest) -> Result<LibraryPage> {
        request.filter.check()?;
        let request = LibraryRequest { limit: request.limit.clamp(1, 500), ..request.clone() };
        let (mut entries, groups, tags) = match &self.backend {
            Backend::Sqlite(pool) => sqlite::library(pool, &request).await?,
            Backend::Postgres(database) => postgres::library(&database.pool, &request).await?,
        };
        // One more row than asked for says whether there is a next page.
        let next = if entries.len() > request.limit as usize {
            entries.truncate(request.limit as usize);
            entries.last().map(|last| LibraryCursor {
                key: match request.sort {
                    LibrarySort::Added => Some(last.added_at.clone()),
                    LibrarySort::Published => last.published.clone(),
                },
                id: last.id,
            })
        } else {
            None
        };
        let mut page = counts(groups);
        page.entries = entries;
        page.next = next;
        page.tags = tags;
        Ok(page)
    }

    /// The documents listed just before and just after `id` in the library with
    /// this filter and order: (previous, next). Either is `None` at an end.
    pub async fn neighbours(
        &self,
        filter: &LibraryFilter,
        sort: LibrarySort,
        id: i64,
    ) -> Result<(Option<i64>, Option<i64>)> {
        filter.check()?;
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::neighbours(pool, filter, sort, id).await,
            Backend::Postgres(database) => postgres::neighbours(&database.pool, filter, sort, id).await,
        }
    }

    /// Every tag with how many documents have it, by name.
    pub async fn tags(&self) -> Result<Vec<(String, i64)>> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::tags(pool).await,
            Backend::Postgres(database) => postgres::tags(&database.pool).await,
        }
    }

    /// A document's tags, by name.
    pub async fn document_tags(&self, id: i64) -> Result<Vec<String>> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::document_tags(pool, id).await,
            Backend::Postgres(database) => postgres::document_tags(&database.pool, id).await,
        }
    }

    /// A document's highlights, in the order they were imported (an export lists
    /// them as they come in the text); none for a document not in the archive.
    pub async fn highlights(&self, id: i64) -> Result<Vec<StoredHighlight>> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::highlights(pool, id).await,
            Backend::Postgres(database) => postgres::highlights(&database.pool, id).await,
        }
    }

    /// Tags the documents `ids` with `name` (created if new; an existing tag keeps
    /// the case it was first written in). Unknown ids are passed over. Returns how
    /// many documents gained the tag.
    pub async fn add_tag(&self, ids: &[i64], name: &str) -> Result<u64> {
        let name = tag_name(name)?;
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::add_tag(pool, ids, &name).await,
            Backend::Postgres(database) => postgres::add_tag(&database.pool, ids, &name).await,
        }
    }

    /// Takes the tag `name` off the documents `ids`; a tag left on no document is
    /// deleted. Returns how many documents lost the tag.
    pub async fn remove_tag(&self, ids: &[i64], name: &str) -> Result<u64> {
        let name = tag_name(name)?;
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::remove_tag(pool, ids, &name).await,
            Backend::Postgres(database) => postgres::remove_tag(&database.pool, ids, &name).await,
        }
    }

    /// Marks the documents `ids` read (keeping when each was first marked so) or
    /// unread. Unknown ids are passed over.
    pub async fn set_read(&self, ids: &[i64], read: bool) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::set_read(pool, ids, read).await,
            Backend::Postgres(database) => postgres::set_read(&database.pool, ids, read).await,
        }
    }

    /// Records the body block the reader has reached in document `id`.
    pub async fn set_reading_position(&self, id: i64, position: u32) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::set_reading_position(pool, id, position).await,
            Backend::Postgres(database) => postgres::set_reading_position(&database.pool, id, position).await,
        }
    }

    /// Whether document `id` is read and how far into it the reader got (the
    /// default for a document never opened, or one not in the archive).
    pub async fn reading_state(&self, id: i64) -> Result<ReadingState> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::reading_state(pool, id).await,
            Backend::Postgres(database) => postgres::reading_state(&database.pool, id).await,
        }
    }
}

/// One row of a backend's listing: the entry without its tags.
pub(crate) type EntryRow = (
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    i64,
    String,
    i64,
    i64,
    bool,
);

/// Entries from their rows and the (document id, tag name) pairs of their tags.
pub(crate) fn entries(rows: Vec<EntryRow>, tags: Vec<(i64, String)>) -> Vec<LibraryEntry> {
    let mut tags_by_document: HashMap<i64, Vec<String>> = HashMap::new();
    for (id, name) in tags {
        tags_by_document.entry(id).or_default().push(name);
    }
    rows.into_iter()
        .map(
            |(
                id,
                title,
                published,
                site,
                language,
                first_location,
                excerpt,
                word_count,
                added_at,
                story,
                story_size,
                read,
            )| {
                let mut tags = tags_by_document.remove(&id).unwrap_or_default();
                tags.sort_by_key(|name| name.to_lowercase());
                LibraryEntry {
                    id,
                    title,
                    published,
                    site,
                    language,
                    first_location,
                    excerpt,
                    word_count,
                    added_at,
                    story,
                    story_size,
                    tags,
                    read,
                }
            },
        )
        .collect()
}

/// One group of matches: site, language, how many, how many of them unread.
pub(crate) type CountGroup = (Option<String>, Option<String>, i64, i64);

/// The totals and the site and language counts, from the matches grouped by both.
fn counts(groups: Vec<CountGroup>) -> LibraryPage {
    let mut page = LibraryPage::default();
    let mut sites: HashMap<String, i64> = HashMap::new();
    let mut languages: HashMap<String, i64> = HashMap::new();
    for (site, language, count, unread) in groups {
        page.total += count;
        page.unread += unread;
        if let Some(site) = site {
            *sites.entry(site).or_default() += count;
        }
        if let Some(language) = language {
            *languages.entry(language).or_default() += count;
        }
    }
    page.sites = most_first(sites);
    page.languages = most_first(languages);
    page
}

fn most_first(counts: HashMap<String, i64>) -> Vec<(String, i64)> {
    let mut counts: Vec<(String, i64)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counts.truncate(COUNTED_VALUES);
    counts
}

/// Tags are counted in SQL, which returns at most this many.
pub(crate) const COUNTED_TAGS: i64 = COUNTED_VALUES as i64;

#[cfg(test)]
mod tests {
    use super::{LibraryCursor, is_date_prefix, tag_name};

    #[test]
    fn cursors_survive_a_query_string() {
        for cursor in [
            LibraryCursor { key: Some("2024-04-02T10:00:00.000Z".into()), id: 42 },
            LibraryCursor { key: Some("a~b".into()), id: 7 },
            LibraryCursor { key: None, id: 3 },
        ] {
            assert_eq!(LibraryCursor::decode(&cursor.encode()), Some(cursor));
        }
        assert_eq!(LibraryCursor::decode("x~2024"), None);
    }

    #[test]
    fn dates_and_tag_names_are_checked() {
        assert!(is_date_prefix("2024") && is_date_prefix("2024-03") && is_date_prefix("2024-03-31"));
        assert!(!is_date_prefix("2024-13") && !is_date_prefix("soon") && !is_date_prefix("2024-3"));
        assert_eq!(tag_name("  privacy ").unwrap(), "privacy");
        assert!(tag_name(" ").is_err());
        assert!(tag_name("a\u{7}b").is_err());
        assert!(tag_name(&"x".repeat(65)).is_err());
    }
}
