//! The agent running the framework's task cut off from the master, then
//! healed. The master gives up on it after three missed pings of a
//! second, and tells the framework its task is `TASK_UNREACHABLE` (a
//! `PARTITION_AWARE` framework, which keeps the task and reconciles it
//! until it is back) or `TASK_LOST` (one that is not, which replaces it;
//! the lost task comes back too, and the framework kills it). When the
//! agent re-registers, the master sends the task's state again:
//! `TASK_RUNNING`, reason `REASON_SLAVE_REREGISTERED`.

use mesos_testbed::Testbed;

use super::{eventually_master, start, Config, Framework, NOTICE, START};

/// The testbed host of the agent with id `agent_id`, asked from the
/// scheduler host.
fn agent_host(testbed: &Testbed, agent_id: &str) -> String {
    let masters = testbed.masters();
    let hostname = testbed
        .host("scheduler")
        .unwrap()
        .within(|| {
            let master = mesos_native::operator::Master::new(&format!("http://{}", masters[0]))
                .expect("an operator client");
            master
                .get_agents()
                .expect("GET_AGENTS")
                .agents
                .into_iter()
                .find(|agent| {
                    agent.agent_info.id.as_ref().map(|id| id.value.as_str()) == Some(agent_id)
                })
                .map(|agent| agent.agent_info.hostname)
        })
        .unwrap()
        .expect("the agent of the task");
    testbed
        .hosts()
        .find(|host| host.public_address().to_string() == hostname)
        .map(|host| host.name().to_string())
        .expect("a host with the agent's address")
}

fn agent_cut(api: &'static str, partition_aware: bool) {
    let kind = if partition_aware { "aware" } else { "unaware" };
    let test = format!("partition-agent-{kind}-{api}");
    let Some(testbed) = start(
        &test,
        Testbed::builder()
            .masters(1)
            .agents(2)
            // The master gives up on an agent after 3 missed pings of 1 s.
            .master_flag("--agent_ping_timeout=1secs")
            .master_flag("--max_agent_ping_timeouts=3"),
    ) else {
        return;
    };
    let mut config = Config::new(api, &testbed.zk_url().unwrap(), &test);
    config.partition_aware = partition_aware;
    let mut framework = Framework::start(&testbed, &config);
    let id = framework.registered(START);
    framework.state("task-1", "TASK_RUNNING", START);
    let agent = framework.seen("launched")[0].field(1).to_string();
    let host = agent_host(&testbed, &agent);
    eprintln!("task-1 runs on {host} ({agent})");

    testbed.cut(&host, "master1").unwrap();
    if partition_aware {
        let unreachable = framework.state("task-1", "TASK_UNREACHABLE", NOTICE);
        eprintln!("the framework was told: {unreachable:?}");
        assert_eq!(
            unreachable.field(2),
            "REASON_SLAVE_REMOVED",
            "{unreachable:?}"
        );
        // Reconciled while the agent is away: not lost, not running.
        let reconciled = framework.next("reconciled", NOTICE);
        assert_eq!(
            reconciled.rest(),
            "confirmed= unreachable=task-1:TASK_UNREACHABLE lost= unanswered=",
            "{reconciled:?}"
        );
    } else {
        let lost = framework.state("task-1", "TASK_LOST", NOTICE);
        eprintln!("the framework was told: {lost:?}");
        assert_eq!(lost.field(2), "REASON_SLAVE_REMOVED", "{lost:?}");
        // Replaced, on the other agent.
        framework.state("task-2", "TASK_RUNNING", START);
    }

    testbed.heal(&host, "master1").unwrap();
    let back = framework.state("task-1", "TASK_RUNNING", NOTICE);
    eprintln!("after the heal: {back:?}");
    assert_eq!(back.field(2), "REASON_SLAVE_REREGISTERED", "{back:?}");
    if partition_aware {
        // The framework's reconciliation confirms it.
        framework.wait("task-1 reconciled as running", NOTICE, |line| {
            (line.event() == "reconciled" && line.field(0) == "confirmed=task-1:TASK_RUNNING")
                .then_some(())
        });
        assert_eq!(framework.launched(), ["task-1"], "nothing replaced");
    } else {
        // Given up for lost, and back: the framework kills it.
        framework.next("kill", NOTICE);
        framework.state("task-1", "TASK_KILLED", NOTICE);
        assert_eq!(framework.launched(), ["task-1", "task-2"]);
    }
    let running = if partition_aware { "task-1" } else { "task-2" };
    eventually_master(
        &testbed,
        "scheduler",
        &testbed.masters(),
        "one task running",
        NOTICE,
        |view| (view.tasks_in(&id, "TASK_RUNNING") == [running]).then_some(()),
    );
}

#[test]
fn partition_agent_cut_partition_aware_v0() {
    agent_cut("v0", true);
}

#[test]
fn partition_agent_cut_partition_aware_v1() {
    agent_cut("v1", true);
}

#[test]
fn partition_agent_cut_not_partition_aware_v0() {
    agent_cut("v0", false);
}

#[test]
fn partition_agent_cut_not_partition_aware_v1() {
    agent_cut("v1", false);
}
