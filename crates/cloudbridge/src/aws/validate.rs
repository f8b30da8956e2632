//! Checks of what EC2 rejects beyond the core's provider-neutral rules, made before a request
//! is sent, because some EC2 servers (moto 5.2.1) accept nearly everything.
//!
//! Limits follow the Amazon EBS User Guide's volume type tables and the EC2 User Guide's
//! device naming page.

use std::fmt;
use std::str::FromStr;

use crate::device::Device;
use crate::error::{Error, ErrorKind, Result};

/// An EBS volume type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VolumeType {
    Standard,
    Gp2,
    Gp3,
    Io1,
    Io2,
    St1,
    Sc1,
}

impl VolumeType {
    const ALL: &'static [VolumeType] = &[
        VolumeType::Standard,
        VolumeType::Gp2,
        VolumeType::Gp3,
        VolumeType::Io1,
        VolumeType::Io2,
        VolumeType::St1,
        VolumeType::Sc1,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            VolumeType::Standard => "standard",
            VolumeType::Gp2 => "gp2",
            VolumeType::Gp3 => "gp3",
            VolumeType::Io1 => "io1",
            VolumeType::Io2 => "io2",
            VolumeType::St1 => "st1",
            VolumeType::Sc1 => "sc1",
        }
    }

    /// Smallest and largest size in GiB.
    ///
    /// io2 Block Express volumes reach 65536 GiB, but the core caps every volume at 16384 GiB.
    pub(crate) fn size_range(self) -> (u64, u64) {
        match self {
            VolumeType::Standard => (1, 1024),
            VolumeType::Gp2 | VolumeType::Gp3 => (1, 16_384),
            VolumeType::Io1 => (4, 16_384),
            VolumeType::Io2 => (4, 65_536),
            VolumeType::St1 | VolumeType::Sc1 => (125, 16_384),
        }
    }

    /// Provisioned IOPS sent with a create, for the types that require them.
    ///
    /// NOTE: 100 is EC2's minimum for io1 and io2 and is valid for every allowed size of
    /// both. There is no setting for a higher value yet.
    pub(crate) fn required_iops(self) -> Option<i32> {
        match self {
            VolumeType::Io1 | VolumeType::Io2 => Some(100),
            _ => None,
        }
    }
}

impl fmt::Display for VolumeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for VolumeType {
    type Err = Error;

    fn from_str(text: &str) -> Result<VolumeType> {
        VolumeType::ALL
            .iter()
            .copied()
            .find(|kind| kind.as_str() == text)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Configuration,
                    format!(
                        "invalid EBS volume type {text:?} (CB_AWS_VOLUME_TYPE or aws.volume_type): \
                         expected standard, gp2, gp3, io1, io2, st1 or sc1"
                    ),
                )
            })
    }
}

/// Checks a volume size against the limits of its volume type.
pub(crate) fn check_size(volume_type: VolumeType, size: u64) -> Result<()> {
    let (min, max) = volume_type.size_range();
    if (min..=max).contains(&size) {
        Ok(())
    } else {
        Err(Error::invalid_parameter(
            "size",
            size,
            &format!("an EBS {volume_type} volume has {min} to {max} GiB"),
        ))
    }
}

/// Checks that EC2 accepts a device name that the core already parsed.
///
/// The core also accepts `/dev/vd[b-z]`, the virtio names of KVM clouds, which EC2 rejects.
pub(crate) fn check_device(device: &Device) -> Result<()> {
    if device.as_str().starts_with("/dev/vd") {
        return Err(Error::invalid_parameter(
            "device name",
            device,
            "EC2 takes /dev/sd[b-z], /dev/sd[b-z][1-15] or /dev/xvd[b-z]",
        ));
    }
    Ok(())
}

/// Checks that no device in `used` (an instance's block device mappings) takes the slot of
/// `device`. `/dev/sdh` and `/dev/xvdh` share one slot, and `/dev/sdh1` conflicts with both.
pub(crate) fn check_device_free<'a>(
    device: &Device,
    instance_id: &str,
    used: impl IntoIterator<Item = &'a str>,
) -> Result<()> {
    for name in used {
        // The root device (/dev/sda1, /dev/xvda) does not parse and has no data-volume slot.
        let Ok(taken) = Device::parse(name) else {
            continue;
        };
        if taken.slot().conflicts_with(device.slot()) {
            return Err(Error::new(
                ErrorKind::DeviceInUse,
                format!(
                    "device {device} is already used on instance {instance_id} (as {name}); \
                     choose another letter"
                ),
            ));
        }
    }
    Ok(())
}

/// Tells whether `id` has the form of an EC2 id with `prefix` (such as `vol-`), so that ids
/// EC2 never generated are not sent.
pub(crate) fn is_ec2_id(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix).is_some_and(|rest| {
        (8..=32).contains(&rest.len())
            && rest
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_volume_type() {
        let cases = [
            (VolumeType::Gp3, 1, true),
            (VolumeType::Gp3, 16_384, true),
            (VolumeType::Gp2, 16_385, false),
            (VolumeType::Io1, 3, false),
            (VolumeType::Io1, 4, true),
            (VolumeType::Io2, 4, true),
            (VolumeType::St1, 124, false),
            (VolumeType::St1, 125, true),
            (VolumeType::Sc1, 16_384, true),
            (VolumeType::Standard, 1024, true),
            (VolumeType::Standard, 1025, false),
        ];
        for (kind, size, ok) in cases {
            assert_eq!(check_size(kind, size).is_ok(), ok, "{kind} {size}");
        }
        let error = check_size(VolumeType::St1, 10).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidParameter);
        assert!(error.message().contains("125 to 16384"), "{error}");
    }

    #[test]
    fn unknown_volume_type_is_configuration_error() {
        assert_eq!("gp3".parse::<VolumeType>().unwrap(), VolumeType::Gp3);
        let error = "gp4".parse::<VolumeType>().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Configuration);
        assert!(error.message().contains("CB_AWS_VOLUME_TYPE"), "{error}");
    }

    #[test]
    fn virtio_device_names_are_rejected() {
        let error = check_device(&Device::parse("/dev/vdb").unwrap()).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidParameter);
        assert!(check_device(&Device::parse("/dev/xvdh").unwrap()).is_ok());
    }

    #[test]
    fn device_slot_shared_by_sd_and_xvd() {
        let device = Device::parse("/dev/sdh").unwrap();
        let used = ["/dev/sda1", "/dev/xvdh"];
        let error = check_device_free(&device, "i-1", used).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::DeviceInUse);
        assert!(error.message().contains("/dev/xvdh"), "{error}");
        assert!(check_device_free(&device, "i-1", ["/dev/sda1", "/dev/sdf"]).is_ok());
    }

    #[test]
    fn ec2_ids_are_recognised() {
        assert!(is_ec2_id("vol-0123456789abcdef0", "vol-"));
        assert!(is_ec2_id("vol-01234567", "vol-"));
        assert!(!is_ec2_id("vol-xyz", "vol-"));
        assert!(!is_ec2_id("snap-0123456789abcdef0", "vol-"));
        assert!(!is_ec2_id("../etc/passwd", "vol-"));
    }
}
