//! What several modules of the bare suite build their drivers from: a
//! framework's info, and a scheduler and executor that do nothing.

use mesos_native::proto::{FrameworkInfo, Offer, TaskId, TaskInfo, TaskStatus};
use mesos_native::{Executor, ExecutorDriver, Scheduler, SchedulerDriver};

/// A framework named `name`, for user "tester".
pub fn framework(name: &str) -> FrameworkInfo {
    FrameworkInfo {
        user: "tester".into(),
        name: name.into(),
        ..Default::default()
    }
}

/// A scheduler or an executor, v0 or v1, that ignores everything.
pub struct Idle;

impl Scheduler for Idle {
    fn resource_offers(&mut self, _: &SchedulerDriver, _: Vec<Offer>) {}
    fn status_update(&mut self, _: &SchedulerDriver, _: TaskStatus) {}
}

impl mesos_native::v1::scheduler::Scheduler for Idle {}

impl Executor for Idle {
    fn launch_task(&mut self, _: &ExecutorDriver, _: TaskInfo) {}
    fn kill_task(&mut self, _: &ExecutorDriver, _: TaskId) {}
}

impl mesos_native::v1::executor::Executor for Idle {}
