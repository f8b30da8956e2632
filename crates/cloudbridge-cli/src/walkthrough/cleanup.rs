//! Deleting what the walkthrough created, after success and after any failure.
//!
//! The resources are the ones recorded during the steps plus any found by this run's labels.
//! Each is refreshed first, because a failed step can leave it in any state. A volume still
//! attaching or attached is detached (forced when it is stuck attaching), and a snapshot still
//! pending is waited for. Only then is each deleted and waited for until it is gone. A failure
//! on one resource does not stop the cleanup of the others.

use std::time::Duration;

use cloudbridge::{Instance, InstanceState, Snapshot, SnapshotState, Volume, VolumeState};

use super::Walk;
use crate::exit::Failure;
use crate::progress;

/// Maximum wait for one state change during cleanup, replacing the provider's default.
const CLEANUP_TIMEOUT: Duration = Duration::from_secs(300);

impl Walk<'_> {
    /// Deletes every volume, snapshot and instance the walkthrough created, and waits until
    /// they are gone. Returns the first failure, naming every resource left behind.
    pub(super) async fn clean_up(&mut self) -> Result<(), Failure> {
        let mut failures: Vec<(Failure, String)> = self.find_by_label().await;

        // The restored volume first, then the original: the reverse of creation. A resource
        // leaves the walk's records only once it is gone, so `leftovers` stays true.
        let volumes: Vec<Volume> = self.volumes.iter().rev().cloned().collect();
        for mut volume in volumes {
            let started = self.begin("delete volume");
            match delete_volume(&mut volume).await {
                Ok(()) => {
                    self.volumes.retain(|kept| kept.id() != volume.id());
                    self.done(started, Some(volume.id()), Some("deleted".into()), None);
                }
                Err(failure) => failures.push((failure, format!("volume {}", volume.id()))),
            }
        }
        let snapshots: Vec<Snapshot> = self.snapshots.clone();
        for mut snapshot in snapshots {
            let started = self.begin("delete snapshot");
            match delete_snapshot(&mut snapshot).await {
                Ok(()) => {
                    self.snapshots.retain(|kept| kept.id() != snapshot.id());
                    self.done(started, Some(snapshot.id()), Some("deleted".into()), None);
                }
                Err(failure) => failures.push((failure, format!("snapshot {}", snapshot.id()))),
            }
        }
        let instances: Vec<Instance> = self.instances.clone();
        for mut instance in instances {
            let started = self.begin("delete instance");
            match delete_instance(&mut instance).await {
                Ok(()) => {
                    self.instances.retain(|kept| kept.id() != instance.id());
                    self.done(started, Some(instance.id()), Some("deleted".into()), None);
                }
                Err(failure) => failures.push((failure, format!("instance {}", instance.id()))),
            }
        }
        self.current = None;

        let left: Vec<String> = failures.iter().map(|(_, what)| what.clone()).collect();
        match failures.into_iter().next() {
            None => Ok(()),
            Some((first, what)) => Err(first
                .prefix(&format!("cleanup of {what} failed"))
                .append(&format!("left behind: {}", left.join(", ")))),
        }
    }

    /// Adds to the records every resource that carries one of this run's labels, so that one
    /// whose create call returned no id (or was never recorded) is deleted too. Returns a
    /// failure for each listing that failed.
    ///
    /// NOTE: volumes and instances are looked up in the provider's default zone only, which is
    /// where the walkthrough creates them. A provider with a visibility lag may still hide a
    /// resource created a moment ago.
    async fn find_by_label(&mut self) -> Vec<(Failure, String)> {
        let storage = self.provider.storage();
        let mut failures = Vec::new();
        for role in ["vol", "snap-vol"] {
            let label = self.label(role);
            match storage.volumes().find(&label).await {
                Ok(found) => add_unrecorded(&mut self.volumes, found, Volume::id),
                Err(error) => failures.push(lookup_failure(error, "volume", &label)),
            }
        }
        let label = self.label("snap");
        match storage.snapshots().find(&label).await {
            Ok(found) => add_unrecorded(&mut self.snapshots, found, Snapshot::id),
            Err(error) => failures.push(lookup_failure(error, "snapshot", &label)),
        }
        let label = self.label("inst");
        match self.provider.compute().instances().find(&label).await {
            Ok(found) => add_unrecorded(&mut self.instances, found, Instance::id),
            Err(error) => failures.push(lookup_failure(error, "instance", &label)),
        }
        failures
    }

    /// Names the resources not deleted yet, for a cleanup that was cut short.
    pub(super) fn leftovers(&self) -> String {
        let volumes = self
            .volumes
            .iter()
            .map(|volume| format!("volume {}", volume.id()));
        let snapshots = self
            .snapshots
            .iter()
            .map(|snapshot| format!("snapshot {}", snapshot.id()));
        let instances = self
            .instances
            .iter()
            .map(|instance| format!("instance {}", instance.id()));
        let names: Vec<String> = volumes.chain(snapshots).chain(instances).collect();
        let labels = format!("any resource whose label ends in -{}", self.suffix);
        if names.is_empty() {
            labels
        } else {
            format!("{} and {labels}", names.join(", "))
        }
    }
}

/// Appends the resources of `found` whose id is not in `records` yet.
fn add_unrecorded<R>(records: &mut Vec<R>, found: Vec<R>, id: fn(&R) -> &str) {
    for resource in found {
        if !records.iter().any(|recorded| id(recorded) == id(&resource)) {
            tracing::info!(
                id = id(&resource),
                "cleanup found an unrecorded resource by its label"
            );
            records.push(resource);
        }
    }
}

fn lookup_failure(error: cloudbridge::Error, kind: &str, label: &str) -> (Failure, String) {
    (Failure::from(error), format!("any {kind} labelled {label}"))
}

async fn delete_volume(volume: &mut Volume) -> Result<(), Failure> {
    use VolumeState::*;

    volume.refresh().await?;
    if matches!(volume.state(), Creating | Configuring) {
        let settled = [Available, InUse, Error, Deleted];
        progress::wait_for(volume, &settled, &[], Some(CLEANUP_TIMEOUT)).await?;
    }
    match volume.state() {
        InUse => volume.detach(false).await?,
        Attaching => volume.detach(true).await?,
        _ => {}
    }
    if matches!(volume.state(), Attaching | InUse | Detaching) {
        let settled = [Available, Error, Deleted];
        progress::wait_for(volume, &settled, &[], Some(CLEANUP_TIMEOUT)).await?;
    }
    match volume.state() {
        Deleted => return Ok(()),
        Deleting => {}
        _ => volume.delete().await?,
    }
    progress::wait_for(volume, &[Deleted], &[Error], Some(CLEANUP_TIMEOUT)).await?;
    Ok(())
}

async fn delete_snapshot(snapshot: &mut Snapshot) -> Result<(), Failure> {
    use SnapshotState::*;

    snapshot.refresh().await?;
    if matches!(snapshot.state(), Pending | Configuring) {
        let settled = [Available, Error, Deleted];
        progress::wait_for(snapshot, &settled, &[], Some(CLEANUP_TIMEOUT)).await?;
    }
    match snapshot.state() {
        Deleted => return Ok(()),
        Deleting => {}
        _ => snapshot.delete().await?,
    }
    progress::wait_for(snapshot, &[Deleted], &[Error], Some(CLEANUP_TIMEOUT)).await?;
    Ok(())
}

async fn delete_instance(instance: &mut Instance) -> Result<(), Failure> {
    use InstanceState::*;

    instance.refresh().await?;
    match instance.state() {
        Deleted => return Ok(()),
        Deleting => {}
        _ => instance.delete().await?,
    }
    progress::wait_for(instance, &[Deleted], &[Error], Some(CLEANUP_TIMEOUT)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use cloudbridge::{Config, ResourceState};

    use super::*;
    use crate::cli::OutputFormat;
    use crate::output::Output;
    use crate::walkthrough::interrupt::Interrupts;

    #[tokio::test]
    async fn cleanup_finds_unrecorded_resources_by_label() {
        let dir = std::env::temp_dir().join(format!("cb-cleanup-find-{}", std::process::id()));
        let mut config = Config::default();
        config.local.data_dir = Some(dir.clone());
        let provider = config.connect().await.unwrap();
        let mut walk = Walk::new(
            &provider,
            Output::new(OutputFormat::Json),
            Interrupts::listen(),
        );
        // Made outside the walk's records, as when a create call's result is lost.
        let storage = provider.storage();
        let volume = storage
            .volumes()
            .create(&walk.label("vol"), 1)
            .await
            .unwrap();
        let snapshot_label = walk.label("snap");
        let snapshot = volume.create_snapshot(&snapshot_label, "").await.unwrap();
        let instances = provider.compute().instances();
        let instance = instances.create(&walk.label("inst")).await.unwrap();
        let other = storage
            .volumes()
            .create("not-the-walkthrough", 1)
            .await
            .unwrap();

        let result = walk.clean_up().await;
        let volume_left = storage.volumes().get(volume.id()).await.unwrap();
        let snapshot_left = storage.snapshots().get(snapshot.id()).await.unwrap();
        let instance_left = instances.get(instance.id()).await.unwrap();
        let other_left = storage.volumes().get(other.id()).await.unwrap();
        std::fs::remove_dir_all(&dir).unwrap();

        assert!(result.is_ok(), "{:?}", result.err());
        assert!(volume_left.is_none(), "{volume_left:?}");
        assert!(snapshot_left.is_none(), "{snapshot_left:?}");
        assert!(instance_left.is_none(), "{instance_left:?}");
        let other_state = other_left.map(|volume| volume.state());
        assert_eq!(other_state, Some(VolumeState::READY));
    }
}
