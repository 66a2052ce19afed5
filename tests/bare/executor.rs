//! The Rust side of the executor FFI, against the shim's test double.

use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

use mesos_native::proto::{
    ExecutorId, ExecutorInfo, FrameworkInfo, SlaveInfo, TaskId, TaskInfo, TaskState, TaskStatus,
};
use mesos_native::{DriverStatus, Error, Executor, ExecutorDriver, MesosExecutorDriver};
use mesos_native_double::{executor, ExecutorDouble};
use prost::Message;
use std::sync::Arc;

const WAIT: Duration = Duration::from_secs(5);

#[derive(Debug, PartialEq)]
enum Seen {
    Registered(String, String, String),
    Reregistered(String),
    Disconnected,
    Launch(String),
    Kill(String),
    Message(Vec<u8>),
    Shutdown,
    Error(String),
}

/// Records callbacks; finishes each task from inside `launch_task`; panics
/// on a task named "panic".
struct Recorder(Sender<Seen>);

impl Executor for Recorder {
    fn registered(
        &mut self,
        _: &ExecutorDriver,
        executor: ExecutorInfo,
        framework: FrameworkInfo,
        slave: SlaveInfo,
    ) {
        let _ = self.0.send(Seen::Registered(
            executor.executor_id.value,
            framework.name,
            slave.hostname,
        ));
    }
    fn reregistered(&mut self, _: &ExecutorDriver, slave: SlaveInfo) {
        let _ = self.0.send(Seen::Reregistered(slave.hostname));
    }
    fn disconnected(&mut self, _: &ExecutorDriver) {
        let _ = self.0.send(Seen::Disconnected);
    }
    fn launch_task(&mut self, driver: &ExecutorDriver, task: TaskInfo) {
        assert_ne!(task.name, "panic", "the test asked launch_task to panic");
        let mut status = TaskStatus {
            task_id: task.task_id.clone(),
            ..Default::default()
        };
        status.set_state(TaskState::TaskFinished);
        driver.send_status_update(&status).unwrap();
        let _ = self.0.send(Seen::Launch(task.task_id.value));
    }
    fn kill_task(&mut self, _: &ExecutorDriver, task_id: TaskId) {
        let _ = self.0.send(Seen::Kill(task_id.value));
    }
    fn framework_message(&mut self, _: &ExecutorDriver, data: Vec<u8>) {
        let _ = self.0.send(Seen::Message(data));
    }
    fn shutdown(&mut self, driver: &ExecutorDriver) {
        let _ = self.0.send(Seen::Shutdown);
        driver.stop().unwrap();
    }
    fn error(&mut self, _: &ExecutorDriver, message: String) {
        let _ = self.0.send(Seen::Error(message));
    }
}

/// What an agent sets for its executors (the binding refuses to start one
/// without it, where libmesos would exit the process), plus the double's key.
fn agent_environment(key: &str) -> Vec<(&'static str, String)> {
    vec![
        ("MESOS_SLAVE_PID", "slave(1)@127.0.0.1:5051".into()),
        ("MESOS_SLAVE_ID", "agent".into()),
        ("MESOS_FRAMEWORK_ID", "framework".into()),
        ("MESOS_EXECUTOR_ID", "executor".into()),
        ("MESOS_DIRECTORY", "/tmp".into()),
        ("DOUBLE_KEY", key.into()),
    ]
}

fn started(key: &str) -> (MesosExecutorDriver, Arc<ExecutorDouble>, Receiver<Seen>) {
    let (sender, seen) = mpsc::channel();
    let environment = agent_environment(key);
    let driver = MesosExecutorDriver::builder(Recorder(sender))
        .environment(environment.clone())
        .shim(crate::support::double())
        .build()
        .expect("created");
    let double = executor(key);
    let entries: Vec<String> = environment
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    assert_eq!(double.environment, Some(entries));
    assert_eq!(driver.start().unwrap(), DriverStatus::Running);
    (driver, double, seen)
}

fn task(id: &str, name: &str) -> TaskInfo {
    TaskInfo {
        name: name.into(),
        task_id: TaskId { value: id.into() },
        slave_id: mesos_native::proto::SlaveId { value: "a".into() },
        ..Default::default()
    }
}

#[test]
fn executor_callbacks_and_calls_cross_the_boundary() {
    let (driver, double, seen) = started("exec-all");
    let info = ExecutorInfo {
        executor_id: ExecutorId { value: "ex".into() },
        ..Default::default()
    };
    let framework = FrameworkInfo {
        user: "u".into(),
        name: "fw".into(),
        ..Default::default()
    };
    let slave = SlaveInfo {
        hostname: "host".into(),
        ..Default::default()
    };
    double.registered(
        info.encode_to_vec(),
        framework.encode_to_vec(),
        slave.encode_to_vec(),
    );
    double.reregistered(slave.encode_to_vec());
    double.disconnected();
    double.launch_task(task("t1", "work").encode_to_vec());
    double.kill_task(TaskId { value: "t2".into() }.encode_to_vec());
    double.framework_message(b"ping".to_vec());
    double.shutdown();
    for want in [
        Seen::Registered("ex".into(), "fw".into(), "host".into()),
        Seen::Reregistered("host".into()),
        Seen::Disconnected,
        Seen::Launch("t1".into()),
        Seen::Kill("t2".into()),
        Seen::Message(b"ping".to_vec()),
        Seen::Shutdown,
    ] {
        assert_eq!(seen.recv_timeout(WAIT).unwrap(), want);
    }
    let update = &double.driver.calls_named("send_status_update")[0];
    let status = TaskStatus::decode(&update.args[0][..]).unwrap();
    assert_eq!(status.state(), TaskState::TaskFinished);
    assert_eq!(driver.join().unwrap(), DriverStatus::Stopped);
    driver.send_framework_message(b"late").unwrap_err();
}

#[test]
fn a_panicking_executor_callback_aborts_and_is_reported() {
    let (driver, double, _seen) = started("exec-panic");
    double.launch_task(task("t1", "panic").encode_to_vec());
    match driver.join() {
        Err(Error::CallbackPanicked {
            callback: "Executor::launch_task",
            message,
        }) => {
            assert!(message.contains("asked launch_task to panic"))
        }
        other => panic!("expected CallbackPanicked, got {other:?}"),
    }
}
