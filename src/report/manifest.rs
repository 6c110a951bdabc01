//! `run.json`: what was run, on what, and how long it took, so a table in a report can be
//! traced to the exact inputs (each file's size and SHA-256) and settings that made it.

use serde::Serialize;

use crate::corpus::InputFile;

use crate::ingest::walk::Skipped;
use crate::measure::{Comparison, SmallPeriods};

/// The manifest. Everything but `seconds` is the same from run to run on the same inputs.
#[derive(Debug, Serialize)]
pub(crate) struct Manifest<'a> {
    pub(crate) tool: &'static str,
    pub(crate) version: &'static str,
    pub(crate) command_line: &'a [String],
    pub(crate) settings: Settings<'a>,
    pub(crate) lexicon: Option<InputFile>,
    pub(crate) inputs: Inputs<'a>,
    pub(crate) skipped: &'a [Skipped],
    /// What was odd about the documents, in full (the terminal shortens some).
    pub(crate) warnings: &'a [String],
    pub(crate) counts: ManifestCounts,
    pub(crate) periods: Vec<PeriodLine>,
    pub(crate) comparisons: &'a [Comparison],
    /// Periods too small to compare by default, the rule, and those the default comparisons
    /// left out.
    pub(crate) small_periods: &'a SmallPeriods,
    pub(crate) no_comparison: Option<&'a str>,
    /// Where the documents were read and counted.
    pub(crate) engine: Engine<'a>,
    pub(crate) threads: usize,
    pub(crate) seconds: Vec<(&'static str, f64)>,
    /// Peak resident memory (MB) by the end of each stage, where the system tells it.
    pub(crate) peak_memory_mb: Vec<(&'static str, f64)>,
    pub(crate) speed: Speed,
}

/// Where the documents were read and counted: `local` (this machine's threads) or `cluster`
/// (the executors of the scheduler named).
#[derive(Debug, Serialize)]
pub(crate) struct Engine<'a> {
    pub(crate) kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) scheduler: Option<&'a str>,
}

/// Throughput of the whole run over the sum of the stage timings: of the input files' bytes,
/// and of the documents' text (a text file whole, a table row's text cell; for a compressed
/// Parquet file the second is the one to compare with other inputs).
#[derive(Debug, Serialize)]
pub(crate) struct Speed {
    pub(crate) input_bytes: u64,
    pub(crate) document_bytes: u64,
    pub(crate) total_seconds: f64,
    pub(crate) megabytes_per_second: f64,
    pub(crate) document_megabytes_per_second: f64,
}

impl Speed {
    pub(crate) fn new(
        input_bytes: u64,
        document_bytes: u64,
        seconds: &[(&'static str, f64)],
    ) -> Speed {
        let total_seconds: f64 = seconds.iter().map(|(_, t)| t).sum();
        let rate = |bytes: u64| {
            if total_seconds > 0.0 {
                bytes as f64 / 1e6 / total_seconds
            } else {
                0.0
            }
        };
        Speed {
            input_bytes,
            document_bytes,
            total_seconds,
            megabytes_per_second: rate(input_bytes),
            document_megabytes_per_second: rate(document_bytes),
        }
    }
}

/// The settings that change results.
#[derive(Debug, Serialize)]
pub(crate) struct Settings<'a> {
    pub(crate) period: &'a crate::period::Periods,
    pub(crate) compare: Option<&'a (String, String)>,
    pub(crate) min_count: u64,
    pub(crate) language: &'a str,
    pub(crate) stemming: bool,
    pub(crate) extra_stopwords: Option<String>,
    pub(crate) date_order: &'static str,
    pub(crate) significance_level: f64,
    /// The longest phrase counted as a term (1: words only).
    pub(crate) longest_phrase: usize,
    /// Why phrases were not counted, when `--ngrams` was not given and the corpus is large;
    /// or that their tables were written out to a temporary file, to stay within `--memory`.
    pub(crate) phrases_note: Option<&'a str>,
    /// `--memory`, in bytes.
    pub(crate) memory_bytes: u64,
}

/// Every input file, in path order: the table files, and the documents that are whole text
/// files, written out one at a time as run.json is written (a corpus of files can have
/// hundreds of thousands).
#[derive(Debug)]
pub(crate) struct Inputs<'a> {
    pub(crate) tables: &'a [InputFile],
    pub(crate) documents: &'a [crate::corpus::DocRecord],
}

impl Serialize for Inputs<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        /// One file as run.json lists it.
        #[derive(Serialize)]
        struct Input<'p> {
            path: &'p str,
            bytes: u64,
            sha256: std::borrow::Cow<'p, str>,
        }
        // Tables (Ok) and text files (Err), by index, in path order.
        let mut all: Vec<(&str, Result<usize, usize>)> = self
            .tables
            .iter()
            .enumerate()
            .map(|(i, f)| (f.path.as_str(), Ok(i)))
            .chain(
                self.documents
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| d.from_file)
                    .map(|(i, d)| (&*d.name, Err(i))),
            )
            .collect();
        all.sort_by(|a, b| a.0.cmp(b.0));
        serializer.collect_seq(all.into_iter().map(|(path, which)| match which {
            Ok(t) => Input {
                path,
                bytes: self.tables[t].bytes,
                sha256: self.tables[t].sha256.as_str().into(),
            },
            Err(d) => Input {
                path,
                bytes: self.documents[d].bytes,
                sha256: crate::ingest::hex(&self.documents[d].sha256).into(),
            },
        }))
    }
}

/// Totals.
#[derive(Debug, Serialize)]
pub(crate) struct ManifestCounts {
    pub(crate) documents: usize,
    pub(crate) dated_documents: usize,
    pub(crate) skipped_files: usize,
    pub(crate) word_tokens: u64,
    pub(crate) distinct_terms: usize,
}

/// One period's size.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PeriodLine {
    pub(crate) period: String,
    pub(crate) documents: u64,
    pub(crate) word_tokens: u64,
}

/// Writes the manifest as pretty JSON.
pub(crate) fn write_json(manifest: &Manifest, out: &mut impl std::io::Write) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, manifest)?;
    out.write_all(b"\n")?;
    Ok(())
}
