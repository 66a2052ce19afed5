//! Checks that what one Mesos release's State and replicated log wrote,
//! another reads: frameworks upgrade (and sometimes downgrade) Mesos under
//! running state. Build it against each install (a target directory per
//! install), then run one step after another on the same directory:
//!
//! ```text
//! MESOS_HOME=/opt/mesos-1.10 CARGO_TARGET_DIR=target-1.10 cargo build -p mesos-tools --bin state_log_compat
//! target-1.10/debug/state_log_compat DIR     # writes the first entries
//! target-1.11/debug/state_log_compat DIR     # reads them, adds its own
//! target-1.12/debug/state_log_compat DIR     # ... and back to 1.10
//! ```
//!
//! Each step opens, under `DIR`, a State on LevelDB (`leveldb/`), a
//! one-replica log (`log/`) and a State over a second log (`state-log/`);
//! reads every entry the earlier steps left (each names the libmesos that
//! wrote it), checks that none is missing, then adds one of its own to
//! each. It prints what it read and exits 1 when something earlier steps
//! wrote is missing or unreadable.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use mesos_native::log::{Log, Replicas};
use mesos_native::state::{State, Storage};
use mesos_native::{Result, Shim};

const TIMEOUT: Duration = Duration::from_secs(30);

/// The variable every step stores anew: its value lists each step's
/// libmesos, one per line, so the last version holds the whole history.
const VARIABLE: &str = "compat-history";

/// The history in a State: the libmesos version of each step so far.
fn step_state(state: &State, me: &str) -> Result<Vec<String>> {
    let variable = state.fetch(VARIABLE, TIMEOUT)?;
    let history: Vec<String> = String::from_utf8_lossy(variable.value())
        .lines()
        .map(str::to_string)
        .collect();
    let mut next = history.clone();
    next.push(me.to_string());
    let stored = state.store(&variable.mutate(next.join("\n")), TIMEOUT)?;
    if stored.is_none() {
        return Err(mesos_native::Error::OperationFailed {
            what: "store".into(),
            message: "the variable changed under this step (another writer?)".into(),
        });
    }
    Ok(history)
}

/// The entries of a one-replica log at `path`, then one more of ours.
fn step_log(shim: Shim, path: &Path, me: &str) -> Result<Vec<String>> {
    let log = Log::open(shim, 1, path, Replicas::Pids(vec![]), true)?;
    let writer = log.writer()?;
    // Electing the writer recovers the log; reading before it can miss
    // what earlier steps appended.
    writer.start(TIMEOUT)?;
    let reader = log.reader()?;
    let (from, to) = (reader.beginning(TIMEOUT)?, reader.ending(TIMEOUT)?);
    let entries = reader.read(from, to, TIMEOUT)?;
    let seen = entries
        .iter()
        .map(|entry| String::from_utf8_lossy(&entry.data).into_owned())
        // The writer's own election leaves an empty (no-op) entry.
        .filter(|data| !data.is_empty())
        .collect();
    writer.append(me.as_bytes(), TIMEOUT)?;
    Ok(seen)
}

fn step(dir: &Path) -> Result<bool> {
    let shim = Shim::native()?;
    let version = shim.library_version();
    let me = format!(
        "libmesos {}",
        version.loaded.as_deref().unwrap_or(&version.compiled)
    );
    println!("state_log_compat: this step is {me}");
    let mut whole = true;

    let leveldb = State::open(shim, Storage::LevelDb(dir.join("leveldb")))?;
    let history = step_state(&leveldb, &me)?;
    drop(leveldb);
    println!("  State on LevelDB: read {history:?}");

    let log = step_log(shim, &dir.join("log"), &me)?;
    println!("  replicated log:   read {log:?}");
    if log != history {
        println!("  MISSING: the log and the LevelDB State disagree on the steps so far");
        whole = false;
    }

    let state_log_dir = dir.join("state-log");
    let state_log = Log::open(shim, 1, &state_log_dir, Replicas::Pids(vec![]), true)?;
    let over_log = State::over_log(&state_log)?;
    let history_over_log = step_state(&over_log, &me)?;
    println!("  State over a log: read {history_over_log:?}");
    if history_over_log != history {
        println!("  MISSING: the State over the log and the LevelDB State disagree");
        whole = false;
    }
    Ok(whole)
}

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(dir), None) = (args.next(), args.next()) else {
        eprintln!("usage: state_log_compat DIR (see the top of tools/src/bin/state_log_compat.rs)");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    if let Err(error) = std::fs::create_dir_all(&dir) {
        eprintln!("state_log_compat: cannot make {}: {error}", dir.display());
        return ExitCode::from(2);
    }
    match step(&dir) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("state_log_compat: {error}");
            ExitCode::FAILURE
        }
    }
}
