//! `main --framework-store`: killed after registering (or after launching
//! its task), the reference framework's restart reads its id back from
//! State on ZooKeeper, fails over to the same framework, reconciles its
//! task with the master, and finishes the scenario without launching the
//! task twice. Skipped loudly without Mesos or ZooKeeper;
//! `MESOS_TEST_REQUIRE=1` fails instead.

use crate::support;
use crate::support::checks;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::{example_binary, run_example, Cluster};
use mesos_native::proto::v1::{Task, TaskState};
use mesos_native::state::State;
use mesos_native::ZooKeeper;

const AGENT_RESOURCES: &str = "cpus:1;mem:1024;disk:10000";

/// A ZooKeeper for the store, and a four-agent cluster reserved by
/// `reserve_cluster`; `None` (the test skipped) without Mesos or ZooKeeper.
struct Setup {
    _zookeeper: support::zookeeper::ZooKeeper,
    store: String,
    cluster: Cluster,
    master: String,
}

fn setup(test: &str) -> Option<Setup> {
    let (install, zookeeper_install) = support::require_mesos_and_zookeeper(test)?;
    let zookeeper = zookeeper_install
        .start(&support::scratch_dir(test))
        .unwrap();
    let store = format!("127.0.0.1:{}/framework-store", zookeeper.port);
    let cluster = Cluster::start(&install, 4, AGENT_RESOURCES);
    let master = cluster.master.clone();
    assert!(run_example("reserve_cluster", &["--master", &master]).0);
    Some(Setup {
        _zookeeper: zookeeper,
        store,
        cluster,
        master,
    })
}

/// Runs `main` until it prints a line starting with `until`, then kills
/// it; returns the id it registered as.
fn run_and_die(master: &str, store: &str, until: &str) -> String {
    let mut main = Command::new(example_binary("main"))
        .args(["--master", master, "--framework-store", store])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run main");
    let mut registered = None;
    for line in BufReader::new(main.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        eprintln!("main (first run): {line}");
        if let Some(rest) = line.strip_prefix("registered as framework ") {
            registered = rest.split_whitespace().next().map(String::from);
        }
        if line.starts_with(until) {
            break;
        }
    }
    main.kill().unwrap();
    main.wait().unwrap();
    registered.expect("main registered before storing its id")
}

#[test]
fn a_restarted_main_fails_over_to_the_framework_id_it_stored() {
    const TEST: &str = "a_restarted_main_fails_over_to_the_framework_id_it_stored";
    let Some(Setup {
        _zookeeper,
        store,
        cluster,
        master,
    }) = setup(TEST)
    else {
        return;
    };

    let id = run_and_die(&master, &store, "framework id stored");
    let state = State::zookeeper(&ZooKeeper::parse(&store).unwrap()).unwrap();
    let stored = state
        .fetch("framework-id", Duration::from_secs(30))
        .unwrap();
    assert_eq!(stored.value(), id.as_bytes(), "the id in the store");

    let (ok, output) = run_example("main", &["--master", &master, "--framework-store", &store]);
    assert!(ok, "the restart failed:\n{output}");
    assert!(
        output.contains(&format!("failing over to framework {id}")),
        "{output}"
    );
    assert!(
        output.contains(&format!("registered as framework {id}")),
        "{output}"
    );
    assert!(output.contains("TaskFinished"), "{output}");

    // One framework in all, its task finished; the store is empty again.
    assert_eq!(
        cluster.framework_ids(),
        [id.as_str()],
        "{:?}",
        cluster.frameworks()
    );
    let after = state
        .fetch("framework-id", Duration::from_secs(30))
        .unwrap();
    assert!(
        after.value().is_empty(),
        "the id is forgotten once the framework is torn down"
    );
}

/// The tasks the agents have for framework `id`, running and ended (the
/// agents': see `checks::agents_tasks` for why not the master's).
fn tasks_of(cluster: &Cluster, id: &str) -> Vec<Task> {
    checks::agents_tasks(&cluster.agent_ports)
        .into_iter()
        .map(|(_, task)| task)
        .filter(|task| task.framework_id.value == id)
        .collect()
}

#[test]
fn a_main_killed_while_its_task_runs_reconciles_on_restart_and_launches_nothing_twice() {
    const TEST: &str =
        "a_main_killed_while_its_task_runs_reconciles_on_restart_and_launches_nothing_twice";
    let Some(Setup {
        _zookeeper,
        store,
        cluster,
        master,
    }) = setup(TEST)
    else {
        return;
    };

    // Killed once the task runs: the master knows it then. (Killed right
    // after `accept_offers` returned, the launch may never have left the
    // process; the master then rightly answers that it does not know the
    // task, and the restart launches it, once.)
    let id = run_and_die(
        &master,
        &store,
        "status update: task refinement-task is TaskRunning",
    );
    let (ok, output) = run_example("main", &["--master", &master, "--framework-store", &store]);
    assert!(ok, "the restart failed:\n{output}");
    for line in [
        format!("failing over to framework {id}"),
        "reconciling task refinement-task with the master".to_string(),
        "reconciled: task refinement-task is".to_string(),
        "TaskFinished".to_string(),
    ] {
        assert!(output.contains(&line), "missing {line:?} in:\n{output}");
    }
    assert!(
        !output.contains("launched on agent"),
        "launched again:\n{output}"
    );
    let tasks = tasks_of(&cluster, &id);
    assert_eq!(tasks.len(), 1, "one task in all: {tasks:?}");
    assert_eq!(tasks[0].state(), TaskState::TaskFinished, "{tasks:?}");
}
