//! The local provider's native states and their normalised counterparts: one table per
//! resource. The native states are the ones stored in the database.

use crate::state::{InstanceState, SnapshotState, VolumeState};

const VOLUME_STATES: &[(&str, VolumeState)] = &[
    ("creating", VolumeState::Creating),
    ("available", VolumeState::Available),
    ("attaching", VolumeState::Attaching),
    ("in-use", VolumeState::InUse),
    ("detaching", VolumeState::Detaching),
    ("deleting", VolumeState::Deleting),
    ("error", VolumeState::Error),
];

const SNAPSHOT_STATES: &[(&str, SnapshotState)] = &[
    ("pending", SnapshotState::Pending),
    ("available", SnapshotState::Available),
    ("deleting", SnapshotState::Deleting),
    ("error", SnapshotState::Error),
];

const INSTANCE_STATES: &[(&str, InstanceState)] = &[
    ("pending", InstanceState::Pending),
    ("running", InstanceState::Running),
    ("stopped", InstanceState::Stopped),
    ("deleting", InstanceState::Deleting),
    ("error", InstanceState::Error),
];

fn lookup<S: Copy>(table: &[(&str, S)], native: &str, unknown: S) -> S {
    table
        .iter()
        .find(|(name, _)| *name == native)
        .map_or(unknown, |(_, state)| *state)
}

pub(crate) fn volume_state(native: &str) -> VolumeState {
    lookup(VOLUME_STATES, native, VolumeState::Unknown)
}

pub(crate) fn snapshot_state(native: &str) -> SnapshotState {
    lookup(SNAPSHOT_STATES, native, SnapshotState::Unknown)
}

pub(crate) fn instance_state(native: &str) -> InstanceState {
    lookup(INSTANCE_STATES, native, InstanceState::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unmapped_native_state_is_unknown() {
        assert_eq!(volume_state("melting"), VolumeState::Unknown);
        assert_eq!(snapshot_state(""), SnapshotState::Unknown);
        assert_eq!(instance_state("hibernating"), InstanceState::Unknown);
    }

    #[test]
    fn mapped_native_states_are_normalised() {
        assert_eq!(volume_state("in-use"), VolumeState::InUse);
        assert_eq!(snapshot_state("pending"), SnapshotState::Pending);
        assert_eq!(instance_state("running"), InstanceState::Running);
    }
}
