//! `dossier export`: writes the archive, or the documents a search matches, as
//! NDJSON or a JSON array of the document model (what `dossier import` reads
//! back), Markdown, one self-contained HTML page, or an EPUB 3 book.
//!
//! Memory stays flat however large the archive: documents are read a page at a
//! time, each page starting after the last id of the one before, and written as
//! they come; the next page is read while one is written. A search's matches are
//! collected as ids first. The HTML page's contents and the book's navigation
//! come before the documents, so those two formats fix the ids first and read the
//! titles in a pass of their own.
//!
//! With `--output`, the export goes to a temporary file in the same folder, which
//! is renamed over FILE once complete: a failed export leaves no half file.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs::File;
use std::hash::{BuildHasher, Hasher};
use std::io::{self, BufWriter, IsTerminal, Seek, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use clap::ValueEnum;
use dossier_core::{Block, Document, render};
use dossier_storage::{ExportedDocument, Store};
use serde::Serialize;
use tokio::task::JoinHandle;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// Documents read from the archive at a time: a few hundred keep a page's
/// round trip cheap against its rows while memory stays small.
const PAGE_SIZE: usize = 256;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Export only the documents this search matches, every one of them: words,
    /// "phrases", -excluded, a OR b, prefix*, and the filters site:, author:,
    /// lang:, tag:, before:YYYY[-MM[-DD]], after:YYYY[-MM[-DD]] (as `dossier search`)
    #[arg(long, short = 'q', value_name = "QUERY", allow_hyphen_values = true)]
    query: Option<String>,
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Ndjson)]
    format: Format,
    /// Write to FILE, replaced only once the export is complete (`-`: standard output)
    /// [default: standard output]
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// One document a line: the document model's JSON with the archive's `tags`
    /// and `"read": true` for documents marked read (`dossier import` reads it back)
    Ndjson,
    /// The same objects as one JSON array
    Json,
    /// Each document as Markdown, separated by rules
    Markdown,
    /// One self-contained HTML page with a table of contents
    Html,
    /// An EPUB 3 book, one chapter a document
    Epub,
}

impl Format {
    /// Whether the format lists every document before the first one.
    fn lists_documents_first(self) -> bool {
        matches!(self, Format::Html | Format::Epub)
    }
}

/// Which documents are exported: all of them in id order, read page after page,
/// or these ids (in id order).
#[derive(Debug)]
enum Selection {
    All,
    Ids(Arc<[i64]>),
}

impl Selection {
    /// The ids of a format that lists every document first, which `run` always
    /// fixes before writing.
    fn fixed_ids(&self) -> &[i64] {
        match self {
            Selection::Ids(ids) => ids,
            Selection::All => unreachable!("HTML and EPUB exports fix their ids first"),
        }
    }
}

pub async fn run(db: &Path, args: Args) -> anyhow::Result<ExitCode> {
    let output = args.output.filter(|path| path.as_os_str() != "-");
    if args.format == Format::Epub && output.is_none() && io::stdout().is_terminal() {
        eprintln!("dossier: an EPUB book is binary and is not written to a terminal; give --output FILE");
        return Ok(ExitCode::from(2));
    }
    if let Some(path) = &output {
        check_output(path, db)?;
    }
    let store = crate::open_store(db).await?;
    let selection = match &args.query {
        Some(query) => Selection::Ids(store.matching_ids(query).await?.into()),
        // The page's contents and the book's navigation come first: their ids are
        // fixed, so that documents imported meanwhile cannot be missing from them.
        None if args.format.lists_documents_first() => Selection::Ids(store.matching_ids("").await?.into()),
        None => Selection::All,
    };
    let about = About {
        query: args.query.clone(),
        count: match &selection {
            Selection::Ids(ids) => Some(ids.len()),
            Selection::All => None,
        },
        exported_at: UtcTime::now(),
    };

    let target = Target::create(output.as_deref())?;
    let mut pages = Pages::new(store.clone(), &selection);
    let written = match args.format {
        Format::Ndjson => write_ndjson(target.writer()?, &mut pages).await?,
        Format::Json => write_json(target.writer()?, &mut pages).await?,
        Format::Markdown => write_markdown(target.writer()?, &mut pages).await?,
        Format::Html => {
            write_html(target.writer()?, &mut pages, &store, selection.fixed_ids(), &about).await?
        }
        Format::Epub => write_epub(&target, &mut pages, &store, selection.fixed_ids(), &about).await?,
    };
    target.commit()?;
    store.close().await;
    if let Some(path) = &output {
        let plural = if written == 1 { "" } else { "s" };
        println!("exported {written} document{plural} to {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Refuses an output that cannot be written before anything is read: a folder
/// that does not exist, a folder in place of a file, the archive itself.
fn check_output(path: &Path, db: &Path) -> anyhow::Result<()> {
    let folder = folder_of(path);
    if !folder.is_dir() {
        anyhow::bail!("cannot write {}: the folder {} does not exist", path.display(), folder.display());
    }
    if path.is_dir() || path.file_name().is_none() {
        anyhow::bail!("cannot write {}: it is a folder; name a file", path.display());
    }
    let location = db.to_string_lossy();
    let archive =
        location.strip_prefix("sqlite://").or_else(|| location.strip_prefix("sqlite:")).unwrap_or(&location);
    if let (Ok(output), Ok(archive)) = (std::fs::canonicalize(path), std::fs::canonicalize(archive))
        && output == archive
    {
        anyhow::bail!("cannot write {}: it is the archive itself", path.display());
    }
    Ok(())
}

fn folder_of(path: &Path) -> &Path {
    path.parent().filter(|folder| !folder.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Where the export goes.
enum Target {
    Stdout,
    /// A temporary file beside `path`, renamed over it by `commit`; deleted if
    /// dropped before.
    File {
        path: PathBuf,
        temporary: tempfile::NamedTempFile,
    },
}

impl Target {
    fn create(output: Option<&Path>) -> anyhow::Result<Target> {
        let Some(path) = output else { return Ok(Target::Stdout) };
        let name = path.file_name().map(|name| name.to_string_lossy()).unwrap_or_default();
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".part");
        // The file becomes the export: give it the permissions a new file gets
        // (0666 less the umask), not a temporary file's 0600.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let temporary = builder
            .tempfile_in(folder_of(path))
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(Target::File { path: path.to_owned(), temporary })
    }

    fn is_stdout(&self) -> bool {
        matches!(self, Target::Stdout)
    }

    /// How errors name the output.
    fn label(&self) -> String {
        match self {
            Target::Stdout => "standard output".to_owned(),
            Target::File { path, .. } => path.display().to_string(),
        }
    }

    fn writer(&self) -> anyhow::Result<BufWriter<Labelled<Box<dyn Write>>>> {
        let inner: Box<dyn Write> = match self {
            Target::Stdout => Box::new(io::stdout()),
            Target::File { temporary, .. } => Box::new(temporary.as_file().try_clone()?),
        };
        Ok(BufWriter::with_capacity(256 * 1024, Labelled { inner, label: self.label() }))
    }

    /// A file that can be written at any offset, as a ZIP archive needs: the
    /// temporary file, or for standard output one that is copied there at the end.
    fn seekable_file(&self) -> anyhow::Result<File> {
        match self {
            Target::Stdout => tempfile::tempfile().context("creating a temporary file for the book"),
            Target::File { temporary, .. } => Ok(temporary.as_file().try_clone()?),
        }
    }

    /// Puts the complete export in place: on disk first, then under its name.
    fn commit(self) -> anyhow::Result<()> {
        if let Target::File { path, temporary } = self {
            let context = || format!("writing {}", path.display());
            temporary.as_file().sync_all().with_context(context)?;
            temporary.persist(&path).map_err(|error| error.error).with_context(context)?;
        }
        Ok(())
    }
}

/// A writer whose errors name what it writes to, keeping their kind (a closed
/// pipe stays a closed pipe, which is not an error for the command).
struct Labelled<W> {
    inner: W,
    label: String,
}

impl<W: Write> Labelled<W> {
    fn labelled(&self, error: io::Error) -> io::Error {
        io::Error::new(error.kind(), format!("writing {}: {error}", self.label))
    }
}

impl<W: Write> Write for Labelled<W> {
    fn write(&mut self, buffer: &[u8]) -> io::Result<usize> {
        self.inner.write(buffer).map_err(|error| self.labelled(error))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().map_err(|error| self.labelled(error))
    }
}

impl<W: Seek> Seek for Labelled<W> {
    fn seek(&mut self, position: io::SeekFrom) -> io::Result<u64> {
        self.inner.seek(position)
    }
}

/// The selected documents, a page at a time, each page read while the one
/// before it is written.
struct Pages {
    store: Store,
    cursor: Cursor,
    pending: Option<JoinHandle<dossier_storage::Result<Vec<ExportedDocument>>>>,
}

/// Where the next page starts.
enum Cursor {
    /// Every document, the next page after this id.
    All { after: i64 },
    /// These ids, the next page from this position.
    Ids { ids: Arc<[i64]>, next: usize },
}

impl Pages {
    fn new(store: Store, selection: &Selection) -> Pages {
        let cursor = match selection {
            Selection::All => Cursor::All { after: 0 },
            Selection::Ids(ids) => Cursor::Ids { ids: ids.clone(), next: 0 },
        };
        let mut pages = Pages { store, cursor, pending: None };
        pages.fetch();
        pages
    }

    /// Starts reading the page after the current position, if there is one.
    fn fetch(&mut self) {
        let store = self.store.clone();
        self.pending = match &mut self.cursor {
            Cursor::All { after } => {
                let after = *after;
                Some(tokio::spawn(async move { store.export_page(after, PAGE_SIZE as u32).await }))
            }
            Cursor::Ids { ids, next } if *next < ids.len() => {
                let end = (*next + PAGE_SIZE).min(ids.len());
                let chunk = ids[*next..end].to_vec();
                *next = end;
                Some(tokio::spawn(async move { store.export_documents(&chunk).await }))
            }
            Cursor::Ids { .. } => None,
        };
    }

    /// The next page, or `None` after the last.
    async fn next(&mut self) -> anyhow::Result<Option<Vec<ExportedDocument>>> {
        loop {
            let Some(pending) = self.pending.take() else { return Ok(None) };
            let page = pending.await.context("reading the archive")??;
            match &mut self.cursor {
                Cursor::All { after } => {
                    let Some(last) = page.last() else { return Ok(None) };
                    *after = last.id;
                    if page.len() == PAGE_SIZE {
                        self.fetch();
                    }
                    return Ok(Some(page));
                }
                Cursor::Ids { .. } => {
                    self.fetch();
                    if !page.is_empty() {
                        return Ok(Some(page));
                    }
                }
            }
        }
    }
}

/// What an HTML page or a book says about the export itself.
struct About {
    query: Option<String>,
    /// How many documents, when known before writing them.
    count: Option<usize>,
    exported_at: UtcTime,
}

impl About {
    fn title(&self) -> String {
        match &self.query {
            Some(query) => format!("Dossier: {query}"),
            None => "Dossier archive".to_owned(),
        }
    }

    /// `12 documents · search: … · exported 2025-05-01`.
    fn summary(&self) -> String {
        let mut parts = Vec::new();
        if let Some(count) = self.count {
            parts.push(format!("{count} document{}", if count == 1 { "" } else { "s" }));
        }
        if let Some(query) = &self.query {
            parts.push(format!("search: {query}"));
        }
        parts.push(format!("exported {}", self.exported_at.date()));
        parts.join(" · ")
    }
}

// NDJSON and JSON.

/// A document as the JSON formats write it: the model with the archive's tags in
/// `tags`, and `read` when it is marked read.
#[derive(Serialize)]
struct JsonDocument<'a> {
    #[serde(flatten)]
    document: &'a Document,
    #[serde(skip_serializing_if = "is_false")]
    read: bool,
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// Serialises into `buffer` (cleared first): writing the bytes separately keeps
/// a closed pipe an `io::Error` of its own rather than one inside serde's.
fn json_into(buffer: &mut Vec<u8>, mut exported: ExportedDocument) -> anyhow::Result<()> {
    buffer.clear();
    exported.document.tags = std::mem::take(&mut exported.tags);
    serde_json::to_writer(&mut *buffer, &JsonDocument { document: &exported.document, read: exported.read })?;
    Ok(())
}

async fn write_ndjson(mut out: impl Write, pages: &mut Pages) -> anyhow::Result<usize> {
    let mut written = 0;
    let mut buffer = Vec::new();
    while let Some(page) = pages.next().await? {
        for exported in page {
            json_into(&mut buffer, exported)?;
            buffer.push(b'\n');
            out.write_all(&buffer)?;
            written += 1;
        }
    }
    out.flush()?;
    Ok(written)
}

/// One element a line, so that the array reads (and diffs) like the NDJSON.
async fn write_json(mut out: impl Write, pages: &mut Pages) -> anyhow::Result<usize> {
    let mut written = 0;
    let mut buffer = Vec::new();
    out.write_all(b"[")?;
    while let Some(page) = pages.next().await? {
        for exported in page {
            json_into(&mut buffer, exported)?;
            out.write_all(if written == 0 { b"\n" } else { b",\n" })?;
            out.write_all(&buffer)?;
            written += 1;
        }
    }
    out.write_all(if written == 0 { b"]\n" } else { b"\n]\n" })?;
    out.flush()?;
    Ok(written)
}

// Markdown.

async fn write_markdown(mut out: impl Write, pages: &mut Pages) -> anyhow::Result<usize> {
    let mut written = 0;
    while let Some(page) = pages.next().await? {
        for exported in page {
            if written > 0 {
                // A blank line first: right under a paragraph, `---` would make it a heading.
                out.write_all(b"\n---\n\n")?;
            }
            out.write_all(markdown(&exported).as_bytes())?;
            written += 1;
        }
    }
    out.flush()?;
    Ok(written)
}

/// The document as `render::to_markdown` writes it, with its address under the
/// title (beside the byline of authors, site and date) and its archive tags.
fn markdown(exported: &ExportedDocument) -> String {
    let document = &exported.document;
    let rendered = render::to_markdown(document);
    let (heading, rest) = rendered.split_once('\n').unwrap_or((&rendered, ""));
    let mut out = String::with_capacity(rendered.len() + 200);
    out.push_str(heading);
    out.push('\n');
    if let Some(address) = source_address(document) {
        if let Some(link) = web_address(address) {
            let _ = write!(out, "\n<{link}>\n");
        } else {
            let _ = write!(out, "\nSource: `{}`\n", address.replace('`', "'"));
        }
    }
    if !exported.tags.is_empty() {
        let _ = write!(out, "\nTags: {}\n", exported.tags.join(", "));
    }
    out.push_str(rest);
    out
}

/// The address the article was published at: its canonical address, else where it was found.
fn source_address(document: &Document) -> Option<&str> {
    document.canonical_url.as_deref().or(document.url.as_deref()).filter(|address| !address.is_empty())
}

/// An http(s) `address` as a link target (nothing else is linked): characters a
/// URI may not hold (`<`, `"`, non-ASCII letters…) percent-encoded, as a browser
/// would send them, so that the link is valid in HTML, XHTML and Markdown alike.
fn web_address(address: &str) -> Option<String> {
    let lower = address.get(..8).unwrap_or(address).to_ascii_lowercase();
    let web = (lower.starts_with("https://") || lower.starts_with("http://"))
        && !address.contains(|character: char| character.is_whitespace() || character.is_control());
    if !web {
        return None;
    }
    let mut link = String::with_capacity(address.len());
    for byte in address.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&byte) {
            link.push(char::from(byte));
        } else {
            let _ = write!(link, "%{byte:02X}");
        }
    }
    Some(link)
}

// HTML and the EPUB's XHTML.

/// A strict policy: nothing is loaded or run, from anywhere; only the page's own
/// style element applies.
const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'; base-uri 'none'";

const STYLE: &str = "body { font: 1.05rem/1.6 Georgia, 'Times New Roman', serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; background: #fffdf8; }
h1, h2, h3, h4, h5, h6 { font-family: system-ui, sans-serif; line-height: 1.25; }
nav ol { padding-left: 1.5rem; }
article { border-top: 1px solid #ccc; margin-top: 3rem; padding-top: 1rem; }
.meta, .dek, .tags, figcaption, .summary { color: #555; }
.meta, .tags, .summary { font: 0.9rem/1.4 system-ui, sans-serif; }
blockquote { margin-left: 0; padding-left: 1rem; border-left: 3px solid #ccc; }
pre { overflow-x: auto; background: #f4f1ea; padding: 0.5rem; }
a { color: #1a4f8b; overflow-wrap: anywhere; }
@media (prefers-color-scheme: dark) { body { color: #e8e6e1; background: #1b1b1d; } .meta, .dek, .tags, figcaption, .summary { color: #aaa; } pre { background: #2a2a2d; } a { color: #8ab4f8; } }
";

/// Text as character data or an attribute value in HTML and XML alike: markup
/// characters escaped, characters XML forbids (most control characters)
/// replaced, so that hostile text can neither add markup nor break a book.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(character),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            character => out.push(character),
        }
    }
    out
}

/// A title fit for a link: never empty.
fn title_text(title: &str) -> String {
    if title.trim().is_empty() { "Untitled".to_owned() } else { escape(title) }
}

/// A language code fit for a `lang` attribute, or nothing.
fn language_tag(document: &Document) -> Option<&str> {
    document
        .language
        .as_deref()
        .filter(|code| (2..=8).contains(&code.len()) && code.bytes().all(|byte| byte.is_ascii_alphabetic()))
}

/// The document as an `<article>` that is both HTML and well-formed XHTML, built
/// only from the model: every text escaped, links only to http(s) addresses,
/// images not loaded (their caption is shown, and a link to them). The title is a
/// heading of `title_level`; the body's headings follow below it.
fn article(exported: &ExportedDocument, anchor: Option<&str>, title_level: u8, xml: bool) -> String {
    let document = &exported.document;
    let mut out = String::with_capacity(4096);
    out.push_str("<article");
    if let Some(anchor) = anchor {
        let _ = write!(out, " id=\"{anchor}\"");
    }
    if let Some(language) = language_tag(document) {
        let _ = write!(out, " lang=\"{language}\"");
        if xml {
            let _ = write!(out, " xml:lang=\"{language}\"");
        }
    }
    out.push_str(">\n<header>\n");
    let _ = writeln!(out, "<h{title_level}>{}</h{title_level}>", title_text(&document.title));
    if let Some(dek) = document.dek.as_deref().filter(|dek| !dek.trim().is_empty()) {
        let _ = writeln!(out, "<p class=\"dek\">{}</p>", escape(dek));
    }
    let mut meta = Vec::new();
    if !document.authors.is_empty() {
        meta.push(format!("By {}", escape(&document.authors.join(", "))));
    }
    for value in [&document.site, &document.published].into_iter().flatten() {
        meta.push(escape(value));
    }
    if let Some(address) = source_address(document) {
        meta.push(match web_address(address) {
            Some(link) => format!("<a href=\"{}\" rel=\"noreferrer\">{}</a>", escape(&link), escape(address)),
            None => escape(address),
        });
    }
    if exported.read {
        meta.push("read".to_owned());
    }
    if !meta.is_empty() {
        let _ = writeln!(out, "<p class=\"meta\">{}</p>", meta.join(" · "));
    }
    if !exported.tags.is_empty() {
        let _ = writeln!(out, "<p class=\"tags\">Tags: {}</p>", escape(&exported.tags.join(", ")));
    }
    out.push_str("</header>\n");
    for block in &document.blocks {
        block_markup(&mut out, block, title_level);
    }
    out.push_str("</article>\n");
    out
}

fn block_markup(out: &mut String, block: &Block, title_level: u8) {
    match block {
        Block::Heading { level, text } => {
            // The model's level 2 is the first under the title.
            let level = (level.clamp(&2, &6) + title_level - 1).min(6);
            let _ = writeln!(out, "<h{level}>{}</h{level}>", escape(text));
        }
        Block::Paragraph { text } => {
            let _ = writeln!(out, "<p>{}</p>", escape(text));
        }
        Block::Quote { text, cite } => {
            out.push_str("<blockquote>\n");
            for line in text.lines().filter(|line| !line.trim().is_empty()) {
                let _ = writeln!(out, "<p>{}</p>", escape(line));
            }
            if let Some(cite) = cite {
                let _ = writeln!(out, "<p class=\"meta\">— {}</p>", escape(cite));
            }
            out.push_str("</blockquote>\n");
        }
        Block::List { ordered, items } => {
            if items.is_empty() {
                return;
            }
            let tag = if *ordered { "ol" } else { "ul" };
            let _ = writeln!(out, "<{tag}>");
            for item in items {
                let _ = writeln!(out, "<li>{}</li>", escape(item));
            }
            let _ = writeln!(out, "</{tag}>");
        }
        Block::Image { src, alt, caption } => {
            let text = caption.as_deref().or(alt.as_deref()).filter(|text| !text.trim().is_empty());
            let link = web_address(src);
            if text.is_none() && link.is_none() {
                return;
            }
            out.push_str("<figure>\n<figcaption>");
            out.push_str(&escape(text.unwrap_or("Image")));
            if let Some(link) = link {
                let _ = write!(out, " (<a href=\"{}\" rel=\"noreferrer\">image</a>)", escape(&link));
            }
            out.push_str("</figcaption>\n</figure>\n");
        }
        Block::Code { text, .. } => {
            let _ = writeln!(out, "<pre><code>{}</code></pre>", escape(text));
        }
        Block::Rule => out.push_str("<hr/>\n"),
    }
}

/// The ids in pages of `PAGE_SIZE` with their titles.
async fn titles(
    store: &Store,
    ids: &[i64],
    mut each: impl FnMut(i64, &str) -> io::Result<()>,
) -> anyhow::Result<()> {
    for chunk in ids.chunks(PAGE_SIZE) {
        for (id, title) in store.document_titles(chunk).await? {
            each(id, &title)?;
        }
    }
    Ok(())
}

async fn write_html(
    mut out: impl Write,
    pages: &mut Pages,
    store: &Store,
    ids: &[i64],
    about: &About,
) -> anyhow::Result<usize> {
    let title = escape(&about.title());
    write!(
        out,
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_SECURITY_POLICY}\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"Dossier {}\">\n\
         <title>{title}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n\
         <header>\n<h1>{title}</h1>\n<p class=\"summary\">{}</p>\n</header>\n",
        env!("CARGO_PKG_VERSION"),
        escape(&about.summary()),
    )?;
    if !ids.is_empty() {
        out.write_all(b"<nav id=\"contents\">\n<h2>Contents</h2>\n<ol>\n")?;
        titles(store, ids, |id, title| {
            writeln!(out, "<li><a href=\"#document-{id}\">{}</a></li>", title_text(title))
        })
        .await?;
        out.write_all(b"</ol>\n</nav>\n")?;
    }
    out.write_all(b"<main>\n")?;
    let mut written = 0;
    while let Some(page) = pages.next().await? {
        for exported in page {
            let anchor = format!("document-{}", exported.id);
            out.write_all(article(&exported, Some(&anchor), 2, false).as_bytes())?;
            written += 1;
        }
    }
    out.write_all(b"</main>\n</body>\n</html>\n")?;
    out.flush()?;
    Ok(written)
}

// EPUB.

const XHTML_START: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n\
     <html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\"";

const CONTAINER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">
  <rootfiles>
    <rootfile full-path=\"EPUB/package.opf\" media-type=\"application/oebps-package+xml\"/>
  </rootfiles>
</container>
";

const XHTML_END: &str = "</body>\n</html>\n";

/// An XHTML document of the book up to the start of its body; `title` is escaped
/// already, `stylesheet` is the style sheet's address from the document.
fn xhtml_start(language: Option<&str>, title: &str, stylesheet: &str) -> String {
    let mut out = String::from(XHTML_START);
    if let Some(language) = language {
        let _ = write!(out, " lang=\"{language}\" xml:lang=\"{language}\"");
    }
    let _ = write!(
        out,
        ">\n<head>\n<meta charset=\"UTF-8\"/>\n<title>{title}</title>\n\
         <link rel=\"stylesheet\" type=\"text/css\" href=\"{stylesheet}\"/>\n</head>\n<body>\n"
    );
    out
}

/// Writes the book to the target. A ZIP archive is written with seeks (to put
/// each member's size before it, rather than in a data descriptor after it, which
/// the `mimetype` member must not have), so standard output gets a temporary
/// file's copy.
async fn write_epub(
    target: &Target,
    pages: &mut Pages,
    store: &Store,
    ids: &[i64],
    about: &About,
) -> anyhow::Result<usize> {
    let mut file = target.seekable_file()?;
    let label = target.label();
    let book = BufWriter::new(Labelled { inner: file.try_clone()?, label: label.clone() });
    let written = write_book(book, pages, store, ids, about).await?;
    if target.is_stdout() {
        file.rewind()?;
        let mut stdout = Labelled { inner: io::stdout(), label };
        io::copy(&mut file, &mut stdout)?;
        stdout.flush()?;
    }
    Ok(written)
}

/// Writes the book: the `mimetype` member first and stored, as EPUB readers look
/// for it at a fixed offset; then the container, the style sheet, a title page,
/// the navigation (from the titles), a chapter per document, and last the package
/// document, which lists them all and takes the most frequent language.
async fn write_book<W: Write + Seek>(
    out: W,
    pages: &mut Pages,
    store: &Store,
    ids: &[i64],
    about: &About,
) -> anyhow::Result<usize> {
    let mut book = ZipWriter::new(out);
    let modified = about.exported_at.zip_time();
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(modified);
    let deflated = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(modified);

    book.start_file("mimetype", stored)?;
    book.write_all(b"application/epub+zip")?;
    book.start_file("META-INF/container.xml", deflated)?;
    book.write_all(CONTAINER.as_bytes())?;
    book.start_file("EPUB/style.css", deflated)?;
    book.write_all(STYLE.as_bytes())?;

    let title = escape(&about.title());
    book.start_file("EPUB/title.xhtml", deflated)?;
    write!(
        book,
        "{}<section epub:type=\"titlepage\">\n<h1>{title}</h1>\n<p class=\"summary\">{}</p>\n</section>\n{XHTML_END}",
        xhtml_start(None, &title, "style.css"),
        escape(&about.summary()),
    )?;

    // The navigation lists the title page too: its list is never empty.
    book.start_file("EPUB/nav.xhtml", deflated)?;
    write!(
        book,
        "{}<nav epub:type=\"toc\" id=\"toc\">\n<h1>Contents</h1>\n<ol>\n\
         <li><a href=\"title.xhtml\">About this export</a></li>\n",
        xhtml_start(None, "Contents", "style.css"),
    )?;
    titles(store, ids, |id, title| {
        writeln!(book, "<li><a href=\"documents/{id}.xhtml\">{}</a></li>", title_text(title))
    })
    .await?;
    write!(book, "</ol>\n</nav>\n{XHTML_END}")?;

    let mut languages: HashMap<String, usize> = HashMap::new();
    let mut chapters = Vec::with_capacity(ids.len());
    while let Some(page) = pages.next().await? {
        for exported in page {
            let language = language_tag(&exported.document);
            if let Some(language) = language {
                *languages.entry(language.to_owned()).or_default() += 1;
            }
            book.start_file(format!("EPUB/documents/{}.xhtml", exported.id), deflated)?;
            let start = xhtml_start(language, &title_text(&exported.document.title), "../style.css");
            write!(book, "{start}{}{XHTML_END}", article(&exported, None, 1, true))?;
            chapters.push(exported.id);
        }
    }

    let language = languages
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
        .map_or_else(|| "und".to_owned(), |(language, _)| language);
    book.start_file("EPUB/package.opf", deflated)?;
    write!(
        book,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"book-id\" xml:lang=\"{language}\">\n\
         <metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n\
         <dc:identifier id=\"book-id\">urn:uuid:{}</dc:identifier>\n\
         <dc:title>{title}</dc:title>\n\
         <dc:language>{language}</dc:language>\n\
         <dc:description>{}</dc:description>\n\
         <meta property=\"dcterms:modified\">{}</meta>\n\
         </metadata>\n<manifest>\n\
         <item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>\n\
         <item id=\"title-page\" href=\"title.xhtml\" media-type=\"application/xhtml+xml\"/>\n\
         <item id=\"style\" href=\"style.css\" media-type=\"text/css\"/>\n",
        random_uuid(),
        escape(&about.summary()),
        about.exported_at.rfc3339(),
    )?;
    for id in &chapters {
        writeln!(
            book,
            "<item id=\"document-{id}\" href=\"documents/{id}.xhtml\" media-type=\"application/xhtml+xml\"/>"
        )?;
    }
    book.write_all(b"</manifest>\n<spine>\n<itemref idref=\"title-page\"/>\n<itemref idref=\"nav\"/>\n")?;
    for id in &chapters {
        writeln!(book, "<itemref idref=\"document-{id}\"/>")?;
    }
    book.write_all(b"</spine>\n</package>\n")?;
    book.finish()?.flush()?;
    Ok(chapters.len())
}

/// A random (version 4) UUID for the book's identifier, from the random keys the
/// standard library seeds its hash maps with: no dependency for 128 random bits.
fn random_uuid() -> String {
    let random = || {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u128(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_nanos()));
        hasher.finish()
    };
    let (high, low) = (random(), random());
    let high = (high & !0xf000) | 0x4000;
    let low = (low & !(0b11 << 62)) | (0b10 << 62);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0xffff,
        low >> 48,
        low & 0xffff_ffff_ffff
    )
}

/// A moment in UTC, to the second.
#[derive(Debug, Clone, Copy)]
struct UtcTime {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

impl UtcTime {
    fn now() -> UtcTime {
        UtcTime::from_unix(
            SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs()) as i64
        )
    }

    fn from_unix(seconds: i64) -> UtcTime {
        let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400) as u32);
        // Civil date from days since 1970-01-01 (Howard Hinnant's `civil_from_days`).
        let shifted = days + 719_468;
        let era = shifted.div_euclid(146_097);
        let day_of_era = shifted.rem_euclid(146_097);
        let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_from_march = (5 * day_of_year + 2) / 153;
        let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
        let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 } as u32;
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        UtcTime { year, month, day, hour: rest / 3600, minute: rest / 60 % 60, second: rest % 60 }
    }

    fn date(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `2025-05-01T12:00:00Z`, as `dcterms:modified` wants it.
    fn rfc3339(&self) -> String {
        format!("{}T{:02}:{:02}:{:02}Z", self.date(), self.hour, self.minute, self.second)
    }

    /// The time for the book's members (ZIP times start in 1980).
    fn zip_time(&self) -> zip::DateTime {
        u16::try_from(self.year)
            .ok()
            .and_then(|year| {
                zip::DateTime::from_date_and_time(
                    year,
                    self.month as u8,
                    self.day as u8,
                    self.hour as u8,
                    self.minute as u8,
                    self.second as u8,
                )
                .ok()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::{UtcTime, escape, random_uuid, web_address};

    #[test]
    fn escaping_leaves_no_markup_and_no_character_xml_forbids() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(escape("a\u{1}b\u{ffff}\tc"), "a\u{fffd}b\u{fffd}\tc");
    }

    #[test]
    fn only_web_addresses_are_linked_and_they_are_valid_uris() {
        assert_eq!(web_address("javascript:alert(1)"), None);
        assert_eq!(web_address("story.html"), None);
        assert_eq!(web_address("https://a.example/b c"), None);
        assert_eq!(
            web_address("HTTPS://a.example/Köln?q=<2>&r=\"x\"").as_deref(),
            Some("HTTPS://a.example/K%C3%B6ln?q=%3C2%3E&r=%22x%22")
        );
    }

    #[test]
    fn uuids_are_version_4() {
        let uuid = random_uuid();
        assert_eq!(uuid.len(), 36, "{uuid}");
        assert_eq!(&uuid[14..15], "4", "{uuid}");
        assert!(matches!(&uuid[19..20], "8" | "9" | "a" | "b"), "{uuid}");
        assert_ne!(uuid, random_uuid());
    }

    #[test]
    fn unix_time_reads_as_a_civil_date() {
        for (seconds, expected) in [
            (0, "1970-01-01T00:00:00Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (1_709_251_199, "2024-02-29T23:59:59Z"),
            (1_735_689_600, "2025-01-01T00:00:00Z"),
            (4_107_542_400, "2100-03-01T00:00:00Z"),
            (-1, "1969-12-31T23:59:59Z"),
        ] {
            assert_eq!(UtcTime::from_unix(seconds).rfc3339(), expected, "{seconds}");
        }
    }
}
