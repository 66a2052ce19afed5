// The executor half of the shim: a mesos::Executor that forwards each
// callback to a C function table (mesos_shim::forward), and C entry points for every
// MesosExecutorDriver call. Translation only.
#include <map>
#include <memory>
#include <string>

#include <mesos/executor.hpp>

#include "mesos_shim.h"
#include "shim_common.hpp"

using mesos_shim::forward;
using mesos_shim::driver_of;
using mesos_shim::guard;
using mesos_shim::NullArgument;
using mesos_shim::parse;

namespace {

// The one driver class the shim creates; `final` so that its calls into
// libmesos are direct, not through the vtable (as in scheduler_shim.cpp).
class ShimExecutorDriver final : public mesos::MesosExecutorDriver {
public:
  using mesos::MesosExecutorDriver::MesosExecutorDriver;
};

class ForwardingExecutor : public mesos::Executor {
public:
  ForwardingExecutor(const mesos_shim_executor_callbacks &callbacks,
                     void *user_data)
      : callbacks_(callbacks), user_data_(user_data) {}

  void registered(mesos::ExecutorDriver *, const mesos::ExecutorInfo &executor,
                  const mesos::FrameworkInfo &framework,
                  const mesos::SlaveInfo &slave) override {
    forward(callbacks_.registered, user_data_, executor, framework, slave);
  }

  void reregistered(mesos::ExecutorDriver *,
                    const mesos::SlaveInfo &slave) override {
    forward(callbacks_.reregistered, user_data_, slave);
  }

  void disconnected(mesos::ExecutorDriver *) override {
    forward(callbacks_.disconnected, user_data_);
  }

  void launchTask(mesos::ExecutorDriver *,
                  const mesos::TaskInfo &task) override {
    forward(callbacks_.launch_task, user_data_, task);
  }

  void killTask(mesos::ExecutorDriver *,
                const mesos::TaskID &task_id) override {
    forward(callbacks_.kill_task, user_data_, task_id);
  }

  void frameworkMessage(mesos::ExecutorDriver *,
                        const std::string &data) override {
    forward(callbacks_.framework_message, user_data_, data);
  }

  void shutdown(mesos::ExecutorDriver *) override {
    forward(callbacks_.shutdown, user_data_);
  }

  void error(mesos::ExecutorDriver *, const std::string &message) override {
    forward(callbacks_.error, user_data_, message);
  }

private:
  const mesos_shim_executor_callbacks callbacks_;
  void *const user_data_;
};

bool all_callbacks_set(const mesos_shim_executor_callbacks &c) {
  return c.registered && c.reregistered && c.disconnected && c.launch_task &&
         c.kill_task && c.framework_message && c.shutdown && c.error;
}

} // namespace

// Declared in this order so the driver is destroyed (and has waited for its
// callbacks) before the executor it calls into.
struct mesos_shim_executor_driver {
  std::unique_ptr<ForwardingExecutor> executor;
  std::unique_ptr<ShimExecutorDriver> driver;
};

extern "C" {

mesos_shim_executor_driver *mesos_shim_executor_driver_new(
    const mesos_shim_executor_callbacks *callbacks, void *user_data,
    const mesos_shim_buf *environment, size_t environment_len) {
  mesos_shim_executor_driver *created = nullptr;
  guard([&] {
    if (callbacks == nullptr || !all_callbacks_set(*callbacks)) {
      throw NullArgument("every executor callback must be set");
    }
    std::unique_ptr<mesos_shim_executor_driver> handle(
        new mesos_shim_executor_driver());
    handle->executor.reset(new ForwardingExecutor(*callbacks, user_data));
    if (environment != nullptr) {
      std::map<std::string, std::string> variables;
      for (const std::string &entry :
           mesos_shim::strings(environment, environment_len, "environment")) {
        const size_t equals = entry.find('=');
        if (equals == std::string::npos) {
          throw mesos_shim::BadMessage("environment: entry '" + entry +
                                       "' is not NAME=VALUE");
        }
        variables[entry.substr(0, equals)] = entry.substr(equals + 1);
      }
      handle->driver.reset(
          new ShimExecutorDriver(handle->executor.get(), variables));
    } else {
      handle->driver.reset(
          new ShimExecutorDriver(handle->executor.get()));
    }
    created = handle.release();
    return 0;
  });
  return created;
}

void mesos_shim_executor_driver_free(mesos_shim_executor_driver *driver) {
  guard([&] {
    mesos_shim::delete_handle(driver);
    return 0;
  });
}

int32_t mesos_shim_executor_driver_start(mesos_shim_executor_driver *driver) {
  return guard([&] { return driver_of(driver, "executor").start(); });
}

int32_t mesos_shim_executor_driver_stop(mesos_shim_executor_driver *driver) {
  return guard([&] { return driver_of(driver, "executor").stop(); });
}

int32_t mesos_shim_executor_driver_abort(mesos_shim_executor_driver *driver) {
  return guard([&] { return driver_of(driver, "executor").abort(); });
}

int32_t mesos_shim_executor_driver_join(mesos_shim_executor_driver *driver) {
  return guard([&] { return driver_of(driver, "executor").join(); });
}

int32_t mesos_shim_executor_driver_send_status_update(
    mesos_shim_executor_driver *driver, mesos_shim_buf status) {
  return guard([&] {
    return driver_of(driver, "executor").sendStatusUpdate(
        parse<mesos::TaskStatus>(status, "status"));
  });
}

int32_t mesos_shim_executor_driver_send_framework_message(
    mesos_shim_executor_driver *driver, mesos_shim_buf data) {
  return guard([&] {
    return driver_of(driver, "executor").sendFrameworkMessage(mesos_shim::to_string(data));
  });
}

} // extern "C"
