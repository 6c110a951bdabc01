//! The mistakes a user must fix, as one enum the tests can assert on. Anything else (an I/O
//! failure mid-run, a bug) travels as a plain `anyhow::Error` with context naming the file.

use std::path::PathBuf;

use thiserror::Error;

/// An input or usage problem: the run stops with exit code 2 and this one-line message.
#[derive(Debug, Error)]
pub enum InputError {
    #[error("input folder {0} does not exist")]
    InputMissing(PathBuf),
    #[error(
        "input {0} is neither a folder nor a document file (.txt, .md, .html, .csv, .tsv, \
         .jsonl): point themeshift at the folder that holds the documents"
    )]
    InputNotFolder(PathBuf),
    #[error("no readable documents in {path}: {detail}")]
    NoDocuments { path: PathBuf, detail: String },
    #[error("{path}:{line}:{column}: {message}")]
    Lexicon {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("theme lexicon {0} does not exist")]
    LexiconMissing(PathBuf),
    #[error("theme lexicon {path} cannot be read: {reason}")]
    LexiconUnreadable { path: PathBuf, reason: String },
    #[error("{path}: {message}")]
    Metadata { path: PathBuf, message: String },
    #[error("{path}: {message}")]
    Table { path: PathBuf, message: String },
    #[error("cannot write to output folder {path}: {reason}")]
    OutputNotWritable { path: PathBuf, reason: String },
    #[error(
        "output folder {path} {how} the {what} {input}: the output folder is replaced whole, so \
         it must not hold what the run reads (not even with --force); choose another --output"
    )]
    OutputIsInput {
        path: PathBuf,
        how: &'static str,
        what: &'static str,
        input: PathBuf,
    },
    #[error(
        "output folder {path} lies inside the {what} {input} and holds files themeshift did not \
         write ({held}): it would replace them (not even with --force); choose another --output"
    )]
    OutputInsideInput {
        path: PathBuf,
        what: &'static str,
        input: PathBuf,
        held: String,
    },
    #[error(
        "output folder {path} holds files themeshift did not write ({held}), and a run replaces \
         its output folder whole: choose another --output, or give --force to replace it"
    )]
    OutputNotOurs { path: PathBuf, held: String },
    #[error(
        "another themeshift run is writing to {0}; wait for it to finish, or choose another \
         --output"
    )]
    OutputBusy(PathBuf),
    #[error("--csv {path} {how} the {what} {input}: choose another file")]
    CsvIsInput {
        path: PathBuf,
        how: &'static str,
        what: &'static str,
        input: PathBuf,
    },
    #[error("--compare expects two periods separated by a comma, such as 2003,2010 (got '{0}')")]
    CompareSyntax(String),
    #[error(
        "--compare: there is no period '{period}' in this corpus; its periods are: {available}"
    )]
    UnknownPeriod { period: String, available: String },
    #[error("--language: no Snowball stemmer for '{0}'; choose one of: {1}")]
    UnknownLanguage(String, String),
    #[error("stopword file {0} does not exist")]
    StopwordsMissing(PathBuf),
    #[error("--encoding: unknown encoding '{0}' (try utf-8, windows-1252, latin1, utf-16le)")]
    UnknownEncoding(String),
    #[error("--strict: {0}; nothing was written")]
    Strict(String),
    #[error("--threads: at most {max} worker threads (got {0})", max = crate::config::MAX_THREADS)]
    Threads(usize),
    #[error("--ngrams expects 1, 1-2 or 1-3 (got '{0}')")]
    Ngrams(String),
    #[error("--periods: {0}")]
    Periods(String),
    #[error("{0}")]
    Pattern(String),
    #[error("no comparison was made: {0}")]
    NoComparison(String),
}

/// Exit code for a failed run: 2 when the chain holds an [`InputError`], 1 otherwise.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    if err
        .chain()
        .any(|e| e.downcast_ref::<InputError>().is_some())
    {
        2
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn input_errors_exit_2_even_with_context() {
        let e = Err::<(), _>(InputError::InputMissing("x".into()))
            .context("while starting")
            .unwrap_err();
        assert_eq!(exit_code(&e), 2);
        assert_eq!(exit_code(&anyhow::anyhow!("disk full")), 1);
    }
}
