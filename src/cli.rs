//! Command-line flags, as clap derive structs: raw values only. Validation and everything
//! derived from the flags happens once, in [`crate::config::Config::from_args`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::period::PeriodKind;

/// Most worker threads `--threads` may ask for (and the default, one per core, is held to):
/// idle workers of the pool look for work by visiting one another, which grows with the
/// square of their number, and in the thousands the system refuses to start them.
pub const MAX_THREADS: usize = 256;

const EXIT_CODES: &str = "\
Exit codes:
  0  success (warnings about skipped files do not fail a run, unless --strict); a corpus
     with one dated period is a success too: its tables are written, with a note that no
     comparison was made
  1  the run failed (for example a disk error while writing)
  2  a usage or input error: a missing folder, no readable documents, a malformed
     lexicon, an output folder that cannot be written, holds files themeshift did not
     write (see --force) or holds an input, or another run writing to it
A run that fails replaces nothing: the previous results stay as they were.";

/// Show how the language of a field moves over time.
#[derive(Debug, Parser)]
#[command(name = "themeshift", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    #[allow(missing_docs)] // the subcommands document themselves
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read a folder of dated documents and write term, keyness and theme-shift tables and
    /// charts.
    #[command(visible_alias = "analyze", after_help = EXIT_CODES)]
    Analyse(AnalyseArgs),
    /// Print the concordance of a pattern: every place it occurs in the documents, with the
    /// words around it, by period and document.
    #[command(after_help = EXIT_CODES)]
    Kwic(KwicArgs),
    /// Run one machine of a cluster that `analyse --cluster` counts a corpus on (Apache
    /// DataFusion Ballista): a scheduler, then an executor on each machine. Needs a build with
    /// `--features cluster`.
    #[command(subcommand)]
    Cluster(ClusterCommand),
}

/// The machines of a cluster.
#[derive(Debug, Subcommand)]
pub enum ClusterCommand {
    /// The scheduler: takes jobs from `analyse --cluster df://HOST:PORT` and hands their
    /// tasks to the executors. Runs until stopped (Ctrl-C).
    Scheduler(SchedulerArgs),
    /// An executor: reads and counts the tasks the scheduler hands it. The corpus must be at
    /// the same path on this machine as on the one that runs `analyse`. Runs until stopped.
    Executor(ExecutorArgs),
}

/// Flags of `themeshift cluster scheduler`.
#[derive(Debug, Args, Clone)]
pub struct SchedulerArgs {
    /// Address to listen on (0.0.0.0: every interface).
    #[arg(long, default_value = "0.0.0.0", value_name = "ADDR")]
    pub bind: String,

    /// Port to listen on (0: any free port, printed at start).
    #[arg(long, default_value_t = 50050, value_name = "N")]
    pub port: u16,

    /// File holding the cluster's shared secret (its first line; else the environment
    /// variable THEMESHIFT_CLUSTER_SECRET). Every call between the scheduler, the executors
    /// and `analyse --cluster` carries it, and a call without it is refused. Required unless
    /// listening on loopback only. Make one with `head -c 32 /dev/urandom | base64 >
    /// cluster.secret` and give the same file to every machine.
    #[arg(long, value_name = "FILE")]
    pub secret_file: Option<PathBuf>,
}

/// Flags of `themeshift cluster executor`.
#[derive(Debug, Args, Clone)]
pub struct ExecutorArgs {
    /// The scheduler, as HOST:PORT.
    #[arg(long, value_name = "HOST:PORT")]
    pub scheduler: String,

    /// Address to listen on for the other executors and the driver (0.0.0.0: every
    /// interface).
    #[arg(long, default_value = "0.0.0.0", value_name = "ADDR")]
    pub bind: String,

    /// The host name or address the others reach this executor at (default: this
    /// machine's host name, or 127.0.0.1 when the scheduler is on 127.0.0.1).
    #[arg(long, value_name = "HOST")]
    pub external_host: Option<String>,

    /// Port for fetching results (0: any free port); the port after it takes the
    /// scheduler's calls.
    #[arg(long, default_value_t = 50051, value_name = "N")]
    pub port: u16,

    /// Tasks run at once, each on one thread (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// Folder for the executor's shuffle files (default: a temporary folder, removed on exit).
    #[arg(long, value_name = "DIR")]
    pub work_dir: Option<PathBuf>,

    /// File holding the cluster's shared secret (its first line; else the environment
    /// variable THEMESHIFT_CLUSTER_SECRET). Every call between the scheduler, the executors
    /// and `analyse --cluster` carries it, and a call without it is refused. Required unless
    /// listening on loopback only. Make one with `head -c 32 /dev/urandom | base64 >
    /// cluster.secret` and give the same file to every machine.
    #[arg(long, value_name = "FILE")]
    pub secret_file: Option<PathBuf>,

    /// The only folder whose files this executor reads for a job: a task naming a file
    /// outside it (after `..` and symbolic links are resolved) fails, naming the file and the
    /// folder. Required unless listening on loopback only.
    #[arg(long, value_name = "DIR")]
    pub corpus_root: Option<PathBuf>,
}

/// Flags of `themeshift analyse`.
#[derive(Debug, Args, Clone)]
pub struct AnalyseArgs {
    #[allow(missing_docs)] // ReadArgs documents its flags
    #[command(flatten)]
    pub read: ReadArgs,

    /// Folder for the tables and charts, replaced whole when the run succeeds. It must be
    /// absent, empty or the output of an earlier run (else see --force), and may not be, hold
    /// or lie inside the input folder, or hold the lexicon, stopword file or metadata.csv.
    #[arg(short, long, default_value = "output")]
    pub output: PathBuf,

    /// Replace the output folder even when it holds files themeshift did not write (they are
    /// deleted). Never applies to a folder that is, holds or lies inside an input.
    #[arg(long)]
    pub force: bool,

    #[allow(rustdoc::broken_intra_doc_links)] // `[[theme]]` is TOML, and this is --help text
    /// Theme lexicon (TOML, one [[theme]] table per theme with name, description, patterns).
    #[arg(long, value_name = "FILE")]
    pub themes: Option<PathBuf>,

    /// The two periods to compare, earlier first (e.g. 2003,2010), whatever their size.
    /// Default: the earliest and the latest period big enough to compare; a period is too
    /// small when it has fewer than 100 words or fewer than a tenth of the median period's
    /// words (a stray mistyped date), and the run names the periods it left out.
    #[arg(long, value_name = "A,B")]
    pub compare: Option<String>,

    /// Keyness is computed for terms seen at least this often in the two periods together.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub min_count: u64,

    /// Phrases counted as terms: 1 for single words only, 1-2 to add two-word phrases
    /// (bigrams), 1-3 to add three-word phrases. Default: 1-2 for a corpus of up to 100 MB,
    /// 1 above that (the phrases kept make the counts and tables several times larger);
    /// give 1-2 to count them in a larger corpus too (their tables held within --memory).
    #[arg(long, value_name = "1-N")]
    pub ngrams: Option<String>,

    /// Memory the phrases' tables are held to while counting (K, M, G: 512M, 2G): past it, a
    /// counter writes its phrases out to a temporary file, sorted, and the counts are merged
    /// from there at the end, exactly. Memory for the words and the tables comes on top.
    #[arg(long, default_value = "1G", value_name = "SIZE")]
    pub memory: String,

    /// Words of context each side of a concordance line in kwic.csv.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub kwic_window: usize,

    /// Concordance lines kept per theme and period in kwic.csv (a fixed sample when there are
    /// more; 0 keeps every line).
    #[arg(long, default_value_t = 200, value_name = "N")]
    pub kwic_max: usize,

    /// Fail (exit code 2, nothing written) when any file or row is skipped or any warning is
    /// given, an undated document included.
    #[arg(long)]
    pub strict: bool,

    /// Do not write report.html (which reads the compared periods' documents a second time
    /// for the concordance lines of the key terms).
    #[arg(long)]
    pub no_report: bool,

    /// Do not write tables.xlsx (every table as a sheet of one workbook, for spreadsheets).
    /// Default: written for an input of up to 100 MB, left out above that (its long sheets
    /// then take longer to write than the rest of the run), which the summary says.
    #[arg(long, conflicts_with = "xlsx")]
    pub no_xlsx: bool,

    /// Write tables.xlsx whatever the input's size.
    #[arg(long)]
    pub xlsx: bool,

    /// Start each CSV with a UTF-8 byte-order mark, so that Excel reads it as UTF-8 when it
    /// is double-clicked (some programs then read the mark as part of the first column's
    /// name; tables.xlsx needs neither).
    #[arg(long)]
    pub csv_bom: bool,

    /// Count on a cluster (see `themeshift cluster`) instead of this machine: its scheduler
    /// as df://HOST:PORT. The input must be at the same path on every executor as here; the
    /// tables and charts are written here, the same as a run on this machine writes. Needs a
    /// build with `--features cluster`.
    #[arg(long, value_name = "df://HOST:PORT")]
    pub cluster: Option<String>,

    /// With --cluster: the file holding the cluster's shared secret (else the environment
    /// variable THEMESHIFT_CLUSTER_SECRET), as given to its scheduler and executors.
    #[arg(long, value_name = "FILE")]
    pub secret_file: Option<PathBuf>,
}

/// How documents are found and read: the flags `analyse` and `kwic` share.
#[derive(Debug, Args, Clone)]
pub struct ReadArgs {
    /// Folder of documents (.txt, .md, .html, and tables of documents: .csv, .tsv, .jsonl, .parquet;
    /// searched recursively), or one such file. A `metadata.csv` in the folder (columns
    /// file,date and optionally title,source) gives dates and titles; a `themes.toml` in it is
    /// the theme lexicon unless --themes is given.
    pub input: PathBuf,

    /// How dates are grouped into periods.
    #[arg(long, value_enum, default_value_t = PeriodKind::Year)]
    pub period: PeriodKind,

    /// Periods of your own instead: years or ranges of years in time order, labelled as
    /// written (e.g. 1995-2004,2005-2014,2015-2026). Documents dated outside them are left
    /// out and named in the summary.
    #[arg(long, value_name = "RANGES", conflicts_with = "period")]
    pub periods: Option<String>,

    /// Language of the documents: Snowball stemmer and built-in stopword list.
    #[arg(long, default_value = "english")]
    pub language: String,

    /// Do not stem: count words as they are written (lower-cased).
    #[arg(long)]
    pub no_stem: bool,

    /// Extra stopwords: a file with one word a line (# starts a comment).
    #[arg(long, value_name = "FILE")]
    pub stopwords: Option<PathBuf>,

    /// Read ambiguous numeric dates such as 03/04/2005 month first (US style). Default is day
    /// first (UK style); a run whose other dates can only be read month first (07/22/2010)
    /// names the ambiguous ones in a warning.
    #[arg(long)]
    pub month_first: bool,

    /// Table corpora (.csv, .tsv, .jsonl, .parquet): the column holding each document's text.
    #[arg(long, default_value = "text", value_name = "NAME")]
    pub text_column: String,

    /// Table corpora: the column holding each document's date.
    #[arg(long, default_value = "date", value_name = "NAME")]
    pub date_column: String,

    /// Table corpora: the column naming each document (default: `id` when present, else the
    /// row number).
    #[arg(long, value_name = "NAME")]
    pub id_column: Option<String>,

    /// Table corpora: the column holding each document's title (default: `title` when
    /// present, else the first line of the text).
    #[arg(long, value_name = "NAME")]
    pub title_column: Option<String>,

    /// Read every text file and CSV, TSV and JSON Lines table in this encoding (e.g.
    /// windows-1252, latin1, utf-16le) instead of detecting it.
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,

    /// Worker threads (default: one per core; at most 256). Results do not depend on this.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Flags of `themeshift kwic`.
#[derive(Debug, Args, Clone)]
pub struct KwicArgs {
    /// What to look for, in the lexicon's pattern language: one or more words, each matching
    /// any word with the same stem (`top table` finds "top tables" and "top-tables"), ending
    /// in * to match a beginning (`centralis*`), or starting with = to match that written
    /// form only (`=compat`); words joined by a hyphen (`top-down`) match only the hyphenated
    /// form. Quote a pattern of several words.
    pub pattern: String,

    #[allow(missing_docs)] // ReadArgs documents its flags
    #[command(flatten)]
    pub read: ReadArgs,

    /// Words of context each side of the match.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub window: usize,

    /// Lines shown per period (a fixed sample when there are more; 0 shows every line).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub max: usize,

    /// Write the concordance to this CSV file (same columns as kwic.csv) instead of printing
    /// it; `-` is standard output. A file in the input folder is refused; a symbolic link is
    /// written through.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,

    /// Start the `--csv` file with a UTF-8 byte-order mark, as `analyse --csv-bom` does its
    /// CSVs (for Excel's double-click).
    #[arg(long)]
    pub csv_bom: bool,
}
