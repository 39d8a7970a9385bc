//! The words date expressions are made of, by language: month and weekday names
//! with how each language writes them, and the English words around dates.
//!
//! Every function takes a word already lowercased. Adding a language means adding
//! its names to `MONTHS` and `WEEKDAYS` (with its capitalisation rule) and, for its
//! prepositions, to the context lists; the patterns in `mod.rs` do not change.
//! Relative expressions (`last year`, `two years ago`) are English only for now.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::word_key::WordKey as Key;

use super::resolve::{Season, Tense};

/// How a language writes a name, which is what tells the month `March` from the verb
/// `march`, and the French `mars` from the planet `Mars`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Case {
    /// English and German: `March`, `März` (or all capitals, in headings).
    Capital,
    /// French and Spanish: `mars`, `marzo`.
    Lower,
    /// Both: German `Mai`, French `mai`.
    Either,
}

/// A month or weekday name: its number (months 1–12, weekdays 0–6 from Monday) and
/// how it must be written to count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Name {
    pub(super) number: i8,
    pub(super) case: Case,
    /// `Oct`, `Sept`: may be followed by a full stop; never a date on its own.
    pub(super) abbreviation: bool,
}

const fn full(number: i8, case: Case) -> Name {
    Name { number, case, abbreviation: false }
}

const fn short(number: i8) -> Name {
    Name { number, case: Case::Capital, abbreviation: true }
}

/// Month names: English (German shares `April`, `August`, `September`,
/// `November`), French, Spanish, German.
const MONTHS: &[(&str, Name)] = {
    use Case::{Capital, Either, Lower};
    &[
        ("january", full(1, Capital)),
        ("february", full(2, Capital)),
        ("march", full(3, Capital)),
        ("april", full(4, Capital)),
        ("may", full(5, Capital)),
        ("june", full(6, Capital)),
        ("july", full(7, Capital)),
        ("august", full(8, Capital)),
        ("september", full(9, Capital)),
        ("october", full(10, Capital)),
        ("november", full(11, Capital)),
        ("december", full(12, Capital)),
        ("jan", short(1)),
        ("feb", short(2)),
        ("mar", short(3)),
        ("apr", short(4)),
        ("jun", short(6)),
        ("jul", short(7)),
        ("aug", short(8)),
        ("sep", short(9)),
        ("sept", short(9)),
        ("oct", short(10)),
        ("nov", short(11)),
        ("dec", short(12)),
        ("janvier", full(1, Lower)),
        ("février", full(2, Lower)),
        ("fevrier", full(2, Lower)),
        ("mars", full(3, Lower)),
        ("avril", full(4, Lower)),
        ("mai", full(5, Either)),
        ("juin", full(6, Lower)),
        ("juillet", full(7, Lower)),
        ("août", full(8, Lower)),
        ("aout", full(8, Lower)),
        ("septembre", full(9, Lower)),
        ("octobre", full(10, Lower)),
        ("novembre", full(11, Lower)),
        ("décembre", full(12, Lower)),
        ("decembre", full(12, Lower)),
        ("enero", full(1, Lower)),
        ("febrero", full(2, Lower)),
        ("marzo", full(3, Lower)),
        ("abril", full(4, Lower)),
        ("mayo", full(5, Lower)),
        ("junio", full(6, Lower)),
        ("julio", full(7, Lower)),
        ("agosto", full(8, Lower)),
        ("septiembre", full(9, Lower)),
        ("setiembre", full(9, Lower)),
        ("octubre", full(10, Lower)),
        ("noviembre", full(11, Lower)),
        ("diciembre", full(12, Lower)),
        ("januar", full(1, Capital)),
        ("jänner", full(1, Capital)),
        ("februar", full(2, Capital)),
        ("märz", full(3, Capital)),
        ("juni", full(6, Capital)),
        ("juli", full(7, Capital)),
        ("oktober", full(10, Capital)),
        ("dezember", full(12, Capital)),
    ]
};

/// Weekday names (0 is Monday): English and German are capitalised, French and
/// Spanish lowercase.
const WEEKDAYS: &[(&str, Name)] = {
    use Case::{Capital, Lower};
    &[
        ("monday", full(0, Capital)),
        ("tuesday", full(1, Capital)),
        ("wednesday", full(2, Capital)),
        ("thursday", full(3, Capital)),
        ("friday", full(4, Capital)),
        ("saturday", full(5, Capital)),
        ("sunday", full(6, Capital)),
        ("lundi", full(0, Lower)),
        ("mardi", full(1, Lower)),
        ("mercredi", full(2, Lower)),
        ("jeudi", full(3, Lower)),
        ("vendredi", full(4, Lower)),
        ("samedi", full(5, Lower)),
        ("dimanche", full(6, Lower)),
        ("lunes", full(0, Lower)),
        ("martes", full(1, Lower)),
        ("miércoles", full(2, Lower)),
        ("miercoles", full(2, Lower)),
        ("jueves", full(3, Lower)),
        ("viernes", full(4, Lower)),
        ("sábado", full(5, Lower)),
        ("sabado", full(5, Lower)),
        ("domingo", full(6, Lower)),
        ("montag", full(0, Capital)),
        ("dienstag", full(1, Capital)),
        ("mittwoch", full(2, Capital)),
        ("donnerstag", full(3, Capital)),
        ("freitag", full(4, Capital)),
        ("samstag", full(5, Capital)),
        ("sonnabend", full(5, Capital)),
        ("sonntag", full(6, Capital)),
    ]
};

/// Which patterns may start at a word (`Entry::starts`).
pub(super) mod starts {
    pub(in super::super) const MONTH: u8 = 1;
    pub(in super::super) const WEEKDAY: u8 = 1 << 1;
    pub(in super::super) const SEASON: u8 = 1 << 2;
    pub(in super::super) const HOLIDAY: u8 = 1 << 3;
    /// `yesterday`, `last week`, `the end of the month` …
    pub(in super::super) const RELATIVE: u8 = 1 << 4;
    /// A count: `two years ago`, `a year earlier`.
    pub(in super::super) const COUNT: u8 = 1 << 5;
    /// `the previous day`, `later that year`.
    pub(in super::super) const ANCHOR: u8 = 1 << 6;
    /// A sentence without such a word (or a digit) holds no date: every pattern
    /// has one (`two years ago`, `the previous day`, `a year earlier`).
    pub(in super::super) const TRIGGER: u8 = 1 << 7;
    /// A pattern may start at the word.
    pub(in super::super) const PATTERNS: u8 = MONTH | WEEKDAY | SEASON | HOLIDAY | RELATIVE | COUNT | ANCHOR;
}

/// Words that end a pattern begun before them (`Entry::closes`): a sentence without
/// any need not be tried for those patterns.
pub(super) mod closes {
    /// `ago`: `two years ago`.
    pub(in super::super) const AGO: u8 = 1;
    /// `the previous day`, `the following year`, `the next day`, `the same day`, `a
    /// year later`, `two days earlier`, `later that year`.
    pub(in super::super) const ANCHORED: u8 = 1 << 1;
}

/// What the lexicon knows of a word.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Entry {
    pub(super) starts: u8,
    pub(super) closes: u8,
    pub(super) month: Option<Name>,
    pub(super) weekday: Option<Name>,
}

/// One lookup for every word of the text, so that the many words no date
/// starts with cost a probe and nothing more (a `match` per pattern costs a
/// comparison per name, for every word).
pub(super) fn entry(word: &str) -> Option<Entry> {
    get().entry(word)
}

static LEXICON: OnceLock<Lexicon> = OnceLock::new();

/// The lexicon, built on first use.
pub(super) fn get() -> &'static Lexicon {
    LEXICON.get_or_init(Lexicon::new)
}

/// The words of dates, with what is known of each (`Entry`), and the letters
/// their keys start and end with, which refuse most other words before any probe.
pub(super) struct Lexicon {
    /// An open-addressing table of `SLOTS` keys (`Key::EMPTY` where none is) and
    /// their entries: a key is two integers, so a probe is a multiplication and a
    /// comparison or two, with no string comparison.
    keys: Box<[Key]>,
    entries: Box<[Entry]>,
    /// For each length in bytes and first letter (every key starts with an ASCII
    /// letter), the second letters of the keys (`second_letter_bit`), and their
    /// last letters (`last_letter_bit`).
    first_letters: [[u32; 26]; MAX_KEY_BYTES],
    last_letters: [[u32; 26]; MAX_KEY_BYTES],
    /// The same for the keys that may be triggers: not `the`, `a`, `two` …,
    /// the most frequent words of any text.
    trigger_letters: [[u32; 26]; MAX_KEY_BYTES],
}

/// Slots of the table, a power of two: several times the keys, so that probes are
/// short.
const SLOTS: usize = 1024;

fn first_slot(key: Key) -> usize {
    (key.hash() >> (64 - SLOTS.trailing_zeros())) as usize
}

/// Bit 0 to 25 for a last letter `a` to `z`, bit 26 for anything else: with the
/// second letter, it tells most words that share a key's length and first letter
/// from it (`that` from `this`, `said` from `same`).
fn last_letter_bit(word: &[u8]) -> u32 {
    match word.last() {
        Some(letter @ b'a'..=b'z') => 1 << (letter - b'a'),
        _ => 1 << 26,
    }
}

impl Lexicon {
    /// See [`entry`]. Inlined into the tokeniser, which asks it for every word.
    #[inline(always)]
    pub(super) fn entry(&self, word: &str) -> Option<Entry> {
        // Before probing: a key of this length starting with these two letters must
        // exist. Most words of a text fail here.
        let bytes = word.as_bytes();
        let first = *bytes.first()?;
        if bytes.len() >= MAX_KEY_BYTES
            || !first.is_ascii_lowercase()
            || self.first_letters[bytes.len()][usize::from(first - b'a')] & second_letter_bit(bytes) == 0
            || self.last_letters[bytes.len()][usize::from(first - b'a')] & last_letter_bit(bytes) == 0
        {
            return None;
        }
        self.get(Key::of(bytes))
    }

    /// The first half of [`is_trigger`], on the word as written: whether a trigger
    /// of its length starts with its first two letters. Most words fail here.
    #[inline]
    pub(super) fn may_be_trigger(&self, word: &str) -> bool {
        let bytes = word.as_bytes();
        // ASCII letters lowercase with `| 0x20`; other bytes are refused or pass to
        // the full lookup.
        let lower = |byte: u8| if byte.is_ascii_uppercase() { byte | 0x20 } else { byte };
        let Some(&first) = bytes.first() else {
            return false;
        };
        let first = lower(first);
        bytes.len() < MAX_KEY_BYTES
            && first.is_ascii_lowercase()
            && self.trigger_letters[bytes.len()][usize::from(first - b'a')]
                & second_letter_bit(&[first, lower(bytes.get(1).copied().unwrap_or(0))][..bytes.len().min(2)])
                != 0
    }

    fn get(&self, key: Key) -> Option<Entry> {
        let mut slot = first_slot(key);
        loop {
            let found = self.keys[slot];
            if found == key {
                return Some(self.entries[slot]);
            }
            if found == Key::EMPTY {
                return None;
            }
            slot = (slot + 1) & (SLOTS - 1);
        }
    }
}

/// Longer than any key of the table (`thanksgiving`).
const MAX_KEY_BYTES: usize = Key::MAX_BYTES;

/// Bit 0 to 25 for a second letter `a` to `z`; bit 26 for anything else, bit 27
/// for a one-letter word.
fn second_letter_bit(word: &[u8]) -> u32 {
    match word.get(1) {
        Some(letter @ b'a'..=b'z') => 1 << (letter - b'a'),
        Some(_) => 1 << 26,
        None => 1 << 27,
    }
}

impl Lexicon {
    fn new() -> Lexicon {
        let mut table: HashMap<&'static str, Entry> = HashMap::new();
        for &(word, name) in MONTHS {
            let entry = table.entry(word).or_default();
            entry.starts |= starts::MONTH;
            entry.month = Some(name);
        }
        for &(word, name) in WEEKDAYS {
            let entry = table.entry(word).or_default();
            entry.starts |= starts::WEEKDAY;
            entry.weekday = Some(name);
        }
        fn add(table: &mut HashMap<&'static str, Entry>, words: &[&'static str], flag: u8) {
            for &word in words {
                table.entry(word).or_default().starts |= flag;
            }
        }
        add(&mut table, &["spring", "summer", "autumn", "fall", "winter"], starts::SEASON);
        add(
            &mut table,
            &[
                "christmas",
                "new",
                "valentine",
                "halloween",
                "boxing",
                "bastille",
                "thanksgiving",
                "black",
                "cyber",
                "easter",
                "good",
                "memorial",
                "labor",
            ],
            starts::HOLIDAY,
        );
        add(
            &mut table,
            &[
                "yesterday",
                "today",
                "tonight",
                "tomorrow",
                "last",
                "this",
                "next",
                "end",
                "start",
                "beginning",
                "middle",
            ],
            starts::RELATIVE,
        );
        add(
            &mut table,
            NUMBER_WORDS.iter().map(|(word, _)| *word).collect::<Vec<_>>().as_slice(),
            starts::COUNT,
        );
        add(&mut table, &["the", "later", "earlier"], starts::ANCHOR);
        // Month, weekday and holiday names are triggers when written as names
        // (`is_trigger`); `last`, `this` and `next` need one of these words after them
        // (`last year`, `this morning`) or a name.
        add(
            &mut table,
            &[
                "spring",
                "summer",
                "autumn",
                "fall",
                "winter",
                "yesterday",
                "today",
                "tonight",
                "tomorrow",
                "week",
                "month",
                "year",
                "night",
                "weekend",
                "morning",
                "afternoon",
                "evening",
                "next",
                "ago",
                "later",
                "earlier",
                "previous",
                "following",
                "same",
            ],
            starts::TRIGGER,
        );
        table.entry("ago").or_default().closes |= closes::AGO;
        for word in ["previous", "following", "next", "same", "later", "earlier"] {
            table.entry(word).or_default().closes |= closes::ANCHORED;
        }
        let mut first_letters = [[0; 26]; MAX_KEY_BYTES];
        let mut last_letters = [[0; 26]; MAX_KEY_BYTES];
        let mut trigger_letters = [[0; 26]; MAX_KEY_BYTES];
        for (word, entry) in &table {
            let bytes = word.as_bytes();
            assert!(bytes[0].is_ascii_lowercase() && bytes.len() < MAX_KEY_BYTES, "lexicon key {word:?}");
            let bit = second_letter_bit(bytes);
            first_letters[bytes.len()][usize::from(bytes[0] - b'a')] |= bit;
            last_letters[bytes.len()][usize::from(bytes[0] - b'a')] |= last_letter_bit(bytes);
            if entry.starts & (starts::TRIGGER | starts::HOLIDAY) != 0
                || entry.month.is_some()
                || entry.weekday.is_some()
            {
                trigger_letters[bytes.len()][usize::from(bytes[0] - b'a')] |= bit;
            }
        }
        let mut keys = vec![Key::EMPTY; SLOTS].into_boxed_slice();
        let mut entries = vec![Entry::default(); SLOTS].into_boxed_slice();
        assert!(table.len() * 2 < SLOTS, "lexicon table too small");
        for (word, entry) in table {
            let key = Key::of(word.as_bytes());
            let mut slot = first_slot(key);
            while keys[slot] != Key::EMPTY {
                slot = (slot + 1) & (SLOTS - 1);
            }
            keys[slot] = key;
            entries[slot] = entry;
        }
        Lexicon { keys, entries, first_letters, last_letters, trigger_letters }
    }
}

/// Whether `word` (as written) is a word without which no date is found in a
/// sentence (`starts::TRIGGER`). Most words are refused before they are
/// lowercased or probed.
pub(super) fn is_trigger(word: &str) -> bool {
    let lexicon = get();
    if !lexicon.may_be_trigger(word) {
        return false;
    }
    let bytes = word.as_bytes();
    if word.is_ascii() {
        // `may_be_trigger` let only words shorter than a key's limit through. The
        // word's key, lowercased, is probed as is: no copy, no second check of its
        // letters.
        let key = Key::of(bytes);
        let capital = bytes[0].is_ascii_uppercase();
        let lowercase = key.ascii_lowercase() == key;
        return lexicon.get(key.ascii_lowercase()).is_some_and(|found| triggers(found, capital, lowercase));
    }
    let found = entry(&word.to_lowercase());
    let capital = word.chars().next().is_some_and(char::is_uppercase);
    let lowercase = !word.chars().any(char::is_uppercase);
    found.is_some_and(|found| triggers(found, capital, lowercase))
}

/// The second half of [`is_trigger`]: whether the entry of a word written with a
/// capital first (`capital`) or without any (`lowercase`) makes it a trigger.
fn triggers(found: Entry, capital: bool, lowercase: bool) -> bool {
    let fits = |name: Name| match name.case {
        Case::Capital => capital,
        Case::Lower => lowercase,
        Case::Either => true,
    };
    found.starts & starts::TRIGGER != 0
        || found.month.is_some_and(fits)
        || found.weekday.is_some_and(fits)
        || (found.starts & starts::HOLIDAY != 0 && capital)
}

/// The month `word` names, in English, French, Spanish or German.
pub(super) fn month(word: &str) -> Option<Name> {
    entry(word)?.month
}

/// Words after which a bare year is a date: `in 2011`, `since 2018`, `summer 2011`,
/// `en 2011`, `desde 2018`, `seit 2018`.
pub(super) fn is_year_context(word: &str) -> bool {
    matches!(
        word,
        "in" | "since"
            | "from"
            | "until"
            | "till"
            | "til"
            | "through"
            | "throughout"
            | "during"
            | "before"
            | "after"
            | "by"
            | "between"
            | "circa"
            | "c"
            | "ca"
            | "around"
            | "early"
            | "late"
            | "mid"
            | "end"
            | "start"
            | "beginning"
            | "middle"
            | "spring"
            | "summer"
            | "autumn"
            | "fall"
            | "winter"
            | "year"
            | "half"
            | "quarter"
            | "fiscal"
            // French, Spanish, German.
            | "en"
            | "depuis"
            | "dès"
            | "année"
            | "desde"
            | "hasta"
            | "durante"
            | "año"
            | "seit"
            | "im"
            | "bis"
            | "jahr"
    )
}

/// Words that may stand between a context word and a year without breaking the
/// link: `since at least 2011`, `by the end of 2011`, `in the summer of 2011`.
pub(super) fn is_year_filler(word: &str) -> bool {
    matches!(
        word,
        "at" | "least"
            | "as"
            | "the"
            | "of"
            | "earlier"
            | "later"
            | "recently"
            | "sometime"
            | "some"
            | "time"
            | "first"
            | "second"
            | "third"
            | "fourth"
            | "last"
            | "calendar"
            | "approximately"
            | "roughly"
            | "le"
            | "la"
            | "l"
            | "el"
            | "de"
            | "del"
            | "das"
            | "dem"
    )
}

/// Words after which a month named alone is a date: `in March`, `since June`,
/// `last May`, `by the end of March`, `en mars`.
pub(super) fn is_month_context(word: &str) -> bool {
    matches!(
        word,
        "in" | "since"
            | "until"
            | "till"
            | "by"
            | "from"
            | "through"
            | "throughout"
            | "during"
            | "before"
            | "after"
            | "early"
            | "late"
            | "mid"
            | "end"
            | "start"
            | "beginning"
            | "middle"
            | "last"
            | "next"
            | "this"
            | "days"
            | "weeks"
            | "half"
            | "en"
            | "depuis"
            | "desde"
            | "hasta"
            | "seit"
            | "im"
            | "bis"
    )
}

/// Words between a context word and a month: `by the end of March`.
pub(super) fn is_month_filler(word: &str) -> bool {
    matches!(word, "the" | "of" | "at" | "least" | "as" | "le" | "la" | "el" | "de" | "del")
}

/// Qualifiers that make a date approximate: `around 2011`, `nearly a decade ago`.
pub(super) fn is_approximating(word: &str) -> bool {
    matches!(
        word,
        "around"
            | "circa"
            | "c"
            | "ca"
            | "about"
            | "approximately"
            | "roughly"
            | "nearly"
            | "almost"
            | "some"
    )
}

/// Suffixes of ordinal day numbers: `23rd`, `1er`, `2nd`.
pub(super) fn is_ordinal_suffix(word: &str) -> bool {
    matches!(word, "st" | "nd" | "rd" | "th" | "er" | "re" | "o")
}

/// Words that join the two ends of a range of years or months: `between 2011 and
/// 2018`, `from March to May`.
pub(super) fn is_range_joiner(word: &str) -> bool {
    matches!(
        word,
        "and" | "to" | "or" | "through" | "thru" | "until" | "till" | "et" | "y" | "à" | "a" | "und"
    )
}

/// Words before a number that make it a quantity: `more than 2000`, `nearly 1950`.
pub(super) fn is_quantity(word: &str) -> bool {
    matches!(
        word,
        "than"
            | "over"
            | "under"
            | "nearly"
            | "almost"
            | "about"
            | "approximately"
            | "roughly"
            | "just"
            | "only"
            | "another"
            | "additional"
            | "further"
            | "extra"
            | "exactly"
            | "total"
            | "sum"
            | "average"
            | "maximum"
            | "minimum"
            | "score"
            | "tally"
    )
}

/// Words before a number that make it a label: `page 2011`, `room 1950`.
pub(super) fn is_label(word: &str) -> bool {
    matches!(
        word,
        "page"
            | "pages"
            | "p"
            | "pp"
            | "no"
            | "nos"
            | "number"
            | "room"
            | "flight"
            | "route"
            | "section"
            | "article"
            | "chapter"
            | "model"
            | "version"
            | "highway"
            | "interstate"
            | "suite"
            | "box"
            | "code"
            | "form"
            | "bill"
            | "case"
            | "item"
            | "platform"
            | "gate"
            | "exit"
            | "bus"
            | "train"
            | "line"
            | "level"
            | "floor"
            | "unit"
            | "apartment"
            | "lot"
            | "track"
            | "episode"
            | "volume"
            | "vol"
            | "issue"
            | "rule"
            | "regulation"
            | "order"
            | "tel"
            | "phone"
            | "fax"
            | "id"
            | "ref"
            | "pin"
            | "zip"
            | "postcode"
    )
}

/// Words after a number with nothing before it to make it a year that make it a
/// count: `2050 more will follow`, `2000 of them`. (`In 2011 more than half …` is a
/// year: its `in` says so.)
pub(super) fn is_count_after(word: &str) -> bool {
    matches!(word, "more" | "fewer" | "less" | "others" | "of")
}

/// Times of day written as four digits: `2000 GMT`, `1930 hours`.
pub(super) fn is_time_zone(word: &str) -> bool {
    matches!(
        word,
        "gmt"
            | "utc"
            | "bst"
            | "cet"
            | "cest"
            | "est"
            | "edt"
            | "pst"
            | "pdt"
            | "hours"
            | "hrs"
            | "h"
            | "local"
    )
}

/// Lowercase words that may follow a one-word holiday without making it a kind of
/// thing (`by Christmas and`, `before Easter, when`).
pub(super) fn may_follow_holiday(word: &str) -> bool {
    matches!(
        word,
        "and"
            | "or"
            | "to"
            | "when"
            | "as"
            | "in"
            | "on"
            | "at"
            | "with"
            | "for"
            | "but"
            | "while"
            | "after"
            | "before"
            | "this"
            | "last"
            | "next"
            | "is"
            | "was"
            | "will"
            | "weekend"
            | "week"
            | "break"
            | "day"
            | "eve"
            | "morning"
            | "night"
            | "the"
            | "a"
            | "that"
            | "which"
            | "amid"
    )
}

/// Nouns that make a number before them a count, not a year: `2000 people`,
/// `2011 messages`. Plurals are caught by `is_count_noun`'s ending rule; these are the
/// others.
fn is_unit_word(word: &str) -> bool {
    matches!(
        word,
        "people"
            | "percent"
            | "per"
            | "cent"
            | "men"
            | "women"
            | "children"
            | "staff"
            | "personnel"
            | "police"
            | "feet"
            | "foot"
            | "km"
            | "kg"
            | "mph"
            | "m"
            | "ft"
            | "lb"
            | "lbs"
            | "personas"
            | "personnes"
            | "menschen"
    )
}

/// Verbs ending in `s` that often follow a year as its subject: `2011 marks`.
fn is_verb_after_year(word: &str) -> bool {
    matches!(
        word,
        "marks"
            | "sees"
            | "brings"
            | "remains"
            | "represents"
            | "looks"
            | "promises"
            | "begins"
            | "ends"
            | "seems"
            | "appears"
            | "becomes"
            | "means"
            | "starts"
            | "proves"
            | "was"
            | "has"
            | "does"
            | "is"
    )
}

/// Whether a lowercase `word` after a number makes it a count: a unit, or a
/// plural noun (`2011 messages`).
pub(super) fn is_count_noun(word: &str) -> bool {
    if is_unit_word(word) {
        return true;
    }
    word.len() >= 4
        && word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
        && !is_verb_after_year(word)
        && !matches!(
            word,
            "this"
                | "thus"
                | "plus"
                | "always"
                | "perhaps"
                | "unless"
                | "whereas"
                | "besides"
                | "towards"
                | "afterwards"
                | "sometimes"
                | "nevertheless"
                | "regardless"
                | "theirs"
                | "yours"
                | "ours"
                | "hers"
                | "news"
                | "series"
                // Plurals a year qualifies: `2019 levels`, `2023 results`.
                | "levels"
                | "figures"
                | "results"
                | "sales"
                | "prices"
                | "earnings"
                | "rates"
                | "elections"
                | "olympics"
                | "games"
                | "accounts"
                | "estimates"
                | "forecasts"
                | "revenues"
                | "profits"
                | "statistics"
                | "standards"
                | "totals"
                | "species"
                | "années"
                | "años"
        )
}

/// Holidays and phrases in which a weekday is not a date: `Black Friday`,
/// `Super Tuesday`, `every Monday`, `on a Monday`.
pub(super) fn cancels_weekday(word: &str) -> bool {
    matches!(
        word,
        "black"
            | "cyber"
            | "good"
            | "ash"
            | "holy"
            | "super"
            | "bloody"
            | "easter"
            | "maundy"
            | "shrove"
            | "giving"
            | "fat"
            | "every"
            | "each"
            | "a"
            // French `le dimanche`, Spanish `los lunes`: every Sunday, every Monday.
            | "le"
            | "les"
            | "los"
            | "chaque"
            | "cada"
            | "jeden"
    )
}

/// Numbers written as words, for `two years ago`: one to ninety-nine (`twenty-five`
/// is read by the caller as `twenty` `-` `five`), and `a`/`an` for one.
const NUMBER_WORDS: &[(&str, u32)] = &[
    ("a", 1),
    ("an", 1),
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
];

pub(super) fn number_word(word: &str) -> Option<u32> {
    if entry(word)?.starts & starts::COUNT == 0 {
        return None;
    }
    NUMBER_WORDS.iter().find(|(name, _)| *name == word).map(|(_, number)| *number)
}

/// Abbreviations whose full stop does not end a sentence (a month abbreviation is
/// handled by the caller: `Oct. 2021` goes on, `in Oct. The` ends).
pub(super) fn is_abbreviation(word: &str) -> bool {
    crate::abbreviation::is_common(word)
        || matches!(word, "sra" | "mme" | "mlle" | "no" | "nos" | "vol" | "fig" | "ca" | "approx" | "est")
}

/// Words that tell the tense of the clause a date is in, which says whether a
/// `March 23` or an `on Monday` is the last one or the next. Only lowercase words
/// count (`Will Smith`, `May`). Past participles (`filed`) and Spanish and French
/// endings are read by the caller.
pub(super) fn tense_word(word: &str) -> Option<Tense> {
    let tense = match word {
        "will" | "shall" | "would" | "could" | "can" | "might" | "may" | "expects" | "expect" | "plans"
        | "intends" | "aims" | "hopes" | "upcoming" | "next" | "coming" | "tomorrow" | "soon" => {
            Tense::Future
        }
        // French, Spanish, German.
        "sera" | "seront" | "va" | "vont" | "prévu" | "prévue" | "prévus" | "prévues" | "devrait"
        | "devraient" | "doit" | "doivent" | "aura" | "auront" | "pourra" | "pourront" | "partir"
        | "será" | "serán" | "van" | "prevé" | "previsto" | "prevista" | "previstos" | "previstas"
        | "wird" | "werden" | "soll" | "sollen" => Tense::Future,
        "was" | "were" | "had" | "did" | "said" | "told" | "ago" | "yesterday" | "last" | "began"
        | "came" | "took" | "went" | "met" | "made" | "gave" | "lost" | "fell" | "rose" | "saw" | "left"
        | "held" | "struck" | "sent" | "wrote" | "spoke" | "brought" | "bought" | "paid" | "sold"
        | "became" | "grew" | "found" | "broke" | "chose" | "drew" | "drove" | "flew" | "knew" | "led"
        | "ran" | "stood" | "thought" | "got" | "spent" | "kept" | "built" | "felt" | "heard" | "meant"
        | "sat" | "fought" | "sought" | "taught" | "caught" | "withdrew" | "froze" | "shook" | "swore"
        | "threw" | "underwent" => Tense::Past,
        "ont" | "avait" | "avaient" | "était" | "étaient" | "fut" | "été" | "fue" | "fueron" | "había"
        | "habían" | "wurde" | "wurden" | "war" | "waren" | "hatte" | "hatten" => Tense::Past,
        _ => return None,
    };
    Some(tense)
}

/// Words ending in `ed` that are not past tenses.
pub(super) fn is_not_past(word: &str) -> bool {
    matches!(
        word,
        "need"
            | "indeed"
            | "speed"
            | "seed"
            | "feed"
            | "proceed"
            | "succeed"
            | "exceed"
            | "breed"
            | "greed"
            | "weed"
            | "deed"
            | "creed"
            | "embed"
            | "hundred"
            | "kindred"
            | "sacred"
            | "naked"
            | "wicked"
            | "based"
            | "red"
            | "shed"
            | "bed"
    )
}

/// Participles that, after `is` or `are`, put a date ahead: `is scheduled for`,
/// `are expected to`, `is due to`, `is set for`.
pub(super) fn is_future_participle(word: &str) -> bool {
    matches!(
        word,
        "scheduled"
            | "expected"
            | "planned"
            | "slated"
            | "projected"
            | "forecast"
            | "due"
            | "set"
            | "poised"
            | "likely"
            | "going"
            | "about"
            | "supposed"
            | "bound"
    )
}

/// Words that, right before a date, make it a deadline ahead: `until March`,
/// `respond by April 30`.
pub(super) fn is_deadline(word: &str) -> bool {
    matches!(word, "until" | "till" | "by" | "jusqu" | "hasta" | "bis")
}

pub(super) fn season(word: &str) -> Option<Season> {
    let season = match word {
        "spring" => Season::Spring,
        "summer" => Season::Summer,
        "autumn" | "fall" => Season::Autumn,
        "winter" => Season::Winter,
        _ => return None,
    };
    Some(season)
}

/// Words after a season that make it part of a name or a kind of thing, not a time:
/// `the summer holidays`, `the spring collection`.
pub(super) fn cancels_season(word: &str) -> bool {
    matches!(
        word,
        "of" | "months"
            | "holidays"
            | "holiday"
            | "recess"
            | "break"
            | "season"
            | "term"
            | "semester"
            | "heat"
            | "weather"
            | "collection"
            | "schedule"
            | "transfer"
            | "window"
            | "camp"
            | "school"
            | "sales"
            | "session"
            | "vacation"
            | "solstice"
            | "equinox"
            | "time"
            | "day"
            | "days"
            | "night"
            | "nights"
            | "games"
            | "olympics"
            | "fashion"
            | "festival"
            | "tour"
            | "storm"
            | "storms"
            | "rains"
            | "crops"
            | "wheat"
            | "water"
    )
}
