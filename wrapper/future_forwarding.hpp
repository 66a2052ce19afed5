// How State and Log operations answer: a libprocess future's outcome handed
// to the caller's mesos_shim_future_callback exactly once. The shim never
// waits for a future and never asks a pending one for its value (the Java
// binding's CHECKs on such futures crashed frameworks); it only attaches
// callbacks. Only compiled where libprocess's headers are usable.
#ifndef MESOS_SHIM_FUTURE_FORWARDING_HPP
#define MESOS_SHIM_FUTURE_FORWARDING_HPP

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <process/future.hpp>

#include "mesos_shim.h"
#include "shim_common.hpp"

namespace mesos_shim {

// The caller's callback and context, called once whichever of libprocess's
// callbacks comes first: a settled future runs `onAny`, a future whose
// promise was deleted unsettled runs `onAbandoned` instead.
class Answer {
public:
  Answer(mesos_shim_future_callback done, void *context)
      : done_(done), context_(context) {}

  void operator()(int32_t outcome, const std::vector<std::string> &values) {
    if (answered_.exchange(true)) {
      return;
    }
    std::vector<mesos_shim_buf> views;
    views.reserve(values.size());
    for (const std::string &value : values) {
      views.push_back(mesos_shim_buf{
          reinterpret_cast<const uint8_t *>(value.data()), value.size()});
    }
    done_(context_, outcome, views.data(), views.size());
  }

private:
  mesos_shim_future_callback done_;
  void *context_;
  std::atomic<bool> answered_{false};
};

// Attaches `done` to `future`; `encode` turns its value into the values
// the header documents for the operation.
template <typename T, typename Encode>
int32_t forward(const process::Future<T> &future,
                mesos_shim_future_callback done, void *context,
                Encode encode) {
  auto answer = std::make_shared<Answer>(done, context);
  future.onAny([answer, encode](const process::Future<T> &settled) {
    if (settled.isReady()) {
      (*answer)(MESOS_SHIM_READY, encode(settled.get()));
    } else if (settled.isFailed()) {
      (*answer)(MESOS_SHIM_FAILED, {settled.failure()});
    } else {
      (*answer)(MESOS_SHIM_DISCARDED, {});
    }
  });
  future.onAbandoned([answer]() { (*answer)(MESOS_SHIM_ABANDONED, {}); });
  return MESOS_SHIM_OK;
}

inline void require_callback(mesos_shim_future_callback done) {
  if (done == nullptr) {
    throw NullArgument("the operation's callback is NULL");
  }
}

// One byte, 1 or 0: how a bool answers.
inline std::vector<std::string> one_flag(bool flag) {
  return {std::string(1, flag ? '\1' : '\0')};
}

// A log position's value as its 8-byte big-endian identity, and back.
inline std::string position_bytes(uint64_t value) {
  std::string bytes(8, '\0');
  for (int i = 7; i >= 0; i--) {
    bytes[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return bytes;
}

// A required non-negative duration in nanoseconds.
inline int64_t require_timeout(int64_t timeout_ns, const char *what) {
  if (timeout_ns < 0) {
    throw BadArgument(std::string(what) + " is negative");
  }
  return timeout_ns;
}

} // namespace mesos_shim

#endif // MESOS_SHIM_FUTURE_FORWARDING_HPP
