//! The framework the partition tests run on the testbed's scheduler host.
//! libprocess binds to an address when a process first uses libmesos, so
//! a framework on another host must be another process: this test binary
//! again, started there with [`VARIABLE`] set, running only
//! [`framework_process`] (ignored otherwise).
//!
//! It keeps `tasks` long tasks (`sleep 3600`, checkpointed) running, as a
//! careful framework does: it replaces a task it sees end (for a
//! `PARTITION_AWARE` framework `TASK_UNREACHABLE` is not an end), kills a
//! task it does not believe in, and reconciles its tasks with
//! [`mesos_native::reconcile`] after every (re)registration, every few
//! seconds (so that a v0 driver talks to the master even when nothing
//! happens), and again while a task is unreachable. It declines other
//! offers for a second only, so the master keeps sending. A v0 driver
//! that is aborted (by an error, or by the framework when a
//! reconciliation goes unanswered: the master may have stopped counting
//! it while the driver noticed nothing) is replaced by a new driver with
//! the same framework id (a failover), or without it once the master
//! said it removed the framework.
//!
//! Everything it learns goes to stdout, one event a line after
//! [`PREFIX`] (`registered <id>`, `launched <task> <agent>`, `status <task>
//! <state> <reason> <source> <message>`, `reconciled ...`, `error
//! <message>`...), which the test reads; libmesos logs to stderr.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mesos_native::proto::framework_info::{capability, Capability};
use mesos_native::proto::v1 as v1p;
use mesos_native::proto::v1::scheduler::{call, event};
use mesos_native::proto::{
    CommandInfo, Filters, FrameworkId, FrameworkInfo, MasterInfo, Offer, OfferId, SlaveId, TaskId,
    TaskInfo, TaskState, TaskStatus,
};
use mesos_native::reconcile::{Backoff, Observed, Reconciler, Report};
use mesos_native::scheduler::RegistrationStalled;
use mesos_native::v1::scheduler::{Connection, Heartbeats, Mesos, Scheduler as V1Scheduler};
use mesos_native::{Error, MesosSchedulerDriver, Resources, Scheduler, SchedulerDriver};

/// Set (to the [`Config`] as JSON) in the framework process only.
pub const VARIABLE: &str = "MESOS_RS_PARTITION_FRAMEWORK";

/// What starts each event line on stdout (the test harness writes its own
/// lines there too).
pub const PREFIX: &str = "framework: ";

/// The test that is the framework process: the test binary's filter for it.
pub const ENTRY: &str = "partitions::framework::framework_process";

const TASK_RESOURCES: &str = "cpus:0.1;mem:32";

/// A framework's settings, passed as JSON in [`VARIABLE`].
#[derive(Clone, Debug)]
pub struct Config {
    /// `zk://...` or `HOST:PORT`.
    pub master: String,
    /// `v0` (MesosSchedulerDriver) or `v1`.
    pub api: &'static str,
    pub name: String,
    /// Seconds.
    pub failover_timeout: f64,
    pub partition_aware: bool,
    pub tasks: usize,
    /// Seconds between reconciliations.
    pub reconcile_every: f64,
    /// v1: reconnect after this many heartbeat intervals of silence.
    pub missed_heartbeats: f64,
    /// v0: seconds before the binding diagnoses a registration that does
    /// not complete.
    pub registration_timeout: f64,
}

impl Config {
    pub fn new(api: &'static str, master: &str, name: &str) -> Self {
        Config {
            master: master.into(),
            api,
            name: name.into(),
            failover_timeout: 300.0,
            partition_aware: false,
            tasks: 1,
            reconcile_every: 5.0,
            missed_heartbeats: 1.5,
            registration_timeout: 10.0,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::json!({
            "master": self.master,
            "api": self.api,
            "name": self.name,
            "failover_timeout": self.failover_timeout,
            "partition_aware": self.partition_aware,
            "tasks": self.tasks,
            "reconcile_every": self.reconcile_every,
            "missed_heartbeats": self.missed_heartbeats,
            "registration_timeout": self.registration_timeout,
        })
        .to_string()
    }

    fn from_json(text: &str) -> Self {
        let value: serde_json::Value = serde_json::from_str(text).expect("the config is JSON");
        let string = |key: &str| value[key].as_str().expect(key).to_string();
        let number = |key: &str| value[key].as_f64().expect(key);
        Config {
            master: string("master"),
            api: if string("api") == "v1" { "v1" } else { "v0" },
            name: string("name"),
            failover_timeout: number("failover_timeout"),
            partition_aware: value["partition_aware"].as_bool().expect("partition_aware"),
            tasks: number("tasks") as usize,
            reconcile_every: number("reconcile_every"),
            missed_heartbeats: number("missed_heartbeats"),
            registration_timeout: number("registration_timeout"),
        }
    }
}

#[test]
#[ignore = "not a test: the framework process the partition tests start on the testbed"]
fn framework_process() {
    let Ok(config) = std::env::var(VARIABLE) else {
        eprintln!("{ENTRY} runs only as the partition tests' framework ({VARIABLE} unset)");
        return;
    };
    std::process::exit(run(Config::from_json(&config)));
}

/// One event line for the test.
fn say(line: impl std::fmt::Display) {
    let line = line.to_string().replace('\n', " ");
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{PREFIX}{line}");
    let _ = out.flush();
}

/// What the core asks the driver (v0) or connection (v1) to send.
enum Act {
    Reconcile(Vec<TaskStatus>),
    Launch(OfferId, Vec<TaskInfo>),
    Decline(OfferId),
    Kill(TaskId, Option<SlaveId>),
    /// v0: end this driver, to fail over to a new one.
    Abort,
}

/// Whatever sends the calls now.
#[derive(Clone)]
enum Caller {
    V0(SchedulerDriver),
    V1(Connection),
}

impl Caller {
    fn perform(&self, acts: Vec<Act>) {
        for act in acts {
            // A call the driver refuses (not running any more) is said,
            // not fatal: the next driver does it again.
            let sent = match (self, act) {
                (Caller::V0(driver), Act::Reconcile(asks)) => driver.reconcile_tasks(&asks),
                (Caller::V0(driver), Act::Launch(offer, tasks)) => {
                    driver.launch_tasks(&[offer], &tasks, &refuse())
                }
                (Caller::V0(driver), Act::Decline(offer)) => {
                    driver.decline_offer(&offer, &refuse())
                }
                (Caller::V0(driver), Act::Kill(task, _)) => driver.kill_task(&task),
                (Caller::V0(driver), Act::Abort) => driver.abort().map(drop),
                (Caller::V1(connection), act) => v1_perform(connection, act),
            };
            if let Err(error) = sent {
                say(format!("call_failed {error}"));
            }
        }
    }
}

fn v1_perform(connection: &Connection, act: Act) -> mesos_native::Result<()> {
    let agent = |id: &SlaveId| v1p::AgentId {
        value: id.value.clone(),
    };
    let filters = Some(v1p::Filters {
        refuse_seconds: refuse().refuse_seconds,
    });
    match act {
        Act::Reconcile(asks) => connection.reconcile(call::Reconcile {
            tasks: asks
                .iter()
                .map(|ask| call::reconcile::Task {
                    task_id: v1p::TaskId {
                        value: ask.task_id.value.clone(),
                    },
                    agent_id: ask.slave_id.as_ref().map(agent),
                })
                .collect(),
        }),
        Act::Launch(offer, tasks) => {
            let launch = mesos_native::operations::launch(tasks);
            connection.accept(call::Accept {
                offer_ids: vec![mesos_native::v1::evolve(&offer)?],
                operations: vec![mesos_native::v1::evolve(&launch)?],
                filters,
            })
        }
        Act::Decline(offer) => connection.decline(vec![mesos_native::v1::evolve(&offer)?], filters),
        Act::Kill(task, agent_id) => connection.kill(call::Kill {
            task_id: mesos_native::v1::evolve(&task)?,
            agent_id: agent_id.as_ref().map(agent),
            kill_policy: None,
        }),
        // The binding's heartbeat monitor keeps a v1 subscription alive.
        Act::Abort => Ok(()),
    }
}

/// Offers are declined for a second only, so the master keeps sending
/// (and a cut link carries data, which is how TCP notices it).
fn refuse() -> Filters {
    Filters {
        refuse_seconds: Some(1.0),
    }
}

/// Neither running nor able to come back, as this framework counts.
fn ended(state: TaskState) -> bool {
    !matches!(
        state,
        TaskState::TaskStaging
            | TaskState::TaskStarting
            | TaskState::TaskRunning
            | TaskState::TaskKilling
            | TaskState::TaskUnreachable
    )
}

/// The framework, whatever API carries it: each method takes what came
/// in and returns what to send.
struct Core {
    /// Launched and not ended: task id to agent id.
    believed: BTreeMap<String, Option<String>>,
    /// Tasks it does not believe in that it asked to kill.
    killing: BTreeSet<String>,
    launched: u64,
    want: usize,
    reconciler: Reconciler,
    /// Launch nothing before the first reconciliation after registering.
    reconciled: bool,
    /// When to reconcile again the tasks last seen unreachable.
    recheck_at: Option<Instant>,
    /// When to reconcile every believed task again.
    next_reconciliation: Instant,
    reconcile_every: Duration,
    /// Fail over when a reconciliation goes unanswered (v0).
    v0: bool,
    framework_id: Option<FrameworkId>,
    /// Registered, as far as the driver knows: reconcile periodically only
    /// then (a driver that is not drops the calls).
    connected: bool,
    caller: Option<Caller>,
}

impl Core {
    fn new(config: &Config) -> Self {
        Core {
            believed: BTreeMap::new(),
            killing: BTreeSet::new(),
            launched: 0,
            want: config.tasks,
            reconciler: Reconciler::new(Backoff {
                first: Duration::from_secs(2),
                max: Duration::from_secs(4),
                // About half a minute: an agent re-registering with a new
                // master answers for its tasks only then.
                attempts: 9,
            }),
            reconciled: false,
            recheck_at: None,
            next_reconciliation: Instant::now(),
            reconcile_every: Duration::from_secs_f64(config.reconcile_every),
            v0: config.api == "v0",
            framework_id: None,
            connected: false,
            caller: None,
        }
    }

    /// Registered (or subscribed) as `id`, or re-registered: reconcile
    /// every believed task.
    fn registered(&mut self, id: Option<FrameworkId>) -> Vec<Act> {
        if let Some(id) = id {
            self.framework_id = Some(id);
        }
        self.connected = true;
        self.reconciliation(Instant::now())
    }

    fn reconciliation(&mut self, now: Instant) -> Vec<Act> {
        self.next_reconciliation = now + self.reconcile_every;
        let asks: Vec<TaskStatus> = self
            .believed
            .iter()
            .map(|(task, agent)| {
                let mut status = TaskStatus {
                    task_id: TaskId {
                        value: task.clone(),
                    },
                    slave_id: agent.clone().map(|value| SlaveId { value }),
                    ..Default::default()
                };
                status.set_state(TaskState::TaskRunning);
                status
            })
            .collect();
        let asks = self.reconciler.start(asks, now);
        self.reconciled = asks.is_empty();
        if asks.is_empty() {
            return Vec::new();
        }
        say(format!("reconciling {}", asks.len()));
        vec![Act::Reconcile(asks)]
    }

    fn report(&mut self, report: &Report) -> Vec<Act> {
        let list = |statuses: &[TaskStatus]| {
            statuses
                .iter()
                .map(|s| format!("{}:{}", s.task_id.value, s.state().as_str_name()))
                .collect::<Vec<_>>()
                .join(",")
        };
        say(format!(
            "reconciled confirmed={} unreachable={} lost={} unanswered={}",
            list(&report.confirmed),
            list(&report.unreachable),
            list(&report.lost),
            report
                .unanswered
                .iter()
                .map(|id| id.value.as_str())
                .collect::<Vec<_>>()
                .join(",")
        ));
        self.reconciled = true;
        for lost in &report.lost {
            self.believed.remove(&lost.task_id.value);
        }
        if !report.unreachable.is_empty() {
            // Not lost, not back: ask again in a while.
            self.recheck_at = Some(Instant::now() + Duration::from_secs(3));
        }
        if self.v0 && !report.unanswered.is_empty() {
            // The master does not answer this driver: it may count the
            // framework disconnected, or have removed it, while the
            // driver noticed nothing. A new driver finds out which.
            say("unanswered: failing over to a new driver");
            self.connected = false;
            return vec![Act::Abort];
        }
        Vec::new()
    }

    fn status(&mut self, status: &TaskStatus) -> Vec<Act> {
        let task = status.task_id.value.clone();
        let state = status.state();
        say(format!(
            "status {task} {} {} {} {}",
            state.as_str_name(),
            status.reason.map_or("-", |_| status.reason().as_str_name()),
            status.source.map_or("-", |_| status.source().as_str_name()),
            status.message()
        ));
        let mut acts = Vec::new();
        if let Observed::Done(report) = self.reconciler.observe(status) {
            acts.extend(self.report(&report));
        }
        if self.believed.contains_key(&task) {
            if ended(state) {
                self.believed.remove(&task);
            } else if state == TaskState::TaskUnreachable && self.recheck_at.is_none() {
                self.recheck_at = Some(Instant::now() + Duration::from_secs(3));
            }
        } else if !ended(state)
            && state != TaskState::TaskKilling
            && self.killing.insert(task.clone())
        {
            // Given up for lost, and back: kill it, its replacement runs.
            say(format!("kill {task}"));
            acts.push(Act::Kill(status.task_id.clone(), status.slave_id.clone()));
        }
        acts
    }

    fn offers(&mut self, offers: &[Offer]) -> Vec<Act> {
        let wanted: Resources = TASK_RESOURCES.parse().expect("fixed resources");
        let mut acts = Vec::new();
        for offer in offers {
            let mut left = Resources::from(offer.resources.clone());
            let mut tasks = Vec::new();
            while self.reconciled && self.believed.len() < self.want && left.contains(&wanted) {
                left = left.checked_sub(&wanted).expect("contained");
                self.launched += 1;
                let id = format!("task-{}", self.launched);
                let agent = offer.slave_id.value.clone();
                say(format!("launched {id} {agent}"));
                self.believed.insert(id.clone(), Some(agent));
                tasks.push(TaskInfo {
                    name: id.clone(),
                    task_id: TaskId { value: id },
                    slave_id: offer.slave_id.clone(),
                    resources: wanted.to_vec(),
                    command: Some(CommandInfo {
                        value: Some("sleep 3600".into()),
                        ..Default::default()
                    }),
                    ..Default::default()
                });
            }
            acts.push(if tasks.is_empty() {
                Act::Decline(offer.id.clone())
            } else {
                Act::Launch(offer.id.clone(), tasks)
            });
        }
        acts
    }

    /// What is due: a reconciliation resend, another look at unreachable
    /// tasks, or the periodic reconciliation.
    fn tick(&mut self, now: Instant) -> Vec<Act> {
        let mut acts = Vec::new();
        if let Some(due) = self.reconciler.poll(now) {
            if let Some(report) = due.gave_up {
                acts.extend(self.report(&report));
            }
            if let Some(asks) = due.request {
                acts.push(Act::Reconcile(asks));
            }
        }
        if !self.connected || self.reconciler.is_reconciling() {
            return acts;
        }
        if self.recheck_at.is_some_and(|at| now >= at) || now >= self.next_reconciliation {
            self.recheck_at = None;
            acts.extend(self.reconciliation(now));
        }
        acts
    }
}

type Shared = Arc<Mutex<Core>>;

/// Runs `f` on the core, then sends what it asked for (outside the lock).
fn with_core(core: &Shared, f: impl FnOnce(&mut Core) -> Vec<Act>) {
    let (acts, caller) = {
        let mut core = core.lock().unwrap_or_else(|p| p.into_inner());
        (f(&mut core), core.caller.clone())
    };
    if let Some(caller) = caller {
        caller.perform(acts);
    }
}

struct V0(Shared);

impl Scheduler for V0 {
    fn registered(&mut self, _: &SchedulerDriver, id: FrameworkId, master: MasterInfo) {
        say(format!("registered {} {}", id.value, master.hostname()));
        with_core(&self.0, |core| core.registered(Some(id)));
    }

    fn reregistered(&mut self, _: &SchedulerDriver, master: MasterInfo) {
        say(format!("reregistered {}", master.hostname()));
        with_core(&self.0, |core| core.registered(None));
    }

    fn disconnected(&mut self, _: &SchedulerDriver) {
        say("disconnected");
        self.0.lock().unwrap().connected = false;
    }

    fn resource_offers(&mut self, _: &SchedulerDriver, offers: Vec<Offer>) {
        with_core(&self.0, |core| core.offers(&offers));
    }

    fn status_update(&mut self, _: &SchedulerDriver, status: TaskStatus) {
        with_core(&self.0, |core| core.status(&status));
    }

    fn slave_lost(&mut self, _: &SchedulerDriver, agent: SlaveId) {
        say(format!("agent_lost {}", agent.value));
    }

    fn error(&mut self, _: &SchedulerDriver, message: String) {
        say(format!("error {message}"));
    }

    fn registration_stalled(&mut self, _: &SchedulerDriver, stalled: RegistrationStalled) {
        say(format!("stalled {stalled}"));
    }
}

struct V1 {
    core: Shared,
    framework: v1p::FrameworkInfo,
}

impl V1Scheduler for V1 {
    fn connected(&mut self, connection: &Connection) {
        say("connected");
        if let Err(error) = connection.subscribe(self.framework.clone()) {
            say(format!("call_failed {error}"));
        }
    }

    fn disconnected(&mut self, _: &Connection) {
        say("disconnected");
        self.core.lock().unwrap().connected = false;
    }

    fn subscribed(&mut self, _: &Connection, subscribed: event::Subscribed) {
        say(format!("registered {}", subscribed.framework_id.value));
        let id = FrameworkId {
            value: subscribed.framework_id.value,
        };
        with_core(&self.core, |core| core.registered(Some(id)));
    }

    fn offers(&mut self, _: &Connection, offers: event::Offers) {
        let offers: Vec<Offer> = offers
            .offers
            .iter()
            .map(|offer| mesos_native::v1::devolve(offer).expect("a v0 Offer"))
            .collect();
        with_core(&self.core, |core| core.offers(&offers));
    }

    fn update(&mut self, connection: &Connection, update: event::Update) {
        let status = update.status;
        if let (Some(uuid), Some(agent_id)) = (status.uuid.clone(), status.agent_id.clone()) {
            let _ = connection.acknowledge(call::Acknowledge {
                agent_id,
                task_id: status.task_id.clone(),
                uuid,
            });
        }
        let status: TaskStatus = mesos_native::v1::devolve(&status).expect("a v0 TaskStatus");
        with_core(&self.core, |core| core.status(&status));
    }

    fn failure(&mut self, _: &Connection, failure: event::Failure) {
        match (failure.agent_id, failure.executor_id) {
            (Some(agent), None) => say(format!("agent_lost {}", agent.value)),
            (agent, executor) => say(format!("failure {executor:?} on {agent:?}")),
        }
    }

    fn error(&mut self, _: &Connection, message: String) {
        say(format!("error {message}"));
    }
}

fn framework_info(config: &Config) -> FrameworkInfo {
    let mut capabilities = Vec::new();
    if config.partition_aware {
        let mut partition_aware = Capability::default();
        partition_aware.set_type(capability::Type::PartitionAware);
        capabilities.push(partition_aware);
    }
    FrameworkInfo {
        user: String::new(),
        name: config.name.clone(),
        failover_timeout: Some(config.failover_timeout),
        // Tasks outlive a lost connection between agent and master.
        checkpoint: Some(true),
        capabilities,
        ..Default::default()
    }
}

/// Runs the framework until it ends; the process's exit code.
fn run(config: Config) -> i32 {
    say(format!(
        "started {} pid {} as {}",
        config.api,
        std::process::id(),
        std::env::var("LIBPROCESS_IP").unwrap_or_default()
    ));
    let core: Shared = Arc::new(Mutex::new(Core::new(&config)));
    let ticking = Arc::clone(&core);
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_millis(250));
        with_core(&ticking, |core| core.tick(Instant::now()));
    });
    if config.api == "v1" {
        let mut info = framework_info(&config);
        info.user = std::env::var("USER").unwrap_or_else(|_| "root".into());
        let framework = mesos_native::v1::evolve(&info).expect("a v1 FrameworkInfo");
        let scheduler = V1 {
            core: Arc::clone(&core),
            framework,
        };
        let mesos = Mesos::builder(scheduler, config.master.clone())
            .heartbeats(Some(Heartbeats {
                missed: config.missed_heartbeats,
                ..Default::default()
            }))
            .build()
            .expect("a v1 scheduler");
        core.lock().unwrap().caller = Some(Caller::V1((*mesos).clone()));
        let ran = mesos.run();
        say(format!("exited {}", describe(&ran)));
        return i32::from(ran.is_err());
    }
    // v0: a driver aborted by an error is replaced by a new one with the
    // same framework id (a failover), a few times.
    for attempt in 0..4 {
        let mut info = framework_info(&config);
        info.id = core.lock().unwrap().framework_id.clone();
        if attempt > 0 {
            match &info.id {
                Some(id) => say(format!("failing_over {}", id.value)),
                None => say("registering_anew"),
            }
            let mut core = core.lock().unwrap();
            core.reconciled = false;
            core.connected = false;
        }
        let driver =
            MesosSchedulerDriver::builder(V0(Arc::clone(&core)), info, config.master.clone())
                .registration_timeout(Some(Duration::from_secs_f64(config.registration_timeout)))
                .build()
                .expect("a scheduler driver");
        core.lock().unwrap().caller = Some(Caller::V0((*driver).clone()));
        let ran = driver.run();
        say(format!("exited {}", describe(&ran)));
        match ran {
            Err(Error::Aborted { message }) => {
                if message.is_some_and(|m| m.starts_with("Framework has been removed")) {
                    // As the error says: register anew, without the id.
                    core.lock().unwrap().framework_id = None;
                }
            }
            Ok(_) => return 0,
            Err(_) => return 1,
        }
    }
    1
}

fn describe<T: std::fmt::Debug>(ran: &mesos_native::Result<T>) -> String {
    match ran {
        Ok(status) => format!("ok {status:?}"),
        Err(error) => format!("error {error}"),
    }
}
