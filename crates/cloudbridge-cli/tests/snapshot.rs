//! `cloudbridge snapshot ...` end to end on the local provider.

mod common;

use common::{Cloud, id, ids};

#[test]
fn snapshot_create_json_has_library_fields() {
    let cloud = Cloud::new();
    let volume_id = cloud.volume("snapped-one", 2);

    let snapshot = cloud.json(&[
        "snapshot",
        "create",
        &volume_id,
        "snap-one",
        "--description",
        "before upgrade",
        "--wait",
    ]);

    assert!(id(&snapshot).starts_with("snap-"), "{snapshot}");
    assert!(snapshot["name"].is_string(), "{snapshot}");
    assert_eq!(snapshot["label"], "snap-one");
    assert_eq!(snapshot["description"], "before upgrade");
    assert_eq!(snapshot["size"], 2);
    assert_eq!(snapshot["state"], "available");
    assert_eq!(snapshot["volume_id"], volume_id.as_str());
    assert!(snapshot["created_at"].is_string(), "{snapshot}");
}

#[test]
fn snapshot_create_table_output() {
    let cloud = Cloud::new();
    let volume_id = cloud.volume("snapped-two", 1);

    let table = cloud.ok(&["snapshot", "create", &volume_id, "snap-two", "--wait"]);

    assert!(table.contains("snap-"), "{table}");
    assert!(table.contains("available"), "{table}");
    assert!(table.contains(&volume_id), "{table}");
}

#[test]
fn snapshot_list_show_and_set() {
    let cloud = Cloud::new();
    let volume_id = cloud.volume("snapped-three", 1);
    let snapshot_id = cloud.snapshot(&volume_id, "snap-three");

    assert_eq!(
        ids(&cloud.json(&["snapshot", "list"])),
        vec![snapshot_id.clone()]
    );
    let table = cloud.ok(&["snapshot", "list"]);
    assert!(table.contains(&snapshot_id), "{table}");
    assert!(table.contains("snap-three"), "{table}");

    let shown = cloud.json(&["snapshot", "show", &snapshot_id]);
    assert_eq!(shown["label"], "snap-three");
    let table = cloud.ok(&["snapshot", "show", &snapshot_id]);
    assert!(table.contains("snap-three"), "{table}");

    let changed = cloud.json(&[
        "snapshot",
        "set",
        &snapshot_id,
        "--label",
        "snap-renamed",
        "--description",
        "kept",
    ]);
    assert_eq!(changed["label"], "snap-renamed");
    assert_eq!(changed["description"], "kept");
}

#[test]
fn snapshot_restore_makes_volume() {
    let cloud = Cloud::new();
    let volume_id = cloud.volume("snapped-four", 2);
    let snapshot_id = cloud.snapshot(&volume_id, "snap-four");

    let restored = cloud.json(&[
        "snapshot",
        "restore",
        &snapshot_id,
        "restored-four",
        "--wait",
    ]);
    assert_eq!(restored["label"], "restored-four");
    assert_eq!(restored["size"], 2);
    assert_eq!(restored["state"], "available");
    assert_eq!(restored["source_snapshot_id"], snapshot_id.as_str());

    let table = cloud.ok(&[
        "snapshot",
        "restore",
        &snapshot_id,
        "restored-five",
        "--size",
        "4",
        "--wait",
    ]);
    assert!(table.contains("4 GiB"), "{table}");
    assert!(table.contains(&snapshot_id), "{table}");
}

#[test]
fn snapshot_restore_in_other_zone() {
    let cloud = Cloud::new();
    let volume_id = cloud.volume("snapped-five", 1);
    let snapshot_id = cloud.snapshot(&volume_id, "snap-five");

    let restored = cloud.json(&[
        "--zone",
        "local-c",
        "snapshot",
        "restore",
        &snapshot_id,
        "restored-six",
        "--wait",
    ]);

    assert_eq!(restored["zone"], "local-c");
}

#[test]
fn snapshot_delete_with_wait_removes_it() {
    let cloud = Cloud::new();
    let volume_id = cloud.volume("snapped-six", 1);
    let snapshot_id = cloud.snapshot(&volume_id, "snap-six");

    let deleted = cloud.json(&["snapshot", "delete", &snapshot_id, "--wait"]);
    assert_eq!(deleted["state"], "deleted");
    assert_eq!(cloud.json(&["snapshot", "list"]), serde_json::json!([]));

    let other = cloud.snapshot(&volume_id, "snap-seven");
    let line = cloud.ok(&["snapshot", "delete", &other, "--wait"]);
    assert_eq!(line, format!("snapshot {other} is deleted\n"));
}
