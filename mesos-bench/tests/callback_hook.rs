//! The benchmark hook (`mesos::__test_seams::CallbackHook`) drives the crate's real
//! scheduler trampolines without a driver: checked here against the shim's
//! test double, so without libmesos.

use std::sync::{Arc, Mutex};

use mesos::__test_seams::CallbackHook;
use mesos::proto::{FrameworkId, Offer, OfferId, SlaveId, TaskStatus};
use mesos::{Error, Scheduler, SchedulerDriver};
use mesos_sys::mesos_shim_buf;
use prost::Message;

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
    let hook = CallbackHook::new(Recorder(seen.clone()), &mesos_test_double::API);
    let encoded = [offer("o1"), offer("o2")];
    let bufs: Vec<mesos_shim_buf> = encoded
        .iter()
        .map(|bytes| mesos_shim_buf {
            data: bytes.as_ptr(),
            len: bytes.len(),
        })
        .collect();
    let resource_offers = hook.callbacks().resource_offers.unwrap();
    // SAFETY: the user data is the hook's; the buffers outlive the call.
    unsafe { resource_offers(hook.user_data(), bufs.as_ptr(), bufs.len()) };

    let seen = seen.lock().unwrap();
    assert_eq!(seen.offers, ["o1", "o2"]);
    assert_eq!(seen.driver_call.as_deref(), Some("not running"));
}
