//! Every callback of every kind (v0 scheduler and executor, v1 scheduler
//! and executor), fired with arbitrary bytes through the shim's test
//! double, as libmesos would call the crate's trampolines.
//!
//! The property ([`fire`]): a callback whose messages decode reaches the
//! user's object once and the driver keeps running; one whose messages
//! do not decode never reaches it, and the driver is aborted with
//! `Error::Decode` naming the callback and the message type. Nothing
//! panics across the boundary: a panic under the double's `extern "C"`
//! frames aborts the process, which libFuzzer reports.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use arbitrary::Arbitrary;
use mesos_native::proto::{
    ExecutorId, ExecutorInfo, FrameworkId, FrameworkInfo, MasterInfo, Offer, OfferId, SlaveId,
    SlaveInfo, TaskId, TaskInfo, TaskStatus,
};
use mesos_native::{DriverStatus, Error, Executor, ExecutorDriver, MesosExecutorDriver};
use mesos_native::{MesosSchedulerDriver, Scheduler, SchedulerDriver};
use prost::Message;

use crate::double;

/// One callback and the bytes (or numbers) it is fired with.
#[derive(Arbitrary, Debug)]
pub enum Fire {
    Registered(Vec<u8>, Vec<u8>),
    Reregistered(Vec<u8>),
    ResourceOffers(Vec<Vec<u8>>),
    OfferRescinded(Vec<u8>),
    StatusUpdate(Vec<u8>),
    FrameworkMessage(Vec<u8>, Vec<u8>, Vec<u8>),
    SlaveLost(Vec<u8>),
    ExecutorLost(Vec<u8>, Vec<u8>, i32),
    SchedulerError(String),
    ExecutorRegistered(Vec<u8>, Vec<u8>, Vec<u8>),
    ExecutorReregistered(Vec<u8>),
    LaunchTask(Vec<u8>),
    KillTask(Vec<u8>),
    ExecutorFrameworkMessage(Vec<u8>),
    ExecutorError(String),
    V1SchedulerReceived(Vec<Vec<u8>>),
    /// A well-formed `SUBSCRIBED` (what the binding's own bookkeeping
    /// reads before the user's code runs), then arbitrary events.
    V1SchedulerSubscribed(String, Option<f64>, Vec<Vec<u8>>),
    V1ExecutorReceived(Vec<Vec<u8>>),
}

/// Whether `bytes` decode as an `M`: what the trampoline must agree with.
fn decodes<M: Message + Default>(bytes: &[u8]) -> bool {
    M::decode(bytes).is_ok()
}

/// Fires `fire` at a fresh driver of its kind and checks the property.
pub fn fire(fire: Fire) {
    let seen = Arc::new(AtomicUsize::new(0));
    match fire {
        Fire::Registered(id, master) => {
            let ok = decodes::<FrameworkId>(&id) && decodes::<MasterInfo>(&master);
            scheduler(&seen, ok, "registered", |d| d.registered(id, master));
        }
        Fire::Reregistered(master) => {
            let ok = decodes::<MasterInfo>(&master);
            scheduler(&seen, ok, "reregistered", |d| d.reregistered(master));
        }
        Fire::ResourceOffers(offers) => {
            let ok = offers.iter().all(|offer| decodes::<Offer>(offer));
            scheduler(&seen, ok, "resource_offers", |d| d.resource_offers(offers));
        }
        Fire::OfferRescinded(id) => {
            let ok = decodes::<OfferId>(&id);
            scheduler(&seen, ok, "offer_rescinded", |d| d.offer_rescinded(id));
        }
        Fire::StatusUpdate(status) => {
            let ok = decodes::<TaskStatus>(&status);
            scheduler(&seen, ok, "status_update", |d| d.status_update(status));
        }
        Fire::FrameworkMessage(executor, agent, data) => {
            let ok = decodes::<ExecutorId>(&executor) && decodes::<SlaveId>(&agent);
            scheduler(&seen, ok, "framework_message", |d| {
                d.framework_message(executor, agent, data)
            });
        }
        Fire::SlaveLost(agent) => {
            let ok = decodes::<SlaveId>(&agent);
            scheduler(&seen, ok, "slave_lost", |d| d.slave_lost(agent));
        }
        Fire::ExecutorLost(executor, agent, status) => {
            let ok = decodes::<ExecutorId>(&executor) && decodes::<SlaveId>(&agent);
            scheduler(&seen, ok, "executor_lost", |d| {
                d.executor_lost(executor, agent, status)
            });
        }
        Fire::SchedulerError(message) => scheduler_error(&seen, &message),
        Fire::ExecutorRegistered(executor, framework, agent) => {
            let ok = decodes::<ExecutorInfo>(&executor)
                && decodes::<FrameworkInfo>(&framework)
                && decodes::<SlaveInfo>(&agent);
            executor_v0(&seen, ok, "registered", |d| {
                d.registered(executor, framework, agent)
            });
        }
        Fire::ExecutorReregistered(agent) => {
            let ok = decodes::<SlaveInfo>(&agent);
            executor_v0(&seen, ok, "reregistered", |d| d.reregistered(agent));
        }
        Fire::LaunchTask(task) => {
            let ok = decodes::<TaskInfo>(&task);
            executor_v0(&seen, ok, "launch_task", |d| d.launch_task(task));
        }
        Fire::KillTask(id) => {
            let ok = decodes::<TaskId>(&id);
            executor_v0(&seen, ok, "kill_task", |d| d.kill_task(id));
        }
        Fire::ExecutorFrameworkMessage(data) => {
            executor_v0(&seen, true, "framework_message", |d| {
                d.framework_message(data)
            });
        }
        Fire::ExecutorError(message) => executor_error(&seen, &message),
        Fire::V1SchedulerReceived(events) => {
            use mesos_native::proto::v1::scheduler::Event;
            let ok = events.iter().all(|event| decodes::<Event>(event));
            v1_scheduler(&seen, ok, events);
        }
        Fire::V1SchedulerSubscribed(id, heartbeat, more) => {
            use mesos_native::proto::v1::scheduler::{event, Event};
            let mut subscribed = Event {
                subscribed: Some(event::Subscribed {
                    framework_id: mesos_native::proto::v1::FrameworkId { value: id },
                    heartbeat_interval_seconds: heartbeat,
                    ..Default::default()
                }),
                ..Default::default()
            };
            subscribed.set_type(event::Type::Subscribed);
            let ok = more.iter().all(|event| decodes::<Event>(event));
            let events = std::iter::once(subscribed.encode_to_vec())
                .chain(more)
                .collect();
            v1_scheduler(&seen, ok, events);
        }
        Fire::V1ExecutorReceived(events) => {
            use mesos_native::proto::v1::executor::Event;
            let ok = events.iter().all(|event| decodes::<Event>(event));
            v1_executor(&seen, ok, events);
        }
    }
}

/// After a callback fired with `decoded` messages: the user saw it once
/// and the driver runs, or never saw it and the driver is aborted with
/// `Error::Decode` naming `callback`. `join` is the driver's.
fn check(
    seen: &AtomicUsize,
    decoded: bool,
    callback: &str,
    status: DriverStatus,
    join: impl FnOnce() -> mesos_native::Result<DriverStatus>,
) {
    let seen = seen.load(Ordering::SeqCst);
    if decoded {
        assert_eq!(
            seen, 1,
            "{callback}: decodable messages must reach the user"
        );
        assert_eq!(status, DriverStatus::Running, "{callback}");
        return;
    }
    assert_eq!(seen, 0, "{callback}: undecodable messages reached the user");
    assert_eq!(status, DriverStatus::Aborted, "{callback}");
    match join() {
        Err(Error::Decode { what, .. }) => {
            assert!(
                what.starts_with(callback),
                "{callback}: Decode names {what:?}"
            )
        }
        other => panic!("{callback}: expected Error::Decode, got {other:?}"),
    }
}

fn framework() -> FrameworkInfo {
    FrameworkInfo {
        user: "fuzz".into(),
        name: "fuzz".into(),
        ..Default::default()
    }
}

/// A v0 scheduler, started over the double, delivering on this thread.
fn scheduler(
    seen: &Arc<AtomicUsize>,
    decoded: bool,
    callback: &str,
    fire: impl FnOnce(&Arc<mesos_native_double::SchedulerDouble>),
) {
    // No registration watchdog: its thread would outlive the input's run.
    let driver = MesosSchedulerDriver::builder(Counting(seen.clone()), framework(), "fuzz")
        .registration_timeout(None)
        .shim(double())
        .build()
        .expect("the double makes drivers");
    driver.start().expect("the double starts drivers");
    let double = mesos_native_double::scheduler_created_here().expect("made here");
    double.driver.deliver_on_caller();
    fire(&double);
    check(seen, decoded, callback, driver.status(), || driver.join());
}

/// libmesos's `error`: always delivered (its text is taken lossily), and
/// the driver aborted with that text.
fn scheduler_error(seen: &Arc<AtomicUsize>, message: &str) {
    // No registration watchdog: its thread would outlive the input's run.
    let driver = MesosSchedulerDriver::builder(Counting(seen.clone()), framework(), "fuzz")
        .registration_timeout(None)
        .shim(double())
        .build()
        .expect("the double makes drivers");
    driver.start().expect("the double starts drivers");
    let double = mesos_native_double::scheduler_created_here().expect("made here");
    double.driver.deliver_on_caller();
    double.error(message);
    assert_eq!(seen.load(Ordering::SeqCst), 1);
    // Mesos's words first; the master's own framework errors come with the
    // binding's explanation after them, in parentheses.
    match driver.join() {
        Err(Error::Aborted { message: Some(got) }) => assert!(
            got == message || got.starts_with(&format!("{message} (")),
            "error {message:?}: join says {got:?}"
        ),
        other => panic!("error: expected Error::Aborted, got {other:?}"),
    }
}

/// The variables an agent sets, as the double's tests give them.
fn agent_environment() -> Vec<(&'static str, &'static str)> {
    vec![
        ("MESOS_SLAVE_PID", "slave(1)@127.0.0.1:5051"),
        ("MESOS_SLAVE_ID", "agent-0"),
        ("MESOS_FRAMEWORK_ID", "framework-0"),
        ("MESOS_EXECUTOR_ID", "executor-0"),
        ("MESOS_DIRECTORY", "/tmp"),
        ("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", "5secs"),
    ]
}

fn executor_v0(
    seen: &Arc<AtomicUsize>,
    decoded: bool,
    callback: &str,
    fire: impl FnOnce(&Arc<mesos_native_double::ExecutorDouble>),
) {
    let driver = MesosExecutorDriver::builder(Counting(seen.clone()))
        .environment(agent_environment())
        .shim(double())
        .build()
        .expect("the double makes drivers");
    driver.start().expect("the double starts drivers");
    let double = mesos_native_double::executor_created_here().expect("made here");
    double.driver.deliver_on_caller();
    fire(&double);
    check(seen, decoded, callback, driver.status(), || driver.join());
}

fn executor_error(seen: &Arc<AtomicUsize>, message: &str) {
    let driver = MesosExecutorDriver::builder(Counting(seen.clone()))
        .environment(agent_environment())
        .shim(double())
        .build()
        .expect("the double makes drivers");
    driver.start().expect("the double starts drivers");
    let double = mesos_native_double::executor_created_here().expect("made here");
    double.driver.deliver_on_caller();
    double.error(message);
    assert_eq!(seen.load(Ordering::SeqCst), 1);
    match driver.join() {
        Err(Error::Aborted { message: Some(got) }) => assert_eq!(got, message),
        other => panic!("error: expected Error::Aborted, got {other:?}"),
    }
}

fn v1_scheduler(seen: &Arc<AtomicUsize>, decoded: bool, events: Vec<Vec<u8>>) {
    // No heartbeat monitor and no connection watchdog: their threads would
    // outlive the input's run.
    let mesos = mesos_native::v1::scheduler::Mesos::builder(Counting(seen.clone()), "fuzz")
        .heartbeats(None)
        .connection_timeout(None)
        .shim(double())
        .build()
        .expect("the double makes v1 schedulers");
    mesos.start().expect("the double starts v1 schedulers");
    let double = mesos_native_double::v1_scheduler_created_here().expect("made here");
    double.driver.deliver_on_caller();
    double.received(events);
    check(seen, decoded, "received", mesos.status(), || mesos.join());
}

fn v1_executor(seen: &Arc<AtomicUsize>, decoded: bool, events: Vec<Vec<u8>>) {
    let mut environment = agent_environment();
    environment.retain(|(name, _)| *name != "MESOS_SLAVE_ID");
    let mesos = mesos_native::v1::executor::Mesos::builder(Counting(seen.clone()))
        .environment(environment)
        .shim(double())
        .build()
        .expect("the double makes v1 executors");
    mesos.start().expect("the double starts v1 executors");
    let double = mesos_native_double::v1_executor_created_here().expect("made here");
    double.driver.deliver_on_caller();
    double.received(events);
    check(seen, decoded, "received", mesos.status(), || mesos.join());
}

/// Counts the callbacks that reach the user's object, whatever the kind.
struct Counting(Arc<AtomicUsize>);

impl Counting {
    fn saw(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl Scheduler for Counting {
    fn registered(&mut self, _: &SchedulerDriver, _: FrameworkId, _: MasterInfo) {
        self.saw();
    }
    fn reregistered(&mut self, _: &SchedulerDriver, _: MasterInfo) {
        self.saw();
    }
    fn resource_offers(&mut self, _: &SchedulerDriver, _: Vec<Offer>) {
        self.saw();
    }
    fn offer_rescinded(&mut self, _: &SchedulerDriver, _: OfferId) {
        self.saw();
    }
    fn status_update(&mut self, _: &SchedulerDriver, _: TaskStatus) {
        self.saw();
    }
    fn framework_message(&mut self, _: &SchedulerDriver, _: ExecutorId, _: SlaveId, _: Vec<u8>) {
        self.saw();
    }
    fn slave_lost(&mut self, _: &SchedulerDriver, _: SlaveId) {
        self.saw();
    }
    fn executor_lost(&mut self, _: &SchedulerDriver, _: ExecutorId, _: SlaveId, _: i32) {
        self.saw();
    }
    fn error(&mut self, _: &SchedulerDriver, _: String) {
        self.saw();
    }
}

impl Executor for Counting {
    fn registered(&mut self, _: &ExecutorDriver, _: ExecutorInfo, _: FrameworkInfo, _: SlaveInfo) {
        self.saw();
    }
    fn reregistered(&mut self, _: &ExecutorDriver, _: SlaveInfo) {
        self.saw();
    }
    fn launch_task(&mut self, _: &ExecutorDriver, _: TaskInfo) {
        self.saw();
    }
    fn kill_task(&mut self, _: &ExecutorDriver, _: TaskId) {
        self.saw();
    }
    fn framework_message(&mut self, _: &ExecutorDriver, _: Vec<u8>) {
        self.saw();
    }
    fn error(&mut self, _: &ExecutorDriver, _: String) {
        self.saw();
    }
}

/// v1: the whole batch counts once. (Overriding `received` skips the
/// per-type dispatch, which only moves decoded payloads around.)
impl mesos_native::v1::scheduler::Scheduler for Counting {
    fn received(
        &mut self,
        _: &mesos_native::v1::scheduler::Connection,
        _: Vec<mesos_native::proto::v1::scheduler::Event>,
    ) {
        self.saw();
    }
}

impl mesos_native::v1::executor::Executor for Counting {
    fn received(
        &mut self,
        _: &mesos_native::v1::executor::Connection,
        _: Vec<mesos_native::proto::v1::executor::Event>,
    ) {
        self.saw();
    }
}
