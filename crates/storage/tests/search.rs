//! Search over a small archive of related stories, on every backend (see `support`).

#[macro_use]
mod support;

use dossier_storage::{ImportItem, LibraryFilter, LibraryRequest, SearchRequest, SortOrder, Store};
use support::Archive;

on_every_backend!(
    words_must_all_match_and_title_matches_rank_first,
    phrases_exclusions_alternatives_and_prefixes,
    filters_narrow_by_site_author_language_tag_and_date,
    hits_carry_highlighted_snippets_scores_and_facets,
    sorting_and_pagination,
    a_changed_page_at_the_same_url_becomes_a_revision,
    versions_of_one_page_in_one_batch_are_kept_in_order,
    very_common_words_rank_only_the_most_recent_matches,
    filters_and_counts_follow_a_revision_that_moves_the_page,
);

/// (file name, text) of articles on overlapping topics.
const ARTICLES: &[(&str, &str)] = &[
    (
        "netflix-inbox.txt",
        "title: Netflix had access to Facebook message inboxes\ndate: 2024-04-02\nsite: Daily Mail\n\
         author: Jane Reporter\ntags: privacy, lawsuits\nlanguage: en\n\n\
         Court documents claim that Netflix could read private message inboxes for nearly a decade.\n\n\
         The lawsuit names Reed Hastings and Mark Zuckerberg.\n",
    ),
    (
        "meta-fine.txt",
        "title: Meta fined over data transfers\ndate: 2023-05-22\nsite: The Guardian\nauthor: Sam Writer\n\
         tags: privacy\n\n\
         Regulators fined Meta a record sum for moving European users' data to America.\n\n\
         Facebook's parent company said it would appeal.\n",
    ),
    (
        "streaming-prices.txt",
        "title: Streaming prices rise again\ndate: 2024-01-10\nsite: The Guardian\n\n\
         Netflix and its rivals raised prices this winter, citing the cost of new shows.\n\n\
         Analysts expect subscribers to keep paying.\n",
    ),
    (
        "election.txt",
        "title: Turnout climbs in the regional election\ndate: 2022-09-01\nsite: Local Paper\n\n\
         More voters went to the polls than in any election this century.\n\n\
         Officials credited early voting and a close race.\n",
    ),
];

/// The archive with `ARTICLES` imported.
async fn with_articles(archive: Archive) -> (Archive, Store) {
    let store = archive.store.clone();
    let items = ARTICLES
        .iter()
        .map(|(name, text)| ImportItem::parse(name.to_string(), Some(name), text.as_bytes().to_vec()))
        .collect();
    let results = store.import_batch(None, items).await.unwrap();
    for result in &results {
        assert_eq!(result.outcome.as_str(), "imported", "{result:?}");
    }
    (archive, store)
}

async fn titles(store: &Store, query: &str) -> Vec<String> {
    let results = store.search(&SearchRequest::new(query)).await.unwrap();
    results.hits.into_iter().map(|hit| hit.title).collect()
}

async fn words_must_all_match_and_title_matches_rank_first(archive: Archive) {
    let (_archive, store) = with_articles(archive).await;
    assert_eq!(titles(&store, "netflix").await.len(), 2);
    // "Netflix" is in the first title and only the body of the third.
    assert_eq!(titles(&store, "netflix").await[0], "Netflix had access to Facebook message inboxes");
    assert_eq!(titles(&store, "netflix prices").await, ["Streaming prices rise again"]);
    assert!(titles(&store, "netflix election").await.is_empty());
}

async fn phrases_exclusions_alternatives_and_prefixes(archive: Archive) {
    let (_archive, store) = with_articles(archive).await;
    assert_eq!(titles(&store, "\"message inboxes\"").await.len(), 1);
    assert!(titles(&store, "\"inboxes message\"").await.is_empty());
    assert_eq!(titles(&store, "netflix -lawsuit").await, ["Streaming prices rise again"]);
    assert_eq!(titles(&store, "voters OR regulators").await.len(), 2);
    assert_eq!(titles(&store, "zucker*").await, ["Netflix had access to Facebook message inboxes"]);
    // Only exclusions: everything else.
    assert_eq!(titles(&store, "-netflix").await.len(), 2);
}

async fn filters_narrow_by_site_author_language_tag_and_date(archive: Archive) {
    let (_archive, store) = with_articles(archive).await;
    assert_eq!(titles(&store, "site:\"the guardian\"").await.len(), 2);
    assert_eq!(titles(&store, "netflix site:\"The Guardian\"").await, ["Streaming prices rise again"]);
    assert_eq!(titles(&store, "author:writer").await, ["Meta fined over data transfers"]);
    assert_eq!(titles(&store, "tag:privacy").await.len(), 2);
    assert_eq!(titles(&store, "tag:lawsuits").await.len(), 1);
    assert_eq!(titles(&store, "after:2024").await.len(), 2);
    assert_eq!(titles(&store, "before:2023-06 after:2023").await, ["Meta fined over data transfers"]);
    assert!(store.search(&SearchRequest::new("before:soon")).await.is_err());

    // The reader's state and the story cluster.
    let netflix = store.search(&SearchRequest::new("inboxes")).await.unwrap().hits[0].id;
    store.set_read(&[netflix], true).await.unwrap();
    assert_eq!(titles(&store, "is:read").await, ["Netflix had access to Facebook message inboxes"]);
    assert_eq!(titles(&store, "is:unread").await.len(), 3);
    assert_eq!(titles(&store, "netflix is:unread").await, ["Streaming prices rise again"]);
    let story = store.document(netflix).await.unwrap().story;
    assert_eq!(
        titles(&store, &format!("story:{story}")).await,
        ["Netflix had access to Facebook message inboxes"]
    );
    assert!(store.search(&SearchRequest::new("story:first")).await.is_err());
    assert!(store.search(&SearchRequest::new("is:starred")).await.is_err());
    assert_eq!(store.matching_ids("is:read").await.unwrap(), [netflix]);
}

async fn hits_carry_highlighted_snippets_scores_and_facets(archive: Archive) {
    let (_archive, store) = with_articles(archive).await;
    let results = store.search(&SearchRequest::new("appeal")).await.unwrap();
    assert_eq!(results.total, 1);
    assert!(results.exhaustive);
    let hit = &results.hits[0];
    assert!(hit.score > 0.0);
    assert!(hit.snippet.text.contains("said it would appeal."), "{:?}", hit.snippet);
    let marked: Vec<&str> =
        hit.snippet.highlights.iter().map(|range| &hit.snippet.text[range.clone()]).collect();
    assert_eq!(marked, ["appeal"]);

    // A phrase's matches are counted and faceted, with and without a filter.
    let results = store.search(&SearchRequest::new("\"the cost of\" OR \"private message\"")).await.unwrap();
    assert_eq!(results.total, 2);
    assert_eq!(results.hits.len(), 2);
    assert!(results.facets.sites.contains(&("The Guardian".to_owned(), 1)), "{:?}", results.facets);
    assert!(results.facets.sites.contains(&("Daily Mail".to_owned(), 1)), "{:?}", results.facets);
    let filtered = store
        .search(&SearchRequest::new("\"the cost of\" OR \"private message\" site:\"daily mail\""))
        .await
        .unwrap();
    assert_eq!(filtered.total, 1);
    assert_eq!(filtered.hits[0].title, "Netflix had access to Facebook message inboxes");
    assert_eq!(filtered.facets.sites, [("Daily Mail".to_owned(), 1)]);

    let results = store.search(&SearchRequest::new("")).await.unwrap();
    assert_eq!(results.total, 4);
    assert_eq!(results.facets.sites[0], ("The Guardian".to_owned(), 2));
    assert!(results.facets.years.contains(&("2024".to_owned(), 2)));
}

async fn sorting_and_pagination(archive: Archive) {
    let (_archive, store) = with_articles(archive).await;
    let mut request = SearchRequest::new("");
    request.sort = SortOrder::Published;
    let newest_first = store.search(&request).await.unwrap();
    let dates: Vec<_> = newest_first.hits.iter().map(|hit| hit.published.clone().unwrap()).collect();
    assert_eq!(dates, ["2024-04-02", "2024-01-10", "2023-05-22", "2022-09-01"]);
    request.limit = 2;
    request.offset = 2;
    let page = store.search(&request).await.unwrap();
    assert_eq!(page.hits.len(), 2);
    assert_eq!(page.hits[0].published.as_deref(), Some("2023-05-22"));
    assert_eq!(page.total, 4);
}

async fn a_changed_page_at_the_same_url_becomes_a_revision(archive: Archive) {
    let store = archive.store.clone();
    let version = |body: &str| {
        let text = format!("title: Breaking story\nurl: https://news.example/story\n\n{body}\n");
        ImportItem::parse("story.txt".into(), Some("story.txt"), text.into_bytes())
    };
    let first = store.import_batch(None, vec![version("The first account of events.")]).await.unwrap();
    let second =
        store.import_batch(None, vec![version("An updated account with new casualties.")]).await.unwrap();
    let again = store.import_batch(None, vec![version("The first account of events.")]).await.unwrap();
    assert_eq!(first[0].outcome.as_str(), "imported");
    assert_eq!(second[0].outcome.as_str(), "revised", "{second:?}");
    assert_eq!(again[0].outcome.as_str(), "present", "an old revision is not new: {again:?}");
    assert_eq!(first[0].outcome.ids(), second[0].outcome.ids());
    assert_eq!(store.count_documents().await.unwrap(), 1);

    let id = first[0].outcome.ids()[0];
    let current = store.document(id).await.unwrap();
    assert!(dossier_core::render::to_text(&current.document).contains("updated account"));
    let revisions = store.revisions(id).await.unwrap();
    assert_eq!(revisions.len(), 1);
    assert!(dossier_core::render::to_text(&revisions[0].document).contains("first account"));
    // Search sees the current text only.
    assert_eq!(titles(&store, "casualties").await, ["Breaking story"]);
    assert!(titles(&store, "\"first account\"").await.is_empty());

    // Parsing the archive again rebuilds the current text, not the first one.
    let report = store.reparse().await.unwrap();
    assert!(report.failed.is_empty(), "{report:?}");
    let current = store.document(id).await.unwrap();
    assert!(dossier_core::render::to_text(&current.document).contains("updated account"));
    assert_eq!(titles(&store, "casualties").await, ["Breaking story"]);

    // A bare link to the page (a bookmark) is one more source, not a new text.
    let mut link = dossier_core::Document {
        title: "Breaking story".into(),
        url: Some("https://news.example/story".into()),
        ..current.document.clone()
    };
    link.blocks.clear();
    let bookmark = ImportItem::from_parsed(
        "bookmarks.html".into(),
        dossier_core::Format::Html,
        b"<a href=\"https://news.example/story\">Breaking story</a>",
        Ok(vec![link]),
    );
    let linked = store.import_batch(None, vec![bookmark]).await.unwrap();
    assert_eq!(linked[0].outcome.as_str(), "present", "{linked:?}");
    let after = store.document(id).await.unwrap();
    assert!(dossier_core::render::to_text(&after.document).contains("updated account"));
    assert_eq!(store.revisions(id).await.unwrap().len(), 1);
    store.reparse().await.unwrap();
    let reparsed = store.document(id).await.unwrap();
    assert!(dossier_core::render::to_text(&reparsed.document).contains("updated account"), "{reparsed:?}");
}

/// Three saves of one page arrive in one batch, behind a page already stored: each
/// later one revises the document, and the texts it replaced are kept, oldest first.
async fn versions_of_one_page_in_one_batch_are_kept_in_order(archive: Archive) {
    let store = archive.store.clone();
    let version = |body: &str| {
        let text =
            format!("title: Breaking story\nurl: https://news.example/story\ntags: Floods\n\n{body}\n");
        ImportItem::parse("story.txt".into(), Some("story.txt"), text.into_bytes())
    };
    let stored = store.import_batch(None, vec![version("The first account of events.")]).await.unwrap();
    let batch = store
        .import_batch(
            None,
            vec![
                version("A second account, with the river still rising."),
                version("A third account: the river has crested."),
                version("A second account, with the river still rising."),
            ],
        )
        .await
        .unwrap();
    let outcomes: Vec<&str> = batch.iter().map(|result| result.outcome.as_str()).collect();
    assert_eq!(outcomes, ["revised", "revised", "present"]);
    let id = stored[0].outcome.ids()[0];
    assert!(batch.iter().all(|result| result.outcome.ids() == [id]), "{batch:?}");
    assert_eq!(store.count_documents().await.unwrap(), 1);
    let current = store.document(id).await.unwrap();
    assert!(dossier_core::render::to_text(&current.document).contains("has crested"));
    let revisions: Vec<String> = store
        .revisions(id)
        .await
        .unwrap()
        .iter()
        .map(|revision| dossier_core::render::to_text(&revision.document))
        .collect();
    assert_eq!(revisions.len(), 2, "{revisions:?}");
    assert!(
        revisions[0].contains("first account") && revisions[1].contains("second account"),
        "{revisions:?}"
    );
    assert_eq!(titles(&store, "crested").await, ["Breaking story"]);
    assert!(titles(&store, "rising").await.is_empty(), "only the current text is searched");
    assert_eq!(titles(&store, "tag:floods").await, ["Breaking story"]);
}

async fn very_common_words_rank_only_the_most_recent_matches(archive: Archive) {
    let store = archive.store.clone().with_ranking_window(50);
    let items = (0..400)
        .map(|number| {
            let text = format!(
                "Report {number}\n\nA common word in story {number}, and a rare one: {}.\n",
                number % 97
            );
            ImportItem::parse(format!("{number}.txt"), None, text.into_bytes())
        })
        .collect();
    store.import_batch(None, items).await.unwrap();

    // 400 matches, a window of 50: only recent documents are ranked, and it says so.
    let common = store.search(&SearchRequest::new("common")).await.unwrap();
    assert!(!common.exhaustive);
    assert!(common.total >= 400, "the total is an upper bound: {}", common.total);
    assert_eq!(common.hits.len(), 20);
    assert!(
        common.hits.iter().all(|hit| hit.id > 400 - 100),
        "{:?}",
        common.hits.iter().map(|hit| hit.id).collect::<Vec<_>>()
    );

    // A phrase whose words are in every document but which is in none: the total
    // comes from the matches in the window, not from how often its words occur.
    let phrase = store.search(&SearchRequest::new("\"word common\"")).await.unwrap();
    assert!(phrase.hits.is_empty(), "{:?}", phrase.hits);
    assert_eq!(phrase.total, 0);

    // An excluded word only takes its documents out of the window's ranking: the
    // others keep their places and their scores.
    let mut wider = SearchRequest::new("common");
    wider.limit = 25;
    let wider = store.search(&wider).await.unwrap();
    let excluding = store.search(&SearchRequest::new("common -5")).await.unwrap();
    assert!(!excluding.exhaustive);
    let kept: Vec<(i64, String)> = wider
        .hits
        .iter()
        .filter(|hit| hit.title != "Report 393")
        .take(20)
        .map(|hit| (hit.id, format!("{:.9}", hit.score)))
        .collect();
    let found: Vec<(i64, String)> =
        excluding.hits.iter().map(|hit| (hit.id, format!("{:.9}", hit.score))).collect();
    assert_eq!(found, kept);
    assert!(excluding.hits.iter().all(|hit| hit.title != "Report 393"), "{:?}", excluding.hits);
    // A word every match holds, excluded: nothing is left, in the window or out.
    let none = store.search(&SearchRequest::new("common -word")).await.unwrap();
    assert!(none.hits.is_empty(), "{:?}", none.hits);
    assert_eq!(none.total, 0);

    // A rare term is ranked exactly, however old its documents.
    let rare = store.search(&SearchRequest::new("common 5")).await.unwrap();
    assert!(rare.exhaustive);
    assert_eq!(rare.total, 5, "documents 5, 102, 199, 296, 393 ({:?})", rare.hits);
    // Sorting by date never needs the window.
    let mut by_date = SearchRequest::new("common");
    by_date.sort = SortOrder::Added;
    let by_date = store.search(&by_date).await.unwrap();
    assert!(by_date.exhaustive);
    assert_eq!(by_date.total, 400);
}

/// Imports reports 0 to 399 into `store`: every one says "story" and "the time";
/// one in three "lucky", once (the number a multiple of 6) or three times (3 more
/// than one); `more` adds to the report of a number. Returns the report number
/// of a document id.
async fn lucky_reports(store: &Store, more: impl Fn(usize) -> &'static str) -> impl Fn(i64) -> usize {
    let items = (0..400)
        .map(|number| {
            let luck = match number % 6 {
                0 => "A lucky time.",
                3 => "A lucky time, lucky, lucky.",
                _ => "An ordinary time.",
            };
            let more = more(number);
            let text = format!("Report {number}\n\nThe story of {number} at the time.{more} {luck}\n");
            ImportItem::parse(format!("{number}.txt"), None, text.into_bytes())
        })
        .collect();
    let imported = store.import_batch(None, items).await.unwrap();
    move |id: i64| {
        imported.iter().position(|result| result.outcome.ids() == [id]).expect("an imported document")
    }
}

/// SQLite scores a windowed phrase by its words, less those most documents hold
/// (PostgreSQL ranks phrases with `ts_rank`, stop words left out).
#[tokio::test]
async fn phrases_of_common_words_find_the_same_documents_in_a_window() {
    let archive = Archive::sqlite().await;
    let store = archive.store.clone().with_ranking_window(50);
    let number_of = lucky_reports(&store, |_| "").await;

    // 133 documents have both words: more than the window, so the newest are
    // ranked, by "lucky" alone ("time" is in every document and scores nothing):
    // the documents that say it three times first.
    let mut request = SearchRequest::new("\"lucky time\"");
    request.limit = 30;
    let lucky = store.search(&request).await.unwrap();
    assert!(!lucky.exhaustive);
    let numbers: Vec<usize> = lucky.hits.iter().map(|hit| number_of(hit.id)).collect();
    assert_eq!(numbers.len(), 30, "{numbers:?}");
    assert!(numbers.iter().all(|number| number % 3 == 0), "only the phrase's matches: {numbers:?}");
    let thrice = numbers.iter().take_while(|number| *number % 6 == 3).count();
    assert!(thrice >= 10, "more of a rare word ranks higher: {numbers:?}");
    assert!(numbers[thrice..].iter().all(|number| number % 6 == 0), "{numbers:?}");
    assert!(lucky.hits.iter().all(|hit| hit.score > 0.0), "{:?}", lucky.hits);

    // Every word of "the time" is in every document: the newest matches come first.
    let plain = store.search(&SearchRequest::new("\"the time\"")).await.unwrap();
    let numbers: Vec<usize> = plain.hits.iter().map(|hit| number_of(hit.id)).collect();
    assert_eq!(numbers, (380..400).rev().collect::<Vec<_>>(), "{:?}", plain.hits);
    // Fewer matches than the window: every one is ranked, by "7" alone.
    let one = store.search(&SearchRequest::new("\"the story of 7\"")).await.unwrap();
    assert!(one.exhaustive);
    assert_eq!(one.hits.iter().map(|hit| number_of(hit.id)).collect::<Vec<_>>(), [7]);
    assert!(one.hits[0].score > 0.0);
    // And a phrase none holds finds nothing.
    assert!(store.search(&SearchRequest::new("\"lucky story\"")).await.unwrap().hits.is_empty());
}

/// SQLite leaves words most documents hold out of the scoring: the other words
/// rank the matches as they would with them, and a window of such words alone
/// lists its newest matches first.
#[tokio::test]
async fn words_most_documents_hold_are_not_scored() {
    let archive = Archive::sqlite().await;
    let store = archive.store.clone().with_ranking_window(50);
    // Reports 0 to 9 say "story" four times more.
    let number_of =
        lucky_reports(&store, |number| if number < 10 { " Story, story, story, story." } else { "" }).await;
    let ranked = |results: &dossier_storage::SearchResults| -> Vec<(usize, String)> {
        results.hits.iter().map(|hit| (number_of(hit.id), format!("{:.12}", hit.score))).collect()
    };

    // "lucky time" ranks as "lucky" does, score for score: "time" adds nothing.
    let mut request = SearchRequest::new("lucky time");
    request.limit = 30;
    let both = store.search(&request).await.unwrap();
    let mut request = SearchRequest::new("lucky");
    request.limit = 30;
    let lucky = store.search(&request).await.unwrap();
    assert!(!lucky.exhaustive && !both.exhaustive);
    assert_eq!(ranked(&both), ranked(&lucky));
    assert_eq!(both.total, lucky.total);
    let numbers: Vec<usize> = lucky.hits.iter().map(|hit| number_of(hit.id)).collect();
    let thrice = numbers.iter().take_while(|number| *number % 6 == 3).count();
    assert!(thrice >= 10, "more of a rare word ranks higher: {numbers:?}");
    assert!(lucky.hits.iter().all(|hit| hit.score > 0.0), "{:?}", lucky.hits);

    // An excluded word takes only its documents out of such a ranking.
    let mut request = SearchRequest::new("lucky time -393");
    request.limit = 29;
    let excluding = store.search(&request).await.unwrap();
    let kept: Vec<(usize, String)> =
        ranked(&lucky).into_iter().filter(|(number, _)| *number != 393).collect();
    assert_eq!(ranked(&excluding), kept[..29]);

    // More matches than the window, of words every document holds: newest first.
    let plain = store.search(&SearchRequest::new("time story")).await.unwrap();
    assert!(!plain.exhaustive);
    let numbers: Vec<usize> = plain.hits.iter().map(|hit| number_of(hit.id)).collect();
    assert_eq!(numbers, (380..400).rev().collect::<Vec<_>>(), "{:?}", plain.hits);
    // Ranked exactly (a window wider than the archive), the same words keep BM25's
    // order: the documents that say "story" most come first.
    let wide = archive.store.clone().with_ranking_window(1_000);
    let exact = wide.search(&SearchRequest::new("story")).await.unwrap();
    assert!(exact.exhaustive);
    let mut first: Vec<usize> = exact.hits.iter().take(10).map(|hit| number_of(hit.id)).collect();
    first.sort_unstable();
    assert_eq!(first, (0..10).collect::<Vec<_>>(), "{:?}", exact.hits);
}

/// On PostgreSQL, words are stemmed in the language of their document: an
/// English query for "price" finds "prices", a German one for "Regierung" finds
/// "Regierungen". (SQLite's index does not stem.) Stop words are still words.
#[tokio::test]
async fn postgres_stems_words_in_the_language_of_the_document() {
    let Some(archive) = Archive::postgres().await else { return };
    let store = archive.store.clone();
    let items = [
        ("en.txt", "title: Prices climb\nlanguage: en\n\nShoppers paid higher prices for groceries this month.\n"),
        (
            "de.txt",
            "title: Verhandlungen gehen weiter\nlanguage: de\n\nDie Regierungen der Nachbarländer verhandeln seit Wochen.\n",
        ),
    ]
    .map(|(name, text)| ImportItem::parse(name.to_owned(), Some(name), text.as_bytes().to_vec()));
    store.import_batch(None, items.into()).await.unwrap();
    assert_eq!(titles(&store, "price").await, ["Prices climb"]);
    assert_eq!(titles(&store, "grocery").await, ["Prices climb"]);
    assert_eq!(titles(&store, "Regierung").await, ["Verhandlungen gehen weiter"]);
    // Stop words are kept, as on SQLite: they can be searched for.
    assert_eq!(titles(&store, "this").await, ["Prices climb"]);
    assert_eq!(titles(&store, "die").await, ["Verhandlungen gehen weiter"]);
    // Snippets still mark the words as written.
    let results = store.search(&SearchRequest::new("regierungen")).await.unwrap();
    assert!(results.hits[0].snippet.text.contains("Regierungen"), "{:?}", results.hits[0].snippet);
}

/// A revision that changes what filters and counts read (site, date, language,
/// author): search and the library see the new values, never the old ones.
async fn filters_and_counts_follow_a_revision_that_moves_the_page(archive: Archive) {
    let store = archive.store.clone();
    let version = |site: &str, date: &str, language: &str, author: &str| {
        let text = format!(
            "title: Harbour works\nurl: https://news.example/harbour\nsite: {site}\ndate: {date}\n\
             language: {language}\nauthor: {author}\n\nThe breakwater works at the harbour began in {date}.\n"
        );
        ImportItem::parse("harbour.txt".into(), Some("harbour.txt"), text.into_bytes())
    };
    store.import_batch(None, vec![version("Old Courier", "2023-03-01", "en", "Ann Old")]).await.unwrap();
    let revised =
        store.import_batch(None, vec![version("New Gazette", "2024-06-01", "de", "Bo New")]).await.unwrap();
    assert_eq!(revised[0].outcome.as_str(), "revised", "{revised:?}");
    for (query, found) in [
        ("breakwater site:\"New Gazette\"", true),
        ("breakwater site:\"Old Courier\"", false),
        ("breakwater after:2024", true),
        ("breakwater before:2024", false),
        ("breakwater lang:de", true),
        ("breakwater lang:en", false),
        ("breakwater author:New", true),
        ("breakwater author:Old", false),
    ] {
        assert_eq!(titles(&store, query).await.len(), usize::from(found), "{query}");
    }
    let results = store.search(&SearchRequest::new("breakwater")).await.unwrap();
    let sites: Vec<&str> = results.facets.sites.iter().map(|(site, _)| site.as_str()).collect();
    assert_eq!(sites, ["New Gazette"], "{:?}", results.facets);
    let library = store.library(&LibraryRequest::new(LibraryFilter::default())).await.unwrap();
    assert_eq!((library.total, library.sites.as_slice()), (1, &[("New Gazette".to_owned(), 1)][..]));
    assert_eq!(library.languages, [("de".to_owned(), 1)]);
}
