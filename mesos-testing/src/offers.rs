//! Offers as a master sends them: [`OfferBuilder`] for one offer,
//! [`next_offer`] for the offer of the same agent after a scheduler's
//! operations, and [`reference_cluster`] for the four agents of the
//! reference framework.
//!
//! Builders panic, with what was wrong, on resource text that does not
//! parse or a reservation Mesos would refuse: they build test fixtures,
//! and a bad fixture is a bug in the test.

use std::sync::atomic::{AtomicU64, Ordering};

use mesos_native::proto::offer::operation::Type as OperationType;
use mesos_native::proto::{offer, FrameworkId, Offer, OfferId, Resource, SlaveId};
use mesos_native::resources::{dynamic_reservation, Resources, ResourcesError};

/// Offer ids `offer-1`, `offer-2`... unique in the test process.
fn fresh_offer_id() -> OfferId {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    OfferId {
        value: format!("offer-{}", NEXT.fetch_add(1, Ordering::Relaxed)),
    }
}

/// One offer of one agent.
///
/// ```
/// use mesos_native_testing::offers::OfferBuilder;
///
/// // Half an agent reserved to `tenant1`, the other half refined to
/// // `tenant1/private`, offered to a framework in a role below both.
/// let offer = OfferBuilder::new("agent-0")
///     .reserved("cpus:0.5;mem:512", &["tenant1"])
///     .reserved("cpus:0.5;mem:512", &["tenant1", "tenant1/private"])
///     .allocated_to("tenant1/private/test-framework")
///     .build();
/// let resources = mesos_native::Resources::from(offer.resources);
/// assert_eq!(resources.reserved(Some("tenant1/private")).cpus(), Some(0.5));
/// ```
pub struct OfferBuilder {
    offer: Offer,
    resources: Resources,
    role: Option<String>,
}

impl OfferBuilder {
    /// An empty offer from agent `agent` (also its hostname) to framework
    /// `framework-0`, with a fresh id.
    pub fn new(agent: &str) -> Self {
        Self {
            offer: Offer {
                id: fresh_offer_id(),
                framework_id: FrameworkId {
                    value: "framework-0".into(),
                },
                slave_id: SlaveId {
                    value: agent.into(),
                },
                hostname: agent.into(),
                ..Default::default()
            },
            resources: Resources::new(),
            role: None,
        }
    }

    /// This offer id instead of a fresh one.
    pub fn id(mut self, id: &str) -> Self {
        self.offer.id = OfferId { value: id.into() };
        self
    }

    /// The agent's hostname (default: the agent id).
    pub fn hostname(mut self, hostname: &str) -> Self {
        self.offer.hostname = hostname.into();
        self
    }

    /// The framework the offer is for (default `framework-0`).
    pub fn framework(mut self, id: &str) -> Self {
        self.offer.framework_id = FrameworkId { value: id.into() };
        self
    }

    /// Adds resources in the agent's `--resources` text form
    /// (`cpus:1;mem:1024;ports:[31000-32000];disk(role):10`).
    pub fn resources(mut self, text: &str) -> Self {
        self.resources += parse(text);
        self
    }

    /// Adds resources of `text` dynamically reserved along `roles`, outer
    /// role first: `&["tenant1", "tenant1/private"]` is a reservation to
    /// `tenant1` refined to `tenant1/private`.
    pub fn reserved(mut self, text: &str, roles: &[&str]) -> Self {
        self.resources += reserve(parse(text), roles);
        self
    }

    /// Adds one resource as it is.
    pub fn resource(mut self, resource: Resource) -> Self {
        self.resources += resource;
        self
    }

    /// Marks every resource allocated to `role`, as a master does for a
    /// MULTI_ROLE framework (and as the refinement helpers expect).
    pub fn allocated_to(mut self, role: &str) -> Self {
        self.role = Some(role.into());
        self
    }

    /// The offer.
    pub fn build(self) -> Offer {
        let mut resources = self.resources;
        if let Some(role) = &self.role {
            resources.allocate(role);
        }
        Offer {
            resources: resources.into_vec(),
            ..self.offer
        }
    }
}

fn parse(text: &str) -> Resources {
    Resources::parse(text)
        .unwrap_or_else(|error| panic!("mesos-native-testing: resources {text:?}: {error}"))
}

fn reserve(mut resources: Resources, roles: &[&str]) -> Resources {
    for role in roles {
        resources = resources
            .push_reservation(dynamic_reservation(role, None))
            .unwrap_or_else(|error| {
                panic!("mesos-native-testing: reserving to {roles:?}: {error}")
            });
    }
    resources
}

/// The next offer of `offer`'s agent once a master has applied
/// `operations` to it (as a scheduler passed them to `accept_offers`), with
/// a fresh id: RESERVE and UNRESERVE change the reservations, LAUNCH and
/// LAUNCH_GROUP take their tasks' and executors' resources away (until
/// their tasks end), other operations leave the resources as they are.
///
/// Fails as a master would refuse the operations: when they use resources
/// the offer does not have.
pub fn next_offer(offer: &Offer, operations: &[offer::Operation]) -> Result<Offer, ResourcesError> {
    let mut resources = Resources::from(offer.resources.clone());
    for operation in operations {
        match operation.r#type() {
            OperationType::Reserve => {
                let after = reserved(operation);
                resources = resources.checked_sub(&after.pop_reservation()?)? + after;
            }
            OperationType::Unreserve => {
                let before = unreserved(operation);
                resources = resources.checked_sub(&before)? + before.pop_reservation()?;
            }
            OperationType::Launch | OperationType::LaunchGroup => {
                resources = resources.checked_sub(&launched(operation))?;
            }
            _ => {}
        }
    }
    Ok(Offer {
        id: fresh_offer_id(),
        resources: resources.into_vec(),
        ..offer.clone()
    })
}

fn reserved(operation: &offer::Operation) -> Resources {
    let reserve = operation.reserve.clone().unwrap_or_default();
    Resources::from(if reserve.resources.is_empty() {
        reserve.source
    } else {
        reserve.resources
    })
}

fn unreserved(operation: &offer::Operation) -> Resources {
    Resources::from(operation.unreserve.clone().unwrap_or_default().resources)
}

/// What the tasks (and their executors, counted once each) of a LAUNCH or
/// LAUNCH_GROUP use.
fn launched(operation: &offer::Operation) -> Resources {
    let mut used = Resources::new();
    let mut executors = Vec::new();
    let mut add_executor = |executor: Option<&mesos_native::proto::ExecutorInfo>,
                            used: &mut Resources| {
        if let Some(executor) = executor {
            if !executors.contains(&executor.executor_id) {
                executors.push(executor.executor_id.clone());
                *used += Resources::from(executor.resources.clone());
            }
        }
    };
    if let Some(launch) = &operation.launch {
        for task in &launch.task_infos {
            used += Resources::from(task.resources.clone());
            add_executor(task.executor.as_ref(), &mut used);
        }
    }
    if let Some(group) = &operation.launch_group {
        add_executor(Some(&group.executor), &mut used);
        for task in group.task_group.tasks.iter() {
            used += Resources::from(task.resources.clone());
        }
    }
    used
}

/// The cluster of the reference framework once its operator step
/// (`examples/reserve_cluster`) has run: four agents `agent-0`..`agent-3`
/// of `cpus:1;mem:1024;disk:10000` (and the default ports), whose
/// cpus/mem/disk are all reserved to a tenant, half of it refined:
///
/// | agent | reserved to | half refined to   |
/// |-------|-------------|-------------------|
/// | 0     | `tenant1`   | `tenant1/private` |
/// | 1     | `tenant1`   | `tenant1/public`  |
/// | 2     | `tenant2`   | `tenant2/private` |
/// | 3     | `tenant2`   | `tenant2/public`  |
pub mod reference_cluster {
    use mesos_native::proto::Offer;
    use mesos_native::resources::Resources;

    use super::{parse, reserve, OfferBuilder};

    /// The reference framework's role.
    pub const ROLE: &str = "tenant1/private/test-framework";

    /// (reservation, its refinement) of agents 0 to 3.
    pub const RESERVATIONS: [(&str, &str); 4] = [
        ("tenant1", "tenant1/private"),
        ("tenant1", "tenant1/public"),
        ("tenant2", "tenant2/private"),
        ("tenant2", "tenant2/public"),
    ];

    /// Half of an agent's cpus, mem and disk.
    const HALF: &str = "cpus:0.5;mem:512;disk:5000";
    /// What an agent has besides, unreserved.
    const UNRESERVED: &str = "ports:[31000-32000]";

    /// The id (and hostname) of agent `n`.
    pub fn agent(n: usize) -> String {
        format!("agent-{n}")
    }

    /// Everything agent `n` has, as reserved by the operator step.
    pub fn agent_resources(n: usize) -> Resources {
        let (tenant, refined) = RESERVATIONS[n];
        reserve(parse(HALF), &[tenant])
            + reserve(parse(HALF), &[tenant, refined])
            + parse(UNRESERVED)
    }

    /// The offer of agent `n` to a framework in `role`: what it may use
    /// of the agent (reserved to `role` or an ancestor, or unreserved),
    /// allocated to `role`; `None` if nothing.
    pub fn offer_to(role: &str, n: usize) -> Option<Offer> {
        let usable = agent_resources(n).allocatable_to(role);
        if usable.is_empty() {
            return None;
        }
        let mut builder = OfferBuilder::new(&agent(n));
        for resource in usable {
            builder = builder.resource(resource.clone());
        }
        Some(builder.allocated_to(role).build())
    }

    /// The first offers the reference framework (in [`ROLE`]) gets, one
    /// per agent: on agent 0 both halves and the ports, on agent 1 the
    /// `tenant1` half and the ports, on agents 2 and 3 the ports.
    pub fn offers() -> Vec<Offer> {
        (0..RESERVATIONS.len())
            .filter_map(|n| offer_to(ROLE, n))
            .collect()
    }
}
