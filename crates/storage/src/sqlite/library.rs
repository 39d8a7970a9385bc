//! The library on SQLite: the filtered listing with keyset pagination and its
//! counts, tags, highlights, read state and reading positions. Lists of ids are
//! bound as one JSON array and read with `json_each`, so any number of them is
//! one parameter.

use sqlx::sqlite::SqliteArguments;
use sqlx::{Arguments, AssertSqlSafe, SqlitePool};

use crate::library::{
    COUNTED_TAGS, CountGroup, EntryRow, HighlightRow, LibraryCursor, LibraryEntry, LibraryFilter,
    LibraryRequest, LibrarySort, ReadingState, StoredHighlight, entries,
};
use crate::{Error, Result};

/// The time now, as every timestamp of the archive is written.
const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/// SQL text with its arguments, bound as the text is written.
#[derive(Default)]
struct Sql {
    text: String,
    arguments: SqliteArguments,
}

impl Sql {
    /// Binds `value` and returns its placeholder.
    fn bind<T>(&mut self, value: T) -> &'static str
    where
        T: for<'t> sqlx::Encode<'t, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
    {
        self.arguments.add(value).expect("binding a plain value cannot fail");
        "?"
    }

    fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// ` AND …` for each of the filter's conditions, on `documents d` joined to
    /// `reading_states r`.
    fn filter(&mut self, filter: &LibraryFilter) {
        self.site_and_language(filter);
        if let Some(tag) = &filter.tag {
            let tag = self.bind(tag.clone());
            self.push(&format!(
                " AND EXISTS (SELECT 1 FROM document_tags dt JOIN tags t ON t.id = dt.tag_id
                              WHERE dt.document_id = d.id AND t.name = {tag})"
            ));
        }
        if let Some(from) = &filter.published_from {
            let from = self.bind(from.clone());
            self.push(&format!(" AND d.published >= {from}"));
        }
        if let Some(until) = &filter.published_until {
            // Every date starting with `until` sorts below it followed by the last character.
            let until = self.bind(format!("{until}\u{10FFFF}"));
            self.push(&format!(" AND d.published < {until}"));
        }
        if filter.unread {
            self.push(" AND r.read_at IS NULL");
        }
        if let Some(story) = filter.story {
            let story = self.bind(story);
            self.push(&format!(" AND d.story_id = {story}"));
        }
    }

    /// ` AND …` for the filter's site and language, on `d`: a site compares
    /// without regard to case.
    fn site_and_language(&mut self, filter: &LibraryFilter) {
        if let Some(site) = &filter.site {
            let site = self.bind(site.clone());
            self.push(&format!(" AND d.site = {site} COLLATE NOCASE"));
        }
        if let Some(language) = &filter.language {
            let language = self.bind(language.clone());
            self.push(&format!(" AND d.language = {language}"));
        }
    }

    /// ` AND …` for the entries after `cursor` in `sort` order (before it when `backwards`).
    fn after(&mut self, sort: LibrarySort, cursor: &LibraryCursor, backwards: bool) {
        let (less, greater) = if backwards { (">", "<") } else { ("<", ">") };
        match (sort, &cursor.key) {
            (LibrarySort::Added, Some(key)) => {
                let (key, id) = (self.bind(key.clone()), self.bind(cursor.id));
                self.push(&format!(" AND (d.added_at, d.id) {less} ({key}, {id})"));
            }
            (LibrarySort::Published, Some(key)) => {
                // Undated documents come after every dated one. Placeholders are
                // positional: `key` is bound once for each use.
                let undated = if backwards { "0" } else { "d.published IS NULL" };
                let first_key = self.bind(key.clone());
                let second_key = self.bind(key.clone());
                let id = self.bind(cursor.id);
                self.push(&format!(
                    " AND ({undated} OR d.published {less} {first_key} \
                     OR (d.published = {second_key} AND d.id {less} {id}))"
                ));
            }
            (LibrarySort::Published, None) => {
                let id = self.bind(cursor.id);
                if backwards {
                    self.push(&format!(" AND (d.published IS NOT NULL OR d.id {greater} {id})"));
                } else {
                    self.push(&format!(" AND d.published IS NULL AND d.id {less} {id}"));
                }
            }
            (LibrarySort::Added, None) => {
                let id = self.bind(cursor.id);
                self.push(&format!(" AND d.id {less} {id}"));
            }
        }
    }

    /// ` ORDER BY …` for `sort`, reversed when `backwards`. SQLite sorts NULL below
    /// every value, so undated documents come after the dated ones newest first
    /// (and before them when reversed) without a term of their own — which would
    /// keep the planner from reading `documents_by_published` in order: the
    /// library by publication date sorted every document for each page (75 ms at
    /// 100,000 documents, against under a millisecond).
    fn order(&mut self, sort: LibrarySort, backwards: bool) {
        self.push(match (sort, backwards) {
            (LibrarySort::Added, false) => " ORDER BY d.added_at DESC, d.id DESC",
            (LibrarySort::Added, true) => " ORDER BY d.added_at ASC, d.id ASC",
            (LibrarySort::Published, false) => " ORDER BY d.published DESC, d.id DESC",
            (LibrarySort::Published, true) => " ORDER BY d.published ASC, d.id ASC",
        });
    }
}

const FROM: &str = " FROM documents d LEFT JOIN reading_states r ON r.document_id = d.id WHERE 1";
/// For counting: every filter's column, in narrow rows (`document_filters`), so
/// that counting a whole library does not read every document's model.
const FROM_COUNTED: &str =
    " FROM document_filters d LEFT JOIN reading_states r ON r.document_id = d.id WHERE 1";

/// The statement of a page of entries: one more than the limit, when there are more.
fn page(request: &LibraryRequest) -> Sql {
    let mut sql = Sql::default();
    sql.push(
        "SELECT d.id, d.title, d.published, d.site, d.language,
                (SELECT s.location FROM sources s WHERE s.document_id = d.id ORDER BY s.id LIMIT 1),
                d.excerpt, d.word_count, d.added_at, d.story_id,
                (SELECT count(*) FROM documents o WHERE o.story_id = d.story_id),
                r.read_at IS NOT NULL",
    );
    sql.push(FROM);
    sql.filter(&request.filter);
    if let Some(cursor) = &request.after {
        sql.after(request.sort, cursor, false);
    }
    sql.order(request.sort, false);
    let limit = sql.bind(i64::from(request.limit) + 1);
    sql.push(&format!(" LIMIT {limit}"));
    sql
}

/// A page of entries (one more than the limit, when there are more), the
/// matches grouped for counting, and the most frequent tags among the matches.
pub(crate) async fn library(
    pool: &SqlitePool,
    request: &LibraryRequest,
) -> Result<(Vec<LibraryEntry>, Vec<CountGroup>, Vec<(String, i64)>)> {
    let sql = page(request);
    let rows: Vec<EntryRow> =
        sqlx::query_as_with(AssertSqlSafe(sql.text), sql.arguments).fetch_all(pool).await?;

    let ids: Vec<i64> = rows.iter().map(|row| row.0).collect();
    let tags: Vec<(i64, String)> = sqlx::query_as(
        "SELECT dt.document_id, t.name FROM document_tags dt JOIN tags t ON t.id = dt.tag_id
         WHERE dt.document_id IN (SELECT value FROM json_each(?))",
    )
    .bind(ids_json(&ids))
    .fetch_all(pool)
    .await?;

    let filter = &request.filter;
    let kept = LibraryFilter {
        unread: filter.unread,
        site: filter.site.clone(),
        language: filter.language.clone(),
        ..LibraryFilter::default()
    };
    let groups: Vec<CountGroup> = if *filter == kept {
        // The whole archive, or a site or language of it, read or not: the
        // counts kept as it changes (`migrations/sqlite/0010_library_counts.sql`),
        // a row a site and language, compared as the filter compares. A stored
        // '' is no site or language, which no filter names.
        let documents = if filter.unread { "unread" } else { "documents" };
        let mut sql = Sql::default();
        sql.push(&format!(
            "SELECT nullif(site, ''), nullif(language, ''), {documents}, unread
                 FROM library_counts d WHERE {documents} > 0"
        ));
        sql.site_and_language(filter);
        sqlx::query_as_with(AssertSqlSafe(sql.text), sql.arguments).fetch_all(pool).await?
    } else {
        let mut sql = Sql::default();
        sql.push(
            "SELECT nullif(d.site, ''), nullif(d.language, ''), count(*),
                    coalesce(sum(CASE WHEN r.read_at IS NULL THEN 1 ELSE 0 END), 0)",
        );
        sql.push(FROM_COUNTED);
        sql.filter(&request.filter);
        sql.push(" GROUP BY d.site, d.language");
        sqlx::query_as_with(AssertSqlSafe(sql.text), sql.arguments).fetch_all(pool).await?
    };

    let mut sql = Sql::default();
    sql.push("SELECT t.name, count(*)");
    // From the tag assignments to the documents they name: left to itself, SQLite
    // walked every document and looked for its tags (8 ms at 100,000 documents
    // with no tag at all); this way each tag assignment is read once, and a
    // document without tags costs nothing.
    sql.push(
        " FROM document_tags dt CROSS JOIN document_filters d ON d.id = dt.document_id
          LEFT JOIN reading_states r ON r.document_id = d.id JOIN tags t ON t.id = dt.tag_id WHERE 1",
    );
    sql.filter(&request.filter);
    let limit = sql.bind(COUNTED_TAGS);
    sql.push(&format!(" GROUP BY t.id ORDER BY count(*) DESC, t.name LIMIT {limit}"));
    let tag_counts: Vec<(String, i64)> =
        sqlx::query_as_with(AssertSqlSafe(sql.text), sql.arguments).fetch_all(pool).await?;

    Ok((entries(rows, tags), groups, tag_counts))
}

pub(crate) async fn neighbours(
    pool: &SqlitePool,
    filter: &LibraryFilter,
    sort: LibrarySort,
    id: i64,
) -> Result<(Option<i64>, Option<i64>)> {
    let keys: Option<(String, Option<String>)> =
        sqlx::query_as("SELECT added_at, published FROM documents WHERE id = ?")
            .bind(id)
            .fetch_optional(pool)
            .await?;
    let (added_at, published) = keys.ok_or(Error::NotFound(id))?;
    let cursor = LibraryCursor {
        key: match sort {
            LibrarySort::Added => Some(added_at),
            LibrarySort::Published => published,
        },
        id,
    };
    let mut found = [None, None];
    for (slot, backwards) in found.iter_mut().zip([true, false]) {
        let mut sql = Sql::default();
        sql.push("SELECT d.id");
        sql.push(FROM);
        sql.filter(filter);
        sql.after(sort, &cursor, backwards);
        sql.order(sort, backwards);
        sql.push(" LIMIT 1");
        let row: Option<(i64,)> =
            sqlx::query_as_with(AssertSqlSafe(sql.text), sql.arguments).fetch_optional(pool).await?;
        *slot = row.map(|(id,)| id);
    }
    Ok((found[0], found[1]))
}

pub(crate) async fn tags(pool: &SqlitePool) -> Result<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT t.name, count(dt.document_id) FROM tags t JOIN document_tags dt ON dt.tag_id = t.id
         GROUP BY t.id ORDER BY t.name",
    )
    .fetch_all(pool)
    .await?)
}

pub(crate) async fn document_tags(pool: &SqlitePool, id: i64) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT t.name FROM document_tags dt JOIN tags t ON t.id = dt.tag_id
         WHERE dt.document_id = ? ORDER BY t.name",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(name,)| name).collect())
}

/// A document's highlights, in the order they were imported.
pub(crate) async fn highlights(pool: &SqlitePool, id: i64) -> Result<Vec<StoredHighlight>> {
    let rows: Vec<HighlightRow> = sqlx::query_as(
        "SELECT text, note, created, imported_at FROM highlights WHERE document_id = ? ORDER BY id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(StoredHighlight::from).collect())
}

pub(crate) async fn add_tag(pool: &SqlitePool, ids: &[i64], name: &str) -> Result<u64> {
    let mut transaction = pool.begin().await?;
    // A write first, so that the transaction takes the write lock (waiting for
    // another writer) before it reads anything.
    sqlx::query("INSERT OR IGNORE INTO tags (name) VALUES (?)").bind(name).execute(&mut *transaction).await?;
    let (tag,): (i64,) =
        sqlx::query_as("SELECT id FROM tags WHERE name = ?").bind(name).fetch_one(&mut *transaction).await?;
    let added = sqlx::query(
        "INSERT OR IGNORE INTO document_tags (document_id, tag_id)
         SELECT id, ? FROM documents WHERE id IN (SELECT value FROM json_each(?))",
    )
    .bind(tag)
    .bind(ids_json(ids))
    .execute(&mut *transaction)
    .await?
    .rows_affected();
    // Tagging nothing leaves no empty tag behind.
    sqlx::query(
        "DELETE FROM tags WHERE id = ? AND NOT EXISTS (SELECT 1 FROM document_tags WHERE tag_id = ?)",
    )
    .bind(tag)
    .bind(tag)
    .execute(&mut *transaction)
    .await?;
    transaction.commit().await?;
    Ok(added)
}

pub(crate) async fn remove_tag(pool: &SqlitePool, ids: &[i64], name: &str) -> Result<u64> {
    let mut transaction = pool.begin().await?;
    let removed = sqlx::query(
        "DELETE FROM document_tags WHERE tag_id = (SELECT id FROM tags WHERE name = ?)
         AND document_id IN (SELECT value FROM json_each(?))",
    )
    .bind(name)
    .bind(ids_json(ids))
    .execute(&mut *transaction)
    .await?
    .rows_affected();
    sqlx::query(
        "DELETE FROM tags WHERE name = ? AND NOT EXISTS (SELECT 1 FROM document_tags WHERE tag_id = tags.id)",
    )
    .bind(name)
    .execute(&mut *transaction)
    .await?;
    transaction.commit().await?;
    Ok(removed)
}

pub(crate) async fn set_read(pool: &SqlitePool, ids: &[i64], read: bool) -> Result<()> {
    let sql = if read {
        format!(
            "INSERT INTO reading_states (document_id, read_at, updated_at)
             SELECT id, {NOW}, {NOW} FROM documents WHERE id IN (SELECT value FROM json_each(?))
             ON CONFLICT (document_id) DO UPDATE
             SET read_at = coalesce(reading_states.read_at, excluded.read_at), updated_at = excluded.updated_at"
        )
    } else {
        format!(
            "UPDATE reading_states SET read_at = NULL, updated_at = {NOW}
             WHERE document_id IN (SELECT value FROM json_each(?))"
        )
    };
    sqlx::query(AssertSqlSafe(sql)).bind(ids_json(ids)).execute(pool).await?;
    Ok(())
}

pub(crate) async fn set_reading_position(pool: &SqlitePool, id: i64, position: u32) -> Result<()> {
    let sql = format!(
        "INSERT INTO reading_states (document_id, position, updated_at)
         SELECT id, ?, {NOW} FROM documents WHERE id = ?
         ON CONFLICT (document_id) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at"
    );
    sqlx::query(AssertSqlSafe(sql)).bind(i64::from(position)).bind(id).execute(pool).await?;
    Ok(())
}

pub(crate) async fn reading_state(pool: &SqlitePool, id: i64) -> Result<ReadingState> {
    let row: Option<(Option<String>, i64)> =
        sqlx::query_as("SELECT read_at, position FROM reading_states WHERE document_id = ?")
            .bind(id)
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|(read_at, position)| ReadingState { read_at, position }).unwrap_or_default())
}

fn ids_json(ids: &[i64]) -> String {
    serde_json::to_string(ids).expect("a list of numbers is JSON")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page of the whole library is read in the order of an index, by either
    /// sort and from any cursor, rather than by sorting every document: what the
    /// planner does decides whether the first page of a million documents takes
    /// a millisecond or seconds.
    #[tokio::test]
    async fn a_page_of_the_library_reads_an_index_in_order_whatever_the_sort() {
        let folder = tempfile::tempdir().unwrap();
        let pool = super::super::open(&folder.path().join("archive.db"), false).await.unwrap();
        let cursors = [
            None,
            Some(LibraryCursor { key: Some("2024-04-02".to_owned()), id: 7 }),
            Some(LibraryCursor { key: None, id: 7 }),
        ];
        // The library narrowed to a language reads that language's documents in order
        // too: for the archive's main language, a sort would be of nearly all of it.
        let in_english = LibraryFilter { language: Some("en".to_owned()), ..LibraryFilter::default() };
        for (sort, filter, index) in [
            (LibrarySort::Added, LibraryFilter::default(), "documents_by_added"),
            (LibrarySort::Published, LibraryFilter::default(), "documents_by_published"),
            (LibrarySort::Added, in_english, "documents_by_language"),
        ] {
            for after in &cursors {
                let request =
                    LibraryRequest { after: after.clone(), sort, ..LibraryRequest::new(filter.clone()) };
                let sql = page(&request);
                let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as_with(
                    AssertSqlSafe(format!("EXPLAIN QUERY PLAN {}", sql.text)),
                    sql.arguments,
                )
                .fetch_all(&pool)
                .await
                .unwrap();
                // The statement's own steps: their parent is the root (0); the
                // subqueries of each entry's columns have steps of their own.
                let steps: Vec<&str> = plan
                    .iter()
                    .filter(|(_, parent, _, _)| *parent == 0)
                    .map(|(.., detail)| detail.as_str())
                    .collect();
                assert!(steps.iter().any(|step| step.contains(index)), "{sort:?} after {after:?}: {steps:?}");
                assert!(
                    !steps.iter().any(|step| step.contains("TEMP B-TREE FOR ORDER BY")),
                    "{sort:?} after {after:?} sorts: {steps:?}"
                );
            }
        }
    }
}
