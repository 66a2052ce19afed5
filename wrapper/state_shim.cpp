// The State storages of libmesos (mesos::state::Storage and its
// ZooKeeper, LevelDB, replicated-log and in-memory implementations).
// Storage is what mesos::state::State is built on; State itself is a few
// inline lines (fresh uuids, compare-and-swap through `set`), which the
// caller keeps, so a variable here is the Entry message as stored.
#if MESOS_SHIM_STATE

#include <memory>
#include <set>
#include <string>

#include <mesos/state/in_memory.hpp>
#include <mesos/state/leveldb.hpp>
#include <mesos/state/log.hpp>
#include <mesos/state/state.pb.h>
#include <mesos/state/storage.hpp>
#include <mesos/state/zookeeper.hpp>

#include <stout/duration.hpp>
#include <stout/uuid.hpp>

#include "future_forwarding.hpp"
#include "mesos_shim.h"
#include "shim_common.hpp"
#include "state_log_common.hpp"

using mesos::internal::state::Entry;
using mesos_shim::BadArgument;
using mesos_shim::guard;
using mesos_shim::NullArgument;

struct mesos_shim_storage {
  std::unique_ptr<mesos::state::Storage> storage;
};

namespace {

mesos::state::Storage &storage_of(mesos_shim_storage *handle) {
  if (handle == nullptr || !handle->storage) {
    throw NullArgument("storage handle is NULL");
  }
  return *handle->storage;
}

template <typename Make> mesos_shim_storage *make_storage(Make make) {
  mesos_shim_storage *created = nullptr;
  guard([&] {
    created = new mesos_shim_storage{make()};
    return 0;
  });
  return created;
}

Entry entry_of(const mesos_shim_buf &buf) {
  Entry entry;
  mesos_shim::parse_into(buf, "entry (mesos.internal.state.Entry)", entry);
  return entry;
}

std::vector<std::string> entry_or_none(const Option<Entry> &entry) {
  if (entry.isNone()) {
    return {};
  }
  return {entry->SerializeAsString()};
}

} // namespace

extern "C" {

mesos_shim_storage *mesos_shim_storage_zookeeper_new(mesos_shim_buf servers,
                                                     int64_t timeout_ns,
                                                     mesos_shim_buf znode,
                                                     const mesos_shim_buf *digest) {
  return make_storage([&] {
    mesos_shim::require_data(servers, "servers");
    mesos_shim::require_data(znode, "znode");
    Duration timeout =
        Nanoseconds(mesos_shim::require_timeout(timeout_ns, "timeout"));
    return std::unique_ptr<mesos::state::Storage>(
        new mesos::state::ZooKeeperStorage(
            mesos_shim::to_string(servers), timeout,
            mesos_shim::to_string(znode), mesos_shim::digest_of(digest)));
  });
}

mesos_shim_storage *mesos_shim_storage_leveldb_new(mesos_shim_buf path) {
  return make_storage([&] {
    mesos_shim::require_data(path, "path");
    return std::unique_ptr<mesos::state::Storage>(
        new mesos::state::LevelDBStorage(mesos_shim::to_string(path)));
  });
}

mesos_shim_storage *mesos_shim_storage_in_memory_new(void) {
  return make_storage([] {
    return std::unique_ptr<mesos::state::Storage>(
        new mesos::state::InMemoryStorage());
  });
}

mesos_shim_storage *mesos_shim_storage_log_new(mesos_shim_log *log,
                                               uint64_t diffs_between_snapshots) {
  return make_storage([&] {
    return std::unique_ptr<mesos::state::Storage>(new mesos::state::LogStorage(
        &mesos_shim::log_of(log), diffs_between_snapshots));
  });
}

void mesos_shim_storage_free(mesos_shim_storage *storage) {
  guard([&] {
    delete storage;
    return 0;
  });
}

int32_t mesos_shim_storage_get(mesos_shim_storage *storage, mesos_shim_buf name,
                               mesos_shim_future_callback done, void *context) {
  return guard([&] {
    mesos_shim::require_callback(done);
    mesos_shim::require_data(name, "name");
    return mesos_shim::forward(
        storage_of(storage).get(mesos_shim::to_string(name)), done, context,
        entry_or_none);
  });
}

int32_t mesos_shim_storage_set(mesos_shim_storage *storage, mesos_shim_buf entry,
                               mesos_shim_buf uuid,
                               mesos_shim_future_callback done, void *context) {
  return guard([&] {
    mesos_shim::require_callback(done);
    mesos_shim::require_data(uuid, "uuid");
    Try<id::UUID> version = id::UUID::fromBytes(mesos_shim::to_string(uuid));
    if (version.isError()) {
      throw BadArgument("uuid: " + version.error());
    }
    return mesos_shim::forward(
        storage_of(storage).set(entry_of(entry), version.get()), done,
        context, mesos_shim::one_flag);
  });
}

int32_t mesos_shim_storage_expunge(mesos_shim_storage *storage,
                                   mesos_shim_buf entry,
                                   mesos_shim_future_callback done,
                                   void *context) {
  return guard([&] {
    mesos_shim::require_callback(done);
    return mesos_shim::forward(storage_of(storage).expunge(entry_of(entry)),
                               done, context, mesos_shim::one_flag);
  });
}

int32_t mesos_shim_storage_names(mesos_shim_storage *storage,
                                 mesos_shim_future_callback done,
                                 void *context) {
  return guard([&] {
    mesos_shim::require_callback(done);
    return mesos_shim::forward(
        storage_of(storage).names(), done, context,
        [](const std::set<std::string> &names) {
          return std::vector<std::string>(names.begin(), names.end());
        });
  });
}

} // extern "C"

#endif // MESOS_SHIM_STATE
