//! The operator step of the reference example (`examples/reserve_cluster.rs`):
//! dynamic reservations on a four-agent cluster through the master's
//! operator API, with the typed client [`mesos_native::operator::Master`]
//! (GET_AGENTS, RESERVE_RESOURCES, UNRESERVE_RESOURCES).
//!
//! With agents ordered by port (agent 0 = the lowest, e.g. 5051), each
//! agent's cpus, mem and disk are reserved to the tenant of [`PLAN`], half
//! of them refined to its sub-role; ports and other resources stay
//! unreserved. [`Operator::reserve_cluster`] leaves an agent that already
//! holds that alone (so running it again changes nothing) and clears one
//! that holds anything else first; [`Operator::unreserve_cluster`] removes
//! every dynamic reservation on those agents, innermost first.

use std::collections::BTreeMap;

use mesos_native::operator::{Master, OperatorErrorKind};
use mesos_native::proto::v1::resource::reservation_info;
use mesos_native::proto::v1::{AgentId, Resource};
use mesos_native::resources::{dynamic_reservation, push_reservation, scalar};

/// A level-one role, and the sub-role half of its reservation is refined
/// to.
pub type Roles = (&'static str, &'static str);

/// The roles of agents 0..4.
pub const PLAN: [Roles; 4] = [
    ("tenant1", "tenant1/private"),
    ("tenant1", "tenant1/public"),
    ("tenant2", "tenant2/private"),
    ("tenant2", "tenant2/public"),
];

/// The resources reserved; ports and others stay unreserved.
pub const RESERVED: [&str; 3] = ["cpus", "mem", "disk"];

/// The master's operator API, and the principal the reservations are made
/// by.
pub struct Operator {
    master: Master,
    /// The master as the user named it, for messages.
    address: String,
    /// The principal the reservations are made by, when authenticated.
    principal: Option<String>,
}

/// One agent as the operator API reports it.
struct Agent {
    id: AgentId,
    port: i32,
    hostname: String,
    total: Vec<Resource>,
}

/// Amount per (resource name, reservation stack of roles).
type Holdings = BTreeMap<(String, Vec<String>), f64>;

impl Operator {
    /// Reservations through the master at `address` (`HOST:PORT`,
    /// `http://HOST:PORT` or `zk://HOST:PORT/PATH`), authenticating with
    /// `credential` (principal, secret) if given; the reservations are
    /// then made by that principal.
    pub fn new(address: &str, credential: Option<(String, String)>) -> Result<Self, String> {
        let mut master = Master::builder(address);
        if let Some((principal, secret)) = &credential {
            master = master.credentials(principal.as_str(), secret.as_str());
        }
        Ok(Self {
            master: master.build().map_err(|e| e.to_string())?,
            address: address.to_string(),
            principal: credential.map(|(principal, _)| principal),
        })
    }

    /// Reserves every agent of the plan as [`PLAN`] says, one line to
    /// `report` per agent: what it did, or that the agent already held
    /// that.
    pub fn reserve_cluster(&self, mut report: impl FnMut(&str)) -> Result<(), String> {
        for (label, agent, roles) in self.planned_agents()? {
            let current = holdings(&agent.total);
            let mut totals = BTreeMap::new();
            for ((name, _), amount) in &current {
                *totals.entry(name.clone()).or_insert(0.0) += amount;
            }
            let wanted = target(&totals, roles);
            if same(&current, &wanted) {
                report(&format!(
                    "{label}: already reserved to {} with half refined to {}",
                    roles.0, roles.1
                ));
                continue;
            }
            if current.keys().any(|(_, stack)| !stack.is_empty()) {
                let popped = self.unreserve_all(agent.port)?;
                report(&format!(
                    "{label}: cleared {popped} reservation level(s) that did not match the plan"
                ));
            }
            self.reserve(&agent, &totals, &[roles.0])?;
            let halves: BTreeMap<String, f64> = wanted
                .iter()
                .filter(|((_, stack), _)| stack.len() == 2)
                .map(|((name, _), v)| (name.clone(), *v))
                .collect();
            self.reserve(&agent, &halves, &[roles.0, roles.1])?;
            let summary: Vec<String> = totals
                .iter()
                .map(|(name, total)| format!("{name}:{total}"))
                .collect();
            report(&format!(
                "{label}: reserved {} to {}, half refined to {}",
                summary.join(";"),
                roles.0,
                roles.1
            ));
        }
        Ok(())
    }

    /// Removes every dynamic reservation on the plan's agents, innermost
    /// first, one line to `report` per agent.
    pub fn unreserve_cluster(&self, mut report: impl FnMut(&str)) -> Result<(), String> {
        for (label, agent, _) in self.planned_agents()? {
            let popped = self.unreserve_all(agent.port)?;
            report(&format!("{label}: {popped} reservation level(s) removed"));
        }
        Ok(())
    }

    /// The agents the plan covers, ordered by port, with their line's
    /// label and their roles; an error if there are too few.
    fn planned_agents(&self) -> Result<Vec<(String, Agent, Roles)>, String> {
        log::info!("asking the master at {} for its agents", self.address);
        let agents = self.agents()?;
        if agents.len() < PLAN.len() {
            return Err(format!(
                "the master at {} has {} active agent(s); this plan needs {} (start them with \
                 scripts/local-cluster.sh up)",
                self.address,
                agents.len(),
                PLAN.len()
            ));
        }
        Ok(agents
            .into_iter()
            .zip(PLAN)
            .enumerate()
            .map(|(index, (agent, roles))| {
                let label = format!("agent {index} ({}:{})", agent.hostname, agent.port);
                (label, agent, roles)
            })
            .collect())
    }

    /// What went wrong with a call, and what to do about it.
    fn explain(&self, error: mesos_native::Error) -> String {
        let mesos_native::Error::Operator(error) = error else {
            return error.to_string();
        };
        match &error.kind {
            OperatorErrorKind::Status { status: 401, body } => format!(
                "{} answered 401 to {}: {}\nthe master requires HTTP authentication and refused \
                 {}: pass --principal with MESOS_SECRET or --secret-file",
                error.endpoint,
                error.call,
                body.trim(),
                if self.principal.is_some() {
                    "these credentials"
                } else {
                    "a request without credentials"
                }
            ),
            // The error says it: the principal is known, the ACLs refuse.
            _ => error.to_string(),
        }
    }

    fn agents(&self) -> Result<Vec<Agent>, String> {
        log::debug!("operator API call: GET_AGENTS");
        let answer = self.master.get_agents().map_err(|e| self.explain(e))?;
        let mut agents = answer
            .agents
            .into_iter()
            .filter(|agent| agent.active)
            .map(|agent| {
                let info = agent.agent_info;
                let id = info.id.clone().ok_or_else(|| {
                    format!(
                        "the master lists agent {}:{} without an id",
                        info.hostname,
                        info.port()
                    )
                })?;
                Ok(Agent {
                    id,
                    port: info.port(),
                    hostname: info.hostname,
                    total: agent.total_resources,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        agents.sort_by_key(|agent| (agent.port, agent.hostname.clone()));
        Ok(agents)
    }

    /// `amount` of resource `name`, reserved for the roles of `stack` in
    /// turn (each refining the one before), by the principal.
    fn reserved(&self, name: &str, amount: f64, stack: &[&str]) -> Result<Resource, String> {
        let mut resource = scalar(name, amount);
        for role in stack {
            let reservation = dynamic_reservation(role, self.principal.as_deref());
            push_reservation(&mut resource, reservation).map_err(|e| e.to_string())?;
        }
        mesos_native::v1::evolve(&resource).map_err(|e| e.to_string())
    }

    fn reserve(
        &self,
        agent: &Agent,
        amounts: &BTreeMap<String, f64>,
        stack: &[&str],
    ) -> Result<(), String> {
        let resources = amounts
            .iter()
            .map(|(name, amount)| self.reserved(name, *amount, stack))
            .collect::<Result<Vec<_>, String>>()?;
        log::debug!(
            "operator API call: RESERVE_RESOURCES on agent {}: {resources:?}",
            agent.id.value
        );
        self.master
            .reserve_resources(&agent.id, resources)
            .map_err(|e| {
                format!(
                    "reserving {} on agent {}: {}",
                    stack.join(" -> "),
                    agent.port,
                    self.explain(e)
                )
            })
    }

    /// Pops dynamic reservations, innermost first, until none is left.
    fn unreserve_all(&self, agent_port: i32) -> Result<usize, String> {
        let mut popped = 0;
        loop {
            let agent = self
                .agents()?
                .into_iter()
                .find(|agent| agent.port == agent_port)
                .ok_or_else(|| format!("agent on port {agent_port} disappeared"))?;
            let deepest = agent.total.iter().map(dynamic_depth).max().unwrap_or(0);
            if deepest == 0 {
                return Ok(popped);
            }
            // As the master reports them: UNRESERVE_RESOURCES pops the last
            // reservation of each.
            let resources: Vec<Resource> = agent
                .total
                .into_iter()
                .filter(|r| dynamic_depth(r) == deepest)
                .collect();
            log::debug!(
                "operator API call: UNRESERVE_RESOURCES on agent {}: {resources:?}",
                agent.id.value
            );
            self.master
                .unreserve_resources(&agent.id, resources)
                .map_err(|e| {
                    format!(
                        "unreserving on agent {agent_port} (are tasks still using the \
                         resources?): {}",
                        self.explain(e)
                    )
                })?;
            popped += 1;
        }
    }
}

/// How many reservations a resource carries if one of them is dynamic (0
/// if none is).
fn dynamic_depth(resource: &Resource) -> usize {
    let stack = &resource.reservations;
    if stack
        .iter()
        .any(|r| r.r#type() == reservation_info::Type::Dynamic)
    {
        stack.len()
    } else {
        0
    }
}

fn holdings(total: &[Resource]) -> Holdings {
    let mut holdings = Holdings::new();
    for resource in total {
        let Some(amount) = resource.scalar.as_ref().map(|scalar| scalar.value) else {
            continue;
        };
        if !RESERVED.contains(&resource.name.as_str()) {
            continue;
        }
        let stack: Vec<String> = resource
            .reservations
            .iter()
            .map(|r| r.role().to_string())
            .collect();
        *holdings.entry((resource.name.clone(), stack)).or_default() += amount;
    }
    holdings
}

/// What agent `index` should hold, given its total amounts.
fn target(totals: &BTreeMap<String, f64>, (tenant, sub): Roles) -> Holdings {
    let mut target = Holdings::new();
    for (name, total) in totals {
        let half = (total / 2.0 * 1000.0).round() / 1000.0;
        target.insert((name.clone(), vec![tenant.to_string()]), total - half);
        target.insert(
            (name.clone(), vec![tenant.to_string(), sub.to_string()]),
            half,
        );
    }
    target
}

fn same(a: &Holdings, b: &Holdings) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|((ka, va), (kb, vb))| ka == kb && (va - vb).abs() < 1e-6)
}
