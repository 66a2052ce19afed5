//! Faults under the v1 scheduler, on a real loopback cluster: a master
//! restarted and the leading master of three killed (the scheduler
//! reconnects through ZooKeeper, subscribes again with the same framework
//! id and keeps its task), a master that stops talking (missed heartbeats
//! make the binding reconnect), and an executor killed (`FAILURE` and a
//! failed task). Skipped loudly without Mesos (and, for the ZooKeeper
//! ones, without ZooKeeper); `MESOS_TEST_REQUIRE=1` turns a skip into a
//! failure.

use crate::support;

use std::time::Duration;

use crate::support::events::{task_state, Events};
use crate::support::v1_events::{
    command_task, framework, launch, launch_once, subscribing, task, v1_channel, v1_executor, V1Ev,
};
use crate::support::{require_mesos, Cluster};
use mesos_native::proto::v1::scheduler::call;
use mesos_native::proto::v1::task_status::Reason;
use mesos_native::proto::v1::{FrameworkId, TaskState};
use mesos_native::v1::scheduler::{Heartbeats, Mesos};

const ROLE: &str = "v1-faults";
const RESOURCES: &str = "cpus:1;mem:256;disk:100";
const LONG_TASK: &str = "long-task-v1";
const SLEEP: &str = "sleep 600";

const SUBSCRIBE: Duration = Duration::from_secs(60);
const TASK_START: Duration = Duration::from_secs(90);
const RECOVER: Duration = Duration::from_secs(90);

/// Waits for `disconnected`, then `connected`, then `SUBSCRIBED` with
/// `framework_id`: the binding subscribed again, as the same framework.
fn resubscribed(events: &mut Events<V1Ev>, framework_id: &FrameworkId) {
    events.wait_for("disconnected", RECOVER, |seen| {
        matches!(seen, V1Ev::Disconnected).then_some(())
    });
    events.wait_for("connected again", RECOVER, |seen| {
        matches!(seen, V1Ev::Connected).then_some(())
    });
    let subscribed = events.subscribed(RECOVER);
    assert_eq!(&subscribed.framework_id, framework_id, "the same framework");
}

/// Once the leader knows the task again (its agent re-registered), an
/// implicit reconciliation answers RUNNING.
fn reconcile_running(cluster: &Cluster, mesos: &Mesos, events: &mut Events<V1Ev>) {
    cluster.wait_for_leader_state("the task in the leader's state", RECOVER, |state| {
        task_state(state, LONG_TASK) == Some(TaskState::TaskRunning)
    });
    mesos.reconcile(call::Reconcile { tasks: vec![] }).unwrap();
    // The agent may first resend RUNNING (an acknowledgement the old
    // master never forwarded); the answer is the one with the reason.
    events.wait_for(
        "RUNNING from reconciliation",
        Duration::from_secs(30),
        |seen| {
            let status = seen.status()?;
            if status.task_id.value != LONG_TASK {
                return None;
            }
            assert_eq!(status.state(), TaskState::TaskRunning, "{status:?}");
            (status.reason() == Reason::Reconciliation).then_some(())
        },
    );
}

/// A v1 scheduler on `master` that subscribes (with a failover timeout,
/// so a lost connection does not end the framework) and runs the long
/// command task; returns it with its events and framework id once the
/// task runs.
fn running_long_task(master: &str, name: &str) -> (Mesos, Events<V1Ev>, FrameworkId) {
    let (scheduler, mut events) = v1_channel(subscribing(
        framework(name, ROLE, 300.0),
        launch_once(|offer| launch(vec![command_task(LONG_TASK, offer, SLEEP)])),
    ));
    let mesos = Mesos::builder(scheduler, master).build().unwrap();
    mesos.start().unwrap();
    let framework_id = events.subscribed(SUBSCRIBE).framework_id;
    events.wait_for_state(LONG_TASK, TaskState::TaskRunning, TASK_START);
    (mesos, events, framework_id)
}

fn stop(mesos: Mesos) {
    mesos.teardown().unwrap();
    mesos.stop().unwrap();
}

#[test]
fn v1_a_restarted_master_gets_the_scheduler_back_as_the_same_framework_with_its_task() {
    const TEST: &str =
        "v1_a_restarted_master_gets_the_scheduler_back_as_the_same_framework_with_its_task";
    let Some((install, zookeeper)) = support::require_mesos_and_zookeeper(TEST) else {
        return;
    };
    support::init_logging();
    let cluster = support::zk_cluster(&install, zookeeper, RESOURCES, 0);
    let (mesos, mut events, framework_id) =
        running_long_task(cluster.zk.as_deref().unwrap(), "v1 master restart");

    eprintln!("restarting the master");
    cluster.kill("master");
    cluster.start_daemon("master");
    resubscribed(&mut events, &framework_id);
    reconcile_running(&cluster, &mesos, &mut events);
    cluster.assert_framework_active(&framework_id.value);
    stop(mesos);
}

#[test]
fn v1_when_the_leading_master_dies_the_scheduler_follows_the_new_leader_and_keeps_its_task() {
    const TEST: &str =
        "v1_when_the_leading_master_dies_the_scheduler_follows_the_new_leader_and_keeps_its_task";
    let Some((install, zookeeper)) = support::require_mesos_and_zookeeper(TEST) else {
        return;
    };
    support::init_logging();
    let cluster = support::zk_cluster(&install, zookeeper, RESOURCES, 2);
    let (mesos, mut events, framework_id) =
        running_long_task(cluster.zk.as_deref().unwrap(), "v1 leader change");

    let leader = cluster.leader().expect("a leading master");
    let name = cluster.master_name(&leader).unwrap();
    eprintln!("killing the leading master {name} ({leader})");
    cluster.kill(&name);
    resubscribed(&mut events, &framework_id);
    let new_leader = cluster.leader().expect("a new leader");
    assert_ne!(new_leader, leader, "a different master leads");
    reconcile_running(&cluster, &mesos, &mut events);
    cluster.assert_framework_active(&framework_id.value);
    stop(mesos);
}

/// Sends SIGCONT to a stopped process when dropped, so that a failing
/// test does not leave a frozen master behind.
struct Frozen(u32);

impl Frozen {
    fn freeze(pid: u32) -> Frozen {
        support::signal(pid, "STOP");
        Frozen(pid)
    }
}

impl Drop for Frozen {
    fn drop(&mut self) {
        support::signal(self.0, "CONT");
    }
}

#[test]
fn v1_a_master_that_stops_heartbeating_makes_the_scheduler_reconnect_and_resubscribe() {
    const TEST: &str =
        "v1_a_master_that_stops_heartbeating_makes_the_scheduler_reconnect_and_resubscribe";
    let Some(install) = require_mesos(TEST) else {
        return;
    };
    support::init_logging();
    let cluster = Cluster::start(&install, 1, RESOURCES);
    let (scheduler, mut events) = v1_channel(subscribing(
        framework("v1 missed heartbeats", ROLE, 300.0),
        support::v1_events::decline_all,
    ));
    // The master heartbeats every 15 s; reconnect after 1.5 intervals of
    // silence (the default, 3, makes the test wait 45 s).
    let mesos = Mesos::builder(scheduler, cluster.master.clone())
        .heartbeats(Some(Heartbeats {
            missed: 1.5,
            ..Default::default()
        }))
        .build()
        .unwrap();
    mesos.start().unwrap();
    let subscribed = events.subscribed(SUBSCRIBE);
    let framework_id = subscribed.framework_id.clone();
    assert!(
        subscribed.heartbeat_interval_seconds.is_some(),
        "SUBSCRIBED gives the heartbeat interval: {subscribed:?}"
    );

    // A frozen master keeps its sockets open and says nothing: only the
    // missing heartbeats tell.
    let frozen = Frozen::freeze(cluster.pid("master").expect("the master's pid"));
    events.wait_for("disconnected (missed heartbeats)", RECOVER, |seen| {
        matches!(seen, V1Ev::Disconnected).then_some(())
    });
    drop(frozen);
    let subscribed = events.subscribed(RECOVER);
    assert_eq!(subscribed.framework_id, framework_id, "the same framework");
    assert!(
        events.seen.iter().any(|line| line == "connected"),
        "{:#?}",
        events.seen
    );
    cluster.assert_framework_active(&framework_id.value);
    stop(mesos);
}

#[test]
fn v1_a_killed_executor_reaches_the_scheduler_as_failure_and_a_failed_task() {
    const TEST: &str = "v1_a_killed_executor_reaches_the_scheduler_as_failure_and_a_failed_task";
    let Some(install) = require_mesos(TEST) else {
        return;
    };
    support::init_logging();
    let program = support::example_binary("main_v1");
    assert!(program.is_file(), "{} missing", program.display());
    let cluster = Cluster::start(&install, 1, RESOURCES);
    const EXECUTOR: &str = "killable-v1-executor";
    let (scheduler, mut events) = v1_channel(subscribing(
        framework("v1 executor lost", ROLE, 0.0),
        launch_once(move |offer| {
            let executor = v1_executor(&program, EXECUTOR, offer);
            launch(vec![task(LONG_TASK, offer, Some(executor), SLEEP)])
        }),
    ));
    let mesos = Mesos::builder(scheduler, cluster.master.clone())
        .build()
        .unwrap();
    mesos.start().unwrap();
    events.subscribed(SUBSCRIBE);
    let running = events.wait_for_state(LONG_TASK, TaskState::TaskRunning, TASK_START);
    let agent = running.agent_id.clone().expect("RUNNING names the agent");

    cluster.kill_executor(0, EXECUTOR);

    let mut failure = None;
    let mut last = None;
    events.wait_for("FAILURE and the task's terminal update", RECOVER, |seen| {
        if let Some(event) = seen.event().and_then(|event| event.failure.clone()) {
            failure = Some(event);
        }
        if let Some(status) = seen.status() {
            if status.task_id.value == LONG_TASK && status.state() != TaskState::TaskRunning {
                last = Some(status.clone());
            }
        }
        (failure.is_some() && last.is_some()).then_some(())
    });
    let failure = failure.unwrap();
    assert_eq!(failure.executor_id.unwrap().value, EXECUTOR);
    assert_eq!(failure.agent_id.unwrap(), agent);
    // A wait status: killed by signal 9.
    let status = failure.status.expect("FAILURE carries the wait status");
    assert_eq!(status & 0x7f, 9, "wait status {status}");
    let last = last.unwrap();
    assert_eq!(last.state(), TaskState::TaskFailed, "{last:?}");
    assert_eq!(last.reason(), Reason::ExecutorTerminated, "{last:?}");
    stop(mesos);
}
