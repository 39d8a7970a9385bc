//! Resolving what the words name against the document's date: which March 23,
//! which Monday, which summer. Calendar arithmetic only; the words are read in
//! `mod.rs`.

use jiff::Span;
use jiff::civil::Date;

use crate::date;

/// A resolved date, at the precision the text gave.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum When {
    Day(Date),
    Month(i16, i8),
    Year(i16),
}

impl When {
    /// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`; `None` outside years 1000–9999, which the
    /// four-digit forms cannot hold.
    pub(super) fn iso(self) -> Option<String> {
        let year = self.year();
        if !(1000..=9999).contains(&year) {
            return None;
        }
        // Written digit by digit: `format!` costs more than the rest of an event.
        let mut iso = String::with_capacity(10);
        push_digits(&mut iso, year, 4);
        let (month, day) = match self {
            When::Day(day) => (Some(day.month()), Some(day.day())),
            When::Month(_, month) => (Some(month), None),
            When::Year(_) => (None, None),
        };
        for part in [month, day].into_iter().flatten() {
            iso.push('-');
            push_digits(&mut iso, part.into(), 2);
        }
        Some(iso)
    }

    pub(super) fn year(self) -> i16 {
        match self {
            When::Day(day) => day.year(),
            When::Month(year, _) | When::Year(year) => year,
        }
    }
}

/// Appends `value`'s last `places` digits, zero-padded.
fn push_digits(text: &mut String, value: i16, places: u32) {
    for place in (0..places).rev() {
        text.push(char::from(b'0' + (value / 10i16.pow(place) % 10) as u8));
    }
}

/// The tense of the words around a date that recurs every year or week (`March
/// 23`, `in June`, `on Monday`), which says which occurrence it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Tense {
    /// The latest on or before the document's date.
    Past,
    /// The earliest on or after it.
    Future,
    /// Nothing says: the occurrence nearest the document's date (the earlier one
    /// when two are as near).
    Unknown,
}

/// Which occurrence of a recurring month, weekday or season the words name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Pick {
    /// Chosen by tense.
    Tense(Tense),
    /// `last`: a weekday of the week before the document's week (Monday to Sunday);
    /// a month or season that ended before the document's month.
    Last,
    /// `next`: a weekday of the week after; a month or season that starts after.
    Next,
    /// `this`: of the document's week or year.
    This,
}

pub(super) fn add_days(date: Date, days: i64) -> Option<Date> {
    date.checked_add(Span::new().try_days(days).ok()?).ok()
}

pub(super) fn shift_months(when: When, months: i64) -> Option<When> {
    let (year, month) = match when {
        When::Day(day) => (day.year(), day.month()),
        When::Month(year, month) => (year, month),
        When::Year(_) => return None,
    };
    let total = i64::from(year) * 12 + i64::from(month - 1) + months;
    Some(When::Month(i16::try_from(total.div_euclid(12)).ok()?, (total.rem_euclid(12) + 1) as i8))
}

pub(super) fn shift_years(when: When, years: i64) -> Option<When> {
    Some(When::Year(i16::try_from(i64::from(when.year()) + years).ok()?))
}

/// The occurrence of a yearly day (`candidate` gives it for a year, if that year has
/// it) that `tense` names, looking up to eight years around `reference` (February 29
/// skips 2100).
pub(super) fn yearly(reference: Date, tense: Tense, candidate: impl Fn(i16) -> Option<Date>) -> Option<Date> {
    let year = reference.year();
    let past = (0..=8).filter_map(|back| candidate(year.checked_sub(back)?)).find(|date| *date <= reference);
    let future =
        (0..=8).filter_map(|ahead| candidate(year.checked_add(ahead)?)).find(|date| *date >= reference);
    match tense {
        Tense::Past => past,
        Tense::Future => future,
        Tense::Unknown => nearer(reference, past, future),
    }
}

/// `past` or `future`, whichever is nearer `reference` (`past` when as near).
fn nearer(reference: Date, past: Option<Date>, future: Option<Date>) -> Option<Date> {
    match (past, future) {
        (Some(past), Some(future)) => {
            let back = reference.since(past).ok()?.get_days();
            let ahead = future.since(reference).ok()?.get_days();
            Some(if ahead < back { future } else { past })
        }
        (past, future) => past.or(future),
    }
}

/// A day and month without a year.
pub(super) fn day_of_year(reference: Date, month: i8, day: i8, tense: Tense) -> Option<When> {
    if tense == Tense::Past {
        // The common case, and the one `date` names for others to reuse.
        return date::latest_on_or_before(month, day, reference).map(When::Day);
    }
    yearly(reference, tense, |year| Date::new(year, month, day).ok()).map(When::Day)
}

/// A month named alone (`in June`, `last March`, `next May`, `this June`).
pub(super) fn month_alone(reference: Date, month: i8, pick: Pick) -> Option<When> {
    let current = i64::from(reference.year()) * 12 + i64::from(reference.month() - 1);
    let offset = i64::from(month) - i64::from(reference.month());
    // The occurrence in the document's year, and the ones a year before and after.
    let this_year = current + offset;
    let latest = if offset <= 0 { this_year } else { this_year - 12 };
    let earliest = if offset >= 0 { this_year } else { this_year + 12 };
    let total = match pick {
        Pick::Tense(Tense::Past) => latest,
        Pick::Tense(Tense::Future) => earliest,
        Pick::Tense(Tense::Unknown) => {
            if earliest - current < current - latest {
                earliest
            } else {
                latest
            }
        }
        Pick::Last => {
            if offset < 0 {
                this_year
            } else {
                this_year - 12
            }
        }
        Pick::Next => {
            if offset > 0 {
                this_year
            } else {
                this_year + 12
            }
        }
        Pick::This => this_year,
    };
    Some(When::Month(i16::try_from(total.div_euclid(12)).ok()?, month))
}

/// A weekday (0 is Monday) named alone or with `last`, `next`, `this`.
pub(super) fn weekday(reference: Date, weekday: i8, pick: Pick) -> Option<When> {
    let today = reference.weekday().to_monday_zero_offset();
    let back = i64::from((today - weekday).rem_euclid(7));
    let ahead = i64::from((weekday - today).rem_euclid(7));
    let in_this_week = i64::from(weekday - today);
    let offset = match pick {
        Pick::Tense(Tense::Past) => -back,
        Pick::Tense(Tense::Future) => ahead,
        Pick::Tense(Tense::Unknown) => {
            if ahead < back {
                ahead
            } else {
                -back
            }
        }
        Pick::Last => in_this_week - 7,
        Pick::Next => in_this_week + 7,
        Pick::This => in_this_week,
    };
    add_days(reference, offset).map(When::Day)
}

/// The seasons, by the month they start in (northern hemisphere); a winter is
/// named by the year of its December.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Season {
    Spring,
    Summer,
    Autumn,
    Winter,
}

impl Season {
    fn first_month(self) -> i64 {
        match self {
            Season::Spring => 3,
            Season::Summer => 6,
            Season::Autumn => 9,
            Season::Winter => 12,
        }
    }
}

/// The year of the season the words name: `last summer` is the latest that ended
/// before the document's month, `next summer` the first that starts after it, `this
/// summer` the document year's; by tense, the latest that has started (past) or the
/// first that has not ended (future), and the past when nothing says.
pub(super) fn season(reference: Date, season: Season, pick: Pick) -> Option<When> {
    let current = i64::from(reference.year()) * 12 + i64::from(reference.month() - 1);
    let start_in = |year: i64| year * 12 + season.first_month() - 1;
    let year = i64::from(reference.year());
    // The latest season of this kind that has started by the document's month.
    let started = if start_in(year) <= current { year } else { year - 1 };
    let ongoing = current < start_in(started) + 3;
    let chosen = match pick {
        Pick::Tense(Tense::Past | Tense::Unknown) => started,
        Pick::Tense(Tense::Future) => {
            if ongoing {
                started
            } else {
                started + 1
            }
        }
        Pick::Last => {
            if ongoing {
                started - 1
            } else {
                started
            }
        }
        Pick::Next => started + 1,
        Pick::This => year,
    };
    Some(When::Year(i16::try_from(chosen).ok()?))
}

/// Holidays that news dates by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Holiday {
    Fixed(i8, i8),
    /// US Thanksgiving, the fourth Thursday of November, plus days (Black Friday,
    /// Cyber Monday).
    Thanksgiving(i64),
    /// Easter Sunday plus days (Good Friday, Easter Monday).
    Easter(i64),
    /// US Memorial Day, the last Monday of May.
    MemorialDay,
    /// US Labor Day, the first Monday of September.
    LaborDay,
}

impl Holiday {
    pub(super) fn in_year(self, year: i16) -> Option<Date> {
        match self {
            Holiday::Fixed(month, day) => Date::new(year, month, day).ok(),
            Holiday::Thanksgiving(days) => {
                let first = Date::new(year, 11, 1).ok()?;
                let to_thursday = (3 - first.weekday().to_monday_zero_offset()).rem_euclid(7);
                add_days(first, i64::from(to_thursday) + 21 + days)
            }
            Holiday::Easter(days) => add_days(easter(year)?, days),
            Holiday::MemorialDay => {
                let last = Date::new(year, 5, 31).ok()?;
                add_days(last, -i64::from(last.weekday().to_monday_zero_offset()))
            }
            Holiday::LaborDay => {
                let first = Date::new(year, 9, 1).ok()?;
                add_days(first, i64::from((7 - first.weekday().to_monday_zero_offset()).rem_euclid(7)))
            }
        }
    }
}

/// Easter Sunday of `year` (the anonymous Gregorian computus).
fn easter(year: i16) -> Option<Date> {
    let year = i32::from(year);
    let a = year.rem_euclid(19);
    let (b, c) = (year.div_euclid(100), year.rem_euclid(100));
    let (d, e) = (b / 4, b % 4);
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::new(i16::try_from(year).ok()?, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::{Holiday, Pick, Season, Tense, When, month_alone, season, weekday};

    #[test]
    fn holidays() {
        assert_eq!(Holiday::Thanksgiving(0).in_year(2022), Some(date(2022, 11, 24)));
        assert_eq!(Holiday::Thanksgiving(1).in_year(2022), Some(date(2022, 11, 25)));
        assert_eq!(Holiday::Thanksgiving(4).in_year(2022), Some(date(2022, 11, 28)));
        assert_eq!(Holiday::Easter(0).in_year(2024), Some(date(2024, 3, 31)));
        assert_eq!(Holiday::Easter(0).in_year(2025), Some(date(2025, 4, 20)));
        assert_eq!(Holiday::Easter(-2).in_year(2019), Some(date(2019, 4, 19)));
        assert_eq!(Holiday::MemorialDay.in_year(2024), Some(date(2024, 5, 27)));
        assert_eq!(Holiday::LaborDay.in_year(2024), Some(date(2024, 9, 2)));
    }

    #[test]
    fn months_weekdays_and_seasons() {
        let reference = date(2024, 4, 2); // a Tuesday
        let month = |number, pick| month_alone(reference, number, pick);
        assert_eq!(month(3, Pick::Tense(Tense::Past)), Some(When::Month(2024, 3)));
        assert_eq!(month(5, Pick::Tense(Tense::Past)), Some(When::Month(2023, 5)));
        assert_eq!(month(5, Pick::Tense(Tense::Future)), Some(When::Month(2024, 5)));
        assert_eq!(month(4, Pick::Tense(Tense::Future)), Some(When::Month(2024, 4)));
        assert_eq!(month(9, Pick::Tense(Tense::Unknown)), Some(When::Month(2024, 9)));
        assert_eq!(month(11, Pick::Tense(Tense::Unknown)), Some(When::Month(2023, 11)));
        assert_eq!(month(10, Pick::Tense(Tense::Unknown)), Some(When::Month(2023, 10)));
        assert_eq!(month(4, Pick::Last), Some(When::Month(2023, 4)));
        assert_eq!(month(4, Pick::Next), Some(When::Month(2025, 4)));
        let day = |number, pick| weekday(reference, number, pick);
        assert_eq!(day(0, Pick::Tense(Tense::Past)), Some(When::Day(date(2024, 4, 1))));
        assert_eq!(day(1, Pick::Tense(Tense::Future)), Some(When::Day(date(2024, 4, 2))));
        assert_eq!(day(3, Pick::Tense(Tense::Unknown)), Some(When::Day(date(2024, 4, 4))));
        assert_eq!(day(5, Pick::Tense(Tense::Unknown)), Some(When::Day(date(2024, 3, 30))));
        assert_eq!(day(2, Pick::Last), Some(When::Day(date(2024, 3, 27))));
        assert_eq!(day(0, Pick::Last), Some(When::Day(date(2024, 3, 25))));
        assert_eq!(day(4, Pick::Next), Some(When::Day(date(2024, 4, 12))));
        assert_eq!(day(6, Pick::This), Some(When::Day(date(2024, 4, 7))));
        let summer = |reference, pick| season(reference, Season::Summer, pick);
        assert_eq!(summer(date(2022, 4, 6), Pick::Last), Some(When::Year(2021)));
        assert_eq!(summer(date(2022, 10, 6), Pick::Last), Some(When::Year(2022)));
        assert_eq!(summer(date(2022, 7, 6), Pick::Last), Some(When::Year(2021)));
        assert_eq!(summer(date(2020, 11, 19), Pick::Tense(Tense::Past)), Some(When::Year(2020)));
        assert_eq!(summer(date(2022, 4, 6), Pick::Tense(Tense::Future)), Some(When::Year(2022)));
        assert_eq!(summer(date(2022, 4, 6), Pick::Next), Some(When::Year(2022)));
        assert_eq!(
            season(date(2023, 6, 28), Season::Autumn, Pick::Tense(Tense::Past)),
            Some(When::Year(2022))
        );
        assert_eq!(
            season(date(2024, 1, 10), Season::Winter, Pick::Tense(Tense::Past)),
            Some(When::Year(2023))
        );
    }
}
