//! The answer to one State or Log operation, as a [`Completion`]: wait for
//! it with a timeout, or `.await` it.
//!
//! libmesos answers every State and Log operation with a libprocess
//! future. The shim attaches a callback to it and never blocks on it, and
//! the callback only stores the outcome here and wakes whoever waits. So a
//! future libmesos never settles costs a wait that times out, never a hang
//! or a crash; a future it drops unsettled becomes [`Error::Abandoned`].
//!
//! Why a [`Future`] rather than a completion callback: a future composes
//! with any async runtime (and with none: [`Completion::wait`]), its
//! waiting side runs in the user's own task instead of on libmesos's
//! threads, and dropping it is the natural way to stop caring. Nothing
//! user-written ever runs on a libmesos thread, so nothing can block one.

use std::future::Future;
use std::os::raw::c_void;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use mesos_sys::{mesos_shim_buf, ShimApi};

use crate::error::{Error, Result};
use crate::ffi;

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

/// An operation in flight: [`wait`](Self::wait) for its answer with a
/// timeout, or `.await` it (any async runtime; it is woken from
/// libmesos's thread when the answer comes). Dropping it abandons
/// interest; the operation itself still runs to its end in libmesos.
///
/// ```
/// use std::time::Duration;
///
/// let state = mesos::state::State::in_process();
/// let fetching = state.fetch_async("framework-id");
/// let variable = fetching.wait(Duration::from_millis(500)).unwrap();
/// assert!(variable.value().is_empty());
/// ```
#[must_use = "an operation's answer says whether it worked"]
pub struct Completion<T> {
    slot: Arc<Slot<T>>,
}

struct Slot<T> {
    described: Described,
    answer: Mutex<Answer<T>>,
    answered: Condvar,
}

struct Answer<T> {
    /// Taken by the one settling.
    decode: Option<Decode<T>>,
    outcome: Option<Result<T>>,
    waker: Option<Waker>,
}

impl<T: Send + 'static> Completion<T> {
    /// An operation whose answer is already known (the in-process backends,
    /// or an argument refused before reaching libmesos).
    pub(crate) fn ready(outcome: Result<T>) -> Self {
        let described = Described {
            what: String::new(),
            hint: "",
        };
        Self {
            slot: Slot::with(described, None, Some(outcome)),
        }
    }

    /// Starts a shim operation: `call` gets the callback and context to
    /// pass on and returns the shim's result code. On any code but
    /// `MESOS_SHIM_OK` the shim never calls back, so the context is taken
    /// back here and the answer is the shim's error.
    pub(crate) fn start(
        api: &ShimApi,
        described: Described,
        decode: Decode<T>,
        call: impl FnOnce(mesos_sys::mesos_shim_future_callback, *mut c_void) -> i32,
    ) -> Self {
        let slot = Slot::with(described, Some(decode), None);
        let context = Arc::into_raw(Arc::clone(&slot)) as *mut c_void;
        let code = call(Some(deliver::<T>), context);
        if code == mesos_sys::MESOS_SHIM_OK {
            return Self { slot };
        }
        // SAFETY: the shim refused the operation, so it never calls back
        // and never uses `context`: the reference `into_raw` leaked is
        // taken back once, here.
        drop(unsafe { Arc::from_raw(context as *const Slot<T>) });
        let mut answer = slot.answer.lock().unwrap();
        answer.decode = None;
        answer.outcome = Some(Err(ffi::shim_error(api, code)));
        drop(answer);
        Self { slot }
    }

    /// Waits up to `timeout` (sub-second ones too) for the answer.
    /// [`Error::NoAnswer`] when none came; the operation may still finish
    /// later, unobserved.
    pub fn wait(self, timeout: Duration) -> Result<T> {
        let deadline = Instant::now().checked_add(timeout);
        let mut answer = self.slot.answer.lock().unwrap();
        loop {
            if let Some(outcome) = answer.outcome.take() {
                return outcome;
            }
            let left = match deadline {
                Some(deadline) => deadline.saturating_duration_since(Instant::now()),
                None => Duration::MAX,
            };
            if left.is_zero() {
                return Err(Error::NoAnswer {
                    what: self.slot.described.what.clone(),
                    after: timeout,
                    hint: self.slot.described.hint,
                });
            }
            answer = self.slot.answered.wait_timeout(answer, left).unwrap().0;
        }
    }

    /// Whether the answer has come (then `wait` returns at once).
    pub fn is_answered(&self) -> bool {
        self.slot.answer.lock().unwrap().outcome.is_some()
    }
}

impl<T> Future for Completion<T> {
    type Output = Result<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T>> {
        let mut answer = self.slot.answer.lock().unwrap();
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
    /// A slot waiting for the shim (`decode`, no outcome) or already
    /// answered (no decoder, the outcome).
    fn with(
        described: Described,
        decode: Option<Decode<T>>,
        outcome: Option<Result<T>>,
    ) -> Arc<Self> {
        Arc::new(Self {
            described,
            answer: Mutex::new(Answer {
                decode,
                outcome,
                waker: None,
            }),
            answered: Condvar::new(),
        })
    }

    /// Stores the outcome the shim reported and wakes the waiting side.
    fn settle(&self, outcome: i32, values: Vec<Vec<u8>>) {
        let what = || self.described.what.clone();
        let mut answer = self.answer.lock().unwrap();
        let Some(decode) = answer.decode.take() else {
            return; // settled already: the shim calls back once
        };
        let result = match outcome as u32 {
            mesos_sys::MESOS_SHIM_READY => decode(values).map_err(|refusal| match refusal {
                Refusal::Malformed(reason) => Error::OperationFailed {
                    what: what(),
                    message: format!("libmesos's answer did not decode: {reason}"),
                },
                Refusal::Error(error) => error,
            }),
            mesos_sys::MESOS_SHIM_FAILED => Err(Error::OperationFailed {
                what: what(),
                message: values
                    .first()
                    .map(|text| String::from_utf8_lossy(text).into_owned())
                    .unwrap_or_else(|| "no reason given".into()),
            }),
            _ => Err(Error::Abandoned { what: what() }),
        };
        answer.outcome = Some(result);
        let waker = answer.waker.take();
        drop(answer);
        self.answered.notify_all();
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// The shim's callback for every operation answering a `T`.
///
/// # Safety
/// `context` is a context [`Completion::start`] passed to a shim operation
/// that accepted it, delivered once; `values` points to `len` buffers valid
/// for the call.
unsafe extern "C" fn deliver<T>(
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
            .map(|value| unsafe { ffi::bytes(value) }.to_vec())
            .collect()
    };
    // On a libmesos thread: a waker's panic must not unwind into C++.
    let settled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        slot.settle(outcome, values)
    }));
    if settled.is_err() {
        log::error!("waking the waiter of a State or Log operation panicked; caught here");
    }
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
