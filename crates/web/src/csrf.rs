//! Protection of every state-changing request (all of them POST) against
//! cross-site request forgery, without server-side state so that any number of
//! `dossier serve` processes can share one archive.
//!
//! Two checks, both required:
//! - the request came from the reader's own pages: a browser's `Sec-Fetch-Site`,
//!   when sent, is `same-origin` (or `none`, typed by the person), and an `Origin`,
//!   when sent, names the host the request was sent to (`Origin: null` is what
//!   browsers send from pages with `Referrer-Policy: no-referrer`, as ours are, so
//!   it says nothing);
//! - a double-submitted token: every response sets a random token in an
//!   HttpOnly, SameSite=Strict cookie if the browser has none, pages put the same
//!   token in each form, and a POST must carry both, equal. Another site can
//!   neither read the cookie nor make the browser send it with a cross-site POST.

use axum::extract::Request;
use axum::http::header::{COOKIE, HOST, ORIGIN, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::error::WebError;

pub const COOKIE_NAME: &str = "dossier_csrf";
/// The form field that carries the token.
pub const FIELD: &str = "csrf";

/// This browser's token, put in the request's extensions for the pages' forms.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// Gives every request a token: the browser's, or a new one that the response
/// then sets as a cookie.
pub async fn ensure_token(mut request: Request, next: Next) -> Response {
    let existing = cookie(request.headers(), COOKIE_NAME).filter(|token| is_token(token));
    let (token, new) = match existing {
        Some(token) => (token.to_owned(), false),
        None => (new_token(), true),
    };
    request.extensions_mut().insert(CsrfToken(token.clone()));
    let mut response = next.run(request).await;
    if new {
        let cookie = format!("{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Strict");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}

/// Checks a state-changing request: its origin and its token (`submitted`, the form's).
pub fn verify(headers: &HeaderMap, submitted: Option<&str>) -> Result<(), WebError> {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|value| value.to_str().ok())
        && site != "same-origin"
        && site != "none"
    {
        return Err(WebError::Forbidden);
    }
    if let Some(origin) =
        headers.get(ORIGIN).and_then(|value| value.to_str().ok()).filter(|origin| *origin != "null")
    {
        let host = headers.get(HOST).and_then(|value| value.to_str().ok()).unwrap_or_default();
        let origin_host = origin.split_once("://").map(|(_, host)| host).unwrap_or_default();
        if host.is_empty() || !origin_host.eq_ignore_ascii_case(host) {
            return Err(WebError::Forbidden);
        }
    }
    let cookie = cookie(headers, COOKIE_NAME).filter(|token| is_token(token));
    match (cookie, submitted) {
        (Some(cookie), Some(submitted)) if constant_time_equal(cookie.as_bytes(), submitted.as_bytes()) => {
            Ok(())
        }
        _ => Err(WebError::Forbidden),
    }
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// 32 random bytes as 64 hexadecimal digits.
fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system provides random bytes");
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn is_token(value: &str) -> bool {
    value.len() == 64 && value.bytes().all(|byte| byte.is_ascii_hexdigit())
}

/// Compares without stopping at the first difference, so that timing does not
/// tell how much of a guess was right.
fn constant_time_equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |difference, (x, y)| difference | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderMap;

    use super::{new_token, verify};

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn a_post_needs_the_cookie_and_the_same_token_from_the_same_origin() {
        let token = new_token();
        let cookie = format!("theme=dark; dossier_csrf={token}");
        let good = [("host", "127.0.0.1:8080"), ("cookie", cookie.as_str())];
        assert!(verify(&headers(&good), Some(&token)).is_ok());
        let with_origin =
            [good[0], good[1], ("origin", "http://127.0.0.1:8080"), ("sec-fetch-site", "same-origin")];
        assert!(verify(&headers(&with_origin), Some(&token)).is_ok());
        // What a browser sends from a page with `Referrer-Policy: no-referrer`.
        let null_origin = [good[0], good[1], ("origin", "null"), ("sec-fetch-site", "same-origin")];
        assert!(verify(&headers(&null_origin), Some(&token)).is_ok());

        assert!(verify(&headers(&good), None).is_err(), "no token in the form");
        assert!(verify(&headers(&good), Some(&new_token())).is_err(), "another token");
        assert!(verify(&headers(&good[..1]), Some(&token)).is_err(), "no cookie");
        let other_site = [good[0], good[1], ("origin", "http://evil.example")];
        assert!(verify(&headers(&other_site), Some(&token)).is_err());
        let cross = [good[0], good[1], ("sec-fetch-site", "cross-site")];
        assert!(verify(&headers(&cross), Some(&token)).is_err());
        let sibling = [good[0], good[1], ("sec-fetch-site", "same-site")];
        assert!(verify(&headers(&sibling), Some(&token)).is_err());
    }

    #[test]
    fn tokens_are_random() {
        assert_ne!(new_token(), new_token());
        assert_eq!(new_token().len(), 64);
    }
}
