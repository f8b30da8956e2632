//! The one public error type, with a kind a caller can match on.

use std::fmt;

/// Category of a failure, the same on every provider, for callers to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// The resource does not exist, or is not visible to this caller.
    NotFound,
    /// A label breaks the portable label rule.
    InvalidLabel,
    /// Some other argument (size, zone, device name, id, limit, marker) is invalid.
    InvalidParameter,
    /// The resource is in a state that does not allow the operation.
    InvalidState,
    /// The volume and the instance are in different zones.
    ZoneMismatch,
    /// The device name is already used on the instance.
    DeviceInUse,
    /// A quota or limit of the account was reached.
    QuotaExceeded,
    /// The provider rejected the request because of its rate; retrying later may succeed.
    Throttled,
    /// Credentials are missing, invalid or lack permission.
    Authentication,
    /// A wait or a request did not finish in time.
    TimedOut,
    /// The provider's endpoint could not be reached.
    Unreachable,
    /// The configuration is missing or invalid.
    Configuration,
    /// Any other failure reported by the provider, with its own code and message.
    Provider,
}

impl ErrorKind {
    /// Returns the kebab-case name used in JSON output and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "not-found",
            ErrorKind::InvalidLabel => "invalid-label",
            ErrorKind::InvalidParameter => "invalid-parameter",
            ErrorKind::InvalidState => "invalid-state",
            ErrorKind::ZoneMismatch => "zone-mismatch",
            ErrorKind::DeviceInUse => "device-in-use",
            ErrorKind::QuotaExceeded => "quota-exceeded",
            ErrorKind::Throttled => "throttled",
            ErrorKind::Authentication => "authentication",
            ErrorKind::TimedOut => "timed-out",
            ErrorKind::Unreachable => "unreachable",
            ErrorKind::Configuration => "configuration",
            ErrorKind::Provider => "provider",
        }
    }

    /// Tells whether the same request may succeed when sent again unchanged.
    pub fn is_retryable(self) -> bool {
        matches!(self, ErrorKind::Throttled | ErrorKind::Unreachable)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// An error from any cloudbridge operation.
///
/// The message names the value that was wrong and what is allowed. Errors that come from a
/// provider keep its own error code and request id. No error carries a credential.
#[derive(Debug, thiserror::Error)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    provider: Option<&'static str>,
    code: Option<String>,
    request_id: Option<String>,
    #[source]
    source: Option<Source>,
}

/// The result type of every fallible cloudbridge operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Creates an error of `kind` with a message for people.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            provider: None,
            code: None,
            request_id: None,
            source: None,
        }
    }

    /// Creates a not-found error for a resource type (`volume`, `snapshot`, ...) and id.
    pub fn not_found(resource: &str, id: &str) -> Self {
        let message = if id.is_empty() {
            format!("{resource} id is empty: pass the id of an existing {resource}")
        } else {
            format!("{resource} {id} not found")
        };
        Error::new(ErrorKind::NotFound, message)
    }

    /// Creates an invalid-parameter error naming the parameter, its value and what is allowed.
    pub fn invalid_parameter(name: &str, value: impl fmt::Display, allowed: &str) -> Self {
        Error::new(
            ErrorKind::InvalidParameter,
            format!("invalid {name} \"{value}\": {allowed}"),
        )
    }

    /// Creates an invalid-state error for a resource, the state it is in and what is needed.
    pub fn invalid_state(resource: &str, id: &str, state: impl fmt::Display, needed: &str) -> Self {
        Error::new(
            ErrorKind::InvalidState,
            format!("{resource} {id} is {state}; {needed}"),
        )
    }

    /// Records which provider reported the error.
    pub fn with_provider(mut self, provider: &'static str) -> Self {
        self.provider = Some(provider);
        self
    }

    /// Records the provider's own error code.
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// Records the provider's request id, for support cases.
    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }

    /// Keeps the underlying error as the source.
    pub fn with_source(mut self, source: impl Into<Source>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// The kind, for matching.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message for people, without the provider code and request id.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The provider that reported the error, if it came from one.
    pub fn provider(&self) -> Option<&'static str> {
        self.provider
    }

    /// The provider's own error code, such as `InvalidVolume.NotFound`.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The provider's request id.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        match (&self.code, &self.request_id) {
            (Some(code), Some(id)) => write!(f, " ({code}, request id {id})"),
            (Some(code), None) => write!(f, " ({code})"),
            (None, Some(id)) => write!(f, " (request id {id})"),
            (None, None) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_appends_code_and_request_id() {
        let error = Error::new(ErrorKind::Provider, "boom")
            .with_code("InternalError")
            .with_request_id("r-1");
        assert_eq!(error.to_string(), "boom (InternalError, request id r-1)");
    }

    #[test]
    fn not_found_with_empty_id_says_so() {
        let error = Error::not_found("volume", "");
        assert_eq!(error.kind(), ErrorKind::NotFound);
        assert!(error.message().contains("volume id is empty"), "{error}");
    }

    #[test]
    fn invalid_parameter_names_value_and_rule() {
        let error = Error::invalid_parameter("size", 0, "must be 1 to 16384 GiB");
        assert_eq!(error.kind(), ErrorKind::InvalidParameter);
        assert_eq!(
            error.to_string(),
            "invalid size \"0\": must be 1 to 16384 GiB"
        );
    }
}
