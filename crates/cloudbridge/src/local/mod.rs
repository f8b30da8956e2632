//! The embedded local provider: a small, strict cloud on this machine.
//!
//! Metadata lives in SQLite (WAL) and each volume is a sparse file of its nominal size, so a
//! 1 TiB volume costs no more time or disk than a 1 GiB one. A snapshot is a point-in-time
//! copy of the volume's file (a reflink where the file system offers one, else a copy of the
//! allocated ranges only). An attached volume's bytes are reachable through the path in its
//! attachment, a symlink per instance and device, so a user can put a file system on it.
//!
//! The provider has no server that could copy data after a call returns, so creating a
//! snapshot, or a volume from a snapshot, copies the allocated data before it returns (about
//! 9 ms for 8 MiB here, see `docs/benchmarks.md`). The new resource still reports `pending`
//! or `creating` until the configured transition delay has passed.
//!
//! The region is `local` with zones `local-a`, `local-b` and `local-c`. The cloud's rules
//! are enforced in transactions, and several processes can share one data directory. Timing
//! and faults can be switched on to rehearse a real cloud ([`LocalOptions`]); by default every
//! transition ends at once.

mod data;
mod faults;
mod ids;
mod mapping;
mod store;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use self::faults::FaultPlan;
pub use self::faults::{Fault, FaultEffect, Operation};
use self::store::{Store, StoreSettings, ZONES};
use crate::backend::{Backend, Timing};
use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{
    AttachRequest, InstanceCreate, InstanceInfo, ListQuery, MetadataUpdate, Page, SnapshotCreate,
    SnapshotInfo, VolumeCreate, VolumeInfo, Zone,
};

/// The local provider's only region.
pub const REGION: &str = "local";
/// The local provider's default zone.
pub const DEFAULT_ZONE: &str = "local-a";
/// Maximum transition delay, visibility lag and copy pause the local provider accepts.
pub const MAX_DELAY: Duration = Duration::from_secs(24 * 60 * 60);

/// Settings of a local cloud.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalOptions {
    /// Directory holding the metadata database and the data files.
    pub data_dir: PathBuf,
    /// Default zone, one of `local-a`, `local-b`, `local-c`.
    pub zone: String,
    /// How long each transition (creating, attaching, detaching, pending, deleting) takes.
    pub transition_delay: Duration,
    /// How long a new resource stays invisible to reads, as on an eventually consistent API.
    pub visibility_lag: Duration,
    /// Share of calls that change something (creates, attaches, detaches, deletes), 0.0 to
    /// 1.0, rejected as throttled before they change anything. Reads are never throttled.
    pub throttle_rate: f64,
    /// Injected failures.
    pub faults: Vec<Fault>,
    /// Pause per MiB of data copied into a snapshot or a restored volume, to rehearse slow
    /// snapshots.
    pub copy_pause_per_mib: Duration,
}

impl LocalOptions {
    /// Options for a data directory, with every delay and fault off.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        LocalOptions {
            data_dir: data_dir.into(),
            zone: DEFAULT_ZONE.to_string(),
            transition_delay: Duration::ZERO,
            visibility_lag: Duration::ZERO,
            throttle_rate: 0.0,
            faults: Vec::new(),
            copy_pause_per_mib: Duration::ZERO,
        }
    }

    /// Returns the default data directory: `cloudbridge` in the user's data directory
    /// (`~/.local/share/cloudbridge` on Linux).
    pub fn default_data_dir() -> Result<PathBuf> {
        dirs::data_dir()
            .map(|dir| dir.join("cloudbridge"))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Configuration,
                    "no user data directory is known (HOME is not set); set CB_DATA_DIR",
                )
            })
    }

    /// Builds options from a loaded configuration.
    pub fn from_config(config: &Config) -> Result<Self> {
        if let Some(region) = config.region.as_deref().filter(|r| *r != REGION) {
            return Err(Error::invalid_parameter(
                "region",
                region,
                "the local provider has only the region local",
            ));
        }
        let data_dir = match &config.local.data_dir {
            Some(dir) => dir.clone(),
            None => LocalOptions::default_data_dir()?,
        };
        let settings = &config.local;
        let mut options = LocalOptions::new(data_dir);
        if let Some(zone) = &config.zone {
            options.zone = zone.clone();
        }

        options.transition_delay = configured_delay(
            settings.transition_delay_ms,
            "CB_LOCAL_TRANSITION_DELAY_MS (local.transition_delay_ms)",
        )?;
        options.visibility_lag = configured_delay(
            settings.visibility_lag_ms,
            "CB_LOCAL_VISIBILITY_LAG_MS (local.visibility_lag_ms)",
        )?;
        options.copy_pause_per_mib = configured_delay(
            settings.copy_pause_per_mib_ms,
            "CB_LOCAL_COPY_PAUSE_MS (local.copy_pause_per_mib_ms)",
        )?;

        options.throttle_rate = settings.throttle_rate.unwrap_or(0.0);
        if !(0.0..=1.0).contains(&options.throttle_rate) {
            return Err(Error::new(
                ErrorKind::Configuration,
                format!(
                    "invalid local throttle rate {} (CB_LOCAL_THROTTLE_RATE or \
                     local.throttle_rate): expected a share of calls from 0.0 to 1.0",
                    options.throttle_rate
                ),
            ));
        }

        options.faults = settings
            .faults
            .iter()
            .filter(|f| !f.is_empty())
            .map(|f| f.parse())
            .collect::<Result<_>>()?;
        Ok(options)
    }

    fn check(&self) -> Result<()> {
        crate::rules::check_zone(&self.zone, ZONES.iter().copied())?;
        for (name, value) in [
            ("transition delay", self.transition_delay),
            ("visibility lag", self.visibility_lag),
            ("copy pause per MiB", self.copy_pause_per_mib),
        ] {
            if value > MAX_DELAY {
                return Err(Error::invalid_parameter(
                    name,
                    format!("{value:?}"),
                    "the local provider accepts at most one day",
                ));
            }
        }
        if !(0.0..=1.0).contains(&self.throttle_rate) {
            return Err(Error::invalid_parameter(
                "throttle rate",
                self.throttle_rate,
                "a share of calls from 0.0 to 1.0",
            ));
        }
        Ok(())
    }
}

/// Converts a configured delay in milliseconds (`None` means 0), rejecting values above
/// [`MAX_DELAY`] with an error that names the setting.
fn configured_delay(value: Option<u64>, name: &str) -> Result<Duration> {
    let ms = value.unwrap_or(0);
    if ms > MAX_DELAY.as_millis() as u64 {
        return Err(Error::new(
            ErrorKind::Configuration,
            format!(
                "invalid {name} {ms}: expected 0 to {} milliseconds (one day)",
                MAX_DELAY.as_millis()
            ),
        ));
    }
    Ok(Duration::from_millis(ms))
}

/// The local provider's backend; wrap it with [`crate::Provider::from_backend`], or use
/// [`crate::Provider::local`].
#[derive(Debug, Clone)]
pub struct LocalBackend {
    store: Arc<Store>,
    options: Arc<LocalOptions>,
}

impl LocalBackend {
    /// Opens a local cloud, creating the data directory if needed. Opening also recovers
    /// from a crash of any earlier process: incomplete data is marked `error` and orphaned
    /// files are removed.
    pub fn open(options: LocalOptions) -> Result<LocalBackend> {
        options.check()?;
        let settings = StoreSettings {
            zone: options.zone.clone(),
            transition_delay: options.transition_delay,
            visibility_lag: options.visibility_lag,
            copy_pause_per_mib: options.copy_pause_per_mib,
            faults: FaultPlan {
                throttle_rate: options.throttle_rate,
                faults: options.faults.clone(),
            },
        };
        let store = Store::open(&options.data_dir, settings)?;
        Ok(LocalBackend {
            store: Arc::new(store),
            options: Arc::new(options),
        })
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        self.store.data().root()
    }

    /// Runs a store operation on the blocking thread pool: SQLite and file copies block.
    async fn run<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T> + Send + 'static,
    {
        let store = Arc::clone(&self.store);
        tokio::task::spawn_blocking(move || work(&store))
            .await
            .map_err(|error| {
                Error::new(
                    ErrorKind::Provider,
                    format!("local provider task failed: {error}"),
                )
            })?
    }
}

#[async_trait]
impl Backend for LocalBackend {
    fn name(&self) -> &'static str {
        "local"
    }

    fn region(&self) -> &str {
        REGION
    }

    fn default_zone(&self) -> &str {
        &self.options.zone
    }

    fn timing(&self) -> Timing {
        let delay = self.options.transition_delay;
        Timing {
            poll_initial: (delay / 4).clamp(Duration::from_millis(5), Duration::from_millis(250)),
            poll_max: (delay / 2).clamp(Duration::from_millis(20), Duration::from_secs(2)),
            wait_timeout: Duration::from_secs(60) + delay * 20,
            visibility_grace: self.options.visibility_lag + Duration::from_secs(5),
            max_retries: 5,
            retry_initial: Duration::from_millis(20),
        }
    }

    fn holds_data(&self) -> bool {
        true
    }

    async fn list_zones(&self) -> Result<Vec<Zone>> {
        Ok(ZONES
            .iter()
            .map(|zone| Zone {
                name: zone.to_string(),
                region: REGION.to_string(),
                available: true,
            })
            .collect())
    }

    async fn create_volume(&self, request: &VolumeCreate) -> Result<VolumeInfo> {
        let request = request.clone();
        self.run(move |store| store.create_volume(&request)).await
    }

    async fn get_volume(&self, id: &str) -> Result<Option<VolumeInfo>> {
        let id = id.to_string();
        self.run(move |store| store.get_volume(&id)).await
    }

    async fn list_volumes(&self, query: &ListQuery) -> Result<Page<VolumeInfo>> {
        let query = query.clone();
        self.run(move |store| store.list_volumes(&query)).await
    }

    async fn update_volume(&self, id: &str, update: &MetadataUpdate) -> Result<VolumeInfo> {
        let (id, update) = (id.to_string(), update.clone());
        self.run(move |store| store.update_volume(&id, &update))
            .await
    }

    async fn attach_volume(&self, request: &AttachRequest) -> Result<VolumeInfo> {
        let request = request.clone();
        self.run(move |store| store.attach_volume(&request)).await
    }

    async fn detach_volume(&self, id: &str, force: bool) -> Result<VolumeInfo> {
        let id = id.to_string();
        self.run(move |store| store.detach_volume(&id, force)).await
    }

    async fn delete_volume(&self, id: &str) -> Result<()> {
        let id = id.to_string();
        self.run(move |store| store.delete_volume(&id)).await
    }

    async fn create_snapshot(&self, request: &SnapshotCreate) -> Result<SnapshotInfo> {
        let request = request.clone();
        self.run(move |store| store.create_snapshot(&request)).await
    }

    async fn get_snapshot(&self, id: &str) -> Result<Option<SnapshotInfo>> {
        let id = id.to_string();
        self.run(move |store| store.get_snapshot(&id)).await
    }

    async fn list_snapshots(&self, query: &ListQuery) -> Result<Page<SnapshotInfo>> {
        let query = query.clone();
        self.run(move |store| store.list_snapshots(&query)).await
    }

    async fn update_snapshot(&self, id: &str, update: &MetadataUpdate) -> Result<SnapshotInfo> {
        let (id, update) = (id.to_string(), update.clone());
        self.run(move |store| store.update_snapshot(&id, &update))
            .await
    }

    async fn delete_snapshot(&self, id: &str) -> Result<()> {
        let id = id.to_string();
        self.run(move |store| store.delete_snapshot(&id)).await
    }

    async fn create_instance(&self, request: &InstanceCreate) -> Result<InstanceInfo> {
        let request = request.clone();
        self.run(move |store| store.create_instance(&request)).await
    }

    async fn get_instance(&self, id: &str) -> Result<Option<InstanceInfo>> {
        let id = id.to_string();
        self.run(move |store| store.get_instance(&id)).await
    }

    async fn list_instances(&self, query: &ListQuery) -> Result<Page<InstanceInfo>> {
        let query = query.clone();
        self.run(move |store| store.list_instances(&query)).await
    }

    async fn delete_instance(&self, id: &str) -> Result<()> {
        let id = id.to_string();
        self.run(move |store| store.delete_instance(&id)).await
    }
}
