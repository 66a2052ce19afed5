//! A State variable as a storage returns it (the bytes another framework,
//! or a corruption, left in ZooKeeper, LevelDB or the log), read as
//! `State::fetch` reads it.
//!
//! Properties: never a panic; what is read is the variable asked for (its
//! name), at a version libmesos can compare and swap against (16 bytes,
//! a UUID: `store` hands it back to libmesos, whose `UUID::fromBytes`
//! refuses anything else); and an entry as libmesos writes it (the
//! `mesos.internal.state.Entry` message) reads back as written.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mesos_native::hostile_input::{read_state_entry, stored_state_entry};

#[derive(Arbitrary, Debug)]
struct Input {
    name: String,
    stored: Vec<u8>,
    version: [u8; 16],
    value: Vec<u8>,
}

fuzz_target!(|input: Input| {
    if let Ok(variable) = read_state_entry(&input.name, &input.stored) {
        assert_eq!(variable.name(), input.name, "read another variable");
        assert_eq!(variable.version().len(), 16, "a version libmesos can't use");
    }

    // An entry as libmesos writes it reads back as written.
    let written = stored_state_entry(&input.name, &input.version, &input.value);
    let read = read_state_entry(&input.name, &written).expect("an entry as libmesos writes it");
    assert_eq!(read.name(), input.name);
    assert_eq!(read.version(), input.version);
    assert_eq!(read.value(), input.value);
});
