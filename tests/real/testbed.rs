//! A real Mesos on the multi-host testbed (`mesos-testbed`): ZooKeeper,
//! three masters and four agents, each host in a network namespace of its
//! own, read through the typed operator client from the scheduler host.
//! What loopback cannot show: a leader cut off from everyone loses its
//! leadership to another master, and an agent cut off from the masters is
//! dropped and comes back once healed. Needs root and the Mesos binaries
//! (not libmesos: the test process only speaks HTTP); SKIPPED loudly
//! otherwise, failing with `MESOS_TEST_REQUIRE=1`.

use std::ops::Deref;
use std::sync::MutexGuard;
use std::time::{Duration, Instant};

use mesos_native::operator::Master;
use mesos_testbed::{Builder, Testbed};

use crate::support::{cluster_turn, skip};

/// A testbed, and this test's turn to run one: the tests take turns, as
/// the loopback clusters do (a cluster of six to nine hosts is heavy on a
/// small machine).
pub struct Bed {
    // Dropped (torn down) before the turn is given up.
    testbed: Testbed,
    _turn: MutexGuard<'static, ()>,
}

impl Deref for Bed {
    type Target = Testbed;

    fn deref(&self) -> &Testbed {
        &self.testbed
    }
}

/// The testbed `builder` makes, once it is this test's turn, or None after
/// a loud SKIPPED line naming what this machine lacks.
pub fn start(test: &str, builder: Builder) -> Option<Bed> {
    let turn = cluster_turn();
    match builder.start() {
        Ok(testbed) => Some(Bed {
            testbed,
            _turn: turn,
        }),
        Err(e) if e.is_unavailable() => {
            skip(test, e.message());
            None
        }
        Err(e) => panic!("{test}: the testbed did not start: {e}"),
    }
}

/// The hostnames of the agents the leading master lists as active, asked
/// from the scheduler host (the test process's own namespace reaches no
/// host); empty while no master answers.
fn active_agents(testbed: &Testbed) -> Vec<String> {
    let masters = testbed.masters();
    let mut agents = testbed
        .host("scheduler")
        .unwrap()
        .within(|| {
            masters.iter().find_map(|address| {
                let master = Master::builder(format!("http://{address}"))
                    .timeout(Duration::from_secs(3))
                    .build()
                    .ok()?;
                Some(master.get_agents().ok()?.agents)
            })
        })
        .unwrap()
        .unwrap_or_default()
        .into_iter()
        .filter(|agent| agent.active)
        .map(|agent| agent.agent_info.hostname)
        .collect::<Vec<_>>();
    agents.sort();
    agents
}

/// Polls `check` every 500 ms until it returns `Some`; panics after
/// `timeout`, naming `what` and the logs.
pub(crate) fn eventually<T>(
    testbed: &Testbed,
    what: &str,
    timeout: Duration,
    mut check: impl FnMut() -> Option<T>,
) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(found) = check() {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}; logs in {}",
            testbed.state_dir().join("logs").display()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

const ALL_AGENTS: [&str; 4] = ["10.231.0.20", "10.231.0.21", "10.231.0.22", "10.231.0.23"];

#[test]
fn a_leader_cut_off_from_everyone_loses_its_leadership_to_another_master() {
    let test = "a_leader_cut_off_from_everyone_loses_its_leadership_to_another_master";
    let Some(testbed) = start(
        test,
        Testbed::builder()
            .masters(3)
            .agents(4)
            // A cut-off leader's ZooKeeper session expires sooner.
            .master_flag("--zk_session_timeout=4secs"),
    ) else {
        return;
    };
    // Every agent registered under its own address.
    assert_eq!(active_agents(&testbed), ALL_AGENTS);
    let leader = testbed
        .leading_master_host()
        .unwrap()
        .expect("a master leads");

    testbed.isolate(&leader).unwrap();
    let successor = eventually(
        &testbed,
        "another master to lead",
        Duration::from_secs(90),
        || {
            testbed
                .leading_master_host()
                .ok()
                .flatten()
                .filter(|m| *m != leader)
        },
    );
    eprintln!("{leader} was cut off; {successor} leads now");
    // The agents follow the new leader.
    eventually(
        &testbed,
        "the agents under the new leader",
        Duration::from_secs(120),
        || (active_agents(&testbed) == ALL_AGENTS).then_some(()),
    );

    // Plugged back in and restarted (a master that lost its leadership
    // exits), the old leader follows.
    testbed.reconnect(&leader).unwrap();
    testbed.restart(&leader).unwrap();
    testbed
        .wait_for_agents(4, Duration::from_secs(120))
        .unwrap();
    assert_eq!(testbed.leading_master_host().unwrap(), Some(successor));
}

#[test]
fn an_agent_cut_off_from_the_masters_is_dropped_and_comes_back_when_healed() {
    let test = "an_agent_cut_off_from_the_masters_is_dropped_and_comes_back_when_healed";
    let Some(testbed) = start(
        test,
        Testbed::builder()
            .masters(1)
            .agents(4)
            // The master gives up on an agent after 3 missed pings of 1 s.
            .master_flag("--agent_ping_timeout=1secs")
            .master_flag("--max_agent_ping_timeouts=3"),
    ) else {
        return;
    };
    assert_eq!(active_agents(&testbed), ALL_AGENTS);

    testbed.cut("agent0", "master1").unwrap();
    eventually(
        &testbed,
        "agent0 to be dropped",
        Duration::from_secs(60),
        || (active_agents(&testbed) == ALL_AGENTS[1..]).then_some(()),
    );
    // Only agent0's link: the others stayed.
    assert!(testbed.is_cut("master1", "agent0").unwrap());
    assert!(!testbed.is_cut("master1", "agent1").unwrap());

    testbed.heal("agent0", "master1").unwrap();
    eventually(
        &testbed,
        "agent0 to come back",
        Duration::from_secs(120),
        || (active_agents(&testbed) == ALL_AGENTS).then_some(()),
    );
}

#[test]
fn an_executor_fetches_from_the_file_server_what_its_agent_cannot_see() {
    let test = "an_executor_fetches_from_the_file_server_what_its_agent_cannot_see";
    let Some(testbed) = start(test, Testbed::builder().masters(1).agents(1)) else {
        return;
    };
    // A script in the project's tree: the scheduler host sees it, the
    // agent does not, so the task must fetch it.
    let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let test_dir = std::env::current_exe().unwrap();
    let payload = test_dir.with_file_name(format!("testbed-payload-{}.sh", std::process::id()));
    std::fs::write(&payload, "echo the fetched payload ran\n").unwrap();
    let url = testbed.publish(&payload).unwrap();
    std::fs::remove_file(&payload).unwrap();
    let name = payload.file_name().unwrap().to_str().unwrap();
    let command = format!(
        "test ! -e {workspace}/Cargo.toml && test ! -e {exe} && sh {name}",
        workspace = workspace.display(),
        exe = test_dir.display()
    );
    let task = serde_json::json!({
        "name": "payload",
        "task_id": {"value": "payload"},
        "agent_id": {"value": ""},
        "resources": [
            {"name": "cpus", "type": "SCALAR", "scalar": {"value": 0.1}},
            {"name": "mem", "type": "SCALAR", "scalar": {"value": 32}}
        ],
        "command": {"value": command, "uris": [{"value": url}]}
    });
    // mesos-execute, the framework Mesos installs, runs on the scheduler
    // host and exits 0 once its task finished.
    let sbin = mesos_testbed::preflight::mesos().unwrap().master;
    let execute = sbin
        .parent()
        .unwrap()
        .with_file_name("bin")
        .join("mesos-execute");
    let output = testbed
        .host("scheduler")
        .unwrap()
        .command("timeout")
        .arg("120")
        .arg(&execute)
        .arg(format!("--master={}", testbed.zk_url().unwrap()))
        .arg(format!("--task={task}"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "mesos-execute failed:\n{said}");
    assert!(said.contains("TASK_FINISHED"), "{said}");
    // The sandbox's stdout says the script ran.
    let sandbox_out = find_files(&testbed.state_dir().join("agent0"), "stdout")
        .into_iter()
        .map(|f| std::fs::read_to_string(f).unwrap_or_default())
        .collect::<String>();
    assert!(
        sandbox_out.contains("the fetched payload ran"),
        "{sandbox_out}"
    );
}

/// Every file named `name` under `dir`.
fn find_files(dir: &std::path::Path, name: &str) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() && !path.is_symlink() {
            found.extend(find_files(&path, name));
        } else if path.file_name().is_some_and(|n| n == name) {
            found.push(path);
        }
    }
    found
}
