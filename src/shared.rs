//! One driver's shared half, owned jointly by the driver and every handle
//! cloned from it: the C++ driver pointer, the rules for calling it from
//! any thread, and the order in which the owner's drop releases it.
//!
//! Driver calls are the hot path (a framework may make millions), so a
//! short call takes no lock: it reads the `detached` flag and the pointer
//! (two plain loads). That is safe because the C++ driver is deleted only
//! when the last handle is gone ([`Shared`]'s `Drop`), never while a call
//! can be using it. Dropping the owner ([`Owner`]) still ends the driver at
//! once: it detaches every handle (later calls return
//! [`Error::NotRunning`]), aborts the driver, waits for `join`/`run`, and
//! drops the user's scheduler or executor after any running callback.

use std::mem::ManuallyDrop;
use std::os::raw::c_void;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use mesos_sys::ShimApi;

use crate::callback_state::{CallbackState, DriverHandle};
use crate::driver_core::{self, lock, Core};
use crate::error::{Error, Result};

/// What every handle of one driver shares (see the module docs).
///
/// Calls that block until the driver stops (`join`, `run`) and `start`
/// are coordinated with the owner's drop through `blocking_calls`: `start`
/// holds that lock for its (short) call, so the drop's abort can't land
/// between the check of `detached` and the start; `join`/`run` are counted
/// under it and then run unlocked, so the drop can wait for them.
pub(crate) struct Shared<H: DriverHandle> {
    pub(crate) core: Core,
    /// The C++ driver; NULL until the shim created it. Deleted by Drop.
    raw: AtomicPtr<H::Raw>,
    /// Set once, by the owner's drop: calls then return `NotRunning`.
    detached: AtomicBool,
    /// How many `join`/`run` calls are inside libmesos.
    blocking_calls: Mutex<usize>,
    blocking_call_returned: Condvar,
    /// The user data the C++ driver calls back with; freed by Drop, after
    /// the C++ driver (deleting it waits for a running callback).
    callbacks: NonNull<CallbackState<H>>,
}

// SAFETY: `raw` is only handed to libmesos's driver methods, which are
// thread-safe (each takes the driver's own mutex and dispatches to its
// process); `callbacks` points at a `Send + Sync` state (a Mutex around the
// user's `Send` object) that this value owns.
unsafe impl<H: DriverHandle> Send for Shared<H> {}
// SAFETY: as above.
unsafe impl<H: DriverHandle> Sync for Shared<H> {}

/// Counts one blocking call out, even if the shim call unwinds.
struct BlockingCall<'a, H: DriverHandle>(&'a Shared<H>);

impl<H: DriverHandle> Drop for BlockingCall<'_, H> {
    fn drop(&mut self) {
        *lock(&self.0.blocking_calls) -= 1;
        self.0.blocking_call_returned.notify_all();
    }
}

impl<H: DriverHandle> Shared<H> {
    /// A shared half with no C++ driver yet, holding the user's object.
    fn new(api: &'static ShimApi, user: Box<H::User>) -> Arc<Self> {
        let callbacks = NonNull::from(Box::leak(Box::new(CallbackState::new(user))));
        let shared = Arc::new(Self {
            core: Core::new(api),
            raw: AtomicPtr::new(std::ptr::null_mut()),
            detached: AtomicBool::new(false),
            blocking_calls: Mutex::new(0),
            blocking_call_returned: Condvar::new(),
            callbacks,
        });
        shared.callbacks().set_shared(Arc::as_ptr(&shared));
        shared
    }

    fn callbacks(&self) -> &CallbackState<H> {
        // SAFETY: allocated in `new`, freed only by Drop, which `&self` excludes.
        unsafe { self.callbacks.as_ref() }
    }

    /// The pointer the shim passes to every callback; valid while `self` lives.
    pub(crate) fn user_data(&self) -> *mut c_void {
        self.callbacks.as_ptr() as *mut c_void
    }

    /// Sets the C++ driver once, right after the shim created it.
    pub(crate) fn attach(&self, raw: *mut H::Raw) {
        self.raw.store(raw, Ordering::Release);
    }

    /// The live C++ driver, or `NotRunning` once the owner is gone.
    fn live(&self) -> Result<*mut H::Raw> {
        let raw = self.raw.load(Ordering::Acquire);
        if raw.is_null() || self.detached.load(Ordering::Acquire) {
            return Err(self.not_running());
        }
        Ok(raw)
    }

    /// Runs one short shim call on the live driver, or says it's gone.
    /// Lock-free: the pointer stays valid while `&self` does (Drop deletes it).
    pub(crate) fn call(&self, shim_call: impl FnOnce(*mut H::Raw) -> i32) -> Result<i32> {
        Ok(shim_call(self.live()?))
    }

    /// Runs `start`: like [`call`](Self::call), but exclusive with the
    /// owner's detach, so a driver is never started after the drop's abort.
    pub(crate) fn call_start(&self, shim_call: impl FnOnce(*mut H::Raw) -> i32) -> Result<i32> {
        let _exclusive = lock(&self.blocking_calls);
        Ok(shim_call(self.live()?))
    }

    /// Runs a shim call that blocks until the driver stops (`join`, `run`),
    /// counted so the owner's drop can wait for it, and unlocked while it
    /// blocks: libmesos releases `join` only once the driver's own thread
    /// has processed the abort, and that thread may be in a callback
    /// making driver calls.
    pub(crate) fn call_blocking(&self, shim_call: impl FnOnce(*mut H::Raw) -> i32) -> Result<i32> {
        let raw = {
            let mut blocking = lock(&self.blocking_calls);
            let raw = self.live()?;
            *blocking += 1;
            raw
        };
        let _counted = BlockingCall(self);
        Ok(shim_call(raw))
    }

    /// The owner's release: detaches every handle, aborts the driver
    /// (recording the status handles report), and waits until no
    /// `join`/`run` is inside libmesos; then drops the user's object once
    /// no callback runs it.
    ///
    /// The abort is repeated while a counted call waits: a `run` counted
    /// before the detach may start the driver after the first abort (an
    /// abort does nothing to a driver that was not started yet).
    fn release(&self) {
        {
            let mut blocking = lock(&self.blocking_calls);
            self.detached.store(true, Ordering::Release);
            let raw = self.raw.load(Ordering::Acquire);
            if !raw.is_null() {
                let abort = H::abort_fn(self.core.api);
                loop {
                    // SAFETY: the C++ driver lives until Drop, which the
                    // owner's reference excludes.
                    let status = unsafe { abort(raw) };
                    let _ = self.core.status_of(status);
                    if *blocking == 0 {
                        break;
                    }
                    blocking = self
                        .blocking_call_returned
                        .wait_timeout(blocking, Duration::from_millis(50))
                        .unwrap_or_else(|p| p.into_inner())
                        .0;
                }
            }
        }
        drop(self.callbacks().take_user());
    }

    fn not_running(&self) -> Error {
        Error::NotRunning {
            status: self.core.status(),
        }
    }
}

impl<H: DriverHandle> Drop for Shared<H> {
    fn drop(&mut self) {
        let raw = *self.raw.get_mut();
        if !raw.is_null() && H::may_delete_native(&self.core) {
            // SAFETY: `raw` came from the shim's `new` and is deleted once,
            // here, when no handle is left to call it. Deleting waits for a
            // running callback; callbacks find no user object any more (the
            // owner took it before letting go) and return without touching
            // `self`.
            unsafe { H::free_fn(self.core.api)(raw) };
        }
        // SAFETY: from Box::leak in `new`, freed only here; the C++ driver
        // that called back with it is gone (or leaked, never to call back).
        drop(unsafe { Box::from_raw(self.callbacks.as_ptr()) });
    }
}

/// The owning half of a driver (inside `MesosSchedulerDriver` and
/// `MesosExecutorDriver`): its drop ends the driver for every handle (see
/// [`Shared::release`]). From inside one of the driver's own callbacks,
/// where waiting for callbacks would wait for itself, that happens on a
/// helper thread.
pub(crate) struct Owner<H: DriverHandle> {
    /// Moved out by Drop to whichever thread releases the driver.
    handle: ManuallyDrop<H>,
}

impl<H: DriverHandle> Owner<H> {
    /// A driver owner holding `user`, with no C++ driver attached yet.
    pub(crate) fn new(api: &'static ShimApi, user: Box<H::User>) -> Self {
        Self {
            handle: ManuallyDrop::new(H::from_shared(Shared::new(api, user))),
        }
    }

    pub(crate) fn handle(&self) -> &H {
        &self.handle
    }

    pub(crate) fn shared(&self) -> &Shared<H> {
        self.handle.shared()
    }
}

impl<H: DriverHandle> Drop for Owner<H> {
    fn drop(&mut self) {
        // SAFETY: taken once, here; the field is not touched again.
        let handle = unsafe { ManuallyDrop::take(&mut self.handle) };
        let id = handle.shared().user_data() as usize;
        // The handle moves into `release`, so the last reference (and with
        // it the C++ driver's deletion) goes where the release runs.
        let release = move || {
            handle.shared().release();
            drop(handle);
        };
        driver_core::release_driver(id, H::OWNER, release);
    }
}
