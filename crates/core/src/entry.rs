//! One entry of a collection — a feed item, a saved link in an export, a bookmark —
//! turned into a document. Every collection parser fills an [`Entry`] and this
//! module applies the same rules to all of them: metadata validated as for text
//! headers, HTML content read into typed blocks, and an entry that carries only an
//! address kept as a document with an empty body and a `not-fetched` diagnostic.

use crate::model::{Diagnostic, DiagnosticCode};
use crate::text::{self, Field};
use crate::{Highlight, Item, derive, html, markdown};

/// What a collection says about one article.
#[derive(Debug, Default)]
pub(crate) struct Entry {
    pub(crate) title: Option<String>,
    pub(crate) url: Option<String>,
    pub(crate) authors: Vec<String>,
    /// Any date the source writes: ISO 8601, RFC 2822, or Unix seconds via [`unix_date`].
    pub(crate) published: Option<String>,
    pub(crate) updated: Option<String>,
    /// When the reader saved it; becomes `published` (with origin `saved`) when the
    /// source gives no publication date, since the model has no field of its own for it.
    pub(crate) saved: Option<String>,
    pub(crate) site: Option<String>,
    pub(crate) language: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) image: Option<String>,
    pub(crate) tags: Vec<String>,
    pub(crate) body: Body,
    pub(crate) read: Option<bool>,
    pub(crate) highlights: Vec<Highlight>,
}

/// The article's text as the collection carries it.
#[derive(Debug, Default)]
pub(crate) enum Body {
    #[default]
    None,
    Html(String),
    Markdown(String),
    Text(String),
}

impl Entry {
    /// The document, or why the entry holds nothing to keep (no title, address or text).
    /// `origin` is recorded in `metadata_sources` for every field the entry gave.
    pub(crate) fn into_item(self, origin: &str) -> Result<Item, String> {
        let mut document = text::empty_document();
        let fields = [
            (Field::Title, self.title),
            (Field::Url, self.url),
            (Field::Site, self.site),
            (Field::Language, self.language),
            (Field::Description, self.description),
            (Field::Image, self.image),
        ];
        for (field, value) in fields {
            if let Some(value) = value {
                text::apply_field(&mut document, field, &collapse(&value), origin, None);
            }
        }
        for (field, value) in [(Field::Published, self.published), (Field::Updated, self.updated)] {
            if let Some(value) = value {
                match normalize_date(&value) {
                    Some(date) => text::apply_field(&mut document, field, &date, origin, None),
                    None => text::apply_field(&mut document, field, &value, origin, None),
                }
            }
        }
        if document.published.is_none()
            && let Some(saved) = self.saved.as_deref().and_then(normalize_date)
        {
            text::apply_field(&mut document, Field::Published, &saved, "saved", None);
        }
        let authors: Vec<String> =
            self.authors.iter().map(|name| collapse(name)).filter(|name| !name.is_empty()).collect();
        if !authors.is_empty() {
            document.authors = authors;
            document.metadata_sources.insert("authors".into(), origin.into());
        }
        let mut tags: Vec<String> = Vec::new();
        for tag in self.tags {
            let tag = collapse(&tag);
            if !tag.is_empty() && !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        if !tags.is_empty() {
            document.tags = tags;
            document.metadata_sources.insert("tags".into(), origin.into());
        }

        document.blocks = match &self.body {
            Body::None => Vec::new(),
            Body::Html(markup) => html::fragment_blocks(markup),
            Body::Markdown(source) => {
                markdown::parse_str(source).map(|parsed| parsed.blocks).unwrap_or_default()
            }
            Body::Text(plain) => text::blocks_from_plain_body(plain),
        };
        let url = document.url.clone();
        if document.blocks.is_empty() {
            if document.title.is_empty() && url.is_none() {
                return Err("it has no title, address or text".into());
            }
            document.diagnostics.push(Diagnostic::new(
                DiagnosticCode::NotFetched,
                match &url {
                    Some(url) => {
                        format!("the {origin} entry gives only the address {url}; the text was not fetched")
                    }
                    None => format!("the {origin} entry has no text and no address"),
                },
            ));
        }
        if document.title.is_empty() {
            match (&url, document.blocks.is_empty()) {
                (Some(url), true) => {
                    document.title = url.clone();
                    document.metadata_sources.insert("title".into(), "url".into());
                }
                _ => text::derive_title(&mut document, None),
            }
        }
        derive::finish(&mut document);
        // With no body, the title alone would make every link titled "Home" one
        // document; the address tells them apart.
        if document.blocks.is_empty()
            && let Some(url) = &url
        {
            document.fingerprint = derive::fingerprint(&document.title, std::slice::from_ref(url));
        }
        Ok(Item { document, read: self.read, highlights: self.highlights, member: None })
    }
}

/// Whitespace folded to single spaces, ends trimmed.
pub(crate) fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A date as collections write them, as ISO 8601: RFC 2822 (`Tue, 02 Apr 2024
/// 10:00:00 +0000`, RSS) keeps its time and offset; anything else goes through
/// the shared date rules.
pub(crate) fn normalize_date(value: &str) -> Option<String> {
    let value = value.trim();
    if value.len() > 100 {
        return None;
    }
    if let Ok(zoned) = jiff::fmt::rfc2822::parse(value) {
        return Some(zoned.timestamp().display_with_offset(zoned.offset()).to_string());
    }
    // `2016-06-01T14:32:54+0200` (Wallabag): RFC 3339 wants a colon in the offset.
    let bytes = value.as_bytes();
    if value.len() == 24
        && value.is_ascii()
        && matches!(bytes[19], b'+' | b'-')
        && bytes[20..].iter().all(u8::is_ascii_digit)
    {
        let with_colon = format!("{}:{}", &value[..22], &value[22..]);
        if let Some(date) = crate::date::normalize(&with_colon) {
            return Some(date);
        }
    }
    crate::date::normalize(value)
}

/// Unix seconds (as Pocket, Instapaper and bookmark files write them) as an RFC 3339
/// date-time in UTC; `None` for zero, negative or unreadable values.
pub(crate) fn unix_date(seconds: &str) -> Option<String> {
    let seconds: i64 = seconds.trim().parse().ok().filter(|seconds| *seconds > 0)?;
    jiff::Timestamp::from_second(seconds).ok().map(|timestamp| timestamp.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_keep_their_time_and_offset() {
        assert_eq!(
            normalize_date("Tue, 02 Apr 2024 10:00:00 +0200").as_deref(),
            Some("2024-04-02T10:00:00+02:00")
        );
        assert_eq!(normalize_date("2024-04-02T10:00:00Z").as_deref(), Some("2024-04-02T10:00:00Z"));
        assert_eq!(unix_date("1712052000").as_deref(), Some("2024-04-02T10:00:00Z"));
        assert_eq!(normalize_date("2016-06-01T14:32:54+0200").as_deref(), Some("2016-06-01T14:32:54+02:00"));
        assert_eq!(unix_date("0"), None);
        assert_eq!(unix_date("soon"), None);
    }

    #[test]
    fn an_address_alone_is_a_document_without_body() {
        let entry = Entry { url: Some("https://example.org/a".into()), ..Entry::default() };
        let item = entry.into_item("pocket").expect("kept");
        assert_eq!(item.document.title, "https://example.org/a");
        assert!(item.document.blocks.is_empty());
        assert_eq!(item.document.diagnostics[0].code, DiagnosticCode::NotFetched);
        let other = Entry {
            url: Some("https://example.org/b".into()),
            title: Some("Home".into()),
            ..Entry::default()
        };
        let same_title = Entry {
            url: Some("https://example.org/c".into()),
            title: Some("Home".into()),
            ..Entry::default()
        };
        assert_ne!(
            other.into_item("pocket").expect("kept").document.fingerprint,
            same_title.into_item("pocket").expect("kept").document.fingerprint
        );
        assert!(Entry::default().into_item("pocket").is_err());
    }
}
