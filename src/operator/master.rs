//! [`Master`]: a typed client of the master's operator API.

use std::sync::Arc;

use prost::Message;

use super::builder::Builder;
use super::client::Client;
use super::events::Events;
use crate::error::Result;
use crate::proto::v1::master::{call, response, Call, Response};
use crate::proto::v1::VersionInfo;
use crate::proto::v1::{maintenance, AgentId, Flag, FrameworkId, MachineId, Resource, Role};

/// A client of a Mesos master's operator API (`/api/v1`): one typed
/// method per call, [`call`](Self::call) for any other, and the event
/// stream ([`subscribe`](Self::subscribe)).
///
/// Calls are protobuf over HTTP/1.1, blocking, each bounded by the
/// builder's timeout. A master that does not lead answers with a redirect
/// to the one that does; the client follows it (credentials included) and
/// sends the next calls to the leader directly. Given a `zk://` address,
/// it asks the masters' election in ZooKeeper who leads (through
/// libmesos's leader detector, so this needs libmesos).
///
/// Cheap to clone; clones share their connections and the leader they
/// found. `Send + Sync`: one client serves every thread.
///
/// ```no_run
/// use mesos_native::operator::Master;
///
/// let master = Master::new("127.0.0.1:5050")?;
/// for agent in master.get_agents()?.agents {
///     println!("{} has {} resources", agent.agent_info.hostname, agent.total_resources.len());
/// }
/// # Ok::<(), mesos_native::Error>(())
/// ```
#[derive(Clone)]
pub struct Master {
    client: Arc<Client>,
}

impl Master {
    /// A client of the master at `address` with the default settings:
    /// `HOST[:PORT]` (port 5050 if none), `http://HOST:PORT`, or
    /// `zk://HOST:PORT[,HOST:PORT...]/PATH` (the masters' `--zk`).
    pub fn new(address: &str) -> Result<Self> {
        Self::builder(address).build()
    }

    /// Settings first: credentials, timeouts.
    pub fn builder(address: impl Into<String>) -> Builder<Master> {
        Builder::new(address.into())
    }

    pub(crate) fn from_client(client: Client) -> Self {
        Self {
            client: Arc::new(client),
        }
    }

    /// Sends any call; the master's answer, or an empty `Response` (type
    /// `UNKNOWN`) for the calls answered with no body (those that only act,
    /// e.g. RESERVE_RESOURCES). Not for SUBSCRIBE: see
    /// [`subscribe`](Self::subscribe).
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
        self.client.later(
            call.r#type().as_str_name(),
            "the client's own timeout ends it; is the master reachable?",
            move || client.call(call),
        )
    }

    /// Sends `call` and returns the master's answer as JSON text, as
    /// Mesos writes it: for reading by eye while debugging.
    pub fn call_json(&self, call: &Call) -> Result<String> {
        self.client.json(call.r#type().as_str_name(), call)
    }

    /// GET_HEALTH: whether the master says it is healthy.
    pub fn get_health(&self) -> Result<bool> {
        self.get(call::Type::GetHealth, |r| r.get_health)
            .map(|health| health.healthy)
    }

    /// GET_FLAGS: the master's command-line flags, with their values.
    pub fn get_flags(&self) -> Result<Vec<Flag>> {
        self.get(call::Type::GetFlags, |r| r.get_flags)
            .map(|flags| flags.flags)
    }

    /// GET_VERSION: the master's Mesos version and build.
    pub fn get_version(&self) -> Result<VersionInfo> {
        self.get(call::Type::GetVersion, |r| r.get_version)
            .map(|version| version.version_info)
    }

    /// GET_MASTER: the master's own `MasterInfo`, start and election time.
    pub fn get_master(&self) -> Result<response::GetMaster> {
        self.get(call::Type::GetMaster, |r| r.get_master)
    }

    /// GET_STATE: agents, frameworks, executors and tasks, at one moment.
    ///
    /// Tasks of *completed* frameworks are missing from the protobuf
    /// answer of Mesos 1.10 to 1.12: the master's serializer keeps a
    /// completed framework only when the caller may *not* view it (an
    /// inverted check in its read-only handler), so an authorized caller
    /// never gets them; its JSON answer is right. To see how a finished
    /// framework's tasks ended, ask the agents ([`Agent::get_state`](crate::operator::Agent::get_state))
    /// while they keep them, or keep the updates your framework received.
    pub fn get_state(&self) -> Result<response::GetState> {
        self.get(call::Type::GetState, |r| r.get_state)
    }

    /// GET_AGENTS: every registered agent, with its total, allocated and
    /// offered resources (reservations included).
    pub fn get_agents(&self) -> Result<response::GetAgents> {
        self.get(call::Type::GetAgents, |r| r.get_agents)
    }

    /// GET_FRAMEWORKS: the frameworks, active and completed.
    pub fn get_frameworks(&self) -> Result<response::GetFrameworks> {
        self.get(call::Type::GetFrameworks, |r| r.get_frameworks)
    }

    /// GET_TASKS: the tasks, running, unreachable and completed.
    ///
    /// Tasks of *completed* frameworks are missing from the protobuf
    /// answer of Mesos 1.10 to 1.12: the master's serializer keeps a
    /// completed framework only when the caller may *not* view it (an
    /// inverted check in its read-only handler), so an authorized caller
    /// never gets them; its JSON answer is right. To see how a finished
    /// framework's tasks ended, ask the agents ([`Agent::get_state`](crate::operator::Agent::get_state))
    /// while they keep them, or keep the updates your framework received.
    pub fn get_tasks(&self) -> Result<response::GetTasks> {
        self.get(call::Type::GetTasks, |r| r.get_tasks)
    }

    /// GET_ROLES: the roles known to the master, with their weights,
    /// frameworks and resources.
    pub fn get_roles(&self) -> Result<Vec<Role>> {
        self.get(call::Type::GetRoles, |r| r.get_roles)
            .map(|roles| roles.roles)
    }

    /// RESERVE_RESOURCES: reserves `resources` on the agent, each as its
    /// `reservations` say (the last one is the new reservation; a
    /// resource already reserved for the roles before it is refined). To
    /// name the `source` explicitly, send the call with
    /// [`call`](Self::call).
    pub fn reserve_resources(
        &self,
        agent_id: &AgentId,
        resources: impl IntoIterator<Item = Resource>,
    ) -> Result<()> {
        self.act(Call {
            reserve_resources: Some(call::ReserveResources {
                agent_id: agent_id.clone(),
                source: Vec::new(),
                resources: resources.into_iter().collect(),
            }),
            ..typed(call::Type::ReserveResources)
        })
    }

    /// UNRESERVE_RESOURCES: removes the last reservation of each of
    /// `resources` (given as the master reports them, reservations
    /// included).
    pub fn unreserve_resources(
        &self,
        agent_id: &AgentId,
        resources: impl IntoIterator<Item = Resource>,
    ) -> Result<()> {
        self.act(Call {
            unreserve_resources: Some(call::UnreserveResources {
                agent_id: agent_id.clone(),
                resources: resources.into_iter().collect(),
            }),
            ..typed(call::Type::UnreserveResources)
        })
    }

    /// GET_MAINTENANCE_SCHEDULE: the windows in which machines are to go
    /// down.
    pub fn get_maintenance_schedule(&self) -> Result<maintenance::Schedule> {
        self.get(call::Type::GetMaintenanceSchedule, |r| {
            r.get_maintenance_schedule
        })
        .map(|schedule| schedule.schedule)
    }

    /// GET_MAINTENANCE_STATUS: which machines are draining (with the
    /// frameworks' answers to their inverse offers) and which are down.
    pub fn get_maintenance_status(&self) -> Result<maintenance::ClusterStatus> {
        self.get(call::Type::GetMaintenanceStatus, |r| {
            r.get_maintenance_status
        })
        .map(|status| status.status)
    }

    /// UPDATE_MAINTENANCE_SCHEDULE: replaces the whole schedule (an empty
    /// one clears it).
    pub fn update_maintenance_schedule(&self, schedule: maintenance::Schedule) -> Result<()> {
        self.act(Call {
            update_maintenance_schedule: Some(call::UpdateMaintenanceSchedule { schedule }),
            ..typed(call::Type::UpdateMaintenanceSchedule)
        })
    }

    /// START_MAINTENANCE: takes scheduled machines down; their agents are
    /// told to shut down.
    pub fn start_maintenance(&self, machines: impl IntoIterator<Item = MachineId>) -> Result<()> {
        self.act(Call {
            start_maintenance: Some(call::StartMaintenance {
                machines: machines.into_iter().collect(),
            }),
            ..typed(call::Type::StartMaintenance)
        })
    }

    /// STOP_MAINTENANCE: brings machines that are down back up, and takes
    /// them out of the schedule.
    pub fn stop_maintenance(&self, machines: impl IntoIterator<Item = MachineId>) -> Result<()> {
        self.act(Call {
            stop_maintenance: Some(call::StopMaintenance {
                machines: machines.into_iter().collect(),
            }),
            ..typed(call::Type::StopMaintenance)
        })
    }

    /// MARK_AGENT_GONE: the agent is gone for good; its tasks are reported
    /// GONE and it may never register again.
    pub fn mark_agent_gone(&self, agent_id: &AgentId) -> Result<()> {
        self.act(Call {
            mark_agent_gone: Some(call::MarkAgentGone {
                agent_id: agent_id.clone(),
            }),
            ..typed(call::Type::MarkAgentGone)
        })
    }

    /// TEARDOWN: shuts the framework down, killing its tasks.
    pub fn teardown(&self, framework_id: &FrameworkId) -> Result<()> {
        self.act(Call {
            teardown: Some(call::Teardown {
                framework_id: framework_id.clone(),
            }),
            ..typed(call::Type::Teardown)
        })
    }

    /// SUBSCRIBE: the master's event stream, from the leader. See
    /// [`Events`] for how it ends.
    pub fn subscribe(&self) -> Result<Events> {
        let call = typed(call::Type::Subscribe);
        let (reader, endpoint) = self
            .client
            .open_stream("SUBSCRIBE", &call.encode_to_vec())?;
        Ok(Events::new(
            reader,
            endpoint,
            self.client.transport().idle_timeout(),
        ))
    }

    /// A call without arguments, whose result is the field `pick` takes.
    fn get<T>(&self, kind: call::Type, pick: impl FnOnce(Response) -> Option<T>) -> Result<T> {
        self.client
            .get(kind.as_str_name(), &typed(kind), WHAT, pick)
    }

    /// A call that only acts.
    fn act(&self, call: Call) -> Result<()> {
        self.client.act(call.r#type().as_str_name(), &call)
    }
}

/// What a master answers, for errors.
const WHAT: &str = "master Response";

/// A call of `kind`, its arguments still to fill in.
fn typed(kind: call::Type) -> Call {
    let mut call = Call::default();
    call.set_type(kind);
    call
}

impl std::fmt::Debug for Master {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Master")
            .field("address", &self.client.address())
            .finish_non_exhaustive()
    }
}
