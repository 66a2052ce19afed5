//! The offer path in process (`bench offers`): the C++ helper
//! (`cpp/offer_path.cpp`) holds the offer batch and the shim's own
//! `ForwardingScheduler`, built on the mesos-native crate's real callback table and
//! a user-data for a Rust [`Scheduler`]; each `deliver` is one
//! `resourceOffers` call as libmesos makes it, so it serializes every offer
//! in C++ and decodes it in Rust before the scheduler sees a `Vec<Offer>`.
//!
//! `bench offers-v1` is the same on the v1 API: `cpp/offer_path_v1.cpp`
//! holds the batch as one `OFFERS` event and the shim's own `V1Callbacks`,
//! and each `deliver` is one `received` call as libmesos's v1 library makes
//! it, decoded in Rust before a v1 scheduler's `offers` sees it.

use std::hint::black_box;
use std::os::raw::c_void;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use mesos_native::proto::v1::scheduler::event;
use mesos_native::proto::{Offer, TaskStatus};
use mesos_native::v1::scheduler::Connection;
use mesos_native::{Scheduler, SchedulerDriver};
use mesos_native_sys::{mesos_shim_scheduler_callbacks, mesos_shim_v1_scheduler_callbacks};

use crate::hook::{Hook, V1Hook};

const OFFERS: usize = 100;
const RESOURCES_PER_OFFER: usize = 50;

extern "C" {
    fn mesos_bench_offer_path_new(
        callbacks: *const mesos_shim_scheduler_callbacks,
        user_data: *mut c_void,
        offers: usize,
        resources: usize,
    ) -> *mut c_void;
    fn mesos_bench_offer_path_deliver(path: *mut c_void);
    fn mesos_bench_offer_path_bytes(path: *const c_void) -> usize;
    fn mesos_bench_offer_path_free(path: *mut c_void);

    fn mesos_bench_offer_path_v1_new(
        callbacks: *const mesos_shim_v1_scheduler_callbacks,
        user_data: *mut c_void,
        offers: usize,
        resources: usize,
    ) -> *mut c_void;
    fn mesos_bench_offer_path_v1_deliver(path: *mut c_void);
    fn mesos_bench_offer_path_v1_bytes(path: *const c_void) -> usize;
    fn mesos_bench_offer_path_v1_free(path: *mut c_void);
}

/// Counts the offers it receives, after checking the batch decoded whole.
struct Receiver {
    offers: Arc<AtomicU64>,
}

impl Scheduler for Receiver {
    fn resource_offers(&mut self, _: &SchedulerDriver, offers: Vec<Offer>) {
        let resources: usize = offers.iter().map(|offer| offer.resources.len()).sum();
        assert_eq!(resources, OFFERS * RESOURCES_PER_OFFER, "a partial batch");
        self.offers
            .fetch_add(black_box(offers).len() as u64, Ordering::Relaxed);
    }

    fn status_update(&mut self, _: &SchedulerDriver, _: TaskStatus) {}
}

impl mesos_native::v1::scheduler::Scheduler for Receiver {
    fn offers(&mut self, _: &Connection, offers: event::Offers) {
        let offers = offers.offers;
        let resources: usize = offers.iter().map(|offer| offer.resources.len()).sum();
        assert_eq!(resources, OFFERS * RESOURCES_PER_OFFER, "a partial batch");
        self.offers
            .fetch_add(black_box(offers).len() as u64, Ordering::Relaxed);
    }
}

/// A C++ helper's batch and its three calls.
struct Helper {
    path: *mut c_void,
    deliver: unsafe extern "C" fn(*mut c_void),
    bytes: unsafe extern "C" fn(*const c_void) -> usize,
    free: unsafe extern "C" fn(*mut c_void),
}

/// Delivers the batch for at least `seconds`; returns the number of offers
/// the Rust scheduler received and the time taken.
pub fn run(seconds: f64) -> Result<(u64, f64), String> {
    measure(seconds, |receiver| {
        let hook = Hook::new(receiver)?;
        // SAFETY: the table is 'static and the user data lives in `hook`,
        // which `measure` keeps until the helper is freed.
        let path = unsafe {
            mesos_bench_offer_path_new(
                hook.callbacks(),
                hook.user_data(),
                OFFERS,
                RESOURCES_PER_OFFER,
            )
        };
        let helper = Helper {
            path,
            deliver: mesos_bench_offer_path_deliver,
            bytes: mesos_bench_offer_path_bytes,
            free: mesos_bench_offer_path_free,
        };
        Ok((Box::new(hook), helper))
    })
}

/// [`run`] on the v1 API: one `OFFERS` event per delivery.
pub fn run_v1(seconds: f64) -> Result<(u64, f64), String> {
    measure(seconds, |receiver| {
        let hook = V1Hook::new(receiver)?;
        // SAFETY: as in `run`.
        let path = unsafe {
            mesos_bench_offer_path_v1_new(
                hook.callbacks(),
                hook.user_data(),
                OFFERS,
                RESOURCES_PER_OFFER,
            )
        };
        let helper = Helper {
            path,
            deliver: mesos_bench_offer_path_v1_deliver,
            bytes: mesos_bench_offer_path_v1_bytes,
            free: mesos_bench_offer_path_v1_free,
        };
        Ok((Box::new(hook), helper))
    })
}

/// Makes a hook for a counting [`Receiver`] and the helper that calls it
/// (`make`), times the helper, and drops the hook only after the helper
/// is freed.
fn measure(
    seconds: f64,
    make: impl FnOnce(Receiver) -> Result<(Box<dyn std::any::Any>, Helper), String>,
) -> Result<(u64, f64), String> {
    // The helper links libmesos's own forwarders.
    mesos_native_sys::native().ok_or(mesos_native_sys::NATIVE_UNAVAILABLE_REASON)?;
    let received = Arc::new(AtomicU64::new(0));
    let (hook, helper) = make(Receiver {
        offers: received.clone(),
    })?;
    let result = time(helper, seconds, &received);
    drop(hook);
    result
}

/// Delivers `helper`'s batch once untimed, then for at least `seconds`;
/// frees the helper; checks that every offer arrived.
fn time(helper: Helper, seconds: f64, received: &AtomicU64) -> Result<(u64, f64), String> {
    if helper.path.is_null() {
        return Err("the C++ helper could not build the offer batch".into());
    }
    // SAFETY: `path` is live until freed below.
    let bytes = unsafe { (helper.bytes)(helper.path) };
    eprintln!(
        "bench: offer batch: {OFFERS} offers x {RESOURCES_PER_OFFER} resources, {bytes} bytes serialized"
    );

    // Warm up.
    // SAFETY: `path` is live until freed below; the callbacks run on this
    // thread, during the call.
    unsafe { (helper.deliver)(helper.path) };
    let mut delivered = OFFERS as u64;
    let start = Instant::now();
    let mut now = start;
    while now.duration_since(start).as_secs_f64() < seconds {
        // SAFETY: as for the warm-up delivery.
        unsafe { (helper.deliver)(helper.path) };
        delivered += OFFERS as u64;
        now = Instant::now();
    }
    let elapsed = now.duration_since(start).as_secs_f64();
    // SAFETY: from the helper's `new`, freed once.
    unsafe { (helper.free)(helper.path) };

    // A callback that failed (a decode error, a panic) is caught by the crate
    // and silences the following ones: check every offer arrived.
    let received = received.load(Ordering::Relaxed);
    if received != delivered {
        return Err(format!(
            "the Rust scheduler received {received} of {delivered} offers"
        ));
    }
    Ok((received - OFFERS as u64, elapsed))
}
