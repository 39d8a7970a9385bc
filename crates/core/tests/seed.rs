//! Explicit assertions on the seed article, read as a careful person reads it.
//! The JSON snapshot in `snapshots_test.rs` shows everything; these pin what matters,
//! because a snapshot can be blessed wrong.

use dossier_core::{Block, DiagnosticCode, Document, EntityKind, Format};

fn seed() -> Document {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds/000_b389a61e5b667c13.txt");
    let bytes = std::fs::read(path).expect("the seed is readable");
    let mut documents = dossier_core::parse(&bytes, Format::Text).expect("the seed parses");
    assert_eq!(documents.len(), 1);
    documents.remove(0)
}

#[test]
fn seed_metadata() {
    let document = seed();
    assert_eq!(
        document.title,
        "According to a lawsuit, Facebook allowed Netflix to view users' text messages without their consent."
    );
    assert_eq!(document.published.as_deref(), Some("2024-04-02"));
    assert_eq!(document.language.as_deref(), Some("en"));
    assert_eq!(document.metadata_sources.get("published").map(String::as_str), Some("header"));
    assert_eq!(document.metadata_sources.get("title").map(String::as_str), Some("first-line"));
}

#[test]
fn seed_heading_and_paragraphs() {
    let document = seed();
    let headings: Vec<&Block> =
        document.blocks.iter().filter(|block| matches!(block, Block::Heading { .. })).collect();
    assert_eq!(
        headings,
        vec![&Block::Heading {
            level: 2,
            text: "For almost 10 years Netflix had access to Facebook users' messages".into()
        }]
    );
    // Long and without closing punctuation, but a paragraph, not a heading.
    assert!(document.blocks.iter().any(|block| matches!(block,
        Block::Paragraph { text } if text.starts_with("Let us remember that in 2018,") && text.ends_with("protect the privacy of users"))));
    assert!(
        document.blocks.iter().all(|block| matches!(block, Block::Paragraph { .. } | Block::Heading { .. }))
    );
    assert_eq!(document.blocks.len(), 9);
}

#[test]
fn seed_spokesperson_quote() {
    let document = seed();
    let quote = document
        .quotes
        .iter()
        .find(|quote| quote.text.starts_with("Meta did not share people's private messages"))
        .expect("the spokesperson's statement is a quote");
    assert_eq!(quote.speaker.as_deref(), Some("Meta spokesperson"));
    assert_eq!(quote.attribution.as_deref(), Some("A Meta spokesperson told MailOnline"));
    assert_eq!(
        quote.text,
        "Meta did not share people's private messages with the service. As the document says, the agreement \
         allowed people to message their friends on Facebook about what they were watching on the platform, \
         directly from the Netflix app. These types of agreements are common in the sector. We trust that the \
         facts demonstrate that this complaint is unfounded."
    );
    assert_eq!(quote.block, 8);
}

#[test]
fn seed_other_quotes_and_terms() {
    let document = seed();
    let speaker_of = |start: &str| {
        document.quotes.iter().find(|quote| quote.text.starts_with(start)).map(|quote| quote.speaker.clone())
    };
    assert_eq!(speaker_of("enjoyed a special relationship"), Some(Some("class action lawsuit".into())));
    assert_eq!(speaker_of("allowed Netflix programmatic access"), Some(Some("lawyers".into())));
    assert_eq!(speaker_of("custom partnerships and integrations"), Some(None));
    // One to three quoted words are terms, not statements.
    for term in ["inbox API", "tailored access", "within a month", "private Facebook users"] {
        assert_eq!(speaker_of(term), None, "{term} is not a statement");
    }
    assert_eq!(document.quotes.len(), 4);
}

#[test]
fn seed_glued_words_repaired() {
    let document = seed();
    assert!(document.blocks.iter().any(|block| {
        block.text().starts_with("In accordance with dailymail Meta, Facebook's parent company")
    }));
    assert!(!document.blocks.iter().any(|block| block.text().contains("dailymailMeta")));
    let diagnostic = document
        .diagnostics
        .iter()
        .find(|diagnostic| diagnostic.code == DiagnosticCode::GluedWords)
        .expect("a glued-words diagnostic");
    assert_eq!(diagnostic.original.as_deref(), Some("dailymailMeta"));
    assert_eq!(diagnostic.replacement.as_deref(), Some("dailymail Meta"));
    assert_eq!(diagnostic.line, Some(19));
    assert_eq!(diagnostic.block, Some(1));
}

#[test]
fn seed_repeated_fragment_removed() {
    let document = seed();
    let paragraph = document.blocks[3].text();
    assert!(paragraph.starts_with("The class action lawsuit"));
    assert!(paragraph.ends_with("“tailored access” to user data."), "{paragraph}");
    let diagnostic = document
        .diagnostics
        .iter()
        .find(|diagnostic| diagnostic.code == DiagnosticCode::RepeatedFragment)
        .expect("a repeated-fragment diagnostic");
    assert_eq!(diagnostic.original.as_deref(), Some(" users."));
    assert_eq!(diagnostic.replacement.as_deref(), Some(""));
    assert_eq!(diagnostic.block, Some(3));
    assert_eq!(diagnostic.line, Some(23));
    // The original paragraph is recoverable: repaired text + original fragment.
    assert!(
        format!("{paragraph}{}", diagnostic.original.as_deref().unwrap_or_default())
            .ends_with("to user data. users.")
    );
}

#[test]
fn seed_derived_data() {
    let document = seed();
    assert!(document.word_count > 300 && document.word_count < 330, "{}", document.word_count);
    assert_eq!(document.reading_minutes, 2);
    assert_eq!(document.fingerprint.len(), 32);
}

#[test]
fn seed_events() {
    let document = seed();
    let events: Vec<(&str, &str, &str, usize)> = document
        .events
        .iter()
        .map(|event| (event.date.as_str(), event.expression.as_str(), event.text.as_str(), event.block))
        .collect();
    assert_eq!(
        events,
        vec![
            // "March 23" has no year; "filed" is past tense: the latest March 23 on or before the
            // article's date.
            (
                "2024-03-23",
                "March 23",
                "Court documents, filed on March 23, claim that Netflix had access to Facebook users' \
                 messages for nearly a decade.",
                0
            ),
            (
                "2011",
                "2011",
                "The two Silicon Valley companies also agreed “custom partnerships and integrations that \
                 helped power Facebook's ad targeting and ranking models” since at least 2011, thanks to the \
                 personal relationship between Netflix co-founder Reed Hastings and Facebook founder Mark \
                 Zuckerberg.",
                4
            ),
            (
                "2021-10",
                "October 2021",
                "In exchange, the streaming service would provide a report every fortnight to Facebook, which \
                 changed its name to Meta in October 2021, showing how its own users interacted with the \
                 platform.",
                6
            ),
            (
                "2018",
                "2018",
                "Let us remember that in 2018, it was learned that Facebook had shared data with around 150 \
                 companies, such as Microsoft, Amazon or Netflix.",
                7
            ),
        ]
    );
    // Durations are not dates: "for nearly a decade", "For almost 10 years", "within a month".
    assert!(document.events.iter().all(|event| !event.approximate));
}

#[test]
fn seed_entities_and_speakers() {
    let document = seed();
    let kind_of =
        |name: &str| document.entities.iter().find(|entity| entity.name == name).map(|entity| entity.kind);
    for person in ["Maximilian Klein", "Sarah Grabert", "Reed Hastings", "Mark Zuckerberg"] {
        assert_eq!(kind_of(person), Some(EntityKind::Person), "{person}: {:#?}", document.entities);
    }
    for organization in ["Facebook", "Netflix", "Meta", "Microsoft", "Amazon"] {
        assert_eq!(
            kind_of(organization),
            Some(EntityKind::Organization),
            "{organization}: {:#?}",
            document.entities
        );
    }
    // No one else is a person: not Netflix, not the lawsuit, not a sentence's first word.
    let people: Vec<&str> = document
        .entities
        .iter()
        .filter(|entity| entity.kind == EntityKind::Person)
        .map(|entity| entity.name.as_str())
        .collect();
    assert_eq!(people, ["Maximilian Klein", "Sarah Grabert", "Reed Hastings", "Mark Zuckerberg"]);
    // A later surname is the earlier full name.
    let hastings =
        document.entities.iter().find(|entity| entity.name == "Reed Hastings").expect("Reed Hastings");
    assert_eq!(hastings.aliases, ["Hastings"]);
    assert_eq!(hastings.mentions.len(), 2);
    // Every mention of Facebook, from the title on, possessives included.
    let facebook = document.entities.iter().find(|entity| entity.name == "Facebook").expect("Facebook");
    assert_eq!(facebook.mentions[0].block, None, "the title names Facebook first");
    assert_eq!(facebook.mentions.len(), 12);
    for entity in &document.entities {
        for mention in &entity.mentions {
            let text =
                mention.block.map_or_else(|| document.title.clone(), |block| document.blocks[block].text());
            let written = &text[mention.start..mention.end];
            assert!(
                written == entity.name || entity.aliases.iter().any(|alias| alias == written),
                "{written}"
            );
        }
    }
    // The spokesperson speaks for Meta; the lawsuit and the lawyers are no entity.
    let speaker_entity = |start: &str| {
        let quote = document.quotes.iter().find(|quote| quote.text.starts_with(start)).expect("the quote");
        quote.speaker_entity.map(|index| document.entities[index].name.as_str())
    };
    assert_eq!(speaker_entity("Meta did not share people's private messages"), Some("Meta"));
    assert_eq!(speaker_entity("enjoyed a special relationship"), None);
    assert_eq!(speaker_entity("allowed Netflix programmatic access"), None);
    assert_eq!(speaker_entity("custom partnerships and integrations"), None);
}

/// The baseline `bench entities` measures the stage against: the same document
/// but for the stage's own output, and the stage back on for the next parse.
#[test]
fn parsing_without_the_entity_stage_leaves_out_only_what_the_stage_adds() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds/000_b389a61e5b667c13.txt");
    let bytes = std::fs::read(path).expect("the seed is readable");
    let mut without =
        dossier_core::parse_without_entities_and_events(&bytes, Format::Text).unwrap().remove(0);
    let with = seed();
    assert!(without.entities.is_empty() && without.events.is_empty());
    assert!(without.quotes.iter().all(|quote| quote.speaker_entity.is_none()));
    assert!(with.entities.len() >= 9 && with.events.len() >= 4, "{:?}", with.entities);
    assert!(with.quotes.iter().any(|quote| quote.speaker_entity.is_some()));
    without.entities.clone_from(&with.entities);
    without.events.clone_from(&with.events);
    for (quote, linked) in without.quotes.iter_mut().zip(&with.quotes) {
        quote.speaker_entity = linked.speaker_entity;
    }
    assert_eq!(without, with);
}
