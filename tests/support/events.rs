//! A scheduler that reports every callback on a channel (after letting a
//! closure react to it), and waits on that channel with deadlines, for the
//! fault, security and bad-input tests.

use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use mesos_native::proto::v1;
use mesos_native::proto::v1::master::response::{get_frameworks, GetState};
use mesos_native::proto::{
    CommandInfo, ExecutorId, Filters, FrameworkId, FrameworkInfo, MasterInfo, Offer, OfferId,
    SlaveId, TaskId, TaskInfo, TaskState, TaskStatus,
};
use mesos_native::resources::Resources;
use mesos_native::{Scheduler, SchedulerDriver};

/// One scheduler callback.
#[derive(Debug, Clone)]
pub enum Ev {
    Registered(FrameworkId, MasterInfo),
    Reregistered(MasterInfo),
    Disconnected,
    Offers(Vec<Offer>),
    Rescinded(OfferId),
    Status(Box<TaskStatus>),
    Message(ExecutorId, SlaveId, Vec<u8>),
    SlaveLost(SlaveId),
    ExecutorLost(ExecutorId, SlaveId, i32),
    Error(String),
}

/// One line for logs and assertion messages.
pub trait Describe {
    fn describe(&self) -> String;
}

impl Describe for Ev {
    fn describe(&self) -> String {
        match self {
            Ev::Registered(id, master) => format!(
                "registered {} with master {}:{}",
                id.value,
                master.hostname(),
                master.port
            ),
            Ev::Reregistered(master) => {
                format!(
                    "reregistered with master {}:{}",
                    master.hostname(),
                    master.port
                )
            }
            Ev::Disconnected => "disconnected".into(),
            Ev::Offers(offers) => format!("{} offer(s)", offers.len()),
            Ev::Rescinded(id) => format!("offer {} rescinded", id.value),
            Ev::Status(status) => format!(
                "task {} {:?} reason {:?} source {:?}: {}",
                status.task_id.value,
                status.state(),
                status.reason.map(|_| status.reason()),
                status.source.map(|_| status.source()),
                status.message()
            ),
            Ev::Message(executor, agent, data) => format!(
                "message from {} on {}: {} bytes",
                executor.value,
                agent.value,
                data.len()
            ),
            Ev::SlaveLost(agent) => format!("agent {} lost", agent.value),
            Ev::ExecutorLost(executor, agent, status) => format!(
                "executor {} on {} lost, status {status}",
                executor.value, agent.value
            ),
            Ev::Error(message) => format!("error: {message}"),
        }
    }
}

/// Reacts with `react`, then sends the callback to the test.
pub struct Channel<F> {
    events: Sender<Ev>,
    react: F,
}

/// A scheduler and the receiving end of its events.
pub fn channel<F: FnMut(&SchedulerDriver, &Ev) + Send>(react: F) -> (Channel<F>, Events) {
    let (events, received) = mpsc::channel();
    (Channel { events, react }, Events::new(received))
}

impl<F: FnMut(&SchedulerDriver, &Ev) + Send> Channel<F> {
    fn deliver(&mut self, driver: &SchedulerDriver, event: Ev) {
        (self.react)(driver, &event);
        let _ = self.events.send(event);
    }
}

impl<F: FnMut(&SchedulerDriver, &Ev) + Send> Scheduler for Channel<F> {
    fn registered(&mut self, driver: &SchedulerDriver, id: FrameworkId, master: MasterInfo) {
        self.deliver(driver, Ev::Registered(id, master));
    }
    fn reregistered(&mut self, driver: &SchedulerDriver, master: MasterInfo) {
        self.deliver(driver, Ev::Reregistered(master));
    }
    fn disconnected(&mut self, driver: &SchedulerDriver) {
        self.deliver(driver, Ev::Disconnected);
    }
    fn resource_offers(&mut self, driver: &SchedulerDriver, offers: Vec<Offer>) {
        self.deliver(driver, Ev::Offers(offers));
    }
    fn offer_rescinded(&mut self, driver: &SchedulerDriver, offer_id: OfferId) {
        self.deliver(driver, Ev::Rescinded(offer_id));
    }
    fn status_update(&mut self, driver: &SchedulerDriver, status: TaskStatus) {
        self.deliver(driver, Ev::Status(Box::new(status)));
    }
    fn framework_message(
        &mut self,
        driver: &SchedulerDriver,
        executor_id: ExecutorId,
        slave_id: SlaveId,
        data: Vec<u8>,
    ) {
        self.deliver(driver, Ev::Message(executor_id, slave_id, data));
    }
    fn slave_lost(&mut self, driver: &SchedulerDriver, slave_id: SlaveId) {
        self.deliver(driver, Ev::SlaveLost(slave_id));
    }
    fn executor_lost(
        &mut self,
        driver: &SchedulerDriver,
        executor_id: ExecutorId,
        slave_id: SlaveId,
        status: i32,
    ) {
        self.deliver(driver, Ev::ExecutorLost(executor_id, slave_id, status));
    }
    fn error(&mut self, driver: &SchedulerDriver, message: String) {
        self.deliver(driver, Ev::Error(message));
    }
}

/// The test's end: waits for events (the v0 scheduler's [`Ev`], or the v1
/// one's), remembering all it saw.
pub struct Events<E = Ev> {
    received: Receiver<E>,
    pub seen: Vec<String>,
}

impl<E: Describe> Events<E> {
    pub fn new(received: Receiver<E>) -> Self {
        Self {
            received,
            seen: Vec::new(),
        }
    }

    /// Waits until `pick` returns `Some` for an event (skipping the others),
    /// or panics after `timeout` with everything seen so far.
    pub fn wait_for<T>(
        &mut self,
        what: &str,
        timeout: Duration,
        mut pick: impl FnMut(&E) -> Option<T>,
    ) -> T {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.received.recv_timeout(left) {
                Ok(event) => {
                    let line = event.describe();
                    eprintln!("event: {line}");
                    self.seen.push(line);
                    if let Some(found) = pick(&event) {
                        return found;
                    }
                }
                Err(_) => panic!(
                    "no {what} within {timeout:?}; events so far: {:#?}",
                    self.seen
                ),
            }
        }
    }

    /// The events that arrive within `window` (for asserting that
    /// something does *not* happen).
    pub fn collect_for(&mut self, window: Duration) -> Vec<E> {
        let deadline = Instant::now() + window;
        let mut events = Vec::new();
        while let Ok(event) = self
            .received
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            let line = event.describe();
            eprintln!("event: {line}");
            self.seen.push(line);
            events.push(event);
        }
        events
    }
}

impl Events<Ev> {
    /// Waits for a status update of `task` in `state`.
    pub fn wait_for_state(
        &mut self,
        task: &str,
        state: TaskState,
        timeout: Duration,
    ) -> TaskStatus {
        self.wait_for(
            &format!("{state:?} for task {task}"),
            timeout,
            |event| match event {
                Ev::Status(status) if status.task_id.value == task && status.state() == state => {
                    Some((**status).clone())
                }
                _ => None,
            },
        )
    }

    /// Waits for the next status update of `task` that is not
    /// STAGING/STARTING/RUNNING.
    pub fn wait_for_terminal(&mut self, task: &str, timeout: Duration) -> TaskStatus {
        self.wait_for(
            &format!("a terminal state for task {task}"),
            timeout,
            |event| match event {
                Ev::Status(status)
                    if status.task_id.value == task && !is_active(status.state()) =>
                {
                    Some((**status).clone())
                }
                _ => None,
            },
        )
    }
}

/// STAGING, STARTING or RUNNING.
pub fn is_active(state: TaskState) -> bool {
    matches!(
        state,
        TaskState::TaskStaging | TaskState::TaskStarting | TaskState::TaskRunning
    )
}

/// A FrameworkInfo with a name and `failover_timeout` seconds (0: none).
pub fn framework(name: &str, failover_timeout: f64) -> FrameworkInfo {
    FrameworkInfo {
        user: String::new(), // libmesos fills in the current user
        name: name.into(),
        failover_timeout: (failover_timeout > 0.0).then_some(failover_timeout),
        ..Default::default()
    }
}

/// A command task (run by Mesos's command executor) on `offer`'s agent.
pub fn command_task(id: &str, offer: &Offer, command: &str) -> TaskInfo {
    TaskInfo {
        name: id.into(),
        task_id: TaskId { value: id.into() },
        slave_id: offer.slave_id.clone(),
        resources: small_resources(),
        command: Some(CommandInfo {
            value: Some(command.into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// What a test task uses: a tenth of a cpu and 32 MB.
pub fn small_resources() -> Vec<mesos_native::proto::Resource> {
    Resources::parse("cpus:0.1;mem:32").unwrap().into_vec()
}

/// Reacts to offers by launching `task(offer)` on the first one and
/// declining the rest (for a while, so they don't keep coming).
pub fn launch_once(
    mut task: impl FnMut(&Offer) -> TaskInfo + Send,
) -> impl FnMut(&SchedulerDriver, &Ev) + Send {
    let mut launched = false;
    move |driver, event| {
        if let Ev::Offers(offers) = event {
            for offer in offers {
                if launched {
                    let _ = driver.decline_offer(&offer.id, &refuse(30.0));
                } else {
                    launched = true;
                    driver
                        .launch_tasks(
                            std::slice::from_ref(&offer.id),
                            &[task(offer)],
                            &refuse(30.0),
                        )
                        .expect("launch_tasks");
                }
            }
        }
    }
}

/// Declines every offer (for a while).
pub fn decline_all(driver: &SchedulerDriver, event: &Ev) {
    if let Ev::Offers(offers) = event {
        for offer in offers {
            let _ = driver.decline_offer(&offer.id, &refuse(30.0));
        }
    }
}

/// Filters refusing the resources for `seconds`.
pub fn refuse(seconds: f64) -> Filters {
    Filters {
        refuse_seconds: Some(seconds),
    }
}

/// The first framework a master's GET_STATE lists as not completed that
/// `matches` accepts.
pub fn listed_framework(
    state: &GetState,
    matches: impl Fn(&get_frameworks::Framework) -> bool,
) -> Option<&get_frameworks::Framework> {
    state
        .get_frameworks
        .as_ref()
        .expect("GET_STATE lists frameworks")
        .frameworks
        .iter()
        .find(|framework| matches(framework))
}

/// The state of task `task` in a master's GET_STATE, in any framework, if
/// the master knows it.
pub fn task_state(state: &GetState, task: &str) -> Option<v1::TaskState> {
    let tasks = state.get_tasks.as_ref()?;
    tasks
        .tasks
        .iter()
        .chain(&tasks.unreachable_tasks)
        .chain(&tasks.completed_tasks)
        .find(|t| t.task_id.value == task)
        .map(|t| t.state())
}
