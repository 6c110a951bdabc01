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
        .and_then(|config| themeshift::analyse(&config));
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
            let (table, documents) = themeshift::kwic(&config, &args.pattern)?;
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
