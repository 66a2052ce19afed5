// ForwardingScheduler: the mesos::Scheduler the shim hands to
// MesosSchedulerDriver. Each callback forwards its arguments, serialized, to
// the C function table given at creation, with the caller's user-data
// pointer (mesos_shim::forward). Translation only.
//
// In a header of its own so that code other than the shim (the benchmarks in
// mesos-bench/) can instantiate it and call it exactly as libmesos does.
#ifndef MESOS_SHIM_FORWARDING_SCHEDULER_HPP
#define MESOS_SHIM_FORWARDING_SCHEDULER_HPP

#include <string>
#include <vector>

#include <mesos/scheduler.hpp>

#include "mesos_shim.h"
#include "shim_common.hpp"

namespace mesos_shim {

class ForwardingScheduler : public mesos::Scheduler {
public:
  ForwardingScheduler(const mesos_shim_scheduler_callbacks &callbacks,
                      void *user_data)
      : callbacks_(callbacks), user_data_(user_data) {}

  void registered(mesos::SchedulerDriver *, const mesos::FrameworkID &id,
                  const mesos::MasterInfo &master) override {
    forward(callbacks_.registered, user_data_, id, master);
  }

  void reregistered(mesos::SchedulerDriver *,
                    const mesos::MasterInfo &master) override {
    forward(callbacks_.reregistered, user_data_, master);
  }

  void disconnected(mesos::SchedulerDriver *) override {
    forward(callbacks_.disconnected, user_data_);
  }

  void resourceOffers(mesos::SchedulerDriver *,
                      const std::vector<mesos::Offer> &offers) override {
    offers_.assign(offers);
    callbacks_.resource_offers(user_data_, offers_.data(), offers_.size());
    offers_.release_if_larger_than(kRetainedOfferBytes);
  }

  void offerRescinded(mesos::SchedulerDriver *,
                      const mesos::OfferID &offer_id) override {
    forward(callbacks_.offer_rescinded, user_data_, offer_id);
  }

  void statusUpdate(mesos::SchedulerDriver *,
                    const mesos::TaskStatus &status) override {
    forward(callbacks_.status_update, user_data_, status);
  }

  void frameworkMessage(mesos::SchedulerDriver *,
                        const mesos::ExecutorID &executor_id,
                        const mesos::SlaveID &slave_id,
                        const std::string &data) override {
    forward(callbacks_.framework_message, user_data_, executor_id, slave_id,
            data);
  }

  void slaveLost(mesos::SchedulerDriver *,
                 const mesos::SlaveID &slave_id) override {
    forward(callbacks_.slave_lost, user_data_, slave_id);
  }

  void executorLost(mesos::SchedulerDriver *,
                    const mesos::ExecutorID &executor_id,
                    const mesos::SlaveID &slave_id, int status) override {
    forward(callbacks_.executor_lost, user_data_, executor_id, slave_id,
            status);
  }

  void error(mesos::SchedulerDriver *, const std::string &message) override {
    forward(callbacks_.error, user_data_, message);
  }

private:
  const mesos_shim_scheduler_callbacks callbacks_;
  void *const user_data_;
  // The serialized offers of the last batch, reused by the next one.
  // Only touched by resourceOffers, which libmesos calls from the driver's
  // own process, one call at a time.
  SerializedList offers_;
  // Up to this much of it is kept between batches: a batch of a few hundred
  // offers with dozens of resources each (a large cluster) fits.
  static constexpr size_t kRetainedOfferBytes = 8 << 20;
};

} // namespace mesos_shim

#endif // MESOS_SHIM_FORWARDING_SCHEDULER_HPP
