//! The cell that holds a driver's [`State`], applies [`Event`]s to it, and
//! makes the two waits the owner's drop needs: for a `start` in flight and
//! for `join`s inside libmesos. Knows nothing of libmesos: the native calls
//! come in as closures.
//!
//! Reading the state is one atomic load (the driver-call hot path). Every
//! change is a compare-and-swap decided by [`State::after`], so two threads
//! racing (a call's late return against the owner's detach, say) can't
//! undo each other. The mutex is taken only by `start`'s end, `join` and the
//! detach, and never held across a call into libmesos.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

use super::state::{Event, State};
use super::status::DriverStatus;

/// One driver's state and the waits around it.
///
/// `state` first (declaration order): every driver call reads it, and
/// [`Shared`](super::object::Shared) puts it on the cache line of the
/// other fields a call reads.
#[repr(C)]
pub(crate) struct Lifecycle {
    state: AtomicU8,
    /// How many `join`s are inside libmesos. Also the lock under which a
    /// start in flight ends and the owner detaches, so that the detach's
    /// wait can't miss either.
    joins: Mutex<usize>,
    changed: Condvar,
}

impl Lifecycle {
    /// Where `state` lies in a `Lifecycle`, for the layout test of
    /// [`Shared`](super::object::Shared).
    #[cfg(test)]
    pub(crate) const STATE_OFFSET: usize = std::mem::offset_of!(Lifecycle, state);
}

impl Default for Lifecycle {
    fn default() -> Self {
        Self {
            state: AtomicU8::new(State::NotStarted.to_bits()),
            joins: Mutex::new(0),
            changed: Condvar::new(),
        }
    }
}

impl Lifecycle {
    /// The current state (one atomic load).
    #[inline]
    pub(crate) fn state(&self) -> State {
        State::from_bits(self.state.load(Ordering::Acquire))
    }

    /// Whether the owner detached the driver: one atomic load and a bit
    /// test, without decoding the state (the driver-call hot path).
    #[inline]
    pub(crate) fn is_detached(&self) -> bool {
        State::bits_are_detached(self.state.load(Ordering::Acquire))
    }

    /// Applies `event`: the state it moved from, or `Err` with the
    /// unchanged state when the event means nothing there.
    pub(crate) fn apply(&self, event: Event) -> Result<State, State> {
        let mut current = self.state.load(Ordering::Acquire);
        loop {
            let from = State::from_bits(current);
            let Some(next) = from.after(event) else {
                return Err(from);
            };
            match self.state.compare_exchange_weak(
                current,
                next.to_bits(),
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return Ok(from),
                Err(actual) => current = actual,
            }
        }
    }

    /// Runs `native_start` if this call wins the start (`NotStarted` to
    /// `Starting`), and settles the state with the status it returns (`None`:
    /// libmesos did not run). A start in flight on another thread is waited
    /// for instead. Returns the state afterwards, for the caller to report.
    /// No lock is held while `native_start` runs: the callbacks libmesos
    /// makes inside it (a synchronous `error`) may call the driver.
    pub(crate) fn start(&self, native_start: impl FnOnce() -> Option<DriverStatus>) -> State {
        match self.apply(Event::StartBegins) {
            Ok(_) => {
                let returned = native_start();
                let settle = self.lock();
                let _ = self.apply(Event::StartReturned(returned));
                self.changed.notify_all();
                drop(settle);
                self.state()
            }
            Err(State::Starting) => {
                let guard = self.lock();
                let _settled = self
                    .changed
                    .wait_while(guard, |_| self.state() == State::Starting)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                self.state()
            }
            Err(other) => other,
        }
    }

    /// Runs `native_join` counted, so that [`detach`](Self::detach) can wait
    /// for it; `None` (and no call) once detached.
    pub(crate) fn join<R>(&self, native_join: impl FnOnce() -> R) -> Option<R> {
        {
            let mut joins = self.lock();
            if self.state().is_detached() {
                return None;
            }
            *joins += 1;
        }
        /// Counts the join out even if `native_join` unwinds.
        struct Counted<'a>(&'a Lifecycle);
        impl Drop for Counted<'_> {
            fn drop(&mut self) {
                *self.0.lock() -= 1;
                self.0.changed.notify_all();
            }
        }
        let _counted = Counted(self);
        Some(native_join())
    }

    /// The owner's detach: waits out a start in flight, moves to
    /// `Detached`, runs `abort` once when the driver was running (no start
    /// can follow: the state allows none after `Detached`), then waits
    /// until no `join` is inside libmesos. Returns the state it detached.
    pub(crate) fn detach(&self, abort: impl FnOnce()) -> State {
        let mut joins = self.lock();
        let before = loop {
            match self.apply(Event::Detach) {
                Ok(before) => break before,
                Err(State::Starting) => {
                    joins = self
                        .changed
                        .wait(joins)
                        .unwrap_or_else(|poisoned| poisoned.into_inner());
                }
                // Detached twice: nothing left to do.
                Err(state) => break state,
            }
        };
        if before == State::Running {
            // Unlocked: libmesos's abort may wait for the driver's own
            // thread, which may be in a callback calling `join`.
            drop(joins);
            abort();
            joins = self.lock();
        }
        let _none_left = self
            .changed
            .wait_while(joins, |joins| *joins > 0)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        before
    }

    fn lock(&self) -> MutexGuard<'_, usize> {
        // The count stays right even if a thread panicked holding the lock.
        self.joins
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
