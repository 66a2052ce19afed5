//! The crate's error type.

use std::fmt;

use crate::driver::DriverStatus;

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the binding. Match on the variant to
/// react; `Display` says what happened and what to do about it, and
/// [`source`](std::error::Error::source) gives the underlying cause where
/// there is one (never both, so a printed chain says each thing once).
///
/// # Example
///
/// ```
/// use mesos_native::{Error, ShimErrorKind};
///
/// fn describe(error: &Error) -> String {
///     match error {
///         Error::NotRunning { status } => format!("not running ({status})"),
///         Error::Shim { kind: ShimErrorKind::BadMessage, message } => {
///             format!("libmesos could not parse what we sent: {message}")
///         }
///         other => other.to_string(),
///     }
/// }
///
/// let error = Error::Shim { kind: ShimErrorKind::from_code(-3), message: "master is NULL".into() };
/// assert_eq!(error.to_string(), "the Mesos shim refused the call (NULL argument, code -3): master is NULL");
/// assert!(describe(&error).contains("refused"));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// This build has no libmesos (it was not found when `mesos-native-sys` was
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
    /// No answer came in time: to a State or Log operation, a v1 call, a
    /// candidate's wait to lead. The operation may still complete later;
    /// nothing waits for it.
    TimedOut {
        /// What was waited for, e.g. `fetch of "framework-id" from ZooKeeper
        /// 127.0.0.1:2181/marathon`.
        what: String,
        /// How long was waited.
        after: std::time::Duration,
        /// What usually keeps such an answer from coming.
        hint: &'static str,
    },
    /// Something the binding offers that the Mesos it runs on does not
    /// have yet (a release would ignore it without a word).
    Unsupported {
        /// What, e.g. `offer constraints`.
        feature: &'static str,
        /// The first Mesos release that has it.
        since: String,
        /// The version of the Mesos it runs on: the loaded libmesos's, or,
        /// for an operator API call, the agent's.
        running: String,
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
        /// Which of the shim's errors it was.
        kind: ShimErrorKind,
        /// The shim's description.
        message: String,
    },
    /// A resources or reservation operation was refused.
    Resources(crate::resources::ResourcesError),
    /// libmesos failed a State or Log operation.
    OperationFailed {
        /// The operation.
        what: String,
        /// libmesos's reason.
        message: String,
    },
    /// libmesos dropped a State or Log operation unanswered (discarded, or
    /// its store or log was closed first).
    Abandoned {
        /// The operation.
        what: String,
    },
    /// A log writer is not the leader: another writer was elected since
    /// (or before) its `start`. Call `start` again to compete.
    LostLeadership {
        /// The operation, e.g. `append to the log at /var/lib/log`.
        what: String,
    },
    /// A candidate of a leader election does not lead: it was still
    /// standing by when the wait ended, or it is out of the election.
    NotLeading {
        /// The election, e.g. `the election at ZooKeeper 127.0.0.1:2181/app/leader`.
        election: String,
        /// Why: who leads instead, or how the candidate left.
        reason: String,
    },
    /// A call to a master's or an agent's operator API failed: it names
    /// the endpoint, the call and what went wrong (see
    /// [`OperatorErrorKind`](crate::operator::OperatorErrorKind)).
    #[cfg(feature = "operator")]
    #[cfg_attr(docsrs, doc(cfg(feature = "operator")))]
    Operator(crate::operator::OperatorError),
    /// Reading or writing a file failed (the framework-id file of
    /// [`failover::FrameworkIdStore::file`](crate::failover::FrameworkIdStore::file)).
    Io {
        /// What was being done, with the path.
        what: String,
        /// The system's error.
        source: std::io::Error,
    },
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
            Error::TimedOut { what, after, hint } => {
                write!(f, "no answer to the {what} within {after:?}: {hint}")
            }
            Error::CallbackPanicked { callback, message } => write!(
                f,
                "{callback} panicked ({message}); the driver was aborted and no further \
                 callbacks were delivered"
            ),
            // The prost error is the `source()`, so a chain prints it once.
            Error::Decode { what, .. } => write!(
                f,
                "could not decode {what} (is libmesos built from a compatible Mesos?)"
            ),
            Error::InvalidArgument { what, reason } => write!(f, "invalid {what}: {reason}"),
            Error::Unsupported {
                feature,
                since,
                running,
            } => write!(
                f,
                "{feature} need Mesos {since} or later, and the Mesos here is {running}: leave \
                 them out, or run on a newer Mesos"
            ),
            Error::Shim { kind, message } => {
                write!(f, "the Mesos shim refused the call ({kind}): {message}")
            }
            // Transparent: the resources error speaks for itself.
            Error::Resources(error) => error.fmt(f),
            Error::OperationFailed { what, message } => write!(f, "the {what} failed: {message}"),
            Error::Abandoned { what } => write!(
                f,
                "libmesos dropped the {what} without an answer (its store or log was closed)"
            ),
            Error::LostLeadership { what } => write!(
                f,
                "the {what} was refused: this writer is not the log's leader, another writer \
                 was elected; call start() again to compete"
            ),
            Error::NotLeading { election, reason } => {
                write!(f, "this instance does not lead {election}: {reason}")
            }
            // The io error is the `source()`.
            Error::Io { what, .. } => write!(f, "could not {what}"),
            // Transparent: the operator error names endpoint and call.
            #[cfg(feature = "operator")]
            Error::Operator(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Decode { source, .. } => Some(source),
            Error::Io { source, .. } => Some(source),
            // Transparent, as its Display: the wrapped error's own cause.
            Error::Resources(error) => std::error::Error::source(error),
            #[cfg(feature = "operator")]
            Error::Operator(error) => std::error::Error::source(error),
            _ => None,
        }
    }
}

impl From<crate::resources::ResourcesError> for Error {
    fn from(error: crate::resources::ResourcesError) -> Self {
        Error::Resources(error)
    }
}

/// The errors the C++ shim itself reports (`mesos_shim_result` in
/// `mesos_shim.h`), as opposed to statuses from libmesos.
///
/// ```
/// use mesos_native::ShimErrorKind;
///
/// assert_eq!(ShimErrorKind::from_code(-1), ShimErrorKind::BadMessage);
/// assert_eq!(ShimErrorKind::BadMessage.code(), -1);
/// assert_eq!(ShimErrorKind::from_code(-9), ShimErrorKind::Unknown(-9));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ShimErrorKind {
    /// A serialized message handed to the shim did not parse
    /// (`MESOS_SHIM_BAD_MESSAGE`).
    BadMessage,
    /// libmesos threw a C++ exception, which the shim caught
    /// (`MESOS_SHIM_EXCEPTION`).
    Exception,
    /// A required pointer argument was NULL (`MESOS_SHIM_NULL_ARGUMENT`).
    NullArgument,
    /// This build of the shim cannot make the object asked for: the v1
    /// scheduler or executor against a Mesos install without libprocess's
    /// headers (`MESOS_SHIM_UNAVAILABLE`). The message says what to do.
    Unavailable,
    /// An argument libmesos would have answered by killing the process
    /// (`MESOS_SHIM_BAD_ARGUMENT`); the message says which.
    BadArgument,
    /// A code this version of the binding does not know.
    Unknown(i32),
}

impl ShimErrorKind {
    /// The kind of a shim result code.
    pub fn from_code(code: i32) -> Self {
        match code {
            mesos_native_sys::MESOS_SHIM_BAD_MESSAGE => Self::BadMessage,
            mesos_native_sys::MESOS_SHIM_EXCEPTION => Self::Exception,
            mesos_native_sys::MESOS_SHIM_NULL_ARGUMENT => Self::NullArgument,
            mesos_native_sys::MESOS_SHIM_UNAVAILABLE => Self::Unavailable,
            mesos_native_sys::MESOS_SHIM_BAD_ARGUMENT => Self::BadArgument,
            other => Self::Unknown(other),
        }
    }

    /// The shim's result code for this kind.
    pub fn code(self) -> i32 {
        match self {
            Self::BadMessage => mesos_native_sys::MESOS_SHIM_BAD_MESSAGE,
            Self::Exception => mesos_native_sys::MESOS_SHIM_EXCEPTION,
            Self::NullArgument => mesos_native_sys::MESOS_SHIM_NULL_ARGUMENT,
            Self::Unavailable => mesos_native_sys::MESOS_SHIM_UNAVAILABLE,
            Self::BadArgument => mesos_native_sys::MESOS_SHIM_BAD_ARGUMENT,
            Self::Unknown(code) => code,
        }
    }
}

impl fmt::Display for ShimErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Self::BadMessage => "bad message",
            Self::Exception => "C++ exception",
            Self::NullArgument => "NULL argument",
            Self::Unavailable => "not in this build",
            Self::BadArgument => "bad argument",
            Self::Unknown(_) => "unknown error",
        };
        write!(f, "{name}, code {}", self.code())
    }
}
