//! The binding against a real Mesos: loopback clusters (master, agents,
//! ZooKeeper where needed) started by each test through
//! `scripts/local-cluster.sh`. Without a Mesos install every test says
//! SKIPPED loudly and passes; with `MESOS_TEST_REQUIRE=1` it fails instead.
//!
//! One binary, one module per subject (see CONTRIBUTING.md's table of
//! features and their tests).

#[path = "../support/mod.rs"]
mod support;

mod bad_input;
mod cluster;
mod cluster_v1;
mod election;
mod faults;
mod faults_v1;
mod local_master;
#[cfg(feature = "operator")]
mod operator;
mod security;
mod state_log;
#[cfg(feature = "operator")]
mod testbed;
