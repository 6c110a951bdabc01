//! [`Counts`] in parts, for an engine that counts a corpus on several machines: cut into one
//! [`PeriodPart`] per period and one [`FormsPart`] (what belongs to no period), sent as bytes,
//! merged where the engine groups them by period ([`PeriodMerge`]), and finished per period,
//! where everything a period's dispersion needs is at hand: its totals and its per-document
//! rows. The driver puts the finished parts together ([`assemble`]) into the [`Counts`] that
//! counting on one machine gives.
//!
//! A part's per-document rows name terms by their place in its period's terms, so a part
//! carries no vocabulary of its own beside its terms.

use std::collections::BTreeMap;
use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::counts::{Counts, PeriodCounts};
use super::dispersion::DocTerms;
use super::first_docs::{FirstDocs, TermFirsts};
use super::forms::PhraseForms;
use super::kwic::{sample, KwicLine};
use super::log::SpillFile;

/// One period's counts from some of a corpus's documents.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct PeriodPart {
    pub(crate) label: String,
    counts: PeriodCounts,
    /// The per-document rows (see [`DocTerms::period_rows`]); empty once finished.
    rows: Vec<u8>,
    /// The period's concordance lines, a sample of at most `kwic_max` per theme.
    kwic: Vec<KwicLine>,
    kwic_max: usize,
    /// Each term's first documents in the period (places in reading order).
    first: TermFirsts,
    /// The dispersion sums are worked out: every document of the period is in.
    finished: bool,
}

/// The written forms of words and phrases, which belong to no period.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct FormsPart {
    words: FxHashMap<String, u64>,
    phrase_forms: FxHashMap<Arc<str>, PhraseForms>,
}

impl FormsPart {
    /// Both parts' forms: associative and commutative.
    pub(crate) fn merge(mut self, other: FormsPart) -> FormsPart {
        for (w, c) in other.words {
            *self.words.entry(w).or_default() += c;
        }
        for (p, forms) in other.phrase_forms {
            self.phrase_forms.entry(p).or_default().merge(forms);
        }
        self
    }
}

impl Counts {
    /// Cuts unfinished counts (with `first`, their terms' first documents in every period)
    /// into a part per period and the forms; each period keeps `kwic_max` concordance lines
    /// per theme (0: all). The periods in `whole` (sorted), of which these counts hold every
    /// document, are finished here: their dispersion is worked out from their rows, which
    /// are then not sent. Fails only when rows kept in a temporary file cannot be read back.
    pub(crate) fn into_parts(
        self,
        first: &FirstDocs,
        kwic_max: usize,
        whole: &[String],
    ) -> std::io::Result<(Vec<PeriodPart>, FormsPart)> {
        let mut kwic: BTreeMap<String, Vec<KwicLine>> = BTreeMap::new();
        for line in self.kwic {
            kwic.entry(line.period.clone()).or_default().push(line);
        }
        let (mut finished, open): (BTreeMap<_, _>, BTreeMap<_, _>) =
            (self.periods.into_iter()).partition(|(label, _)| whole.binary_search(label).is_ok());
        self.doc_terms.resolve_spreads(&mut finished)?;
        let mut parts = Vec::with_capacity(finished.len() + open.len());
        let periods =
            (finished.into_iter().map(|p| (p, true))).chain(open.into_iter().map(|p| (p, false)));
        for ((label, counts), finished) in periods {
            let rows = match finished {
                true => Vec::new(),
                false => self
                    .doc_terms
                    .period_rows(&label, &counts.terms)?
                    .to_bytes()?,
            };
            let mut lines = kwic.remove(&label).unwrap_or_default();
            sample(&mut lines, kwic_max);
            parts.push(PeriodPart {
                first: first.get(&label).cloned().unwrap_or_default(),
                rows,
                label,
                counts,
                kwic: lines,
                kwic_max,
                finished,
            });
        }
        let forms = FormsPart {
            words: self.words,
            phrase_forms: self.phrase_forms,
        };
        Ok((parts, forms))
    }
}

impl PeriodPart {
    /// Whether the part holds every document of its period, its dispersion worked out.
    pub(crate) fn is_finished(&self) -> bool {
        self.finished
    }
}

/// The parts of one period merged so far: what an engine's aggregation holds for a period.
/// Per-document rows go to `spill` (a temporary file) as they arrive, so memory follows the
/// period's vocabulary, not its documents.
pub(crate) struct PeriodMerge {
    label: String,
    counts: Counts,
    first: FirstDocs,
    kwic_max: usize,
    spill: Arc<SpillFile>,
}

impl PeriodMerge {
    /// The merge of one part.
    pub(crate) fn new(part: PeriodPart) -> std::io::Result<PeriodMerge> {
        let mut merge = PeriodMerge {
            label: part.label.clone(),
            counts: Counts::default(),
            first: FirstDocs::default(),
            kwic_max: part.kwic_max,
            spill: Arc::default(),
        };
        merge.add(part)?;
        Ok(merge)
    }

    /// Adds another part of the same period. Fails on a part of another period, or one
    /// already finished (whose documents may already be in).
    pub(crate) fn add(&mut self, part: PeriodPart) -> std::io::Result<()> {
        if part.label != self.label || part.finished {
            return Err(std::io::Error::other(format!(
                "counts of period {} {} cannot join those of period {}",
                part.label,
                if part.finished { "(finished)" } else { "" },
                self.label
            )));
        }
        let doc_terms = DocTerms::of_period(
            part.label.clone(),
            &part.counts.terms,
            part.rows,
            Some(self.spill.clone()),
        );
        let mut first = FirstDocs::default();
        first.insert(&part.label, part.first);
        let counts = Counts {
            periods: BTreeMap::from([(part.label, part.counts)]),
            kwic: part.kwic,
            doc_terms,
            ..Counts::default()
        };
        self.counts = std::mem::take(&mut self.counts).merge(counts);
        self.counts.share_terms();
        sample(&mut self.counts.kwic, self.kwic_max);
        self.first = std::mem::take(&mut self.first).merge(first);
        Ok(())
    }

    /// The merged parts as one part, unfinished (more may join it elsewhere).
    pub(crate) fn to_part(&self) -> std::io::Result<PeriodPart> {
        let counts = self
            .counts
            .periods
            .get(&self.label)
            .cloned()
            .unwrap_or_default();
        let rows = self
            .counts
            .doc_terms
            .period_rows(&self.label, &counts.terms)?;
        Ok(PeriodPart {
            label: self.label.clone(),
            rows: rows.to_bytes()?,
            counts,
            kwic: self.counts.kwic.clone(),
            kwic_max: self.kwic_max,
            first: self.first.get(&self.label).cloned().unwrap_or_default(),
            finished: false,
        })
    }

    /// Every part of the period is in: the dispersion sums are worked out and the rows let go.
    pub(crate) fn finish(self) -> std::io::Result<PeriodPart> {
        let mut counts = self.counts.finish()?;
        let period = counts.periods.remove(&self.label).unwrap_or_default();
        Ok(PeriodPart {
            first: self.first.get(&self.label).cloned().unwrap_or_default(),
            label: self.label,
            counts: period,
            rows: Vec::new(),
            kwic: counts.kwic,
            kwic_max: self.kwic_max,
            finished: true,
        })
    }
}

/// The counts of a corpus from its periods' finished parts and its forms, with the first
/// documents of every period; concordance lines are not yet sampled across periods' parts
/// (they were per period). Fails on an unfinished part.
pub(crate) fn assemble(
    periods: Vec<PeriodPart>,
    forms: FormsPart,
) -> std::io::Result<(Counts, FirstDocs)> {
    let mut counts = Counts {
        words: forms.words,
        phrase_forms: forms.phrase_forms,
        ..Counts::default()
    };
    let mut first = FirstDocs::default();
    for part in periods {
        if !part.finished {
            return Err(std::io::Error::other(format!(
                "the counts of period {} came back unfinished",
                part.label
            )));
        }
        if counts.periods.contains_key(&part.label) {
            return Err(std::io::Error::other(format!(
                "the counts of period {} came back twice",
                part.label
            )));
        }
        first.insert(&part.label, part.first);
        counts.kwic.extend(part.kwic);
        counts.periods.insert(part.label, part.counts);
    }
    counts.share_terms();
    Ok((counts, first))
}
