//! Look at or extend a replicated log by hand: the log a framework (Aurora,
//! or a Rust one) keeps through libmesos.
//!
//! ```text
//! cargo run --example log -- --quorum N --path DIR [--zk HOST:PORT --znode /PATH] append DATA...   # one entry each
//! cargo run --example log -- --quorum N --path DIR [--zk HOST:PORT --znode /PATH] read           # "POSITION<TAB>DATA" a line
//! ```
//!
//! `DIR` is this process's replica. With `--quorum 1` and no ZooKeeper it
//! is a log of its own, initialized on first use (libmesos initializes a
//! log only when every replica is empty). Exit status: 0 done; 1 the log
//! failed or did not answer within `--timeout` seconds (default 10); 2 a
//! bad command line.

use mesos_reference::operator_tool;

use std::process::ExitCode;
use std::time::Duration;

use mesos_native::log::Log;
use mesos_native::ZooKeeper;

/// Look at or extend a replicated log by hand (the log a framework keeps
/// through libmesos). DIR is this process's replica; with --quorum 1 and no
/// ZooKeeper it is a log of its own, initialized on first use.
///
/// Exit status: 0 done; 1 the log failed or did not answer in time; 2 a
/// bad command line.
#[derive(clap::Parser)]
#[command(name = "log")]
struct Args {
    /// How many replicas make a quorum.
    #[arg(long, value_name = "N")]
    quorum: u32,
    /// This process's replica.
    #[arg(long, value_name = "DIR")]
    path: String,
    /// ZooKeeper servers where the replicas find each other; with --znode.
    #[arg(long, value_name = "HOST:PORT", requires = "znode")]
    zk: Option<String>,
    /// The log's znode.
    #[arg(long, value_name = "/PATH", requires = "zk")]
    znode: Option<String>,
    /// How long to wait for each answer, in seconds (fractions too).
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = operator_tool::timeout)]
    timeout: Duration,
    #[command(subcommand)]
    action: Action,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Append each DATA as one entry.
    Append {
        #[arg(required = true)]
        data: Vec<String>,
    },
    /// Print every entry as POSITION<TAB>DATA.
    Read,
}

fn open(args: &Args) -> mesos_native::Result<Log> {
    match (&args.zk, &args.znode) {
        (Some(servers), Some(znode)) => Log::zookeeper(
            args.quorum,
            &args.path,
            &ZooKeeper::new(servers, znode),
            true,
        ),
        // clap lets through no lone --zk or --znode
        _ => Log::replicas(args.quorum, &args.path, &[] as &[&str], true),
    }
}

fn run(log: Log, timeout: Duration, action: Action) -> Result<ExitCode, mesos_native::Error> {
    match action {
        Action::Append { data } => {
            let writer = log.writer()?;
            writer.start(timeout)?;
            for entry in data {
                let position = writer.append(entry.as_bytes(), timeout)?;
                eprintln!("appended at {position}");
            }
        }
        Action::Read => {
            let reader = log.reader()?;
            reader.catchup(timeout)?;
            let (from, to) = (reader.beginning(timeout)?, reader.ending(timeout)?);
            for entry in reader.read(from, to, timeout)? {
                println!(
                    "{}\t{}",
                    entry.position,
                    String::from_utf8_lossy(&entry.data)
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let args: Args = clap::Parser::parse();
    operator_tool::run("log", open(&args), |log| {
        run(log, args.timeout, args.action)
    })
}
