//! Following a story across the archive: which real-world entity each
//! document's entities are, the quotes and dated events the documents report,
//! and the corrections people make to entities.
//!
//! A document model names its entities by the names that document uses ("Mark
//! Zuckerberg", also "Zuckerberg"). Across documents, one entity is every name
//! that resolves to it in the `entity_names` table: a document's entity is the
//! stored entity its name — or, failing that, one of its aliases — resolves to,
//! and a new entity otherwise. Names are compared normalised (`name_key`).
//!
//! Entities and their names are never rebuilt from documents: `merge` points
//! one entity's names at another, and `rename` changes the name shown, so both
//! keep applying when a document is parsed again or a new one names the entity.

use std::collections::HashMap;

use dossier_core::{Document, EntityKind};
use serde::Serialize;

use crate::plan::Plan;
use crate::{Backend, Error, Result, Store, postgres, sqlite};

/// A name compared across documents: lower case, letters and digits only,
/// words separated by one space, diacritics kept ("Müller" is not "Muller").
pub(crate) fn name_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    for word in name.split(|c: char| !c.is_alphanumeric()).filter(|word| !word.is_empty()) {
        if !key.is_empty() {
            key.push(' ');
        }
        key.extend(word.chars().flat_map(char::to_lowercase));
    }
    key
}

/// What identifies a quote's words across outlets: the words, compared as names
/// are (`name_key`), hashed. Case, punctuation, typographic quotes and spacing
/// do not change it.
pub(crate) fn quote_digest(text: &str) -> String {
    let key = name_key(text);
    crate::import::sha256_hex(key.as_bytes())[..32].to_owned()
}

pub(crate) fn kind_name(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "person",
        EntityKind::Organization => "organization",
        EntityKind::Place => "place",
    }
}

pub(crate) fn parse_kind(kind: &str) -> Option<EntityKind> {
    match kind {
        "person" | "people" | "persons" => Some(EntityKind::Person),
        "organization" | "organisation" | "organizations" | "organisations" | "org" => {
            Some(EntityKind::Organization)
        }
        "place" | "places" => Some(EntityKind::Place),
        _ => None,
    }
}

/// Whether an alias may stand for its entity across the archive. A person's
/// one-word alias ("Zuckerberg", "Mark") names them within one document only:
/// another article's "Klein" may be someone else.
fn alias_is_global(kind: EntityKind, alias_key: &str) -> bool {
    kind != EntityKind::Person || alias_key.contains(' ')
}

/// The names a batch's documents need resolved: (kind, key) of every entity's
/// name and aliases.
pub(crate) fn names_wanted(written: &[(i64, &Document)]) -> Vec<(&'static str, String)> {
    let mut wanted: Vec<(&'static str, String)> = written
        .iter()
        .flat_map(|(_, document)| &document.entities)
        .flat_map(|entity| {
            let kind = kind_name(entity.kind);
            std::iter::once(&entity.name).chain(&entity.aliases).map(move |name| (kind, name_key(name)))
        })
        .filter(|(_, key)| !key.is_empty())
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    wanted
}

/// The documents a plan writes, with the ids of those whose story rows are
/// replaced (the stored ones given a new text).
pub(crate) fn written<'a>(plan: &Plan<'a>) -> (Vec<(i64, &'a Document)>, Vec<i64>) {
    let written =
        plan.inserts.iter().chain(&plan.updates).map(|row| (row.id, &row.prepared.document)).collect();
    (written, plan.updates.iter().map(|row| row.id).collect())
}

/// The rows that index a batch's documents, entities resolved.
#[derive(Debug, Default)]
pub(crate) struct StoryRows<'a> {
    /// New entities: (id, kind, name).
    pub(crate) entities: Vec<(i64, &'static str, &'a str)>,
    /// New names: (kind, key, name, entity).
    pub(crate) names: Vec<(&'static str, String, &'a str, i64)>,
    /// (entity, document, position, mentions).
    pub(crate) mentions: Vec<(i64, i64, i64, i64)>,
    pub(crate) quotes: Vec<QuoteRow<'a>>,
    pub(crate) events: Vec<EventRow<'a>>,
}

#[derive(Debug)]
pub(crate) struct QuoteRow<'a> {
    pub(crate) document_id: i64,
    pub(crate) position: i64,
    pub(crate) text: &'a str,
    pub(crate) speaker: Option<&'a str>,
    pub(crate) entity_id: Option<i64>,
    pub(crate) digest: String,
}

#[derive(Debug)]
pub(crate) struct EventRow<'a> {
    pub(crate) document_id: i64,
    pub(crate) position: i64,
    pub(crate) date: &'a str,
    pub(crate) approximate: bool,
    pub(crate) text: &'a str,
}

impl<'a> StoryRows<'a> {
    /// Resolves the entities of the `written` documents, in order, through
    /// `known` — the stored (kind, key) → entity answers for `names_wanted` —
    /// numbering new entities from `next_id`.
    pub(crate) fn new(
        written: &[(i64, &'a Document)],
        mut known: HashMap<(String, String), i64>,
        mut next_id: i64,
    ) -> StoryRows<'a> {
        let mut rows = StoryRows::default();
        for &(id, document) in written {
            let row_id = id;
            let mut resolved = Vec::with_capacity(document.entities.len());
            for (position, entity) in document.entities.iter().enumerate() {
                let kind = kind_name(entity.kind);
                let names: Vec<(&'a str, String)> = std::iter::once(&entity.name)
                    .chain(&entity.aliases)
                    .map(|name| (name.as_str(), name_key(name)))
                    .filter(|(_, key)| !key.is_empty())
                    .collect();
                if names.is_empty() {
                    resolved.push(None);
                    continue;
                }
                let found =
                    names.iter().find_map(|(_, key)| known.get(&(kind.to_owned(), key.clone())).copied());
                let id = found.unwrap_or_else(|| {
                    let id = next_id;
                    next_id += 1;
                    rows.entities.push((id, kind, entity.name.as_str()));
                    id
                });
                for (index, (name, key)) in names.into_iter().enumerate() {
                    if index > 0 && !alias_is_global(entity.kind, &key) {
                        continue;
                    }
                    let slot = (kind.to_owned(), key);
                    if !known.contains_key(&slot) {
                        known.insert(slot.clone(), id);
                        rows.names.push((kind, slot.1, name, id));
                    }
                }
                rows.mentions.push((id, row_id, position as i64, entity.mentions.len().max(1) as i64));
                resolved.push(Some(id));
            }
            for (position, quote) in document.quotes.iter().enumerate() {
                if quote.text.trim().is_empty() {
                    continue;
                }
                let digest = quote_digest(&quote.text);
                rows.quotes.push(QuoteRow {
                    document_id: row_id,
                    position: position as i64,
                    text: &quote.text,
                    speaker: quote.speaker.as_deref(),
                    entity_id: quote.speaker_entity.and_then(|index| resolved.get(index).copied().flatten()),
                    digest,
                });
            }
            for (position, event) in document.events.iter().enumerate() {
                rows.events.push(EventRow {
                    document_id: row_id,
                    position: position as i64,
                    date: &event.date,
                    approximate: event.approximate,
                    text: &event.text,
                });
            }
        }
        rows
    }
}

/// Decodes backlog models; a corrupt one is logged and left unindexed.
/// Each row is a document's id, model and the original it was compressed against.
pub(crate) fn decode_backlog(rows: Vec<(i64, Vec<u8>, Option<Vec<u8>>)>) -> Vec<(i64, Document)> {
    rows.into_iter()
        .filter_map(|(id, model, original)| {
            match crate::import::decode_model(id, &model, original.as_deref()) {
                Ok(document) => Some((id, document)),
                Err(error) => {
                    tracing::warn!(%error, "document left out of the entity index");
                    None
                }
            }
        })
        .collect()
}

/// An entity as listed: how many documents name it and how many quotes it spoke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntitySummary {
    pub id: i64,
    pub kind: EntityKind,
    pub name: String,
    pub documents: i64,
    pub quotes: i64,
}

/// One entity with everything the archive says about it.
#[derive(Debug, Clone, Serialize)]
pub struct EntityPage {
    pub entity: EntitySummary,
    /// The other names that resolve to it, as first written.
    pub aliases: Vec<String>,
    /// The documents naming it, most recently published first (at most
    /// `ENTITY_DOCUMENTS`; `entity.documents` is the whole count).
    pub documents: Vec<EntityDocument>,
    /// Its quotes, each once however many outlets printed it.
    pub quotes: Vec<QuoteGroup>,
    /// The entities named in the most documents with it, with that count.
    pub related: Vec<(EntitySummary, i64)>,
    /// Dated events whose sentence names it, in date order.
    pub timeline: Vec<TimelineEvent>,
}

/// Documents shown on an entity's page.
pub const ENTITY_DOCUMENTS: i64 = 200;
/// Related entities shown on an entity's page.
pub const RELATED_ENTITIES: i64 = 24;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityDocument {
    pub id: i64,
    pub title: String,
    pub site: Option<String>,
    pub published: Option<String>,
}

/// A quote as printed by one or more documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuoteGroup {
    pub text: String,
    pub speaker: Option<String>,
    pub entity: Option<(i64, String)>,
    /// Every document printing it, the first to print it first: earliest
    /// publication date, then earliest stored; a document without a date after
    /// those with one.
    pub printings: Vec<EntityDocument>,
}

/// A dated event, with every document that reports it in the same sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEvent {
    pub date: String,
    pub approximate: bool,
    pub text: String,
    pub documents: Vec<EntityDocument>,
}

/// The most events or quote groups a timeline or quotes page lists.
pub const TIMELINE_LIMIT: usize = 1_000;

/// A backend's entity row: id, kind, name, documents naming it, quotes it spoke.
pub(crate) type SummaryRow = (i64, String, String, i64, i64);
/// A backend's row of a document naming an entity: id, title, site, published.
pub(crate) type DocumentRow = (i64, String, Option<String>, Option<String>);
/// A backend's related-entity row: the entity's `SummaryRow`, then the
/// documents it shares.
pub(crate) type RelatedRow = (i64, String, String, i64, i64, i64);

pub(crate) fn summary((id, kind, name, documents, quotes): SummaryRow) -> Result<EntitySummary> {
    let kind = parse_kind(&kind)
        .ok_or_else(|| Error::InvalidEntity(format!("entity {id} has an unknown kind {kind:?}")))?;
    Ok(EntitySummary { id, kind, name, documents, quotes })
}

pub(crate) fn summaries(rows: Vec<SummaryRow>) -> Result<Vec<EntitySummary>> {
    rows.into_iter().map(summary).collect()
}

/// An entity's other names (its `entity_names`, as first written, longest
/// first), without its own.
pub(crate) fn aliases(entity: &EntitySummary, names: Vec<(String,)>) -> Vec<String> {
    let mut aliases: Vec<String> = Vec::new();
    for (name,) in names {
        if name != entity.name && !aliases.contains(&name) {
            aliases.push(name);
        }
    }
    aliases
}

/// Every name of an entity in lower case: an event's sentence names it when it
/// holds one of them.
pub(crate) fn lowercase_names(entity: &EntitySummary, aliases: &[String]) -> Vec<String> {
    aliases.iter().chain(std::iter::once(&entity.name)).map(|name| name.to_lowercase()).collect()
}

/// An entity's page from what its backend read.
pub(crate) fn entity_page(
    entity: EntitySummary,
    aliases: Vec<String>,
    documents: Vec<DocumentRow>,
    quotes: Vec<QuoteSelect>,
    related: Vec<RelatedRow>,
    events: Vec<EventSelect>,
) -> Result<EntityPage> {
    Ok(EntityPage {
        entity,
        aliases,
        documents: documents
            .into_iter()
            .map(|(id, title, site, published)| EntityDocument { id, title, site, published })
            .collect(),
        quotes: group_quotes(quotes),
        related: related
            .into_iter()
            .map(|(id, kind, name, documents, quotes, shared)| {
                Ok((summary((id, kind, name, documents, quotes))?, shared))
            })
            .collect::<Result<_>>()?,
        timeline: group_events(events),
    })
}

/// A backend's quote row: text, speaker, entity id, entity name, digest, and
/// the printing document.
pub(crate) type QuoteSelect = (
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    String,
    i64,
    String,
    Option<String>,
    Option<String>,
);

/// A backend's event row: date, approximate, text, and the reporting document.
pub(crate) type EventSelect = (String, bool, String, i64, String, Option<String>, Option<String>);

/// Groups quote rows by digest, printings ordered first-printed first; groups
/// printed most often first, then by their first printing's date.
pub(crate) fn group_quotes(rows: Vec<QuoteSelect>) -> Vec<QuoteGroup> {
    let mut groups: Vec<QuoteGroup> = Vec::new();
    let mut by_digest: HashMap<String, usize> = HashMap::new();
    for (text, speaker, entity_id, entity_name, digest, id, title, site, published) in rows {
        let printing = EntityDocument { id, title, site, published };
        let index = *by_digest.entry(digest).or_insert_with(|| {
            groups.push(QuoteGroup {
                text,
                speaker,
                entity: entity_id.zip(entity_name),
                printings: Vec::new(),
            });
            groups.len() - 1
        });
        let group = &mut groups[index];
        if !group.printings.iter().any(|known| known.id == printing.id) {
            group.printings.push(printing);
        }
    }
    let mut groups = merge_parts(groups);
    for group in &mut groups {
        group.printings.sort_by(|left, right| printed_order(left).cmp(&printed_order(right)));
    }
    groups.sort_by(|left, right| {
        right
            .printings
            .len()
            .cmp(&left.printings.len())
            .then_with(|| printed_order(&left.printings[0]).cmp(&printed_order(&right.printings[0])))
    });
    groups.truncate(TIMELINE_LIMIT);
    groups
}

/// A quote of at least this many words that another quote contains word for
/// word is part of it: outlets print parts of one statement.
const QUOTE_PART_WORDS: usize = 6;

/// Merges each quote that is part of a longer one (`QUOTE_PART_WORDS`, the
/// same speaker's when both speakers are known) into the longest that
/// contains it: one statement, printed whole by one outlet and in part by
/// another, is one quote with both printings, shown whole.
fn merge_parts(groups: Vec<QuoteGroup>) -> Vec<QuoteGroup> {
    // Keys padded with spaces, so that containment is containment of whole words.
    let keys: Vec<String> = groups.iter().map(|group| format!(" {} ", name_key(&group.text))).collect();
    let spaces: Vec<Vec<usize>> =
        keys.iter().map(|key| key.match_indices(' ').map(|(index, _)| index).collect()).collect();
    // Every run of QUOTE_PART_WORDS words of every quote, to the quotes holding it.
    let mut runs: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, (key, spaces)) in keys.iter().zip(&spaces).enumerate() {
        for bounds in spaces.windows(QUOTE_PART_WORDS + 1) {
            runs.entry(&key[bounds[0]..=bounds[QUOTE_PART_WORDS]]).or_default().push(index);
        }
    }
    let same_speaker = |left: &QuoteGroup, right: &QuoteGroup| match (&left.entity, &right.entity) {
        (Some((left, _)), Some((right, _))) => left == right,
        _ => true,
    };
    let mut into: Vec<Option<usize>> = vec![None; groups.len()];
    for (index, key) in keys.iter().enumerate() {
        let Some(first_run) = spaces[index].get(QUOTE_PART_WORDS).map(|end| &key[..=*end]) else { continue };
        into[index] = runs
            .get(first_run)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&other| {
                keys[other].len() > key.len()
                    && keys[other].contains(key.as_str())
                    && same_speaker(&groups[index], &groups[other])
            })
            .max_by_key(|&other| (keys[other].len(), std::cmp::Reverse(other)));
    }
    // Each step goes to a strictly longer quote, so following them ends.
    let root = |mut index: usize| {
        while let Some(next) = into[index] {
            index = next;
        }
        index
    };
    let roots: Vec<usize> = (0..groups.len()).map(root).collect();
    let mut slots: Vec<Option<QuoteGroup>> = groups.into_iter().map(Some).collect();
    for index in 0..slots.len() {
        if roots[index] == index {
            continue;
        }
        let part = slots[index].take().expect("a part is merged once");
        let whole = slots[roots[index]].as_mut().expect("a root is never merged");
        if whole.entity.is_none() {
            whole.entity = part.entity;
            whole.speaker = whole.speaker.take().or(part.speaker);
        }
        for printing in part.printings {
            if !whole.printings.iter().any(|known| known.id == printing.id) {
                whole.printings.push(printing);
            }
        }
    }
    slots.into_iter().flatten().collect()
}

fn printed_order(document: &EntityDocument) -> (bool, Option<&str>, i64) {
    (document.published.is_none(), document.published.as_deref(), document.id)
}

/// Groups event rows (in date order) by date and sentence, keeping date order.
pub(crate) fn group_events(rows: Vec<EventSelect>) -> Vec<TimelineEvent> {
    let mut events: Vec<TimelineEvent> = Vec::new();
    let mut by_sentence: HashMap<(String, String), usize> = HashMap::new();
    for (date, approximate, text, id, title, site, published) in rows {
        let document = EntityDocument { id, title, site, published };
        let slot = (date.clone(), name_key(&text));
        match by_sentence.get(&slot) {
            Some(&index) => {
                if !events[index].documents.iter().any(|known| known.id == id) {
                    events[index].documents.push(document);
                }
            }
            None => {
                if events.len() == TIMELINE_LIMIT {
                    continue;
                }
                by_sentence.insert(slot, events.len());
                events.push(TimelineEvent { date, approximate, text, documents: vec![document] });
            }
        }
    }
    events
}

impl Store {
    /// Entities named by at least one document, most documents first; `kind`
    /// narrows them to one kind, `prefix` to names beginning with it.
    pub async fn entities(
        &self,
        kind: Option<EntityKind>,
        prefix: Option<&str>,
        limit: i64,
    ) -> Result<Vec<EntitySummary>> {
        let kind = kind.map(kind_name);
        let prefix = prefix.map(name_key).filter(|prefix| !prefix.is_empty());
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::story::entities(pool, kind, prefix.as_deref(), limit).await,
            Backend::Postgres(database) => {
                postgres::story::entities(&database.pool, kind, prefix.as_deref(), limit).await
            }
        }
    }

    /// Everything about one entity; `None` when there is no entity `id`.
    pub async fn entity(&self, id: i64) -> Result<Option<EntityPage>> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::story::entity(pool, id).await,
            Backend::Postgres(database) => postgres::story::entity(&database.pool, id).await,
        }
    }

    /// The entity a name means, if any document named it so: the exact name
    /// first (any kind), for `dossier entities merge "Name"`.
    pub async fn entity_by_name(&self, name: &str) -> Result<Vec<EntitySummary>> {
        let key = name_key(name);
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::story::entity_by_key(pool, &key).await,
            Backend::Postgres(database) => postgres::story::entity_by_key(&database.pool, &key).await,
        }
    }

    /// The dated events of the documents `query` matches (the syntax of
    /// `crate::query`; an empty query is the whole archive), in date order, each
    /// sentence once with every document that reports it.
    pub async fn timeline(&self, query: &str) -> Result<Vec<TimelineEvent>> {
        let ids = self.story_scope(query).await?;
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::story::timeline(pool, ids.as_deref()).await,
            Backend::Postgres(database) => postgres::story::timeline(&database.pool, ids.as_deref()).await,
        }
    }

    /// The quotes of the documents `query` matches, each once with every
    /// document that printed it, the first printing first.
    pub async fn quotes(&self, query: &str) -> Result<Vec<QuoteGroup>> {
        let ids = self.story_scope(query).await?;
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::story::quotes(pool, ids.as_deref()).await,
            Backend::Postgres(database) => postgres::story::quotes(&database.pool, ids.as_deref()).await,
        }
    }

    /// The documents a timeline or quotes page covers: `None` for all.
    async fn story_scope(&self, query: &str) -> Result<Option<Vec<i64>>> {
        if query.trim().is_empty() {
            return Ok(None);
        }
        self.matching_ids(query).await.map(Some)
    }

    /// The entity ids of a document's entities, by their position in its model.
    pub async fn document_entity_ids(&self, document_id: i64) -> Result<HashMap<usize, i64>> {
        let rows = match &self.backend {
            Backend::Sqlite(pool) => sqlite::story::document_entity_ids(pool, document_id).await?,
            Backend::Postgres(database) => {
                postgres::story::document_entity_ids(&database.pool, document_id).await?
            }
        };
        Ok(rows.into_iter().map(|(position, id)| (position as usize, id)).collect())
    }

    /// Merges entities into `into`: their names resolve to it from now on, for
    /// documents stored and documents to come, and their documents and quotes
    /// become its. Returns how many entities were merged.
    pub async fn merge_entities(&self, merged: &[i64], into: i64) -> Result<u64> {
        let merged: Vec<i64> = merged.iter().copied().filter(|id| *id != into).collect();
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::story::merge(pool, &merged, into).await,
            Backend::Postgres(database) => postgres::story::merge(&database.pool, &merged, into).await,
        }
    }

    /// Gives an entity the name shown for it; the new name also resolves to it
    /// unless it already means another entity.
    pub async fn rename_entity(&self, id: i64, name: &str) -> Result<()> {
        let name = name.trim();
        let key = name_key(name);
        if key.is_empty() {
            return Err(Error::InvalidEntity("a name needs a letter or a digit".into()));
        }
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::story::rename(pool, id, name, &key).await,
            Backend::Postgres(database) => postgres::story::rename(&database.pool, id, name, &key).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_case_punctuation_or_spacing() {
        assert_eq!(name_key("Mark  Zuckerberg"), "mark zuckerberg");
        assert_eq!(name_key("MARK ZUCKERBERG."), "mark zuckerberg");
        assert_eq!(name_key("U.S. Department of Justice"), "u s department of justice");
        assert_eq!(name_key("Müller"), "müller");
        assert_eq!(name_key(" -- "), "");
    }

    #[test]
    fn the_same_words_quoted_differently_are_one_quote() {
        let plain = quote_digest("We are building the future, and it will take time.");
        assert_eq!(plain, quote_digest("“We are building the future — and it will take time”"));
        assert_ne!(plain, quote_digest("We are building the future, and it will take years."));
    }

    #[test]
    fn a_persons_surname_alone_stays_within_its_document() {
        assert!(!alias_is_global(EntityKind::Person, "zuckerberg"));
        assert!(alias_is_global(EntityKind::Person, "mark e zuckerberg"));
        assert!(alias_is_global(EntityKind::Organization, "meta"));
    }

    #[test]
    fn the_first_printing_is_the_earliest_dated() {
        let row = |id: i64, published: Option<&str>| {
            (
                "It is over.".to_owned(),
                Some("Ann Lee".to_owned()),
                Some(7),
                Some("Ann Lee".to_owned()),
                "d1".to_owned(),
                id,
                format!("title {id}"),
                None,
                published.map(str::to_owned),
            )
        };
        let groups = group_quotes(vec![row(3, None), row(1, Some("2024-05-02")), row(2, Some("2024-05-01"))]);
        assert_eq!(groups.len(), 1);
        let order: Vec<i64> = groups[0].printings.iter().map(|document| document.id).collect();
        assert_eq!(order, [2, 1, 3]);
    }

    #[test]
    fn part_of_a_statement_is_the_statement() {
        let row = |id: i64, text: &str, entity: Option<i64>| {
            let digest = quote_digest(text);
            (
                text.to_owned(),
                None,
                entity,
                entity.map(|id| format!("entity {id}")),
                digest,
                id,
                String::new(),
                None,
                None,
            )
        };
        let whole =
            "We never sold anyone's private messages, and we never will, whatever the lawsuit claims.";
        let part = "we never sold anyone's private messages";
        let short = "we never sold";
        let groups = group_quotes(vec![
            row(1, part, None),
            row(2, whole, Some(7)),
            row(3, short, None),
            // Part of it in someone else's mouth is their own quote.
            row(4, "and we never will, whatever the lawsuit claims", Some(8)),
            // Words that run on past the whole are not part of it.
            row(5, "whatever the lawsuit claims, we will fight it", Some(7)),
        ]);
        let printed = |text: &str| {
            let group = groups
                .iter()
                .find(|group| group.text == text)
                .unwrap_or_else(|| panic!("{text}: {groups:#?}"));
            group.printings.iter().map(|document| document.id).collect::<Vec<_>>()
        };
        assert_eq!(printed(whole), [1, 2]);
        assert_eq!(groups.iter().find(|group| group.text == whole).unwrap().entity.as_ref().unwrap().0, 7);
        assert_eq!(printed(short), [3], "too short to tell");
        assert_eq!(printed("and we never will, whatever the lawsuit claims"), [4]);
        assert_eq!(groups.len(), 4);
    }
}
