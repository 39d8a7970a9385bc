//! Derived data computed from a parsed document: quotes with their speakers,
//! named entities, dated events, the language, word count, reading time and the
//! content fingerprint used for exact deduplication.

use std::borrow::Cow;
use std::cell::Cell;

use sha2::{Digest, Sha256};

use crate::model::{Block, Document, WORDS_PER_MINUTE};
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
    if document.language.is_none()
        && let Some(language) = language::detect(document)
    {
        document.language = Some(language);
        document.metadata_sources.insert("language".into(), "detected".into());
    }
    let body: Vec<Cow<str>> = document.blocks.iter().map(Block::text_borrowed).collect();
    document.word_count = body.iter().map(|text| count_words(text)).sum();
    document.reading_minutes =
        if document.word_count == 0 { 0 } else { document.word_count.div_ceil(WORDS_PER_MINUTE) };
    document.fingerprint = fingerprint(&document.title, &body);
    drop(body);
    // Last: the stage's word tables and buffers push the rest of parsing's data
    // out of the processor's first-level cache, and run before the language, the
    // word count and the fingerprint, it left them to miss it (BENCHMARKS.md).
    if !WITHOUT_ENTITIES_AND_EVENTS.get() {
        document.entities = entities::find(document);
        entities::link_speakers(&mut document.quotes, &document.entities, &document.title, &document.blocks);
        document.events = events::find(document);
    }
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

/// What an ASCII byte is to the word count and the fingerprint: whitespace (as
/// `char::is_whitespace`, with the vertical tab that `u8::is_ascii_whitespace`
/// leaves out), a letter or digit, or other punctuation; bytes from 0x80 start or
/// go on a character that is decoded.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum ByteClass {
    Space = 0,
    Alphanumeric = 1,
    Punctuation = 2,
    NotAscii = 3,
}

const BYTE_CLASSES: [ByteClass; 256] = {
    let mut classes = [ByteClass::NotAscii; 256];
    let mut byte = 0;
    while byte < 0x80 {
        let value = byte as u8;
        classes[byte] = if matches!(value, b'\t'..=b'\r' | b' ') {
            ByteClass::Space
        } else if value.is_ascii_alphanumeric() {
            ByteClass::Alphanumeric
        } else {
            ByteClass::Punctuation
        };
        byte += 1;
    }
    classes
};

/// The class of the character starting at `at` (not ASCII) and its width.
fn class_of_character(text: &str, at: usize) -> (ByteClass, char, usize) {
    let character = text[at..].chars().next().unwrap_or(' ');
    let class = if character.is_whitespace() {
        ByteClass::Space
    } else if character.is_alphanumeric() {
        ByteClass::Alphanumeric
    } else {
        ByteClass::Punctuation
    };
    (class, character, character.len_utf8())
}

/// The words of `text`: its runs of non-whitespace holding a letter or a digit.
fn count_words(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut count, mut at) = (0, 0);
    // Whether the run being read (if any) is counted already: outside a run and at
    // a run's leading punctuation, a letter or digit is what counts it.
    let mut counted = false;
    while at < bytes.len() {
        let (class, width) = match BYTE_CLASSES[usize::from(bytes[at])] {
            ByteClass::NotAscii => {
                let (class, _, width) = class_of_character(text, at);
                (class, width)
            }
            class => (class, 1),
        };
        at += width;
        match class {
            ByteClass::Space => counted = false,
            ByteClass::Alphanumeric => {
                count += usize::from(!counted);
                counted = true;
                // The rest of the run, up to whitespace or a character to decode.
                while at < bytes.len()
                    && matches!(
                        BYTE_CLASSES[usize::from(bytes[at])],
                        ByteClass::Alphanumeric | ByteClass::Punctuation
                    )
                {
                    at += 1;
                }
            }
            ByteClass::Punctuation | ByteClass::NotAscii => {}
        }
    }
    count
}

/// Lowercase ASCII letters and digits by byte, and 0 for every other byte.
const ASCII_FOLDED: [u8; 256] = {
    let mut folded = [0; 256];
    let mut byte = 0;
    while byte < 0x80 {
        let value = byte as u8;
        if value.is_ascii_alphanumeric() {
            folded[byte] = value.to_ascii_lowercase();
        }
        byte += 1;
    }
    folded
};

/// Hex SHA-256 (first 128 bits) of the title and body, lowercased with every run of
/// whitespace and punctuation folded to one space, so that copies differing only in
/// layout or typography share a fingerprint.
pub fn fingerprint(title: &str, body: &[impl AsRef<str>]) -> String {
    let mut hasher = Sha256::new();
    let mut pending_space = false;
    let mut started = false;
    // Normalised text is fed in chunks: hashing per character costs more than the rest
    // of the derivation together. Most text is ASCII, folded through a table a word
    // at a time.
    let mut buffer: Vec<u8> = Vec::with_capacity(64 * 1024);
    for part in std::iter::once(title).chain(body.iter().map(AsRef::as_ref)) {
        let bytes = part.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            let byte = bytes[at];
            let folded = ASCII_FOLDED[usize::from(byte)];
            if folded != 0 {
                if pending_space && started {
                    buffer.push(b' ');
                }
                (pending_space, started) = (false, true);
                // The whole ASCII word, copied folded in one extension.
                let end = bytes[at..]
                    .iter()
                    .position(|&next| ASCII_FOLDED[usize::from(next)] == 0)
                    .map_or(bytes.len(), |length| at + length);
                buffer.extend(bytes[at..end].iter().map(|&next| ASCII_FOLDED[usize::from(next)]));
                at = end;
                continue;
            }
            if byte.is_ascii() {
                pending_space = true;
                at += 1;
                continue;
            }
            let (class, character, width) = class_of_character(part, at);
            at += width;
            if class != ByteClass::Alphanumeric {
                pending_space = true;
                continue;
            }
            if pending_space && started {
                buffer.push(b' ');
            }
            (pending_space, started) = (false, true);
            for lower in character.to_lowercase() {
                buffer.extend_from_slice(lower.encode_utf8(&mut [0; 4]).as_bytes());
            }
        }
        pending_space = true;
        if buffer.len() >= 60 * 1024 {
            hasher.update(&buffer);
            buffer.clear();
        }
    }
    hasher.update(&buffer);
    let digest = hasher.finalize();
    digest[..16].iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::{count_words, fingerprint};

    /// The fingerprint as first defined, a character at a time: stored documents
    /// are found by theirs, so `fingerprint` must keep giving exactly these.
    fn reference_fingerprint(title: &str, body: &[String]) -> String {
        use sha2::{Digest, Sha256};
        let mut normalised = String::new();
        let (mut pending_space, mut started) = (false, false);
        for part in std::iter::once(title).chain(body.iter().map(String::as_str)) {
            for character in part.chars() {
                if character.is_alphanumeric() {
                    if pending_space && started {
                        normalised.push(' ');
                    }
                    (pending_space, started) = (false, true);
                    normalised.extend(character.to_lowercase());
                } else {
                    pending_space = true;
                }
            }
            pending_space = true;
        }
        let digest = Sha256::digest(normalised.as_bytes());
        digest[..16].iter().map(|byte| format!("{byte:02x}")).collect()
    }

    fn reference_count(text: &str) -> usize {
        text.split_whitespace().filter(|word| word.chars().any(char::is_alphanumeric)).count()
    }

    #[test]
    fn fingerprints_fold_case_punctuation_and_layout() {
        let body = ["The quay reopens — on Monday.".to_owned(), "ÉTÉ İstanbul".to_owned()];
        let folded = ["the QUAY reopens on monday".to_owned(), "été\tİSTANBUL!".to_owned()];
        assert_eq!(fingerprint("A Title", &body), fingerprint("a   title:", &folded));
        assert_ne!(fingerprint("A Title", &body), fingerprint("A Title 2", &body));
        assert_eq!(fingerprint("A Title", &body), reference_fingerprint("A Title", &body));
        assert_eq!(count_words("One, two — 3\u{a0}four\u{2003}five\u{b}six ..."), 6);
    }

    proptest::proptest! {
        /// Any text, in any script, gives the fingerprint and the word count of
        /// their character-by-character definitions.
        #[test]
        fn fingerprints_and_counts_match_their_definitions(
            title in "(?s).{0,40}",
            body in proptest::collection::vec("(?s)[a-zA-Z0-9 ,.'’—\t\n\u{b}\u{c}\u{1c}\u{85}\u{a0}\u{2003}\u{307}ÄÖÜßİΣσςǅ]{0,60}|.{0,30}", 0..6),
        ) {
            proptest::prop_assert_eq!(fingerprint(&title, &body), reference_fingerprint(&title, &body));
            for text in &body {
                proptest::prop_assert_eq!(count_words(text), reference_count(text));
            }
        }
    }
}
