// The C++ half of `bench calls-paired` (src/calls_paired.rs): a
// MesosSchedulerDriver held by value, as the twin (bench.cpp) holds it, so
// that its calls compile to the same direct call, but living in the Rust
// bench's own process. Blocks of the two sides' calls then alternate on one
// libprocess, one heap and one CPU, and a process that runs slow (or fast)
// is so for both sides at once.
#include <cstdint>
#include <vector>

#include <mesos/mesos.hpp>
#include <mesos/scheduler.hpp>

#include "bench_scheduler.hpp"

struct mesos_bench_cpp_driver {
  explicit mesos_bench_cpp_driver(const char *master)
      : scheduler(0),
        driver(&scheduler, bench::framework("bench-calls-paired-cpp"), master,
               true) {}

  bench::BenchScheduler scheduler;
  mesos::MesosSchedulerDriver driver;
  // The empty list of implicit reconciliation, made once (as the twin's
  // loop makes it once).
  const std::vector<mesos::TaskStatus> none;
};

extern "C" {

// A started driver whose framework is registered; NULL if it did not start.
// Ends the process (as the twin does) if registration fails or times out.
mesos_bench_cpp_driver *mesos_bench_cpp_driver_start(const char *master) {
  mesos_bench_cpp_driver *created = new mesos_bench_cpp_driver(master);
  if (created->driver.start() != mesos::DRIVER_RUNNING) {
    delete created;
    return nullptr;
  }
  created->scheduler.wait_registered();
  return created;
}

// `n` calls of reconcileTasks({}), the twin's loop body: how many returned
// DRIVER_RUNNING before the first that did not.
uint64_t mesos_bench_cpp_driver_reconcile(mesos_bench_cpp_driver *target,
                                          uint64_t n) {
  for (uint64_t i = 0; i < n; i++) {
    if (target->driver.reconcileTasks(target->none) != mesos::DRIVER_RUNNING) {
      return i;
    }
  }
  return n;
}

void mesos_bench_cpp_driver_stop(mesos_bench_cpp_driver *target) {
  bench::stop(&target->driver);
  delete target;
}

} // extern "C"
