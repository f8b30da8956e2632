//! Counting Ctrl-C presses during the walkthrough instead of letting them cancel a step.
//!
//! Dropping a create call after the provider has made the resource would lose its id, so the
//! walkthrough never cancels a library call: it checks the count between steps and cancels only
//! waits, whose resource it has already recorded.

use std::future::Future;

use tokio::sync::watch;

use crate::exit::{self, Failure};

/// The number of Ctrl-C presses since [`Interrupts::listen`], shared by every clone.
#[derive(Debug, Clone)]
pub struct Interrupts {
    count: watch::Receiver<u32>,
}

impl Interrupts {
    /// Starts counting Ctrl-C presses; from now on a press no longer ends the process.
    pub fn listen() -> Interrupts {
        let (sender, count) = watch::channel(0);
        spawn_counter(sender);
        Interrupts { count }
    }

    /// Returns the number of presses so far.
    pub fn count(&self) -> u32 {
        *self.count.borrow()
    }

    /// Returns once the count reaches `presses`.
    pub async fn reached(&self, presses: u32) {
        let mut count = self.count.clone();
        if count.wait_for(|count| *count >= presses).await.is_err() {
            // The counter task ended, so no more presses can arrive.
            std::future::pending::<()>().await;
        }
    }

    /// Fails with [`interrupted`] if Ctrl-C was pressed since the walkthrough began.
    pub fn check(&self) -> Result<(), Failure> {
        if self.count() > 0 {
            return Err(interrupted());
        }
        Ok(())
    }

    /// Runs a wait until it ends or Ctrl-C is pressed, whichever comes first. Only waits may be
    /// cut short this way: a library call that creates or changes a resource must finish.
    pub async fn wait<T>(
        &self,
        wait: impl Future<Output = cloudbridge::Result<T>>,
    ) -> Result<T, Failure> {
        tokio::select! {
            biased;
            () = self.reached(1) => Err(interrupted()),
            result = wait => Ok(result?),
        }
    }
}

/// Creates the failure of a walkthrough stopped by Ctrl-C.
pub fn interrupted() -> Failure {
    Failure::new(exit::INTERRUPTED, "interrupted by Ctrl-C", None)
}

/// Registers the SIGINT handler at once, so no press between now and the first poll of a task
/// ends the process.
#[cfg(unix)]
fn spawn_counter(sender: watch::Sender<u32>) {
    use tokio::signal::unix::{SignalKind, signal};

    let mut presses = match signal(SignalKind::interrupt()) {
        Ok(presses) => presses,
        Err(error) => {
            // Without a handler a press ends the process as usual, leaving resources behind.
            tracing::warn!(%error, "listening for Ctrl-C failed");
            return;
        }
    };
    tokio::spawn(async move {
        // Ends with the runtime, when the command returns.
        while presses.recv().await.is_some() {
            sender.send_modify(|count| *count += 1);
        }
    });
}

#[cfg(not(unix))]
fn spawn_counter(sender: watch::Sender<u32>) {
    tokio::spawn(async move {
        // Ends with the runtime, when the command returns.
        while tokio::signal::ctrl_c().await.is_ok() {
            sender.send_modify(|count| *count += 1);
        }
    });
}
