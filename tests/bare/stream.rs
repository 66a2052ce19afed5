//! `mesos_native::stream` against the shim's test double, whose callbacks come
//! from a thread of its own as libmesos's do: order, back-pressure, and no
//! deadlock when either side goes away. Needs `--features stream` (the
//! README's test command has `--all-features`).

#[cfg(not(feature = "stream"))]
#[test]
fn stream_tests_need_the_stream_feature() {
    let message = "SKIPPED: tests/bare/stream.rs needs `--features stream` (or --all-features)";
    eprintln!("{message}");
    assert!(
        std::env::var_os("MESOS_TEST_REQUIRE").is_none(),
        "{message}"
    );
}

#[cfg(feature = "stream")]
use crate::support::within;

#[cfg(feature = "stream")]
mod with_the_feature {
    use std::future::Future;
    use std::pin::pin;
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};
    use std::thread::{self, Thread};
    use std::time::{Duration, Instant};

    use mesos_native::proto::{
        FrameworkId, FrameworkInfo, MasterInfo, TaskId, TaskState, TaskStatus,
    };
    use mesos_native::stream::{self, SchedulerEvent};
    use mesos_native::MesosSchedulerDriver;
    use mesos_native_double::{scheduler, SchedulerDouble};
    use prost::Message;

    use super::within::within;

    /// A minimal executor: polls `future` on this thread, parking between
    /// wake-ups. (The adapter is runtime-agnostic; no runtime needed.)
    fn block_on<F: Future>(future: F) -> F::Output {
        struct Unpark(Thread);
        impl Wake for Unpark {
            fn wake(self: Arc<Self>) {
                self.0.unpark();
            }
        }
        let waker = Waker::from(Arc::new(Unpark(thread::current())));
        let mut context = Context::from_waker(&waker);
        let mut future = pin!(future);
        loop {
            match future.as_mut().poll(&mut context) {
                Poll::Ready(output) => return output,
                Poll::Pending => thread::park_timeout(Duration::from_secs(1)),
            }
        }
    }

    fn started(
        name: &str,
        capacity: usize,
    ) -> (
        MesosSchedulerDriver,
        Arc<SchedulerDouble>,
        stream::Events<SchedulerEvent>,
    ) {
        let (forward, events) = stream::scheduler(capacity);
        let framework = FrameworkInfo {
            name: name.into(),
            ..Default::default()
        };
        let driver = MesosSchedulerDriver::builder(forward, framework, "double")
            .shim(crate::support::double())
            .build()
            .unwrap();
        driver.start().unwrap();
        (driver, scheduler(name), events)
    }

    fn update(task: &str) -> Vec<u8> {
        let mut status = TaskStatus {
            task_id: TaskId { value: task.into() },
            ..Default::default()
        };
        status.set_state(TaskState::TaskRunning);
        status.encode_to_vec()
    }

    fn task_of(event: Option<SchedulerEvent>) -> String {
        match event {
            Some(SchedulerEvent::StatusUpdate { status }) => status.task_id.value,
            other => panic!("expected a status update, got {other:?}"),
        }
    }

    #[test]
    fn callbacks_arrive_as_events_in_order() {
        let (driver, double, mut events) = started("stream-order", 16);
        let id = FrameworkId { value: "fw".into() };
        double.registered(id.encode_to_vec(), MasterInfo::default().encode_to_vec());
        double.resource_offers(vec![]);
        double.status_update(update("a"));
        double.disconnected();

        block_on(async {
            assert_eq!(
                events.recv().await,
                Some(SchedulerEvent::Registered {
                    framework_id: id,
                    master_info: MasterInfo::default(),
                })
            );
            assert_eq!(
                events.recv().await,
                Some(SchedulerEvent::ResourceOffers { offers: vec![] })
            );
            assert_eq!(task_of(events.recv().await), "a");
            assert_eq!(events.recv().await, Some(SchedulerEvent::Disconnected));
        });
        drop(driver);
        assert_eq!(
            block_on(events.recv()),
            None,
            "the stream ends with its driver"
        );
    }

    #[test]
    fn a_slow_consumer_holds_the_callbacks_back_and_loses_nothing() {
        let (_driver, double, mut events) = started("stream-slow", 2);
        for i in 0..20 {
            double.status_update(update(&i.to_string()));
        }
        // The callback thread waits once two are queued.
        let deadline = Instant::now() + Duration::from_secs(5);
        while events.queued() < 2 && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(5));
        }
        thread::sleep(Duration::from_millis(100));
        assert_eq!(events.queued(), 2, "never more than the capacity");
        let tasks: Vec<String> = block_on(async {
            let mut tasks = Vec::new();
            for _ in 0..20 {
                tasks.push(task_of(events.recv().await));
            }
            tasks
        });
        let expected: Vec<String> = (0..20).map(|i: i32| i.to_string()).collect();
        assert_eq!(tasks, expected);
    }

    #[test]
    fn dropping_the_stream_releases_a_waiting_callback() {
        let (driver, double, events) = started("stream-dropped", 1);
        for i in 0..5 {
            double.status_update(update(&i.to_string()));
        }
        thread::sleep(Duration::from_millis(100)); // one queued, one waiting
        drop(events);
        assert!(double.driver.wait_idle(), "every callback returned");
        assert!(driver.status() == mesos_native::DriverStatus::Running);
    }

    #[test]
    fn dropping_the_driver_while_a_callback_waits_for_room_does_not_hang() {
        let (driver, double, mut events) = started("stream-driver-dropped", 1);
        for i in 0..3 {
            double.status_update(update(&i.to_string()));
        }
        thread::sleep(Duration::from_millis(100)); // one queued, one waiting
        within("dropping the driver", Duration::from_secs(5), move || {
            drop(driver)
        });
        // What was queued is still read, then the stream ends.
        assert_eq!(task_of(block_on(events.recv())), "0");
        assert_eq!(block_on(events.recv()), None);
    }
}
