// What the v1 scheduler and executor halves of the shim share: the four
// lifecycle calls the drivers have (libmesos's v1 libraries have none), and
// the gate every libmesos callback passes through. Only compiled where the
// v1 headers are usable (MESOS_SHIM_V1).
#ifndef MESOS_SHIM_V1_COMMON_HPP
#define MESOS_SHIM_V1_COMMON_HPP

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <queue>
#include <string>

#include "mesos_shim.h"
#include "shim_common.hpp"

namespace mesos_shim {

// Whether a v1 object is running: read by the Gate before every callback.
class V1Status {
public:
  virtual ~V1Status() = default;
  virtual bool running() = 0;
};

// What libmesos's callbacks hold: shared with every std::function handed to
// libmesos, so it outlives the object. libmesos runs callbacks
// asynchronously, on threads of its own, and may still run one it queued
// before the object was deleted; the gate drops it. Its lock is held while
// a callback runs, so closing it waits for that callback.
class V1Gate {
public:
  explicit V1Gate(V1Status *owner) : owner_(owner) {}

  // Runs `deliver` if the object is still there and running.
  template <typename Deliver> void pass(Deliver deliver) {
    std::lock_guard<std::mutex> delivering(delivering_);
    if (owner_ != nullptr && owner_->running()) {
      deliver();
    }
  }

  // After this returns, no callback runs and none will.
  void close() {
    std::lock_guard<std::mutex> delivering(delivering_);
    owner_ = nullptr;
  }

private:
  std::mutex delivering_;
  V1Status *owner_;
};

// A v1 library object with the drivers' lifecycle around it. `Library` is
// the libmesos class (mesos::v1::scheduler::Mesos...). The statuses move as
// MesosSchedulerDriver's do:
//
//   NOT_STARTED --start--> RUNNING --stop--> STOPPED
//                            |                  ^
//                            | abort            | stop
//                            v                  |
//                          ABORTED -------------+
//
// libmesos's callbacks reach the caller only while RUNNING and until the
// object is deleted.
template <typename Library> class V1Object : public V1Status {
public:
  V1Object() : gate_(std::make_shared<V1Gate>(this)) {}

  // Closes the gate before deleting libmesos's object, whose destructor
  // waits for its own process but not for callbacks already queued.
  ~V1Object() override {
    gate_->close();
    library_.reset();
  }

  V1Object(const V1Object &) = delete;
  V1Object &operator=(const V1Object &) = delete;

  std::shared_ptr<V1Gate> gate() const { return gate_; }

  // Constructs the library with `maker.create(failure)` (the new object,
  // or NULL with `failure` set where libmesos would have exited the
  // process) and moves to RUNNING. On a failure: ABORTED, and
  // `maker.report(failure)` runs on this thread with no lock held, as
  // libmesos's v0 driver calls `error` from inside `start`.
  template <typename Maker> int32_t start(Maker &maker) {
    std::string failure;
    {
      // Held while constructing: a callback libmesos makes meanwhile waits
      // in running() and then sees RUNNING.
      std::lock_guard<std::mutex> lock(mutex_);
      if (status_ != MESOS_SHIM_DRIVER_NOT_STARTED) {
        return status_;
      }
      library_.reset(maker.create(failure));
      if (library_) {
        status_ = MESOS_SHIM_DRIVER_RUNNING;
        return status_;
      }
      status_ = MESOS_SHIM_DRIVER_ABORTED;
    }
    changed_.notify_all();
    maker.report(failure);
    return MESOS_SHIM_DRIVER_ABORTED;
  }

  int32_t stop() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (status_ != MESOS_SHIM_DRIVER_RUNNING &&
        status_ != MESOS_SHIM_DRIVER_ABORTED) {
      return status_;
    }
    const bool aborted = status_ == MESOS_SHIM_DRIVER_ABORTED;
    status_ = MESOS_SHIM_DRIVER_STOPPED;
    changed_.notify_all();
    return aborted ? MESOS_SHIM_DRIVER_ABORTED : MESOS_SHIM_DRIVER_STOPPED;
  }

  int32_t abort() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (status_ != MESOS_SHIM_DRIVER_RUNNING) {
      return status_;
    }
    status_ = MESOS_SHIM_DRIVER_ABORTED;
    changed_.notify_all();
    return status_;
  }

  int32_t join() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock,
                  [this] { return status_ != MESOS_SHIM_DRIVER_RUNNING; });
    return status_;
  }

  // Runs `use(library)` if RUNNING; the status either way.
  template <typename Use> int32_t with_library(Use use) {
    Library *library = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (status_ != MESOS_SHIM_DRIVER_RUNNING) {
        return status_;
      }
      library = library_.get();
    }
    // Unlocked: the library lives until this object is deleted, which the
    // caller never does during a call.
    use(*library);
    return MESOS_SHIM_DRIVER_RUNNING;
  }

  bool running() override {
    std::lock_guard<std::mutex> lock(mutex_);
    return status_ == MESOS_SHIM_DRIVER_RUNNING;
  }

private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int32_t status_ = MESOS_SHIM_DRIVER_NOT_STARTED;
  std::unique_ptr<Library> library_;
  std::shared_ptr<V1Gate> gate_;
};

// The container inside a std::queue, so that a batch of events libmesos
// hands over is serialized without copying the queue first.
template <typename T>
const typename std::queue<T>::container_type &
contents(const std::queue<T> &queue) {
  struct Access : std::queue<T> {
    static const typename std::queue<T>::container_type &
    of(const std::queue<T> &queue) {
      return queue.*(&Access::c);
    }
  };
  return Access::of(queue);
}

// The three std::functions a v1 library takes, each passing through the
// gate to the C `callbacks` (a table with connected, disconnected and
// received).
template <typename Callbacks, typename Event> struct V1Callbacks {
  V1Callbacks(const Callbacks &callbacks, void *user_data,
              std::shared_ptr<V1Gate> gate)
      : connected([=] {
          gate->pass([&] { callbacks.connected(user_data); });
        }),
        disconnected([=] {
          gate->pass([&] { callbacks.disconnected(user_data); });
        }),
        received([=](const std::queue<Event> &events) {
          gate->pass([&] {
            // Per thread, and reused: libmesos runs these callbacks on
            // threads of its own, one at a time per object.
            thread_local SerializedList batch;
            batch.assign(contents(events));
            callbacks.received(user_data, batch.data(), batch.size());
            batch.release_if_larger_than(kBatchBytesKept);
          });
        }) {}

  // Past this, a batch's buffer is given back after the callback.
  static constexpr size_t kBatchBytesKept = 4 << 20;

  std::function<void()> connected;
  std::function<void()> disconnected;
  std::function<void(const std::queue<Event> &)> received;
};

} // namespace mesos_shim

#endif // MESOS_SHIM_V1_COMMON_HPP
