//! PostgreSQL query behind `crate::reading`: one statement, its aggregates built
//! with `json_agg`.

use sqlx::PgPool;

use crate::Result;
use crate::reading::ReadingRow;

pub(crate) async fn reading_row(pool: &PgPool, id: i64, coverage: i64) -> Result<Option<ReadingRow>> {
    Ok(sqlx::query_as(
        "SELECT d.model, (SELECT data FROM originals WHERE sha256 = d.model_original), d.story_id,
                (SELECT coalesce(json_agg(json_build_array(id, location) ORDER BY id), '[]')::text
                 FROM sources WHERE document_id = d.id),
                (SELECT coalesce(json_agg(t.name ORDER BY t.name), '[]')::text
                 FROM document_tags dt JOIN tags t ON t.id = dt.tag_id WHERE dt.document_id = d.id),
                (SELECT coalesce(json_agg(json_build_array(id, text, note, created, imported_at) ORDER BY id), '[]')::text
                 FROM highlights WHERE document_id = d.id),
                r.read_at, coalesce(r.position, 0)::int8,
                (SELECT p.id FROM documents p WHERE (p.added_at, p.id) > (d.added_at, d.id)
                 ORDER BY p.added_at, p.id LIMIT 1),
                (SELECT n.id FROM documents n WHERE (n.added_at, n.id) < (d.added_at, d.id)
                 ORDER BY n.added_at DESC, n.id DESC LIMIT 1),
                (SELECT coalesce(json_agg(json_build_array(m.id, m.title, m.site, m.published) ORDER BY m.id), '[]')::text
                 FROM (SELECT id, title, site, published FROM documents
                       WHERE story_id = d.story_id AND id <> d.id ORDER BY id LIMIT $2) m),
                (SELECT coalesce(json_agg(json_build_array(position, entity_id)), '[]')::text
                 FROM document_entities WHERE document_id = d.id),
                (SELECT coalesce(json_agg(json_build_array(src, image_sha256)), '[]')::text
                 FROM document_images WHERE document_id = d.id)
         FROM documents d LEFT JOIN reading_states r ON r.document_id = d.id
         WHERE d.id = $1",
    )
    .bind(id)
    .bind(coverage)
    .fetch_optional(pool)
    .await?)
}

/// A stored image's media type and bytes.
pub(crate) async fn image(database: &super::Database, sha256: &str) -> Result<Option<(String, Vec<u8>)>> {
    Ok(sqlx::query_as("SELECT media_type, data FROM images WHERE sha256 = $1")
        .bind(sha256)
        .fetch_optional(&database.pool)
        .await?)
}
