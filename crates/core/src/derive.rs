//! Derived data computed from a parsed document: quotes with their speakers, the
//! language, word count, reading time and the content fingerprint used for exact
//! deduplication.

use sha2::{Digest, Sha256};

use crate::model::{Block, Document, WORDS_PER_MINUTE};
use crate::quotes;

/// Characters of text the language detector looks at: enough prose for a reliable
/// guess; more only costs time (detection is linear).
const LANGUAGE_SAMPLE_CHARS: usize = 2_500;

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
        && let Some(language) = detect_language(document)
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

/// Detects the body's language with whatlang; `None` when the text is too short or
/// the guess is unreliable.
fn detect_language(document: &Document) -> Option<String> {
    let mut sample = document.title.clone();
    for block in &document.blocks {
        if sample.len() >= LANGUAGE_SAMPLE_CHARS {
            break;
        }
        if matches!(block, Block::Code { .. }) {
            continue;
        }
        sample.push('\n');
        sample.push_str(&block.text());
    }
    let cut = sample.char_indices().nth(LANGUAGE_SAMPLE_CHARS).map_or(sample.len(), |(offset, _)| offset);
    let info = whatlang::detect(&sample[..cut])?;
    if !info.is_reliable() && info.confidence() < 0.5 {
        return None;
    }
    iso_639_1(info.lang()).map(str::to_owned)
}

/// ISO 639-1 for whatlang's ISO 639-3 languages; `None` for those without one.
fn iso_639_1(lang: whatlang::Lang) -> Option<&'static str> {
    use whatlang::Lang::*;
    let code = match lang {
        Epo => "eo",
        Eng => "en",
        Rus => "ru",
        Cmn => "zh",
        Spa => "es",
        Por => "pt",
        Ita => "it",
        Ben => "bn",
        Fra => "fr",
        Deu => "de",
        Ukr => "uk",
        Kat => "ka",
        Ara => "ar",
        Hin => "hi",
        Jpn => "ja",
        Heb => "he",
        Yid => "yi",
        Pol => "pl",
        Amh => "am",
        Jav => "jv",
        Kor => "ko",
        Nob => "nb",
        Dan => "da",
        Swe => "sv",
        Fin => "fi",
        Tur => "tr",
        Nld => "nl",
        Hun => "hu",
        Ces => "cs",
        Ell => "el",
        Bul => "bg",
        Bel => "be",
        Mar => "mr",
        Kan => "kn",
        Ron => "ro",
        Slv => "sl",
        Hrv => "hr",
        Srp => "sr",
        Mkd => "mk",
        Lit => "lt",
        Lav => "lv",
        Est => "et",
        Tam => "ta",
        Vie => "vi",
        Urd => "ur",
        Tha => "th",
        Guj => "gu",
        Uzb => "uz",
        Pan => "pa",
        Aze => "az",
        Ind => "id",
        Tel => "te",
        Pes => "fa",
        Mal => "ml",
        Ori => "or",
        Mya => "my",
        Nep => "ne",
        Sin => "si",
        Khm => "km",
        Tuk => "tk",
        Aka => "ak",
        Zul => "zu",
        Sna => "sn",
        Afr => "af",
        Lat => "la",
        Slk => "sk",
        Cat => "ca",
        Tgl => "tl",
        Hye => "hy",
        Cym => "cy",
    };
    Some(code)
}
