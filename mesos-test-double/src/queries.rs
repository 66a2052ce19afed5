//! The shim's queries, under their C names (the table takes them by name
//! from the list): the calling thread's last error, and versions.

use std::cell::RefCell;
use std::ffi::CString;
use std::os::raw::c_char;

thread_local! {
    static LAST_ERROR: RefCell<(i32, CString)> = RefCell::new((0, CString::default()));
}

/// Sets what `mesos_shim_last_error_code` and `mesos_shim_last_error`
/// report on this thread.
pub(crate) fn set_last_error(code: i32, message: &str) {
    let message = CString::new(message.replace('\0', " ")).unwrap_or_default();
    LAST_ERROR.with(|slot| *slot.borrow_mut() = (code, message));
}

pub(crate) unsafe extern "C" fn mesos_shim_last_error() -> *const c_char {
    // The CString stays in the thread-local until the next set_last_error on
    // this thread, as the header promises.
    LAST_ERROR.with(|slot| slot.borrow().1.as_ptr())
}

pub(crate) unsafe extern "C" fn mesos_shim_last_error_code() -> i32 {
    LAST_ERROR.with(|slot| slot.borrow().0)
}

pub(crate) unsafe extern "C" fn mesos_shim_compiled_version() -> *const c_char {
    c"1.11.0".as_ptr()
}

pub(crate) unsafe extern "C" fn mesos_shim_loaded_library_path() -> *const c_char {
    c"/nonexistent/test-double/libmesos-1.11.0.so".as_ptr()
}

pub(crate) unsafe extern "C" fn old_loaded_library_path() -> *const c_char {
    c"/nonexistent/test-double/libmesos-1.9.0.so".as_ptr()
}

/// The double has no libprocess: an address a scheduler in a documentation
/// network would advertise.
pub(crate) unsafe extern "C" fn mesos_shim_libprocess_address() -> *const c_char {
    c"192.0.2.10:5051".as_ptr()
}

pub(crate) unsafe extern "C" fn compiled_version_1_10() -> *const c_char {
    c"1.10.0".as_ptr()
}

pub(crate) unsafe extern "C" fn loaded_library_path_1_10() -> *const c_char {
    c"/nonexistent/test-double/libmesos-1.10.0.so".as_ptr()
}
