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

use mesos_sys::{mesos_shim_scheduler_callbacks, ShimApi};

use super::callbacks::CALLBACKS;
use super::driver::SchedulerDriver;
use super::Scheduler;
use crate::shared::Owner;

/// A scheduler behind the user-data pointer the callbacks expect.
pub struct CallbackHook {
    /// The same owner a driver has; its handle never gets a C++ driver.
    owner: Owner<SchedulerDriver>,
}

impl CallbackHook {
    /// `api` is only used to describe errors (pass `mesos_sys::native()`'s).
    pub fn new(scheduler: impl Scheduler + 'static, api: &'static ShimApi) -> Self {
        Self {
            owner: Owner::new(api, Box::new(scheduler) as Box<dyn Scheduler>),
        }
    }

    /// The table the crate gives `mesos_shim_scheduler_driver_new`.
    pub fn callbacks(&self) -> &'static mesos_shim_scheduler_callbacks {
        &CALLBACKS
    }

    /// The user data to pass to every callback; valid while `self` lives.
    /// The caller stops calling the callbacks before dropping the hook.
    pub fn user_data(&self) -> *mut c_void {
        self.owner.shared().user_data()
    }
}
