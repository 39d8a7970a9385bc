//! SQLite query behind `crate::reading`: one statement, its aggregates built
//! with `json_group_array`.
//!
//! Three of its parts are written for SQLite's planner. The reading state is two
//! scalar subqueries, not a join: joined to it, the statement cost four times as
//! much (115 against 25 µs at 100,000 documents with SQLite 3.54, every
//! correlated subquery slower). A neighbour is asked as two seeks (the same added
//! time with a greater or smaller id, else the nearest added time): the row value
//! `(added_at, id) > (…)` seeks on `added_at` alone and then steps through every
//! document added with it, and one import batch shares one added time, hundreds
//! of documents. Sources and highlights come unordered with their ids, sorted
//! by the caller: `ORDER BY id` inside the aggregate costs a temporary b-tree on
//! every page, more than the rest of their parts. Of a source, only its location
//! is read, which the unique index on (document, location, original) holds: the
//! sources' part never reads the table.

use sqlx::{AssertSqlSafe, SqlitePool};

use crate::Result;
use crate::reading::ReadingRow;

/// The statement, with at most `coverage` story members.
fn statement(coverage: i64) -> String {
    // The limit is written into the statement, not bound: see the module documentation of `sqlite`.
    format!(
        "SELECT d.model, (SELECT data FROM originals WHERE sha256 = d.model_original), d.story_id,
                (SELECT json_group_array(json_array(id, location))
                 FROM sources WHERE document_id = d.id),
                (SELECT json_group_array(name)
                 FROM (SELECT t.name FROM document_tags dt JOIN tags t ON t.id = dt.tag_id
                       WHERE dt.document_id = d.id ORDER BY t.name)),
                (SELECT json_group_array(json_array(id, text, note, created, imported_at))
                 FROM highlights WHERE document_id = d.id),
                (SELECT read_at FROM reading_states WHERE document_id = d.id),
                coalesce((SELECT position FROM reading_states WHERE document_id = d.id), 0),
                coalesce((SELECT p.id FROM documents p WHERE p.added_at = d.added_at AND p.id > d.id
                          ORDER BY p.id LIMIT 1),
                         (SELECT p.id FROM documents p WHERE p.added_at > d.added_at
                          ORDER BY p.added_at, p.id LIMIT 1)),
                coalesce((SELECT n.id FROM documents n WHERE n.added_at = d.added_at AND n.id < d.id
                          ORDER BY n.id DESC LIMIT 1),
                         (SELECT n.id FROM documents n WHERE n.added_at < d.added_at
                          ORDER BY n.added_at DESC, n.id DESC LIMIT 1)),
                (SELECT json_group_array(json_array(id, title, site, published))
                 FROM (SELECT id, title, site, published FROM documents
                       WHERE story_id = d.story_id AND id <> d.id ORDER BY id LIMIT {coverage})),
                (SELECT json_group_array(json_array(position, entity_id))
                 FROM document_entities WHERE document_id = d.id),
                (SELECT json_group_array(json_array(src, image_sha256))
                 FROM document_images WHERE document_id = d.id)
         FROM documents d
         WHERE d.id = ?1"
    )
}

/// The statement through the pool: `Store::reading_page` on SQLite, and a
/// `Reader`'s read that would have waited for a lock.
pub(crate) async fn reading_row(pool: &SqlitePool, id: i64, coverage: i64) -> Result<Option<ReadingRow>> {
    Ok(sqlx::query_as(AssertSqlSafe(statement(coverage))).bind(id).fetch_optional(pool).await?)
}

/// A read-only connection to the pool's database file for `direct_reading_row`,
/// or `None` when the pool's database is not a file (an in-memory one).
pub(crate) fn open_direct(pool: &SqlitePool) -> Result<Option<rusqlite::Connection>> {
    let options = pool.connect_options();
    let path = options.get_filename();
    if path.as_os_str().is_empty() || path.as_os_str() == ":memory:" {
        return Ok(None);
    }
    let connection = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // Mapped, as the pool's connections are when serving (see `sqlite::open`), with
    // a smaller page cache (a mapped file needs little), and no busy timeout: a
    // read that would wait for a lock is not made on the calling thread.
    connection.pragma_update(None, "mmap_size", super::MAPPED_BYTES)?;
    connection.pragma_update(None, "cache_size", -16_384_i64)?;
    Ok(Some(connection))
}

/// `reading_row` on the calling thread, through a connection of `open_direct`.
pub(crate) fn direct_reading_row(
    connection: &rusqlite::Connection,
    id: i64,
    coverage: i64,
) -> rusqlite::Result<Option<ReadingRow>> {
    use rusqlite::OptionalExtension;
    let mut statement = connection.prepare_cached(&statement(coverage))?;
    statement
        .query_row([id], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
                row.get(5)?,
                row.get(6)?,
                row.get(7)?,
                row.get(8)?,
                row.get(9)?,
                row.get(10)?,
                row.get(11)?,
                row.get(12)?,
            ))
        })
        .optional()
}

/// Whether `error` is a lock held by another connection, which a connection with
/// a busy timeout would have waited for.
pub(crate) fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// A stored image's media type and bytes.
pub(crate) async fn image(pool: &SqlitePool, sha256: &str) -> Result<Option<(String, Vec<u8>)>> {
    Ok(sqlx::query_as("SELECT media_type, data FROM images WHERE sha256 = ?")
        .bind(sha256)
        .fetch_optional(pool)
        .await?)
}
