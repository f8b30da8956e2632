//! Resources: the last known data of a volume, snapshot or instance plus the provider handle,
//! so that methods read like the CloudBridge walkthrough (`vol.attach(..)`, `vol.refresh()`).

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::model::{
    Attachment, InstanceInfo, ListQuery, MetadataUpdate, Page, SnapshotInfo, VolumeInfo,
};
use crate::provider::Provider;
use crate::services::Listable;
use crate::state::{InstanceState, ResourceState, SnapshotState, VolumeState};
use crate::wait::{WaitGoal, wait_for_state};

/// Anything that names a resource by id: a `&str`, a `String` or a resource handle.
pub trait ResourceId {
    /// The resource's id.
    fn resource_id(&self) -> &str;
}

impl ResourceId for str {
    fn resource_id(&self) -> &str {
        self
    }
}

impl ResourceId for String {
    fn resource_id(&self) -> &str {
        self
    }
}

/// Implements the parts every resource shares: accessors, `refresh`, waits and listing.
macro_rules! resource_common {
    ($resource:ident, $info:ident, $state:ident, $kind:literal, $get:ident, $list:ident) => {
        impl $resource {
            pub(crate) fn new(provider: Provider, info: $info) -> Self {
                $resource {
                    info,
                    provider,
                    created: None,
                }
            }

            pub(crate) fn created(provider: Provider, info: $info) -> Self {
                $resource {
                    info,
                    provider,
                    created: Some(std::time::Instant::now()),
                }
            }

            /// The last known data.
            pub fn info(&self) -> &$info {
                &self.info
            }

            /// Takes the last known data out of the handle.
            pub fn into_info(self) -> $info {
                self.info
            }

            /// Provider-generated, unique id.
            pub fn id(&self) -> &str {
                &self.info.id
            }

            /// Read-only display name.
            pub fn name(&self) -> &str {
                &self.info.name
            }

            /// User-settable label.
            pub fn label(&self) -> Option<&str> {
                self.info.label.as_deref()
            }

            /// Last known state; call [`Self::refresh`] to update it.
            pub fn state(&self) -> $state {
                self.info.state
            }

            /// Creation time.
            pub fn created_at(&self) -> DateTime<Utc> {
                self.info.created_at
            }

            /// Fetches the current data. A resource that no longer exists becomes `deleted`.
            pub async fn refresh(&mut self) -> Result<()> {
                match self.provider.$get(&self.info.id).await? {
                    Some(info) => self.info = info,
                    None => self.mark_deleted(),
                }
                Ok(())
            }

            /// Refreshes until the state is one of `targets`.
            ///
            /// Fails at once on a state in `terminals` that is not a target, with an error that
            /// names the id and the state, and with a timed-out error after `timeout` (the
            /// provider's default when `None`). A resource that is not found counts as
            /// `deleted`, except within a short grace period after this handle created it,
            /// when it is taken as not visible yet.
            pub async fn wait_for(
                &mut self,
                targets: &[$state],
                terminals: &[$state],
                timeout: Option<Duration>,
            ) -> Result<()> {
                let timing = self.provider.timing();
                let goal = WaitGoal {
                    resource: $kind,
                    id: &self.info.id,
                    targets,
                    terminals,
                    timeout: timeout.unwrap_or(timing.wait_timeout),
                    created: self.created,
                };
                let provider = &self.provider;
                let id = self.info.id.clone();
                let outcome = wait_for_state(
                    &timing,
                    goal,
                    |info: &$info| info.state,
                    || provider.$get(&id),
                )
                .await;
                match outcome {
                    Ok(Some(info)) => self.info = info,
                    Ok(None) => self.mark_deleted(),
                    Err(failure) => {
                        if let Some(info) = failure.last {
                            self.info = info;
                        }
                        return Err(failure.error);
                    }
                }
                Ok(())
            }

            /// Waits until the resource is ready for use, failing fast on `error` or `deleted`.
            pub async fn wait_till_ready(&mut self) -> Result<()> {
                self.wait_for(
                    &[<$state as ResourceState>::READY],
                    <$state>::FAILURES,
                    None,
                )
                .await
            }

            /// Waits until the resource no longer exists, failing fast on `error`.
            pub async fn wait_till_deleted(&mut self) -> Result<()> {
                self.wait_for(
                    &[<$state as ResourceState>::DELETED],
                    &[$state::Error],
                    None,
                )
                .await
            }
        }

        impl ResourceId for $resource {
            fn resource_id(&self) -> &str {
                &self.info.id
            }
        }

        impl fmt::Debug for $resource {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.info.fmt(f)
            }
        }

        impl Listable for $resource {
            fn fetch_page(
                provider: Provider,
                query: ListQuery,
            ) -> std::pin::Pin<
                Box<dyn std::future::Future<Output = Result<Page<Self>>> + Send + 'static>,
            > {
                Box::pin(async move {
                    // A listing is scoped to the default zone, so a zone that does not exist
                    // is an error here as it is on create, not an empty list.
                    provider.resolve_zone(None).await?;
                    let page = provider
                        .call(stringify!($list), |b| b.$list(&query))
                        .await?;
                    Ok(page.map(|info| $resource::new(provider.clone(), info)))
                })
            }
        }
    };
}

/// A block storage volume.
#[derive(Clone)]
pub struct Volume {
    info: VolumeInfo,
    provider: Provider,
    created: Option<std::time::Instant>,
}

resource_common!(
    Volume,
    VolumeInfo,
    VolumeState,
    "volume",
    get_volume,
    list_volumes
);

impl Volume {
    fn mark_deleted(&mut self) {
        self.info.state = VolumeState::Deleted;
        self.info.attachment = None;
    }

    /// Description.
    pub fn description(&self) -> Option<&str> {
        self.info.description.as_deref()
    }

    /// Size in GiB.
    pub fn size(&self) -> u64 {
        self.info.size
    }

    /// Placement zone.
    pub fn zone(&self) -> &str {
        &self.info.zone
    }

    /// The snapshot the volume was made from.
    pub fn source_snapshot_id(&self) -> Option<&str> {
        self.info.source_snapshot_id.as_deref()
    }

    /// The attachment, while attaching, attached or detaching.
    pub fn attachment(&self) -> Option<&Attachment> {
        self.info.attachment.as_ref()
    }

    /// Starts attaching the volume to an instance at a device name such as `/dev/sdh`.
    ///
    /// The volume must be available and in the instance's zone, the instance running or
    /// stopped, and the device name valid and free on the instance.
    pub async fn attach(
        &mut self,
        instance: &(impl ResourceId + ?Sized),
        device: &str,
    ) -> Result<()> {
        self.info = self
            .provider
            .attach_volume(&self.info.id, instance.resource_id(), device)
            .await?;
        Ok(())
    }

    /// Starts detaching the volume; `force` also detaches one stuck attaching or detaching.
    pub async fn detach(&mut self, force: bool) -> Result<()> {
        self.info = self.provider.detach_volume(&self.info.id, force).await?;
        Ok(())
    }

    /// Starts a snapshot of this volume.
    pub async fn create_snapshot<'a>(
        &self,
        label: &str,
        description: impl Into<Option<&'a str>>,
    ) -> Result<Snapshot> {
        let info = self
            .provider
            .create_snapshot(&self.info.id, label, description.into())
            .await?;
        Ok(Snapshot::created(self.provider.clone(), info))
    }

    /// Changes the label.
    pub async fn set_label(&mut self, label: &str) -> Result<()> {
        let update = MetadataUpdate {
            label: Some(label.to_string()),
            description: None,
        };
        self.info = self.provider.update_volume(&self.info.id, update).await?;
        Ok(())
    }

    /// Changes the description; an empty string clears it.
    pub async fn set_description(&mut self, description: &str) -> Result<()> {
        let update = MetadataUpdate {
            label: None,
            description: Some(description.to_string()),
        };
        self.info = self.provider.update_volume(&self.info.id, update).await?;
        Ok(())
    }

    /// Starts deleting the volume; it must be available or in error.
    pub async fn delete(&mut self) -> Result<()> {
        self.provider.delete_volume(&self.info.id).await?;
        self.info.state = VolumeState::Deleting;
        Ok(())
    }
}

/// A point-in-time copy of a volume.
#[derive(Clone)]
pub struct Snapshot {
    info: SnapshotInfo,
    provider: Provider,
    created: Option<std::time::Instant>,
}

resource_common!(
    Snapshot,
    SnapshotInfo,
    SnapshotState,
    "snapshot",
    get_snapshot,
    list_snapshots
);

impl Snapshot {
    fn mark_deleted(&mut self) {
        self.info.state = SnapshotState::Deleted;
    }

    /// Description.
    pub fn description(&self) -> Option<&str> {
        self.info.description.as_deref()
    }

    /// Size in GiB.
    pub fn size(&self) -> u64 {
        self.info.size
    }

    /// The volume the snapshot was taken from.
    pub fn volume_id(&self) -> Option<&str> {
        self.info.volume_id.as_deref()
    }

    /// Completion in percent, where the provider reports it.
    pub fn progress(&self) -> Option<u8> {
        self.info.progress
    }

    /// Creates a volume from this snapshot: `size` defaults to the snapshot's size and `zone`
    /// to the provider's default zone.
    pub async fn create_volume(
        &self,
        label: &str,
        size: Option<u64>,
        zone: Option<&str>,
    ) -> Result<Volume> {
        let info = self
            .provider
            .create_volume(label, size, None, zone, Some(&self.info.id))
            .await?;
        Ok(Volume::created(self.provider.clone(), info))
    }

    /// Changes the label.
    pub async fn set_label(&mut self, label: &str) -> Result<()> {
        let update = MetadataUpdate {
            label: Some(label.to_string()),
            description: None,
        };
        self.info = self.provider.update_snapshot(&self.info.id, update).await?;
        Ok(())
    }

    /// Changes the description; an empty string clears it.
    pub async fn set_description(&mut self, description: &str) -> Result<()> {
        let update = MetadataUpdate {
            label: None,
            description: Some(description.to_string()),
        };
        self.info = self.provider.update_snapshot(&self.info.id, update).await?;
        Ok(())
    }

    /// Starts deleting the snapshot; volumes made from it keep their data.
    pub async fn delete(&mut self) -> Result<()> {
        self.provider.delete_snapshot(&self.info.id).await?;
        self.info.state = SnapshotState::Deleting;
        Ok(())
    }
}

/// A virtual machine, as far as attaching volumes needs one.
#[derive(Clone)]
pub struct Instance {
    info: InstanceInfo,
    provider: Provider,
    created: Option<std::time::Instant>,
}

resource_common!(
    Instance,
    InstanceInfo,
    InstanceState,
    "instance",
    get_instance,
    list_instances
);

impl Instance {
    fn mark_deleted(&mut self) {
        self.info.state = InstanceState::Deleted;
    }

    /// Placement zone.
    pub fn zone(&self) -> &str {
        &self.info.zone
    }

    /// Starts deleting (terminating) the instance; its volumes are detached.
    pub async fn delete(&mut self) -> Result<()> {
        self.provider.delete_instance(&self.info.id).await?;
        self.info.state = InstanceState::Deleting;
        Ok(())
    }
}
