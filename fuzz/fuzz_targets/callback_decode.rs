//! Every callback of every kind, fired with arbitrary bytes through the
//! test double: a message that decodes reaches the user once; one that
//! does not ends in `Error::Decode` and an aborted driver; nothing panics
//! across the boundary. The property is `mesos_fuzz::callbacks::fire`'s.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mesos_fuzz::callbacks::{fire, Fire};

fuzz_target!(|input: Fire| fire(input));
