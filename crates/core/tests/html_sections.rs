//! The rules that decide what of a page beyond the article's container a reader gets,
//! each shown on a small page: the prose sections beside the container are added in
//! reading order, the boxes beside it (the author's box, related stories, forms,
//! disclosures, filing details) are not, and the plain-text view prints the
//! standfirst and captions but not alt text.

use dossier_core::html::parse_html;
use dossier_core::{Block, render};

/// A paragraph of article prose, long enough to count as text.
fn prose(topic: &str) -> String {
    format!(
        "<p>The council met on Tuesday to discuss {topic}, and after a long debate the members agreed \
         that the plan should go ahead in spring, with a review of its costs after the first year.</p>"
    )
}

fn text_of(page: &str) -> String {
    render::to_text(&parse_html(page.as_bytes(), None).expect("the page parses"))
}

#[test]
fn a_section_beside_the_article_container_is_added_in_reading_order() {
    // A recipe: the introduction and the steps are one container, the ingredients a
    // sibling section of their own that readability scoring leaves out.
    let steps: String = ["the dough", "the filling", "the oven", "the glaze", "the serving"]
        .iter()
        .map(|topic| prose(topic))
        .collect();
    let page = format!(
        "<html><head><title>Plum cake</title></head><body>\
         <div class='recipe'>\
         <div class='ingredients'><h2>Ingredients</h2><ul>\
         <li>500 g of ripe plums, halved and stoned, with their juice kept aside</li>\
         <li>250 g of plain flour, sifted twice so that the dough stays light</li>\
         <li>125 g of soft butter, cut into small cubes and kept cool until needed</li>\
         </ul></div>\
         <div class='method'><h2>Method</h2>{steps}</div>\
         </div></body></html>"
    );
    let text = text_of(&page);
    let ingredients =
        text.find("500 g of ripe plums").unwrap_or_else(|| panic!("ingredients missing:\n{text}"));
    let method = text.find("discuss the dough").unwrap_or_else(|| panic!("method missing:\n{text}"));
    assert!(ingredients < method, "the ingredients come first, as on the page:\n{text}");
}

#[test]
fn boxes_beside_the_article_are_not_added() {
    let body: String = ["the budget", "the school", "the bridge", "the library", "the harbour"]
        .iter()
        .map(|topic| prose(topic))
        .collect();
    let page = format!(
        "<html><head><title>Council news</title><meta name='author' content='Jane Doe'></head><body>\
         <div class='layout'><div class='column'><div class='story'>{body}</div><div class='date'>Tuesday</div></div>\
         <div class='continued'><p>The plan will cost the city four million over five years, most of it \
         for the new sea wall, and the council will vote on the first payment in the autumn.</p></div>\
         <div class='profile-card'><p>Jane Doe covers local politics for the Ledger and has written \
         about the council since 2015, after ten years at the regional desk in the north.</p></div>\
         <div class='more'><h3>Related stories</h3><p>The mayor answered questions from readers for \
         an hour on Monday, from the bus timetable to the state of the swimming pool roof.</p></div>\
         <div class='box'><form><label>Your e-mail address, to receive every morning the stories that \
         matter in the city, from the council chamber to the football ground, free of charge</label></form></div>\
         </div></body></html>"
    );
    let text = text_of(&page);
    assert!(text.contains("discuss the budget"), "{text}");
    // A section beside the article's column that carries on its prose is added.
    assert!(text.contains("four million over five years"), "{text}");
    for absent in ["covers local politics", "Related stories", "The mayor answered", "Your e-mail address"] {
        assert!(!text.contains(absent), "{absent:?} should not be in:\n{text}");
    }
}

#[test]
fn sections_that_point_to_other_articles_are_dropped_with_their_heading() {
    let body: String = ["the budget", "the school", "the bridge"].iter().map(|topic| prose(topic)).collect();
    let page = format!(
        "<html><head><title>Council news</title></head><body><article>{body}\
         <h2>Related stories</h2><p>The city builds a new bridge over the river.</p>\
         <h2>Next steps</h2>{}</article></body></html>",
        prose("the next meeting")
    );
    let text = text_of(&page);
    assert!(!text.contains("Related stories") && !text.contains("new bridge"), "{text}");
    assert!(text.contains("Next steps") && text.contains("discuss the next meeting"), "{text}");
}

#[test]
fn filing_details_disclosures_and_prompts_are_not_text() {
    let body: String =
        ["the budget", "the school", "the bridge", "the library"].iter().map(|topic| prose(topic)).collect();
    let page = format!(
        "<html><head><title>Council news</title></head><body><article>{body}\
         <p class='ad-disclosure'>We may receive a commission when you buy through links on this page.</p>\
         <p class='postmetadata'>This entry was posted on Tuesday and is filed under Local.</p>\
         <div class='author-bio'><p>Jane Doe writes about the city and its council.</p></div>\
         <p>Subscribe now to our print edition for the full story.</p>\
         <h3>Keine Kommentare</h3>\
         <form><p>Wie bewerten Sie diesen Artikel? Ihre Meinung hilft uns, besser zu werden.</p></form>\
         </article></body></html>"
    );
    let text = text_of(&page);
    assert!(text.contains("discuss the library"), "{text}");
    for absent in [
        "commission",
        "This entry was posted",
        "Jane Doe writes",
        "Subscribe now",
        "Keine Kommentare",
        "Wie bewerten",
    ] {
        assert!(!text.contains(absent), "{absent:?} should not be in:\n{text}");
    }
}

#[test]
fn a_comment_word_in_a_posts_topic_does_not_make_it_comments() {
    // WordPress names the post's categories in its classes: `category-der-kommentar`
    // is an opinion piece, not a comment thread.
    let body: String = ["the budget", "the school", "the bridge"].iter().map(|topic| prose(topic)).collect();
    let page = format!(
        "<html><head><title>Opinion</title></head><body><main>\
         <div class='post hentry category-der-kommentar'>{body}</div>\
         <div class='sidebar'>Archive</div></main></body></html>"
    );
    assert!(text_of(&page).contains("discuss the bridge"));
}

#[test]
fn the_plain_text_prints_the_standfirst_and_captions_but_not_alt_text() {
    let body: String = ["the budget", "the school", "the bridge"].iter().map(|topic| prose(topic)).collect();
    let page = format!(
        "<html><head><title>Council approves the plan</title></head><body>\
         <header><h1>Council approves the plan</h1>\
         <p class='article__standfirst'>After a year of debate, the harbour plan goes ahead in spring.</p></header>\
         <article>{body}\
         <img src='council.jpg' alt='A photograph of the council chamber, seen from the gallery'>\
         <figure><img src='harbour.jpg' alt='The harbour at dawn'><figcaption>The harbour, where the \
         works begin in April.</figcaption></figure></article></body></html>"
    );
    let document = parse_html(page.as_bytes(), None).expect("the page parses");
    assert_eq!(
        document.dek.as_deref(),
        Some("After a year of debate, the harbour plan goes ahead in spring.")
    );
    // The model keeps both texts of the images.
    assert!(document.blocks.iter().any(|block| matches!(block,
        Block::Image { alt: Some(alt), .. } if alt.starts_with("A photograph of the council chamber"))));
    let text = render::to_text(&document);
    assert!(text.starts_with("After a year of debate"), "{text}");
    assert!(text.contains("The harbour, where the works begin in April."), "{text}");
    assert!(
        !text.contains("A photograph of the council chamber") && !text.contains("The harbour at dawn"),
        "{text}"
    );
}
