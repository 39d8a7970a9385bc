//! Markdown articles (CommonMark via pulldown-cmark), with YAML or TOML front matter
//! for metadata. Raw HTML in the source is dropped: the model never carries markup.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::front_matter::{self, Value};
use crate::model::{Block, Document};
use crate::text::{self, Field};
use crate::{ParseError, decode, derive, quotes};

/// Decodes `bytes` and parses them as a Markdown article.
pub fn parse_bytes(bytes: &[u8]) -> Result<Document, ParseError> {
    let (text, mut diagnostics) = decode::decode(bytes);
    let mut document = parse_str(&text)?;
    diagnostics.append(&mut document.diagnostics);
    document.diagnostics = diagnostics;
    Ok(document)
}

/// Parses already decoded Markdown.
pub fn parse_str(input: &str) -> Result<Document, ParseError> {
    let mut document = text::empty_document();
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let mut lines: Vec<(usize, String)> = decode::split_lines(input)
        .into_iter()
        .enumerate()
        .map(|(index, line)| (index + 1, line.to_owned()))
        .collect();
    decode::repair_mojibake_lines(&mut lines, &mut document.diagnostics);
    let repaired: String = lines.into_iter().map(|(_, line)| line + "\n").collect();

    let (front_matter, body, _body_line) = front_matter::split(&repaired);
    document.diagnostics.extend(front_matter.diagnostics);
    for (key, value, line) in front_matter.fields {
        let Some(field) = Field::from_key(&key) else {
            continue;
        };
        match (field, value) {
            (Field::Authors, Value::List(names)) => {
                document.authors = names;
                document.metadata_sources.insert("authors".into(), "front-matter".into());
            }
            (Field::Tags, Value::List(tags)) => {
                document.tags = tags;
                document.metadata_sources.insert("tags".into(), "front-matter".into());
            }
            (field, Value::List(values)) => {
                if let Some(first) = values.first() {
                    text::apply_field(&mut document, field, first, "front-matter", Some(line));
                }
            }
            (field, Value::Text(value)) => {
                text::apply_field(&mut document, field, &value, "front-matter", Some(line))
            }
        }
    }

    read_body(body, &mut document);
    if document.blocks.is_empty() && document.title.is_empty() {
        return Err(ParseError::NoText);
    }
    if document.title.is_empty() {
        text::derive_title(&mut document, None);
    }
    derive::finish(&mut document);
    Ok(document)
}

/// Where inline text currently goes.
#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    /// Text of the paragraph or heading being read.
    inline: String,
    heading: Option<u8>,
    quote_depth: usize,
    quote: Vec<String>,
    list_depth: usize,
    list_ordered: bool,
    items: Vec<String>,
    item: Option<String>,
    code: Option<(String, Option<String>)>,
    image: Option<(String, String)>,
}

impl Builder {
    fn push_text(&mut self, text: &str) {
        if let Some((_, alt)) = &mut self.image {
            alt.push_str(text);
        } else if let Some((code, _)) = &mut self.code {
            code.push_str(text);
        } else if let Some(item) = &mut self.item {
            item.push_str(text);
        } else {
            self.inline.push_str(text);
        }
    }

    fn finish_item(&mut self) {
        if let Some(item) = self.item.take() {
            let item = decode::clean_line(&item);
            if !item.is_empty() {
                self.items.push(item);
            }
        }
    }

    /// Ends a paragraph or heading: into the current quote, or as a block.
    fn finish_inline(&mut self) -> Option<String> {
        let text = decode::clean_line(&std::mem::take(&mut self.inline));
        if text.is_empty() {
            return None;
        }
        if self.quote_depth > 0 {
            self.quote.push(text);
            return None;
        }
        Some(text)
    }
}

fn read_body(body: &str, document: &mut Document) {
    let options = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES;
    let mut builder = Builder::default();
    for event in Parser::new_ext(body, options) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                builder.finish_inline();
                builder.heading = Some(heading_level(level));
            }
            Event::End(TagEnd::Heading(_)) => {
                let level = builder.heading.take().unwrap_or(2);
                if let Some(text) = builder.finish_inline() {
                    if level == 1 && document.title.is_empty() && builder.blocks.is_empty() {
                        document.title = text;
                        document.metadata_sources.insert("title".into(), "heading".into());
                    } else if level == 1
                        && builder.blocks.is_empty()
                        && text.eq_ignore_ascii_case(&document.title)
                    {
                        // The front matter's title repeated as the first heading.
                    } else {
                        builder.blocks.push(Block::Heading { level: level.max(2), text });
                    }
                }
            }
            Event::End(TagEnd::Paragraph | TagEnd::TableRow | TagEnd::TableHead) => {
                if builder.item.is_some() {
                    continue;
                }
                if let Some(text) = builder.finish_inline() {
                    builder.blocks.push(Block::Paragraph { text });
                }
            }
            Event::End(TagEnd::TableCell) => builder.push_text(" | "),
            Event::Start(Tag::BlockQuote(_)) => {
                builder.finish_inline();
                builder.quote_depth += 1;
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                builder.finish_inline();
                builder.quote_depth = builder.quote_depth.saturating_sub(1);
                if builder.quote_depth == 0 && !builder.quote.is_empty() {
                    let text = std::mem::take(&mut builder.quote).join("\n");
                    let block = match quotes::split_signature(&text) {
                        Some((body, name)) => {
                            Block::Quote { text: body.to_owned(), cite: Some(name.to_owned()) }
                        }
                        None => Block::Quote { text, cite: None },
                    };
                    builder.blocks.push(block);
                }
            }
            Event::Start(Tag::List(start)) => {
                if builder.list_depth == 0 {
                    if let Some(text) = builder.finish_inline() {
                        builder.blocks.push(Block::Paragraph { text });
                    }
                    builder.list_ordered = start.is_some();
                    builder.items.clear();
                } else {
                    builder.finish_item();
                }
                builder.list_depth += 1;
            }
            Event::End(TagEnd::List(_)) => {
                builder.finish_item();
                builder.list_depth = builder.list_depth.saturating_sub(1);
                if builder.list_depth == 0 && !builder.items.is_empty() {
                    let items = std::mem::take(&mut builder.items);
                    let list = Block::List { ordered: builder.list_ordered, items };
                    if builder.quote_depth > 0 {
                        builder.quote.push(list.text());
                    } else {
                        builder.blocks.push(list);
                    }
                }
            }
            Event::Start(Tag::Item) => {
                builder.finish_item();
                builder.item = Some(String::new());
            }
            Event::End(TagEnd::Item) => builder.finish_item(),
            Event::Start(Tag::CodeBlock(kind)) => {
                builder.finish_inline();
                let language = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split_whitespace()
                        .next()
                        .map(str::to_owned)
                        .filter(|language| !language.is_empty()),
                    CodeBlockKind::Indented => None,
                };
                builder.code = Some((String::new(), language));
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((text, language)) = builder.code.take() {
                    let text = text.trim_end_matches('\n').to_owned();
                    builder.blocks.push(Block::Code { text, language });
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                builder.image = Some((dest_url.to_string(), String::new()))
            }
            Event::End(TagEnd::Image) => {
                if let Some((src, alt)) = builder.image.take() {
                    let alt = decode::clean_line(&alt);
                    builder.blocks.push(Block::Image {
                        src,
                        alt: (!alt.is_empty()).then_some(alt),
                        caption: None,
                    });
                }
            }
            Event::Rule => {
                builder.finish_inline();
                builder.blocks.push(Block::Rule);
            }
            Event::Text(text) | Event::Code(text) => builder.push_text(&text),
            Event::SoftBreak | Event::HardBreak => builder.push_text(" "),
            _ => {}
        }
    }
    if let Some(text) = builder.finish_inline() {
        builder.blocks.push(Block::Paragraph { text });
    }
    document.blocks = builder.blocks;
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}
