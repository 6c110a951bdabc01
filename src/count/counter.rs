//! The per-thread [`Counter`]: many documents counted on one thread, into a [`Tally`] in the
//! counter's own ids, which [`super::combine()`] combines with the other threads' tallies.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::counts::{ThemeCount, ThemeDoc};
use super::kwic::{kwic_line, sample_key, Lines, SampleGate, Watch};
use super::log::{LoggedDoc, PeriodLog, SpillFile, TermId};
use super::phrases::{Phrases, MAX_N, PHRASE_BYTES};
use super::runs::Run;
use super::tally::{CountOptions, DocSize, PeriodTally, Tally};
use super::vocab::{form_text, Vocab};
use crate::lexicon::{Found, Hit, Matcher};
use crate::tokenise::{Span, Tokeniser};

/// A count of no hits for each theme of `matcher`'s lexicon.
fn empty_themes(matcher: &Matcher) -> Vec<ThemeCount> {
    let lexicon = matcher.lexicon();
    lexicon
        .themes
        .iter()
        .map(|t| ThemeCount::new(t.patterns.len(), t.exclude.len()))
        .collect()
}

/// Writes into `matched` the words of `hit` as written (`word` of each token's place, with its
/// case), joined as in the text: by the hyphen where one joined them (so `top-down` and
/// `top down` are told apart), else by a space.
fn matched_text<'w>(matched: &mut String, part: &Part, hit: Hit, word: impl Fn(usize) -> &'w str) {
    matched.clear();
    for i in hit.start..hit.start + hit.len {
        if i > hit.start {
            matched.push(if part.spans[i].after_hyphen { '-' } else { ' ' });
        }
        matched.push_str(word(i));
    }
}

/// One part of a document as the counter sees it: its name and text, and the word ids,
/// written forms and places the text was split into.
struct Part<'t> {
    name: &'t str,
    text: &'t str,
    tokens: &'t [u32],
    forms: &'t [u32],
    spans: &'t [Span],
    /// It continues the document added before.
    continued: bool,
}

/// Where the counter is in the document it is counting.
#[derive(Default)]
struct Open {
    /// Documents added so far (the current document's number, from 1).
    doc: u32,
    /// Words of the current document in the parts added before this one.
    offset: usize,
    /// The period (index into the counter's periods) of the document being counted, while
    /// it is open (see `close_doc`).
    period: Option<usize>,
    /// Word tokens of the open document so far.
    tokens: u64,
    /// The open document's place in reading order, for its period's log, and its text seed.
    place: u64,
    seed: u64,
    /// The place and seed of the next document added ([`Counter::set_document`]).
    next_place: u64,
    next_seed: u64,
    /// The next document's place in reading order, when set by [`Counter::set_order`].
    order: Option<u64>,
}

/// Counts many documents on one thread. Each distinct word is interned once
/// ([`super::vocab`]), so a token costs one hash look-up of a borrowed string and no
/// allocation; a document's terms are counted by id beside each stem and phrase
/// ([`super::phrases`]) and written to its period's log once, when the document ends. Give
/// each thread its own counter and [`super::combine()`] the [`Tally`]s they finish with.
pub(crate) struct Counter<'a> {
    tokeniser: &'a Tokeniser,
    matcher: &'a Matcher<'a>,
    options: CountOptions,
    vocab: Vocab,
    phrases: Phrases,
    period_ids: FxHashMap<Box<str>, usize>,
    periods: Vec<(String, PeriodTally)>,
    pub(super) kwic: Lines,
    /// The sample keys of the lines that could still be in the sample, per period and theme.
    kwic_gate: SampleGate,
    open: Open,
    /// Each theme, the last document (by its number) that had a hit of it.
    theme_seen: Vec<u32>,
    /// Each theme's hits in the open document.
    doc_hits: Vec<u64>,
    /// Buffers for the part being counted, kept between parts.
    tokens: Vec<u32>,
    forms: Vec<u32>,
    spans: Vec<Span>,
    /// Where this counter's per-document logs and phrase runs go as they grow (see `log.rs`,
    /// `runs.rs`).
    spill: Arc<SpillFile>,
    /// The phrase runs written out so far.
    phrase_runs: Vec<Run>,
    spill_error: Option<std::io::Error>,
    watch: Option<Arc<Watch>>,
}

impl<'a> Counter<'a> {
    /// A counter with an empty vocabulary, splitting words with `tokeniser` and finding theme
    /// hits with `matcher`.
    pub(crate) fn new(
        tokeniser: &'a Tokeniser,
        matcher: &'a Matcher<'a>,
        options: CountOptions,
    ) -> Self {
        Counter {
            tokeniser,
            matcher,
            options: CountOptions {
                max_n: options.max_n.clamp(1, MAX_N),
                ..options
            },
            vocab: Vocab::default(),
            phrases: Phrases::default(),
            period_ids: FxHashMap::default(),
            periods: Vec::new(),
            kwic: Lines::default(),
            kwic_gate: SampleGate::default(),
            open: Open::default(),
            theme_seen: Vec::new(),
            doc_hits: Vec::new(),
            tokens: Vec::new(),
            forms: Vec::new(),
            spans: Vec::new(),
            spill: Arc::default(),
            phrase_runs: Vec::new(),
            spill_error: None,
            watch: None,
        }
    }

    /// Reports each theme hit to `watch` as it is found.
    pub(crate) fn watch(&mut self, watch: Arc<Watch>) {
        self.watch = Some(watch);
    }

    /// The next document's concordance lines are keyed by `place`, its place in reading
    /// order, instead of by its text (so the first lines in reading order can be told).
    pub(crate) fn set_order(&mut self, place: u64) {
        self.open.order = Some(place);
    }

    /// The next document's place in reading order (logged with its terms), and a seed made
    /// from its text (for its concordance lines' sample keys).
    pub(crate) fn set_document(&mut self, place: u64, text_seed: u64) {
        self.open.next_place = place;
        self.open.next_seed = text_seed;
    }

    /// Tokenises `text` and adds it to `period` as one document named `name`. An undated
    /// document (`None`) is only measured: its size is returned, nothing is counted.
    pub(crate) fn add(&mut self, name: &str, period: Option<&str>, text: &str) -> DocSize {
        self.add_part(name, period, text, false)
    }

    /// Adds `text` to the document added last, as its next part: a file too large to hold
    /// whole is counted a part at a time, and its counts are those of one document. Parts
    /// are cut at breaks (see [`crate::ingest::stream`]); a phrase does not run across one.
    /// The [`DocSize`] returned is this part's share: the document's is the sum over parts.
    pub(crate) fn add_more(&mut self, name: &str, period: Option<&str>, text: &str) -> DocSize {
        self.add_part(name, period, text, true)
    }

    fn add_part(
        &mut self,
        name: &str,
        period: Option<&str>,
        text: &str,
        continued: bool,
    ) -> DocSize {
        if !continued || self.open.doc == 0 {
            self.close_doc();
            let open = &mut self.open;
            open.doc += 1;
            (open.place, open.seed) = (open.next_place, open.next_seed);
            open.offset = 0;
            open.tokens = 0;
            self.vocab.touched.clear();
            self.phrases.touched.clear();
            let held = self.phrases.len();
            if self.options.phrase_table > 0 && held > 0 && held >= self.phrases_held() {
                self.write_out_phrases();
            }
        }
        let mut tokens = std::mem::take(&mut self.tokens);
        let mut forms = std::mem::take(&mut self.forms);
        let mut spans = std::mem::take(&mut self.spans);
        tokens.clear();
        forms.clear();
        spans.clear();
        let normalised = self.tokeniser.normalise(text);
        let (vocab, tokeniser, matcher) = (&mut self.vocab, self.tokeniser, self.matcher);
        tokeniser.split(&normalised, |w, span| {
            let id = vocab.intern(w, tokeniser, matcher);
            tokens.push(id);
            let written = &normalised[span.range()];
            // The splitter hands over the text itself when the word is written as it is
            // counted (lower case, nothing to undo): its form is the word, with no compare.
            let as_counted = std::ptr::eq(w.as_ptr(), written.as_ptr()) && w.len() == written.len();
            forms.push(if as_counted {
                id
            } else {
                vocab.form(id, w, written)
            });
            spans.push(span);
        });
        let dated = period.is_some();
        let (types, candidates) = self.vocab.note(self.open.doc, &tokens, &forms, dated);
        if let Some(period) = period {
            let part = Part {
                name,
                text: &normalised,
                tokens: &tokens,
                forms: &forms,
                spans: &spans,
                continued,
            };
            self.tally(period, &part, candidates);
        }
        self.open.offset += tokens.len();
        self.open.tokens += tokens.len() as u64;
        let size = DocSize {
            tokens: tokens.len() as u64,
            types,
        };
        self.tokens = tokens;
        self.forms = forms;
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

    /// Counts a dated document's part into `period`: its size, its phrases and, when a
    /// word of it can start a pattern (`candidates`), its theme hits.
    fn tally(&mut self, period: &str, part: &Part, candidates: bool) {
        let p = self.period(period);
        if !part.continued {
            self.periods[p].1.docs += 1;
            self.open.period = Some(p);
        }
        self.periods[p].1.tokens += part.tokens.len() as u64;
        if self.options.max_n >= 2 {
            let doc = self.open.doc;
            let words = (&self.vocab.words[..], &self.vocab.forms[..]);
            let max_n = self.options.max_n;
            self.phrases
                .count(doc, (part.tokens, part.forms), part.spans, words, max_n);
        }
        if candidates {
            self.themes(p, period, part);
        }
    }

    /// Finds and counts the theme hits of a document's part in period `p` (`period`), with
    /// their concordance lines.
    fn themes(&mut self, p: usize, period: &str, part: &Part) {
        let tally = &mut self.periods[p].1;
        if tally.themes.is_empty() {
            tally.themes = empty_themes(self.matcher);
        }
        if self.theme_seen.is_empty() {
            self.theme_seen = vec![0; self.matcher.theme_count()];
            self.doc_hits = vec![0; self.matcher.theme_count()];
        }
        let (words, stems, theme_seen, doc_hits) = (
            &self.vocab.words,
            &self.vocab.stems,
            &mut self.theme_seen,
            &mut self.doc_hits,
        );
        let forms = (&self.vocab.words, &self.vocab.forms);
        let (kwic, gate) = (&mut self.kwic, &mut self.kwic_gate);
        let (options, open, watch) = (self.options, &self.open, self.watch.as_deref());
        let order = open.order.ok_or(open.seed);
        // The matched words, as written (with their case): one buffer for every hit.
        let mut matched = String::new();
        self.matcher.for_each_hit(
            part.tokens,
            |t| &words[t as usize].starts,
            |t| &words[t as usize].text,
            |t| &stems[words[t as usize].stem as usize],
            |i| part.spans[i].after_hyphen,
            |found| {
                let hit = match found {
                    Found::Hit(hit) => hit,
                    Found::Excluded { theme, exclusion } => {
                        tally.themes[theme].excluded[exclusion] += 1;
                        return;
                    }
                };
                let theme = &mut tally.themes[hit.theme];
                theme.hits += 1;
                doc_hits[hit.theme] += 1;
                if theme_seen[hit.theme] != open.doc {
                    theme.docs += 1;
                    theme_seen[hit.theme] = open.doc;
                }
                matched_text(&mut matched, part, hit, |i| {
                    form_text(forms.0, forms.1, part.forms[i])
                });
                let by_pattern = &mut theme.words[hit.pattern];
                match by_pattern.get_mut(matched.as_str()) {
                    Some(n) => *n += 1,
                    None => {
                        by_pattern.insert(matched.clone(), 1);
                    }
                }
                if let Some(watch) = watch {
                    watch.saw(hit.theme, period);
                }
                // A line that cannot be in the sample is not built: a long document repeating
                // a theme's word builds a few lines, not one per hit.
                let position = open.offset + hit.start;
                let key = sample_key(order, position);
                if !gate.admits((p, hit.theme), (key, part.name, position), options.kwic_max) {
                    return;
                }
                let line = kwic_line(
                    part.name,
                    period,
                    part.text,
                    part.spans,
                    hit,
                    open.offset,
                    options.kwic_window,
                    key,
                );
                kwic.push(line, options.kwic_max);
            },
        );
    }

    /// Ends the open document: its terms and their counts go to its period's log.
    fn close_doc(&mut self) {
        let Some(p) = self.open.period.take() else {
            return;
        };
        let tally = &mut self.periods[p].1;
        let n = self.open.tokens;
        tally.min_doc_tokens = Some(tally.min_doc_tokens.map_or(n, |m| m.min(n)));
        if self.matcher.theme_count() > 0 {
            let hits = self
                .doc_hits
                .iter_mut()
                .enumerate()
                .filter(|(_, h)| **h > 0)
                .map(|(t, h)| (t as u32, std::mem::take(h)))
                .collect();
            tally.theme_docs.push(ThemeDoc { tokens: n, hits });
        }
        let terms = self.vocab.touched.len() + self.phrases.touched.len();
        if terms == 0 {
            return;
        }
        let (stem_docs, phrases) = (&self.vocab.stem_docs, &self.phrases);
        tally.log.push(
            LoggedDoc {
                place: self.open.place,
                tokens: n,
            },
            terms,
            self.vocab
                .touched
                .iter()
                .map(|&id| (TermId::Stem(id), stem_docs[id as usize].1))
                .chain(
                    self.phrases
                        .touched
                        .iter()
                        .map(|&id| (TermId::Phrase(id), phrases.in_doc(id))),
                ),
        );
    }

    /// Phrases the table may hold before it is written out: its share of `--memory`
    /// ([`CountOptions::phrase_table`]) less what the words take, at [`PHRASE_BYTES`] a
    /// phrase, and never less than half the share: a large corpus's long tail of words can
    /// take most of a share, and smaller tables write the same frequent phrases out again in
    /// every run (a generated gigabyte with phrases: counting 47-49 s with half, 82 s with a
    /// quarter, one run each).
    fn phrases_held(&self) -> usize {
        let share = self.options.phrase_table;
        let words = (self.vocab.bytes() + self.phrases.stem_order.bytes()) / PHRASE_BYTES as usize;
        share.saturating_sub(words).max(share / 2).max(1)
    }

    /// Writes the table of phrases out as a run to the counter's temporary file, and starts an
    /// empty one; on a write that fails (a full disk), keeps the run in memory and the error,
    /// which combining the tallies reports.
    fn write_out_phrases(&mut self) {
        let v = &self.vocab;
        let table = self.phrases.table();
        let ranks = self.phrases.stem_order.ranks(&v.stems);
        let bytes = table.encode(&v.stems, ranks, &v.words, &v.forms);
        match self.spill.append(&bytes) {
            Ok(at) => (self.phrase_runs).push(Run::spilled(self.spill.clone(), at, &bytes)),
            Err(e) => {
                self.spill_error.get_or_insert(e);
                self.phrase_runs.push(Run::memory(bytes));
            }
        }
    }

    /// What this counter found, in its own ids.
    pub(crate) fn finish(mut self) -> Tally {
        self.close_doc();
        // Once a run is written out, the phrases are merged from runs: the last table goes
        // out too, rather than wait in memory beside every other counter's until the merge.
        if !self.phrase_runs.is_empty() && self.phrases.len() > 0 {
            self.write_out_phrases();
        }
        // Collected in place, the words would keep the vocabulary's allocation, grown by
        // doubling for entries twice their size: shrunk to their length.
        let mut words: Vec<(Box<str>, u64)> = (self.vocab.words.into_iter())
            .map(|w| (w.text, w.count))
            .collect();
        words.shrink_to_fit();
        let mut forms: Vec<(Box<str>, u64)> = (self.vocab.forms.into_iter())
            .map(|f| (f.text, f.count))
            .collect();
        forms.shrink_to_fit();
        let phrase_table = self.phrases.table();
        let mut kwic = self.kwic.lines;
        if self.options.kwic_max > 0 {
            super::kwic::sample(&mut kwic, self.options.kwic_max);
        }
        Tally {
            stems: self.vocab.stems,
            phrase_runs: self.phrase_runs,
            phrase_table,
            phrase_ids: self.phrases.ids(),
            spill_error: self.spill_error,
            periods: self
                .periods
                .into_iter()
                .map(|(label, mut t)| {
                    if t.themes.is_empty() {
                        t.themes = empty_themes(self.matcher);
                    }
                    (label, t)
                })
                .collect(),
            kwic,
            words,
            forms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::{tests::english, Lexicon};

    /// `n` distinct words of letters only, each its own stem's only word.
    fn distinct_words(n: usize) -> String {
        (0..n)
            .map(|i| {
                let mut w = String::from("zq");
                let mut k = i;
                loop {
                    w.push((b'a' + (k % 26) as u8) as char);
                    k /= 26;
                    if k == 0 {
                        break w;
                    }
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn the_words_a_counter_holds_come_out_of_its_phrases_share_down_to_half() {
        let t = english();
        let toml = "[[theme]]\nname = \"c\"\npatterns = [\"commissioning\"]\n";
        let lex = Lexicon::parse(toml, std::path::Path::new("t"), &t).unwrap();
        let m = Matcher::new(&lex);
        let share = 200_000;
        let options = CountOptions {
            phrase_table: share,
            ..CountOptions::default()
        };
        let mut counter = Counter::new(&t, &m, options);
        let empty = counter.vocab.bytes();
        assert_eq!(
            counter.phrases_held(),
            share - empty / PHRASE_BYTES as usize
        );
        counter.add("d1", Some("p"), &distinct_words(5_000));
        let grown = counter.vocab.bytes();
        // Each new word: its entry, its text, its stem's entry and text (16 bytes each at
        // least), and its slot.
        assert!(grown >= empty + 5_000 * 64, "{empty} -> {grown}");
        assert_eq!(
            counter.phrases_held(),
            share - grown / PHRASE_BYTES as usize
        );
        // A vocabulary past half the share leaves the phrases half of it.
        counter.add("d2", Some("p"), &distinct_words(300_000));
        assert!(counter.vocab.bytes() / (PHRASE_BYTES as usize) > share);
        assert_eq!(counter.phrases_held(), share / 2);
        // Known words take nothing more.
        let before = counter.vocab.bytes();
        counter.add("d3", Some("p"), &distinct_words(1_000));
        assert_eq!(counter.vocab.bytes(), before);
    }
}
