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

/// Runs the AWS CLI (`aws`, installed by `scripts/test`) against the same server, with the
/// same dummy credentials, and returns its JSON output.
fn aws_cli(server: &MotoServer, home: &std::path::Path, args: &[&str]) -> Value {
    let output = std::process::Command::new("aws")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", home.join("aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("aws-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args([
            "--endpoint-url",
            &server.endpoint(),
            "--output",
            "json",
            "ec2",
        ])
        .args(args)
        .output()
        .expect("the aws command runs; scripts/test installs it with pip (awscli)");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "aws {args:?}: {stderr}");
    serde_json::from_slice(&output.stdout).unwrap()
}

fn tag<'a>(tags: &'a Value, key: &str) -> Option<&'a str> {
    tags.as_array()?
        .iter()
        .find(|tag| tag["Key"] == key)
        .and_then(|tag| tag["Value"].as_str())
}

#[test]
fn aws_cli_sees_label_and_description_tags() {
    let server = MotoServer::start();
    let home = tempfile::tempdir().unwrap();

    let volume = json(command(&server, home.path()).args([
        "volume",
        "create",
        "tagged-vol",
        "--size",
        "1",
        "--description",
        "scratch space",
    ]));
    let volume_id = volume["id"].as_str().unwrap();
    let described = aws_cli(
        &server,
        home.path(),
        &["describe-volumes", "--volume-ids", volume_id],
    );
    let tags = &described["Volumes"][0]["Tags"];
    assert_eq!(tag(tags, "Name"), Some("tagged-vol"), "{described}");
    assert_eq!(
        tag(tags, "Description"),
        Some("scratch space"),
        "{described}"
    );

    let snapshot = json(command(&server, home.path()).args([
        "snapshot",
        "create",
        volume_id,
        "tagged-snap",
        "--description",
        "nightly copy",
    ]));
    let snapshot_id = snapshot["id"].as_str().unwrap();
    let described = aws_cli(
        &server,
        home.path(),
        &["describe-snapshots", "--snapshot-ids", snapshot_id],
    );
    let tags = &described["Snapshots"][0]["Tags"];
    assert_eq!(tag(tags, "Name"), Some("tagged-snap"), "{described}");
    assert_eq!(
        tag(tags, "Description"),
        Some("nightly copy"),
        "{described}"
    );
}

#[test]
fn volume_tagged_by_aws_cli_is_found_by_label() {
    let server = MotoServer::start();
    let home = tempfile::tempdir().unwrap();
    let created = aws_cli(
        &server,
        home.path(),
        &[
            "create-volume",
            "--availability-zone",
            "us-east-1a",
            "--size",
            "3",
            "--tag-specifications",
            "ResourceType=volume,Tags=[{Key=Name,Value=other-tool-vol}]",
        ],
    );
    let volume_id = created["VolumeId"].as_str().unwrap();

    let found =
        json(command(&server, home.path()).args(["volume", "list", "--label", "other-tool-vol"]));
    let found = found.as_array().expect("a JSON array");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["id"], volume_id);
    assert_eq!(found[0]["label"], "other-tool-vol");
    assert_eq!(found[0]["size"], 3);
}

#[test]
fn aws_walkthrough_without_image_creates_nothing() {
    let server = MotoServer::start();
    let home = tempfile::tempdir().unwrap();

    let output = command(&server, home.path())
        .env_remove("CB_AWS_IMAGE_ID")
        .arg("walkthrough")
        .output()
        .unwrap();
    let volumes = json(command(&server, home.path()).args(["volume", "list"]));

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(14), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("CB_AWS_IMAGE_ID"), "{stderr}");
    assert_eq!(volumes, serde_json::json!([]), "volumes created");
}
