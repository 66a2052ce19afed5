//! A table of the shim's entry points.
//!
//! Calling through a table instead of the extern functions directly lets a
//! build without libmesos link (nothing references the undefined symbols),
//! and lets tests run the Rust side of the boundary against a test double
//! that implements the same header.

use crate::bindings::*;

macro_rules! shim_api {
    ($($name:ident: fn($($arg:ty),* $(,)?) $(-> $ret:ty)?;)*) => {
        /// Every function of `mesos_shim.h`, as function pointers with the
        /// exact signatures bindgen generated. Field names are the C names.
        #[derive(Clone, Copy)]
        pub struct ShimApi {
            $(
                #[doc = concat!("`", stringify!($name), "` from mesos_shim.h.")]
                pub $name: unsafe extern "C" fn($($arg),*) $(-> $ret)?,
            )*
        }

        #[cfg(mesos_native)]
        static NATIVE: ShimApi = ShimApi { $($name: crate::bindings::$name,)* };

        // Without libmesos, still prove at compile time that the table's
        // signatures are the generated ones. The closure is never called,
        // so nothing refers to the (undefined) extern symbols at link time.
        #[cfg(not(mesos_native))]
        const _: fn() = || {
            let _ = ShimApi { $($name: crate::bindings::$name,)* };
        };
    };
}

pub(crate) fn native() -> Option<&'static ShimApi> {
    #[cfg(mesos_native)]
    {
        Some(&NATIVE)
    }
    #[cfg(not(mesos_native))]
    {
        None
    }
}

shim_api! {
    mesos_shim_last_error: fn() -> *const ::std::os::raw::c_char;
    mesos_shim_compiled_version: fn() -> *const ::std::os::raw::c_char;
    mesos_shim_loaded_library_path: fn() -> *const ::std::os::raw::c_char;

    mesos_shim_scheduler_driver_new: fn(
        *const mesos_shim_scheduler_callbacks,
        *mut ::std::os::raw::c_void,
        mesos_shim_buf,
        *const ::std::os::raw::c_char,
        *const mesos_shim_buf,
        i32,
        *const mesos_shim_buf,
        usize,
    ) -> *mut mesos_shim_scheduler_driver;
    mesos_shim_scheduler_driver_free: fn(*mut mesos_shim_scheduler_driver);
    mesos_shim_scheduler_driver_start: fn(*mut mesos_shim_scheduler_driver) -> i32;
    mesos_shim_scheduler_driver_stop: fn(*mut mesos_shim_scheduler_driver, i32) -> i32;
    mesos_shim_scheduler_driver_abort: fn(*mut mesos_shim_scheduler_driver) -> i32;
    mesos_shim_scheduler_driver_join: fn(*mut mesos_shim_scheduler_driver) -> i32;
    mesos_shim_scheduler_driver_run: fn(*mut mesos_shim_scheduler_driver) -> i32;
    mesos_shim_scheduler_driver_request_resources: fn(
        *mut mesos_shim_scheduler_driver, *const mesos_shim_buf, usize) -> i32;
    mesos_shim_scheduler_driver_launch_tasks: fn(
        *mut mesos_shim_scheduler_driver,
        *const mesos_shim_buf, usize,
        *const mesos_shim_buf, usize,
        mesos_shim_buf,
    ) -> i32;
    mesos_shim_scheduler_driver_launch_tasks_on_offer: fn(
        *mut mesos_shim_scheduler_driver,
        mesos_shim_buf,
        *const mesos_shim_buf, usize,
        mesos_shim_buf,
    ) -> i32;
    mesos_shim_scheduler_driver_kill_task: fn(*mut mesos_shim_scheduler_driver, mesos_shim_buf) -> i32;
    mesos_shim_scheduler_driver_accept_offers: fn(
        *mut mesos_shim_scheduler_driver,
        *const mesos_shim_buf, usize,
        *const mesos_shim_buf, usize,
        mesos_shim_buf,
    ) -> i32;
    mesos_shim_scheduler_driver_decline_offer: fn(
        *mut mesos_shim_scheduler_driver, mesos_shim_buf, mesos_shim_buf) -> i32;
    mesos_shim_scheduler_driver_revive_offers: fn(*mut mesos_shim_scheduler_driver) -> i32;
    mesos_shim_scheduler_driver_revive_offers_for_roles: fn(
        *mut mesos_shim_scheduler_driver, *const mesos_shim_buf, usize) -> i32;
    mesos_shim_scheduler_driver_suppress_offers: fn(*mut mesos_shim_scheduler_driver) -> i32;
    mesos_shim_scheduler_driver_suppress_offers_for_roles: fn(
        *mut mesos_shim_scheduler_driver, *const mesos_shim_buf, usize) -> i32;
    mesos_shim_scheduler_driver_acknowledge_status_update: fn(
        *mut mesos_shim_scheduler_driver, mesos_shim_buf) -> i32;
    mesos_shim_scheduler_driver_send_framework_message: fn(
        *mut mesos_shim_scheduler_driver, mesos_shim_buf, mesos_shim_buf, mesos_shim_buf) -> i32;
    mesos_shim_scheduler_driver_reconcile_tasks: fn(
        *mut mesos_shim_scheduler_driver, *const mesos_shim_buf, usize) -> i32;
    mesos_shim_scheduler_driver_update_framework: fn(
        *mut mesos_shim_scheduler_driver,
        mesos_shim_buf,
        *const mesos_shim_buf, usize,
        *const mesos_shim_buf,
    ) -> i32;

    mesos_shim_executor_driver_new: fn(
        *const mesos_shim_executor_callbacks,
        *mut ::std::os::raw::c_void,
        *const mesos_shim_buf,
        usize,
    ) -> *mut mesos_shim_executor_driver;
    mesos_shim_executor_driver_free: fn(*mut mesos_shim_executor_driver);
    mesos_shim_executor_driver_start: fn(*mut mesos_shim_executor_driver) -> i32;
    mesos_shim_executor_driver_stop: fn(*mut mesos_shim_executor_driver) -> i32;
    mesos_shim_executor_driver_abort: fn(*mut mesos_shim_executor_driver) -> i32;
    mesos_shim_executor_driver_join: fn(*mut mesos_shim_executor_driver) -> i32;
    mesos_shim_executor_driver_run: fn(*mut mesos_shim_executor_driver) -> i32;
    mesos_shim_executor_driver_send_status_update: fn(
        *mut mesos_shim_executor_driver, mesos_shim_buf) -> i32;
    mesos_shim_executor_driver_send_framework_message: fn(
        *mut mesos_shim_executor_driver, mesos_shim_buf) -> i32;
}
