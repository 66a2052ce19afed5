//! The agent's environment, as an executor reads it: the `MESOS_*`
//! variables an agent sets for the executors it launches. libmesos reads
//! them when the driver starts and exits (or aborts) the whole process on
//! a missing or malformed one, so they are checked here first, read as
//! libmesos will: the last of two entries with one name, the agent's pid as
//! libprocess parses it, each duration as stout does (in range). A host
//! name in the pid is left to libprocess to resolve.

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
    check_process_id(&pid).map_err(invalid)?;
    // Optional here (agents before 0.28 did not set the grace period),
    // but libmesos exits on a malformed one.
    let mut durations = vec!["MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD"];
    if lookup("MESOS_CHECKPOINT").as_deref() == Some("1") {
        durations.push("MESOS_RECOVERY_TIMEOUT");
    }
    for name in durations {
        if let Some(value) = lookup(name) {
            check_duration(name, &value).map_err(invalid)?;
        }
    }
    Ok(())
}

/// The value of `name` in `entries` (`NAME=VALUE`), or in this process's
/// environment when there are none: where an executor reads the agent's
/// variables. Of two entries with one name the last counts, as in the
/// map the shim makes of them for libmesos (and as in a shell's `env`).
pub(crate) fn variable(entries: Option<&[String]>, name: &str) -> Option<String> {
    match entries {
        Some(entries) => entries.iter().rev().find_map(|entry| {
            let (key, value) = entry.split_once('=')?;
            (key == name).then(|| value.to_string())
        }),
        None => std::env::var(name).ok(),
    }
}

/// `MESOS_SLAVE_PID` as libprocess's `UPID` parses it and libmesos then
/// `CHECK`s it: `id@host:port`, read as one word (libprocess stops at
/// whitespace), the host up to the first ':' (an IPv4 address that is
/// not 0.0.0.0, or a name libprocess resolves, which is not checked
/// here), a port from 1 to 65535. `Err` says why not.
pub(crate) fn check_process_id(pid: &str) -> Result<(), String> {
    let refuse = |why: &str| {
        Err(format!(
            "MESOS_SLAVE_PID '{}' {why}: expected id@host:port, e.g. slave(1)@10.0.0.1:5051",
            pid.escape_debug()
        ))
    };
    if pid.contains(char::is_whitespace) {
        return refuse("contains whitespace");
    }
    let Some((id, address)) = pid.split_once('@') else {
        return refuse("has no '@'");
    };
    if id.is_empty() {
        return refuse("has an empty id");
    }
    let Some((host, port)) = address.split_once(':') else {
        return refuse("has no ':' before a port");
    };
    if host.is_empty() {
        return refuse("has an empty host");
    }
    if host
        .parse::<std::net::Ipv4Addr>()
        .is_ok_and(|ip| ip.is_unspecified())
    {
        return refuse("names the host 0.0.0.0, which libprocess does not take as an agent's");
    }
    let plain = !port.is_empty() && port.bytes().all(|byte| byte.is_ascii_digit());
    if !plain || !port.parse::<u16>().is_ok_and(|port| port != 0) {
        return refuse("does not end with a port from 1 to 65535");
    }
    Ok(())
}

/// A duration as stout's `Duration::parse` reads one (a number of digits
/// and dots, then one of its units) and as it fits an `int64_t` of
/// nanoseconds, which stout refuses otherwise. `Err` says why not.
pub(crate) fn check_duration(name: &str, text: &str) -> Result<(), String> {
    const UNITS: &[(&str, f64)] = &[
        ("ns", 1.0),
        ("us", 1e3),
        ("ms", 1e6),
        ("secs", 1e9),
        ("mins", 60e9),
        ("hrs", 3600e9),
        ("days", 86400e9),
        ("weeks", 604800e9),
    ];
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let nanos = number.parse::<f64>().ok().and_then(|number| {
        let (_, factor) = UNITS.iter().find(|(name, _)| *name == unit)?;
        Some(number * factor)
    });
    match nanos {
        // 2^63 itself does not fit; below it, every double does.
        Some(nanos) if nanos < 9_223_372_036_854_775_808.0 => Ok(()),
        Some(_) => Err(format!(
            "{name} '{}' is longer than libmesos's durations hold (about 292 years)",
            text.escape_debug()
        )),
        None => Err(format!(
            "{name} '{}' is not a duration such as 5secs or 100ms (units: ns, us, ms, \
             secs, mins, hrs, days, weeks)",
            text.escape_debug()
        )),
    }
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
