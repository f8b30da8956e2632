//! Faults a user can switch on to rehearse a real cloud: throttling and injected failures.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, ErrorKind, Result};

/// An operation of the local provider that a fault can target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// Creating a volume (empty or from a snapshot).
    CreateVolume,
    /// Attaching a volume.
    AttachVolume,
    /// Detaching a volume.
    DetachVolume,
    /// Deleting a volume.
    DeleteVolume,
    /// Taking a snapshot.
    CreateSnapshot,
    /// Deleting a snapshot.
    DeleteSnapshot,
    /// Launching an instance.
    CreateInstance,
    /// Deleting an instance.
    DeleteInstance,
}

const OPERATIONS: &[(&str, Operation)] = &[
    ("create_volume", Operation::CreateVolume),
    ("attach_volume", Operation::AttachVolume),
    ("detach_volume", Operation::DetachVolume),
    ("delete_volume", Operation::DeleteVolume),
    ("create_snapshot", Operation::CreateSnapshot),
    ("delete_snapshot", Operation::DeleteSnapshot),
    ("create_instance", Operation::CreateInstance),
    ("delete_instance", Operation::DeleteInstance),
];

impl Operation {
    /// Returns the snake_case name used in fault specifications.
    pub fn as_str(self) -> &'static str {
        OPERATIONS
            .iter()
            .find(|(_, op)| *op == self)
            .map_or("", |(name, _)| name)
    }

    fn is_create(self) -> bool {
        matches!(
            self,
            Operation::CreateVolume | Operation::CreateSnapshot | Operation::CreateInstance
        )
    }
}

/// Effect of an injected fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FaultEffect {
    /// The call fails with a provider error and changes nothing.
    Error,
    /// The call succeeds, and the new resource ends in the `error` state instead of ready.
    ErrorState,
}

/// One injected fault, written `OPERATION=error` or `OPERATION=error-state`, for example
/// `create_snapshot=error-state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fault {
    /// The targeted operation.
    pub operation: Operation,
    /// Effect on the operation.
    pub effect: FaultEffect,
}

impl FromStr for Fault {
    type Err = Error;

    fn from_str(text: &str) -> Result<Fault> {
        let names: Vec<&str> = OPERATIONS.iter().map(|(name, _)| *name).collect();
        let invalid = |why: String| {
            Error::new(
                ErrorKind::Configuration,
                format!("invalid fault {text:?}: {why}"),
            )
        };
        let (operation, effect) = text
            .split_once('=')
            .ok_or_else(|| invalid("expected OPERATION=error or OPERATION=error-state".into()))?;
        let operation = OPERATIONS
            .iter()
            .find(|(name, _)| *name == operation)
            .map(|(_, op)| *op)
            .ok_or_else(|| invalid(format!("the operations are {}", names.join(", "))))?;
        let effect = match effect {
            "error" => FaultEffect::Error,
            "error-state" if operation.is_create() => FaultEffect::ErrorState,
            "error-state" => {
                return Err(invalid(
                    "error-state applies only to create_volume, create_snapshot and \
                     create_instance"
                        .into(),
                ));
            }
            _ => return Err(invalid("the effects are error and error-state".into())),
        };
        Ok(Fault { operation, effect })
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let effect = match self.effect {
            FaultEffect::Error => "error",
            FaultEffect::ErrorState => "error-state",
        };
        write!(f, "{}={effect}", self.operation.as_str())
    }
}

/// The faults in force for one backend.
#[derive(Debug, Clone, Default)]
pub(crate) struct FaultPlan {
    pub throttle_rate: f64,
    pub faults: Vec<Fault>,
}

impl FaultPlan {
    /// Rejects a call as throttled for the configured share of calls.
    pub fn throttle(&self, operation: &'static str) -> Result<()> {
        if self.throttle_rate > 0.0 && fastrand::f64() < self.throttle_rate {
            return Err(Error::new(
                ErrorKind::Throttled,
                format!("{operation} was throttled by the local provider's throttle rate"),
            )
            .with_code("Throttling"));
        }
        Ok(())
    }

    /// Fails the call if an `error` fault targets it.
    pub fn fail(&self, operation: Operation) -> Result<()> {
        let injected = Fault {
            operation,
            effect: FaultEffect::Error,
        };
        if self.faults.contains(&injected) {
            return Err(Error::new(
                ErrorKind::Provider,
                format!("{} failed: injected fault {injected}", operation.as_str()),
            )
            .with_code("InjectedFault"));
        }
        Ok(())
    }

    /// Tells whether the resource made by this call ends in `error`.
    pub fn ends_in_error(&self, operation: Operation) -> bool {
        self.faults.contains(&Fault {
            operation,
            effect: FaultEffect::ErrorState,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_text_round_trips() {
        for text in [
            "create_volume=error",
            "create_snapshot=error-state",
            "attach_volume=error",
        ] {
            assert_eq!(text.parse::<Fault>().unwrap().to_string(), text);
        }
    }

    #[test]
    fn malformed_fault_is_rejected_with_choices() {
        let error = "make_volume=error".parse::<Fault>().unwrap_err();
        assert!(error.message().contains("create_volume"), "{error}");
        let error = "attach_volume=error-state".parse::<Fault>().unwrap_err();
        assert!(error.message().contains("applies only"), "{error}");
        let error = "create_volume".parse::<Fault>().unwrap_err();
        assert!(error.message().contains("OPERATION=error"), "{error}");
    }
}
