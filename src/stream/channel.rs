//! The bounded queue between a driver's callback thread and an async
//! consumer: the sending half waits (with the driver's say on when to give
//! up), the receiving half is polled with a `Waker`.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

/// How often a callback waiting for room asks whether its driver still
/// runs: a driver being dropped waits for that callback to return.
const RECHECK: Duration = Duration::from_millis(50);

struct Queue<T> {
    items: VecDeque<T>,
    capacity: usize,
    waker: Option<Waker>,
    /// The receiving half was dropped: nobody will read.
    receiver_gone: bool,
    /// The sending half was dropped (with its driver): nothing more comes.
    sender_gone: bool,
}

struct Shared<T> {
    queue: Mutex<Queue<T>>,
    room: Condvar,
}

impl<T> Shared<T> {
    fn lock(&self) -> MutexGuard<'_, Queue<T>> {
        // A panic while holding the lock can only come from a Waker's
        // code; the queue itself is consistent at every step.
        self.queue
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A queue of at most `capacity` items (at least 1).
pub(crate) fn bounded<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Shared {
        queue: Mutex::new(Queue {
            items: VecDeque::new(),
            capacity: capacity.max(1),
            waker: None,
            receiver_gone: false,
            sender_gone: false,
        }),
        room: Condvar::new(),
    });
    (
        Sender {
            shared: Arc::clone(&shared),
        },
        Receiver { shared },
    )
}

pub(crate) struct Sender<T> {
    shared: Arc<Shared<T>>,
}

impl<T> Sender<T> {
    /// Queues `item`, waiting while the queue is full. Gives the item up
    /// (returns false) when the receiver is gone, or when `keep_waiting`
    /// says no (the driver no longer runs).
    pub(crate) fn send(&self, item: T, keep_waiting: impl Fn() -> bool) -> bool {
        let mut queue = self.shared.lock();
        loop {
            if queue.receiver_gone {
                return false;
            }
            if queue.items.len() < queue.capacity {
                queue.items.push_back(item);
                if let Some(waker) = queue.waker.take() {
                    drop(queue);
                    waker.wake();
                }
                return true;
            }
            queue = self
                .shared
                .room
                .wait_timeout(queue, RECHECK)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .0;
            if !keep_waiting() {
                return false;
            }
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let mut queue = self.shared.lock();
        queue.sender_gone = true;
        if let Some(waker) = queue.waker.take() {
            drop(queue);
            waker.wake();
        }
    }
}

pub(crate) struct Receiver<T> {
    shared: Arc<Shared<T>>,
}

impl<T> Receiver<T> {
    /// The next item, `Ready(None)` once the sender is gone and the queue
    /// drained, or `Pending` (with `cx`'s waker kept) if none yet.
    pub(crate) fn poll_recv(&self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let mut queue = self.shared.lock();
        if let Some(item) = queue.items.pop_front() {
            drop(queue);
            self.shared.room.notify_one();
            return Poll::Ready(Some(item));
        }
        if queue.sender_gone {
            return Poll::Ready(None);
        }
        match &mut queue.waker {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            slot => *slot = Some(cx.waker().clone()),
        }
        Poll::Pending
    }

    /// How many items wait to be read.
    pub(crate) fn len(&self) -> usize {
        self.shared.lock().items.len()
    }

    /// The future of the next item.
    pub(crate) fn recv(&mut self) -> Recv<'_, T> {
        Recv { receiver: self }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let mut queue = self.shared.lock();
        queue.receiver_gone = true;
        queue.items.clear();
        drop(queue);
        // A callback waiting for room gives up at once.
        self.shared.room.notify_all();
    }
}

/// The future [`Events::recv`](super::Events::recv) returns: the next
/// event, or `None` once the stream ended.
pub struct Recv<'a, T> {
    receiver: &'a mut Receiver<T>,
}

impl<T> Future for Recv<'_, T> {
    type Output = Option<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.receiver.poll_recv(cx)
    }
}
