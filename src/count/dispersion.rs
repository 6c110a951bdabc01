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
use super::terms::{same, TermTable};

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
/// table of the [`DocTerms`] holding it.
#[derive(Debug)]
pub(crate) struct Segment {
    /// Period label -> the log of that period's documents.
    pub(super) logs: Vec<(String, PeriodLog)>,
    /// The counter's stem ids -> id in the table of the [`DocTerms`].
    pub(super) stems: Vec<u32>,
    /// The counter's phrase ids -> id in the table (`u32::MAX`: a phrase left out).
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
/// as the counters logged them, with one table naming their terms.
#[derive(Debug, Default)]
pub(crate) struct DocTerms {
    /// The terms the segments name, by id.
    pub(super) table: Arc<TermTable>,
    pub(super) segments: Vec<Segment>,
}

impl DocTerms {
    #[cfg(any(test, feature = "cluster"))]
    /// Both parts' rows, on one table.
    pub(super) fn merge(self, other: DocTerms) -> DocTerms {
        if self.segments.is_empty() {
            return other;
        }
        if other.segments.is_empty() {
            return self;
        }
        let (mut merged, mut other) = (self, other);
        if !same(&merged.table, &other.table) {
            let table = Arc::new(TermTable::of(merged.table.iter().chain(other.table.iter())));
            merged.rename(&table);
            other.rename(&table);
        }
        merged.segments.append(&mut other.segments);
        merged
    }

    #[cfg(any(test, feature = "cluster"))]
    /// The same rows naming terms by id in `table` (a term it does not hold, by none).
    pub(super) fn rename(&mut self, table: &Arc<TermTable>) {
        if same(&self.table, table) || self.segments.is_empty() {
            return;
        }
        let to = super::terms::ids_in(&self.table, table);
        for segment in &mut self.segments {
            for id in
                (segment.stems.iter_mut().chain(&mut segment.phrases)).filter(|id| **id != u32::MAX)
            {
                *id = to[*id as usize];
            }
        }
        self.table = table.clone();
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
        periods
            .par_iter_mut()
            .filter_map(|(label, counts)| Some((logs.get(label.as_str())?, counts)))
            .try_for_each(|(logs, counts)| {
                let mut slots = Slots::new(self.table.len());
                if same(counts.terms.table(), &self.table) {
                    for (s, &(id, _)) in counts.terms.ids().iter().enumerate() {
                        slots.get_or(id, s);
                    }
                } else {
                    // Counts made apart from the rows: their terms are found by text.
                    let theirs = counts.terms.table();
                    for (s, &(id, _)) in counts.terms.ids().iter().enumerate() {
                        if let Some(id) = self.table.find(theirs.text(id)) {
                            slots.get_or(id, s);
                        }
                    }
                }
                // The terms of one document set apart have their spreads already.
                let totals: Vec<u128> = (counts.terms.ids().iter())
                    .map(|e| e.1.count as u128)
                    .collect();
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
                let mut withs = Vec::with_capacity(sums.len());
                for (c, (with, excess, r, r2)) in counts.terms.counts_mut().zip(sums) {
                    let spread = Spread::new(c.count, tokens, with, excess);
                    c.spread = MaybeSpread::some(spread.rate_sums(r, r2));
                    withs.push(with);
                }
                counts.terms.set_apart(tokens, &withs);
                Ok(())
            })
    }
}

/// A period's rows as bytes and back, for an engine that counts a corpus in parts.
#[cfg(any(feature = "cluster", test))]
mod rows {
    use std::sync::Arc;

    use super::super::counts::Terms;
    use super::super::log::{LoggedDoc, PeriodLog, SpillFile, TermId};
    use super::super::terms::same;
    use super::{DocTerms, Segment};

    impl DocTerms {
        /// The rows of `label`'s documents in one log, each term named by its place in `terms`
        /// (that period's terms, which must hold every term the rows name): a period's rows as
        /// a part of a corpus sends them to another machine, with no vocabulary beside them.
        /// [`DocTerms::of_period`] reads them back.
        pub(crate) fn period_rows(&self, label: &str, terms: &Terms) -> std::io::Result<PeriodLog> {
            debug_assert_eq!(
                terms.ids().len(),
                terms.len(),
                "a part's terms, none set apart"
            );
            let mut place = vec![u32::MAX; self.table.len()];
            if same(terms.table(), &self.table) {
                for (s, &(id, _)) in terms.ids().iter().enumerate() {
                    place[id as usize] = s as u32;
                }
            } else {
                for (s, &(id, _)) in terms.ids().iter().enumerate() {
                    if let Some(id) = self.table.find(terms.table().text(id)) {
                        place[id as usize] = s as u32;
                    }
                }
            }
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
                        let at =
                            (place.get(segment.index(term) as usize).copied()).unwrap_or(u32::MAX);
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
            DocTerms {
                table: terms.table().clone(),
                segments: vec![Segment {
                    logs: vec![(label, PeriodLog::from_bytes(rows, spill))],
                    stems: terms.ids().iter().map(|e| e.0).collect(),
                    phrases: Vec::new(),
                }],
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
