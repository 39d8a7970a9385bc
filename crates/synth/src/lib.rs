//! dossier-synth: a deterministic generator of news-like articles, and of the
//! rewrites outlets make of one story, for tests and benchmarks.
//!
//! Words follow a Zipf distribution over a large vocabulary (real English function
//! words at the head, pronounceable invented words in the tail), so the index sees
//! a realistic mix of very common and very rare terms. Articles have a topic: a
//! set of words they use often, so unrelated articles on one topic share much
//! vocabulary, as real coverage of one beat does. A rewrite keeps a story and
//! changes what syndication and rewriting change: another headline, sentences
//! reordered or dropped, a share of the words replaced, boilerplate added.
//!
//! The random generator is a SplitMix64 of our own rather than `rand`: the corpus
//! must be byte-for-byte the same for a seed across versions and machines, which
//! `rand` does not promise for its distributions.

use std::fmt::Write;

/// Function words at the head of the Zipf distribution, most frequent first.
const FUNCTION_WORDS: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "a",
    "in",
    "that",
    "is",
    "was",
    "he",
    "for",
    "it",
    "with",
    "as",
    "his",
    "on",
    "be",
    "at",
    "by",
    "had",
    "are",
    "but",
    "from",
    "or",
    "have",
    "an",
    "they",
    "which",
    "one",
    "you",
    "were",
    "her",
    "all",
    "she",
    "there",
    "would",
    "their",
    "we",
    "him",
    "been",
    "has",
    "when",
    "who",
    "will",
    "more",
    "no",
    "if",
    "out",
    "so",
    "said",
    "what",
    "up",
    "its",
    "about",
    "into",
    "than",
    "them",
    "can",
    "only",
    "other",
    "new",
    "some",
    "could",
    "time",
    "these",
    "two",
    "may",
    "then",
    "do",
    "first",
    "any",
    "my",
    "now",
    "such",
    "like",
    "our",
    "over",
    "man",
    "me",
    "even",
    "most",
    "made",
    "after",
    "also",
    "did",
    "many",
    "before",
    "must",
    "through",
    "back",
    "years",
    "where",
    "much",
    "your",
    "way",
    "well",
    "down",
    "should",
    "because",
    "each",
    "just",
    "those",
    "people",
    "how",
    "too",
    "little",
    "state",
    "good",
    "very",
    "make",
    "world",
    "still",
    "own",
    "see",
    "men",
    "work",
    "long",
    "get",
    "here",
    "between",
    "both",
    "life",
    "being",
    "under",
    "never",
    "day",
    "same",
    "another",
    "know",
    "while",
    "last",
    "might",
    "us",
    "great",
    "old",
    "year",
    "off",
    "come",
    "since",
    "against",
    "go",
    "came",
    "right",
    "used",
    "take",
    "three",
    "government",
    "company",
    "report",
    "week",
    "month",
    "court",
    "police",
    "city",
    "country",
    "minister",
    "official",
    "according",
    "told",
    "percent",
    "million",
    "public",
];

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ren", "ta", "vor", "el", "sa", "nu", "dri", "po", "lin", "ga", "ter", "os", "ban",
    "cu", "fe", "ril", "mon", "da", "shi", "tre", "ul", "ven", "zo", "har", "pe", "qui", "mar", "sel", "to",
    "bri", "an", "ol", "nis", "ru", "cal", "dor", "fi",
];

const BOILERPLATE: &[&str] = &[
    "Sign up for our daily newsletter to get the stories that matter delivered to your inbox.",
    "Follow us on social media for the latest updates on this developing story.",
    "This article was amended to correct an error in an earlier version.",
    "Reporting contributed by our correspondents. Additional reporting by wire services.",
    "Have a story tip? Contact our newsroom securely.",
    "Read more: the full coverage is available in our archive.",
];

/// SplitMix64: small, fast, and stable for a given seed forever.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..bound` (`bound` > 0).
    pub fn below(&mut self, bound: usize) -> usize {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * bound as f64) as usize
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The vocabulary and the Zipf distribution over it.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    words: Vec<String>,
    /// Cumulative Zipf weights, for sampling by binary search.
    cumulative: Vec<f64>,
}

impl Vocabulary {
    /// `size` words: the function words, then invented ones.
    pub fn new(size: usize, seed: u64) -> Vocabulary {
        let mut rng = Rng::new(seed);
        let mut words: Vec<String> = FUNCTION_WORDS.iter().map(|word| word.to_string()).collect();
        let mut seen: std::collections::HashSet<String> = words.iter().cloned().collect();
        while words.len() < size.max(FUNCTION_WORDS.len()) {
            let syllables = 2 + rng.below(3);
            let word: String = (0..syllables).map(|_| *rng.pick(SYLLABLES)).collect();
            if seen.insert(word.clone()) {
                words.push(word);
            }
        }
        let mut total = 0.0;
        let cumulative = (1..=words.len())
            .map(|rank| {
                total += 1.0 / (rank as f64).powf(1.07);
                total
            })
            .collect();
        Vocabulary { words, cumulative }
    }

    pub fn sample<'a>(&'a self, rng: &mut Rng) -> &'a str {
        let target = rng.unit() * self.cumulative.last().copied().unwrap_or(1.0);
        let index = self.cumulative.partition_point(|weight| *weight < target).min(self.words.len() - 1);
        &self.words[index]
    }

    /// A word from the tail: rare, good for names and topic words.
    pub fn rare<'a>(&'a self, rng: &mut Rng) -> &'a str {
        let head = FUNCTION_WORDS.len() + 2000;
        let start = head.min(self.words.len() / 2);
        &self.words[start + rng.below(self.words.len() - start)]
    }
}

/// One generated article: metadata and paragraphs of sentences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub title: String,
    pub date: String,
    pub site: String,
    pub author: String,
    pub paragraphs: Vec<Vec<String>>,
}

impl Article {
    /// The article as a plain-text file with `Key: value` headers, as scrapers save them.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = write!(
            out,
            "title: {}\ndate: {}\nsite: {}\nauthor: {}\n\n",
            self.title, self.date, self.site, self.author
        );
        for paragraph in &self.paragraphs {
            out.push_str(&paragraph.join(" "));
            out.push_str("\n\n");
        }
        out
    }

    pub fn word_count(&self) -> usize {
        self.paragraphs.iter().flatten().map(|sentence| sentence.split_whitespace().count()).sum()
    }
}

/// Generates articles and rewrites from one seed.
#[derive(Debug, Clone)]
pub struct Generator {
    vocabulary: Vocabulary,
    topics: Vec<Vec<String>>,
    sites: Vec<String>,
    authors: Vec<String>,
    rng: Rng,
}

impl Generator {
    /// `topics` beats to write about; a vocabulary of 60,000 words.
    pub fn new(seed: u64, topics: usize) -> Generator {
        let vocabulary = Vocabulary::new(60_000, seed ^ 0x5eed);
        let mut rng = Rng::new(seed);
        let topics = (0..topics.max(1))
            .map(|_| (0..40).map(|_| vocabulary.rare(&mut rng).to_owned()).collect())
            .collect();
        let sites = (0..200)
            .map(|_| {
                title_case(&format!(
                    "{} {}",
                    vocabulary.rare(&mut rng),
                    *rng.pick(&["Times", "Post", "Herald", "News", "Daily", "Observer", "Chronicle", "Wire"])
                ))
            })
            .collect();
        let authors = (0..1000)
            .map(|_| title_case(&format!("{} {}", vocabulary.rare(&mut rng), vocabulary.rare(&mut rng))))
            .collect();
        Generator { vocabulary, topics, sites, authors, rng }
    }

    pub fn topic_count(&self) -> usize {
        self.topics.len()
    }

    /// A new article on `topic`, around `mean_words` long.
    pub fn article(&mut self, topic: usize, mean_words: usize) -> Article {
        let topic = topic % self.topics.len();
        // Lengths spread from about half to twice the mean.
        let words = (mean_words as f64
            * (0.5 + 1.5 * self.rng.unit() * self.rng.unit() + 0.25 * self.rng.unit()))
            as usize;
        let mut paragraphs = Vec::new();
        let mut written = 0;
        while written < words.max(40) {
            let sentences = 1 + self.rng.below(4);
            let paragraph: Vec<String> = (0..sentences).map(|_| self.sentence(topic)).collect();
            written += paragraph.iter().map(|sentence| sentence.split_whitespace().count()).sum::<usize>();
            paragraphs.push(paragraph);
        }
        let title_words = 6 + self.rng.below(7);
        let title = title_case(&self.words(topic, title_words).join(" "));
        Article {
            title,
            date: self.date(),
            site: self.rng.pick(&self.sites).clone(),
            author: self.rng.pick(&self.authors).clone(),
            paragraphs,
        }
    }

    /// Another outlet's version of `article`: a new headline, site and date, some
    /// sentences swapped or dropped, `changed` (0–1) of the words replaced, and
    /// boilerplate added.
    pub fn rewrite(&mut self, article: &Article, topic: usize, changed: f64) -> Article {
        let topic = topic % self.topics.len();
        let mut sentences: Vec<String> = article.paragraphs.iter().flatten().cloned().collect();
        // Drop up to one sentence in ten.
        let drops = self.rng.below(sentences.len() / 10 + 1);
        for _ in 0..drops {
            if sentences.len() > 3 {
                let index = self.rng.below(sentences.len());
                sentences.remove(index);
            }
        }
        // Swap a few neighbouring sentences.
        for _ in 0..sentences.len() / 4 {
            let index = self.rng.below(sentences.len().saturating_sub(1).max(1));
            if index + 1 < sentences.len() {
                sentences.swap(index, index + 1);
            }
        }
        let sentences: Vec<String> = sentences
            .into_iter()
            .map(|sentence| {
                let words: Vec<String> = sentence
                    .trim_end_matches('.')
                    .split_whitespace()
                    .map(|word| {
                        if self.rng.unit() < changed {
                            self.word(topic).to_owned()
                        } else {
                            word.to_lowercase()
                        }
                    })
                    .collect();
                sentence_case(&words)
            })
            .collect();
        let mut paragraphs = Vec::new();
        let mut rest = sentences.as_slice();
        while !rest.is_empty() {
            let take = (1 + self.rng.below(4)).min(rest.len());
            paragraphs.push(rest[..take].to_vec());
            rest = &rest[take..];
        }
        for _ in 0..1 + self.rng.below(3) {
            let at = self.rng.below(paragraphs.len() + 1);
            paragraphs.insert(at, vec![self.rng.pick(BOILERPLATE).to_string()]);
        }
        let title_words = 6 + self.rng.below(7);
        Article {
            title: title_case(&self.words(topic, title_words).join(" ")),
            date: self.date(),
            site: self.rng.pick(&self.sites).clone(),
            author: self.rng.pick(&self.authors).clone(),
            paragraphs,
        }
    }

    fn sentence(&mut self, topic: usize) -> String {
        let length = 8 + self.rng.below(22);
        let words = self.words(topic, length);
        sentence_case(&words)
    }

    fn words(&mut self, topic: usize, count: usize) -> Vec<String> {
        (0..count).map(|_| self.word(topic).to_owned()).collect()
    }

    /// A quarter of the words come from the topic, the rest from the language.
    fn word(&mut self, topic: usize) -> &str {
        if self.rng.unit() < 0.25 {
            let words = &self.topics[topic];
            &words[self.rng.below(words.len())]
        } else {
            self.vocabulary.sample(&mut self.rng)
        }
    }

    fn date(&mut self) -> String {
        format!("{}-{:02}-{:02}", 2015 + self.rng.below(11), 1 + self.rng.below(12), 1 + self.rng.below(28))
    }
}

fn sentence_case(words: &[String]) -> String {
    let mut sentence = words.join(" ");
    if let Some(first) = sentence.get(..1) {
        let upper = first.to_uppercase();
        sentence.replace_range(..1, &upper);
    }
    sentence.push('.');
    sentence
}

fn title_case(text: &str) -> String {
    text.split_whitespace()
        .map(|word| {
            let mut characters = word.chars();
            characters
                .next()
                .map(|first| first.to_uppercase().chain(characters).collect())
                .unwrap_or_default()
        })
        .collect::<Vec<String>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::Generator;

    #[test]
    fn the_same_seed_gives_the_same_corpus() {
        let mut first = Generator::new(7, 10);
        let mut second = Generator::new(7, 10);
        for topic in 0..5 {
            assert_eq!(first.article(topic, 600), second.article(topic, 600));
        }
    }

    #[test]
    fn articles_look_like_articles() {
        let mut generator = Generator::new(1, 10);
        let lengths: Vec<usize> = (0..200).map(|index| generator.article(index, 600).word_count()).collect();
        let mean = lengths.iter().sum::<usize>() / lengths.len();
        assert!((450..=800).contains(&mean), "mean length {mean}");
        let article = generator.article(0, 600);
        let text = article.to_text();
        assert!(text.starts_with("title: "));
        assert!(text.contains("\ndate: 20"));
        assert!(article.paragraphs.iter().flatten().all(|sentence| sentence.ends_with('.')));
    }

    #[test]
    fn a_rewrite_keeps_most_words_and_adds_boilerplate() {
        let mut generator = Generator::new(3, 4);
        let original = generator.article(1, 600);
        let rewrite = generator.rewrite(&original, 1, 0.2);
        assert_ne!(original.title, rewrite.title);
        let words = |article: &super::Article| -> std::collections::HashSet<String> {
            article
                .paragraphs
                .iter()
                .flatten()
                .flat_map(|sentence| sentence.split_whitespace())
                .map(|word| word.to_lowercase().trim_matches('.').to_owned())
                .collect()
        };
        let (before, after) = (words(&original), words(&rewrite));
        let shared = before.intersection(&after).count() as f64 / before.len() as f64;
        assert!(shared > 0.6, "shared vocabulary {shared}");
        assert!(
            rewrite.to_text().contains("newsletter")
                || rewrite.to_text().contains("Follow us")
                || rewrite.to_text().contains("amended")
                || rewrite.to_text().contains("Reporting")
                || rewrite.to_text().contains("story tip")
                || rewrite.to_text().contains("Read more")
        );
    }
}

/// One generated article of a story set, with the story it belongs to.
#[derive(Debug, Clone)]
pub struct LabelledArticle {
    pub text: String,
    /// The true story: rewrites share their original's; unrelated articles have their own.
    pub story: usize,
}

/// A set for measuring story clustering: `stories` originals, each with one to
/// four rewrites changing 10–30 % of the words, mixed with `unrelated` articles on
/// the same few topics, in a shuffled order.
pub fn story_set(seed: u64, stories: usize, unrelated: usize) -> Vec<LabelledArticle> {
    let topics = (stories / 8).max(2);
    let mut generator = Generator::new(seed, topics);
    let mut articles = Vec::new();
    for story in 0..stories {
        let topic = story % topics;
        let original = generator.article(topic, 600);
        let rewrites = 1 + generator.rng.below(4);
        for _ in 0..rewrites {
            let changed = 0.1 + 0.2 * generator.rng.unit();
            let rewrite = generator.rewrite(&original, topic, changed);
            articles.push(LabelledArticle { text: rewrite.to_text(), story });
        }
        articles.push(LabelledArticle { text: original.to_text(), story });
    }
    for index in 0..unrelated {
        let article = generator.article(index % topics, 600);
        articles.push(LabelledArticle { text: article.to_text(), story: stories + index });
    }
    // Fisher–Yates, so that rewrites arrive before, after and between their originals.
    for index in (1..articles.len()).rev() {
        let other = generator.rng.below(index + 1);
        articles.swap(index, other);
    }
    articles
}

/// Pairwise precision and recall of a clustering: over all pairs of items, a pair
/// put in one cluster is a true positive when the truth has them in one story.
pub fn pair_precision_recall<T: PartialEq, U: PartialEq>(truth: &[T], predicted: &[U]) -> (f64, f64) {
    assert_eq!(truth.len(), predicted.len());
    let (mut true_positive, mut false_positive, mut false_negative) = (0u64, 0u64, 0u64);
    for i in 0..truth.len() {
        for j in i + 1..truth.len() {
            match (truth[i] == truth[j], predicted[i] == predicted[j]) {
                (true, true) => true_positive += 1,
                (false, true) => false_positive += 1,
                (true, false) => false_negative += 1,
                (false, false) => {}
            }
        }
    }
    let precision = true_positive as f64 / (true_positive + false_positive).max(1) as f64;
    let recall = true_positive as f64 / (true_positive + false_negative).max(1) as f64;
    (precision, recall)
}

/// A valid 2×2 PNG image (red, green, blue and white pixels), for tests of the
/// local copies of images.
pub const PNG_2X2: &[u8] = b"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x02\x00\x00\x00\x02\x08\x02\x00\x00\x00\xfd\xd4\x9a\x73\x00\x00\x00\x12\x49\x44\x41\x54\x78\x9c\x63\xf8\xcf\xc0\xc0\x00\xc2\x0c\xff\x81\x00\x00\x1f\xee\x05\xfb\x0b\xd9\x68\x8b\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";
