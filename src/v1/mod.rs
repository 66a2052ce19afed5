//! libmesos's v1 scheduler and executor libraries
//! (`mesos::v1::scheduler::Mesos`, `mesos::v1::executor::Mesos`), the API
//! the official Java binding wraps as `V1Mesos`: calls and events are the
//! `mesos.v1` protobufs of Mesos's HTTP APIs ([`crate::proto::v1`]), sent
//! and received through libmesos.
//!
//! Against the v0 drivers, v1 gives a framework operation feedback
//! (operations with an `id` get `UPDATE_OPERATION_STATUS` events), inverse
//! offers, and task groups (`LAUNCH_GROUP`) on the executor side.
//!
//! Each side has the same three parts as the v0 drivers, and the same
//! lifecycle underneath (one driver core for every kind):
//!
//! - a trait the user implements, one method per event type
//!   ([`scheduler::Scheduler`], [`executor::Executor`]);
//! - an owner whose drop ends the connection ([`scheduler::Mesos`],
//!   [`executor::Mesos`]), built, then `start`ed (or `run`);
//! - a cheap `Clone + Send + Sync` handle with a typed method per call and
//!   the raw `send` ([`scheduler::Connection`], [`executor::Connection`]),
//!   lent to every callback.
//!
//! v0 helpers ([`Resources`](crate::Resources), [`operations`](crate::operations))
//! work on v1 messages through [`evolve`] and [`devolve`], which convert a
//! message to its twin in the other schema as Mesos itself does.
//!
//! libmesos's v1 libraries connect as soon as they exist and have no
//! lifecycle of their own; the shim gives them the drivers' one: `start`
//! connects, `stop`/`abort` end event delivery and wake `join`, and the
//! connection closes when the owner is dropped. A master address libmesos
//! can't use (where it would exit the process) fails `start` with the
//! reason, as the v0 driver does.

mod convert;
pub mod executor;
pub mod scheduler;
pub(crate) mod uuid;

pub use convert::{devolve, evolve};
