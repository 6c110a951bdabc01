//! [`Counts`]: the result of counting, and the one contract between counting and measuring.
//!
//! A plain value: per period its documents, word tokens, terms (count, documents holding the
//! term, largest count in one document, and the per-document sums Gries's DP and the
//! document-level test are computed from), theme hits, and each document's words and theme
//! hits (for the document-level tests of themes); the written forms of words and phrases (for
//! labels); the concordance lines of theme hits; and, until
//! [`Counts::finish`], the per-document rows that dispersion needs ([`DocTerms`]).
//!
//! Counts made from different parts of a corpus combine with `Counts::merge`, which is
//! associative and commutative: threads, shards of a corpus, or another engine's executors
//! can each count a part, and the tables do not depend on how the work was split. Parts must
//! hold different texts (copies of a text are found before counting, as the readers do).
//!
//! Dispersion is the one measure that is not a sum: a term's DP in a period depends on the
//! period's and the term's totals, known only once every part is in. So a part carries its
//! per-document rows, and [`Counts::finish`] works the DP sums out from them after merging.

use std::collections::BTreeMap;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::dispersion::DocTerms;
use super::forms::PhraseForms;
use super::kwic::KwicLine;
use super::terms::Labels;
pub(crate) use super::terms::Terms;

/// How often a stem occurs, in how many documents, and at most how often in one document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct TermCount {
    pub(crate) count: u64,
    pub(crate) docs: u64,
    /// The largest count in a single document: `max_doc / count` is the share of the term's
    /// occurrences that one document supplies.
    pub(crate) max_doc: u64,
    /// What its documents say of it ([`Counts::finish`] works it out; none until then, and
    /// for counts that carry no per-document rows, which then have no DP).
    pub(crate) spread: MaybeSpread,
}

impl TermCount {
    #[cfg(any(test, feature = "cluster"))]
    /// Adds the same term's counts from other documents. Dispersion sums do not add (they
    /// depend on the totals), so the result has none.
    pub(super) fn add(&mut self, other: &TermCount) {
        self.count += other.count;
        self.docs += other.docs;
        self.max_doc = self.max_doc.max(other.max_doc);
        self.spread = MaybeSpread::NONE;
    }
}

/// A theme's hits, documents with a hit, which words made the hits through which pattern,
/// and how often each of its excluded patterns occurred.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct ThemeCount {
    pub(crate) hits: u64,
    pub(crate) docs: u64,
    /// Per pattern of the theme (lexicon order): matched text (the surface words, joined by
    /// a space or by the hyphen that joined them) -> hits.
    pub(crate) words: Vec<FxHashMap<String, u64>>,
    /// Per excluded pattern of the theme (lexicon order): its occurrences.
    pub(crate) excluded: Vec<u64>,
}

impl ThemeCount {
    /// No hits yet, with a place for each of `patterns` patterns and `exclusions` excluded
    /// patterns (so counts of the same theme compare equal however they were split).
    pub(crate) fn new(patterns: usize, exclusions: usize) -> ThemeCount {
        ThemeCount {
            words: vec![FxHashMap::default(); patterns],
            excluded: vec![0; exclusions],
            ..ThemeCount::default()
        }
    }

    fn add(&mut self, other: &ThemeCount) {
        self.hits += other.hits;
        self.docs += other.docs;
        if self.words.len() < other.words.len() {
            self.words
                .resize_with(other.words.len(), FxHashMap::default);
        }
        for (mine, theirs) in self.words.iter_mut().zip(&other.words) {
            for (w, c) in theirs {
                *mine.entry(w.clone()).or_default() += c;
            }
        }
        if self.excluded.len() < other.excluded.len() {
            self.excluded.resize(other.excluded.len(), 0);
        }
        for (mine, theirs) in self.excluded.iter_mut().zip(&other.excluded) {
            *mine += theirs;
        }
    }

    #[cfg(test)]
    /// Hits by matched text, whatever the pattern.
    pub(crate) fn by_word(&self) -> FxHashMap<&str, u64> {
        let mut words: FxHashMap<&str, u64> = FxHashMap::default();
        for (w, c) in self.words.iter().flatten() {
            *words.entry(w).or_default() += c;
        }
        words
    }
}

/// Adds `from`'s themes into `into`, theme by theme (lexicon order).
fn add_themes(into: &mut Vec<ThemeCount>, from: &[ThemeCount]) {
    if into.len() < from.len() {
        into.resize_with(from.len(), ThemeCount::default);
    }
    for (mine, theirs) in into.iter_mut().zip(from) {
        mine.add(theirs);
    }
}

/// One document's word tokens and its hits of each theme it has hits of: a row of the
/// document-level tests of themes (Welch's t-test, the bootstrap over documents).
#[derive(
    Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub(crate) struct ThemeDoc {
    pub(crate) tokens: u64,
    /// (theme index in lexicon order, hits), by theme.
    pub(crate) hits: Box<[(u32, u64)]>,
}

#[cfg(any(test, feature = "cluster"))]
/// Both lists of rows in one, sorted: rows say nothing of which document they came from, so
/// sorting makes the list the same however the documents were split between counters.
pub(crate) fn merge_theme_docs(mut a: Vec<ThemeDoc>, b: Vec<ThemeDoc>) -> Vec<ThemeDoc> {
    if a.is_empty() {
        return b;
    }
    a.extend(b);
    // Two sorted runs: the stable sort finds them and merges them in one pass.
    a.sort();
    a
}

/// Counts for one period.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct PeriodCounts {
    /// Documents.
    pub(crate) docs: u64,
    /// Word tokens, stopwords included: the corpus size used for every rate.
    pub(crate) tokens: u64,
    /// Non-stopword terms by stem (phrases by their stems, space-separated).
    pub(crate) terms: Terms,
    /// One entry per lexicon theme, in lexicon order.
    pub(crate) themes: Vec<ThemeCount>,
    /// Fewest word tokens in one document of the period (for DPnorm).
    pub(crate) min_doc_tokens: Option<u64>,
    /// Every document's words and theme hits, sorted (empty when the lexicon has no themes).
    pub(crate) theme_docs: Vec<ThemeDoc>,
}

impl PeriodCounts {
    /// Adds the plain sums of other documents of the period: their number, their words, the
    /// fewest words in one of them, and their theme hits. What merging counts and gathering
    /// the counters' tallies share.
    pub(crate) fn add_sums(
        &mut self,
        docs: u64,
        tokens: u64,
        min_doc_tokens: Option<u64>,
        themes: &[ThemeCount],
    ) {
        self.docs += docs;
        self.tokens += tokens;
        self.min_doc_tokens = match (self.min_doc_tokens, min_doc_tokens) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        add_themes(&mut self.themes, themes);
    }

    #[cfg(any(test, feature = "cluster"))]
    /// Adds the period's counts from other documents.
    fn merge(&mut self, other: PeriodCounts) {
        self.add_sums(
            other.docs,
            other.tokens,
            other.min_doc_tokens,
            &other.themes,
        );
        self.theme_docs = merge_theme_docs(std::mem::take(&mut self.theme_docs), other.theme_docs);
        self.terms = std::mem::take(&mut self.terms).merge(other.terms);
    }

    /// A period of one document of `tokens` words holding `terms` (term, count): for tests
    /// of the tables made from counts.
    #[cfg(test)]
    pub(crate) fn of_one_document(tokens: u64, terms: &[(&str, u64)]) -> PeriodCounts {
        let mut c = PeriodCounts {
            docs: 1,
            tokens,
            ..Default::default()
        };
        for &(t, n) in terms {
            c.terms.insert(
                t,
                TermCount {
                    count: n,
                    docs: 1,
                    ..Default::default()
                },
            );
        }
        c
    }
}

/// What a term's documents in a period say of it, worked out once the period is counted
/// ([`Counts::finish`]): its Gries's DP ([`gries_dp`]), and the sums of its per-document rates
/// `r_i = v_i/n_i` and their squares, from which the document-level test follows
/// ([`crate::measure::by_document::welch`]). One is kept for every term and period, so it
/// holds the DP itself rather than the sums it comes from (16 bytes fewer for each).
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Spread {
    /// Gries's DP, `NaN` when it cannot be worked out (no tokens, or no occurrence).
    pub(crate) dp: f64,
    /// Σ r_i and Σ r_i² (added as fixed-point integers, so they do not depend on the order
    /// the documents were visited in: see [`Spread::rate_sums`]).
    pub(crate) rate_sum: f64,
    pub(crate) rate_sq_sum: f64,
}

impl Eq for Spread {}

/// A [`Spread`] or none, in a `Spread`'s room (an `Option` would add 8 bytes to every term of
/// every period): none is rate sums that are not numbers, which a spread's never are (they
/// are sums of fixed-point integers, [`Spread::rate_sums`]).
#[derive(Clone, Copy, serde::Serialize, serde::Deserialize)]
pub(crate) struct MaybeSpread(Spread);

impl MaybeSpread {
    pub(crate) const NONE: MaybeSpread = MaybeSpread(Spread {
        dp: f64::NAN,
        rate_sum: f64::NAN,
        rate_sq_sum: f64::NAN,
    });

    pub(crate) fn some(spread: Spread) -> MaybeSpread {
        debug_assert!(!spread.rate_sum.is_nan());
        MaybeSpread(spread)
    }

    pub(crate) fn get(&self) -> Option<Spread> {
        (!self.0.rate_sum.is_nan()).then_some(self.0)
    }
}

impl Default for MaybeSpread {
    fn default() -> Self {
        MaybeSpread::NONE
    }
}

impl PartialEq for MaybeSpread {
    fn eq(&self, other: &MaybeSpread) -> bool {
        self.get() == other.get()
    }
}

impl Eq for MaybeSpread {}

impl std::fmt::Debug for MaybeSpread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

/// Fractional bits of the fixed-point rates [`Spread::rate_sums`] adds: a rate of one in ten
/// million words (squared, 10⁻¹⁴) still keeps 15 significant digits, and the sums of up to
/// 2³² documents fit in 128 bits.
const RATE_BITS: i32 = 96;

impl Spread {
    /// The spread of a term seen `f` times in a period of `tokens` word tokens, from the
    /// integer sums over the documents that hold it ([`gries_dp`]).
    pub(crate) fn new(f: u64, tokens: u64, tokens_with: u64, excess: u128) -> Spread {
        Spread {
            dp: gries_dp(f, tokens, tokens_with, excess).unwrap_or(f64::NAN),
            ..Spread::default()
        }
    }

    /// The DP, when there is one.
    pub(crate) fn dp(&self) -> Option<f64> {
        (!self.dp.is_nan()).then_some(self.dp)
    }

    /// `r = v/n` and `r²` as fixed-point integers, for sums that are exact whatever the order
    /// of the documents (floating-point sums would change with the split between threads).
    pub(crate) fn rate_parts(v: u64, n: u64) -> (u128, u128) {
        if n == 0 {
            return (0, 0);
        }
        let r = v as f64 / n as f64;
        let scale = 2f64.powi(RATE_BITS);
        ((r * scale) as u128, (r * r * scale) as u128)
    }

    /// Sets Σ r_i and Σ r_i² from the sums of [`Spread::rate_parts`].
    pub(crate) fn rate_sums(mut self, sum: u128, sum_sq: u128) -> Spread {
        let scale = 2f64.powi(RATE_BITS);
        self.rate_sum = sum as f64 / scale;
        self.rate_sq_sum = sum_sq as f64 / scale;
        self
    }
}

/// Gries's DP (deviation of proportions) of a term in a period:
///
/// `DP = ½ Σ_i |v_i/f − s_i|` over the period's documents `i`, where `v_i` is the term's count
/// in document `i`, `f = Σ v_i`, and `s_i = n_i/T` is the document's share of the period's
/// `T` word tokens. 0 when the term is spread exactly like the text; near 1 when it sits in
/// one small document ([`crate::measure::stats::dp_norm`] scales it to 0–1).
///
/// Only documents containing the term are visited: with `S = Σ n_i` (`tokens_with`) and
/// `E = Σ max(0, n_i·f − v_i·T)` (`excess`) over them, `DP = (T − S)/T + E/(T·f)` (documents
/// without the term contribute `s_i` each, and `|x − y| = (x − y) + 2·max(0, y − x)`). `None`
/// when `f` or `T` is 0.
///
/// References: S. Th. Gries (2008), "Dispersions and adjusted frequencies in corpora",
/// International Journal of Corpus Linguistics 13(4); J. Lijffijt and S. Th. Gries (2012),
/// "Correction to Stefan Th. Gries, 'Dispersions and adjusted frequencies in corpora'",
/// IJCL 17(1).
pub(crate) fn gries_dp(f: u64, tokens: u64, tokens_with: u64, excess: u128) -> Option<f64> {
    if f == 0 || tokens == 0 {
        return None;
    }
    let t = tokens as f64;
    let outside = tokens.saturating_sub(tokens_with.min(tokens)) as f64 / t;
    Some((outside + excess as f64 / (t * f as f64)).clamp(0.0, 1.0))
}

/// Counts of a corpus (or of a part of one), by period label (labels sort in time order).
#[derive(Debug, Default)]
pub(crate) struct Counts {
    /// Each period's counts, by label.
    pub(crate) periods: BTreeMap<String, PeriodCounts>,
    /// Concordance lines of theme hits: a deterministic sample of at most `--kwic-max` per
    /// period and theme once [`Counts::kwic_sample`] is applied.
    pub(crate) kwic: Vec<KwicLine>,
    /// Non-stopword words of the counted documents as written (with their case), all periods
    /// together: for labelling each stem with its most frequent written form.
    pub(crate) words: FxHashMap<String, u64>,
    /// Each phrase's kept written forms (see [`super::forms`]): for its label, while the
    /// counts are a part of a corpus, to be merged with others.
    pub(crate) phrase_forms: FxHashMap<Arc<str>, PhraseForms>,
    /// Each phrase's label, once its forms are all in (a whole corpus's counts: the forms
    /// are then let go as each phrase's label is decided, and `phrase_forms` is empty), by
    /// id in the periods' table of terms.
    pub(crate) phrase_labels: Labels,
    /// Per document, its size and its terms' counts: what [`Counts::finish`] works the DP
    /// sums out from. Empty once finished.
    pub(crate) doc_terms: DocTerms,
}

impl PartialEq for Counts {
    /// Equal when everything measured is (the per-document rows are a means, not a result).
    fn eq(&self, other: &Counts) -> bool {
        self.periods == other.periods
            && self.kwic == other.kwic
            && self.words == other.words
            && self.phrase_forms == other.phrase_forms
            && self.phrase_labels == other.phrase_labels
    }
}

impl Counts {
    #[cfg(any(test, feature = "cluster"))]
    /// The counts of both parts: sums of sums, the larger of the largest counts, the
    /// per-document rows of both. Associative and commutative (in what it measures), so
    /// parts may be merged in any grouping and order; dispersion is worked out afterwards,
    /// by [`Counts::finish`].
    pub(crate) fn merge(mut self, other: Counts) -> Counts {
        for (label, theirs) in other.periods {
            match self.periods.entry(label) {
                std::collections::btree_map::Entry::Vacant(v) => {
                    v.insert(theirs);
                }
                std::collections::btree_map::Entry::Occupied(mut o) => o.get_mut().merge(theirs),
            }
        }
        for (w, c) in other.words {
            *self.words.entry(w).or_default() += c;
        }
        for (p, forms) in other.phrase_forms {
            self.phrase_forms.entry(p).or_default().merge(forms);
        }
        self.phrase_labels = std::mem::take(&mut self.phrase_labels).merge(other.phrase_labels);
        self.kwic.extend(other.kwic);
        self.doc_terms = std::mem::take(&mut self.doc_terms).merge(other.doc_terms);
        self.share_terms();
        self
    }

    /// The table of terms the periods share, or the union of their tables when they do not
    /// share one (made apart, by a test): labels are then found by text.
    pub(crate) fn term_table(&self) -> Arc<super::TermTable> {
        let mut tables = self.periods.values().map(|p| p.terms.table());
        match tables.next() {
            None => Arc::default(),
            Some(first) if tables.all(|t| super::terms::same(t, first)) => first.clone(),
            Some(_) => Arc::new(super::TermTable::of(
                (self.periods.values()).flat_map(|p| p.terms.iter().map(|(t, _)| t)),
            )),
        }
    }

    /// The number of different terms the periods hold (the table of terms may hold more:
    /// every word the counters met, stopwords too).
    pub(crate) fn distinct_terms(&self) -> usize {
        let table = self.term_table();
        let mut seen = vec![false; table.len()];
        for terms in self.periods.values().map(|p| &p.terms) {
            if super::terms::same(terms.table(), &table) {
                terms.term_ids().for_each(|id| seen[id as usize] = true);
            } else {
                for (t, _) in terms.iter() {
                    seen[table.find(t).expect("the union of the tables") as usize] = true;
                }
            }
        }
        seen.into_iter().filter(|&s| s).count()
    }

    #[cfg(any(test, feature = "cluster"))]
    /// Puts every period's terms, the per-document rows and the phrases' labels on one
    /// table of terms, when they are not already (counts made apart and merged, or
    /// assembled from parts); the counts are the same.
    pub(crate) fn share_terms(&mut self) {
        let table = super::terms::share(self.periods.values_mut().map(|p| &mut p.terms));
        self.doc_terms.rename(&table);
        self.phrase_labels.rename(&table);
    }

    /// Lets go of the written forms, once the terms are labelled: they serve nothing else.
    pub(crate) fn forget_forms(&mut self) {
        self.words = FxHashMap::default();
        self.phrase_forms = FxHashMap::default();
        self.phrase_labels = Labels::default();
    }

    #[cfg(any(test, feature = "cluster"))]
    /// Leaves out the phrases seen fewer than `min_count` times in all periods together
    /// (single words are all kept): a rare phrase says little and costs a row per period.
    /// Apply it to the whole corpus's counts (a phrase rare in each part may not be rare in
    /// all), before [`Counts::finish`].
    pub(crate) fn prune_phrases(&mut self, min_count: u64) {
        let mut totals: FxHashMap<&str, u64> = FxHashMap::default();
        for p in self.periods.values() {
            for (t, c) in p.terms.iter().filter(|(t, _)| t.contains(' ')) {
                *totals.entry(t).or_default() += c.count;
            }
        }
        let rare: rustc_hash::FxHashSet<String> = totals
            .into_iter()
            .filter(|&(_, n)| n < min_count)
            .map(|(t, _)| t.to_string())
            .collect();
        if rare.is_empty() {
            return;
        }
        for p in self.periods.values_mut() {
            p.terms.retain(|t| !rare.contains(t));
        }
        self.phrase_forms.retain(|t, _| !rare.contains(&**t));
    }

    /// Works out every term's dispersion sums from the per-document rows, which it then
    /// lets go: the counts are final. Fails only when rows kept in a temporary file cannot be
    /// read back.
    pub(crate) fn finish(mut self) -> std::io::Result<Counts> {
        let doc_terms = std::mem::take(&mut self.doc_terms);
        doc_terms.resolve_spreads(&mut self.periods)?;
        Ok(self)
    }

    /// Keeps, for each period and theme, the `max` concordance lines with the smallest sample
    /// keys (all of them when `max` is 0), sorted by theme, period, document and position.
    /// The sample does not depend on how documents were split between threads or parts.
    pub(crate) fn kwic_sample(&mut self, max: usize) {
        super::kwic::sample(&mut self.kwic, max);
    }
}
