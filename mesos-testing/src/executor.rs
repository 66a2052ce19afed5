//! [`ExecutorHarness`]: a user's [`Executor`] behind a real
//! [`MesosExecutorDriver`] over the in-process double of libmesos, each
//! callback fired on the test's own thread, each driver call recorded as an
//! [`ExecutorCall`].

use std::sync::Arc;

use mesos::__test_seams::ExecutorDriverSeam;
use mesos::proto::{ExecutorInfo, FrameworkInfo, SlaveInfo, TaskId, TaskInfo, TaskStatus};
use mesos::{Executor, ExecutorDriver, MesosExecutorDriver};
use mesos_test_double::ExecutorDouble;
use prost::Message;

use crate::harness::Recorder;

/// One call an executor made on its driver, with its arguments typed.
// Not boxed: tests match on these, and a few hundred bytes per recorded
// call do not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ExecutorCall {
    /// `send_status_update`.
    SendStatusUpdate {
        /// The update sent.
        status: TaskStatus,
    },
    /// `send_framework_message`.
    SendFrameworkMessage {
        /// The message.
        data: Vec<u8>,
    },
    /// `stop`.
    Stop,
    /// `abort`.
    Abort,
}

/// One function per call of the list's executor section: the typed call.
mod executor_call {
    use super::*;

    pub(super) fn start() -> Option<ExecutorCall> {
        None
    }
    pub(super) fn join() -> Option<ExecutorCall> {
        None
    }
    pub(super) fn run() -> Option<ExecutorCall> {
        None
    }
    pub(super) fn stop() -> Option<ExecutorCall> {
        Some(ExecutorCall::Stop)
    }
    pub(super) fn abort() -> Option<ExecutorCall> {
        Some(ExecutorCall::Abort)
    }
    pub(super) fn send_status_update(status: TaskStatus) -> Option<ExecutorCall> {
        Some(ExecutorCall::SendStatusUpdate { status })
    }
    pub(super) fn send_framework_message(data: Vec<u8>) -> Option<ExecutorCall> {
        Some(ExecutorCall::SendFrameworkMessage { data })
    }
}

mesos_sys::shim_boundary!(executor calls => typed_calls, executor_call => ExecutorCall;);

/// An [`Executor`] under test: a started driver over the in-process double
/// of libmesos. Each method fires one callback on the calling thread and
/// returns once the executor's callback has.
///
/// ```
/// use mesos::proto::{TaskId, TaskInfo, TaskState, TaskStatus};
/// use mesos::{Executor, ExecutorDriver};
/// use mesos_testing::ExecutorHarness;
///
/// /// Finishes every task at once.
/// struct Done;
/// impl Executor for Done {
///     fn launch_task(&mut self, driver: &ExecutorDriver, task: TaskInfo) {
///         let mut status = TaskStatus { task_id: task.task_id, ..Default::default() };
///         status.set_state(TaskState::TaskFinished);
///         driver.send_status_update(&status).unwrap();
///     }
///     fn kill_task(&mut self, _: &ExecutorDriver, _: TaskId) {}
/// }
///
/// let harness = ExecutorHarness::new(Done);
/// harness.register();
/// harness.launch_task(TaskInfo { name: "t".into(), ..Default::default() });
/// assert_eq!(harness.status_updates()[0].state(), TaskState::TaskFinished);
/// ```
pub struct ExecutorHarness {
    driver: MesosExecutorDriver,
    double: Arc<ExecutorDouble>,
    recorder: Recorder,
}

impl ExecutorHarness {
    /// `executor` behind a started driver, in the environment an agent
    /// gives executor `executor-0` of framework `framework-0` on
    /// `agent-0` (the sandbox is the system's temporary directory).
    pub fn new(executor: impl Executor + 'static) -> Self {
        let sandbox = std::env::temp_dir().display().to_string();
        let environment = [
            ("MESOS_SLAVE_PID", "slave(1)@127.0.0.1:5051"),
            ("MESOS_SLAVE_ID", "agent-0"),
            ("MESOS_FRAMEWORK_ID", "framework-0"),
            ("MESOS_EXECUTOR_ID", "executor-0"),
            ("MESOS_DIRECTORY", sandbox.as_str()),
        ];
        let driver =
            MesosExecutorDriver::with_shim_api(executor, environment, &mesos_test_double::API)
                .unwrap_or_else(|error| panic!("mesos-testing: cannot create the driver: {error}"));
        Self::attached(driver, mesos_test_double::executor_created_here())
    }

    /// The driver handle, as the executor's callbacks get it.
    pub fn driver(&self) -> &ExecutorDriver {
        &self.driver
    }

    /// Fires `registered` with an executor `executor-0` of framework
    /// `framework-0` on agent `agent-0` (localhost).
    pub fn register(&self) {
        let executor = ExecutorInfo {
            executor_id: mesos::proto::ExecutorId {
                value: "executor-0".into(),
            },
            framework_id: Some(mesos::proto::FrameworkId {
                value: "framework-0".into(),
            }),
            ..Default::default()
        };
        let framework = FrameworkInfo {
            id: executor.framework_id.clone(),
            name: "mesos-testing".into(),
            ..Default::default()
        };
        let agent = SlaveInfo {
            hostname: "localhost".into(),
            id: Some(mesos::proto::SlaveId {
                value: "agent-0".into(),
            }),
            ..Default::default()
        };
        self.registered(executor, framework, agent);
    }

    /// Fires `registered`.
    pub fn registered(&self, executor: ExecutorInfo, framework: FrameworkInfo, agent: SlaveInfo) {
        self.fire(|double| {
            double.registered(
                executor.encode_to_vec(),
                framework.encode_to_vec(),
                agent.encode_to_vec(),
            )
        });
    }

    /// Fires `reregistered`.
    pub fn reregistered(&self, agent: SlaveInfo) {
        self.fire(|double| double.reregistered(agent.encode_to_vec()));
    }

    /// Fires `disconnected`.
    pub fn disconnected(&self) {
        self.fire(|double| double.disconnected());
    }

    /// Fires `launch_task`.
    pub fn launch_task(&self, task: TaskInfo) {
        self.fire(|double| double.launch_task(task.encode_to_vec()));
    }

    /// Fires `kill_task`.
    pub fn kill_task(&self, task_id: &TaskId) {
        self.fire(|double| double.kill_task(task_id.encode_to_vec()));
    }

    /// Fires `framework_message`.
    pub fn framework_message(&self, data: &[u8]) {
        self.fire(|double| double.framework_message(data.to_vec()));
    }

    /// Fires `shutdown`.
    pub fn shutdown(&self) {
        self.fire(|double| double.shutdown());
    }

    /// Fires `error(message)`; the driver is aborted after it.
    pub fn error(&self, message: &str) {
        self.fire(|double| double.error(message));
    }

    /// The status updates sent so far.
    pub fn status_updates(&self) -> Vec<TaskStatus> {
        self.calls()
            .into_iter()
            .filter_map(|call| match call {
                ExecutorCall::SendStatusUpdate { status } => Some(status),
                _ => None,
            })
            .collect()
    }
}

harness_basics!(
    ExecutorHarness,
    MesosExecutorDriver,
    ExecutorDouble,
    ExecutorCall,
    typed
);
