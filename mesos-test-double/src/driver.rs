//! What both double drivers share: libmesos's status machine, the call
//! record, and the thread that delivers callbacks.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, JoinHandle, ThreadId};
use std::time::{Duration, Instant};

const NOT_STARTED: i32 = mesos_native_sys::MESOS_SHIM_DRIVER_NOT_STARTED as i32;
const RUNNING: i32 = mesos_native_sys::MESOS_SHIM_DRIVER_RUNNING as i32;
const ABORTED: i32 = mesos_native_sys::MESOS_SHIM_DRIVER_ABORTED as i32;
const STOPPED: i32 = mesos_native_sys::MESOS_SHIM_DRIVER_STOPPED as i32;

/// One recorded driver call: its C name without the common prefix (e.g.
/// `decline_offer`) and its byte arguments in order (messages serialized,
/// strings as UTF-8, integers as decimal text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The call's name in the boundary list, e.g. `decline_offer`.
    pub name: &'static str,
    /// Its arguments, recorded as `record.rs` says.
    pub args: Vec<Vec<u8>>,
}

type Event = Box<dyn FnOnce() + Send>;

/// The status machine and callback thread of one double driver.
pub struct DriverDouble {
    status: Mutex<i32>,
    status_changed: Condvar,
    calls: Mutex<Vec<Call>>,
    calls_changed: Condvar,
    queue: Mutex<Option<Sender<Event>>>,
    pending: Mutex<usize>,
    idle: Condvar,
    thread: Mutex<Option<JoinHandle<()>>>,
    callback_thread: Mutex<Option<ThreadId>>,
    freed: AtomicBool,
    freed_from_callback: AtomicBool,
    callback_thread_panicked: AtomicBool,
    fatal: Mutex<Vec<String>>,
    start_failed: AtomicBool,
    on_caller: AtomicBool,
}

impl Default for DriverDouble {
    fn default() -> Self {
        Self {
            status: Mutex::new(NOT_STARTED),
            status_changed: Condvar::new(),
            calls: Mutex::new(Vec::new()),
            calls_changed: Condvar::new(),
            queue: Mutex::new(None),
            pending: Mutex::new(0),
            idle: Condvar::new(),
            thread: Mutex::new(None),
            callback_thread: Mutex::new(None),
            freed: AtomicBool::new(false),
            freed_from_callback: AtomicBool::new(false),
            callback_thread_panicked: AtomicBool::new(false),
            fatal: Mutex::new(Vec::new()),
            start_failed: AtomicBool::new(false),
            on_caller: AtomicBool::new(false),
        }
    }
}

impl DriverDouble {
    /// The current `mesos::Status` number.
    pub fn status(&self) -> i32 {
        *self.status.lock().unwrap()
    }

    /// Every call so far.
    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    /// Calls named `name`, in order.
    pub fn calls_named(&self, name: &str) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|call| call.name == name)
            .collect()
    }

    /// Waits (up to five seconds) for a call named `name` and returns the
    /// first one.
    pub fn wait_for_call(&self, name: &str) -> Option<Call> {
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut calls = self.calls.lock().unwrap();
        loop {
            if let Some(call) = calls.iter().find(|call| call.name == name) {
                return Some(call.clone());
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            calls = self.calls_changed.wait_timeout(calls, left).unwrap().0;
        }
    }

    /// Whether the driver was deleted (`*_free`).
    pub fn is_freed(&self) -> bool {
        self.freed.load(Ordering::SeqCst)
    }

    /// Whether `*_free` was called from inside one of this driver's own
    /// callbacks: with real libmesos that deadlocks.
    pub fn was_freed_from_callback(&self) -> bool {
        self.freed_from_callback.load(Ordering::SeqCst)
    }

    /// The calls libmesos would have answered by killing the process (each
    /// half's double knows which), each with the reason. Empty when the binding
    /// kept every fatal precondition.
    pub fn fatal_calls(&self) -> Vec<String> {
        self.fatal.lock().unwrap().clone()
    }

    /// What libmesos's `start` does when it fails before creating the
    /// driver's process (a malformed master URL): the driver is aborted,
    /// with no process and no callback thread.
    pub(crate) fn fail_start(&self) {
        self.start_failed.store(true, Ordering::SeqCst);
        self.set_status(ABORTED);
    }

    /// Records a call libmesos would have killed the process for, and
    /// answers it with the shim's exception code instead.
    pub(crate) fn fatal(&self, reason: String) -> i32 {
        eprintln!("test double: libmesos would kill the process here: {reason}");
        let code = crate::buffers::fail(
            mesos_native_sys::MESOS_SHIM_EXCEPTION,
            &format!("test double: libmesos would kill the process here: {reason}"),
        );
        self.fatal.lock().unwrap().push(reason);
        code
    }

    /// Waits until every queued callback has been delivered (or dropped
    /// because the driver was no longer running). False after 5 s.
    pub fn wait_idle(&self) -> bool {
        let pending = self.pending.lock().unwrap();
        let (_pending, timeout) = self
            .idle
            .wait_timeout_while(pending, Duration::from_secs(5), |pending| *pending > 0)
            .unwrap();
        !timeout.timed_out()
    }

    pub(crate) fn record(&self, name: &'static str, args: Vec<Vec<u8>>) {
        self.calls.lock().unwrap().push(Call { name, args });
        self.calls_changed.notify_all();
    }

    /// Queues a callback for the callback thread. Like libmesos, the double
    /// delivers callbacks only while the driver runs.
    ///
    /// Once the driver is freed its queue is gone and the event is dropped,
    /// as libmesos drops messages to a terminated process. That happens for
    /// real: a test fires a second callback while the first one drops the
    /// owner, or `fire_error`'s follow-up abort runs after the user's error
    /// callback freed the driver. Neither may panic, because the second runs
    /// on the callback thread, under the shim's `extern "C"` frames.
    pub(crate) fn enqueue(&self, event: Event) {
        if self.on_caller.load(Ordering::SeqCst) {
            return self.deliver_here(event);
        }
        let queue = self.queue.lock().unwrap();
        match queue.as_ref() {
            Some(sender) => {
                *self.pending.lock().unwrap() += 1;
                if sender.send(event).is_err() {
                    self.done_one();
                }
            }
            None if self.is_freed() => {}
            None => panic!("test double: callbacks can only be fired after start()"),
        }
    }

    /// From now on, fires every callback at once on the thread that fires
    /// it, and returns when the callback has: for tests that drive a
    /// scheduler or executor step by step on their own thread (the
    /// `mesos-native-testing` kit). libmesos never does this; the binding only
    /// relies on callbacks coming one at a time, which a single test
    /// thread keeps.
    pub fn deliver_on_caller(&self) {
        self.on_caller.store(true, Ordering::SeqCst);
    }

    /// `enqueue` in [`deliver_on_caller`](Self::deliver_on_caller) mode:
    /// no lock is held while the callback runs, since it may call the
    /// driver (abort, stop) which fires again.
    fn deliver_here(&self, event: Event) {
        match self.status() {
            RUNNING if !self.is_freed() => event(),
            NOT_STARTED if !self.is_freed() => {
                panic!("test double: callbacks can only be fired after start()")
            }
            _ => {} // dropped, as for a driver no longer running
        }
        self.status_changed.notify_all();
    }

    fn done_one(&self) {
        let mut pending = self.pending.lock().unwrap();
        *pending -= 1;
        if *pending == 0 {
            self.idle.notify_all();
        }
    }

    fn set_status(&self, status: i32) {
        *self.status.lock().unwrap() = status;
        self.status_changed.notify_all();
    }

    pub(crate) fn start(self: &Arc<Self>) -> i32 {
        let mut status = self.status.lock().unwrap();
        if *status != NOT_STARTED {
            return *status;
        }
        *status = RUNNING;
        let (sender, receiver) = mpsc::channel::<Event>();
        *self.queue.lock().unwrap() = Some(sender);
        let handle = thread::Builder::new()
            .name("mesos-test-double".into())
            .spawn({
                let this = Arc::clone(self);
                move || this.deliver(receiver)
            })
            .expect("spawn the double's callback thread");
        *self.callback_thread.lock().unwrap() = Some(handle.thread().id());
        *self.thread.lock().unwrap() = Some(handle);
        RUNNING
    }

    fn deliver(&self, receiver: Receiver<Event>) {
        for event in receiver {
            if self.status() == RUNNING && !self.is_freed() {
                event();
            }
            self.done_one();
            // Wakes `join` for an abort queued behind earlier events.
            self.status_changed.notify_all();
        }
    }

    pub(crate) fn stop(&self) -> i32 {
        let status = self.status();
        if status != RUNNING && status != ABORTED {
            return status;
        }
        self.set_status(STOPPED);
        if status == ABORTED {
            ABORTED
        } else {
            STOPPED
        }
    }

    pub(crate) fn abort(&self) -> i32 {
        let status = self.status();
        if status != RUNNING {
            return status;
        }
        // As in libmesos: the status changes at once (later calls see it),
        // but a thread blocked in `join` wakes only when the driver's own
        // thread gets to the abort, after the callbacks queued before it.
        *self.status.lock().unwrap() = ABORTED;
        self.enqueue(Box::new(|| {}));
        ABORTED
    }

    pub(crate) fn join(&self) -> i32 {
        let status = self.status.lock().unwrap();
        if *status != RUNNING {
            return *status;
        }
        let status = self
            .status_changed
            .wait_while(status, |status| *status == RUNNING)
            .unwrap();
        *status
    }

    /// Calls that need a running driver return its status otherwise; the
    /// double records only accepted calls.
    pub(crate) fn accept(&self, name: &'static str, args: Vec<Vec<u8>>) -> i32 {
        let status = self.status();
        if status == RUNNING {
            self.record(name, args);
        }
        status
    }

    /// What `*_free` does in libmesos: terminate the driver's process and
    /// wait for a running callback to finish.
    pub(crate) fn free(&self) {
        let on_callback_thread =
            *self.callback_thread.lock().unwrap() == Some(thread::current().id());
        self.freed.store(true, Ordering::SeqCst);
        self.queue.lock().unwrap().take();
        if on_callback_thread {
            // Real libmesos would wait for itself forever here; record it so
            // a test can fail instead of hanging.
            self.freed_from_callback.store(true, Ordering::SeqCst);
            return;
        }
        let handle = self.thread.lock().unwrap().take();
        if let Some(handle) = handle {
            // `free` is reached through an `extern "C"` entry point, where a
            // panic aborts the whole test binary and hides which test broke.
            // Report the callback thread's panic and go on; the panic itself
            // already printed its message and location.
            if handle.join().is_err() {
                eprintln!("test double: the callback thread panicked (see above)");
                self.callback_thread_panicked.store(true, Ordering::SeqCst);
            }
        }
    }

    /// Whether the callback thread panicked: a bug in the double or in the
    /// test's own callback code, seen when the driver was freed.
    pub fn callback_thread_panicked(&self) -> bool {
        self.callback_thread_panicked.load(Ordering::SeqCst)
    }
}

/// What each half's double adds to its [`DriverDouble`]: which calls
/// libmesos answers by killing the process. The generated entry points
/// (`entry_points.rs`) go through here.
pub(crate) trait KindDouble {
    /// The kind, for errors: `scheduler`, `v1 executor`...
    const WHAT: &'static str;

    fn driver(&self) -> &Arc<DriverDouble>;

    /// Why libmesos would kill the process on call `name` (`"free"` for the
    /// deletion) with these recorded arguments, if it would.
    fn fatal(&self, name: &str, args: &[Vec<u8>]) -> Option<String>;

    /// libmesos's `start` failing on the calling thread: for a driver made
    /// to fail, reports the error through the `error` callback, right here,
    /// and says so. Most drivers start.
    fn start_fails(&self) -> bool {
        false
    }

    /// `start`, `stop`, `abort` and `join`: recorded, then libmesos's
    /// status machine.
    fn lifecycle(&self, name: &'static str, args: Vec<Vec<u8>>) -> i32 {
        let driver = self.driver();
        if driver.start_failed.load(Ordering::SeqCst) && name == "stop" {
            // libmesos marks the process-less driver stopped; its next
            // `join` then fails a CHECK.
            return driver.fatal("stop on a driver whose start failed".into());
        }
        if let Some(reason) = self.fatal(name, &args) {
            return driver.fatal(reason);
        }
        let starts = name == "start" && driver.status() == NOT_STARTED;
        if starts && self.start_fails() {
            driver.record(name, args);
            return ABORTED;
        }
        driver.record(name, args);
        match name {
            "start" => driver.start(),
            "stop" => driver.stop(),
            "abort" => driver.abort(),
            "join" => driver.join(),
            other => unreachable!("{other} is not a lifecycle call"),
        }
    }

    /// Every other call: recorded and accepted while the driver runs.
    fn call(&self, name: &'static str, args: Vec<Vec<u8>>) -> i32 {
        if let Some(reason) = self.fatal(name, &args) {
            return self.driver().fatal(reason);
        }
        self.driver().accept(name, args)
    }

    /// `*_free`.
    fn free(&self) {
        if let Some(reason) = self.fatal("free", &[]) {
            self.driver().fatal(reason);
        }
        self.driver().free();
    }
}
