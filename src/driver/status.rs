//! The driver lifecycle status, as libmesos reports it.

use std::fmt;

/// Where a driver is in its lifecycle; the values of `mesos::Status`.
///
/// A driver starts [`NotStarted`](DriverStatus::NotStarted), becomes
/// [`Running`](DriverStatus::Running) on `start`, and ends
/// [`Stopped`](DriverStatus::Stopped) (after `stop`) or
/// [`Aborted`](DriverStatus::Aborted) (after `abort`, an error reported by
/// Mesos, or a panic in a callback). A stopped or aborted driver cannot be
/// started again: create a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DriverStatus {
    /// Created, `start` not yet called.
    NotStarted,
    /// Started and not yet stopped or aborted.
    Running,
    /// Aborted: no more callbacks will be delivered.
    Aborted,
    /// Stopped: no more callbacks will be delivered.
    Stopped,
}

const NOT_STARTED: i32 = mesos_native_sys::MESOS_SHIM_DRIVER_NOT_STARTED as i32;
const RUNNING: i32 = mesos_native_sys::MESOS_SHIM_DRIVER_RUNNING as i32;
const ABORTED: i32 = mesos_native_sys::MESOS_SHIM_DRIVER_ABORTED as i32;
const STOPPED: i32 = mesos_native_sys::MESOS_SHIM_DRIVER_STOPPED as i32;

impl DriverStatus {
    /// Maps a `mesos::Status` number; `None` for anything else.
    pub(crate) fn from_raw(raw: i32) -> Option<Self> {
        match raw {
            NOT_STARTED => Some(Self::NotStarted),
            RUNNING => Some(Self::Running),
            ABORTED => Some(Self::Aborted),
            STOPPED => Some(Self::Stopped),
            _ => None,
        }
    }
}

impl fmt::Display for DriverStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotStarted => "DRIVER_NOT_STARTED",
            Self::Running => "DRIVER_RUNNING",
            Self::Aborted => "DRIVER_ABORTED",
            Self::Stopped => "DRIVER_STOPPED",
        })
    }
}
