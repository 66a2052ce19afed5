//! The C callbacks handed to the shim: each decodes its arguments and calls
//! the user's `Scheduler` with the driver handle, through
//! `CallbackState::run` so a panic stops here.

use std::os::raw::c_void;

use mesos_sys::{mesos_shim_buf, mesos_shim_scheduler_callbacks};

use super::{Scheduler, SchedulerDriver};
use crate::callback_state::CallbackState;
use crate::error::Result;
use crate::ffi::{bytes, decode};

pub(super) static CALLBACKS: mesos_shim_scheduler_callbacks = mesos_shim_scheduler_callbacks {
    registered: Some(registered),
    reregistered: Some(reregistered),
    disconnected: Some(disconnected),
    resource_offers: Some(resource_offers),
    offer_rescinded: Some(offer_rescinded),
    status_update: Some(status_update),
    framework_message: Some(framework_message),
    slave_lost: Some(slave_lost),
    executor_lost: Some(executor_lost),
    error: Some(error),
};

type State = CallbackState<SchedulerDriver>;

/// Runs `body` with the user's scheduler and the driver handle.
///
/// # Safety
/// `user_data` is the pointer given to `mesos_shim_scheduler_driver_new`
/// (see [`CallbackState::from_user_data`]).
unsafe fn with_scheduler(
    user_data: *mut c_void,
    callback: &'static str,
    body: impl FnOnce(&mut (dyn Scheduler + 'static), &SchedulerDriver) -> Result<()>,
) {
    // SAFETY: guaranteed by the caller.
    unsafe { State::from_user_data(user_data) }.run(callback, body);
}

unsafe extern "C" fn registered(
    user_data: *mut c_void,
    framework_id: mesos_shim_buf,
    master_info: mesos_shim_buf,
) {
    // SAFETY: the shim passes our user data and buffers valid for this call.
    unsafe {
        with_scheduler(user_data, "Scheduler::registered", |scheduler, driver| {
            let framework_id = decode(&framework_id, "registered: FrameworkID")?;
            let master_info = decode(&master_info, "registered: MasterInfo")?;
            scheduler.registered(driver, framework_id, master_info);
            Ok(())
        })
    }
}

unsafe extern "C" fn reregistered(user_data: *mut c_void, master_info: mesos_shim_buf) {
    // SAFETY: as in `registered`.
    unsafe {
        with_scheduler(user_data, "Scheduler::reregistered", |scheduler, driver| {
            let master_info = decode(&master_info, "reregistered: MasterInfo")?;
            scheduler.reregistered(driver, master_info);
            Ok(())
        })
    }
}

unsafe extern "C" fn disconnected(user_data: *mut c_void) {
    // SAFETY: as in `registered`.
    unsafe {
        with_scheduler(user_data, "Scheduler::disconnected", |scheduler, driver| {
            scheduler.disconnected(driver);
            Ok(())
        })
    }
}

unsafe extern "C" fn resource_offers(
    user_data: *mut c_void,
    offers: *const mesos_shim_buf,
    offers_len: usize,
) {
    // SAFETY: as in `registered`; `offers` points to `offers_len` buffers.
    unsafe {
        with_scheduler(
            user_data,
            "Scheduler::resource_offers",
            |scheduler, driver| {
                let bufs = if offers_len == 0 {
                    &[][..]
                } else {
                    std::slice::from_raw_parts(offers, offers_len)
                };
                // Sized up front: collecting through a `Result` would grow
                // the vector (and copy the offers) as it goes.
                let mut offers = Vec::with_capacity(bufs.len());
                for buf in bufs {
                    offers.push(decode(buf, "resource_offers: Offer")?);
                }
                scheduler.resource_offers(driver, offers);
                Ok(())
            },
        )
    }
}

unsafe extern "C" fn offer_rescinded(user_data: *mut c_void, offer_id: mesos_shim_buf) {
    // SAFETY: as in `registered`.
    unsafe {
        with_scheduler(
            user_data,
            "Scheduler::offer_rescinded",
            |scheduler, driver| {
                let offer_id = decode(&offer_id, "offer_rescinded: OfferID")?;
                scheduler.offer_rescinded(driver, offer_id);
                Ok(())
            },
        )
    }
}

unsafe extern "C" fn status_update(user_data: *mut c_void, status: mesos_shim_buf) {
    // SAFETY: as in `registered`.
    unsafe {
        with_scheduler(
            user_data,
            "Scheduler::status_update",
            |scheduler, driver| {
                let status = decode(&status, "status_update: TaskStatus")?;
                scheduler.status_update(driver, status);
                Ok(())
            },
        )
    }
}

unsafe extern "C" fn framework_message(
    user_data: *mut c_void,
    executor_id: mesos_shim_buf,
    slave_id: mesos_shim_buf,
    data: mesos_shim_buf,
) {
    // SAFETY: as in `registered`.
    unsafe {
        with_scheduler(
            user_data,
            "Scheduler::framework_message",
            |scheduler, driver| {
                let executor_id = decode(&executor_id, "framework_message: ExecutorID")?;
                let slave_id = decode(&slave_id, "framework_message: SlaveID")?;
                scheduler.framework_message(driver, executor_id, slave_id, bytes(&data).to_vec());
                Ok(())
            },
        )
    }
}

unsafe extern "C" fn slave_lost(user_data: *mut c_void, slave_id: mesos_shim_buf) {
    // SAFETY: as in `registered`.
    unsafe {
        with_scheduler(user_data, "Scheduler::slave_lost", |scheduler, driver| {
            let slave_id = decode(&slave_id, "slave_lost: SlaveID")?;
            scheduler.slave_lost(driver, slave_id);
            Ok(())
        })
    }
}

unsafe extern "C" fn executor_lost(
    user_data: *mut c_void,
    executor_id: mesos_shim_buf,
    slave_id: mesos_shim_buf,
    status: i32,
) {
    // SAFETY: as in `registered`.
    unsafe {
        with_scheduler(
            user_data,
            "Scheduler::executor_lost",
            |scheduler, driver| {
                let executor_id = decode(&executor_id, "executor_lost: ExecutorID")?;
                let slave_id = decode(&slave_id, "executor_lost: SlaveID")?;
                scheduler.executor_lost(driver, executor_id, slave_id, status);
                Ok(())
            },
        )
    }
}

unsafe extern "C" fn error(user_data: *mut c_void, message: mesos_shim_buf) {
    // SAFETY: as in `registered`.
    unsafe {
        State::from_user_data(user_data).run_error(
            "Scheduler::error",
            bytes(&message),
            |scheduler, driver, text| scheduler.error(driver, text),
        );
    }
}
