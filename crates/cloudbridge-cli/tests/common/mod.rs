//! Helpers for the end-to-end tests: run the built `cloudbridge` binary on the local provider
//! with a data directory of its own, and parse what it prints.

// Each test file uses a different subset of these helpers.
#![allow(dead_code)]

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// Environment variables that would let a user's own settings leak into a test.
const ISOLATED_VARIABLES: &[&str] = &[
    "CB_PROVIDER",
    "CB_ZONE",
    "CB_REGION",
    "CB_PROFILE",
    "CB_DATA_DIR",
    "CB_LOCAL_TRANSITION_DELAY_MS",
    "CB_LOCAL_VISIBILITY_LAG_MS",
    "CB_LOCAL_THROTTLE_RATE",
    "CB_LOCAL_FAULTS",
    "CB_LOCAL_COPY_PAUSE_MS",
    "RUST_LOG",
];

/// A local cloud in a temporary data directory, deleted when the value is dropped.
pub struct Cloud {
    dir: TempDir,
}

/// What one run of the binary returned.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Parses stdout as one JSON document.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|error| panic!("stdout is not JSON ({error}):\n{}", self.stdout))
    }
}

impl Cloud {
    pub fn new() -> Cloud {
        Cloud {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// A command for the binary, bound to this cloud's data directory, with no config file.
    pub fn command(&self) -> Command {
        Command::from_std(self.std_command())
    }

    /// Builds the command of [`Cloud::command`] as a `std::process::Command`, which can also be
    /// spawned and signalled while it runs.
    pub fn std_command(&self) -> std::process::Command {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_cloudbridge"));
        for name in ISOLATED_VARIABLES {
            command.env_remove(name);
        }
        command
            .env("CB_CONFIG", self.dir.path().join("no-such-config.toml"))
            .arg("--data-dir")
            .arg(self.dir.path().join("cloud"));
        command
    }

    /// Runs the binary with `args` and returns its exit code and output.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = self.command().args(args).output().expect("the binary runs");
        Run {
            code: output.status.code().expect("an exit code, not a signal"),
            stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
            stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
        }
    }

    /// Runs the binary with `args`, expects success and returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let run = self.run(args);
        assert_eq!(
            run.code,
            0,
            "`cloudbridge {}` failed:\n{}",
            args.join(" "),
            run.stderr
        );
        assert!(run.stderr.is_empty(), "unexpected stderr: {}", run.stderr);
        run.stdout
    }

    /// Runs the binary with `--output json` and `args`, expects success and parses stdout.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--output", "json"];
        all.extend_from_slice(args);
        let stdout = self.ok(&all);
        serde_json::from_str(&stdout)
            .unwrap_or_else(|error| panic!("stdout is not JSON ({error}):\n{stdout}"))
    }

    /// Runs the binary with `args`, expects the exit code `code` and exactly one line on
    /// stderr that contains `value`, and returns that line.
    pub fn fails(&self, args: &[&str], code: i32, value: &str) -> String {
        let run = self.run(args);
        assert_eq!(
            run.code,
            code,
            "exit code of `cloudbridge {}`; stderr: {}",
            args.join(" "),
            run.stderr
        );
        assert!(
            run.stderr.ends_with('\n'),
            "stderr is not one whole line: {:?}",
            run.stderr
        );
        assert_eq!(
            run.stderr.lines().count(),
            1,
            "stderr is not one line: {:?}",
            run.stderr
        );
        assert!(
            run.stderr.contains(value),
            "stderr does not name {value:?}: {}",
            run.stderr
        );
        assert!(
            !run.stderr.contains("panicked") && !run.stderr.contains("RUST_BACKTRACE"),
            "{}",
            run.stderr
        );
        run.stderr
    }

    /// Creates an available volume and returns its id.
    pub fn volume(&self, label: &str, size: u64) -> String {
        let size = size.to_string();
        let volume = self.json(&["volume", "create", label, "--size", &size, "--wait"]);
        id(&volume)
    }

    /// Creates a running instance and returns its id.
    pub fn instance(&self, label: &str) -> String {
        let instance = self.json(&["instance", "create", label, "--wait"]);
        id(&instance)
    }

    /// Creates an available snapshot of a volume and returns its id.
    pub fn snapshot(&self, volume_id: &str, label: &str) -> String {
        let snapshot = self.json(&["snapshot", "create", volume_id, label, "--wait"]);
        id(&snapshot)
    }

    /// Attaches a volume and waits until it is in use.
    pub fn attach(&self, volume_id: &str, instance_id: &str, device: &str) {
        self.json(&["volume", "attach", volume_id, instance_id, device, "--wait"]);
    }

    /// Every volume, snapshot and instance, as the list commands print them in JSON.
    pub fn everything(&self) -> Value {
        serde_json::json!({
            "volumes": self.json(&["volume", "list"]),
            "snapshots": self.json(&["snapshot", "list"]),
            "instances": self.json(&["instance", "list"]),
        })
    }
}

/// The `id` field of a JSON record.
pub fn id(record: &Value) -> String {
    record["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {record}"))
        .to_string()
}

/// The ids of a JSON array of records.
pub fn ids(records: &Value) -> Vec<String> {
    records
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {records}"))
        .iter()
        .map(id)
        .collect()
}
