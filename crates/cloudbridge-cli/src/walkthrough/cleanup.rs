//! Deleting what the walkthrough created, after success and after any failure.
//!
//! Each resource is refreshed first, because a failed step can leave it in any state. A volume
//! still attaching or attached is detached (forced when it is stuck attaching), and a snapshot
//! still pending is waited for. Only then is each deleted and waited for until it is gone. A
//! failure on one resource does not stop the cleanup of the others.

use std::time::Duration;

use cloudbridge::{Instance, InstanceState, Snapshot, SnapshotState, Volume, VolumeState};

use super::Walk;
use crate::exit::Failure;
use crate::progress;

/// Maximum wait for one state change during cleanup, replacing the provider's default.
const CLEANUP_TIMEOUT: Duration = Duration::from_secs(300);

impl Walk<'_> {
    /// Deletes every volume, the snapshot and the instance the walkthrough created, and waits
    /// until they are gone. Returns the first failure, naming every resource left behind.
    pub(super) async fn clean_up(&mut self) -> Result<(), Failure> {
        let mut failures: Vec<(Failure, String)> = Vec::new();

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
        if let Some(mut snapshot) = self.snapshot.clone() {
            let started = self.begin("delete snapshot");
            match delete_snapshot(&mut snapshot).await {
                Ok(()) => {
                    self.snapshot = None;
                    self.done(started, Some(snapshot.id()), Some("deleted".into()), None);
                }
                Err(failure) => failures.push((failure, format!("snapshot {}", snapshot.id()))),
            }
        }
        if let Some(mut instance) = self.instance.clone() {
            let started = self.begin("delete instance");
            match delete_instance(&mut instance).await {
                Ok(()) => {
                    self.instance = None;
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

    /// Names the resources not deleted yet, for a cleanup that was cut short.
    pub(super) fn leftovers(&self) -> String {
        let mut names: Vec<String> = self
            .volumes
            .iter()
            .map(|volume| format!("volume {}", volume.id()))
            .collect();
        if let Some(snapshot) = &self.snapshot {
            names.push(format!("snapshot {}", snapshot.id()));
        }
        if let Some(instance) = &self.instance {
            names.push(format!("instance {}", instance.id()));
        }
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        }
    }
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
