//! What the master must show after the reference scenario ran: shared by
//! the examples suite's `reference` (the example's binaries on a cluster of
//! the test's own) and `readme` (the README's commands, typed as a user
//! types them), and the real suite's `cluster_v1` and `cross_host` (the
//! testbed, read from its scheduler host). Reads the master's and the
//! agents' operator API through `mesos::operator`, and names agents by port
//! on loopback or by address on the testbed ([`AgentKey`]).

use std::fmt::Debug;

use mesos_native::operator::{Agent, Master};
use mesos_native::proto::v1::master::response::get_agents;
use mesos_native::proto::v1::{AgentInfo, Task, TaskState};
pub use mesos_reference::scenario::ROLE;
use mesos_reference::scenario::{EXECUTOR_ID, PARENT_ROLE};

use crate::support::framework_id;

/// The role stack the framework's refinement creates.
pub const REFINED_STACK: [&str; 3] = ["tenant1", PARENT_ROLE, ROLE];

/// How a test names an agent: its port on a loopback cluster (every agent
/// is 127.0.0.1), its address on the testbed (every agent listens on 5051,
/// and the testbed sets each agent's hostname to its address).
pub trait AgentKey: Copy + Debug {
    /// Whether `info` (from the master's GET_AGENTS) is this agent's.
    fn is(&self, info: &AgentInfo) -> bool;
    /// Where this agent's operator API answers.
    fn address(&self) -> String;
}

impl AgentKey for u16 {
    fn is(&self, info: &AgentInfo) -> bool {
        info.port() == i32::from(*self)
    }
    fn address(&self) -> String {
        format!("127.0.0.1:{self}")
    }
}

impl AgentKey for &str {
    fn is(&self, info: &AgentInfo) -> bool {
        info.hostname == *self
    }
    fn address(&self) -> String {
        format!("{self}:5051")
    }
}

fn agent(master: &Master, key: impl AgentKey) -> get_agents::Agent {
    let agents = master.get_agents().expect("GET_AGENTS").agents;
    let found = agents.iter().position(|a| key.is(&a.agent_info));
    match found {
        Some(index) => agents.into_iter().nth(index).unwrap(),
        None => panic!("no agent {key:?}: {agents:?}"),
    }
}

/// The role stacks of every reserved resource on the agent `key` names,
/// sorted and without repeats.
pub fn reservation_stacks(master: &Master, key: impl AgentKey) -> Vec<Vec<String>> {
    let mut stacks: Vec<Vec<String>> = agent(master, key)
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

pub fn agent_id(master: &Master, key: impl AgentKey) -> String {
    agent(master, key)
        .agent_info
        .id
        .expect("a registered agent has an id")
        .value
}

/// Every task the agents `keys` name know, running or ended, with the key
/// of the agent that ran it: each agent's GET_STATE (its launched,
/// terminated and completed tasks).
///
/// Not the master's GET_TASKS: Mesos 1.10 to 1.12 leave the tasks of
/// completed frameworks out of the master's protobuf answers to GET_TASKS
/// and GET_STATE (`serializeGetTasks` in `src/master/readonly_handler.cpp`
/// negates its VIEW_FRAMEWORK check for them; the JSON answer, and the
/// agents', are right), and the scenario's framework has completed by the
/// time it is checked.
pub fn agents_tasks<K: AgentKey>(keys: &[K]) -> Vec<(K, Task)> {
    let mut found = Vec::new();
    for key in keys {
        let agent = Agent::new(&key.address()).expect("the agent's address");
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
        found.extend(all.map(|task| (*key, task)));
    }
    found
}

/// The scenario's outcome, from the master and its agents: one task,
/// FINISHED, on the first agent, run by the custom executor on resources
/// refined `tenant1` > `tenant1/private` > `tenant1/private/test-framework`
/// by the framework in that role; that agent holds the refined stack and no
/// other agent was refined.
pub fn assert_reference_scenario_ran<K: AgentKey + PartialEq>(master: &Master, agents: &[K]) {
    let stack = REFINED_STACK.map(String::from).to_vec();
    let agent0 = reservation_stacks(master, agents[0]);
    assert!(agent0.contains(&stack), "agent 0 stacks: {agent0:?}");
    for key in &agents[1..] {
        let stacks = reservation_stacks(master, *key);
        assert!(
            stacks.iter().all(|s| s.len() <= 2),
            "agent {key:?} was refined: {stacks:?}"
        );
    }

    let tasks = agents_tasks(agents);
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    let (key, task) = &tasks[0];
    assert_eq!(*key, agents[0], "{task:?}");
    assert_eq!(task.state(), TaskState::TaskFinished, "{task:?}");
    assert_eq!(task.agent_id.value, agent_id(master, agents[0]), "{task:?}");
    assert_eq!(
        task.executor_id.as_ref().map(|id| id.value.as_str()),
        Some(EXECUTOR_ID),
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
