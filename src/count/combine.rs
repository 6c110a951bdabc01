//! From the counters' [`Tally`]s to [`Counts`]: the one place where the work of the threads
//! comes together.
//!
//! Each counter names stems and phrases by ids of its own. Here the ids are mapped to one
//! vocabulary, and each period's per-document logs ([`super::log`]) are read once for each
//! term's count, documents and largest count in one document (and, for the periods the
//! report asks about, its first documents). The logs themselves go on into the counts, for
//! the dispersion sums that [`Counts::finish`] works out once every part is in. Periods are
//! resolved in parallel; every number is an integer sum, so the result does not depend on
//! how documents were split between threads.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::counter::{PeriodTally, Tally};
use super::counts::{Counts, PeriodCounts, TermCount};
use super::dispersion::{DocTerms, Segment, Slots};
use super::first_docs::{FirstDocs, FIRST_DOCS};
use super::forms::PhraseForms;
use super::log::TermId;
use super::phrases::Gram;
use super::vocab::form_text;

/// The merged vocabulary: every counter's stems and phrases, each once.
struct Vocabulary<'t> {
    stems: Vec<&'t str>,
    /// Phrases as merged stem ids (unused places `u32::MAX`).
    grams: Vec<Gram>,
    /// Per tally: its stem ids and phrase ids in the merged vocabulary.
    stem_maps: Vec<Vec<u32>>,
    gram_maps: Vec<Vec<u32>>,
    /// Per merged phrase: whether it is left out, seen fewer times than asked in all the
    /// tallies together (known from the counters' totals, before any row is gathered, so
    /// that a rare phrase costs no row in any period).
    pruned: Vec<bool>,
}

impl<'t> Vocabulary<'t> {
    fn new(tallies: &'t [Tally], prune_below: Option<u64>) -> Vocabulary<'t> {
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
        let mut totals = vec![0u64; grams.len()];
        for (t, map) in tallies.iter().zip(&gram_maps) {
            for (&merged, &n) in map.iter().zip(&t.gram_totals) {
                totals[merged as usize] += n as u64;
            }
        }
        let pruned = totals
            .iter()
            .map(|&n| prune_below.is_some_and(|min| n < min))
            .collect();
        Vocabulary {
            stems,
            grams,
            stem_maps,
            gram_maps,
            pruned,
        }
    }

    /// Whether the term at merged index `i` is a phrase left out.
    fn is_pruned(&self, i: u32) -> bool {
        (i as usize)
            .checked_sub(self.stems.len())
            .is_some_and(|g| self.pruned[g])
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
type FirstSight = Vec<(u32, TermCount)>;

/// The places of a term's first documents, ascending; `u64::MAX` where there are fewer.
type Firsts = [u64; FIRST_DOCS];

/// What [`resolve`] is asked for beyond the counts.
pub(crate) struct CombineOptions<'a> {
    /// Leave out phrases seen fewer times than this in all periods together (the tallies
    /// are the whole corpus); `None` keeps them all (a part of a corpus, to be merged).
    pub prune_below: Option<u64>,
    /// The periods whose terms' first documents are wanted ([`FirstDocs`]).
    pub first_docs_in: &'a [String],
    /// A document's place in reading order, where it is not its own: a copy of a text
    /// counted in place of the first copy stands at the first copy's place.
    pub places: &'a FxHashMap<u64, u64>,
}

/// The counts of the documents the counters' tallies hold, and the first documents of each
/// term in the periods asked about. Each period's logs are read once here (count, documents,
/// largest count, first places); the dispersion sums wait for [`Counts::finish`]. Fails only
/// when a log written to a temporary file cannot be read back.
pub(crate) fn combine(
    tallies: Vec<Tally>,
    options: &CombineOptions,
) -> std::io::Result<(Counts, FirstDocs)> {
    let vocabulary = Vocabulary::new(&tallies, options.prune_below);
    let mut by_period: BTreeMap<&str, Vec<(usize, &PeriodTally)>> = BTreeMap::new();
    for (t, tally) in tallies.iter().enumerate() {
        for (label, part) in &tally.periods {
            by_period.entry(label).or_default().push((t, part));
        }
    }
    let periods: Vec<(&str, Vec<(usize, &PeriodTally)>)> = by_period.into_iter().collect();
    let sighted: Vec<(FirstSight, Vec<Firsts>)> = periods
        .par_iter()
        .map(|(label, parts)| {
            let watched = options.first_docs_in.iter().any(|p| p == label);
            first_pass(&vocabulary, parts, watched, options.places)
        })
        .collect::<std::io::Result<_>>()?;

    let kept = |i: u32| !vocabulary.is_pruned(i);
    // One text per term, shared by the periods and the rows that name it.
    let texts: Vec<Option<Arc<str>>> = (0..vocabulary.len() as u32)
        .map(|i| kept(i).then(|| Arc::from(vocabulary.text(i))))
        .collect();

    let mut counts = Counts::default();
    let mut first_docs = FirstDocs::default();
    for ((label, parts), (terms, first)) in periods.iter().zip(sighted) {
        if !first.is_empty() {
            let places = terms
                .iter()
                .zip(&first)
                .filter_map(|(&(i, _), f)| {
                    let text = texts[i as usize].as_ref()?;
                    let places = f.iter().copied().filter(|&p| p != u64::MAX).collect();
                    Some((text.to_string(), places))
                })
                .collect();
            first_docs.insert(label, places);
        }
        let mut period = PeriodCounts {
            terms: terms
                .into_iter()
                .filter_map(|(i, c)| Some((texts[i as usize].clone()?, c)))
                .collect(),
            ..PeriodCounts::default()
        };
        add_parts(&mut period, parts);
        counts.periods.insert(label.to_string(), period);
    }
    drop(periods);
    let stems_total = vocabulary.stems.len() as u32;
    let (stem_maps, gram_maps) = (vocabulary.stem_maps, vocabulary.gram_maps);
    let mut segments = Vec::with_capacity(tallies.len());
    for ((tally, stems), grams) in tallies.into_iter().zip(stem_maps).zip(gram_maps) {
        add_forms(&mut counts, &tally, &grams, |g| {
            texts[stems_total as usize + g].as_ref()
        });
        for (w, c) in tally.words.into_iter().chain(tally.forms) {
            if c > 0 {
                *counts.words.entry(w.into()).or_default() += c;
            }
        }
        counts.kwic.extend(tally.kwic);
        segments.push(Segment {
            logs: tally
                .periods
                .into_iter()
                .map(|(label, part)| (label, part.log))
                .collect(),
            stems,
            phrases: grams.into_iter().map(|g| stems_total + g).collect(),
        });
    }
    counts.doc_terms = DocTerms {
        vocabulary: texts,
        segments,
    };
    Ok((counts, first_docs))
}

/// Adds the counters' plain sums of one period to `period`: documents, words, the fewest
/// words in a document, theme hits and each document's theme rows.
fn add_parts(period: &mut PeriodCounts, parts: &[(usize, &PeriodTally)]) {
    for (_, part) in parts {
        period.add_sums(part.docs, part.tokens, part.min_doc_tokens, &part.themes);
        period.theme_docs.extend_from_slice(&part.theme_docs);
    }
    // Sorted, so the rows do not depend on which counter counted which document.
    period.theme_docs.sort_unstable();
}

/// Adds the written forms of `tally`'s phrases that are kept (`text` of a merged phrase id:
/// its text, or `None` when left out) to `counts`.
fn add_forms<'a>(
    counts: &mut Counts,
    tally: &Tally,
    grams: &[u32],
    text: impl Fn(usize) -> Option<&'a Arc<str>>,
) {
    for (id, &merged) in grams.iter().enumerate() {
        let Some(term) = text(merged as usize) else {
            continue;
        };
        let forms = tally.written.of(id as u32).map(|(written, c)| {
            let words: Vec<&str> = written
                .iter()
                .take_while(|&&f| f != u32::MAX)
                .map(|&f| form_text(&tally.words, &tally.forms, f))
                .collect();
            (words.join(" "), c)
        });
        let forms = PhraseForms::new(forms);
        match counts.phrase_forms.get_mut(&**term) {
            Some(mine) => mine.merge(forms),
            None => {
                counts.phrase_forms.insert(term.clone(), forms);
            }
        }
    }
}

/// The first pass over one period's logs: each term's count, documents and largest count
/// in one document, in order of first sight, and (when `watched`) its first places.
fn first_pass(
    vocabulary: &Vocabulary,
    parts: &[(usize, &PeriodTally)],
    watched: bool,
    places: &FxHashMap<u64, u64>,
) -> std::io::Result<(FirstSight, Vec<Firsts>)> {
    let mut slots = Slots::new(vocabulary.len());
    let mut terms: FirstSight = Vec::new();
    let mut first: Vec<Firsts> = Vec::new();
    for &(t, part) in parts {
        part.log.for_each(|doc, term, count| {
            let i = vocabulary.index(t, term);
            if vocabulary.is_pruned(i) {
                return;
            }
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
