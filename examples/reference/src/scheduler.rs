//! The reference framework's scheduler (`main` runs it on libmesos;
//! `mesos-testing/tests/reference_scheduler.rs` runs it on the testing
//! kit): it takes resources reserved to `tenant1/private`, refines them to
//! its own role, launches one task with the custom executor on the
//! refined resources, declines everything else, and stops the driver when
//! the task ends. See `examples/main.rs` for the whole story; `run` is what
//! `main` does.

use std::sync::Arc;
use std::time::{Duration, Instant};

use mesos_native::operations;
use mesos_native::proto::framework_info::capability::Type as Capability;
use mesos_native::proto::framework_info::Capability as CapabilityInfo;
use mesos_native::proto::{
    Credential, ExecutorId, ExecutorInfo, FrameworkId, FrameworkInfo, MasterInfo, Offer, SlaveId,
    TaskId, TaskInfo, TaskState, TaskStatus,
};
use mesos_native::resources::Resources;
use mesos_native::scheduler::RegistrationStalled;
use mesos_native::{MesosSchedulerDriver, Scheduler, SchedulerDriver};

use crate::executor_command::ExecutorSource;
use crate::scenario::{
    self, portion, EXECUTOR_ID, EXECUTOR_SHARE, PARENT_ROLE, ROLE, TASK_ID, TASK_SHARE,
};
use mesos_native::election::{Candidate, Election};
use mesos_native::failover::FrameworkIdStore;
use mesos_native::reconcile::{Backoff, Observed, Reconciler, Report};
use mesos_native::ZooKeeper;

/// The framework as it registers: in [`ROLE`], with the capabilities
/// hierarchical roles and refinement need, authenticated as `principal`.
pub fn framework_info(principal: Option<String>) -> FrameworkInfo {
    FrameworkInfo {
        user: String::new(), // libmesos fills in the current user
        name: "reservation refinement example (Rust)".into(),
        roles: vec![ROLE.into()],
        capabilities: [Capability::MultiRole, Capability::ReservationRefinement]
            .into_iter()
            .map(|kind| CapabilityInfo {
                r#type: Some(kind as i32),
            })
            .collect(),
        principal,
        ..Default::default()
    }
}

/// Where the scenario is. A fresh start begins at `Refining`; a failover
/// (an id from the framework store) at `Reconciling`, which moves to
/// `Running` if Mesos still knows the task, to `Done` if it ended while
/// the scheduler was away, and back to `Refining` if Mesos lost it:
///
/// ```text
/// Reconciling ──known──► Running ──finished──► Done (or CleaningUp ──► Done)
///      │ lost                ▲
///      ▼                     │ launched
/// Refining ──RESERVE──► AwaitingRefined
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    /// Failing over: asking the master what became of the task, before
    /// doing anything that could launch it twice.
    Reconciling,
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

pub use crate::scenario::Outcome;

pub struct RefinementScheduler {
    executor: ExecutorSource,
    cleanup: bool,
    principal: Option<String>,
    phase: Phase,
    framework_id: Option<FrameworkId>,
    agent: Option<SlaveId>,
    outcome: Outcome,
    store: Option<Arc<FrameworkIdStore>>,
    reconciler: Reconciler,
}

impl RefinementScheduler {
    /// A scheduler that launches `executor`'s command, reserving as
    /// `principal`; with `cleanup`, it unreserves its refinement after the
    /// task; with a `store`, it saves its framework id there on
    /// registration. How the run ended goes to `outcome`.
    pub fn new(
        executor: ExecutorSource,
        cleanup: bool,
        principal: Option<String>,
        outcome: Outcome,
        store: Option<Arc<FrameworkIdStore>>,
    ) -> Self {
        Self {
            executor,
            cleanup,
            principal,
            phase: Phase::Refining,
            framework_id: None,
            agent: None,
            outcome,
            store,
            reconciler: Reconciler::new(Backoff {
                first: Duration::from_secs(2),
                ..Backoff::default()
            }),
        }
    }

    /// This run fails over to a framework a previous run registered: its
    /// task may be running already, so it reconciles before anything else.
    pub fn failing_over(mut self) -> Self {
        self.phase = Phase::Reconciling;
        self
    }

    /// Asks the master what it knows of the task (explicit reconciliation).
    fn reconcile(&mut self, driver: &SchedulerDriver) {
        let mut believed = TaskStatus {
            task_id: TaskId {
                value: TASK_ID.into(),
            },
            slave_id: self.agent.clone(),
            ..Default::default()
        };
        believed.set_state(TaskState::TaskRunning);
        let asks = self.reconciler.start([believed], Instant::now());
        println!("reconciling task {TASK_ID} with the master");
        log::info!("waiting for the master's answer about task {TASK_ID}");
        let _ = driver.reconcile_tasks(&asks);
    }

    /// What the reconciliation found: go on from where the task is.
    fn reconciled(&mut self, driver: &SchedulerDriver, report: Report) {
        if let Some(status) = report.confirmed.into_iter().next() {
            println!(
                "reconciled: task {TASK_ID} is {:?} on agent {}",
                status.state(),
                status.slave_id.as_ref().map_or("?", |id| id.value.as_str())
            );
            self.agent = status.slave_id.clone().or(self.agent.take());
            self.phase = Phase::Running;
            self.task_status(driver, status);
        } else if self.phase == Phase::Reconciling {
            println!("reconciled: the master does not know task {TASK_ID}; starting the scenario");
            self.phase = Phase::Refining;
        } else if let Some(lost) = report.lost.into_iter().next() {
            // Asked again while it ran (a new master): the task is gone,
            // and the run ends as for any lost task.
            self.task_status(driver, lost);
        }
    }

    /// A status of the task (an update, or a reconciliation's answer).
    fn task_status(&mut self, driver: &SchedulerDriver, status: TaskStatus) {
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

    fn finish(&mut self, driver: &SchedulerDriver, result: Result<String, String>) {
        self.phase = Phase::Done;
        self.outcome.lock().unwrap().get_or_insert(result);
        println!("stopping the driver");
        let _ = driver.stop(false);
    }

    fn decline(driver: &SchedulerDriver, offer: &Offer, seconds: f64) {
        log::debug!(
            "declining offer {} of agent {} for {seconds} s: nothing in it for this step",
            offer.id.value,
            offer.hostname
        );
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
                log::info!(
                    "waiting for agent {}'s next offer, with the refined resources",
                    offer.hostname
                );
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
                log::info!("waiting for task {TASK_ID}'s status updates");
            }
            Err(error) => self.finish(driver, Err(format!("launching the task failed: {error}"))),
        }
    }
}

impl Scheduler for RefinementScheduler {
    fn registered(
        &mut self,
        driver: &SchedulerDriver,
        framework_id: FrameworkId,
        master: MasterInfo,
    ) {
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
        if self.phase == Phase::Reconciling {
            self.reconcile(driver);
            return;
        }
        log::info!(
            "waiting for offers holding resources reserved to {PARENT_ROLE} (none come unless \
             the cluster is reserved: cargo run --example reserve_cluster)"
        );
    }

    fn reregistered(&mut self, driver: &SchedulerDriver, master: MasterInfo) {
        println!(
            "re-registered with master {}:{}",
            master.hostname(),
            master.port
        );
        // A new leading master may have missed updates: ask again.
        if self.phase == Phase::Running {
            self.reconcile(driver);
        }
    }

    fn disconnected(&mut self, _: &SchedulerDriver) {
        println!("disconnected from the master; the driver keeps trying to reconnect");
    }

    fn resource_offers(&mut self, driver: &SchedulerDriver, offers: Vec<Offer>) {
        // Offers come every few seconds: the reconciler's clock ticks here.
        if let Some(due) = self.reconciler.poll(Instant::now()) {
            if let Some(asks) = due.request.filter(|asks| !asks.is_empty()) {
                let _ = driver.reconcile_tasks(&asks);
            }
            if let Some(report) = due.gave_up {
                self.reconciled(driver, report);
            }
        }
        for offer in offers {
            let (refined, parent) = scenario::reservations(offer.resources.clone());
            let ours = self
                .agent
                .as_ref()
                .is_none_or(|agent| *agent == offer.slave_id);
            match self.phase {
                // Nothing that could launch the task twice until reconciled.
                Phase::Reconciling => Self::decline(driver, &offer, 1.0),
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

    fn offer_rescinded(&mut self, _: &SchedulerDriver, offer_id: mesos_native::proto::OfferId) {
        println!("offer {} rescinded", offer_id.value);
    }

    fn status_update(&mut self, driver: &SchedulerDriver, status: TaskStatus) {
        match self.reconciler.observe(&status) {
            Observed::Done(report) => self.reconciled(driver, report),
            Observed::Answer => {} // more answers to come
            Observed::UnknownToFramework(status) => {
                println!("the master knows task {}, not ours", status.task_id.value)
            }
            _ => self.task_status(driver, status),
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

    fn registration_stalled(&mut self, _: &SchedulerDriver, stalled: RegistrationStalled) {
        // Printed whatever RUST_LOG says: the one line that explains why
        // nothing happens (the driver keeps trying; --timeout ends the run).
        scenario::say(&format!("main: {stalled}"));
    }

    fn error(&mut self, _: &SchedulerDriver, message: String) {
        self.phase = Phase::Done;
        self.outcome
            .lock()
            .unwrap()
            .get_or_insert(Err(format!("Mesos reported an error: {message}")));
    }
}

/// With a framework store: how long the master keeps the framework and
/// its tasks for a restarted scheduler.
const FAILOVER_TIMEOUT: Duration = Duration::from_secs(3600);

/// One run of the reference framework, as `main` (or a program embedding
/// it, see `embed/`) asks for it.
pub struct Run {
    pub master: String,
    /// Principal and secret, when the master authenticates.
    pub credential: Option<(String, String)>,
    pub executor: ExecutorSource,
    /// Unreserve the refinement after the task.
    pub cleanup: bool,
    /// Give up when no task finished within this.
    pub timeout: Duration,
    /// `HOST:PORT/ZNODE`: keep the framework id in State there.
    pub framework_store: Option<String>,
    /// `HOST:PORT/ZNODE`: stand by until this instance leads the election
    /// there (with a framework store, so the next leader fails over).
    pub leader_election: Option<String>,
}

/// Why a run failed, and the exit status that says so: 2 for what the
/// caller gave (a bad store location, a driver that cannot be created), 1
/// for the run itself.
#[derive(Debug)]
pub struct Failed {
    pub code: i32,
    pub message: String,
}

impl Failed {
    /// Exit status 2: the options or the environment can't work.
    pub(crate) fn usage(message: String) -> Self {
        Self { code: 2, message }
    }

    /// Exit status 1: the run itself failed.
    pub(crate) fn run(message: String) -> Self {
        Self { code: 1, message }
    }
}

/// Registers the framework (failing over to the stored id, if any), runs
/// the scenario to its end, and says how it ended.
pub fn run(run: Run) -> Result<String, Failed> {
    let outcome: Outcome = Arc::default();
    let principal = run.credential.as_ref().map(|(p, _)| p.clone());
    let store = match run
        .framework_store
        .as_deref()
        .map(FrameworkIdStore::zookeeper)
    {
        None => None,
        Some(Ok(store)) => Some(Arc::new(store)),
        Some(Err(error)) => return Err(Failed::usage(format!("--framework-store: {error}"))),
    };
    // Lead first: the id in the store is the previous leader's until then.
    let candidate = match run.leader_election.as_deref() {
        Some(location) => Some(lead_the_election(location)?),
        None => None,
    };
    let mut framework = framework_info(principal.clone());
    let mut failing_over = false;
    if let Some(store) = &store {
        // Within the hour a restart owns the framework and its tasks again.
        match store.prepare(&mut framework, FAILOVER_TIMEOUT) {
            Ok(Some(id)) => {
                println!(
                    "failing over to framework {} (from the framework store)",
                    id.value
                );
                failing_over = true;
            }
            Ok(None) => {}
            Err(error) => {
                return Err(Failed::run(format!(
                    "cannot read the framework id: {error}"
                )))
            }
        }
    }
    let mut scheduler = RefinementScheduler::new(
        run.executor,
        run.cleanup,
        principal,
        Arc::clone(&outcome),
        store.clone(),
    );
    if failing_over {
        scheduler = scheduler.failing_over();
    }
    let mut builder = MesosSchedulerDriver::builder(scheduler, framework, run.master.clone());
    if let Some((principal, secret)) = run.credential {
        builder = builder.credential(Credential {
            principal,
            secret: Some(secret),
        });
    }
    let driver = builder
        .build()
        .map_err(|error| Failed::usage(format!("cannot create the scheduler driver: {error}")))?;
    println!("connecting to master {}", run.master);
    log::info!("waiting for the master to register the framework");

    let handle = (*driver).clone();
    scenario::give_up_after(run.timeout, &outcome, move || {
        let _ = handle.stop(false);
    });
    if let Some(candidate) = candidate {
        let handle = (*driver).clone();
        step_down_when_out(candidate, &outcome, move || {
            // Not stop(false): the framework is the next leader's now.
            let _ = handle.abort();
        });
    }

    let ran = driver.run();
    let outcome = outcome.lock().unwrap().clone();
    match (ran, outcome) {
        (Ok(_), Some(Ok(message))) => {
            // stop(false) tore the framework down: its id names nothing now.
            if let Some(store) = &store {
                if let Err(error) = store.forget() {
                    eprintln!("could not forget the framework id: {error}");
                }
            }
            Ok(message)
        }
        (_, Some(Err(message))) => Err(Failed::run(message)),
        (Err(error), _) => Err(Failed::run(format!("the driver failed: {error}"))),
        (Ok(status), None) => Err(Failed::run(format!(
            "the driver ended ({status}) before the task finished"
        ))),
    }
}

/// Joins the election at `location` and waits, however long it takes,
/// until this instance leads it.
fn lead_the_election(location: &str) -> Result<Candidate, Failed> {
    let election = ZooKeeper::parse(location)
        .and_then(|zookeeper| Election::zookeeper(&zookeeper))
        .map_err(|error| Failed::usage(format!("--leader-election: {error}")))?;
    let name = format!("main pid {}", std::process::id());
    let candidate = election
        .join(&name)
        .map_err(|error| Failed::usage(format!("--leader-election: {error}")))?;
    println!("joined the leader election at {location} as {name}");
    // Say who leads while standing by, then wait without a deadline.
    if candidate.lead(Duration::from_secs(2)).is_err() {
        let leader = candidate.leader().unwrap_or_else(|| "nobody yet".into());
        println!("standing by: {leader} leads");
        candidate
            .lead(Duration::MAX)
            .map_err(|error| Failed::run(error.to_string()))?;
    }
    println!("leading the election at {location}");
    Ok(candidate)
}

/// Once `candidate` is out of its election, ends the run (`abort`):
/// another instance is about to register as this framework. Leaves the
/// election once the run has ended otherwise.
fn step_down_when_out(
    candidate: Candidate,
    outcome: &Outcome,
    abort: impl FnOnce() + Send + 'static,
) {
    let outcome = Arc::clone(outcome);
    std::thread::spawn(move || loop {
        let out = candidate.wait_until_out(Duration::from_secs(1));
        let mut outcome = outcome.lock().unwrap();
        if outcome.is_some() {
            return; // the run ended: dropping the candidate leaves
        }
        if let Ok(reason) = out {
            *outcome = Some(Err(format!(
                "no longer leading ({reason}): stepping down for the next leader"
            )));
            abort();
            return;
        }
    });
}
