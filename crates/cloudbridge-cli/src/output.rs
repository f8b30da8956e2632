//! Printing results: aligned tables for people, one JSON document per command for scripts.
//!
//! Every write goes through [`Output`], which turns a closed stdout (`| head`) into a quiet
//! exit instead of a panic.

use std::io::{self, Write};

use chrono::{DateTime, SecondsFormat, Utc};
use cloudbridge::{InstanceInfo, SnapshotInfo, VolumeInfo, Zone};
use comfy_table::{Table, presets};
use serde::Serialize;

use crate::cli::OutputFormat;
use crate::exit::Failure;

/// Where and how a command prints its result.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    format: OutputFormat,
}

impl Output {
    /// Creates an output in the given format, on stdout.
    pub fn new(format: OutputFormat) -> Output {
        Output { format }
    }

    /// Tells whether the result is printed as JSON.
    pub fn is_json(&self) -> bool {
        self.format == OutputFormat::Json
    }

    /// Prints a value as one pretty-printed JSON document.
    pub fn json(&self, value: &impl Serialize) -> Result<(), Failure> {
        let mut text = serde_json::to_string_pretty(value).map_err(|error| {
            Failure::local(
                format!("encoding the JSON output failed: {error}"),
                "report this as a bug",
            )
        })?;
        text.push('\n');
        self.text(&text)
    }

    /// Prints text as it is.
    pub fn text(&self, text: &str) -> Result<(), Failure> {
        let mut stdout = io::stdout().lock();
        stdout.write_all(text.as_bytes())?;
        stdout.flush()?;
        Ok(())
    }

    /// Prints one line.
    pub fn line(&self, line: &str) -> Result<(), Failure> {
        self.text(&format!("{line}\n"))
    }

    /// Prints a table without trailing spaces.
    pub fn table(&self, table: &Table) -> Result<(), Failure> {
        let mut text = String::new();
        for line in table.to_string().lines() {
            text.push_str(line.trim_end());
            text.push('\n');
        }
        self.text(&text)
    }

    /// Prints one resource: a two-column table, or its JSON record.
    pub fn record<T: Serialize>(
        &self,
        value: &T,
        rows: Vec<(&str, String)>,
    ) -> Result<(), Failure> {
        if self.is_json() {
            return self.json(value);
        }
        let mut table = new_table();
        for (field, value) in rows {
            add_row(&mut table, vec![field.to_string(), value]);
        }
        self.table(&table)
    }
}

/// Adds a row with every control character of its cells escaped (`\n`, `\u{1b}`), so a label or
/// description cannot break the table's layout or send escape sequences to the terminal.
fn add_row(table: &mut Table, cells: Vec<String>) {
    table.add_row(
        cells
            .iter()
            .map(|cell| escape_controls(cell))
            .collect::<Vec<_>>(),
    );
}

/// Escapes the control characters of `text` as Rust does (`\n`, `\t`, `\u{1b}`) and keeps every
/// other character, including non-ASCII letters.
pub fn escape_controls(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            escaped.extend(c.escape_default());
        } else {
            escaped.push(c);
        }
    }
    escaped
}

/// A table in the plain style: columns separated by spaces, no borders.
pub fn new_table() -> Table {
    let mut table = Table::new();
    table.load_preset(presets::NOTHING);
    table
}

/// Formats a time as RFC 3339 in UTC, to the second.
pub fn time(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn or_dash(value: Option<&str>) -> String {
    value.unwrap_or("-").to_string()
}

/// The columns of a volume listing.
pub fn volume_table<'a>(volumes: impl IntoIterator<Item = &'a VolumeInfo>) -> Table {
    let mut table = new_table();
    table.set_header(vec![
        "ID",
        "LABEL",
        "SIZE (GiB)",
        "STATE",
        "ZONE",
        "ATTACHED TO",
        "CREATED",
    ]);
    for volume in volumes {
        let attached = volume.attachment.as_ref().map_or("-".to_string(), |a| {
            format!("{} {}", a.instance_id, a.device)
        });
        add_row(
            &mut table,
            vec![
                volume.id.clone(),
                or_dash(volume.label.as_deref()),
                volume.size.to_string(),
                volume.state.to_string(),
                volume.zone.clone(),
                attached,
                time(volume.created_at),
            ],
        );
    }
    table
}

/// The fields of one volume, for `show` and the commands that change a volume.
pub fn volume_rows(volume: &VolumeInfo) -> Vec<(&'static str, String)> {
    let attachment = volume.attachment.as_ref();
    vec![
        ("id", volume.id.clone()),
        ("name", volume.name.clone()),
        ("label", or_dash(volume.label.as_deref())),
        ("description", or_dash(volume.description.as_deref())),
        ("size", format!("{} GiB", volume.size)),
        ("state", volume.state.to_string()),
        ("native state", volume.native_state.clone()),
        ("zone", volume.zone.clone()),
        ("created at", time(volume.created_at)),
        (
            "source snapshot",
            or_dash(volume.source_snapshot_id.as_deref()),
        ),
        (
            "attached to",
            or_dash(attachment.map(|a| a.instance_id.as_str())),
        ),
        ("device", or_dash(attachment.map(|a| a.device.as_str()))),
        (
            "device path",
            attachment
                .and_then(|a| a.path.as_ref())
                .map_or("-".to_string(), |path| path.display().to_string()),
        ),
    ]
}

/// The columns of a snapshot listing.
pub fn snapshot_table<'a>(snapshots: impl IntoIterator<Item = &'a SnapshotInfo>) -> Table {
    let mut table = new_table();
    table.set_header(vec![
        "ID",
        "LABEL",
        "SIZE (GiB)",
        "STATE",
        "VOLUME",
        "CREATED",
    ]);
    for snapshot in snapshots {
        add_row(
            &mut table,
            vec![
                snapshot.id.clone(),
                or_dash(snapshot.label.as_deref()),
                snapshot.size.to_string(),
                snapshot.state.to_string(),
                or_dash(snapshot.volume_id.as_deref()),
                time(snapshot.created_at),
            ],
        );
    }
    table
}

/// The fields of one snapshot.
pub fn snapshot_rows(snapshot: &SnapshotInfo) -> Vec<(&'static str, String)> {
    vec![
        ("id", snapshot.id.clone()),
        ("name", snapshot.name.clone()),
        ("label", or_dash(snapshot.label.as_deref())),
        ("description", or_dash(snapshot.description.as_deref())),
        ("size", format!("{} GiB", snapshot.size)),
        ("state", snapshot.state.to_string()),
        ("native state", snapshot.native_state.clone()),
        ("volume", or_dash(snapshot.volume_id.as_deref())),
        ("created at", time(snapshot.created_at)),
        (
            "progress",
            snapshot
                .progress
                .map_or("-".to_string(), |percent| format!("{percent}%")),
        ),
    ]
}

/// The columns of an instance listing.
pub fn instance_table<'a>(instances: impl IntoIterator<Item = &'a InstanceInfo>) -> Table {
    let mut table = new_table();
    table.set_header(vec!["ID", "LABEL", "STATE", "ZONE", "TYPE", "CREATED"]);
    for instance in instances {
        add_row(
            &mut table,
            vec![
                instance.id.clone(),
                or_dash(instance.label.as_deref()),
                instance.state.to_string(),
                instance.zone.clone(),
                or_dash(instance.instance_type.as_deref()),
                time(instance.created_at),
            ],
        );
    }
    table
}

/// The fields of one instance.
pub fn instance_rows(instance: &InstanceInfo) -> Vec<(&'static str, String)> {
    vec![
        ("id", instance.id.clone()),
        ("name", instance.name.clone()),
        ("label", or_dash(instance.label.as_deref())),
        ("state", instance.state.to_string()),
        ("native state", instance.native_state.clone()),
        ("zone", instance.zone.clone()),
        ("image", or_dash(instance.image_id.as_deref())),
        ("type", or_dash(instance.instance_type.as_deref())),
        ("created at", time(instance.created_at)),
    ]
}

/// The columns of a zone listing.
pub fn zone_table(zones: &[Zone]) -> Table {
    let mut table = new_table();
    table.set_header(vec!["NAME", "REGION", "AVAILABLE"]);
    for zone in zones {
        add_row(
            &mut table,
            vec![
                zone.name.clone(),
                zone.region.clone(),
                if zone.available { "yes" } else { "no" }.to_string(),
            ],
        );
    }
    table
}

/// Quotes a value for a POSIX shell when it contains anything beyond a safe set of characters.
pub fn shell_quote(value: &str) -> String {
    let safe = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:/=+@%,".contains(c));
    if safe {
        value.to_string()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

/// Builds the command that fetches the next page: `cloudbridge` with the arguments of this run
/// (`args`, without the program name), any `--marker` removed and `--marker MARKER` appended,
/// each quoted for a POSIX shell.
pub fn next_page_command(args: &[String], marker: &str) -> String {
    let mut words = vec!["cloudbridge".to_string()];
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "--marker" {
            // Skip the value too: clap takes the next argument as it is.
            args.next();
            continue;
        }
        if arg.starts_with("--marker=") {
            continue;
        }
        words.push(shell_quote(arg));
    }
    words.push("--marker".to_string());
    words.push(shell_quote(marker));
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|arg| arg.to_string()).collect()
    }

    #[test]
    fn escape_controls_escapes_only_control_characters() {
        assert_eq!(escape_controls("\u{1b}[31mRED\nX\t"), r"\u{1b}[31mRED\nX\t");
        assert_eq!(escape_controls("café ünïcode"), "café ünïcode");
    }

    #[test]
    fn next_page_command_keeps_global_flags() {
        let args = strings(&[
            "volume", "list", "--zone", "local-b", "--label", "zb1", "--limit", "1",
        ]);
        assert_eq!(
            next_page_command(&args, "6"),
            "cloudbridge volume list --zone local-b --label zb1 --limit 1 --marker 6"
        );
    }

    #[test]
    fn next_page_command_replaces_old_marker() {
        let args = strings(&[
            "--marker",
            "3",
            "volume",
            "list",
            "--marker=4",
            "--limit",
            "1",
        ]);
        assert_eq!(
            next_page_command(&args, "6"),
            "cloudbridge volume list --limit 1 --marker 6"
        );
    }

    #[test]
    fn next_page_command_quotes_arguments() {
        let args = strings(&[
            "--data-dir",
            "/tmp/my cloud",
            "volume",
            "list",
            "--limit",
            "1",
        ]);
        assert_eq!(
            next_page_command(&args, "a b"),
            "cloudbridge --data-dir '/tmp/my cloud' volume list --limit 1 --marker 'a b'"
        );
    }

    #[test]
    fn shell_quote_leaves_safe_markers_alone() {
        assert_eq!(shell_quote("vol-00012"), "vol-00012");
    }

    #[test]
    fn shell_quote_wraps_unsafe_markers() {
        assert_eq!(shell_quote("a b'c"), r"'a b'\''c'");
        assert_eq!(shell_quote(""), "''");
    }
}
