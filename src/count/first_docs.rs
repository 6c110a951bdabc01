//! [`FirstDocs`]: the report's one need from counting, kept apart from [`super::Counts`].
//!
//! The report shows each key term's first lines in reading order; those are in the term's
//! first documents, so counting notes, for the periods compared, each term's first few
//! documents (their places in reading order). The report's second pass then reads just
//! those documents instead of the whole corpus.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

/// Documents remembered per term.
pub(crate) const FIRST_DOCS: usize = 3;

/// For some periods, each term's first documents (at most [`FIRST_DOCS`]), as places in
/// reading order, ascending.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FirstDocs(BTreeMap<String, FxHashMap<String, Vec<u64>>>);

impl FirstDocs {
    /// The first documents of `period`'s terms, when that period was asked about.
    pub(crate) fn get(&self, period: &str) -> Option<&FxHashMap<String, Vec<u64>>> {
        self.0.get(period)
    }

    /// Sets `period`'s terms' first documents.
    pub(crate) fn insert(&mut self, period: &str, terms: FxHashMap<String, Vec<u64>>) {
        self.0.insert(period.to_string(), terms);
    }

    /// The first documents of both: for each term, the first of the places either holds.
    /// Associative and commutative.
    #[cfg_attr(not(test), allow(dead_code))] // for engines that count a corpus in parts
    pub(crate) fn merge(mut self, other: FirstDocs) -> FirstDocs {
        for (period, theirs) in other.0 {
            let mine = self.0.entry(period).or_default();
            for (term, places) in theirs {
                let kept = mine.entry(term).or_default();
                kept.extend(places);
                kept.sort_unstable();
                kept.dedup();
                kept.truncate(FIRST_DOCS);
            }
        }
        self
    }
}
