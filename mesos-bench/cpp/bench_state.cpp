// The C++ twin of the State and replicated-log benchmarks
// (mesos-bench/src/state_log.rs): the same workloads on libmesos's own
// mesos::state::State and mesos::log::Log, the classes Java's
// ZooKeeperState, LevelDBState and Log wrap, with the same command line and
// output.
//
//   bench state-zk SERVERS ZNODE SECONDS  store + fetch of one variable on
//                                         ZooKeeper, in a loop for SECONDS
//   bench state-leveldb DIR SECONDS       the same on LevelDB at DIR
//   bench log-append DIR SECONDS          appends to a one-replica log
//                                         (quorum 1) at DIR
//
// Each call is waited for before the next one starts, as on the Rust side.
// Prints `<workload> <count> <seconds> <rate>/s` on stdout and, on stderr,
// `bench: peak_rss_kb=<n>` and `bench: process_cpu_ns_per_op=<ns>`.
//
// Built by scripts/bench.sh with g++ against the installed Mesos headers
// (which need libprocess's, from --enable-install-module-dependencies);
// not built by cargo.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <memory>
#include <set>
#include <string>

#include <mesos/log/log.hpp>
#include <mesos/state/leveldb.hpp>
#include <mesos/state/state.hpp>
#include <mesos/state/storage.hpp>
#include <mesos/state/zookeeper.hpp>

#include <process/future.hpp>
#include <process/pid.hpp>

#include <stout/duration.hpp>
#include <stout/option.hpp>

#include "bench_common.hpp"

namespace {

using bench::Clock;
using bench::cpu_ns;
using bench::fail;
using bench::report;
using bench::report_peak_rss;
using bench::seconds_between;

// As on the Rust side: a small value, one variable.
const size_t kValueBytes = 100;
const char *const kName = "bench";

// The i-th value: different every time, as on the Rust side.
std::string value(uint64_t i) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%020llu",
                static_cast<unsigned long long>(i));
  std::string value(digits);
  value.resize(kValueBytes, 'x');
  return value;
}

// The value of `future`, or the run fails with `what` and the reason.
//
// Waits as the binding's shim does, on a condition variable signalled from
// the future's onAny, not with Future::await: await (what the Java
// binding's JNI code calls) spawns a libprocess latch process for every
// wait, which costs more than a LevelDB store, and would make the twin,
// not the binding, the slow side.
template <typename T>
T settled(const process::Future<T> &future, const std::string &what) {
  std::mutex mutex;
  std::condition_variable changed;
  bool done = false;
  future.onAny([&](const process::Future<T> &) {
    std::lock_guard<std::mutex> lock(mutex);
    done = true;
    changed.notify_one();
  });
  std::unique_lock<std::mutex> lock(mutex);
  // On a timeout the process exits (fail), so the callback never outlives
  // the variables it captured.
  if (!changed.wait_for(lock, std::chrono::seconds(30), [&] { return done; })) {
    fail(what + ": no answer within 30 s");
  }
  if (!future.isReady()) {
    fail(what + ": " + (future.isFailed() ? future.failure() : "discarded"));
  }
  return future.get();
}

// Runs op(i) for i = 0, 1, ... until `seconds` have passed; reports the
// count as `workload` and the process's CPU time per operation.
template <typename Op>
void timed(const char *workload, double seconds, Op op) {
  const double cpu_start = cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
  const Clock::time_point start = Clock::now();
  Clock::time_point now = start;
  uint64_t count = 0;
  while (seconds_between(start, now) < seconds) {
    op(count);
    ++count;
    now = Clock::now();
  }
  const double cpu = cpu_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
  report(workload, count, seconds_between(start, now));
  std::fprintf(stderr, "bench: process_cpu_ns_per_op=%.1f\n",
               cpu / static_cast<double>(count));
}

void store_and_fetch(const char *workload, mesos::state::Storage *storage,
                     double seconds) {
  mesos::state::State state(storage);
  mesos::state::Variable variable = settled(state.fetch(kName), "first fetch");
  timed(workload, seconds, [&](uint64_t i) {
    Option<mesos::state::Variable> stored =
        settled(state.store(variable.mutate(value(i))), "store");
    if (stored.isNone()) {
      fail("store: the version was stale, yet nothing else writes this "
           "variable");
    }
    mesos::state::Variable fetched = settled(state.fetch(kName), "fetch");
    if (fetched.value() != stored->value()) {
      fail("fetch: the value read back is not the one stored");
    }
    variable = fetched;
  });
}

void log_append(const std::string &dir, double seconds) {
  mesos::log::Log log(1, dir, std::set<process::UPID>(), true);
  mesos::log::Log::Writer writer(&log);
  if (settled(writer.start(), "writer start").isNone()) {
    fail("writer start: not elected");
  }
  timed("log-append", seconds, [&](uint64_t i) {
    if (settled(writer.append(value(i)), "append").isNone()) {
      fail("append: lost leadership, yet nothing else writes this log");
    }
  });
}

double positive(const char *text) {
  char *end = nullptr;
  const double value = std::strtod(text, &end);
  if (end == text || *end != '\0' || !(value > 0)) {
    fail(std::string("not a positive number: ") + text);
  }
  return value;
}

[[noreturn]] void usage() {
  fail("usage: bench state-zk SERVERS ZNODE SECONDS | "
       "bench state-leveldb DIR SECONDS | bench log-append DIR SECONDS");
}

} // namespace

int main(int argc, char **argv) {
  const std::string workload = argc > 1 ? argv[1] : "";
  if (workload == "state-zk" && argc == 5) {
    mesos::state::ZooKeeperStorage storage(argv[2], Seconds(10), argv[3]);
    store_and_fetch("state-zk", &storage, positive(argv[4]));
  } else if (workload == "state-leveldb" && argc == 4) {
    mesos::state::LevelDBStorage storage(argv[2]);
    store_and_fetch("state-leveldb", &storage, positive(argv[3]));
  } else if (workload == "log-append" && argc == 4) {
    log_append(argv[2], positive(argv[3]));
  } else {
    usage();
  }
  report_peak_rss();
  return 0;
}
