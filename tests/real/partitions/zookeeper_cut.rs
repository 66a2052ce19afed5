//! The leading master cut off from ZooKeeper (and only from it): its
//! session expires, it gives up leading (a master that loses its
//! ZooKeeper session exits), another master is elected, and the framework
//! follows it through ZooKeeper, as the same framework with its task.

use mesos_testbed::Testbed;

use super::{eventually_master, start, Config, Framework, NOTICE, START};

fn leader_cut_from_zookeeper(api: &'static str) {
    let test = format!("partition-zk-{api}");
    let Some(testbed) = start(
        &test,
        Testbed::builder()
            .masters(3)
            .agents(1)
            // The cut-off leader's session expires sooner.
            .master_flag("--zk_session_timeout=4secs"),
    ) else {
        return;
    };
    let mut framework = Framework::start(
        &testbed,
        &Config::new(api, &testbed.zk_url().unwrap(), &test),
    );
    let id = framework.registered(START);
    framework.state("task-1", "TASK_RUNNING", START);
    let leader = testbed.leading_master_host().unwrap().expect("a leader");

    testbed.cut(&leader, "zk").unwrap();
    let successor = crate::testbed::eventually(&testbed, "another master to lead", NOTICE, || {
        testbed
            .leading_master_host()
            .ok()
            .flatten()
            .filter(|m| *m != leader)
    });
    eprintln!("{leader} was cut off from ZooKeeper; {successor} leads now");
    framework.next("disconnected", NOTICE);
    let again = framework.registered(NOTICE);
    assert_eq!(again, id, "the same framework");
    framework.wait("task-1 reconciled as running", NOTICE, |line| {
        (line.event() == "reconciled" && line.field(0) == "confirmed=task-1:TASK_RUNNING")
            .then_some(())
    });
    let successor = super::master_address(&testbed, &successor);
    eventually_master(
        &testbed,
        "scheduler",
        &[successor],
        "the new leader to know the framework and its task",
        NOTICE,
        |view| {
            let known = view.framework(&id)?;
            (known.connected && view.tasks_in(&id, "TASK_RUNNING") == ["task-1"]).then_some(())
        },
    );
    assert_eq!(framework.launched(), ["task-1"], "no task launched twice");
}

#[test]
fn partition_leader_cut_from_zookeeper_v0() {
    leader_cut_from_zookeeper("v0");
}

#[test]
fn partition_leader_cut_from_zookeeper_v1() {
    leader_cut_from_zookeeper("v1");
}
