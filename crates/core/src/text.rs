//! Plain-text articles, as scrapers and "save as text" leave them: optional header
//! lines (` date 2024-04-02 `, `Title: …`), a title line, an optional byline,
//! paragraphs separated by blank lines (or single newlines when a file has no blank
//! line at all), bare sub-headings between them, and bulleted or numbered lists.

use crate::model::{Block, Diagnostic, DiagnosticCode, Document, SCHEMA_VERSION};
use crate::{ParseError, artifacts, date, decode, derive};

/// Decodes `bytes` and parses them as a plain-text article.
pub fn parse_bytes(bytes: &[u8]) -> Result<Document, ParseError> {
    let (text, mut diagnostics) = decode::decode(bytes);
    let mut document = parse_str(&text)?;
    diagnostics.append(&mut document.diagnostics);
    document.diagnostics = diagnostics;
    Ok(document)
}

/// Parses already decoded text.
pub fn parse_str(input: &str) -> Result<Document, ParseError> {
    let mut document = empty_document();
    let lines = prepare_lines(input, &mut document.diagnostics);
    let mut position = skip_blank(&lines, 0);
    position = read_header(&lines, position, &mut document);
    position = skip_blank(&lines, position);
    if position >= lines.len() {
        return Err(ParseError::NoText);
    }

    let no_blank_lines = !lines[position..].iter().any(|line| line.text.is_empty());
    if document.title.is_empty() {
        let first = &lines[position];
        let next = lines.get(position + 1);
        let stands_alone = no_blank_lines
            || next.is_none_or(|next| next.text.is_empty() || byline_authors(&next.text).is_some());
        if stands_alone && reads_like_title(&first.text) {
            document.title = first.text.clone();
            document.metadata_sources.insert("title".into(), "first-line".into());
            position = skip_blank(&lines, position + 1);
        }
    }
    if let Some(line) = lines.get(position)
        && let Some(authors) = byline_authors(&line.text)
    {
        if document.authors.is_empty() {
            document.authors = authors;
            document.metadata_sources.insert("authors".into(), "byline".into());
        }
        position = skip_blank(&lines, position + 1);
    }

    if let Some(line) = lines.get(position)
        && let Some(published) = dateline(&line.text)
    {
        if document.published.is_none() {
            document.published = Some(published);
            document.metadata_sources.insert("published".into(), "dateline".into());
        }
        position = skip_blank(&lines, position + 1);
    }

    let (blocks, block_lines) = body_blocks(&lines[position..], no_blank_lines);
    if blocks.is_empty() && document.title.is_empty() {
        return Err(ParseError::NoText);
    }
    document.blocks = blocks;
    if document.title.is_empty() {
        derive_title(&mut document, block_lines.first().copied());
    }
    artifacts::repair(&mut document, &block_lines);
    derive::finish(&mut document);
    Ok(document)
}

/// Body blocks of a text with no header and no title line, as the JSON `text` field holds.
pub(crate) fn blocks_from_plain_body(input: &str) -> Vec<Block> {
    let mut ignored = Vec::new();
    let lines = prepare_lines(input, &mut ignored);
    let start = skip_blank(&lines, 0);
    let no_blank_lines = !lines[start..].iter().any(|line| line.text.is_empty());
    body_blocks(&lines[start..], no_blank_lines).0
}

/// Uses the start of the text as the title when no line reads like one.
pub(crate) fn derive_title(document: &mut Document, line: Option<usize>) {
    let first_text =
        document.blocks.iter().map(Block::text).find(|text| !text.trim().is_empty()).unwrap_or_default();
    let words: Vec<&str> = first_text.split_whitespace().collect();
    document.title = match words.len() {
        0 => "Untitled".to_owned(),
        1..=12 => words.join(" "),
        _ => format!("{}…", words[..12].join(" ")),
    };
    document.metadata_sources.insert("title".into(), "derived".into());
    let mut diagnostic =
        Diagnostic::new(DiagnosticCode::NoTitle, "no line reads like a title; one was taken from the text");
    if let Some(line) = line {
        diagnostic = diagnostic.at_line(line);
    }
    document.diagnostics.push(diagnostic);
}

pub(crate) fn empty_document() -> Document {
    Document {
        version: SCHEMA_VERSION,
        title: String::new(),
        dek: None,
        authors: Vec::new(),
        published: None,
        updated: None,
        site: None,
        url: None,
        canonical_url: None,
        language: None,
        description: None,
        image: None,
        tags: Vec::new(),
        metadata_sources: Default::default(),
        blocks: Vec::new(),
        quotes: Vec::new(),
        entities: Vec::new(),
        events: Vec::new(),
        word_count: 0,
        reading_minutes: 0,
        fingerprint: String::new(),
        diagnostics: Vec::new(),
    }
}

/// One input line after clean-up, with what clean-up removed that still matters.
pub(crate) struct Line {
    /// 1-based line number in the decoded input.
    pub number: usize,
    pub text: String,
    /// Whether the raw line started with a space or tab (a list item's continuation).
    pub indented: bool,
}

/// Splits, repairs mojibake in, and cleans every line.
pub(crate) fn prepare_lines(input: &str, diagnostics: &mut Vec<Diagnostic>) -> Vec<Line> {
    let mut raw: Vec<(usize, String)> = decode::split_lines(input)
        .into_iter()
        .enumerate()
        .map(|(index, line)| (index + 1, line.to_owned()))
        .collect();
    decode::repair_mojibake_lines(&mut raw, diagnostics);
    raw.into_iter()
        .map(|(number, line)| Line {
            number,
            indented: line.starts_with([' ', '\t', '\u{a0}']),
            text: decode::clean_line(&line),
        })
        .collect()
}

fn skip_blank(lines: &[Line], mut position: usize) -> usize {
    while position < lines.len() && lines[position].text.is_empty() {
        position += 1;
    }
    position
}

/// Reads `key value` and `Key: value` lines at the top (blank lines between them are
/// allowed); returns where the body starts.
fn read_header(lines: &[Line], start: usize, document: &mut Document) -> usize {
    let mut position = start;
    let mut body_start = start;
    while position < lines.len() {
        if lines[position].text.is_empty() {
            position += 1;
            continue;
        }
        let Some((field, value)) = header_field(&lines[position].text) else {
            break;
        };
        apply_field(document, field, value, "header", Some(lines[position].number));
        position += 1;
        body_start = position;
    }
    body_start
}

/// A metadata field that headers and front matter can set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Title,
    Dek,
    Description,
    Authors,
    Published,
    Updated,
    Site,
    Url,
    CanonicalUrl,
    Language,
    Tags,
    Image,
}

impl Field {
    /// Maps a header or front-matter key (any case, `_`/`-`/space separated) to a field.
    pub(crate) fn from_key(key: &str) -> Option<Field> {
        let key: String = key
            .trim()
            .chars()
            .map(
                |character| {
                    if matches!(character, '-' | ' ') { '_' } else { character.to_ascii_lowercase() }
                },
            )
            .collect();
        let field =
            match key.as_str() {
                "title" | "headline" | "titre" | "título" | "titulo" => Field::Title,
                "dek" | "subtitle" | "standfirst" | "subheadline" | "chapô" | "chapo" | "entradilla" => {
                    Field::Dek
                }
                "description" | "summary" | "excerpt" => Field::Description,
                "author" | "authors" | "by" | "byline" | "writer" | "auteur" | "auteurs" | "autor"
                | "autores" => Field::Authors,
                "date" | "published" | "published_at" | "published_on" | "pubdate" | "publication_date"
                | "date_published" | "posted" | "posted_on" | "fecha" | "publié" | "publié_le"
                | "publicado" => Field::Published,
                "updated" | "modified" | "last_updated" | "updated_at" | "lastmod" | "date_modified" => {
                    Field::Updated
                }
                "site" | "site_name" | "source" | "publication" | "publisher" | "outlet" | "fuente"
                | "medio" => Field::Site,
                "url" | "link" | "source_url" | "original_url" | "permalink" => Field::Url,
                "canonical" | "canonical_url" => Field::CanonicalUrl,
                "language" | "lang" | "locale" | "langue" | "idioma" => Field::Language,
                "tags" | "keywords" | "topics" | "categories" => Field::Tags,
                "image" | "cover" | "lead_image" => Field::Image,
                _ => return None,
            };
        Some(field)
    }

    fn name(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Dek => "dek",
            Field::Description => "description",
            Field::Authors => "authors",
            Field::Published => "published",
            Field::Updated => "updated",
            Field::Site => "site",
            Field::Url => "url",
            Field::CanonicalUrl => "canonical_url",
            Field::Language => "language",
            Field::Tags => "tags",
            Field::Image => "image",
        }
    }
}

/// `key value` (a lowercase key, as in ` date 2024-04-02 `) or `Key: value`.
fn header_field(line: &str) -> Option<(Field, &str)> {
    if let Some((key, value)) = line.split_once(':')
        && key.split_whitespace().count() <= 3
        && !value.trim().is_empty()
        && !value.starts_with("//")
        && let Some(field) = Field::from_key(key)
    {
        return Some((field, value.trim()));
    }
    let (key, value) = line.split_once(' ')?;
    if !key.bytes().all(|byte| byte.is_ascii_lowercase()) || value.trim().is_empty() {
        return None;
    }
    let field = Field::from_key(key)?;
    let value = value.trim();
    // Without a colon the line could be body text ("date night is back"), so a field
    // that can be validated must validate.
    let valid = match field {
        Field::Published | Field::Updated => date::normalize(value).is_some(),
        Field::Url | Field::CanonicalUrl | Field::Image => value.contains("://") && !value.contains(' '),
        Field::Language => language_code(value).is_some() && !value.contains(' '),
        _ => true,
    };
    valid.then_some((field, value))
}

/// Sets one metadata field from a text value, validating dates, URLs and languages;
/// a value that fails validation is left out with a `header` diagnostic.
pub(crate) fn apply_field(
    document: &mut Document,
    field: Field,
    value: &str,
    source: &str,
    line: Option<usize>,
) {
    let value = value.trim();
    if value.is_empty() {
        return;
    }
    let rejected = |document: &mut Document, why: &str| {
        let mut diagnostic = Diagnostic::new(
            DiagnosticCode::Header,
            format!("the {} value is not {why}; it was left out", field.name()),
        )
        .found(value);
        if let Some(line) = line {
            diagnostic = diagnostic.at_line(line);
        }
        document.diagnostics.push(diagnostic);
    };
    match field {
        Field::Title => document.title = value.to_owned(),
        Field::Dek => document.dek = Some(value.to_owned()),
        Field::Description => document.description = Some(value.to_owned()),
        Field::Authors => document.authors = split_names(value),
        Field::Published | Field::Updated => match date::normalize(value) {
            Some(normalized) if field == Field::Published => document.published = Some(normalized),
            Some(normalized) => document.updated = Some(normalized),
            None => return rejected(document, "a date that can be read with certainty"),
        },
        Field::Site => document.site = Some(value.to_owned()),
        Field::Url | Field::CanonicalUrl | Field::Image => {
            if !(value.contains("://") || value.starts_with("www.") || value.starts_with('/'))
                || value.contains(' ')
            {
                return rejected(document, "an address");
            }
            let slot = match field {
                Field::Url => &mut document.url,
                Field::CanonicalUrl => &mut document.canonical_url,
                _ => &mut document.image,
            };
            *slot = Some(value.to_owned());
        }
        Field::Language => match language_code(value) {
            Some(code) => document.language = Some(code),
            None => return rejected(document, "a known language"),
        },
        Field::Tags => {
            document.tags = value
                .split([',', ';'])
                .map(|tag| tag.trim().trim_start_matches('#').to_owned())
                .filter(|tag| !tag.is_empty())
                .collect();
        }
    }
    document.metadata_sources.insert(field.name().into(), source.into());
}

/// `"Jane Doe and John Roe"`, `"By Jane Doe, John Roe"` → the names.
pub(crate) fn split_names(value: &str) -> Vec<String> {
    let value = value.trim();
    let value = ["By ", "by ", "Por ", "por ", "Par ", "par "]
        .iter()
        .find_map(|prefix| value.strip_prefix(prefix))
        .unwrap_or(value);
    value
        .split([',', ';', '&'])
        .flat_map(|part| {
            part.split(" and ").flat_map(|part| part.split(" y ")).flat_map(|part| part.split(" et "))
        })
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .collect()
}

/// ISO 639-1 code for a language code or name (`en`, `en-GB`, `English`, `français`).
pub(crate) fn language_code(value: &str) -> Option<String> {
    let value = value.trim().to_lowercase();
    let primary = value.split(['-', '_']).next().unwrap_or_default();
    if primary.len() == 2 && primary.bytes().all(|byte| byte.is_ascii_lowercase()) {
        return Some(primary.to_owned());
    }
    let code = match primary {
        "english" | "eng" => "en",
        "spanish" | "español" | "espanol" | "castellano" | "spa" => "es",
        "french" | "français" | "francais" | "fra" | "fre" => "fr",
        "german" | "deutsch" | "deu" | "ger" => "de",
        "italian" | "italiano" | "ita" => "it",
        "portuguese" | "português" | "portugues" | "por" => "pt",
        "dutch" | "nederlands" | "nld" => "nl",
        _ => return None,
    };
    Some(code.to_owned())
}

/// `By Jane Doe`, `By Jane Doe and John Roe`, `Por María López`, `Par Jean Dupont`.
fn byline_authors(line: &str) -> Option<Vec<String>> {
    let rest = ["By ", "BY ", "Por ", "Par "].iter().find_map(|prefix| line.strip_prefix(prefix))?;
    let words: Vec<&str> = rest.split_whitespace().collect();
    let connectors = ["and", "y", "et", "de", "van", "von", "da", "del", "la", "le", "du", "&"];
    let looks_like_names = (1..=10).contains(&words.len())
        && words.iter().all(|word| {
            let word = word.trim_end_matches(',');
            connectors.contains(&word) || word.chars().next().is_some_and(char::is_uppercase)
        });
    looks_like_names.then(|| split_names(rest))
}

/// A line that is only a date, or a place and a date (`Madrid, 12 de febrero de 2024`).
fn dateline(line: &str) -> Option<String> {
    if word_count(line) > 9 || line.ends_with(['.', '!', '?']) && !line.ends_with(" p.m.") {
        return None;
    }
    let date_part = match line.split_once(',') {
        Some((place, rest))
            if word_count(place) <= 3 && place.chars().next().is_some_and(char::is_uppercase) =>
        {
            date::normalize(rest).map(|date| (date, rest))
        }
        _ => None,
    };
    date_part.map(|(date, _)| date).or_else(|| date::normalize(line))
}

/// A body line that is a list item: `- item`, `* item`, `• item`, `1. item`, `2) item`.
fn list_item(line: &str) -> Option<(bool, &str)> {
    for marker in ["- ", "* ", "• ", "· ", "▪ ", "◦ ", "‣ "] {
        if let Some(rest) = line.strip_prefix(marker)
            && !rest.trim().is_empty()
        {
            return Some((false, rest.trim()));
        }
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let rest = &line[digits..];
        if let Some(rest) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") "))
            && !rest.trim().is_empty()
        {
            return Some((true, rest.trim()));
        }
    }
    None
}

enum Pending {
    Paragraph { line: usize, text: String, lines: usize },
    List { line: usize, ordered: bool, items: Vec<String>, originals: Vec<String> },
}

/// Groups body lines into blocks, returning each block's first line number too.
fn body_blocks(lines: &[Line], no_blank_lines: bool) -> (Vec<Block>, Vec<usize>) {
    let mut blocks = Vec::new();
    let mut block_lines = Vec::new();
    let mut single_line = Vec::new();
    let mut pending: Option<Pending> = None;

    let flush = |pending: &mut Option<Pending>,
                 blocks: &mut Vec<Block>,
                 block_lines: &mut Vec<usize>,
                 single_line: &mut Vec<bool>| {
        match pending.take() {
            None => {}
            Some(Pending::Paragraph { line, text, lines }) => {
                blocks.push(Block::Paragraph { text });
                block_lines.push(line);
                single_line.push(lines == 1);
            }
            // One numbered line alone ("1. Introduction") is not a list.
            Some(Pending::List { line, ordered: true, items, originals }) if items.len() == 1 => {
                blocks.push(Block::Paragraph { text: originals.join(" ") });
                block_lines.push(line);
                single_line.push(true);
            }
            Some(Pending::List { line, ordered, items, .. }) => {
                blocks.push(Block::List { ordered, items });
                block_lines.push(line);
                single_line.push(false);
            }
        }
    };

    for line in lines {
        if line.text.is_empty() {
            flush(&mut pending, &mut blocks, &mut block_lines, &mut single_line);
            continue;
        }
        if let Some((ordered, item)) = list_item(&line.text) {
            match &mut pending {
                Some(Pending::List { ordered: current, items, originals, .. }) if *current == ordered => {
                    items.push(item.to_owned());
                    originals.push(line.text.clone());
                }
                _ => {
                    flush(&mut pending, &mut blocks, &mut block_lines, &mut single_line);
                    pending = Some(Pending::List {
                        line: line.number,
                        ordered,
                        items: vec![item.to_owned()],
                        originals: vec![line.text.clone()],
                    });
                }
            }
            continue;
        }
        if let Some((level, heading)) = marked_heading(&line.text) {
            flush(&mut pending, &mut blocks, &mut block_lines, &mut single_line);
            blocks.push(Block::Heading { level, text: heading.to_owned() });
            block_lines.push(line.number);
            single_line.push(false);
            continue;
        }
        match &mut pending {
            Some(Pending::List { items, originals, .. }) if !no_blank_lines || line.indented => {
                if let (Some(last), Some(original)) = (items.last_mut(), originals.last_mut()) {
                    last.push(' ');
                    last.push_str(&line.text);
                    original.push(' ');
                    original.push_str(&line.text);
                }
            }
            Some(Pending::Paragraph { text, lines, .. }) if !no_blank_lines => {
                text.push(' ');
                text.push_str(&line.text);
                *lines += 1;
            }
            _ => {
                flush(&mut pending, &mut blocks, &mut block_lines, &mut single_line);
                pending = Some(Pending::Paragraph { line: line.number, text: line.text.clone(), lines: 1 });
            }
        }
    }
    flush(&mut pending, &mut blocks, &mut block_lines, &mut single_line);

    // A short single line without closing punctuation, between two blocks, is a sub-heading.
    let count = blocks.len();
    for index in 1..count.saturating_sub(1) {
        let is_heading = matches!(&blocks[index], Block::Paragraph { text } if single_line[index] && reads_like_heading(text))
            && matches!(&blocks[index + 1], Block::Paragraph { .. } | Block::List { .. })
            && !matches!(&blocks[index - 1], Block::Heading { .. });
        if is_heading && let Block::Paragraph { text } = &mut blocks[index] {
            let text = std::mem::take(text);
            blocks[index] = Block::Heading { level: 2, text };
        }
    }
    (blocks, block_lines)
}

/// `## Heading` written Markdown-style in a text file.
fn marked_heading(line: &str) -> Option<(u8, &str)> {
    let hashes = line.bytes().take_while(|byte| *byte == b'#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let rest = line[hashes..].strip_prefix(' ')?.trim();
    (!rest.is_empty()).then_some(((hashes as u8).max(2), rest))
}

fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

fn reads_like_title(text: &str) -> bool {
    let words = word_count(text);
    (2..=30).contains(&words)
        && text.chars().count() <= 250
        && sentence_count(text) <= 1
        && list_item(text).is_none()
        && !text.ends_with([',', ';', ':'])
        && text
            .chars()
            .find(|character| character.is_alphanumeric())
            .is_some_and(|first| !first.is_lowercase())
}

fn reads_like_heading(text: &str) -> bool {
    // Cheap tests first: most paragraphs fail on length.
    let last = text.chars().last().unwrap_or(' ');
    text.len() <= 400
        && text.chars().count() <= 100
        && !matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | '…' | '"' | '”' | '»' | '’' | '\'' | ')')
        && text.chars().next().is_some_and(|first| first.is_uppercase() || first.is_ascii_digit())
        && (1..=12).contains(&word_count(text))
}

fn sentence_count(text: &str) -> usize {
    let trimmed = text.trim_end_matches(['.', '!', '?', '"', '”', '»']);
    1 + trimmed.matches(". ").count() + trimmed.matches("? ").count() + trimmed.matches("! ").count()
}
