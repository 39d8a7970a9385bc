//! Article metadata from the page's head and markup, each field with its origin:
//! JSON-LD (`NewsArticle`, `Article` and kin, also inside `@graph`), OpenGraph,
//! Twitter cards, named `<meta>` tags (author, dates, Dublin Core), `<time>`,
//! bylines in the markup, `<html lang>` and the canonical link.
//!
//! The first source that has a field wins, in the order above, except where a
//! comment says otherwise. Origins are written to `Document.metadata_sources`.

use dom_query::{Document as Dom, NodeRef};
use serde_json::Value;

use crate::date;

/// JSON-LD blocks larger than this are skipped: real ones are a few kilobytes.
const MAX_JSON_LD_BYTES: usize = 512 * 1024;

/// One field's value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sourced<T> {
    pub value: T,
    pub origin: &'static str,
}

#[derive(Debug, Default)]
pub(crate) struct Metadata {
    pub title: Option<Sourced<String>>,
    pub authors: Option<Sourced<Vec<String>>>,
    pub published: Option<Sourced<String>>,
    pub updated: Option<Sourced<String>>,
    pub site: Option<Sourced<String>>,
    pub language: Option<Sourced<String>>,
    pub canonical_url: Option<Sourced<String>>,
    pub description: Option<Sourced<String>>,
    pub image: Option<Sourced<String>>,
    /// Raw `<title>` text, for the heading that repeats the title.
    pub title_tag: Option<String>,
    /// The standfirst under the headline, when the markup names one.
    pub dek: Option<Sourced<String>>,
}

fn set<T>(slot: &mut Option<Sourced<T>>, value: Option<T>, origin: &'static str) {
    if slot.is_none()
        && let Some(value) = value
    {
        *slot = Some(Sourced { value, origin });
    }
}

/// Whether `title` is the site's name, or the name that opens a longer site name
/// ("Aktuálně.cz" for "Aktuálně.cz - Víte, co se právě děje").
fn names_the_site(title: &str, site: &str) -> bool {
    let title = collapse(title).to_lowercase();
    let site = collapse(site).to_lowercase();
    !title.is_empty()
        && (site == title
            || site.strip_prefix(&title).is_some_and(|rest| rest.starts_with([' ', '|', '-', ':', '–', '—'])))
}

/// Reads every metadata source of the page.
///
/// Where sources disagree, the order follows Readability's, which readers and the
/// readability-pages corpus have settled on: JSON-LD, then Dublin Core, then
/// OpenGraph, then plain `<meta>` names, then Twitter cards, then the markup.
pub(crate) fn extract(dom: &Dom) -> Metadata {
    let mut metadata = Metadata::default();
    let page = Gathered::read(dom);
    let meta = MetaTags::read(&page.metas);
    let title_tag = page.title.as_ref().map(|node| collapse(&node.text())).filter(|title| !title.is_empty());
    let json_ld = JsonLd::read(&page.json_ld, title_tag.as_deref());
    metadata.title_tag = title_tag.clone();

    // Site name first: cleaning the title needs it.
    set(&mut metadata.site, json_ld.site.clone(), "json-ld");
    set(&mut metadata.site, meta.get("og:site_name"), "opengraph");
    set(&mut metadata.site, meta.get("application-name"), "meta");
    let site = metadata.site.as_ref().map(|site| site.value.clone());

    // A "title" that is only the site's name (a JSON-LD `WebPage` named after the
    // site) names the site, not the article: the next source is asked.
    let clean = |title: String| {
        let title = clean_title(&title, site.as_deref());
        (!site.as_deref().is_some_and(|site| names_the_site(&title, site))).then_some(title)
    };
    set(&mut metadata.title, json_ld.headline.clone().and_then(clean), "json-ld");
    for (key, origin) in [
        ("dc:title", "dublin-core"),
        ("dcterm:title", "dublin-core"),
        ("og:title", "opengraph"),
        ("weibo:article:title", "meta"),
        ("weibo:webpage:title", "meta"),
        ("title", "meta"),
        ("twitter:title", "twitter"),
        ("parsely-title", "meta"),
    ] {
        set(&mut metadata.title, meta.get(key).and_then(clean), origin);
    }
    set(&mut metadata.title, title_tag.map(|title| readability_title(&title, dom)), "title");

    set(&mut metadata.authors, json_ld.authors.clone(), "json-ld");
    for (key, origin) in [
        ("dc:creator", "dublin-core"),
        ("dcterm:creator", "dublin-core"),
        ("author", "meta"),
        ("parsely-author", "meta"),
        ("article:author", "opengraph"),
        ("sailthru.author", "meta"),
        ("byl", "meta"),
    ] {
        let authors = meta
            .get(key)
            .filter(|value| !looks_like_url(value))
            .map(|value| split_authors(&value))
            .filter(|authors| !authors.is_empty());
        set(&mut metadata.authors, authors, origin);
    }
    set(&mut metadata.authors, byline_in_markup(dom), "byline");
    set(&mut metadata.dek, dek_in_markup(dom), "markup");

    set(&mut metadata.published, json_ld.published.as_deref().and_then(date::normalize), "json-ld");
    for (key, origin) in [
        ("article:published_time", "opengraph"),
        ("parsely-pub-date", "meta"),
        ("og:published_time", "opengraph"),
        ("date", "meta"),
        ("pubdate", "meta"),
        ("publish-date", "meta"),
        ("publish_date", "meta"),
        ("sailthru.date", "meta"),
        ("dc:date", "dublin-core"),
        ("dc:date:issued", "dublin-core"),
        ("dcterm:created", "dublin-core"),
        ("dcterm:date", "dublin-core"),
        ("dcterm:issued", "dublin-core"),
        ("citation_publication_date", "meta"),
    ] {
        set(&mut metadata.published, meta.get(key).as_deref().and_then(date::normalize), origin);
    }
    set(&mut metadata.published, page.time, "time");

    set(&mut metadata.updated, json_ld.modified.as_deref().and_then(date::normalize), "json-ld");
    for (key, origin) in [
        ("article:modified_time", "opengraph"),
        ("og:updated_time", "opengraph"),
        ("dcterm:modified", "dublin-core"),
        ("last-modified", "meta"),
    ] {
        set(&mut metadata.updated, meta.get(key).as_deref().and_then(date::normalize), origin);
    }

    let html_lang =
        page.html_lang.as_deref().map(|lang| lang.trim().to_owned()).filter(|lang| valid_language_tag(lang));
    set(&mut metadata.language, html_lang, "html-lang");
    set(&mut metadata.language, json_ld.language.clone().filter(|lang| valid_language_tag(lang)), "json-ld");
    set(
        &mut metadata.language,
        meta.get("content-language")
            .or_else(|| meta.get("dc:language"))
            .filter(|lang| valid_language_tag(lang)),
        "meta",
    );
    set(
        &mut metadata.language,
        meta.get("og:locale").map(|locale| locale.replace('_', "-")).filter(|lang| valid_language_tag(lang)),
        "opengraph",
    );

    let canonical =
        page.canonical.as_deref().map(|href| href.trim().to_owned()).filter(|href| !href.is_empty());
    set(&mut metadata.canonical_url, canonical, "canonical-link");
    set(&mut metadata.canonical_url, meta.get("og:url"), "opengraph");
    set(&mut metadata.canonical_url, json_ld.url.clone(), "json-ld");

    set(&mut metadata.description, json_ld.description.clone(), "json-ld");
    for (key, origin) in [
        ("dc:description", "dublin-core"),
        ("dcterm:description", "dublin-core"),
        ("og:description", "opengraph"),
        ("weibo:article:description", "meta"),
        ("weibo:webpage:description", "meta"),
        ("description", "meta"),
        ("twitter:description", "twitter"),
    ] {
        set(&mut metadata.description, meta.get(key), origin);
    }

    set(&mut metadata.image, json_ld.image.clone(), "json-ld");
    for (key, origin) in [
        ("og:image", "opengraph"),
        ("og:image:url", "opengraph"),
        ("twitter:image", "twitter"),
        ("twitter:image:src", "twitter"),
        ("parsely-image-url", "meta"),
    ] {
        set(&mut metadata.image, meta.get(key), origin);
    }
    metadata
}

/// `<meta>` values by key (`property`, which may list several names, `name`,
/// `itemprop` or `http-equiv`); the last occurrence of a key wins, as in Readability.
/// Keys are lower-cased with Dublin Core's dotted spellings folded (`DC.title` and
/// `dcterms.title` become `dc:title` and `dcterm:title`) and `og:article:author`
/// read as `article:author`.
struct MetaTags(Vec<(String, String)>);

impl MetaTags {
    fn read(metas: &[NodeRef]) -> MetaTags {
        let mut tags = MetaTags(Vec::new());
        for node in metas {
            let Some(content) = node.attr("content") else {
                continue;
            };
            let content = collapse(&content);
            if content.is_empty() {
                continue;
            }
            if let Some(names) = node.attr("property") {
                for name in names.split_whitespace() {
                    tags.0.push((normalise_key(name), content.clone()));
                }
            }
            for attribute in ["name", "itemprop", "http-equiv"] {
                if let Some(name) = node.attr(attribute) {
                    tags.0.push((normalise_key(name.trim()), content.clone()));
                }
            }
        }
        tags
    }

    fn get(&self, key: &str) -> Option<String> {
        self.0.iter().rev().find(|(name, _)| name == key).map(|(_, value)| value.clone())
    }
}

fn normalise_key(key: &str) -> String {
    let key = key.to_ascii_lowercase();
    // Older OpenGraph markup prefixes the article's own properties with `og:`
    // (`og:article:author`); Readability reads them as `article:…` too.
    if let Some(rest) = key.strip_prefix("og:article:") {
        return format!("article:{rest}");
    }
    for (prefix, replacement) in
        [("dcterms.", "dcterm:"), ("dcterms:", "dcterm:"), ("dcterm.", "dcterm:"), ("dc.", "dc:")]
    {
        if let Some(rest) = key.strip_prefix(prefix) {
            return format!("{replacement}{}", rest.replace('.', ":"));
        }
    }
    key
}

/// The fields of the first JSON-LD article object on the page.
#[derive(Debug, Default)]
struct JsonLd {
    headline: Option<String>,
    authors: Option<Vec<String>>,
    published: Option<String>,
    modified: Option<String>,
    site: Option<String>,
    language: Option<String>,
    description: Option<String>,
    image: Option<String>,
    url: Option<String>,
}

const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "BlogPosting",
    "LiveBlogPosting",
    "TechArticle",
    "ScholarlyArticle",
    "Report",
    "SocialMediaPosting",
];

impl JsonLd {
    fn read(scripts: &[NodeRef], title_tag: Option<&str>) -> JsonLd {
        let mut objects = Vec::new();
        for node in scripts {
            let text = node.text();
            if text.len() > MAX_JSON_LD_BYTES {
                continue;
            }
            // Pages put CDATA wrappers and stray semicolons around their JSON.
            let trimmed = text.trim();
            let trimmed = trimmed.strip_prefix("//").unwrap_or(trimmed).trim_start();
            let trimmed = trimmed.strip_prefix("<![CDATA[").unwrap_or(trimmed).trim();
            let trimmed = trimmed.strip_suffix("]]>").unwrap_or(trimmed).trim_end();
            let trimmed = trimmed.strip_suffix("//").unwrap_or(trimmed).trim().trim_end_matches(';');
            if let Ok(value) = serde_json::from_str::<Value>(trimmed) {
                flatten(value, &mut objects, 0);
            }
        }
        let article = objects
            .iter()
            .find(|object| types(object).iter().any(|kind| ARTICLE_TYPES.contains(&kind.as_str())));
        let mut json_ld = JsonLd::default();
        let website_name = objects
            .iter()
            .find(|object| types(object).iter().any(|kind| kind == "WebSite"))
            .and_then(|object| string(&object["name"]));
        json_ld.site = website_name;
        let Some(article) = article else {
            return json_ld;
        };
        // Pages give a short `name` and a long `headline`, or the other way round:
        // the one that reads like the page's `<title>` is the title.
        json_ld.headline = match (string(&article["name"]), string(&article["headline"])) {
            (Some(name), Some(headline)) if name != headline => {
                let title = title_tag.unwrap_or_default();
                if similarity(title, &headline) > 0.75 && similarity(title, &name) <= 0.75 {
                    Some(headline)
                } else {
                    Some(name)
                }
            }
            (name, headline) => name.or(headline),
        };
        json_ld.authors = Some(names(&article["author"])).filter(|names| !names.is_empty());
        json_ld.published = string(&article["datePublished"]).or_else(|| string(&article["dateCreated"]));
        json_ld.modified = string(&article["dateModified"]);
        if let Some(publisher) = string(&article["publisher"]["name"]) {
            json_ld.site = Some(publisher);
        }
        json_ld.language = string(&article["inLanguage"]);
        json_ld.description = string(&article["description"]);
        json_ld.image = image_url(&article["image"]).or_else(|| image_url(&article["thumbnailUrl"]));
        json_ld.url = string(&article["mainEntityOfPage"]["@id"])
            .or_else(|| string(&article["mainEntityOfPage"]))
            .or_else(|| string(&article["url"]))
            .filter(|url| looks_like_url(url));
        json_ld
    }
}

/// Collects objects from arrays and `@graph`s, to a bounded depth.
fn flatten(value: Value, out: &mut Vec<Value>, depth: usize) {
    if depth > 4 || out.len() > 64 {
        return;
    }
    match value {
        Value::Array(values) => {
            for value in values {
                flatten(value, out, depth + 1);
            }
        }
        Value::Object(mut object) => {
            if let Some(graph) = object.remove("@graph") {
                flatten(graph, out, depth + 1);
            }
            out.push(Value::Object(object));
        }
        _ => {}
    }
}

/// Share of `candidate`'s words that also occur in `reference`, by length.
fn similarity(reference: &str, candidate: &str) -> f64 {
    let words = |text: &str| -> Vec<String> {
        text.split(|character: char| !character.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let reference = words(reference);
    let candidate = words(candidate);
    let total: usize = candidate.iter().map(String::len).sum();
    if total == 0 {
        return 0.0;
    }
    let shared: usize = candidate.iter().filter(|word| reference.contains(word)).map(String::len).sum();
    shared as f64 / total as f64
}

fn types(object: &Value) -> Vec<String> {
    match &object["@type"] {
        Value::String(kind) => vec![kind.clone()],
        Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

fn string(value: &Value) -> Option<String> {
    value.as_str().map(|text| collapse(&super::decode_basic_entities(text))).filter(|text| !text.is_empty())
}

fn names(value: &Value) -> Vec<String> {
    match value {
        Value::String(name) => split_authors(name),
        Value::Object(_) => string(&value["name"]).map(|name| vec![name]).unwrap_or_default(),
        Value::Array(values) => {
            let mut all = Vec::new();
            for value in values.iter().take(20) {
                for name in names(value) {
                    if !all.contains(&name) {
                        all.push(name);
                    }
                }
            }
            all
        }
        _ => Vec::new(),
    }
    .into_iter()
    .filter(|name| !looks_like_url(name))
    .collect()
}

fn image_url(value: &Value) -> Option<String> {
    match value {
        Value::String(url) => Some(url.trim().to_owned()).filter(|url| !url.is_empty()),
        Value::Object(_) => string(&value["url"]).or_else(|| string(&value["contentUrl"])),
        Value::Array(values) => values.iter().find_map(image_url),
        _ => None,
    }
}

/// Authors written in the page: the first element, in reading order, that is a
/// `rel=author` link, has an `itemprop=author`, or whose class or id names a
/// byline, and whose text is short enough to be one.
fn byline_in_markup(dom: &Dom) -> Option<Vec<String>> {
    let body = dom.body()?;
    for node in body.descendants_it().take(MAX_BYLINE_SCAN) {
        // The attributes are read in place: this runs for every element of the page.
        let marked = node.element_ref().is_some_and(|element| {
            element.attrs.iter().any(|attribute| {
                let value: &str = &attribute.value;
                match &*attribute.name.local {
                    "rel" => value.split_whitespace().any(|rel| rel == "author"),
                    "itemprop" => value.contains("author"),
                    // `p-author` contains `author`.
                    "class" | "id" => ["byline", "author", "dateline", "writtenby"]
                        .iter()
                        .any(|marker| contains_ignore_ascii_case(value, marker)),
                    _ => false,
                }
            })
        });
        if !marked || hidden(&node) {
            continue;
        }
        // Length as written, whitespace included: a container whose markup is
        // indented over many lines is not a byline even when its words are few.
        let raw_length = node.text().trim().chars().count();
        if raw_length == 0 || raw_length >= 100 {
            continue;
        }
        // An `itemprop=name` inside names the author more exactly.
        let source = node
            .descendants_it()
            .find(|child| child.attr("itemprop").is_some_and(|itemprop| itemprop.contains("name")))
            .unwrap_or(node);
        let text = collapse(&source.text());
        let authors = super::byline::names(&text);
        if !authors.is_empty() {
            return Some(authors);
        }
    }
    None
}

/// Whether `haystack` contains `needle` (ASCII lower case) ignoring ASCII case, as
/// `haystack.to_ascii_lowercase().contains(needle)` without the copy.
fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    let needle = needle.as_bytes();
    haystack.len() >= needle.len()
        && haystack.as_bytes().windows(needle.len()).any(|window| window.eq_ignore_ascii_case(needle))
}

/// Whether the element or one of its ancestors is hidden from readers.
fn hidden(node: &NodeRef) -> bool {
    std::iter::once(*node).chain(node.ancestors_it(Some(64))).any(|element| {
        element.has_attr("hidden")
            || element.attr("aria-hidden").as_deref() == Some("true")
            || element.attr("style").is_some_and(|style| {
                let style = style.to_ascii_lowercase().replace(' ', "");
                style.contains("display:none") || style.contains("visibility:hidden")
            })
    })
}

/// Elements looked at for a byline; bylines sit near the top of the page.
const MAX_BYLINE_SCAN: usize = 50_000;

/// Elements looked at after the headline for its standfirst: it sits right under it.
const MAX_DEK_DISTANCE: usize = 40;

/// The standfirst (dek) under the page's headline: among the few elements after the
/// first `<h1>`, the first whose class names a standfirst, lead, teaser, subtitle or
/// summary (`c-article__standfirst`, `uk-text-lead`, `ArticleHero__teaser--light`)
/// or whose `itemprop` is `description` or `alternativeHeadline`, holding a
/// sentence or a few (30 to 400 characters) that are not mostly links.
fn dek_in_markup(dom: &Dom) -> Option<String> {
    let body = dom.body()?;
    let mut after_headline: Option<usize> = None;
    for (index, node) in body.descendants_it().filter(NodeRef::is_element).take(MAX_BYLINE_SCAN).enumerate() {
        let Some(headline) = after_headline else {
            if node.has_name("h1") {
                after_headline = Some(index);
            }
            continue;
        };
        if index - headline > MAX_DEK_DISTANCE {
            return None;
        }
        // A photo's caption under the headline is not its standfirst.
        let in_a_figure = || {
            node.ancestors_it(Some(6)).chain([node]).any(|element| {
                element.has_name("figure")
                    || element.has_name("figcaption")
                    || element.attr("class").is_some_and(|class| {
                        let class = class.to_ascii_lowercase();
                        ["caption", "credit", "image", "photo", "media"]
                            .iter()
                            .any(|word| class.contains(word))
                    })
            })
        };
        if !names_a_dek(&node) || in_a_figure() {
            continue;
        }
        let text = collapse(&node.text());
        let length = text.chars().count();
        let link_text: usize = node
            .descendants_it()
            .filter(|descendant| descendant.has_name("a"))
            .map(|link| collapse(&link.text()).chars().count())
            .sum();
        if (30..=400).contains(&length) && link_text * 2 < length {
            return Some(text);
        }
    }
    None
}

fn names_a_dek(node: &NodeRef) -> bool {
    const DEK_WORDS: &[&str] = &[
        "dek",
        "deck",
        "standfirst",
        "subtitle",
        "subheadline",
        "lead",
        "lede",
        "teaser",
        "intro",
        "summary",
        "excerpt",
        "abstract",
        "chapo",
    ];
    if node.attr("itemprop").is_some_and(|itemprop| {
        itemprop.split_whitespace().any(|name| name == "description" || name == "alternativeHeadline")
    }) {
        return true;
    }
    // A second heading grouped with the headline is its subtitle.
    if node.has_name("h2") && node.parent().is_some_and(|parent| parent.has_name("hgroup")) {
        return true;
    }
    let Some(class) = node.attr("class") else {
        return false;
    };
    class.split_whitespace().any(|name| {
        // What the name says the element is: before a BEM modifier, after its block.
        let name = name.split("--").next().unwrap_or_default();
        let name = name.rsplit("__").next().unwrap_or_default().to_ascii_lowercase();
        name.rsplit(['-', '_']).next().is_some_and(|word| DEK_WORDS.contains(&word))
    })
}

/// The elements metadata is read from, gathered in one pass over the page.
struct Gathered<'a> {
    metas: Vec<NodeRef<'a>>,
    json_ld: Vec<NodeRef<'a>>,
    title: Option<NodeRef<'a>>,
    html_lang: Option<String>,
    canonical: Option<String>,
    /// The publication date from a `<time>` or `itemprop=datePublished` element.
    time: Option<String>,
}

impl<'a> Gathered<'a> {
    fn read(dom: &'a Dom) -> Gathered<'a> {
        let mut page = Gathered {
            metas: Vec::new(),
            json_ld: Vec::new(),
            title: None,
            html_lang: None,
            canonical: None,
            time: None,
        };
        // Rank of the best date so far: an element marked as the publication date
        // beats a `<time>` inside an `<article>`, which beats any `<time>`.
        let mut time_rank = u8::MAX;
        for node in dom.root().descendants_it() {
            // Names and attributes are read in place: this runs for every node.
            let Some(element) = node.element_ref() else {
                continue;
            };
            let name: &str = &element.name.local;
            match name {
                "meta" => page.metas.push(node),
                "script"
                    if element
                        .attr("type")
                        .is_some_and(|kind| kind.trim().eq_ignore_ascii_case("application/ld+json")) =>
                {
                    page.json_ld.push(node);
                }
                "title" if page.title.is_none() => page.title = Some(node),
                "html" if page.html_lang.is_none() => {
                    page.html_lang = element.attr("lang").map(|lang| lang.to_string())
                }
                "link"
                    if page.canonical.is_none()
                        && element.attr("rel").is_some_and(|rel| {
                            rel.split_whitespace().any(|rel| rel.eq_ignore_ascii_case("canonical"))
                        }) =>
                {
                    page.canonical = element.attr("href").map(|href| href.to_string());
                }
                _ => {}
            }
            let published_mark = element
                .attrs
                .iter()
                .find(|attribute| &*attribute.name.local == "itemprop")
                .is_some_and(|itemprop| itemprop.value.contains("datePublished"));
            let rank = if published_mark {
                0
            } else if name == "time" && element.has_attr("pubdate") {
                1
            } else if name == "time"
                && node.ancestors_it(Some(32)).any(|ancestor| ancestor.has_name("article"))
            {
                2
            } else if name == "time" {
                3
            } else {
                continue;
            };
            if rank < time_rank {
                let value = element.attr("datetime").or_else(|| element.attr("content"));
                if let Some(value) = value.as_deref().and_then(date::normalize) {
                    page.time = Some(value);
                    time_rank = rank;
                }
            }
        }
        page
    }
}

/// `By Jane Doe` → `Jane Doe`.
fn strip_by(text: &str) -> String {
    let text = text.trim();
    for prefix in ["By ", "by ", "BY ", "Von ", "von ", "Par ", "par ", "Por ", "por "] {
        if let Some(rest) = text.strip_prefix(prefix) {
            return rest.trim().to_owned();
        }
    }
    text.to_owned()
}

/// Splits `Jane Doe and John Roe` or `Jane Doe, John Roe` into names; a part
/// without a letter (`2019`, `—`) names nobody.
pub(super) fn split_authors(text: &str) -> Vec<String> {
    let text = strip_by(text);
    let mut authors = Vec::new();
    for part in text.split([',', ';', '|']) {
        for name in part.split(" and ") {
            let name = collapse(name);
            if name.chars().any(char::is_alphabetic) && !authors.contains(&name) {
                authors.push(name);
            }
        }
    }
    authors
}

/// A title from JSON-LD or a `<meta>` tag, without a trailing ` | Site name`.
fn clean_title(title: &str, site: Option<&str>) -> String {
    let title = collapse(&super::decode_basic_entities(title));
    if let Some(site) = site {
        for separator in [" | ", " - ", " – ", " — ", " :: ", " · ", " » "] {
            if let Some(stripped) = title.strip_suffix(site).and_then(|rest| rest.strip_suffix(separator)) {
                return stripped.trim().to_owned();
            }
        }
    }
    title
}

const TITLE_SEPARATORS: &[char] = &['|', '-', '–', '—', '\\', '/', '>', '»'];
const HIERARCHY_SEPARATORS: &[char] = &['\\', '/', '>', '»'];

/// Readability's treatment of `<title>`: the part before the last ` | ` (or another
/// separator between spaces) when that leaves a real title, the original otherwise.
fn readability_title(original: &str, dom: &Dom) -> String {
    let word_count = |text: &str| text.split_whitespace().count();
    let separated = |text: &str| -> Vec<usize> {
        text.char_indices()
            .filter(|(index, character)| {
                TITLE_SEPARATORS.contains(character)
                    && text[..*index].ends_with(' ')
                    && text[index + character.len_utf8()..].starts_with(' ')
            })
            .map(|(index, _)| index)
            .collect()
    };
    let separators = separated(original);
    let mut title = original.to_owned();
    let mut hierarchical = false;
    if let (Some(first), Some(last)) = (separators.first(), separators.last()) {
        hierarchical = original.char_indices().any(|(index, character)| {
            separators.contains(&index) && HIERARCHY_SEPARATORS.contains(&character)
        });
        title = original[..*last].trim().to_owned();
        if word_count(&title) < 3 {
            let after = original[*first..].chars().skip(1).collect::<String>();
            title = after.trim().to_owned();
        }
    } else if let Some(colon) = original.rfind(": ") {
        let in_headings =
            dom.select("h1, h2").nodes().iter().any(|heading| collapse(&heading.text()) == original);
        if !in_headings {
            title = original[colon + 1..].trim().to_owned();
            if word_count(&title) < 3 {
                let first = original.find(": ").unwrap_or(colon);
                title = original[first + 1..].trim().to_owned();
            } else if word_count(&original[..original.find(':').unwrap_or(0)]) > 5 {
                title = original.to_owned();
            }
        }
    } else if !(15..=150).contains(&original.chars().count()) {
        let headings = dom.select("h1").nodes().to_vec();
        if headings.len() == 1 {
            title = collapse(&headings[0].text());
        }
    }
    let original_words = original.split(TITLE_SEPARATORS).map(word_count).sum::<usize>();
    let words = word_count(&title);
    if words <= 4 && (!hierarchical || words + 1 != original_words) {
        title = original.to_owned();
    }
    title
}

fn looks_like_url(value: &str) -> bool {
    value.starts_with("http://") || value.starts_with("https://") || value.starts_with("//")
}

/// `en`, `en-US`, `pt_BR`: a language tag, not a sentence.
fn valid_language_tag(tag: &str) -> bool {
    let mut parts = tag.split(['-', '_']);
    let primary = parts.next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|byte| byte.is_ascii_alphabetic())
        && parts.all(|part| {
            (1..=8).contains(&part.len()) && part.bytes().all(|byte| byte.is_ascii_alphanumeric())
        })
}

/// Every run of whitespace folded to one space, ends trimmed.
pub(crate) fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_og_prefixed_article_author_is_the_author() {
        let dom = Dom::from(
            r#"<html><head><meta property="og:article:author" content="BBC News"></head><body><p>Text</p></body></html>"#,
        );
        let authors = extract(&dom).authors.expect("an author");
        assert_eq!(authors.value, ["BBC News"]);
        assert_eq!(authors.origin, "opengraph");
    }
}
