//! Named entities — people, organisations, places — found by rules and name
//! lists, and linked within the document. No model is loaded: everything is in
//! this module and the lists under `crates/core/data/`.
//!
//! 1. [`scan`] reads the title and the text blocks (not code) into candidates:
//!    runs of capitalised words, cut at titles (`Mayor | Linda Okafor`, `Apple |
//!    CEO | Tim Cook`) and trimmed of sentence-initial ordinary words, each with
//!    the evidence of the words around it (`co-founder Reed Hastings`, `Meta
//!    spokesperson`, `Okafor said`, `in Paris`, `California-based`).
//! 2. Candidates written alike are one name; its kind comes from that evidence
//!    summed over its mentions and from the name itself: the lists of well-known
//!    organisations and places, given names, and words such as `Inc`,
//!    `Commission`, `University` or `Street`. A name seen only at sentence starts
//!    needs strong evidence.
//! 3. Names are linked: a lone surname or given name (`Zuckerberg`) to the full
//!    name (`Mark Zuckerberg`), an organisation's short form (`Meta`) to its long
//!    form (`Meta Platforms`), an acronym to the name it abbreviates
//!    (`Federal Trade Commission (FTC)`, or by its initials).
//!
//! Each step is linear in the text; the lists are loaded once.

mod lexicon;
mod scan;

use std::borrow::Cow;
use std::cell::Cell;

use crate::fast_map::FastMap;
use crate::model::{Block, Document, Entity, EntityKind, Mention, Quote};
use lexicon::{lower, written};
use scan::{Candidate, Evidence, TextKind};

/// The entities `document` names, in order of their first mention, each once with
/// every mention; quotes' `speaker_entity` is set from the result by
/// [`link_speakers`].
pub(crate) fn find<'d>(document: &'d Document) -> Vec<Entity> {
    // Sized for a typical article, so that they seldom grow: about one candidate in
    // sixty bytes, and room for a third more.
    let length = document.title.len() + document.blocks.iter().map(block_length).sum::<usize>();
    let mut buffers = scan::Buffers::take();
    let mut candidates: Vec<Candidate<'d>> = Vec::with_capacity(length / 45);
    // Each candidate learns where it stands: its block (none for the title), and
    // its range moved from the scanned text to that block's `Block::text()`.
    let mut scan_text = |text: &'d str, kind, block, base, candidates: &mut Vec<Candidate<'d>>| {
        let before = candidates.len();
        scan::scan(text, kind, &mut buffers, candidates);
        for candidate in &mut candidates[before..] {
            candidate.block = block;
            candidate.start += base;
            candidate.end += base;
        }
    };
    scan_text(&document.title, TextKind::Heading, None, 0, &mut candidates);
    for (index, block) in document.blocks.iter().enumerate() {
        match block {
            Block::Heading { text, .. } => {
                scan_text(text, TextKind::Heading, Some(index), 0, &mut candidates)
            }
            Block::Paragraph { text } | Block::Quote { text, .. } => {
                scan_text(text, TextKind::Prose, Some(index), 0, &mut candidates);
            }
            Block::List { items, .. } => {
                // `Block::text()` joins the items with newlines.
                let mut base = 0;
                for item in items {
                    scan_text(item, TextKind::Prose, Some(index), base, &mut candidates);
                    base += item.len() + 1;
                }
            }
            Block::Image { .. } | Block::Code { .. } | Block::Rule => {}
        }
    }
    buffers.keep();
    let mut names = Names {
        groups: Vec::with_capacity(candidates.len()),
        index: FastMap::with_capacity_and_hasher(candidates.len(), Default::default()),
        abbreviations: Vec::new(),
    };
    for (index, candidate) in candidates.iter_mut().enumerate() {
        candidate.group = names.add(index, candidate);
    }
    for candidate in &candidates {
        if let Some(long) = candidate.abbreviates {
            names.abbreviations.push((candidate.group, candidates[long].group));
        }
    }
    names.decide();
    names.link();

    // How many mentions each root has, so that every list is allocated once at its
    // size.
    for candidate in &candidates {
        let root = names.root(candidate.group);
        names.groups[root].mentions += 1;
    }
    let entity_count = names.groups.iter().filter(|group| group.mentions > 0 && group.kind.is_some()).count();
    let mut entities: Vec<Entity> = Vec::with_capacity(entity_count);
    for candidate in &candidates {
        let root = names.root(candidate.group);
        let Some(kind) = names.groups[root].kind else {
            continue;
        };
        if names.groups[root].entity == usize::MAX {
            names.groups[root].entity = entities.len();
            entities.push(Entity {
                kind,
                name: names.groups[root].name.clone().into_owned(),
                aliases: Vec::new(),
                mentions: Vec::with_capacity(names.groups[root].mentions),
            });
        }
        let entity = &mut entities[names.groups[root].entity];
        let name = &names.groups[candidate.group].name;
        if *name != entity.name && !entity.aliases.iter().any(|alias| alias == name) {
            entity.aliases.push(name.clone().into_owned());
        }
        entity.mentions.push(Mention { block: candidate.block, start: candidate.start, end: candidate.end });
    }
    entities
}

/// The bytes of a block's text that are scanned.
fn block_length(block: &Block) -> usize {
    match block {
        Block::Heading { text, .. } | Block::Paragraph { text } | Block::Quote { text, .. } => text.len(),
        Block::List { items, .. } => items.iter().map(String::len).sum(),
        Block::Image { .. } | Block::Code { .. } | Block::Rule => 0,
    }
}

/// Sets each quote's `speaker_entity`: the entity its speaker names, by full name
/// or alias (`Okafor`), within a longer description (`Mayor Linda Okafor`), or the
/// organisation a spokesperson speaks for (`Meta spokesperson`). A pronoun (`“…,”
/// she said`) is the person named last before the quote, outside quotations; `it`
/// and `the company` are the organisation named last, `the judge` the person last
/// named with that title.
pub(crate) fn link_speakers(quotes: &mut [Quote], entities: &[Entity], title: &str, blocks: &[Block]) {
    // Most documents quote no one: the map of names is not worth building for them.
    if quotes.is_empty() {
        return;
    }
    let names = entities.len() + entities.iter().map(|entity| entity.aliases.len()).sum::<usize>();
    let mut by_name: FastMap<&str, usize> = FastMap::with_capacity_and_hasher(names, Default::default());
    for (index, entity) in entities.iter().enumerate() {
        by_name.entry(entity.name.as_str()).or_insert(index);
        for alias in &entity.aliases {
            by_name.entry(alias.as_str()).or_insert(index);
        }
    }
    // Pronouns, `the company said` and `the judge said` look through the entities and
    // their mentions for each such quote; on a hostile document with thousands of
    // both, that work is capped.
    let mut budget = 1_000_000usize;
    let cost = entities.len() + entities.iter().map(|entity| entity.mentions.len()).sum::<usize>();
    for quote in quotes.iter_mut() {
        let pronoun = quote.attribution.as_deref().and_then(pronoun_kind);
        let by_pronoun = pronoun.and_then(|kind| {
            budget = budget.checked_sub(cost)?;
            last_named(entities, kind, Position::of_quote(quote, blocks), blocks, |_| true)
        });
        if let Some(index) = by_pronoun {
            // The name the pronoun stands for is the speaker, unless the speaker as
            // resolved already names it (`Chief executive Tom Baker`).
            let named =
                quote.speaker.as_deref().and_then(|speaker| speaker_entity(speaker, entities, &by_name));
            if named != Some(index) {
                quote.speaker = Some(entities[index].name.clone());
            }
            quote.speaker_entity = Some(index);
            continue;
        }
        let Some(speaker) = quote.speaker.as_deref() else {
            continue;
        };
        let entity = speaker_entity(speaker, entities, &by_name).or_else(|| {
            let noun = generic_speaker(speaker)?;
            budget = budget.checked_sub(cost)?;
            let before = Position::of_quote(quote, blocks);
            if lexicon::lowercase_lists(noun) & lower::ORGANIZATION_NOUN != 0 {
                last_organization(entities, noun, before, blocks)
            } else {
                last_titled_person(entities, noun, before, title, blocks)
            }
        });
        quote.speaker_entity = entity;
    }
}

/// A place in the document's reading order: the block (0 for the title, `n + 1`
/// for block `n`) and a byte offset in its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Position {
    block: usize,
    offset: usize,
}

impl Position {
    fn of_mention(mention: &Mention) -> Position {
        Position { block: mention.block.map_or(0, |at| at + 1), offset: mention.start }
    }

    /// Where a quote opens: its block, and its first words' place in the block's
    /// text (the block's end when they are not found as written).
    fn of_quote(quote: &Quote, blocks: &[Block]) -> Position {
        let text = block_text(blocks, quote.block).unwrap_or_default();
        let mut prefix = quote.text.len().min(24);
        while !quote.text.is_char_boundary(prefix) {
            prefix -= 1;
        }
        let offset = text.find(&quote.text[..prefix]).unwrap_or(text.len());
        Position { block: quote.block + 1, offset }
    }
}

/// The text of a prose block, whose mentions' offsets count in it.
fn block_text(blocks: &[Block], index: usize) -> Option<&str> {
    match blocks.get(index)? {
        Block::Paragraph { text } | Block::Heading { text, .. } | Block::Quote { text, .. } => {
            Some(text.as_str())
        }
        _ => None,
    }
}

/// The kind of entity a pronoun attribution (`she said`, `It said in a statement`)
/// points to.
fn pronoun_kind(attribution: &str) -> Option<EntityKind> {
    let mut words = attribution.split_whitespace();
    let kind = lexicon::with_lowercase(words.next()?, |first| match first {
        "he" | "she" => Some(EntityKind::Person),
        "it" => Some(EntityKind::Organization),
        _ => None,
    })?;
    // A pronoun and its verb (`she told reporters`); in a longer clause (`It says
    // that …, Brandt told investors`) the pronoun is not the speaker. Most
    // attributions name someone, and their words are not counted.
    words.nth(3).is_none().then_some(kind)
}

/// How many blocks before a quote's a pronoun or `the company` looks back for a name.
const LOOK_BACK_BLOCKS: usize = 4;

/// Whether `offset` in `text` lies inside a quotation: more opening marks than
/// closing ones before it, or an odd number of straight ones.
fn is_quoted(text: &str, offset: usize) -> bool {
    let (mut depth, mut straight) = (0i32, 0u32);
    for character in text.get(..offset).unwrap_or(text).chars() {
        match character {
            '"' => straight += 1,
            '“' | '„' | '«' => depth += 1,
            '”' | '»' => depth -= 1,
            _ => {}
        }
    }
    depth > 0 || straight % 2 == 1
}

/// The entity of `kind` (that `accept` takes) mentioned last before `before`, within
/// a few blocks of it and outside quotations: what `she`, `it` or `the company`
/// stands for.
fn last_named(
    entities: &[Entity],
    kind: EntityKind,
    before: Position,
    blocks: &[Block],
    accept: impl Fn(&Entity) -> bool,
) -> Option<usize> {
    let earliest = before.block.saturating_sub(LOOK_BACK_BLOCKS).max(1);
    let mut best: Option<(Position, usize)> = None;
    for (index, entity) in entities.iter().enumerate() {
        if entity.kind != kind || !accept(entity) {
            continue;
        }
        let count = entity.mentions.partition_point(|mention| Position::of_mention(mention) < before);
        // The latest mention that is not inside a quotation; a few are looked at.
        let found = entity.mentions[..count].iter().rev().take(8).find_map(|mention| {
            let position = Position::of_mention(mention);
            if position.block < earliest || best.is_some_and(|(best, _)| best >= position) {
                return None;
            }
            let text = block_text(blocks, position.block - 1)?;
            (!is_quoted(text, position.offset)).then_some(position)
        });
        if let Some(position) = found {
            best = Some((position, index));
        }
    }
    best.map(|(_, index)| index)
}

/// The organisation a speaker written as a common noun stands for: the one named
/// last before the quote whose name ends in that noun (`the authority` → `Dutch
/// Data Protection Authority`), else, for `the company` and its like, the last named
/// that is not a public body, else the last named.
fn last_organization(entities: &[Entity], noun: &str, before: Position, blocks: &[Block]) -> Option<usize> {
    let ends_in_noun = |entity: &Entity| last_word(&entity.name).eq_ignore_ascii_case(noun);
    if let Some(index) = last_named(entities, EntityKind::Organization, before, blocks, ends_in_noun) {
        return Some(index);
    }
    // `The Teamsters union, which …, said … “…,” the union said`: a name written
    // before the noun.
    let before_noun = |entity: &Entity| {
        entity.mentions.iter().any(|mention| {
            let text = mention.block.and_then(|at| block_text(blocks, at)).unwrap_or_default();
            text.get(mention.end..).is_some_and(|after| {
                after.strip_prefix(' ').is_some_and(|after| {
                    after.get(..noun.len()).is_some_and(|word| word.eq_ignore_ascii_case(noun))
                        && !after[noun.len()..].starts_with(char::is_alphanumeric)
                })
            })
        })
    };
    if let Some(index) = last_named(entities, EntityKind::Organization, before, blocks, before_noun) {
        return Some(index);
    }
    let companies = lexicon::lower_lists(noun) & lower::COMPANY_NOUN != 0;
    last_named(entities, EntityKind::Organization, before, blocks, |entity| {
        !companies || !is_public_body(&entity.name)
    })
}

/// The person a speaker written as a title stands for: `the judge` is the person
/// last named with that title (or `Justice` for `judge`) before the quote.
fn last_titled_person(
    entities: &[Entity],
    noun: &str,
    before: Position,
    title: &str,
    blocks: &[Block],
) -> Option<usize> {
    if lexicon::lowercase_lists(noun) & lower::PERSON_TITLE == 0 {
        return None;
    }
    let titled = |text: &str, start: usize| {
        let before = text.get(..start).unwrap_or_default().trim_end();
        let word = last_word(before).trim_end_matches('.');
        word.eq_ignore_ascii_case(noun) || (noun == "judge" && word.eq_ignore_ascii_case("justice"))
    };
    let mut best: Option<(Position, usize)> = None;
    for (index, entity) in entities.iter().enumerate() {
        if entity.kind != EntityKind::Person {
            continue;
        }
        for mention in entity.mentions.iter() {
            let position = Position::of_mention(mention);
            if position >= before {
                break;
            }
            let text = match mention.block {
                None => Some(title),
                Some(at) => block_text(blocks, at),
            };
            if text.is_some_and(|text| titled(text, mention.start))
                && best.is_none_or(|(last, _)| last < position)
            {
                best = Some((position, index));
            }
        }
    }
    best.map(|(_, index)| index)
}

/// A government body, court, parliament, party or university rather than a firm:
/// by its last word, or the word before its `of` or `for` (`University of Reading`,
/// `U.S. Court of Appeals for the 7th Circuit`).
fn is_public_body(name: &str) -> bool {
    let before = |separator: &str| position_of(name, separator).unwrap_or(name.len());
    let head = &name[..before(" of ").min(before(" for "))];
    is_public_body_word(last_word(name)) || is_public_body_word(last_word(head))
}

fn is_public_body_word(word: &str) -> bool {
    matches!(
        word,
        "Commission"
            | "Court"
            | "Agency"
            | "Authority"
            | "Ministry"
            | "Department"
            | "Office"
            | "Bureau"
            | "Council"
            | "Board"
            | "Committee"
            | "Parliament"
            | "Senate"
            | "Congress"
            | "Party"
            | "Union"
            | "University"
            | "College"
            | "Police"
            | "Army"
            | "Navy"
            | "Tribunal"
            | "Administration"
            | "Assembly"
            | "Regulator"
            | "Government"
    )
}

/// The noun of a speaker written as a common noun for an organisation: `company`
/// in `the company`, `authority` in `a spokesperson for the authority`.
fn generic_speaker(speaker: &str) -> Option<&str> {
    // At most five words, none with a capital.
    if speaker.split_whitespace().nth(5).is_some() || speaker.chars().any(char::is_uppercase) {
        return None;
    }
    // `a company spokesperson`: the spokesperson speaks for the company, so the
    // company is looked for, not a person titled spokesperson.
    speaker.split_whitespace().rev().find(|word| {
        !lexicon::is_spokes_word(word)
            && lexicon::lower_lists(word) & (lower::ORGANIZATION_NOUN | lower::PERSON_TITLE) != 0
    })
}

fn speaker_entity(speaker: &str, entities: &[Entity], by_name: &FastMap<&str, usize>) -> Option<usize> {
    let speaker = speaker.trim();
    let speaker = if !speaker.is_ascii() && speaker.contains('’') {
        Cow::Owned(speaker.replace('’', "'"))
    } else {
        Cow::Borrowed(speaker)
    };
    if let Some(entity) = by_name.get(speaker.as_ref()) {
        return Some(*entity);
    }
    // Words of the speaker, each with whether it was possessive (`Meta's`): at most
    // twelve, kept on the stack.
    let mut words = [("", false); 12];
    let mut count = 0;
    for word in speaker.split_whitespace().take(words.len()) {
        let word = word.trim_matches(|character: char| !character.is_alphanumeric() && character != '\'');
        words[count] = match word.strip_suffix("'s") {
            Some(stem) => (stem, true),
            None => (word.trim_end_matches('\''), false),
        };
        count += 1;
    }
    let words = &words[..count];
    // Runs of words are looked up joined by single spaces, as names are written, in
    // one buffer: no run is longer than the speaker.
    let mut buffer = String::with_capacity(speaker.len());
    let mut phrase = |run: &[(&str, bool)]| -> Option<usize> {
        buffer.clear();
        for (index, (word, _)) in run.iter().enumerate() {
            if index > 0 {
                buffer.push(' ');
            }
            buffer.push_str(word);
        }
        by_name.get(buffer.as_str()).copied()
    };
    // `Saoirse Keane of the campaign group Open Rights Europe`: a person named first
    // is the speaker, whatever the description after.
    for end in (1..=words.len().min(5)).rev() {
        if let Some(entity) = phrase(&words[..end])
            && entities[entity].kind == EntityKind::Person
            && !words[end - 1].1
        {
            return Some(entity);
        }
    }
    // The longest run of words that names an entity.
    let mut best: Option<(usize, usize, usize)> = None;
    for start in 0..words.len() {
        for end in (start + 1..=words.len()).rev() {
            if best.is_some_and(|(best_start, best_end, _)| best_end - best_start >= end - start) {
                break;
            }
            if let Some(entity) = phrase(&words[start..end]) {
                best = Some((start, end, entity));
                break;
            }
        }
    }
    let (start, end, entity) = best?;
    let possessive = words[end - 1].1;
    match entities[entity].kind {
        // `Mayor Linda Okafor`, `Linda Okafor, the mayor`; not `Okafor's aide`.
        EntityKind::Person => (!possessive).then_some(entity),
        // `Meta spokesperson`, `a spokeswoman for Meta`, `Meta's press office`.
        EntityKind::Organization | EntityKind::Place => {
            let rest_speaks_for_it = words[..start].iter().chain(&words[end..]).all(|(word, _)| {
                lexicon::with_lowercase(word, |word| {
                    lexicon::is_spokes_word(word) || matches!(word, "a" | "an" | "the" | "for" | "of")
                })
            });
            rest_speaks_for_it.then_some(entity)
        }
    }
}

/// The distinct names of a document, with what is known of each.
struct Names<'a> {
    groups: Vec<Group<'a>>,
    index: FastMap<Cow<'a, str>, usize>,
    /// (acronym, long form) pairs written `Long Form (LF)`.
    abbreviations: Vec<(usize, usize)>,
}

struct Group<'a> {
    name: Cow<'a, str>,
    words: usize,
    evidence: Evidence,
    /// Some mention is not at a sentence's start.
    mid_sentence: bool,
    /// Some mention is outside title-case headlines.
    outside_headlines: bool,
    /// Index of the first candidate with this name.
    first: usize,
    kind: Option<EntityKind>,
    /// Never an entity nor another's name: a month, a nationality, a lone title.
    never: bool,
    /// The group this one is another name for (itself when it is not).
    root: usize,
    /// Mentions of this group and of the groups linked to it, once linking is done.
    mentions: usize,
    /// The index of its entity in the output (`usize::MAX` until it has one).
    entity: usize,
}

impl<'a> Names<'a> {
    fn add(&mut self, index: usize, candidate: &Candidate<'a>) -> usize {
        // One probe finds the name's group or makes room for a new one.
        let next = self.groups.len();
        let group = *self.index.entry(candidate.name.clone()).or_insert(next);
        if group == next {
            self.groups.push(Group {
                name: candidate.name.clone(),
                words: candidate.words,
                evidence: Evidence::default(),
                mid_sentence: false,
                outside_headlines: false,
                first: index,
                kind: None,
                never: false,
                root: group,
                mentions: 0,
                entity: usize::MAX,
            });
        }
        let entry = &mut self.groups[group];
        entry.evidence.add(candidate.evidence);
        entry.mid_sentence |= !candidate.initial;
        entry.outside_headlines |= !candidate.headline;
        group
    }

    fn root(&self, mut group: usize) -> usize {
        // Links only ever point at groups that are roots when made, and roots are
        // re-pointed at most once per linking step, so this is short.
        while self.groups[group].root != group {
            group = self.groups[group].root;
        }
        group
    }

    fn join(&mut self, group: usize, into: usize, kind: EntityKind) {
        let (group, into) = (self.root(group), self.root(into));
        if group == into {
            return;
        }
        self.groups[group].root = into;
        if self.groups[into].kind.is_none() {
            self.groups[into].kind = Some(kind);
        }
    }

    /// Gives each name its kind, or none when the evidence is too thin.
    fn decide(&mut self) {
        for group in &mut self.groups {
            let name = group.name.as_ref();
            // Each list is asked about the name once.
            let flags = lexicon::written_lists(name);
            let lower_flags = Cell::new(None);
            let lower_flags = || {
                let flags = lower_flags.get().unwrap_or_else(|| lexicon::lower_lists(name));
                lower_flags.set(Some(flags));
                flags
            };
            group.never = if group.words == 1 {
                flags & written::NOT_A_NAME != 0
                    || name.chars().nth(1).is_none()
                    || lexicon::is_generic(flags, lower_flags)
            } else {
                let last = last_word(name);
                group.words >= 2 && lexicon::written_lists(last) & written::LAW_SUFFIX != 0
            };
            group.kind = if group.never { None } else { kind_of(group, flags, lower_flags) };
        }
    }

    fn link(&mut self) {
        self.link_capitals();
        self.link_organization_forms();
        self.link_abbreviations();
        self.link_people();
    }

    /// A dateline's `NAIROBI` is the `Nairobi` of the text.
    fn link_capitals(&mut self) {
        let links: Vec<(usize, usize)> = self
            .groups
            .iter()
            .enumerate()
            .filter(|(index, group)| group.words <= 3 && group.root == *index && !group.never)
            .filter_map(|(index, group)| {
                let form = capitalised_form(&group.name)?;
                let other = *self.index.get(form.as_str())?;
                (self.groups[other].kind.is_some() && !self.groups[other].never).then_some((index, other))
            })
            .collect();
        for (short, long) in links {
            let kind = self.groups[self.root(long)].kind.unwrap_or(EntityKind::Place);
            self.join(short, long, kind);
        }
    }

    /// `Meta` and `Meta Platforms Inc` are `Meta Platforms Inc`.
    fn link_organization_forms(&mut self) {
        // Each organisation's name of two words or more, with its stem, found once.
        let long_names: Vec<(usize, &str)> = self
            .groups
            .iter()
            .enumerate()
            .filter(|(_, group)| group.kind == Some(EntityKind::Organization) && group.words >= 2)
            .map(|(index, group)| (index, organization_stem(&group.name)))
            .collect();
        if long_names.is_empty() {
            return;
        }
        // Stem → the longest organisation name with that stem and a word dropped.
        let mut longest: FastMap<&str, usize> =
            FastMap::with_capacity_and_hasher(long_names.len() * 2, Default::default());
        for &(index, stem) in &long_names {
            let group = &self.groups[index];
            if stem.len() < group.name.len() {
                let entry = longest.entry(stem).or_insert(index);
                if self.groups[*entry].words < group.words {
                    *entry = index;
                }
            }
        }
        // `St Aldhelm's` for `St Aldhelm's Hospital`: the words before a possessive.
        for &(index, _) in &long_names {
            let group = &self.groups[index];
            if group.words >= 3
                && let Some(possessive) = position_of(&group.name, "'s ")
            {
                longest.entry(&group.name[..possessive]).or_insert(index);
            }
        }
        // `Corvane` for `Corvane Health Systems`: the first word of one organisation's
        // name (when no other organisation's name starts with it; `Calloway Foods` and
        // `Calloway Foods Inc.` are one); `Eastbrook` for the `University of Eastbrook`.
        // Each word: the longest name it may stand for, its stem, and whether two
        // names with different stems share it (then it stands for neither).
        let mut by_word: FastMap<&str, (usize, &str, bool)> =
            FastMap::with_capacity_and_hasher(long_names.len() * 2, Default::default());
        for &(index, stem) in &long_names {
            let group = &self.groups[index];
            let name = group.name.as_ref();
            let first = first_word(name);
            let seat = ["University of ", "College of "]
                .iter()
                .find_map(|head| name.strip_prefix(head))
                .or_else(|| [" University", " College"].iter().find_map(|tail| name.strip_suffix(tail)))
                .filter(|seat| !seat.contains(' '));
            for word in std::iter::once(first).chain(seat) {
                let entry = by_word.entry(word).or_insert((index, stem, false));
                if entry.1 != stem {
                    entry.2 = true;
                } else if self.groups[entry.0].words < group.words {
                    entry.0 = index;
                }
            }
        }
        // `Coast Railways` for `Southern Coast Railways`, when a sentence's start cut
        // its first word: the tail of one longer organisation's name.
        let mut by_tail: FastMap<&str, (usize, bool)> =
            FastMap::with_capacity_and_hasher(long_names.len(), Default::default());
        for &(index, _) in &long_names {
            let group = &self.groups[index];
            if group.words >= 3
                && let Some((_, tail)) = group.name.split_once(' ')
            {
                let entry = by_tail.entry(tail).or_insert((index, false));
                entry.1 |= entry.0 != index;
            }
        }
        for (tail, (long, ambiguous)) in by_tail {
            if !ambiguous && self.index.contains_key(tail) {
                longest.entry(tail).or_insert(long);
            }
        }
        // `Central Bank` for the `Central Bank of Ireland`, `Arts Council` for `Arts
        // Council England`, `Liffey Mutual` for `Liffey Mutual Bank DAC`: the first
        // words of one longer organisation's name (two or more, not when two names
        // share them); and `Bank Nusantara Makmur` for `PT Bank Nusantara Makmur
        // Tbk`, a name without the legal form before it. Never a person's name
        // (`Reed Hastings` of the `Reed Hastings Foundation`).
        // Few names have two words or more, so each is compared with each long name
        // rather than every head of every long name hashed.
        for (short, group) in self.groups.iter().enumerate() {
            let head = group.name.as_ref();
            let may_be_short = group.words >= 2
                && group.root == short
                && !group.never
                && group.kind != Some(EntityKind::Person)
                && !longest.contains_key(head)
                && !head.ends_with(" of")
                && !head.ends_with(" for")
                && !head.ends_with(" and");
            if !may_be_short {
                continue;
            }
            let mut found = None;
            let mut ambiguous = false;
            for &(index, stem) in &long_names {
                let name = self.groups[index].name.as_ref();
                let first_words = index != short
                    && name.len() > head.len()
                    && name.starts_with(head)
                    && name.as_bytes()[head.len()] == b' ';
                let without_legal_form = matches!(first_word(name), "PT" | "CV" | "PJSC" | "OAO" | "OOO")
                    && stem.split_once(' ').is_some_and(|(_, rest)| rest == head);
                if first_words || without_legal_form {
                    ambiguous |= found.is_some_and(|found| found != index);
                    found = Some(index);
                }
            }
            if let Some(long) = found
                && !ambiguous
                && lexicon::written_lists(first_word(head)) & written::GIVEN_NAME == 0
            {
                longest.insert(head, long);
            }
        }
        // A word of a person's name is not an organisation's short form.
        let in_persons_name = |word: &str| {
            self.groups.iter().any(|group| {
                group.kind == Some(EntityKind::Person)
                    && group.words >= 2
                    && (first_word(&group.name) == word || last_word(&group.name) == word)
            })
        };
        for group in &self.groups {
            let weak_person = group.kind == Some(EntityKind::Person)
                && group.evidence.person < 3
                && by_word.get(group.name.as_ref()).is_some_and(|(_, _, ambiguous)| !ambiguous)
                && !in_persons_name(&group.name);
            let may_join = group.words == 1
                && !group.never
                && (weak_person || matches!(group.kind, None | Some(EntityKind::Organization)))
                && !longest.contains_key(group.name.as_ref());
            if may_join && let Some((long, _, false)) = by_word.get(group.name.as_ref()) {
                longest.insert(group.name.as_ref(), *long);
            }
        }
        let links: Vec<(usize, usize)> = self
            .groups
            .iter()
            .enumerate()
            .filter(|(_, group)| {
                // A weak guess of person (`Stridely said`) yields to `Stridely GmbH`.
                let weak_person = group.kind == Some(EntityKind::Person) && group.evidence.person < 3;
                !group.never && (weak_person || matches!(group.kind, None | Some(EntityKind::Organization)))
            })
            .filter_map(|(index, group)| {
                let long = *longest.get(organization_stem(&group.name))?;
                (long != index).then_some((index, long))
            })
            .collect();
        for (group, long) in links {
            self.join(group, long, EntityKind::Organization);
        }
    }

    /// `FTC` is the `Federal Trade Commission` it follows in parentheses, or whose
    /// initials it is.
    fn link_abbreviations(&mut self) {
        for (short, long) in std::mem::take(&mut self.abbreviations) {
            // A word in brackets (`Unicef`, `Bundesnetzagentur`) is another name only
            // for a body: `Jane Doe (Democrat)` gives her party, not her name. No
            // name in brackets is another for a dateline's city: `LONDON (AP)`
            // names the agency.
            let acronym = self.groups[short].name.chars().all(|character| !character.is_lowercase());
            let dateline = self.groups[long].name.chars().all(|character| !character.is_lowercase());
            if self.groups[short].words == 1
                && !self.groups[short].never
                && self.root(short) == short
                && short != long
                && !dateline
                && (acronym || self.groups[self.root(long)].kind == Some(EntityKind::Organization))
            {
                let kind = self.groups[self.root(long)].kind.unwrap_or(EntityKind::Organization);
                self.join(short, long, kind);
            }
        }
        // Single words in capitals (`EU`, `U.N.`), as their letters.
        let acronyms: Vec<(usize, String)> = self
            .groups
            .iter()
            .enumerate()
            .filter(|(index, group)| {
                group.words == 1
                    && !group.never
                    && group.root == *index
                    && group.name.chars().all(|character| character.is_uppercase() || character == '.')
            })
            .map(|(index, group)| (index, group.name.chars().filter(|character| *character != '.').collect()))
            .collect();
        if acronyms.is_empty() {
            return;
        }
        let mut by_initials: FastMap<String, Option<usize>> = FastMap::default();
        for (index, group) in self.groups.iter().enumerate() {
            let institution = matches!(group.kind, Some(EntityKind::Organization | EntityKind::Place));
            if institution && group.words >= 2 && group.root == index {
                let initials: String = words(&group.name)
                    .filter_map(|word| word.chars().next().filter(|first| first.is_uppercase()))
                    .collect();
                if initials.chars().count() >= 2 {
                    // Two names with the same initials: the acronym is neither's.
                    by_initials.entry(initials).and_modify(|entry| *entry = None).or_insert(Some(index));
                }
            }
        }
        for (short, acronym) in acronyms {
            if let Some(Some(long)) = by_initials.get(&acronym) {
                let kind = self.groups[*long].kind.unwrap_or(EntityKind::Organization);
                self.join(short, *long, kind);
            }
        }
    }

    /// `Zuckerberg` (and `Mark`) is `Mark Zuckerberg`; `Mark E. Zuckerberg` too.
    fn link_people(&mut self) {
        let mut by_word = ByWord::with_capacity(self.groups.len());
        let mut by_ends: FastMap<(&str, &str), usize> =
            FastMap::with_capacity_and_hasher(self.groups.len(), Default::default());
        for (index, group) in self.groups.iter().enumerate() {
            // Two- and three-word names that nothing typed, by their last word: `Tamsin
            // Feld` when `Feld` alone is a person (`Feld said`).
            if group.kind.is_none() && (2..=3).contains(&group.words) && group.root == index && !group.never {
                let last = last_word(&group.name);
                by_word.add(last, Part::UndecidedLast, index);
            }
            if group.kind != Some(EntityKind::Person) || group.words < 2 || group.root != index {
                continue;
            }
            let first = first_word(&group.name);
            let last = last_word(&group.name);
            by_word.add(last, Part::Last, index);
            // `Omar al-Bashir` is `Bashir` too.
            if let Some(stem) =
                ["al-", "el-", "Al-", "El-"].iter().find_map(|prefix| last.strip_prefix(prefix))
            {
                by_word.add(stem, Part::Last, index);
            }
            by_word.add(first, Part::First, index);
            // `Lula` for `Luiz Inácio Lula da Silva`: a capitalised middle name, between
            // the first space and the last.
            if let Some(middle) =
                group.name.get(first.len() + 1..group.name.len().saturating_sub(last.len() + 1))
            {
                for middle in middle.split(' ') {
                    if middle.chars().next().is_some_and(char::is_uppercase)
                        && middle.chars().nth(2).is_some()
                    {
                        by_word.add(middle, Part::Middle, index);
                    }
                }
            }
            let entry = by_ends.entry((first, last)).or_insert(index);
            if self.groups[*entry].words < group.words {
                *entry = index;
            }
        }
        let mut links: Vec<(usize, usize)> = Vec::new();
        for (index, group) in self.groups.iter().enumerate() {
            if group.root != index || group.never {
                continue;
            }
            if group.words >= 2 {
                if group.kind == Some(EntityKind::Person) {
                    let first = first_word(&group.name);
                    let last = last_word(&group.name);
                    if let Some(full) = by_ends.get(&(first, last)).filter(|full| **full != index) {
                        links.push((index, *full));
                    }
                }
                continue;
            }
            // A surname or given name alone, unless a list or its context says it is
            // something else (`Ford shares` beside `Henry Ford`).
            let other_kind = match group.kind {
                Some(EntityKind::Organization) => group.evidence.organization >= 2,
                Some(EntityKind::Place) => group.evidence.place >= 2,
                Some(EntityKind::Person) | None => false,
            };
            if other_kind {
                continue;
            }
            let name = group.name.as_ref();
            let undecided = || {
                (group.kind == Some(EntityKind::Person))
                    .then(|| by_word.get(name, Part::UndecidedLast))
                    .flatten()
            };
            let middle = || by_word.get(name, Part::Middle).filter(|people| people.count == 1);
            let Some(people) = by_word
                .get(name, Part::Last)
                .or_else(|| by_word.get(name, Part::First))
                .or_else(middle)
                .or_else(undecided)
            else {
                continue;
            };
            // The person named last before this name's first mention, else the first.
            let full = people
                .groups()
                .filter(|person| self.groups[*person].first < group.first)
                .max_by_key(|person| self.groups[*person].first)
                .unwrap_or(people.first());
            links.push((index, full));
        }
        for (group, full) in links {
            self.join(group, full, EntityKind::Person);
            self.groups[group].kind = Some(EntityKind::Person);
        }
    }
}

/// Which word of a person's name a word is, for [`ByWord`].
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Part {
    First,
    Last,
    Middle,
    /// The last word of a name that nothing typed.
    UndecidedLast,
}

/// The groups whose names have a word as their first, last or a middle word, in
/// the order added: each list is a chain through one pool, so that the many
/// short lists cost no allocation each.
struct ByWord<'a> {
    /// The first and last entries of each list in `pool`, and its length.
    lists: FastMap<(&'a str, Part), (usize, usize, usize)>,
    /// Each entry's group and the next entry of its list (`usize::MAX` at the end).
    pool: Vec<(usize, usize)>,
}

impl<'a> ByWord<'a> {
    fn with_capacity(capacity: usize) -> ByWord<'a> {
        ByWord {
            lists: FastMap::with_capacity_and_hasher(capacity, Default::default()),
            pool: Vec::with_capacity(capacity),
        }
    }

    fn add(&mut self, word: &'a str, part: Part, group: usize) {
        let entry = self.pool.len();
        self.pool.push((group, usize::MAX));
        let list = self.lists.entry((word, part)).or_insert((entry, entry, 0));
        if list.2 > 0 {
            self.pool[list.1].1 = entry;
            list.1 = entry;
        }
        list.2 += 1;
    }

    fn get(&self, word: &'a str, part: Part) -> Option<People<'_>> {
        let &(head, _, count) = self.lists.get(&(word, part))?;
        Some(People { pool: &self.pool, head, count })
    }
}

/// One list of [`ByWord`].
#[derive(Clone, Copy)]
struct People<'p> {
    pool: &'p [(usize, usize)],
    head: usize,
    count: usize,
}

impl People<'_> {
    fn first(&self) -> usize {
        self.pool[self.head].0
    }

    fn groups(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(self.head), |entry| {
            Some(self.pool[*entry].1).filter(|next| *next != usize::MAX)
        })
        .map(|entry| self.pool[entry].0)
    }
}

/// Whether `word` has a capital after its first letter that opens a new part of it
/// (`YouGov`, `PayPal`, `NBCUniversal`), other than the prefixes of family names
/// (`McDonald`, `MacArthur`, `DeSantis`, `LaGuardia`, `O'Brien`) and plural
/// acronyms (`MPs`, `CEOs`).
fn is_brand_spelling(word: &str) -> bool {
    let bytes = word.as_bytes();
    if bytes.len() < 4 || !bytes.iter().all(u8::is_ascii_alphanumeric) || !bytes[0].is_ascii_uppercase() {
        return false;
    }
    // Where a lowercase letter is followed by a capital, or a run of capitals by a
    // capital and a lowercase letter (`NBCUniversal`: the `U`).
    let Some(inner) = (1..bytes.len()).find(|&at| {
        bytes[at].is_ascii_uppercase()
            && (bytes[at - 1].is_ascii_lowercase()
                || (at >= 2
                    && bytes[at - 1].is_ascii_uppercase()
                    && bytes.get(at + 1..at + 3).is_some_and(|next| next.iter().all(u8::is_ascii_lowercase))))
    }) else {
        return false;
    };
    let prefix = &word[..inner];
    !matches!(prefix, "Mc" | "Mac" | "De" | "Di" | "Da" | "Du" | "La" | "Le" | "Van" | "Von" | "Fitz" | "St")
        && bytes[inner..].iter().any(u8::is_ascii_lowercase)
}

/// Whether `word` is a German compound naming an institution by its last part:
/// `Bundeskartellamt` (office), `Landgericht` (court), `Bundesnetzagentur`
/// (agency), `Commerzbank`.
fn is_institution_compound(word: &str) -> bool {
    const ENDINGS: [&str; 12] = [
        "amt",
        "ministerium",
        "gericht",
        "agentur",
        "behörde",
        "verband",
        "kammer",
        "polizei",
        "bank",
        "partei",
        "gewerkschaft",
        "stiftung",
    ];
    ENDINGS.iter().any(|ending| {
        word.len() >= ending.len() + 4
            && word.ends_with(ending)
            && word.is_char_boundary(word.len() - ending.len())
    })
}

/// A field a public body is named by, before the country or city it serves
/// (`Health Canada`, `Historic England`, `Transport for London`).
fn is_public_field(word: &str) -> bool {
    matches!(
        word,
        "Health"
            | "Sport"
            | "Sports"
            | "Tourism"
            | "Transport"
            | "Energy"
            | "Heritage"
            | "Housing"
            | "Education"
            | "Justice"
            | "Trade"
            | "Invest"
            | "Visit"
            | "Historic"
            | "Natural"
            | "Skills"
            | "Statistics"
            | "Fisheries"
            | "Forestry"
            | "Arts"
            | "Innovation"
            | "Creative"
            | "Environment"
    )
}

/// The words of a name, as `name.split(' ')` gives them, by a byte search that costs
/// less than `split`'s searcher on strings as short as names.
fn words(name: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(name);
    std::iter::from_fn(move || {
        let text = rest?;
        match text.as_bytes().iter().position(|byte| *byte == b' ') {
            Some(space) => {
                rest = Some(&text[space + 1..]);
                Some(&text[..space])
            }
            None => {
                rest = None;
                Some(text)
            }
        }
    })
}

/// The first word of a name, or the whole name: a name's words are parted by single
/// ASCII spaces, so a byte search finds them without the machinery of `split`.
fn first_word(name: &str) -> &str {
    split_first_word(name).map_or(name, |(first, _)| first)
}

/// The last word of a name, or the whole name (see [`first_word`]).
fn last_word(name: &str) -> &str {
    split_last_word(name).map_or(name, |(_, last)| last)
}

/// Where `needle` first stands in `name`, by comparing bytes: on strings as short
/// as names this costs less than setting up `str::find`'s searcher.
fn position_of(name: &str, needle: &str) -> Option<usize> {
    name.as_bytes().windows(needle.len()).position(|window| window == needle.as_bytes())
}

/// A name of two words or more as its first word and the words after it.
fn split_first_word(name: &str) -> Option<(&str, &str)> {
    let space = name.as_bytes().iter().position(|byte| *byte == b' ')?;
    Some((&name[..space], &name[space + 1..]))
}

/// A name of two words or more as the words before its last one and its last.
fn split_last_word(name: &str) -> Option<(&str, &str)> {
    let space = name.as_bytes().iter().rposition(|byte| *byte == b' ')?;
    Some((&name[..space], &name[space + 1..]))
}

/// The name without the words a short form leaves out: `Meta Platforms Inc` → `Meta`.
fn organization_stem(name: &str) -> &str {
    let mut stem = name;
    while let Some((head, last)) = split_last_word(stem) {
        if lexicon::written_lists(last) & written::DROPPABLE_SUFFIX == 0 {
            break;
        }
        stem = head;
    }
    stem
}

/// A word in capitals (`NAIROBI`, `BRUSSELS`) written as a name (`Nairobi`), when it
/// is one of at least three letters. A dateline of two words or three (`NEW YORK`,
/// `SÃO PAULO`) is written word by word the same way (`New York`, `São Paulo`).
fn capitalised_form(name: &str) -> Option<String> {
    let capitals = |word: &str| {
        word.chars().nth(1).is_some()
            && word.chars().all(|character| character.is_uppercase() || !character.is_alphabetic())
            && word.chars().any(char::is_alphabetic)
    };
    // Most names have a lowercase ASCII letter: refused by one pass over the bytes.
    if name.len() < 3 || name.bytes().any(|byte| byte.is_ascii_lowercase()) || !words(name).all(capitals) {
        return None;
    }
    let mut form = String::with_capacity(name.len());
    for (index, word) in words(name).enumerate() {
        if index > 0 {
            form.push(' ');
        }
        let mut characters = word.chars();
        form.extend(characters.next());
        form.extend(characters.flat_map(char::to_lowercase));
    }
    Some(form)
}

/// The place and organisation lists a word in capitals is on as a name: a
/// dateline's `NAIROBI` is a place.
fn dateline_flags(word: &str) -> u32 {
    capitalised_form(word).map_or(0, |form| lexicon::written_lists(&form) & written::PLACE)
}

/// The kind a name's own words and its mentions' evidence give it, if they are
/// enough. `flags` are the lists the name is on as written; `lower_flags` gives
/// those it is on lowercased.
fn kind_of(group: &Group, flags: u32, lower_flags: impl Fn() -> u32) -> Option<EntityKind> {
    let name = group.name.as_ref();
    let mut evidence = group.evidence;
    // A dateline's `NAIROBI` is the `Nairobi` of the lists.
    let flags = if group.words <= 3 { flags | dateline_flags(name) } else { flags };
    let known_organization = flags & written::ORGANIZATION != 0;
    let known_place = flags & written::PLACE != 0;
    let mut listed = known_organization || known_place;
    if known_organization {
        evidence.organization += 4;
    }
    if known_place {
        evidence.place += 4;
    }
    let mut given = false;
    let known = known_organization || known_place;
    if group.words >= 2 {
        // One pass over the words: the first's and the last's lists, the word
        // before the first `of` or `for`, and whether an organisation's word
        // stands inside (`BBC Radio Bristol`).
        let (mut first_flags, mut last_flags, mut head_flags, mut inner_suffix) = (0, 0, None, false);
        let (mut previous, mut previous_flags) = ("", 0);
        for (index, word) in words(name).enumerate() {
            if matches!(word, "of" | "for") {
                if head_flags.is_none() {
                    head_flags = Some((previous, previous_flags));
                }
                previous = word;
                previous_flags = 0;
                continue;
            }
            let flags = if word.starts_with(char::is_uppercase) { lexicon::written_lists(word) } else { 0 };
            if index == 0 {
                first_flags = flags;
            } else {
                inner_suffix |= previous_flags & written::ORGANIZATION_SUFFIX != 0;
            }
            (previous, previous_flags, last_flags) = (word, flags, flags);
        }
        given = first_flags & written::GIVEN_NAME != 0;
        // `The Lancet`, `The Hindu`: a capitalised article inside a sentence opens
        // a title, most often an outlet's or a band's.
        if group.mid_sentence && name.starts_with("The ") && !known_place {
            evidence.organization += 2;
        }
        if last_flags & written::ORGANIZATION_SUFFIX != 0 || first_flags & written::ORGANIZATION_HEAD != 0 {
            evidence.organization += 3;
            listed = true;
        }
        if last_flags & written::PLACE_SUFFIX != 0 || first_flags & written::PLACE_HEAD != 0 {
            evidence.place += 3;
            listed = true;
        }
        if given {
            evidence.person += 2;
            listed = true;
        }
        // `Supreme Court of Canada`, `Port of Rotterdam`: unless its last word says
        // what the whole is, the word before `of` or `for` does.
        // A name after `of` (`Canada`, `Colorado`) says nothing of the whole.
        let last_says = last_flags & (written::ORGANIZATION_SUFFIX | written::PLACE_SUFFIX) != 0;
        if let Some((head, head_flags)) = head_flags.filter(|_| !last_says) {
            if head_flags & written::ORGANIZATION_SUFFIX != 0
                || matches!(head, "House" | "Centre" | "Center" | "Chamber" | "Campaign")
            {
                evidence.organization += 3;
                listed = true;
            } else if head_flags & (written::PLACE_SUFFIX | written::PLACE_HEAD) != 0 {
                evidence.place += 3;
                listed = true;
            }
        }
        // `BBC Radio Bristol`, but not `Parliament House` or `Police Station`: a
        // place's last word says what the whole is.
        if inner_suffix && last_flags & written::PLACE_SUFFIX == 0 {
            evidence.organization += 2;
        }
        // `NHS England`, `CoreMetrics Australia`, `GenePrivacy UK`: a name and the
        // country or city it serves is a body's, unless the first word is a given
        // name (`Kevin Jordan`), a place or an ordinary word (`South Australia`).
        // `Health New Zealand`, `Sport England`, `Tourism Australia`: a public body
        // named by its field and the country it serves.
        let rest = split_first_word(name).map_or("", |(_, rest)| rest);
        let place_after_first = last_flags & written::PLACE != 0
            || (group.words >= 3 && lexicon::written_lists(rest) & written::PLACE != 0);
        if place_after_first && !known {
            let first = first_word(name);
            let ordinary = first_flags
                & (written::GIVEN_NAME | written::PLACE | written::PLACE_HEAD | written::NOT_A_NAME)
                != 0
                || (first_flags & written::ORGANIZATION == 0
                    && !is_public_field(first)
                    && lexicon::lower_lists(first) & lower::COMMON != 0);
            if !ordinary {
                evidence.organization += 3;
                listed = true;
            }
        }
    } else if name.chars().all(|character| matches!(character, 'I' | 'V' | 'X' | 'L' | 'C')) {
        // A Roman numeral: `siglo XX`, `Henry VIII`.
        return None;
    } else if name.chars().filter(|character| character.is_alphabetic()).all(char::is_uppercase) {
        // An acronym that speaks or is spoken of is an institution (`the FTC
        // said`), seldom a person; one with no cue at all is as often a technical
        // term (`HDMI`, `POSIX`) and is left out unless a list or a long form
        // names it.
        evidence.organization += evidence.person;
        evidence.person = 0;
    }
    if !known && words(name).any(is_brand_spelling) {
        // `YouGov`, `DataWorks Plus`, `NBCUniversal`: a capital inside a word is how
        // companies and products spell their names, not people (`McDonald` and
        // `DeSantis` are left out by `is_brand_spelling`).
        evidence.organization += 2;
        listed = true;
    }
    if group.words == 1 && !known && is_institution_compound(name) {
        // `Bundeskartellamt`, `Oberlandesgericht`, `Commerzbank`
        evidence.organization += 3;
        listed = true;
    }
    if group.words >= 2
        && !known
        && matches!(first_word(name), "Der" | "Die" | "Das" | "El" | "Il" | "La" | "Le" | "Les" | "Het")
    {
        // `Der Spiegel`, `Le Monde`, `El País`: in an English text, a name that
        // opens with another language's article is most often a title, an outlet's.
        evidence.organization += 2;
    }
    if group.words == 1 && !known && name.len() > 6 && name.ends_with("shire") {
        // `Herefordshire`, `Lancashire`
        evidence.place += 3;
        listed = true;
    }
    if group.words == 1 && !known {
        // A capitalised ordinary word (`Day`, `Photos`) is a name only when linked
        // to one; a place by context alone (`in X`) needs it said twice.
        if lower_flags() & lower::COMMON != 0 {
            return None;
        }
        if evidence.place < 2 {
            evidence.place = 0;
        }
    }
    let Evidence { person, organization, place } = evidence;
    let best = person.max(organization).max(place);
    // Only ever at a sentence's start: capitalised for that alone, unless a list,
    // the name's words or strong context say otherwise. Only in title-case
    // headlines: capitalised anyway, so only the lists count.
    if best == 0 || (!group.mid_sentence && !listed && best < 2) || (!group.outside_headlines && !known) {
        return None;
    }
    let kind = if person == best && given {
        EntityKind::Person
    } else if organization == best {
        EntityKind::Organization
    } else if place == best {
        EntityKind::Place
    } else {
        EntityKind::Person
    };
    Some(kind)
}

#[cfg(test)]
mod tests;
