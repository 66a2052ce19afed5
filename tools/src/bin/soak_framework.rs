//! The framework `scripts/soak.sh` runs under fire: it keeps `--tasks`
//! short tasks (`sleep 2`, command executor) running, through the
//! binding's failover ([`mesos_native::failover`], a file store) and
//! reconciliation ([`mesos_native::reconcile`]) helpers, and writes everything
//! it learns to a ledger the soak checks at the end. `--api v0` drives it
//! with `MesosSchedulerDriver`, `--api v1` with the v1 scheduler library
//! (explicit acknowledgements); both share the same core, [`Soak`].
//!
//! Everything lives in `--work-dir`: `framework-id`, `ledger` (one event a
//! line: `<unix ms> <event> <fields>`), and `drain` (created by the soak:
//! launch nothing more, exit once every task launched has ended). Killed
//! and started again on the same directory, it replays the ledger to know
//! which tasks it believes in, fails over to its framework id, and
//! reconciles them before launching anything.
//!
//! With `--leader-election` it first stands by until it leads that
//! ZooKeeper election ([`mesos_native::election`]), and exits the moment it is out
//! of it: `scripts/soak.sh --standby` runs two instances on one work
//! directory, so the one that leads next replays the same ledger and fails
//! over to the same id.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use clap::Parser;
use mesos_native::election::{Candidate, Election, Standing};
use mesos_native::failover::FrameworkIdStore;
use mesos_native::proto::v1 as v1p;
use mesos_native::proto::v1::scheduler as v1s;
use mesos_native::proto::{
    CommandInfo, FrameworkId, FrameworkInfo, MasterInfo, Offer, SlaveId, TaskId, TaskInfo,
    TaskState, TaskStatus,
};
use mesos_native::reconcile::{Backoff, Observed, Reconciler, Report};
use mesos_native::v1::scheduler as v1;
use mesos_native::ZooKeeper;
use mesos_native::{operations, MesosSchedulerDriver, Resources, Scheduler, SchedulerDriver};

/// Keeps short tasks running for scripts/soak.sh, writing a ledger.
#[derive(Parser)]
struct Args {
    /// The masters, zk://HOST:PORT/PATH.
    #[arg(long)]
    master: String,
    /// The framework id, the ledger and the drain flag live here.
    #[arg(long)]
    work_dir: PathBuf,
    /// Tasks to keep in flight.
    #[arg(long, default_value_t = 4)]
    tasks: usize,
    /// Which scheduler API: v0 (MesosSchedulerDriver) or v1.
    #[arg(long, default_value = "v0", value_parser = ["v0", "v1"])]
    api: String,
    /// Stand by until this instance leads the ZooKeeper election at
    /// HOST:PORT/ZNODE (`scripts/soak.sh --standby` runs two instances).
    #[arg(long, value_name = "HOST:PORT/ZNODE")]
    leader_election: Option<String>,
}

const TASK_RESOURCES: &str = "cpus:0.1;mem:16";
const FAILOVER_TIMEOUT: Duration = Duration::from_secs(3600);

fn is_terminal(state: TaskState) -> bool {
    !matches!(
        state,
        TaskState::TaskStaging
            | TaskState::TaskStarting
            | TaskState::TaskRunning
            | TaskState::TaskKilling
            | TaskState::TaskUnreachable
    )
}

struct Ledger(File);

impl Ledger {
    fn write(&mut self, event: &str) {
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        let _ = writeln!(self.0, "{ms} {event}");
        let _ = self.0.flush();
    }
}

/// The tasks the ledger says were launched and have not ended, with
/// their agents.
fn believed(path: &Path) -> BTreeMap<String, Option<String>> {
    let mut tasks = BTreeMap::new();
    let Ok(file) = File::open(path) else {
        return tasks;
    };
    for line in BufReader::new(file).lines().map_while(Result::ok) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            [_, "launched", task, agent] => {
                tasks.insert(task.to_string(), Some(agent.to_string()));
            }
            [_, "state", task, state, ..] => {
                let ended = TaskState::from_str_name(state).is_none_or(is_terminal);
                if ended {
                    tasks.remove(*task);
                }
            }
            _ => {}
        }
    }
    tasks
}

struct Soak {
    ledger: Ledger,
    store: FrameworkIdStore,
    reconciler: Reconciler,
    /// In flight: launched, not ended.
    tasks: BTreeMap<String, Option<String>>,
    /// False until the first reconciliation after (re)registration ends.
    reconciled: bool,
    want: usize,
    next: u64,
    run: u64,
    drain: PathBuf,
}

/// What the framework does, whatever API carries it: each method takes
/// what came in and returns what to send.
impl Soak {
    /// After (re)registration: the tasks to reconcile (none: go on).
    fn connected(&mut self) -> Vec<TaskStatus> {
        let statuses = self.tasks.iter().map(|(task, agent)| {
            let mut status = TaskStatus {
                task_id: TaskId {
                    value: task.clone(),
                },
                slave_id: agent.clone().map(|value| SlaveId { value }),
                ..Default::default()
            };
            status.set_state(TaskState::TaskRunning);
            status
        });
        let asks = self.reconciler.start(statuses, Instant::now());
        self.reconciled = asks.is_empty();
        if !asks.is_empty() {
            self.ledger.write(&format!("reconciling {}", asks.len()));
        }
        asks
    }

    fn reconciled(&mut self, report: Report) {
        for status in &report.lost {
            self.ledger.write(&format!("lost {}", status.task_id.value));
        }
        self.ledger.write(&format!(
            "reconciled confirmed={} lost={} unanswered={}",
            report.confirmed.len(),
            report.lost.len(),
            report.unanswered.len()
        ));
        self.reconciled = true;
    }

    fn draining(&self) -> bool {
        self.drain.exists()
    }

    /// With each batch of offers (the reconciler's clock): a reconcile
    /// request that is due, if any.
    fn tick(&mut self) -> Option<Vec<TaskStatus>> {
        let due = self.reconciler.poll(Instant::now())?;
        if let Some(report) = due.gave_up {
            self.reconciled(report);
        }
        due.request
    }

    /// The tasks to launch on `offer` (empty: decline it).
    fn launch_on(&mut self, offer: &Offer) -> Vec<TaskInfo> {
        let wanted: Resources = TASK_RESOURCES.parse().expect("fixed resources");
        let mut left = Resources::from(offer.resources.clone());
        let mut tasks = Vec::new();
        while self.reconciled
            && !self.draining()
            && self.tasks.len() < self.want
            && left.contains(&wanted)
        {
            left = left.checked_sub(&wanted).expect("contained");
            self.next += 1;
            let id = format!("t{}-{}", self.run, self.next);
            let agent = offer.slave_id.value.clone();
            self.ledger.write(&format!("launched {id} {agent}"));
            self.tasks.insert(id.clone(), Some(agent));
            tasks.push(TaskInfo {
                name: id.clone(),
                task_id: TaskId { value: id },
                slave_id: offer.slave_id.clone(),
                resources: wanted.to_vec(),
                command: Some(CommandInfo {
                    value: Some("sleep 2".into()),
                    shell: Some(true),
                    ..Default::default()
                }),
                ..Default::default()
            });
        }
        tasks
    }

    /// Whether the drain is over: stop, tearing the framework down.
    fn drained(&mut self) -> bool {
        if self.draining() && self.tasks.is_empty() {
            self.ledger.write("drained");
            let _ = self.store.forget();
            return true;
        }
        false
    }

    fn status(&mut self, status: &TaskStatus) {
        let task = status.task_id.value.clone();
        let state = status.state();
        self.ledger.write(&format!(
            "state {task} {} {}",
            state.as_str_name(),
            status
                .reason
                .map_or("-".into(), |_| status.reason().as_str_name().to_string())
        ));
        match self.reconciler.observe(status) {
            Observed::Done(report) => self.reconciled(report),
            Observed::UnknownToFramework(status) => self
                .ledger
                .write(&format!("unknown {}", status.task_id.value)),
            _ => {}
        }
        if is_terminal(state) {
            self.tasks.remove(&task);
        }
    }

    fn registered(&mut self, id: &FrameworkId) {
        self.ledger.write(&format!("registered {}", id.value));
        if let Err(error) = self.store.save(id) {
            self.ledger
                .write(&format!("error saving the framework id: {error}"));
        }
    }
}

/// The core over v0's `MesosSchedulerDriver`.
struct V0(Soak);

impl Scheduler for V0 {
    fn registered(&mut self, driver: &SchedulerDriver, id: FrameworkId, _: MasterInfo) {
        self.0.registered(&id);
        let asks = self.0.connected();
        if !asks.is_empty() {
            let _ = driver.reconcile_tasks(&asks);
        }
    }

    fn reregistered(&mut self, driver: &SchedulerDriver, _: MasterInfo) {
        self.0.ledger.write("reregistered");
        let asks = self.0.connected();
        if !asks.is_empty() {
            let _ = driver.reconcile_tasks(&asks);
        }
    }

    fn disconnected(&mut self, _: &SchedulerDriver) {
        self.0.ledger.write("disconnected");
    }

    fn resource_offers(&mut self, driver: &SchedulerDriver, offers: Vec<Offer>) {
        if let Some(asks) = self.0.tick() {
            let _ = driver.reconcile_tasks(&asks);
        }
        for offer in offers {
            let tasks = self.0.launch_on(&offer);
            let filters = operations::refuse_seconds(1.0);
            if tasks.is_empty() {
                let _ = driver.decline_offer(&offer.id, &filters);
            } else {
                let launch = [operations::launch(tasks)];
                let _ = driver.accept_offers(std::slice::from_ref(&offer.id), &launch, &filters);
            }
        }
        if self.0.drained() {
            let _ = driver.stop(false);
        }
    }

    fn status_update(&mut self, _: &SchedulerDriver, status: TaskStatus) {
        self.0.status(&status);
    }

    fn error(&mut self, _: &SchedulerDriver, message: String) {
        self.0
            .ledger
            .write(&format!("error {}", message.replace('\n', " ")));
    }
}

/// The core over the v1 scheduler library: v0 messages cross to v1 and
/// back through their shared wire format, and updates are acknowledged.
struct V1 {
    soak: Soak,
    framework: v1p::FrameworkInfo,
}

fn v1_reconcile(connection: &v1::Connection, asks: &[TaskStatus]) {
    let tasks = asks
        .iter()
        .map(|ask| v1s::call::reconcile::Task {
            task_id: v1p::TaskId {
                value: ask.task_id.value.clone(),
            },
            agent_id: ask.slave_id.as_ref().map(|id| v1p::AgentId {
                value: id.value.clone(),
            }),
        })
        .collect();
    let _ = connection.reconcile(v1s::call::Reconcile { tasks });
}

impl v1::Scheduler for V1 {
    fn connected(&mut self, connection: &v1::Connection) {
        let _ = connection.subscribe(self.framework.clone());
    }

    fn disconnected(&mut self, _: &v1::Connection) {
        self.soak.ledger.write("disconnected");
    }

    fn subscribed(&mut self, connection: &v1::Connection, subscribed: v1s::event::Subscribed) {
        let id = FrameworkId {
            value: subscribed.framework_id.value,
        };
        self.soak.registered(&id);
        let asks = self.soak.connected();
        if !asks.is_empty() {
            v1_reconcile(connection, &asks);
        }
    }

    fn offers(&mut self, connection: &v1::Connection, offers: v1s::event::Offers) {
        if let Some(asks) = self.soak.tick() {
            v1_reconcile(connection, &asks);
        }
        let filters = Some(v1p::Filters {
            refuse_seconds: Some(1.0),
        });
        for offer in offers.offers {
            let Ok(v0_offer) = mesos_native::v1::devolve::<_, Offer>(&offer) else {
                continue;
            };
            let tasks = self.soak.launch_on(&v0_offer);
            if tasks.is_empty() {
                let _ = connection.decline(vec![offer.id], filters);
                continue;
            }
            let launch = operations::launch(tasks);
            let Ok(launch) = mesos_native::v1::evolve(&launch) else {
                continue;
            };
            let _ = connection.accept(v1s::call::Accept {
                offer_ids: vec![offer.id],
                operations: vec![launch],
                filters,
            });
        }
        if self.soak.drained() {
            let _ = connection.teardown();
            let _ = connection.stop();
        }
    }

    fn update(&mut self, connection: &v1::Connection, update: v1s::event::Update) {
        let status = update.status;
        if let Ok(v0_status) = mesos_native::v1::devolve::<_, TaskStatus>(&status) {
            self.soak.status(&v0_status);
        }
        if let (Some(uuid), Some(agent_id)) = (status.uuid, status.agent_id) {
            let _ = connection.acknowledge(v1s::call::Acknowledge {
                agent_id,
                task_id: status.task_id,
                uuid,
            });
        }
    }

    fn error(&mut self, _: &v1::Connection, message: String) {
        self.soak
            .ledger
            .write(&format!("error {}", message.replace('\n', " ")));
    }
}

/// Stands by until this instance leads the election at `location` (or
/// exits 0 when the soak drains meanwhile); then watches, on a thread, for
/// the moment it is out, and exits at once: the next leader takes over.
fn lead(location: &str, drain: &Path) -> std::sync::Arc<Candidate> {
    let zookeeper = ZooKeeper::parse(location).expect("--leader-election HOST:PORT/ZNODE");
    let election = Election::zookeeper(&zookeeper).expect("join the election");
    let name = format!("soak_framework pid {}", std::process::id());
    let mut candidate = election.join(&name).expect("join the election");
    while let Err(error) = candidate.lead(Duration::from_secs(1)) {
        if drain.exists() {
            std::process::exit(0);
        }
        if matches!(candidate.standing(), Standing::Out { .. }) {
            // A standby's session can expire too: it competes again.
            eprintln!("soak_framework: out before leading ({error}); joining again");
            candidate = election.join(&name).expect("join the election");
        }
    }
    let candidate = std::sync::Arc::new(candidate);
    eprintln!("soak_framework: {name} leads {location}");
    let watching = std::sync::Arc::clone(&candidate);
    std::thread::spawn(move || {
        let reason = watching.wait_until_out(Duration::MAX);
        eprintln!("soak_framework: no longer leading ({reason:?}); exiting");
        std::process::exit(3);
    });
    candidate
}

fn main() -> std::process::ExitCode {
    env_logger::init();
    let args = Args::parse();
    let ledger_path = args.work_dir.join("ledger");
    let ledger = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&ledger_path)
        .unwrap_or_else(|error| panic!("open {}: {error}", ledger_path.display()));
    let drain = args.work_dir.join("drain");
    // Lead first: the id and the ledger are the previous leader's until then.
    let _candidate = args
        .leader_election
        .as_deref()
        .map(|location| lead(location, &drain));
    let store = FrameworkIdStore::file(args.work_dir.join("framework-id"));
    let mut framework = FrameworkInfo {
        user: String::new(),
        name: "mesos-rs soak".into(),
        ..Default::default()
    };
    let stored = store
        .prepare(&mut framework, FAILOVER_TIMEOUT)
        .expect("read the framework id");
    let mut soak = Soak {
        ledger: Ledger(ledger),
        store,
        reconciler: Reconciler::new(Backoff {
            first: Duration::from_secs(2),
            max: Duration::from_secs(10),
            attempts: 10,
        })
        .implicit_every(Duration::from_secs(60)),
        tasks: believed(&ledger_path),
        reconciled: false,
        want: args.tasks,
        next: 0,
        run: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        drain,
    };
    soak.ledger.write(&format!(
        "started pid={} believed={} failover={}",
        std::process::id(),
        soak.tasks.len(),
        stored.map_or("none".into(), |id| id.value)
    ));
    let ran = if args.api == "v1" {
        // v1 takes the user as given (the v0 driver fills it in).
        framework.user = std::env::var("USER").unwrap_or_else(|_| "root".into());
        let framework = mesos_native::v1::evolve(&framework).expect("a v1 FrameworkInfo");
        let scheduler = V1 { soak, framework };
        v1::Mesos::builder(scheduler, args.master)
            .build()
            .expect("create the v1 scheduler")
            .run()
    } else {
        MesosSchedulerDriver::builder(V0(soak), framework, args.master)
            .build()
            .expect("create the driver")
            .run()
    };
    match ran {
        Ok(_) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("soak_framework: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
