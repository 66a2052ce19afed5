// The C++ half of `bench offers-v1`: the v1 twin of offer_path.cpp. It holds
// one OFFERS event (the batch of offer_batch.hpp, as mesos.v1 offers) and
// the shim's own V1Callbacks, built on the mesos crate's real v1 callback
// table; each `deliver` is one `received` call as libmesos's v1 library
// makes it, so it serializes the event in C++ and the crate decodes it in
// Rust before the scheduler's `offers` sees it. Needs only libmesos's
// protobuf classes, not the v1 library's headers.
#include <cstddef>
#include <exception>
#include <memory>
#include <queue>
#include <stdexcept>
#include <string>
#include <vector>

#include <mesos/v1/scheduler/scheduler.hpp>

#include "mesos_shim.h"
#include "offer_batch.hpp"
#include "v1_common.hpp"

namespace {

using Event = mesos::v1::scheduler::Event;

// The gate asks whether the object runs; here there is no object.
class AlwaysRunning : public mesos_shim::V1Status {
public:
  bool running() override { return true; }
};

// The v0 batch as one v1 OFFERS event: the two schemas share field
// numbers, so each offer's bytes parse as a mesos.v1.Offer.
Event offers_event(size_t offers, size_t resources) {
  Event event;
  event.set_type(Event::OFFERS);
  for (const mesos::Offer &offer : mesos_bench::offer_batch(offers, resources)) {
    if (!event.mutable_offers()->add_offers()->ParseFromString(
            offer.SerializeAsString())) {
      throw std::runtime_error("a v0 offer does not parse as a v1 offer");
    }
  }
  return event;
}

struct OfferPathV1 {
  OfferPathV1(const mesos_shim_v1_scheduler_callbacks &table, void *user_data,
              size_t offers, size_t resources)
      : gate(std::make_shared<mesos_shim::V1Gate>(&status)),
        callbacks(table, user_data, gate) {
    events.push(offers_event(offers, resources));
  }

  AlwaysRunning status;
  std::shared_ptr<mesos_shim::V1Gate> gate;
  mesos_shim::V1Callbacks<mesos_shim_v1_scheduler_callbacks, Event> callbacks;
  std::queue<Event> events;
};

} // namespace

extern "C" {

// NULL if building the event failed.
void *mesos_bench_offer_path_v1_new(
    const mesos_shim_v1_scheduler_callbacks *callbacks, void *user_data,
    size_t offers, size_t resources) {
  try {
    return new OfferPathV1(*callbacks, user_data, offers, resources);
  } catch (const std::exception &) {
    return nullptr;
  }
}

// One `received` call with the OFFERS event.
void mesos_bench_offer_path_v1_deliver(void *path) {
  OfferPathV1 *p = static_cast<OfferPathV1 *>(path);
  p->callbacks.received(p->events);
}

// Serialized size of the event, in bytes.
size_t mesos_bench_offer_path_v1_bytes(const void *path) {
  const OfferPathV1 *p = static_cast<const OfferPathV1 *>(path);
  return p->events.front().ByteSizeLong();
}

void mesos_bench_offer_path_v1_free(void *path) {
  OfferPathV1 *p = static_cast<OfferPathV1 *>(path);
  p->gate->close();
  delete p;
}

} // extern "C"
