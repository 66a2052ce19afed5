//! State and Log on any machine: the Rust side of the shim's State and Log
//! functions through the test double (its callbacks come from threads of
//! its own, as libprocess's do), which is also what users test with
//! (`mesos_native_testing::state()` and `log()`).

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use mesos_native::log::{Log, Position, Replicas};
use mesos_native::state::{State, Storage};
use mesos_native::Error;
use mesos_native::ZooKeeper;

const TIMEOUT: Duration = Duration::from_secs(5);

fn in_memory_state() -> mesos_native::Result<State> {
    State::open(crate::support::double(), Storage::InMemory)
}

fn zookeeper_state(zookeeper: &ZooKeeper) -> mesos_native::Result<State> {
    State::open(
        crate::support::double(),
        Storage::ZooKeeper(zookeeper.clone()),
    )
}

fn replicas_log(quorum: u32, path: &str, pids: &[&str]) -> mesos_native::Result<Log> {
    let pids = pids.iter().map(|pid| pid.to_string()).collect();
    Log::open(
        crate::support::double(),
        quorum,
        path,
        Replicas::Pids(pids),
        true,
    )
}

/// Polls `future` on this thread until it is ready: enough of an executor
/// to show a `Completion` wakes its task from another thread.
fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut context = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
        std::thread::park_timeout(Duration::from_secs(1));
    }
}

/// The compare-and-swap rules every backend shares.
fn check_versioned_store(state: &State) {
    let empty = state.fetch("framework-id", TIMEOUT).unwrap();
    assert_eq!(empty.name(), "framework-id");
    assert!(empty.value().is_empty());
    assert_eq!(empty.version().len(), 16);

    let stored = state
        .store(&empty.mutate("f-1"), TIMEOUT)
        .unwrap()
        .expect("first store wins");
    assert_eq!(stored.value(), b"f-1");
    assert_ne!(
        stored.version(),
        empty.version(),
        "every store makes a new version"
    );
    assert_eq!(state.fetch("framework-id", TIMEOUT).unwrap(), stored);

    // A second writer that fetched before the first stored loses.
    assert!(state
        .store(&empty.mutate("f-2"), TIMEOUT)
        .unwrap()
        .is_none());
    let again = state
        .store(&stored.mutate("f-3"), TIMEOUT)
        .unwrap()
        .expect("current version");
    assert_eq!(state.names(TIMEOUT).unwrap(), ["framework-id"]);

    assert!(
        !state.expunge(&stored, TIMEOUT).unwrap(),
        "stale version: not removed"
    );
    assert!(state.expunge(&again, TIMEOUT).unwrap());
    assert!(state.names(TIMEOUT).unwrap().is_empty());
    assert!(state
        .fetch("framework-id", TIMEOUT)
        .unwrap()
        .value()
        .is_empty());
}

#[test]
fn a_state_through_the_shim_keeps_the_same_rules() {
    check_versioned_store(&in_memory_state().unwrap());
}

#[test]
fn two_writers_racing_on_one_variable_one_store_wins() {
    let state = in_memory_state().unwrap();
    let seen = state.fetch("leader", TIMEOUT).unwrap();
    let racers: Vec<_> = (0..8)
        .map(|i| {
            let state = state.clone();
            let seen = seen.clone();
            std::thread::spawn(move || state.store(&seen.mutate(format!("racer {i}")), TIMEOUT))
        })
        .collect();
    let won: Vec<_> = racers
        .into_iter()
        .filter_map(|racer| racer.join().unwrap().unwrap())
        .collect();
    assert_eq!(won.len(), 1, "exactly one store wins");
    assert_eq!(state.fetch("leader", TIMEOUT).unwrap(), won[0]);
}

#[test]
fn an_operation_can_be_awaited() {
    let state = in_memory_state().unwrap();
    let stored = block_on(async {
        let empty = state.fetch_async("x").await?;
        state.store_async(&empty.mutate("y")).await
    });
    assert_eq!(stored.unwrap().unwrap().value(), b"y");
    assert_eq!(block_on(state.names_async()).unwrap(), ["x"]);
}

#[test]
fn an_unanswered_operation_times_out_after_a_sub_second_timeout() {
    let state = zookeeper_state(&ZooKeeper::new("pending:2181", "/app")).unwrap();
    let timeout = Duration::from_millis(150);
    let began = Instant::now();
    let error = state.fetch("x", timeout).unwrap_err();
    let waited = began.elapsed();
    assert!(
        waited >= timeout && waited < Duration::from_secs(3),
        "waited {waited:?}"
    );
    let Error::TimedOut { what, after, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(*after, timeout);
    assert!(
        what.contains("fetch of 'x'") && what.contains("ZooKeeper pending:2181/app"),
        "{what}"
    );
    assert!(
        error.to_string().contains("is ZooKeeper running"),
        "{error}"
    );
}

#[test]
fn closing_a_state_answers_its_pending_operations_as_abandoned() {
    let state = zookeeper_state(&ZooKeeper::new("pending:2181", "/app")).unwrap();
    let fetching = state.fetch_async("x");
    assert!(!fetching.is_answered());
    drop(state);
    let error = fetching.wait(TIMEOUT).unwrap_err();
    assert!(matches!(error, Error::Abandoned { .. }), "{error:?}");
}

#[test]
fn a_failed_operation_says_what_libmesos_said() {
    let zookeeper = ZooKeeper::new("fail:2181", "/app/session expired");
    let state = zookeeper_state(&zookeeper).unwrap();
    let error = state.names(TIMEOUT).unwrap_err();
    let Error::OperationFailed { message, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(message, "session expired");
}

#[test]
fn bad_input_is_refused_with_a_clear_error() {
    let state = in_memory_state().unwrap();
    let error = state.fetch("", TIMEOUT).unwrap_err();
    assert!(
        error.to_string().contains("variable name: it is empty"),
        "{error}"
    );

    for bad in ["", "app", "/", "/app/"] {
        let error = zookeeper_state(&ZooKeeper::new("127.0.0.1:2181", bad)).unwrap_err();
        assert!(error.to_string().contains("znode"), "{bad}: {error}");
    }
    assert!(ZooKeeper::parse("127.0.0.1:2181").is_err());
    let error = replicas_log(3, "/tmp/x", &["log-replica(1)@127.0.0.1:1"]).unwrap_err();
    assert!(
        error.to_string().contains("more than the 2 replica(s)"),
        "{error}"
    );
    let error = replicas_log(0, "/tmp/x", &[]).unwrap_err();
    assert!(error.to_string().contains("quorum"), "{error}");
    assert!(Position::from_identity(&[1, 2, 3]).is_err());
}

#[test]
fn without_libmesos_a_state_or_log_says_so() {
    if mesos_native_sys::NATIVE_AVAILABLE {
        return; // the claim is about builds without libmesos
    }
    let error = State::in_memory().unwrap_err();
    assert!(
        matches!(error, Error::NativeUnavailable { .. }),
        "{error:?}"
    );
    let error = Log::replicas(1, "/tmp/x", &[] as &[&str], true).unwrap_err();
    assert!(
        matches!(error, Error::NativeUnavailable { .. }),
        "{error:?}"
    );
}

/// The log rules every backend shares: positions in order, reads between
/// them, truncation, and leadership moving to the latest `start`.
fn check_log(log: &Log) {
    let writer = log.writer().unwrap();
    writer.start(TIMEOUT).unwrap();
    let positions: Vec<Position> = ["one", "two", "three"]
        .iter()
        .map(|data| writer.append(data.as_bytes(), TIMEOUT).unwrap())
        .collect();
    assert!(positions.windows(2).all(|pair| pair[0] < pair[1]));

    let reader = log.reader().unwrap();
    let ending = reader.ending(TIMEOUT).unwrap();
    assert_eq!(ending, positions[2]);
    let read = reader.read(positions[0], ending, TIMEOUT).unwrap();
    let data: Vec<&[u8]> = read.iter().map(|entry| entry.data.as_slice()).collect();
    assert_eq!(data, [&b"one"[..], b"two", b"three"]);
    assert_eq!(read[1].position, positions[1]);

    writer.truncate(positions[1], TIMEOUT).unwrap();
    assert_eq!(reader.beginning(TIMEOUT).unwrap(), positions[1]);
    assert!(
        reader.read(positions[0], positions[2], TIMEOUT).is_err(),
        "truncated away"
    );

    let usurper = log.writer().unwrap();
    usurper.start(TIMEOUT).unwrap();
    let error = writer.append(b"late", TIMEOUT).unwrap_err();
    assert!(matches!(error, Error::LostLeadership { .. }), "{error:?}");
    assert!(error.to_string().contains("call start() again"), "{error}");
    usurper.append(b"four", TIMEOUT).unwrap();
    writer.start(TIMEOUT).unwrap();
    writer.append(b"five", TIMEOUT).unwrap();
}

#[test]
fn a_log_through_the_shim_keeps_the_same_rules() {
    check_log(&replicas_log(1, "/tmp/unused", &[]).unwrap());
}
