//! For the fuzz targets (`fuzz/`) and their regression tests: the
//! binding's own checks of input that comes from outside and that no
//! public call reaches without a driver or a storage around it. Each
//! function is the one the binding runs, not a copy. Hidden from the
//! docs and outside the semver promise.

use crate::error::Result;
use crate::state::Variable;

/// The checks an executor's environment (`NAME=VALUE` entries) passes
/// before libmesos reads it: the v0 driver's, or the v1 executor's.
pub fn check_executor_environment(entries: &[String], v1: bool) -> Result<()> {
    if v1 {
        let lookup = |name: &str| crate::executor::environment::variable(Some(entries), name);
        crate::v1::executor::environment::agent_environment(lookup)
    } else {
        crate::executor::environment::agent_environment(Some(entries))
    }
}

/// What an agent sets for an executor it launches (its pid, the ids, the
/// sandbox, the timeouts): an environment the checks accept, for fuzz
/// targets and tests to start from.
pub const AGENT_EXECUTOR_ENVIRONMENT: &[(&str, &str)] = &[
    ("MESOS_SLAVE_PID", "slave(1)@127.0.0.1:5051"),
    ("MESOS_SLAVE_ID", "agent-0"),
    ("MESOS_FRAMEWORK_ID", "framework-0"),
    ("MESOS_EXECUTOR_ID", "executor-0"),
    ("MESOS_DIRECTORY", "/tmp/sandbox"),
    ("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", "5secs"),
    ("MESOS_CHECKPOINT", "1"),
    ("MESOS_RECOVERY_TIMEOUT", "15mins"),
    ("MESOS_SUBSCRIPTION_BACKOFF_MAX", "2secs"),
];

/// A State variable `name` from the bytes a storage returned for it, as
/// `State::fetch` reads them; `Err` is the reason it refuses them.
pub fn read_state_entry(name: &str, bytes: &[u8]) -> std::result::Result<Variable, String> {
    crate::state::read_stored(name, bytes)
}

/// The bytes libmesos stores for the variable `name` at `version` holding
/// `value` (its `mesos.internal.state.Entry` message): what a storage
/// returns for a variable libmesos wrote.
pub fn stored_state_entry(name: &str, version: &[u8], value: &[u8]) -> Vec<u8> {
    crate::state::write_stored(name, version, value)
}
