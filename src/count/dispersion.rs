//! The per-document rows dispersion is worked out from ([`DocTerms`]), and the second pass
//! over them that turns each term's rows into the integer sums of its DP and the sums of its
//! per-document rates for the document-level test ([`Spread`]).
//!
//! Gries's DP compares a term's share of each document with the document's share of its
//! period: `Σ |v_i/f − n_i/T|`, where `f` and `T` are the term's and the period's totals.
//! Those are known only when every document is counted, so the rows wait here, written by
//! each counter to its temporary file ([`super::log`]), and are read once more at the end.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::counts::{MaybeSpread, PeriodCounts, Spread};
use super::log::{PeriodLog, TermId};

/// Bytes the periods' term slots may take as plain arrays at once (one array per period
/// being worked on, a place per term of the vocabulary); beyond, each is a hash map, so that
/// millions of phrases on many threads do not cost an array each. At 2 threads, arrays up to
/// 32 million terms (at a gigabyte with phrases, 5.6 million terms, hash maps made resolving
/// about 5 s longer: 43.1 and 38.9 s against 38.3 and 33.9 s, two pairs by turns).
const DENSE_BYTES: usize = 256 << 20;

/// A term's place in one list of terms, by its index in a vocabulary.
pub(super) enum Slots {
    Dense(Vec<u32>),
    Sparse(FxHashMap<u32, u32>),
}

impl Slots {
    /// Slots for a vocabulary of `terms`, one of as many lists worked on at once as there
    /// are threads.
    pub(super) fn new(terms: usize) -> Slots {
        if terms.saturating_mul(4 * rayon::current_num_threads()) <= DENSE_BYTES {
            Slots::Dense(vec![u32::MAX; terms])
        } else {
            Slots::Sparse(FxHashMap::default())
        }
    }

    pub(super) fn get(&self, term: u32) -> Option<usize> {
        match self {
            Slots::Dense(v) => v.get(term as usize).copied().filter(|&s| s != u32::MAX),
            Slots::Sparse(m) => m.get(&term).copied(),
        }
        .map(|s| s as usize)
    }

    /// The slot of `term`; `next` (the next free slot) when it had none.
    pub(super) fn get_or(&mut self, term: u32, next: usize) -> usize {
        let slot = match self {
            Slots::Dense(v) => {
                let s = &mut v[term as usize];
                if *s == u32::MAX {
                    *s = next as u32;
                }
                *s
            }
            Slots::Sparse(m) => *m.entry(term).or_insert(next as u32),
        };
        slot as usize
    }
}

/// One counter's rows: its per-period logs, and where its term ids stand in the
/// vocabulary of the [`DocTerms`] holding it.
#[derive(Debug)]
pub(crate) struct Segment {
    /// Period label -> the log of that period's documents.
    pub(super) logs: Vec<(String, PeriodLog)>,
    /// The counter's stem ids -> vocabulary index.
    pub(super) stems: Vec<u32>,
    /// The counter's phrase ids -> vocabulary index.
    pub(super) phrases: Vec<u32>,
}

impl Segment {
    fn index(&self, term: TermId) -> u32 {
        match term {
            TermId::Stem(id) => self.stems[id as usize],
            TermId::Phrase(id) => self.phrases[id as usize],
        }
    }
}

/// Per document of a corpus (or part), its word tokens and its terms' counts, in segments
/// as the counters logged them, with one vocabulary naming their terms.
#[derive(Debug, Default)]
pub(crate) struct DocTerms {
    /// The text of every term a segment names (`None` for a phrase left out as rare).
    pub(super) vocabulary: Vec<Option<Arc<str>>>,
    pub(super) segments: Vec<Segment>,
    /// Per period, when known, its terms' places in `vocabulary`, in the terms' order
    /// (what [`super::combine()`] built them from): each term's place without a map from
    /// text to place, which at millions of terms is the largest thing resolving holds.
    pub(super) term_ids: BTreeMap<String, Vec<u32>>,
}

impl DocTerms {
    #[cfg(any(test, feature = "cluster"))]
    /// Both parts' rows, under one vocabulary.
    pub(super) fn merge(mut self, other: DocTerms) -> DocTerms {
        if self.segments.is_empty() {
            return other;
        }
        if other.segments.is_empty() {
            return self;
        }
        let mut index: FxHashMap<Arc<str>, u32> = self
            .vocabulary
            .iter()
            .enumerate()
            .filter_map(|(i, t)| Some((t.clone()?, i as u32)))
            .collect();
        let remap: Vec<u32> = other
            .vocabulary
            .into_iter()
            .map(|t| match t {
                None => u32::MAX,
                Some(t) => *index.entry(t.clone()).or_insert_with(|| {
                    self.vocabulary.push(Some(t));
                    (self.vocabulary.len() - 1) as u32
                }),
            })
            .collect();
        let through = |ids: &mut Vec<u32>| {
            for id in ids.iter_mut().filter(|id| **id != u32::MAX) {
                *id = remap[*id as usize];
            }
        };
        for mut segment in other.segments {
            through(&mut segment.stems);
            through(&mut segment.phrases);
            self.segments.push(segment);
        }
        // The periods' terms are merged too: their places are found by text.
        self.term_ids.clear();
        self
    }

    /// `label`'s terms' places in the vocabulary, when they are known and are those of
    /// `terms` (the same texts, in the same order).
    fn ids_of(
        &self,
        label: &str,
        terms: &[(Arc<str>, super::counts::TermCount)],
    ) -> Option<&[u32]> {
        let ids = self.term_ids.get(label)?;
        let same = ids.len() == terms.len()
            && ids.iter().zip(terms).all(|(&i, (t, _))| {
                (self.vocabulary.get(i as usize))
                    .and_then(Option::as_ref)
                    .is_some_and(|v| Arc::ptr_eq(v, t))
            });
        same.then_some(ids.as_slice())
    }

    /// Sets every term's [`Spread`] in `periods` from the rows, periods in parallel. A
    /// period with no rows keeps what it has.
    pub(super) fn resolve_spreads(
        &self,
        periods: &mut BTreeMap<String, PeriodCounts>,
    ) -> std::io::Result<()> {
        if self.segments.is_empty() {
            return Ok(());
        }
        let mut logs: BTreeMap<&str, Vec<(&Segment, &PeriodLog)>> = BTreeMap::new();
        for segment in &self.segments {
            for (label, log) in &segment.logs {
                logs.entry(label).or_default().push((segment, log));
            }
        }
        // A period whose terms' places are not known has them found by text, through a map
        // of the vocabulary made only then. (Checking the places known reads every term of
        // every period: on every thread.)
        let known: BTreeMap<String, &[u32]> = (periods.par_iter())
            .filter_map(|(label, c)| Some((label.clone(), self.ids_of(label, c.terms.entries())?)))
            .collect();
        let by_text: FxHashMap<&str, u32> = if (periods.keys())
            .any(|l| logs.contains_key(l.as_str()) && !known.contains_key(l.as_str()))
        {
            (self.vocabulary.iter().enumerate())
                .filter_map(|(i, t)| Some((&**t.as_ref()?, i as u32)))
                .collect()
        } else {
            FxHashMap::default()
        };
        periods
            .par_iter_mut()
            .filter_map(|(label, counts)| Some((logs.get(label.as_str())?, label, counts)))
            .try_for_each(|(logs, label, counts)| {
                let mut slots = Slots::new(self.vocabulary.len());
                match known.get(label.as_str()) {
                    Some(ids) => {
                        for (s, &i) in ids.iter().enumerate() {
                            slots.get_or(i, s);
                        }
                    }
                    None => {
                        for (s, (text, _)) in counts.terms.entries().iter().enumerate() {
                            if let Some(&i) = by_text.get(&**text) {
                                slots.get_or(i, s);
                            }
                        }
                    }
                }
                let totals: Vec<u128> = counts.terms.values().map(|c| c.count as u128).collect();
                let big_t = counts.tokens as u128;
                let mut sums = vec![(0u64, 0u128, 0u128, 0u128); totals.len()];
                for &(segment, log) in logs {
                    log.for_each(|doc, term, v| {
                        if let Some(s) = slots.get(segment.index(term)) {
                            let (f, n) = (totals[s], doc.tokens as u128);
                            let (r, r2) = Spread::rate_parts(v, doc.tokens);
                            let e = &mut sums[s];
                            e.0 += doc.tokens;
                            e.1 += (n * f).saturating_sub(v as u128 * big_t);
                            e.2 = e.2.saturating_add(r);
                            e.3 = e.3.saturating_add(r2);
                        }
                    })?;
                }
                let tokens = counts.tokens;
                for (c, (with, excess, r, r2)) in counts.terms.counts_mut().zip(sums) {
                    let spread = Spread::new(c.count, tokens, with, excess);
                    c.spread = MaybeSpread::some(spread.rate_sums(r, r2));
                }
                Ok(())
            })
    }
}

/// A period's rows as bytes and back, for an engine that counts a corpus in parts.
#[cfg(any(feature = "cluster", test))]
mod rows {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use rustc_hash::FxHashMap;

    use super::super::counts::Terms;
    use super::super::log::{LoggedDoc, PeriodLog, SpillFile, TermId};
    use super::{DocTerms, Segment};

    impl DocTerms {
        /// The rows of `label`'s documents in one log, each term named by its place in `terms`
        /// (that period's terms, which must hold every term the rows name): a period's rows as
        /// a part of a corpus sends them to another machine, with no vocabulary beside them.
        /// [`DocTerms::of_period`] reads them back.
        pub(crate) fn period_rows(&self, label: &str, terms: &Terms) -> std::io::Result<PeriodLog> {
            let by_text: FxHashMap<&str, u32> = terms
                .keys()
                .enumerate()
                .map(|(i, t)| (t, i as u32))
                .collect();
            let place: Vec<u32> = self
                .vocabulary
                .iter()
                .map(|t| {
                    t.as_deref()
                        .and_then(|t| by_text.get(t).copied())
                        .unwrap_or(u32::MAX)
                })
                .collect();
            let mut rows = PeriodLog::new(None);
            let mut doc: Option<LoggedDoc> = None;
            let mut held: Vec<(TermId, u64)> = Vec::new();
            let mut flush = |doc: Option<LoggedDoc>, held: &mut Vec<(TermId, u64)>| {
                if let Some(doc) = doc.filter(|_| !held.is_empty()) {
                    rows.push(doc, held.len(), held.drain(..));
                }
            };
            for segment in &self.segments {
                for (_, log) in segment.logs.iter().filter(|(l, _)| l == label) {
                    log.for_each(|d, term, count| {
                        if doc != Some(d) {
                            flush(doc, &mut held);
                            doc = Some(d);
                        }
                        let at = place[segment.index(term) as usize];
                        if at != u32::MAX {
                            held.push((TermId::Stem(at), count));
                        }
                    })?;
                    flush(doc.take(), &mut held);
                }
            }
            Ok(rows)
        }

        /// The rows of one period as [`DocTerms::period_rows`] gave them, naming `terms` by
        /// place (kept in `spill` when large).
        pub(crate) fn of_period(
            label: String,
            terms: &Terms,
            rows: Vec<u8>,
            spill: Option<Arc<SpillFile>>,
        ) -> DocTerms {
            let vocabulary: Vec<Option<Arc<str>>> = terms
                .entries()
                .iter()
                .map(|(t, _)| Some(t.clone()))
                .collect();
            DocTerms {
                segments: vec![Segment {
                    logs: vec![(label.clone(), PeriodLog::from_bytes(rows, spill))],
                    stems: (0..vocabulary.len() as u32).collect(),
                    phrases: Vec::new(),
                }],
                term_ids: BTreeMap::from([(label, (0..vocabulary.len() as u32).collect())]),
                vocabulary,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plain array and a hash map give every term the same place.
    #[test]
    fn slots_as_an_array_or_a_map_give_the_same_places() {
        let terms = 1_000;
        let mut dense = Slots::Dense(vec![u32::MAX; terms]);
        let mut sparse = Slots::Sparse(FxHashMap::default());
        let mut next = 0;
        for k in 0..3_000u32 {
            let term = k.wrapping_mul(7_919) % terms as u32;
            let (a, b) = (dense.get_or(term, next), sparse.get_or(term, next));
            assert_eq!(a, b, "term {term}");
            if a == next {
                next += 1;
            }
        }
        assert_eq!(next, terms, "every term once");
        for term in 0..terms as u32 {
            assert_eq!(dense.get(term), sparse.get(term));
        }
        let empty = Slots::Sparse(FxHashMap::default());
        assert_eq!(empty.get(3), None);
        assert!(matches!(Slots::new(terms), Slots::Dense(_)));
    }
}
