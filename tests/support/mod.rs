//! What the test binaries share (each includes this module): detecting a
//! real Mesos (or saying loudly that a test was skipped), a throwaway
//! loopback cluster run through `scripts/local-cluster.sh` (the same script
//! users run), ZooKeeper, event channels, and the checks of the reference
//! scenario.
#![allow(dead_code)]

pub mod checks;
pub mod events;
pub mod file_server;
pub mod proto_compare;
pub mod skip;
pub mod v1_events;
pub mod within;
pub mod zookeeper;

pub use mesos_reference::executor_command;

use mesos_native::operator;
use mesos_native::proto::v1::master::response::{get_frameworks, GetFrameworks, GetState};

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

#[allow(unused_imports)] // each test crate uses what it needs
pub use skip::{shout, skip};

/// The in-process double of the C shim, as the crate's constructors take
/// it.
pub fn double() -> mesos_native::Shim {
    // SAFETY: the double implements `mesos_shim.h` as the header says: the
    // bare suite holds it to that.
    unsafe { mesos_native::Shim::from_api(&mesos_native_double::API) }
}

/// The double, claiming to be a libmesos older than the shim.
pub fn double_with_old_library() -> mesos_native::Shim {
    // SAFETY: as for `double`; only the version it reports differs.
    unsafe { mesos_native::Shim::from_api(&mesos_native_double::API_OLD_LIBRARY) }
}

/// The double, as a libmesos 1.10 (before offer constraints).
pub fn double_on_1_10() -> mesos_native::Shim {
    // SAFETY: as for `double`; only the versions it reports differ.
    unsafe { mesos_native::Shim::from_api(&mesos_native_double::API_1_10) }
}

/// Real clusters are heavy on a small machine: tests take turns.
static ONE_CLUSTER_AT_A_TIME: Mutex<()> = Mutex::new(());

/// This test's turn to run a cluster (a loopback one, or a testbed), until
/// the guard drops.
pub fn cluster_turn() -> MutexGuard<'static, ()> {
    ONE_CLUSTER_AT_A_TIME
        .lock()
        .unwrap_or_else(|p| p.into_inner())
}

/// What a real-Mesos test needs: this build linked against libmesos, and
/// the master and agent binaries.
pub struct MesosInstall {
    pub sbin: PathBuf,
}

/// Returns the install, or prints a loud SKIPPED line and returns None;
/// with `MESOS_TEST_REQUIRE=1` a missing Mesos fails the test instead.
pub fn require_mesos(test: &str) -> Option<MesosInstall> {
    let problem = if !mesos_native_sys::NATIVE_AVAILABLE {
        Some(
            "this build has no libmesos (set MESOS_NATIVE_LIBRARY or MESOS_HOME and rebuild)"
                .to_string(),
        )
    } else {
        match find_sbin() {
            Some(sbin) => return Some(MesosInstall { sbin }),
            None => Some(
                "mesos-master/mesos-agent not found (put them on PATH or set MESOS_HOME)"
                    .to_string(),
            ),
        }
    };
    skip(test, &format!("needs a real Mesos: {}", problem.unwrap()));
    None
}

/// [`require_mesos`] and [`zookeeper::require_zookeeper`] together, for
/// the high-availability tests: both, or a loud SKIPPED line for the first
/// missing one.
pub fn require_mesos_and_zookeeper(
    test: &str,
) -> Option<(MesosInstall, zookeeper::ZooKeeperInstall)> {
    let install = require_mesos(test)?;
    let zookeeper = zookeeper::require_zookeeper(test)?;
    Some((install, zookeeper))
}

/// The sbin of the install whose libmesos this test binary loaded (so the
/// daemons are always that release's), else of `MESOS_HOME`, `PATH`, ...
/// Panics when `MESOS_HOME` names another install than the loaded
/// libmesos's (see [`mesos_testbed::preflight::mesos_sbin`]).
fn find_sbin() -> Option<PathBuf> {
    mesos_testbed::preflight::mesos_sbin().unwrap_or_else(|error| panic!("{error}"))
}

/// A fresh, empty directory for one test: `mesos-rs-<name>-<pid>` under
/// the system's temporary directory.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mesos-rs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch directory");
    dir
}

/// A running loopback cluster; stopped (with everything it started) on drop.
pub struct Cluster {
    pub master: String,
    pub agent_ports: Vec<u16>,
    pub dir: PathBuf,
    /// Every master's address (the first is `master`); more than one only
    /// with ZooKeeper.
    pub masters: Vec<String>,
    /// The `zk://` URL masters and agents use, when started with ZooKeeper.
    pub zk: Option<String>,
    install_prefix: PathBuf,
    _turn: MutexGuard<'static, ()>,
    // Dropped after `down` stopped the masters that use it.
    _zookeeper: Option<zookeeper::ZooKeeper>,
}

/// What [`Cluster::start_opts`] starts.
#[derive(Default)]
pub struct ClusterOptions<'a> {
    pub agents: usize,
    pub resources: &'a str,
    pub master_flags: &'a str,
    pub agent_flags: &'a str,
    /// Start a ZooKeeper (see [`zookeeper::require_zookeeper`]) and let the
    /// masters elect their leader through it.
    pub zookeeper: Option<zookeeper::ZooKeeperInstall>,
    /// Masters besides the first (needs `zookeeper`).
    pub extra_masters: usize,
    /// `in_memory` or `replicated_log` (default: the script's).
    pub registry: Option<&'a str>,
    /// `PRINCIPAL:SECRET`, for a master whose `master_flags` authenticate
    /// its read-only endpoints: the script counts the registered agents
    /// through one.
    pub credential: Option<&'a str>,
}

/// How many clusters this test process has started, to name their
/// directories apart.
static CLUSTERS_STARTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl Cluster {
    /// One master and `agents` agents with `resources` each, on free ports.
    pub fn start(install: &MesosInstall, agents: usize, resources: &str) -> Cluster {
        Self::start_with(install, agents, resources, "", "")
    }

    pub fn start_with(
        install: &MesosInstall,
        agents: usize,
        resources: &str,
        master_flags: &str,
        agent_flags: &str,
    ) -> Cluster {
        Self::start_opts(
            install,
            ClusterOptions {
                agents,
                resources,
                master_flags,
                agent_flags,
                ..Default::default()
            },
        )
    }

    /// A cluster as `options` say: possibly several masters electing a
    /// leader through a ZooKeeper of its own.
    pub fn start_opts(install: &MesosInstall, options: ClusterOptions) -> Cluster {
        let agents = options.agents;
        let turn = ONE_CLUSTER_AT_A_TIME
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        // ZooKeeper first, so the ports picked below avoid its port.
        let zookeeper = options.zookeeper.as_ref().map(|install| {
            let dir = std::env::temp_dir().join(format!(
                "mesos-rs-test-{}-zk-{}",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |t| t.as_millis())
            ));
            install
                .start(&dir)
                .unwrap_or_else(|e| panic!("ZooKeeper did not start: {e}"))
        });
        let base = free_port_run(agents + 1 + options.extra_masters);
        // Numbered as well as named for the port: a later cluster on the
        // same free ports would otherwise overwrite the logs that a failed
        // test's "logs kept in" points at.
        let number = CLUSTERS_STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "mesos-rs-test-{}-{number}-{base}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let install_prefix = install
            .sbin
            .parent()
            .unwrap_or(Path::new("/"))
            .to_path_buf();
        let extra_master_ports: Vec<u16> = (0..options.extra_masters as u16)
            .map(|i| base + agents as u16 + 1 + i)
            .collect();
        let zk = zookeeper.as_ref().map(|zk| zk.url("/mesos"));
        assert!(
            extra_master_ports.is_empty() || zk.is_some(),
            "several masters need ZooKeeper"
        );
        let cluster = Cluster {
            master: format!("127.0.0.1:{base}"),
            agent_ports: (1..=agents as u16).map(|i| base + i).collect(),
            masters: std::iter::once(base)
                .chain(extra_master_ports.iter().copied())
                .map(|port| format!("127.0.0.1:{port}"))
                .collect(),
            zk,
            dir,
            install_prefix,
            _turn: turn,
            _zookeeper: zookeeper,
        };
        let mut up = cluster.script("up");
        up.env("MESOS_AGENTS", agents.to_string())
            .env("MESOS_AGENT_RESOURCES", options.resources)
            .env("MESOS_MASTER_FLAGS", options.master_flags)
            .env("MESOS_AGENT_FLAGS", options.agent_flags)
            .env(
                "MESOS_EXTRA_MASTER_PORTS",
                extra_master_ports
                    .iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        if let Some(zk) = &cluster.zk {
            up.env("MESOS_ZK", zk);
        }
        if let Some(registry) = options.registry {
            up.env("MESOS_MASTER_REGISTRY", registry);
        }
        if let Some(credential) = options.credential {
            up.env("MESOS_CLUSTER_CREDENTIAL", credential);
        }
        let status = up.status().expect("run scripts/local-cluster.sh");
        assert!(
            status.success(),
            "scripts/local-cluster.sh up failed; logs in {}",
            cluster.dir.join("logs").display()
        );
        cluster
    }

    fn script(&self, action: &str) -> Command {
        let mut command = Command::new("bash");
        command
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/local-cluster.sh"))
            .arg(action)
            .env("MESOS_HOME", &self.install_prefix)
            .env("MESOS_CLUSTER_DIR", &self.dir)
            .env("MESOS_MASTER_PORT", self.master.rsplit(':').next().unwrap())
            .env(
                "MESOS_AGENT_BASE_PORT",
                self.agent_ports.first().map_or(0, |p| *p).to_string(),
            );
        command
    }

    /// A typed client of the master's operator API (`/api/v1`), without
    /// credentials.
    pub fn operator(&self) -> operator::Master {
        operator::Master::new(&self.master).expect("the master's address")
    }

    /// GET_FRAMEWORKS: the frameworks the master knows, active and
    /// completed.
    pub fn frameworks(&self) -> GetFrameworks {
        self.operator().get_frameworks().expect("GET_FRAMEWORKS")
    }

    /// The id of every framework the master knows, active or completed.
    pub fn framework_ids(&self) -> Vec<String> {
        framework_ids(&self.frameworks())
    }

    /// GET_STATE: the master's agents, frameworks, executors and tasks.
    pub fn state(&self) -> GetState {
        self.operator().get_state().expect("GET_STATE")
    }

    /// Polls GET_STATE until `check` holds (or panics after `timeout`).
    pub fn wait_for_state(
        &self,
        what: &str,
        timeout: Duration,
        check: impl Fn(&GetState) -> bool,
    ) -> GetState {
        self.poll(what, timeout, |_| {
            Some(self.state()).filter(|state| check(state))
        })
    }

    /// Calls `probe` (with the time left) every 250 ms until it returns
    /// `Some`; panics after `timeout`, naming `what` and the logs.
    pub fn poll<T>(
        &self,
        what: &str,
        timeout: Duration,
        mut probe: impl FnMut(Duration) -> Option<T>,
    ) -> T {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if let Some(found) = probe(left) {
                return found;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; logs in {}",
                self.dir.join("logs").display()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

impl Cluster {
    /// SIGKILLs one daemon: `master`, `master1`..., `agent0`...
    pub fn kill(&self, name: &str) {
        let status = self
            .script("kill")
            .arg(name)
            .status()
            .expect("local-cluster.sh kill");
        assert!(status.success(), "local-cluster.sh kill {name} failed");
    }

    /// Starts a killed daemon again with the same command line.
    pub fn start_daemon(&self, name: &str) {
        let status = self
            .script("start")
            .arg(name)
            .status()
            .expect("local-cluster.sh start");
        assert!(status.success(), "local-cluster.sh start {name} failed");
    }

    /// The pid of a daemon, if running.
    pub fn pid(&self, name: &str) -> Option<u32> {
        std::fs::read_to_string(self.dir.join("pids").join(name))
            .ok()
            .and_then(|pid| pid.trim().parse().ok())
    }

    /// The pid of executor `executor` on agent `agent` (an index), as the
    /// agent's GET_CONTAINERS reports it.
    pub fn executor_pid(&self, agent: usize, executor: &str) -> u32 {
        let address = format!("127.0.0.1:{}", self.agent_ports[agent]);
        let containers = operator::Agent::new(&address)
            .expect("the agent's address")
            .get_containers()
            .expect("GET_CONTAINERS")
            .containers;
        containers
            .iter()
            .find(|c| {
                c.executor_id
                    .as_ref()
                    .is_some_and(|id| id.value == executor)
            })
            .and_then(|c| c.container_status.as_ref()?.executor_pid)
            .unwrap_or_else(|| panic!("no pid for {executor} in {containers:?}"))
    }

    /// SIGKILLs executor `executor` on agent `agent`.
    pub fn kill_executor(&self, agent: usize, executor: &str) {
        let pid = self.executor_pid(agent, executor);
        eprintln!("killing executor {executor} (pid {pid})");
        signal(pid, "KILL");
    }

    /// The script's name for the master at `address` (`master`, `master1`...).
    pub fn master_name(&self, address: &str) -> Option<String> {
        let index = self.masters.iter().position(|m| m == address)?;
        Some(if index == 0 {
            "master".to_string()
        } else {
            format!("master{index}")
        })
    }

    /// The address of the leading master, if one is elected and answers:
    /// the others redirect operator API calls to it (the client follows),
    /// so the `MasterInfo` any of them returns is the leader's.
    pub fn leader(&self) -> Option<String> {
        self.masters.iter().find_map(|address| {
            let info = operator::Master::new(address)
                .ok()?
                .get_master()
                .ok()?
                .master_info?;
            let port = format!(":{}", info.port);
            self.masters.iter().find(|m| m.ends_with(&port)).cloned()
        })
    }

    /// GET_STATE of whichever master leads now (polls until one does).
    pub fn leader_state(&self, timeout: Duration) -> GetState {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(leader) = self.leader() {
                if let Ok(state) = operator::Master::new(&leader).and_then(|m| m.get_state()) {
                    return state;
                }
            }
            assert!(
                Instant::now() < deadline,
                "no leading master within {timeout:?}; logs in {}",
                self.dir.join("logs").display()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// Asserts that the leading master lists framework `id` as active.
    pub fn assert_framework_active(&self, id: &str) {
        let state = self.leader_state(Duration::from_secs(10));
        assert!(
            events::listed_framework(&state, |f| framework_id(f) == id && f.active).is_some(),
            "framework {id} not active on the leader"
        );
    }

    /// Like [`wait_for_state`](Self::wait_for_state), asking the leader.
    pub fn wait_for_leader_state(
        &self,
        what: &str,
        timeout: Duration,
        check: impl Fn(&GetState) -> bool,
    ) -> GetState {
        self.poll(what, timeout, |left| {
            Some(self.leader_state(left.max(Duration::from_secs(1)))).filter(|state| check(state))
        })
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.script("down").status();
        // A failed test's logs stay (the script said where); a passed one's
        // go, so that a run of the suite leaves no gigabytes behind.
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Masters electing through ZooKeeper, with a replicated-log registry so a
/// restarted (or newly elected) master recovers the agents and frameworks,
/// and a short ZooKeeper session so a killed master's leadership expires
/// fast; one agent with `resources`.
pub fn zk_cluster(
    install: &MesosInstall,
    zookeeper: zookeeper::ZooKeeperInstall,
    resources: &str,
    extra_masters: usize,
) -> Cluster {
    Cluster::start_opts(
        install,
        ClusterOptions {
            agents: 1,
            resources,
            master_flags: "--zk_session_timeout=4secs",
            zookeeper: Some(zookeeper),
            extra_masters,
            registry: Some("replicated_log"),
            ..Default::default()
        },
    )
}

/// A framework's id, as GET_FRAMEWORKS lists it (empty if none).
pub fn framework_id(framework: &get_frameworks::Framework) -> &str {
    framework
        .framework_info
        .id
        .as_ref()
        .map_or("", |id| id.value.as_str())
}

/// The id of every framework in `frameworks`, active or completed.
pub fn framework_ids(frameworks: &GetFrameworks) -> Vec<String> {
    frameworks
        .frameworks
        .iter()
        .chain(&frameworks.completed_frameworks)
        .map(|framework| framework_id(framework).to_string())
        .collect()
}

/// Sends `SIG<name>` to `pid`.
pub fn signal(pid: u32, name: &str) {
    let sent = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(pid.to_string())
        .status()
        .expect("run kill");
    assert!(sent.success(), "kill -{name} {pid} failed");
}

/// A base port such that `count` consecutive ports from it are free now.
fn free_port_run(count: usize) -> u16 {
    let seed = std::process::id() as u16;
    for attempt in 0..200u16 {
        let base = 20000 + (seed.wrapping_mul(7).wrapping_add(attempt.wrapping_mul(37)) % 20000);
        let free = (0..count as u16).all(|i| TcpListener::bind(("127.0.0.1", base + i)).is_ok());
        if free {
            return base;
        }
    }
    panic!("no run of {count} free loopback ports found");
}

/// Path of an example binary built by `cargo test` (examples are built
/// next to the test binaries, in `target/<profile>/examples`).
/// Runs the built example `name` with `args`; whether it succeeded, and
/// its stdout and stderr (also echoed, for a failing test's log).
pub fn run_example(name: &str, args: &[&str]) -> (bool, String) {
    let binary = example_binary(name);
    assert!(
        binary.is_file(),
        "{} missing: cargo test builds the examples",
        binary.display()
    );
    let output = Command::new(&binary)
        .args(args)
        .output()
        .expect("run the example");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("--- {name} {args:?} ---\n{text}");
    (output.status.success(), text)
}

pub fn example_binary(name: &str) -> PathBuf {
    let test_binary = std::env::current_exe().expect("current_exe");
    let profile_dir = test_binary
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>");
    profile_dir.join("examples").join(name)
}

/// Logging for the test, once.
pub fn init_logging() {
    let _ = env_logger::builder().is_test(true).try_init();
}
