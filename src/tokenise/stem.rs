//! Snowball stemming (rust-stemmers), or none with `--no-stem`.

use std::borrow::Cow;

use rust_stemmers::{Algorithm, Stemmer as Snowball};

/// Languages with a Snowball stemmer, by the name users type.
pub const LANGUAGES: [(&str, Algorithm); 18] = [
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
pub fn algorithm(language: &str) -> Option<Algorithm> {
    LANGUAGES
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(language))
        .map(|&(_, a)| a)
}

/// Maps a lower-cased word to its stem.
pub struct Stemmer(Option<Snowball>);

impl Stemmer {
    /// A Snowball stemmer for `algorithm`, or the identity when `None`.
    pub fn new(algorithm: Option<Algorithm>) -> Self {
        Stemmer(algorithm.map(Snowball::create))
    }

    /// The stem of `word` (the word itself when stemming is off).
    pub fn stem<'a>(&self, word: &'a str) -> Cow<'a, str> {
        match &self.0 {
            Some(s) => s.stem(word),
            None => Cow::Borrowed(word),
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
    }

    #[test]
    fn no_stem_is_identity_and_unknown_language_is_none() {
        assert_eq!(Stemmer::new(None).stem("commissioning"), "commissioning");
        assert!(algorithm("klingon").is_none());
    }
}
