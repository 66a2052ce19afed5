//! The reference framework on the v1 API (`mesos_native::v1::scheduler`), with
//! operation feedback: the scheduler `main_v1` runs. As the v0 one does,
//! it subscribes in role `tenant1/private/test-framework`, refines the
//! `tenant1/private` reservation to its own role, runs one task with the
//! custom executor on the refined resources, and stops when the task
//! finishes. Unlike the v0 driver, v1 lets the RESERVE carry an operation
//! id: the master then reports the operation's progress, and the framework
//! waits for `UPDATE_OPERATION_STATUS` with `OPERATION_FINISHED` (printing
//! each state as it comes, and acknowledging it) before it launches.

use std::sync::Arc;
use std::time::Duration;

use mesos_native::operations;
use mesos_native::proto::v1::framework_info::capability::Type as Capability;
use mesos_native::proto::v1::framework_info::Capability as CapabilityInfo;
use mesos_native::proto::v1::scheduler::{call, event};
use mesos_native::proto::v1::{
    executor_info, offer, AgentId, Credential, ExecutorId, ExecutorInfo, Filters, FrameworkInfo,
    Offer, OperationId, OperationState, Resource, TaskId, TaskInfo, TaskState,
};
use mesos_native::resources::Resources;
use mesos_native::v1::scheduler::{Connection, ConnectionStalled, Mesos, Scheduler};
use mesos_native::v1::{devolve, evolve};

use crate::cli;
use crate::executor_command::{ExecutorSource, V1_EXECUTOR};
use crate::scenario::{
    self, portion, Outcome, EXECUTOR_ID, EXECUTOR_SHARE, PARENT_ROLE, ROLE, TASK_ID, TASK_SHARE,
};
use crate::scheduler::Failed;

const OPERATION_ID: &str = "refine-tenant1-private";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    /// Looking for resources reserved to tenant1/private to refine.
    Refining,
    /// RESERVE sent with an id; waiting for its OPERATION_FINISHED.
    AwaitingOperation,
    /// The refinement is done; waiting for the refined resources' offer.
    AwaitingRefined,
    /// Task launched; waiting for its status updates.
    Running,
    Done,
}

struct RefinementScheduler {
    framework: FrameworkInfo,
    executor: ExecutorSource,
    principal: Option<String>,
    phase: Phase,
    agent: Option<AgentId>,
    outcome: Outcome,
}

fn refuse(seconds: f64) -> Filters {
    Filters {
        refuse_seconds: Some(seconds),
    }
}

impl RefinementScheduler {
    fn finish(&mut self, connection: &Connection, result: Result<String, String>) {
        self.phase = Phase::Done;
        self.outcome.lock().unwrap().get_or_insert(result);
        println!("tearing the framework down and stopping");
        let _ = connection.teardown();
        let _ = connection.stop();
    }

    /// Refines the tenant1/private part of `offer` to our role, with an
    /// operation id so that the master reports how it went.
    fn refine(&mut self, connection: &Connection, offer: &Offer, parent: &Resources) {
        let refined = match parent.refine(ROLE, self.principal.as_deref()) {
            Ok(refined) => refined,
            Err(error) => {
                return self.finish(
                    connection,
                    Err(format!("cannot refine the reservation: {error}")),
                )
            }
        };
        let mut reserve: offer::Operation = match evolve(&operations::reserve(refined.into_vec())) {
            Ok(operation) => operation,
            Err(error) => return self.finish(connection, Err(error.to_string())),
        };
        reserve.id = Some(OperationId {
            value: OPERATION_ID.into(),
        });
        println!(
            "offer {} taken on agent {}: {parent}",
            offer.id.value, offer.hostname
        );
        println!("refining the reservation {PARENT_ROLE} -> {ROLE} (operation {OPERATION_ID})");
        let accept = call::Accept {
            offer_ids: vec![offer.id.clone()],
            operations: vec![reserve],
            filters: Some(refuse(1.0)),
        };
        match connection.accept(accept) {
            Ok(()) => {
                self.agent = Some(offer.agent_id.clone());
                self.phase = Phase::AwaitingOperation;
            }
            Err(error) => self.finish(
                connection,
                Err(format!("accepting the offer failed: {error}")),
            ),
        }
    }

    /// Launches the task and its v1 executor on the refined resources.
    fn launch(&mut self, connection: &Connection, offer: &Offer, refined: &Resources) {
        let (Some(executor_resources), Some(task_resources)) = (
            portion(refined, &EXECUTOR_SHARE),
            portion(refined, &TASK_SHARE),
        ) else {
            return self.finish(
                connection,
                Err(format!("the refined resources are too small: {refined}")),
            );
        };
        let (Ok(command), Ok(executor_resources), Ok(task_resources)) = (
            evolve(&self.executor.command_as(V1_EXECUTOR)),
            evolve_all(&executor_resources),
            evolve_all(&task_resources),
        ) else {
            return self.finish(connection, Err("a v0 message has no v1 twin".into()));
        };
        println!("reservation refined on agent {}: {refined}", offer.hostname);
        let mut executor = ExecutorInfo {
            executor_id: ExecutorId {
                value: EXECUTOR_ID.into(),
            },
            framework_id: connection.framework_id(),
            name: Some("refinement example executor (v1)".into()),
            command: Some(command),
            resources: executor_resources,
            ..Default::default()
        };
        executor.set_type(executor_info::Type::Custom);
        let task = TaskInfo {
            name: "refinement example task (v1)".into(),
            task_id: TaskId {
                value: TASK_ID.into(),
            },
            agent_id: offer.agent_id.clone(),
            resources: task_resources,
            executor: Some(executor),
            data: Some(b"echo hello from a v1 task on refined resources".to_vec()),
            ..Default::default()
        };
        let mut launch = offer::Operation {
            launch: Some(offer::operation::Launch {
                task_infos: vec![task],
            }),
            ..Default::default()
        };
        launch.set_type(offer::operation::Type::Launch);
        let accept = call::Accept {
            offer_ids: vec![offer.id.clone()],
            operations: vec![launch],
            filters: Some(refuse(5.0)),
        };
        match connection.accept(accept) {
            Ok(()) => {
                println!(
                    "task {TASK_ID} launched on agent {} with executor {}",
                    offer.hostname,
                    self.executor.describe()
                );
                self.phase = Phase::Running;
            }
            Err(error) => self.finish(
                connection,
                Err(format!("launching the task failed: {error}")),
            ),
        }
    }
}

fn evolve_all(resources: &[mesos_native::proto::Resource]) -> mesos_native::Result<Vec<Resource>> {
    resources.iter().map(evolve).collect()
}

impl Scheduler for RefinementScheduler {
    fn connected(&mut self, connection: &Connection) {
        // After a reconnection the binding keeps the framework's id: the
        // same subscribe fails over to the framework it already is.
        println!("connected to the master; subscribing in role {ROLE}");
        log::info!("waiting for the master's SUBSCRIBED");
        if let Err(error) = connection.subscribe(self.framework.clone()) {
            self.finish(connection, Err(format!("subscribing failed: {error}")));
        }
    }

    fn disconnected(&mut self, _: &Connection) {
        println!("disconnected from the master; libmesos reconnects");
    }

    fn subscribed(&mut self, _: &Connection, subscribed: event::Subscribed) {
        println!(
            "subscribed as framework {} (heartbeats every {}s)",
            subscribed.framework_id.value,
            subscribed.heartbeat_interval_seconds()
        );
        log::info!(
            "waiting for offers holding resources reserved to {PARENT_ROLE} (none come unless \
             the cluster is reserved: cargo run --example reserve_cluster)"
        );
    }

    fn offers(&mut self, connection: &Connection, offers: event::Offers) {
        for offer in offers.offers {
            let Ok(v0) = devolve::<_, mesos_native::proto::Offer>(&offer) else {
                let _ = connection.decline(vec![offer.id.clone()], Some(refuse(30.0)));
                continue;
            };
            let (refined, parent) = scenario::reservations(v0.resources);
            let ours = self
                .agent
                .as_ref()
                .is_none_or(|agent| *agent == offer.agent_id);
            match self.phase {
                Phase::Refining if !refined.is_empty() => self.launch(connection, &offer, &refined),
                Phase::Refining if !parent.is_empty() => self.refine(connection, &offer, &parent),
                Phase::AwaitingRefined if ours && !refined.is_empty() => {
                    self.launch(connection, &offer, &refined)
                }
                _ => {
                    let _ = connection.decline(vec![offer.id.clone()], Some(refuse(1.0)));
                }
            }
        }
    }

    fn update_operation_status(
        &mut self,
        connection: &Connection,
        update: event::UpdateOperationStatus,
    ) {
        let status = update.status;
        let id = status
            .operation_id
            .as_ref()
            .map_or("(none)", |id| id.value.as_str());
        let message = match status.message() {
            "" => String::new(),
            message => format!(": {message}"),
        };
        println!("operation {id} is {:?}{message}", status.state());
        if let (Some(uuid), Some(agent_id), Some(operation_id)) =
            (&status.uuid, &status.agent_id, &status.operation_id)
        {
            let acknowledged =
                connection.acknowledge_operation_status(call::AcknowledgeOperationStatus {
                    agent_id: Some(agent_id.clone()),
                    resource_provider_id: status.resource_provider_id.clone(),
                    uuid: uuid.value.clone(),
                    operation_id: operation_id.clone(),
                });
            if let Err(error) = acknowledged {
                eprintln!("main_v1: could not acknowledge operation {id}: {error}");
            }
        }
        match status.state() {
            OperationState::OperationFinished if self.phase == Phase::AwaitingOperation => {
                println!("the refinement is done; waiting for its offer");
                log::info!("waiting for the offer with the refined resources");
                self.phase = Phase::AwaitingRefined;
                let _ = connection.revive(call::Revive::default());
            }
            OperationState::OperationPending | OperationState::OperationFinished => {}
            state => self.finish(
                connection,
                Err(format!(
                    "operation {id} ended {state:?}: {}",
                    status.message()
                )),
            ),
        }
    }

    fn update(&mut self, connection: &Connection, update: event::Update) {
        let status = update.status;
        let state = status.state();
        let message = status.message().to_string();
        println!(
            "status update: task {} is {state:?} {message}",
            status.task_id.value
        );
        if let (Some(uuid), Some(agent_id)) = (&status.uuid, &status.agent_id) {
            let _ = connection.acknowledge(call::Acknowledge {
                agent_id: agent_id.clone(),
                task_id: status.task_id.clone(),
                uuid: uuid.clone(),
            });
        }
        match state {
            TaskState::TaskStaging | TaskState::TaskStarting | TaskState::TaskRunning => {}
            TaskState::TaskFinished => self.finish(
                connection,
                Ok(format!("task {TASK_ID} finished: {message}")),
            ),
            _ => self.finish(
                connection,
                Err(format!(
                    "task {} ended {state:?}: {message}",
                    status.task_id.value
                )),
            ),
        }
    }

    fn failure(&mut self, _: &Connection, failure: event::Failure) {
        println!("failure: {failure:?}");
    }

    fn connection_stalled(&mut self, _: &Connection, stalled: ConnectionStalled) {
        // Printed whatever RUST_LOG says: the one line that explains why
        // nothing happens (libmesos keeps trying; --timeout ends the run).
        scenario::say(&format!("main_v1: {stalled}"));
    }

    fn error(&mut self, connection: &Connection, message: String) {
        self.outcome
            .lock()
            .unwrap()
            .get_or_insert(Err(format!("Mesos reported an error: {message}")));
        self.phase = Phase::Done;
        let _ = connection.stop();
    }
}

/// What `main_v1` was asked to do.
pub struct Run {
    pub connection: cli::Connection,
    pub executor: ExecutorSource,
    pub timeout: Duration,
}

/// Runs the scenario on a v1 scheduler: the message to print when the task
/// finished, or why not.
pub fn run(run: Run) -> Result<String, Failed> {
    let principal = run
        .connection
        .credential
        .as_ref()
        .map(|(principal, _)| principal.clone());
    let framework = FrameworkInfo {
        // v1 takes the user as given (the v0 driver fills it in).
        user: std::env::var("USER").unwrap_or_else(|_| "root".into()),
        name: "reservation refinement example (Rust, v1)".into(),
        roles: vec![ROLE.into()],
        capabilities: [Capability::MultiRole, Capability::ReservationRefinement]
            .into_iter()
            .map(|kind| CapabilityInfo {
                r#type: Some(kind as i32),
            })
            .collect(),
        principal: principal.clone(),
        ..Default::default()
    };
    let outcome: Outcome = Arc::default();
    let scheduler = RefinementScheduler {
        framework,
        executor: run.executor.clone(),
        principal,
        phase: Phase::Refining,
        agent: None,
        outcome: Arc::clone(&outcome),
    };
    let mut builder = Mesos::builder(scheduler, run.connection.master.clone());
    if let Some((principal, secret)) = run.connection.credential {
        builder = builder.credential(Credential {
            principal,
            secret: Some(secret),
        });
    }
    let mesos = builder
        .build()
        .map_err(|error| Failed::usage(format!("cannot create the v1 scheduler: {error}")))?;
    println!("connecting to master {} (v1 API)", run.connection.master);

    let connection = (*mesos).clone();
    scenario::give_up_after(run.timeout, &outcome, move || {
        let _ = connection.stop();
    });

    let status = mesos.run();
    let outcome = outcome.lock().unwrap().clone();
    match (status, outcome) {
        (Ok(_), Some(Ok(message))) => Ok(message),
        (_, Some(Err(message))) => Err(Failed::run(message)),
        (Err(error), _) => Err(Failed::run(error.to_string())),
        (Ok(status), None) => Err(Failed::run(format!(
            "stopped ({status:?}) before the task finished"
        ))),
    }
}

/// Whether the agent started this program as the task's v1 executor.
pub fn started_as_executor() -> bool {
    crate::executor_command::started_as(V1_EXECUTOR)
}
