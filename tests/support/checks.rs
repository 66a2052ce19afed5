//! What the master must show after the reference scenario ran: shared by
//! the examples suite's `reference` (the example's binaries on a cluster of
//! the test's own) and `readme` (the README's commands, typed as a user
//! types them), and the real suite's `cluster_v1`. Reads the master's
//! operator API.

use serde_json::{json, Value};

use crate::support::http;

/// The framework's role, and the role stack its refinement creates.
pub const ROLE: &str = "tenant1/private/test-framework";
pub const REFINED_STACK: [&str; 3] = ["tenant1", "tenant1/private", ROLE];

/// One operator API call (`POST /api/v1`), parsed.
pub fn operator(master: &http::Master, body: Value) -> Value {
    let answer = master
        .post_json("/api/v1", &body.to_string())
        .expect("operator API call");
    serde_json::from_str(&answer).expect("JSON answer")
}

fn agent_on_port(master: &http::Master, port: u16) -> Value {
    let agents = operator(master, json!({"type": "GET_AGENTS"}));
    agents["get_agents"]["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agent_info"]["port"] == port)
        .unwrap_or_else(|| panic!("no agent on port {port}: {agents}"))
        .clone()
}

/// The role stacks of every reserved resource on the agent at `port`,
/// sorted and without repeats.
pub fn reservation_stacks(master: &http::Master, port: u16) -> Vec<Vec<String>> {
    let mut stacks: Vec<Vec<String>> = agent_on_port(master, port)["total_resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["reservations"].as_array())
        .map(|stack| {
            stack
                .iter()
                .map(|r| r["role"].as_str().unwrap().to_string())
                .collect()
        })
        .collect();
    stacks.sort();
    stacks.dedup();
    stacks
}

pub fn agent_id(master: &http::Master, port: u16) -> String {
    agent_on_port(master, port)["agent_info"]["id"]["value"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The scenario's outcome, from the master: one task, FINISHED, on the
/// first agent, run by the custom executor on resources refined
/// `tenant1` > `tenant1/private` > `tenant1/private/test-framework`; that
/// agent holds the refined stack and no other agent was refined.
pub fn assert_reference_scenario_ran(master: &http::Master, agent_ports: &[u16]) {
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

    let tasks = operator(master, json!({"type": "GET_TASKS"}));
    let completed = tasks["get_tasks"]["completed_tasks"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(completed.len(), 1, "{tasks}");
    let task = &completed[0];
    assert_eq!(task["state"], "TASK_FINISHED", "{task}");
    assert_eq!(
        task["agent_id"]["value"],
        agent_id(master, agent_ports[0]),
        "{task}"
    );
    assert_eq!(
        task["executor_id"]["value"], "refinement-executor",
        "{task}"
    );
    let framework_id = &task["framework_id"]["value"];
    let frameworks = operator(master, json!({"type": "GET_FRAMEWORKS"}));
    let framework = ["frameworks", "completed_frameworks"]
        .iter()
        .filter_map(|list| frameworks["get_frameworks"][list].as_array())
        .flatten()
        .find(|f| f["framework_info"]["id"]["value"] == *framework_id)
        .unwrap_or_else(|| panic!("the task's framework is unknown: {frameworks}"));
    assert_eq!(
        framework["framework_info"]["roles"],
        json!([ROLE]),
        "{framework}"
    );
    for resource in task["resources"].as_array().unwrap() {
        let task_stack: Vec<&str> = resource["reservations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["role"].as_str().unwrap())
            .collect();
        assert_eq!(task_stack, REFINED_STACK, "{resource}");
    }
}
