//! Dates as articles write them (`2024-04-02`, `April 2, 2024`, `2 avril 2024`,
//! RFC 3339 date-times) normalised to ISO 8601.

use jiff::civil::{Date, DateTime};

/// Returns `value` as an ISO 8601 date (`2024-04-02`) or date-time
/// (`2024-04-02T10:30:00`, or RFC 3339 with its offset as given), or `None` when it
/// is not a date we can read with certainty. `02/04/2024` is refused as ambiguous
/// unless one of the numbers is above 12.
pub fn normalize(value: &str) -> Option<String> {
    let value = value.trim();
    if value.is_empty() || value.len() > 100 {
        return None;
    }
    if let Ok(date) = value.parse::<Date>()
        && value.len() == 10
    {
        return Some(date.to_string());
    }
    let t_separated = if value.len() > 10 && value.as_bytes()[10] == b' ' && value.is_char_boundary(10) {
        format!("{}T{}", &value[..10], &value[11..])
    } else {
        value.to_owned()
    };
    if t_separated.parse::<jiff::Timestamp>().is_ok() {
        return Some(t_separated);
    }
    if let Ok(date_time) = t_separated.parse::<DateTime>() {
        return Some(date_time.strftime("%Y-%m-%dT%H:%M:%S").to_string());
    }
    numeric(value).or_else(|| with_month_name(value)).map(|date| date.to_string())
}

/// `2024/04/02`, `2024.04.02`, `02/04/2024` (only when unambiguous).
fn numeric(value: &str) -> Option<Date> {
    let parts: Vec<&str> = value.split(['/', '.', '-']).collect();
    if parts.len() != 3
        || parts.iter().any(|part| part.is_empty() || !part.bytes().all(|byte| byte.is_ascii_digit()))
    {
        return None;
    }
    let numbers: Vec<i32> = parts.iter().map(|part| part.parse().ok()).collect::<Option<_>>()?;
    let (year, month, day) = if parts[0].len() == 4 {
        (numbers[0], numbers[1], numbers[2])
    } else if parts[2].len() == 4 {
        match (numbers[0] > 12, numbers[1] > 12) {
            (true, false) => (numbers[2], numbers[1], numbers[0]),
            (false, true) => (numbers[2], numbers[0], numbers[1]),
            _ => return None,
        }
    } else {
        return None;
    };
    build(year, month, day)
}

/// `April 2, 2024`, `Tue, 02 Apr 2024 10:00:00 +0000`, `2 avril 2024`, `2 de abril de 2024`.
fn with_month_name(value: &str) -> Option<Date> {
    let mut year = None;
    let mut month = None;
    let mut day = None;
    for word in value.split(|character: char| !character.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if word.bytes().all(|byte| byte.is_ascii_digit()) {
            let number: i32 = word.parse().ok()?;
            match word.len() {
                4 if year.is_none() => year = Some(number),
                1 | 2 if day.is_none() => day = Some(number),
                _ => {}
            }
            continue;
        }
        let ordinal = word
            .strip_suffix("st")
            .or_else(|| word.strip_suffix("nd"))
            .or_else(|| word.strip_suffix("rd"))
            .or_else(|| word.strip_suffix("th"))
            .or_else(|| word.strip_suffix("er"));
        if let Some(number) = ordinal.filter(|digits| {
            !digits.is_empty() && digits.len() <= 2 && digits.bytes().all(|byte| byte.is_ascii_digit())
        }) {
            if day.is_none() {
                day = number.parse().ok();
            }
            continue;
        }
        if month.is_none() {
            month = month_number(&word.to_lowercase());
        }
    }
    build(year?, month?, day?)
}

fn month_number(word: &str) -> Option<i32> {
    const MONTHS: [&[&str]; 12] = [
        &["january", "jan", "janvier", "janv", "enero", "ene"],
        &["february", "feb", "février", "fevrier", "févr", "fevr", "febrero"],
        &["march", "mar", "mars", "marzo"],
        &["april", "apr", "avril", "avr", "abril", "abr"],
        &["may", "mai", "mayo"],
        &["june", "jun", "juin", "junio"],
        &["july", "jul", "juillet", "juil", "julio"],
        &["august", "aug", "août", "aout", "agosto", "ago"],
        &["september", "sep", "sept", "septembre", "septiembre"],
        &["october", "oct", "octobre", "octubre"],
        &["november", "nov", "novembre", "noviembre"],
        &["december", "dec", "décembre", "decembre", "déc", "diciembre", "dic"],
    ];
    MONTHS.iter().position(|names| names.contains(&word)).map(|index| index as i32 + 1)
}

/// The date of `year`-`month`-`day` when it exists and the year has four digits.
pub(crate) fn build(year: i32, month: i32, day: i32) -> Option<Date> {
    if !(1000..=9999).contains(&year) {
        return None;
    }
    Date::new(year as i16, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

/// The calendar date an ISO 8601 value (as `normalize` returns them) names, as
/// written: `2024-04-02`, or the date part of `2024-04-02T23:30:00-05:00` — not
/// converted to UTC, since the date the outlet gave is the one its text counts from.
pub(crate) fn calendar_date(value: &str) -> Option<Date> {
    let value = value.trim();
    let date = value.get(..10)?;
    if value.len() > 10 && !matches!(value.as_bytes()[10], b'T' | b't' | b' ') {
        return None;
    }
    let date: Date = date.parse().ok()?;
    (1000..=9999).contains(&date.year()).then_some(date)
}

/// The most recent `month`-`day` on or before `reference`: March 23 read on
/// 2024-04-02 is 2024-03-23, read on 2024-03-22 it is 2023-03-23. February 29
/// goes back to the last leap year (at most eight years: 2100 is not one).
pub(crate) fn latest_on_or_before(month: i8, day: i8, reference: Date) -> Option<Date> {
    (0..=8)
        .filter_map(|back| Date::new(reference.year().checked_sub(back)?, month, day).ok())
        .find(|date| *date <= reference)
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::{calendar_date, latest_on_or_before, normalize};

    #[test]
    fn calendar_dates_as_written() {
        assert_eq!(calendar_date("2024-04-02"), Some(date(2024, 4, 2)));
        assert_eq!(calendar_date("2024-04-02T23:30:00-05:00"), Some(date(2024, 4, 2)));
        assert_eq!(calendar_date("2024-04-02 10:30"), Some(date(2024, 4, 2)));
        assert_eq!(calendar_date("2024-04-0"), None);
        assert_eq!(calendar_date("2024-04-02x"), None);
        assert_eq!(calendar_date("April 2, 2024"), None);
        assert_eq!(calendar_date("ééééééééééé"), None);
    }

    #[test]
    fn latest_day_on_or_before() {
        let reference = date(2024, 4, 2);
        assert_eq!(latest_on_or_before(3, 23, reference), Some(date(2024, 3, 23)));
        assert_eq!(latest_on_or_before(4, 2, reference), Some(date(2024, 4, 2)));
        assert_eq!(latest_on_or_before(4, 3, reference), Some(date(2023, 4, 3)));
        assert_eq!(latest_on_or_before(12, 31, date(2024, 1, 1)), Some(date(2023, 12, 31)));
        assert_eq!(latest_on_or_before(2, 29, reference), Some(date(2024, 2, 29)));
        assert_eq!(latest_on_or_before(2, 29, date(2024, 2, 28)), Some(date(2020, 2, 29)));
        assert_eq!(latest_on_or_before(2, 29, date(2104, 2, 28)), Some(date(2096, 2, 29)));
        assert_eq!(latest_on_or_before(4, 31, reference), None);
    }

    #[test]
    fn reads_common_dates() {
        assert_eq!(normalize("2024-04-02").as_deref(), Some("2024-04-02"));
        assert_eq!(normalize("2024-04-02T10:30:00Z").as_deref(), Some("2024-04-02T10:30:00Z"));
        assert_eq!(normalize("2024-04-02 10:30").as_deref(), Some("2024-04-02T10:30:00"));
        assert_eq!(normalize("April 2, 2024").as_deref(), Some("2024-04-02"));
        assert_eq!(normalize("Tuesday 2nd April 2024").as_deref(), Some("2024-04-02"));
        assert_eq!(normalize("2 avril 2024").as_deref(), Some("2024-04-02"));
        assert_eq!(normalize("2 de abril de 2024").as_deref(), Some("2024-04-02"));
        assert_eq!(normalize("Tue, 02 Apr 2024 10:00:00 +0000").as_deref(), Some("2024-04-02"));
        assert_eq!(normalize("2024/04/02").as_deref(), Some("2024-04-02"));
        assert_eq!(normalize("25/03/2024").as_deref(), Some("2024-03-25"));
    }

    #[test]
    fn refuses_what_is_not_certain() {
        assert_eq!(normalize("02/04/2024"), None);
        assert_eq!(normalize("2024-02-30"), None);
        assert_eq!(normalize("yesterday"), None);
        assert_eq!(normalize(""), None);
    }
}
