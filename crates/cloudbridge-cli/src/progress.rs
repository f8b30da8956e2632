//! Waiting for a state with a spinner on a terminal, silently otherwise.
//!
//! The wait itself is the library's `wait_for`, so backoff, terminal states and the grace
//! window after a create behave as in any library program. While it runs, a second task
//! refreshes a copy of the resource once a second only to show its current state. That task
//! exists only when stderr is a terminal.

use std::io::IsTerminal;
use std::time::Duration;

use cloudbridge::{
    Instance, InstanceState, ResourceState, Snapshot, SnapshotState, Volume, VolumeState,
};
use indicatif::{ProgressBar, ProgressStyle};

/// The resource of the wait in progress and its last known state, so that a Ctrl-C can
/// name what goes on changing without this command.
static WAITING_FOR: std::sync::Mutex<Option<(&'static str, String, String)>> =
    std::sync::Mutex::new(None);

/// Returns the failure for a Ctrl-C outside the walkthrough: one line naming the resource
/// being waited for, if any.
pub fn interrupted_failure() -> crate::exit::Failure {
    let waiting = WAITING_FOR.lock().map(|slot| slot.clone()).unwrap_or(None);
    let message = match waiting {
        Some((kind, id, state)) => format!(
            "interrupted while waiting: {kind} {id} was {state} and goes on changing without \
             this command; check it with `cloudbridge {kind} show {id}`"
        ),
        None => "interrupted: a request may already have been sent; check the resources with \
                 the list commands"
            .to_string(),
    };
    crate::exit::Failure::new(crate::exit::INTERRUPTED, message, None)
}

/// How often the spinner's copy of the resource is refreshed to show its state.
const DISPLAY_REFRESH: Duration = Duration::from_secs(1);

/// A resource the CLI can wait for: the library's `Volume`, `Snapshot` and `Instance`.
pub trait Waitable: Clone + Send + Sync + 'static {
    /// The resource's state enum.
    type State: ResourceState + std::fmt::Debug;

    /// `volume`, `snapshot` or `instance`.
    const KIND: &'static str;

    /// The resource id.
    fn id(&self) -> &str;

    /// The last known state.
    fn state(&self) -> Self::State;

    /// Fetches the current data.
    fn refresh(&mut self) -> impl Future<Output = cloudbridge::Result<()>> + Send;

    /// The library's wait.
    fn wait_for(
        &mut self,
        targets: &[Self::State],
        terminals: &[Self::State],
        timeout: Option<Duration>,
    ) -> impl Future<Output = cloudbridge::Result<()>> + Send;
}

macro_rules! waitable {
    ($resource:ty, $state:ty, $kind:literal) => {
        impl Waitable for $resource {
            type State = $state;
            const KIND: &'static str = $kind;

            fn id(&self) -> &str {
                <$resource>::id(self)
            }

            fn state(&self) -> $state {
                <$resource>::state(self)
            }

            fn refresh(&mut self) -> impl Future<Output = cloudbridge::Result<()>> + Send {
                <$resource>::refresh(self)
            }

            fn wait_for(
                &mut self,
                targets: &[$state],
                terminals: &[$state],
                timeout: Option<Duration>,
            ) -> impl Future<Output = cloudbridge::Result<()>> + Send {
                <$resource>::wait_for(self, targets, terminals, timeout)
            }
        }
    };
}

waitable!(Volume, VolumeState, "volume");
waitable!(Snapshot, SnapshotState, "snapshot");
waitable!(Instance, InstanceState, "instance");

/// Waits until `resource` reaches one of `targets`, failing on one of `terminals`.
///
/// Shows a spinner with the current state and the elapsed time when stderr is a terminal.
pub async fn wait_for<R: Waitable>(
    resource: &mut R,
    targets: &[R::State],
    terminals: &[R::State],
    timeout: Option<Duration>,
) -> cloudbridge::Result<()> {
    if let Ok(mut slot) = WAITING_FOR.lock() {
        *slot = Some((
            R::KIND,
            resource.id().to_string(),
            resource.state().to_string(),
        ));
    }
    if !std::io::stderr().is_terminal() {
        return resource.wait_for(targets, terminals, timeout).await;
    }

    let wanted = targets
        .iter()
        .map(|state| state.to_string())
        .collect::<Vec<_>>()
        .join(" or ");
    let spinner = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} [{elapsed}]") {
        spinner.set_style(style);
    }
    let describe = {
        let kind = R::KIND;
        let id = resource.id().to_string();
        move |state: R::State| format!("{kind} {id} is {state}, waiting for {wanted}")
    };
    spinner.set_message(describe(resource.state()));
    spinner.enable_steady_tick(Duration::from_millis(100));

    let display = {
        let spinner = spinner.clone();
        let mut copy = resource.clone();
        tokio::spawn(async move {
            // Bounded by the wait: the task is aborted as soon as the wait returns.
            loop {
                tokio::time::sleep(DISPLAY_REFRESH).await;
                match copy.refresh().await {
                    Ok(()) => spinner.set_message(describe(copy.state())),
                    Err(error) => tracing::debug!(%error, "refreshing the spinner's state failed"),
                }
            }
        })
    };

    let result = resource.wait_for(targets, terminals, timeout).await;
    display.abort();
    spinner.finish_and_clear();
    result
}

/// Waits until the resource is ready (available or running), failing on error or deleted.
pub async fn wait_till_ready<R: Waitable>(resource: &mut R) -> cloudbridge::Result<()> {
    wait_for(
        resource,
        &[<R::State as ResourceState>::READY],
        <R::State as ResourceState>::FAILURES,
        None,
    )
    .await
}

/// Waits until the resource no longer exists, failing on its error state.
pub async fn wait_till_deleted<R: Waitable>(resource: &mut R) -> cloudbridge::Result<()> {
    let deleted = <R::State as ResourceState>::DELETED;
    let terminals: Vec<R::State> = <R::State as ResourceState>::FAILURES
        .iter()
        .copied()
        .filter(|state| *state != deleted)
        .collect();
    wait_for(resource, &[deleted], &terminals, None).await
}
