//! `run.json`: what was run, on what, and how long it took, so a table in a report can be
//! traced to the exact inputs (each file's size and SHA-256) and settings that made it.

use serde::Serialize;

use crate::corpus::InputFile;

use crate::ingest::walk::Skipped;
use crate::measure::{Comparison, SmallPeriods};

/// The manifest. Everything but `seconds` is the same from run to run on the same inputs.
#[derive(Debug, Serialize)]
pub(crate) struct Manifest<'a> {
    pub tool: &'static str,
    pub version: &'static str,
    pub command_line: &'a [String],
    pub settings: Settings<'a>,
    pub lexicon: Option<InputFile>,
    pub inputs: Inputs<'a>,
    pub skipped: &'a [Skipped],
    /// What was odd about the documents, in full (the terminal shortens some).
    pub warnings: &'a [String],
    pub counts: ManifestCounts,
    pub periods: Vec<PeriodLine>,
    pub comparisons: &'a [Comparison],
    /// Periods too small to compare by default, the rule, and those the default comparisons
    /// left out.
    pub small_periods: &'a SmallPeriods,
    pub no_comparison: Option<&'a str>,
    /// Where the documents were read and counted.
    pub engine: Engine<'a>,
    pub threads: usize,
    pub seconds: Vec<(&'static str, f64)>,
    /// Peak resident memory (MB) by the end of each stage, where the system tells it.
    pub peak_memory_mb: Vec<(&'static str, f64)>,
    pub speed: Speed,
}

/// Where the documents were read and counted: `local` (this machine's threads) or `cluster`
/// (the executors of the scheduler named).
#[derive(Debug, Serialize)]
pub(crate) struct Engine<'a> {
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduler: Option<&'a str>,
}

/// Throughput of the whole run over the sum of the stage timings: of the input files' bytes,
/// and of the documents' text (a text file whole, a table row's text cell; for a compressed
/// Parquet file the second is the one to compare with other inputs).
#[derive(Debug, Serialize)]
pub(crate) struct Speed {
    pub input_bytes: u64,
    pub document_bytes: u64,
    pub total_seconds: f64,
    pub megabytes_per_second: f64,
    pub document_megabytes_per_second: f64,
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
    pub period: &'a crate::period::Periods,
    pub compare: Option<&'a (String, String)>,
    pub min_count: u64,
    pub language: &'a str,
    pub stemming: bool,
    pub extra_stopwords: Option<String>,
    pub date_order: &'static str,
    pub significance_level: f64,
    /// The longest phrase counted as a term (1: words only).
    pub longest_phrase: usize,
    /// Why phrases were not counted, when `--ngrams` was not given and the corpus is large;
    /// or that their tables were written out to a temporary file, to stay within `--memory`.
    pub phrases_note: Option<&'a str>,
    /// `--memory`, in bytes.
    pub memory_bytes: u64,
}

/// Every input file, in path order: the table files, and the documents that are whole text
/// files, written out one at a time as run.json is written (a corpus of files can have
/// hundreds of thousands).
#[derive(Debug)]
pub(crate) struct Inputs<'a> {
    pub tables: &'a [InputFile],
    pub documents: &'a [crate::corpus::DocRecord],
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
    pub documents: usize,
    pub dated_documents: usize,
    pub skipped_files: usize,
    pub word_tokens: u64,
    pub distinct_terms: usize,
}

/// One period's size.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PeriodLine {
    pub period: String,
    pub documents: u64,
    pub word_tokens: u64,
}

/// Writes the manifest as pretty JSON.
pub(crate) fn write_json(manifest: &Manifest, out: &mut impl std::io::Write) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, manifest)?;
    out.write_all(b"\n")?;
    Ok(())
}
