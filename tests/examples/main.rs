//! The examples, as users run them: their `--help` and command lines, the
//! reference scenario on a cluster, the README's step-by-step block typed
//! as printed, failover and standby through `main`, and the reference
//! framework inside a C++ host. Those that need a real Mesos say SKIPPED
//! loudly without one (and fail with `MESOS_TEST_REQUIRE=1`).

#[path = "../support/mod.rs"]
mod support;

mod cpp_host;
mod framework_store;
mod help;
mod readme;
mod reference;
mod standby;
