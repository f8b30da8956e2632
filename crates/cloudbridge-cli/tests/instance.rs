//! `cloudbridge instance ...` and `cloudbridge zone list` end to end on the local provider.

mod common;

use common::{Cloud, id, ids};

#[test]
fn instance_create_json_and_table() {
    let cloud = Cloud::new();

    let instance = cloud.json(&["instance", "create", "host-one", "--wait"]);
    assert!(id(&instance).starts_with("i-"), "{instance}");
    assert_eq!(instance["label"], "host-one");
    assert_eq!(instance["state"], "running");
    assert_eq!(instance["zone"], "local-a");
    assert!(instance["created_at"].is_string(), "{instance}");

    let table = cloud.ok(&["instance", "create", "host-two", "--wait"]);
    assert!(table.contains("host-two"), "{table}");
    assert!(table.contains("running"), "{table}");
}

#[test]
fn instance_create_with_image_and_type() {
    let cloud = Cloud::new();

    let instance = cloud.json(&[
        "instance",
        "create",
        "host-three",
        "--image",
        "img-1",
        "--type",
        "small",
    ]);

    assert_eq!(instance["image_id"], "img-1");
    assert_eq!(instance["instance_type"], "small");
}

#[test]
fn instance_list_and_show() {
    let cloud = Cloud::new();
    let instance_id = cloud.instance("host-four");

    assert_eq!(
        ids(&cloud.json(&["instance", "list"])),
        vec![instance_id.clone()]
    );
    let table = cloud.ok(&["instance", "list"]);
    assert!(table.contains(&instance_id), "{table}");

    let shown = cloud.json(&["instance", "show", &instance_id]);
    assert_eq!(shown["label"], "host-four");
    let table = cloud.ok(&["instance", "show", &instance_id]);
    assert!(table.contains("host-four"), "{table}");
}

#[test]
fn instance_delete_detaches_volumes() {
    let cloud = Cloud::new();
    let instance_id = cloud.instance("host-five");
    let volume_id = cloud.volume("disk-five", 1);
    cloud.attach(&volume_id, &instance_id, "/dev/sdg");

    let deleted = cloud.json(&["instance", "delete", &instance_id, "--wait"]);
    assert_eq!(deleted["state"], "deleted");
    assert_eq!(cloud.json(&["instance", "list"]), serde_json::json!([]));

    let volume = cloud.json(&[
        "wait",
        "volume",
        &volume_id,
        "--state",
        "available",
        "--timeout",
        "30",
    ]);
    assert!(volume["attachment"].is_null(), "{volume}");
}

#[test]
fn instance_delete_table_output() {
    let cloud = Cloud::new();
    let instance_id = cloud.instance("host-six");

    let line = cloud.ok(&["instance", "delete", &instance_id, "--wait"]);

    assert_eq!(line, format!("instance {instance_id} is deleted\n"));
}

#[test]
fn zone_list_json_and_table() {
    let cloud = Cloud::new();

    let zones = cloud.json(&["zone", "list"]);
    let names: Vec<&str> = zones
        .as_array()
        .unwrap()
        .iter()
        .map(|zone| zone["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["local-a", "local-b", "local-c"]);
    assert_eq!(zones[0]["region"], "local");
    assert_eq!(zones[0]["available"], true);

    let table = cloud.ok(&["zone", "list"]);
    assert!(table.contains("local-b"), "{table}");
    assert!(table.contains("REGION"), "{table}");
}
