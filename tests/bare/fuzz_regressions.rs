//! Every bug the fuzz targets (`fuzz/`) found, as a test of the normal
//! suite on stable: each test quotes the input that found it, decoded from
//! its file in `fuzz/regressions/TARGET/` (which the target also replays
//! on every CI run, as part of its corpus), and checks the fixed answer.

use std::time::Duration;

use mesos_native::hostile_input::{
    check_executor_environment, read_state_entry, stored_state_entry, AGENT_EXECUTOR_ENVIRONMENT,
};
use mesos_native::proto::v1::scheduler::{event, Event};
use mesos_native::proto::v1::FrameworkId;
use mesos_native::state::{State, Storage};
use mesos_native::v1::scheduler::Mesos;
use mesos_native::ZooKeeper;
use mesos_native::{DriverStatus, Error, MesosExecutorDriver, MesosSchedulerDriver};
use prost::Message;

use crate::fixtures::{framework, Idle};

/// `state_entry`, crash-1932b955...: an empty stored entry (`name: ""`,
/// `stored: []`) decoded, as prost fills in required fields, to a variable
/// with a 0-byte version, which the next `store` hands to libmesos's
/// `UUID::fromBytes`. Now refused when read, naming the problem.
#[test]
fn a_stored_entry_without_a_16_byte_version_is_refused_when_read() {
    let error = read_state_entry("", &[]).unwrap_err();
    assert!(error.contains("0-byte version"), "{error}");

    let short = stored_state_entry("framework-id", &[1, 2, 3], b"f-1");
    let error = read_state_entry("framework-id", &short).unwrap_err();
    assert!(error.contains("3-byte version"), "{error}");
}

/// Same target, same property: an entry stored under one name that names
/// another variable would make the next `store` write that other one.
#[test]
fn a_stored_entry_naming_another_variable_is_refused_when_read() {
    let other = stored_state_entry("someone-else", &[7; 16], b"x");
    let error = read_state_entry("framework-id", &other).unwrap_err();
    assert!(error.contains("'someone-else'"), "{error}");

    let own = stored_state_entry("framework-id", &[7; 16], b"x");
    let variable = read_state_entry("framework-id", &own).unwrap();
    assert_eq!(
        (variable.name(), variable.value(), variable.version()),
        ("framework-id", &b"x"[..], &[7; 16][..])
    );
}

fn refused(text: &str) -> String {
    match ZooKeeper::parse(text) {
        Err(Error::InvalidArgument { what, reason }) => {
            assert_eq!(what, "ZooKeeper location");
            reason
        }
        other => panic!("{text:?} should be refused, got {other:?}"),
    }
}

/// `zookeeper_location`, crash-e82a95c7...: `"=\n~/\0 \0"` was accepted,
/// servers `"=\n~"` and znode `"/\0 \0"`. The ZooKeeper client finds no
/// port in those servers, and libmesos retries its `zookeeper_init` for
/// ten minutes, then kills the process (`PLOG(FATAL)`).
#[test]
fn zookeeper_servers_and_znodes_the_client_cannot_use_are_refused() {
    let reason = refused("=\n~/\0 \0");
    assert!(reason.contains("contain '\\n'"), "{reason}");
    for (text, says) in [
        ("localhost/x", "not HOST:PORT"),
        ("127.0.0.1:0/x", "port from 1 to 65535"),
        ("127.0.0.1:+2181/x", "port from 1 to 65535"),
        (":2181/x", "not HOST:PORT"),
        ("127.0.0.1:2181,/x", "not HOST:PORT"),
        ("[::1]:2181/x", "not HOST:PORT"),
        ("127.0.0.1:2181 /x", "contain ' '"),
        ("127.0.0.1:2181/a//b", "empty, '.' or '..' component"),
        ("127.0.0.1:2181/a/../b", "empty, '.' or '..' component"),
        ("127.0.0.1:2181/a\0b", "control character"),
    ] {
        let reason = refused(text);
        assert!(reason.contains(says), "{text:?}: {reason}");
    }
    for text in [
        "127.0.0.1:2181/mesos",
        "zk://zk1:2181,zk2:2181,::1:2181/frameworks/test",
        "localhost:2181/a.b/c-d",
    ] {
        assert!(ZooKeeper::parse(text).is_ok(), "{text:?}");
    }
}

/// Same target, the struct form: a session timeout libmesos would cast to
/// an `int` of milliseconds that overflows.
#[test]
fn a_zookeeper_session_timeout_beyond_an_int_of_milliseconds_is_refused() {
    let mut zookeeper = ZooKeeper::new("127.0.0.1:2181", "/state");
    zookeeper.session_timeout = Duration::from_secs(30 * 24 * 3600);
    match zookeeper_state(&zookeeper) {
        Err(Error::InvalidArgument { reason, .. }) => {
            assert!(reason.contains("int of milliseconds"), "{reason}")
        }
        other => panic!("expected InvalidArgument, got {other:?}"),
    }
    zookeeper.session_timeout = Duration::from_micros(10);
    assert!(zookeeper_state(&zookeeper).is_err());
    zookeeper.session_timeout = Duration::from_secs(10);
    assert!(zookeeper_state(&zookeeper).is_ok());
}

/// A State on a ZooKeeper storage of the test double.
fn zookeeper_state(zookeeper: &ZooKeeper) -> mesos_native::Result<State> {
    State::open(
        crate::support::double(),
        Storage::ZooKeeper(zookeeper.clone()),
    )
}

/// The agent's variables with `extra` after them, as entries.
fn environment(extra: &[(&str, &str)]) -> Vec<String> {
    AGENT_EXECUTOR_ENVIRONMENT
        .iter()
        .chain(extra)
        .map(|(name, value)| format!("{name}={value}"))
        .collect()
}

/// `executor_environment`, crash-7a8c6e2d...: the agent's variables, then
/// `MESOS_SLAVE_PID=` again, empty. The binding checked the first value
/// while the shim's map hands libmesos the last, whose `CHECK` on the pid
/// then kills the process. Now the last counts, as for libmesos.
#[test]
fn of_two_values_of_a_variable_the_checks_read_the_one_libmesos_reads() {
    let entries: Vec<(String, String)> = environment(&[("MESOS_SLAVE_PID", "")])
        .into_iter()
        .map(|entry| {
            let (name, value) = entry.split_once('=').unwrap();
            (name.to_string(), value.to_string())
        })
        .collect();
    let v0 = MesosExecutorDriver::builder(Idle)
        .environment(entries.clone())
        .shim(crate::support::double())
        .build();
    match v0 {
        Err(Error::InvalidArgument { reason, .. }) => {
            assert!(reason.contains("MESOS_SLAVE_PID ''"), "{reason}")
        }
        Err(other) => panic!("expected InvalidArgument, got {other:?}"),
        Ok(_) => panic!("a driver libmesos would kill the process over"),
    }
    let v1 = mesos_native::v1::executor::Mesos::builder(Idle)
        .environment(entries)
        .shim(crate::support::double())
        .build();
    match v1 {
        Err(Error::InvalidArgument { reason, .. }) => {
            assert!(reason.contains("MESOS_SLAVE_PID ''"), "{reason}")
        }
        Err(other) => panic!("expected InvalidArgument, got {other:?}"),
        Ok(_) => panic!("an executor libmesos would kill the process over"),
    }
    // And a good value after a bad one is the one libmesos uses.
    let fixed = environment(&[
        ("MESOS_SLAVE_PID", "junk"),
        ("MESOS_SLAVE_PID", "slave(1)@10.0.0.1:5051"),
    ]);
    assert!(check_executor_environment(&fixed, false).is_ok());
    assert!(check_executor_environment(&fixed, true).is_ok());
}

/// Same target: agent pids libprocess parses but libmesos's `CHECK(upid)`
/// refuses, or does not parse at all, which the old check let through.
#[test]
fn agent_pids_libprocess_would_refuse_are_refused_first() {
    for (pid, says) in [
        ("slave(1)@0.0.0.0:5051", "0.0.0.0"),
        ("slave(1)@127.0.0.1:0", "port from 1 to 65535"),
        ("slave(1)@127.0.0.1:+5051", "port from 1 to 65535"),
        ("sla ve(1)@127.0.0.1:5051", "whitespace"),
        ("@127.0.0.1:5051", "empty id"),
        ("slave(1)@:5051", "empty host"),
        ("slave(1)@::1:5051", "empty host"),
    ] {
        for v1 in [false, true] {
            let error = check_executor_environment(&environment(&[("MESOS_SLAVE_PID", pid)]), v1)
                .expect_err(pid);
            assert!(error.to_string().contains(says), "{pid:?}: {error}");
        }
    }
}

/// Same target: durations stout refuses, where libmesos exits. The v0
/// driver did not check them at all.
#[test]
fn durations_libmesos_would_exit_on_are_refused_first() {
    for (name, value, says) in [
        (
            "MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD",
            "5",
            "not a duration",
        ),
        (
            "MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD",
            "99999999999weeks",
            "longer than",
        ),
        ("MESOS_RECOVERY_TIMEOUT", "15 mins", "not a duration"),
    ] {
        for v1 in [false, true] {
            let error =
                check_executor_environment(&environment(&[(name, value)]), v1).expect_err(value);
            assert!(error.to_string().contains(name), "{value:?}: {error}");
            assert!(error.to_string().contains(says), "{value:?}: {error}");
        }
    }
    let fine = environment(&[("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", "1.5.weeks")]);
    assert!(check_executor_environment(&fine, false).is_err());
    let fine = environment(&[("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", "0.5days")]);
    assert!(check_executor_environment(&fine, false).is_ok());
}

/// `callback_decode`, crash-cde95746...: a `SUBSCRIBED` event whose
/// `heartbeat_interval_seconds` is 1.347525495088585e67 (no `Duration`
/// holds it; nor NaN, nor 1.8e19 seconds) panicked in the
/// binding's own bookkeeping, before the user's code: the scheduler was
/// aborted with `CallbackPanicked`. Now it is no interval, and the event
/// reaches the user.
#[test]
fn a_heartbeat_interval_no_duration_holds_is_delivered_not_a_panic() {
    struct Seen(std::sync::mpsc::Sender<usize>);
    impl mesos_native::v1::scheduler::Scheduler for Seen {
        fn received(&mut self, _: &mesos_native::v1::scheduler::Connection, events: Vec<Event>) {
            self.0.send(events.len()).unwrap();
        }
    }
    for interval in [1e300, 1.8e19, f64::NAN] {
        let (seen, events) = std::sync::mpsc::channel();
        let master = format!("fuzz-regression-heartbeat-{interval}");
        let mesos = mesos_native::v1::scheduler::Mesos::builder(Seen(seen), master.as_str())
            .shim(crate::support::double())
            .build()
            .unwrap();
        mesos.start().unwrap();
        let double = mesos_native_double::v1_scheduler(&master);
        let mut subscribed = Event {
            subscribed: Some(event::Subscribed {
                framework_id: FrameworkId { value: "fw".into() },
                heartbeat_interval_seconds: Some(interval),
                ..Default::default()
            }),
            ..Default::default()
        };
        subscribed.set_type(event::Type::Subscribed);
        double.received(vec![subscribed.encode_to_vec()]);
        assert_eq!(
            events.recv_timeout(Duration::from_secs(5)),
            Ok(1),
            "{interval:e}"
        );
        assert_eq!(mesos.status(), DriverStatus::Running, "{interval:e}");
        assert_eq!(
            mesos.framework_id(),
            Some(FrameworkId { value: "fw".into() })
        );
    }
}

/// `resources_text`, crash-a10c3ade..., and `resources_arithmetic`,
/// crash-1f202eb1...: a scalar of 4444444444444.44 displayed as text that
/// parsed back a thousandth off, and `a + b - b` missed `a` when `b` held
/// 188888888888888. Mesos's three-decimal scalars live in a double, exact
/// below 2^51 thousandths; beyond, Mesos's own arithmetic is off the same
/// way, and the binding keeps accepting such values, as Mesos does. The
/// exact range is documented (src/resources/values.rs) and is what the
/// targets' properties now assume; this test pins both sides of it.
#[test]
fn scalars_are_exact_below_2_pow_51_thousandths_and_nearly_so_above() {
    use mesos_native::Resources;
    let largest_exact = "2251799813685.247";
    let parsed = Resources::parse(&format!("cpus:{largest_exact}")).unwrap();
    assert_eq!(parsed.to_string(), format!("cpus:{largest_exact}"));
    let one: Resources = "cpus:1".parse().unwrap();
    let big: Resources = "cpus:1000000000000".parse().unwrap();
    assert_eq!(&(&one + &big) - &big, one);

    let beyond: Resources = "cpus:4444444444444.44".parse().unwrap();
    let again: Resources = beyond.to_string().parse().unwrap();
    let drift = (again.cpus().unwrap() - beyond.cpus().unwrap()).abs();
    assert!(drift <= 0.002, "{drift}");
    let huge: Resources = "cpus:188888888888888".parse().unwrap();
    let left = (&(&one + &huge) - &huge).cpus().unwrap_or(0.0);
    assert!((left - 1.0).abs() <= 0.05, "{left}");
}

/// `master_string`, any input: every `build()` of a scheduler driver
/// spawned its registration watchdog's thread (v1: its connection
/// watchdog's), so a driver built and dropped at once left a thread behind,
/// and the fuzz target, which builds tens of thousands a second, ended with
/// thousands that LeakSanitizer reported. A watchdog now starts with the
/// driver's first `start`. Threads are counted in a child process that runs
/// only this test, so no other test's drivers are counted.
#[test]
fn a_driver_built_and_never_started_starts_no_thread() {
    const CHILD: &str = "MESOS_RS_TEST_BUILT_NEVER_STARTED";
    if !std::path::Path::new("/proc/self/task").is_dir() {
        crate::support::skip(
            "a_driver_built_and_never_started_starts_no_thread",
            "this system has no /proc/self/task to count threads in",
        );
        return;
    }
    if std::env::var_os(CHILD).is_none() {
        let output = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "fuzz_regressions::a_driver_built_and_never_started_starts_no_thread",
                "--test-threads=1",
                "--nocapture",
            ])
            .env(CHILD, "1")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "the child failed:\n{text}");
        assert!(text.contains("1 passed"), "the child ran no test:\n{text}");
        return;
    }
    for _ in 0..50 {
        let v0 = MesosSchedulerDriver::builder(Idle, framework("v0"), "127.0.0.1:5050")
            .shim(crate::support::double())
            .build()
            .unwrap();
        let v1 = Mesos::builder(Idle, "127.0.0.1:5050")
            .shim(crate::support::double())
            .build()
            .unwrap();
        // Dropped here; the watchdogs' threads stay up to their period
        // after their driver is gone, which is why the fuzz target saw them.
        drop((v0, v1));
    }
    let watchdogs: Vec<String> = std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .map(|name| name.trim().to_owned())
        // Linux keeps 15 bytes of a thread's name.
        .filter(|name| name.starts_with("mesos-registrat") || name.starts_with("mesos-v1-connec"))
        .collect();
    assert!(
        watchdogs.is_empty(),
        "drivers that were never started left watchdog threads: {watchdogs:?}"
    );
}
