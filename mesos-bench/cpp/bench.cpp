// The C++ twin of the Rust benchmark (mesos-bench/src/main.rs): the same
// workloads, written directly against libmesos's C++ API
// (mesos::MesosSchedulerDriver, mesos::Scheduler), with the same command
// line and output, so scripts/bench.sh compares the two builds line by line.
//
//   bench calls MASTER SECONDS   reconcileTasks({}) in a loop for SECONDS
//   bench storm MASTER N         explicit reconciliation of N unknown tasks;
//                                time until the N-th statusUpdate, median of
//                                5 storms (after an untimed warm-up storm)
//   bench offers [SECONDS]       parse the offer batch of offer_batch.hpp
//                                from its serialized bytes, offer by offer,
//                                each freed before the next is parsed
//   bench offers-batch [SECONDS] parse the same bytes into the whole batch,
//                                which lives until all of it is parsed (as
//                                libmesos holds the offers of a
//                                ResourceOffersMessage), then free it
//   bench offers-v1 [SECONDS]    parse the same batch as one mesos.v1
//                                OFFERS event from its bytes
//
// Each prints `<workload> <count> <seconds> <rate>/s` on stdout, and on stderr
// its peak resident set size (VmHWM) as `bench: peak_rss_kb=<n>`, plus a CPU
// cost that does not depend on the share of the CPU a run got:
// `calling_thread_cpu_ns_per_call` (calls) and `process_cpu_ns_per_callback`
// (storm).
//
// Built by scripts/bench.sh with g++ against the installed Mesos headers and
// -lmesos; not built by cargo.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <mesos/mesos.hpp>
#include <mesos/scheduler.hpp>
#include <mesos/v1/scheduler/scheduler.hpp>

#include "bench_common.hpp"
#include "bench_scheduler.hpp"
#include "offer_batch.hpp"

namespace {

using bench::BenchScheduler;
using bench::Clock;
using bench::cpu_ns;
using bench::fail;
using bench::framework;
using bench::kStorms;
using bench::reconcile_and_wait;
using bench::report;
using bench::report_peak_rss;
using bench::seconds_between;
using bench::stop;
using bench::unknown_tasks;

// Same check interval as the Rust side: the clock is read every this many
// calls.
const uint64_t kClockEvery = 1024;

int calls(const std::string &master, double seconds) {
  BenchScheduler scheduler(0);
  mesos::MesosSchedulerDriver driver(&scheduler, framework("bench-calls-cpp"),
                                     master, true);
  if (driver.start() != mesos::DRIVER_RUNNING) {
    fail("the driver did not start");
  }
  scheduler.wait_registered();

  const std::vector<mesos::TaskStatus> none;
  uint64_t count = 0;
  const double cpu_start = cpu_ns(CLOCK_THREAD_CPUTIME_ID);
  const Clock::time_point start = Clock::now();
  Clock::time_point now = start;
  while (seconds_between(start, now) < seconds) {
    for (uint64_t i = 0; i < kClockEvery; i++) {
      if (driver.reconcileTasks(none) != mesos::DRIVER_RUNNING) {
        fail("reconcileTasks: the driver is not running");
      }
    }
    count += kClockEvery;
    now = Clock::now();
  }
  const double cpu = cpu_ns(CLOCK_THREAD_CPUTIME_ID) - cpu_start;
  report("calls", count, seconds_between(start, now));
  // What each call costs the calling thread, whatever share of the CPU the
  // driver's own threads took meanwhile.
  std::fprintf(stderr, "bench: calling_thread_cpu_ns_per_call=%.1f\n",
               cpu / static_cast<double>(count));
  stop(&driver);
  return 0;
}

int storm(const std::string &master, uint64_t n) {
  BenchScheduler scheduler(n);
  mesos::MesosSchedulerDriver driver(&scheduler, framework("bench-storm-cpp"),
                                     master, true);
  if (driver.start() != mesos::DRIVER_RUNNING) {
    fail("the driver did not start");
  }
  scheduler.wait_registered();
  const mesos::SlaveID agent = scheduler.wait_agent();

  // A first, untimed storm warms up the master, the connection and both
  // processes' allocators; then kStorms timed storms, of which the median is
  // reported.
  reconcile_and_wait(&driver, &scheduler, unknown_tasks("warmup", n, agent), 1);
  const std::vector<mesos::TaskStatus> statuses =
      unknown_tasks("bench", n, agent);
  std::vector<double> seconds;
  const double cpu_start = cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
  for (size_t storm = 0; storm < kStorms; storm++) {
    const Clock::time_point start = Clock::now();
    const Clock::time_point done =
        reconcile_and_wait(&driver, &scheduler, statuses, 2 + storm);
    seconds.push_back(seconds_between(start, done));
  }
  const double cpu = cpu_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
  std::sort(seconds.begin(), seconds.end());
  report("storm", n, seconds[kStorms / 2]);
  // What receiving and delivering the updates cost this process (libmesos's
  // threads included), whatever the master's speed.
  std::fprintf(stderr, "bench: process_cpu_ns_per_callback=%.1f\n",
               cpu / (static_cast<double>(n) * kStorms));
  stop(&driver);
  return 0;
}

// Runs `round` once untimed, then for at least `seconds`; reports
// `per_round` offers per round.
template <typename Round>
int time_rounds(const char *workload, double seconds, size_t per_round,
                Round round) {
  round(); // warm up
  uint64_t count = 0;
  const Clock::time_point start = Clock::now();
  Clock::time_point now = start;
  while (seconds_between(start, now) < seconds) {
    round();
    count += per_round;
    now = Clock::now();
  }
  report(workload, count, seconds_between(start, now));
  return 0;
}

// `whole_batch`: every offer of the batch stays alive until the last one is
// parsed; otherwise each is freed before the next is parsed.
int offers(const char *workload, double seconds, bool whole_batch) {
  const std::vector<mesos::Offer> batch = mesos_bench::offer_batch();
  std::vector<std::string> bytes;
  for (const mesos::Offer &offer : batch) {
    bytes.push_back(offer.SerializePartialAsString());
  }
  auto parse = [](mesos::Offer *offer, const std::string &serialized) {
    if (!offer->ParseFromString(serialized)) {
      fail("an offer did not parse");
    }
  };
  auto round = [&bytes, &parse, whole_batch] {
    if (whole_batch) {
      std::vector<mesos::Offer> parsed(bytes.size());
      for (size_t i = 0; i < bytes.size(); i++) {
        parse(&parsed[i], bytes[i]);
      }
    } else {
      for (const std::string &serialized : bytes) {
        mesos::Offer offer;
        parse(&offer, serialized);
      }
    }
  };
  return time_rounds(workload, seconds, bytes.size(), round);
}

// The v1 twin of `offers`: the same batch as one mesos.v1 OFFERS event,
// parsed from its bytes, as libmesos's v1 library parses every event it
// reads from the master (the two schemas share field numbers, so each v0
// offer's bytes parse as a v1 offer).
int offers_v1(const char *workload, double seconds) {
  const std::vector<mesos::Offer> batch = mesos_bench::offer_batch();
  mesos::v1::scheduler::Event event;
  event.set_type(mesos::v1::scheduler::Event::OFFERS);
  for (const mesos::Offer &offer : batch) {
    if (!event.mutable_offers()->add_offers()->ParseFromString(
            offer.SerializeAsString())) {
      fail("a v0 offer does not parse as a v1 offer");
    }
  }
  const std::string bytes = event.SerializeAsString();
  auto round = [&bytes] {
    mesos::v1::scheduler::Event parsed;
    if (!parsed.ParseFromString(bytes)) {
      fail("the OFFERS event did not parse");
    }
  };
  return time_rounds(workload, seconds, batch.size(), round);
}

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: bench calls MASTER SECONDS | bench storm MASTER N | "
               "bench offers [SECONDS] | bench offers-batch [SECONDS] | "
               "bench offers-v1 [SECONDS]\n");
  std::exit(2);
}

double positive_number(const char *text) {
  char *end = nullptr;
  const double value = std::strtod(text, &end);
  if (end == text || *end != '\0' || !(value > 0)) {
    usage();
  }
  return value;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    usage();
  }
  const std::string workload = argv[1];
  int result = 2;
  if (workload == "calls" && argc == 4) {
    result = calls(argv[2], positive_number(argv[3]));
  } else if (workload == "storm" && argc == 4) {
    result = storm(argv[2], static_cast<uint64_t>(positive_number(argv[3])));
  } else if (workload == "offers-v1" && argc <= 3) {
    result = offers_v1(workload.c_str(), argc == 3 ? positive_number(argv[2]) : 2.0);
  } else if ((workload == "offers" || workload == "offers-batch") && argc <= 3) {
    result = offers(workload.c_str(), argc == 3 ? positive_number(argv[2]) : 2.0,
                    workload == "offers-batch");
  } else {
    usage();
  }
  report_peak_rss();
  return result;
}
