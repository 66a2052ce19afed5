// Helpers shared by the scheduler and executor halves of the shim: error
// reporting, buffer <-> protobuf translation, and the exception barrier.
#ifndef MESOS_SHIM_COMMON_HPP
#define MESOS_SHIM_COMMON_HPP

#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "mesos_shim.h"

namespace mesos_shim {

// Records the code and message returned by mesos_shim_last_error_code() and
// mesos_shim_last_error() on this thread, until the next error.
void set_last_error(int32_t code, const std::string &message);

// Thrown inside the shim when an input buffer does not parse; turned into
// MESOS_SHIM_BAD_MESSAGE by guard().
struct BadMessage : std::exception {
  explicit BadMessage(std::string what) : message(std::move(what)) {}
  const char *what() const noexcept override { return message.c_str(); }
  std::string message;
};

// Thrown when a required pointer is NULL; turned into MESOS_SHIM_NULL_ARGUMENT.
struct NullArgument : std::exception {
  explicit NullArgument(std::string what) : message(std::move(what)) {}
  const char *what() const noexcept override { return message.c_str(); }
  std::string message;
};

// Thrown for an argument libmesos would answer by killing the process;
// turned into MESOS_SHIM_BAD_ARGUMENT.
struct BadArgument : std::exception {
  explicit BadArgument(std::string what) : message(std::move(what)) {}
  const char *what() const noexcept override { return message.c_str(); }
  std::string message;
};

// The NULL checks of every buffer and array the shim reads.
inline void require_data(const mesos_shim_buf &buf, const char *what) {
  if (buf.len > 0 && buf.data == nullptr) {
    throw NullArgument(std::string(what) + ": data is NULL but len is not 0");
  }
}

inline void require_array(const mesos_shim_buf *bufs, size_t len,
                          const char *what) {
  if (len > 0 && bufs == nullptr) {
    throw NullArgument(std::string(what) + ": array is NULL but len is not 0");
  }
}

// Parses `buf` into `message`, replacing its contents. A message parsed
// into before keeps its sub-messages and string capacity for this parse.
template <typename Message>
void parse_into(const mesos_shim_buf &buf, const char *what,
                Message &message) {
  require_data(buf, what);
  // ParseFromArray also checks required fields, so a message missing one is
  // rejected here rather than deep inside libmesos.
  if (!message.ParseFromArray(buf.data, static_cast<int>(buf.len))) {
    throw BadMessage(std::string(what) + ": not a valid serialized " +
                     message.GetTypeName() + " (" +
                     message.InitializationErrorString() + ")");
  }
}

template <typename Message>
Message parse(const mesos_shim_buf &buf, const char *what) {
  Message message;
  parse_into(buf, what, message);
  return message;
}

template <typename Message>
std::vector<Message> parse_all(const mesos_shim_buf *bufs, size_t len,
                               const char *what) {
  require_array(bufs, len, what);
  std::vector<Message> messages;
  messages.reserve(len);
  for (size_t i = 0; i < len; i++) {
    messages.push_back(parse<Message>(bufs[i], what));
  }
  return messages;
}

inline std::string to_string(const mesos_shim_buf &buf) {
  return std::string(reinterpret_cast<const char *>(buf.data), buf.len);
}

std::vector<std::string> strings(const mesos_shim_buf *bufs, size_t len,
                                 const char *what);

// A list of messages parsed into the same objects call after call, for the
// one driver call whose lists run to thousands (reconcileTasks): protobuf
// then reuses each message's allocations instead of allocating and freeing
// them on every call.
template <typename Message> class ReusedMessages {
public:
  // The messages of `bufs`, valid until the next parse.
  const std::vector<Message> &parse(const mesos_shim_buf *bufs, size_t len,
                                    const char *what) {
    require_array(bufs, len, what);
    messages_.resize(len);
    for (size_t i = 0; i < len; i++) {
      parse_into(bufs[i], what, messages_[i]);
    }
    return messages_;
  }

  // After the call: gives back a list grown past `limit` messages by an
  // exceptional call, so that one huge list is not held for good.
  void release_if_larger_than(size_t limit) {
    if (messages_.size() > limit) {
      std::vector<Message>().swap(messages_);
    }
  }

private:
  std::vector<Message> messages_;
};

// A view of `bytes`, valid while the string lives and is not changed.
inline mesos_shim_buf view_of(const std::string &bytes) {
  return mesos_shim_buf{reinterpret_cast<const uint8_t *>(bytes.data()),
                        bytes.size()};
}

// A serialized message that stays alive for the duration of one callback.
// Most callback arguments are small (ids, a task status of a few hundred
// bytes): they are written into the object itself, on the caller's stack,
// so that forwarding them allocates nothing. A status update is the
// callback a framework receives most often.
class Serialized {
public:
  template <typename Message>
  explicit Serialized(const Message &message)
      : size_(message.ByteSizeLong()) {
    if (size_ > sizeof(inline_)) {
      heap_.reset(new uint8_t[size_]);
    }
    // Partial, and uses the sizes ByteSizeLong just cached: a message
    // libmesos accepted is passed on even if it lacks a required field, so
    // the Rust side sees (and can report) exactly it.
    message.SerializeWithCachedSizesToArray(data());
  }
  Serialized(const Serialized &) = delete;
  Serialized &operator=(const Serialized &) = delete;
  // Moves copy the inline bytes; the view is taken from wherever they are.
  Serialized(Serialized &&) = default;

  mesos_shim_buf buf() const {
    return mesos_shim_buf{heap_ ? heap_.get() : inline_, size_};
  }

private:
  uint8_t *data() { return heap_ ? heap_.get() : inline_; }

  size_t size_;
  std::unique_ptr<uint8_t[]> heap_;
  uint8_t inline_[1024];
};

// A callback argument as the C side takes it: a message is serialized into
// a buffer that lives until the end of the full expression (the callback's
// return); a string is viewed where it is, as libmesos keeps it alive
// for the call; an int passes as it is.
template <typename Message> Serialized c_argument(const Message &message) {
  return Serialized(message);
}
inline mesos_shim_buf c_argument(const std::string &bytes) {
  return view_of(bytes);
}
inline int32_t c_argument(int value) { return value; }

inline mesos_shim_buf c_view(const Serialized &serialized) {
  return serialized.buf();
}
inline mesos_shim_buf c_view(mesos_shim_buf view) { return view; }
inline int32_t c_view(int32_t value) { return value; }

// Calls the C `callback` with `user_data` and each of libmesos's arguments
// as the C side takes it: the body of every forwarding callback.
template <typename Callback, typename... Args>
void forward(Callback callback, void *user_data, const Args &...args) {
  callback(user_data, c_view(c_argument(args))...);
}

// Messages serialized back to back into one buffer, with a view of each,
// for one callback. Reused from one callback to the next (the buffers keep
// their capacity), so a steady stream of offer batches costs no allocation
// and no fresh pages after the first; callbacks of one driver never overlap.
class SerializedList {
public:
  // Replaces the contents with `messages`; the views are valid until the
  // next call.
  // `messages`: any container of messages (a vector of offers, the deque
  // inside a queue of v1 events).
  template <typename Messages> void assign(const Messages &messages) {
    sizes_.clear();
    views_.clear();
    size_t total = 0;
    for (const auto &message : messages) {
      // Also caches the sizes that SerializeWithCachedSizesToArray uses.
      sizes_.push_back(message.ByteSizeLong());
      total += sizes_.back();
    }
    if (bytes_.size() < total) {
      bytes_.resize(total);
    }
    uint8_t *next = bytes_.data();
    size_t i = 0;
    for (const auto &message : messages) {
      // Partial, as in Serialized.
      message.SerializeWithCachedSizesToArray(next);
      views_.push_back(mesos_shim_buf{next, sizes_[i]});
      next += sizes_[i];
      i++;
    }
  }
  const mesos_shim_buf *data() const { return views_.data(); }
  size_t size() const { return views_.size(); }

  // After the callback: gives back a buffer grown past `limit` bytes by an
  // exceptional batch, so that one huge batch is not held for good.
  void release_if_larger_than(size_t limit) {
    if (bytes_.capacity() > limit) {
      std::vector<uint8_t>().swap(bytes_);
    }
  }

private:
  std::vector<size_t> sizes_;
  std::vector<uint8_t> bytes_;
  std::vector<mesos_shim_buf> views_;
};

// Throws the NullArgument for a NULL `what` driver handle. Out of line, so
// that driver_of stays two tests every driver call can inline.
[[noreturn]] void throw_null_handle(const char *what);

// The libmesos driver behind a shim handle; `what` ("scheduler") names it
// in the error for a NULL one.
template <typename Handle>
inline auto driver_of(Handle *handle, const char *what)
    -> decltype(*handle->driver) {
  if (handle == nullptr || !handle->driver) {
    throw_null_handle(what);
  }
  return *handle->driver;
}

// Deletes a shim handle (NULL is ignored): the driver first, which waits
// for a running callback, then the forwarder it calls into.
template <typename Handle> void delete_handle(Handle *handle) {
  if (handle != nullptr) {
    handle->driver.reset();
    delete handle;
  }
}

// The code and last error for the exception being handled: called only
// from a catch handler, where it rethrows to tell the kinds apart. Out of
// line, so that guard's one handler is a single call and the entry points
// it is inlined into save no registers for the handlers of each kind.
int32_t current_exception_code() noexcept;

// Runs `body`, converting every C++ exception into a negative
// mesos_shim_result and a message for mesos_shim_last_error(). A call that
// succeeds leaves the last error as it was (as errno is left): clearing it
// on every call cost each driver call a cross-unit call and two
// thread-local stores, about a tenth of the cheapest call's overhead, and
// callers read the error only after a call failed. Always inlined into its
// entry point: a call of its own cost each driver call another frame.
template <typename Body>
[[gnu::always_inline]] inline int32_t guard(Body body) noexcept {
  try {
    return static_cast<int32_t>(body());
  } catch (...) {
    return current_exception_code();
  }
}

} // namespace mesos_shim

#endif // MESOS_SHIM_COMMON_HPP
