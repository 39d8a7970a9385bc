//! The web error type: each variant is an HTTP outcome. Server errors are logged
//! with their cause and shown to the reader without internals.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::page::Layout;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// A request the reader can fix, with a message saying how.
    #[error("invalid: {0}")]
    Invalid(String),
    /// A state change without a valid form token or from another site.
    #[error("forbidden")]
    Forbidden,
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<dossier_storage::Error> for WebError {
    fn from(error: dossier_storage::Error) -> WebError {
        match error {
            dossier_storage::Error::NotFound(_) => WebError::NotFound,
            dossier_storage::Error::InvalidTag(message) | dossier_storage::Error::InvalidQuery(message) => {
                WebError::Invalid(message)
            }
            other => WebError::Internal(other.to_string()),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: &'static str,
    message: String,
}

impl ErrorPage {
    fn new(heading: &'static str, message: impl Into<String>) -> ErrorPage {
        ErrorPage { layout: Layout::default(), heading, message: message.into() }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, page) = match &self {
            WebError::NotFound => (
                StatusCode::NOT_FOUND,
                ErrorPage::new("Not found", "There is nothing at this address in the archive."),
            ),
            WebError::BadRequest(message) => {
                (StatusCode::BAD_REQUEST, ErrorPage::new("Bad request", *message))
            }
            WebError::Invalid(message) => {
                (StatusCode::BAD_REQUEST, ErrorPage::new("Bad request", message.clone()))
            }
            WebError::Forbidden => (
                StatusCode::FORBIDDEN,
                ErrorPage::new(
                    "Not allowed",
                    "The form has expired or was sent from another site. Go back, reload the page and try again.",
                ),
            ),
            WebError::Internal(cause) => {
                tracing::error!(%cause, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorPage::new(
                        "Something went wrong",
                        "The archive could not answer. The error was logged.",
                    ),
                )
            }
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(error) => {
                tracing::error!(%error, "rendering the error page failed");
                (status, page.heading).into_response()
            }
        }
    }
}

pub async fn not_found() -> WebError {
    WebError::NotFound
}

/// Renders a template, turning a rendering failure into a logged 500.
pub fn render(template: &impl Template) -> Result<Html<String>, WebError> {
    template.render().map(Html).map_err(|error| WebError::Internal(format!("rendering failed: {error}")))
}
