//! Writing a copied archive into PostgreSQL (see `crate::copy`): rows keep their
//! ids, each page lands in one transaction, and the search vectors and sketch
//! lookup keys are built here as an import would build them.

use std::collections::HashMap;

use super::Database;
use super::write::begin_writing;
use crate::copy::{
    DocumentImageRow, DocumentPage, HighlightRow, ImageRow, ImportItemRow, OriginalRow, RunRow, SourceRow,
    TagRow,
};
use crate::import::{decode_model, searchable_body, sha256_hex};
use crate::{Error, Result, similarity};

/// The highest id already copied into `table` (0 when it is empty).
pub(crate) async fn highest_id(database: &Database, table: &'static str) -> Result<i64> {
    let sql = format!("SELECT coalesce(max(id), 0) FROM {table}");
    let (highest,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_one(&database.pool).await?;
    Ok(highest)
}

pub(crate) async fn write_originals(database: &Database, rows: Vec<OriginalRow>) -> Result<()> {
    let mut columns = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (id, sha256, byte_length, compression, data) in rows {
        columns.0.push(id);
        columns.1.push(sha256);
        columns.2.push(byte_length);
        columns.3.push(compression);
        columns.4.push(data);
    }
    let mut transaction = begin_writing(&database.pool).await?;
    sqlx::query(
        "INSERT INTO originals (id, sha256, byte_length, compression, data)
         SELECT * FROM unnest($1::int8[], $2::text[], $3::int8[], $4::text[], $5::bytea[])",
    )
    .bind(columns.0)
    .bind(columns.1)
    .bind(columns.2)
    .bind(columns.3)
    .bind(columns.4)
    .execute(&mut *transaction)
    .await?;
    transaction.commit().await?;
    Ok(())
}

pub(crate) async fn write_tags(database: &Database, rows: Vec<TagRow>) -> Result<()> {
    let (ids, names): (Vec<i64>, Vec<String>) = rows.into_iter().unzip();
    sqlx::query("INSERT INTO tags (id, name) SELECT * FROM unnest($1::int8[], $2::text[])")
        .bind(ids)
        .bind(names)
        .execute(&database.pool)
        .await?;
    Ok(())
}

pub(crate) async fn write_runs(database: &Database, rows: Vec<RunRow>) -> Result<()> {
    let mut columns = (Vec::new(), Vec::new(), Vec::new());
    for (id, started_at, finished_at) in rows {
        columns.0.push(id);
        columns.1.push(started_at);
        columns.2.push(finished_at);
    }
    sqlx::query(
        "INSERT INTO import_runs (id, started_at, finished_at) SELECT * FROM unnest($1::int8[], $2::text[], $3::text[])",
    )
    .bind(columns.0)
    .bind(columns.1)
    .bind(columns.2)
    .execute(&database.pool)
    .await?;
    Ok(())
}

/// A page of documents with their sketches (and lookup keys), tags and
/// revisions, in one transaction.
pub(crate) async fn write_documents(database: &Database, page: DocumentPage) -> Result<()> {
    #[derive(Default)]
    struct Columns {
        id: Vec<i64>,
        fingerprint: Vec<String>,
        title: Vec<String>,
        published: Vec<Option<String>>,
        site: Vec<Option<String>>,
        language: Vec<Option<String>>,
        url: Vec<Option<String>>,
        authors: Vec<String>,
        excerpt: Vec<String>,
        word_count: Vec<i64>,
        story_id: Vec<i64>,
        model: Vec<Vec<u8>>,
        added_at: Vec<String>,
        model_original: Vec<Option<String>>,
        config: Vec<String>,
        body: Vec<String>,
    }
    // The originals models were compressed against, copied before the documents.
    let wanted: Vec<&str> = page.documents.iter().filter_map(|row| row.13.as_deref()).collect();
    let originals: HashMap<String, Vec<u8>> = if wanted.is_empty() {
        HashMap::new()
    } else {
        sqlx::query_as("SELECT sha256, data FROM originals WHERE sha256 = ANY($1)")
            .bind(&wanted)
            .fetch_all(&database.pool)
            .await?
            .into_iter()
            .collect()
    };
    let mut columns = Columns::default();
    for row in page.documents {
        let original = match &row.13 {
            None => None,
            Some(sha256) => Some(originals.get(sha256).ok_or_else(|| Error::Corrupt {
                id: row.0,
                message: format!("the original its model was compressed against ({sha256}) is missing"),
            })?),
        };
        let document = decode_model(row.0, &row.11, original.map(Vec::as_slice))?;
        columns.config.push(database.config_for(row.5.as_deref()).to_owned());
        columns.body.push(super::write::indexed_body(&searchable_body(&document)).to_owned());
        columns.id.push(row.0);
        columns.fingerprint.push(row.1);
        columns.title.push(row.2);
        columns.published.push(row.3);
        columns.site.push(row.4);
        columns.language.push(row.5);
        columns.url.push(row.6);
        columns.authors.push(row.7);
        columns.excerpt.push(row.8);
        columns.word_count.push(row.9);
        columns.story_id.push(row.10);
        columns.model.push(row.11);
        columns.added_at.push(row.12);
        columns.model_original.push(row.13);
    }
    let mut transaction = begin_writing(&database.pool).await?;
    sqlx::query(
        "INSERT INTO documents (id, fingerprint, title, published, site, language, url, authors, excerpt, word_count,
                                story_id, model, added_at, model_original, search_config, search_vector)
         SELECT id, fingerprint, title, published, site, language, url, authors, excerpt, word_count,
                story_id, model, added_at, model_original, config,
                setweight(to_tsvector(config::regconfig, title), 'A') || setweight(to_tsvector(config::regconfig, body), 'B')
         FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                     $9::text[], $10::int8[], $11::int8[], $12::bytea[], $13::text[], $14::text[], $15::text[],
                     $16::text[])
             AS d (id, fingerprint, title, published, site, language, url, authors, excerpt, word_count,
                   story_id, model, added_at, config, body, model_original)",
    )
    .bind(columns.id)
    .bind(columns.fingerprint)
    .bind(columns.title)
    .bind(columns.published)
    .bind(columns.site)
    .bind(columns.language)
    .bind(columns.url)
    .bind(columns.authors)
    .bind(columns.excerpt)
    .bind(columns.word_count)
    .bind(columns.story_id)
    .bind(columns.model)
    .bind(columns.added_at)
    .bind(columns.config)
    .bind(columns.body)
    .bind(columns.model_original)
    .execute(&mut *transaction)
    .await?;

    let (mut key_values, mut key_documents) = (Vec::new(), Vec::new());
    for (document_id, sketch) in &page.sketches {
        for key in similarity::decode(sketch).iter().take(similarity::KEYS) {
            key_values.push(i64::from(*key));
            key_documents.push(*document_id);
        }
    }
    let (sketch_documents, sketches): (Vec<i64>, Vec<Vec<u8>>) = page.sketches.into_iter().unzip();
    sqlx::query(
        "INSERT INTO document_sketches (document_id, sketch) SELECT * FROM unnest($1::int8[], $2::bytea[])",
    )
    .bind(sketch_documents)
    .bind(sketches)
    .execute(&mut *transaction)
    .await?;
    sqlx::query(
        "INSERT INTO sketch_keys (key, document_id) SELECT * FROM unnest($1::int8[], $2::int8[]) ON CONFLICT DO NOTHING",
    )
    .bind(key_values)
    .bind(key_documents)
    .execute(&mut *transaction)
    .await?;

    let (tag_documents, tag_ids): (Vec<i64>, Vec<i64>) = page.tags.into_iter().unzip();
    sqlx::query(
        "INSERT INTO document_tags (document_id, tag_id) SELECT * FROM unnest($1::int8[], $2::int8[])",
    )
    .bind(tag_documents)
    .bind(tag_ids)
    .execute(&mut *transaction)
    .await?;

    let mut revisions = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (id, document_id, fingerprint, model, superseded_at, model_original) in page.revisions {
        revisions.0.push(id);
        revisions.1.push(document_id);
        revisions.2.push(fingerprint);
        revisions.3.push(model);
        revisions.4.push(superseded_at);
        revisions.5.push(model_original);
    }
    sqlx::query(
        "INSERT INTO revisions (id, document_id, fingerprint, model, superseded_at, model_original)
         SELECT * FROM unnest($1::int8[], $2::int8[], $3::text[], $4::bytea[], $5::text[], $6::text[])",
    )
    .bind(revisions.0)
    .bind(revisions.1)
    .bind(revisions.2)
    .bind(revisions.3)
    .bind(revisions.4)
    .bind(revisions.5)
    .execute(&mut *transaction)
    .await?;

    let mut reading = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (document_id, read_at, position, updated_at) in page.reading {
        reading.0.push(document_id);
        reading.1.push(read_at);
        reading.2.push(position);
        reading.3.push(updated_at);
    }
    sqlx::query(
        "INSERT INTO reading_states (document_id, read_at, position, updated_at)
         SELECT * FROM unnest($1::int8[], $2::text[], $3::int8[], $4::text[])",
    )
    .bind(reading.0)
    .bind(reading.1)
    .bind(reading.2)
    .bind(reading.3)
    .execute(&mut *transaction)
    .await?;
    transaction.commit().await?;
    Ok(())
}

pub(crate) async fn write_sources(database: &Database, rows: Vec<SourceRow>) -> Result<()> {
    let mut columns =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (id, document_id, location, format, position, sha256, imported_at, sets_text) in rows {
        columns.0.push(id);
        columns.1.push(document_id);
        columns.2.push(location);
        columns.3.push(format);
        columns.4.push(position);
        columns.5.push(sha256);
        columns.6.push(imported_at);
        columns.7.push(sets_text);
    }
    sqlx::query(
        "INSERT INTO sources (id, document_id, location, format, position, original_sha256, imported_at, sets_text)
         SELECT * FROM unnest($1::int8[], $2::int8[], $3::text[], $4::text[], $5::int8[], $6::text[], $7::text[],
                              $8::bool[])",
    )
    .bind(columns.0)
    .bind(columns.1)
    .bind(columns.2)
    .bind(columns.3)
    .bind(columns.4)
    .bind(columns.5)
    .bind(columns.6)
    .bind(columns.7)
    .execute(&database.pool)
    .await?;
    Ok(())
}

pub(crate) async fn write_items(database: &Database, rows: Vec<ImportItemRow>) -> Result<()> {
    let mut columns = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (id, run_id, location, outcome, document_id, error) in rows {
        columns.0.push(id);
        columns.1.push(run_id);
        columns.2.push(location);
        columns.3.push(outcome);
        columns.4.push(document_id);
        columns.5.push(error);
    }
    sqlx::query(
        "INSERT INTO import_items (id, run_id, location, outcome, document_id, error)
         SELECT * FROM unnest($1::int8[], $2::int8[], $3::text[], $4::text[], $5::int8[], $6::text[])",
    )
    .bind(columns.0)
    .bind(columns.1)
    .bind(columns.2)
    .bind(columns.3)
    .bind(columns.4)
    .bind(columns.5)
    .execute(&database.pool)
    .await?;
    Ok(())
}

pub(crate) async fn write_highlights(database: &Database, rows: Vec<HighlightRow>) -> Result<()> {
    let mut columns =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (id, document_id, text, note, created, digest, sha256, imported_at) in rows {
        columns.0.push(id);
        columns.1.push(document_id);
        columns.2.push(text);
        columns.3.push(note);
        columns.4.push(created);
        columns.5.push(digest);
        columns.6.push(sha256);
        columns.7.push(imported_at);
    }
    sqlx::query(
        "INSERT INTO highlights (id, document_id, text, note, created, digest, original_sha256, imported_at)
         SELECT * FROM unnest($1::int8[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                              $8::text[])",
    )
    .bind(columns.0)
    .bind(columns.1)
    .bind(columns.2)
    .bind(columns.3)
    .bind(columns.4)
    .bind(columns.5)
    .bind(columns.6)
    .bind(columns.7)
    .execute(&database.pool)
    .await?;
    Ok(())
}

/// Writes copied images, each checked against the SHA-256 it is stored under.
pub(crate) async fn write_images(database: &Database, rows: Vec<ImageRow>) -> Result<()> {
    let mut columns = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (id, sha256, media_type, byte_length, data) in rows {
        if sha256_hex(&data) != sha256 {
            return Err(Error::Copy(format!("image {id}'s bytes do not match its SHA-256 {sha256}")));
        }
        columns.0.push(id);
        columns.1.push(sha256);
        columns.2.push(media_type);
        columns.3.push(byte_length);
        columns.4.push(data);
    }
    sqlx::query(
        "INSERT INTO images (id, sha256, media_type, byte_length, data)
         SELECT * FROM unnest($1::int8[], $2::text[], $3::text[], $4::int8[], $5::bytea[])",
    )
    .bind(columns.0)
    .bind(columns.1)
    .bind(columns.2)
    .bind(columns.3)
    .bind(columns.4)
    .execute(&database.pool)
    .await?;
    Ok(())
}

pub(crate) async fn write_document_images(database: &Database, rows: Vec<DocumentImageRow>) -> Result<()> {
    let mut columns = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (id, document_id, src, sha256) in rows {
        columns.0.push(id);
        columns.1.push(document_id);
        columns.2.push(src);
        columns.3.push(sha256);
    }
    sqlx::query(
        "INSERT INTO document_images (id, document_id, src, image_sha256)
         SELECT * FROM unnest($1::int8[], $2::int8[], $3::text[], $4::text[])",
    )
    .bind(columns.0)
    .bind(columns.1)
    .bind(columns.2)
    .bind(columns.3)
    .execute(&database.pool)
    .await?;
    Ok(())
}

/// Moves every identity past the copied ids, so that new rows get new ones, and
/// refreshes the planner's statistics.
pub(crate) async fn finish(database: &Database) -> Result<()> {
    for table in [
        "documents",
        "revisions",
        "tags",
        "originals",
        "sources",
        "import_runs",
        "import_items",
        "highlights",
        "images",
        "document_images",
    ] {
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&database.pool).await.map_err(|error| {
            Error::Copy(format!("moving the ids of {table} past the copied rows: {error}"))
        })?;
    }
    sqlx::query("ANALYZE").execute(&database.pool).await?;
    Ok(())
}
