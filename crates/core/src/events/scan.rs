//! Sentences and tokens: the plain scanning that date patterns run over. Both are
//! single passes over the text, so finding events stays linear in its length.

use super::lexicon;

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
        // Most bytes end nothing: find the next candidate first (0xE2 leads `…`).
        let Some(offset) = bytes[index..].iter().position(|byte| matches!(byte, b'.' | b'!' | b'?' | 0xE2))
        else {
            break;
        };
        index += offset;
        let terminator = if bytes[index] != 0xE2 {
            1
        } else if bytes[index..].starts_with("…".as_bytes()) {
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

/// Adds to `found` where in `text` the words and digits are without which no date
/// expression is found: every expression has a digit or such a word
/// (`lexicon::is_trigger`: `March`, `Monday`, `ago`, `year` …). Most sentences
/// have none, and are neither split nor tokenised.
pub(super) fn triggers(text: &str, found: &mut Vec<usize>) {
    let bytes = text.as_bytes();
    // The width of the letter at `at` (not ASCII), 0 when it is not a letter.
    let letter = |at: usize| -> usize {
        text[at..].chars().next().filter(|&character| is_letter(character)).map_or(0, char::len_utf8)
    };
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        let start = at;
        if byte.is_ascii_digit() {
            found.push(at);
            while at < bytes.len() && bytes[at].is_ascii_digit() {
                at += 1;
            }
            continue;
        }
        if byte.is_ascii_alphabetic() {
            at += 1;
        } else if byte < 0x80 {
            at += 1;
            continue;
        } else {
            let width = letter(at);
            if width == 0 {
                at += text[at..].chars().next().map_or(1, char::len_utf8);
                continue;
            }
            at += width;
        }
        // The rest of the word: ASCII letters fast, others decoded.
        loop {
            while at < bytes.len() && bytes[at].is_ascii_alphabetic() {
                at += 1;
            }
            if at < bytes.len() && bytes[at] >= 0x80 {
                let width = letter(at);
                if width > 0 {
                    at += width;
                    continue;
                }
            }
            break;
        }
        if lexicon::is_trigger(&text[start..at]) {
            found.push(start);
        }
    }
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
    pub(super) kind: Kind,
    pub(super) start: usize,
    pub(super) end: usize,
    /// Where the lowercased word is in the tokens' arena, for a word with capitals
    /// (see `Tokens::lower`).
    pub(super) lower_start: usize,
    pub(super) lower_end: usize,
    /// The word starts with a capital.
    pub(super) capital: bool,
    /// The word has no capital at all.
    pub(super) lowercase: bool,
    /// A number's value (saturating) and its count of digits.
    pub(super) value: u32,
    pub(super) digits: usize,
    /// A mark's character.
    pub(super) mark: char,
}

/// Tokens of one sentence, with the lowercase forms of its words with capitals in
/// one arena; reused from sentence to sentence so that scanning allocates only as
/// the longest sentence needs.
#[derive(Default)]
pub(super) struct Tokens {
    pub(super) tokens: Vec<Token>,
    pub(super) arena: String,
}

impl Tokens {
    /// The lowercase form of the word `token` of `text`.
    pub(super) fn lower<'a>(arena: &'a str, text: &'a str, token: &Token) -> &'a str {
        if token.lowercase {
            &text[token.start..token.end]
        } else {
            &arena[token.lower_start..token.lower_end]
        }
    }

    /// Replaces the tokens with those of `text[start..end]`.
    pub(super) fn read(&mut self, text: &str, start: usize, end: usize) {
        self.tokens.clear();
        self.arena.clear();
        let bytes = text.as_bytes();
        let mut at = start;
        while at < end {
            // ASCII is read byte by byte; other characters are decoded.
            let (character, width) = if bytes[at] < 0x80 {
                (char::from(bytes[at]), 1)
            } else {
                let character = text[at..].chars().next().unwrap_or(' ');
                (character, character.len_utf8())
            };
            if character.is_whitespace() && !('\u{2010}'..='\u{2027}').contains(&character) {
                at += width;
                continue;
            }
            let mut token = Token {
                kind: Kind::Mark,
                start: at,
                end: at + width,
                lower_start: 0,
                lower_end: 0,
                capital: false,
                lowercase: false,
                value: 0,
                digits: 0,
                mark: character,
            };
            if character.is_ascii_digit() {
                token.kind = Kind::Number;
                let mut next = at;
                while next < end && bytes[next].is_ascii_digit() {
                    token.value =
                        token.value.saturating_mul(10).saturating_add(u32::from(bytes[next] - b'0'));
                    next += 1;
                }
                token.digits = next - at;
                token.end = next;
            } else if is_letter(character) {
                token.kind = Kind::Word;
                token.capital = character.is_uppercase();
                let mut has_capital = token.capital;
                let mut next = at + width;
                while next < end {
                    let byte = bytes[next];
                    if byte.is_ascii_alphabetic() {
                        has_capital |= byte.is_ascii_uppercase();
                        next += 1;
                    } else if byte >= 0x80
                        && let Some(following) = text[next..].chars().next()
                        && is_letter(following)
                    {
                        has_capital |= following.is_uppercase();
                        next += following.len_utf8();
                    } else {
                        break;
                    }
                }
                token.end = next;
                token.lowercase = !has_capital;
                let word = &text[at..next];
                // A word without capitals is its own lowercase form (`Tokens::lower`);
                // no word the patterns look for is longer than `MAX_KEYWORD_BYTES`.
                if has_capital && word.len() <= MAX_KEYWORD_BYTES {
                    token.lower_start = self.arena.len();
                    if word.is_ascii() {
                        self.arena.push_str(word);
                        self.arena[token.lower_start..].make_ascii_lowercase();
                    } else {
                        self.arena.extend(word.chars().flat_map(char::to_lowercase));
                    }
                    token.lower_end = self.arena.len();
                }
            }
            at = token.end;
            self.tokens.push(token);
        }
    }
}

/// Longer than any word of the lexicon (`approximately`, `septiembre`).
const MAX_KEYWORD_BYTES: usize = 16;

#[cfg(test)]
mod tests {
    use super::{Kind, Tokens, sentences, triggers};

    fn may_hold_date(text: &str) -> bool {
        let mut found = Vec::new();
        triggers(text, &mut found);
        !found.is_empty()
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
