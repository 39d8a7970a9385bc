//! Bytes to text: byte-order marks, UTF-8, legacy single-byte encodings, the
//! line-level clean-up every text format shares, and mojibake repair.

use encoding_rs::Encoding;

use crate::model::{Diagnostic, DiagnosticCode};

/// Inputs larger than this are cut (with a `truncated` diagnostic) so that memory
/// stays bounded whatever a caller hands us.
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

/// Caps how many per-line mojibake diagnostics one document carries; the rest are
/// summed up in one more diagnostic.
const MAX_LINE_DIAGNOSTICS: usize = 100;

/// Decodes `bytes`: a BOM wins (UTF-8, UTF-16LE/BE), then valid UTF-8, then the
/// legacy encoding chardetng guesses (windows-1252 and its single-byte kin).
pub fn decode(bytes: &[u8]) -> (String, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let bytes = if bytes.len() > MAX_INPUT_BYTES {
        diagnostics.push(Diagnostic::new(
            DiagnosticCode::Truncated,
            format!("the input was cut to its first {MAX_INPUT_BYTES} bytes"),
        ));
        &bytes[..MAX_INPUT_BYTES]
    } else {
        bytes
    };
    if let Some((encoding, bom_length)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_length..]);
        if encoding != encoding_rs::UTF_8 {
            diagnostics.push(Diagnostic::new(
                DiagnosticCode::Encoding,
                format!("decoded as {} (byte-order mark)", encoding.name()),
            ));
        }
        if had_errors {
            diagnostics.push(Diagnostic::new(
                DiagnosticCode::InvalidBytes,
                format!("bytes invalid in {} were replaced with U+FFFD", encoding.name()),
            ));
        }
        return (text.into_owned(), diagnostics);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_owned(), diagnostics);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
    let (text, _, had_errors) = encoding.decode(bytes);
    diagnostics.push(Diagnostic::new(
        DiagnosticCode::Encoding,
        format!("the input is not UTF-8; decoded as {}", encoding.name()),
    ));
    if had_errors {
        diagnostics.push(Diagnostic::new(
            DiagnosticCode::InvalidBytes,
            format!("bytes invalid in {} were replaced with U+FFFD", encoding.name()),
        ));
    }
    (text.into_owned(), diagnostics)
}

/// Splits decoded text into lines on LF, CRLF or a lone CR.
pub fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    for index in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        // The LF of a CRLF: its line ended at the CR.
        if index < start {
            continue;
        }
        lines.push(&text[start..index]);
        start = index + 1;
        if bytes[index] == b'\r' && bytes.get(start) == Some(&b'\n') {
            start += 1;
        }
    }
    if start < bytes.len() {
        lines.push(&text[start..]);
    }
    lines
}

/// Normalises one line's spacing: non-breaking and other exotic spaces and tabs
/// become spaces, zero-width characters and stray BOMs go, runs of spaces fold to one,
/// and the ends are trimmed.
pub fn clean_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut pending_space = false;
    let mut rest = line;
    while !rest.is_empty() {
        // A run of ASCII letters, digits and punctuation is copied whole, with the
        // single spaces between such runs (which it keeps as they are).
        let bytes = rest.as_bytes();
        let mut printable = 0;
        while let Some(&byte) = bytes.get(printable) {
            if matches!(byte, b'!'..=b'~') {
                printable += 1;
            } else if byte == b' '
                && printable > 0
                && bytes.get(printable + 1).is_some_and(|next| matches!(next, b'!'..=b'~'))
            {
                printable += 2;
            } else {
                break;
            }
        }
        if printable > 0 {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push_str(&rest[..printable]);
            rest = &rest[printable..];
            continue;
        }
        if rest.starts_with(' ') {
            pending_space = true;
            rest = &rest[1..];
            continue;
        }
        let Some(character) = rest.chars().next() else { break };
        rest = &rest[character.len_utf8()..];
        match character {
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}' => {}
            character if character.is_whitespace() => pending_space = true,
            character if character.is_control() => pending_space = true,
            character => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(character);
            }
        }
    }
    out
}

/// Repairs UTF-8 that was decoded as windows-1252 (`â€™` → `’`, `Ã©` → `é`) line by
/// line, recording a `mojibake` diagnostic with the original line for each line changed.
pub(crate) fn repair_mojibake_lines(lines: &mut [(usize, String)], diagnostics: &mut Vec<Diagnostic>) {
    let mut repaired_lines = 0;
    for (line_number, line) in lines.iter_mut() {
        let Some(repaired) = repair_mojibake(line) else {
            continue;
        };
        repaired_lines += 1;
        if repaired_lines <= MAX_LINE_DIAGNOSTICS {
            diagnostics.push(
                Diagnostic::new(DiagnosticCode::Mojibake, "UTF-8 text decoded as windows-1252 was repaired")
                    .at_line(*line_number)
                    .repaired(line.clone(), repaired.clone()),
            );
        }
        *line = repaired;
    }
    if repaired_lines > MAX_LINE_DIAGNOSTICS {
        diagnostics.push(Diagnostic::new(
            DiagnosticCode::Mojibake,
            format!("{} more lines with mojibake were repaired", repaired_lines - MAX_LINE_DIAGNOSTICS),
        ));
    }
}

/// Returns the repaired text when `text` holds mojibake, `None` when it holds none.
///
/// A run of characters that windows-1252 can encode is re-encoded and read back as
/// UTF-8, one sequence at a time; only complete multi-byte sequences are replaced, so
/// legitimate Latin-1 text (`Âge`, `café`) is left alone: a real `é` is never followed
/// by a windows-1252 continuation byte character in ordinary prose.
pub fn repair_mojibake(text: &str) -> Option<String> {
    // Fast path: every mojibake sequence starts with one of these lead characters,
    // none of them ASCII.
    if text.is_ascii() || !text.chars().any(|character| ('\u{c2}'..='\u{f4}').contains(&character)) {
        return None;
    }
    let characters: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut index = 0;
    while index < characters.len() {
        if let Some((decoded, used)) = decode_sequence(&characters[index..]) {
            out.push(decoded);
            index += used;
            changed = true;
        } else {
            out.push(characters[index]);
            index += 1;
        }
    }
    changed.then_some(out)
}

/// Reads one UTF-8 sequence spelled as windows-1252 characters at the start of `characters`.
fn decode_sequence(characters: &[char]) -> Option<(char, usize)> {
    let lead = windows_1252_byte(*characters.first()?)?;
    let length = match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    if characters.len() < length {
        return None;
    }
    let mut bytes = [0u8; 4];
    bytes[0] = lead;
    for offset in 1..length {
        let byte = windows_1252_byte(characters[offset])?;
        if !(0x80..=0xBF).contains(&byte) {
            return None;
        }
        bytes[offset] = byte;
    }
    let decoded = std::str::from_utf8(&bytes[..length]).ok()?.chars().next()?;
    Some((decoded, length))
}

/// The windows-1252 byte for `character`, for the upper half only.
fn windows_1252_byte(character: char) -> Option<u8> {
    let byte = match character {
        '\u{80}'..='\u{ff}' => character as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => return None,
    };
    Some(byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `clean_line` does, said another way: zero-width characters dropped,
    /// spaces and controls made spaces, runs of them folded, the ends trimmed.
    fn reference_clean_line(line: &str) -> String {
        let spaced: String = line
            .chars()
            .filter(|character| {
                !matches!(
                    character,
                    '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}'
                )
            })
            .map(
                |character| if character.is_whitespace() || character.is_control() { ' ' } else { character },
            )
            .collect();
        spaced.split(' ').filter(|word| !word.is_empty()).collect::<Vec<_>>().join(" ")
    }

    proptest::proptest! {
        /// Copying ASCII runs whole cleans any line as the definition says; an
        /// ASCII line never reads as mojibake.
        #[test]
        fn lines_clean_as_by_their_definition(
            line in "(?s)([a-zA-Z0-9.,;:!?'\"()~-]{1,8}|[ \t\r\u{b}\u{c}\u{0}\u{1f}\u{7f}\u{85}\u{a0}\u{2003}\u{200b}\u{200d}\u{feff}\u{ad}]{1,3}|[é’“ÃÂ€]{1,2}|.){0,24}",
        ) {
            proptest::prop_assert_eq!(clean_line(&line), reference_clean_line(&line));
            if line.is_ascii() {
                proptest::prop_assert_eq!(repair_mojibake(&line), None);
            }
        }
    }

    #[test]
    fn repairs_common_mojibake() {
        assert_eq!(repair_mojibake("Facebookâ€™s cafÃ©").as_deref(), Some("Facebook’s café"));
        assert_eq!(repair_mojibake("â€œHelloâ€\u{9d}").as_deref(), Some("“Hello”"));
    }

    #[test]
    fn leaves_latin_text_alone() {
        assert_eq!(repair_mojibake("Âge, café, naïve, Ærø"), None);
        assert_eq!(repair_mojibake("plain ascii"), None);
    }

    proptest::proptest! {
        /// Lines split at every LF, CRLF and lone CR, as the definition says,
        /// however the endings are mixed and repeated.
        #[test]
        fn lines_split_as_by_their_definition(text in "(?s)([ab\u{e9}]{0,3}|\r|\n|\r\n){0,16}") {
            let unified = text.replace("\r\n", "\n").replace('\r', "\n");
            let mut expected: Vec<&str> = unified.split('\n').collect();
            if expected.last() == Some(&"") {
                expected.pop();
            }
            proptest::prop_assert_eq!(split_lines(&text), expected);
        }
    }

    #[test]
    fn splits_every_line_ending() {
        assert_eq!(split_lines("a\r\nb\rc\nd"), vec!["a", "b", "c", "d"]);
        assert_eq!(split_lines("a\n\n"), vec!["a", ""]);
    }

    #[test]
    fn cleans_spaces() {
        assert_eq!(clean_line("\t a\u{a0}\u{a0}b \u{200b}c  "), "a b c");
    }
}
