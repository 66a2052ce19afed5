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
//!   `Stream` of events;
//! - `operator` (feature `operator`, on by default): typed clients of the
//!   master's and agents' operator API (`/api/v1`), its event stream
//!   included; the only part of the crate that needs no libmesos unless
//!   given a `zk://` address.
//!
//! Unit tests of a framework's scheduler or executor, with no libmesos,
//! use the companion crate `mesos-testing`.
//!
//! Messages cross into libmesos as serialized protobufs through a thin C++
//! shim (crate `mesos-sys`), as the official Java binding does over JNI.
//! Callbacks run on a libmesos thread; a panic in one is caught before it
//! reaches C++, aborts the driver and is returned by `join`/`run`.
//!
//! libmesos is found when `mesos-sys` is built (`MESOS_NATIVE_LIBRARY`,
//! `MESOS_HOME`, or pkg-config `mesos`). Without it the crate still builds,
//! and creating a driver returns [`Error::NativeUnavailable`].

#![warn(missing_docs)]

pub mod answer;
mod completion;
mod driver;
pub mod election;
pub mod error;
pub mod executor;
pub mod failover;
mod ffi;
mod from_list;
pub mod log;
pub mod operations;
#[cfg(feature = "operator")]
pub mod operator;
mod preconditions;
pub mod proto;
pub mod reconcile;
pub mod resources;
pub mod scheduler;
pub mod state;
mod status;
#[cfg(feature = "stream")]
pub mod stream;
pub mod v1;
#[doc(hidden)]
pub mod __test_seams {
    //! Not public API; see `src/test_seams.rs`.
    pub use crate::test_seams::*;
}
mod test_seams;

pub use answer::Completion;
pub use error::{Error, Result, ShimErrorKind};
pub use executor::{Executor, ExecutorDriver, MesosExecutorDriver};
pub use ffi::LibraryVersion;
pub use resources::Resources;
pub use scheduler::{MesosSchedulerDriver, Scheduler, SchedulerDriver, SchedulerDriverBuilder};
pub use status::DriverStatus;

/// The version of the native libmesos this build talks to, or
/// [`Error::NativeUnavailable`] when it was built without one.
pub fn native_library_version() -> Result<LibraryVersion> {
    Ok(ffi::library_version(ffi::native_api()?))
}
