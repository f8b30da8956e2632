//! The two mapping tables of the AWS provider: EC2 states to normalised states, and EC2 error
//! codes to error kinds.
//!
//! Native names come from the EC2 API reference (`VolumeState`, `VolumeAttachmentState`,
//! `SnapshotState`, `InstanceStateName` and the "Error codes for the Amazon EC2 API" list). A
//! name missing here maps to `Unknown` (states) or `Provider` (error codes), never a panic.

use crate::error::ErrorKind;
use crate::state::{InstanceState, SnapshotState, VolumeState};

/// Maps an EC2 volume state and, for an `in-use` volume, its attachment state.
///
/// EC2 reports a volume that is being attached or detached as `in-use`; the attachment state
/// (`attaching`, `attached`, `detaching`, `busy`) tells the phases apart.
pub(crate) fn volume_state(native: &str, attachment: Option<&str>) -> VolumeState {
    match (native, attachment) {
        ("creating", _) => VolumeState::Creating,
        ("available", _) => VolumeState::Available,
        ("in-use", Some("attaching")) => VolumeState::Attaching,
        ("in-use", Some("detaching")) => VolumeState::Detaching,
        // `busy` means attached with the device still in use by the instance's OS.
        ("in-use", Some("attached" | "busy") | None) => VolumeState::InUse,
        // `detached` while in-use is a short race between the two describes of EC2.
        ("in-use", Some("detached")) => VolumeState::Detaching,
        ("deleting", _) => VolumeState::Deleting,
        ("deleted", _) => VolumeState::Deleted,
        ("error", _) => VolumeState::Error,
        _ => VolumeState::Unknown,
    }
}

/// Maps an EC2 snapshot state.
pub(crate) fn snapshot_state(native: &str) -> SnapshotState {
    match native {
        "pending" => SnapshotState::Pending,
        "completed" => SnapshotState::Available,
        "error" => SnapshotState::Error,
        // A snapshot in the Recycle Bin: deleted, though it can still be restored.
        "recoverable" => SnapshotState::Deleted,
        // Being restored from the Recycle Bin.
        "recovering" => SnapshotState::Configuring,
        _ => SnapshotState::Unknown,
    }
}

/// Maps an EC2 instance state name.
pub(crate) fn instance_state(native: &str) -> InstanceState {
    match native {
        "pending" => InstanceState::Pending,
        "running" => InstanceState::Running,
        "stopping" => InstanceState::Stopping,
        "stopped" => InstanceState::Stopped,
        "shutting-down" => InstanceState::Deleting,
        "terminated" => InstanceState::Deleted,
        _ => InstanceState::Unknown,
    }
}

/// Maps an EC2 error code to an error kind.
pub(crate) fn error_kind(code: &str) -> ErrorKind {
    match code {
        "InvalidVolume.NotFound"
        | "InvalidSnapshot.NotFound"
        | "InvalidInstanceID.NotFound"
        | "InvalidAttachment.NotFound"
        | "InvalidVolumeID.Malformed"
        | "InvalidSnapshotID.Malformed"
        | "InvalidInstanceID.Malformed" => ErrorKind::NotFound,

        "VolumeInUse"
        | "IncorrectState"
        | "IncorrectInstanceState"
        | "InvalidVolume.NotAvailable"
        | "InvalidSnapshot.InUse"
        | "InvalidInstanceID.NotLinked" => ErrorKind::InvalidState,

        "InvalidVolume.ZoneMismatch" => ErrorKind::ZoneMismatch,

        "InvalidParameterValue"
        | "InvalidParameter"
        | "InvalidParameterCombination"
        | "InvalidParameterDependency"
        | "MissingParameter"
        | "UnknownParameter"
        | "InvalidZone.NotFound"
        | "InvalidAMIID.NotFound"
        | "InvalidAMIID.Malformed"
        | "InvalidBlockDeviceMapping"
        | "InvalidDevice.InUse"
        | "IdempotentParameterMismatch"
        | "TagLimitExceeded"
        | "Unsupported" => ErrorKind::InvalidParameter,

        "VolumeLimitExceeded"
        | "VolumeIOPSLimit"
        | "MaxIOPSLimitExceeded"
        | "SnapshotLimitExceeded"
        | "InstanceLimitExceeded"
        | "VcpuLimitExceeded"
        | "AttachmentLimitExceeded"
        | "InsufficientInstanceCapacity"
        | "ResourceLimitExceeded" => ErrorKind::QuotaExceeded,

        "RequestLimitExceeded" | "Throttling" | "ThrottlingException" => ErrorKind::Throttled,

        "AuthFailure"
        | "UnauthorizedOperation"
        | "OptInRequired"
        | "Blocked"
        | "PendingVerification"
        | "InvalidClientTokenId"
        | "SignatureDoesNotMatch"
        | "ExpiredToken"
        | "RequestExpired"
        | "AccessDenied" => ErrorKind::Authentication,

        _ => ErrorKind::Provider,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volume_states_follow_attachment() {
        let cases = [
            ("creating", None, VolumeState::Creating),
            ("available", None, VolumeState::Available),
            ("in-use", Some("attaching"), VolumeState::Attaching),
            ("in-use", Some("attached"), VolumeState::InUse),
            ("in-use", Some("busy"), VolumeState::InUse),
            ("in-use", Some("detaching"), VolumeState::Detaching),
            ("in-use", None, VolumeState::InUse),
            ("deleting", None, VolumeState::Deleting),
            ("deleted", None, VolumeState::Deleted),
            ("error", None, VolumeState::Error),
            ("optimizing", None, VolumeState::Unknown),
            ("", None, VolumeState::Unknown),
        ];
        for (native, attachment, expected) in cases {
            assert_eq!(
                volume_state(native, attachment),
                expected,
                "{native} {attachment:?}"
            );
        }
    }

    #[test]
    fn snapshot_states_map() {
        assert_eq!(snapshot_state("pending"), SnapshotState::Pending);
        assert_eq!(snapshot_state("completed"), SnapshotState::Available);
        assert_eq!(snapshot_state("error"), SnapshotState::Error);
        assert_eq!(snapshot_state("recoverable"), SnapshotState::Deleted);
        assert_eq!(snapshot_state("recovering"), SnapshotState::Configuring);
        assert_eq!(snapshot_state("archived"), SnapshotState::Unknown);
    }

    #[test]
    fn instance_states_map() {
        assert_eq!(instance_state("pending"), InstanceState::Pending);
        assert_eq!(instance_state("running"), InstanceState::Running);
        assert_eq!(instance_state("stopping"), InstanceState::Stopping);
        assert_eq!(instance_state("stopped"), InstanceState::Stopped);
        assert_eq!(instance_state("shutting-down"), InstanceState::Deleting);
        assert_eq!(instance_state("terminated"), InstanceState::Deleted);
        assert_eq!(instance_state("hibernating"), InstanceState::Unknown);
    }

    #[test]
    fn error_codes_map_to_kinds() {
        let cases = [
            ("InvalidVolume.NotFound", ErrorKind::NotFound),
            ("InvalidSnapshot.NotFound", ErrorKind::NotFound),
            ("InvalidInstanceID.NotFound", ErrorKind::NotFound),
            ("InvalidAttachment.NotFound", ErrorKind::NotFound),
            ("VolumeInUse", ErrorKind::InvalidState),
            ("IncorrectState", ErrorKind::InvalidState),
            ("InvalidVolume.ZoneMismatch", ErrorKind::ZoneMismatch),
            ("InvalidParameterValue", ErrorKind::InvalidParameter),
            ("VolumeLimitExceeded", ErrorKind::QuotaExceeded),
            ("RequestLimitExceeded", ErrorKind::Throttled),
            ("AuthFailure", ErrorKind::Authentication),
            ("UnauthorizedOperation", ErrorKind::Authentication),
            ("InternalError", ErrorKind::Provider),
            ("SomethingNew", ErrorKind::Provider),
        ];
        for (code, expected) in cases {
            assert_eq!(error_kind(code), expected, "{code}");
        }
    }
}
