//! The `themeshift` binary: parse flags, build the config, call the library, print the
//! summary or the error chain, and pick the exit code (0 ok, 1 run failed, 2 input error).

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use themeshift::cli::{Cli, Command, KwicArgs};
use themeshift::config::Config;
use themeshift::error::{exit_code, InputError};

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
        Ok(summary) => {
            if !quiet {
                print_stdout(&summary.render());
            }
            match &summary.no_comparison {
                Some(reason) => fail(&InputError::NoComparison(reason.clone()).into()),
                None => ExitCode::SUCCESS,
            }
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

fn fail(err: &anyhow::Error) -> ExitCode {
    eprintln!("themeshift: error: {err:#}");
    ExitCode::from(exit_code(err))
}

/// Prints to stdout; a closed pipe (`themeshift analyse in | head`) is not an error.
fn print_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("themeshift: error: cannot print the summary: {e}");
        }
    }
}

/// `themeshift kwic PATTERN INPUT`: prints the concordance, or writes it as CSV with --csv.
fn kwic(args: &KwicArgs) -> ExitCode {
    let result = Config::for_kwic(args, std::env::args().collect())
        .map_err(anyhow::Error::from)
        .and_then(|config| {
            limit_polars_threads(config.threads);
            themeshift::concordance(&config, &args.pattern)
        });
    let (table, documents) = match result {
        Ok(found) => found,
        Err(err) => return fail(&err),
    };
    let lines = table.height();
    let written = match &args.csv {
        Some(path) => themeshift::report::csv::to_csv(&table)
            .and_then(|bytes| themeshift::report::output::write_file(path, &bytes)),
        None => themeshift::report::kwic_text(&table, args.window).map(|text| print_stdout(&text)),
    };
    if let Err(err) = written {
        return fail(&err);
    }
    if !args.read.quiet {
        eprintln!(
            "themeshift: {lines} line(s) for '{}' in {documents} document(s){}",
            args.pattern.trim(),
            args.csv
                .as_ref()
                .map(|p| format!(", written to {}", p.display()))
                .unwrap_or_default()
        );
    }
    ExitCode::SUCCESS
}
