//! Look at or repair a framework's State by hand: the variables a Java,
//! C++ or Rust framework stored through libmesos's State, on ZooKeeper or
//! LevelDB.
//!
//! ```text
//! cargo run --example state -- --zk HOST:PORT --znode /PATH get NAME    # the value's bytes on stdout
//! cargo run --example state -- --zk HOST:PORT --znode /PATH put NAME VALUE
//! cargo run --example state -- --zk HOST:PORT --znode /PATH list        # one name a line
//! cargo run --example state -- --zk HOST:PORT --znode /PATH delete NAME
//! cargo run --example state -- --leveldb DIR list
//! ```
//!
//! Exit status: 0 done; 3 the variable is empty or absent (`get`,
//! `delete`); 1 the store failed or did not answer within `--timeout`
//! seconds (default 10); 2 a bad command line.

use mesos_reference::operator_tool;
use std::io::Write;

use std::process::ExitCode;
use std::time::Duration;

use mesos_native::state::State;
use mesos_native::ZooKeeper;

/// Look at or repair a framework's State (libmesos's versioned key-value
/// store) by hand, on ZooKeeper or LevelDB.
///
/// Exit status: 0 done; 3 the variable is empty or absent (get, delete); 1
/// the store failed or did not answer in time; 2 a bad command line.
#[derive(clap::Parser)]
#[command(name = "state")]
struct Args {
    /// ZooKeeper servers (HOST:PORT[,HOST:PORT...]); with --znode.
    #[arg(
        long,
        value_name = "HOST:PORT",
        requires = "znode",
        required_unless_present = "leveldb"
    )]
    zk: Option<String>,
    /// The znode holding the variables.
    #[arg(long, value_name = "/PATH", requires = "zk")]
    znode: Option<String>,
    /// A LevelDB directory, instead of ZooKeeper.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["zk", "znode"])]
    leveldb: Option<String>,
    /// How long to wait for each answer, in seconds (fractions too).
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = operator_tool::timeout)]
    timeout: Duration,
    #[command(subcommand)]
    action: Action,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Print the variable's bytes (exit 3 if it is empty or absent).
    Get { name: String },
    /// Store VALUE as the variable's new value.
    Put { name: String, value: String },
    /// Print the variables' names, one a line.
    List,
    /// Delete the variable (exit 3 if it is absent).
    Delete { name: String },
}

fn open(args: &Args) -> mesos_native::Result<State> {
    match (&args.zk, &args.znode, &args.leveldb) {
        (Some(servers), Some(znode), None) => State::zookeeper(&ZooKeeper::new(servers, znode)),
        // clap lets through nothing else
        (_, _, leveldb) => State::leveldb(leveldb.as_deref().unwrap_or_default()),
    }
}

fn run(state: State, timeout: Duration, action: Action) -> Result<ExitCode, mesos_native::Error> {
    match action {
        Action::Get { name } => {
            let variable = state.fetch(&name, timeout)?;
            if variable.value().is_empty() {
                eprintln!("state: {name} is empty or absent");
                return Ok(ExitCode::from(3));
            }
            std::io::stdout()
                .write_all(variable.value())
                .expect("write stdout");
        }
        Action::Put { name, value } => {
            let current = state.fetch(&name, timeout)?;
            if state
                .store(&current.mutate(value.as_bytes()), timeout)?
                .is_none()
            {
                eprintln!("state: {name} changed while it was being stored; nothing was written, try again");
                return Ok(ExitCode::FAILURE);
            }
        }
        Action::List => {
            for name in state.names(timeout)? {
                println!("{name}");
            }
        }
        Action::Delete { name } => {
            let current = state.fetch(&name, timeout)?;
            if !state.expunge(&current, timeout)? {
                eprintln!("state: {name} is absent (or changed meanwhile); nothing was deleted");
                return Ok(ExitCode::from(3));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let args: Args = clap::Parser::parse();
    operator_tool::run("state", open(&args), |state| {
        run(state, args.timeout, args.action)
    })
}
