//! The v1 executor half of the double: the shim's lifecycle around
//! libmesos's `mesos::v1::executor::Mesos`, with `send` recorded and
//! `connected`/`disconnected`/`received` fired on demand. Found by the
//! `DOUBLE_KEY` entry of its environment, like the v0 executor.

use std::os::raw::c_void;
use std::sync::Arc;

use mesos_native_sys::{
    mesos_shim_buf, mesos_shim_v1_executor, mesos_shim_v1_executor_callbacks,
    MESOS_SHIM_NULL_ARGUMENT,
};

use crate::buffers::fail;
use crate::callbacks::Callbacks;
use crate::driver::{DriverDouble, KindDouble};
use crate::registry::Registry;

static EXECUTORS: Registry<V1ExecutorDouble> = Registry::new();

const NOT_STARTED: i32 = mesos_native_sys::MESOS_SHIM_DRIVER_NOT_STARTED as i32;

/// The double behind the v1 executor created with environment entry
/// `DOUBLE_KEY=<key>` (waits up to five seconds for it).
pub fn v1_executor(key: &str) -> Arc<V1ExecutorDouble> {
    EXECUTORS.get(key)
}

/// The double behind the v1 executor the calling thread created last
/// (`None` if it created none since the last call).
pub fn v1_executor_created_here() -> Option<Arc<V1ExecutorDouble>> {
    EXECUTORS.take_created_here()
}

/// A v1 executor as the double sees it.
pub struct V1ExecutorDouble {
    /// Status machine, call record, callback thread.
    pub driver: Arc<DriverDouble>,
    /// The `NAME=VALUE` entries given at creation, if any.
    pub environment: Option<Vec<String>>,
    callbacks: Arc<Callbacks<mesos_shim_v1_executor_callbacks>>,
}

impl V1ExecutorDouble {
    pub(crate) fn fire(
        self: &Arc<Self>,
        event: impl FnOnce(&mesos_shim_v1_executor_callbacks, *mut c_void) + Send + 'static,
    ) {
        self.callbacks.fire(&self.driver, event);
    }
}

impl KindDouble for V1ExecutorDouble {
    const WHAT: &'static str = "v1 executor";

    fn driver(&self) -> &Arc<DriverDouble> {
        &self.driver
    }

    /// libmesos's v1 executor exits the process when it is made without the
    /// variables an agent sets.
    fn fatal(&self, name: &str, _: &[Vec<u8>]) -> Option<String> {
        let starts = matches!(name, "start" | "run") && self.driver.status() == NOT_STARTED;
        if !starts {
            return None;
        }
        ["MESOS_SLAVE_PID", "MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD"]
            .into_iter()
            .find(|variable| !crate::executor::has_variable(&self.environment, variable))
            .map(|variable| format!("v1 executor made without {variable}"))
    }
}

pub(crate) unsafe extern "C" fn new(
    callbacks: *const mesos_shim_v1_executor_callbacks,
    user_data: *mut c_void,
    environment: *const mesos_shim_buf,
    environment_len: usize,
) -> *mut mesos_shim_v1_executor {
    crate::set_last_error(0, "");
    // SAFETY: the binding passes NULL or a valid table.
    let Some(table) =
        (unsafe { callbacks.as_ref() }).filter(|table| V1ExecutorDouble::all_callbacks_set(table))
    else {
        fail(
            MESOS_SHIM_NULL_ARGUMENT,
            "every v1 executor callback must be set",
        );
        return std::ptr::null_mut();
    };
    // SAFETY: the binding passes buffers valid for the call.
    let Ok((environment, key)) =
        (unsafe { crate::executor::environment_and_key(environment, environment_len) })
    else {
        return std::ptr::null_mut(); // the conversion set the error
    };
    let double = Arc::new(V1ExecutorDouble {
        driver: Arc::new(DriverDouble::default()),
        environment,
        callbacks: Callbacks::new(*table, user_data),
    });
    EXECUTORS.insert(key, Arc::clone(&double));
    crate::handle::into_pointer(double)
}
