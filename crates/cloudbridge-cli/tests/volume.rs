//! `cloudbridge volume ...` end to end on the local provider.

mod common;

use common::{Cloud, id, ids};

#[test]
fn volume_create_json_has_library_fields() {
    let cloud = Cloud::new();
    let volume = cloud.json(&[
        "volume",
        "create",
        "data-one",
        "--size",
        "2",
        "--description",
        "first disk",
        "--wait",
    ]);

    assert!(id(&volume).starts_with("vol-"), "{volume}");
    assert!(volume["name"].is_string(), "{volume}");
    assert_eq!(volume["label"], "data-one");
    assert_eq!(volume["description"], "first disk");
    assert_eq!(volume["size"], 2);
    assert_eq!(volume["state"], "available");
    assert_eq!(volume["zone"], "local-a");
    assert!(volume["created_at"].is_string(), "{volume}");
    assert!(volume["source_snapshot_id"].is_null(), "{volume}");
    assert!(volume["attachment"].is_null(), "{volume}");
}

#[test]
fn volume_create_table_shows_fields() {
    let cloud = Cloud::new();
    let table = cloud.ok(&["volume", "create", "data-one", "--size", "3", "--wait"]);

    assert!(table.contains("vol-"), "{table}");
    assert!(table.contains("data-one"), "{table}");
    assert!(table.contains("3 GiB"), "{table}");
    assert!(table.contains("available"), "{table}");
    assert!(!table.contains('{'), "a table, not JSON: {table}");
}

#[test]
fn volume_create_without_wait_returns_at_once() {
    let cloud = Cloud::new();
    let volume = cloud.json(&["volume", "create", "quick-one", "--size", "1"]);
    let state = volume["state"].as_str().unwrap();

    assert!(["creating", "available"].contains(&state), "{volume}");
}

#[test]
fn volume_create_in_other_zone() {
    let cloud = Cloud::new();
    let volume = cloud.json(&[
        "--zone",
        "local-b",
        "volume",
        "create",
        "zoned-one",
        "--size",
        "1",
    ]);

    assert_eq!(volume["zone"], "local-b");
    let listed = cloud.json(&["--zone", "local-b", "volume", "list"]);
    assert_eq!(ids(&listed), vec![id(&volume)]);
}

#[test]
fn volume_list_json_and_table() {
    let cloud = Cloud::new();
    let first = cloud.volume("list-one", 1);
    let second = cloud.volume("list-two", 1);

    let listed = cloud.json(&["volume", "list"]);
    let mut listed_ids = ids(&listed);
    listed_ids.sort();
    let mut expected = vec![first.clone(), second.clone()];
    expected.sort();
    assert_eq!(listed_ids, expected);

    let table = cloud.ok(&["volume", "list"]);
    assert!(table.contains("LABEL"), "{table}");
    assert!(table.contains(&first), "{table}");
    assert!(table.contains(&second), "{table}");
    assert!(table.contains("list-one"), "{table}");
}

#[test]
fn volume_list_filters_by_label() {
    let cloud = Cloud::new();
    let wanted = cloud.volume("wanted-one", 1);
    cloud.volume("other-one", 1);

    let listed = cloud.json(&["volume", "list", "--label", "wanted-one"]);

    assert_eq!(ids(&listed), vec![wanted]);
}

#[test]
fn volume_list_empty_table_says_so() {
    let cloud = Cloud::new();

    assert_eq!(cloud.ok(&["volume", "list"]), "No volumes.\n");
    assert_eq!(cloud.json(&["volume", "list"]), serde_json::json!([]));
}

#[test]
fn volume_show_json_and_table() {
    let cloud = Cloud::new();
    let volume_id = cloud.volume("shown-one", 1);

    let volume = cloud.json(&["volume", "show", &volume_id]);
    assert_eq!(id(&volume), volume_id);
    assert_eq!(volume["label"], "shown-one");

    let table = cloud.ok(&["volume", "show", &volume_id]);
    assert!(table.contains(&volume_id), "{table}");
    assert!(table.contains("shown-one"), "{table}");
}

#[test]
fn volume_attach_and_detach_with_wait() {
    let cloud = Cloud::new();
    let volume_id = cloud.volume("attached-one", 1);
    let instance_id = cloud.instance("host-one");

    let attached = cloud.json(&[
        "volume",
        "attach",
        &volume_id,
        &instance_id,
        "/dev/sdh",
        "--wait",
    ]);
    assert_eq!(attached["state"], "in-use");
    assert_eq!(attached["attachment"]["instance_id"], instance_id.as_str());
    assert_eq!(attached["attachment"]["device"], "/dev/sdh");

    let table = cloud.ok(&["volume", "show", &volume_id]);
    assert!(table.contains("in-use"), "{table}");
    assert!(table.contains("/dev/sdh"), "{table}");

    let detached = cloud.json(&["volume", "detach", &volume_id, "--wait"]);
    assert_eq!(detached["state"], "available");
    assert!(detached["attachment"].is_null(), "{detached}");
}

#[test]
fn volume_attach_table_output() {
    let cloud = Cloud::new();
    let volume_id = cloud.volume("attached-two", 1);
    let instance_id = cloud.instance("host-two");

    let table = cloud.ok(&[
        "volume",
        "attach",
        &volume_id,
        &instance_id,
        "/dev/sdf",
        "--wait",
    ]);
    assert!(table.contains("in-use"), "{table}");
    assert!(table.contains(&instance_id), "{table}");

    let table = cloud.ok(&["volume", "detach", &volume_id, "--wait"]);
    assert!(table.contains("available"), "{table}");
}

#[test]
fn volume_set_changes_label_and_description() {
    let cloud = Cloud::new();
    let volume_id = cloud.volume("old-label", 1);

    let changed = cloud.json(&[
        "volume",
        "set",
        &volume_id,
        "--label",
        "new-label",
        "--description",
        "renamed",
    ]);
    assert_eq!(changed["label"], "new-label");
    assert_eq!(changed["description"], "renamed");

    let table = cloud.ok(&["volume", "set", &volume_id, "--description", ""]);
    assert!(table.contains("new-label"), "{table}");
    let shown = cloud.json(&["volume", "show", &volume_id]);
    assert!(
        shown["description"].is_null() || shown["description"] == "",
        "{shown}"
    );
}

#[test]
fn volume_delete_with_wait_removes_it() {
    let cloud = Cloud::new();
    let volume_id = cloud.volume("doomed-one", 1);

    let deleted = cloud.json(&["volume", "delete", &volume_id, "--wait"]);

    assert_eq!(deleted["state"], "deleted");
    assert_eq!(cloud.json(&["volume", "list"]), serde_json::json!([]));
    cloud.fails(&["volume", "show", &volume_id], 3, &volume_id);
}

#[test]
fn volume_delete_table_output() {
    let cloud = Cloud::new();
    let volume_id = cloud.volume("doomed-two", 1);

    let line = cloud.ok(&["volume", "delete", &volume_id, "--wait"]);

    assert_eq!(line, format!("volume {volume_id} is deleted\n"));
}

#[test]
fn volume_create_from_snapshot() {
    let cloud = Cloud::new();
    let source = cloud.volume("source-one", 2);
    let snapshot_id = cloud.snapshot(&source, "source-snap");

    let copy = cloud.json(&[
        "volume",
        "create",
        "copy-one",
        "--size",
        "3",
        "--snapshot",
        &snapshot_id,
        "--wait",
    ]);

    assert_eq!(copy["source_snapshot_id"], snapshot_id.as_str());
    assert_eq!(copy["size"], 3);
    assert_eq!(copy["state"], "available");
}

#[test]
fn table_escapes_control_characters() {
    let cloud = Cloud::new();
    let description = "\u{1b}[31mRED\u{1b}[0m\nX";
    let created = cloud.json(&[
        "volume",
        "create",
        "painted",
        "--size",
        "1",
        "--description",
        description,
    ]);
    let volume_id = id(&created);

    let table = cloud.ok(&["volume", "show", &volume_id]);
    let shown = cloud.json(&["volume", "show", &volume_id]);

    assert!(!table.contains('\u{1b}'), "{table:?}");
    assert!(table.contains(r"\u{1b}[31mRED\u{1b}[0m\nX"), "{table}");
    assert_eq!(shown["description"], description);
}
