//! Exports of read-it-later services and browsers: Pocket (CSV and the older HTML),
//! Instapaper (CSV), Wallabag (JSON), Omnivore and Readeck (ZIP archives) and
//! Netscape bookmark files. Each saved link becomes a document through
//! [`crate::entry::Entry`]: the export's tags, dates and read state are kept, and a
//! link whose text the export does not carry is kept with an empty body and a
//! `not-fetched` diagnostic. Every field read from an export is recorded in
//! `metadata_sources` under the service's name (`pocket`, `wallabag` …).

pub mod bookmarks;
pub mod instapaper;
pub mod omnivore;
pub mod pocket;
pub mod readeck;
pub mod wallabag;

use crate::Format;

/// The export an HTML-like input is, from its start (`head`, lowercased).
pub(crate) fn detect_html(head: &[u8]) -> Option<Format> {
    let contains = |needle: &[u8]| head.windows(needle.len()).any(|window| window == needle);
    if head.starts_with(b"<!doctype netscape-bookmark-file-1>") {
        Some(Format::Bookmarks)
    } else if contains(b"<title>pocket export</title>") {
        Some(Format::PocketHtml)
    } else {
        None
    }
}

/// The CSV export an input is, from its header line (`head`, lowercased).
pub(crate) fn detect_csv(head: &[u8]) -> Option<Format> {
    let line = head.split(|byte| *byte == b'\n').next()?;
    let columns: Vec<&[u8]> = line.trim_ascii().split(|byte| *byte == b',').map(<[u8]>::trim_ascii).collect();
    let has = |name: &[u8]| columns.contains(&name);
    if has(b"url") && has(b"time_added") {
        Some(Format::PocketCsv)
    } else if has(b"url") && has(b"title") && has(b"folder") && has(b"timestamp") {
        Some(Format::InstapaperCsv)
    } else {
        None
    }
}

/// Reads a CSV export: the header's columns by name (lowercased), then one call of
/// `row` per record with its 1-based line. A record the CSV reader cannot read is
/// skipped with its line.
pub(crate) fn read_csv(
    bytes: &[u8],
    mut row: impl FnMut(&dyn Fn(&str) -> Option<String>, usize) -> Result<crate::Item, String>,
) -> Result<crate::Collection, crate::ParseError> {
    let (input, diagnostics) = crate::decode::decode(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|error| crate::ParseError::Invalid(format!("the CSV header cannot be read: {error}")))?
        .iter()
        .map(|header| header.trim().trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    let mut collection = crate::Collection::default();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, |position| position.line() as usize);
                collection
                    .skipped
                    .push(crate::Skipped::at_line(line, format!("not readable as CSV: {error}")));
                continue;
            }
        };
        let line = record.position().map_or(0, |position| position.line() as usize);
        let field = |name: &str| -> Option<String> {
            let index = headers.iter().position(|header| header == name)?;
            record.get(index).map(str::trim).filter(|value| !value.is_empty()).map(str::to_owned)
        };
        match row(&field, line) {
            Ok(item) => collection.items.push(item),
            Err(reason) => collection.skipped.push(crate::Skipped::at_line(line, reason)),
        }
    }
    collection.finish(diagnostics, "the export holds no rows")
}
