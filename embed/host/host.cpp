// A C++ program that links the Rust reference framework
// (libmesos_reference_c.a) together with libmesos, and uses libmesos itself
// in the same process: mesos::Resources, and a MesosSchedulerDriver of
// its own that stays registered while the Rust framework runs. One
// libmesos, one libprocess, one protobuf runtime serve both.
//
//   host MASTER [TIMEOUT_SECONDS]
//
// Exit status: the Rust framework's (0 when its task finished), or 2 for a
// bad command line, 1 when the host's own driver did not register. It is
// also the framework's custom executor, as `cargo run --example main` is:
// the agent starts it again with the executor's environment.
//
// Built by scripts/build-cpp-host.sh; see embed/README.md.
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>
#include <vector>

#include <mesos/resources.hpp>
#include <mesos/scheduler.hpp>

#include "mesos_reference.h"

namespace {

// The host's own framework: registers, declines every offer for an hour
// (it runs nothing; it is there to share the process with the Rust one).
class Observer : public mesos::Scheduler {
public:
  void registered(mesos::SchedulerDriver *, const mesos::FrameworkID &id,
                  const mesos::MasterInfo &) override {
    std::lock_guard<std::mutex> lock(mutex_);
    framework_id_ = id.value();
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
  }
  void offerRescinded(mesos::SchedulerDriver *,
                      const mesos::OfferID &) override {}
  void statusUpdate(mesos::SchedulerDriver *,
                    const mesos::TaskStatus &) override {}
  void frameworkMessage(mesos::SchedulerDriver *, const mesos::ExecutorID &,
                        const mesos::SlaveID &, const std::string &) override {}
  void slaveLost(mesos::SchedulerDriver *, const mesos::SlaveID &) override {}
  void executorLost(mesos::SchedulerDriver *, const mesos::ExecutorID &,
                    const mesos::SlaveID &, int) override {}
  void error(mesos::SchedulerDriver *, const std::string &message) override {
    std::cerr << "host: its own driver failed: " << message << std::endl;
  }

  // The framework id, once registered within `timeout`; empty otherwise.
  std::string wait_registered(std::chrono::seconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, timeout, [this] { return !framework_id_.empty(); });
    return framework_id_;
  }

private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string framework_id_;
};

} // namespace

int main(int argc, char **argv) {
  if (mesos_reference_started_as_executor()) {
    return mesos_reference_run_executor();
  }
  if (argc < 2 || argc > 3) {
    std::cerr << "usage: host MASTER [TIMEOUT_SECONDS]" << std::endl;
    return 2;
  }
  const char *master = argv[1];
  const int timeout = argc == 3 ? std::atoi(argv[2]) : 180;

  // 1. libmesos's C++ API, directly: what the Rust framework's task and
  //    executor will take out of the refined reservation.
  Try<mesos::Resources> needed = mesos::Resources::parse("cpus:0.3;mem:192");
  if (needed.isError()) {
    std::cerr << "host: " << needed.error() << std::endl;
    return 1;
  }
  std::cout << "host: mesos::Resources (C++) says the Rust framework needs "
            << needed.get() << std::endl;

  // 2. A MesosSchedulerDriver of the host's own, in the same libprocess.
  Observer observer;
  mesos::FrameworkInfo framework;
  framework.set_user(""); // libmesos fills in the current user
  framework.set_name("C++ host of the Rust reference framework");
  mesos::MesosSchedulerDriver driver(&observer, framework, master);
  driver.start();
  const std::string id = observer.wait_registered(std::chrono::seconds(60));
  if (id.empty()) {
    std::cerr << "host: its own C++ driver did not register within 60 s"
              << std::endl;
    driver.abort();
    driver.join();
    return 1;
  }
  std::cout << "host: its own C++ MesosSchedulerDriver registered as framework "
            << id << std::endl;

  // 3. The Rust framework, in this process.
  char message[1024];
  const int status =
      mesos_reference_run_framework(master, timeout, message, sizeof message);
  std::cout << "host: the Rust reference framework returned " << status << ": "
            << message << std::endl;

  driver.stop();
  driver.join();
  std::cout << "host: its own driver stopped" << std::endl;
  return status;
}
