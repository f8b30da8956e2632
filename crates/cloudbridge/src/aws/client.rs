//! Building the EC2 client from the AWS SDK's own configuration chain, and turning SDK errors
//! into cloudbridge errors.

use std::error::Error as StdError;

use aws_config::{ConfigLoader, SdkConfig};
use aws_sdk_ec2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ec2::operation::RequestId;

use crate::config::Config;
use crate::error::{Error, ErrorKind};

use super::mapping;

/// Name reported by every error of this provider.
pub(crate) const PROVIDER: &str = "aws";

/// Loads the SDK configuration: the loader's own chain (environment, shared config and
/// credentials files, SSO, container and instance roles), overridden by the profile, region
/// and endpoint that `config` names.
pub(crate) async fn load_sdk_config(config: &Config, loader: ConfigLoader) -> SdkConfig {
    let mut loader = loader;
    if let Some(profile) = &config.aws.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &config.region {
        loader = loader.region(aws_config::Region::new(region.clone()));
    }
    if let Some(url) = &config.aws.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader.load().await
}

/// Converts an SDK error into a cloudbridge error that keeps the EC2 error code and request id.
pub(crate) fn sdk_error<E>(operation: &'static str, error: SdkError<E>) -> Error
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    let code = error.code().map(str::to_string);
    let request_id = error.request_id().map(str::to_string);
    let (kind, message) = match &error {
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            let kind = code
                .as_deref()
                .map_or(ErrorKind::Provider, mapping::error_kind);
            let detail = error
                .message()
                .map(str::to_string)
                .unwrap_or_else(|| format!("HTTP status {status} without an EC2 error"));
            (kind, format!("EC2 {operation} failed: {detail}"))
        }
        SdkError::DispatchFailure(failure) if is_credentials_failure(&error) => {
            let _ = failure;
            (
                ErrorKind::Authentication,
                format!(
                    "EC2 {operation} failed: no AWS credentials were found; configure them as \
                     for the AWS CLI (AWS_ACCESS_KEY_ID, AWS_PROFILE, `aws sso login`, or an \
                     instance role)"
                ),
            )
        }
        SdkError::DispatchFailure(failure) if failure.is_user() => (
            ErrorKind::Configuration,
            format!("EC2 {operation} could not be sent: {}", chain(&error)),
        ),
        SdkError::DispatchFailure(_) => (
            ErrorKind::Unreachable,
            format!(
                "EC2 {operation} failed: the endpoint is unreachable: {}",
                chain(&error)
            ),
        ),
        SdkError::TimeoutError(_) => (
            ErrorKind::TimedOut,
            format!("EC2 {operation} timed out: {}", chain(&error)),
        ),
        SdkError::ResponseError(response) => (
            ErrorKind::Provider,
            format!(
                "EC2 {operation} failed: unreadable response with HTTP status {}",
                response.raw().status().as_u16()
            ),
        ),
        SdkError::ConstructionFailure(_) => (
            ErrorKind::Configuration,
            format!("EC2 {operation} could not be built: {}", chain(&error)),
        ),
        _ => (
            ErrorKind::Provider,
            format!("EC2 {operation} failed: {}", chain(&error)),
        ),
    };

    let mut converted = Error::new(kind, message).with_provider(PROVIDER);
    if let Some(code) = code {
        converted = converted.with_code(code);
    }
    if let Some(request_id) = request_id {
        converted = converted.with_request_id(request_id);
    }
    tracing::debug!(provider = PROVIDER, operation, kind = %converted.kind(), error = %converted, "request failed");
    converted.with_source(error)
}

/// Joins the messages of an error's source chain, which name the real cause of a dispatch
/// failure (connection refused, DNS, credentials).
fn chain(error: &(dyn StdError + 'static)) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.contains(&text) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

/// Tells whether a dispatch failure comes from resolving credentials rather than the network.
///
/// The SDK reports a failed identity resolution as a dispatch failure whose source chain holds
/// the credential provider's error; its type is not exported, so its message is matched.
fn is_credentials_failure<E>(error: &SdkError<E>) -> bool
where
    E: StdError + 'static,
{
    let text = chain(error).to_ascii_lowercase();
    text.contains("credential") || text.contains("identity")
}
