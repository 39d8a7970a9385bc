//! Derived data computed from a parsed document: quotes with their speakers,
//! named entities, dated events, the language, word count, reading time and the
//! content fingerprint used for exact deduplication.

use std::cell::Cell;

use sha2::{Digest, Sha256};

use crate::model::{Document, WORDS_PER_MINUTE};
use crate::{entities, events, language, quotes};

/// Fills in every derived field from the metadata and blocks. Runs last for every
/// parsed document.
pub(crate) fn finish(document: &mut Document) {
    finish_with(document, true);
}

/// As [`finish`]; `extract_quotes` is false when the input already listed its quotes
/// (a JSON document), which are then kept as given.
pub(crate) fn finish_with(document: &mut Document, extract_quotes: bool) {
    if extract_quotes {
        let (quotes, diagnostics) = quotes::extract(document);
        document.quotes = quotes;
        document.diagnostics.extend(diagnostics);
    }
    if !WITHOUT_ENTITIES_AND_EVENTS.get() {
        document.entities = entities::find(document);
        entities::link_speakers(&mut document.quotes, &document.entities, &document.title, &document.blocks);
        document.events = events::find(document);
    }
    if document.language.is_none()
        && let Some(language) = language::detect(document)
    {
        document.language = Some(language);
        document.metadata_sources.insert("language".into(), "detected".into());
    }
    let body: Vec<String> = document.blocks.iter().map(|block| block.text()).collect();
    document.word_count = body.iter().map(|text| count_words(text)).sum();
    document.reading_minutes =
        if document.word_count == 0 { 0 } else { document.word_count.div_ceil(WORDS_PER_MINUTE) };
    document.fingerprint = fingerprint(&document.title, &body);
}

thread_local! {
    /// Set while [`without_entities_and_events`] runs: what finding entities and
    /// events adds to parsing is measured against parsing without it.
    static WITHOUT_ENTITIES_AND_EVENTS: Cell<bool> = const { Cell::new(false) };
}

/// Runs `parse` with the entity and event stage left out on this thread.
pub(crate) fn without_entities_and_events<T>(parse: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            WITHOUT_ENTITIES_AND_EVENTS.set(self.0);
        }
    }
    let _restore = Restore(WITHOUT_ENTITIES_AND_EVENTS.replace(true));
    parse()
}

fn count_words(text: &str) -> usize {
    text.split_whitespace().filter(|word| word.chars().any(char::is_alphanumeric)).count()
}

/// Hex SHA-256 (first 128 bits) of the title and body, lowercased with every run of
/// whitespace and punctuation folded to one space, so that copies differing only in
/// layout or typography share a fingerprint.
pub fn fingerprint(title: &str, body: &[String]) -> String {
    let mut hasher = Sha256::new();
    let mut pending_space = false;
    let mut started = false;
    // Normalised text is fed in chunks: hashing per character costs more than the rest
    // of the derivation together.
    let mut buffer = String::with_capacity(64 * 1024);
    for part in std::iter::once(title).chain(body.iter().map(String::as_str)) {
        for character in part.chars() {
            if character.is_alphanumeric() {
                if pending_space && started {
                    buffer.push(' ');
                }
                pending_space = false;
                started = true;
                if character.is_ascii() {
                    buffer.push(character.to_ascii_lowercase());
                } else {
                    buffer.extend(character.to_lowercase());
                }
            } else {
                pending_space = true;
            }
        }
        pending_space = true;
        if buffer.len() >= 60 * 1024 {
            hasher.update(buffer.as_bytes());
            buffer.clear();
        }
    }
    hasher.update(buffer.as_bytes());
    let digest = hasher.finalize();
    digest[..16].iter().map(|byte| format!("{byte:02x}")).collect()
}
