//! Concordance lines of theme hits ([`KwicLine`]): made while counting, kept as a sample that
//! does not depend on how documents were split between threads, and watched for by the
//! report's pass, which stops reading once it has the lines it wants ([`Watch`]).

use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::counter::Tally;
use crate::tokenise::Span;

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
/// lines of each theme from its own period. Counters that [`Counter::watch`] it add their
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

/// The concordance line of `hit`: `window` words each side, as written (after
/// normalisation), on one line.
#[allow(clippy::too_many_arguments)]
pub(super) fn kwic_line(
    name: &str,
    period: &str,
    text: &str,
    spans: &[Span],
    hit: crate::lexicon::Hit,
    offset: usize,
    window: usize,
    order: Result<u64, u64>,
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
    // (`Ok`; positions past 2^24 share a key; ties fall to document and position), else a
    // hash of the document's text seed and the word's position (`Err(seed)`).
    let key = match order {
        Ok(place) => (place << 24) | (offset + hit.start).min((1 << 24) - 1) as u64,
        Err(seed) => {
            let mut hasher = rustc_hash::FxHasher::default();
            (seed, offset + hit.start).hash(&mut hasher);
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
