//! The reference example end to end on a real loopback cluster: four
//! agents, `reserve_cluster`, then `main` with its custom executor. Checks
//! from the master's own state what happened. Skipped loudly without Mesos.

use crate::support;
use crate::support::checks;
use crate::support::file_server;

use crate::support::{require_mesos, run_example, Cluster};
use checks::{assert_reference_scenario_ran, reservation_stacks};

const AGENT_RESOURCES: &str = "cpus:1;mem:1024;disk:10000";

#[test]
fn the_reference_framework_refines_a_reservation_and_runs_its_task_on_agent_0() {
    let Some(install) =
        require_mesos("the_reference_framework_refines_a_reservation_and_runs_its_task_on_agent_0")
    else {
        return;
    };
    let cluster = Cluster::start(&install, 4, AGENT_RESOURCES);
    let operator = cluster.operator();
    let master = cluster.master.clone();
    let ports = cluster.agent_ports.clone();

    // The operator step, twice: the second run must change nothing.
    assert!(run_example("reserve_cluster", &["--master", &master]).0);
    let first: Vec<_> = ports
        .iter()
        .map(|p| reservation_stacks(&operator, *p))
        .collect();
    let (ok, again) = run_example("reserve_cluster", &["--master", &master]);
    assert!(
        ok && again.matches("already reserved").count() == 4,
        "{again}"
    );
    let second: Vec<_> = ports
        .iter()
        .map(|p| reservation_stacks(&operator, *p))
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

    // The task ran on agent 0 with the custom executor and finished, on
    // resources refined to the framework's role; only agent 0 was refined.
    assert_reference_scenario_ran(&operator, &ports);

    // Undo everything.
    assert!(run_example("reserve_cluster", &["--master", &master, "--unreserve"]).0);
    for port in &ports {
        assert!(
            reservation_stacks(&operator, *port).is_empty(),
            "agent {port} still reserved"
        );
    }
}

/// A reserved four-agent cluster, and `main` run on it with `executor_args`;
/// checks the scenario from the master and returns main's output.
fn run_scenario_with(test: &str, executor_args: &[&str]) -> Option<String> {
    let install = require_mesos(test)?;
    let cluster = Cluster::start(&install, 4, AGENT_RESOURCES);
    let master = cluster.master.clone();
    assert!(run_example("reserve_cluster", &["--master", &master]).0);
    let mut args = vec!["--master", master.as_str(), "--timeout", "120"];
    args.extend_from_slice(executor_args);
    let (ok, output) = run_example("main", &args);
    assert!(ok, "the example failed:\n{output}");
    assert!(output.contains("TaskFinished"), "{output}");
    assert_reference_scenario_ran(&cluster.operator(), &cluster.agent_ports);
    Some(output)
}

#[test]
fn with_executor_path_the_agent_runs_that_program() {
    let executor = support::example_binary("executor");
    let Some(output) = run_scenario_with(
        "with_executor_path_the_agent_runs_that_program",
        &["--executor", executor.to_str().unwrap()],
    ) else {
        return;
    };
    let launched = format!(
        "with executor {}",
        executor.canonicalize().unwrap().display()
    );
    assert!(output.contains(&launched), "{output}");
}

#[test]
fn with_executor_uri_the_agents_fetcher_downloads_the_executor_over_http() {
    // What an agent on another machine does: fetch the executor binary
    // from a web server into the task's sandbox, then run it from there.
    let url = file_server::serve(support::example_binary("executor"));
    let Some(output) = run_scenario_with(
        "with_executor_uri_the_agents_fetcher_downloads_the_executor_over_http",
        &["--executor-uri", &url],
    ) else {
        return;
    };
    assert!(
        output.contains(&format!("with executor {url} (fetched by the agent)")),
        "{output}"
    );
}
