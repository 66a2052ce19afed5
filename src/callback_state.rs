//! What the shim's user-data pointer points at, for either kind of driver,
//! and the path every C callback takes from that pointer to the user's
//! `Scheduler` or `Executor`.

use std::os::raw::c_void;
use std::ptr::NonNull;
use std::sync::Mutex;

use mesos_sys::ShimApi;

use crate::driver_core::{self, lock, Core, Failure, Shared};
use crate::error::Result;
use crate::status::DriverStatus;

/// The driver handle a callback receives (`SchedulerDriver` or
/// `ExecutorDriver`): what running callbacks and deleting the driver need
/// to know about a driver kind. Each kind only names its shim functions;
/// the logic is here, once.
pub(crate) trait DriverHandle {
    /// The opaque C++ driver type of the shim.
    type Raw;

    /// The owning type's name, for logs.
    const OWNER: &'static str;

    fn shared(&self) -> &Shared<Self::Raw>;

    /// The shim's `abort` for this kind.
    fn abort_fn(api: &ShimApi) -> unsafe extern "C" fn(*mut Self::Raw) -> i32;

    /// The shim's `free` for this kind.
    fn free_fn(api: &ShimApi) -> unsafe extern "C" fn(*mut Self::Raw);

    /// Whether the detached C++ driver can be deleted; `false` leaks it
    /// (for a libmesos driver whose destructor would crash).
    fn may_delete_native(&self) -> bool {
        true
    }

    fn core(&self) -> &Core {
        &self.shared().core
    }

    /// Aborts the driver: libmesos's `abort`, on the live C++ driver.
    fn abort_native(&self) -> Result<i32> {
        let shared = self.shared();
        let abort = Self::abort_fn(shared.core.api);
        // SAFETY: `call` lends the live C++ driver for this one call.
        shared.call(|raw| unsafe { abort(raw) })
    }

    /// Aborts the driver and records the status libmesos returns: the
    /// public `abort`, and the owner's delete.
    fn abort_and_record(&self) -> Result<DriverStatus> {
        let raw = self.abort_native()?;
        self.core().status_of(raw)
    }

    /// Aborts the driver after a callback failed (called from a callback;
    /// the failure already marked the status aborted).
    fn abort_after_failure(&self) {
        let _ = self.abort_native();
    }

    /// Called once, by the owner's drop, never from one of this driver's
    /// callbacks: releases threads blocked in `join`/`run` (and marks the
    /// status aborted for the handles that outlive the owner), takes the
    /// C++ driver away from every handle and deletes it, which waits for a
    /// running callback to return.
    fn delete_native(&self) {
        let _ = self.abort_and_record();
        let shared = self.shared();
        let abort = Self::abort_fn(shared.core.api);
        // SAFETY: `detach` passes the pointer it took, which nothing deletes
        // before it returns.
        let raw = shared.detach(|raw| unsafe {
            abort(raw);
        });
        if raw.is_null() || !self.may_delete_native() {
            return; // never created, or leaked on purpose
        }
        // SAFETY: `raw` came from the shim's `new` and is deleted once
        // (detach leaves NULL behind). Deleting waits for a running
        // callback, so nothing uses the callback state after this returns.
        unsafe { Self::free_fn(shared.core.api)(raw) };
    }
}

/// The handle lent to every callback and the user's object (`U` is
/// `dyn Scheduler` or `dyn Executor`). Boxed by the driver that owns it so
/// its address, the user-data pointer, is stable for the driver's lifetime;
/// freed only after the C++ driver is deleted.
pub(crate) struct CallbackState<H, U: ?Sized> {
    pub(crate) driver: H,
    pub(crate) user: Mutex<Box<U>>,
}

impl<H: DriverHandle, U: ?Sized> CallbackState<H, U> {
    pub(crate) fn new(driver: H, user: Box<U>) -> Self {
        Self {
            driver,
            user: Mutex::new(user),
        }
    }

    /// The state behind a callback's user-data pointer.
    ///
    /// # Safety
    /// `user_data` is the pointer the driver gave the shim at creation: a
    /// live `CallbackState<H, U>` (the driver deletes the C++ driver, which
    /// waits for callbacks, before freeing it).
    pub(crate) unsafe fn from_user_data<'a>(user_data: *mut c_void) -> &'a Self {
        // SAFETY: guaranteed by the caller.
        unsafe { &*(user_data as *const Self) }
    }

    /// The identity `driver_core` uses to tell whether a callback of this
    /// driver is running on the current thread: the user-data address.
    fn id(&self) -> usize {
        self as *const Self as usize
    }

    /// Runs one callback: `body` decodes its arguments and calls the user's
    /// object with the handle. A panic or a decode error stops here, is
    /// recorded and aborts the driver.
    pub(crate) fn run(&self, callback: &'static str, body: impl FnOnce(&mut U, &H) -> Result<()>) {
        driver_core::run_callback(
            self.driver.core(),
            self.id(),
            callback,
            || self.driver.abort_after_failure(),
            || body(&mut **lock(&self.user), &self.driver),
        );
    }

    /// libmesos's `error` callback: libmesos aborts the driver right after
    /// it, so the message is recorded first as the reason `join`/`run`
    /// report; then `deliver` hands it to the user even though the driver
    /// now counts as failed.
    pub(crate) fn run_error(
        &self,
        callback: &'static str,
        message: &[u8],
        deliver: impl FnOnce(&mut U, &H, String),
    ) {
        let text = String::from_utf8_lossy(message).into_owned();
        let core = self.driver.core();
        core.record_failure(Failure::MesosError(text.clone()));
        driver_core::run_error_callback(core, self.id(), callback, || {
            deliver(&mut **lock(&self.user), &self.driver, text)
        });
    }
}

/// The owning half of a driver: the boxed `CallbackState` whose address the
/// shim holds as user data. Dropping it deletes the C++ driver first (which
/// waits for callbacks) and frees the state after, so no callback can reach
/// freed memory; from inside one of the driver's own callbacks, where that
/// wait would never end, both happen on a helper thread.
pub(crate) struct OwnedState<H: DriverHandle + Send + Sync + 'static, U: ?Sized + Send + 'static> {
    /// From `Box::leak`; freed once, by Drop. A raw pointer, not a Box,
    /// because libmesos threads read the state through the user data
    /// while the owner holds it.
    state: NonNull<CallbackState<H, U>>,
}

// SAFETY: the state holds a `Send + Sync` handle and the user's object
// behind a Mutex, which needs only `U: Send`.
unsafe impl<H: DriverHandle + Send + Sync + 'static, U: ?Sized + Send + 'static> Send
    for OwnedState<H, U>
{
}
// SAFETY: as above; `&OwnedState` only gives `&CallbackState`.
unsafe impl<H: DriverHandle + Send + Sync + 'static, U: ?Sized + Send + 'static> Sync
    for OwnedState<H, U>
{
}

impl<H: DriverHandle + Send + Sync + 'static, U: ?Sized + Send + 'static> OwnedState<H, U> {
    pub(crate) fn new(driver: H, user: Box<U>) -> Self {
        Self {
            state: NonNull::from(Box::leak(Box::new(CallbackState::new(driver, user)))),
        }
    }

    pub(crate) fn get(&self) -> &CallbackState<H, U> {
        // SAFETY: the state lives until Drop, which `&self` excludes.
        unsafe { self.state.as_ref() }
    }

    /// The pointer to give the shim as user data; valid while `self` lives.
    pub(crate) fn user_data(&self) -> *mut c_void {
        self.state.as_ptr() as *mut c_void
    }
}

impl<H: DriverHandle + Send + Sync + 'static, U: ?Sized + Send + 'static> Drop
    for OwnedState<H, U>
{
    fn drop(&mut self) {
        /// The state pointer, moved to whichever thread deletes the driver.
        struct SendPtr<H: DriverHandle + Send + Sync + 'static, U: ?Sized + Send + 'static>(
            NonNull<CallbackState<H, U>>,
        );
        // SAFETY: the state is Send + Sync (see OwnedState) and only the
        // deleting thread touches the pointer from here on.
        unsafe impl<H: DriverHandle + Send + Sync + 'static, U: ?Sized + Send + 'static> Send
            for SendPtr<H, U>
        {
        }

        let state = SendPtr(self.state);
        let delete = move || {
            let state = state;
            // SAFETY: the state is live until the Box::from_raw below.
            unsafe { state.0.as_ref() }.driver.delete_native();
            // SAFETY: from Box::leak in `new`, freed only here; the C++
            // driver that held the pointer is gone.
            drop(unsafe { Box::from_raw(state.0.as_ptr()) });
        };
        driver_core::delete_driver(self.state.as_ptr() as usize, H::OWNER, delete);
    }
}
