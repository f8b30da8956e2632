//! The provider-neutral behaviour suite.
//!
//! Every provider's tests call [`run_all`] on a provider handle that points at a real server
//! (or a local data directory). Each check panics with a message on failure, like an
//! assertion, so it reads as a test. Resources carry labels starting with `cbt-` plus a random
//! suffix, so several runs can share one account, and each check deletes what it made when
//! it passes.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::Duration;

use futures::TryStreamExt;
use sha2::{Digest, Sha256};

use crate::{
    ErrorKind, Instance, InstanceState, Provider, Result, SnapshotState, Volume, VolumeState,
};

/// Runs every check of the suite against `provider`.
pub async fn run_all(provider: &Provider) {
    volume_lifecycle(provider).await;
    missing_ids_return_none(provider).await;
    paging_neither_repeats_nor_skips(provider).await;
    invalid_labels_are_rejected(provider).await;
    invalid_parameters_are_rejected(provider).await;
    attach_detach_cycle(provider).await;
    attach_rules(provider).await;
    snapshot_restore_cycle(provider).await;
    deleting_instance_detaches_volumes(provider).await;
}

/// Returns a label unique to this run: `cbt-PREFIX-` and eight random hex digits.
pub fn unique_label(prefix: &str) -> String {
    format!("cbt-{prefix}-{:08x}", fastrand::u32(..))
}

/// Asserts that `result` failed with `kind`, and returns the error's message.
#[track_caller]
pub fn expect_kind<T: std::fmt::Debug>(result: Result<T>, kind: ErrorKind) -> String {
    match result {
        Ok(value) => panic!("expected a {kind} error, got Ok({value:?})"),
        Err(error) => {
            assert_eq!(error.kind(), kind, "unexpected error kind: {error}");
            error.to_string()
        }
    }
}

async fn new_volume(provider: &Provider, prefix: &str, size: u64) -> Volume {
    let mut volume = provider
        .storage()
        .volumes()
        .create(&unique_label(prefix), size)
        .await
        .expect("create volume");
    volume
        .wait_till_ready()
        .await
        .expect("volume becomes available");
    volume
}

async fn new_instance(provider: &Provider, prefix: &str) -> Instance {
    let mut instance = provider
        .compute()
        .instances()
        .create(&unique_label(prefix))
        .await
        .expect("create instance");
    instance
        .wait_till_ready()
        .await
        .expect("instance becomes running");
    instance
}

async fn delete_volume(mut volume: Volume) {
    volume.refresh().await.expect("refresh volume");
    if volume.state() == VolumeState::Deleted {
        return;
    }
    volume.delete().await.expect("delete volume");
    volume.wait_till_deleted().await.expect("volume is deleted");
}

async fn delete_instance(mut instance: Instance) {
    instance.delete().await.expect("delete instance");
    instance
        .wait_till_deleted()
        .await
        .expect("instance is deleted");
}

async fn wait_volume(volume: &mut Volume, state: VolumeState) {
    volume
        .wait_for(&[state], &[VolumeState::Error, VolumeState::Deleted], None)
        .await
        .unwrap_or_else(|error| panic!("volume {} does not become {state}: {error}", volume.id()));
}

/// Creates, reads, finds, lists, streams, relabels and deletes a volume.
pub async fn volume_lifecycle(provider: &Provider) {
    let volumes = provider.storage().volumes();
    let label = unique_label("life");
    let mut volume = volumes
        .create(&label, 2)
        .description("conformance volume")
        .await
        .expect("create volume");
    assert_eq!(volume.label(), Some(label.as_str()));
    assert_eq!(volume.size(), 2);
    assert_eq!(volume.zone(), provider.zone());
    assert_eq!(volume.description(), Some("conformance volume"));
    assert!(
        matches!(
            volume.state(),
            VolumeState::Creating | VolumeState::Available
        ),
        "a new volume is {}",
        volume.state()
    );
    volume
        .wait_till_ready()
        .await
        .expect("volume becomes available");
    assert_eq!(volume.state(), VolumeState::Available);
    assert!(volume.attachment().is_none());

    let fetched = volumes
        .get(volume.id())
        .await
        .expect("get")
        .expect("volume is found by id");
    assert_eq!(fetched.id(), volume.id());
    assert_eq!(fetched.info(), volume.info());

    let found = volumes.find(&label).await.expect("find");
    assert_eq!(ids(&found), vec![volume.id()], "find by label");

    let streamed: Vec<Volume> = volumes.list().stream().try_collect().await.expect("stream");
    assert!(
        streamed.iter().any(|v| v.id() == volume.id()),
        "stream lists the volume"
    );

    let new_label = unique_label("renamed");
    volume.set_label(&new_label).await.expect("set label");
    volume
        .set_description("changed")
        .await
        .expect("set description");
    volume.refresh().await.expect("refresh");
    assert_eq!(volume.label(), Some(new_label.as_str()));
    assert_eq!(volume.description(), Some("changed"));
    assert!(
        volumes
            .find(&label)
            .await
            .expect("find old label")
            .is_empty()
    );
    assert_eq!(
        ids(&volumes.find(&new_label).await.expect("find new label")),
        vec![volume.id()]
    );

    let id = volume.id().to_string();
    volume.delete().await.expect("delete");
    volume.wait_till_deleted().await.expect("volume is deleted");
    assert_eq!(volume.state(), VolumeState::Deleted);
    assert!(
        volumes.get(&id).await.expect("get after delete").is_none(),
        "deleted volume is gone"
    );
    assert!(
        volumes
            .find(&new_label)
            .await
            .expect("find after delete")
            .is_empty()
    );
    expect_kind(volumes.delete(&id).await, ErrorKind::NotFound);
}

/// Checks that unknown and malformed ids give `None` from `get`, never an error.
pub async fn missing_ids_return_none(provider: &Provider) {
    let storage = provider.storage();
    let instances = provider.compute().instances();
    for id in [
        "vol-0123456789abcdef0",
        "snap-0123456789abcdef0",
        "i-0123456789abcdef0",
        "../../etc/passwd",
        "x",
    ] {
        assert!(
            storage
                .volumes()
                .get(id)
                .await
                .expect("get volume")
                .is_none(),
            "{id}"
        );
        assert!(
            storage
                .snapshots()
                .get(id)
                .await
                .expect("get snapshot")
                .is_none(),
            "{id}"
        );
        assert!(
            instances.get(id).await.expect("get instance").is_none(),
            "{id}"
        );
    }
}

/// Lists five volumes two at a time and checks that the pages contain each exactly once.
pub async fn paging_neither_repeats_nor_skips(provider: &Provider) {
    let volumes = provider.storage().volumes();
    let label = unique_label("page");
    let mut created = Vec::new();
    for _ in 0..5 {
        let volume = volumes.create(&label, 1).await.expect("create volume");
        created.push(volume);
    }
    for volume in &mut created {
        volume
            .wait_till_ready()
            .await
            .expect("volume becomes available");
    }
    let mut expected: Vec<String> = created.iter().map(|v| v.id().to_string()).collect();
    expected.sort();

    let mut seen = Vec::new();
    let mut marker: Option<String> = None;
    for _ in 0..10 {
        let mut request = volumes.list().label(&label).limit(2);
        if let Some(marker) = marker.take() {
            request = request.marker(marker);
        }
        let page = request.await.expect("list page");
        assert!(
            page.items.len() <= 2,
            "a page holds {} items with limit 2",
            page.items.len()
        );
        seen.extend(page.items.iter().map(|v| v.id().to_string()));
        match page.marker {
            Some(next) => marker = Some(next),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(
        sorted, expected,
        "pages of 2 list every volume once: {seen:?}"
    );

    let streamed: Vec<Volume> = volumes
        .list()
        .label(&label)
        .limit(2)
        .all()
        .await
        .expect("stream all pages");
    let mut streamed_ids: Vec<String> = streamed.iter().map(|v| v.id().to_string()).collect();
    streamed_ids.sort();
    assert_eq!(streamed_ids, expected, "the stream lists every volume once");

    let unfiltered: Vec<Volume> = volumes
        .list()
        .limit(2)
        .all()
        .await
        .expect("stream unfiltered");
    let unfiltered_ids: Vec<&str> = ids(&unfiltered);
    for id in &expected {
        assert_eq!(
            unfiltered_ids.iter().filter(|v| *v == id).count(),
            1,
            "{id} once in all pages"
        );
    }

    expect_kind(volumes.list().limit(0).await, ErrorKind::InvalidParameter);
    expect_kind(
        volumes.list().limit(1001).await,
        ErrorKind::InvalidParameter,
    );

    for volume in created {
        delete_volume(volume).await;
    }
}

/// Checks the portable label rule on every create and relabel, and that nothing is made.
pub async fn invalid_labels_are_rejected(provider: &Provider) {
    let storage = provider.storage();
    for label in [
        "ab",
        "Upper-case",
        "1starts-with-digit",
        "ends-with-",
        "two--dashes",
        "under_score",
    ] {
        let message = expect_kind(
            storage.volumes().create(label, 1).await,
            ErrorKind::InvalidLabel,
        );
        assert!(
            message.contains(label),
            "the message names the label: {message}"
        );
        expect_kind(
            provider.compute().instances().create(label).await,
            ErrorKind::InvalidLabel,
        );
        expect_kind(storage.volumes().find(label).await, ErrorKind::InvalidLabel);
    }

    let mut volume = new_volume(provider, "label", 1).await;
    let before = volume.label().map(str::to_string);
    expect_kind(volume.set_label("Bad Label").await, ErrorKind::InvalidLabel);
    expect_kind(
        volume.create_snapshot("-bad", None).await,
        ErrorKind::InvalidLabel,
    );
    volume.refresh().await.expect("refresh");
    assert_eq!(
        volume.label().map(str::to_string),
        before,
        "a rejected label changes nothing"
    );
    assert!(
        storage
            .snapshots()
            .list()
            .all()
            .await
            .expect("list snapshots")
            .iter()
            .all(|s| s.volume_id() != Some(volume.id())),
        "a rejected snapshot label makes no snapshot"
    );
    delete_volume(volume).await;
}

/// Checks sizes, zones and unknown references on create.
pub async fn invalid_parameters_are_rejected(provider: &Provider) {
    let volumes = provider.storage().volumes();
    let label = unique_label("param");
    for size in [0, 16_385, u64::MAX] {
        let message = expect_kind(
            volumes.create(&label, size).await,
            ErrorKind::InvalidParameter,
        );
        assert!(
            message.contains(&size.to_string()),
            "the message names the size: {message}"
        );
    }
    let message = expect_kind(
        volumes.create(&label, 1).zone("nowhere-9z").await,
        ErrorKind::InvalidParameter,
    );
    assert!(
        message.contains("nowhere-9z"),
        "the message names the zone: {message}"
    );
    expect_kind(
        volumes
            .create(&label, 1)
            .snapshot("snap-0123456789abcdef0")
            .await,
        ErrorKind::NotFound,
    );
    let long = "d".repeat(crate::rules::MAX_DESCRIPTION_LEN + 1);
    let message = expect_kind(
        volumes.create(&label, 1).description(long).await,
        ErrorKind::InvalidParameter,
    );
    assert!(
        message.contains("at most 255"),
        "the message gives the limit: {message}"
    );
    assert!(
        volumes.find(&label).await.expect("find").is_empty(),
        "no volume was made"
    );

    let instances = provider.compute().instances();
    let before = instances.list().all().await.expect("list instances").len();
    let result = instances.create(&label).instance_type("").await;
    expect_kind(result, ErrorKind::InvalidParameter);
    let result = instances.create(&label).image("x y").await;
    expect_kind(result, ErrorKind::InvalidParameter);
    let after = instances.list().all().await.expect("list instances").len();
    assert_eq!(before, after, "no instance was made");
}

/// Attaches, checks the attachment, detaches, and checks the states on the way.
pub async fn attach_detach_cycle(provider: &Provider) {
    let instance = new_instance(provider, "inst").await;
    let instances = provider.compute().instances();
    let label = instance
        .label()
        .expect("a new instance has its label")
        .to_string();
    assert_eq!(
        ids(&instances.find(&label).await.expect("find instance")),
        vec![instance.id()]
    );
    let listed = instances.list().all().await.expect("list instances");
    assert!(
        listed.iter().any(|i| i.id() == instance.id()),
        "the instance is listed"
    );
    assert_eq!(instance.zone(), provider.zone());
    let mut volume = new_volume(provider, "attach", 1).await;

    volume.attach(&instance, "/dev/sdh").await.expect("attach");
    assert!(
        matches!(volume.state(), VolumeState::Attaching | VolumeState::InUse),
        "an attached volume is {}",
        volume.state()
    );
    wait_volume(&mut volume, VolumeState::InUse).await;
    let attachment = volume
        .attachment()
        .expect("an in-use volume has an attachment")
        .clone();
    assert_eq!(attachment.instance_id, instance.id());
    assert_eq!(attachment.device, "/dev/sdh");
    if provider.holds_data() {
        let path = attachment
            .path
            .as_ref()
            .expect("a local attachment has a path");
        let length = std::fs::metadata(path)
            .expect("the device path exists")
            .len();
        assert_eq!(length, 1 << 30, "the device is the volume's size");
    }

    expect_kind(volume.delete().await, ErrorKind::InvalidState);
    expect_kind(
        volume.attach(&instance, "/dev/sdi").await,
        ErrorKind::InvalidState,
    );

    volume.detach(false).await.expect("detach");
    wait_volume(&mut volume, VolumeState::Available).await;
    assert!(
        volume.attachment().is_none(),
        "a detached volume has no attachment"
    );
    expect_kind(volume.detach(false).await, ErrorKind::InvalidState);

    delete_volume(volume).await;
    delete_instance(instance).await;
}

/// Checks device names, device reuse, zones and missing instances on attach.
pub async fn attach_rules(provider: &Provider) {
    let instance = new_instance(provider, "rules").await;
    let mut first = new_volume(provider, "first", 1).await;
    let mut second = new_volume(provider, "second", 1).await;

    for device in ["/dev/sda1", "/dev/xvda", "sdh", "/dev/sdh16", "/dev/hdb"] {
        let message = expect_kind(
            second.attach(&instance, device).await,
            ErrorKind::InvalidParameter,
        );
        assert!(
            message.contains(device),
            "the message names the device: {message}"
        );
    }
    expect_kind(
        second.attach("i-0123456789abcdef0", "/dev/sdj").await,
        ErrorKind::NotFound,
    );

    first
        .attach(&instance, "/dev/sdh")
        .await
        .expect("attach first");
    wait_volume(&mut first, VolumeState::InUse).await;
    for device in ["/dev/sdh", "/dev/xvdh"] {
        let message = expect_kind(
            second.attach(&instance, device).await,
            ErrorKind::DeviceInUse,
        );
        assert!(
            message.contains(device),
            "the message names the device: {message}"
        );
    }
    second.refresh().await.expect("refresh");
    assert_eq!(
        second.state(),
        VolumeState::Available,
        "a rejected attach changes nothing"
    );

    let zones = provider.compute().zones().list().await.expect("list zones");
    if let Some(other) = zones.iter().find(|z| z.name != instance.zone()) {
        let mut elsewhere = provider
            .storage()
            .volumes()
            .create(&unique_label("zone"), 1)
            .zone(&other.name)
            .await
            .expect("create volume in another zone");
        elsewhere
            .wait_till_ready()
            .await
            .expect("volume becomes available");
        assert_eq!(elsewhere.zone(), other.name);
        expect_kind(
            elsewhere.attach(&instance, "/dev/sdk").await,
            ErrorKind::ZoneMismatch,
        );
        delete_volume(elsewhere).await;
    }

    first.detach(false).await.expect("detach");
    wait_volume(&mut first, VolumeState::Available).await;
    delete_volume(first).await;
    delete_volume(second).await;
    delete_instance(instance).await;
}

/// Snapshots a volume (attached, where the provider keeps data locally, with bytes written through
/// the device), restores it, and checks the restored bytes by digest.
pub async fn snapshot_restore_cycle(provider: &Provider) {
    let instance = new_instance(provider, "snapinst").await;
    let mut volume = new_volume(provider, "source", 2).await;
    volume.attach(&instance, "/dev/sdf").await.expect("attach");
    wait_volume(&mut volume, VolumeState::InUse).await;
    let device_path = volume.attachment().and_then(|a| a.path.clone());
    let written = device_path.map(|path| write_pattern(&path).expect("write through the device"));

    let label = unique_label("snap");
    let mut snapshot = volume
        .create_snapshot(&label, "conformance snapshot")
        .await
        .expect("snapshot of an in-use volume");
    assert_eq!(snapshot.volume_id(), Some(volume.id()));
    assert_eq!(snapshot.size(), 2);
    assert_eq!(snapshot.label(), Some(label.as_str()));
    assert_eq!(snapshot.description(), Some("conformance snapshot"));
    snapshot
        .wait_till_ready()
        .await
        .expect("snapshot becomes available");
    assert_eq!(snapshot.state(), SnapshotState::Available);
    if let Some(progress) = snapshot.progress() {
        assert_eq!(progress, 100, "an available snapshot is complete");
    }
    let snapshots = provider.storage().snapshots();
    assert_eq!(
        ids(&snapshots.find(&label).await.expect("find snapshot")),
        vec![snapshot.id()]
    );
    let fetched = snapshots
        .get(snapshot.id())
        .await
        .expect("get")
        .expect("snapshot found");
    assert_eq!(fetched.info(), snapshot.info());

    volume.detach(false).await.expect("detach");
    wait_volume(&mut volume, VolumeState::Available).await;

    expect_kind(
        snapshot
            .create_volume(&unique_label("small"), Some(1), None)
            .await,
        ErrorKind::InvalidParameter,
    );
    let mut restored = snapshot
        .create_volume(&unique_label("restored"), None, Some(provider.zone()))
        .await
        .expect("restore");
    restored
        .wait_till_ready()
        .await
        .expect("restored volume becomes available");
    assert_eq!(
        restored.size(),
        2,
        "a restore without size takes the snapshot's size"
    );
    assert_eq!(restored.source_snapshot_id(), Some(snapshot.id()));

    let mut bigger = provider
        .storage()
        .volumes()
        .create(&unique_label("bigger"), 3)
        .snapshot(&snapshot)
        .await
        .expect("restore into a bigger volume");
    bigger
        .wait_till_ready()
        .await
        .expect("bigger volume becomes available");
    assert_eq!(bigger.size(), 3);

    let mut snapshot_to_delete = snapshot.clone();
    snapshot_to_delete.delete().await.expect("delete snapshot");
    snapshot_to_delete
        .wait_till_deleted()
        .await
        .expect("snapshot is deleted");
    assert!(snapshots.get(snapshot.id()).await.expect("get").is_none());
    restored.refresh().await.expect("refresh restored");
    assert_eq!(
        restored.state(),
        VolumeState::Available,
        "deleting the snapshot keeps the volume"
    );

    if let Some(expected) = written {
        for target in [&mut restored, &mut bigger] {
            target
                .attach(&instance, "/dev/sdg")
                .await
                .expect("attach restored");
            wait_volume(target, VolumeState::InUse).await;
            let path = target
                .attachment()
                .and_then(|a| a.path.clone())
                .expect("device path");
            assert_eq!(
                read_pattern(&path).expect("read restored"),
                expected,
                "restored bytes match"
            );
            target.detach(false).await.expect("detach restored");
            wait_volume(target, VolumeState::Available).await;
        }
    }

    delete_volume(restored).await;
    delete_volume(bigger).await;
    delete_volume(volume).await;
    delete_instance(instance).await;
}

/// Checks that deleting an instance detaches its volumes and leaves them usable.
pub async fn deleting_instance_detaches_volumes(provider: &Provider) {
    let instance = new_instance(provider, "doomed").await;
    let mut volume = new_volume(provider, "orphan", 1).await;
    volume.attach(&instance, "/dev/sdm").await.expect("attach");
    wait_volume(&mut volume, VolumeState::InUse).await;
    let mut instance = instance;
    instance.delete().await.expect("delete instance");
    instance
        .wait_till_deleted()
        .await
        .expect("instance is deleted");
    assert_eq!(instance.state(), InstanceState::Deleted);
    wait_volume(&mut volume, VolumeState::Available).await;
    assert!(volume.attachment().is_none());
    delete_volume(volume).await;
}

/// Checks that waiting for readiness fails fast, naming the id and state, when new volumes,
/// snapshots and instances end in `error`. `provider` must make every create end that way
/// (the local provider's `error-state` faults).
pub async fn waits_fail_fast_on_error(provider: &Provider) {
    let started = std::time::Instant::now();
    let mut volume = provider
        .storage()
        .volumes()
        .create(&unique_label("broken"), 1)
        .await
        .expect("create volume");
    let message = expect_kind(volume.wait_till_ready().await, ErrorKind::InvalidState);
    assert!(
        message.contains(volume.id()),
        "the message names the volume: {message}"
    );
    assert!(
        message.contains("error"),
        "the message names the state: {message}"
    );
    assert_eq!(volume.state(), VolumeState::Error);

    let mut instance = provider
        .compute()
        .instances()
        .create(&unique_label("broken"))
        .await
        .expect("create instance");
    let message = expect_kind(instance.wait_till_ready().await, ErrorKind::InvalidState);
    assert!(message.contains(instance.id()), "{message}");
    assert!(
        started.elapsed() < provider.timing().wait_timeout / 2,
        "the waits ended well before their timeout"
    );
    volume
        .delete()
        .await
        .expect("an error volume can be deleted");
    volume.wait_till_deleted().await.expect("volume is deleted");
}

/// Checks that a wait for a state that never comes times out with an error naming it.
pub async fn wait_times_out(provider: &Provider) {
    let mut volume = new_volume(provider, "patient", 1).await;
    let result = volume
        .wait_for(
            &[VolumeState::InUse],
            &[VolumeState::Error],
            Some(Duration::from_millis(300)),
        )
        .await;
    let message = expect_kind(result, ErrorKind::TimedOut);
    assert!(
        message.contains(volume.id()) && message.contains("in-use"),
        "{message}"
    );
    delete_volume(volume).await;
}

fn ids<T: crate::ResourceId>(items: &[T]) -> Vec<&str> {
    items.iter().map(|item| item.resource_id()).collect()
}

/// Offsets (in bytes) where [`write_pattern`] writes: the start, the middle of the first GiB
/// and the last MiB of the first GiB.
const PATTERN_OFFSETS: [u64; 3] = [0, 512 << 20, (1 << 30) - (1 << 20)];

/// Writes 1 MiB of pseudo-random bytes at each pattern offset, syncs, and returns the digest
/// of the bytes written.
pub fn write_pattern(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
    let mut rng = fastrand::Rng::new();
    let mut digest = Sha256::new();
    let mut chunk = vec![0u8; 1 << 20];
    for offset in PATTERN_OFFSETS {
        rng.fill(&mut chunk);
        file.seek(SeekFrom::Start(offset))?;
        file.write_all(&chunk)?;
        digest.update(&chunk);
    }
    file.sync_all()?;
    Ok(digest.finalize().to_vec())
}

/// Reads the bytes at the pattern offsets and returns their digest.
pub fn read_pattern(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut file = std::fs::File::open(path)?;
    let mut digest = Sha256::new();
    let mut chunk = vec![0u8; 1 << 20];
    for offset in PATTERN_OFFSETS {
        file.seek(SeekFrom::Start(offset))?;
        file.read_exact(&mut chunk)?;
        digest.update(&chunk);
    }
    Ok(digest.finalize().to_vec())
}
