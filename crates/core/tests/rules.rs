//! One small input per parsing rule of `docs/document-model.md`, with explicit
//! assertions: what a reader would notice if the rule broke.

use dossier_core::{Block, DiagnosticCode, Document, Format};

fn text(input: &str) -> Document {
    parse(input.as_bytes(), Format::Text)
}

fn parse(bytes: &[u8], format: Format) -> Document {
    let mut documents = dossier_core::parse(bytes, format).expect("parses");
    assert_eq!(documents.len(), 1);
    documents.remove(0)
}

fn has(document: &Document, code: DiagnosticCode) -> bool {
    document.diagnostics.iter().any(|diagnostic| diagnostic.code == code)
}

fn speakers(document: &Document) -> Vec<(String, Option<String>)> {
    document.quotes.iter().map(|quote| (quote.text.clone(), quote.speaker.clone())).collect()
}

const BODY: &str =
    "The council met on Tuesday to discuss the budget for next year.\n\nIt approved the plan.\n";

#[test]
fn header_lines_become_metadata() {
    let document = text(&format!(
        " date 2024-04-02 \nAuthor: Ana Ruiz and Tom Lee\nSource: The Ledger\nLanguage: French\nURL: https://ledger.example/a\n\nA headline for the story\n\n{BODY}"
    ));
    assert_eq!(document.published.as_deref(), Some("2024-04-02"));
    assert_eq!(document.authors, ["Ana Ruiz", "Tom Lee"]);
    assert_eq!(document.site.as_deref(), Some("The Ledger"));
    assert_eq!(document.language.as_deref(), Some("fr"));
    assert_eq!(document.url.as_deref(), Some("https://ledger.example/a"));
    assert_eq!(document.title, "A headline for the story");
    assert_eq!(document.metadata_sources.get("authors").map(String::as_str), Some("header"));
}

#[test]
fn unreadable_header_values_are_reported_not_used() {
    let document =
        text(&format!("Date: someday soon\nURL: not an address\n\nA headline for the story\n\n{BODY}"));
    assert_eq!(document.published, None);
    assert_eq!(document.url, None);
    let originals: Vec<_> = document
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.code == DiagnosticCode::Header)
        .map(|diagnostic| (diagnostic.original.as_deref(), diagnostic.line))
        .collect();
    assert_eq!(originals, [(Some("someday soon"), Some(1)), (Some("not an address"), Some(2))]);
}

#[test]
fn lowercase_key_value_lines_must_validate() {
    // "date night …" is body text, not a header.
    let document = text("date night is back in town\n\nRestaurants report full tables this weekend.\n");
    assert_eq!(document.published, None);
    assert_eq!(document.blocks[0].text(), "date night is back in town");
}

#[test]
fn title_only_when_the_first_line_reads_like_one() {
    let long = "This first paragraph is a long sentence. It goes on and on. It has three sentences and is not a title at all.";
    let document = text(&format!("{long}\n\nSecond paragraph.\n"));
    assert!(has(&document, DiagnosticCode::NoTitle));
    assert_eq!(document.metadata_sources.get("title").map(String::as_str), Some("derived"));
    assert_eq!(document.blocks.len(), 2);
}

#[test]
fn headings_are_short_unpunctuated_lines_between_paragraphs() {
    let document = text(
        "A headline for the story\n\nFirst paragraph of the story.\n\nWhat comes next\n\nSecond paragraph.\n\nA closing line without a period\n",
    );
    assert_eq!(document.blocks[1], Block::Heading { level: 2, text: "What comes next".into() });
    // At the end there is no paragraph after it: it stays a paragraph.
    assert!(matches!(&document.blocks[3], Block::Paragraph { .. }));
}

#[test]
fn files_without_blank_lines_split_on_newlines() {
    let document = text(
        "A headline for the story\nFirst paragraph.\nSecond paragraph.\nA heading here\nThird paragraph.\n",
    );
    assert_eq!(document.title, "A headline for the story");
    assert_eq!(document.blocks.len(), 4);
    assert!(matches!(&document.blocks[2], Block::Heading { .. }));
}

#[test]
fn bulleted_and_numbered_lists() {
    let document = text(
        "A headline for the story\n\nIntro paragraph.\n\n- one\n* two\n• three\n\n1. first\n2) second\n\n1. A numbered line alone is not a list.\n",
    );
    assert_eq!(
        document.blocks[1],
        Block::List { ordered: false, items: vec!["one".into(), "two".into(), "three".into()] }
    );
    assert_eq!(
        document.blocks[2],
        Block::List { ordered: true, items: vec!["first".into(), "second".into()] }
    );
    assert!(matches!(&document.blocks[3], Block::Paragraph { text } if text.starts_with("1. ")));
}

#[test]
fn crlf_bom_nbsp_and_tabs() {
    let input = "\u{feff}A headline\u{a0}for the story\r\n\r\nFirst\tparagraph  with\u{a0}spaces.\r\nSame paragraph.\r\n\r\nLast one.\r\n";
    let document = text(input);
    assert_eq!(document.title, "A headline for the story");
    assert_eq!(
        document.blocks[0],
        Block::Paragraph { text: "First paragraph with spaces. Same paragraph.".into() }
    );
    assert!(document.diagnostics.is_empty(), "{:?}", document.diagnostics);
}

#[test]
fn encodings_are_detected() {
    let utf16_be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain("A headline for the story\n\nCafé ouvert.\n".encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    let document = parse(&utf16_be, Format::Text);
    assert_eq!(document.blocks[0].text(), "Café ouvert.");
    assert!(has(&document, DiagnosticCode::Encoding));

    let latin: &[u8] =
        b"A headline for the story\n\nLe caf\xe9 est ouvert \xe0 No\xebl, dit la g\xe9rante.\n";
    let document = parse(latin, Format::Text);
    assert_eq!(document.blocks[0].text(), "Le café est ouvert à Noël, dit la gérante.");
    assert!(has(&document, DiagnosticCode::Encoding));
}

#[test]
fn mojibake_is_repaired_with_the_original_kept() {
    let document = text("A headline for the story\n\nThe companyâ€™s cafÃ© reopened.\n");
    assert_eq!(document.blocks[0].text(), "The company’s café reopened.");
    let diagnostic = document
        .diagnostics
        .iter()
        .find(|diagnostic| diagnostic.code == DiagnosticCode::Mojibake)
        .expect("reported");
    assert_eq!(diagnostic.original.as_deref(), Some("The companyâ€™s cafÃ© reopened."));
    assert_eq!(diagnostic.line, Some(3));
}

#[test]
fn glued_words_split_only_when_certain() {
    let document = text(
        "A headline for the story\n\nShares of Meta rose after reportersMeta said so.\n\nThey watched YouTube and used an iPhone, not eBay or JavaScript, at McDonald's. Tube, Phone, Bay, Script and Donald appear alone here.\n",
    );
    assert!(document.blocks[0].text().contains("reporters Meta said"));
    let glued: Vec<_> = document
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.code == DiagnosticCode::GluedWords)
        .map(|diagnostic| (diagnostic.original.as_deref(), diagnostic.replacement.as_deref()))
        .collect();
    assert_eq!(glued, [(Some("reportersMeta"), Some("reporters Meta"))]);
    assert!(
        document.blocks[1]
            .text()
            .contains("YouTube and used an iPhone, not eBay or JavaScript, at McDonald's")
    );

    // The tail only ever starts a sentence: not known as a name, so only reported.
    let document = text("A headline for the story\n\nThey met at the storeOwner desk. Owner said nothing.\n");
    assert!(document.blocks[0].text().contains("storeOwner"));
    let diagnostic = document
        .diagnostics
        .iter()
        .find(|diagnostic| diagnostic.code == DiagnosticCode::GluedWords)
        .expect("reported");
    assert_eq!(diagnostic.replacement, None);
}

#[test]
fn repeated_fragments_removed_only_when_they_repeat() {
    let document = text(
        "A headline for the story\n\nThe platform collected data from its users. users.\n\nNothing else happened. later.\n",
    );
    assert_eq!(document.blocks[0].text(), "The platform collected data from its users.");
    assert_eq!(document.blocks[1].text(), "Nothing else happened. later.");
    let fragments: Vec<_> = document
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.code == DiagnosticCode::RepeatedFragment)
        .map(|diagnostic| {
            (diagnostic.block, diagnostic.original.as_deref(), diagnostic.replacement.as_deref())
        })
        .collect();
    assert_eq!(fragments, [(Some(0), Some(" users."), Some("")), (Some(1), Some("later."), None)]);
}

#[test]
fn english_attribution_forms() {
    let document = text(concat!(
        "A headline for the story\n\n",
        "“We will appeal the ruling,” said Maria Gonzalez, the union's lawyer.\n\n",
        "Chief executive Tom Baker told investors: “The numbers are better than we expected.”\n\n",
        "“Profits doubled in a year,” Baker added.\n\n",
        "“We are not worried about it,” he said.\n\n",
        "According to the regulator, “the merger needs a closer look before approval.”\n\n",
        "Ana Ruiz, who chairs the committee, said: “We will hold hearings in May.”\n\n",
        "“Never,” she said.\n\n",
        "The report used the phrase “tailored access” twice.\n",
    ));
    assert_eq!(
        speakers(&document),
        [
            ("We will appeal the ruling".into(), Some("Maria Gonzalez".into())),
            ("The numbers are better than we expected.".into(), Some("Chief executive Tom Baker".into())),
            ("Profits doubled in a year".into(), Some("Chief executive Tom Baker".into())),
            ("We are not worried about it".into(), Some("Chief executive Tom Baker".into())),
            ("the merger needs a closer look before approval.".into(), Some("regulator".into())),
            ("We will hold hearings in May.".into(), Some("Ana Ruiz".into())),
            ("Never".into(), Some("Ana Ruiz".into())),
        ]
    );
}

#[test]
fn spanish_french_and_german_quotes() {
    let spanish = text(
        "El Gobierno aprueba la reforma de las pensiones\n\n«La reforma garantiza las pensiones de los jóvenes», dijo la ministra Elena Díaz.\n\nSegún el sindicato, «la medida llega demasiado tarde para muchos trabajadores».\n",
    );
    assert_eq!(spanish.language.as_deref(), Some("es"));
    assert_eq!(spanish.quotes[0].speaker.as_deref(), Some("ministra Elena Díaz"));
    assert_eq!(spanish.quotes[1].speaker.as_deref(), Some("sindicato"));

    let french = text(
        "La mairie ferme la piscine pour travaux\n\n« Les travaux dureront au moins six mois », a déclaré Paul Martin, adjoint aux sports.\n\n« Nous rouvrirons avant l'été prochain », a-t-il ajouté.\n",
    );
    assert_eq!(french.language.as_deref(), Some("fr"));
    assert_eq!(speakers(&french)[0].1.as_deref(), Some("Paul Martin"));
    assert_eq!(speakers(&french)[1].1.as_deref(), Some("Paul Martin"));

    let german = text(
        "Die Stadt baut neue Radwege\n\n„Wir bauen zwanzig Kilometer neue Radwege bis zum Sommer“, sagte Bürgermeisterin Anna Schmidt.\n",
    );
    assert_eq!(german.quotes[0].text, "Wir bauen zwanzig Kilometer neue Radwege bis zum Sommer");
    assert_eq!(german.quotes[0].speaker.as_deref(), Some("Bürgermeisterin Anna Schmidt"));
}

#[test]
fn unclosed_quotes_are_reported() {
    let document = text(
        "A headline for the story\n\nThe mayor said: “We will never give up on this city and its people\n",
    );
    assert_eq!(document.quotes[0].text, "We will never give up on this city and its people");
    assert!(has(&document, DiagnosticCode::UnbalancedQuote));
}

#[test]
fn quotes_continue_across_paragraphs() {
    let document = text(
        "A headline for the story\n\nThe mayor said: “We will rebuild the bridge before winter.\n\n“And we will pay for it without raising taxes.”\n",
    );
    assert_eq!(document.quotes.len(), 1);
    assert_eq!(
        document.quotes[0].text,
        "We will rebuild the bridge before winter. And we will pay for it without raising taxes."
    );
    assert_eq!(document.quotes[0].speaker.as_deref(), Some("mayor"));
    assert!(!has(&document, DiagnosticCode::UnbalancedQuote));
}

#[test]
fn markdown_front_matter_problems_are_diagnostics() {
    let document = parse(
        b"---\ntitle: A title\nthis line is not yaml\nauthor:\n  name: nested\n---\nBody text here.\n",
        Format::Markdown,
    );
    assert_eq!(document.title, "A title");
    let lines: Vec<_> = document
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.code == DiagnosticCode::Malformed)
        .map(|diagnostic| diagnostic.line)
        .collect();
    assert_eq!(lines, [Some(3), Some(4)]);

    let document = parse(b"+++\ntitle = \"unclosed\n+++\nBody text here.\n", Format::Markdown);
    assert!(has(&document, DiagnosticCode::Malformed));
    assert_eq!(document.blocks[0].text(), "Body text here.");
}

#[test]
fn json_text_field_and_aliases() {
    let document = parse(
        br#"{"headline": "A headline", "author": "Ana Ruiz", "date": "April 2, 2024", "text": "One.\n\n- a\n- b\n\nTwo."}"#,
        Format::Json,
    );
    assert_eq!(document.title, "A headline");
    assert_eq!(document.authors, ["Ana Ruiz"]);
    assert_eq!(document.published.as_deref(), Some("2024-04-02"));
    assert_eq!(document.blocks.len(), 3);
    assert!(matches!(&document.blocks[1], Block::List { .. }));
}
