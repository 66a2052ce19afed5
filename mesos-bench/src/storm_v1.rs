//! `bench storm-v1 MASTER N`: the `storm` workload on the v1 API
//! (`mesos_native::v1::scheduler`, over libmesos's `mesos::v1::scheduler::Mesos`):
//! explicit reconciliation of N unknown tasks, timed until the N-th
//! `UPDATE` event, median of the timed storms after an untimed warm-up.
//! Its C++ twin is `cpp/bench_v1.cpp`; `bench storm` is the same workload
//! on the v0 driver, for v1 against v0.

use std::sync::Arc;
use std::time::Instant;

use mesos_native::proto::v1::scheduler::{call, event};
use mesos_native::proto::v1::{AgentId, FrameworkInfo, TaskId};
use mesos_native::v1::scheduler::{Connection, Mesos, Scheduler};

use super::{fail, timed_storms, Signal, REGISTER_TIMEOUT, STORM_TIMEOUT};

/// Subscribes, tells the first offer's agent (declining offers for an
/// hour), and counts updates by batch, as `BenchScheduler` does on v0.
struct StormScheduler {
    batch: u64,
    updates: u64,
    signal: Arc<Signal>,
}

impl Scheduler for StormScheduler {
    fn connected(&mut self, connection: &Connection) {
        let framework = FrameworkInfo {
            user: std::env::var("USER").unwrap_or_else(|_| "root".into()),
            name: "bench-storm-v1-rust".into(),
            ..Default::default()
        };
        if let Err(error) = connection.subscribe(framework) {
            self.signal
                .update(|events| events.error = Some(error.to_string()));
        }
    }

    fn subscribed(&mut self, _: &Connection, _: event::Subscribed) {
        self.signal.update(|events| events.registered = true);
    }

    fn offers(&mut self, connection: &Connection, offers: event::Offers) {
        let ids = offers.offers.iter().map(|offer| offer.id.clone()).collect();
        let filters = mesos_native::proto::v1::Filters {
            refuse_seconds: Some(3600.0),
        };
        let _ = connection.decline(ids, Some(filters));
        if let Some(first) = offers.offers.into_iter().next() {
            let agent = mesos_native::proto::SlaveId {
                value: first.agent_id.value,
            };
            self.signal.update(|events| {
                events.agent.get_or_insert(agent);
            });
        }
    }

    fn update(&mut self, _: &Connection, _: event::Update) {
        self.updates += 1;
        if self.batch != 0 && self.updates % self.batch == 0 {
            let now = Instant::now();
            self.signal.update(|events| events.batches.push(now));
        }
    }

    fn error(&mut self, _: &Connection, message: String) {
        self.signal.update(|events| events.error = Some(message));
    }
}

/// `n` tasks `{prefix}-0`... the master does not know, on `agent`.
fn unknown_tasks(prefix: &str, n: u64, agent: &AgentId) -> call::Reconcile {
    call::Reconcile {
        tasks: (0..n)
            .map(|i| call::reconcile::Task {
                task_id: TaskId {
                    value: format!("{prefix}-{i}"),
                },
                agent_id: Some(agent.clone()),
            })
            .collect(),
    }
}

fn reconcile_and_wait(
    mesos: &Mesos,
    signal: &Signal,
    tasks: &call::Reconcile,
    batch: usize,
) -> Instant {
    if let Err(error) = mesos.reconcile(tasks.clone()) {
        fail(format!("reconcile: {error}"));
    }
    signal
        .wait("status updates", STORM_TIMEOUT, |e| {
            e.batches.len() >= batch
        })
        .batches[batch - 1]
}

pub(crate) fn storm(master: &str, n: u64) {
    let signal = Arc::new(Signal::default());
    let scheduler = StormScheduler {
        batch: n,
        updates: 0,
        signal: Arc::clone(&signal),
    };
    let mesos = Mesos::builder(scheduler, master)
        .build()
        .unwrap_or_else(|error| fail(error));
    if let Err(error) = mesos.start() {
        fail(format!("the v1 scheduler did not start: {error}"));
    }
    let agent = signal
        .wait("no offer", REGISTER_TIMEOUT, |e| e.agent.is_some())
        .agent
        .clone()
        .map(|agent| AgentId { value: agent.value })
        .unwrap();

    let tasks = unknown_tasks("bench", n, &agent);
    let warmup = unknown_tasks("warmup", n, &agent);
    timed_storms("storm-v1", n, |batch| {
        let tasks = if batch == 1 { &warmup } else { &tasks };
        reconcile_and_wait(&mesos, &signal, tasks, batch)
    });
    let _ = mesos.teardown();
    let _ = mesos.stop();
}
