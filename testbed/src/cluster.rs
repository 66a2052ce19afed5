//! The Mesos cluster on the hosts: ZooKeeper on `zk`, masters electing
//! their leader through it with a replicated-log registry, agents finding
//! the leader there, and an HTTP file server on `files` for the executors
//! agents fetch. Command lines and readiness checks; starting and stopping
//! the processes is [`processes`](crate::processes)'s.
//!
//! Every daemon binds to its host's address at a fixed port (each host has
//! an address of its own, so ports repeat): ZooKeeper 2181, masters 5050,
//! agents 5051, the file server 8080. A daemon behind NAT gets its port
//! forwarded by its router and advertises the router's address.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use mesos_native::operator::Master;

use crate::error::{io, Error, Result};
use crate::namespaces;
use crate::plan::{HostPlan, Plan, Role};
use crate::preflight::{MesosInstall, Tools};
use crate::processes::argv_in_host;
use crate::spec::Spec;

/// How one daemon is started.
#[derive(Clone, Debug)]
pub struct Daemon {
    /// Its host.
    pub host: String,
    /// The whole command line, namespace entry included.
    pub argv: Vec<OsString>,
}

/// The `zk://` URL masters and agents use, when the plan has ZooKeeper.
pub fn zk_url(plan: &Plan) -> Option<String> {
    let zk = plan.with_role(Role::ZooKeeper)?;
    Some(format!("zk://{}:2181/mesos", zk.public()))
}

/// `IP:5050` of every master, as the other hosts reach them.
pub fn master_addresses(plan: &Plan) -> Vec<String> {
    plan.masters()
        .map(|m| format!("{}:5050", m.public()))
        .collect()
}

/// The ports that routers must forward for the daemons behind them.
pub fn daemon_forwards(plan: &Plan) -> Vec<(String, u16)> {
    plan.hosts
        .iter()
        .filter(|h| h.router.is_some())
        .filter_map(|h| Some((h.name.clone(), h.role.port()?)))
        .collect()
}

/// Every daemon of the plan, in the order they start (ZooKeeper and the
/// file server first, then the masters, then the agents). Makes their
/// directories under `state_dir` and ZooKeeper's configuration.
pub fn daemons(
    plan: &Plan,
    spec: &Spec,
    install: &MesosInstall,
    tools: &Tools,
    state_dir: &Path,
    hidden: &[PathBuf],
) -> Result<Vec<Daemon>> {
    let zk = zk_url(plan).ok_or_else(|| Error::Invalid("a Mesos cluster needs masters".into()))?;
    let quorum = plan.masters().count() / 2 + 1;
    let mut daemons = Vec::new();
    for host in &plan.hosts {
        let dir = state_dir.join(&host.name);
        let own = host.address.to_string();
        let mut args: Vec<OsString> = Vec::new();
        let program: &Path;
        match host.role {
            Role::ZooKeeper => {
                let config = dir.join("zoo.cfg");
                make_dir(&dir.join("data"))?;
                // A short tick allows short session timeouts (a partitioned
                // master's session expires after at least 2 ticks).
                let text = format!(
                    "tickTime=250\ninitLimit=10\nsyncLimit=5\ndataDir={}\nclientPort=2181\n\
                     clientPortAddress={own}\nmaxClientCnxns=0\nadmin.enableServer=false\n\
                     4lw.commands.whitelist=ruok\n",
                    dir.join("data").display()
                );
                std::fs::write(&config, text).map_err(|e| io("cannot write", &config, e))?;
                program = &install.java;
                args.extend(
                    [
                        "-Xmx128m",
                        "-XX:+UseSerialGC",
                        "-Djava.net.preferIPv4Stack=true",
                        "-cp",
                    ]
                    .map(OsString::from),
                );
                args.push(install.zookeeper_jar.clone().into());
                args.push("org.apache.zookeeper.server.ZooKeeperServerMain".into());
                args.push(config.into());
            }
            Role::Files => {
                let served = files_dir(state_dir);
                make_dir(&served)?;
                program = &install.python;
                args.extend(
                    ["-m", "http.server", "8080", "--bind", &own, "--directory"]
                        .map(OsString::from),
                );
                args.push(served.into());
            }
            Role::Master(_) => {
                make_dir(&dir.join("work"))?;
                program = &install.master;
                args.extend(
                    [
                        format!("--ip={own}"),
                        "--port=5050".into(),
                        format!("--hostname={}", host.public()),
                        format!("--zk={zk}"),
                        format!("--quorum={quorum}"),
                        "--registry=replicated_log".into(),
                        format!("--work_dir={}", dir.join("work").display()),
                    ]
                    .map(OsString::from),
                );
                args.extend(advertise(host));
                args.extend(spec.master_flags.iter().map(OsString::from));
            }
            Role::Agent(_) => {
                for sub in ["work", "run", "fetch"] {
                    make_dir(&dir.join(sub))?;
                }
                program = &install.agent;
                args.extend(
                    [
                        format!("--master={zk}"),
                        format!("--ip={own}"),
                        "--port=5051".into(),
                        format!("--hostname={}", host.public()),
                        format!("--work_dir={}", dir.join("work").display()),
                        format!("--runtime_dir={}", dir.join("run").display()),
                        // Not the shared default in /tmp: agents are
                        // separate machines.
                        format!("--fetcher_cache_dir={}", dir.join("fetch").display()),
                        format!("--resources={}", spec.resources),
                        // As scripts/local-cluster.sh: root without systemd
                        // or cgroups.
                        "--containerizers=mesos".into(),
                        "--launcher=posix".into(),
                        "--isolation=posix/cpu,posix/mem".into(),
                        "--no-systemd_enable_support".into(),
                        "--executor_registration_timeout=2mins".into(),
                    ]
                    .map(OsString::from),
                );
                args.extend(advertise(host));
                args.extend(spec.agent_flags.iter().map(OsString::from));
            }
            Role::Scheduler | Role::Plain => continue,
        }
        let hide = if matches!(host.role, Role::Agent(_)) {
            hidden
        } else {
            &[]
        };
        let mut argv = argv_in_host(
            tools,
            &host.netns,
            hide,
            &environment(host),
            program.as_os_str(),
        );
        argv.extend(args);
        daemons.push(Daemon {
            host: host.name.clone(),
            argv,
        });
    }
    Ok(daemons)
}

/// What every process on `host` gets: libprocess binds to the host's own
/// address (resolving the machine's hostname would give an address this
/// namespace does not have), and an agent's executors inherit it.
pub fn environment(host: &HostPlan) -> Vec<(String, String)> {
    vec![("LIBPROCESS_IP".into(), host.address.to_string())]
}

/// A master's or agent's flags to be reached through its router.
fn advertise(host: &HostPlan) -> Vec<OsString> {
    match (&host.router, host.role.port()) {
        (Some(router), Some(port)) => vec![
            format!("--advertise_ip={}", router.public).into(),
            format!("--advertise_port={port}").into(),
        ],
        _ => Vec::new(),
    }
}

/// Where the file server's files are.
pub fn files_dir(state_dir: &Path) -> PathBuf {
    state_dir.join("files").join("served")
}

fn make_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| io("cannot create", dir, e))
}

/// The host the testbed checks the cluster from: the scheduler's, where
/// frameworks run, so "ready" means ready as a framework sees it.
pub fn vantage(plan: &Plan) -> Result<&HostPlan> {
    plan.with_role(Role::Scheduler)
        .ok_or_else(|| Error::Invalid("the testbed has no scheduler host".into()))
}

/// Polls `ready` every 200 ms until it is true, `alive` fails (a daemon
/// exited: its error is returned), or `timeout` passes (an error naming
/// `what` and `last`, the last thing `ready` reported).
pub fn wait(
    what: &str,
    timeout: Duration,
    mut alive: impl FnMut() -> Result<()>,
    mut ready: impl FnMut() -> std::result::Result<(), String>,
) -> Result<()> {
    let deadline = Instant::now() + timeout;
    loop {
        let last = match ready() {
            Ok(()) => return Ok(()),
            Err(last) => last,
        };
        alive()?;
        if Instant::now() > deadline {
            return Err(Error::Failed(format!(
                "timed out after {timeout:?} waiting for {what} (last: {last})"
            )));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Whether ZooKeeper answers `ruok`, asked from `from`.
pub fn zookeeper_ok(from: &HostPlan, zk: &HostPlan) -> std::result::Result<(), String> {
    let address = SocketAddr::from((zk.public(), 2181));
    namespaces::within(&from.netns, || {
        let answer = exchange(address, "ruok", "ruok to", Duration::from_secs(2))?;
        if answer == "imok" {
            Ok(())
        } else {
            Err(format!("{address} answered {answer:?} to ruok"))
        }
    })
    .map_err(|e| e.to_string())?
}

/// Whether something accepts TCP connections at `address:port`, tried
/// from `from`.
pub fn port_open(from: &HostPlan, address: Ipv4Addr, port: u16) -> std::result::Result<(), String> {
    let target = SocketAddr::from((address, port));
    namespaces::within(&from.netns, || {
        TcpStream::connect_timeout(&target, Duration::from_secs(2))
            .map(drop)
            .map_err(|e| format!("connect to {target}: {e}"))
    })
    .map_err(|e| e.to_string())?
}

/// How many masters' replicas of the registry's replicated log have joined
/// the others (their `registrar/log/recovered` gauge is 1), asked from
/// `from`. A replica still catching up can only do so while every other
/// one answers: cut or kill the leader before all have joined, and too few
/// may be left to recover the registry, so the next leader gives up after
/// `--registry_fetch_timeout` and exits. The gauge is read from each
/// master's own `/metrics/snapshot`, which no master redirects.
pub fn recovered_replicas(plan: &Plan, from: &HostPlan) -> std::result::Result<usize, String> {
    let masters: Vec<Ipv4Addr> = plan.masters().map(|m| m.public()).collect();
    namespaces::within(&from.netns, || {
        let mut recovered = 0;
        let mut errors = Vec::new();
        for address in masters {
            match metrics_snapshot(SocketAddr::from((address, 5050))) {
                Ok(body) if body.contains("\"registrar/log/recovered\":1") => recovered += 1,
                Ok(_) => {}
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(recovered)
        } else {
            Err(format!("{recovered} joined; {}", errors.join("; ")))
        }
    })
    .map_err(|e| e.to_string())?
}

/// The body of `GET /metrics/snapshot` at `address` (HTTP/1.0, so the
/// answer ends with the connection).
fn metrics_snapshot(address: SocketAddr) -> std::result::Result<String, String> {
    exchange(
        address,
        "GET /metrics/snapshot HTTP/1.0\r\n\r\n",
        "GET /metrics/snapshot from",
        Duration::from_secs(3),
    )
}

/// Sends `request` to `address` and reads until the peer closes (what
/// ZooKeeper's four-letter words and HTTP/1.0 do); errors say `what` the
/// exchange was, e.g. `ruok to`, before the address.
fn exchange(
    address: SocketAddr,
    request: &str,
    what: &str,
    read_timeout: Duration,
) -> std::result::Result<String, String> {
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(2))
        .map_err(|e| format!("connect to {address}: {e}"))?;
    let _ = stream.set_read_timeout(Some(read_timeout));
    let mut answer = String::new();
    stream
        .write_all(request.as_bytes())
        .and_then(|()| stream.read_to_string(&mut answer))
        .map_err(|e| format!("{what} {address}: {e}"))?;
    Ok(answer)
}

/// How many active agents the leading master lists, asked from `from`:
/// every master is asked (one that does not lead redirects to the one
/// that does), and the most any answer lists is returned.
pub fn active_agents(plan: &Plan, from: &HostPlan) -> std::result::Result<usize, String> {
    let masters = master_addresses(plan);
    namespaces::within(&from.netns, || {
        let mut most = 0;
        let mut errors = Vec::new();
        for address in &masters {
            let answer = Master::builder(format!("http://{address}"))
                .timeout(Duration::from_secs(3))
                .build()
                .and_then(|master| master.get_agents());
            match answer {
                Ok(agents) => {
                    most = most.max(agents.agents.iter().filter(|a| a.active).count());
                }
                Err(e) => errors.push(format!("{address}: {e}")),
            }
        }
        if most == 0 && !errors.is_empty() {
            Err(errors.join("; "))
        } else {
            Ok(most)
        }
    })
    .map_err(|e| e.to_string())?
}

/// `hostname:port` of the leading master, asked from `from`; `None` while
/// none leads or none answers.
pub fn leading_master(plan: &Plan, from: &HostPlan) -> Result<Option<String>> {
    let masters = master_addresses(plan);
    namespaces::within(&from.netns, || {
        masters.iter().find_map(|address| {
            let master = Master::builder(format!("http://{address}"))
                .timeout(Duration::from_secs(3))
                .build()
                .ok()?;
            let info = master.get_master().ok()?.master_info?;
            Some(format!("{}:{}", info.hostname?, info.port))
        })
    })
}
