//! Unit tests for Mesos frameworks written with the [`mesos_native`] crate, on any
//! machine: no libmesos, no cluster, no threads of the test's own.
//!
//! A harness puts your [`Scheduler`](mesos_native::Scheduler) (or
//! [`Executor`](mesos_native::Executor)) behind a real driver of the `mesos`
//! crate whose libmesos is replaced by an in-process double. The test plays
//! the master: each harness method fires one callback, on the test's
//! thread, and returns once your callback has. Everything your code does
//! with its driver is recorded and read back as typed values
//! ([`SchedulerCall`], [`ExecutorCall`]), in order. The binding's own
//! conversion code runs as in production: the offers you fire are
//! serialized and decoded again, your calls are serialized as they would
//! be for libmesos, a panic in a callback is caught and aborts the driver
//! (and the harness raises it again in the test).
//!
//! [`election`] gives in-memory leader elections, for code that stands
//! by and leads with `mesos_native::election`; [`state()`] and [`log()`] an
//! in-memory State and replicated log.
//!
//! [`operator`] gives a fake master and agent on loopback, for code that
//! calls the operator API with `mesos_native::operator`: canned or computed
//! answers, the calls read back typed, event streams, authentication and
//! redirects.
//!
//! [`offers`] builds realistic offers, with reservations, refinements and
//! allocation roles; [`offers::reference_cluster`] is the four-agent
//! cluster of the reference framework.
//!
//! # Writing a scheduler test
//!
//! 1. Build a harness from your scheduler and its `FrameworkInfo`.
//! 2. Fire what the master would send: `register()`, `offers(..)`,
//!    `task_state(..)`, `rescind(..)`, `disconnected()`...
//! 3. Check what your scheduler did: `take_calls()` gives the calls since
//!    the last look, `calls()` all of them, and `launched_tasks()`,
//!    `declined_offers()`, `is_stopped()` the common questions.
//!
//! ```
//! use mesos_native::proto::{FrameworkInfo, Offer, TaskState, TaskStatus};
//! use mesos_native::{operations, Scheduler, SchedulerDriver};
//! use mesos_native_testing::offers::OfferBuilder;
//! use mesos_native_testing::{SchedulerCall, SchedulerHarness};
//!
//! /// Launches one task on the first offer with a cpu, stops once it ends.
//! struct OneTask;
//! impl Scheduler for OneTask {
//!     fn resource_offers(&mut self, driver: &SchedulerDriver, offers: Vec<Offer>) {
//!         for offer in offers {
//!             let task = mesos_native::proto::TaskInfo {
//!                 name: "one".into(),
//!                 task_id: mesos_native::proto::TaskId { value: "one".into() },
//!                 slave_id: offer.slave_id.clone(),
//!                 resources: offer.resources.clone(),
//!                 ..Default::default()
//!             };
//!             let launch = operations::launch([task]);
//!             driver.accept_offers(&[offer.id], &[launch], &Default::default()).unwrap();
//!         }
//!     }
//!     fn status_update(&mut self, driver: &SchedulerDriver, status: TaskStatus) {
//!         if status.state() == TaskState::TaskFinished {
//!             driver.stop(false).unwrap();
//!         }
//!     }
//! }
//!
//! let mut harness = SchedulerHarness::new(OneTask, FrameworkInfo::default());
//! harness.register();
//! harness.offers([OfferBuilder::new("agent-0").resources("cpus:1;mem:64").build()]);
//! assert_eq!(harness.launched_tasks().len(), 1);
//!
//! harness.task_state("one", "agent-0", TaskState::TaskFinished);
//! assert!(harness.is_stopped());
//! assert!(matches!(
//!     harness.take_calls().last(),
//!     Some(SchedulerCall::Stop { failover: false })
//! ));
//! ```
//!
//! The typed calls and the harnesses' methods that fire each callback are
//! generated from the same list as the binding's driver calls, so every
//! call and callback the driver has is here, with nothing to keep in step
//! by hand.
//!
//! # What it does not do
//!
//! It is not a Mesos master: it does not check offers against an agent,
//! send status updates on its own, or rescind offers. Tests that need the
//! master's behaviour run against a real cluster (`scripts/local-cluster.sh`).

#![deny(missing_docs)]

#[macro_use]
mod harness;

mod callbacks;
mod calls;
pub mod election;
mod executor;
pub mod offers;
pub mod operator;
mod recorded;
mod scheduler;
pub mod v1;

pub use calls::{ExecutorCall, SchedulerCall};
pub use executor::ExecutorHarness;
pub use scheduler::SchedulerHarness;

use mesos_native::log::{Log, Replicas};
use mesos_native::state::{State, Storage};
use mesos_native::Shim;

/// The in-process double of libmesos, as a [`Shim`] the crate's
/// constructors take (`builder(..).shim(..)`, `State::open`, `Log::open`,
/// `Election::open`): for building what the harnesses don't.
pub fn shim() -> Shim {
    // SAFETY: the double implements every function of `mesos_shim.h` as
    // the header says (the crate's own FFI suites hold it to that, and its
    // table is generated from the same list as the crate's calls).
    unsafe { Shim::from_api(&mesos_native_double::API) }
}

/// A [`State`] in this process's memory, with the same operations and the
/// same compare-and-swap as libmesos's: for unit tests of code that takes
/// a `State`. Every call gives a new, empty store.
///
/// ```
/// use std::time::Duration;
///
/// let state = mesos_native_testing::state();
/// let timeout = Duration::from_secs(5);
/// let empty = state.fetch("framework-id", timeout).unwrap();
/// let stored = state.store(&empty.mutate(b"f-1".to_vec()), timeout).unwrap();
/// assert_eq!(stored.unwrap().value(), b"f-1");
/// ```
pub fn state() -> State {
    State::open(shim(), Storage::InMemory).unwrap_or_else(|error| {
        panic!("mesos-native-testing: cannot open an in-memory State: {error}")
    })
}

/// A one-replica [`Log`] in this process's memory, with the same API and
/// leadership rules as libmesos's: a second writer's `start` displaces the
/// first. Every call gives a new, empty log.
pub fn log() -> Log {
    Log::open(shim(), 1, "in-memory", Replicas::Pids(Vec::new()), true).unwrap_or_else(|error| {
        panic!("mesos-native-testing: cannot open an in-memory Log: {error}")
    })
}

// The guide's page on testing is compiled (and run) as a doctest, so it
// cannot drift from the kit.
#[cfg(doctest)]
#[doc = include_str!("../../docs/testing.md")]
struct TestingGuide;
