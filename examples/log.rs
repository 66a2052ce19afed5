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

#[path = "support/operator_tool.rs"]
mod operator_tool;

use std::process::ExitCode;
use std::time::Duration;

use mesos::log::Log;
use mesos::state::ZooKeeper;

const USAGE: &str = "usage: log --quorum N --path DIR [--zk HOST:PORT --znode /PATH] \
                     [--timeout SECONDS] (append DATA... | read)";

struct Command {
    log: Log,
    timeout: Duration,
    action: Vec<String>,
}

fn parse(args: Vec<String>) -> Result<Command, String> {
    let mut line = operator_tool::CommandLine::parse(
        args,
        &["--quorum", "--path", "--zk", "--znode", "--timeout"],
    )?;
    let timeout = line.timeout()?;
    let quorum = match line.take("--quorum") {
        Some(text) => Some(
            text.parse::<u32>()
                .map_err(|_| format!("--quorum {text}: not a count"))?,
        ),
        None => None,
    };
    let (path, zk, znode) = (line.take("--path"), line.take("--zk"), line.take("--znode"));
    let action = line.command;
    let (Some(quorum), Some(path)) = (quorum, path) else {
        return Err("--quorum and --path are required".into());
    };
    let log = match (zk, znode) {
        (Some(servers), Some(znode)) => {
            Log::zookeeper(quorum, path, &ZooKeeper::new(servers, znode), true)
        }
        (None, None) => Log::replicas(quorum, path, &[] as &[&str], true),
        _ => return Err("--zk and --znode go together".into()),
    }
    .map_err(|error| error.to_string())?;
    Ok(Command {
        log,
        timeout,
        action,
    })
}

fn run(command: Command) -> Result<ExitCode, mesos::Error> {
    let Command {
        log,
        timeout,
        action,
    } = command;
    match action.split_first() {
        Some((verb, data)) if verb == "append" && !data.is_empty() => {
            let writer = log.writer()?;
            writer.start(timeout)?;
            for entry in data {
                let position = writer.append(entry.as_bytes(), timeout)?;
                eprintln!("appended at {position}");
            }
        }
        Some((verb, rest)) if verb == "read" && rest.is_empty() => {
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
        _ => {
            eprintln!("log: unknown command {:?}\n{USAGE}", action.join(" "));
            return Ok(ExitCode::from(2));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    operator_tool::main("log", USAGE, parse, run)
}
