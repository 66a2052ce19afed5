//! The reference scenario across hosts, on the multi-host testbed
//! (`mesos-testbed`): ZooKeeper, a master, four agents, a scheduler host
//! and a file server, each in a network namespace of its own, the agents
//! unable to see the project's tree. As an operator would: `reserve_cluster`
//! from the scheduler host, the framework's program published on the file
//! server, the reference scheduler (`main` on v0, `main_v1` on v1) run on
//! the scheduler host with `--executor-uri`, so that agent 0 fetches its
//! custom executor over HTTP. Then the master's state, read from the
//! scheduler host with the typed operator client, must show the scenario:
//! the task FINISHED on agent 0, on its refined reservation.
//!
//! Needs root, the Mesos binaries and a libmesos build (the examples run
//! on it); SKIPPED loudly otherwise, failing with `MESOS_TEST_REQUIRE=1`.
//! The helpers here (running an example on a host, the operator step, the
//! check) serve `nat.rs` too.

use std::process::Command;

use mesos_native::operator::Master;
use mesos_testbed::{Host, Testbed};

use crate::support::{checks, example_binary, require_mesos};
use crate::testbed::{start, Bed};

/// The agents as the master names them (their hostnames, which the
/// testbed sets to their addresses), agent 0 first: the order
/// `reserve_cluster` gives them (by port, then hostname; every agent
/// listens on 5051).
pub(crate) const AGENTS: [&str; 4] = ["10.231.0.20", "10.231.0.21", "10.231.0.22", "10.231.0.23"];

/// What a program run on a host did.
pub(crate) struct Ran {
    pub(crate) ok: bool,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Ran {
    /// Both outputs, for assertions' messages.
    pub(crate) fn said(&self) -> String {
        format!(
            "--- stdout ---\n{}--- stderr ---\n{}",
            self.stdout, self.stderr
        )
    }
}

/// The command that runs the example `name` on `host` (as a subprocess:
/// libprocess binds at process start, in the host's network namespace);
/// add arguments and environment, then [`run`] it.
pub(crate) fn example_on(host: &Host<'_>, name: &str) -> Command {
    let binary = example_binary(name);
    assert!(
        binary.is_file(),
        "{} missing: build the examples first (cargo build --examples --all-features)",
        binary.display()
    );
    host.command(binary)
}

/// Runs `command` to its end, prints what it said (labelled `label`, for
/// `--nocapture` runs), and returns it.
pub(crate) fn run(label: &str, mut command: Command) -> Ran {
    let output = command.output().expect("run a program on a testbed host");
    let ran = Ran {
        ok: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    eprintln!("=== {label} ({}) ===\n{}", output.status, ran.said());
    ran
}

/// The operator step of the scenario, from the scheduler host: the four
/// agents reserved to the two tenants.
pub(crate) fn reserve(testbed: &Testbed) {
    let scheduler = testbed.host("scheduler").unwrap();
    let mut command = example_on(&scheduler, "reserve_cluster");
    command.args(["--master", &testbed.masters()[0]]);
    let ran = run("reserve_cluster", command);
    assert!(ran.ok, "reserve_cluster failed:\n{}", ran.said());
}

/// The example `name` published on the file server: its URL, for
/// `--executor-uri`.
pub(crate) fn publish(testbed: &Testbed, name: &str) -> String {
    testbed.publish(&example_binary(name)).unwrap()
}

/// The scenario's outcome, from the master's state as the scheduler host
/// reads it (the test's own namespace reaches no host).
pub(crate) fn assert_scenario_ran(testbed: &Testbed) {
    let master = format!("http://{}", testbed.masters()[0]);
    testbed
        .host("scheduler")
        .unwrap()
        .within(|| {
            let master = Master::new(&master).unwrap();
            checks::assert_reference_scenario_ran(&master, &AGENTS);
        })
        .unwrap();
}

/// A testbed of one master and four agents reserved for the scenario, or
/// None after a loud SKIPPED line.
fn reserved_cluster(test: &str) -> Option<Bed> {
    require_mesos(test)?;
    let testbed = start(test, Testbed::builder().masters(1).agents(4))?;
    reserve(&testbed);
    Some(testbed)
}

/// The lines each scheduler prints along the scenario.
const V0_LINES: [&str; 6] = [
    "registered as framework",
    "refining the reservation",
    "reservation refined on agent 10.231.0.20",
    "TaskRunning",
    "TaskFinished",
    "stopping the driver",
];
const V1_LINES: [&str; 6] = [
    "subscribed as framework",
    "refining the reservation",
    "operation refine-tenant1-private is OperationFinished",
    "reservation refined on agent 10.231.0.20",
    "TaskRunning",
    "TaskFinished",
];

/// Runs `program` (`main` or `main_v1`) on the scheduler host against the
/// masters found through ZooKeeper, its executor fetched from the file
/// server, and checks what it said and what the master shows.
fn run_scenario(testbed: &Testbed, program: &str, lines: &[&str]) {
    let url = publish(testbed, program);
    let zk = testbed.zk_url().unwrap();
    let mut command = example_on(&testbed.host("scheduler").unwrap(), program);
    command.args(["--master", &zk, "--executor-uri", &url, "--timeout", "150"]);
    let ran = run(program, command);
    assert!(ran.ok, "{program} failed:\n{}", ran.said());
    let fetched =
        format!("launched on agent 10.231.0.20 with executor {url} (fetched by the agent)");
    for line in lines.iter().copied().chain([fetched.as_str()]) {
        assert!(
            ran.stdout.contains(line),
            "missing {line:?}:\n{}",
            ran.said()
        );
    }
    assert_scenario_ran(testbed);
}

#[test]
fn the_reference_scenario_runs_on_v0_with_the_executor_fetched_by_agent_0() {
    let test = "the_reference_scenario_runs_on_v0_with_the_executor_fetched_by_agent_0";
    let Some(testbed) = reserved_cluster(test) else {
        return;
    };
    run_scenario(&testbed, "main", &V0_LINES);
}

#[test]
fn the_reference_scenario_runs_on_v1_with_the_executor_fetched_by_agent_0() {
    let test = "the_reference_scenario_runs_on_v1_with_the_executor_fetched_by_agent_0";
    let Some(testbed) = reserved_cluster(test) else {
        return;
    };
    run_scenario(&testbed, "main_v1", &V1_LINES);
}
