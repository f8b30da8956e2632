//! `cloudbridge wait volume|snapshot|instance ID --state STATE`

use std::time::Duration;

use cloudbridge::{Error, Provider, ResourceState};
use serde_json::json;

use crate::cli::WaitCommand;
use crate::exit::Failure;
use crate::output::{self, Output};
use crate::progress::{self, Waitable};

/// Runs one wait command.
pub async fn run(provider: &Provider, output: Output, command: WaitCommand) -> Result<(), Failure> {
    match command {
        WaitCommand::Volume { id, state, timeout } => {
            let volume = provider.storage().volumes().get(&id).await?;
            let Some(volume) = wait(volume, &id, state, timeout.timeout).await? else {
                return print_gone(output, "volume", &id);
            };
            let info = volume.info();
            output.record(info, output::volume_rows(info))
        }
        WaitCommand::Snapshot { id, state, timeout } => {
            let snapshot = provider.storage().snapshots().get(&id).await?;
            let Some(snapshot) = wait(snapshot, &id, state, timeout.timeout).await? else {
                return print_gone(output, "snapshot", &id);
            };
            let info = snapshot.info();
            output.record(info, output::snapshot_rows(info))
        }
        WaitCommand::Instance { id, state, timeout } => {
            let instance = provider.compute().instances().get(&id).await?;
            let Some(instance) = wait(instance, &id, state, timeout.timeout).await? else {
                return print_gone(output, "instance", &id);
            };
            let info = instance.info();
            output.record(info, output::instance_rows(info))
        }
    }
}

/// Waits for `state`; returns `None` when the resource does not exist and `deleted` was the
/// goal, and a not-found error when it does not exist and another state was.
async fn wait<R: Waitable>(
    resource: Option<R>,
    id: &str,
    state: R::State,
    timeout: Option<u64>,
) -> Result<Option<R>, Failure> {
    let deleted = <R::State as ResourceState>::DELETED;
    let Some(mut resource) = resource else {
        if state == deleted {
            return Ok(None);
        }
        return Err(Error::not_found(R::KIND, id).into());
    };
    // A failure state other than the goal ends the wait at once.
    let terminals: Vec<R::State> = <R::State as ResourceState>::FAILURES
        .iter()
        .copied()
        .filter(|failure| *failure != state)
        .collect();
    let timeout = timeout.map(Duration::from_secs);
    progress::wait_for(&mut resource, &[state], &terminals, timeout).await?;
    Ok(Some(resource))
}

fn print_gone(output: Output, kind: &str, id: &str) -> Result<(), Failure> {
    if output.is_json() {
        return output.json(&json!({ "id": id, "state": "deleted" }));
    }
    output.line(&format!("{kind} {id} is deleted"))
}
