//! Amazon EC2 / EBS provider, through the official AWS SDK for Rust.
//!
//! Credentials, profiles, SSO, instance roles, region, retries and endpoint overrides
//! (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_EC2`) come from the AWS SDK's standard configuration
//! chain, so they work as for the AWS CLI; the cloudbridge [`Config`] can override the
//! profile, region and endpoint. Volumes are EBS volumes in the provider's zone, the label is
//! the `Name` tag and the description the `Description` tag.
//!
//! The SDK retries throttled and transient failures itself (standard retry mode, set with
//! `AWS_MAX_ATTEMPTS` and `AWS_RETRY_MODE`), sending the same client token each time, so a
//! retried CreateVolume or RunInstances never makes a second resource. The core therefore does
//! not retry this provider's calls again.
//!
//! Files: `client.rs` builds the SDK client and converts its errors, `mapping.rs` contains the
//! state and error-code tables, `convert.rs` turns EC2 records into cloudbridge ones,
//! `validate.rs` checks what EC2 would reject and `paging.rs` assembles pages.

mod client;
mod convert;
mod mapping;
mod paging;
mod validate;

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{Filter, Placement, ResourceType, VolumeType as Ec2VolumeType};
use tokio::sync::OnceCell;

use crate::backend::{Backend, Timing};
use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{
    AttachRequest, InstanceCreate, InstanceInfo, ListQuery, MetadataUpdate, Page, SnapshotCreate,
    SnapshotInfo, VolumeCreate, VolumeInfo, Zone,
};
use crate::provider::Provider;

use client::{PROVIDER, sdk_error};
use convert::{DESCRIPTION_TAG, LABEL_TAG};
use paging::{ServerPage, list_page};
use validate::VolumeType;

/// The AWS SDK configuration crate, re-exported so callers build an [`aws_config::SdkConfig`]
/// or [`aws_config::ConfigLoader`] of the version this provider uses.
pub use aws_config;
/// The AWS SDK's EC2 crate, re-exported so callers can build an EC2 client configuration
/// (with interceptors, for example) of the version this provider uses.
pub use aws_sdk_ec2;

/// Default instance type of new instances.
pub const DEFAULT_INSTANCE_TYPE: &str = "t3.micro";
/// Default EBS volume type of new volumes.
pub const DEFAULT_VOLUME_TYPE: &str = "gp3";

/// Connects to EC2 with the AWS SDK's default configuration chain and the overrides of
/// `config`.
///
/// Fails with a configuration error when no region is configured anywhere, or when the volume
/// type is not an EBS type. Credentials are resolved on the first request.
pub async fn connect(config: &Config) -> Result<Provider> {
    let loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
    connect_with(config, loader).await
}

/// Connects like [`connect`], starting from `loader` instead of the default loader, for example
/// one with static credentials or a custom HTTP client.
pub async fn connect_with(config: &Config, loader: aws_config::ConfigLoader) -> Result<Provider> {
    let sdk_config = client::load_sdk_config(config, loader).await;
    if let Some(url) = sdk_config.endpoint_url() {
        check_endpoint_url(url)?;
    }
    if let Ok(url) = std::env::var("AWS_ENDPOINT_URL_EC2") {
        check_endpoint_url(&url)?;
    }
    let backend = AwsBackend::from_sdk_config(&sdk_config, config)?;
    Ok(Provider::from_backend(backend))
}

/// Checks that an endpoint override is an absolute http or https URL with a host, so a typo
/// is reported as a configuration error rather than as an unreachable endpoint.
fn check_endpoint_url(url: &str) -> Result<()> {
    let host = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .map(|rest| rest.split(['/', ':']).next().unwrap_or_default());
    match host {
        Some(host) if !host.is_empty() => Ok(()),
        _ => Err(Error::new(
            ErrorKind::Configuration,
            format!(
                "invalid endpoint URL {url:?}: expected http://HOST[:PORT] or https://HOST[:PORT] \
                 (set by AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_EC2 or the aws.endpoint_url setting)"
            ),
        )),
    }
}

/// The AWS backend: one EC2 client bound to one region and default zone.
pub struct AwsBackend {
    client: Client,
    region: String,
    zone: String,
    endpoint: Option<String>,
    image_id: Option<String>,
    instance_type: String,
    volume_type: VolumeType,
    /// The caller's account id, discovered once, for filtering snapshots by owner.
    account_id: OnceCell<Option<String>>,
}

impl fmt::Debug for AwsBackend {
    // Written by hand so the SDK client, which contains the credential provider, is never
    // printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwsBackend")
            .field("region", &self.region)
            .field("zone", &self.zone)
            .field("endpoint", &self.endpoint)
            .field("image_id", &self.image_id)
            .field("instance_type", &self.instance_type)
            .field("volume_type", &self.volume_type)
            .finish_non_exhaustive()
    }
}

impl AwsBackend {
    /// Creates a backend from a loaded SDK configuration and the cloudbridge settings.
    pub fn from_sdk_config(sdk_config: &aws_config::SdkConfig, config: &Config) -> Result<Self> {
        let client_config = aws_sdk_ec2::config::Builder::from(sdk_config).build();
        AwsBackend::from_client_config(client_config, config)
    }

    /// Creates a backend from an EC2 client configuration and the cloudbridge settings.
    ///
    /// `config.region` must match the client's region when both are set; the client's wins.
    pub fn from_client_config(client_config: aws_sdk_ec2::Config, config: &Config) -> Result<Self> {
        let region = client_config
            .region()
            .map(|region| region.to_string())
            .or_else(|| config.region.clone())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Configuration,
                    "no AWS region is configured: set CB_REGION or AWS_REGION, or `region` in \
                     the AWS profile or the cloudbridge config file",
                )
            })?;
        let zone = config.zone.clone().unwrap_or_else(|| format!("{region}a"));
        let volume_type = config
            .aws
            .volume_type
            .as_deref()
            .unwrap_or(DEFAULT_VOLUME_TYPE)
            .parse()?;
        let settings = &config.aws;
        Ok(AwsBackend {
            endpoint: settings.endpoint_url.clone(),
            image_id: settings.image_id.clone(),
            instance_type: settings
                .instance_type
                .clone()
                .unwrap_or_else(|| DEFAULT_INSTANCE_TYPE.to_string()),
            volume_type,
            client: Client::from_conf(client_config),
            region,
            zone,
            account_id: OnceCell::new(),
        })
    }

    fn label_filter(label: Option<&str>) -> Option<Filter> {
        label.map(|label| {
            Filter::builder()
                .name(format!("tag:{LABEL_TAG}"))
                .values(label)
                .build()
        })
    }

    fn zone_filter(&self) -> Filter {
        Filter::builder()
            .name("availability-zone")
            .values(&self.zone)
            .build()
    }

    /// Returns the caller's account id, read once from the owner of the region's default
    /// security groups. It is `None` when the account has none or may not describe them.
    ///
    /// EC2 has no call that returns only the account id. STS GetCallerIdentity does, but STS
    /// is another service with its own SDK crate.
    async fn account_id(&self) -> Option<&str> {
        let id = self
            .account_id
            .get_or_init(|| async {
                let response = self
                    .client
                    .describe_security_groups()
                    .filters(
                        Filter::builder()
                            .name("group-name")
                            .values("default")
                            .build(),
                    )
                    .send()
                    .await;
                match response {
                    Ok(output) => output
                        .security_groups()
                        .iter()
                        .find_map(|group| group.owner_id())
                        .map(str::to_string),
                    Err(error) => {
                        let error = sdk_error("DescribeSecurityGroups", error);
                        tracing::info!(provider = PROVIDER, %error, "account id unknown");
                        None
                    }
                }
            })
            .await;
        id.as_deref()
    }

    async fn volume_type_size(&self, request: &VolumeCreate) -> Result<u64> {
        if let Some(size) = request.size {
            return Ok(size);
        }
        let snapshot_id = request.snapshot_id.as_deref().unwrap_or_default();
        let snapshot = self
            .get_snapshot(snapshot_id)
            .await?
            .ok_or_else(|| Error::not_found("snapshot", snapshot_id))?;
        Ok(snapshot.size)
    }

    async fn require_volume(&self, id: &str) -> Result<VolumeInfo> {
        self.get_volume(id)
            .await?
            .ok_or_else(|| Error::not_found("volume", id).with_provider(PROVIDER))
    }

    async fn require_snapshot(&self, id: &str) -> Result<SnapshotInfo> {
        self.get_snapshot(id)
            .await?
            .ok_or_else(|| Error::not_found("snapshot", id).with_provider(PROVIDER))
    }

    /// Sets or clears the label and description tags of any EC2 resource.
    async fn update_tags(&self, id: &str, update: &MetadataUpdate) -> Result<()> {
        let mut set = Vec::new();
        if let Some(label) = &update.label {
            set.push(convert::tag(LABEL_TAG, label));
        }
        match update.description.as_deref() {
            Some("") => {
                self.client
                    .delete_tags()
                    .resources(id)
                    .tags(
                        aws_sdk_ec2::types::Tag::builder()
                            .key(DESCRIPTION_TAG)
                            .build(),
                    )
                    .send()
                    .await
                    .map_err(|error| sdk_error("DeleteTags", error))?;
            }
            Some(description) => set.push(convert::tag(DESCRIPTION_TAG, description)),
            None => {}
        }
        if !set.is_empty() {
            self.client
                .create_tags()
                .resources(id)
                .set_tags(Some(set))
                .send()
                .await
                .map_err(|error| sdk_error("CreateTags", error))?;
        }
        Ok(())
    }

    /// Returns the device names in use on an instance, from its block device mappings.
    async fn instance_devices(&self, instance_id: &str) -> Result<Vec<String>> {
        let output = self
            .client
            .describe_instances()
            .instance_ids(instance_id)
            .send()
            .await
            .map_err(|error| sdk_error("DescribeInstances", error))?;
        let devices = output
            .reservations()
            .iter()
            .flat_map(|reservation| reservation.instances())
            .flat_map(|instance| instance.block_device_mappings())
            .filter_map(|mapping| mapping.device_name())
            .map(str::to_string)
            .collect();
        Ok(devices)
    }
}

/// Tells whether an EC2 error means that an id does not name an existing resource.
fn is_not_found(error: &Error) -> bool {
    error.kind() == ErrorKind::NotFound
        || matches!(
            error.code(),
            Some("InvalidParameterValue" | "InvalidVolumeID.Malformed")
        )
}

#[async_trait]
impl Backend for AwsBackend {
    fn name(&self) -> &'static str {
        PROVIDER
    }

    fn region(&self) -> &str {
        &self.region
    }

    fn default_zone(&self) -> &str {
        &self.zone
    }

    /// EBS operations take seconds to minutes: polls start at 1 s and back off to 15 s, a wait
    /// gives up after 15 minutes, and a new resource may stay invisible to describe calls for
    /// up to a minute. Retries are left to the SDK, which reuses the client token.
    fn timing(&self) -> Timing {
        Timing {
            poll_initial: Duration::from_secs(1),
            poll_max: Duration::from_secs(15),
            wait_timeout: Duration::from_secs(15 * 60),
            visibility_grace: Duration::from_secs(60),
            max_retries: 0,
            retry_initial: Duration::from_secs(1),
        }
    }

    async fn list_zones(&self) -> Result<Vec<Zone>> {
        let output = self
            .client
            .describe_availability_zones()
            .send()
            .await
            .map_err(|error| sdk_error("DescribeAvailabilityZones", error))?;
        Ok(output
            .availability_zones()
            .iter()
            .filter_map(|zone| convert::zone(zone, &self.region))
            .collect())
    }

    async fn create_volume(&self, request: &VolumeCreate) -> Result<VolumeInfo> {
        let size = self.volume_type_size(request).await?;
        validate::check_size(self.volume_type, size)?;
        let zone = request.zone.as_deref().unwrap_or(&self.zone);
        let size = i32::try_from(size).map_err(|_| {
            Error::invalid_parameter("size", size, "an EBS volume has at most 65536 GiB")
        })?;
        let token = uuid::Uuid::new_v4().to_string();
        tracing::debug!(provider = PROVIDER, zone, size, client_token = %token, "CreateVolume");

        let output = self
            .client
            .create_volume()
            .availability_zone(zone)
            .size(size)
            .set_snapshot_id(request.snapshot_id.clone())
            .volume_type(Ec2VolumeType::from(self.volume_type.as_str()))
            .set_iops(self.volume_type.required_iops())
            .client_token(token)
            .tag_specifications(convert::tag_specification(
                ResourceType::Volume,
                &request.label,
                request.description.as_deref(),
            ))
            .send()
            .await
            .map_err(|error| sdk_error("CreateVolume", error))?;

        let volume = aws_sdk_ec2::types::Volume::builder()
            .set_volume_id(output.volume_id().map(str::to_string))
            .set_size(output.size())
            .set_availability_zone(output.availability_zone().map(str::to_string))
            .set_state(output.state().cloned())
            .set_create_time(output.create_time().cloned())
            .set_snapshot_id(output.snapshot_id().map(str::to_string))
            .build();
        let mut info = convert::volume(&volume);
        // The tags were set in the same call, whether or not the response echoes them.
        info.label = Some(request.label.clone());
        info.description = request.description.clone().filter(|d| !d.is_empty());
        Ok(info)
    }

    async fn get_volume(&self, id: &str) -> Result<Option<VolumeInfo>> {
        if !validate::is_ec2_id(id, "vol-") {
            return Ok(None);
        }
        let response = self.client.describe_volumes().volume_ids(id).send().await;
        match response {
            Ok(output) => Ok(output.volumes().first().map(convert::volume)),
            Err(error) => {
                let error = sdk_error("DescribeVolumes", error);
                if is_not_found(&error) {
                    Ok(None)
                } else {
                    Err(error)
                }
            }
        }
    }

    async fn list_volumes(&self, query: &ListQuery) -> Result<Page<VolumeInfo>> {
        let filters: Vec<Filter> = std::iter::once(self.zone_filter())
            .chain(Self::label_filter(query.label.as_deref()))
            .collect();
        list_page(
            "volume",
            query,
            |volume: &VolumeInfo| &volume.id,
            |token, max_results| {
                let request = self
                    .client
                    .describe_volumes()
                    .set_filters(Some(filters.clone()))
                    .max_results(max_results)
                    .set_next_token(token);
                async move {
                    let output = request
                        .send()
                        .await
                        .map_err(|error| sdk_error("DescribeVolumes", error))?;
                    Ok(ServerPage {
                        items: output.volumes().iter().map(convert::volume).collect(),
                        next_token: output.next_token().map(str::to_string),
                    })
                }
            },
        )
        .await
    }

    async fn update_volume(&self, id: &str, update: &MetadataUpdate) -> Result<VolumeInfo> {
        self.require_volume(id).await?;
        self.update_tags(id, update).await?;
        self.require_volume(id).await
    }

    async fn attach_volume(&self, request: &AttachRequest) -> Result<VolumeInfo> {
        validate::check_device(&request.device)?;
        let used = self.instance_devices(&request.instance_id).await?;
        validate::check_device_free(
            &request.device,
            &request.instance_id,
            used.iter().map(String::as_str),
        )?;
        self.client
            .attach_volume()
            .volume_id(&request.volume_id)
            .instance_id(&request.instance_id)
            .device(request.device.as_str())
            .send()
            .await
            .map_err(|error| sdk_error("AttachVolume", error))?;
        self.require_volume(&request.volume_id).await
    }

    async fn detach_volume(&self, id: &str, force: bool) -> Result<VolumeInfo> {
        let volume = self.require_volume(id).await?;
        let Some(attachment) = volume.attachment else {
            return Err(Error::invalid_state(
                "volume",
                id,
                volume.state,
                "only an attached volume can be detached",
            )
            .with_provider(PROVIDER));
        };
        self.client
            .detach_volume()
            .volume_id(id)
            .instance_id(&attachment.instance_id)
            .device(&attachment.device)
            .force(force)
            .send()
            .await
            .map_err(|error| sdk_error("DetachVolume", error))?;
        self.require_volume(id).await
    }

    async fn delete_volume(&self, id: &str) -> Result<()> {
        self.client
            .delete_volume()
            .volume_id(id)
            .send()
            .await
            .map_err(|error| sdk_error("DeleteVolume", error))?;
        Ok(())
    }

    async fn create_snapshot(&self, request: &SnapshotCreate) -> Result<SnapshotInfo> {
        // NOTE: CreateSnapshot takes no client token, so a create retried by the SDK after a
        // lost response can make a second snapshot.
        let output = self
            .client
            .create_snapshot()
            .volume_id(&request.volume_id)
            .set_description(request.description.clone().filter(|d| !d.is_empty()))
            .tag_specifications(convert::tag_specification(
                ResourceType::Snapshot,
                &request.label,
                request.description.as_deref(),
            ))
            .send()
            .await
            .map_err(|error| sdk_error("CreateSnapshot", error))?;
        if let Some(owner) = output.owner_id() {
            let _ = self.account_id.set(Some(owner.to_string()));
        }

        let snapshot = aws_sdk_ec2::types::Snapshot::builder()
            .set_snapshot_id(output.snapshot_id().map(str::to_string))
            .set_volume_id(output.volume_id().map(str::to_string))
            .set_volume_size(output.volume_size())
            .set_state(output.state().cloned())
            .set_start_time(output.start_time().cloned())
            .set_progress(output.progress().map(str::to_string))
            .build();
        let mut info = convert::snapshot(&snapshot);
        info.label = Some(request.label.clone());
        info.description = request.description.clone().filter(|d| !d.is_empty());
        Ok(info)
    }

    async fn get_snapshot(&self, id: &str) -> Result<Option<SnapshotInfo>> {
        if !validate::is_ec2_id(id, "snap-") {
            return Ok(None);
        }
        let response = self
            .client
            .describe_snapshots()
            .snapshot_ids(id)
            .send()
            .await;
        match response {
            Ok(output) => Ok(output.snapshots().first().map(convert::snapshot)),
            Err(error) => {
                let error = sdk_error("DescribeSnapshots", error);
                if is_not_found(&error) {
                    Ok(None)
                } else {
                    Err(error)
                }
            }
        }
    }

    /// Lists the caller's own snapshots. `OwnerIds=self` restricts the listing on EC2, but
    /// moto 5.2.1 ignores it. So the `owner-id` filter, which moto applies, is added when the
    /// account id is known, and snapshots of other owners are also dropped on the client.
    async fn list_snapshots(&self, query: &ListQuery) -> Result<Page<SnapshotInfo>> {
        let account = self.account_id().await.map(str::to_string);
        let mut filters: Vec<Filter> = Self::label_filter(query.label.as_deref())
            .into_iter()
            .collect();
        if let Some(account) = &account {
            filters.push(Filter::builder().name("owner-id").values(account).build());
        }
        list_page(
            "snapshot",
            query,
            |snapshot: &SnapshotInfo| &snapshot.id,
            |token, max_results| {
                let request = self
                    .client
                    .describe_snapshots()
                    .owner_ids("self")
                    .set_filters((!filters.is_empty()).then(|| filters.clone()))
                    .max_results(max_results)
                    .set_next_token(token);
                let account = account.clone();
                async move {
                    let output = request
                        .send()
                        .await
                        .map_err(|error| sdk_error("DescribeSnapshots", error))?;
                    let items = output
                        .snapshots()
                        .iter()
                        .filter(|snapshot| {
                            account.is_none() || snapshot.owner_id() == account.as_deref()
                        })
                        .map(convert::snapshot)
                        .collect();
                    Ok(ServerPage {
                        items,
                        next_token: output.next_token().map(str::to_string),
                    })
                }
            },
        )
        .await
    }

    async fn update_snapshot(&self, id: &str, update: &MetadataUpdate) -> Result<SnapshotInfo> {
        self.require_snapshot(id).await?;
        self.update_tags(id, update).await?;
        self.require_snapshot(id).await
    }

    async fn delete_snapshot(&self, id: &str) -> Result<()> {
        self.client
            .delete_snapshot()
            .snapshot_id(id)
            .send()
            .await
            .map_err(|error| sdk_error("DeleteSnapshot", error))?;
        Ok(())
    }

    async fn create_instance(&self, request: &InstanceCreate) -> Result<InstanceInfo> {
        let image_id = request
            .image_id
            .clone()
            .or_else(|| self.image_id.clone())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Configuration,
                    "no image id for new AWS instances: set CB_AWS_IMAGE_ID or `image_id` in \
                     the [<profile>.aws] table of the cloudbridge config file",
                )
                .with_provider(PROVIDER)
            })?;
        let instance_type = request
            .instance_type
            .clone()
            .unwrap_or_else(|| self.instance_type.clone());
        let zone = request.zone.as_deref().unwrap_or(&self.zone);

        let output = self
            .client
            .run_instances()
            .image_id(image_id)
            .instance_type(aws_sdk_ec2::types::InstanceType::from(
                instance_type.as_str(),
            ))
            .min_count(1)
            .max_count(1)
            .placement(Placement::builder().availability_zone(zone).build())
            .client_token(uuid::Uuid::new_v4().to_string())
            .tag_specifications(convert::tag_specification(
                ResourceType::Instance,
                &request.label,
                None,
            ))
            .send()
            .await
            .map_err(|error| sdk_error("RunInstances", error))?;
        if let Some(owner) = output.owner_id() {
            let _ = self.account_id.set(Some(owner.to_string()));
        }
        let instance = output.instances().first().ok_or_else(|| {
            Error::new(ErrorKind::Provider, "EC2 RunInstances returned no instance")
                .with_provider(PROVIDER)
        })?;
        let mut info = convert::instance(instance);
        info.label = Some(request.label.clone());
        Ok(info)
    }

    async fn get_instance(&self, id: &str) -> Result<Option<InstanceInfo>> {
        if !validate::is_ec2_id(id, "i-") {
            return Ok(None);
        }
        let response = self
            .client
            .describe_instances()
            .instance_ids(id)
            .send()
            .await;
        match response {
            Ok(output) => Ok(output
                .reservations()
                .iter()
                .flat_map(|reservation| reservation.instances())
                .next()
                .map(convert::instance)),
            Err(error) => {
                let error = sdk_error("DescribeInstances", error);
                if is_not_found(&error) {
                    Ok(None)
                } else {
                    Err(error)
                }
            }
        }
    }

    /// Lists instances in the default zone, leaving out terminated ones, which EC2 keeps
    /// showing for about an hour.
    async fn list_instances(&self, query: &ListQuery) -> Result<Page<InstanceInfo>> {
        let live_states = Filter::builder()
            .name("instance-state-name")
            .set_values(Some(
                ["pending", "running", "stopping", "stopped", "shutting-down"]
                    .map(str::to_string)
                    .to_vec(),
            ))
            .build();
        // NOTE: the zone is filtered here rather than with the `availability-zone` filter,
        // because moto 5.2.1 matches no instance with that filter.
        let filters: Vec<Filter> = [live_states]
            .into_iter()
            .chain(Self::label_filter(query.label.as_deref()))
            .collect();
        list_page(
            "instance",
            query,
            |instance: &InstanceInfo| &instance.id,
            |token, max_results| {
                let request = self
                    .client
                    .describe_instances()
                    .set_filters(Some(filters.clone()))
                    .max_results(max_results)
                    .set_next_token(token);
                async move {
                    let output = request
                        .send()
                        .await
                        .map_err(|error| sdk_error("DescribeInstances", error))?;
                    let items = output
                        .reservations()
                        .iter()
                        .flat_map(|reservation| reservation.instances())
                        .map(convert::instance)
                        .filter(|instance| instance.zone == self.zone)
                        .collect();
                    Ok(ServerPage {
                        items,
                        next_token: output.next_token().map(str::to_string),
                    })
                }
            },
        )
        .await
    }

    async fn delete_instance(&self, id: &str) -> Result<()> {
        self.client
            .terminate_instances()
            .instance_ids(id)
            .send()
            .await
            .map_err(|error| sdk_error("TerminateInstances", error))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_url_needs_scheme_and_host() {
        for url in [
            "http://127.0.0.1:5000",
            "https://ec2.example.com",
            "http://host/path",
        ] {
            assert!(check_endpoint_url(url).is_ok(), "{url}");
        }
        for url in [
            "notaurl",
            "127.0.0.1:5000",
            "http://",
            "ftp://host",
            "https://:443",
        ] {
            let error = check_endpoint_url(url).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Configuration, "{url}");
            assert!(error.message().contains(url), "{error}");
        }
    }
}
