//! A test double of the shim's C API (`wrapper/mesos_shim.h`), not of
//! libmesos: a second implementation of the same functions, in Rust, that
//! records every call and fires callbacks from a thread of its own, the way
//! libmesos does. With it the Rust side of the boundary (trampolines,
//! buffer ownership, threads, lifetimes, panics) is tested on any machine.
//!
//! Tests find the double behind their driver by a key: for schedulers the
//! framework's name (`FrameworkInfo.name`, field 2), for executors the value
//! of the `DOUBLE_KEY` entry of the environment given at creation ("" when
//! none). With unique keys, tests run in parallel.
//!
//! Messages are plain bytes here: this crate does not know the protobuf
//! schema, tests encode and decode with the `mesos` crate.

// First: the modules below use its macros.
#[macro_use]
mod entry_points;

mod buffers;
mod callbacks;
mod driver;
mod executor;
mod registry;
mod scheduler;

pub use driver::{Call, DriverDouble};
pub use executor::{executor, ExecutorDouble};
pub use scheduler::{scheduler, SchedulerDouble};

use std::cell::RefCell;
use std::ffi::CString;
use std::os::raw::c_char;

use mesos_sys::ShimApi;

/// The double, as a table the `mesos` crate's drivers accept.
pub static API: ShimApi = api(loaded_library_path);

/// The same double, claiming to be a libmesos older than the shim, to test
/// the version check.
pub static API_OLD_LIBRARY: ShimApi = api(old_loaded_library_path);

/// What the double reports as the shim's compile-time Mesos version.
pub const COMPILED_VERSION: &str = "1.11.0";

const fn api(path: unsafe extern "C" fn() -> *const c_char) -> ShimApi {
    ShimApi {
        mesos_shim_last_error: last_error,
        mesos_shim_compiled_version: compiled_version,
        mesos_shim_loaded_library_path: path,
        mesos_shim_scheduler_driver_new: scheduler::new,
        mesos_shim_scheduler_driver_free: scheduler::free,
        mesos_shim_scheduler_driver_start: scheduler::start,
        mesos_shim_scheduler_driver_stop: scheduler::stop,
        mesos_shim_scheduler_driver_abort: scheduler::abort,
        mesos_shim_scheduler_driver_join: scheduler::join,
        mesos_shim_scheduler_driver_run: scheduler::run,
        mesos_shim_scheduler_driver_request_resources: scheduler::request_resources,
        mesos_shim_scheduler_driver_launch_tasks: scheduler::launch_tasks,
        mesos_shim_scheduler_driver_launch_tasks_on_offer: scheduler::launch_tasks_on_offer,
        mesos_shim_scheduler_driver_kill_task: scheduler::kill_task,
        mesos_shim_scheduler_driver_accept_offers: scheduler::accept_offers,
        mesos_shim_scheduler_driver_decline_offer: scheduler::decline_offer,
        mesos_shim_scheduler_driver_revive_offers: scheduler::revive_offers,
        mesos_shim_scheduler_driver_revive_offers_for_roles: scheduler::revive_offers_for_roles,
        mesos_shim_scheduler_driver_suppress_offers: scheduler::suppress_offers,
        mesos_shim_scheduler_driver_suppress_offers_for_roles: scheduler::suppress_offers_for_roles,
        mesos_shim_scheduler_driver_acknowledge_status_update: scheduler::acknowledge_status_update,
        mesos_shim_scheduler_driver_send_framework_message: scheduler::send_framework_message,
        mesos_shim_scheduler_driver_reconcile_tasks: scheduler::reconcile_tasks,
        mesos_shim_scheduler_driver_update_framework: scheduler::update_framework,
        mesos_shim_executor_driver_new: executor::new,
        mesos_shim_executor_driver_free: executor::free,
        mesos_shim_executor_driver_start: executor::start,
        mesos_shim_executor_driver_stop: executor::stop,
        mesos_shim_executor_driver_abort: executor::abort,
        mesos_shim_executor_driver_join: executor::join,
        mesos_shim_executor_driver_run: executor::run,
        mesos_shim_executor_driver_send_status_update: executor::send_status_update,
        mesos_shim_executor_driver_send_framework_message: executor::send_framework_message,
    }
}

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

pub(crate) fn set_last_error(message: &str) {
    let message = CString::new(message.replace('\0', " ")).unwrap_or_default();
    LAST_ERROR.with(|slot| *slot.borrow_mut() = message);
}

unsafe extern "C" fn last_error() -> *const c_char {
    // The CString stays in the thread-local until the next set_last_error on
    // this thread, as the header promises.
    LAST_ERROR.with(|slot| slot.borrow().as_ptr())
}

unsafe extern "C" fn compiled_version() -> *const c_char {
    c"1.11.0".as_ptr()
}

unsafe extern "C" fn loaded_library_path() -> *const c_char {
    c"/nonexistent/test-double/libmesos-1.11.0.so".as_ptr()
}

unsafe extern "C" fn old_loaded_library_path() -> *const c_char {
    c"/nonexistent/test-double/libmesos-1.9.0.so".as_ptr()
}
