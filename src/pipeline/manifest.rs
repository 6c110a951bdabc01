//! The run manifest, run.json: the tool and command line, the settings, the lexicon and
//! every input with its hash, what was skipped, the counts, and the time and memory each
//! stage took.

use crate::config::Config;
use crate::corpus::InputFile;
use crate::count::Counts;
use crate::ingest::date::DateOrder;
use crate::measure::{self, Comparison};
use crate::report::manifest::{self, Manifest};
use crate::report::summary::Summary;

use super::clock::Stopwatch;
use super::read::Read;
use super::setup::Setup;

/// What run.json says of the counts, kept so the counts can go before the report's pass.
pub(crate) struct CountFacts {
    periods: Vec<manifest::PeriodLine>,
    word_tokens: u64,
    distinct_terms: usize,
}

impl CountFacts {
    pub(crate) fn of(counts: &Counts) -> CountFacts {
        CountFacts {
            periods: counts
                .periods
                .iter()
                .map(|(p, c)| manifest::PeriodLine {
                    period: p.clone(),
                    documents: c.docs,
                    word_tokens: c.tokens,
                })
                .collect(),
            word_tokens: counts.periods.values().map(|c| c.tokens).sum(),
            distinct_terms: counts.distinct_terms(),
        }
    }
}

/// Everything run.json is made from.
pub(crate) struct Run<'a> {
    pub(crate) config: &'a Config,
    pub(crate) setup: &'a Setup,
    pub(crate) read: &'a Read,
    pub(crate) summary: &'a Summary,
    pub(crate) comparisons: &'a [Comparison],
    pub(crate) facts: CountFacts,
    /// The longest phrase counted, and why phrases were left out, when they were.
    pub(crate) phrases: &'a (usize, Option<String>),
    pub(crate) clock: &'a Stopwatch,
}

/// Writes run.json to `out`.
pub(crate) fn write(run: &Run, out: &mut impl std::io::Write) -> anyhow::Result<()> {
    let Run {
        config,
        read,
        summary,
        ..
    } = run;
    let seconds = run.clock.seconds();
    let document_bytes: u64 = read.docs.iter().map(|d| d.bytes).sum();
    let manifest = Manifest {
        tool: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
        command_line: &config.command_line,
        settings: manifest::Settings {
            period: &config.period,
            compare: config.compare.as_ref(),
            min_count: config.min_count,
            language: &config.language,
            stemming: config.stemmer.is_some(),
            extra_stopwords: config.stopwords.as_ref().map(|p| p.display().to_string()),
            date_order: match config.date_order {
                DateOrder::DayFirst => "day_first",
                DateOrder::MonthFirst => "month_first",
            },
            significance_level: measure::ALPHA,
            longest_phrase: run.phrases.0,
            phrases_note: run.phrases.1.as_deref(),
            memory_bytes: config.memory,
        },
        lexicon: config
            .themes
            .as_ref()
            .zip(run.setup.lexicon_text())
            .map(|(p, text)| hash_bytes(&p.display().to_string(), text.as_bytes())),
        inputs: manifest::Inputs {
            tables: &read.inputs,
            documents: &read.docs,
        },
        skipped: &summary.skipped,
        warnings: &summary.warnings,
        counts: manifest::ManifestCounts {
            documents: read.docs.len(),
            dated_documents: read.docs.len() - summary.undated.len(),
            skipped_files: summary.skipped.len(),
            word_tokens: run.facts.word_tokens,
            distinct_terms: run.facts.distinct_terms,
        },
        periods: run.facts.periods.clone(),
        comparisons: run.comparisons,
        small_periods: &summary.small_periods,
        no_comparison: summary.no_comparison.as_deref(),
        engine: manifest::Engine {
            kind: if config.cluster.is_some() {
                "cluster"
            } else {
                "local"
            },
            scheduler: config.cluster.as_deref(),
        },
        threads: config.threads,
        seconds: seconds.clone(),
        peak_memory_mb: run.clock.peaks(),
        speed: manifest::Speed::new(read.total_bytes, document_bytes, &seconds),
    };
    manifest::write_json(&manifest, out)
}

/// Size and SHA-256 of a file read whole (the lexicon).
fn hash_bytes(name: &str, bytes: &[u8]) -> InputFile {
    use sha2::{Digest, Sha256};
    InputFile {
        path: name.to_string(),
        bytes: bytes.len() as u64,
        sha256: format!("{:x}", Sha256::digest(bytes)),
    }
}
