//! The boundary a user callback never crosses: its panic (or its error, for
//! the decoding done before the user's code) stops here and becomes a
//! [`Failure`], with the thread marked as inside the driver's callback
//! meanwhile.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::failure::Failure;
use super::on_thread::{self, DriverId};
use crate::error::Result;

/// Runs `body` as a callback of `driver` named `callback`; what it failed
/// with, if anything.
#[inline]
pub(crate) fn catching(
    driver: DriverId,
    callback: &'static str,
    body: impl FnOnce() -> Result<()>,
) -> Option<Failure> {
    // AssertUnwindSafe: after a panic the driver is aborted and the user's
    // object receives no further callback, so no broken invariant of it is
    // observed by the binding.
    let outcome = on_thread::in_callback(driver, || catch_unwind(AssertUnwindSafe(body)));
    match outcome {
        Ok(Ok(())) => None,
        Ok(Err(error)) => Some(Failure::from_callback_error(error)),
        Err(payload) => Some(Failure::Panicked {
            callback,
            message: panic_message(payload.as_ref()),
        }),
    }
}

/// The text of a panic payload (`panic!("...")` gives `&str` or `String`).
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic with a non-string payload".to_string()
    }
}
