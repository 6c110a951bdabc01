//! Flags become a validated [`Config`] here, once: paths checked, the compared periods parsed,
//! the stemmer chosen, the thread count settled. Later stages read this, never the flags.

use std::path::{Path, PathBuf};

use rust_stemmers::Algorithm;

use crate::cli::{AnalyseArgs, KwicArgs, ReadArgs};
use crate::count::{CountOptions, MAX_N, PHRASE_BYTES};
use crate::error::InputError;
use crate::ingest::date::DateOrder;
use crate::ingest::table::Columns;
use crate::period::Periods;
use crate::tokenise::stem;

/// Input size up to which phrases are counted when `--ngrams` is not given. Counting them
/// holds its tables within `--memory` (they are written out to a temporary file past it),
/// but the phrases kept (seen at least `--min-count` times) still make the counts and the
/// tables many times larger than words alone (a generated gigabyte: 4.9 GB and 166 s with
/// phrases, 0.4 GB and 40 s without; BENCHMARKS.md), so a larger corpus counts words only
/// unless phrases are asked for.
pub(crate) const PHRASES_BY_DEFAULT_UP_TO: u64 = 100_000_000;

/// `--memory` when not given: what a laptop spares for a run, 1 GB.
pub(crate) const DEFAULT_MEMORY: u64 = 1 << 30;

/// Phrases each counter's table holds, when its words take nothing, before it is written out
/// as a run: a third of `memory` shared by `threads` counters, at [`PHRASE_BYTES`] a phrase,
/// at least 1,000. Each counter's words come out of its share ([`crate::count::Counter`]);
/// the other two thirds are for the rest of the run (reading, and the tables made from the
/// counts).
pub(crate) fn phrase_table(memory: u64, threads: usize) -> usize {
    let table = memory / 3 / threads.max(1) as u64 / PHRASE_BYTES;
    table.max(1_000) as usize
}

/// Input size up to which tables.xlsx is written when neither `--xlsx` nor `--no-xlsx` is
/// given: the workbook's long sheets (a row per term and period) are compressed as they are
/// written, which above this size takes longer than the rest of the run together
/// (BENCHMARKS.md has the figure); the CSVs hold every table whatever the size.
pub(crate) const XLSX_BY_DEFAULT_UP_TO: u64 = 100_000_000;

pub(crate) use crate::cli::MAX_THREADS;

/// What `themeshift kwic` looks for, and where its lines go.
#[derive(Debug, Clone)]
pub struct Kwic {
    /// The pattern, in the lexicon's pattern language.
    pub(crate) pattern: String,
    /// Where its lines go.
    pub(crate) output: KwicOutput,
}

/// Where `themeshift kwic` puts its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KwicOutput {
    /// Printed for a terminal, the matches in a column.
    Text,
    /// As CSV on standard output (`--csv -`).
    CsvToStdout,
    /// As a CSV file (`--csv FILE`), written whole or not at all.
    CsvFile(PathBuf),
}

/// Everything a run needs to know, validated.
#[derive(Debug, Clone)]
pub struct Config {
    /// The folder of documents.
    pub(crate) input: PathBuf,
    /// Where the tables and charts go.
    pub(crate) output: PathBuf,
    /// The theme lexicon, when there is one.
    pub(crate) themes: Option<PathBuf>,
    /// How dates are binned.
    pub(crate) period: Periods,
    /// The pair of periods to compare (A, B), when the user chose one.
    pub(crate) compare: Option<(String, String)>,
    /// Minimum count in A and B together for a term to be tested for keyness.
    pub(crate) min_count: u64,
    /// Language name, lower case.
    pub(crate) language: String,
    /// Snowball algorithm, `None` with `--no-stem`.
    pub(crate) stemmer: Option<Algorithm>,
    /// Extra stopword file.
    pub(crate) stopwords: Option<PathBuf>,
    /// How to read ambiguous numeric dates.
    pub(crate) date_order: DateOrder,
    /// Worker threads.
    pub(crate) threads: usize,
    /// Print nothing but errors.
    pub quiet: bool,
    /// The command line as given, for the run manifest.
    pub(crate) command_line: Vec<String>,
    /// Column names for table corpora.
    pub(crate) columns: Columns,
    /// Phrases and concordance settings.
    pub(crate) count: CountOptions,
    /// `--encoding`: decode every text file and CSV, TSV and JSON Lines table this way.
    pub(crate) encoding: Option<&'static encoding_rs::Encoding>,
    /// `--strict`: skipped files and rows, undated documents and warnings fail the run.
    pub(crate) strict: bool,
    /// `--force`: an output folder that is not a previous output may be replaced.
    pub(crate) force: bool,
    /// Count undated documents too, under the period `undated` (for `kwic`, which searches
    /// every document).
    pub(crate) search_undated: bool,
    /// Write report.html.
    pub(crate) report: bool,
    /// Write tables.xlsx: `Some(true)` with `--xlsx`, `Some(false)` with `--no-xlsx`, `None`
    /// when the input's size decides ([`XLSX_BY_DEFAULT_UP_TO`]).
    pub(crate) xlsx: Option<bool>,
    /// `--csv-bom`: each CSV starts with a UTF-8 byte-order mark.
    pub(crate) csv_bom: bool,
    /// When `--ngrams` was not given: the input size (bytes) above which phrases are not
    /// counted ([`PHRASES_BY_DEFAULT_UP_TO`]).
    pub(crate) phrases_up_to: Option<u64>,
    /// `--memory`: what counting's words and phrases are held within (see [`phrase_table`]).
    pub(crate) memory: u64,
    /// `--cluster df://HOST:PORT`: count on the cluster of this scheduler (`HOST:PORT`).
    pub(crate) cluster: Option<String>,
    /// `--secret-file`: where the cluster's shared secret is, when given.
    pub(crate) cluster_secret: Option<PathBuf>,
}

impl Config {
    /// Validates the flags of `analyse`; `command_line` is recorded in run.json.
    pub fn from_args(args: &AnalyseArgs, command_line: Vec<String>) -> Result<Config, InputError> {
        let mut config = Config::reading(&args.read, command_line)?;
        let folder = if config.input.is_dir() {
            config.input.clone()
        } else {
            config
                .input
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default()
        };
        config.themes = match &args.themes {
            // Not only a plain file: `--themes <(...)` is a pipe, read like one.
            Some(path) if !path.exists() => return Err(InputError::LexiconMissing(path.clone())),
            Some(path) if path.is_dir() => {
                return Err(InputError::LexiconUnreadable {
                    path: path.clone(),
                    reason: "it is a folder".into(),
                })
            }
            Some(path) => Some(path.clone()),
            None => Some(folder.join("themes.toml")).filter(|p| p.is_file()),
        };
        config.output = args.output.clone();
        config.force = args.force;
        config.compare = args.compare.as_deref().map(parse_compare).transpose()?;
        config.min_count = args.min_count.max(1);
        config.strict = args.strict;
        config.report = !args.no_report;
        config.xlsx = match (args.xlsx, args.no_xlsx) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        };
        config.csv_bom = args.csv_bom;
        config.cluster = args.cluster.as_deref().map(parse_cluster).transpose()?;
        config.cluster_secret = args.secret_file.clone();
        config.phrases_up_to = args.ngrams.is_none().then_some(PHRASES_BY_DEFAULT_UP_TO);
        config.memory = parse_size(&args.memory)?;
        config.count = CountOptions {
            max_n: parse_ngrams(args.ngrams.as_deref().unwrap_or("1-2"))?,
            kwic_window: args.kwic_window,
            kwic_max: args.kwic_max,
            phrase_table: phrase_table(config.memory, config.threads),
        };
        Ok(config)
    }

    /// Validates the flags of `kwic`: the settings (words only, every concordance line unless
    /// `--max`), and what to look for and where its lines go.
    pub fn for_kwic(
        args: &KwicArgs,
        command_line: Vec<String>,
    ) -> Result<(Config, Kwic), InputError> {
        let mut config = Config::reading(&args.read, command_line)?;
        config.count = CountOptions {
            max_n: 1,
            kwic_window: args.window,
            kwic_max: args.max,
            phrase_table: 0,
        };
        config.search_undated = true;
        config.csv_bom = args.csv_bom;
        let kwic = Kwic {
            pattern: args.pattern.clone(),
            output: match args.csv.as_deref() {
                None => KwicOutput::Text,
                Some(p) if p.as_os_str() == "-" => KwicOutput::CsvToStdout,
                Some(p) => KwicOutput::CsvFile(p.to_path_buf()),
            },
        };
        Ok((config, kwic))
    }

    /// The settings every command shares (how documents are found and read), with the
    /// defaults of `analyse` for the rest.
    fn reading(args: &ReadArgs, command_line: Vec<String>) -> Result<Config, InputError> {
        let input = args.input.clone();
        if !input.exists() {
            return Err(InputError::InputMissing(input));
        }
        if !input.is_dir() && !crate::ingest::walk::is_document(&input) {
            return Err(InputError::InputNotFolder(input));
        }
        if let Some(path) = args
            .stopwords
            .as_ref()
            .filter(|p| !p.exists() || p.is_dir())
        {
            return Err(InputError::StopwordsMissing(path.clone()));
        }
        if let Some(n) = args.threads.filter(|&n| n > MAX_THREADS) {
            return Err(InputError::Threads(n));
        }
        let language = args.language.to_lowercase();
        let algorithm = stem::algorithm(&language).ok_or_else(|| {
            let names: Vec<_> = stem::LANGUAGES.iter().map(|(n, _)| *n).collect();
            InputError::UnknownLanguage(args.language.clone(), names.join(", "))
        })?;
        let threads = args.threads.filter(|&n| n > 0).unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_THREADS))
        });
        Ok(Config {
            input,
            output: PathBuf::from("output"),
            themes: None,
            period: match &args.periods {
                Some(ranges) => Periods::parse_ranges(ranges).map_err(InputError::Periods)?,
                None => Periods::Every(args.period),
            },
            compare: None,
            min_count: 2,
            language,
            stemmer: (!args.no_stem).then_some(algorithm),
            stopwords: args.stopwords.clone(),
            date_order: if args.month_first {
                DateOrder::MonthFirst
            } else {
                DateOrder::DayFirst
            },
            threads,
            quiet: args.quiet,
            command_line,
            encoding: match &args.encoding {
                None => None,
                Some(name) => Some(
                    encoding_rs::Encoding::for_label(name.trim().as_bytes())
                        .ok_or_else(|| InputError::UnknownEncoding(name.clone()))?,
                ),
            },
            strict: false,
            force: false,
            search_undated: false,
            report: false,
            xlsx: Some(false),
            csv_bom: false,
            phrases_up_to: None,
            memory: DEFAULT_MEMORY,
            cluster: None,
            cluster_secret: None,
            count: CountOptions::default(),
            columns: Columns {
                text: args.text_column.clone(),
                date: args.date_column.clone(),
                id: args.id_column.clone(),
                title: args.title_column.clone(),
            },
        })
    }
}

fn parse_compare(s: &str) -> Result<(String, String), InputError> {
    match s.split(',').map(str::trim).collect::<Vec<_>>()[..] {
        [a, b] if !a.is_empty() && !b.is_empty() && a != b => Ok((a.to_string(), b.to_string())),
        _ => Err(InputError::CompareSyntax(s.to_string())),
    }
}

/// `--cluster df://HOST:PORT`: the scheduler's `HOST:PORT` (a build without the cluster
/// feature says so here, before anything is read).
fn parse_cluster(text: &str) -> Result<String, InputError> {
    let bad = || InputError::ClusterAddress(text.to_string());
    let address = text.trim().strip_prefix("df://").ok_or_else(bad)?;
    let (host, port) = address.rsplit_once(':').ok_or_else(bad)?;
    if host.is_empty() || port.parse::<u16>().map_or(true, |p| p == 0) {
        return Err(bad());
    }
    if !cfg!(feature = "cluster") {
        return Err(InputError::NoCluster("--cluster"));
    }
    Ok(address.to_string())
}

/// A size as `--memory` takes it: `1G`, `512M`, `1536M`.
pub(crate) fn shown_size(bytes: u64) -> String {
    const MB: u64 = 1 << 20;
    if bytes.is_multiple_of(1 << 30) {
        format!("{}G", bytes >> 30)
    } else if bytes.is_multiple_of(MB) {
        format!("{}M", bytes / MB)
    } else {
        format!("{:.0}M", bytes as f64 / MB as f64)
    }
}

/// `--memory SIZE`: bytes, with `K`, `M` or `G` (binary: 1G is 1,073,741,824 bytes), at
/// least 1 MB.
fn parse_size(text: &str) -> Result<u64, InputError> {
    let bad = || InputError::Memory(text.to_string());
    let t = text.trim().to_ascii_uppercase();
    let t = t.strip_suffix('B').unwrap_or(&t);
    let (digits, unit) = match t
        .char_indices()
        .find(|(_, c)| !c.is_ascii_digit() && *c != '.')
    {
        Some((i, _)) => (&t[..i], &t[i..]),
        None => (t, ""),
    };
    let number: f64 = digits.parse().map_err(|_| bad())?;
    let scale = match unit {
        "" => 1.0,
        "K" => 1024.0,
        "M" => 1024.0 * 1024.0,
        "G" => 1024.0 * 1024.0 * 1024.0,
        _ => return Err(bad()),
    };
    let bytes = number * scale;
    if !bytes.is_finite() || bytes < 1024.0 * 1024.0 {
        return Err(bad());
    }
    Ok(bytes as u64)
}

/// `--ngrams`: `1`, `1-2` or `1-3` (a bare `2` or `3` is read as `1-2`, `1-3`).
fn parse_ngrams(text: &str) -> Result<usize, InputError> {
    let bad = || InputError::Ngrams(text.to_string());
    let max = match text.trim().split_once('-') {
        Some((lo, hi)) if lo.trim() == "1" => hi.trim().parse::<usize>().map_err(|_| bad())?,
        Some(_) => return Err(bad()),
        None => text.trim().parse::<usize>().map_err(|_| bad())?,
    };
    if (1..=MAX_N).contains(&max) {
        Ok(max)
    } else {
        Err(bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_sizes_read_and_shown_as_written() {
        assert_eq!(parse_size("1G").unwrap(), 1 << 30);
        assert_eq!(parse_size("512m").unwrap(), 512 << 20);
        assert_eq!(parse_size("1.5G").unwrap(), 3 << 29);
        assert_eq!(parse_size("2048MB").unwrap(), 2 << 30);
        assert_eq!(parse_size("2097152").unwrap(), 2 << 20);
        for bad in ["", "G", "1T", "512K", "-1G", "lots"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
        assert_eq!(shown_size(1 << 30), "1G");
        assert_eq!(shown_size(512 << 20), "512M");
        // A third of the memory for the tables, shared by the threads, 100 bytes a phrase.
        assert_eq!(phrase_table(1 << 30, 2), 1_789_569);
        assert_eq!(phrase_table(1 << 20, 4), 1_000);
    }

    #[test]
    fn ngrams_flag() {
        assert_eq!(parse_ngrams("1-3").unwrap(), 3);
        assert_eq!(parse_ngrams("1").unwrap(), 1);
        assert_eq!(parse_ngrams(" 1 - 2 ").unwrap(), 2);
        for bad in ["2-3", "1-4", "0", "x"] {
            assert!(parse_ngrams(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn compare_needs_two_different_periods() {
        assert_eq!(
            parse_compare("2003, 2010").unwrap(),
            ("2003".into(), "2010".into())
        );
        for bad in ["2003", "2003,", "2003,2003", "a,b,c"] {
            assert!(parse_compare(bad).is_err(), "{bad}");
        }
    }
}
