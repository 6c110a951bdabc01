//! The `themeshift` binary: parse flags, build the config, call the library, print the
//! summary or the error chain, and pick the exit code (0 ok, 1 run failed, 2 input error).

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use themeshift::cli::{Cli, Command, KwicArgs};
use themeshift::config::Config;
use themeshift::error::{exit_code, InputError};

mod alloc;

fn main() -> ExitCode {
    alloc::configure();
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
