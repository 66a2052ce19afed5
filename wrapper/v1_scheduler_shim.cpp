// The v1 scheduler half of the shim: mesos::v1::scheduler::Mesos behind the
// drivers' lifecycle (V1Object), its callbacks forwarded to a C table, and
// `send`/`reconnect`. Translation only. Compiled where the v1 headers are
// usable; v1_unavailable.cpp stands in otherwise.
#if MESOS_SHIM_V1

#include <memory>
#include <string>

#include <mesos/master/detector.hpp>
#include <mesos/v1/scheduler.hpp>

#include "mesos_shim.h"
#include "shim_common.hpp"
#include "v1_common.hpp"

using mesos_shim::guard;
using mesos_shim::NullArgument;
using mesos_shim::parse;

namespace {

using mesos::master::detector::MasterDetector;
using mesos::v1::scheduler::Event;

// libmesos's Mesos, built through its protected constructor so that the
// shim can hand it a master detector made beforehand: the public one makes
// its own and exits the process when the master address is unusable.
class Library : public mesos::v1::scheduler::Mesos {
public:
  Library(const std::string &master,
          const mesos_shim::V1Callbacks<mesos_shim_v1_scheduler_callbacks,
                                        Event> &callbacks,
          const Option<mesos::v1::Credential> &credential,
          const Option<std::shared_ptr<MasterDetector>> &detector)
      : Mesos(master, mesos::ContentType::PROTOBUF, callbacks.connected,
              callbacks.disconnected, callbacks.received, credential,
              detector) {}
};

bool all_callbacks_set(const mesos_shim_v1_scheduler_callbacks &c) {
  return c.connected && c.disconnected && c.received && c.error;
}

} // namespace

// The opaque handle: the settings libmesos's object is made from at
// `start`, and the object. It is also the maker V1Object::start asks.
struct mesos_shim_v1_scheduler {
  mesos_shim_v1_scheduler_callbacks callbacks;
  void *user_data;
  std::string master;
  Option<mesos::v1::Credential> credential;
  mesos_shim::V1Object<Library> object;

  // libmesos's object, with libmesos's own detector for `master`, made
  // here so that an address it can't use is an error, not an exit.
  // `local` starts an in-process cluster inside libmesos, which then makes
  // the detector itself.
  Library *create(std::string &failure) {
    Option<std::shared_ptr<MasterDetector>> detector = None();
    if (master != "local") {
      Try<MasterDetector *> made = MasterDetector::create(master);
      if (made.isError()) {
        failure = "cannot use master '" + master + "': " + made.error();
        return nullptr;
      }
      detector = std::shared_ptr<MasterDetector>(made.get());
    }
    const mesos_shim::V1Callbacks<mesos_shim_v1_scheduler_callbacks, Event>
        forwarders(callbacks, user_data, object.gate());
    return new Library(master, forwarders, credential, detector);
  }

  void report(const std::string &failure) {
    mesos_shim::forward(callbacks.error, user_data, failure);
  }
};

namespace {

mesos_shim_v1_scheduler &handle_of(mesos_shim_v1_scheduler *scheduler) {
  if (scheduler == nullptr) {
    throw NullArgument("v1 scheduler handle is NULL");
  }
  return *scheduler;
}

} // namespace

extern "C" {

mesos_shim_v1_scheduler *mesos_shim_v1_scheduler_new(
    const mesos_shim_v1_scheduler_callbacks *callbacks, void *user_data,
    const char *master, const mesos_shim_buf *credential) {
  mesos_shim_v1_scheduler *created = nullptr;
  guard([&] {
    if (callbacks == nullptr || !all_callbacks_set(*callbacks)) {
      throw NullArgument("every v1 scheduler callback must be set");
    }
    if (master == nullptr) {
      throw NullArgument("master is NULL");
    }
    std::unique_ptr<mesos_shim_v1_scheduler> handle(
        new mesos_shim_v1_scheduler{*callbacks, user_data, master, None(), {}});
    if (credential != nullptr) {
      handle->credential =
          parse<mesos::v1::Credential>(*credential, "credential");
    }
    created = handle.release();
    return 0;
  });
  return created;
}

void mesos_shim_v1_scheduler_free(mesos_shim_v1_scheduler *scheduler) {
  guard([&] {
    delete scheduler;
    return 0;
  });
}

int32_t mesos_shim_v1_scheduler_start(mesos_shim_v1_scheduler *scheduler) {
  return guard([&] {
    mesos_shim_v1_scheduler &handle = handle_of(scheduler);
    return handle.object.start(handle);
  });
}

int32_t mesos_shim_v1_scheduler_stop(mesos_shim_v1_scheduler *scheduler) {
  return guard([&] { return handle_of(scheduler).object.stop(); });
}

int32_t mesos_shim_v1_scheduler_abort(mesos_shim_v1_scheduler *scheduler) {
  return guard([&] { return handle_of(scheduler).object.abort(); });
}

int32_t mesos_shim_v1_scheduler_join(mesos_shim_v1_scheduler *scheduler) {
  return guard([&] { return handle_of(scheduler).object.join(); });
}

int32_t mesos_shim_v1_scheduler_send(mesos_shim_v1_scheduler *scheduler,
                                     mesos_shim_buf call) {
  return guard([&] {
    const mesos::v1::scheduler::Call parsed =
        parse<mesos::v1::scheduler::Call>(call, "call");
    return handle_of(scheduler).object.with_library(
        [&](Library &library) { library.send(parsed); });
  });
}

int32_t mesos_shim_v1_scheduler_call(mesos_shim_v1_scheduler *scheduler,
                                     mesos_shim_buf call,
                                     mesos_shim_v1_result_callback done,
                                     void *context) {
  return guard([&] {
    if (done == nullptr) {
      throw NullArgument("done is NULL");
    }
    const mesos::v1::scheduler::Call parsed =
        parse<mesos::v1::scheduler::Call>(call, "call");
    return handle_of(scheduler).object.with_library([&](Library &library) {
      // The future is only watched, never waited for: it may stay pending
      // (a master that never answers), and then `done` is not called.
      library.call(parsed).onAny(
          [done, context](const process::Future<mesos::v1::scheduler::APIResult>
                              &answer) {
            if (answer.isReady()) {
              const mesos_shim::Serialized result(answer.get());
              done(context, MESOS_SHIM_DRIVER_RUNNING, result.buf());
            } else {
              const std::string why =
                  answer.isFailed() ? "libmesos failed the call: " + answer.failure()
                                    : std::string("libmesos discarded the call");
              done(context, MESOS_SHIM_EXCEPTION, mesos_shim::view_of(why));
            }
          });
    });
  });
}

int32_t mesos_shim_v1_scheduler_reconnect(mesos_shim_v1_scheduler *scheduler) {
  return guard([&] {
    return handle_of(scheduler).object.with_library(
        [](Library &library) { library.reconnect(); });
  });
}

} // extern "C"

#endif // MESOS_SHIM_V1
