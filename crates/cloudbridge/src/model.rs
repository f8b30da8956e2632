//! Plain data records that backends return and resources wrap.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::device::Device;
use crate::state::{InstanceState, SnapshotState, VolumeState};

/// Smallest volume size any provider accepts, in GiB.
pub const MIN_VOLUME_SIZE_GIB: u64 = 1;
/// Largest volume size of the local provider and of EBS gp2/gp3, in GiB (16 TiB).
pub const MAX_VOLUME_SIZE_GIB: u64 = 16_384;

/// The last known data of a volume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolumeInfo {
    /// Provider-generated, unique id.
    pub id: String,
    /// Read-only display name; the id where the provider has no separate name.
    pub name: String,
    /// User-settable label, if the volume has one.
    pub label: Option<String>,
    /// Free-text description.
    pub description: Option<String>,
    /// Size in GiB.
    pub size: u64,
    /// Normalised state.
    pub state: VolumeState,
    /// The provider's own state name, as reported.
    pub native_state: String,
    /// Placement zone.
    pub zone: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// The snapshot the volume was made from.
    pub source_snapshot_id: Option<String>,
    /// The attachment, while the volume is attaching, attached or detaching.
    pub attachment: Option<Attachment>,
}

/// Attachment of a volume to an instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The instance the volume is attached to.
    pub instance_id: String,
    /// The device name on the instance, such as `/dev/sdh`.
    pub device: String,
    /// When the attachment was requested.
    pub attached_at: Option<DateTime<Utc>>,
    /// A path on this machine where the attached device's bytes can be read and written;
    /// only providers that hold the data locally have one.
    pub path: Option<PathBuf>,
}

/// The last known data of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotInfo {
    /// Provider-generated, unique id.
    pub id: String,
    /// Read-only display name; the id where the provider has no separate name.
    pub name: String,
    /// User-settable label, if the snapshot has one.
    pub label: Option<String>,
    /// Free-text description.
    pub description: Option<String>,
    /// Size in GiB (the size of the source volume when the snapshot was taken).
    pub size: u64,
    /// Normalised state.
    pub state: SnapshotState,
    /// The provider's own state name, as reported.
    pub native_state: String,
    /// The volume the snapshot was taken from.
    pub volume_id: Option<String>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Completion in percent, where the provider reports it.
    pub progress: Option<u8>,
}

/// The last known data of an instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceInfo {
    /// Provider-generated, unique id.
    pub id: String,
    /// Read-only display name; the id where the provider has no separate name.
    pub name: String,
    /// User-settable label, if the instance has one.
    pub label: Option<String>,
    /// Placement zone.
    pub zone: String,
    /// Normalised state.
    pub state: InstanceState,
    /// The provider's own state name, as reported.
    pub native_state: String,
    /// Image the instance was launched from.
    pub image_id: Option<String>,
    /// Instance type (flavor, machine type).
    pub instance_type: Option<String>,
    /// Launch time.
    pub created_at: DateTime<Utc>,
}

/// A placement zone of the provider's region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Zone {
    /// Zone name, such as `us-east-1a` or `local-a`.
    pub name: String,
    /// The region the zone belongs to.
    pub region: String,
    /// Whether the zone accepts new resources.
    pub available: bool,
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The items of this page, in the provider's stable order.
    pub items: Vec<T>,
    /// The marker to pass for the next page, or `None` on the last page.
    pub marker: Option<String>,
}

impl<T> Page<T> {
    /// Tells whether more pages follow this one.
    pub fn has_more(&self) -> bool {
        self.marker.is_some()
    }

    pub(crate) fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            marker: self.marker,
        }
    }
}

/// Default page size when a listing names no limit.
pub const DEFAULT_PAGE_LIMIT: u32 = 50;
/// Largest page size a listing accepts.
pub const MAX_PAGE_LIMIT: u32 = 1000;

/// Listing request for a backend: one page, optionally only resources with one label.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// Only resources whose label equals this.
    pub label: Option<String>,
    /// Page size, 1 to [`MAX_PAGE_LIMIT`]; already checked by the core.
    pub limit: u32,
    /// Marker from the previous page.
    pub marker: Option<String>,
}

/// A request to create a volume, already checked by the core.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeCreate {
    /// Label, valid under the portable rule.
    pub label: String,
    /// Size in GiB; `None` means the source snapshot's size.
    pub size: Option<u64>,
    /// Description.
    pub description: Option<String>,
    /// Zone; the provider's default zone when `None`.
    pub zone: Option<String>,
    /// Snapshot to copy the data from.
    pub snapshot_id: Option<String>,
}

/// A request to create a snapshot, already checked by the core.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotCreate {
    /// Label, valid under the portable rule.
    pub label: String,
    /// The volume to snapshot.
    pub volume_id: String,
    /// Description.
    pub description: Option<String>,
}

/// A request to create an instance, already checked by the core.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceCreate {
    /// Label, valid under the portable rule.
    pub label: String,
    /// Zone; the provider's default zone when `None`.
    pub zone: Option<String>,
    /// Image id, where the provider needs one.
    pub image_id: Option<String>,
    /// Instance type, where the provider needs one.
    pub instance_type: Option<String>,
}

/// A change of label and description; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetadataUpdate {
    /// New label, valid under the portable rule.
    pub label: Option<String>,
    /// New description; an empty string clears it.
    pub description: Option<String>,
}

/// A request to attach a volume, already checked by the core.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachRequest {
    /// The volume to attach.
    pub volume_id: String,
    /// The instance to attach it to.
    pub instance_id: String,
    /// The device name on the instance.
    pub device: Device,
}
