//! The run's summary ([`Summary`]): what the terminal shows and report.html opens with.

use anyhow::Result;

use crate::config::Config;
use crate::measure::Tables;
use crate::report::{self, summary::Summary};

use super::clock::Stopwatch;
use super::measure::Plan;
use super::read::Read;
use super::warnings::{self, Warning};

/// The summary of a run that has written its tables: documents and periods, the warnings,
/// the main comparison's key terms and theme shifts. `phrases`: the longest phrase counted
/// and why phrases were left out, when they were.
pub(crate) fn build(
    config: &Config,
    read: &Read,
    warnings: Vec<Warning>,
    plan: &Plan,
    tables: &Tables,
    phrases: &(usize, Option<String>),
) -> Result<Summary> {
    let counts = tables.counts();
    let mut summary = Summary {
        documents: read.docs.len(),
        undated: warnings::undated(read),
        skipped: read.skipped.clone(),
        warnings: warnings.iter().map(Warning::to_string).collect(),
        terminal_warnings: (warnings.iter().filter(|w| !w.is_note()))
            .map(Warning::short)
            .collect(),
        terminal_notes: (warnings.iter().filter(|w| w.is_note()))
            .map(Warning::short)
            .collect(),
        periods: counts
            .periods
            .iter()
            .map(|(p, c)| (p.clone(), c.docs, c.tokens))
            .collect(),
        main: plan.main().cloned(),
        comparisons: plan.comparisons.clone(),
        small_periods: plan.small_periods.clone(),
        no_comparison: plan.no_comparison.clone(),
        lexicon: config.themes.clone(),
        notes: phrases.1.iter().cloned().collect(),
        output: config.output.clone(),
        ..Summary::default()
    };
    if plan.main().is_some() && tables.has_keyness() {
        (summary.key_a, summary.key_b) = report::figures::key_terms(tables)?;
    }
    summary.theme_shift = tables.main_shift.clone();
    summary.courses = tables.courses.clone();
    summary.findings = report::findings::sentences(&summary);
    Ok(summary)
}

/// Adds the stage timings, the peak memory and the input's size, once the run is over.
pub(crate) fn timings(summary: &mut Summary, read: &Read, clock: &Stopwatch) {
    summary.seconds = clock.seconds();
    summary.peak_memory_mb = clock.peaks().last().map(|p| p.1);
    summary.input_bytes = read.docs.iter().map(|d| d.bytes).sum();
}
