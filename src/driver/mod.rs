//! The lifecycle every kind of native object with callbacks shares (the v0
//! scheduler and executor drivers, the v1 scheduler and executor): one
//! explicit [`State`], the ownership of the C++ object, and `start`/`stop`/
//! `abort`/`join`/`run` written once over a [`Kind`].
//!
//! # States
//!
//! ```text
//!                       +-----------------+
//!          +----------->| FAILED_TO_START |<-----------+
//!          | error      +-----------------+     error  |
//!          | callback                       callback   |
//!   +-------------+           start/run           +----------+
//!   | NOT_STARTED |------------------------------>| STARTING |
//!   |             |<------------------------------|          |
//!   +-------------+   returned NOT_STARTED,       +----------+
//!          |          or a shim error              |   |   |
//!          | abort                      returned   |   |   | returned RUNNING
//!          |                        ABORTED, or a  |   |   v
//!          |                      callback failed  |   |  +---------+
//!          v                                       |   |  | RUNNING |
//!   +---------+<-----------------------------------+   |  +---------+
//!   |         |<-----------------------------------|------+       |
//!   | ABORTED |     abort, Mesos error,            |              | stop
//!   |         |     a callback failed              |              v
//!   +---------+                                    |        +---------+
//!        |                                         +------->|         |
//!        |                                 returned STOPPED | STOPPED |
//!        +------------------------------------------------->|         |
//!                              stop                         +---------+
//!
//!   the owner's drop, from every state but STARTING (it waits that out):
//!
//!      any ------------------------------------------> DETACHED(status)
//!                                                       terminal
//! ```
//!
//! Every transition, with the event that takes it and who sends that
//! event. [`State::after`] is the one place that decides them (a test
//! holds this table against it, row by row, and every pair not in the
//! table must change nothing); the [`Lifecycle`](lifecycle::Lifecycle)
//! cell applies it with a compare-and-swap, so a late return can't undo a
//! later state.
//!
//! | from | event | to | sent by |
//! | --- | --- | --- | --- |
//! | NotStarted | StartBegins | Starting | any thread calling `start`/`run`; one wins |
//! | Starting | StartReturned(Running) | Running | the thread that began the start |
//! | Starting | StartReturned(Aborted) | Aborted | the thread that began the start |
//! | Starting | StartReturned(Stopped) | Stopped | the thread that began the start (a `stop` raced it) |
//! | Starting | StartReturned(NotStarted) | NotStarted | the thread that began the start |
//! | Starting | StartReturned(shim error) | NotStarted | the thread that began the start |
//! | NotStarted | ErrorDuringStart | FailedToStart | libmesos's `error` callback, on the creating thread |
//! | Starting | ErrorDuringStart | FailedToStart | libmesos's `error` callback, on the starting thread |
//! | NotStarted | Reported(Aborted) | Aborted | any thread: `abort` before `start` |
//! | Running | Reported(Aborted) | Aborted | any thread: `abort`, or a call that found it aborted |
//! | Running | Reported(Stopped) | Stopped | any thread: `stop` |
//! | Aborted | Reported(Stopped) | Stopped | any thread: `stop` after an abort |
//! | Starting | Failed | Aborted | a libmesos thread: a callback failed, or Mesos reported an error |
//! | Running | Failed | Aborted | a libmesos thread: a callback failed, or Mesos reported an error |
//! | NotStarted | Detach | Detached(NotStarted) | the owner's drop |
//! | Running | Detach | Detached(Aborted) | the owner's drop (which aborts the driver) |
//! | Stopped | Detach | Detached(Stopped) | the owner's drop |
//! | Aborted | Detach | Detached(Aborted) | the owner's drop |
//! | FailedToStart | Detach | Detached(Aborted) | the owner's drop |
//!
//! The drop is made on a helper thread when the owner is dropped inside
//! one of its own callbacks.
//!
//! # The owner's drop
//!
//! Dropping the owner detaches every handle, aborts a running driver once,
//! waits for `join`s inside libmesos, then takes the user's object back once
//! no callback runs it. One abort is enough: `run` is `start` then `join`
//! here, and no start can begin once the state is DETACHED (nor can the
//! drop detach while a start is in flight), so nothing starts the driver
//! after the abort. The C++ object is deleted by the last handle.
//!
//! # Why not loom
//!
//! The part of these rules loom could check is small (one compare-and-swap
//! cell and one mutex with a condition variable, in
//! [`lifecycle`](lifecycle::Lifecycle)); what makes them hard is how they
//! meet libmesos's own mutex, its callback thread and its blocking `join`
//! and destructor, which loom cannot run. Those are exercised instead by
//! the FFI suites against the test double, whose threads behave as
//! libmesos's do (`tests/bare/scheduler.rs`, `tests/bare/lifecycle.rs`).

mod calls;
mod catching;
mod failure;
mod lifecycle;
mod object;
mod on_thread;
mod state;
mod status;
pub(crate) mod watchdog;

pub(crate) use calls::{deliver, deliver_error};
pub(crate) use object::{Handle, Kind, Natives, Owner, WeakHandle};
pub(crate) use state::State;
pub use status::DriverStatus;
