//! Completions, help, logging and a closed stdout.

mod common;

use std::io::Read;
use std::process::Stdio;

use common::Cloud;

#[test]
fn completions_for_each_shell() {
    let cloud = Cloud::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = cloud.ok(&["completions", shell]);
        assert!(script.contains("cloudbridge"), "{shell}: {script}");
        assert!(script.contains("walkthrough"), "{shell} completes commands");
    }
}

#[test]
fn completions_reject_unknown_shell() {
    let cloud = Cloud::new();
    cloud.fails(&["completions", "tcsh"], 2, "tcsh");
}

#[test]
fn help_lists_exit_codes() {
    let cloud = Cloud::new();
    let help = cloud.ok(&["--help"]);
    assert!(help.contains("Exit status:"), "{help}");
    assert!(help.contains("130"), "{help}");
}

#[test]
fn flag_help_names_defaults() {
    let cloud = Cloud::new();
    let help = cloud.ok(&["volume", "list", "--help"]);
    assert!(help.contains("--limit"), "{help}");
    assert!(help.contains("default"), "{help}");
}

#[test]
fn verbose_logs_state_changes_to_stderr() {
    let cloud = Cloud::new();

    let run = cloud.run(&[
        "-v", "--output", "json", "volume", "create", "loud-one", "--size", "1", "--wait",
    ]);

    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("INFO"), "{}", run.stderr);
    run.json();
}

#[test]
fn global_flags_work_after_command() {
    let cloud = Cloud::new();

    let zones = cloud.ok(&["zone", "list", "--output", "json"]);

    assert!(zones.trim_start().starts_with('['), "{zones}");
}

#[test]
fn environment_selects_data_dir() {
    let cloud = Cloud::new();
    let dir = cloud.data_dir().join("from-env");
    let mut command = assert_cmd::Command::new(env!("CARGO_BIN_EXE_cloudbridge"));
    command
        .env("CB_CONFIG", cloud.data_dir().join("no-such-config.toml"))
        .env("CB_DATA_DIR", &dir)
        .env_remove("CB_PROVIDER")
        .env_remove("CB_ZONE")
        .env_remove("CB_PROFILE")
        .args([
            "--output", "json", "volume", "create", "env-one", "--size", "1",
        ]);

    command.assert().success();

    assert!(dir.exists(), "the local cloud lives in CB_DATA_DIR");
}

#[test]
fn closed_stdout_does_not_panic() {
    let cloud = Cloud::new();
    for n in 1..=3 {
        cloud.volume(&format!("piped-{n}"), 1);
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cloudbridge"))
        .env("CB_CONFIG", cloud.data_dir().join("no-such-config.toml"))
        .arg("--data-dir")
        .arg(cloud.data_dir().join("cloud"))
        .args(["completions", "bash"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the read end before the child writes its (long) completion script.
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();

    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr, "");
    assert!(status.success(), "{status:?}");
}

#[test]
fn verbose_logs_in_pipe_have_no_colour() {
    let cloud = Cloud::new();

    let run = cloud.run(&["-vv", "volume", "list"]);

    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.is_empty(), "-vv logged nothing");
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
}

#[test]
fn readme_lists_every_completion_shell() {
    let readme = include_str!("../../../README.md");
    assert!(
        readme.contains("cloudbridge completions bash|zsh|fish|powershell|elvish"),
        "the README's completions line lists other shells"
    );
}

#[test]
fn wait_help_does_not_promise_instant_return() {
    let cloud = Cloud::new();

    let help = cloud.ok(&["snapshot", "create", "--help"]);

    assert!(!help.contains("return at once"), "{help}");
    assert!(
        help.contains("copies snapshot data before it returns"),
        "{help}"
    );
}

#[test]
fn readme_names_every_json_field() {
    let readme = include_str!("../../../README.md");
    let cloud = Cloud::new();
    let volume_id = cloud.volume("documented", 1);
    let instance_id = cloud.instance("documented-host");
    cloud.attach(&volume_id, &instance_id, "/dev/sdh");
    let snapshot_id = cloud.snapshot(&volume_id, "documented-snap");

    let volume = cloud.json(&["volume", "show", &volume_id]);
    let records = [
        volume.clone(),
        volume["attachment"].clone(),
        cloud.json(&["snapshot", "show", &snapshot_id]),
        cloud.json(&["instance", "show", &instance_id]),
        cloud.json(&["zone", "list"])[0].clone(),
    ];

    for record in records {
        let fields = record.as_object().expect("a JSON object");
        for field in fields.keys() {
            let quoted = format!("`{field}`");
            assert!(
                readme.contains(&quoted),
                "the README does not name {quoted}"
            );
        }
    }
}
