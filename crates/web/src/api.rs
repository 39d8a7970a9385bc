//! The read-only JSON API: `/api/v1/documents`, `/api/v1/documents/{id}` and
//! `/api/v1/search?q=`. Documents are the document model's JSON
//! (docs/document-model.md) with the archive's own fields added, and one
//! document also with the reader's highlights; the same shapes are what
//! `dossier show --format json` and `dossier search --json` print.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use dossier_storage::{SearchRequest, SearchResults, SortOrder, StoredDocument, StoredHighlight};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::WebError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/documents", get(documents))
        .route("/api/v1/documents/{id}", get(document))
        .route("/api/v1/search", get(search))
}

/// A stored document as JSON: the model plus `id`, `story`, `added_at` and `sources`.
pub fn document_json(stored: &StoredDocument) -> Value {
    let mut value = serde_json::to_value(&stored.document).unwrap_or(Value::Null);
    if let Some(object) = value.as_object_mut() {
        object.insert("id".into(), stored.id.into());
        object.insert("story".into(), stored.story.into());
        object.insert("added_at".into(), stored.added_at.clone().into());
        let sources: Vec<Value> = stored
            .sources
            .iter()
            .map(|source| {
                json!({
                    "location": source.location,
                    "format": source.format,
                    "sha256": source.original_sha256,
                    "imported_at": source.imported_at,
                })
            })
            .collect();
        object.insert("sources".into(), sources.into());
    }
    value
}

/// A stored document as JSON with the reader's highlights beside the model:
/// `document_json` plus `highlights`, each `{"text", "note", "created"}` (any of
/// them `null` when the export did not say).
pub fn document_with_highlights_json(stored: &StoredDocument, highlights: &[StoredHighlight]) -> Value {
    let mut value = document_json(stored);
    if let Some(object) = value.as_object_mut() {
        let highlights: Vec<Value> = highlights
            .iter()
            .map(|highlight| {
                json!({
                    "text": highlight.text,
                    "note": highlight.note,
                    "created": highlight.created,
                })
            })
            .collect();
        object.insert("highlights".into(), highlights.into());
    }
    value
}

/// Search hits as JSON: `id`, `title`, `site`, `published`, `language`, `snippet`,
/// `highlights` (byte ranges of the snippet that matched) and `score`.
pub fn hits_json(results: &SearchResults) -> Value {
    results
        .hits
        .iter()
        .map(|hit| {
            json!({
                "id": hit.id,
                "title": hit.title,
                "site": hit.site,
                "published": hit.published,
                "language": hit.language,
                "snippet": hit.snippet.text,
                "highlights": hit.snippet.highlights.iter().map(|range| [range.start, range.end]).collect::<Vec<_>>(),
                "score": hit.score,
            })
        })
        .collect()
}

#[derive(Debug, Deserialize)]
struct Page {
    limit: Option<u32>,
    offset: Option<u32>,
}

async fn documents(State(state): State<AppState>, Query(page): Query<Page>) -> Result<Response, WebError> {
    let limit = page.limit.unwrap_or(50).clamp(1, 500);
    let offset = page.offset.unwrap_or(0);
    let total = state.store.count_documents().await?;
    let documents: Vec<Value> = state
        .store
        .list_documents(limit, offset)
        .await?
        .into_iter()
        .map(|summary| {
            json!({
                "id": summary.id,
                "title": summary.title,
                "published": summary.published,
                "site": summary.site,
                "excerpt": summary.excerpt,
                "word_count": summary.word_count,
                "added_at": summary.added_at,
            })
        })
        .collect();
    Ok(Json(json!({ "total": total, "limit": limit, "offset": offset, "documents": documents }))
        .into_response())
}

async fn document(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, WebError> {
    let Ok(id) = id.parse::<i64>() else { return Ok(not_found()) };
    match tokio::try_join!(state.store.document(id), state.store.highlights(id)) {
        Ok((stored, highlights)) => {
            Ok(Json(document_with_highlights_json(&stored, &highlights)).into_response())
        }
        Err(dossier_storage::Error::NotFound(_)) => Ok(not_found()),
        Err(error) => Err(error.into()),
    }
}

#[derive(Debug, Deserialize)]
struct SearchParameters {
    #[serde(default)]
    q: String,
    sort: Option<String>,
    limit: Option<u32>,
    offset: Option<u32>,
}

async fn search(
    State(state): State<AppState>,
    Query(parameters): Query<SearchParameters>,
) -> Result<Response, WebError> {
    let request = SearchRequest {
        query: parameters.q,
        sort: match parameters.sort.as_deref() {
            Some("published") => SortOrder::Published,
            Some("added") => SortOrder::Added,
            _ => SortOrder::Relevance,
        },
        limit: parameters.limit.unwrap_or(20).clamp(1, 100),
        offset: parameters.offset.unwrap_or(0),
    };
    match state.store.search(&request).await {
        Ok(results) => {
            let facets = |values: &[(String, i64)]| -> Value {
                values.iter().map(|(value, count)| json!({ "value": value, "count": count })).collect()
            };
            Ok(Json(json!({
                "total": results.total,
                "exhaustive": results.exhaustive,
                "hits": hits_json(&results),
                "facets": {
                    "site": facets(&results.facets.sites),
                    "year": facets(&results.facets.years),
                    "language": facets(&results.facets.languages),
                },
            }))
            .into_response())
        }
        Err(dossier_storage::Error::InvalidQuery(message)) => {
            Ok((StatusCode::BAD_REQUEST, Json(json!({ "error": message }))).into_response())
        }
        Err(error) => Err(error.into()),
    }
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Json(json!({ "error": "no such document" }))).into_response()
}
