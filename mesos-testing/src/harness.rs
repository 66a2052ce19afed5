//! What the scheduler and executor harnesses share: reading the double's
//! call record as typed calls, and raising a callback's panic in the test.

use std::cell::Cell;
use std::sync::Arc;

use mesos_native::{DriverStatus, Error};
use mesos_native_double::{Call, DriverDouble};

/// What every harness has, over its `driver` (the owner, which
/// dereferences to the handle), `double` and `recorder` fields: the
/// status, the calls read back, and firing a callback.
macro_rules! harness_basics {
    ($harness:ty, $owner:ty, $double:ty, $call:ty, $typed:path) => {
        impl $harness {
            /// The harness around `driver`, just created on this thread
            /// over the double (`found`: the double it created): callbacks
            /// delivered on the caller's thread, the driver started.
            fn attached(driver: $owner, found: Option<std::sync::Arc<$double>>) -> Self {
                let double = found
                    .expect("mesos-native-testing: the driver was created, so the double knows it");
                double.driver.deliver_on_caller();
                if let Err(error) = driver.start() {
                    panic!("mesos-native-testing: the driver did not start: {error}");
                }
                let recorder = $crate::harness::Recorder::new(&double.driver);
                Self {
                    driver,
                    double,
                    recorder,
                }
            }

            /// The status: `Running` until the code under test stops or
            /// aborts its driver.
            pub fn status(&self) -> mesos_native::DriverStatus {
                self.driver.status()
            }

            /// Whether the code under test stopped its driver.
            pub fn is_stopped(&self) -> bool {
                self.status() == mesos_native::DriverStatus::Stopped
            }

            /// Every call made on the driver so far, in order.
            pub fn calls(&self) -> Vec<$call> {
                self.recorder.all($typed)
            }

            /// The calls made since the last `take_calls`.
            pub fn take_calls(&mut self) -> Vec<$call> {
                self.recorder.take($typed)
            }

            /// Fires one callback with `event`, then raises a panic of the
            /// code under test here.
            pub(crate) fn fire(&self, event: impl FnOnce(&std::sync::Arc<$double>)) {
                event(&self.double);
                $crate::harness::raise_callback_panic(self.driver.status(), || self.driver.join());
            }
        }
    };
}

/// One driver's call record, read as typed calls.
pub(crate) struct Recorder {
    driver: Arc<DriverDouble>,
    /// How many recorded calls `take` has handed out.
    taken: Cell<usize>,
    /// For the status updates a harness makes up.
    uuids: Cell<u64>,
}

impl Recorder {
    pub(crate) fn new(driver: &Arc<DriverDouble>) -> Self {
        Self {
            driver: Arc::clone(driver),
            taken: Cell::new(0),
            uuids: Cell::new(0),
        }
    }

    /// Every typed call so far.
    pub(crate) fn all<T>(&self, typed: fn(&Call) -> Option<T>) -> Vec<T> {
        self.driver.calls().iter().filter_map(typed).collect()
    }

    /// The typed calls recorded since the last `take`.
    pub(crate) fn take<T>(&self, typed: fn(&Call) -> Option<T>) -> Vec<T> {
        let calls = self.driver.calls();
        let new = calls.get(self.taken.get()..).unwrap_or_default();
        self.taken.set(calls.len());
        new.iter().filter_map(typed).collect()
    }

    /// A 16-byte id, different for each status update a harness fires.
    pub(crate) fn next_uuid(&self) -> Vec<u8> {
        let n = self.uuids.get() + 1;
        self.uuids.set(n);
        let mut uuid = vec![0; 8];
        uuid.extend_from_slice(&n.to_be_bytes());
        uuid
    }
}

/// After a callback: if the driver was aborted because the user's
/// callback panicked (or its arguments did not decode), panics here with
/// that, so the test fails where it fired the callback. `join` is only
/// asked once the driver is aborted, when it returns at once.
pub(crate) fn raise_callback_panic(
    status: DriverStatus,
    join: impl FnOnce() -> mesos_native::Result<DriverStatus>,
) {
    if status != DriverStatus::Aborted {
        return;
    }
    // Otherwise it was aborted on purpose: by `error`, or by the code
    // under test.
    if let Err(error @ (Error::CallbackPanicked { .. } | Error::Decode { .. })) = join() {
        panic!("mesos-native-testing: {error}")
    }
}
