//! The kit itself: callbacks on the test's thread, in order; every call
//! typed; a callback's panic raised in the test.

use std::thread::{self, ThreadId};

use mesos_native::proto::{
    Filters, FrameworkInfo, Offer, OfferId, TaskId, TaskInfo, TaskState, TaskStatus,
};
use mesos_native::{Executor, ExecutorDriver, Scheduler, SchedulerDriver};
use mesos_native_testing::offers::OfferBuilder;
use mesos_native_testing::{ExecutorCall, ExecutorHarness, SchedulerCall, SchedulerHarness};

/// Records the thread of each callback, and acknowledges, kills,
/// reconciles, revives and suppresses as told by the task's state.
struct Busy {
    threads: std::sync::Arc<std::sync::Mutex<Vec<ThreadId>>>,
}

impl Scheduler for Busy {
    fn resource_offers(&mut self, driver: &SchedulerDriver, offers: Vec<Offer>) {
        self.threads.lock().unwrap().push(thread::current().id());
        for offer in offers {
            driver
                .decline_offer(&offer.id, &Filters::default())
                .unwrap();
        }
        driver
            .suppress_offers_for_roles(&["a".to_string()])
            .unwrap();
    }

    fn status_update(&mut self, driver: &SchedulerDriver, status: TaskStatus) {
        self.threads.lock().unwrap().push(thread::current().id());
        driver.acknowledge_status_update(&status).unwrap();
        match status.state() {
            TaskState::TaskRunning => driver.kill_task(&status.task_id).unwrap(),
            TaskState::TaskLost => driver.reconcile_tasks(&[status]).unwrap(),
            _ => driver.revive_offers().unwrap(),
        }
    }

    fn offer_rescinded(&mut self, _: &SchedulerDriver, offer_id: OfferId) {
        panic!("offer {} rescinded", offer_id.value);
    }
}

fn busy() -> (
    SchedulerHarness,
    std::sync::Arc<std::sync::Mutex<Vec<ThreadId>>>,
) {
    let threads = std::sync::Arc::default();
    let scheduler = Busy {
        threads: std::sync::Arc::clone(&threads),
    };
    let harness =
        SchedulerHarness::with_explicit_acknowledgements(scheduler, FrameworkInfo::default());
    (harness, threads)
}

#[test]
fn callbacks_run_on_the_tests_thread_and_every_call_comes_back_typed() {
    let (mut harness, threads) = busy();
    harness.register();
    let offer = OfferBuilder::new("agent-0").resources("cpus:1").build();
    harness.offers([offer.clone()]);
    harness.task_state("t", "agent-0", TaskState::TaskRunning);
    harness.task_state("t", "agent-0", TaskState::TaskLost);

    assert!(threads
        .lock()
        .unwrap()
        .iter()
        .all(|id| *id == thread::current().id()));
    let calls = harness.take_calls();
    let names: Vec<&str> = calls
        .iter()
        .map(|call| match call {
            SchedulerCall::DeclineOffer { offer_id, .. } => {
                assert_eq!(*offer_id, offer.id);
                "decline"
            }
            SchedulerCall::SuppressOffersForRoles { roles } => {
                assert_eq!(roles, &["a"]);
                "suppress"
            }
            SchedulerCall::AcknowledgeStatusUpdate { status } => {
                assert_eq!(status.uuid.as_ref().map(Vec::len), Some(16));
                "acknowledge"
            }
            SchedulerCall::KillTask { task_id } => {
                assert_eq!(task_id.value, "t");
                "kill"
            }
            SchedulerCall::ReconcileTasks { statuses } => {
                assert_eq!(statuses[0].state(), TaskState::TaskLost);
                "reconcile"
            }
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(
        names,
        [
            "decline",
            "suppress",
            "acknowledge",
            "kill",
            "acknowledge",
            "reconcile"
        ]
    );
    assert!(harness.take_calls().is_empty(), "taken once");
    assert_eq!(harness.calls().len(), 6, "but still all there");

    harness.task_state("t", "agent-0", TaskState::TaskKilled);
    assert_eq!(
        harness.take_calls().last(),
        Some(&SchedulerCall::ReviveOffers)
    );
}

#[test]
#[should_panic(expected = "offer o-1 rescinded")]
fn a_panic_in_a_callback_fails_the_test_where_the_callback_was_fired() {
    let (harness, _) = busy();
    harness.rescind(&OfferId {
        value: "o-1".into(),
    });
}

#[test]
fn an_error_from_the_master_aborts_the_driver_without_failing_the_test() {
    let (harness, _) = busy();
    harness.error("framework removed");
    assert_eq!(harness.status(), mesos_native::DriverStatus::Aborted);
}

struct Echo;

impl Executor for Echo {
    fn launch_task(&mut self, driver: &ExecutorDriver, task: TaskInfo) {
        let mut status = TaskStatus {
            task_id: task.task_id,
            ..Default::default()
        };
        status.set_state(TaskState::TaskRunning);
        driver.send_status_update(&status).unwrap();
    }

    fn kill_task(&mut self, driver: &ExecutorDriver, _: TaskId) {
        driver.stop().unwrap();
    }

    fn framework_message(&mut self, driver: &ExecutorDriver, data: Vec<u8>) {
        driver.send_framework_message(&data).unwrap();
    }
}

#[test]
fn an_executor_is_driven_the_same_way() {
    let mut harness = ExecutorHarness::new(Echo);
    harness.register();
    harness.launch_task(&TaskInfo {
        task_id: TaskId { value: "t".into() },
        ..Default::default()
    });
    harness.framework_message(b"ping");
    harness.kill_task(&TaskId { value: "t".into() });
    let calls = harness.take_calls();
    assert!(
        matches!(&calls[0], ExecutorCall::SendStatusUpdate { status } if status.task_id.value == "t")
    );
    assert_eq!(
        calls[1..],
        [
            ExecutorCall::SendFrameworkMessage {
                data: b"ping".to_vec()
            },
            ExecutorCall::Stop
        ]
    );
    assert!(harness.is_stopped());
}

mod v1 {
    use mesos_native::proto::v1::scheduler::{call, event, Call};
    use mesos_native::proto::v1::TaskState;
    use mesos_native::v1::scheduler::{Connection, Scheduler};
    use mesos_native_testing::offers::OfferBuilder;
    use mesos_native_testing::v1::{to_v1, V1SchedulerCall, V1SchedulerHarness};

    /// Subscribes when connected, declines offers, acknowledges updates,
    /// asks the master something (awaited) on a rescind.
    struct Polite;

    impl Scheduler for Polite {
        fn connected(&mut self, connection: &Connection) {
            connection.subscribe(Default::default()).unwrap();
        }
        fn offers(&mut self, connection: &Connection, offers: event::Offers) {
            let ids = offers.offers.into_iter().map(|offer| offer.id).collect();
            connection.decline(ids, None).unwrap();
        }
        fn update(&mut self, connection: &Connection, update: event::Update) {
            let status = update.status;
            connection
                .acknowledge(call::Acknowledge {
                    agent_id: status.agent_id.clone().unwrap_or_default(),
                    task_id: status.task_id.clone(),
                    uuid: status.uuid.clone().unwrap_or_default(),
                })
                .unwrap();
            if status.state() == TaskState::TaskFinished {
                connection.stop().unwrap();
            }
        }
        fn rescind(&mut self, connection: &Connection, _: event::Rescind) {
            let request = Call {
                r#type: Some(call::Type::Reconcile as i32),
                ..Default::default()
            };
            connection
                .call(&request, std::time::Duration::from_secs(1))
                .unwrap();
        }
    }

    #[test]
    fn a_v1_scheduler_is_driven_the_same_way() {
        let mut harness = V1SchedulerHarness::new(Polite);
        harness.subscribed("framework-7");
        assert_eq!(
            harness.connection().framework_id().map(|id| id.value),
            Some("framework-7".into())
        );
        let offer = to_v1(&OfferBuilder::new("agent-0").resources("cpus:1").build());
        harness.offers([offer]);
        harness.rescind(&mesos_native::proto::v1::OfferId { value: "o".into() });
        harness.task_state("t", "agent-0", TaskState::TaskFinished);

        let calls = harness.take_calls();
        let kinds: Vec<_> = calls
            .iter()
            .map(|call| match call {
                V1SchedulerCall::Send { call } => format!("send {:?}", call.r#type()),
                V1SchedulerCall::CallAsync { call } => format!("request {:?}", call.r#type()),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "send Subscribe",
                "send Decline",
                "request Reconcile",
                "send Acknowledge",
                "Stop"
            ]
        );
        assert!(harness.is_stopped());
    }
}
