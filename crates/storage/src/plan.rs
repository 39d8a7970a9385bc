//! Deciding what a batch of imports becomes, in memory, from a few questions to
//! the archive.
//!
//! Whether a document is new, a new revision or already stored, and which story it
//! joins, depends on the archive and on every document before it, even in the same
//! batch. Asking the database document by document costs about ten statements a
//! document. Instead each backend's writer asks a handful of questions about the
//! whole batch (`Questions`: which of its texts and URLs are stored, which stored
//! documents share its sketches' lookup keys, which document id is next), and
//! `Plan::new` decides every item from the `Answers`, in input order, as storing
//! the documents one at a time would. The writer then writes the plan with one
//! multi-row statement per table.
//!
//! The answers stay true until the commit because writers take turns: SQLite's
//! write lock, taken when the batch begins, and PostgreSQL's advisory lock.

use std::collections::{HashMap, HashSet};

use crate::images::PreparedImage;
use crate::import::{
    Change, ImportItem, ItemOutcome, ItemResult, Prepared, PreparedDocument, PreparedHighlight, StoredRef,
};
use crate::reparse::{self, Updated};
use crate::similarity;

/// What a batch needs to know about the archive: the distinct fingerprints, URLs
/// and sketch lookup keys of its documents.
#[derive(Debug, Default)]
pub(crate) struct Questions<'a> {
    pub(crate) fingerprints: Vec<&'a str>,
    pub(crate) urls: Vec<&'a str>,
    pub(crate) keys: Vec<i64>,
    /// The sketches of the batch's documents, which the stored candidates are measured against.
    pub(crate) sketches: Vec<&'a [u32]>,
}

impl<'a> Questions<'a> {
    /// The questions about an import batch's documents.
    pub(crate) fn of(items: &'a [ImportItem]) -> Questions<'a> {
        Questions::about(
            items
                .iter()
                .filter_map(|item| item.prepared.as_ref().ok())
                .flat_map(|prepared| prepared.documents.iter()),
        )
    }

    /// The questions about documents parsed again (`dossier reparse`).
    pub(crate) fn of_changes(changes: &'a [reparse::Change]) -> Questions<'a> {
        Questions::about(changes.iter().map(|change| &change.prepared))
    }

    fn about(documents: impl Iterator<Item = &'a PreparedDocument>) -> Questions<'a> {
        let mut questions = Questions::default();
        let (mut fingerprints, mut urls, mut keys) = (HashSet::new(), HashSet::new(), HashSet::new());
        for document in documents {
            let fingerprint = document.document.fingerprint.as_str();
            if fingerprints.insert(fingerprint) {
                questions.fingerprints.push(fingerprint);
            }
            for url in identity_urls(document) {
                if urls.insert(url) {
                    questions.urls.push(url);
                }
            }
            for key in lookup_keys(&document.sketch) {
                if keys.insert(key) {
                    questions.keys.push(key);
                }
            }
            if !document.sketch.is_empty() {
                questions.sketches.push(&document.sketch);
            }
        }
        questions
    }

    /// The stored documents worth measuring against the batch's documents: those
    /// that share at least two lookup keys with one of them (`keys`: each key's
    /// stored documents). One shared key is most often a common phrase ("prime
    /// minister", "last year") whose hash happened to be among both documents'
    /// smallest; in a large archive, measuring every document behind such keys was
    /// most of an import's reading (about 160 sketches a document at a million
    /// documents). Rewrites of one story share several of their smallest hashes:
    /// on the benchmark's generated stories, cluster recall went from 0.997 to
    /// 0.995 while the sketches read fell ninefold.
    pub(crate) fn candidate_ids(&self, keys: &HashMap<i64, Vec<i64>>) -> Vec<i64> {
        let mut chosen = HashSet::new();
        let mut shared: HashSet<i64> = HashSet::new();
        for sketch in &self.sketches {
            shared.clear();
            for key in lookup_keys(sketch) {
                for id in keys.get(&key).into_iter().flatten() {
                    if !shared.insert(*id) {
                        chosen.insert(*id);
                    }
                }
            }
        }
        let mut ids: Vec<i64> = chosen.into_iter().collect();
        ids.sort_unstable();
        ids
    }

    /// Of the stored documents that share lookup keys with the batch's documents
    /// (`keys`, with their sketches in `sketches`), those at least `threshold`
    /// similar to one that shares a key with them, in id order. `Plan` joins a
    /// document to a stored one's story only at that similarity, so only these
    /// stories are asked for: asking every candidate's means reading as many
    /// document rows, most of them of unrelated articles.
    pub(crate) fn similar_candidates(
        &self,
        keys: &HashMap<i64, Vec<i64>>,
        sketches: &HashMap<i64, Vec<u32>>,
        threshold: f64,
    ) -> Vec<i64> {
        let mut similar = HashSet::new();
        for sketch in &self.sketches {
            for key in lookup_keys(sketch) {
                for id in keys.get(&key).into_iter().flatten() {
                    if !similar.contains(id)
                        && sketches
                            .get(id)
                            .is_some_and(|stored| similarity::similarity(sketch, stored) >= threshold)
                    {
                        similar.insert(*id);
                    }
                }
            }
        }
        let mut similar: Vec<i64> = similar.into_iter().collect();
        similar.sort_unstable();
        similar
    }
}

/// The addresses a document is known by, in the order they identify it: its
/// canonical address (the one stored), then the address it was fetched or saved
/// from when that differs. A page fetched for a link carries the link's address
/// as `url` and its own canonical one, and must find that link.
fn identity_urls(document: &PreparedDocument) -> impl Iterator<Item = &str> {
    let canonical = document.url().map(String::as_str);
    let address = document.document.url.as_deref().filter(|url| Some(*url) != canonical);
    canonical.into_iter().chain(address)
}

/// The archive's answers to a batch's `Questions`.
#[derive(Debug, Default)]
pub(crate) struct Answers {
    /// Stored fingerprints, of current texts and of earlier revisions, with their document.
    pub(crate) fingerprints: HashMap<String, i64>,
    /// Stored URLs, with the first document that has each and its story.
    pub(crate) urls: HashMap<String, (i64, i64)>,
    /// For each key, the stored documents with that key: the most recent
    /// `similarity::CANDIDATES_PER_KEY`, most recent first.
    pub(crate) keys: HashMap<i64, Vec<i64>>,
    /// The sketch and story of the documents in `keys` that are similar to a
    /// document of the batch (`Questions::similar_candidates`); the plan passes
    /// over the others, as it would after measuring them.
    pub(crate) candidates: HashMap<i64, (Vec<u32>, i64)>,
    /// The id the batch's first new document gets.
    pub(crate) next_id: i64,
}

/// A document row to write, with its story as it stands at the end of the batch.
#[derive(Debug)]
pub(crate) struct Row<'a> {
    pub(crate) id: i64,
    pub(crate) story: i64,
    pub(crate) prepared: &'a PreparedDocument,
}

#[derive(Debug)]
pub(crate) struct SourceRow<'a> {
    pub(crate) document_id: i64,
    pub(crate) location: &'a str,
    pub(crate) format: &'static str,
    pub(crate) position: i64,
    pub(crate) original_sha256: &'a str,
    /// Whether this source set the document's text (it is new or revised by it).
    pub(crate) sets_text: bool,
}

/// A highlight to attach to a document, new or stored; one already there (same
/// digest) is left as it is.
#[derive(Debug)]
pub(crate) struct HighlightRow<'a> {
    pub(crate) document_id: i64,
    pub(crate) highlight: &'a PreparedHighlight,
    /// The input it came from.
    pub(crate) original_sha256: &'a str,
}

/// Everything one batch writes, in the order it must be written.
#[derive(Debug, Default)]
pub(crate) struct Plan<'a> {
    /// Original bytes, once per content hash.
    pub(crate) originals: Vec<&'a Prepared>,
    /// Documents new to the archive, in id order.
    pub(crate) inserts: Vec<Row<'a>>,
    /// Stored documents whose current text becomes a revision before `updates`
    /// overwrites it.
    pub(crate) revised: Vec<i64>,
    /// Versions that were current for part of the batch only and become revisions
    /// directly, oldest first.
    pub(crate) passing: Vec<(i64, &'a PreparedDocument)>,
    /// Stored documents with a new current text.
    pub(crate) updates: Vec<Row<'a>>,
    /// Stored stories that join another: (story, joined story).
    pub(crate) merges: Vec<(i64, i64)>,
    pub(crate) sources: Vec<SourceRow<'a>>,
    /// (document, tag name), names trimmed and not empty.
    pub(crate) tags: Vec<(i64, &'a str)>,
    pub(crate) highlights: Vec<HighlightRow<'a>>,
    /// Local copies of images, each with a document that shows it (`crate::images`).
    pub(crate) images: Vec<(i64, &'a PreparedImage)>,
    /// Each item's outcome, in input order.
    pub(crate) results: Vec<ItemResult>,
}

impl<'a> Plan<'a> {
    /// Decides every item of the batch, in order. Each document is, in turn:
    /// present (its text is stored, as a document or an earlier revision of one);
    /// a new revision (its URL is stored with another text); or new. A new text
    /// joins the stories of the documents it is at least `threshold` similar to,
    /// merging them when it bridges several.
    pub(crate) fn new(items: &'a [ImportItem], answers: Answers, threshold: f64) -> Plan<'a> {
        let mut planner = Planner::new(answers, threshold);
        let mut originals = HashSet::new();
        for item in items {
            let outcome = match &item.prepared {
                Err(reason) => ItemOutcome::Failed(reason.clone()),
                Ok(prepared) => {
                    if originals.insert(prepared.original_sha256.as_str()) {
                        planner.plan.originals.push(prepared);
                    }
                    let mut refs = Vec::with_capacity(prepared.documents.len());
                    for (position, document) in prepared.documents.iter().enumerate() {
                        let stored = planner.place(document);
                        planner.plan.tags.extend(
                            document
                                .document
                                .tags
                                .iter()
                                .map(|tag| tag.trim())
                                .filter(|tag| !tag.is_empty())
                                .map(|tag| (stored.id, tag)),
                        );
                        // Like tags, whatever the change: highlights from a second
                        // export of a stored text attach to the stored document.
                        planner.plan.highlights.extend(document.highlights.iter().map(|highlight| {
                            HighlightRow {
                                document_id: stored.id,
                                highlight,
                                original_sha256: &prepared.original_sha256,
                            }
                        }));
                        // Also whatever the change: a copy kept on a later import
                        // of the same page is as good as one kept the first time.
                        planner.plan.images.extend(
                            prepared
                                .images
                                .iter()
                                .filter(|image| document.shows_image(&image.src))
                                .map(|image| (stored.id, image)),
                        );
                        planner.plan.sources.push(SourceRow {
                            document_id: stored.id,
                            location: &item.location,
                            format: item.format.as_str(),
                            position: position as i64,
                            original_sha256: &prepared.original_sha256,
                            sets_text: stored.change != Change::Present,
                        });
                        refs.push(stored);
                    }
                    ItemOutcome::Stored(refs)
                }
            };
            planner.plan.results.push(ItemResult { location: item.location.clone(), outcome });
        }
        planner.finish()
    }
}

impl<'a> Plan<'a> {
    /// Decides what parsing stored documents again changes: each one's new text
    /// replaces its current one in place (no revision: the source is the same),
    /// unless another document already has that text. A document whose text
    /// changed keeps its story and joins any it is now similar to.
    pub(crate) fn reparse(
        changes: &'a [reparse::Change],
        answers: Answers,
        threshold: f64,
    ) -> (Plan<'a>, Vec<(i64, Updated)>) {
        let mut planner = Planner::new(answers, threshold);
        let outcomes = changes.iter().map(|change| (change.id, planner.reparse(change))).collect();
        (planner.finish(), outcomes)
    }
}

/// A document whose current text this batch sets.
#[derive(Debug)]
struct Touched<'a> {
    prepared: &'a PreparedDocument,
    /// Its story before this batch's merges are resolved.
    story: i64,
    /// Where its row is: `inserts` (new) or `updates` (stored).
    new: bool,
    row: usize,
}

struct Planner<'a> {
    answers: Answers,
    threshold: f64,
    first_new_id: i64,
    plan: Plan<'a>,
    /// Story merges as a union-find forest; a story missing here is its own root.
    parents: HashMap<i64, i64>,
    touched: HashMap<i64, Touched<'a>>,
    /// For each lookup key, the documents of this batch with it, oldest first.
    batch_keys: HashMap<i64, Vec<i64>>,
}

impl<'a> Planner<'a> {
    fn new(answers: Answers, threshold: f64) -> Planner<'a> {
        Planner {
            first_new_id: answers.next_id,
            answers,
            threshold,
            plan: Plan::default(),
            parents: HashMap::new(),
            touched: HashMap::new(),
            batch_keys: HashMap::new(),
        }
    }

    fn reparse(&mut self, change: &'a reparse::Change) -> Updated {
        let prepared = &change.prepared;
        let fingerprint = &prepared.document.fingerprint;
        if let Some(&other) = self.answers.fingerprints.get(fingerprint)
            && other != change.id
        {
            return Updated::Collides(other);
        }
        self.answers.fingerprints.insert(fingerprint.clone(), change.id);
        self.touched.insert(
            change.id,
            Touched { prepared, story: change.story, new: false, row: self.plan.updates.len() },
        );
        self.plan.updates.push(Row { id: change.id, story: change.story, prepared });
        if *fingerprint != change.fingerprint {
            for similar in self.similar_stories(Some(change.id), &prepared.sketch) {
                self.union(change.story, similar);
            }
        }
        for key in lookup_keys(&prepared.sketch) {
            self.batch_keys.entry(key).or_default().push(change.id);
        }
        Updated::Changed
    }

    fn place(&mut self, prepared: &'a PreparedDocument) -> StoredRef {
        let fingerprint = &prepared.document.fingerprint;
        if let Some(&id) = self.answers.fingerprints.get(fingerprint) {
            return StoredRef { id, change: Change::Present };
        }
        let same_url = identity_urls(prepared).find_map(|url| self.answers.urls.get(url)).copied();
        if let Some((id, _)) = same_url
            && prepared.body.trim().is_empty()
        {
            // A bare link (a bookmark, an export that kept only the address) says
            // nothing new about a page already stored: it must not replace its text.
            return StoredRef { id, change: Change::Present };
        }
        let id = match same_url {
            Some((id, stored_story)) => {
                self.revise(id, stored_story, prepared);
                id
            }
            None => self.insert(prepared),
        };
        self.answers.fingerprints.insert(fingerprint.clone(), id);
        for key in lookup_keys(&prepared.sketch) {
            self.batch_keys.entry(key).or_default().push(id);
        }
        StoredRef { id, change: if same_url.is_some() { Change::Revised } else { Change::New } }
    }

    fn insert(&mut self, prepared: &'a PreparedDocument) -> i64 {
        let id = self.answers.next_id;
        self.answers.next_id += 1;
        for story in self.similar_stories(None, &prepared.sketch) {
            self.union(id, story);
        }
        for url in identity_urls(prepared) {
            self.answers.urls.entry(url.to_owned()).or_insert((id, id));
        }
        self.touched.insert(id, Touched { prepared, story: id, new: true, row: self.plan.inserts.len() });
        self.plan.inserts.push(Row { id, story: id, prepared });
        id
    }

    /// Makes `prepared` the current text of document `id`, keeping the text it
    /// replaces as a revision, and re-derives the document's story: it keeps the
    /// story it was in and joins any it is now similar to.
    fn revise(&mut self, id: i64, stored_story: i64, prepared: &'a PreparedDocument) {
        let story = match self.touched.get_mut(&id) {
            Some(touched) => {
                self.plan.passing.push((id, touched.prepared));
                touched.prepared = prepared;
                let rows = if touched.new { &mut self.plan.inserts } else { &mut self.plan.updates };
                rows[touched.row].prepared = prepared;
                touched.story
            }
            None => {
                self.plan.revised.push(id);
                self.touched.insert(
                    id,
                    Touched { prepared, story: stored_story, new: false, row: self.plan.updates.len() },
                );
                self.plan.updates.push(Row { id, story: stored_story, prepared });
                stored_story
            }
        };
        for similar in self.similar_stories(Some(id), &prepared.sketch) {
            self.union(story, similar);
        }
        if let Some(candidate) = self.answers.candidates.get_mut(&id) {
            candidate.0.clone_from(&prepared.sketch);
        }
    }

    /// The stories of the documents — stored or earlier in this batch — whose
    /// sketches are at least `threshold` similar to `sketch`, found through its
    /// lookup keys: per key, the most recent `CANDIDATES_PER_KEY` documents.
    fn similar_stories(&mut self, except: Option<i64>, sketch: &[u32]) -> Vec<i64> {
        let mut examined = HashSet::new();
        let mut stories = Vec::new();
        let limit = similarity::CANDIDATES_PER_KEY as usize;
        for key in lookup_keys(sketch) {
            let in_batch = self.batch_keys.get(&key).into_iter().flat_map(|ids| ids.iter().rev());
            let stored = self.answers.keys.get(&key).into_iter().flatten();
            let candidates: Vec<i64> = in_batch.chain(stored).copied().take(limit).collect();
            for candidate in candidates {
                if Some(candidate) == except || !examined.insert(candidate) {
                    continue;
                }
                let (candidate_sketch, story) = match self.touched.get(&candidate) {
                    Some(touched) => (touched.prepared.sketch.as_slice(), touched.story),
                    None => match self.answers.candidates.get(&candidate) {
                        Some((sketch, story)) => (sketch.as_slice(), *story),
                        None => continue,
                    },
                };
                if similarity::similarity(sketch, candidate_sketch) >= self.threshold {
                    let story = self.find(story);
                    if !stories.contains(&story) {
                        stories.push(story);
                    }
                }
            }
        }
        stories
    }

    fn find(&mut self, story: i64) -> i64 {
        let mut root = story;
        while let Some(&parent) = self.parents.get(&root) {
            root = parent;
        }
        let mut node = story;
        while let Some(&parent) = self.parents.get(&node) {
            if parent == root {
                break;
            }
            self.parents.insert(node, root);
            node = parent;
        }
        root
    }

    /// Joins two stories; the joined story keeps the smaller id, its first document's.
    fn union(&mut self, left: i64, right: i64) {
        let (left, right) = (self.find(left), self.find(right));
        if left != right {
            self.parents.insert(left.max(right), left.min(right));
        }
    }

    fn finish(mut self) -> Plan<'a> {
        let mut inserts = std::mem::take(&mut self.plan.inserts);
        for row in &mut inserts {
            row.story = self.find(row.id);
        }
        let mut updates = std::mem::take(&mut self.plan.updates);
        for row in &mut updates {
            let story = self.touched[&row.id].story;
            row.story = self.find(story);
        }
        let mut merged: Vec<i64> =
            self.parents.keys().copied().filter(|story| *story < self.first_new_id).collect();
        merged.sort_unstable();
        let merges = merged.into_iter().map(|story| (story, self.find(story))).collect();
        Plan { inserts, updates, merges, ..self.plan }
    }
}

/// The lookup keys of a sketch: its `KEYS` smallest hashes.
pub(crate) fn lookup_keys(sketch: &[u32]) -> impl Iterator<Item = i64> + '_ {
    sketch.iter().take(similarity::KEYS).map(|key| i64::from(*key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(location: &str, text: &str, url: Option<&str>) -> ImportItem {
        let mut document = dossier_core::parse(text.as_bytes(), dossier_core::Format::Text)
            .expect("plain text parses")
            .remove(0);
        document.url = url.map(str::to_owned);
        ImportItem::from_parsed(
            location.to_owned(),
            dossier_core::Format::Text,
            text.as_bytes(),
            Ok(vec![document]),
        )
    }

    const STORY: &str = "Regulators fined the harbour authority after the crane collapse injured four dockworkers on Tuesday morning. Inspectors found corroded cables and missing maintenance records across three terminals.";
    const REWRITE: &str = "Regulators fined the harbour authority after the crane collapse injured four dockworkers on Tuesday. Inspectors found corroded cables and missing maintenance records across three terminals, officials said.";
    const OTHER: &str = "The orchestra announced a winter season of rarely performed symphonies, with tickets on sale from Friday at the concert hall box office and online.";

    fn answers(next_id: i64) -> Answers {
        Answers { next_id, ..Answers::default() }
    }

    #[test]
    fn a_batch_decides_like_one_document_at_a_time() {
        let items = vec![
            item("a.txt", STORY, Some("https://example.org/crane")),
            item("b.txt", STORY, None),
            item("c.txt", OTHER, None),
            item("d.txt", REWRITE, Some("https://example.org/crane")),
            item("e.txt", STORY, None),
        ];
        let plan = Plan::new(&items, answers(10), 0.15);
        let changes: Vec<(i64, Change)> = plan
            .results
            .iter()
            .map(|result| match &result.outcome {
                ItemOutcome::Stored(refs) => (refs[0].id, refs[0].change),
                ItemOutcome::Failed(reason) => panic!("{reason}"),
            })
            .collect();
        assert_eq!(
            changes,
            [
                (10, Change::New),
                (10, Change::Present),
                (11, Change::New),
                (10, Change::Revised),
                // The first text is now a revision of document 10: still present.
                (10, Change::Present),
            ]
        );
        assert_eq!(plan.inserts.iter().map(|row| row.id).collect::<Vec<_>>(), [10, 11]);
        assert!(std::ptr::eq(plan.inserts[0].prepared, &items[3].prepared.as_ref().unwrap().documents[0]));
        assert_eq!(plan.passing.len(), 1, "the replaced text becomes a revision");
        assert!(plan.revised.is_empty() && plan.updates.is_empty());
        assert_eq!(plan.originals.len(), 3, "one original per distinct content");
        assert_eq!(plan.sources.len(), 5);
    }

    #[test]
    fn a_bare_link_to_a_stored_page_does_not_replace_its_text() {
        let mut link = item("bookmarks.html", "Crane collapse", Some("https://example.org/crane"));
        if let Ok(prepared) = &mut link.prepared {
            prepared.documents[0].document.blocks.clear();
            prepared.documents[0].body.clear();
        }
        let items = vec![item("a.txt", STORY, Some("https://example.org/crane")), link];
        let plan = Plan::new(&items, answers(1), 0.15);
        let changes: Vec<Change> = plan
            .results
            .iter()
            .flat_map(|result| match &result.outcome {
                ItemOutcome::Stored(refs) => refs.iter().map(|stored| stored.change).collect::<Vec<_>>(),
                ItemOutcome::Failed(reason) => panic!("{reason}"),
            })
            .collect();
        assert_eq!(changes, [Change::New, Change::Present]);
        assert!(plan.passing.is_empty() && plan.revised.is_empty());
        assert_eq!(plan.sources.len(), 2, "the link is recorded as a source of the page");
    }

    #[test]
    fn highlights_attach_to_the_document_their_text_became() {
        let marked =
            |text: &str| dossier_core::Highlight { text: Some(text.to_owned()), note: None, created: None };
        let export = |location: &str, highlights: Vec<dossier_core::Highlight>| {
            let document =
                dossier_core::parse(STORY.as_bytes(), dossier_core::Format::Text).unwrap().remove(0);
            let item = dossier_core::Item { document, read: None, highlights, member: None };
            ImportItem::from_parsed_items(
                location.to_owned(),
                dossier_core::Format::Text,
                b"",
                Ok(vec![item]),
            )
        };
        let items = vec![
            export("pocket.csv", vec![marked("crane collapse")]),
            export("omnivore.zip", vec![marked("corroded cables"), marked(" ")]),
        ];
        let mut answers = answers(10);
        // Stored already, from an earlier import.
        answers
            .fingerprints
            .insert(items[0].prepared.as_ref().unwrap().documents[0].document.fingerprint.clone(), 4);
        let plan = Plan::new(&items, answers, 0.15);
        assert!(plan.inserts.is_empty());
        let attached: Vec<(i64, Option<&str>)> =
            plan.highlights.iter().map(|row| (row.document_id, row.highlight.text.as_deref())).collect();
        assert_eq!(attached, [(4, Some("crane collapse")), (4, Some("corroded cables"))]);
    }

    #[test]
    fn rewrites_join_a_stored_story_and_bridges_merge_stories() {
        let items = vec![item("rewrite.txt", REWRITE, None)];
        let sketch = items[0].prepared.as_ref().unwrap().documents[0].sketch.clone();
        let mut answers = answers(100);
        // Two stored documents in two stories, both similar to the rewrite.
        for (id, story) in [(7, 7), (42, 40)] {
            answers.candidates.insert(id, (sketch.clone(), story));
            answers.keys.entry(i64::from(sketch[0])).or_default().push(id);
        }
        answers.keys.get_mut(&i64::from(sketch[0])).unwrap().sort_unstable_by(|a, b| b.cmp(a));
        let plan = Plan::new(&items, answers, 0.15);
        assert_eq!(plan.inserts[0].id, 100);
        assert_eq!(plan.inserts[0].story, 7, "joins the oldest story");
        assert_eq!(plan.merges, [(40, 7)], "the other story merges into it");
    }

    #[test]
    fn only_stored_documents_similar_to_the_batch_are_asked_for_their_story() {
        let items = vec![item("rewrite.txt", REWRITE, None)];
        let questions = Questions::of(&items);
        let sketch = questions.sketches[0].to_vec();
        let other = item("other.txt", OTHER, None).prepared.unwrap().documents.remove(0).sketch;
        let key = i64::from(sketch[0]);
        let keys = HashMap::from([(key, vec![9, 8, 7])]);
        // 9 tells the same story, 8 another one; 7's sketch was not found.
        let sketches = HashMap::from([(9, sketch.clone()), (8, other)]);
        assert_eq!(questions.similar_candidates(&keys, &sketches, 0.15), [9]);
        assert!(questions.similar_candidates(&keys, &sketches, 1.01).is_empty());
        assert!(questions.similar_candidates(&HashMap::new(), &sketches, 0.15).is_empty());
    }

    #[test]
    fn stored_documents_are_measured_only_when_they_share_two_keys() {
        let other = format!("Concert season\n\n{OTHER}");
        let items = vec![item("rewrite.txt", REWRITE, None), item("other.txt", &other, None)];
        let questions = Questions::of(&items);
        let (rewrite, other) = (questions.sketches[0], questions.sketches[1]);
        let keys = HashMap::from([
            // 5 shares two keys with the rewrite, 6 one with each document, 4 one only.
            (i64::from(rewrite[0]), vec![6, 5, 4]),
            (i64::from(rewrite[3]), vec![5]),
            (i64::from(other[1]), vec![6]),
        ]);
        assert_eq!(questions.candidate_ids(&keys), [5]);
        let keys = HashMap::from([(i64::from(other[0]), vec![6]), (i64::from(other[5]), vec![6, 3])]);
        assert_eq!(questions.candidate_ids(&keys), [6]);
        assert!(questions.candidate_ids(&HashMap::new()).is_empty());
    }

    #[test]
    fn a_revision_of_a_stored_document_keeps_its_story() {
        let text = format!("Concert season\n\n{OTHER}");
        let items = vec![item("new.txt", &text, Some("https://example.org/crane"))];
        let mut answers = answers(100);
        answers.urls.insert("https://example.org/crane".to_owned(), (5, 3));
        let plan = Plan::new(&items, answers, 0.15);
        assert_eq!(plan.revised, [5]);
        assert_eq!(plan.updates.len(), 1);
        assert_eq!((plan.updates[0].id, plan.updates[0].story), (5, 3));
        assert!(plan.inserts.is_empty() && plan.merges.is_empty());
    }

    fn change(id: i64, story: i64, old_fingerprint: &str, text: &str) -> reparse::Change {
        let item = item("reparsed.txt", text, None);
        let prepared = item.prepared.expect("parsed").documents.remove(0);
        reparse::Change { id, fingerprint: old_fingerprint.to_owned(), story, prepared }
    }

    #[test]
    fn a_reparse_updates_in_place_and_never_takes_another_documents_text() {
        let changes = vec![
            // Its text changed and is now like document 7's: it keeps its story and joins 7's.
            change(3, 3, "old-3", REWRITE),
            // Its new text is document 9's.
            change(4, 4, "old-4", OTHER),
        ];
        let mut answers = answers(100);
        answers.fingerprints.insert(changes[1].prepared.document.fingerprint.clone(), 9);
        let sketch = changes[0].prepared.sketch.clone();
        answers.candidates.insert(7, (sketch.clone(), 7));
        answers.keys.insert(i64::from(sketch[0]), vec![7]);
        let (plan, outcomes) = Plan::reparse(&changes, answers, 0.15);
        assert_eq!(outcomes, [(3, Updated::Changed), (4, Updated::Collides(9))]);
        assert!(plan.inserts.is_empty() && plan.revised.is_empty() && plan.passing.is_empty());
        assert_eq!(plan.updates.iter().map(|row| (row.id, row.story)).collect::<Vec<_>>(), [(3, 3)]);
        assert_eq!(plan.merges, [(7, 3)], "document 7's story joins document 3's");
    }
}
