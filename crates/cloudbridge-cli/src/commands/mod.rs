//! The commands: each connects to the provider, makes one library call (plus a `get` to turn
//! an id into a handle) and prints the result.

mod instance;
mod snapshot;
mod volume;
mod wait;

use clap::CommandFactory;
use cloudbridge::{Config, ListRequest, Listable, Page, Provider};
use comfy_table::Table;
use serde::Serialize;

use crate::cli::{Cli, Command, GlobalArgs, ListArgs, ZoneCommand};
use crate::exit::Failure;
use crate::output::{self, Output};
use crate::walkthrough;

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> Result<(), Failure> {
    let output = Output::new(cli.global.output);
    if let Command::Completions { shell } = cli.command {
        return completions(output, shell);
    }

    let config = load_config(&cli.global)?;
    if matches!(cli.command, Command::Walkthrough) {
        walkthrough::check_config(&config)?;
    }
    tracing::debug!(provider = %config.provider, "connecting");
    let provider = config.connect().await?;
    let is_walkthrough = matches!(cli.command, Command::Walkthrough);
    let command = async {
        match cli.command {
            Command::Volume(command) => volume::run(&provider, output, command).await,
            Command::Snapshot(command) => snapshot::run(&provider, output, command).await,
            Command::Instance(command) => instance::run(&provider, output, command).await,
            Command::Zone(ZoneCommand::List) => zones(&provider, output).await,
            Command::Wait(command) => wait::run(&provider, output, command).await,
            Command::Walkthrough => walkthrough::run(&provider, output).await,
            Command::Completions { .. } => unreachable!("handled before connecting"),
        }
    };
    if is_walkthrough {
        // The walkthrough handles Ctrl-C itself, so it can clean up.
        return command.await;
    }
    tokio::select! {
        result = command => result,
        _ = tokio::signal::ctrl_c() => Err(crate::progress::interrupted_failure()),
    }
}

/// Loads the configuration (profile, environment, file) and applies the flags on top.
fn load_config(global: &GlobalArgs) -> Result<Config, Failure> {
    let mut config = Config::load(global.profile.as_deref())?;
    if let Some(provider) = global.provider {
        config.provider = provider;
    }
    if let Some(zone) = &global.zone {
        config.zone = Some(zone.clone());
    }
    if let Some(region) = &global.region {
        config.region = Some(region.clone());
    }
    if let Some(dir) = &global.data_dir {
        config.local.data_dir = Some(dir.clone());
    }
    Ok(config)
}

fn completions(output: Output, shell: clap_complete::Shell) -> Result<(), Failure> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "cloudbridge", &mut script);
    output.text(&String::from_utf8_lossy(&script))
}

async fn zones(provider: &Provider, output: Output) -> Result<(), Failure> {
    let zones = provider.compute().zones().list().await?;
    if output.is_json() {
        return output.json(&zones);
    }
    output.table(&output::zone_table(&zones))
}

/// Lists every page (one JSON array) or, with `--limit`, one page (a JSON object with `items`
/// and `marker`, and in a table the command for the next page).
///
/// `noun` is the plural shown for an empty listing and in the next-page line.
async fn list<R, I>(
    request: ListRequest<R>,
    args: ListArgs,
    output: Output,
    info: fn(R) -> I,
    table: fn(&[I]) -> Table,
    noun: &str,
) -> Result<(), Failure>
where
    R: Listable,
    I: Serialize,
{
    let mut request = request;
    if let Some(label) = &args.label {
        request = request.label(label.clone());
    }
    if let Some(marker) = &args.marker {
        request = request.marker(marker.clone());
    }

    let Some(limit) = args.limit else {
        let items: Vec<I> = request.all().await?.into_iter().map(info).collect();
        if output.is_json() {
            return output.json(&items);
        }
        return print_table(output, &items, table, noun);
    };

    let page = request.limit(limit).await?;
    let page = Page {
        items: page.items.into_iter().map(info).collect::<Vec<I>>(),
        marker: page.marker,
    };
    if output.is_json() {
        return output.json(&page);
    }
    print_table(output, &page.items, table, noun)?;
    if let Some(marker) = &page.marker {
        let args: Vec<String> = std::env::args_os()
            .skip(1)
            .map(|arg| arg.to_string_lossy().into_owned())
            .collect();
        output.line(&format!(
            "More {noun} follow; fetch the next page with: {}",
            output::next_page_command(&args, marker)
        ))?;
    }
    Ok(())
}

fn print_table<I>(
    output: Output,
    items: &[I],
    table: fn(&[I]) -> Table,
    noun: &str,
) -> Result<(), Failure> {
    if items.is_empty() {
        return output.line(&format!("No {noun}."));
    }
    output.table(&table(items))
}
