//! Raw bindings to `wrapper/mesos_shim.h`, a thin C shim over libmesos's
//! `MesosSchedulerDriver` and `MesosExecutorDriver`.
//!
//! Everything here is `unsafe` and follows the ownership rules written at the
//! top of the header. The safe API lives in the `mesos` crate.
//!
//! # Without libmesos
//!
//! When the build script finds no libmesos, the extern functions are still
//! declared but nothing defines them, and [`native()`] returns `None`. Code
//! must reach the shim through a [`ShimApi`] table (as the `mesos` crate
//! does) so that such a build links, and so that tests can substitute a test
//! double of the shim for the real one.
#![allow(non_camel_case_types, non_upper_case_globals, non_snake_case)]
#![allow(clippy::missing_safety_doc)]

mod api;
#[rustfmt::skip]
mod bindings;
pub mod boundary;

pub use api::ShimApi;
pub use bindings::*;

/// Whether this build of `mesos-sys` was compiled against a libmesos.
pub const NATIVE_AVAILABLE: bool = cfg!(mesos_native);

/// Why no native driver is available, for error messages.
pub const NATIVE_UNAVAILABLE_REASON: &str =
    "libmesos was not found when the mesos-sys crate was built. \
     Install Mesos, set MESOS_NATIVE_LIBRARY=/path/to/libmesos.so (or MESOS_HOME=<prefix>), \
     then rebuild (cargo clean -p mesos-sys && cargo build)";

/// The shim backed by the real libmesos, or `None` when the crate was built
/// without one.
pub fn native() -> Option<&'static ShimApi> {
    api::native()
}
