//! Counting: one document's text becomes [`Counts`] for its period, and counts merge with one
//! associative, commutative operation ([`Counts::merge`]), so rayon can combine documents in
//! any grouping and the totals do not depend on the number of threads.
//!
//! Only counts are kept, never text: memory grows with the vocabulary, not with the corpus.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use crate::lexicon::Matcher;
use crate::tokenise::Tokeniser;

/// How often a stem occurs, and in how many documents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TermCount {
    pub count: u64,
    pub docs: u64,
}

/// A theme's hits, documents with a hit, and which words made the hits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThemeCount {
    pub hits: u64,
    pub docs: u64,
    /// Matched text (the surface words, space-separated) -> hits.
    pub words: FxHashMap<String, u64>,
}

/// Counts for one period (or one document, before merging).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeriodCounts {
    /// Documents.
    pub docs: u64,
    /// Word tokens, stopwords included: the corpus size used for every rate.
    pub tokens: u64,
    /// Non-stopword terms by stem.
    pub terms: FxHashMap<String, TermCount>,
    /// Non-stopword surface words, for labelling stems with their most frequent form.
    pub words: FxHashMap<String, u64>,
    /// One entry per lexicon theme, in lexicon order.
    pub themes: Vec<ThemeCount>,
}

impl PeriodCounts {
    /// Adds `other` into `self`.
    pub fn merge(&mut self, other: PeriodCounts) {
        self.docs += other.docs;
        self.tokens += other.tokens;
        for (stem, c) in other.terms {
            let e = self.terms.entry(stem).or_default();
            e.count += c.count;
            e.docs += c.docs;
        }
        add_all(&mut self.words, other.words);
        if self.themes.len() < other.themes.len() {
            self.themes
                .resize_with(other.themes.len(), ThemeCount::default);
        }
        for (mine, theirs) in self.themes.iter_mut().zip(other.themes) {
            mine.hits += theirs.hits;
            mine.docs += theirs.docs;
            add_all(&mut mine.words, theirs.words);
        }
    }
}

fn add_all(into: &mut FxHashMap<String, u64>, from: FxHashMap<String, u64>) {
    for (k, v) in from {
        *into.entry(k).or_default() += v;
    }
}

/// Counts of a whole corpus, by period label (labels sort in time order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub periods: BTreeMap<String, PeriodCounts>,
}

impl Counts {
    /// Adds `other` into `self`.
    pub fn merge(mut self, other: Counts) -> Counts {
        for (period, c) in other.periods {
            self.periods.entry(period).or_default().merge(c);
        }
        self
    }

    /// Counts holding one document's counts under `period`.
    pub fn single(period: String, doc: PeriodCounts) -> Counts {
        Counts {
            periods: BTreeMap::from([(period, doc)]),
        }
    }
}

/// Word tokens and distinct words of one document, for documents.csv.
#[derive(Debug, Clone, Copy, Default)]
pub struct DocSize {
    pub tokens: u64,
    pub types: u64,
}

/// Tokenises and counts one document, matching themes on the way.
pub fn count_document(
    text: &str,
    tokeniser: &Tokeniser,
    matcher: &Matcher,
) -> (PeriodCounts, DocSize) {
    // Intern the words of this document: `tokens` holds ids, `words` the distinct surfaces.
    let mut index: FxHashMap<String, u32> = FxHashMap::default();
    let mut words: Vec<String> = Vec::new();
    let mut tokens: Vec<u32> = Vec::new();
    tokeniser.words(text, |w| {
        let id = match index.get(w) {
            Some(&id) => id,
            None => {
                let id = words.len() as u32;
                index.insert(w.to_string(), id);
                words.push(w.to_string());
                id
            }
        };
        tokens.push(id);
    });
    let mut freq = vec![0u64; words.len()];
    for &t in &tokens {
        freq[t as usize] += 1;
    }
    let stems: Vec<String> = words
        .iter()
        .map(|w| tokeniser.stem(w).into_owned())
        .collect();

    let mut counts = PeriodCounts {
        docs: 1,
        tokens: tokens.len() as u64,
        ..PeriodCounts::default()
    };
    for (id, word) in words.iter().enumerate() {
        if tokeniser.is_stopword(word) {
            continue;
        }
        let e = counts.terms.entry(stems[id].clone()).or_default();
        e.count += freq[id];
        e.docs = 1;
        counts.words.insert(word.clone(), freq[id]);
    }

    let surface: Vec<&str> = words.iter().map(String::as_str).collect();
    let stem: Vec<&str> = stems.iter().map(String::as_str).collect();
    counts.themes = vec![ThemeCount::default(); matcher.theme_count()];
    for hit in matcher.find(&tokens, &surface, &stem) {
        let theme = &mut counts.themes[hit.theme];
        theme.hits += 1;
        theme.docs = 1;
        let matched: Vec<&str> = tokens[hit.start..hit.start + hit.len]
            .iter()
            .map(|&t| surface[t as usize])
            .collect();
        *theme.words.entry(matched.join(" ")).or_default() += 1;
    }
    let size = DocSize {
        tokens: counts.tokens,
        types: words.len() as u64,
    };
    (counts, size)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::{tests::english, Lexicon};
    use std::path::Path;

    fn count(text: &str) -> PeriodCounts {
        let t = english();
        let lex = Lexicon::parse(
            "[[theme]]\nname = \"c\"\npatterns = [\"commissioning\", \"commissioner\"]\n",
            Path::new("t"),
            &t,
        )
        .unwrap();
        count_document(text, &t, &Matcher::new(&lex)).0
    }

    #[test]
    fn tokens_include_stopwords_terms_do_not() {
        let c = count("The commissioning of the commissioners: clinical commissioning.");
        assert_eq!(c.tokens, 7);
        // Snowball gives "commissioning" and "commissioners" different stems.
        assert_eq!(c.terms["commiss"], TermCount { count: 2, docs: 1 });
        assert_eq!(c.terms["commission"], TermCount { count: 1, docs: 1 });
        assert_eq!(c.terms["clinic"], TermCount { count: 1, docs: 1 });
        assert!(!c.terms.contains_key("the"));
        assert_eq!(c.words["commissioning"], 2);
        assert_eq!(c.themes[0].hits, 3);
        assert_eq!(c.themes[0].words["commissioning"], 2);
        assert_eq!(c.themes[0].words["commissioners"], 1);
    }

    #[test]
    fn merge_is_associative_and_commutative() {
        let docs = [
            "commissioning clinical",
            "clinical care",
            "care commissioning trusts",
        ];
        let parts: Vec<Counts> = docs
            .iter()
            .enumerate()
            .map(|(i, d)| Counts::single(format!("p{}", i % 2), count(d)))
            .collect();
        let left = parts[0]
            .clone()
            .merge(parts[1].clone())
            .merge(parts[2].clone());
        let right = parts[2]
            .clone()
            .merge(parts[1].clone().merge(parts[0].clone()));
        assert_eq!(left, right);
        let p0 = &left.periods["p0"];
        assert_eq!(p0.docs, 2);
        assert_eq!(p0.terms["commiss"], TermCount { count: 2, docs: 2 });
        assert_eq!(p0.themes[0].docs, 2);
    }
}
