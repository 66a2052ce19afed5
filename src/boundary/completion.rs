//! [`Completion`]: an answer that comes later, the one shape every such
//! answer of the crate has (State and Log operations, a v1 scheduler's
//! `call_async`, a candidate's `lead_async`). Wait for it with a timeout,
//! or `.await` it.
//!
//! libmesos answers with libprocess futures. The shim attaches a callback
//! to each and never blocks on it, and the callback only stores the
//! outcome here and wakes whoever waits. So a future libmesos never settles
//! costs a wait that times out, never a hang or a crash; a future it drops
//! unsettled becomes [`Error::Abandoned`].
//!
//! Why a [`Future`] rather than a completion callback: a future composes
//! with any async runtime (and with none: [`Completion::wait`]), its
//! waiting side runs in the user's own task instead of on libmesos's
//! threads, and dropping it is the natural way to stop caring. Nothing
//! user-written ever runs on a libmesos thread, so nothing can block one.
//!
//! The shim answers in two shapes, each with its C callback here:
//! `mesos_shim_future_callback` (an outcome and values: State, Log,
//! elections; [`Completion::start`]) and `mesos_shim_v1_result_callback` (a
//! status and one message: a v1 call; [`Pending`]).

use std::future::Future;
use std::os::raw::c_void;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use mesos_native_sys::{mesos_shim_buf, ShimApi};
use prost::Message;

use super::buffers::bytes;
use crate::error::{Error, Result, ShimErrorKind};

/// Turns an operation's READY values into its answer, or says why not.
pub(crate) type Decode<T> = Box<dyn FnOnce(Vec<Vec<u8>>) -> std::result::Result<T, Refusal> + Send>;

/// Why READY values are no answer.
pub(crate) enum Refusal {
    /// Not what the operation answers: the shim and the binding disagree.
    Malformed(String),
    /// A well-formed answer that means failure (a writer's lost election).
    Error(Error),
}

impl From<String> for Refusal {
    fn from(reason: String) -> Self {
        Refusal::Malformed(reason)
    }
}

/// What an operation is, for its errors.
#[derive(Clone)]
pub(crate) struct Described {
    /// e.g. `fetch of "id" from ZooKeeper 127.0.0.1:2181/app`.
    pub(crate) what: String,
    /// What usually keeps such an operation unanswered.
    pub(crate) hint: &'static str,
}

/// An answer in flight: [`wait`](Self::wait) for it with a timeout, or
/// `.await` it (any async runtime; it is woken from libmesos's thread when
/// the answer comes). Dropping it abandons interest; the operation itself
/// still runs to its end in libmesos.
///
/// ```
/// # // The in-memory double of the testing kit, as a unit test would use it.
/// # let shim = unsafe { mesos_native::Shim::from_api(&mesos_native_double::API) };
/// use std::time::Duration;
/// use mesos_native::state::{State, Storage};
///
/// let state = State::open(shim, Storage::InMemory)?;
/// let fetching = state.fetch_async("framework-id");
/// let variable = fetching.wait(Duration::from_secs(5))?;
/// assert!(variable.value().is_empty());
/// # Ok::<(), mesos_native::Error>(())
/// ```
#[must_use = "an answer says whether the operation worked"]
pub struct Completion<T> {
    slot: Arc<Slot<T>>,
}

struct Slot<T> {
    described: Described,
    answer: Mutex<Answer<T>>,
    answered: Condvar,
}

struct Answer<T> {
    /// Taken by the one settling (for values still to be decoded).
    decode: Option<Decode<T>>,
    /// Whether the answer came (the outcome may have been taken since).
    settled: bool,
    outcome: Option<Result<T>>,
    waker: Option<Waker>,
}

impl<T: Send + 'static> Completion<T> {
    /// An answer already known (an argument refused before reaching
    /// libmesos, a call made on a driver that is not running).
    pub(crate) fn ready(outcome: Result<T>) -> Self {
        let described = Described {
            what: String::new(),
            hint: "",
        };
        Self {
            slot: Slot::with(described, None, Some(outcome)),
        }
    }

    /// Starts a shim operation answered through a
    /// `mesos_shim_future_callback`: `call` gets the callback and context
    /// to pass on and returns the shim's result code. On any code but
    /// `MESOS_SHIM_OK` the shim never calls back, so the context is taken
    /// back here and the answer is the shim's error.
    pub(crate) fn start(
        api: &ShimApi,
        described: Described,
        decode: Decode<T>,
        call: impl FnOnce(mesos_native_sys::mesos_shim_future_callback, *mut c_void) -> i32,
    ) -> Self {
        let slot = Slot::with(described, Some(decode), None);
        let context = Arc::into_raw(Arc::clone(&slot)) as *mut c_void;
        let code = call(Some(deliver_values::<T>), context);
        if code == mesos_native_sys::MESOS_SHIM_OK {
            return Self { slot };
        }
        // SAFETY: the shim refused the operation, so it never calls back
        // and never uses `context`: the reference `into_raw` leaked is
        // taken back once, here.
        drop(unsafe { Arc::from_raw(context as *const Slot<T>) });
        slot.settle(Err(super::shim_error(api, code)));
        Self { slot }
    }

    /// Waits up to `timeout` (sub-second ones too) for the answer.
    /// [`Error::TimedOut`] when none came; the operation may still finish
    /// later, unobserved.
    pub fn wait(self, timeout: Duration) -> Result<T> {
        let deadline = Instant::now().checked_add(timeout);
        let mut answer = lock(&self.slot.answer);
        loop {
            if let Some(outcome) = answer.outcome.take() {
                return outcome;
            }
            let left = match deadline {
                Some(deadline) => deadline.saturating_duration_since(Instant::now()),
                None => Duration::MAX,
            };
            if left.is_zero() {
                return Err(Error::TimedOut {
                    what: self.slot.described.what.clone(),
                    after: timeout,
                    hint: self.slot.described.hint,
                });
            }
            answer = self
                .slot
                .answered
                .wait_timeout(answer, left)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .0;
        }
    }

    /// Whether the answer has come (then `wait` returns at once).
    pub fn is_answered(&self) -> bool {
        lock(&self.slot.answer).settled
    }
}

impl<T> Future for Completion<T> {
    type Output = Result<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T>> {
        let mut answer = lock(&self.slot.answer);
        match answer.outcome.take() {
            Some(outcome) => Poll::Ready(outcome),
            None => {
                answer.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

impl<T> std::fmt::Debug for Completion<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Completion")
            .field("what", &self.slot.described.what)
            .finish_non_exhaustive()
    }
}

impl<T> Slot<T> {
    /// A slot waiting for the shim (no outcome), or already answered.
    fn with(
        described: Described,
        decode: Option<Decode<T>>,
        outcome: Option<Result<T>>,
    ) -> Arc<Self> {
        Arc::new(Self {
            described,
            answer: Mutex::new(Answer {
                decode,
                settled: outcome.is_some(),
                outcome,
                waker: None,
            }),
            answered: Condvar::new(),
        })
    }

    /// Stores the first outcome and wakes the waiting side; later ones are
    /// ignored (the shim answers once).
    fn settle(&self, outcome: Result<T>) {
        let mut answer = lock(&self.answer);
        if answer.settled {
            return;
        }
        answer.settled = true;
        answer.decode = None;
        answer.outcome = Some(outcome);
        let waker = answer.waker.take();
        drop(answer);
        self.answered.notify_all();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// The outcome a `mesos_shim_future_callback` reported.
    fn settle_values(&self, outcome: i32, values: Vec<Vec<u8>>) {
        let what = || self.described.what.clone();
        let Some(decode) = lock(&self.answer).decode.take() else {
            return; // settled already: the shim calls back once
        };
        let result = match outcome as u32 {
            mesos_native_sys::MESOS_SHIM_READY => decode(values).map_err(|refusal| match refusal {
                Refusal::Malformed(reason) => Error::OperationFailed {
                    what: what(),
                    message: format!("libmesos's answer did not decode: {reason}"),
                },
                Refusal::Error(error) => error,
            }),
            mesos_native_sys::MESOS_SHIM_FAILED => Err(Error::OperationFailed {
                what: what(),
                message: values
                    .first()
                    .map(|text| String::from_utf8_lossy(text).into_owned())
                    .unwrap_or_else(|| "no reason given".into()),
            }),
            _ => Err(Error::Abandoned { what: what() }),
        };
        self.settle(result);
    }
}

/// The other side of a [`Completion`] that Rust code answers (a
/// candidate's standing, kept by its threads), rather than the shim.
pub(crate) struct Promise<T> {
    slot: Arc<Slot<T>>,
}

impl<T: Send + 'static> Completion<T> {
    /// A completion answered by [`Promise::keep`].
    pub(crate) fn promised(described: Described) -> (Promise<T>, Self) {
        let slot = Slot::with(described, None, None);
        let promise = Promise {
            slot: Arc::clone(&slot),
        };
        (promise, Self { slot })
    }
}

impl<T: Send + 'static> Completion<T> {
    /// A completion answered by `work`, run on a thread of its own: for
    /// blocking work (an HTTP call) that should not hold up the caller.
    #[cfg(feature = "operator")]
    pub(crate) fn on_thread(
        described: Described,
        work: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Self {
        let (promise, completion) = Self::promised(described);
        let spawned = std::thread::Builder::new()
            .name("mesos-answer".into())
            .spawn(move || promise.keep(work()));
        match spawned {
            Ok(_) => completion,
            Err(source) => Self::ready(Err(Error::Io {
                what: "start a thread for the call".into(),
                source,
            })),
        }
    }
}

impl<T> Promise<T> {
    /// Answers the completion (once; a second answer is ignored).
    pub(crate) fn keep(self, outcome: Result<T>) {
        self.slot.settle(outcome);
    }
}

/// A promise dropped unkept (its keeper went away) answers
/// [`Error::Abandoned`], so that nothing waits for it forever.
impl<T> Drop for Promise<T> {
    fn drop(&mut self) {
        let what = self.slot.described.what.clone();
        self.slot.settle(Err(Error::Abandoned { what }));
    }
}

/// The answer to one call with a `completion(T)` argument, before the call
/// is made: its callback and context go to the shim, and
/// [`settle`](Self::settle) turns the call's own result into the
/// [`Completion`]. The shim calls back exactly once when the call returns
/// `MESOS_SHIM_DRIVER_RUNNING`, and never otherwise.
pub(crate) struct Pending<T> {
    slot: Arc<Slot<T>>,
    /// An `Arc` reference leaked for the shim, until it is settled.
    context: *mut c_void,
}

impl<T: Message + Default + Send + 'static> Pending<T> {
    /// `call` names the call in errors.
    pub(crate) fn new(call: &'static str) -> Self {
        let described = Described {
            what: format!("`{call}` call"),
            hint: "the master answers a call once the connection reaches it; is the master \
                   up and reachable?",
        };
        let slot = Slot::with(described, None, None);
        let context = Arc::into_raw(Arc::clone(&slot)) as *mut c_void;
        Self { slot, context }
    }

    /// The C callback for this kind of answer.
    pub(crate) fn callback(&self) -> mesos_native_sys::mesos_shim_v1_result_callback {
        Some(deliver_result::<T>)
    }

    /// The context the shim passes back to the callback.
    pub(crate) fn context(&self) -> *mut c_void {
        self.context
    }

    /// After the call: when it was accepted the shim owns the context and
    /// answers through it; otherwise the context is taken back and the
    /// answer is the call's own error.
    pub(crate) fn settle(self, accepted: Result<()>) -> Completion<T> {
        if let Err(error) = accepted {
            // SAFETY: the call was refused, so the shim never calls back
            // and never uses the context: the reference `new` leaked is
            // taken back once, here.
            drop(unsafe { Arc::from_raw(self.context as *const Slot<T>) });
            self.slot.settle(Err(error));
        }
        Completion { slot: self.slot }
    }
}

/// The shim's callback for every operation answering a `T` with values.
///
/// # Safety
/// `context` is a context [`Completion::start`] passed to a shim operation
/// that accepted it, delivered once; `values` points to `len` buffers valid
/// for the call.
unsafe extern "C" fn deliver_values<T>(
    context: *mut c_void,
    outcome: i32,
    values: *const mesos_shim_buf,
    len: usize,
) {
    // SAFETY: the shim calls back once per accepted operation, with the
    // context `start` leaked from an Arc: rebuilt once, here.
    let slot = unsafe { Arc::from_raw(context as *const Slot<T>) };
    let values: Vec<Vec<u8>> = if len == 0 || values.is_null() {
        Vec::new()
    } else {
        // SAFETY: `len` buffers valid for this call, by the shim's promise.
        unsafe { std::slice::from_raw_parts(values, len) }
            .iter()
            // SAFETY: each buffer is valid for this call, as above.
            .map(|value| unsafe { bytes(value) }.to_vec())
            .collect()
    };
    // On a libmesos thread: a waker's panic must not unwind into C++.
    let settled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        slot.settle_values(outcome, values)
    }));
    if settled.is_err() {
        log::error!("waking the waiter of an operation's answer panicked; caught here");
    }
}

/// The shim's answer to one call with a `completion(T)` argument.
///
/// # Safety
/// `context` is a [`Pending::context`] of this `T` that the shim took, and
/// is delivered once; `result` is valid for the call.
unsafe extern "C" fn deliver_result<T: Message + Default>(
    context: *mut c_void,
    code: i32,
    result: mesos_shim_buf,
) {
    // SAFETY: the shim passes back a context it took, once, so the Arc is
    // rebuilt once; `settle` left it alone (the call was accepted).
    let slot = unsafe { Arc::from_raw(context as *const Slot<T>) };
    // SAFETY: the shim's buffer is valid for this call.
    let bytes = unsafe { bytes(&result) };
    let answer = if code == RUNNING {
        T::decode(bytes).map_err(|source| Error::Decode {
            what: slot.described.what.clone(),
            source,
        })
    } else {
        Err(Error::Shim {
            kind: ShimErrorKind::from_code(code),
            message: String::from_utf8_lossy(bytes).into_owned(),
        })
    };
    // On a libmesos thread: a waker's panic must not unwind into C++.
    if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| slot.settle(answer))).is_err() {
        log::error!("waking the waiter of a call's answer panicked; caught here");
    }
}

const RUNNING: i32 = mesos_native_sys::MESOS_SHIM_DRIVER_RUNNING as i32;

/// Locks, ignoring poisoning: the answer is a plain value, valid whatever
/// panicked while holding the lock.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The decoders the operations share.
pub(crate) mod decode {
    use super::Refusal;

    /// One byte, 1 or 0.
    pub(crate) fn flag(values: Vec<Vec<u8>>) -> Result<bool, Refusal> {
        match values.as_slice() {
            [value] if value.as_slice() == [1] => Ok(true),
            [value] if value.as_slice() == [0] => Ok(false),
            _ => Err(Refusal::Malformed(format!(
                "expected one flag byte, got {values:?}"
            ))),
        }
    }

    /// Each value as UTF-8 text (lossy: names are written as text).
    pub(crate) fn strings(values: Vec<Vec<u8>>) -> Result<Vec<String>, Refusal> {
        Ok(values
            .into_iter()
            .map(|value| String::from_utf8_lossy(&value).into_owned())
            .collect())
    }
}
