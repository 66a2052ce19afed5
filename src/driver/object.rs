//! Who owns one native object and when it is deleted: the [`Shared`] half
//! (state, the C++ pointer, the user's object the callbacks call), the
//! counted [`Handle`]s to it, and the [`Owner`] whose drop ends the driver.
//!
//! The C++ object is deleted by the last handle, never while a call can be
//! using it, so calls take no lock. Deleting it waits for a running
//! callback; only then does the [`Arc`] let go of the shared half, so a
//! callback never finds its user data freed. The shared half is never
//! borrowed mutably while the C++ object lives.

use std::mem::ManuallyDrop;
use std::os::raw::c_void;
use std::sync::atomic::{fence, AtomicPtr, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use mesos_native_sys::ShimApi;

use super::failure::FirstFailure;
use super::lifecycle::Lifecycle;
use super::on_thread::{self, DriverId};
use super::state::State;
use crate::error::{Error, Result};

/// One kind of native object (scheduler driver, executor driver...): its
/// types and the shim functions the generic lifecycle calls. The
/// implementing type is the public handle (`SchedulerDriver`).
pub(crate) trait Kind: Sized + Send + Sync + 'static {
    /// The shim's opaque C++ object.
    type Raw;
    /// The user's object the callbacks call (`dyn Scheduler`).
    type User: ?Sized + Send + 'static;
    /// Fixed at creation, read by the calls (explicit acknowledgements...).
    type Settings: Send + Sync + 'static;
    /// The owning type's name, for logs.
    const OWNER: &'static str;

    fn from_handle(handle: Handle<Self>) -> Self;
    fn handle(&self) -> &Handle<Self>;
    /// The shim's functions the lifecycle calls for this kind (generated,
    /// in the kind's `driver_calls.rs`).
    fn natives(api: &ShimApi) -> Natives<Self::Raw>;
    /// Whether libmesos can delete the C++ object in `state`; `false`
    /// leaks it. Most kinds can be deleted in any state.
    fn may_delete_native(state: State) -> bool {
        let _ = state;
        true
    }
    /// The message of libmesos's `error` callback as the user gets it (and
    /// `join`/`run` report it): by default as libmesos gave it.
    fn error_message(message: String) -> String {
        message
    }
}

/// The shim functions every kind has, with the same shape.
pub(crate) struct Natives<Raw> {
    pub(crate) start: unsafe extern "C" fn(*mut Raw) -> i32,
    pub(crate) abort: unsafe extern "C" fn(*mut Raw) -> i32,
    pub(crate) join: unsafe extern "C" fn(*mut Raw) -> i32,
    pub(crate) free: unsafe extern "C" fn(*mut Raw),
}

/// What every handle of one driver shares; always inside an [`Arc`], whose
/// address is the user data the shim calls back with.
///
/// Laid out in declaration order and aligned to a cache line: the three
/// fields every driver call reads (`api`, `raw`, `lifecycle`'s state) come
/// first and so share one line, instead of lying wherever the compiler put
/// them among the settings. A C++ framework's call reads only its driver
/// object; each line the binding reads besides is extra cost.
#[repr(C, align(64))]
pub(crate) struct Shared<K: Kind> {
    pub(crate) api: &'static ShimApi,
    /// The C++ object; NULL until created (or for a driverless hook).
    raw: AtomicPtr<K::Raw>,
    pub(crate) lifecycle: Lifecycle,
    pub(crate) failure: FirstFailure,
    pub(crate) settings: K::Settings,
    /// The user's object; `None` once the owner took it back, after which
    /// callbacks return at once. Held for each callback, so taking it
    /// waits for a running one.
    user: Mutex<Option<Box<K::User>>>,
    /// Live [`Handle`]s, the owner's included; the last deletes `raw`.
    handles: AtomicUsize,
    /// Callbacks delivered so far (a scheduler's first is its
    /// registration): what the registration watchdog looks for.
    pub(crate) delivered: AtomicUsize,
    /// What the first successful `start` sets going (the first-callback
    /// watchdog): armed at creation, so that a driver that is built and
    /// never started costs no thread.
    on_start: Mutex<Option<OnStart<K>>>,
}

/// Work that begins when the driver first runs, given a reference that
/// does not keep the driver alive.
pub(crate) type OnStart<K> = Box<dyn FnOnce(WeakHandle<K>) + Send>;

impl<K: Kind> Shared<K> {
    /// The identity of this driver on a thread, and the shim's user data.
    pub(crate) fn id(&self) -> DriverId {
        DriverId::of(self)
    }

    /// The live C++ object, or `NotRunning` before creation and once the
    /// owner is gone. Two atomic loads: the driver-call hot path.
    #[inline]
    pub(crate) fn live(&self) -> Result<*mut K::Raw> {
        let raw = self.raw.load(Ordering::Acquire);
        if raw.is_null() || self.lifecycle.is_detached() {
            return Err(self.not_running());
        }
        Ok(raw)
    }

    /// `NotRunning`, with the status handles report now.
    #[cold]
    pub(crate) fn not_running(&self) -> Error {
        Error::NotRunning {
            status: self.lifecycle.state().status(),
        }
    }

    /// Runs `deliver` with the user's object and a handle lent for the
    /// call, unless the owner took the object back.
    ///
    /// # Safety
    /// `user_data` is the pointer [`Owner::user_data`] gave the shim for a
    /// `Shared<K>` whose C++ object still lives (the shim calls back only
    /// then).
    #[inline]
    pub(crate) unsafe fn lend(
        user_data: *mut c_void,
        deliver: impl FnOnce(&Self, &mut K::User, &K),
    ) {
        let pointer = user_data as *const Self;
        // SAFETY: the caller promises a live `Shared<K>`: the C++ object
        // that calls back lives, and the last handle deletes it (waiting
        // for this callback) before the `Arc` frees the shared half.
        let shared = unsafe { &*pointer };
        let mut user = lock(&shared.user);
        let Some(user) = user.as_deref_mut() else {
            return; // the owner is gone; nobody to call
        };
        // SAFETY: `pointer` is `Arc::as_ptr` of this shared half (see
        // `Owner::user_data`), with its provenance. While `user` is `Some`
        // the owner's handle holds a count, so the `Arc` is live. The lent
        // handle takes no count and gives none back (ManuallyDrop); a
        // clone of it counts for itself, starting from the owner's one.
        let arc = unsafe { Arc::from_raw(pointer) };
        let lent = ManuallyDrop::new(K::from_handle(Handle { shared: arc }));
        deliver(shared, user, &lent);
    }

    /// The owner's release: detaches every handle (aborting a running
    /// driver once), waits for `join`s, then takes the user's object back
    /// once no callback runs it, and drops it.
    fn release(&self) {
        let raw = self.raw.load(Ordering::Acquire);
        let abort = K::natives(self.api).abort;
        self.lifecycle.detach(|| {
            // SAFETY: a running driver has its C++ object, which lives as
            // long as the owner's handle, held by our caller.
            let _ = unsafe { abort(raw) };
        });
        drop(lock(&self.user).take());
    }

    /// Deletes the C++ object; called by the last handle only.
    fn delete_native(&self) {
        let raw = self.raw.load(Ordering::Acquire);
        if raw.is_null() {
            return;
        }
        if !K::may_delete_native(self.lifecycle.state()) {
            log::debug!("{}: leaking a C++ driver libmesos can't delete", K::OWNER);
            return;
        }
        // SAFETY: `raw` came from the shim's constructor and is deleted
        // once: no handle is left to call it. Deleting waits for a running
        // callback, which finds no user object (the owner took it) and
        // only reads `self`, still alive inside the `Arc`.
        unsafe { (K::natives(self.api).free)(raw) };
    }
}

/// A counted reference to a driver's shared half: what `SchedulerDriver`
/// and `ExecutorDriver` wrap. Cloning counts; the last drop deletes the C++
/// object. Callbacks get one lent without counting (see [`Shared::lend`]).
pub(crate) struct Handle<K: Kind> {
    pub(crate) shared: Arc<Shared<K>>,
}

impl<K: Kind> Handle<K> {
    /// The pointer the shim passes to every callback (see
    /// [`Owner::user_data`]), for a delivery the binding makes itself.
    pub(crate) fn user_data(&self) -> *mut c_void {
        Arc::as_ptr(&self.shared) as *mut c_void
    }

    /// A reference that keeps neither the shared half nor the C++ object
    /// (a watchdog's, which must not delay the driver's deletion).
    pub(crate) fn downgrade(&self) -> WeakHandle<K> {
        WeakHandle(Arc::downgrade(&self.shared))
    }

    /// Sets `work` going when the driver first starts (now, if it runs
    /// already); at most one is armed, the last wins.
    pub(crate) fn when_started(&self, work: OnStart<K>) {
        *lock(&self.shared.on_start) = Some(work);
        if self.status() == super::DriverStatus::Running {
            self.started();
        }
    }

    /// Called once `start` left the driver running: sets the armed work
    /// going, once.
    pub(crate) fn started(&self) {
        let work = lock(&self.shared.on_start).take();
        if let Some(work) = work {
            work(self.downgrade());
        }
    }
}

/// A [`Handle`] that counts for nothing: it reads the driver while the
/// shared half lives, and becomes a handle only while another one still
/// keeps the C++ object.
pub(crate) struct WeakHandle<K: Kind>(Weak<Shared<K>>);

impl<K: Kind> WeakHandle<K> {
    /// The shared half, to read (status, callbacks delivered), or `None`
    /// once it is freed.
    pub(crate) fn shared(&self) -> Option<Arc<Shared<K>>> {
        self.0.upgrade()
    }

    /// A counted handle, unless the last one is gone (the C++ object is
    /// deleted, or being deleted).
    pub(crate) fn upgrade(&self) -> Option<Handle<K>> {
        let shared = self.0.upgrade()?;
        let mut count = shared.handles.load(Ordering::Relaxed);
        loop {
            if count == 0 {
                return None;
            }
            match shared.handles.compare_exchange_weak(
                count,
                count + 1,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return Some(Handle { shared }),
                Err(actual) => count = actual,
            }
        }
    }
}

impl<K: Kind> Shared<K> {
    /// How many callbacks reached the user so far.
    pub(crate) fn delivered(&self) -> usize {
        self.delivered.load(Ordering::Relaxed)
    }
}

impl<K: Kind> Clone for Handle<K> {
    fn clone(&self) -> Self {
        // Relaxed, as for `Arc`: a new handle is made from a live one.
        self.shared.handles.fetch_add(1, Ordering::Relaxed);
        Self {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<K: Kind> Drop for Handle<K> {
    fn drop(&mut self) {
        // Release/Acquire, as for `Arc`: the deleting thread sees every
        // other handle's last use of the C++ object.
        if self.shared.handles.fetch_sub(1, Ordering::Release) == 1 {
            fence(Ordering::Acquire);
            self.shared.delete_native();
        }
    }
}

/// The owning half (inside `MesosSchedulerDriver`...): its drop ends the
/// driver for every handle. From inside one of the driver's own callbacks,
/// where waiting for callbacks would wait for itself, that happens on a
/// helper thread.
pub(crate) struct Owner<K: Kind> {
    /// Moved out by `Drop` to whichever thread releases the driver.
    handle: ManuallyDrop<K>,
}

impl<K: Kind> Owner<K> {
    /// An owner of `user`, with no C++ object yet.
    pub(crate) fn new(api: &'static ShimApi, user: Box<K::User>, settings: K::Settings) -> Self {
        let shared = Arc::new(Shared {
            api,
            lifecycle: Lifecycle::default(),
            failure: FirstFailure::default(),
            settings,
            raw: AtomicPtr::new(std::ptr::null_mut()),
            user: Mutex::new(Some(user)),
            handles: AtomicUsize::new(1),
            delivered: AtomicUsize::new(0),
            on_start: Mutex::new(None),
        });
        Self {
            handle: ManuallyDrop::new(K::from_handle(Handle { shared })),
        }
    }

    /// Creates the C++ object with `native_new`, which gets the user data
    /// for the callbacks and returns NULL on failure. An `error` callback
    /// libmesos makes inside it means a failed start.
    pub(crate) fn create(
        api: &'static ShimApi,
        user: Box<K::User>,
        settings: K::Settings,
        native_new: impl FnOnce(*mut c_void) -> *mut K::Raw,
    ) -> Result<Self> {
        let owner = Self::new(api, user, settings);
        let shared = owner.shared();
        let raw = on_thread::starting(shared.id(), || native_new(owner.user_data()));
        if raw.is_null() {
            // Dropping `owner` frees the state: no C++ object holds it.
            return Err(crate::boundary::creation_error(api));
        }
        shared.raw.store(raw, Ordering::Release);
        Ok(owner)
    }

    pub(crate) fn handle(&self) -> &K {
        &self.handle
    }

    pub(crate) fn shared(&self) -> &Shared<K> {
        &self.handle.handle().shared
    }

    /// The pointer the shim passes to every callback: the shared half's
    /// address, from [`Arc::as_ptr`] so that [`Shared::lend`] may turn it
    /// back into an `Arc`. Valid while the C++ object lives.
    pub(crate) fn user_data(&self) -> *mut c_void {
        Arc::as_ptr(&self.handle.handle().shared) as *mut c_void
    }
}

impl<K: Kind> Drop for Owner<K> {
    fn drop(&mut self) {
        // SAFETY: taken once, here; the field is not touched again.
        let handle = unsafe { ManuallyDrop::take(&mut self.handle) };
        let id = handle.handle().shared.id();
        // The handle moves into `release`, so the owner's count (and maybe
        // the C++ object's deletion) goes where the release runs.
        let release = move || {
            handle.handle().shared.release();
            drop(handle);
        };
        if on_thread::is_in_callback(id) {
            log::warn!(
                "{} dropped inside its own callback; releasing it on a helper thread",
                K::OWNER
            );
            std::thread::spawn(release);
        } else {
            release();
        }
    }
}

/// Locks, ignoring poisoning: a panicking callback is caught inside the
/// lock, and the user's object is not used after a failure.
fn lock<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use std::mem::offset_of;

    use super::{Lifecycle, Shared};
    use crate::scheduler::SchedulerDriver;

    #[test]
    fn what_a_driver_call_reads_lies_on_one_cache_line() {
        type S = Shared<SchedulerDriver>;
        assert_eq!(std::mem::align_of::<S>(), 64);
        let state = offset_of!(S, lifecycle) + Lifecycle::STATE_OFFSET;
        for (field, offset) in [
            ("api", offset_of!(S, api)),
            ("raw", offset_of!(S, raw)),
            ("lifecycle.state", state),
        ] {
            assert!(
                offset < 64,
                "{field} is at byte {offset} of Shared, off its first cache line"
            );
        }
    }
}
