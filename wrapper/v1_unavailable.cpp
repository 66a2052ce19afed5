// Stands in for the v1 halves of the shim where they can't be compiled:
// the install lacks the libprocess and stout headers that libmesos's v1
// headers include (Mesos installs them with
// --enable-install-module-dependencies). The v0 drivers are unaffected;
// creating a v1 object fails with MESOS_SHIM_UNAVAILABLE and says so.
#if !MESOS_SHIM_V1

#include "mesos_shim.h"
#include "shim_common.hpp"

namespace {

const char *const kWhy =
    "this build of mesos-sys has no v1 scheduler or executor: the Mesos "
    "install it was compiled against lacks libprocess's and stout's headers "
    "(process/future.hpp, stout/option.hpp), which libmesos's v1 headers "
    "include. Reinstall Mesos configured with "
    "--enable-install-module-dependencies, or add their directories to "
    "MESOS_INCLUDE_DIRS, and rebuild.";

int32_t unavailable() {
  mesos_shim::set_last_error(MESOS_SHIM_UNAVAILABLE, kWhy);
  return MESOS_SHIM_UNAVAILABLE;
}

} // namespace

extern "C" {

mesos_shim_v1_scheduler *
mesos_shim_v1_scheduler_new(const mesos_shim_v1_scheduler_callbacks *, void *,
                            const char *, const mesos_shim_buf *) {
  unavailable();
  return nullptr;
}
void mesos_shim_v1_scheduler_free(mesos_shim_v1_scheduler *) {}
int32_t mesos_shim_v1_scheduler_start(mesos_shim_v1_scheduler *) {
  return unavailable();
}
int32_t mesos_shim_v1_scheduler_stop(mesos_shim_v1_scheduler *) {
  return unavailable();
}
int32_t mesos_shim_v1_scheduler_abort(mesos_shim_v1_scheduler *) {
  return unavailable();
}
int32_t mesos_shim_v1_scheduler_join(mesos_shim_v1_scheduler *) {
  return unavailable();
}
int32_t mesos_shim_v1_scheduler_send(mesos_shim_v1_scheduler *,
                                     mesos_shim_buf) {
  return unavailable();
}
int32_t mesos_shim_v1_scheduler_reconnect(mesos_shim_v1_scheduler *) {
  return unavailable();
}
int32_t mesos_shim_v1_scheduler_call(mesos_shim_v1_scheduler *, mesos_shim_buf,
                                     mesos_shim_v1_result_callback, void *) {
  return unavailable();
}

mesos_shim_v1_executor *
mesos_shim_v1_executor_new(const mesos_shim_v1_executor_callbacks *, void *,
                           const mesos_shim_buf *, size_t) {
  unavailable();
  return nullptr;
}
void mesos_shim_v1_executor_free(mesos_shim_v1_executor *) {}
int32_t mesos_shim_v1_executor_start(mesos_shim_v1_executor *) {
  return unavailable();
}
int32_t mesos_shim_v1_executor_stop(mesos_shim_v1_executor *) {
  return unavailable();
}
int32_t mesos_shim_v1_executor_abort(mesos_shim_v1_executor *) {
  return unavailable();
}
int32_t mesos_shim_v1_executor_join(mesos_shim_v1_executor *) {
  return unavailable();
}
int32_t mesos_shim_v1_executor_send(mesos_shim_v1_executor *, mesos_shim_buf) {
  return unavailable();
}

} // extern "C"

#endif // !MESOS_SHIM_V1
