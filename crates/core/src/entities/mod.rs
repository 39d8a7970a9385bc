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

use crate::model::{Block, Document, Entity, EntityKind, Mention, Quote};
use lexicon::{FastMap, lower, written};
use scan::{Candidate, Evidence, TextKind};

/// The entities `document` names, in order of their first mention, each once with
/// every mention; quotes' `speaker_entity` is set from the result by
/// [`link_speakers`].
pub(crate) fn find<'d>(document: &'d Document) -> Vec<Entity> {
    // Sized for a typical article, so that neither grows many times: about one word
    // in six bytes, one candidate in sixty.
    let length = document.title.len() + document.blocks.iter().map(block_length).sum::<usize>();
    let mut buffers = scan::Buffers::with_capacity(length.min(scan::WINDOW) / 6);
    let mut candidates: Vec<Candidate<'d>> = Vec::with_capacity(length / 60);
    // Where each candidate stands: its block (none for the title) and the offset
    // of the scanned text in that block's `Block::text()`.
    let mut places: Vec<(Option<usize>, usize)> = Vec::with_capacity(length / 60);
    let mut scan_text = |text: &'d str, kind, block, base, candidates: &mut Vec<Candidate<'d>>| {
        let before = candidates.len();
        scan::scan(text, kind, &mut buffers, candidates);
        places.extend(std::iter::repeat_n((block, base), candidates.len() - before));
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
    let mut names = Names {
        groups: Vec::with_capacity(candidates.len()),
        index: FastMap::with_capacity_and_hasher(candidates.len(), Default::default()),
        abbreviations: Vec::new(),
    };
    let group_of: Vec<usize> =
        candidates.iter().enumerate().map(|(index, candidate)| names.add(index, candidate)).collect();
    for (index, candidate) in candidates.iter().enumerate() {
        if let Some(long) = candidate.abbreviates {
            names.abbreviations.push((group_of[index], group_of[long]));
        }
    }
    names.decide();
    names.link();

    // Each candidate's root, and how many mentions each root has, so that every
    // list is allocated once at its size.
    let roots: Vec<usize> = group_of.iter().map(|group| names.root(*group)).collect();
    let mut mentions_of_root = vec![0usize; names.groups.len()];
    for root in &roots {
        mentions_of_root[*root] += 1;
    }
    let mut entities: Vec<Entity> = Vec::new();
    let mut entity_of_root = vec![usize::MAX; names.groups.len()];
    for (index, candidate) in candidates.iter().enumerate() {
        let group = group_of[index];
        let root = roots[index];
        let Some(kind) = names.groups[root].kind else {
            continue;
        };
        if entity_of_root[root] == usize::MAX {
            entity_of_root[root] = entities.len();
            entities.push(Entity {
                kind,
                name: names.groups[root].name.clone().into_owned(),
                aliases: Vec::new(),
                mentions: Vec::with_capacity(mentions_of_root[root]),
            });
        }
        let entity = &mut entities[entity_of_root[root]];
        let name = &names.groups[group].name;
        if *name != entity.name && !entity.aliases.iter().any(|alias| alias == name) {
            entity.aliases.push(name.clone().into_owned());
        }
        let (block, base) = places[index];
        entity.mentions.push(Mention { block, start: base + candidate.start, end: base + candidate.end });
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
/// organisation a spokesperson speaks for (`Meta spokesperson`).
pub(crate) fn link_speakers(quotes: &mut [Quote], entities: &[Entity], title: &str, blocks: &[Block]) {
    let mut by_name: FastMap<&str, usize> = FastMap::default();
    for (index, entity) in entities.iter().enumerate() {
        by_name.entry(entity.name.as_str()).or_insert(index);
        for alias in &entity.aliases {
            by_name.entry(alias.as_str()).or_insert(index);
        }
    }
    // `the company said` and `the judge said` look through the entities and their
    // mentions for each such quote; on a hostile document with thousands of both,
    // that work is capped.
    let mut budget = 1_000_000usize;
    let cost = entities.len() + entities.iter().map(|entity| entity.mentions.len()).sum::<usize>();
    for quote in quotes {
        let speaker = quote.speaker.as_deref();
        quote.speaker_entity = speaker.and_then(|speaker| {
            speaker_entity(speaker, entities, &by_name).or_else(|| {
                let noun = generic_speaker(speaker)?;
                budget = budget.checked_sub(cost)?;
                if lexicon::lowercase_lists(noun) & lower::ORGANIZATION_NOUN != 0 {
                    last_organization(entities, noun, quote.block)
                } else {
                    last_titled_person(entities, noun, quote.block, title, blocks)
                }
            })
        });
    }
}

/// The organisation a speaker written as a common noun stands for: the one named
/// last up to the quote's block whose name ends in that noun (`the authority` →
/// `Dutch Data Protection Authority`), else, for `the company` and its like, the
/// last named that is not a public body, else the last named.
fn last_organization(entities: &[Entity], noun: &str, block: usize) -> Option<usize> {
    // The position of an entity's last mention up to the quote's block; mentions
    // are in reading order, so a binary search finds it.
    let last_mention = |entity: &Entity| {
        let count = entity.mentions.partition_point(|mention| mention.block.is_none_or(|at| at <= block));
        count.checked_sub(1).map(|index| {
            let mention = &entity.mentions[index];
            (mention.block.map_or(0, |at| at + 1), mention.start)
        })
    };
    let organizations = || {
        entities
            .iter()
            .enumerate()
            .filter(|(_, entity)| entity.kind == EntityKind::Organization)
            .filter_map(|(index, entity)| last_mention(entity).map(|position| (position, index, entity)))
    };
    let named = organizations()
        .filter(|(_, _, entity)| {
            entity.name.rsplit(' ').next().is_some_and(|last| last.eq_ignore_ascii_case(noun))
        })
        .max_by_key(|(position, _, _)| *position);
    if let Some((_, index, _)) = named {
        return Some(index);
    }
    let companies = lexicon::lower_lists(noun) & lower::COMPANY_NOUN != 0;
    organizations()
        .filter(|(_, _, entity)| !companies || !is_public_body(&entity.name))
        .max_by_key(|(position, _, _)| *position)
        .map(|(_, index, _)| index)
}

/// The person a speaker written as a title stands for: `the judge` is the person
/// last named with that title (or `Justice` for `judge`) up to the quote's block.
fn last_titled_person(
    entities: &[Entity],
    noun: &str,
    block: usize,
    title: &str,
    blocks: &[Block],
) -> Option<usize> {
    if lexicon::lowercase_lists(noun) & lower::PERSON_TITLE == 0 {
        return None;
    }
    let titled = |text: &str, start: usize| {
        let before = text.get(..start).unwrap_or_default().trim_end();
        let word = before.rsplit(' ').next().unwrap_or_default().trim_end_matches('.');
        word.eq_ignore_ascii_case(noun) || (noun == "judge" && word.eq_ignore_ascii_case("justice"))
    };
    let mut best: Option<((usize, usize), usize)> = None;
    for (index, entity) in entities.iter().enumerate() {
        if entity.kind != EntityKind::Person {
            continue;
        }
        for mention in entity.mentions.iter().take_while(|mention| mention.block.is_none_or(|at| at <= block))
        {
            let text = match mention.block {
                None => Some(title),
                Some(at) => match blocks.get(at) {
                    Some(
                        Block::Paragraph { text } | Block::Heading { text, .. } | Block::Quote { text, .. },
                    ) => Some(text.as_str()),
                    _ => None,
                },
            };
            let position = (mention.block.map_or(0, |at| at + 1), mention.start);
            if text.is_some_and(|text| titled(text, mention.start))
                && best.is_none_or(|(last, _)| last < position)
            {
                best = Some((position, index));
            }
        }
    }
    best.map(|(_, index)| index)
}

/// A government body, court, parliament, party or university rather than a firm.
fn is_public_body(name: &str) -> bool {
    matches!(
        name.rsplit(' ').next().unwrap_or_default(),
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
    let words: Vec<&str> = speaker.split_whitespace().collect();
    if words.len() > 5 || words.iter().any(|word| word.chars().any(char::is_uppercase)) {
        return None;
    }
    words
        .into_iter()
        .rev()
        .find(|word| lexicon::lower_lists(word) & (lower::ORGANIZATION_NOUN | lower::PERSON_TITLE) != 0)
}

fn speaker_entity(speaker: &str, entities: &[Entity], by_name: &FastMap<&str, usize>) -> Option<usize> {
    let speaker = speaker.trim().replace('’', "'");
    if let Some(entity) = by_name.get(speaker.as_str()) {
        return Some(*entity);
    }
    // Words of the speaker, each with whether it was possessive (`Meta's`).
    let words: Vec<(&str, bool)> = speaker
        .split_whitespace()
        .take(12)
        .map(|word| {
            let word = word.trim_matches(|character: char| !character.is_alphanumeric() && character != '\'');
            match word.strip_suffix("'s") {
                Some(stem) => (stem, true),
                None => (word.trim_end_matches('\''), false),
            }
        })
        .collect();
    // The longest run of words that names an entity.
    let mut best: Option<(usize, usize, usize)> = None;
    for start in 0..words.len() {
        for end in (start + 1..=words.len()).rev() {
            if best.is_some_and(|(best_start, best_end, _)| best_end - best_start >= end - start) {
                break;
            }
            let phrase = words[start..end].iter().map(|(word, _)| *word).collect::<Vec<_>>().join(" ");
            if let Some(entity) = by_name.get(phrase.as_str()) {
                best = Some((start, end, *entity));
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
                let last = name.rsplit(' ').next().unwrap_or_default();
                group.words >= 2 && lexicon::written_lists(last) & written::LAW_SUFFIX != 0
            };
            group.kind = if group.never { None } else { kind_of(group, flags, lower_flags) };
        }
    }

    fn link(&mut self) {
        self.link_organization_forms();
        self.link_abbreviations();
        self.link_people();
    }

    /// `Meta` and `Meta Platforms Inc` are `Meta Platforms Inc`.
    fn link_organization_forms(&mut self) {
        // Stem → the longest organisation name with that stem and a word dropped.
        let mut longest: FastMap<&str, usize> = FastMap::default();
        for (index, group) in self.groups.iter().enumerate() {
            if group.kind != Some(EntityKind::Organization) || group.words < 2 {
                continue;
            }
            let stem = organization_stem(&group.name);
            if stem.len() < group.name.len() {
                let entry = longest.entry(stem).or_insert(index);
                if self.groups[*entry].words < group.words {
                    *entry = index;
                }
            }
        }
        // `Corvane` for `Corvane Health Systems`: the first word of one organisation's
        // name (when no other organisation's name starts with it).
        let mut by_first_word: FastMap<&str, Option<usize>> = FastMap::default();
        for (index, group) in self.groups.iter().enumerate() {
            if group.kind == Some(EntityKind::Organization) && group.words >= 2 {
                let first = group.name.split(' ').next().unwrap_or_default();
                by_first_word.entry(first).and_modify(|entry| *entry = None).or_insert(Some(index));
            }
        }
        for group in &self.groups {
            let may_join = group.words == 1
                && !group.never
                && matches!(group.kind, None | Some(EntityKind::Organization))
                && !longest.contains_key(group.name.as_ref());
            if may_join && let Some(Some(long)) = by_first_word.get(group.name.as_ref()) {
                longest.insert(group.name.as_ref(), *long);
            }
        }
        if longest.is_empty() {
            return;
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
            if self.groups[short].words == 1
                && !self.groups[short].never
                && self.root(short) == short
                && short != long
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
                let initials: String = group
                    .name
                    .split(' ')
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
        let mut by_ends: FastMap<(&str, &str), usize> = FastMap::default();
        for (index, group) in self.groups.iter().enumerate() {
            // Two- and three-word names that nothing typed, by their last word: `Tamsin
            // Feld` when `Feld` alone is a person (`Feld said`).
            if group.kind.is_none() && (2..=3).contains(&group.words) && group.root == index && !group.never {
                let last = group.name.rsplit(' ').next().unwrap_or_default();
                by_word.add(last, Part::UndecidedLast, index);
            }
            if group.kind != Some(EntityKind::Person) || group.words < 2 || group.root != index {
                continue;
            }
            let first = group.name.split(' ').next().unwrap_or_default();
            let last = group.name.rsplit(' ').next().unwrap_or_default();
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
                    let first = group.name.split(' ').next().unwrap_or_default();
                    let last = group.name.rsplit(' ').next().unwrap_or_default();
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
        ByWord { lists: FastMap::with_capacity_and_hasher(capacity, Default::default()), pool: Vec::new() }
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

/// The name without the words a short form leaves out: `Meta Platforms Inc` → `Meta`.
fn organization_stem(name: &str) -> &str {
    let mut stem = name;
    while let Some((head, last)) = stem.rsplit_once(' ') {
        if lexicon::written_lists(last) & written::DROPPABLE_SUFFIX == 0 {
            break;
        }
        stem = head;
    }
    stem
}

/// The kind a name's own words and its mentions' evidence give it, if they are
/// enough. `flags` are the lists the name is on as written; `lower_flags` gives
/// those it is on lowercased.
fn kind_of(group: &Group, flags: u32, lower_flags: impl Fn() -> u32) -> Option<EntityKind> {
    let name = group.name.as_ref();
    let mut evidence = group.evidence;
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
    if group.words >= 2 {
        // One pass over the words: the first's and the last's lists, the word
        // before the first `of` or `for`, and whether an organisation's word
        // stands inside (`BBC Radio Bristol`).
        let (mut first_flags, mut last_flags, mut head_flags, mut inner_suffix) = (0, 0, None, false);
        let (mut previous, mut previous_flags) = ("", 0);
        for (index, word) in name.split(' ').enumerate() {
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
        let last_says = last_flags
            & (written::ORGANIZATION_SUFFIX | written::PLACE_SUFFIX | written::ORGANIZATION | written::PLACE)
            != 0;
        if let Some((head, head_flags)) = head_flags.filter(|_| !last_says) {
            if head_flags & written::ORGANIZATION_SUFFIX != 0 || head == "House" {
                evidence.organization += 3;
                listed = true;
            } else if head_flags & (written::PLACE_SUFFIX | written::PLACE_HEAD) != 0 {
                evidence.place += 3;
                listed = true;
            }
        }
        if inner_suffix {
            evidence.organization += 2;
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
    let known = known_organization || known_place;
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
