//! The framework `scripts/soak.sh` runs under fire: it keeps `--tasks`
//! short tasks (`sleep 2`, command executor) running, through the
//! binding's failover ([`mesos_native::failover`], a file store) and
//! reconciliation ([`mesos_native::reconcile`]) helpers, and writes everything
//! it learns to a ledger the soak checks at the end. `--api v0` drives it
//! with `MesosSchedulerDriver`, `--api v1` with the v1 scheduler library
//! (explicit acknowledgements); both share the same core, [`Soak`].
//!
//! It is `PARTITION_AWARE`: a task on an agent the master lost contact
//! with is `TASK_UNREACHABLE`, not lost. Such a task is still believed in
//! (its end is still to come: when its agent is back, the agent or the
//! master says how it ended), but no longer counts against `--tasks`, so
//! the framework launches others meanwhile, as a partition-aware framework
//! would replace it. `TASK_GONE`, `TASK_GONE_BY_OPERATOR`, `TASK_DROPPED`
//! and `TASK_UNKNOWN` end a task like `TASK_LOST` does.
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
use mesos_native::proto::framework_info::capability::Type as Capability;
use mesos_native::proto::framework_info::Capability as CapabilityInfo;
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
/// A task not heard of for this long is asked about (explicit
/// reconciliation), as Mesos's guide advises: its launch may never have
/// reached its agent, an update may have been lost with a partition, or
/// its agent may have come back from one without a word about it.
const QUIET: Duration = Duration::from_secs(30);

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

/// A task launched and not ended, as the framework believes it.
#[derive(Debug, Clone)]
struct Believed {
    agent: Option<String>,
    /// Its last word was `TASK_UNREACHABLE`: its agent is cut off from
    /// the master. It holds no place among the tasks kept in flight.
    unreachable: bool,
    /// When it was launched, last heard of, or last asked about.
    heard: Instant,
}

impl Believed {
    fn new(agent: &str) -> Self {
        Believed {
            agent: Some(agent.to_string()),
            unreachable: false,
            heard: Instant::now(),
        }
    }

    /// What a reconciliation request says of task `id`.
    fn ask(&self, id: &str) -> TaskStatus {
        let mut status = TaskStatus {
            task_id: TaskId {
                value: id.to_string(),
            },
            slave_id: self.agent.clone().map(|value| SlaveId { value }),
            ..Default::default()
        };
        status.set_state(if self.unreachable {
            TaskState::TaskUnreachable
        } else {
            TaskState::TaskRunning
        });
        status
    }
}

/// The tasks the ledger says were launched and have not ended, with
/// their agents and whether they were last heard of as unreachable.
fn believed(path: &Path) -> BTreeMap<String, Believed> {
    let mut tasks = BTreeMap::new();
    let Ok(file) = File::open(path) else {
        return tasks;
    };
    for line in BufReader::new(file).lines().map_while(Result::ok) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            [_, "launched", task, agent] => {
                tasks.insert(task.to_string(), Believed::new(agent));
            }
            [_, "state", task, state, ..] => match TaskState::from_str_name(state) {
                Some(state) if !is_terminal(state) => {
                    if let Some(believed) = tasks.get_mut(*task) {
                        believed.unreachable = state == TaskState::TaskUnreachable;
                    }
                }
                _ => {
                    tasks.remove(*task);
                }
            },
            _ => {}
        }
    }
    tasks
}

/// A status update's ledger line: `state TASK STATE REASON SOURCE MS`,
/// where MS is the update's own timestamp (when the executor, agent or
/// master made it, which for an update retried after a partition is
/// long before it arrives), so the soak can tell a late copy of an old
/// update from news.
fn state_line(status: &TaskStatus) -> String {
    let reason = status
        .reason
        .map_or("-".into(), |_| status.reason().as_str_name().to_string());
    let source = status
        .source
        .map_or("-".into(), |_| status.source().as_str_name().to_string());
    // Whole milliseconds of a Unix time in seconds: exact in an f64 for
    // millennia.
    #[allow(clippy::cast_possible_truncation)]
    let made = status.timestamp.map_or("-".into(), |seconds| {
        format!("{}", (seconds * 1000.0).round() as i64)
    });
    format!(
        "state {} {} {reason} {source} {made}",
        status.task_id.value,
        status.state().as_str_name()
    )
}

struct Soak {
    ledger: Ledger,
    store: FrameworkIdStore,
    reconciler: Reconciler,
    /// Launched, not ended.
    tasks: BTreeMap<String, Believed>,
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
        let statuses = self.tasks.iter().map(|(id, task)| task.ask(id));
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
            "reconciled confirmed={} lost={} unreachable={} unanswered={}",
            report.confirmed.len(),
            report.lost.len(),
            report.unreachable.len(),
            report.unanswered.len()
        ));
        self.reconciled = true;
    }

    fn draining(&self) -> bool {
        self.drain.exists()
    }

    /// Tasks that hold a place among the `--tasks` kept in flight: those
    /// not cut off with their agent.
    fn in_flight(&self) -> usize {
        self.tasks.values().filter(|task| !task.unreachable).count()
    }

    /// With each batch of offers (the reconciler's clock): a reconcile
    /// request that is due, if any.
    fn tick(&mut self) -> Option<Vec<TaskStatus>> {
        let now = Instant::now();
        if let Some(due) = self.reconciler.poll(now) {
            if let Some(report) = due.gave_up {
                self.reconciled(report);
            }
            if due.request.is_some() {
                return due.request;
            }
        }
        self.ask_about_quiet(now)
    }

    /// Explicit reconciliation of the tasks not heard of for [`QUIET`]
    /// (when no other is under way): so that every task's end is learned
    /// even when the update that said it was lost (the master forwards a
    /// task's state once, as its agent comes back from a partition, and
    /// not again).
    fn ask_about_quiet(&mut self, now: Instant) -> Option<Vec<TaskStatus>> {
        if self.reconciler.is_reconciling() {
            return None;
        }
        let quiet: Vec<TaskStatus> = self
            .tasks
            .iter_mut()
            .filter(|(_, task)| now.duration_since(task.heard) >= QUIET)
            .map(|(id, task)| {
                task.heard = now;
                task.ask(id)
            })
            .collect();
        if quiet.is_empty() {
            return None;
        }
        self.ledger
            .write(&format!("reconciling {} quiet", quiet.len()));
        Some(self.reconciler.start(quiet, now))
    }

    /// The tasks to launch on `offer` (empty: decline it).
    fn launch_on(&mut self, offer: &Offer) -> Vec<TaskInfo> {
        let wanted: Resources = TASK_RESOURCES.parse().expect("fixed resources");
        let mut left = Resources::from(offer.resources.clone());
        let mut tasks = Vec::new();
        while self.reconciled
            && !self.draining()
            && self.in_flight() < self.want
            && left.contains(&wanted)
        {
            left = left.checked_sub(&wanted).expect("contained");
            self.next += 1;
            let id = format!("t{}-{}", self.run, self.next);
            let agent = offer.slave_id.value.clone();
            self.ledger.write(&format!("launched {id} {agent}"));
            self.tasks.insert(id.clone(), Believed::new(&agent));
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
        self.ledger.write(&state_line(status));
        match self.reconciler.observe(status) {
            Observed::Done(report) => self.reconciled(report),
            // The reconciler knows only the tasks of its last round (the
            // quiet ones, say): a late answer about another task this
            // framework keeps is no stranger.
            Observed::UnknownToFramework(status) if !self.tasks.contains_key(&task) => self
                .ledger
                .write(&format!("unknown {}", status.task_id.value)),
            _ => {}
        }
        if is_terminal(state) {
            self.tasks.remove(&task);
        } else if let Some(believed) = self.tasks.get_mut(&task) {
            // Unreachable until heard of again: back with its agent (the
            // master's TASK_RUNNING as the agent re-registers), or ended.
            believed.unreachable = state == TaskState::TaskUnreachable;
            believed.heard = Instant::now();
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
        // TASK_UNREACHABLE, not TASK_LOST, for a task whose agent is cut
        // off: it may well come back (scripts/soak.sh --hosts cuts links).
        capabilities: vec![CapabilityInfo {
            r#type: Some(Capability::PartitionAware as i32),
        }],
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreachable_task_is_still_believed_in_until_it_ends() {
        let path = std::env::temp_dir().join(format!("soak-ledger-{}", std::process::id()));
        std::fs::write(
            &path,
            "1 launched a agent0\n\
             2 launched b agent1\n\
             3 launched c agent1\n\
             4 state a TASK_RUNNING - SOURCE_EXECUTOR 4\n\
             5 state b TASK_UNREACHABLE REASON_SLAVE_REMOVED SOURCE_MASTER 5\n\
             6 state c TASK_UNREACHABLE REASON_SLAVE_REMOVED SOURCE_MASTER 6\n\
             7 state c TASK_RUNNING REASON_SLAVE_REREGISTERED SOURCE_MASTER 7\n\
             8 state a TASK_FINISHED - SOURCE_EXECUTOR 8\n",
        )
        .unwrap();
        let tasks = believed(&path);
        std::fs::remove_file(&path).unwrap();
        let seen: Vec<(&str, Option<&str>, bool)> = tasks
            .iter()
            .map(|(id, task)| (id.as_str(), task.agent.as_deref(), task.unreachable))
            .collect();
        assert_eq!(
            seen,
            [("b", Some("agent1"), true), ("c", Some("agent1"), false)]
        );
        assert_eq!(
            tasks["b"].ask("b").state(),
            TaskState::TaskUnreachable,
            "asked about as it was last heard of"
        );
    }

    #[test]
    fn a_state_line_carries_when_the_update_was_made() {
        let mut status = TaskStatus {
            task_id: TaskId { value: "t1".into() },
            timestamp: Some(1_700_000_000.123_4),
            ..Default::default()
        };
        status.set_state(TaskState::TaskUnreachable);
        status.set_source(mesos_native::proto::task_status::Source::Master);
        status.set_reason(mesos_native::proto::task_status::Reason::SlaveRemoved);
        assert_eq!(
            state_line(&status),
            "state t1 TASK_UNREACHABLE REASON_SLAVE_REMOVED SOURCE_MASTER 1700000000123"
        );
        let bare = TaskStatus {
            task_id: TaskId { value: "t2".into() },
            ..Default::default()
        };
        assert_eq!(state_line(&bare), "state t2 TASK_STAGING - - -");
    }
}
