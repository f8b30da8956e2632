//! `cloudbridge instance ...`

use cloudbridge::{Error, Instance, InstanceInfo, Provider};

use crate::cli::InstanceCommand;
use crate::exit::Failure;
use crate::output::{self, Output};
use crate::progress;

/// Runs one instance command.
pub async fn run(
    provider: &Provider,
    output: Output,
    command: InstanceCommand,
) -> Result<(), Failure> {
    let instances = provider.compute().instances();
    match command {
        InstanceCommand::Create {
            label,
            image,
            instance_type,
            wait,
        } => {
            let mut request = instances.create(&label);
            if let Some(image) = image {
                request = request.image(image);
            }
            if let Some(instance_type) = instance_type {
                request = request.instance_type(instance_type);
            }
            let mut instance = request.await?;
            if wait.wait {
                progress::wait_till_ready(&mut instance).await?;
            }
            print(output, instance.info())
        }

        InstanceCommand::List(args) => {
            super::list(
                instances.list(),
                args,
                output,
                Instance::into_info,
                |items| output::instance_table(items),
                "instances",
            )
            .await
        }

        InstanceCommand::Show { id } => {
            let instance = get(provider, &id).await?;
            print(output, instance.info())
        }

        InstanceCommand::Delete { id, wait } => {
            let mut instance = get(provider, &id).await?;
            instance.delete().await?;
            if wait.wait {
                progress::wait_till_deleted(&mut instance).await?;
            }
            if output.is_json() {
                return output.json(instance.info());
            }
            output.line(&format!(
                "instance {} is {}",
                instance.id(),
                instance.state()
            ))
        }
    }
}

/// Fetches an instance by id; an unknown id is a not-found error.
async fn get(provider: &Provider, id: &str) -> Result<Instance, Failure> {
    let instance = provider.compute().instances().get(id).await?;
    Ok(instance.ok_or_else(|| Error::not_found("instance", id))?)
}

fn print(output: Output, instance: &InstanceInfo) -> Result<(), Failure> {
    output.record(instance, output::instance_rows(instance))
}
