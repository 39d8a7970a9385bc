//! Removal of what surrounds an article on a news page before the article is
//! looked for: navigation, comments, share widgets, related-article lists,
//! newsletter boxes, cookie notices, ads and hidden elements.
//!
//! Readability scoring alone keeps much of this when it sits inside the article's
//! container (a share bar between paragraphs, a "read more" box, the comments under
//! the text); removing it first is what lifts precision on trafilatura-eval (see
//! `docs/extraction.md`).

use std::borrow::Cow;
use std::sync::OnceLock;

use dom_query::{Document as Dom, NodeData, NodeRef, local_name};

use crate::fast_map::FastMap;

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
    // The author's box under the article.
    "author-bio",
    "authorbio",
    "author-box",
    "authorbox",
    "author-info",
    "about-author",
    "about-the-author",
    "author-description",
    "entry-author",
    "post-author",
    "author-avatar",
    // A post's filing details ("This entry was posted in …").
    "postmetadata",
    "postmeta",
    "post-meta",
    "entry-meta",
    "entry-utility",
    "entry-footer",
    "entryfooter",
    // Affiliate and advertising disclosures.
    "disclaimer",
    "disclosure",
    "affiliate",
    // Sign-up boxes, links to the next post, "view more" teasers.
    "news-letter",
    "next-post",
    "view-more",
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
    "ratings",
    "teasers",
    "cta",
    "ad",
    "ads",
    "adv",
    "nav",
    "menu",
    "footer",
    "tags",
    "tag",
    "rating",
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

/// Class names, matched whole, that hide an element everywhere.
const HIDDEN: &[&str] = &["hidden", "is-hidden", "visually-hidden"];

/// Class or id names, matched whole, that name the article's own container
/// (WordPress's `hentry`/`type-post`, microformats, common CMS names). They cancel
/// every marker but comments on the same element.
const ARTICLE: &[&str] = &[
    "hentry",
    "h-entry",
    "type-post",
    "entry",
    "entry-content",
    "entry-body",
    "post-content",
    "post-body",
    "article-content",
    "article-body",
    "articlebody",
    "story-body",
    "story-content",
];

/// A match of these in a class or id cancels the weak markers (`content-widget`,
/// `main-menu-offset` on a layout wrapper); `commentary` is an article, not comments.
const KEEP: &[&str] = &["commentary", "article", "content", "main", "story", "post-body", "entry"];

/// Removes boilerplate elements from `dom` in place.
///
/// One walk over the tree gathers every element with its subtree's text length and
/// its boilerplate strength (elements that are never article text — scripts, forms'
/// controls, navigation, hidden elements — are dropped on sight and count no text);
/// a scan of what it gathered then picks the outermost elements to remove. Linear in
/// the tree, whatever the nesting of marked elements.
pub(crate) fn remove(dom: &Dom) {
    let root = dom.root();
    let mut gathered = Gathered::default();
    gathered.walk(&root);
    for node in &gathered.never_text {
        node.remove_from_parent();
    }
    let Some(body) = gathered.body else {
        return;
    };
    let body_chars = gathered.elements[body].text.max(1) as f64;
    let mut doomed = Vec::new();
    let mut index = body + 1;
    let end = gathered.elements[body].end;
    while index < end {
        let element = &gathered.elements[index];
        // A strong marker yields to an element holding most of the text, a weak one
        // to an element holding a fair part of it.
        let max_share = match element.strength {
            Strength::None => None,
            Strength::Weak => Some(0.2),
            Strength::Strong => Some(0.3),
            Strength::Comments => Some(0.8),
        };
        if max_share.is_some_and(|max_share| (element.text as f64) < max_share * body_chars) {
            doomed.push(element.node);
            // Its parts need no check.
            index = element.end;
        } else {
            index += 1;
        }
    }
    for node in doomed {
        node.remove_from_parent();
    }
}

/// An element met by the walk, in document order.
struct Element<'a> {
    node: NodeRef<'a>,
    /// Index just past the element's last descendant in `Gathered::elements`.
    end: usize,
    /// Bytes of trimmed text in the subtree, without what is never text.
    text: usize,
    strength: Strength,
}

#[derive(Default)]
struct Gathered<'a> {
    elements: Vec<Element<'a>>,
    never_text: Vec<NodeRef<'a>>,
    /// Index of `<body>` in `elements`.
    body: Option<usize>,
    /// What each class attribute value met so far names: pages repeat the same few
    /// class lists on hundreds of elements.
    classes: FastMap<Box<str>, Names>,
}

impl<'a> Gathered<'a> {
    /// Depth first without recursion: the tree may be deep.
    fn walk(&mut self, root: &NodeRef<'a>) {
        // Indices in `elements` of the elements whose subtree is being walked.
        let mut open: Vec<usize> = Vec::new();
        let mut next = root.first_child();
        while let Some(node) = next {
            let mut descend = false;
            let is_text = node.query_or(false, |tree_node| match &tree_node.data {
                NodeData::Text { contents } => {
                    if let Some(&parent) = open.last() {
                        self.elements[parent].text += contents.trim().len();
                    }
                    true
                }
                _ => false,
            });
            if !is_text && let Some(element) = node.element_ref() {
                let in_body = self.body.is_some();
                match judge(&element, in_body, &mut self.classes) {
                    Judgement::NeverText => self.never_text.push(node),
                    Judgement::Element(strength) => {
                        if self.body.is_none() && element.name.local == local_name!("body") {
                            self.body = Some(self.elements.len());
                        }
                        open.push(self.elements.len());
                        self.elements.push(Element { node, end: 0, text: 0, strength });
                        descend = true;
                    }
                }
            }
            if descend && let Some(child) = node.first_child() {
                next = Some(child);
                continue;
            }
            if descend {
                self.close(&mut open);
            }
            // Up until a sibling is found, closing the elements left behind.
            let mut current = node;
            next = loop {
                if let Some(sibling) = current.next_sibling() {
                    break Some(sibling);
                }
                match current.parent() {
                    Some(parent) if parent.id != root.id => {
                        self.close(&mut open);
                        current = parent;
                    }
                    _ => break None,
                }
            };
        }
        while !open.is_empty() {
            self.close(&mut open);
        }
    }

    fn close(&mut self, open: &mut Vec<usize>) {
        if let Some(index) = open.pop() {
            self.elements[index].end = self.elements.len();
            let text = self.elements[index].text;
            if let Some(&parent) = open.last() {
                self.elements[parent].text += text;
            }
        }
    }
}

enum Judgement {
    /// Never article text wherever it stands: removed whatever its size.
    NeverText,
    Element(Strength),
}

/// Elements that are never article text: scripts and styles, forms' controls,
/// embedded frames, navigation, asides and footers, landmark roles other than the
/// main one, hidden elements, and comments or author boxes marked up as such.
fn judge(element: &dom_query::Element, in_body: bool, classes: &mut FastMap<Box<str>, Names>) -> Judgement {
    let name = &element.name.local;
    if matches!(
        &**name,
        "nav"
            | "script"
            | "style"
            | "noscript"
            | "template"
            | "iframe"
            | "button"
            | "select"
            | "textarea"
            | "input"
            | "svg"
            | "aside"
            | "footer"
    ) {
        return Judgement::NeverText;
    }
    let mut class = None;
    let mut id = None;
    let mut hidden_by_style = false;
    for attribute in &element.attrs {
        let value: &str = &attribute.value;
        match &*attribute.name.local {
            "hidden" => return Judgement::NeverText,
            "aria-hidden" if value == "true" => return Judgement::NeverText,
            "role"
                if matches!(
                    value,
                    "navigation" | "contentinfo" | "complementary" | "search" | "dialog" | "alert"
                ) =>
            {
                return Judgement::NeverText;
            }
            "itemprop"
                if value.split_ascii_whitespace().any(|word| word == "comment" || word == "author") =>
            {
                return Judgement::NeverText;
            }
            "class" => class = Some(value),
            "id" => id = Some(value),
            "style" => hidden_by_style = is_hidden_style(value),
            _ => {}
        }
    }
    // Only what the body holds is judged by its name; `article`, `main` and top
    // headings always stay.
    if !in_body || matches!(&**name, "body" | "article" | "main" | "h1" | "h2") {
        return Judgement::Element(Strength::None);
    }
    // Class lists are judged once per page (see `Gathered::classes`).
    let mut boilerplate_strength = |class: Option<&str>, id: Option<&str>| {
        let class = class.map_or_else(Names::default, |class| match classes.get(class) {
            Some(names) => *names,
            None => {
                let names = Names::of(class.split_whitespace());
                classes.insert(class.into(), names);
                names
            }
        });
        class.and(Names::of(short_id(id).into_iter())).strength()
    };
    // A paragraph goes only when its name says surely what it is (`author-bio`,
    // `ad-disclosure`, `postmetadata`); layout names on paragraphs say little.
    if &**name == "p" {
        let strength = boilerplate_strength(class, id);
        let strong = strength >= Strength::Strong;
        return Judgement::Element(if strong { strength } else { Strength::None });
    }
    if hidden_by_style {
        return Judgement::Element(Strength::Comments);
    }
    // A form is a box to fill in (a comment, a rating, a newsletter sign-up) unless it
    // wraps most of the page, as ASP.NET pages do.
    if &**name == "form" {
        return Judgement::Element(Strength::Strong.max(boilerplate_strength(class, id)));
    }
    Judgement::Element(boilerplate_strength(class, id))
}

/// `display: none` or `visibility: hidden` in a style attribute.
fn is_hidden_style(style: &str) -> bool {
    let squeezed: String = style
        .chars()
        .filter(|character| *character != ' ')
        .map(|character| character.to_ascii_lowercase())
        .collect();
    squeezed.contains("display:none") || squeezed.contains("visibility:hidden")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
enum Strength {
    #[default]
    None,
    Weak,
    Strong,
    /// Comment threads can outgrow the article they follow.
    Comments,
}

/// Whether a class and id name boilerplate of any strength, whatever the
/// element's size.
pub(crate) fn names_boilerplate(class: Option<&str>, id: Option<&str>) -> bool {
    boilerplate_strength(class, id) != Strength::None
}

/// Whether a class and id name boilerplate, and how surely.
fn boilerplate_strength(class: Option<&str>, id: Option<&str>) -> Strength {
    Names::of(class.into_iter().flat_map(str::split_whitespace).chain(short_id(id))).strength()
}

/// Ids are often made from a heading's words (`sharing-mutable-history`), so an id
/// counts only when it is short.
fn short_id(id: Option<&str>) -> Option<&str> {
    id.filter(|id| id.split(['-', '_']).count() <= 2)
}

/// What a set of class or id names says about an element: the strongest marker
/// among them, and whether one names the article's own container. Each name counts
/// alone, so the sets of a class and an id combine with [`Names::and`].
#[derive(Debug, Clone, Copy, Default)]
struct Names {
    strength: Strength,
    names_the_article: bool,
}

impl Names {
    fn of<'a>(names: impl Iterator<Item = &'a str>) -> Names {
        let mut found = Names::default();
        for name in names {
            found = found.and(Names::of_one(name));
        }
        found
    }

    fn of_one(name: &str) -> Names {
        let mut found = Names::default();
        let lower = if name.bytes().any(|byte| byte.is_ascii_uppercase()) {
            Cow::Owned(name.to_ascii_lowercase())
        } else {
            Cow::Borrowed(name)
        };
        // WordPress's taxonomy classes (`category-der-kommentar`, `tag-social-media`)
        // name the post's topics, not what the element is.
        if lower.starts_with("category-") || lower.starts_with("tag-") {
            return found;
        }
        let Some(name) = what_it_names(&lower) else {
            return found;
        };
        // `hidden-mobile`, `hidden-desktop`, `field--label-hidden`: hidden somewhere
        // or hiding a part; only a plain `hidden` hides the element.
        if HIDDEN.contains(&name) {
            found.strength = Strength::Weak;
            return found;
        }
        if is_article_name(name) {
            found.names_the_article = true;
            return found;
        }
        let markers = Found::in_name(name);
        if markers.commentary {
            return found;
        }
        if markers.comments {
            found.strength = Strength::Comments;
        } else if markers.strong {
            found.strength = Strength::Strong;
        } else if !markers.keep
            && (markers.weak
                || WORDS.contains(&name)
                || name
                    .split(|character: char| !character.is_ascii_alphanumeric())
                    .any(|word| WORDS.contains(&word)))
        {
            found.strength = Strength::Weak;
        }
        found
    }

    fn and(self, other: Names) -> Names {
        Names {
            strength: self.strength.max(other.strength),
            names_the_article: self.names_the_article || other.names_the_article,
        }
    }

    /// The article's own container keeps its other names' modifiers (`entry share`,
    /// `entry-content entry-content-read-more`, WordPress's `hentry tag-…`): they
    /// describe its look or its taxonomy, not boilerplate inside it.
    fn strength(self) -> Strength {
        if self.names_the_article && self.strength < Strength::Comments {
            Strength::None
        } else {
            self.strength
        }
    }
}

/// Which marker lists a (lower-case) class name holds a word of.
#[derive(Default)]
struct Found {
    commentary: bool,
    comments: bool,
    strong: bool,
    weak: bool,
    keep: bool,
}

impl Found {
    /// One pass over the name: at each byte, only the markers starting with that
    /// byte are tried. Markedly cheaper than one substring search per marker, and
    /// this runs for every element with a class.
    fn in_name(name: &str) -> Found {
        static BY_FIRST_BYTE: OnceLock<Vec<Vec<(&'static str, u8)>>> = OnceLock::new();
        const COMMENTARY: u8 = 0;
        const COMMENTS: u8 = 1;
        const STRONG: u8 = 2;
        const WEAK: u8 = 3;
        const KEEPS: u8 = 4;
        let table = BY_FIRST_BYTE.get_or_init(|| {
            let mut table = vec![Vec::new(); 256];
            let lists: [(&[&'static str], u8); 5] = [
                (&["commentary"], COMMENTARY),
                (&["comment", "disqus", "kommentare", "comentario"], COMMENTS),
                (MARKERS, STRONG),
                (WEAK_MARKERS, WEAK),
                (KEEP, KEEPS),
            ];
            for (list, kind) in lists {
                for marker in list {
                    table[usize::from(marker.as_bytes()[0])].push((*marker, kind));
                }
            }
            table
        });
        let mut found = Found::default();
        let bytes = name.as_bytes();
        for start in 0..bytes.len() {
            let rest = &bytes[start..];
            for (marker, kind) in &table[usize::from(rest[0])] {
                // The second byte rules most candidates out before a full comparison.
                let marker = marker.as_bytes();
                if (marker.len() < 2 || rest.get(1) == marker.get(1)) && rest.starts_with(marker) {
                    match *kind {
                        COMMENTARY => found.commentary = true,
                        COMMENTS => found.comments = true,
                        STRONG => found.strong = true,
                        WEAK => found.weak = true,
                        _ => found.keep = true,
                    }
                }
            }
        }
        found
    }
}

/// The part of a class name that says what the element is: a BEM modifier
/// (`TestReport__Section--Ads`, `field--label-hidden`) names a variant, and a page
/// builder's `elementor-widget-text-editor` names the widget's kind (`text-editor`);
/// the builder's own layout names (`elementor-widget-container`) say nothing.
fn what_it_names(name: &str) -> Option<&str> {
    let name = match name.find("--") {
        Some(0) | None => name,
        Some(modifier) => &name[..modifier],
    };
    match name.strip_prefix("elementor-widget") {
        None => Some(name),
        Some("" | "-container" | "-wrap") => None,
        Some(kind) => kind.strip_prefix('-'),
    }
}

/// Whether a class name is one of [`ARTICLE`], whatever its word separators
/// (`entry__content`, `entry_content`, `entry-content`).
fn is_article_name(name: &str) -> bool {
    if name.contains('_') {
        let dashed = name.replace("__", "-").replace('_', "-");
        ARTICLE.contains(&dashed.as_str())
    } else {
        ARTICLE.contains(&name)
    }
}

#[cfg(test)]
fn is_boilerplate(class: Option<&str>, id: Option<&str>) -> bool {
    names_boilerplate(class, id)
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
        // Names with a separator are matched whole too.
        assert!(is_boilerplate(Some("main-box author-box"), None));
        assert!(is_boilerplate(Some("postmetadata alt"), None));
        assert!(is_boilerplate(Some("aawp-disclaimer"), None));
        assert!(is_boilerplate(Some("kommentare"), None));
    }

    #[test]
    fn a_posts_taxonomy_classes_name_its_topics_not_what_it_is() {
        assert!(!is_boilerplate(Some("post hentry category-der-kommentar tag-social-media"), None));
        assert!(!is_boilerplate(Some("story category-comment"), None));
    }

    #[test]
    fn the_article_container_is_not_boilerplate_whatever_else_it_is_called() {
        assert!(!is_boilerplate(Some("entry themeform share"), None));
        assert!(!is_boilerplate(Some("entry-content entry-content-read-more"), None));
        assert!(!is_boilerplate(Some("post hentry tag-cycling tag-city"), None));
        assert!(!is_boilerplate(Some("entry__content steady-paywall-container"), None));
        // Comments stay comments.
        assert!(is_boilerplate(Some("entry comment"), None));
    }

    #[test]
    fn modifiers_and_responsive_visibility_do_not_make_boilerplate() {
        // BEM modifiers name a variant of what the element is.
        assert!(!is_boilerplate(Some("TestReport__Section TestReport__Section--Ads"), None));
        assert!(!is_boilerplate(Some("figure fig--has-shares"), None));
        assert!(is_boilerplate(Some("c-ad--top"), None));
        // Hidden on one kind of screen, or hiding a label: shown elsewhere.
        assert!(!is_boilerplate(Some("field field--label-hidden"), None));
        assert!(!is_boilerplate(Some("panel hidden-mobile"), None));
        assert!(is_boilerplate(Some("hidden"), None));
        // A page builder's widget is judged by its kind.
        assert!(!is_boilerplate(Some("elementor-widget elementor-widget-text-editor"), None));
        assert!(is_boilerplate(Some("elementor-widget elementor-widget-share-buttons"), None));
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

    #[test]
    fn nested_markers_are_judged_against_the_whole_page() {
        let dom = Dom::from(
            "<body><nav>Home News</nav><div class='sidebar'><div class='related'>Other story</div>             <p>Sidebar text</p></div><main><p>Body text of the article, which is long enough to              outweigh the sidebar that stands beside it on the page.</p>             <script>var tracking = 1;</script><div hidden>Hidden note</div></main></body>",
        );
        remove(&dom);
        let text = dom.select("body").text();
        assert!(text.contains("Body text"));
        for gone in ["Home News", "Other story", "Sidebar text", "tracking", "Hidden note"] {
            assert!(!text.contains(gone), "{gone} stayed: {text}");
        }
    }
}
