// What both C++ sides of the v0 benchmarks share: the scheduler, the
// framework, a storm's unknown tasks and its wait. One side is the twin
// (bench.cpp); the other the C++ half of the paired workloads (paired.cpp),
// which runs inside the Rust bench.
#ifndef MESOS_BENCH_SCHEDULER_HPP
#define MESOS_BENCH_SCHEDULER_HPP

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <mesos/mesos.hpp>
#include <mesos/scheduler.hpp>

#include "bench_common.hpp"

namespace bench {

const std::chrono::seconds kRegisterTimeout(60);
const std::chrono::seconds kStormTimeout(300);

// Waits for registration and the first offer, counts status updates, and
// records when each `batch`-th arrives. Offers are declined for an hour so
// that no further offer interleaves with the workload.
class BenchScheduler : public mesos::Scheduler {
public:
  explicit BenchScheduler(uint64_t batch) : batch_(batch) {}

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
    if (batch_ != 0 && ++updates_ % batch_ == 0) {
      const Clock::time_point now = Clock::now();
      std::lock_guard<std::mutex> lock(mutex_);
      batches_.push_back(now);
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

  // When the last update of the `batch`-th batch arrived.
  Clock::time_point wait_batch(size_t batch) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!changed_.wait_for(lock, kStormTimeout,
                           [&] {
                             return batches_.size() >= batch ||
                                    !error_.empty();
                           }) ||
        !error_.empty()) {
      fail("status updates: " + (error_.empty() ? "timed out" : error_));
    }
    return batches_[batch - 1];
  }

private:
  const uint64_t batch_;
  // Only touched by the callback thread (libmesos runs callbacks one at a
  // time), like the Rust scheduler's plain counter.
  uint64_t updates_ = 0;

  std::mutex mutex_;
  std::condition_variable changed_;
  bool registered_ = false;
  std::unique_ptr<mesos::SlaveID> agent_;
  std::vector<Clock::time_point> batches_;
  std::string error_;
};

inline mesos::FrameworkInfo framework(const std::string &name) {
  mesos::FrameworkInfo info;
  info.set_user(""); // libmesos fills in the current user
  info.set_name(name);
  return info;
}

inline void stop(mesos::MesosSchedulerDriver *driver) {
  driver->stop(false);
  driver->join();
}

// `n` TaskStatus for tasks `<prefix>-0`... the master does not know, on
// `agent`.
inline std::vector<mesos::TaskStatus> unknown_tasks(const std::string &prefix,
                                             uint64_t n,
                                             const mesos::SlaveID &agent) {
  std::vector<mesos::TaskStatus> statuses;
  statuses.reserve(n);
  for (uint64_t i = 0; i < n; i++) {
    mesos::TaskStatus status;
    status.mutable_task_id()->set_value(prefix + "-" + std::to_string(i));
    status.set_state(mesos::TASK_LOST);
    *status.mutable_slave_id() = agent;
    statuses.push_back(status);
  }
  return statuses;
}

// Asks for explicit reconciliation of `statuses` and waits for the answers,
// the `batch`-th batch of status updates.
inline Clock::time_point reconcile_and_wait(mesos::MesosSchedulerDriver *driver,
                                     BenchScheduler *scheduler,
                                     const std::vector<mesos::TaskStatus> &statuses,
                                     size_t batch) {
  if (driver->reconcileTasks(statuses) != mesos::DRIVER_RUNNING) {
    fail("reconcileTasks: the driver is not running");
  }
  return scheduler->wait_batch(batch);
}

} // namespace bench

#endif // MESOS_BENCH_SCHEDULER_HPP
