//! The scheduler host cut off from the master: for less than the
//! framework's failover timeout (it comes back as the same framework,
//! with its task, launching nothing twice), for longer (the master removed
//! it: what it is told), and one way only (the master's packets to the
//! scheduler dropped).

use mesos_testbed::Testbed;

use super::{eventually_master, short_tcp_timeouts, start, Config, Framework, NOTICE, START};

/// A framework with one task running on a one-master, one-agent testbed
/// whose scheduler and master give up on a cut connection within seconds.
fn running(
    test: &str,
    api: &'static str,
    failover_timeout: f64,
) -> Option<(super::Bed, Framework, String)> {
    let testbed = start(test, Testbed::builder().masters(1).agents(1))?;
    short_tcp_timeouts(&testbed, &["scheduler", "master1"]);
    let mut config = Config::new(api, &testbed.zk_url().unwrap(), test);
    config.failover_timeout = failover_timeout;
    let mut framework = Framework::start(&testbed, &config);
    let id = framework.registered(START);
    framework.state("task-1", "TASK_RUNNING", START);
    Some((testbed, framework, id))
}

/// Cuts the scheduler off, waits until the master counts the framework
/// disconnected (asked from the file server's host, which the cut leaves
/// connected).
fn cut_until_disconnected(testbed: &Testbed, id: &str) {
    testbed.cut("scheduler", "master1").unwrap();
    eventually_master(
        testbed,
        "files",
        &testbed.masters(),
        "the master to count the framework disconnected",
        NOTICE,
        |view| view.framework(id).filter(|f| !f.connected).map(|_| ()),
    );
}

fn shorter_than_the_failover_timeout(api: &'static str) {
    let test = format!("partition-short-{api}");
    let Some((testbed, mut framework, id)) = running(&test, api, 300.0) else {
        return;
    };
    cut_until_disconnected(&testbed, &id);
    testbed.heal("scheduler", "master1").unwrap();

    if api == "v0" {
        // The driver noticed nothing; the master refuses its next call,
        // and the driver is aborted with the binding's explanation.
        let error = framework.next("error", NOTICE);
        eprintln!("v0 was told: {}", error.rest());
        assert!(
            error.rest().starts_with("Framework disconnected ("),
            "{error:?}"
        );
        assert!(error.rest().contains("same framework id"), "{error:?}");
        framework.next("failing_over", NOTICE);
    }
    let again = framework.registered(NOTICE);
    assert_eq!(again, id, "the same framework");
    let reconciled = framework.next("reconciled", NOTICE);
    assert_eq!(
        reconciled.field(0),
        "confirmed=task-1:TASK_RUNNING",
        "{reconciled:?}"
    );
    assert_back_with_its_task(&testbed, &framework, &id);
}

#[test]
fn partition_scheduler_cut_shorter_than_the_failover_timeout_v0() {
    shorter_than_the_failover_timeout("v0");
}

#[test]
fn partition_scheduler_cut_shorter_than_the_failover_timeout_v1() {
    shorter_than_the_failover_timeout("v1");
}

fn longer_than_the_failover_timeout(api: &'static str) {
    let test = format!("partition-long-{api}");
    let Some((testbed, mut framework, id)) = running(&test, api, 5.0) else {
        return;
    };
    cut_until_disconnected(&testbed, &id);
    eventually_master(
        &testbed,
        "files",
        &testbed.masters(),
        "the master to remove the framework",
        NOTICE,
        |view| view.framework(&id).filter(|f| f.removed).map(|_| ()),
    );
    // What the framework notices first (below) takes long enough for the
    // master's last word to it (a connection attempt to say "Framework
    // disconnected") to give up too.
    if api == "v0" {
        // The driver still believes it is registered; only its
        // unanswered reconciliation tells (the framework fails over).
        framework.next("unanswered:", NOTICE);
    } else {
        framework.next("disconnected", NOTICE);
    }
    testbed.heal("scheduler", "master1").unwrap();

    let error = framework.next("error", NOTICE);
    eprintln!("{api} was told: {}", error.rest());
    assert!(
        error.rest().starts_with("Framework has been removed ("),
        "{error:?}"
    );
    for hint in [
        "failover timeout",
        "register a new framework, without the id",
    ] {
        assert!(error.rest().contains(hint), "{hint}: {error:?}");
    }
    // As the error says: a new framework, without the id.
    let new = framework.registered(NOTICE);
    assert_ne!(new, id, "a new framework");
    // The old framework's task was killed with it; the new one runs its own.
    eventually_master(
        &testbed,
        "files",
        &testbed.masters(),
        "only the new framework's task running",
        NOTICE,
        |view| {
            (view.framework(&id)?.removed
                && view.tasks_in(&id, "TASK_RUNNING").is_empty()
                && view.tasks_in(&new, "TASK_RUNNING") == ["task-2"])
            .then_some(())
        },
    );
}

#[test]
fn partition_scheduler_cut_longer_than_the_failover_timeout_v0() {
    longer_than_the_failover_timeout("v0");
}

#[test]
fn partition_scheduler_cut_longer_than_the_failover_timeout_v1() {
    longer_than_the_failover_timeout("v1");
}

fn one_way(api: &'static str) {
    let test = format!("partition-oneway-{api}");
    let Some((testbed, mut framework, id)) = running(&test, api, 300.0) else {
        return;
    };
    // What the master sends the scheduler is lost, and with it every
    // answer and every TCP acknowledgement: TCP gives up on its connections
    // to the scheduler, and the master counts the framework disconnected.
    testbed.cut_one_way("master1", "scheduler").unwrap();
    eventually_master(
        &testbed,
        "files",
        &testbed.masters(),
        "the master to count the framework disconnected",
        NOTICE,
        |view| view.framework(&id).filter(|f| !f.connected).map(|_| ()),
    );
    if api == "v0" {
        // The driver notices nothing (no heartbeats between a master and
        // a v0 driver): only its unanswered reconciliation tells, and the
        // framework fails over; the new driver's registration gets no
        // answer, and the binding's watchdog says why.
        framework.next("unanswered:", NOTICE);
        let stalled = framework.next("stalled", NOTICE);
        eprintln!("v0 was told: {}", stalled.rest());
        for expected in [
            "has not registered",
            "10.231.0.50:",
            "not reachable from the master",
            "LIBPROCESS_ADVERTISE_IP",
            "v1 API",
        ] {
            assert!(stalled.rest().contains(expected), "{expected}: {stalled:?}");
        }
    } else {
        // No heartbeat comes through: the binding reconnects.
        framework.next("disconnected", NOTICE);
    }
    testbed.heal("master1", "scheduler").unwrap();
    let again = framework.registered(NOTICE);
    assert_eq!(again, id, "the same framework");
    framework.wait("task-1 reconciled as running", NOTICE, |line| {
        (line.event() == "reconciled" && line.field(0) == "confirmed=task-1:TASK_RUNNING")
            .then_some(())
    });
    assert_back_with_its_task(&testbed, &framework, &id);
}

#[test]
fn partition_scheduler_one_way_cut_v0() {
    one_way("v0");
}

#[test]
fn partition_scheduler_one_way_cut_v1() {
    one_way("v1");
}

/// After a heal: the master lists the framework `id` connected and active
/// with its one task running, and the framework launched nothing twice.
fn assert_back_with_its_task(testbed: &Testbed, framework: &Framework, id: &str) {
    eventually_master(
        testbed,
        "files",
        &testbed.masters(),
        "the framework back, its one task running",
        NOTICE,
        |view| {
            let known = view.framework(id)?;
            (known.connected && known.active && view.tasks_in(id, "TASK_RUNNING") == ["task-1"])
                .then_some(())
        },
    );
    assert_eq!(framework.launched(), ["task-1"], "no task launched twice");
}
