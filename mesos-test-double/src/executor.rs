//! The executor half of the double.

use std::os::raw::c_void;
use std::sync::Arc;

use mesos_native_sys::{
    mesos_shim_buf, mesos_shim_executor_callbacks, mesos_shim_executor_driver,
    MESOS_SHIM_BAD_MESSAGE, MESOS_SHIM_NULL_ARGUMENT,
};

use crate::buffers::{fail, optional_strings};
use crate::callbacks::Callbacks;
use crate::driver::{DriverDouble, KindDouble};
use crate::registry::Registry;

static EXECUTORS: Registry<ExecutorDouble> = Registry::new();

const NOT_STARTED: i32 = mesos_native_sys::MESOS_SHIM_DRIVER_NOT_STARTED as i32;

/// The double behind the executor driver created with environment entry
/// `DOUBLE_KEY=<key>` (waits up to five seconds for it).
pub fn executor(key: &str) -> Arc<ExecutorDouble> {
    EXECUTORS.get(key)
}

/// The double behind the executor driver the calling thread created last
/// (`None` if it created none since the last call).
pub fn executor_created_here() -> Option<Arc<ExecutorDouble>> {
    EXECUTORS.take_created_here()
}

/// An executor driver as the double sees it.
pub struct ExecutorDouble {
    /// Status machine, call record, callback thread.
    pub driver: Arc<DriverDouble>,
    /// The `NAME=VALUE` entries given at creation, if any.
    pub environment: Option<Vec<String>>,
    callbacks: Arc<Callbacks<mesos_shim_executor_callbacks>>,
}

impl ExecutorDouble {
    pub(crate) fn fire(
        self: &Arc<Self>,
        event: impl FnOnce(&mesos_shim_executor_callbacks, *mut c_void) + Send + 'static,
    ) {
        self.callbacks.fire(&self.driver, event);
    }

    /// Fires `error(message)`, then aborts the driver, as libmesos does.
    pub fn error(self: &Arc<Self>, message: &str) {
        self.callbacks
            .fire_error(&self.driver, message, |table| table.error);
    }
}

impl KindDouble for ExecutorDouble {
    const WHAT: &'static str = "executor";

    fn driver(&self) -> &Arc<DriverDouble> {
        &self.driver
    }

    /// libmesos's executor driver exits the process when started outside an
    /// agent, and crashes deleting a driver that never started.
    fn fatal(&self, name: &str, _: &[Vec<u8>]) -> Option<String> {
        let not_started = self.driver.status() == NOT_STARTED;
        match name {
            "start" | "run"
                if not_started && !has_variable(&self.environment, "MESOS_SLAVE_PID") =>
            {
                Some("MesosExecutorDriver::start without MESOS_SLAVE_PID".into())
            }
            "free" if not_started => Some("deleting a MesosExecutorDriver never started".into()),
            _ => None,
        }
    }
}

pub(crate) unsafe extern "C" fn new(
    callbacks: *const mesos_shim_executor_callbacks,
    user_data: *mut c_void,
    environment: *const mesos_shim_buf,
    environment_len: usize,
) -> *mut mesos_shim_executor_driver {
    crate::set_last_error(0, "");
    // SAFETY: the binding passes NULL or a valid table.
    let Some(table) =
        (unsafe { callbacks.as_ref() }).filter(|table| ExecutorDouble::all_callbacks_set(table))
    else {
        fail(
            MESOS_SHIM_NULL_ARGUMENT,
            "every executor callback must be set",
        );
        return std::ptr::null_mut();
    };
    // SAFETY: the binding passes buffers valid for the call.
    let Ok((environment, key)) = (unsafe { environment_and_key(environment, environment_len) })
    else {
        return std::ptr::null_mut(); // the conversion set the error
    };
    let double = Arc::new(ExecutorDouble {
        driver: Arc::new(DriverDouble::default()),
        environment,
        callbacks: Callbacks::new(*table, user_data),
    });
    EXECUTORS.insert(key, Arc::clone(&double));
    crate::handle::into_pointer(double)
}

/// An executor's `NAME=VALUE` environment as the shim checks it, and the
/// key tests find its double by (`DOUBLE_KEY`, "" when none). Both
/// executor kinds take it the same way.
///
/// # Safety
/// `environment` is NULL or `len` buffers valid for the call.
pub(crate) unsafe fn environment_and_key(
    environment: *const mesos_shim_buf,
    len: usize,
) -> Result<(Option<Vec<String>>, String), i32> {
    // SAFETY: forwarded from the caller.
    let environment = unsafe { optional_strings(environment, len, "environment") }?;
    if let Some(entry) = environment
        .iter()
        .flatten()
        .find(|entry| !entry.contains('='))
    {
        return Err(fail(
            MESOS_SHIM_BAD_MESSAGE,
            &format!("environment: entry '{entry}' is not NAME=VALUE"),
        ));
    }
    let key = environment
        .iter()
        .flatten()
        .find_map(|entry| entry.strip_prefix("DOUBLE_KEY="))
        .unwrap_or_default()
        .to_string();
    Ok((environment, key))
}

/// Whether the variable `name` is set for an executor created with
/// `environment` (`NAME=VALUE` entries, or the process's own when none).
pub(crate) fn has_variable(environment: &Option<Vec<String>>, name: &str) -> bool {
    match environment {
        Some(entries) => entries
            .iter()
            .any(|entry| entry.split_once('=').is_some_and(|(key, _)| key == name)),
        None => std::env::var_os(name).is_some(),
    }
}
