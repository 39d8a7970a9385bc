//! A small element tree read from XML (feeds, OPML) with quick-xml, bounded and
//! forgiving: it keeps what was read before a syntax error and says where the error
//! was, so one broken entry at the end of a feed does not cost the ones before it.
//!
//! Names are kept as written (`content:encoded`, `dc:creator`): feeds use the
//! conventional prefixes, and matching on them keeps the tree simple. Entity
//! references XML does not define (`&nbsp;` in feeds written by hand) are kept as
//! written, for the HTML reader that receives such text to decode.

use quick_xml::events::Event;

/// Elements nested deeper than this are skipped: real feeds nest a few levels.
const MAX_DEPTH: usize = 100;
/// Elements kept in one tree; past this the rest of the input is ignored.
const MAX_ELEMENTS: usize = 1_000_000;

#[derive(Debug, Default)]
pub(crate) struct Element {
    /// The qualified name as written, lowercased (`content:encoded`).
    pub(crate) name: String,
    pub(crate) attributes: Vec<(String, String)>,
    pub(crate) children: Vec<Node>,
    /// Whether the element ended (by its end tag, an enclosing one, or `/>`) rather
    /// than being cut off by the end of the input or an error.
    pub(crate) ended: bool,
}

#[derive(Debug)]
pub(crate) enum Node {
    Element(Element),
    Text(String),
}

/// The tree, and why reading stopped early (with the 1-based line) when it did.
#[derive(Debug)]
pub(crate) struct Tree {
    pub(crate) root: Element,
    pub(crate) error: Option<(usize, String)>,
}

impl Element {
    /// The name without its prefix (`encoded` for `content:encoded`).
    pub(crate) fn local_name(&self) -> &str {
        self.name.rsplit_once(':').map_or(self.name.as_str(), |(_, local)| local)
    }

    pub(crate) fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|node| match node {
            Node::Element(element) => Some(element),
            Node::Text(_) => None,
        })
    }

    /// The first child element with this qualified name.
    pub(crate) fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|element| element.name == name)
    }

    /// Child elements with this qualified name.
    pub(crate) fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.elements().filter(move |element| element.name == name)
    }

    /// The trimmed text of the first child with this name, when it has some.
    pub(crate) fn child_text(&self, name: &str) -> Option<String> {
        self.child(name).map(Element::text).filter(|text| !text.is_empty())
    }

    pub(crate) fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    /// All text inside the element, markup dropped, trimmed.
    pub(crate) fn text(&self) -> String {
        let mut text = String::new();
        self.gather_text(&mut text);
        text.trim().to_owned()
    }

    fn gather_text(&self, text: &mut String) {
        for node in &self.children {
            match node {
                Node::Text(part) => text.push_str(part),
                Node::Element(element) => element.gather_text(text),
            }
        }
    }

    /// The element's content written back as markup (for Atom's `type="xhtml"`).
    pub(crate) fn inner_markup(&self) -> String {
        let mut markup = String::new();
        for node in &self.children {
            write_markup(node, &mut markup);
        }
        markup
    }
}

fn write_markup(node: &Node, markup: &mut String) {
    match node {
        Node::Text(text) => markup.push_str(&escape(text)),
        Node::Element(element) => {
            let local = element.local_name();
            markup.push('<');
            markup.push_str(local);
            for (key, value) in &element.attributes {
                if key.starts_with("xmlns") {
                    continue;
                }
                markup.push_str(&format!(" {key}=\"{}\"", escape(value)));
            }
            markup.push('>');
            for child in &element.children {
                write_markup(child, markup);
            }
            markup.push_str(&format!("</{local}>"));
        }
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Reads `input` into a tree under a nameless root. Never fails: a syntax error
/// ends the reading, and `Tree::error` says where.
pub(crate) fn read(input: &str) -> Tree {
    let mut reader = quick_xml::Reader::from_str(input);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.check_comments = false;

    // The open elements; the root stays at the bottom.
    let mut stack: Vec<Element> = vec![Element::default()];
    let mut skipped_depth = 0usize;
    let mut elements = 0usize;
    let mut error = None;
    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(problem) => {
                let offset = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
                error = Some((line_of(input, offset), problem.to_string()));
                break;
            }
        };
        match event {
            Event::Eof => break,
            Event::Start(start) => {
                if skipped_depth > 0 || stack.len() > MAX_DEPTH {
                    skipped_depth += 1;
                    continue;
                }
                elements += 1;
                if elements > MAX_ELEMENTS {
                    error = Some((
                        line_of(input, usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX)),
                        format!("more than {MAX_ELEMENTS} elements; the rest was not read"),
                    ));
                    break;
                }
                stack.push(element_of(&start));
            }
            Event::Empty(start) => {
                if skipped_depth > 0 || stack.len() > MAX_DEPTH {
                    continue;
                }
                elements += 1;
                let element = Element { ended: true, ..element_of(&start) };
                push_node(&mut stack, Node::Element(element));
            }
            Event::End(end) => {
                if skipped_depth > 0 {
                    skipped_depth -= 1;
                    continue;
                }
                let name = end.name().as_ref().to_lowercase();
                // Close up to the matching open element; an end tag that matches
                // nothing open is ignored.
                if let Some(position) = stack.iter().rposition(|open| open.name == name)
                    && position > 0
                {
                    while stack.len() > position {
                        close(&mut stack, true);
                    }
                }
            }
            Event::Text(text) => {
                if skipped_depth == 0 {
                    push_text(&mut stack, &text.xml10_content());
                }
            }
            Event::CData(data) => {
                if skipped_depth == 0 {
                    push_text(&mut stack, &data.xml10_content());
                }
            }
            Event::GeneralRef(reference) => {
                if skipped_depth > 0 {
                    continue;
                }
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(character)) => character.to_string(),
                    _ => {
                        let name = reference.xml10_content();
                        match name.as_ref() {
                            "amp" => "&".to_owned(),
                            "lt" => "<".to_owned(),
                            "gt" => ">".to_owned(),
                            "quot" => "\"".to_owned(),
                            "apos" => "'".to_owned(),
                            other => format!("&{other};"),
                        }
                    }
                };
                push_text(&mut stack, &resolved);
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    while stack.len() > 1 {
        close(&mut stack, false);
    }
    let root = stack.pop().unwrap_or_default();
    Tree { root, error }
}

fn element_of(start: &quick_xml::events::BytesStart<'_>) -> Element {
    let attributes = start
        .html_attributes()
        .filter_map(Result::ok)
        .map(|attribute| {
            let key = attribute.key.as_ref().to_lowercase();
            let value = attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_or_else(|_| attribute.value.to_string(), std::borrow::Cow::into_owned);
            (key, value)
        })
        .collect();
    Element { name: start.name().as_ref().to_lowercase(), attributes, children: Vec::new(), ended: false }
}

fn close(stack: &mut Vec<Element>, ended: bool) {
    if let Some(mut element) = stack.pop() {
        element.ended = ended;
        push_node(stack, Node::Element(element));
    }
}

fn push_node(stack: &mut [Element], node: Node) {
    if let Some(parent) = stack.last_mut() {
        parent.children.push(node);
    }
}

fn push_text(stack: &mut [Element], text: &str) {
    let Some(parent) = stack.last_mut() else {
        return;
    };
    if let Some(Node::Text(last)) = parent.children.last_mut() {
        last.push_str(text);
    } else {
        parent.children.push(Node::Text(text.to_owned()));
    }
}

/// 1-based line of a byte offset.
pub(crate) fn line_of(input: &str, offset: usize) -> usize {
    let end = offset.min(input.len());
    input.as_bytes()[..end].iter().filter(|byte| **byte == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_text_references_and_cdata() {
        let tree =
            read("<rss><item><title>A &amp; B &#233; &nbsp;</title><d><![CDATA[<p>x</p>]]></d></item></rss>");
        let item = tree.root.child("rss").and_then(|rss| rss.child("item")).expect("item");
        assert_eq!(item.child_text("title").as_deref(), Some("A & B é &nbsp;"));
        assert_eq!(item.child_text("d").as_deref(), Some("<p>x</p>"));
        assert!(tree.error.is_none());
    }

    #[test]
    fn keeps_what_came_before_an_error() {
        let tree = read("<feed>\n<entry><title>One</title></entry>\n<entry><title>Two</ti");
        let feed = tree.root.child("feed").expect("feed");
        let ended: Vec<bool> = feed.children_named("entry").map(|entry| entry.ended).collect();
        assert_eq!(ended, [true, false]);
        assert_eq!(tree.error.as_ref().map(|(line, _)| *line), Some(3));
    }

    #[test]
    fn deep_nesting_is_skipped_not_recursed() {
        let input = "<a>".repeat(10_000);
        let tree = read(&input);
        assert!(tree.root.child("a").is_some());
    }

    #[test]
    fn writes_xhtml_content_back() {
        let tree = read("<content type=\"xhtml\"><div xmlns=\"x\"><p>A &lt; <b>b</b></p></div></content>");
        let content = tree.root.child("content").expect("content");
        assert_eq!(content.inner_markup(), "<div><p>A &lt; <b>b</b></p></div>");
    }
}
