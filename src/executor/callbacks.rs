//! The C callbacks handed to the shim for an executor: decode, then call
//! the user's `Executor` through `CallbackState::run`.

use std::os::raw::c_void;

use mesos_sys::{mesos_shim_buf, mesos_shim_executor_callbacks};

use super::{Executor, ExecutorDriver};
use crate::callback_state::CallbackState;
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

type State = CallbackState<ExecutorDriver>;

/// Runs `body` with the user's executor and the driver handle.
///
/// # Safety
/// `user_data` is the pointer given to `mesos_shim_executor_driver_new`
/// (see [`CallbackState::from_user_data`]).
unsafe fn with_executor(
    user_data: *mut c_void,
    callback: &'static str,
    body: impl FnOnce(&mut (dyn Executor + 'static), &ExecutorDriver) -> Result<()>,
) {
    // SAFETY: guaranteed by the caller.
    unsafe { State::from_user_data(user_data) }.run(callback, body);
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
        State::from_user_data(user_data).run_error(
            "Executor::error",
            bytes(&message),
            |executor, driver, text| executor.error(driver, text),
        );
    }
}
