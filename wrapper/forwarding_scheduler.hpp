// ForwardingScheduler: the mesos::Scheduler the shim hands to
// MesosSchedulerDriver. Each callback serializes its arguments and forwards
// them to the C function table given at creation, with the caller's
// user-data pointer. Translation only.
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
    Serialized id_bytes(id), master_bytes(master);
    callbacks_.registered(user_data_, id_bytes.buf(), master_bytes.buf());
  }

  void reregistered(mesos::SchedulerDriver *,
                    const mesos::MasterInfo &master) override {
    Serialized master_bytes(master);
    callbacks_.reregistered(user_data_, master_bytes.buf());
  }

  void disconnected(mesos::SchedulerDriver *) override {
    callbacks_.disconnected(user_data_);
  }

  void resourceOffers(mesos::SchedulerDriver *,
                      const std::vector<mesos::Offer> &offers) override {
    offers_.assign(offers);
    callbacks_.resource_offers(user_data_, offers_.data(), offers_.size());
    offers_.release_if_larger_than(kRetainedOfferBytes);
  }

  void offerRescinded(mesos::SchedulerDriver *,
                      const mesos::OfferID &offer_id) override {
    Serialized bytes(offer_id);
    callbacks_.offer_rescinded(user_data_, bytes.buf());
  }

  void statusUpdate(mesos::SchedulerDriver *,
                    const mesos::TaskStatus &status) override {
    Serialized bytes(status);
    callbacks_.status_update(user_data_, bytes.buf());
  }

  void frameworkMessage(mesos::SchedulerDriver *,
                        const mesos::ExecutorID &executor_id,
                        const mesos::SlaveID &slave_id,
                        const std::string &data) override {
    Serialized executor_bytes(executor_id), slave_bytes(slave_id), data_bytes(data);
    callbacks_.framework_message(user_data_, executor_bytes.buf(),
                                 slave_bytes.buf(), data_bytes.buf());
  }

  void slaveLost(mesos::SchedulerDriver *,
                 const mesos::SlaveID &slave_id) override {
    Serialized bytes(slave_id);
    callbacks_.slave_lost(user_data_, bytes.buf());
  }

  void executorLost(mesos::SchedulerDriver *,
                    const mesos::ExecutorID &executor_id,
                    const mesos::SlaveID &slave_id, int status) override {
    Serialized executor_bytes(executor_id), slave_bytes(slave_id);
    callbacks_.executor_lost(user_data_, executor_bytes.buf(), slave_bytes.buf(),
                             status);
  }

  void error(mesos::SchedulerDriver *, const std::string &message) override {
    Serialized bytes(message);
    callbacks_.error(user_data_, bytes.buf());
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
