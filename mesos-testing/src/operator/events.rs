//! Master events for a [`FakeMaster`](super::FakeMaster) to push, built
//! as a master sends them.

use mesos_native::proto::v1::master::{event, response, Event};
use mesos_native::proto::v1::{FrameworkId, Task, TaskStatus};

/// SUBSCRIBED with `state`, announcing heartbeats every 15 seconds (the
/// master's default).
pub fn subscribed(state: response::GetState) -> Event {
    let mut event = Event {
        subscribed: Some(Box::new(event::Subscribed {
            get_state: Some(state),
            heartbeat_interval_seconds: Some(15.0),
        })),
        ..Default::default()
    };
    event.set_type(event::Type::Subscribed);
    event
}

/// HEARTBEAT.
pub fn heartbeat() -> Event {
    let mut event = Event::default();
    event.set_type(event::Type::Heartbeat);
    event
}

/// TASK_ADDED: the master learnt of `task`.
pub fn task_added(task: Task) -> Event {
    let mut event = Event {
        task_added: Some(Box::new(event::TaskAdded { task })),
        ..Default::default()
    };
    event.set_type(event::Type::TaskAdded);
    event
}

/// TASK_UPDATED: the task of `status` is now in `status.state`.
pub fn task_updated(framework_id: FrameworkId, status: TaskStatus) -> Event {
    let state = status.state;
    let mut event = Event {
        task_updated: Some(Box::new(event::TaskUpdated {
            framework_id,
            status,
            state,
        })),
        ..Default::default()
    };
    event.set_type(event::Type::TaskUpdated);
    event
}
