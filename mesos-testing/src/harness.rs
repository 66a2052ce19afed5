//! What the scheduler and executor harnesses share: reading the double's
//! call record as typed calls, and raising a callback's panic in the test.

use std::cell::Cell;
use std::sync::Arc;

use mesos::{DriverStatus, Error};
use mesos_test_double::{Call, DriverDouble};

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
    join: impl FnOnce() -> mesos::Result<DriverStatus>,
) {
    if status != DriverStatus::Aborted {
        return;
    }
    // Otherwise it was aborted on purpose: by `error`, or by the code
    // under test.
    if let Err(error @ (Error::CallbackPanicked { .. } | Error::Decode { .. })) = join() {
        panic!("mesos-testing: {error}")
    }
}
