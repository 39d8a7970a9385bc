//! Sections beside the article container. Readability scoring keeps one container
//! (and the siblings it scores close to it), so an article split across sibling
//! sections — a standfirst set apart from the text, a recipe's ingredients beside its
//! steps, a report continued after an inline box — loses the sections it did not
//! pick. The sections next to the container, and next to its parents up to
//! [`LEVELS`] levels up, that are mostly prose with few links are added before or
//! after the article, in document order.
//!
//! dom_smoothie leaves the article (`#readability-page-1`) in its top candidate's
//! parent, and the rest of the page where it was: the container's siblings are the
//! article node's siblings and its parents' siblings. Node ids follow the order of
//! parsing, which places each section before or after the article.

use dom_query::{NodeId, NodeRef};

use crate::model::Block;

use super::{blocks, boilerplate};

/// How many levels above the article's own parent are searched for sections.
const LEVELS: usize = 2;

/// The least text a section needs, in characters, and the least prose (paragraphs,
/// lists, quotes) among its blocks.
const MIN_CHARS: usize = 150;

/// The greatest share of a section's text that may be link text.
const MAX_LINK_SHARE: f64 = 0.15;

/// A section shorter than this that opens with the author's name is the author's box.
const MAX_BIO_CHARS: usize = 600;

/// Words in a class or id that name what stands beside an article rather than
/// continuing it: the author's box, calls to action, contact and e-mail boxes,
/// notes and footers, pop-overs, trending lists.
const BESIDE: &[&str] = &[
    "author", "bio", "profile", "email", "opt-in", "contact", "cta", "about", "foot", "popover", "trending",
    "note",
];

/// Words in a section's opening line that announce other articles, comments or the
/// author rather than more of the article.
const POINTERS: &[&str] = &[
    "related",
    "more from",
    "more stories",
    "most read",
    "most popular",
    "you may also",
    "you might also",
    "recommended",
    "comment",
    "about the author",
    "ähnliche",
    "neueste",
    "weitere artikel",
    "weitere beiträge",
    "mehr zum thema",
    "mehr zu",
    "das könnte",
    "auch interessant",
    "meistgelesen",
    "kommentar",
    "über den autor",
    "autor:in",
    "autorin",
    "autoren",
    "comentario",
    "relacionad",
    "más noticias",
    "à lire",
    "articles liés",
    "voir aussi",
];

/// Blocks of the sections found before and after `article` (dom_smoothie's
/// `#readability-page-1`); `authors` are the document's, to tell an author's box.
pub(crate) fn around(article: &NodeRef, authors: &[String]) -> (Vec<Block>, Vec<Block>) {
    let Some(start) = first_parsed_id(article) else {
        return (Vec::new(), Vec::new());
    };
    let mut sections: Vec<(NodeId, NodeRef)> = Vec::new();
    let mut inner = *article;
    for _ in 0..=LEVELS {
        let Some(parent) = inner.parent() else {
            break;
        };
        if !parent.is_element() || parent.has_name("html") {
            break;
        }
        for sibling in parent.element_children() {
            if sibling.id != inner.id
                && let Some(key) = first_parsed_id(&sibling)
            {
                sections.push((key, sibling));
            }
        }
        if parent.has_name("body") {
            break;
        }
        inner = parent;
    }
    sections.sort_by_key(|(key, _)| *key);
    let mut before = Vec::new();
    let mut after = Vec::new();
    for (key, section) in sections {
        if let Some(mut found) = section_blocks(&section, authors) {
            if key < start {
                before.append(&mut found);
            } else {
                after.append(&mut found);
            }
        }
    }
    (before, after)
}

/// The blocks of a section worth adding to the article: enough prose, few links,
/// and nothing that says it is a box beside the article.
fn section_blocks(section: &NodeRef, authors: &[String]) -> Option<Vec<Block>> {
    // A page's or article's header (site name, headline, byline), a form, a lone
    // figure or link are not a continuation of the text.
    let name = section.node_name()?;
    if matches!(&*name, "header" | "form" | "figure" | "a") {
        return None;
    }
    let class = section.attr("class");
    let id = section.attr("id");
    if boilerplate::names_boilerplate(class.as_deref(), id.as_deref()) {
        return None;
    }
    let names = format!("{} {}", class.as_deref().unwrap_or_default(), id.as_deref().unwrap_or_default())
        .to_ascii_lowercase();
    if BESIDE.iter().any(|word| names.contains(word)) {
        return None;
    }
    // Comment, rating and sign-up boxes keep their form and labels.
    if section
        .descendants_it()
        .any(|node| node.has_name("form") || node.has_name("label") || node.has_name("fieldset"))
    {
        return None;
    }
    let (text, links) = text_and_links(section);
    if text < MIN_CHARS || links as f64 > MAX_LINK_SHARE * text as f64 {
        return None;
    }
    let found = blocks::blocks_of(section);
    let prose: usize = found
        .iter()
        .filter(|block| matches!(block, Block::Paragraph { .. } | Block::List { .. } | Block::Quote { .. }))
        .map(|block| block.text().chars().count())
        .sum();
    if prose < MIN_CHARS {
        return None;
    }
    // "Related stories", "Kommentare", "Über den Autor" and the like.
    let opening = found.first().map(Block::text).unwrap_or_default().to_lowercase();
    if opening.chars().count() <= 80 && POINTERS.iter().any(|word| opening.contains(word)) {
        return None;
    }
    let mentions = |word: &str| found.iter().any(|block| block.text().to_lowercase().contains(word));
    // A short section about cookies is the consent notice.
    if text < MAX_BIO_CHARS && mentions("cookie") {
        return None;
    }
    // A picture with a few lines is the picture's caption.
    if text < 2 * MIN_CHARS
        && section.descendants_it().any(|node| node.has_name("img") || node.has_name("picture"))
    {
        return None;
    }
    // "Erin Cunningham is an Egypt-based correspondent for The Post."
    if text < MAX_BIO_CHARS {
        let opening: String = found
            .iter()
            .find(|block| matches!(block, Block::Paragraph { .. }))
            .map(Block::text)
            .unwrap_or_default()
            .chars()
            .take(40)
            .collect();
        let names_an_author = authors
            .iter()
            .flat_map(|author| author.split_whitespace())
            .filter(|name| name.chars().count() >= 3)
            .any(|name| opening.contains(name));
        if names_an_author {
            return None;
        }
    }
    Some(found)
}

/// Characters of text under `node` (words and the spaces between them), and how
/// many of them are link text. html5ever never nests links, so link texts do not
/// overlap.
fn text_and_links(node: &NodeRef) -> (usize, usize) {
    let count = |text: &str| text.split_whitespace().map(|word| word.chars().count() + 1).sum::<usize>();
    let mut text = 0;
    let mut links = 0;
    for descendant in node.descendants_it() {
        if descendant.is_text() {
            text += count(&descendant.text());
        } else if descendant.has_name("a") {
            links += count(&descendant.text());
        }
    }
    (text, links.min(text))
}

/// The smallest id among `node` and its descendants: ids follow the order of
/// parsing, so this places a section that dom_smoothie moved or wrapped.
fn first_parsed_id(node: &NodeRef) -> Option<NodeId> {
    std::iter::once(*node).chain(node.descendants_it()).map(|node| node.id).min()
}
