//! What the scheduler and executor drivers share: turning shim return codes
//! into results, remembering why a driver was aborted, and running user
//! callbacks so that a panic never unwinds into libmesos.
//!
//! A panic inside a callback is caught here, stored in the driver's own
//! state (callbacks run on a libmesos thread, so a thread-local would be lost
//! to the thread that calls `join`), and the driver is aborted. `join`/`run`
//! then return [`Error::CallbackPanicked`] with the panic message.

use std::any::Any;
use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::Mutex;

use mesos_sys::ShimApi;

use crate::error::{Error, Result};
use crate::ffi;
use crate::status::DriverStatus;

/// Why a driver ended up aborted, kept so every later `join`/`run` can say.
#[derive(Debug, Clone)]
pub(crate) enum Failure {
    Panicked {
        callback: &'static str,
        message: String,
    },
    Decode {
        what: String,
        source: prost::DecodeError,
    },
    MesosError(String),
}

impl Failure {
    fn to_error(&self) -> Error {
        match self {
            Failure::Panicked { callback, message } => Error::CallbackPanicked {
                callback,
                message: message.clone(),
            },
            Failure::Decode { what, source } => Error::Decode {
                what: what.clone(),
                source: source.clone(),
            },
            Failure::MesosError(message) => Error::Aborted {
                message: Some(message.clone()),
            },
        }
    }
}

/// State common to both driver kinds; lives as long as the driver.
pub(crate) struct Core {
    pub(crate) api: &'static ShimApi,
    status: AtomicI32,
    failure: Mutex<Option<Failure>>,
    /// Scheduler drivers built with `implicit_acknowledgements(false)`.
    explicit_acknowledgements: AtomicBool,
    /// Whether the shim's `start`/`run` reached a driver that was not
    /// started yet: libmesos creates the driver's process only then.
    started_natively: AtomicBool,
    /// libmesos reported an error synchronously from driver creation or
    /// `start` (a malformed master URL, bad MESOS_* flags): the driver is
    /// aborted and has no process.
    start_failed: AtomicBool,
}

impl Core {
    pub(crate) fn new(api: &'static ShimApi) -> Self {
        Self {
            api,
            status: AtomicI32::new(DriverStatus::NotStarted.to_raw()),
            failure: Mutex::new(None),
            explicit_acknowledgements: AtomicBool::new(false),
            started_natively: AtomicBool::new(false),
            start_failed: AtomicBool::new(false),
        }
    }

    /// Whether creating or starting the driver failed inside libmesos (see
    /// `start_failed`). libmesos's `stop` would then mark the process-less
    /// driver stopped, and a later `join` fails a CHECK that kills the
    /// process: drivers skip `stop` in that state.
    pub(crate) fn start_failed(&self) -> bool {
        self.start_failed.load(Ordering::Acquire)
    }

    pub(crate) fn set_explicit_acknowledgements(&self, explicit: bool) {
        self.explicit_acknowledgements
            .store(explicit, Ordering::Release);
    }

    pub(crate) fn explicit_acknowledgements(&self) -> bool {
        self.explicit_acknowledgements.load(Ordering::Acquire)
    }

    /// Called inside the shim call of `start`/`run`, which the owner's drop
    /// can't detach meanwhile (`start` holds the lifecycle lock, `run` is
    /// counted): a driver not started until now gets its process.
    pub(crate) fn note_start(&self) {
        if self.status() == DriverStatus::NotStarted {
            self.started_natively.store(true, Ordering::Release);
        }
    }

    /// Whether `start`/`run` ever reached a not-yet-started driver.
    pub(crate) fn started_natively(&self) -> bool {
        self.started_natively.load(Ordering::Acquire)
    }

    /// The status as of the last driver call or failure.
    pub(crate) fn status(&self) -> DriverStatus {
        DriverStatus::from_raw(self.status.load(Ordering::Acquire))
            .unwrap_or(DriverStatus::NotStarted)
    }

    /// Interprets a shim return code: a status, or a shim error.
    pub(crate) fn status_of(&self, raw: i32) -> Result<DriverStatus> {
        match DriverStatus::from_raw(raw) {
            Some(status) => {
                self.status.store(raw, Ordering::Release);
                Ok(status)
            }
            None if raw < 0 => Err(ffi::shim_error(self.api, raw)),
            None => Err(Error::Shim {
                code: raw,
                message: format!("unexpected status {raw} from libmesos"),
            }),
        }
    }

    /// For calls that only succeed on a running driver.
    pub(crate) fn expect_running(&self, raw: i32) -> Result<()> {
        match self.status_of(raw)? {
            DriverStatus::Running => Ok(()),
            DriverStatus::Aborted => Err(self.abort_error()),
            status => Err(Error::NotRunning { status }),
        }
    }

    /// For `join` and `run`: a stopped driver is success, an aborted one is
    /// an error carrying the reason.
    pub(crate) fn expect_finished(&self, raw: i32) -> Result<DriverStatus> {
        match self.status_of(raw)? {
            DriverStatus::Stopped => Ok(DriverStatus::Stopped),
            DriverStatus::Aborted => Err(self.abort_error()),
            status => Err(Error::NotRunning { status }),
        }
    }

    /// The error describing why the driver is aborted.
    pub(crate) fn abort_error(&self) -> Error {
        match &*lock(&self.failure) {
            Some(failure) => failure.to_error(),
            None => Error::Aborted { message: None },
        }
    }

    /// Records the first failure (later ones are consequences of it).
    pub(crate) fn record_failure(&self, failure: Failure) {
        let mut slot = lock(&self.failure);
        if slot.is_none() {
            log::error!("driver aborting: {}", failure.to_error());
            *slot = Some(failure);
        }
    }

    pub(crate) fn has_failed(&self) -> bool {
        lock(&self.failure).is_some()
    }

    pub(crate) fn mark_aborted(&self) {
        self.status
            .store(DriverStatus::Aborted.to_raw(), Ordering::Release);
    }
}

/// Locks, ignoring poisoning: the data behind our mutexes stays consistent
/// even if a callback panicked while holding the lock.
pub(crate) fn lock<T: ?Sized>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

thread_local! {
    /// The driver (its `Core`'s address) whose creation, `start` or `run`
    /// is inside libmesos on this thread, if any: an `error` callback then
    /// comes synchronously from a failed start.
    static NATIVE_START: Cell<usize> = const { Cell::new(0) };

    /// The callback state whose callback is running on this thread, if any.
    /// Lets `Drop` notice it is being run from inside its own callback,
    /// where deleting the C++ driver would wait for itself forever.
    static CURRENT_CALLBACK: Cell<usize> = const { Cell::new(0) };
}

/// Runs `body` (a shim call that creates or starts the driver of `core`)
/// marked, so that an `error` callback it makes synchronously is known to
/// mean a failed start.
pub(crate) fn during_native_start<R>(core: &Core, body: impl FnOnce() -> R) -> R {
    let previous = NATIVE_START.with(|current| current.replace(core as *const Core as usize));
    let result = body();
    NATIVE_START.with(|current| current.set(previous));
    result
}

/// Whether a callback of the driver identified by `state` is running on
/// this thread.
pub(crate) fn in_callback_of(state: usize) -> bool {
    CURRENT_CALLBACK.with(|current| current.get() == state)
}

/// Runs one user callback: marks the thread as inside it, catches a panic
/// or an error, records it and asks `abort` to abort the driver. Once a
/// driver has failed no further callback reaches the user.
pub(crate) fn run_callback(
    core: &Core,
    state: usize,
    callback: &'static str,
    abort: impl FnOnce(),
    body: impl FnOnce() -> Result<()>,
) {
    if core.has_failed() {
        return;
    }
    if let Some(failure) = invoke(state, callback, body) {
        core.record_failure(failure);
        core.mark_aborted();
        abort();
    }
}

/// Runs the user's `error` callback. libmesos aborts the driver itself
/// after it, and the error was already recorded as the reason, so this one
/// runs even though the driver has "failed".
pub(crate) fn run_error_callback(
    core: &Core,
    state: usize,
    callback: &'static str,
    body: impl FnOnce(),
) {
    if NATIVE_START.with(|current| current.get() == core as *const Core as usize) {
        core.start_failed.store(true, Ordering::Release);
    }
    core.mark_aborted();
    if let Some(failure) = invoke(state, callback, || {
        body();
        Ok(())
    }) {
        core.record_failure(failure);
    }
}

/// Calls `body` with the thread marked as inside a callback of `state`,
/// turning a panic or an error into a `Failure`.
fn invoke(
    state: usize,
    callback: &'static str,
    body: impl FnOnce() -> Result<()>,
) -> Option<Failure> {
    let previous = CURRENT_CALLBACK.with(|current| current.replace(state));
    let outcome = catch_unwind(AssertUnwindSafe(body));
    CURRENT_CALLBACK.with(|current| current.set(previous));
    match outcome {
        Ok(Ok(())) => None,
        Ok(Err(Error::Decode { what, source })) => Some(Failure::Decode { what, source }),
        Ok(Err(other)) => Some(Failure::MesosError(other.to_string())),
        Err(payload) => Some(Failure::Panicked {
            callback,
            message: panic_message(payload.as_ref()),
        }),
    }
}

/// The text of a panic payload (`panic!("...")` gives `&str` or `String`).
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic with a non-string payload".to_string()
    }
}

/// Runs `release` (the owner's drop: it waits for a running callback, and
/// may delete the C++ driver, which waits too) here, or on a helper thread
/// when called from inside one of that driver's own callbacks, where
/// waiting for callbacks would wait for itself forever.
pub(crate) fn release_driver(state: usize, kind: &str, release: impl FnOnce() + Send + 'static) {
    if in_callback_of(state) {
        log::warn!("{kind} dropped inside its own callback; releasing it on a helper thread");
        std::thread::spawn(release);
    } else {
        release();
    }
}
