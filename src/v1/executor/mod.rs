//! The v1 executor: the [`Executor`] trait a custom executor implements,
//! the [`Mesos`] that connects it to its agent through libmesos's
//! `mesos::v1::executor::Mesos`, and the [`Connection`] every call goes
//! through. Events come one method per type, as on the
//! [scheduler side](crate::v1::scheduler).
//!
//! # Example
//!
//! ```no_run
//! use mesos_native::proto::v1::executor::event;
//! use mesos_native::proto::v1::{TaskState, TaskStatus};
//! use mesos_native::v1::executor::{Connection, Executor, Mesos};
//!
//! struct Finisher;
//!
//! impl Executor for Finisher {
//!     fn connected(&mut self, connection: &Connection) {
//!         connection.subscribe(Default::default()).unwrap();
//!     }
//!
//!     fn launch(&mut self, connection: &Connection, launch: event::Launch) {
//!         let mut status = TaskStatus {
//!             task_id: launch.task.task_id,
//!             ..Default::default()
//!         };
//!         status.set_state(TaskState::TaskFinished);
//!         connection.update_status(status).unwrap();
//!     }
//! }
//!
//! // In a process an agent started, with its MESOS_* variables.
//! let mesos = Mesos::new(Finisher)?;
//! mesos.run()?;
//! # Ok::<(), mesos_native::Error>(())
//! ```

mod callbacks;
mod calls;
mod connection;
mod dispatch;
mod driver_calls;
pub(crate) mod environment;

pub use connection::{Connection, Mesos, MesosBuilder};

use crate::proto::v1::executor::{event, Event};

/// A custom executor on the v1 API: one method per event type, plus the
/// connection's ups and downs. Callbacks run one at a time on a libmesos
/// thread; a panic in one aborts the executor, and `join`/`run` report it.
pub trait Executor: Send {
    /// The connection to the agent is up: subscribe now (also after every
    /// reconnection).
    fn connected(&mut self, connection: &Connection) {
        let _ = connection;
    }

    /// The connection to the agent went away; libmesos reconnects (with
    /// checkpointing) or the agent will shut the executor down.
    fn disconnected(&mut self, connection: &Connection) {
        let _ = connection;
    }

    /// A batch of events as libmesos delivered them. The default hands
    /// each to its method below, in order.
    fn received(&mut self, connection: &Connection, events: Vec<Event>) {
        for event in events {
            dispatch::dispatch(self, connection, event);
        }
    }

    /// The executor is subscribed.
    fn subscribed(&mut self, connection: &Connection, subscribed: event::Subscribed) {
        let _ = (connection, subscribed);
    }

    /// Run one task.
    fn launch(&mut self, connection: &Connection, launch: event::Launch) {
        let _ = (connection, launch);
    }

    /// Run a task group: every task of it, as one unit.
    fn launch_group(&mut self, connection: &Connection, launch_group: event::LaunchGroup) {
        let _ = (connection, launch_group);
    }

    /// Kill a task.
    fn kill(&mut self, connection: &Connection, kill: event::Kill) {
        let _ = (connection, kill);
    }

    /// The scheduler acknowledged a status update.
    fn acknowledged(&mut self, connection: &Connection, acknowledged: event::Acknowledged) {
        let _ = (connection, acknowledged);
    }

    /// A message from the scheduler.
    fn message(&mut self, connection: &Connection, message: event::Message) {
        let _ = (connection, message);
    }

    /// Kill every task and exit.
    fn shutdown(&mut self, connection: &Connection) {
        let _ = connection;
    }

    /// The agent's `ERROR` event, or the reason `start` failed.
    fn error(&mut self, connection: &Connection, message: String) {
        let _ = connection;
        log::error!("Mesos v1 executor error: {message}");
    }

    /// The agent's heartbeat.
    fn heartbeat(&mut self, connection: &Connection) {
        let _ = connection;
    }
}
