//! `dossier reparse`: parses every stored document again from its original bytes
//! with the current parser, so that parser improvements reach the whole archive.
//! A document whose parse changes is updated in place (with its search entry and
//! story); this is not a new revision, since the source is the same.
//!
//! Pages of documents are read in id order, parsed again on every core, and the
//! changed ones are planned (`crate::plan`) and written like an import batch, one
//! transaction a page. An unchanged document whose model was stored compressed
//! alone, before models were compressed against their originals, has its model
//! rewritten that way (`Recompression`), with nothing else about it.

use dossier_core::Format;

use crate::import::{PreparedDocument, decode_model_against, decompress};
use crate::pipeline::{BATCH_SIZE, load_in_parallel};
use crate::{Backend, Result, Store, postgres, sqlite};

/// What a reparse did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReparseReport {
    pub examined: usize,
    pub changed: usize,
    /// Documents whose parse is unchanged but whose model, stored before models
    /// were compressed against their originals, now is (smaller, same content).
    pub recompressed: usize,
    /// Documents left as they were, with why.
    pub failed: Vec<(i64, String)>,
}

/// A stored document and what parsing it again needs.
pub(crate) struct Stored {
    pub(crate) id: i64,
    pub(crate) fingerprint: String,
    pub(crate) story: i64,
    pub(crate) model: Vec<u8>,
    /// The SHA-256 of the original the stored model was compressed against, if
    /// it was, and that original's compressed bytes when it is not the source's
    /// below (the source's are read and decompressed once, for both).
    pub(crate) model_original: Option<String>,
    pub(crate) model_original_data: Option<Vec<u8>>,
    pub(crate) format: String,
    pub(crate) position: usize,
    /// The SHA-256 of the newest source that set its text, and its original
    /// bytes, compressed as stored, with their length; decompressed on the
    /// parsing cores.
    pub(crate) original_sha256: String,
    pub(crate) original: Option<(Vec<u8>, i64)>,
}

/// A page row: id, fingerprint, story, model, the SHA-256 of the original the
/// model was compressed against and that original's bytes unless it is the
/// source's, format, position, the source's original's SHA-256, and that
/// original's compressed bytes and length (absent if it is missing).
pub(crate) type StoredRow = (
    i64,
    String,
    i64,
    Vec<u8>,
    Option<String>,
    Option<Vec<u8>>,
    String,
    i64,
    String,
    Option<Vec<u8>>,
    Option<i64>,
);

impl From<StoredRow> for Stored {
    fn from(
        (
            id,
            fingerprint,
            story,
            model,
            model_original,
            model_original_data,
            format,
            position,
            original_sha256,
            data,
            length,
        ): StoredRow,
    ) -> Stored {
        Stored {
            id,
            fingerprint,
            story,
            model,
            model_original,
            model_original_data,
            format,
            position: position as usize,
            original_sha256,
            original: data.zip(length),
        }
    }
}

/// A stored document whose new parse differs from what is stored.
pub(crate) struct Change {
    pub(crate) id: i64,
    pub(crate) fingerprint: String,
    pub(crate) story: i64,
    pub(crate) prepared: PreparedDocument,
}

/// A stored model compressed alone that can be compressed against its original
/// now, its document unchanged: written only where the stored model is still
/// `stored` (an import may have revised the document since it was read).
pub(crate) struct Recompression {
    pub(crate) id: i64,
    pub(crate) stored: Vec<u8>,
    pub(crate) model: Vec<u8>,
    pub(crate) original: String,
}

/// What updating one changed document did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Updated {
    Changed,
    /// Its new text is another document's: left as it was.
    Collides(i64),
}

impl Store {
    pub async fn reparse(&self) -> Result<ReparseReport> {
        let mut report = ReparseReport::default();
        let mut after = 0;
        loop {
            let page = match &self.backend {
                Backend::Sqlite(pool) => sqlite::reparse_page(pool, after, BATCH_SIZE as i64).await?,
                Backend::Postgres(database) => {
                    postgres::reparse_page(database, after, BATCH_SIZE as i64).await?
                }
            };
            let Some(last) = page.last() else { break };
            after = last.id;
            report.examined += page.len();
            let mut changes = Vec::new();
            let mut recompressions = Vec::new();
            for (stored, parsed) in parse_again(page) {
                match parsed {
                    Err(reason) => report.failed.push((stored.id, reason)),
                    Ok((prepared, true)) => {
                        if let (None, Some(original)) = (&stored.model_original, prepared.model_original) {
                            recompressions.push(Recompression {
                                id: stored.id,
                                stored: stored.model,
                                model: prepared.model,
                                original,
                            });
                        }
                    }
                    Ok((prepared, false)) => changes.push(Change {
                        id: stored.id,
                        fingerprint: stored.fingerprint,
                        story: stored.story,
                        prepared,
                    }),
                }
            }
            if !recompressions.is_empty() {
                report.recompressed += match &self.backend {
                    Backend::Sqlite(pool) => sqlite::recompress(pool, &recompressions).await?,
                    Backend::Postgres(database) => postgres::recompress(database, &recompressions).await?,
                };
            }
            if changes.is_empty() {
                continue;
            }
            let outcomes = match &self.backend {
                Backend::Sqlite(pool) => sqlite::apply_reparse(pool, &changes, self.story_threshold).await?,
                Backend::Postgres(database) => {
                    postgres::apply_reparse(database, &changes, self.story_threshold).await?
                }
            };
            for (id, updated) in outcomes {
                match updated {
                    Updated::Changed => report.changed += 1,
                    Updated::Collides(other) => report.failed.push((
                        id,
                        format!("its new text is the same as document {other}'s; left unchanged"),
                    )),
                }
            }
        }
        Ok(report)
    }
}

/// A stored document's new parse and whether it is exactly what is stored, or
/// why there is none.
type Reparsed = Result<(PreparedDocument, bool), String>;

/// Parses stored documents again from their original bytes, on every core.
fn parse_again(page: Vec<Stored>) -> Vec<(Stored, Reparsed)> {
    load_in_parallel(page, &|mut stored: Stored| {
        let format = Format::from_name(&stored.format).unwrap_or(Format::Text);
        let original = match stored.original.take().map(|(data, length)| decompress(&data, length as usize)) {
            None => Err("its original bytes are missing".to_owned()),
            Some(Err(error)) => Err(format!("its original bytes cannot be read: {error}")),
            Some(Ok(bytes)) => Ok(bytes),
        };
        let parsed = original.and_then(|bytes| {
            let mut documents = dossier_core::parse(&bytes, format).map_err(|error| error.to_string())?;
            if stored.position >= documents.len() {
                return Err("the original no longer yields this document".to_owned());
            }
            let only = (documents.len() == 1).then_some((bytes.as_slice(), stored.original_sha256.as_str()));
            let prepared = PreparedDocument::new(documents.swap_remove(stored.position), only);
            // The stored model, read against the source's bytes decompressed above
            // when those are its original; one that cannot be read counts as changed.
            let other;
            let prefix = match &stored.model_original {
                None => None,
                Some(sha256) if *sha256 == stored.original_sha256 => Some(bytes.as_slice()),
                Some(_) => {
                    other = stored
                        .model_original_data
                        .as_deref()
                        .and_then(|data| decompress(data, data.len() * 4).ok());
                    other.as_deref()
                }
            };
            let unchanged = decode_model_against(stored.id, &stored.model, prefix)
                .is_ok_and(|stored| stored == prepared.document);
            Ok((prepared, unchanged))
        });
        (stored, parsed)
    })
}
