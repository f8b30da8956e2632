//! Device names for attaching a volume, as EC2 accepts them on Linux instances.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

const ALLOWED: &str = "expected /dev/sd[b-z], /dev/sd[b-z][1-15], /dev/xvd[b-z] or \
                       /dev/vd[b-z]; the a slot (/dev/sda1, /dev/xvda, /dev/vda) is the root device";

/// A validated device name such as `/dev/sdh`.
///
/// Names that differ only in their driver prefix (`/dev/sdh`, `/dev/xvdh`, `/dev/vdh`) share one
/// [`DeviceSlot`], so an instance can have only one of them in use at a time.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Device {
    name: String,
    slot: DeviceSlot,
}

/// The slot a device name occupies on an instance: its letter and optional partition number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeviceSlot {
    /// The drive letter, `b` to `z`.
    pub letter: char,
    /// The partition number, 1 to 15, for names such as `/dev/sdf1`.
    pub partition: Option<u8>,
}

impl DeviceSlot {
    /// Tells whether two slots cannot be used on one instance at the same time: the same
    /// letter, and either the same partition or a whole disk (`/dev/sdh`) beside one of its
    /// partitions (`/dev/sdh1`).
    pub fn conflicts_with(self, other: DeviceSlot) -> bool {
        self.letter == other.letter
            && (self.partition == other.partition
                || self.partition.is_none()
                || other.partition.is_none())
    }
}

impl Device {
    /// Parses and checks a device name.
    pub fn parse(name: &str) -> Result<Device> {
        let invalid = || Error::invalid_parameter("device name", name, ALLOWED);
        let (rest, partitions_allowed) = if let Some(rest) = name.strip_prefix("/dev/xvd") {
            (rest, false)
        } else if let Some(rest) = name.strip_prefix("/dev/sd") {
            (rest, true)
        } else if let Some(rest) = name.strip_prefix("/dev/vd") {
            (rest, false)
        } else {
            return Err(invalid());
        };

        let mut chars = rest.chars();
        let letter = chars
            .next()
            .filter(char::is_ascii_lowercase)
            .ok_or_else(invalid)?;
        let digits = chars.as_str();
        let partition = if digits.is_empty() {
            None
        } else {
            if !partitions_allowed || digits.starts_with('0') {
                return Err(invalid());
            }
            match digits.parse::<u8>() {
                Ok(n @ 1..=15) => Some(n),
                _ => return Err(invalid()),
            }
        };
        if letter == 'a' {
            return Err(invalid());
        }

        Ok(Device {
            name: name.to_string(),
            slot: DeviceSlot { letter, partition },
        })
    }

    /// The name as given, such as `/dev/sdh`.
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// The slot this name occupies on an instance.
    pub fn slot(&self) -> DeviceSlot {
        self.slot
    }
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl FromStr for Device {
    type Err = Error;

    fn from_str(name: &str) -> Result<Device> {
        Device::parse(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn accepts_ec2_linux_names() {
        for name in [
            "/dev/sdb",
            "/dev/sdh",
            "/dev/sdz",
            "/dev/sdf1",
            "/dev/sdf15",
            "/dev/xvdh",
            "/dev/vdb",
        ] {
            assert!(Device::parse(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn rejects_root_and_malformed_names() {
        for name in [
            "/dev/sda1",
            "/dev/sda",
            "/dev/xvda",
            "/dev/vda",
            "/dev/sdh0",
            "/dev/sdh16",
            "/dev/sdh01",
            "/dev/xvdh1",
            "/dev/sdH",
            "/dev/sd",
            "sdh",
            "/dev/hda",
            "/dev/sdhh",
            "",
        ] {
            let error = Device::parse(name).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidParameter, "{name}");
            assert!(error.message().contains("/dev/sd[b-z]"), "{name}: {error}");
        }
    }

    #[test]
    fn sd_xvd_and_vd_share_a_slot() {
        let sd = Device::parse("/dev/sdh").unwrap();
        let xvd = Device::parse("/dev/xvdh").unwrap();
        let vd = Device::parse("/dev/vdh").unwrap();
        assert_eq!(sd.slot(), xvd.slot());
        assert_eq!(sd.slot(), vd.slot());
        assert_ne!(sd.slot(), Device::parse("/dev/sdh1").unwrap().slot());
    }

    #[test]
    fn whole_disk_conflicts_with_its_partitions() {
        let slot = |name: &str| Device::parse(name).unwrap().slot();
        assert!(slot("/dev/xvdh").conflicts_with(slot("/dev/sdh1")));
        assert!(slot("/dev/sdh1").conflicts_with(slot("/dev/sdh")));
        assert!(slot("/dev/sdh1").conflicts_with(slot("/dev/sdh1")));
        assert!(!slot("/dev/sdh1").conflicts_with(slot("/dev/sdh2")));
        assert!(!slot("/dev/sdh").conflicts_with(slot("/dev/sdi")));
    }
}
