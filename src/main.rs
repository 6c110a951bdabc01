//! The `themeshift` binary: parse flags, build the config, call the library, print the
//! summary or the error chain, and pick the exit code (0 ok, 1 run failed, 2 input error).

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use themeshift::cli::{Cli, Command};
use themeshift::config::Config;
use themeshift::error::{exit_code, InputError};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Command::Analyse(args) = cli.command;
    let quiet = args.quiet;
    let result = Config::from_args(&args, std::env::args().collect())
        .map_err(anyhow::Error::from)
        .and_then(|config| themeshift::run(&config));
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
