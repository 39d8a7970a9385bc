//! The search query syntax, parsed into a backend-neutral form.
//!
//! `word` (all words must match), `"a phrase"`, `-word` or `-"phrase"` (must not
//! match), `a OR b` (either; binds tighter than the implied AND), `prefix*`, and
//! the filters `site:`, `author:`, `lang:`, `tag:`, `before:` and `after:`
//! (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`; `before:` is strictly before the start of
//! that period, `after:` on or after its start), `story:ID` (the documents of one
//! story cluster) and `is:read` or `is:unread`. Filter values may be quoted:
//! `site:"The Guardian"`. Unknown `key:value` pairs are searched as words.

use crate::Error;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    /// All of these must match; each is a set of alternatives (OR).
    pub required: Vec<Vec<Term>>,
    /// None of these may match.
    pub excluded: Vec<Term>,
    pub filters: Filters,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// One or more tokens that must appear in sequence (one token: a plain word).
    Phrase(Vec<String>),
    /// A token prefix.
    Prefix(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filters {
    pub sites: Vec<String>,
    pub authors: Vec<String>,
    pub language: Option<String>,
    pub tags: Vec<String>,
    /// ISO date prefix; documents published strictly before it.
    pub before: Option<String>,
    /// ISO date prefix; documents published on or after it.
    pub after: Option<String>,
    /// The story cluster's id.
    pub story: Option<i64>,
    /// `Some(true)`: only documents marked read; `Some(false)`: only unread ones.
    pub read: Option<bool>,
}

impl Filters {
    /// Whether no filter narrows the query.
    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }
}

impl Query {
    pub fn has_text(&self) -> bool {
        !self.required.is_empty()
    }

    /// Every token the query searches for, for highlighting; prefixes end with `*`.
    pub fn highlight_tokens(&self) -> Vec<String> {
        let mut tokens = Vec::new();
        for term in self.required.iter().flatten() {
            match term {
                Term::Phrase(words) => tokens.extend(words.iter().cloned()),
                Term::Prefix(prefix) => tokens.push(format!("{prefix}*")),
            }
        }
        tokens
    }
}

/// Lowercased alphanumeric runs: how the full-text index splits words.
pub fn tokens(text: &str) -> Vec<String> {
    text.split(|character: char| !character.is_alphanumeric())
        .filter(|token| !token.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Parses the query syntax described at the top of this module.
pub fn parse(input: &str) -> Result<Query, Error> {
    let mut query = Query::default();
    let mut pending_or = false;
    for raw in split(input) {
        if raw.text == "OR" && !raw.quoted {
            pending_or = !query.required.is_empty();
            continue;
        }
        if !raw.quoted
            && let Some((key, value)) = raw.text.split_once(':')
            && apply_filter(&mut query.filters, &key.to_ascii_lowercase(), value.trim_matches('"'))?
        {
            pending_or = false;
            continue;
        }
        let (negated, text) = match raw.text.strip_prefix('-') {
            Some(rest) if !rest.is_empty() && !raw.quoted => (true, rest),
            _ => (false, raw.text.as_str()),
        };
        let Some(term) = term(text, raw.quoted || text.starts_with('"')) else { continue };
        if negated {
            query.excluded.push(term);
            pending_or = false;
        } else if pending_or {
            query.required.last_mut().expect("pending_or needs a clause").push(term);
            pending_or = false;
        } else {
            query.required.push(vec![term]);
        }
    }
    Ok(query)
}

fn term(text: &str, quoted: bool) -> Option<Term> {
    let text = text.trim_matches('"');
    let words = tokens(text);
    if words.is_empty() {
        return None;
    }
    if !quoted && words.len() == 1 && text.ends_with('*') {
        return Some(Term::Prefix(words[0].clone()));
    }
    Some(Term::Phrase(words))
}

/// Returns whether `key` was a filter.
fn apply_filter(filters: &mut Filters, key: &str, value: &str) -> Result<bool, Error> {
    if value.is_empty() {
        return Ok(false);
    }
    match key {
        "site" => filters.sites.push(value.to_owned()),
        "author" => filters.authors.push(value.to_owned()),
        "lang" | "language" => filters.language = Some(value.to_ascii_lowercase()),
        "tag" => filters.tags.push(value.to_owned()),
        "before" => filters.before = Some(date_prefix(key, value)?),
        "after" => filters.after = Some(date_prefix(key, value)?),
        "story" => {
            let story = value
                .parse()
                .map_err(|_| Error::InvalidQuery(format!("story:{value} needs a story's number")))?;
            filters.story = Some(story);
        }
        "is" => match value.to_ascii_lowercase().as_str() {
            "read" => filters.read = Some(true),
            "unread" => filters.read = Some(false),
            _ => return Err(Error::InvalidQuery(format!("is:{value}: say is:read or is:unread"))),
        },
        _ => return Ok(false),
    }
    Ok(true)
}

/// Checks `YYYY`, `YYYY-MM` or `YYYY-MM-DD` and returns it as written.
fn date_prefix(key: &str, value: &str) -> Result<String, Error> {
    let parts: Vec<&str> = value.split('-').collect();
    let numeric =
        |part: &str, length: usize| part.len() == length && part.bytes().all(|byte| byte.is_ascii_digit());
    let valid = match parts.as_slice() {
        [year] => numeric(year, 4),
        [year, month] => {
            numeric(year, 4) && numeric(month, 2) && (1..=12).contains(&month.parse().unwrap_or(0))
        }
        [year, month, day] => {
            numeric(year, 4)
                && numeric(month, 2)
                && numeric(day, 2)
                && (1..=12).contains(&month.parse().unwrap_or(0))
                && (1..=31).contains(&day.parse().unwrap_or(0))
        }
        _ => false,
    };
    if valid {
        Ok(value.to_owned())
    } else {
        Err(Error::InvalidQuery(format!("{key}:{value} is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")))
    }
}

struct RawToken {
    text: String,
    quoted: bool,
}

/// Splits on whitespace, keeping `"quoted phrases"` (also after `-` or `key:`) whole.
/// An unclosed quote runs to the end of the input.
fn split(input: &str) -> Vec<RawToken> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_quotes = false;
    let mut quoted = false;
    for character in input.chars() {
        match character {
            '"' | '“' | '”' => {
                in_quotes = !in_quotes;
                if current.is_empty() {
                    quoted = true;
                } else {
                    current.push('"');
                }
            }
            character if character.is_whitespace() && !in_quotes => {
                if !current.is_empty() {
                    out.push(RawToken { text: std::mem::take(&mut current), quoted });
                }
                quoted = false;
            }
            character => current.push(character),
        }
    }
    if !current.is_empty() {
        out.push(RawToken { text: current, quoted });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Filters, Query, Term, parse};

    fn phrase(words: &[&str]) -> Term {
        Term::Phrase(words.iter().map(|word| word.to_string()).collect())
    }

    #[test]
    fn words_phrases_negation_or_and_prefixes() {
        let query =
            parse(r#"netflix "message inboxes" -amazon meta OR facebook zucker* -"reed hastings""#).unwrap();
        assert_eq!(
            query,
            Query {
                required: vec![
                    vec![phrase(&["netflix"])],
                    vec![phrase(&["message", "inboxes"])],
                    vec![phrase(&["meta"]), phrase(&["facebook"])],
                    vec![Term::Prefix("zucker".into())],
                ],
                excluded: vec![phrase(&["amazon"]), phrase(&["reed", "hastings"])],
                filters: Filters::default(),
            }
        );
    }

    #[test]
    fn filters_take_quoted_values_and_check_dates() {
        let query =
            parse(r#"lawsuit site:"Daily Mail" author:klein lang:EN tag:privacy after:2024-03 before:2025"#)
                .unwrap();
        assert_eq!(query.required, vec![vec![phrase(&["lawsuit"])]]);
        assert_eq!(query.filters.sites, ["Daily Mail"]);
        assert_eq!(query.filters.authors, ["klein"]);
        assert_eq!(query.filters.language.as_deref(), Some("en"));
        assert_eq!(query.filters.tags, ["privacy"]);
        assert_eq!(query.filters.after.as_deref(), Some("2024-03"));
        assert_eq!(query.filters.before.as_deref(), Some("2025"));
        assert!(parse("before:yesterday").is_err());
        assert!(parse("after:2024-13").is_err());
    }

    #[test]
    fn odd_input_is_searched_as_words_not_syntax() {
        // Apostrophes split words as the index does; FTS operators are plain words.
        assert_eq!(parse("Facebook's").unwrap().required, vec![vec![phrase(&["facebook", "s"])]]);
        assert_eq!(parse("NEAR AND NOT").unwrap().required.len(), 3);
        assert_eq!(parse("http://x.org").unwrap().required, vec![vec![phrase(&["http", "x", "org"])]]);
        assert_eq!(parse("OR OR -").unwrap(), Query::default());
        assert_eq!(parse("\"unclosed phrase").unwrap().required, vec![vec![phrase(&["unclosed", "phrase"])]]);
    }
}
