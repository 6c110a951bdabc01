//! The `themeshift` binary: parse flags, build the config, call the library, print the
//! summary or the error chain, and pick the exit code (0 ok, 1 run failed, 2 input error).

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use themeshift::cli::{Cli, Command, KwicArgs};
use themeshift::config::Config;
use themeshift::error::exit_code;
use themeshift::report::output;
use themeshift::report::summary::printable;

/// mimalloc: per-thread free lists suit many small short-lived strings (one document's text
/// and tokens at a time) beside long-lived records, with less fragmentation than the system
/// allocator (1 GB run: peak RSS and time in BENCHMARKS.md). Built without transparent huge
/// pages (feature `no_thp`): with them, every page mimalloc purged and used again was a 2 MB
/// page for the kernel to zero, a tenth of a 100 MB run's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

extern "C" {
    /// mimalloc's option setter, in the library the `mimalloc` crate links.
    fn mi_option_set(option: std::os::raw::c_int, value: std::os::raw::c_long);
    /// Frees what the calling thread's heap holds that it need not (`force`: all it can).
    fn mi_collect(force: bool);
}

/// `mi_option_purge_delay` in mimalloc's option list (`mimalloc.h`): how long freed memory
/// waits before it goes back to the system.
const MI_OPTION_PURGE_DELAY: std::os::raw::c_int = 15;

/// Freed memory goes back to the system after 10 ms instead of mimalloc's default second:
/// a run's stages each free what the next does not need, and their threads do not reuse each
/// other's freed pages, so a second's delay left the peak 40 MB higher at 1 GB, for no
/// measurable gain in time.
const PURGE_DELAY_MS: std::os::raw::c_long = 10;

fn main() -> ExitCode {
    // SAFETY: sets a plain integer option of the allocator; no memory is touched.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    // At the end of each stage, every worker thread returns the memory it freed: mimalloc
    // returns a thread's freed pages from within that thread's own allocator calls, so a
    // worker idle after a stage would hold them through the next (1 GB run: peak 273-311 ->
    // 256-264 MB with the stages' other changes; a few milliseconds a run).
    // SAFETY: mimalloc's collect takes no pointers; it only walks the calling thread's heap.
    themeshift::set_give_back(|| unsafe { mi_collect(true) });
    let cli = Cli::parse();
    let args = match cli.command {
        Command::Analyse(args) => args,
        Command::Kwic(args) => return kwic(&args),
    };
    let quiet = args.read.quiet;
    let result = Config::from_args(&args, std::env::args().collect())
        .map_err(anyhow::Error::from)
        .and_then(|config| {
            limit_polars_threads(config.threads);
            themeshift::run(&config)
        });
    match result {
        // One dated period is not a failure: the tables are written, and the summary says
        // that no comparison was made.
        Ok(summary) => {
            if !quiet {
                print_stdout(summary.render().as_bytes());
            }
            ExitCode::SUCCESS
        }
        Err(err) => fail(&err),
    }
}

/// Polars works on a thread pool of its own, sized from `POLARS_MAX_THREADS` (else one per
/// core) when first used: with `--threads N` it gets N too, so the run uses the threads asked
/// for. Called while the program has one thread, before polars is used; a value the user
/// set is kept.
fn limit_polars_threads(threads: usize) {
    if std::env::var_os("POLARS_MAX_THREADS").is_none() {
        std::env::set_var("POLARS_MAX_THREADS", threads.to_string());
    }
}

/// Prints the error chain on one line, its control characters (from file names, say)
/// escaped, and gives its exit code.
fn fail(err: &anyhow::Error) -> ExitCode {
    eprintln!("themeshift: error: {}", printable(&format!("{err:#}")));
    ExitCode::from(exit_code(err))
}

/// Prints to stdout; a closed pipe (`themeshift analyse in | head`) is not an error.
fn print_stdout(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(bytes).and_then(|()| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("themeshift: error: cannot print the summary: {e}");
        }
    }
}

/// `themeshift kwic PATTERN INPUT`: prints the concordance, or writes it as CSV with --csv
/// (to standard output with `--csv -`).
fn kwic(args: &KwicArgs) -> ExitCode {
    let to_stdout = args.csv.as_deref().is_some_and(|p| p.as_os_str() == "-");
    let result = Config::for_kwic(args, std::env::args().collect())
        .map_err(anyhow::Error::from)
        .and_then(|config| {
            // A CSV file that would replace an input is refused before anything is read.
            if let Some(path) = args.csv.as_deref().filter(|_| !to_stdout) {
                output::file_to_write(path, &config.protected())?;
            }
            limit_polars_threads(config.threads);
            let (table, documents) = themeshift::concordance(&config, &args.pattern)?;
            let lines = table.height();
            match args.csv.as_deref() {
                Some(_) if to_stdout => {
                    print_stdout(&themeshift::report::csv::to_csv(&table)?);
                }
                Some(path) => output::write_file(
                    path,
                    &themeshift::report::csv::to_csv(&table)?,
                    &config.protected(),
                )?,
                None => {
                    print_stdout(themeshift::report::kwic_text(&table, args.window)?.as_bytes())
                }
            }
            Ok((lines, documents))
        });
    let (lines, documents) = match result {
        Ok(found) => found,
        Err(err) => return fail(&err),
    };
    if !args.read.quiet {
        let written = match &args.csv {
            Some(_) if to_stdout => ", written to standard output".to_string(),
            Some(p) => format!(", written to {}", printable(&p.display().to_string())),
            None => String::new(),
        };
        eprintln!(
            "themeshift: {lines} line(s) for '{}' in {documents} document(s){written}",
            printable(args.pattern.trim()),
        );
    }
    ExitCode::SUCCESS
}
