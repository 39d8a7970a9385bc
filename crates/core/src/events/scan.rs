//! Sentences and tokens: the plain scanning that date patterns run over. Both are
//! single passes over the text, so finding events stays linear in its length.

use super::lexicon::{self, Entry};
use crate::word_key::{LetterRun, ascii_letters};

/// Sentences longer than this are cut into pieces at spaces, so that the tokens of
/// one piece stay few however hostile the text; a date that straddles a cut is lost,
/// which only happens in "sentences" no person wrote.
const MAX_PIECE_BYTES: usize = 16 * 1024;

/// Calls `each` with the byte range of every sentence of `text`, trimmed, in order.
///
/// A sentence ends at `.`, `!`, `?` or `…` (with the closing quotation marks and
/// brackets after it) followed by a space and a capital, a digit or an opening mark —
/// unless the full stop ends an abbreviation (`Mr.`, `U.S.`), a month abbreviation
/// before a number (`Oct. 2021`) or a German day number before its month
/// (`23. März`).
pub(super) fn sentences(text: &str, mut each: impl FnMut(usize, usize)) {
    let bytes = text.as_bytes();
    let mut start = skip_spaces(text, 0);
    let mut index = start;
    while index < bytes.len() {
        // Most bytes end nothing: find the next candidate first (0xA6 ends `…`).
        let Some(found) = next_stop(bytes, index) else {
            break;
        };
        index = found;
        let terminator = if bytes[index] != 0xA6 {
            1
        } else if index >= 2 && bytes[index - 2..].starts_with("…".as_bytes()) {
            index -= 2;
            "…".len()
        } else {
            index += 1;
            continue;
        };
        let mut end = index + terminator;
        while end < bytes.len() && matches!(bytes[end], b'.' | b'!' | b'?') {
            end += 1;
        }
        while let Some(character) = text[end..].chars().next()
            && matches!(character, '”' | '"' | '’' | '\'' | '»' | ')' | ']')
        {
            end += character.len_utf8();
        }
        let next = skip_spaces(text, end);
        let starts_sentence = next > end
            && text[next..].chars().next().is_some_and(|first| {
                first.is_uppercase() || first.is_ascii_digit() || "“‘\"'„«(¿¡—".contains(first)
            });
        if starts_sentence && (bytes[index] != b'.' || full_stop_ends_sentence(text, index, next)) {
            pieces(text, start, end, &mut each);
            start = next;
            index = next;
        } else {
            index = end.max(index + 1);
        }
    }
    let end = text.trim_end().len();
    if start < end {
        pieces(text, start, end, &mut each);
    }
}

/// The first `.`, `!`, `?` or 0xA6 (the last byte of `…`) from `from`, eight
/// bytes at a time.
fn next_stop(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of a byte of `word` that is zero is set; so, perhaps, are high
    // bits above the first zero byte (a borrow), but never below it.
    let zero = |word: u64| word.wrapping_sub(ONES) & !word & HIGH;
    let mut at = from;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(chunk);
        let word = u64::from_le_bytes(eight);
        let stops = zero(word ^ (ONES * u64::from(b'.')))
            | zero(word ^ (ONES * u64::from(b'!')))
            | zero(word ^ (ONES * u64::from(b'?')))
            | zero(word ^ (ONES * 0xa6));
        if stops != 0 {
            return Some(at + (stops.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    bytes
        .get(at..)?
        .iter()
        .position(|byte| matches!(byte, b'.' | b'!' | b'?' | 0xa6))
        .map(|offset| at + offset)
}

fn skip_spaces(text: &str, from: usize) -> usize {
    text.len() - text[from..].trim_start().len()
}

/// Calls `each` with `start..end`, cut at spaces into pieces of at most about
/// `MAX_PIECE_BYTES`.
fn pieces(text: &str, mut start: usize, end: usize, each: &mut impl FnMut(usize, usize)) {
    while end - start > MAX_PIECE_BYTES {
        let mut cut = start + MAX_PIECE_BYTES;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        // The last space before the cut, if there is one in the piece's second half.
        let space = text[start..cut].rfind(char::is_whitespace).map(|offset| start + offset);
        let cut = space.filter(|&space| space > start + MAX_PIECE_BYTES / 2).unwrap_or(cut);
        // `start` is not a space, so the trimmed piece is not empty.
        each(start, text[..cut].trim_end().len());
        start = skip_spaces(text, cut).min(end);
    }
    if start < end {
        each(start, end);
    }
}

/// Whether the full stop at `dot` ends a sentence whose successor starts at `next`.
fn full_stop_ends_sentence(text: &str, dot: usize, next: usize) -> bool {
    let before = &text[..dot];
    let word_start = before
        .char_indices()
        .rev()
        .take(24)
        .take_while(|(_, character)| character.is_alphabetic())
        .last()
        .map_or(dot, |(offset, _)| offset);
    let word = &text[word_start..dot];
    if word.is_empty() {
        // `23. März`: a German day number, not the end of a sentence.
        let digits = before.bytes().rev().take_while(u8::is_ascii_digit).count();
        return !((1..=2).contains(&digits) && next_word_is_month(text, next));
    }
    if word.chars().count() == 1 || before[..word_start].ends_with('.') {
        return false;
    }
    // Abbreviations are short and ASCII: lowercase them on the stack.
    let mut buffer = [0u8; 8];
    let Some(lower) = buffer.get_mut(..word.len()).filter(|_| word.is_ascii()) else {
        return true;
    };
    lower.copy_from_slice(word.as_bytes());
    lower.make_ascii_lowercase();
    let lower = std::str::from_utf8(lower).unwrap_or_default();
    if lexicon::is_abbreviation(lower) {
        return false;
    }
    let is_month_abbreviation = lexicon::month(lower).is_some_and(|name| name.abbreviation);
    !(is_month_abbreviation && text[next..].starts_with(|character: char| character.is_ascii_digit()))
}

fn next_word_is_month(text: &str, next: usize) -> bool {
    let rest = &text[next..];
    let end = rest
        .char_indices()
        .find(|(_, character)| !character.is_alphabetic())
        .map_or(rest.len(), |(at, _)| at);
    end <= 12 && lexicon::month(&rest[..end].to_lowercase()).is_some()
}

/// Whether the sentence (or piece of one) `text[start..end]` has a digit or a
/// trigger word (`lexicon::is_trigger`: `March`, `Monday`, `ago`, `year` …),
/// without which no date expression is found: most sentences have neither, and
/// are neither tokenised nor matched. Digits are looked for eight bytes at a
/// time; words are only read far enough to be refused, most by their length and
/// first two letters.
///
/// The words and numbers are the block's: one that a cut through an overlong
/// sentence (`pieces`) splits counts, whole, in the piece it starts in.
pub(super) fn may_hold_date(text: &str, start: usize, end: usize) -> bool {
    let bytes = text.as_bytes();
    // A number starts in the piece, unless it is the end of one cut at `start`.
    let mut from = start;
    if from > 0 && bytes[from - 1].is_ascii_digit() {
        while from < end && bytes[from].is_ascii_digit() {
            from += 1;
        }
    }
    if has_digit(&bytes[from..end]) {
        return true;
    }
    let lexicon = lexicon::get();
    let mut at = start;
    // The end of a word cut at `start` was the piece's before.
    if at > 0 && text[..at].chars().next_back().is_some_and(is_letter) {
        at += text[at..end].find(|character: char| !is_letter(character)).unwrap_or(end - at);
    }
    while at < end {
        let byte = bytes[at];
        let mut next = at + 1;
        if !byte.is_ascii_alphabetic() {
            if byte < 0x80 {
                at += 1;
                continue;
            }
            let character = text[at..].chars().next().unwrap_or(' ');
            next = at + character.len_utf8();
            if !is_letter(character) {
                at = next;
                continue;
            }
        }
        // The whole word, past `end` when the piece cuts it. Most words end at an
        // ASCII byte, which is not decoded.
        loop {
            next = ascii_letters(bytes, next, bytes.len()).end;
            if bytes.get(next).is_none_or(u8::is_ascii) {
                break;
            }
            match text[next..].chars().next() {
                Some(following) if !following.is_ascii() && is_letter(following) => {
                    next += following.len_utf8()
                }
                _ => break,
            }
        }
        // Most words are refused by `may_be_trigger` (inlined) without a call.
        let word = &text[at..next];
        if lexicon.may_be_trigger(word) && lexicon::is_trigger(word) {
            return true;
        }
        at = next;
    }
    false
}

/// Whether `bytes` has an ASCII digit, eight bytes at a time.
fn has_digit(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(chunk);
        let word = u64::from_le_bytes(eight);
        // Per byte, the high bit is set when the low seven bits are at least `0` and
        // not past `9`, and the byte is ASCII.
        let seven = word & !HIGH;
        let digits = (seven + ONES * (0x80 - 0x30)) & !(seven + ONES * (0x80 - 0x3a)) & !word & HIGH;
        if digits != 0 {
            return true;
        }
    }
    chunks.remainder().iter().any(u8::is_ascii_digit)
}

/// `char::is_alphabetic`, answering at once for the punctuation news is full of
/// (curly quotes, dashes, `…`: U+2000 to U+206F), which the Unicode tables
/// would be searched for.
fn is_letter(character: char) -> bool {
    !('\u{2000}'..='\u{206f}').contains(&character) && character.is_alphabetic()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Word,
    Number,
    Mark,
}

/// A word (a run of letters), a number (a run of ASCII digits) or one other
/// character that is not a space. Offsets are bytes into the block's text.
#[derive(Clone, Copy, Debug)]
pub(super) struct Token {
    pub(super) start: usize,
    pub(super) end: usize,
    /// Where the lowercased word is in the tokens' arena, for a word with capitals
    /// (see `Tokens::lower`).
    lower_start: u32,
    lower_end: u32,
    /// A number's value (saturating) and its count of digits.
    pub(super) value: u32,
    pub(super) digits: u32,
    /// A mark's character.
    pub(super) mark: char,
    pub(super) kind: Kind,
    /// The word starts with a capital.
    pub(super) capital: bool,
    /// The word has no capital at all.
    pub(super) lowercase: bool,
    /// What the lexicon knows of the word, looked up as it is read.
    pub(super) entry: Option<Entry>,
}

/// Tokens of one sentence, with the lowercase forms of its words with capitals in
/// one arena; reused from sentence to sentence so that scanning allocates only as
/// the longest sentence needs.
#[derive(Default)]
pub(super) struct Tokens {
    pub(super) tokens: Vec<Token>,
    pub(super) arena: String,
    /// The `lexicon::closes` flags of the words.
    pub(super) closes: u8,
}

impl Tokens {
    pub(super) fn with_capacity(tokens: usize) -> Tokens {
        Tokens { tokens: Vec::with_capacity(tokens), arena: String::with_capacity(tokens), closes: 0 }
    }

    /// The lowercase form of the word `token` of `text`.
    #[inline]
    pub(super) fn lower<'a>(arena: &'a str, text: &'a str, token: &Token) -> &'a str {
        if token.lowercase {
            &text[token.start..token.end]
        } else {
            &arena[token.lower_start as usize..token.lower_end as usize]
        }
    }

    /// Replaces the tokens with those of `text[start..end]`.
    pub(super) fn read(&mut self, text: &str, start: usize, end: usize) {
        self.tokens.clear();
        self.arena.clear();
        self.closes = 0;
        let lexicon = lexicon::get();
        let bytes = text.as_bytes();
        let mut at = start;
        while at < end {
            let byte = bytes[at];
            // Spaces, ASCII letters, digits and punctuation, the bulk of any text,
            // without decoding.
            if byte == b' ' {
                at += 1;
            } else if byte.is_ascii_alphabetic() {
                let LetterRun { end: letters_end, capital: capitals, .. } = ascii_letters(bytes, at + 1, end);
                let capital = byte < b'a';
                at = self.word(text, at, letters_end, end, capital, capital || capitals, lexicon);
            } else if byte.is_ascii_digit() {
                let mut next = at;
                let mut value: u32 = 0;
                while next < end && bytes[next].is_ascii_digit() {
                    value = value.saturating_mul(10).saturating_add(u32::from(bytes[next] - b'0'));
                    next += 1;
                }
                self.tokens.push(Token {
                    value,
                    digits: (next - at) as u32,
                    ..Token::new(Kind::Number, at, next, '0')
                });
                at = next;
            } else if byte < 0x80 {
                if !matches!(byte, b'\t'..=b'\r') {
                    self.tokens.push(Token::new(Kind::Mark, at, at + 1, char::from(byte)));
                }
                at += 1;
            } else {
                at = self.beyond_ascii(text, at, end, lexicon);
            }
        }
    }

    /// Reads the token at `at`, whose first character is not ASCII; returns where
    /// it ends.
    #[inline(never)]
    fn beyond_ascii(&mut self, text: &str, at: usize, end: usize, lexicon: &lexicon::Lexicon) -> usize {
        let character = text[at..].chars().next().unwrap_or(' ');
        let next = at + character.len_utf8();
        if is_letter(character) {
            let LetterRun { end: letters_end, capital: capitals, .. } =
                ascii_letters(text.as_bytes(), next, end);
            let capital = character.is_uppercase();
            self.word(text, at, letters_end, end, capital, capital || capitals, lexicon)
        } else {
            if !character.is_whitespace() {
                self.tokens.push(Token::new(Kind::Mark, at, next, character));
            }
            next
        }
    }

    /// Reads the word that starts at `at` with a capital (`capital`) or not, and
    /// whose first `read_to` bytes are read (with a capital among them:
    /// `has_capital`); returns where it ends.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn word(
        &mut self,
        text: &str,
        at: usize,
        read_to: usize,
        end: usize,
        capital: bool,
        mut has_capital: bool,
        lexicon: &lexicon::Lexicon,
    ) -> usize {
        let bytes = text.as_bytes();
        let mut next = read_to;
        // Letters beyond ASCII, and the ASCII letters after them.
        while next < end
            && bytes[next] >= 0x80
            && let Some(following) = text[next..].chars().next()
            && is_letter(following)
        {
            has_capital |= following.is_uppercase();
            let LetterRun { end: letters_end, capital: capitals, .. } =
                ascii_letters(bytes, next + following.len_utf8(), end);
            has_capital |= capitals;
            next = letters_end;
        }
        let mut token = Token { capital, lowercase: !has_capital, ..Token::new(Kind::Word, at, next, ' ') };
        let word = &text[at..next];
        // A word without capitals is its own lowercase form (`Tokens::lower`); no
        // word the patterns look for is longer than `MAX_KEYWORD_BYTES`.
        if has_capital && word.len() <= MAX_KEYWORD_BYTES {
            let lower_start = self.arena.len();
            if word.is_ascii() {
                self.arena.push_str(word);
                self.arena[lower_start..].make_ascii_lowercase();
            } else {
                self.arena.extend(word.chars().flat_map(char::to_lowercase));
            }
            token.lower_start = lower_start as u32;
            token.lower_end = self.arena.len() as u32;
        }
        token.entry = lexicon.entry(Tokens::lower(&self.arena, text, &token));
        self.closes |= token.entry.map_or(0, |entry| entry.closes);
        self.tokens.push(token);
        next
    }
}

impl Token {
    #[inline(always)]
    fn new(kind: Kind, start: usize, end: usize, mark: char) -> Token {
        Token {
            start,
            end,
            lower_start: 0,
            lower_end: 0,
            value: 0,
            digits: 0,
            mark,
            kind,
            capital: false,
            lowercase: false,
            entry: None,
        }
    }
}

/// Longer than any word of the lexicon (`approximately`, `septiembre`).
const MAX_KEYWORD_BYTES: usize = 16;

#[cfg(test)]
mod tests {
    use super::{Kind, MAX_PIECE_BYTES, Tokens, sentences};

    fn may_hold_date(text: &str) -> bool {
        super::may_hold_date(text, 0, text.len())
    }

    fn split(text: &str) -> Vec<&str> {
        let mut found = Vec::new();
        sentences(text, |start, end| found.push(&text[start..end]));
        found
    }

    #[test]
    fn splits_sentences_but_not_abbreviations() {
        assert_eq!(
            split("In 2018, it was. Then Mr. Smith left."),
            vec!["In 2018, it was.", "Then Mr. Smith left."]
        );
        assert_eq!(split("Meta in Oct. 2021 said so. Fine"), vec!["Meta in Oct. 2021 said so.", "Fine"]);
        assert_eq!(split("It ended in Oct. The next"), vec!["It ended in Oct.", "The next"]);
        assert_eq!(split("Am 23. März 2024 war es."), vec!["Am 23. März 2024 war es."]);
        assert_eq!(
            split("In the U.S. Congress. “Yes.” He left"),
            vec!["In the U.S. Congress.", "“Yes.”", "He left"]
        );
        assert_eq!(split("  a 3.5 b. c  "), vec!["a 3.5 b. c"]);
        assert_eq!(split(""), Vec::<&str>::new());
    }

    #[test]
    fn sentences_without_digits_or_date_words_are_skipped() {
        assert!(!may_hold_date("The company denied it, saying the report was wrong."));
        assert!(!may_hold_date("This may be a new and good start, the last one."));
        assert!(!may_hold_date("“Élan” — naïve café, über alles"));
        for text in [
            "It ended in 2011.",
            "It ended in “March”.",
            "Il a fini en décembre.",
            "It happened two years ago",
            "The PREVIOUS day",
            "lundi",
            "MARCH 23",
            "a year earlier",
            "’90s",
        ] {
            assert!(may_hold_date(text), "{text}");
        }
    }

    #[test]
    fn a_word_or_number_cut_between_pieces_counts_in_the_piece_it_starts_in() {
        let cut = MAX_PIECE_BYTES;
        let number = "1".repeat(cut + 100);
        assert!(super::may_hold_date(&number, 0, cut));
        assert!(!super::may_hold_date(&number, cut, number.len()));
        // No space to cut at: `Mon|day`.
        let word = format!("{}Monday", "-".repeat(cut - 3));
        let mut pieces = Vec::new();
        sentences(&word, |start, end| pieces.push((start, end)));
        assert_eq!(pieces, vec![(0, cut), (cut, word.len())]);
        assert!(super::may_hold_date(&word, 0, cut));
        assert!(!super::may_hold_date(&word, cut, word.len()));
    }

    #[test]
    fn long_sentences_are_cut_into_pieces() {
        let text = "word ".repeat(10_000);
        let mut pieces = Vec::new();
        sentences(&text, |start, end| pieces.push((start, end)));
        assert!(pieces.len() > 2);
        assert!(pieces.iter().all(|(start, end)| start < end && end - start <= 16 * 1024));
    }

    #[test]
    fn tokens_keep_offsets_and_lowercase() {
        let mut tokens = Tokens::default();
        let text = "On Março 23rd, 2011’s";
        tokens.read(text, 0, text.len());
        let kinds: Vec<Kind> = tokens.tokens.iter().map(|token| token.kind).collect();
        assert_eq!(
            kinds,
            vec![
                Kind::Word,
                Kind::Word,
                Kind::Number,
                Kind::Word,
                Kind::Mark,
                Kind::Number,
                Kind::Mark,
                Kind::Word
            ]
        );
        let month = tokens.tokens[1];
        assert_eq!(&text[month.start..month.end], "Março");
        assert_eq!(Tokens::lower(&tokens.arena, text, &month), "março");
        assert_eq!(Tokens::lower(&tokens.arena, text, &tokens.tokens[0]), "on");
        assert!(month.capital && !month.lowercase);
        assert_eq!(tokens.tokens[5].value, 2011);
        assert_eq!(tokens.tokens[6].mark, '’');
    }
}
