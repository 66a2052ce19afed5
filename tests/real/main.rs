//! The binding against a real Mesos: loopback clusters (master, agents,
//! ZooKeeper where needed) started by each test through
//! `scripts/local-cluster.sh`, and, in `testbed`, `cross_host`, `nat` and
//! `partitions`, clusters across the hosts of the multi-host testbed (`mesos-testbed`,
//! root only). Without a Mesos install every test says SKIPPED loudly and
//! passes; with `MESOS_TEST_REQUIRE=1` it fails instead.
//!
//! One binary, one module per subject (see CONTRIBUTING.md's table of
//! features and their tests).

#[path = "../support/mod.rs"]
mod support;

mod bad_input;
mod cluster;
mod cluster_v1;
#[cfg(feature = "operator")]
mod cross_host;
mod election;
mod faults;
mod faults_v1;
mod local_master;
#[cfg(feature = "operator")]
mod nat;
#[cfg(feature = "operator")]
mod operator;
#[cfg(feature = "operator")]
mod partitions;
mod security;
mod state_log;
#[cfg(feature = "operator")]
mod testbed;
mod versions;
