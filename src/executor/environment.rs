//! The agent's environment, as an executor reads it: the `MESOS_*`
//! variables an agent sets for the executors it launches. libmesos reads
//! them when the driver starts and exits (or aborts) the whole process on
//! a missing or malformed one, so they are checked here first.

use crate::error::{Error, Result};

/// The variables an agent gives its executors, checked before libmesos
/// reads them: without them (an executor run by hand, say) libmesos's
/// `start` exits the whole process, or aborts it on a malformed
/// `MESOS_SLAVE_PID`. `entries` are `NAME=VALUE`; `None` means this
/// process's environment.
pub(crate) fn agent_environment(entries: Option<&[String]>) -> Result<()> {
    let lookup = |name: &str| variable(entries, name);
    let invalid = |reason: String| Error::InvalidArgument {
        what: "executor environment",
        reason: format!(
            "{reason}; an executor must be launched by a Mesos agent, which sets \
             MESOS_SLAVE_PID, MESOS_SLAVE_ID, MESOS_FRAMEWORK_ID, MESOS_EXECUTOR_ID and \
             MESOS_DIRECTORY"
        ),
    };
    for name in [
        "MESOS_SLAVE_PID",
        "MESOS_SLAVE_ID",
        "MESOS_FRAMEWORK_ID",
        "MESOS_EXECUTOR_ID",
        "MESOS_DIRECTORY",
    ] {
        if lookup(name).is_none() {
            return Err(invalid(format!("{name} is not set")));
        }
    }
    let pid = lookup("MESOS_SLAVE_PID").unwrap_or_default();
    if !is_process_id(&pid) {
        return Err(invalid(format!(
            "MESOS_SLAVE_PID '{pid}' is not of the form id@host:port"
        )));
    }
    Ok(())
}

/// The value of `name` in `entries` (`NAME=VALUE`), or in this process's
/// environment when there are none: where an executor reads the agent's
/// variables.
pub(crate) fn variable(entries: Option<&[String]>, name: &str) -> Option<String> {
    match entries {
        Some(entries) => entries.iter().find_map(|entry| {
            let (key, value) = entry.split_once('=')?;
            (key == name).then(|| value.to_string())
        }),
        None => std::env::var(name).ok(),
    }
}

/// `id@host:port`, as libprocess writes a process id.
pub(crate) fn is_process_id(pid: &str) -> bool {
    pid.split_once('@').is_some_and(|(id, address)| {
        !id.is_empty()
            && address
                .rsplit_once(':')
                .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok())
    })
}

/// A duration as stout parses one: a number, then one of its units.
pub(crate) fn is_duration(text: &str) -> bool {
    const UNITS: &[&str] = &["ns", "us", "ms", "secs", "mins", "hrs", "days", "weeks"];
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    number.parse::<f64>().is_ok() && UNITS.contains(&unit)
}

/// `NAME=VALUE` entries for the shim.
pub(crate) fn entries<K: AsRef<str>, V: AsRef<str>>(
    environment: impl IntoIterator<Item = (K, V)>,
) -> Vec<String> {
    environment
        .into_iter()
        .map(|(k, v)| format!("{}={}", k.as_ref(), v.as_ref()))
        .collect()
}
