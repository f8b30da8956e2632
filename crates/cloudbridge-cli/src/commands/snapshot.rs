//! `cloudbridge snapshot ...`

use cloudbridge::{Error, Provider, Snapshot, SnapshotInfo, validate_label};

use crate::cli::SnapshotCommand;
use crate::exit::Failure;
use crate::output::{self, Output};
use crate::progress;

/// Runs one snapshot command.
pub async fn run(
    provider: &Provider,
    output: Output,
    command: SnapshotCommand,
) -> Result<(), Failure> {
    let snapshots = provider.storage().snapshots();
    match command {
        SnapshotCommand::Create {
            volume_id,
            label,
            description,
            wait,
        } => {
            let mut snapshot = snapshots
                .create(&label, &volume_id, description.as_deref())
                .await?;
            if wait.wait {
                progress::wait_till_ready(&mut snapshot).await?;
            }
            print(output, snapshot.info())
        }

        SnapshotCommand::List(args) => {
            super::list(
                snapshots.list(),
                args,
                output,
                Snapshot::into_info,
                |items| output::snapshot_table(items),
                "snapshots",
            )
            .await
        }

        SnapshotCommand::Show { id } => {
            let snapshot = get(provider, &id).await?;
            print(output, snapshot.info())
        }

        SnapshotCommand::Set {
            id,
            label,
            description,
        } => {
            // Check the label before any change, so an invalid one leaves the description too.
            if let Some(label) = &label {
                validate_label(label)?;
            }
            let mut snapshot = get(provider, &id).await?;
            if let Some(label) = &label {
                snapshot.set_label(label).await?;
            }
            if let Some(description) = &description {
                snapshot.set_description(description).await?;
            }
            print(output, snapshot.info())
        }

        SnapshotCommand::Delete { id, wait } => {
            let mut snapshot = get(provider, &id).await?;
            snapshot.delete().await?;
            if wait.wait {
                progress::wait_till_deleted(&mut snapshot).await?;
            }
            if output.is_json() {
                return output.json(snapshot.info());
            }
            output.line(&format!(
                "snapshot {} is {}",
                snapshot.id(),
                snapshot.state()
            ))
        }

        SnapshotCommand::Restore {
            snapshot_id,
            label,
            size,
            wait,
        } => {
            let snapshot = get(provider, &snapshot_id).await?;
            let mut volume = snapshot.create_volume(&label, size, None).await?;
            if wait.wait {
                progress::wait_till_ready(&mut volume).await?;
            }
            let info = volume.info();
            output.record(info, output::volume_rows(info))
        }
    }
}

/// Fetches a snapshot by id; an unknown id is a not-found error.
async fn get(provider: &Provider, id: &str) -> Result<Snapshot, Failure> {
    let snapshot = provider.storage().snapshots().get(id).await?;
    Ok(snapshot.ok_or_else(|| Error::not_found("snapshot", id))?)
}

fn print(output: Output, snapshot: &SnapshotInfo) -> Result<(), Failure> {
    output.record(snapshot, output::snapshot_rows(snapshot))
}
