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

use std::io::Write;
#[path = "support/operator_tool.rs"]
mod operator_tool;

use std::process::ExitCode;
use std::time::Duration;

use mesos::state::{State, ZooKeeper};

const USAGE: &str =
    "usage: state (--zk HOST:PORT --znode /PATH | --leveldb DIR) [--timeout SECONDS] \
                     (get NAME | put NAME VALUE | list | delete NAME)";

/// Where the state is and what to do with it.
struct Command {
    state: State,
    timeout: Duration,
    action: Vec<String>,
}

fn parse(args: Vec<String>) -> Result<Command, String> {
    let mut line =
        operator_tool::CommandLine::parse(args, &["--zk", "--znode", "--leveldb", "--timeout"])?;
    let timeout = line.timeout()?;
    let (zk, znode, leveldb) = (
        line.take("--zk"),
        line.take("--znode"),
        line.take("--leveldb"),
    );
    let action = line.command;
    let state = match (zk, znode, leveldb) {
        (Some(servers), Some(znode), None) => State::zookeeper(&ZooKeeper::new(servers, znode)),
        (None, None, Some(dir)) => State::leveldb(dir),
        _ => return Err("give either --zk and --znode, or --leveldb".into()),
    }
    .map_err(|error| error.to_string())?;
    Ok(Command {
        state,
        timeout,
        action,
    })
}

fn run(command: Command) -> Result<ExitCode, mesos::Error> {
    let Command {
        state,
        timeout,
        action,
    } = command;
    let words: Vec<&str> = action.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["get", name] => {
            let variable = state.fetch(name, timeout)?;
            if variable.value().is_empty() {
                eprintln!("state: {name} is empty or absent");
                return Ok(ExitCode::from(3));
            }
            std::io::stdout()
                .write_all(variable.value())
                .expect("write stdout");
        }
        ["put", name, value] => {
            let current = state.fetch(name, timeout)?;
            if state
                .store(&current.mutate(value.as_bytes()), timeout)?
                .is_none()
            {
                eprintln!("state: {name} changed while it was being stored; nothing was written, try again");
                return Ok(ExitCode::FAILURE);
            }
        }
        ["list"] => {
            for name in state.names(timeout)? {
                println!("{name}");
            }
        }
        ["delete", name] => {
            let current = state.fetch(name, timeout)?;
            if !state.expunge(&current, timeout)? {
                eprintln!("state: {name} is absent (or changed meanwhile); nothing was deleted");
                return Ok(ExitCode::from(3));
            }
        }
        _ => {
            eprintln!("state: unknown command {:?}\n{USAGE}", action.join(" "));
            return Ok(ExitCode::from(2));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    operator_tool::main("state", USAGE, parse, run)
}
