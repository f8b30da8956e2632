//! Conversions from EC2 records to cloudbridge records, and the tags that carry labels and
//! descriptions.
//!
//! The label is the `Name` tag and the description the `Description` tag, as in the Python
//! CloudBridge library, so the EC2 console shows the label as the resource's name.

use aws_sdk_ec2::primitives::DateTime as AwsDateTime;
use aws_sdk_ec2::types::{
    Instance as Ec2Instance, ResourceType, Snapshot as Ec2Snapshot, Tag, TagSpecification,
    Volume as Ec2Volume,
};
use chrono::{DateTime, Utc};

use crate::model::{Attachment, InstanceInfo, SnapshotInfo, VolumeInfo, Zone};

use super::mapping;

/// Tag key of the label.
pub(crate) const LABEL_TAG: &str = "Name";
/// Tag key of the description.
pub(crate) const DESCRIPTION_TAG: &str = "Description";

/// Builds a tag.
pub(crate) fn tag(key: &str, value: &str) -> Tag {
    Tag::builder().key(key).value(value).build()
}

/// Builds the tag specification that sets a new resource's label and description.
pub(crate) fn tag_specification(
    resource_type: ResourceType,
    label: &str,
    description: Option<&str>,
) -> TagSpecification {
    let mut spec = TagSpecification::builder()
        .resource_type(resource_type)
        .tags(tag(LABEL_TAG, label));
    if let Some(description) = description.filter(|d| !d.is_empty()) {
        spec = spec.tags(tag(DESCRIPTION_TAG, description));
    }
    spec.build()
}

fn tag_value(tags: &[Tag], key: &str) -> Option<String> {
    tags.iter()
        .find(|tag| tag.key() == Some(key))
        .and_then(|tag| tag.value())
        .map(str::to_string)
}

fn timestamp(time: Option<&AwsDateTime>) -> DateTime<Utc> {
    time.and_then(|t| DateTime::from_timestamp(t.secs(), t.subsec_nanos()))
        .unwrap_or(DateTime::UNIX_EPOCH)
}

fn size(gib: Option<i32>) -> u64 {
    gib.and_then(|gib| u64::try_from(gib).ok()).unwrap_or(0)
}

/// Converts an EC2 volume.
pub(crate) fn volume(volume: &Ec2Volume) -> VolumeInfo {
    let id = volume.volume_id().unwrap_or_default().to_string();
    let native_state = volume
        .state()
        .map(|state| state.as_str().to_string())
        .unwrap_or_default();
    // A volume has at most one attachment unless it is a Multi-Attach io1/io2 volume, which
    // this provider does not create; the first one is reported.
    let ec2_attachment = volume.attachments().first();
    let attachment_state = ec2_attachment.and_then(|a| a.state()).map(|s| s.as_str());
    let attachment = ec2_attachment
        .filter(|_| native_state == "in-use")
        .map(|a| Attachment {
            instance_id: a.instance_id().unwrap_or_default().to_string(),
            device: a.device().unwrap_or_default().to_string(),
            attached_at: a.attach_time().map(|time| timestamp(Some(time))),
            path: None,
        });
    VolumeInfo {
        name: id.clone(),
        id,
        label: tag_value(volume.tags(), LABEL_TAG),
        description: tag_value(volume.tags(), DESCRIPTION_TAG),
        size: size(volume.size()),
        state: mapping::volume_state(&native_state, attachment_state),
        native_state,
        zone: volume.availability_zone().unwrap_or_default().to_string(),
        created_at: timestamp(volume.create_time()),
        source_snapshot_id: volume
            .snapshot_id()
            .filter(|id| !id.is_empty())
            .map(str::to_string),
        attachment,
    }
}

/// Converts an EC2 snapshot.
pub(crate) fn snapshot(snapshot: &Ec2Snapshot) -> SnapshotInfo {
    let id = snapshot.snapshot_id().unwrap_or_default().to_string();
    let native_state = snapshot
        .state()
        .map(|state| state.as_str().to_string())
        .unwrap_or_default();
    SnapshotInfo {
        name: id.clone(),
        id,
        label: tag_value(snapshot.tags(), LABEL_TAG),
        description: tag_value(snapshot.tags(), DESCRIPTION_TAG),
        size: size(snapshot.volume_size()),
        state: mapping::snapshot_state(&native_state),
        native_state,
        volume_id: snapshot
            .volume_id()
            .filter(|id| !id.is_empty())
            .map(str::to_string),
        created_at: timestamp(snapshot.start_time()),
        progress: snapshot.progress().and_then(parse_progress),
    }
}

/// Parses EC2's progress text, such as `"42%"`.
fn parse_progress(text: &str) -> Option<u8> {
    text.trim()
        .trim_end_matches('%')
        .parse::<u8>()
        .ok()
        .filter(|percent| *percent <= 100)
}

/// Converts an EC2 instance.
pub(crate) fn instance(instance: &Ec2Instance) -> InstanceInfo {
    let id = instance.instance_id().unwrap_or_default().to_string();
    let native_state = instance
        .state()
        .and_then(|state| state.name())
        .map(|name| name.as_str().to_string())
        .unwrap_or_default();
    InstanceInfo {
        name: id.clone(),
        id,
        label: tag_value(instance.tags(), LABEL_TAG),
        zone: instance
            .placement()
            .and_then(|placement| placement.availability_zone())
            .unwrap_or_default()
            .to_string(),
        state: mapping::instance_state(&native_state),
        native_state,
        image_id: instance.image_id().map(str::to_string),
        instance_type: instance.instance_type().map(|t| t.as_str().to_string()),
        created_at: timestamp(instance.launch_time()),
    }
}

/// Converts an EC2 availability zone; Local Zones and Wavelength Zones are left out because
/// they take only some volume types and need an opt-in.
pub(crate) fn zone(zone: &aws_sdk_ec2::types::AvailabilityZone, region: &str) -> Option<Zone> {
    let zone_type = zone.zone_type().unwrap_or("availability-zone");
    if zone_type != "availability-zone" {
        return None;
    }
    Some(Zone {
        name: zone.zone_name()?.to_string(),
        region: zone.region_name().unwrap_or(region).to_string(),
        available: zone
            .state()
            .is_none_or(|state| state.as_str() == "available"),
    })
}

#[cfg(test)]
mod tests {
    use aws_sdk_ec2::types::{VolumeAttachment, VolumeAttachmentState, VolumeState as Ec2State};

    use super::*;
    use crate::state::VolumeState;

    #[test]
    fn progress_text_is_parsed() {
        assert_eq!(parse_progress("42%"), Some(42));
        assert_eq!(parse_progress("100%"), Some(100));
        assert_eq!(parse_progress(""), None);
        assert_eq!(parse_progress("101%"), None);
    }

    #[test]
    fn attached_volume_reports_attachment_phase() {
        let ec2 = Ec2Volume::builder()
            .volume_id("vol-0123456789abcdef0")
            .state(Ec2State::InUse)
            .size(4)
            .availability_zone("us-east-1a")
            .tags(tag(LABEL_TAG, "data"))
            .tags(tag(DESCRIPTION_TAG, "logs"))
            .attachments(
                VolumeAttachment::builder()
                    .instance_id("i-0123456789abcdef0")
                    .device("/dev/sdh")
                    .state(VolumeAttachmentState::Attaching)
                    .build(),
            )
            .build();
        let info = volume(&ec2);
        assert_eq!(info.state, VolumeState::Attaching);
        assert_eq!(info.native_state, "in-use");
        assert_eq!(info.label.as_deref(), Some("data"));
        assert_eq!(info.description.as_deref(), Some("logs"));
        assert_eq!(info.size, 4);
        let attachment = info.attachment.unwrap();
        assert_eq!(attachment.instance_id, "i-0123456789abcdef0");
        assert_eq!(attachment.device, "/dev/sdh");
    }

    #[test]
    fn unknown_native_state_is_unknown() {
        let ec2 = Ec2Volume::builder()
            .volume_id("vol-0123456789abcdef0")
            .state(Ec2State::from("optimizing"))
            .build();
        assert_eq!(volume(&ec2).state, VolumeState::Unknown);
        assert_eq!(volume(&ec2).native_state, "optimizing");
    }
}
