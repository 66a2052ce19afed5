//! The crate's real callback table and user data for a Rust scheduler,
//! without libmesos behind them: what the C++ helpers of `bench offers`
//! call, exactly as the shim's own forwarders do under libmesos.
//!
//! A driver of the crate is built over the in-process test double and never
//! started; the double keeps the table and user data the crate gave it.
//! Driver calls made from inside such callbacks return
//! [`Error::NotRunning`](mesos_native::Error::NotRunning): nothing runs.

// Without the C++ helpers (no libmesos), only the unit test uses a part.
#![cfg_attr(not(cpp_helpers), allow(dead_code))]

use std::os::raw::c_void;
use std::sync::Arc;

use mesos_native::proto::FrameworkInfo;
use mesos_native::{MesosSchedulerDriver, Scheduler, Shim};
use mesos_native_double::{SchedulerDouble, V1SchedulerDouble};
use mesos_native_sys::{mesos_shim_scheduler_callbacks, mesos_shim_v1_scheduler_callbacks};

/// The double, as a shim.
fn double() -> Shim {
    // SAFETY: the double implements `mesos_shim.h` as the header says (the
    // crate's FFI suites hold it to that).
    unsafe { Shim::from_api(&mesos_native_double::API) }
}

/// A v0 scheduler's callback table and user data; both valid while the
/// hook lives, and the caller stops calling them before dropping it.
pub struct Hook {
    // Kept for the user data: the driver owns the scheduler it points to.
    _driver: MesosSchedulerDriver,
    double: Arc<SchedulerDouble>,
}

impl Hook {
    pub fn new(scheduler: impl Scheduler + 'static) -> Result<Self, String> {
        let framework = FrameworkInfo {
            name: "mesos-bench-hook".into(),
            ..Default::default()
        };
        let driver = MesosSchedulerDriver::builder(scheduler, framework, "mesos-bench")
            .registration_timeout(None)
            .shim(double())
            .build()
            .map_err(|error| format!("cannot build the hook's driver: {error}"))?;
        let double = mesos_native_double::scheduler_created_here()
            .ok_or("the double did not see the hook's driver")?;
        Ok(Self {
            _driver: driver,
            double,
        })
    }

    pub fn callbacks(&self) -> *const mesos_shim_scheduler_callbacks {
        self.double.binding_callbacks().0
    }

    pub fn user_data(&self) -> *mut c_void {
        self.double.binding_callbacks().1
    }
}

/// [`Hook`]'s v1 twin.
pub struct V1Hook {
    _mesos: mesos_native::v1::scheduler::Mesos,
    double: Arc<V1SchedulerDouble>,
}

impl V1Hook {
    pub fn new(
        scheduler: impl mesos_native::v1::scheduler::Scheduler + 'static,
    ) -> Result<Self, String> {
        let mesos = mesos_native::v1::scheduler::Mesos::builder(scheduler, "mesos-bench-hook")
            .heartbeats(None)
            .shim(double())
            .build()
            .map_err(|error| format!("cannot build the hook's scheduler: {error}"))?;
        let double = mesos_native_double::v1_scheduler_created_here()
            .ok_or("the double did not see the hook's scheduler")?;
        Ok(Self {
            _mesos: mesos,
            double,
        })
    }

    pub fn callbacks(&self) -> *const mesos_shim_v1_scheduler_callbacks {
        self.double.binding_callbacks().0
    }

    pub fn user_data(&self) -> *mut c_void {
        self.double.binding_callbacks().1
    }
}

#[cfg(test)]
mod tests {
    //! The hook drives the crate's real scheduler trampolines: checked
    //! here without libmesos.

    use std::sync::{Arc, Mutex};

    use mesos_native::proto::{FrameworkId, Offer, OfferId, SlaveId, TaskStatus};
    use mesos_native::{Error, Scheduler, SchedulerDriver};
    use mesos_native_sys::mesos_shim_buf;
    use prost::Message;

    use super::Hook;

    #[derive(Default)]
    struct Seen {
        offers: Vec<String>,
        driver_call: Option<String>,
    }

    struct Recorder(Arc<Mutex<Seen>>);

    impl Scheduler for Recorder {
        fn resource_offers(&mut self, driver: &SchedulerDriver, offers: Vec<Offer>) {
            let mut seen = self.0.lock().unwrap();
            seen.offers
                .extend(offers.iter().map(|offer| offer.id.value.clone()));
            // No driver behind the hook: calls say so instead of crashing.
            seen.driver_call = Some(match driver.revive_offers() {
                Err(Error::NotRunning { .. }) => "not running".into(),
                other => format!("{other:?}"),
            });
        }

        fn status_update(&mut self, _: &SchedulerDriver, _: TaskStatus) {}
    }

    fn offer(id: &str) -> Vec<u8> {
        Offer {
            id: OfferId { value: id.into() },
            framework_id: FrameworkId { value: "fw".into() },
            slave_id: SlaveId {
                value: "agent".into(),
            },
            hostname: "localhost".into(),
            ..Default::default()
        }
        .encode_to_vec()
    }

    #[test]
    fn offers_reach_the_scheduler_through_the_real_trampoline() {
        let seen = Arc::new(Mutex::new(Seen::default()));
        let hook = Hook::new(Recorder(seen.clone())).unwrap();
        let encoded = [offer("o1"), offer("o2")];
        let bufs: Vec<mesos_shim_buf> = encoded
            .iter()
            .map(|bytes| mesos_shim_buf {
                data: bytes.as_ptr(),
                len: bytes.len(),
            })
            .collect();
        // SAFETY: the table lives as long as the hook.
        let resource_offers = unsafe { &*hook.callbacks() }.resource_offers.unwrap();
        // SAFETY: the user data is the hook's; the buffers outlive the call.
        unsafe { resource_offers(hook.user_data(), bufs.as_ptr(), bufs.len()) };

        let seen = seen.lock().unwrap();
        assert_eq!(seen.offers, ["o1", "o2"]);
        assert_eq!(seen.driver_call.as_deref(), Some("not running"));
    }
}
