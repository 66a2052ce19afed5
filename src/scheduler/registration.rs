//! The registration watchdog: a scheduler driver that started but never
//! registered is told why, instead of waiting in silence.
//!
//! libprocess opens one connection each way: the driver connects to the
//! master to register, and the master connects back to the address the
//! driver advertised to answer. Behind NAT, in a container network or on a
//! host with several interfaces that address is often one the master cannot
//! reach. The master then "resends the acknowledgement" for ever, libmesos
//! retries the registration for ever, and no callback ever says so (Kafka,
//! Jenkins, Marathon and mesos-go users met this one). The watchdog waits
//! for the driver's first callback (`registered`, or `error`); when none
//! came in time it probes the master from here, and hands the scheduler a
//! [`RegistrationStalled`] that says what was advertised, what failed and
//! what to do. The driver keeps retrying meanwhile: once the network is
//! fixed, it registers.

use std::fmt;
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::SchedulerDriver;
use crate::driver::{DriverStatus, WeakHandle};

/// How often the watchdog looks at the driver: registration takes well
/// under a second where it works, so this costs nothing that matters.
const POLL: Duration = Duration::from_millis(100);

/// How long a connection attempt to the master may take in the probe.
const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// Why a scheduler driver has not registered: the binding's diagnosis,
/// given to [`Scheduler::registration_stalled`](super::Scheduler::registration_stalled) once the registration
/// timeout passed with no callback at all. `Display` says it all, with
/// what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RegistrationStalled {
    /// The master the driver was given.
    pub master: String,
    /// How long the driver has tried to register.
    pub waited: Duration,
    /// The address this scheduler gave the master to connect back to
    /// (libprocess's, `IP:PORT`); `None` where the build cannot tell.
    pub advertised: Option<String>,
    /// What a connection from here to the master did.
    pub probe: MasterProbe,
}

/// A connection from the scheduler's host to the master, tried when the
/// registration stalled: it tells "the master cannot be reached" from "the
/// master cannot reach back".
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MasterProbe {
    /// The master accepts connections from here: the way out works, so the
    /// way back (the master connecting to the advertised address) is what
    /// fails.
    Reachable,
    /// The master's host answered, but nothing listens at that port.
    Refused,
    /// No connection to the master from here: no route, a timeout, a name
    /// that does not resolve.
    Unreachable(String),
    /// Not tried: the master is found through ZooKeeper or a file.
    NotProbed,
}

impl RegistrationStalled {
    /// The diagnosis of a stall of `waited`, with the master probed now.
    fn diagnose(master: &str, waited: Duration, advertised: Option<String>) -> Self {
        Self {
            master: master.to_string(),
            waited,
            advertised,
            probe: probe(master),
        }
    }
}

impl fmt::Display for RegistrationStalled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let master = &self.master;
        let waited = self.waited;
        let advertised = self.advertised.as_deref().unwrap_or("(unknown)");
        let connect_back = |f: &mut fmt::Formatter<'_>| {
            write!(
                f,
                "The master answers by connecting back to this scheduler at {advertised}, the \
                 address libprocess advertised, and that address is not reachable from the \
                 master (NAT, a container network, another interface). Set \
                 LIBPROCESS_ADVERTISE_IP (and LIBPROCESS_ADVERTISE_PORT, forwarded to this \
                 process's LIBPROCESS_PORT) to an address the master can reach, or LIBPROCESS_IP \
                 to this host's address on the master's network; or use the v1 API \
                 (mesos_native::v1::scheduler), which only connects outward."
            )
        };
        match &self.probe {
            MasterProbe::Reachable => {
                write!(
                    f,
                    "the scheduler driver has not registered with the master at {master} after \
                     {waited:?}, though the master accepts connections from here. "
                )?;
                connect_back(f)
            }
            MasterProbe::Refused => write!(
                f,
                "the scheduler driver has not registered after {waited:?}: nothing accepts \
                 connections at {master}. Is a master running there? Check the master address."
            ),
            MasterProbe::Unreachable(reason) => write!(
                f,
                "the scheduler driver has not registered after {waited:?}: the master at \
                 {master} cannot be reached from here ({reason}). Check the master address and \
                 this host's routes to it."
            ),
            MasterProbe::NotProbed => {
                write!(
                    f,
                    "the scheduler driver has not registered with the masters at {master} after \
                     {waited:?}. If they are up and reachable from here: "
                )?;
                connect_back(f)
            }
        }
    }
}

/// Tries a TCP connection to a `HOST:PORT` (or `master@HOST:PORT`) master.
fn probe(master: &str) -> MasterProbe {
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

/// Watches the driver on a thread of its own: once it runs, waits up to
/// `timeout` for its first callback; if none came, diagnoses the stall and
/// delivers it to the scheduler as a callback is delivered. Ends as soon as
/// the driver has a callback, stops, aborts, or is dropped. Holds no
/// counted handle between looks, so dropping the driver frees it at once.
pub(super) fn watch(driver: WeakHandle<SchedulerDriver>, master: String, timeout: Duration) {
    let spawned = std::thread::Builder::new()
        .name("mesos-registration-watch".into())
        .spawn(move || {
            let mut running_since = None;
            loop {
                std::thread::sleep(POLL);
                let Some(shared) = driver.shared() else {
                    return;
                };
                if shared.lifecycle.is_detached() || shared.delivered() > 0 {
                    return;
                }
                match shared.lifecycle.state().status() {
                    DriverStatus::NotStarted => continue,
                    DriverStatus::Running => {}
                    DriverStatus::Stopped | DriverStatus::Aborted => return,
                }
                let since = *running_since.get_or_insert_with(Instant::now);
                if since.elapsed() < timeout {
                    continue;
                }
                let advertised = crate::boundary::libprocess_address(shared.api);
                let stalled = RegistrationStalled::diagnose(&master, since.elapsed(), advertised);
                drop(shared);
                // A counted handle for the delivery: the scheduler's code may
                // call the driver, whose C++ object must outlive the call.
                let Some(handle) = driver.upgrade() else {
                    return;
                };
                // SAFETY: `handle` keeps the driver's shared half and its C++
                // object alive for the whole delivery; the user data is that
                // shared half's, as the shim's callbacks get it.
                unsafe {
                    crate::driver::deliver::<SchedulerDriver>(
                        handle.user_data(),
                        "Scheduler::registration_stalled",
                        |user, driver| {
                            user.registration_stalled(driver, stalled);
                            Ok(())
                        },
                    )
                }
                return;
            }
        });
    if let Err(error) = spawned {
        log::warn!("cannot start the registration watchdog: {error}");
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
    fn the_diagnosis_says_what_was_advertised_and_what_to_set() {
        let stalled = RegistrationStalled {
            master: "10.0.0.1:5050".into(),
            waited: Duration::from_secs(30),
            advertised: Some("172.17.0.2:40123".into()),
            probe: MasterProbe::Reachable,
        };
        let text = stalled.to_string();
        for expected in [
            "172.17.0.2:40123",
            "LIBPROCESS_ADVERTISE_IP",
            "LIBPROCESS_ADVERTISE_PORT",
            "LIBPROCESS_IP",
            "v1",
            "10.0.0.1:5050",
        ] {
            assert!(text.contains(expected), "{expected}: {text}");
        }
    }
}
