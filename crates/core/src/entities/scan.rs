//! Candidate names in one piece of text: runs of capitalised words (with name
//! particles, initials and `of` inside institutions' names), cut where a title or
//! role stands, trimmed of sentence-initial ordinary words, each with the evidence
//! that the words around it give for what it names.
//!
//! The text is read once, in windows of at most [`WINDOW`] bytes, into a reused
//! token buffer: time is linear and memory flat whatever the input.

use std::borrow::Cow;
use std::cell::Cell;

use super::lexicon::{self, HyphenCue, lower, written};
use crate::word_key::{LetterRun, ascii_letters};

/// Texts are tokenised in windows of at most this many bytes (cut at a sentence
/// end or a space), so the token buffer stays small on a huge paragraph.
pub(super) const WINDOW: usize = 16 * 1024;
/// A longer run of capitalised words is a headline fragment or a list, not a name.
const MAX_RUN_WORDS: usize = 12;
/// A longer name is not one (and would make the JSON heavy on hostile input).
const MAX_NAME_BYTES: usize = 120;

/// What a text's piece is, for the rules that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TextKind {
    /// Paragraphs, quotations, list items.
    Prose,
    /// The title and sub-headings, which may capitalise every word.
    Heading,
}

/// Evidence for each kind, summed over a name's mentions.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Evidence {
    pub person: u16,
    pub organization: u16,
    pub place: u16,
}

impl Evidence {
    pub(super) fn add(&mut self, other: Evidence) {
        self.person = self.person.saturating_add(other.person);
        self.organization = self.organization.saturating_add(other.organization);
        self.place = self.place.saturating_add(other.place);
    }
}

/// One occurrence of a possible name.
#[derive(Debug, Clone)]
pub(super) struct Candidate<'a> {
    /// The name as written, possessive `'s` left out, curly apostrophes straightened.
    pub name: Cow<'a, str>,
    /// Byte range of the name in the scanned text.
    pub start: usize,
    pub end: usize,
    /// Words in the name, particles included.
    pub words: usize,
    /// Capitalised only because it opens a sentence or stands in a title-case
    /// headline: weak evidence that it is a name at all.
    pub initial: bool,
    /// Found in a title-case headline, where every word is capitalised.
    pub headline: bool,
    pub evidence: Evidence,
    /// The candidate (index into the output) that this one abbreviates in
    /// parentheses: `Federal Trade Commission (FTC)`.
    pub abbreviates: Option<usize>,
    /// The block the scanned text belongs to (none for the title), set by the
    /// caller, which also moves `start` and `end` into the block's text.
    pub block: Option<usize>,
    /// The candidate's group of names (`Names::add`), set by the caller.
    pub group: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Lower,
    Capitalised,
    /// Two or more letters, all capitals: `FTC`, `U.S.`, `AT&T`.
    Acronym,
    /// Numbers, and words in scripts without case.
    Other,
}

/// What separates a token from the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gap {
    /// The first token of a window.
    Start,
    Space,
    /// The full stop of an initial or a title's abbreviation: `J. K.`, `Dr.`.
    Dot,
    /// ` & ` inside a name: `Procter & Gamble`.
    Amp,
    Comma,
    /// Sentence punctuation or a line break.
    Sentence,
    /// An opening quotation mark.
    Open,
    /// An opening parenthesis.
    Paren,
    /// Anything else: dashes, closing quotation marks, slashes.
    Break,
}

impl Gap {
    fn starts_sentence(self) -> bool {
        matches!(self, Gap::Start | Gap::Sentence | Gap::Open)
    }
}

/// A word of a window: its byte range in the window (which is at most a few
/// tens of KiB, so `u32` holds it) and what the tokenizer saw of it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Token {
    start: u32,
    end: u32,
    shape: Shape,
    gap: Gap,
    possessive: bool,
    /// Ends with a full stop that is part of it: `U.S.`.
    dotted: bool,
    cue: HyphenCue,
}

impl Token {
    fn new(start: usize, end: usize, shape: Shape, gap: Gap) -> Token {
        // Windows are at most `WINDOW` bytes and a character long.
        let offset = |value: usize| u32::try_from(value).unwrap_or(u32::MAX);
        Token {
            start: offset(start),
            end: offset(end),
            shape,
            gap,
            possessive: false,
            dotted: false,
            cue: HyphenCue::None,
        }
    }

    fn start(&self) -> usize {
        self.start as usize
    }

    fn end(&self) -> usize {
        self.end as usize
    }
}

/// Buffers reused from text to text: a window's tokens, and the lists each of
/// its words is on, looked up once when first needed (`UNKNOWN` until then).
#[derive(Default)]
pub(super) struct Buffers {
    tokens: Vec<Token>,
    written: Vec<Cell<u32>>,
    lower: Vec<Cell<u32>>,
}

thread_local! {
    /// Each thread's buffers, kept from document to document: allocating them afresh
    /// for each (a few KiB, past the allocator's small-block caches) cost more than
    /// a typical article's lookups in them. They hold no more than one window's
    /// tokens, so what is kept is bounded.
    static BUFFERS: Cell<Buffers> = Cell::new(Buffers::default());
}

impl Buffers {
    /// This thread's buffers (empty ones if they are taken already); give them back
    /// with [`Buffers::keep`].
    pub(super) fn take() -> Buffers {
        BUFFERS.with(Cell::take)
    }

    /// Keeps the buffers for the thread's next document.
    pub(super) fn keep(self) {
        BUFFERS.with(|buffers| buffers.set(self));
    }
}

/// The lists of a word that is a name of its own, which a list of what a body is
/// for does not hold (`Ministry of Defence and Google`).
const OWN_NAME: u32 = written::ORGANIZATION | written::PLACE | written::GIVEN_NAME;

/// No list has every flag: a list lookup not made yet.
const UNKNOWN: u32 = u32::MAX;

/// Finds the candidates of `text`, appending them to `out`.
pub(super) fn scan<'a>(text: &'a str, kind: TextKind, buffers: &mut Buffers, out: &mut Vec<Candidate<'a>>) {
    let mut from = 0;
    while from < text.len() {
        let to = window_end(text, from);
        let window = &text[from..to];
        let tokens = &mut buffers.tokens;
        let shapes = tokenize(window, tokens);
        if !shapes.is_shouting(tokens.len()) {
            let title_case = kind == TextKind::Heading && is_title_case(window, tokens);
            let first = out.len();
            for memo in [&mut buffers.written, &mut buffers.lower] {
                memo.clear();
                memo.resize(tokens.len(), Cell::new(UNKNOWN));
            }
            Runs {
                text: window,
                base: from,
                tokens,
                written: &buffers.written,
                lower: &buffers.lower,
                title_case,
                out,
                first,
            }
            .find();
        }
        from = to;
    }
}

/// Where the window starting at `from` ends: at most [`WINDOW`] bytes on, after a
/// sentence's end or a space when there is one in its second half.
fn window_end(text: &str, from: usize) -> usize {
    if text.len() - from <= WINDOW {
        return text.len();
    }
    let mut limit = from + WINDOW;
    while !text.is_char_boundary(limit) {
        limit -= 1;
    }
    let window = &text[from..limit];
    let half = window.len() / 2;
    if let Some(position) = window.rfind(". ").filter(|position| *position >= half) {
        return from + position + 2;
    }
    if let Some(position) = window.rfind(' ').filter(|position| *position >= half) {
        return from + position + 1;
    }
    limit
}

/// The end of the run of lowercase ASCII letters from `start`, eight bytes at a
/// time: most words end within the first eight, with no branch per letter.
fn lowercase_end(bytes: &[u8], start: usize) -> usize {
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut end = start;
    while let Some(chunk) = bytes.get(end..end + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        // Per byte, high bit set when the low seven bits are at least `a`, and at
        // least one past `z`; no carry crosses bytes (0x7f + 0x1f < 0x100).
        let at_least_a = (word & LOW) + 0x1f1f_1f1f_1f1f_1f1f;
        let past_z = (word & LOW) + 0x0505_0505_0505_0505;
        let lowercase = at_least_a & !past_z & !word & HIGH;
        let other = !lowercase & HIGH;
        if other != 0 {
            return end + (other.trailing_zeros() / 8) as usize;
        }
        end += 8;
    }
    while end < bytes.len() && bytes[end].is_ascii_lowercase() {
        end += 1;
    }
    end
}

/// Whether the general path below would read the word of ASCII letters
/// `text[start..end]` on past `end`: into a letter or digit, or across a joiner
/// that joins (`people's`, `co-founder`, `U.S.`, `AT&T`). Most words end at a
/// space or punctuation that joins nothing (`word.`, `word,`, `word”`), and are
/// read by the fast paths.
fn goes_on(text: &str, start: usize, end: usize) -> bool {
    if end >= text.len() {
        return false;
    }
    let (next, width) = char_at(text, end);
    if next.is_alphanumeric() {
        return true;
    }
    if !matches!(next, '\'' | '’' | '-' | '‐' | '&' | '.') || end + width >= text.len() {
        return false;
    }
    let (after, _) = char_at(text, end + width);
    let bytes = text.as_bytes();
    match next {
        // An initial: one capital.
        '.' => end - start == 1 && bytes[start].is_ascii_uppercase() && after.is_uppercase(),
        '&' => bytes[end - 1].is_ascii_uppercase() && after.is_uppercase(),
        _ => after.is_alphanumeric(),
    }
}

/// Characters that may join two parts of one word: `O'Brien`, `co-founder`,
/// `U.S.`, `AT&T`.
fn is_joiner(byte: u8) -> bool {
    matches!(byte, b'\'' | b'-' | b'.' | b'&')
}

/// The character at byte `position` and its width.
fn char_at(text: &str, position: usize) -> (char, usize) {
    let byte = text.as_bytes()[position];
    if byte < 0x80 {
        return (char::from(byte), 1);
    }
    text[position..].chars().next().map_or((' ', 1), |character| (character, character.len_utf8()))
}

/// Splits `text` into words, each with its shape and what separates it from the
/// word before; returns how many of them are acronyms and not words at all.
fn tokenize(text: &str, tokens: &mut Vec<Token>) -> Shapes {
    tokens.clear();
    let mut shapes = Shapes::default();
    let bytes = text.as_bytes();
    let to = bytes.len();
    let mut position = 0;
    let mut gap_start = 0;
    while position < to {
        let byte = bytes[position];
        // Most words are plain lowercase ASCII: read them without the general
        // machinery (it is most of this module's time).
        if byte.is_ascii_lowercase() {
            let mut gap = if position - gap_start == 1 && bytes[gap_start] == b' ' {
                match tokens.last() {
                    Some(previous) if !previous.dotted => Gap::Space,
                    _ => classify_gap(&text[gap_start..position], text, tokens.last_mut()),
                }
            } else {
                classify_gap(&text[gap_start..position], text, tokens.last_mut())
            };
            // `word word word`: one word after another, each after one space.
            let general = loop {
                let end = lowercase_end(bytes, position + 1);
                let stop = bytes.get(end).copied();
                if end - position >= 3 && stop.is_some_and(|stop| stop.is_ascii_uppercase()) {
                    // `lajornadaLa Jornada`, `cbcnewsCBC News`: a link's text glued to
                    // the name after it by scraping. The name starts at its capital.
                    tokens.push(Token::new(position, end, Shape::Lower, gap));
                    gap_start = end;
                    position = end;
                    break false;
                }
                let plain = stop
                    .is_none_or(|stop| stop < 0x80 && !stop.is_ascii_alphanumeric() && !is_joiner(stop))
                    || !goes_on(text, position, end);
                if !plain {
                    // `people's`, `co-founder`, `iPhone`: the general path below
                    // (which classifies the gap again, to the same value).
                    break true;
                }
                tokens.push(Token::new(position, end, Shape::Lower, gap));
                gap_start = end;
                position = end;
                if stop == Some(b' ') && bytes.get(end + 1).is_some_and(u8::is_ascii_lowercase) {
                    position = end + 1;
                    gap = Gap::Space;
                    continue;
                }
                break false;
            };
            if !general {
                continue;
            }
        } else if byte.is_ascii_uppercase() {
            // A capitalised ASCII word or an acronym (`Meta`, `FTC`) followed by a
            // space or punctuation that joins nothing: as the general path reads it,
            // without decoding.
            let LetterRun { end, lowercase: has_lower, .. } = ascii_letters(bytes, position + 1, bytes.len());
            let stop = bytes.get(end).copied();
            if stop.is_none_or(|stop| stop < 0x80 && !stop.is_ascii_alphanumeric() && !is_joiner(stop))
                || !goes_on(text, position, end)
            {
                let shape =
                    if end - position >= 2 && !has_lower { Shape::Acronym } else { Shape::Capitalised };
                let gap = classify_gap(&text[gap_start..position], text, tokens.last_mut());
                let gap = if gap == Gap::Dot
                    && shape == Shape::Capitalised
                    && ends_sentence_after_dot(&text[position..end])
                {
                    Gap::Sentence
                } else {
                    gap
                };
                shapes.acronyms += usize::from(shape == Shape::Acronym);
                tokens.push(Token::new(position, end, shape, gap));
                position = end;
                gap_start = end;
                continue;
            }
        } else if byte.is_ascii_digit() {
            // A number followed by a space or punctuation that joins nothing (a full
            // stop or `&` never joins a digit): as the general path reads it.
            let mut end = position + 1;
            while end < to && bytes[end].is_ascii_digit() {
                end += 1;
            }
            let stop = bytes.get(end).copied();
            if stop.is_none_or(|stop| {
                stop < 0x80 && !stop.is_ascii_alphanumeric() && !matches!(stop, b'\'' | b'-')
            }) {
                let gap = classify_gap(&text[gap_start..position], text, tokens.last_mut());
                shapes.others += 1;
                tokens.push(Token::new(position, end, Shape::Other, gap));
                position = end;
                gap_start = end;
                continue;
            }
        } else if byte < 0x80 && !byte.is_ascii_alphanumeric() {
            position += 1;
            continue;
        }
        let (first, width) = char_at(text, position);
        // General punctuation (curly quotes, dashes, ellipses) is common and never
        // a letter; skip it without the Unicode tables.
        if ('\u{2000}'..='\u{206f}').contains(&first) || !first.is_alphanumeric() {
            position += width;
            continue;
        }
        let start = position;
        let mut end = position + width;
        let mut has_digit = first.is_numeric();
        let mut has_lower = false;
        let mut letters = usize::from(first.is_alphabetic());
        let mut second: Option<char> = None;
        // Characters since the word's start or its last full stop, for `U.S.`.
        let mut segment_length = 1;
        let mut segment_upper = first.is_uppercase();
        let mut previous = first;
        let mut hyphenated = false;
        while end < to {
            let (next, next_width) = char_at(text, end);
            if next.is_alphanumeric() {
                has_digit |= next.is_numeric();
                has_lower |= next.is_lowercase();
                letters += usize::from(next.is_alphabetic());
                second.get_or_insert(next);
                segment_length += 1;
                segment_upper = false;
                previous = next;
                end += next_width;
                continue;
            }
            if matches!(next, '\'' | '’' | '-' | '‐' | '&' | '.') && end + next_width < to {
                let (after, _) = char_at(text, end + next_width);
                let joins = match next {
                    '.' => segment_length == 1 && segment_upper && after.is_uppercase(),
                    '&' => previous.is_uppercase() && after.is_uppercase(),
                    _ => after.is_alphanumeric(),
                };
                if joins {
                    hyphenated |= next == '-';
                    second.get_or_insert(next);
                    if next == '.' {
                        segment_length = 0;
                        segment_upper = true;
                    }
                    previous = next;
                    end += next_width;
                    continue;
                }
            }
            break;
        }
        let scanned_end = end;
        let mut word = &text[start..end];
        // Dotted initials keep their last full stop: `U.S.`.
        if word.contains('.') && end < to && bytes[end] == b'.' {
            end += 1;
            word = &text[start..end];
        }
        let shape = if has_digit {
            Shape::Other
        } else if first.is_uppercase() {
            if letters >= 2 && !has_lower { Shape::Acronym } else { Shape::Capitalised }
        } else if first.is_lowercase() {
            let particle_prefixed = matches!(second, Some('-' | '\'' | '’' | 'l'))
                && ["al-", "el-", "ul-", "d'", "d’"].iter().any(|prefix| {
                    word.strip_prefix(prefix)
                        .and_then(|rest| rest.chars().next())
                        .is_some_and(char::is_uppercase)
                });
            if particle_prefixed || second.is_some_and(char::is_uppercase) {
                Shape::Capitalised
            } else {
                Shape::Lower
            }
        } else {
            Shape::Other
        };
        let mut possessive = false;
        let mut cue = HyphenCue::None;
        if matches!(shape, Shape::Capitalised | Shape::Acronym) && second.is_some() {
            for suffix in ["'s", "’s", "'S", "’S"] {
                if word.len() > suffix.len() && word.ends_with(suffix) {
                    // `McDonald's` is the name itself.
                    let straight: Cow<str> = if word.contains('’') {
                        Cow::Owned(word.replace('’', "'"))
                    } else {
                        Cow::Borrowed(word)
                    };
                    if !lexicon::is_known_organization(&straight) {
                        end -= suffix.len();
                        possessive = true;
                    }
                    break;
                }
            }
            if let Some(hyphen) = hyphenated.then(|| text[start..end].rfind('-')).flatten() {
                cue = lexicon::hyphen_cue(&text[start + hyphen + 1..end]);
                if cue != HyphenCue::None {
                    end = start + hyphen;
                }
            }
        }
        let previous_token = tokens.last_mut();
        let gap = classify_gap(&text[gap_start..start], text, previous_token);
        let gap =
            if gap == Gap::Dot && shape == Shape::Capitalised && ends_sentence_after_dot(&text[start..end]) {
                // `… in the U.S. The company said` ends a sentence after all.
                Gap::Sentence
            } else {
                gap
            };
        shapes.acronyms += usize::from(shape == Shape::Acronym);
        shapes.others += usize::from(shape == Shape::Other);
        tokens.push(Token {
            possessive,
            dotted: word.ends_with('.'),
            cue,
            ..Token::new(start, end, shape, gap)
        });
        position = scanned_end.max(end);
        gap_start = position;
    }
    shapes
}

/// Whether a capitalised word after a dotted abbreviation (`U.S.`) opens a new
/// sentence: an ordinary word does (`… in the U.S. The company said`), unless it
/// goes on an institution's name (`the U.S. Court of Appeals`, `U.S. Army`).
fn ends_sentence_after_dot(word: &str) -> bool {
    lexicon::is_common_word(word)
        && lexicon::written_lists(word) & (written::ORGANIZATION_SUFFIX | written::TAKES_OF) == 0
}

/// Classifies the characters between two tokens; marks `previous` possessive for a
/// trailing apostrophe (`Hastings' board`).
fn classify_gap(gap: &str, text: &str, previous: Option<&mut Token>) -> Gap {
    let Some(previous) = previous else {
        return Gap::Start;
    };
    let dotted = previous.dotted;
    // The two most common gaps, answered before the previous word is sliced.
    match gap {
        " " => return if dotted { Gap::Dot } else { Gap::Space },
        ", " => return Gap::Comma,
        _ => {}
    }
    let previous_word = &text[previous.start()..previous.end()];
    let abbreviation = || {
        let mut characters = previous_word.chars();
        characters.next().is_some() && characters.next().is_none() && previous.shape != Shape::Other
            || lexicon::is_dotted_abbreviation(previous_word)
    };
    let (mut sentence, mut dot, mut comma, mut open, mut paren, mut amp, mut other) =
        (false, false, false, false, false, false, false);
    for (index, character) in gap.char_indices() {
        match character {
            '\n' | '\r' => sentence = true,
            character if character.is_whitespace() => {}
            '.' if index == 0 && abbreviation() => dot = true,
            '.' | '!' | '?' | ';' | ':' | '…' => sentence = true,
            ',' => comma = true,
            '(' | '[' => paren = true,
            '“' | '"' | '‘' | '«' | '„' | '¿' | '¡' | '‹' => open = true,
            '\'' | '’' if index == 0 && previous_word.ends_with(['s', 'z']) => previous.possessive = true,
            '&' => amp = true,
            _ => other = true,
        }
    }
    if sentence {
        Gap::Sentence
    } else if paren {
        Gap::Paren
    } else if open {
        Gap::Open
    } else if other {
        Gap::Break
    } else if comma {
        Gap::Comma
    } else if amp {
        Gap::Amp
    } else if dot || dotted {
        Gap::Dot
    } else {
        Gap::Space
    }
}

/// How many of a window's tokens have the shapes that say it is shouting, counted
/// as they are read rather than in a second pass over the tokens. Lowercase words,
/// the most common, are neither.
#[derive(Default)]
struct Shapes {
    acronyms: usize,
    /// Tokens that are not words: numbers, words in scripts without case.
    others: usize,
}

impl Shapes {
    /// Mostly capitals, of `tokens` tokens: a shouted headline or a scraped menu,
    /// where case says nothing.
    fn is_shouting(&self, tokens: usize) -> bool {
        let words = tokens - self.others;
        self.acronyms >= 3 && self.acronyms * 5 >= words * 3
    }
}

/// A headline that capitalises every word but the minor ones.
fn is_title_case(text: &str, tokens: &[Token]) -> bool {
    let mut words = 0;
    for token in tokens {
        match token.shape {
            Shape::Lower => {
                let word = &text[token.start()..token.end()];
                let minor = matches!(
                    word,
                    "a" | "an"
                        | "the"
                        | "and"
                        | "or"
                        | "nor"
                        | "but"
                        | "of"
                        | "in"
                        | "on"
                        | "at"
                        | "to"
                        | "for"
                        | "by"
                        | "with"
                        | "from"
                        | "as"
                        | "vs"
                        | "per"
                        | "via"
                        | "into"
                        | "over"
                );
                if !minor {
                    return false;
                }
            }
            Shape::Capitalised | Shape::Acronym => words += 1,
            Shape::Other => {}
        }
    }
    words >= 3
}

/// The run finder over one window's tokens.
struct Runs<'t, 'a> {
    /// The window's text; `base` is its offset in the text scanned.
    text: &'a str,
    base: usize,
    tokens: &'t [Token],
    /// The lists of each token's word as written and lowercased (`UNKNOWN` until
    /// looked up): a word is asked about as the end of one name, the start of
    /// the next and the cue of both.
    written: &'t [Cell<u32>],
    lower: &'t [Cell<u32>],
    title_case: bool,
    out: &'t mut Vec<Candidate<'a>>,
    /// The first of `out`'s candidates found in this text.
    first: usize,
}

impl<'a> Runs<'_, 'a> {
    fn word(&self, index: usize) -> &'a str {
        let token = &self.tokens[index];
        &self.text[token.start()..token.end()]
    }

    /// The lists the word at `index` is on, as written.
    fn written(&self, index: usize) -> u32 {
        let memo = &self.written[index];
        if memo.get() == UNKNOWN {
            memo.set(lexicon::written_lists(self.word(index)));
        }
        memo.get()
    }

    /// The lists the word at `index` is on, lowercased.
    fn lower(&self, index: usize) -> u32 {
        let memo = &self.lower[index];
        if memo.get() == UNKNOWN {
            memo.set(lexicon::lower_lists(self.word(index)));
        }
        memo.get()
    }

    /// A capitalised word that may be part of a name; a lone capital only as an
    /// initial (`J. K. Rowling`), so that `A` and `I` never are.
    fn is_name_token(&self, index: usize) -> bool {
        let token = &self.tokens[index];
        match token.shape {
            Shape::Capitalised | Shape::Acronym => {
                token.end - token.start > 1
                    || self.tokens.get(index + 1).is_some_and(|next| next.gap == Gap::Dot)
            }
            Shape::Lower | Shape::Other => false,
        }
    }

    fn find(&mut self) {
        let mut index = 0;
        while index < self.tokens.len() {
            if !self.is_name_token(index) {
                index += 1;
                continue;
            }
            let start = index;
            let mut end = index + 1;
            let mut joined_and = false;
            while end < self.tokens.len() {
                let previous = &self.tokens[end - 1];
                let next = &self.tokens[end];
                if next.gap == Gap::Comma
                    && previous.cue == HyphenCue::None
                    && !previous.possessive
                    && let Some(last) = self.remit_list(start, end)
                {
                    end = last + 1;
                    joined_and = true;
                    continue;
                }
                if !matches!(next.gap, Gap::Space | Gap::Dot | Gap::Amp) || previous.cue != HyphenCue::None {
                    break;
                }
                // A possessive ends a name, except inside an institution's:
                // `Information Commissioner's Office`, `Our Children's Trust`.
                let inside_institution = || {
                    previous.shape == Shape::Capitalised
                        && self.is_name_token(end)
                        && self.written(end - 1) & (written::ORGANIZATION | written::PLACE) == 0
                        && self.written(end) & written::ORGANIZATION_SUFFIX != 0
                };
                if previous.possessive && !inside_institution() {
                    break;
                }
                if self.is_name_token(end) {
                    end += 1;
                    continue;
                }
                if next.gap == Gap::Space && self.is_station_number(end) {
                    // `BBC Radio 3`, `Channel 4`, `Antena 3`: the number is the name's.
                    end += 1;
                    break;
                }
                if next.gap == Gap::Space
                    && next.shape == Shape::Lower
                    && let Some(after) = self.particles_then_name(start, end, &mut joined_and)
                {
                    end = after + 1;
                    continue;
                }
                break;
            }
            // A title-case headline is one long run, cut at its ordinary words later.
            if self.title_case || end - start <= MAX_RUN_WORDS {
                self.run(start, end);
            }
            index = end;
        }
    }

    /// Whether the token at `index` is a number of one or two digits after a word
    /// that names a broadcaster's station by number (`Radio 3`, `Channel 4`).
    fn is_station_number(&self, index: usize) -> bool {
        let token = &self.tokens[index];
        token.shape == Shape::Other
            && (1..=2).contains(&(token.end() - token.start()))
            && self.word(index).bytes().all(|byte| byte.is_ascii_digit())
            && matches!(
                self.word(index - 1),
                "Radio" | "Channel" | "Canal" | "Kanal" | "Antena" | "Antenna" | "Rai"
            )
    }

    /// When the lowercase word at `index` and perhaps one more join the run to a
    /// capitalised word, that word's index.
    fn particles_then_name(&self, run_start: usize, index: usize, joined_and: &mut bool) -> Option<usize> {
        let word = self.word(index);
        // The run so far names an institution (`Court`, `Office`): `of`, `for` and
        // `and` may go on joining (`Court of Appeal of Alberta`).
        let institution = || {
            (run_start..index).any(|at| {
                self.tokens[at].shape != Shape::Lower
                    && self.written(at) & (written::TAKES_OF | written::ORGANIZATION_SUFFIX) != 0
            })
        };
        let spaced_name = |at: usize| {
            self.tokens.get(at).is_some_and(|token| token.gap == Gap::Space) && self.is_name_token(at)
        };
        if lexicon::is_particle(word) {
            if spaced_name(index + 1) {
                return Some(index + 1);
            }
            let second = self.tokens.get(index + 1).is_some_and(|token| token.gap == Gap::Space)
                && lexicon::is_second_particle(self.word(index + 1));
            return (second && spaced_name(index + 2)).then_some(index + 2);
        }
        if matches!(word, "of" | "for") && institution() {
            if spaced_name(index + 1) {
                return Some(index + 1);
            }
            let the = self.tokens.get(index + 1).is_some_and(|token| token.gap == Gap::Space)
                && self.word(index + 1) == "the";
            if the && self.is_ordinal(index + 2) && spaced_name(index + 3) {
                // `Court of Appeals for the 7th Circuit`
                return Some(index + 3);
            }
            return (the && spaced_name(index + 2)).then_some(index + 2);
        }
        // `Securities and Exchange Commission`: `and` inside a body's name, known
        // by the word that ends it.
        if matches!(word, "and" | "y" | "und" | "et") && !*joined_and {
            let mut last = index;
            while last + 1 < self.tokens.len() && last - index < 4 && spaced_name(last + 1) {
                last += 1;
            }
            let ends_as_body = last > index
                && matches!(
                    self.word(last),
                    "Commission"
                        | "Department"
                        | "Administration"
                        | "Agency"
                        | "Services"
                        | "Affairs"
                        | "Development"
                        | "Council"
                        | "Board"
                        | "Committee"
                        | "Institute"
                        | "Authority"
                        | "Office"
                        | "Foundation"
                        | "Prevention"
                        | "Security"
                        | "Technology"
                        | "Union"
                        | "Association"
                        | "Federation"
                        | "Society"
                        | "Alliance"
                        | "Coalition"
                        | "Trust"
                        | "Bureau"
                )
                // `Spain and European Union officials`: a listed name before `and`
                // is a name of its own.
                && self.written(index - 1) & (written::ORGANIZATION | written::PLACE) == 0;
            // Inside an institution's name, a plural after `and` goes on with it:
            // `Association of Machinists and Aerospace Workers` (not `Bank of
            // America and Wells Fargo`).
            let plural_in_institution = last > index
                && institution()
                && self.word(last).ends_with('s')
                && self.written(last) & (written::ORGANIZATION | written::PLACE) == 0;
            if ends_as_body || plural_in_institution || self.ends_listing_remit(run_start, index, last) {
                *joined_and = true;
                return Some(index + 1);
            }
        }
        None
    }

    /// When the comma before `at` goes on listing what the body `run_start..at` is
    /// for, up to its `and` and last word (`Ministry of Economy, Trade and
    /// Industry`, `Department for Environment, Food and Rural Affairs`), the index
    /// of that last word.
    fn remit_list(&self, run_start: usize, mut at: usize) -> Option<usize> {
        for _ in 0..3 {
            let item = self.tokens.get(at)?;
            if item.gap != Gap::Comma || item.shape != Shape::Capitalised || item.possessive {
                return None;
            }
            let and = at + 1;
            let next = self.tokens.get(and)?;
            if next.gap == Gap::Comma && self.is_name_token(and) {
                at = and;
                continue;
            }
            if !matches!(next.gap, Gap::Space | Gap::Comma) || self.word(and) != "and" {
                return None;
            }
            let mut last = and;
            while last - and < 3
                && self.tokens.get(last + 1).is_some_and(|token| token.gap == Gap::Space)
                && self.is_name_token(last + 1)
            {
                last += 1;
            }
            // One word (`Industry`), or a few after a list with commas, none a name of
            // its own nor opening another body's (`Rural Affairs`, `Local Government`;
            // not `Bank of England`).
            let remit_words = last > and + 1
                && self.lists_remit(run_start, and)
                && self.written(and + 1) & (written::ORGANIZATION_HEAD | written::PLACE_HEAD) == 0
                && (and + 1..=last).all(|word| self.written(word) & OWN_NAME == 0);
            return (self.ends_listing_remit(run_start, and, last) || remit_words).then_some(last);
        }
        None
    }

    /// Whether the one capitalised word after the `and` at `and` ends the list of
    /// what a body of `run_start..and` is for: `Department of Mineral Resources and
    /// Energy`, `Federal Ministry for Digital and Transport`. The word after `and`
    /// must not be a name of its own (`Ministry of Defence and Google`, `Court of
    /// Appeal and Parliament`, `University of Texas and Maria`).
    fn ends_listing_remit(&self, run_start: usize, and: usize, last: usize) -> bool {
        let alone = self
            .tokens
            .get(last + 1)
            .is_none_or(|next| next.gap != Gap::Space || !self.is_name_token(last + 1));
        last == and + 1
            && alone
            && self.lists_remit(run_start, and)
            && self.tokens[last].shape == Shape::Capitalised
            && self.written(last) & OWN_NAME == 0
            && !matches!(
                self.word(last),
                "Parliament" | "Congress" | "Senate" | "Police" | "Army" | "Navy" | "Government" | "Court"
            )
    }

    /// Whether `run_start..and` names a body by what it is for (`Ministry of
    /// Economy`, `Federal Ministry for Digital`): an institution's word, then `of` or
    /// `for`, and no listed name just before `and`.
    fn lists_remit(&self, run_start: usize, and: usize) -> bool {
        let Some(of) = (run_start + 1..and).find(|&at| matches!(self.word(at), "of" | "for")) else {
            return false;
        };
        let body = written::TAKES_OF | written::ORGANIZATION_SUFFIX | written::ORGANIZATION_HEAD;
        (run_start..of).any(|at| self.written(at) & body != 0) && self.written(and - 1) & OWN_NAME == 0
    }

    /// Whether the name ending before `to` follows `the`.
    fn after_the(&self, to: usize) -> bool {
        let mut from = to - 1;
        while from > 0 && self.tokens[from].gap == Gap::Space && self.tokens[from - 1].shape != Shape::Lower {
            from -= 1;
        }
        from > 0 && self.tokens[from].gap == Gap::Space && self.word(from - 1).eq_ignore_ascii_case("the")
    }

    /// A spaced ordinal number: `7th`, `21st`.
    fn is_ordinal(&self, index: usize) -> bool {
        self.tokens.get(index).is_some_and(|token| {
            let word = self.word(index);
            token.shape == Shape::Other
                && token.gap == Gap::Space
                && word.starts_with(|character: char| character.is_ascii_digit())
                && ["st", "nd", "rd", "th"].iter().any(|suffix| word.ends_with(suffix))
        })
    }

    /// One run of capitalised words, `start..end`.
    fn run(&mut self, start: usize, end: usize) {
        let initial = self.tokens[start].gap.starts_sentence();
        // Most runs are one ordinary word opening a sentence: `The`, `In`, `But`.
        // A possessive of a listed name is kept: `Labour's minister`, `Turkey's
        // central bank`.
        if end - start == 1
            && (initial || self.title_case)
            && self.lower(start) & lower::COMMON != 0
            && !(self.tokens[start].possessive
                && self.written(start) & (written::ORGANIZATION | written::PLACE) != 0)
        {
            return;
        }
        if self.is_dateline(start, end) {
            let emitted = self.out.len();
            self.emit(start, end, initial, start, end, false, None);
            if let Some(dateline) = self.out.get_mut(emitted) {
                dateline.evidence.place += 3;
            }
            return;
        }
        if end - start == 1 {
            // Lists and the words a single name must not be are looked at once
            // per distinct name, not here per mention.
            self.emit(start, end, initial, start, end, false, None);
            return;
        }
        let whole = self.surface(start, end);
        if lexicon::is_known(&whole) {
            self.emit(start, end, initial, start, end, false, None);
            return;
        }
        let mut part_start = start;
        let mut after_title = false;
        let mut index = start;
        while index < end {
            if self.is_title_chain(index, end) || (index == start && self.is_leading_role(index, end)) {
                let mut last_title = index;
                while last_title + 1 < end && self.is_title_chain(last_title + 1, end) {
                    last_title += 1;
                }
                if part_start < index {
                    self.part(part_start, index, start, end, initial, after_title, Some(index));
                }
                part_start = last_title + 1;
                after_title = true;
                index = last_title + 1;
                continue;
            }
            index += 1;
        }
        if part_start < end {
            self.part(part_start, end, start, end, initial, after_title, None);
        }
    }

    /// A role opening a run and followed by a person's name: `Engineer Mia Holt
    /// said`, `Author J. K. Rowling`. Roles are also ordinary words (`Star Wars`,
    /// `Official Statistics`), so the name must start with a given name or an
    /// initial.
    fn is_leading_role(&self, index: usize, end: usize) -> bool {
        let named = |next: usize| {
            self.written(next) & written::GIVEN_NAME != 0
                || self.tokens.get(next + 1).is_some_and(|token| token.gap == Gap::Dot)
        };
        self.tokens[index].shape == Shape::Capitalised
            && index + 2 < end
            && self.is_name_token(index + 1)
            && named(index + 1)
            && self.lower(index) & lower::PERSON_ROLE != 0
    }

    /// A title at `index` that is followed, possibly after more titles, by a name:
    /// `Mayor` in `Mayor Linda Okafor`, `Chief` and `Executive` in `Chief Executive
    /// Tim Cook`; not `Justice` in `Justice Department` nor `King` in `Stephen King`.
    fn is_title_chain(&self, index: usize, end: usize) -> bool {
        if self.tokens[index].shape == Shape::Lower || self.lower(index) & lower::PERSON_TITLE == 0 {
            return false;
        }
        let mut next = index + 1;
        while next < end && self.is_name_token(next) && self.lower(next) & lower::PERSON_TITLE != 0 {
            next += 1;
        }
        next < end
            && self.is_name_token(next)
            && !lexicon::is_name_suffix(self.word(next))
            && self.written(next) & written::ORGANIZATION_SUFFIX == 0
    }

    /// A part of a run between titles: trimmed, then emitted (split at ordinary
    /// words in a title-case headline).
    #[allow(clippy::too_many_arguments)]
    fn part(
        &mut self,
        mut from: usize,
        mut to: usize,
        run_start: usize,
        run_end: usize,
        run_initial: bool,
        after_title: bool,
        mut role_after: Option<usize>,
    ) {
        // An institution's name keeps its `European` and its `Commissioner`:
        // `European Court of Human Rights`, `Office of the Data Protection
        // Commissioner`.
        let (original_from, original_to) = (from, to);
        let suffixed = || {
            original_to - original_from >= 2
                && (self.written(original_to - 1) & written::PLACE_SUFFIX != 0
                    || (original_from..original_to).any(|index| {
                        self.tokens[index].shape != Shape::Lower
                            && self.written(index) & (written::ORGANIZATION_SUFFIX | written::TAKES_OF) != 0
                    }))
        };
        while from < to {
            let token = &self.tokens[from];
            if token.shape == Shape::Lower {
                from += 1;
                continue;
            }
            let flags = self.written(from);
            let named = to - from >= 2 && flags & written::GIVEN_NAME != 0;
            // After a dash, as after a full stop: `BRUSSELS (AP) — The European Commission`.
            let after_dash = from == run_start
                && self.tokens[from].gap == Gap::Break
                && matches!(self.word(from), "The" | "A" | "An");
            let sentence_start = (from == run_start && run_initial) || self.title_case || after_dash;
            // `Leader of the Opposition Sunil Deshmane`: an ordinary word before a
            // given name and a surname is a role, not part of the name.
            let before_person = to - from >= 3
                && self.tokens[from + 1].shape == Shape::Capitalised
                && self.written(from + 1) & written::GIVEN_NAME != 0
                && flags & (written::ORGANIZATION | written::PLACE | written::ORGANIZATION_SUFFIX) == 0
                && !suffixed();
            let ordinary =
                (sentence_start || before_person) && !named && self.lower(from) & lower::COMMON != 0;
            let not_a_name = flags & written::NOT_A_NAME != 0 && !named && !suffixed();
            if ordinary || not_a_name {
                from += 1;
                continue;
            }
            break;
        }
        while to > from {
            let last = &self.tokens[to - 1];
            // `Theresa May` keeps its month.
            let after_given_name = || to - from >= 2 && self.written(to - 2) & written::GIVEN_NAME != 0;
            if last.shape == Shape::Lower {
                to -= 1;
            } else if self.written(to - 1) & written::NOT_A_NAME != 0 && !after_given_name() && !suffixed() {
                // `The London Thursday`
                to -= 1;
            } else if to - from >= 2 && self.lower(to - 1) & lower::TRAILING_ROLE != 0 && !suffixed() {
                // `the Netflix CEO`: the role says what the name before it is.
                role_after = Some(to - 1);
                to -= 1;
            } else {
                break;
            }
        }
        if from >= to {
            return;
        }
        let initial = (from == run_start && run_initial) || self.title_case;
        let role_after = role_after.filter(|_| to == run_end || role_after == Some(to));
        if self.title_case && to - from > 1 {
            self.title_case_part(from, to, run_start, run_end, after_title, role_after);
            return;
        }
        self.emit(from, to, initial, run_start, run_end, after_title, role_after);
    }

    /// A part of a title-case headline, where capitals say little: names the lists
    /// know (`Bank of England`), a given name and the word after it (`Reed
    /// Hastings`), else single words, left for the body's mentions to confirm.
    fn title_case_part(
        &mut self,
        from: usize,
        to: usize,
        run_start: usize,
        run_end: usize,
        after_title: bool,
        role_after: Option<usize>,
    ) {
        let whole = self.surface(from, to);
        if lexicon::is_known(&whole) {
            self.emit(from, to, true, run_start, run_end, after_title, role_after);
            return;
        }
        let mut index = from;
        'pieces: while index < to {
            if self.tokens[index].shape == Shape::Lower || self.lower(index) & lower::COMMON != 0 {
                index += 1;
                continue;
            }
            let title = after_title && index == from;
            for length in (2..=(to - index).min(5)).rev() {
                let piece = self.surface(index, index + length);
                if lexicon::is_known(&piece) {
                    let after = if index + length == to { role_after } else { None };
                    self.emit(index, index + length, true, run_start, run_end, title, after);
                    index += length;
                    continue 'pieces;
                }
            }
            let person = index + 1 < to
                && self.written(index) & written::GIVEN_NAME != 0
                && self.tokens[index + 1].shape != Shape::Lower
                && self.lower(index + 1) & lower::COMMON == 0;
            let length = if person { 2 } else { 1 };
            let after = if index + length == to { role_after } else { None };
            self.emit(index, index + length, true, run_start, run_end, title, after);
            index += length;
        }
    }

    /// The text of tokens `from..to`, with curly apostrophes straightened and
    /// spacing folded when it needs it.
    fn surface(&self, from: usize, to: usize) -> Cow<'a, str> {
        let raw = &self.text[self.tokens[from].start()..self.tokens[to - 1].end()];
        // Only spaces between the words, and nothing outside ASCII that may be a
        // curly apostrophe or an odd space: the text as written is the name.
        let mut needs_folding = false;
        let mut previous_space = false;
        for byte in raw.bytes() {
            if byte >= 0x80 {
                needs_folding = raw.contains(['’', '\u{a0}', '\u{2009}', '\u{202f}']);
                break;
            }
            if byte.is_ascii_whitespace() && (byte != b' ' || previous_space) {
                needs_folding = true;
                break;
            }
            previous_space = byte == b' ';
        }
        if !needs_folding {
            return Cow::Borrowed(raw);
        }
        let mut folded = String::with_capacity(raw.len());
        for piece in raw.split_whitespace() {
            if !folded.is_empty() {
                folded.push(' ');
            }
            folded.extend(piece.chars().map(|character| if character == '’' { '\'' } else { character }));
        }
        Cow::Owned(folded)
    }

    /// Records tokens `from..to` as a candidate with the evidence of its context.
    #[allow(clippy::too_many_arguments)]
    fn emit(
        &mut self,
        from: usize,
        to: usize,
        initial: bool,
        run_start: usize,
        run_end: usize,
        after_title: bool,
        role_after: Option<usize>,
    ) {
        let words = to - from;
        if from == run_start && self.is_share_button(from) {
            return;
        }
        let name = self.surface(from, to);
        if name.len() > MAX_NAME_BYTES {
            return;
        }
        let mut evidence = Evidence::default();
        if after_title && from > run_start {
            evidence.person += 3;
        } else if from == run_start && from > 0 {
            self.evidence_before(from, words, &mut evidence);
        }
        if let Some(role) = role_after {
            if self.lower(role) & lower::ORGANIZATION_ROLE_AFTER != 0 {
                evidence.organization += 2;
            }
        } else if to == run_end {
            self.evidence_after(to, &mut evidence);
        }
        // `Procter & Gamble`, `Beaulieu & Grant`: firms.
        if self.tokens[from + 1..to].iter().any(|token| token.gap == Gap::Amp) {
            evidence.organization += 2;
        }
        match self.tokens[to - 1].cue {
            HyphenCue::Place => evidence.place += 2,
            HyphenCue::Organization => evidence.organization += 1,
            HyphenCue::None => {}
        }
        let abbreviates = self.abbreviated(from, to);
        let (start, end) = (self.base + self.tokens[from].start(), self.base + self.tokens[to - 1].end());
        let headline = self.title_case;
        self.out.push(Candidate {
            name,
            start,
            end,
            words,
            initial,
            headline,
            evidence,
            abbreviates,
            block: None,
            group: 0,
        });
    }

    /// A dateline: words in capitals opening a paragraph and followed by a dash,
    /// a colon, a comma or a bracket (`INVERNESS —`, `NEW YORK (Reuters) -`,
    /// `DELFT, Netherlands —`), not a label (`UPDATE:`, `BREAKING —`).
    fn is_dateline(&self, start: usize, end: usize) -> bool {
        if start != 0 || end - start > 3 || self.tokens[start].gap != Gap::Start {
            return false;
        }
        if !(start..end).all(|index| self.tokens[index].shape == Shape::Acronym) {
            return false;
        }
        let after = self.text[self.tokens[end - 1].end()..].trim_start_matches(' ');
        if !after.starts_with(['—', '–', '-', ':', ',', '(']) {
            return false;
        }
        if self.written(start) & written::PLACE != 0 {
            return true;
        }
        // Labels open stories the same way (`UPDATE:`, `BREAKING —`): an ordinary
        // word, or one of the few that are not on that list.
        let label = end - start == 1
            && (self.lower(start) & lower::COMMON != 0
                || matches!(
                    self.word(start),
                    "UPDATE"
                        | "UPDATED"
                        | "BREAKING"
                        | "EXCLUSIVE"
                        | "WATCH"
                        | "LISTEN"
                        | "ANALYSIS"
                        | "OPINION"
                        | "EDITORIAL"
                        | "CORRECTION"
                        | "LIVE"
                        | "VIDEO"
                        | "EXPLAINER"
                        | "REVIEW"
                        | "INTERVIEW"
                        | "SPONSORED"
                ));
        !label
    }

    /// `Share on Facebook`, `Follow us on Twitter`: scraped buttons, not text.
    fn is_share_button(&self, from: usize) -> bool {
        if from < 2 || self.tokens[from].gap != Gap::Space || self.tokens[from - 1].gap != Gap::Space {
            return false;
        }
        let (verb, preposition) = (self.word(from - 2), self.word(from - 1));
        matches!(preposition, "on" | "via" | "to")
            && (verb.eq_ignore_ascii_case("share")
                || verb.eq_ignore_ascii_case("us")
                || verb.eq_ignore_ascii_case("follow"))
    }

    /// Evidence from the words before the name at `from`.
    fn evidence_before(&self, from: usize, words: usize, evidence: &mut Evidence) {
        let gap = self.tokens[from].gap;
        let previous = from - 1;
        if self.tokens[previous].shape == Shape::Other || !matches!(gap, Gap::Space | Gap::Comma) {
            return;
        }
        let flags = self.lower(previous);
        if flags & lower::CUE == 0 {
            return;
        }
        if gap == Gap::Comma {
            // `two US citizens, Maximilian Klein`
            if words >= 2 && flags & lower::PERSON_ROLE != 0 {
                evidence.person += 2;
            }
            return;
        }
        let spaced = |index: usize| self.tokens[index].gap == Gap::Space;
        // `Maersk and MSC`, `Perth and Santiago`: a name listed beside a known one
        // is most often of its kind.
        if flags & lower::COORDINATION != 0 && previous > 0 && spaced(previous) {
            self.coordinated(previous - 1, evidence);
        }
        // `the FNV`, `the NTSB said`: an acronym after `the` is a body's, unless a
        // list says otherwise (`the US`, `the GDP`).
        if words == 1 && self.tokens[from].shape == Shape::Acronym && self.word(previous) == "the" {
            evidence.organization += 2;
        }
        // `engineer Mia Holt`; a role word before one word may be a verb
        // (`scientists were able to engineer Metroids`).
        if flags & lower::PERSON_ROLE != 0 {
            evidence.person += if words >= 2 { 2 } else { 1 };
        }
        // `said Mayor Linda Okafor`, not `said Lumora's general counsel`.
        if flags & lower::INVERTED_SPEECH_VERB != 0 && !self.tokens[from + words - 1].possessive {
            evidence.person += 1;
        }
        // `in Paris`, but not `in Trump's mouth`.
        if flags & lower::PLACE_PREPOSITION != 0 && !self.tokens[from + words - 1].possessive {
            evidence.place += 1;
        }
        if flags & lower::JOINED != 0 {
            evidence.organization += 1;
        }
        // `the data broker Locatrix`, `the streaming service Netflix`.
        if flags & lower::ORGANIZATION_NOUN != 0 && flags & lower::PERSON_ROLE == 0 {
            evidence.organization += 2;
        }
        if flags & lower::ROLE_PREPOSITION != 0 && previous > 0 && spaced(previous) {
            let mut role = previous - 1;
            if self.word(role) == "the" && role > 0 && spaced(role) {
                role -= 1;
            }
            let role_flags = self.lower(role);
            let at = self.word(previous) == "at";
            if role_flags & lower::ORGANIZATION_ROLE_BEFORE != 0 {
                evidence.organization += 2;
            } else if at {
                evidence.organization += 1;
            }
            if role_flags & lower::PLACE_NOUN != 0 && self.word(previous) == "of" {
                evidence.place += 2;
            }
        }
    }

    /// Evidence from a one-word name at `index` joined to a candidate by `and` or
    /// `or`: a listed organisation or place says the same of its neighbour.
    fn coordinated(&self, index: usize, evidence: &mut Evidence) {
        let token = &self.tokens[index];
        if !matches!(token.shape, Shape::Capitalised | Shape::Acronym) {
            return;
        }
        let flags = self.written(index);
        if flags & written::ORGANIZATION != 0 {
            evidence.organization += 2;
        } else if flags & written::PLACE != 0 {
            evidence.place += 2;
        }
    }

    /// Evidence from the words after the name ending before `to`.
    fn evidence_after(&self, to: usize, evidence: &mut Evidence) {
        let Some(next) = self.tokens.get(to) else {
            return;
        };
        let possessive = self.tokens[to - 1].possessive;
        match next.gap {
            Gap::Space => {
                let flags = self.lower(to);
                if flags & lower::COORDINATION != 0
                    && !possessive
                    && self.tokens.get(to + 1).is_some_and(|after| after.gap == Gap::Space)
                    && self.tokens.get(to + 2).is_none_or(|after| after.gap != Gap::Space)
                {
                    self.coordinated(to + 1, evidence);
                }
                if flags & lower::ORGANIZATION_ROLE_AFTER != 0 {
                    evidence.organization += 2;
                } else if flags & lower::PLACE_NOUN != 0
                    && next.shape == Shape::Lower
                    && !possessive
                    && self.after_the(to)
                {
                    // `the Marathwada region`, `the Yuma area`
                    evidence.place += 2;
                } else if !possessive {
                    let speaks = flags & lower::SPEECH_VERB != 0
                        || (flags & lower::SPEECH_ADVERB != 0
                            && self.tokens.get(to + 1).is_some_and(|token| token.gap == Gap::Space)
                            && self.lower(to + 1) & lower::SPEECH_VERB != 0);
                    if speaks {
                        evidence.person += 1;
                    }
                }
            }
            Gap::Comma if !possessive => {
                let word = self.word(to);
                if matches!(word, "who" | "whose") {
                    evidence.person += 1;
                } else if next.shape == Shape::Capitalised
                    && self.written(to) & written::PLACE != 0
                    && !next.possessive
                    && next.cue == HyphenCue::None
                    && self
                        .tokens
                        .get(to + 1)
                        .is_none_or(|after| after.gap != Gap::Space || after.shape == Shape::Lower)
                {
                    // `Salinas, California`, `Oak Brook, Illinois`: a place in a place.
                    evidence.place += 2;
                } else if next.shape == Shape::Lower
                    && self.lower(to) & lower::SPEECH_VERB != 0
                    && self.is_plain_name(to)
                {
                    // `the commissioner for housing, Lotte Brandsma, said`
                    evidence.person += 1;
                } else if word == "which" {
                    // `Lumora, which is based in Minneapolis`
                    evidence.organization += 1;
                } else if next.shape == Shape::Other
                    && word.len() <= 3
                    && word.bytes().all(|byte| byte.is_ascii_digit())
                    && self.tokens.get(to + 1).is_none_or(|token| token.gap == Gap::Comma)
                {
                    // `Sam Whitfield, 34, opened …`
                    evidence.person += 2;
                } else if self.tokens[to].possessive
                    || self.lower(to) & lower::DETERMINER != 0
                    || (next.shape == Shape::Lower && self.lower(to) & lower::PERSON_ROLE != 0)
                {
                    // `Amira Castell, a partner at the firm`; `Leanne Wu, chief economist
                    // at …` (a role with no article).
                    let first = if next.shape == Shape::Lower && self.lower(to) & lower::DETERMINER == 0 {
                        to
                    } else {
                        to + 1
                    };
                    for index in first..(to + 5).min(self.tokens.len()) {
                        // The apposition's head noun comes before any preposition:
                        // `Amira Castell, a partner at the firm`.
                        if (index > to && self.tokens[index].gap != Gap::Space)
                            || self.lower(index) & lower::PREPOSITION != 0
                        {
                            break;
                        }
                        let flags = self.lower(index);
                        // `a union official`, `a bank manager`: the noun is a
                        // modifier, the role after it the head.
                        let modifier = self.tokens.get(index + 1).is_some_and(|next| {
                            next.gap == Gap::Space
                                && next.shape == Shape::Lower
                                && self.lower(index + 1) & lower::PERSON_ROLE != 0
                        });
                        if flags & lower::ORGANIZATION_NOUN != 0 && !modifier {
                            evidence.organization += 2;
                            break;
                        }
                        // `Tarrington, a village in Herefordshire`
                        if flags & lower::PLACE_NOUN != 0 {
                            evidence.place += 2;
                            break;
                        }
                        if flags & lower::PERSON_ROLE != 0 {
                            evidence.person += 2;
                            break;
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// The two or three capitalised words before `to` with no word of an
    /// institution's or a place's name among them: `Lotte Brandsma`, not `Travis
    /// County District Court` nor `eSafety`.
    fn is_plain_name(&self, to: usize) -> bool {
        let institution = written::ORGANIZATION
            | written::PLACE
            | written::ORGANIZATION_SUFFIX
            | written::PLACE_SUFFIX
            | written::TAKES_OF;
        let from = to.saturating_sub(3);
        let mut words = 0;
        for index in (from..to).rev() {
            let token = &self.tokens[index];
            if token.shape != Shape::Capitalised || self.written(index) & institution != 0 {
                break;
            }
            words += 1;
            if token.gap != Gap::Space {
                break;
            }
        }
        (2..=3).contains(&words)
    }

    /// An acronym in parentheses right after a candidate: the index of that
    /// candidate.
    ///
    /// A capitalised word in brackets after a name of two words or more is another
    /// name for it as well: an acronym written as a word (`United Nations Children's
    /// Fund (Unicef)`) or the name in another language (`Federal Network Agency
    /// (Bundesnetzagentur)`); `Names::link_abbreviations` joins it only to a body's
    /// name (not `Jane Doe (Democrat)` nor `New York (Reuters)`).
    fn abbreviated(&self, from: usize, to: usize) -> Option<usize> {
        let token = &self.tokens[from];
        if to - from != 1 || token.gap != Gap::Paren || from == 0 {
            return None;
        }
        if !matches!(token.shape, Shape::Acronym | Shape::Capitalised)
            || !self.text[token.end()..].starts_with(')')
        {
            return None;
        }
        let previous_end = self.base + self.tokens[from - 1].end();
        let last = self.out.len().checked_sub(1).filter(|last| *last >= self.first)?;
        (self.out[last].end == previous_end && (token.shape == Shape::Acronym || self.out[last].words >= 2))
            .then_some(last)
    }
}

#[cfg(test)]
mod tests {
    use super::{Gap, Shape, tokenize};

    /// The words `tokenize` reads, with their shapes and the gaps before them.
    fn read(text: &str) -> Vec<(&str, Shape, Gap)> {
        let mut tokens = Vec::new();
        tokenize(text, &mut tokens);
        tokens.iter().map(|token| (&text[token.start()..token.end()], token.shape, token.gap)).collect()
    }

    #[test]
    fn numbers_are_words_of_their_own_whatever_follows_them() {
        use Gap::{Comma, Sentence, Space, Start};
        use Shape::{Capitalised, Lower, Other};
        // A number before a space, a comma, a full stop (never an initial's) or an
        // ampersand ends there; joined by a hyphen or followed by letters, it is one
        // word with them.
        assert_eq!(
            read("In 2024, 5.5 per cent of 1990s loans took 24-hour checks at 7&8 Hill St."),
            [
                ("In", Capitalised, Start),
                ("2024", Other, Space),
                ("5", Other, Comma),
                ("5", Other, Sentence),
                ("per", Lower, Space),
                ("cent", Lower, Space),
                ("of", Lower, Space),
                ("1990s", Other, Space),
                ("loans", Lower, Space),
                ("took", Lower, Space),
                ("24-hour", Other, Space),
                ("checks", Lower, Space),
                ("at", Lower, Space),
                ("7", Other, Space),
                ("8", Other, Gap::Amp),
                ("Hill", Capitalised, Space),
                ("St", Capitalised, Space),
            ]
        );
    }
}
