//! Safe Rust binding to Apache Mesos's native driver library (libmesos).
//!
//! Frameworks written against the C++, Java or Python native drivers find
//! the same callbacks and calls here, in snake case:
//!
//! - [`Scheduler`] and [`MesosSchedulerDriver`] for a framework's scheduler;
//! - [`Executor`] and [`MesosExecutorDriver`] for a custom executor;
//! - [`proto`]: Mesos's protobuf messages (wire-compatible, generated with
//!   prost from the project's own schema);
//! - [`resources`] and [`operations`]: resource arithmetic, reservations and
//!   refinement, and `Offer.Operation` builders;
//! - [`v1`]: libmesos's v1 scheduler and executor libraries (operation
//!   feedback, inverse offers, task groups), over the same lifecycle;
//! - [`state`] and [`log`]: libmesos's versioned key-value store and
//!   replicated log, what Java frameworks persist through;
//! - [`failover`], [`reconcile`] and [`election`]: keeping a framework
//!   whole for months: its id across restarts, its tasks' states after
//!   faults, and one instance leading while others stand by;
//! - `stream` (feature `stream`): any driver's callbacks as an async
//!   `Stream` of events.
//!
//! Unit tests of a framework's scheduler or executor, with no libmesos,
//! use the companion crate `mesos-native-testing`.
//!
//! Messages cross into libmesos as serialized protobufs through a thin C++
//! shim (crate `mesos-native-sys`), as the official Java binding does over JNI.
//! Callbacks run on a libmesos thread; a panic in one is caught before it
//! reaches C++, aborts the driver and is returned by `join`/`run`.
//!
//! libmesos is found when `mesos-native-sys` is built (`MESOS_NATIVE_LIBRARY`,
//! `MESOS_HOME`, or pkg-config `mesos`). Without it the crate still builds,
//! and creating a driver returns [`Error::NativeUnavailable`]. Every native
//! object is made through a [`Shim`]: libmesos's, or in unit tests the
//! testing kit's in-memory double.

#![deny(missing_docs)]
// docs.rs: mark what a feature turns on.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod boundary;
mod driver;
pub mod election;
pub mod error;
pub mod executor;
pub mod failover;
mod features;
#[doc(hidden)]
pub mod hostile_input;
pub mod log;
mod master;
pub mod operations;
#[cfg(feature = "operator")]
#[cfg_attr(docsrs, doc(cfg(feature = "operator")))]
pub mod operator;
pub mod proto;
pub mod reconcile;
pub mod resources;
pub mod scheduler;
pub mod state;
#[cfg(feature = "stream")]
#[cfg_attr(docsrs, doc(cfg(feature = "stream")))]
pub mod stream;
pub mod v1;
mod zookeeper;

pub use boundary::{Completion, LibraryVersion, Shim};
pub use driver::DriverStatus;
pub use error::{Error, Result, ShimErrorKind};
pub use executor::{Executor, ExecutorDriver, ExecutorDriverBuilder, MesosExecutorDriver};
pub use resources::Resources;
pub use scheduler::{MesosSchedulerDriver, Scheduler, SchedulerDriver, SchedulerDriverBuilder};
pub use zookeeper::ZooKeeper;

// The guide's examples are compiled as doctests (and run where they need no
// cluster), so the pages cannot drift from the API.
#[cfg(doctest)]
mod guide {
    #[doc = include_str!("../README.md")]
    struct Readme;
    #[doc = include_str!("../docs/drivers.md")]
    struct Drivers;
    #[doc = include_str!("../docs/v1.md")]
    struct V1;
    #[doc = include_str!("../docs/state-and-log.md")]
    struct StateAndLog;
    #[doc = include_str!("../docs/operator-api.md")]
    struct OperatorApi;
    #[cfg(feature = "stream")]
    #[doc = include_str!("../docs/async.md")]
    struct Async;
}
