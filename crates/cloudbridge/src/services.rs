//! Services: the entry points for creating, finding and listing resources.

use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};

use crate::error::{Error, Result};
use crate::label::validate_label;
use crate::model::{DEFAULT_PAGE_LIMIT, InstanceCreate, ListQuery, MAX_PAGE_LIMIT, Page, Zone};
use crate::provider::Provider;
use crate::resources::{Instance, Snapshot, Volume};

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// Block storage of a provider: `provider.storage().volumes()` and `.snapshots()`.
#[derive(Debug, Clone)]
pub struct Storage {
    provider: Provider,
}

impl Storage {
    pub(crate) fn new(provider: Provider) -> Self {
        Storage { provider }
    }

    /// The volume service.
    pub fn volumes(&self) -> VolumeService {
        VolumeService {
            provider: self.provider.clone(),
        }
    }

    /// The snapshot service.
    pub fn snapshots(&self) -> SnapshotService {
        SnapshotService {
            provider: self.provider.clone(),
        }
    }
}

/// Compute of a provider, as far as attaching volumes needs it.
#[derive(Debug, Clone)]
pub struct Compute {
    provider: Provider,
}

impl Compute {
    pub(crate) fn new(provider: Provider) -> Self {
        Compute { provider }
    }

    /// The instance service.
    pub fn instances(&self) -> InstanceService {
        InstanceService {
            provider: self.provider.clone(),
        }
    }

    /// The zone service.
    pub fn zones(&self) -> ZoneService {
        ZoneService {
            provider: self.provider.clone(),
        }
    }
}

/// A resource type that can be listed page by page.
pub trait Listable: Sized + Send + 'static {
    #[doc(hidden)]
    fn fetch_page(provider: Provider, query: ListQuery) -> BoxFuture<Result<Page<Self>>>;
}

/// A listing request: one page when awaited, every page with [`ListRequest::stream`].
///
/// Without [`ListRequest::limit`], a page holds up to 50 items.
#[must_use = "a list request does nothing until it is awaited or streamed"]
pub struct ListRequest<R> {
    provider: Provider,
    label: Option<String>,
    limit: Option<u32>,
    marker: Option<String>,
    resource: PhantomData<fn() -> R>,
}

impl<R: Listable> ListRequest<R> {
    fn new(provider: Provider) -> Self {
        ListRequest {
            provider,
            label: None,
            limit: None,
            marker: None,
            resource: PhantomData,
        }
    }

    /// Sets the page size, 1 to 1000.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Starts after the page that returned this marker.
    pub fn marker(mut self, marker: impl Into<String>) -> Self {
        self.marker = Some(marker.into());
        self
    }

    /// Lists only resources with this label.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    fn query(&self) -> Result<ListQuery> {
        if let Some(label) = &self.label {
            validate_label(label)?;
        }
        let limit = self.limit.unwrap_or(DEFAULT_PAGE_LIMIT);
        if !(1..=MAX_PAGE_LIMIT).contains(&limit) {
            return Err(Error::invalid_parameter(
                "limit",
                limit,
                &format!("a page holds 1 to {MAX_PAGE_LIMIT} items"),
            ));
        }
        Ok(ListQuery {
            label: self.label.clone(),
            limit,
            marker: self.marker.clone(),
        })
    }

    /// Streams every item of every page from the marker on, fetching pages as needed.
    pub fn stream(self) -> BoxStream<'static, Result<R>> {
        let first = match self.query() {
            Ok(query) => query,
            Err(error) => return stream::once(async { Err(error) }).boxed(),
        };
        let provider = self.provider;
        stream::try_unfold(Some(first), move |query| {
            let provider = provider.clone();
            async move {
                let Some(query) = query else {
                    return Ok(None);
                };
                let page = R::fetch_page(provider, query.clone()).await?;
                let next = page.marker.map(|marker| ListQuery {
                    marker: Some(marker),
                    ..query
                });
                Ok(Some((stream::iter(page.items.into_iter().map(Ok)), next)))
            }
        })
        .try_flatten()
        .boxed()
    }

    /// Collects every item of every page.
    pub async fn all(self) -> Result<Vec<R>> {
        self.stream().try_collect().await
    }
}

impl<R: Listable> IntoFuture for ListRequest<R> {
    type Output = Result<Page<R>>;
    type IntoFuture = BoxFuture<Result<Page<R>>>;

    fn into_future(self) -> Self::IntoFuture {
        match self.query() {
            Ok(query) => R::fetch_page(self.provider, query),
            Err(error) => Box::pin(async { Err(error) }),
        }
    }
}

/// Creates, finds, lists and deletes volumes.
#[derive(Debug, Clone)]
pub struct VolumeService {
    provider: Provider,
}

impl VolumeService {
    /// Starts a create request for a volume of `size` GiB; add `.zone(..)`, `.snapshot(..)` or
    /// `.description(..)` before awaiting it.
    pub fn create(&self, label: &str, size: u64) -> CreateVolume {
        CreateVolume {
            provider: self.provider.clone(),
            label: label.to_string(),
            size: Some(size),
            description: None,
            zone: None,
            snapshot_id: None,
        }
    }

    /// Fetches a volume by id; `None` when no such volume exists.
    pub async fn get(&self, id: &str) -> Result<Option<Volume>> {
        let info = self.provider.get_volume(id).await?;
        Ok(info.map(|info| Volume::new(self.provider.clone(), info)))
    }

    /// Finds every volume in the default zone with this label.
    pub async fn find(&self, label: &str) -> Result<Vec<Volume>> {
        self.list().label(label).all().await
    }

    /// Lists volumes in the default zone: await it for one page, or stream every page.
    pub fn list(&self) -> ListRequest<Volume> {
        ListRequest::new(self.provider.clone())
    }

    /// Deletes a volume by id; it must be available or in error.
    pub async fn delete(&self, id: &str) -> Result<()> {
        self.provider.delete_volume(id).await
    }
}

/// A volume create request; await it to send.
#[must_use = "a create request does nothing until it is awaited"]
pub struct CreateVolume {
    provider: Provider,
    label: String,
    size: Option<u64>,
    description: Option<String>,
    zone: Option<String>,
    snapshot_id: Option<String>,
}

impl CreateVolume {
    /// Places the volume in this zone instead of the provider's default zone.
    pub fn zone(mut self, zone: impl Into<String>) -> Self {
        self.zone = Some(zone.into());
        self
    }

    /// Fills the volume with a snapshot's data; it must be at least the snapshot's size.
    pub fn snapshot(mut self, snapshot: &(impl crate::ResourceId + ?Sized)) -> Self {
        self.snapshot_id = Some(snapshot.resource_id().to_string());
        self
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

impl IntoFuture for CreateVolume {
    type Output = Result<Volume>;
    type IntoFuture = BoxFuture<Result<Volume>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let info = self
                .provider
                .create_volume(
                    &self.label,
                    self.size,
                    self.description.as_deref(),
                    self.zone.as_deref(),
                    self.snapshot_id.as_deref(),
                )
                .await?;
            Ok(Volume::created(self.provider, info))
        })
    }
}

/// Creates, finds, lists and deletes snapshots.
#[derive(Debug, Clone)]
pub struct SnapshotService {
    provider: Provider,
}

impl SnapshotService {
    /// Starts a snapshot of a volume.
    pub async fn create<'a>(
        &self,
        label: &str,
        volume: &(impl crate::ResourceId + ?Sized),
        description: impl Into<Option<&'a str>>,
    ) -> Result<Snapshot> {
        let info = self
            .provider
            .create_snapshot(volume.resource_id(), label, description.into())
            .await?;
        Ok(Snapshot::created(self.provider.clone(), info))
    }

    /// Fetches a snapshot by id; `None` when no such snapshot exists.
    pub async fn get(&self, id: &str) -> Result<Option<Snapshot>> {
        let info = self.provider.get_snapshot(id).await?;
        Ok(info.map(|info| Snapshot::new(self.provider.clone(), info)))
    }

    /// Finds every snapshot of the caller with this label.
    pub async fn find(&self, label: &str) -> Result<Vec<Snapshot>> {
        self.list().label(label).all().await
    }

    /// Lists the caller's own snapshots: await it for one page, or stream every page.
    pub fn list(&self) -> ListRequest<Snapshot> {
        ListRequest::new(self.provider.clone())
    }

    /// Deletes a snapshot by id; volumes made from it are not affected.
    pub async fn delete(&self, id: &str) -> Result<()> {
        self.provider.delete_snapshot(id).await
    }
}

/// Creates, finds, lists and deletes instances.
#[derive(Debug, Clone)]
pub struct InstanceService {
    provider: Provider,
}

impl InstanceService {
    /// Starts a launch request; add `.zone(..)`, `.image(..)` or `.instance_type(..)` before
    /// awaiting it.
    pub fn create(&self, label: &str) -> CreateInstance {
        CreateInstance {
            provider: self.provider.clone(),
            request: InstanceCreate {
                label: label.to_string(),
                zone: None,
                image_id: None,
                instance_type: None,
            },
        }
    }

    /// Fetches an instance by id; `None` when no such instance exists.
    pub async fn get(&self, id: &str) -> Result<Option<Instance>> {
        let info = self.provider.get_instance(id).await?;
        Ok(info.map(|info| Instance::new(self.provider.clone(), info)))
    }

    /// Finds every instance in the default zone with this label.
    pub async fn find(&self, label: &str) -> Result<Vec<Instance>> {
        self.list().label(label).all().await
    }

    /// Lists instances in the default zone: await it for one page, or stream every page.
    pub fn list(&self) -> ListRequest<Instance> {
        ListRequest::new(self.provider.clone())
    }

    /// Deletes (terminates) an instance by id, detaching its volumes.
    pub async fn delete(&self, id: &str) -> Result<()> {
        self.provider.delete_instance(id).await
    }
}

/// An instance launch request; await it to send.
#[must_use = "a create request does nothing until it is awaited"]
pub struct CreateInstance {
    provider: Provider,
    request: InstanceCreate,
}

impl CreateInstance {
    /// Places the instance in this zone instead of the provider's default zone.
    pub fn zone(mut self, zone: impl Into<String>) -> Self {
        self.request.zone = Some(zone.into());
        self
    }

    /// Launches from this image instead of the provider's configured one.
    pub fn image(mut self, image_id: impl Into<String>) -> Self {
        self.request.image_id = Some(image_id.into());
        self
    }

    /// Uses this instance type instead of the provider's configured one.
    pub fn instance_type(mut self, instance_type: impl Into<String>) -> Self {
        self.request.instance_type = Some(instance_type.into());
        self
    }
}

impl IntoFuture for CreateInstance {
    type Output = Result<Instance>;
    type IntoFuture = BoxFuture<Result<Instance>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let info = self.provider.create_instance(self.request).await?;
            Ok(Instance::created(self.provider, info))
        })
    }
}

/// Lists the placement zones of the provider's region.
#[derive(Debug, Clone)]
pub struct ZoneService {
    provider: Provider,
}

impl ZoneService {
    /// Lists the zones of the region.
    pub async fn list(&self) -> Result<Vec<Zone>> {
        Ok(self.provider.zones().await?.to_vec())
    }
}
