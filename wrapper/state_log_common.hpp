// What the State and Log halves of the shim share: the log handle (a
// LogStorage is built over one) and ZooKeeper's digest credentials. Only
// compiled where libprocess's headers are usable (MESOS_SHIM_STATE).
#ifndef MESOS_SHIM_STATE_LOG_COMMON_HPP
#define MESOS_SHIM_STATE_LOG_COMMON_HPP

#include <memory>
#include <string>

#include <mesos/log/log.hpp>
#include <mesos/zookeeper/authentication.hpp>

#include <stout/option.hpp>

#include "mesos_shim.h"
#include "shim_common.hpp"

struct mesos_shim_log {
  std::unique_ptr<mesos::log::Log> log;
};

namespace mesos_shim {

inline mesos::log::Log &log_of(mesos_shim_log *handle) {
  if (handle == nullptr || !handle->log) {
    throw NullArgument("log handle is NULL");
  }
  return *handle->log;
}

// "user:password" as ZooKeeper's digest authentication, or none for NULL.
// (Authentication's constructor CHECKs its scheme, always "digest" here.)
inline Option<zookeeper::Authentication> digest_of(const mesos_shim_buf *digest) {
  if (digest == nullptr) {
    return None();
  }
  require_data(*digest, "digest");
  return zookeeper::Authentication("digest", to_string(*digest));
}

} // namespace mesos_shim

#endif // MESOS_SHIM_STATE_LOG_COMMON_HPP
