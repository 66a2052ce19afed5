// Stands in for the State, Log and leader-election parts of the shim where
// they can't be compiled: the install lacks the libprocess and stout
// headers that libmesos's State, Log and ZooKeeper headers include (Mesos installs them with
// --enable-install-module-dependencies). Every constructor returns NULL
// with MESOS_SHIM_UNAVAILABLE and says why; every operation refuses.
#if !MESOS_SHIM_STATE

#include "mesos_shim.h"
#include "shim_common.hpp"

namespace {

const char *const kWhy =
    "this build of mesos-sys has no State, replicated log or leader "
    "election: the Mesos install it was compiled against lacks libprocess's "
    "and stout's headers (process/future.hpp, stout/uuid.hpp), which "
    "libmesos's State, Log and ZooKeeper headers include. Reinstall Mesos configured with "
    "--enable-install-module-dependencies, or add their directories to "
    "MESOS_INCLUDE_DIRS, and rebuild.";

int32_t unavailable() {
  mesos_shim::set_last_error(MESOS_SHIM_UNAVAILABLE, kWhy);
  return MESOS_SHIM_UNAVAILABLE;
}

template <typename Handle> Handle *none() {
  unavailable();
  return nullptr;
}

} // namespace

extern "C" {

mesos_shim_storage *mesos_shim_storage_zookeeper_new(mesos_shim_buf, int64_t,
                                                     mesos_shim_buf,
                                                     const mesos_shim_buf *) {
  return none<mesos_shim_storage>();
}
mesos_shim_storage *mesos_shim_storage_leveldb_new(mesos_shim_buf) {
  return none<mesos_shim_storage>();
}
mesos_shim_storage *mesos_shim_storage_in_memory_new(void) {
  return none<mesos_shim_storage>();
}
mesos_shim_storage *mesos_shim_storage_log_new(mesos_shim_log *, uint64_t) {
  return none<mesos_shim_storage>();
}
void mesos_shim_storage_free(mesos_shim_storage *) {}
int32_t mesos_shim_storage_get(mesos_shim_storage *, mesos_shim_buf,
                               mesos_shim_future_callback, void *) {
  return unavailable();
}
int32_t mesos_shim_storage_set(mesos_shim_storage *, mesos_shim_buf,
                               mesos_shim_buf, mesos_shim_future_callback,
                               void *) {
  return unavailable();
}
int32_t mesos_shim_storage_expunge(mesos_shim_storage *, mesos_shim_buf,
                                   mesos_shim_future_callback, void *) {
  return unavailable();
}
int32_t mesos_shim_storage_names(mesos_shim_storage *,
                                 mesos_shim_future_callback, void *) {
  return unavailable();
}

mesos_shim_log *mesos_shim_log_zookeeper_new(int32_t, mesos_shim_buf,
                                             mesos_shim_buf, int64_t,
                                             mesos_shim_buf,
                                             const mesos_shim_buf *, int32_t) {
  return none<mesos_shim_log>();
}
mesos_shim_log *mesos_shim_log_replicas_new(int32_t, mesos_shim_buf,
                                            const mesos_shim_buf *, size_t,
                                            int32_t) {
  return none<mesos_shim_log>();
}
void mesos_shim_log_free(mesos_shim_log *) {}

mesos_shim_log_reader *mesos_shim_log_reader_new(mesos_shim_log *) {
  return none<mesos_shim_log_reader>();
}
void mesos_shim_log_reader_free(mesos_shim_log_reader *) {}
int32_t mesos_shim_log_reader_read(mesos_shim_log_reader *, uint64_t, uint64_t,
                                   mesos_shim_future_callback, void *) {
  return unavailable();
}
int32_t mesos_shim_log_reader_beginning(mesos_shim_log_reader *,
                                        mesos_shim_future_callback, void *) {
  return unavailable();
}
int32_t mesos_shim_log_reader_ending(mesos_shim_log_reader *,
                                     mesos_shim_future_callback, void *) {
  return unavailable();
}
int32_t mesos_shim_log_reader_catchup(mesos_shim_log_reader *,
                                      mesos_shim_future_callback, void *) {
  return unavailable();
}

mesos_shim_log_writer *mesos_shim_log_writer_new(mesos_shim_log *) {
  return none<mesos_shim_log_writer>();
}
void mesos_shim_log_writer_free(mesos_shim_log_writer *) {}
int32_t mesos_shim_log_writer_start(mesos_shim_log_writer *,
                                    mesos_shim_future_callback, void *) {
  return unavailable();
}
int32_t mesos_shim_log_writer_append(mesos_shim_log_writer *, mesos_shim_buf,
                                     mesos_shim_future_callback, void *) {
  return unavailable();
}
int32_t mesos_shim_log_writer_truncate(mesos_shim_log_writer *, uint64_t,
                                       mesos_shim_future_callback, void *) {
  return unavailable();
}

mesos_shim_group *mesos_shim_group_new(mesos_shim_buf, int64_t, mesos_shim_buf,
                                       const mesos_shim_buf *) {
  return none<mesos_shim_group>();
}
void mesos_shim_group_free(mesos_shim_group *) {}
mesos_shim_contender *mesos_shim_contender_new(mesos_shim_group *,
                                               mesos_shim_buf,
                                               const mesos_shim_buf *) {
  return none<mesos_shim_contender>();
}
void mesos_shim_contender_free(mesos_shim_contender *) {}
int32_t mesos_shim_contender_contend(mesos_shim_contender *,
                                     mesos_shim_future_callback, void *) {
  return unavailable();
}
int32_t mesos_shim_contender_watch(mesos_shim_contender *,
                                   mesos_shim_future_callback, void *) {
  return unavailable();
}
int32_t mesos_shim_contender_withdraw(mesos_shim_contender *,
                                      mesos_shim_future_callback, void *) {
  return unavailable();
}
mesos_shim_detector *mesos_shim_detector_new(mesos_shim_group *) {
  return none<mesos_shim_detector>();
}
void mesos_shim_detector_free(mesos_shim_detector *) {}
int32_t mesos_shim_detector_detect(mesos_shim_detector *,
                                   mesos_shim_future_callback, void *) {
  return unavailable();
}

} // extern "C"

#endif // !MESOS_SHIM_STATE
