//! Async: a driver's callbacks as a [`Stream`](futures_core::Stream) of
//! events, for frameworks written with `async`/`await` (feature `stream`).
//!
//! Each adapter is a [`Scheduler`](crate::Scheduler) (or executor, v0 or
//! v1) that forwards every callback, as one event value, into a bounded
//! queue read by an [`Events`] stream. Build the driver over the adapter as
//! over any scheduler, keep its handle for the calls, and consume the
//! events in a task of your runtime:
//!
//! ```no_run
//! # async fn example() -> mesos_native::Result<()> {
//! use mesos_native::proto::FrameworkInfo;
//! use mesos_native::stream::{self, SchedulerEvent};
//! use mesos_native::MesosSchedulerDriver;
//!
//! let (scheduler, mut events) = stream::scheduler(stream::DEFAULT_CAPACITY);
//! let framework = FrameworkInfo { name: "async".into(), ..Default::default() };
//! let driver = MesosSchedulerDriver::builder(scheduler, framework, "127.0.0.1:5050").build()?;
//! driver.start()?;
//! while let Some(event) = events.recv().await {
//!     if let SchedulerEvent::ResourceOffers { offers } = event {
//!         for offer in offers {
//!             driver.decline_offer(&offer.id, &Default::default())?;
//!         }
//!         break;
//!     }
//! }
//! driver.stop(false)?;
//! # Ok(()) }
//! ```
//!
//! It is runtime-agnostic: the stream wakes its task through the standard
//! `Waker`, so tokio, async-std, smol or a hand-written executor all work.
//! The only dependency it adds is `futures-core`, for the `Stream` trait,
//! and only with the feature on.
//!
//! # When the consumer falls behind
//!
//! The queue holds `capacity` events. When it is full, the libmesos thread
//! delivering the next callback waits until the consumer makes room:
//! back-pressure, not loss. Mesos events are not safe to drop (a lost
//! status update is a task whose end the framework never learns), and
//! while the callback waits libmesos keeps later messages queued in its
//! own process, as it does for a slow synchronous callback. Meanwhile the
//! driver's calls still work from any thread.
//!
//! No deadlock when a side goes away:
//! - the stream dropped: queued events are discarded, and every later
//!   callback (and one waiting for room) returns at once;
//! - the driver stopped, aborted or dropped: a callback waiting for room
//!   gives up within 50 ms (a driver being dropped waits for its running
//!   callback), and once the driver is dropped the stream ends (`None`)
//!   after the events already queued.
//!
//! # Examples
//!
//! `examples/async_scheduler.rs` runs a framework with tokio:
//! `cargo run --example async_scheduler --features stream`.

mod channel;
mod events;
mod forward;

pub use channel::Recv;
pub use events::{
    executor, scheduler, v1_executor, v1_scheduler, ExecutorEvent, SchedulerEvent, V1ExecutorEvent,
    V1SchedulerEvent,
};
pub use forward::{Events, Forward};

/// A capacity that absorbs a burst of offers and updates without making
/// the callback thread wait, at a few kilobytes per queued event.
pub const DEFAULT_CAPACITY: usize = 1024;
