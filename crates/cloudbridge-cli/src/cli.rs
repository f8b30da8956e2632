//! Command-line arguments: every command, flag and its help text.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
use cloudbridge::{InstanceState, ProviderKind, SnapshotState, VolumeState};

use crate::exit::EXIT_CODES_HELP;

/// Block storage on every cloud: volumes, snapshots and attachments, one command for all.
#[derive(Debug, Parser)]
#[command(name = "cloudbridge", version, after_help = EXIT_CODES_HELP)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Options every command accepts, before or after the command name.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Cloud provider to use [default: $CB_PROVIDER, else the config file's `provider`, else
    /// local]
    #[arg(long, global = true, value_name = "NAME", value_parser = parse_provider)]
    pub provider: Option<ProviderKind>,

    /// Default zone for new volumes and instances, and the zone that listings show [default:
    /// $CB_ZONE, else the config file's `zone`, else the provider's first zone]
    #[arg(long, global = true, value_name = "ZONE")]
    pub zone: Option<String>,

    /// Region to connect to [default: $CB_REGION, else the config file's `region`, else the
    /// provider's own default]
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,

    /// Output format: `table` for people, `json` for scripts (one JSON document per command)
    #[arg(long, global = true, value_name = "FORMAT", default_value = "table")]
    pub output: OutputFormat,

    /// Log to stderr: -v shows retries and state changes, -vv also every request [default: no
    /// logs; RUST_LOG, when set, chooses the filter instead]
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Data directory of the local provider [default: $CB_DATA_DIR, else the config file's
    /// `local.data_dir`, else `cloudbridge` in the user's data directory]
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Profile (top-level table) of the config file to read [default: $CB_PROFILE, else
    /// `default`]; the file is $CB_CONFIG, else ~/.config/cloudbridge/config.toml
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
}

/// Format of the results on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns for people.
    Table,
    /// One JSON document per command, with the library's field names.
    Json,
}

fn parse_provider(text: &str) -> Result<ProviderKind, cloudbridge::Error> {
    text.parse()
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create, list, show, attach, detach, change and delete volumes
    #[command(subcommand)]
    Volume(VolumeCommand),

    /// Create, list, show, change, delete and restore snapshots
    #[command(subcommand)]
    Snapshot(SnapshotCommand),

    /// Create, list, show and delete instances (virtual machines to attach volumes to)
    #[command(subcommand)]
    Instance(InstanceCommand),

    /// List the placement zones of the provider's region
    #[command(subcommand)]
    Zone(ZoneCommand),

    /// Wait until a volume, snapshot or instance reaches a state
    #[command(subcommand)]
    Wait(WaitCommand),

    /// Run the block-storage walkthrough end to end with its own resources, then delete them
    Walkthrough,

    /// Print a shell completion script to stdout
    Completions {
        /// Shell to generate the script for
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
}

/// Paging options shared by the `list` commands.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// List only resources with this label
    #[arg(long, value_name = "LABEL", allow_hyphen_values = true)]
    pub label: Option<String>,

    /// Fetch one page of at most this many items (1 to 1000) instead of every page, so the
    /// output also includes the marker of the next page
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub limit: Option<u32>,

    /// Start after the page that returned this marker [default: the first page]
    #[arg(long, value_name = "MARKER", allow_hyphen_values = true)]
    pub marker: Option<String>,
}

/// `--wait`, shared by the commands that start a change.
#[derive(Debug, Args)]
pub struct WaitFlag {
    /// Wait until the change is complete, showing a spinner on a terminal [default: return once
    /// the provider has accepted the change, usually while it is still in progress. The local
    /// provider copies snapshot data before it returns]
    #[arg(long)]
    pub wait: bool,
}

/// Volume commands.
#[derive(Debug, Subcommand)]
pub enum VolumeCommand {
    /// Create a volume, empty or filled from a snapshot
    Create {
        /// Label of the new volume: 3 to 63 lowercase letters, digits and dashes
        label: String,

        /// Size in GiB (1 to 16384); with --snapshot, at least the snapshot's size
        #[arg(long, value_name = "GIB", allow_negative_numbers = true)]
        size: u64,

        /// Free-text description [default: none]
        #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
        description: Option<String>,

        /// Id of a snapshot whose data fills the volume [default: an empty volume]
        #[arg(long, value_name = "SNAP_ID")]
        snapshot: Option<String>,

        #[command(flatten)]
        wait: WaitFlag,
    },

    /// List volumes in the zone: every page, or one page with --limit
    List(ListArgs),

    /// Show one volume
    Show {
        /// Volume id
        id: String,
    },

    /// Attach an available volume to an instance in the same zone
    Attach {
        /// Volume id
        volume_id: String,

        /// Instance id
        instance_id: String,

        /// Device name on the instance: /dev/sd[b-z], /dev/sd[b-z][1-15], /dev/xvd[b-z] or
        /// /dev/vd[b-z]
        device: String,

        #[command(flatten)]
        wait: WaitFlag,
    },

    /// Detach an in-use volume from its instance
    Detach {
        /// Volume id
        volume_id: String,

        /// Also detach a volume stuck attaching or detaching [default: off]
        #[arg(long)]
        force: bool,

        #[command(flatten)]
        wait: WaitFlag,
    },

    /// Change a volume's label or description
    #[command(group(ArgGroup::new("change").required(true).multiple(true).args(["label", "description"])))]
    Set {
        /// Volume id
        id: String,

        /// New label [default: unchanged]
        #[arg(long, value_name = "LABEL", allow_hyphen_values = true)]
        label: Option<String>,

        /// New description; an empty string clears it [default: unchanged]
        #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
        description: Option<String>,
    },

    /// Delete an available volume and its data
    Delete {
        /// Volume id
        id: String,

        #[command(flatten)]
        wait: WaitFlag,
    },
}

/// Snapshot commands.
#[derive(Debug, Subcommand)]
pub enum SnapshotCommand {
    /// Take a snapshot of a volume
    Create {
        /// Id of the volume to snapshot
        volume_id: String,

        /// Label of the new snapshot: 3 to 63 lowercase letters, digits and dashes
        label: String,

        /// Free-text description [default: none]
        #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
        description: Option<String>,

        #[command(flatten)]
        wait: WaitFlag,
    },

    /// List your snapshots: every page, or one page with --limit
    List(ListArgs),

    /// Show one snapshot
    Show {
        /// Snapshot id
        id: String,
    },

    /// Change a snapshot's label or description
    #[command(group(ArgGroup::new("change").required(true).multiple(true).args(["label", "description"])))]
    Set {
        /// Snapshot id
        id: String,

        /// New label [default: unchanged]
        #[arg(long, value_name = "LABEL", allow_hyphen_values = true)]
        label: Option<String>,

        /// New description; an empty string clears it [default: unchanged]
        #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
        description: Option<String>,
    },

    /// Delete a snapshot; volumes made from it keep their data
    Delete {
        /// Snapshot id
        id: String,

        #[command(flatten)]
        wait: WaitFlag,
    },

    /// Create a new volume from a snapshot, in the zone chosen by --zone
    Restore {
        /// Snapshot id
        snapshot_id: String,

        /// Label of the new volume: 3 to 63 lowercase letters, digits and dashes
        label: String,

        /// Size of the new volume in GiB, at least the snapshot's size [default: the snapshot's
        /// size]
        #[arg(long, value_name = "GIB", allow_negative_numbers = true)]
        size: Option<u64>,

        #[command(flatten)]
        wait: WaitFlag,
    },
}

/// Instance commands.
#[derive(Debug, Subcommand)]
pub enum InstanceCommand {
    /// Launch an instance in the zone
    Create {
        /// Label of the new instance: 3 to 63 lowercase letters, digits and dashes
        label: String,

        /// Image to launch from [default: the provider's configured image, such as
        /// $CB_AWS_IMAGE_ID]
        #[arg(long, value_name = "ID")]
        image: Option<String>,

        /// Instance type (flavor, machine type) [default: the provider's configured type, such
        /// as $CB_AWS_INSTANCE_TYPE]
        #[arg(long = "type", value_name = "NAME")]
        instance_type: Option<String>,

        #[command(flatten)]
        wait: WaitFlag,
    },

    /// List instances in the zone: every page, or one page with --limit
    List(ListArgs),

    /// Show one instance
    Show {
        /// Instance id
        id: String,
    },

    /// Delete (terminate) an instance; its volumes are detached and kept
    Delete {
        /// Instance id
        id: String,

        #[command(flatten)]
        wait: WaitFlag,
    },
}

/// Zone commands.
#[derive(Debug, Subcommand)]
pub enum ZoneCommand {
    /// List the zones of the region
    List,
}

/// Resource types the `wait` command can wait for.
#[derive(Debug, Subcommand)]
pub enum WaitCommand {
    /// Wait for a volume state
    Volume {
        /// Volume id
        id: String,

        /// State to wait for: creating, available, attaching, in-use, detaching, configuring,
        /// deleting, deleted, error or unknown
        #[arg(long, value_name = "STATE", value_parser = parse_state::<VolumeState>)]
        state: VolumeState,

        #[command(flatten)]
        timeout: TimeoutArg,
    },

    /// Wait for a snapshot state
    Snapshot {
        /// Snapshot id
        id: String,

        /// State to wait for: pending, available, configuring, deleting, deleted, error or
        /// unknown
        #[arg(long, value_name = "STATE", value_parser = parse_state::<SnapshotState>)]
        state: SnapshotState,

        #[command(flatten)]
        timeout: TimeoutArg,
    },

    /// Wait for an instance state
    Instance {
        /// Instance id
        id: String,

        /// State to wait for: pending, running, stopping, stopped, deleting, deleted, error or
        /// unknown
        #[arg(long, value_name = "STATE", value_parser = parse_state::<InstanceState>)]
        state: InstanceState,

        #[command(flatten)]
        timeout: TimeoutArg,
    },
}

/// `--timeout` of the `wait` commands.
#[derive(Debug, Args)]
pub struct TimeoutArg {
    /// Give up after this many seconds [default: the provider's wait timeout, 600 s unless
    /// the provider sets its own]
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub timeout: Option<u64>,
}

/// Parses a state name with the library's `FromStr`, whose error lists the allowed values.
fn parse_state<S>(text: &str) -> Result<S, cloudbridge::Error>
where
    S: std::str::FromStr<Err = cloudbridge::Error>,
{
    text.parse()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
