//! Text to tokens, as a chain of small steps, each testable alone:
//! [`normalise`] (NFKC, invisible characters, URLs and e-mails masked) ->
//! [`split`] (words, lower-cased, apostrophe rules) -> [`stopwords`] -> [`stem`].
//!
//! No I/O happens here: the stage takes `&str` and calls back with words.

pub(crate) mod normalise;
pub(crate) mod split;
pub(crate) mod stem;
pub(crate) mod stopwords;

use std::borrow::Cow;

pub(crate) use split::Span;
pub(crate) use stem::Stemmer;
pub(crate) use stopwords::Stopwords;

/// The configured chain: how text becomes words, which words are stopwords, and their stems.
pub struct Tokeniser {
    stemmer: Stemmer,
    stopwords: Stopwords,
}

impl Tokeniser {
    /// A tokeniser with this stemmer and stopword list.
    pub(crate) fn new(stemmer: Stemmer, stopwords: Stopwords) -> Self {
        Tokeniser { stemmer, stopwords }
    }

    /// Calls `emit` with each word of `text`, in order: normalised, lower-cased, stopwords
    /// included.
    pub fn words(&self, text: &str, emit: impl FnMut(&str)) {
        split::split_words(&normalise::normalise(text), emit);
    }

    /// The first step of [`Tokeniser::words`] alone: the text as words are split from it.
    pub fn normalise<'t>(&self, text: &'t str) -> Cow<'t, str> {
        normalise::normalise(text)
    }

    /// The second step alone: the words of `normalised` text (from
    /// [`Tokeniser::normalise`]), each with where it is and whether a phrase break precedes it.
    pub fn split(&self, normalised: &str, emit: impl FnMut(&str, split::Span)) {
        split::split_spans(normalised, emit);
    }

    /// True when `word` (as given by [`Tokeniser::words`]) is left out of the term tables.
    pub(crate) fn is_stopword(&self, word: &str) -> bool {
        self.stopwords.contains(word)
    }

    /// The stem of a word.
    pub fn stem<'a>(&self, word: &'a str) -> Cow<'a, str> {
        self.stemmer.stem(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_chain_on_seed_hard_cases() {
        let t = Tokeniser::new(
            Stemmer::new(stem::algorithm("english")),
            Stopwords::builtin("english"),
        );
        let text =
            "could be up.He said 'top tables'where PCTs’ re-examined www.nhsalliance2010.org.uk \
                    pressoffice@nhsalliance.org 07772756674";
        let mut words = Vec::new();
        t.words(text, |w| words.push(w.to_string()));
        assert_eq!(
            words,
            [
                "could", "be", "up", "he", "said", "top", "tables", "where", "pcts", "re",
                "examined"
            ]
        );
        let kept: Vec<_> = words.iter().filter(|w| !t.is_stopword(w)).collect();
        // NLTK's list has "couldn" but not "could".
        assert_eq!(kept, ["could", "said", "top", "tables", "pcts", "examined"]);
        assert_eq!(t.stem("tables"), "tabl");
    }
}
