//! FOR BENCHMARKS ONLY (`mesos-bench`), not part of the API: the scheduler
//! callback table the crate hands to the shim, and a user-data pointer
//! for a given [`Scheduler`], without a driver.
//!
//! With these, C++ code can call the crate's real callback trampolines
//! exactly as the shim's `ForwardingScheduler` does under libmesos, and so
//! time the offer path (serialize in C++, decode in Rust) in process. Driver
//! calls made from inside such callbacks return
//! [`Error::NotRunning`](crate::Error::NotRunning): there is no driver.
#![doc(hidden)]

use std::os::raw::c_void;
use std::ptr::NonNull;
use std::sync::{Arc, Mutex};

use mesos_sys::{mesos_shim_scheduler_callbacks, ShimApi};

use super::callbacks::CALLBACKS;
use super::driver::{CallbackState, SchedulerDriver};
use super::Scheduler;
use crate::driver_core::Shared;

/// A scheduler behind the user-data pointer the callbacks expect.
pub struct CallbackHook {
    /// From `Box::into_raw` (via `Box::leak`); freed by Drop.
    state: NonNull<CallbackState>,
}

impl CallbackHook {
    /// `api` is only used to describe errors (pass `mesos_sys::native()`'s).
    pub fn new(scheduler: impl Scheduler + 'static, api: &'static ShimApi) -> Self {
        let state = Box::new(CallbackState {
            driver: SchedulerDriver {
                shared: Arc::new(Shared::new(api)),
            },
            scheduler: Mutex::new(Box::new(scheduler)),
        });
        Self {
            state: NonNull::from(Box::leak(state)),
        }
    }

    /// The table the crate gives `mesos_shim_scheduler_driver_new`.
    pub fn callbacks(&self) -> &'static mesos_shim_scheduler_callbacks {
        &CALLBACKS
    }

    /// The user data to pass to every callback; valid while `self` lives.
    pub fn user_data(&self) -> *mut c_void {
        self.state.as_ptr() as *mut c_void
    }
}

impl Drop for CallbackHook {
    fn drop(&mut self) {
        // SAFETY: from Box::leak in `new`; the caller stops calling the
        // callbacks with `user_data` before dropping the hook.
        drop(unsafe { Box::from_raw(self.state.as_ptr()) });
    }
}
