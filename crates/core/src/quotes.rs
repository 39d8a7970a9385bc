//! Quoted statements and who made them.
//!
//! Quotation marks: curly “…”, straight "…", guillemets «…», low-high „…“/„…”.
//! A statement's speaker comes from its own sentence: an attribution after the quote
//! (`“…,” she said`, `“…,” said Jane Doe`, `«…», a déclaré X`, `«…», dijo X`), before
//! it (`X said: “…”`, `X told Y: “…”`, `X, who …, said “…”`, `X alleged that … “…”`),
//! or `according to X` / `según X` / `selon X`. A pronoun (or the silent subject of
//! `«…», añadió`) means the last named speaker; a lone surname means the earlier
//! speaker or name it ends. One to three quoted words are a term (“inbox API”), not a
//! statement, unless they are directly attributed (`“Never,” she said`).
//!
//! Every step looks at a bounded window of text around the quotation marks, so the
//! whole pass is linear in the document's size.

use crate::model::{Block, Diagnostic, DiagnosticCode, Document, Quote};

/// Bytes of context before a quotation looked at for an attribution.
const PRE_WINDOW: usize = 600;
/// Bytes of context after a quotation looked at for an attribution.
const POST_WINDOW: usize = 300;
/// A quotation of at most this many words is a term unless directly attributed.
const MAX_TERM_WORDS: usize = 3;
/// Stands in for an earlier quotation inside an attribution's context.
const PLACEHOLDER: &str = "\u{2063}q\u{2063}";

/// Finds every quoted statement in the document's paragraphs and quote blocks.
pub(crate) fn extract(document: &Document) -> (Vec<Quote>, Vec<Diagnostic>) {
    let mut extractor = Extractor { quotes: Vec::new(), diagnostics: Vec::new(), named_speakers: Vec::new() };
    // The last quote of the previous paragraph, when it was left open: news style
    // opens each paragraph of a long statement and closes only the last one.
    let mut open_from_previous: Option<usize> = None;
    for (index, block) in document.blocks.iter().enumerate() {
        match block {
            Block::Paragraph { text } => {
                open_from_previous = extractor.paragraph(document, index, text, open_from_previous);
            }
            Block::Quote { text, cite } => {
                open_from_previous = None;
                extractor.block_quote(index, text, cite.as_deref());
            }
            _ => open_from_previous = None,
        }
    }
    (extractor.quotes, extractor.diagnostics)
}

struct Extractor {
    quotes: Vec<Quote>,
    diagnostics: Vec<Diagnostic>,
    /// Speakers named so far, latest last, for pronouns and surnames.
    named_speakers: Vec<String>,
}

/// One quotation found in a paragraph, as byte offsets into it.
#[derive(Debug, Clone)]
struct Span {
    open: usize,
    content_start: usize,
    content_end: usize,
    /// Just past the closing mark (or the paragraph's end when unclosed).
    close_end: usize,
    closed: bool,
    /// Offsets of opening marks met again before the quote closed.
    reopened_at: Vec<usize>,
}

fn closers_for(opener: char) -> &'static [char] {
    match opener {
        '“' => &['”'],
        '„' => &['“', '”'],
        '«' => &['»'],
        _ => &['"'],
    }
}

/// Finds the quotations of one paragraph in a single pass. Only quotation marks
/// change what is read, and each of them starts with `"`, or with 0xE2 (`“ ” „`)
/// or 0xC2 (`« »`), so the pass jumps from one such byte to the next (`memchr`)
/// rather than decoding every character; a `"` looks back at the character before it.
fn find_spans(text: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut current: Option<(char, Span)> = None;
    for offset in memchr::memchr3_iter(b'"', 0xE2, 0xC2, text.as_bytes()) {
        // Each of the three bytes starts a character: none is a continuation byte.
        let Some(character) = text[offset..].chars().next() else {
            continue;
        };
        let after = offset + character.len_utf8();
        match &mut current {
            None => {
                let opens = match character {
                    '“' | '„' | '«' => true,
                    '"' => text[..offset]
                        .chars()
                        .next_back()
                        .is_none_or(|previous| previous.is_whitespace() || "([{—–-:/".contains(previous)),
                    _ => false,
                };
                if opens {
                    current = Some((
                        character,
                        Span {
                            open: offset,
                            content_start: after,
                            content_end: after,
                            close_end: after,
                            closed: false,
                            reopened_at: Vec::new(),
                        },
                    ));
                }
            }
            Some((opener, span)) => {
                if closers_for(*opener).contains(&character) {
                    span.content_end = offset;
                    span.close_end = after;
                    span.closed = true;
                    spans.push(span.clone());
                    current = None;
                } else if character == *opener && *opener != '"' {
                    span.reopened_at.push(offset);
                }
            }
        }
    }
    if let Some((_, mut span)) = current {
        span.content_end = text.len();
        span.close_end = text.len();
        spans.push(span);
    }
    spans
}

/// Where sentences start in `text`, outside quotations: after `.`, `!` or `?` and a
/// space when a capital or an opening mark follows, unless the word is an abbreviation;
/// and after a quotation whose words end a sentence.
fn sentence_starts(text: &str, spans: &[Span]) -> Vec<usize> {
    let mut starts = vec![0];
    let bytes = text.as_bytes();
    let mut span_index = 0;
    let mut offset = 0;
    while offset < bytes.len() {
        if span_index < spans.len() && offset >= spans[span_index].open {
            let span = &spans[span_index];
            let content = text[span.content_start..span.content_end].trim_end();
            offset = span.close_end;
            span_index += 1;
            if content.ends_with(['.', '!', '?'])
                && let Some(start) = next_sentence_start(text, offset)
            {
                starts.push(start);
            }
            continue;
        }
        if matches!(bytes[offset], b'.' | b'!' | b'?')
            && let Some(start) = next_sentence_start(text, offset + 1)
            && !ends_with_abbreviation(&text[floor_boundary(text, offset.saturating_sub(32))..offset + 1])
        {
            starts.push(start);
        }
        offset += 1;
    }
    starts
}

/// After a sentence end at `offset`: where the next sentence starts, if one does.
fn next_sentence_start(text: &str, offset: usize) -> Option<usize> {
    let rest = text.get(offset..)?;
    let trimmed = rest.trim_start();
    if trimmed.len() == rest.len() {
        return None;
    }
    let first = trimmed.chars().next()?;
    (first.is_uppercase() || first.is_ascii_digit() || "“„«\"—".contains(first))
        .then_some(text.len() - trimmed.len())
}

fn ends_with_abbreviation(text: &str) -> bool {
    let word = text.rsplit(char::is_whitespace).next().unwrap_or_default();
    let bare = word.trim_end_matches('.').trim_start_matches(|character: char| !character.is_alphanumeric());
    if bare.contains('.') || bare.chars().count() == 1 {
        return true;
    }
    let lower = bare.to_lowercase();
    crate::abbreviation::is_common(&lower) || matches!(lower.as_str(), "sra" | "mme" | "mlle" | "m")
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn ceil_boundary(text: &str, mut offset: usize) -> usize {
    while offset < text.len() && !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset.min(text.len())
}

/// How a statement was attributed.
struct Attribution {
    /// The speaker as written ("A Meta spokesperson", "she", "" for a silent subject).
    speaker: String,
    /// The attributing words.
    words: String,
}

impl Extractor {
    /// Reads one paragraph; returns the index of its last quote when it is left open
    /// at the paragraph's end.
    fn paragraph(
        &mut self,
        document: &Document,
        block: usize,
        text: &str,
        open_from_previous: Option<usize>,
    ) -> Option<usize> {
        let spans = find_spans(text);
        if spans.is_empty() {
            return None;
        }
        let starts = sentence_starts(text, &spans);
        let mut start_index = 0;
        let mut left_open = None;
        // The speaker and attributing words of the paragraph's last attributed quote.
        let mut paragraph_speaker: Option<(Option<String>, Option<String>)> = None;
        for (span_index, span) in spans.iter().enumerate() {
            while start_index + 1 < starts.len() && starts[start_index + 1] <= span.open {
                start_index += 1;
            }
            let sentence_start = starts[start_index];
            let sentence_end = starts[start_index + 1..]
                .iter()
                .copied()
                .find(|start| *start >= span.close_end)
                .unwrap_or(text.len());
            let content = statement_text(text, span);
            if content.is_empty() {
                continue;
            }

            // A paragraph that opens with a quotation continuing the previous paragraph's
            // open one extends that statement.
            if span_index == 0
                && span.open == 0
                && let Some(previous) = open_from_previous
            {
                let quote = &mut self.quotes[previous];
                quote.text.push(' ');
                quote.text.push_str(&content);
                if !span.closed {
                    left_open = Some(previous);
                } else if quote.attribution.is_none() {
                    // A statement over several paragraphs attributed at its end: `“In
                    // June …` ¶ `“But they want a real deal …,” Castellanos said.`
                    let post_end = ceil_boundary(text, (span.close_end + POST_WINDOW).min(text.len()));
                    if let Some(attribution) = attribution_after(&text[span.close_end..post_end]) {
                        let speaker = self.resolve(document, block, text, "", &attribution.speaker);
                        let quote = &mut self.quotes[previous];
                        quote.speaker = speaker;
                        quote.attribution = Some(attribution.words);
                    }
                }
                continue;
            }

            let words = content.split_whitespace().count();
            let ends_in_punctuation =
                text[span.content_start..span.content_end].trim_end().ends_with(['.', ',', '!', '?', '…']);
            if words <= MAX_TERM_WORDS && !ends_in_punctuation {
                // A term (“inbox API”): not a statement, whatever surrounds it.
                continue;
            }
            let pre = masked(
                text,
                sentence_start.max(floor_boundary(text, span.open.saturating_sub(PRE_WINDOW))),
                span.open,
                &spans[..span_index],
            );
            let next_open = spans.get(span_index + 1).map_or(text.len(), |next| next.open);
            let post_end = ceil_boundary(text, sentence_end.min(next_open).min(span.close_end + POST_WINDOW));
            let post = &text[span.close_end..post_end.max(span.close_end)];

            let post_attribution = attribution_after(post);
            let directly_attributed = post_attribution.is_some() || pre.trim_end().ends_with(':');
            if words <= MAX_TERM_WORDS && !(directly_attributed && ends_in_punctuation) {
                continue;
            }
            let attribution = post_attribution.or_else(|| attribution_before(&pre));
            let (speaker, attribution_words) = match attribution {
                Some(attribution) => {
                    let before_sentence = &text
                        [floor_boundary(text, sentence_start.saturating_sub(PRE_WINDOW))..sentence_start];
                    // `One emergency nurse, who …, said she … “…,” she said`: the pronoun
                    // is the unnamed speaker's of the paragraph's reported speech.
                    let attribution = if is_personal_pronoun(&attribution.speaker) {
                        unnamed_reported_speaker(before_sentence).unwrap_or(attribution)
                    } else {
                        attribution
                    };
                    (
                        self.resolve(document, block, text, before_sentence, &attribution.speaker),
                        Some(attribution.words),
                    )
                }
                // `“…,” Feld told supporters. “We won …”`: a quotation that opens its
                // sentence with no attribution of its own goes on with the paragraph's
                // last speaker (news writing attributes once a paragraph).
                None if pre.trim().is_empty() => paragraph_speaker.clone().unwrap_or_default(),
                None => (None, None),
            };
            if attribution_words.is_some() {
                paragraph_speaker = Some((speaker.clone(), attribution_words.clone()));
            }
            self.quotes.push(Quote {
                text: content,
                speaker,
                block,
                attribution: attribution_words,
                speaker_entity: None,
            });

            if !span.reopened_at.is_empty() {
                self.diagnostics.push(
                    Diagnostic::new(
                        DiagnosticCode::UnbalancedQuote,
                        "a quotation was reopened before it closed (paragraphs of one statement run together); read as one statement",
                    )
                    .in_block(block),
                );
            }
            if !span.closed {
                let next_is_continuation = document
                    .blocks
                    .get(block + 1)
                    .is_some_and(|next| matches!(next, Block::Paragraph { text } if text.starts_with(['“', '«', '„', '"'])));
                if next_is_continuation {
                    left_open = Some(self.quotes.len() - 1);
                } else {
                    self.diagnostics.push(
                        Diagnostic::new(
                            DiagnosticCode::UnbalancedQuote,
                            "a quotation is never closed; read to the paragraph's end",
                        )
                        .in_block(block),
                    );
                }
            }
        }
        left_open
    }

    /// A block quote (Markdown `>`): its speaker is its citation, or a closing `— Name` line.
    fn block_quote(&mut self, block: usize, text: &str, cite: Option<&str>) {
        let (body, dash_speaker) = match split_signature(text) {
            Some((body, name)) => (body, Some(name.to_owned())),
            None => (text, None),
        };
        let body = body.trim().trim_matches(['“', '”', '"', '«', '»']).trim();
        if body.is_empty() {
            return;
        }
        let speaker = cite.map(str::to_owned).or(dash_speaker).and_then(|speaker| clean_speaker(&speaker));
        if let Some(speaker) = &speaker {
            self.remember(speaker.clone());
        }
        self.quotes.push(Quote {
            text: body.to_owned(),
            speaker,
            block,
            attribution: cite.map(str::to_owned),
            speaker_entity: None,
        });
    }

    fn remember(&mut self, speaker: String) {
        if self.named_speakers.last() != Some(&speaker) {
            self.named_speakers.push(speaker);
        }
        if self.named_speakers.len() > 64 {
            self.named_speakers.remove(0);
        }
    }

    /// Turns the speaker as written into a name: pronouns and silent subjects become
    /// the last named speaker, a surname the full name it ends.
    fn resolve(
        &mut self,
        document: &Document,
        block: usize,
        paragraph: &str,
        before_sentence: &str,
        written: &str,
    ) -> Option<String> {
        let written = written.trim();
        if written.is_empty() || is_pronoun(written) {
            // Someone named as speaking earlier in the paragraph, in reported speech
            // (`Kwame Mensah, who …, said the lanes … "…," he said`), comes first.
            if let Some(named) = attribution_before(before_sentence)
                .and_then(|attribution| clean_speaker(&attribution.speaker))
                .filter(|speaker| is_proper_name(speaker))
            {
                self.remember(named.clone());
                return Some(named);
            }
            return self.named_speakers.last().cloned();
        }
        let speaker = clean_speaker(written)?;
        let words: Vec<&str> = speaker.split_whitespace().collect();
        let surname = match words.as_slice() {
            [single] if single.chars().next().is_some_and(char::is_uppercase) => Some(*single),
            [honorific, single] if is_honorific(honorific) => Some(*single),
            _ => None,
        };
        if let Some(surname) = surname
            && let Some(full) = self.full_name(document, block, paragraph, surname)
        {
            self.remember(full.clone());
            return Some(full);
        }
        self.remember(speaker.clone());
        Some(speaker)
    }

    /// The full name an earlier speaker or nearby text gives for `surname`.
    fn full_name(&self, document: &Document, block: usize, paragraph: &str, surname: &str) -> Option<String> {
        if let Some(known) = self.named_speakers.iter().rev().find(|name| {
            name.split_whitespace().count() > 1 && name.split_whitespace().last() == Some(surname)
        }) {
            return Some(known.clone());
        }
        // Names mentioned (not quoted) earlier: "Chief executive Ana Ruiz announced …".
        let earlier =
            document.blocks[block.saturating_sub(5)..block].iter().filter_map(|block| match block {
                Block::Paragraph { text } | Block::Heading { text, .. } => Some(text.as_str()),
                _ => None,
            });
        for text in std::iter::once(paragraph).chain(earlier) {
            let window = &text[floor_boundary(text, text.len().saturating_sub(4000))..];
            for (position, _) in window.match_indices(surname) {
                let after = &window[position + surname.len()..];
                let whole_word = window[..position].ends_with(char::is_whitespace)
                    && !after.starts_with(char::is_alphanumeric);
                if !whole_word {
                    continue;
                }
                // Up to three capitalised words right before the surname.
                let mut given: Vec<&str> = Vec::new();
                for candidate in window[..position].split_whitespace().rev().take(3) {
                    let capitalised = candidate.chars().next().is_some_and(char::is_uppercase)
                        && candidate.chars().all(|character| {
                            character.is_alphabetic() || character == '-' || character == '\''
                        });
                    if !capitalised || is_honorific(candidate) {
                        break;
                    }
                    given.push(candidate);
                }
                if !given.is_empty() {
                    given.reverse();
                    return Some(format!("{} {surname}", given.join(" ")));
                }
            }
        }
        None
    }
}

/// A quotation signed at its end: `… for this day. — Prince Aghatise Erediauwa`.
pub(crate) fn split_signature(text: &str) -> Option<(&str, &str)> {
    let (position, dash) = ["\n— ", "\n– ", "\n- ", " — ", " – "]
        .iter()
        .filter_map(|dash| text.rfind(dash).map(|position| (position, dash.len())))
        .max()?;
    let name = text[position + dash..].trim();
    let body = text[..position].trim_end();
    let signed = !body.is_empty() && is_proper_name(name.trim_end_matches('.'))
        || (name.split_whitespace().count() <= 6
            && name.chars().next().is_some_and(char::is_uppercase)
            && !name.ends_with(['.', '!', '?']));
    (signed && !body.is_empty()).then_some((body, name))
}

/// The quotation's words, with reopening marks dropped and a trailing comma removed.
fn statement_text(text: &str, span: &Span) -> String {
    let mut content = String::with_capacity(span.content_end - span.content_start);
    let mut from = span.content_start;
    for &reopened in &span.reopened_at {
        content.push_str(&text[from..reopened]);
        from = ceil_boundary(text, reopened + 1);
    }
    content.push_str(&text[from..span.content_end]);
    let content: String = content.split_whitespace().collect::<Vec<_>>().join(" ");
    content.trim_end_matches([',', ' ']).trim().to_owned()
}

/// `text[from..to]` with earlier quotations replaced by a placeholder word.
fn masked(text: &str, from: usize, to: usize, earlier: &[Span]) -> String {
    let mut out = String::new();
    let mut position = from;
    // Spans are in order and do not overlap: skip those that end before the window.
    let first = earlier.partition_point(|span| span.close_end <= from);
    for span in earlier[first..].iter().filter(|span| span.open < to) {
        if span.open > position {
            out.push_str(&text[position..span.open]);
        }
        out.push(' ');
        out.push_str(PLACEHOLDER);
        out.push(' ');
        position = span.close_end.max(position);
    }
    if position < to {
        out.push_str(&text[position..to]);
    }
    out
}

/// The bare lowercase word, without surrounding punctuation.
fn bare(word: &str) -> String {
    word.trim_matches(|character: char| !character.is_alphanumeric()).to_lowercase()
}

fn is_speech_verb(word: &str) -> bool {
    matches!(
        word,
        // English
        "said" | "says" | "say" | "told" | "tells" | "added" | "adds" | "explained" | "explains" | "stated" | "states"
            | "noted" | "notes" | "wrote" | "writes" | "claimed" | "claims" | "alleged" | "alleges" | "allege"
            | "argued" | "argues" | "insisted" | "insists" | "warned" | "warns" | "declared" | "declares"
            | "continued" | "replied" | "replies" | "responded" | "responds" | "commented" | "announced"
            | "confirmed" | "confirms" | "admitted" | "admits" | "recalled" | "recalls" | "stressed" | "stresses"
            | "testified" | "acknowledged" | "asserted" | "asserts" | "contended" | "contends" | "maintained"
            | "maintains" | "remarked" | "tweeted" | "emphasised" | "emphasized" | "concluded" | "asked" | "asks"
            | "suggested" | "suggests"
            // Spanish
            | "dijo" | "dice" | "dicho" | "afirmó" | "afirma" | "declaró" | "aseguró" | "asegura" | "explicó"
            | "señaló" | "señala" | "añadió" | "añade" | "indicó" | "indica" | "comentó" | "sostuvo" | "sostiene"
            | "manifestó" | "advirtió" | "advierte" | "subrayó" | "destacó" | "insistió" | "agregó" | "apuntó"
            | "respondió" | "recordó" | "concluyó" | "reconoció" | "admitió"
            // French
            | "dit" | "déclaré" | "affirmé" | "affirme" | "expliqué" | "ajouté" | "ajoute" | "indiqué"
            | "estimé" | "estime" | "souligné" | "souligne" | "précisé" | "précise" | "assuré" | "assure" | "confié"
            | "confie" | "insisté" | "averti" | "avertit" | "répondu" | "répond" | "commenté" | "commente"
            | "martelé" | "rappelé" | "rappelle" | "reconnu" | "reconnaît" | "raconte" | "raconté" | "poursuit"
            | "conclut" | "dénonce" | "dénoncé" | "déplore" | "déploré"
            // German, for „…“ quotations
            | "sagte" | "sagt" | "erklärte" | "erklärt" | "betonte" | "betont" | "meinte"
    ) || matches!(word, "explique" | "déclare" | "explica" | "declara")
}

/// A French inverted verb: `explique-t-elle`, `a-t-il` (the verb follows), `déclare-t-il`.
fn inverted_verb(word: &str) -> Option<(bool, &'static str)> {
    let (verb, pronoun) = word.split_once("-t-").or_else(|| word.split_once('-'))?;
    let pronoun = match pronoun {
        "il" => "il",
        "elle" => "elle",
        "ils" => "ils",
        "elles" => "elles",
        _ => return None,
    };
    if is_speech_verb(verb) {
        Some((true, pronoun))
    } else if verb == "a" || verb == "ont" {
        Some((false, pronoun))
    } else {
        None
    }
}

/// `he` or `she`, or their French and Spanish forms: a person.
fn is_personal_pronoun(word: &str) -> bool {
    matches!(word.trim().to_lowercase().as_str(), "he" | "she" | "él" | "ella" | "il" | "elle")
}

/// The unnamed subject of the reported speech before a sentence (`One emergency
/// nurse, who asked not to be named, said she …`, `A Meta spokesperson told …`).
fn unnamed_reported_speaker(before_sentence: &str) -> Option<Attribution> {
    let attribution = attribution_before(before_sentence)?;
    let first = attribution.speaker.split_whitespace().next()?;
    matches!(bare(first).as_str(), "one" | "a" | "an" | "another").then_some(attribution)
}

fn is_pronoun(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "he" | "she" | "they" | "it" | "él" | "ella" | "ellos" | "ellas" | "il" | "elle" | "ils" | "elles"
    )
}

fn is_auxiliary(word: &str) -> bool {
    matches!(
        word,
        "has"
            | "had"
            | "have"
            | "was"
            | "is"
            | "a"
            | "ont"
            | "avait"
            | "ha"
            | "han"
            | "había"
            | "also"
            | "later"
            | "then"
    )
}

fn is_honorific(word: &str) -> bool {
    matches!(
        word.trim_end_matches('.'),
        "Mr" | "Mrs"
            | "Ms"
            | "Dr"
            | "Prof"
            | "Sir"
            | "Dame"
            | "Lord"
            | "Lady"
            | "Sr"
            | "Sra"
            | "Don"
            | "Doña"
            | "M"
            | "Mme"
            | "Mlle"
    )
}

/// Clause starters that are not the speaker: prepositional openers and conjunctions.
fn is_opener_word(word: &str) -> bool {
    matches!(
        word,
        "in" | "on"
            | "at"
            | "after"
            | "before"
            | "during"
            | "speaking"
            | "later"
            | "however"
            | "but"
            | "and"
            | "yet"
            | "also"
            | "meanwhile"
            | "still"
            | "then"
            | "when"
            | "while"
            | "asked"
            | "en"
            | "tras"
            | "durante"
            | "pero"
            | "y"
            | "sin"
            | "dans"
            | "lors"
            | "après"
            | "avant"
            | "mais"
            | "et"
            | "pourtant"
            | "interrogé"
            | "interrogée"
            | "preguntado"
            | "preguntada"
            | "since"
            | "for"
            | "with"
            | "by"
            | "as"
    )
}

fn is_article(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "a" | "an"
            | "the"
            | "el"
            | "la"
            | "los"
            | "las"
            | "un"
            | "una"
            | "le"
            | "les"
            | "une"
            | "ein"
            | "eine"
            | "der"
            | "die"
            | "das"
    )
}

/// Tidies a speaker as written: no leading article or `l'`, no trailing punctuation,
/// and nothing that is clearly not a name or a noun phrase.
fn clean_speaker(written: &str) -> Option<String> {
    let mut words: Vec<&str> = written
        .split_whitespace()
        .map(|word| {
            word.trim_matches(|character: char| {
                matches!(character, ',' | '.' | ';' | ':' | '(' | ')' | '—' | '–')
            })
        })
        .filter(|word| !word.is_empty())
        .collect();
    while words.first().is_some_and(|word| is_article(word) || is_opener_word(&word.to_lowercase())) {
        words.remove(0);
    }
    if let Some(first) = words.first_mut() {
        for prefix in ["l'", "L'", "l’", "L’"] {
            if let Some(rest) = first.strip_prefix(prefix) {
                *first = rest;
            }
        }
    }
    let speaker = words.join(" ");
    let valid = !speaker.is_empty()
        && words.len() <= 12
        && speaker.chars().count() <= 100
        && speaker.chars().any(char::is_alphabetic)
        && !speaker.contains(PLACEHOLDER)
        && !speaker.contains(['“', '”', '"', '«', '»', '„']);
    valid.then_some(speaker)
}

/// Keeps the part of a subject before appositives and relative clauses:
/// `The class action lawsuit, filed by …,` → `The class action lawsuit`;
/// `In a statement, the company` → `the company`.
fn subject_head(subject: &str) -> &str {
    let segments: Vec<&str> =
        subject.split(',').map(str::trim).filter(|segment| !segment.is_empty()).collect();
    let Some(start) = segments.iter().position(|segment| {
        let first_word = segment.split_whitespace().next().map(bare).unwrap_or_default();
        !is_opener_word(&first_word)
            && !segment
                .split_whitespace()
                .all(|word| word.chars().all(|character| character.is_ascii_digit()))
    }) else {
        return "";
    };
    let rest = &segments[start..];
    // `the museum's director, Helen Marsh,` names the speaker in its second part.
    if rest.len() == 2 && is_proper_name(rest[1]) {
        return rest[1];
    }
    // So do `Marchand's lawyer, Richard Okafor, of the firm …` and `The claimants are
    // represented by Fenwick Rhodes, whose lead solicitor, Priya Chandran,`: a name in
    // apposition to a role (not `…, which is based in Austin, Texas,`).
    if !is_proper_name(rest[0])
        && let Some(pair) = rest.windows(2).find(|pair| {
            is_proper_name(pair[1])
                && pair[0].rsplit(' ').next().is_some_and(|last| last.starts_with(char::is_lowercase))
        })
    {
        return pair[1];
    }
    rest[0]
}

/// One to four capitalised words (name particles allowed), one person or body.
fn is_proper_name(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    (1..=4).contains(&words.len())
        && words.first().is_some_and(|word| word.chars().next().is_some_and(char::is_uppercase))
        && words.iter().all(|word| {
            word.chars().next().is_some_and(char::is_uppercase)
                || matches!(
                    *word,
                    "de" | "del" | "van" | "von" | "da" | "di" | "du" | "la" | "le" | "bin" | "al"
                )
        })
}

/// `according to X` / `según X` / `selon X` in `context`: X.
/// `according to` and its Spanish and French forms, searched as written (not
/// lowercased), so offsets stay valid in the text searched.
const ACCORDING_MARKERS: [&str; 9] = [
    "according to ",
    "According to ",
    "ACCORDING TO ",
    "según ",
    "Según ",
    "SEGÚN ",
    "selon ",
    "Selon ",
    "SELON ",
];

fn according_position(context: &str) -> Option<usize> {
    ACCORDING_MARKERS.iter().filter_map(|marker| context.rfind(marker)).max()
}

fn according_to(context: &str) -> Option<Attribution> {
    let (position, marker_length) = ACCORDING_MARKERS
        .iter()
        .filter_map(|marker| context.rfind(marker).map(|position| (position, marker.len())))
        .max()?;
    let after = &context[position + marker_length..];
    let name_end = after.find([',', '.', ';', ':']).unwrap_or(after.len());
    let speaker = after[..name_end].trim();
    if speaker.is_empty() || speaker.contains(PLACEHOLDER) || speaker.split_whitespace().count() > 8 {
        return None;
    }
    Some(Attribution {
        speaker: speaker.to_owned(),
        words: context[position..position + marker_length + name_end].trim().to_owned(),
    })
}

/// An attribution right after a quotation: `, she said`, `, said Jane Doe, who …`,
/// `, a déclaré X`, `, explique-t-elle`, `, dijo.`, `, according to X`.
fn attribution_after(post: &str) -> Option<Attribution> {
    let post = post.trim_start_matches(|character: char| {
        character.is_whitespace() || matches!(character, ',' | '—' | '–' | ')')
    });
    if post.is_empty() {
        return None;
    }
    let tokens: Vec<&str> = post.split_whitespace().take(16).collect();
    if tokens.first().is_some_and(|first| bare(first) == "according")
        || ["según", "selon"].contains(&tokens.first().map(|first| bare(first)).unwrap_or_default().as_str())
    {
        return according_to(post);
    }
    for (index, token) in tokens.iter().enumerate().take(10) {
        if token.contains(PLACEHOLDER) {
            return None;
        }
        let word = bare(token);
        if let Some((verb_included, pronoun)) = inverted_verb(&word) {
            let end = if verb_included { index } else { (index + 1).min(tokens.len() - 1) };
            return Some(Attribution { speaker: pronoun.to_owned(), words: clause_words(&tokens[..=end]) });
        }
        if is_speech_verb(&word) {
            let before: Vec<&str> =
                tokens[..index].iter().copied().filter(|token| !is_auxiliary(&bare(token))).collect();
            if before.is_empty() {
                // `said Jane Doe, who …` / `dijo el ministro en …` / `afirmó.`
                if token.ends_with(['.', ',', ';', ':', '!', '?']) {
                    return Some(Attribution {
                        speaker: String::new(),
                        words: clause_words(&tokens[..=index]),
                    });
                }
                let mut speaker_tokens = Vec::new();
                for next in &tokens[index + 1..] {
                    let next_bare = bare(next);
                    if next.contains(PLACEHOLDER)
                        || matches!(
                            next_bare.as_str(),
                            "in" | "on"
                                | "at"
                                | "to"
                                | "during"
                                | "after"
                                | "when"
                                | "while"
                                | "who"
                                | "en"
                                | "durante"
                                | "dans"
                                | "lors"
                                | "à"
                                | "qui"
                                | "que"
                                | "that"
                                | "this"
                                | "last"
                                | "am"
                                | "im"
                                | "auf"
                                | "bei"
                                | "vor"
                        )
                    {
                        break;
                    }
                    speaker_tokens.push(*next);
                    if next.ends_with(['.', ';', ':', '!', '?']) && !is_honorific(next) {
                        break;
                    }
                }
                let mut words = tokens[..=index].to_vec();
                words.extend(&speaker_tokens);
                // `a averti sa présidente, Claire Morel` → the name; `said Jane Doe, who …` → Jane Doe.
                let speaker = subject_head(&speaker_tokens.join(" ")).to_owned();
                return Some(Attribution { speaker, words: clause_words(&words) });
            }
            // `she said`, `Smith added`, `the company said in a statement`
            if tokens[..index]
                .iter()
                .any(|token| token.ends_with(['.', '!', '?', ';']) && !is_abbreviated_title(token))
            {
                return None;
            }
            let speaker = subject_head(&before.join(" ")).to_owned();
            return Some(Attribution { speaker, words: clause_words(&tokens[..=index]) });
        }
        if token.ends_with(['.', '!', '?', ';', ':']) && !is_abbreviated_title(token) {
            return None;
        }
    }
    None
}

/// A capitalised title or rank shortened with a full stop (`Dr.`, `Cpl.`, `Det.`),
/// which does not end the clause it stands in: `RCMP Cpl. Jennifer Boudreau told`.
fn is_abbreviated_title(token: &str) -> bool {
    token.strip_suffix('.').is_some_and(|word| {
        word.starts_with(|character: char| character.is_ascii_uppercase())
            && crate::abbreviation::is_common(&word.to_ascii_lowercase())
    })
}

fn clause_words(tokens: &[&str]) -> String {
    tokens.join(" ").trim_end_matches([',', '.', ';', ':']).to_owned()
}

/// An attribution before a quotation, in its sentence: the last speech verb and its
/// subject (`A Meta spokesperson told MailOnline: “`), or `according to X, “`.
fn attribution_before(pre: &str) -> Option<Attribution> {
    let tokens: Vec<(usize, &str)> = token_offsets(pre);
    let verb_position = tokens.iter().rposition(|(_, token)| {
        let word = bare(token);
        is_speech_verb(&word) || inverted_verb(&word).is_some()
    });
    let according = according_to(pre);
    let Some(verb_position) = verb_position else {
        return according;
    };
    let (verb_offset, verb_token) = tokens[verb_position];
    if let Some(according) = according
        && according_position(pre).is_some_and(|position| position > verb_offset)
    {
        return Some(according);
    }
    let verb_end = verb_offset + verb_token.len();
    if let Some((_, pronoun)) = inverted_verb(&bare(verb_token)) {
        return Some(Attribution { speaker: pronoun.to_owned(), words: pre[..verb_end].trim().to_owned() });
    }
    // The subject: from the last earlier quotation (or the sentence start) to the verb.
    let subject_from =
        pre[..verb_offset].rfind(PLACEHOLDER).map_or(0, |position| position + PLACEHOLDER.len());
    let subject_text = &pre[subject_from..verb_offset];
    let mut subject_words: Vec<&str> = subject_text.split_whitespace().collect();
    while subject_words.last().is_some_and(|word| is_auxiliary(&bare(word))) {
        subject_words.pop();
    }
    let subject = subject_words.join(" ");
    let head = subject_head(&subject);
    let head = head.trim_start_matches(|character: char| !character.is_alphanumeric());
    // The words after the verb belong to the attribution when they are few (`told MailOnline:`).
    let after_verb = pre[verb_end..].trim();
    let after_verb = after_verb.trim_end_matches([':', ',']).trim();
    let mut words_end = verb_end;
    if !after_verb.is_empty()
        && after_verb.split_whitespace().count() <= 3
        && !after_verb.contains(PLACEHOLDER)
        && !["that", "que"].contains(&bare(after_verb.split_whitespace().last().unwrap_or_default()).as_str())
    {
        words_end =
            verb_end + pre[verb_end..].find(after_verb).map_or(0, |position| position + after_verb.len());
    }
    let words_start = subject_from + (subject_text.len() - subject_text.trim_start().len());
    let words = pre[words_start.min(verb_offset)..words_end]
        .trim()
        .trim_end_matches([':', ','])
        .trim_end()
        .to_owned();
    Some(Attribution { speaker: head.to_owned(), words })
}

fn token_offsets(text: &str) -> Vec<(usize, &str)> {
    let mut tokens = Vec::new();
    let mut start = None;
    for (offset, character) in text.char_indices() {
        if character.is_whitespace() {
            if let Some(begin) = start.take() {
                tokens.push((begin, &text[begin..offset]));
            }
        } else if start.is_none() {
            start = Some(offset);
        }
    }
    if let Some(begin) = start {
        tokens.push((begin, &text[begin..]));
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speaker_after(post: &str) -> Option<String> {
        attribution_after(post).map(|attribution| attribution.speaker)
    }

    fn speaker_before(pre: &str) -> Option<String> {
        attribution_before(pre).map(|attribution| attribution.speaker)
    }

    #[test]
    fn attributions_after() {
        assert_eq!(speaker_after(", she said.").as_deref(), Some("she"));
        assert_eq!(speaker_after(", said Jane Doe, who leads the union.").as_deref(), Some("Jane Doe"));
        assert_eq!(speaker_after(", a déclaré Marie Dupont.").as_deref(), Some("Marie Dupont."));
        assert_eq!(speaker_after(", explique-t-elle.").as_deref(), Some("elle"));
        assert_eq!(speaker_after(", a-t-il déclaré.").as_deref(), Some("il"));
        assert_eq!(speaker_after(", dijo el ministro en rueda de prensa.").as_deref(), Some("el ministro"));
        assert_eq!(speaker_after(", añadió.").as_deref(), Some(""));
        assert_eq!(
            speaker_after(", a averti sa présidente, Claire Morel.").as_deref(),
            Some("Claire Morel.")
        );
        assert_eq!(speaker_after(" in which the social network gave the site"), None);
        // A rank's full stop does not end the clause; a sentence's does.
        assert_eq!(
            speaker_after(", RCMP Cpl. Jennifer Boudreau told reporters.").as_deref(),
            Some("RCMP Cpl. Jennifer Boudreau")
        );
        assert_eq!(speaker_after(". Traders said the market was calm."), None);
    }

    #[test]
    fn attributions_before() {
        assert_eq!(
            speaker_before("A Meta spokesperson told MailOnline: ").as_deref(),
            Some("A Meta spokesperson")
        );
        assert_eq!(
            speaker_before("The class action lawsuit, filed by two US citizens, Maximilian Klein and Sarah Grabert, alleges that Netflix and Facebook ").as_deref(),
            Some("The class action lawsuit")
        );
        assert_eq!(speaker_before("According to the police, ").as_deref(), Some("the police"));
        assert_eq!(speaker_before("Tom Ruiz, who chairs the board, said: ").as_deref(), Some("Tom Ruiz"));
        assert_eq!(
            attribution_before("A Meta spokesperson told MailOnline: ")
                .map(|attribution| attribution.words)
                .as_deref(),
            Some("A Meta spokesperson told MailOnline")
        );
    }

    /// `find_spans` as first written, decoding every character: the definition
    /// the byte search is held to.
    fn reference_spans(text: &str) -> Vec<Span> {
        let mut spans = Vec::new();
        let mut current: Option<(char, Span)> = None;
        let mut previous: Option<char> = None;
        for (offset, character) in text.char_indices() {
            let after = offset + character.len_utf8();
            match &mut current {
                None => {
                    let opens = match character {
                        '“' | '„' | '«' => true,
                        '"' => previous
                            .is_none_or(|previous| previous.is_whitespace() || "([{—–-:/".contains(previous)),
                        _ => false,
                    };
                    if opens {
                        current = Some((
                            character,
                            Span {
                                open: offset,
                                content_start: after,
                                content_end: after,
                                close_end: after,
                                closed: false,
                                reopened_at: Vec::new(),
                            },
                        ));
                    }
                }
                Some((opener, span)) => {
                    if closers_for(*opener).contains(&character) {
                        span.content_end = offset;
                        span.close_end = after;
                        span.closed = true;
                        spans.push(span.clone());
                        current = None;
                    } else if character == *opener && *opener != '"' {
                        span.reopened_at.push(offset);
                    }
                }
            }
            previous = Some(character);
        }
        if let Some((_, mut span)) = current {
            span.content_end = text.len();
            span.close_end = text.len();
            spans.push(span);
        }
        spans
    }

    fn span_fields(spans: &[Span]) -> Vec<(usize, usize, usize, usize, bool, Vec<usize>)> {
        spans
            .iter()
            .map(|span| {
                let Span { open, content_start, content_end, close_end, closed, reopened_at } = span.clone();
                (open, content_start, content_end, close_end, closed, reopened_at)
            })
            .collect()
    }

    proptest::proptest! {
        /// Jumping between quotation marks finds the spans that reading every
        /// character finds, whatever the marks, scripts and spaces around them.
        #[test]
        fn spans_are_found_as_by_their_definition(
            text in "(?s)([a-z]{1,4}|[ \u{a0}\u{2003}(\\[{—–\\-:/.,]|[\"“”„«»‘’]|[éß€ǅ\u{2028}]|.){0,40}",
        ) {
            proptest::prop_assert_eq!(span_fields(&find_spans(&text)), span_fields(&reference_spans(&text)));
        }
    }

    #[test]
    fn spans_read_continuations_as_one() {
        let text = "X told Y: “One. “Two.”";
        let spans = find_spans(text);
        assert_eq!(spans.len(), 1);
        assert_eq!(statement_text(text, &spans[0]), "One. Two.");
    }
}
