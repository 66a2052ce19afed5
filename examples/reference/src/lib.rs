//! The reference framework of the original Java project, in Rust: what the
//! examples run (`main` on the v0 driver, `main_v1` on the v1 API), what
//! `embed/` links into a C++ program, and what the tests drive.
//!
//! A scheduler in role `tenant1/private/test-framework` takes resources
//! reserved to its parent role `tenant1/private`, refines that reservation
//! to its own role, runs one task with its custom executor on agent 0 on
//! the refined resources, and stops when the task finishes. The scenario
//! (roles, ids, shares) is in [`scenario`].
//!
//! - [`scheduler`] and [`v1_scheduler`]: the scheduler on each API, and the
//!   `run` each example's `main` calls;
//! - [`executor`] and [`v1_executor`]: the custom executor on each API;
//! - [`executor_command`]: how the task's executor is launched (this
//!   program, another one, or one fetched from a URI);
//! - [`cli`]: the options the examples share; [`operator_tool`]: what the
//!   `state` and `log` tools share; [`reservations`]: the operator step
//!   that reserves the cluster, through `mesos::operator`.

pub mod cli;
pub mod executor;
pub mod executor_command;
pub mod operator_tool;
pub mod reservations;
pub mod scenario;
pub mod scheduler;
pub mod v1_executor;
pub mod v1_scheduler;
