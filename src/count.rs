//! Counting: one document's text becomes [`Counts`] for its period, and counts merge with one
//! associative, commutative operation ([`Counts::merge`]), so rayon can combine documents in
//! any grouping and the totals do not depend on the number of threads.
//!
//! Only counts are kept, never text: memory grows with the vocabulary, not with the corpus.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;

use std::hash::{Hash, Hasher};

use crate::lexicon::{Matcher, PatternRef};
use crate::tokenise::{Span, Tokeniser};

/// How often a stem occurs, in how many documents, and at most how often in one document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TermCount {
    pub count: u64,
    pub docs: u64,
    /// The largest count in a single document: `max_doc / count` is the share of the term's
    /// occurrences that one document supplies.
    pub max_doc: u64,
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
    /// One entry per lexicon theme, in lexicon order.
    pub themes: Vec<ThemeCount>,
    /// Fewest word tokens in one document of the period (for DPnorm).
    pub min_doc_tokens: Option<u64>,
    /// The sums Gries's DP is computed from, by term ([`Counts::resolve_dispersion`]).
    pub dispersion: FxHashMap<String, Spread>,
}

/// Integer sums from which a term's DP in a period follows exactly
/// ([`crate::measure::stats::gries_dp`]): with `T` the period's tokens, `f` the term's count,
/// and `n_i`, `v_i` the tokens of document `i` and the term's count in it, summed over the
/// documents that contain the term.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Spread {
    /// Σ n_i.
    pub tokens_with: u128,
    /// Σ max(0, n_i·f − v_i·T).
    pub excess: u128,
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
            e.max_doc = e.max_doc.max(c.max_doc);
        }
        if self.themes.len() < other.themes.len() {
            self.themes
                .resize_with(other.themes.len(), ThemeCount::default);
        }
        for (mine, theirs) in self.themes.iter_mut().zip(other.themes) {
            mine.hits += theirs.hits;
            mine.docs += theirs.docs;
            add_all(&mut mine.words, theirs.words);
        }
        self.min_doc_tokens = match (self.min_doc_tokens, other.min_doc_tokens) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        for (term, s) in other.dispersion {
            let e = self.dispersion.entry(term).or_default();
            e.tokens_with += s.tokens_with;
            e.excess += s.excess;
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
    /// Concordance lines of theme hits: a deterministic sample of at most
    /// [`CountOptions::kwic_max`] per period and theme once [`Counts::kwic_sample`] is applied.
    pub kwic: Vec<KwicLine>,
    /// Each counter's per-document term counts, until [`Counts::resolve_dispersion`] turns
    /// them into [`PeriodCounts::dispersion`].
    pub logs: Vec<DocTermLog>,
    /// Non-stopword surface words of the counted documents, all periods together: for
    /// labelling each stem with its most frequent written form.
    pub words: FxHashMap<String, u64>,
}

impl Counts {
    /// Adds `other` into `self`.
    pub fn merge(mut self, other: Counts) -> Counts {
        for (period, c) in other.periods {
            self.periods.entry(period).or_default().merge(c);
        }
        self.kwic.extend(other.kwic);
        self.logs.extend(other.logs);
        add_all(&mut self.words, other.words);
        self
    }

    /// Works out every term's [`Spread`] in every period from the counters' per-document
    /// logs, now that each term's total count `f` and each period's size `T` are known, and
    /// drops the logs. Integer sums only, so the result does not depend on how documents were
    /// split between threads. Terms no longer in the tables (pruned phrases) are skipped.
    /// Fails only when a log written to a temporary file cannot be read back.
    pub fn resolve_dispersion(&mut self) -> std::io::Result<()> {
        use rayon::prelude::*;
        let logs = std::mem::take(&mut self.logs);
        let periods = &self.periods;
        let parts: Vec<(String, FxHashMap<String, Spread>)> = logs
            .par_iter()
            .flat_map_iter(|log| {
                log.periods.iter().filter_map(move |(period, docs)| {
                    let counts = periods.get(period)?;
                    Some(log.spreads(docs, counts).map(|s| (period.clone(), s)))
                })
            })
            .collect::<std::io::Result<_>>()?;
        for (period, spreads) in parts {
            let p = self.periods.get_mut(&period).expect("period of a log");
            for (term, s) in spreads {
                let e = p.dispersion.entry(term).or_default();
                e.tokens_with += s.tokens_with;
                e.excess += s.excess;
            }
        }
        Ok(())
    }

    /// Drops phrases (terms of two or more words) seen fewer than `min_count` times in the
    /// whole corpus. Single words are all kept. Most phrases occur once; kept, they would
    /// swamp the term tables (and a spreadsheet's row limit) while keyness ignores them.
    pub fn prune_phrases(&mut self, min_count: u64) {
        let mut totals: FxHashMap<&str, u64> = FxHashMap::default();
        for p in self.periods.values() {
            for (t, c) in &p.terms {
                if t.contains(' ') {
                    *totals.entry(t.as_str()).or_default() += c.count;
                }
            }
        }
        let rare: rustc_hash::FxHashSet<String> = totals
            .into_iter()
            .filter(|&(_, n)| n < min_count)
            .map(|(t, _)| t.to_string())
            .collect();
        for p in self.periods.values_mut() {
            p.terms.retain(|t, _| !rare.contains(t));
        }
    }

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

    /// Counts holding one document's counts under `period`.
    pub fn single(period: String, doc: PeriodCounts) -> Counts {
        Counts {
            periods: BTreeMap::from([(period, doc)]),
            ..Counts::default()
        }
    }
}

/// Tag on a [`DocTermLog`] id that marks a phrase (the rest is the phrase's id).
const PHRASE: u32 = 1 << 31;

/// One counter's record of which terms each document held and how often: what Gries's DP
/// needs beyond the totals. Ids are the counter's own; `stems` and `phrases` name them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocTermLog {
    stems: Vec<String>,
    phrases: Vec<String>,
    periods: BTreeMap<String, PeriodLog>,
}

/// The documents of one period in a [`DocTermLog`], packed as LEB128 varints (a few bytes
/// per term and document): per document its word tokens, its number of terms, then for each
/// term, in increasing id order, the id's gap from the previous one and the count.
///
/// A corpus of a gigabyte logs a few hundred megabytes, which are not needed until every
/// document is counted: once the log holds [`SPILL_BLOCK`] bytes they are written to the
/// counter's [`SpillFile`] (an unnamed temporary file, gone when the run ends) and read back
/// a block at a time by [`PeriodLog::for_each`]. Blocks hold whole documents.
#[derive(Debug, Clone, Default)]
struct PeriodLog {
    bytes: Vec<u8>,
    /// Blocks written to `spill`: (offset, length), in order.
    blocks: Vec<(u64, usize)>,
    spill: Option<Arc<SpillFile>>,
    /// Writing to `spill` failed (a full disk): the rest of the log stays in memory.
    stay: bool,
}

/// Bytes of log a [`PeriodLog`] holds before writing them to its [`SpillFile`].
const SPILL_BLOCK: usize = 1 << 20;

/// One counter's temporary file for [`PeriodLog`] blocks, shared by its periods' logs and
/// made when the first block is written; each block is appended at the end and read back by
/// its offset.
#[derive(Debug, Default)]
struct SpillFile {
    file: OnceLock<Option<std::fs::File>>,
    len: AtomicU64,
}

impl SpillFile {
    fn file(&self) -> std::io::Result<&std::fs::File> {
        self.file
            .get_or_init(|| tempfile::tempfile().ok())
            .as_ref()
            .ok_or_else(|| std::io::Error::other("cannot make a temporary file"))
    }

    /// Appends `bytes`; returns their offset.
    #[cfg(unix)]
    fn append(&self, bytes: &[u8]) -> std::io::Result<u64> {
        let file = self.file()?;
        let at = self.len.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        std::os::unix::fs::FileExt::write_all_at(file, bytes, at)?;
        Ok(at)
    }

    /// Without positioned writes the logs stay in memory.
    #[cfg(not(unix))]
    fn append(&self, _bytes: &[u8]) -> std::io::Result<u64> {
        Err(std::io::Error::other("no positioned writes here"))
    }

    /// Reads the `len` bytes at `at` into `buf`.
    fn read(&self, at: u64, len: usize, buf: &mut Vec<u8>) -> std::io::Result<()> {
        buf.clear();
        buf.resize(len, 0);
        #[cfg(unix)]
        std::os::unix::fs::FileExt::read_exact_at(self.file()?, buf, at)?;
        #[cfg(not(unix))]
        let _ = at;
        Ok(())
    }
}

impl PartialEq for PeriodLog {
    /// Logs are equal when they hold the same documents, wherever their bytes are kept.
    fn eq(&self, other: &Self) -> bool {
        let all = |log: &PeriodLog| {
            let mut v = Vec::new();
            log.for_each(|n, id, c| v.push((n, id, c))).map(|()| v).ok()
        };
        all(self) == all(other)
    }
}

impl Eq for PeriodLog {}

fn put_varint(out: &mut Vec<u8>, mut x: u64) {
    while x >= 0x80 {
        out.push((x as u8) | 0x80);
        x >>= 7;
    }
    out.push(x as u8);
}

fn get_varint(bytes: &[u8], at: &mut usize) -> u64 {
    let mut x = 0u64;
    let mut shift = 0;
    loop {
        let b = bytes[*at];
        *at += 1;
        x |= ((b & 0x7F) as u64) << shift;
        if b < 0x80 {
            return x;
        }
        shift += 7;
    }
}

/// Calls `each(tokens, id, count)` for every term of every document packed in `bytes`.
fn decode(bytes: &[u8], each: &mut impl FnMut(u64, u32, u64)) {
    let mut at = 0;
    while at < bytes.len() {
        let tokens = get_varint(bytes, &mut at);
        let terms = get_varint(bytes, &mut at);
        let mut id = 0u32;
        for _ in 0..terms {
            id += get_varint(bytes, &mut at) as u32;
            let count = get_varint(bytes, &mut at);
            each(tokens, id, count);
        }
    }
}

impl PeriodLog {
    fn new(spill: Option<Arc<SpillFile>>) -> PeriodLog {
        PeriodLog {
            spill,
            ..PeriodLog::default()
        }
    }

    /// Adds one document: its tokens and its (term id, count) pairs sorted by id.
    fn push(&mut self, tokens: u64, terms: &[(u32, u64)]) {
        put_varint(&mut self.bytes, tokens);
        put_varint(&mut self.bytes, terms.len() as u64);
        let mut last = 0u32;
        for &(id, count) in terms {
            put_varint(&mut self.bytes, (id - last) as u64);
            put_varint(&mut self.bytes, count);
            last = id;
        }
        if self.bytes.len() >= SPILL_BLOCK && !self.stay {
            if let Some(spill) = &self.spill {
                match spill.append(&self.bytes) {
                    Ok(at) => {
                        self.blocks.push((at, self.bytes.len()));
                        self.bytes.clear();
                    }
                    Err(_) => self.stay = true,
                }
            }
        }
    }

    /// Calls `each(tokens, id, count)` for every term of every document, in the order they
    /// were pushed. Fails only when a block written to the spill file cannot be read back.
    fn for_each(&self, mut each: impl FnMut(u64, u32, u64)) -> std::io::Result<()> {
        if !self.blocks.is_empty() {
            let spill = self.spill.as_ref().ok_or_else(|| {
                std::io::Error::other("the dispersion log's temporary file is gone")
            })?;
            let mut buf = Vec::new();
            for &(at, len) in &self.blocks {
                spill.read(at, len, &mut buf)?;
                decode(&buf, &mut each);
            }
        }
        decode(&self.bytes, &mut each);
        Ok(())
    }
}

impl DocTermLog {
    fn name(&self, id: u32) -> &String {
        &self.names_of(id)[self.index(id)]
    }

    fn names_of(&self, id: u32) -> &[String] {
        if id & PHRASE != 0 {
            &self.phrases
        } else {
            &self.stems
        }
    }

    /// `id`'s place in one array of stems then phrases.
    fn index(&self, id: u32) -> usize {
        if id & PHRASE != 0 {
            (id & !PHRASE) as usize
        } else {
            id as usize
        }
    }

    fn dense(&self, id: u32) -> usize {
        if id & PHRASE != 0 {
            self.stems.len() + (id & !PHRASE) as usize
        } else {
            id as usize
        }
    }

    /// The [`Spread`] sums of the terms of `log`'s documents, given their period's totals.
    fn spreads(
        &self,
        log: &PeriodLog,
        counts: &PeriodCounts,
    ) -> std::io::Result<FxHashMap<String, Spread>> {
        let big_t = counts.tokens as u128;
        // Per id: the term's count in the period (None until looked up) and its sums.
        let mut by_id: Vec<(Option<u64>, Spread)> =
            vec![(None, Spread::default()); self.stems.len() + self.phrases.len()];
        let mut seen: Vec<u32> = Vec::new();
        log.for_each(|n, id, v| {
            let e = &mut by_id[self.dense(id)];
            let f = match e.0 {
                Some(f) => f,
                None => {
                    let f = counts.terms.get(self.name(id)).map_or(0, |c| c.count);
                    e.0 = Some(f);
                    seen.push(id);
                    f
                }
            };
            if f > 0 {
                let n = n as u128;
                e.1.tokens_with += n;
                e.1.excess += (n * f as u128).saturating_sub(v as u128 * big_t);
            }
        })?;
        Ok(seen
            .into_iter()
            .filter(|&id| by_id[self.dense(id)].0 > Some(0))
            .map(|id| (self.name(id).clone(), by_id[self.dense(id)].1))
            .collect())
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
    let counts = counter.finish().periods.remove("").unwrap_or_default();
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

/// Counts of one period, keyed by the counter's word, stem and phrase ids.
#[derive(Default)]
struct PeriodTally {
    docs: u64,
    tokens: u64,
    stems: FxHashMap<u32, TermCount>,
    grams: FxHashMap<u32, TermCount>,
    themes: Vec<ThemeCount>,
    min_doc_tokens: Option<u64>,
    log: PeriodLog,
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
/// borrowed string and no allocation; counts are kept by id and turned into strings once,
/// in [`Counter::finish`]. Give each thread its own counter (rayon's `fold`) and merge the
/// [`Counts`] they finish with.
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
    /// Each stem, the last document that contained it and its count there.
    stems: Vec<(Box<str>, u32, u64)>,
    gram_ids: FxHashMap<Gram, u32>,
    /// Each phrase, the last document that contained it and its count there.
    grams: Vec<(Gram, u32, u64)>,
    /// Stems and phrases seen in the current document.
    touched: Vec<u32>,
    touched_grams: Vec<u32>,
    periods: BTreeMap<String, PeriodTally>,
    kwic: Vec<KwicLine>,
    /// Lines kept by the last trim of `kwic`.
    kwic_trimmed: usize,
    /// Documents added so far (the current document's number, from 1).
    doc: u32,
    /// Words of the current document in the parts added before this one.
    offset: usize,
    /// Each theme, the last document (by `doc`) that had a hit of it.
    theme_seen: Vec<u32>,
    /// The period of the document being counted, while it is open (see `close_doc`).
    open: Option<String>,
    /// Word tokens of the open document so far.
    doc_tokens: u64,
    /// Scratch space for the open document's (term id, count) pairs.
    doc_terms: Vec<(u32, u64)>,
    tokens: Vec<u32>,
    spans: Vec<Span>,
    /// Where this counter's per-document logs go as they grow (see [`PeriodLog`]).
    spill: Arc<SpillFile>,
    watch: Option<Arc<Watch>>,
    /// The next document's place in reading order, when set by [`Counter::set_order`].
    order: Option<u64>,
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
            gram_ids: FxHashMap::default(),
            grams: Vec::new(),
            touched: Vec::new(),
            touched_grams: Vec::new(),
            periods: BTreeMap::new(),
            kwic: Vec::new(),
            kwic_trimmed: 0,
            doc: 0,
            offset: 0,
            theme_seen: Vec::new(),
            open: None,
            doc_tokens: 0,
            doc_terms: Vec::new(),
            tokens: Vec::new(),
            spans: Vec::new(),
            spill: Arc::default(),
            watch: None,
            order: None,
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
                self.stems.push((Box::from(stem.as_ref()), 0, 0));
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
        let mut types = 0;
        for &t in &tokens {
            let word = &mut self.words[t as usize];
            if word.seen_in != doc {
                word.seen_in = doc;
                types += 1;
            }
        }
        let size = DocSize {
            tokens: tokens.len() as u64,
            types,
        };
        if let Some(period) = period {
            self.tally(doc, name, period, &normalised, &tokens, &spans, continued);
        }
        self.offset += tokens.len();
        self.doc_tokens += tokens.len() as u64;
        self.tokens = tokens;
        self.spans = spans;
        size
    }

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
    ) {
        if !self.periods.contains_key(period) {
            let tally = PeriodTally {
                log: PeriodLog::new(Some(self.spill.clone())),
                ..PeriodTally::default()
            };
            self.periods.insert(period.to_string(), tally);
        }
        let tally = self.periods.get_mut(period).expect("inserted above");
        if !continued {
            tally.docs += 1;
            self.open = Some(period.to_string());
        }
        tally.tokens += tokens.len() as u64;
        // Counts within the document are kept beside each stem and phrase and added to the
        // period's tables once per document (in `close_doc`), not once per token.
        for &t in tokens {
            let word = &mut self.words[t as usize];
            if word.stopword {
                continue;
            }
            word.count += 1;
            let stem = &mut self.stems[word.stem as usize];
            if stem.1 != doc {
                stem.1 = doc;
                stem.2 = 0;
                self.touched.push(word.stem);
            }
            stem.2 += 1;
        }
        for i in 0..tokens.len() {
            if self.options.max_n < 2 || self.words[tokens[i] as usize].stopword {
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
                        self.grams.push((gram, 0, 0));
                        id
                    }
                };
                let seen = &mut self.grams[id as usize];
                if seen.1 != doc {
                    seen.1 = doc;
                    seen.2 = 0;
                    self.touched_grams.push(id);
                }
                seen.2 += 1;
            }
        }

        if self.matcher.is_empty() {
            return;
        }
        if tally.themes.is_empty() {
            tally.themes = vec![ThemeCount::default(); self.matcher.theme_count()];
        }
        let words = &self.words;
        let stems = &self.stems;
        let hits = self.matcher.find_by(
            tokens,
            |t| &words[t as usize].starts,
            |t| &words[t as usize].text,
            |t| &stems[words[t as usize].stem as usize].0,
        );
        if self.theme_seen.is_empty() {
            self.theme_seen = vec![0; self.matcher.theme_count()];
        }
        for hit in hits {
            let theme = &mut tally.themes[hit.theme];
            theme.hits += 1;
            if self.theme_seen[hit.theme] != doc {
                theme.docs += 1;
                self.theme_seen[hit.theme] = doc;
            }
            let matched: Vec<&str> = tokens[hit.start..hit.start + hit.len]
                .iter()
                .map(|&t| &*words[t as usize].text)
                .collect();
            *theme.words.entry(matched.join(" ")).or_default() += 1;
            if let Some(watch) = &self.watch {
                if watch.periods.get(hit.theme).is_some_and(|p| p == period) {
                    watch.found[hit.theme].fetch_add(1, Ordering::Relaxed);
                }
            }
            self.kwic.push(kwic_line(
                name,
                period,
                text,
                spans,
                hit,
                self.offset,
                self.options.kwic_window,
                self.order,
            ));
        }
        // Keep this thread's share of the sample small as it goes: trim when the lines have
        // doubled since the last trim, so trimming costs O(1) per line on average.
        if self.options.kwic_max > 0 && self.kwic.len() > 2 * self.kwic_trimmed + 4096 {
            let mut part = Counts {
                kwic: std::mem::take(&mut self.kwic),
                ..Counts::default()
            };
            part.kwic_sample(self.options.kwic_max);
            self.kwic = part.kwic;
            self.kwic_trimmed = self.kwic.len();
        }
    }

    /// Ends the open document: its size and the count of each term it held go to its
    /// period's log (for DP).
    fn close_doc(&mut self) {
        let Some(period) = self.open.take() else {
            return;
        };
        let tally = self.periods.get_mut(&period).expect("open period");
        let n = self.doc_tokens;
        tally.min_doc_tokens = Some(tally.min_doc_tokens.map_or(n, |m| m.min(n)));
        for &id in &self.touched {
            let c = self.stems[id as usize].2;
            let e = tally.stems.entry(id).or_default();
            e.count += c;
            e.docs += 1;
            e.max_doc = e.max_doc.max(c);
        }
        for &id in &self.touched_grams {
            let c = self.grams[id as usize].2;
            let e = tally.grams.entry(id).or_default();
            e.count += c;
            e.docs += 1;
            e.max_doc = e.max_doc.max(c);
        }
        let mut terms = std::mem::take(&mut self.doc_terms);
        terms.clear();
        terms.extend(
            self.touched
                .iter()
                .map(|&id| (id, self.stems[id as usize].2)),
        );
        terms.extend(
            self.touched_grams
                .iter()
                .map(|&id| (id | PHRASE, self.grams[id as usize].2)),
        );
        terms.sort_unstable();
        tally.log.push(n, &terms);
        self.doc_terms = terms;
    }

    /// The counts so far, keyed by strings, ready to merge with other counters'.
    pub fn finish(mut self) -> Counts {
        self.close_doc();
        let words = self.words;
        let stems: Vec<String> = self.stems.into_iter().map(|s| s.0.into()).collect();
        let phrases: Vec<String> = self
            .grams
            .iter()
            .map(|(g, _, _)| {
                g.iter()
                    .take_while(|&&s| s != u32::MAX)
                    .map(|&s| stems[s as usize].as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let themes = self.matcher.theme_count();
        let mut log_periods = BTreeMap::new();
        let periods = self
            .periods
            .into_iter()
            .map(|(period, t)| {
                let mut terms: FxHashMap<String, TermCount> = t
                    .stems
                    .into_iter()
                    .map(|(id, c)| (stems[id as usize].clone(), c))
                    .collect();
                terms.extend(
                    t.grams
                        .into_iter()
                        .map(|(id, c)| (phrases[id as usize].clone(), c)),
                );
                let counts = PeriodCounts {
                    docs: t.docs,
                    tokens: t.tokens,
                    terms,
                    themes: if t.themes.is_empty() {
                        vec![ThemeCount::default(); themes]
                    } else {
                        t.themes
                    },
                    min_doc_tokens: t.min_doc_tokens,
                    dispersion: FxHashMap::default(),
                };
                log_periods.insert(period.clone(), t.log);
                (period, counts)
            })
            .collect();
        let mut counts = Counts {
            periods,
            kwic: self.kwic,
            logs: vec![DocTermLog {
                stems,
                phrases,
                periods: log_periods,
            }],
            words: words
                .into_iter()
                .filter(|w| w.count > 0)
                .map(|w| (w.text.into(), w.count))
                .collect(),
        };
        if self.options.kwic_max > 0 {
            counts.kwic_sample(self.options.kwic_max);
        }
        counts
    }
}

/// The concordance line of `hit`: `window` words each side, as written (after
/// normalisation), on one line.
#[allow(clippy::too_many_arguments)]
fn kwic_line(
    name: &str,
    period: &str,
    text: &str,
    spans: &[Span],
    hit: crate::lexicon::Hit,
    offset: usize,
    window: usize,
    order: Option<u64>,
) -> KwicLine {
    let end = hit.start + hit.len;
    let left_from = hit.start.saturating_sub(window);
    let right_to = (end + window).min(spans.len());
    let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let left = one_line(&text[spans[left_from].start..spans[hit.start].start]);
    let matched = one_line(&text[spans[hit.start].start..spans[end - 1].end]);
    let right = if right_to > end {
        one_line(&text[spans[end - 1].end..spans[right_to - 1].end])
    } else {
        String::new()
    };
    // The sample key: the document's place in reading order then the word's, when known
    // (positions past 2^24 share a key; ties fall to document and position), else a hash.
    let key = match order {
        Some(place) => (place << 24) | (offset + hit.start).min((1 << 24) - 1) as u64,
        None => {
            let mut hasher = rustc_hash::FxHasher::default();
            (name, offset + hit.start).hash(&mut hasher);
            hasher.finish()
        }
    };
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
    fn a_document_added_in_parts_counts_as_one() {
        let t = english();
        let lex = Lexicon::parse(
            "[[theme]]\nname = \"c\"\npatterns = [\"clinical commissioning\", \"commissioner\"]\n",
            Path::new("t"),
            &t,
        )
        .unwrap();
        let m = Matcher::new(&lex);
        let parts = [
            "Clinical commissioning came. The commissioners met.\n",
            "Clinical commissioning again, and again clinical commissioning.\n",
            "Nothing here. Commissioners wrote.",
        ];
        let mut whole = Counter::new(&t, &m, CountOptions::default());
        let size = whole.add("d", Some("p"), &parts.concat());
        let whole = whole.finish();
        let mut split = Counter::new(&t, &m, CountOptions::default());
        let mut sizes = split.add("d", Some("p"), parts[0]);
        for part in &parts[1..] {
            let s = split.add_more("d", Some("p"), part);
            sizes.tokens += s.tokens;
            sizes.types += s.types;
        }
        // A second document afterwards is a new document again.
        split.add("e", Some("p"), "Commissioners.");
        let mut split = split.finish();
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
        let again = again.finish();
        // (Concordance context stops at a part's edge, so only the counts are compared.)
        assert_eq!(again.periods, whole.periods);
        split.kwic.retain(|l| l.doc == "d");
        let starts: Vec<usize> = split.kwic.iter().map(|l| l.start).collect();
        let expected: Vec<usize> = whole.kwic.iter().map(|l| l.start).collect();
        assert_eq!(starts, expected);
    }

    #[test]
    fn a_log_written_to_its_temporary_file_reads_back_the_same() {
        let spill = Arc::new(SpillFile::default());
        let mut on_disk = PeriodLog::new(Some(spill.clone()));
        // A second period's log shares the file, so blocks interleave.
        let mut other = PeriodLog::new(Some(spill));
        let mut in_memory = PeriodLog::new(None);
        let mut expected = Vec::new();
        for doc in 0..150_000u64 {
            let terms: Vec<(u32, u64)> = (0..(doc % 17) as u32)
                .map(|i| (i * 1000 + (doc % 7) as u32, 1 + (doc + i as u64) % 300))
                .collect();
            for &(id, c) in &terms {
                expected.push((doc + 5, id, c));
            }
            on_disk.push(doc + 5, &terms);
            in_memory.push(doc + 5, &terms);
            other.push(1, &[(doc as u32, 2)]);
        }
        assert!(on_disk.blocks.len() >= 2, "{} blocks", on_disk.blocks.len());
        assert!(on_disk.bytes.len() < SPILL_BLOCK);
        assert!(in_memory.blocks.is_empty());
        let mut read = Vec::new();
        on_disk.for_each(|n, id, c| read.push((n, id, c))).unwrap();
        assert_eq!(read, expected);
        assert_eq!(on_disk, in_memory);
        let mut others = 0;
        other
            .for_each(|n, id, c| {
                assert_eq!((n, id as u64, c), (1, others, 2));
                others += 1;
            })
            .unwrap();
        assert_eq!(others, 150_000);
    }

    #[test]
    fn tokens_include_stopwords_terms_do_not() {
        let c = count("The commissioning of the commissioners: clinical commissioning.");
        assert_eq!(c.tokens, 7);
        // Snowball gives "commissioning" and "commissioners" different stems.
        assert_eq!(
            c.terms["commiss"],
            TermCount {
                count: 2,
                docs: 1,
                max_doc: 2
            }
        );
        assert_eq!(
            c.terms["commission"],
            TermCount {
                count: 1,
                docs: 1,
                max_doc: 1
            }
        );
        assert_eq!(
            c.terms["clinic"],
            TermCount {
                count: 1,
                docs: 1,
                max_doc: 1
            }
        );
        assert!(!c.terms.contains_key("the"));
        assert_eq!(c.themes[0].hits, 3);
        assert_eq!(c.themes[0].words["commissioning"], 2);
        assert_eq!(c.themes[0].words["commissioners"], 1);
    }

    #[test]
    fn phrases_do_not_cross_punctuation_or_end_in_stopwords_and_rare_ones_are_pruned() {
        let c = count(
            "Clinical commissioning, of the clinical commissioning groups. Care of the trusts",
        );
        assert_eq!(
            c.terms["clinic commiss"],
            TermCount {
                count: 2,
                docs: 1,
                max_doc: 2
            }
        );
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
        let mut counts = Counts::single("p".into(), c);
        counts.prune_phrases(2);
        let terms = &counts.periods["p"].terms;
        assert!(terms.contains_key("clinic commiss") && !terms.contains_key("commiss group"));
        assert!(terms.contains_key("group"), "single words are kept");
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
        assert_eq!(
            p0.terms["commiss"],
            TermCount {
                count: 2,
                docs: 2,
                max_doc: 1
            }
        );
        assert_eq!(p0.themes[0].docs, 2);
    }
}
