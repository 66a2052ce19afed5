//! The agent's variables libmesos's v1 executor reads when it is made (at
//! `start`): a missing or malformed one exits the process (or fails a
//! `CHECK`), so they are checked here first.

use crate::error::{Error, Result};
use crate::executor::environment::{check_duration, check_process_id};

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
    let required = |name: &str| lookup(name).ok_or_else(|| invalid(format!("{name} is not set")));
    for name in ["MESOS_FRAMEWORK_ID", "MESOS_EXECUTOR_ID"] {
        required(name)?;
    }
    let pid = required("MESOS_SLAVE_PID")?;
    check_process_id(&pid).map_err(invalid)?;
    let mut durations = vec!["MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD"];
    if lookup("MESOS_CHECKPOINT").as_deref() == Some("1") {
        durations.extend(["MESOS_RECOVERY_TIMEOUT", "MESOS_SUBSCRIPTION_BACKOFF_MAX"]);
    }
    for name in durations {
        let value = required(name)?;
        check_duration(name, &value).map_err(invalid)?;
    }
    Ok(())
}
