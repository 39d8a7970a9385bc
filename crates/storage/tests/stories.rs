//! Story clustering on a generated set of rewrites mixed with unrelated articles
//! on the same topics (dossier-synth), measured as pairwise precision and recall,
//! on every backend (see `support`).

#[macro_use]
mod support;

use dossier_storage::ImportItem;
use support::Archive;

on_every_backend!(rewrites_of_one_story_cluster_and_unrelated_articles_do_not);

async fn rewrites_of_one_story_cluster_and_unrelated_articles_do_not(archive: Archive) {
    let set = dossier_synth::story_set(2024, 60, 120);
    let store = archive.store.clone();
    let items = set
        .iter()
        .enumerate()
        .map(|(index, article)| {
            ImportItem::parse(format!("{index}.txt"), None, article.text.clone().into_bytes())
        })
        .collect();
    let results = store.import_batch(None, items).await.unwrap();
    let mut predicted = Vec::new();
    for result in &results {
        assert_eq!(result.outcome.as_str(), "imported", "{result:?}");
        predicted.push(store.document(result.outcome.ids()[0]).await.unwrap().story);
    }
    let truth: Vec<usize> = set.iter().map(|article| article.story).collect();
    let (precision, recall) = dossier_synth::pair_precision_recall(&truth, &predicted);
    println!("story clustering on {} articles: precision {precision:.3}, recall {recall:.3}", set.len());
    assert!(precision >= 0.95, "precision {precision:.3}");
    assert!(recall >= 0.90, "recall {recall:.3}");

    // Every member of a story lists the same story id.
    let first = store.document(results[0].outcome.ids()[0]).await.unwrap();
    let members = store.story_members(first.story).await.unwrap();
    assert!(members.contains(&first.id));
}
