//! Concordance lines of theme hits ([`KwicLine`]): made while counting, kept as a sample that
//! does not depend on how documents were split between threads, and watched for by the
//! report's pass, which stops reading once it has the lines it wants ([`Watch`]).

use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};

use rustc_hash::FxHashMap;

use super::tally::Tally;
use crate::tokenise::Span;

/// One theme hit in its context: the concordance (KWIC) line of `kwic.csv`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct KwicLine {
    /// The document's name (path relative to the input).
    pub(crate) doc: String,
    pub(crate) period: String,
    pub(crate) theme: usize,
    pub(crate) pattern: usize,
    /// Word position of the hit in the document.
    pub(crate) start: usize,
    pub(crate) left: String,
    pub(crate) matched: String,
    pub(crate) right: String,
    /// Whether the text has space between the left context and the match, and between the
    /// match and the right context (`QIPP, the` has none after the match; `top-down` none
    /// either side of a hyphen): a line is shown with the text's own spacing.
    pub(crate) spaced: (bool, bool),
    /// Sample key: a fixed hash of (document, position), so the sample kept when there are
    /// more lines than `--kwic-max` is the same on every run and thread count.
    pub(crate) key: u64,
}

/// Keeps, for each period and theme, the `max` lines of `lines` with the smallest sample
/// keys (all of them when `max` is 0), sorted by theme, period, document and position.
pub(crate) fn sample(lines: &mut Vec<KwicLine>, max: usize) {
    lines.sort_by(|a, b| {
        (&a.period, a.theme, a.key, &a.doc, a.start)
            .cmp(&(&b.period, b.theme, b.key, &b.doc, b.start))
    });
    if max > 0 {
        let mut keep = Vec::with_capacity(lines.len());
        let mut kept = 0;
        let mut before: Option<&KwicLine> = None;
        for l in lines.iter() {
            if before.is_none_or(|b| b.period != l.period || b.theme != l.theme) {
                kept = 0;
            }
            kept += 1;
            keep.push(kept <= max);
            before = Some(l);
        }
        let mut flags = keep.into_iter();
        lines.retain(|_| flags.next().unwrap_or(false));
    }
    lines.sort_by(|a, b| {
        (a.theme, &a.period, &a.doc, a.start).cmp(&(b.theme, &b.period, &b.doc, b.start))
    });
}

/// A counter's concordance lines, trimmed to the sample as they grow.
#[derive(Debug, Default)]
pub(super) struct Lines {
    pub(super) lines: Vec<KwicLine>,
    /// Lines kept by the last trim.
    trimmed: usize,
}

impl Lines {
    /// Adds `line`; keeps this thread's share of the sample small as it goes (with `max` >
    /// 0): trims when the lines have doubled since the last trim, so trimming costs O(1)
    /// per line on average.
    pub(super) fn push(&mut self, line: KwicLine, max: usize) {
        self.lines.push(line);
        if max > 0 && self.lines.len() > 2 * self.trimmed + 4096 {
            sample(&mut self.lines, max);
            self.trimmed = self.lines.len();
        }
    }
}

/// The concordance lines the counters found, sampled as [`super::Counts::kwic_sample`]
/// does, for a pass that wants only them: the counts are not resolved.
pub(crate) fn kwic_lines(tallies: Vec<Tally>, max: usize) -> Vec<KwicLine> {
    let mut lines: Vec<KwicLine> = tallies.into_iter().flat_map(|t| t.kwic).collect();
    sample(&mut lines, max);
    lines
}

/// What a pass that only wants a few concordance lines per theme is waiting for: `want`
/// lines of each theme from its own period. Counters that [`super::Counter::watch`] it add their
/// lines as they find them; the reader checks [`Watch::done`] between batches of documents.
#[derive(Debug)]
pub(crate) struct Watch {
    /// Per theme, the period whose lines count.
    periods: Vec<String>,
    found: Vec<AtomicUsize>,
    want: usize,
}

impl Watch {
    pub(crate) fn new(periods: Vec<String>, want: usize) -> Watch {
        Watch {
            found: periods.iter().map(|_| AtomicUsize::new(0)).collect(),
            periods,
            want,
        }
    }

    /// Every theme has its lines.
    pub(crate) fn done(&self) -> bool {
        self.found
            .iter()
            .all(|f| f.load(Ordering::Relaxed) >= self.want)
    }

    /// A hit of `theme` was found in `period`.
    pub(super) fn saw(&self, theme: usize, period: &str) {
        if self.periods.get(theme).is_some_and(|p| p == period) {
            self.found[theme].fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// The most bytes of context a concordance line keeps each side, per word of the window:
/// generous for words and the punctuation between them, and a bound when the text between
/// two words is pages long (a run of numbers or symbols is not words).
pub(super) const CONTEXT_BYTES_PER_WORD: usize = 40;

/// A line's sample key: the document's place in reading order then the word's, when known
/// (`Ok`; positions past 2^24 share a key; ties fall to document and position), else a hash
/// of the document's text seed and the word's position (`Err(seed)`).
pub(super) fn sample_key(order: Result<u64, u64>, position: usize) -> u64 {
    match order {
        Ok(place) => (place << 24) | position.min((1 << 24) - 1) as u64,
        Err(seed) => {
            let mut hasher = rustc_hash::FxHasher::default();
            (seed, position).hash(&mut hasher);
            hasher.finish()
        }
    }
}

/// Which lines could still be in a counter's sample: per (period, theme), the `--kwic-max`
/// smallest (key, document, position) seen, the order [`sample`] keeps. A hit ordered after
/// all of them is passed over before its line is built, so the lines built grow with the
/// sample, not with the hits (with keys in reading order, none after the first `kwic_max`;
/// with hashed keys, about `kwic_max · ln(hits / kwic_max)`).
#[derive(Default)]
pub(super) struct SampleGate {
    kept: FxHashMap<(usize, usize), std::collections::BinaryHeap<SampleEntry>>,
}

/// A line's place in the sample order: key, document, position.
type SampleEntry = (u64, Box<str>, usize);

impl SampleGate {
    /// Whether a line of `group` (period, theme) with `line` (key, document, position) could
    /// be in a sample of `max` lines (0: every line is kept); records it if so.
    pub(super) fn admits(
        &mut self,
        group: (usize, usize),
        line: (u64, &str, usize),
        max: usize,
    ) -> bool {
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
pub(super) fn kwic_line(
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
    let (match_start, match_end) = (spans[hit.start].range().start, spans[end - 1].range().end);
    let (from, to) = (
        spans[left_from].range().start,
        spans[right_to - 1].range().end,
    );
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
    let space = |c: Option<char>| c.is_some_and(char::is_whitespace);
    KwicLine {
        doc: name.to_string(),
        period: period.to_string(),
        theme: hit.theme,
        pattern: hit.pattern,
        start: offset + hit.start,
        left,
        matched,
        right,
        spaced: (
            space(text[..match_start].chars().next_back()),
            space(text[match_end..].chars().next()),
        ),
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
