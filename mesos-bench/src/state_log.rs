//! The State and replicated-log workloads: what a framework pays to keep
//! its data in libmesos, through the Rust binding. The twin is
//! `cpp/bench_state.cpp`, on libmesos's own `mesos::state::State` and
//! `mesos_native::log::Log` over the same backends.
//!
//! ```text
//! bench state-zk SERVERS ZNODE SECONDS  store + fetch of one variable on
//!                                       ZooKeeper, in a loop for SECONDS
//! bench state-leveldb DIR SECONDS       the same on LevelDB at DIR
//! bench log-append DIR SECONDS          appends to a one-replica log
//!                                       (quorum 1) at DIR
//! ```
//!
//! One `state-*` operation is a `store` of a new value followed by a
//! `fetch` of it, the pair a framework does to update and read back its
//! state. Every call waits for its answer before the next one starts, as
//! a framework that needs the result does; the twin waits the same way.

use std::time::{Duration, Instant};

use mesos_native::log::Log;
use mesos_native::state::{State, Variable};
use mesos_native::ZooKeeper;

use crate::{cpu_time, fail, report};

/// A variable or log entry: small, like a framework id or a task record.
pub const VALUE_BYTES: usize = 100;
/// The name of the one variable `state-*` updates.
const NAME: &str = "bench";
/// Long enough for a slow disk; a call that takes longer fails the run.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The `i`-th value: different every time, so that every store changes
/// the stored bytes.
fn value(i: u64) -> Vec<u8> {
    let mut value = format!("{i:020}").into_bytes();
    value.resize(VALUE_BYTES, b'x');
    value
}

/// Runs `op(i)` for i = 0, 1, ... until `seconds` have passed; reports the
/// count as `workload` and the process's CPU time per operation.
fn timed(workload: &str, seconds: f64, mut op: impl FnMut(u64)) {
    let cpu_start = cpu_time(libc::CLOCK_PROCESS_CPUTIME_ID);
    let start = Instant::now();
    let mut count = 0;
    let mut now = start;
    while now.duration_since(start).as_secs_f64() < seconds {
        op(count);
        count += 1;
        now = Instant::now();
    }
    let cpu = cpu_time(libc::CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
    report(workload, count, now.duration_since(start).as_secs_f64());
    eprintln!(
        "bench: process_cpu_ns_per_op={:.1}",
        cpu.as_nanos() as f64 / count as f64
    );
}

fn store_and_fetch(workload: &str, state: State, seconds: f64) {
    let mut variable: Variable = state
        .fetch(NAME, TIMEOUT)
        .unwrap_or_else(|error| fail(format!("first fetch: {error}")));
    timed(workload, seconds, |i| {
        let stored = state
            .store(&variable.mutate(value(i)), TIMEOUT)
            .unwrap_or_else(|error| fail(format!("store: {error}")));
        let Some(stored) = stored else {
            fail("store: the version was stale, yet nothing else writes this variable")
        };
        let fetched = state
            .fetch(NAME, TIMEOUT)
            .unwrap_or_else(|error| fail(format!("fetch: {error}")));
        if fetched.value() != stored.value() {
            fail("fetch: the value read back is not the one stored");
        }
        variable = fetched;
    });
}

pub fn state_zookeeper(servers: &str, znode: &str, seconds: f64) {
    let zookeeper = ZooKeeper::new(servers, znode);
    let state = State::zookeeper(&zookeeper).unwrap_or_else(|error| fail(error));
    store_and_fetch("state-zk", state, seconds);
}

pub fn state_leveldb(dir: &str, seconds: f64) {
    let state = State::leveldb(dir).unwrap_or_else(|error| fail(error));
    store_and_fetch("state-leveldb", state, seconds);
}

pub fn log_append(dir: &str, seconds: f64) {
    let log = Log::replicas(1, dir, &[] as &[&str], true).unwrap_or_else(|error| fail(error));
    let writer = log.writer().unwrap_or_else(|error| fail(error));
    if let Err(error) = writer.start(TIMEOUT) {
        fail(format!("writer start: {error}"));
    }
    timed("log-append", seconds, |i| {
        if let Err(error) = writer.append(&value(i), TIMEOUT) {
            fail(format!("append: {error}"));
        }
    });
}
