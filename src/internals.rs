//! Not part of the library's interface: what the benchmarks (`benches/`) reach into, named
//! item by item here so that everything else stays private to the crate.

use crate::count::{CountOptions, Counter};
pub use crate::lexicon::{Lexicon, Matcher};
pub use crate::tokenise::Tokeniser;

/// The tokeniser a run in `language` uses, with its built-in stopwords and stemmer.
pub fn tokeniser(language: &str) -> Tokeniser {
    use crate::tokenise::{stem, Stemmer, Stopwords};
    Tokeniser::new(
        Stemmer::new(stem::algorithm(language)),
        Stopwords::builtin(language),
    )
}

/// Counts `text` as one document on its own, themes matched, as `kwic` and the tests do:
/// its word tokens and its theme hits.
pub fn count_document(text: &str, tokeniser: &Tokeniser, matcher: &Matcher) -> (u64, u64) {
    let (counts, size) = crate::count::count_document(text, tokeniser, matcher);
    (size.tokens, counts.themes.iter().map(|t| t.hits).sum())
}

/// Counts `documents` (period, text) with one counter, as one thread of a run counts its
/// share, and finishes its tally: the word tokens.
pub fn count_documents(
    documents: &[(String, String)],
    tokeniser: &Tokeniser,
    matcher: &Matcher,
) -> u64 {
    let mut counter = Counter::new(tokeniser, matcher, CountOptions::default());
    let tokens = documents
        .iter()
        .map(|(period, text)| counter.add("d", Some(period), text).tokens)
        .sum();
    drop(counter.finish());
    tokens
}
