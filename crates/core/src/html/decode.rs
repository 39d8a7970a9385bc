//! Bytes to text for HTML: the byte-order mark wins, then the charset the page
//! declares in its first kilobytes (`<meta charset>` or an http-equiv
//! `Content-Type`), then valid UTF-8, then the encoding chardetng guesses.

use encoding_rs::Encoding;

use crate::decode::MAX_INPUT_BYTES;
use crate::model::{Diagnostic, DiagnosticCode};

/// How far into the page a charset declaration is looked for. The HTML standard's
/// prescan stops at 1024 bytes; real pages put long `<script>`s and comments first,
/// so we look further, as browsers effectively do when they re-parse.
const PRESCAN_BYTES: usize = 16 * 1024;

/// Decodes an HTML page; diagnostics say which encoding was used when it was not
/// plain UTF-8, and whether bytes had to be replaced.
pub fn decode_html(bytes: &[u8]) -> (String, Vec<Diagnostic>) {
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
    let (encoding, body, origin) = if let Some((encoding, bom_length)) = Encoding::for_bom(bytes) {
        (encoding, &bytes[bom_length..], "byte-order mark")
    } else if !bytes.is_ascii()
        && let Ok(text) = std::str::from_utf8(bytes)
    {
        // Browsers save pages as UTF-8 but keep the original declaration; text in a
        // legacy encoding is almost never valid UTF-8 by chance, so validity wins.
        // Already validated: no second pass through the decoder.
        return (text.to_owned(), diagnostics);
    } else if let Some(encoding) = declared_charset(&bytes[..bytes.len().min(PRESCAN_BYTES)]) {
        (encoding, bytes, "the page's charset declaration")
    } else if std::str::from_utf8(bytes).is_ok() {
        (encoding_rs::UTF_8, bytes, "valid UTF-8")
    } else {
        let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        detector.feed(bytes, true);
        (detector.guess(None, chardetng::Utf8Detection::Allow), bytes, "detected")
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    if encoding != encoding_rs::UTF_8 {
        diagnostics.push(Diagnostic::new(
            DiagnosticCode::Encoding,
            format!("decoded as {} ({origin})", encoding.name()),
        ));
    }
    if had_errors {
        diagnostics.push(Diagnostic::new(
            DiagnosticCode::InvalidBytes,
            format!("bytes invalid in {} were replaced with U+FFFD", encoding.name()),
        ));
    }
    (text.into_owned(), diagnostics)
}

/// The encoding named by the first `<meta charset=…>` or
/// `<meta http-equiv="Content-Type" content="…; charset=…">` in `head`.
///
/// A page that declares UTF-16 while being read as bytes is really ASCII-compatible
/// (the declaration could not have been read otherwise), so UTF-16 becomes UTF-8 as
/// the HTML standard says.
fn declared_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut position = 0;
    while let Some(offset) = find(&lower[position..], b"<meta") {
        let start = position + offset + 5;
        let end = lower[start..].iter().position(|byte| *byte == b'>').map_or(lower.len(), |end| start + end);
        let tag = &lower[start..end];
        if let Some(at) = find(tag, b"charset") {
            let value = &tag[at + 7..];
            let value = value.trim_ascii_start();
            if let Some(value) = value.strip_prefix(b"=") {
                let value = value.trim_ascii_start();
                let value = value.strip_prefix(b"\"").or_else(|| value.strip_prefix(b"'")).unwrap_or(value);
                let label_end = value
                    .iter()
                    .position(|byte| matches!(byte, b'"' | b'\'' | b';' | b' ' | b'/' | b'>'))
                    .unwrap_or(value.len());
                if let Some(encoding) = Encoding::for_label(&value[..label_end]) {
                    return Some(if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
                        encoding_rs::UTF_8
                    } else {
                        encoding
                    });
                }
            }
        }
        position = end.max(start);
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_charset_is_honoured() {
        let page = b"<html><head><meta charset=\"iso-8859-1\"></head><body>caf\xe9</body></html>";
        let (text, diagnostics) = decode_html(page);
        assert!(text.contains("café"));
        assert!(diagnostics[0].message.contains("windows-1252"));
    }

    #[test]
    fn http_equiv_charset_is_honoured() {
        let page = b"<meta http-equiv=Content-Type content='text/html; charset=windows-1251'><p>\xcf\xf0\xe8\xe2\xe5\xf2</p>";
        assert!(decode_html(page).0.contains("Привет"));
    }

    #[test]
    fn a_bom_wins_over_the_declaration() {
        let page = b"\xef\xbb\xbf<meta charset=iso-8859-1><p>caf\xc3\xa9</p>";
        let (text, diagnostics) = decode_html(page);
        assert!(text.contains("café"));
        assert!(diagnostics.is_empty());
    }

    #[test]
    fn undeclared_legacy_bytes_are_detected() {
        let page = b"<p>Le caf\xe9 est tr\xe8s bon, dit-il, et la cr\xe8me br\xfbl\xe9e aussi.</p>";
        assert!(decode_html(page).0.contains("café"));
    }
}
