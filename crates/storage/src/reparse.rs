//! `dossier reparse`: parses every stored document again from its original bytes
//! with the current parser, so that parser improvements reach the whole archive.
//! A document whose parse changes is updated in place (with its search entry and
//! story); this is not a new revision, since the source is the same.

use dossier_core::Format;

use crate::import::PreparedDocument;
use crate::pipeline::load_in_parallel;
use crate::{Backend, Result, Store, postgres, sqlite};

/// What a reparse did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReparseReport {
    pub examined: usize,
    pub changed: usize,
    /// Documents left as they were, with why.
    pub failed: Vec<(i64, String)>,
}

/// A stored document and what parsing it again needs.
pub(crate) struct Stored {
    pub(crate) id: i64,
    pub(crate) fingerprint: String,
    pub(crate) model: Vec<u8>,
    pub(crate) format: String,
    pub(crate) position: usize,
}

impl Store {
    pub async fn reparse(&self) -> Result<ReparseReport> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::reparse(pool, self.story_threshold).await,
            Backend::Postgres(database) => postgres::reparse(database, self.story_threshold).await,
        }
    }
}

/// Parses stored documents again from their original bytes, on every core.
pub(crate) fn parse_again(inputs: Vec<(Stored, Vec<u8>)>) -> Vec<(Stored, Result<PreparedDocument, String>)> {
    load_in_parallel(inputs, &|(stored, bytes): (Stored, Vec<u8>)| {
        let format = Format::from_name(&stored.format).unwrap_or(Format::Text);
        let parsed = match dossier_core::parse(&bytes, format) {
            Err(error) => Err(error.to_string()),
            Ok(mut documents) if stored.position < documents.len() => {
                Ok(PreparedDocument::new(documents.swap_remove(stored.position)))
            }
            Ok(_) => Err("the original no longer yields this document".to_owned()),
        };
        (stored, parsed)
    })
}

/// What updating one stored document did.
pub(crate) enum Updated {
    Changed,
    Unchanged,
    Collides(i64),
}

impl ReparseReport {
    pub(crate) fn record(&mut self, id: i64, updated: Updated) {
        match updated {
            Updated::Changed => self.changed += 1,
            Updated::Unchanged => {}
            Updated::Collides(other) => self
                .failed
                .push((id, format!("its new text is the same as document {other}'s; left unchanged"))),
        }
    }
}

/// Whether the new parse is exactly what is stored.
pub(crate) fn unchanged(stored: &Stored, prepared: &PreparedDocument) -> bool {
    crate::import::decode_model(stored.id, &stored.model).ok().as_ref() == Some(&prepared.document)
}
