//! The executor side: the [`Executor`] trait a custom executor implements
//! and the [`MesosExecutorDriver`] that connects it to its agent.

mod callbacks;
mod driver;
mod driver_calls;
pub(crate) mod environment;

pub use driver::{ExecutorDriver, ExecutorDriverBuilder, MesosExecutorDriver};

use crate::proto::{ExecutorInfo, FrameworkInfo, SlaveInfo, TaskId, TaskInfo};

/// A custom executor: the callbacks of `mesos::Executor`, under the same
/// names in snake case.
///
/// The agent starts the executor's process with `MESOS_*` environment
/// variables; [`MesosExecutorDriver`] reads them and connects. Callbacks run
/// one at a time on a libmesos thread; each gets an [`ExecutorDriver`]
/// handle to send status updates with. A panicking callback aborts the
/// driver and makes `run`/`join` return
/// [`Error::CallbackPanicked`](crate::Error::CallbackPanicked).
///
/// # Example
///
/// ```
/// use mesos_native::proto::{TaskId, TaskInfo, TaskState, TaskStatus};
/// use mesos_native::{Executor, ExecutorDriver};
///
/// /// Finishes every task at once.
/// struct Instant;
///
/// impl Executor for Instant {
///     fn launch_task(&mut self, driver: &ExecutorDriver, task: TaskInfo) {
///         let mut status = TaskStatus { task_id: task.task_id.clone(), ..Default::default() };
///         status.set_state(TaskState::TaskFinished);
///         let _ = driver.send_status_update(&status);
///     }
///
///     fn kill_task(&mut self, driver: &ExecutorDriver, task_id: TaskId) {
///         let mut status = TaskStatus { task_id, ..Default::default() };
///         status.set_state(TaskState::TaskKilled);
///         let _ = driver.send_status_update(&status);
///     }
/// }
/// ```
pub trait Executor: Send {
    /// The executor registered with its agent.
    fn registered(
        &mut self,
        driver: &ExecutorDriver,
        executor_info: ExecutorInfo,
        framework_info: FrameworkInfo,
        slave_info: SlaveInfo,
    ) {
        let _ = (driver, executor_info, framework_info, slave_info);
    }

    /// The executor re-registered with a restarted agent.
    fn reregistered(&mut self, driver: &ExecutorDriver, slave_info: SlaveInfo) {
        let _ = (driver, slave_info);
    }

    /// The agent went away (for example it is restarting).
    fn disconnected(&mut self, driver: &ExecutorDriver) {
        let _ = driver;
    }

    /// Run a task. Report progress with
    /// [`send_status_update`](ExecutorDriver::send_status_update); don't
    /// block here for long, other callbacks wait meanwhile.
    fn launch_task(&mut self, driver: &ExecutorDriver, task: TaskInfo);

    /// Kill a task and report `TASK_KILLED`.
    fn kill_task(&mut self, driver: &ExecutorDriver, task_id: TaskId);

    /// A message from the scheduler (best effort).
    fn framework_message(&mut self, driver: &ExecutorDriver, data: Vec<u8>) {
        let _ = (driver, data);
    }

    /// Kill all tasks and exit; the agent kills the process after a grace
    /// period. The default stops the driver.
    fn shutdown(&mut self, driver: &ExecutorDriver) {
        let _ = driver.stop();
    }

    /// An unrecoverable error; the driver is aborted after this returns.
    fn error(&mut self, driver: &ExecutorDriver, message: String) {
        let _ = driver;
        log::error!("Mesos executor error: {message}");
    }
}
