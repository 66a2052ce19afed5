//! What the master must show after the reference scenario ran: shared by
//! the examples suite's `reference` (the example's binaries on a cluster of
//! the test's own) and `readme` (the README's commands, typed as a user
//! types them), and the real suite's `cluster_v1`. Reads the master's and
//! the agents' operator API through `mesos::operator`.

use mesos_native::operator::{Agent, Master};
use mesos_native::proto::v1::master::response::get_agents;
use mesos_native::proto::v1::{Task, TaskState};

use crate::support::framework_id;

/// The framework's role, and the role stack its refinement creates.
pub const ROLE: &str = "tenant1/private/test-framework";
pub const REFINED_STACK: [&str; 3] = ["tenant1", "tenant1/private", ROLE];

fn agent_on_port(master: &Master, port: u16) -> get_agents::Agent {
    let agents = master.get_agents().expect("GET_AGENTS").agents;
    let found = agents
        .iter()
        .position(|a| a.agent_info.port() == i32::from(port));
    match found {
        Some(index) => agents.into_iter().nth(index).unwrap(),
        None => panic!("no agent on port {port}: {agents:?}"),
    }
}

/// The role stacks of every reserved resource on the agent at `port`,
/// sorted and without repeats.
pub fn reservation_stacks(master: &Master, port: u16) -> Vec<Vec<String>> {
    let mut stacks: Vec<Vec<String>> = agent_on_port(master, port)
        .total_resources
        .iter()
        .filter(|r| !r.reservations.is_empty())
        .map(|r| {
            r.reservations
                .iter()
                .map(|r| r.role().to_string())
                .collect()
        })
        .collect();
    stacks.sort();
    stacks.dedup();
    stacks
}

pub fn agent_id(master: &Master, port: u16) -> String {
    agent_on_port(master, port)
        .agent_info
        .id
        .expect("a registered agent has an id")
        .value
}

/// Every task the agents at `ports` know, running or ended, with the port
/// of the agent that ran it: each agent's GET_STATE (its launched,
/// terminated and completed tasks).
///
/// Not the master's GET_TASKS: Mesos 1.10 to 1.12 leave the tasks of
/// completed frameworks out of the master's protobuf answers to GET_TASKS
/// and GET_STATE (`serializeGetTasks` in `src/master/readonly_handler.cpp`
/// negates its VIEW_FRAMEWORK check for them; the JSON answer, and the
/// agents', are right), and the scenario's framework has completed by the
/// time it is checked.
pub fn agents_tasks(ports: &[u16]) -> Vec<(u16, Task)> {
    let mut found = Vec::new();
    for port in ports {
        let agent = Agent::new(&format!("127.0.0.1:{port}")).expect("the agent's address");
        let tasks = agent
            .get_state()
            .expect("the agent's GET_STATE")
            .get_tasks
            .unwrap_or_default();
        let all = tasks
            .launched_tasks
            .into_iter()
            .chain(tasks.terminated_tasks)
            .chain(tasks.completed_tasks);
        found.extend(all.map(|task| (*port, task)));
    }
    found
}

/// The scenario's outcome, from the master and its agents: one task,
/// FINISHED, on the first agent, run by the custom executor on resources
/// refined `tenant1` > `tenant1/private` > `tenant1/private/test-framework`
/// by the framework in that role; that agent holds the refined stack and no
/// other agent was refined.
pub fn assert_reference_scenario_ran(master: &Master, agent_ports: &[u16]) {
    let stack = REFINED_STACK.map(String::from).to_vec();
    let agent0 = reservation_stacks(master, agent_ports[0]);
    assert!(agent0.contains(&stack), "agent 0 stacks: {agent0:?}");
    for port in &agent_ports[1..] {
        let stacks = reservation_stacks(master, *port);
        assert!(
            stacks.iter().all(|s| s.len() <= 2),
            "agent {port} was refined: {stacks:?}"
        );
    }

    let tasks = agents_tasks(agent_ports);
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    let (port, task) = &tasks[0];
    assert_eq!(*port, agent_ports[0], "{task:?}");
    assert_eq!(task.state(), TaskState::TaskFinished, "{task:?}");
    assert_eq!(
        task.agent_id.value,
        agent_id(master, agent_ports[0]),
        "{task:?}"
    );
    assert_eq!(
        task.executor_id.as_ref().map(|id| id.value.as_str()),
        Some("refinement-executor"),
        "{task:?}"
    );
    let frameworks = master.get_frameworks().expect("GET_FRAMEWORKS");
    let framework = frameworks
        .frameworks
        .iter()
        .chain(&frameworks.completed_frameworks)
        .find(|f| framework_id(f) == task.framework_id.value)
        .unwrap_or_else(|| panic!("the task's framework is unknown: {frameworks:?}"));
    assert_eq!(
        framework.framework_info.roles,
        [ROLE],
        "{:?}",
        framework.framework_info
    );
    assert!(!task.resources.is_empty(), "{task:?}");
    for resource in &task.resources {
        let task_stack: Vec<&str> = resource.reservations.iter().map(|r| r.role()).collect();
        assert_eq!(task_stack, REFINED_STACK, "{resource:?}");
    }
}
