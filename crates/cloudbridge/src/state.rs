//! Normalised states of volumes, snapshots and instances.
//!
//! Every provider maps its native states onto these enums in one table of its own. A native
//! state that a table does not name becomes `Unknown`, never a panic.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// A normalised resource state, as the waiting logic sees it.
pub trait ResourceState: Copy + Eq + fmt::Display + Send + Sync + 'static {
    /// The state a resource is in once it is ready for use.
    const READY: Self;
    /// The state reported for a resource that no longer exists.
    const DELETED: Self;
    /// States that end a wait with a failure unless they are the target.
    const FAILURES: &'static [Self];
}

macro_rules! state_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every state, in lifecycle order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// Returns the kebab-case name, as shown in output and accepted by `FromStr`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = Error;

            fn from_str(text: &str) -> Result<Self, Error> {
                match text {
                    $($text => Ok($name::$variant),)+
                    _ => {
                        let allowed: Vec<&str> = $name::ALL.iter().map(|s| s.as_str()).collect();
                        Err(Error::invalid_parameter(
                            concat!($what, " state"),
                            text,
                            &format!("expected one of {}", allowed.join(", ")),
                        ))
                    }
                }
            }
        }
    };
}

state_enum! {
    /// The state of a volume.
    VolumeState, "volume" {
        /// Being created; not usable yet.
        Creating = "creating",
        /// Ready, not attached.
        Available = "available",
        /// Being attached to an instance.
        Attaching = "attaching",
        /// Attached to an instance.
        InUse = "in-use",
        /// Being detached from an instance.
        Detaching = "detaching",
        /// Being changed by the provider in a way that has no state of its own here.
        Configuring = "configuring",
        /// Being deleted.
        Deleting = "deleting",
        /// Deleted, or not found while waiting for deletion.
        Deleted = "deleted",
        /// Failed; it can only be deleted.
        Error = "error",
        /// A native state that the provider's mapping table does not name.
        Unknown = "unknown",
    }
}

impl ResourceState for VolumeState {
    const READY: Self = VolumeState::Available;
    const DELETED: Self = VolumeState::Deleted;
    const FAILURES: &'static [Self] = &[VolumeState::Error, VolumeState::Deleted];
}

state_enum! {
    /// The state of a snapshot.
    SnapshotState, "snapshot" {
        /// Being taken; the data is not complete yet.
        Pending = "pending",
        /// Complete and usable as the source of a volume.
        Available = "available",
        /// Being changed by the provider (for example restored from an archive).
        Configuring = "configuring",
        /// Being deleted.
        Deleting = "deleting",
        /// Deleted, or not found while waiting for deletion.
        Deleted = "deleted",
        /// Failed; it can only be deleted.
        Error = "error",
        /// A native state that the provider's mapping table does not name.
        Unknown = "unknown",
    }
}

impl ResourceState for SnapshotState {
    const READY: Self = SnapshotState::Available;
    const DELETED: Self = SnapshotState::Deleted;
    const FAILURES: &'static [Self] = &[SnapshotState::Error, SnapshotState::Deleted];
}

state_enum! {
    /// The state of an instance.
    InstanceState, "instance" {
        /// Being launched.
        Pending = "pending",
        /// Running.
        Running = "running",
        /// Being stopped.
        Stopping = "stopping",
        /// Stopped; volumes can still be attached and detached.
        Stopped = "stopped",
        /// Being deleted (terminated).
        Deleting = "deleting",
        /// Deleted (terminated), or not found while waiting for deletion.
        Deleted = "deleted",
        /// Failed.
        Error = "error",
        /// A native state that the provider's mapping table does not name.
        Unknown = "unknown",
    }
}

impl ResourceState for InstanceState {
    const READY: Self = InstanceState::Running;
    const DELETED: Self = InstanceState::Deleted;
    const FAILURES: &'static [Self] = &[InstanceState::Error, InstanceState::Deleted];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn every_state_round_trips_through_text() {
        for state in VolumeState::ALL {
            assert_eq!(state.as_str().parse::<VolumeState>().unwrap(), *state);
        }
        for state in SnapshotState::ALL {
            assert_eq!(state.as_str().parse::<SnapshotState>().unwrap(), *state);
        }
        for state in InstanceState::ALL {
            assert_eq!(state.as_str().parse::<InstanceState>().unwrap(), *state);
        }
    }

    #[test]
    fn unknown_state_text_lists_allowed_values() {
        let error = "ready".parse::<VolumeState>().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidParameter);
        assert!(error.message().contains("in-use"), "{error}");
    }

    #[test]
    fn serde_uses_kebab_case() {
        assert_eq!(
            serde_json::to_string(&VolumeState::InUse).unwrap(),
            "\"in-use\""
        );
    }
}
