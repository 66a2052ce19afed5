//! State and Log on libmesos itself: every State backend, a replicated log
//! on disk read back by Mesos's own `mesos-log` tool, and the errors for
//! what never answers. Skipped loudly without Mesos (the ZooKeeper ones
//! also without ZooKeeper); `MESOS_TEST_REQUIRE=1` turns a skip into a
//! failure.

mod support;

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use mesos::log::{Log, Position};
use mesos::state::{State, ZooKeeper};
use mesos::Error;

const TIMEOUT: Duration = Duration::from_secs(30);

/// A fresh directory for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mesos-rs-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn store(state: &State, name: &str, value: &str) {
    let current = state.fetch(name, TIMEOUT).unwrap();
    state
        .store(&current.mutate(value), TIMEOUT)
        .unwrap()
        .expect("no other writer");
}

fn value(state: &State, name: &str) -> String {
    String::from_utf8(state.fetch(name, TIMEOUT).unwrap().value().to_vec()).unwrap()
}

/// Compare-and-swap as every backend does it.
fn check_versioned_store(state: &State) {
    let empty = state.fetch("id", TIMEOUT).unwrap();
    let stored = state
        .store(&empty.mutate("one"), TIMEOUT)
        .unwrap()
        .expect("new variable");
    assert!(
        state
            .store(&empty.mutate("two"), TIMEOUT)
            .unwrap()
            .is_none(),
        "stale version"
    );
    assert_eq!(state.fetch("id", TIMEOUT).unwrap(), stored);
    assert_eq!(state.names(TIMEOUT).unwrap(), ["id"]);
    assert!(!state.expunge(&empty, TIMEOUT).unwrap());
    assert!(state.expunge(&stored, TIMEOUT).unwrap());
    assert!(state.names(TIMEOUT).unwrap().is_empty());
}

#[test]
fn libmesos_in_memory_and_leveldb_states_keep_the_compare_and_swap_rules() {
    const TEST: &str = "libmesos_in_memory_and_leveldb_states_keep_the_compare_and_swap_rules";
    if support::require_mesos(TEST).is_none() {
        return;
    }
    check_versioned_store(&State::in_memory().unwrap());
    let dir = scratch("leveldb");
    check_versioned_store(&State::leveldb(dir.join("db")).unwrap());

    // What LevelDB stored survives closing it.
    let state = State::leveldb(dir.join("db")).unwrap();
    store(&state, "framework-id", "f-1");
    drop(state);
    assert_eq!(
        value(&State::leveldb(dir.join("db")).unwrap(), "framework-id"),
        "f-1"
    );
}

/// Appends `data` to a one-replica log at `path`, as its only writer.
fn append_all(log: &Log, data: &[&str]) -> Vec<Position> {
    let writer = log.writer().unwrap();
    writer.start(TIMEOUT).unwrap();
    data.iter()
        .map(|entry| writer.append(entry.as_bytes(), TIMEOUT).unwrap())
        .collect()
}

#[test]
fn a_one_replica_log_is_written_read_back_and_read_by_mesos_log() {
    const TEST: &str = "a_one_replica_log_is_written_read_back_and_read_by_mesos_log";
    let Some(install) = support::require_mesos(TEST) else {
        return;
    };
    let dir = scratch("log");
    let path = dir.join("replica");
    let log = Log::replicas(1, &path, &[] as &[&str], true).unwrap();
    let positions = append_all(&log, &["alpha", "beta", "gamma"]);
    assert!(positions.windows(2).all(|pair| pair[0] < pair[1]));

    let reader = log.reader().unwrap();
    // Catch-up reports what a quorum has learned; the last append is
    // learned with the next write, so the local replica's ending is later.
    let learned = reader.catchup(TIMEOUT).unwrap();
    assert!(
        learned >= positions[1],
        "learned {learned}, appended at {positions:?}"
    );
    let ending = reader.ending(TIMEOUT).unwrap();
    assert_eq!(ending, positions[2]);
    let read = reader.read(positions[0], ending, TIMEOUT).unwrap();
    let data: Vec<&[u8]> = read.iter().map(|entry| entry.data.as_slice()).collect();
    assert_eq!(data, [&b"alpha"[..], b"beta", b"gamma"]);
    drop((reader, log));

    // Mesos's own tool reads the replica the binding wrote.
    let tool = install.sbin.parent().unwrap().join("bin/mesos-log");
    let output = Command::new(&tool)
        .arg("read")
        .arg(format!("--path={}", path.display()))
        .output()
        .expect("run mesos-log");
    let printed = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    eprintln!("mesos-log read:\n{printed}");
    assert!(output.status.success(), "mesos-log read failed: {printed}");
    for entry in ["alpha", "beta", "gamma"] {
        assert!(
            printed.contains(entry),
            "mesos-log read did not print {entry}"
        );
    }

    // Reopened, the replica still holds what was written.
    let log = Log::replicas(1, &path, &[] as &[&str], false).unwrap();
    let reader = log.reader().unwrap();
    let ending = reader.ending(TIMEOUT).unwrap();
    assert_eq!(
        reader.read(positions[2], ending, TIMEOUT).unwrap()[0].data,
        b"gamma"
    );
}

#[test]
fn a_state_over_the_replicated_log_keeps_its_variables_across_a_reopen() {
    const TEST: &str = "a_state_over_the_replicated_log_keeps_its_variables_across_a_reopen";
    if support::require_mesos(TEST).is_none() {
        return;
    }
    let path = scratch("log-state").join("replica");
    let log = Log::replicas(1, &path, &[] as &[&str], true).unwrap();
    let state = State::over_log(&log).unwrap();
    check_versioned_store(&state);
    store(&state, "framework-id", "f-log");
    drop((state, log));

    let log = Log::replicas(1, &path, &[] as &[&str], false).unwrap();
    assert_eq!(
        value(&State::over_log(&log).unwrap(), "framework-id"),
        "f-log"
    );
}

#[test]
fn what_never_answers_times_out_with_a_hint_instead_of_hanging() {
    const TEST: &str = "what_never_answers_times_out_with_a_hint_instead_of_hanging";
    if support::require_mesos(TEST).is_none() {
        return;
    }
    let short = Duration::from_millis(700);

    // An uninitialized replica, without auto-initialization.
    let path = scratch("uninitialized").join("replica");
    let log = Log::replicas(1, &path, &[] as &[&str], false).unwrap();
    let began = Instant::now();
    let error = log.writer().unwrap().start(short).unwrap_err();
    assert!(began.elapsed() < Duration::from_secs(5));
    assert!(matches!(error, Error::NoAnswer { .. }), "{error:?}");
    assert!(
        error.to_string().contains("mesos-log initialize"),
        "{error}"
    );
    // libmesos's ~Log waits for ever on a replica that never recovered;
    // the binding's drop gives up waiting instead of hanging.
    let began = Instant::now();
    drop(log);
    assert!(
        began.elapsed() < Duration::from_secs(10),
        "drop took {:?}",
        began.elapsed()
    );

    // ZooKeeper nobody listens for.
    let state = State::zookeeper(&ZooKeeper::new("127.0.0.1:1", "/nobody")).unwrap();
    let error = state.fetch("x", short).unwrap_err();
    assert!(matches!(error, Error::NoAnswer { .. }), "{error:?}");
    assert!(error.to_string().contains("127.0.0.1:1/nobody"), "{error}");
}

fn zookeeper_state(zookeeper: &support::zookeeper::ZooKeeper, znode: &str) -> State {
    State::zookeeper(&ZooKeeper::new(
        format!("127.0.0.1:{}", zookeeper.port),
        znode,
    ))
    .unwrap()
}

#[test]
fn a_zookeeper_state_lets_exactly_one_of_two_racing_writers_win() {
    const TEST: &str = "a_zookeeper_state_lets_exactly_one_of_two_racing_writers_win";
    let Some((_, install)) = support::require_mesos_and_zookeeper(TEST) else {
        return;
    };
    let zookeeper = install.start(&scratch("zk-race")).unwrap();
    let (first, second) = (
        zookeeper_state(&zookeeper, "/race"),
        zookeeper_state(&zookeeper, "/race"),
    );
    check_versioned_store(&first);

    for round in 0..5 {
        let seen_by_first = first.fetch("leader", TIMEOUT).unwrap();
        let seen_by_second = second.fetch("leader", TIMEOUT).unwrap();
        let a = first.store_async(&seen_by_first.mutate(format!("first {round}")));
        let b = second.store_async(&seen_by_second.mutate(format!("second {round}")));
        let (a, b) = (a.wait(TIMEOUT).unwrap(), b.wait(TIMEOUT).unwrap());
        assert!(
            a.is_some() != b.is_some(),
            "round {round}: exactly one store wins"
        );
        let winner = a.or(b).unwrap();
        assert_eq!(second.fetch("leader", TIMEOUT).unwrap(), winner);
    }
}

#[test]
fn a_zookeeper_restart_is_survived_and_loses_nothing() {
    const TEST: &str = "a_zookeeper_restart_is_survived_and_loses_nothing";
    let Some((_, install)) = support::require_mesos_and_zookeeper(TEST) else {
        return;
    };
    let dir = scratch("zk-restart");
    let zookeeper = install.start(&dir).unwrap();
    let port = zookeeper.port;
    let state = zookeeper_state(&zookeeper, "/restart");
    store(&state, "before", "kept");

    drop(zookeeper); // killed
    let error = state
        .fetch("before", Duration::from_millis(500))
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::NoAnswer { .. } | Error::OperationFailed { .. }
        ),
        "{error:?}"
    );

    let zookeeper = install.start_on(&dir, port).unwrap();
    assert_eq!(zookeeper.port, port);
    let deadline = Instant::now() + Duration::from_secs(60);
    let kept = loop {
        match state.fetch("before", Duration::from_secs(5)) {
            Ok(variable) => break variable,
            Err(error) if Instant::now() < deadline => eprintln!("not yet: {error}"),
            Err(error) => panic!("no answer after ZooKeeper came back: {error}"),
        }
    };
    assert_eq!(kept.value(), b"kept");
    store(&state, "after", "also");
    assert_eq!(state.names(TIMEOUT).unwrap(), ["after", "before"]);
}
