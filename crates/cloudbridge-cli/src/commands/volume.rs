//! `cloudbridge volume ...`

use cloudbridge::{Error, Provider, Volume, VolumeInfo, VolumeState, validate_label};

use crate::cli::VolumeCommand;
use crate::exit::Failure;
use crate::output::{self, Output};
use crate::progress;

/// Runs one volume command.
pub async fn run(
    provider: &Provider,
    output: Output,
    command: VolumeCommand,
) -> Result<(), Failure> {
    let volumes = provider.storage().volumes();
    match command {
        VolumeCommand::Create {
            label,
            size,
            description,
            snapshot,
            wait,
        } => {
            let mut request = volumes.create(&label, size);
            if let Some(description) = description {
                request = request.description(description);
            }
            if let Some(snapshot_id) = &snapshot {
                request = request.snapshot(snapshot_id);
            }
            let mut volume = request.await?;
            if wait.wait {
                progress::wait_till_ready(&mut volume).await?;
            }
            print(output, volume.info())
        }

        VolumeCommand::List(args) => {
            super::list(
                volumes.list(),
                args,
                output,
                Volume::into_info,
                |items| output::volume_table(items),
                "volumes",
            )
            .await
        }

        VolumeCommand::Show { id } => {
            let volume = get(provider, &id).await?;
            print(output, volume.info())
        }

        VolumeCommand::Attach {
            volume_id,
            instance_id,
            device,
            wait,
        } => {
            let mut volume = get(provider, &volume_id).await?;
            volume.attach(&instance_id, &device).await?;
            if wait.wait {
                let failures = [VolumeState::Error, VolumeState::Deleted];
                progress::wait_for(&mut volume, &[VolumeState::InUse], &failures, None).await?;
            }
            print(output, volume.info())
        }

        VolumeCommand::Detach {
            volume_id,
            force,
            wait,
        } => {
            let mut volume = get(provider, &volume_id).await?;
            volume.detach(force).await?;
            if wait.wait {
                let failures = [VolumeState::Error, VolumeState::Deleted];
                progress::wait_for(&mut volume, &[VolumeState::Available], &failures, None).await?;
            }
            print(output, volume.info())
        }

        VolumeCommand::Set {
            id,
            label,
            description,
        } => {
            // Check the label before any change, so an invalid one leaves the description too.
            if let Some(label) = &label {
                validate_label(label)?;
            }
            let mut volume = get(provider, &id).await?;
            if let Some(label) = &label {
                volume.set_label(label).await?;
            }
            if let Some(description) = &description {
                volume.set_description(description).await?;
            }
            print(output, volume.info())
        }

        VolumeCommand::Delete { id, wait } => {
            let mut volume = get(provider, &id).await?;
            volume.delete().await?;
            if wait.wait {
                progress::wait_till_deleted(&mut volume).await?;
            }
            if output.is_json() {
                return output.json(volume.info());
            }
            output.line(&format!("volume {} is {}", volume.id(), volume.state()))
        }
    }
}

/// Fetches a volume by id; an unknown id is a not-found error.
async fn get(provider: &Provider, id: &str) -> Result<Volume, Failure> {
    let volume = provider.storage().volumes().get(id).await?;
    Ok(volume.ok_or_else(|| Error::not_found("volume", id))?)
}

fn print(output: Output, volume: &VolumeInfo) -> Result<(), Failure> {
    output.record(volume, output::volume_rows(volume))
}
