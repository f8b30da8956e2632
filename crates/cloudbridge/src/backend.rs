//! The small async interface each provider implements.
//!
//! The public API ([`crate::Provider`] and its services and resources) checks labels, sizes,
//! device names, limits and markers once, retries throttled calls and does all waiting, so a
//! backend only translates already-checked requests into its cloud's calls and maps the
//! responses back. A backend must still enforce the cloud's rules that need its state (zones,
//! attach rules, snapshot sizes) when its cloud does not.

use std::time::Duration;

use async_trait::async_trait;

use crate::error::Result;
use crate::model::{
    AttachRequest, InstanceCreate, InstanceInfo, ListQuery, MetadataUpdate, Page, SnapshotCreate,
    SnapshotInfo, VolumeCreate, VolumeInfo, Zone,
};

/// Timing defaults a backend gives the core's waiting and retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// First pause between two refreshes of a wait.
    pub poll_initial: Duration,
    /// Maximum pause between two refreshes of a wait.
    pub poll_max: Duration,
    /// Default timeout of a wait.
    pub wait_timeout: Duration,
    /// How long after a create a "not found" means "not visible yet" rather than "gone".
    pub visibility_grace: Duration,
    /// How many times the core retries a throttled or unreachable call.
    pub max_retries: u32,
    /// First pause before a retry; it doubles on each retry, with jitter.
    pub retry_initial: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            poll_initial: Duration::from_millis(500),
            poll_max: Duration::from_secs(10),
            wait_timeout: Duration::from_secs(600),
            visibility_grace: Duration::from_secs(30),
            max_retries: 4,
            retry_initial: Duration::from_millis(200),
        }
    }
}

/// One cloud's implementation of block storage and the compute calls attaching needs.
///
/// Ids handed in may be anything a user typed. For an id it did not generate, a backend returns
/// `Ok(None)` from `get_*` and a not-found error elsewhere. It never uses such an id in a file
/// path or a URL without checking it first.
#[async_trait]
pub trait Backend: Send + Sync + std::fmt::Debug + 'static {
    /// Short provider name: `local`, `aws`, `openstack`, `gcp` or `azure`.
    fn name(&self) -> &'static str;
    /// The region this backend is bound to.
    fn region(&self) -> &str;
    /// The zone used when a request names none.
    fn default_zone(&self) -> &str;
    /// Timing defaults for waits and retries.
    fn timing(&self) -> Timing {
        Timing::default()
    }
    /// Tells whether the provider keeps volume data on this machine, so that attachments
    /// report a path and data can be checked end to end.
    fn holds_data(&self) -> bool {
        false
    }

    /// Lists the zones of the region.
    async fn list_zones(&self) -> Result<Vec<Zone>>;

    /// Creates a volume, empty or from a snapshot.
    async fn create_volume(&self, request: &VolumeCreate) -> Result<VolumeInfo>;
    /// Fetches one volume; `None` when it does not exist.
    async fn get_volume(&self, id: &str) -> Result<Option<VolumeInfo>>;
    /// Lists one page of the volumes in the default zone.
    async fn list_volumes(&self, query: &ListQuery) -> Result<Page<VolumeInfo>>;
    /// Changes a volume's label or description.
    async fn update_volume(&self, id: &str, update: &MetadataUpdate) -> Result<VolumeInfo>;
    /// Starts attaching a volume to an instance.
    async fn attach_volume(&self, request: &AttachRequest) -> Result<VolumeInfo>;
    /// Starts detaching a volume from its instance.
    async fn detach_volume(&self, id: &str, force: bool) -> Result<VolumeInfo>;
    /// Starts deleting a volume.
    async fn delete_volume(&self, id: &str) -> Result<()>;

    /// Starts taking a snapshot of a volume.
    async fn create_snapshot(&self, request: &SnapshotCreate) -> Result<SnapshotInfo>;
    /// Fetches one snapshot; `None` when it does not exist.
    async fn get_snapshot(&self, id: &str) -> Result<Option<SnapshotInfo>>;
    /// Lists one page of the caller's own snapshots in the region.
    async fn list_snapshots(&self, query: &ListQuery) -> Result<Page<SnapshotInfo>>;
    /// Changes a snapshot's label or description.
    async fn update_snapshot(&self, id: &str, update: &MetadataUpdate) -> Result<SnapshotInfo>;
    /// Starts deleting a snapshot.
    async fn delete_snapshot(&self, id: &str) -> Result<()>;

    /// Launches an instance.
    async fn create_instance(&self, request: &InstanceCreate) -> Result<InstanceInfo>;
    /// Fetches one instance; `None` when it does not exist.
    async fn get_instance(&self, id: &str) -> Result<Option<InstanceInfo>>;
    /// Lists one page of the instances in the default zone.
    async fn list_instances(&self, query: &ListQuery) -> Result<Page<InstanceInfo>>;
    /// Starts deleting (terminating) an instance, which detaches its volumes.
    async fn delete_instance(&self, id: &str) -> Result<()>;
}
