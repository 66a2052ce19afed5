//! The typed calls of a v1 executor: each builds a
//! `mesos.v1.executor.Call` of its type, with the executor's and the
//! framework's ids, and sends it.

use super::Connection;
use crate::error::Result;
use crate::proto::v1::executor::{call, Call};
use crate::proto::v1::TaskStatus;

impl Connection {
    /// Subscribes the executor; after a reconnection, list the tasks and
    /// updates the agent has not acknowledged.
    pub fn subscribe(&self, subscribe: call::Subscribe) -> Result<()> {
        self.send_typed(call::Type::Subscribe, |call| {
            call.subscribe = Some(subscribe)
        })
    }

    /// Reports a task's status (reliably: the agent retries it until the
    /// scheduler acknowledges). Give it a fresh `uuid` and the `source`
    /// and `timestamp` the agent expects; see
    /// [`update_status`](Connection::update_status) for one that does.
    pub fn update(&self, update: call::Update) -> Result<()> {
        self.send_typed(call::Type::Update, |call| call.update = Some(update))
    }

    /// [`update`](Connection::update) with the fields the agent requires
    /// filled in when unset: a random `uuid`, `source` = executor, the
    /// current `timestamp`, and this executor's id.
    pub fn update_status(&self, mut status: TaskStatus) -> Result<()> {
        let settings = self.settings();
        if status.uuid.is_none() {
            status.uuid = Some(crate::v1::uuid::random().to_vec());
        }
        if status.source.is_none() {
            status.set_source(crate::proto::v1::task_status::Source::Executor);
        }
        if status.timestamp.is_none() {
            status.timestamp = Some(crate::v1::uuid::now_seconds());
        }
        if status.executor_id.is_none() {
            status.executor_id = Some(settings.executor_id.clone());
        }
        self.update(call::Update { status })
    }

    /// Sends data to the scheduler (best effort).
    pub fn message(&self, data: Vec<u8>) -> Result<()> {
        self.send_typed(call::Type::Message, |call| {
            call.message = Some(call::Message { data })
        })
    }

    fn send_typed(&self, type_: call::Type, fill: impl FnOnce(&mut Call)) -> Result<()> {
        let settings = self.settings();
        let mut call = Call {
            executor_id: settings.executor_id.clone(),
            framework_id: settings.framework_id.clone(),
            ..Default::default()
        };
        call.set_type(type_);
        fill(&mut call);
        self.send(&call)
    }
}
