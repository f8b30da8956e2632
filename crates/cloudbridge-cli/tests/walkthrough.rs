//! `cloudbridge walkthrough` end to end on the local provider.

mod common;

use common::Cloud;
use serde_json::json;

/// The actions every walkthrough run prints, in order.
const STEPS: &[&str] = &[
    "create volume",
    "list volumes",
    "create instance",
    "attach volume at /dev/sdh",
    "write data through the device",
    "detach volume",
    "create snapshot",
    "restore volume",
    "verify data on the restored volume",
    "delete volume",
    "delete volume",
    "delete snapshot",
    "delete instance",
];

fn assert_cloud_is_empty(cloud: &Cloud) {
    assert_eq!(cloud.json(&["volume", "list"]), json!([]), "volumes left");
    assert_eq!(
        cloud.json(&["snapshot", "list"]),
        json!([]),
        "snapshots left"
    );
    assert_eq!(
        cloud.json(&["instance", "list"]),
        json!([]),
        "instances left"
    );
}

#[test]
fn walkthrough_prints_every_step_and_cleans_up() {
    let cloud = Cloud::new();

    let output = cloud.ok(&["walkthrough"]);

    let mut rest = output.as_str();
    for (index, step) in STEPS.iter().enumerate() {
        let numbered = format!("{:>2}. {step}", index + 1);
        let at = rest
            .find(&numbered)
            .unwrap_or_else(|| panic!("step {numbered:?} missing or out of order:\n{output}"));
        rest = &rest[at + numbered.len()..];
    }
    assert!(output.contains("in-use"), "{output}");
    assert!(output.contains("available"), "{output}");
    assert!(output.contains("SHA-256 matches"), "{output}");
    assert!(output.contains("Walkthrough finished"), "{output}");
    assert_cloud_is_empty(&cloud);
}

#[test]
fn walkthrough_json_summarises_steps() {
    let cloud = Cloud::new();

    let summary = cloud.json(&["walkthrough"]);

    assert_eq!(summary["ok"], true, "{summary}");
    assert_eq!(summary["provider"], "local");
    assert_eq!(summary["holds_data"], true);
    let steps = summary["steps"].as_array().unwrap();
    assert_eq!(steps.len(), STEPS.len(), "{summary}");
    for (step, action) in steps.iter().zip(STEPS) {
        let text = step["action"].as_str().unwrap();
        assert!(text.starts_with(action), "{text} is not {action}");
        assert!(step["elapsed_seconds"].is_number(), "{step}");
    }
    let written = summary["data_written"]["sha256"].as_str().unwrap();
    assert_eq!(written.len(), 64);
    assert_eq!(summary["restored_sha256"], written);
    assert_cloud_is_empty(&cloud);
}

#[test]
fn walkthrough_failure_still_cleans_up() {
    let cloud = Cloud::new();

    // Every snapshot of this cloud ends in the error state, so step 7 fails.
    let run = cloud
        .command()
        .env("CB_LOCAL_FAULTS", "create_snapshot=error-state")
        .arg("walkthrough")
        .output()
        .unwrap();

    let stderr = String::from_utf8(run.stderr).unwrap();
    let stdout = String::from_utf8(run.stdout).unwrap();
    assert_eq!(run.status.code(), Some(6), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("create snapshot"), "{stderr}");
    assert!(stdout.contains("delete instance"), "{stdout}");
    assert_cloud_is_empty(&cloud);
}

#[test]
fn aws_walkthrough_requires_image_id() {
    let cloud = Cloud::new();

    let run = cloud
        .command()
        .env_remove("CB_AWS_IMAGE_ID")
        .args(["--provider", "aws", "walkthrough"])
        .output()
        .unwrap();

    let stderr = String::from_utf8(run.stderr).unwrap();
    assert_eq!(run.status.code(), Some(14), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("CB_AWS_IMAGE_ID"), "{stderr}");
    assert!(
        run.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
}
