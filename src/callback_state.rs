//! What the shim's user-data pointer points at, for either kind of driver,
//! and the path every C callback takes from that pointer to the user's
//! `Scheduler` or `Executor`.

use std::mem::ManuallyDrop;
use std::os::raw::c_void;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Arc, Mutex};

use mesos_sys::ShimApi;

use crate::driver_core::{self, lock, Core, Failure};
use crate::error::Result;
use crate::shared::Shared;
use crate::status::DriverStatus;

/// The driver handle a callback receives (`SchedulerDriver` or
/// `ExecutorDriver`): what running callbacks and deleting the driver need
/// to know about a driver kind. Each kind only names its shim functions;
/// the logic is here and in [`Shared`], once.
pub(crate) trait DriverHandle: Sized + Send + Sync + 'static {
    /// The opaque C++ driver type of the shim.
    type Raw;

    /// The user's object the callbacks call (`dyn Scheduler`, `dyn Executor`).
    type User: ?Sized + Send + 'static;

    /// The owning type's name, for logs.
    const OWNER: &'static str;

    fn from_shared(shared: Arc<Shared<Self>>) -> Self;

    fn shared(&self) -> &Shared<Self>;

    /// The shim's `abort` for this kind.
    fn abort_fn(api: &ShimApi) -> unsafe extern "C" fn(*mut Self::Raw) -> i32;

    /// The shim's `free` for this kind.
    fn free_fn(api: &ShimApi) -> unsafe extern "C" fn(*mut Self::Raw);

    /// Whether the C++ driver can be deleted; `false` leaks it (for a
    /// libmesos driver whose destructor would crash).
    fn may_delete_native(_core: &Core) -> bool {
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

    /// Aborts the driver and records the status libmesos returns (the
    /// public `abort`).
    fn abort_and_record(&self) -> Result<DriverStatus> {
        let raw = self.abort_native()?;
        self.core().status_of(raw)
    }

    /// Aborts the driver after a callback failed (called from a callback;
    /// the failure already marked the status aborted).
    fn abort_after_failure(&self) {
        let _ = self.abort_native();
    }
}

/// What the C++ driver calls back into: the user's object, and the way
/// back to the driver's [`Shared`] half to lend callbacks a handle. Owned
/// by that `Shared`, which frees it after deleting the C++ driver.
pub(crate) struct CallbackState<H: DriverHandle> {
    /// The `Shared` this belongs to. Dereferenced only while `user` is
    /// `Some`: until the owner takes the user's object, it holds a
    /// reference to the `Shared`, which therefore lives.
    shared: AtomicPtr<Shared<H>>,
    /// `None` once the owner was dropped: callbacks then return at once.
    user: Mutex<Option<Box<H::User>>>,
}

impl<H: DriverHandle> CallbackState<H> {
    pub(crate) fn new(user: Box<H::User>) -> Self {
        Self {
            shared: AtomicPtr::new(std::ptr::null_mut()),
            user: Mutex::new(Some(user)),
        }
    }

    /// Points back at the `Shared` that owns this, once, on creation
    /// (`shared` is the address inside its `Arc`).
    pub(crate) fn set_shared(&self, shared: *const Shared<H>) {
        self.shared
            .store(shared as *mut Shared<H>, Ordering::Release);
    }

    /// Takes the user's object away from the callbacks, once no callback
    /// runs it (the owner's release).
    pub(crate) fn take_user(&self) -> Option<Box<H::User>> {
        lock(&self.user).take()
    }

    /// The state behind a callback's user-data pointer.
    ///
    /// # Safety
    /// `user_data` is the pointer the driver gave the shim at creation: a
    /// live `CallbackState<H>` (its `Shared` deletes the C++ driver, which
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

    /// Runs `deliver` with the user's object and a handle lent for the
    /// call, unless the owner is gone. The user's lock is held throughout,
    /// so the owner's release waits for a running callback.
    fn with_user(&self, deliver: impl FnOnce(&mut H::User, &Shared<H>, &H)) {
        let mut user = lock(&self.user);
        let Some(user) = user.as_deref_mut() else {
            return; // the driver was dropped; nobody to call
        };
        let shared = self.shared.load(Ordering::Acquire);
        // SAFETY: `user` is Some, so the owner still holds a reference to
        // the `Shared` at `shared` (set on creation, before the C++ driver
        // existed): it is live, inside an `Arc`. The handle borrows that
        // reference (ManuallyDrop: never released here); a clone made from
        // it takes a reference of its own, from a count of at least one.
        let handle = ManuallyDrop::new(H::from_shared(unsafe { Arc::from_raw(shared) }));
        // SAFETY: as above.
        deliver(user, unsafe { &*shared }, &handle);
    }

    /// Runs one callback: `body` decodes its arguments and calls the user's
    /// object with the handle. A panic or a decode error stops here, is
    /// recorded and aborts the driver.
    pub(crate) fn run(
        &self,
        callback: &'static str,
        body: impl FnOnce(&mut H::User, &H) -> Result<()>,
    ) {
        self.with_user(|user, shared, handle| {
            driver_core::run_callback(
                &shared.core,
                self.id(),
                callback,
                || handle.abort_after_failure(),
                || body(user, handle),
            );
        });
    }

    /// libmesos's `error` callback: libmesos aborts the driver right after
    /// it, so the message is recorded first as the reason `join`/`run`
    /// report; then `deliver` hands it to the user even though the driver
    /// now counts as failed.
    pub(crate) fn run_error(
        &self,
        callback: &'static str,
        message: &[u8],
        deliver: impl FnOnce(&mut H::User, &H, String),
    ) {
        let text = String::from_utf8_lossy(message).into_owned();
        self.with_user(|user, shared, handle| {
            shared
                .core
                .record_failure(Failure::MesosError(text.clone()));
            driver_core::run_error_callback(&shared.core, self.id(), callback, || {
                deliver(user, handle, text)
            });
        });
    }
}
