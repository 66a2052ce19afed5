//! The v1 scheduler half of the double: the shim's lifecycle around
//! libmesos's `mesos::v1::scheduler::Mesos`, with `send` and `reconnect`
//! recorded and `connected`/`disconnected`/`received` fired on demand.
//! Found by the master string it was created with.

use std::os::raw::{c_char, c_void};
use std::sync::Arc;

use mesos_native_sys::{
    mesos_shim_buf, mesos_shim_v1_scheduler, mesos_shim_v1_scheduler_callbacks,
    MESOS_SHIM_NULL_ARGUMENT,
};

use crate::buffers::{self, fail};
use crate::callbacks::Callbacks;
use crate::driver::{DriverDouble, KindDouble};
use crate::registry::Registry;

static SCHEDULERS: Registry<V1SchedulerDouble> = Registry::new();

/// The double behind the v1 scheduler created with master string `master`
/// (waits up to five seconds for it).
pub fn v1_scheduler(master: &str) -> Arc<V1SchedulerDouble> {
    SCHEDULERS.get(master)
}

/// The double behind the v1 scheduler the calling thread created last
/// (`None` if it created none since the last call).
pub fn v1_scheduler_created_here() -> Option<Arc<V1SchedulerDouble>> {
    SCHEDULERS.take_created_here()
}

/// A v1 scheduler as the double sees it.
pub struct V1SchedulerDouble {
    /// Status machine, call record, callback thread.
    pub driver: Arc<DriverDouble>,
    /// The master string given at creation.
    pub master: String,
    /// The serialized `mesos.v1.Credential`, if one was given.
    pub credential: Option<Vec<u8>>,
    callbacks: Arc<Callbacks<mesos_shim_v1_scheduler_callbacks>>,
}

impl V1SchedulerDouble {
    /// The callback table the binding gave `new`, and its user data: to
    /// call the binding's callbacks as libmesos would, without the double
    /// (the benchmarks drive them from C++). Valid while the driver lives.
    pub fn binding_callbacks(&self) -> (&mesos_shim_v1_scheduler_callbacks, *mut c_void) {
        self.callbacks.binding()
    }

    pub(crate) fn fire(
        self: &Arc<Self>,
        event: impl FnOnce(&mesos_shim_v1_scheduler_callbacks, *mut c_void) + Send + 'static,
    ) {
        self.callbacks.fire(&self.driver, event);
    }
}

impl KindDouble for V1SchedulerDouble {
    const WHAT: &'static str = "v1 scheduler";

    fn driver(&self) -> &Arc<DriverDouble> {
        &self.driver
    }

    /// A master of the form `fail-start:<reason>` makes `start` fail as the
    /// shim's does for a master address libmesos can't use: `error` on the
    /// starting thread, then aborted.
    fn start_fails(&self) -> bool {
        let Some(reason) = self.master.strip_prefix("fail-start:") else {
            return false;
        };
        let message = format!("cannot use master '{}': {reason}", self.master);
        self.callbacks
            .fail_start(&self.driver, &message, |table| table.error);
        true
    }

    /// The shim turns every exit of libmesos's v1 scheduler into an error.
    fn fatal(&self, _: &str, _: &[Vec<u8>]) -> Option<String> {
        None
    }
}

pub(crate) unsafe extern "C" fn new(
    callbacks: *const mesos_shim_v1_scheduler_callbacks,
    user_data: *mut c_void,
    master: *const c_char,
    credential: *const mesos_shim_buf,
) -> *mut mesos_shim_v1_scheduler {
    crate::set_last_error(0, "");
    // SAFETY: the binding passes NULL or a valid table.
    let Some(table) =
        (unsafe { callbacks.as_ref() }).filter(|table| V1SchedulerDouble::all_callbacks_set(table))
    else {
        fail(
            MESOS_SHIM_NULL_ARGUMENT,
            "every v1 scheduler callback must be set",
        );
        return std::ptr::null_mut();
    };
    if master.is_null() {
        fail(MESOS_SHIM_NULL_ARGUMENT, "master is NULL");
        return std::ptr::null_mut();
    }
    // SAFETY: the binding passes NULL or a buffer valid for the call.
    let Ok(credential) = (unsafe { credential.as_ref() })
        .map(|credential| {
            // SAFETY: as above.
            unsafe { buffers::message(credential, "credential") }
        })
        .transpose()
    else {
        return std::ptr::null_mut(); // the conversion set the error
    };
    // SAFETY: non-NULL and NUL-terminated, by the header's rules.
    let master = unsafe { std::ffi::CStr::from_ptr(master) }
        .to_string_lossy()
        .into_owned();
    let double = Arc::new(V1SchedulerDouble {
        driver: Arc::new(DriverDouble::default()),
        master: master.clone(),
        credential,
        callbacks: Callbacks::new(*table, user_data),
    });
    SCHEDULERS.insert(master, Arc::clone(&double));
    crate::handle::into_pointer(double)
}
