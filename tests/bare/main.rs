//! The bare suite: everything that runs on any machine, with no libmesos
//! and no cluster. The binding runs over the in-process test double of the
//! C shim (`mesos-native-double`), whose threads behave as libmesos's do;
//! `resources` needs nothing at all.
//!
//! One binary, one module per subject (see CONTRIBUTING.md's table of
//! features and their tests).

#[path = "../support/mod.rs"]
mod support;

mod election;
mod executor;
mod fatal_preconditions;
mod fixtures;
mod fuzz_regressions;
mod lifecycle;
mod resources;
mod scheduler;
mod state_log;
mod stream;
mod v1;
mod versions;
