//! Waiting for a state and retrying throttled calls: capped exponential backoff with jitter.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use crate::backend::Timing;
use crate::error::{Error, ErrorKind, Result};
use crate::state::ResourceState;

/// The target of a wait: the resource, the states that end it, and its timeout.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WaitGoal<'a, S> {
    pub resource: &'static str,
    pub id: &'a str,
    pub targets: &'a [S],
    pub terminals: &'a [S],
    pub timeout: Duration,
    /// When the handle was returned by a create, so that "not found" is a visibility lag.
    pub created: Option<std::time::Instant>,
}

/// Returns the pause before poll or retry number `attempt` (0-based): the initial pause doubled
/// per attempt, capped at `max`, then scaled by a random factor in [0.5, 1.0) ("equal jitter",
/// as described in the AWS Architecture Blog post "Exponential Backoff And Jitter").
pub(crate) fn backoff(initial: Duration, max: Duration, attempt: u32) -> Duration {
    let base = initial
        .saturating_mul(2u32.saturating_pow(attempt.min(20)))
        .min(max);
    base.mul_f64(0.5 + fastrand::f64() / 2.0)
}

/// A failed wait: the error, and the last data fetched before it, if any.
pub(crate) struct WaitFailure<T> {
    pub error: Error,
    pub last: Option<T>,
}

/// Refreshes with `fetch` until the state is one of the targets.
///
/// Returns `Ok(None)` when the resource is gone and [`ResourceState::DELETED`] is a target. A
/// terminal state that is not a target fails at once, with an error naming the id and state.
pub(crate) async fn wait_for_state<S, T, F, Fut>(
    timing: &Timing,
    goal: WaitGoal<'_, S>,
    state_of: impl Fn(&T) -> S,
    mut fetch: F,
) -> Result<Option<T>, WaitFailure<T>>
where
    S: ResourceState,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>>>,
{
    let deadline = Instant::now() + goal.timeout;
    let wanted = goal
        .targets
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(" or ");
    let mut last_state = None;
    let mut last = None;
    let mut attempt = 0;
    loop {
        let fetched = match fetch().await {
            Ok(fetched) => fetched,
            Err(error) => return Err(WaitFailure { error, last }),
        };
        match fetched {
            None if goal.targets.contains(&S::DELETED) => return Ok(None),
            None => {
                let in_grace = goal
                    .created
                    .is_some_and(|created| created.elapsed() < timing.visibility_grace);
                if !in_grace {
                    let error = Error::not_found(goal.resource, goal.id);
                    return Err(WaitFailure { error, last });
                }
            }
            Some(item) => {
                let state = state_of(&item);
                if last_state != Some(state) {
                    tracing::info!(resource = goal.resource, id = goal.id, %state, "state");
                    last_state = Some(state);
                }
                if goal.targets.contains(&state) {
                    return Ok(Some(item));
                }
                if goal.terminals.contains(&state) {
                    let error = Error::new(
                        ErrorKind::InvalidState,
                        format!(
                            "{} {} reached state {state} while waiting for {wanted}",
                            goal.resource, goal.id
                        ),
                    );
                    return Err(WaitFailure {
                        error,
                        last: Some(item),
                    });
                }
                last = Some(item);
            }
        }

        let now = Instant::now();
        if now >= deadline {
            let seen = last_state.map_or("not visible".to_string(), |s| format!("still {s}"));
            let error = Error::new(
                ErrorKind::TimedOut,
                format!(
                    "timed out after {:.1} s waiting for {} {} to be {wanted}; it is {seen}",
                    goal.timeout.as_secs_f64(),
                    goal.resource,
                    goal.id
                ),
            );
            return Err(WaitFailure { error, last });
        }
        let pause = backoff(timing.poll_initial, timing.poll_max, attempt).min(deadline - now);
        attempt += 1;
        tokio::time::sleep(pause).await;
    }
}

/// Runs `call`, retrying throttled and unreachable failures up to `timing.max_retries` times.
///
/// Only failures that mean the provider did not act are retried, so a retried create never
/// makes a second resource.
pub(crate) async fn with_retry<T, F, Fut>(
    provider: &'static str,
    operation: &'static str,
    timing: &Timing,
    mut call: F,
) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut attempt = 0;
    loop {
        match call().await {
            Err(error) if error.kind().is_retryable() && attempt < timing.max_retries => {
                let pause = backoff(timing.retry_initial, timing.poll_max, attempt);
                attempt += 1;
                tracing::info!(
                    provider,
                    operation,
                    attempt,
                    pause_ms = pause.as_millis() as u64,
                    error = %error,
                    "retrying"
                );
                tokio::time::sleep(pause).await;
            }
            result => return result,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let initial = Duration::from_millis(100);
        let max = Duration::from_secs(1);
        for _ in 0..100 {
            let first = backoff(initial, max, 0);
            assert!(first >= Duration::from_millis(50));
            assert!(first < initial);
            let third = backoff(initial, max, 2);
            assert!(third >= Duration::from_millis(200));
            assert!(third < Duration::from_millis(400));
            let late = backoff(initial, max, 30);
            assert!(late >= max / 2);
            assert!(late < max);
        }
    }
}
