//! The paired workloads: `calls` and `storm` on both sides in one process.
//! The binding's driver and a `MesosSchedulerDriver` held by value (the C++
//! twin's, in `cpp/paired.cpp`) take turns in the order Rust, C++, C++,
//! Rust, ... so that a drift within the run falls on both sides alike.
//!
//! ```text
//! bench calls-paired MASTER SECONDS  blocks of BLOCK calls of
//!                                    reconcile_tasks(&[]) / reconcileTasks({})
//! bench storm-paired MASTER N        a warm-up storm of N per side, then
//!                                    PAIRED_STORMS timed storms per side
//! ```
//!
//! Why: a `calls` run's cost per call is bimodal per process, on both
//! sides, and a storm's time varies from process to process by more than
//! the binding costs (docs/compatibility.md); which mode a process lands
//! in is not the binding's doing. Separate processes compare a mix of
//! modes; here both sides share the process, its libprocess workers, its
//! heap and its CPU, so the comparison is of the two sides' work alone.
//!
//! Each prints one line per side, as the unpaired workload prints its one:
//! `<workload> rust|cpp <count> <seconds> <rate>/s`; and on stderr each
//! side's CPU cost: `bench: <side> calling_thread_cpu_ns_per_call=` (the
//! calling thread inside that side's blocks) or
//! `bench: <side> process_cpu_ns_per_callback=` (the whole process during
//! that side's storms).

use std::ffi::{c_char, CString};
use std::time::{Duration, Instant};

use mesos_native::proto::SlaveId;

use crate::{
    cpu_time, fail, reconcile_and_wait, registered_driver, stop, unknown_tasks, REGISTER_TIMEOUT,
};

/// Timed storms per side in one `storm-paired` run. More than `storm`'s 5:
/// one storm's time swings by a third from turn to turn, so 5 turns leave
/// a run's median to chance, and here a turn costs no process start or
/// registration.
const PAIRED_STORMS: u64 = 15;

/// Calls per block: a few milliseconds, so that reading the clocks is
/// noise, and many blocks per second of run.
const BLOCK: u64 = 16 * 1024;

/// The C++ driver of `cpp/paired.cpp`; only ever behind a pointer.
#[repr(C)]
struct RawCppDriver {
    _opaque: [u8; 0],
}

extern "C" {
    fn mesos_bench_cpp_driver_start(master: *const c_char, batch: u64) -> *mut RawCppDriver;
    fn mesos_bench_cpp_driver_reconcile(target: *mut RawCppDriver, n: u64) -> u64;
    fn mesos_bench_cpp_driver_storm(
        target: *mut RawCppDriver,
        agent_id: *const c_char,
        n: u64,
    ) -> f64;
    fn mesos_bench_cpp_driver_stop(target: *mut RawCppDriver);
}

/// The C++ side: a started, registered driver, stopped on drop.
struct CppDriver(*mut RawCppDriver);

impl CppDriver {
    /// Its scheduler records every `batch`-th status update (0: none).
    fn start(master: &str, batch: u64) -> Self {
        let master = c_string(master, "MASTER");
        // SAFETY: `master` is a NUL-terminated string that outlives the
        // call, which copies it.
        let raw = unsafe { mesos_bench_cpp_driver_start(master.as_ptr(), batch) };
        if raw.is_null() {
            fail("the C++ driver did not start");
        }
        Self(raw)
    }

    fn reconcile(&self, n: u64) {
        // SAFETY: `self.0` is the started driver, stopped only by drop.
        if unsafe { mesos_bench_cpp_driver_reconcile(self.0, n) } != n {
            fail("reconcileTasks: the C++ driver is not running");
        }
    }

    /// One storm of `n` (the `batch` it started with) on `agent`; its
    /// seconds.
    fn storm(&self, agent: &str, n: u64) -> f64 {
        let agent = c_string(agent, "the agent id");
        // SAFETY: `self.0` is the started driver; `agent` outlives the call,
        // which copies it.
        unsafe { mesos_bench_cpp_driver_storm(self.0, agent.as_ptr(), n) }
    }
}

impl Drop for CppDriver {
    fn drop(&mut self) {
        // SAFETY: `self.0` is the started driver, not used after this.
        unsafe { mesos_bench_cpp_driver_stop(self.0) };
    }
}

fn c_string(text: &str, what: &str) -> CString {
    CString::new(text).unwrap_or_else(|_| fail(format!("{what} contains a NUL byte")))
}

/// What one side's turns added up to.
#[derive(Default)]
struct Side {
    /// Calls or callbacks.
    items: u64,
    /// The wall time of each turn, in order.
    seconds: Vec<f64>,
    cpu: Duration,
}

impl Side {
    /// Times `turn`, `items` calls or callbacks on this side: its wall
    /// time as `turn` measures it, and `clock`'s CPU time around it.
    fn time(&mut self, items: u64, clock: libc::clockid_t, turn: impl FnOnce() -> f64) {
        let cpu_start = cpu_time(clock);
        self.seconds.push(turn());
        self.cpu += cpu_time(clock) - cpu_start;
        self.items += items;
    }

    fn median_seconds(&self) -> f64 {
        let mut seconds = self.seconds.clone();
        seconds.sort_by(f64::total_cmp);
        seconds.get(seconds.len() / 2).copied().unwrap_or(f64::NAN)
    }

    fn cpu_ns_per_item(&self) -> f64 {
        self.cpu.as_nanos() as f64 / self.items as f64
    }
}

/// Takes `rounds` turns per side, Rust first in even rounds and C++ first in
/// odd ones.
fn alternate(rounds: impl Iterator<Item = u64>, mut rust: impl FnMut(), mut cpp: impl FnMut()) {
    for round in rounds {
        if round % 2 == 0 {
            rust();
            cpp();
        } else {
            cpp();
            rust();
        }
    }
}

pub fn calls(master: &str, seconds: f64) {
    let (driver, _signal) = registered_driver("bench-paired-rust", 0, master);
    let cpp_driver = CppDriver::start(master, 0);
    let clock = libc::CLOCK_THREAD_CPUTIME_ID;
    let (mut rust, mut cpp) = (Side::default(), Side::default());
    let start = Instant::now();
    alternate(
        (0..).take_while(|_| start.elapsed().as_secs_f64() < seconds),
        || {
            rust.time(BLOCK, clock, || {
                let block = Instant::now();
                for _ in 0..BLOCK {
                    if let Err(error) = driver.reconcile_tasks(&[]) {
                        fail(format!("reconcile_tasks: {error}"));
                    }
                }
                block.elapsed().as_secs_f64()
            })
        },
        || {
            cpp.time(BLOCK, clock, || {
                let block = Instant::now();
                cpp_driver.reconcile(BLOCK);
                block.elapsed().as_secs_f64()
            })
        },
    );
    for (side, figures) in [("rust", &rust), ("cpp", &cpp)] {
        let wall: f64 = figures.seconds.iter().sum();
        println!(
            "calls-paired {side} {} {wall:.6} {:.1}/s",
            figures.items,
            figures.items as f64 / wall
        );
        eprintln!(
            "bench: {side} calling_thread_cpu_ns_per_call={:.1}",
            figures.cpu_ns_per_item()
        );
    }
    drop(cpp_driver);
    stop(&driver);
}

pub fn storm(master: &str, n: u64) {
    let (driver, signal) = registered_driver("bench-paired-rust", n, master);
    let agent: SlaveId = signal
        .wait("no offer", REGISTER_TIMEOUT, |e| e.agent.is_some())
        .agent
        .clone()
        .unwrap_or_else(|| fail("no agent"));
    let cpp_driver = CppDriver::start(master, n);
    let clock = libc::CLOCK_PROCESS_CPUTIME_ID;

    // One untimed storm per side warms up the master, the connections and
    // the process's allocators; then PAIRED_STORMS timed storms per side.
    let warmup = unknown_tasks("paired-rust-warmup", n, &agent);
    reconcile_and_wait(&driver, &signal, &warmup, 1);
    cpp_driver.storm(&agent.value, n);
    let statuses = unknown_tasks("paired-rust", n, &agent);
    let (mut rust, mut cpp) = (Side::default(), Side::default());
    let mut rust_batch = 1;
    alternate(
        0..PAIRED_STORMS,
        || {
            rust_batch += 1;
            rust.time(n, clock, || {
                let start = Instant::now();
                let done = reconcile_and_wait(&driver, &signal, &statuses, rust_batch);
                done.duration_since(start).as_secs_f64()
            })
        },
        || cpp.time(n, clock, || cpp_driver.storm(&agent.value, n)),
    );
    for (side, figures) in [("rust", &rust), ("cpp", &cpp)] {
        let median = figures.median_seconds();
        println!(
            "storm-paired {side} {n} {median:.6} {:.1}/s",
            n as f64 / median
        );
        eprintln!(
            "bench: {side} process_cpu_ns_per_callback={:.1}",
            figures.cpu_ns_per_item()
        );
    }
    drop(cpp_driver);
    stop(&driver);
}
