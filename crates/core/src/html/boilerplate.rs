//! Removal of what surrounds an article on a news page before the article is
//! looked for: navigation, comments, share widgets, related-article lists,
//! newsletter boxes, cookie notices, ads and hidden elements.
//!
//! Readability scoring alone keeps much of this when it sits inside the article's
//! container (a share bar between paragraphs, a "read more" box, the comments under
//! the text); removing it first is what lifts precision on trafilatura-eval (see
//! `docs/extraction.md`).

use dom_query::{Document as Dom, NodeRef};

/// Class or id words that mark boilerplate wherever they appear in a word
/// (`article-comments`, `shareBar`, `cookieConsent`). These are strong: an element
/// so named goes unless it holds most of the page's text.
const MARKERS: &[&str] = &[
    "comment",
    "share",
    "sharing",
    "social",
    "related",
    "newsletter",
    "subscribe",
    "subscription",
    "cookie",
    "consent",
    "gdpr",
    "breadcrumb",
    "advert",
    "sponsor",
    "outbrain",
    "taboola",
    "disqus",
    "recommend",
    "paywall",
    "signup",
    "newsticker",
    "readmore",
    "read-more",
    "more-stories",
    "morestories",
    "also-read",
    "skip-link",
    "skiplink",
    "tagcloud",
    "teaser-list",
];

/// Weaker markers: layout frameworks use them for wrappers too (Blogger puts the
/// post inside `widget Blog`), so an element so named goes only when it holds a
/// small part of the page's text.
const WEAK_MARKERS: &[&str] = &[
    "sidebar",
    "promo",
    "pagination",
    "popular",
    "trending",
    "navbar",
    "navigation",
    "toolbar",
    "widget",
    "banner",
    "masthead",
    "print-only",
];

/// Class or id words that mark boilerplate only as whole words (`ad`, but not
/// `head`/`lead`/`download`); weak like [`WEAK_MARKERS`].
const WORDS: &[&str] = &[
    "ad",
    "ads",
    "adv",
    "nav",
    "menu",
    "footer",
    "tags",
    "tag",
    "rating",
    "hidden",
    "modal",
    "popup",
    "overlay",
    "login",
    "meta",
    "author-box",
    "byline",
    "dateline",
    "credit",
    "copyright",
    "caption-credit",
    "breaking",
];

/// A match of these in a class or id cancels the weak markers (`content-widget`,
/// `main-menu-offset` on a layout wrapper); `commentary` is an article, not comments.
const KEEP: &[&str] = &["commentary", "article", "content", "main", "story", "post-body", "entry"];

/// How many elements are checked: bounds the work on pages with huge trees.
const MAX_CANDIDATES: usize = 200_000;

/// Nodes visited while measuring candidates' text, over the whole page; past it,
/// weak candidates are kept unmeasured. Measuring is linear in the subtree, and
/// nested candidates are measured again, so this is what bounds the pass.
const MEASURE_BUDGET: usize = 1_000_000;

/// Removes boilerplate elements from `dom` in place.
pub(crate) fn remove(dom: &Dom) {
    dom.select(
        "nav, script, style, noscript, template, iframe, button, select, textarea, input, svg, \
         aside, footer, [role=navigation], [role=contentinfo], [role=complementary], \
         [role=search], [role=dialog], [role=alert], [hidden], [aria-hidden=true], \
         [itemprop~=comment], [itemprop~=author]",
    )
    .remove();
    let Some(body) = dom.body() else {
        return;
    };
    let mut unlimited = usize::MAX;
    let body_chars = text_chars(&body, &mut unlimited).max(1);
    let mut budget = MEASURE_BUDGET;
    let mut doomed: Vec<NodeRef> = Vec::new();
    // Depth-first, skipping the inside of whatever is doomed: its parts need no check.
    let mut stack: Vec<NodeRef> = body.children_it(true).filter(NodeRef::is_element).collect();
    let mut visited = 0;
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > MAX_CANDIDATES {
            break;
        }
        let name = node.node_name().unwrap_or_default();
        let protected = matches!(&*name, "article" | "main" | "p" | "h1" | "h2");
        let strength = if protected {
            Strength::None
        } else if node.attr("style").is_some_and(|style| {
            let style = style.to_ascii_lowercase().replace(' ', "");
            style.contains("display:none") || style.contains("visibility:hidden")
        }) {
            Strength::Comments
        } else {
            boilerplate_strength(node.attr("class").as_deref(), node.attr("id").as_deref())
        };
        // A strong marker yields to an element holding most of the text, a weak one
        // to an element holding a fair part of it; past the budget, only strong
        // markers still remove.
        let max_share = match strength {
            Strength::None => None,
            Strength::Weak => Some(0.2),
            Strength::Strong => Some(0.3),
            Strength::Comments => Some(0.8),
        };
        if let Some(max_share) = max_share {
            let doom = if budget > 0 {
                (text_chars(&node, &mut budget) as f64) < max_share * body_chars as f64
            } else {
                strength >= Strength::Strong
            };
            if doom {
                doomed.push(node);
                continue;
            }
        }
        stack.extend(node.children_it(true).filter(NodeRef::is_element));
    }
    for node in doomed {
        node.remove_from_parent();
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Strength {
    None,
    Weak,
    Strong,
    /// Comment threads can outgrow the article they follow.
    Comments,
}

/// Bytes of text under `node`, spending one unit of `budget` per node visited.
fn text_chars(node: &NodeRef, budget: &mut usize) -> usize {
    let mut total = 0;
    for descendant in node.descendants_it() {
        *budget = budget.saturating_sub(1);
        if descendant.is_text() {
            total += descendant.text().trim().len();
        }
    }
    total
}

/// Whether a class and id name boilerplate, and how surely.
fn boilerplate_strength(class: Option<&str>, id: Option<&str>) -> Strength {
    let mut strength = Strength::None;
    // Ids are often made from a heading's words (`sharing-mutable-history`), so an
    // id counts only when it is short.
    let short_id = id.filter(|id| id.split(['-', '_']).count() <= 2);
    for name in class.into_iter().flat_map(str::split_whitespace).chain(short_id) {
        let name = name.to_ascii_lowercase();
        if name.contains("commentary") {
            continue;
        }
        if name.contains("comment") || name.contains("disqus") {
            strength = Strength::Comments;
        } else if MARKERS.iter().any(|marker| name.contains(marker)) {
            strength = strength.max(Strength::Strong);
        } else if !KEEP.iter().any(|keep| name.contains(keep))
            && (WEAK_MARKERS.iter().any(|marker| name.contains(marker))
                || name
                    .split(|character: char| !character.is_ascii_alphanumeric())
                    .any(|word| WORDS.contains(&word)))
        {
            strength = strength.max(Strength::Weak);
        }
    }
    strength
}

#[cfg(test)]
fn is_boilerplate(class: Option<&str>, id: Option<&str>) -> bool {
    boilerplate_strength(class, id) != Strength::None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_match_inside_names_and_words_match_whole() {
        assert!(is_boilerplate(Some("article-comments"), None));
        assert!(is_boilerplate(Some("shareBar"), None));
        assert!(is_boilerplate(None, Some("cookie-consent")));
        assert!(is_boilerplate(Some("ad slot"), None));
        assert!(!is_boilerplate(Some("lead headline download"), None));
        assert!(!is_boilerplate(Some("commentary"), None));
    }

    #[test]
    fn the_article_survives_and_its_surroundings_go() {
        let dom = Dom::from(
            "<body><div class='share-tools'>Share on X</div><article><p>Text of the article, \
             long enough to be most of the page as articles are.</p>\
             <div id='comments'>A comment</div></article>\
             <div class='cookie-banner'>We use cookies</div></body>",
        );
        remove(&dom);
        let text = dom.select("body").text();
        assert!(text.contains("Text of the article"));
        assert!(!text.contains("Share on X"));
        assert!(!text.contains("A comment"));
        assert!(!text.contains("cookies"));
    }
}
