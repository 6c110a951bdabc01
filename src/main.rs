//! The `themeshift` binary: flags -> [`Config`] -> the command -> the exit code (0 ok, 1 the
//! run failed, 2 an input or usage error, 3 the cluster failed, 70 an internal error). The
//! library does the work; this prints the summary, or the error chain, or for a panic one
//! line asking for a report (the panic's own text only with `RUST_BACKTRACE` set).

use std::process::ExitCode;

use clap::Parser;

use themeshift::cli::{Cli, Command};
use themeshift::{exit_code, panic_message, print_stdout, printable, Config, INTERNAL_ERROR};

mod alloc;

fn main() -> ExitCode {
    alloc::configure();
    // A panic is said once, in one line, below; its text and place only when asked for.
    let asked = std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0");
    themeshift::error::quiet_panics(asked);
    // The staging folder and the lock are removed as the panic unwinds through them.
    match std::panic::catch_unwind(run) {
        Ok(code) => code,
        Err(payload) => {
            eprintln!(
                "themeshift: internal error: {}; this is a fault of themeshift, not of your \
                 input: please report it with the command you ran (RUST_BACKTRACE=1 shows where)",
                printable(&panic_message(payload.as_ref()))
            );
            ExitCode::from(INTERNAL_ERROR)
        }
    }
}

/// The command the flags ask for, and its exit code.
fn run() -> ExitCode {
    // How the tests reach the line above: nothing in a run panics on purpose.
    if std::env::var_os("THEMESHIFT_TEST_INTERNAL_ERROR").is_some() {
        panic!("a panic asked for by THEMESHIFT_TEST_INTERNAL_ERROR");
    }
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
            .and_then(|(config, request)| {
                let concordance = themeshift::kwic(&config, &request)?;
                if !config.quiet {
                    eprintln!("{}", concordance.render());
                }
                Ok(())
            }),
        Command::Cluster(command) => themeshift::cluster(&command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("themeshift: error: {}", printable(&format!("{err:#}")));
            ExitCode::from(exit_code(&err))
        }
    }
}
