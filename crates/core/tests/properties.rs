//! Properties every parser keeps on any input: no panic, bounded time, JSON that
//! round-trips; plus the JSON/NDJSON contract and the linear-time guarantee.
//!
//! The proptest case count is fixed (256) so CI runs a bounded time; raise it locally
//! with `PROPTEST_CASES=10000 cargo test -p dossier-core --test properties`.

use std::time::{Duration, Instant};

use dossier_core::{Document, Format, ParseError, render};
use proptest::prelude::*;

const FORMATS: [Format; 16] = [
    Format::Text,
    Format::Markdown,
    Format::Json,
    Format::Ndjson,
    Format::Rss,
    Format::Atom,
    Format::JsonFeed,
    Format::Opml,
    Format::PocketCsv,
    Format::PocketHtml,
    Format::InstapaperCsv,
    Format::Wallabag,
    Format::Bookmarks,
    Format::Omnivore,
    Format::Readeck,
    Format::Zip,
];

/// Parses with every format and exercises everything a caller does with the result.
fn exercise(bytes: &[u8]) {
    let _ = dossier_core::detect_format(Some("x.txt"), bytes);
    let _ = dossier_core::detect_format(None, bytes);
    for format in FORMATS {
        let Ok(collection) = dossier_core::parse_collection(bytes, format) else {
            continue;
        };
        for skipped in &collection.skipped {
            assert!(!skipped.reason.is_empty());
            let _ = skipped.describe();
        }
        let documents: Vec<Document> = collection.items.into_iter().map(|item| item.document).collect();
        for document in documents {
            let _ = render::to_text(&document);
            let _ = render::to_markdown(&document);
            let json = serde_json::to_string(&document).expect("a document serialises");
            let back: Document = serde_json::from_str(&json).expect("its JSON reads back");
            assert_eq!(back, document);
            for quote in &document.quotes {
                assert!(quote.block < document.blocks.len());
            }
        }
    }
}

/// 256 cases unless `PROPTEST_CASES` says otherwise.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(256)
}

/// Article-like pieces that exercise every rule, including pathological runs.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(" date 2024-04-02 \n".to_owned()),
        Just("Title: A headline\nAuthor: Jane Doe\n".to_owned()),
        Just("---\ntitle: \"Front\"\ntags: [a, b]\n---\n".to_owned()),
        Just("+++\ntitle = \"T\"\n+++\n".to_owned()),
        Just("{\"title\": \"J\", \"blocks\": [{\"type\": \"paragraph\", \"text\": \"x\"}]}\n".to_owned()),
        Just("\n\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("\u{feff}".to_owned()),
        Just("“".to_owned()),
        Just("”".to_owned()),
        Just("\"".to_owned()),
        Just("«".to_owned()),
        Just("»".to_owned()),
        Just("„".to_owned()),
        Just("A Meta spokesperson told MailOnline: “".to_owned()),
        Just("”, she said. ".to_owned()),
        Just(", said Jane Doe, who ".to_owned()),
        Just("according to X, ".to_owned()),
        Just("« », a-t-il déclaré. ".to_owned()),
        Just("dailymailMeta Meta ".to_owned()),
        Just(" users. users.".to_owned()),
        Just("- item\n".to_owned()),
        Just("1. item\n".to_owned()),
        Just("## Heading\n".to_owned()),
        Just("> quote\n> — Name\n".to_owned()),
        Just("â€™Ã©".to_owned()),
        Just("\t\u{a0} ".to_owned()),
        Just("By Jane Doe\n".to_owned()),
        "[a-zA-Z .,:;!?\n\"“”«»-]{0,40}",
        any::<String>(),
    ]
}

/// Pieces of date expressions, to reach every pattern of `events` and its edges.
fn date_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("March ".to_owned()),
        Just("Mar. ".to_owned()),
        Just("Feb. 29".to_owned()),
        Just("mars ".to_owned()),
        Just("23. März ".to_owned()),
        Just("23".to_owned()),
        Just("23rd ".to_owned()),
        Just("1er ".to_owned()),
        Just("31 ".to_owned()),
        Just(", ".to_owned()),
        Just("2024".to_owned()),
        Just(" 2011".to_owned()),
        Just("1990s ".to_owned()),
        Just("’90s ".to_owned()),
        Just("in ".to_owned()),
        Just("on ".to_owned()),
        Just("since at least ".to_owned()),
        Just("by the end of ".to_owned()),
        Just("Monday".to_owned()),
        Just("last ".to_owned()),
        Just("this coming ".to_owned()),
        Just("next ".to_owned()),
        Just("year ".to_owned()),
        Just("week".to_owned()),
        Just("month ".to_owned()),
        Just("two years ago ".to_owned()),
        Just("nearly a decade ago".to_owned()),
        Just("twenty-".to_owned()),
        Just("yesterday ".to_owned()),
        Just("mid-".to_owned()),
        Just("de ".to_owned()),
        Just("'s ".to_owned()),
        Just("-".to_owned()),
        Just("/".to_owned()),
        Just(".".to_owned()),
        Just(". ".to_owned()),
        Just("\n\n".to_owned()),
        "[0-9]{1,5}",
        "[a-zA-Z0-9 .,'’/-]{0,20}",
        any::<String>(),
    ]
}

/// A document date: none, a plausible or impossible ISO date, a date-time, anything.
fn published() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        (0u32..=10_000, 0u32..=13, 0u32..=32)
            .prop_map(|(year, month, day)| Some(format!("{year:04}-{month:02}-{day:02}"))),
        (1000u32..=9999, 1u32..=12, 1u32..=28)
            .prop_map(|(year, month, day)| Some(format!("{year:04}-{month:02}-{day:02}T23:30:00-05:00"))),
        any::<String>().prop_map(Some),
    ]
}

/// Whether `date` is `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, and a real one.
fn is_event_date(date: &str) -> bool {
    match date.len() {
        4 => date.bytes().all(|byte| byte.is_ascii_digit()),
        7 => format!("{date}-01").parse::<jiff::civil::Date>().is_ok(),
        10 => date.parse::<jiff::civil::Date>().is_ok(),
        _ => false,
    }
}

/// Pieces that exercise the entity recogniser: names, titles, particles,
/// initials, possessives, acronyms in parentheses, cues and odd characters.
fn name_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Mark Zuckerberg ".to_owned()),
        Just("Zuckerberg's ".to_owned()),
        Just("Mr. ".to_owned()),
        Just("Dr ".to_owned()),
        Just("J. K. ".to_owned()),
        Just("von der ".to_owned()),
        Just("of ".to_owned()),
        Just("and ".to_owned()),
        Just("Federal Trade Commission (FTC) ".to_owned()),
        Just("Meta Platforms Inc ".to_owned()),
        Just("co-founder ".to_owned()),
        Just("CEO ".to_owned()),
        Just(" said".to_owned()),
        Just(", who ".to_owned()),
        Just(", 34, ".to_owned()),
        Just("in Paris ".to_owned()),
        Just("California-based ".to_owned()),
        Just("U.S. ".to_owned()),
        Just("al-Assad ".to_owned()),
        Just("’s ".to_owned()),
        Just("' ".to_owned()),
        Just("(".to_owned()),
        Just(")".to_owned()),
        Just(". ".to_owned()),
        Just("\n\n".to_owned()),
        Just("\n- ".to_owned()),
        Just("“".to_owned()),
        Just("”".to_owned()),
        Just("Ünïcödé Ørsted Åsa ".to_owned()),
        "[A-Z][a-z]{0,8} ",
        "[A-Z]{1,5}[.']? ",
        any::<String>(),
    ]
}

/// Pieces of feeds, exports and bookmark files, to reach past their first checks.
fn collection_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<?xml version=\"1.0\"?>".to_owned()),
        Just("<rss version=\"2.0\"><channel><title>T</title>".to_owned()),
        Just("<item><title>".to_owned()),
        Just("</title><link>https://a.example/x</link>".to_owned()),
        Just("<content:encoded><![CDATA[<p>".to_owned()),
        Just("]]></content:encoded>".to_owned()),
        Just("<description>&lt;p&gt;".to_owned()),
        Just("</item>".to_owned()),
        Just("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>".to_owned()),
        Just("<content type=\"xhtml\"><div><p>".to_owned()),
        Just("<link href=\"https://a.example/\"/>".to_owned()),
        Just("<published>2024-04-02T10:00:00Z</published>".to_owned()),
        Just("<opml><body><outline text=\"f\" xmlUrl=\"".to_owned()),
        Just("<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>".to_owned()),
        Just("<DT><H3>Folder</H3><DL><p>".to_owned()),
        Just("<DT><A HREF=\"https://a.example/\" ADD_DATE=\"1712050200\" TAGS=\"a,b\">".to_owned()),
        Just("</A><DD>".to_owned()),
        Just("</DL>".to_owned()),
        Just("<title>Pocket Export</title><h1>Read Archive</h1><ul><li><a href=\"https://a.example/\" time_added=\"1\">".to_owned()),
        Just("title,url,time_added,tags,status\n".to_owned()),
        Just("URL,Title,Selection,Folder,Timestamp\n".to_owned()),
        Just("https://a.example/,\"x\",1712050200,a|b,archive\n".to_owned()),
        Just("{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"content_html\":\"<p>".to_owned()),
        Just("[{\"is_archived\":1,\"url\":\"https://a.example/\",\"content\":\"<p>".to_owned()),
        Just("\"}]}".to_owned()),
        Just("&amp;&nbsp;&#233;&#xFFFFFF;&".to_owned()),
        Just("<".to_owned()),
        Just(">".to_owned()),
        Just("\"".to_owned()),
        Just(",".to_owned()),
        Just("\n".to_owned()),
        "[a-zA-Z0-9 <>/=\"&;:.,\n-]{0,30}",
    ]
}

/// A ZIP archive of the given members.
fn zip_of(members: &[(String, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in members {
        if writer.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).is_ok() {
            let _ = writer.write_all(bytes);
        }
    }
    writer.finish().map(std::io::Cursor::into_inner).unwrap_or_default()
}

fn member_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("metadata_0_to_1.json".to_owned()),
        Just("content/a.html".to_owned()),
        Just("content/a.md".to_owned()),
        Just("highlights/a.md".to_owned()),
        Just("b/info.json".to_owned()),
        Just("b/index.html".to_owned()),
        Just("notes/c.txt".to_owned()),
        Just("nested.zip".to_owned()),
        "[a-z/._]{1,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn collection_like_input_never_panics(pieces in proptest::collection::vec(collection_piece(), 0..40)) {
        exercise(pieces.concat().as_bytes());
    }

    #[test]
    fn archives_of_arbitrary_members_never_panic(
        members in proptest::collection::vec(
            (member_name(), proptest::collection::vec(collection_piece(), 0..12).prop_map(|pieces| pieces.concat().into_bytes())),
            0..6,
        ),
        cut in any::<usize>(),
    ) {
        let mut members = members;
        if let Some((_, bytes)) = members.iter_mut().find(|(name, _)| name.starts_with("metadata")) {
            *bytes = br#"[{"slug": "a", "title": "T", "url": "https://a.example/"}]"#.to_vec();
        }
        let archive = zip_of(&members);
        exercise(&archive);
        // A truncated archive is a different archive, and as likely on disk.
        exercise(&archive[..cut % (archive.len() + 1)]);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        exercise(&bytes);
    }

    #[test]
    fn events_on_arbitrary_text_and_dates(
        pieces in proptest::collection::vec(date_piece(), 0..60),
        published in published(),
    ) {
        let text: String = pieces.concat();
        let mut object = serde_json::json!({ "title": "T", "text": text });
        if let Some(published) = &published {
            object["published"] = published.clone().into();
        }
        let json = serde_json::to_vec(&object).expect("an object serialises");
        let header = format!(" date {} \n\nA title\n\n{text}", published.as_deref().unwrap_or(""));
        for bytes in [json, header.into_bytes()] {
            let documents = dossier_core::parse(&bytes, dossier_core::detect_format(None, &bytes)).unwrap_or_default();
            for document in documents {
                for event in &document.events {
                    prop_assert!(is_event_date(&event.date), "{event:?}");
                    prop_assert!(event.block < document.blocks.len(), "{event:?}");
                    prop_assert!(!event.expression.trim().is_empty() && !event.text.trim().is_empty(), "{event:?}");
                    prop_assert!(event.text.chars().count() <= 602, "{event:?}");
                }
            }
            exercise(&bytes);
        }
    }

    #[test]
    fn entities_stay_within_their_text(pieces in proptest::collection::vec(name_piece(), 0..60)) {
        let text = format!("A title\n\n{}", pieces.concat());
        for format in [Format::Text, Format::Markdown] {
            let Ok(documents) = dossier_core::parse(text.as_bytes(), format) else {
                continue;
            };
            for document in documents {
                for entity in &document.entities {
                    prop_assert!(!entity.name.is_empty());
                    for mention in &entity.mentions {
                        let text = match mention.block {
                            Some(block) => {
                                prop_assert!(block < document.blocks.len());
                                document.blocks[block].text()
                            }
                            None => document.title.clone(),
                        };
                        // In range and on char boundaries, or `get` is `None`.
                        let written = text.get(mention.start..mention.end);
                        prop_assert!(written.is_some(), "{mention:?} in {text:?}");
                        let written = written.unwrap_or_default().replace('’', "'");
                        prop_assert!(
                            written == entity.name || entity.aliases.contains(&written),
                            "{written:?} is not a name of {entity:?}"
                        );
                    }
                }
                for quote in &document.quotes {
                    prop_assert!(quote.speaker_entity.is_none_or(|index| index < document.entities.len()));
                }
            }
        }
    }

    #[test]
    fn article_like_text_never_panics(pieces in proptest::collection::vec(piece(), 0..40)) {
        let text: String = pieces.concat();
        exercise(text.as_bytes());
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
        exercise(&utf16);
    }
}

/// Pathological inputs that would show quadratic behaviour, parsed within a time bound.
#[test]
fn pathological_inputs_stay_fast() {
    let inputs = [
        "“".repeat(50_000),
        "\"a ".repeat(50_000),
        "« ".repeat(50_000),
        " ".repeat(500_000),
        "a. ".repeat(50_000),
        "a.".repeat(100_000),
        "x said “y” ".repeat(20_000),
        "Okafor said “we will”. ".repeat(20_000),
        "\n".repeat(200_000) + "text",
        "- a\n".repeat(50_000),
        "Ã©".repeat(100_000),
        "> ".repeat(20_000) + "quote",
        "[a](".repeat(20_000),
        "*_".repeat(50_000),
        "---\n".to_owned() + &"key: value\n".repeat(50_000) + "---\nbody",
        "{\"title\": \"t\", \"blocks\": [".to_owned()
            + &"{\"type\": \"rule\"},".repeat(50_000)
            + "{\"type\": \"rule\"}]}",
        "[".repeat(10_000),
        format!("Title here\n\n{}", "word ".repeat(100_000)),
        "<rss><channel><item><description>".to_owned() + &"<b>".repeat(100_000),
        "<rss><channel>".to_owned() + &"<item><title>t</title></item>".repeat(5_000),
        "<feed>".to_owned() + &"<entry><content type=\"xhtml\">".repeat(20_000),
        "<!DOCTYPE NETSCAPE-Bookmark-file-1>".to_owned() + &"<DL><p>".repeat(50_000),
        "<!DOCTYPE NETSCAPE-Bookmark-file-1><DL>".to_owned()
            + &"<DT><A HREF=\"https://a.example/\" ADD_DATE=\"1\">a</A>".repeat(3_000),
        "title,url,time_added,tags,status\n".to_owned() + &"\"".repeat(100_000),
        "URL,Title,Selection,Folder,Timestamp\n".to_owned()
            + &"https://a.example/,t,,Unread,1\n".repeat(3_000),
        "Mr. J. K. Smith of the Bank of England and ".repeat(20_000),
        "Federal Trade Commission (FTC) Meta Platforms ".repeat(20_000),
        "Aa Bb Cc Dd Ee Ff Gg Hh Ii Jj Kk ".repeat(20_000),
    ];
    for input in inputs {
        let started = Instant::now();
        exercise(input.as_bytes());
        let elapsed = started.elapsed();
        let start: String = input.chars().take(12).collect();
        eprintln!("{elapsed:?} on {start:?}…");
        assert!(elapsed < Duration::from_secs(20), "took {elapsed:?} on {start:?}…");
    }
}

fn generated_article(target_bytes: usize) -> String {
    let paragraphs = [
        "Court documents, filed on March 23, claim that Netflix had access to Facebook users' messages for nearly a decade.",
        "“We will be watching the contractors closely,” Okafor added. “The first segment has to open before the school year starts.”",
        "A Meta spokesperson told MailOnline: “Meta did not share people's private messages with the service.",
        "The lawyers alleged that “within a month” of Hastings joining the board, the companies signed an “inbox API” agreement.",
        "According to the social network, none of its partners protect the privacy of users",
        "Sub-heading without punctuation",
        "- a list item about the lawsuit\n- another item about the settlement",
    ];
    let mut article =
        String::from(" date 2024-04-02 \n\nA lawsuit says Facebook let Netflix read messages.\n\n");
    let mut index = 0;
    while article.len() < target_bytes {
        article.push_str(paragraphs[index % paragraphs.len()]);
        article.push_str("\n\n");
        index += 1;
    }
    article
}

fn fastest_parse(input: &str) -> Duration {
    (0..3)
        .map(|_| {
            let started = Instant::now();
            let documents = dossier_core::parse(input.as_bytes(), Format::Text).expect("the article parses");
            assert!(!documents[0].blocks.is_empty());
            started.elapsed()
        })
        .min()
        .expect("three runs")
}

/// Parsing is linear: ten times the input takes at most ~20× the time (a ratio against
/// a peer in the same run, not an absolute figure), and with optimisations a 10 MB
/// article parses well under a second.
#[test]
fn parse_time_is_linear() {
    let small = generated_article(1_000_000);
    let large = generated_article(10_000_000);
    let small_time = fastest_parse(&small);
    let large_time = fastest_parse(&large);
    let ratio = large_time.as_secs_f64() / small_time.as_secs_f64().max(1e-6);
    eprintln!("1 MB: {small_time:?}, 10 MB: {large_time:?}, ratio {ratio:.1}");
    assert!(ratio <= 20.0, "10 MB took {ratio:.1}× the 1 MB parse ({small_time:?} vs {large_time:?})");
    if !cfg!(debug_assertions) {
        assert!(large_time < Duration::from_secs(1), "10 MB took {large_time:?}");
    }
}

#[test]
fn json_round_trip_through_the_parser() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds/000_b389a61e5b667c13.txt");
    let bytes = std::fs::read(path).expect("the seed is readable");
    let document = dossier_core::parse(&bytes, Format::Text).expect("the seed parses").remove(0);
    let json = serde_json::to_string_pretty(&document).expect("serialises");
    assert_eq!(serde_json::from_str::<Document>(&json).expect("reads back"), document);
    // Parsing our own JSON gives the same document back.
    let reparsed = dossier_core::parse(json.as_bytes(), Format::Json).expect("our JSON parses").remove(0);
    assert_eq!(reparsed, document);
    assert_eq!(dossier_core::detect_format(None, json.as_bytes()), Format::Json);
}

#[test]
fn json_input_rederives_and_defaults() {
    let input = br#"{"title": "The title", "text": "First paragraph here.\n\nSecond one.", "word_count": 999, "fingerprint": "bogus"}"#;
    let document = dossier_core::parse(input, Format::Json).expect("parses").remove(0);
    assert_eq!(document.blocks.len(), 2);
    assert_eq!(document.word_count, 5);
    assert_ne!(document.fingerprint, "bogus");
    let text_version =
        dossier_core::parse(b"The title\n\nFirst paragraph here.\n\nSecond one.", Format::Text)
            .expect("parses")
            .remove(0);
    assert_eq!(document.fingerprint, text_version.fingerprint);
}

#[test]
fn ndjson_bad_line_and_errors() {
    let input = b"{\"title\": \"One\", \"text\": \"Body one.\"}\nnot json\n\n{\"title\": \"Two\", \"text\": \"Body two.\"}\n";
    let documents = dossier_core::parse(input, Format::Ndjson).expect("parses");
    assert_eq!(documents.len(), 2);
    let diagnostic = &documents[0].diagnostics[0];
    assert_eq!(diagnostic.line, Some(2));
    assert!(diagnostic.message.contains("line 2"), "{}", diagnostic.message);

    let error = dossier_core::parse(b"\n\nnot json\n", Format::Ndjson).expect_err("nothing parses");
    assert!(matches!(error, ParseError::Json { line: 3, .. }), "{error:?}");
    let error = dossier_core::parse(b"{\"title\": ", Format::Json).expect_err("invalid JSON");
    assert!(matches!(error, ParseError::Json { line: 1, .. }), "{error:?}");
    assert_eq!(dossier_core::parse(b"  \n", Format::Text), Err(ParseError::Empty));
}

#[test]
fn detects_formats() {
    assert_eq!(dossier_core::detect_format(Some("a.md"), b"x"), Format::Markdown);
    assert_eq!(dossier_core::detect_format(None, b"---\ntitle: x\n---\nbody"), Format::Markdown);
    assert_eq!(dossier_core::detect_format(None, b"+++\ntitle = 'x'\n+++\nbody"), Format::Markdown);
    assert_eq!(dossier_core::detect_format(None, b"{\"a\": 1}\n{\"a\": 2}\n"), Format::Ndjson);
    assert_eq!(dossier_core::detect_format(None, b"[{\"title\": \"x\"}]"), Format::Json);
    assert_eq!(dossier_core::detect_format(None, b" date 2024-04-02 \n\nTitle"), Format::Text);
}
