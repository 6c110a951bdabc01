//! Counting: documents become counts, in parallel. Each worker thread keeps one [`Counter`]
//! for the whole run: it interns each distinct word once (with its stem, stopword flag and
//! theme-pattern candidates), counts a document's tokens by id, and logs each document's
//! terms (`log.rs`). When every document is counted, [`resolve`] merges the counters'
//! [`Tally`]s into the corpus's [`Counts`] with integer sums only, so the totals do not
//! depend on the number of threads or on which thread read which document.
//!
//! Only counts are kept, never text: memory grows with the vocabulary, not with the corpus.

mod log;
mod resolve;

pub use resolve::resolve;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rustc_hash::FxHashMap;

use std::hash::{Hash, Hasher};

use crate::lexicon::{Matcher, PatternRef};
use crate::tokenise::{Span, Tokeniser};
use log::{LoggedDoc, PeriodLog, SpillFile, TermId};

/// How often a stem occurs, in how many documents, and at most how often in one document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TermCount {
    pub count: u64,
    pub docs: u64,
    /// The largest count in a single document: `max_doc / count` is the share of the term's
    /// occurrences that one document supplies.
    pub max_doc: u64,
    /// The sums Gries's DP is computed from ([`resolve`] works them out; `None` for counts
    /// made some other way, which then have no DP).
    pub spread: Option<Spread>,
}

/// A theme's hits, documents with a hit, and which words made the hits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThemeCount {
    pub hits: u64,
    pub docs: u64,
    /// Matched text (the surface words, space-separated) -> hits.
    pub words: FxHashMap<String, u64>,
}

/// Counts for one period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeriodCounts {
    /// Documents.
    pub docs: u64,
    /// Word tokens, stopwords included: the corpus size used for every rate.
    pub tokens: u64,
    /// Non-stopword terms by stem (phrases by their stems, space-separated).
    pub terms: Terms,
    /// One entry per lexicon theme, in lexicon order.
    pub themes: Vec<ThemeCount>,
    /// Fewest word tokens in one document of the period (for DPnorm).
    pub min_doc_tokens: Option<u64>,
}

#[cfg(test)]
impl PeriodCounts {
    /// A period of one document of `tokens` words holding `terms` (term, count): for tests
    /// of the tables made from counts.
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

/// Integer sums from which a term's DP in a period follows exactly
/// ([`crate::measure::stats::gries_dp`]): with `T` the period's tokens, `f` the term's count,
/// and `n_i`, `v_i` the tokens of document `i` and the term's count in it, summed over the
/// documents that contain the term. Kept in 64-bit words (one is kept for every term and
/// period; a 128-bit field would pad each to 16-byte alignment).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Spread {
    /// Σ n_i (at most `T`).
    pub tokens_with: u64,
    /// Σ max(0, n_i·f − v_i·T), as two halves of a 128-bit integer: it can pass 2^64.
    excess: [u64; 2],
}

impl Spread {
    pub fn new(tokens_with: u64, excess: u128) -> Spread {
        Spread {
            tokens_with,
            excess: [(excess >> 64) as u64, excess as u64],
        }
    }

    /// Σ max(0, n_i·f − v_i·T).
    pub fn excess(&self) -> u128 {
        ((self.excess[0] as u128) << 64) | self.excess[1] as u128
    }
}

/// A period's terms with their counts, sorted by term; each term's text is shared by the
/// periods that hold it. (A sorted list: a hash map's free slots and a string per period
/// would double the memory of the corpus's largest structure after the documents.)
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Terms(Vec<(Arc<str>, TermCount)>);

impl Terms {
    pub fn get(&self, term: &str) -> Option<&TermCount> {
        self.0
            .binary_search_by(|(t, _)| (**t).cmp(term))
            .ok()
            .map(|i| &self.0[i].1)
    }

    pub fn contains_key(&self, term: &str) -> bool {
        self.get(term).is_some()
    }

    /// Adds or replaces `term`'s counts.
    pub fn insert(&mut self, term: impl Into<Arc<str>>, count: TermCount) {
        let term = term.into();
        match self.0.binary_search_by(|(t, _)| t.cmp(&term)) {
            Ok(i) => self.0[i].1 = count,
            Err(i) => self.0.insert(i, (term, count)),
        }
    }

    /// The `i`th term in term order, and its counts.
    pub fn at(&self, i: usize) -> (&str, &TermCount) {
        let (t, c) = &self.0[i];
        (t, c)
    }

    /// (term, counts) in term order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &TermCount)> {
        self.0.iter().map(|(t, c)| (&**t, c))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(t, _)| &**t)
    }

    pub fn values(&self) -> impl Iterator<Item = &TermCount> {
        self.0.iter().map(|(_, c)| c)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::ops::Index<&str> for Terms {
    type Output = TermCount;

    fn index(&self, term: &str) -> &TermCount {
        self.get(term).unwrap_or_else(|| panic!("no term '{term}'"))
    }
}

impl FromIterator<(Arc<str>, TermCount)> for Terms {
    /// Terms in any order, each once.
    fn from_iter<I: IntoIterator<Item = (Arc<str>, TermCount)>>(items: I) -> Terms {
        let mut terms: Vec<(Arc<str>, TermCount)> = items.into_iter().collect();
        terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        Terms(terms)
    }
}

impl<'a> IntoIterator for &'a Terms {
    type Item = (&'a str, &'a TermCount);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (Arc<str>, TermCount)>,
        fn(&'a (Arc<str>, TermCount)) -> (&'a str, &'a TermCount),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(t, c)| (&**t, c))
    }
}

/// Counts of a whole corpus, by period label (labels sort in time order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub periods: BTreeMap<String, PeriodCounts>,
    /// Concordance lines of theme hits: a deterministic sample of at most
    /// [`CountOptions::kwic_max`] per period and theme once [`Counts::kwic_sample`] is applied.
    pub kwic: Vec<KwicLine>,
    /// Non-stopword surface words of the counted documents, all periods together: for
    /// labelling each stem with its most frequent written form.
    pub words: FxHashMap<String, u64>,
    /// For the periods [`resolve`] was asked about: each term's first documents (at most
    /// [`FIRST_DOCS`]), as places in reading order ([`Counter::set_document`]), ascending. The
    /// report's concordance lines are the first lines of a term, so they are in these.
    pub first_docs: BTreeMap<String, FxHashMap<String, Vec<u64>>>,
}

/// Documents remembered per term in [`Counts::first_docs`].
pub const FIRST_DOCS: usize = 3;

impl Counts {
    /// Keeps, for each period and theme, the `max` concordance lines with the smallest sample
    /// keys (all of them when `max` is 0), sorted by period, theme, document and position.
    /// The sample does not depend on how documents were split between threads.
    pub fn kwic_sample(&mut self, max: usize) {
        self.kwic.sort_by(|a, b| {
            (&a.period, a.theme, a.key, &a.doc, a.start)
                .cmp(&(&b.period, b.theme, b.key, &b.doc, b.start))
        });
        if max > 0 {
            let mut keep = Vec::with_capacity(self.kwic.len());
            let mut kept = 0;
            let mut before: Option<&KwicLine> = None;
            for l in &self.kwic {
                if before.is_none_or(|b| b.period != l.period || b.theme != l.theme) {
                    kept = 0;
                }
                kept += 1;
                keep.push(kept <= max);
                before = Some(l);
            }
            let mut flags = keep.into_iter();
            self.kwic.retain(|_| flags.next().unwrap_or(false));
        }
        self.kwic.sort_by(|a, b| {
            (a.theme, &a.period, &a.doc, a.start).cmp(&(b.theme, &b.period, &b.doc, b.start))
        });
    }
}

/// Word tokens and distinct words of one document, for documents.csv.
#[derive(Debug, Clone, Copy, Default)]
pub struct DocSize {
    pub tokens: u64,
    pub types: u64,
}

/// One theme hit in its context: the concordance (KWIC) line of `kwic.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KwicLine {
    /// The document's name (path relative to the input).
    pub doc: String,
    pub period: String,
    pub theme: usize,
    pub pattern: usize,
    /// Word position of the hit in the document.
    pub start: usize,
    pub left: String,
    pub matched: String,
    pub right: String,
    /// Sample key: a fixed hash of (document, position), so the sample kept when there are
    /// more lines than `--kwic-max` is the same on every run and thread count.
    pub key: u64,
}

/// What to count beyond single words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountOptions {
    /// Longest phrase counted as a term (1 = words only, 2 = bigrams, 3 = trigrams).
    pub max_n: usize,
    /// Words of context each side of a concordance line.
    pub kwic_window: usize,
    /// Concordance lines kept per period and theme (0 = all).
    pub kwic_max: usize,
}

impl Default for CountOptions {
    fn default() -> Self {
        CountOptions {
            max_n: 2,
            kwic_window: 8,
            kwic_max: 200,
        }
    }
}

/// Tokenises and counts one document on its own, matching themes on the way. A
/// [`Counter`] does the same for many documents at a fraction of the cost per document.
pub fn count_document(
    text: &str,
    tokeniser: &Tokeniser,
    matcher: &Matcher,
) -> (PeriodCounts, DocSize) {
    let mut counter = Counter::new(tokeniser, matcher, CountOptions::default());
    let size = counter.add("doc", Some(""), text);
    let counts = resolve(
        vec![counter.finish()],
        0,
        |_| Vec::new(),
        &FxHashMap::default(),
    )
    .expect("a log this small stays in memory")
    .periods
    .remove("")
    .unwrap_or_default();
    (counts, size)
}

/// What a [`Counter`] knows about a word it has seen, worked out once.
struct Word {
    text: Box<str>,
    /// Index into [`Counter::stems`].
    stem: u32,
    stopword: bool,
    /// Theme patterns that can start at this word.
    starts: Box<[PatternRef]>,
    /// The last document (by [`Counter::doc`]) that contained the word.
    seen_in: u32,
    /// Occurrences in counted (dated) documents.
    count: u64,
}

/// Longest phrase a [`Counter`] can count.
pub const MAX_N: usize = 3;

/// A phrase as stem ids, unused places `u32::MAX`.
type Gram = [u32; MAX_N];

/// One period of a counter: plain sums, the themes' counts, and the per-document log the
/// terms' counts are resolved from.
#[derive(Debug, Default)]
struct PeriodTally {
    docs: u64,
    tokens: u64,
    themes: Vec<ThemeCount>,
    min_doc_tokens: Option<u64>,
    log: PeriodLog,
}

/// What one [`Counter`] found, in its own ids, ready for [`resolve`]: its stems and phrases,
/// its periods, its concordance lines and its surface words.
#[derive(Debug, Default)]
pub struct Tally {
    stems: Vec<Box<str>>,
    grams: Vec<Gram>,
    periods: BTreeMap<String, PeriodTally>,
    kwic: Vec<KwicLine>,
    words: Vec<(Box<str>, u64)>,
}

/// The concordance lines the counters found, sampled as [`Counts::kwic_sample`] does, for a
/// pass that wants only them: the counts are not resolved.
pub fn kwic_lines(tallies: Vec<Tally>, max: usize) -> Vec<KwicLine> {
    let mut lines = Counts {
        kwic: tallies.into_iter().flat_map(|t| t.kwic).collect(),
        ..Counts::default()
    };
    lines.kwic_sample(max);
    lines.kwic
}

/// What a pass that only wants a few concordance lines per theme is waiting for: `want`
/// lines of each theme from its own period. Counters that [`Counter::watch`] it add their
/// lines as they find them; the reader checks [`Watch::done`] between batches of documents.
#[derive(Debug)]
pub struct Watch {
    /// Per theme, the period whose lines count.
    periods: Vec<String>,
    found: Vec<AtomicUsize>,
    want: usize,
}

impl Watch {
    pub fn new(periods: Vec<String>, want: usize) -> Watch {
        Watch {
            found: periods.iter().map(|_| AtomicUsize::new(0)).collect(),
            periods,
            want,
        }
    }

    /// Every theme has its lines.
    pub fn done(&self) -> bool {
        self.found
            .iter()
            .all(|f| f.load(Ordering::Relaxed) >= self.want)
    }
}

/// A word of at most 16 bytes as one integer: its bytes, then zeros. Words hold no NUL
/// (the tokeniser splits at it), so two words pack alike only when they are equal.
fn pack(w: &str) -> Option<u128> {
    let b = w.as_bytes();
    if b.len() > 16 {
        return None;
    }
    let mut key = [0u8; 16];
    key[..b.len()].copy_from_slice(b);
    Some(u128::from_le_bytes(key))
}

/// Counts many documents on one thread. Each distinct word is interned once, with its stem,
/// stopword flag and theme-pattern candidates, so a token costs one hash look-up of a
/// borrowed string and no allocation; a document's terms are counted by id beside each stem
/// and phrase and written to its period's log once, when the document ends. Give each thread
/// its own counter and [`resolve`] the [`Tally`]s they finish with.
///
/// Phrases (n-grams up to [`CountOptions::max_n`]) are counted as terms of their own, by the
/// stems of their words: they do not cross a phrase break ([`crate::tokenise::Span`]) and
/// neither start nor end with a stopword (`clinical commissioning`, `primary care trusts`,
/// `quality and innovation`, but not `of the` or `the centre`).
pub struct Counter<'a> {
    tokeniser: &'a Tokeniser,
    matcher: &'a Matcher<'a>,
    options: CountOptions,
    /// Word ids of words up to 16 bytes long, keyed by their bytes packed into an integer
    /// ([`pack`]): most tokens, looked up without a string comparison.
    short_ids: FxHashMap<u128, u32>,
    /// Word ids of longer words.
    ids: FxHashMap<Box<str>, u32>,
    words: Vec<Word>,
    stem_ids: FxHashMap<Box<str>, u32>,
    stems: Vec<Box<str>>,
    /// Per stem: the last document that contained it and its count there.
    stem_docs: Vec<(u32, u64)>,
    gram_ids: FxHashMap<Gram, u32>,
    grams: Vec<Gram>,
    /// Per phrase: the last document that contained it and its count there.
    gram_docs: Vec<(u32, u64)>,
    /// Stems and phrases seen in the current document.
    touched: Vec<u32>,
    touched_grams: Vec<u32>,
    period_ids: FxHashMap<Box<str>, usize>,
    periods: Vec<(String, PeriodTally)>,
    kwic: Vec<KwicLine>,
    /// Lines kept by the last trim of `kwic`.
    kwic_trimmed: usize,
    /// The sample keys of the lines that could still be in the sample, per period and theme.
    kwic_keys: SampleGate,
    /// Documents added so far (the current document's number, from 1).
    doc: u32,
    /// Words of the current document in the parts added before this one.
    offset: usize,
    /// Each theme, the last document (by `doc`) that had a hit of it.
    theme_seen: Vec<u32>,
    /// The period (index into `periods`) of the document being counted, while it is open
    /// (see `close_doc`).
    open: Option<usize>,
    /// Word tokens of the open document so far.
    doc_tokens: u64,
    tokens: Vec<u32>,
    spans: Vec<Span>,
    /// Where this counter's per-document logs go as they grow (see `log.rs`).
    spill: Arc<SpillFile>,
    watch: Option<Arc<Watch>>,
    /// The next document's place in reading order, when set by [`Counter::set_order`].
    order: Option<u64>,
    /// The open document's place in reading order, for its period's log.
    place: u64,
    /// The place of the next document added ([`Counter::set_document`]).
    next_place: u64,
    /// The open document's text seed, and the next one's ([`Counter::set_document`]).
    seed: u64,
    next_seed: u64,
}

impl<'a> Counter<'a> {
    pub fn new(tokeniser: &'a Tokeniser, matcher: &'a Matcher<'a>, options: CountOptions) -> Self {
        Counter {
            tokeniser,
            matcher,
            options: CountOptions {
                max_n: options.max_n.clamp(1, MAX_N),
                ..options
            },
            short_ids: FxHashMap::default(),
            ids: FxHashMap::default(),
            words: Vec::new(),
            stem_ids: FxHashMap::default(),
            stems: Vec::new(),
            stem_docs: Vec::new(),
            gram_ids: FxHashMap::default(),
            grams: Vec::new(),
            gram_docs: Vec::new(),
            touched: Vec::new(),
            touched_grams: Vec::new(),
            period_ids: FxHashMap::default(),
            periods: Vec::new(),
            kwic: Vec::new(),
            kwic_trimmed: 0,
            kwic_keys: SampleGate::default(),
            doc: 0,
            offset: 0,
            theme_seen: Vec::new(),
            open: None,
            doc_tokens: 0,
            tokens: Vec::new(),
            spans: Vec::new(),
            spill: Arc::default(),
            watch: None,
            order: None,
            place: 0,
            next_place: 0,
            seed: 0,
            next_seed: 0,
        }
    }

    /// Reports concordance lines to `watch` as they are found.
    pub fn watch(&mut self, watch: Arc<Watch>) {
        self.watch = Some(watch);
    }

    /// Gives the next document added its place in reading order: its concordance lines are
    /// then sampled in that order (the first lines of the corpus), not by hash, so a pass that
    /// stops early when it has enough lines keeps the same lines as one that reads everything.
    pub fn set_order(&mut self, place: u64) {
        self.order = Some(place);
    }

    /// Gives the next document added its place in reading order, for its period's log (from
    /// which [`Counts::first_docs`] are found), and a number standing for its text (the first
    /// bytes of its SHA-256) from which its concordance lines' sample keys are made: copies of
    /// one text get the same keys, whichever copy a thread happened to count.
    pub fn set_document(&mut self, place: u64, text_seed: u64) {
        self.next_place = place;
        self.next_seed = text_seed;
    }

    fn intern(&mut self, w: &str) -> u32 {
        let short = pack(w);
        let known = match short {
            Some(key) => self.short_ids.get(&key),
            None => self.ids.get(w),
        };
        if let Some(&id) = known {
            return id;
        }
        let stem = self.tokeniser.stem(w);
        let stem_id = match self.stem_ids.get(stem.as_ref()) {
            Some(&id) => id,
            None => {
                let id = self.stems.len() as u32;
                self.stem_ids.insert(Box::from(stem.as_ref()), id);
                self.stems.push(Box::from(stem.as_ref()));
                self.stem_docs.push((0, 0));
                id
            }
        };
        let id = self.words.len() as u32;
        self.words.push(Word {
            text: Box::from(w),
            stem: stem_id,
            stopword: self.tokeniser.is_stopword(w),
            starts: self.matcher.starts(w, &stem).into_boxed_slice(),
            seen_in: 0,
            count: 0,
        });
        match short {
            Some(key) => self.short_ids.insert(key, id),
            None => self.ids.insert(Box::from(w), id),
        };
        id
    }

    /// Tokenises `text` and adds it to `period` as one document named `name`. An undated
    /// document (`None`) is only measured: its size is returned, nothing is counted.
    pub fn add(&mut self, name: &str, period: Option<&str>, text: &str) -> DocSize {
        self.add_part(name, period, text, false)
    }

    /// Adds `text` to the document added last, as its next part: a file too large to hold
    /// whole is counted a part at a time, and its counts are those of one document. Parts
    /// are cut at breaks (see [`crate::ingest::stream`]); a phrase does not run across one.
    /// The [`DocSize`] returned is this part's share: the document's is the sum over parts.
    pub fn add_more(&mut self, name: &str, period: Option<&str>, text: &str) -> DocSize {
        self.add_part(name, period, text, true)
    }

    fn add_part(
        &mut self,
        name: &str,
        period: Option<&str>,
        text: &str,
        continued: bool,
    ) -> DocSize {
        if !continued || self.doc == 0 {
            self.close_doc();
            self.doc += 1;
            self.place = self.next_place;
            self.seed = self.next_seed;
            self.offset = 0;
            self.doc_tokens = 0;
            self.touched.clear();
            self.touched_grams.clear();
        }
        let doc = self.doc;
        let mut tokens = std::mem::take(&mut self.tokens);
        let mut spans = std::mem::take(&mut self.spans);
        tokens.clear();
        spans.clear();
        let normalised = self.tokeniser.normalise(text);
        self.tokeniser.split(&normalised, |w, span| {
            tokens.push(self.intern(w));
            spans.push(span);
        });
        // One pass over the tokens: distinct words for the document's size and, in a dated
        // document, each stem's count within it, kept beside the stem until the document
        // ends (no hash update per token).
        let mut types = 0;
        let mut candidates = false;
        {
            let dated = period.is_some();
            let (words, stem_docs, touched) =
                (&mut self.words, &mut self.stem_docs, &mut self.touched);
            for &t in &tokens {
                let word = &mut words[t as usize];
                if word.seen_in != doc {
                    word.seen_in = doc;
                    types += 1;
                }
                candidates |= !word.starts.is_empty();
                if dated && !word.stopword {
                    word.count += 1;
                    let stem = &mut stem_docs[word.stem as usize];
                    if stem.0 != doc {
                        *stem = (doc, 0);
                        touched.push(word.stem);
                    }
                    stem.1 += 1;
                }
            }
        }
        let size = DocSize {
            tokens: tokens.len() as u64,
            types,
        };
        if let Some(period) = period {
            self.tally(
                doc,
                name,
                period,
                &normalised,
                &tokens,
                &spans,
                continued,
                candidates,
            );
        }
        self.offset += tokens.len();
        self.doc_tokens += tokens.len() as u64;
        self.tokens = tokens;
        self.spans = spans;
        size
    }

    /// The index of `period` in `periods`, made when new.
    fn period(&mut self, period: &str) -> usize {
        if let Some(&p) = self.period_ids.get(period) {
            return p;
        }
        let p = self.periods.len();
        self.periods.push((
            period.to_string(),
            PeriodTally {
                log: PeriodLog::new(Some(self.spill.clone())),
                ..PeriodTally::default()
            },
        ));
        self.period_ids.insert(Box::from(period), p);
        p
    }

    /// Counts a dated document's phrases and theme hits into `period`.
    #[allow(clippy::too_many_arguments)]
    fn tally(
        &mut self,
        doc: u32,
        name: &str,
        period: &str,
        text: &str,
        tokens: &[u32],
        spans: &[Span],
        continued: bool,
        candidates: bool,
    ) {
        let p = self.period(period);
        if !continued {
            self.periods[p].1.docs += 1;
            self.open = Some(p);
        }
        self.periods[p].1.tokens += tokens.len() as u64;
        if self.options.max_n >= 2 {
            self.count_phrases(doc, tokens, spans);
        }
        if !candidates {
            return;
        }
        let tally = &mut self.periods[p].1;
        if tally.themes.is_empty() {
            tally.themes = vec![ThemeCount::default(); self.matcher.theme_count()];
        }
        if self.theme_seen.is_empty() {
            self.theme_seen = vec![0; self.matcher.theme_count()];
        }
        let (words, stems, theme_seen) = (&self.words, &self.stems, &mut self.theme_seen);
        let (kwic, gate, trimmed) = (&mut self.kwic, &mut self.kwic_keys, &mut self.kwic_trimmed);
        let (options, offset, watch) = (self.options, self.offset, self.watch.as_deref());
        let order = self.order.ok_or(self.seed);
        // The matched words, as written: one buffer for every hit.
        let mut matched = String::new();
        self.matcher.for_each_hit(
            tokens,
            |t| &words[t as usize].starts,
            |t| &words[t as usize].text,
            |t| &stems[words[t as usize].stem as usize],
            |hit| {
                let theme = &mut tally.themes[hit.theme];
                theme.hits += 1;
                if theme_seen[hit.theme] != doc {
                    theme.docs += 1;
                    theme_seen[hit.theme] = doc;
                }
                matched.clear();
                for (i, &t) in tokens[hit.start..hit.start + hit.len].iter().enumerate() {
                    if i > 0 {
                        matched.push(' ');
                    }
                    matched.push_str(&words[t as usize].text);
                }
                match theme.words.get_mut(matched.as_str()) {
                    Some(n) => *n += 1,
                    None => {
                        theme.words.insert(matched.clone(), 1);
                    }
                }
                if let Some(watch) = watch {
                    if watch.periods.get(hit.theme).is_some_and(|p| p == period) {
                        watch.found[hit.theme].fetch_add(1, Ordering::Relaxed);
                    }
                }
                // A line that cannot be in the sample is not built: a long document repeating
                // a theme's word builds a few lines, not one per hit.
                let position = offset + hit.start;
                let key = sample_key(order, position);
                if !gate.admits((p, hit.theme), (key, name, position), options.kwic_max) {
                    return;
                }
                kwic.push(kwic_line(
                    name,
                    period,
                    text,
                    spans,
                    hit,
                    offset,
                    options.kwic_window,
                    key,
                ));
                // Keep this thread's share of the sample small as it goes: trim when the lines
                // have doubled since the last trim, so trimming costs O(1) per line on average.
                if options.kwic_max > 0 && kwic.len() > 2 * *trimmed + 4096 {
                    let mut part = Counts {
                        kwic: std::mem::take(kwic),
                        ..Counts::default()
                    };
                    part.kwic_sample(options.kwic_max);
                    *kwic = part.kwic;
                    *trimmed = kwic.len();
                }
            },
        );
    }

    /// Counts the phrases of a dated document beside each phrase, as stems are counted.
    fn count_phrases(&mut self, doc: u32, tokens: &[u32], spans: &[Span]) {
        for i in 0..tokens.len() {
            if self.words[tokens[i] as usize].stopword {
                continue;
            }
            let mut gram: Gram = [u32::MAX; MAX_N];
            gram[0] = self.words[tokens[i] as usize].stem;
            for n in 2..=self.options.max_n {
                let j = i + n - 1;
                if j >= tokens.len() || spans[j].after_break {
                    break;
                }
                let word = &self.words[tokens[j] as usize];
                gram[n - 1] = word.stem;
                if word.stopword {
                    continue;
                }
                let id = match self.gram_ids.get(&gram) {
                    Some(&id) => id,
                    None => {
                        let id = self.grams.len() as u32;
                        self.gram_ids.insert(gram, id);
                        self.grams.push(gram);
                        self.gram_docs.push((0, 0));
                        id
                    }
                };
                let seen = &mut self.gram_docs[id as usize];
                if seen.0 != doc {
                    *seen = (doc, 0);
                    self.touched_grams.push(id);
                }
                seen.1 += 1;
            }
        }
    }

    /// Ends the open document: its size and the count of each term it held go to its
    /// period's log.
    fn close_doc(&mut self) {
        let Some(p) = self.open.take() else {
            return;
        };
        let tally = &mut self.periods[p].1;
        let n = self.doc_tokens;
        tally.min_doc_tokens = Some(tally.min_doc_tokens.map_or(n, |m| m.min(n)));
        let terms = self.touched.len() + self.touched_grams.len();
        if terms == 0 {
            return;
        }
        let (stem_docs, gram_docs) = (&self.stem_docs, &self.gram_docs);
        tally.log.push(
            LoggedDoc {
                place: self.place,
                tokens: n,
            },
            terms,
            self.touched
                .iter()
                .map(|&id| (TermId::Stem(id), stem_docs[id as usize].1))
                .chain(
                    self.touched_grams
                        .iter()
                        .map(|&id| (TermId::Phrase(id), gram_docs[id as usize].1)),
                ),
        );
    }

    /// What this counter found, in its own ids, for [`resolve`].
    pub fn finish(mut self) -> Tally {
        self.close_doc();
        let themes = self.matcher.theme_count();
        let mut kwic = Counts {
            kwic: self.kwic,
            ..Counts::default()
        };
        if self.options.kwic_max > 0 {
            kwic.kwic_sample(self.options.kwic_max);
        }
        Tally {
            stems: self.stems,
            grams: self.grams,
            periods: self
                .periods
                .into_iter()
                .map(|(label, mut t)| {
                    if t.themes.is_empty() {
                        t.themes = vec![ThemeCount::default(); themes];
                    }
                    (label, t)
                })
                .collect(),
            kwic: kwic.kwic,
            words: self
                .words
                .into_iter()
                .filter(|w| w.count > 0)
                .map(|w| (w.text, w.count))
                .collect(),
        }
    }
}

/// The most bytes of context a concordance line keeps each side, per word of the window:
/// generous for words and the punctuation between them, and a bound when the text between
/// two words is pages long (a run of numbers or symbols is not words).
const CONTEXT_BYTES_PER_WORD: usize = 40;

/// A line's sample key: the document's place in reading order then the word's, when known
/// (`Ok`; positions past 2^24 share a key; ties fall to document and position), else a hash
/// of the document's text seed and the word's position (`Err(seed)`).
fn sample_key(order: Result<u64, u64>, position: usize) -> u64 {
    match order {
        Ok(place) => (place << 24) | position.min((1 << 24) - 1) as u64,
        Err(seed) => {
            let mut hasher = rustc_hash::FxHasher::default();
            (seed, position).hash(&mut hasher);
            hasher.finish()
        }
    }
}

/// Which lines could still be in a counter's sample: per (period, theme), the
/// [`CountOptions::kwic_max`] smallest (key, document, position) seen, the order
/// [`Counts::kwic_sample`] keeps. A hit ordered after all of them is passed over before its
/// line is built, so the lines built grow with the sample, not with the hits (with keys in
/// reading order, none after the first `kwic_max`; with hashed keys, about
/// `kwic_max · ln(hits / kwic_max)`).
#[derive(Default)]
struct SampleGate {
    kept: FxHashMap<(usize, usize), std::collections::BinaryHeap<SampleEntry>>,
}

/// A line's place in the sample order: key, document, position.
type SampleEntry = (u64, Box<str>, usize);

impl SampleGate {
    /// Whether a line of `group` (period, theme) with `line` (key, document, position) could
    /// be in a sample of `max` lines (0: every line is kept); records it if so.
    fn admits(&mut self, group: (usize, usize), line: (u64, &str, usize), max: usize) -> bool {
        if max == 0 {
            return true;
        }
        let heap = self.kept.entry(group).or_default();
        if heap.len() >= max {
            let last = heap.peek().expect("full");
            if line >= (last.0, &*last.1, last.2) {
                return false;
            }
            heap.pop();
        }
        heap.push((line.0, Box::from(line.1), line.2));
        true
    }
}

/// The concordance line of `hit`: `window` words each side, as written (after
/// normalisation), on one line. Each side, and the match, is read from at most
/// [`CONTEXT_BYTES_PER_WORD`] bytes per word of the window next to the match, and shows `…`
/// where it was cut: the line's size does not depend on what lies between the words.
#[allow(clippy::too_many_arguments)]
fn kwic_line(
    name: &str,
    period: &str,
    text: &str,
    spans: &[Span],
    hit: crate::lexicon::Hit,
    offset: usize,
    window: usize,
    key: u64,
) -> KwicLine {
    let cap = window.max(1) * CONTEXT_BYTES_PER_WORD;
    let end = hit.start + hit.len;
    let left_from = hit.start.saturating_sub(window);
    let right_to = (end + window).min(spans.len());
    let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let (match_start, match_end) = (spans[hit.start].start, spans[end - 1].end);
    let (from, to) = (spans[left_from].start, spans[right_to - 1].end);
    let left_at = floor(text, match_start.saturating_sub(cap)).max(from);
    let mut left = one_line(&text[left_at..match_start]);
    if left_at > from {
        left.insert(0, '…');
    }
    let match_to = floor(text, match_start + cap).min(match_end);
    let mut matched = one_line(&text[match_start..match_to]);
    if match_to < match_end {
        matched.push('…');
    }
    let mut right = String::new();
    if right_to > end {
        let right_to = ceil(text, (match_end + cap).min(text.len())).min(to);
        right = one_line(&text[match_end..right_to]);
        if right_to < to {
            right.push('…');
        }
    }
    KwicLine {
        doc: name.to_string(),
        period: period.to_string(),
        theme: hit.theme,
        pattern: hit.pattern,
        start: offset + hit.start,
        left,
        matched,
        right,
        key,
    }
}

/// The nearest character boundary of `text` at or before `at` (at most its length).
fn floor(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The nearest character boundary of `text` at or after `at` (at most its length).
fn ceil(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::{tests::english, Lexicon};
    use std::path::Path;

    /// A lexicon of one theme, `c`, of these patterns (TOML strings).
    fn lexicon(t: &Tokeniser, patterns: &str) -> Lexicon {
        let toml = format!("[[theme]]\nname = \"c\"\npatterns = [{patterns}]\n");
        Lexicon::parse(&toml, Path::new("t"), t).unwrap()
    }

    fn count(text: &str) -> PeriodCounts {
        let t = english();
        let lex = lexicon(&t, "\"commissioning\", \"commissioner\"");
        count_document(text, &t, &Matcher::new(&lex)).0
    }

    fn resolved(tally: Tally) -> Counts {
        resolve(vec![tally], 0, |_| Vec::new(), &FxHashMap::default()).unwrap()
    }

    #[test]
    fn a_document_added_in_parts_counts_as_one() {
        let t = english();
        let lex = lexicon(&t, "\"clinical commissioning\", \"commissioner\"");
        let m = Matcher::new(&lex);
        let parts = [
            "Clinical commissioning came. The commissioners met.\n",
            "Clinical commissioning again, and again clinical commissioning.\n",
            "Nothing here. Commissioners wrote.",
        ];
        let mut whole = Counter::new(&t, &m, CountOptions::default());
        let size = whole.add("d", Some("p"), &parts.concat());
        let whole = resolved(whole.finish());
        let mut split = Counter::new(&t, &m, CountOptions::default());
        let mut sizes = split.add("d", Some("p"), parts[0]);
        for part in &parts[1..] {
            let s = split.add_more("d", Some("p"), part);
            sizes.tokens += s.tokens;
            sizes.types += s.types;
        }
        // A second document afterwards is a new document again.
        split.add("e", Some("p"), "Commissioners.");
        let mut split = resolved(split.finish());
        let p = &split.periods["p"];
        assert_eq!((p.docs, p.themes[0].hits, p.themes[0].docs), (2, 6, 2));
        assert_eq!(p.terms["commission"].docs, 2);
        assert_eq!(p.terms["clinic commiss"].max_doc, 3);
        assert_eq!((sizes.tokens, sizes.types), (size.tokens, size.types));
        // Without the second document, everything matches the whole-text count.
        let mut again = Counter::new(&t, &m, CountOptions::default());
        again.add("d", Some("p"), parts[0]);
        for part in &parts[1..] {
            again.add_more("d", Some("p"), part);
        }
        let again = resolved(again.finish());
        // (Concordance context stops at a part's edge, so only the counts are compared.)
        assert_eq!(again.periods, whole.periods);
        split.kwic.retain(|l| l.doc == "d");
        let starts: Vec<usize> = split.kwic.iter().map(|l| l.start).collect();
        let expected: Vec<usize> = whole.kwic.iter().map(|l| l.start).collect();
        assert_eq!(starts, expected);
    }

    /// Every line a counter found in one document of `text`, sampled `max` per theme and
    /// period; and how many lines it had built before sampling. With `ordered`, keys follow
    /// reading order, as in the report's pass.
    fn lines_of(text: &str, max: usize, ordered: bool) -> (Vec<KwicLine>, usize) {
        let t = english();
        let lex = lexicon(&t, "\"commissioning\"");
        let m = Matcher::new(&lex);
        let options = CountOptions {
            kwic_max: max,
            ..CountOptions::default()
        };
        let mut counter = Counter::new(&t, &m, options);
        if ordered {
            counter.set_order(7);
        }
        counter.set_document(7, 99);
        counter.add("d", Some("p"), text);
        let built = counter.kwic.len();
        (kwic_lines(vec![counter.finish()], max), built)
    }

    #[test]
    fn a_document_repeating_a_theme_word_builds_only_the_lines_the_sample_can_keep() {
        let text = "Commissioning and commissioning. ".repeat(50_000);
        for ordered in [false, true] {
            let (all, built_all) = lines_of(&text, 0, ordered);
            assert_eq!(built_all, 100_000);
            let (sample, built) = lines_of(&text, 3, ordered);
            // Hashed keys: about 3 (1 + ln(100000 / 3)), some 34, lines are built; keys in
            // reading order: the first three only.
            assert!(built < 100, "{built} lines built");
            if ordered {
                assert_eq!(built, 3);
            }
            // The same three lines as sampling every line.
            let mut reference = Counts {
                kwic: all,
                ..Counts::default()
            };
            reference.kwic_sample(3);
            assert_eq!(sample, reference.kwic);
        }
    }

    #[test]
    fn a_concordance_line_holds_a_bounded_context_whatever_lies_between_the_words() {
        // Numbers are not words: a megabyte of them lies between the words either side.
        let numbers = " 12345".repeat(200_000);
        let text = format!("The start{numbers} commissioning{numbers} the end.");
        let (lines, _) = lines_of(&text, 0, false);
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        let cap = 8 * CONTEXT_BYTES_PER_WORD;
        assert!(
            line.left.len() <= cap + 3 && line.left.starts_with('…'),
            "{}",
            line.left
        );
        assert!(
            line.right.len() <= cap + 3 && line.right.ends_with('…'),
            "{}",
            line.right
        );
        assert_eq!(line.matched, "commissioning");
        // A short context is whole, unmarked.
        let (lines, _) = lines_of("The start 12 commissioning 34 the end.", 0, false);
        assert_eq!(
            (lines[0].left.as_str(), lines[0].right.as_str()),
            ("The start 12", "34 the end")
        );
    }

    #[test]
    fn tokens_include_stopwords_terms_do_not() {
        let c = count("The commissioning of the commissioners: clinical commissioning.");
        assert_eq!(c.tokens, 7);
        // Snowball gives "commissioning" and "commissioners" different stems.
        let commiss = c.terms["commiss"];
        assert_eq!((commiss.count, commiss.docs, commiss.max_doc), (2, 1, 2));
        let commission = c.terms["commission"];
        assert_eq!(
            (commission.count, commission.docs, commission.max_doc),
            (1, 1, 1)
        );
        assert_eq!(c.terms["clinic"].count, 1);
        assert!(!c.terms.contains_key("the"));
        assert_eq!(c.themes[0].hits, 3);
        assert_eq!(c.themes[0].words["commissioning"], 2);
        assert_eq!(c.themes[0].words["commissioners"], 1);
    }

    #[test]
    fn phrases_do_not_cross_punctuation_or_end_in_stopwords_and_rare_ones_are_pruned() {
        let text =
            "Clinical commissioning, of the clinical commissioning groups. Care of the trusts";
        let c = count(text);
        let cc = c.terms["clinic commiss"];
        assert_eq!((cc.count, cc.docs, cc.max_doc), (2, 1, 2));
        assert_eq!(c.terms["commiss group"].count, 1);
        assert!(
            !c.terms.contains_key("commiss clinic"),
            "comma breaks the phrase"
        );
        assert!(
            !c.terms.contains_key("group care"),
            "full stop breaks the phrase"
        );
        assert!(
            !c.terms.contains_key("care of"),
            "no phrase ends in a stopword"
        );
        let t = english();
        let empty = Lexicon::default();
        let m = Matcher::new(&empty);
        let mut counter = Counter::new(&t, &m, CountOptions::default());
        counter.add("d", Some("p"), text);
        let counts = resolve(
            vec![counter.finish()],
            2,
            |_| Vec::new(),
            &FxHashMap::default(),
        )
        .unwrap();
        let terms = &counts.periods["p"].terms;
        assert!(terms.contains_key("clinic commiss") && !terms.contains_key("commiss group"));
        assert!(terms.contains_key("group"), "single words are kept");
    }

    /// Documents of two periods, counted by `threads` counters taking them in turn.
    fn split_between(threads: usize, order: &[usize]) -> Counts {
        let docs = [
            "commissioning clinical. Clinical commissioning groups",
            "clinical care and clinical care",
            "care commissioning trusts, the trusts",
            "Commissioners met clinical commissioning leads",
            "trusts",
        ];
        let t = english();
        let lex = lexicon(&t, "\"commissioning\", \"commissioner\"");
        let m = Matcher::new(&lex);
        let mut counters: Vec<Counter> = (0..threads)
            .map(|_| Counter::new(&t, &m, CountOptions::default()))
            .collect();
        for (k, &i) in order.iter().enumerate() {
            let counter = &mut counters[k % threads];
            counter.set_document(i as u64, i as u64);
            counter.add(&format!("d{i}"), Some(["p0", "p1"][i % 2]), docs[i]);
        }
        let mut counts = resolve(
            counters.into_iter().map(Counter::finish).collect(),
            2,
            |periods| vec![periods[0].0.to_string()],
            &FxHashMap::default(),
        )
        .unwrap();
        counts.kwic_sample(200);
        counts
    }

    #[test]
    fn counts_do_not_depend_on_how_documents_are_split_between_counters() {
        let one = split_between(1, &[0, 1, 2, 3, 4]);
        assert_eq!(one, split_between(2, &[0, 1, 2, 3, 4]));
        assert_eq!(one, split_between(3, &[4, 2, 0, 3, 1]));
        assert_eq!(one, split_between(2, &[3, 1, 4, 0, 2]));
        let p0 = &one.periods["p0"];
        assert_eq!(p0.docs, 3);
        let commiss = p0.terms["commiss"];
        assert_eq!((commiss.count, commiss.docs, commiss.max_doc), (3, 2, 2));
        assert_eq!(p0.themes[0].docs, 2);
        // The phrase is seen twice in all, once in each period: kept at min_count 2.
        assert_eq!(one.periods["p1"].terms["clinic commiss"].count, 1);
        assert_eq!(p0.terms["clinic commiss"].count, 1);
        assert!(!p0.terms.contains_key("commiss group"), "seen once: pruned");
        // Every term carries its dispersion sums.
        assert!(p0.terms.values().all(|c| c.spread.is_some()));
        // The first documents of each term, in reading order, for the period asked about.
        let firsts = &one.first_docs["p0"];
        assert_eq!(firsts["commiss"], [0, 2]);
        assert_eq!(firsts["trust"], [2, 4]);
        assert!(!one.first_docs.contains_key("p1"));
    }
}
