//! `bench`: the Rust side of the benchmarks against the C++ native driver.
//!
//! Same command line and output as its C++ twin (`cpp/bench.cpp`), so that
//! `scripts/bench.sh` runs both against the same local cluster and compares
//! them line by line:
//!
//! ```text
//! bench calls MASTER SECONDS   reconcile_tasks(&[]) in a loop for SECONDS
//! bench calls-paired MASTER SECONDS
//!                              the same and the C++ twin's loop, both in
//!                              this process, in alternating blocks (no
//!                              twin of its own; see paired.rs)
//! bench storm MASTER N         explicit reconciliation of N unknown tasks;
//!                              time until the N-th status_update, median
//!                              of 5 storms (after an untimed warm-up
//!                              storm of N)
//! bench storm-paired MASTER N storms of both sides in this process, in
//!                              turns (see paired.rs)
//! bench storm-v1 MASTER N      the same storm on the v1 API (UPDATE events;
//!                              see storm_v1.rs)
//! bench offers [SECONDS]       in process, no master: hand the offer batch
//!                              (100 offers x 50 reserved resources) from the
//!                              shim's ForwardingScheduler to a Rust
//!                              `resource_offers`, through the crate's real
//!                              callback trampoline (serialize + decode)
//! bench offers-batch [SECONDS] the same (the twin parses the whole batch
//!                              at once instead of one offer at a time)
//! bench offers-v1 [SECONDS]    the same batch as one v1 OFFERS event, from
//!                              the shim's V1Callbacks to a v1 scheduler's
//!                              `offers` (the twin parses the event)
//! bench state-zk SERVERS ZNODE SECONDS
//!                              store + fetch of one variable in a State on
//!                              ZooKeeper (see state_log.rs)
//! bench state-leveldb DIR SECONDS
//!                              the same on LevelDB
//! bench log-append DIR SECONDS appends to a one-replica log at DIR
//! bench resources N SECONDS    parse, add, compare and subtract a set of N
//!                              items and a list of N ranges (Rust only; see
//!                              resources.rs)
//! ```
//!
//! Each prints `<workload> <count> <seconds> <rate>/s` on stdout, and on
//! stderr its peak resident set size (VmHWM) as `bench: peak_rss_kb=<n>`,
//! plus a CPU cost that does not depend on the share of the CPU a run got:
//! `calling_thread_cpu_ns_per_call` (calls),
//! `process_cpu_ns_per_callback` (storm) and `process_cpu_ns_per_op`
//! (state and log).

// Only the offer path needs it (and its own unit test).
#[cfg(any(cpp_helpers, test))]
mod hook;
#[cfg(cpp_helpers)]
mod offer_path;
#[cfg(cpp_helpers)]
mod paired;
mod resources;
mod state_log;
mod storm_v1;

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use mesos_native::proto::{
    FrameworkId, FrameworkInfo, MasterInfo, Offer, SlaveId, TaskId, TaskState, TaskStatus,
};
use mesos_native::{operations, MesosSchedulerDriver, Scheduler, SchedulerDriver};

/// The clock is read every this many calls (as in the C++ twin).
const CLOCK_EVERY: u64 = 1024;
const REGISTER_TIMEOUT: Duration = Duration::from_secs(60);
const STORM_TIMEOUT: Duration = Duration::from_secs(300);
/// Timed storms per `storm` run (as in the C++ twin); the median is reported.
const STORMS: usize = 5;

fn report(workload: &str, count: u64, seconds: f64) {
    println!(
        "{workload} {count} {seconds:.6} {:.1}/s",
        count as f64 / seconds
    );
}

fn report_peak_rss() {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    for line in status.lines() {
        if let Some(value) = line.strip_prefix("VmHWM:") {
            let kb = value.trim().trim_end_matches("kB").trim();
            eprintln!("bench: peak_rss_kb={kb}");
        }
    }
}

fn fail(message: impl std::fmt::Display) -> ! {
    eprintln!("bench: {message}");
    std::process::exit(1);
}

/// What the callbacks tell the main thread.
#[derive(Default)]
struct Events {
    registered: bool,
    agent: Option<SlaveId>,
    /// When the last status update of each batch of `batch` arrived.
    batches: Vec<Instant>,
    error: Option<String>,
}

#[derive(Default)]
struct Signal {
    events: Mutex<Events>,
    changed: Condvar,
}

impl Signal {
    fn update(&self, change: impl FnOnce(&mut Events)) {
        change(&mut self.events.lock().unwrap());
        self.changed.notify_all();
    }

    /// Waits until `ready` holds (or a `Scheduler::error`), failing the run
    /// after `timeout`.
    fn wait(
        &self,
        what: &str,
        timeout: Duration,
        ready: impl Fn(&Events) -> bool,
    ) -> MutexGuard<'_, Events> {
        let (events, result) = self
            .changed
            .wait_timeout_while(self.events.lock().unwrap(), timeout, |events| {
                !ready(events) && events.error.is_none()
            })
            .unwrap();
        if let Some(error) = &events.error {
            fail(format!("{what}: {error}"));
        }
        if result.timed_out() {
            fail(format!("{what}: timed out"));
        }
        events
    }
}

/// Waits for registration and the first offer, counts status updates, and
/// records when each `batch`-th arrives. Offers are declined for an hour so
/// that no further offer interleaves with the workload.
struct BenchScheduler {
    batch: u64,
    /// Only touched by the callback thread, like the C++ twin's counter.
    updates: u64,
    signal: Arc<Signal>,
}

impl Scheduler for BenchScheduler {
    fn registered(&mut self, _: &SchedulerDriver, _: FrameworkId, _: MasterInfo) {
        self.signal.update(|events| events.registered = true);
    }

    fn resource_offers(&mut self, driver: &SchedulerDriver, offers: Vec<Offer>) {
        let filters = operations::refuse_seconds(3600.0);
        for offer in &offers {
            let _ = driver.decline_offer(&offer.id, &filters);
        }
        if let Some(first) = offers.into_iter().next() {
            self.signal.update(|events| {
                events.agent.get_or_insert(first.slave_id);
            });
        }
    }

    fn status_update(&mut self, _: &SchedulerDriver, _: TaskStatus) {
        self.updates += 1;
        if self.batch != 0 && self.updates % self.batch == 0 {
            let now = Instant::now();
            self.signal.update(|events| events.batches.push(now));
        }
    }

    fn error(&mut self, _: &SchedulerDriver, message: String) {
        self.signal.update(|events| events.error = Some(message));
    }
}

/// A started driver whose framework is registered.
fn registered_driver(name: &str, batch: u64, master: &str) -> (MesosSchedulerDriver, Arc<Signal>) {
    let signal = Arc::new(Signal::default());
    let scheduler = BenchScheduler {
        batch,
        updates: 0,
        signal: signal.clone(),
    };
    let framework = FrameworkInfo {
        user: String::new(), // libmesos fills in the current user
        name: name.into(),
        ..Default::default()
    };
    let driver = MesosSchedulerDriver::builder(scheduler, framework, master)
        .build()
        .unwrap_or_else(|error| fail(error));
    if let Err(error) = driver.start() {
        fail(format!("the driver did not start: {error}"));
    }
    drop(signal.wait("not registered", REGISTER_TIMEOUT, |e| e.registered));
    (driver, signal)
}

fn stop(driver: &MesosSchedulerDriver) {
    let _ = driver.stop(false);
    let _ = driver.join();
}

/// CPU time used so far by the calling thread (`CLOCK_THREAD_CPUTIME_ID`)
/// or by the whole process (`CLOCK_PROCESS_CPUTIME_ID`).
fn cpu_time(clock: libc::clockid_t) -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid timespec to write to.
    unsafe { libc::clock_gettime(clock, &mut now) };
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

fn calls(master: &str, seconds: f64) {
    let (driver, _signal) = registered_driver("bench-calls-rust", 0, master);
    let mut count = 0u64;
    let cpu_start = cpu_time(libc::CLOCK_THREAD_CPUTIME_ID);
    let start = Instant::now();
    let mut now = start;
    while now.duration_since(start).as_secs_f64() < seconds {
        for _ in 0..CLOCK_EVERY {
            if let Err(error) = driver.reconcile_tasks(&[]) {
                fail(format!("reconcile_tasks: {error}"));
            }
        }
        count += CLOCK_EVERY;
        now = Instant::now();
    }
    let cpu = cpu_time(libc::CLOCK_THREAD_CPUTIME_ID) - cpu_start;
    report("calls", count, now.duration_since(start).as_secs_f64());
    // What each call costs the calling thread, whatever share of the CPU the
    // driver's own threads took meanwhile.
    eprintln!(
        "bench: calling_thread_cpu_ns_per_call={:.1}",
        cpu.as_nanos() as f64 / count as f64
    );
    stop(&driver);
}

/// `n` TaskStatus for tasks `{prefix}-0`... the master does not know, on
/// `agent`.
fn unknown_tasks(prefix: &str, n: u64, agent: &SlaveId) -> Vec<TaskStatus> {
    (0..n)
        .map(|i| {
            let mut status = TaskStatus {
                task_id: TaskId {
                    value: format!("{prefix}-{i}"),
                },
                slave_id: Some(agent.clone()),
                ..Default::default()
            };
            status.set_state(TaskState::TaskLost);
            status
        })
        .collect()
}

/// Asks for explicit reconciliation of `statuses` and waits for the answers,
/// the `batch`-th batch of status updates.
fn reconcile_and_wait(
    driver: &MesosSchedulerDriver,
    signal: &Signal,
    statuses: &[TaskStatus],
    batch: usize,
) -> Instant {
    if let Err(error) = driver.reconcile_tasks(statuses) {
        fail(format!("reconcile_tasks: {error}"));
    }
    signal
        .wait("status updates", STORM_TIMEOUT, |e| {
            e.batches.len() >= batch
        })
        .batches[batch - 1]
}

/// Runs a storm of `n` callbacks with `storm(batch)` (which asks for the
/// `batch`-th one and returns when its last callback came) and reports it
/// as `workload`. A first, untimed storm warms up the master, the
/// connection and both processes' allocators; then STORMS timed storms, of
/// which the median is reported (one storm of 1000 lasts ~30 ms: a single
/// one is at the mercy of the scheduler on a shared machine).
fn timed_storms(workload: &str, n: u64, mut storm: impl FnMut(usize) -> Instant) {
    storm(1);
    let mut seconds = Vec::with_capacity(STORMS);
    let cpu_start = cpu_time(libc::CLOCK_PROCESS_CPUTIME_ID);
    for timed in 0..STORMS {
        let start = Instant::now();
        let done = storm(2 + timed);
        seconds.push(done.duration_since(start).as_secs_f64());
    }
    let cpu = cpu_time(libc::CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
    seconds.sort_by(f64::total_cmp);
    report(workload, n, seconds[STORMS / 2]);
    // What receiving and delivering the updates cost this process (libmesos's
    // threads included), whatever the master's speed.
    eprintln!(
        "bench: process_cpu_ns_per_callback={:.1}",
        cpu.as_nanos() as f64 / (n as f64 * STORMS as f64)
    );
}

fn storm(master: &str, n: u64) {
    let (driver, signal) = registered_driver("bench-storm-rust", n, master);
    let agent = signal
        .wait("no offer", REGISTER_TIMEOUT, |e| e.agent.is_some())
        .agent
        .clone()
        .unwrap();

    let statuses = unknown_tasks("bench", n, &agent);
    let warmup = unknown_tasks("warmup", n, &agent);
    timed_storms("storm", n, |batch| {
        let tasks = if batch == 1 { &warmup } else { &statuses };
        reconcile_and_wait(&driver, &signal, tasks, batch)
    });
    stop(&driver);
}

/// `offers` and `offers-batch` are the same workload here: a Rust scheduler
/// always receives the batch whole. The two names exist for the C++ twin,
/// which parses either one offer at a time or the whole batch at once.
#[cfg(cpp_helpers)]
fn offers(workload: &str, seconds: f64) {
    let run = if workload == "offers-v1" {
        offer_path::run_v1
    } else {
        offer_path::run
    };
    let (count, elapsed) = run(seconds).unwrap_or_else(|error| fail(error));
    report(workload, count, elapsed);
}

#[cfg(not(cpp_helpers))]
fn offers(workload: &str, _seconds: f64) {
    without_cpp_helpers(workload)
}

#[cfg(cpp_helpers)]
fn paired(workload: &str, master: &str, size: f64) {
    match workload {
        "calls-paired" => paired::calls(master, size),
        _ => paired::storm(master, size as u64),
    }
}

#[cfg(not(cpp_helpers))]
fn paired(workload: &str, _master: &str, _size: f64) {
    without_cpp_helpers(workload)
}

#[cfg(not(cpp_helpers))]
fn without_cpp_helpers(workload: &str) -> ! {
    eprintln!(
        "bench: `{workload}` needs libmesos's C++ classes, and this build has none: {}",
        mesos_native_sys::NATIVE_UNAVAILABLE_REASON
    );
    std::process::exit(2);
}

fn usage() -> ! {
    eprintln!(
        "usage: bench calls MASTER SECONDS | bench calls-paired MASTER SECONDS | \
         bench storm MASTER N | bench storm-paired MASTER N | bench storm-v1 MASTER N | \
         bench offers [SECONDS] | bench offers-batch [SECONDS] | bench offers-v1 [SECONDS] | \
         bench state-zk SERVERS ZNODE SECONDS | bench state-leveldb DIR SECONDS | \
         bench log-append DIR SECONDS | bench resources N SECONDS"
    );
    std::process::exit(2);
}

fn positive(text: &str) -> f64 {
    match text.parse::<f64>() {
        Ok(value) if value > 0.0 && value.is_finite() => value,
        _ => usage(),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["calls", master, seconds] => calls(master, positive(seconds)),
        [workload @ ("calls-paired" | "storm-paired"), master, size] => {
            paired(workload, master, positive(size))
        }
        ["storm", master, n] => storm(master, positive(n) as u64),
        ["storm-v1", master, n] => storm_v1::storm(master, positive(n) as u64),
        [workload @ ("offers" | "offers-batch" | "offers-v1")] => offers(workload, 2.0),
        [workload @ ("offers" | "offers-batch" | "offers-v1"), seconds] => {
            offers(workload, positive(seconds))
        }
        ["state-zk", servers, znode, seconds] => {
            state_log::state_zookeeper(servers, znode, positive(seconds))
        }
        ["state-leveldb", dir, seconds] => state_log::state_leveldb(dir, positive(seconds)),
        ["log-append", dir, seconds] => state_log::log_append(dir, positive(seconds)),
        ["resources", n, seconds] => resources::resources(positive(n) as u64, positive(seconds)),
        _ => usage(),
    }
    report_peak_rss();
}
