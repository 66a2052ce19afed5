// The C++ twin of the Rust benchmark (mesos-bench/src/main.rs): the same
// workloads, written directly against libmesos's C++ API
// (mesos::MesosSchedulerDriver, mesos::Scheduler), with the same command
// line and output, so scripts/bench.sh compares the two builds line by line.
//
//   bench calls MASTER SECONDS   reconcileTasks({}) in a loop for SECONDS
//   bench storm MASTER N         explicit reconciliation of N unknown tasks;
//                                time until the N-th statusUpdate
//   bench offers [SECONDS]       parse the offer batch of offer_batch.hpp
//                                from its serialized bytes, offer by offer
//
// Each prints `<workload> <count> <seconds> <rate>/s` on stdout, and its peak
// resident set size (VmHWM) on stderr as `bench: peak_rss_kb=<n>`.
//
// Built by scripts/bench.sh with g++ against the installed Mesos headers and
// -lmesos; not built by cargo.
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

#include "offer_batch.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// Same check interval as the Rust side: the clock is read every this many
// calls.
const uint64_t kClockEvery = 1024;
const std::chrono::seconds kRegisterTimeout(60);
const std::chrono::seconds kStormTimeout(300);

// CPU time used so far by the calling thread, in nanoseconds.
double thread_cpu_ns() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e9 + static_cast<double>(now.tv_nsec);
}

double seconds_between(Clock::time_point start, Clock::time_point end) {
  return std::chrono::duration<double>(end - start).count();
}

void report(const char *workload, uint64_t count, double seconds) {
  std::printf("%s %llu %.6f %.1f/s\n", workload,
              static_cast<unsigned long long>(count), seconds,
              static_cast<double>(count) / seconds);
  std::fflush(stdout);
}

void report_peak_rss() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.compare(0, 6, "VmHWM:") == 0) {
      std::fprintf(stderr, "bench: peak_rss_kb=%lld\n",
                   std::atoll(line.c_str() + 6));
    }
  }
}

[[noreturn]] void fail(const std::string &message) {
  std::fprintf(stderr, "bench: %s\n", message.c_str());
  std::exit(1);
}

// Waits for registration and the first offer, counts status updates, and
// records when the `target`-th arrives. Offers are declined for an hour so
// that no further offer interleaves with the workload.
class BenchScheduler : public mesos::Scheduler {
public:
  explicit BenchScheduler(uint64_t target) : target_(target) {}

  void registered(mesos::SchedulerDriver *, const mesos::FrameworkID &,
                  const mesos::MasterInfo &) override {
    std::lock_guard<std::mutex> lock(mutex_);
    registered_ = true;
    changed_.notify_all();
  }

  void reregistered(mesos::SchedulerDriver *,
                    const mesos::MasterInfo &) override {}
  void disconnected(mesos::SchedulerDriver *) override {}

  void resourceOffers(mesos::SchedulerDriver *driver,
                      const std::vector<mesos::Offer> &offers) override {
    mesos::Filters filters;
    filters.set_refuse_seconds(3600);
    for (const mesos::Offer &offer : offers) {
      driver->declineOffer(offer.id(), filters);
    }
    if (!offers.empty()) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!agent_) {
        agent_.reset(new mesos::SlaveID(offers.front().slave_id()));
        changed_.notify_all();
      }
    }
  }

  void offerRescinded(mesos::SchedulerDriver *,
                      const mesos::OfferID &) override {}

  void statusUpdate(mesos::SchedulerDriver *,
                    const mesos::TaskStatus &) override {
    if (++updates_ == target_) {
      const Clock::time_point now = Clock::now();
      std::lock_guard<std::mutex> lock(mutex_);
      done_at_ = now;
      done_ = true;
      changed_.notify_all();
    }
  }

  void frameworkMessage(mesos::SchedulerDriver *, const mesos::ExecutorID &,
                        const mesos::SlaveID &, const std::string &) override {}
  void slaveLost(mesos::SchedulerDriver *, const mesos::SlaveID &) override {}
  void executorLost(mesos::SchedulerDriver *, const mesos::ExecutorID &,
                    const mesos::SlaveID &, int) override {}

  void error(mesos::SchedulerDriver *, const std::string &message) override {
    std::lock_guard<std::mutex> lock(mutex_);
    error_ = message;
    changed_.notify_all();
  }

  void wait_registered() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!changed_.wait_for(lock, kRegisterTimeout,
                           [&] { return registered_ || !error_.empty(); }) ||
        !error_.empty()) {
      fail("not registered: " + (error_.empty() ? "timed out" : error_));
    }
  }

  mesos::SlaveID wait_agent() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!changed_.wait_for(lock, kRegisterTimeout,
                           [&] { return agent_ || !error_.empty(); }) ||
        !error_.empty()) {
      fail("no offer: " + (error_.empty() ? "timed out" : error_));
    }
    return *agent_;
  }

  Clock::time_point wait_done() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!changed_.wait_for(lock, kStormTimeout,
                           [&] { return done_ || !error_.empty(); }) ||
        !error_.empty()) {
      fail("status updates: got " + std::to_string(updates_) + " of " +
           std::to_string(target_) + ": " +
           (error_.empty() ? "timed out" : error_));
    }
    return done_at_;
  }

private:
  const uint64_t target_;
  // Only touched by the callback thread (libmesos runs callbacks one at a
  // time), like the Rust scheduler's plain counter.
  uint64_t updates_ = 0;

  std::mutex mutex_;
  std::condition_variable changed_;
  bool registered_ = false;
  std::unique_ptr<mesos::SlaveID> agent_;
  bool done_ = false;
  Clock::time_point done_at_;
  std::string error_;
};

mesos::FrameworkInfo framework(const std::string &name) {
  mesos::FrameworkInfo info;
  info.set_user(""); // libmesos fills in the current user
  info.set_name(name);
  return info;
}

void stop(mesos::MesosSchedulerDriver *driver) {
  driver->stop(false);
  driver->join();
}

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
  const double cpu_start = thread_cpu_ns();
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
  const double cpu = thread_cpu_ns() - cpu_start;
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

  std::vector<mesos::TaskStatus> statuses;
  statuses.reserve(n);
  for (uint64_t i = 0; i < n; i++) {
    mesos::TaskStatus status;
    status.mutable_task_id()->set_value("bench-" + std::to_string(i));
    status.set_state(mesos::TASK_LOST);
    *status.mutable_slave_id() = agent;
    statuses.push_back(status);
  }

  const Clock::time_point start = Clock::now();
  if (driver.reconcileTasks(statuses) != mesos::DRIVER_RUNNING) {
    fail("reconcileTasks: the driver is not running");
  }
  const Clock::time_point done = scheduler.wait_done();
  report("storm", n, seconds_between(start, done));
  stop(&driver);
  return 0;
}

int offers(double seconds) {
  const std::vector<mesos::Offer> batch = mesos_bench::offer_batch();
  std::vector<std::string> bytes;
  for (const mesos::Offer &offer : batch) {
    bytes.push_back(offer.SerializePartialAsString());
  }
  auto round = [&bytes] {
    for (const std::string &serialized : bytes) {
      // A fresh message per offer, as libmesos parses each incoming one.
      mesos::Offer offer;
      if (!offer.ParseFromString(serialized)) {
        fail("an offer did not parse");
      }
    }
  };
  round(); // warm up

  uint64_t count = 0;
  const Clock::time_point start = Clock::now();
  Clock::time_point now = start;
  while (seconds_between(start, now) < seconds) {
    round();
    count += bytes.size();
    now = Clock::now();
  }
  report("offers", count, seconds_between(start, now));
  return 0;
}

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: bench calls MASTER SECONDS | bench storm MASTER N | "
               "bench offers [SECONDS]\n");
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
  } else if (workload == "offers" && argc <= 3) {
    result = offers(argc == 3 ? positive_number(argv[2]) : 2.0);
  } else {
    usage();
  }
  report_peak_rss();
  return result;
}
