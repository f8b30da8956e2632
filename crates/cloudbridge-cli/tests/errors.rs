//! One wrong input per command: the exit code, exactly one line on stderr naming the value,
//! and no change to the cloud.

mod common;

use common::Cloud;

const NOT_FOUND: i32 = 3;
const INVALID_LABEL: i32 = 4;
const INVALID_PARAMETER: i32 = 5;
const INVALID_STATE: i32 = 6;
const USAGE: i32 = 2;

/// Runs a failing command and checks that the cloud is the same before and after.
fn fails_without_change(cloud: &Cloud, args: &[&str], code: i32, value: &str) -> String {
    let before = cloud.everything();
    let line = cloud.fails(args, code, value);
    assert_eq!(
        cloud.everything(),
        before,
        "`{}` changed the cloud",
        args.join(" ")
    );
    line
}

#[test]
fn volume_create_rejects_bad_label() {
    let cloud = Cloud::new();
    fails_without_change(
        &cloud,
        &["volume", "create", "Bad_Label", "--size", "1"],
        INVALID_LABEL,
        "Bad_Label",
    );
}

#[test]
fn volume_create_rejects_size_zero() {
    let cloud = Cloud::new();
    let line = fails_without_change(
        &cloud,
        &["volume", "create", "empty-one", "--size", "0"],
        INVALID_PARAMETER,
        "\"0\"",
    );
    assert!(line.contains("size"), "{line}");
}

#[test]
fn volume_create_rejects_negative_size() {
    let cloud = Cloud::new();
    fails_without_change(
        &cloud,
        &["volume", "create", "negative-one", "--size", "-1"],
        USAGE,
        "-1",
    );
}

#[test]
fn volume_create_rejects_unknown_snapshot() {
    let cloud = Cloud::new();
    fails_without_change(
        &cloud,
        &[
            "volume",
            "create",
            "copy-one",
            "--size",
            "1",
            "--snapshot",
            "snap-00000000000000000",
        ],
        NOT_FOUND,
        "snap-00000000000000000",
    );
}

#[test]
fn volume_create_rejects_unknown_zone() {
    let cloud = Cloud::new();
    fails_without_change(
        &cloud,
        &[
            "--zone", "mars-1", "volume", "create", "far-one", "--size", "1",
        ],
        INVALID_PARAMETER,
        "mars-1",
    );
}

#[test]
fn volume_show_rejects_unknown_id() {
    let cloud = Cloud::new();
    let line = fails_without_change(
        &cloud,
        &["volume", "show", "vol-0123456789abcdef0"],
        NOT_FOUND,
        "vol-0123456789abcdef0",
    );
    assert!(line.contains("volume list"), "says what to do: {line}");
}

#[test]
fn volume_list_rejects_limit_zero() {
    let cloud = Cloud::new();
    fails_without_change(
        &cloud,
        &["volume", "list", "--limit", "0"],
        INVALID_PARAMETER,
        "\"0\"",
    );
}

#[test]
fn volume_list_rejects_bad_label_filter() {
    let cloud = Cloud::new();
    fails_without_change(
        &cloud,
        &["volume", "list", "--label", "UPPER"],
        INVALID_LABEL,
        "UPPER",
    );
}

#[test]
fn volume_attach_rejects_root_device() {
    let cloud = Cloud::new();
    let volume_id = cloud.volume("root-one", 1);
    let instance_id = cloud.instance("root-host");
    fails_without_change(
        &cloud,
        &["volume", "attach", &volume_id, &instance_id, "/dev/sda1"],
        INVALID_PARAMETER,
        "/dev/sda1",
    );
}

#[test]
fn volume_attach_rejects_unknown_instance() {
    let cloud = Cloud::new();
    let volume_id = cloud.volume("lonely-one", 1);
    fails_without_change(
        &cloud,
        &[
            "volume",
            "attach",
            &volume_id,
            "i-0123456789abcdef0",
            "/dev/sdh",
        ],
        NOT_FOUND,
        "i-0123456789abcdef0",
    );
}

#[test]
fn volume_attach_rejects_used_device() {
    let cloud = Cloud::new();
    let instance_id = cloud.instance("busy-host");
    let first = cloud.volume("busy-one", 1);
    let second = cloud.volume("busy-two", 1);
    cloud.attach(&first, &instance_id, "/dev/sdh");
    let line = fails_without_change(
        &cloud,
        &["volume", "attach", &second, &instance_id, "/dev/sdh"],
        8,
        "/dev/sdh",
    );
    assert!(!line.is_empty());
}

#[test]
fn used_device_error_gives_one_hint() {
    let cloud = Cloud::new();
    let instance_id = cloud.instance("busy-host");
    let first = cloud.volume("busy-one", 1);
    let second = cloud.volume("busy-two", 1);
    cloud.attach(&first, &instance_id, "/dev/sdh");

    let line = cloud.fails(
        &["volume", "attach", &second, &instance_id, "/dev/sdh"],
        8,
        "/dev/sdh",
    );

    assert_eq!(line.matches("choose another").count(), 1, "{line}");
}

#[test]
fn volume_detach_rejects_available_volume() {
    let cloud = Cloud::new();
    let volume_id = cloud.volume("free-one", 1);
    let line = fails_without_change(
        &cloud,
        &["volume", "detach", &volume_id],
        INVALID_STATE,
        &volume_id,
    );
    assert!(line.contains("available"), "{line}");
}

#[test]
fn volume_delete_rejects_attached_volume() {
    let cloud = Cloud::new();
    let volume_id = cloud.volume("held-one", 1);
    let instance_id = cloud.instance("held-host");
    cloud.attach(&volume_id, &instance_id, "/dev/sdh");
    let line = fails_without_change(
        &cloud,
        &["volume", "delete", &volume_id],
        INVALID_STATE,
        &volume_id,
    );
    assert!(line.contains("in-use"), "{line}");
}

#[test]
fn volume_set_rejects_bad_label() {
    let cloud = Cloud::new();
    let volume_id = cloud.volume("steady-one", 1);
    fails_without_change(
        &cloud,
        &[
            "volume",
            "set",
            &volume_id,
            "--label",
            "-dash-first",
            "--description",
            "changed",
        ],
        INVALID_LABEL,
        "-dash-first",
    );
}

#[test]
fn volume_set_requires_a_change() {
    let cloud = Cloud::new();
    let volume_id = cloud.volume("steady-two", 1);
    fails_without_change(&cloud, &["volume", "set", &volume_id], USAGE, "--label");
}

#[test]
fn snapshot_create_rejects_bad_label() {
    let cloud = Cloud::new();
    let volume_id = cloud.volume("snap-source", 1);
    fails_without_change(
        &cloud,
        &["snapshot", "create", &volume_id, "ab"],
        INVALID_LABEL,
        "\"ab\"",
    );
}

#[test]
fn snapshot_create_rejects_unknown_volume() {
    let cloud = Cloud::new();
    fails_without_change(
        &cloud,
        &["snapshot", "create", "vol-0123456789abcdef0", "snap-one"],
        NOT_FOUND,
        "vol-0123456789abcdef0",
    );
}

#[test]
fn snapshot_show_rejects_unknown_id() {
    let cloud = Cloud::new();
    fails_without_change(
        &cloud,
        &["snapshot", "show", "snap-0123456789abcdef0"],
        NOT_FOUND,
        "snap-0123456789abcdef0",
    );
}

#[test]
fn snapshot_set_rejects_unknown_id() {
    let cloud = Cloud::new();
    fails_without_change(
        &cloud,
        &[
            "snapshot",
            "set",
            "snap-0123456789abcdef0",
            "--label",
            "fine-label",
        ],
        NOT_FOUND,
        "snap-0123456789abcdef0",
    );
}

#[test]
fn snapshot_delete_rejects_unknown_id() {
    let cloud = Cloud::new();
    fails_without_change(
        &cloud,
        &["snapshot", "delete", "not-an-id"],
        NOT_FOUND,
        "not-an-id",
    );
}

#[test]
fn snapshot_restore_rejects_smaller_size() {
    let cloud = Cloud::new();
    let volume_id = cloud.volume("big-source", 2);
    let snapshot_id = cloud.snapshot(&volume_id, "big-snap");
    let line = fails_without_change(
        &cloud,
        &[
            "snapshot",
            "restore",
            &snapshot_id,
            "small-copy",
            "--size",
            "1",
        ],
        INVALID_PARAMETER,
        "\"1\"",
    );
    assert!(line.contains(&snapshot_id), "{line}");
}

#[test]
fn instance_create_rejects_bad_label() {
    let cloud = Cloud::new();
    fails_without_change(
        &cloud,
        &["instance", "create", "host--double"],
        INVALID_LABEL,
        "host--double",
    );
}

#[test]
fn instance_show_rejects_unknown_id() {
    let cloud = Cloud::new();
    fails_without_change(
        &cloud,
        &["instance", "show", "i-0123456789abcdef0"],
        NOT_FOUND,
        "i-0123456789abcdef0",
    );
}

#[test]
fn instance_delete_rejects_unknown_id() {
    let cloud = Cloud::new();
    fails_without_change(
        &cloud,
        &["instance", "delete", "i-0123456789abcdef0"],
        NOT_FOUND,
        "i-0123456789abcdef0",
    );
}

#[test]
fn wait_rejects_bad_state() {
    let cloud = Cloud::new();
    let volume_id = cloud.volume("state-one", 1);
    let line = fails_without_change(
        &cloud,
        &["wait", "volume", &volume_id, "--state", "ready"],
        USAGE,
        "ready",
    );
    assert!(line.contains("in-use"), "lists the allowed states: {line}");
}

#[test]
fn wait_rejects_unknown_id() {
    let cloud = Cloud::new();
    fails_without_change(
        &cloud,
        &[
            "wait",
            "instance",
            "i-0123456789abcdef0",
            "--state",
            "running",
        ],
        NOT_FOUND,
        "i-0123456789abcdef0",
    );
}

#[test]
fn output_rejects_unknown_format() {
    let cloud = Cloud::new();
    let line = fails_without_change(&cloud, &["--output", "xml", "zone", "list"], USAGE, "xml");
    assert!(line.contains("json"), "lists the formats: {line}");
}

#[test]
fn provider_rejects_unknown_name() {
    let cloud = Cloud::new();
    fails_without_change(
        &cloud,
        &["--provider", "amazon", "zone", "list"],
        USAGE,
        "amazon",
    );
}

#[test]
fn provider_not_built_is_configuration_error() {
    let cloud = Cloud::new();
    fails_without_change(&cloud, &["--provider", "gcp", "zone", "list"], 14, "gcp");
}

#[test]
fn unknown_profile_is_configuration_error() {
    let cloud = Cloud::new();
    fails_without_change(&cloud, &["--profile", "work", "zone", "list"], 14, "work");
}

#[test]
fn missing_subcommand_is_one_line() {
    let cloud = Cloud::new();
    let line = cloud.fails(&["volume"], USAGE, "cloudbridge volume");
    assert!(line.contains("create"), "{line}");
}

#[test]
fn unknown_subcommand_is_one_line() {
    let cloud = Cloud::new();
    cloud.fails(&["volume", "lst"], USAGE, "lst");
}

#[test]
fn negative_numbers_name_their_flag() {
    let cloud = Cloud::new();
    let cases: [(&[&str], &str); 4] = [
        (
            &["volume", "create", "minus-one", "--size", "-1"],
            "'--size <GIB>'",
        ),
        (
            &["snapshot", "restore", "snap-1", "minus-two", "--size", "-2"],
            "'--size <GIB>'",
        ),
        (&["volume", "list", "--limit", "-1"], "'--limit <N>'"),
        (
            &[
                "wait",
                "volume",
                "vol-1",
                "--state",
                "available",
                "--timeout",
                "-1",
            ],
            "'--timeout <SECONDS>'",
        ),
    ];
    for (args, flag) in cases {
        let line = fails_without_change(&cloud, args, USAGE, flag);
        assert!(line.contains("invalid value '-"), "{line}");
    }
}

#[test]
fn negative_marker_is_invalid_marker() {
    let cloud = Cloud::new();
    let line = fails_without_change(
        &cloud,
        &["volume", "list", "--limit", "1", "--marker", "-5"],
        INVALID_PARAMETER,
        "\"-5\"",
    );
    assert!(line.contains("marker"), "{line}");
}
