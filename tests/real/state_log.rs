//! State and Log on libmesos itself: every State backend, a replicated log
//! on disk read back by Mesos's own `mesos-log` tool, and the errors for
//! what never answers. Skipped loudly without Mesos (the ZooKeeper ones
//! also without ZooKeeper); `MESOS_TEST_REQUIRE=1` turns a skip into a
//! failure.

use crate::support;

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use mesos_native::log::{Log, Position};
use mesos_native::state::State;
use mesos_native::Error;
use mesos_native::ZooKeeper;

const TIMEOUT: Duration = Duration::from_secs(30);

/// Drops `log`, which libmesos may not be able to delete (a replica that
/// never recovered): the binding's drop must still return.
fn drops_without_hanging(log: Log) {
    let began = Instant::now();
    drop(log);
    assert!(
        began.elapsed() < Duration::from_secs(10),
        "drop took {:?}",
        began.elapsed()
    );
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
    let dir = support::scratch_dir("leveldb");
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
    let dir = support::scratch_dir("log");
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
    let path = support::scratch_dir("log-state").join("replica");
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
    let path = support::scratch_dir("uninitialized").join("replica");
    let log = Log::replicas(1, &path, &[] as &[&str], false).unwrap();
    let began = Instant::now();
    let error = log.writer().unwrap().start(short).unwrap_err();
    assert!(began.elapsed() < Duration::from_secs(5));
    assert!(matches!(error, Error::TimedOut { .. }), "{error:?}");
    assert!(
        error.to_string().contains("mesos-log initialize"),
        "{error}"
    );
    // libmesos's ~Log waits for ever on a replica that never recovered;
    // the binding's drop gives up waiting instead of hanging.
    drops_without_hanging(log);

    // ZooKeeper nobody listens for.
    let state = State::zookeeper(&ZooKeeper::new("127.0.0.1:1", "/nobody")).unwrap();
    let error = state.fetch("x", short).unwrap_err();
    assert!(matches!(error, Error::TimedOut { .. }), "{error:?}");
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
    let zookeeper = install.start(&support::scratch_dir("zk-race")).unwrap();
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
    let dir = support::scratch_dir("zk-restart");
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
            Error::TimedOut { .. } | Error::OperationFailed { .. }
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

/// Builds `tests/cpp/state_interop.cpp` against the install at `prefix`,
/// as `scripts/bench.sh` builds the benchmark's C++ twin.
fn build_state_interop(prefix: &std::path::Path) -> PathBuf {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("state_interop");
    let source = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cpp/state_interop.cpp");
    let (include, lib) = (prefix.join("include"), prefix.join("lib"));
    // The protobuf (and glog) libmesos was built with, where it does not
    // carry them itself: tried in bench.sh's order.
    let mut failures = String::new();
    for libraries in [
        &["-lmesos"][..],
        &["-lmesos", "-lprotobuf"],
        &["-lmesos", "-lprotobuf", "-lglog"],
    ] {
        let output = Command::new(std::env::var("CXX").unwrap_or_else(|_| "g++".into()))
            .args([
                "-std=c++14",
                "-O1",
                "-D__STDC_FORMAT_MACROS",
                "-DPICOJSON_USE_INT64",
            ])
            .arg("-Wno-deprecated-declarations")
            .arg(format!("-I{}", include.display()))
            .arg(format!(
                "-I{}",
                lib.join("mesos/3rdparty/include").display()
            ))
            .arg("-I/usr/include/zookeeper")
            .arg(source)
            .arg("-o")
            .arg(&out)
            .arg(format!("-L{}", lib.display()))
            .arg(format!("-Wl,-rpath,{}", lib.display()))
            .args(libraries)
            .arg("-pthread")
            .output()
            .expect("run the C++ compiler");
        if output.status.success() {
            return out;
        }
        failures += &String::from_utf8_lossy(&output.stderr);
    }
    panic!("building {source} failed:\n{failures}");
}

#[test]
fn a_variable_crosses_between_libmesoss_cpp_state_and_the_rust_state_on_zookeeper() {
    const TEST: &str =
        "a_variable_crosses_between_libmesoss_cpp_state_and_the_rust_state_on_zookeeper";
    let Some((install, zookeeper_install)) = support::require_mesos_and_zookeeper(TEST) else {
        return;
    };
    let prefix = install.sbin.parent().unwrap().to_path_buf();
    let interop = build_state_interop(&prefix);
    let zookeeper = zookeeper_install
        .start(&support::scratch_dir("zk-interop"))
        .unwrap();
    let servers = format!("127.0.0.1:{}", zookeeper.port);
    let state = zookeeper_state(&zookeeper, "/interop");
    let cpp = |args: &[&str]| {
        let output = Command::new(&interop)
            .arg(&servers)
            .arg("/interop")
            .args(args)
            .output()
            .expect("run state_interop");
        assert!(
            output.status.success(),
            "state_interop {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };

    // Rust stores, libmesos's C++ State fetches.
    store(&state, "framework-id", "stored by Rust");
    let fetched = cpp(&["get", "framework-id"]);
    eprintln!("C++ State fetched {fetched:?}");
    assert_eq!(fetched, "stored by Rust");

    // libmesos's C++ State stores over what Rust stored, Rust fetches.
    cpp(&["put", "framework-id", "stored by C++"]);
    assert_eq!(value(&state, "framework-id"), "stored by C++");
    cpp(&["put", "other", "new from C++"]);
    assert_eq!(state.names(TIMEOUT).unwrap(), ["framework-id", "other"]);
}

/// A `mesos-log replica` process, killed on drop.
struct ReplicaProcess(std::process::Child);

impl Drop for ReplicaProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn three_replicas_with_quorum_two_write_on_after_one_dies_and_time_out_after_two() {
    const TEST: &str =
        "three_replicas_with_quorum_two_write_on_after_one_dies_and_time_out_after_two";
    let Some((install, zookeeper_install)) = support::require_mesos_and_zookeeper(TEST) else {
        return;
    };
    let dir = support::scratch_dir("three-replicas");
    let zookeeper = zookeeper_install.start(&dir.join("zk")).unwrap();
    let servers = format!("127.0.0.1:{}", zookeeper.port);
    let tool = install.sbin.parent().unwrap().join("bin/mesos-log");
    let mut others: Vec<ReplicaProcess> = (1..=2)
        .map(|i| {
            let log = std::fs::File::create(dir.join(format!("replica-{i}.out"))).unwrap();
            let child = Command::new(&tool)
                .args(["replica", "--quorum=2", "--znode=/log"])
                .arg(format!("--servers={servers}"))
                .arg(format!(
                    "--path={}",
                    dir.join(format!("replica-{i}")).display()
                ))
                .env("LIBPROCESS_IP", "127.0.0.1")
                .stdout(log.try_clone().unwrap())
                .stderr(log)
                .spawn()
                .expect("run mesos-log replica");
            ReplicaProcess(child)
        })
        .collect();

    let zookeeper_location = ZooKeeper::new(servers.clone(), "/log");
    let log = Log::zookeeper(2, dir.join("replica-0"), &zookeeper_location, true).unwrap();
    let writer = log.writer().unwrap();
    writer.start(Duration::from_secs(60)).unwrap();
    writer.append(b"with three", TIMEOUT).unwrap();

    drop(others.pop()); // killed: two of three are a quorum
    writer.append(b"with two", TIMEOUT).unwrap();

    drop(others.pop()); // killed: one of three is not
    let short = Duration::from_secs(3);
    let began = Instant::now();
    let error = writer.append(b"alone", short).unwrap_err();
    assert!(
        began.elapsed() < short + Duration::from_secs(5),
        "{:?}",
        began.elapsed()
    );
    assert!(
        matches!(
            error,
            Error::TimedOut { .. } | Error::OperationFailed { .. }
        ),
        "{error:?}"
    );
    eprintln!("append without a quorum: {error}");
    drop(writer);
    drops_without_hanging(log);
}

#[test]
fn a_second_writer_takes_over_and_the_first_ones_append_is_refused() {
    const TEST: &str = "a_second_writer_takes_over_and_the_first_ones_append_is_refused";
    if support::require_mesos(TEST).is_none() {
        return;
    }
    let log = Log::replicas(
        1,
        support::scratch_dir("takeover").join("replica"),
        &[] as &[&str],
        true,
    )
    .unwrap();
    let first = log.writer().unwrap();
    first.start(TIMEOUT).unwrap();
    first.append(b"first", TIMEOUT).unwrap();
    let second = log.writer().unwrap();
    second.start(TIMEOUT).unwrap();
    let error = first.append(b"too late", TIMEOUT).unwrap_err();
    assert!(matches!(error, Error::LostLeadership { .. }), "{error:?}");
    second.append(b"second", TIMEOUT).unwrap();
}
