//! The names in a byline's text, without the dates, times and labels that pages
//! print beside them: `David · 18. Oktober 2019` is David, `Posted on September 21,
//! 2020 by Adi Tzlil` is Adi Tzlil, `17 April 2012 • 2:54pm` names nobody.
//!
//! A byline with a date is cut into pieces at separators (`·`, `•`, `|`, `»`,
//! ` / `, ` - `) and at each run of date words (numbers, month and weekday names,
//! the words between them: `Fr, 18. Oktober 2019 um 11:14 Uhr`). The names are the
//! pieces a name's lead-in introduces (`by`, `von`, `Posted by`), or else the
//! pieces before the first date; each loses its labels (`Author:`, `Stand:`) and
//! the connecting words before the date (`am`, `on`, `said`). A byline without a
//! date is split into names as before.

use super::metadata::split_authors;

/// The names `text`, the text of a byline element, gives.
pub(super) fn names(text: &str) -> Vec<String> {
    let segments = segments(text);
    let words: Vec<Vec<Word>> = segments.iter().map(|segment| classify(segment)).collect();
    let runs: Vec<Vec<(usize, usize)>> = words.iter().map(|segment| date_runs(segment)).collect();
    if runs.iter().all(Vec::is_empty) {
        return split_authors(text);
    }
    let mut before_dates = Vec::new();
    let mut introduced = Vec::new();
    let mut dated = false;
    for (segment, runs) in words.iter().zip(&runs) {
        let mut from = 0;
        for &(start, end) in runs.iter().chain(std::iter::once(&(segment.len(), segment.len()))) {
            let piece = &segment[from..start];
            from = end;
            if let Some((names, lead_in)) = clean(piece, start < end) {
                if lead_in {
                    introduced.push(names);
                } else if !dated {
                    before_dates.push(names);
                }
            }
            if start < end {
                dated = true;
            }
        }
    }
    let chosen = if introduced.is_empty() { before_dates } else { introduced };
    let mut names: Vec<String> = Vec::new();
    for piece in chosen {
        for name in split_authors(&piece) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// `text` cut at the separators bylines put between a name, a date and a
/// category, each segment trimmed.
fn segments(text: &str) -> Vec<&str> {
    let mut segments = Vec::new();
    let mut start = 0;
    let mut index = 0;
    while index < text.len() {
        let rest = &text[index..];
        let character = rest.chars().next().unwrap_or(' ');
        let separator = if matches!(character, '·' | '•' | '|' | '»' | '«' | '\n') {
            character.len_utf8()
        } else {
            [" / ", " // ", "//", " - ", " – ", " — "]
                .iter()
                .find(|separator| rest.starts_with(**separator))
                .map_or(0, |separator| separator.len())
        };
        if separator > 0 {
            segments.push(&text[start..index]);
            index += separator;
            start = index;
        } else {
            index += character.len_utf8();
        }
    }
    segments.push(&text[start..]);
    segments
        .into_iter()
        .map(|segment| segment.trim_matches(|character: char| character.is_whitespace() || character == '/'))
        .filter(|segment| !segment.is_empty())
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Starts with a digit and holds only digits and `.:/-,`, perhaps with a time's
    /// `am`, `pm` or `h` glued on: `18.`, `29.12.2010`, `13:36`, `2:54pm`, `2020`.
    Number,
    /// A month or weekday name, or a weekday's abbreviation: `Oktober`, `Feb.`,
    /// `Samstag,`, `Fr,`.
    Calendar,
    /// A word that joins date words or ends a time: `de` (`6 de mayo`), `at`,
    /// `um`, `Uhr`, `pm`.
    Joiner,
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Word<'a> {
    text: &'a str,
    kind: Kind,
}

fn classify(segment: &str) -> Vec<Word<'_>> {
    segment.split_whitespace().map(|text| Word { text, kind: kind_of(text) }).collect()
}

fn kind_of(word: &str) -> Kind {
    let bare = word.trim_end_matches([',', '.', ';']);
    if bare.is_empty() {
        return Kind::Other;
    }
    let lower = bare.to_lowercase();
    if lower.starts_with(|character: char| character.is_ascii_digit()) {
        let digits = lower.trim_end_matches(|character: char| character.is_ascii_alphabetic());
        let suffix = &lower[digits.len()..];
        let numeric =
            digits.chars().all(|character| character.is_ascii_digit() || ".:/-,".contains(character));
        if numeric && matches!(suffix, "" | "am" | "pm" | "h" | "uhr" | "st" | "nd" | "rd" | "th") {
            return Kind::Number;
        }
        return Kind::Other;
    }
    if crate::events::is_month_or_weekday(&lower) || WEEKDAY_ABBREVIATIONS.contains(&lower.as_str()) {
        return Kind::Calendar;
    }
    if JOINERS.contains(&lower.as_str()) {
        return Kind::Joiner;
    }
    Kind::Other
}

/// Weekdays as bylines abbreviate them (English, German, French, Spanish); a
/// date word only beside a number.
const WEEKDAY_ABBREVIATIONS: &[&str] = &[
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "mo", "di", "mi", "do", "fr",
    "sa", "so", "lun", "mar", "mer", "jeu", "ven", "sam", "dim", "mié", "jue", "vie", "sáb", "dom",
];

/// Words inside a date or after a time: `6 de mayo de 2022`, `19. Oktober 2019
/// um 11:14 Uhr`, `August 3, 2019 at 3:12 pm`.
const JOINERS: &[&str] = &[
    "de", "del", "at", "um", "à", "a", "las", "los", "le", "el", "den", "the", "of", "uhr", "am", "pm",
    "a.m", "p.m", "h", "utc", "gmt", "cet", "cest", "et", "est", "edt", "pt", "pst", "pdt", "bst",
];

/// The runs of date words of a segment, as word ranges: each starts and ends
/// with a number or calendar word (a time's `Uhr`, `am` or `pm` after its number
/// included), has joiners only inside, and holds a number.
fn date_runs(words: &[Word]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut index = 0;
    while index < words.len() {
        if !matches!(words[index].kind, Kind::Number | Kind::Calendar) {
            index += 1;
            continue;
        }
        let start = index;
        let mut end = index + 1;
        let mut last_date_word = index;
        while end < words.len() && words[end].kind != Kind::Other {
            if words[end].kind != Kind::Joiner {
                last_date_word = end;
            }
            end += 1;
        }
        let mut run_end = last_date_word + 1;
        // A time's suffix: `11:14 Uhr`, `3:12 pm`.
        if words[last_date_word].kind == Kind::Number
            && let Some(next) = words.get(run_end)
            && matches!(
                next.text.to_lowercase().trim_end_matches(['.', ',']),
                "uhr" | "am" | "pm" | "a.m" | "p.m" | "h"
            )
        {
            run_end += 1;
        }
        if words[start..run_end].iter().any(|word| word.kind == Kind::Number) {
            runs.push((start, run_end));
        }
        index = end.max(start + 1);
    }
    runs
}

/// Lead-ins that introduce a name, lowercased: `by Jane Doe`, `Posted by`,
/// `von`, `Beitragvon` (a forum's glued `Beitrag von`).
const LEAD_INS: &[&str] = &["by", "von", "par", "por", "door", "di", "beitragvon", "autor:", "author:"];

/// Words left before a date when the name came first: `Jörn Mecher am`,
/// `stephangoeldi said on`, `Reuters Updated:`.
const CONNECTORS: &[&str] = &[
    "am",
    "on",
    "at",
    "um",
    "le",
    "el",
    "den",
    "vom",
    "the",
    "de",
    "said",
    "says",
    "sagt",
    "schrieb",
    "wrote",
    "posted",
    "updated",
    "published",
    "last",
    "zuletzt",
    "veröffentlicht",
    "aktualisiert",
    "erstellt",
    "stand",
    "datum",
    "date",
    "publié",
    "publicado",
    "actualizado",
];

/// A piece's name text and whether a lead-in introduced it; `None` when nothing
/// of a name is left. `before_date`: a date follows the piece, which may be glued
/// to its last word (`Nicole Collignon22. Februar 2020`, `Heiko SauerDo 9 Apr`).
fn clean(piece: &[Word], before_date: bool) -> Option<(String, bool)> {
    let lower: Vec<String> = piece.iter().map(|word| word.text.to_lowercase()).collect();
    let mut start = 0;
    let mut lead_in = false;
    if let Some(position) = lower.iter().position(|word| LEAD_INS.contains(&word.as_str())) {
        start = position + 1;
        lead_in = true;
    }
    let mut end = piece.len();
    // A label after the name ends it: `Katharina Schmidt Kategorien: Mode`,
    // `Sara Zinnecker Stand:`, and `Fritz ImhofQuelle: Livenet`, glued.
    let mut glued_label = None;
    if let Some(label) = (start..end).skip(1).find(|&index| piece[index].text.ends_with(':')) {
        end = label;
        glued_label = glued_capital(piece[label].text).map(|at| (label, at));
    }
    // A label before it (`Datum:`) is not the name.
    while start < end && piece[start].text.ends_with(':') {
        start += 1;
    }
    while end > start && CONNECTORS.contains(&lower[end - 1].trim_end_matches([':', ','])) {
        end -= 1;
    }
    let mut words: Vec<&str> = piece[start..end].iter().map(|word| word.text).collect();
    if let Some((label, at)) = glued_label
        && label == end
    {
        words.push(&piece[label].text[..at]);
    } else if before_date
        && end == piece.len()
        && let Some(last) = words.last_mut()
    {
        *last = without_glued_date(last);
    }
    let name = words.join(" ");
    let name = name.trim_matches(|character: char| {
        character.is_whitespace() || matches!(character, ',' | ':' | ';' | '-' | '–' | '—' | '/' | '(' | ')')
    });
    name.chars().any(char::is_alphabetic).then(|| (name.to_owned(), lead_in))
}

/// Where a capital follows a lowercase letter inside `word` (`ImhofQuelle:`).
fn glued_capital(word: &str) -> Option<usize> {
    let mut previous_lowercase = false;
    for (index, character) in word.char_indices() {
        if previous_lowercase && character.is_uppercase() {
            return Some(index);
        }
        previous_lowercase = character.is_lowercase();
    }
    None
}

/// `word` without a day number or weekday abbreviation glued to its end:
/// `Collignon22.` → `Collignon`, `SauerDo` → `Sauer`.
fn without_glued_date(word: &str) -> &str {
    let bare = word.trim_end_matches('.');
    let digits = bare.len() - bare.trim_end_matches(|character: char| character.is_ascii_digit()).len();
    let stem = &bare[..bare.len() - digits];
    if (1..=2).contains(&digits) && stem.ends_with(|character: char| character.is_lowercase()) {
        return stem;
    }
    if let Some(at) = glued_capital(word)
        && WEEKDAY_ABBREVIATIONS.contains(&word[at..].to_lowercase().as_str())
    {
        return &word[..at];
    }
    word
}

#[cfg(test)]
mod tests {
    use super::names;

    #[test]
    fn dates_times_and_labels_are_left_out() {
        let cases: &[(&str, &[&str])] = &[
            ("David · 18. Oktober 2019 18. Oktober 2019", &["David"]),
            ("29. Juni 2017, 23:39 · von Tobi", &["Tobi"]),
            ("Author: Bo2man am 29.12.2010, 13:36 Uhr", &["Bo2man"]),
            ("gnaddrig Sagt: 9. Dezember 2013 at 14:57 Schöne Einleitung", &["gnaddrig"]),
            ("Posted by Günter W. Kienitz at 18:52", &["Günter W. Kienitz"]),
            ("Janic Cathomen, 01.12.2021", &["Janic Cathomen"]),
            ("/ Cory Doctorow / 10:08 am Fri Jul 19, 2013", &["Cory Doctorow"]),
            ("VON MORITZ GATHMANN am 21. April 2020", &["MORITZ GATHMANN"]),
            ("Tomas Spahn Fr, 18. Oktober 2019", &["Tomas Spahn"]),
            ("Isabella.DiBiase am Samstag, 19. Oktober 2019 um 11:14 Uhr", &["Isabella.DiBiase"]),
            ("stephangoeldi said on August 3, 2019 at 3:12 pm", &["stephangoeldi"]),
            ("8. Januar 2020 · by Aureliana · in Gefühle", &["Aureliana"]),
            ("Posted on September 21, 2020 by Adi Tzlil", &["Adi Tzlil"]),
            ("Redaktion 1. November 2023 10:29", &["Redaktion"]),
            ("Sara Zinnecker Stand: 05. Februar 2020", &["Sara Zinnecker"]),
            ("Beitragvon r23 » 21.01.2009, 05:42", &["r23"]),
            ("Rolf Buckpesch 29.07.2020 // 12:56", &["Rolf Buckpesch"]),
            ("Veröffentlicht am 8. Februar 2022 von PETA-Team", &["PETA-Team"]),
            ("John Walk - January 10, 2020 21 minutes - 4312 words", &["John Walk"]),
            ("Wein & Geschmack·14. Oktober 2021", &["Wein & Geschmack"]),
            ("Poppy Reid Feb 21, 2020", &["Poppy Reid"]),
            ("Katharina Schmidt Kategorien: Mode 6. November 2023, 15:25 Uhr", &["Katharina Schmidt"]),
            ("Reuters Updated: January 16, 2020", &["Reuters"]),
            ("Christian Thiele, 07 Dezember, 2022", &["Christian Thiele"]),
            ("lupa am 26/10/13, 03:48 pm", &["lupa"]),
            ("Jane Doe | John Roe | 12.03.2020", &["Jane Doe", "John Roe"]),
            ("Nicole Collignon22. Februar 2020", &["Nicole Collignon"]),
            ("by Lucas Nolan22 Dec 2016651", &["Lucas Nolan"]),
            ("Heiko SauerDo 9 Apr 2020", &["Heiko Sauer"]),
            ("Datum: 19.11.2021 Autor: Fritz ImhofQuelle: Livenet", &["Fritz Imhof"]),
        ];
        for (byline, expected) in cases {
            assert_eq!(names(byline), *expected, "{byline}");
        }
    }

    #[test]
    fn a_byline_of_dates_alone_names_nobody() {
        for byline in [
            "17 April 2012 • 2:54pm",
            "10.11.2021",
            "Donnerstag, 4. November 2021",
            "6 de mayo de 2022 05:30",
            "Last Updated: January 7, 2025",
        ] {
            assert!(names(byline).is_empty(), "{byline}: {:?}", names(byline));
        }
        // A date first and no lead-in: what follows is a category, not a name.
        assert!(names("21.01.2022 Aktuelle Meldung").is_empty());
    }

    #[test]
    fn bylines_without_dates_are_split_as_before() {
        assert_eq!(names("By Jane Doe and John Roe"), ["Jane Doe", "John Roe"]);
        assert_eq!(names("Mai Nguyen, Mo Farah"), ["Mai Nguyen", "Mo Farah"]);
        assert_eq!(names("user5105"), ["user5105"]);
        assert_eq!(names("freeman1984"), ["freeman1984"]);
        // A month's name is a date word only beside a number.
        assert_eq!(names("April Ryan · 5 May 2021"), ["April Ryan"]);
    }
}
