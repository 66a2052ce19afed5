//! The v1 twin of [`events`](super::events): a v1 scheduler that reports
//! the connection's ups and downs and every event on a channel (after
//! letting a closure react), and the tasks and frameworks the v1 fault and
//! feature tests launch.

use std::path::Path;
use std::sync::mpsc::{self, Sender};
use std::time::Duration;

use mesos_native::proto::v1::scheduler::{call, event, Event};
use mesos_native::proto::v1::{
    executor_info, framework_info, offer, CommandInfo, ExecutorId, ExecutorInfo, Filters,
    FrameworkInfo, Offer, Resource, TaskId, TaskInfo, TaskState, TaskStatus,
};
use mesos_native::resources::Resources;
use mesos_native::v1::evolve;
use mesos_native::v1::scheduler::{Connection, Scheduler};

use super::events::{Describe, Events};
use super::executor_command::{ExecutorSource, V1_EXECUTOR};

/// What the v1 scheduler saw.
#[derive(Debug, Clone)]
pub enum V1Ev {
    Connected,
    Disconnected,
    Event(Box<Event>),
}

impl V1Ev {
    /// The event, if this is one.
    pub fn event(&self) -> Option<&Event> {
        match self {
            V1Ev::Event(event) => Some(event),
            _ => None,
        }
    }

    /// The task status, if this is an `UPDATE`.
    pub fn status(&self) -> Option<&TaskStatus> {
        self.event()?.update.as_ref().map(|update| &update.status)
    }
}

impl Describe for V1Ev {
    fn describe(&self) -> String {
        let event = match self {
            V1Ev::Connected => return "connected".into(),
            V1Ev::Disconnected => return "disconnected".into(),
            V1Ev::Event(event) => event,
        };
        if let Some(subscribed) = &event.subscribed {
            return format!("subscribed as {}", subscribed.framework_id.value);
        }
        if let Some(offers) = &event.offers {
            return format!("{} offer(s)", offers.offers.len());
        }
        if let Some(inverse) = &event.inverse_offers {
            return format!("{} inverse offer(s)", inverse.inverse_offers.len());
        }
        if let Some(status) = self.status() {
            return format!(
                "task {} {:?} reason {:?}: {}",
                status.task_id.value,
                status.state(),
                status.reason.map(|_| status.reason()),
                status.message()
            );
        }
        if let Some(failure) = &event.failure {
            return format!(
                "failure: executor {:?} on {:?}, status {:?}",
                failure.executor_id.as_ref().map(|id| &id.value),
                failure.agent_id.as_ref().map(|id| &id.value),
                failure.status
            );
        }
        if let Some(error) = &event.error {
            return format!("error: {}", error.message);
        }
        format!("{:?}", event.r#type())
    }
}

/// Reacts with `react`, then sends what it saw to the test. Task status
/// updates are acknowledged first (a v1 framework must, or the agent holds
/// back the task's later updates).
pub struct V1Channel<F> {
    events: Sender<V1Ev>,
    react: F,
}

/// A v1 scheduler and the receiving end of what it sees.
pub fn v1_channel<F: FnMut(&Connection, &V1Ev) + Send>(react: F) -> (V1Channel<F>, Events<V1Ev>) {
    let (events, received) = mpsc::channel();
    (V1Channel { events, react }, Events::new(received))
}

impl<F: FnMut(&Connection, &V1Ev) + Send> V1Channel<F> {
    fn deliver(&mut self, connection: &Connection, seen: V1Ev) {
        (self.react)(connection, &seen);
        let _ = self.events.send(seen);
    }
}

impl<F: FnMut(&Connection, &V1Ev) + Send> Scheduler for V1Channel<F> {
    fn connected(&mut self, connection: &Connection) {
        self.deliver(connection, V1Ev::Connected);
    }

    fn disconnected(&mut self, connection: &Connection) {
        self.deliver(connection, V1Ev::Disconnected);
    }

    fn received(&mut self, connection: &Connection, events: Vec<Event>) {
        for event in events {
            if let Some(update) = &event.update {
                acknowledge(connection, &update.status);
            }
            self.deliver(connection, V1Ev::Event(Box::new(event)));
        }
    }
}

fn acknowledge(connection: &Connection, status: &TaskStatus) {
    if let (Some(uuid), Some(agent_id)) = (&status.uuid, &status.agent_id) {
        let _ = connection.acknowledge(call::Acknowledge {
            agent_id: agent_id.clone(),
            task_id: status.task_id.clone(),
            uuid: uuid.clone(),
        });
    }
}

impl Events<V1Ev> {
    /// Waits for `SUBSCRIBED`; panics on an `ERROR` first.
    pub fn subscribed(&mut self, timeout: Duration) -> event::Subscribed {
        self.wait_for("SUBSCRIBED", timeout, |seen| {
            let event = seen.event()?;
            if let Some(error) = &event.error {
                panic!("Mesos error instead of SUBSCRIBED: {}", error.message);
            }
            event.subscribed.clone()
        })
    }

    /// Waits for an update of `task` in `state`.
    pub fn wait_for_state(
        &mut self,
        task: &str,
        state: TaskState,
        timeout: Duration,
    ) -> TaskStatus {
        self.wait_for(&format!("{state:?} for task {task}"), timeout, |seen| {
            seen.status()
                .filter(|status| status.task_id.value == task && status.state() == state)
                .cloned()
        })
    }
}

/// A FrameworkInfo for role `role`, with `failover_timeout` seconds (0:
/// none). v1 takes the user as given.
pub fn framework(name: &str, role: &str, failover_timeout: f64) -> FrameworkInfo {
    let mut multi_role = framework_info::Capability::default();
    multi_role.set_type(framework_info::capability::Type::MultiRole);
    FrameworkInfo {
        user: std::env::var("USER").unwrap_or_else(|_| "root".into()),
        name: name.into(),
        roles: vec![role.into()],
        capabilities: vec![multi_role],
        failover_timeout: (failover_timeout > 0.0).then_some(failover_timeout),
        ..Default::default()
    }
}

/// Subscribes `framework` on every connection (the binding keeps its id
/// after the first `SUBSCRIBED`), and lets `then` react to the rest.
pub fn subscribing(
    framework: FrameworkInfo,
    mut then: impl FnMut(&Connection, &V1Ev) + Send,
) -> impl FnMut(&Connection, &V1Ev) + Send {
    move |connection, seen| {
        if let V1Ev::Connected = seen {
            connection.subscribe(framework.clone()).expect("subscribe");
        }
        then(connection, seen)
    }
}

/// A tenth of a cpu and 32 MB, in v1 types.
pub fn small_resources() -> Vec<Resource> {
    resources("cpus:0.1;mem:32")
}

/// `text` (`cpus:1;mem:32`...) as v1 resources.
pub fn resources(text: &str) -> Vec<Resource> {
    Resources::parse(text)
        .expect("valid resources")
        .iter()
        .map(|resource| evolve(resource).expect("a v1 Resource"))
        .collect()
}

/// The v1 custom executor of the `main_v1` example (`program`, started
/// with the variable that makes it run as its v1 executor), as a CUSTOM
/// executor with id `id`, for the framework `offer` was made to (a task
/// group's executor must name it).
pub fn v1_executor(program: &Path, id: &str, offer: &Offer) -> ExecutorInfo {
    let source = ExecutorSource::path(program).expect("the example binary");
    let mut executor = ExecutorInfo {
        executor_id: ExecutorId { value: id.into() },
        framework_id: Some(offer.framework_id.clone()),
        command: Some(evolve(&source.command_as(V1_EXECUTOR)).expect("a v1 CommandInfo")),
        // A task group's executor must ask for cpus, memory and disk.
        resources: resources("cpus:0.1;mem:32;disk:10"),
        ..Default::default()
    };
    executor.set_type(executor_info::Type::Custom);
    executor
}

/// A task of `offer`'s agent whose `data` is the shell command the
/// example's v1 executor runs.
pub fn task(id: &str, offer: &Offer, executor: Option<ExecutorInfo>, command: &str) -> TaskInfo {
    TaskInfo {
        name: id.into(),
        task_id: TaskId { value: id.into() },
        agent_id: offer.agent_id.clone(),
        resources: small_resources(),
        executor,
        data: Some(command.as_bytes().to_vec()),
        ..Default::default()
    }
}

/// A command task (Mesos's own command executor runs `command`).
pub fn command_task(id: &str, offer: &Offer, command: &str) -> TaskInfo {
    TaskInfo {
        command: Some(CommandInfo {
            value: Some(command.into()),
            ..Default::default()
        }),
        data: None,
        ..task(id, offer, None, "")
    }
}

/// Accepts `offer` with one operation, refusing the rest of it for a while.
pub fn accept(connection: &Connection, offer: &Offer, operation: offer::Operation) {
    connection
        .accept(call::Accept {
            offer_ids: vec![offer.id.clone()],
            operations: vec![operation],
            filters: Some(refuse(30.0)),
        })
        .expect("accept");
}

/// A LAUNCH of `tasks`.
pub fn launch(tasks: Vec<TaskInfo>) -> offer::Operation {
    let mut operation = offer::Operation {
        launch: Some(offer::operation::Launch { task_infos: tasks }),
        ..Default::default()
    };
    operation.set_type(offer::operation::Type::Launch);
    operation
}

/// A LAUNCH_GROUP of `tasks` with `executor`.
pub fn launch_group(executor: ExecutorInfo, tasks: Vec<TaskInfo>) -> offer::Operation {
    let mut operation = offer::Operation {
        launch_group: Some(offer::operation::LaunchGroup {
            executor,
            task_group: mesos_native::proto::v1::TaskGroupInfo { tasks },
        }),
        ..Default::default()
    };
    operation.set_type(offer::operation::Type::LaunchGroup);
    operation
}

/// Launches `tasks(offer)` on the first offer and declines the rest.
pub fn launch_once(
    mut operation: impl FnMut(&Offer) -> offer::Operation + Send,
) -> impl FnMut(&Connection, &V1Ev) + Send {
    let mut launched = false;
    move |connection, seen| {
        let Some(offers) = seen.event().and_then(|event| event.offers.as_ref()) else {
            return;
        };
        for offer in &offers.offers {
            if launched {
                let _ = connection.decline(vec![offer.id.clone()], Some(refuse(30.0)));
            } else {
                launched = true;
                accept(connection, offer, operation(offer));
            }
        }
    }
}

/// Declines every offer for a while.
pub fn decline_all(connection: &Connection, seen: &V1Ev) {
    if let Some(offers) = seen.event().and_then(|event| event.offers.as_ref()) {
        let ids = offers.offers.iter().map(|offer| offer.id.clone()).collect();
        let _ = connection.decline(ids, Some(refuse(30.0)));
    }
}

/// Filters refusing the resources for `seconds`.
pub fn refuse(seconds: f64) -> Filters {
    Filters {
        refuse_seconds: Some(seconds),
    }
}
