//! Where a ZooKeeper-backed State, Log or election lives: the text form
//! (`ZooKeeper::parse`, `[zk://]HOST:PORT[,HOST:PORT...]/ZNODE`) and the
//! struct form (public fields), opened over the test double.
//!
//! Properties: what the binding accepts, the ZooKeeper client libmesos
//! runs accepts too (models in `mesos_fuzz::models`: a servers string it
//! cannot use makes libmesos retry for ten minutes, then `PLOG(FATAL)`);
//! the session timeout fits the `int` of milliseconds libmesos casts it
//! to; the text form round trips; refusals are `InvalidArgument`.
#![no_main]

use std::time::Duration;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mesos_fuzz::models::{zookeeper_client_accepts_servers, zookeeper_path_is_valid};
use mesos_native::state::{State, Storage};
use mesos_native::{Error, ZooKeeper};

#[derive(Arbitrary, Debug)]
struct Input {
    text: String,
    servers: String,
    znode: String,
    timeout_ms: u64,
    digest: Option<String>,
}

/// What every accepted location must satisfy.
fn usable(zookeeper: &ZooKeeper) {
    let servers = zookeeper_client_accepts_servers(&zookeeper.servers);
    assert_ne!(
        servers,
        Some(false),
        "{zookeeper:?}: the ZooKeeper client refuses the servers"
    );
    assert!(
        zookeeper_path_is_valid(&zookeeper.znode),
        "{zookeeper:?}: invalid znode"
    );
    let ms = zookeeper.session_timeout.as_millis();
    assert!(ms > 0 && ms <= i32::MAX as u128, "{zookeeper:?}: timeout");
    if let Some(digest) = &zookeeper.digest {
        assert!(
            digest.contains(':') && !digest.contains('\0'),
            "{zookeeper:?}"
        );
    }
}

fuzz_target!(|input: Input| {
    match ZooKeeper::parse(&input.text) {
        Ok(zookeeper) => {
            usable(&zookeeper);
            let again = format!("{}{}", zookeeper.servers, zookeeper.znode);
            assert_eq!(ZooKeeper::parse(&again).ok(), Some(zookeeper));
        }
        Err(Error::InvalidArgument { .. }) => {}
        Err(other) => panic!("{:?}: unexpected error {other:?}", input.text),
    }

    let zookeeper = ZooKeeper {
        servers: input.servers,
        session_timeout: Duration::from_millis(input.timeout_ms),
        znode: input.znode,
        digest: input.digest,
    };
    match State::open(mesos_fuzz::double(), Storage::ZooKeeper(zookeeper.clone())) {
        Ok(_) => usable(&zookeeper),
        Err(Error::InvalidArgument { .. }) => {}
        Err(other) => panic!("{zookeeper:?}: unexpected error {other:?}"),
    }
});
