//! A multi-host Mesos test cluster on one machine: every host (ZooKeeper,
//! masters, agents, a scheduler host, an HTTP file server for executors)
//! in a network namespace of its own, joined by a bridge, with links a
//! test can cut (both ways or one), heal, and unplug, and hosts that can
//! sit behind NAT. Maintainer tool of the mesos binding: the real-cluster
//! tests and the chaos soak run on it. Needs root; see `docs/testbed.md`.
//!
//! ```no_run
//! use std::time::Duration;
//! use mesos_testbed::Testbed;
//!
//! let testbed = Testbed::builder().masters(3).agents(4).behind_nat("scheduler").start()?;
//! testbed.cut("master1", "agent0")?;          // both ways
//! testbed.cut_one_way("agent1", "master2")?;  // agent1's packets to master2 are lost
//! testbed.heal("master1", "agent0")?;
//! let scheduler = testbed.host("scheduler")?;
//! let agents = scheduler.within(|| {
//!     // This thread is in the scheduler's network namespace.
//!     mesos_native::operator::Master::new(&testbed.masters()[0])?.get_agents()
//! })??;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The network
//!
//! - **One private range**, 10.231.0.0/16: hosts on 10.231.0.0/24, the
//!   k-th host behind NAT on 10.231.k.0/24 (the table is in [`plan`]).
//! - **No traffic leaves**: the bridge lives in a namespace of its own
//!   (the switch), not in the root namespace; every host's only link goes
//!   to it (or to its router), every link is created directly inside its
//!   namespaces, and no namespace has a route beyond the range. The root
//!   namespace gains no link, address, route or rule.
//! - **Cuts** are nft rules dropping packets on arrival ([`firewall`]);
//!   **isolating** a host takes its switch port down.
//! - **NAT**: a router namespace between the host and the switch
//!   masquerades it; ports forwarded to it are DNATed.
//!
//! # Hosts
//!
//! Processes run in a host through `ip netns exec`; agents additionally in
//! a mount namespace of their own where the project's tree and the cargo
//! target directory are covered by an empty file system, so what an
//! executor needs must come from the file server ([`Testbed::publish`]).
//! Rust code of the test joins a host with [`Host::within`].
//!
//! # Teardown
//!
//! Dropping the [`Testbed`], also when a test panics, stops every process
//! in its namespaces and deletes them; links and rules go with them. A
//! testbed whose process died first is removed by the next testbed's
//! start (or `testbed sweep`): each records its owner ([`owners`]).

mod cluster;
mod command;
mod error;
pub mod firewall;
mod namespaces;
mod network;
pub mod owners;
pub mod plan;
pub mod preflight;
mod processes;
mod spec;
mod state;
mod testbed;

pub use error::{Error, Result};
pub use plan::Role;
pub use spec::{Spec, DEFAULT_RESOURCES};
pub use testbed::{Builder, Host, Testbed, DEFAULT_STARTUP_TIMEOUT};

/// Removes leftovers of testbeds whose owner is gone (every testbed's with
/// `all`): stops their processes, deletes their namespaces. Returns the
/// namespaces removed. Needs root and `ip`.
pub fn sweep(all: bool) -> Result<Vec<String>> {
    owners::sweep(&preflight::tools()?, all)
}

/// The names of the network namespaces on this machine that are a
/// testbed's (`mrs-...`), running or left over.
pub fn namespaces() -> Vec<String> {
    namespaces::list()
        .into_iter()
        .filter(|n| n.starts_with(plan::PREFIX))
        .collect()
}
