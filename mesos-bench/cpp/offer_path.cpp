// The C++ half of the Rust benchmark's offer path (`bench offers`): holds a
// batch of offers and the shim's own ForwardingScheduler, and hands the
// batch to it exactly as libmesos does (`resourceOffers(driver, offers)`),
// so each call serializes every offer in C++ and runs the mesos crate's real
// callback trampoline, which decodes them in Rust. Compiled by build.rs only
// when mesos-sys found libmesos (it needs libmesos's protobuf classes).
#include <cstddef>
#include <exception>
#include <new>
#include <vector>

#include <mesos/mesos.hpp>

#include "forwarding_scheduler.hpp"
#include "mesos_shim.h"
#include "offer_batch.hpp"

namespace {

struct OfferPath {
  OfferPath(const mesos_shim_scheduler_callbacks &callbacks, void *user_data,
            size_t offers, size_t resources)
      : scheduler(callbacks, user_data),
        batch(mesos_bench::offer_batch(offers, resources)) {}

  mesos_shim::ForwardingScheduler scheduler;
  std::vector<mesos::Offer> batch;
};

} // namespace

extern "C" {

// NULL if building the batch failed.
void *mesos_bench_offer_path_new(const mesos_shim_scheduler_callbacks *callbacks,
                                 void *user_data, size_t offers,
                                 size_t resources) {
  try {
    return new OfferPath(*callbacks, user_data, offers, resources);
  } catch (const std::exception &) {
    return nullptr;
  }
}

// One `resourceOffers` call with the whole batch; the driver argument is
// unused by ForwardingScheduler, as by libmesos's own schedulers.
void mesos_bench_offer_path_deliver(void *path) {
  OfferPath *p = static_cast<OfferPath *>(path);
  p->scheduler.resourceOffers(nullptr, p->batch);
}

// Total serialized size of the batch, in bytes.
size_t mesos_bench_offer_path_bytes(const void *path) {
  const OfferPath *p = static_cast<const OfferPath *>(path);
  size_t bytes = 0;
  for (const mesos::Offer &offer : p->batch) {
    bytes += offer.ByteSizeLong();
  }
  return bytes;
}

void mesos_bench_offer_path_free(void *path) {
  delete static_cast<OfferPath *>(path);
}

} // extern "C"
