//! The master a scheduler connects to, as the user names it, and the probe
//! that tells whether it can be reached from here when a scheduler heard
//! nothing from it (see the watchdogs, `scheduler::registration` and
//! `v1::scheduler::stall`).

use std::ffi::CString;
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use crate::error::{Error, Result};

/// What a master address may be, for errors.
const EXPECTED: &str = "expected host:port, zk://host:port/path, file:///path or local";

/// A master address as the shim takes it: NUL-terminated, not empty. What
/// it names is libmesos's to judge (at `start`).
pub(crate) fn master_string(master: String) -> Result<CString> {
    if master.is_empty() {
        return Err(Error::InvalidArgument {
            what: "master",
            reason: format!("is empty; {EXPECTED}"),
        });
    }
    CString::new(master).map_err(|_| Error::InvalidArgument {
        what: "master",
        reason: format!("contains a NUL byte; {EXPECTED}"),
    })
}

/// How long a connection attempt to the master may take in the probe:
/// longer than ARP takes to give up on an address nobody answers for
/// (3 s), so that the probe reports "No route to host" there rather than a
/// timeout; a timeout then means the packets are dropped on the way.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// A TCP connection from the scheduler's host to the master, tried when a
/// scheduler heard nothing from it: it tells "the master cannot be
/// reached" from "the master does not answer" (a v0 master that cannot
/// connect back, for one).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MasterProbe {
    /// The master accepts connections from here: the way out works.
    Reachable,
    /// The master's host answered, but nothing listens at that port.
    Refused,
    /// No connection to the master from here: no route, a timeout, a name
    /// that does not resolve.
    Unreachable(String),
    /// Not tried: the master is found through ZooKeeper or a file.
    NotProbed,
}

/// Tries a TCP connection to a `HOST:PORT` (or `master@HOST:PORT`) master.
pub(crate) fn probe(master: &str) -> MasterProbe {
    let address = master
        .rsplit_once('@')
        .map_or(master, |(_, address)| address);
    if address.contains("://") || address == "local" {
        return MasterProbe::NotProbed;
    }
    let addresses = match address.to_socket_addrs() {
        Ok(addresses) => addresses.collect::<Vec<_>>(),
        Err(error) => return MasterProbe::Unreachable(format!("{address}: {error}")),
    };
    let mut last = String::from("no address");
    for candidate in addresses {
        match TcpStream::connect_timeout(&candidate, PROBE_TIMEOUT) {
            Ok(_) => return MasterProbe::Reachable,
            Err(error) if error.kind() == std::io::ErrorKind::ConnectionRefused => {
                return MasterProbe::Refused
            }
            Err(error) => last = format!("{candidate}: {error}"),
        }
    }
    MasterProbe::Unreachable(last)
}

/// A wait as people read it: whole seconds (`30 s`), or milliseconds
/// under one.
pub(crate) fn roughly(waited: Duration) -> String {
    if waited < Duration::from_secs(1) {
        format!("{} ms", waited.as_millis())
    } else {
        format!("{} s", waited.as_secs_f64().round())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_tells_refused_from_unreachable_and_skips_zookeeper() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = closed.local_addr().unwrap().port();
        drop(closed);
        assert_eq!(probe(&format!("127.0.0.1:{port}")), MasterProbe::Refused);
        let open = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = open.local_addr().unwrap().to_string();
        assert_eq!(probe(&address), MasterProbe::Reachable);
        assert_eq!(probe(&format!("master@{address}")), MasterProbe::Reachable);
        assert_eq!(probe("zk://127.0.0.1:2181/mesos"), MasterProbe::NotProbed);
        assert!(matches!(
            probe("no-such-host.invalid:5050"),
            MasterProbe::Unreachable(_)
        ));
    }

    #[test]
    fn waits_read_in_whole_seconds() {
        assert_eq!(roughly(Duration::from_millis(30_412)), "30 s");
        assert_eq!(roughly(Duration::from_millis(300)), "300 ms");
    }
}
