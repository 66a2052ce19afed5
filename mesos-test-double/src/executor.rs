//! The executor half of the double.

use std::os::raw::c_void;
use std::sync::Arc;

use mesos_sys::{mesos_shim_buf, mesos_shim_executor_callbacks, mesos_shim_executor_driver};

use crate::buffers::{bytes, optional_strings, view};
use crate::callbacks::Callbacks;
use crate::driver::DriverDouble;
use crate::registry::Registry;
use crate::set_last_error;

static EXECUTORS: Registry<ExecutorDouble> = Registry::new();

/// The double behind the executor driver created with environment entry
/// `DOUBLE_KEY=<key>` (waits up to five seconds for it).
pub fn executor(key: &str) -> Arc<ExecutorDouble> {
    EXECUTORS.get(key)
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
    fn fire(
        self: &Arc<Self>,
        event: impl FnOnce(&mesos_shim_executor_callbacks, *mut c_void) + Send + 'static,
    ) {
        self.callbacks.fire(&self.driver, event);
    }

    /// Fires `registered(executor_info, framework_info, slave_info)`.
    pub fn registered(
        self: &Arc<Self>,
        executor_info: Vec<u8>,
        framework_info: Vec<u8>,
        slave_info: Vec<u8>,
    ) {
        // SAFETY: the binding's table and user data, called on the callback
        // thread the binding expects; the buffers outlive the call.
        self.fire(move |cb, ud| unsafe {
            cb.registered.unwrap()(
                ud,
                view(&executor_info),
                view(&framework_info),
                view(&slave_info),
            )
        });
    }

    /// Fires `reregistered(slave_info)`.
    pub fn reregistered(self: &Arc<Self>, slave_info: Vec<u8>) {
        // SAFETY: the binding's table and user data, called on the callback
        // thread the binding expects; the buffers outlive the call.
        self.fire(move |cb, ud| unsafe { cb.reregistered.unwrap()(ud, view(&slave_info)) });
    }

    /// Fires `disconnected()`.
    pub fn disconnected(self: &Arc<Self>) {
        // SAFETY: the binding's table and user data, called on the callback
        // thread the binding expects; the buffers outlive the call.
        self.fire(move |cb, ud| unsafe { cb.disconnected.unwrap()(ud) });
    }

    /// Fires `launch_task(task)`.
    pub fn launch_task(self: &Arc<Self>, task: Vec<u8>) {
        // SAFETY: the binding's table and user data, called on the callback
        // thread the binding expects; the buffers outlive the call.
        self.fire(move |cb, ud| unsafe { cb.launch_task.unwrap()(ud, view(&task)) });
    }

    /// Fires `kill_task(task_id)`.
    pub fn kill_task(self: &Arc<Self>, task_id: Vec<u8>) {
        // SAFETY: the binding's table and user data, called on the callback
        // thread the binding expects; the buffers outlive the call.
        self.fire(move |cb, ud| unsafe { cb.kill_task.unwrap()(ud, view(&task_id)) });
    }

    /// Fires `framework_message(data)`.
    pub fn framework_message(self: &Arc<Self>, data: Vec<u8>) {
        // SAFETY: the binding's table and user data, called on the callback
        // thread the binding expects; the buffers outlive the call.
        self.fire(move |cb, ud| unsafe { cb.framework_message.unwrap()(ud, view(&data)) });
    }

    /// Fires `shutdown()`.
    pub fn shutdown(self: &Arc<Self>) {
        // SAFETY: the binding's table and user data, called on the callback
        // thread the binding expects; the buffers outlive the call.
        self.fire(move |cb, ud| unsafe { cb.shutdown.unwrap()(ud) });
    }

    /// Fires `error(message)`, then aborts the driver, as libmesos does.
    pub fn error(self: &Arc<Self>, message: &str) {
        self.callbacks
            .fire_error(&self.driver, message, |table| table.error);
    }
}

driver_handle! {
    pointer: mesos_shim_executor_driver,
    double: ExecutorDouble,
    null_handle_message: "test double: executor driver call on a NULL handle",
    lifecycle: [start, stop, abort, join],
}

pub(crate) unsafe extern "C" fn new(
    callbacks: *const mesos_shim_executor_callbacks,
    user_data: *mut c_void,
    environment: *const mesos_shim_buf,
    environment_len: usize,
) -> *mut mesos_shim_executor_driver {
    if callbacks.is_null() {
        set_last_error("every executor callback must be set");
        return std::ptr::null_mut();
    }
    // SAFETY: the binding passes buffers valid for the call.
    let environment = unsafe { optional_strings(environment, environment_len) };
    let key = environment
        .iter()
        .flatten()
        .find_map(|entry| entry.strip_prefix("DOUBLE_KEY="))
        .unwrap_or_default()
        .to_string();
    let double = Arc::new(ExecutorDouble {
        driver: Arc::new(DriverDouble::default()),
        environment,
        // SAFETY: checked non-NULL above; the binding passes a valid table.
        callbacks: Callbacks::new(unsafe { *callbacks }, user_data),
    });
    EXECUTORS.insert(key, Arc::clone(&double));
    into_pointer(double)
}

accepted_calls! {
    pointer: mesos_shim_executor_driver;

    fn send_status_update(status: mesos_shim_buf) => vec![bytes(&status)];

    fn send_framework_message(data: mesos_shim_buf) => vec![bytes(&data)];
}
