//! What can go wrong, in three kinds a caller treats differently: the
//! testbed cannot run on this machine (a test skips), the caller asked for
//! something that does not exist (a bug in the test), or running it failed.

use std::fmt;

/// A testbed error. Every message names the problem and, where there is
/// one, the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// This machine cannot run the testbed: not root, a tool or an install
    /// missing, namespaces not allowed. Gated tests say SKIPPED on it
    /// (or fail with `MESOS_TEST_REQUIRE=1`).
    Unavailable(String),
    /// The caller's input: an unknown host, a bad spec, a cut of a host
    /// from itself.
    Invalid(String),
    /// Something failed while building, running or tearing down: a
    /// command, a daemon that exited, a wait that timed out.
    Failed(String),
}

impl Error {
    /// Whether the testbed cannot run here at all (as opposed to failing).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Error::Unavailable(_))
    }

    /// The message, without the kind.
    pub fn message(&self) -> &str {
        match self {
            Error::Unavailable(m) | Error::Invalid(m) | Error::Failed(m) => m,
        }
    }

    /// The same error, its message prefixed with what was being done.
    pub(crate) fn context(self, what: &str) -> Error {
        match self {
            Error::Unavailable(m) => Error::Unavailable(format!("{what}: {m}")),
            Error::Invalid(m) => Error::Invalid(format!("{what}: {m}")),
            Error::Failed(m) => Error::Failed(format!("{what}: {m}")),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Unavailable(m) => write!(f, "the testbed cannot run here: {m}"),
            Error::Invalid(m) => write!(f, "invalid testbed request: {m}"),
            Error::Failed(m) => write!(f, "testbed: {m}"),
        }
    }
}

impl std::error::Error for Error {}

/// The crate's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An I/O error on `path`, as a failure naming both.
pub(crate) fn io(what: &str, path: &std::path::Path, error: std::io::Error) -> Error {
    Error::Failed(format!("{what} {}: {error}", path.display()))
}
