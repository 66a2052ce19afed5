//! [`Builder`]: the settings of a [`Master`](super::Master) or
//! [`Agent`](super::Agent) client.

use std::marker::PhantomData;
use std::time::Duration;

use super::address::{self, Address};
use super::client::Client;
use super::transport::Transport;
use super::{Agent, Master};
use crate::error::{Error, Result};

/// How long a call may take, by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How long an event stream may stay silent, by default: three of the
/// master's heartbeats (it sends one every 15 seconds).
pub const DEFAULT_EVENT_TIMEOUT: Duration = Duration::from_secs(45);

/// Settings of a client of `T` ([`Master`] or [`Agent`]), from
/// [`Master::builder`] or [`Agent::builder`].
///
/// ```
/// use std::time::Duration;
/// use mesos_native::operator::Master;
///
/// let master = Master::builder("127.0.0.1:5050")
///     .credentials("ops", "secret")
///     .timeout(Duration::from_secs(10))
///     .build()?;
/// # Ok::<(), mesos_native::Error>(())
/// ```
pub struct Builder<T> {
    address: String,
    credentials: Option<(String, String)>,
    timeout: Duration,
    event_timeout: Duration,
    _client: PhantomData<fn() -> T>,
}

impl<T> Builder<T> {
    pub(crate) fn new(address: String) -> Self {
        Self {
            address,
            credentials: None,
            timeout: DEFAULT_TIMEOUT,
            event_timeout: DEFAULT_EVENT_TIMEOUT,
            _client: PhantomData,
        }
    }

    /// HTTP basic authentication as `principal` (what a master or agent
    /// started with `--authenticate_http_readwrite` or
    /// `--authenticate_http_readonly` and `--http_credentials` asks for).
    /// Sent with every call, redirected ones included.
    pub fn credentials(mut self, principal: impl Into<String>, secret: impl Into<String>) -> Self {
        self.credentials = Some((principal.into(), secret.into()));
        self
    }

    /// How long one request may take, from connecting to the last byte of
    /// the answer (default [`DEFAULT_TIMEOUT`]); a redirected call makes
    /// one request per master, each with this limit. For an event stream
    /// it bounds the subscription, not the stream.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    fn client(self, default_port: u16, allow_zookeeper: bool) -> Result<Client> {
        if self.timeout.is_zero() || self.event_timeout.is_zero() {
            return Err(Error::InvalidArgument {
                what: "operator API timeout",
                reason: "it is zero: no call could be answered".into(),
            });
        }
        let address = address::parse(&self.address, default_port)?;
        if matches!(address, Address::ZooKeeper(_)) && !allow_zookeeper {
            return Err(Error::InvalidArgument {
                what: "operator API address",
                reason: format!(
                    "'{}' is a ZooKeeper address, which names masters: give the agent's \
                     HOST:PORT",
                    self.address
                ),
            });
        }
        let credentials = self
            .credentials
            .as_ref()
            .map(|(principal, secret)| (principal.as_str(), secret.as_str()));
        let transport = Transport::new(self.timeout, self.event_timeout, credentials);
        Ok(Client::new(address, transport, "http"))
    }
}

impl Builder<Master> {
    /// How long the event stream of [`Master::subscribe`] may stay silent,
    /// not even a heartbeat, before it counts as lost (default
    /// [`DEFAULT_EVENT_TIMEOUT`]).
    pub fn event_timeout(mut self, timeout: Duration) -> Self {
        self.event_timeout = timeout;
        self
    }

    /// The client; an error if the address or a setting is unusable. Does
    /// not connect: the first call does.
    pub fn build(self) -> Result<Master> {
        Ok(Master::from_client(self.client(5050, true)?))
    }
}

impl Builder<Agent> {
    /// The client; an error if the address or a setting is unusable. Does
    /// not connect: the first call does.
    pub fn build(self) -> Result<Agent> {
        Ok(Agent::from_client(self.client(5051, false)?))
    }
}

/// Never prints the secret.
impl<T> std::fmt::Debug for Builder<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Builder")
            .field("address", &self.address)
            .field(
                "principal",
                &self.credentials.as_ref().map(|(principal, _)| principal),
            )
            .field("timeout", &self.timeout)
            .field("event_timeout", &self.event_timeout)
            .finish()
    }
}
