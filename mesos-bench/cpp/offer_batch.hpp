// The batch of offers the offer-path benchmark hands around: `offers` offers
// of `resources` resources each, shaped like what a master sends a
// multi-role framework on a reserved cluster (refined reservations with
// principals and labels, allocation info, ranges, sets, persistent volumes,
// attributes). Built identically by the Rust benchmark's C++ helper
// (offer_path.cpp) and by the C++ twin (bench.cpp), so both time the same
// bytes.
#ifndef MESOS_BENCH_OFFER_BATCH_HPP
#define MESOS_BENCH_OFFER_BATCH_HPP

#include <cstddef>
#include <string>
#include <vector>

#include <mesos/mesos.hpp>

namespace mesos_bench {

const size_t kOffers = 100;
const size_t kResourcesPerOffer = 50;

inline void add_reservation(mesos::Resource *resource,
                            mesos::Resource::ReservationInfo::Type type,
                            const std::string &role,
                            const std::string &principal) {
  mesos::Resource::ReservationInfo *reservation =
      resource->add_reservations();
  reservation->set_type(type);
  reservation->set_role(role);
  if (!principal.empty()) {
    reservation->set_principal(principal);
    mesos::Label *label = reservation->mutable_labels()->add_labels();
    label->set_key("owner");
    label->set_value(principal + "-team");
  }
}

inline mesos::Resource make_resource(size_t offer, size_t index) {
  const std::string suffix = std::to_string(index % 7);
  mesos::Resource resource;
  resource.mutable_allocation_info()->set_role("tenant1/private/bench");
  switch (index % 5) {
  case 0:
    resource.set_name("cpus");
    resource.set_type(mesos::Value::SCALAR);
    resource.mutable_scalar()->set_value(0.25 * static_cast<double>(index + 1));
    break;
  case 1:
    resource.set_name("mem");
    resource.set_type(mesos::Value::SCALAR);
    resource.mutable_scalar()->set_value(128.0 * static_cast<double>(index + 1));
    break;
  case 2: {
    resource.set_name("disk");
    resource.set_type(mesos::Value::SCALAR);
    resource.mutable_scalar()->set_value(1024.0 * static_cast<double>(index + 1));
    mesos::Resource::DiskInfo *disk = resource.mutable_disk();
    disk->mutable_persistence()->set_id("volume-" + std::to_string(offer) +
                                        "-" + std::to_string(index));
    disk->mutable_persistence()->set_principal("bench");
    disk->mutable_volume()->set_container_path("data-" + suffix);
    disk->mutable_volume()->set_mode(mesos::Volume::RW);
    break;
  }
  case 3: {
    resource.set_name("ports");
    resource.set_type(mesos::Value::RANGES);
    const uint64_t base = 31000 + 100 * static_cast<uint64_t>(index);
    mesos::Value::Range *low = resource.mutable_ranges()->add_range();
    low->set_begin(base);
    low->set_end(base + 9);
    mesos::Value::Range *high = resource.mutable_ranges()->add_range();
    high->set_begin(base + 50);
    high->set_end(base + 99);
    break;
  }
  default:
    resource.set_name("zones");
    resource.set_type(mesos::Value::SET);
    resource.mutable_set()->add_item("zone-a" + suffix);
    resource.mutable_set()->add_item("zone-b" + suffix);
    break;
  }
  // One to three levels of (refined) reservations.
  add_reservation(&resource, mesos::Resource::ReservationInfo::STATIC,
                  "tenant1", "");
  if (index % 3 >= 1) {
    add_reservation(&resource, mesos::Resource::ReservationInfo::DYNAMIC,
                    "tenant1/private", "operator");
  }
  if (index % 3 == 2) {
    add_reservation(&resource, mesos::Resource::ReservationInfo::DYNAMIC,
                    "tenant1/private/bench", "bench");
  }
  return resource;
}

inline mesos::Offer make_offer(size_t offer, size_t resources) {
  const std::string n = std::to_string(offer);
  mesos::Offer result;
  result.mutable_id()->set_value("5b0c9f4e-8f1a-4c39-9a5e-2f6d2b1c7e10-O" + n);
  result.mutable_framework_id()->set_value(
      "5b0c9f4e-8f1a-4c39-9a5e-2f6d2b1c7e10-0001");
  result.mutable_slave_id()->set_value(
      "5b0c9f4e-8f1a-4c39-9a5e-2f6d2b1c7e10-S" + n);
  result.set_hostname("agent-" + n + ".bench.invalid");
  mesos::URL *url = result.mutable_url();
  url->set_scheme("http");
  url->mutable_address()->set_hostname("agent-" + n + ".bench.invalid");
  url->mutable_address()->set_ip("127.0.0.1");
  url->mutable_address()->set_port(5051);
  url->set_path("/slave(1)");
  result.mutable_allocation_info()->set_role("tenant1/private/bench");
  for (size_t i = 0; i < resources; i++) {
    *result.add_resources() = make_resource(offer, i);
  }
  mesos::Attribute *rack = result.add_attributes();
  rack->set_name("rack");
  rack->set_type(mesos::Value::TEXT);
  rack->mutable_text()->set_value("rack-" + std::to_string(offer % 8));
  mesos::Attribute *generation = result.add_attributes();
  generation->set_name("generation");
  generation->set_type(mesos::Value::SCALAR);
  generation->mutable_scalar()->set_value(3);
  return result;
}

inline std::vector<mesos::Offer> offer_batch(size_t offers = kOffers,
                                             size_t resources = kResourcesPerOffer) {
  std::vector<mesos::Offer> batch;
  batch.reserve(offers);
  for (size_t i = 0; i < offers; i++) {
    batch.push_back(make_offer(i, resources));
  }
  return batch;
}

} // namespace mesos_bench

#endif // MESOS_BENCH_OFFER_BATCH_HPP
