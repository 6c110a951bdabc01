//! From the counters' [`Tally`]s to the corpus's [`Counts`]: the one place where the work of
//! the threads comes together.
//!
//! Each counter names stems and phrases by ids of its own. Here the ids are mapped to one
//! vocabulary, and each period's per-document logs ([`super::log`]) are read twice: once for
//! each term's count, documents and largest count in one document, once more (now that each
//! term's count `f` and the period's size `T` are known) for the integer sums Gries's DP is
//! computed from ([`Spread`]). Phrases seen fewer than `min_count` times in the whole corpus
//! are dropped between the two passes. Periods are resolved in parallel; every number is an
//! integer sum, so the result does not depend on how documents were split between threads.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::log::TermId;
use super::{
    Counts, Gram, PeriodCounts, PeriodTally, Spread, Tally, TermCount, ThemeCount, FIRST_DOCS,
};

/// Terms (stems, then phrases) up to which a period's term slots are a plain array; beyond,
/// a hash map, so that millions of phrases do not cost an array each.
const DENSE_TERMS: usize = 1 << 22;

/// A term's place in one period's list of terms, by its index in the merged vocabulary.
enum Slots {
    Dense(Vec<u32>),
    Sparse(FxHashMap<u32, u32>),
}

impl Slots {
    fn new(terms: usize) -> Slots {
        if terms <= DENSE_TERMS {
            Slots::Dense(vec![u32::MAX; terms])
        } else {
            Slots::Sparse(FxHashMap::default())
        }
    }

    fn get(&self, term: u32) -> Option<usize> {
        match self {
            Slots::Dense(v) => Some(v[term as usize]).filter(|&s| s != u32::MAX),
            Slots::Sparse(m) => m.get(&term).copied(),
        }
        .map(|s| s as usize)
    }

    /// The slot of `term`; `next` (the next free slot) when it had none.
    fn get_or(&mut self, term: u32, next: usize) -> usize {
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

/// The merged vocabulary: every counter's stems and phrases, each once.
struct Vocabulary<'t> {
    stems: Vec<&'t str>,
    /// Phrases as merged stem ids (unused places `u32::MAX`).
    grams: Vec<Gram>,
    /// Per tally: its stem ids and phrase ids in the merged vocabulary.
    stem_maps: Vec<Vec<u32>>,
    gram_maps: Vec<Vec<u32>>,
}

impl<'t> Vocabulary<'t> {
    fn new(tallies: &'t [Tally]) -> Vocabulary<'t> {
        let mut index: FxHashMap<&str, u32> = FxHashMap::default();
        let mut stems: Vec<&str> = Vec::new();
        let mut stem_maps = Vec::with_capacity(tallies.len());
        for t in tallies {
            let mut map = Vec::with_capacity(t.stems.len());
            for s in &t.stems {
                let id = *index.entry(s).or_insert_with(|| {
                    stems.push(s);
                    (stems.len() - 1) as u32
                });
                map.push(id);
            }
            stem_maps.push(map);
        }
        let mut gram_index: FxHashMap<Gram, u32> = FxHashMap::default();
        let mut grams: Vec<Gram> = Vec::new();
        let mut gram_maps = Vec::with_capacity(tallies.len());
        for (t, stem_map) in tallies.iter().zip(&stem_maps) {
            let mut map = Vec::with_capacity(t.grams.len());
            for g in &t.grams {
                let merged = g.map(|s| {
                    if s == u32::MAX {
                        s
                    } else {
                        stem_map[s as usize]
                    }
                });
                let id = *gram_index.entry(merged).or_insert_with(|| {
                    grams.push(merged);
                    (grams.len() - 1) as u32
                });
                map.push(id);
            }
            gram_maps.push(map);
        }
        Vocabulary {
            stems,
            grams,
            stem_maps,
            gram_maps,
        }
    }

    fn len(&self) -> usize {
        self.stems.len() + self.grams.len()
    }

    /// The merged index of tally `t`'s `term`: stems first, then phrases.
    fn index(&self, t: usize, term: TermId) -> u32 {
        match term {
            TermId::Stem(id) => self.stem_maps[t][id as usize],
            TermId::Phrase(id) => (self.stems.len() as u32) + self.gram_maps[t][id as usize],
        }
    }

    /// The text of the term at merged index `i`: a stem, or a phrase's stems with spaces.
    fn text(&self, i: u32) -> String {
        let i = i as usize;
        match i.checked_sub(self.stems.len()) {
            None => self.stems[i].to_string(),
            Some(g) => self.grams[g]
                .iter()
                .take_while(|&&s| s != u32::MAX)
                .map(|&s| self.stems[s as usize])
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}

/// One period's terms after the first pass: (merged index, counts), in order of first sight.
type Terms = Vec<(u32, TermCount)>;

/// The places of a term's first documents, ascending; `u64::MAX` where there are fewer.
type Firsts = [u64; FIRST_DOCS];

/// The corpus's counts from every counter's tally; phrases seen fewer than `min_count` times
/// in all periods together are left out (single words are all kept). For the periods that
/// `first_docs_in` picks from the labels and word tokens of all periods, each term's first
/// documents in reading order are kept too ([`Counts::first_docs`]), a document's place read through
/// `places` where it has an entry (a copy of a text counted in place of the first copy
/// stands at the first copy's place). Fails only when a log written to a temporary file
/// cannot be read back.
pub fn resolve(
    tallies: Vec<Tally>,
    min_count: u64,
    first_docs_in: impl Fn(&[(&str, u64)]) -> Vec<String>,
    places: &FxHashMap<u64, u64>,
) -> std::io::Result<Counts> {
    let vocabulary = Vocabulary::new(&tallies);
    let mut by_period: BTreeMap<&str, Vec<(usize, &PeriodTally)>> = BTreeMap::new();
    for (t, tally) in tallies.iter().enumerate() {
        for (label, part) in &tally.periods {
            by_period.entry(label).or_default().push((t, part));
        }
    }
    let periods: Vec<(&str, Vec<(usize, &PeriodTally)>)> = by_period.into_iter().collect();
    let sizes: Vec<(&str, u64)> = periods
        .iter()
        .map(|(label, parts)| (*label, parts.iter().map(|(_, part)| part.tokens).sum()))
        .collect();
    let first_docs_in = first_docs_in(&sizes);

    // First pass: each term's count, documents and largest count in one document (and, where
    // asked, its first documents).
    let firsts: Vec<(Terms, Vec<Firsts>)> = periods
        .par_iter()
        .map(|(label, parts)| {
            let watched = first_docs_in.iter().any(|p| p == label);
            let mut slots = Slots::new(vocabulary.len());
            let mut terms: Terms = Vec::new();
            let mut first: Vec<Firsts> = Vec::new();
            for &(t, part) in parts {
                part.log.for_each(|doc, term, count| {
                    let i = vocabulary.index(t, term);
                    let slot = slots.get_or(i, terms.len());
                    if slot == terms.len() {
                        terms.push((i, TermCount::default()));
                        if watched {
                            first.push([u64::MAX; FIRST_DOCS]);
                        }
                    }
                    let e = &mut terms[slot].1;
                    e.count += count;
                    e.docs += 1;
                    e.max_doc = e.max_doc.max(count);
                    if watched {
                        keep_first(
                            &mut first[slot],
                            *places.get(&doc.place).unwrap_or(&doc.place),
                        );
                    }
                })?;
            }
            Ok((terms, first))
        })
        .collect::<std::io::Result<_>>()?;

    // Phrases too rare in the whole corpus are dropped: most phrases occur once, and kept
    // they would swamp the term tables (and a spreadsheet's row limit).
    let stems = vocabulary.stems.len();
    let mut phrase_totals = vec![0u64; vocabulary.grams.len()];
    for (terms, _) in &firsts {
        for &(i, c) in terms {
            if let Some(g) = (i as usize).checked_sub(stems) {
                phrase_totals[g] += c.count;
            }
        }
    }
    let kept = |i: u32| {
        (i as usize)
            .checked_sub(stems)
            .is_none_or(|g| phrase_totals[g] >= min_count)
    };

    // Each kept term's text, made once and shared by every period that holds it.
    let texts: Vec<Arc<str>> = (0..vocabulary.len() as u32)
        .map(|i| {
            if kept(i) {
                Arc::from(vocabulary.text(i))
            } else {
                Arc::from("")
            }
        })
        .collect();

    // Second pass: the dispersion sums, now that f and T are known.
    type Resolved = (String, PeriodCounts, Option<FxHashMap<String, Vec<u64>>>);
    let resolved: Vec<Resolved> = periods
        .par_iter()
        .zip(firsts)
        .map(|((label, parts), (mut terms, first))| {
            let first_docs = (!first.is_empty()).then(|| {
                terms
                    .iter()
                    .zip(&first)
                    .filter(|&(&(i, _), _)| kept(i))
                    .map(|(&(i, _), f)| {
                        let places = f.iter().copied().filter(|&p| p != u64::MAX).collect();
                        (vocabulary.text(i), places)
                    })
                    .collect()
            });
            drop(first);
            terms.retain(|&(i, _)| kept(i));
            let big_t: u128 = parts.iter().map(|(_, p)| p.tokens as u128).sum();
            let mut slots = Slots::new(vocabulary.len());
            for (s, &(i, _)) in terms.iter().enumerate() {
                slots.get_or(i, s);
            }
            // (Σ n_i, Σ max(0, n_i·f − v_i·T)) per term.
            let mut spreads = vec![(0u64, 0u128); terms.len()];
            for &(t, part) in parts {
                part.log.for_each(|doc, term, v| {
                    if let Some(s) = slots.get(vocabulary.index(t, term)) {
                        let (f, n) = (terms[s].1.count as u128, doc.tokens as u128);
                        let e = &mut spreads[s];
                        e.0 += doc.tokens;
                        e.1 += (n * f).saturating_sub(v as u128 * big_t);
                    }
                })?;
            }
            drop(slots);
            let mut counts = PeriodCounts {
                terms: terms
                    .into_iter()
                    .zip(spreads)
                    .map(|((i, mut c), (with, excess))| {
                        c.spread = Some(Spread::new(with, excess));
                        (texts[i as usize].clone(), c)
                    })
                    .collect(),
                ..PeriodCounts::default()
            };
            for (_, part) in parts {
                counts.docs += part.docs;
                counts.tokens += part.tokens;
                counts.min_doc_tokens = match (counts.min_doc_tokens, part.min_doc_tokens) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                add_themes(&mut counts.themes, &part.themes);
            }
            Ok((label.to_string(), counts, first_docs))
        })
        .collect::<std::io::Result<_>>()?;
    drop(vocabulary);
    let mut periods = BTreeMap::new();
    let mut first_docs = BTreeMap::new();
    for (label, counts, first) in resolved {
        if let Some(first) = first {
            first_docs.insert(label.clone(), first);
        }
        periods.insert(label, counts);
    }

    let mut words: FxHashMap<String, u64> = FxHashMap::default();
    let mut kwic = Vec::new();
    for tally in tallies {
        for (w, c) in tally.words {
            *words.entry(w.into()).or_default() += c;
        }
        kwic.extend(tally.kwic);
    }
    Ok(Counts {
        periods,
        kwic,
        words,
        first_docs,
    })
}

/// Puts `place` among the smallest places of `first`, which stay ascending.
fn keep_first(first: &mut Firsts, place: u64) {
    if place >= first[FIRST_DOCS - 1] {
        return;
    }
    let at = first.partition_point(|&p| p < place);
    first.copy_within(at..FIRST_DOCS - 1, at + 1);
    first[at] = place;
}

fn add_themes(into: &mut Vec<ThemeCount>, from: &[ThemeCount]) {
    if into.len() < from.len() {
        into.resize_with(from.len(), ThemeCount::default);
    }
    for (mine, theirs) in into.iter_mut().zip(from) {
        mine.hits += theirs.hits;
        mine.docs += theirs.docs;
        for (w, c) in &theirs.words {
            *mine.words.entry(w.clone()).or_default() += c;
        }
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
    }
}
