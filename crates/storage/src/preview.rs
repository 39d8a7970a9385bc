//! `dossier import --dry-run`: each batch is planned exactly as an import plans
//! it (`crate::plan`), from the same questions, and nothing is written. What the
//! earlier batches of the run would have stored is carried in memory, so that a
//! document repeated across batches is reported once as new and then as present,
//! as the real import would.

use std::collections::HashMap;

use crate::pipeline::Ahead;
use crate::plan::{Answers, Plan, Questions};
use crate::{Backend, ImportItem, ItemOutcome, ItemResult, Result, Store, postgres, sqlite};

/// What the run's earlier batches would have stored.
#[derive(Debug, Default)]
struct Carried {
    fingerprints: HashMap<String, i64>,
    /// URL → (document, story).
    urls: HashMap<String, (i64, i64)>,
    next_id: i64,
}

impl Store {
    /// As [`Store::import_batches`], but only planning: every batch's results are
    /// what importing it would give, and the archive is left as it was.
    pub async fn preview_batches<Batches>(
        &self,
        batches: Batches,
        mut on_results: impl FnMut(Vec<ItemResult>),
    ) -> Result<()>
    where
        Batches: Iterator<Item = Vec<ImportItem>> + Send + 'static,
    {
        let mut carried = Carried::default();
        let mut ahead = Ahead::start(batches);
        while let Some(items) = ahead.next().await {
            on_results(self.preview_batch(&mut carried, &items).await?);
        }
        ahead.finish().await;
        Ok(())
    }

    async fn preview_batch(&self, carried: &mut Carried, items: &[ImportItem]) -> Result<Vec<ItemResult>> {
        let questions = Questions::of(items);
        let mut answers = match &self.backend {
            Backend::Sqlite(pool) => sqlite::preview_answers(pool, &questions, self.story_threshold).await?,
            Backend::Postgres(database) => {
                postgres::preview_answers(&database.pool, &questions, self.story_threshold).await?
            }
        };
        carry_into(carried, &questions, &mut answers);
        let plan = Plan::new(items, answers, self.story_threshold);
        remember(carried, items, &plan.results);
        Ok(plan.results)
    }
}

/// Adds to the archive's answers what the run's earlier batches would have stored.
fn carry_into(carried: &Carried, questions: &Questions<'_>, answers: &mut Answers) {
    for &fingerprint in &questions.fingerprints {
        if let Some(&id) = carried.fingerprints.get(fingerprint) {
            answers.fingerprints.entry(fingerprint.to_owned()).or_insert(id);
        }
    }
    for &url in &questions.urls {
        if let Some(&stored) = carried.urls.get(url) {
            answers.urls.entry(url.to_owned()).or_insert(stored);
        }
    }
    answers.next_id = answers.next_id.max(carried.next_id);
}

fn remember(carried: &mut Carried, items: &[ImportItem], results: &[ItemResult]) {
    for (item, result) in items.iter().zip(results) {
        let (Ok(prepared), ItemOutcome::Stored(refs)) = (&item.prepared, &result.outcome) else {
            continue;
        };
        for (document, stored) in prepared.documents.iter().zip(refs) {
            carried.fingerprints.entry(document.document.fingerprint.clone()).or_insert(stored.id);
            if let Some(url) = document.url() {
                carried.urls.entry(url.clone()).or_insert((stored.id, stored.id));
            }
            carried.next_id = carried.next_id.max(stored.id + 1);
        }
    }
}
