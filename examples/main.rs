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
//!                             [--leader-election HOST:PORT/ZNODE]
//! ```
//!
//! `--framework-store` keeps the framework id in libmesos's State on
//! ZooKeeper (`mesos_native::failover::FrameworkIdStore`): stored on registration, read
//! back on the next start, which then fails over to the same framework
//! (failover timeout one hour) instead of registering a new one, and
//! forgotten once the scenario ends and tears the framework down.
//!
//! `--leader-election` (with `--framework-store`) runs it highly available:
//! each instance joins libmesos's ZooKeeper leader election
//! (`mesos_native::election`) and only the leader registers. Start two; when the
//! leader dies its ZooKeeper session expires, the other leads, reads the
//! id back and fails over. A leader that loses its place aborts its driver
//! and exits 1.
//!
//! The binary is also its own custom executor: by default the task's
//! executor is this program, which the agent starts with
//! `MESOS_RS_REFINEMENT_EXAMPLE=executor` in its environment, and then runs
//! the executor of `mesos_reference::executor` instead of the
//! scheduler. So `cargo run --example main` needs nothing built beforehand.
//! `--executor PATH` runs another program (e.g. the `executor` example);
//! `--executor-uri URI` has each agent's fetcher download it first, for
//! agents on other machines (see `mesos_reference::executor_command`).
//!
//! Prepare the cluster first: `scripts/local-cluster.sh up`, then
//! `cargo run --example reserve_cluster` (see the README).

use std::time::Duration;

use mesos_reference::executor_command::{self, ExecutorSource, EXECUTOR_VARIABLE};
use mesos_reference::{cli, executor, scheduler};

/// The reference framework: refines the tenant1/private reservation to
/// its role, runs one task with its custom executor there, and exits 0
/// when the task finishes.
///
/// Prepare the cluster first: scripts/local-cluster.sh up, then
/// cargo run --example reserve_cluster.
#[derive(clap::Parser)]
#[command(name = "main")]
struct Args {
    #[command(flatten)]
    connection: cli::ConnectionArgs,
    #[command(flatten)]
    executor: cli::ExecutorArgs,
    /// Unreserve the refinement after the task.
    #[arg(long)]
    cleanup: bool,
    /// Give up when no task finished within SECS.
    #[arg(long, value_name = "SECS", default_value_t = 180)]
    timeout: u64,
    /// Keep the framework id in libmesos's State on ZooKeeper, and fail
    /// over to it on the next start.
    #[arg(long, value_name = "HOST:PORT/ZNODE")]
    framework_store: Option<String>,
    /// Stand by until this instance leads the ZooKeeper election at
    /// ZNODE; a second instance started the same way takes over when this
    /// one dies.
    #[arg(long, value_name = "HOST:PORT/ZNODE", requires = "framework_store")]
    leader_election: Option<String>,
}

fn parse_options() -> Result<scheduler::Run, String> {
    let args: Args = clap::Parser::parse();
    let path_variable = std::env::var(EXECUTOR_VARIABLE).ok();
    let executor = ExecutorSource::choose(
        args.executor.executor.as_deref(),
        args.executor.executor_uri.as_deref(),
        path_variable.as_deref(),
    )?;
    let connection = args.connection.resolve()?;
    Ok(scheduler::Run {
        master: connection.master,
        credential: connection.credential,
        executor,
        cleanup: args.cleanup,
        timeout: Duration::from_secs(args.timeout),
        framework_store: args.framework_store,
        leader_election: args.leader_election,
    })
}

fn main() {
    env_logger::init();
    if executor_command::started_as_executor() {
        // The agent started this binary as the task's executor.
        std::process::exit(executor::run());
    }
    let run = match parse_options() {
        Ok(run) => run,
        Err(message) => {
            eprintln!("main: {message}");
            std::process::exit(2);
        }
    };
    match scheduler::run(run) {
        Ok(message) => println!("done: {message}"),
        Err(failed) => {
            eprintln!("main: {}", failed.message);
            std::process::exit(failed.code);
        }
    }
}
