//! The scheduler half of the double.

use std::os::raw::{c_char, c_void};
use std::sync::Arc;

use mesos_sys::{mesos_shim_buf, mesos_shim_scheduler_callbacks, mesos_shim_scheduler_driver};

use crate::buffers::{bytes, list, optional_strings, view};
use crate::callbacks::Callbacks;
use crate::driver::DriverDouble;
use crate::registry::{string_field_2, Registry};
use crate::set_last_error;

static SCHEDULERS: Registry<SchedulerDouble> = Registry::new();

/// The double behind the scheduler driver whose framework is named `name`
/// (waits up to five seconds for it to be created).
pub fn scheduler(name: &str) -> Arc<SchedulerDouble> {
    SCHEDULERS.get(name)
}

/// A scheduler driver as the double sees it: the arguments it was created
/// with, its calls, and methods that fire callbacks from its own thread.
pub struct SchedulerDouble {
    /// Status machine, call record, callback thread.
    pub driver: Arc<DriverDouble>,
    /// The serialized FrameworkInfo given at creation.
    pub framework_info: Vec<u8>,
    /// The master string given at creation.
    pub master: String,
    /// The serialized Credential, if one was given.
    pub credential: Option<Vec<u8>>,
    /// The implicit-acknowledgements flag.
    pub implicit_acknowledgements: bool,
    /// The suppressed roles, if that constructor was used.
    pub suppressed_roles: Option<Vec<String>>,
    callbacks: Arc<Callbacks<mesos_shim_scheduler_callbacks>>,
}

impl SchedulerDouble {
    fn fire(
        self: &Arc<Self>,
        event: impl FnOnce(&mesos_shim_scheduler_callbacks, *mut c_void) + Send + 'static,
    ) {
        self.callbacks.fire(&self.driver, event);
    }

    /// Fires `registered(framework_id, master_info)`.
    pub fn registered(self: &Arc<Self>, framework_id: Vec<u8>, master_info: Vec<u8>) {
        // SAFETY: the binding's table and user data, called on the callback
        // thread the binding expects; the buffers outlive the call.
        self.fire(move |cb, ud| unsafe {
            cb.registered.unwrap()(ud, view(&framework_id), view(&master_info))
        });
    }

    /// Fires `reregistered(master_info)`.
    pub fn reregistered(self: &Arc<Self>, master_info: Vec<u8>) {
        // SAFETY: the binding's table and user data, called on the callback
        // thread the binding expects; the buffers outlive the call.
        self.fire(move |cb, ud| unsafe { cb.reregistered.unwrap()(ud, view(&master_info)) });
    }

    /// Fires `disconnected()`.
    pub fn disconnected(self: &Arc<Self>) {
        // SAFETY: the binding's table and user data, called on the callback
        // thread the binding expects; the buffers outlive the call.
        self.fire(move |cb, ud| unsafe { cb.disconnected.unwrap()(ud) });
    }

    /// Fires `resource_offers(offers)`.
    pub fn resource_offers(self: &Arc<Self>, offers: Vec<Vec<u8>>) {
        self.fire(move |cb, ud| {
            let views: Vec<mesos_shim_buf> = offers.iter().map(|offer| view(offer)).collect();
            // SAFETY: the binding's table and user data, called on the callback
            // thread the binding expects; the buffers outlive the call.
            unsafe { cb.resource_offers.unwrap()(ud, views.as_ptr(), views.len()) }
        });
    }

    /// Fires `offer_rescinded(offer_id)`.
    pub fn offer_rescinded(self: &Arc<Self>, offer_id: Vec<u8>) {
        // SAFETY: the binding's table and user data, called on the callback
        // thread the binding expects; the buffers outlive the call.
        self.fire(move |cb, ud| unsafe { cb.offer_rescinded.unwrap()(ud, view(&offer_id)) });
    }

    /// Fires `status_update(status)`.
    pub fn status_update(self: &Arc<Self>, status: Vec<u8>) {
        // SAFETY: the binding's table and user data, called on the callback
        // thread the binding expects; the buffers outlive the call.
        self.fire(move |cb, ud| unsafe { cb.status_update.unwrap()(ud, view(&status)) });
    }

    /// Fires `framework_message(executor_id, slave_id, data)`.
    pub fn framework_message(
        self: &Arc<Self>,
        executor_id: Vec<u8>,
        slave_id: Vec<u8>,
        data: Vec<u8>,
    ) {
        // SAFETY: the binding's table and user data, called on the callback
        // thread the binding expects; the buffers outlive the call.
        self.fire(move |cb, ud| unsafe {
            cb.framework_message.unwrap()(ud, view(&executor_id), view(&slave_id), view(&data))
        });
    }

    /// Fires `slave_lost(slave_id)`.
    pub fn slave_lost(self: &Arc<Self>, slave_id: Vec<u8>) {
        // SAFETY: the binding's table and user data, called on the callback
        // thread the binding expects; the buffers outlive the call.
        self.fire(move |cb, ud| unsafe { cb.slave_lost.unwrap()(ud, view(&slave_id)) });
    }

    /// Fires `executor_lost(executor_id, slave_id, status)`.
    pub fn executor_lost(self: &Arc<Self>, executor_id: Vec<u8>, slave_id: Vec<u8>, status: i32) {
        // SAFETY: the binding's table and user data, called on the callback
        // thread the binding expects; the buffers outlive the call.
        self.fire(move |cb, ud| unsafe {
            cb.executor_lost.unwrap()(ud, view(&executor_id), view(&slave_id), status)
        });
    }

    /// Fires `error(message)`, then aborts the driver, as libmesos does.
    pub fn error(self: &Arc<Self>, message: &str) {
        self.callbacks
            .fire_error(&self.driver, message, |table| table.error);
    }
}

driver_handle! {
    pointer: mesos_shim_scheduler_driver,
    double: SchedulerDouble,
    null_handle_message: "test double: scheduler driver call on a NULL handle",
    // `stop` is not among them: here it takes `failover`, recorded below.
    lifecycle: [start, abort, join],
}

pub(crate) unsafe extern "C" fn new(
    callbacks: *const mesos_shim_scheduler_callbacks,
    user_data: *mut c_void,
    framework_info: mesos_shim_buf,
    master: *const c_char,
    credential: *const mesos_shim_buf,
    implicit_acknowledgements: i32,
    suppressed_roles: *const mesos_shim_buf,
    suppressed_roles_len: usize,
) -> *mut mesos_shim_scheduler_driver {
    // SAFETY (whole body): the binding passes pointers valid for the call.
    unsafe {
        if callbacks.is_null() || master.is_null() {
            set_last_error("callbacks or master is NULL");
            return std::ptr::null_mut();
        }
        let framework_info = bytes(&framework_info);
        let Some(name) = string_field_2(&framework_info) else {
            set_last_error(
                "framework_info: not a valid serialized mesos.FrameworkInfo (missing name)",
            );
            return std::ptr::null_mut();
        };
        let double = Arc::new(SchedulerDouble {
            driver: Arc::new(DriverDouble::default()),
            framework_info,
            master: std::ffi::CStr::from_ptr(master)
                .to_string_lossy()
                .into_owned(),
            credential: credential.as_ref().map(|c| bytes(c)),
            implicit_acknowledgements: implicit_acknowledgements != 0,
            suppressed_roles: optional_strings(suppressed_roles, suppressed_roles_len),
            callbacks: Callbacks::new(*callbacks, user_data),
        });
        SCHEDULERS.insert(name, Arc::clone(&double));
        into_pointer(double)
    }
}

pub(crate) unsafe extern "C" fn stop(
    driver: *mut mesos_shim_scheduler_driver,
    failover: i32,
) -> i32 {
    // SAFETY: the binding passes a live handle.
    let d = unsafe { double(driver) };
    d.driver
        .record("stop", vec![failover.to_string().into_bytes()]);
    d.driver.stop()
}

/// The arguments `launch_tasks` and `accept_offers` record, flattened: the
/// two counts as text, the offer ids, the tasks or operations, the filters.
///
/// # Safety
/// The arrays and `filters` are valid for the call, as for [`list`].
unsafe fn offers_then_items(
    offer_ids: *const mesos_shim_buf,
    offer_ids_len: usize,
    items: *const mesos_shim_buf,
    items_len: usize,
    filters: mesos_shim_buf,
) -> Vec<Vec<u8>> {
    let mut args = vec![
        offer_ids_len.to_string().into_bytes(),
        items_len.to_string().into_bytes(),
    ];
    // SAFETY: guaranteed by the caller.
    unsafe {
        args.extend(list(offer_ids, offer_ids_len));
        args.extend(list(items, items_len));
        args.push(bytes(&filters));
    }
    args
}

accepted_calls! {
    pointer: mesos_shim_scheduler_driver;

    fn request_resources(requests: *const mesos_shim_buf, len: usize) => list(requests, len);

    fn launch_tasks(
        offer_ids: *const mesos_shim_buf,
        offer_ids_len: usize,
        tasks: *const mesos_shim_buf,
        tasks_len: usize,
        filters: mesos_shim_buf,
    ) => offers_then_items(offer_ids, offer_ids_len, tasks, tasks_len, filters);

    fn launch_tasks_on_offer(
        offer_id: mesos_shim_buf,
        tasks: *const mesos_shim_buf,
        tasks_len: usize,
        filters: mesos_shim_buf,
    ) => {
        let mut args = vec![bytes(&offer_id)];
        args.extend(list(tasks, tasks_len));
        args.push(bytes(&filters));
        args
    };

    fn kill_task(task_id: mesos_shim_buf) => vec![bytes(&task_id)];

    fn accept_offers(
        offer_ids: *const mesos_shim_buf,
        offer_ids_len: usize,
        operations: *const mesos_shim_buf,
        operations_len: usize,
        filters: mesos_shim_buf,
    ) => offers_then_items(offer_ids, offer_ids_len, operations, operations_len, filters);

    fn decline_offer(offer_id: mesos_shim_buf, filters: mesos_shim_buf)
        => vec![bytes(&offer_id), bytes(&filters)];

    fn revive_offers() => Vec::new();

    fn revive_offers_for_roles(roles: *const mesos_shim_buf, len: usize) => list(roles, len);

    fn suppress_offers() => Vec::new();

    fn suppress_offers_for_roles(roles: *const mesos_shim_buf, len: usize) => list(roles, len);

    fn acknowledge_status_update(status: mesos_shim_buf) => vec![bytes(&status)];

    fn send_framework_message(
        executor_id: mesos_shim_buf,
        slave_id: mesos_shim_buf,
        data: mesos_shim_buf,
    ) => vec![bytes(&executor_id), bytes(&slave_id), bytes(&data)];

    fn reconcile_tasks(statuses: *const mesos_shim_buf, len: usize) => list(statuses, len);

    // Recorded as: framework info, constraints ("" when NULL), then the roles.
    fn update_framework(
        framework_info: mesos_shim_buf,
        suppressed_roles: *const mesos_shim_buf,
        suppressed_roles_len: usize,
        offer_constraints: *const mesos_shim_buf,
    ) => {
        let mut args = vec![
            bytes(&framework_info),
            offer_constraints.as_ref().map(|c| bytes(c)).unwrap_or_default(),
        ];
        args.extend(list(suppressed_roles, suppressed_roles_len));
        args
    };
}
