//! Front matter at the top of a Markdown file: YAML between `---` lines or TOML
//! between `+++` lines.
//!
//! YAML is read by a strict subset parser of our own rather than a YAML crate: front
//! matter in articles is flat `key: value` pairs and string lists, the well-kept YAML
//! crates are large and have had unbounded-recursion and alias-expansion blow-ups on
//! hostile input, and the subset below is linear and cannot blow up. Anything outside
//! the subset is reported, never guessed at.

use crate::model::{Diagnostic, DiagnosticCode};

/// A front-matter value, as far as metadata needs one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Text(String),
    List(Vec<String>),
}

/// Front matter found at the start of a document.
#[derive(Debug, Default)]
pub(crate) struct FrontMatter {
    /// Each key with its value and the 1-based line it is on.
    pub fields: Vec<(String, Value, usize)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Splits `input` into front matter (when it starts with `---` or `+++`) and the
/// body, returning the body's first line number too.
pub(crate) fn split(input: &str) -> (FrontMatter, &str, usize) {
    let first_line_end = input.find('\n').unwrap_or(input.len());
    let fence = input[..first_line_end].trim_end();
    let is_toml = match fence {
        "---" => false,
        "+++" => true,
        _ => return (FrontMatter::default(), input, 1),
    };
    let mut offset = (first_line_end + 1).min(input.len());
    let content_start = offset;
    let mut line_number = 2;
    while offset < input.len() {
        let line_end = input[offset..].find('\n').map_or(input.len(), |position| offset + position);
        let line = input[offset..line_end].trim_end();
        let closes = if is_toml { line == "+++" } else { line == "---" || line == "..." };
        if closes {
            let content = &input[content_start..offset];
            let body = &input[(line_end + 1).min(input.len())..];
            let front_matter = if is_toml { parse_toml(content) } else { parse_yaml(content) };
            return (front_matter, body, line_number + 1);
        }
        offset = line_end + 1;
        line_number += 1;
    }
    let mut front_matter = FrontMatter::default();
    front_matter.diagnostics.push(
        Diagnostic::new(DiagnosticCode::Malformed, "front matter is never closed; it was read as body text")
            .at_line(1),
    );
    (front_matter, input, 1)
}

/// The YAML subset: `key: value` with plain, single- or double-quoted scalars,
/// `key: [a, b]`, `key:` followed by `- item` lines, `key: >` / `key: |` blocks, and
/// `#` comments. Nested mappings are skipped with a diagnostic.
fn parse_yaml(content: &str) -> FrontMatter {
    let mut front_matter = FrontMatter::default();
    let lines: Vec<&str> = content.lines().collect();
    let mut index = 0;
    while index < lines.len() {
        let line_number = index + 2;
        let line = lines[index].trim_end_matches('\r');
        index += 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if line.starts_with([' ', '\t']) || trimmed.starts_with("- ") {
            front_matter.diagnostics.push(
                Diagnostic::new(
                    DiagnosticCode::Malformed,
                    "front matter line outside the supported YAML subset was skipped",
                )
                .at_line(line_number)
                .found(line),
            );
            // Skip the rest of this nested block.
            while index < lines.len()
                && (lines[index].starts_with([' ', '\t']) || lines[index].trim().is_empty())
            {
                index += 1;
            }
            continue;
        }
        let Some((key, raw_value)) = line.split_once(':') else {
            front_matter.diagnostics.push(
                Diagnostic::new(DiagnosticCode::Malformed, "front matter line is not `key: value`; skipped")
                    .at_line(line_number)
                    .found(line),
            );
            continue;
        };
        let key = key.trim().trim_matches(['"', '\'']).to_owned();
        let raw_value = strip_comment(raw_value.trim());
        let value = if raw_value.is_empty() {
            let mut items = Vec::new();
            while index < lines.len() {
                let next = lines[index].trim();
                if let Some(item) = next.strip_prefix("- ").or_else(|| (next == "-").then_some("")) {
                    items.push(scalar(strip_comment(item.trim())));
                    index += 1;
                } else if next.is_empty() || next.starts_with('#') {
                    index += 1;
                } else {
                    break;
                }
            }
            if items.is_empty() && index < lines.len() && lines[index].starts_with([' ', '\t']) {
                front_matter.diagnostics.push(
                    Diagnostic::new(
                        DiagnosticCode::Malformed,
                        format!("nested front matter under `{key}` is not supported; skipped"),
                    )
                    .at_line(line_number),
                );
                while index < lines.len()
                    && (lines[index].starts_with([' ', '\t']) || lines[index].trim().is_empty())
                {
                    index += 1;
                }
                continue;
            }
            Value::List(items.into_iter().filter(|item| !item.is_empty()).collect())
        } else if raw_value.starts_with('[') && raw_value.ends_with(']') {
            Value::List(
                raw_value[1..raw_value.len() - 1]
                    .split(',')
                    .map(|item| scalar(item.trim()))
                    .filter(|item| !item.is_empty())
                    .collect(),
            )
        } else if matches!(raw_value, ">" | "|" | ">-" | "|-") {
            let mut parts = Vec::new();
            while index < lines.len()
                && (lines[index].starts_with([' ', '\t']) || lines[index].trim().is_empty())
            {
                parts.push(lines[index].trim());
                index += 1;
            }
            let separator = if raw_value.starts_with('|') { "\n" } else { " " };
            Value::Text(parts.join(separator).trim().to_owned())
        } else {
            Value::Text(scalar(raw_value))
        };
        front_matter.fields.push((key, value, line_number));
    }
    front_matter
}

/// Drops a ` # comment` after a plain value (not inside quotes).
fn strip_comment(value: &str) -> &str {
    if value.starts_with(['"', '\'']) {
        return value;
    }
    match value.find(" #") {
        Some(position) => value[..position].trim_end(),
        None => value,
    }
}

/// A scalar without its quotes; `\"`, `\\` and `\n` unescaped in double quotes, `''` in single.
fn scalar(value: &str) -> String {
    let value = value.trim();
    if value.len() >= 2 && value.starts_with('"') && value.ends_with('"') {
        let inner = &value[1..value.len() - 1];
        let mut out = String::with_capacity(inner.len());
        let mut characters = inner.chars();
        while let Some(character) = characters.next() {
            if character == '\\' {
                match characters.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some(other) => out.push(other),
                    None => {}
                }
            } else {
                out.push(character);
            }
        }
        return out;
    }
    if value.len() >= 2 && value.starts_with('\'') && value.ends_with('\'') {
        return value[1..value.len() - 1].replace("''", "'");
    }
    value.to_owned()
}

fn parse_toml(content: &str) -> FrontMatter {
    let mut front_matter = FrontMatter::default();
    let table = match content.parse::<toml::Table>() {
        Ok(table) => table,
        Err(error) => {
            let line = error.span().map_or(2, |span| {
                2 + content.get(..span.start).map_or(0, |prefix| prefix.matches('\n').count())
            });
            front_matter.diagnostics.push(
                Diagnostic::new(
                    DiagnosticCode::Malformed,
                    format!("TOML front matter could not be read: {}", error.message()),
                )
                .at_line(line),
            );
            return front_matter;
        }
    };
    for (key, value) in table {
        let line = content
            .lines()
            .position(|line| line.trim_start().starts_with(key.as_str()))
            .map_or(2, |position| position + 2);
        let value = match value {
            toml::Value::String(text) => Value::Text(text),
            toml::Value::Datetime(datetime) => Value::Text(datetime.to_string()),
            toml::Value::Integer(number) => Value::Text(number.to_string()),
            toml::Value::Float(number) => Value::Text(number.to_string()),
            toml::Value::Boolean(flag) => Value::Text(flag.to_string()),
            toml::Value::Array(items) => Value::List(
                items
                    .into_iter()
                    .filter_map(|item| match item {
                        toml::Value::String(text) => Some(text),
                        toml::Value::Datetime(datetime) => Some(datetime.to_string()),
                        _ => None,
                    })
                    .collect(),
            ),
            toml::Value::Table(_) => continue,
        };
        front_matter.fields.push((key, value, line));
    }
    front_matter
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_subset() {
        let (front_matter, body, body_line) = split(
            "---\ntitle: \"A \\\"quoted\\\" title\"\nauthors:\n  - Ana Ruiz\n  - 'Tom O''Neil'\ntags: [one, \"two\"]\ndate: 2024-04-02 # comment\n---\nBody\n",
        );
        assert_eq!(body, "Body\n");
        assert_eq!(body_line, 9);
        assert_eq!(front_matter.fields[0].1, Value::Text("A \"quoted\" title".into()));
        assert_eq!(front_matter.fields[1].1, Value::List(vec!["Ana Ruiz".into(), "Tom O'Neil".into()]));
        assert_eq!(front_matter.fields[2].1, Value::List(vec!["one".into(), "two".into()]));
        assert_eq!(front_matter.fields[3].1, Value::Text("2024-04-02".into()));
        assert!(front_matter.diagnostics.is_empty());
    }

    #[test]
    fn toml_front_matter() {
        let (front_matter, body, _) = split("+++\ntitle = \"T\"\ndate = 2024-04-02\n+++\nBody");
        assert_eq!(body, "Body");
        assert!(front_matter.fields.contains(&("date".into(), Value::Text("2024-04-02".into()), 3)));
    }
}
