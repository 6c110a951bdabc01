//! Resolve: the counters' tallies become the corpus's [`Counts`] (dispersion worked out,
//! rare phrases left out, the concordance sample drawn) and the report's [`FirstDocs`]; the
//! copies of a text are marked in the documents' records.

use anyhow::{Context, Result};

use crate::count::{self, Counts, FirstDocs, Tally};

use super::read::Read;
use crate::corpus::Canonical;

/// What resolving needs to know.
pub(crate) struct ResolveOptions<'a> {
    /// Phrases seen fewer times in the whole corpus are left out.
    pub(crate) min_count: u64,
    /// The user's `--compare A,B`.
    pub(crate) compare: Option<&'a (String, String)>,
    /// The report is written: its key terms' first documents are wanted.
    pub(crate) report: bool,
    /// Concordance lines kept per theme and period (0: all).
    pub(crate) kwic_max: usize,
}

/// The counts of a corpus, and the first documents of the terms of its main comparison.
pub(crate) struct Resolved {
    pub(crate) counts: Counts,
    pub(crate) first_docs: FirstDocs,
    /// Times the counters' tables of phrases were written out to their temporary files, to
    /// stay within `--memory`.
    pub(crate) runs_written: usize,
}

/// Resolves `read`'s tallies (which it takes), marking the copies among its documents.
pub(crate) fn resolve(read: &mut Read, options: &ResolveOptions) -> Result<Resolved> {
    let canonical = Canonical::of(&mut read.docs);
    let tallies = std::mem::take(&mut read.tallies);
    // The report's key terms are from the main comparison: their first documents there are
    // kept, for the concordance lines.
    let sizes = Tally::period_tokens(&tallies);
    let sizes: Vec<(&str, u64)> = sizes.iter().map(|(p, &n)| (p.as_str(), n)).collect();
    let first_docs_in = crate::measure::main_comparison(&sizes, options.compare)
        .filter(|_| options.report)
        .map_or_else(Vec::new, |c| vec![c.a, c.b]);
    let resolve_options = count::CombineOptions {
        prune_below: Some(options.min_count),
        first_docs_in: &first_docs_in,
        places: &canonical.places,
    };
    let runs_written = tallies.iter().map(Tally::runs_written).sum();
    let combining = "combining the counts of the threads";
    let (counts, first_docs) = count::combine(tallies, &resolve_options).context(combining)?;
    let unreadable = "reading back the per-document log from its temporary file";
    let mut counts = counts.finish().context(unreadable)?;
    canonical.rename(&mut counts.kwic);
    counts.kwic_sample(options.kwic_max);
    Ok(Resolved {
        counts,
        first_docs,
        runs_written,
    })
}
