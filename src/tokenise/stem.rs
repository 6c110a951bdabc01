//! Snowball stemming (rust-stemmers), or none with `--no-stem`.

use std::borrow::Cow;
use std::cell::RefCell;

use rust_stemmers::{Algorithm, Stemmer as Snowball};
use rustc_hash::FxHashMap;
use thread_local::ThreadLocal;

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

/// Maps a lower-cased word to its stem, remembering the stems it has worked out.
///
/// Snowball is the slowest step of tokenising (about three quarters of the time when every
/// token is stemmed), and a corpus repeats the same few hundred thousand words, so each
/// thread keeps a cache: a word is stemmed once per thread. A word that is its own stem is
/// remembered as such and costs no allocation.
pub(crate) struct Stemmer {
    snowball: Option<Snowball>,
    cache: ThreadLocal<RefCell<StemCache>>,
}

/// Word -> its stem, or `None` when the word is its own stem.
type StemCache = FxHashMap<Box<str>, Option<Box<str>>>;

/// Longest word (in bytes) that is stemmed.
const MAX_STEMMED_LEN: usize = 64;

/// Words remembered per thread; beyond this the cache stops growing (a pathological corpus
/// of random strings must not turn it into a memory leak).
const CACHE_LIMIT: usize = 1 << 20;

impl Stemmer {
    /// A Snowball stemmer for `algorithm`, or the identity when `None`.
    pub(crate) fn new(algorithm: Option<Algorithm>) -> Self {
        Stemmer {
            snowball: algorithm.map(Snowball::create),
            cache: ThreadLocal::new(),
        }
    }

    /// The stem of `word` (the word itself when stemming is off).
    pub(crate) fn stem<'a>(&self, word: &'a str) -> Cow<'a, str> {
        let Some(snowball) = &self.snowball else {
            return Cow::Borrowed(word);
        };
        // Snowball's time grows with the square of a word's length; a "word" this long is
        // a run of junk (no dictionary word comes near), and is kept as it is.
        if word.len() > MAX_STEMMED_LEN {
            return Cow::Borrowed(word);
        }
        let cache = self.cache.get_or_default();
        if let Some(known) = cache.borrow().get(word) {
            return match known {
                None => Cow::Borrowed(word),
                Some(stem) => Cow::Owned(stem.to_string()),
            };
        }
        let stem = snowball.stem(word);
        let mut cache = cache.borrow_mut();
        if cache.len() < CACHE_LIMIT {
            let value = (stem != word).then(|| Box::from(stem.as_ref()));
            cache.insert(Box::from(word), value);
        }
        match stem {
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
        // From the cache, the same answers, borrowed when the word is its own stem.
        assert_eq!(s.stem("commissioning"), "commiss");
        assert!(matches!(s.stem("nhs"), Cow::Borrowed("nhs")));
        assert!(matches!(s.stem("nhs"), Cow::Borrowed("nhs")));
    }

    #[test]
    fn no_stem_is_identity_and_unknown_language_is_none() {
        assert_eq!(Stemmer::new(None).stem("commissioning"), "commissioning");
        assert!(algorithm("klingon").is_none());
    }
}
