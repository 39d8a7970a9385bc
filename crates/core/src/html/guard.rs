//! Limits that keep HTML parsing bounded on hostile pages, and the plain reading
//! used when a page is past them.
//!
//! html5ever handles any byte sequence, but the tree it builds from 100,000 unclosed
//! `<div>`s is 100,000 levels deep, and readability scoring walks ancestors of every
//! node: quadratic time. A linear pre-scan estimates the nesting first; past the
//! limit, the page is read as text with block tags as paragraph breaks.

use std::borrow::Cow;
use std::ops::Range;

/// Pages are cut to this many bytes of decoded HTML. Real article pages are well
/// below it; inline images (`data:` URLs) are what makes the largest ones large.
pub(crate) const MAX_HTML_BYTES: usize = 16 * 1024 * 1024;

/// Deepest element nesting read as a tree. Real pages stay under a hundred levels;
/// pages that forget to close `<div>`s reach a few hundred.
pub(crate) const MAX_NESTING: usize = 1_000;

/// Elements counted past this are not read as a tree either.
pub(crate) const MAX_ELEMENTS: usize = 400_000;

/// Elements that never hold children, and ones the parser closes implicitly, which
/// therefore do not deepen the tree when left open (`name` is lower case).
fn not_nesting(name: &[u8]) -> bool {
    is_void(name) || matches!(name, b"p" | b"li" | b"td" | b"th" | b"tr" | b"option" | b"dt" | b"dd")
}

/// What the pre-scan found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shape {
    pub max_depth: usize,
    pub elements: usize,
}

/// Estimates nesting depth and element count in one pass over the markup.
pub(crate) fn scan(html: &str) -> Shape {
    scan_into(html, &mut Vec::new())
}

/// The page's shape, and the markup without the code inside `<script>`, `<style>`
/// and inline `<svg>` elements (the elements stay, empty), without comments, and
/// without the `data-*` and event-handler attributes no pass reads (images and
/// embedded media keep theirs). Code and drawings are often half a page's bytes
/// and never article text; the HTML parser tokenises every byte it is given and
/// copies every attribute into the tree, so what it is not given costs nothing.
/// JSON scripts stay whole: JSON-LD is metadata. The content of `<nav>`, `<aside>`
/// and `<footer>` elements is left out too, but for what the metadata pass reads
/// in it (see [`Region`]).
pub(crate) fn scan_without_code(html: &str) -> (Shape, Cow<'_, str>) {
    let mut code = Vec::new();
    let shape = scan_into(html, &mut code);
    if code.is_empty() {
        return (shape, Cow::Borrowed(html));
    }
    let mut kept = String::with_capacity(html.len() - code.iter().map(Range::len).sum::<usize>());
    let mut from = 0;
    for range in code {
        kept.push_str(&html[from..range.start]);
        from = range.end;
    }
    kept.push_str(&html[from..]);
    (shape, Cow::Owned(kept))
}

/// Elements whose every attribute may be read: images and embedded media, whose
/// lazy-loading attributes (`data-src`, `data-lazy-srcset`, …) name the picture.
fn keeps_every_attribute(name: &[u8]) -> bool {
    matches!(
        name,
        b"img" | b"picture" | b"figure" | b"source" | b"video" | b"audio" | b"iframe" | b"embed" | b"object"
    )
}

/// Pushes to `unread` the byte ranges (offset by `offset`) of the attributes in
/// `attributes` — a start tag's bytes after its name, before its `>` — that no pass
/// reads: `data-*` and event handlers (`onclick`). They are a few percent of a
/// page's bytes, and the parser copies every attribute into the tree. The
/// attributes are read as the HTML tokenizer reads them; a quote left open means
/// the `>` that seemed to end the tag is inside a value, and nothing is left out.
fn unread_attributes(attributes: &[u8], offset: usize, unread: &mut Vec<Range<usize>>) {
    let is_space = |byte: u8| matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c');
    let before = unread.len();
    let mut index = 0;
    loop {
        while index < attributes.len() && (is_space(attributes[index]) || attributes[index] == b'/') {
            index += 1;
        }
        if index >= attributes.len() {
            return;
        }
        let start = index;
        // The first byte belongs to the name whatever it is (even `=`).
        index += 1;
        while index < attributes.len()
            && !matches!(attributes[index], b'/' | b'=')
            && !is_space(attributes[index])
        {
            index += 1;
        }
        let name = &attributes[start..index];
        let mut end = index;
        let mut after_name = index;
        while after_name < attributes.len() && is_space(attributes[after_name]) {
            after_name += 1;
        }
        if attributes.get(after_name) == Some(&b'=') {
            let mut value = after_name + 1;
            while value < attributes.len() && is_space(attributes[value]) {
                value += 1;
            }
            end = match attributes.get(value) {
                Some(&quote) if quote == b'"' || quote == b'\'' => {
                    let Some(length) = memchr(quote, &attributes[value + 1..]) else {
                        unread.truncate(before);
                        return;
                    };
                    value + 1 + length + 1
                }
                _ => {
                    let mut value_end = value;
                    while value_end < attributes.len() && !is_space(attributes[value_end]) {
                        value_end += 1;
                    }
                    value_end
                }
            };
            index = end;
        }
        if is_unread_attribute(name) {
            unread.push(offset + start..offset + end);
        }
    }
}

/// `data-*` and `on…` event handlers, in any case.
fn is_unread_attribute(name: &[u8]) -> bool {
    let starts_with =
        |prefix: &[u8]| name.len() > prefix.len() && name[..prefix.len()].eq_ignore_ascii_case(prefix);
    starts_with(b"data-") || (starts_with(b"on") && name[2..].iter().all(u8::is_ascii_alphabetic))
}

/// A tag's name, lower-cased into `buffer` when it fits (every name the scan tells
/// apart is short; longer ones are plain elements and read as empty), after the
/// length of the name as written.
fn tag_name<'b>(tag: &[u8], buffer: &'b mut [u8; 9]) -> (usize, &'b [u8]) {
    let length = tag.iter().position(|byte| !byte.is_ascii_alphanumeric()).unwrap_or(tag.len());
    if length > buffer.len() {
        return (length, &[]);
    }
    buffer[..length].copy_from_slice(&tag[..length]);
    buffer[..length].make_ascii_lowercase();
    (length, &buffer[..length])
}

/// Elements whose content is left out of the markup: navigation, asides and
/// footers are never article text (`boilerplate` removes them whole), yet are a
/// quarter of a news page's markup. What the metadata pass reads in them is kept:
/// see [`Region::start_tag`].
const REGIONS: [&[u8]; 3] = [b"nav", b"aside", b"footer"];

/// An open element of [`REGIONS`], from its start tag to its end tag.
struct Region {
    name: &'static [u8],
    /// Where its content begins: after its start tag.
    start: usize,
    /// How many elements of its name are open, itself included.
    open: usize,
    /// Other elements opened inside it and not yet closed, as far as the scan can tell.
    inner: usize,
    /// The elements inside it that are kept, in order.
    kept: Vec<Range<usize>>,
    /// The kept element being read.
    keeping: Option<Keeping>,
}

/// An element being kept inside a [`Region`].
struct Keeping {
    /// Its name, lower case: `name[..length]`.
    name: [u8; 9],
    length: usize,
    /// Where its start tag begins.
    start: usize,
    /// How many elements of its name are open, itself included.
    open: usize,
}

/// What an end tag did to a [`Region`].
enum RegionEnd {
    Open,
    /// It closed the region, whose content is this range.
    Closed(Range<usize>),
    /// It closes an element opened before the region, which the parser may end
    /// the region with: nothing is left out, as the region's end is unknown.
    Unsure,
}

impl Region {
    /// The region an element named `name` opens, if any; its content begins at `start`.
    fn open(name: &[u8], start: usize) -> Option<Region> {
        let name = REGIONS.into_iter().find(|region| *region == name)?;
        Some(Region { name, start, open: 1, inner: 0, kept: Vec::new(), keeping: None })
    }

    /// A start tag at `tag` inside the region; `attributes` are its bytes after the
    /// name. The metadata pass reads, wherever they stand: `<meta>`, `<link>` and
    /// `<time>` elements, top headings (the title is checked against them), and
    /// elements whose attributes name an author, a byline, a dateline or the date
    /// of publication. Those are kept whole, with their content.
    fn start_tag(&mut self, name: &[u8], tag: Range<usize>, attributes: &[u8]) {
        if name == self.name {
            self.open += 1;
        } else if nests_inside(name) {
            self.inner += 1;
        }
        if let Some(keeping) = &mut self.keeping {
            if name == &keeping.name[..keeping.length] {
                keeping.open += 1;
            }
            return;
        }
        if !matches!(name, b"meta" | b"link" | b"time" | b"h1" | b"h2") && !names_metadata(attributes) {
            return;
        }
        if is_void(name) || name.is_empty() {
            self.kept.push(tag);
        } else {
            let mut keeping = Keeping { name: [0; 9], length: name.len(), start: tag.start, open: 1 };
            keeping.name[..name.len()].copy_from_slice(name);
            self.keeping = Some(keeping);
        }
    }

    /// An end tag named `name` from `tag_start` to `tag_end` inside the region.
    fn end_tag(&mut self, name: &[u8], tag_start: usize, tag_end: usize) -> RegionEnd {
        if let Some(keeping) = &mut self.keeping
            && name == &keeping.name[..keeping.length]
        {
            keeping.open -= 1;
            if keeping.open == 0 {
                self.kept.push(keeping.start..tag_end);
                self.keeping = None;
            }
        }
        if name == self.name {
            self.open -= 1;
            if self.open == 0 {
                // An element kept and left open is kept to the region's end, where
                // the parser closes it.
                if let Some(keeping) = self.keeping.take() {
                    self.kept.push(keeping.start..tag_start);
                }
                return RegionEnd::Closed(self.start..tag_start);
            }
        } else if nests_inside(name) {
            if self.inner == 0 {
                return RegionEnd::Unsure;
            }
            self.inner -= 1;
        }
        RegionEnd::Open
    }

    /// An element inside the region kept whole (a JSON-LD script).
    fn keep(&mut self, element: Range<usize>) {
        if self.keeping.is_none() {
            self.kept.push(element);
        }
    }

    /// Replaces the ranges `code` holds inside `content` with `content` less the
    /// kept elements, which keep their own left-out ranges.
    fn leave_out(&self, content: Range<usize>, code: &mut Vec<Range<usize>>) {
        let split = code.partition_point(|range| range.start < content.start);
        let inside = code.split_off(split);
        let mut from = content.start;
        let mut inside = inside.into_iter().peekable();
        for kept in &self.kept {
            if kept.start > from {
                code.push(from..kept.start);
            }
            while let Some(range) = inside.next_if(|range| range.start < kept.end) {
                if range.start >= kept.start && range.end <= kept.end {
                    code.push(range);
                }
            }
            from = from.max(kept.end);
        }
        if content.end > from {
            code.push(from..content.end);
        }
    }
}

/// Elements whose end tag [`Region`] matches with a start tag inside it. Those
/// of list items and table cells count too, although their end tags may be left
/// out: such an end tag with no start inside may close the region, as the parser
/// ends every element opened after the item or cell it closes.
fn nests_inside(name: &[u8]) -> bool {
    matches!(name, b"li" | b"td" | b"th" | b"tr" | b"dt" | b"dd") || !not_nesting(name)
}

/// Elements that are never open: they hold nothing (`name` is lower case).
fn is_void(name: &[u8]) -> bool {
    matches!(
        name,
        b"area"
            | b"base"
            | b"br"
            | b"col"
            | b"embed"
            | b"hr"
            | b"img"
            | b"input"
            | b"link"
            | b"meta"
            | b"source"
            | b"track"
            | b"wbr"
            | b"param"
            | b"keygen"
    )
}

/// Whether a start tag's attributes hold, in any case and anywhere, a word the
/// metadata pass looks for: `author`, `byline`, `dateline`, `writtenby` or
/// `datepublished`. One pass; each candidate is told by its first letter.
fn names_metadata(attributes: &[u8]) -> bool {
    let at = |index: usize, word: &[u8]| {
        attributes.get(index..index + word.len()).is_some_and(|window| window.eq_ignore_ascii_case(word))
    };
    (0..attributes.len()).any(|index| match attributes[index] | 0x20 {
        b'a' => at(index, b"author"),
        b'b' => at(index, b"byline"),
        b'd' => at(index, b"dateline") || at(index, b"datepublished"),
        b'w' => at(index, b"writtenby"),
        _ => false,
    })
}

/// The scan; the byte ranges of script and style code, comments and unread
/// attributes that can be left out are pushed to `code`.
fn scan_into(html: &str, code: &mut Vec<Range<usize>>) -> Shape {
    let bytes = html.as_bytes();
    let mut depth: usize = 0;
    let mut shape = Shape { max_depth: 0, elements: 0 };
    let mut index = 0;
    // Where the text of an element whose content is not markup ends.
    let mut verbatim_until = 0;
    // The `<nav>`, `<aside>` or `<footer>` being read, whose content is left out.
    let mut region: Option<Region> = None;
    while let Some(offset) = memchr(b'<', &bytes[index..]) {
        index += offset + 1;
        let rest = &bytes[index..];
        if rest.starts_with(b"!--") {
            let Some(end) = find(rest, b"-->") else {
                index = bytes.len();
                continue;
            };
            // A comment is read by nothing; the text around it reads the same
            // without it. One that `--!>` ends earlier for the parser is left whole.
            if index >= verbatim_until && find(&rest[..end], b"--!>").is_none() {
                code.push(index - 1..index + end + 3);
            }
            index += end + 3;
            continue;
        }
        let mut buffer = [0u8; 9];
        if let Some(closing) = rest.strip_prefix(b"/") {
            depth = depth.saturating_sub(1);
            if index >= verbatim_until
                && let Some(open) = &mut region
            {
                let name = tag_name(closing, &mut buffer).1;
                let tag_end = memchr(b'>', rest).map_or(bytes.len(), |end| index + end + 1);
                match open.end_tag(name, index - 1, tag_end) {
                    RegionEnd::Open => {}
                    RegionEnd::Closed(content) => {
                        open.leave_out(content, code);
                        region = None;
                    }
                    RegionEnd::Unsure => region = None,
                }
            }
            continue;
        }
        let (name_length, name) = tag_name(rest, &mut buffer);
        if name_length == 0 {
            continue;
        }
        shape.elements += 1;
        let tag_end = memchr(b'>', rest).unwrap_or(rest.len());
        let self_closing = tag_end > 0 && rest[tag_end - 1] == b'/';
        if index >= verbatim_until && tag_end < rest.len() {
            let tag = index - 1..index + tag_end + 1;
            match &mut region {
                Some(open) => open.start_tag(name, tag, &rest[name_length..tag_end]),
                None => region = Region::open(name, tag.end),
            }
        }
        if index >= verbatim_until
            && rest[0].is_ascii_alphabetic()
            && tag_end < rest.len()
            && !keeps_every_attribute(name)
        {
            unread_attributes(&rest[name_length..tag_end], index + name_length, code);
        }
        // The content of these is text to the parser in most places (`<noscript>`
        // too, with scripting on, as pages are parsed): nothing in it is left out.
        // Its tags still count towards the shape, as they would be elements where
        // the parser reads them as markup (inside `<math>`). Searched for only
        // outside such text, so that the searches cover each byte once at most.
        let content = index + tag_end.min(rest.len());
        let close = |closing: &[u8]| {
            find_ignore_case(&bytes[content..], closing).map_or(bytes.len(), |close| content + close)
        };
        let verbatim_end = if index < verbatim_until {
            None
        } else {
            match name {
                b"xmp" => Some(close(b"</xmp")),
                b"iframe" => Some(close(b"</iframe")),
                b"noembed" => Some(close(b"</noembed")),
                b"noframes" => Some(close(b"</noframes")),
                b"noscript" => Some(close(b"</noscript")),
                // Nothing closes it.
                b"plaintext" => Some(bytes.len()),
                _ => None,
            }
        };
        if let Some(end) = verbatim_end {
            verbatim_until = end;
        }
        let closing: Option<&[u8]> = match name {
            b"script" => Some(b"</script"),
            b"style" => Some(b"</style"),
            b"textarea" => Some(b"</textarea"),
            b"title" => Some(b"</title"),
            // `<svg/>` closes itself (foreign elements may); `<script/>` does not.
            b"svg" if !self_closing => Some(b"</svg"),
            _ => None,
        };
        if let Some(closing) = closing {
            let lower_search = &rest[tag_end.min(rest.len())..];
            let close = find_ignore_case(lower_search, closing);
            // The code between the tag's `>` and its closing tag. A script holding
            // `<!--` may hide its closing tag from the parser (the HTML standard's
            // escaped script states): such a script is left whole.
            if let Some(close) = close
                && matches!(name, b"script" | b"style" | b"svg")
                && close > 1
            {
                let start = index + tag_end + 1;
                let end = index + tag_end + close;
                let content = &bytes[start..end];
                let tag = &rest[..tag_end];
                let is_json = find_ignore_case(tag, b"json").is_some();
                let escapes = name == b"script" && find(content, b"<!--").is_some();
                if !is_json && !escapes {
                    code.push(start..end);
                }
                // JSON-LD is metadata wherever it stands.
                if is_json && let Some(open) = &mut region {
                    let element_end = memchr(b'>', &bytes[end..]).map_or(bytes.len(), |at| end + at + 1);
                    open.keep(index - 1..element_end);
                }
            }
            index += tag_end + close.unwrap_or(lower_search.len());
            continue;
        }
        if !self_closing && !not_nesting(name) {
            depth += 1;
            shape.max_depth = shape.max_depth.max(depth);
        }
        index += tag_end.min(rest.len());
    }
    shape
}

/// The page's text without its markup: block-level tags and `<br>` end paragraphs,
/// scripts and styles are dropped, the common entities are decoded. Linear in the
/// input and needs no tree.
pub(crate) fn flat_paragraphs(html: &str) -> Vec<String> {
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    let mut rest = html;
    while !rest.is_empty() {
        match rest.find('<') {
            None => {
                push_text(&mut current, rest);
                break;
            }
            Some(start) => {
                push_text(&mut current, &rest[..start]);
                rest = &rest[start..];
                if rest.starts_with("<!--") {
                    rest = rest.find("-->").map_or("", |end| &rest[end + 3..]);
                    continue;
                }
                let end = rest.find('>').map_or(rest.len(), |end| end + 1);
                let tag = &rest[1..end.saturating_sub(1).max(1)];
                let name: String = tag
                    .trim_start_matches('/')
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .collect::<String>()
                    .to_ascii_lowercase();
                rest = &rest[end..];
                if matches!(name.as_str(), "script" | "style") && !tag.starts_with('/') {
                    let closing = format!("</{name}");
                    rest =
                        find_ignore_case(rest.as_bytes(), closing.as_bytes()).map_or("", |end| &rest[end..]);
                    continue;
                }
                if is_block(&name) {
                    finish(&mut paragraphs, &mut current);
                }
            }
        }
    }
    finish(&mut paragraphs, &mut current);
    paragraphs
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "br"
            | "li"
            | "ul"
            | "ol"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
            | "pre"
            | "section"
            | "article"
            | "table"
            | "tr"
            | "td"
            | "th"
            | "header"
            | "footer"
            | "main"
            | "aside"
            | "nav"
            | "figure"
            | "figcaption"
            | "hr"
            | "body"
            | "html"
            | "dl"
            | "dt"
            | "dd"
    )
}

fn push_text(current: &mut String, text: &str) {
    for word in text.split_whitespace() {
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
}

fn finish(paragraphs: &mut Vec<String>, current: &mut String) {
    if !current.is_empty() {
        paragraphs.push(super::decode_basic_entities(current));
        current.clear();
    }
}

/// The first position of `needle` in `haystack`, eight bytes at a time: this search
/// runs over every byte of the page, twice for most of them.
fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let repeated = ONES * u64::from(needle);
    let mut start = 0;
    for chunk in haystack.chunks_exact(8) {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        // A zero byte in `word ^ repeated` is a match (the classic "has zero byte"
        // test: it never reports a chunk without one).
        let difference = u64::from_ne_bytes(word) ^ repeated;
        if difference.wrapping_sub(ONES) & !difference & HIGHS != 0 {
            break;
        }
        start += 8;
    }
    haystack[start..].iter().position(|byte| *byte == needle).map(|offset| start + offset)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    find_by(haystack, needle, |left, right| left == right)
}

fn find_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    find_by(haystack, needle, <[u8]>::eq_ignore_ascii_case)
}

/// The first position of `needle` in `haystack` by `equal`; candidates are found by
/// the needle's first byte, which for every needle here is punctuation (`<`, `-`).
fn find_by(haystack: &[u8], needle: &[u8], equal: impl Fn(&[u8], &[u8]) -> bool) -> Option<usize> {
    let (&first, _) = needle.split_first()?;
    let mut start = 0;
    while let Some(offset) = memchr(first, haystack.get(start..)?) {
        let candidate = start + offset;
        let window = haystack.get(candidate..candidate + needle.len())?;
        if equal(window, needle) {
            return Some(candidate);
        }
        start = candidate + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unclosed_paragraphs_do_not_count_as_nesting() {
        let shape = scan("<div><p>one<p>two<p>three<br><img src=x></div>");
        assert_eq!(shape.max_depth, 1);
        assert_eq!(shape.elements, 6);
    }

    #[test]
    fn script_contents_are_not_tags() {
        let shape = scan("<script>if (a <b) { '<div><div>' }</script><div></div>");
        assert_eq!(shape.max_depth, 1);
    }

    #[test]
    fn code_is_left_out_of_the_markup_and_json_ld_is_kept() {
        let page = "<head><script>let a = '<p>';</script><STYLE>p { color: red }</STYLE>\
                    <script type=\"application/ld+json\">{\"@type\": \"NewsArticle\"}</script></head>\
                    <body><svg viewBox='0 0 1 1'><path d='M0'/></svg><svg/><p>Text</p>\
                    <script>document.write('<!--<script>x</script>-->')</script></body>";
        let (shape, markup) = scan_without_code(page);
        assert_eq!(
            markup,
            "<head><script></script><STYLE></STYLE>\
             <script type=\"application/ld+json\">{\"@type\": \"NewsArticle\"}</script></head>\
             <body><svg viewBox='0 0 1 1'></svg><svg/><p>Text</p>\
             <script>document.write('<!--<script>x</script>-->')</script></body>"
        );
        assert_eq!(shape, scan(page));
        let plain = "<p>No code here</p>";
        assert!(matches!(scan_without_code(plain).1, Cow::Borrowed(_)));
    }

    #[test]
    fn comments_and_unread_attributes_are_left_out_of_the_markup() {
        let page = "<div class=a data-id=\"7\" onclick='go()' DATA-X = y id=b>One<!-- note --> two</div>\
                    <img src=x data-src=\"y.jpg\"><a href=\"/\"data-track=1>link</a><p data-empty>end</p>";
        let (_, markup) = scan_without_code(page);
        assert_eq!(
            markup,
            "<div class=a    id=b>One two</div><img src=x data-src=\"y.jpg\"><a href=\"/\">link</a><p >end</p>"
        );
    }

    #[test]
    fn markup_that_is_not_what_it_seems_is_kept() {
        // A `>` inside a quoted value: the tag is not read past it.
        let quoted = "<a title=\"1 > 0\" data-x=1>text</a>";
        assert_eq!(scan_without_code(quoted).1, quoted);
        // A comment the parser ends at `--!>`.
        let bang = "<p>a<!-- x --!> b --></p>";
        assert_eq!(scan_without_code(bang).1, bang);
        // The content of `<xmp>`, `<noscript>` and `<plaintext>` is text.
        let verbatim =
            "<xmp><b data-x=1><!-- c --></xmp><noscript><p data-y=2></noscript><plaintext><i data-z>";
        assert_eq!(scan_without_code(verbatim).1, verbatim);
    }

    #[test]
    fn navigation_asides_and_footers_are_left_empty_but_for_their_metadata() {
        let page = "<body><NAV class=menu><ul><li><a href=/>Home</a><li><a href=/sport>Sport</a></ul></NAV>\
                    <h1>Headline</h1><p>Text</p>\
                    <aside><p>Related <b>stories</b></p><nav>a</nav><aside>b</aside>\
                    <p>By <span class=\"byline\"><a rel=author href=/jane>Jane</a></span>\
                    on <time datetime=2024-04-02>2 April</time></p><!-- x --><meta itemprop=x content=y>\
                    <script type=\"application/ld+json\">{\"@type\": \"NewsArticle\"}</script>\
                    <script>track()</script></aside><p>More</p><footer data-x=1>© Outlet <h2>Site</h2></footer>";
        let (shape, markup) = scan_without_code(page);
        assert_eq!(
            markup,
            "<body><NAV class=menu></NAV><h1>Headline</h1><p>Text</p>\
             <aside><span class=\"byline\"><a rel=author href=/jane>Jane</a></span>\
             <time datetime=2024-04-02>2 April</time><meta itemprop=x content=y>\
             <script type=\"application/ld+json\">{\"@type\": \"NewsArticle\"}</script></aside>\
             <p>More</p><footer ><h2>Site</h2></footer>"
        );
        // The shape is the whole page's.
        assert_eq!(shape, scan(page));
    }

    #[test]
    fn a_navigation_whose_end_is_unsure_is_kept_whole() {
        // The parser ends the `<nav>` at the `</div>` or `</li>` that closes an element
        // opened before it: what follows is the page's, not the navigation's.
        for page in [
            "<div><nav><a>Home</a></div><p>Article text</p></nav>",
            "<ul><li><nav><a>Home</a></li><p>Article text</p></nav></ul>",
            // Never closed.
            "<nav><a>Home</a><p>Article text</p>",
            "<nav><nav><a>Home</a></nav><p>Article text</p>",
        ] {
            assert_eq!(scan_without_code(page).1, page);
        }
        // End tags the parser does not read as tags do not end it.
        let page = "<nav><script>'</nav>'</script><noscript></nav></noscript><!-- </nav> -->a</nav>b";
        assert_eq!(scan_without_code(page).1, "<nav></nav>b");
    }

    #[test]
    fn tags_inside_text_elements_still_count_towards_nesting() {
        // Inside `<math>`, `<noscript>` is an element and the `<div>`s nest.
        let page = format!("<math><noscript>{}", "<div>".repeat(50));
        assert_eq!(scan(&page).max_depth, 52);
    }

    #[test]
    fn memchr_finds_the_first_match_anywhere() {
        for length in 0..40 {
            let mut haystack = vec![b'a'; length];
            assert_eq!(memchr(b'<', &haystack), None);
            for position in 0..length {
                haystack[position] = b'<';
                assert_eq!(memchr(b'<', &haystack), Some(position));
                haystack[position] = 0xbc;
                assert_eq!(memchr(b'<', &haystack), None);
                haystack[position] = b'a';
            }
        }
        assert_eq!(memchr(b'<', b"\x01\x3d<<\xff\xff\xff\xff<"), Some(2));
    }

    #[test]
    fn flat_reading_breaks_at_blocks_and_drops_scripts() {
        let paragraphs = flat_paragraphs("<div>One <b>two</b><script>x()</script><p>Three &amp; four");
        assert_eq!(paragraphs, ["One two", "Three & four"]);
    }
}
