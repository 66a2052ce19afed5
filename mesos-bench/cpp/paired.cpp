// The C++ half of the paired workloads (src/paired.rs): a
// MesosSchedulerDriver held by value, as the twin (bench.cpp) holds it, so
// that its calls compile to the same direct call, but living in the Rust
// bench's own process. The two sides' work then alternates on one
// libprocess, one heap and one CPU, and a process that runs slow (or fast)
// is so for both sides at once.
#include <cstdint>
#include <string>
#include <vector>

#include <mesos/mesos.hpp>
#include <mesos/scheduler.hpp>

#include "bench_scheduler.hpp"

struct mesos_bench_cpp_driver {
  mesos_bench_cpp_driver(const char *master, uint64_t batch)
      : scheduler(batch),
        driver(&scheduler, bench::framework("bench-paired-cpp"), master,
               true) {}

  bench::BenchScheduler scheduler;
  mesos::MesosSchedulerDriver driver;
  // The empty list of implicit reconciliation, made once (as the twin's
  // loop makes it once).
  const std::vector<mesos::TaskStatus> none;
  // A storm's tasks, made at the first storm; and how many storms ran.
  std::vector<mesos::TaskStatus> storm_tasks;
  size_t storms = 0;
};

extern "C" {

// A started driver whose framework is registered, its scheduler recording
// every `batch`-th status update (0: none); NULL if it did not start. Ends
// the process (as the twin does) if registration fails or times out.
mesos_bench_cpp_driver *mesos_bench_cpp_driver_start(const char *master,
                                                     uint64_t batch) {
  mesos_bench_cpp_driver *created = new mesos_bench_cpp_driver(master, batch);
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

// One storm, the twin's: explicit reconciliation of the `batch` (as given
// to start) tasks `paired-cpp-<i>`, unknown on the agent `agent_id`; the
// seconds from the call to the last status update.
double mesos_bench_cpp_driver_storm(mesos_bench_cpp_driver *target,
                                    const char *agent_id, uint64_t n) {
  if (target->storm_tasks.empty()) {
    mesos::SlaveID agent;
    agent.set_value(agent_id);
    target->storm_tasks = bench::unknown_tasks("paired-cpp", n, agent);
  }
  const bench::Clock::time_point start = bench::Clock::now();
  const bench::Clock::time_point done = bench::reconcile_and_wait(
      &target->driver, &target->scheduler, target->storm_tasks,
      ++target->storms);
  return bench::seconds_between(start, done);
}

void mesos_bench_cpp_driver_stop(mesos_bench_cpp_driver *target) {
  bench::stop(&target->driver);
  delete target;
}

} // extern "C"
