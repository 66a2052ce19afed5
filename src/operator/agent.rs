//! [`Agent`]: a typed client of an agent's operator API.

use std::sync::Arc;

use super::builder::Builder;
use super::client::Client;
use super::error::OperatorErrorKind;
use crate::error::{Error, Result};
use crate::features;
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
    ///
    /// A resource provider's CSI plugin without a `name` is refused by an
    /// agent older than 1.11.0 as a body that does not parse: that answer
    /// comes back as [`Error::Unsupported`](crate::Error::Unsupported),
    /// naming the field and the agent's release.
    pub fn call(&self, call: Call) -> Result<Response> {
        let name = call.r#type().as_str_name();
        match self.client.ask(name, &call, WHAT) {
            Ok((response, _)) => Ok(response),
            Err(error) if has_unnamed_csi_plugin(&call) && is_unparsed_body(&error) => {
                Err(self.explain_unnamed_csi_plugin(error))
            }
            Err(error) => Err(error),
        }
    }

    /// `error`, the agent's refusal of a call with an unnamed CSI plugin,
    /// as [`Error::Unsupported`] if the agent is older than 1.11.0 (asked
    /// with `GET_VERSION`); otherwise, or if it won't say, `error` itself.
    fn explain_unnamed_csi_plugin(&self, error: Error) -> Error {
        let version = self.get_version().ok().map(|info| info.version);
        let running = version.as_deref().and_then(features::parse);
        match features::require(&features::UNNAMED_CSI_PLUGINS, running) {
            Err(unsupported) => unsupported,
            Ok(()) => error,
        }
    }

    /// [`call`](Self::call), answered later, as every later answer of the
    /// crate is: a [`Completion`](crate::Completion) to `.await` (any
    /// runtime) or to [`wait`](crate::Completion::wait) on. The call runs
    /// on a thread of its own, within the client's timeout.
    pub fn call_async(&self, call: Call) -> crate::Completion<Response> {
        let client = self.clone();
        self.client.later(
            call.r#type().as_str_name(),
            "the client's own timeout ends it; is the agent reachable?",
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

/// Whether `call` configures a resource provider whose CSI plugin has no
/// `name` (what Mesos 1.10 requires and later releases default).
fn has_unnamed_csi_plugin(call: &Call) -> bool {
    let info = call
        .add_resource_provider_config
        .as_ref()
        .map(|add| &add.info)
        .or(call
            .update_resource_provider_config
            .as_ref()
            .map(|update| &update.info));
    info.and_then(|info| info.storage.as_ref())
        .is_some_and(|storage| storage.plugin.name.is_none())
}

/// The answer an agent gives a body it cannot parse: HTTP 400, "Failed to
/// parse body ...".
fn is_unparsed_body(error: &Error) -> bool {
    matches!(
        error,
        Error::Operator(operator) if matches!(
            &operator.kind,
            OperatorErrorKind::Status { status: 400, body } if body.starts_with("Failed to parse body")
        )
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operator::OperatorError;
    use crate::proto::v1::{resource_provider_info, CsiPluginInfo, ResourceProviderInfo};

    fn update_config(plugin_name: Option<&str>) -> Call {
        Call {
            update_resource_provider_config: Some(call::UpdateResourceProviderConfig {
                info: ResourceProviderInfo {
                    storage: Some(resource_provider_info::Storage {
                        plugin: CsiPluginInfo {
                            name: plugin_name.map(str::to_string),
                            ..Default::default()
                        },
                        ..Default::default()
                    }),
                    ..Default::default()
                },
            }),
            ..Default::default()
        }
    }

    fn answered(status: u16, body: &str) -> Error {
        Error::Operator(OperatorError::new(
            "http://127.0.0.1:5051/api/v1",
            "UPDATE_RESOURCE_PROVIDER_CONFIG",
            OperatorErrorKind::Status {
                status,
                body: body.into(),
            },
        ))
    }

    #[test]
    fn only_a_provider_config_whose_plugin_has_no_name_is_suspect() {
        assert!(has_unnamed_csi_plugin(&update_config(None)));
        assert!(!has_unnamed_csi_plugin(&update_config(Some("default"))));
        assert!(!has_unnamed_csi_plugin(&Call::default()));
    }

    #[test]
    fn only_an_unparsable_body_is_explained() {
        let unparsed = "Failed to parse body into a protobuf object";
        assert!(is_unparsed_body(&answered(400, unparsed)));
        assert!(!is_unparsed_body(&answered(
            400,
            "Failed to validate resource provider config"
        )));
        assert!(!is_unparsed_body(&answered(500, unparsed)));
    }
}
