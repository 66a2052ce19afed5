//! What the reference framework's scheduler and executor do, whichever
//! API they speak (`main` on v0, `main_v1` on v1): the roles, the ids, how
//! the refined resources are shared out, and the task's work.

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mesos_native::proto::Resource;
use mesos_native::resources::Resources;

/// The framework's role, and the reservation it refines to it.
pub const ROLE: &str = "tenant1/private/test-framework";
pub const PARENT_ROLE: &str = "tenant1/private";
pub const TASK_ID: &str = "refinement-task";
pub const EXECUTOR_ID: &str = "refinement-executor";

/// How a run ended: set once, by whoever sees the end first (the
/// scheduler, or [`give_up_after`]), and read once the driver stopped.
pub type Outcome = Arc<Mutex<Option<Result<String, String>>>>;

/// Gives up, loudly, if no outcome came within `timeout` (the cluster is
/// not reserved, say): records that as the outcome, then calls `stop`.
pub fn give_up_after(timeout: Duration, outcome: &Outcome, stop: impl FnOnce() + Send + 'static) {
    let outcome = Arc::clone(outcome);
    std::thread::spawn(move || {
        std::thread::sleep(timeout);
        let mut outcome = outcome.lock().unwrap();
        if outcome.is_none() {
            *outcome = Some(Err(format!(
                "no task finished within {}s: is the master up and the cluster reserved \
                 (cargo run --example reserve_cluster)?",
                timeout.as_secs()
            )));
            stop();
        }
    });
}

/// Prints `line` on stderr in one write: libmesos logs to the same stderr
/// from its own threads, and `eprintln!` writes a formatted line in pieces
/// that those logs can cut apart.
pub fn say(line: &str) {
    use std::io::Write;
    let _ = std::io::stderr().write_all(format!("{line}\n").as_bytes());
}

/// What the executor and the task each use, out of the refined resources.
pub const EXECUTOR_SHARE: [(&str, f64); 2] = [("cpus", 0.1), ("mem", 64.0)];
pub const TASK_SHARE: [(&str, f64); 2] = [("cpus", 0.2), ("mem", 128.0)];

/// An offer's resources as the scheduler sorts them: those already
/// refined to [`ROLE`], and those reserved to [`PARENT_ROLE`] it can refine.
pub fn reservations(resources: Vec<Resource>) -> (Resources, Resources) {
    let resources = Resources::from(resources);
    (
        resources.reserved(Some(ROLE)),
        resources.reserved(Some(PARENT_ROLE)),
    )
}

/// Resources of `refined` in the given amounts (keeping their reservation
/// and allocation), or None if `refined` holds less.
pub fn portion(refined: &Resources, share: &[(&str, f64)]) -> Option<Vec<Resource>> {
    share
        .iter()
        .map(|&(name, amount)| {
            let template = refined.iter().find(|r| r.name == name)?;
            if refined.get_scalar(name)? + 1e-9 < amount {
                return None;
            }
            let mut resource = template.clone();
            resource.scalar.as_mut()?.value = amount;
            Some(resource)
        })
        .collect()
}

/// What a task does: its `data` as a shell command (its output echoed),
/// or, without data, a small fixed workload. The message says what
/// happened, for the task's status update.
pub fn work(data: Option<&[u8]>) -> Result<String, String> {
    match data.map(String::from_utf8_lossy) {
        Some(command) if !command.trim().is_empty() => {
            let output = Command::new("/bin/sh")
                .arg("-c")
                .arg(command.as_ref())
                .output()
                .map_err(|error| format!("could not start /bin/sh: {error}"))?;
            let stdout = String::from_utf8_lossy(&output.stdout).trim().to_string();
            print!("{}", String::from_utf8_lossy(&output.stdout));
            eprint!("{}", String::from_utf8_lossy(&output.stderr));
            if output.status.success() {
                Ok(format!("command `{command}` succeeded: {stdout}"))
            } else {
                Err(format!("command `{command}` failed with {}", output.status))
            }
        }
        _ => {
            let primes = (2u32..50_000)
                .filter(|n| (2..).take_while(|d| d * d <= *n).all(|d| n % d != 0))
                .count();
            Ok(format!("counted {primes} primes below 50000"))
        }
    }
}
