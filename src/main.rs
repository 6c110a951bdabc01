//! The `themeshift` binary: flags -> [`Config`] -> the command -> the exit code (0 ok, 1 the
//! run failed, 2 an input or usage error). The library does the work; this prints the
//! summary, or the error chain.

use std::process::ExitCode;

use clap::Parser;

use themeshift::cli::{Cli, Command};
use themeshift::{exit_code, print_stdout, printable, Config};

mod alloc;

fn main() -> ExitCode {
    alloc::configure();
    let command_line = std::env::args().collect();
    let result = match Cli::parse().command {
        Command::Analyse(args) => Config::from_args(&args, command_line)
            .map_err(anyhow::Error::from)
            .and_then(|config| {
                let summary = themeshift::analyse(&config)?;
                if !config.quiet {
                    print_stdout(summary.render().as_bytes());
                }
                Ok(())
            }),
        // The lines go to standard output (or a file); the count of them to standard error.
        Command::Kwic(args) => Config::for_kwic(&args, command_line)
            .map_err(anyhow::Error::from)
            .and_then(|config| {
                let concordance = themeshift::kwic(&config)?;
                if !config.quiet {
                    eprintln!("{}", concordance.render());
                }
                Ok(())
            }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("themeshift: error: {}", printable(&format!("{err:#}")));
            ExitCode::from(exit_code(&err))
        }
    }
}
