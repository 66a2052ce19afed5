//! What a master's and an agent's client share: where to send a call, the
//! redirects from a master that does not lead to the one that does, and
//! the errors that name the endpoint and the call.

use std::sync::Mutex;

use prost::Message;

use super::address::{self, Address, Origin};
use super::error::{Failure, OperatorError, OperatorErrorKind};
use super::leader::{self, LookupError};
use super::transport::{Accept, Streamed, Transport};
use crate::error::{Error, Result};

/// How many redirects one call follows. A non-leading master names the
/// leader it knows, so one is the rule; a few more ride out an election.
const MAX_REDIRECTS: usize = 4;

/// Where the calls of one client go, and how.
pub(crate) struct Client {
    address: Address,
    transport: Transport,
    /// The master that answered last (after redirects), where the next
    /// call goes first; `None` until one has, or after it failed.
    answered_last: Mutex<Option<Origin>>,
    /// The scheme of masters found in ZooKeeper (which knows no scheme).
    scheme: &'static str,
}

/// One exchange's outcome, for the redirect loop.
enum Step<T> {
    Done(T),
    Redirect(Option<String>),
    Refused { status: u16, body: Vec<u8> },
}

impl Client {
    pub(crate) fn new(address: Address, transport: Transport, scheme: &'static str) -> Self {
        Self {
            address,
            transport,
            answered_last: Mutex::new(None),
            scheme,
        }
    }

    pub(crate) fn transport(&self) -> &Transport {
        &self.transport
    }

    /// POSTs `body` as `call`; the 2xx answer's body, and the URL that
    /// gave it.
    pub(crate) fn post(
        &self,
        call: &'static str,
        body: &[u8],
        accept: Accept,
    ) -> Result<(Vec<u8>, String)> {
        self.exchange(call, |url| {
            let answer = self.transport.post(url, body, accept)?;
            Ok(step(answer.status, answer.location, answer.body))
        })
    }

    /// Sends `call` (of type `name`) and decodes the answer as `R` (an
    /// empty answer is `R::default()`); with the URL that gave it. `what`
    /// names `R` for errors, e.g. `master Response`.
    pub(crate) fn ask<R: Message + Default>(
        &self,
        name: &'static str,
        call: &impl Message,
        what: &str,
    ) -> Result<(R, String)> {
        let (body, url) = self.post(name, &call.encode_to_vec(), Accept::Protobuf)?;
        match R::decode(body.as_slice()) {
            Ok(answer) => Ok((answer, url)),
            Err(error) => {
                let reason = format!(
                    "{} bytes that are not a {what} ({error}): is Mesos listening there?",
                    body.len()
                );
                Err(OperatorError::new(url, name, OperatorErrorKind::BadAnswer { reason }).into())
            }
        }
    }

    /// [`ask`](Self::ask), for a call whose result is the field `pick`
    /// takes out of the answer.
    pub(crate) fn get<R: Message + Default, T>(
        &self,
        name: &'static str,
        call: &impl Message,
        what: &str,
        pick: impl FnOnce(R) -> Option<T>,
    ) -> Result<T> {
        let (answer, url) = self.ask(name, call, what)?;
        pick(answer).ok_or_else(|| {
            let reason = format!("a {what} without the result of {name}");
            OperatorError::new(url, name, OperatorErrorKind::BadAnswer { reason }).into()
        })
    }

    /// Sends a call that only acts: its answer has no body worth reading.
    pub(crate) fn act(&self, name: &'static str, call: &impl Message) -> Result<()> {
        self.post(name, &call.encode_to_vec(), Accept::Protobuf)
            .map(drop)
    }

    /// Sends `call` asking for JSON; the answer's text.
    pub(crate) fn json(&self, name: &'static str, call: &impl Message) -> Result<String> {
        let (body, _) = self.post(name, &call.encode_to_vec(), Accept::Json)?;
        Ok(String::from_utf8_lossy(&body).into_owned())
    }

    /// `work`, a call named `name`, answered later on a thread of its own:
    /// what both clients' `call_async` return. `hint` says what to check
    /// when no answer comes.
    pub(crate) fn later<T: Send + 'static>(
        &self,
        name: &str,
        hint: &'static str,
        work: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> crate::Completion<T> {
        let what = format!("{name} call to {}", self.address());
        crate::Completion::on_thread(crate::boundary::Described { what, hint }, work)
    }

    /// The address the client was given, for `Debug`.
    pub(crate) fn address(&self) -> String {
        self.address.to_string()
    }

    /// POSTs `body` as `call` and keeps reading the 2xx answer as a
    /// stream; the stream, and the URL that opened it.
    pub(crate) fn open_stream(
        &self,
        call: &'static str,
        body: &[u8],
    ) -> Result<(Box<dyn std::io::Read + Send>, String)> {
        self.exchange(call, |url| {
            let answer = self.transport.open_stream(url, body)?;
            Ok(match answer.body {
                Streamed::Open(reader) => Step::Done(reader),
                // Never a 2xx: the transport opens those.
                Streamed::Refused(_) if is_redirect(answer.status) => {
                    Step::Redirect(answer.location)
                }
                Streamed::Refused(body) => Step::Refused {
                    status: answer.status,
                    body,
                },
            })
        })
    }

    /// Runs `send` against the master that answered last (or the one the
    /// address names), follows redirects, and retries once from the
    /// address when a remembered master has gone away.
    fn exchange<T>(
        &self,
        call: &'static str,
        mut send: impl FnMut(&str) -> std::result::Result<Step<T>, Failure>,
    ) -> Result<(T, String)> {
        let remembered = self.remembered().clone();
        if let Some(origin) = remembered {
            match self.follow(call, origin, &mut send) {
                // The master that led may be gone: start over below.
                Err(Error::Operator(OperatorError {
                    kind: OperatorErrorKind::Transport { .. },
                    ..
                })) => {
                    log::info!(
                        "operator API: the master that answered last did not take {call}; \
                         looking for the leader again"
                    );
                    *self.remembered() = None;
                }
                done => return done,
            }
        }
        let origin = self.first_origin(call)?;
        self.follow(call, origin, &mut send)
    }

    /// The master that answered last; a poisoned lock still holds a valid
    /// `Option` (nothing panics while holding it).
    fn remembered(&self) -> std::sync::MutexGuard<'_, Option<Origin>> {
        self.answered_last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Where a call goes when no master is remembered.
    fn first_origin(&self, call: &'static str) -> Result<Origin> {
        match &self.address {
            Address::Http(origin) => Ok(origin.clone()),
            Address::ZooKeeper(zookeeper) => {
                leader::leading_master(zookeeper, self.scheme, self.transport.timeout()).map_err(
                    |error| match error {
                        LookupError::Native(error) => error,
                        LookupError::Kind(kind) => {
                            OperatorError::new(self.address.to_string(), call, kind).into()
                        }
                    },
                )
            }
        }
    }

    fn follow<T>(
        &self,
        call: &'static str,
        mut origin: Origin,
        send: &mut impl FnMut(&str) -> std::result::Result<Step<T>, Failure>,
    ) -> Result<(T, String)> {
        let mut chain = vec![origin.authority().to_string()];
        loop {
            let url = origin.api();
            let error = |kind| Error::from(OperatorError::new(url.clone(), call, kind));
            match send(&url).map_err(|failure| failure.error(url.clone(), call))? {
                Step::Done(answer) => {
                    *self.remembered() = Some(origin);
                    return Ok((answer, url));
                }
                Step::Refused { status, body } => {
                    return Err(error(OperatorErrorKind::Status {
                        status,
                        body: String::from_utf8_lossy(&body).into_owned(),
                    }))
                }
                Step::Redirect(location) => {
                    let location = location.ok_or_else(|| {
                        error(OperatorErrorKind::BadAnswer {
                            reason: "a redirect without a Location".into(),
                        })
                    })?;
                    let next = address::redirect(&origin, &location)
                        .map_err(|reason| error(OperatorErrorKind::BadAnswer { reason }))?;
                    let seen = chain.iter().any(|hop| hop == next.authority());
                    chain.push(next.authority().to_string());
                    if seen || chain.len() > MAX_REDIRECTS + 1 {
                        return Err(error(OperatorErrorKind::Redirects { chain }));
                    }
                    log::debug!("operator API: {call} redirected from {url} to {location}");
                    origin = next;
                }
            }
        }
    }
}

/// Sorts an answer into done, redirect or refusal.
fn step(status: u16, location: Option<String>, body: Vec<u8>) -> Step<Vec<u8>> {
    match status {
        200..=299 => Step::Done(body),
        status if is_redirect(status) => Step::Redirect(location),
        status => Step::Refused { status, body },
    }
}

fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

impl From<OperatorError> for Error {
    fn from(error: OperatorError) -> Self {
        Error::Operator(error)
    }
}
