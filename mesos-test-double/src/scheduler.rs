//! The scheduler half of the double.

use std::os::raw::{c_char, c_void};
use std::sync::Arc;

use mesos_sys::{mesos_shim_buf, mesos_shim_scheduler_callbacks, mesos_shim_scheduler_driver};

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
    callbacks: mesos_shim_scheduler_callbacks,
    user_data: UserData,
}

/// The binding's user-data pointer, carried to the callback thread.
#[derive(Clone, Copy)]
pub(crate) struct UserData(pub(crate) *mut c_void);
// SAFETY: the binding promises user_data may be used from libmesos's
// threads until free returns; the double only uses it on its callback
// thread, which free joins.
unsafe impl Send for UserData {}
// SAFETY: as above.
unsafe impl Sync for UserData {}

/// A borrowed view of bytes the event closure keeps alive during a callback.
pub(crate) fn view(bytes: &[u8]) -> mesos_shim_buf {
    mesos_shim_buf {
        data: bytes.as_ptr(),
        len: bytes.len(),
    }
}

impl SchedulerDouble {
    fn fire(
        self: &Arc<Self>,
        event: impl FnOnce(&mesos_shim_scheduler_callbacks, *mut c_void) + Send + 'static,
    ) {
        let this = Arc::clone(self);
        self.driver.enqueue(Box::new(move || {
            let user_data = this.user_data;
            event(&this.callbacks, user_data.0)
        }));
    }

    /// Fires `registered(framework_id, master_info)`.
    pub fn registered(self: &Arc<Self>, framework_id: Vec<u8>, master_info: Vec<u8>) {
        self.fire(move |cb, ud| unsafe {
            cb.registered.unwrap()(ud, view(&framework_id), view(&master_info))
        });
    }

    /// Fires `reregistered(master_info)`.
    pub fn reregistered(self: &Arc<Self>, master_info: Vec<u8>) {
        self.fire(move |cb, ud| unsafe { cb.reregistered.unwrap()(ud, view(&master_info)) });
    }

    /// Fires `disconnected()`.
    pub fn disconnected(self: &Arc<Self>) {
        self.fire(move |cb, ud| unsafe { cb.disconnected.unwrap()(ud) });
    }

    /// Fires `resource_offers(offers)`.
    pub fn resource_offers(self: &Arc<Self>, offers: Vec<Vec<u8>>) {
        self.fire(move |cb, ud| {
            let views: Vec<mesos_shim_buf> = offers.iter().map(|offer| view(offer)).collect();
            unsafe { cb.resource_offers.unwrap()(ud, views.as_ptr(), views.len()) }
        });
    }

    /// Fires `offer_rescinded(offer_id)`.
    pub fn offer_rescinded(self: &Arc<Self>, offer_id: Vec<u8>) {
        self.fire(move |cb, ud| unsafe { cb.offer_rescinded.unwrap()(ud, view(&offer_id)) });
    }

    /// Fires `status_update(status)`.
    pub fn status_update(self: &Arc<Self>, status: Vec<u8>) {
        self.fire(move |cb, ud| unsafe { cb.status_update.unwrap()(ud, view(&status)) });
    }

    /// Fires `framework_message(executor_id, slave_id, data)`.
    pub fn framework_message(
        self: &Arc<Self>,
        executor_id: Vec<u8>,
        slave_id: Vec<u8>,
        data: Vec<u8>,
    ) {
        self.fire(move |cb, ud| unsafe {
            cb.framework_message.unwrap()(ud, view(&executor_id), view(&slave_id), view(&data))
        });
    }

    /// Fires `slave_lost(slave_id)`.
    pub fn slave_lost(self: &Arc<Self>, slave_id: Vec<u8>) {
        self.fire(move |cb, ud| unsafe { cb.slave_lost.unwrap()(ud, view(&slave_id)) });
    }

    /// Fires `executor_lost(executor_id, slave_id, status)`.
    pub fn executor_lost(self: &Arc<Self>, executor_id: Vec<u8>, slave_id: Vec<u8>, status: i32) {
        self.fire(move |cb, ud| unsafe {
            cb.executor_lost.unwrap()(ud, view(&executor_id), view(&slave_id), status)
        });
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

/// What the binding holds: a pointer to this box.
struct Handle(Arc<SchedulerDouble>);

/// # Safety
/// `driver` is a pointer returned by `new` and not yet freed.
unsafe fn double<'a>(driver: *mut mesos_shim_scheduler_driver) -> &'a SchedulerDouble {
    assert!(
        !driver.is_null(),
        "test double: scheduler driver call on a NULL handle"
    );
    // SAFETY: guaranteed by the caller.
    unsafe { &(*(driver as *const Handle)).0 }
}

pub(crate) unsafe fn bytes(buf: &mesos_shim_buf) -> Vec<u8> {
    if buf.len == 0 {
        Vec::new()
    } else {
        assert!(
            !buf.data.is_null(),
            "test double: buffer with len > 0 and NULL data"
        );
        // SAFETY: the binding passes `len` readable bytes for the call.
        unsafe { std::slice::from_raw_parts(buf.data, buf.len) }.to_vec()
    }
}

pub(crate) unsafe fn list(bufs: *const mesos_shim_buf, len: usize) -> Vec<Vec<u8>> {
    if len == 0 {
        return Vec::new();
    }
    assert!(
        !bufs.is_null(),
        "test double: array with len > 0 and NULL pointer"
    );
    // SAFETY: the binding passes `len` buffers valid for the call.
    unsafe { std::slice::from_raw_parts(bufs, len) }
        .iter()
        .map(|b| unsafe { bytes(b) })
        .collect()
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
            suppressed_roles: (!suppressed_roles.is_null()).then(|| {
                list(suppressed_roles, suppressed_roles_len)
                    .into_iter()
                    .map(|role| String::from_utf8_lossy(&role).into_owned())
                    .collect()
            }),
            callbacks: *callbacks,
            user_data: UserData(user_data),
        });
        SCHEDULERS.insert(name, Arc::clone(&double));
        Box::into_raw(Box::new(Handle(double))) as *mut mesos_shim_scheduler_driver
    }
}

pub(crate) unsafe extern "C" fn free(driver: *mut mesos_shim_scheduler_driver) {
    if driver.is_null() {
        return;
    }
    // SAFETY: `driver` came from `new` (Box::into_raw) and is freed once.
    let handle = unsafe { Box::from_raw(driver as *mut Handle) };
    handle.0.driver.free();
}

pub(crate) unsafe extern "C" fn run(driver: *mut mesos_shim_scheduler_driver) -> i32 {
    // SAFETY: the binding passes a live handle. Recorded by `run` itself,
    // after the driver started.
    unsafe { double(driver) }.driver.run()
}

macro_rules! lifecycle {
    ($($name:ident => |$d:ident| $body:expr;)*) => {$(
        pub(crate) unsafe extern "C" fn $name(driver: *mut mesos_shim_scheduler_driver) -> i32 {
            // SAFETY: the binding passes a live handle.
            let $d = unsafe { double(driver) };
            $d.driver.record(stringify!($name), Vec::new());
            $body
        }
    )*};
}

lifecycle! {
    start => |d| d.driver.start();
    abort => |d| d.driver.abort();
    join => |d| d.driver.join();
}

pub(crate) unsafe extern "C" fn revive_offers(driver: *mut mesos_shim_scheduler_driver) -> i32 {
    // SAFETY: the binding passes a live handle.
    unsafe { double(driver).driver.accept("revive_offers", Vec::new()) }
}

pub(crate) unsafe extern "C" fn suppress_offers(driver: *mut mesos_shim_scheduler_driver) -> i32 {
    // SAFETY: the binding passes a live handle.
    unsafe { double(driver).driver.accept("suppress_offers", Vec::new()) }
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

pub(crate) unsafe extern "C" fn request_resources(
    driver: *mut mesos_shim_scheduler_driver,
    requests: *const mesos_shim_buf,
    len: usize,
) -> i32 {
    // SAFETY: the binding passes a live handle and valid buffers.
    unsafe {
        double(driver)
            .driver
            .accept("request_resources", list(requests, len))
    }
}

pub(crate) unsafe extern "C" fn launch_tasks(
    driver: *mut mesos_shim_scheduler_driver,
    offer_ids: *const mesos_shim_buf,
    offer_ids_len: usize,
    tasks: *const mesos_shim_buf,
    tasks_len: usize,
    filters: mesos_shim_buf,
) -> i32 {
    // SAFETY: the binding passes a live handle and valid buffers. Arguments
    // are recorded flattened: offer ids, then tasks, then filters; the
    // counts come first as text.
    unsafe {
        let mut args = vec![
            offer_ids_len.to_string().into_bytes(),
            tasks_len.to_string().into_bytes(),
        ];
        args.extend(list(offer_ids, offer_ids_len));
        args.extend(list(tasks, tasks_len));
        args.push(bytes(&filters));
        double(driver).driver.accept("launch_tasks", args)
    }
}

pub(crate) unsafe extern "C" fn launch_tasks_on_offer(
    driver: *mut mesos_shim_scheduler_driver,
    offer_id: mesos_shim_buf,
    tasks: *const mesos_shim_buf,
    tasks_len: usize,
    filters: mesos_shim_buf,
) -> i32 {
    // SAFETY: as in launch_tasks.
    unsafe {
        let mut args = vec![bytes(&offer_id)];
        args.extend(list(tasks, tasks_len));
        args.push(bytes(&filters));
        double(driver).driver.accept("launch_tasks_on_offer", args)
    }
}

pub(crate) unsafe extern "C" fn kill_task(
    driver: *mut mesos_shim_scheduler_driver,
    task_id: mesos_shim_buf,
) -> i32 {
    // SAFETY: the binding passes a live handle and a valid buffer.
    unsafe {
        double(driver)
            .driver
            .accept("kill_task", vec![bytes(&task_id)])
    }
}

pub(crate) unsafe extern "C" fn accept_offers(
    driver: *mut mesos_shim_scheduler_driver,
    offer_ids: *const mesos_shim_buf,
    offer_ids_len: usize,
    operations: *const mesos_shim_buf,
    operations_len: usize,
    filters: mesos_shim_buf,
) -> i32 {
    // SAFETY: as in launch_tasks (same flattened layout).
    unsafe {
        let mut args = vec![
            offer_ids_len.to_string().into_bytes(),
            operations_len.to_string().into_bytes(),
        ];
        args.extend(list(offer_ids, offer_ids_len));
        args.extend(list(operations, operations_len));
        args.push(bytes(&filters));
        double(driver).driver.accept("accept_offers", args)
    }
}

pub(crate) unsafe extern "C" fn decline_offer(
    driver: *mut mesos_shim_scheduler_driver,
    offer_id: mesos_shim_buf,
    filters: mesos_shim_buf,
) -> i32 {
    // SAFETY: the binding passes a live handle and valid buffers.
    unsafe {
        double(driver)
            .driver
            .accept("decline_offer", vec![bytes(&offer_id), bytes(&filters)])
    }
}

pub(crate) unsafe extern "C" fn revive_offers_for_roles(
    driver: *mut mesos_shim_scheduler_driver,
    roles: *const mesos_shim_buf,
    len: usize,
) -> i32 {
    // SAFETY: the binding passes a live handle and valid buffers.
    unsafe {
        double(driver)
            .driver
            .accept("revive_offers_for_roles", list(roles, len))
    }
}

pub(crate) unsafe extern "C" fn suppress_offers_for_roles(
    driver: *mut mesos_shim_scheduler_driver,
    roles: *const mesos_shim_buf,
    len: usize,
) -> i32 {
    // SAFETY: the binding passes a live handle and valid buffers.
    unsafe {
        double(driver)
            .driver
            .accept("suppress_offers_for_roles", list(roles, len))
    }
}

pub(crate) unsafe extern "C" fn acknowledge_status_update(
    driver: *mut mesos_shim_scheduler_driver,
    status: mesos_shim_buf,
) -> i32 {
    // SAFETY: the binding passes a live handle and a valid buffer.
    unsafe {
        double(driver)
            .driver
            .accept("acknowledge_status_update", vec![bytes(&status)])
    }
}

pub(crate) unsafe extern "C" fn send_framework_message(
    driver: *mut mesos_shim_scheduler_driver,
    executor_id: mesos_shim_buf,
    slave_id: mesos_shim_buf,
    data: mesos_shim_buf,
) -> i32 {
    // SAFETY: the binding passes a live handle and valid buffers.
    unsafe {
        double(driver).driver.accept(
            "send_framework_message",
            vec![bytes(&executor_id), bytes(&slave_id), bytes(&data)],
        )
    }
}

pub(crate) unsafe extern "C" fn reconcile_tasks(
    driver: *mut mesos_shim_scheduler_driver,
    statuses: *const mesos_shim_buf,
    len: usize,
) -> i32 {
    // SAFETY: the binding passes a live handle and valid buffers.
    unsafe {
        double(driver)
            .driver
            .accept("reconcile_tasks", list(statuses, len))
    }
}

pub(crate) unsafe extern "C" fn update_framework(
    driver: *mut mesos_shim_scheduler_driver,
    framework_info: mesos_shim_buf,
    suppressed_roles: *const mesos_shim_buf,
    suppressed_roles_len: usize,
    offer_constraints: *const mesos_shim_buf,
) -> i32 {
    // SAFETY: the binding passes a live handle and valid buffers. Recorded
    // as: framework info, constraints ("" when NULL), then the roles.
    unsafe {
        let mut args = vec![
            bytes(&framework_info),
            offer_constraints
                .as_ref()
                .map(|c| bytes(c))
                .unwrap_or_default(),
        ];
        args.extend(list(suppressed_roles, suppressed_roles_len));
        double(driver).driver.accept("update_framework", args)
    }
}
