//! A scheduler the master can't reach says so, on the multi-host testbed.
//!
//! libprocess opens one connection each way: a v0 driver behind NAT
//! reaches the master, but the master's answers go to the address the
//! driver advertised, which only the NAT's inside knows. libmesos then
//! retries for ever without a callback; the binding's registration
//! watchdog (`Scheduler::registration_stalled`) says why. With
//! `LIBPROCESS_ADVERTISE_IP`/`PORT` set to the router's address and a
//! forwarded port, the same driver works; the v1 API, which only connects
//! outward, works behind NAT as it is. A scheduler with no route to the
//! master at all is told that too, on v0 and on v1 (the v1 library is
//! silent while it cannot connect: the binding's connection watchdog,
//! `v1::Scheduler::connection_stalled`, says why), and both connect once
//! the network is back.
//!
//! Each test runs the reference scheduler (`main`, `main_v1`) as a user
//! would, and reads what it prints. Needs root, the Mesos binaries and a
//! libmesos build; SKIPPED loudly otherwise, failing with
//! `MESOS_TEST_REQUIRE=1`.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use mesos_testbed::{Builder, Testbed};

use crate::cross_host::{assert_scenario_ran, example_on, publish, reserve, run, Ran};
use crate::support::require_mesos;
use crate::testbed::{start, Bed};

/// The port the scheduler's router forwards to it, for
/// `LIBPROCESS_ADVERTISE_PORT`.
const FORWARDED: u16 = 9090;

/// How long a diagnosis may take: the watchdogs' default timeout (30 s),
/// the probe (at most 5 s), and slack for a loaded machine.
const DIAGNOSIS_DEADLINE: Duration = Duration::from_secs(90);

/// A program running on a host, whose output is read as it comes.
struct Watched {
    label: String,
    child: Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    readers: Vec<JoinHandle<()>>,
    started: Instant,
}

impl Watched {
    fn spawn(label: &str, mut command: Command) -> Watched {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start a program on a testbed host");
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let readers = vec![
            read_into(child.stdout.take().unwrap(), Arc::clone(&stdout)),
            read_into(child.stderr.take().unwrap(), Arc::clone(&stderr)),
        ];
        Watched {
            label: label.into(),
            child,
            stdout,
            stderr,
            readers,
            started: Instant::now(),
        }
    }

    fn said(&self) -> String {
        format!(
            "--- stdout ---\n{}--- stderr ---\n{}",
            self.stdout.lock().unwrap(),
            self.stderr.lock().unwrap()
        )
    }

    /// Waits until stdout or stderr holds `needle`; how long after the
    /// start it appeared. Panics after `timeout`, or if the program exited
    /// without saying it.
    fn wait_for(&mut self, needle: &str, timeout: Duration) -> Duration {
        let deadline = Instant::now() + timeout;
        loop {
            let found = self.stdout.lock().unwrap().contains(needle)
                || self.stderr.lock().unwrap().contains(needle);
            if found {
                return self.started.elapsed();
            }
            let exited = self.child.try_wait().unwrap();
            assert!(
                exited.is_none() && Instant::now() < deadline,
                "{}: no {needle:?} within {timeout:?} ({}):\n{}",
                self.label,
                exited.map_or("still running".into(), |s| s.to_string()),
                self.said()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Kills the program (it would go on trying), and returns what it
    /// said, printed for `--nocapture` runs.
    fn kill(mut self) -> Ran {
        let _ = self.child.kill();
        let status = self.child.wait().unwrap();
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
        let ran = Ran {
            ok: status.success(),
            stdout: self.stdout.lock().unwrap().clone(),
            stderr: self.stderr.lock().unwrap().clone(),
        };
        eprintln!(
            "=== {} (killed by the test, {status}) ===\n{}",
            self.label,
            ran.said()
        );
        ran
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        // A failed assertion: the program must not outlive the test (the
        // testbed's teardown would stop it too).
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_into(pipe: impl Read + Send + 'static, into: Arc<Mutex<String>>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { return };
            let mut text = into.lock().unwrap();
            text.push_str(&line);
            text.push('\n');
        }
    })
}

/// The line of `said` that starts with `start`: the diagnosis, which must
/// come in one piece (libmesos logs to the same stderr from its threads).
fn diagnosis(said: &str, start: &str) -> String {
    said.lines()
        .find(|line| line.starts_with(start))
        .unwrap_or_else(|| panic!("no line starts with {start:?}:\n{said}"))
        .to_string()
}

/// A testbed whose scheduler host is behind NAT (its router forwarding
/// [`FORWARDED`]), or None after a loud SKIPPED line.
fn behind_nat(test: &str, builder: Builder) -> Option<Bed> {
    require_mesos(test)?;
    start(
        test,
        builder
            .masters(1)
            .behind_nat("scheduler")
            .forward_port("scheduler", FORWARDED),
    )
}

/// `program` run on the scheduler host through the whole scenario, with
/// `env` added: it must finish, and the master must show the scenario.
fn scenario_behind_nat(testbed: &Testbed, program: &str, env: &[(&str, String)], line: &str) {
    let url = publish(testbed, program);
    let mut command = example_on(&testbed.host("scheduler").unwrap(), program);
    command.args([
        "--master",
        &testbed.masters()[0],
        "--executor-uri",
        &url,
        "--timeout",
        "150",
    ]);
    command.envs(env.iter().map(|(k, v)| (k, v)));
    let ran = run(program, command);
    assert!(ran.ok, "{program} failed behind NAT:\n{}", ran.said());
    for expected in [line, "TaskFinished"] {
        assert!(
            ran.stdout.contains(expected),
            "missing {expected:?}:\n{}",
            ran.said()
        );
    }
    assert!(!ran.stderr.contains("has not"), "{}", ran.said());
    assert_scenario_ran(testbed);
}

#[test]
fn a_v0_scheduler_without_advertise_settings_is_told_why_the_master_cannot_reach_it() {
    let test = "a_v0_scheduler_without_advertise_settings_is_told_why_the_master_cannot_reach_it";
    let Some(testbed) = behind_nat(test, Testbed::builder().agents(1)) else {
        return;
    };
    let scheduler = testbed.host("scheduler").unwrap();
    let master = testbed.masters()[0].clone();
    let mut command = example_on(&scheduler, "main");
    command.args(["--master", &master, "--timeout", "150"]);
    let mut main = Watched::spawn("main behind NAT, no advertise settings", command);
    let after = main.wait_for("has not registered", DIAGNOSIS_DEADLINE);
    // Let the diagnosis line end.
    main.wait_for("zk:// URL.)", Duration::from_secs(5));
    let ran = main.kill();
    eprintln!("the diagnosis came {after:?} after the start");
    let advertised = format!("at {}:", scheduler.address());
    let line = diagnosis(&ran.stderr, "main: the scheduler driver has not registered");
    for expected in [
        "with the master at",
        master.as_str(),
        "though the master accepts connections from here",
        &advertised,
        "the address libprocess advertised",
        "not reachable from the master",
        "LIBPROCESS_ADVERTISE_IP",
        "LIBPROCESS_ADVERTISE_PORT",
        "LIBPROCESS_IP",
        "v1 API",
    ] {
        assert!(line.contains(expected), "missing {expected:?} in {line:?}");
    }
    assert!(
        !ran.stdout.contains("registered as framework"),
        "{}",
        ran.said()
    );
}

#[test]
fn a_v0_scheduler_with_the_advertise_variables_and_a_forwarded_port_runs_its_task() {
    let test = "a_v0_scheduler_with_the_advertise_variables_and_a_forwarded_port_runs_its_task";
    let Some(testbed) = behind_nat(test, Testbed::builder().agents(4)) else {
        return;
    };
    reserve(&testbed);
    let router = testbed.host("scheduler").unwrap().public_address();
    scenario_behind_nat(
        &testbed,
        "main",
        &[
            ("LIBPROCESS_PORT", FORWARDED.to_string()),
            ("LIBPROCESS_ADVERTISE_IP", router.to_string()),
            ("LIBPROCESS_ADVERTISE_PORT", FORWARDED.to_string()),
        ],
        "registered as framework",
    );
}

#[test]
fn a_v1_scheduler_behind_nat_needs_no_settings() {
    let test = "a_v1_scheduler_behind_nat_needs_no_settings";
    let Some(testbed) = behind_nat(test, Testbed::builder().agents(4)) else {
        return;
    };
    reserve(&testbed);
    scenario_behind_nat(&testbed, "main_v1", &[], "subscribed as framework");
}

#[test]
fn schedulers_with_no_route_to_the_master_are_told_so_and_connect_once_it_is_back() {
    let test = "schedulers_with_no_route_to_the_master_are_told_so_and_connect_once_it_is_back";
    let Some(_) = require_mesos(test) else {
        return;
    };
    let Some(testbed) = start(test, Testbed::builder().masters(1).agents(1)) else {
        return;
    };
    // Unplugged: the scheduler host reaches no one.
    testbed.isolate("scheduler").unwrap();
    let scheduler = testbed.host("scheduler").unwrap();
    let master = testbed.masters()[0].clone();
    let mut watched = Vec::new();
    for program in ["main", "main_v1"] {
        let mut command = example_on(&scheduler, program);
        command.args(["--master", &master, "--timeout", "300"]);
        watched.push(Watched::spawn(
            &format!("{program} on an isolated host"),
            command,
        ));
    }
    let [mut v0, mut v1] = <[Watched; 2]>::try_from(watched).ok().unwrap();
    let v0_after = v0.wait_for(
        "main: the scheduler driver has not registered",
        DIAGNOSIS_DEADLINE,
    );
    v0.wait_for("keeps trying.", Duration::from_secs(5));
    let v1_after = v1.wait_for(
        "main_v1: the v1 scheduler has not connected",
        DIAGNOSIS_DEADLINE,
    );
    v1.wait_for("keeps trying.", Duration::from_secs(5));
    eprintln!("the diagnoses came {v0_after:?} (v0) and {v1_after:?} (v1) after the start");
    for (watched, start) in [
        (&v0, "main: the scheduler driver has not registered"),
        (&v1, "main_v1: the v1 scheduler has not connected"),
    ] {
        let line = diagnosis(&watched.said(), start);
        for part in [
            format!("the master at {master} cannot be reached from here ("),
            "Check the master address".into(),
        ] {
            assert!(line.contains(&part), "missing {part:?} in {line:?}");
        }
    }

    // Plugged back in, both connect: the drivers kept trying.
    testbed.reconnect("scheduler").unwrap();
    v0.wait_for("registered as framework", Duration::from_secs(150));
    v1.wait_for("subscribed as framework", Duration::from_secs(150));
    v0.kill();
    v1.kill();
}
