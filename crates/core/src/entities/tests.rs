//! Unit tests of the recogniser on small texts.

use crate::model::{Document, EntityKind};
use crate::text;

fn parse(input: &str) -> Document {
    text::parse_str(input).expect("parses")
}

/// (kind, name, aliases) of each entity, for compact assertions.
fn summary(document: &Document) -> Vec<(EntityKind, String, Vec<String>)> {
    document
        .entities
        .iter()
        .map(|entity| (entity.kind, entity.name.clone(), entity.aliases.clone()))
        .collect()
}

fn kind_of(document: &Document, name: &str) -> Option<EntityKind> {
    document.entities.iter().find(|entity| entity.name == name).map(|entity| entity.kind)
}

/// Each of `names` is an entity of `kind`.
fn assert_kinds(document: &Document, names: &[&str], kind: EntityKind) {
    for name in names {
        assert_eq!(kind_of(document, name), Some(kind), "{name}: {:?}", summary(document));
    }
}

fn assert_mentions_are_names(document: &Document) {
    for entity in &document.entities {
        for mention in &entity.mentions {
            let text = match mention.block {
                Some(block) => document.blocks[block].text(),
                None => document.title.clone(),
            };
            let written =
                text.get(mention.start..mention.end).expect("a mention is a char range of its text");
            let written = written.replace('’', "'");
            assert!(
                written == entity.name || entity.aliases.contains(&written),
                "mention {written:?} of {entity:?} is neither its name nor an alias"
            );
        }
    }
}

#[test]
fn people_organisations_and_linking() {
    let document = parse(
        "Lawsuit over messages\n\n\
         The two Silicon Valley companies agreed a partnership thanks to the relationship between \
         Netflix co-founder Reed Hastings and Facebook founder Mark Zuckerberg.\n\n\
         Within a month of Hastings joining Facebook's board, Zuckerberg signed the deal.",
    );
    let entities = summary(&document);
    assert!(
        entities.contains(&(EntityKind::Person, "Reed Hastings".into(), vec!["Hastings".into()])),
        "{entities:?}"
    );
    assert!(
        entities.contains(&(EntityKind::Person, "Mark Zuckerberg".into(), vec!["Zuckerberg".into()])),
        "{entities:?}"
    );
    assert_eq!(kind_of(&document, "Netflix"), Some(EntityKind::Organization));
    assert_eq!(kind_of(&document, "Facebook"), Some(EntityKind::Organization));
    assert_eq!(kind_of(&document, "Silicon Valley"), Some(EntityKind::Place));
    let facebook = document.entities.iter().find(|entity| entity.name == "Facebook").expect("Facebook");
    assert_eq!(facebook.mentions.len(), 2, "the possessive is a mention too");
    assert_mentions_are_names(&document);
}

#[test]
fn short_forms_and_acronyms_join_their_long_form() {
    let document = parse(
        "Regulators look at Meta\n\n\
         Meta Platforms Inc said on Monday that the Federal Trade Commission (FTC) had opened an inquiry. \
         Meta denies wrongdoing, and the FTC declined to comment. The European Union is watching; \
         EU officials said so.",
    );
    let entities = summary(&document);
    assert!(
        entities.contains(&(EntityKind::Organization, "Meta Platforms Inc".into(), vec!["Meta".into()])),
        "{entities:?}"
    );
    assert!(
        entities.contains(&(EntityKind::Organization, "Federal Trade Commission".into(), vec!["FTC".into()])),
        "{entities:?}"
    );
    assert!(
        entities.contains(&(EntityKind::Organization, "European Union".into(), vec!["EU".into()])),
        "{entities:?}"
    );
    assert_mentions_are_names(&document);
}

#[test]
fn titles_roles_and_speech() {
    let document = parse(
        "Council approves bike lanes\n\n\
         \"This is the most important safety decision we have made,\" said Mayor Linda Okafor after the vote.\n\n\
         Council member David Reyes, who voted against the plan, said it was a mistake.\n\n\
         \"We will be watching,\" Okafor added. Reyes later told reporters he disagreed.\n\n\
         Apple CEO Tim Cook and Dr. Jane Whitlock spoke in Paris. Kwabena Asante, 52, a farmer, \
         told the Accra-based broadcaster nothing.",
    );
    let entities = summary(&document);
    assert!(
        entities.contains(&(EntityKind::Person, "Linda Okafor".into(), vec!["Okafor".into()])),
        "{entities:?}"
    );
    assert!(
        entities.contains(&(EntityKind::Person, "David Reyes".into(), vec!["Reyes".into()])),
        "{entities:?}"
    );
    assert_eq!(kind_of(&document, "Tim Cook"), Some(EntityKind::Person));
    assert_eq!(kind_of(&document, "Apple"), Some(EntityKind::Organization));
    assert_eq!(kind_of(&document, "Jane Whitlock"), Some(EntityKind::Person));
    assert_eq!(kind_of(&document, "Kwabena Asante"), Some(EntityKind::Person));
    assert_eq!(kind_of(&document, "Paris"), Some(EntityKind::Place));
    assert_eq!(kind_of(&document, "Accra"), Some(EntityKind::Place));
    // Sentence-initial ordinary words and titles are not entities.
    for word in ["Council", "This", "Mayor", "We", "CEO"] {
        assert_eq!(kind_of(&document, word), None, "{word}");
    }
    assert_mentions_are_names(&document);
}

#[test]
fn sentence_starts_are_not_names() {
    let document = parse(
        "Court documents show a decade of access\n\n\
         Court documents, filed on March 23, claim access for nearly a decade. Analysts said the deal was \
         unusual. Upgrading requires no changes. Hundreds of passengers waited on Sunday. Let us remember \
         that in 2018 the data was shared. According to the social network, nothing happened.",
    );
    assert_eq!(summary(&document), vec![]);
}

#[test]
fn places_by_list_and_cue() {
    let document = parse(
        "Storm hits coast\n\n\
         The storm moved from Florida across Georgia before landing in Riverside, a Kent-based utility said; Riverside-based crews helped. \
         Crews from Elm Street worked near Lake Tahoe.",
    );
    for place in ["Florida", "Georgia", "Riverside", "Kent", "Elm Street", "Lake Tahoe"] {
        assert_eq!(kind_of(&document, place), Some(EntityKind::Place), "{place}: {:?}", summary(&document));
    }
    assert_mentions_are_names(&document);
}

#[test]
fn title_case_headlines_keep_only_names() {
    let document = parse(
        "How Facebook Gave Netflix Access To Your Private Messages For Years\n\n\
         Facebook gave Netflix access to messages, the filing says.",
    );
    let names: Vec<String> = document.entities.iter().map(|entity| entity.name.clone()).collect();
    assert_eq!(names, vec!["Facebook", "Netflix"]);
    assert!(document.entities[0].mentions[0].block.is_none(), "the title's mention comes first");
    assert_mentions_are_names(&document);
}

#[test]
fn quotes_point_at_their_speaker() {
    let document = parse(
        "Council approves bike lanes\n\n\
         \"This is the most important safety decision we have made,\" said Mayor Linda Okafor after the vote.\n\n\
         \"We will be watching the contractors closely,\" Okafor added.\n\n\
         A Meta spokesperson told Reuters: \"Meta did not share people's private messages with anyone at all.\"",
    );
    let speaker_entity = |start: &str| {
        let quote = document.quotes.iter().find(|quote| quote.text.starts_with(start)).expect("the quote");
        quote.speaker_entity.map(|index| document.entities[index].name.as_str())
    };
    assert_eq!(speaker_entity("This is the most"), Some("Linda Okafor"));
    assert_eq!(speaker_entity("We will be watching"), Some("Linda Okafor"));
    assert_eq!(speaker_entity("Meta did not share"), Some("Meta"));
}

#[test]
fn list_items_have_offsets_in_the_joined_text() {
    let document = parse(
        "Things to know\n\nWhat changes:\n\n- Bins go to Leeds.\n- Glass goes to Oxfam shops in York.\n",
    );
    assert_eq!(kind_of(&document, "Leeds"), Some(EntityKind::Place));
    assert_eq!(kind_of(&document, "Oxfam"), Some(EntityKind::Organization));
    assert_eq!(kind_of(&document, "York"), Some(EntityKind::Place));
    assert_mentions_are_names(&document);
}

#[test]
fn initials_particles_and_of() {
    let document = parse(
        "Authors meet\n\n\
         Author J. K. Rowling met Ursula von der Leyen at the Bank of England, said Charles de Gaulle III. \
         The University of Oxford and the Securities and Exchange Commission were there too.",
    );
    assert_eq!(kind_of(&document, "J. K. Rowling"), Some(EntityKind::Person), "{:?}", summary(&document));
    assert_eq!(kind_of(&document, "Ursula von der Leyen"), Some(EntityKind::Person));
    assert_eq!(kind_of(&document, "Bank of England"), Some(EntityKind::Organization));
    assert_eq!(kind_of(&document, "University of Oxford"), Some(EntityKind::Organization));
    assert_eq!(kind_of(&document, "Securities and Exchange Commission"), Some(EntityKind::Organization));
    assert_mentions_are_names(&document);
}

#[test]
fn odd_input_keeps_mentions_on_char_boundaries() {
    for input in [
        "Ünïcödé Ñame said “Ça va” to Ørsted’s CEO Åsa Öberg in Zürich.",
        "A. B. C. D. E. F. G. H. I. J. K. L. M. N. O. P.",
        "Mr. Mrs. Dr. Prof. St.",
        "Meta’s Meta's Meta' s 'Meta' Meta-based -Meta- (META) (",
        "X (Y) Z (AB) (CD",
        "al-Assad d’Estaing eBay iPhone McDonald's O'Brien’s",
    ] {
        let document = parse(&format!("Title here\n\n{input}"));
        assert_mentions_are_names(&document);
    }
}

#[test]
fn generic_speakers_point_at_the_last_named_organisation_or_titled_person() {
    let document = parse(
        "Regulator sues data broker\n\n\
         The Federal Trade Commission sued the data broker Locatrix on Tuesday. Justice Amina Odhiambo \
         heard the case.\n\n\
         \"We believe our practices are lawful and we will fight this,\" the company said.\n\n\
         \"The law does not allow these records to be handed over in bulk,\" the judge wrote.",
    );
    let speaker_entity = |start: &str| {
        let quote = document.quotes.iter().find(|quote| quote.text.starts_with(start)).expect("the quote");
        quote.speaker_entity.map(|index| document.entities[index].name.as_str())
    };
    assert_eq!(kind_of(&document, "Locatrix"), Some(EntityKind::Organization), "{:?}", summary(&document));
    // `the company` is the last named firm, not the commission.
    assert_eq!(speaker_entity("We believe our practices"), Some("Locatrix"));
    assert_eq!(speaker_entity("The law does not allow"), Some("Amina Odhiambo"));
}

/// The entity each quote (found by its first words) is attributed to.
fn speaker_of<'d>(document: &'d Document, start: &str) -> Option<&'d str> {
    let quote = document.quotes.iter().find(|quote| quote.text.starts_with(start)).expect("the quote");
    quote.speaker_entity.map(|index| document.entities[index].name.as_str())
}

#[test]
fn a_quote_opening_its_sentence_continues_the_paragraphs_speaker() {
    let document = parse(
        "Takeover approved\n\n\
         \"Leveraged takeovers have gone wrong before,\" said Martha Quayle, the association's chief \
         executive. \"We want to see the business plan.\"",
    );
    assert_eq!(speaker_of(&document, "Leveraged takeovers"), Some("Martha Quayle"));
    assert_eq!(speaker_of(&document, "We want to see"), Some("Martha Quayle"));
}

#[test]
fn a_pronoun_is_the_person_named_last_before_the_quote() {
    let document = parse(
        "Sleep study\n\n\
         \"We expected a dip,\" Hannah Okonjo said.\n\n\
         Dr Marcus Feld, a co-author, said the findings should worry schools.\n\n\
         \"Revision late at night feels productive. It isn't,\" he said. \"Memory is made during sleep.\"",
    );
    assert_eq!(speaker_of(&document, "We expected a dip"), Some("Hannah Okonjo"));
    // Not the last quoted speaker: the person the text named since.
    assert_eq!(speaker_of(&document, "Revision late at night"), Some("Marcus Feld"));
    assert_eq!(speaker_of(&document, "Memory is made"), Some("Marcus Feld"));
    let quote = document.quotes.iter().find(|quote| quote.text.starts_with("Revision")).expect("the quote");
    assert_eq!(quote.speaker.as_deref(), Some("Marcus Feld"));
}

#[test]
fn a_pronoun_ignores_names_inside_quotations_and_unnamed_speakers_stay_unnamed() {
    let document = parse(
        "Beekeeper wins\n\n\
         For most of her life, Margaret Ellery kept bees. \"My neighbour Tom Hale warned me,\" she said.\n\n\
         \"It was like walking into a room after a fire,\" she said.\n\n\
         One nurse, who asked not to be named, said she had worked all night. \"I went home and cried,\" \
         she said.",
    );
    assert_eq!(speaker_of(&document, "My neighbour"), Some("Margaret Ellery"));
    assert_eq!(speaker_of(&document, "It was like walking"), Some("Margaret Ellery"));
    assert_eq!(speaker_of(&document, "I went home"), None);
}

#[test]
fn a_statement_over_paragraphs_takes_its_closing_attribution() {
    let document = parse(
        "Strike goes on\n\n\
         Mona Castellanos said the mood had changed.\n\n\
         \u{201c}In June people were angry. By August they were worried about their rent.\n\n\
         \u{201c}But they want a real deal,\u{201d} Castellanos said.",
    );
    assert_eq!(speaker_of(&document, "In June people were angry"), Some("Mona Castellanos"));
}

#[test]
fn a_name_in_apposition_to_a_role_is_the_speaker() {
    let document = parse(
        "Royalties case\n\n\
         \"The services hid behind a loophole,\" said Marchand's lawyer, Richard Okafor, of the firm \
         Beaulieu & Grant.\n\n\
         \"The big cases are still stuck in Dublin,\" said Saoirse Keane of the campaign group Open \
         Rights Europe.",
    );
    assert_eq!(speaker_of(&document, "The services hid"), Some("Richard Okafor"));
    assert_eq!(speaker_of(&document, "The big cases"), Some("Saoirse Keane"));
}

#[test]
fn the_company_and_the_union_are_named_before_the_quote() {
    let document = parse(
        "Results\n\n\
         Calloway Foods Inc. lost a case heard by the U.S. Court of Appeals for the 7th Circuit.\n\n\
         \"We respectfully disagree,\" the company said in a statement.\n\n\
         The Teamsters union, which represents Calloway's drivers, said it would use the ruling. \
         \"Record profits mean there is room for a fair contract,\" the union said.",
    );
    assert_eq!(
        kind_of(&document, "U.S. Court of Appeals for the 7th Circuit"),
        Some(EntityKind::Organization),
        "{:?}",
        summary(&document)
    );
    // A court is a public body, not `the company`.
    assert_eq!(speaker_of(&document, "We respectfully disagree"), Some("Calloway Foods Inc"));
    // Not `Calloway`, named after the union, nor a word inside the quotation.
    assert_eq!(speaker_of(&document, "Record profits"), Some("Teamsters"));
}

#[test]
fn organisation_names_by_their_words() {
    let document = parse(
        "Health news\n\n\
         The study was led by the university's Centre for Adolescent Health and paid for by NHS England. \
         Leanne Wu, chief economist at the property analyst CoreMetrics Australia, said prices would rise. \
         Shares in Agrovane Crop Sciences and Fairhaven Research fell, and Southern Coast Railways \
         cancelled trains.",
    );
    assert_kinds(
        &document,
        &[
            "Centre for Adolescent Health",
            "NHS England",
            "CoreMetrics Australia",
            "Agrovane Crop Sciences",
            "Fairhaven Research",
            "Southern Coast Railways",
        ],
        EntityKind::Organization,
    );
    assert_eq!(kind_of(&document, "Leanne Wu"), Some(EntityKind::Person), "{:?}", summary(&document));
}

#[test]
fn short_forms_of_organisations_join_their_full_name() {
    let document = parse(
        "Calloway Foods to pay franchisees\n\n\
         A judge ruled that Calloway Foods Inc. broke its contracts. Calloway said it would appeal.\n\n\
         Inspectors visited St Aldhelm's Hospital in the town of Wexcombe. Staff at St Aldhelm's said \
         little.\n\n\
         Researchers at the University of Eastbrook ran the study. A lecturer at Eastbrook said so.\n\n\
         Harrowgate Athletic Football Club was sold. Harrowgate Athletic fans cheered.",
    );
    let entities = summary(&document);
    let aliases_of = |name: &str| {
        entities.iter().find(|(_, entity, _)| entity == name).map(|(_, _, aliases)| aliases.clone())
    };
    let calloway = aliases_of("Calloway Foods Inc").expect("Calloway Foods Inc");
    assert!(
        calloway.contains(&"Calloway".into()) && calloway.contains(&"Calloway Foods".into()),
        "{entities:?}"
    );
    assert_eq!(aliases_of("St Aldhelm's Hospital"), Some(vec!["St Aldhelm".into()]), "{entities:?}");
    assert_eq!(aliases_of("University of Eastbrook"), Some(vec!["Eastbrook".into()]), "{entities:?}");
    assert_eq!(
        aliases_of("Harrowgate Athletic Football Club"),
        Some(vec!["Harrowgate Athletic".into()]),
        "{entities:?}"
    );
    assert_mentions_are_names(&document);
}

#[test]
fn places_by_appositions_datelines_and_their_state() {
    let document = parse(
        "Outbreak\n\n\
         BRUSSELS (AP) \u{2014} The European Commission proposed rules. Greenleaf is based in Salinas, \
         California. She lives in Tarrington, a village in Herefordshire, near the Marathwada region.",
    );
    assert_kinds(
        &document,
        &["BRUSSELS", "Salinas", "Tarrington", "Herefordshire", "Marathwada"],
        EntityKind::Place,
    );
    assert_eq!(
        kind_of(&document, "European Commission"),
        Some(EntityKind::Organization),
        "{:?}",
        summary(&document)
    );
    assert_eq!(kind_of(&document, "The European Commission"), None);
}

#[test]
fn a_role_before_a_given_name_is_not_part_of_the_name() {
    let document = parse(
        "Walkout\n\n\
         Leader of the Opposition Sunil Deshmane said the deal was signed without consulting farmers.",
    );
    assert_eq!(kind_of(&document, "Sunil Deshmane"), Some(EntityKind::Person), "{:?}", summary(&document));
}

#[test]
fn organisations_by_the_words_around_them() {
    let document = parse(
        "Insurer sued\n\n\
         The complaint was filed in the US District Court for the District of Colorado on Monday. \
         The results were published in The Lancet, and shipping lines including Maersk and MSC \
         changed course. The FNV union called a strike. She urged Gavi, the vaccine alliance, to pay. \
         Members of the Mining and Energy Union met after Acas-brokered talks.\n\n\
         Labour's housing minister, Rachel Okonjo, said the plan was fair. \
         Maria Lindqvist, a union official, said the talks had failed.",
    );
    assert_kinds(
        &document,
        &[
            "US District Court for the District of Colorado",
            "The Lancet",
            "MSC",
            "FNV",
            "Gavi",
            "Mining and Energy Union",
            "Acas",
            "Labour",
        ],
        EntityKind::Organization,
    );
    assert_eq!(kind_of(&document, "Maria Lindqvist"), Some(EntityKind::Person), "{:?}", summary(&document));
    assert_mentions_are_names(&document);
}

#[test]
fn a_bodys_remit_listed_with_and_or_commas_is_part_of_its_name() {
    let document = parse(
        "Ministers meet\n\n\
         The Ministry of Economy, Trade and Industry (METI) approved the subsidy. The Department \
         of Mineral Resources and Energy halted work on Thursday. A deal with the Federal Ministry \
         for Digital and Transport was signed, and the Department for Environment, Food and Rural \
         Affairs said it agreed, as did the Ministry of Housing, Communities and Local Government.\n\n\
         Separately, the Ministry of Defence and Google signed a contract, and the Court of Appeal \
         and Parliament were both asked to act.",
    );
    assert_kinds(
        &document,
        &[
            "Ministry of Economy, Trade and Industry",
            "Department of Mineral Resources and Energy",
            "Federal Ministry for Digital and Transport",
            "Department for Environment, Food and Rural Affairs",
            "Ministry of Housing, Communities and Local Government",
            "Ministry of Defence",
            "Google",
            "Court of Appeal",
        ],
        EntityKind::Organization,
    );
    // A name of its own after `and` is not part of the body's.
    assert_eq!(kind_of(&document, "Ministry of Defence and Google"), None, "{:?}", summary(&document));
    assert_eq!(kind_of(&document, "Court of Appeal and Parliament"), None, "{:?}", summary(&document));
    assert_mentions_are_names(&document);
}

#[test]
fn how_a_name_is_spelled_and_what_it_ends_with_say_what_it_names() {
    let document = parse(
        "Results\n\n\
         Polling by YouGov found support had fallen, and NBCUniversal declined to comment. \
         Ecoservizi Lombardia SpA and Nordlys ASA were fined by the Bundeskartellamt last week, \
         according to Der Spiegel and the Daily Nation. Spindle is owned by the Malta-registered \
         Lucent Gaming Ltd.\n\n\
         Fans gathered at Ashgrove Park and Balogun Market before walking along the River Thames. \
         Three MPs and two CEOs met Ron DeSantis and Ann McDonald.",
    );
    assert_kinds(
        &document,
        &[
            "YouGov",
            "NBCUniversal",
            "Ecoservizi Lombardia SpA",
            "Nordlys ASA",
            "Bundeskartellamt",
            "Der Spiegel",
            "Daily Nation",
            "Lucent Gaming Ltd",
        ],
        EntityKind::Organization,
    );
    assert_kinds(&document, &["Malta", "Ashgrove Park", "Balogun Market", "River Thames"], EntityKind::Place);
    assert_kinds(&document, &["Ron DeSantis", "Ann McDonald"], EntityKind::Person);
    for not_names in ["MPs", "CEOs"] {
        assert_eq!(kind_of(&document, not_names), None, "{:?}", summary(&document));
    }
    assert_mentions_are_names(&document);
}

#[test]
fn a_word_for_a_business_next_to_a_name_says_it_is_one() {
    let document = parse(
        "Chips\n\n\
         The money went to Rapidus, a venture backed by eight companies, and to the online \
         bookmaker Spindle.",
    );
    assert_kinds(&document, &["Rapidus", "Spindle"], EntityKind::Organization);
}

#[test]
fn a_word_in_brackets_after_a_body_is_another_name_for_it() {
    let document = parse(
        "Networks\n\n\
         The Federal Network Agency (Bundesnetzagentur) and the United Nations Children's Fund \
         (Unicef) both objected. Jane Doe (Democrat) voted against, and the Bundesnetzagentur said \
         it would appeal.\n\n\
         NEW YORK (Reuters) - Shares fell in New York (Reuters reported).\n\n\
         LONDON (AP) - Shares fell in London, the AP reported.",
    );
    let entities = summary(&document);
    for (name, alias) in
        [("Federal Network Agency", "Bundesnetzagentur"), ("United Nations Children's Fund", "Unicef")]
    {
        let entity = (EntityKind::Organization, name.to_string(), vec![alias.to_string()]);
        assert!(entities.contains(&entity), "{entities:?}");
    }
    assert!(
        entities.iter().all(|(_, _, aliases)| !aliases
            .iter()
            .any(|alias| ["Democrat", "Reuters", "AP"].contains(&alias.as_str()))),
        "{entities:?}"
    );
}

#[test]
fn a_link_glued_to_a_name_is_left_out_of_it() {
    let document = parse(
        "Artefacts\n\n\
         \"We lose half of its story,\" she told lajornadaLa Jornada. The payments were first \
         reported by gazetawyborczaGazeta Wyborcza, and Fraser told cbcnewsCBC News.",
    );
    assert_kinds(&document, &["La Jornada", "Gazeta Wyborcza", "CBC News"], EntityKind::Organization);
    assert_mentions_are_names(&document);
}

#[test]
fn the_first_words_of_a_bodys_name_are_a_short_form_of_it() {
    let document = parse(
        "Fines\n\n\
         The Central Bank of Ireland fined Liffey Mutual Bank DAC on Tuesday, and Arts Council \
         England cut its grant to PT Bank Nusantara Makmur Tbk. The Central Bank said Liffey Mutual \
         had failed its customers; the Arts Council and Bank Nusantara Makmur declined to comment.\n\n\
         The Reed Hastings Foundation gave money. Reed Hastings said he was pleased.",
    );
    let entities = summary(&document);
    for (name, alias) in [
        ("Central Bank of Ireland", "Central Bank"),
        ("Liffey Mutual Bank DAC", "Liffey Mutual"),
        ("Arts Council England", "Arts Council"),
        ("PT Bank Nusantara Makmur Tbk", "Bank Nusantara Makmur"),
    ] {
        assert!(
            entities.iter().any(|(kind, entity, aliases)| *kind == EntityKind::Organization
                && entity == name
                && aliases.iter().any(|form| form == alias)),
            "{name} / {alias}: {entities:?}"
        );
    }
    assert_eq!(kind_of(&document, "Reed Hastings"), Some(EntityKind::Person), "{entities:?}");
}

#[test]
fn institutions_named_in_other_languages_by_their_first_word() {
    let document = parse(
        "Tower\n\n\
         Grupo Hotelero Costa Azul SL appealed to the Tribunal Electoral, the Secretaría de Cultura \
         objected, and the Guardia Civil raided the offices, Diario Sur reported.",
    );
    assert_kinds(
        &document,
        &[
            "Grupo Hotelero Costa Azul SL",
            "Tribunal Electoral",
            "Secretaría de Cultura",
            "Guardia Civil",
            "Diario Sur",
        ],
        EntityKind::Organization,
    );
}

#[test]
fn clubs_stations_and_public_bodies_by_their_words() {
    let document = parse(
        "Points deducted\n\n\
         The federation said IF Nordstjärnan lost to Malmö FF on Saturday. Talks between the union and \
         Health New Zealand failed, Sport England declined to comment, and the broadcaster BBC Radio 3 \
         dropped the concert.\n\n\
         The Health Secretary spoke in New Zealand.",
    );
    assert_kinds(
        &document,
        &["IF Nordstjärnan", "Malmö FF", "Health New Zealand", "Sport England", "BBC Radio 3"],
        EntityKind::Organization,
    );
    assert_eq!(kind_of(&document, "New Zealand"), Some(EntityKind::Place), "{:?}", summary(&document));
    assert_mentions_are_names(&document);
}

#[test]
fn a_dateline_in_capitals_names_a_place() {
    for (text, place) in [
        ("Flood\n\nINVERNESS — The river burst its banks on Monday.", "INVERNESS"),
        ("Markets\n\nNEW YORK (Reuters) - Shares fell. Traders in New York were calm.", "New York"),
        ("Port\n\nGDAŃSK, Poland — The trial opened. Gdańsk prosecutors said little.", "Gdańsk"),
    ] {
        let document = parse(text);
        assert_eq!(kind_of(&document, place), Some(EntityKind::Place), "{text}: {:?}", summary(&document));
        assert_eq!(kind_of(&document, "YORK"), None, "{:?}", summary(&document));
        assert_mentions_are_names(&document);
    }
    // A label in capitals is not a place.
    let document = parse("Update\n\nUPDATE: The company said on Monday that it would appeal.");
    assert_eq!(kind_of(&document, "UPDATE"), None, "{:?}", summary(&document));
}

#[test]
fn a_company_spokesperson_speaks_for_the_company_named_before() {
    let document = parse(
        "Recall\n\n\
         Regulators ordered Sundaram Lifesciences Ltd to recall a cough syrup on Monday.\n\n\
         \"We have recalled every bottle we could find,\" a company spokesperson said.",
    );
    assert_eq!(speaker_of(&document, "We have recalled"), Some("Sundaram Lifesciences Ltd"));
}

#[test]
fn police_and_military_ranks_are_titles_not_names() {
    let document = parse(
        "Fraud ring\n\n\
         \"They built an app that did nothing,\" Superintendent Park Ji-hoon, who led the \
         investigation, told a briefing. Cpl. Jennifer Boudreau and Det. Insp. Ravi Menon said \
         the towers were down.",
    );
    assert_kinds(&document, &["Park Ji-hoon", "Jennifer Boudreau", "Ravi Menon"], EntityKind::Person);
    assert_mentions_are_names(&document);
}

proptest::proptest! {
    /// `words` parts a name where `split(' ')` does, on any text.
    #[test]
    fn words_part_a_name_as_split_does(name in "[a-zA-Zé' ]{0,24}") {
        let words: Vec<&str> = super::words(&name).collect();
        let split: Vec<&str> = name.split(' ').collect();
        proptest::prop_assert_eq!(words, split);
    }
}

proptest::proptest! {
    /// `position_of` finds a separator where `str::find` does, on any name.
    #[test]
    fn position_of_finds_what_find_finds(name in "[a-zA-Z' ]{0,24}", needle in proptest::sample::select(vec![" of ", " for ", "'s "])) {
        proptest::prop_assert_eq!(super::position_of(&name, needle), name.find(needle));
    }
}

#[test]
fn dotted_abbreviations_are_titles_written_before_a_name() {
    use super::lexicon::is_dotted_abbreviation;
    for word in
        ["Mr", "Dr", "Prof", "Sen", "Gov", "Cpl", "Det", "Insp", "Mx", "Mt", "Const", "Mme", "Messrs", "Fr"]
    {
        assert!(is_dotted_abbreviation(word), "{word}");
    }
    // A company word's full stop may end a sentence (`… bought Acme Inc. The deal`);
    // so may a word in capitals or lowercase, and one not on the list.
    for word in ["Inc", "Co", "Ltd", "MR", "dr", "Doctor", "Profs", "D", ""] {
        assert!(!is_dotted_abbreviation(word), "{word}");
    }
}

/// `cargo xtask bench entities` times the speaker links alone by linking parsed
/// documents again (`link_quote_speakers`): that must be the work parsing did,
/// with the same result, for pronouns and generic speakers too.
#[test]
fn linking_a_parsed_document_again_gives_the_same_links() {
    let mut document = parse(
        "Beekeeper wins\n\n\
         For most of her life, Margaret Ellery kept bees. \"My neighbour Tom Hale warned me,\" she said.\n\n\
         Corvane Health Systems denied it. \"We followed every rule,\" the company said.\n\n\
         \"It was like walking into a room after a fire,\" Ellery said.",
    );
    let linked = document.quotes.clone();
    assert_eq!(speaker_of(&document, "My neighbour"), Some("Margaret Ellery"));
    assert!(linked.iter().filter(|quote| quote.speaker_entity.is_some()).count() >= 2, "{linked:?}");
    crate::link_quote_speakers(&mut document);
    assert_eq!(document.quotes, linked);
}
