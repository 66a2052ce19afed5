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
use std::time::Duration;

use super::SchedulerDriver;
use crate::driver::watchdog::{self, Watch};
use crate::driver::WeakHandle;
pub use crate::master::MasterProbe;
use crate::master::{probe, roughly};

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
        let waited = roughly(self.waited);
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
                     {waited}, though the master accepts connections from here. "
                )?;
                connect_back(f)?;
                write!(
                    f,
                    " (A master that is not the leading one ignores registrations too: give the \
                     driver the masters' zk:// URL.)"
                )
            }
            MasterProbe::Refused => write!(
                f,
                "the scheduler driver has not registered after {waited}: nothing accepts \
                 connections at {master}. Is a master running there? Check the master address; \
                 the driver keeps trying."
            ),
            MasterProbe::Unreachable(reason) => write!(
                f,
                "the scheduler driver has not registered after {waited}: the master at \
                 {master} cannot be reached from here ({reason}). Check the master address and \
                 this host's routes to it (a firewall, another network); the driver keeps trying."
            ),
            MasterProbe::NotProbed => {
                write!(
                    f,
                    "the scheduler driver has not registered with the masters at {master} after \
                     {waited}. If they are up and reachable from here: "
                )?;
                connect_back(f)
            }
        }
    }
}

/// Watches the driver (see [`watchdog`]): once it runs, waits up to
/// `timeout` for its first callback; if none came, diagnoses the stall and
/// hands it to [`Scheduler::registration_stalled`](super::Scheduler::registration_stalled).
pub(super) fn watch(driver: WeakHandle<SchedulerDriver>, master: String, timeout: Duration) {
    watchdog::spawn(
        driver,
        Watch {
            thread: "mesos-registration-watch",
            callback: "Scheduler::registration_stalled",
            timeout,
            diagnose: Box::new(move |api, waited| {
                let advertised = crate::boundary::libprocess_address(api);
                RegistrationStalled::diagnose(&master, waited, advertised)
            }),
            tell: |user, driver, stalled| user.registration_stalled(driver, stalled),
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

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
