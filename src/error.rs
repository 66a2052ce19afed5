//! The crate's error type.

use std::fmt;

use crate::status::DriverStatus;

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the binding. Match on the variant to
/// react; `Display` says what happened and what to do about it.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// This build has no libmesos (it was not found when `mesos-sys` was
    /// built), so no driver can be created.
    NativeUnavailable {
        /// What was missing and how to fix it.
        reason: String,
    },
    /// The libmesos loaded at run time is older than the headers the shim
    /// was compiled against.
    IncompatibleLibrary {
        /// Version of the loaded libmesos.
        loaded: String,
        /// Version the shim was compiled against (the minimum).
        compiled: String,
        /// Where the loaded libmesos lives.
        path: String,
    },
    /// A driver call was made while the driver was not running (before
    /// `start`, or after `stop`/`abort`).
    NotRunning {
        /// What the driver's status was.
        status: DriverStatus,
    },
    /// The driver was aborted: by `abort()`, or because Mesos reported an
    /// error (the `error` callback), in which case `message` says what it was.
    Aborted {
        /// Mesos's error message, if the abort came from one.
        message: Option<String>,
    },
    /// A user callback panicked; the driver was aborted. The panic did not
    /// cross into libmesos.
    CallbackPanicked {
        /// Which callback, e.g. `Scheduler::resource_offers`.
        callback: &'static str,
        /// The panic payload, if it was a string.
        message: String,
    },
    /// A protobuf message from libmesos (or from a caller) did not decode.
    Decode {
        /// Which message, e.g. `resource_offers: Offer`.
        what: String,
        /// prost's description.
        source: prost::DecodeError,
    },
    /// An argument was refused before reaching Mesos.
    InvalidArgument {
        /// Which argument.
        what: &'static str,
        /// Why.
        reason: String,
    },
    /// The C++ shim refused a call: a message that did not parse, a C++
    /// exception from libmesos, or a NULL argument.
    Shim {
        /// The shim's (negative) result code.
        code: i32,
        /// The shim's description.
        message: String,
    },
    /// A resources or reservation operation was refused.
    Resources(crate::resources::ResourcesError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NativeUnavailable { reason } => write!(f, "no native Mesos driver: {reason}"),
            Error::IncompatibleLibrary {
                loaded,
                compiled,
                path,
            } => write!(
                f,
                "libmesos {loaded} at {path} is older than the {compiled} headers the shim was \
                 compiled against; point MESOS_NATIVE_LIBRARY at a libmesos >= {compiled} and \
                 rebuild, or install a newer Mesos"
            ),
            Error::NotRunning { status } => write!(
                f,
                "the driver is not running (status {status}): call start() first; a stopped or \
                 aborted driver cannot be restarted, create a new one"
            ),
            Error::Aborted {
                message: Some(message),
            } => {
                write!(
                    f,
                    "the driver was aborted after Mesos reported an error: {message}"
                )
            }
            Error::Aborted { message: None } => write!(f, "the driver was aborted"),
            Error::CallbackPanicked { callback, message } => write!(
                f,
                "{callback} panicked ({message}); the driver was aborted and no further \
                 callbacks were delivered"
            ),
            Error::Decode { what, source } => {
                write!(
                    f,
                    "could not decode {what}: {source}; is libmesos built from a compatible Mesos?"
                )
            }
            Error::InvalidArgument { what, reason } => write!(f, "invalid {what}: {reason}"),
            Error::Shim { code, message } => write!(
                f,
                "the Mesos shim refused the call (code {code}): {message}"
            ),
            Error::Resources(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Decode { source, .. } => Some(source),
            Error::Resources(error) => Some(error),
            _ => None,
        }
    }
}

impl From<crate::resources::ResourcesError> for Error {
    fn from(error: crate::resources::ResourcesError) -> Self {
        Error::Resources(error)
    }
}
