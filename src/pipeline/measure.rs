//! Measure: the comparisons to make, each term's label, and every table, from the counts
//! (measure itself is pure: counts in, tables out). The charts are drawn from the tables in
//! the next stage ([`super::charts`]).

use anyhow::{Context, Result};
use rustc_hash::FxHashMap;

use crate::config::Config;
use crate::corpus::DocRecord;
use crate::count::Counts;
use crate::error::InputError;
use crate::lexicon::Lexicon;
use crate::measure::{self, Comparison, SmallPeriods, Tables};
use crate::tokenise::Tokeniser;

/// What is measured: the comparisons (main one first) and the terms' labels.
pub(crate) struct Plan {
    pub(crate) comparisons: Vec<Comparison>,
    /// The periods too small to compare, and those left out of the default comparisons.
    pub(crate) small_periods: SmallPeriods,
    /// Why no comparison was made (fewer than two periods), when none was.
    pub(crate) no_comparison: Option<String>,
    /// Each term's label: its most frequent written form.
    pub(crate) labels: crate::measure::Labels,
    /// Each theme word as written -> its stems, which make one row of theme_terms.
    pub(crate) theme_keys: FxHashMap<String, String>,
    /// The periods, in time order.
    pub(crate) periods: Vec<String>,
}

impl Plan {
    pub(crate) fn new(counts: &Counts, config: &Config, tokeniser: &Tokeniser) -> Result<Plan> {
        let (comparisons, small_periods, no_comparison) =
            match measure::comparisons(counts, config.compare.as_ref()) {
                Ok((c, small)) => (c, small, None),
                Err(InputError::NoComparison(reason)) => {
                    (Vec::new(), SmallPeriods::default(), Some(reason))
                }
                Err(e) => return Err(e.into()),
            };
        Ok(Plan {
            comparisons,
            small_periods,
            no_comparison,
            labels: measure::labels(counts, tokeniser),
            theme_keys: measure::themes::word_keys(counts, tokeniser),
            periods: counts.periods.keys().cloned().collect(),
        })
    }

    /// The main comparison, when there is one.
    pub(crate) fn main(&self) -> Option<&Comparison> {
        self.comparisons.first()
    }

    /// Every table (the long ones made as they are written).
    pub(crate) fn tables<'a>(
        &'a self,
        docs: &'a [DocRecord],
        counts: &'a Counts,
        lexicon: Option<&Lexicon>,
        config: &Config,
    ) -> Result<Tables<'a>> {
        let (labels, comparisons) = (&self.labels, &self.comparisons[..]);
        let lexicon = lexicon.map(|l| (l, &self.theme_keys));
        Tables::build(
            docs,
            counts,
            labels,
            lexicon,
            comparisons,
            &self.small_periods,
            config.min_count,
            // The lists of key terms the charts and the report show.
            &[
                crate::report::figures::KEY_TERMS,
                crate::report::html::REPORT_TERMS,
            ],
        )
        .context("building the tables")
    }
}
