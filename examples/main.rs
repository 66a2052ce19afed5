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
//! ```
//!
//! `--framework-store` keeps the framework id in libmesos's State on
//! ZooKeeper (`support/framework_store.rs`): stored on registration, read
//! back on the next start, which then fails over to the same framework
//! (failover timeout one hour) instead of registering a new one, and
//! forgotten once the scenario ends and tears the framework down.
//!
//! The binary is also its own custom executor: by default the task's
//! executor is this program, which the agent starts with
//! `MESOS_RS_REFINEMENT_EXAMPLE=executor` in its environment, and then runs
//! the executor of `support/refinement_executor.rs` instead of the
//! scheduler. So `cargo run --example main` needs nothing built beforehand.
//! `--executor PATH` runs another program (e.g. the `executor` example);
//! `--executor-uri URI` has each agent's fetcher download it first, for
//! agents on other machines (see `support/executor_command.rs`).
//!
//! Prepare the cluster first: `scripts/local-cluster.sh up`, then
//! `cargo run --example reserve_cluster` (see the README).

#[path = "support/cli.rs"]
mod cli;
// Shared with `main_v1`, which uses the v1 parts.
#[allow(dead_code)]
#[path = "support/executor_command.rs"]
mod executor_command;
#[path = "support/framework_store.rs"]
mod framework_store;
#[path = "support/reference_scheduler.rs"]
mod reference_scheduler;
#[path = "support/refinement_executor.rs"]
mod refinement_executor;
#[path = "support/scenario.rs"]
mod scenario;

use std::sync::Arc;
use std::time::Duration;

use executor_command::{ExecutorSource, EXECUTOR_VARIABLE};
use framework_store::FrameworkStore;
use mesos::proto::Credential;
use mesos::MesosSchedulerDriver;
use reference_scheduler::{framework_info, Outcome, RefinementScheduler};

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
    /// The executor program to run (default: this program is its own
    /// executor; MESOS_EXAMPLE_EXECUTOR also sets it).
    #[arg(long, value_name = "PATH")]
    executor: Option<String>,
    /// Have each agent's fetcher download the executor from URI.
    #[arg(long, value_name = "URI")]
    executor_uri: Option<String>,
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
}

struct Options {
    connection: cli::Connection,
    executor: ExecutorSource,
    cleanup: bool,
    timeout: Duration,
    framework_store: Option<String>,
}

/// With `--framework-store`: how long the master keeps the framework and
/// its tasks for a restarted scheduler.
const FAILOVER_TIMEOUT: f64 = 3600.0;

fn parse_options() -> Result<Options, String> {
    let args: Args = clap::Parser::parse();
    let path_variable = std::env::var(EXECUTOR_VARIABLE).ok();
    let executor = ExecutorSource::choose(
        args.executor.as_deref(),
        args.executor_uri.as_deref(),
        path_variable.as_deref(),
    )?;
    Ok(Options {
        connection: args.connection.resolve()?,
        executor,
        cleanup: args.cleanup,
        timeout: Duration::from_secs(args.timeout),
        framework_store: args.framework_store,
    })
}

fn main() {
    env_logger::init();
    if executor_command::started_as_executor() {
        // The agent started this binary as the task's executor.
        std::process::exit(refinement_executor::run());
    }
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("main: {message}");
            std::process::exit(2);
        }
    };
    let outcome: Outcome = Arc::default();
    let principal = options
        .connection
        .credential
        .as_ref()
        .map(|(p, _)| p.clone());
    let store = match options.framework_store.as_deref().map(FrameworkStore::open) {
        None => None,
        Some(Ok(store)) => Some(Arc::new(store)),
        Some(Err(message)) => {
            eprintln!("main: {message}");
            std::process::exit(2);
        }
    };
    let stored_id = match store.as_ref().map(|store| store.load()) {
        None => None,
        Some(Ok(id)) => id,
        Some(Err(message)) => {
            eprintln!("main: cannot read the framework id: {message}");
            std::process::exit(1);
        }
    };
    if let Some(id) = &stored_id {
        println!(
            "failing over to framework {} (from the framework store)",
            id.value
        );
    }
    let mut framework = framework_info(principal.clone());
    if store.is_some() {
        // Within the hour a restart owns the framework and its tasks again.
        framework.id = stored_id;
        framework.failover_timeout = Some(FAILOVER_TIMEOUT);
    }
    let scheduler = RefinementScheduler::new(
        options.executor.clone(),
        options.cleanup,
        principal,
        Arc::clone(&outcome),
        store.clone(),
    );
    let mut builder =
        MesosSchedulerDriver::builder(scheduler, framework, options.connection.master.clone());
    if let Some((principal, secret)) = options.connection.credential {
        builder = builder.credential(Credential {
            principal,
            secret: Some(secret),
        });
    }
    let driver = match builder.build() {
        Ok(driver) => driver,
        Err(error) => {
            eprintln!("main: cannot create the scheduler driver: {error}");
            std::process::exit(2);
        }
    };
    println!("connecting to master {}", options.connection.master);

    // Give up, loudly, if nothing happens (e.g. the cluster isn't reserved).
    let watchdog = {
        let driver = (*driver).clone();
        let outcome = Arc::clone(&outcome);
        let timeout = options.timeout;
        std::thread::spawn(move || {
            std::thread::sleep(timeout);
            let mut outcome = outcome.lock().unwrap();
            if outcome.is_none() {
                *outcome = Some(Err(format!(
                    "no task finished within {}s: is the master up and the cluster reserved \
                     (cargo run --example reserve_cluster)?",
                    timeout.as_secs()
                )));
                let _ = driver.stop(false);
            }
        })
    };
    drop(watchdog);

    let run = driver.run();
    let outcome = outcome.lock().unwrap().clone();
    match (run, outcome) {
        (Ok(_), Some(Ok(message))) => {
            // stop(false) tore the framework down: its id names nothing now.
            if let Some(store) = &store {
                if let Err(error) = store.forget() {
                    eprintln!("main: could not forget the framework id: {error}");
                }
            }
            println!("done: {message}");
        }
        (_, Some(Err(message))) => {
            eprintln!("main: {message}");
            std::process::exit(1);
        }
        (Err(error), _) => {
            eprintln!("main: the driver failed: {error}");
            std::process::exit(1);
        }
        (Ok(status), None) => {
            eprintln!("main: the driver ended ({status}) before the task finished");
            std::process::exit(1);
        }
    }
}
