//! `cloudbridge wait ...` and the `--wait` flag.

mod common;

use common::Cloud;

#[test]
fn wait_volume_for_available() {
    let cloud = Cloud::new();
    let volume = cloud.json(&["volume", "create", "waited-one", "--size", "1"]);
    let volume_id = common::id(&volume);

    let waited = cloud.json(&["wait", "volume", &volume_id, "--state", "available"]);
    assert_eq!(waited["state"], "available");

    let table = cloud.ok(&["wait", "volume", &volume_id, "--state", "available"]);
    assert!(table.contains("available"), "{table}");
}

#[test]
fn wait_snapshot_and_instance() {
    let cloud = Cloud::new();
    let volume_id = cloud.volume("waited-two", 1);
    let snapshot = cloud.json(&["snapshot", "create", &volume_id, "waited-snap"]);
    let instance = cloud.json(&["instance", "create", "waited-host"]);

    let snapshot = cloud.json(&[
        "wait",
        "snapshot",
        &common::id(&snapshot),
        "--state",
        "available",
    ]);
    let instance = cloud.json(&[
        "wait",
        "instance",
        &common::id(&instance),
        "--state",
        "running",
    ]);

    assert_eq!(snapshot["state"], "available");
    assert_eq!(instance["state"], "running");
}

#[test]
fn wait_for_deleted_of_missing_volume_succeeds() {
    let cloud = Cloud::new();
    let volume_id = cloud.volume("waited-three", 1);
    cloud.ok(&["volume", "delete", &volume_id]);

    let waited = cloud.json(&["wait", "volume", &volume_id, "--state", "deleted"]);

    assert_eq!(waited["state"], "deleted");
}

#[test]
fn wait_times_out_with_exit_code_12() {
    let cloud = Cloud::new();
    let volume_id = cloud.volume("waited-four", 1);

    let line = cloud.fails(
        &[
            "wait",
            "volume",
            &volume_id,
            "--state",
            "in-use",
            "--timeout",
            "1",
        ],
        12,
        &volume_id,
    );

    assert!(line.contains("timed out"), "{line}");
}

#[test]
fn wait_fails_fast_on_deleted_resource() {
    let cloud = Cloud::new();
    let volume_id = cloud.volume("waited-five", 1);
    cloud.ok(&["volume", "delete", &volume_id, "--wait"]);

    cloud.fails(
        &["wait", "volume", &volume_id, "--state", "available"],
        3,
        &volume_id,
    );
}

#[test]
fn slow_transitions_are_waited_for() {
    let cloud = Cloud::new();
    let run = |args: &[&str]| {
        let output = cloud
            .command()
            .env("CB_LOCAL_TRANSITION_DELAY_MS", "300")
            .args(["--output", "json"])
            .args(args)
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap()
    };

    let created = run(&["volume", "create", "slow-one", "--size", "1"]);
    assert_eq!(created["state"], "creating");
    let waited = run(&["volume", "create", "slow-two", "--size", "1", "--wait"]);
    assert_eq!(waited["state"], "available");
}

#[test]
fn wait_is_silent_when_stderr_is_not_a_terminal() {
    let cloud = Cloud::new();

    let run = cloud.run(&["volume", "create", "quiet-one", "--size", "1", "--wait"]);

    assert_eq!(run.code, 0);
    assert_eq!(run.stderr, "");
}
