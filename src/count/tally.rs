//! What a [`super::Counter`] is told and what it hands over: the [`CountOptions`] it counts
//! by, a document's [`DocSize`], and its [`Tally`] (per period, the plain sums and the
//! per-document log; its stems, phrases, written forms and concordance lines in its own
//! ids), which [`super::combine()`] puts together with the other counters'.

use std::collections::BTreeMap;

use super::counts::{ThemeCount, ThemeDoc};
use super::kwic::KwicLine;
use super::log::PeriodLog;
use super::phrases::Table;
use super::runs::Run;

/// What to count beyond single words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct CountOptions {
    /// Longest phrase counted as a term (1 = words only, 2 = bigrams, 3 = trigrams).
    pub(crate) max_n: usize,
    /// Words of context each side of a concordance line.
    pub(crate) kwic_window: usize,
    /// Concordance lines kept per period and theme (0 = all).
    pub(crate) kwic_max: usize,
    /// A counter's share of `--memory` for its words and phrases, in phrases of
    /// [`super::PHRASE_BYTES`] (0: no bound): its table of phrases is written out as a run
    /// ([`super::runs`]) once it holds this less what its words take (at least half).
    pub(crate) phrase_table: usize,
}

impl Default for CountOptions {
    fn default() -> Self {
        CountOptions {
            max_n: 2,
            kwic_window: 8,
            kwic_max: 200,
            phrase_table: 0,
        }
    }
}

/// Word tokens and distinct words of one document, for documents.csv.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct DocSize {
    pub(crate) tokens: u64,
    pub(crate) types: u64,
}

/// One period of a counter: plain sums, the themes' counts, and the per-document log the
/// terms' counts are resolved from.
#[derive(Debug, Default)]
pub(super) struct PeriodTally {
    pub(super) docs: u64,
    pub(super) tokens: u64,
    pub(super) themes: Vec<ThemeCount>,
    pub(super) min_doc_tokens: Option<u64>,
    pub(super) log: PeriodLog,
    /// Each document's words and theme hits, in counting order.
    pub(super) theme_docs: Vec<ThemeDoc>,
}

/// What one [`super::Counter`] found, in its own ids, ready for [`super::combine()`]: its stems and
/// phrases, its periods, its concordance lines and its written forms.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub(super) stems: Vec<Box<str>>,
    /// The counter's phrases written out as sorted runs ([`super::runs`]), when its table
    /// passed its share of `--memory`.
    pub(super) phrase_runs: Vec<Run>,
    /// Its last table of phrases (all of them, when none was written out).
    pub(super) phrase_table: Table,
    /// Phrase ids the counter gave.
    pub(super) phrase_ids: u32,
    /// Why a run could not be written out, when one could not (a full disk).
    pub(super) spill_error: Option<std::io::Error>,
    pub(super) periods: BTreeMap<String, PeriodTally>,
    pub(super) kwic: Vec<KwicLine>,
    /// Every word, with its count as a term written in lower case.
    pub(super) words: Vec<(Box<str>, u64)>,
    /// Written forms with capitals (see [`super::vocab::CAPITALS`]), with their counts.
    pub(super) forms: Vec<(Box<str>, u64)>,
}

impl Tally {
    /// Runs of phrases this counter wrote out to its temporary file ([`super::runs`]).
    pub(crate) fn runs_written(&self) -> usize {
        (self.phrase_runs.iter()).filter(|r| r.is_spilled()).count()
    }

    /// Each period's word tokens in `tallies`, in period order: what is known of the periods
    /// before the tallies are resolved.
    pub(crate) fn period_tokens(tallies: &[Tally]) -> BTreeMap<String, u64> {
        let mut tokens = BTreeMap::new();
        for t in tallies {
            for (label, part) in &t.periods {
                *tokens.entry(label.clone()).or_default() += part.tokens;
            }
        }
        tokens
    }
}
