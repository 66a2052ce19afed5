//! An answer the shim delivers later: a Rust closure behind the
//! `(callback, context)` pair of a `completion(T)` argument (the v1
//! scheduler's `call`). The shim calls the callback exactly once when the
//! call returns `MESOS_SHIM_DRIVER_RUNNING`, and never otherwise; the
//! closure is then called with the decoded answer or the error, and freed.

use std::os::raw::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};

use mesos_sys::mesos_shim_buf;
use prost::Message;

use crate::error::{Error, Result, ShimErrorKind};

type Done<T> = Box<dyn FnOnce(Result<T>) + Send>;

/// A closure waiting for an answer of type `T`, until the shim takes it
/// or the call fails.
pub(crate) struct Pending<T> {
    /// From `Box::into_raw`; owned here until [`settle`](Self::settle).
    raw: *mut Done<T>,
}

impl<T: Message + Default + 'static> Pending<T> {
    pub(crate) fn new(done: impl FnOnce(Result<T>) + Send + 'static) -> Self {
        let done: Done<T> = Box::new(done);
        Self {
            raw: Box::into_raw(Box::new(done)),
        }
    }

    /// The C callback for this kind of answer.
    pub(crate) fn callback(&self) -> mesos_sys::mesos_shim_v1_result_callback {
        Some(deliver::<T>)
    }

    /// The context the shim passes back to the callback.
    pub(crate) fn context(&self) -> *mut c_void {
        self.raw as *mut c_void
    }

    /// After the call: when the shim took the closure (`taken`), it now
    /// owns it and calls it once; otherwise the closure is dropped
    /// uncalled (the call's own error says why).
    pub(crate) fn settle(self, taken: bool) {
        if !taken {
            // SAFETY: `raw` came from `Box::into_raw` in `new`, and the
            // shim, which did not take it, will never use it: it is freed
            // once, here.
            drop(unsafe { Box::from_raw(self.raw) });
        }
    }
}

/// The shim's answer to one call.
///
/// # Safety
/// `context` is a [`Pending::context`] of this `T` that the shim took, and
/// is delivered once; `result` is valid for the call.
unsafe extern "C" fn deliver<T: Message + Default>(
    context: *mut c_void,
    code: i32,
    result: mesos_shim_buf,
) {
    // SAFETY: the shim passes back a context it took, once, so the box is
    // rebuilt once; `settle` left it alone (the call returned RUNNING).
    let done = unsafe { Box::from_raw(context as *mut Done<T>) };
    // SAFETY: the shim's buffer is valid for this call.
    let bytes = unsafe { crate::ffi::bytes(&result) };
    let answer = if code == RUNNING {
        T::decode(bytes).map_err(|source| Error::Decode {
            what: "the answer to a call".into(),
            source,
        })
    } else {
        Err(Error::Shim {
            kind: ShimErrorKind::from_code(code),
            message: String::from_utf8_lossy(bytes).into_owned(),
        })
    };
    // On a libmesos thread: a panic must not unwind into C++.
    if catch_unwind(AssertUnwindSafe(move || done(answer))).is_err() {
        log::error!("a call's completion closure panicked; the panic was caught here");
    }
}

const RUNNING: i32 = mesos_sys::MESOS_SHIM_DRIVER_RUNNING as i32;
