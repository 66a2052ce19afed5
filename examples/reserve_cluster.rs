//! The operator step of the reference example: dynamic reservations on a
//! four-agent cluster through the master's operator API (`/api/v1`), with
//! the typed client `mesos::operator::Master` (GET_AGENTS,
//! RESERVE_RESOURCES, UNRESERVE_RESOURCES); the work is
//! `mesos_reference::reservations`.
//!
//! With agents ordered by port (agent 0 = the lowest, e.g. 5051):
//!
//! | agent | all of cpus/mem/disk | half of it refined to |
//! |-------|----------------------|-----------------------|
//! | 0     | `tenant1`            | `tenant1/private`     |
//! | 1     | `tenant1`            | `tenant1/public`      |
//! | 2     | `tenant2`            | `tenant2/private`     |
//! | 3     | `tenant2`            | `tenant2/public`      |
//!
//! Running it again leaves the same reservations (an agent already in that
//! state is left alone); `--unreserve` removes every dynamic reservation on
//! those agents, innermost first.
//!
//! ```text
//! cargo run --example reserve_cluster -- [--master HOST:PORT | --master zk://HOST:PORT/PATH]
//!                                        [--unreserve]
//!                                        [--principal P --secret-file F]
//! ```
//! `--principal` with `MESOS_SECRET` or `--secret-file` authenticates with
//! HTTP basic auth (masters run with `--authenticate_http_readwrite`).

use mesos_reference::cli;
use mesos_reference::reservations::Operator;

/// The operator step of the reference example: reserves a four-agent
/// cluster for two tenants (agents by port: 0 and 1 to tenant1, 2 and 3
/// to tenant2, half of each refined to a sub-role). Running it again
/// leaves the same reservations.
#[derive(clap::Parser)]
#[command(name = "reserve_cluster")]
struct Args {
    #[command(flatten)]
    connection: cli::ConnectionArgs,
    /// Remove every dynamic reservation on those agents instead,
    /// innermost first.
    #[arg(long)]
    unreserve: bool,
}

fn run() -> Result<(), String> {
    let args: Args = clap::Parser::parse();
    let connection = args.connection.resolve()?;
    let operator = Operator::new(&connection.master, connection.credential)?;
    let report = |line: &str| println!("{line}");
    if args.unreserve {
        operator.unreserve_cluster(report)
    } else {
        operator.reserve_cluster(report)
    }
}

fn main() {
    env_logger::init();
    if let Err(message) = run() {
        eprintln!("reserve_cluster: {message}");
        std::process::exit(1);
    }
}
