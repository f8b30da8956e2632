//! `cloudbridge walkthrough`: the block-storage walkthrough of CloudBridge, run end to end on
//! the chosen provider with resources of its own, which it deletes again on every path.
//!
//! The steps: create a 1 GiB volume, list volumes, launch an instance, attach the volume at
//! `/dev/sdh`, write known data through the device (where the provider keeps data on this
//! machine), detach, snapshot, restore a new volume from the snapshot, read the data back
//! through the restored volume, then delete everything.

mod cleanup;
mod data;
mod interrupt;

use std::io::{IsTerminal, Write};
use std::time::Instant;

use cloudbridge::{
    Config, ErrorKind, Instance, Provider, ProviderKind, Snapshot, Volume, VolumeState,
};
use serde::Serialize;

use crate::exit::{self, Failure};
use crate::output::Output;
use crate::progress;
use interrupt::Interrupts;

/// Size of the walkthrough's volumes, in GiB; the data pattern's offsets assume it.
const VOLUME_SIZE_GIB: u64 = 1;
/// Device name the volumes are attached at.
const DEVICE: &str = "/dev/sdh";
const SNAPSHOT_DESCRIPTION: &str = "A demo snapshot created via CloudBridge.";

/// Runs the walkthrough and prints its steps, then a summary document with `--output json`.
///
/// Ctrl-C stops the walkthrough after the library call in flight and starts the cleanup. A
/// first Ctrl-C during the cleanup is ignored, and a second one abandons it.
pub async fn run(provider: &Provider, output: Output) -> Result<(), Failure> {
    let interrupts = Interrupts::listen();
    let mut walk = Walk::new(provider, output, interrupts.clone());
    let result = walk.steps().await;
    let interrupted = matches!(&result, Err(failure) if failure.code() == exit::INTERRUPTED);
    let steps_done = walk.steps.len();
    // Record the failed step before the cleanup steps are appended.
    let failed_step = result.as_ref().err().and(walk.current.clone());
    if let Err(failure) = &result
        && failed_step.is_some()
    {
        let started = walk.step_started;
        let state = if interrupted { "interrupted" } else { "failed" };
        walk.done(
            started,
            None,
            Some(state.to_string()),
            Some(failure.message().to_string()),
        );
    }

    let cleanup_result = clean_up_until_abandoned(&mut walk, &interrupts).await;

    let cleaned_up = cleanup_result.is_ok();
    let outcome = match (result, cleanup_result) {
        (Ok(()), Ok(())) => Ok(()),
        (Ok(()), Err(cleanup)) => Err(cleanup),
        (Err(original), Ok(())) => Err(original),
        (Err(original), Err(cleanup)) => Err(original.append(&format!("also {cleanup}"))),
    };
    let outcome = outcome.map_err(|failure| {
        let failure = match &failed_step {
            Some(step) if interrupted => {
                failure.prefix(&format!("walkthrough step \"{step}\" stopped"))
            }
            Some(step) => failure.prefix(&format!("walkthrough step \"{step}\" failed")),
            None if interrupted => {
                failure.prefix(&format!("walkthrough stopped after step {steps_done}"))
            }
            None => failure,
        };
        match (cleaned_up, interrupted) {
            (true, true) => failure.with_hint("the walkthrough deleted every resource it created"),
            (true, false) if failed_step.is_some() => failure.with_hint(
                "the walkthrough deleted every resource it created; run it again with --verbose \
                 for details",
            ),
            _ => failure,
        }
    });

    if output.is_json() {
        let summary = walk.summary(failed_step, outcome.as_ref().err());
        // A failure to print the summary matters less than the walkthrough's own failure.
        let printed = output.json(&summary);
        outcome?;
        return printed;
    }
    if outcome.is_ok() {
        walk.say(&format!(
            "Walkthrough finished in {:.2} s; every resource it created is deleted.",
            walk.started.elapsed().as_secs_f64()
        ));
    }
    outcome
}

/// Runs the cleanup, which a first Ctrl-C does not stop (it only prints a notice on stderr) and
/// a second one abandons, naming what is left.
async fn clean_up_until_abandoned(
    walk: &mut Walk<'_>,
    interrupts: &Interrupts,
) -> Result<(), Failure> {
    let before = interrupts.count();
    let abandoned = async {
        interrupts.reached(before + 1).await;
        let _ = writeln!(
            std::io::stderr().lock(),
            "cloudbridge: the walkthrough's cleanup continues; press Ctrl-C again to abandon it \
             and leave its resources behind"
        );
        interrupts.reached(before + 2).await;
    };
    tokio::select! {
        result = walk.clean_up() => result,
        () = abandoned => Err(Failure::new(
            exit::INTERRUPTED,
            "the walkthrough's cleanup was interrupted",
            Some(format!("delete its resources by hand: {}", walk.leftovers())),
        )),
    }
}

/// Checks, before anything is created, that the configuration has what every step needs: on
/// AWS, the image for the instance of step 3.
pub fn check_config(config: &Config) -> Result<(), Failure> {
    let has_image = config
        .aws
        .image_id
        .as_deref()
        .is_some_and(|image| !image.trim().is_empty());
    if config.provider == ProviderKind::Aws && !has_image {
        return Err(Failure::new(
            exit::code_of(ErrorKind::Configuration),
            "the walkthrough on provider aws needs an image (AMI) for its instance, but none is \
             configured; set CB_AWS_IMAGE_ID or `image_id` in the `aws` table of the config file",
            None,
        ));
    }
    Ok(())
}

/// One completed step, as printed and summarised.
#[derive(Debug, Serialize)]
struct Step {
    number: usize,
    action: String,
    id: Option<String>,
    state: Option<String>,
    detail: Option<String>,
    elapsed_seconds: f64,
}

/// The JSON document printed at the end with `--output json`.
#[derive(Debug, Serialize)]
struct Summary<'a> {
    provider: &'static str,
    region: &'a str,
    zone: &'a str,
    holds_data: bool,
    ok: bool,
    failed_step: Option<String>,
    error: Option<String>,
    steps: &'a [Step],
    data_written: Option<&'a data::Pattern>,
    restored_sha256: Option<&'a str>,
    elapsed_seconds: f64,
}

/// Destination of the step lines: stdout for a table, stderr on a terminal with JSON output
/// (stdout then contains only the summary), nowhere otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StepLines {
    Stdout,
    Stderr,
    Silent,
}

/// The walkthrough's state: what it created, what it did, and what it is doing now.
struct Walk<'a> {
    provider: &'a Provider,
    lines: StepLines,
    started: Instant,
    suffix: String,
    steps: Vec<Step>,
    /// The step in progress, named in the error when it fails.
    current: Option<String>,
    /// When the step in progress began.
    step_started: Instant,
    /// Ctrl-C presses, checked between steps and during waits.
    interrupts: Interrupts,
    /// Every resource created so far, deleted by [`Walk::clean_up`].
    volumes: Vec<Volume>,
    snapshots: Vec<Snapshot>,
    instances: Vec<Instance>,
    written: Option<data::Pattern>,
    restored_sha256: Option<String>,
}

impl<'a> Walk<'a> {
    fn new(provider: &'a Provider, output: Output, interrupts: Interrupts) -> Walk<'a> {
        let lines = if !output.is_json() {
            StepLines::Stdout
        } else if std::io::stderr().is_terminal() {
            StepLines::Stderr
        } else {
            StepLines::Silent
        };
        Walk {
            provider,
            lines,
            started: Instant::now(),
            suffix: random_suffix(),
            steps: Vec::new(),
            current: None,
            step_started: Instant::now(),
            interrupts,
            volumes: Vec::new(),
            snapshots: Vec::new(),
            instances: Vec::new(),
            written: None,
            restored_sha256: None,
        }
    }

    /// Returns a label unique to this run, so parallel runs and leftovers never collide.
    fn label(&self, role: &str) -> String {
        format!("walkthrough-{role}-{}", self.suffix)
    }

    /// Prints a line of the walkthrough; a closed stdout does not stop the walkthrough, so its
    /// resources are still deleted.
    fn say(&self, line: &str) {
        let _ = match self.lines {
            StepLines::Stdout => writeln!(std::io::stdout().lock(), "{line}"),
            StepLines::Stderr => writeln!(std::io::stderr().lock(), "{line}"),
            StepLines::Silent => Ok(()),
        };
    }

    /// Starts a step, unless Ctrl-C was pressed.
    fn begin_step(&mut self, action: &str) -> Result<Instant, Failure> {
        self.interrupts.check()?;
        Ok(self.begin(action))
    }

    fn begin(&mut self, action: &str) -> Instant {
        self.current = Some(action.to_string());
        self.step_started = Instant::now();
        self.step_started
    }

    /// Records and prints a finished step.
    fn done(
        &mut self,
        started: Instant,
        id: Option<&str>,
        state: Option<String>,
        detail: Option<String>,
    ) {
        let action = self.current.take().unwrap_or_default();
        let number = self.steps.len() + 1;
        let elapsed = started.elapsed().as_secs_f64();
        let mut line = format!("{number:>2}. {action}:");
        if let Some(id) = id {
            line.push_str(&format!(" {id}"));
        }
        if let Some(state) = &state {
            line.push_str(&format!(" {state}"));
        }
        match (&detail, id.is_some() || state.is_some()) {
            (Some(detail), true) => line.push_str(&format!(" ({detail})")),
            (Some(detail), false) => line.push_str(&format!(" {detail}")),
            (None, _) => {}
        }
        line.push_str(&format!(
            " [{elapsed:.2} s, total {:.2} s]",
            self.started.elapsed().as_secs_f64()
        ));
        self.say(&line);
        self.steps.push(Step {
            number,
            action,
            id: id.map(str::to_string),
            state,
            detail,
            elapsed_seconds: round_ms(elapsed),
        });
    }

    async fn steps(&mut self) -> Result<(), Failure> {
        let provider = self.provider;
        self.say(&format!(
            "Walkthrough on provider {} (region {}, zone {}):",
            provider.name(),
            provider.region(),
            provider.zone()
        ));
        let volumes = provider.storage().volumes();

        let label = self.label("vol");
        let started =
            self.begin_step(&format!("create volume {label} of {VOLUME_SIZE_GIB} GiB"))?;
        let mut volume = volumes.create(&label, VOLUME_SIZE_GIB).await?;
        self.volumes.push(volume.clone());
        self.interrupts
            .wait(progress::wait_till_ready(&mut volume))
            .await?;
        self.done(started, Some(volume.id()), state(&volume), None);

        let started = self.begin_step("list volumes")?;
        let listed = volumes.list().all().await?;
        if !listed.iter().any(|listed| listed.id() == volume.id()) {
            return Err(check_failed(format!(
                "volume {} is missing from the listing of {} volumes",
                volume.id(),
                listed.len()
            )));
        }
        let detail = format!("{} volume(s), including {}", listed.len(), volume.id());
        self.done(started, None, None, Some(detail));

        let label = self.label("inst");
        let started = self.begin_step(&format!("create instance {label}"))?;
        let mut instance = provider.compute().instances().create(&label).await?;
        self.instances.push(instance.clone());
        self.interrupts
            .wait(progress::wait_till_ready(&mut instance))
            .await?;
        self.done(started, Some(instance.id()), state(&instance), None);

        let started = self.begin_step(&format!("attach volume at {DEVICE}"))?;
        attach(&mut volume, &instance, &self.interrupts).await?;
        let detail = format!("attached to {}", instance.id());
        self.done(started, Some(volume.id()), state(&volume), Some(detail));

        let started = self.begin_step("write data through the device")?;
        let detail = if provider.holds_data() {
            let path = device_path(&volume)?;
            let pattern = data::write(path, fastrand::u64(..)).await?;
            let detail = format!(
                "{} MiB at {} offsets, SHA-256 {}",
                pattern.bytes / (1024 * 1024),
                pattern.offsets.len(),
                pattern.sha256
            );
            self.written = Some(pattern);
            detail
        } else {
            skipped(provider)
        };
        self.done(started, Some(volume.id()), None, Some(detail));

        let started = self.begin_step("detach volume")?;
        detach(&mut volume, &self.interrupts).await?;
        self.done(started, Some(volume.id()), state(&volume), None);

        let label = self.label("snap");
        let started = self.begin_step(&format!("create snapshot {label}"))?;
        let mut snapshot = volume.create_snapshot(&label, SNAPSHOT_DESCRIPTION).await?;
        self.snapshots.push(snapshot.clone());
        self.interrupts
            .wait(progress::wait_till_ready(&mut snapshot))
            .await?;
        let detail = format!("of volume {}", volume.id());
        self.done(started, Some(snapshot.id()), state(&snapshot), Some(detail));

        let label = self.label("snap-vol");
        let zone = provider.zone();
        let started = self.begin_step(&format!("restore volume {label} in zone {zone}"))?;
        let mut restored = volumes
            .create(&label, VOLUME_SIZE_GIB)
            .zone(zone)
            .snapshot(&snapshot)
            .await?;
        self.volumes.push(restored.clone());
        self.interrupts
            .wait(progress::wait_till_ready(&mut restored))
            .await?;
        let detail = format!("from snapshot {}", snapshot.id());
        self.done(started, Some(restored.id()), state(&restored), Some(detail));

        let started = self.begin_step("verify data on the restored volume")?;
        let detail = match self.written.clone() {
            Some(written) => {
                attach(&mut restored, &instance, &self.interrupts).await?;
                let digest = data::read_digest(device_path(&restored)?).await?;
                detach(&mut restored, &self.interrupts).await?;
                if digest != written.sha256 {
                    return Err(check_failed(format!(
                        "volume {} restored from snapshot {} has SHA-256 {digest} at the \
                         written offsets, but {} was written",
                        restored.id(),
                        snapshot.id(),
                        written.sha256
                    )));
                }
                self.restored_sha256 = Some(digest);
                format!("SHA-256 matches: {}", written.sha256)
            }
            None => skipped(provider),
        };
        self.done(started, Some(restored.id()), None, Some(detail));
        Ok(())
    }

    fn summary(&self, failed_step: Option<String>, error: Option<&Failure>) -> Summary<'_> {
        Summary {
            provider: self.provider.name(),
            region: self.provider.region(),
            zone: self.provider.zone(),
            holds_data: self.provider.holds_data(),
            ok: error.is_none(),
            failed_step,
            error: error.map(Failure::to_string),
            steps: &self.steps,
            data_written: self.written.as_ref(),
            restored_sha256: self.restored_sha256.as_deref(),
            elapsed_seconds: round_ms(self.started.elapsed().as_secs_f64()),
        }
    }
}

/// Attaches `volume` at [`DEVICE`] and waits until it is in use or Ctrl-C is pressed.
async fn attach(
    volume: &mut Volume,
    instance: &Instance,
    interrupts: &Interrupts,
) -> Result<(), Failure> {
    volume.attach(instance, DEVICE).await?;
    let failures = [VolumeState::Error, VolumeState::Deleted];
    let in_use = progress::wait_for(volume, &[VolumeState::InUse], &failures, None);
    interrupts.wait(in_use).await
}

/// Detaches `volume` and waits until it is available or Ctrl-C is pressed.
async fn detach(volume: &mut Volume, interrupts: &Interrupts) -> Result<(), Failure> {
    volume.detach(false).await?;
    let failures = [VolumeState::Error, VolumeState::Deleted];
    let available = progress::wait_for(volume, &[VolumeState::Available], &failures, None);
    interrupts.wait(available).await
}

/// Returns the path on this machine where an attached volume's bytes are.
fn device_path(volume: &Volume) -> Result<std::path::PathBuf, Failure> {
    let path = volume
        .attachment()
        .and_then(|attachment| attachment.path.clone());
    path.ok_or_else(|| {
        check_failed(format!(
            "volume {} is attached but its attachment has no device path, although the \
             provider holds data on this machine",
            volume.id()
        ))
    })
}

fn skipped(provider: &Provider) -> String {
    format!(
        "skipped: the {} provider keeps volume data in the cloud, not on this machine",
        provider.name()
    )
}

/// Creates the failure of a walkthrough check that failed although every call succeeded.
fn check_failed(message: String) -> Failure {
    Failure::local(
        format!("walkthrough check failed: {message}"),
        "run again with --verbose and report the output",
    )
}

fn state<R: progress::Waitable>(resource: &R) -> Option<String> {
    Some(resource.state().to_string())
}

fn round_ms(seconds: f64) -> f64 {
    (seconds * 1000.0).round() / 1000.0
}

/// Six random lowercase letters and digits.
fn random_suffix() -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..6)
        .map(|_| CHARS[fastrand::usize(..CHARS.len())] as char)
        .collect()
}
