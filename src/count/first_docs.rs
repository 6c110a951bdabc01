//! [`FirstDocs`]: the report's one need from counting, kept apart from [`super::Counts`].
//!
//! The report shows each key term's first lines in reading order; those are in the term's
//! first documents, so counting notes, for the periods compared, each term's first few
//! documents (their places in reading order). The report's second pass then reads just
//! those documents instead of the whole corpus.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::terms::TermTable;

/// Documents remembered per term.
pub(crate) const FIRST_DOCS: usize = 3;

/// The places of a term's first documents, ascending; `u64::MAX` where there are fewer.
pub(crate) type Firsts = [u64; FIRST_DOCS];

/// One period's terms' first documents, by id in a table of terms (the one its counts
/// share), in text order, its places a fixed array: at a gigabyte of text, a map of strings
/// to vectors held three times the memory.
#[derive(Debug, Clone, Default)]
pub(crate) struct TermFirsts {
    table: Arc<TermTable>,
    firsts: Vec<(u32, Firsts)>,
}

impl TermFirsts {
    /// Terms already sorted by id in `table`, each once.
    pub(crate) fn from_sorted(table: Arc<TermTable>, firsts: Vec<(u32, Firsts)>) -> TermFirsts {
        debug_assert!(firsts.windows(2).all(|w| w[0].0 < w[1].0));
        TermFirsts { table, firsts }
    }

    /// (term, places) in term order.
    fn iter(&self) -> impl Iterator<Item = (&str, &Firsts)> {
        (self.firsts.iter()).map(|(id, f)| (self.table.text(*id), f))
    }

    /// `term`'s first documents, ascending, when it was seen.
    pub(crate) fn get(&self, term: &str) -> Option<&[u64]> {
        let id = self.table.find(term)?;
        let i = self.firsts.binary_search_by_key(&id, |e| e.0).ok()?;
        let places = &self.firsts[i].1;
        Some(&places[..places.partition_point(|&p| p != u64::MAX)])
    }

    /// The first documents of both: for each term, the first of the places either holds.
    fn merge(self, other: TermFirsts) -> TermFirsts {
        if self.firsts.is_empty() {
            return other;
        }
        let mut all: Vec<(&str, Firsts)> = self
            .iter()
            .chain(other.iter())
            .map(|(t, f)| (t, *f))
            .collect();
        all.sort_by(|a, b| a.0.cmp(b.0));
        let mut merged: Vec<(&str, Firsts)> = Vec::with_capacity(all.len());
        for (term, places) in all {
            match merged.last_mut() {
                Some((t, kept)) if *t == term => *kept = earliest(kept, &places),
                _ => merged.push((term, places)),
            }
        }
        merged.into_iter().collect()
    }
}

impl<S: AsRef<str>> FromIterator<(S, Firsts)> for TermFirsts {
    /// Terms in text order, each once, on a table of their own.
    fn from_iter<I: IntoIterator<Item = (S, Firsts)>>(items: I) -> TermFirsts {
        let items: Vec<(S, Firsts)> = items.into_iter().collect();
        let table = Arc::new(TermTable::from_sorted(
            items.iter().map(|(t, _)| t.as_ref()),
        ));
        let firsts = (items.iter().enumerate())
            .map(|(i, (_, f))| (i as u32, *f))
            .collect();
        TermFirsts { table, firsts }
    }
}

impl PartialEq for TermFirsts {
    fn eq(&self, other: &TermFirsts) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for TermFirsts {}

impl serde::Serialize for TermFirsts {
    /// As (term, places) pairs in term order: another machine has tables of its own.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> serde::Deserialize<'de> for TermFirsts {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<TermFirsts, D::Error> {
        let pairs = <Vec<(String, Firsts)> as serde::Deserialize>::deserialize(d)?;
        Ok(pairs.into_iter().collect())
    }
}

/// The first [`FIRST_DOCS`] different places of `a` and `b` (each ascending, `u64::MAX`
/// where there are fewer), ascending.
fn earliest(a: &Firsts, b: &Firsts) -> Firsts {
    let mut first = *a;
    for &place in b {
        keep_first(&mut first, place);
    }
    first
}

/// Puts `place` among the smallest places of `first`, which stay ascending and different.
pub(crate) fn keep_first(first: &mut Firsts, place: u64) {
    if place >= first[FIRST_DOCS - 1] || first.contains(&place) {
        return;
    }
    let at = first.partition_point(|&p| p < place);
    first.copy_within(at..FIRST_DOCS - 1, at + 1);
    first[at] = place;
}

/// For some periods, each term's first documents (at most [`FIRST_DOCS`]), as places in
/// reading order, ascending.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FirstDocs(BTreeMap<String, TermFirsts>);

impl FirstDocs {
    /// The first documents of `period`'s terms, when that period was asked about.
    pub(crate) fn get(&self, period: &str) -> Option<&TermFirsts> {
        self.0.get(period)
    }

    /// Sets `period`'s terms' first documents.
    pub(crate) fn insert(&mut self, period: &str, terms: TermFirsts) {
        self.0.insert(period.to_string(), terms);
    }

    /// The first documents of both: for each term, the first of the places either holds.
    /// Associative and commutative.
    #[cfg_attr(not(test), allow(dead_code))] // for engines that count a corpus in parts
    pub(crate) fn merge(mut self, other: FirstDocs) -> FirstDocs {
        for (period, theirs) in other.0 {
            let mine = self.0.entry(period).or_default();
            *mine = std::mem::take(mine).merge(theirs);
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_places_are_kept_in_order() {
        let mut first = [u64::MAX; FIRST_DOCS];
        for place in [9, 4, 12, 4, 1, 7, 2] {
            keep_first(&mut first, place);
        }
        assert_eq!(first, [1, 2, 4]);
        let mut few = [u64::MAX; FIRST_DOCS];
        keep_first(&mut few, 5);
        assert_eq!(few, [5, u64::MAX, u64::MAX]);
        // A place held already is not held twice.
        let mut twice = [u64::MAX; FIRST_DOCS];
        for place in [5, 5, 3] {
            keep_first(&mut twice, place);
        }
        assert_eq!(twice, [3, 5, u64::MAX]);
    }

    fn firsts(terms: &[(&str, &[u64])]) -> TermFirsts {
        terms
            .iter()
            .map(|&(t, places)| {
                let mut f = [u64::MAX; FIRST_DOCS];
                f[..places.len()].copy_from_slice(places);
                (t, f)
            })
            .collect()
    }

    #[test]
    fn a_term_keeps_its_first_places_of_both_parts_and_an_unseen_term_has_none() {
        let a = firsts(&[("commiss", &[1, 5, 9]), ("trust", &[2])]);
        let b = firsts(&[("board", &[0]), ("commiss", &[2, 5]), ("trust", &[2])]);
        let mut one = FirstDocs::default();
        one.insert("2010", a.clone());
        let mut two = FirstDocs::default();
        two.insert("2010", b.clone());
        let merged = one.clone().merge(two.clone());
        assert_eq!(merged, two.merge(one), "commutative");
        let p = merged.get("2010").unwrap();
        assert_eq!(p.get("commiss"), Some(&[1u64, 2, 5][..]));
        assert_eq!(p.get("trust"), Some(&[2u64][..]));
        assert_eq!(p.get("board"), Some(&[0u64][..]));
        assert_eq!(p.get("clinic"), None);
        assert_eq!(a.get("trust"), Some(&[2u64][..]));
        assert!(merged.get("2003").is_none());
    }
}
