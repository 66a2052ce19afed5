//! The reference example end to end on a real loopback cluster: four
//! agents, `reserve_cluster`, then `main` with its custom executor. Checks
//! from the master's own state what happened. Skipped loudly without Mesos.

mod support;

use std::process::Command;

use serde_json::{json, Value};
use support::{require_mesos, Cluster};

const AGENT_RESOURCES: &str = "cpus:1;mem:1024;disk:10000";

fn run_example(name: &str, args: &[&str]) -> (bool, String) {
    let binary = support::example_binary(name);
    assert!(
        binary.is_file(),
        "{} missing: cargo test builds the examples",
        binary.display()
    );
    let output = Command::new(&binary)
        .args(args)
        .output()
        .expect("run the example");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("--- {name} {args:?} ---\n{text}");
    (output.status.success(), text)
}

fn operator(cluster: &Cluster, body: Value) -> Value {
    let answer = cluster
        .http()
        .post_json("/api/v1", &body.to_string())
        .expect("operator API call");
    serde_json::from_str(&answer).expect("JSON answer")
}

/// The role stacks of every reserved resource on the agent at `port`.
fn reservation_stacks(cluster: &Cluster, port: u16) -> Vec<Vec<String>> {
    let agents = operator(cluster, json!({"type": "GET_AGENTS"}));
    let agent = agents["get_agents"]["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agent_info"]["port"] == port)
        .unwrap_or_else(|| panic!("no agent on port {port}"))
        .clone();
    agent["total_resources"]
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
        .collect()
}

fn agent_id(cluster: &Cluster, port: u16) -> String {
    let agents = operator(cluster, json!({"type": "GET_AGENTS"}));
    agents["get_agents"]["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agent_info"]["port"] == port)
        .map(|a| a["agent_info"]["id"]["value"].as_str().unwrap().to_string())
        .unwrap()
}

#[test]
fn the_reference_framework_refines_a_reservation_and_runs_its_task_on_agent_0() {
    let Some(install) =
        require_mesos("the_reference_framework_refines_a_reservation_and_runs_its_task_on_agent_0")
    else {
        return;
    };
    let cluster = Cluster::start(&install, 4, AGENT_RESOURCES);
    let master = cluster.master.clone();
    let ports = cluster.agent_ports.clone();

    // The operator step, twice: the second run must change nothing.
    assert!(run_example("reserve_cluster", &["--master", &master]).0);
    let first: Vec<_> = ports
        .iter()
        .map(|p| sorted(reservation_stacks(&cluster, *p)))
        .collect();
    let (ok, again) = run_example("reserve_cluster", &["--master", &master]);
    assert!(
        ok && again.matches("already reserved").count() == 4,
        "{again}"
    );
    let second: Vec<_> = ports
        .iter()
        .map(|p| sorted(reservation_stacks(&cluster, *p)))
        .collect();
    assert_eq!(first, second);
    for (stacks, sub) in first.iter().zip([
        "tenant1/private",
        "tenant1/public",
        "tenant2/private",
        "tenant2/public",
    ]) {
        let tenant = sub.split('/').next().unwrap();
        assert!(stacks.contains(&vec![tenant.to_string()]), "{stacks:?}");
        assert!(
            stacks.contains(&vec![tenant.to_string(), sub.to_string()]),
            "{stacks:?}"
        );
    }

    // The framework.
    let (ok, output) = run_example("main", &["--master", &master, "--timeout", "120"]);
    assert!(ok, "the example failed:\n{output}");
    for line in [
        "registered as framework",
        "refining the reservation",
        "reservation refined",
        "launched",
        "TaskRunning",
        "TaskFinished",
        "stopping the driver",
    ] {
        assert!(output.contains(line), "missing {line:?} in:\n{output}");
    }

    // Agent 0 holds the three-level stack the framework created.
    let agent0 = sorted(reservation_stacks(&cluster, ports[0]));
    let refined = vec![
        "tenant1".to_string(),
        "tenant1/private".to_string(),
        "tenant1/private/test-framework".to_string(),
    ];
    assert!(agent0.contains(&refined), "agent 0 stacks: {agent0:?}");
    for port in &ports[1..] {
        let stacks = reservation_stacks(&cluster, *port);
        assert!(
            stacks.iter().all(|s| s.len() <= 2),
            "agent {port} was refined: {stacks:?}"
        );
    }

    // The task ran on agent 0, with the custom executor, and finished,
    // using only resources refined to the framework's role.
    let tasks = operator(&cluster, json!({"type": "GET_TASKS"}));
    let completed = tasks["get_tasks"]["completed_tasks"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(completed.len(), 1, "{tasks}");
    let task = &completed[0];
    assert_eq!(task["state"], "TASK_FINISHED", "{task}");
    assert_eq!(
        task["agent_id"]["value"],
        agent_id(&cluster, ports[0]),
        "{task}"
    );
    assert_eq!(
        task["executor_id"]["value"], "refinement-executor",
        "{task}"
    );
    for resource in task["resources"].as_array().unwrap() {
        let stack: Vec<&str> = resource["reservations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["role"].as_str().unwrap())
            .collect();
        assert_eq!(
            stack,
            [
                "tenant1",
                "tenant1/private",
                "tenant1/private/test-framework"
            ],
            "{resource}"
        );
    }

    // Undo everything.
    assert!(run_example("reserve_cluster", &["--master", &master, "--unreserve"]).0);
    for port in &ports {
        assert!(
            reservation_stacks(&cluster, *port).is_empty(),
            "agent {port} still reserved"
        );
    }
}

fn sorted(mut stacks: Vec<Vec<String>>) -> Vec<Vec<String>> {
    stacks.sort();
    stacks.dedup();
    stacks
}
