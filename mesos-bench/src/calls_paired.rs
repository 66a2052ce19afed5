//! `bench calls-paired MASTER SECONDS`: the `calls` workload on both sides in
//! one process. The binding's `reconcile_tasks(&[])` and libmesos's
//! `reconcileTasks({})` on a `MesosSchedulerDriver` held by value (the C++
//! twin's loop, in `cpp/calls_paired.cpp`) run in alternating blocks, in the
//! order Rust, C++, C++, Rust, ... so that a drift within the run falls on
//! both sides alike.
//!
//! Why: a `calls` run's cost per call is bimodal per process, on both
//! sides (docs/compatibility.md), and which mode a process lands in is not
//! the binding's doing. Separate processes compare a mix of modes; here
//! both sides share the process, its libprocess workers, its heap and its
//! CPU, so the comparison is of the calls alone.
//!
//! Prints one line per side, as a `calls` run prints its one:
//! `calls-paired rust|cpp <count> <seconds> <rate>/s`, where `seconds` is
//! the wall time inside that side's blocks; and on stderr each side's
//! calling-thread CPU per call and the median over block pairs of the
//! Rust/C++ rate.

use std::ffi::{c_char, CString};
use std::time::Instant;

use mesos_native::MesosSchedulerDriver;

use crate::{cpu_time, fail, registered_driver, stop};

/// Calls per block: a few milliseconds, so that reading the clocks is
/// noise, and many blocks per second of run.
const BLOCK: u64 = 16 * 1024;

/// The C++ driver of `cpp/calls_paired.cpp`; only ever behind a pointer.
#[repr(C)]
struct CppDriver {
    _opaque: [u8; 0],
}

extern "C" {
    fn mesos_bench_cpp_driver_start(master: *const c_char) -> *mut CppDriver;
    fn mesos_bench_cpp_driver_reconcile(target: *mut CppDriver, n: u64) -> u64;
    fn mesos_bench_cpp_driver_stop(target: *mut CppDriver);
}

/// What one side's blocks added up to.
#[derive(Default)]
struct Side {
    calls: u64,
    wall_seconds: f64,
    cpu_seconds: f64,
    /// Calls per wall second of each block, in order.
    rates: Vec<f64>,
}

impl Side {
    /// Times `block`, `BLOCK` calls on this side.
    fn time(&mut self, block: impl FnOnce()) {
        let cpu_start = cpu_time(libc::CLOCK_THREAD_CPUTIME_ID);
        let start = Instant::now();
        block();
        let wall = start.elapsed().as_secs_f64();
        let cpu = (cpu_time(libc::CLOCK_THREAD_CPUTIME_ID) - cpu_start).as_secs_f64();
        self.calls += BLOCK;
        self.wall_seconds += wall;
        self.cpu_seconds += cpu;
        self.rates.push(BLOCK as f64 / wall);
    }

    fn report(&self, side: &str) {
        println!(
            "calls-paired {side} {} {:.6} {:.1}/s",
            self.calls,
            self.wall_seconds,
            self.calls as f64 / self.wall_seconds
        );
        eprintln!(
            "bench: {side} calling_thread_cpu_ns_per_call={:.1}",
            self.cpu_seconds * 1e9 / self.calls as f64
        );
    }
}

pub fn calls_paired(master: &str, seconds: f64) {
    let (driver, _signal) = registered_driver("bench-calls-paired-rust", 0, master);
    let master_c = CString::new(master).unwrap_or_else(|_| fail("MASTER contains a NUL byte"));
    // SAFETY: `master_c` is a NUL-terminated string that outlives the call,
    // which copies it.
    let cpp = unsafe { mesos_bench_cpp_driver_start(master_c.as_ptr()) };
    if cpp.is_null() {
        fail("the C++ driver did not start");
    }

    let rust_block = |driver: &MesosSchedulerDriver| {
        for _ in 0..BLOCK {
            if let Err(error) = driver.reconcile_tasks(&[]) {
                fail(format!("reconcile_tasks: {error}"));
            }
        }
    };
    let cpp_block = || {
        // SAFETY: `cpp` is the started driver, stopped only below.
        let done = unsafe { mesos_bench_cpp_driver_reconcile(cpp, BLOCK) };
        if done != BLOCK {
            fail("reconcileTasks: the C++ driver is not running");
        }
    };

    let (mut rust, mut cpp_side) = (Side::default(), Side::default());
    let start = Instant::now();
    let mut round = 0u64;
    while start.elapsed().as_secs_f64() < seconds {
        if round % 2 == 0 {
            rust.time(|| rust_block(&driver));
            cpp_side.time(cpp_block);
        } else {
            cpp_side.time(cpp_block);
            rust.time(|| rust_block(&driver));
        }
        round += 1;
    }

    rust.report("rust");
    cpp_side.report("cpp");
    let mut ratios: Vec<f64> = rust
        .rates
        .iter()
        .zip(&cpp_side.rates)
        .map(|(r, c)| r / c)
        .collect();
    ratios.sort_by(f64::total_cmp);
    // At least one round ran: `seconds` is positive.
    let median = ratios.get(ratios.len() / 2).copied().unwrap_or(f64::NAN);
    eprintln!("bench: rounds={round} block_calls={BLOCK} paired_block_ratio_median={median:.4}");

    // SAFETY: `cpp` is the started driver; not used after this.
    unsafe { mesos_bench_cpp_driver_stop(cpp) };
    stop(&driver);
}
