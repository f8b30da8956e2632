//! `cloudbridge --provider aws walkthrough` against a moto EC2 server on 127.0.0.1.
//!
//! The binary gets dummy credentials, a region and the endpoint through the standard AWS
//! environment variables, and empty AWS config files, so it never reads the instance metadata
//! service or the user's own AWS settings.

#![cfg(feature = "aws")]

#[allow(dead_code)]
#[path = "../../cloudbridge/tests/support/moto.rs"]
mod moto;

use assert_cmd::Command;
use moto::MotoServer;
use serde_json::Value;

/// Builds a command for the binary, configured only through its environment.
fn command(server: &MotoServer, home: &std::path::Path) -> Command {
    let mut command = Command::cargo_bin("cloudbridge").unwrap();
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("CB_CONFIG", home.join("cloudbridge.toml"))
        .env("CB_AWS_IMAGE_ID", "ami-12345678")
        .env("AWS_ENDPOINT_URL", server.endpoint())
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", home.join("aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("aws-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args(["--provider", "aws", "--output", "json"]);
    command
}

fn json(command: &mut Command) -> Value {
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "exit {:?}: {stderr}",
        output.status
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn aws_walkthrough_runs_and_cleans_up() {
    let server = MotoServer::start();
    let home = tempfile::tempdir().unwrap();

    let summary = json(command(&server, home.path()).arg("walkthrough"));

    assert_eq!(summary["ok"], true, "{summary}");
    assert_eq!(summary["provider"], "aws", "{summary}");
    assert_eq!(summary["holds_data"], false, "{summary}");
    let steps = summary["steps"].as_array().expect("steps array");
    let actions: Vec<&str> = steps
        .iter()
        .map(|step| step["action"].as_str().unwrap_or_default())
        .collect();
    for expected in [
        "create volume",
        "attach volume at /dev/sdh",
        "detach volume",
        "create snapshot",
        "restore volume",
        "delete instance",
    ] {
        assert!(
            actions.iter().any(|action| action.starts_with(expected)),
            "{expected} missing from {actions:?}"
        );
    }

    let volumes = json(command(&server, home.path()).args(["volume", "list"]));
    assert_eq!(volumes, serde_json::json!([]), "volumes left");
    let snapshots = json(command(&server, home.path()).args(["snapshot", "list"]));
    assert_eq!(snapshots, serde_json::json!([]), "snapshots left");
}
