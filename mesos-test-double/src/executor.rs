//! The executor half of the double.

use std::os::raw::c_void;
use std::sync::Arc;

use mesos_sys::{mesos_shim_buf, mesos_shim_executor_callbacks, mesos_shim_executor_driver};

use crate::driver::DriverDouble;
use crate::registry::Registry;
use crate::scheduler::{bytes, list, view, UserData};
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
    callbacks: mesos_shim_executor_callbacks,
    user_data: UserData,
}

impl ExecutorDouble {
    fn fire(
        self: &Arc<Self>,
        event: impl FnOnce(&mesos_shim_executor_callbacks, *mut c_void) + Send + 'static,
    ) {
        let this = Arc::clone(self);
        self.driver.enqueue(Box::new(move || {
            let user_data = this.user_data;
            event(&this.callbacks, user_data.0)
        }));
    }

    /// Fires `registered(executor_info, framework_info, slave_info)`.
    pub fn registered(
        self: &Arc<Self>,
        executor_info: Vec<u8>,
        framework_info: Vec<u8>,
        slave_info: Vec<u8>,
    ) {
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
        self.fire(move |cb, ud| unsafe { cb.reregistered.unwrap()(ud, view(&slave_info)) });
    }

    /// Fires `disconnected()`.
    pub fn disconnected(self: &Arc<Self>) {
        self.fire(move |cb, ud| unsafe { cb.disconnected.unwrap()(ud) });
    }

    /// Fires `launch_task(task)`.
    pub fn launch_task(self: &Arc<Self>, task: Vec<u8>) {
        self.fire(move |cb, ud| unsafe { cb.launch_task.unwrap()(ud, view(&task)) });
    }

    /// Fires `kill_task(task_id)`.
    pub fn kill_task(self: &Arc<Self>, task_id: Vec<u8>) {
        self.fire(move |cb, ud| unsafe { cb.kill_task.unwrap()(ud, view(&task_id)) });
    }

    /// Fires `framework_message(data)`.
    pub fn framework_message(self: &Arc<Self>, data: Vec<u8>) {
        self.fire(move |cb, ud| unsafe { cb.framework_message.unwrap()(ud, view(&data)) });
    }

    /// Fires `shutdown()`.
    pub fn shutdown(self: &Arc<Self>) {
        self.fire(move |cb, ud| unsafe { cb.shutdown.unwrap()(ud) });
    }

    /// Fires `error(message)`, then aborts the driver, as libmesos does.
    pub fn error(self: &Arc<Self>, message: &str) {
        let message = message.as_bytes().to_vec();
        let driver = Arc::clone(&self.driver);
        self.fire(move |cb, ud| {
            unsafe { cb.error.unwrap()(ud, view(&message)) };
            driver.abort();
        });
    }
}

struct Handle(Arc<ExecutorDouble>);

/// # Safety
/// `driver` is a pointer returned by `new` and not yet freed.
unsafe fn double<'a>(driver: *mut mesos_shim_executor_driver) -> &'a ExecutorDouble {
    assert!(
        !driver.is_null(),
        "test double: executor driver call on a NULL handle"
    );
    // SAFETY: guaranteed by the caller.
    unsafe { &(*(driver as *const Handle)).0 }
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
    let environment: Option<Vec<String>> = (!environment.is_null()).then(|| unsafe {
        list(environment, environment_len)
            .into_iter()
            .map(|e| String::from_utf8_lossy(&e).into_owned())
            .collect()
    });
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
        callbacks: unsafe { *callbacks },
        user_data: UserData(user_data),
    });
    EXECUTORS.insert(key, Arc::clone(&double));
    Box::into_raw(Box::new(Handle(double))) as *mut mesos_shim_executor_driver
}

pub(crate) unsafe extern "C" fn free(driver: *mut mesos_shim_executor_driver) {
    if driver.is_null() {
        return;
    }
    // SAFETY: `driver` came from `new` (Box::into_raw) and is freed once.
    let handle = unsafe { Box::from_raw(driver as *mut Handle) };
    handle.0.driver.free();
}

pub(crate) unsafe extern "C" fn run(driver: *mut mesos_shim_executor_driver) -> i32 {
    // SAFETY: the binding passes a live handle. Recorded by `run` itself,
    // after the driver started.
    unsafe { double(driver) }.driver.run()
}

macro_rules! lifecycle {
    ($($name:ident => |$d:ident| $body:expr;)*) => {$(
        pub(crate) unsafe extern "C" fn $name(driver: *mut mesos_shim_executor_driver) -> i32 {
            // SAFETY: the binding passes a live handle.
            let $d = unsafe { double(driver) };
            $d.driver.record(stringify!($name), Vec::new());
            $body
        }
    )*};
}

lifecycle! {
    start => |d| d.driver.start();
    stop => |d| d.driver.stop();
    abort => |d| d.driver.abort();
    join => |d| d.driver.join();
}

pub(crate) unsafe extern "C" fn send_status_update(
    driver: *mut mesos_shim_executor_driver,
    status: mesos_shim_buf,
) -> i32 {
    // SAFETY: the binding passes a live handle and a valid buffer.
    unsafe {
        double(driver)
            .driver
            .accept("send_status_update", vec![bytes(&status)])
    }
}

pub(crate) unsafe extern "C" fn send_framework_message(
    driver: *mut mesos_shim_executor_driver,
    data: mesos_shim_buf,
) -> i32 {
    // SAFETY: the binding passes a live handle and a valid buffer.
    unsafe {
        double(driver)
            .driver
            .accept("send_framework_message", vec![bytes(&data)])
    }
}
