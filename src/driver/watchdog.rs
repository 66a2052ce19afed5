//! The first-callback watchdog: a started scheduler that has had no
//! callback at all within its timeout (a v0 driver that never registered,
//! a v1 scheduler that never connected) is told why, once, by the binding,
//! instead of waiting in silence. Each kind says what its diagnosis is and
//! which method of the user's scheduler hears it
//! (`scheduler::registration`, `v1::scheduler::stall`); the waiting and the
//! delivery are written once, here.

use std::time::{Duration, Instant};

use mesos_native_sys::ShimApi;

use super::{DriverStatus, Kind, WeakHandle};

/// How often the watchdog looks at the driver: a first callback takes well
/// under a second where the network lets it, so this costs nothing that
/// matters.
const POLL: Duration = Duration::from_millis(100);

/// What one watchdog waits for, and what it says when that does not come.
pub(crate) struct Watch<K: Kind, D> {
    /// The thread's name.
    pub(crate) thread: &'static str,
    /// The user's method, as a panic in it is reported
    /// (`Scheduler::registration_stalled`).
    pub(crate) callback: &'static str,
    /// How long the running driver may go without a callback.
    pub(crate) timeout: Duration,
    /// The diagnosis, once the timeout passed: from the shim, and how long
    /// the driver has been running.
    pub(crate) diagnose: Box<dyn FnOnce(&'static ShimApi, Duration) -> D + Send>,
    /// Hands the diagnosis to the user's object.
    pub(crate) tell: fn(&mut K::User, &K, D),
}

/// Watches the driver on a thread of its own: once it runs, waits up to
/// `watch.timeout` for its first callback; if none came, diagnoses the
/// stall and delivers it to the user's object as a callback is delivered.
/// Ends as soon as the driver has a callback, stops, aborts, or is
/// dropped. Holds no counted handle between looks, so dropping the driver
/// frees it at once.
pub(crate) fn spawn<K, D>(driver: WeakHandle<K>, watch: Watch<K, D>)
where
    K: Kind + 'static,
    D: 'static,
    WeakHandle<K>: Send,
{
    let thread = watch.thread;
    let spawned = std::thread::Builder::new()
        .name(thread.into())
        .spawn(move || run(&driver, watch));
    if let Err(error) = spawned {
        log::warn!("cannot start the watchdog {thread}: {error}");
    }
}

fn run<K: Kind, D>(driver: &WeakHandle<K>, watch: Watch<K, D>) {
    let mut running_since = None;
    loop {
        std::thread::sleep(POLL);
        let Some(shared) = driver.shared() else {
            return;
        };
        if shared.lifecycle.is_detached() || shared.delivered() > 0 {
            return;
        }
        match shared.lifecycle.state().status() {
            DriverStatus::NotStarted => continue,
            DriverStatus::Running => {}
            DriverStatus::Stopped | DriverStatus::Aborted => return,
        }
        let since = *running_since.get_or_insert_with(Instant::now);
        if since.elapsed() < watch.timeout {
            continue;
        }
        let api = shared.api;
        drop(shared);
        let stalled = (watch.diagnose)(api, since.elapsed());
        // A counted handle for the delivery: the user's code may call the
        // driver, whose C++ object must outlive the call.
        let Some(handle) = driver.upgrade() else {
            return;
        };
        let tell = watch.tell;
        // SAFETY: `handle` keeps the driver's shared half and its C++
        // object alive for the whole delivery; the user data is that
        // shared half's, as the shim's callbacks get it.
        unsafe {
            super::deliver::<K>(handle.user_data(), watch.callback, |user, driver| {
                // Decided under the user's lock, which every callback takes
                // (and counts itself under): the diagnosis took seconds, in
                // which the first callback may have come, or the user may
                // have stopped the driver. Only this delivery counted means
                // nothing came first.
                let shared = &K::handle(driver).shared;
                let first = shared.delivered() == 1;
                let running = !shared.lifecycle.is_detached()
                    && shared.lifecycle.state().status() == DriverStatus::Running;
                if first && running {
                    tell(user, driver, stalled);
                }
                Ok(())
            })
        }
        return;
    }
}
