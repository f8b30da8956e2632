//! The provider handle and the operations its services and resources share.

use std::fmt;
use std::sync::Arc;

use tokio::sync::OnceCell;

use crate::backend::{Backend, Timing};
use crate::device::Device;
use crate::error::{Error, Result};
use crate::label::validate_label;
use crate::model::{
    AttachRequest, InstanceInfo, MetadataUpdate, SnapshotCreate, SnapshotInfo, VolumeCreate,
    VolumeInfo, Zone,
};
use crate::rules;
use crate::services::{Compute, Storage};
use crate::wait::with_retry;

/// A cheap-to-clone handle bound to one cloud, one region and one default zone.
///
/// Every service and resource keeps a clone, so resources can act on themselves
/// (`volume.attach(..)`) the way the CloudBridge walkthrough reads.
#[derive(Clone)]
pub struct Provider {
    inner: Arc<Inner>,
}

struct Inner {
    backend: Arc<dyn Backend>,
    timing: Timing,
    zones: OnceCell<Vec<Zone>>,
}

impl fmt::Debug for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Provider")
            .field("backend", &self.inner.backend)
            .finish_non_exhaustive()
    }
}

impl Provider {
    /// Wraps a backend in a provider handle.
    pub fn from_backend(backend: impl Backend) -> Provider {
        let timing = backend.timing();
        Provider {
            inner: Arc::new(Inner {
                backend: Arc::new(backend),
                timing,
                zones: OnceCell::new(),
            }),
        }
    }

    /// Connects to the provider chosen by the configuration: environment variables first,
    /// then the config file, then the local provider. See [`crate::Config::load`].
    pub async fn from_env() -> Result<Provider> {
        crate::Config::load(None)?.connect().await
    }

    /// Opens the local provider on a data directory, creating it if needed.
    #[cfg(feature = "local")]
    pub fn local(data_dir: impl Into<std::path::PathBuf>) -> Result<Provider> {
        let options = crate::local::LocalOptions::new(data_dir);
        Ok(Provider::from_backend(crate::local::LocalBackend::open(
            options,
        )?))
    }

    /// Returns a copy of this handle whose waits and retries use `timing`.
    pub fn with_timing(&self, timing: Timing) -> Provider {
        Provider {
            inner: Arc::new(Inner {
                backend: Arc::clone(&self.inner.backend),
                timing,
                zones: OnceCell::new(),
            }),
        }
    }

    /// The provider's short name, such as `local` or `aws`.
    pub fn name(&self) -> &'static str {
        self.inner.backend.name()
    }

    /// The region this handle is bound to.
    pub fn region(&self) -> &str {
        self.inner.backend.region()
    }

    /// The default zone for new volumes and instances.
    pub fn zone(&self) -> &str {
        self.inner.backend.default_zone()
    }

    /// Tells whether volume data lives on this machine, so attachments report a path.
    pub fn holds_data(&self) -> bool {
        self.inner.backend.holds_data()
    }

    /// The timing used for waits and retries.
    pub fn timing(&self) -> Timing {
        self.inner.timing
    }

    /// Block storage: volumes and snapshots.
    pub fn storage(&self) -> Storage {
        Storage::new(self.clone())
    }

    /// Compute: instances and zones.
    pub fn compute(&self) -> Compute {
        Compute::new(self.clone())
    }

    pub(crate) fn backend(&self) -> &dyn Backend {
        self.inner.backend.as_ref()
    }

    /// Runs one backend call with the core's retry policy.
    pub(crate) async fn call<'a, T, F, Fut>(&'a self, operation: &'static str, call: F) -> Result<T>
    where
        F: FnMut(&'a dyn Backend) -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        let backend = self.backend();
        let mut call = call;
        let started = std::time::Instant::now();
        tracing::debug!(provider = self.name(), operation, "request");
        let result = with_retry(self.name(), operation, &self.inner.timing, || call(backend)).await;
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match &result {
            Ok(_) => tracing::debug!(provider = self.name(), operation, elapsed_ms, "done"),
            Err(error) => {
                tracing::debug!(provider = self.name(), operation, elapsed_ms, %error, "failed")
            }
        }
        result.map_err(|error| {
            if error.provider().is_none() {
                error.with_provider(self.name())
            } else {
                error
            }
        })
    }

    /// Lists the region's zones, fetching them once per handle.
    pub(crate) async fn zones(&self) -> Result<&[Zone]> {
        let zones = self
            .inner
            .zones
            .get_or_try_init(|| self.call("list_zones", |b| b.list_zones()))
            .await?;
        Ok(zones)
    }

    /// Checks `zone` (the default zone when `None`) against the region's zones.
    pub(crate) async fn resolve_zone(&self, zone: Option<&str>) -> Result<String> {
        let zone = zone.unwrap_or(self.zone());
        let zones = self.zones().await?;
        rules::check_zone(zone, zones.iter().map(|z| z.name.as_str()))?;
        Ok(zone.to_string())
    }

    pub(crate) async fn get_volume(&self, id: &str) -> Result<Option<VolumeInfo>> {
        self.call("get_volume", |b| b.get_volume(id)).await
    }

    pub(crate) async fn require_volume(&self, id: &str) -> Result<VolumeInfo> {
        self.get_volume(id)
            .await?
            .ok_or_else(|| Error::not_found("volume", id))
    }

    pub(crate) async fn get_snapshot(&self, id: &str) -> Result<Option<SnapshotInfo>> {
        self.call("get_snapshot", |b| b.get_snapshot(id)).await
    }

    pub(crate) async fn require_snapshot(&self, id: &str) -> Result<SnapshotInfo> {
        self.get_snapshot(id)
            .await?
            .ok_or_else(|| Error::not_found("snapshot", id))
    }

    pub(crate) async fn get_instance(&self, id: &str) -> Result<Option<InstanceInfo>> {
        self.call("get_instance", |b| b.get_instance(id)).await
    }

    pub(crate) async fn require_instance(&self, id: &str) -> Result<InstanceInfo> {
        self.get_instance(id)
            .await?
            .ok_or_else(|| Error::not_found("instance", id))
    }

    pub(crate) async fn create_volume(
        &self,
        label: &str,
        size: Option<u64>,
        description: Option<&str>,
        zone: Option<&str>,
        snapshot_id: Option<&str>,
    ) -> Result<VolumeInfo> {
        validate_label(label)?;
        if let Some(description) = description {
            rules::check_description(description)?;
        }
        if let Some(size) = size {
            rules::check_volume_size(size)?;
        }
        if size.is_none() && snapshot_id.is_none() {
            return Err(Error::invalid_parameter(
                "size",
                "none",
                "a size is needed unless the volume is made from a snapshot",
            ));
        }
        let zone = self.resolve_zone(zone).await?;
        if let Some(snapshot_id) = snapshot_id {
            let snapshot = self.require_snapshot(snapshot_id).await?;
            rules::check_restore(&snapshot, size.unwrap_or(snapshot.size))?;
        }
        let request = VolumeCreate {
            label: label.to_string(),
            size,
            description: description.map(str::to_string),
            zone: Some(zone),
            snapshot_id: snapshot_id.map(str::to_string),
        };
        self.call("create_volume", |b| b.create_volume(&request))
            .await
    }

    pub(crate) async fn attach_volume(
        &self,
        volume_id: &str,
        instance_id: &str,
        device: &str,
    ) -> Result<VolumeInfo> {
        let device = Device::parse(device)?;
        let volume = self.require_volume(volume_id).await?;
        let instance = self.require_instance(instance_id).await?;
        rules::check_attach(&volume, &instance)?;
        let request = AttachRequest {
            volume_id: volume_id.to_string(),
            instance_id: instance_id.to_string(),
            device,
        };
        self.call("attach_volume", |b| b.attach_volume(&request))
            .await
    }

    pub(crate) async fn detach_volume(&self, volume_id: &str, force: bool) -> Result<VolumeInfo> {
        let volume = self.require_volume(volume_id).await?;
        rules::check_detach(&volume, force)?;
        self.call("detach_volume", |b| b.detach_volume(volume_id, force))
            .await
    }

    pub(crate) async fn delete_volume(&self, volume_id: &str) -> Result<()> {
        let volume = self.require_volume(volume_id).await?;
        rules::check_volume_delete(&volume)?;
        self.call("delete_volume", |b| b.delete_volume(volume_id))
            .await
    }

    pub(crate) async fn update_volume(
        &self,
        volume_id: &str,
        update: MetadataUpdate,
    ) -> Result<VolumeInfo> {
        check_update(&update)?;
        self.call("update_volume", |b| b.update_volume(volume_id, &update))
            .await
    }

    pub(crate) async fn create_snapshot(
        &self,
        volume_id: &str,
        label: &str,
        description: Option<&str>,
    ) -> Result<SnapshotInfo> {
        validate_label(label)?;
        if let Some(description) = description {
            rules::check_description(description)?;
        }
        let volume = self.require_volume(volume_id).await?;
        rules::check_snapshot_source(&volume)?;
        let request = SnapshotCreate {
            label: label.to_string(),
            volume_id: volume_id.to_string(),
            description: description.map(str::to_string),
        };
        self.call("create_snapshot", |b| b.create_snapshot(&request))
            .await
    }

    pub(crate) async fn delete_snapshot(&self, snapshot_id: &str) -> Result<()> {
        let snapshot = self.require_snapshot(snapshot_id).await?;
        rules::check_snapshot_delete(&snapshot)?;
        self.call("delete_snapshot", |b| b.delete_snapshot(snapshot_id))
            .await
    }

    pub(crate) async fn update_snapshot(
        &self,
        snapshot_id: &str,
        update: MetadataUpdate,
    ) -> Result<SnapshotInfo> {
        check_update(&update)?;
        self.call("update_snapshot", |b| {
            b.update_snapshot(snapshot_id, &update)
        })
        .await
    }

    pub(crate) async fn create_instance(
        &self,
        request: crate::model::InstanceCreate,
    ) -> Result<InstanceInfo> {
        validate_label(&request.label)?;
        for (name, value) in [
            ("image id", &request.image_id),
            ("instance type", &request.instance_type),
        ] {
            if let Some(value) = value
                && (value.is_empty() || value.chars().any(|c| c.is_whitespace() || c.is_control()))
            {
                return Err(Error::invalid_parameter(
                    name,
                    value,
                    "it must be non-empty, without spaces or control characters",
                ));
            }
        }
        let zone = self.resolve_zone(request.zone.as_deref()).await?;
        let request = crate::model::InstanceCreate {
            zone: Some(zone),
            ..request
        };
        self.call("create_instance", |b| b.create_instance(&request))
            .await
    }

    pub(crate) async fn delete_instance(&self, instance_id: &str) -> Result<()> {
        let instance = self.require_instance(instance_id).await?;
        rules::check_instance_delete(&instance)?;
        self.call("delete_instance", |b| b.delete_instance(instance_id))
            .await
    }
}

fn check_update(update: &MetadataUpdate) -> Result<()> {
    if let Some(label) = &update.label {
        validate_label(label)?;
    }
    if let Some(description) = &update.description {
        rules::check_description(description)?;
    }
    Ok(())
}
