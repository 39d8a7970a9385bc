//! Every form `find` reads, with the edge cases of resolving it. Dates are shown
//! as the JSON has them, with `~` after an approximate one.

use super::find;
use crate::model::{Block, Document, Event};
use crate::text::empty_document;

/// Tuesday.
const PUBLISHED: &str = "2024-04-02";

fn document(published: Option<&str>, blocks: Vec<Block>) -> Document {
    let mut document = empty_document();
    document.published = published.map(str::to_owned);
    document.blocks = blocks;
    document
}

fn events(published: Option<&str>, text: &str) -> Vec<Event> {
    find(&document(published, vec![Block::Paragraph { text: text.to_owned() }]))
}

/// `(date, expression)` of each event found in `text` published on `published`.
fn found_on(published: Option<&str>, text: &str) -> Vec<(String, String)> {
    events(published, text)
        .into_iter()
        .map(|event| {
            let date = if event.approximate { format!("{}~", event.date) } else { event.date };
            (date, event.expression)
        })
        .collect()
}

fn found(text: &str) -> Vec<(String, String)> {
    found_on(Some(PUBLISHED), text)
}

#[track_caller]
fn check(text: &str, expected: &[(&str, &str)]) {
    check_on(Some(PUBLISHED), text, expected);
}

#[track_caller]
fn check_on(published: Option<&str>, text: &str, expected: &[(&str, &str)]) {
    let expected: Vec<(String, String)> =
        expected.iter().map(|(date, expression)| ((*date).to_owned(), (*expression).to_owned())).collect();
    assert_eq!(found_on(published, text), expected, "in {text:?} published {published:?}");
}

#[test]
fn full_dates() {
    check("It was filed on March 23, 2024 in court.", &[("2024-03-23", "March 23, 2024")]);
    check("It was filed March 23rd 2024.", &[("2024-03-23", "March 23rd 2024")]);
    check("It was filed 23 March 2024.", &[("2024-03-23", "23 March 2024")]);
    check("It was filed on the 23rd of March, 2024.", &[("2024-03-23", "23rd of March, 2024")]);
    check("It was filed Mar. 23, 2024, in court.", &[("2024-03-23", "Mar. 23, 2024")]);
    check("It was filed Sept 3, 1998.", &[("1998-09-03", "Sept 3, 1998")]);
    check("It was filed on Monday, March 23, 2020.", &[("2020-03-23", "Monday, March 23, 2020")]);
    check("Filed March 23–25, 2020.", &[("2020-03-23", "March 23–25, 2020")]);
    check("Filed 10-12 March 2020.", &[("2020-03-10", "10-12 March 2020")]);
    check("Nothing on February 30, 2024 or April 31.", &[]);
    check("The leap day February 29, 2023 does not exist.", &[]);
}

#[test]
fn full_dates_in_other_languages() {
    check("La plainte a été déposée le 23 mars 2024.", &[("2024-03-23", "23 mars 2024")]);
    check("Elle date du 1er mars 2024.", &[("2024-03-01", "1er mars 2024")]);
    check("La demanda se presentó el 23 de marzo de 2024.", &[("2024-03-23", "23 de marzo de 2024")]);
    check("Die Klage wurde am 23. März 2024 eingereicht.", &[("2024-03-23", "23. März 2024")]);
    check("Am Montag, 23. März 2020 war es.", &[("2020-03-23", "Montag, 23. März 2020")]);
    check("Il pleuvait mardi 3 mars 2020.", &[("2020-03-03", "mardi 3 mars 2020")]);
    // The planet, written as a name, is not the French month.
    check("NASA's Mars 2020 rover landed on Mars.", &[]);
}

#[test]
fn numeric_dates() {
    check("Filed 2024-03-23 in court.", &[("2024-03-23", "2024-03-23")]);
    check("Filed 2024/03/23.", &[("2024-03-23", "2024/03/23")]);
    check("Stamped 2024-03-23T10:00:00Z.", &[("2024-03-23", "2024-03-23")]);
    check("Filed 23/03/2024.", &[("2024-03-23", "23/03/2024")]);
    check("Filed 03/23/2024.", &[("2024-03-23", "03/23/2024")]);
    check("Filed 05/05/2024.", &[("2024-05-05", "05/05/2024")]);
    check("Am 23.03.2024 eingereicht.", &[("2024-03-23", "23.03.2024")]);
    // Ambiguous: the fourth of February or the second of April. Its year is not a year alone either.
    check("Filed in 02/04/2024.", &[]);
    check("Version 1.2.3 and 10.0.2024.1 and 2024-13-01.", &[]);
}

#[test]
fn months_and_years() {
    check("It became Meta in October 2021, showing", &[("2021-10", "October 2021")]);
    check("It became Meta in Oct. 2021.", &[("2021-10", "Oct. 2021")]);
    check("It became Meta in October of 2021.", &[("2021-10", "October of 2021")]);
    check("It became Meta in early October 2021.", &[("2021-10", "early October 2021")]);
    check("It became Meta around October 2021.", &[("2021-10~", "around October 2021")]);
    check("It was a big year: Q4 2023 and FY2024 results.", &[("2023", "Q4 2023"), ("2024", "FY2024")]);
    check("Elle est devenue Meta en octobre 2021.", &[("2021-10", "octobre 2021")]);
    check("Se convirtió en Meta en octubre de 2021.", &[("2021-10", "octubre de 2021")]);
    check("Sie wurde im Oktober 2021 zu Meta.", &[("2021-10", "Oktober 2021")]);
    // A count after the month is not a year: the month alone, in context, is the date.
    check("In March 2000 people marched.", &[("2024-03", "March")]);
    check_on(None, "It became Meta in October 2021.", &[("2021-10", "October 2021")]);
}

#[test]
fn years() {
    check("They agreed since at least 2011, thanks to", &[("2011", "2011")]);
    check("Let us remember that in 2018, it was learned", &[("2018", "2018")]);
    check("It was 2011's biggest deal.", &[("2011", "2011")]);
    check("By the end of 2011 it was over.", &[("2011", "2011")]);
    check("In the summer of 2011 it began.", &[("2011", "2011")]);
    check("It began in late 2011.", &[("2011", "late 2011")]);
    check("It began in mid-2011.", &[("2011", "mid-2011")]);
    check("It began around 2011.", &[("2011~", "around 2011")]);
    check("It began c. 1920.", &[("1920~", "c. 1920")]);
    check("As of 2020 it is open.", &[("2020", "2020")]);
    check("Sales rose between 2011 and 2018.", &[("2011", "2011"), ("2018", "2018")]);
    check("Sales rose from 2011-2018.", &[("2011", "2011"), ("2018", "2018")]);
    // A bare four-digit number is a year unless something says otherwise.
    check(
        "He won the 2016 presidential election; 2013 was his best year.",
        &[("2016", "2016"), ("2013", "2013")],
    );
    check(
        "The cars of 2025 will need more chips than the laptops of 2021 did.",
        &[("2025", "2025"), ("2021", "2021")],
    );
    check("Her 1987 album sold well, compared with 2019 levels.", &[("1987", "1987"), ("2019", "2019")]);
    check_on(None, "It began in 2011.", &[("2011", "2011")]);
}

#[test]
fn numbers_that_are_not_years() {
    check("About 2,000 people came.", &[]);
    check("They sent 2011 messages.", &[]);
    check("In 2011 messages were read.", &[]);
    check("He read the 2011 messages.", &[]);
    check("It cost $2011 in 2011%.", &[]);
    check("The A2011 model, room 2011, page 1998, box 2012 and 555-2013.", &[]);
    check("Its Windows 2000 servers and Section 2024 of the code.", &[]);
    check("The company employs 2000 workers, about 2000 in all, a total of 2024.", &[]);
    check("More than 1900 officers came; 2050 more will follow.", &[]);
    check("It hit 2010.5 at 2000 GMT.", &[]);
    check("In 1850 and in 2150 nothing.", &[]);
    check("At 20:11 it ended in 2011", &[("2011", "2011")]);
}

#[test]
fn decades() {
    check("It started in the 1990s.", &[("1990~", "1990s")]);
    check("It started in the 1990's.", &[("1990~", "1990's")]);
    // The decade's first year, whatever part of it the words name.
    check("It started in the late 1990s.", &[("1990~", "late 1990s")]);
    check("It started in the mid-2000s.", &[("2000~", "mid-2000s")]);
    check("It started in the ’90s.", &[("1990~", "’90s")]);
    check("It started in the '00s.", &[("2000~", "'00s")]);
    // An age, not a decade.
    check("They are in their 90s.", &[]);
}

#[test]
fn partial_dates_by_tense() {
    // Past tense: the latest on or before the document's date.
    check("Court documents, filed on March 23, claim", &[("2024-03-23", "March 23")]);
    check("It was filed 23 March.", &[("2024-03-23", "23 March")]);
    check("It was filed on the 23rd of March.", &[("2024-03-23", "23rd of March")]);
    check("It was filed April 2.", &[("2024-04-02", "April 2")]);
    check("It was filed April 5.", &[("2023-04-05", "April 5")]);
    check("It has soared since May 2.", &[("2023-05-02", "May 2")]);
    check("The firm waited until April 30 to tell them.", &[("2023-04-30", "April 30")]);
    check_on(Some("2024-01-10"), "The complaint was filed on December 28.", &[("2023-12-28", "December 28")]);
    // Future tense: the earliest on or after it.
    check("A hearing is scheduled for April 5.", &[("2024-04-05", "April 5")]);
    check("A ruling is expected on March 23.", &[("2025-03-23", "March 23")]);
    check("They will be sworn in on April 2.", &[("2024-04-02", "April 2")]);
    check("The court asked them to respond by April 30.", &[("2024-04-30", "April 30")]);
    check("Parallax has until December 4 to respond.", &[("2024-12-04", "December 4")]);
    check("La demande pourra être déposée à partir du 1er mars.", &[("2025-03-01", "1er mars")]);
    // Nothing says: the nearer one.
    check("The ban takes effect on April 20.", &[("2024-04-20", "April 20")]);
    check("The deadline is December 31.", &[("2023-12-31", "December 31")]);
    // Quoted words keep their own tense: `said` outside the quotation does not count.
    check("“I have a plane to catch on April 6,” she said.", &[("2024-04-06", "April 6")]);
    // Year boundaries and February 29.
    check_on(Some("2024-01-01"), "It was filed December 31.", &[("2023-12-31", "December 31")]);
    check_on(
        Some("2024-12-31T23:00:00-05:00"),
        "It will be filed January 1.",
        &[("2025-01-01", "January 1")],
    );
    check("It was filed Feb. 29.", &[("2024-02-29", "Feb. 29")]);
    check_on(Some("2025-03-01"), "It was filed Feb. 29.", &[("2024-02-29", "Feb. 29")]);
    check_on(Some("2024-02-28"), "It was filed Feb. 29.", &[("2020-02-29", "Feb. 29")]);
    check_on(Some("2024-01-19"), "Late fees are waived until February 29.", &[("2024-02-29", "February 29")]);
    // No document date: nothing to count from.
    check_on(None, "It was filed on March 23.", &[]);
    check_on(Some("not a date"), "It was filed on March 23.", &[]);
    // A count after the day.
    check("In March 23 people died.", &[("2024-03", "March")]);
}

#[test]
fn months_alone() {
    check("It was filed in March.", &[("2024-03", "March")]);
    check("It was filed in April.", &[("2024-04", "April")]);
    check("It was filed in May.", &[("2023-05", "May")]);
    check("It will be filed in May.", &[("2024-05", "May")]);
    check("It is expected to begin in May.", &[("2024-05", "May")]);
    check("It was filed in mid-March.", &[("2024-03", "mid-March")]);
    check("It was filed by the end of March.", &[("2024-03", "March")]);
    check("It was filed last March.", &[("2024-03", "last March")]);
    check("It was filed last April.", &[("2023-04", "last April")]);
    check("It will be filed next April.", &[("2025-04", "next April")]);
    check("It will be filed this June.", &[("2024-06", "this June")]);
    check("Sales fell in the six months to March.", &[("2024-03", "March")]);
    check_on(Some("2022-12-02"), "Sales rose in the first days of December.", &[("2022-12", "December")]);
    check("Il a été déposé en mars.", &[("2024-03", "mars")]);
    check("Le bilan sera présenté en décembre.", &[("2024-12", "décembre")]);
    check_on(Some("2024-01-10"), "It was filed in December.", &[("2023-12", "December")]);
    // A month name needs a date context: the verb, a name, an abbreviation alone.
    check("March Madness may come. May Smith left in Dec.", &[]);
    check("They march in may.", &[]);
    check("They met at Mar-a-Lago.", &[]);
    check_on(None, "It was filed in March.", &[]);
}

#[test]
fn weekdays() {
    // 2024-04-02 is a Tuesday.
    check("The company said on Monday that", &[("2024-04-01", "Monday")]);
    check("The company said Monday that", &[("2024-04-01", "Monday")]);
    check("The company said on Tuesday that", &[("2024-04-02", "Tuesday")]);
    check("The company said on Wednesday that", &[("2024-03-27", "Wednesday")]);
    check("Monday's vote was close.", &[("2024-04-01", "Monday")]);
    check("The council will vote on Thursday.", &[("2024-04-04", "Thursday")]);
    check("The council votes on Thursday.", &[("2024-04-04", "Thursday")]);
    check("The council voted Thursday night.", &[("2024-03-28", "Thursday")]);
    // `last` and `next`: that day of the week before or after the document's week.
    check("The company said last Wednesday that", &[("2024-03-27", "last Wednesday")]);
    check("The company said last Monday that", &[("2024-03-25", "last Monday")]);
    check("The company will say next Monday.", &[("2024-04-08", "next Monday")]);
    check("The company will say next Friday.", &[("2024-04-12", "next Friday")]);
    check("The company will say this coming Monday.", &[("2024-04-08", "this coming Monday")]);
    check("The company will say this Friday.", &[("2024-04-05", "this Friday")]);
    check("La société a annoncé lundi que", &[("2024-04-01", "lundi")]);
    check_on(Some("2024-01-01"), "It was said on Sunday.", &[("2023-12-31", "Sunday")]);
    // Recurring days are not dates.
    check("It opens every Monday, on Mondays, on a Monday.", &[]);
    check("It opens Monday to Friday and Monday-Friday.", &[]);
    check("Nous attendons des horaires fiables le dimanche soir.", &[]);
    check_on(None, "The company said on Monday that", &[]);
}

#[test]
fn holidays_and_seasons() {
    check_on(
        Some("2022-12-02"),
        "Shoppers spent more on Black Friday and Cyber Monday than on Thanksgiving.",
        &[("2022-11-25", "Black Friday"), ("2022-11-28", "Cyber Monday"), ("2022-11-24", "Thanksgiving")],
    );
    check_on(
        Some("2022-12-02"),
        "Stores will stay open on Christmas Day.",
        &[("2022-12-25", "Christmas Day")],
    );
    check(
        "It was announced at Easter and on Good Friday.",
        &[("2024-03-31", "Easter"), ("2024-03-29", "Good Friday")],
    );
    check("They sold Christmas trees and Easter eggs.", &[]);
    check_on(Some("2022-04-06"), "Layoffs last summer hit older engineers.", &[("2021", "last summer")]);
    check_on(Some("2020-11-19"), "It cut 4,500 jobs in the summer.", &[("2020", "the summer")]);
    check_on(Some("2023-06-28"), "Orders were cut by half since the autumn.", &[("2022", "the autumn")]);
    check(
        "They plan to open this summer and next spring.",
        &[("2024", "this summer"), ("2025", "next spring")],
    );
    check("Travellers were stranded at the end of the summer holidays, after the fall of prices.", &[]);
}

#[test]
fn dates_counted_from_another_date() {
    check_on(
        Some("2023-06-28"),
        "The breach was found on May 9. The shares fell 41% the next day.",
        &[("2023-05-09", "May 9"), ("2023-05-10", "the next day")],
    );
    check_on(
        Some("2024-03-14"),
        "It was disclosed on October 3, 2022. It had been found the previous day.",
        &[("2022-10-03", "October 3, 2022"), ("2022-10-02", "the previous day")],
    );
    check_on(
        Some("2023-09-20"),
        "The offer came on August 22. The guild rejected it two days later.",
        &[("2023-08-22", "August 22"), ("2023-08-24", "two days later")],
    );
    check(
        "Net profit for the fourth quarter of 2022 rose 31% from a year earlier.",
        &[("2022", "2022"), ("2021", "a year earlier")],
    );
    check(
        "It was left unpatched since March 2022, though a fix came in January of that year.",
        &[("2022-03", "March 2022"), ("2022-01", "January of that year")],
    );
    check(
        "In October it fined them, down from what it proposed the previous year.",
        &[("2023-10", "October"), ("2022", "the previous year")],
    );
    // Nothing to count from.
    check("The shares fell the next day, a year earlier than planned.", &[]);
}

#[test]
fn relative_days_weeks_months_and_years() {
    check("It was said yesterday.", &[("2024-04-01", "yesterday")]);
    check("It was said today.", &[("2024-04-02", "today")]);
    check("It will be said tomorrow.", &[("2024-04-03", "tomorrow")]);
    check("It was said last night.", &[("2024-04-01", "last night")]);
    check("It was said this morning.", &[("2024-04-02", "this morning")]);
    check("It was said last weekend.", &[("2024-03-30~", "last weekend")]);
    check("It was said last week.", &[("2024-03-26~", "last week")]);
    check("It was said this week.", &[("2024-04-02~", "this week")]);
    check("It will be said next week.", &[("2024-04-09~", "next week")]);
    check("It was said last month.", &[("2024-03", "last month")]);
    check("It is said this month.", &[("2024-04", "this month")]);
    check("It will be said next month.", &[("2024-05", "next month")]);
    check("It was said last year.", &[("2023", "last year")]);
    check("It was said earlier this year.", &[("2024", "earlier this year")]);
    check("It will be said next year.", &[("2025", "next year")]);
    check("It will be said early next year.", &[("2025", "early next year")]);
    check("It will be said by the end of the month.", &[("2024-04", "the end of the month")]);
    check("It will be said at the end of the year.", &[("2024", "the end of the year")]);
    check_on(
        Some("2024-01-01"),
        "Said yesterday and last month.",
        &[("2023-12-31", "yesterday"), ("2023-12", "last month")],
    );
    check_on(Some("2024-12-31"), "Due next month.", &[("2025-01", "next month")]);
    // `today` meaning nowadays, and a name, are not dates.
    check("Today, the court ruled.", &[("2024-04-02", "Today")]);
    check("Today people shop online. The show Today aired.", &[]);
    // Spans of time, not dates.
    check("Over the last year and the next week, until today.", &[]);
    check_on(None, "It was said yesterday and last year.", &[]);
}

#[test]
fn counts_ago() {
    check("It happened two years ago.", &[("2022", "two years ago")]);
    check("It happened 3 months ago.", &[("2024-01", "3 months ago")]);
    check_on(Some("2024-02-10"), "It happened 3 months ago.", &[("2023-11", "3 months ago")]);
    check("It happened five days ago.", &[("2024-03-28", "five days ago")]);
    check("It happened a week ago.", &[("2024-03-26~", "a week ago")]);
    check("It happened a decade ago.", &[("2014~", "a decade ago")]);
    check("It happened nearly a decade ago.", &[("2014~", "nearly a decade ago")]);
    check("It happened more than 20 years ago.", &[("2004~", "more than 20 years ago")]);
    check("It happened twenty-five years ago.", &[("1999", "twenty-five years ago")]);
    check("It happened a couple of years ago.", &[("2022", "a couple of years ago")]);
    check("It happened a century ago.", &[("1924~", "a century ago")]);
    // Durations are not dates.
    check("For almost 10 years Netflix had access for nearly a decade, within a month.", &[]);
    check("It happened 2000 centuries ago.", &[]);
}

#[test]
fn one_event_per_date_and_sentence() {
    check(
        "In 2011, and again in 2011's autumn, on March 23 (March 23, 2024).",
        &[("2011", "2011"), ("2024-03-23", "March 23")],
    );
    let events = events(Some(PUBLISHED), "It began in 2011. It ended in 2011.");
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].text, "It began in 2011.");
    assert_eq!(events[1].text, "It ended in 2011.");
}

#[test]
fn sentences_are_the_events_texts() {
    let events = events(
        Some(PUBLISHED),
        "Court documents, filed on March 23, claim that Netflix had access. Mr. Hastings joined in Oct. 2021. \
         “It was in 2018.” He left",
    );
    let texts: Vec<(&str, &str)> =
        events.iter().map(|event| (event.date.as_str(), event.text.as_str())).collect();
    assert_eq!(
        texts,
        vec![
            ("2024-03-23", "Court documents, filed on March 23, claim that Netflix had access."),
            ("2021-10", "Mr. Hastings joined in Oct. 2021."),
            ("2018", "“It was in 2018.”"),
        ]
    );
}

#[test]
fn long_sentences_are_cut_around_the_date() {
    let long = format!("{} in 2011 {}", "word ".repeat(300), "more ".repeat(300));
    let events = events(Some(PUBLISHED), &long);
    assert_eq!(events.len(), 1);
    let text = &events[0].text;
    assert!(text.chars().count() <= 602, "{}", text.chars().count());
    assert!(text.starts_with('…') && text.ends_with('…') && text.contains("in 2011"), "{text}");
}

#[test]
fn blocks_read_and_skipped() {
    let document = document(
        Some(PUBLISHED),
        vec![
            Block::Heading { level: 2, text: "What happened in 2011".into() },
            Block::Code { text: "since 2012".into(), language: None },
            Block::List { ordered: false, items: vec!["Filed in 2013.".into(), "Heard in 2014.".into()] },
            Block::Quote { text: "It was\nin   2015.".into(), cite: None },
            Block::Image { src: "a.png".into(), alt: Some("in 2016".into()), caption: None },
            Block::Rule,
        ],
    );
    let found: Vec<(usize, String, String)> =
        find(&document).into_iter().map(|event| (event.block, event.date, event.text)).collect();
    assert_eq!(
        found,
        vec![
            (0, "2011".into(), "What happened in 2011".into()),
            (2, "2013".into(), "Filed in 2013.".into()),
            (2, "2014".into(), "Heard in 2014.".into()),
            (3, "2015".into(), "It was in 2015.".into()),
        ]
    );
}

#[test]
fn hostile_text_stays_bounded() {
    let many = "in 2011 ".repeat(20_000);
    let events = events(Some(PUBLISHED), &many);
    // One sentence of 160 kB: the same date once per 16 kB piece of it.
    assert!(events.len() <= 11, "{}", events.len());
    let counts: String = (0..20_000).map(|day| format!("{} people. ", 1900 + day % 200)).collect();
    assert!(found(&counts).is_empty());
    let every_sentence = "It was in 2011. ".repeat(10_000);
    assert_eq!(events_len(&every_sentence), super::MAX_EVENTS);
    for text in
        ["", " ", ".", "…", "’", "'s", "-", "2011-", "-2011", "March", "on", "ago", "a couple of", "’90"]
    {
        let _ = found(text);
        let _ = found_on(None, text);
    }
}

fn events_len(text: &str) -> usize {
    events(Some(PUBLISHED), text).len()
}
