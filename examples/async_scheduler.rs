//! A framework written with `async`/`await`, on tokio, over
//! `mesos_native::stream`: the driver's callbacks arrive as a stream of events,
//! and the driver handle makes the calls. It launches one shell command as
//! a task (Mesos's command executor) on the first offer with room for it,
//! declines every other offer, and exits 0 when the task finishes.
//!
//! ```text
//! cargo run --example async_scheduler --features stream -- [--master HOST:PORT]
//!     [--role ROLE] [--command CMD] [--timeout SECS] [--principal P --secret-file F]
//! ```
//!
//! Any cluster with unreserved resources will do, e.g.
//! `MESOS_AGENTS=1 scripts/local-cluster.sh up`. `RUST_LOG=info` shows
//! what it waits for.

use mesos_reference::cli;

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use mesos_native::proto::framework_info::capability::Type as Capability;
use mesos_native::proto::framework_info::Capability as CapabilityInfo;
use mesos_native::proto::{
    CommandInfo, Credential, FrameworkInfo, Offer, TaskId, TaskInfo, TaskState,
};
use mesos_native::stream::{self, Events, SchedulerEvent};
use mesos_native::{operations, MesosSchedulerDriver, Resources, SchedulerDriver};

/// Runs one shell command as a Mesos task, from an async framework.
#[derive(Parser)]
#[command(name = "async_scheduler")]
struct Args {
    #[command(flatten)]
    connection: cli::ConnectionArgs,
    /// The framework's role.
    #[arg(long, default_value = "*")]
    role: String,
    /// The task's shell command.
    #[arg(
        long,
        value_name = "CMD",
        default_value = "echo hello from an async Rust framework"
    )]
    command: String,
    /// Give up when the task has not finished within SECS.
    #[arg(long, value_name = "SECS", default_value_t = 120)]
    timeout: u64,
}

/// What the task gets of its offer.
const TASK_RESOURCES: &str = "cpus:0.1;mem:32";
const TASK_ID: &str = "async-task";

#[tokio::main]
async fn main() -> ExitCode {
    env_logger::init();
    let args = Args::parse();
    let connection = match args.connection.resolve() {
        Ok(connection) => connection,
        Err(message) => {
            eprintln!("async_scheduler: {message}");
            return ExitCode::from(2);
        }
    };
    let framework = FrameworkInfo {
        user: String::new(), // libmesos fills in the current user
        name: "async example (Rust)".into(),
        roles: vec![args.role.clone()],
        capabilities: vec![CapabilityInfo {
            r#type: Some(Capability::MultiRole as i32),
        }],
        principal: connection.credential.as_ref().map(|(p, _)| p.clone()),
        ..Default::default()
    };

    let (scheduler, mut events) = stream::scheduler(stream::DEFAULT_CAPACITY);
    let mut builder = MesosSchedulerDriver::builder(scheduler, framework, &connection.master);
    if let Some((principal, secret)) = connection.credential {
        builder = builder.credential(Credential {
            principal,
            secret: Some(secret),
        });
    }
    let driver = match builder.build() {
        Ok(driver) => driver,
        Err(error) => {
            eprintln!("async_scheduler: cannot create the scheduler driver: {error}");
            return ExitCode::from(2);
        }
    };
    if let Err(error) = driver.start() {
        eprintln!("async_scheduler: the driver did not start: {error}");
        return ExitCode::FAILURE;
    }
    println!("connecting to master {}", connection.master);
    log::info!("waiting for the master to register the framework");

    let work = run_task(&driver, &mut events, &args.role, &args.command);
    let outcome = tokio::time::timeout(Duration::from_secs(args.timeout), work).await;
    let _ = driver.stop(false); // tears the framework down
    match outcome {
        Ok(Ok(message)) => {
            println!("done: {message}");
            ExitCode::SUCCESS
        }
        Ok(Err(message)) => {
            eprintln!("async_scheduler: {message}");
            ExitCode::FAILURE
        }
        Err(_) => {
            eprintln!(
                "async_scheduler: the task did not finish within {} s: is the master up, with \
                 unreserved resources ({TASK_RESOURCES}) for role {}?",
                args.timeout, args.role
            );
            ExitCode::FAILURE
        }
    }
}

/// The framework's whole life, as one loop over its events.
async fn run_task(
    driver: &SchedulerDriver,
    events: &mut Events<SchedulerEvent>,
    role: &str,
    command: &str,
) -> Result<String, String> {
    let mut launched = false;
    while let Some(event) = events.recv().await {
        match event {
            SchedulerEvent::Registered { framework_id, .. } => {
                println!("registered as framework {}", framework_id.value);
                log::info!("waiting for an offer with {TASK_RESOURCES} for role {role}");
            }
            SchedulerEvent::ResourceOffers { offers } => {
                for offer in offers {
                    match (launched, task_resources(&offer)) {
                        (false, Some(resources)) => {
                            launch(driver, &offer, resources, command)?;
                            launched = true;
                            println!("task {TASK_ID} launched on {}", offer.hostname);
                            log::info!("waiting for the task's status updates");
                        }
                        _ => {
                            let _ =
                                driver.decline_offer(&offer.id, &operations::refuse_seconds(30.0));
                        }
                    }
                }
            }
            SchedulerEvent::StatusUpdate { status } => {
                let state = status.state();
                println!(
                    "status update: task {} is {state:?} {}",
                    status.task_id.value,
                    status.message()
                );
                match state {
                    TaskState::TaskStaging | TaskState::TaskStarting | TaskState::TaskRunning => {}
                    TaskState::TaskFinished => return Ok(format!("task {TASK_ID} finished")),
                    other => {
                        return Err(format!(
                            "task {TASK_ID} ended {other:?}: {}",
                            status.message()
                        ))
                    }
                }
            }
            SchedulerEvent::Disconnected => {
                println!("disconnected from the master; the driver reconnects");
            }
            SchedulerEvent::Error { message } => {
                return Err(format!("Mesos reported an error: {message}"))
            }
            _ => {}
        }
    }
    Err("the driver ended before the task finished".into())
}

/// [`TASK_RESOURCES`], unreserved, out of `offer` (allocated to the role
/// the offer is for, as a MULTI_ROLE framework must use them), if it has
/// them.
fn task_resources(offer: &Offer) -> Option<Resources> {
    let mut wanted: Resources = TASK_RESOURCES.parse().ok()?;
    let role = offer
        .resources
        .iter()
        .find_map(|resource| resource.allocation_info.as_ref()?.role.clone());
    if let Some(role) = role {
        wanted.allocate(&role);
    }
    Resources::from(offer.resources.clone())
        .contains(&wanted)
        .then_some(wanted)
}

fn launch(
    driver: &SchedulerDriver,
    offer: &Offer,
    resources: Resources,
    command: &str,
) -> Result<(), String> {
    let task = TaskInfo {
        name: "async example task".into(),
        task_id: TaskId {
            value: TASK_ID.into(),
        },
        slave_id: offer.slave_id.clone(),
        resources: resources.into_vec(),
        command: Some(CommandInfo {
            value: Some(command.into()),
            shell: Some(true),
            ..Default::default()
        }),
        ..Default::default()
    };
    driver
        .accept_offers(
            std::slice::from_ref(&offer.id),
            &[operations::launch([task])],
            &operations::refuse_seconds(5.0),
        )
        .map_err(|error| format!("launching the task failed: {error}"))
}
