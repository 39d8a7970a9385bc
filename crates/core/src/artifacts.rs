//! Scraping artifacts in plain text: words glued across a lost link boundary
//! (`dailymailMeta`) and a fragment repeated at a paragraph's end (`… data. users.`).
//!
//! Each finding becomes a diagnostic carrying the original text; the text is changed
//! only when the repair is certain by the rules below, so nothing a reader needs is lost.

use std::collections::HashMap;

use crate::model::{Block, Diagnostic, DiagnosticCode, Document};

/// How many earlier text blocks a repeated fragment may echo.
const FRAGMENT_LOOKBACK: usize = 3;
/// A stray fragment is a word or a few.
const MAX_FRAGMENT_WORDS: usize = 4;

/// Finds and, where certain, repairs artifacts in the document's paragraphs.
/// `block_lines` holds each block's first input line.
pub(crate) fn repair(document: &mut Document, block_lines: &[usize]) {
    // Counting words is the costly part: only do it when some token has the glued shape.
    let has_glued_shape = document.blocks.iter().any(|block| match block {
        Block::Paragraph { text } => has_glued_word(text),
        _ => false,
    });
    let counts = if has_glued_shape { WordCounts::of(document) } else { WordCounts::empty() };
    let mut diagnostics = Vec::new();
    let mut repaired = Vec::new();
    for (index, block) in document.blocks.iter().enumerate() {
        let line = block_lines.get(index).copied();
        let Block::Paragraph { text: original } = block else {
            continue;
        };
        let mut text = original.clone();
        if has_glued_shape {
            glued_words(&mut text, &counts, index, line, &mut diagnostics);
        }
        let earlier = &document.blocks[index.saturating_sub(FRAGMENT_LOOKBACK)..index];
        repeated_fragment(&mut text, earlier, index, line, &mut diagnostics);
        if text != *original {
            repaired.push((index, text));
        }
    }
    for (index, text) in repaired {
        document.blocks[index] = Block::Paragraph { text };
    }
    document.diagnostics.extend(diagnostics);
}

fn locate(diagnostic: Diagnostic, block: usize, line: Option<usize>) -> Diagnostic {
    let diagnostic = diagnostic.in_block(block);
    match line {
        Some(line) => diagnostic.at_line(line),
        None => diagnostic,
    }
}

/// How often each word occurs in the document, standalone and as a proper noun
/// (capitalised in mid-sentence, so not merely sentence-initial).
struct WordCounts<'a> {
    standalone: HashMap<&'a str, usize>,
    mid_sentence: HashMap<&'a str, usize>,
}

impl<'a> WordCounts<'a> {
    fn empty() -> WordCounts<'a> {
        WordCounts { standalone: HashMap::new(), mid_sentence: HashMap::new() }
    }

    fn of(document: &'a Document) -> WordCounts<'a> {
        let mut counts = WordCounts { standalone: HashMap::new(), mid_sentence: HashMap::new() };
        let texts =
            std::iter::once(document.title.as_str()).chain(document.blocks.iter().filter_map(|block| {
                match block {
                    Block::Paragraph { text } | Block::Heading { text, .. } | Block::Quote { text, .. } => {
                        Some(text.as_str())
                    }
                    _ => None,
                }
            }));
        for text in texts {
            let mut sentence_start = true;
            for raw in text.split_whitespace() {
                let word = core_word(raw);
                // Only words with a capital can be a glued token or its tail.
                if word.chars().any(char::is_uppercase) {
                    *counts.standalone.entry(word).or_default() += 1;
                    if !sentence_start {
                        *counts.mid_sentence.entry(word).or_default() += 1;
                    }
                }
                sentence_start = raw.ends_with(['.', '!', '?', ':', '“', '"', '«']);
            }
        }
        counts
    }
}

/// The word without surrounding punctuation or a possessive `'s`.
fn core_word(raw: &str) -> &str {
    let word = raw.trim_matches(|character: char| !character.is_alphanumeric());
    word.strip_suffix("'s").or_else(|| word.strip_suffix("’s")).unwrap_or(word)
}

/// Whether a word of `text` has the glued shape (`split_glued`). Such a word has a
/// lowercase letter just before an uppercase one, which most paragraphs do not:
/// they are refused in one pass over their bytes.
fn has_glued_word(text: &str) -> bool {
    let lower_before_upper = ascii_lower_before_upper(text.as_bytes()).unwrap_or_else(|| {
        text.chars()
            .zip(text.chars().skip(1))
            .any(|(first, second)| first.is_lowercase() && second.is_uppercase())
    });
    lower_before_upper && text.split_whitespace().any(|raw| split_glued(core_word(raw)).is_some())
}

/// Whether an ASCII lowercase letter comes right before an uppercase one in
/// `bytes`, read eight bytes at a time; `None` when a byte is not ASCII.
fn ascii_lower_before_upper(bytes: &[u8]) -> Option<bool> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const fn splat(byte: u8) -> u64 {
        0x0101_0101_0101_0101 * byte as u64
    }
    // In bytes below 0x80, adding at most 0x80 sets a byte's top bit exactly when it
    // reaches the bound, and never carries into the next byte.
    let in_range = |word: u64, first: u8, last: u8| {
        word.wrapping_add(splat(0x80 - first)) & !word.wrapping_add(splat(0x80 - last - 1)) & HIGH
    };
    let (mut found, mut carried) = (false, 0);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(chunk);
        let word = u64::from_le_bytes(eight);
        if word & HIGH != 0 {
            return None;
        }
        let lower = in_range(word, b'a', b'z');
        // Each byte's lowercase bit moved onto the byte after it; the last byte's
        // onto the next chunk's first.
        found |= ((lower << 8) | carried) & in_range(word, b'A', b'Z') != 0;
        carried = lower >> 56;
    }
    let mut previous_lower = carried != 0;
    for &byte in chunks.remainder() {
        if !byte.is_ascii() {
            return None;
        }
        found |= previous_lower && byte.is_ascii_uppercase();
        previous_lower = byte.is_ascii_lowercase();
    }
    Some(found)
}

/// `dailymailMeta` → (`dailymail`, `Meta`): a lowercase run of three or more letters
/// immediately followed by one capitalised word, and nothing else.
fn split_glued(word: &str) -> Option<(&str, &str)> {
    let boundary = word.find(|character: char| character.is_uppercase())?;
    let (head, tail) = word.split_at(boundary);
    let mut tail_characters = tail.chars();
    tail_characters.next();
    let rest = tail_characters.as_str();
    let shaped = head.chars().count() >= 3
        && head.chars().all(|character| character.is_alphabetic() && character.is_lowercase())
        && !rest.is_empty()
        && rest.chars().all(|character| character.is_alphabetic() && character.is_lowercase());
    shaped.then_some((head, tail))
}

fn glued_words(
    text: &mut String,
    counts: &WordCounts,
    block: usize,
    line: Option<usize>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if !has_glued_word(text) {
        return;
    }
    let mut words: Vec<String> = text.split(' ').map(str::to_owned).collect();
    for raw in &mut words {
        let word = core_word(raw);
        let Some((head, tail)) = split_glued(word) else {
            continue;
        };
        if counts.standalone.get(word).copied().unwrap_or(0) > 1 {
            // A token used more than once is a word of the text (a name, a brand).
            continue;
        }
        let tail_is_a_name = counts.mid_sentence.get(tail).copied().unwrap_or(0) > 0;
        let original = word.to_owned();
        if tail_is_a_name {
            let replacement = format!("{head} {tail}");
            diagnostics.push(locate(
                Diagnostic::new(
                    DiagnosticCode::GluedWords,
                    format!("`{original}` reads as two words glued across a lost link; `{tail}` occurs on its own elsewhere"),
                )
                .repaired(original.clone(), replacement.clone()),
                block,
                line,
            ));
            *raw = raw.replacen(&original, &replacement, 1);
        } else {
            diagnostics.push(locate(
                Diagnostic::new(
                    DiagnosticCode::GluedWords,
                    format!("`{original}` may be two words glued together; left as it is"),
                )
                .found(original),
                block,
                line,
            ));
        }
    }
    *text = words.join(" ");
}

/// Lowercased alphanumeric words, for comparing fragments.
fn normalized_words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|word| core_word(word).to_lowercase())
        .filter(|word| !word.is_empty())
        .collect()
}

fn ends_with_words(text: &str, words: &[String]) -> bool {
    let mut text_words = normalized_words(text);
    if text_words.len() < words.len() {
        return false;
    }
    let tail = text_words.split_off(text_words.len() - words.len());
    tail == words
}

/// Abbreviations after which a lowercase word does not start a new sentence.
fn is_abbreviation(word: &str) -> bool {
    let bare = word.trim_end_matches('.');
    if bare.contains('.') || bare.chars().count() == 1 {
        return true;
    }
    let lower = bare.to_lowercase();
    crate::abbreviation::is_common(&lower) || matches!(lower.as_str(), "no" | "approx")
}

/// Where the paragraph's last words start when they are a fragment: at most
/// `MAX_FRAGMENT_WORDS` words after a sentence's end (not an abbreviation's), the
/// first lowercase, none ending a sentence but the last. Words are parted at
/// single spaces, so the fragment is the text's end.
fn fragment_start(text: &str) -> Option<usize> {
    // The last words, the last first, and the word before the fragment. When there
    // are more, the last piece is the rest of the text.
    let last: Vec<&str> = text.rsplitn(MAX_FRAGMENT_WORDS + 2, ' ').collect();
    let all_words = last.len() < MAX_FRAGMENT_WORDS + 2;
    if all_words && last.len() < 3 {
        return None;
    }
    let longest = if all_words { MAX_FRAGMENT_WORDS.min(last.len() - 1) } else { MAX_FRAGMENT_WORDS };
    let mut fragment_length = None;
    for (count, previous) in last.iter().enumerate().take(longest + 1).skip(1) {
        let previous = previous.trim_end_matches(['”', '"', '’', '»', ')']);
        if previous.ends_with(['.', '!', '?']) {
            if !is_abbreviation(previous) {
                fragment_length = Some(count);
            }
            break;
        }
    }
    let count = fragment_length?;
    let start = text.len() - (last[..count].iter().map(|word| word.len()).sum::<usize>() + count - 1);
    let starts_lowercase = text[start..].chars().next().is_some_and(char::is_lowercase);
    let inner_sentence_end = last[1..count].iter().any(|word| word.ends_with(['.', '!', '?']));
    (starts_lowercase && !inner_sentence_end).then_some(start)
}

fn repeated_fragment(
    text: &mut String,
    earlier: &[Block],
    block: usize,
    line: Option<usize>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(fragment_start) = fragment_start(text) else { return };
    let fragment = text[fragment_start..].to_owned();
    let kept = text[..fragment_start - 1].to_owned();
    let fragment_normalized = normalized_words(&fragment);
    if fragment_normalized.is_empty() {
        return;
    }
    let echoes_earlier_text = ends_with_words(&kept, &fragment_normalized)
        || earlier.iter().any(|block| match block {
            Block::Paragraph { text } | Block::Quote { text, .. } => {
                ends_with_words(text, &fragment_normalized)
            }
            _ => false,
        });
    if echoes_earlier_text {
        diagnostics.push(locate(
            Diagnostic::new(
                DiagnosticCode::RepeatedFragment,
                format!(
                    "the fragment `{fragment}` at the paragraph's end repeats earlier text and was removed"
                ),
            )
            .repaired(format!(" {fragment}"), ""),
            block,
            line,
        ));
        *text = kept;
    } else {
        diagnostics.push(locate(
            Diagnostic::new(
                DiagnosticCode::RepeatedFragment,
                format!("the fragment `{fragment}` at the paragraph's end may be stray; left in place"),
            )
            .found(fragment),
            block,
            line,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the fragment starts as first found, from every word of the paragraph.
    fn reference_fragment_start(text: &str) -> Option<usize> {
        let words: Vec<&str> = text.split(' ').collect();
        if words.len() < 3 {
            return None;
        }
        let mut start = None;
        for count in 1..=MAX_FRAGMENT_WORDS.min(words.len() - 1) {
            let candidate = words.len() - count;
            let previous = words[candidate - 1].trim_end_matches(['”', '"', '’', '»', ')']);
            if previous.ends_with(['.', '!', '?']) {
                if !is_abbreviation(previous) {
                    start = Some(candidate);
                }
                break;
            }
        }
        let fragment_words = &words[start?..];
        let fragment = fragment_words.join(" ");
        let starts_lowercase = fragment.chars().next().is_some_and(char::is_lowercase);
        let inner_sentence_end =
            fragment_words[..fragment_words.len() - 1].iter().any(|word| word.ends_with(['.', '!', '?']));
        (starts_lowercase && !inner_sentence_end).then(|| text.len() - fragment.len())
    }

    proptest::proptest! {
        /// Reading only the paragraph's last words finds and repairs what splitting
        /// all of it did.
        #[test]
        fn fragments_are_found_as_by_their_definition(
            words in proptest::collection::vec(
                "[a-z]{1,6}|[A-Z][a-z]{0,5}|[a-z]{1,5}[.!?]|Mr\\.|U\\.S\\.|[a-z]{1,4}[.?]”|[a-zé]{1,3}|.{1,2}|",
                0..12,
            ),
        ) {
            let text = words.join(" ");
            proptest::prop_assert_eq!(fragment_start(&text), reference_fragment_start(&text));
        }
    }

    #[test]
    fn glued_shape() {
        assert_eq!(split_glued("dailymailMeta"), Some(("dailymail", "Meta")));
        for word in ["YouTube", "iPhone", "McDonald", "JavaScript", "eBay", "macOS", "Meta", "users"] {
            assert_eq!(split_glued(word), None, "{word}");
        }
        assert!(has_glued_word("Read more on “dailymailMeta’s” page."));
        assert!(has_glued_word("über die straßeÄrger heute"));
        assert!(!has_glued_word("Meta and YouTube, said McDonald. The macOS eBay iPhone"));
    }

    proptest::proptest! {
        /// Eight bytes at a time, across chunk boundaries, as byte by byte.
        #[test]
        fn lower_before_upper_is_read_as_by_its_definition(
            bytes in proptest::collection::vec(proptest::prop_oneof![
                8 => proptest::sample::select(b"aAzZ@[`{ 0".to_vec()),
                1 => proptest::num::u8::ANY,
            ], 0..40),
        ) {
            let expected = bytes.is_ascii().then(|| {
                bytes.windows(2).any(|pair| pair[0].is_ascii_lowercase() && pair[1].is_ascii_uppercase())
            });
            proptest::prop_assert_eq!(ascii_lower_before_upper(&bytes), expected);
        }

        /// The one-pass refusal never refuses a text with a word of the glued shape.
        #[test]
        fn glued_words_are_found_in_any_text(
            text in "(?s)([a-zA-Z]{1,8}|[äöüßÄÖÜǅΣσ]{1,3}|[ ,.’'“”\\n\\u{a0}]{1,2}|.){0,30}",
        ) {
            let expected = text.split_whitespace().any(|raw| split_glued(core_word(raw)).is_some());
            proptest::prop_assert_eq!(has_glued_word(&text), expected);
        }
    }
}
