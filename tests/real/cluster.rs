//! Against a real Mesos master and agents on loopback (skipped loudly
//! without Mesos; `MESOS_TEST_REQUIRE=1` makes a missing Mesos a failure).

use crate::support;

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Sender};
use std::time::Duration;

use crate::support::{require_mesos, Cluster};
use mesos_native::proto::framework_info::capability::Type as Capability;
use mesos_native::proto::framework_info::Capability as CapabilityInfo;
use mesos_native::proto::{
    CommandInfo, ExecutorId, ExecutorInfo, Filters, FrameworkId, FrameworkInfo, MasterInfo, Offer,
    TaskId, TaskInfo, TaskState, TaskStatus,
};
use mesos_native::resources::{self, Resources};
use mesos_native::{operations, DriverStatus, MesosSchedulerDriver, Scheduler, SchedulerDriver};

const RESOURCES: &str = "cpus:1;mem:512;disk:1000";

fn framework(name: &str) -> FrameworkInfo {
    FrameworkInfo {
        user: String::new(),
        name: name.into(),
        ..Default::default()
    }
}

/// Reports registration and the first offer, declines it, and stops.
struct DeclineAndStop {
    events: Sender<String>,
}

impl Scheduler for DeclineAndStop {
    fn registered(&mut self, _: &SchedulerDriver, framework_id: FrameworkId, master: MasterInfo) {
        let _ = self.events.send(format!(
            "registered {} with master {}:{}",
            framework_id.value,
            master.hostname(),
            master.port
        ));
    }

    fn resource_offers(&mut self, driver: &SchedulerDriver, offers: Vec<Offer>) {
        for offer in &offers {
            let _ = self
                .events
                .send(format!("offer {} from {}", offer.id.value, offer.hostname));
            driver
                .decline_offer(
                    &offer.id,
                    &Filters {
                        refuse_seconds: Some(60.0),
                    },
                )
                .unwrap();
        }
        driver.stop(false).unwrap();
    }

    fn status_update(&mut self, _: &SchedulerDriver, _: TaskStatus) {}

    fn error(&mut self, _: &SchedulerDriver, message: String) {
        let _ = self.events.send(format!("error {message}"));
    }
}

#[test]
fn registers_receives_an_offer_declines_it_and_stops() {
    let Some(install) = require_mesos("registers_receives_an_offer_declines_it_and_stops") else {
        return;
    };
    support::init_logging();
    let cluster = Cluster::start(&install, 1, RESOURCES);
    let (events, received) = mpsc::channel();
    let driver = MesosSchedulerDriver::builder(
        DeclineAndStop { events },
        framework("decline-and-stop"),
        &*cluster.master,
    )
    .build()
    .expect("create the driver over libmesos");
    let version = mesos_native::Shim::native().unwrap().library_version();
    eprintln!(
        "libmesos {:?} at {} (shim compiled for {})",
        version.loaded, version.path, version.compiled
    );

    let status = driver.run().expect("run ends with stop");
    assert_eq!(status, DriverStatus::Stopped);
    let events: Vec<String> = received.try_iter().collect();
    eprintln!("{events:#?}");
    assert!(events[0].starts_with("registered "), "{events:?}");
    assert!(events.iter().any(|e| e.starts_with("offer ")), "{events:?}");
    assert!(!events.iter().any(|e| e.starts_with("error")), "{events:?}");

    // stop(false) unregistered the framework: the master lists it as completed.
    let state = cluster.wait_for_state(
        "the framework to be torn down",
        Duration::from_secs(20),
        |state| {
            state
                .get_frameworks
                .as_ref()
                .is_some_and(|f| f.frameworks.is_empty() && f.completed_frameworks.len() == 1)
        },
    );
    let frameworks = state.get_frameworks.unwrap();
    assert_eq!(
        frameworks.completed_frameworks[0].framework_info.name,
        "decline-and-stop"
    );
}

/// What a scripted scheduler reacts to.
enum Event {
    Registered,
    Offers(Vec<Offer>),
    Status(Box<TaskStatus>),
    Error(String),
}

/// A scheduler whose behaviour is a closure, for short scenario tests.
struct Scripted<F>(F);

impl<F: FnMut(&SchedulerDriver, Event) + Send> Scheduler for Scripted<F> {
    fn registered(&mut self, driver: &SchedulerDriver, _: FrameworkId, _: MasterInfo) {
        (self.0)(driver, Event::Registered);
    }
    fn resource_offers(&mut self, driver: &SchedulerDriver, offers: Vec<Offer>) {
        (self.0)(driver, Event::Offers(offers));
    }
    fn status_update(&mut self, driver: &SchedulerDriver, status: TaskStatus) {
        (self.0)(driver, Event::Status(Box::new(status)));
    }
    fn error(&mut self, driver: &SchedulerDriver, message: String) {
        (self.0)(driver, Event::Error(message));
    }
}

fn multi_role_framework(name: &str, role: &str) -> FrameworkInfo {
    FrameworkInfo {
        roles: vec![role.into()],
        capabilities: [Capability::MultiRole, Capability::ReservationRefinement]
            .into_iter()
            .map(|kind| CapabilityInfo {
                r#type: Some(kind as i32),
            })
            .collect(),
        ..framework(name)
    }
}

/// Runs `driver` with a deadline: stops it (and fails) if it hasn't ended.
fn run_with_deadline(
    driver: &MesosSchedulerDriver,
    deadline: Duration,
) -> mesos_native::Result<DriverStatus> {
    let handle = (**driver).clone();
    let (done, finished) = mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if finished.recv_timeout(deadline).is_err() {
            eprintln!("deadline passed; stopping the driver");
            let _ = handle.stop(false);
            return true;
        }
        false
    });
    let result = driver.run();
    let _ = done.send(());
    assert!(
        !watchdog.join().unwrap(),
        "the scenario did not finish within {deadline:?}"
    );
    result
}

#[test]
fn a_framework_reserves_and_unreserves_resources() {
    let Some(install) = require_mesos("a_framework_reserves_and_unreserves_resources") else {
        return;
    };
    support::init_logging();
    let cluster = Cluster::start(&install, 1, RESOURCES);
    let (events, received) = mpsc::channel();
    let mut phase = 0;
    let scheduler = Scripted(move |driver: &SchedulerDriver, event| match event {
        Event::Offers(offers) => {
            for offer in offers {
                let offered = Resources::from(offer.resources.clone());
                let reserved = offered.reserved(Some("rsv"));
                let operation = match phase {
                    // Reserve half a cpu and 64 MB out of the unreserved part.
                    0 => {
                        let wanted = Resources::parse("cpus:0.5;mem:64").unwrap();
                        let mut allocated = wanted;
                        allocated.allocate("rsv");
                        let reservation = allocated
                            .push_reservation(resources::dynamic_reservation("rsv", None))
                            .unwrap();
                        let _ = events.send(format!("reserving {reservation}"));
                        Some(operations::reserve(reservation.into_vec()))
                    }
                    1 if !reserved.is_empty() => {
                        let _ = events.send(format!("offered reserved {reserved}; unreserving"));
                        Some(operations::unreserve(reserved.into_vec()))
                    }
                    2 if reserved.is_empty() => {
                        let _ = events.send("offered without reservation; done".to_string());
                        driver.stop(false).unwrap();
                        None
                    }
                    _ => None,
                };
                match operation {
                    Some(operation) => {
                        driver
                            .accept_offers(
                                &[offer.id],
                                &[operation],
                                &Filters {
                                    refuse_seconds: Some(0.1),
                                },
                            )
                            .unwrap();
                        phase += 1;
                    }
                    // Offers can still arrive while the driver stops;
                    // then the decline is refused, which is fine.
                    None => {
                        let _ = driver.decline_offer(
                            &offer.id,
                            &Filters {
                                refuse_seconds: Some(0.1),
                            },
                        );
                    }
                }
            }
        }
        Event::Error(message) => panic!("Mesos error: {message}"),
        _ => {}
    });
    let driver = MesosSchedulerDriver::builder(
        scheduler,
        multi_role_framework("reserver", "rsv"),
        &*cluster.master,
    )
    .build()
    .unwrap();
    assert_eq!(
        run_with_deadline(&driver, Duration::from_secs(60)).unwrap(),
        DriverStatus::Stopped
    );
    let events: Vec<String> = received.try_iter().collect();
    eprintln!("{events:#?}");
    assert!(events[0].starts_with("reserving cpus"), "{events:?}");
    assert!(events[1].starts_with("offered reserved"), "{events:?}");
    assert!(events[1].contains("rsv"), "{events:?}");
    // Nothing stays reserved on the agent.
    let agents = cluster.operator().get_agents().expect("GET_AGENTS").agents;
    let reserved: Vec<_> = agents[0]
        .total_resources
        .iter()
        .filter(|resource| !resource.reservations.is_empty())
        .collect();
    assert!(reserved.is_empty(), "still reserved: {reserved:?}");
}

/// Launches one task built by `task` on the first offer and returns the
/// states it went through (ending with a terminal one).
fn run_one_task(
    cluster: &Cluster,
    name: &str,
    task: impl Fn(&Offer) -> TaskInfo + Send + 'static,
) -> Vec<TaskState> {
    run_one_task_for_its_statuses(cluster, name, task)
        .iter()
        .map(|status| status.state())
        .collect()
}

/// As [`run_one_task`], but the whole status updates.
fn run_one_task_for_its_statuses(
    cluster: &Cluster,
    name: &str,
    task: impl Fn(&Offer) -> TaskInfo + Send + 'static,
) -> Vec<TaskStatus> {
    let (statuses, received) = mpsc::channel();
    let mut launched = false;
    let scheduler = Scripted(move |driver: &SchedulerDriver, event| match event {
        Event::Offers(offers) => {
            for offer in offers {
                if launched {
                    // May arrive while the driver is stopping; then the
                    // decline is refused, which is fine.
                    let _ = driver.decline_offer(&offer.id, &Filters::default());
                    continue;
                }
                launched = true;
                driver
                    .launch_tasks(
                        std::slice::from_ref(&offer.id),
                        &[task(&offer)],
                        &Filters::default(),
                    )
                    .unwrap();
            }
        }
        Event::Status(status) => {
            let state = status.state();
            eprintln!("{}: {state:?} {}", status.task_id.value, status.message());
            let _ = statuses.send(*status);
            if !matches!(
                state,
                TaskState::TaskStaging | TaskState::TaskStarting | TaskState::TaskRunning
            ) {
                driver.stop(false).unwrap();
            }
        }
        Event::Error(message) => panic!("Mesos error: {message}"),
        Event::Registered => {}
    });
    let driver = MesosSchedulerDriver::builder(scheduler, framework(name), &*cluster.master)
        .build()
        .unwrap();
    assert_eq!(
        run_with_deadline(&driver, Duration::from_secs(90)).unwrap(),
        DriverStatus::Stopped
    );
    received.try_iter().collect()
}

fn small_resources() -> Vec<mesos_native::proto::Resource> {
    Resources::parse("cpus:0.1;mem:32").unwrap().into_vec()
}

#[test]
fn a_command_task_reaches_task_finished() {
    let Some(install) = require_mesos("a_command_task_reaches_task_finished") else {
        return;
    };
    support::init_logging();
    let cluster = Cluster::start(&install, 1, RESOURCES);
    let states = run_one_task(&cluster, "command-task", |offer| TaskInfo {
        name: "echo".into(),
        task_id: TaskId {
            value: "command-task-1".into(),
        },
        slave_id: offer.slave_id.clone(),
        resources: small_resources(),
        command: Some(CommandInfo {
            value: Some("echo hello from a command task".into()),
            ..Default::default()
        }),
        ..Default::default()
    });
    assert_eq!(states.last(), Some(&TaskState::TaskFinished), "{states:?}");
}

/// The reference framework's executor binary, which `cargo test` builds.
fn the_custom_executor() -> PathBuf {
    let executor = support::example_binary("executor");
    assert!(
        executor.is_file(),
        "{} missing: cargo test builds examples",
        executor.display()
    );
    executor
}

/// A task named `name` for `executor` (see [`the_custom_executor`]), which
/// runs the task's `data` as a shell command, on `offer`'s agent.
fn custom_executor_task(
    offer: &Offer,
    executor: &Path,
    name: &str,
    task_id: &str,
    data: &[u8],
) -> TaskInfo {
    TaskInfo {
        name: name.into(),
        task_id: TaskId {
            value: task_id.into(),
        },
        slave_id: offer.slave_id.clone(),
        resources: small_resources(),
        executor: Some(ExecutorInfo {
            executor_id: ExecutorId {
                value: "rust-executor".into(),
            },
            command: Some(CommandInfo {
                value: Some(executor.display().to_string()),
                ..Default::default()
            }),
            resources: small_resources(),
            ..Default::default()
        }),
        data: Some(data.to_vec()),
        ..Default::default()
    }
}

#[test]
fn a_custom_executor_runs_a_task_to_task_finished() {
    let Some(install) = require_mesos("a_custom_executor_runs_a_task_to_task_finished") else {
        return;
    };
    support::init_logging();
    let executor = the_custom_executor();
    let cluster = Cluster::start(&install, 1, RESOURCES);
    let states = run_one_task(&cluster, "custom-executor", move |offer| {
        custom_executor_task(
            offer,
            &executor,
            "work",
            "executor-task-1",
            b"echo hello from the Rust executor",
        )
    });
    assert_eq!(
        states,
        [TaskState::TaskRunning, TaskState::TaskFinished],
        "{states:?}"
    );
}

/// The shim serializes a callback's message into a 1 KiB buffer on its own
/// stack, and a larger one into the heap: here both the task the executor
/// is handed and the status the scheduler gets back are several KiB.
#[test]
fn a_task_and_a_status_larger_than_the_shims_stack_buffer_cross_whole() {
    let Some(install) =
        require_mesos("a_task_and_a_status_larger_than_the_shims_stack_buffer_cross_whole")
    else {
        return;
    };
    support::init_logging();
    let executor = the_custom_executor();
    let cluster = Cluster::start(&install, 1, RESOURCES);
    // The executor runs the task's data as a shell command and reports
    // "command `...` succeeded: <its output>".
    let output = "0123456789abcdef".repeat(256);
    let command = format!("printf '%s' {output}");
    let statuses = run_one_task_for_its_statuses(&cluster, "large-messages", move |offer| {
        custom_executor_task(offer, &executor, "large", "large-1", command.as_bytes())
    });
    let last = statuses.last().expect("no status update");
    assert_eq!(last.state(), TaskState::TaskFinished, "{last:?}");
    assert!(
        last.message().ends_with(&format!("succeeded: {output}")),
        "the executor's output did not come back whole: {} bytes of message",
        last.message().len()
    );
}

#[test]
fn explicit_reconciliation_answers_every_listed_task_call_after_call() {
    use mesos_native::proto::task_status::Reason;
    use support::events::{channel, decline_all, Ev};

    let Some(install) =
        require_mesos("explicit_reconciliation_answers_every_listed_task_call_after_call")
    else {
        return;
    };
    support::init_logging();
    let cluster = Cluster::start(&install, 1, RESOURCES);
    let (scheduler, mut events) = channel(decline_all);
    let driver = MesosSchedulerDriver::builder(scheduler, framework("reconcile"), &*cluster.master)
        .build()
        .unwrap();
    driver.start().unwrap();
    let agent = events.wait_for("an offer", Duration::from_secs(60), |event| match event {
        Ev::Offers(offers) => offers.first().map(|offer| offer.slave_id.clone()),
        _ => None,
    });
    // Lists of different lengths, so that the shim's per-thread list of
    // parsed statuses (reused from call to call) grows, shrinks and grows.
    for (round, count) in [3, 1, 5].into_iter().enumerate() {
        let ids: Vec<String> = (0..count).map(|i| format!("unknown-{round}-{i}")).collect();
        let statuses: Vec<TaskStatus> = ids
            .iter()
            .map(|id| {
                let mut status = TaskStatus {
                    task_id: TaskId { value: id.clone() },
                    slave_id: Some(agent.clone()),
                    ..Default::default()
                };
                status.set_state(TaskState::TaskRunning);
                status
            })
            .collect();
        driver.reconcile_tasks(&statuses).unwrap();
        let mut answered = std::collections::BTreeSet::new();
        while answered.len() < count {
            let status = events.wait_for(
                &format!("round {round}: a reconciliation update"),
                Duration::from_secs(30),
                |event| match event {
                    Ev::Status(status) => Some(status.clone()),
                    _ => None,
                },
            );
            assert!(
                ids.contains(&status.task_id.value),
                "round {round}: {status:?}"
            );
            assert_eq!(status.reason(), Reason::Reconciliation, "{status:?}");
            answered.insert(status.task_id.value.clone());
        }
    }
    assert_eq!(driver.stop(false).unwrap(), DriverStatus::Stopped);
}
