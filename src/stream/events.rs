//! The event types, the [`Events`] stream, and [`Forward`]: the scheduler
//! and executor (v0 and v1) that turn each callback into one event.

use std::pin::Pin;
use std::task::{Context, Poll};

use super::channel::{self, Receiver, Recv, Sender};
use crate::proto::{
    ExecutorId, ExecutorInfo, FrameworkId, FrameworkInfo, MasterInfo, Offer, OfferId, SlaveId,
    SlaveInfo, TaskId, TaskInfo, TaskStatus,
};
use crate::{DriverStatus, Executor, ExecutorDriver, Scheduler, SchedulerDriver};

/// A v0 scheduler callback, as a value: one variant per
/// [`Scheduler`] method, with its arguments.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SchedulerEvent {
    /// [`Scheduler::registered`].
    Registered {
        /// The framework's id.
        framework_id: FrameworkId,
        /// The master it registered with.
        master: MasterInfo,
    },
    /// [`Scheduler::reregistered`].
    Reregistered(MasterInfo),
    /// [`Scheduler::disconnected`].
    Disconnected,
    /// [`Scheduler::resource_offers`].
    Offers(Vec<Offer>),
    /// [`Scheduler::offer_rescinded`].
    Rescinded(OfferId),
    /// [`Scheduler::status_update`].
    StatusUpdate(TaskStatus),
    /// [`Scheduler::framework_message`].
    FrameworkMessage {
        /// From this executor...
        executor_id: ExecutorId,
        /// ...on this agent.
        slave_id: SlaveId,
        /// The message.
        data: Vec<u8>,
    },
    /// [`Scheduler::slave_lost`].
    AgentLost(SlaveId),
    /// [`Scheduler::executor_lost`].
    ExecutorLost {
        /// The executor.
        executor_id: ExecutorId,
        /// Its agent.
        slave_id: SlaveId,
        /// Its wait status.
        status: i32,
    },
    /// [`Scheduler::error`]: the driver is aborted right after.
    Error(String),
}

/// A v0 executor callback, as a value.
// Not boxed: each event is moved once, into the queue and out of it; a
// box would cost an allocation per event.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ExecutorEvent {
    /// [`Executor::registered`].
    Registered {
        /// This executor.
        executor: ExecutorInfo,
        /// Its framework.
        framework: FrameworkInfo,
        /// Its agent.
        agent: SlaveInfo,
    },
    /// [`Executor::reregistered`].
    Reregistered(SlaveInfo),
    /// [`Executor::disconnected`].
    Disconnected,
    /// [`Executor::launch_task`].
    LaunchTask(TaskInfo),
    /// [`Executor::kill_task`].
    KillTask(TaskId),
    /// [`Executor::framework_message`].
    FrameworkMessage(Vec<u8>),
    /// [`Executor::shutdown`].
    Shutdown,
    /// [`Executor::error`].
    Error(String),
}

/// A v1 scheduler's or executor's callback, as a value: the connection's
/// ups and downs, and each event (`E`: `mesos.v1.scheduler.Event` or
/// `mesos.v1.executor.Event`) as the master or agent sent it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum V1Event<E> {
    /// Connected: subscribe now (also after every reconnection).
    Connected,
    /// The connection went away; libmesos reconnects.
    Disconnected,
    /// One event.
    Event(E),
    /// The start failed, with this reason (the `error` callback).
    Failed(String),
}

/// The events of one driver, in the order its callbacks came. Poll it as a
/// [`Stream`](futures_core::Stream), or await [`recv`](Self::recv).
pub struct Events<E> {
    receiver: Receiver<E>,
}

impl<E> Events<E> {
    /// The next event; `None` once the driver is dropped and every queued
    /// event was read. (Named as tokio's `Receiver::recv`; with
    /// `futures::StreamExt`, `next()` does the same.)
    pub fn recv(&mut self) -> Recv<'_, E> {
        self.receiver.recv()
    }

    /// How many events are queued.
    pub fn queued(&self) -> usize {
        self.receiver.len()
    }
}

impl<E> futures_core::Stream for Events<E> {
    type Item = E;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<E>> {
        self.receiver.poll_recv(cx)
    }
}

/// The scheduler or executor that forwards each callback to an [`Events`]
/// stream: build the driver over it. Made by [`scheduler`], [`executor`],
/// [`v1_scheduler`] and [`v1_executor`].
pub struct Forward<E> {
    sender: Sender<E>,
}

impl<E> Forward<E> {
    /// Queues `event`, waiting for room while `running()` holds.
    fn forward(&self, event: E, running: impl Fn() -> bool) {
        if !self.sender.send(event, running) {
            log::debug!("mesos::stream: an event was discarded (stream dropped or driver ending)");
        }
    }
}

fn pair<E>(capacity: usize) -> (Forward<E>, Events<E>) {
    let (sender, receiver) = channel::bounded(capacity);
    (Forward { sender }, Events { receiver })
}

/// A v0 [`Scheduler`] whose callbacks become the returned stream's events,
/// at most `capacity` queued (see the [module docs](super) for when it is
/// full).
pub fn scheduler(capacity: usize) -> (Forward<SchedulerEvent>, Events<SchedulerEvent>) {
    pair(capacity)
}

/// A v0 [`Executor`] whose callbacks become the returned stream's events.
pub fn executor(capacity: usize) -> (Forward<ExecutorEvent>, Events<ExecutorEvent>) {
    pair(capacity)
}

/// A v1 [`Scheduler`](crate::v1::scheduler::Scheduler) whose callbacks
/// become the returned stream's events.
#[allow(clippy::type_complexity)]
pub fn v1_scheduler(
    capacity: usize,
) -> (
    Forward<V1Event<crate::proto::v1::scheduler::Event>>,
    Events<V1Event<crate::proto::v1::scheduler::Event>>,
) {
    pair(capacity)
}

/// A v1 [`Executor`](crate::v1::executor::Executor) whose callbacks become
/// the returned stream's events.
#[allow(clippy::type_complexity)]
pub fn v1_executor(
    capacity: usize,
) -> (
    Forward<V1Event<crate::proto::v1::executor::Event>>,
    Events<V1Event<crate::proto::v1::executor::Event>>,
) {
    pair(capacity)
}

fn running(status: DriverStatus) -> bool {
    status == DriverStatus::Running
}

impl Scheduler for Forward<SchedulerEvent> {
    fn registered(
        &mut self,
        driver: &SchedulerDriver,
        framework_id: FrameworkId,
        master: MasterInfo,
    ) {
        let event = SchedulerEvent::Registered {
            framework_id,
            master,
        };
        self.forward(event, || running(driver.status()));
    }

    fn reregistered(&mut self, driver: &SchedulerDriver, master: MasterInfo) {
        self.forward(SchedulerEvent::Reregistered(master), || {
            running(driver.status())
        });
    }

    fn disconnected(&mut self, driver: &SchedulerDriver) {
        self.forward(SchedulerEvent::Disconnected, || running(driver.status()));
    }

    fn resource_offers(&mut self, driver: &SchedulerDriver, offers: Vec<Offer>) {
        self.forward(SchedulerEvent::Offers(offers), || running(driver.status()));
    }

    fn offer_rescinded(&mut self, driver: &SchedulerDriver, offer_id: OfferId) {
        self.forward(SchedulerEvent::Rescinded(offer_id), || {
            running(driver.status())
        });
    }

    fn status_update(&mut self, driver: &SchedulerDriver, status: TaskStatus) {
        self.forward(SchedulerEvent::StatusUpdate(status), || {
            running(driver.status())
        });
    }

    fn framework_message(
        &mut self,
        driver: &SchedulerDriver,
        executor_id: ExecutorId,
        slave_id: SlaveId,
        data: Vec<u8>,
    ) {
        let event = SchedulerEvent::FrameworkMessage {
            executor_id,
            slave_id,
            data,
        };
        self.forward(event, || running(driver.status()));
    }

    fn slave_lost(&mut self, driver: &SchedulerDriver, slave_id: SlaveId) {
        self.forward(SchedulerEvent::AgentLost(slave_id), || {
            running(driver.status())
        });
    }

    fn executor_lost(
        &mut self,
        driver: &SchedulerDriver,
        executor_id: ExecutorId,
        slave_id: SlaveId,
        status: i32,
    ) {
        let event = SchedulerEvent::ExecutorLost {
            executor_id,
            slave_id,
            status,
        };
        self.forward(event, || running(driver.status()));
    }

    /// The driver is already aborted here, so the event is queued only if
    /// there is room: it never waits.
    fn error(&mut self, _: &SchedulerDriver, message: String) {
        self.forward(SchedulerEvent::Error(message), || false);
    }
}

impl Executor for Forward<ExecutorEvent> {
    fn registered(
        &mut self,
        driver: &ExecutorDriver,
        executor: ExecutorInfo,
        framework: FrameworkInfo,
        agent: SlaveInfo,
    ) {
        let event = ExecutorEvent::Registered {
            executor,
            framework,
            agent,
        };
        self.forward(event, || running(driver.status()));
    }

    fn reregistered(&mut self, driver: &ExecutorDriver, agent: SlaveInfo) {
        self.forward(ExecutorEvent::Reregistered(agent), || {
            running(driver.status())
        });
    }

    fn disconnected(&mut self, driver: &ExecutorDriver) {
        self.forward(ExecutorEvent::Disconnected, || running(driver.status()));
    }

    fn launch_task(&mut self, driver: &ExecutorDriver, task: TaskInfo) {
        self.forward(ExecutorEvent::LaunchTask(task), || running(driver.status()));
    }

    fn kill_task(&mut self, driver: &ExecutorDriver, task_id: TaskId) {
        self.forward(ExecutorEvent::KillTask(task_id), || {
            running(driver.status())
        });
    }

    fn framework_message(&mut self, driver: &ExecutorDriver, data: Vec<u8>) {
        self.forward(ExecutorEvent::FrameworkMessage(data), || {
            running(driver.status())
        });
    }

    fn shutdown(&mut self, driver: &ExecutorDriver) {
        self.forward(ExecutorEvent::Shutdown, || running(driver.status()));
    }

    /// As for the scheduler: never waits.
    fn error(&mut self, _: &ExecutorDriver, message: String) {
        self.forward(ExecutorEvent::Error(message), || false);
    }
}

/// The same forwarding for both v1 kinds: `connected`, `disconnected`,
/// each received event, and the start's failure.
macro_rules! forward_v1 {
    ($module:ident :: $kind:ident) => {
        impl crate::v1::$module::$kind for Forward<V1Event<crate::proto::v1::$module::Event>> {
            fn connected(&mut self, connection: &crate::v1::$module::Connection) {
                self.forward(V1Event::Connected, || running(connection.status()));
            }

            fn disconnected(&mut self, connection: &crate::v1::$module::Connection) {
                self.forward(V1Event::Disconnected, || running(connection.status()));
            }

            fn received(
                &mut self,
                connection: &crate::v1::$module::Connection,
                events: Vec<crate::proto::v1::$module::Event>,
            ) {
                for event in events {
                    self.forward(V1Event::Event(event), || running(connection.status()));
                }
            }

            fn error(&mut self, _: &crate::v1::$module::Connection, message: String) {
                self.forward(V1Event::Failed(message), || false);
            }
        }
    };
}

forward_v1!(scheduler::Scheduler);
forward_v1!(executor::Executor);
