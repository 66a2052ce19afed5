//! The plan of a testbed: every host's role, address and network
//! namespace, derived from a [`Spec`] and the testbed's id alone, so that
//! whoever holds the two (the testbed, or a later `testbed` command reading
//! the state directory) names the same things.
//!
//! Addresses, all in the project's private range 10.231.0.0/16, on a bridge
//! that lives in a namespace of its own (the "switch"):
//!
//! | hosts | addresses on the bridge (10.231.0.0/24) |
//! | --- | --- |
//! | `zk` | 10.231.0.2 |
//! | `master1`... | 10.231.0.11... |
//! | `agent0`... | 10.231.0.20... |
//! | `scheduler` | 10.231.0.50 |
//! | `files` | 10.231.0.60 |
//! | extra hosts | 10.231.0.100... |
//! | NAT routers | 10.231.0.201... (the k-th host behind NAT) |
//!
//! The k-th host behind NAT is not on the bridge: it sits on 10.231.k.0/24
//! with its router, 10.231.k.1 inside and 10.231.0.(200+k) on the bridge;
//! the host is 10.231.k.2, and reaches the others through the router.

use std::net::Ipv4Addr;

use crate::error::{Error, Result};
use crate::spec::Spec;

/// Every namespace, of every testbed, starts with this: what a sweep looks
/// for.
pub const PREFIX: &str = "mrs-";

/// The bridge, inside the switch namespace.
pub const BRIDGE: &str = "br0";

/// A host's link to the switch (or to its router), inside the host.
pub const HOST_LINK: &str = "eth0";

/// A router's link to its host, inside the router.
pub const ROUTER_INSIDE_LINK: &str = "inside";

/// What runs on a host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// ZooKeeper, port 2181.
    ZooKeeper,
    /// A master (`master1` is 1), port 5050.
    Master(usize),
    /// An agent (`agent0` is 0), port 5051.
    Agent(usize),
    /// Where frameworks run; nothing of the testbed's own.
    Scheduler,
    /// The HTTP file server executors are fetched from, port 8080.
    Files,
    /// An extra host, running nothing.
    Plain,
}

impl Role {
    /// The port its daemon listens on, if it runs one.
    pub fn port(self) -> Option<u16> {
        match self {
            Role::ZooKeeper => Some(2181),
            Role::Master(_) => Some(5050),
            Role::Agent(_) => Some(5051),
            Role::Files => Some(8080),
            Role::Scheduler | Role::Plain => None,
        }
    }
}

/// A router between a host behind NAT and the bridge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Router {
    /// Its network namespace.
    pub netns: String,
    /// Its address on the bridge: the host's, as every other host sees it.
    pub public: Ipv4Addr,
    /// Its address on the host's side: the host's default route.
    pub gateway: Ipv4Addr,
}

/// One host of the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostPlan {
    /// Its name (`agent0`).
    pub name: String,
    /// What runs on it.
    pub role: Role,
    /// Its network namespace.
    pub netns: String,
    /// Its own address, on its `eth0`.
    pub address: Ipv4Addr,
    /// Its router, when behind NAT.
    pub router: Option<Router>,
}

impl HostPlan {
    /// The address other hosts reach it at: its router's for a host behind
    /// NAT, its own otherwise.
    pub fn public(&self) -> Ipv4Addr {
        self.router.as_ref().map_or(self.address, |r| r.public)
    }

    /// The addresses its packets may carry as their source when they reach
    /// another host: its own and, behind NAT, its router's.
    pub fn sources(&self) -> Vec<Ipv4Addr> {
        let mut sources = vec![self.address];
        if let Some(router) = &self.router {
            sources.push(router.public);
        }
        sources
    }

    /// Its namespaces: its own, and its router's.
    pub fn namespaces(&self) -> Vec<&str> {
        let mut all = vec![self.netns.as_str()];
        if let Some(router) = &self.router {
            all.push(router.netns.as_str());
        }
        all
    }
}

/// Every host of a testbed, and its switch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The testbed's id, in every namespace's name.
    pub id: String,
    /// The switch's namespace.
    pub switch: String,
    /// The hosts, in the spec's order.
    pub hosts: Vec<HostPlan>,
}

impl Plan {
    /// The plan of testbed `id` as `spec` says.
    pub fn new(id: &str, spec: &Spec) -> Result<Plan> {
        check_id(id)?;
        spec.validate()?;
        let mut extra = 0u8;
        let mut nat = 0u8;
        let mut hosts = Vec::new();
        for name in spec.host_names() {
            let role = role_of(&name, spec);
            let last = match role {
                Role::ZooKeeper => 2,
                Role::Master(i) => 10 + i as u8,
                Role::Agent(i) => 20 + i as u8,
                Role::Scheduler => 50,
                Role::Files => 60,
                Role::Plain => {
                    extra += 1;
                    99 + extra
                }
            };
            let netns = format!("{PREFIX}{id}-{name}");
            let (address, router) = if spec.nat.contains(&name) {
                nat += 1;
                let router = Router {
                    netns: format!("{netns}-nat"),
                    public: Ipv4Addr::new(10, 231, 0, 200 + nat),
                    gateway: Ipv4Addr::new(10, 231, nat, 1),
                };
                (Ipv4Addr::new(10, 231, nat, 2), Some(router))
            } else {
                (Ipv4Addr::new(10, 231, 0, last), None)
            };
            hosts.push(HostPlan {
                name,
                role,
                netns,
                address,
                router,
            });
        }
        Ok(Plan {
            id: id.to_string(),
            switch: format!("{PREFIX}{id}-switch"),
            hosts,
        })
    }

    /// The host named `name`, or an error listing the hosts there are.
    pub fn host(&self, name: &str) -> Result<&HostPlan> {
        self.hosts.iter().find(|h| h.name == name).ok_or_else(|| {
            Error::Invalid(format!(
                "no host `{name}` in this testbed (hosts: {})",
                self.hosts
                    .iter()
                    .map(|h| h.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
    }

    /// Every namespace of the testbed: hosts, routers, and last the switch.
    pub fn namespaces(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self.hosts.iter().flat_map(HostPlan::namespaces).collect();
        all.push(&self.switch);
        all
    }

    /// Hosts of role `Master`, in order.
    pub fn masters(&self) -> impl Iterator<Item = &HostPlan> {
        self.hosts
            .iter()
            .filter(|h| matches!(h.role, Role::Master(_)))
    }

    /// Hosts of role `Agent`, in order.
    pub fn agents(&self) -> impl Iterator<Item = &HostPlan> {
        self.hosts
            .iter()
            .filter(|h| matches!(h.role, Role::Agent(_)))
    }

    /// The host of `role` (the first, if several).
    pub fn with_role(&self, role: Role) -> Option<&HostPlan> {
        self.hosts.iter().find(|h| h.role == role)
    }
}

/// A testbed id: lowercase letters and digits, 1 to 16 of them (it is
/// part of every namespace's name; a `-` would make those ambiguous).
pub fn check_id(id: &str) -> Result<()> {
    if id.is_empty()
        || id.len() > 16
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        return Err(Error::Invalid(format!(
            "testbed id `{id}`: 1 to 16 lowercase letters and digits"
        )));
    }
    Ok(())
}

/// The id in a namespace name of ours (`mrs-<id>-<host>`), if it is one.
pub fn id_of_namespace(netns: &str) -> Option<&str> {
    let rest = netns.strip_prefix(PREFIX)?;
    let id = rest.split('-').next()?;
    check_id(id).ok().map(|()| id)
}

fn role_of(name: &str, spec: &Spec) -> Role {
    let index = |prefix: &str| name.strip_prefix(prefix).and_then(|n| n.parse().ok());
    if spec.hosts.iter().any(|h| h == name) {
        return Role::Plain;
    }
    match name {
        "zk" => Role::ZooKeeper,
        "scheduler" => Role::Scheduler,
        "files" => Role::Files,
        _ => match (index("master"), index("agent")) {
            (Some(i), _) => Role::Master(i),
            (_, Some(i)) => Role::Agent(i),
            _ => Role::Plain,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_follow_the_table() {
        let spec = Spec {
            masters: 3,
            hosts: vec!["probe".into()],
            nat: vec!["scheduler".into(), "agent3".into()],
            ..Spec::default()
        };
        let plan = Plan::new("t1", &spec).unwrap();
        let address = |name: &str| plan.host(name).unwrap().address.to_string();
        let public = |name: &str| plan.host(name).unwrap().public().to_string();
        assert_eq!(address("zk"), "10.231.0.2");
        assert_eq!(address("master3"), "10.231.0.13");
        assert_eq!(address("agent0"), "10.231.0.20");
        assert_eq!(address("files"), "10.231.0.60");
        assert_eq!(address("probe"), "10.231.0.100");
        // Behind NAT, in the spec's order of hosts: agent3 comes first.
        assert_eq!(address("agent3"), "10.231.1.2");
        assert_eq!(public("agent3"), "10.231.0.201");
        assert_eq!(address("scheduler"), "10.231.2.2");
        assert_eq!(public("scheduler"), "10.231.0.202");
        assert_eq!(plan.host("scheduler").unwrap().netns, "mrs-t1-scheduler");
        assert_eq!(
            plan.host("scheduler")
                .unwrap()
                .router
                .as_ref()
                .unwrap()
                .netns,
            "mrs-t1-scheduler-nat"
        );
        assert_eq!(plan.namespaces().last(), Some(&"mrs-t1-switch"));
        assert!(plan
            .host("nobody")
            .unwrap_err()
            .to_string()
            .contains("agent3"));
    }

    #[test]
    fn namespace_names_give_back_their_id() {
        assert_eq!(id_of_namespace("mrs-123x4-agent0"), Some("123x4"));
        assert_eq!(id_of_namespace("mrs-123x4-scheduler-nat"), Some("123x4"));
        assert_eq!(id_of_namespace("mrs-UPPER-a"), None);
        assert_eq!(id_of_namespace("other-1-a"), None);
    }
}
