//! Partitions on the multi-host testbed, each under the v0 driver and the
//! v1 scheduler: the scheduler cut off from the master for less and for
//! more than its failover timeout, an agent cut off from the master (for a
//! `PARTITION_AWARE` framework and for one that is not), the leading
//! master cut off from ZooKeeper, and the master's packets to the
//! scheduler dropped one way. The framework runs as a process of its own
//! on the scheduler host ([`framework`]); the tests read what it saw, and
//! what the master says, from a host the cut leaves connected.
//! docs/failure-modes.md has a row for each.
//!
//! TCP notices a silent cut only when data goes unacknowledged for
//! `net.ipv4.tcp_retries2` retransmissions (15 by default: about 15
//! minutes), and a connection attempt gives up after `tcp_syn_retries`
//! (6: about two minutes). The tests shorten both on the hosts they cut
//! ([`short_tcp_timeouts`]), as an operator of a partition-prone network
//! does, so that a partition is noticed within seconds.

mod framework;

mod agent_cut;
mod scheduler_cut;
mod zookeeper_cut;

pub use crate::testbed::Bed;

/// The testbed `builder` makes, or None after a loud SKIPPED line: the
/// partition tests' framework runs on this build's libmesos, which the
/// testbed (it starts only daemons) does not check for.
pub fn start(test: &str, builder: Builder) -> Option<Bed> {
    crate::support::require_mesos(test)?;
    crate::testbed::start(test, builder)
}

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use mesos_native::operator::Master;
use mesos_testbed::{Builder, Testbed};

use crate::support::events::{Describe, Events};

pub use framework::Config;

/// Registration, and a task running, on a loaded machine.
pub const START: Duration = Duration::from_secs(120);
/// A partition noticed, or healed, by Mesos and the framework.
pub const NOTICE: Duration = Duration::from_secs(120);

/// `tcp_retries2`: retransmissions before TCP gives up on a connection
/// (5: after about 13 s).
const TCP_RETRIES: u32 = 5;
/// `tcp_syn_retries`: SYN retransmissions before a connection attempt
/// fails (2: after about 7 s).
const TCP_SYN_RETRIES: u32 = 2;

/// `IP:5050` of master host `host`.
pub fn master_address(testbed: &Testbed, host: &str) -> String {
    format!("{}:5050", testbed.host(host).unwrap().public_address())
}

/// Shortens TCP's timeouts on `hosts` (see the module docs).
pub fn short_tcp_timeouts(testbed: &Testbed, hosts: &[&str]) {
    for host in hosts {
        let status = testbed
            .host(host)
            .unwrap()
            .command("sysctl")
            .arg("-q")
            .arg("-w")
            .arg(format!("net.ipv4.tcp_retries2={TCP_RETRIES}"))
            .arg(format!("net.ipv4.tcp_syn_retries={TCP_SYN_RETRIES}"))
            .status()
            .expect("run sysctl");
        assert!(status.success(), "sysctl on {host}: {status}");
    }
}

/// One line the framework wrote: an event word, then its fields.
#[derive(Clone, Debug)]
pub struct Line(pub String);

impl Describe for Line {
    fn describe(&self) -> String {
        self.0.clone()
    }
}

impl Line {
    /// The event (`registered`, `status`...).
    pub fn event(&self) -> &str {
        self.0.split_whitespace().next().unwrap_or("")
    }

    /// The `n`th field after the event word.
    pub fn field(&self, n: usize) -> &str {
        self.0.split_whitespace().nth(n + 1).unwrap_or("")
    }

    /// What follows the event word.
    pub fn rest(&self) -> &str {
        self.0.split_once(' ').map_or("", |(_, rest)| rest)
    }

    /// For `status <task> <state> ...`: the task and the state.
    pub fn status(&self) -> Option<(&str, &str)> {
        (self.event() == "status").then(|| (self.field(0), self.field(1)))
    }
}

/// The framework process on the scheduler host, and what it said.
pub struct Framework {
    child: Child,
    pub events: Events<Line>,
    pub log: PathBuf,
}

impl Framework {
    /// Starts the framework of `config` on the scheduler host; its
    /// libmesos log goes to the testbed's logs as `framework-<name>.log`.
    pub fn start(testbed: &Testbed, config: &Config) -> Framework {
        let log = testbed
            .state_dir()
            .join("logs")
            .join(format!("framework-{}.log", config.name));
        let stderr = std::fs::File::create(&log).expect("create the framework's log");
        let mut child = testbed
            .host("scheduler")
            .unwrap()
            .command(std::env::current_exe().expect("the test binary"))
            .args([
                framework::ENTRY,
                "--exact",
                "--include-ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(framework::VARIABLE, config.to_json())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start the framework");
        let stdout = child.stdout.take().unwrap();
        let (lines, received) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(event) = line.strip_prefix(framework::PREFIX) {
                    if lines.send(Line(event.to_string())).is_err() {
                        return;
                    }
                }
            }
        });
        Framework {
            child,
            events: Events::new(received),
            log,
        }
    }

    /// Waits for the next line of event `event`.
    pub fn next(&mut self, event: &str, timeout: Duration) -> Line {
        self.wait(event, timeout, |line| {
            (line.event() == event).then(|| line.clone())
        })
    }

    /// Waits until `pick` returns `Some` for a line; panics after
    /// `timeout` with every line so far and where the log is.
    pub fn wait<T>(
        &mut self,
        what: &str,
        timeout: Duration,
        pick: impl FnMut(&Line) -> Option<T>,
    ) -> T {
        let log = self.log.display().to_string();
        let what = format!("{what} (the framework's log: {log})");
        self.events.wait_for(&what, timeout, pick)
    }

    /// Waits for `registered <id>`; the id.
    pub fn registered(&mut self, timeout: Duration) -> String {
        self.wait("registration", timeout, |line| match line.event() {
            "registered" => Some(line.field(0).to_string()),
            "error" => panic!("an error instead of registration: {}", line.rest()),
            _ => None,
        })
    }

    /// Waits for a `status` of `task` in `state`; the whole line.
    pub fn state(&mut self, task: &str, state: &str, timeout: Duration) -> Line {
        self.wait(&format!("{task} {state}"), timeout, |line| {
            (line.status() == Some((task, state))).then(|| line.clone())
        })
    }

    /// Every line seen so far of event `event`.
    pub fn seen(&self, event: &str) -> Vec<Line> {
        self.events
            .seen
            .iter()
            .map(|line| Line(line.clone()))
            .filter(|line| line.event() == event)
            .collect()
    }

    /// The tasks launched so far.
    pub fn launched(&self) -> Vec<String> {
        self.seen("launched")
            .iter()
            .map(|line| line.field(0).to_string())
            .collect()
    }
}

impl Drop for Framework {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A framework as one master knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Known {
    pub id: String,
    pub active: bool,
    pub connected: bool,
    /// Removed (completed) rather than current.
    pub removed: bool,
}

/// What one master knows of frameworks and tasks.
#[derive(Debug, Clone, Default)]
pub struct MasterView {
    pub frameworks: Vec<Known>,
    /// `(task, state, framework id)`, current, unreachable and completed.
    pub tasks: Vec<(String, String, String)>,
}

impl MasterView {
    pub fn framework(&self, id: &str) -> Option<&Known> {
        self.frameworks.iter().find(|f| f.id == id)
    }

    /// The tasks of framework `id` in `state`.
    pub fn tasks_in(&self, id: &str, state: &str) -> Vec<&str> {
        self.tasks
            .iter()
            .filter(|(_, s, f)| s == state && f == id)
            .map(|(task, _, _)| task.as_str())
            .collect()
    }
}

/// What the master at `master` (`IP:5050`) says, asked from host `from`
/// (one the test's cuts leave connected); None when it does not answer.
pub fn master_view(testbed: &Testbed, from: &str, master: &str) -> Option<MasterView> {
    testbed
        .host(from)
        .unwrap()
        .within(|| {
            let master = Master::builder(format!("http://{master}"))
                .timeout(Duration::from_secs(3))
                .build()
                .ok()?;
            let frameworks = master.get_frameworks().ok()?;
            let tasks = master.get_tasks().ok()?;
            let known = |framework: &mesos_native::proto::v1::master::response::get_frameworks::Framework, removed| Known {
                id: framework
                    .framework_info
                    .id
                    .as_ref()
                    .map_or(String::new(), |id| id.value.clone()),
                active: framework.active,
                connected: framework.connected,
                removed,
            };
            let mut view = MasterView::default();
            view.frameworks.extend(frameworks.frameworks.iter().map(|f| known(f, false)));
            view.frameworks
                .extend(frameworks.completed_frameworks.iter().map(|f| known(f, true)));
            for task in tasks
                .tasks
                .iter()
                .chain(&tasks.unreachable_tasks)
                .chain(&tasks.completed_tasks)
            {
                view.tasks.push((
                    task.task_id.value.clone(),
                    task.state().as_str_name().to_string(),
                    task.framework_id.value.clone(),
                ));
            }
            Some(view)
        })
        .unwrap()
}

/// Polls what the masters at `masters` (`IP:5050`) say, asked from
/// `from`, until `check` accepts one's view; panics after `timeout` with
/// the last view.
pub fn eventually_master<T>(
    testbed: &Testbed,
    from: &str,
    masters: &[String],
    what: &str,
    timeout: Duration,
    mut check: impl FnMut(&MasterView) -> Option<T>,
) -> T {
    let deadline = Instant::now() + timeout;
    let mut last = None;
    loop {
        for master in masters {
            if let Some(view) = master_view(testbed, from, master) {
                if let Some(found) = check(&view) {
                    return found;
                }
                last = Some(view);
            }
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}; the masters last said {last:#?}; \
             logs in {}",
            testbed.state_dir().join("logs").display()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}
