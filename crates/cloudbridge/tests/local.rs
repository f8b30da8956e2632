//! The local provider against real files: the conformance suite with and without delays,
//! crash recovery, races between processes, sparse volumes and data kept byte for byte.

#![cfg(all(feature = "local", feature = "conformance"))]

use std::os::unix::fs::MetadataExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cloudbridge::conformance::{self, expect_kind, read_pattern, unique_label, write_pattern};
use cloudbridge::local::{Fault, LocalBackend, LocalOptions};
use cloudbridge::{ErrorKind, Provider, SnapshotState, VolumeState};

fn provider_with(options: LocalOptions) -> Provider {
    Provider::from_backend(LocalBackend::open(options).expect("open local provider"))
}

fn delayed(dir: &std::path::Path) -> LocalOptions {
    let mut options = LocalOptions::new(dir);
    options.transition_delay = Duration::from_millis(150);
    options.visibility_lag = Duration::from_millis(100);
    options
}

#[tokio::test]
async fn conformance_without_delays() {
    let dir = tempfile::tempdir().unwrap();
    let provider = Provider::local(dir.path()).unwrap();
    conformance::run_all(&provider).await;
    conformance::wait_times_out(&provider).await;
}

#[tokio::test]
async fn conformance_with_delays_and_lag() {
    let dir = tempfile::tempdir().unwrap();
    let provider = provider_with(delayed(dir.path()));
    conformance::run_all(&provider).await;
}

#[tokio::test]
async fn conformance_with_throttling() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = LocalOptions::new(dir.path());
    // With 5 retries, a call fails only if 6 tries in a row are throttled: 1 in a million.
    options.throttle_rate = 0.1;
    conformance::run_all(&provider_with(options)).await;
}

#[tokio::test]
async fn waits_fail_fast_on_injected_error_state() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = delayed(dir.path());
    options.faults = vec![
        "create_volume=error-state".parse().unwrap(),
        "create_instance=error-state".parse().unwrap(),
    ];
    conformance::waits_fail_fast_on_error(&provider_with(options)).await;
}

#[tokio::test]
async fn snapshot_error_state_fails_its_wait() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = LocalOptions::new(dir.path());
    options.faults = vec!["create_snapshot=error-state".parse().unwrap()];
    let provider = provider_with(options);
    let mut volume = provider
        .storage()
        .volumes()
        .create("snap-source", 1)
        .await
        .unwrap();
    volume.wait_till_ready().await.unwrap();
    let mut snapshot = volume.create_snapshot("doomed-snap", None).await.unwrap();
    let message = expect_kind(snapshot.wait_till_ready().await, ErrorKind::InvalidState);
    assert!(message.contains(snapshot.id()), "{message}");
    assert_eq!(snapshot.state(), SnapshotState::Error);
    let restore = snapshot.create_volume("from-broken", None, None).await;
    expect_kind(restore, ErrorKind::InvalidState);
}

#[tokio::test]
async fn injected_error_fails_call_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = LocalOptions::new(dir.path());
    options.faults = vec![Fault {
        operation: cloudbridge::local::Operation::CreateVolume,
        effect: cloudbridge::local::FaultEffect::Error,
    }];
    let provider = provider_with(options);
    let result = provider.storage().volumes().create("never-made", 1).await;
    let error = result.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Provider);
    assert_eq!(error.code(), Some("InjectedFault"));
    let listed = provider.storage().volumes().list().all().await.unwrap();
    assert!(listed.is_empty(), "no volume was made");
    assert_eq!(
        std::fs::read_dir(dir.path().join("volumes"))
            .unwrap()
            .count(),
        0
    );
}

#[tokio::test]
async fn throttling_every_call_surfaces_after_retries() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = LocalOptions::new(dir.path());
    options.throttle_rate = 1.0;
    let provider = provider_with(options);
    let error = provider
        .storage()
        .volumes()
        .create("throttled", 1)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Throttled);
    assert!(error.kind().is_retryable());
}

#[tokio::test]
async fn visibility_lag_hides_new_volume_until_it_passes() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = LocalOptions::new(dir.path());
    options.visibility_lag = Duration::from_millis(300);
    let provider = provider_with(options);
    let mut volume = provider
        .storage()
        .volumes()
        .create("laggy", 1)
        .await
        .unwrap();
    assert!(
        provider
            .storage()
            .volumes()
            .get(volume.id())
            .await
            .unwrap()
            .is_none()
    );
    volume
        .wait_till_ready()
        .await
        .expect("the wait treats not-found as not visible yet");
    assert_eq!(volume.state(), VolumeState::Available);
}

#[tokio::test]
async fn delayed_transitions_pass_through_intermediate_states() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = LocalOptions::new(dir.path());
    options.transition_delay = Duration::from_millis(400);
    let provider = provider_with(options);
    let volumes = provider.storage().volumes();
    let mut volume = volumes.create("slow-vol", 1).await.unwrap();
    assert_eq!(volume.state(), VolumeState::Creating);
    expect_kind(volume.delete().await, ErrorKind::InvalidState);
    volume.wait_till_ready().await.unwrap();

    let mut instance = provider
        .compute()
        .instances()
        .create("slow-inst")
        .await
        .unwrap();
    assert_eq!(instance.state(), cloudbridge::InstanceState::Pending);
    instance.wait_till_ready().await.unwrap();

    volume.attach(&instance, "/dev/sdh").await.unwrap();
    assert_eq!(volume.state(), VolumeState::Attaching);
    expect_kind(volume.delete().await, ErrorKind::InvalidState);
    expect_kind(volume.detach(false).await, ErrorKind::InvalidState);
    volume
        .wait_for(&[VolumeState::InUse], &[VolumeState::Error], None)
        .await
        .unwrap();
    volume.detach(false).await.unwrap();
    assert_eq!(volume.state(), VolumeState::Detaching);
    expect_kind(volume.delete().await, ErrorKind::InvalidState);
    volume
        .wait_for(&[VolumeState::Available], &[VolumeState::Error], None)
        .await
        .unwrap();
    volume.delete().await.unwrap();
    volume.refresh().await.unwrap();
    assert_eq!(volume.state(), VolumeState::Deleting);
    volume.wait_till_deleted().await.unwrap();
}

#[tokio::test]
async fn one_tebibyte_volume_is_sparse() {
    let dir = tempfile::tempdir().unwrap();
    let provider = Provider::local(dir.path()).unwrap();
    let mut volume = provider
        .storage()
        .volumes()
        .create("big-vol", 1024)
        .await
        .unwrap();
    volume.wait_till_ready().await.unwrap();
    let path = dir
        .path()
        .join("volumes")
        .join(format!("{}.img", volume.id()));
    let metadata = std::fs::metadata(&path).unwrap();
    assert_eq!(metadata.len(), 1 << 40, "the file has the nominal size");
    assert!(
        metadata.blocks() * 512 < 1 << 20,
        "the file allocates almost nothing"
    );

    let mut snapshot = volume.create_snapshot("big-snap", None).await.unwrap();
    snapshot.wait_till_ready().await.unwrap();
    let snapshot_file = dir
        .path()
        .join("snapshots")
        .join(format!("{}.img", snapshot.id()));
    assert!(std::fs::metadata(&snapshot_file).unwrap().blocks() * 512 < 1 << 20);
    let mut restored = snapshot
        .create_volume("big-restored", None, None)
        .await
        .unwrap();
    restored.wait_till_ready().await.unwrap();
    assert_eq!(restored.size(), 1024);
}

#[tokio::test]
async fn largest_volume_is_stored_or_rejected_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let provider = Provider::local(dir.path()).unwrap();
    match provider.storage().volumes().create("largest", 16_384).await {
        Ok(volume) => assert_eq!(volume.size(), 16_384),
        Err(error) => {
            assert_eq!(error.kind(), ErrorKind::Provider, "{error}");
            assert!(error.message().contains("cannot hold"), "{error}");
            let listed = provider.storage().volumes().list().all().await.unwrap();
            assert!(listed.is_empty(), "a failed create leaves no volume");
            let files = std::fs::read_dir(dir.path().join("volumes"))
                .unwrap()
                .count();
            assert_eq!(files, 0, "a failed create leaves no file");
            let temporary = std::fs::read_dir(dir.path().join("tmp")).unwrap().count();
            assert_eq!(temporary, 0, "a failed create leaves no partial file");
        }
    }
}

#[tokio::test]
async fn data_survives_detach_reattach_snapshot_and_restore() {
    let dir = tempfile::tempdir().unwrap();
    let provider = Provider::local(dir.path()).unwrap();
    let instances = provider.compute().instances();
    let first = instances.create("first-inst").await.unwrap();
    let second = instances.create("second-inst").await.unwrap();
    let mut volume = provider
        .storage()
        .volumes()
        .create("data-vol", 1)
        .await
        .unwrap();

    volume.attach(&first, "/dev/sdh").await.unwrap();
    let path = volume.attachment().unwrap().path.clone().unwrap();
    let digest = write_pattern(&path).unwrap();
    volume.detach(false).await.unwrap();
    assert!(!path.exists(), "the device path goes away on detach");

    volume.attach(&second, "/dev/xvdf").await.unwrap();
    let second_path = volume.attachment().unwrap().path.clone().unwrap();
    assert_eq!(
        read_pattern(&second_path).unwrap(),
        digest,
        "bytes survive re-attach"
    );

    let snapshot = volume.create_snapshot("data-snap", None).await.unwrap();
    // Bytes written after the snapshot must not reach it.
    write_pattern(&second_path).unwrap();
    volume.detach(false).await.unwrap();

    let mut restored = snapshot
        .create_volume("data-restored", None, None)
        .await
        .unwrap();
    restored.attach(&first, "/dev/sdi").await.unwrap();
    let restored_path = restored.attachment().unwrap().path.clone().unwrap();
    assert_eq!(
        read_pattern(&restored_path).unwrap(),
        digest,
        "restore holds the snapshot's bytes"
    );
}

#[tokio::test]
async fn state_persists_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let (volume_id, instance_id) = {
        let provider = Provider::local(dir.path()).unwrap();
        let instance = provider
            .compute()
            .instances()
            .create("keeper")
            .await
            .unwrap();
        let mut volume = provider
            .storage()
            .volumes()
            .create("kept", 1)
            .await
            .unwrap();
        volume.attach(&instance, "/dev/sdh").await.unwrap();
        (volume.id().to_string(), instance.id().to_string())
    };
    let provider = Provider::local(dir.path()).unwrap();
    let volume = provider
        .storage()
        .volumes()
        .get(&volume_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(volume.state(), VolumeState::InUse);
    assert_eq!(volume.attachment().unwrap().instance_id, instance_id);
    assert!(volume.attachment().unwrap().path.as_ref().unwrap().exists());
}

#[tokio::test]
async fn concurrent_attaches_in_one_process_have_one_winner() {
    let dir = tempfile::tempdir().unwrap();
    let provider = Provider::local(dir.path()).unwrap();
    let mut instances = Vec::new();
    for n in 0..6 {
        instances.push(
            provider
                .compute()
                .instances()
                .create(&format!("racer-{n}"))
                .await
                .unwrap(),
        );
    }
    let volume = provider
        .storage()
        .volumes()
        .create("contested", 1)
        .await
        .unwrap();
    let tasks: Vec<_> = instances
        .iter()
        .map(|instance| {
            let mut volume = volume.clone();
            let instance_id = instance.id().to_string();
            tokio::spawn(async move { volume.attach(&instance_id, "/dev/sdh").await })
        })
        .collect();
    let mut wins = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => wins += 1,
            Err(error) => assert_eq!(error.kind(), ErrorKind::InvalidState, "{error}"),
        }
    }
    assert_eq!(wins, 1, "exactly one attach wins");
}

/// The body of the child processes started by the multi-process tests. It does nothing
/// unless `CB_TEST_CHILD` names a role.
#[tokio::test]
#[ignore = "run only as a child process of another test"]
async fn child_process() {
    let Ok(role) = std::env::var("CB_TEST_CHILD") else {
        return;
    };
    let dir = std::env::var("CB_TEST_DIR").unwrap();
    match role.as_str() {
        "attach" => {
            let provider = Provider::local(&dir).unwrap();
            let volume_id = std::env::var("CB_TEST_VOLUME").unwrap();
            let instance_id = std::env::var("CB_TEST_INSTANCE").unwrap();
            let mut volume = provider
                .storage()
                .volumes()
                .get(&volume_id)
                .await
                .unwrap()
                .unwrap();
            // Start together: wait for the go file the parent creates.
            let go = std::path::Path::new(&dir).join("go");
            let deadline = Instant::now() + Duration::from_secs(30);
            while !go.exists() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(2));
            }
            match volume.attach(&instance_id, "/dev/sdh").await {
                Ok(()) => println!("RESULT won"),
                Err(error) => println!("RESULT lost {}", error.kind()),
            }
        }
        "snapshot" => {
            let mut options = LocalOptions::new(&dir);
            options.copy_pause_per_mib = Duration::from_millis(200);
            let provider = provider_with(options);
            let volume_id = std::env::var("CB_TEST_VOLUME").unwrap();
            let volume = provider
                .storage()
                .volumes()
                .get(&volume_id)
                .await
                .unwrap()
                .unwrap();
            println!("RESULT started");
            let _ = volume.create_snapshot("interrupted", None).await;
            println!("RESULT finished");
        }
        "create" => {
            // Each round opens the data directory anew, as each CLI command does.
            for _ in 0..10 {
                let provider = match Provider::local(&dir) {
                    Ok(provider) => provider,
                    Err(error) => return println!("RESULT failed {error}"),
                };
                if let Err(error) = provider.storage().volumes().create("opener", 1).await {
                    return println!("RESULT failed {error}");
                }
            }
            println!("RESULT created");
        }
        other => panic!("unknown child role {other}"),
    }
}

fn child(role: &str, dir: &std::path::Path, envs: &[(&str, &str)]) -> Command {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([
            "--exact",
            "child_process",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("CB_TEST_CHILD", role)
        .env("CB_TEST_DIR", dir)
        .envs(envs.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

#[tokio::test]
async fn two_processes_racing_to_attach_have_one_winner() {
    let dir = tempfile::tempdir().unwrap();
    let provider = Provider::local(dir.path()).unwrap();
    let first = provider
        .compute()
        .instances()
        .create("proc-one")
        .await
        .unwrap();
    let second = provider
        .compute()
        .instances()
        .create("proc-two")
        .await
        .unwrap();
    let volume = provider
        .storage()
        .volumes()
        .create("raced", 1)
        .await
        .unwrap();

    let children: Vec<_> = [&first, &second]
        .iter()
        .map(|instance| {
            child(
                "attach",
                dir.path(),
                &[
                    ("CB_TEST_VOLUME", volume.id()),
                    ("CB_TEST_INSTANCE", instance.id()),
                ],
            )
            .spawn()
            .unwrap()
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(dir.path().join("go"), b"").unwrap();
    let mut outcomes = Vec::new();
    for child in children {
        let output = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        let errors = String::from_utf8_lossy(&output.stderr).into_owned();
        let line = text
            .lines()
            .find_map(|l| l.find("RESULT").map(|at| &l[at..]))
            .unwrap_or_else(|| panic!("child printed no result:\n{text}\n{errors}"))
            .to_string();
        outcomes.push(line);
    }
    outcomes.sort();
    assert_eq!(
        outcomes,
        vec!["RESULT lost invalid-state", "RESULT won"],
        "{outcomes:?}"
    );
    let attached = provider
        .storage()
        .volumes()
        .get(volume.id())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(attached.state(), VolumeState::InUse);
}

#[tokio::test]
async fn killed_snapshot_process_leaves_no_available_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let provider = Provider::local(dir.path()).unwrap();
    let instance = provider
        .compute()
        .instances()
        .create("crash-inst")
        .await
        .unwrap();
    let mut volume = provider
        .storage()
        .volumes()
        .create("crash-vol", 1)
        .await
        .unwrap();
    volume.attach(&instance, "/dev/sdh").await.unwrap();
    write_pattern(&volume.attachment().unwrap().path.clone().unwrap()).unwrap();

    // The child copies 3 MiB of data at 200 ms per MiB; it is killed while copying.
    let mut process = child("snapshot", dir.path(), &[("CB_TEST_VOLUME", volume.id())])
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let snapshot_id = loop {
        assert!(
            Instant::now() < deadline,
            "the child never started its snapshot"
        );
        let listed = provider.storage().snapshots().list().all().await.unwrap();
        if let Some(snapshot) = listed.first() {
            assert_eq!(
                snapshot.state(),
                SnapshotState::Pending,
                "a snapshot being copied is pending"
            );
            break snapshot.id().to_string();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    process.kill().unwrap();
    process.wait().unwrap();

    let reopened = Provider::local(dir.path()).unwrap();
    let snapshot = reopened
        .storage()
        .snapshots()
        .get(&snapshot_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        snapshot.state(),
        SnapshotState::Error,
        "a half-made snapshot is marked error"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("tmp"))
        .unwrap()
        .flatten()
        .collect();
    assert!(
        leftovers.is_empty(),
        "partial files are removed: {leftovers:?}"
    );
    let mut snapshot = snapshot;
    snapshot
        .delete()
        .await
        .expect("an error snapshot can be deleted");
    let volume = reopened
        .storage()
        .volumes()
        .get(volume.id())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        volume.state(),
        VolumeState::InUse,
        "the source volume is untouched"
    );
}

#[tokio::test]
async fn orphaned_files_are_removed_on_open() {
    let dir = tempfile::tempdir().unwrap();
    drop(Provider::local(dir.path()).unwrap());
    let orphan = dir.path().join("volumes").join("vol-0123456789abcdef0.img");
    std::fs::write(&orphan, b"left behind").unwrap();
    let part = dir.path().join("tmp").join("snap-0123456789abcdef0.part");
    std::fs::write(&part, b"half").unwrap();
    drop(Provider::local(dir.path()).unwrap());
    assert!(!orphan.exists());
    assert!(!part.exists());
}

#[tokio::test]
async fn unknown_zone_in_options_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = LocalOptions::new(dir.path());
    options.zone = "local-z".to_string();
    let error = LocalBackend::open(options).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidParameter);
    assert!(
        error.message().contains("local-a, local-b, local-c"),
        "{error}"
    );
}

#[tokio::test]
async fn labels_are_unique_per_run() {
    assert_ne!(unique_label("x"), unique_label("x"));
}

#[tokio::test]
async fn markers_are_checked_per_listing() {
    let dir = tempfile::tempdir().unwrap();
    let provider = Provider::local(dir.path()).unwrap();
    let volumes = provider.storage().volumes();
    for _ in 0..3 {
        volumes.create("marked", 1).await.unwrap();
    }
    let page = volumes.list().limit(1).await.unwrap();
    let marker = page.marker.expect("more pages follow");
    let next = volumes
        .list()
        .limit(1)
        .marker(marker.clone())
        .await
        .unwrap();
    assert_eq!(next.items.len(), 1);
    assert_ne!(next.items[0].id(), page.items[0].id());

    let foreign = provider.storage().snapshots().list().marker(marker).await;
    let message = expect_kind(foreign, ErrorKind::InvalidParameter);
    assert!(message.contains("marker"), "{message}");
    for bad in ["7", "volume:", "volume:-1", "volume:abc", ""] {
        let result = volumes.list().marker(bad).await;
        expect_kind(result, ErrorKind::InvalidParameter);
    }
}

#[tokio::test]
async fn whole_disk_and_partition_names_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let provider = Provider::local(dir.path()).unwrap();
    let instance = provider
        .compute()
        .instances()
        .create("parted")
        .await
        .unwrap();
    let volumes = provider.storage().volumes();
    let mut disk = volumes.create("whole-disk", 1).await.unwrap();
    let mut partition = volumes.create("partition", 1).await.unwrap();
    let mut second = volumes.create("second-partition", 1).await.unwrap();
    disk.attach(&instance, "/dev/xvdh").await.unwrap();
    expect_kind(
        partition.attach(&instance, "/dev/sdh1").await,
        ErrorKind::DeviceInUse,
    );
    disk.detach(false).await.unwrap();
    partition.attach(&instance, "/dev/sdh1").await.unwrap();
    expect_kind(
        disk.attach(&instance, "/dev/sdh").await,
        ErrorKind::DeviceInUse,
    );
    second
        .attach(&instance, "/dev/sdh2")
        .await
        .expect("another partition is free");
}

#[tokio::test]
async fn throttle_rate_out_of_range_is_configuration_error() {
    let mut config = cloudbridge::Config::default();
    config.local.data_dir = Some(tempfile::tempdir().unwrap().path().to_path_buf());
    for rate in [2.0, -0.1, f64::NAN] {
        config.local.throttle_rate = Some(rate);
        let error = LocalOptions::from_config(&config).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Configuration, "{rate}");
        assert!(
            error.message().contains("CB_LOCAL_THROTTLE_RATE"),
            "{error}"
        );
    }
}

#[tokio::test]
async fn delay_beyond_one_day_is_configuration_error() {
    let mut config = cloudbridge::Config::default();
    config.local.data_dir = Some(tempfile::tempdir().unwrap().path().to_path_buf());
    config.local.transition_delay_ms = Some(i64::MAX as u64);
    let error = LocalOptions::from_config(&config).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Configuration);
    assert!(
        error.message().contains("CB_LOCAL_TRANSITION_DELAY_MS"),
        "{error}"
    );

    let mut options = LocalOptions::new(tempfile::tempdir().unwrap().path());
    options.visibility_lag = Duration::from_secs(u64::MAX);
    let error = LocalBackend::open(options).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidParameter, "{error}");
}

#[tokio::test]
async fn processes_opening_new_data_dir_together_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let children: Vec<_> = (0..6)
        .map(|_| child("create", dir.path(), &[]).spawn().unwrap())
        .collect();
    let mut outcomes = Vec::new();
    for child in children {
        let output = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        let line = text
            .lines()
            .find_map(|l| l.find("RESULT").map(|at| l[at..].to_string()))
            .unwrap_or_else(|| "RESULT none".to_string());
        outcomes.push(line);
    }
    assert!(
        outcomes.iter().all(|o| o == "RESULT created"),
        "{outcomes:?}"
    );
    let provider = Provider::local(dir.path()).unwrap();
    let listed = provider
        .storage()
        .volumes()
        .list()
        .limit(100)
        .await
        .unwrap()
        .items;
    assert_eq!(listed.len(), 60, "every process created its volumes once");
}
