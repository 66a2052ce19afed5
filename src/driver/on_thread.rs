//! What the current thread is doing for which driver, for the two questions
//! only a thread can answer: "is this `error` callback coming from inside
//! my own `start`?" and "am I being dropped from inside my own callback?".
//! Both marks name a driver by the same [`DriverId`].

use std::cell::Cell;

/// One driver's identity on a thread: the address of its shared half,
/// which is also the user-data pointer libmesos calls back with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DriverId(usize);

impl DriverId {
    pub(crate) fn of<T>(shared: *const T) -> Self {
        Self(shared as usize)
    }
}

/// No driver: thread-locals can't hold an `Option` in a `const` `Cell`
/// cheaply, and no object lives at address 0.
const NONE: DriverId = DriverId(0);

thread_local! {
    /// The driver whose creation or `start` is inside libmesos on this thread.
    static STARTING: Cell<DriverId> = const { Cell::new(NONE) };
    /// The driver whose callback is running on this thread.
    static IN_CALLBACK: Cell<DriverId> = const { Cell::new(NONE) };
}

/// Runs `body` with `$mark` set to `driver`, putting the previous mark
/// back afterwards, also when `body` unwinds. A macro rather than a
/// function taking the `LocalKey`: named statically, the thread-local is
/// reached without an indirect call (this runs for every callback).
macro_rules! marked {
    ($mark:ident, $driver:expr, $body:expr) => {{
        struct Restore(DriverId);
        impl Drop for Restore {
            fn drop(&mut self) {
                let previous = self.0;
                $mark.with(|mark| mark.set(previous));
            }
        }
        let _restore = Restore($mark.with(|mark| mark.replace($driver)));
        $body()
    }};
}

/// Runs `body` marked as `driver`'s creation or start.
pub(crate) fn starting<R>(driver: DriverId, body: impl FnOnce() -> R) -> R {
    marked!(STARTING, driver, body)
}

/// Runs `body` marked as one of `driver`'s callbacks.
#[inline]
pub(crate) fn in_callback<R>(driver: DriverId, body: impl FnOnce() -> R) -> R {
    marked!(IN_CALLBACK, driver, body)
}

/// Whether `driver`'s creation or start is running on this thread.
pub(crate) fn is_starting(driver: DriverId) -> bool {
    STARTING.with(|mark| mark.get() == driver)
}

/// Whether one of `driver`'s callbacks is running on this thread.
pub(crate) fn is_in_callback(driver: DriverId) -> bool {
    IN_CALLBACK.with(|mark| mark.get() == driver)
}
