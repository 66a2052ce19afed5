//! The C callbacks handed to the shim for an executor: decode, then call
//! the user's `Executor` inside `driver_core::run_callback`.

use std::os::raw::c_void;

use mesos_sys::{mesos_shim_buf, mesos_shim_executor_callbacks};

use super::driver::CallbackState;
use super::{Executor, ExecutorDriver};
use crate::driver_core::{self, lock, Failure};
use crate::error::Result;
use crate::ffi::{bytes, decode};

pub(super) static CALLBACKS: mesos_shim_executor_callbacks = mesos_shim_executor_callbacks {
    registered: Some(registered),
    reregistered: Some(reregistered),
    disconnected: Some(disconnected),
    launch_task: Some(launch_task),
    kill_task: Some(kill_task),
    framework_message: Some(framework_message),
    shutdown: Some(shutdown),
    error: Some(error),
};

/// Runs `body` with the user's executor and the driver handle.
///
/// # Safety
/// `user_data` is the pointer given to `mesos_shim_executor_driver_new`: a
/// live `CallbackState`.
unsafe fn with_executor(
    user_data: *mut c_void,
    callback: &'static str,
    body: impl FnOnce(&mut dyn Executor, &ExecutorDriver) -> Result<()>,
) {
    // SAFETY: guaranteed by the caller.
    let state = unsafe { &*(user_data as *const CallbackState) };
    let driver = &state.driver;
    driver_core::run_callback(
        &driver.shared.core,
        user_data as usize,
        callback,
        || driver.abort_after_failure(),
        || body(&mut **lock(&state.executor), driver),
    );
}

unsafe extern "C" fn registered(
    user_data: *mut c_void,
    executor_info: mesos_shim_buf,
    framework_info: mesos_shim_buf,
    slave_info: mesos_shim_buf,
) {
    // SAFETY: the shim passes our user data and buffers valid for this call.
    unsafe {
        with_executor(user_data, "Executor::registered", |executor, driver| {
            let executor_info = decode(&executor_info, "registered: ExecutorInfo")?;
            let framework_info = decode(&framework_info, "registered: FrameworkInfo")?;
            let slave_info = decode(&slave_info, "registered: SlaveInfo")?;
            executor.registered(driver, executor_info, framework_info, slave_info);
            Ok(())
        })
    }
}

unsafe extern "C" fn reregistered(user_data: *mut c_void, slave_info: mesos_shim_buf) {
    // SAFETY: as in `registered`.
    unsafe {
        with_executor(user_data, "Executor::reregistered", |executor, driver| {
            let slave_info = decode(&slave_info, "reregistered: SlaveInfo")?;
            executor.reregistered(driver, slave_info);
            Ok(())
        })
    }
}

unsafe extern "C" fn disconnected(user_data: *mut c_void) {
    // SAFETY: as in `registered`.
    unsafe {
        with_executor(user_data, "Executor::disconnected", |executor, driver| {
            executor.disconnected(driver);
            Ok(())
        })
    }
}

unsafe extern "C" fn launch_task(user_data: *mut c_void, task: mesos_shim_buf) {
    // SAFETY: as in `registered`.
    unsafe {
        with_executor(user_data, "Executor::launch_task", |executor, driver| {
            let task = decode(&task, "launch_task: TaskInfo")?;
            executor.launch_task(driver, task);
            Ok(())
        })
    }
}

unsafe extern "C" fn kill_task(user_data: *mut c_void, task_id: mesos_shim_buf) {
    // SAFETY: as in `registered`.
    unsafe {
        with_executor(user_data, "Executor::kill_task", |executor, driver| {
            let task_id = decode(&task_id, "kill_task: TaskID")?;
            executor.kill_task(driver, task_id);
            Ok(())
        })
    }
}

unsafe extern "C" fn framework_message(user_data: *mut c_void, data: mesos_shim_buf) {
    // SAFETY: as in `registered`.
    unsafe {
        with_executor(
            user_data,
            "Executor::framework_message",
            |executor, driver| {
                executor.framework_message(driver, bytes(&data).to_vec());
                Ok(())
            },
        )
    }
}

unsafe extern "C" fn shutdown(user_data: *mut c_void) {
    // SAFETY: as in `registered`.
    unsafe {
        with_executor(user_data, "Executor::shutdown", |executor, driver| {
            executor.shutdown(driver);
            Ok(())
        })
    }
}

unsafe extern "C" fn error(user_data: *mut c_void, message: mesos_shim_buf) {
    // SAFETY: as in `registered`.
    unsafe {
        let text = String::from_utf8_lossy(bytes(&message)).into_owned();
        let state = &*(user_data as *const CallbackState);
        state
            .driver
            .shared
            .core
            .record_failure(Failure::MesosError(text.clone()));
        driver_core::run_error_callback(
            &state.driver.shared.core,
            user_data as usize,
            "Executor::error",
            || lock(&state.executor).error(&state.driver, text),
        );
    }
}
