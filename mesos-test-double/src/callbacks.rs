//! The binding's callback table and user data, kept by either half's double
//! and used only on the driver's callback thread.

use std::os::raw::c_void;
use std::sync::Arc;

use mesos_native_sys::mesos_shim_buf;

use crate::buffers::view;
use crate::driver::DriverDouble;

/// The type of the `error` field both callback tables have.
pub(crate) type ErrorCallback = Option<unsafe extern "C" fn(*mut c_void, mesos_shim_buf)>;

/// The binding's user-data pointer, carried to the callback thread.
#[derive(Clone, Copy)]
struct UserData(*mut c_void);
// SAFETY: the binding promises user_data may be used from libmesos's
// threads until free returns; the double only uses it on its callback
// thread, which free joins.
unsafe impl Send for UserData {}
// SAFETY: as above.
unsafe impl Sync for UserData {}

/// A callback table `C` (`mesos_shim_{scheduler,executor}_callbacks`) with
/// the user data to pass to each of its functions.
pub(crate) struct Callbacks<C> {
    table: C,
    user_data: UserData,
}

impl<C: Send + Sync + 'static> Callbacks<C> {
    /// The binding's table, and the user data it gave with it.
    pub(crate) fn binding(&self) -> (&C, *mut c_void) {
        (&self.table, self.user_data.0)
    }

    pub(crate) fn new(table: C, user_data: *mut c_void) -> Arc<Self> {
        Arc::new(Self {
            table,
            user_data: UserData(user_data),
        })
    }

    /// Queues `event` on `driver`'s callback thread, where it gets the table
    /// and the user data.
    pub(crate) fn fire(
        self: &Arc<Self>,
        driver: &DriverDouble,
        event: impl FnOnce(&C, *mut c_void) + Send + 'static,
    ) {
        let this = Arc::clone(self);
        driver.enqueue(Box::new(move || {
            let user_data = this.user_data;
            event(&this.table, user_data.0)
        }));
    }

    /// A `start` that fails as libmesos's (and the shim's v1 one) does
    /// for a master address it can't use: the driver is aborted, with no
    /// process, and `error(message)` runs right here, on the starting
    /// thread. `error` picks the callback out of the table.
    pub(crate) fn fail_start(
        &self,
        driver: &DriverDouble,
        message: &str,
        error: fn(&C) -> ErrorCallback,
    ) {
        driver.fail_start();
        // SAFETY: the binding's table (every entry set: `new` checked) and
        // user data, on the starting thread as libmesos calls it there;
        // `message` outlives the call.
        unsafe { error(&self.table).unwrap()(self.user_data.0, view(message.as_bytes())) }
    }

    /// Fires `error(message)`, then aborts the driver, as libmesos does.
    /// `error` picks the callback out of the table.
    pub(crate) fn fire_error(
        self: &Arc<Self>,
        driver: &Arc<DriverDouble>,
        message: &str,
        error: fn(&C) -> ErrorCallback,
    ) {
        let message = message.as_bytes().to_vec();
        let aborted = Arc::clone(driver);
        self.fire(driver, move |table, user_data| {
            // SAFETY: the binding registered this callback for this user
            // data; `message` outlives the call.
            unsafe { error(table).unwrap()(user_data, view(&message)) };
            aborted.abort();
        });
    }
}
