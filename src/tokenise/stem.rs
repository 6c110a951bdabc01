//! Snowball stemming (rust-stemmers), or none with `--no-stem`.

use std::borrow::Cow;

use rust_stemmers::{Algorithm, Stemmer as Snowball};

/// Languages with a Snowball stemmer, by the name users type.
pub(crate) const LANGUAGES: [(&str, Algorithm); 18] = [
    ("arabic", Algorithm::Arabic),
    ("danish", Algorithm::Danish),
    ("dutch", Algorithm::Dutch),
    ("english", Algorithm::English),
    ("finnish", Algorithm::Finnish),
    ("french", Algorithm::French),
    ("german", Algorithm::German),
    ("greek", Algorithm::Greek),
    ("hungarian", Algorithm::Hungarian),
    ("italian", Algorithm::Italian),
    ("norwegian", Algorithm::Norwegian),
    ("portuguese", Algorithm::Portuguese),
    ("romanian", Algorithm::Romanian),
    ("russian", Algorithm::Russian),
    ("spanish", Algorithm::Spanish),
    ("swedish", Algorithm::Swedish),
    ("tamil", Algorithm::Tamil),
    ("turkish", Algorithm::Turkish),
];

/// Looks up a language by name, case-insensitively.
pub(crate) fn algorithm(language: &str) -> Option<Algorithm> {
    LANGUAGES
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(language))
        .map(|&(_, a)| a)
}

/// Maps a lower-cased word to its stem.
///
/// Snowball is the slowest step of tokenising, but a corpus repeats the same few hundred
/// thousand words, and each counter interns a word once with its stem
/// ([`crate::count`]'s vocabulary), so a word is stemmed once per counting thread; the
/// stemmer itself remembers nothing. (It kept a cache of its own per thread until
/// 2026-12-07: a second copy of every word and stem, 1M words a thread at most, about 85 MB
/// each, held to the end of the run for the one later use, the labels' stems.)
pub(crate) struct Stemmer {
    snowball: Option<Snowball>,
}

/// Longest word (in bytes) that is stemmed.
const MAX_STEMMED_LEN: usize = 64;

impl Stemmer {
    /// A Snowball stemmer for `algorithm`, or the identity when `None`.
    pub(crate) fn new(algorithm: Option<Algorithm>) -> Self {
        Stemmer {
            snowball: algorithm.map(Snowball::create),
        }
    }

    /// The stem of `word` (the word itself when stemming is off, or when it is its own
    /// stem: borrowed, no allocation).
    pub(crate) fn stem<'a>(&self, word: &'a str) -> Cow<'a, str> {
        let Some(snowball) = &self.snowball else {
            return Cow::Borrowed(word);
        };
        // Snowball's time grows with the square of a word's length; a "word" this long is
        // a run of junk (no dictionary word comes near), and is kept as it is.
        if word.len() > MAX_STEMMED_LEN {
            return Cow::Borrowed(word);
        }
        match snowball.stem(word) {
            Cow::Borrowed(_) => Cow::Borrowed(word),
            Cow::Owned(s) if s == word => Cow::Borrowed(word),
            Cow::Owned(s) => Cow::Owned(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_stems_group_word_forms() {
        let s = Stemmer::new(algorithm("English"));
        assert_eq!(s.stem("commissioning"), "commiss");
        assert_eq!(s.stem("commission"), "commiss");
        assert_eq!(s.stem("tables"), s.stem("table"));
        // Step 1a keeps the "s" when no vowel precedes it: PCTs and PCT stay apart.
        assert_eq!(s.stem("pcts"), "pcts");
        assert_eq!(s.stem("commissioners"), "commission");
        let junk = "ab".repeat(50_000);
        assert!(
            matches!(s.stem(&junk), Cow::Borrowed(_)),
            "very long words are kept as they are"
        );
        // A word that is its own stem is handed back borrowed.
        assert!(matches!(s.stem("nhs"), Cow::Borrowed("nhs")));
        assert!(matches!(s.stem("commissioning"), Cow::Owned(_)));
    }

    #[test]
    fn no_stem_is_identity_and_unknown_language_is_none() {
        assert_eq!(Stemmer::new(None).stem("commissioning"), "commissioning");
        assert!(algorithm("klingon").is_none());
    }
}
