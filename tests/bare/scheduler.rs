//! The Rust side of the scheduler FFI, against the shim's test double:
//! callbacks from a foreign thread, calls from inside callbacks, buffer
//! contents in both directions, panics, aborts and drops.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mesos_native::proto::{
    ExecutorId, Filters, FrameworkId, FrameworkInfo, MasterInfo, Offer, OfferId, Request, SlaveId,
    TaskId, TaskInfo, TaskState, TaskStatus,
};
use mesos_native::{DriverStatus, Error, MesosSchedulerDriver, Scheduler, SchedulerDriver};
use mesos_native_double::{scheduler, SchedulerDouble};
use prost::Message;

use crate::fixtures::framework;
use crate::support::within;
use within::within;

const WAIT: Duration = Duration::from_secs(5);

fn master_info() -> MasterInfo {
    MasterInfo {
        id: "master-1".into(),
        ip: 0x0100007f,
        port: 5050,
        ..Default::default()
    }
}

fn offer(id: &str) -> Offer {
    Offer {
        id: OfferId { value: id.into() },
        framework_id: FrameworkId { value: "fw".into() },
        slave_id: SlaveId {
            value: "agent-0".into(),
        },
        hostname: "localhost".into(),
        ..Default::default()
    }
}

fn status(task: &str, state: TaskState) -> TaskStatus {
    let mut status = TaskStatus {
        task_id: TaskId { value: task.into() },
        ..Default::default()
    };
    status.set_state(state);
    status
}

/// What a recording scheduler saw, in order.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    Registered(String, String),
    Reregistered(String),
    Disconnected,
    Offers(Vec<String>),
    Rescinded(String),
    Status(String, TaskState),
    Message(String, String, Vec<u8>),
    SlaveLost(String),
    ExecutorLost(String, String, i32),
    Error(String),
}

/// Sends every callback to a channel; declines every offer from inside the
/// callback; panics when an offer's id is "panic".
struct Recorder {
    seen: Sender<(Seen, std::thread::ThreadId)>,
}

impl Recorder {
    fn new() -> (Self, Receiver<(Seen, std::thread::ThreadId)>) {
        let (seen, receiver) = mpsc::channel();
        (Self { seen }, receiver)
    }

    fn see(&self, seen: Seen) {
        let _ = self.seen.send((seen, std::thread::current().id()));
    }
}

impl Scheduler for Recorder {
    fn registered(&mut self, _: &SchedulerDriver, framework_id: FrameworkId, master: MasterInfo) {
        self.see(Seen::Registered(framework_id.value, master.id));
    }
    fn reregistered(&mut self, _: &SchedulerDriver, master: MasterInfo) {
        self.see(Seen::Reregistered(master.id));
    }
    fn disconnected(&mut self, _: &SchedulerDriver) {
        self.see(Seen::Disconnected);
    }
    fn resource_offers(&mut self, driver: &SchedulerDriver, offers: Vec<Offer>) {
        for offer in &offers {
            assert_ne!(
                offer.id.value, "panic",
                "the test asked this callback to panic"
            );
            driver
                .decline_offer(
                    &offer.id,
                    &Filters {
                        refuse_seconds: Some(7.0),
                    },
                )
                .unwrap();
        }
        self.see(Seen::Offers(
            offers.into_iter().map(|o| o.id.value).collect(),
        ));
    }
    fn offer_rescinded(&mut self, _: &SchedulerDriver, offer_id: OfferId) {
        self.see(Seen::Rescinded(offer_id.value));
    }
    fn status_update(&mut self, _: &SchedulerDriver, status: TaskStatus) {
        let state = status.state();
        self.see(Seen::Status(status.task_id.value, state));
    }
    fn framework_message(
        &mut self,
        _: &SchedulerDriver,
        executor: ExecutorId,
        slave: SlaveId,
        data: Vec<u8>,
    ) {
        self.see(Seen::Message(executor.value, slave.value, data));
    }
    fn slave_lost(&mut self, _: &SchedulerDriver, slave: SlaveId) {
        self.see(Seen::SlaveLost(slave.value));
    }
    fn executor_lost(
        &mut self,
        _: &SchedulerDriver,
        executor: ExecutorId,
        slave: SlaveId,
        status: i32,
    ) {
        self.see(Seen::ExecutorLost(executor.value, slave.value, status));
    }
    fn error(&mut self, _: &SchedulerDriver, message: String) {
        self.see(Seen::Error(message));
    }
}

fn started(
    name: &str,
) -> (
    MesosSchedulerDriver,
    Arc<SchedulerDouble>,
    Receiver<(Seen, std::thread::ThreadId)>,
) {
    started_with(name, |builder| builder)
}

/// `started`, with the builder adjusted by `options` first.
fn started_with(
    name: &str,
    options: impl FnOnce(mesos_native::SchedulerDriverBuilder) -> mesos_native::SchedulerDriverBuilder,
) -> (
    MesosSchedulerDriver,
    Arc<SchedulerDouble>,
    Receiver<(Seen, std::thread::ThreadId)>,
) {
    let (recorder, seen) = Recorder::new();
    let builder = MesosSchedulerDriver::builder(recorder, framework(name), "127.0.0.1:5050");
    let driver = options(builder)
        .shim(crate::support::double())
        .build()
        .expect("the double creates drivers");
    assert_eq!(driver.status(), DriverStatus::NotStarted);
    assert_eq!(driver.start().unwrap(), DriverStatus::Running);
    (driver, scheduler(name), seen)
}

fn next(seen: &Receiver<(Seen, std::thread::ThreadId)>) -> Seen {
    seen.recv_timeout(WAIT).expect("a callback within 5 s").0
}

#[test]
fn every_callback_arrives_decoded_on_the_double_thread() {
    let (driver, double, seen) = started("every-callback");
    double.registered(
        FrameworkId {
            value: "fw-1".into(),
        }
        .encode_to_vec(),
        master_info().encode_to_vec(),
    );
    double.reregistered(master_info().encode_to_vec());
    double.disconnected();
    double.resource_offers(vec![
        offer("o1").encode_to_vec(),
        offer("o2").encode_to_vec(),
    ]);
    double.offer_rescinded(OfferId { value: "o3".into() }.encode_to_vec());
    double.status_update(status("t1", TaskState::TaskRunning).encode_to_vec());
    double.framework_message(
        ExecutorId { value: "e1".into() }.encode_to_vec(),
        SlaveId { value: "s1".into() }.encode_to_vec(),
        vec![0, 1, 2, 255],
    );
    double.slave_lost(SlaveId { value: "s2".into() }.encode_to_vec());
    double.executor_lost(
        ExecutorId { value: "e2".into() }.encode_to_vec(),
        SlaveId { value: "s3".into() }.encode_to_vec(),
        9,
    );

    let expected = vec![
        Seen::Registered("fw-1".into(), "master-1".into()),
        Seen::Reregistered("master-1".into()),
        Seen::Disconnected,
        Seen::Offers(vec!["o1".into(), "o2".into()]),
        Seen::Rescinded("o3".into()),
        Seen::Status("t1".into(), TaskState::TaskRunning),
        Seen::Message("e1".into(), "s1".into(), vec![0, 1, 2, 255]),
        Seen::SlaveLost("s2".into()),
        Seen::ExecutorLost("e2".into(), "s3".into(), 9),
    ];
    for want in expected {
        let (got, thread) = seen.recv_timeout(WAIT).expect("callback");
        assert_eq!(got, want);
        assert_ne!(
            thread,
            std::thread::current().id(),
            "callbacks come from the double's thread"
        );
    }

    // The offers were declined from inside the callback, with the filter.
    let declines = double.driver.calls_named("decline_offer");
    assert_eq!(declines.len(), 2);
    assert_eq!(
        OfferId::decode(&declines[0].args[0][..]).unwrap().value,
        "o1"
    );
    assert_eq!(
        Filters::decode(&declines[1].args[1][..])
            .unwrap()
            .refuse_seconds,
        Some(7.0)
    );

    assert_eq!(driver.stop(false).unwrap(), DriverStatus::Stopped);
    assert_eq!(driver.join().unwrap(), DriverStatus::Stopped);
    assert_eq!(
        double.driver.calls_named("stop")[0].args,
        vec![b"0".to_vec()]
    );
}

#[test]
fn creation_arguments_reach_the_shim() {
    let (recorder, _seen) = Recorder::new();
    let credential = mesos_native::proto::Credential {
        principal: "p".into(),
        secret: Some("s".into()),
    };
    let driver = MesosSchedulerDriver::builder(
        recorder,
        framework("creation-args"),
        "zk://127.0.0.1:2181/mesos",
    )
    .credential(credential.clone())
    .implicit_acknowledgements(false)
    .suppressed_roles(["a", "b/c"])
    .shim(crate::support::double())
    .build()
    .unwrap();
    let double = scheduler("creation-args");
    assert_eq!(double.master, "zk://127.0.0.1:2181/mesos");
    assert_eq!(
        FrameworkInfo::decode(&double.framework_info[..]).unwrap(),
        framework("creation-args")
    );
    assert_eq!(
        double.credential.as_deref(),
        Some(&credential.encode_to_vec()[..])
    );
    assert!(!double.implicit_acknowledgements);
    assert_eq!(
        double.suppressed_roles,
        Some(vec!["a".to_string(), "b/c".to_string()])
    );
    drop(driver);
    assert!(double.driver.is_freed());
}

#[test]
fn an_empty_list_of_suppressed_roles_is_given_not_left_out() {
    // NULL means "no list" to the shim (the plain constructor); an empty
    // list must still reach it as a list (the suppressed-roles one).
    let given = MesosSchedulerDriver::builder(
        Recorder::new().0,
        framework("no-role-suppressed"),
        "127.0.0.1:5050",
    )
    .suppressed_roles(Vec::<String>::new())
    .shim(crate::support::double())
    .build()
    .unwrap();
    assert_eq!(
        scheduler("no-role-suppressed").suppressed_roles,
        Some(Vec::new())
    );
    let left_out = MesosSchedulerDriver::builder(
        Recorder::new().0,
        framework("roles-left-out"),
        "127.0.0.1:5050",
    )
    .shim(crate::support::double())
    .build()
    .unwrap();
    assert_eq!(scheduler("roles-left-out").suppressed_roles, None);
    drop((given, left_out));
}

#[test]
fn every_driver_call_reaches_the_shim_with_its_arguments() {
    // Explicit acknowledgements: libmesos kills the process on an
    // acknowledgement otherwise (refused by the binding, see fatal_preconditions.rs).
    let (driver, double, _seen) = started_with("every-call", |builder| {
        builder.implicit_acknowledgements(false)
    });
    let offer_id = OfferId { value: "o1".into() };
    let task = TaskInfo {
        name: "t".into(),
        task_id: TaskId { value: "t1".into() },
        slave_id: SlaveId { value: "a".into() },
        ..Default::default()
    };
    let filters = Filters {
        refuse_seconds: Some(1.5),
    };
    driver.request_resources(&[Request::default()]).unwrap();
    driver
        .launch_tasks(
            std::slice::from_ref(&offer_id),
            std::slice::from_ref(&task),
            &filters,
        )
        .unwrap();
    driver
        .launch_tasks_on_offer(&offer_id, std::slice::from_ref(&task), &filters)
        .unwrap();
    driver.kill_task(&task.task_id).unwrap();
    driver
        .accept_offers(std::slice::from_ref(&offer_id), &[], &filters)
        .unwrap();
    driver
        .decline_offer(&offer_id, &Filters::default())
        .unwrap();
    driver.revive_offers().unwrap();
    driver.revive_offers_for_roles(&["r1"]).unwrap();
    driver.suppress_offers().unwrap();
    driver.suppress_offers_for_roles(&["r2", "r3"]).unwrap();
    driver
        .acknowledge_status_update(&status("t1", TaskState::TaskRunning))
        .unwrap();
    driver
        .send_framework_message(
            &ExecutorId { value: "e".into() },
            &SlaveId { value: "s".into() },
            b"hi",
        )
        .unwrap();
    driver.reconcile_tasks(&[]).unwrap();
    driver
        .update_framework(&framework("every-call"), &["r2"], None)
        .unwrap();

    let names: Vec<&str> = double.driver.calls().iter().map(|c| c.name).collect();
    assert_eq!(
        names,
        [
            "start",
            "request_resources",
            "launch_tasks",
            "launch_tasks_on_offer",
            "kill_task",
            "accept_offers",
            "decline_offer",
            "revive_offers",
            "revive_offers_for_roles",
            "suppress_offers",
            "suppress_offers_for_roles",
            "acknowledge_status_update",
            "send_framework_message",
            "reconcile_tasks",
            "update_framework",
        ]
    );
    // A list is recorded as its length, then its items.
    let launch = &double.driver.calls_named("launch_tasks")[0];
    assert_eq!(launch.args[0], b"1");
    assert_eq!(OfferId::decode(&launch.args[1][..]).unwrap(), offer_id);
    assert_eq!(launch.args[2], b"1");
    assert_eq!(TaskInfo::decode(&launch.args[3][..]).unwrap(), task);
    assert_eq!(Filters::decode(&launch.args[4][..]).unwrap(), filters);
    assert_eq!(
        double.driver.calls_named("suppress_offers_for_roles")[0].args,
        vec![b"2".to_vec(), b"r2".to_vec(), b"r3".to_vec()]
    );
    assert_eq!(
        double.driver.calls_named("send_framework_message")[0].args[2],
        b"hi"
    );
    // framework info, the roles (one: r2), the offer constraints.
    let update = &double.driver.calls_named("update_framework")[0];
    assert_eq!(update.args[3], b"", "no offer constraints");
    assert_eq!(update.args[1], b"1");
    assert_eq!(update.args[2], b"r2");
    assert!(double.driver.fatal_calls().is_empty());
}

#[test]
fn calls_before_start_and_after_stop_say_the_driver_is_not_running() {
    let (recorder, _seen) = Recorder::new();
    let driver =
        MesosSchedulerDriver::builder(recorder, framework("not-running"), "127.0.0.1:5050")
            .shim(crate::support::double())
            .build()
            .unwrap();
    let offer_id = OfferId { value: "o".into() };
    match driver.decline_offer(&offer_id, &Filters::default()) {
        Err(Error::NotRunning {
            status: DriverStatus::NotStarted,
        }) => {}
        other => panic!("expected NotRunning before start, got {other:?}"),
    }
    match driver.join() {
        Err(Error::NotRunning {
            status: DriverStatus::NotStarted,
        }) => {}
        other => panic!("join before start should not block, got {other:?}"),
    }
    driver.start().unwrap();
    driver.stop(true).unwrap();
    assert_eq!(
        scheduler("not-running").driver.calls_named("stop")[0].args,
        vec![b"1".to_vec()]
    );
    match driver.revive_offers() {
        Err(Error::NotRunning {
            status: DriverStatus::Stopped,
        }) => {}
        other => panic!("expected NotRunning after stop, got {other:?}"),
    }
    assert!(matches!(
        driver.start(),
        Err(Error::NotRunning {
            status: DriverStatus::Stopped
        })
    ));
    assert_eq!(driver.status(), DriverStatus::Stopped);
}

#[test]
fn a_panicking_callback_aborts_the_driver_and_join_reports_it() {
    let (driver, double, seen) = started("panicking");
    double.resource_offers(vec![offer("panic").encode_to_vec()]);
    // A later callback must not reach the user once the driver aborted.
    double.status_update(status("t1", TaskState::TaskRunning).encode_to_vec());
    match driver.join() {
        Err(Error::CallbackPanicked { callback, message }) => {
            assert_eq!(callback, "Scheduler::resource_offers");
            assert!(
                message.contains("the test asked this callback to panic"),
                "{message}"
            );
        }
        other => panic!("expected CallbackPanicked, got {other:?}"),
    }
    assert!(double.driver.wait_idle());
    assert!(seen.try_recv().is_err(), "no callback after the panic");
    assert!(
        double.driver.calls_named("abort").len() == 1,
        "the binding aborted the driver"
    );
    assert_eq!(driver.status(), DriverStatus::Aborted);
    // run/join keep saying why.
    assert!(matches!(driver.join(), Err(Error::CallbackPanicked { .. })));
}

#[test]
fn a_corrupted_message_from_the_shim_is_a_decode_error_not_a_crash() {
    let (driver, double, seen) = started("corrupted");
    double.status_update(vec![0xff, 0xff, 0xff, 0xff, 0x0f, 0x12]);
    match driver.join() {
        Err(Error::Decode { what, .. }) => assert!(what.contains("TaskStatus"), "{what}"),
        other => panic!("expected Decode, got {other:?}"),
    }
    assert!(seen.try_recv().is_err());
}

#[test]
fn a_mesos_error_reaches_the_callback_and_join() {
    let (driver, double, seen) = started("mesos-error");
    double.error("Not authorized to register as role 'ops'");
    assert_eq!(
        next(&seen),
        Seen::Error("Not authorized to register as role 'ops'".into())
    );
    match driver.join() {
        Err(Error::Aborted {
            message: Some(message),
        }) => assert_eq!(message, "Not authorized to register as role 'ops'"),
        other => panic!("expected Aborted with the message, got {other:?}"),
    }
}

#[test]
fn a_removed_framework_is_told_why_and_what_to_do_in_error_and_join() {
    let (driver, double, seen) = started("removed-framework");
    // What the master answers a driver registering with the id of a
    // framework whose failover timeout ran out.
    double.error("Framework has been removed");
    let Seen::Error(told) = next(&seen) else {
        panic!("no error callback");
    };
    assert!(told.starts_with("Framework has been removed ("), "{told}");
    for expected in [
        "failover timeout",
        "register a new framework, without the id",
    ] {
        assert!(told.contains(expected), "{expected}: {told}");
    }
    match driver.join() {
        Err(Error::Aborted {
            message: Some(message),
        }) => assert_eq!(message, told),
        other => panic!("expected Aborted with the message, got {other:?}"),
    }
}

#[test]
fn a_framework_the_master_counts_disconnected_is_told_to_fail_over() {
    let (driver, double, seen) = started("disconnected-framework");
    // What the master answers a call from a framework whose connection it
    // lost (a partition the driver did not notice).
    double.error("Framework disconnected");
    let Seen::Error(told) = next(&seen) else {
        panic!("no error callback");
    };
    assert!(told.starts_with("Framework disconnected ("), "{told}");
    assert!(told.contains("same framework id"), "{told}");
    assert!(matches!(driver.join(), Err(Error::Aborted { .. })));
}

#[test]
fn abort_makes_join_return_aborted() {
    let (driver, _double, _seen) = started("aborted");
    assert_eq!(driver.abort().unwrap(), DriverStatus::Aborted);
    assert!(matches!(
        driver.join(),
        Err(Error::Aborted { message: None })
    ));
}

#[test]
fn stop_from_inside_a_callback_ends_run_on_another_thread() {
    struct StopOnRegistered;
    impl Scheduler for StopOnRegistered {
        fn registered(&mut self, driver: &SchedulerDriver, _: FrameworkId, _: MasterInfo) {
            driver.stop(false).unwrap();
        }
        fn resource_offers(&mut self, _: &SchedulerDriver, _: Vec<Offer>) {}
        fn status_update(&mut self, _: &SchedulerDriver, _: TaskStatus) {}
    }
    let driver = Arc::new(
        MesosSchedulerDriver::builder(StopOnRegistered, framework("stop-inside"), "127.0.0.1:5050")
            .shim(crate::support::double())
            .build()
            .unwrap(),
    );
    let runner = {
        let driver = Arc::clone(&driver);
        std::thread::spawn(move || driver.run())
    };
    let double = scheduler("stop-inside");
    // `run` is the shim's `start` then its `join`.
    double
        .driver
        .wait_for_call("join")
        .expect("run reached the shim");
    double.registered(
        FrameworkId { value: "f".into() }.encode_to_vec(),
        master_info().encode_to_vec(),
    );
    assert_eq!(runner.join().unwrap().unwrap(), DriverStatus::Stopped);
}

#[test]
fn dropping_a_running_driver_waits_for_callbacks_and_frees_once() {
    struct Slow(Arc<Mutex<Vec<&'static str>>>);
    impl Scheduler for Slow {
        fn resource_offers(&mut self, _: &SchedulerDriver, _: Vec<Offer>) {
            self.0.lock().unwrap().push("callback started");
            std::thread::sleep(Duration::from_millis(200));
            self.0.lock().unwrap().push("callback finished");
        }
        fn status_update(&mut self, _: &SchedulerDriver, _: TaskStatus) {}
    }
    impl Drop for Slow {
        fn drop(&mut self) {
            self.0.lock().unwrap().push("scheduler dropped");
        }
    }
    let log = Arc::new(Mutex::new(Vec::new()));
    let driver = MesosSchedulerDriver::builder(
        Slow(Arc::clone(&log)),
        framework("drop-running"),
        "127.0.0.1:5050",
    )
    .shim(crate::support::double())
    .build()
    .unwrap();
    driver.start().unwrap();
    let double = scheduler("drop-running");
    double.resource_offers(vec![offer("o").encode_to_vec()]);
    while log.lock().unwrap().is_empty() {
        std::thread::sleep(Duration::from_millis(5));
    }
    drop(driver);
    assert!(double.driver.is_freed());
    assert_eq!(
        *log.lock().unwrap(),
        ["callback started", "callback finished", "scheduler dropped"]
    );
}

#[test]
fn dropping_the_driver_while_join_waits_and_a_callback_calls_the_driver_does_not_deadlock() {
    // libmesos wakes `join` only once the driver's own thread has processed
    // the abort, which comes after the running callback; that callback
    // makes a driver call while the drop is detaching the driver. Holding a
    // lock across `join` would deadlock the three.
    struct CallsDriver(Arc<Mutex<Vec<&'static str>>>);
    impl Scheduler for CallsDriver {
        fn resource_offers(&mut self, driver: &SchedulerDriver, offers: Vec<Offer>) {
            self.0.lock().unwrap().push("callback started");
            std::thread::sleep(Duration::from_millis(300));
            let declined = driver.decline_offer(&offers[0].id, &Filters::default());
            self.0.lock().unwrap().push(match declined {
                Ok(()) => "declined",
                Err(Error::NotRunning { .. }) => "driver gone",
                Err(_) => "other error",
            });
        }
        fn status_update(&mut self, _: &SchedulerDriver, _: TaskStatus) {}
    }
    let log = Arc::new(Mutex::new(Vec::new()));
    let driver = MesosSchedulerDriver::builder(
        CallsDriver(Arc::clone(&log)),
        framework("drop-during-join"),
        "127.0.0.1:5050",
    )
    .shim(crate::support::double())
    .build()
    .unwrap();
    driver.start().unwrap();
    let double = scheduler("drop-during-join");
    let joiner = {
        let handle = (*driver).clone();
        std::thread::spawn(move || handle.join())
    };
    while !double.driver.calls().iter().any(|call| call.name == "join") {
        std::thread::sleep(Duration::from_millis(5));
    }
    double.resource_offers(vec![offer("o").encode_to_vec()]);
    while log.lock().unwrap().is_empty() {
        std::thread::sleep(Duration::from_millis(5));
    }
    within("dropping the driver", Duration::from_secs(10), move || {
        drop(driver)
    });
    assert!(matches!(joiner.join().unwrap(), Err(Error::Aborted { .. })));
    assert!(double.driver.is_freed());
    assert_eq!(*log.lock().unwrap(), ["callback started", "driver gone"]);
}

#[test]
fn dropping_the_driver_while_another_thread_starts_it_with_run_does_not_hang() {
    // Whichever goes first, neither hangs: `run` gets NotRunning, or Aborted
    // once the drop aborts the driver it started. (The drop's abort can't
    // land on a not-yet-started driver that `run` then starts: the drop
    // waits out a start in flight, and no start begins after it.)
    for round in 0..20 {
        let name = format!("drop-during-run-{round}");
        let (recorder, _seen) = Recorder::new();
        let driver = MesosSchedulerDriver::builder(recorder, framework(&name), "127.0.0.1:5050")
            .shim(crate::support::double())
            .build()
            .unwrap();
        let runner = {
            let handle = (*driver).clone();
            std::thread::spawn(move || handle.run())
        };
        std::thread::sleep(Duration::from_micros(200 * round));
        within(
            &format!("round {round}: dropping the driver"),
            Duration::from_secs(10),
            move || drop(driver),
        );
        let ran = runner.join().unwrap();
        assert!(
            matches!(
                ran,
                Err(Error::Aborted { .. }) | Err(Error::NotRunning { .. })
            ),
            "round {round}: {ran:?}"
        );
        assert!(scheduler(&name).driver.is_freed());
    }
}

#[test]
fn dropping_a_driver_that_never_started_frees_it() {
    let (recorder, _seen) = Recorder::new();
    let driver =
        MesosSchedulerDriver::builder(recorder, framework("never-started"), "127.0.0.1:5050")
            .shim(crate::support::double())
            .build()
            .unwrap();
    drop(driver);
    assert!(scheduler("never-started").driver.is_freed());
}

#[test]
fn the_last_reference_dropped_inside_a_callback_does_not_deadlock() {
    struct HoldsDriver(Arc<Mutex<Option<Arc<MesosSchedulerDriver>>>>);
    impl Scheduler for HoldsDriver {
        fn resource_offers(&mut self, _: &SchedulerDriver, _: Vec<Offer>) {
            // Drops what may be the last reference to the driver, from
            // inside the driver's own callback.
            self.0.lock().unwrap().take();
        }
        fn status_update(&mut self, _: &SchedulerDriver, _: TaskStatus) {}
    }
    let slot = Arc::new(Mutex::new(None));
    let driver = Arc::new(
        MesosSchedulerDriver::builder(
            HoldsDriver(Arc::clone(&slot)),
            framework("drop-inside"),
            "127.0.0.1:5050",
        )
        .shim(crate::support::double())
        .build()
        .unwrap(),
    );
    driver.start().unwrap();
    *slot.lock().unwrap() = Some(driver);
    let double = scheduler("drop-inside");
    double.resource_offers(vec![offer("o").encode_to_vec()]);
    // The driver is deleted on a helper thread once the callback returned.
    let deadline = std::time::Instant::now() + WAIT;
    while !double.driver.is_freed() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(double.driver.is_freed());
    assert!(
        !double.driver.was_freed_from_callback(),
        "deleted from inside its own callback"
    );
}

#[test]
fn bad_master_strings_are_refused_before_reaching_libmesos() {
    for master in ["", "127.0.0.1:5050\0junk"] {
        let (recorder, _seen) = Recorder::new();
        match MesosSchedulerDriver::builder(recorder, framework("bad-master"), master)
            .shim(crate::support::double())
            .build()
        {
            Err(Error::InvalidArgument { what: "master", .. }) => {}
            other => panic!(
                "expected InvalidArgument for {master:?}, got {:?}",
                other.map(|_| ())
            ),
        }
    }
}

#[test]
fn a_libmesos_older_than_the_shim_is_refused() {
    let (recorder, _seen) = Recorder::new();
    match MesosSchedulerDriver::builder(recorder, framework("old-lib"), "127.0.0.1:5050")
        .shim(crate::support::double_with_old_library())
        .build()
    {
        Err(error @ Error::IncompatibleLibrary { .. }) => {
            let text = error.to_string();
            assert!(text.contains("1.9.0") && text.contains("1.11.0"), "{text}");
        }
        other => panic!("expected IncompatibleLibrary, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn the_driver_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<MesosSchedulerDriver>();
    assert_send_sync::<SchedulerDriver>();
    assert_send_sync::<mesos_native::MesosExecutorDriver>();
}

#[test]
fn without_libmesos_creating_a_driver_names_the_variable_to_set() {
    if mesos_native_sys::NATIVE_AVAILABLE {
        return;
    }
    let (recorder, _seen) = Recorder::new();
    let error = MesosSchedulerDriver::builder(recorder, framework("no-native"), "127.0.0.1:5050")
        .build()
        .err()
        .unwrap();
    assert!(matches!(error, Error::NativeUnavailable { .. }));
    assert!(
        error.to_string().contains("MESOS_NATIVE_LIBRARY"),
        "{error}"
    );
}

#[test]
fn a_cloned_handle_outlives_the_driver_safely() {
    let (driver, double, _seen) = started("handle-outlives");
    let handle: SchedulerDriver = (*driver).clone();
    let joiner = {
        let handle = handle.clone();
        std::thread::spawn(move || handle.join())
    };
    double
        .driver
        .wait_for_call("join")
        .expect("join reached the shim");
    // Dropping the owner detaches every handle, then releases a thread
    // blocked in join through a handle (the driver is aborted).
    drop(driver);
    assert!(matches!(
        joiner.join().unwrap(),
        Err(Error::Aborted { message: None })
    ));
    match handle.revive_offers() {
        Err(Error::NotRunning { status }) => assert_eq!(status, DriverStatus::Aborted),
        other => panic!("expected NotRunning from a handle of a dropped driver, got {other:?}"),
    }
    // The aborted C++ driver object goes with the last handle (calls take
    // no lock, so none may find it deleted).
    assert!(!double.driver.is_freed());
    drop(handle);
    assert!(double.driver.is_freed());
}

#[test]
fn a_scheduler_keeping_its_own_handle_is_dropped_with_the_driver() {
    // A common pattern: the scheduler keeps a clone of the handle it is
    // given. Dropping the driver must still drop the scheduler (and with it
    // that clone) and delete the C++ driver: no reference cycle survives.
    struct KeepsHandle(Option<SchedulerDriver>, Arc<Mutex<Vec<&'static str>>>);
    impl Scheduler for KeepsHandle {
        fn resource_offers(&mut self, driver: &SchedulerDriver, _: Vec<Offer>) {
            self.0 = Some(driver.clone());
            self.1.lock().unwrap().push("kept the handle");
        }
        fn status_update(&mut self, _: &SchedulerDriver, _: TaskStatus) {}
    }
    impl Drop for KeepsHandle {
        fn drop(&mut self) {
            self.1.lock().unwrap().push("scheduler dropped");
        }
    }
    let log = Arc::new(Mutex::new(Vec::new()));
    let driver = MesosSchedulerDriver::builder(
        KeepsHandle(None, Arc::clone(&log)),
        framework("keeps-handle"),
        "127.0.0.1:5050",
    )
    .shim(crate::support::double())
    .build()
    .unwrap();
    driver.start().unwrap();
    let double = scheduler("keeps-handle");
    double.resource_offers(vec![offer("o").encode_to_vec()]);
    while log.lock().unwrap().is_empty() {
        std::thread::sleep(Duration::from_millis(5));
    }
    drop(driver);
    assert_eq!(
        *log.lock().unwrap(),
        ["kept the handle", "scheduler dropped"]
    );
    assert!(double.driver.is_freed());
}

/// Records the registration watchdog's diagnosis.
struct Stalls(Sender<mesos_native::scheduler::RegistrationStalled>);

impl Scheduler for Stalls {
    fn resource_offers(&mut self, _: &SchedulerDriver, _: Vec<Offer>) {}
    fn status_update(&mut self, _: &SchedulerDriver, _: TaskStatus) {}
    fn registration_stalled(
        &mut self,
        _: &SchedulerDriver,
        stalled: mesos_native::scheduler::RegistrationStalled,
    ) {
        let _ = self.0.send(stalled);
    }
}

#[test]
fn a_driver_that_never_registers_is_told_why_within_its_timeout() {
    use mesos_native::scheduler::MasterProbe;
    // A port nothing listens at: the probe finds the master refusing.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let master = closed.local_addr().unwrap().to_string();
    drop(closed);
    let (sender, stalls) = mpsc::channel();
    let driver = MesosSchedulerDriver::builder(Stalls(sender), framework("stalled"), &*master)
        .registration_timeout(Some(Duration::from_millis(300)))
        .shim(crate::support::double())
        .build()
        .unwrap();
    driver.start().unwrap();
    let stalled = stalls
        .recv_timeout(Duration::from_secs(5))
        .expect("no registration in 300 ms: the watchdog says why");
    assert_eq!(stalled.master, master);
    assert_eq!(stalled.probe, MasterProbe::Refused);
    assert_eq!(stalled.advertised.as_deref(), Some("192.0.2.10:5051"));
    assert!(stalled.waited >= Duration::from_millis(300));
    assert!(
        stalled.to_string().contains("nothing accepts connections"),
        "{stalled}"
    );
    // Once: the driver keeps trying, and nothing more is said.
    assert!(stalls.recv_timeout(Duration::from_millis(500)).is_err());
    assert_eq!(driver.status(), DriverStatus::Running);
}

#[test]
fn a_driver_that_registers_in_time_hears_nothing_from_the_watchdog() {
    let (sender, stalls) = mpsc::channel();
    let driver =
        MesosSchedulerDriver::builder(Stalls(sender), framework("registers"), "127.0.0.1:1")
            .registration_timeout(Some(Duration::from_millis(300)))
            .shim(crate::support::double())
            .build()
            .unwrap();
    driver.start().unwrap();
    scheduler("registers").registered(
        FrameworkId { value: "f".into() }.encode_to_vec(),
        master_info().encode_to_vec(),
    );
    assert!(stalls.recv_timeout(Duration::from_secs(1)).is_err());
}
