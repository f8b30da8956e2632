//! The cloud's rules that every provider enforces the same way.
//!
//! The core checks them before sending a request, so a provider whose cloud (or emulator)
//! accepts too much still rejects the same mistakes. The local provider checks them again
//! inside its transactions, where they are race-free.

use crate::error::{Error, ErrorKind, Result};
use crate::model::{
    InstanceInfo, MAX_VOLUME_SIZE_GIB, MIN_VOLUME_SIZE_GIB, SnapshotInfo, VolumeInfo,
};
use crate::state::{InstanceState, SnapshotState, VolumeState};

/// Checks a volume size in GiB against the limits every provider shares.
pub fn check_volume_size(size: u64) -> Result<()> {
    if (MIN_VOLUME_SIZE_GIB..=MAX_VOLUME_SIZE_GIB).contains(&size) {
        Ok(())
    } else {
        Err(Error::invalid_parameter(
            "size",
            size,
            &format!("a volume size is {MIN_VOLUME_SIZE_GIB} to {MAX_VOLUME_SIZE_GIB} GiB"),
        ))
    }
}

/// Maximum description length, in characters. A description is stored as a tag value on
/// EC2, which allows 256 characters, so 255 leaves room on every supported cloud.
pub const MAX_DESCRIPTION_LEN: usize = 255;

/// Checks a description's length.
pub fn check_description(description: &str) -> Result<()> {
    let length = description.chars().count();
    if length <= MAX_DESCRIPTION_LEN {
        Ok(())
    } else {
        Err(Error::invalid_parameter(
            "description",
            format!("{}...", description.chars().take(20).collect::<String>()),
            &format!(
                "a description has at most {MAX_DESCRIPTION_LEN} characters; this one has {length}"
            ),
        ))
    }
}

/// Checks that a volume made from `snapshot` may have `size` GiB.
pub fn check_restore(snapshot: &SnapshotInfo, size: u64) -> Result<()> {
    if snapshot.state != SnapshotState::Available {
        return Err(Error::invalid_state(
            "snapshot",
            &snapshot.id,
            snapshot.state,
            "a volume can be made only from an available snapshot",
        ));
    }
    if size < snapshot.size {
        return Err(Error::invalid_parameter(
            "size",
            size,
            &format!(
                "a volume made from snapshot {} must have at least its {} GiB",
                snapshot.id, snapshot.size
            ),
        ));
    }
    Ok(())
}

/// Checks that a zone is one of the region's zones.
pub fn check_zone<'a>(zone: &str, zones: impl IntoIterator<Item = &'a str>) -> Result<()> {
    let zones: Vec<&str> = zones.into_iter().collect();
    if zones.contains(&zone) {
        Ok(())
    } else {
        Err(Error::invalid_parameter(
            "zone",
            zone,
            &format!("the zones of this region are {}", zones.join(", ")),
        ))
    }
}

/// Checks that `volume` may be attached to `instance`.
pub fn check_attach(volume: &VolumeInfo, instance: &InstanceInfo) -> Result<()> {
    if volume.state != VolumeState::Available {
        return Err(Error::invalid_state(
            "volume",
            &volume.id,
            volume.state,
            "only an available volume can be attached",
        ));
    }
    if !matches!(
        instance.state,
        InstanceState::Running | InstanceState::Stopped
    ) {
        return Err(Error::invalid_state(
            "instance",
            &instance.id,
            instance.state,
            "volumes can be attached only to a running or stopped instance",
        ));
    }
    if volume.zone != instance.zone {
        return Err(Error::new(
            ErrorKind::ZoneMismatch,
            format!(
                "volume {} is in zone {} but instance {} is in zone {}; attach a volume \
                 in the instance's zone",
                volume.id, volume.zone, instance.id, instance.zone
            ),
        ));
    }
    Ok(())
}

/// Checks that `volume` may be detached; `force` also allows a stuck attach or detach.
pub fn check_detach(volume: &VolumeInfo, force: bool) -> Result<()> {
    let allowed = match volume.state {
        VolumeState::InUse => true,
        VolumeState::Attaching | VolumeState::Detaching => force,
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        let needed = if force {
            "only an attaching, in-use or detaching volume can be detached"
        } else {
            "only an in-use volume can be detached (force also detaches one that is attaching \
             or detaching)"
        };
        Err(Error::invalid_state(
            "volume",
            &volume.id,
            volume.state,
            needed,
        ))
    }
}

/// Checks that `volume` may be deleted.
pub fn check_volume_delete(volume: &VolumeInfo) -> Result<()> {
    match volume.state {
        VolumeState::Available | VolumeState::Error => Ok(()),
        state => Err(Error::invalid_state(
            "volume",
            &volume.id,
            state,
            "only an available or error volume can be deleted; detach it first",
        )),
    }
}

/// Checks that `volume` may be snapshotted.
pub fn check_snapshot_source(volume: &VolumeInfo) -> Result<()> {
    match volume.state {
        VolumeState::Available
        | VolumeState::InUse
        | VolumeState::Attaching
        | VolumeState::Detaching => Ok(()),
        state => Err(Error::invalid_state(
            "volume",
            &volume.id,
            state,
            "only an available or attached volume can be snapshotted",
        )),
    }
}

/// Checks that `snapshot` may be deleted.
pub fn check_snapshot_delete(snapshot: &SnapshotInfo) -> Result<()> {
    match snapshot.state {
        SnapshotState::Available | SnapshotState::Error => Ok(()),
        state => Err(Error::invalid_state(
            "snapshot",
            &snapshot.id,
            state,
            "only an available or error snapshot can be deleted; wait for it to complete",
        )),
    }
}

/// Checks that `instance` may be deleted.
pub fn check_instance_delete(instance: &InstanceInfo) -> Result<()> {
    match instance.state {
        InstanceState::Deleting | InstanceState::Deleted => Err(Error::invalid_state(
            "instance",
            &instance.id,
            instance.state,
            "it is already being deleted",
        )),
        _ => Ok(()),
    }
}
