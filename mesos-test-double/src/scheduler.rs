//! The scheduler half of the double.

use std::collections::HashSet;
use std::os::raw::{c_char, c_void};
use std::sync::Arc;

use mesos_native_sys::{
    mesos_shim_buf, mesos_shim_scheduler_callbacks, mesos_shim_scheduler_driver,
    MESOS_SHIM_BAD_MESSAGE, MESOS_SHIM_EXCEPTION, MESOS_SHIM_NULL_ARGUMENT,
};

use crate::buffers::{self, fail, optional_strings};
use crate::callbacks::Callbacks;
use crate::driver::{DriverDouble, KindDouble};
use crate::registry::Registry;
use crate::wire;

static SCHEDULERS: Registry<SchedulerDouble> = Registry::new();

/// The double behind the scheduler driver whose framework is named `name`
/// (waits up to five seconds for it to be created).
pub fn scheduler(name: &str) -> Arc<SchedulerDouble> {
    SCHEDULERS.get(name)
}

/// The double behind the scheduler driver the calling thread created last
/// (`None` if it created none since the last call): what a test that
/// built the driver itself uses, whatever the framework's name.
pub fn scheduler_created_here() -> Option<Arc<SchedulerDouble>> {
    SCHEDULERS.take_created_here()
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
    /// The callback table the binding gave `new`, and its user data: to
    /// call the binding's callbacks as libmesos would, without the double
    /// (the benchmarks drive them from C++). Valid while the driver lives.
    pub fn binding_callbacks(&self) -> (&mesos_shim_scheduler_callbacks, *mut c_void) {
        self.callbacks.binding()
    }

    pub(crate) fn fire(
        self: &Arc<Self>,
        event: impl FnOnce(&mesos_shim_scheduler_callbacks, *mut c_void) + Send + 'static,
    ) {
        self.callbacks.fire(&self.driver, event);
    }

    /// Fires `error(message)`, then aborts the driver, as libmesos does.
    pub fn error(self: &Arc<Self>, message: &str) {
        self.callbacks
            .fire_error(&self.driver, message, |table| table.error);
    }
}

impl KindDouble for SchedulerDouble {
    const WHAT: &'static str = "scheduler";

    fn driver(&self) -> &Arc<DriverDouble> {
        &self.driver
    }

    /// A master of the form `fail-start:<reason>` makes `start` fail as
    /// libmesos's does for a malformed master URL.
    fn start_fails(&self) -> bool {
        let Some(reason) = self.master.strip_prefix("fail-start:") else {
            return false;
        };
        let message = format!(
            "Failed to create a master detector for '{}': {reason}",
            self.master
        );
        self.callbacks
            .fail_start(&self.driver, &message, |table| table.error);
        true
    }

    /// libmesos's scheduler driver kills the process (a `CHECK`) on these.
    fn fatal(&self, name: &str, args: &[Vec<u8>]) -> Option<String> {
        match name {
            "acknowledge_status_update" if self.implicit_acknowledgements => {
                Some("acknowledgeStatusUpdate on a driver with implicit acknowledgements".into())
            }
            // [offer count, offers.., operation count, operations.., filters]
            "accept_offers" => {
                let offers = count(&args[0]);
                let operations = &args[2 + offers..args.len() - 1];
                // Offer.Operation.id is field 12.
                operations
                    .iter()
                    .any(|operation| wire::has_field(operation, 12))
                    .then(|| "acceptOffers with an operation that has an id".into())
            }
            // [framework, role count, roles.., offer constraints]
            "update_framework" => {
                let roles = &args[2..2 + count(&args[1])];
                let mut seen = HashSet::new();
                (!roles.iter().all(|role| seen.insert(role)))
                    .then(|| "updateFramework with a suppressed role listed twice".into())
            }
            _ => None,
        }
    }
}

/// A list's recorded length.
fn count(recorded: &[u8]) -> usize {
    std::str::from_utf8(recorded)
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(0)
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
    crate::set_last_error(0, "");
    // SAFETY: the binding passes NULL or a valid table.
    let Some(table) =
        (unsafe { callbacks.as_ref() }).filter(|table| SchedulerDouble::all_callbacks_set(table))
    else {
        fail(
            MESOS_SHIM_NULL_ARGUMENT,
            "every scheduler callback must be set",
        );
        return std::ptr::null_mut();
    };
    if master.is_null() {
        fail(MESOS_SHIM_NULL_ARGUMENT, "master is NULL");
        return std::ptr::null_mut();
    }
    // SAFETY: the binding passes buffers valid for the call.
    let parsed = unsafe {
        (
            buffers::message(&framework_info, "framework_info"),
            credential
                .as_ref()
                .map(|credential| buffers::message(credential, "credential"))
                .transpose(),
            optional_strings(suppressed_roles, suppressed_roles_len, "suppressed_roles"),
        )
    };
    let (Ok(framework_info), Ok(credential), Ok(suppressed_roles)) = parsed else {
        return std::ptr::null_mut(); // the failing conversion set the error
    };
    // SAFETY: non-NULL and NUL-terminated, by the header's rules.
    let master = unsafe { std::ffi::CStr::from_ptr(master) }
        .to_string_lossy()
        .into_owned();
    if let Some(what) = master.strip_prefix("exception:") {
        // As if libmesos's constructor threw (the shim catches it).
        fail(MESOS_SHIM_EXCEPTION, &format!("libmesos threw: {what}"));
        return std::ptr::null_mut();
    }
    let Some(name) = wire::string_field(&framework_info, 2) else {
        fail(
            MESOS_SHIM_BAD_MESSAGE,
            "framework_info: not a valid serialized mesos.FrameworkInfo (missing name)",
        );
        return std::ptr::null_mut();
    };
    let double = Arc::new(SchedulerDouble {
        driver: Arc::new(DriverDouble::default()),
        framework_info,
        master,
        credential,
        implicit_acknowledgements: implicit_acknowledgements != 0,
        suppressed_roles,
        callbacks: Callbacks::new(*table, user_data),
    });
    SCHEDULERS.insert(name, Arc::clone(&double));
    crate::handle::into_pointer(double)
}
