//! A test double of the shim's C API (`wrapper/mesos_shim.h`), not of
//! libmesos: a second implementation of the same functions, in Rust, that
//! records every call and fires callbacks from a thread of its own, the way
//! libmesos does. With it the Rust side of the boundary (trampolines,
//! buffer ownership, threads, lifetimes, panics) is tested on any machine.
//!
//! Tests find the double behind their driver by a key: for schedulers the
//! framework's name (`FrameworkInfo.name`, field 2), for executors the value
//! of the `DOUBLE_KEY` entry of the environment given at creation ("" when
//! none). With unique keys, tests run in parallel.
//!
//! Two masters make a scheduler driver fail as libmesos can:
//! `exception:<text>` makes its creation fail as if libmesos threw, and
//! `fail-start:<reason>` makes its `start` fail as for a malformed master
//! URL (the `error` callback on the starting thread, then aborted).
//! Bad arguments get the shim's error codes, and calls libmesos would
//! answer by killing the process are recorded
//! ([`DriverDouble::fatal_calls`]) and refused instead.
//!
//! State and Log work in memory (see the `state_log` module for the
//! ZooKeeper servers that make a storage hang or fail), and so does leader
//! election (the `election` module; [`expire_membership`] ends a member as
//! a lost ZooKeeper session does).
//!
//! Messages are plain bytes here: this crate does not know the protobuf
//! schema, tests encode and decode with the `mesos-native` crate.

#![deny(missing_docs)]

mod buffers;
mod callbacks;
mod driver;
mod election;
mod entry_points;
mod executor;
mod handle;
mod queries;
mod record;
mod registry;
mod scheduler;
mod state_log;
mod v1_executor;
mod v1_scheduler;
mod wire;

pub use driver::{Call, DriverDouble};
pub use election::expire as expire_membership;
pub use executor::{executor, executor_created_here, ExecutorDouble};
pub use scheduler::{scheduler, scheduler_created_here, SchedulerDouble};
pub use v1_executor::{v1_executor, v1_executor_created_here, V1ExecutorDouble};
pub use v1_scheduler::{v1_scheduler, v1_scheduler_created_here, V1SchedulerDouble};

use mesos_native_sys::ShimApi;

pub(crate) use queries::set_last_error;

use entry_points::TABLE;

/// The double, as a table the `mesos-native` crate's drivers accept (through
/// `mesos_native::Shim::from_api`).
pub static API: ShimApi = TABLE;

/// The same double, claiming to be a libmesos older than the shim, to test
/// the version check.
pub static API_OLD_LIBRARY: ShimApi = ShimApi {
    mesos_shim_loaded_library_path: queries::old_loaded_library_path,
    ..TABLE
};

/// The same double, as a shim compiled against Mesos 1.10 and running on
/// libmesos 1.10: to test what the binding refuses on a release that lacks
/// a feature.
pub static API_1_10: ShimApi = ShimApi {
    mesos_shim_compiled_version: queries::compiled_version_1_10,
    mesos_shim_loaded_library_path: queries::loaded_library_path_1_10,
    ..TABLE
};

/// What the double reports as the shim's compile-time Mesos version.
pub const COMPILED_VERSION: &str = "1.11.0";
