//! [`Events`], the stream a driver's callbacks become, and [`Forward`], the
//! user object that feeds it, for any event type (each kind's events, its
//! trait implementation and its constructor are generated: `events.rs`).

use std::pin::Pin;
use std::task::{Context, Poll};

use super::channel::{self, Receiver, Recv, Sender};
use crate::DriverStatus;

/// The events of one driver, in the order its callbacks came. Poll it as a
/// [`Stream`](futures_core::Stream), or await [`recv`](Self::recv).
pub struct Events<E> {
    receiver: Receiver<E>,
}

impl<E> Events<E> {
    /// The next event; `None` once the driver is dropped and every queued
    /// event was read. (Named as tokio's `Receiver::recv`; with
    /// `futures::StreamExt`, `next()` does the same.)
    pub fn recv(&mut self) -> Recv<'_, E> {
        self.receiver.recv()
    }

    /// How many events are queued.
    pub fn queued(&self) -> usize {
        self.receiver.len()
    }
}

impl<E> futures_core::Stream for Events<E> {
    type Item = E;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<E>> {
        self.receiver.poll_recv(cx)
    }
}

/// The scheduler or executor that forwards each callback to an [`Events`]
/// stream: build the driver over it. Made by [`scheduler`](super::scheduler),
/// [`executor`](super::executor), [`v1_scheduler`](super::v1_scheduler) and
/// [`v1_executor`](super::v1_executor).
pub struct Forward<E> {
    sender: Sender<E>,
}

impl<E> Forward<E> {
    /// Queues `event`, waiting for room while `running()` holds.
    pub(super) fn forward(&self, event: E, running: impl Fn() -> bool) {
        if !self.sender.send(event, running) {
            log::debug!(
                "mesos_native::stream: an event was discarded (stream dropped or driver ending)"
            );
        }
    }
}

/// A forwarder and the stream it feeds, at most `capacity` events queued.
pub(super) fn pair<E>(capacity: usize) -> (Forward<E>, Events<E>) {
    let (sender, receiver) = channel::bounded(capacity);
    (Forward { sender }, Events { receiver })
}

/// Whether a callback may wait for room: only while its driver runs.
pub(super) fn running(status: DriverStatus) -> bool {
    status == DriverStatus::Running
}
