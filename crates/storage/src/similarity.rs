//! Near-duplicate detection: which stored documents tell the same story.
//!
//! A document's body becomes a set of shingles — pairs of consecutive content
//! words, with function words left out so that shared phrasing ("of the") does not
//! count as shared content — and the set becomes a bottom-k sketch: the `SKETCH`
//! smallest 32-bit hashes. Two sketches estimate the Jaccard similarity of the two
//! shingle sets. Rewrites of one story (another headline, sentences reordered or
//! dropped, a fifth of the words changed, boilerplate added) keep a Jaccard of
//! roughly 0.3 to 0.7 on these pairs; unrelated articles on the same topic, which
//! share vocabulary but not sentences, stay near 0.
//!
//! Candidates are found through the `KEYS` smallest hashes of each sketch, stored
//! as lookup keys. A stored document is measured only when it shares two keys with
//! a new one (`Questions::candidate_ids`): one shared key is most often a common
//! phrase whose hash happened to be small. Two sets with Jaccard J share two keys
//! with probability of about 1 - (1 - J)^KEYS - KEYS·J·(1 - J)^(KEYS - 1): 0.56 at
//! J = 0.15, 0.92 at 0.3, 0.98 at 0.4; and members of a story connect through any
//! of their pairs.

use std::sync::OnceLock;

use dossier_core::Document;

/// Hashes kept per document, for estimating similarity.
pub const SKETCH: usize = 64;
/// Smallest hashes stored as lookup keys, for finding candidates.
pub const KEYS: usize = 12;
/// The default Jaccard estimate above which two documents are one story.
pub const DEFAULT_THRESHOLD: f64 = 0.15;
/// Candidates examined per key: a key shared by very many documents is a common
/// phrase, not a story; the most recent documents are the likeliest matches.
pub const CANDIDATES_PER_KEY: i64 = 64;

const FUNCTION_WORDS: &[&str] = &[
    // English
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "before",
    "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has", "have", "he", "her",
    "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "just", "more", "most", "my", "no",
    "not", "of", "on", "one", "or", "our", "out", "over", "said", "says", "she", "so", "some", "than",
    "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "up", "us",
    "was", "we", "were", "what", "when", "which", "while", "who", "will", "with", "would", "you", "your",
    // French, Spanish, German
    "le", "la", "les", "de", "des", "du", "un", "une", "et", "est", "en", "que", "qui", "dans", "pour", "par",
    "sur", "au", "aux", "il", "elle", "el", "los", "las", "y", "es", "por", "con", "para", "del", "se", "lo",
    "der", "die", "das", "und", "ist", "den", "dem", "ein", "eine", "zu", "mit", "von", "auf", "im", "nicht",
];

/// The sorted bottom-`SKETCH` hashes of the body's content-word pairs; empty when
/// the body has fewer than two content words. Words are the runs of alphanumeric
/// characters, lowercased.
pub fn sketch(document: &Document) -> Vec<u32> {
    let mut hashes = Vec::new();
    // A word beyond ASCII, lowercased, reused across words; of the previous word
    // only the hash state it leaves a pair's hash in (`hash_after`).
    let mut lowered = String::new();
    let mut previous: Option<u64> = None;
    for block in &document.blocks {
        let text = block.text_borrowed();
        // About one pair a word, and a word in six bytes or more: room enough that
        // the list seldom grows more than once a block.
        hashes.reserve(text.len() / 6);
        for_each_word(&text, |word, ascii| {
            // An ASCII word (most are) is lowercased as it is read, a byte at a time,
            // rather than copied first.
            let bytes = if ascii {
                word.as_bytes()
            } else {
                lowered.clear();
                lowered.push_str(&word.to_lowercase());
                lowered.as_bytes()
            };
            if is_function_key(pack(bytes, ascii)) {
                return;
            }
            let (pair, next) = hash_after(previous, bytes, ascii);
            if let Some(pair) = pair {
                hashes.push(pair);
            }
            previous = Some(next);
        });
    }
    smallest_distinct(hashes)
}

/// The `SKETCH` smallest distinct values of `hashes`, in order. The `2 · SKETCH`
/// smallest values are picked out first (in time linear in their number) and
/// sorted alone: when they hold `SKETCH` distinct values, those are the answer,
/// since every value left out is at least as large as each of them. Otherwise (a
/// short text, or one pair repeated many times) the whole list is sorted.
fn smallest_distinct(mut hashes: Vec<u32>) -> Vec<u32> {
    const PICKED: usize = 2 * SKETCH;
    if hashes.len() > PICKED {
        hashes.select_nth_unstable(PICKED - 1);
        let picked = &mut hashes[..PICKED];
        picked.sort_unstable();
        let distinct = 1 + picked.windows(2).filter(|pair| pair[0] != pair[1]).count();
        if distinct >= SKETCH {
            hashes.truncate(PICKED);
            hashes.dedup();
            hashes.truncate(SKETCH);
            return hashes;
        }
    }
    hashes.sort_unstable();
    hashes.dedup();
    hashes.truncate(SKETCH);
    hashes
}

/// Calls `each` with every run of alphanumeric characters in `text`, and whether
/// the run is ASCII: what `text.split(|c: char| !c.is_alphanumeric())` gives less
/// its empty pieces. ASCII gaps are skipped a byte at a time and ASCII words read
/// eight bytes at a time; only other characters are decoded.
fn for_each_word(text: &str, mut each: impl FnMut(&str, bool)) {
    let bytes = text.as_bytes();
    let character_at = |at: usize| text[at..].chars().next().unwrap_or(' ');
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        if byte < 0x80 {
            if !byte.is_ascii_alphanumeric() {
                at += 1;
                continue;
            }
        } else {
            let character = character_at(at);
            if !character.is_alphanumeric() {
                at += character.len_utf8();
                continue;
            }
        }
        let start = at;
        let mut ascii = true;
        loop {
            at = ascii_alphanumeric_end(bytes, at);
            if at < bytes.len() && bytes[at] >= 0x80 {
                let character = character_at(at);
                if character.is_alphanumeric() {
                    ascii = false;
                    at += character.len_utf8();
                    continue;
                }
            }
            break;
        }
        each(&text[start..at], ascii);
    }
}

/// The end of the run of ASCII letters and digits from `at`, eight bytes at a
/// time: most words end within the first eight, with no branch per byte.
fn ascii_alphanumeric_end(bytes: &[u8], mut at: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(chunk);
        let word = u64::from_le_bytes(eight);
        // Per byte, the high bit is set when the low seven bits (with 0x20, for
        // letters) fall in a range; no sum carries into the next byte, as each
        // stays below 0x100. A byte that is not ASCII has its own high bit set.
        let seven = word & !HIGH;
        let digit = (seven + ONES * (0x80 - b'0' as u64)) & !(seven + ONES * (0x80 - b'9' as u64 - 1));
        let folded = seven | (ONES * 0x20);
        let letter = (folded + ONES * (0x80 - b'a' as u64)) & !(folded + ONES * (0x80 - b'z' as u64 - 1));
        let other = !((digit | letter) & !word) & HIGH;
        if other != 0 {
            return at + (other.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while at < bytes.len() && bytes[at].is_ascii_alphanumeric() {
        at += 1;
    }
    at
}

/// Slots of the function words' table: a power of two, about four times as many
/// as the words, so that most lookups read one slot.
const FUNCTION_SLOTS: usize = 512;

/// Whether the word packed into `key` (lowercased; see `pack`) is one of
/// `FUNCTION_WORDS`: each is at most seven bytes long, so a word is compared as one
/// number, looked up in an open-addressing table (every word of a text is asked
/// about; a binary search of the sorted numbers took about a third of the
/// sketch's time).
fn is_function_key(key: Option<u64>) -> bool {
    static TABLE: OnceLock<Vec<u64>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        // An empty slot holds 0, which no word packs to but the empty one.
        let mut table = vec![0; FUNCTION_SLOTS];
        for key in FUNCTION_WORDS.iter().filter_map(|word| pack(word.as_bytes(), false)) {
            let mut slot = function_slot(key);
            while table[slot] != 0 && table[slot] != key {
                slot = (slot + 1) % FUNCTION_SLOTS;
            }
            table[slot] = key;
        }
        table
    });
    let Some(key) = key.filter(|&key| key != 0) else {
        return false;
    };
    let mut slot = function_slot(key);
    loop {
        match table[slot] {
            0 => return false,
            found if found == key => return true,
            _ => slot = (slot + 1) % FUNCTION_SLOTS,
        }
    }
}

/// Whether `word` (lowercased) is one of `FUNCTION_WORDS`.
#[cfg(test)]
fn is_function_word(word: &str) -> bool {
    is_function_key(pack(word.as_bytes(), false))
}

fn function_slot(key: u64) -> usize {
    (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - FUNCTION_SLOTS.trailing_zeros())) as usize
}

/// A word of at most seven bytes as one number: its bytes (ASCII capitals
/// lowercased when `lowercase`), and its length in the highest byte. `None` if
/// longer.
fn pack(bytes: &[u8], lowercase: bool) -> Option<u64> {
    if bytes.len() > 7 {
        return None;
    }
    let mut buffer = [0u8; 8];
    for (slot, &byte) in buffer.iter_mut().zip(bytes) {
        *slot = if lowercase { byte.to_ascii_lowercase() } else { byte };
    }
    buffer[7] = bytes.len() as u8;
    Some(u64::from_le_bytes(buffer))
}

/// Estimates the Jaccard similarity of the sets behind two sketches: of the
/// smallest `SKETCH` hashes of their union, the share found in both.
pub fn similarity(left: &[u32], right: &[u32]) -> f64 {
    let size = left.len().min(right.len());
    if size == 0 {
        return 0.0;
    }
    let (mut i, mut j, mut seen, mut shared) = (0, 0, 0, 0);
    while seen < size && i < left.len() && j < right.len() {
        match left[i].cmp(&right[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
        seen += 1;
    }
    shared as f64 / seen.max(1) as f64
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a over both words, then a SplitMix64 finaliser folded to 32 bits: stable
/// across versions and platforms, which matters because sketches are stored.
#[cfg(test)]
fn hash_pair(first: &str, second: &str) -> u32 {
    let mut hash = FNV_OFFSET;
    for part in [first.as_bytes(), &[0x1f], second.as_bytes()] {
        for &byte in part {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(FNV_PRIME);
        }
    }
    finish(hash)
}

/// `hash_pair` of the word before (given by the state it left, `previous`) and
/// `word` (its ASCII capitals lowercased on the way when `lowercase`), if there was
/// a word before; and the state `word` leaves for the pair after it. Each word's
/// bytes go through two independent FNV chains in one loop — the pair's and the
/// next pair's prefix — which the processor runs side by side, where `hash_pair`
/// read each word twice, one multiply after another.
fn hash_after(previous: Option<u64>, word: &[u8], lowercase: bool) -> (Option<u32>, u64) {
    let mut pair = previous.unwrap_or(FNV_OFFSET);
    let mut next = FNV_OFFSET;
    for &byte in word {
        let byte = u64::from(if lowercase { byte.to_ascii_lowercase() } else { byte });
        pair = (pair ^ byte).wrapping_mul(FNV_PRIME);
        next = (next ^ byte).wrapping_mul(FNV_PRIME);
    }
    next = (next ^ 0x1f).wrapping_mul(FNV_PRIME);
    (previous.map(|_| finish(pair)), next)
}

/// SplitMix64's finaliser, folded to 32 bits.
fn finish(mut hash: u64) -> u32 {
    hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^= hash >> 31;
    (hash >> 32) as u32
}

pub(crate) fn encode(sketch: &[u32]) -> Vec<u8> {
    sketch.iter().flat_map(|hash| hash.to_le_bytes()).collect()
}

pub(crate) fn decode(bytes: &[u8]) -> Vec<u32> {
    bytes.chunks_exact(4).map(|chunk| u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]])).collect()
}

#[cfg(test)]
mod tests {
    use super::{FUNCTION_WORDS, SKETCH, decode, encode, hash_pair, similarity, sketch};

    /// The sketch as first defined, word by word: stored sketches were made this way,
    /// so `sketch` must keep giving exactly the same hashes.
    fn reference_sketch(document: &dossier_core::Document) -> Vec<u32> {
        let mut words: Vec<String> = Vec::new();
        for block in &document.blocks {
            for token in block.text().split(|character: char| !character.is_alphanumeric()) {
                let token = token.to_lowercase();
                if !token.is_empty() && !FUNCTION_WORDS.contains(&token.as_str()) {
                    words.push(token);
                }
            }
        }
        let mut hashes: Vec<u32> = words.windows(2).map(|pair| hash_pair(&pair[0], &pair[1])).collect();
        hashes.sort_unstable();
        hashes.dedup();
        hashes.truncate(SKETCH);
        hashes
    }

    #[test]
    fn sketches_stay_as_they_were_stored() {
        let texts = [
            "The Harbour Authority was FINED after the crane collapse; inspectors found corroded cables.",
            "Die Behörde prüft die Brücke über die Straße nach dem Unfall, sagte ein Sprecher am Montag.",
            "ΟΔΟΣ ΚΑΙ ΘΑΛΑΣΣΑ: Ο δήμαρχος ΜΊΛΗΣΕ για την ΟΔΟΣ χθες — İstanbul, ǅemal, straße ǈ.",
            "one two",
        ];
        for text in texts {
            let document = dossier_core::parse(text.as_bytes(), dossier_core::Format::Text)
                .expect("plain text parses")
                .remove(0);
            assert_eq!(sketch(&document), reference_sketch(&document), "{text}");
        }
    }

    /// A long text's sketch is picked from its smallest pair hashes; a text of a few
    /// words repeated has too few distinct ones among them and is sorted whole.
    /// Both give what the definition gives.
    #[test]
    fn long_and_repetitive_texts_give_the_sketch_of_the_definition() {
        let varied: Vec<String> = (0..400).map(|index| format!("word{index} Topic{}", index % 7)).collect();
        let repeated = "harbour crane cables inspectors Harbour CRANE ".repeat(80);
        for (text, full) in [(varied.join(" "), true), (repeated, false)] {
            let mut document = dossier_core::parse(b"A title", dossier_core::Format::Text)
                .expect("plain text parses")
                .remove(0);
            document.blocks = vec![dossier_core::Block::Paragraph { text: text.clone() }];
            let expected = reference_sketch(&document);
            assert_eq!(expected.len() == SKETCH, full, "{}", &text[..60]);
            assert_eq!(sketch(&document), expected, "{}", &text[..60]);
        }
    }

    proptest::proptest! {
        /// Eight bytes at a time, a run of ASCII letters and digits ends where it
        /// ends byte by byte.
        #[test]
        fn alphanumeric_runs_end_where_they_end_byte_by_byte(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40),
            at in 0usize..40,
        ) {
            let at = at.min(bytes.len());
            let mut end = at;
            while end < bytes.len() && bytes[end].is_ascii_alphanumeric() {
                end += 1;
            }
            proptest::prop_assert_eq!(super::ascii_alphanumeric_end(&bytes, at), end);
        }
    }

    #[test]
    fn every_byte_is_classed_as_it_is_one_at_a_time() {
        for byte in 0..=255u8 {
            let bytes = [b'a', b'b', b'c', byte, b'd', b'e', b'f', b'g', b'h'];
            let expected = if byte.is_ascii_alphanumeric() { 9 } else { 3 };
            assert_eq!(super::ascii_alphanumeric_end(&bytes, 0), expected, "{byte:#04x}");
        }
    }

    /// The smallest distinct values, whether the values picked first hold enough of
    /// them or not.
    #[test]
    fn the_smallest_distinct_hashes_are_picked_in_order() {
        let definition = |mut values: Vec<u32>| {
            values.sort_unstable();
            values.dedup();
            values.truncate(SKETCH);
            values
        };
        // Many distinct values, shuffled by a multiplication modulo a prime.
        let many: Vec<u32> = (0..1_000u32).map(|index| index.wrapping_mul(7_919) % 1_009).collect();
        // More values than are picked, but a few distinct ones; and a value repeated
        // across the boundary of what is picked.
        let few: Vec<u32> = (0..500u32).map(|index| index % 10).collect();
        let straddling: Vec<u32> = (0..300u32).map(|index| if index % 3 == 0 { 5 } else { index }).collect();
        for values in [many, few, straddling, vec![3, 1, 2, 1], Vec::new()] {
            assert_eq!(super::smallest_distinct(values.clone()), definition(values));
        }
    }

    /// Every function word is compared as one number; a longer one would never match.
    #[test]
    fn every_function_word_is_recognised() {
        for word in FUNCTION_WORDS {
            assert!(super::is_function_word(word), "{word}");
        }
        for word in ["the", "der", "y"] {
            assert!(super::is_function_word(word));
        }
        for word in ["them2", "thee", "", "harbour", "authority", "a\u{0}"] {
            assert!(!super::is_function_word(word), "{word:?}");
        }
    }

    proptest::proptest! {
        /// Any text, in any script, gives the sketch the word-by-word definition gives.
        #[test]
        fn sketches_of_any_text_match_the_definition(
            // Up to 300 words, some from a few repeated ones, so that the sketch is
            // picked both from the smallest pair hashes and, when repeated pairs
            // leave too few distinct among them, from all of them.
            words in proptest::collection::vec(
                proptest::string::string_regex(
                    "[a-zA-Z]{1,9}|the|of|Der|[0-9]{1,4}|[ÄÖÜäöüßİıΣσς]{1,4}|.{1,3}|Harbour|crane|cables|Kräne",
                )
                .unwrap(),
                0..300,
            ),
            separators in proptest::collection::vec(
                proptest::string::string_regex("[ ,.;:\n'’—-]{1,2}|.").unwrap(),
                300,
            ),
        ) {
            let mut text = String::new();
            for (word, separator) in words.iter().zip(&separators) {
                text.push_str(word);
                text.push_str(separator);
            }
            let mut document = dossier_core::parse(b"A title", dossier_core::Format::Text)
                .expect("plain text parses")
                .remove(0);
            document.blocks = vec![
                dossier_core::Block::Paragraph { text: text.clone() },
                dossier_core::Block::List { ordered: false, items: vec![text.clone(), text] },
            ];
            proptest::prop_assert_eq!(sketch(&document), reference_sketch(&document));
        }
    }

    #[test]
    fn similarity_of_sketches() {
        let a: Vec<u32> = (0..64).map(|n| n * 10).collect();
        assert_eq!(similarity(&a, &a), 1.0);
        let b: Vec<u32> = (0..64).map(|n| n * 10 + 5).collect();
        assert_eq!(similarity(&a, &b), 0.0);
        // Half of the union's smallest hashes are shared.
        let c: Vec<u32> = (0..64).map(|n| if n % 2 == 0 { n * 10 } else { n * 10 + 5 }).collect();
        let estimate = similarity(&a, &c);
        assert!((0.3..0.7).contains(&estimate), "{estimate}");
        assert_eq!(similarity(&a, &[]), 0.0);
        assert_eq!(decode(&encode(&a)), a);
    }
}
