//! Leader elections in memory, for unit tests of code that stands by and
//! leads with [`mesos_native::election`]: every [`election`] at the same znode is
//! the same group, in this process, and [`expire`] ends a candidate's
//! membership as a lost ZooKeeper session does.
//!
//! ```
//! use std::time::Duration;
//! use mesos_native::election::Standing;
//!
//! let timeout = Duration::from_secs(5);
//! let first = mesos_native_testing::election::election("/doc/leader").join("first").unwrap();
//! first.lead(timeout).unwrap();
//! let second = mesos_native_testing::election::election("/doc/leader").join("second").unwrap();
//!
//! assert!(mesos_native_testing::election::expire("/doc/leader", "first"));
//! assert!(first.wait_until_out(timeout).is_ok());
//! second.lead(timeout).unwrap();
//! assert_eq!(second.standing(), Standing::Leading);
//! ```

use mesos_native::election::Election;
use mesos_native::ZooKeeper;

/// The servers every in-memory election claims; only the znode matters.
const SERVERS: &str = "in-memory:2181";

/// The in-memory election at `znode` (an absolute path, e.g.
/// `/my-framework/leader`). Panics on a znode [`ZooKeeper`] refuses, with
/// its reason: a test's own mistake.
pub fn election(znode: &str) -> Election {
    let location = ZooKeeper::new(SERVERS, znode);
    Election::open(crate::shim(), &location)
        .unwrap_or_else(|error| panic!("election at {znode}: {error}"))
}

/// Ends the membership of the candidate that joined the election at
/// `znode` as `name`, as an expired ZooKeeper session would; whether there
/// was one.
pub fn expire(znode: &str, name: &str) -> bool {
    mesos_native_double::expire_membership(SERVERS, znode, name)
}
