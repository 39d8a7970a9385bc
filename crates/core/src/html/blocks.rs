//! The walk from extracted article markup to typed blocks: headings, paragraphs,
//! lists, quotes, images with captions, code and rules, in reading order.
//!
//! Inline markup (links, emphasis, spans) only contributes its text; every block
//! element ends the paragraph being gathered. Markup that is never text (scripts,
//! forms, embedded media) is skipped.

use dom_query::NodeRef;

use crate::model::Block;

/// Subtrees deeper than this are read as plain text: real articles nest a few dozen
/// levels, and the limit keeps the walk's recursion bounded on hostile markup.
const MAX_WALK_DEPTH: usize = 200;

/// Blocks of the subtree under `root` (the root itself included when it is an element).
pub(crate) fn blocks_of(root: &NodeRef) -> Vec<Block> {
    let mut walker = Walker::default();
    walker.walk(root, 0);
    walker.flush();
    walker.blocks
}

#[derive(Default)]
struct Walker {
    blocks: Vec<Block>,
    /// Inline text of the paragraph being gathered; `\n` marks a `<br>`.
    inline: String,
    /// Bytes of `inline` that are link text.
    inline_link_bytes: usize,
}

impl Walker {
    fn walk(&mut self, node: &NodeRef, depth: usize) {
        if node.is_text() {
            push_collapsed(&mut self.inline, &node.text());
            return;
        }
        if !node.is_element() {
            if node.is_document() || node.is_fragment() {
                self.walk_children(node, depth);
            }
            return;
        }
        let name = node.node_name().unwrap_or_default();
        let name: &str = &name;
        if depth > MAX_WALK_DEPTH {
            push_collapsed(&mut self.inline, &node.text());
            return;
        }
        match name {
            "script" | "style" | "noscript" | "template" | "svg" | "button" | "input" | "select"
            | "textarea" | "iframe" | "object" | "embed" | "canvas" | "video" | "audio" | "map" | "head"
            | "title" | "meta" | "link" | "nav" => {}
            "br" => self.inline.push('\n'),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.flush();
                let level = name.as_bytes()[1] - b'0';
                let text = inline_text(node);
                // A heading that is only a label ("Mehr zum Thema", "Keine Kommentare")
                // heads nothing of the article.
                if !text.is_empty() && !is_boilerplate_line(&text) {
                    self.blocks.push(Block::Heading { level: level.max(2), text });
                }
            }
            "ul" | "ol" | "menu" => {
                self.flush();
                let mut items = Vec::new();
                list_items(node, &mut items, depth);
                if !items.is_empty() {
                    self.blocks.push(Block::List { ordered: name == "ol", items });
                }
            }
            "blockquote" => {
                self.flush();
                let cite =
                    node.attr("cite").map(|cite| cite.trim().to_owned()).filter(|cite| !cite.is_empty());
                let inner = blocks_of_children(node, depth);
                let text = inner
                    .iter()
                    .map(Block::text)
                    .filter(|text| !text.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n\n");
                if !text.is_empty() {
                    self.blocks.push(Block::Quote { text, cite });
                }
            }
            "pre" => {
                self.flush();
                let text = node.text();
                let text = text.trim_matches('\n').trim_end();
                if !text.trim().is_empty() {
                    self.blocks.push(Block::Code { text: text.to_owned(), language: code_language(node) });
                }
            }
            "figure" => {
                self.flush();
                self.figure(node, depth);
            }
            "img" => {
                if let Some(image) = image_block(node, None) {
                    self.flush();
                    self.blocks.push(image);
                }
            }
            "picture" => {
                if let Some(img) = first_descendant(node, "img")
                    && let Some(image) = image_block(&img, None)
                {
                    self.flush();
                    self.blocks.push(image);
                }
            }
            "a" => {
                let before = self.inline.len();
                self.walk_children(node, depth);
                self.inline_link_bytes += self.inline.len().saturating_sub(before);
            }
            "hr" => {
                self.flush();
                self.blocks.push(Block::Rule);
            }
            "table" => {
                self.flush();
                self.table(node, depth);
            }
            "p" | "div" | "section" | "article" | "main" | "header" | "footer" | "aside" | "address"
            | "center" | "details" | "summary" | "dl" | "dt" | "dd" | "li" | "figcaption" | "body"
            | "html" | "fieldset" | "hgroup" | "caption" | "tr" | "td" | "th" | "tbody" | "thead"
            | "tfoot" => {
                self.flush();
                self.walk_children(node, depth);
                self.flush();
            }
            _ => self.walk_children(node, depth),
        }
    }

    fn walk_children(&mut self, node: &NodeRef, depth: usize) {
        let mut child = node.first_child();
        while let Some(current) = child {
            self.walk(&current, depth + 1);
            child = current.next_sibling();
        }
    }

    /// Ends the paragraph being gathered.
    fn flush(&mut self) {
        let text = tidy(&self.inline);
        let link_dense = is_link_dense(self.inline_link_bytes, self.inline.trim().len());
        self.inline.clear();
        self.inline_link_bytes = 0;
        if !text.is_empty() && !link_dense && !is_boilerplate_line(&text) && !is_dateline(&text) {
            self.blocks.push(Block::Paragraph { text });
        }
    }

    fn figure(&mut self, node: &NodeRef, depth: usize) {
        let caption = first_descendant(node, "figcaption")
            .map(|caption| inline_text(&caption))
            .filter(|caption| !caption.is_empty() && !is_boilerplate_line(caption));
        match first_descendant(node, "img").and_then(|img| image_block(&img, caption.clone())) {
            Some(image) => self.blocks.push(image),
            None => {
                // A figure around a quote, table or code: its content, then the caption.
                let mut child = node.first_child();
                while let Some(current) = child {
                    if current.node_name().as_deref() != Some("figcaption") {
                        self.walk(&current, depth + 1);
                    }
                    child = current.next_sibling();
                }
                self.flush();
                if let Some(caption) = caption {
                    self.blocks.push(Block::Paragraph { text: caption });
                }
            }
        }
    }

    fn table(&mut self, node: &NodeRef, depth: usize) {
        for row in descendants_named(node, "tr", depth) {
            let cells: Vec<String> =
                row.element_children().iter().map(inline_text).filter(|text| !text.is_empty()).collect();
            if !cells.is_empty() {
                self.blocks.push(Block::Paragraph { text: cells.join(" ") });
            }
        }
    }
}

/// Drops headings that head nothing and lead-ins that lead into nothing: a heading
/// followed only by headings of its rank or higher (or by nothing), unless it is
/// itself a sentence, and a short
/// paragraph ending in a colon ("Mehr zum Thema:", "Kontakt:") with no text after it
/// before the next heading. What they introduced — a related-articles list, a
/// contact box, comments — was boilerplate and is gone.
pub(crate) fn drop_empty_sections(blocks: &mut Vec<Block>) {
    // Read backwards: `has_content[level]` says whether text follows the current
    // position before the next heading of rank `level` or higher. Lead-ins rank
    // below every heading (level 7).
    let mut has_content = [false; 8];
    let mut keep = vec![true; blocks.len()];
    for (index, block) in blocks.iter().enumerate().rev() {
        let level = match block {
            // A heading that is a sentence (a pull quote, a standfirst set as a
            // heading) is text in its own right.
            Block::Heading { level, text } if !text.trim_end().ends_with('.') => {
                usize::from(*level).clamp(1, 6)
            }
            Block::Paragraph { text } if is_lead_in(text) => 7,
            Block::Rule => continue,
            _ => {
                has_content = [true; 8];
                continue;
            }
        };
        keep[index] = has_content[level];
        for below in &mut has_content[level..] {
            *below = false;
        }
    }
    let mut keep = keep.into_iter();
    blocks.retain(|_| keep.next().unwrap_or(true));
}

/// Drops the sections whose heading announces other articles ("Related stories",
/// "Mehr zum Thema", "Das könnte Sie auch interessieren"): the heading and what
/// follows it up to the next heading of its rank or higher.
pub(crate) fn drop_pointer_sections(blocks: &mut Vec<Block>) {
    let mut dropping: Option<u8> = None;
    blocks.retain(|block| {
        if let Block::Heading { level, text } = block {
            if dropping.is_some_and(|rank| *level <= rank) {
                dropping = None;
            }
            if dropping.is_none() && is_pointer_heading(text) {
                dropping = Some(*level);
            }
        }
        dropping.is_none()
    });
}

/// A heading that points to other articles rather than heading a part of this one.
fn is_pointer_heading(text: &str) -> bool {
    const POINTERS: &[&str] = &[
        "related",
        "more from",
        "more stories",
        "more on this",
        "read next",
        "read more",
        "most read",
        "most popular",
        "you may also like",
        "you might also like",
        "recommended for you",
        "further reading",
        "see also",
        "ähnliche beiträge",
        "ähnliche artikel",
        "neueste artikel",
        "weitere artikel",
        "weitere beiträge",
        "mehr zum thema",
        "mehr zu ",
        "das könnte",
        "auch interessant",
        "meistgelesen",
        "meistdiskutiert",
        "zum weiterlesen",
        "weiterlesen",
        "weiterführende links",
        "siehe auch",
        "beiträge zum thema",
        "artikel zum thema",
        "veja também",
        "leia também",
        "lee también",
        "te puede interesar",
        "noticias relacionadas",
        "à lire aussi",
        "lire aussi",
        "sur le même sujet",
        "leggi anche",
        "czytaj także",
        "zobacz także",
    ];
    if text.chars().count() > 60 {
        return false;
    }
    let lower = text.to_lowercase();
    POINTERS.iter().any(|pointer| lower.starts_with(pointer))
}

/// A short line ending in a colon: it announces what follows.
fn is_lead_in(text: &str) -> bool {
    let text = text.trim_end();
    text.ends_with(':') && text.chars().count() <= 80
}

/// Lines that label rather than tell: photo credits, "read more" pointers, ad
/// labels, share prompts. Only short lines are judged, so prose that happens to
/// start with "Photo" is kept.
fn is_boilerplate_line(text: &str) -> bool {
    if text.chars().count() > 80 {
        return false;
    }
    let lower = text.to_lowercase();
    const PREFIXES: &[&str] = &[
        "foto:",
        "fotos:",
        "photo:",
        "photos:",
        "photograph:",
        "bild:",
        "bilder:",
        "image:",
        "credit:",
        "credits:",
        "(credit",
        "photograph by",
        "crédit photo",
        "crédits photo",
        "titelbild:",
        "beitragsbild:",
        "source:",
        "quelle:",
        "źródło:",
        "stand:",
        "aktualisiert am",
        "publikacja:",
        "crédito:",
        "(crédito",
        "©",
        "(c)",
        "read more:",
        "read more",
        "lesen sie auch",
        "lesen sie hier",
        "mehr zum thema",
        "lea más",
        "lee también",
        "lire aussi",
        "à lire aussi",
        "leggi anche",
        "see also:",
        "related:",
        "advertisement",
        "anzeige",
        "werbung",
        "reklama",
        "publicidad",
        "share this",
        "auch interessant",
        "schon gelesen",
        "das könnte sie auch interessieren",
        "you may also like",
        "you might also like",
        "more from",
        "inhaltsverzeichnis",
        "table of contents",
        "- anzeige",
        "-anzeige",
        "mira:",
        "drukuj",
        "ezek is érdekelhetnek",
        "artikel gefallen?",
        "share on",
        "teilen",
        "diesen artikel teilen",
        "sponsored",
        // Prompts to rate, comment or log in.
        "keine kommentare",
        "kommentare geschlossen",
        "kommentare schreiben",
        "kommentieren",
        "no comments",
        "comments are closed",
        "leave a comment",
        "leave a reply",
        "noch keine bewertung",
        "wie bewerten sie",
        "war der artikel",
        "war dieser artikel",
        "was this article helpful",
        "sie müssen sich einloggen",
        "you must be logged in",
        // Calls to subscribe or follow.
        "subscribe now",
        "subscribe to our",
        "sign up for our",
        "follow us on",
        "jetzt abonnieren",
        "abonnieren sie",
        "suscríbete",
        "abonnez-vous",
    ];
    PREFIXES.iter().any(|prefix| lower.starts_with(prefix))
        || lower.ends_with("/shutterstock")
        || lower.ends_with("shutterstock.com")
        || lower.ends_with("getty images")
        || lower.ends_with("/ getty images")
        || lower.ends_with("/dpa")
}

/// A line that only dates the article ("23.10.2018", "7. oktober 2020",
/// "Aktualisiert: 11.04.2020, 10:27"): a year, perhaps a day, a month's name, a
/// time and a short label, and nothing else. The dates are the document's
/// metadata; as a paragraph the line says nothing.
fn is_dateline(text: &str) -> bool {
    if text.chars().count() > 40 {
        return false;
    }
    let dated = match text.split_once(':') {
        Some((label, rest)) if label.chars().count() <= 20 && !label.chars().any(|c| c.is_ascii_digit()) => {
            rest
        }
        _ => text,
    };
    let mut has_year = false;
    let mut words = 0;
    for token in dated.split(|c: char| !c.is_alphanumeric()).filter(|token| !token.is_empty()) {
        if token.chars().all(|c| c.is_ascii_digit()) {
            // Days, months, hours and minutes have one or two digits, years four;
            // other numbers (a phone number, a price) are not a date.
            let is_year = token.len() == 4 && (token.starts_with("19") || token.starts_with("20"));
            if token.len() > 2 && !is_year {
                return false;
            }
            has_year |= is_year;
        } else if token.chars().any(|c| c.is_ascii_digit()) || token.chars().count() > 10 {
            return false;
        } else {
            words += 1;
        }
    }
    has_year && words <= 2
}

/// Text that is mostly links is navigation or a teaser ("Read more: …"), not prose.
fn is_link_dense(link_bytes: usize, total_bytes: usize) -> bool {
    total_bytes > 0 && link_bytes * 10 > total_bytes * LINK_DENSITY_PERCENT / 10
}

/// Share of link text above which a paragraph or list is dropped.
const LINK_DENSITY_PERCENT: usize = 60;

fn blocks_of_children(node: &NodeRef, depth: usize) -> Vec<Block> {
    let mut walker = Walker::default();
    walker.walk_children(node, depth);
    walker.flush();
    walker.blocks
}

/// Items of a list; a nested list's items follow their parent item.
fn list_items(list: &NodeRef, items: &mut Vec<String>, depth: usize) {
    for child in list.element_children() {
        let name = child.node_name().unwrap_or_default();
        if &*name != "li" {
            continue;
        }
        let mut own = String::new();
        let mut nested = Vec::new();
        let mut inner = child.first_child();
        while let Some(current) = inner {
            match current.node_name().as_deref() {
                Some("ul" | "ol") if depth < MAX_WALK_DEPTH => list_items(&current, &mut nested, depth + 1),
                Some("script" | "style" | "noscript" | "button" | "form") => {}
                Some("br" | "p" | "div") if !own.is_empty() => {
                    own.push('\n');
                    push_collapsed(&mut own, &current.text());
                }
                _ => push_collapsed(&mut own, &current.text()),
            }
            inner = current.next_sibling();
        }
        let own = tidy(&own);
        if !own.is_empty() {
            items.push(own);
        }
        items.append(&mut nested);
    }
}

fn image_block(img: &NodeRef, caption: Option<String>) -> Option<Block> {
    let src = ["src", "data-src", "data-original", "data-lazy-src"]
        .iter()
        .filter_map(|name| img.attr(name))
        .map(|src| src.trim().to_owned())
        .find(|src| !src.is_empty() && !src.starts_with("data:"))
        .or_else(|| {
            img.attr("srcset").and_then(|srcset| {
                srcset.split(',').next().and_then(|first| first.split_whitespace().next()).map(str::to_owned)
            })
        })?;
    // An alt text that is only the image's file name says nothing.
    let alt = img.attr("alt").map(|alt| tidy(&alt)).filter(|alt| !alt.is_empty() && !is_file_name(alt));
    Some(Block::Image { src, alt, caption })
}

fn is_file_name(text: &str) -> bool {
    !text.contains(' ')
        && [".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg"]
            .iter()
            .any(|extension| text.to_ascii_lowercase().ends_with(extension))
}

fn code_language(pre: &NodeRef) -> Option<String> {
    let code = first_descendant(pre, "code");
    [Some(*pre), code]
        .into_iter()
        .flatten()
        .filter_map(|node| node.attr("class"))
        .flat_map(|class| {
            class
                .split_whitespace()
                .filter_map(|class| {
                    class.strip_prefix("language-").or_else(|| class.strip_prefix("lang-")).map(str::to_owned)
                })
                .collect::<Vec<_>>()
        })
        .find(|language| !language.is_empty())
}

fn first_descendant<'a>(node: &NodeRef<'a>, name: &str) -> Option<NodeRef<'a>> {
    node.descendants_it().find(|descendant| descendant.node_name().as_deref() == Some(name))
}

fn descendants_named<'a>(node: &NodeRef<'a>, name: &str, _depth: usize) -> Vec<NodeRef<'a>> {
    node.descendants_it().filter(|descendant| descendant.node_name().as_deref() == Some(name)).collect()
}

/// The text of an element as one line of prose (`<br>` kept as a newline).
fn inline_text(node: &NodeRef) -> String {
    let mut out = String::new();
    for descendant in node.descendants_it() {
        if descendant.is_text() {
            let skipped = descendant.parent().is_some_and(|parent| {
                matches!(parent.node_name().as_deref(), Some("script" | "style" | "noscript" | "button"))
            });
            if !skipped {
                push_collapsed(&mut out, &descendant.text());
            }
        } else if descendant.node_name().as_deref() == Some("br") {
            out.push('\n');
        }
    }
    tidy(&out)
}

/// Appends `text` with every run of whitespace folded to one space.
fn push_collapsed(out: &mut String, text: &str) {
    let mut pending_space = text.starts_with(char::is_whitespace);
    for word in text.split_whitespace() {
        if pending_space && !out.is_empty() && !out.ends_with([' ', '\n']) {
            out.push(' ');
        }
        out.push_str(word);
        pending_space = true;
    }
    if text.ends_with(char::is_whitespace) && !out.is_empty() && !out.ends_with([' ', '\n']) {
        out.push(' ');
    }
}

/// Trims every line and drops empty ones.
fn tidy(text: &str) -> String {
    let mut out = String::new();
    for line in text.split('\n') {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(html: &str) -> Vec<Block> {
        let document = dom_query::Document::fragment(html);
        blocks_of(&document.root())
    }

    #[test]
    fn every_kind_of_block_is_typed() {
        let got = blocks(
            "<h2>Section</h2><p>One <b>bold</b> word.<br>Next line.</p>\
             <ul><li>first</li><li>second<ul><li>nested</li></ul></li></ul>\
             <blockquote cite='https://example.org'><p>Said.</p></blockquote>\
             <figure><img src='a.jpg' alt='A'><figcaption>The caption</figcaption></figure>\
             <pre><code class='language-rust'>fn main() {}</code></pre><hr>",
        );
        assert_eq!(
            got,
            vec![
                Block::Heading { level: 2, text: "Section".into() },
                Block::Paragraph { text: "One bold word.\nNext line.".into() },
                Block::List { ordered: false, items: vec!["first".into(), "second".into(), "nested".into()] },
                Block::Quote { text: "Said.".into(), cite: Some("https://example.org".into()) },
                Block::Image {
                    src: "a.jpg".into(),
                    alt: Some("A".into()),
                    caption: Some("The caption".into())
                },
                Block::Code { text: "fn main() {}".into(), language: Some("rust".into()) },
                Block::Rule,
            ]
        );
    }

    #[test]
    fn credits_and_pointers_are_not_paragraphs() {
        let got = blocks(
            "<p>The storm reached the coast on Tuesday night.</p><p>Foto: Jan Meier</p>\
             <p>Read more: <a href=x>Storms of the decade</a></p><p>Lesen Sie auch</p>\
             <figure><img src=a.jpg><figcaption>Photo: Getty</figcaption></figure>",
        );
        assert_eq!(
            got,
            vec![
                Block::Paragraph { text: "The storm reached the coast on Tuesday night.".into() },
                Block::Image { src: "a.jpg".into(), alt: None, caption: None },
            ]
        );
    }

    #[test]
    fn headings_and_lead_ins_that_introduce_nothing_are_dropped() {
        let mut got = blocks(
            "<h2>Harbour</h2><p>The harbour reopened on Thursday.</p>\
             <h2>Read next</h2><h3>Also popular</h3><h2>Repairs</h2><h3>The wall</h3>\
             <p>The sea wall was breached in two places.</p>\
             <h4>The storm was the worst in a decade.</h4>\
             <p>More on this:</p><h2>Related stories</h2>",
        );
        drop_empty_sections(&mut got);
        let texts: Vec<String> = got.iter().map(Block::text).collect();
        assert_eq!(
            texts,
            [
                "Harbour",
                "The harbour reopened on Thursday.",
                "Repairs",
                "The wall",
                "The sea wall was breached in two places.",
                "The storm was the worst in a decade.",
            ]
        );
    }

    #[test]
    fn a_line_that_only_dates_the_article_is_not_a_paragraph() {
        for dateline in ["23.10.2018", "7. oktober 2020", "Aktualisiert: 11.04.2020, 10:27", "March 3, 2021"]
        {
            assert!(is_dateline(dateline), "{dateline}");
        }
        for text in ["+81 158-23-2012", "Seit 2015 baut die Stadt Radwege.", "286,35 €", "Tel. 0863/91131"]
        {
            assert!(!is_dateline(text), "{text}");
        }
    }

    #[test]
    fn loose_text_in_divs_becomes_paragraphs() {
        let got = blocks("<div>Loose text<div>inner</div>tail</div>");
        let texts: Vec<String> = got.iter().map(Block::text).collect();
        assert_eq!(texts, ["Loose text", "inner", "tail"]);
    }
}
