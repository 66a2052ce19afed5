//! The reference framework: reservation refinement on a multi-tenant
//! cluster, with a custom executor.
//!
//! It registers in role `tenant1/private/test-framework` (capabilities
//! MULTI_ROLE and RESERVATION_REFINEMENT), so Mesos offers it resources
//! reserved to that role or to its ancestors `tenant1/private` and
//! `tenant1`. It takes an offer holding resources reserved to
//! `tenant1/private`, refines that reservation to its own role (RESERVE),
//! and when the refined resources come back launches one task with the
//! custom executor (`examples/executor.rs`) on that agent, using only
//! refined resources. Everything else is declined. When the task finishes
//! it stops the driver and exits 0; a failed task or a driver error exits
//! non-zero with a message saying what happened.
//!
//! ```text
//! cargo run --example main -- [--master HOST:PORT] [--executor PATH | --executor-uri URI]
//!                             [--cleanup] [--principal P --secret-file F] [--timeout SECS]
//!                             [--framework-store HOST:PORT/ZNODE]
//! ```
//!
//! `--framework-store` keeps the framework id in libmesos's State on
//! ZooKeeper (`support/framework_store.rs`): stored on registration, read
//! back on the next start, which then fails over to the same framework
//! (failover timeout one hour) instead of registering a new one, and
//! forgotten once the scenario ends and tears the framework down.
//!
//! The binary is also its own custom executor: by default the task's
//! executor is this program, which the agent starts with
//! `MESOS_RS_REFINEMENT_EXAMPLE=executor` in its environment, and then runs
//! the executor of `support/refinement_executor.rs` instead of the
//! scheduler. So `cargo run --example main` needs nothing built beforehand.
//! `--executor PATH` runs another program (e.g. the `executor` example);
//! `--executor-uri URI` has each agent's fetcher download it first, for
//! agents on other machines (see `support/executor_command.rs`).
//!
//! Prepare the cluster first: `scripts/local-cluster.sh up`, then
//! `cargo run --example reserve_cluster` (see the README).

#[path = "support/cli.rs"]
mod cli;
// Shared with `main_v1`, which uses the v1 parts.
#[allow(dead_code)]
#[path = "support/executor_command.rs"]
mod executor_command;
#[path = "support/framework_store.rs"]
mod framework_store;
#[path = "support/refinement_executor.rs"]
mod refinement_executor;
#[path = "support/scenario.rs"]
mod scenario;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use executor_command::{ExecutorSource, EXECUTOR_VARIABLE};
use framework_store::FrameworkStore;
use mesos::operations;
use mesos::proto::framework_info::capability::Type as Capability;
use mesos::proto::framework_info::Capability as CapabilityInfo;
use mesos::proto::{
    Credential, ExecutorId, ExecutorInfo, FrameworkId, FrameworkInfo, MasterInfo, Offer, SlaveId,
    TaskId, TaskInfo, TaskState, TaskStatus,
};
use mesos::resources::Resources;
use mesos::{MesosSchedulerDriver, Scheduler, SchedulerDriver};
use scenario::{portion, EXECUTOR_ID, EXECUTOR_SHARE, PARENT_ROLE, ROLE, TASK_ID, TASK_SHARE};

struct Options {
    connection: cli::Connection,
    executor: ExecutorSource,
    cleanup: bool,
    timeout: Duration,
    framework_store: Option<String>,
}

/// With `--framework-store`: how long the master keeps the framework and
/// its tasks for a restarted scheduler.
const FAILOVER_TIMEOUT: f64 = 3600.0;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    /// Looking for resources reserved to tenant1/private to refine.
    Refining,
    /// RESERVE sent; waiting for the refined resources to be offered.
    AwaitingRefined,
    /// Task launched; waiting for its status updates.
    Running,
    /// Task finished; with --cleanup, waiting to unreserve the refinement.
    CleaningUp,
    Done,
}

/// How the run ended, read by `main` after the driver stops.
type Outcome = Arc<Mutex<Option<Result<String, String>>>>;

struct RefinementScheduler {
    executor: ExecutorSource,
    cleanup: bool,
    principal: Option<String>,
    phase: Phase,
    framework_id: Option<FrameworkId>,
    agent: Option<SlaveId>,
    outcome: Outcome,
    store: Option<Arc<FrameworkStore>>,
}

impl RefinementScheduler {
    fn finish(&mut self, driver: &SchedulerDriver, result: Result<String, String>) {
        self.phase = Phase::Done;
        self.outcome.lock().unwrap().get_or_insert(result);
        println!("stopping the driver");
        let _ = driver.stop(false);
    }

    fn decline(driver: &SchedulerDriver, offer: &Offer, seconds: f64) {
        let _ = driver.decline_offer(&offer.id, &operations::refuse_seconds(seconds));
    }

    /// Refines the tenant1/private part of `offer` to our role.
    fn refine(&mut self, driver: &SchedulerDriver, offer: &Offer, parent: &Resources) {
        let refined = match parent.refine(ROLE, self.principal.as_deref()) {
            Ok(refined) => refined,
            Err(error) => {
                return self.finish(
                    driver,
                    Err(format!("cannot refine the reservation: {error}")),
                )
            }
        };
        println!(
            "offer {} taken on agent {}: {parent}",
            offer.id.value, offer.hostname
        );
        println!("refining the reservation {PARENT_ROLE} -> {ROLE}");
        match driver.accept_offers(
            std::slice::from_ref(&offer.id),
            &[operations::reserve(refined.into_vec())],
            &operations::refuse_seconds(1.0),
        ) {
            Ok(()) => {
                self.agent = Some(offer.slave_id.clone());
                self.phase = Phase::AwaitingRefined;
            }
            Err(error) => self.finish(driver, Err(format!("accepting the offer failed: {error}"))),
        }
    }

    /// Launches the task and its executor on the refined resources.
    fn launch(&mut self, driver: &SchedulerDriver, offer: &Offer, refined: &Resources) {
        let (Some(executor_resources), Some(task_resources)) = (
            portion(refined, &EXECUTOR_SHARE),
            portion(refined, &TASK_SHARE),
        ) else {
            return self.finish(
                driver,
                Err(format!("the refined resources are too small: {refined}")),
            );
        };
        println!("reservation refined on agent {}: {refined}", offer.hostname);
        let executor = ExecutorInfo {
            executor_id: ExecutorId {
                value: EXECUTOR_ID.into(),
            },
            framework_id: self.framework_id.clone(),
            name: Some("refinement example executor".into()),
            command: Some(self.executor.command()),
            resources: executor_resources,
            ..Default::default()
        };
        let task = TaskInfo {
            name: "refinement example task".into(),
            task_id: TaskId {
                value: TASK_ID.into(),
            },
            slave_id: offer.slave_id.clone(),
            resources: task_resources,
            executor: Some(executor),
            data: Some(b"echo hello from a task on refined resources".to_vec()),
            ..Default::default()
        };
        match driver.accept_offers(
            std::slice::from_ref(&offer.id),
            &[operations::launch([task])],
            &operations::refuse_seconds(5.0),
        ) {
            Ok(()) => {
                println!(
                    "task {TASK_ID} launched on agent {} with executor {}",
                    offer.hostname,
                    self.executor.describe()
                );
                self.phase = Phase::Running;
            }
            Err(error) => self.finish(driver, Err(format!("launching the task failed: {error}"))),
        }
    }
}

impl Scheduler for RefinementScheduler {
    fn registered(&mut self, _: &SchedulerDriver, framework_id: FrameworkId, master: MasterInfo) {
        println!(
            "registered as framework {} with master {}:{} in role {ROLE}",
            framework_id.value,
            master.hostname(),
            master.port
        );
        if let Some(store) = &self.store {
            match store.save(&framework_id) {
                Ok(()) => println!("framework id stored in {}", store.location()),
                Err(error) => eprintln!("main: could not store the framework id: {error}"),
            }
        }
        self.framework_id = Some(framework_id);
    }

    fn reregistered(&mut self, _: &SchedulerDriver, master: MasterInfo) {
        println!(
            "re-registered with master {}:{}",
            master.hostname(),
            master.port
        );
    }

    fn disconnected(&mut self, _: &SchedulerDriver) {
        println!("disconnected from the master; the driver keeps trying to reconnect");
    }

    fn resource_offers(&mut self, driver: &SchedulerDriver, offers: Vec<Offer>) {
        for offer in offers {
            let (refined, parent) = scenario::reservations(offer.resources.clone());
            let ours = self
                .agent
                .as_ref()
                .is_none_or(|agent| *agent == offer.slave_id);
            match self.phase {
                Phase::Refining if !refined.is_empty() => self.launch(driver, &offer, &refined),
                Phase::Refining if !parent.is_empty() => self.refine(driver, &offer, &parent),
                Phase::AwaitingRefined if ours && !refined.is_empty() => {
                    self.launch(driver, &offer, &refined)
                }
                Phase::CleaningUp if ours && !refined.is_empty() => {
                    println!(
                        "unreserving the refinement on agent {}: {refined}",
                        offer.hostname
                    );
                    let result = driver.accept_offers(
                        std::slice::from_ref(&offer.id),
                        &[operations::unreserve(refined.into_vec())],
                        &operations::refuse_seconds(1.0),
                    );
                    let outcome = match result {
                        Ok(()) => Ok(format!("task {TASK_ID} finished; refinement unreserved")),
                        Err(error) => Err(format!("unreserving the refinement failed: {error}")),
                    };
                    self.finish(driver, outcome);
                }
                // Resources of other roles, or nothing we need now.
                _ => Self::decline(driver, &offer, 30.0),
            }
        }
    }

    fn offer_rescinded(&mut self, _: &SchedulerDriver, offer_id: mesos::proto::OfferId) {
        println!("offer {} rescinded", offer_id.value);
    }

    fn status_update(&mut self, driver: &SchedulerDriver, status: TaskStatus) {
        let state = status.state();
        let message = status.message().to_string();
        println!(
            "status update: task {} is {state:?} {message}",
            status.task_id.value
        );
        match state {
            TaskState::TaskStaging | TaskState::TaskStarting | TaskState::TaskRunning => {}
            TaskState::TaskFinished if self.cleanup => {
                println!("task finished; waiting for the refined resources to unreserve them (--cleanup)");
                self.phase = Phase::CleaningUp;
            }
            TaskState::TaskFinished => {
                self.finish(driver, Ok(format!("task {TASK_ID} finished: {message}")))
            }
            _ => {
                let reason = status
                    .reason
                    .map(|_| format!(" (reason {:?})", status.reason()))
                    .unwrap_or_default();
                self.finish(
                    driver,
                    Err(format!(
                        "task {} ended {state:?}{reason}: {message}",
                        status.task_id.value
                    )),
                );
            }
        }
    }

    fn slave_lost(&mut self, _: &SchedulerDriver, agent: SlaveId) {
        println!("agent {} lost", agent.value);
    }

    fn executor_lost(
        &mut self,
        _: &SchedulerDriver,
        executor: ExecutorId,
        agent: SlaveId,
        status: i32,
    ) {
        println!(
            "executor {} on agent {} exited with status {status}",
            executor.value, agent.value
        );
    }

    fn error(&mut self, _: &SchedulerDriver, message: String) {
        self.phase = Phase::Done;
        self.outcome
            .lock()
            .unwrap()
            .get_or_insert(Err(format!("Mesos reported an error: {message}")));
    }
}

fn parse_options() -> Result<Options, String> {
    let mut args: VecDeque<String> = std::env::args().skip(1).collect();
    let mut rest = Vec::new();
    let connection = cli::connection(&mut args, &mut rest)?;
    let mut executor_path = None;
    let mut executor_uri = None;
    let mut cleanup = false;
    let mut timeout = Duration::from_secs(180);
    let mut framework_store = None;
    let mut rest: VecDeque<String> = rest.into();
    while let Some(arg) = rest.pop_front() {
        match arg.as_str() {
            "--executor" => executor_path = Some(cli::value(&mut rest, "--executor")?),
            "--executor-uri" => executor_uri = Some(cli::value(&mut rest, "--executor-uri")?),
            "--cleanup" => cleanup = true,
            "--framework-store" => {
                framework_store = Some(cli::value(&mut rest, "--framework-store")?)
            }
            "--timeout" => {
                let secs = cli::value(&mut rest, "--timeout")?;
                let secs: u64 = secs
                    .parse()
                    .map_err(|_| format!("--timeout takes seconds, not {secs:?}"))?;
                timeout = Duration::from_secs(secs);
            }
            "-h" | "--help" => {
                println!(
                    "usage: main [--master HOST:PORT] [--executor PATH | --executor-uri URI] [--cleanup] \
                     [--timeout SECS] [--principal P --secret-file F] \
                     [--framework-store HOST:PORT/ZNODE]\n\
                     Without --executor or --executor-uri this program is its own executor.\n\
                     (MESOS_MASTER, MESOS_PRINCIPAL, MESOS_SECRET, MESOS_SECRET_FILE are read too, \
                     and MESOS_EXAMPLE_EXECUTOR as the default for --executor)"
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    let path_variable = std::env::var(EXECUTOR_VARIABLE).ok();
    let executor = ExecutorSource::choose(
        executor_path.as_deref(),
        executor_uri.as_deref(),
        path_variable.as_deref(),
    )?;
    Ok(Options {
        connection,
        executor,
        cleanup,
        timeout,
        framework_store,
    })
}

fn main() {
    env_logger::init();
    if executor_command::started_as_executor() {
        // The agent started this binary as the task's executor.
        std::process::exit(refinement_executor::run());
    }
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("main: {message}");
            std::process::exit(2);
        }
    };
    let outcome: Outcome = Arc::default();
    let principal = options
        .connection
        .credential
        .as_ref()
        .map(|(p, _)| p.clone());
    let store = match options.framework_store.as_deref().map(FrameworkStore::open) {
        None => None,
        Some(Ok(store)) => Some(Arc::new(store)),
        Some(Err(message)) => {
            eprintln!("main: {message}");
            std::process::exit(2);
        }
    };
    let stored_id = match store.as_ref().map(|store| store.load()) {
        None => None,
        Some(Ok(id)) => id,
        Some(Err(message)) => {
            eprintln!("main: cannot read the framework id: {message}");
            std::process::exit(1);
        }
    };
    if let Some(id) = &stored_id {
        println!(
            "failing over to framework {} (from the framework store)",
            id.value
        );
    }
    let mut framework = FrameworkInfo {
        user: String::new(), // libmesos fills in the current user
        name: "reservation refinement example (Rust)".into(),
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
    if store.is_some() {
        // Within the hour a restart owns the framework and its tasks again.
        framework.id = stored_id;
        framework.failover_timeout = Some(FAILOVER_TIMEOUT);
    }
    let scheduler = RefinementScheduler {
        executor: options.executor.clone(),
        cleanup: options.cleanup,
        principal,
        phase: Phase::Refining,
        framework_id: None,
        agent: None,
        outcome: Arc::clone(&outcome),
        store: store.clone(),
    };
    let mut builder =
        MesosSchedulerDriver::builder(scheduler, framework, options.connection.master.clone());
    if let Some((principal, secret)) = options.connection.credential {
        builder = builder.credential(Credential {
            principal,
            secret: Some(secret),
        });
    }
    let driver = match builder.build() {
        Ok(driver) => driver,
        Err(error) => {
            eprintln!("main: cannot create the scheduler driver: {error}");
            std::process::exit(2);
        }
    };
    println!("connecting to master {}", options.connection.master);

    // Give up, loudly, if nothing happens (e.g. the cluster isn't reserved).
    let watchdog = {
        let driver = (*driver).clone();
        let outcome = Arc::clone(&outcome);
        let timeout = options.timeout;
        std::thread::spawn(move || {
            std::thread::sleep(timeout);
            let mut outcome = outcome.lock().unwrap();
            if outcome.is_none() {
                *outcome = Some(Err(format!(
                    "no task finished within {}s: is the master up and the cluster reserved \
                     (cargo run --example reserve_cluster)?",
                    timeout.as_secs()
                )));
                let _ = driver.stop(false);
            }
        })
    };
    drop(watchdog);

    let run = driver.run();
    let outcome = outcome.lock().unwrap().clone();
    match (run, outcome) {
        (Ok(_), Some(Ok(message))) => {
            // stop(false) tore the framework down: its id names nothing now.
            if let Some(store) = &store {
                if let Err(error) = store.forget() {
                    eprintln!("main: could not forget the framework id: {error}");
                }
            }
            println!("done: {message}");
        }
        (_, Some(Err(message))) => {
            eprintln!("main: {message}");
            std::process::exit(1);
        }
        (Err(error), _) => {
            eprintln!("main: the driver failed: {error}");
            std::process::exit(1);
        }
        (Ok(status), None) => {
            eprintln!("main: the driver ended ({status}) before the task finished");
            std::process::exit(1);
        }
    }
}
