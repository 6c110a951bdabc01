//! The mistakes a user must fix, as one enum the tests can assert on. Anything else (an I/O
//! failure mid-run, a bug) travels as a plain `anyhow::Error` with context naming the file.

use std::path::PathBuf;

use thiserror::Error;

/// An input or usage problem: the run stops with exit code 2 and this one-line message.
#[derive(Debug, Error)]
pub enum InputError {
    /// The input folder or file does not exist.
    #[error("input folder {0} does not exist")]
    InputMissing(PathBuf),
    /// The input is a file themeshift does not read.
    #[error(
        "input {0} is neither a folder nor a document file (.txt, .md, .html, .csv, .tsv, \
         .jsonl, .parquet; all but .parquet also compressed as .gz or .zst): point themeshift \
         at the folder that holds the documents"
    )]
    InputNotFolder(PathBuf),
    /// No document in the input could be read.
    #[allow(missing_docs)] // the fields are named in the message
    #[error("no readable documents in {path}: {detail}")]
    NoDocuments { path: PathBuf, detail: String },
    /// The theme lexicon is malformed, at this line and column.
    #[allow(missing_docs)] // the fields are named in the message
    #[error("{path}:{line}:{column}: {message}")]
    Lexicon {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// The theme lexicon given does not exist.
    #[error("theme lexicon {0} does not exist")]
    LexiconMissing(PathBuf),
    /// The theme lexicon cannot be read.
    #[allow(missing_docs)] // the fields are named in the message
    #[error("theme lexicon {path} cannot be read: {reason}")]
    LexiconUnreadable { path: PathBuf, reason: String },
    /// metadata.csv is malformed.
    #[allow(missing_docs)] // the fields are named in the message
    #[error("{path}: {message}")]
    Metadata { path: PathBuf, message: String },
    /// A table of documents cannot be read.
    #[allow(missing_docs)] // the fields are named in the message
    #[error("{path}: {message}")]
    Table { path: PathBuf, message: String },
    /// The output folder cannot be written.
    #[allow(missing_docs)] // the fields are named in the message
    #[error("cannot write to output folder {path}: {reason}")]
    OutputNotWritable { path: PathBuf, reason: String },
    /// The output folder is, or holds, something the run reads.
    #[allow(missing_docs)] // the fields are named in the message
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
    /// The output folder lies inside the input and holds files themeshift did not write.
    #[allow(missing_docs)] // the fields are named in the message
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
    /// The output folder holds files themeshift did not write (and no `--force`).
    #[allow(missing_docs)] // the fields are named in the message
    #[error(
        "output folder {path} holds files themeshift did not write ({held}), and a run replaces \
         its output folder whole: choose another --output, or give --force to replace it"
    )]
    OutputNotOurs { path: PathBuf, held: String },
    /// Another run is writing to the output folder.
    #[error(
        "another themeshift run is writing to {0}; wait for it to finish, or choose another \
         --output"
    )]
    OutputBusy(PathBuf),
    /// `kwic --csv` names something the run reads.
    #[allow(missing_docs)] // the fields are named in the message
    #[error("--csv {path} {how} the {what} {input}: choose another file")]
    CsvIsInput {
        path: PathBuf,
        how: &'static str,
        what: &'static str,
        input: PathBuf,
    },
    /// `--compare` is not two periods.
    #[error("--compare expects two periods separated by a comma, such as 2003,2010 (got '{0}')")]
    CompareSyntax(String),
    /// `--compare` names a period the corpus does not have.
    #[allow(missing_docs)] // the fields are named in the message
    #[error(
        "--compare: there is no period '{period}' in this corpus; its periods are: {available}"
    )]
    UnknownPeriod { period: String, available: String },
    /// `--language` names a language without a Snowball stemmer.
    #[error("--language: no Snowball stemmer for '{0}'; choose one of: {1}")]
    UnknownLanguage(String, String),
    /// The stopword file given does not exist.
    #[error("stopword file {0} does not exist")]
    StopwordsMissing(PathBuf),
    /// The stopword file cannot be read, or is not UTF-8 text, or is too large.
    #[error("stopword file {path} cannot be read: {reason}")]
    StopwordsUnreadable {
        /// The file given.
        path: PathBuf,
        /// Why, in plain words.
        reason: String,
    },
    /// `--encoding` names no known encoding.
    #[error("--encoding: unknown encoding '{0}' (try utf-8, windows-1252, latin1, utf-16le)")]
    UnknownEncoding(String),
    /// `--strict` and something to warn about.
    #[error("--strict: {0}; nothing was written")]
    Strict(String),
    /// `--threads` asks for too many threads.
    #[error("--threads: at most {max} worker threads (got {0})", max = crate::cli::MAX_THREADS)]
    Threads(usize),
    /// `--ngrams` is not 1, 1-2 or 1-3.
    #[error("--ngrams expects 1, 1-2 or 1-3 (got '{0}')")]
    Ngrams(String),
    /// `--memory` is not a size of 1 MB or more.
    #[error("--memory expects a size of 1M or more, such as 512M or 2G (got '{0}')")]
    Memory(String),
    /// `--periods` is malformed.
    #[error("--periods: {0}")]
    Periods(String),
    /// A `kwic` pattern has no words.
    #[error("{0}")]
    Pattern(String),
    /// Fewer than two periods to compare.
    #[error("no comparison was made: {0}")]
    NoComparison(String),
    /// `--cluster` is not a scheduler's address.
    #[error("--cluster expects the scheduler as df://HOST:PORT, such as df://10.0.0.5:50050 (got '{0}')")]
    ClusterAddress(String),
    /// A cluster was asked for, and this build has none.
    #[error(
        "{0}: this themeshift was built without the cluster feature; build it with \
         `cargo build --release --features cluster`"
    )]
    NoCluster(&'static str),
}

/// The cluster could not run the job: its scheduler unreachable, its executors lost, or a
/// machine of another version. The run stops with exit code 3 and this one-line message.
#[derive(Debug, Error)]
#[error("{0}")]
pub struct ClusterError(pub String);

/// Exit code for a failed run: 2 when the chain holds an [`InputError`], 3 when it holds a
/// [`ClusterError`], 1 otherwise.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    if err
        .chain()
        .any(|e| e.downcast_ref::<InputError>().is_some())
    {
        2
    } else if err
        .chain()
        .any(|e| e.downcast_ref::<ClusterError>().is_some())
    {
        3
    } else {
        1
    }
}

/// Exit code for a fault of themeshift itself (a panic): 70, `EX_SOFTWARE` of BSD's
/// sysexits.h, "an internal software error has been detected".
pub const INTERNAL_ERROR: u8 = 70;

/// What a panic said, from its payload: its message, or, when it is an I/O error unwrapped
/// (`called `Result::unwrap()` on an `Err` value: Os { code: 28, kind: StorageFull, message:
/// "No space left on device" }`), that error as the system words it: `No space left on device
/// (os error 28)`.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_string());
    io_error_in(&text).unwrap_or(text)
}

/// Guards running now that turn a library's panic back into the error it stands for
/// ([`caught`]): while one runs, such a panic is not a fault of ours and prints nothing.
static GUARDS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Runs `f`, a call into `library` (a crate's name, as its source path holds it) that
/// panics where it should return an error, and catches its panic. While it runs, the hook
/// of [`quiet_panics`] prints nothing for a panic raised inside `library`'s code (on any
/// thread: the library may write in threads of its own), with or without
/// `RUST_BACKTRACE`: the caller turns it into one line. Panics elsewhere print as ever.
pub(crate) fn caught<T>(library: &'static str, f: impl FnOnce() -> T) -> std::thread::Result<T> {
    use std::sync::atomic::Ordering;
    {
        let mut known = GUARDED.lock().unwrap_or_else(|e| e.into_inner());
        if !known.contains(&library) {
            known.push(library);
        }
    }
    GUARDS.fetch_add(1, Ordering::SeqCst);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    GUARDS.fetch_sub(1, Ordering::SeqCst);
    result
}

/// The libraries [`caught`] has guarded calls into.
static GUARDED: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());

/// Sets the panic hook of the binary: a panic inside a library call that `caught` guards
/// prints nothing; any other prints its message and place (the standard hook) only when
/// `RUST_BACKTRACE` asks for them (`asked`), as the one-line internal error says.
pub fn quiet_panics(asked: bool) {
    let standard = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if expected(info.location().map(|l| l.file())) {
            return;
        }
        if asked {
            standard(info);
        }
    }));
}

/// Whether a panic at `file` is one a running guard expects.
fn expected(file: Option<&str>) -> bool {
    if GUARDS.load(std::sync::atomic::Ordering::SeqCst) == 0 {
        return false;
    }
    let Some(file) = file else { return false };
    let known = GUARDED.lock().unwrap_or_else(|e| e.into_inner());
    known.iter().any(|library| {
        file.split(['/', '\\'])
            .any(|part| part == *library || part.starts_with(&format!("{library}-")))
    })
}

/// The I/O error in the Debug form of `Os { code, kind, message }`, as Display gives it.
fn io_error_in(text: &str) -> Option<String> {
    let rest = &text[text.find("Os { code: ")? + "Os { code: ".len()..];
    let code: i32 = rest[..rest.find(',')?].trim().parse().ok()?;
    Some(std::io::Error::from_raw_os_error(code).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_on_an_unwrapped_io_error_reads_as_the_error() {
        let payload: Box<dyn std::any::Any + Send> = Box::new(
            "called `Result::unwrap()` on an `Err` value: Os { code: 28, kind: StorageFull, \
             message: \"No space left on device\" }"
                .to_string(),
        );
        assert_eq!(
            panic_message(payload.as_ref()),
            "No space left on device (os error 28)"
        );
        let payload: Box<dyn std::any::Any + Send> = Box::new("index out of bounds");
        assert_eq!(panic_message(payload.as_ref()), "index out of bounds");
    }
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
