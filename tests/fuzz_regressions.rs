//! Every bug the fuzz targets (`fuzz/`) found, as a test of the normal
//! suite on stable: each test quotes the input that found it, decoded from
//! its file in `fuzz/regressions/TARGET/` (which the target also replays
//! on every CI run, as part of its corpus), and checks the fixed answer.

use mesos::__test_seams::hostile_input::read_state_entry;
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
