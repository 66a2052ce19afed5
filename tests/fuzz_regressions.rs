//! Every bug the fuzz targets (`fuzz/`) found, as a test of the normal
//! suite on stable: each test quotes the input that found it, decoded from
//! its file in `fuzz/regressions/TARGET/` (which the target also replays
//! on every CI run, as part of its corpus), and checks the fixed answer.

use std::time::Duration;

use mesos::__test_seams::hostile_input::read_state_entry;
use mesos::__test_seams::state_log::zookeeper_state;
use mesos::state::ZooKeeper;
use mesos::Error;
use mesos_test_double::API;
use prost::Message;

/// `mesos.internal.state.Entry`, as libmesos writes it.
#[derive(Clone, PartialEq, Message)]
struct Entry {
    #[prost(string, required, tag = "1")]
    name: String,
    #[prost(bytes = "vec", required, tag = "2")]
    uuid: Vec<u8>,
    #[prost(bytes = "vec", required, tag = "3")]
    value: Vec<u8>,
}

/// `state_entry`, crash-1932b955...: an empty stored entry (`name: ""`,
/// `stored: []`) decoded, as prost fills in required fields, to a variable
/// with a 0-byte version, which the next `store` hands to libmesos's
/// `UUID::fromBytes`. Now refused when read, naming the problem.
#[test]
fn a_stored_entry_without_a_16_byte_version_is_refused_when_read() {
    let error = read_state_entry("", &[]).unwrap_err();
    assert!(error.contains("0-byte version"), "{error}");

    let short = Entry {
        name: "framework-id".into(),
        uuid: vec![1, 2, 3],
        value: b"f-1".to_vec(),
    };
    let error = read_state_entry("framework-id", &short.encode_to_vec()).unwrap_err();
    assert!(error.contains("3-byte version"), "{error}");
}

/// Same target, same property: an entry stored under one name that names
/// another variable would make the next `store` write that other one.
#[test]
fn a_stored_entry_naming_another_variable_is_refused_when_read() {
    let other = Entry {
        name: "someone-else".into(),
        uuid: vec![7; 16],
        value: b"x".to_vec(),
    };
    let error = read_state_entry("framework-id", &other.encode_to_vec()).unwrap_err();
    assert!(error.contains("'someone-else'"), "{error}");

    let own = Entry {
        name: "framework-id".into(),
        ..other
    };
    let variable = read_state_entry("framework-id", &own.encode_to_vec()).unwrap();
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
    match zookeeper_state(&API, &zookeeper) {
        Err(Error::InvalidArgument { reason, .. }) => {
            assert!(reason.contains("int of milliseconds"), "{reason}")
        }
        other => panic!("expected InvalidArgument, got {other:?}"),
    }
    zookeeper.session_timeout = Duration::from_micros(10);
    assert!(zookeeper_state(&API, &zookeeper).is_err());
    zookeeper.session_timeout = Duration::from_secs(10);
    assert!(zookeeper_state(&API, &zookeeper).is_ok());
}
