//! What every page shares: the reader's display preferences (theme, font size,
//! typeface), the form token, and where the page is, for forms that come back
//! to it. Preferences live in a cookie set by a plain form (`POST /preferences`),
//! so they work without JavaScript and need no account.

use axum::Router;
use axum::body::Bytes;
use axum::extract::FromRequestParts;
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;

use crate::AppState;
use crate::csrf::{self, CsrfToken};
use crate::error::WebError;

const PREFERENCES_COOKIE: &str = "dossier_display";
/// A year, in seconds.
const PREFERENCES_MAX_AGE: u32 = 365 * 24 * 60 * 60;

pub const THEMES: [(&str, &str); 4] =
    [("auto", "As the system"), ("light", "Light"), ("dark", "Dark"), ("sepia", "Sepia")];
pub const SIZES: [(&str, &str); 4] =
    [("small", "Small"), ("normal", "Normal"), ("large", "Large"), ("larger", "Larger")];
pub const FONTS: [(&str, &str); 2] = [("serif", "Serif"), ("sans", "Sans-serif")];

pub fn router() -> Router<AppState> {
    Router::new().route("/preferences", post(save_preferences))
}

/// How the reader wants pages shown; each field is one of the names above.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preferences {
    pub theme: &'static str,
    pub size: &'static str,
    pub font: &'static str,
}

impl Default for Preferences {
    fn default() -> Preferences {
        Preferences { theme: "auto", size: "normal", font: "serif" }
    }
}

impl Preferences {
    /// From the cookie's `theme.size.font`; anything unknown keeps its default.
    fn from_headers(headers: &HeaderMap) -> Preferences {
        let mut preferences = Preferences::default();
        if let Some(value) = csrf::cookie(headers, PREFERENCES_COOKIE) {
            let mut parts = value.split('.');
            preferences.set(parts.next(), parts.next(), parts.next());
        }
        preferences
    }

    fn set(&mut self, theme: Option<&str>, size: Option<&str>, font: Option<&str>) {
        let pick = |choices: &[(&'static str, &str)], value: Option<&str>, current: &'static str| {
            choices.iter().map(|(name, _)| *name).find(|name| Some(*name) == value).unwrap_or(current)
        };
        self.theme = pick(&THEMES, theme, self.theme);
        self.size = pick(&SIZES, size, self.size);
        self.font = pick(&FONTS, font, self.font);
    }

    /// The classes of the page's root element.
    pub fn classes(&self) -> String {
        format!("theme-{} size-{} font-{}", self.theme, self.size, self.font)
    }
}

/// What the base template needs of every page.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub preferences: Preferences,
    /// The form token; empty on pages rendered outside a request (errors).
    pub csrf: String,
    /// This page's path and query, where forms on it return to.
    pub here: String,
}

impl Layout {
    pub fn themes(&self) -> &'static [(&'static str, &'static str)] {
        &THEMES
    }

    pub fn sizes(&self) -> &'static [(&'static str, &'static str)] {
        &SIZES
    }

    pub fn fonts(&self) -> &'static [(&'static str, &'static str)] {
        &FONTS
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Layout {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Layout, Self::Rejection> {
        Ok(Layout {
            preferences: Preferences::from_headers(&parts.headers),
            csrf: parts.extensions.get::<CsrfToken>().map(|token| token.0.clone()).unwrap_or_default(),
            here: parts.uri.path_and_query().map_or_else(|| "/".to_owned(), |path| path.as_str().to_owned()),
        })
    }
}

/// A submitted form's fields, in order; a field may repeat (`id=1&id=2`).
#[derive(Debug)]
pub struct Form(Vec<(String, String)>);

impl Form {
    pub fn parse(body: &Bytes) -> Form {
        Form(form_urlencoded::parse(body).into_owned().collect())
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    pub fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.0.iter().filter(move |(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    /// Checks the request's origin and the form's token (see `csrf`).
    pub fn verify(&self, headers: &HeaderMap) -> Result<(), WebError> {
        csrf::verify(headers, self.get(csrf::FIELD))
    }

    /// Where to go once the form is handled: its `return` field when that is a
    /// path on this site, else the library.
    pub fn return_to(&self) -> Redirect {
        let path = self
            .get("return")
            .filter(|path| {
                path.starts_with('/')
                    && !path.starts_with("//")
                    && !path.contains('\\')
                    && !path.chars().any(char::is_control)
            })
            .unwrap_or("/");
        Redirect::to(path)
    }
}

async fn save_preferences(headers: HeaderMap, body: Bytes) -> Result<Response, WebError> {
    let form = Form::parse(&body);
    form.verify(&headers)?;
    let mut preferences = Preferences::from_headers(&headers);
    preferences.set(form.get("theme"), form.get("size"), form.get("font"));
    let cookie = format!(
        "{PREFERENCES_COOKIE}={}.{}.{}; Path=/; Max-Age={PREFERENCES_MAX_AGE}; HttpOnly; SameSite=Lax",
        preferences.theme, preferences.size, preferences.font
    );
    let mut response = form.return_to().into_response();
    response.headers_mut().append(SET_COOKIE, HeaderValue::from_str(&cookie).expect("the cookie is ASCII"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderMap;

    use super::Preferences;

    #[test]
    fn preferences_come_from_the_cookie_and_ignore_anything_unknown() {
        let mut headers = HeaderMap::new();
        headers.insert("cookie", "a=b; dossier_display=sepia.large.sans".parse().unwrap());
        assert_eq!(Preferences::from_headers(&headers).classes(), "theme-sepia size-large font-sans");
        headers.insert("cookie", "dossier_display=\"><script>.huge".parse().unwrap());
        assert_eq!(Preferences::from_headers(&headers), Preferences::default());
    }
}
