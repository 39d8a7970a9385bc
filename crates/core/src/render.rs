//! Plain renderings of a document: the main text alone (what extraction
//! benchmarks score) and Markdown.

use std::fmt::Write;

use crate::model::{Block, Document};

/// The standfirst (dek) and the body's blocks separated by blank lines, without the
/// title. An image stands for its caption; its alt text, which describes the picture
/// for those who cannot see it, is not part of the text (the Markdown view keeps it).
pub fn to_text(document: &Document) -> String {
    let mut out = String::new();
    if let Some(dek) = document.dek.as_deref().map(str::trim).filter(|dek| !dek.is_empty()) {
        out.push_str(dek);
    }
    for block in &document.blocks {
        let text = match block {
            Block::List { items, .. } => items.join("\n"),
            Block::Rule => continue,
            Block::Image { caption, .. } => caption.clone().unwrap_or_default(),
            other => other.text(),
        };
        if text.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&text);
    }
    out.push('\n');
    out
}

/// Markdown starting with the title as a level-1 heading.
pub fn to_markdown(document: &Document) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}", single_line(&document.title));
    let mut byline = Vec::new();
    if !document.authors.is_empty() {
        byline.push(format!("By {}", document.authors.join(", ")));
    }
    if let Some(site) = &document.site {
        byline.push(site.clone());
    }
    if let Some(published) = &document.published {
        byline.push(published.clone());
    }
    if !byline.is_empty() {
        let _ = write!(out, "\n*{}*\n", byline.join(" · "));
    }
    if let Some(dek) = &document.dek {
        let _ = write!(out, "\n{}\n", dek);
    }
    for block in &document.blocks {
        out.push('\n');
        match block {
            Block::Heading { level, text } => {
                let level = (*level).clamp(2, 6) as usize;
                let _ = writeln!(out, "{} {}", "#".repeat(level), single_line(text));
            }
            Block::Paragraph { text } => {
                let _ = writeln!(out, "{text}");
            }
            Block::Quote { text, cite } => {
                for line in text.lines() {
                    let _ = writeln!(out, "> {line}");
                }
                if let Some(cite) = cite {
                    let _ = writeln!(out, ">\n> — {cite}");
                }
            }
            Block::List { ordered, items } => {
                for (index, item) in items.iter().enumerate() {
                    if *ordered {
                        let _ = writeln!(out, "{}. {}", index + 1, single_line(item));
                    } else {
                        let _ = writeln!(out, "- {}", single_line(item));
                    }
                }
            }
            Block::Image { src, alt, caption } => {
                let _ = writeln!(out, "![{}]({})", alt.as_deref().unwrap_or(""), src);
                if let Some(caption) = caption {
                    let _ = writeln!(out, "\n*{caption}*");
                }
            }
            Block::Code { text, language } => {
                let fence = if text.contains("```") { "~~~~" } else { "```" };
                let _ = writeln!(out, "{fence}{}\n{text}\n{fence}", language.as_deref().unwrap_or(""));
            }
            Block::Rule => out.push_str("---\n"),
        }
    }
    out
}

fn single_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
