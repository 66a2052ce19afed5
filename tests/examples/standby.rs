//! Two instances of `main --leader-election`, the second standing by: the
//! first leads and registers; killed, its ZooKeeper session expires, the
//! second leads, reads the framework id back from the store, fails over
//! to the same framework and finishes the scenario. Skipped loudly
//! without Mesos or ZooKeeper; `MESOS_TEST_REQUIRE=1` fails instead.

use crate::support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::support::{example_binary, run_example, Cluster};

const AGENT_RESOURCES: &str = "cpus:1;mem:1024;disk:10000";

/// Starts `main` with a store and an election; its stdout lines arrive on
/// the returned channel, each echoed to the test's output.
fn start_main(
    label: &'static str,
    master: &str,
    store: &str,
    election: &str,
) -> (Child, mpsc::Receiver<String>) {
    let mut main = Command::new(example_binary("main"))
        .args([
            "--master",
            master,
            "--framework-store",
            store,
            "--leader-election",
            election,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run main");
    let (lines, receiver) = mpsc::channel();
    let stdout = main.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            eprintln!("main ({label}): {line}");
            if lines.send(line).is_err() {
                return;
            }
        }
    });
    (main, receiver)
}

/// Reads `lines` until one starts with `prefix`; every line read, in order.
fn read_until(lines: &mpsc::Receiver<String>, prefix: &str, seen: &mut Vec<String>) -> String {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = lines
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no line starting {prefix:?} after {seen:#?}"));
        seen.push(line.clone());
        if line.starts_with(prefix) {
            return line;
        }
    }
}

#[test]
fn a_standby_main_takes_over_when_the_leading_one_dies() {
    const TEST: &str = "a_standby_main_takes_over_when_the_leading_one_dies";
    let Some((install, zookeeper_install)) = support::require_mesos_and_zookeeper(TEST) else {
        return;
    };
    let zookeeper = zookeeper_install
        .start(&support::scratch_dir(TEST))
        .unwrap();
    let store = format!("127.0.0.1:{}/standby/framework-id", zookeeper.port);
    let election = format!("127.0.0.1:{}/standby/leader", zookeeper.port);
    let cluster = Cluster::start(&install, 4, AGENT_RESOURCES);
    let master = cluster.master.clone();
    assert!(run_example("reserve_cluster", &["--master", &master]).0);

    let (mut first, first_lines) = start_main("first", &master, &store, &election);
    let mut first_seen = Vec::new();
    read_until(&first_lines, "leading the election", &mut first_seen);
    let (mut second, second_lines) = start_main("second", &master, &store, &election);

    // The leader registers and stores its id; then it dies at once, before
    // it gets further into the scenario (its task is a quick echo, and a
    // leader that finishes leaves the election cleanly, which is not the
    // failure this test is about).
    let registered = read_until(&first_lines, "registered as framework ", &mut first_seen);
    let id = registered
        .strip_prefix("registered as framework ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_string();
    read_until(&first_lines, "framework id stored", &mut first_seen);
    first.kill().unwrap();
    first.wait().unwrap();
    let killed = Instant::now();

    // The second instance names the first as leader whether it looked
    // before the kill or after: the first's membership outlives the kill
    // until its ZooKeeper session expires. The line waits in the channel.
    let mut second_seen = Vec::new();
    let standing_by = read_until(&second_lines, "standing by: ", &mut second_seen);
    assert_eq!(
        standing_by,
        format!("standing by: main pid {} leads", first.id())
    );

    read_until(&second_lines, "leading the election", &mut second_seen);
    eprintln!("the standby led {:?} after the kill", killed.elapsed());
    let status = second.wait().unwrap();
    second_seen.extend(second_lines.iter());
    let output = second_seen.join("\n");
    assert!(status.success(), "the standby failed:\n{output}");
    for line in [
        format!("failing over to framework {id}"),
        format!("registered as framework {id}"),
        "TaskFinished".to_string(),
    ] {
        assert!(output.contains(&line), "missing {line:?} in:\n{output}");
    }

    // One framework in all: the standby was the same framework.
    assert_eq!(
        cluster.framework_ids(),
        [id.as_str()],
        "{:?}",
        cluster.frameworks()
    );
}
