//! The reference framework on the v1 API (`mesos_native::v1::scheduler`), with
//! operation feedback.
//!
//! As `main` does, it subscribes in role `tenant1/private/test-framework`,
//! finds resources reserved to `tenant1/private` and refines that
//! reservation to its own role, then runs one task with a custom executor
//! on that agent, on the refined resources only, and stops when the task
//! finishes. Unlike the v0 driver, v1 lets the RESERVE carry an operation
//! id: the master then reports the operation's progress, and the framework
//! waits for `UPDATE_OPERATION_STATUS` with `OPERATION_FINISHED` (printing
//! each state as it comes, and acknowledging it) before it launches. The
//! executor is this program again, speaking v1 (both `LAUNCH` and
//! `LAUNCH_GROUP`; see `mesos_reference::v1_executor`).
//!
//! ```text
//! cargo run --example main_v1 -- [--master HOST:PORT] [--executor PATH | --executor-uri URI]
//!                                [--principal P --secret-file F] [--timeout SECS]
//! ```
//!
//! Prepare the cluster as for `main`: `scripts/local-cluster.sh up`, then
//! `cargo run --example reserve_cluster`.

use std::time::Duration;

use mesos_reference::executor_command::{ExecutorSource, EXECUTOR_VARIABLE};
use mesos_reference::{cli, v1_executor, v1_scheduler};

/// The reference framework on the v1 API: refines the tenant1/private
/// reservation to its role with operation feedback, runs one task with its
/// custom executor there, and exits 0 when the task finishes.
///
/// Prepare the cluster first: scripts/local-cluster.sh up, then
/// cargo run --example reserve_cluster.
#[derive(clap::Parser)]
#[command(name = "main_v1")]
struct Args {
    #[command(flatten)]
    connection: cli::ConnectionArgs,
    #[command(flatten)]
    executor: cli::ExecutorArgs,
    /// Give up when no task finished within SECS.
    #[arg(long, value_name = "SECS", default_value_t = 180)]
    timeout: u64,
}

fn parse_options() -> Result<v1_scheduler::Run, String> {
    let args: Args = clap::Parser::parse();
    let variable = std::env::var(EXECUTOR_VARIABLE).ok();
    let executor = ExecutorSource::choose(
        args.executor.executor.as_deref(),
        args.executor.executor_uri.as_deref(),
        variable.as_deref(),
    )?;
    Ok(v1_scheduler::Run {
        connection: args.connection.resolve()?,
        executor,
        timeout: Duration::from_secs(args.timeout),
    })
}

fn main() {
    env_logger::init();
    if v1_scheduler::started_as_executor() {
        // The agent started this binary as the task's (v1) executor.
        std::process::exit(v1_executor::run());
    }
    let run = match parse_options() {
        Ok(run) => run,
        Err(message) => {
            eprintln!("main_v1: {message}");
            std::process::exit(2);
        }
    };
    match v1_scheduler::run(run) {
        Ok(message) => println!("done: {message}"),
        Err(failed) => {
            eprintln!("main_v1: {}", failed.message);
            std::process::exit(failed.code);
        }
    }
}
