//! The reference example's executor choice (`examples/support/executor_command.rs`),
//! unit-tested here: an example built with `test = true` is built only as a
//! test harness by `cargo test`, and the real-cluster tests need the
//! `main` binary itself.

#[path = "../examples/support/executor_command.rs"]
#[allow(dead_code)]
mod executor_command;
