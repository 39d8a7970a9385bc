//! dossier-web: the server-rendered reader. `app(state)` builds the whole router,
//! so tests drive it without a socket and `dossier serve` binds it to an address.
//!
//! Architecture Invariant: no SQL here and no source markup on any page. Handlers
//! extract, call dossier-storage, and render askama templates that escape every
//! value; every response carries a Content-Security-Policy that allows only this
//! site's own script and stylesheet and forbids any request to another host.
//! Every state change is a POST checked by `csrf`.

mod api;
mod csrf;
mod documents;
mod error;
mod library;
mod page;
mod search;
mod security;
mod story;
mod text;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use dossier_storage::{Reader, Store};

pub use api::{document_json, document_with_highlights_json, hits_json};
pub use csrf::COOKIE_NAME as CSRF_COOKIE;
pub use documents::COVERAGE_SHOWN;
pub use error::WebError;

/// Everything a handler needs; cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    /// The reading view's own connections (see `dossier_storage::Reader`).
    reader: Reader,
}

impl AppState {
    pub fn new(store: Store) -> AppState {
        AppState { reader: store.reader(), store }
    }
}

/// The whole reader.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(library::router())
        .merge(documents::router())
        .merge(search::router())
        .merge(page::router())
        .merge(story::router())
        .merge(api::router())
        .route("/static/style.css", get(stylesheet))
        .route("/static/reader.js", get(script))
        .route("/static/icon.svg", get(icon))
        .fallback(error::not_found)
        .layer(axum::middleware::from_fn(csrf::ensure_token))
        .layer(axum::middleware::from_fn(security::headers))
        .with_state(state)
}

const STYLESHEET: &str = include_str!("../static/style.css");
/// The one script: keyboard shortcuts and the reading position. Pages work without it.
const SCRIPT: &str = include_str!("../static/reader.js");

async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        STYLESHEET,
    )
}

const ICON: &str = include_str!("../static/icon.svg");

async fn icon() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=86400")], ICON)
}

async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SCRIPT,
    )
}
