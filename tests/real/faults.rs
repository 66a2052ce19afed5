//! Faults on a real loopback cluster: a master restarted, the leading
//! master of three killed, an agent killed, an executor killed, a
//! scheduler failing over to a new driver. Each test checks what reaches
//! the scheduler through the binding and that the framework's task
//! survives where Mesos says it should. Skipped loudly without Mesos (and,
//! for the ZooKeeper ones, without ZooKeeper); `MESOS_TEST_REQUIRE=1` turns
//! a skip into a failure.

use crate::support;

use crate::support::within::within;

use std::time::Duration;

use crate::support::events::{
    self, channel, command_task, framework, launch_once, listed_framework, task_state, Ev,
};
use crate::support::{require_mesos, Cluster, ClusterOptions};
use mesos_native::proto::task_status::Reason;
use mesos_native::proto::v1::TaskState as V1TaskState;
use mesos_native::proto::{
    CommandInfo, ExecutorId, ExecutorInfo, FrameworkId, FrameworkInfo, MasterInfo, SlaveId, TaskId,
    TaskInfo, TaskState,
};
use mesos_native::{DriverStatus, MesosSchedulerDriver};

const RESOURCES: &str = "cpus:1;mem:256;disk:100";
/// A task that outlives the test unless something kills it.
const LONG_TASK: &str = "long-task";
const SLEEP: &str = "sleep 600";

const REGISTER: Duration = Duration::from_secs(60);
const TASK_START: Duration = Duration::from_secs(90);
const RECOVER: Duration = Duration::from_secs(90);

/// Waits for registration; returns the framework id and the master.
fn registered(events: &mut events::Events) -> (FrameworkId, MasterInfo) {
    events.wait_for("registration", REGISTER, |event| match event {
        Ev::Registered(id, master) => Some((id.clone(), master.clone())),
        Ev::Error(message) => panic!("Mesos error instead of registration: {message}"),
        _ => None,
    })
}

/// After a master failover: the driver subscribes again with its
/// FrameworkID, and the new master answers as to a registration: Mesos
/// sends FrameworkRegisteredMessage to a framework it has not seen since
/// it took over (master.cpp, "per the API contract", MESOS-786), so
/// libmesos calls `registered`, with the same id. (`reregistered` is for a
/// driver reconnecting to a master that already knew it.)
fn subscribed_again(events: &mut events::Events, framework_id: &FrameworkId) -> MasterInfo {
    events.wait_for("registered again", RECOVER, |event| match event {
        Ev::Registered(id, master) => {
            assert_eq!(id, framework_id, "the same framework");
            Some(master.clone())
        }
        Ev::Reregistered(master) => panic!("reregistered with {master:?}: Mesos changed?"),
        Ev::Error(message) => panic!("Mesos error: {message}"),
        _ => None,
    })
}

/// Stops the driver (tearing the framework down, which kills its task) and
/// checks that `join` ends.
fn stop_and_join(driver: MesosSchedulerDriver) {
    let handle = (*driver).clone();
    assert_eq!(driver.stop(false).unwrap(), DriverStatus::Stopped);
    let joined = within("join after stop", Duration::from_secs(30), move || {
        handle.join()
    });
    assert_eq!(joined.unwrap(), DriverStatus::Stopped);
}

/// After a master failover: waits until the new leader knows the task
/// again (the agent re-registered), asks for implicit reconciliation and
/// expects the task RUNNING, answered by the new master; every update of
/// the task meanwhile must be RUNNING.
fn reconcile_running(
    cluster: &Cluster,
    driver: &MesosSchedulerDriver,
    events: &mut events::Events,
) {
    cluster.wait_for_leader_state("the task in the new master's state", RECOVER, |state| {
        task_state(state, LONG_TASK) == Some(V1TaskState::TaskRunning)
    });
    driver.reconcile_tasks(&[]).unwrap();
    // The agent may first resend RUNNING (an update the old master never
    // got acknowledged); the answer is the one with the reason.
    events.wait_for(
        "RUNNING from reconciliation",
        Duration::from_secs(30),
        |event| match event {
            Ev::Status(status) if status.task_id.value == LONG_TASK => {
                assert_eq!(status.state(), TaskState::TaskRunning, "{status:?}");
                (status.reason() == Reason::Reconciliation).then_some(())
            }
            _ => None,
        },
    );
}

#[test]
fn a_restarted_master_gets_the_driver_back_and_still_knows_its_task() {
    const TEST: &str = "a_restarted_master_gets_the_driver_back_and_still_knows_its_task";
    let Some((install, zookeeper)) = support::require_mesos_and_zookeeper(TEST) else {
        return;
    };
    support::init_logging();
    let cluster = support::zk_cluster(&install, zookeeper, RESOURCES, 0);
    let (scheduler, mut events) =
        channel(launch_once(|offer| command_task(LONG_TASK, offer, SLEEP)));
    let driver = MesosSchedulerDriver::builder(
        scheduler,
        framework("master-restart", 300.0),
        cluster.zk.clone().unwrap(),
    )
    .build()
    .unwrap();
    driver.start().unwrap();
    let (framework_id, first_master) = registered(&mut events);
    events.wait_for_state(LONG_TASK, TaskState::TaskRunning, TASK_START);

    // A crash and a restart with the same flags and work dir.
    cluster.kill("master");
    cluster.start_daemon("master");

    events.wait_for("disconnected", RECOVER, |e| {
        matches!(e, Ev::Disconnected).then_some(())
    });
    let master = subscribed_again(&mut events, &framework_id);
    assert_ne!(master.id, first_master.id, "a new master process");
    assert_eq!(master.port, first_master.port);
    reconcile_running(&cluster, &driver, &mut events);
    stop_and_join(driver);
}

#[test]
fn when_the_leading_master_dies_the_driver_follows_the_new_leader_and_keeps_its_task() {
    const TEST: &str =
        "when_the_leading_master_dies_the_driver_follows_the_new_leader_and_keeps_its_task";
    let Some((install, zookeeper)) = support::require_mesos_and_zookeeper(TEST) else {
        return;
    };
    support::init_logging();
    let cluster = support::zk_cluster(&install, zookeeper, RESOURCES, 2);
    let (scheduler, mut events) =
        channel(launch_once(|offer| command_task(LONG_TASK, offer, SLEEP)));
    let driver = MesosSchedulerDriver::builder(
        scheduler,
        framework("high-availability", 300.0),
        cluster.zk.clone().unwrap(),
    )
    .build()
    .unwrap();
    driver.start().unwrap();
    let (framework_id, first_master) = registered(&mut events);
    events.wait_for_state(LONG_TASK, TaskState::TaskRunning, TASK_START);

    let leader = cluster.leader().expect("a leading master");
    assert!(
        leader.ends_with(&format!(":{}", first_master.port)),
        "registered with {first_master:?}, the leader is {leader}"
    );
    let name = cluster.master_name(&leader).unwrap();
    eprintln!("killing the leading master {name} ({leader})");
    cluster.kill(&name);

    events.wait_for("disconnected", RECOVER, |e| {
        matches!(e, Ev::Disconnected).then_some(())
    });
    let master = subscribed_again(&mut events, &framework_id);
    assert_ne!(master.port, first_master.port, "a different master leads");
    let new_leader = cluster.leader().expect("a new leader");
    assert!(
        new_leader.ends_with(&format!(":{}", master.port)),
        "{new_leader}"
    );
    reconcile_running(&cluster, &driver, &mut events);
    // Still the same framework, as the new leader sees it.
    cluster.assert_framework_active(&framework_id.value);
    stop_and_join(driver);
}

#[test]
fn a_killed_agent_reaches_the_scheduler_as_slave_lost_and_task_lost() {
    const TEST: &str = "a_killed_agent_reaches_the_scheduler_as_slave_lost_and_task_lost";
    let Some(install) = require_mesos(TEST) else {
        return;
    };
    support::init_logging();
    // The master gives up on a silent agent after 2 missed 1 s pings.
    let cluster = Cluster::start_with(
        &install,
        1,
        RESOURCES,
        "--agent_ping_timeout=1secs --max_agent_ping_timeouts=2",
        "",
    );
    let (scheduler, mut events) =
        channel(launch_once(|offer| command_task(LONG_TASK, offer, SLEEP)));
    let driver =
        MesosSchedulerDriver::builder(scheduler, framework("agent-lost", 0.0), &*cluster.master)
            .build()
            .unwrap();
    driver.start().unwrap();
    registered(&mut events);
    let running = events.wait_for_state(LONG_TASK, TaskState::TaskRunning, TASK_START);
    let agent = running.slave_id.clone().expect("RUNNING names the agent");

    cluster.kill("agent0");

    let mut lost: Option<SlaveId> = None;
    let mut last = None;
    events.wait_for(
        "slave_lost and the task's terminal status",
        RECOVER,
        |event| {
            match event {
                Ev::SlaveLost(id) => lost = Some(id.clone()),
                Ev::Status(status)
                    if status.task_id.value == LONG_TASK && !events::is_active(status.state()) =>
                {
                    last = Some((**status).clone())
                }
                _ => {}
            }
            (lost.is_some() && last.is_some()).then_some(())
        },
    );
    assert_eq!(lost.unwrap(), agent);
    let status = last.unwrap();
    // The framework does not checkpoint, so the master gives up its tasks
    // as soon as the agent's connection breaks (TASK_LOST, agent
    // disconnected), then reports the agent lost once its pings time out.
    assert_eq!(status.state(), TaskState::TaskLost, "{status:?}");
    assert_eq!(status.reason(), Reason::SlaveDisconnected, "{status:?}");
    stop_and_join(driver);
}

#[test]
fn a_killed_executor_reaches_the_scheduler_as_executor_lost_and_a_failed_task() {
    const TEST: &str = "a_killed_executor_reaches_the_scheduler_as_executor_lost_and_a_failed_task";
    let Some(install) = require_mesos(TEST) else {
        return;
    };
    support::init_logging();
    let executor = support::example_binary("executor");
    assert!(executor.is_file(), "{} missing", executor.display());
    let cluster = Cluster::start(&install, 1, RESOURCES);
    const EXECUTOR: &str = "killable-executor";
    let task = move |offer: &mesos_native::proto::Offer| TaskInfo {
        name: LONG_TASK.into(),
        task_id: TaskId {
            value: LONG_TASK.into(),
        },
        slave_id: offer.slave_id.clone(),
        resources: events::small_resources(),
        executor: Some(ExecutorInfo {
            executor_id: ExecutorId {
                value: EXECUTOR.into(),
            },
            command: Some(CommandInfo {
                value: Some(executor.display().to_string()),
                ..Default::default()
            }),
            resources: events::small_resources(),
            ..Default::default()
        }),
        // The example executor runs this and reports RUNNING meanwhile.
        data: Some(SLEEP.as_bytes().to_vec()),
        ..Default::default()
    };
    let (scheduler, mut events) = channel(launch_once(task));
    let driver =
        MesosSchedulerDriver::builder(scheduler, framework("executor-lost", 0.0), &*cluster.master)
            .build()
            .unwrap();
    driver.start().unwrap();
    registered(&mut events);
    let running = events.wait_for_state(LONG_TASK, TaskState::TaskRunning, TASK_START);
    let agent = running.slave_id.clone().expect("RUNNING names the agent");

    cluster.kill_executor(0, EXECUTOR);

    let mut executor_lost = None;
    let mut last = None;
    events.wait_for(
        "executor_lost and the task's terminal status",
        RECOVER,
        |event| {
            match event {
                Ev::ExecutorLost(executor, agent, status) => {
                    executor_lost = Some((executor.value.clone(), agent.clone(), *status))
                }
                Ev::Status(status)
                    if status.task_id.value == LONG_TASK && !events::is_active(status.state()) =>
                {
                    last = Some((**status).clone())
                }
                _ => {}
            }
            (executor_lost.is_some() && last.is_some()).then_some(())
        },
    );
    let (executor_id, lost_on, wait_status) = executor_lost.unwrap();
    assert_eq!(executor_id, EXECUTOR);
    assert_eq!(lost_on, agent);
    // A wait status: killed by signal 9.
    assert_eq!(wait_status & 0x7f, 9, "wait status {wait_status}");
    let status = last.unwrap();
    assert_eq!(status.state(), TaskState::TaskFailed, "{status:?}");
    assert_eq!(status.reason(), Reason::ExecutorTerminated, "{status:?}");
    stop_and_join(driver);
}

#[test]
fn after_stop_with_failover_a_new_driver_with_the_framework_id_owns_the_task() {
    const TEST: &str = "after_stop_with_failover_a_new_driver_with_the_framework_id_owns_the_task";
    let Some(install) = require_mesos(TEST) else {
        return;
    };
    support::init_logging();
    let cluster = Cluster::start(&install, 1, RESOURCES);

    // The first scheduler launches the task, then fails over.
    let (scheduler, mut events) =
        channel(launch_once(|offer| command_task(LONG_TASK, offer, SLEEP)));
    let first =
        MesosSchedulerDriver::builder(scheduler, framework("failover", 120.0), &*cluster.master)
            .build()
            .unwrap();
    first.start().unwrap();
    let (framework_id, _) = registered(&mut events);
    events.wait_for_state(LONG_TASK, TaskState::TaskRunning, TASK_START);
    assert_eq!(first.stop(true).unwrap(), DriverStatus::Stopped);
    assert_eq!(first.join().unwrap(), DriverStatus::Stopped);
    drop(first);

    // The master keeps the framework and its task meanwhile. (It may still
    // count the framework connected: this process's libprocess, which other
    // drivers share, keeps its connection to the master.)
    let state = cluster.state();
    assert!(
        listed_framework(&state, |f| support::framework_id(f) == framework_id.value).is_some(),
        "framework {} gone after stop(true)",
        framework_id.value
    );
    assert_eq!(
        task_state(&state, LONG_TASK),
        Some(V1TaskState::TaskRunning)
    );

    // A new driver with the saved id takes over.
    let (scheduler, mut events) = channel(events::decline_all);
    let info = FrameworkInfo {
        id: Some(framework_id.clone()),
        ..framework("failover", 120.0)
    };
    let second = MesosSchedulerDriver::builder(scheduler, info, &*cluster.master)
        .build()
        .unwrap();
    second.start().unwrap();
    let (id, _) = registered(&mut events);
    assert_eq!(id, framework_id, "the same framework");
    second.reconcile_tasks(&[]).unwrap();
    // The answer to reconciliation. (An executor's TASK_RUNNING whose
    // acknowledgement was cut off by the failover may be re-sent first.)
    let status = events.wait_for(
        "the reconciled TASK_RUNNING",
        Duration::from_secs(30),
        |event| match event {
            Ev::Status(status)
                if status.task_id.value == LONG_TASK
                    && status.state() == TaskState::TaskRunning
                    && status.reason() == Reason::Reconciliation =>
            {
                Some((**status).clone())
            }
            _ => None,
        },
    );
    assert!(status.slave_id.is_some(), "{status:?}");
    // It owns the task: it can kill it.
    second
        .kill_task(&TaskId {
            value: LONG_TASK.into(),
        })
        .unwrap();
    events.wait_for_state(LONG_TASK, TaskState::TaskKilled, Duration::from_secs(60));
    stop_and_join(second);
}

#[test]
fn behind_a_host_port_url_a_restarted_master_goes_unnoticed_by_the_driver() {
    const TEST: &str = "behind_a_host_port_url_a_restarted_master_goes_unnoticed_by_the_driver";
    let Some(install) = require_mesos(TEST) else {
        return;
    };
    support::init_logging();
    // A registry that survives the restart, so the master recovers the
    // agent and (from it) the framework.
    let cluster = Cluster::start_opts(
        &install,
        ClusterOptions {
            agents: 1,
            resources: RESOURCES,
            master_flags: "--agent_ping_timeout=1secs --max_agent_ping_timeouts=3",
            registry: Some("replicated_log"),
            ..Default::default()
        },
    );
    let (scheduler, mut events) =
        channel(launch_once(|offer| command_task(LONG_TASK, offer, SLEEP)));
    let driver = MesosSchedulerDriver::builder(
        scheduler,
        framework("standalone-restart", 300.0),
        &*cluster.master,
    )
    .build()
    .unwrap();
    driver.start().unwrap();
    registered(&mut events);
    events.wait_for_state(LONG_TASK, TaskState::TaskRunning, TASK_START);

    cluster.kill("master");
    cluster.start_daemon("master");
    // libmesos's scheduler driver watches no link to a standalone master:
    // no `disconnected`, no registration with the new master...
    let seen = events.collect_for(Duration::from_secs(15));
    assert!(seen.is_empty(), "{:?}", events.seen);
    // ...which knows the framework only from the agent, as disconnected...
    let state = cluster.wait_for_state("the agent back", RECOVER, |state| {
        task_state(state, LONG_TASK) == Some(V1TaskState::TaskRunning)
    });
    let known = listed_framework(&state, |f| f.framework_info.name == "standalone-restart")
        .expect("the framework, recovered from the agent");
    assert!(!known.connected, "{known:?}");
    // ...and drops its calls: reconciliation goes unanswered.
    driver.reconcile_tasks(&[]).unwrap();
    let seen = events.collect_for(Duration::from_secs(5));
    assert!(seen.is_empty(), "{:?}", events.seen);
    assert_eq!(driver.stop(false).unwrap(), DriverStatus::Stopped);
}
