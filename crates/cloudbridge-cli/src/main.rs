//! The `cloudbridge` command: block storage on every cloud from the shell.
//!
//! A thin layer over the `cloudbridge` library: argument parsing ([`cli`]), output
//! ([`output`]), exit codes ([`exit`]), one module per resource under [`commands`], and the
//! end-to-end [`walkthrough`].

mod cli;
mod commands;
mod exit;
mod output;
mod progress;
mod walkthrough;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind as ClapErrorKind;

use crate::cli::Cli;
use crate::exit::Failure;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return parse_failure(&error),
    };
    init_logging(cli.global.verbose);

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            return Failure::local(
                format!("starting the async runtime failed: {error}"),
                "check the process limits (ulimit -u, ulimit -n)",
            )
            .report();
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

/// Prints help and version as clap does, and every parse error as one line.
fn parse_failure(error: &clap::Error) -> ExitCode {
    match error.kind() {
        ClapErrorKind::DisplayHelp | ClapErrorKind::DisplayVersion => {
            // Help goes to stdout; a closed stdout is no failure worth reporting.
            let _ = error.print();
            ExitCode::SUCCESS
        }
        // clap would print the whole help on stderr here; one line names the choices instead.
        ClapErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            exit::missing_command_failure(std::env::args().skip(1)).report()
        }
        _ => exit::usage_failure(error).report(),
    }
}

/// Sends tracing logs to stderr: none by default, `info` with -v, `debug` with -vv, `trace`
/// with -vvv for the cloudbridge crates. `RUST_LOG`, when set, replaces the filter.
fn init_logging(verbose: u8) {
    use tracing_subscriber::EnvFilter;

    let filter = match std::env::var("RUST_LOG") {
        Ok(filter) if !filter.is_empty() => EnvFilter::new(filter),
        _ => {
            let level = match verbose {
                0 => return,
                1 => "info",
                2 => "debug",
                _ => "trace",
            };
            EnvFilter::new(format!("cloudbridge={level},cloudbridge_cli={level}"))
        }
    };
    // Colour codes only help a terminal; in a pipe or a file they are noise.
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}
