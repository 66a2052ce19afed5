//! The calls every kind of driver has, written once over [`Kind`]: `start`,
//! `stop`, `abort`, `join`, `run`, the shape of every other driver call,
//! and the two ways a callback enters the user's code.

use std::os::raw::c_void;
use std::sync::atomic::Ordering;

use super::catching::catching;
use super::failure::Failure;
use super::object::{Handle, Kind, Shared};
use super::on_thread;
use super::state::Event;
use super::status::DriverStatus;
use crate::error::{Error, Result};

impl<K: Kind> Handle<K> {
    /// The status as of the last call (or failure).
    pub(crate) fn status(&self) -> DriverStatus {
        self.shared.lifecycle.state().status()
    }

    /// Starts the driver; `Ok(Running)` or why not.
    pub(crate) fn start(&self) -> Result<DriverStatus> {
        match self.begin()? {
            DriverStatus::Running => Ok(DriverStatus::Running),
            DriverStatus::Aborted => Err(self.shared.failure.abort_error()),
            status => Err(Error::NotRunning { status }),
        }
    }

    /// `start` then `join`, as libmesos's own `run` is. Composed here
    /// rather than calling the shim's `run`, so that the start is one the
    /// owner's drop can wait for, and a driver can never be started after
    /// the drop's abort.
    pub(crate) fn run(&self) -> Result<DriverStatus> {
        match self.begin()? {
            DriverStatus::Running => self.join(),
            status => self.finished(status),
        }
    }

    /// Stops the driver with `native_stop` (the kind's `stop`, with its
    /// arguments); returns the status libmesos reports.
    pub(crate) fn stop(
        &self,
        native_stop: impl FnOnce(*mut K::Raw) -> i32,
    ) -> Result<DriverStatus> {
        let state = self.shared.lifecycle.state();
        if state.has_no_process() {
            return Ok(state.status());
        }
        let code = native_stop(self.shared.live()?);
        self.reported(code)
    }

    /// Aborts the driver; returns the status libmesos reports.
    pub(crate) fn abort(&self) -> Result<DriverStatus> {
        let code = self.abort_native()?;
        self.reported(code)
    }

    /// Blocks until the driver stops (`Ok(Stopped)`) or is aborted (why).
    pub(crate) fn join(&self) -> Result<DriverStatus> {
        let shared = &*self.shared;
        let state = shared.lifecycle.state();
        if state.has_no_process() {
            return self.finished(state.status());
        }
        let raw = shared.live()?;
        let join = K::natives(shared.api).join;
        // SAFETY: `raw` is the live C++ object, kept alive by this handle.
        let code = shared
            .lifecycle
            .join(|| unsafe { join(raw) })
            .ok_or_else(|| shared.not_running())?;
        let status = self.reported(code)?;
        self.finished(status)
    }

    /// One driver call that needs a running driver: `shim_call` gets the
    /// live C++ object. Two atomic loads, the call, one comparison.
    #[inline]
    pub(crate) fn call(&self, shim_call: impl FnOnce(*mut K::Raw) -> i32) -> Result<()> {
        let code = shim_call(self.shared.live()?);
        if code == RUNNING {
            return Ok(());
        }
        self.not_accepted(code)
    }

    /// The settings the driver was created with.
    pub(crate) fn settings(&self) -> &K::Settings {
        &self.shared.settings
    }

    pub(crate) fn api(&self) -> &'static mesos_native_sys::ShimApi {
        self.shared.api
    }

    /// libmesos's `start`, unless the driver is past it: the status it
    /// returns (or would: a driver past `NotStarted` stays where it is).
    fn begin(&self) -> Result<DriverStatus> {
        let shared = &*self.shared;
        let raw = shared.live()?;
        let start = K::natives(shared.api).start;
        let mut returned = None;
        let state = shared.lifecycle.start(|| {
            // SAFETY: `raw` is the live C++ object, kept alive by this handle.
            let code = on_thread::starting(shared.id(), || unsafe { start(raw) });
            returned = Some(code);
            DriverStatus::from_raw(code)
        });
        match returned {
            Some(code) if DriverStatus::from_raw(code).is_none() => Err(shim_error(shared, code)),
            _ if state.is_detached() => Err(shared.not_running()),
            _ => {
                if state.status() == DriverStatus::Running {
                    self.started();
                }
                Ok(state.status())
            }
        }
    }

    fn abort_native(&self) -> Result<i32> {
        let abort = K::natives(self.shared.api).abort;
        // SAFETY: `live` lends the C++ object, kept alive by this handle.
        Ok(unsafe { abort(self.shared.live()?) })
    }

    /// Records the status a call returned; the status, or the shim's error.
    fn reported(&self, code: i32) -> Result<DriverStatus> {
        let status = DriverStatus::from_raw(code).ok_or_else(|| shim_error(&self.shared, code))?;
        let _ = self.shared.lifecycle.apply(Event::Reported(status));
        Ok(status)
    }

    /// For `join` and `run`: a stopped driver is success, an aborted one an
    /// error carrying the reason.
    fn finished(&self, status: DriverStatus) -> Result<DriverStatus> {
        match status {
            DriverStatus::Stopped => Ok(DriverStatus::Stopped),
            DriverStatus::Aborted => Err(self.shared.failure.abort_error()),
            status => Err(Error::NotRunning { status }),
        }
    }

    /// A call that needs a running driver got `code` instead.
    #[cold]
    fn not_accepted(&self, code: i32) -> Result<()> {
        match self.reported(code)? {
            DriverStatus::Aborted => Err(self.shared.failure.abort_error()),
            status => Err(Error::NotRunning { status }),
        }
    }
}

const RUNNING: i32 = mesos_native_sys::MESOS_SHIM_DRIVER_RUNNING as i32;

fn shim_error<K: Kind>(shared: &Shared<K>, code: i32) -> Error {
    crate::boundary::shim_error(shared.api, code)
}

/// Runs one callback: `body` decodes its arguments and calls the user's
/// object with the lent handle. A panic or a decode error stops here, is
/// recorded, and aborts the driver; once a driver has failed, no further
/// callback reaches the user.
///
/// # Safety
/// As for [`Shared::lend`]: `user_data` is this driver's, and its C++
/// object lives.
pub(crate) unsafe fn deliver<K: Kind>(
    user_data: *mut c_void,
    callback: &'static str,
    body: impl FnOnce(&mut K::User, &K) -> Result<()>,
) {
    // SAFETY: forwarded from the caller.
    unsafe {
        Shared::<K>::lend(user_data, |shared, user, handle| {
            if shared.failure.get().is_some() {
                return;
            }
            // Relaxed: a count the first-callback watchdogs poll, ordered
            // with nothing else (their delivery reads it under the user's
            // lock, as this is written).
            shared.delivered.fetch_add(1, Ordering::Relaxed);
            if let Some(failure) = catching(shared.id(), callback, || body(user, handle)) {
                shared.failure.record(failure);
                let _ = shared.lifecycle.apply(Event::Failed);
                let _ = handle.handle().abort_native();
            }
        })
    }
}

/// libmesos's `error` callback: libmesos aborts the driver right after it,
/// so `message` is recorded first as the reason `join`/`run` report; then
/// `deliver` hands it to the user even though the driver now counts as
/// failed. From inside the driver's own creation or `start` it means the
/// driver failed to start.
///
/// # Safety
/// As for [`deliver`].
pub(crate) unsafe fn deliver_error<K: Kind>(
    user_data: *mut c_void,
    callback: &'static str,
    message: &[u8],
    deliver: impl FnOnce(&mut K::User, &K, String),
) {
    let text = K::error_message(String::from_utf8_lossy(message).into_owned());
    // SAFETY: forwarded from the caller.
    unsafe {
        Shared::<K>::lend(user_data, |shared, user, handle| {
            shared.delivered.fetch_add(1, Ordering::Relaxed);
            shared.failure.record(Failure::MesosError(text.clone()));
            let event = if on_thread::is_starting(shared.id()) {
                Event::ErrorDuringStart
            } else {
                Event::Failed
            };
            let _ = shared.lifecycle.apply(event);
            if let Some(failure) = catching(shared.id(), callback, || {
                deliver(user, handle, text);
                Ok(())
            }) {
                shared.failure.record(failure);
            }
        })
    }
}
