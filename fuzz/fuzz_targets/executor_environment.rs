//! The environment an executor is made with (`with_environment`): the
//! agent's variables (durations, ids, the agent's pid, paths), plus any
//! number of fuzzed ones after them, as a shell or a hand-written test
//! would add them; then the binding's checks, v0 or v1.
//!
//! Property: what the binding accepts, libmesos's executor accepts too
//! (`mesos_fuzz::models::executor_environment_is_valid`, transcribed from
//! exec.cpp and executor.cpp): where libmesos would `EXIT` or fail a
//! `CHECK`, the binding returns `InvalidArgument` first, naming the
//! variable.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mesos_fuzz::models::executor_environment_is_valid;
use mesos_native::hostile_input::{check_executor_environment, AGENT_EXECUTOR_ENVIRONMENT};
use mesos_native::Error;

/// A variable's name: those libmesos reads, or any other.
#[derive(Arbitrary, Debug)]
enum Name {
    SlavePid,
    SlaveId,
    FrameworkId,
    ExecutorId,
    Directory,
    ShutdownGracePeriod,
    Checkpoint,
    RecoveryTimeout,
    SubscriptionBackoffMax,
    Other(String),
}

impl Name {
    fn as_str(&self) -> &str {
        match self {
            Name::SlavePid => "MESOS_SLAVE_PID",
            Name::SlaveId => "MESOS_SLAVE_ID",
            Name::FrameworkId => "MESOS_FRAMEWORK_ID",
            Name::ExecutorId => "MESOS_EXECUTOR_ID",
            Name::Directory => "MESOS_DIRECTORY",
            Name::ShutdownGracePeriod => "MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD",
            Name::Checkpoint => "MESOS_CHECKPOINT",
            Name::RecoveryTimeout => "MESOS_RECOVERY_TIMEOUT",
            Name::SubscriptionBackoffMax => "MESOS_SUBSCRIPTION_BACKOFF_MAX",
            Name::Other(name) => name,
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Input {
    v1: bool,
    /// Start from what an agent sets (else from nothing).
    from_agent: bool,
    variables: Vec<(Name, String)>,
}

fuzz_target!(|input: Input| {
    let agent = if input.from_agent {
        AGENT_EXECUTOR_ENVIRONMENT
    } else {
        &[]
    };
    let entries: Vec<String> = agent
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .chain(
            input
                .variables
                .iter()
                .map(|(name, value)| format!("{}={value}", name.as_str())),
        )
        .collect();
    match check_executor_environment(&entries, input.v1) {
        Ok(()) => assert_ne!(
            executor_environment_is_valid(&entries, input.v1),
            Some(false),
            "accepted, but libmesos would kill the process: {entries:?}"
        ),
        Err(Error::InvalidArgument { what, reason }) => {
            assert_eq!(what, "executor environment");
            assert!(reason.contains("MESOS_"), "{reason}");
        }
        Err(other) => panic!("unexpected error {other:?}"),
    }
});
