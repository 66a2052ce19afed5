//! The reference framework's custom executor, shared by two binaries: the
//! `executor` example, and the `main` example when the agent launches it as
//! its own executor (see `examples/main.rs`).
//!
//! For each task it sends TASK_RUNNING, runs the shell command carried in
//! the task's `data` (or, without data, a small fixed workload), and sends
//! TASK_FINISHED or TASK_FAILED with a message saying what happened. When it
//! has no task left it stops its driver, and it exits cleanly on shutdown.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mesos_native::proto::{
    ExecutorInfo, FrameworkInfo, SlaveInfo, TaskId, TaskInfo, TaskState, TaskStatus,
};
use mesos_native::{Executor, ExecutorDriver, MesosExecutorDriver};

/// Tasks still running, by id.
type Running = Arc<Mutex<Vec<String>>>;

struct RefinementExecutor {
    running: Running,
}

fn update(driver: &ExecutorDriver, task_id: &TaskId, state: TaskState, message: &str) {
    let mut status = TaskStatus {
        task_id: task_id.clone(),
        message: Some(message.to_string()),
        ..Default::default()
    };
    status.set_state(state);
    println!("executor: {} is {:?}: {message}", task_id.value, state);
    if let Err(error) = driver.send_status_update(&status) {
        eprintln!(
            "executor: could not send the {state:?} update for {}: {error}",
            task_id.value
        );
    }
}

impl Executor for RefinementExecutor {
    fn registered(
        &mut self,
        _: &ExecutorDriver,
        executor: ExecutorInfo,
        framework: FrameworkInfo,
        agent: SlaveInfo,
    ) {
        println!(
            "executor: {} registered for framework {} on agent {}",
            executor.executor_id.value, framework.name, agent.hostname
        );
    }

    fn launch_task(&mut self, driver: &ExecutorDriver, task: TaskInfo) {
        self.running
            .lock()
            .unwrap()
            .push(task.task_id.value.clone());
        update(
            driver,
            &task.task_id,
            TaskState::TaskRunning,
            "started by the custom executor",
        );
        // Work on a thread of its own: callbacks must return promptly. The
        // driver handle is a cheap clone usable from any thread.
        let driver = driver.clone();
        let running = Arc::clone(&self.running);
        std::thread::spawn(move || {
            match crate::scenario::work(task.data.as_deref()) {
                Ok(message) => update(&driver, &task.task_id, TaskState::TaskFinished, &message),
                Err(message) => update(&driver, &task.task_id, TaskState::TaskFailed, &message),
            }
            let mut running = running.lock().unwrap();
            running.retain(|id| *id != task.task_id.value);
            if running.is_empty() {
                // Give the agent a moment to take the last update before the
                // process goes away (it retries delivery from then on).
                std::thread::sleep(Duration::from_secs(1));
                let _ = driver.stop();
            }
        });
    }

    fn kill_task(&mut self, driver: &ExecutorDriver, task_id: TaskId) {
        // Work runs to completion quickly; report the kill and forget it.
        self.running
            .lock()
            .unwrap()
            .retain(|id| *id != task_id.value);
        update(driver, &task_id, TaskState::TaskKilled, "killed on request");
    }

    fn shutdown(&mut self, driver: &ExecutorDriver) {
        println!("executor: shutdown requested");
        let _ = driver.stop();
    }

    fn error(&mut self, _: &ExecutorDriver, message: String) {
        eprintln!("executor: error from Mesos: {message}");
    }
}

/// Runs the executor until its driver stops; returns the process's exit
/// code (0 once stopped, 1 if the driver failed, 2 if it could not start,
/// e.g. outside an agent).
pub fn run() -> i32 {
    let executor = RefinementExecutor {
        running: Arc::new(Mutex::new(Vec::new())),
    };
    let driver = match MesosExecutorDriver::new(executor) {
        Ok(driver) => driver,
        Err(error) => {
            eprintln!("executor: {error}");
            return 2;
        }
    };
    match driver.run() {
        Ok(_) => {
            println!("executor: stopped");
            0
        }
        Err(error) => {
            eprintln!("executor: {error}");
            1
        }
    }
}
