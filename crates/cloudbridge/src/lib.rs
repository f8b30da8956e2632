//! One API for block storage on every cloud: volumes, snapshots, and attaching volumes to
//! instances, the same way on the embedded local cloud and on each cloud provider.
//!
//! The object model follows the Python library CloudBridge: a [`Provider`] has
//! `storage().volumes()`, `storage().snapshots()`, `compute().instances()` and
//! `compute().zones()`; services create, get, find, list and delete; resources carry their last
//! known data and act on themselves. States are enums ([`VolumeState`], [`SnapshotState`],
//! [`InstanceState`]), every failure is an [`Error`] with a matchable [`ErrorKind`], and
//! nothing waits unless asked to.
//!
//! # The walkthrough
//!
//! CloudBridge's block-storage walkthrough, in Rust. It runs unchanged on any provider;
//! [`Provider::from_env`] picks one from the configuration (see [`Config`]) and falls back to
//! the local provider.
//!
//! ```
//! use cloudbridge::{Provider, SnapshotState, VolumeState};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> cloudbridge::Result<()> {
//! # let dir = tempfile::tempdir().unwrap();
//! # // SAFETY: the doctest is a single-threaded process of its own.
//! # unsafe { std::env::set_var("CB_DATA_DIR", dir.path()) };
//! let provider = Provider::from_env().await?;
//! let volumes = provider.storage().volumes();
//!
//! let mut vol = volumes.create("cloudbridge-vol", 1).await?;
//! vol.wait_till_ready().await?;
//! let page = volumes.list().await?;
//! assert!(page.items.iter().any(|v| v.id() == vol.id()));
//!
//! let mut instance = provider.compute().instances().create("cloudbridge-inst").await?;
//! instance.wait_till_ready().await?;
//!
//! vol.attach(&instance, "/dev/sdh").await?;
//! vol.wait_for(&[VolumeState::InUse], &[VolumeState::Error], None).await?;
//! assert_eq!(vol.state(), VolumeState::InUse);
//! // ... make a file system on the device inside the instance, use it ...
//! vol.detach(false).await?;
//! vol.wait_for(&[VolumeState::Available], &[VolumeState::Error], None).await?;
//! assert_eq!(vol.state(), VolumeState::Available);
//!
//! let mut snap = vol
//!     .create_snapshot("cloudbridge-snap", "A demo snapshot created via CloudBridge.")
//!     .await?;
//! snap.wait_till_ready().await?;
//! assert_eq!(snap.state(), SnapshotState::Available);
//!
//! let mut restored = volumes
//!     .create("cloudbridge-snap-vol", 1)
//!     .zone(provider.zone())
//!     .snapshot(&snap)
//!     .await?;
//! restored.wait_till_ready().await?;
//! # restored.delete().await?;
//! # snap.delete().await?;
//! # vol.delete().await?;
//! # instance.delete().await?;
//! # Ok(())
//! # }
//! ```
//!
//! # Cargo features
//!
//! - `local` (default): the embedded local provider, see [`local`].
//! - `aws`: Amazon EBS through the official AWS SDK for Rust.
//! - `conformance`: the provider-neutral behaviour suite, for provider tests.

#![warn(missing_docs)]

mod backend;
mod config;
mod device;
mod error;
mod label;
mod model;
mod provider;
mod resources;
pub mod rules;
mod services;
mod state;
mod wait;

#[cfg(feature = "aws")]
pub mod aws;
#[cfg(feature = "conformance")]
pub mod conformance;
#[cfg(feature = "local")]
pub mod local;

pub use backend::{Backend, Timing};
pub use config::{AwsSettings, Config, DEFAULT_PROFILE, LocalSettings, ProviderKind, config_path};
pub use device::{Device, DeviceSlot};
pub use error::{Error, ErrorKind, Result};
pub use label::{MAX_LABEL_LEN, MIN_LABEL_LEN, validate_label};
pub use model::{
    AttachRequest, Attachment, DEFAULT_PAGE_LIMIT, InstanceCreate, InstanceInfo, ListQuery,
    MAX_PAGE_LIMIT, MAX_VOLUME_SIZE_GIB, MIN_VOLUME_SIZE_GIB, MetadataUpdate, Page, SnapshotCreate,
    SnapshotInfo, VolumeCreate, VolumeInfo, Zone,
};
pub use provider::Provider;
pub use resources::{Instance, ResourceId, Snapshot, Volume};
pub use services::{
    Compute, CreateInstance, CreateVolume, InstanceService, ListRequest, Listable, SnapshotService,
    Storage, VolumeService, ZoneService,
};
pub use state::{InstanceState, ResourceState, SnapshotState, VolumeState};
