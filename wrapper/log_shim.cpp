// libmesos's replicated log (mesos::log::Log) and its Reader and Writer.
// Positions cross as their uint64 values; libmesos makes Position only
// from its 8-byte identity, so the shim converts through that.
#if MESOS_SHIM_STATE

#include <list>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <mesos/log/log.hpp>

#include <process/pid.hpp>

#include <stout/duration.hpp>

#include "future_forwarding.hpp"
#include "mesos_shim.h"
#include "shim_common.hpp"
#include "state_log_common.hpp"

using mesos::log::Log;
using mesos_shim::BadArgument;
using mesos_shim::guard;
using mesos_shim::NullArgument;

struct mesos_shim_log_reader {
  Log *log;
  std::unique_ptr<Log::Reader> reader;
};

struct mesos_shim_log_writer {
  Log *log;
  std::unique_ptr<Log::Writer> writer;
};

namespace {

// Log's constructor CHECKs nothing about the quorum, but a quorum below
// one can never be reached.
int require_quorum(int32_t quorum) {
  if (quorum < 1) {
    throw BadArgument("quorum " + std::to_string(quorum) +
                      " is below 1");
  }
  return quorum;
}

template <typename Make> mesos_shim_log *make_log(Make make) {
  mesos_shim_log *created = nullptr;
  guard([&] {
    created = new mesos_shim_log{make()};
    return 0;
  });
  return created;
}

template <typename Handle> Handle &checked(Handle *handle, const char *what) {
  if (handle == nullptr || handle->log == nullptr) {
    throw NullArgument(std::string(what) + " handle is NULL");
  }
  return *handle;
}

std::vector<std::string> position_value(const Log::Position &position) {
  return {position.identity()};
}

std::vector<std::string> position_or_none(const Option<Log::Position> &position) {
  if (position.isNone()) {
    return {};
  }
  return {position->identity()};
}

std::vector<std::string> entries(const std::list<Log::Entry> &read) {
  std::vector<std::string> values;
  values.reserve(2 * read.size());
  for (const Log::Entry &entry : read) {
    values.push_back(entry.position.identity());
    values.push_back(entry.data);
  }
  return values;
}

} // namespace

extern "C" {

mesos_shim_log *mesos_shim_log_zookeeper_new(int32_t quorum, mesos_shim_buf path,
                                             mesos_shim_buf servers,
                                             int64_t timeout_ns,
                                             mesos_shim_buf znode,
                                             const mesos_shim_buf *digest,
                                             int32_t auto_initialize) {
  return make_log([&] {
    mesos_shim::require_data(path, "path");
    mesos_shim::require_data(servers, "servers");
    mesos_shim::require_data(znode, "znode");
    Duration timeout =
        Nanoseconds(mesos_shim::require_timeout(timeout_ns, "timeout"));
    return std::unique_ptr<Log>(new Log(
        require_quorum(quorum), mesos_shim::to_string(path),
        mesos_shim::to_string(servers), timeout, mesos_shim::to_string(znode),
        mesos_shim::digest_of(digest), auto_initialize != 0));
  });
}

mesos_shim_log *mesos_shim_log_replicas_new(int32_t quorum, mesos_shim_buf path,
                                            const mesos_shim_buf *pids,
                                            size_t pids_len,
                                            int32_t auto_initialize) {
  return make_log([&] {
    mesos_shim::require_data(path, "path");
    std::set<process::UPID> replicas;
    for (const std::string &text : mesos_shim::strings(pids, pids_len, "pids")) {
      process::UPID pid(text);
      if (!pid) {
        throw BadArgument("replica pid '" + text +
                          "' is not of the form id@host:port");
      }
      replicas.insert(pid);
    }
    return std::unique_ptr<Log>(new Log(require_quorum(quorum),
                                        mesos_shim::to_string(path), replicas,
                                        auto_initialize != 0));
  });
}

void mesos_shim_log_free(mesos_shim_log *log) {
  guard([&] {
    delete log;
    return 0;
  });
}

mesos_shim_log_reader *mesos_shim_log_reader_new(mesos_shim_log *log) {
  mesos_shim_log_reader *created = nullptr;
  guard([&] {
    Log &native = mesos_shim::log_of(log);
    created = new mesos_shim_log_reader{
        &native, std::unique_ptr<Log::Reader>(new Log::Reader(&native))};
    return 0;
  });
  return created;
}

void mesos_shim_log_reader_free(mesos_shim_log_reader *reader) {
  guard([&] {
    delete reader;
    return 0;
  });
}

int32_t mesos_shim_log_reader_read(mesos_shim_log_reader *reader, uint64_t from,
                                   uint64_t to, mesos_shim_future_callback done,
                                   void *context) {
  return guard([&] {
    mesos_shim::require_callback(done);
    mesos_shim_log_reader &handle = checked(reader, "log reader");
    Log::Position first = handle.log->position(mesos_shim::position_bytes(from));
    Log::Position last = handle.log->position(mesos_shim::position_bytes(to));
    return mesos_shim::forward(handle.reader->read(first, last), done, context,
                               entries);
  });
}

int32_t mesos_shim_log_reader_beginning(mesos_shim_log_reader *reader,
                                        mesos_shim_future_callback done,
                                        void *context) {
  return guard([&] {
    mesos_shim::require_callback(done);
    return mesos_shim::forward(checked(reader, "log reader").reader->beginning(),
                               done, context, position_value);
  });
}

int32_t mesos_shim_log_reader_ending(mesos_shim_log_reader *reader,
                                     mesos_shim_future_callback done,
                                     void *context) {
  return guard([&] {
    mesos_shim::require_callback(done);
    return mesos_shim::forward(checked(reader, "log reader").reader->ending(),
                               done, context, position_value);
  });
}

int32_t mesos_shim_log_reader_catchup(mesos_shim_log_reader *reader,
                                      mesos_shim_future_callback done,
                                      void *context) {
  return guard([&] {
    mesos_shim::require_callback(done);
    return mesos_shim::forward(checked(reader, "log reader").reader->catchup(),
                               done, context, position_value);
  });
}

mesos_shim_log_writer *mesos_shim_log_writer_new(mesos_shim_log *log) {
  mesos_shim_log_writer *created = nullptr;
  guard([&] {
    Log &native = mesos_shim::log_of(log);
    created = new mesos_shim_log_writer{
        &native, std::unique_ptr<Log::Writer>(new Log::Writer(&native))};
    return 0;
  });
  return created;
}

void mesos_shim_log_writer_free(mesos_shim_log_writer *writer) {
  guard([&] {
    delete writer;
    return 0;
  });
}

int32_t mesos_shim_log_writer_start(mesos_shim_log_writer *writer,
                                    mesos_shim_future_callback done,
                                    void *context) {
  return guard([&] {
    mesos_shim::require_callback(done);
    return mesos_shim::forward(checked(writer, "log writer").writer->start(),
                               done, context, position_or_none);
  });
}

int32_t mesos_shim_log_writer_append(mesos_shim_log_writer *writer,
                                     mesos_shim_buf data,
                                     mesos_shim_future_callback done,
                                     void *context) {
  return guard([&] {
    mesos_shim::require_callback(done);
    mesos_shim::require_data(data, "data");
    return mesos_shim::forward(
        checked(writer, "log writer").writer->append(mesos_shim::to_string(data)),
        done, context, position_or_none);
  });
}

int32_t mesos_shim_log_writer_truncate(mesos_shim_log_writer *writer,
                                       uint64_t to,
                                       mesos_shim_future_callback done,
                                       void *context) {
  return guard([&] {
    mesos_shim::require_callback(done);
    mesos_shim_log_writer &handle = checked(writer, "log writer");
    Log::Position position = handle.log->position(mesos_shim::position_bytes(to));
    return mesos_shim::forward(handle.writer->truncate(position), done, context,
                               position_or_none);
  });
}

} // extern "C"

#endif // MESOS_SHIM_STATE
