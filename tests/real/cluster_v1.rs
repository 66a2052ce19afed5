//! The v1 scheduler against a real loopback cluster (skipped loudly
//! without Mesos; `MESOS_TEST_REQUIRE=1` makes that a failure):
//!
//! - operation feedback: a RESERVE with an id gets OPERATION_FINISHED, one
//!   the agent cannot satisfy gets a terminal error state, and
//!   RECONCILE_OPERATIONS answers for the known operation;
//! - an inverse offer reaching the scheduler once an operator posts a
//!   maintenance schedule for its agent, and accepting it;
//! - a task group through `LAUNCH_GROUP` on the example's v1 custom
//!   executor;
//! - the reference scenario on v1 (`main_v1`, with its v1 executor), checked
//!   from the master's state like the v0 one.

use crate::support;
use crate::support::checks;

use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

use crate::support::v1_events::{self, subscribing, v1_channel};
use crate::support::{require_mesos, run_example, Cluster};
use mesos_native::operations;
use mesos_native::proto::v1::allocator::inverse_offer_status;
use mesos_native::proto::v1::framework_info::capability::Type as Capability;
use mesos_native::proto::v1::framework_info::Capability as CapabilityInfo;
use mesos_native::proto::v1::scheduler::{call, event};
use mesos_native::proto::v1::{
    maintenance, offer, DurationInfo, FrameworkInfo, MachineId, Offer, OperationId, OperationState,
    OperationStatus, TaskState, TimeInfo, Unavailability,
};
use mesos_native::resources::{dynamic_reservation, Resources};
use mesos_native::v1::scheduler::{Connection, Mesos, Scheduler};
use mesos_native::v1::{devolve, evolve};

const ROLE: &str = "v1-test";
const WAIT: Duration = Duration::from_secs(60);

/// Everything the test scheduler sees, for the test thread to script.
enum Seen {
    Offers(Vec<Offer>),
    Operation(OperationStatus),
}

struct Reporter(Sender<Seen>);

impl Scheduler for Reporter {
    fn connected(&mut self, connection: &Connection) {
        let mut capability = CapabilityInfo::default();
        capability.set_type(Capability::MultiRole);
        let framework = FrameworkInfo {
            user: std::env::var("USER").unwrap_or_else(|_| "root".into()),
            name: "v1 operation feedback test".into(),
            roles: vec![ROLE.into()],
            capabilities: vec![capability],
            ..Default::default()
        };
        connection.subscribe(framework).unwrap();
    }

    fn offers(&mut self, _: &Connection, offers: event::Offers) {
        let _ = self.0.send(Seen::Offers(offers.offers));
    }

    fn update_operation_status(
        &mut self,
        connection: &Connection,
        update: event::UpdateOperationStatus,
    ) {
        let status = update.status;
        if let (Some(uuid), Some(agent_id), Some(operation_id)) =
            (&status.uuid, &status.agent_id, &status.operation_id)
        {
            connection
                .acknowledge_operation_status(call::AcknowledgeOperationStatus {
                    agent_id: Some(agent_id.clone()),
                    resource_provider_id: status.resource_provider_id.clone(),
                    uuid: uuid.value.clone(),
                    operation_id: operation_id.clone(),
                })
                .unwrap();
        }
        let _ = self.0.send(Seen::Operation(status));
    }
}

fn next_offer(seen: &Receiver<Seen>) -> Offer {
    loop {
        match seen.recv_timeout(WAIT).expect("an offer") {
            Seen::Offers(mut offers) => return offers.remove(0),
            Seen::Operation(_) => continue,
        }
    }
}

fn operation_states(seen: &Receiver<Seen>, id: &str) -> Vec<OperationState> {
    let mut states = Vec::new();
    loop {
        match seen.recv_timeout(WAIT) {
            Ok(Seen::Operation(status))
                if status.operation_id.as_ref().is_some_and(|o| o.value == id) =>
            {
                states.push(status.state());
                if status.state() != OperationState::OperationPending {
                    return states;
                }
            }
            Ok(_) => continue,
            Err(_) => panic!("no terminal state for operation {id}; saw {states:?}"),
        }
    }
}

/// A RESERVE of `amount` cpus of `offer` to the test role, with `id`.
fn reserve(offer: &Offer, amount: f64, id: &str) -> call::Accept {
    let v0: mesos_native::proto::Offer = devolve(offer).unwrap();
    let mut cpus = Resources::from(v0.resources)
        .unreserved()
        .named("cpus")
        .into_vec();
    cpus.truncate(1);
    cpus[0].scalar.as_mut().unwrap().value = amount;
    let reserved = Resources::from(cpus)
        .push_reservation(dynamic_reservation(ROLE, None))
        .unwrap();
    let mut operation: offer::Operation =
        evolve(&operations::reserve(reserved.into_vec())).unwrap();
    operation.id = Some(OperationId { value: id.into() });
    call::Accept {
        offer_ids: vec![offer.id.clone()],
        operations: vec![operation],
        filters: None,
    }
}

#[test]
fn operations_with_an_id_report_finished_or_an_error_and_reconcile() {
    let Some(install) =
        require_mesos("operations_with_an_id_report_finished_or_an_error_and_reconcile")
    else {
        return;
    };
    support::init_logging();
    let cluster = Cluster::start(&install, 1, "cpus:2;mem:1024;disk:1000");
    let (sender, seen) = mpsc::channel();
    let mesos = Mesos::builder(Reporter(sender), cluster.master.clone())
        .build()
        .unwrap();
    mesos.start().unwrap();

    let offer = next_offer(&seen);
    mesos.accept(reserve(&offer, 1.0, "reserve-one")).unwrap();
    let states = operation_states(&seen, "reserve-one");
    assert_eq!(
        states.last(),
        Some(&OperationState::OperationFinished),
        "{states:?}"
    );

    // Twice the agent's cpus: the master refuses it, and says so.
    let offer = next_offer(&seen);
    mesos
        .accept(reserve(&offer, 8.0, "reserve-too-much"))
        .unwrap();
    let states = operation_states(&seen, "reserve-too-much");
    let last = *states.last().unwrap();
    assert!(
        matches!(
            last,
            OperationState::OperationError
                | OperationState::OperationFailed
                | OperationState::OperationDropped
        ),
        "{states:?}"
    );

    // The master still knows the finished one.
    mesos
        .reconcile_operations(call::ReconcileOperations {
            operations: vec![call::reconcile_operations::Operation {
                operation_id: OperationId {
                    value: "reserve-one".into(),
                },
                agent_id: Some(offer.agent_id.clone()),
                resource_provider_id: None,
            }],
        })
        .unwrap();
    let answer = operation_states(&seen, "reserve-one");
    assert!(!answer.is_empty(), "no answer to RECONCILE_OPERATIONS");
    eprintln!("reconciled reserve-one: {answer:?}");

    mesos.teardown().unwrap();
    mesos.stop().unwrap();
}

#[test]
fn the_reference_scenario_runs_on_v1_with_operation_feedback() {
    let Some(install) = require_mesos("the_reference_scenario_runs_on_v1_with_operation_feedback")
    else {
        return;
    };
    let cluster = Cluster::start(&install, 4, "cpus:1;mem:1024;disk:10000");
    let master = cluster.master.clone();
    assert!(run_example("reserve_cluster", &["--master", &master]).0);
    let (ok, output) = run_example("main_v1", &["--master", &master, "--timeout", "120"]);
    assert!(ok, "main_v1 failed:\n{output}");
    for line in [
        "subscribed as framework",
        "refining the reservation",
        "operation refine-tenant1-private is OperationFinished",
        "reservation refined",
        "TaskRunning",
        "TaskFinished",
    ] {
        assert!(output.contains(line), "missing {line:?} in:\n{output}");
    }
    checks::assert_reference_scenario_ran(&cluster.operator(), &cluster.agent_ports);
}

/// The master's maintenance schedule: `machine` unavailable from now, for
/// an hour.
fn maintenance_window(hostname: &str, ip: &str) -> maintenance::Schedule {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as i64;
    maintenance::Schedule {
        windows: vec![maintenance::Window {
            machine_ids: vec![MachineId {
                hostname: Some(hostname.into()),
                ip: Some(ip.into()),
            }],
            unavailability: Unavailability {
                start: TimeInfo { nanoseconds: now },
                duration: Some(DurationInfo {
                    nanoseconds: 3_600_000_000_000,
                }),
            },
        }],
    }
}

#[test]
fn an_inverse_offer_reaches_the_scheduler_after_a_maintenance_schedule_is_posted() {
    const TEST: &str =
        "an_inverse_offer_reaches_the_scheduler_after_a_maintenance_schedule_is_posted";
    let Some(install) = require_mesos(TEST) else {
        return;
    };
    support::init_logging();
    let cluster = Cluster::start(&install, 1, "cpus:1;mem:256;disk:100");
    // The framework keeps its offer: the allocator sends inverse offers to
    // the frameworks that hold resources of the machine.
    let (scheduler, mut events) = v1_channel(subscribing(
        v1_events::framework("v1 maintenance", ROLE, 0.0),
        |_, _| {},
    ));
    let mesos = Mesos::builder(scheduler, cluster.master.clone())
        .build()
        .unwrap();
    mesos.start().unwrap();
    let framework_id = events.subscribed(WAIT).framework_id;
    let offer = events.wait_for("an offer", WAIT, |seen| {
        seen.event()?.offers.as_ref()?.offers.first().cloned()
    });

    let operator = cluster.operator();
    let agents = operator.get_agents().expect("GET_AGENTS").agents;
    let agent = &agents[0];
    // The machine is the agent's hostname and the IP of its pid.
    let hostname = &agent.agent_info.hostname;
    let ip = agent
        .pid
        .as_deref()
        .and_then(|pid| pid.split('@').nth(1))
        .and_then(|address| address.split(':').next())
        .expect("the agent's pid has an IP");
    operator
        .update_maintenance_schedule(maintenance_window(hostname, ip))
        .expect("UPDATE_MAINTENANCE_SCHEDULE");

    let inverse = events.wait_for("an inverse offer", WAIT, |seen| {
        seen.event()?
            .inverse_offers
            .as_ref()?
            .inverse_offers
            .first()
            .cloned()
    });
    assert_eq!(
        inverse.agent_id.as_ref(),
        Some(&offer.agent_id),
        "{inverse:?}"
    );
    assert_eq!(inverse.framework_id, framework_id);
    assert!(inverse.unavailability.start.nanoseconds > 0, "{inverse:?}");
    mesos
        .accept_inverse_offers(call::AcceptInverseOffers {
            inverse_offer_ids: vec![inverse.id.clone()],
            filters: None,
        })
        .unwrap();
    // The master records the answer in the machine's maintenance status.
    cluster.poll("the inverse offer accepted", WAIT, |_| {
        let status = operator
            .get_maintenance_status()
            .expect("GET_MAINTENANCE_STATUS");
        eprintln!("maintenance status: {status:?}");
        status
            .draining_machines
            .iter()
            .flat_map(|machine| &machine.statuses)
            .any(|answer| {
                answer.framework_id == framework_id
                    && answer.status() == inverse_offer_status::Status::Accept
            })
            .then_some(())
    });
    // (The offer held above was rescinded when the schedule was posted:
    // nothing left to decline.)
    mesos.teardown().unwrap();
    mesos.stop().unwrap();
}

#[test]
fn a_task_group_runs_through_launch_group_on_the_v1_custom_executor() {
    const TEST: &str = "a_task_group_runs_through_launch_group_on_the_v1_custom_executor";
    let Some(install) = require_mesos(TEST) else {
        return;
    };
    support::init_logging();
    let program = support::example_binary("main_v1");
    assert!(program.is_file(), "{} missing", program.display());
    let cluster = Cluster::start(&install, 1, "cpus:1;mem:256;disk:100");
    const TASKS: [&str; 2] = ["group-task-a", "group-task-b"];
    let (scheduler, mut events) = v1_channel(subscribing(
        v1_events::framework("v1 task group", ROLE, 0.0),
        v1_events::launch_once(move |offer| {
            let executor = v1_events::v1_executor(&program, "task-group-executor", offer);
            let tasks = TASKS
                .iter()
                .map(|id| v1_events::task(id, offer, None, &format!("echo {id}")))
                .collect();
            v1_events::launch_group(executor, tasks)
        }),
    ));
    let mesos = Mesos::builder(scheduler, cluster.master.clone())
        .build()
        .unwrap();
    mesos.start().unwrap();
    events.subscribed(WAIT);
    let mut finished = Vec::new();
    events.wait_for("both tasks of the group FINISHED", WAIT, |seen| {
        let status = seen.status()?;
        match status.state() {
            TaskState::TaskFinished => finished.push(status.task_id.value.clone()),
            TaskState::TaskFailed | TaskState::TaskError | TaskState::TaskLost => {
                panic!("a task of the group did not finish: {status:?}")
            }
            _ => {}
        }
        (finished.len() == TASKS.len()).then_some(())
    });
    finished.sort();
    assert_eq!(finished, TASKS);
    mesos.teardown().unwrap();
    mesos.stop().unwrap();
}
