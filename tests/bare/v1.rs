//! The Rust side of the v1 scheduler and executor FFI, against the shim's
//! test double: the lifecycle the shim gives libmesos's v1 libraries,
//! events dispatched by type, the typed calls' framework and executor ids,
//! a start that fails, panics and drops inside callbacks, and the
//! executor's environment checked before libmesos reads it.

use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mesos_native::proto::v1::executor as v1_executor;
use mesos_native::proto::v1::scheduler::{call, event, Call, Event};
use mesos_native::proto::v1::{
    AgentId, FrameworkId, FrameworkInfo, Offer, OfferId, OperationId, OperationState,
    OperationStatus, TaskGroupInfo, TaskId, TaskInfo, TaskState,
};
use mesos_native::v1::executor::{self as executor, Executor};
use mesos_native::v1::scheduler::{Connection, Mesos, Scheduler};
use mesos_native::{DriverStatus, Error};
use mesos_native_double::{v1_executor as executor_double, v1_scheduler};
use prost::Message;

use crate::support::within;
use within::within;

const WAIT: Duration = Duration::from_secs(5);

fn framework() -> FrameworkInfo {
    FrameworkInfo {
        user: "tester".into(),
        name: "v1-test".into(),
        ..Default::default()
    }
}

fn event(fill: impl FnOnce(&mut Event), type_: event::Type) -> Vec<u8> {
    let mut event = Event::default();
    event.set_type(type_);
    fill(&mut event);
    event.encode_to_vec()
}

fn subscribed(id: &str) -> Vec<u8> {
    event(
        |event| {
            event.subscribed = Some(event::Subscribed {
                framework_id: FrameworkId { value: id.into() },
                heartbeat_interval_seconds: Some(15.0),
                ..Default::default()
            })
        },
        event::Type::Subscribed,
    )
}

fn offers(ids: &[&str]) -> Vec<u8> {
    let offers = ids
        .iter()
        .map(|id| Offer {
            id: OfferId {
                value: (*id).into(),
            },
            framework_id: FrameworkId { value: "fw".into() },
            agent_id: AgentId {
                value: "agent-0".into(),
            },
            hostname: "localhost".into(),
            ..Default::default()
        })
        .collect();
    event(
        |event| event.offers = Some(event::Offers { offers }),
        event::Type::Offers,
    )
}

fn calls_sent(master: &str) -> Vec<Call> {
    v1_scheduler(master)
        .driver
        .calls_named("send")
        .into_iter()
        .map(|call| Call::decode(call.args[0].as_slice()).unwrap())
        .collect()
}

/// Subscribes on `connected`, reports what it sees, declines offers from
/// inside the callback, and panics on an offer named "panic".
struct Recorder(Sender<String>);

impl Scheduler for Recorder {
    fn connected(&mut self, connection: &Connection) {
        self.0.send("connected".into()).unwrap();
        connection.subscribe(framework()).unwrap();
    }

    fn subscribed(&mut self, connection: &Connection, subscribed: event::Subscribed) {
        assert_eq!(
            connection.framework_id(),
            Some(subscribed.framework_id.clone())
        );
        self.0
            .send(format!("subscribed {}", subscribed.framework_id.value))
            .unwrap();
    }

    fn offers(&mut self, connection: &Connection, offers: event::Offers) {
        let ids: Vec<OfferId> = offers.offers.into_iter().map(|offer| offer.id).collect();
        if ids.iter().any(|id| id.value == "panic") {
            panic!("an offer named panic");
        }
        let names: Vec<String> = ids.iter().map(|id| id.value.clone()).collect();
        connection.decline(ids, None).unwrap();
        self.0.send(format!("offers {}", names.join(","))).unwrap();
    }

    fn update_operation_status(&mut self, _: &Connection, update: event::UpdateOperationStatus) {
        self.0
            .send(format!("operation {:?}", update.status.state()))
            .unwrap();
    }

    fn heartbeat(&mut self, _: &Connection) {
        self.0.send("heartbeat".into()).unwrap();
    }

    fn error(&mut self, _: &Connection, message: String) {
        self.0.send(format!("error {message}")).unwrap();
    }
}

fn recorder(master: &str) -> (Mesos, mpsc::Receiver<String>) {
    let (sender, receiver) = mpsc::channel();
    let mesos = Mesos::builder(Recorder(sender), master)
        .shim(crate::support::double())
        .build()
        .unwrap();
    (mesos, receiver)
}

#[test]
fn events_reach_their_methods_and_typed_calls_carry_the_framework_id() {
    let master = "v1-events:5050";
    let (mesos, seen) = recorder(master);
    assert_eq!(mesos.start().unwrap(), DriverStatus::Running);
    let double = v1_scheduler(master);

    double.connected();
    assert_eq!(seen.recv_timeout(WAIT).unwrap(), "connected");
    double.received(vec![subscribed("fw-1"), offers(&["o1", "o2"])]);
    assert_eq!(seen.recv_timeout(WAIT).unwrap(), "subscribed fw-1");
    assert_eq!(seen.recv_timeout(WAIT).unwrap(), "offers o1,o2");
    assert_eq!(mesos.framework_id().unwrap().value, "fw-1");

    let calls = calls_sent(master);
    assert_eq!(calls[0].r#type(), call::Type::Subscribe);
    assert_eq!(
        calls[0].subscribe.as_ref().unwrap().framework_info.name,
        "v1-test"
    );
    assert_eq!(calls[1].r#type(), call::Type::Decline);
    assert_eq!(calls[1].framework_id.as_ref().unwrap().value, "fw-1");
    let declined: Vec<&str> = calls[1]
        .decline
        .as_ref()
        .unwrap()
        .offer_ids
        .iter()
        .map(|id| id.value.as_str())
        .collect();
    assert_eq!(declined, ["o1", "o2"]);

    mesos
        .accept(call::Accept {
            offer_ids: vec![OfferId { value: "o3".into() }],
            ..Default::default()
        })
        .unwrap();
    let accept = calls_sent(master).pop().unwrap();
    assert_eq!(accept.r#type(), call::Type::Accept);
    assert_eq!(accept.framework_id.unwrap().value, "fw-1");

    let mut status = OperationStatus {
        operation_id: Some(OperationId {
            value: "op-1".into(),
        }),
        ..Default::default()
    };
    status.set_state(OperationState::OperationFinished);
    double.received(vec![
        event(
            |event| event.update_operation_status = Some(event::UpdateOperationStatus { status }),
            event::Type::UpdateOperationStatus,
        ),
        event(|_| {}, event::Type::Heartbeat),
    ]);
    assert_eq!(
        seen.recv_timeout(WAIT).unwrap(),
        "operation OperationFinished"
    );
    assert_eq!(seen.recv_timeout(WAIT).unwrap(), "heartbeat");

    assert_eq!(mesos.stop().unwrap(), DriverStatus::Stopped);
    assert_eq!(mesos.join().unwrap(), DriverStatus::Stopped);
    drop(mesos);
    // The last handle is the heartbeat monitor's, which lets go within a
    // tick of the drop.
    freed_soon(&double.driver);
    assert!(double.driver.fatal_calls().is_empty());
}

fn freed_soon(driver: &Arc<mesos_native_double::DriverDouble>) {
    let driver = Arc::clone(driver);
    within("the last handle's release", WAIT, move || {
        while !driver.is_freed() {
            std::thread::sleep(Duration::from_millis(5));
        }
    });
}

#[test]
fn a_typed_call_before_subscribed_says_to_subscribe_first() {
    let master = "v1-unsubscribed:5050";
    let (mesos, _seen) = recorder(master);
    mesos.start().unwrap();
    let error = mesos.revive(call::Revive::default()).unwrap_err();
    assert!(
        matches!(&error, Error::InvalidArgument { reason, .. } if reason.contains("SUBSCRIBED")),
        "{error}"
    );
    assert!(calls_sent(master).is_empty());
}

#[test]
fn a_master_libmesos_cant_use_fails_start_with_the_reason() {
    let master = "fail-start:not an address";
    let (mesos, seen) = recorder(master);
    let error = mesos.start().unwrap_err();
    assert!(format!("{error}").contains("not an address"), "{error}");
    assert!(seen
        .recv_timeout(WAIT)
        .unwrap()
        .starts_with("error cannot use master"));
    let joined = mesos.run().unwrap_err();
    assert!(format!("{joined}").contains("not an address"), "{joined}");
}

#[test]
fn empty_and_nul_masters_are_refused_before_the_shim() {
    for master in ["", "127.0.0.1:5050\0"] {
        let (sender, _) = mpsc::channel();
        let error = Mesos::builder(Recorder(sender), master)
            .shim(crate::support::double())
            .build()
            .err()
            .unwrap();
        assert!(
            matches!(error, Error::InvalidArgument { what: "master", .. }),
            "{error}"
        );
    }
}

#[test]
fn a_panicking_callback_aborts_and_join_reports_it() {
    let master = "v1-panic:5050";
    let (mesos, seen) = recorder(master);
    mesos.start().unwrap();
    let double = v1_scheduler(master);
    double.connected();
    seen.recv_timeout(WAIT).unwrap();
    double.received(vec![offers(&["panic"])]);
    let joined = within("join after a panic", WAIT, move || {
        let result = mesos.join();
        drop(mesos);
        result
    });
    assert!(
        matches!(&joined, Err(Error::CallbackPanicked { callback, .. }) if callback.contains("received")),
        "{joined:?}"
    );
    // No later event reaches the scheduler.
    double.received(vec![offers(&["late"])]);
    assert!(seen.recv_timeout(Duration::from_millis(200)).is_err());
}

/// Drops its own owner from inside a callback.
struct DropsItself(Arc<Mutex<Option<Mesos>>>, Sender<()>);

impl Scheduler for DropsItself {
    fn heartbeat(&mut self, connection: &Connection) {
        self.0.lock().unwrap().take();
        // The lent connection still answers.
        let _ = connection.reconnect();
        self.1.send(()).unwrap();
    }
}

#[test]
fn dropping_the_owner_inside_a_callback_releases_it_afterwards() {
    let master = "v1-drop-inside:5050";
    let slot = Arc::new(Mutex::new(None));
    let (sender, done) = mpsc::channel();
    let mesos = Mesos::builder(DropsItself(Arc::clone(&slot), sender), master)
        .shim(crate::support::double())
        .build()
        .unwrap();
    mesos.start().unwrap();
    *slot.lock().unwrap() = Some(mesos);
    let double = v1_scheduler(master);
    double.received(vec![event(|_| {}, event::Type::Heartbeat)]);
    done.recv_timeout(WAIT).unwrap();
    within("release", WAIT, move || {
        while !double.driver.is_freed() {
            std::thread::sleep(Duration::from_millis(1));
        }
        assert!(!double.driver.was_freed_from_callback());
    });
}

fn agent_environment(key: &str) -> Vec<(String, String)> {
    [
        ("DOUBLE_KEY", key),
        ("MESOS_FRAMEWORK_ID", "fw-1"),
        ("MESOS_EXECUTOR_ID", "exec-1"),
        ("MESOS_SLAVE_PID", "slave(1)@127.0.0.1:5051"),
        ("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", "5secs"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// Subscribes, then finishes every task of what it is given.
struct Finisher(Sender<String>);

impl Finisher {
    fn finish(&self, connection: &executor::Connection, task: TaskInfo) {
        let mut status = mesos_native::proto::v1::TaskStatus {
            task_id: task.task_id.clone(),
            ..Default::default()
        };
        status.set_state(TaskState::TaskFinished);
        connection.update_status(status).unwrap();
        self.0
            .send(format!("finished {}", task.task_id.value))
            .unwrap();
    }
}

impl Executor for Finisher {
    fn connected(&mut self, connection: &executor::Connection) {
        connection.subscribe(Default::default()).unwrap();
    }

    fn launch(&mut self, connection: &executor::Connection, launch: v1_executor::event::Launch) {
        self.finish(connection, launch.task);
    }

    fn launch_group(
        &mut self,
        connection: &executor::Connection,
        launch: v1_executor::event::LaunchGroup,
    ) {
        for task in launch.task_group.tasks {
            self.finish(connection, task);
        }
    }
}

fn task(id: &str) -> TaskInfo {
    TaskInfo {
        name: id.into(),
        task_id: TaskId { value: id.into() },
        agent_id: AgentId {
            value: "agent-0".into(),
        },
        ..Default::default()
    }
}

#[test]
fn the_v1_executor_runs_launch_and_launch_group_and_fills_in_its_updates() {
    let key = "v1-executor";
    let (sender, seen) = mpsc::channel();
    let mesos = executor::Mesos::builder(Finisher(sender))
        .environment(agent_environment(key))
        .shim(crate::support::double())
        .build()
        .unwrap();
    mesos.start().unwrap();
    let double = executor_double(key);
    double.connected();
    let mut launch = v1_executor::Event::default();
    launch.set_type(v1_executor::event::Type::Launch);
    launch.launch = Some(Box::new(v1_executor::event::Launch { task: task("t1") }));
    let mut group = v1_executor::Event::default();
    group.set_type(v1_executor::event::Type::LaunchGroup);
    group.launch_group = Some(v1_executor::event::LaunchGroup {
        task_group: TaskGroupInfo {
            tasks: vec![task("g1"), task("g2")],
        },
    });
    double.received(vec![launch.encode_to_vec(), group.encode_to_vec()]);
    for expected in ["finished t1", "finished g1", "finished g2"] {
        assert_eq!(seen.recv_timeout(WAIT).unwrap(), expected);
    }

    let calls: Vec<v1_executor::Call> = double
        .driver
        .calls_named("send")
        .into_iter()
        .map(|call| v1_executor::Call::decode(call.args[0].as_slice()).unwrap())
        .collect();
    assert_eq!(calls[0].r#type(), v1_executor::call::Type::Subscribe);
    for call in &calls {
        assert_eq!(call.framework_id.value, "fw-1");
        assert_eq!(call.executor_id.value, "exec-1");
    }
    let status = &calls[1].update.as_ref().unwrap().status;
    assert_eq!(status.state(), TaskState::TaskFinished);
    assert_eq!(status.uuid.as_ref().map(Vec::len), Some(16));
    assert!(status.timestamp.is_some());
    assert_eq!(
        status.source(),
        mesos_native::proto::v1::task_status::Source::Executor
    );
    assert_ne!(
        calls[1].update.as_ref().unwrap().status.uuid,
        calls[2].update.as_ref().unwrap().status.uuid
    );
    mesos.stop().unwrap();
    drop(mesos);
    assert!(double.driver.fatal_calls().is_empty());
}

#[test]
fn a_v1_executor_outside_an_agent_is_refused_before_libmesos_exits() {
    let mut environment = agent_environment("v1-no-pid");
    environment.retain(|(name, _)| name != "MESOS_SLAVE_PID");
    let error = executor::Mesos::builder(Finisher(mpsc::channel().0))
        .environment(environment)
        .shim(crate::support::double())
        .build()
        .err()
        .unwrap();
    assert!(
        format!("{error}").contains("MESOS_SLAVE_PID is not set"),
        "{error}"
    );

    let mut environment = agent_environment("v1-bad-duration");
    environment.push(("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD".into(), "soon".into()));
    environment
        .retain(|(name, value)| name != "MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD" || value == "soon");
    let error = executor::Mesos::builder(Finisher(mpsc::channel().0))
        .environment(environment)
        .shim(crate::support::double())
        .build()
        .err()
        .unwrap();
    assert!(format!("{error}").contains("is not a duration"), "{error}");
}

/// Subscribes on every `connected`, and counts the connections.
struct Resubscriber(Sender<String>);

impl Scheduler for Resubscriber {
    fn connected(&mut self, connection: &Connection) {
        self.0.send("connected".into()).unwrap();
        connection.subscribe(framework()).unwrap();
    }

    fn disconnected(&mut self, _: &Connection) {
        self.0.send("disconnected".into()).unwrap();
    }

    fn error(&mut self, _: &Connection, message: String) {
        self.0.send(format!("error {message}")).unwrap();
    }
}

#[test]
fn missed_heartbeats_reconnect_and_the_binding_subscribes_again_with_the_id() {
    let master = "v1-heartbeats:5050";
    let (sender, seen) = mpsc::channel();
    let mesos = Mesos::builder(Resubscriber(sender), master)
        .shim(crate::support::double())
        .heartbeats(Some(mesos_native::v1::scheduler::Heartbeats {
            missed: 2.0,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(1),
        }))
        .build()
        .unwrap();
    mesos.start().unwrap();
    let double = v1_scheduler(master);
    double.connected();
    assert_eq!(seen.recv_timeout(WAIT).unwrap(), "connected");
    // Heartbeats every 0.1 s, and then none: reconnect after 0.2 s.
    let mut subscribed = Event::default();
    subscribed.set_type(event::Type::Subscribed);
    subscribed.subscribed = Some(event::Subscribed {
        framework_id: FrameworkId {
            value: "fw-hb".into(),
        },
        heartbeat_interval_seconds: Some(0.1),
        ..Default::default()
    });
    double.received(vec![subscribed.encode_to_vec()]);
    let reconnect = double.driver.wait_for_call("reconnect");
    assert!(reconnect.is_some(), "no reconnect after missed heartbeats");
    // libmesos then reconnects: one SUBSCRIBE for the new connection, with
    // the id (the scheduler subscribes without one; the binding fills it
    // in, and does not add a second SUBSCRIBE).
    double.disconnected();
    double.connected();
    assert_eq!(seen.recv_timeout(WAIT).unwrap(), "disconnected");
    assert_eq!(seen.recv_timeout(WAIT).unwrap(), "connected");
    double.driver.wait_idle();
    let subscribes = || {
        calls_sent(master)
            .into_iter()
            .filter(|call| call.r#type() == call::Type::Subscribe)
            .collect::<Vec<_>>()
    };
    assert_eq!(subscribes().len(), 2, "{:?}", subscribes());
    assert_eq!(
        subscribes()[1].framework_id.as_ref().unwrap().value,
        "fw-hb"
    );
    // No SUBSCRIBED comes: the binding tries again after its backoff.
    within("a second try", WAIT, move || {
        while subscribes().len() < 3 {
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    drop(mesos);
    freed_soon(&double.driver);
}

#[test]
fn a_removed_framework_is_told_why_and_never_subscribed_again_with_its_id() {
    let master = "v1-removed:5050";
    let (sender, seen) = mpsc::channel();
    let mesos = Mesos::builder(Resubscriber(sender), master)
        .shim(crate::support::double())
        .heartbeats(Some(mesos_native::v1::scheduler::Heartbeats {
            missed: 3.0,
            initial_backoff: Duration::from_millis(50),
            max_backoff: Duration::from_millis(100),
        }))
        .build()
        .unwrap();
    mesos.start().unwrap();
    let double = v1_scheduler(master);
    double.connected();
    assert_eq!(seen.recv_timeout(WAIT).unwrap(), "connected");
    double.received(vec![subscribed("fw-gone")]);
    // A partition longer than the failover timeout: the connection comes
    // back, the binding subscribes again with the id, and the master
    // answers that it removed the framework, then closes the connection.
    double.disconnected();
    double.connected();
    assert_eq!(seen.recv_timeout(WAIT).unwrap(), "disconnected");
    assert_eq!(seen.recv_timeout(WAIT).unwrap(), "connected");
    double.received(vec![event(
        |event| {
            event.error = Some(event::Error {
                message: "Framework has been removed".into(),
            })
        },
        event::Type::Error,
    )]);
    let told = seen.recv_timeout(WAIT).unwrap();
    assert!(
        told.starts_with("error Framework has been removed ("),
        "{told}"
    );
    assert!(told.contains("without the id"), "{told}");
    // However long it waits, the binding sends the dead id no more...
    double.driver.wait_idle();
    let subscribes = || {
        calls_sent(master)
            .into_iter()
            .filter(|call| call.r#type() == call::Type::Subscribe)
            .collect::<Vec<_>>()
    };
    let before = subscribes().len();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(subscribes().len(), before, "{:?}", subscribes());
    // ...and the scheduler's next subscribe (it names no id) registers a
    // new framework.
    double.disconnected();
    double.connected();
    assert_eq!(seen.recv_timeout(WAIT).unwrap(), "disconnected");
    assert_eq!(seen.recv_timeout(WAIT).unwrap(), "connected");
    double.driver.wait_idle();
    let last = subscribes().pop().unwrap();
    assert_eq!(last.framework_id, None, "{last:?}");
    assert_eq!(
        last.subscribe.unwrap().framework_info.id,
        None,
        "a new framework"
    );
    drop(mesos);
    freed_soon(&double.driver);
}

#[test]
fn call_answers_with_the_masters_result_and_a_refused_call_never_calls_back() {
    let master = "v1-call:5050";
    let (mesos, _seen) = recorder(master);
    mesos.start().unwrap();
    let double = v1_scheduler(master);
    let mut teardown = Call::default();
    teardown.set_type(call::Type::Teardown);
    let answer = mesos.call(&teardown, WAIT).unwrap();
    assert_eq!(answer.status_code, 202);
    assert!(double.driver.calls_named("call_async").len() == 1);

    mesos.stop().unwrap();
    let refused = mesos.call_async(&teardown);
    assert!(refused.is_answered(), "a refused call is answered at once");
    let refused = refused.wait(Duration::ZERO);
    assert!(
        matches!(refused, Err(Error::NotRunning { .. })),
        "{refused:?}"
    );
    drop(mesos);
    freed_soon(&double.driver);
}

/// Records the connection watchdog's diagnosis, and `connected`.
struct Stalls(Sender<Result<(), mesos_native::v1::scheduler::ConnectionStalled>>);

impl Scheduler for Stalls {
    fn connected(&mut self, _: &Connection) {
        let _ = self.0.send(Ok(()));
    }

    fn connection_stalled(
        &mut self,
        _: &Connection,
        stalled: mesos_native::v1::scheduler::ConnectionStalled,
    ) {
        let _ = self.0.send(Err(stalled));
    }
}

#[test]
fn a_v1_scheduler_that_never_connects_is_told_why_within_its_timeout() {
    use mesos_native::v1::scheduler::MasterProbe;
    // A port nothing listens at: the probe finds the master refusing.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let master = closed.local_addr().unwrap().to_string();
    drop(closed);
    let (sender, seen) = mpsc::channel();
    let mesos = Mesos::builder(Stalls(sender), &*master)
        .connection_timeout(Some(Duration::from_millis(300)))
        .shim(crate::support::double())
        .build()
        .unwrap();
    mesos.start().unwrap();
    let stalled = seen
        .recv_timeout(WAIT)
        .expect("no connection in 300 ms: the watchdog says why")
        .expect_err("the double never connects by itself");
    assert_eq!(stalled.master, master);
    assert_eq!(stalled.probe, MasterProbe::Refused);
    assert!(stalled.waited >= Duration::from_millis(300));
    assert!(
        stalled.to_string().contains("nothing accepts connections"),
        "{stalled}"
    );
    // Once: libmesos keeps trying, and nothing more is said; when it
    // connects, the scheduler hears it as usual.
    assert!(seen.recv_timeout(Duration::from_millis(500)).is_err());
    assert_eq!(mesos.status(), DriverStatus::Running);
    v1_scheduler(&master).connected();
    assert_eq!(seen.recv_timeout(WAIT).unwrap(), Ok(()));
}

#[test]
fn a_v1_scheduler_that_connects_in_time_hears_nothing_from_the_watchdog() {
    let master = "v1-connects:5050";
    let (sender, seen) = mpsc::channel();
    let mesos = Mesos::builder(Stalls(sender), master)
        .connection_timeout(Some(Duration::from_millis(300)))
        .shim(crate::support::double())
        .build()
        .unwrap();
    mesos.start().unwrap();
    v1_scheduler(master).connected();
    assert_eq!(seen.recv_timeout(WAIT).unwrap(), Ok(()));
    assert!(seen.recv_timeout(Duration::from_secs(1)).is_err());
}
