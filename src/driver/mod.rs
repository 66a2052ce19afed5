//! The lifecycle every kind of native object shares (the v0 scheduler and
//! executor drivers now; the v1 kinds, State and Log later): one explicit
//! [`State`], the ownership of the C++ object, and `start`/`stop`/`abort`/
//! `join`/`run` written once over a [`Kind`].
//!
//! # States
//!
//! ```text
//!               an error callback inside creation (on the creating thread)
//!      +-----------------------------------------------------------+
//!      |                                                           v
//! +-------------+  start/run  +----------+  error callback  +-----------------+
//! | NOT_STARTED |------------>| STARTING |----------------->| FAILED_TO_START |
//! +-------------+             +----------+  inside start    +-----------------+
//!      ^                       |  |    |
//!      |    shim error         |  |    | start returned RUNNING
//!      +-----------------------+  |    v
//!                                 |  +---------+       stop        +---------+
//!        start returned ABORTED,  |  | RUNNING |------------------>| STOPPED |
//!        or a callback failed     |  +---------+                   +---------+
//!        meanwhile                |    |                                ^
//!                                 v    v  abort, Mesos error,           |
//!                              +---------+  a callback failed           |
//!                              | ABORTED |------------------------------+
//!                              +---------+              stop
//!
//!   owner's drop, from every state but STARTING (it waits that out):
//!
//!      any ------------------------------------------> DETACHED(status)
//!                                                       terminal
//! ```
//!
//! | transition | event | taken by |
//! | --- | --- | --- |
//! | NOT_STARTED → STARTING | `StartBegins` | any thread calling `start`/`run`; one wins |
//! | STARTING → RUNNING, ABORTED (or NOT_STARTED on a shim error) | `StartReturned` | the thread that began the start |
//! | NOT_STARTED, STARTING → FAILED_TO_START | `ErrorDuringStart` | libmesos's `error` callback, on the creating or starting thread |
//! | STARTING, RUNNING → ABORTED | `Failed` | a libmesos callback thread: a callback failed, or Mesos reported an error |
//! | RUNNING → ABORTED; RUNNING, ABORTED → STOPPED | `Reported` | any thread, from the status `abort`, `stop` or any call returned |
//! | any but STARTING → DETACHED | `Detach` | the owner's drop (a helper thread when dropped inside a callback) |
//!
//! [`State::after`] is the one place that decides each transition; the
//! [`Lifecycle`](lifecycle::Lifecycle) cell applies it with a
//! compare-and-swap, so a late return can't undo a later state.
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
//! libmesos's do (tests/ffi_scheduler.rs, tests/ffi_lifecycle.rs).

mod calls;
mod catching;
mod failure;
mod lifecycle;
mod object;
mod on_thread;
mod state;

pub(crate) use calls::{deliver, deliver_error};
pub(crate) use object::{Handle, Kind, Natives, Owner};
pub(crate) use state::State;
