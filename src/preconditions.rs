//! libmesos's fatal preconditions: the calls libmesos answers by killing
//! the whole process (a failed `CHECK`, `EXIT`, or a crash in a destructor)
//! instead of returning an error. Each is refused here, before the call
//! reaches the shim, whichever shim is behind the driver: the real one or
//! the test double, so the double's tests exercise every guard.
//!
//! | libmesos would kill the process on | refused by |
//! | --- | --- |
//! | `acceptOffers` with an operation that has an `id` | [`scheduler::accept_offers`] |
//! | `acknowledgeStatusUpdate` on a driver with implicit acknowledgements | [`scheduler::acknowledge_status_update`] |
//! | `updateFramework` with a role listed twice in the suppressed roles | [`scheduler::update_framework`] |
//! | `stop` on a driver whose start failed (a later `join` fails a `CHECK`) | [`has_no_process`] |
//! | `start` of an executor driver outside an agent (no `MESOS_*` variables), or with a malformed agent pid or duration variable | [`executor::agent_environment`] |
//! | deleting an executor driver that was never started | [`executor::may_be_deleted`] |
//! | making a v1 executor outside an agent, or with a malformed agent pid or duration variable | [`v1_executor::agent_environment`] |
//!
//! The checks read the variables as libmesos will: the last of two
//! entries with one name, the agent's pid as libprocess parses it, each
//! duration as stout does (in range). A host name in the pid is left to
//! libprocess to resolve.
//!
//! The v1 scheduler exits the process on a master address it can't use;
//! the shim makes libmesos's master detector itself and fails `start`
//! instead, so nothing here guards it.

use crate::driver::State;

/// Whether the driver failed to start, and so has no libmesos process:
/// libmesos's `stop` would then mark it stopped, and a later `join` fails a
/// `CHECK` on the missing process. `stop` and `join` answer for libmesos.
pub(crate) fn has_no_process(state: State) -> bool {
    state == State::FailedToStart
}

/// The scheduler driver's calls with a fatal precondition. Each takes the
/// driver's settings and the call's arguments, as the call does.
pub(crate) mod scheduler {
    use std::collections::HashSet;

    use crate::driver::State;
    use crate::error::{Error, Result};
    use crate::proto::scheduler::OfferConstraints;
    use crate::proto::{offer, Filters, FrameworkInfo, OfferId, TaskStatus};
    use crate::scheduler::SchedulerSettings;

    /// libmesos deletes a scheduler driver in any state.
    pub(crate) fn may_be_deleted(_: State) -> bool {
        true
    }

    /// An operation with an `id` asks for operation status updates, which
    /// the driver can't deliver: libmesos aborts the process.
    pub(crate) fn accept_offers(
        _: &SchedulerSettings,
        _: &[OfferId],
        operations: &[offer::Operation],
        _: &Filters,
    ) -> Result<()> {
        match operations
            .iter()
            .position(|operation| operation.id.is_some())
        {
            None => Ok(()),
            Some(index) => Err(Error::InvalidArgument {
                what: "operations",
                reason: format!(
                    "operation {index} has an `id`: the scheduler driver cannot report \
                     operation status updates, so Mesos forbids ids here"
                ),
            }),
        }
    }

    /// libmesos aborts the process when a driver with implicit
    /// acknowledgements is asked to acknowledge.
    pub(crate) fn acknowledge_status_update(
        settings: &SchedulerSettings,
        _: &TaskStatus,
    ) -> Result<()> {
        if settings.explicit_acknowledgements {
            return Ok(());
        }
        Err(Error::InvalidArgument {
            what: "call to acknowledge_status_update",
            reason: "this driver acknowledges status updates implicitly (the default); \
                     build it with .implicit_acknowledgements(false) to acknowledge them \
                     yourself"
                .into(),
        })
    }

    /// libmesos aborts the process on a duplicate suppressed role.
    pub(crate) fn update_framework(
        _: &SchedulerSettings,
        _: &FrameworkInfo,
        suppressed_roles: &[impl AsRef<str>],
        _: Option<&OfferConstraints>,
    ) -> Result<()> {
        let mut seen = HashSet::new();
        match suppressed_roles
            .iter()
            .map(AsRef::as_ref)
            .find(|role| !seen.insert(*role))
        {
            None => Ok(()),
            Some(role) => Err(Error::InvalidArgument {
                what: "suppressed_roles",
                reason: format!("'{role}' is listed twice"),
            }),
        }
    }
}

/// The executor driver's fatal preconditions.
pub(crate) mod executor {
    use crate::driver::State;
    use crate::error::{Error, Result};

    /// The variables an agent gives its executors, checked before libmesos
    /// reads them: without them (an executor run by hand, say) libmesos's
    /// `start` exits the whole process, or aborts it on a malformed
    /// `MESOS_SLAVE_PID`. `entries` are `NAME=VALUE`; `None` means this
    /// process's environment.
    pub(crate) fn agent_environment(entries: Option<&[String]>) -> Result<()> {
        let lookup = |name: &str| super::variable(entries, name);
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
        super::check_process_id(&pid).map_err(invalid)?;
        // Optional here (agents before 0.28 did not set the grace
        // period), but libmesos exits on a malformed one.
        let mut durations = vec!["MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD"];
        if lookup("MESOS_CHECKPOINT").as_deref() == Some("1") {
            durations.push("MESOS_RECOVERY_TIMEOUT");
        }
        for name in durations {
            if let Some(value) = lookup(name) {
                super::check_duration(name, &value).map_err(invalid)?;
            }
        }
        Ok(())
    }

    /// libmesos's `~MesosExecutorDriver` dereferences the driver's process,
    /// which only `start` creates: deleting a driver that never started
    /// crashes. Such a driver is leaked instead (it holds no thread and
    /// will never call back).
    pub(crate) fn may_be_deleted(state: State) -> bool {
        state.was_started()
    }
}

/// The v1 scheduler has no fatal precondition left for this module: the
/// shim turns an unusable master address, where libmesos exits, into a
/// failed `start`. libmesos deletes it in any state.
pub(crate) mod v1_scheduler {
    use crate::driver::State;

    pub(crate) fn may_be_deleted(_: State) -> bool {
        true
    }
}

/// The v1 executor's fatal preconditions.
pub(crate) mod v1_executor {
    use crate::driver::State;
    use crate::error::{Error, Result};

    /// The shim deletes a v1 executor in any state (libmesos's object is
    /// made by `start`).
    pub(crate) fn may_be_deleted(_: State) -> bool {
        true
    }

    /// The variables libmesos's v1 executor reads when it is made (at
    /// `start`), checked first: a missing or malformed one exits the
    /// process (or fails a `CHECK`). `lookup` reads one variable.
    pub(crate) fn agent_environment(lookup: impl Fn(&str) -> Option<String>) -> Result<()> {
        let invalid = |reason: String| Error::InvalidArgument {
            what: "executor environment",
            reason: format!(
                "{reason}; a v1 executor must be launched by a Mesos agent, which sets \
                 MESOS_SLAVE_PID, MESOS_FRAMEWORK_ID, MESOS_EXECUTOR_ID and \
                 MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD"
            ),
        };
        let required =
            |name: &str| lookup(name).ok_or_else(|| invalid(format!("{name} is not set")));
        for name in ["MESOS_FRAMEWORK_ID", "MESOS_EXECUTOR_ID"] {
            required(name)?;
        }
        let pid = required("MESOS_SLAVE_PID")?;
        super::check_process_id(&pid).map_err(invalid)?;
        let mut durations = vec!["MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD"];
        if lookup("MESOS_CHECKPOINT").as_deref() == Some("1") {
            durations.extend(["MESOS_RECOVERY_TIMEOUT", "MESOS_SUBSCRIPTION_BACKOFF_MAX"]);
        }
        for name in durations {
            let value = required(name)?;
            super::check_duration(name, &value).map_err(invalid)?;
        }
        Ok(())
    }
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
fn check_process_id(pid: &str) -> Result<(), String> {
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
fn check_duration(name: &str, text: &str) -> Result<(), String> {
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
