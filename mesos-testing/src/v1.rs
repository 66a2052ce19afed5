//! The v1 API's harnesses: a [`v1::scheduler::Scheduler`] or
//! [`v1::executor::Executor`] behind a real `Mesos` of the crate over the
//! in-process double, events fired on the test's thread, every call read
//! back. v1 calls are typed messages already (`mesos.v1.scheduler.Call`),
//! so the record is those messages, plus the lifecycle.
//!
//! ```
//! use mesos_native::proto::v1::scheduler::{call, event};
//! use mesos_native::v1::scheduler::{Connection, Scheduler};
//! use mesos_native_testing::offers::OfferBuilder;
//! use mesos_native_testing::v1::{to_v1, V1SchedulerHarness};
//!
//! /// Declines every offer.
//! struct Idle;
//! impl Scheduler for Idle {
//!     fn offers(&mut self, connection: &Connection, offers: event::Offers) {
//!         let ids = offers.offers.into_iter().map(|offer| offer.id).collect();
//!         connection.decline(ids, None).unwrap();
//!     }
//! }
//!
//! let harness = V1SchedulerHarness::new(Idle);
//! harness.subscribed("framework-0");
//! harness.offers([to_v1(&OfferBuilder::new("agent-0").resources("cpus:1").build())]);
//! let sent = harness.sent();
//! assert_eq!(sent[0].r#type(), call::Type::Decline);
//! ```

use std::sync::Arc;

use mesos_native::proto::v1::executor as v1_executor;
use mesos_native::proto::v1::scheduler::{event, Call, Event};
use mesos_native::proto::v1::{
    AgentId, FrameworkId, Offer, OfferId, TaskId, TaskState, TaskStatus,
};
use mesos_native::v1;
use mesos_native_double::{V1ExecutorDouble, V1SchedulerDouble};
use prost::Message;

pub use crate::calls::{V1ExecutorCall, V1SchedulerCall};
use crate::harness::Recorder;

/// A v0 message as its v1 twin: the two schemas are wire-compatible, so
/// the [`offers`](crate::offers) builders serve v1 tests too.
pub fn to_v1<V0: Message, V1: Message + Default>(message: &V0) -> V1 {
    V1::decode(message.encode_to_vec().as_slice())
        .expect("mesos-native-testing: the v0 and v1 schemas are wire-compatible")
}

/// A v1 [`Scheduler`](v1::scheduler::Scheduler) under test (heartbeat
/// monitoring off: the test decides when time passes).
pub struct V1SchedulerHarness {
    driver: v1::scheduler::Mesos,
    double: Arc<V1SchedulerDouble>,
    recorder: Recorder,
}

impl V1SchedulerHarness {
    /// `scheduler` behind a started `Mesos`; `connected` has not fired yet.
    pub fn new(scheduler: impl v1::scheduler::Scheduler + 'static) -> Self {
        let mesos = v1::scheduler::Mesos::builder(scheduler, "mesos-testing")
            .heartbeats(None)
            // The test fires `connected` when it wants to: no watchdog.
            .connection_timeout(None)
            .shim(crate::shim())
            .build()
            .unwrap_or_else(|error| {
                panic!("mesos-native-testing: cannot create the scheduler: {error}")
            });
        Self::attached(mesos, mesos_native_double::v1_scheduler_created_here())
    }

    /// The connection, as the scheduler's callbacks get it.
    pub fn connection(&self) -> &v1::scheduler::Connection {
        &self.driver
    }

    /// Fires `connected`, then a `SUBSCRIBED` event for `framework_id`.
    pub fn subscribed(&self, framework_id: &str) {
        self.connected();
        self.received([Event {
            r#type: Some(event::Type::Subscribed as i32),
            subscribed: Some(event::Subscribed {
                framework_id: FrameworkId {
                    value: framework_id.into(),
                },
                ..Default::default()
            }),
            ..Default::default()
        }]);
    }

    /// Fires an `OFFERS` event.
    pub fn offers(&self, offers: impl IntoIterator<Item = Offer>) {
        self.received([Event {
            r#type: Some(event::Type::Offers as i32),
            offers: Some(event::Offers {
                offers: offers.into_iter().collect(),
            }),
            ..Default::default()
        }]);
    }

    /// Fires a `RESCIND` event.
    pub fn rescind(&self, offer_id: &OfferId) {
        self.received([Event {
            r#type: Some(event::Type::Rescind as i32),
            rescind: Some(event::Rescind {
                offer_id: offer_id.clone(),
            }),
            ..Default::default()
        }]);
    }

    /// Fires an `UPDATE` event for `task` on `agent` in `state`, with a
    /// fresh `uuid` (so it is to be acknowledged).
    pub fn task_state(&self, task: &str, agent: &str, state: TaskState) {
        let mut status = TaskStatus {
            task_id: TaskId { value: task.into() },
            agent_id: Some(AgentId {
                value: agent.into(),
            }),
            uuid: Some(self.recorder.next_uuid()),
            ..Default::default()
        };
        status.set_state(state);
        self.received([Event {
            r#type: Some(event::Type::Update as i32),
            update: Some(event::Update { status }),
            ..Default::default()
        }]);
    }

    /// Fires an `ERROR` event.
    pub fn error(&self, message: &str) {
        self.received([Event {
            r#type: Some(event::Type::Error as i32),
            error: Some(event::Error {
                message: message.into(),
            }),
            ..Default::default()
        }]);
    }

    /// The calls sent to the master so far (sent or awaited), in order.
    pub fn sent(&self) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter_map(|call| match call {
                V1SchedulerCall::Send { call } | V1SchedulerCall::CallAsync { call } => Some(call),
                _ => None,
            })
            .collect()
    }
}

/// A v1 [`Executor`](v1::executor::Executor) under test, in the
/// environment an agent gives executor `executor-0` of framework
/// `framework-0` on `agent-0`.
pub struct V1ExecutorHarness {
    driver: v1::executor::Mesos,
    double: Arc<V1ExecutorDouble>,
    recorder: Recorder,
}

impl V1ExecutorHarness {
    /// `executor` behind a started `Mesos`; `connected` has not fired yet.
    pub fn new(executor: impl v1::executor::Executor + 'static) -> Self {
        let sandbox = std::env::temp_dir().display().to_string();
        let environment = [
            ("MESOS_AGENT_ENDPOINT", "127.0.0.1:5051"),
            ("MESOS_SLAVE_PID", "slave(1)@127.0.0.1:5051"),
            ("MESOS_SLAVE_ID", "agent-0"),
            ("MESOS_FRAMEWORK_ID", "framework-0"),
            ("MESOS_EXECUTOR_ID", "executor-0"),
            ("MESOS_DIRECTORY", sandbox.as_str()),
        ];
        let mesos = v1::executor::Mesos::builder(executor)
            .environment(environment)
            .shim(crate::shim())
            .build()
            .unwrap_or_else(|error| {
                panic!("mesos-native-testing: cannot create the executor: {error}")
            });
        Self::attached(mesos, mesos_native_double::v1_executor_created_here())
    }

    /// The connection, as the executor's callbacks get it.
    pub fn connection(&self) -> &v1::executor::Connection {
        &self.driver
    }

    /// The calls sent to the agent so far, in order.
    pub fn sent(&self) -> Vec<v1_executor::Call> {
        self.calls()
            .into_iter()
            .filter_map(|call| match call {
                V1ExecutorCall::Send { call } => Some(call),
                _ => None,
            })
            .collect()
    }
}

harness_basics!(
    V1SchedulerHarness,
    v1::scheduler::Mesos,
    V1SchedulerDouble,
    V1SchedulerCall,
    crate::calls::typed_v1_scheduler
);

harness_basics!(
    V1ExecutorHarness,
    v1::executor::Mesos,
    V1ExecutorDouble,
    V1ExecutorCall,
    crate::calls::typed_v1_executor
);
