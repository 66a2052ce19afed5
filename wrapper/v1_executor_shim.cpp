// The v1 executor half of the shim: mesos::v1::executor::Mesos behind the
// drivers' lifecycle (V1Object), its callbacks forwarded to a C table, and
// `send`. Translation only. Compiled where the v1 headers are usable;
// v1_unavailable.cpp stands in otherwise.
#if MESOS_SHIM_V1

#include <map>
#include <memory>
#include <string>

#include <mesos/v1/executor.hpp>

#include "mesos_shim.h"
#include "shim_common.hpp"
#include "v1_common.hpp"

using mesos_shim::guard;
using mesos_shim::NullArgument;
using mesos_shim::parse;

namespace {

using mesos::v1::executor::Event;
using Library = mesos::v1::executor::Mesos;
using Forwarders =
    mesos_shim::V1Callbacks<mesos_shim_v1_executor_callbacks, Event>;

bool all_callbacks_set(const mesos_shim_v1_executor_callbacks &c) {
  return c.connected && c.disconnected && c.received && c.error;
}

// "NAME=VALUE" entries as the map libmesos takes.
std::map<std::string, std::string> variables(const mesos_shim_buf *entries,
                                             size_t len) {
  std::map<std::string, std::string> map;
  for (const std::string &entry :
       mesos_shim::strings(entries, len, "environment")) {
    const size_t equals = entry.find('=');
    if (equals == std::string::npos) {
      throw mesos_shim::BadMessage("environment: entry '" + entry +
                                   "' is not NAME=VALUE");
    }
    map[entry.substr(0, equals)] = entry.substr(equals + 1);
  }
  return map;
}

} // namespace

// The opaque handle: the settings libmesos's object is made from at
// `start`, and the object. It is also the maker V1Object::start asks.
struct mesos_shim_v1_executor {
  mesos_shim_v1_executor_callbacks callbacks;
  void *user_data;
  // None: libmesos reads the process's environment.
  Option<std::map<std::string, std::string>> environment;
  mesos_shim::V1Object<Library> object;

  Library *create(std::string &) {
    const Forwarders forwarders(callbacks, user_data, object.gate());
    if (environment.isSome()) {
      return new Library(mesos::ContentType::PROTOBUF, forwarders.connected,
                         forwarders.disconnected, forwarders.received,
                         environment.get());
    }
    return new Library(mesos::ContentType::PROTOBUF, forwarders.connected,
                       forwarders.disconnected, forwarders.received);
  }

  void report(const std::string &failure) {
    mesos_shim::forward(callbacks.error, user_data, failure);
  }
};

namespace {

mesos_shim_v1_executor &handle_of(mesos_shim_v1_executor *executor) {
  if (executor == nullptr) {
    throw NullArgument("v1 executor handle is NULL");
  }
  return *executor;
}

} // namespace

extern "C" {

mesos_shim_v1_executor *mesos_shim_v1_executor_new(
    const mesos_shim_v1_executor_callbacks *callbacks, void *user_data,
    const mesos_shim_buf *environment, size_t environment_len) {
  mesos_shim_v1_executor *created = nullptr;
  guard([&] {
    if (callbacks == nullptr || !all_callbacks_set(*callbacks)) {
      throw NullArgument("every v1 executor callback must be set");
    }
    std::unique_ptr<mesos_shim_v1_executor> handle(
        new mesos_shim_v1_executor{*callbacks, user_data, None(), {}});
    if (environment != nullptr) {
      handle->environment = variables(environment, environment_len);
    }
    created = handle.release();
    return 0;
  });
  return created;
}

void mesos_shim_v1_executor_free(mesos_shim_v1_executor *executor) {
  guard([&] {
    delete executor;
    return 0;
  });
}

int32_t mesos_shim_v1_executor_start(mesos_shim_v1_executor *executor) {
  return guard([&] {
    mesos_shim_v1_executor &handle = handle_of(executor);
    return handle.object.start(handle);
  });
}

int32_t mesos_shim_v1_executor_stop(mesos_shim_v1_executor *executor) {
  return guard([&] { return handle_of(executor).object.stop(); });
}

int32_t mesos_shim_v1_executor_abort(mesos_shim_v1_executor *executor) {
  return guard([&] { return handle_of(executor).object.abort(); });
}

int32_t mesos_shim_v1_executor_join(mesos_shim_v1_executor *executor) {
  return guard([&] { return handle_of(executor).object.join(); });
}

int32_t mesos_shim_v1_executor_send(mesos_shim_v1_executor *executor,
                                    mesos_shim_buf call) {
  return guard([&] {
    const mesos::v1::executor::Call parsed =
        parse<mesos::v1::executor::Call>(call, "call");
    return handle_of(executor).object.with_library(
        [&](Library &library) { library.send(parsed); });
  });
}

} // extern "C"

#endif // MESOS_SHIM_V1
