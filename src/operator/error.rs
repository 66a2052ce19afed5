//! [`OperatorError`]: what went wrong with one call to a master's or an
//! agent's operator API, always naming the endpoint and the call.

use std::fmt;
use std::time::Duration;

use crate::error::Error;

/// A failed operator API call (inside [`Error::Operator`](crate::Error::Operator)).
/// A call that got no answer in time is [`Error::TimedOut`](crate::Error::TimedOut)
/// instead, as every wait of the crate is.
///
/// ```
/// use mesos_native::operator::{OperatorError, OperatorErrorKind};
///
/// let error = OperatorError::new(
///     "http://127.0.0.1:5050/api/v1",
///     "RESERVE_RESOURCES",
///     OperatorErrorKind::Status { status: 409, body: "Insufficient resources".into() },
/// );
/// assert_eq!(
///     error.to_string(),
///     "http://127.0.0.1:5050/api/v1 answered RESERVE_RESOURCES with HTTP 409: Insufficient resources"
/// );
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub struct OperatorError {
    /// The URL the call went to last, e.g. `http://10.0.0.1:5050/api/v1`
    /// (after any redirect), or the `zk://` address it was to resolve.
    pub endpoint: String,
    /// The call, as the API names its type, e.g. `GET_STATE`.
    pub call: &'static str,
    /// What went wrong.
    pub kind: OperatorErrorKind,
}

/// What went wrong with an operator API call.
#[derive(Debug)]
#[non_exhaustive]
pub enum OperatorErrorKind {
    /// The endpoint answered with a status other than 2xx (redirects are
    /// followed first).
    Status {
        /// The HTTP status, e.g. 401.
        status: u16,
        /// The body of the answer, where Mesos says why.
        body: String,
    },
    /// Connecting, sending or receiving failed.
    Transport {
        /// The HTTP client's error (connection refused, reset...).
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Redirects from master to master did not end at a leader: they went
    /// in a circle, or further than the client follows.
    Redirects {
        /// Every address visited, in order, the repeated one last.
        chain: Vec<String>,
    },
    /// The answer is not what the API promises: not a protobuf of the
    /// expected message, a response of another type, a malformed RecordIO
    /// record on an event stream, or a redirect without a usable location.
    BadAnswer {
        /// What was wrong with it.
        reason: String,
    },
    /// No leading master could be found in ZooKeeper.
    NoLeader {
        /// Why: nobody leads, ZooKeeper did not answer, or the leader's
        /// data did not parse.
        reason: String,
    },
}

impl OperatorError {
    /// An error of `call` to `endpoint`.
    pub fn new(endpoint: impl Into<String>, call: &'static str, kind: OperatorErrorKind) -> Self {
        Self {
            endpoint: endpoint.into(),
            call,
            kind,
        }
    }

    /// The HTTP status, when the endpoint answered with an error status.
    pub fn status(&self) -> Option<u16> {
        match self.kind {
            OperatorErrorKind::Status { status, .. } => Some(status),
            _ => None,
        }
    }
}

/// What an error status usually means for an operator, when Mesos's own
/// body does not say it plainly.
fn status_hint(status: u16) -> &'static str {
    match status {
        401 => {
            " (the endpoint authenticates HTTP requests: give a principal and its secret with \
             .credentials(), or check them)"
        }
        403 => " (the principal is authenticated, but the endpoint's ACLs do not allow this call)",
        503 => " (no leading master yet: an election may be under way; try again shortly)",
        _ => "",
    }
}

impl fmt::Display for OperatorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (endpoint, call) = (&self.endpoint, self.call);
        match &self.kind {
            OperatorErrorKind::Status { status, body } => {
                let body = body.trim();
                let body = if body.is_empty() { "(no body)" } else { body };
                write!(
                    f,
                    "{endpoint} answered {call} with HTTP {status}: {body}{}",
                    status_hint(*status)
                )
            }
            // The client's error is the `source()`: said once, in a chain.
            OperatorErrorKind::Transport { .. } => write!(
                f,
                "could not reach {endpoint} for {call}: is it running there? check the address \
                 (and the scheme: http:// or https://)"
            ),
            OperatorErrorKind::Redirects { chain } => write!(
                f,
                "{call} was redirected without reaching a leading master: {}; the masters \
                 disagree on who leads (an election under way?), try again",
                chain.join(" -> ")
            ),
            OperatorErrorKind::BadAnswer { reason } => {
                write!(f, "{endpoint} gave a bad answer to {call}: {reason}")
            }
            OperatorErrorKind::NoLeader { reason } => {
                write!(f, "no leading master for {call} at {endpoint}: {reason}")
            }
        }
    }
}

impl std::error::Error for OperatorError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            OperatorErrorKind::Transport { source } => Some(source.as_ref()),
            _ => None,
        }
    }
}

/// How one attempt at a call ended, inside the client: a failure that
/// becomes an [`OperatorError`], or no answer in time, which becomes
/// [`Error::TimedOut`], as every wait of the crate does.
pub(crate) enum Failure {
    Kind(OperatorErrorKind),
    TimedOut(Duration),
}

impl From<OperatorErrorKind> for Failure {
    fn from(kind: OperatorErrorKind) -> Self {
        Failure::Kind(kind)
    }
}

impl Failure {
    /// The crate's error for this failure of `call` to `endpoint`.
    pub(crate) fn error(self, endpoint: String, call: &'static str) -> Error {
        match self {
            Failure::Kind(kind) => Error::Operator(OperatorError::new(endpoint, call, kind)),
            Failure::TimedOut(after) => Error::TimedOut {
                what: format!("{call} call to {endpoint}"),
                after,
                hint: "is it overloaded or unreachable? (a longer timeout is set with \
                       .timeout(), and the event stream's with .event_timeout())",
            },
        }
    }
}
