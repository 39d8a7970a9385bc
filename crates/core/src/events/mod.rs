//! Dated events: date expressions in the body, resolved against the document's
//! own date. See `find`.
//!
//! Each sentence of a body block is first scanned for digits and date words
//! (`scan::may_hold_date`): most have neither and cost nothing more. The others
//! are cut into words, numbers and marks, and the patterns below are tried at
//! every token in reading order. A pattern looks a bounded number of tokens behind and ahead, so the whole
//! is linear in the text; there are no regular expressions. Names of months,
//! weekdays and seasons, and the words around dates, are in `lexicon.rs`, by
//! language; the calendar arithmetic is in `resolve.rs`. What each form resolves
//! to is documented in `docs/document-model.md` (Events), following the annotation
//! guide the evaluation set was made with (`docs/entity-annotation.md`).

mod lexicon;
mod resolve;
mod scan;
#[cfg(test)]
mod tests;

use std::cell::Cell;
use std::collections::HashSet;

use jiff::civil::Date;

use crate::date;
use crate::model::{Block, Document, Event};
use lexicon::{Case, closes, starts};
use resolve::{Holiday, Pick, Tense, When};
use scan::{Kind, Token, Tokens};

/// At most this many events a document: a timeline longer than that says nothing,
/// and each event carries its sentence, so the bound keeps hostile input (a date in
/// every word) from multiplying the document's size.
const MAX_EVENTS: usize = 5_000;

/// An event's sentence is cut to about this many characters around its date.
const MAX_TEXT_CHARS: usize = 600;

/// How many tokens around a date are searched for the words that give its tense.
const TENSE_REACH: usize = 40;

/// Tokens of a long sentence, which the buffers are sized for at first.
const SENTENCE_TOKENS: usize = 64;

/// Whether `word`, lowercased, names a month or a weekday in one of the
/// languages dates are read in (`Oktober`, `Feb`, `samedi`).
pub(crate) fn is_month_or_weekday(word: &str) -> bool {
    lexicon::entry(word).is_some_and(|entry| entry.month.is_some() || entry.weekday.is_some())
}

/// The dated events of `document`'s body (paragraphs, headings, quotes and list
/// items; not code), in reading order: one per date expression, except that a date
/// met twice in one sentence is one event. Forms that count from the document's
/// date (`March 23`, `on Monday`, `last year`) need `published`; without it only
/// absolute dates (`October 2021`, `in 2011`, `2024-03-23`) are found.
pub(crate) fn find(document: &Document) -> Vec<Event> {
    let (tokens, tense_cues) = BUFFERS.with(Cell::take);
    let mut finder = Finder {
        reference: document.published.as_deref().and_then(date::calendar_date),
        events: Vec::new(),
        last: None,
        tokens,
        tense_cues,
        seen: Seen::default(),
    };
    for (index, block) in document.blocks.iter().enumerate() {
        match block {
            Block::Paragraph { text } | Block::Heading { text, .. } | Block::Quote { text, .. } => {
                finder.block(index, text);
            }
            Block::List { items, .. } => {
                for item in items {
                    finder.block(index, item);
                }
            }
            Block::Code { .. } | Block::Image { .. } | Block::Rule => {}
        }
    }
    BUFFERS.with(|buffers| buffers.set((finder.tokens, finder.tense_cues)));
    finder.events
}

thread_local! {
    /// Each thread's sentence buffers, kept from document to document so that a
    /// document allocates none. They hold one sentence piece's tokens at most, so what
    /// is kept is bounded.
    static BUFFERS: Cell<(Tokens, Vec<Cell<u8>>)> = Cell::new((
        Tokens::with_capacity(SENTENCE_TOKENS),
        Vec::with_capacity(SENTENCE_TOKENS),
    ));
}

/// A date expression: tokens `start..end` of the sentence. `when` is `None` when the
/// words are a date form but give no date: a partial or relative date in a document
/// without a date, `February 30`, an ambiguous `02/04/2024`. They are still consumed,
/// so that their numbers are not read again as years.
#[derive(Debug)]
struct Found {
    start: usize,
    end: usize,
    when: Option<When>,
    approximate: bool,
}

struct Finder {
    reference: Option<Date>,
    events: Vec<Event>,
    /// The date of the last event, which `a year earlier` and `the previous day`
    /// count from when their own sentence has none before them.
    last: Option<When>,
    tokens: Tokens,
    /// The tense cue of each token of the current sentence, read once
    /// (`Sentence::tense_cue`).
    tense_cues: Vec<Cell<u8>>,
    /// Dates already found in the current sentence.
    seen: Seen,
}

impl Finder {
    fn block(&mut self, index: usize, text: &str) {
        scan::sentences(text, |start, end| {
            if self.events.len() < MAX_EVENTS && scan::may_hold_date(text, start, end) {
                self.tokens.read(text, start, end);
                self.sentence(index, text, start, end);
            }
        });
    }

    /// Matches the sentence `text[start..end]`, whose tokens are read.
    fn sentence(&mut self, block: usize, text: &str, start: usize, end: usize) {
        self.seen.clear();
        self.tense_cues.clear();
        self.tense_cues.resize(self.tokens.tokens.len(), Cell::new(UNREAD));
        let sentence = Sentence {
            text,
            tokens: &self.tokens.tokens,
            arena: &self.tokens.arena,
            reference: self.reference,
            tense_cues: &self.tense_cues,
            closes: self.tokens.closes,
        };
        let tokens = sentence.tokens;
        let mut ranges = Ranges::default();
        let mut first_in_sentence: Option<When> = None;
        let mut consumed = 0;
        // Whether the sentence is short enough to be an event's text whole, and then
        // the first of its events.
        let mut short_text: Option<Option<usize>> = None;
        let mut index = 0;
        while index < tokens.len() {
            // Most tokens start no date: a word the lexicon does not know as a
            // pattern's first, a mark other than an apostrophe (`’90s`).
            let token = &tokens[index];
            let may_start = match token.kind {
                Kind::Word => token.entry.is_some_and(|entry| entry.starts & starts::PATTERNS != 0),
                Kind::Number => true,
                Kind::Mark => matches!(token.mark, '\'' | '’' | '‘'),
            };
            if !may_start {
                index += 1;
                continue;
            }
            let anchor = first_in_sentence.or(self.last);
            let Some(found) = sentence.match_at(index, &ranges, anchor) else {
                index += 1;
                continue;
            };
            let found_end = found.end.clamp(index + 1, tokens.len());
            let last = &tokens[found_end - 1];
            if sentence.entry(found_end - 1).and_then(|entry| entry.month).is_some() {
                ranges.month = Some(found_end - 1);
            }
            if let Some(when) = found.when
                && (1000..=9999).contains(&when.year())
            {
                first_in_sentence.get_or_insert(when);
                self.last = Some(when);
                if self.seen.insert(when)
                    && let Some(date) = when.iso()
                {
                    let first = found.start.clamp(consumed, index);
                    let (from, to) = (tokens[first].start, last.end);
                    // A short sentence is folded once, for its first event; the others
                    // copy it.
                    let sentence = &text[start..end];
                    let text_of_sentence = match short_text {
                        Some(Some(first_event)) => self.events[first_event].text.clone(),
                        Some(None) => excerpt(sentence, from - start, to - start),
                        None if sentence.len() <= MAX_TEXT_CHARS
                            || sentence.chars().count() <= MAX_TEXT_CHARS =>
                        {
                            short_text = Some(Some(self.events.len()));
                            fold_spaces(sentence)
                        }
                        None => {
                            short_text = Some(None);
                            excerpt(sentence, from - start, to - start)
                        }
                    };
                    if self.events.is_empty() {
                        // Room for a typical article's events, so that they seldom
                        // grow; a document with none allocates nothing.
                        self.events.reserve(16);
                    }
                    self.events.push(Event {
                        date,
                        text: text_of_sentence,
                        block,
                        expression: fold_spaces(&text[from..to]),
                        approximate: found.approximate,
                    });
                    if self.events.len() >= MAX_EVENTS {
                        return;
                    }
                }
            }
            consumed = found_end;
            index = found_end;
        }
    }
}

/// Dates already found in a sentence: a few, so a list, which costs less than a
/// set; past `Seen::FEW` (a hostile sentence), a set as well, so that the
/// sentence stays linear.
#[derive(Default)]
struct Seen {
    few: Vec<When>,
    many: HashSet<When>,
}

impl Seen {
    const FEW: usize = 16;

    fn clear(&mut self) {
        self.few.clear();
        self.many.clear();
    }

    /// Whether `when` was not found before.
    fn insert(&mut self, when: When) -> bool {
        if self.few.contains(&when) {
            return false;
        }
        if self.few.len() < Self::FEW {
            self.few.push(when);
            return true;
        }
        self.many.insert(when)
    }
}

/// The last month found in the sentence, for the second end of a range (`from
/// March to May`). (The second year of `between 2011 and 2018` needs nothing: a
/// bare year is one.)
#[derive(Default)]
struct Ranges {
    month: Option<usize>,
}

/// One sentence's tokens, and the patterns that read dates from them.
struct Sentence<'a> {
    /// The block's text, which tokens' offsets are into.
    text: &'a str,
    tokens: &'a [Token],
    arena: &'a str,
    reference: Option<Date>,
    /// Memo of `tense_cue` for each token: `UNREAD`, `NO_CUE` or a `Tense`.
    tense_cues: &'a [Cell<u8>],
    /// The `lexicon::closes` flags of the sentence's words: `ago` and `anchored`
    /// find nothing in a sentence without a word that would end them.
    closes: u8,
}

const UNREAD: u8 = 0;
const NO_CUE: u8 = 1;
const PAST: u8 = 2;
const FUTURE: u8 = 3;

impl Sentence<'_> {
    fn match_at(&self, index: usize, ranges: &Ranges, anchor: Option<When>) -> Option<Found> {
        match self.tokens[index].kind {
            Kind::Number => self
                .numeric_date(index)
                .or_else(|| self.decade(index))
                .or_else(|| self.day_first(index))
                .or_else(|| self.may_close(closes::AGO).then(|| self.ago(index)).flatten())
                .or_else(|| self.may_close(closes::ANCHORED).then(|| self.anchored(index, anchor)).flatten())
                .or_else(|| self.bare_year(index)),
            Kind::Word => {
                // Most words start no date: one lookup says which patterns to try.
                let starts = self.entry(index)?.starts;
                let may = |flag: u8| starts & flag != 0;
                None.or_else(|| may(starts::MONTH).then(|| self.month_first(index, ranges, anchor)).flatten())
                    .or_else(|| may(starts::HOLIDAY).then(|| self.holiday(index)).flatten())
                    .or_else(|| may(starts::WEEKDAY).then(|| self.weekday(index)).flatten())
                    .or_else(|| may(starts::SEASON).then(|| self.season(index)).flatten())
                    .or_else(|| may(starts::RELATIVE).then(|| self.relative(index)).flatten())
                    .or_else(|| {
                        (may(starts::COUNT) && self.may_close(closes::AGO)).then(|| self.ago(index)).flatten()
                    })
                    .or_else(|| {
                        (may(starts::COUNT | starts::ANCHOR) && self.may_close(closes::ANCHORED))
                            .then(|| self.anchored(index, anchor))
                            .flatten()
                    })
            }
            Kind::Mark => self.short_decade(index),
        }
    }

    /// Whether the sentence has a word that may end the patterns of `flag`.
    fn may_close(&self, flag: u8) -> bool {
        self.closes & flag != 0
    }

    // Absolute dates.

    /// `2024-03-23`, `2024/03/23`; `23/03/2024` and `03/23/2024` when one of the first
    /// two numbers is above 12 (an ambiguous `02/04/2024` is consumed without a date);
    /// `23.03.2024` is day first, as it is wherever dots are written.
    fn numeric_date(&self, index: usize) -> Option<Found> {
        let (first, first_digits) = self.number(index)?;
        let separator = self.mark(index + 1)?;
        if !matches!(separator, '-' | '/' | '.')
            || self.mark(index + 3) != Some(separator)
            || !(1..=4).all(|offset| self.glued(index + offset))
        {
            return None;
        }
        let (second, second_digits) = self.number(index + 2)?;
        let (third, third_digits) = self.number(index + 4)?;
        let time_follows = self.glued(index + 5) && self.word(index + 5) == Some("t");
        if !self.stands_alone_left(index, false)
            || !(time_follows || self.stands_alone_right(index + 4, false))
        {
            return None;
        }
        let (year, month, day) = match (first_digits, second_digits, third_digits) {
            (4, 1..=2, 1..=2) => (first, second, third),
            (1..=2, 1..=2, 4) if separator == '.' => (third, second, first),
            (1..=2, 1..=2, 4) => match (first > 12, second > 12) {
                (true, false) => (third, second, first),
                (false, true) => (third, first, second),
                _ if first == second => (third, first, second),
                _ => return Some(Found { start: index, end: index + 5, when: None, approximate: false }),
            },
            _ => return None,
        };
        Some(Found { start: index, end: index + 5, when: day_of(year, month, day), approximate: false })
    }

    /// `23 March 2024`, `23rd of March`, `1er mars 2024`, `23 de marzo de 2024`,
    /// `23. März 2024`, `23-25 March` (the first day). Without a year, by tense.
    fn day_first(&self, index: usize) -> Option<Found> {
        let (day, mut next) = self.day_at(index, true)?;
        if matches!(self.word(next), Some("of" | "de")) {
            next += 1;
        }
        let (month, _, after_month) = self.month_at(next)?;
        let mut year_index = after_month;
        if self.mark(year_index) == Some(',') {
            year_index += 1;
        }
        if matches!(self.word(year_index), Some("de" | "del")) {
            year_index += 1;
        }
        if let Some((year, end)) = self.year_at(year_index, 1000, 9999) {
            return Some(Found { start: index, end, when: day_of(year, month, day), approximate: false });
        }
        let when = self.day_of_year(month, day, index, after_month);
        Some(Found { start: index, end: after_month, when, approximate: false })
    }

    /// A month name first: `March 23, 2024`, `Mar. 23`, `October 2021`, `octubre de
    /// 2021`, `January of that year`, or a month alone after a word that makes it a
    /// date (`in March`, `last May`, `by the end of June`).
    fn month_first(&self, index: usize, ranges: &Ranges, anchor: Option<When>) -> Option<Found> {
        if let Some(found) = self.month_day(index) {
            return Some(found);
        }
        let (month, abbreviation, next) = self.month_at(index)?;
        let mut year_index = next;
        if matches!(self.word(year_index), Some("of" | "de" | "del")) {
            year_index += 1;
        }
        if let Some((year, end)) = self.year_at(year_index, 1800, 2100) {
            let (start, approximate) = self.qualifiers(index);
            return Some(Found { start, end, when: Some(When::Month(year, month)), approximate });
        }
        if self.word(next) == Some("of")
            && self.word(next + 1) == Some("that")
            && self.word(next + 2) == Some("year")
        {
            let when = anchor.map(|anchor| When::Month(anchor.year(), month));
            return Some(Found { start: index, end: next + 3, when, approximate: false });
        }
        if abbreviation {
            return None;
        }
        let (start, pick) = self.month_context(index, ranges)?;
        let when = self.reference.and_then(|reference| resolve::month_alone(reference, month, pick));
        Some(Found { start, end: next, when, approximate: false })
    }

    /// `March 23, 2024`, `March 23rd`, `Mar. 23`, `March 23–25`. Without a year, by
    /// tense.
    fn month_day(&self, index: usize) -> Option<Found> {
        let (month, _, next) = self.month_at(index)?;
        let (day, after_day) = self.day_at(next, false)?;
        if self.counts(after_day) {
            return None;
        }
        let mut year_index = after_day;
        if self.mark(year_index) == Some(',') {
            year_index += 1;
        }
        if let Some((year, end)) = self.year_at(year_index, 1000, 9999) {
            return Some(Found { start: index, end, when: day_of(year, month, day), approximate: false });
        }
        let when = self.day_of_year(month, day, index, after_day);
        Some(Found { start: index, end: after_day, when, approximate: false })
    }

    /// The `1990s`, `1990's`, `the early 2000s`: approximate, the decade's first year.
    fn decade(&self, index: usize) -> Option<Found> {
        let (value, digits) = self.number(index)?;
        if digits != 4
            || !(1900..=2090).contains(&value)
            || value % 10 != 0
            || !self.stands_alone_left(index, false)
            || !self.glued(index + 1)
        {
            return None;
        }
        let end = if self.word(index + 1) == Some("s") {
            index + 2
        } else if matches!(self.mark(index + 1), Some('\'' | '’'))
            && self.glued(index + 2)
            && self.word(index + 2) == Some("s")
        {
            index + 3
        } else {
            return None;
        };
        Some(self.decade_found(index, end, value))
    }

    /// `’90s`, `the '60s`: 1990s, 1960s; `'00s` and `'10s` are this century's.
    fn short_decade(&self, index: usize) -> Option<Found> {
        if !matches!(self.mark(index), Some('\'' | '’' | '‘'))
            || (self.glued(index) && self.tokens[index - 1].kind != Kind::Mark)
        {
            return None;
        }
        let (value, digits) = self.number(index + 1)?;
        if digits != 2
            || value % 10 != 0
            || !self.glued(index + 1)
            || !self.glued(index + 2)
            || self.word(index + 2) != Some("s")
        {
            return None;
        }
        let decade = if value <= 10 { 2000 + value } else { 1900 + value };
        Some(self.decade_found(index, index + 3, decade))
    }

    fn decade_found(&self, index: usize, end: usize, decade: u32) -> Found {
        if self.glued(end) && self.tokens[end].kind != Kind::Mark {
            return Found { start: index, end, when: None, approximate: true };
        }
        let start = match self.leading_word(index) {
            Some((start, "early" | "mid" | "late")) => start,
            _ => index,
        };
        Found { start, end, when: Some(When::Year(decade as i16)), approximate: true }
    }

    /// A year standing alone, 1900–2100. English news writes counts of a thousand
    /// and more with a comma (`2,000`), so a bare four-digit number in that range is
    /// a year (`in 2011`, `since at least 2011`, `the 2016 election`, `2011's`, `the
    /// laptops of 2021`) unless something says otherwise: an amount (`$2011`), a
    /// count noun after it (`2011 messages`, `2000 people`), a quantity word before
    /// it (`more than 2000`), a label (`Section 2011`, `Room 2011`, `Windows 2000`).
    fn bare_year(&self, index: usize) -> Option<Found> {
        let (year, end) = self.year_at(index, 1900, 2100)?;
        let (start, approximate) = match self.year_context(index) {
            Some(context) => context,
            None if self.labels_or_counts(index, end) => return None,
            None => (index, false),
        };
        Some(Found { start, end, when: Some(When::Year(year)), approximate })
    }

    /// Whether the words before the year at `index` make it a date: a context word,
    /// perhaps past fillers (`since at least`, `by the end of`), or a quarter
    /// (`Q4 2023`). Returns where the expression starts (at `early`, `mid`, `around`
    /// …) and whether it is approximate.
    fn year_context(&self, index: usize) -> Option<(usize, bool)> {
        if index >= 2
            && self.number(index - 1).is_some_and(|(value, digits)| digits == 1 && (1..=4).contains(&value))
            && self.glued(index - 1)
            && matches!(self.word(index - 2), Some("q" | "h"))
        {
            return Some((index - 2, false));
        }
        if self.glued(index) && self.word(index - 1) == Some("fy") {
            return Some((index - 1, false));
        }
        let mut start = index;
        let mut approximate = false;
        let mut at = index;
        for _ in 0..6 {
            at = at.checked_sub(1)?;
            let token = &self.tokens[at];
            match token.kind {
                Kind::Mark if matches!(token.mark, '-' | '–') && self.glued(at + 1) => continue,
                Kind::Mark
                    if token.mark == '.' && matches!(self.word(at.wrapping_sub(1)), Some("c" | "ca")) =>
                {
                    continue;
                }
                Kind::Word => {}
                _ => return None,
            }
            let word = self.word(at)?;
            if matches!(word, "early" | "late" | "mid") || lexicon::is_approximating(word) {
                start = at;
                approximate |= lexicon::is_approximating(word);
            }
            if lexicon::is_year_context(word) || (word == "of" && self.word(at.wrapping_sub(1)) == Some("as"))
            {
                return Some((start, approximate));
            }
            if !lexicon::is_year_filler(word) {
                return None;
            }
        }
        None
    }

    /// Whether the number at `index` (ending at `end`) is a label or a count by the
    /// words around it.
    fn labels_or_counts(&self, index: usize, end: usize) -> bool {
        if self.word(end).is_some_and(|word| lexicon::is_time_zone(word) || lexicon::is_count_after(word)) {
            return true;
        }
        let Some(before) = index.checked_sub(1) else {
            return false;
        };
        let token = &self.tokens[before];
        match token.kind {
            Kind::Number => token.digits != 4,
            Kind::Mark => token.mark == '#' || token.mark == '№',
            Kind::Word => {
                let word = self.word(before).unwrap_or_default();
                let two_before = self.word(before.wrapping_sub(1));
                lexicon::is_quantity(word)
                    || lexicon::is_label(word)
                    || (word == "of" && two_before.is_some_and(lexicon::is_quantity))
                    || (word == "to" && two_before == Some("up"))
                    // A capitalised word that does not start the sentence: a name with a
                    // number (`Windows 2000`, `Euro 2024`, `Section 2011`).
                    || (token.capital && before > 0 && !self.starts_sentence(before))
            }
        }
    }

    /// Whether the token at `index` opens the sentence (after opening marks).
    fn starts_sentence(&self, index: usize) -> bool {
        self.tokens[..index].iter().all(|token| token.kind == Kind::Mark)
    }

    // Dates relative to the document's date.

    /// A weekday: `on Monday`, `Tuesday's vote`, `Monday night`, `lundi`, by tense;
    /// `last Friday` and `next Friday` that day of the week before or after the
    /// document's week, `this Friday` of its week; or the weekday before a date
    /// (`Monday, March 23`), which the date resolves. Not a recurring day (`every
    /// Monday`, `Monday to Friday`).
    fn weekday(&self, index: usize) -> Option<Found> {
        let weekday = self.weekday_at(index)?;
        let previous = self.word(index.wrapping_sub(1));
        if previous.is_some_and(lexicon::cancels_weekday) {
            return None;
        }
        let joined = |at: usize| {
            self.word(at).is_some_and(|word| {
                matches!(word, "to" | "through" | "thru" | "till" | "until" | "à" | "au" | "a" | "al" | "bis")
            }) || matches!(self.mark(at), Some('-' | '–' | '—'))
        };
        if (index >= 2 && joined(index - 1) && self.weekday_at(index - 2).is_some())
            || (joined(index + 1) && self.weekday_at(index + 2).is_some())
        {
            return None;
        }
        let mut next = index + 1;
        if self.mark(next) == Some(',') {
            next += 1;
        }
        if let Some(found) = self.day_first(next).or_else(|| self.month_day(next)) {
            return Some(Found { start: index, ..found });
        }
        let (start, pick) = match previous {
            Some("last") => (index - 1, Pick::Last),
            Some("next") => (index - 1, Pick::Next),
            Some("coming") if self.word(index.wrapping_sub(2)) == Some("this") => {
                (index - 2, Pick::Tense(Tense::Future))
            }
            Some("coming") => (index - 1, Pick::Tense(Tense::Future)),
            Some("this") => (index - 1, Pick::This),
            _ => (index, Pick::Tense(self.tense(index, index + 1))),
        };
        let when = self.reference.and_then(|reference| resolve::weekday(reference, weekday, pick));
        Some(Found { start, end: index + 1, when, approximate: false })
    }

    /// `Christmas Day`, `Thanksgiving`, `Black Friday`, `Cyber Monday`, `Easter`,
    /// `Good Friday`, `New Year's Day`, `Halloween`, `Memorial Day`, `Labor Day` …:
    /// by tense like `March 23`; after `last`, `next` or `this`, the one before,
    /// after or in the document's year.
    fn holiday(&self, index: usize) -> Option<Found> {
        if !self.tokens[index].capital {
            return None;
        }
        let capital = |at: usize| self.tokens.get(at).is_some_and(|token| token.capital);
        let named = |at: usize, word: &str| self.word(at) == Some(word) && capital(at);
        let possessive = |at: usize| {
            matches!(self.mark(at), Some('\'' | '’')) && self.glued(at) && self.word(at + 1) == Some("s")
        };
        let (holiday, end, alone) = match self.word(index)? {
            "christmas" if named(index + 1, "day") => (Holiday::Fixed(12, 25), index + 2, false),
            "christmas" if named(index + 1, "eve") => (Holiday::Fixed(12, 24), index + 2, false),
            "christmas" => (Holiday::Fixed(12, 25), index + 1, true),
            "new" if named(index + 1, "year") && possessive(index + 2) && named(index + 4, "day") => {
                (Holiday::Fixed(1, 1), index + 5, false)
            }
            "new" if named(index + 1, "year") && possessive(index + 2) && named(index + 4, "eve") => {
                (Holiday::Fixed(12, 31), index + 5, false)
            }
            "valentine" if possessive(index + 1) && named(index + 3, "day") => {
                (Holiday::Fixed(2, 14), index + 4, false)
            }
            "halloween" => (Holiday::Fixed(10, 31), index + 1, true),
            "boxing" if named(index + 1, "day") => (Holiday::Fixed(12, 26), index + 2, false),
            "bastille" if named(index + 1, "day") => (Holiday::Fixed(7, 14), index + 2, false),
            "thanksgiving" if named(index + 1, "day") => (Holiday::Thanksgiving(0), index + 2, false),
            "thanksgiving" => (Holiday::Thanksgiving(0), index + 1, true),
            "black" if named(index + 1, "friday") => (Holiday::Thanksgiving(1), index + 2, false),
            "cyber" if named(index + 1, "monday") => (Holiday::Thanksgiving(4), index + 2, false),
            "easter" if named(index + 1, "sunday") => (Holiday::Easter(0), index + 2, false),
            "easter" if named(index + 1, "monday") => (Holiday::Easter(1), index + 2, false),
            "easter" => (Holiday::Easter(0), index + 1, true),
            "good" if named(index + 1, "friday") => (Holiday::Easter(-2), index + 2, false),
            "memorial" if named(index + 1, "day") => (Holiday::MemorialDay, index + 2, false),
            "labor" if named(index + 1, "day") => (Holiday::LaborDay, index + 2, false),
            _ => return None,
        };
        // `Christmas trees`, `Easter eggs`, `Thanksgiving dinner`: a kind of thing.
        if alone
            && self.tokens.get(end).is_some_and(|token| token.lowercase)
            && !self.word(end).is_some_and(lexicon::may_follow_holiday)
        {
            return None;
        }
        let (start, pick) = match self.word(index.wrapping_sub(1)) {
            Some("last") => (index - 1, Pick::Last),
            Some("next") => (index - 1, Pick::Next),
            Some("this") => (index - 1, Pick::This),
            _ => (index, Pick::Tense(self.tense(index, end))),
        };
        let when = self.reference.and_then(|reference| {
            let in_year = |year| holiday.in_year(year);
            match pick {
                Pick::Tense(tense) => resolve::yearly(reference, tense, in_year),
                Pick::Last => resolve::yearly(resolve::add_days(reference, -1)?, Tense::Past, in_year),
                Pick::Next => resolve::yearly(resolve::add_days(reference, 1)?, Tense::Future, in_year),
                Pick::This => in_year(reference.year()),
            }
        });
        Some(Found { start, end, when: when.map(When::Day), approximate: false })
    }

    /// `the summer`, `last summer`, `this spring`, `next autumn`, `in the fall`:
    /// the year of that season (see `resolve::season`). A season needs a word that
    /// makes it one occurrence; `the summer holidays` and `the fall of Rome` are not
    /// dates.
    fn season(&self, index: usize) -> Option<Found> {
        let word = self.word(index)?;
        let season = lexicon::season(word)?;
        let (mut start, pick) = match self.word(index.wrapping_sub(1)) {
            Some("last") => (index - 1, Pick::Last),
            Some("next") => (index - 1, Pick::Next),
            Some("this") => (index - 1, Pick::This),
            Some("the") => (index - 1, Pick::Tense(self.tense(index - 1, index + 1))),
            _ => return None,
        };
        if word == "fall"
            && pick != Pick::Last
            && pick != Pick::Next
            && pick != Pick::This
            && !matches!(
                self.word(index.wrapping_sub(2)),
                Some("in" | "by" | "since" | "until" | "till" | "during" | "over" | "through")
            )
        {
            return None;
        }
        if self.word(index + 1).is_some_and(lexicon::cancels_season) || self.number(index + 1).is_some() {
            return None;
        }
        if matches!(self.word(start.wrapping_sub(1)), Some("early" | "late")) {
            start -= 1;
        }
        let when = self.reference.and_then(|reference| resolve::season(reference, season, pick));
        Some(Found { start, end: index + 1, when, approximate: false })
    }

    /// `yesterday`, `today`, `tonight`, `tomorrow`; `last`/`this`/`next` with `week`,
    /// `month` or `year` (and `last night`, `this morning`, `last weekend`); `the end
    /// of the month`, `the start of the year`. A week resolves to the day seven days
    /// off (the document's date for `this week`), approximate; a month to `YYYY-MM`,
    /// a year to `YYYY`.
    fn relative(&self, index: usize) -> Option<Found> {
        let word = self.word(index)?;
        let token = &self.tokens[index];
        let previous = self.word(index.wrapping_sub(1));
        let day = |offset: i64| {
            self.reference.and_then(|reference| resolve::add_days(reference, offset)).map(When::Day)
        };
        let single = |when| Some(Found { start: index, end: index + 1, when, approximate: false });
        match word {
            "yesterday" => single(day(-1)),
            // `until today`, `the world of today`, `Today a hit show can mean …`: the
            // present, not a date; `NBC's Today`: a name.
            "today" | "tonight" => {
                let opens = self.starts_sentence(index);
                let generic = matches!(previous, Some("until" | "till" | "to" | "of" | "from"))
                    || (opens && self.mark(index + 1) != Some(','))
                    || (!opens && !token.lowercase);
                if generic { None } else { single(day(0)) }
            }
            "tomorrow" if previous != Some("of") => single(day(1)),
            "last" | "this" | "next" => self.relative_unit(index, word, previous),
            "end" | "start" | "beginning" | "middle"
                if self.word(index + 1) == Some("of") && self.word(index + 2) == Some("the") =>
            {
                let reference = self.reference;
                let when = match self.word(index + 3)? {
                    "month" => reference.map(|reference| When::Month(reference.year(), reference.month())),
                    "year" => reference.map(|reference| When::Year(reference.year())),
                    _ => return None,
                };
                let start = if previous == Some("the") { index - 1 } else { index };
                Some(Found { start, end: index + 4, when, approximate: false })
            }
            _ => None,
        }
    }

    fn relative_unit(&self, index: usize, which: &str, previous: Option<&str>) -> Option<Found> {
        // `the last year`, `over the next week`: a span of time, not a date.
        if matches!(previous, Some("the" | "a" | "that" | "every" | "each" | "past" | "whole" | "entire")) {
            return None;
        }
        let step: i64 = match which {
            "last" => -1,
            "this" => 0,
            _ => 1,
        };
        let reference = self.reference;
        let day =
            |offset: i64| reference.and_then(|reference| resolve::add_days(reference, offset)).map(When::Day);
        let this_month = reference.map(|reference| When::Month(reference.year(), reference.month()));
        let (when, approximate) = match (self.word(index + 1)?, which) {
            ("week", _) => (day(7 * step), true),
            ("month", _) => (this_month.and_then(|month| resolve::shift_months(month, step)), false),
            ("year", _) => (
                reference.and_then(|reference| resolve::shift_years(When::Year(reference.year()), step)),
                false,
            ),
            ("night", "last") => (day(-1), false),
            ("morning" | "afternoon" | "evening", "this") => (day(0), false),
            ("weekend", "last") => (
                reference.and_then(|reference| resolve::weekday(reference, 5, Pick::Tense(Tense::Past))),
                true,
            ),
            _ => return None,
        };
        let start =
            if matches!(previous, Some("earlier" | "later" | "early" | "late")) { index - 1 } else { index };
        Some(Found { start, end: index + 2, when, approximate })
    }

    /// `two years ago`, `3 months ago`, `a week ago`, `twenty-five years ago`, `a
    /// decade ago`. Days resolve to the day, months to `YYYY-MM`, years to `YYYY`;
    /// weeks, decades and centuries are approximate, and so is any count qualified
    /// by `about`, `nearly`, `more than` and the like.
    fn ago(&self, index: usize) -> Option<Found> {
        let (count, after_count) = self.count_at(index)?;
        let unit = self.word(after_count)?;
        if self.word(after_count + 1) != Some("ago") {
            return None;
        }
        let (start, qualified) = self.count_qualifiers(index);
        let (when, approximate) = offset(self.reference.map(When::Day), unit, -i64::from(count))?;
        Some(Found { start, end: after_count + 2, when, approximate: approximate || qualified })
    }

    /// Dates counted from another date of the text: `a year earlier`, `two days
    /// later`, `the previous day`, `the following year`, `later that year`. They
    /// count from the first date of their sentence before them, else from the last
    /// date of the text before them (`anchor`).
    fn anchored(&self, index: usize, anchor: Option<When>) -> Option<Found> {
        let word = self.word(index);
        if word == Some("the") {
            let step: i64 = match self.word(index + 1)? {
                "previous" => -1,
                "following" | "next" => 1,
                "same" => 0,
                _ => return None,
            };
            let unit = self.word(index + 2)?;
            // `the next year`, `the next month`: more often a span ahead than a date.
            if self.word(index + 1) == Some("next") && unit != "day" {
                return None;
            }
            let (when, approximate) = offset(anchor, unit, step)?;
            return Some(Found { start: index, end: index + 3, when, approximate });
        }
        if matches!(word, Some("later" | "earlier")) && self.word(index + 1) == Some("that") {
            let when = match self.word(index + 2)? {
                "year" => anchor.map(|anchor| When::Year(anchor.year())),
                "month" => anchor.and_then(|anchor| resolve::shift_months(anchor, 0)),
                _ => return None,
            };
            return Some(Found { start: index, end: index + 3, when, approximate: false });
        }
        let (count, after_count) = self.count_at(index)?;
        let unit = self.word(after_count)?;
        let sign = match self.word(after_count + 1)? {
            "later" => 1,
            "earlier" => -1,
            _ => return None,
        };
        let (start, qualified) = self.count_qualifiers(index);
        let (when, approximate) = offset(anchor, unit, sign * i64::from(count))?;
        Some(Found { start, end: after_count + 2, when, approximate: approximate || qualified })
    }

    // Tense.

    /// The tense of the clause around tokens `start..end`: a deadline word right
    /// before it (`until March`, `by April 30`) puts it ahead; else the nearest
    /// tense word before it (`filed on March 23`, `will be sworn in on Monday`,
    /// `is scheduled for January 9`), else the nearest after it (`On Monday, the
    /// council voted`), within `TENSE_REACH` tokens.
    fn tense(&self, start: usize, end: usize) -> Tense {
        let mut at = start;
        while let Some(before) = at.checked_sub(1) {
            match self.word(before) {
                // `since May 2`: from a day past.
                Some("since" | "depuis" | "desde" | "seit") => return Tense::Past,
                // `respond by April 30`, `has until December 4`; but `waited until October
                // 30`, and `By August they were worried`, say otherwise.
                Some(word)
                    if lexicon::is_deadline(word) && !(word == "by" && self.starts_sentence(before)) =>
                {
                    return before
                        .checked_sub(1)
                        .and_then(|verb| self.tense_cue(verb))
                        .unwrap_or(Tense::Future);
                }
                Some(
                    "the" | "end" | "start" | "beginning" | "middle" | "of" | "early" | "late" | "mid" | "on",
                ) => {
                    at = before;
                }
                _ if matches!(self.mark(before), Some('-')) => at = before,
                _ => break,
            }
        }
        // Quoted words have their own tense: the scan stops at quotation marks.
        let quotation = |at: usize| matches!(self.mark(at), Some('“' | '”' | '"' | '«' | '»' | '„'));
        for at in (start.saturating_sub(TENSE_REACH)..start).rev() {
            if quotation(at) {
                break;
            }
            if let Some(tense) = self.tense_cue(at) {
                return tense;
            }
        }
        for at in end..(end + TENSE_REACH).min(self.tokens.len()) {
            if quotation(at) {
                break;
            }
            if let Some(tense) = self.tense_cue(at) {
                return tense;
            }
        }
        Tense::Unknown
    }

    /// The tense the word at `index` gives its clause, if it gives one; read once
    /// a sentence, so that many dates in one sentence stay linear.
    fn tense_cue(&self, index: usize) -> Option<Tense> {
        let memo = &self.tense_cues[index];
        let cue = match memo.get() {
            UNREAD => {
                let cue = self.read_tense_cue(index);
                memo.set(match cue {
                    None | Some(Tense::Unknown) => NO_CUE,
                    Some(Tense::Past) => PAST,
                    Some(Tense::Future) => FUTURE,
                });
                return cue;
            }
            PAST => Tense::Past,
            FUTURE => Tense::Future,
            _ => return None,
        };
        Some(cue)
    }

    fn read_tense_cue(&self, index: usize) -> Option<Tense> {
        let token = &self.tokens[index];
        if token.kind != Kind::Word || !token.lowercase {
            return None;
        }
        let word = self.word(index)?;
        let previous = self.word(index.wrapping_sub(1));
        let after_be =
            matches!(previous, Some("is" | "are" | "am" | "be" | "s" | "was" | "were" | "been" | "being"));
        if lexicon::is_future_participle(word) && after_be {
            return Some(Tense::Future);
        }
        match word {
            // `won't`; else the past of `win`.
            "won" => {
                let wont =
                    matches!(self.mark(index + 1), Some('\'' | '’')) && self.word(index + 2) == Some("t");
                return Some(if wont { Tense::Future } else { Tense::Past });
            }
            // `we'll`
            "ll" if self.glued(index) && matches!(self.mark(index - 1), Some('\'' | '’')) => {
                return Some(Tense::Future);
            }
            _ => {}
        }
        if let Some(tense) = lexicon::tense_word(word) {
            return Some(tense);
        }
        if word.len() >= 4 && word.ends_with("ed") && !lexicon::is_not_past(word) {
            // `was filed` is past, `is owned` says nothing.
            return (!after_be || matches!(previous, Some("was" | "were"))).then_some(Tense::Past);
        }
        // Spanish preterite (`aprobó`) and future (`podrán`); French future (`présentera`).
        let characters = word.chars().count();
        if characters >= 4 && word.ends_with('ó') {
            return Some(Tense::Past);
        }
        if word.ends_with("rá")
            || word.ends_with("rán")
            || word.ends_with("eront")
            || word.ends_with("iront")
            || (characters >= 7 && (word.ends_with("era") || word.ends_with("ira")))
        {
            return Some(Tense::Future);
        }
        None
    }

    // Pieces of patterns.

    fn word(&self, index: usize) -> Option<&str> {
        let token = self.tokens.get(index)?;
        (token.kind == Kind::Word).then(|| Tokens::lower(self.arena, self.text, token))
    }

    /// What the lexicon knows of the word at `index`.
    fn entry(&self, index: usize) -> Option<lexicon::Entry> {
        let token = self.tokens.get(index)?;
        if token.kind == Kind::Word { token.entry } else { None }
    }

    fn number(&self, index: usize) -> Option<(u32, usize)> {
        let token = self.tokens.get(index)?;
        (token.kind == Kind::Number).then_some((token.value, token.digits as usize))
    }

    fn mark(&self, index: usize) -> Option<char> {
        let token = self.tokens.get(index)?;
        (token.kind == Kind::Mark).then_some(token.mark)
    }

    /// Whether the token at `index` touches the one before it (no space between).
    fn glued(&self, index: usize) -> bool {
        index > 0 && index < self.tokens.len() && self.tokens[index - 1].end == self.tokens[index].start
    }

    /// The word before `index`, or before `mid-` style hyphenation, with its index.
    fn leading_word(&self, index: usize) -> Option<(usize, &str)> {
        if index >= 2
            && matches!(self.mark(index - 1), Some('-' | '–'))
            && self.glued(index)
            && self.glued(index - 1)
        {
            return self.word(index - 2).map(|word| (index - 2, word));
        }
        let before = index.checked_sub(1)?;
        self.word(before).map(|word| (before, word))
    }

    /// `early`, `mid-`, `late` and approximating words before a month and year:
    /// where the expression starts, and whether it is approximate.
    fn qualifiers(&self, index: usize) -> (usize, bool) {
        let mut start = index;
        if let Some((before, "early" | "mid" | "late")) = self.leading_word(index) {
            start = before;
        }
        match self.leading_word(start) {
            Some((before, word)) if lexicon::is_approximating(word) && word != "some" => (before, true),
            _ => (start, false),
        }
    }

    /// `about`, `nearly`, `more than`, `just over` before a count: where the
    /// expression starts, and whether they make it approximate.
    fn count_qualifiers(&self, index: usize) -> (usize, bool) {
        match self.word(index.wrapping_sub(1)) {
            Some("than") if matches!(self.word(index.wrapping_sub(2)), Some("more" | "less")) => {
                (index - 2, true)
            }
            Some("over" | "under") if self.word(index.wrapping_sub(2)) == Some("just") => (index - 2, true),
            Some(word) if lexicon::is_approximating(word) || matches!(word, "over" | "under") => {
                (index - 1, true)
            }
            _ => (index, false),
        }
    }

    /// Whether the words before a month named alone make it a date; where the
    /// expression starts and which occurrence the words name.
    fn month_context(&self, index: usize, ranges: &Ranges) -> Option<(usize, Pick)> {
        let by_tense = || Pick::Tense(self.tense(index, index + 1));
        if index >= 2 && ranges.month == Some(index - 2) && self.joins(index - 1) {
            return Some((index, by_tense()));
        }
        let mut start = index;
        let mut at = index;
        for _ in 0..5 {
            at = at.checked_sub(1)?;
            if matches!(self.mark(at), Some('-' | '–')) && self.glued(at + 1) {
                continue;
            }
            let word = self.word(at)?;
            match word {
                "last" => return Some((at, Pick::Last)),
                "next" => return Some((at, Pick::Next)),
                "this" => return Some((at, Pick::This)),
                "early" | "late" | "mid" => start = at,
                _ => {}
            }
            // `as of March`; `the six months to June`, `the year to March`.
            let after =
                |words: &[&str]| self.word(at.wrapping_sub(1)).is_some_and(|word| words.contains(&word));
            if lexicon::is_month_context(word)
                || (word == "of" && after(&["as"]))
                || (word == "to" && after(&["months", "month", "weeks", "year", "quarter", "period", "days"]))
            {
                return Some((start, by_tense()));
            }
            if !lexicon::is_month_filler(word) {
                return None;
            }
        }
        None
    }

    /// Whether the token at `index` joins the two ends of a range.
    fn joins(&self, index: usize) -> bool {
        self.word(index).is_some_and(lexicon::is_range_joiner)
            || matches!(self.mark(index), Some('-' | '–' | '—' | '/'))
    }

    /// Whether the token at `index` is a lowercase word that makes the number before
    /// it a count (`2011 messages`, `23 people`).
    fn counts(&self, index: usize) -> bool {
        self.tokens.get(index).is_some_and(|token| token.lowercase)
            && self.word(index).is_some_and(lexicon::is_count_noun)
    }

    fn fits(token: &Token, case: Case) -> bool {
        match case {
            Case::Capital => token.capital,
            Case::Lower => token.lowercase,
            Case::Either => true,
        }
    }

    /// A month name written as its language writes it: its number, whether it is an
    /// abbreviation, and the index after it (and after an abbreviation's full stop).
    fn month_at(&self, index: usize) -> Option<(i8, bool, usize)> {
        let name = self.entry(index)?.month?;
        if !Self::fits(&self.tokens[index], name.case) {
            return None;
        }
        let mut next = index + 1;
        if name.abbreviation && self.mark(next) == Some('.') && self.glued(next) {
            next += 1;
        }
        // `Mar-a-Lago`, `May-be`: part of a longer word.
        if self.mark(next) == Some('-')
            && self.glued(next)
            && self.glued(next + 1)
            && self.word(next + 1).is_some()
        {
            return None;
        }
        Some((name.number, name.abbreviation, next))
    }

    /// A weekday name written as its language writes it (0 is Monday).
    fn weekday_at(&self, index: usize) -> Option<i8> {
        let name = self.entry(index)?.weekday?;
        Self::fits(&self.tokens[index], name.case).then_some(name.number)
    }

    /// A day of the month (`23`, `23rd`, `1er`, `1º`, and `23.` before a month when
    /// `day_first`), or the first of a range of days (`23-25`), and the index after it.
    fn day_at(&self, index: usize, day_first: bool) -> Option<(i8, usize)> {
        let (value, digits) = self.number(index)?;
        if digits > 2 || !(1..=31).contains(&value) || !self.stands_alone_left(index, false) {
            return None;
        }
        let mut next = self.after_day_number(index, day_first)?;
        if matches!(self.mark(next), Some('-' | '–')) && self.glued(next) {
            let (last, last_digits) = self.number(next + 1)?;
            if !self.glued(next + 1) || last_digits > 2 || last <= value || last > 31 {
                return None;
            }
            next = self.after_day_number(next + 1, day_first)?;
            if matches!(self.mark(next), Some('-' | '–')) && self.glued(next) {
                return None;
            }
        }
        Some((value as i8, next))
    }

    /// The index after a day number at `index` and its ordinal suffix; `None` when
    /// the number goes on (`3.5`, `2,000`, `10:30`, `23km`).
    fn after_day_number(&self, index: usize, day_first: bool) -> Option<usize> {
        let next = index + 1;
        if !self.glued(next) {
            return Some(next);
        }
        let token = &self.tokens[next];
        match token.kind {
            Kind::Word if self.word(next).is_some_and(lexicon::is_ordinal_suffix) => Some(next + 1),
            Kind::Word | Kind::Number => None,
            Kind::Mark => match token.mark {
                'º' | 'ª' => Some(next + 1),
                '.' if day_first && !self.glued(next + 1) => Some(next + 1),
                ',' | '.' | ':' | '/' if self.glued(next + 1) && self.number(next + 1).is_some() => None,
                '%' | '°' => None,
                _ => Some(next),
            },
        }
    }

    /// A four-digit year between `low` and `high` standing alone (not part of an
    /// amount, a decimal, a longer number or a word, not followed by a count noun),
    /// and the index after it.
    fn year_at(&self, index: usize, low: u32, high: u32) -> Option<(i16, usize)> {
        let (value, digits) = self.number(index)?;
        if digits != 4
            || !(low..=high).contains(&value)
            || !self.stands_alone_left(index, true)
            || !self.stands_alone_right(index, true)
            || self.counts(index + 1)
        {
            return None;
        }
        Some((value as i16, index + 1))
    }

    /// Whether the number at `index` is not the end of something longer on its left:
    /// a word (`A320`), an amount (`$2011`), a decimal or grouped number (`1,2011`),
    /// a date. `range` lets it be the second year of `2011-2018`, or a fiscal year
    /// (`FY2023`).
    fn stands_alone_left(&self, index: usize, range: bool) -> bool {
        if !self.glued(index) {
            return true;
        }
        let previous = &self.tokens[index - 1];
        match previous.kind {
            Kind::Word => range && self.word(index - 1) == Some("fy"),
            Kind::Number => false,
            Kind::Mark => match previous.mark {
                '$' | '£' | '€' | '¥' | '#' | '+' | '№' => false,
                '-' | '–' | '/'
                    if range && self.number(index.wrapping_sub(2)).is_some_and(|(_, digits)| digits == 4) =>
                {
                    true
                }
                ',' | '.' | ':' | '/' | '-' | '–' => {
                    !(self.glued(index - 1) && self.number(index.wrapping_sub(2)).is_some())
                }
                _ => true,
            },
        }
    }

    /// Whether the number at `index` ends there: not glued to a word (`2011s`,
    /// `20km`) or to more of a number (`2011.5`, `2011,000`, `20:11`, a percentage).
    /// `range` lets it be the first year of `2011-2018`.
    fn stands_alone_right(&self, index: usize, range: bool) -> bool {
        let next = index + 1;
        if !self.glued(next) {
            return true;
        }
        match self.tokens[next].kind {
            Kind::Word | Kind::Number => false,
            Kind::Mark => match self.tokens[next].mark {
                '%' | '‰' => false,
                '-' | '–' | '/' if range => true,
                ',' | '.' | ':' | '/' | '-' | '–' => {
                    !(self.glued(next + 1) && self.number(next + 1).is_some())
                }
                _ => true,
            },
        }
    }

    /// A count for `… ago` and `… later`: digits (up to three), a number word, `a
    /// couple of`, `twenty-five`; and the index after it.
    fn count_at(&self, index: usize) -> Option<(u32, usize)> {
        let token = self.tokens.get(index)?;
        match token.kind {
            Kind::Number => {
                (token.digits <= 3 && self.stands_alone_left(index, false) && !self.glued(index + 1))
                    .then_some((token.value, index + 1))
            }
            Kind::Word => {
                let word = self.word(index)?;
                if word == "a" && self.word(index + 1) == Some("couple") && self.word(index + 2) == Some("of")
                {
                    return Some((2, index + 3));
                }
                let number = lexicon::number_word(word)?;
                if number >= 20
                    && self.mark(index + 1) == Some('-')
                    && self.glued(index + 1)
                    && self.glued(index + 2)
                    && let Some(unit) = self.word(index + 2).and_then(lexicon::number_word)
                    && (2..=9).contains(&unit)
                {
                    return Some((number + unit, index + 3));
                }
                Some((number, index + 1))
            }
            Kind::Mark => None,
        }
    }

    /// A day and month without a year (tokens `start..end`), by the tense around it.
    fn day_of_year(&self, month: i8, day: i8, start: usize, end: usize) -> Option<When> {
        let reference = self.reference?;
        resolve::day_of_year(reference, month, day, self.tense(start, end))
    }
}

fn day_of(year: impl Into<i64>, month: impl Into<i64>, day: impl Into<i64>) -> Option<When> {
    let number = |value: i64| i32::try_from(value).ok();
    date::build(number(year.into())?, number(month.into())?, number(day.into())?).map(When::Day)
}

/// `count` of `unit` (`days`, `weeks`, `months`, `years`, `decades`, `centuries`)
/// from `from` (a day for days and weeks; a month or a day for months; any date for
/// years), and whether the result is approximate (weeks, decades and centuries
/// are). `None` when the words are not such a unit; `Some((None, _))` when there is
/// nothing to count from.
fn offset(from: Option<When>, unit: &str, count: i64) -> Option<(Option<When>, bool)> {
    let day = match from {
        Some(When::Day(day)) => Some(day),
        _ => None,
    };
    let years =
        |years: Option<i64>| from.zip(years).and_then(|(when, years)| resolve::shift_years(when, years));
    let result = match unit {
        "day" | "days" => (day.and_then(|day| resolve::add_days(day, count)).map(When::Day), false),
        "week" | "weeks" => {
            (day.and_then(|day| resolve::add_days(day, count.checked_mul(7)?)).map(When::Day), true)
        }
        "month" | "months" => (from.and_then(|when| resolve::shift_months(when, count)), false),
        "year" | "years" => (years(Some(count)), false),
        "decade" | "decades" => (years(count.checked_mul(10)), true),
        "century" | "centuries" => (years(count.checked_mul(100)), true),
        _ => return None,
    };
    Some(result)
}

/// `text` with every run of whitespace as one space (quote blocks keep their line
/// breaks; an event's sentence is one line).
fn fold_spaces(text: &str) -> String {
    let text = text.trim();
    // Block texts are folded already but for the line breaks of quotes: one pass
    // says whether there is anything to do.
    if is_folded(text) { text.to_owned() } else { text.split_whitespace().collect::<Vec<_>>().join(" ") }
}

/// Whether every run of whitespace in `text` is one ASCII space. Read eight bytes
/// at a time where they are ASCII without control characters; elsewhere byte by
/// byte, decoding only the characters that start with the lead bytes of
/// Unicode's other spaces (U+0085, U+00A0, U+1680, U+2000–U+205F, U+3000).
fn is_folded(text: &str) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let bytes = text.as_bytes();
    let mut after_space = false;
    let mut at = 0;
    while at < bytes.len() {
        if let Some(chunk) = bytes.get(at..at + 8) {
            let mut eight = [0u8; 8];
            eight.copy_from_slice(chunk);
            let word = u64::from_le_bytes(eight);
            // Some byte is below 0x0e (tabs and line breaks are) or not ASCII.
            let unusual = ((word.wrapping_sub(ONES * 0x0e) & !word) | word) & HIGH;
            // The high bit of each space (exactly: of each zero byte of `spaces`).
            let spaces = word ^ (ONES * 0x20);
            let spaces = !(((spaces & !HIGH) + !HIGH) | spaces) & HIGH;
            let doubled = spaces & ((spaces << 8) | if after_space { 0x80 } else { 0 });
            if unusual == 0 && doubled == 0 {
                after_space = chunk[7] == b' ';
                at += 8;
                continue;
            }
        }
        // The eight bytes (or the last few) one by one.
        let stop = (at + 8).min(bytes.len());
        while at < stop {
            let byte = bytes[at];
            if byte == b' ' {
                if after_space {
                    return false;
                }
                after_space = true;
                at += 1;
                continue;
            }
            after_space = false;
            if matches!(byte, b'\t'..=b'\r') {
                return false;
            }
            if matches!(byte, 0xc2 | 0xe1 | 0xe2 | 0xe3)
                && let Some(character) = text[at..].chars().next()
            {
                if character.is_whitespace() {
                    return false;
                }
                at += character.len_utf8();
                continue;
            }
            at += 1;
        }
    }
    true
}

/// About `MAX_TEXT_CHARS` of a long `sentence` around the expression at
/// `from..to`, cut at spaces, with `…` where it was cut.
fn excerpt(sentence: &str, from: usize, to: usize) -> String {
    let side = MAX_TEXT_CHARS.saturating_sub(sentence[from..to].chars().count()) / 2;
    let mut start = if side == 0 {
        from
    } else {
        sentence[..from].char_indices().rev().nth(side - 1).map_or(0, |(at, _)| at)
    };
    let mut end = sentence[to..].char_indices().nth(side).map_or(sentence.len(), |(at, _)| to + at);
    if start > 0
        && let Some(space) = sentence[start..from].find(char::is_whitespace)
    {
        start += space;
    }
    if end < sentence.len()
        && let Some(space) = sentence[to..end].rfind(char::is_whitespace)
    {
        end = to + space;
    }
    let mut text = String::with_capacity(end - start + 8);
    if start > 0 {
        text.push('…');
    }
    text.push_str(&fold_spaces(&sentence[start..end]));
    if end < sentence.len() {
        text.push('…');
    }
    text
}
