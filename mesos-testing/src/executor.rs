//! [`ExecutorHarness`]: a user's [`Executor`] behind a real
//! [`MesosExecutorDriver`] over the in-process double of libmesos, each
//! callback fired on the test's own thread, each driver call recorded as an
//! [`ExecutorCall`].

use std::sync::Arc;

use mesos_native::proto::{ExecutorInfo, FrameworkInfo, SlaveInfo, TaskStatus};
use mesos_native::{Executor, ExecutorDriver, MesosExecutorDriver};
use mesos_native_double::ExecutorDouble;

use crate::harness::Recorder;
use crate::ExecutorCall;

/// An [`Executor`] under test: a started driver over the in-process double
/// of libmesos. Each method fires one callback on the calling thread and
/// returns once the executor's callback has.
///
/// ```
/// use mesos_native::proto::{TaskId, TaskInfo, TaskState, TaskStatus};
/// use mesos_native::{Executor, ExecutorDriver};
/// use mesos_native_testing::ExecutorHarness;
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
/// harness.launch_task(&TaskInfo { name: "t".into(), ..Default::default() });
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
        let driver = MesosExecutorDriver::builder(executor)
            .environment(environment)
            .shim(crate::shim())
            .build()
            .unwrap_or_else(|error| {
                panic!("mesos-native-testing: cannot create the driver: {error}")
            });
        Self::attached(driver, mesos_native_double::executor_created_here())
    }

    /// The driver handle, as the executor's callbacks get it.
    pub fn driver(&self) -> &ExecutorDriver {
        &self.driver
    }

    /// Fires `registered` with an executor `executor-0` of framework
    /// `framework-0` on agent `agent-0` (localhost).
    pub fn register(&self) {
        let executor = ExecutorInfo {
            executor_id: mesos_native::proto::ExecutorId {
                value: "executor-0".into(),
            },
            framework_id: Some(mesos_native::proto::FrameworkId {
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
            id: Some(mesos_native::proto::SlaveId {
                value: "agent-0".into(),
            }),
            ..Default::default()
        };
        self.registered(&executor, &framework, &agent);
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
    crate::calls::typed_executor
);
