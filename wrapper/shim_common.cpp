// Error reporting and version queries of the shim.
#include "shim_common.hpp"

#include <dlfcn.h>

#include <typeinfo>

#include <mesos/scheduler.hpp>
#include <mesos/version.hpp>

#if MESOS_SHIM_V1
// libprocess's headers: installed with Mesos's module dependencies, as the
// v1 libraries need them too.
#include <process/process.hpp>
#endif

namespace mesos_shim {

namespace {
thread_local std::string last_error;
// Whether a shim call on this thread has failed yet, so that `last_error`
// holds its message. A plain bool: unlike the string, it needs no
// initialization check on each access.
thread_local bool has_error = false;
// The mesos_shim_result of the last error; 0 before the first.
thread_local int32_t last_code = 0;
} // namespace

void throw_null_handle(const char *what) {
  throw NullArgument(std::string(what) + " driver handle is NULL");
}

void set_last_error(int32_t code, const std::string &message) {
  last_error = message;
  last_code = code;
  has_error = true;
}

int32_t current_exception_code() noexcept {
  try {
    throw;
  } catch (const BadMessage &e) {
    set_last_error(MESOS_SHIM_BAD_MESSAGE, e.what());
    return MESOS_SHIM_BAD_MESSAGE;
  } catch (const NullArgument &e) {
    set_last_error(MESOS_SHIM_NULL_ARGUMENT, e.what());
    return MESOS_SHIM_NULL_ARGUMENT;
  } catch (const BadArgument &e) {
    set_last_error(MESOS_SHIM_BAD_ARGUMENT, e.what());
    return MESOS_SHIM_BAD_ARGUMENT;
  } catch (const std::exception &e) {
    set_last_error(MESOS_SHIM_EXCEPTION,
                   std::string("libmesos threw: ") + e.what());
    return MESOS_SHIM_EXCEPTION;
  } catch (...) {
    set_last_error(MESOS_SHIM_EXCEPTION,
                   "libmesos threw a non-standard exception");
    return MESOS_SHIM_EXCEPTION;
  }
}

std::vector<std::string> strings(const mesos_shim_buf *bufs, size_t len,
                                 const char *what) {
  require_array(bufs, len, what);
  std::vector<std::string> result;
  result.reserve(len);
  for (size_t i = 0; i < len; i++) {
    require_data(bufs[i], what);
    result.push_back(to_string(bufs[i]));
  }
  return result;
}

} // namespace mesos_shim

extern "C" {

const char *mesos_shim_last_error(void) {
  return mesos_shim::has_error ? mesos_shim::last_error.c_str() : "";
}

int32_t mesos_shim_last_error_code(void) { return mesos_shim::last_code; }

const char *mesos_shim_compiled_version(void) { return MESOS_VERSION; }

const char *mesos_shim_loaded_library_path(void) {
  // libmesos exports no version function, so find the file it was loaded
  // from. The type_info of MesosSchedulerDriver is emitted only next to its
  // key function (the out-of-line destructor), i.e. inside libmesos itself,
  // so its address tells dladdr which shared object that is.
  static const std::string path = [] {
    const void *address = &typeid(mesos::MesosSchedulerDriver);
    Dl_info info;
    if (dladdr(address, &info) != 0 && info.dli_fname != nullptr) {
      return std::string(info.dli_fname);
    }
    return std::string();
  }();
  return path.c_str();
}

const char *mesos_shim_libprocess_address(void) {
  thread_local std::string text;
#if MESOS_SHIM_V1
  text = stringify(process::address());
#else
  text.clear();
#endif
  return text.c_str();
}

} // extern "C"
