// The scheduler half of the shim: a mesos::Scheduler that forwards each
// callback to a C function table (ForwardingScheduler, declared in
// forwarding_scheduler.hpp), and C entry points for every
// MesosSchedulerDriver call. Translation only: no retries, no defaults, no
// decisions.
#include <memory>
#include <string>
#include <vector>

#include <mesos/scheduler.hpp>
#include <mesos/version.hpp>

#include "forwarding_scheduler.hpp"
#include "mesos_shim.h"
#include "shim_common.hpp"

using mesos_shim::ForwardingScheduler;
using mesos_shim::driver_of;
using mesos_shim::guard;
using mesos_shim::NullArgument;
using mesos_shim::parse;
using mesos_shim::parse_all;

namespace {

// The one driver class the shim creates. `final` lets the compiler call
// libmesos's methods directly, as a C++ framework holding its driver by
// value does, instead of loading each through the vtable on every call.
class ShimSchedulerDriver final : public mesos::MesosSchedulerDriver {
public:
  using mesos::MesosSchedulerDriver::MesosSchedulerDriver;
};

bool all_callbacks_set(const mesos_shim_scheduler_callbacks &c) {
  return c.registered && c.reregistered && c.disconnected &&
         c.resource_offers && c.offer_rescinded && c.status_update &&
         c.framework_message && c.slave_lost && c.executor_lost && c.error;
}

// The empty list of implicit reconciliation, made once: a temporary one
// per call cost its construction, its destruction and the registers they
// need. Never destroyed, so that a call made while the process exits still
// finds it.
const std::vector<mesos::TaskStatus> &kNoStatuses =
    *new std::vector<mesos::TaskStatus>();

// reconcileTasks with a list: out of line, so that the common empty call
// (implicit reconciliation) pays for none of its registers and frame.
[[gnu::noinline]] mesos::Status
reconcile_listed(ShimSchedulerDriver &target,
                 const mesos_shim_buf *statuses, size_t statuses_len) {
  // Per thread, as any thread may call; up to kRetainedStatuses (a few
  // MB) stay parsed between calls.
  static constexpr size_t kRetainedStatuses = 16384;
  thread_local mesos_shim::ReusedMessages<mesos::TaskStatus> parsed;
  const mesos::Status status = target.reconcileTasks(
      parsed.parse(statuses, statuses_len, "statuses"));
  parsed.release_if_larger_than(kRetainedStatuses);
  return status;
}

} // namespace

// The opaque handle: the driver and the scheduler it calls into. Members are
// destroyed in reverse order, so the driver (which waits for callbacks to
// finish) goes before the scheduler it calls.
struct mesos_shim_scheduler_driver {
  std::unique_ptr<ForwardingScheduler> scheduler;
  std::unique_ptr<ShimSchedulerDriver> driver;
};

extern "C" {

mesos_shim_scheduler_driver *mesos_shim_scheduler_driver_new(
    const mesos_shim_scheduler_callbacks *callbacks, void *user_data,
    mesos_shim_buf framework_info, const char *master,
    const mesos_shim_buf *credential, int32_t implicit_acknowledgements,
    const mesos_shim_buf *suppressed_roles, size_t suppressed_roles_len) {
  mesos_shim_scheduler_driver *created = nullptr;
  guard([&] {
    if (callbacks == nullptr || !all_callbacks_set(*callbacks)) {
      throw NullArgument("every scheduler callback must be set");
    }
    if (master == nullptr) {
      throw NullArgument("master is NULL");
    }
    const mesos::FrameworkInfo framework =
        parse<mesos::FrameworkInfo>(framework_info, "framework_info");
    const bool implicit = implicit_acknowledgements != 0;

    std::unique_ptr<mesos_shim_scheduler_driver> handle(
        new mesos_shim_scheduler_driver());
    handle->scheduler.reset(new ForwardingScheduler(*callbacks, user_data));
    mesos::Scheduler *scheduler = handle->scheduler.get();

    if (suppressed_roles != nullptr) {
      const std::vector<std::string> roles = mesos_shim::strings(
          suppressed_roles, suppressed_roles_len, "suppressed_roles");
      if (credential != nullptr) {
        handle->driver.reset(new ShimSchedulerDriver(
            scheduler, framework, roles, master, implicit,
            parse<mesos::Credential>(*credential, "credential")));
      } else {
        handle->driver.reset(new ShimSchedulerDriver(
            scheduler, framework, roles, master, implicit));
      }
    } else if (credential != nullptr) {
      handle->driver.reset(new ShimSchedulerDriver(
          scheduler, framework, master, implicit,
          parse<mesos::Credential>(*credential, "credential")));
    } else {
      handle->driver.reset(
          new ShimSchedulerDriver(scheduler, framework, master, implicit));
    }
    created = handle.release();
    return 0;
  });
  return created;
}

void mesos_shim_scheduler_driver_free(mesos_shim_scheduler_driver *driver) {
  guard([&] {
    mesos_shim::delete_handle(driver);
    return 0;
  });
}

int32_t mesos_shim_scheduler_driver_start(mesos_shim_scheduler_driver *driver) {
  return guard([&] { return driver_of(driver, "scheduler").start(); });
}

int32_t mesos_shim_scheduler_driver_stop(mesos_shim_scheduler_driver *driver,
                                         int32_t failover) {
  return guard([&] { return driver_of(driver, "scheduler").stop(failover != 0); });
}

int32_t mesos_shim_scheduler_driver_abort(mesos_shim_scheduler_driver *driver) {
  return guard([&] { return driver_of(driver, "scheduler").abort(); });
}

int32_t mesos_shim_scheduler_driver_join(mesos_shim_scheduler_driver *driver) {
  return guard([&] { return driver_of(driver, "scheduler").join(); });
}

int32_t mesos_shim_scheduler_driver_request_resources(
    mesos_shim_scheduler_driver *driver, const mesos_shim_buf *requests,
    size_t requests_len) {
  return guard([&] {
    return driver_of(driver, "scheduler").requestResources(
        parse_all<mesos::Request>(requests, requests_len, "requests"));
  });
}

int32_t mesos_shim_scheduler_driver_launch_tasks(
    mesos_shim_scheduler_driver *driver, const mesos_shim_buf *offer_ids,
    size_t offer_ids_len, const mesos_shim_buf *tasks, size_t tasks_len,
    mesos_shim_buf filters) {
  return guard([&] {
    return driver_of(driver, "scheduler").launchTasks(
        parse_all<mesos::OfferID>(offer_ids, offer_ids_len, "offer_ids"),
        parse_all<mesos::TaskInfo>(tasks, tasks_len, "tasks"),
        parse<mesos::Filters>(filters, "filters"));
  });
}

int32_t mesos_shim_scheduler_driver_launch_tasks_on_offer(
    mesos_shim_scheduler_driver *driver, mesos_shim_buf offer_id,
    const mesos_shim_buf *tasks, size_t tasks_len, mesos_shim_buf filters) {
  return guard([&] {
    return driver_of(driver, "scheduler").launchTasks(
        parse<mesos::OfferID>(offer_id, "offer_id"),
        parse_all<mesos::TaskInfo>(tasks, tasks_len, "tasks"),
        parse<mesos::Filters>(filters, "filters"));
  });
}

int32_t mesos_shim_scheduler_driver_kill_task(
    mesos_shim_scheduler_driver *driver, mesos_shim_buf task_id) {
  return guard([&] {
    return driver_of(driver, "scheduler").killTask(parse<mesos::TaskID>(task_id, "task_id"));
  });
}

int32_t mesos_shim_scheduler_driver_accept_offers(
    mesos_shim_scheduler_driver *driver, const mesos_shim_buf *offer_ids,
    size_t offer_ids_len, const mesos_shim_buf *operations,
    size_t operations_len, mesos_shim_buf filters) {
  return guard([&] {
    return driver_of(driver, "scheduler").acceptOffers(
        parse_all<mesos::OfferID>(offer_ids, offer_ids_len, "offer_ids"),
        parse_all<mesos::Offer::Operation>(operations, operations_len,
                                           "operations"),
        parse<mesos::Filters>(filters, "filters"));
  });
}

int32_t mesos_shim_scheduler_driver_decline_offer(
    mesos_shim_scheduler_driver *driver, mesos_shim_buf offer_id,
    mesos_shim_buf filters) {
  return guard([&] {
    return driver_of(driver, "scheduler").declineOffer(
        parse<mesos::OfferID>(offer_id, "offer_id"),
        parse<mesos::Filters>(filters, "filters"));
  });
}

int32_t mesos_shim_scheduler_driver_revive_offers(
    mesos_shim_scheduler_driver *driver) {
  return guard([&] { return driver_of(driver, "scheduler").reviveOffers(); });
}

int32_t mesos_shim_scheduler_driver_revive_offers_for_roles(
    mesos_shim_scheduler_driver *driver, const mesos_shim_buf *roles,
    size_t roles_len) {
  return guard([&] {
    return driver_of(driver, "scheduler").reviveOffers(
        mesos_shim::strings(roles, roles_len, "roles"));
  });
}

int32_t mesos_shim_scheduler_driver_suppress_offers(
    mesos_shim_scheduler_driver *driver) {
  return guard([&] { return driver_of(driver, "scheduler").suppressOffers(); });
}

int32_t mesos_shim_scheduler_driver_suppress_offers_for_roles(
    mesos_shim_scheduler_driver *driver, const mesos_shim_buf *roles,
    size_t roles_len) {
  return guard([&] {
    return driver_of(driver, "scheduler").suppressOffers(
        mesos_shim::strings(roles, roles_len, "roles"));
  });
}

int32_t mesos_shim_scheduler_driver_acknowledge_status_update(
    mesos_shim_scheduler_driver *driver, mesos_shim_buf status) {
  return guard([&] {
    return driver_of(driver, "scheduler").acknowledgeStatusUpdate(
        parse<mesos::TaskStatus>(status, "status"));
  });
}

int32_t mesos_shim_scheduler_driver_send_framework_message(
    mesos_shim_scheduler_driver *driver, mesos_shim_buf executor_id,
    mesos_shim_buf slave_id, mesos_shim_buf data) {
  return guard([&] {
    return driver_of(driver, "scheduler").sendFrameworkMessage(
        parse<mesos::ExecutorID>(executor_id, "executor_id"),
        parse<mesos::SlaveID>(slave_id, "slave_id"),
        mesos_shim::to_string(data));
  });
}

int32_t mesos_shim_scheduler_driver_reconcile_tasks(
    mesos_shim_scheduler_driver *driver, const mesos_shim_buf *statuses,
    size_t statuses_len) {
  return guard([&] {
    ShimSchedulerDriver &target = driver_of(driver, "scheduler");
    if (statuses_len == 0) {
      return target.reconcileTasks(kNoStatuses);
    }
    return reconcile_listed(target, statuses, statuses_len);
  });
}

int32_t mesos_shim_scheduler_driver_update_framework(
    mesos_shim_scheduler_driver *driver, mesos_shim_buf framework_info,
    const mesos_shim_buf *suppressed_roles, size_t suppressed_roles_len,
    const mesos_shim_buf *offer_constraints) {
  return guard([&] {
    ShimSchedulerDriver &target = driver_of(driver, "scheduler");
    const mesos::FrameworkInfo framework =
        parse<mesos::FrameworkInfo>(framework_info, "framework_info");
    const std::vector<std::string> roles = mesos_shim::strings(
        suppressed_roles, suppressed_roles_len, "suppressed_roles");
#if MESOS_MAJOR_VERSION_NUM > 1 ||                                             \
    (MESOS_MAJOR_VERSION_NUM == 1 && MESOS_MINOR_VERSION_NUM >= 11)
    mesos::scheduler::OfferConstraints constraints;
    if (offer_constraints != nullptr) {
      constraints = parse<mesos::scheduler::OfferConstraints>(
          *offer_constraints, "offer_constraints");
    }
    return target.updateFramework(framework, roles, std::move(constraints));
#else
    if (offer_constraints != nullptr && offer_constraints->len > 0) {
      throw mesos_shim::BadMessage(
          "offer_constraints: this libmesos (" MESOS_VERSION
          ") predates offer constraints (Mesos 1.11)");
    }
    return target.updateFramework(framework, roles);
#endif
  });
}

} // extern "C"
