//! The reference framework's custom executor on the v1 API
//! (`mesos_native::v1::executor`), run by the `main_v1` example when the agent
//! launches it as its own executor.
//!
//! It subscribes, then for each task (a `LAUNCH`, or every task of a
//! `LAUNCH_GROUP`) sends TASK_RUNNING, runs the shell command in the task's
//! `data` (or a small fixed workload), and sends TASK_FINISHED or
//! TASK_FAILED. Once every terminal update is acknowledged it stops; it
//! also stops on SHUTDOWN.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use mesos_native::proto::v1::executor::event;
use mesos_native::proto::v1::{TaskId, TaskInfo, TaskState, TaskStatus};
use mesos_native::v1::executor::{Connection, Executor, Mesos};

/// Tasks whose last update is not acknowledged yet, with how many of
/// their updates are.
type Unfinished = Arc<Mutex<BTreeMap<String, u32>>>;

/// RUNNING, then FINISHED or FAILED.
const UPDATES_PER_TASK: u32 = 2;

struct RefinementExecutor {
    unfinished: Unfinished,
}

fn update(connection: &Connection, task_id: &TaskId, state: TaskState, message: &str) {
    let mut status = TaskStatus {
        task_id: task_id.clone(),
        message: Some(message.to_string()),
        ..Default::default()
    };
    status.set_state(state);
    println!("v1 executor: {} is {state:?}: {message}", task_id.value);
    if let Err(error) = connection.update_status(status) {
        eprintln!(
            "v1 executor: could not send the {state:?} update for {}: {error}",
            task_id.value
        );
    }
}

impl RefinementExecutor {
    /// Runs `task` on a thread of its own (callbacks must return promptly;
    /// the connection is a cheap clone usable anywhere).
    fn start(&self, connection: &Connection, task: TaskInfo) {
        self.unfinished
            .lock()
            .unwrap()
            .insert(task.task_id.value.clone(), 0);
        update(
            connection,
            &task.task_id,
            TaskState::TaskRunning,
            "started by the v1 custom executor",
        );
        let connection = connection.clone();
        std::thread::spawn(move || match crate::scenario::work(task.data.as_deref()) {
            Ok(message) => update(
                &connection,
                &task.task_id,
                TaskState::TaskFinished,
                &message,
            ),
            Err(message) => update(&connection, &task.task_id, TaskState::TaskFailed, &message),
        });
    }
}

impl Executor for RefinementExecutor {
    fn connected(&mut self, connection: &Connection) {
        println!("v1 executor: connected to the agent; subscribing");
        if let Err(error) = connection.subscribe(Default::default()) {
            eprintln!("v1 executor: could not subscribe: {error}");
        }
    }

    fn subscribed(&mut self, _: &Connection, subscribed: event::Subscribed) {
        println!(
            "v1 executor: {} subscribed for framework {} on agent {}",
            subscribed.executor_info.executor_id.value,
            subscribed.framework_info.name,
            subscribed.agent_info.hostname
        );
    }

    fn launch(&mut self, connection: &Connection, launch: event::Launch) {
        println!("v1 executor: LAUNCH {}", launch.task.task_id.value);
        self.start(connection, launch.task);
    }

    fn launch_group(&mut self, connection: &Connection, launch: event::LaunchGroup) {
        let ids: Vec<&str> = launch
            .task_group
            .tasks
            .iter()
            .map(|task| task.task_id.value.as_str())
            .collect();
        println!("v1 executor: LAUNCH_GROUP {}", ids.join(", "));
        for task in launch.task_group.tasks {
            self.start(connection, task);
        }
    }

    fn kill(&mut self, connection: &Connection, kill: event::Kill) {
        update(
            connection,
            &kill.task_id,
            TaskState::TaskKilled,
            "killed on request",
        );
    }

    fn acknowledged(&mut self, connection: &Connection, acknowledged: event::Acknowledged) {
        // Each task sends two updates, RUNNING then its end, which the
        // agent acknowledges in order: the second acknowledgement is the
        // end's.
        let mut unfinished = self.unfinished.lock().unwrap();
        let id = &acknowledged.task_id.value;
        if let Some(acks) = unfinished.get_mut(id) {
            *acks += 1;
            if *acks == UPDATES_PER_TASK {
                unfinished.remove(id);
            }
        }
        if unfinished.is_empty() {
            println!("v1 executor: every task done and acknowledged; stopping");
            let _ = connection.stop();
        }
    }

    fn shutdown(&mut self, connection: &Connection) {
        println!("v1 executor: shutdown requested");
        let _ = connection.stop();
    }

    fn error(&mut self, _: &Connection, message: String) {
        eprintln!("v1 executor: error from Mesos: {message}");
    }
}

/// Runs the executor until it stops; returns the process's exit code (0
/// once stopped, 1 if it failed, 2 if it could not start, e.g. outside an
/// agent).
pub fn run() -> i32 {
    let executor = RefinementExecutor {
        unfinished: Arc::default(),
    };
    let mesos = match Mesos::new(executor) {
        Ok(mesos) => mesos,
        Err(error) => {
            eprintln!("v1 executor: {error}");
            return 2;
        }
    };
    match mesos.run() {
        Ok(_) => {
            println!("v1 executor: stopped");
            0
        }
        Err(error) => {
            eprintln!("v1 executor: {error}");
            1
        }
    }
}
