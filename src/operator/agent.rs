//! [`Agent`]: a typed client of an agent's operator API.

use std::sync::Arc;

use super::builder::Builder;
use super::client::Client;
use crate::error::Result;
use crate::proto::v1::agent::{call, response, Call, Response};
use crate::proto::v1::{Flag, VersionInfo};

/// A client of a Mesos agent's operator API (`/api/v1` on the agent's
/// port): typed methods for the common reads, [`call`](Self::call) for
/// any other call. Blocking, protobuf over HTTP/1.1, each call bounded by
/// the builder's timeout, as [`Master`](super::Master).
///
/// ```no_run
/// use mesos_native::operator::Agent;
///
/// let agent = Agent::new("127.0.0.1:5051")?;
/// let state = agent.get_state()?;
/// let running = state.get_tasks.map_or(0, |tasks| tasks.launched_tasks.len());
/// println!("{running} task(s) running");
/// # Ok::<(), mesos_native::Error>(())
/// ```
#[derive(Clone)]
pub struct Agent {
    client: Arc<Client>,
}

/// What an agent answers, for errors.
const WHAT: &str = "agent Response";

impl Agent {
    /// A client of the agent at `address`, with the default settings:
    /// `HOST[:PORT]` (port 5051 if none) or `http://HOST:PORT`.
    pub fn new(address: &str) -> Result<Self> {
        Self::builder(address).build()
    }

    /// Settings first: credentials, timeout.
    pub fn builder(address: impl Into<String>) -> Builder<Agent> {
        Builder::new(address.into())
    }

    pub(crate) fn from_client(client: Client) -> Self {
        Self {
            client: Arc::new(client),
        }
    }

    /// Sends any call; the agent's answer, or an empty `Response` (type
    /// `UNKNOWN`) for the calls answered with no body. Not for the calls
    /// that stream (ATTACH_CONTAINER_INPUT/OUTPUT and the nested container
    /// session).
    pub fn call(&self, call: Call) -> Result<Response> {
        let name = call.r#type().as_str_name();
        self.client
            .ask(name, &call, WHAT)
            .map(|(response, _)| response)
    }

    /// [`call`](Self::call), answered later, as every later answer of the
    /// crate is: a [`Completion`](crate::Completion) to `.await` (any
    /// runtime) or to [`wait`](crate::Completion::wait) on. The call runs
    /// on a thread of its own, within the client's timeout.
    pub fn call_async(&self, call: Call) -> crate::Completion<Response> {
        let client = self.clone();
        let what = format!(
            "{} call to {}",
            call.r#type().as_str_name(),
            self.client.address()
        );
        crate::Completion::on_thread(
            crate::boundary::Described {
                what,
                hint: "the client's own timeout ends it; is the agent reachable?",
            },
            move || client.call(call),
        )
    }

    /// Sends `call` and returns the agent's answer as JSON text: for
    /// reading by eye while debugging.
    pub fn call_json(&self, call: &Call) -> Result<String> {
        self.client.json(call.r#type().as_str_name(), call)
    }

    /// GET_HEALTH: whether the agent says it is healthy.
    pub fn get_health(&self) -> Result<bool> {
        self.get(call::Type::GetHealth, |r| r.get_health)
            .map(|health| health.healthy)
    }

    /// GET_FLAGS: the agent's command-line flags, with their values.
    pub fn get_flags(&self) -> Result<Vec<Flag>> {
        self.get(call::Type::GetFlags, |r| r.get_flags)
            .map(|flags| flags.flags)
    }

    /// GET_VERSION: the agent's Mesos version and build.
    pub fn get_version(&self) -> Result<VersionInfo> {
        self.get(call::Type::GetVersion, |r| r.get_version)
            .map(|version| version.version_info)
    }

    /// GET_STATE: the agent's frameworks, executors and tasks.
    pub fn get_state(&self) -> Result<response::GetState> {
        self.get(call::Type::GetState, |r| r.get_state)
    }

    /// GET_AGENT: the agent's own `AgentInfo` (and its draining, if any).
    pub fn get_agent(&self) -> Result<response::GetAgent> {
        self.get(call::Type::GetAgent, |r| r.get_agent)
    }

    /// GET_CONTAINERS: the agent's containers, with their status and
    /// resource usage.
    pub fn get_containers(&self) -> Result<response::GetContainers> {
        // An agent without containers answers a GET_CONTAINERS response
        // without the field (Mesos's `evolve` creates it with the first
        // container): that is an empty list, not a bad answer.
        self.get(call::Type::GetContainers, |r| {
            (r.r#type() == response::Type::GetContainers)
                .then(|| r.get_containers.unwrap_or_default())
        })
    }

    fn get<T>(&self, kind: call::Type, pick: impl FnOnce(Response) -> Option<T>) -> Result<T> {
        let mut call = Call::default();
        call.set_type(kind);
        self.client.get(kind.as_str_name(), &call, WHAT, pick)
    }
}

impl std::fmt::Debug for Agent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Agent")
            .field("address", &self.client.address())
            .finish_non_exhaustive()
    }
}
