//! [`Testbed`]: a running testbed, its [`Builder`], its [`Host`]s, and
//! what a test does to them (cut, heal, isolate, kill, start).

use std::ffi::OsStr;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use crate::cluster::{self, Daemon};
use crate::error::{io, Error, Result};
use crate::owners;
use crate::plan::{HostPlan, Plan, Role};
use crate::preflight::{self, MesosInstall, Tools};
use crate::processes;
use crate::spec::Spec;
use crate::state::{self, Saved};
use crate::{firewall, namespaces, network};

/// How long [`Builder::start`] waits for the cluster by default: ZooKeeper
/// answering, every agent registered with the leading master.
pub const DEFAULT_STARTUP_TIMEOUT: Duration = Duration::from_secs(180);

/// Testbeds made by this process so far, for unique ids.
static MADE: AtomicU32 = AtomicU32::new(0);

/// Settings of a testbed, then [`start`](Self::start).
#[derive(Clone, Debug)]
pub struct Builder {
    spec: Spec,
    id: Option<String>,
    state_dir: Option<PathBuf>,
    keep_state: bool,
    startup_timeout: Duration,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            spec: Spec::default(),
            id: None,
            state_dir: None,
            keep_state: false,
            startup_timeout: DEFAULT_STARTUP_TIMEOUT,
        }
    }
}

impl Builder {
    /// All of a spec at once (the CLI's `--spec` file).
    pub fn spec(mut self, spec: Spec) -> Self {
        self.spec = spec;
        self
    }

    /// Masters `master1`... (default 1); with none there is no `zk`,
    /// `scheduler` or `files` host either.
    pub fn masters(mut self, count: usize) -> Self {
        self.spec.masters = count;
        self
    }

    /// Agents `agent0`... (default 4).
    pub fn agents(mut self, count: usize) -> Self {
        self.spec.agents = count;
        self
    }

    /// An extra host, running nothing of its own.
    pub fn host(mut self, name: &str) -> Self {
        self.spec.hosts.push(name.to_string());
        self
    }

    /// Puts `host` behind a NAT router of its own: it reaches every host,
    /// and is reached only through the ports forwarded to it.
    pub fn behind_nat(mut self, host: &str) -> Self {
        self.spec.nat.push(host.to_string());
        self
    }

    /// Forwards `port` (TCP and UDP) of the router of `host` (behind NAT)
    /// to the host's `port`: what a scheduler behind NAT advertises with
    /// `LIBPROCESS_ADVERTISE_IP`/`LIBPROCESS_ADVERTISE_PORT`.
    pub fn forward_port(mut self, host: &str, port: u16) -> Self {
        self.spec.forwards.push((host.to_string(), port));
        self
    }

    /// Makes the hosts and their network only: no ZooKeeper, masters,
    /// agents or file server run (and none need installing).
    pub fn network_only(mut self) -> Self {
        self.spec.daemons = false;
        self
    }

    /// Each agent's `--resources` (default
    /// [`DEFAULT_RESOURCES`](crate::DEFAULT_RESOURCES)).
    pub fn resources(mut self, resources: &str) -> Self {
        self.spec.resources = resources.to_string();
        self
    }

    /// One more flag for every master (`--zk_session_timeout=4secs`).
    pub fn master_flag(mut self, flag: &str) -> Self {
        self.spec.master_flags.push(flag.to_string());
        self
    }

    /// One more flag for every agent.
    pub fn agent_flag(mut self, flag: &str) -> Self {
        self.spec.agent_flags.push(flag.to_string());
        self
    }

    /// One more path agents must not see (besides the project's tree and
    /// the cargo target directory).
    pub fn hide(mut self, path: impl Into<PathBuf>) -> Self {
        self.spec.hide.push(path.into());
        self
    }

    /// The testbed's id, in its namespaces' names (default: this process's
    /// pid and a count). Lowercase letters and digits, at most 16.
    pub fn id(mut self, id: &str) -> Self {
        self.id = Some(id.to_string());
        self
    }

    /// Where logs, work directories and served files go (default: a fresh
    /// `mesos-testbed-<id>` in the temporary directory). Must be outside
    /// what agents must not see.
    pub fn state_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.state_dir = Some(dir.into());
        self
    }

    /// Keep the state directory after teardown (it is always kept when a
    /// test panics, for its logs).
    pub fn keep_state(mut self, keep: bool) -> Self {
        self.keep_state = keep;
        self
    }

    /// How long to wait for the cluster (default
    /// [`DEFAULT_STARTUP_TIMEOUT`]).
    pub fn startup_timeout(mut self, timeout: Duration) -> Self {
        self.startup_timeout = timeout;
        self
    }

    /// Checks the machine, sweeps leftovers of earlier testbeds whose
    /// owner is gone, makes the network and starts the cluster, waiting
    /// until every agent is registered with the leading master.
    ///
    /// [`Error::Unavailable`] names everything this machine lacks (root,
    /// tools, Mesos...); a test skips on it. Anything made before a
    /// failure is torn down before the error returns.
    pub fn start(self) -> Result<Testbed> {
        self.spec.validate()?;
        let tools = preflight::tools();
        let install = if self.spec.daemons && self.spec.masters > 0 {
            Some(preflight::mesos())
        } else {
            None
        };
        let (tools, install) = match (tools, install) {
            (Ok(tools), None) => (tools, None),
            (Ok(tools), Some(Ok(install))) => (tools, Some(install)),
            (Err(a), Some(Err(b))) => {
                return Err(Error::Unavailable(format!(
                    "{}; {}",
                    a.message(),
                    b.message()
                )))
            }
            (Err(e), _) | (_, Some(Err(e))) => return Err(e),
        };
        let id = match self.id {
            Some(id) => id,
            None => format!(
                "{}x{}",
                std::process::id(),
                MADE.fetch_add(1, Ordering::Relaxed)
            ),
        };
        let plan = Plan::new(&id, &self.spec)?;
        if namespaces::list()
            .iter()
            .any(|n| plan.namespaces().contains(&n.as_str()))
        {
            return Err(Error::Invalid(format!(
                "namespaces of testbed `{id}` exist already: is it running? (`testbed down`, or \
                 `testbed sweep --all` to remove every testbed)"
            )));
        }
        if let Err(e) = owners::sweep(&tools, false) {
            eprintln!("testbed: {e}");
        }

        let state_dir = self
            .state_dir
            .unwrap_or_else(|| std::env::temp_dir().join(format!("mesos-testbed-{id}")));
        std::fs::create_dir_all(state_dir.join("logs"))
            .map_err(|e| io("cannot create", &state_dir, e))?;
        let state_dir = state_dir
            .canonicalize()
            .map_err(|e| io("cannot resolve", &state_dir, e))?;
        let mut hidden_wanted = default_hidden();
        hidden_wanted.extend(self.spec.hide.iter().cloned());
        let hidden = processes::outermost(&hidden_wanted);
        check_visible(&state_dir, "the state directory", &hidden)?;
        if let Some(install) = &install {
            check_visible(&install.agent, "mesos-agent", &hidden)?;
        }
        state::save(
            &state_dir,
            &Saved {
                id: id.clone(),
                hidden: hidden.clone(),
                spec: self.spec.clone(),
            },
        )?;
        owners::claim_for_process(&id)?;

        // From here on, dropping `testbed` (an error below) tears down
        // whatever was made.
        let testbed = Testbed {
            plan,
            spec: self.spec,
            tools,
            state_dir,
            hidden,
            keep_state: self.keep_state,
            owned: true,
            down: false,
            children: Mutex::new(Vec::new()),
        };
        let mut forwards = testbed.spec.forwards.clone();
        if testbed.spec.daemons {
            forwards.extend(cluster::daemon_forwards(&testbed.plan));
        }
        network::build(&testbed.tools, &testbed.plan, &forwards)
            .map_err(|e| e.context("making the network"))?;
        if let Some(install) = install {
            testbed.start_cluster(&install, self.startup_timeout)?;
        }
        Ok(testbed)
    }
}

/// A running testbed. Dropping it (a test returning or panicking) stops
/// every process on its hosts and deletes its namespaces, with their
/// links and rules; [`teardown`](Self::teardown) does the same and says
/// what failed.
pub struct Testbed {
    plan: Plan,
    spec: Spec,
    tools: Tools,
    state_dir: PathBuf,
    hidden: Vec<PathBuf>,
    keep_state: bool,
    /// Torn down on drop: made by this value, not attached to.
    owned: bool,
    down: bool,
    /// The daemons this value started, to reap.
    children: Mutex<Vec<(String, Child)>>,
}

impl Testbed {
    /// The settings of a new testbed.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// The testbed running with its state in `state_dir` (left running by
    /// `testbed up`, or by another process): to cut, heal, kill, or tear it
    /// down. Dropping the value leaves the testbed running.
    pub fn attach(state_dir: &Path) -> Result<Testbed> {
        let saved = state::load(state_dir)?;
        let tools = preflight::tools()?;
        let plan = Plan::new(&saved.id, &saved.spec)?;
        if !namespaces::path(&plan.switch).exists() {
            return Err(Error::Invalid(format!(
                "the testbed of {} (id {}) is not running (its namespaces are gone)",
                state_dir.display(),
                saved.id
            )));
        }
        Ok(Testbed {
            plan,
            spec: saved.spec,
            tools,
            state_dir: state_dir.to_path_buf(),
            hidden: saved.hidden,
            keep_state: true,
            owned: false,
            down: false,
            children: Mutex::new(Vec::new()),
        })
    }

    /// Leaves the testbed running past this value (and this process):
    /// its state directory owns it now, until `testbed down` (or
    /// [`attach`](Self::attach) and [`teardown`](Self::teardown)).
    pub fn keep_running(mut self) -> Result<PathBuf> {
        owners::claim_for_state_dir(&self.plan.id, &self.state_dir)?;
        self.owned = false;
        // The daemons are not waited for: they outlive this process.
        self.children
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        Ok(self.state_dir.clone())
    }

    /// Its id, in its namespaces' names.
    pub fn id(&self) -> &str {
        &self.plan.id
    }

    /// What it is made of.
    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    /// Its hosts' roles, addresses and namespaces.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Its state directory (logs in `logs/`).
    pub fn state_dir(&self) -> &Path {
        &self.state_dir
    }

    /// What agents do not see.
    pub fn hidden(&self) -> &[PathBuf] {
        &self.hidden
    }

    /// The host named `name`.
    pub fn host(&self, name: &str) -> Result<Host<'_>> {
        Ok(Host {
            testbed: self,
            plan: self.plan.host(name)?,
        })
    }

    /// Every host, in the spec's order.
    pub fn hosts(&self) -> impl Iterator<Item = Host<'_>> {
        self.plan.hosts.iter().map(move |plan| Host {
            testbed: self,
            plan,
        })
    }

    /// The `zk://` URL of the masters' election (`None` without masters).
    pub fn zk_url(&self) -> Option<String> {
        cluster::zk_url(&self.plan)
    }

    /// Every master's `IP:5050`, as the other hosts reach it.
    pub fn masters(&self) -> Vec<String> {
        cluster::master_addresses(&self.plan)
    }

    // --- links -------------------------------------------------------

    /// Cuts the link between `a` and `b`, both ways: whatever either sends
    /// the other is lost (silently, as on a cut cable), until
    /// [`heal`](Self::heal).
    pub fn cut(&self, a: &str, b: &str) -> Result<()> {
        self.cut_one_way(a, b)?;
        self.cut_one_way(b, a)
    }

    /// Cuts only what `from` sends `to`: `to`'s packets still reach
    /// `from`. (A TCP connection needs both ways, so TCP between the two
    /// fails whichever side connects; UDP and the lost direction show the
    /// difference.)
    pub fn cut_one_way(&self, from: &str, to: &str) -> Result<()> {
        let (from, to) = self.pair(from, to)?;
        firewall::cut_from(&self.tools, &to.netns, &from.sources())
    }

    /// Heals the link between `a` and `b`, both ways (whether one, both or
    /// no direction was cut).
    pub fn heal(&self, a: &str, b: &str) -> Result<()> {
        let (a, b) = self.pair(a, b)?;
        firewall::heal_from(&self.tools, &b.netns, &a.sources())?;
        firewall::heal_from(&self.tools, &a.netns, &b.sources())
    }

    /// Whether what `from` sends `to` is cut now.
    pub fn is_cut(&self, from: &str, to: &str) -> Result<bool> {
        self.pair(from, to)?;
        Ok(self.cut_towards(to)?.iter().any(|h| h == from))
    }

    /// The hosts whose packets `host` drops now (one-way cuts towards it).
    pub fn cut_towards(&self, host: &str) -> Result<Vec<String>> {
        let to = self.plan.host(host)?;
        let cut = firewall::cut_sources(&self.tools, &to.netns)?;
        Ok(self
            .plan
            .hosts
            .iter()
            .filter(|h| h.name != host && h.sources().iter().any(|s| cut.contains(s)))
            .map(|h| h.name.clone())
            .collect())
    }

    /// Unplugs `host` from the switch (its port goes down): it reaches no
    /// one and no one reaches it, until [`reconnect`](Self::reconnect).
    /// A host behind NAT is unplugged with its router.
    pub fn isolate(&self, host: &str) -> Result<()> {
        self.plan.host(host)?;
        network::set_port(&self.tools, &self.plan, host, false)
    }

    /// Plugs `host` back in.
    pub fn reconnect(&self, host: &str) -> Result<()> {
        self.plan.host(host)?;
        network::set_port(&self.tools, &self.plan, host, true)
    }

    /// Forwards one more `port` of `host`'s router to `host` (behind NAT).
    pub fn forward_port(&self, host: &str, port: u16) -> Result<()> {
        let plan = self.plan.host(host)?;
        let router = plan.router.as_ref().ok_or_else(|| {
            Error::Invalid(format!(
                "{host} is not behind NAT: its ports are all reachable"
            ))
        })?;
        firewall::forward_ports(&self.tools, router, &[port])
    }

    fn pair(&self, a: &str, b: &str) -> Result<(&HostPlan, &HostPlan)> {
        if a == b {
            return Err(Error::Invalid(format!(
                "a link joins two hosts: `{a}` twice (to cut a host off, isolate it)"
            )));
        }
        Ok((self.plan.host(a)?, self.plan.host(b)?))
    }

    // --- processes -----------------------------------------------------

    /// SIGKILLs every process of `host` (its daemon, an agent's
    /// executors, anything started there): a crash of the machine, its
    /// files kept. [`start`](Self::start) runs its daemon again.
    pub fn kill(&self, host: &str) -> Result<()> {
        let plan = self.plan.host(host)?;
        let held = namespaces::hold(&plan.netns)
            .ok_or_else(|| Error::Failed(format!("the namespace of {host} is gone")))?;
        processes::stop_all(&[held], Duration::ZERO)?;
        let mut children = self.children.lock().unwrap_or_else(|p| p.into_inner());
        for (_, child) in children.iter_mut().filter(|(name, _)| name == host) {
            let _ = child.kill();
            let _ = child.wait();
        }
        children.retain(|(name, _)| name != host);
        Ok(())
    }

    /// Starts `host`'s daemon again, with the command line it first had.
    pub fn start(&self, host: &str) -> Result<()> {
        self.plan.host(host)?;
        let argv = state::command(&self.state_dir, host)
            .ok_or_else(|| Error::Invalid(format!("{host} runs no daemon of the testbed")))?;
        let child = processes::spawn(&argv, &state::log(&self.state_dir, host))?;
        if self.owned {
            self.children
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((host.to_string(), child));
        }
        Ok(())
    }

    /// [`kill`](Self::kill), then [`start`](Self::start): a crash and a
    /// restart.
    pub fn restart(&self, host: &str) -> Result<()> {
        self.kill(host)?;
        self.start(host)
    }

    /// Copies `file` to the file server; its URL there, for an executor's
    /// `CommandInfo.URI` (agents cannot see the project's files, so they
    /// fetch them).
    pub fn publish(&self, file: &Path) -> Result<String> {
        let files = self
            .plan
            .with_role(Role::Files)
            .ok_or_else(|| Error::Invalid("this testbed has no file server (no masters)".into()))?;
        let name = file
            .file_name()
            .ok_or_else(|| Error::Invalid(format!("{} names no file", file.display())))?;
        let served = cluster::files_dir(&self.state_dir);
        std::fs::create_dir_all(&served).map_err(|e| io("cannot create", &served, e))?;
        std::fs::copy(file, served.join(name))
            .map_err(|e| io("cannot copy to the file server:", file, e))?;
        Ok(format!(
            "http://{}:8080/{}",
            files.public(),
            name.to_string_lossy()
        ))
    }

    /// Waits until the leading master lists `count` active agents, as the
    /// scheduler host sees it.
    pub fn wait_for_agents(&self, count: usize, timeout: Duration) -> Result<()> {
        let from = cluster::vantage(&self.plan)?;
        let mut last_count = 0;
        cluster::wait(
            &format!("{count} active agents"),
            timeout,
            || self.daemons_alive(),
            || match cluster::active_agents(&self.plan, from) {
                Ok(n) if n >= count => Ok(()),
                Ok(n) => {
                    last_count = n;
                    Err(format!("{n} active"))
                }
                Err(e) => Err(format!("{last_count} active; {e}")),
            },
        )
        .map_err(|e| self.with_logs(e))
    }

    /// `hostname:port` of the leading master, as the scheduler host sees
    /// it; `None` while none leads.
    pub fn leading_master(&self) -> Result<Option<String>> {
        cluster::leading_master(&self.plan, cluster::vantage(&self.plan)?)
    }

    /// The host whose master leads now.
    pub fn leading_master_host(&self) -> Result<Option<String>> {
        let Some(leader) = self.leading_master()? else {
            return Ok(None);
        };
        Ok(self
            .plan
            .masters()
            .find(|m| format!("{}:5050", m.public()) == leader)
            .map(|m| m.name.clone()))
    }

    fn start_cluster(&self, install: &MesosInstall, timeout: Duration) -> Result<()> {
        let daemons = cluster::daemons(
            &self.plan,
            &self.spec,
            install,
            &self.tools,
            &self.state_dir,
            &self.hidden,
        )?;
        let (first, rest): (Vec<Daemon>, Vec<Daemon>) = daemons.into_iter().partition(|d| {
            matches!(
                self.plan.host(&d.host).map(|h| h.role),
                Ok(Role::ZooKeeper | Role::Files)
            )
        });
        for daemon in &first {
            self.spawn_daemon(daemon)?;
        }
        let from = cluster::vantage(&self.plan)?;
        if let Some(zk) = self.plan.with_role(Role::ZooKeeper) {
            cluster::wait(
                "ZooKeeper",
                timeout,
                || self.daemons_alive(),
                || cluster::zookeeper_ok(from, zk),
            )
            .map_err(|e| self.with_logs(e))?;
        }
        if let Some(files) = self.plan.with_role(Role::Files) {
            cluster::wait(
                "the file server",
                timeout,
                || self.daemons_alive(),
                || cluster::port_open(from, files.public(), 8080),
            )
            .map_err(|e| self.with_logs(e))?;
        }
        for daemon in &rest {
            self.spawn_daemon(daemon)?;
        }
        self.wait_for_agents(self.spec.agents, timeout)?;
        self.wait_for_registry_replicas(timeout)
    }

    /// Waits until every master's replica of the registry's log has joined
    /// the others ([`cluster::recovered_replicas`]): before that, losing
    /// the leader may leave the registry unrecoverable.
    fn wait_for_registry_replicas(&self, timeout: Duration) -> Result<()> {
        let from = cluster::vantage(&self.plan)?;
        let masters = self.plan.masters().count();
        cluster::wait(
            &format!("the registry's log replicas of all {masters} masters"),
            timeout,
            || self.daemons_alive(),
            || match cluster::recovered_replicas(&self.plan, from) {
                Ok(n) if n >= masters => Ok(()),
                Ok(n) => Err(format!("{n} joined")),
                Err(e) => Err(e),
            },
        )
        .map_err(|e| self.with_logs(e))
    }

    fn spawn_daemon(&self, daemon: &Daemon) -> Result<()> {
        state::save_command(&self.state_dir, &daemon.host, &daemon.argv)?;
        self.start(&daemon.host)
    }

    /// An error naming the daemon that exited, with the end of its log.
    fn daemons_alive(&self) -> Result<()> {
        let mut children = self.children.lock().unwrap_or_else(|p| p.into_inner());
        for (host, child) in children.iter_mut() {
            if let Ok(Some(status)) = child.try_wait() {
                let log = state::log(&self.state_dir, host);
                return Err(Error::Failed(format!(
                    "the daemon of {host} exited ({status}); the end of {}:\n{}",
                    log.display(),
                    processes::tail(&log, 30)
                )));
            }
        }
        Ok(())
    }

    fn with_logs(&self, error: Error) -> Error {
        error.context(&format!(
            "logs in {}",
            self.state_dir.join("logs").display()
        ))
    }

    // --- teardown ------------------------------------------------------

    /// Stops every process on the hosts (SIGTERM, SIGKILL after a grace),
    /// deletes every namespace (their links and nft tables go with them),
    /// and forgets the owner; the state directory is removed unless kept
    /// (a panicking test keeps it). Says what could not be undone.
    pub fn teardown(mut self) -> Result<()> {
        self.tear_down()
    }

    fn tear_down(&mut self) -> Result<()> {
        self.down = true;
        let mut failures = processes::remove_namespaces(&self.tools, &self.plan.namespaces());
        for (_, mut child) in self
            .children
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .drain(..)
        {
            // Stopped above with everything in its namespace; killed here
            // if it never got into one.
            let _ = child.kill();
            let _ = child.wait();
        }
        failures.extend(unmount_under(&self.state_dir));
        if failures.is_empty() {
            owners::release(&self.plan.id);
        }
        let panicking = std::thread::panicking();
        if !self.keep_state && !panicking && failures.is_empty() {
            let _ = std::fs::remove_dir_all(&self.state_dir);
        } else if self.owned {
            eprintln!(
                "testbed {}: state and logs kept in {}",
                self.plan.id,
                self.state_dir.display()
            );
        }
        if failures.is_empty() {
            Ok(())
        } else {
            Err(Error::Failed(format!(
                "teardown of testbed {} left things behind (`testbed sweep` retries): {}",
                self.plan.id,
                failures.join("; ")
            )))
        }
    }
}

impl Drop for Testbed {
    fn drop(&mut self) {
        if self.owned && !self.down {
            if let Err(e) = self.tear_down() {
                eprintln!("{e}");
            }
        }
    }
}

/// One host of a testbed.
#[derive(Clone, Copy)]
pub struct Host<'a> {
    testbed: &'a Testbed,
    plan: &'a HostPlan,
}

impl<'a> Host<'a> {
    /// Its name (`agent0`).
    pub fn name(&self) -> &'a str {
        &self.plan.name
    }

    /// What runs on it.
    pub fn role(&self) -> Role {
        self.plan.role
    }

    /// Its own address (behind NAT: on its side of the router).
    pub fn address(&self) -> Ipv4Addr {
        self.plan.address
    }

    /// The address other hosts reach it at (behind NAT: its router's).
    pub fn public_address(&self) -> Ipv4Addr {
        self.plan.public()
    }

    /// Whether it is behind NAT.
    pub fn is_behind_nat(&self) -> bool {
        self.plan.router.is_some()
    }

    /// Its network namespace (`ip netns exec NAME ...` enters it by hand).
    pub fn netns(&self) -> &'a str {
        &self.plan.netns
    }

    /// Whether the project's tree is hidden from what runs on it (agents).
    pub fn hides_tree(&self) -> bool {
        matches!(self.plan.role, Role::Agent(_))
    }

    /// The log its daemon writes to.
    pub fn log(&self) -> PathBuf {
        state::log(&self.testbed.state_dir, &self.plan.name)
    }

    /// Runs `f` on a thread inside this host's network namespace: sockets
    /// it opens are this host's (a listener there is reachable at the
    /// host's address; a connection from there comes from it), and stay
    /// so when `f` hands them out. The operator API of the cluster is
    /// reached this way, from the scheduler host.
    pub fn within<T: Send>(&self, f: impl FnOnce() -> T + Send) -> Result<T> {
        namespaces::within(&self.plan.netns, f)
    }

    /// A command running `program` on this host (add arguments, then
    /// spawn or run it): inside its network namespace, on an agent with
    /// the project's tree hidden, with `LIBPROCESS_IP` set to its address
    /// (so a libmesos program binds there). Whatever it starts is stopped
    /// at teardown, with the host.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let hide: &[PathBuf] = if self.hides_tree() {
            &self.testbed.hidden
        } else {
            &[]
        };
        let argv = processes::argv_in_host(
            &self.testbed.tools,
            &self.plan.netns,
            hide,
            &cluster::environment(self.plan),
            program.as_ref(),
        );
        processes::command(&argv)
    }
}

/// What agents must not see by default: the workspace this crate belongs
/// to (it is the workspace's `testbed/` member), `CARGO_TARGET_DIR`, and
/// the target directory the running program was built in (cargo marks it
/// with a `CACHEDIR.TAG`).
fn default_hidden() -> Vec<PathBuf> {
    let mut paths = Vec::new();
    if let Some(workspace) = Path::new(env!("CARGO_MANIFEST_DIR")).parent() {
        paths.push(workspace.to_path_buf());
    }
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        paths.push(PathBuf::from(dir));
    }
    if let Ok(exe) = std::env::current_exe() {
        if let Some(target) = exe.ancestors().find(|a| a.join("CACHEDIR.TAG").is_file()) {
            paths.push(target.to_path_buf());
        }
    }
    paths
}

/// An error when `path` is inside one of `hidden` (agents would not see
/// it).
fn check_visible(path: &Path, what: &str, hidden: &[PathBuf]) -> Result<()> {
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    match hidden.iter().find(|h| path.starts_with(h)) {
        Some(h) => Err(Error::Invalid(format!(
            "{what} ({}) is inside {}, which agents must not see: put it elsewhere (e.g. \
             under /tmp, or Mesos under /opt/mesos)",
            path.display(),
            h.display()
        ))),
        None => Ok(()),
    }
}

/// Unmounts (lazily) whatever is mounted under `dir` in this mount
/// namespace; the failures. The testbed mounts nothing there itself (an
/// agent's mounts live and die in its own mount namespace): this catches
/// what a test or a daemon might have left.
fn unmount_under(dir: &Path) -> Vec<String> {
    let Ok(mounts) = std::fs::read_to_string("/proc/self/mountinfo") else {
        return Vec::new();
    };
    let mut points: Vec<PathBuf> = mounts
        .lines()
        .filter_map(|line| line.split(' ').nth(4))
        .map(|p| PathBuf::from(p.replace("\\040", " ")))
        .filter(|p| p.starts_with(dir))
        .collect();
    // Deepest first.
    points.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
    let mut failures = Vec::new();
    for point in points {
        let Ok(c_path) = std::ffi::CString::new(point.as_os_str().as_encoded_bytes()) else {
            continue;
        };
        // SAFETY: c_path is a valid NUL-terminated string for the call.
        if unsafe { libc::umount2(c_path.as_ptr(), libc::MNT_DETACH) } != 0 {
            failures.push(format!(
                "cannot unmount {}: {}",
                point.display(),
                std::io::Error::last_os_error()
            ));
        }
    }
    failures
}
