// The C++ twin of `bench storm-v1` (mesos-bench/src/storm_v1.rs): the storm
// workload written directly against libmesos's v1 scheduler library
// (mesos::v1::scheduler::Mesos), with the same command line and output.
//
//   bench-v1 storm-v1 MASTER N   explicit reconciliation of N unknown tasks;
//                                time until the N-th UPDATE event, median of
//                                5 storms (after an untimed warm-up storm)
//
// Prints `storm-v1 <count> <seconds> <rate>/s` on stdout, and on stderr
// `bench: peak_rss_kb=<n>` and `bench: process_cpu_ns_per_callback=<x>`.
// Built by scripts/bench.sh like bench.cpp; not built by cargo.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <vector>

#include <mesos/v1/scheduler.hpp>

#include "bench_common.hpp"

namespace {

using bench::Clock;
using bench::cpu_ns;
using bench::fail;
using bench::kStorms;
using bench::report;
using bench::report_peak_rss;
using bench::seconds_between;
using mesos::v1::scheduler::Call;
using mesos::v1::scheduler::Event;

const std::chrono::seconds kRegisterTimeout(60);
const std::chrono::seconds kStormTimeout(300);

// What the callbacks tell the main thread, as on the Rust side.
struct Signal {
  std::mutex mutex;
  std::condition_variable changed;
  bool connected = false;
  Option<mesos::v1::FrameworkID> framework_id;
  Option<mesos::v1::AgentID> agent;
  std::vector<Clock::time_point> batches;
  uint64_t updates = 0;
  uint64_t batch = 0;

  template <typename Ready>
  void wait(const char *what, std::chrono::seconds timeout, Ready ready) {
    std::unique_lock<std::mutex> lock(mutex);
    if (!changed.wait_for(lock, timeout, [&] { return ready(); })) {
      fail(std::string(what) + ": timed out");
    }
  }
};

void subscribe(mesos::v1::scheduler::Mesos &mesos) {
  Call call;
  call.set_type(Call::SUBSCRIBE);
  mesos::v1::FrameworkInfo *framework =
      call.mutable_subscribe()->mutable_framework_info();
  const char *user = std::getenv("USER");
  framework->set_user(user != nullptr ? user : "root");
  framework->set_name("bench-storm-v1-cpp");
  mesos.send(call);
}

void received(Signal &signal, mesos::v1::scheduler::Mesos *&mesos,
              std::queue<Event> events) {
  while (!events.empty()) {
    const Event &event = events.front();
    if (event.type() == Event::SUBSCRIBED) {
      std::lock_guard<std::mutex> lock(signal.mutex);
      signal.framework_id = event.subscribed().framework_id();
      signal.changed.notify_all();
    } else if (event.type() == Event::OFFERS) {
      Call decline;
      decline.set_type(Call::DECLINE);
      {
        std::lock_guard<std::mutex> lock(signal.mutex);
        decline.mutable_framework_id()->CopyFrom(signal.framework_id.get());
        if (signal.agent.isNone() && event.offers().offers_size() > 0) {
          signal.agent = event.offers().offers(0).agent_id();
          signal.changed.notify_all();
        }
      }
      for (const mesos::v1::Offer &offer : event.offers().offers()) {
        decline.mutable_decline()->add_offer_ids()->CopyFrom(offer.id());
      }
      decline.mutable_decline()->mutable_filters()->set_refuse_seconds(3600);
      mesos->send(decline);
    } else if (event.type() == Event::UPDATE) {
      signal.updates++;
      if (signal.batch != 0 && signal.updates % signal.batch == 0) {
        const Clock::time_point now = Clock::now();
        std::lock_guard<std::mutex> lock(signal.mutex);
        signal.batches.push_back(now);
        signal.changed.notify_all();
      }
    }
    events.pop();
  }
}

Call reconcile(const Signal &signal, const char *prefix, uint64_t n) {
  Call call;
  call.set_type(Call::RECONCILE);
  call.mutable_framework_id()->CopyFrom(signal.framework_id.get());
  for (uint64_t i = 0; i < n; i++) {
    Call::Reconcile::Task *task = call.mutable_reconcile()->add_tasks();
    task->mutable_task_id()->set_value(std::string(prefix) + "-" + std::to_string(i));
    task->mutable_agent_id()->CopyFrom(signal.agent.get());
  }
  return call;
}

Clock::time_point reconcile_and_wait(mesos::v1::scheduler::Mesos &mesos,
                                     Signal &signal, const Call &call,
                                     size_t batch) {
  mesos.send(call);
  signal.wait("status updates", kStormTimeout,
              [&] { return signal.batches.size() >= batch; });
  std::lock_guard<std::mutex> lock(signal.mutex);
  return signal.batches[batch - 1];
}

void storm(const std::string &master, uint64_t n) {
  Signal signal;
  signal.batch = n;
  mesos::v1::scheduler::Mesos *mesos = nullptr;
  std::mutex made;
  std::unique_ptr<mesos::v1::scheduler::Mesos> owner;
  {
    // `connected` may come before the constructor returns: it waits here.
    std::lock_guard<std::mutex> lock(made);
    owner.reset(new mesos::v1::scheduler::Mesos(
        master, mesos::ContentType::PROTOBUF,
        [&] {
          std::lock_guard<std::mutex> wait_for_construction(made);
          subscribe(*mesos);
        },
        [] {},
        [&](const std::queue<Event> &events) { received(signal, mesos, events); },
        None()));
    mesos = owner.get();
  }
  signal.wait("no offer", kRegisterTimeout, [&] { return signal.agent.isSome(); });

  reconcile_and_wait(*mesos, signal, reconcile(signal, "warmup", n), 1);
  const Call tasks = reconcile(signal, "bench", n);
  std::vector<double> seconds;
  const double cpu_start = cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
  for (size_t storm = 0; storm < kStorms; storm++) {
    const Clock::time_point start = Clock::now();
    const Clock::time_point done = reconcile_and_wait(*mesos, signal, tasks, 2 + storm);
    seconds.push_back(seconds_between(start, done));
  }
  const double cpu = cpu_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
  std::sort(seconds.begin(), seconds.end());
  report("storm-v1", n, seconds[kStorms / 2]);
  std::fprintf(stderr, "bench: process_cpu_ns_per_callback=%.1f\n",
               cpu / (static_cast<double>(n) * kStorms));

  Call teardown;
  teardown.set_type(Call::TEARDOWN);
  teardown.mutable_framework_id()->CopyFrom(signal.framework_id.get());
  mesos->send(teardown);
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 4 || std::string(argv[1]) != "storm-v1") {
    std::fprintf(stderr, "usage: bench-v1 storm-v1 MASTER N\n");
    return 2;
  }
  const long long n = std::atoll(argv[3]);
  if (n <= 0) {
    std::fprintf(stderr, "usage: bench-v1 storm-v1 MASTER N\n");
    return 2;
  }
  storm(argv[2], static_cast<uint64_t>(n));
  report_peak_rss();
  // Exit without tearing libprocess down, as the v0 twin does.
  std::fflush(stdout);
  std::_Exit(0);
}
