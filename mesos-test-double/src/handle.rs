//! What the binding holds for a double driver of any kind: a pointer to a
//! boxed [`Handle`] of the kind's double, turned back into the double by
//! each entry point. Generic, so that one definition serves every kind;
//! each use names the C pointer type, so `free::<P, D>` has exactly the
//! signature of its `ShimApi` field.

use std::sync::Arc;

use mesos_native_sys::MESOS_SHIM_NULL_ARGUMENT;

use crate::buffers::{fail, ShimError};
use crate::driver::KindDouble;
use crate::record::Recorded;

/// What the binding's pointer points to.
struct Handle<D>(Arc<D>);

/// The pointer `new` hands the binding for `double`.
pub(crate) fn into_pointer<P, D>(double: Arc<D>) -> *mut P {
    Box::into_raw(Box::new(Handle(double))) as *mut P
}

/// The double behind `driver`, or the shim's error for a NULL one.
///
/// # Safety
/// `driver` is NULL or a pointer `into_pointer::<P, D>` returned and `free`
/// has not freed.
unsafe fn double<'a, P, D: KindDouble>(driver: *mut P) -> Result<&'a D, ShimError> {
    if driver.is_null() {
        return Err(fail(
            MESOS_SHIM_NULL_ARGUMENT,
            &format!("{} driver handle is NULL", D::WHAT),
        ));
    }
    // SAFETY: non-NULL, so from `into_pointer` and live by the caller's
    // promise.
    Ok(unsafe { &(*(driver as *const Handle<D>)).0 })
}

/// Every kind's `*_free`.
///
/// # Safety
/// As for [`double`]; `driver` is not used again.
pub(crate) unsafe extern "C" fn free<P, D: KindDouble>(driver: *mut P) {
    if driver.is_null() {
        return;
    }
    // SAFETY: `driver` came from `into_pointer` (Box::into_raw) and is
    // freed once, by the caller's promise.
    let handle = unsafe { Box::from_raw(driver as *mut Handle<D>) };
    KindDouble::free(&*handle.0);
}

/// Which of the double's answers an entry point wants.
pub(crate) enum Entry {
    /// `start`, `stop`, `abort`, `join`: the status machine.
    Lifecycle,
    /// Any other call: recorded, and accepted while running.
    Call,
}

/// One entry point of a driver call named `name`: finds the double behind
/// `driver`, records the arguments with `record` (in the list's order; a
/// bad one fails the call as the real shim does), lets the double answer,
/// then answers the call's completions if it was accepted.
///
/// # Safety
/// As for [`double`]; `record` reads only arguments valid for the call.
pub(crate) unsafe fn enter<P, D: KindDouble>(
    driver: *mut P,
    entry: Entry,
    name: &'static str,
    record: impl FnOnce(&mut Recorded) -> Result<(), ShimError>,
) -> i32 {
    // SAFETY: forwarded from the caller.
    let double = match unsafe { double::<P, D>(driver) } {
        Ok(double) => double,
        Err(code) => return code,
    };
    let mut args = Recorded::default();
    if let Err(code) = record(&mut args) {
        return code;
    }
    let completions = std::mem::take(&mut args.1);
    let code = match entry {
        Entry::Lifecycle => double.lifecycle(name, args.0),
        Entry::Call => double.call(name, args.0),
    };
    completions.answer(code, double.driver());
    code
}
