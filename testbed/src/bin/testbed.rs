//! `testbed`: the multi-host test cluster from a shell (scripts/soak.sh,
//! or a person reproducing a test by hand). `up` leaves it running with its
//! state in `--state DIR`; every other command acts on that.
//!
//! Exit status: 0 done, 1 failed, 2 bad usage, 3 this machine cannot run
//! the testbed (not root, a tool or Mesos missing: the message says what
//! to install), so a script can skip.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use mesos_testbed::{owners, Error, Result, Spec, Testbed};

/// A multi-host Mesos test cluster of network namespaces (needs root).
#[derive(Parser)]
#[command(name = "testbed")]
struct Cli {
    /// The state directory of the testbed (logs, work directories, what
    /// `up` left for the other commands).
    #[arg(
        long,
        global = true,
        env = "TESTBED_STATE",
        default_value = "/tmp/mesos-testbed"
    )]
    state: PathBuf,
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand)]
enum Action {
    /// Makes the hosts and starts the cluster; returns once every agent is
    /// registered, leaving it running.
    Up {
        /// A spec file (see docs/testbed.md); the flags below add to it.
        #[arg(long)]
        spec: Option<PathBuf>,
        /// Masters (default 1).
        #[arg(long)]
        masters: Option<usize>,
        /// Agents (default 4).
        #[arg(long)]
        agents: Option<usize>,
        /// An extra host running nothing (repeatable).
        #[arg(long = "host", value_name = "NAME")]
        hosts: Vec<String>,
        /// A host behind NAT (repeatable).
        #[arg(long, value_name = "HOST")]
        nat: Vec<String>,
        /// A port forwarded to a host behind NAT (repeatable).
        #[arg(long, value_name = "HOST:PORT")]
        forward: Vec<String>,
        /// Make the hosts only: no ZooKeeper, masters, agents, file server.
        #[arg(long)]
        network_only: bool,
        /// How long to wait for the cluster, in seconds.
        #[arg(long, default_value_t = 180)]
        timeout: u64,
    },
    /// Stops everything on the hosts and deletes them (logs stay in the
    /// state directory).
    Down,
    /// The hosts, their addresses, processes and cuts.
    Status,
    /// Cuts the link between two hosts (both ways, or only A to B).
    Cut {
        a: String,
        b: String,
        /// Drop only what A sends B.
        #[arg(long)]
        one_way: bool,
    },
    /// Heals the link between two hosts, both ways.
    Heal { a: String, b: String },
    /// Unplugs a host from the switch.
    Isolate { host: String },
    /// Plugs a host back in.
    Reconnect { host: String },
    /// Forwards one more port of a NATed host's router to it.
    Forward { host: String, port: u16 },
    /// SIGKILLs every process of a host.
    Kill { host: String },
    /// Starts a host's daemon again.
    Start { host: String },
    /// Kills, then starts a host's daemon (a crash and a restart).
    Restart { host: String },
    /// Runs a command on a host (on an agent, without the project's tree).
    Exec {
        host: String,
        #[arg(last = true, required = true)]
        command: Vec<String>,
    },
    /// Copies a file to the file server and prints its URL.
    Publish { file: PathBuf },
    /// Prints the host whose master leads.
    Leader,
    /// Removes leftovers of testbeds whose owner is gone (with --all,
    /// every testbed, running or not).
    Sweep {
        #[arg(long)]
        all: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("testbed: {e}");
            match e {
                Error::Unavailable(_) => ExitCode::from(3),
                Error::Invalid(_) => ExitCode::from(2),
                Error::Failed(_) => ExitCode::from(1),
            }
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let state = cli.state;
    match cli.action {
        Action::Up {
            spec,
            masters,
            agents,
            hosts,
            nat,
            forward,
            network_only,
            timeout,
        } => {
            let mut spec = match spec {
                Some(path) => Spec::parse(&std::fs::read_to_string(&path).map_err(|e| {
                    Error::Invalid(format!("cannot read spec {}: {e}", path.display()))
                })?)?,
                None => Spec::default(),
            };
            spec.masters = masters.unwrap_or(spec.masters);
            spec.agents = agents.unwrap_or(spec.agents);
            spec.hosts.extend(hosts);
            spec.nat.extend(nat);
            for item in forward {
                let (host, port) = item
                    .split_once(':')
                    .and_then(|(h, p)| Some((h.to_string(), p.parse().ok()?)))
                    .ok_or_else(|| {
                        Error::Invalid(format!("--forward {item}: expected HOST:PORT"))
                    })?;
                spec.forwards.push((host, port));
            }
            if network_only {
                spec.daemons = false;
            }
            clear_stale(&state)?;
            let testbed = Testbed::builder()
                .spec(spec)
                .state_dir(&state)
                .keep_state(true)
                .startup_timeout(Duration::from_secs(timeout))
                .start()?;
            print_status(&testbed)?;
            let dir = testbed.keep_running()?;
            println!("testbed: up; state in {}", dir.display());
        }
        Action::Down => {
            let testbed = Testbed::attach(&state)?;
            testbed.teardown()?;
            println!(
                "testbed: down (logs kept in {})",
                state.join("logs").display()
            );
        }
        Action::Status => print_status(&Testbed::attach(&state)?)?,
        Action::Cut { a, b, one_way } => {
            let testbed = Testbed::attach(&state)?;
            if one_way {
                testbed.cut_one_way(&a, &b)?;
            } else {
                testbed.cut(&a, &b)?;
            }
        }
        Action::Heal { a, b } => Testbed::attach(&state)?.heal(&a, &b)?,
        Action::Isolate { host } => Testbed::attach(&state)?.isolate(&host)?,
        Action::Reconnect { host } => Testbed::attach(&state)?.reconnect(&host)?,
        Action::Forward { host, port } => Testbed::attach(&state)?.forward_port(&host, port)?,
        Action::Kill { host } => Testbed::attach(&state)?.kill(&host)?,
        Action::Start { host } => Testbed::attach(&state)?.start(&host)?,
        Action::Restart { host } => Testbed::attach(&state)?.restart(&host)?,
        Action::Exec { host, command } => {
            let testbed = Testbed::attach(&state)?;
            let status = testbed
                .host(&host)?
                .command(&command[0])
                .args(&command[1..])
                .status()
                .map_err(|e| Error::Failed(format!("cannot run {}: {e}", command[0])))?;
            return Ok(ExitCode::from(
                status
                    .code()
                    .and_then(|c| u8::try_from(c).ok())
                    .unwrap_or(1),
            ));
        }
        Action::Publish { file } => println!("{}", Testbed::attach(&state)?.publish(&file)?),
        Action::Leader => match Testbed::attach(&state)?.leading_master_host()? {
            Some(host) => println!("{host}"),
            None => {
                eprintln!("testbed: no master leads now");
                return Ok(ExitCode::from(1));
            }
        },
        Action::Sweep { all } => {
            for netns in mesos_testbed::sweep(all)? {
                println!("removed {netns}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Refuses to start over a running testbed; forgets one whose namespaces
/// are gone (a machine rebooted, a sweep ran).
fn clear_stale(state: &Path) -> Result<()> {
    if !state.join(owners::STATE_FILE).exists() {
        return Ok(());
    }
    match Testbed::attach(state) {
        Ok(running) => Err(Error::Invalid(format!(
            "testbed {} is running with its state in {}: `testbed down` first",
            running.id(),
            state.display()
        ))),
        Err(Error::Invalid(_)) => std::fs::remove_file(state.join(owners::STATE_FILE))
            .map_err(|e| Error::Failed(format!("cannot remove the stale state: {e}"))),
        Err(e) => Err(e),
    }
}

fn print_status(testbed: &Testbed) -> Result<()> {
    println!(
        "testbed {} (state {})",
        testbed.id(),
        testbed.state_dir().display()
    );
    println!(
        "{:<10} {:<10} {:<12} {:<13} {:<28} cut from",
        "host", "role", "address", "reached at", "netns"
    );
    for host in testbed.hosts() {
        let cut = testbed.cut_towards(host.name())?;
        println!(
            "{:<10} {:<10} {:<12} {:<13} {:<28} {}",
            host.name(),
            format!("{:?}", host.role()).to_lowercase(),
            host.address().to_string(),
            host.public_address().to_string(),
            host.netns(),
            if cut.is_empty() {
                "-".to_string()
            } else {
                cut.join(",")
            }
        );
    }
    if let Some(zk) = testbed.zk_url() {
        println!("zk: {zk}");
    }
    Ok(())
}
