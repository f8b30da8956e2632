//! CloudBridge's block-storage walkthrough as a program. It creates a volume, attaches it to an
//! instance, writes data through it, snapshots it, restores a new volume from the snapshot and
//! reads the data back. Then it deletes everything it created, also when a step fails.
//!
//! Run it with `cargo run -p cloudbridge --example walkthrough`. The provider comes from the
//! configuration (`CB_PROVIDER`, the config file), else the local provider in `CB_DATA_DIR`
//! or the user's data directory.

use std::error::Error;
use std::fs::OpenOptions;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use cloudbridge::{Instance, Provider, Snapshot, SnapshotState, Volume, VolumeState};
use sha2::{Digest, Sha256};

/// Byte offset of the test block: the middle of the 1 GiB volume.
const BLOCK_OFFSET: u64 = 512 * 1024 * 1024;
/// Length of the test block, in bytes.
const BLOCK_LEN: usize = 1024 * 1024;

/// The resources the walkthrough created, so that they can be deleted on every path.
#[derive(Default)]
struct Created {
    volumes: Vec<Volume>,
    snapshot: Option<Snapshot>,
    instance: Option<Instance>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let provider = match Provider::from_env().await {
        Ok(provider) => provider,
        Err(error) => {
            eprintln!("error: connecting to the provider failed: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "provider {} (region {}, zone {})",
        provider.name(),
        provider.region(),
        provider.zone()
    );

    let mut created = Created::default();
    let result = walkthrough(&provider, &mut created).await;
    let cleanup = delete_all(&mut created).await;

    match (result, cleanup) {
        (Ok(()), Ok(())) => {
            println!("done; every resource the walkthrough created is deleted");
            ExitCode::SUCCESS
        }
        (Err(error), cleanup) => {
            eprintln!("error: {error}");
            if let Err(cleanup) = cleanup {
                eprintln!("error: cleanup failed too: {cleanup}");
            }
            ExitCode::FAILURE
        }
        (Ok(()), Err(cleanup)) => {
            eprintln!("error: cleanup failed: {cleanup}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the walkthrough's steps, recording each new resource in `created` at once.
async fn walkthrough(provider: &Provider, created: &mut Created) -> Result<(), Box<dyn Error>> {
    let suffix: String = (0..6).map(|_| fastrand::lowercase()).collect();
    let volumes = provider.storage().volumes();

    let mut vol = volumes
        .create(&format!("cloudbridge-vol-{suffix}"), 1)
        .await?;
    created.volumes.push(vol.clone());
    vol.wait_till_ready().await?;
    println!("created volume {}: {}", vol.id(), vol.state());

    let listed = volumes.list().all().await?;
    println!("listed {} volume(s)", listed.len());

    let label = format!("cloudbridge-inst-{suffix}");
    let mut instance = provider.compute().instances().create(&label).await?;
    created.instance = Some(instance.clone());
    instance.wait_till_ready().await?;
    println!("created instance {}: {}", instance.id(), instance.state());

    attach(&mut vol, &instance).await?;
    println!("attached volume {} at /dev/sdh: {}", vol.id(), vol.state());

    // Where the provider holds the data on this machine, write a block through the device.
    let written = if provider.holds_data() {
        let block: Vec<u8> = (0..BLOCK_LEN).map(|_| fastrand::u8(..)).collect();
        write_block(device_path(&vol)?, &block)?;
        let digest = hex(&Sha256::digest(&block));
        println!("wrote 1 MiB at offset {BLOCK_OFFSET}, SHA-256 {digest}");
        Some(digest)
    } else {
        None
    };

    detach(&mut vol).await?;
    println!("detached volume {}: {}", vol.id(), vol.state());

    let label = format!("cloudbridge-snap-{suffix}");
    let mut snap = vol
        .create_snapshot(&label, "A demo snapshot created via CloudBridge.")
        .await?;
    created.snapshot = Some(snap.clone());
    snap.wait_till_ready().await?;
    println!("created snapshot {}: {}", snap.id(), snap.state());

    let mut restored = volumes
        .create(&format!("cloudbridge-snap-vol-{suffix}"), 1)
        .zone(provider.zone())
        .snapshot(&snap)
        .await?;
    created.volumes.push(restored.clone());
    restored.wait_till_ready().await?;
    println!(
        "restored volume {} from snapshot {}: {}",
        restored.id(),
        snap.id(),
        restored.state()
    );

    if let Some(written) = written {
        attach(&mut restored, &instance).await?;
        let block = read_block(device_path(&restored)?)?;
        detach(&mut restored).await?;
        let digest = hex(&Sha256::digest(&block));
        if digest != written {
            return Err(format!(
                "volume {} restored from snapshot {} has SHA-256 {digest} at offset \
                 {BLOCK_OFFSET}, but {written} was written",
                restored.id(),
                snap.id()
            )
            .into());
        }
        println!("read the block back through the restored volume: SHA-256 matches");
    }
    Ok(())
}

async fn attach(vol: &mut Volume, instance: &Instance) -> cloudbridge::Result<()> {
    vol.attach(instance, "/dev/sdh").await?;
    vol.wait_for(&[VolumeState::InUse], &[VolumeState::Error], None)
        .await
}

async fn detach(vol: &mut Volume) -> cloudbridge::Result<()> {
    vol.detach(false).await?;
    vol.wait_for(&[VolumeState::Available], &[VolumeState::Error], None)
        .await
}

/// Deletes every created resource and waits until it is gone. Keeps going after a failure and
/// returns the first one.
async fn delete_all(created: &mut Created) -> Result<(), String> {
    let mut first_error: Option<String> = None;
    let mut note = |what: String, result: cloudbridge::Result<()>| match result {
        Ok(()) => println!("deleted {what}"),
        Err(error) => {
            eprintln!("deleting {what} failed: {error}");
            first_error.get_or_insert(format!("deleting {what} failed: {error}"));
        }
    };

    while let Some(mut vol) = created.volumes.pop() {
        let what = format!("volume {}", vol.id());
        note(what, delete_volume(&mut vol).await);
    }
    if let Some(mut snap) = created.snapshot.take() {
        let what = format!("snapshot {}", snap.id());
        let result = async {
            snap.refresh().await?;
            if snap.state() == SnapshotState::Pending {
                snap.wait_for(&[SnapshotState::Available, SnapshotState::Error], &[], None)
                    .await?;
            }
            snap.delete().await?;
            snap.wait_till_deleted().await
        }
        .await;
        note(what, result);
    }
    if let Some(mut instance) = created.instance.take() {
        let what = format!("instance {}", instance.id());
        let result = async {
            instance.delete().await?;
            instance.wait_till_deleted().await
        }
        .await;
        note(what, result);
    }

    match first_error {
        None => Ok(()),
        Some(error) => Err(error),
    }
}

/// Detaches a volume if a failed step left it attached, then deletes it and waits.
async fn delete_volume(vol: &mut Volume) -> cloudbridge::Result<()> {
    vol.refresh().await?;
    match vol.state() {
        VolumeState::Deleted => return Ok(()),
        VolumeState::Creating => vol.wait_till_ready().await?,
        VolumeState::InUse | VolumeState::Attaching => {
            vol.detach(true).await?;
            vol.wait_for(&[VolumeState::Available], &[VolumeState::Error], None)
                .await?;
        }
        _ => {}
    }
    vol.delete().await?;
    vol.wait_till_deleted().await
}

/// Returns the path on this machine where an attached volume's bytes are.
fn device_path(vol: &Volume) -> Result<PathBuf, String> {
    vol.attachment()
        .and_then(|attachment| attachment.path.clone())
        .ok_or_else(|| format!("volume {} has no device path on this machine", vol.id()))
}

fn write_block(path: PathBuf, block: &[u8]) -> Result<(), String> {
    let failed = |error: std::io::Error| format!("writing {} failed: {error}", path.display());
    // Open without create or truncate: the path must be the attached volume.
    let mut file = OpenOptions::new().write(true).open(&path).map_err(failed)?;
    file.seek(SeekFrom::Start(BLOCK_OFFSET)).map_err(failed)?;
    file.write_all(block).map_err(failed)?;
    file.sync_all().map_err(failed)
}

fn read_block(path: PathBuf) -> Result<Vec<u8>, String> {
    let failed = |error: std::io::Error| format!("reading {} failed: {error}", path.display());
    let mut file = OpenOptions::new().read(true).open(&path).map_err(failed)?;
    file.seek(SeekFrom::Start(BLOCK_OFFSET)).map_err(failed)?;
    let mut block = vec![0; BLOCK_LEN];
    file.read_exact(&mut block).map_err(failed)?;
    Ok(block)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
