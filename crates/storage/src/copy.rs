//! Copying a whole archive into another database (`dossier migrate-db`), for
//! moving from the embedded SQLite file to a PostgreSQL server: documents with
//! their ids, story clusters and sketches, revisions, tags, highlights, read state
//! and reading positions, sources with their original bytes, local copies of
//! images, and the import history.
//!
//! Resumable: tables are copied in an order that satisfies every reference, each
//! in pages of rows in id order, one transaction a page; a page of documents
//! carries their sketches, tags, revisions and read state with it. A run that stopped goes on
//! after the highest id already in the target. Verified: afterwards every table's
//! row count and a checksum of every row's content (read back from both sides in
//! id order) must match.
//!
//! The SELECTs here run unchanged on both backends (`$1` is a numbered parameter
//! in SQLite and PostgreSQL alike); writing is the target backend's business.

use sha2::{Digest, Sha256};

use crate::{Backend, Error, Result, Store, postgres};

/// Rows read and written at a time.
const PAGE: i64 = 500;

pub(crate) type OriginalRow = (i64, String, i64, String, Vec<u8>);
pub(crate) type TagRow = (i64, String);
pub(crate) type RunRow = (i64, String, Option<String>);
pub(crate) type DocumentRow = (
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
    i64,
    i64,
    Vec<u8>,
    String,
    Option<String>,
);
pub(crate) type SketchRow = (i64, Vec<u8>);
pub(crate) type DocumentTagRow = (i64, i64);
pub(crate) type RevisionRow = (i64, i64, String, Vec<u8>, String, Option<String>);
pub(crate) type ReadingRow = (i64, Option<String>, i64, String);
pub(crate) type SourceRow = (i64, i64, String, String, i64, String, String, bool);
pub(crate) type ImportItemRow = (i64, i64, String, String, Option<i64>, Option<String>);
pub(crate) type ImageRow = (i64, String, String, i64, Vec<u8>);
pub(crate) type ImageSummaryRow = (i64, String, String, i64);
pub(crate) type DocumentImageRow = (i64, i64, String, String);
pub(crate) type HighlightRow =
    (i64, i64, Option<String>, Option<String>, Option<String>, String, Option<String>, String);

const ORIGINALS: &str = "SELECT id, sha256, byte_length, compression, data FROM originals";
const TAGS: &str = "SELECT id, name FROM tags";
const RUNS: &str = "SELECT id, started_at, finished_at FROM import_runs";
const DOCUMENTS: &str = "SELECT id, fingerprint, title, published, site, language, url, authors, excerpt, \
                         word_count, story_id, model, added_at, model_original FROM documents";
const REVISIONS: &str =
    "SELECT id, document_id, fingerprint, model, superseded_at, model_original FROM revisions";
const SOURCES: &str = "SELECT id, document_id, location, format, position, original_sha256, imported_at, sets_text FROM sources";
const ITEMS: &str = "SELECT id, run_id, location, outcome, document_id, error FROM import_items";
const READING: &str = "SELECT document_id, read_at, position, updated_at FROM reading_states";
const HIGHLIGHTS: &str =
    "SELECT id, document_id, text, note, created, digest, original_sha256, imported_at FROM highlights";

const IMAGES: &str = "SELECT id, sha256, media_type, byte_length, data FROM images";
const IMAGE_SUMMARIES: &str = "SELECT id, sha256, media_type, byte_length FROM images";
const DOCUMENT_IMAGES: &str = "SELECT id, document_id, src, image_sha256 FROM document_images";
/// Images read and written at a time.
const IMAGE_PAGE: i64 = 16;

/// A page of documents with what belongs to them.
pub(crate) struct DocumentPage {
    pub(crate) documents: Vec<DocumentRow>,
    pub(crate) sketches: Vec<SketchRow>,
    pub(crate) tags: Vec<DocumentTagRow>,
    pub(crate) revisions: Vec<RevisionRow>,
    pub(crate) reading: Vec<ReadingRow>,
}

/// One table's rows in each archive after a copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCopy {
    pub table: &'static str,
    pub source_rows: i64,
    pub target_rows: i64,
    /// Whether the SHA-256 of every row's content, in id order, is the same.
    pub checksums_match: bool,
}

/// What a copy did and found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CopyReport {
    /// Rows written by this run (a resumed run skips what is already there).
    pub rows_copied: i64,
    pub tables: Vec<TableCopy>,
}

impl CopyReport {
    /// Whether every table has as many rows, with the same content, in both.
    pub fn verified(&self) -> bool {
        self.tables.iter().all(|table| table.source_rows == table.target_rows && table.checksums_match)
    }
}

impl Store {
    /// Copies this whole archive into `target` (which must be a PostgreSQL
    /// archive, empty or holding a stopped copy of this one), then verifies the
    /// copy. `progress` hears each table's name and the rows written so far.
    pub async fn copy_into(&self, target: &Store, mut progress: impl FnMut(&str, i64)) -> Result<CopyReport> {
        let Backend::Postgres(database) = &target.backend else {
            return Err(Error::Copy("the target of a copy must be a PostgreSQL archive".into()));
        };
        let mut report = CopyReport::default();
        macro_rules! copy_table {
            ($table:literal, $select:expr, $row:ty, $write:path) => {{ copy_table!($table, $select, $row, $write, PAGE) }};
            ($table:literal, $select:expr, $row:ty, $write:path, $page:expr) => {{
                let mut after = postgres::copy::highest_id(database, $table).await?;
                let mut written = 0;
                loop {
                    let rows: Vec<$row> = self.page($select, "id", after, $page).await?;
                    let Some(last) = rows.last() else { break };
                    after = last.0;
                    written += rows.len() as i64;
                    $write(database, rows).await?;
                    progress($table, written);
                }
                report.rows_copied += written;
            }};
        }
        copy_table!("originals", ORIGINALS, OriginalRow, postgres::copy::write_originals);
        copy_table!("tags", TAGS, TagRow, postgres::copy::write_tags);
        copy_table!("import_runs", RUNS, RunRow, postgres::copy::write_runs);

        let mut after = postgres::copy::highest_id(database, "documents").await?;
        let mut written = 0;
        loop {
            let documents: Vec<DocumentRow> = self.page(DOCUMENTS, "id", after, PAGE).await?;
            let Some(last) = documents.last() else { break };
            let range = (after, last.0);
            after = last.0;
            let page = DocumentPage {
                documents,
                sketches: self.range("SELECT document_id, sketch FROM document_sketches", range).await?,
                tags: self.range("SELECT document_id, tag_id FROM document_tags", range).await?,
                revisions: self.range(REVISIONS, range).await?,
                reading: self.range(READING, range).await?,
            };
            written += page.documents.len() as i64;
            postgres::copy::write_documents(database, page).await?;
            progress("documents", written);
        }
        report.rows_copied += written;

        copy_table!("sources", SOURCES, SourceRow, postgres::copy::write_sources);
        copy_table!("import_items", ITEMS, ImportItemRow, postgres::copy::write_items);
        // A table of its own rather than part of a page of documents: a resumed
        // copy then also brings highlights that an import added to documents
        // copied before.
        copy_table!("highlights", HIGHLIGHTS, HighlightRow, postgres::copy::write_highlights);
        // A few at a time: an image may be megabytes.
        copy_table!("images", IMAGES, ImageRow, postgres::copy::write_images, IMAGE_PAGE);
        copy_table!(
            "document_images",
            DOCUMENT_IMAGES,
            DocumentImageRow,
            postgres::copy::write_document_images
        );
        postgres::copy::finish(database).await?;

        report.tables = vec![
            self.compare::<OriginalRow>(target, "originals", ORIGINALS, "id", checksum_original).await?,
            self.compare::<TagRow>(target, "tags", TAGS, "id", |row, hash| {
                hash.i64(row.0).text(&row.1);
            })
            .await?,
            self.compare::<RunRow>(target, "import_runs", RUNS, "id", |row, hash| {
                hash.i64(row.0).text(&row.1).optional(&row.2);
            })
            .await?,
            self.compare::<DocumentRow>(target, "documents", DOCUMENTS, "id", checksum_document).await?,
            self.compare::<SketchRow>(
                target,
                "document_sketches",
                "SELECT document_id, sketch FROM document_sketches",
                "document_id",
                |row, hash| {
                    hash.i64(row.0).bytes(&row.1);
                },
            )
            .await?,
            self.compare::<(i64, i64)>(
                target,
                "document_tags",
                "SELECT document_id, tag_id FROM document_tags",
                "document_id",
                |row, hash| {
                    hash.i64(row.0).i64(row.1);
                },
            )
            .await?,
            self.compare::<RevisionRow>(target, "revisions", REVISIONS, "id", |row, hash| {
                hash.i64(row.0).i64(row.1).text(&row.2).bytes(&row.3).text(&row.4).optional(&row.5);
            })
            .await?,
            self.compare::<ReadingRow>(target, "reading_states", READING, "document_id", |row, hash| {
                hash.i64(row.0).optional(&row.1).i64(row.2).text(&row.3);
            })
            .await?,
            self.compare::<SourceRow>(target, "sources", SOURCES, "id", |row, hash| {
                hash.i64(row.0)
                    .i64(row.1)
                    .text(&row.2)
                    .text(&row.3)
                    .i64(row.4)
                    .text(&row.5)
                    .text(&row.6)
                    .i64(i64::from(row.7));
            })
            .await?,
            self.compare::<ImportItemRow>(target, "import_items", ITEMS, "id", |row, hash| {
                hash.i64(row.0)
                    .i64(row.1)
                    .text(&row.2)
                    .text(&row.3)
                    .i64(row.4.unwrap_or(-1))
                    .optional(&row.5);
            })
            .await?,
            // The bytes were checked against their SHA-256 as they were written
            // (`postgres::copy::write_images`); compared here by that hash.
            self.compare::<ImageSummaryRow>(target, "images", IMAGE_SUMMARIES, "id", |row, hash| {
                hash.i64(row.0).text(&row.1).text(&row.2).i64(row.3);
            })
            .await?,
            self.compare::<DocumentImageRow>(
                target,
                "document_images",
                DOCUMENT_IMAGES,
                "id",
                |row, hash| {
                    hash.i64(row.0).i64(row.1).text(&row.2).text(&row.3);
                },
            )
            .await?,
            self.compare::<HighlightRow>(target, "highlights", HIGHLIGHTS, "id", |row, hash| {
                hash.i64(row.0)
                    .i64(row.1)
                    .optional(&row.2)
                    .optional(&row.3)
                    .optional(&row.4)
                    .text(&row.5)
                    .optional(&row.6)
                    .text(&row.7);
            })
            .await?,
        ];
        Ok(report)
    }

    /// The next `limit` of `select`'s rows after `after` in `key` order.
    async fn page<Row>(&self, select: &str, key: &str, after: i64, limit: i64) -> Result<Vec<Row>>
    where
        Row: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + Send
            + Unpin,
    {
        let sql = format!("{select} WHERE {key} > $1 ORDER BY {key} LIMIT $2");
        self.fetch(sql, after, limit).await
    }

    /// The rows of `select` whose document id is in `(range.0, range.1]`.
    async fn range<Row>(&self, select: &str, range: (i64, i64)) -> Result<Vec<Row>>
    where
        Row: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + Send
            + Unpin,
    {
        let sql = format!("{select} WHERE document_id > $1 AND document_id <= $2");
        self.fetch(sql, range.0, range.1).await
    }

    async fn fetch<Row>(&self, sql: String, first: i64, second: i64) -> Result<Vec<Row>>
    where
        Row: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + Send
            + Unpin,
    {
        let sql = sqlx::AssertSqlSafe(sql);
        Ok(match &self.backend {
            Backend::Sqlite(pool) => sqlx::query_as(sql).bind(first).bind(second).fetch_all(pool).await?,
            Backend::Postgres(database) => {
                sqlx::query_as(sql).bind(first).bind(second).fetch_all(&database.pool).await?
            }
        })
    }

    /// Counts and checksums one table in this archive and in `target`.
    async fn compare<Row>(
        &self,
        target: &Store,
        table: &'static str,
        select: &str,
        key: &str,
        checksum: impl Fn(&Row, &mut Checksum) + Copy,
    ) -> Result<TableCopy>
    where
        Row: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + Send
            + Unpin,
    {
        let (source_rows, source_sum) = self.checksum(select, key, checksum).await?;
        let (target_rows, target_sum) = target.checksum(select, key, checksum).await?;
        Ok(TableCopy { table, source_rows, target_rows, checksums_match: source_sum == target_sum })
    }

    async fn checksum<Row>(
        &self,
        select: &str,
        key: &str,
        checksum: impl Fn(&Row, &mut Checksum),
    ) -> Result<(i64, Vec<u8>)>
    where
        Row: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + Send
            + Unpin,
    {
        // In ranges of the key rather than pages of rows: a key can have several
        // rows (the tags of one document), and offsets would rescan the table.
        let table = select.rsplit(' ').next().unwrap_or_default();
        let highest: Vec<(i64,)> =
            self.fetch(format!("SELECT coalesce(max({key}), 0) FROM {table} WHERE $1 = $2"), 0, 0).await?;
        let highest = highest.first().map_or(0, |(highest,)| *highest);
        let sql = format!("{select} WHERE {key} > $1 AND {key} <= $2 ORDER BY {key}, 2");
        let mut hash = Checksum::default();
        let mut rows = 0i64;
        let mut after = 0i64;
        while after < highest {
            let page: Vec<Row> = self.fetch(sql.clone(), after, after + PAGE * 4).await?;
            after += PAGE * 4;
            rows += page.len() as i64;
            for row in &page {
                checksum(row, &mut hash);
            }
        }
        Ok((rows, hash.0.finalize().to_vec()))
    }
}

fn checksum_original(row: &OriginalRow, hash: &mut Checksum) {
    hash.i64(row.0).text(&row.1).i64(row.2).text(&row.3).bytes(&row.4);
}

fn checksum_document(row: &DocumentRow, hash: &mut Checksum) {
    hash.i64(row.0)
        .text(&row.1)
        .text(&row.2)
        .optional(&row.3)
        .optional(&row.4)
        .optional(&row.5)
        .optional(&row.6);
    hash.text(&row.7).text(&row.8).i64(row.9).i64(row.10).bytes(&row.11).text(&row.12).optional(&row.13);
}

/// SHA-256 over length-prefixed fields, so that no two rows hash alike by accident
/// of where one field ends.
#[derive(Default)]
struct Checksum(Sha256);

impl Checksum {
    fn bytes(&mut self, bytes: &[u8]) -> &mut Checksum {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    fn text(&mut self, text: &str) -> &mut Checksum {
        self.bytes(text.as_bytes())
    }

    fn optional(&mut self, text: &Option<String>) -> &mut Checksum {
        match text {
            Some(text) => self.bytes(&[1]).text(text),
            None => self.bytes(&[0]),
        }
    }

    fn i64(&mut self, value: i64) -> &mut Checksum {
        self.0.update(value.to_le_bytes());
        self
    }
}
