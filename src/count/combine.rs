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

use super::counts::{Counts, PeriodCounts, TermCount, Terms};
use super::dispersion::{DocTerms, Segment, Slots};
use super::first_docs::{keep_first, FirstDocs, Firsts, TermFirsts, FIRST_DOCS};
use super::forms::PhraseForms;
use super::log::TermId;
use super::phrases::Gram;
use super::runs::{Merge, Run};
use super::tally::{PeriodTally, Tally};
use super::terms::{Labels, TermTable, Texts};
use super::vocab::form_text;

/// The merged vocabulary: every counter's stems, each once, and the phrases kept, each once.
struct Vocabulary<'t> {
    stems: Vec<&'t str>,
    /// The phrases kept (seen at least `prune_below` times in all): the merged index of
    /// phrase `g` is `stems.len() + g`.
    phrases: Texts,
    /// Per tally: its stem ids in the merged vocabulary.
    stem_maps: Vec<Vec<u32>>,
    /// Per tally: its phrase ids -> merged phrase (`u32::MAX`: left out, too rare).
    gram_maps: Vec<Vec<u32>>,
}

impl<'t> Vocabulary<'t> {
    /// The vocabulary of `tallies`: their stems, and their phrases' runs merged in text order
    /// ([`super::runs::Merge`]), each phrase's counts summed over every counter and run and
    /// the phrase left out when seen fewer than `prune_below` times in all; the kept
    /// phrases' written forms go to `forms`. Fails when a run cannot be written or read.
    fn new(
        tallies: &'t [Tally],
        prune_below: Option<u64>,
        mut out: FormsOut,
    ) -> std::io::Result<Vocabulary<'t>> {
        if let Some(e) = tallies.iter().find_map(|t| t.spill_error.as_ref()) {
            return Err(std::io::Error::new(
                e.kind(),
                format!(
                    "cannot write the phrases counted so far to a temporary file in {}: {e}",
                    std::env::temp_dir().display()
                ),
            ));
        }
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
        let mut gram_maps: Vec<Vec<u32>> = tallies
            .iter()
            .map(|t| vec![u32::MAX; t.phrase_ids as usize])
            .collect();
        // The merge of runs would serve alone, and gives the same counts; when nothing was
        // written out, joining the tables by their stems in a hash map is faster (50 MB with
        // phrases, merging always: 5% more time and 8% more memory, farm-bench, 5 runs).
        let phrases = if tallies.iter().all(|t| t.phrase_runs.is_empty()) {
            let (phrases, written) =
                in_memory(tallies, (&stems, &stem_maps), &mut gram_maps, prune_below);
            for (g, written) in written.into_iter().enumerate() {
                match out {
                    FormsOut::Forms(ref mut forms) => {
                        let text: Arc<str> = Arc::from(phrases.get(g));
                        forms.entry(text).or_default().merge(written);
                    }
                    FormsOut::Labels(ref mut labels) => labels.push(written.label().unwrap_or("")),
                }
            }
            phrases
        } else {
            merged(tallies, &mut gram_maps, (prune_below, out))?
        };
        Ok(Vocabulary {
            stems,
            phrases,
            stem_maps,
            gram_maps,
        })
    }

    fn len(&self) -> usize {
        self.stems.len() + self.phrases.len()
    }

    /// The text of the term at merged index `i`: a stem, or a phrase's stems with spaces.
    fn text(&self, i: u32) -> &str {
        let i = i as usize;
        match i.checked_sub(self.stems.len()) {
            None => self.stems[i],
            Some(g) => self.phrases.get(g),
        }
    }
}

/// Where the kept phrases' written forms go: kept as they are, for counts that are a part of
/// a corpus (to be merged with others' forms), or settled at once into each phrase's label,
/// for a whole corpus's counts (a phrase's label is then decided as soon as its forms are all
/// in, and its forms let go: they are most of the memory phrases take beside their counts).
enum FormsOut<'a> {
    Forms(&'a mut FxHashMap<Arc<str>, PhraseForms>),
    /// Each kept phrase's label, by its merged phrase index (`""` for none).
    Labels(&'a mut Texts),
}

impl FormsOut<'_> {
    /// A piece's kept phrases' forms, or their labels: whichever this keeps (a piece gathers
    /// only that one).
    fn take(&mut self, piece: Piece) {
        match self {
            FormsOut::Forms(forms) => forms.extend(piece.forms),
            FormsOut::Labels(labels) => labels.append(&piece.labels),
        }
    }
}

/// The phrases of `tallies` when none was written out: merged by their stems' merged ids
/// (`stems`, `stem_maps`) in a hash map, counted, those seen fewer than `prune_below` times
/// left out; each tally's kept phrases mapped in `gram_maps`. Returns the kept phrases' texts
/// and their written forms, by merged index.
fn in_memory(
    tallies: &[Tally],
    (stems, stem_maps): (&[&str], &[Vec<u32>]),
    gram_maps: &mut [Vec<u32>],
    prune_below: Option<u64>,
) -> (Texts, Vec<PhraseForms>) {
    // Every phrase once, by its merged stems, with its count in all.
    let mut index: FxHashMap<Gram, u32> = FxHashMap::default();
    let mut grams: Vec<(Gram, u64)> = Vec::new();
    let mut local: Vec<Vec<u32>> = Vec::with_capacity(tallies.len());
    for (t, stem_map) in tallies.iter().zip(stem_maps) {
        let table = &t.phrase_table;
        let mut map = Vec::with_capacity(table.grams.len());
        for (g, &n) in table.grams.iter().zip(&table.totals) {
            let merged = g.map(|s| {
                if s == u32::MAX {
                    s
                } else {
                    stem_map[s as usize]
                }
            });
            let id = *index.entry(merged).or_insert_with(|| {
                grams.push((merged, 0));
                (grams.len() - 1) as u32
            });
            grams[id as usize].1 += n as u64;
            map.push(id);
        }
        local.push(map);
    }
    drop(index);
    // The kept phrases, numbered in order of first sight.
    let mut kept = vec![u32::MAX; grams.len()];
    let mut phrases = Texts::default();
    for (g, (gram, n)) in grams.iter().enumerate() {
        if prune_below.is_none_or(|min| *n >= min) {
            kept[g] = phrases.len() as u32;
            let words: Vec<&str> = (gram.iter())
                .take_while(|&&s| s != u32::MAX)
                .map(|&s| stems[s as usize])
                .collect();
            phrases.push(&words.join(" "));
        }
    }
    let mut forms: Vec<PhraseForms> = vec![PhraseForms::default(); phrases.len()];
    for ((t, map), gram_map) in tallies.iter().zip(local).zip(gram_maps.iter_mut()) {
        let table = &t.phrase_table;
        for (k, g) in map.into_iter().enumerate() {
            let merged = kept[g as usize];
            if merged == u32::MAX {
                continue;
            }
            gram_map[table.base as usize + k] = merged;
            let written = table.written.of(k as u32).map(|(w, c)| {
                let words: Vec<&str> = (w.iter())
                    .take_while(|&&f| f != u32::MAX)
                    .map(|&f| form_text(&t.words, &t.forms, f))
                    .collect();
                (words.join(" "), c)
            });
            forms[merged as usize].merge(PhraseForms::new(written));
        }
    }
    (phrases, forms)
}

/// The phrases of `tallies` when some were written out: every tally's runs and its last
/// table (written as a run in memory here) merged in text order ([`Merge`]), each phrase's
/// counts summed and the phrase left out when seen fewer than `prune_below` times; each
/// tally's kept phrases mapped in `gram_maps`, their written forms gathered in `forms`.
/// The runs are cut into pieces of texts merged on every thread ([`super::runs::pieces`]),
/// then joined in text order. Returns the kept phrases' texts, by merged index, in text
/// order.
fn merged(
    tallies: &[Tally],
    gram_maps: &mut [Vec<u32>],
    (prune_below, mut out): (Option<u64>, FormsOut),
) -> std::io::Result<Texts> {
    let lasts: Vec<Run> = tallies
        .par_iter()
        .map(|t| {
            let mut order = super::phrases::StemOrder::default();
            let ranks = order.ranks(&t.stems);
            Run::memory(t.phrase_table.encode(&t.stems, ranks, &t.words, &t.forms))
        })
        .collect();
    let runs: Vec<(usize, &Run)> = (tallies.iter().enumerate())
        .flat_map(|(t, tally)| {
            (tally.phrase_runs.iter())
                .chain(std::iter::once(&lasts[t]))
                .map(move |r| (t, r))
        })
        .collect();
    let labels = matches!(out, FormsOut::Labels(_));
    let pieces = super::runs::pieces(&runs, 4 * rayon::current_num_threads())?;
    let pieces: Vec<Piece> = pieces
        .into_par_iter()
        .map(|stretches| Piece::merged(Merge::new(stretches)?, prune_below, labels))
        .collect::<std::io::Result<_>>()?;
    let mut phrases = Texts::default();
    for piece in pieces {
        let base = phrases.len() as u32;
        for &(tally, id, local) in &piece.places {
            gram_maps[tally as usize][id as usize] = base + local;
        }
        phrases.append(&piece.phrases);
        out.take(piece);
    }
    Ok(phrases)
}

/// What a piece of the runs' merge kept: its phrases in text order, where each tally's ids
/// of them go (tally, id, place among the piece's phrases), and their written forms or the
/// labels decided from them (one of the two).
struct Piece {
    phrases: Texts,
    places: Vec<(u32, u32, u32)>,
    forms: Vec<(Arc<str>, PhraseForms)>,
    /// By place among the piece's phrases (`""` for none).
    labels: Texts,
}

impl Piece {
    /// The phrases of `merge` seen at least `prune_below` times, with their labels when
    /// `labels`, else their forms.
    fn merged(mut merge: Merge, prune_below: Option<u64>, labels: bool) -> std::io::Result<Piece> {
        let mut piece = Piece {
            phrases: Texts::default(),
            places: Vec::new(),
            forms: Vec::new(),
            labels: Texts::default(),
        };
        while merge.next()? {
            let total: u64 = merge.entries().map(|e| e.total).sum();
            if prune_below.is_some_and(|min| total < min) {
                continue;
            }
            let local = piece.phrases.len() as u32;
            let text = merge.text();
            for entry in merge.entries() {
                piece.places.push((entry.tally as u32, entry.id, local));
            }
            // Every run's kept forms at once, read where they lie.
            let written = PhraseForms::new(merge.entries().flat_map(|e| e.forms()));
            if !labels {
                piece.forms.push((Arc::from(&*text), written));
            } else {
                piece.labels.push(written.label().unwrap_or(""));
            }
            piece.phrases.push(&text);
        }
        Ok(piece)
    }
}

/// A term's sums from the first pass: its count, documents and largest count in one
/// document, and the word tokens of the first document holding it.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    count: u64,
    docs: u64,
    max_doc: u64,
    doc_tokens: u64,
}

/// One period's terms after the first pass: (id in the table, sums), in order of first
/// sight.
type FirstSight = Vec<(u32, Sums)>;

/// What [`combine()`] is asked for beyond the counts.
pub(crate) struct CombineOptions<'a> {
    /// Leave out phrases seen fewer times than this in all periods together (the tallies
    /// are the whole corpus, and each phrase's label is decided here, in
    /// [`Counts::phrase_labels`]); `None` keeps them all, with their written forms (a part of
    /// a corpus, to be merged).
    pub(crate) prune_below: Option<u64>,
    /// The periods whose terms' first documents are wanted ([`FirstDocs`]).
    pub(crate) first_docs_in: &'a [String],
    /// A document's place in reading order, where it is not its own: a copy of a text
    /// counted in place of the first copy stands at the first copy's place.
    pub(crate) places: &'a FxHashMap<u64, u64>,
}

/// The counts of the documents the counters' tallies hold, and the first documents of each
/// term in the periods asked about. Each period's logs are read once here (count, documents,
/// largest count, first places); the dispersion sums wait for [`Counts::finish`]. Fails only
/// when a log written to a temporary file cannot be read back.
pub(crate) fn combine(
    tallies: Vec<Tally>,
    options: &CombineOptions,
) -> std::io::Result<(Counts, FirstDocs)> {
    let mut counts = Counts::default();
    // A whole corpus's phrases are labelled as their forms come together; a part's keep
    // their forms, for the merge with other parts.
    let mut phrase_labels = Texts::default();
    let out = match options.prune_below {
        Some(_) => FormsOut::Labels(&mut phrase_labels),
        None => FormsOut::Forms(&mut counts.phrase_forms),
    };
    let vocabulary = Vocabulary::new(&tallies, options.prune_below, out)?;
    let mut by_period: BTreeMap<&str, Vec<(usize, &PeriodTally)>> = BTreeMap::new();
    for (t, tally) in tallies.iter().enumerate() {
        for (label, part) in &tally.periods {
            by_period.entry(label).or_default().push((t, part));
        }
    }
    let periods: Vec<(&str, Vec<(usize, &PeriodTally)>)> = by_period.into_iter().collect();

    // Every term once, in text order, its place its id: the periods' terms, their labels
    // and the rows name terms by it.
    let order = text_order(&vocabulary);
    let table = Arc::new(TermTable::from_sorted(
        order.iter().map(|&i| vocabulary.text(i)),
    ));
    let stems_total = vocabulary.stems.len() as u32;
    if options.prune_below.is_some() {
        let label = |&i: &u32| {
            i.checked_sub(stems_total)
                .map_or("", |g| phrase_labels.get(g as usize))
        };
        counts.phrase_labels = Labels::new(table.clone(), order.iter().map(label));
    }
    drop(phrase_labels);
    // Each counter's ids of stems and phrases become ids in the table.
    let Vocabulary {
        mut stem_maps,
        mut gram_maps,
        ..
    } = vocabulary;
    let mut rank = vec![0; order.len()];
    for (place, &i) in order.iter().enumerate() {
        rank[i as usize] = place as u32;
    }
    drop(order);
    for id in stem_maps.iter_mut().flatten() {
        *id = rank[*id as usize];
    }
    for id in gram_maps.iter_mut().flatten().filter(|id| **id != u32::MAX) {
        *id = rank[(stems_total + *id) as usize];
    }
    drop(rank);
    let ids = TableIds {
        stems: &stem_maps,
        phrases: &gram_maps,
        len: table.len(),
    };
    // Each period's terms straight from its logs, in parallel: the first pass of the
    // dispersion pass's two.
    let whole = options.prune_below.is_some();
    let built: Vec<(PeriodCounts, Option<TermFirsts>)> = periods
        .par_iter()
        .map(|(label, parts)| {
            let watched = options.first_docs_in.iter().any(|p| p == label);
            let sighted = first_pass(&ids, parts, watched, options.places)?;
            Ok(built_period(parts, sighted, &table, whole))
        })
        .collect::<std::io::Result<_>>()?;
    let mut first_docs = FirstDocs::default();
    for ((label, _), (period, firsts)) in periods.iter().zip(built) {
        if let Some(firsts) = firsts {
            first_docs.insert(label, firsts);
        }
        counts.periods.insert(label.to_string(), period);
    }
    drop(periods);
    let mut segments = Vec::with_capacity(tallies.len());
    for ((tally, stems), grams) in tallies.into_iter().zip(stem_maps).zip(gram_maps) {
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
            phrases: grams,
        });
    }
    counts.doc_terms = DocTerms { table, segments };
    Ok((counts, first_docs))
}

/// A period's counts from its first pass (`sighted`, terms by id in `table`): its terms in
/// text order, those of one document set apart when the counts are a `whole` corpus's (their
/// spreads follow from their counts: [`Terms::of_split`]), its plain sums from its counters'
/// `parts`, and, when it is watched, its terms' first documents.
fn built_period(
    parts: &[(usize, &PeriodTally)],
    (mut terms, first): (FirstSight, Vec<Firsts>),
    table: &Arc<TermTable>,
    whole: bool,
) -> (PeriodCounts, Option<TermFirsts>) {
    let firsts = (!first.is_empty()).then(|| {
        let mut firsts: Vec<(u32, Firsts)> = (terms.iter().zip(first))
            .map(|(&(id, _), f)| (id, f))
            .collect();
        firsts.sort_unstable_by_key(|&(id, _)| id);
        TermFirsts::from_sorted(table.clone(), firsts)
    });
    terms.sort_unstable_by_key(|&(id, _)| id);
    let mut period = PeriodCounts::default();
    add_parts(&mut period, parts);
    let (mut many, mut ones) = (Vec::new(), Vec::new());
    for (id, s) in terms {
        if whole && s.docs == 1 && s.count <= u32::MAX as u64 {
            ones.push((id, s.count as u32, s.doc_tokens));
        } else {
            let c = TermCount {
                count: s.count,
                docs: s.docs,
                max_doc: s.max_doc,
                spread: super::counts::MaybeSpread::NONE,
            };
            many.push((id, c));
        }
    }
    period.terms = Terms::of_split(table.clone(), many, ones, period.tokens);
    (period, firsts)
}

/// Each counter's stem and phrase ids -> id in the table of terms (`u32::MAX`: a phrase
/// left out).
struct TableIds<'a> {
    stems: &'a [Vec<u32>],
    phrases: &'a [Vec<u32>],
    /// Terms in the table.
    len: usize,
}

impl TableIds<'_> {
    fn of(&self, t: usize, term: TermId) -> u32 {
        match term {
            TermId::Stem(id) => self.stems[t][id as usize],
            TermId::Phrase(id) => self.phrases[t][id as usize],
        }
    }
}

/// The merged indexes of `vocabulary`'s terms in text order (every text is a different
/// term).
fn text_order(vocabulary: &Vocabulary) -> Vec<u32> {
    let mut order: Vec<u32> = (0..vocabulary.len() as u32).collect();
    order.par_sort_unstable_by(|&a, &b| vocabulary.text(a).cmp(vocabulary.text(b)));
    order
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

/// The first pass over one period's logs: each term's count, documents and largest count
/// in one document, in order of first sight, and (when `watched`) its first places.
fn first_pass(
    ids: &TableIds,
    parts: &[(usize, &PeriodTally)],
    watched: bool,
    places: &FxHashMap<u64, u64>,
) -> std::io::Result<(FirstSight, Vec<Firsts>)> {
    let mut slots = Slots::new(ids.len);
    let mut terms: FirstSight = Vec::new();
    let mut first: Vec<Firsts> = Vec::new();
    for &(t, part) in parts {
        part.log.for_each(|doc, term, count| {
            let i = ids.of(t, term);
            if i == u32::MAX {
                return;
            }
            let slot = slots.get_or(i, terms.len());
            if slot == terms.len() {
                terms.push((i, Sums::default()));
                if watched {
                    first.push([u64::MAX; FIRST_DOCS]);
                }
            }
            let e = &mut terms[slot].1;
            e.count += count;
            e.docs += 1;
            e.max_doc = e.max_doc.max(count);
            if e.docs == 1 {
                e.doc_tokens = doc.tokens;
            }
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
